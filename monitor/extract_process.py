"""Extraction in a process of its own, for a pass over many sources.

A pass's threads share one interpreter lock: with the extraction's walk over every page tree in the
checking threads, one core fetched, extracted and stored while the other mostly idled. A pass over many
sources hands each page's text to one extraction process instead, which runs ``extract.extract`` on the
other core while the threads fetch and store (benchmarks/README.md has the figures).

The process also bounds a page: an extraction that runs longer than ``timeout`` is given up (the process is
killed, and started again for the next page), and a page whose extraction kills the process fails alone.
Both are failures of that source's check, with a message that says so, never a crash of the pass.

Protocol, over two pipes: the parent sends ``(html, source)``; the child answers ``("ok", document, logs)``,
``("extract-error", message, logs)`` or ``("internal-error", traceback, logs)``, where ``logs`` are the
``(logger name, level, message)`` of what extraction logged, re-logged by the parent.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from . import cpus
from .errors import ExtractError
from .models import Document, Source

# Every pass imports this module, a pass of 304s without starting a process: the modules of the pipes and
# of the child (multiprocessing, subprocess, pickle: ~20 ms of start-up) are imported where they are used.
if TYPE_CHECKING:
    import subprocess
    from multiprocessing.connection import Connection

logger = logging.getLogger(__name__)

# Far beyond any real page (a 10 MB page, the default size cap, extracts in about a second here).
EXTRACT_TIMEOUT = 60.0
# A pass over fewer sources extracts in its own threads: starting the process (an interpreter, lxml, the
# extraction rules) costs about 0.1 s of the other core, which a handful of pages does not repay.
MIN_SOURCES = 10
# How many times a page is sent again when the process dies while reading pages queued before it.
RESENDS = 2

Extract = Callable[[str, Source], Document]


def in_this_process(html: str, source: Source) -> Document:
    from . import extract  # imported on first use: a pass whose pages all answer 304 never loads it
    return extract.extract(html, source)


def worth_a_process(sources: int) -> bool:
    """Whether a pass over ``sources`` sources extracts in a process of its own: many sources, and two CPUs
    this process may use (a second process confined to the same one CPU would only share it)."""
    return sources >= MIN_SOURCES and cpus.usable() >= 2


@dataclass(eq=False)
class _Request:
    """One page sent to the process; ``done`` is set once it has an answer, an error, or must be sent again."""

    done: threading.Event = field(default_factory=threading.Event)
    reply: tuple[str, Any, list[tuple[str, int, str]]] | None = None
    error: ExtractError | None = None


@dataclass(eq=False)
class _Child:
    """A running extraction process, the requests it has not answered yet (in the order sent) and the thread
    that reads its answers."""

    process: subprocess.Popen[bytes]
    requests: Connection
    replies: Connection
    pending: deque[_Request] = field(default_factory=deque)
    head_since: float = 0.0   # when the oldest pending request became the one being read
    closing: bool = False
    answered: int = 0
    reader: threading.Thread | None = None


class ExtractProcess:
    """One extraction process shared by a pass's threads; started on first use.

    Pages are queued to the process as the threads send them, and its answers are read by a thread of their
    own, so the process goes from one page to the next without waiting for the thread that sent it to wake
    up. ``extract`` has the contract of ``extract.extract``: it returns the document or raises
    :class:`~monitor.errors.ExtractError` (also for a page given up, or one during which the process died;
    pages queued behind it are sent again to a new process). When the process cannot be started at all,
    pages are extracted in the calling thread, with one warning.
    """

    def __init__(self, *, timeout: float = EXTRACT_TIMEOUT) -> None:
        self.timeout = timeout
        self._send_lock = threading.Lock()
        self._lock = threading.Lock()
        self._child: _Child | None = None
        self._unavailable = False
        self._closed = False
        self.started = 0   # processes started so far (a restart after a page was given up counts)
        # Where a process may run: wherever its creator may. The checking thread that starts one may be
        # confined to a single CPU (monitor/cpus.py), and a process inherits its starting thread's CPUs.
        self._cpus = cpus.allowed_cpus()

    def __enter__(self) -> ExtractProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def extract(self, html: str, source: Source) -> Document:
        import pickle
        payload = pickle.dumps((html, source), pickle.HIGHEST_PROTOCOL)
        for _ in range(RESENDS + 1):
            request = self._send(payload)
            if request is None:
                return in_this_process(html, source)
            request.done.wait()
            if request.error is not None:
                raise request.error
            if request.reply is not None:
                return _answer(request.reply)
        raise ExtractError(f"the extraction process ended {RESENDS + 1} times while reading other pages "
                           "before this one")

    def close(self) -> None:
        """End the process once it has answered what it was sent (it exits at the end of its requests)."""
        with self._lock:
            self._closed = True
            child, self._child = self._child, None
            if child is None:
                return
            child.closing = True
        if not self._send_lock.acquire(timeout=self.timeout):   # a write stuck on a process that reads no more
            child.process.kill()
            self._send_lock.acquire()
        try:
            child.requests.close()
        finally:
            self._send_lock.release()
        assert child.reader is not None
        child.reader.join()

    # ------------------------------------------------------------------ the child

    def _send(self, payload: bytes) -> _Request | None:
        """Queue a page to the process (started if none runs); None when pages are extracted here instead.

        Requests are queued and written in one order under ``_send_lock``; ``_lock``, which the reader of the
        answers takes too, is not held while writing: a full pipe waits for the process, which may be
        waiting for its answers to be read.
        """
        child = self._child
        if child is not None and child.reader is not None and child.process.poll() is not None:
            # Ended since its last answer: its reader retires it first, so that this page goes to a new
            # process instead of failing as if the process had died reading it.
            child.reader.join(self.timeout)
        with self._send_lock:
            with self._lock:
                if self._unavailable or self._closed:
                    return None
                child = self._child or self._start()
                if child is None:
                    return None
                request = _Request()
                if not child.pending:
                    child.head_since = time.monotonic()
                child.pending.append(request)   # first: the reader may see the answer before send returns
            try:
                child.requests.send_bytes(payload)
            except OSError:   # the process has died: its reader fails the page it was on and resends the rest
                pass
        return request

    def _start(self) -> _Child | None:
        import subprocess
        from multiprocessing.connection import Connection
        requests_read, requests_write = os.pipe()
        replies_read, replies_write = os.pipe()
        package_parent = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
        level = logging.getLogger("monitor").getEffectiveLevel()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "monitor.extract_process", str(requests_read), str(replies_write), str(level)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, pass_fds=(requests_read, replies_write),
                env=env)
        except OSError as exc:
            for fd in (requests_write, replies_read):
                os.close(fd)
            self._unavailable = True
            logger.warning("cannot start the extraction process (%s); extracting in this process instead", exc)
            return None
        finally:
            os.close(requests_read)    # the child's ends: the parent keeps none open (EOF reaches the child)
            os.close(replies_write)
        cpus.confine(self._cpus, process.pid)
        child = _Child(process, Connection(requests_write, readable=False), Connection(replies_read, writable=False))
        child.reader = threading.Thread(target=self._read_answers, args=(child,), name="extract-answers",
                                        daemon=True)
        child.reader.start()
        self._child = child
        self.started += 1
        return child

    def _read_answers(self, child: _Child) -> None:
        """Hand each answer to the request it answers; give up a page that takes longer than ``timeout``."""
        import pickle
        while True:
            with self._lock:
                waited = time.monotonic() - child.head_since if child.pending else 0.0
            if waited >= self.timeout:
                self._retire(child, ExtractError(f"extraction took longer than {self.timeout:g} s and was given "
                                                 "up (a page built to be slow to read?)"))
                return
            try:
                if not child.replies.poll(self.timeout - waited):
                    continue
                answer = pickle.loads(child.replies.recv_bytes())
            except (OSError, EOFError):
                self._retire(child, None)
                return
            except Exception as exc:  # noqa: BLE001 - never leave the threads waiting for an answer
                self._retire(child, ExtractError(f"the extraction process sent an unreadable answer ({exc!r})"))
                return
            with self._lock:
                request = child.pending.popleft() if child.pending else None
                child.head_since = time.monotonic()
            if request is None:
                self._retire(child, None)
                return
            child.answered += 1
            request.reply = answer
            request.done.set()

    def _retire(self, child: _Child, error: ExtractError | None) -> None:
        """Stop a process that died (``error`` None) or was given up on; fail the page it was reading and
        have the pages queued behind it sent again.

        A process that ended before its first answer cannot run here (an interpreter that is not Python's,
        a package it cannot import): pages are then extracted in the threads, as without a process.
        """
        import subprocess
        with self._lock:
            if self._child is child:
                self._child = None   # the next page starts a new process
            pending = list(child.pending)
            child.pending.clear()
            broken = error is None and not child.closing and child.answered == 0
            if broken:
                self._unavailable = True
        if error is not None or not child.closing:
            child.process.kill()   # (which ends a write to it under way)
        with self._send_lock:   # as every write to this end
            child.requests.close()
        child.replies.close()
        try:
            code = child.process.wait(timeout=EXTRACT_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.process.kill()
            code = child.process.wait()
        if broken:
            logger.warning("the extraction process ended before its first answer (%s); extracting in this "
                           "process instead", _how_it_ended(code))
        elif pending:
            pending[0].error = error or ExtractError(
                f"the extraction process ended while reading this page ({_how_it_ended(code)}); "
                "a new one reads the next page")
        for request in pending:
            request.done.set()   # without an answer or an error: sent again


def _answer(reply: tuple[str, Any, list[tuple[str, int, str]]]) -> Document:
    kind, value, logs = reply
    for name, level, message in logs:
        logging.getLogger(name).log(level, "%s", message)
    if kind == "ok":
        document: Document = value
        return document
    if kind == "extract-error":
        raise ExtractError(value)
    raise RuntimeError(f"extraction failed in the extraction process:\n{value}")


def _how_it_ended(code: int | None) -> str:
    if code is None:
        return "it was not running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


# --------------------------------------------------------------------------- in the extraction process

class _Collect(logging.Handler):
    """Keeps what extraction logs, to send back with the answer."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def serve(requests: Connection, replies: Connection, level: int) -> None:
    """Answer requests until the parent closes the request pipe (or dies)."""
    import pickle
    import traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's: the checks under way finish
    collect = _Collect()
    root = logging.getLogger()
    root.handlers[:] = [collect]
    logging.getLogger("monitor").setLevel(level)
    from . import extract
    while True:
        try:
            html, source = pickle.loads(requests.recv_bytes())
        except (EOFError, OSError):
            return
        collect.records = []
        reply: tuple[str, Any, list[tuple[str, int, str]]]
        try:
            document = extract.extract(html, source)
            document.content_hash, document.word_count  # noqa: B018 - computed here, cached in the answer
            reply = ("ok", document, collect.records)
        except ExtractError as exc:
            reply = ("extract-error", str(exc), collect.records)
        except Exception:  # noqa: BLE001 - a bug: reported to the parent, which logs it as its own
            reply = ("internal-error", traceback.format_exc(), collect.records)
        try:
            replies.send_bytes(pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))
        except OSError:
            return


def main(argv: list[str]) -> int:
    from multiprocessing.connection import Connection
    requests_fd, replies_fd, level = (int(a) for a in argv)
    serve(Connection(requests_fd, writable=False), Connection(replies_fd, readable=False), level)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
