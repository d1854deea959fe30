"""One pass over the sources: fetch -> extract -> compare -> store -> queue alerts, then deliver.

``monitor check`` runs ``run_pass`` once; ``monitor run`` schedules ``check_source`` per source. Network,
disk and SMTP live in the stages; this module only decides what a result means.
"""

from __future__ import annotations

import itertools
import logging
import operator
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from . import cpus
from .alerts import build_change_alert, build_error_alert
from .config import Config
from .errors import ExtractError, FetchError, LockedError, MonitorError, StoreError
from .extract_process import Extract, ExtractProcess, in_this_process, worth_a_process
from .fetch import Fetcher, FetchSettings
from .models import EXTRACTOR_VERSION, CheckResult, Document, Page, Source, Version
from .store import STATE_COLUMNS, NewVersion, SourceState, Store, isoformat, make_version_id, utcnow

logger = logging.getLogger(__name__)

# How many sources' stored state a pass reads at once (ReadAhead). In one thread, 64 sources read together
# cost 14 us each against 21 us read alone (256 together: 26 us each); what is held stays small.
READ_AHEAD = 64


class ProgressHook(Protocol):
    def started(self, source: Source) -> None: ...
    def finished(self, result: CheckResult) -> None: ...


@dataclass
class CheckContext:
    """What checking a source needs besides the source itself."""

    config: Config
    store: Store
    fetcher: Fetcher
    now: Callable[[], datetime] = utcnow
    # Held from the end of the fetch to the end of the check: many threads may wait on the network, but
    # more threads doing the CPU work than there are cores only fight over the GIL (measured: 8 threads
    # spent 40% more CPU per page than 2 for no gain in time).
    processing: AbstractContextManager[Any] = field(default_factory=nullcontext)
    # A pass writes the bookkeeping of unchanged sources in batches (Store.save_state_later) instead of a
    # transaction per source, and settles them without their locks (check_source); the service, checking
    # one source at a time, locks first and writes at once.
    batch_unchanged: bool = False
    # A pass reads its sources' stored state ahead, many sources a read (ReadAhead); None: one at a time.
    read_ahead: ReadAhead | None = None
    # extract.extract in the calling thread, or an ExtractProcess's (a pass over many sources).
    extract: Extract = in_this_process
    # The CPU the checking threads of a pass are confined to (see monitor/cpus.py); None: any.
    checking_cpu: int | None = None


@dataclass(frozen=True)
class PassOutcome:
    results: list[CheckResult]
    delivery_note: str = ""
    delivery: Any = field(default=None)


def processing_slots(config: Config) -> int:
    """How many sources are processed (extracted, compared, stored) at once: one per usable CPU, at most."""
    return max(1, min(config.fetch.workers, cpus.usable()))


def fetch_settings(config: Config) -> FetchSettings:
    return FetchSettings(max_bytes=config.fetch.max_bytes, per_host=config.fetch.per_host,
                         retries=config.fetch.retries)


def run_pass(config: Config, source_ids: Sequence[str] | None = None, *,
             progress: ProgressHook | None = None, now: Callable[[], datetime] = utcnow) -> PassOutcome:
    """``monitor check``: check the sources concurrently, then deliver whatever waits in the outbox."""
    store = Store(config.storage)
    wanted = set(source_ids) if source_ids else None
    sources = [s for s in config.sources if wanted is None or s.id in wanted]
    try:
        with Fetcher(fetch_settings(config)) as fetcher, ExtractProcess() as extractor:
            ctx = CheckContext(config=config, store=store, fetcher=fetcher, now=now, batch_unchanged=True,
                               read_ahead=ReadAhead(store, sources))
            if worth_a_process(len(sources)):
                # What is left to the threads is mostly waiting (on the extraction process, the disk) and
                # short steps of Python: no need to hold them back, and one CPU serves them best.
                ctx.extract = extractor.extract
                ctx.checking_cpu = cpus.cpu_for_checks(cpus.allowed_cpus())
            else:
                ctx.processing = threading.BoundedSemaphore(processing_slots(config))
            results = check_sources(ctx, sources, progress=progress)
        try:
            store.flush_states()
        except StoreError as exc:
            logger.error("%s; the last-check times of some unchanged sources were not recorded", exc)
        delivery, note = deliver(config, store, now())
        return PassOutcome(results=results, delivery_note=note, delivery=delivery)
    finally:
        store.close()


