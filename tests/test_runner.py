"""``monitor check`` end to end against a real loopback HTTP server and a real SQLite store."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor import cpus
from monitor.cli import main
from monitor.config import load_config
from monitor.demo import sample_page
from monitor.runner import READ_AHEAD, ReadAhead, _bookkeeping_only, run_pass
from monitor.store import STATE_COLUMNS, SourceState, Store

from .conftest import LoopbackServer, RecordedRequest, Reply, needs_two_cpus

KHM1, KHM2 = sample_page("refworld-khm", 1), sample_page("refworld-khm", 2)
MDA1, MDA2 = sample_page("state-mda", 1), sample_page("state-mda", 2)

MAINTENANCE = b"""<html><head><title>Site maintenance</title></head><body><h1>We'll be back soon</h1>
<p>This site is temporarily down for scheduled maintenance. Please try again later.</p></body></html>"""


def write_config(tmp_path: Path, server: LoopbackServer, extra: str = "", sources: str | None = None) -> Path:
    path = tmp_path / "config.yaml"
    sources = sources or f"""\
  - id: khm
    url: {server.url('/khm')}
  - id: mda
    url: {server.url('/mda')}
"""
    path.write_text(f"storage: store\nsources:\n{sources}{extra}", encoding="utf-8")
    return path


class Clock:
    """Time passed in: each check happens a minute after the previous one."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 6, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def check(config_path: Path, clock: Clock | None = None, ids: list[str] | None = None):  # type: ignore[no-untyped-def]
    config = load_config(config_path, env={})
    return {r.source_id: r for r in run_pass(config, ids, now=clock or Clock()).results}


def serve(server: LoopbackServer, path: str, body: bytes, **headers: str) -> None:
    server.routes[path] = Reply(200, body, headers)


def stored_baselines(tmp_path: Path, server: LoopbackServer) -> tuple[Path, Clock]:
    """Both sample pages served and checked once: the configuration and clock, their baselines stored."""
    serve(server, "/khm", KHM1)
    serve(server, "/mda", MDA1)
    config = write_config(tmp_path, server)
    clock = Clock()
    check(config, clock)
    return config, clock


def test_first_check_stores_baselines_and_alerts_nothing(tmp_path: Path, http_server: LoopbackServer) -> None:
    serve(http_server, "/khm", KHM1)
    serve(http_server, "/mda", MDA1)
    results = check(write_config(tmp_path, http_server))
    assert {k: (r.status, r.tier) for k, r in results.items()} == {
        "khm": ("new", "Tier 2 Watch List"), "mda": ("new", "Tier 2")}
    with Store(tmp_path / "store") as store:
        assert len(store.versions("khm")) == 1 and len(store.versions("mda")) == 1
        assert store.alerts() == []


def test_chrome_only_changes_are_silent_and_store_nothing(tmp_path: Path, http_server: LoopbackServer) -> None:
    config, clock = stored_baselines(tmp_path, http_server)
    serve(http_server, "/mda", MDA2)  # dates, navigation, sidebar tiers of other countries, session token
    files_before = sorted(p.name for p in (tmp_path / "store" / "mda").iterdir())
    results = check(config, clock)
    assert results["mda"].status == "unchanged" and results["mda"].change is None
    assert results["khm"].status == "unchanged"
    with Store(tmp_path / "store") as store:
        assert len(store.versions("mda")) == 1 and store.alerts() == []
    assert sorted(p.name for p in (tmp_path / "store" / "mda").iterdir()) == files_before


