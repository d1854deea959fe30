"""What ``monitor check`` shows while it works and when it is done.

On a terminal: a rich progress bar naming the sources being checked, then a summary table. Elsewhere (cron,
a pipe, a log file): one plain line per source as it finishes - id, status, tier, what changed (SPEC §4) -
then a line of totals. Sources are checked concurrently, so the hooks are called from worker threads.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TextIO

from .models import CheckResult, Source

if TYPE_CHECKING:
    from rich.table import Table

logger = logging.getLogger(__name__)

__all__ = ["CheckProgress", "ProgressHook", "make_progress", "result_line", "summary_table", "totals_line"]

# The order statuses are counted in: what needs attention last, where the eye ends.
STATUS_ORDER = ("changed", "new", "unchanged", "suspect", "skipped", "failed")
STATUS_STYLE = {"changed": "bold yellow", "new": "cyan", "unchanged": "green", "suspect": "magenta",
                "skipped": "dim", "failed": "bold red"}
# How many running sources the bar names before saying "+N".
SHOWN_RUNNING = 3


class ProgressHook(Protocol):
    def started(self, source: Source) -> None: ...
    def finished(self, result: CheckResult) -> None: ...


class CheckProgress(ProgressHook, Protocol):
    def close(self, results: Sequence[CheckResult] | None = None) -> None: ...


def make_progress(total: int, console_is_terminal: bool, *, file: TextIO | None = None) -> CheckProgress:
    """A progress display for checking ``total`` sources; call ``close(results)`` at the end for the summary.

    ``file`` defaults to standard output as it is when something is written (so a captured stdout works).
    """
    if console_is_terminal:
        return TerminalProgress(total, file=file)
    return PlainProgress(total, file=file)


# --------------------------------------------------------------------------- summary lines and table

def what_changed(result: CheckResult) -> str:
    text = result.error if result.status == "failed" and result.error else (result.detail or result.error or "")
    return " ".join(text.split())


def result_line(result: CheckResult, id_width: int = 12) -> str:
    """``khm          changed    Tier 3             Cambodia: Tier 2 Watch List → Tier 3 (downgrade)``"""
    return (f"{result.source_id:<{id_width}} {result.status:<9} {result.tier or '-':<17} "
            f"{what_changed(result)}").rstrip()


def totals_line(results: Sequence[CheckResult]) -> str:
    """``3 sources checked: 1 changed, 1 unchanged, 1 failed``"""
    counts: Counter[str] = Counter(str(r.status) for r in results)
    parts = [f"{counts[s]} {s}" for s in STATUS_ORDER if counts[s]]
    parts += [f"{n} {s}" for s, n in counts.items() if s not in STATUS_ORDER]
    noun = "source" if len(results) == 1 else "sources"
    return f"{len(results)} {noun} checked" + (": " + ", ".join(parts) if parts else "")


def summary_table(results: Sequence[CheckResult]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    table.add_column("SOURCE", no_wrap=True)
    table.add_column("STATUS", no_wrap=True)
    table.add_column("TIER", no_wrap=True)
    table.add_column("WHAT CHANGED", overflow="fold")
    table.add_column("TIME", justify="right", no_wrap=True)
    for r in results:
        table.add_row(Text(r.source_id), Text(r.status, style=STATUS_STYLE.get(r.status, "")),
                      Text(r.tier or "-"), Text(what_changed(r)), f"{r.duration:.1f}s")
    return table


# --------------------------------------------------------------------------- the two displays

class PlainProgress:
    """One line per source as it finishes, then the totals: readable in cron mail and logs."""

    def __init__(self, total: int, *, file: TextIO | None = None) -> None:
        self.total = total
        self._file = file
        self._lock = threading.Lock()
        self._results: list[CheckResult] = []
        self._closed = False

    def _write(self, line: str) -> None:
        out = self._file or sys.stdout
        out.write(line + "\n")
        out.flush()

    def started(self, source: Source) -> None:
        logger.debug("checking %s", source.id)

    def finished(self, result: CheckResult) -> None:
        with self._lock:
            self._results.append(result)
            self._write(result_line(result))

    def close(self, results: Sequence[CheckResult] | None = None) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._write(totals_line(results if results is not None else self._results))


class TerminalProgress:
    """A progress bar naming the sources in flight, replaced at the end by a summary table.

    rich is imported here, not with the module: a check run by cron or into a pipe never draws with it, and
    importing it took a tenth of the start-up.
    """

    def __init__(self, total: int, *, file: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.total = total
        self.console = Console(file=file, highlight=False)
        self._progress = Progress(
            SpinnerColumn(), TextColumn("[bold]checking[/]"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.description}"), TimeElapsedColumn(), console=self.console, transient=True)
        self._task = self._progress.add_task("", total=total)
        self._lock = threading.Lock()
        self._running: dict[str, None] = {}   # insertion-ordered set of source ids in flight
        self._results: list[CheckResult] = []
        self._live = False
        self._closed = False

    def _describe(self) -> str:
        names = list(self._running)
        text = ", ".join(names[:SHOWN_RUNNING])
        if len(names) > SHOWN_RUNNING:
            text += f" +{len(names) - SHOWN_RUNNING}"
        return text

    def started(self, source: Source) -> None:
        with self._lock:
            if self._closed:
                return
            if not self._live:
                # Started on first use, so that nothing is drawn when nothing is checked.
                self._progress.start()
                self._live = True
            self._running[source.id] = None
            self._progress.update(self._task, description=self._describe())

    def finished(self, result: CheckResult) -> None:
        with self._lock:
            self._results.append(result)
            self._running.pop(result.source_id, None)
            if not self._closed:
                self._progress.update(self._task, advance=1, description=self._describe())

    def close(self, results: Sequence[CheckResult] | None = None) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._live:
                self._progress.stop()
            shown = list(results) if results is not None else self._results
            if shown:
                self.console.print(summary_table(shown))
            self.console.print(totals_line(shown))