def check_sources(ctx: CheckContext, sources: Iterable[Source], *,
                  progress: ProgressHook | None = None) -> list[CheckResult]:
    """Check every source; at most ``workers`` at once, the fetcher keeping per-host politeness.

    Each worker thread takes the next source itself: no future, queue entry or semaphore round per source,
    and no feeding thread to wake for every check. Ctrl-C lets the checks under way finish.
    """
    todo = list(sources)
    results: list[CheckResult | None] = [None] * len(todo)
    taken = itertools.count()
    take = threading.Lock()
    stopping = threading.Event()

    def work() -> None:
        if ctx.checking_cpu is not None:
            cpus.confine({ctx.checking_cpu})
        while not stopping.is_set():
            with take:
                index = next(taken)
            if index >= len(todo):
                return
            source = todo[index]
            try:
                if progress is not None:
                    progress.started(source)
                result = check_source(source, ctx)
                if progress is not None:
                    progress.finished(result)
            except BaseException as exc:  # noqa: BLE001 - a progress hook's bug must not lose the result
                result = CheckResult(source.id, "failed", error=f"internal error: {exc!r}")
            results[index] = result

    threads = [threading.Thread(target=work, name=f"check-{n}")
               for n in range(min(max(1, ctx.config.fetch.workers), len(todo)))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:
        stopping.set()   # Ctrl-C: the checks under way finish (and are stored); no new one starts
        raise
    return [result or CheckResult(source.id, "failed", error="internal error: not checked")
            for source, result in zip(todo, results, strict=True)]


class ReadAhead:
    """The stored state and latest version of a pass's sources, read ``READ_AHEAD`` sources at a time.

    The checking threads take the sources in order: the first to ask for a source not read yet reads it and
    the sources after it, which the next threads then find here. Read one at a time, the state cost a tenth
    of a 304 check in a pass (each SQLite step releases the GIL and takes it back). What is read ahead only
    decides the request: a check that stores anything reads the state again under the source's lock.
    """

    def __init__(self, store: Store, sources: Sequence[Source]) -> None:
        self._store = store
        self._ids = [source.id for source in sources]
        self._positions = {source_id: n for n, source_id in enumerate(self._ids)}
        self._read: dict[str, tuple[SourceState, Version | None]] = {}
        self._lock = threading.Lock()

    def state_and_latest(self, source_id: str) -> tuple[SourceState, Version | None]:
        with self._lock:
            found = self._read.pop(source_id, None)
            if found is None and source_id in self._positions:
                start = self._positions[source_id]
                self._read.update(self._store.states_and_latest(self._ids[start:start + READ_AHEAD]))
                found = self._read.pop(source_id, None)
        return found if found is not None else self._store.state_and_latest(source_id)


def deliver(config: Config, store: Store, now: datetime) -> tuple[Any, str]:
    """Send pending alerts through the configured channels; a channel failing is reported, not raised."""
    if not config.notify:
        return None, ""
    from .notify import deliver_pending

    try:
        report = deliver_pending(store, config, now)
    except MonitorError as exc:
        logger.error("alert delivery failed: %s", exc)
        return None, f"alert delivery failed: {exc} (alerts stay in the outbox)"
    failed = getattr(report, "failures", None) or []
    note = ""
    if failed:
        note = f"{len(failed)} alert deliveries failed and will be retried (see 'monitor outbox')"
    return report, note


# --------------------------------------------------------------------------- one source

def check_source(source: Source, ctx: CheckContext) -> CheckResult:
    """Check one source once. Never raises: every failure becomes a 'failed' result.

    The source's lock (held while another process checks it: the source is then skipped) is taken before
    the fetch, except in a pass, for a source with validators: its conditional request is made first, and
    an unchanged answer is settled without the lock (a lock costs three system calls, each releasing the
    GIL and taking it back: a tenth of a 304 check in a pass). Anything else takes the lock and reads the
    state again; the answer is used only if the state it was asked with is still the stored one.
    """
    started = time.monotonic()
    try:
        fetched = _fetch_before_locking(source, ctx) if ctx.batch_unchanged else None
        result = _unchanged_without_lock(source, ctx, fetched) if fetched is not None else None
        if result is None:
            with ctx.store.source_lock(source.id):
                result = _check_locked(source, ctx, fetched)
    except LockedError as exc:
        result = CheckResult(source.id, "skipped", detail=str(exc))
    except Exception as exc:  # one source's bug must never stop the others
        logger.exception("unexpected error while checking %s", source.id)
        result = CheckResult(source.id, "failed", error=f"internal error: {exc!r}")
    result = replace(result, duration=time.monotonic() - started)
    logger.info("checked %s: %s %s", source.id, result.status, result.error or result.detail)
    return result


@dataclass(frozen=True)
class _Fetched:
    """A conditional request made before the source's lock was taken, and the stored state it was asked with."""

    state: SourceState
    latest: Version
    page: Page | None    # None: the fetch failed
    error: str = ""


def _fetch_before_locking(source: Source, ctx: CheckContext) -> _Fetched | None:
    """The conditional request of a source with validators; None for any other source, whose lock comes
    first (a source another process is checking is then skipped without a request)."""
    read = ctx.read_ahead.state_and_latest if ctx.read_ahead is not None else ctx.store.state_and_latest
    state, latest = read(source.id)
    if latest is None or not (state.etag or state.last_modified) or state.suspect_hash is not None:
        return None
    page, error = _fetch(source, ctx, state, latest)
    return _Fetched(state, latest, page, error)


def _unchanged_without_lock(source: Source, ctx: CheckContext, fetched: _Fetched) -> CheckResult | None:
    """The check's result when the answer is the stored page and only bookkeeping changes (nearly every
    check of a pass), its row deferred; None when the check needs the lock."""
    page, state, latest = fetched.page, fetched.state, fetched.latest
    if page is None or not _known_bytes(page, state, latest, source.rules_fingerprint(EXTRACTOR_VERSION)):
        return None
    now = ctx.now()
    new_state = _recovered_state(_succeeded_state(state, page, now), source, ctx, now)
    if not _deferrable(state, new_state):   # e.g. a failure streak ends: recorded (and alerted) at once
        return None
    # Written only if the row is still the one read (Store.save_state_later): a process that checked the
    # source meanwhile, under its lock, wrote what it found, and that stays.
    ctx.store.save_state_later(new_state.state, state)
    return CheckResult(source.id, "unchanged", tier=latest.tier, detail="not modified")


def _check_locked(source: Source, ctx: CheckContext, fetched: _Fetched | None = None) -> CheckResult:
    store = ctx.store
    state, latest = store.state_and_latest(source.id)
    fingerprint = source.rules_fingerprint(EXTRACTOR_VERSION)
    if fetched is not None and (fetched.state, fetched.latest) == (state, latest):
        page, error = fetched.page, fetched.error
    else:   # not fetched yet, or asked with validators another check has replaced since: not an answer now
        page, error = _fetch(source, ctx, state, latest)
    if page is None:
        return _failed(source, ctx, state, error)
    with ctx.processing:
        return _process(source, ctx, state, latest, fingerprint, page)


def _fetch(source: Source, ctx: CheckContext, state: SourceState, latest: Version | None
           ) -> tuple[Page | None, str]:
    """The source's page, conditional on the stored validators when there is a version to compare with;
    or None and the reason the fetch failed."""
    use_validators = latest is not None and state.suspect_hash is None
    try:
        return ctx.fetcher.fetch(source.url, timeout=source.timeout,
                                 etag=state.etag if use_validators else None,
                                 last_modified=state.last_modified if use_validators else None), ""
    except FetchError as exc:
        return None, str(exc)


def _process(source: Source, ctx: CheckContext, state: SourceState, latest: Version | None, fingerprint: str,
             page: Page) -> CheckResult:
    """Everything after the fetch: extract, compare with the stored version, store, queue the alert."""
    store = ctx.store
    try:
        if latest is not None and _known_bytes(page, state, latest, fingerprint):
            return _unchanged(source, ctx, state, page, latest, detail="not modified")
        # Imported here: a pass whose pages all answer 304 never loads them.
        from . import compare, suspect
        try:
            document = ctx.extract(page.text, source)
        except ExtractError:
            if page.text.strip():
                raise
            document = Document()   # an empty answer is a suspect page (SPEC §5), held below, not a failure
        if latest is not None and latest.rules_fingerprint == fingerprint and \
                document.content_hash == latest.content_hash:
            # The very document stored last (new chrome around the same report): unchanged, without
            # reading the stored one back to compare.
            return _unchanged(source, ctx, state, page, latest, detail="no change in the report")
        previous = _previous_document(source, store, latest, fingerprint) if latest else None
    except (ExtractError, StoreError) as exc:
        return _failed(source, ctx, state, str(exc))

    if latest is None:
        return _baseline(source, ctx, state, page, document, fingerprint)
    assert previous is not None
    change = compare.compare(previous, document)
    if change is None:
        return _unchanged(source, ctx, state, page, latest, detail="no change in the report")
    reason = suspect.suspect_reason(page, document, previous)
    if reason is not None:
        held = _hold_suspect(source, ctx, state, page, document, reason)
        if held is not None:
            return held
    label = document.country or previous.country or source.display_name
    summary = compare.summarize(change, label)
    now = ctx.now()
    version = _new_version(source, store, page, document, fingerprint, now, change.kinds, summary)
    alert = build_change_alert(source, change, summary, latest.id, version.id, now)
    new_state = _recovered_state(_succeeded_state(state, page, now), source, ctx, now)
    try:
        store.commit_version(NewVersion(version, document, page.body), new_state.state, (new_state.alert, alert))
    except StoreError as exc:
        return _failed(source, ctx, state, str(exc))
    return CheckResult(source.id, "changed", tier=document.tier, change=alert.payload, detail=summary,
                       version_id=version.id)


def _known_bytes(page: Page, state: SourceState, latest: Version, fingerprint: str) -> bool:
    """A 304, or exactly the bytes last seen under today's rules: unchanged without parsing anything."""
    if latest.rules_fingerprint != fingerprint or state.suspect_hash is not None:
        return False
    return page.not_modified or page.body_hash in (latest.body_hash, state.last_body_hash)


def _previous_document(source: Source, store: Store, latest: Version, fingerprint: str) -> Document:
    """The stored version as today's rules see it: re-extracted from its raw body when the rules changed."""
    if latest.rules_fingerprint == fingerprint:
        return store.load_document(latest)
    raw = store.load_raw(latest)
    return in_this_process(raw.decode(latest.encoding, errors="replace"), source)


def _new_version(source: Source, store: Store, page: Page, document: Document, fingerprint: str,
                 now: datetime, kinds: tuple[str, ...], summary: str, *, first: bool = False) -> Version:
    content_hash = document.content_hash
    version_id = make_version_id(now, content_hash)
    if not first:   # a source's first version has no id to clash with (its lock is held): no lookup
        version_id = store.unique_version_id(source.id, version_id)
    return Version(source_id=source.id, id=version_id, created_at=now, content_hash=content_hash,
                   body_hash=page.body_hash, tier=document.tier, kinds=kinds, summary=summary,
                   encoding=page.encoding, content_type=page.content_type, rules_fingerprint=fingerprint,
                   final_url=page.final_url)


def _succeeded_state(state: SourceState, page: Page, now: datetime) -> SourceState:
    return replace(state, etag=page.etag, last_modified=page.last_modified,
                   last_body_hash=page.body_hash if not page.not_modified else state.last_body_hash,
                   last_check=isoformat(now), last_status="ok", last_error=None,
                   suspect_hash=None, suspect_reason=None, suspect_since=None, suspect_count=0)


@dataclass(frozen=True)
class _StateAndAlert:
    state: SourceState
    alert: Any = None


def _recovered_state(state: SourceState, source: Source, ctx: CheckContext, now: datetime) -> _StateAndAlert:
    """Reset the failure streak; one recovery alert when the streak had alerted."""
    if not (state.consecutive_failures or state.failing_since or state.failure_alerted):
        return _StateAndAlert(state)   # no streak (nearly every check): nothing to reset
    alert = None
    if state.failure_alerted and state.failing_since:
        alert = build_error_alert(source, "recovered", state.consecutive_failures, state.failing_since, now,
                                  recovered=True)
    return _StateAndAlert(replace(state, consecutive_failures=0, failing_since=None, failure_alerted=False),
                          alert)


def _baseline(source: Source, ctx: CheckContext, state: SourceState, page: Page, document: Document,
              fingerprint: str) -> CheckResult:
    """The first good check stores the baseline and alerts nothing (a suspect page is no baseline)."""
    from . import suspect
    reason = suspect.suspect_reason(page, document, None)
    if reason is not None:
        held = _hold_suspect(source, ctx, state, page, document, reason, confirmable=False)
        assert held is not None
        return held
    now = ctx.now()
    version = _new_version(source, ctx.store, page, document, fingerprint, now, (), "baseline", first=True)
    new_state = _recovered_state(_succeeded_state(state, page, now), source, ctx, now)
    try:
        ctx.store.commit_version(NewVersion(version, document, page.body), new_state.state, (new_state.alert,))
    except StoreError as exc:
        return _failed(source, ctx, state, str(exc))
    return CheckResult(source.id, "new", tier=document.tier, detail="baseline stored", version_id=version.id)


def _unchanged(source: Source, ctx: CheckContext, state: SourceState, page: Page, latest: Version,
               detail: str) -> CheckResult:
    now = ctx.now()
    new_state = _recovered_state(_succeeded_state(state, page, now), source, ctx, now)
    if ctx.batch_unchanged and _deferrable(state, new_state):
        ctx.store.save_state_later(new_state.state, state)
        return CheckResult(source.id, "unchanged", tier=latest.tier, detail=detail)
    try:
        ctx.store.save_state(new_state.state, new_state.alert)
    except StoreError as exc:
        return _failed(source, ctx, state, str(exc))
    return CheckResult(source.id, "unchanged", tier=latest.tier, detail=detail)


# Everything in a source's state but the bookkeeping of its last check (asked on every unchanged check, where
# dataclasses.replace cost more than the rest of the decision).
_decisive_state = operator.attrgetter(*(k for k in STATE_COLUMNS if k not in (
    "etag", "last_modified", "last_body_hash", "last_check", "last_duration")))


def _bookkeeping_only(old: SourceState, new: SourceState) -> bool:
    """Only the last-check time and the fetch validators differ: losing them in a crash costs a refetch."""
    return _decisive_state(old) == _decisive_state(new)


def _deferrable(old: SourceState, new: _StateAndAlert) -> bool:
    """An unchanged check's state may wait for the pass's next batch: no alert, nothing but bookkeeping."""
    return new.alert is None and _bookkeeping_only(old, new.state)


def _hold_suspect(source: Source, ctx: CheckContext, state: SourceState, page: Page, document: Document,
                  reason: str, *, confirmable: bool | None = None) -> CheckResult | None:
    """Hold a suspicious page; None when a later identical fetch has confirmed it (then it is accepted).

    Pages that look wrong on their own (maintenance, captcha, error, empty, truncated) are never accepted;
    pages that only look wrong next to the previous version (tier heading gone, half the text gone) are
    accepted once the same document is fetched again on a later check.
    """
    from . import suspect
    if confirmable is None:
        confirmable = suspect.suspect_reason(page, document, None) is None
    content_hash = document.content_hash
    if confirmable and state.suspect_hash == content_hash:
        logger.info("%s: suspect page confirmed by an identical fetch (%s)", source.id, reason)
        return None
    now = ctx.now()
    held = replace(
        state, last_check=isoformat(now), last_status="suspect", last_error=None,
        suspect_hash=content_hash, suspect_reason=reason,
        suspect_since=state.suspect_since if state.suspect_hash == content_hash else isoformat(now),
        suspect_count=state.suspect_count + 1 if state.suspect_hash == content_hash else 1)
    try:
        ctx.store.save_state(held)
    except StoreError as exc:
        return _failed(source, ctx, state, str(exc))
    detail = f"{reason}; held, not stored" + ("; re-checked next time" if confirmable else "")
    return CheckResult(source.id, "suspect", tier=state_tier(ctx.store, source.id), detail=detail)


def state_tier(store: Store, source_id: str) -> str | None:
    latest = store.latest_version(source_id)
    return latest.tier if latest else None


def _failed(source: Source, ctx: CheckContext, state: SourceState, message: str) -> CheckResult:
    """Count the failure; one error alert when the streak reaches ``failure_alert_after``."""
    now = ctx.now()
    failures = state.consecutive_failures + 1
    failing_since = state.failing_since or isoformat(now)
    alert = None
    alerted = state.failure_alerted
    if failures >= ctx.config.alerts.failure_alert_after and not alerted:
        alert = build_error_alert(source, message, failures, failing_since, now)
        alerted = True
    new_state = replace(state, last_check=isoformat(now), last_status="failed", last_error=message,
                        consecutive_failures=failures, failing_since=failing_since, failure_alerted=alerted)
    try:
        ctx.store.save_state(new_state, alert)
    except StoreError as exc:
        logger.error("%s: could not record the failure: %s", source.id, exc)
    return CheckResult(source.id, "failed", tier=state_tier(ctx.store, source.id), error=message,
                       change=alert.payload if alert else None)


# --------------------------------------------------------------------------- monitor test

def adhoc_source(url: str, config: Config | None) -> Source:
    """A source for ``monitor test URL``: the configured one for that URL, else the defaults."""
    if config is not None:
        for s in config.sources:
            if s.url == url:
                return s
    return Source(id="test", url=url)


def preview(source: Source, config: Config | None) -> Document:
    settings = fetch_settings(config) if config else FetchSettings()
    with Fetcher(settings) as fetcher:
        page = fetcher.fetch(source.url, timeout=source.timeout)
    return in_this_process(page.text, source)


def describe_document(source: Source, document: Document) -> str:
    lines = [f"source: {source.id}  {source.url}  (profile {source.profile})", "fields:"]
    for name, value in document.fields.items():
        lines.append(f"  {name}: {value if value is not None else '(none)'}")
    lines.append(f"blocks: {len(document.blocks)}")
    for i, block in enumerate(document.blocks, 1):
        lines.append(f"  {i:>3} [{block.section or '-'}] {block.kind}: {block.text}")
    return "\n".join(lines)
