"""The snapshot store: readable versions with their raw bodies, atomic writes, locks, state round-trips."""

from __future__ import annotations

import contextlib
import gzip
import json
import multiprocessing
import multiprocessing.queues
import multiprocessing.synchronize
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.errors import LockedError, StoreError
from monitor.models import Alert, Block, Document, Version
from monitor.store import GroupWrites, NewVersion, SourceState, Store, make_version_id, readable_json

NOW = datetime(2026, 11, 28, 6, 0, 3, tzinfo=UTC)


def make_doc(tier: str = "Tier 3", text: str = "Cambodia is a source country.") -> Document:
    return Document(fields={"country": "Cambodia", "tier": tier, "year": None},
                    blocks=(Block("heading", "Cambodia (Tier 3)"), Block("paragraph", text, "Overview")))


def make_new(store: Store, doc: Document, raw: bytes = b"<html>raw</html>", when: datetime = NOW,
             source_id: str = "khm") -> NewVersion:
    vid = store.unique_version_id(source_id, make_version_id(when, doc.content_hash))
    version = Version(source_id=source_id, id=vid, created_at=when, content_hash=doc.content_hash,
                      body_hash="b" * 64, tier=doc.tier, kinds=(), summary="baseline", encoding="utf-8",
                      content_type="text/html", rules_fingerprint="f" * 16, final_url="https://x.org/")
    return NewVersion(version, doc, raw)


