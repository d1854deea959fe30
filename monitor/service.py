"""``monitor run``: the service. A thin scheduling shell around the same one-source check ``monitor check`` runs.

Each source is one APScheduler job, triggered by its ``schedule`` (see :mod:`monitor.schedule`). Runs are
coalesced (a late job runs once, not once per missed slot), one source is never checked twice at the same
time, and a run later than half its period is dropped in favour of the next one. On start, a source is due
when its schedule says so measured from its last check: restarting the service neither re-checks everything
at once nor postpones what was due; a cron slot missed while the service was down runs once.

Checks share one :class:`~monitor.fetch.Fetcher`, so the per-host politeness limit holds across jobs, and run
on a fixed pool of ``fetch.workers`` daemon threads: SIGINT/SIGTERM wait a few seconds for checks in flight,
then abandon the rest - every store write is atomic, so an abandoned check leaves the old state and simply
runs again next time. SIGHUP reloads the configuration file; an invalid file keeps the running one.

The outbox is delivered every minute, and at once after a check queued an alert. While running, the service
publishes each source's next run in ``<storage>/service.json`` for ``monitor status``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.executors.base import BaseExecutor, run_job
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from . import runner
from .config import Config, load_config
from .errors import ConfigError, LockedError, MonitorError
from .fetch import Fetcher
from .models import CheckResult, Source
from .progress import what_changed
from .schedule import first_run, make_trigger, misfire_grace
from .status import SERVICE_FILE
from .store import Store, atomic_write, isoformat, parse_time, utcnow

logger = logging.getLogger(__name__)

DELIVERY_JOB = "_deliver"        # never a source id: those start with a letter or a digit
PUBLISH_JOB = "_publish"

DEFAULT_DELIVERY_INTERVAL = 60.0
PUBLISH_INTERVAL = 2.0           # seconds between refreshes of service.json (only written when changed)
STOP_GRACE = 3.0                 # seconds checks in flight get to finish after SIGINT/SIGTERM
LOCK_RETRY_DELAY = 0.2           # a `monitor status` probing the lock at that instant must not refuse a start

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


# --------------------------------------------------------------------------- logging

class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers; a record's ``fields`` extra becomes top-level keys."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            data.update(fields)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


RUNNER_CHECK_LINE = "checked %s: %s %s"   # runner.check_source's own result line
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _RunnerLineFilter(logging.Filter):
    """The runner logs its own one-line result; the service logs a richer one, so the runner's is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == runner.logger.name and record.msg == RUNNER_CHECK_LINE)


