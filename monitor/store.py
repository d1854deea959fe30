"""The snapshot store: versions as readable files plus the compressed raw body, state in SQLite.

Layout of a storage root::

    state.db                      SQLite (WAL): versions, per-source state, the alert outbox
    <source id>/<version>.json    the normalized document and the version's metadata
    <source id>/<version>.txt     the same document as plain text, for ``diff`` / ``git diff``
    <source id>/<version>.raw.gz  the raw body it was extracted from
    <source id>/.lock             held while a process checks that source

Every write is atomic: files are written to a temporary name and renamed, data and names are made durable,
and only then is the database transaction that makes the version visible committed. A process
killed at any instant leaves the old or the new state; files without a database row are invisible
leftovers, removed by ``sweep_orphans``. On Linux "made durable" is one ``syncfs`` of the storage root's
file system shared by all the threads writing versions at that moment (:class:`GroupSync`); elsewhere each
file and the folder are fsynced.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import gzip
import json
import logging
import operator
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import LockedError, StoreError
from .models import Alert, Document, Version

logger = logging.getLogger(__name__)

DB_NAME = "state.db"
RAW_GZIP_LEVEL = 3
CACHE_KIB = 512
CRASH_ENV = "MONITOR_TEST_CRASH_AT"
BUSY_TIMEOUT_MS = 30_000
# Deferred state rows (see Store.save_state_later) are written in one transaction at most this many rows
# or seconds apart: a crash loses at most that much last-check bookkeeping, never a version or an alert.
STATE_BATCH_ROWS = 200
STATE_BATCH_SECONDS = 2.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id         TEXT NOT NULL,
    id                TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    content_hash      TEXT NOT NULL,
    body_hash         TEXT NOT NULL,
    tier              TEXT,
    kinds             TEXT NOT NULL,
    summary           TEXT NOT NULL,
    encoding          TEXT NOT NULL,
    content_type      TEXT NOT NULL,
    rules_fingerprint TEXT NOT NULL,
    final_url         TEXT NOT NULL,
    UNIQUE (source_id, id)
);
CREATE TABLE IF NOT EXISTS source_state (
    source_id            TEXT PRIMARY KEY,
    etag                 TEXT,
    last_modified        TEXT,
    last_body_hash       TEXT,
    last_check           TEXT,
    last_status          TEXT,
    last_error           TEXT,
    last_duration        REAL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_since        TEXT,
    failure_alerted      INTEGER NOT NULL DEFAULT 0,
    suspect_hash         TEXT,
    suspect_reason       TEXT,
    suspect_since        TEXT,
    suspect_count        INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS alerts (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    source_id  TEXT NOT NULL,
    type       TEXT NOT NULL,
    kinds      TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_by_source ON alerts (source_id, seq);
CREATE TABLE IF NOT EXISTS deliveries (
    alert_id     TEXT NOT NULL REFERENCES alerts (id),
    channel      TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    window_start TEXT,
    next_attempt TEXT,
    last_attempt TEXT,
    last_error   TEXT,
    delivered_at TEXT,
    PRIMARY KEY (alert_id, channel)
);
CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (status, channel);
"""


@dataclass(frozen=True)
class SourceState:
    """What the store remembers about a source between checks."""

    source_id: str
    etag: str | None = None
    last_modified: str | None = None
    last_body_hash: str | None = None
    last_check: str | None = None
    last_status: str | None = None
    last_error: str | None = None
    last_duration: float | None = None
    consecutive_failures: int = 0
    failing_since: str | None = None
    failure_alerted: bool = False
    suspect_hash: str | None = None
    suspect_reason: str | None = None
    suspect_since: str | None = None
    suspect_count: int = 0


