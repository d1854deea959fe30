"""Confining a pass's checking threads to one CPU: the choice of the CPU, and threads really confined."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest

from monitor import cpus

from .conftest import needs_two_cpus

# /proc/<pid>/stat of a process named "a) (b" (a name may hold both), running on CPU 7.
STAT = (b"4242 (a) (b) S 1 4242 4242 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 3635210 3133440 392 "
        b"18446744073709551615 1 1 1 0 0 0 0 0 0 0 0 0 17 7 0 0 0 0 0 1 1 1 1 1 1 1 0\n")


def test_the_processor_is_read_after_a_name_holding_parentheses_and_spaces() -> None:
    assert cpus.processor_of(STAT) == 7
    assert cpus.processor_of(b"") is None
    assert cpus.processor_of(b"4242 (x) S 1 2") is None   # cut short: no processor field


def test_the_usable_cpus_are_the_allowed_ones_or_else_the_machines(monkeypatch: pytest.MonkeyPatch) -> None:
    if hasattr(os, "sched_getaffinity"):
        assert cpus.usable() == len(os.sched_getaffinity(0))
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)   # a platform that cannot say
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert cpus.usable() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert cpus.usable() == 1


def test_the_cpu_running_now_is_one_the_thread_may_use() -> None:
    allowed = cpus.allowed_cpus()
    if not os.path.exists("/proc/thread-self/stat"):
        assert cpus.current_cpu() is None
    else:
        assert allowed and cpus.current_cpu() in allowed


def test_a_single_cpu_or_none_known_confines_nothing() -> None:
    assert cpus.cpu_for_checks({3}) is None
    assert cpus.cpu_for_checks(frozenset()) is None


def test_the_checks_take_the_cpu_running_now_else_the_first_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cpus, "current_cpu", lambda: 5)
    assert cpus.cpu_for_checks({2, 5, 9}) == 5
    assert cpus.cpu_for_checks({2, 9}) == 2   # running where the pass may not: the first it may
    monkeypatch.setattr(cpus, "current_cpu", lambda: None)
    assert cpus.cpu_for_checks({9, 2}) == 2


def affinity_seen_in_a_thread(action: Callable[[], None]) -> set[int]:
    seen: list[set[int]] = []

    def run() -> None:
        action()
        seen.append(os.sched_getaffinity(0))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return seen[0]


@needs_two_cpus
def test_confine_holds_the_calling_thread_and_the_threads_it_starts_to_its_cpus() -> None:
    before = os.sched_getaffinity(0)
    one = min(before)

    started_after: list[set[int]] = []

    def confine_and_start_another() -> None:
        cpus.confine({one})
        started_after.append(affinity_seen_in_a_thread(lambda: None))

    assert affinity_seen_in_a_thread(confine_and_start_another) == {one}
    assert started_after == [{one}]   # inherited
    assert os.sched_getaffinity(0) == before   # the caller's thread only, never the test's


@needs_two_cpus
def test_a_cpu_that_cannot_be_had_leaves_the_thread_where_it_was() -> None:
    before = os.sched_getaffinity(0)
    assert affinity_seen_in_a_thread(lambda: cpus.confine({10**5})) == before
    assert affinity_seen_in_a_thread(lambda: cpus.confine(set())) == before
