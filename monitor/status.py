"""``monitor status``: what the service is doing, read from the storage root without disturbing it.

Per source: the last check (time, result, error), the next run, the failure streak and a held suspect page;
then the outbox (alerts pending or given up). Safe from another shell while ``monitor run`` works: it only
reads, and SQLite in WAL mode never blocks a reader.

The next run comes from the running service (``service.json``, refreshed every few seconds); without a
service it is what the schedule says measured from the last check.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import outbox
from .config import Config
from .notify import channel_key
from .schedule import due_time
from .store import DB_NAME, Store, isoformat, parse_time, utcnow

logger = logging.getLogger(__name__)

SERVICE_LOCK = "service.lock"
SERVICE_FILE = "service.json"   # written by the running service: its pid and every source's next run


@dataclass(frozen=True)
class ServiceInfo:
    running: bool
    pid: int | None = None
    started_at: str | None = None
    reloaded_at: str | None = None
    config: str | None = None


@dataclass(frozen=True)
class SourceStatus:
    id: str
    schedule: str
    tier: str | None
    versions: int
    last_check: str | None
    last_status: str | None
    last_error: str | None
    next_run: str | None
    next_run_source: str          # "service" (what the running service has planned) or "schedule" (estimated)
    consecutive_failures: int
    failing_since: str | None
    suspect: dict[str, Any] | None


@dataclass(frozen=True)
class StatusReport:
    storage: str
    now: str
    service: ServiceInfo
    sources: tuple[SourceStatus, ...]
    alerts: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"storage": self.storage, "now": self.now, "service": asdict(self.service),
                "sources": [asdict(s) for s in self.sources], "alerts": dict(self.alerts)}


# --------------------------------------------------------------------------- reading

def probe_service(root: Path) -> ServiceInfo:
    """Is a ``monitor run`` holding this root? Asks the lock itself (a pid file alone could be stale)."""
    path = root / SERVICE_LOCK
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return ServiceInfo(running=False)
    try:
        try:
            # A shared lock is refused only while the service holds its exclusive one.
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            running = True
        else:
            running = False
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    if not running:
        return ServiceInfo(running=False)
    published = read_published(root)
    pid = _read_pid(path)
    if published.get("pid") != pid:
        published = {}
    return ServiceInfo(running=True, pid=pid, started_at=published.get("started_at"),
                       reloaded_at=published.get("reloaded_at"), config=published.get("config"))


def read_published(root: Path) -> dict[str, Any]:
    try:
        data = json.loads((root / SERVICE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _read_pid(path: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text().strip())
    return None


def collect_status(config: Config, now: datetime | None = None) -> StatusReport:
    """Everything ``monitor status`` shows. Creates nothing when the storage root does not exist yet."""
    now = now or utcnow()
    root = config.storage
    service = probe_service(root)
    planned: dict[str, str] = {}
    if service.running:
        runs = read_published(root).get("next_run")
        if isinstance(runs, dict) and service.started_at is not None:
            planned = {str(k): str(v) for k, v in runs.items()}
    if not (root / DB_NAME).exists():
        sources = tuple(_source_status(s.id, s.schedule, None, now, planned) for s in config.sources)
        return StatusReport(str(root), isoformat(now), service, sources, {"pending": 0, "failed": 0})
    with Store(root) as store:
        sources = tuple(_source_status(s.id, s.schedule, store, now, planned) for s in config.sources)
        alerts = _alert_counts(store, config)
    return StatusReport(str(root), isoformat(now), service, sources, alerts)


def _source_status(source_id: str, schedule: str, store: Store | None, now: datetime,
                   planned: dict[str, str]) -> SourceStatus:
    state, latest = store.state_and_latest(source_id) if store is not None else (None, None)
    versions = len(store.versions(source_id)) if store is not None else 0
    last_check = state.last_check if state else None
    if source_id in planned:
        next_run, origin = planned[source_id], "service"
    else:
        last = parse_time(last_check) if last_check else None
        next_run, origin = isoformat(due_time(schedule, last, now)), "schedule"
    suspect = None
    if state is not None and state.suspect_hash:
        suspect = {"reason": state.suspect_reason, "since": state.suspect_since, "count": state.suspect_count}
    return SourceStatus(
        id=source_id, schedule=schedule, tier=latest.tier if latest else None, versions=versions,
        last_check=last_check, last_status=state.last_status if state else None,
        last_error=state.last_error if state else None, next_run=next_run, next_run_source=origin,
        consecutive_failures=state.consecutive_failures if state else 0,
        failing_since=state.failing_since if state else None, suspect=suspect)


def _alert_counts(store: Store, config: Config) -> dict[str, int]:
    """Deliveries pending or given up on the configured channels, plus alerts not yet handed to them."""
    keys = [channel_key(c) for c in config.notify]
    counts = outbox.count_by_status(store, keys)
    queued = 0
    if keys:
        wanted = {kind for c in config.notify for kind in c.on}
        rows = store.query("SELECT kinds FROM alerts a WHERE a.type != 'test' AND NOT EXISTS "
                           "(SELECT 1 FROM deliveries d WHERE d.alert_id = a.id)")
        queued = sum(1 for (kinds,) in rows if wanted & set(kinds.split(",")))
    return {"pending": counts["pending"] + queued, "failed": counts["failed"]}


# --------------------------------------------------------------------------- rendering

def render_status(report: StatusReport) -> str:
    now = parse_time(report.now)
    lines = [_service_line(report.service, report.storage)]
    width = max([len(s.id) for s in report.sources] + [6])
    lines.append(f"{'SOURCE':<{width}}  {'LAST CHECK':<20} {'RESULT':<9} {'NEXT RUN':<20} {'FAILS':>5}  TIER")
    for s in report.sources:
        last = f"{_ago(s.last_check, now)}" if s.last_check else "never"
        nxt = _until(s.next_run, now, report.service.running) if s.next_run else "-"
        if s.next_run_source == "schedule" and s.next_run and not nxt.startswith("due"):
            nxt = "~" + nxt
        lines.append(f"{s.id:<{width}}  {last:<20} {s.last_status or '-':<9} {nxt:<20} "
                     f"{s.consecutive_failures:>5}  {s.tier or '-'}")
        if s.last_status == "failed" and s.last_error:
            since = f" since {s.failing_since}" if s.failing_since else ""
            lines.append(f"{'':<{width}}  error{since}: {' '.join(s.last_error.split())}")
        if s.suspect:
            lines.append(f"{'':<{width}}  suspect since {s.suspect['since']} (seen {s.suspect['count']}x): "
                         f"{s.suspect['reason']}")
    pending, failed = report.alerts.get("pending", 0), report.alerts.get("failed", 0)
    note = " (see 'monitor outbox')" if pending or failed else ""
    lines.append(f"alerts: {pending} pending, {failed} failed{note}")
    return "\n".join(lines)


def _service_line(service: ServiceInfo, storage: str) -> str:
    if not service.running:
        return f"service: not running (storage {storage})"
    parts = [f"service: running, pid {service.pid}" if service.pid else "service: running"]
    if service.started_at:
        parts.append(f"since {service.started_at}")
    if service.reloaded_at:
        parts.append(f"reloaded {service.reloaded_at}")
    return ", ".join(parts) + f" (storage {storage})"


def _ago(text: str, now: datetime) -> str:
    return f"{_span((now - parse_time(text)).total_seconds())} ago"


def _until(text: str, now: datetime, running: bool) -> str:
    seconds = (parse_time(text) - now).total_seconds()
    if seconds <= 0:
        return "due now" if running else "due (not running)"
    return f"in {_span(seconds)}"


def _span(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    if seconds < 86400:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600:02d}h"