STATE_COLUMNS = tuple(SourceState.__dataclass_fields__)
_STATE_INSERT = f"INTO source_state ({','.join(STATE_COLUMNS)}) VALUES ({','.join('?' for _ in STATE_COLUMNS)})"
_STATE_UPSERT = "INSERT OR REPLACE " + _STATE_INSERT
# A deferred row (Store.save_state_later) replaces the row only while it still holds the state the deferred
# one was worked out from: a row another process (or an immediate write) changed since is newer, and kept.
_COMPARED_COLUMNS = STATE_COLUMNS[1:]   # all but source_id, the key
_DEFERRED_STATE_UPSERT = (
    "INSERT " + _STATE_INSERT
    + " ON CONFLICT (source_id) DO UPDATE SET " + ", ".join(f"{k} = excluded.{k}" for k in _COMPARED_COLUMNS)
    + " WHERE " + " AND ".join(f"source_state.{k} IS ?" for k in _COMPARED_COLUMNS))


def _states_and_latest_sql(count: int) -> str:
    """The state and latest version of ``count`` sources: a row each, the state's columns first, in order,
    then the version's, then the source's id (``wanted_id``)."""
    return ("WITH wanted(id) AS (VALUES " + ", ".join(["(?)"] * count) + ") SELECT "
            + ", ".join(f"s.{k} AS state_{k}" for k in STATE_COLUMNS) + ", v.*, wanted.id AS wanted_id "
            "FROM wanted LEFT JOIN source_state s ON s.source_id = wanted.id "
            "LEFT JOIN versions v ON v.seq = (SELECT max(seq) FROM versions WHERE source_id = wanted.id)")


_STATE_AND_LATEST = _states_and_latest_sql(1)


# A state's values in STATE_COLUMNS' order, as one C call (written for every unchanged source of a pass).
_state_values: Callable[[SourceState], tuple[Any, ...]] = operator.attrgetter(*STATE_COLUMNS)
_compared_values: Callable[[SourceState], tuple[Any, ...]] = operator.attrgetter(*_COMPARED_COLUMNS)
_FAILURE_ALERTED = STATE_COLUMNS.index("failure_alerted")


@dataclass(frozen=True)
class NewVersion:
    """Everything needed to write one version: the document, its raw body and its metadata."""

    version: Version
    document: Document
    raw_body: bytes


def isoformat(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """The inverse of :func:`isoformat` (ValueError for anything else); ``strptime`` cost ten times more."""
    if len(text) != 20 or text[10] != "T" or text[19] != "Z":
        raise ValueError(f"not a UTC time stamp: {text!r}")
    return datetime.fromisoformat(text)


def make_version_id(moment: datetime, content_hash: str) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}-{content_hash[:8]}"