def configure_logging(level: str, log_format: str, stream: Any = None) -> None:
    """Send the service's log to stderr as text or JSON lines. APScheduler's own chatter only when debugging."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(_RunnerLineFilter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if level.lower() == "debug" else logging.WARNING)


def log_check(result: CheckResult, lag: float | None) -> None:
    """One line per check: source, status, duration, what changed (or why it failed)."""
    what = what_changed(result)
    fields = {"event": "check", "source": result.source_id, "status": result.status,
              "duration": round(result.duration, 3), "tier": result.tier, "detail": what or None,
              "alert": result.change.get("id") if result.change else None,
              "lag": round(lag, 3) if lag is not None else None}
    level = logging.WARNING if result.status == "failed" else logging.INFO
    logger.log(level, "%s %s in %.2fs%s%s", result.source_id, result.status, result.duration,
               f" [{result.tier}]" if result.tier else "", f": {what}" if what else "", extra={"fields": fields})


# --------------------------------------------------------------------------- the executor

_timing = threading.local()   # .lag: how late (seconds) the job this worker thread runs started


class DaemonPool:
    """A fixed pool of daemon threads: a check stuck in a slow fetch never holds up the process's exit."""

    def __init__(self, workers: int, name: str) -> None:
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any], str] | None] = queue.SimpleQueue()
        self._busy: dict[int, str] = {}
        self._idle = threading.Condition()
        self._closed = False
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{i}", daemon=True)
                         for i in range(workers)]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[[], Any], label: str) -> Future[Any]:
        future: Future[Any] = Future()
        if self._closed:
            future.cancel()
        else:
            self._queue.put((future, fn, label))
        return future

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            future, fn, label = item
            if not future.set_running_or_notify_cancel():
                continue
            with self._idle:
                self._busy[threading.get_ident()] = label
            try:
                future.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the scheduler through the future
                future.set_exception(exc)
            finally:
                with self._idle:
                    self._busy.pop(threading.get_ident(), None)
                    self._idle.notify_all()

    def shutdown(self, wait: bool = True) -> None:
        """Take no more work and drop what has not started; ``wait`` for what runs."""
        self._closed = True
        with contextlib.suppress(queue.Empty):
            while True:
                item = self._queue.get_nowait()
                if item is not None:
                    item[0].cancel()
        for _ in self._threads:
            self._queue.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    def wait_idle(self, timeout: float) -> list[str]:
        """Wait up to ``timeout`` seconds for the running work; returns the labels still running."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._idle.wait(left)
            return sorted(self._busy.values())


class DaemonThreadExecutor(BaseExecutor):
    """An APScheduler executor on a :class:`DaemonPool` that tells each job when it was meant to run."""

    def __init__(self, workers: int, name: str) -> None:
        super().__init__()
        self.pool = DaemonPool(workers, name)

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        scheduled = run_times[-1]
        logger_name = self._logger.name

        def run() -> Any:
            _timing.lag = (datetime.now(UTC) - scheduled).total_seconds()
            try:
                return run_job(job, job._jobstore_alias, run_times, logger_name)
            finally:
                _timing.lag = None

        def done(future: Future[Any]) -> None:
            if future.cancelled():
                self._run_job_success(job.id, [])   # only releases the instance count
            elif future.exception() is not None:
                exc = future.exception()
                self._run_job_error(job.id, exc, exc.__traceback__ if exc else None)
            else:
                self._run_job_success(job.id, future.result())

        self.pool.submit(run, job.id).add_done_callback(done)

    def shutdown(self, wait: bool = True) -> None:
        self.pool.shutdown(wait)


# --------------------------------------------------------------------------- the service

def last_check_time(store: Store, source_id: str) -> datetime | None:
    text = store.state(source_id).last_check
    if not text:
        return None
    try:
        return parse_time(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class ReloadOutcome:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    rescheduled: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [f"{name} {', '.join(ids)}" for name, ids in (
            ("added", self.added), ("removed", self.removed), ("rescheduled", self.rescheduled),
            ("updated", self.updated)) if ids]
        return "; ".join(parts) or "no source changed"


class Service:
    """The scheduler, its jobs and the shared check context. ``serve`` drives it from the main thread."""

    def __init__(self, config: Config, store: Store, *, delivery_interval: float = DEFAULT_DELIVERY_INTERVAL,
                 now: Callable[[], datetime] = utcnow) -> None:
        self.config = config
        self.store = store
        self.now = now
        self.delivery_interval = delivery_interval
        self.fetcher = Fetcher(runner.fetch_settings(config))
        self._ctx = runner.CheckContext(config=config, store=store, fetcher=self.fetcher, now=now)
        self.checks = DaemonThreadExecutor(config.fetch.workers, "check")
        self.background = DaemonThreadExecutor(2, "service")
        self.scheduler = BackgroundScheduler(
            timezone=UTC, executors={"default": self.checks, "background": self.background},
            job_defaults={"coalesce": True, "max_instances": 1})
        self.started_at = now()
        self.reloaded_at: datetime | None = None
        self._delivering = threading.Lock()
        self._deliver_again = threading.Event()
        self._published: dict[str, Any] | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        now = self.now()
        for source in self.config.sources:
            self._add_job(source, now)
        self.scheduler.add_job(self._deliver, IntervalTrigger(seconds=self.delivery_interval, timezone=UTC),
                               id=DELIVERY_JOB, executor="background", next_run_time=now,
                               misfire_grace_time=max(1, int(self.delivery_interval)))
        self.scheduler.add_job(self._publish, IntervalTrigger(seconds=PUBLISH_INTERVAL, timezone=UTC),
                               id=PUBLISH_JOB, executor="background", next_run_time=now,
                               misfire_grace_time=max(1, int(PUBLISH_INTERVAL)))
        self.scheduler.start()
        logger.info("service started: %s sources from %s, storage %s (pid %s)", len(self.config.sources),
                    self.config.path, self.store.root, os.getpid())
        for source in self.config.sources:
            self._log_next_run(source.id)

    def stop(self, grace: float = STOP_GRACE) -> list[str]:
        """Stop scheduling; give running checks ``grace`` seconds; return the ids of those abandoned."""
        self.scheduler.shutdown(wait=False)
        abandoned = self.checks.pool.wait_idle(grace)
        abandoned += self.background.pool.wait_idle(0.5 if not abandoned else 0.0)
        if abandoned:
            logger.warning("abandoning %s still running after %.0fs: %s (nothing half-written: each runs "
                           "again at the next start)", len(abandoned), grace, ", ".join(abandoned))
        else:
            self.fetcher.close()
        with contextlib.suppress(OSError):
            (self.store.root / SERVICE_FILE).unlink()
        return abandoned

    # ------------------------------------------------------------------ jobs

    def _add_job(self, source: Source, now: datetime) -> None:
        self.scheduler.add_job(
            self._check, make_trigger(source.schedule), args=(source.id,), id=source.id, name=source.id,
            next_run_time=first_run(source.schedule, last_check_time(self.store, source.id), now),
            misfire_grace_time=misfire_grace(source.schedule, now))

    def _reschedule(self, source: Source, now: datetime) -> None:
        self.scheduler.modify_job(
            source.id, trigger=make_trigger(source.schedule),
            next_run_time=first_run(source.schedule, last_check_time(self.store, source.id), now),
            misfire_grace_time=misfire_grace(source.schedule, now))

    def next_run(self, source_id: str) -> datetime | None:
        job = self.scheduler.get_job(source_id)
        return job.next_run_time if job is not None else None

    def _log_next_run(self, source_id: str) -> None:
        source = self.config.source(source_id)
        when = self.next_run(source_id)
        if source is None or when is None:
            return
        logger.info("%s: next check %s (schedule %s)", source_id, isoformat(when), source.schedule,
                    extra={"fields": {"event": "next_run", "source": source_id, "next_run": isoformat(when),
                                      "schedule": source.schedule}})

    def _check(self, source_id: str) -> None:
        ctx = self._ctx   # one consistent configuration for the whole check, whatever a reload does meanwhile
        source = ctx.config.source(source_id)
        if source is None:  # removed by a reload while it waited for a worker
            return
        lag = getattr(_timing, "lag", None)
        result = runner.check_source(source, ctx)
        log_check(result, lag)
        if result.change is not None:
            self.deliver_soon()

    def deliver_soon(self) -> None:
        """Deliver now rather than at the next minute: an alert was just queued."""
        self._deliver_again.set()
        with contextlib.suppress(Exception):  # the scheduler may be shutting down; the outbox keeps the alert
            self.scheduler.modify_job(DELIVERY_JOB, next_run_time=datetime.now(UTC))

    def _deliver(self) -> None:
        if not self._delivering.acquire(blocking=False):
            return  # the running pass sees _deliver_again and goes round once more
        try:
            while True:
                self._deliver_again.clear()
                _, note = runner.deliver(self._ctx.config, self.store, self.now())
                if note:
                    logger.warning("%s", note)
                if not self._deliver_again.is_set():
                    break
        finally:
            self._delivering.release()

    def _publish(self) -> None:
        """Write the next run of every source to service.json for ``monitor status`` (only when changed)."""
        runs = {}
        for job in self.scheduler.get_jobs():
            if job.id not in (DELIVERY_JOB, PUBLISH_JOB) and job.next_run_time is not None:
                runs[job.id] = isoformat(job.next_run_time)
        data = {"pid": os.getpid(), "started_at": isoformat(self.started_at), "config": str(self.config.path),
                "reloaded_at": isoformat(self.reloaded_at) if self.reloaded_at else None, "next_run": runs}
        if data == self._published:
            return
        try:
            atomic_write(self.store.root / SERVICE_FILE, json.dumps(data, indent=1).encode("utf-8"))
        except MonitorError as exc:
            logger.warning("cannot publish the schedule for 'monitor status': %s", exc)
            return
        self._published = data

    # ------------------------------------------------------------------ reload

    def reload(self, path: Path | None = None) -> ReloadOutcome | None:
        """Re-read the configuration; None (and the running one kept) when it is invalid or cannot apply."""
        path = path or self.config.path
        try:
            new = load_config(path)
        except ConfigError as exc:
            logger.error("configuration not reloaded, keeping the running one: %s", exc)
            return None
        if new.storage.resolve() != self.config.storage.resolve():
            logger.error("configuration not reloaded, keeping the running one: storage changed from %s to %s; "
                         "restart the service to use another storage root", self.config.storage, new.storage)
            return None
        if new.fetch != self.config.fetch:
            logger.warning("fetch settings changed: they take effect when the service is restarted")
            new = replace(new, fetch=self.config.fetch)
        outcome = self._apply(new)
        logger.info("configuration reloaded from %s: %s sources; %s", path, len(new.sources), outcome.describe())
        for source_id in (*outcome.added, *outcome.rescheduled):
            self._log_next_run(source_id)
        return outcome

    def _apply(self, new: Config) -> ReloadOutcome:
        old = {s.id: s for s in self.config.sources}
        now = self.now()
        added, removed, rescheduled, updated = [], [], [], []
        # The new context first: a job starting from here on finds its source (or its absence) in it.
        self.config = new
        self._ctx = replace(self._ctx, config=new)
        self.reloaded_at = now
        for source in new.sources:
            before = old.pop(source.id, None)
            if before is None:
                self._add_job(source, now)
                added.append(source.id)
            elif before.schedule != source.schedule:
                self._reschedule(source, now)
                rescheduled.append(source.id)
            elif before != source:
                updated.append(source.id)
        for source_id in old:
            with contextlib.suppress(Exception):  # JobLookupError: nothing to remove
                self.scheduler.remove_job(source_id)
            removed.append(source_id)
        return ReloadOutcome(tuple(added), tuple(removed), tuple(rescheduled), tuple(updated))

    # ------------------------------------------------------------------ housekeeping

    def sweep(self) -> None:
        """Remove files a killed process left behind, for sources nobody is checking right now."""
        for source in self.config.sources:
            try:
                with self.store.source_lock(source.id):
                    removed = self.store.sweep_orphans(source.id)
            except LockedError:
                continue
            except MonitorError as exc:
                logger.warning("%s: could not sweep leftover files: %s", source.id, exc)
                continue
            if removed:
                logger.info("%s: removed %s leftover files of an interrupted write", source.id, removed)


# --------------------------------------------------------------------------- the main thread

class _Signals:
    """Signal handlers only record what arrived; the main loop acts on it (nothing unsafe inside a handler)."""

    def __init__(self) -> None:
        self.pending: list[int] = []
        self._previous: dict[int, Any] = {}

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        self.pending.append(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator[_Signals]:
        wanted = [*STOP_SIGNALS, signal.SIGHUP]
        for signum in wanted:
            self._previous[signum] = signal.signal(signum, self._handler)
        try:
            yield self
        finally:
            for restored, previous in self._previous.items():
                signal.signal(restored, previous)

    def take(self) -> list[int]:
        taken = []
        while self.pending:  # pop one by one: a signal arriving meanwhile is kept, not cleared
            taken.append(self.pending.pop(0))
        return taken


@contextlib.contextmanager
def service_lock(store: Store) -> Iterator[None]:
    """One service per storage root; the message names the running one's pid when it can."""
    for attempt in range(2):
        try:
            with store.service_lock():
                yield
            return
        except LockedError as exc:
            if attempt == 0:
                time.sleep(LOCK_RETRY_DELAY)
                continue
            pid = running_pid(store.root)
            raise LockedError(f"{exc}{f' (pid {pid})' if pid else ''}; stop it first, or use another "
                              "storage root") from None


