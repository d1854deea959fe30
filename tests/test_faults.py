"""Faults ``monitor check`` must survive: SIGKILL at random instants, a full disk, two processes on one root.

Every test runs the real command in subprocesses against real loopback servers and a real SQLite store,
then checks the promises of SPEC §6-7: every stored version has its raw body and its document, the
database passes ``PRAGMA integrity_check``, no file is torn, every change produced exactly one alert id
and every alert reached the webhook at least once.

The kill loop is seeded (``MONITOR_FAULT_SEED``, printed on failure) so that a failing schedule of kills
can be replayed; the instants are spread over the measured length of an unkilled run, so that kills land
during start-up, fetching, writing versions and delivering alerts alike.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.store import Store

from .conftest import LoopbackServer, RecordedRequest, Reply

REPO = Path(__file__).resolve().parent.parent
SEED = int(os.environ.get("MONITOR_FAULT_SEED", "20261128"))
TIERS = ("Tier 2", "Tier 2 Watch List", "Tier 3", "Tier 1")
COUNTRIES = ("Cambodia", "Moldova", "Honduras", "Thailand", "Nepal")

BASE_PARAGRAPHS = (
    "The Government of {country} does not fully meet the minimum standards for the elimination of "
    "trafficking but is making significant efforts to do so.",
    "Authorities investigated 212 cases, compared with 198 cases in the previous year, and convicted 41 "
    "traffickers. Courts sentenced convicted traffickers to terms of up to 15 years.",
    "The government identified 245 victims and referred all of them to shelters run by civil society "
    "organizations with government funding.",
    "Traffickers exploit domestic and foreign victims in {country}, and traffickers exploit victims from "
    "{country} abroad, in agriculture, construction and domestic work.",
)


def report_page(country: str, revision: int, token: str = "0") -> bytes:
    """A report whose tier and findings depend on ``revision``; the chrome on ``token`` (never a change)."""
    tier = TIERS[(revision // 3) % len(TIERS)]
    paragraphs = [p.format(country=country) for p in BASE_PARAGRAPHS]
    paragraphs += [f"In update {k}, authorities reported {7 * k + 3} new prosecutions of suspected traffickers "
                   f"and {k + 1} convictions." for k in range(1, revision + 1)]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>2024 Trafficking in Persons Report: "
            f"{country}</title><script>var session='{token}';</script></head><body>"
            f"<nav class='main-nav'><a href='/'>Home</a> <a href='/reports'>Reports</a></nav>"
            f"<main><h1>2024 Trafficking in Persons Report: {country}</h1>"
            f"<h2>{country.upper()}: {tier}</h2>\n{body}\n</main>"
            f"<footer><p>Last Updated: June {int(token, 16) % 28 + 1}, 2024</p>"
            f"<p>Page views: {int(token, 16)}</p></footer></body></html>").encode()


class Site:
    """The pages the loopback server answers with: one per source, each at its current revision."""

    def __init__(self, server: LoopbackServer, count: int, *, delay: float = 0.0) -> None:
        self.server = server
        self.ids = [f"s{i}" for i in range(count)]
        self.revision = dict.fromkeys(self.ids, 0)
        self.delay = delay
        self._rng = random.Random(SEED)
        self._lock = threading.Lock()
        for i, source_id in enumerate(self.ids):
            server.routes[f"/{source_id}"] = self._handler(source_id, COUNTRIES[i % len(COUNTRIES)])

    def _handler(self, source_id: str, country: str) -> Callable[[RecordedRequest], Reply]:
        def answer(request: RecordedRequest) -> Reply:
            with self._lock:
                token = f"{self._rng.getrandbits(32):x}"
                pause = self._rng.uniform(0, self.delay)
            if pause:
                time.sleep(pause)
            return Reply(200, report_page(country, self.revision[source_id], token))
        return answer

    def sources_yaml(self) -> str:
        return "".join(f"  - id: {s}\n    url: {self.server.url('/' + s)}\n" for s in self.ids)


def write_config(folder: Path, site: Site, storage: Path, notify: str = "") -> Path:
    path = folder / "config.yaml"
    path.write_text(f"storage: {storage}\nfetch: {{workers: 4, per_host: 4}}\nsources:\n{site.sources_yaml()}"
                    f"{notify}", encoding="utf-8")
    return path


def monitor_cmd(config: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "monitor", "--config", str(config), "check", *extra]


def run_check(config: Path, *, timeout: float = 60, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(monitor_cmd(config, "--json"), capture_output=True, text=True, timeout=timeout,
                          cwd=REPO, **kwargs)


def statuses(completed: subprocess.CompletedProcess[str]) -> dict[str, str]:
    return {s["id"]: s["status"] for s in json.loads(completed.stdout)["sources"]}


# --------------------------------------------------------------------------- what must hold after any fault

def integrity(storage: Path) -> str:
    db = sqlite3.connect(storage / "state.db")
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def assert_no_torn_files(storage: Path) -> None:
    """Every file a reader can see is whole: only temporary files (``.name.tmp``) may be left half-written."""
    for folder in (p for p in storage.iterdir() if p.is_dir()):
        for path in folder.iterdir():
            if path.name.startswith("."):
                continue
            data = path.read_bytes()
            if path.name.endswith(".raw.gz"):
                assert gzip.decompress(data), path
            elif path.name.endswith(".json"):
                assert json.loads(data)["document"] is not None, path
            elif path.name.endswith(".txt"):
                assert data.endswith(b"\n"), path


def assert_consistent_store(storage: Path, source_ids: list[str]) -> dict[str, Any]:
    """Versions with their files, one change alert per non-baseline version and none without one."""
    assert integrity(storage) == "ok"
    assert_no_torn_files(storage)
    with Store(storage) as store:
        alerts = [a for a in store.alerts() if a.type == "change"]
        # (sources with the same page share version ids: a version is its source's and its id)
        by_new_version = Counter((a.source_id, a.payload["versions"]["new"]) for a in alerts)
        changes = 0
        for source_id in source_ids:
            versions = store.versions(source_id)
            assert versions, f"{source_id} has no baseline"
            assert versions[0].kinds == ()
            for v in versions:
                assert store.load_raw(v)                 # the raw body it came from
                store.load_document(v)                   # and the normalized document
                assert (storage / source_id / f"{v.id}.txt").is_file()
            for previous, v in zip(versions, versions[1:], strict=False):
                assert v.kinds, f"{v.id} stored without a change"
                assert v.content_hash != previous.content_hash, f"{v.id} duplicates {previous.id}"
                count = by_new_version[source_id, v.id]
                assert count == 1, f"version {v.id} of {source_id} has {count} alerts"
                (alert,) = [a for a in alerts if a.source_id == source_id and a.payload["versions"]["new"] == v.id]
                assert alert.payload["versions"]["old"] == previous.id
                changes += 1
        assert len(alerts) == changes, "an alert refers to a version that was never stored"
        return {"alerts": alerts, "changes": changes}


# --------------------------------------------------------------------------- SIGKILL at random instants

RUNS = 24


def extraction_processes() -> list[int]:
    """Every extraction process on this machine (the tests run one at a time)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if b"monitor.extract_process" in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
    return found