def test_version_is_readable_text_json_and_compressed_raw(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        doc = make_doc()
        new = make_new(store, doc, raw=b"<html>\xe9 raw body</html>")
        store.commit_version(new, SourceState("khm", etag='"abc"'))
        folder = tmp_path / "khm"
        vid = new.version.id
        assert vid == "20261128T060003Z-" + doc.content_hash[:8]
        text = (folder / f"{vid}.txt").read_text()
        assert "tier: Tier 3" in text and "Cambodia is a source country." in text and "## Overview" in text
        meta = json.loads((folder / f"{vid}.json").read_text())
        assert Document.from_json(meta["document"]) == doc
        assert gzip.decompress((folder / f"{vid}.raw.gz").read_bytes()) == b"<html>\xe9 raw body</html>"
        (latest,) = store.versions("khm")
        assert latest == store.latest_version("khm") == new.version
        assert store.load_document(latest) == doc
        assert store.load_raw(latest) == b"<html>\xe9 raw body</html>"
        assert store.state("khm").etag == '"abc"'


def test_state_round_trips_and_unknown_source_has_empty_state(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        assert store.state("nope") == SourceState("nope")
        # Every field set, each to a value of its own: a column read into the wrong field cannot pass.
        state = SourceState("khm", etag="e", last_modified="Mon", last_body_hash="h",
                            last_check="2026-11-28T06:00:00Z", last_status="suspect", last_error="HTTP 503",
                            last_duration=1.5, consecutive_failures=2, failing_since="2026-11-27T06:00:00Z",
                            failure_alerted=True, suspect_hash="s", suspect_reason="maintenance page",
                            suspect_since="2026-11-28T05:00:00Z", suspect_count=1)
        store.save_state(state)
        assert store.state("khm") == state and store.state("khm").failure_alerted is True
        store.save_state_later(replace(state, last_check="2026-11-28T07:00:00Z"), state)
        store.flush_states()
    with Store(tmp_path) as store:
        assert store.state("khm") == replace(state, last_check="2026-11-28T07:00:00Z")


def test_state_and_latest_read_together_match_the_separate_reads(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        assert store.state_and_latest("khm") == (SourceState("khm"), None)
        failing = SourceState("khm", last_status="failed", consecutive_failures=1, failure_alerted=True)
        store.save_state(failing)                      # state, but no version yet
        assert store.state_and_latest("khm") == (failing, None)
        first = make_new(store, make_doc())
        store.commit_version(first, SourceState("khm", etag="e1"))
        second = make_new(store, make_doc("Tier 2"), when=NOW.replace(hour=7))
        store.commit_version(second, SourceState("khm", etag="e2"))
        store.commit_version(make_new(store, make_doc(), source_id="other"), SourceState("other"))
        assert store.state_and_latest("khm") == (store.state("khm"), store.latest_version("khm"))
        assert store.state_and_latest("khm") == (SourceState("khm", etag="e2"), second.version)
        pending = SourceState("khm", etag="e3", last_check="2026-11-28T08:00:00Z")
        store.save_state_later(pending, SourceState("khm", etag="e2"))   # a deferred state is what the process sees
        assert store.state_and_latest("khm") == (pending, second.version)


def test_many_sources_read_together_match_their_reads_one_by_one(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        store.commit_version(make_new(store, make_doc()), SourceState("khm", etag="k1", last_status="ok"))
        second = make_new(store, make_doc("Tier 3"), when=NOW.replace(hour=7))
        store.commit_version(second, SourceState("khm", etag="k2", last_status="ok"))
        store.commit_version(make_new(store, make_doc(), source_id="mda"), SourceState("mda", etag="m1"))
        store.save_state(SourceState("failing", last_status="failed", consecutive_failures=2))  # no version
        store.save_state_later(SourceState("mda", etag="m2", last_check="2026-11-28T08:00:00Z"),
                               SourceState("mda", etag="m1"))                                  # deferred
        wanted = ["mda", "nothing", "khm", "failing"]
        together = store.states_and_latest(wanted)
        assert together == {source_id: store.state_and_latest(source_id) for source_id in wanted}
        assert together["khm"] == (SourceState("khm", etag="k2", last_status="ok"), second.version)
        assert together["mda"][0].etag == "m2" and together["nothing"] == (SourceState("nothing"), None)
        assert store.states_and_latest([]) == {}


def test_threads_sharing_a_store_each_read_at_once_what_they_committed(tmp_path: Path) -> None:
    # One connection reads for every thread, another writes: a read must never see an older snapshot.
    errors: list[BaseException] = []

    def check_repeatedly(store: Store, source_id: str) -> None:
        try:
            for i in range(10):
                new = make_new(store, make_doc(text=f"Version {i} of {source_id}."),
                               when=NOW + timedelta(seconds=i), source_id=source_id)
                store.commit_version(new, SourceState(source_id, etag=f"e{i}"))
                assert store.state_and_latest(source_id) == (SourceState(source_id, etag=f"e{i}"), new.version)
                assert [v.id for v in store.versions(source_id)][-1] == new.version.id
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    with Store(tmp_path) as store:
        threads = [threading.Thread(target=check_repeatedly, args=(store, f"s{n}")) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    with Store(tmp_path) as store:
        assert {sid: len(store.versions(sid)) for sid in store.source_ids()} == {f"s{n}": 10 for n in range(8)}


def test_deferred_state_is_seen_at_once_and_written_by_flush_or_close(tmp_path: Path) -> None:
    checked = SourceState("khm", etag="e2", last_check="2026-11-28T06:00:00Z", last_status="ok")
    with Store(tmp_path) as store:
        stored = SourceState("khm", etag="e1", last_status="ok")
        store.save_state(stored)
        store.save_state_later(checked, stored)
        assert store.state("khm") == checked          # the same process sees it before it is written
        with Store(tmp_path) as other:
            assert other.state("khm").etag == "e1"    # not yet in the database
        store.flush_states()
        with Store(tmp_path) as other:
            assert other.state("khm") == checked
        store.save_state_later(replace(checked, last_check="2026-11-28T07:00:00Z"), checked)
    with Store(tmp_path) as store:                    # closing wrote the last one
        assert store.state("khm").last_check == "2026-11-28T07:00:00Z"


def test_a_deferred_row_is_written_only_over_the_row_it_was_worked_out_from(tmp_path: Path) -> None:
    # A pass defers the bookkeeping of an unchanged check; before the batch is written, another process
    # checks the same source and records what it found (a failure streak, a new version's validators).
    read = SourceState("khm", etag="e1", last_check="2026-11-28T06:00:00Z", last_status="ok")
    with Store(tmp_path) as store:
        store.save_state(read)
        store.save_state(replace(read, source_id="mda"))
        store.save_state_later(replace(read, last_check="2026-11-28T07:00:00Z"), read)
        store.save_state_later(replace(read, source_id="mda", last_check="2026-11-28T07:00:00Z"),
                               replace(read, source_id="mda"))
        store.save_state_later(SourceState("new", etag="n1", last_status="ok"), SourceState("new"))
        newer = replace(read, last_check="2026-11-28T07:00:05Z", last_status="failed", last_error="HTTP 503",
                        consecutive_failures=1, failing_since="2026-11-28T07:00:05Z")
        with Store(tmp_path) as other:
            other.save_state(newer)
        store.flush_states()
        assert store.state("khm") == newer                               # kept, not overwritten
        assert store.state("mda").last_check == "2026-11-28T07:00:00Z"   # nobody else wrote it: written
        assert store.state("new") == SourceState("new", etag="n1", last_status="ok")   # no row yet: inserted
    with Store(tmp_path) as store:
        assert store.state("khm") == newer


def test_deferred_rows_worked_out_from_a_pending_one_are_written(tmp_path: Path) -> None:
    # Two checks of one source before a flush (a service's passes): the second was worked out from the
    # first, still pending; both replace the stored row, the second last.
    stored = SourceState("khm", etag="e1", last_check="2026-11-28T06:00:00Z", last_status="ok")
    first = replace(stored, last_check="2026-11-28T07:00:00Z")
    second = replace(first, etag="e2", last_check="2026-11-28T08:00:00Z")
    with Store(tmp_path) as store:
        store.save_state(stored)
        store.save_state_later(first, stored)
        store.save_state_later(second, store.state("khm"))
        store.flush_states()
    with Store(tmp_path) as store:
        assert store.state("khm") == second


def test_a_state_written_at_once_wins_over_an_older_deferred_one(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        store.save_state_later(SourceState("khm", last_status="ok"), SourceState("khm"))
        failed = SourceState("khm", last_status="failed", last_error="HTTP 500", consecutive_failures=1)
        store.save_state(failed)
        store.flush_states()
        assert store.state("khm") == failed
    with Store(tmp_path) as store:
        assert store.state("khm") == failed


def test_same_second_same_content_gets_a_distinct_version_id(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        first = make_new(store, make_doc())
        store.commit_version(first, SourceState("khm"))
        second = make_new(store, make_doc())
        store.commit_version(second, SourceState("khm"))
        assert second.version.id == first.version.id + "-2"
        assert [v.id for v in store.versions("khm")] == [first.version.id, second.version.id]


def test_alert_ids_are_stored_once(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        alert = Alert(id="a1", source_id="khm", type="change", kinds=("tier",), payload={"id": "a1"},
                      created_at=NOW)
        store.commit_version(make_new(store, make_doc()), SourceState("khm"), (alert,))
        store.save_state(SourceState("khm"), alert)
        assert [a.id for a in store.alerts()] == ["a1"]
        assert store.alerts("khm")[0].payload == {"id": "a1"}


def test_failed_database_commit_leaves_no_visible_version(tmp_path: Path) -> None:
    with Store(tmp_path, busy_timeout=0.1) as store:
        store.commit_version(make_new(store, make_doc()), SourceState("khm"))
        # another connection holds the write lock: our commit must fail cleanly, not half-write
        blocker = sqlite3.connect(tmp_path / "state.db", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError, match="locked"):
            store.commit_version(make_new(store, make_doc("Tier 2")), SourceState("khm"))
        blocker.execute("ROLLBACK")
        blocker.close()
        assert len(store.versions("khm")) == 1
        # the files written before the failed commit are invisible leftovers, swept away
        assert store.sweep_orphans("khm") == 3
        assert sorted(p.name for p in (tmp_path / "khm").iterdir() if not p.name.startswith(".")) == sorted(
            f"{store.versions('khm')[0].id}{ext}" for ext in (".json", ".txt", ".raw.gz"))


def test_full_disk_gives_a_clear_error_and_keeps_the_old_state(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(tmp_path) as store:
        store.commit_version(make_new(store, make_doc()), SourceState("khm"))
        monkeypatch.setattr(os, "write", _full_disk_under(tmp_path, os.write))
        with pytest.raises(StoreError, match="disk is full"):
            store.commit_version(make_new(store, make_doc("Tier 1")), SourceState("khm"))
        monkeypatch.undo()
        assert [v.tier for v in store.versions("khm")] == ["Tier 3"]
        assert not [p for p in (tmp_path / "khm").iterdir() if p.name.endswith(".tmp")]


def _full_disk_under(root: Path, real_write):  # type: ignore[no-untyped-def]
    """os.write failing with ENOSPC for files under ``root`` (the test's output is written elsewhere)."""
    def write(fd: int, data: bytes) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(root)):
            raise OSError(28, "No space left on device")
        return int(real_write(fd, data))
    return write


def _hold_lock(root: str, ready: multiprocessing.synchronize.Event, release: multiprocessing.synchronize.Event
               ) -> None:
    store = Store(root)
    with store.source_lock("khm"):
        ready.set()
        release.wait(10)


def test_source_lock_excludes_another_process(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, release))
    proc.start()
    try:
        assert ready.wait(20)
        with Store(tmp_path) as store:
            with pytest.raises(LockedError, match="being checked by another process"):
                with store.source_lock("khm"):
                    pass
            with store.source_lock("other"):  # other sources stay free
                pass
    finally:
        release.set()
        proc.join(10)
    with Store(tmp_path) as store, store.source_lock("khm"):  # released when the holder ends
        pass


def test_service_lock_is_exclusive(tmp_path: Path) -> None:
    with Store(tmp_path) as one, Store(tmp_path) as two:
        with one.service_lock():
            with pytest.raises(LockedError, match="another 'monitor run'"):
                with two.service_lock():
                    pass


def test_unreadable_raw_body_is_a_clear_store_error(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        new = make_new(store, make_doc())
        store.commit_version(new, SourceState("khm"))
        (tmp_path / "khm" / f"{new.version.id}.raw.gz").write_bytes(b"not gzip")
        with pytest.raises(StoreError, match="cannot read the raw body"):
            store.load_raw(new.version)


def test_storage_root_that_is_a_file_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "snapshots"
    blocker.write_text("i am a file")
    with pytest.raises(StoreError, match="cannot create storage root"):
        Store(blocker)


def _open_store(root: str, barrier: multiprocessing.synchronize.Barrier,
                errors: multiprocessing.queues.Queue) -> None:  # type: ignore[type-arg]
    barrier.wait(20)
    try:
        with Store(root) as store:
            store.state("khm")
        errors.put("")
    except StoreError as exc:
        errors.put(str(exc))


def test_processes_opening_a_new_root_together_all_succeed(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for round_ in range(8):
        root = tmp_path / f"root{round_}"
        barrier, errors = ctx.Barrier(5), ctx.Queue()
        procs = [ctx.Process(target=_open_store, args=(str(root), barrier, errors)) for _ in range(5)]
        for p in procs:
            p.start()
        outcomes = [errors.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(10)
        assert outcomes == [""] * 5


@given(st.lists(st.tuples(st.sampled_from(["heading", "paragraph", "item"]), st.one_of(st.none(), st.text()),
                          st.text()), max_size=5),
       st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.text()), max_size=3))
def test_version_json_is_the_document_one_block_per_line(blocks: list[tuple[str, str | None, str]],
                                                         fields: dict[str, str | None]) -> None:
    # Any text a page may hold (quotes, backslashes, control and non-BMP characters) round-trips, and each
    # block is exactly one line, so that a changed block changes one line of a diff.
    document = {"fields": fields, "blocks": [{"kind": k, "section": s, "text": t} for k, s, t in blocks]}
    text = readable_json({"version": "v1", "document": document})
    assert json.loads(text) == {"version": "v1", "document": document}
    lines = text.split("\n")   # as diff splits it (str.splitlines would also split at U+0085, U+2028)
    for block in document["blocks"]:
        assert f"    {json.dumps(block, ensure_ascii=False)}" in {line.rstrip(",") for line in lines}


# --------------------------------------------------------------------------- group commit of versions


def test_versions_stored_by_many_threads_at_once_are_all_committed_with_their_state(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        news = [make_new(store, make_doc(text=f"Finding {n}."), source_id=f"s{n}") for n in range(24)]

        def commit(new: NewVersion) -> None:
            store.commit_version(new, SourceState(new.version.source_id, etag=f'"{new.version.source_id}"'))

        threads = [threading.Thread(target=commit, args=(new,)) for new in news]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for new in news:
            assert store.versions(new.version.source_id) == [new.version]
            assert store.load_document(new.version) == new.document
            assert store.state(new.version.source_id).etag == f'"{new.version.source_id}"'


class CountedTransactions:
    """A store's transactions, counted; the first one waits until ``release`` is set."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.count = 0
        self.first_started = threading.Event()
        self.release = threading.Event()

    @contextlib.contextmanager
    def __call__(self) -> Iterator[sqlite3.Connection]:
        self.count += 1
        if self.count == 1:
            self.first_started.set()
            assert self.release.wait(10)
        with self.store.transaction() as conn:
            yield conn


def insert_row(value: str) -> Callable[[sqlite3.Connection], None]:
    return lambda conn: conn.execute("INSERT INTO t (v) VALUES (?)", (value,)) and None


def write_behind_a_held_transaction(store: Store, writes: list[tuple[str, Callable[[sqlite3.Connection], None]]]
                                    ) -> tuple[dict[str, BaseException], int]:
    """Each write in a thread of its own through one GroupWrites into a table ``t``: the first holds its
    transaction until all the others are queued. What each write raised, and how many transactions ran."""
    with store.transaction() as conn:
        conn.execute("CREATE TABLE t (v TEXT PRIMARY KEY)")
    counted = CountedTransactions(store)
    group = GroupWrites(counted)
    errors: dict[str, BaseException] = {}

    def write(name: str, fn: Callable[[sqlite3.Connection], None]) -> None:
        try:
            group.write(fn)
        except BaseException as exc:  # noqa: BLE001 - recorded for the test
            errors[name] = exc

    threads = [threading.Thread(target=write, args=pair) for pair in writes]
    threads[0].start()
    assert counted.first_started.wait(10)
    for thread in threads[1:]:
        thread.start()
    deadline = time.monotonic() + 10
    while len(group._batches._queue) < len(writes) - 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    counted.release.set()
    for thread in threads:
        thread.join(10)
    return errors, counted.count


def test_writes_queued_during_a_transaction_share_the_next_one_and_a_failing_one_fails_alone(
        tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        # While "a" holds the only transaction, three more writes queue; "a" again breaks the primary key.
        errors, transactions = write_behind_a_held_transaction(
            store, [("a", insert_row("a")), ("b", insert_row("b")), ("c", insert_row("c")), ("dup", insert_row("a"))])
        rows = sorted(r[0] for r in store.query("SELECT v FROM t"))
    assert rows == ["a", "b", "c"]
    assert list(errors) == ["dup"] and isinstance(errors["dup"], sqlite3.IntegrityError)
    # "a" alone; "b", "c" and the duplicate together, which failed; then each of the three alone.
    assert transactions == 1 + 1 + 3


def test_queued_writes_share_one_transaction(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        _, transactions = write_behind_a_held_transaction(store, [(v, insert_row(v)) for v in "abcdef"])
        assert sorted(r[0] for r in store.query("SELECT v FROM t")) == list("abcdef")
    assert transactions == 2
