"""Schedules as pure functions of time: triggers, when a source is due, how late a run may start.

- An interval (``45s``, ``30m``, ``6h``, ``1d``) runs every interval with a small random jitter (at most 5 % of
  the interval either way, capped at 150 s) that averages out, so that many checks on one interval neither
  bunch up nor drift.
- A 5-field cron expression runs at exactly those minutes, evaluated in UTC.

After a (re)start a source is due when its schedule says so *measured from its last check*; ``now`` is always
an argument, so all of this is testable without a clock.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .config import INTERVAL_RE, interval_seconds

JITTER_FRACTION = 0.1            # of the interval, split evenly either side of it
JITTER_MAX = 300.0               # seconds
STARTUP_SPREAD = 60.0            # overdue sources start within this many seconds (or one interval), not at once


def is_interval(schedule: str) -> bool:
    return INTERVAL_RE.match(schedule) is not None


def jitter_seconds(interval: float) -> float:
    return min(interval * JITTER_FRACTION, JITTER_MAX)


def make_trigger(schedule: str) -> BaseTrigger:
    """The APScheduler trigger of a validated ``schedule``.

    APScheduler adds its jitter to each interval, which would lengthen the average interval by half the
    jitter; shortening the interval by that half keeps the average exact.
    """
    if is_interval(schedule):
        seconds = float(interval_seconds(schedule))
        jitter = jitter_seconds(seconds)
        return IntervalTrigger(seconds=seconds - jitter / 2, jitter=jitter or None, timezone=UTC)
    return CronTrigger.from_crontab(schedule, timezone=UTC)


def _cron_next(schedule: str, after: datetime) -> datetime:
    trigger = CronTrigger.from_crontab(schedule, timezone=UTC)
    # Cron slots are whole minutes, so a slot strictly after `after` is the first one at or after +1 µs.
    fire = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    if fire is None:  # pragma: no cover - a 5-field crontab always fires again
        raise ValueError(f"cron expression '{schedule}' never fires again")
    return fire


def period_seconds(schedule: str, now: datetime) -> float:
    """The interval, or for a cron expression the gap between its next two slots."""
    if is_interval(schedule):
        return float(interval_seconds(schedule))
    first = _cron_next(schedule, now)
    return (_cron_next(schedule, first) - first).total_seconds()


def misfire_grace(schedule: str, now: datetime) -> int:
    """How late a run may start: half the period. Later than that, the next regular run comes sooner."""
    return max(1, int(period_seconds(schedule, now) / 2))


def due_time(schedule: str, last_check: datetime | None, now: datetime) -> datetime:
    """When the schedule wants the next check, measured from the last one (may be in the past: overdue).

    A source never checked is due now on an interval schedule (its baseline is wanted), and at its next
    slot on a cron schedule (cron users chose when the site may be fetched).
    """
    if is_interval(schedule):
        if last_check is None:
            return now
        return last_check + timedelta(seconds=interval_seconds(schedule))
    return _cron_next(schedule, last_check if last_check is not None else now - timedelta(microseconds=1))


def first_run(schedule: str, last_check: datetime | None, now: datetime,
              rng: Callable[[float, float], float] = random.uniform) -> datetime:
    """The first run after the service starts (or a schedule changes): when due, overdue ones spread out."""
    due = due_time(schedule, last_check, now)
    if due > now:
        return due
    spread = min(period_seconds(schedule, now), STARTUP_SPREAD)
    return now + timedelta(seconds=rng(0.0, spread))