class Store:
    """A storage root. Safe to share between threads and processes.

    One connection reads and one writes, each used by one thread at a time. (With a connection per thread,
    eight checking threads ran SQLite at once and handed the GIL back and forth around every step: a pass
    of 1,000 unchanged sources made 44,000 context switches; 11,000 with one reading connection, in 15-25%
    less time.)
    """

    def __init__(self, root: str | os.PathLike[str], *, busy_timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create storage root {self.root}: {exc.strerror or exc}") from None
        self.db_path = self.root / DB_NAME
        self.busy_timeout = busy_timeout
        self._reader: sqlite3.Connection | None = None
        self._writer: sqlite3.Connection | None = None
        self._read_lock = threading.Lock()
        # Threads of one process take turns for write transactions here: waiting on SQLite's own lock
        # would sleep in its busy handler (1 ms, 2 ms, ... 100 ms steps) long after the writer is done.
        self._write_lock = threading.RLock()
        # source id -> (the deferred state, the stored state it replaces; see save_state_later)
        self._pending_states: dict[str, tuple[SourceState, SourceState]] = {}
        self._pending_lock = threading.Lock()
        self._pending_since = time.monotonic()
        # Version files are made durable by one sync of the file system shared by every thread that waits
        # for one (group commit), instead of four fsyncs per version: see GroupSync.
        flush = syncfs_function(self.root)
        self._group_sync = GroupSync(flush) if flush is not None else None
        self._group_writes = GroupWrites(self.transaction)
        with self._write_lock:
            try:
                self._write_connection().executescript(SCHEMA)  # CREATE ... IF NOT EXISTS: safe for concurrent openers
            except sqlite3.Error as exc:
                raise _store_error(f"cannot prepare the state database {self.db_path}", exc) from None

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.db_path, timeout=self.busy_timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
            _enable_wal(conn, self.busy_timeout)
            conn.execute("PRAGMA synchronous=NORMAL")
            # Lookups by key: a small page cache is enough, and the default (2 MB) grew the memory of a
            # pass with the size of the database.
            conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the state database {self.db_path}: {exc}") from None
        return conn

    def _write_connection(self) -> sqlite3.Connection:
        """The writing connection; the caller holds ``_write_lock``."""
        if self._writer is None:
            self._writer = self._connect()
        return self._writer

    def _read_connection(self) -> sqlite3.Connection:
        """The reading connection; the caller holds ``_read_lock``."""
        if self._reader is None:
            self._reader = self._connect()
        return self._reader

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """The rows of a read (each read sees what was committed when it began)."""
        with self._read_lock:
            return self._read_connection().execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """The first row of a read, or None."""
        with self._read_lock:
            cursor = self._read_connection().execute(sql, params)
            try:
                row: sqlite3.Row | None = cursor.fetchone()
                return row
            finally:
                cursor.close()   # ends the read at once: the next one must see newer commits

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE): other writers wait; readers are never blocked."""
        with self._write_lock:
            conn = self._write_connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _store_error("cannot start a database transaction", exc) from None
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise _store_error("cannot commit to the state database", exc) from None

    def close(self) -> None:
        try:
            self.flush_states()
        except StoreError as exc:
            logger.error("%s; the last-check times of some unchanged sources were not recorded", exc)
        with self._write_lock, self._read_lock:
            for conn in (self._reader, self._writer):
                if conn is not None:
                    with contextlib.suppress(sqlite3.Error):
                        conn.close()
            self._reader = self._writer = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ locks

    @contextlib.contextmanager
    def source_lock(self, source_id: str, *, wait: bool = False) -> Iterator[None]:
        """Hold the source's lock file; raises LockedError at once when another process holds it."""
        # Opened straight away, its folder made only when missing, its path joined as a string (pathlib cost
        # more than the system calls): a lock is taken on every check, and a 304 pass is little else.
        with _file_lock(os.path.join(self.root, source_id, ".lock"), wait=wait, make_folder=True,
                        record_pid=False,
                        busy=f"source '{source_id}' is being checked by another process"):
            yield

    @contextlib.contextmanager
    def service_lock(self) -> Iterator[None]:
        """Held by ``monitor run`` for its lifetime: one service per storage root."""
        with _file_lock(self.root / "service.lock", wait=False,
                        busy=f"another 'monitor run' is already using the storage root {self.root}"):
            yield

    # ------------------------------------------------------------------ versions

    def source_dir(self, source_id: str) -> Path:
        folder = self.root / source_id
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {folder}: {exc.strerror or exc}") from None
        return folder

    def latest_version(self, source_id: str) -> Version | None:
        row = self.query_one("SELECT * FROM versions WHERE source_id = ? ORDER BY seq DESC LIMIT 1", (source_id,))
        return _version_from_row(row) if row else None

    def version(self, source_id: str, version_id: str) -> Version | None:
        row = self.query_one("SELECT * FROM versions WHERE source_id = ? AND id = ?", (source_id, version_id))
        return _version_from_row(row) if row else None

    def versions(self, source_id: str) -> list[Version]:
        rows = self.query("SELECT * FROM versions WHERE source_id = ? ORDER BY seq", (source_id,))
        return [_version_from_row(r) for r in rows]

    def all_versions(self, since: datetime | None = None) -> list[Version]:
        rows = self.query("SELECT * FROM versions WHERE created_at >= ? ORDER BY seq",
                          (isoformat(since) if since else "",))
        return [_version_from_row(r) for r in rows]

    def source_ids(self) -> list[str]:
        rows = self.query("SELECT source_id FROM versions UNION SELECT source_id FROM source_state ORDER BY 1")
        return [r[0] for r in rows]

    def load_document(self, version: Version) -> Document:
        path = self.root / version.source_id / f"{version.id}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot read version {version.id} of '{version.source_id}' ({path}): {exc}") \
                from None
        return Document.from_json(data["document"])

    def load_raw(self, version: Version) -> bytes:
        path = self.root / version.source_id / f"{version.id}.raw.gz"
        try:
            return gzip.decompress(path.read_bytes())
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise StoreError(f"cannot read the raw body of version {version.id} of '{version.source_id}' "
                             f"({path}): {exc}") from None

    def write_version_files(self, new: NewVersion) -> None:
        """Write the version's three files atomically (before the database row makes them visible)."""
        v = new.version
        folder = self.source_dir(v.source_id)
        meta = {
            "version": v.id, "source": v.source_id, "created_at": isoformat(v.created_at),
            "content_hash": v.content_hash, "body_hash": v.body_hash, "kinds": list(v.kinds),
            "summary": v.summary, "encoding": v.encoding, "content_type": v.content_type,
            "final_url": v.final_url, "rules_fingerprint": v.rules_fingerprint,
            "document": new.document.to_json(),
        }
        files = [
            # Level 3: half the CPU of level 6 for 8% more bytes (measured on 30-200 KB report pages).
            (folder / f"{v.id}.raw.gz", gzip.compress(new.raw_body, compresslevel=RAW_GZIP_LEVEL, mtime=0)),
            (folder / f"{v.id}.txt", new.document.to_text().encode("utf-8")),
            (folder / f"{v.id}.json", readable_json(meta).encode("utf-8")),
        ]
        if self._group_sync is None:
            for path, data in files:
                atomic_write(path, data)
            fsync_dir(folder)
            return
        temps: list[tuple[Path, Path]] = []
        try:
            for path, data in files:
                temps.append((_write_temporary(path, data, durable=False), path))
            for temp, path in temps:
                os.replace(temp, path)
            # One sync makes data and names durable before the database row that makes them a version. A
            # crash before it ends may leave torn files, but under names no row refers to: orphans, which
            # sweep_orphans removes. (A sync between the writes and the renames cost a second sync per
            # version, to protect files that nothing referred to yet.)
            self._group_sync.sync()
        except OSError as exc:
            for temp, path in temps:   # whichever name each file has got to: no row refers to either
                for leftover in (temp, path):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
            raise StoreError(_disk_message(f"cannot write version {v.id} of '{v.source_id}' in {folder}", exc)) \
                from None

    def insert_version(self, conn: sqlite3.Connection, v: Version) -> None:
        conn.execute(
            "INSERT INTO versions (source_id, id, created_at, content_hash, body_hash, tier, kinds, summary, "
            "encoding, content_type, rules_fingerprint, final_url) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (v.source_id, v.id, isoformat(v.created_at), v.content_hash, v.body_hash, v.tier,
             ",".join(v.kinds), v.summary, v.encoding, v.content_type, v.rules_fingerprint, v.final_url))

    def unique_version_id(self, source_id: str, wanted: str) -> str:
        candidate, n = wanted, 1
        while self.query_one("SELECT 1 FROM versions WHERE source_id = ? AND id = ?", (source_id, candidate)):
            n += 1
            candidate = f"{wanted}-{n}"
        return candidate

    def commit_version(self, new: NewVersion, state: SourceState, alerts: Sequence[Alert | None] = ()) -> None:
        """Files first, then one transaction: the version row, the source state and its alerts."""
        self.write_version_files(new)
        crash_point("after-version-files")

        def write(conn: sqlite3.Connection) -> None:
            self.insert_version(conn, new.version)
            self._write_state(conn, state)
            for alert in alerts:
                if alert is not None:
                    insert_alert(conn, alert)

        # In one transaction with the versions other threads commit at the same moment (see GroupWrites).
        self._group_writes.write(write)
        crash_point("after-version-commit")

    def sweep_orphans(self, source_id: str) -> int:
        """Remove version files that no database row refers to (left by a process killed mid-write)."""
        folder = self.root / source_id
        if not folder.is_dir():
            return 0
        known = {v.id for v in self.versions(source_id)}
        removed = 0
        for path in folder.iterdir():
            name = path.name
            version_id = name.split(".", 1)[0]
            if name.startswith(".") and name.endswith(".tmp"):
                version_id = ""
            elif version_id in known or name == ".lock":
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        return removed

    # ------------------------------------------------------------------ state

    def state(self, source_id: str) -> SourceState:
        return self.state_and_latest(source_id)[0]

    def state_and_latest(self, source_id: str) -> tuple[SourceState, Version | None]:
        """The source's state and its latest version, in one read (a check needs both, every time)."""
        with self._pending_lock:   # first: a deferred row leaves the pending ones only once it is written
            pending = self._pending_states.get(source_id)
        row = self.query_one(_STATE_AND_LATEST, (source_id,))
        assert row is not None   # the query always yields its one row
        return _state_and_latest_of(row, source_id, pending)

    def states_and_latest(self, source_ids: Sequence[str]) -> dict[str, tuple[SourceState, Version | None]]:
        """``state_and_latest`` of many sources, in one read."""
        with self._pending_lock:
            pending = {i: self._pending_states.get(i) for i in source_ids}
        rows = self.query(_states_and_latest_sql(len(source_ids)), source_ids) if source_ids else []
        return {row["wanted_id"]: _state_and_latest_of(row, row["wanted_id"], pending[row["wanted_id"]])
                for row in rows}

    def save_state(self, state: SourceState, alert: Alert | None = None) -> None:
        with self.transaction() as conn:
            self._write_state(conn, state)
            if alert is not None:
                insert_alert(conn, alert)

    def save_state_later(self, state: SourceState, read: SourceState) -> None:
        """Record bookkeeping-only state (an unchanged check) in a batch: one transaction for many sources.

        Written by ``flush_states``, which runs every ``STATE_BATCH_ROWS`` rows or ``STATE_BATCH_SECONDS``
        and on ``close``; ``state`` sees the pending row meanwhile. Only for state whose loss is harmless:
        ``read`` is the state ``state`` was worked out from, and the row is written only if it still holds
        that (or the source has none yet). Another process may check the source once this one is done with
        it, before the batch is written; its newer row is kept rather than overwritten by an older check.
        """
        with self._pending_lock:
            earlier = self._pending_states.get(state.source_id)
            # Worked out from a row still pending: the stored row to compare with is the one that replaces.
            replaced = earlier[1] if earlier is not None and earlier[0] == read else read
            self._pending_states[state.source_id] = (state, replaced)
            due = (len(self._pending_states) >= STATE_BATCH_ROWS
                   or time.monotonic() - self._pending_since >= STATE_BATCH_SECONDS)
        if due:
            try:
                self.flush_states()
            except StoreError as exc:  # kept pending: the next flush tries again
                logger.warning("%s; retrying later", exc)

    def flush_states(self) -> None:
        """Write the deferred state rows in one transaction."""
        with self._write_lock:
            with self._pending_lock:
                batch = dict(self._pending_states)
                self._pending_since = time.monotonic()
            if not batch:
                return
            with self.transaction() as conn:
                conn.executemany(_DEFERRED_STATE_UPSERT,
                                 [_state_values(state) + _compared_values(replaced)
                                  for state, replaced in batch.values()])
            with self._pending_lock:
                # Still pending until written, so a reader never sees an older row in between.
                for source_id, pending in batch.items():
                    if self._pending_states.get(source_id) is pending:
                        del self._pending_states[source_id]

    def _write_state(self, conn: sqlite3.Connection, state: SourceState) -> None:
        conn.execute(_STATE_UPSERT, _state_values(state))
        with self._pending_lock:
            # Written now, inside the caller's transaction: a deferred older row must not overwrite it.
            self._pending_states.pop(state.source_id, None)

    # ------------------------------------------------------------------ alerts

    def alerts(self, source_id: str | None = None) -> list[Alert]:
        if source_id is None:
            rows = self.query("SELECT * FROM alerts ORDER BY seq")
        else:
            rows = self.query("SELECT * FROM alerts WHERE source_id = ? ORDER BY seq", (source_id,))
        return [alert_from_row(r) for r in rows]