def test_sigkill_at_random_instants_never_loses_a_version_or_an_alert(
        tmp_path: Path, http_server: LoopbackServer, start_webhook: Callable[..., Any]) -> None:
    rng = random.Random(SEED)
    site = Site(http_server, 12, delay=0.03)   # enough sources for the pass's extraction process
    receiver = start_webhook()
    receiver.delay = 0.02   # deliveries take a moment, so that some kills land in the middle of them
    storage = tmp_path / "store"
    config = write_config(tmp_path, site, storage,
                          notify=f"notify:\n  - type: webhook\n    url: {receiver.url()}\n    timeout: 5\n")
    started = time.monotonic()
    first = run_check(config)
    length = time.monotonic() - started       # an unkilled run on this machine, start-up included
    assert first.returncode == 0, first.stderr
    assert set(statuses(first).values()) == {"new"}
    killed = finished = 0
    for run in range(RUNS):
        for source_id in site.ids:
            if rng.random() < 0.4:
                site.revision[source_id] += 1
        delay = rng.uniform(0.3 * length, 1.3 * length)
        proc = subprocess.Popen(monitor_cmd(config), cwd=REPO, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
            finished += 1
            assert proc.returncode == 0, f"run {run} (seed {SEED}) exited with {proc.returncode}"
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            killed += 1
        assert integrity(storage) == "ok", f"run {run} (seed {SEED})"
    assert killed >= 3, f"only {killed} of {RUNS} runs were killed: the instants missed the runs (seed {SEED})"
    deadline = time.monotonic() + 10   # a killed pass's extraction process ends after the page it is on
    while extraction_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not extraction_processes(), "an extraction process outlived its killed pass"

    # One run to the end: it detects what the killed runs left undone and flushes the outbox.
    flush = run_check(config)
    assert flush.returncode == 0, flush.stderr
    assert set(statuses(flush).values()) <= {"changed", "unchanged"}
    final = run_check(config)
    assert set(statuses(final).values()) == {"unchanged"}, "the last version is not today's page"

    result = assert_consistent_store(storage, site.ids)
    assert result["changes"] >= 5, f"too few changes to prove anything (seed {SEED})"
    for alert in result["alerts"]:
        assert alert.id in receiver.events, f"alert {alert.id} was never delivered (seed {SEED})"
        assert receiver.events[alert.id]["versions"] == alert.payload["versions"]
    delivered_ids = Counter(call.headers.get("X-Monitor-Event") for call in receiver.calls)
    assert set(delivered_ids) <= {a.id for a in result["alerts"]}, "an alert id was delivered for no change"


# --------------------------------------------------------------------------- a full disk

FILE_SIZE_LIMIT = 512 * 1024


def incompressible_page(country: str, revision: int, size: int) -> bytes:
    """A report with a very long (random, so incompressible) paragraph: its version files are large."""
    words = " ".join(random.Random(revision).getrandbits(40).to_bytes(5, "big").hex() for _ in range(size // 11))
    page = report_page(country, revision).decode()
    return page.replace("</main>", f"<p>The annex lists case numbers {words}.</p></main>").encode()


def limit_file_size() -> None:  # runs in the child between fork and exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a failing write(), not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def assert_failed_cleanly(completed: subprocess.CompletedProcess[str], storage: Path, source_id: str,
                          versions_before: list[str], expected: tuple[str, ...]) -> None:
    assert completed.returncode == 1, completed.stderr
    (source,) = json.loads(completed.stdout)["sources"]
    assert source["status"] == "failed"
    assert any(phrase in source["error"] for phrase in expected), source["error"]
    assert "Traceback" not in completed.stderr
    assert integrity(storage) == "ok"
    assert_no_torn_files(storage)
    with Store(storage) as store:
        assert [v.id for v in store.versions(source_id)] == versions_before   # the old state, whole
        store.load_document(store.versions(source_id)[-1])
        assert store.alerts() == []
    leftovers = [p.name for p in (storage / source_id).iterdir() if p.name.endswith(".tmp")]
    assert leftovers == [], "temporary files were not cleaned up"


def test_a_write_refused_for_size_is_a_clear_error_and_leaves_the_old_state(
        tmp_path: Path, http_server: LoopbackServer) -> None:
    site = Site(http_server, 1)
    storage = tmp_path / "store"
    config = write_config(tmp_path, site, storage)
    assert run_check(config).returncode == 0
    with Store(storage) as store:
        before = [v.id for v in store.versions("s0")]
    http_server.routes["/s0"] = Reply(200, incompressible_page("Cambodia", 1, 2 * FILE_SIZE_LIMIT))
    refused = run_check(config, preexec_fn=limit_file_size)
    assert_failed_cleanly(refused, storage, "s0", before, ("file size limit", "disk is full"))
    # With room again the same change is stored, once, with its one alert.
    recovered = run_check(config)
    assert statuses(recovered) == {"s0": "changed"}, recovered.stderr
    assert assert_consistent_store(storage, ["s0"])["changes"] == 1


@contextlib.contextmanager
def tiny_tmpfs(mountpoint: Path, size: str) -> Iterator[Path]:
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'not permitted'}); "
                    "the file-size test covers the same path")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_a_full_disk_is_a_clear_error_and_leaves_the_old_state(tmp_path: Path, http_server: LoopbackServer) -> None:
    site = Site(http_server, 1)
    with tiny_tmpfs(tmp_path / "disk", "2m") as disk:
        storage = disk / "store"
        config = write_config(tmp_path, site, storage)
        assert run_check(config).returncode == 0
        with Store(storage) as store:
            before = [v.id for v in store.versions("s0")]
        filler = disk / "filler"
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        filler.write_bytes(b"\0" * max(0, free - 48 * 1024))   # leave 48 KB: room for the database, not more
        http_server.routes["/s0"] = Reply(200, incompressible_page("Cambodia", 1, 400 * 1024))
        refused = run_check(config)
        assert_failed_cleanly(refused, storage, "s0", before, ("disk is full",))
        filler.unlink()
        recovered = run_check(config)
        assert statuses(recovered) == {"s0": "changed"}, recovered.stderr
        assert assert_consistent_store(storage, ["s0"])["changes"] == 1


