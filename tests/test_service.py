"""``monitor run`` as a real subprocess against real loopback servers, on second-level schedules; and
``monitor status`` reading the storage root."""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor import service
from monitor.cli import main
from monitor.demo import sample_page

from .conftest import LoopbackServer, RecordedRequest, Reply

ROOT = Path(__file__).resolve().parent.parent
KHM1, KHM2 = sample_page("refworld-khm", 1), sample_page("refworld-khm", 2)
MDA1 = sample_page("state-mda", 1)
NOW = datetime(2026, 11, 28, 5, 0, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- helpers

class Timed:
    """A route that records when each request arrived and answers ``body`` (after ``delay`` seconds)."""

    def __init__(self, body: bytes, delay: float = 0.0) -> None:
        self.body = body
        self.delay = delay
        self.times: list[float] = []
        self.release = threading.Event()

    def __call__(self, request: RecordedRequest) -> Reply:
        self.times.append(time.monotonic())
        if self.delay:
            self.release.wait(self.delay)
        return Reply(200, self.body)

    def gaps(self) -> list[float]:
        return [b - a for a, b in zip(self.times, self.times[1:], strict=False)]


def write_config(folder: Path, sources: dict[str, tuple[str, str]], extra: str = "") -> Path:
    """``sources``: id -> (url, schedule)."""
    lines = ["storage: store", "sources:"]
    for source_id, (url, schedule) in sources.items():
        lines += [f"  - id: {source_id}", f"    url: {url}", f"    schedule: '{schedule}'"]
    path = folder / "config.yaml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def monitor_cmd(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "monitor", "--config", str(config), *args]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "MONITOR_DELIVERY_INTERVAL": "0.5"}


class Service:
    """``monitor run --log-format json`` in a subprocess; its log lines parsed as they come."""

    def __init__(self, config: Path) -> None:
        self.proc = subprocess.Popen(monitor_cmd(config, "run", "--log-format", "json"), env=env(),
                                     stderr=subprocess.PIPE, text=True, cwd=config.parent)
        self.records: list[dict[str, Any]] = []
        self._lines: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            try:
                record = json.loads(line)
            except ValueError:
                record = {"message": line.rstrip(), "level": "raw"}
            self._lines.put(record)

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        """The first log record (seen or coming) that matches; fails with the log so far after ``timeout``."""
        for record in self.records:
            if predicate(record):
                return record
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                record = self._lines.get(timeout=left)
            except queue.Empty:
                break
            self.records.append(record)
            if predicate(record):
                return record
        raise AssertionError("no such log record; log so far:\n" + "\n".join(map(str, self.records)))

    def checks(self, source_id: str | None = None) -> list[dict[str, Any]]:
        self.drain()
        return [r for r in self.records if r.get("event") == "check"
                and (source_id is None or r["source"] == source_id)]

    def drain(self) -> None:
        while True:
            try:
                self.records.append(self._lines.get_nowait())
            except queue.Empty:
                return

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, float]:
        started = time.monotonic()
        self.proc.send_signal(signum)
        code = self.proc.wait(timeout=15)
        return code, time.monotonic() - started

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def start_service() -> Iterator[Callable[[Path], Service]]:
    started: list[Service] = []

    def start(config: Path) -> Service:
        svc = Service(config)
        started.append(svc)
        return svc

    yield start
    for svc in started:
        svc.kill()


def is_check(source_id: str, status: str | None = None) -> Callable[[dict[str, Any]], bool]:
    return lambda r: r.get("event") == "check" and r["source"] == source_id and status in (None, r["status"])