def insert_alert(conn: sqlite3.Connection, alert: Alert) -> bool:
    """Queue an alert in the outbox; an alert id already there is kept as it is (ids are stable)."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO alerts (id, source_id, type, kinds, payload, created_at) VALUES (?,?,?,?,?,?)",
        (alert.id, alert.source_id, alert.type, ",".join(alert.kinds),
         json.dumps(alert.payload, ensure_ascii=False), isoformat(alert.created_at)))
    return cur.rowcount > 0


def alert_from_row(row: sqlite3.Row) -> Alert:
    return Alert(id=row["id"], source_id=row["source_id"], type=row["type"],
                 kinds=tuple(k for k in row["kinds"].split(",") if k), payload=json.loads(row["payload"]),
                 created_at=parse_time(row["created_at"]))


def _state_and_latest_of(row: sqlite3.Row, source_id: str, pending: tuple[SourceState, SourceState] | None
                         ) -> tuple[SourceState, Version | None]:
    """A row of _states_and_latest_sql read; a deferred state not written yet is what the source's state is."""
    latest = _version_from_row(row) if row["seq"] is not None else None
    if pending is not None:
        return pending[0], latest
    if row["state_source_id"] is None:
        return SourceState(source_id=source_id), latest
    values = list(row[:len(STATE_COLUMNS)])   # the query selects the state's columns first, in order
    values[_FAILURE_ALERTED] = bool(values[_FAILURE_ALERTED])
    return SourceState(*values), latest


