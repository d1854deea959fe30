"""Run one command and report what it alone cost: ``python -m benchmarks.measure OUT ERR -- CMD...``.

Prints one JSON line: wall seconds, CPU seconds (user + system) and peak resident memory in MB of CMD,
whose standard output and error go to the files OUT and ERR.

Why a process of its own: Linux keeps a process's peak resident set across ``fork`` and ``exec``, so a
child forked from a big parent (a benchmark that generated 10,000 pages, a test runner) reports the
parent's memory as its own peak. Spawned from this small process instead, the child's peak is its own.

The memory of a command that starts processes of its own (``monitor check`` starts an extraction
process) counts them all: every 20 ms the high-water marks (``VmHWM``) of CMD and of every process under
it are added up, and the peak is the largest such sum, never less than what ``wait4`` reports. Peaks of
processes alive together are added even if they did not happen at the same instant, so the figure errs
high, if anything.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

POLL_SECONDS = 0.02


def descendants(pid: int) -> list[int]:
    """``pid``'s children, their children and so on (Linux ``/proc/PID/task/*/children``)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                children = [int(c) for c in task.read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def high_water_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def watch_peaks(pid: int, peak: list[int], done: threading.Event) -> None:
    """Keep in ``peak[0]`` the largest sum of the high-water marks of ``pid`` and the processes under it."""
    while not done.wait(POLL_SECONDS):
        live = [pid, *descendants(pid)]
        peak[0] = max(peak[0], sum(high_water_kib(p) for p in live))
        peak[1] = max(peak[1], len(live))


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    out, err, cmd = argv[0], argv[1], argv[3:]
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, out, flags, 0o644),
               (os.POSIX_SPAWN_OPEN, 2, err, flags, 0o644)]
    started = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, dict(os.environ), file_actions=actions)
    peak = [0, 1]   # KiB, processes at once
    done = threading.Event()
    watcher = threading.Thread(target=watch_peaks, args=(pid, peak, done), daemon=True)
    watcher.start()
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    done.set()
    watcher.join()
    print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                      "peak_rss_mb": max(peak[0], usage.ru_maxrss) / 1024, "processes": peak[1],
                      "exit_code": os.waitstatus_to_exitcode(status)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
