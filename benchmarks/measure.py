"""Run one command and report what it alone cost: ``python -m benchmarks.measure OUT ERR -- CMD...``.

Prints one JSON line: wall seconds, CPU seconds (user + system) and peak resident memory in MB of CMD,
whose standard output and error go to the files OUT and ERR.

Why a process of its own: Linux keeps a process's peak resident set across ``fork`` and ``exec``, so a
child forked from a big parent (a benchmark that generated 10,000 pages, a test runner) reports the
parent's memory as its own peak. Spawned from this small process instead, the child's peak is its own.
"""

from __future__ import annotations

import json
import os
import sys
import time


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
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024,
                      "exit_code": os.waitstatus_to_exitcode(status)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