def _version_from_row(row: sqlite3.Row) -> Version:
    return Version(
        source_id=row["source_id"], id=row["id"], created_at=parse_time(row["created_at"]),
        content_hash=row["content_hash"], body_hash=row["body_hash"], tier=row["tier"],
        kinds=tuple(k for k in row["kinds"].split(",") if k), summary=row["summary"],
        encoding=row["encoding"], content_type=row["content_type"],
        rules_fingerprint=row["rules_fingerprint"], final_url=row["final_url"])


def readable_json(meta: dict[str, Any]) -> str:
    """JSON for people and ``diff``: one metadata key per line, one block of the document per line.

    Every line is encoded by the C encoder (``indent=`` falls back to the pure-Python one, which cost more
    than fetching and extracting the page), and a changed block changes exactly one line.
    """
    dump = _JSON_LINE
    lines = [f"  {dump(key)}: {dump(value)}," for key, value in meta.items() if key != "document"]
    document = meta.get("document") or {}
    blocks = document.get("blocks") or []
    lines.append(f'  "document": {{"fields": {dump(document.get("fields") or {})}, "blocks": [')
    lines += [f"    {_block_line(block)}," for block in blocks[:-1]]
    lines += [f"    {_block_line(block)}" for block in blocks[-1:]]
    lines.append("  ]}")
    return "{\n" + "\n".join(lines) + "\n}\n"