# --------------------------------------------------------------------------- two processes on one root

def test_two_checks_started_together_share_the_root_without_duplicates(
        tmp_path: Path, http_server: LoopbackServer) -> None:
    site = Site(http_server, 5, delay=0.1)   # slow answers: the two passes overlap for sure
    storage = tmp_path / "store"
    config = write_config(tmp_path, site, storage)

    def together() -> list[dict[str, str]]:
        procs = [subprocess.Popen(monitor_cmd(config, "--json"), cwd=REPO, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [p.communicate(timeout=60) for p in procs]
        for proc, (_, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err
            assert "Traceback" not in err
        return [{s["id"]: s["status"] for s in json.loads(out)["sources"]} for out, _ in outputs]

    for round_, wanted in enumerate(("new", "changed", "changed")):
        if round_:
            for source_id in site.ids:
                site.revision[source_id] += 1
        first, second = together()
        for source_id in site.ids:
            pair = sorted((first[source_id], second[source_id]))
            # exactly one process stores the version; the other finds it stored, or finds the source busy
            assert pair in (sorted([wanted, "skipped"]), sorted([wanted, "unchanged"])), pair
        with Store(storage) as store:
            assert all(len(store.versions(s)) == round_ + 1 for s in site.ids)
    assert assert_consistent_store(storage, site.ids)["changes"] == 2 * len(site.ids)


# --------------------------------------------------------------------------- the shared flush

def test_one_flush_serves_many_writers_and_a_failed_flush_fails_them_all() -> None:
    from monitor.store import GroupSync

    flushes: list[int] = []
    lock = threading.Lock()

    def slow_flush() -> None:
        with lock:
            flushes.append(1)
        time.sleep(0.05)

    group = GroupSync(slow_flush)
    threads = [threading.Thread(target=group.sync) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= len(flushes) <= 3, "sixteen writers waiting together share a flush"

    def failing_flush() -> None:
        time.sleep(0.02)
        raise OSError(5, "Input/output error")

    failing = GroupSync(failing_flush)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            failing.sync()
        except OSError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 8, "every writer the failed flush was meant to serve hears of it"


def test_a_failing_flush_stores_nothing_and_says_why(tmp_path: Path) -> None:
    from monitor.models import Document, Version
    from monitor.store import GroupSync, NewVersion, SourceState, StoreError

    def failing_flush() -> None:
        raise OSError(5, "Input/output error")

    with Store(tmp_path / "store") as store:
        store._group_sync = GroupSync(failing_flush)   # a disk that fails to write back
        version = Version("s0", "20261128T060000Z-00000000", datetime(2026, 11, 28, tzinfo=UTC),
                          "0" * 64, "0" * 64, None, (), "baseline", "utf-8", "text/html", "r", "http://x/")
        with pytest.raises(StoreError, match="Input/output error"):
            store.commit_version(NewVersion(version, Document(), b"<html></html>"), SourceState("s0"))
        assert store.versions("s0") == []
        assert [p.name for p in (tmp_path / "store" / "s0").iterdir()] == [], "temporary files left behind"
