"""Which CPUs a pass runs on: its checking threads on one, the extraction process wherever it may.

Python runs one thread of a process at a time (the GIL), and a checking thread hands it over around every
system call: a pass's eight threads hand it over dozens of times a page. Spread over several CPUs, each
handover wakes the next thread on another CPU, which costs far more than switching threads on one (an
interrupt to the other CPU, cold caches), and the threads compete with the extraction process, which can
use a CPU of its own. A pass large enough to extract in that process therefore confines its checking
threads to the one CPU its process is running on; the extraction process keeps every CPU the pass's
process could use. Measured on 2 CPUs, 1,000 pages, against the version before: a first check 19-25%
faster with 12-17% less CPU, a pass of 304s 13% faster with 20% less CPU (benchmarks/README.md).

Linux only (``os.sched_setaffinity``); elsewhere, or with a single CPU allowed, nothing is confined. Never
raises: a CPU that cannot be chosen costs speed, not the pass.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Set


def allowed_cpus() -> frozenset[int]:
    """The CPUs the calling thread may run on; empty where the platform cannot say."""
    try:
        return frozenset(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return frozenset()


def usable() -> int:
    """How many CPUs the calling thread may run on: its affinity where the platform tells (a container's
    cpuset, ``taskset``), else the machine's count; at least 1."""
    return len(allowed_cpus()) or os.cpu_count() or 1


def current_cpu() -> int | None:
    """The CPU the calling thread is running on (Linux), else None."""
    try:
        with open("/proc/thread-self/stat", "rb") as stat:
            return processor_of(stat.read())
    except OSError:
        return None


def processor_of(stat: bytes) -> int | None:
    """Field 39 (processor) of a ``/proc/.../stat`` line, or None when the line has none."""
    # The name in field 2 may hold spaces and parentheses: fields are counted from its last ")".
    fields = stat.rpartition(b")")[2].split()
    try:
        return int(fields[39 - 3])
    except (IndexError, ValueError):
        return None


def cpu_for_checks(allowed: Set[int]) -> int | None:
    """The CPU a pass's checking threads are confined to: the one running now, if allowed; None when
    fewer than two CPUs are allowed (nothing to gain) or threads cannot be confined here."""
    if len(allowed) < 2 or not hasattr(os, "sched_setaffinity"):
        return None
    cpu = current_cpu()
    return cpu if cpu in allowed else min(allowed)


def confine(cpus: Set[int], pid: int = 0) -> None:
    """Run ``pid`` (0: the calling thread; threads it starts inherit this) on ``cpus`` only, if possible."""
    if cpus and hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(pid, cpus)