# One encoder for every line: json.dumps(..., ensure_ascii=False) would build a new one per call.
_JSON_LINE = json.JSONEncoder(ensure_ascii=False).encode
_JSON_STRING = json.encoder.encode_basestring   # the C function behind _JSON_LINE's strings
_BLOCK_KEYS = ("kind", "section", "text")


def _block_line(block: Any) -> str:
    """``_JSON_LINE(block)`` for a block of ``Document.to_json``, built from its strings: the encoder's
    per-object work, for twenty blocks a page, was most of the cost of writing a version's JSON."""
    if not isinstance(block, dict) or tuple(block) != _BLOCK_KEYS or not all(
            isinstance(block[k], str) for k in ("kind", "text")):
        return _JSON_LINE(block)
    section = block["section"]
    if section is not None and not isinstance(section, str):
        return _JSON_LINE(block)
    encoded_section = "null" if section is None else _JSON_STRING(section)
    return (f'{{"kind": {_JSON_STRING(block["kind"])}, "section": {encoded_section}, '
            f'"text": {_JSON_STRING(block["text"])}}}')


def _enable_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch to WAL. The switch needs a moment of exclusive access and SQLite does not wait for it
    (the busy timeout does not apply), so two processes opening a new root together retry here."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader or a crash sees the old file or the new one, never half."""
    try:
        tmp = _write_temporary(path, data, durable=True)
    except OSError as exc:
        raise StoreError(_disk_message(f"cannot write {path}", exc)) from None
    try:
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(_disk_message(f"cannot write {path}", exc)) from None


