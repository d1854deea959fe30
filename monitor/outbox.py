"""The delivery state of the alert outbox: one ``deliveries`` row per alert and channel.

An alert is queued (``alerts`` table) in the same transaction that records the version it is about; this
module tracks, for every configured channel, whether that alert is ``pending``, ``delivered`` or ``failed``
(given up after ``alerts.give_up_after``; it stays listed and ``retry_failed`` makes it due again).

Columns of ``deliveries`` (see ``store.SCHEMA``):

- ``channel``: a stable key of the destination (see ``notify.channel_key``); never a secret.
- ``label``: what the user sees (``webhook https://hooks.example.org``), kept so that a row stays readable
  after its channel was removed from the configuration.
- ``window_start``: the give-up age counts from here: the alert's creation, or the last manual retry.
- ``next_attempt``: when a pending delivery is due again (exponential backoff after a failed attempt).

Only the functions here write ``deliveries``; ``notify`` decides what to send and calls them.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from .errors import StoreError
from .models import Alert
from .store import Store, alert_from_row, isoformat, parse_time

logger = logging.getLogger(__name__)

DeliveryStatus = Literal["pending", "delivered", "failed"]
STATUSES: tuple[str, ...] = ("pending", "delivered", "failed")

LOCK_NAME = "outbox.lock"
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class DeliveryRow:
    """One alert on one channel, with the alert it is about."""

    alert: Alert
    seq: int                # the alert's place in the outbox: detection order
    channel: str
    label: str
    status: DeliveryStatus
    attempts: int
    window_start: datetime
    next_attempt: datetime | None
    last_attempt: datetime | None
    last_error: str | None
    delivered_at: datetime | None

    @property
    def alert_id(self) -> str:
        return self.alert.id

    @property
    def source_id(self) -> str:
        return self.alert.source_id

    def is_due(self, now: datetime) -> bool:
        return self.status == "pending" and (self.next_attempt is None or self.next_attempt <= now)

    def to_json(self) -> dict[str, object]:
        return {
            "alert_id": self.alert.id, "source": self.alert.source_id, "type": self.alert.type,
            "kinds": list(self.alert.kinds), "summary": self.alert.payload.get("summary"),
            "created_at": isoformat(self.alert.created_at), "channel": self.label, "status": self.status,
            "attempts": self.attempts, "next_attempt": _iso_or_none(self.next_attempt),
            "last_attempt": _iso_or_none(self.last_attempt), "last_error": self.last_error,
            "delivered_at": _iso_or_none(self.delivered_at),
        }


@dataclass(frozen=True)
class ChannelRef:
    """What the outbox needs to know of a configured channel."""

    key: str
    label: str
    on: tuple[str, ...]


# --------------------------------------------------------------------------- backoff

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)


def backoff_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1 min, 2, 4, ... capped at 1 h."""
    if attempts <= 1:
        return BACKOFF_FIRST
    # Cap the exponent before computing: 2**attempts for a long-failing channel would be huge.
    factor = 2 ** min(attempts - 1, 16)
    return min(BACKOFF_FIRST * factor, BACKOFF_MAX)


# --------------------------------------------------------------------------- writing

def ensure_deliveries(store: Store, channels: Sequence[ChannelRef], now: datetime, give_up_after: float) -> int:
    """Create the missing rows: one per (alert, channel whose ``on`` has one of the alert's kinds).

    A channel added to the configuration gets the alerts still inside their give-up window, not the whole
    history. An older alert that never got any row (the monitor did not run for longer than the window)
    gets ``failed`` rows, so that it is visible in ``monitor outbox`` instead of silently dropped.
    Returns the number of rows created.
    """
    if not channels:
        return 0
    cutoff = now - timedelta(seconds=give_up_after)
    created = 0
    with store.transaction() as conn:
        rows = conn.execute(
            "SELECT a.*, EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id) AS has_rows "
            "FROM alerts a WHERE a.type != 'test' AND (a.created_at >= ? OR NOT EXISTS "
            "(SELECT 1 FROM deliveries d WHERE d.alert_id = a.id)) ORDER BY a.seq",
            (isoformat(cutoff),)).fetchall()
        for row in rows:
            alert = alert_from_row(row)
            stale = alert.created_at < cutoff
            for channel in channels:
                if not set(alert.kinds) & set(channel.on):
                    continue
                status = "failed" if stale else "pending"
                error = "not delivered before give_up_after ran out (the monitor did not run)" if stale else None
                cur = conn.execute(
                    "INSERT OR IGNORE INTO deliveries (alert_id, channel, label, status, attempts, window_start, "
                    "next_attempt, last_error) VALUES (?,?,?,?,0,?,?,?)",
                    (alert.id, channel.key, channel.label, status, isoformat(alert.created_at),
                     isoformat(alert.created_at), error))
                created += cur.rowcount
    if created:
        logger.debug("queued %s new deliveries", created)
    return created


def mark_delivered(store: Store, alert_id: str | Iterable[str], channel: str, now: datetime) -> None:
    ids = [alert_id] if isinstance(alert_id, str) else list(alert_id)
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, "
            "last_attempt = ?, next_attempt = NULL, last_error = NULL WHERE alert_id = ? AND channel = ?",
            [(isoformat(now), isoformat(now), i, channel) for i in ids])