def running_pid(root: Path) -> int | None:
    """The pid written in the service lock file (informational; the lock itself is what counts)."""
    try:
        text = (root / "service.lock").read_text().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


def serve(config: Config, *, delivery_interval: float = DEFAULT_DELIVERY_INTERVAL, poll: float = 0.2) -> None:
    """Run the service until SIGINT or SIGTERM. Raises LockedError when another service holds the root."""
    store = Store(config.storage)
    abandoned: list[str] = []
    try:
        with service_lock(store), _Signals().installed() as signals:
            service = Service(config, store, delivery_interval=delivery_interval)
            service.sweep()
            service.start()
            stop_signal = _main_loop(service, signals, poll)
            logger.info("stopping on %s", signal.Signals(stop_signal).name)
            abandoned = service.stop()
            logger.info("service stopped")
    finally:
        if not abandoned:  # abandoned checks still hold connections: the process exit closes them
            store.close()


def _main_loop(service: Service, signals: _Signals, poll: float) -> int:
    while True:
        for signum in signals.take():
            if signum in STOP_SIGNALS:
                return signum
            if signum == signal.SIGHUP:
                logger.info("SIGHUP: reloading %s", service.config.path)
                service.reload()
        # time.sleep is interrupted by a signal and resumes; the handler has run by the next poll.
        time.sleep(poll)