def _write_temporary(path: Path, data: bytes, *, durable: bool) -> Path:
    """``data`` in a hidden temporary file next to ``path`` (fsynced when ``durable``); removed on failure."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        # os-level calls: open() adds an fstat and a terminal check, system calls that each hand the GIL
        # over to another thread and wait to get it back.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


@dataclass
class _Queued:
    """One thread's part of a batch: its write (none for a flush), and how the batch went for it."""

    fn: Callable[[sqlite3.Connection], None] | None = None
    done: bool = False
    committed: bool = False
    error: Exception | None = None


class _Batches:
    """Work queued by many threads, run a batch at a time by one of them: the core of group commit.

    ``run(item)`` returns once a batch holding ``item`` has run, and raises the item's error if it got one.
    A thread that finds no batch under way runs one with everything queued so far; those that arrive
    meanwhile wait and go in the next one, so each batch begins after every call it serves.
    """

    def __init__(self, run_batch: Callable[[list[_Queued]], None]) -> None:
        self._run_batch = run_batch
        self._cond = threading.Condition()
        self._queue: list[_Queued] = []
        self._running = False

    def run(self, item: _Queued) -> None:
        with self._cond:
            self._queue.append(item)
            while not item.done:
                if self._running:
                    self._cond.wait()
                    continue
                self._running = True
                batch, self._queue = self._queue, []
                self._cond.release()
                try:
                    self._run_batch(batch)
                finally:
                    for queued in batch:
                        queued.done = True
                    self._cond.acquire()
                    self._running = False
                    self._cond.notify_all()
        if item.error is not None:
            raise item.error


class GroupSync:
    """Makes everything written so far durable, for many threads at once (group commit).

    ``sync()`` returns once a flush that *began after the call* has finished. A thread that arrives while a
    flush runs waits for the next one, and one flush serves every thread that waited for it: eight threads
    storing versions together cost one flush, not eight times four fsyncs. A failed flush raises in every
    thread it was meant to serve.
    """

    def __init__(self, flush: Callable[[], None]) -> None:
        self._flush = flush
        self._batches = _Batches(self._flush_for)

    def sync(self) -> None:
        self._batches.run(_Queued())

    def _flush_for(self, batch: list[_Queued]) -> None:
        try:
            self._flush()
        except OSError as exc:
            for item in batch:
                item.error = exc