def test_new_chrome_around_the_same_report_is_unchanged_without_reading_the_stored_version(
        tmp_path: Path, http_server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The document extracted equals the stored one (same content hash): nothing to compare, so the stored
    # version is not read back - the cost of a pass whose pages only changed their chrome.
    config, clock = stored_baselines(tmp_path, http_server)
    serve(http_server, "/mda", MDA2)
    serve(http_server, "/khm", KHM2)      # a real change: that one is compared with what is stored
    read_back: list[str] = []
    real_load = Store.load_document

    def load_document(self: Store, version):  # type: ignore[no-untyped-def]
        read_back.append(version.source_id)
        return real_load(self, version)

    monkeypatch.setattr(Store, "load_document", load_document)
    results = check(config, clock)
    assert (results["mda"].status, results["khm"].status) == ("unchanged", "changed")
    assert read_back == ["khm"]


def test_tier_and_findings_change_gives_one_alert_with_the_payload(tmp_path: Path,
                                                                   http_server: LoopbackServer) -> None:
    config, clock = stored_baselines(tmp_path, http_server)
    serve(http_server, "/khm", KHM2)
    results = check(config, clock)
    khm = results["khm"]
    assert khm.status == "changed" and khm.tier == "Tier 3"
    payload = khm.change
    assert payload is not None
    assert payload["type"] == "change" and payload["kinds"] == ["tier", "findings"]
    assert payload["tier"] == {"old": "Tier 2 Watch List", "new": "Tier 3", "direction": "downgrade"}
    assert payload["source"] == {"id": "khm", "name": "khm", "url": http_server.url("/khm")}
    added = " ".join(payload["findings"]["added"])
    assert "However, corruption, lack of police training" in added
    assert "is not making significant efforts" in added
    assert any("however, it is making significant efforts" in s for s in payload["findings"]["removed"])
    assert payload["summary"].startswith("Cambodia: Tier 2 Watch List → Tier 3 (downgrade); ")
    assert payload["fields"] is None
    with Store(tmp_path / "store") as store:
        old, new = store.versions("khm")
        assert payload["versions"] == {"old": old.id, "new": new.id}
        (alert,) = store.alerts()
        assert alert.id == payload["id"] and alert.payload == payload
    # checking again finds nothing new: no second alert for the same change
    assert check(config, clock)["khm"].status == "unchanged"
    with Store(tmp_path / "store") as store:
        assert len(store.alerts()) == 1


def test_conditional_get_uses_validators_and_a_304_costs_nothing(tmp_path: Path,
                                                                 http_server: LoopbackServer) -> None:
    def etagged(req: RecordedRequest) -> Reply:
        if req.headers.get("If-None-Match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, KHM1, {"ETag": '"v1"', "Last-Modified": "Mon, 30 May 2016 14:07:00 GMT"})

    http_server.routes["/khm"] = etagged
    config = write_config(tmp_path, http_server, sources=f"  - id: khm\n    url: {http_server.url('/khm')}\n")
    clock = Clock()
    assert check(config, clock)["khm"].status == "new"
    result = check(config, clock)["khm"]
    assert (result.status, result.detail) == ("unchanged", "not modified")
    second = [r for r in http_server.requests if r.path == "/khm"][1]
    assert second.headers.get("If-None-Match") == '"v1"'
    assert second.headers.get("If-Modified-Since") == "Mon, 30 May 2016 14:07:00 GMT"


def etagged_pages(server: LoopbackServer, pages: dict[str, tuple[bytes, str]]) -> None:
    """Serve each path's (body, ETag) from ``pages``, which the test may change: 304 when it matches."""
    def reply(req: RecordedRequest) -> Reply:
        body, etag = pages[req.path]
        if req.headers.get("If-None-Match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {"ETag": etag})

    for path in pages:
        server.routes[path] = reply


def requests_for(server: LoopbackServer, path: str) -> list[RecordedRequest]:
    return [r for r in server.requests if r.path == path]


def test_a_source_busy_in_another_process_is_checked_with_its_validators_or_skipped_unfetched(
        tmp_path: Path, http_server: LoopbackServer) -> None:
    pages = {"/khm": (KHM1, '"k1"')}
    etagged_pages(http_server, pages)
    serve(http_server, "/mda", MDA1)   # no validators
    config = write_config(tmp_path, http_server)
    clock = Clock()
    check(config, clock)
    http_server.requests.clear()
    with Store(tmp_path / "store") as other, other.source_lock("khm"), other.source_lock("mda"):
        results = check(config, clock)
        # A 304 settles an unchanged source without its lock; without validators, the lock comes first.
        assert (results["khm"].status, results["khm"].detail) == ("unchanged", "not modified")
        assert results["mda"].status == "skipped" and "another process" in results["mda"].detail
        assert len(requests_for(http_server, "/khm")) == 1 and requests_for(http_server, "/mda") == []
        pages["/khm"] = (KHM2, '"k2"')   # changed: storing it needs the lock, which the other process holds
        assert check(config, clock)["khm"].status == "skipped"
        assert len(requests_for(http_server, "/khm")) == 2
    with Store(tmp_path / "store") as store:
        assert len(store.versions("khm")) == 1 and store.state("khm").etag == '"k1"'
    assert check(config, clock)["khm"].status == "changed"


def test_a_changed_page_fetched_before_the_lock_is_not_fetched_again(tmp_path: Path,
                                                                    http_server: LoopbackServer) -> None:
    pages = {"/khm": (KHM1, '"k1"'), "/mda": (MDA1, '"m1"')}
    etagged_pages(http_server, pages)
    config = write_config(tmp_path, http_server)
    clock = Clock()
    check(config, clock)
    pages["/khm"] = (KHM2, '"k2"')
    http_server.requests.clear()
    results = check(config, clock)
    assert (results["khm"].status, results["mda"].status) == ("changed", "unchanged")
    assert [r.headers.get("If-None-Match") for r in requests_for(http_server, "/khm")] == ['"k1"']
    with Store(tmp_path / "store") as store:
        assert store.state("khm").etag == '"k2"' and len(store.versions("khm")) == 2


def test_an_answer_to_validators_replaced_before_the_lock_is_asked_again(tmp_path: Path,
                                                                        http_server: LoopbackServer) -> None:
    # The source is checked without its lock first. Meanwhile another check stores a new version (new
    # validators); the server then goes back to the first page. The 304 this check got says nothing about
    # the version now stored: asked again with the stored validators, the page is a change back.
    config = write_config(tmp_path, http_server, sources=f"  - id: khm\n    url: {http_server.url('/khm')}\n",
                          extra="fetch:\n  retries: 0\n")
    clock = Clock()
    answers = iter([Reply(200, KHM1, {"ETag": '"k1"'}), Reply(500, b"down")])
    http_server.routes["/khm"] = lambda req: next(answers)
    assert check(config, clock)["khm"].status == "new"
    assert check(config, clock)["khm"].status == "failed"   # a failure streak: its end is written at once

    other_clock = Clock()
    other_clock.now += timedelta(hours=1)

    def meanwhile_another_check(req: RecordedRequest) -> Reply:
        http_server.routes["/khm"] = Reply(200, KHM2, {"ETag": '"k2"'})
        assert check(config, other_clock)["khm"].status == "changed"   # under the lock this check lacks
        http_server.routes["/khm"] = Reply(200, KHM1, {"ETag": '"k1"'})
        return Reply(304, b"", {"ETag": '"k1"'})

    http_server.routes["/khm"] = meanwhile_another_check
    http_server.requests.clear()
    result = check(config, clock)["khm"]
    assert result.status == "changed" and result.tier == "Tier 2 Watch List"
    assert [r.headers.get("If-None-Match") for r in requests_for(http_server, "/khm")] == ['"k1"', '"k1"', '"k2"']
    with Store(tmp_path / "store") as store:
        assert [v.tier for v in store.versions("khm")] == ["Tier 2 Watch List", "Tier 3", "Tier 2 Watch List"]
        assert store.state("khm").etag == '"k1"' and store.state("khm").consecutive_failures == 0


def test_a_pass_reads_its_sources_state_ahead_and_asks_each_with_its_own_validators(
        tmp_path: Path, http_server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    count = READ_AHEAD + 6   # across a read's boundary
    pages = {f"/s{n}": (KHM1 if n % 2 else MDA1, f'"e{n}"') for n in range(count)}
    etagged_pages(http_server, pages)
    sources = "".join(f"  - id: s{n}\n    url: {http_server.url(f'/s{n}')}\n" for n in range(count))
    config = write_config(tmp_path, http_server, sources=sources, extra="fetch:\n  workers: 4\n  per_host: 4\n")
    clock = Clock()
    assert {r.status for r in check(config, clock).values()} == {"new"}
    reads: list[int] = []
    read_together = Store.states_and_latest

    def counted(self: Store, source_ids):  # type: ignore[no-untyped-def]
        reads.append(len(source_ids))
        return read_together(self, source_ids)

    monkeypatch.setattr(Store, "states_and_latest", counted)
    read_alone = Store.state_and_latest

    def counted_alone(self: Store, source_id: str):  # type: ignore[no-untyped-def]
        reads.append(1)
        return read_alone(self, source_id)

    monkeypatch.setattr(Store, "state_and_latest", counted_alone)
    http_server.requests.clear()
    results = check(config, clock)
    assert {source_id: r.status for source_id, r in results.items()} == {f"s{n}": "unchanged" for n in range(count)}
    assert sorted((r.path, r.headers.get("If-None-Match")) for r in http_server.requests) == \
        sorted((path, etag) for path, (_, etag) in pages.items())
    assert sorted(reads) == [6, READ_AHEAD]   # two reads in all: none of a single source


def test_read_ahead_of_a_source_not_in_the_pass_reads_it_alone(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        store.save_state(SourceState("khm", etag="k1"))
        ahead = ReadAhead(store, [])
        assert ahead.state_and_latest("khm") == (SourceState("khm", etag="k1"), None)


def test_a_failing_source_never_stops_the_others_and_exit_code_is_1(tmp_path: Path,
                                                                    http_server: LoopbackServer) -> None:
    serve(http_server, "/khm", KHM1)
    http_server.routes["/mda"] = Reply(404, b"gone")
    config = write_config(tmp_path, http_server)
    result = CliRunner().invoke(main, ["--config", str(config), "check", "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    by_id = {s["id"]: s for s in data["sources"]}
    assert by_id["khm"] == {"id": "khm", "status": "new", "tier": "Tier 2 Watch List", "change": None,
                            "error": None}
    assert by_id["mda"]["status"] == "failed" and "404" in by_id["mda"]["error"]


def test_check_summary_lines_and_exit_0(tmp_path: Path, http_server: LoopbackServer) -> None:
    serve(http_server, "/khm", KHM1)
    serve(http_server, "/mda", MDA1)
    config = write_config(tmp_path, http_server)
    result = CliRunner().invoke(main, ["--config", str(config), "check", "khm"])
    assert result.exit_code == 0, result.output
    assert "khm" in result.output and "new" in result.output and "Tier 2 Watch List" in result.output
    assert "mda" not in result.output  # only the named source was checked


def test_unknown_source_id_is_a_usage_error(tmp_path: Path, http_server: LoopbackServer) -> None:
    config = write_config(tmp_path, http_server)
    result = CliRunner().invoke(main, ["--config", str(config), "check", "nope"])
    assert result.exit_code == 2
    assert "unknown source id 'nope'" in result.output


def test_error_alert_after_three_failures_then_one_on_recovery(tmp_path: Path,
                                                             http_server: LoopbackServer) -> None:
    serve(http_server, "/khm", KHM1)
    config = write_config(tmp_path, http_server, sources=f"  - id: khm\n    url: {http_server.url('/khm')}\n",
                          extra="fetch:\n  retries: 0\n")
    clock = Clock()
    check(config, clock)
    http_server.routes["/khm"] = Reply(500, b"oops")
    statuses = [check(config, clock)["khm"].status for _ in range(5)]
    assert statuses == ["failed"] * 5
    with Store(tmp_path / "store") as store:
        (alert,) = store.alerts()
        assert alert.type == "error" and alert.payload["error"]["consecutive_failures"] == 3
        assert "500" in alert.payload["error"]["message"]
    serve(http_server, "/khm", KHM1)
    assert check(config, clock)["khm"].status == "unchanged"
    assert check(config, clock)["khm"].status == "unchanged"
    with Store(tmp_path / "store") as store:
        alerts = store.alerts()
        assert [a.type for a in alerts] == ["error", "error"]
        assert alerts[1].payload["error"]["recovered"] is True
        assert store.state("khm").consecutive_failures == 0


def test_maintenance_page_is_suspect_never_stored_never_alerted(tmp_path: Path,
                                                                 http_server: LoopbackServer) -> None:
    serve(http_server, "/khm", KHM1)
    config = write_config(tmp_path, http_server, sources=f"  - id: khm\n    url: {http_server.url('/khm')}\n")
    clock = Clock()
    check(config, clock)
    serve(http_server, "/khm", MAINTENANCE)
    for _ in range(3):  # even repeated identically, a maintenance page is never accepted
        result = check(config, clock)["khm"]
        assert result.status == "suspect" and result.change is None
        assert result.tier == "Tier 2 Watch List"
    serve(http_server, "/khm", KHM1)
    assert check(config, clock)["khm"].status == "unchanged"
    with Store(tmp_path / "store") as store:
        assert len(store.versions("khm")) == 1 and store.alerts() == []
        assert store.state("khm").suspect_hash is None


def test_maintenance_page_on_first_check_is_no_baseline(tmp_path: Path, http_server: LoopbackServer) -> None:
    serve(http_server, "/khm", MAINTENANCE)
    config = write_config(tmp_path, http_server, sources=f"  - id: khm\n    url: {http_server.url('/khm')}\n")
    clock = Clock()
    assert check(config, clock)["khm"].status == "suspect"
    serve(http_server, "/khm", KHM2)
    result = check(config, clock)["khm"]
    assert (result.status, result.tier) == ("new", "Tier 3")


def test_vanished_tier_heading_is_held_until_confirmed(tmp_path: Path, http_server: LoopbackServer) -> None:
    serve(http_server, "/khm", KHM1)
    config = write_config(tmp_path, http_server, sources=f"  - id: khm\n    url: {http_server.url('/khm')}\n")
    clock = Clock()
    check(config, clock)
    no_heading = KHM1.replace(b"<h2>Cambodia (Tier 2 Watch List)</h2>", b"")
    serve(http_server, "/khm", no_heading)
    assert check(config, clock)["khm"].status == "suspect"
    # the same page again: confirmed by an identical later fetch, accepted as a real change
    confirmed = check(config, clock)["khm"]
    assert confirmed.status == "changed"
    with Store(tmp_path / "store") as store:
        assert len(store.versions("khm")) == 2


def test_editing_rules_never_alerts(tmp_path: Path, http_server: LoopbackServer) -> None:
    serve(http_server, "/khm", KHM1)
    url = http_server.url('/khm')
    config = write_config(tmp_path, http_server, sources=f"  - id: khm\n    url: {url}\n")
    clock = Clock()
    check(config, clock)
    # the user now ignores a line of the narrative: the previous version is re-extracted with the new rule
    write_config(tmp_path, http_server,
                 sources=f"  - id: khm\n    url: {url}\n    ignore: ['^Cambodia is a source']\n")
    result = check(config, clock)["khm"]
    assert result.status == "unchanged", result
    with Store(tmp_path / "store") as store:
        assert store.alerts() == [] and len(store.versions("khm")) == 1


def test_non_html_content_is_a_clear_failure_and_stores_nothing(tmp_path: Path,
                                                                 http_server: LoopbackServer) -> None:
    http_server.routes["/khm"] = Reply(200, b"%PDF-1.4 ...", {"Content-Type": "application/pdf"})
    config = write_config(tmp_path, http_server, sources=f"  - id: khm\n    url: {http_server.url('/khm')}\n")
    result = check(config)["khm"]
    assert result.status == "failed" and "unsupported content type application/pdf" in (result.error or "")
    with Store(tmp_path / "store") as store:
        assert store.versions("khm") == []


CRASH_POINTS = ["after-version-files", "after-version-commit"]


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_sigkill_during_the_write_path_leaves_a_consistent_store(tmp_path: Path, http_server: LoopbackServer,
                                                                  point: str) -> None:
    serve(http_server, "/khm", KHM1)
    config = write_config(tmp_path, http_server, sources=f"  - id: khm\n    url: {http_server.url('/khm')}\n")
    monitor = [sys.executable, "-m", "monitor", "--config", str(config), "check"]
    assert subprocess.run(monitor, capture_output=True, timeout=60).returncode == 0
    serve(http_server, "/khm", KHM2)
    killed = subprocess.run(monitor, capture_output=True, timeout=60,
                            env={**os.environ, "MONITOR_TEST_CRASH_AT": point})
    assert killed.returncode == -9
    db = sqlite3.connect(tmp_path / "store" / "state.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with Store(tmp_path / "store") as store:
        versions = store.versions("khm")
        assert len(versions) == (2 if point == "after-version-commit" else 1)
        for v in versions:  # every visible version has its document and its raw body
            assert store.load_raw(v)
            store.load_document(v)
    rerun = subprocess.run(monitor + ["--json"], capture_output=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    status = json.loads(rerun.stdout)["sources"][0]["status"]
    assert status == ("unchanged" if point == "after-version-commit" else "changed")
    with Store(tmp_path / "store") as store:
        assert len(store.versions("khm")) == 2
        assert len(store.alerts()) == 1  # exactly one alert for the one change, whatever the crash




BOOKKEEPING = {"etag": "e2", "last_modified": "Sat, 28 Nov 2026 06:00:00 GMT", "last_body_hash": "h2",
               "last_check": "2026-11-28T07:00:00Z", "last_duration": 0.5}
DECISIVE = {"last_status": "failed", "last_error": "HTTP 500", "consecutive_failures": 1,
            "failing_since": "2026-11-28T06:00:00Z", "failure_alerted": True, "suspect_hash": "s",
            "suspect_reason": "maintenance page", "suspect_since": "2026-11-28T06:00:00Z", "suspect_count": 1}


def test_every_state_column_is_either_bookkeeping_or_decisive() -> None:
    assert set(BOOKKEEPING) | set(DECISIVE) | {"source_id"} == set(STATE_COLUMNS)


@pytest.mark.parametrize("column", sorted(BOOKKEEPING))
def test_a_check_that_changes_only_bookkeeping_may_be_written_later(column: str) -> None:
    old = SourceState("khm", last_status="ok")
    assert _bookkeeping_only(old, replace(old, **{column: BOOKKEEPING[column]}))


@pytest.mark.parametrize("column", sorted(DECISIVE))
def test_a_check_that_changes_what_decides_the_next_one_is_written_at_once(column: str) -> None:
    # e.g. a recovery (failure count back to 0) lost in a crash would alert the streak's end twice
    old = SourceState("khm", last_status="ok")
    new = replace(old, **{column: DECISIVE[column]})
    assert not _bookkeeping_only(old, new) and not _bookkeeping_only(new, old)


def children_of_this_process() -> set[int]:
    return {int(pid) for task in Path("/proc/self/task").glob("*/children") for pid in task.read_text().split()}


def many_sources_pass(tmp_path: Path, server: LoopbackServer) -> dict[str, list[tuple[object, ...]]]:
    """Twelve sources, two passes (baselines, then changes, a maintenance page, a bad selector): what each
    check said and what the store holds afterwards."""
    pages = {f"s{n:02}": (KHM1, KHM2) if n % 2 else (MDA1, MDA2) for n in range(9)}
    pages["down"] = (KHM1, MAINTENANCE)
    pages["empty"] = (MDA1, b"")
    pages["select"] = (KHM1, KHM2)
    sources = "".join(f"  - id: {sid}\n    url: {server.url('/' + sid)}\n" for sid in pages)
    sources += "    select: main.nowhere\n"   # the last source's rule matches nothing on these pages
    tmp_path.mkdir()
    config = write_config(tmp_path, server, sources=sources)
    clock = Clock()
    said: dict[str, list[tuple[object, ...]]] = {sid: [] for sid in pages}
    for version in (0, 1):
        for sid, bodies in pages.items():
            serve(server, "/" + sid, bodies[version if sid in ("down", "empty", "select") or int(sid[1:]) < 5
                                            else 0])
        for sid, r in check(config, clock).items():
            said[sid].append((r.status, r.tier, r.detail, r.error, r.change and r.change["kinds"]))
    with Store(tmp_path / "store") as store:
        for sid in pages:
            # (ids hold the time of the check, which the order of a concurrent pass decides)
            said[sid] += [(v.kinds, v.tier, store.load_document(v)) for v in store.versions(sid)]
    return said


def test_a_pass_over_many_sources_extracts_in_a_process_and_reads_the_pages_alike(
        tmp_path: Path, http_server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor import extract_process
    started: list[int] = []
    start = extract_process.ExtractProcess._start

    def counted_start(self: extract_process.ExtractProcess) -> extract_process._Child | None:
        child = start(self)
        assert child is not None
        started.append(child.process.pid)
        return child

    monkeypatch.setattr(extract_process.ExtractProcess, "_start", counted_start)
    monkeypatch.setattr(cpus, "usable", lambda: 2)   # a process even on a machine of one CPU
    in_a_process = many_sources_pass(tmp_path / "process", http_server)
    assert len(started) == 2   # one per pass
    assert not set(started) & children_of_this_process()   # each ended with its pass

    monkeypatch.setattr(extract_process, "MIN_SOURCES", 10**6)
    in_the_threads = many_sources_pass(tmp_path / "threads", http_server)
    assert len(started) == 2
    assert in_a_process == in_the_threads
    statuses = {sid: [s[0] for s in said[:2]] for sid, said in in_a_process.items()}
    # (MDA2 changes only the page around Moldova's report)
    assert statuses == {**{f"s{n:02}": ["new", "changed" if n < 5 and n % 2 else "unchanged"] for n in range(9)},
                        "down": ["new", "suspect"], "empty": ["new", "suspect"], "select": ["failed", "failed"]}


class CpusSeen:
    """A progress hook noting, in each checking thread, the CPUs that thread may run on."""

    def __init__(self) -> None:
        self.seen: list[frozenset[int]] = []

    def started(self, source: object) -> None:
        self.seen.append(frozenset(os.sched_getaffinity(0)))

    def finished(self, result: object) -> None:
        pass


def pass_over(tmp_path: Path, server: LoopbackServer, count: int, progress: CpusSeen) -> dict[str, str]:
    for n in range(count):
        serve(server, f"/s{n}", KHM1 if n % 2 else MDA1)
    config = write_config(tmp_path, server, sources="".join(
        f"  - id: s{n}\n    url: {server.url(f'/s{n}')}\n" for n in range(count)))
    outcome = run_pass(load_config(config, env={}), progress=progress, now=Clock())
    return {r.source_id: r.status for r in outcome.results}


@needs_two_cpus
def test_a_pass_over_many_sources_checks_on_one_cpu_and_extracts_on_all(
        tmp_path: Path, http_server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor import extract_process
    allowed = os.sched_getaffinity(0)
    extraction_cpus: list[set[int]] = []
    start = extract_process.ExtractProcess._start

    def watched_start(self: extract_process.ExtractProcess) -> extract_process._Child | None:
        child = start(self)
        assert child is not None
        extraction_cpus.append(os.sched_getaffinity(child.process.pid))
        return child

    monkeypatch.setattr(extract_process.ExtractProcess, "_start", watched_start)
    hook = CpusSeen()
    assert set(pass_over(tmp_path, http_server, 12, hook).values()) == {"new"}
    assert len(hook.seen) == 12
    (confined,) = set(hook.seen)   # every checking thread on the same CPU...
    assert len(confined) == 1 and confined <= allowed
    assert extraction_cpus == [allowed]   # ...the extraction process on every CPU the pass could use
    assert os.sched_getaffinity(0) == allowed   # and the thread that ran the pass as it was


@needs_two_cpus
def test_a_pass_over_a_few_sources_keeps_its_threads_on_every_cpu(
        tmp_path: Path, http_server: LoopbackServer) -> None:
    # (it extracts in its own threads, which lxml's parsing lets run on several CPUs at once)
    hook = CpusSeen()
    assert set(pass_over(tmp_path, http_server, 3, hook).values()) == {"new"}
    assert hook.seen == [frozenset(os.sched_getaffinity(0))] * 3


def test_a_pass_whose_threads_cannot_be_confined_checks_every_source(
        tmp_path: Path, http_server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(pid: int, mask: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setaffinity", refused, raising=False)
    hook = CpusSeen()
    assert set(pass_over(tmp_path, http_server, 12, hook).values()) == {"new"}
    assert set(hook.seen) == {frozenset(os.sched_getaffinity(0))}
