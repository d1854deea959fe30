"""Schedules as pure functions of time: when a source is due after a (re)start, catch-up, grace, jitter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor import schedule

NOW = datetime(2026, 11, 28, 5, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("spec", "last_check", "due"), [
    ("1d", None, NOW),                                           # never checked: its baseline is wanted now
    ("1d", NOW - timedelta(hours=3), NOW + timedelta(hours=21)),  # a restart does not re-check early
    ("1d", NOW - timedelta(days=3), NOW - timedelta(days=2)),     # overdue: due in the past
    ("0 6 * * *", None, NOW + timedelta(hours=1)),               # cron, never checked: its next slot
    ("0 6 * * *", NOW - timedelta(hours=2), NOW + timedelta(hours=1)),
    ("0 6 * * *", NOW - timedelta(days=1), NOW - timedelta(hours=23)),  # a slot missed while down
    ("*/15 * * * *", NOW.replace(minute=15), NOW.replace(minute=30)),   # strictly after the last check
])
def test_due_time_is_measured_from_the_last_check(spec: str, last_check: datetime | None,
                                                   due: datetime) -> None:
    assert schedule.due_time(spec, last_check, NOW) == due


def test_first_run_spreads_overdue_sources_but_keeps_future_ones() -> None:
    latest = lambda low, high: high  # noqa: E731 - the random draw at its maximum
    assert schedule.first_run("5s", None, NOW, latest) == NOW + timedelta(seconds=5)
    assert schedule.first_run("1d", None, NOW, latest) == NOW + timedelta(seconds=schedule.STARTUP_SPREAD)
    assert schedule.first_run("1d", NOW - timedelta(hours=1), NOW, latest) == NOW + timedelta(hours=23)


@pytest.mark.parametrize(("spec", "grace"), [("5s", 2), ("1s", 1), ("6h", 3 * 3600),
                                                 ("*/10 * * * *", 300), ("0 6 * * *", 12 * 3600)])
def test_a_late_run_is_dropped_after_half_its_period(spec: str, grace: int) -> None:
    assert schedule.misfire_grace(spec, NOW) == grace


def test_interval_jitter_averages_to_the_interval() -> None:
    trigger = schedule.make_trigger("1d")
    gaps = []
    previous = NOW
    for _ in range(400):
        fire = trigger.get_next_fire_time(previous, previous)
        gaps.append((fire - previous).total_seconds())
        previous = fire
    assert all(86400 - 150 <= g <= 86400 + 150 for g in gaps)
    assert abs(sum(gaps) / len(gaps) - 86400) < 15