class GroupWrites:
    """Runs the writes of many threads in one transaction (group commit).

    ``write(fn)`` returns once ``fn(conn)`` is committed. A thread that finds no transaction under way
    starts one with every write queued so far; those that arrive meanwhile wait and go in the next one. A
    transaction per version held the write lock across every step of it, each step handing the GIL to
    another thread and waiting to get it back: eight threads storing versions spent a fifth of their time
    there. When a shared transaction fails, each of its writes is run again alone, so that only the write
    that fails raises, in its own thread.
    """

    def __init__(self, transaction: Callable[[], contextlib.AbstractContextManager[sqlite3.Connection]]) -> None:
        self._transaction = transaction
        self._batches = _Batches(self._run)

    def write(self, fn: Callable[[sqlite3.Connection], None]) -> None:
        self._batches.run(_Queued(fn))

    def _run(self, batch: list[_Queued]) -> None:
        try:
            if len(batch) > 1:
                try:
                    with self._transaction() as conn:
                        for item in batch:
                            assert item.fn is not None
                            item.fn(conn)
                except Exception:  # noqa: BLE001, S110 - which write failed is found by running each alone
                    pass
                else:
                    for item in batch:
                        item.committed = True
                    return
            for item in batch:
                assert item.fn is not None
                try:
                    with self._transaction() as conn:
                        item.fn(conn)
                    item.committed = True
                except Exception as exc:  # noqa: BLE001 - raised in the thread whose write it is
                    item.error = exc
        finally:
            for item in batch:
                if not item.committed and item.error is None:
                    item.error = StoreError("the write was interrupted before it was committed")


def syncfs_function(root: Path) -> Callable[[], None] | None:
    """A flush of the whole file system holding ``root`` (Linux ``syncfs``), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    syncfs.argtypes = [ctypes.c_int]
    syncfs.restype = ctypes.c_int

    def flush() -> None:
        fd = os.open(root, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code))
        finally:
            os.close(fd)

    return flush


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _file_lock(path: str | Path, *, wait: bool, busy: str, make_folder: bool = False,
               record_pid: bool = True) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing, and its folder with ``make_folder``);
    ``record_pid`` writes the holder's pid into it, for ``monitor status``."""
    fd = _open_lock_file(path, make_folder)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LockedError(busy) from None
        if record_pid:
            try:
                # Overwritten in place, fixed width: truncating first cost ten times more than the lock.
                os.pwrite(fd, b"%10d\n" % os.getpid(), 0)
            except OSError:
                pass  # the pid is informational only
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open_lock_file(path: str | Path, make_folder: bool) -> int:
    try:
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:
            if not make_folder:
                raise
        with contextlib.suppress(FileExistsError):
            os.mkdir(os.path.dirname(path))
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot open lock file {path}: {exc.strerror or exc}") from None


def _disk_message(what: str, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"{what}: the disk is full; free space on the storage root and run again (nothing was lost)"
    if exc.errno == errno.EDQUOT:
        return f"{what}: the disk quota is exceeded; free space on the storage root and run again (nothing was lost)"
    if exc.errno == errno.EFBIG:
        return f"{what}: the file size limit was reached (ulimit -f); raise it and run again (nothing was lost)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{what}: permission denied or read-only file system"
    return f"{what}: {exc.strerror or exc}"


def _store_error(what: str, exc: sqlite3.Error) -> StoreError:
    text = str(exc)
    if "disk is full" in text or "database or disk is full" in text:
        return StoreError(f"{what}: the disk is full; free space on the storage root and run again")
    if "locked" in text or "busy" in text:
        return StoreError(f"{what}: the database stayed locked by another process for "
                          f"{BUSY_TIMEOUT_MS // 1000}s; try again")
    return StoreError(f"{what}: {text}")


def crash_point(name: str) -> None:
    """Fault injection for the crash tests: SIGKILL this process at a named point of the write path."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def utcnow() -> datetime:
    return datetime.now(UTC)