def message_has(text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda r: text in r.get("message", "")


# --------------------------------------------------------------------------- the service, end to end

def test_sources_are_checked_on_their_own_schedules(tmp_path: Path, http_server: LoopbackServer,
                                                   start_service: Callable[[Path], Service]) -> None:
    fast, slow = Timed(KHM1), Timed(MDA1)
    http_server.routes.update({"/fast": fast, "/slow": slow})
    config = write_config(tmp_path, {"fast": (http_server.url("/fast"), "1s"),
                                     "slow": (http_server.url("/slow"), "2s")})
    svc = start_service(config)
    start = svc.wait_for(message_has("service started"))
    assert start["level"] == "info"
    # On start it says when each source runs next.
    svc.wait_for(lambda r: r.get("event") == "next_run" and r["source"] == "fast")
    svc.wait_for(lambda r: r.get("event") == "next_run" and r["source"] == "slow")
    svc.wait_for(is_check("slow"))
    time.sleep(6)
    fast_gaps, slow_gaps = fast.gaps()[-5:], slow.gaps()[-2:]
    assert len(fast_gaps) == 5 and len(slow_gaps) == 2, (fast.times, slow.times)
    # Every interval within its ±5 % jitter (plus a little scheduling slack), on average exact.
    assert all(0.85 <= g <= 1.15 for g in fast_gaps), fast_gaps
    assert all(1.8 <= g <= 2.2 for g in slow_gaps), slow_gaps
    assert 0.9 <= sum(fast_gaps) / len(fast_gaps) <= 1.1
    # One log line per check: source, status, duration, what changed.
    first, *rest = svc.checks("fast")
    assert first["status"] == "new" and first["detail"] == "baseline stored" and first["duration"] >= 0
    assert {r["status"] for r in rest} == {"unchanged"}
    assert all(r["lag"] is not None and r["lag"] < 0.5 for r in rest)
    code, seconds = svc.stop()
    assert code == 0


def test_a_change_while_running_alerts_exactly_once(tmp_path: Path, http_server: LoopbackServer,
                                                   start_service: Callable[[Path], Service],
                                                   start_webhook: Callable[..., Any]) -> None:
    receiver = start_webhook()
    page = Timed(KHM1)
    http_server.routes["/khm"] = page
    config = write_config(tmp_path, {"khm": (http_server.url("/khm"), "1s")},
                          extra=f"notify:\n  - type: webhook\n    url: {receiver.url()}\n")
    svc = start_service(config)
    svc.wait_for(is_check("khm", "new"))
    page.body = KHM2   # the tier changes while the service runs
    changed = svc.wait_for(is_check("khm", "changed"))
    assert "Tier 3" in changed["detail"] and changed["alert"]
    svc.wait_for(lambda r: r.get("event") == "check" and r["status"] == "unchanged"
                 and len(svc.checks("khm")) >= 5, timeout=10)
    deadline = time.monotonic() + 5
    while not receiver.calls and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # room for a duplicate to show up, if there were one
    assert svc.stop()[0] == 0
    assert len(receiver.calls) == 1
    assert receiver.calls[0].json()["id"] == changed["alert"]
    assert receiver.calls[0].json()["tier"]["new"] == "Tier 3"
    assert [r["status"] for r in svc.checks("khm")].count("changed") == 1
    with sqlite3.connect(tmp_path / "store" / "state.db") as db:
        assert db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] == 1
        assert db.execute("SELECT status FROM deliveries").fetchall() == [("delivered",)]