def mark_failed_attempt(store: Store, row: DeliveryRow, now: datetime, error: str, give_up_after: float,
                        *, min_delay: timedelta | None = None) -> DeliveryStatus:
    """Record a failed attempt: back off, or give up once the row's window is older than ``give_up_after``.

    Returns the new status (``pending`` or ``failed``).
    """
    attempts = row.attempts + 1
    gave_up = now - row.window_start >= timedelta(seconds=give_up_after)
    delay = backoff_delay(attempts)
    if min_delay is not None:
        delay = min(max(delay, min_delay), BACKOFF_MAX)
    status: DeliveryStatus = "failed" if gave_up else "pending"
    next_attempt = None if gave_up else isoformat(now + delay)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE deliveries SET status = ?, attempts = ?, last_attempt = ?, next_attempt = ?, last_error = ? "
            "WHERE alert_id = ? AND channel = ? AND status = 'pending'",
            (status, attempts, isoformat(now), next_attempt, error[:MAX_ERROR_CHARS], row.alert.id, row.channel))
    return status


def retry_failed(store: Store, now: datetime, alert_id: str | None = None) -> int:
    """Make failed deliveries (all, or one alert's) due again with a fresh give-up window. Returns how many."""
    sql = ("UPDATE deliveries SET status = 'pending', next_attempt = ?, window_start = ? "
           "WHERE status = 'failed'")
    params: list[str] = [isoformat(now), isoformat(now)]
    if alert_id is not None:
        sql += " AND alert_id = ?"
        params.append(alert_id)
    with store.transaction() as conn:
        return conn.execute(sql, params).rowcount


# --------------------------------------------------------------------------- reading

_SELECT = (
    "SELECT a.seq AS seq, a.id AS id, a.source_id AS source_id, a.type AS type, a.kinds AS kinds, "
    "a.payload AS payload, a.created_at AS created_at, d.channel AS channel, d.label AS label, "
    "d.status AS status, d.attempts AS attempts, d.window_start AS window_start, "
    "d.next_attempt AS next_attempt, d.last_attempt AS last_attempt, d.last_error AS last_error, "
    "d.delivered_at AS delivered_at FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
)


def list_deliveries(store: Store, status: str | None = None, *, channel: str | None = None) -> list[DeliveryRow]:
    """Deliveries in alert order (oldest first), optionally of one status and/or channel key."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown delivery status {status!r}; use one of {', '.join(STATUSES)}")
    where, params = [], []
    if status is not None:
        where.append("d.status = ?")
        params.append(status)
    if channel is not None:
        where.append("d.channel = ?")
        params.append(channel)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.seq, d.channel"
    rows = store.query(sql, params)
    return [_row(r) for r in rows]


def pending_by_source(store: Store, channel: str) -> dict[str, list[DeliveryRow]]:
    """A channel's pending deliveries grouped by source, each group in alert order."""
    groups: dict[str, list[DeliveryRow]] = {}
    for row in list_deliveries(store, "pending", channel=channel):
        groups.setdefault(row.source_id, []).append(row)
    return groups


def sendable(group: Sequence[DeliveryRow], now: datetime) -> list[DeliveryRow]:
    """The leading due rows of one source's pending group: a row not yet due holds back all later ones,
    so that a source's alerts reach a channel in the order they were detected."""
    ready = []
    for row in group:
        if not row.is_due(now):
            break
        ready.append(row)
    return ready


def count_by_status(store: Store, channels: Iterable[str] | None = None) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    keys = None if channels is None else list(channels)
    sql = "SELECT status, COUNT(*) FROM deliveries"
    if keys is not None:
        if not keys:
            return counts
        sql += f" WHERE channel IN ({','.join('?' for _ in keys)})"
    sql += " GROUP BY status"
    for status, n in store.query(sql, keys or []):
        counts[status] = n
    return counts


# --------------------------------------------------------------------------- one deliverer at a time

@contextlib.contextmanager
def delivery_lock(store: Store) -> Iterator[None]:
    """Held while a process delivers, so that a service and a manual ``check`` never send the same alert
    at the same time. Waits for the other process: its pass is bounded by the channel timeouts."""
    path = store.root / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot open lock file {path}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _row(row: sqlite3.Row) -> DeliveryRow:
    return DeliveryRow(
        alert=alert_from_row(row),
        seq=row["seq"],
        channel=row["channel"],
        label=row["label"],
        status=row["status"],
        attempts=row["attempts"],
        window_start=_time(row["window_start"]) or parse_time(row["created_at"]),
        next_attempt=_time(row["next_attempt"]),
        last_attempt=_time(row["last_attempt"]),
        last_error=row["last_error"],
        delivered_at=_time(row["delivered_at"]),
    )


def _time(text: str | None) -> datetime | None:
    return parse_time(text) if text else None


def _iso_or_none(moment: datetime | None) -> str | None:
    return isoformat(moment) if moment is not None else None