def test_manual_check_skips_what_the_service_is_checking_and_sigterm_stops_fast(
        tmp_path: Path, http_server: LoopbackServer, start_service: Callable[[Path], Service]) -> None:
    slow = Timed(KHM1, delay=20)   # a check stuck in a slow fetch
    http_server.routes["/slow"] = slow
    config = write_config(tmp_path, {"slow": (http_server.url("/slow"), "1s")})
    svc = start_service(config)
    try:
        deadline = time.monotonic() + 10
        while not slow.times and time.monotonic() < deadline:
            time.sleep(0.05)
        assert slow.times, "the service never fetched the slow page"
        manual = subprocess.run(monitor_cmd(config, "check"), env=env(), capture_output=True, text=True,
                                timeout=30)
        assert manual.returncode == 0, manual.stderr
        assert "skipped" in manual.stdout and "being checked by another process" in manual.stdout
        assert len(slow.times) == 1   # the manual check did not fetch it a second time
        code, seconds = svc.stop(signal.SIGTERM)
    finally:
        slow.release.set()
    assert code == 0 and seconds < 5
    svc.wait_for(message_has("abandoning 1"))
    svc.wait_for(message_has("service stopped"))
    with sqlite3.connect(tmp_path / "store" / "state.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 0


def test_sighup_reloads_and_an_invalid_file_keeps_the_running_configuration(
        tmp_path: Path, http_server: LoopbackServer, start_service: Callable[[Path], Service]) -> None:
    first, second = Timed(KHM1), Timed(MDA1)
    http_server.routes.update({"/first": first, "/second": second})
    config = write_config(tmp_path, {"first": (http_server.url("/first"), "1s")})
    svc = start_service(config)
    svc.wait_for(is_check("first"))

    config.write_text("sources:\n  - id: first\n    schedule: 1s\n", encoding="utf-8")   # no url
    svc.proc.send_signal(signal.SIGHUP)
    error = svc.wait_for(message_has("configuration not reloaded"))
    assert error["level"] == "error" and "sources[0]" in error["message"] and "url" in error["message"]
    before = len(first.times)
    time.sleep(1.6)
    assert svc.proc.poll() is None and len(first.times) > before   # still running, the old way

    write_config(tmp_path, {"second": (http_server.url("/second"), "1s")})
    svc.proc.send_signal(signal.SIGHUP)
    reloaded = svc.wait_for(message_has("configuration reloaded"))
    assert "added second" in reloaded["message"] and "removed first" in reloaded["message"]
    svc.wait_for(is_check("second", "new"))
    stopped_at = len(first.times)
    time.sleep(1.6)
    assert len(first.times) <= stopped_at + 1   # at most one that was already under way
    assert len(second.times) >= 2
    assert svc.stop()[0] == 0


def test_second_instance_is_refused_and_status_reads_the_running_service(
        tmp_path: Path, http_server: LoopbackServer, start_service: Callable[[Path], Service]) -> None:
    http_server.routes["/khm"] = Timed(KHM1)
    http_server.routes["/daily"] = Timed(MDA1)
    config = write_config(tmp_path, {"khm": (http_server.url("/khm"), "1s"),
                                     "daily": (http_server.url("/daily"), "0 6 * * *")})
    svc = start_service(config)
    svc.wait_for(is_check("khm"))

    started = time.monotonic()
    second = subprocess.run(monitor_cmd(config, "run"), env=env(), capture_output=True, text=True, timeout=30)
    assert second.returncode == 1 and time.monotonic() - started < 5
    assert "another 'monitor run' is already using the storage root" in second.stderr
    assert f"pid {svc.proc.pid}" in second.stderr

    time.sleep(2.5)   # the service publishes its schedule every 2 s
    out = subprocess.run(monitor_cmd(config, "status", "--json"), env=env(), capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["service"]["running"] is True and report["service"]["pid"] == svc.proc.pid
    khm, daily = report["sources"]
    assert khm["id"] == "khm" and khm["last_status"] == "ok" and khm["tier"] == "Tier 2 Watch List"
    assert khm["next_run_source"] == "service" and khm["consecutive_failures"] == 0
    assert daily["last_check"] is None and daily["next_run"].endswith("T06:00:00Z")
    assert report["alerts"] == {"pending": 0, "failed": 0}
    text = subprocess.run(monitor_cmd(config, "status"), env=env(), capture_output=True, text=True, timeout=30)
    assert text.stdout.startswith(f"service: running, pid {svc.proc.pid}")
    assert "khm" in text.stdout and "never" in text.stdout   # daily has never been checked

    code, seconds = svc.stop(signal.SIGINT)
    assert code == 0 and seconds < 5
    after = subprocess.run(monitor_cmd(config, "status"), env=env(), capture_output=True, text=True, timeout=30)
    assert after.stdout.startswith("service: not running")


# --------------------------------------------------------------------------- monitor status without a service

def test_status_before_anything_ran_creates_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"khm": ("https://example.org/khm", "6h")},
                          extra="notify:\n  - type: webhook\n    url: https://hooks.example.org/x\n")
    result = CliRunner().invoke(main, ["--config", str(config), "status", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["service"] == {"running": False, "pid": None, "started_at": None, "reloaded_at": None,
                                 "config": None}
    assert report["sources"][0]["last_check"] is None and report["sources"][0]["next_run_source"] == "schedule"
    assert not (tmp_path / "store").exists()


def test_status_shows_failures_and_suspects_and_queued_alerts(tmp_path: Path) -> None:
    from monitor.models import Alert
    from monitor.store import SourceState, Store

    config = write_config(tmp_path, {"khm": ("https://example.org/khm", "1d"),
                                     "mda": ("https://example.org/mda", "1d")},
                          extra="notify:\n  - type: webhook\n    url: https://hooks.example.org/x\n")
    with Store(tmp_path / "store") as store:
        store.save_state(SourceState("khm", last_check="2026-11-28T05:00:00Z", last_status="failed",
                                     last_error="HTTP 503 Service Unavailable", consecutive_failures=4,
                                     failing_since="2026-11-27T05:00:00Z"))
        store.save_state(SourceState("mda", last_check="2026-11-28T05:00:00Z", last_status="suspect",
                                     suspect_hash="ab", suspect_reason="tier heading vanished",
                                     suspect_since="2026-11-28T05:00:00Z", suspect_count=1),
                         Alert("a1", "mda", "error", ("error",), {"id": "a1"}, NOW))
    result = CliRunner().invoke(main, ["--config", str(config), "status"])
    assert result.exit_code == 0, result.output
    assert "error since 2026-11-27T05:00:00Z: HTTP 503 Service Unavailable" in result.output
    assert "suspect since 2026-11-28T05:00:00Z (seen 1x): tier heading vanished" in result.output
    assert "alerts: 1 pending, 0 failed (see 'monitor outbox')" in result.output
    khm = json.loads(CliRunner().invoke(main, ["--config", str(config), "status", "--json"]).output)["sources"][0]
    assert khm["consecutive_failures"] == 4 and khm["next_run"] == "2026-11-29T05:00:00Z"


def test_json_log_lines_carry_the_check_fields() -> None:
    import logging

    record = logging.LogRecord("monitor.service", logging.INFO, __file__, 1, "%s changed", ("khm",), None)
    record.fields = {"event": "check", "source": "khm", "status": "changed"}
    line = json.loads(service.JsonFormatter().format(record))
    assert line["message"] == "khm changed" and line["source"] == "khm" and line["level"] == "info"
    assert line["time"].endswith("Z")


# --------------------------------------------------------------------------- reload and bad input, in process

@pytest.fixture
def idle_service(tmp_path: Path) -> Iterator[service.Service]:
    """A started Service whose sources are all on cron slots far from now: nothing is fetched."""
    from monitor.config import load_config
    from monitor.store import Store

    config = write_config(tmp_path, {"a": ("https://example.org/a", "0 6 * * *"),
                                     "b": ("https://example.org/b", "0 6 * * *")})
    store = Store(tmp_path / "store")
    svc = service.Service(load_config(config), store)
    svc.start()
    yield svc
    svc.stop(grace=0)
    store.close()


def test_reload_updates_added_removed_and_rescheduled_jobs(tmp_path: Path, idle_service: service.Service) -> None:
    before = idle_service.next_run("b")
    write_config(tmp_path, {"b": ("https://example.org/b", "30 7 * * *"),
                            "c": ("https://example.org/c-new", "0 6 * * *")})
    outcome = idle_service.reload()
    assert outcome == service.ReloadOutcome(added=("c",), removed=("a",), rescheduled=("b",))
    assert idle_service.next_run("a") is None
    after = idle_service.next_run("b")
    assert after is not None and before is not None and (after.hour, after.minute) == (7, 30)
    assert idle_service.next_run("c") is not None
    write_config(tmp_path, {"b": ("https://example.org/b-moved", "30 7 * * *"),
                            "c": ("https://example.org/c-new", "0 6 * * *")})
    assert idle_service.reload() == service.ReloadOutcome(updated=("b",))
    assert idle_service.config.source("b").url == "https://example.org/b-moved"  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "why"), [
    ("sources: [", "YAML syntax error"),
    ("sources:\n  - id: a\n    url: https://example.org/a\n    schedule: every day\n", "sources[0].schedule"),
    ("storage: elsewhere\nsources:\n  - id: a\n    url: https://example.org/a\n", "storage changed"),
])
def test_reload_keeps_the_running_configuration_when_the_new_one_cannot_apply(
        tmp_path: Path, idle_service: service.Service, caplog: pytest.LogCaptureFixture, text: str,
        why: str) -> None:
    running = idle_service.config
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    with caplog.at_level("ERROR", logger="monitor.service"):
        assert idle_service.reload() is None
    assert idle_service.config is running and idle_service.next_run("a") is not None
    assert "keeping the running one" in caplog.text and why in caplog.text


def test_run_with_an_invalid_configuration_exits_2_and_says_why(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("sources:\n  - id: Bad Id\n    url: https://example.org/\n")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "config.yaml"), "run"])
    assert result.exit_code == 2
    assert "sources[0].id" in result.output and "not a safe id" in result.output
    assert not (tmp_path / "snapshots").exists()
