"""The outbox's delivery state on a real SQLite store: which alert goes to which channel, when it is due,
backoff, giving up (visible, retryable), and the order of a source's alerts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import outbox as ob
from monitor.alerts import build_change_alert, build_error_alert
from monitor.models import Alert, Change, FindingsChange, Source, TierChange
from monitor.store import Store, insert_alert

T0 = datetime(2026, 11, 28, 6, 0, 3, tzinfo=UTC)
DAY = 86400.0

KHM = Source(id="khm", url="https://www.state.gov/reports/cambodia/", name="Cambodia (TIP)")
THA = Source(id="tha", url="https://www.state.gov/reports/thailand/", name="Thailand (TIP)")

ALL = ob.ChannelRef("webhook:a", "webhook https://hooks.example.org", ("tier", "findings", "fields", "error"))
TIER_ONLY = ob.ChannelRef("email:b", "email smtp.example.org:587 -> a@example.org", ("tier",))


def tier_alert(source: Source, n: int, at: datetime) -> Alert:
    change = Change(tier=TierChange("Tier 2", "Tier 3", "downgrade"))
    return build_change_alert(source, change, f"{source.id}: Tier 2 → Tier 3 ({n})", f"v{n}", f"v{n + 1}", at)


def findings_alert(source: Source, n: int, at: datetime) -> Alert:
    change = Change(findings=FindingsChange(added=("A new sentence.",)))
    return build_change_alert(source, change, f"{source.id}: 1 sentence added ({n})", f"v{n}", f"v{n + 1}", at)


def queue(store: Store, *alerts: Alert) -> None:
    with store.transaction() as conn:
        for alert in alerts:
            insert_alert(conn, alert)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path) as s:
        yield s


def statuses(store: Store) -> dict[tuple[str, str], str]:
    return {(r.alert_id, r.channel): r.status for r in ob.list_deliveries(store)}


def test_rows_are_created_for_channels_whose_on_list_matches_and_only_once(store: Store) -> None:
    tier = tier_alert(KHM, 1, T0)
    findings = findings_alert(KHM, 2, T0)
    error = build_error_alert(KHM, "HTTP 503", 3, "2026-11-27T06:00:00Z", T0)
    queue(store, tier, findings, error)

    assert ob.ensure_deliveries(store, [ALL, TIER_ONLY], T0, DAY) == 4
    assert ob.ensure_deliveries(store, [ALL, TIER_ONLY], T0, DAY) == 0  # idempotent: one row per pair
    assert statuses(store) == {
        (tier.id, ALL.key): "pending", (tier.id, TIER_ONLY.key): "pending",
        (findings.id, ALL.key): "pending", (error.id, ALL.key): "pending",
    }
    rows = ob.list_deliveries(store, "pending", channel=TIER_ONLY.key)
    assert [(r.alert_id, r.label, r.attempts) for r in rows] == [(tier.id, TIER_ONLY.label, 0)]
    assert rows[0].is_due(T0)


def test_backoff_doubles_from_one_minute_and_is_capped_at_one_hour() -> None:
    delays = [ob.backoff_delay(n) for n in range(1, 10)]
    assert delays[:6] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32)]
    assert delays[6:] == [timedelta(hours=1)] * 3
    assert ob.backoff_delay(10_000) == timedelta(hours=1)


def test_failed_attempt_backs_off_then_gives_up_and_stays_visible(store: Store) -> None:
    alert = tier_alert(KHM, 1, T0)
    queue(store, alert)
    ob.ensure_deliveries(store, [ALL], T0, DAY)

    (row,) = ob.list_deliveries(store, "pending")
    assert ob.mark_failed_attempt(store, row, T0, "HTTP 500", DAY) == "pending"
    (row,) = ob.list_deliveries(store, "pending")
    assert (row.attempts, row.next_attempt, row.last_error) == (1, T0 + timedelta(minutes=1), "HTTP 500")
    assert not row.is_due(T0 + timedelta(seconds=59)) and row.is_due(T0 + timedelta(minutes=1))

    late = T0 + timedelta(seconds=DAY)
    assert ob.mark_failed_attempt(store, row, late, "HTTP 500 again", DAY) == "failed"
    (failed,) = ob.list_deliveries(store, "failed")
    assert (failed.alert_id, failed.attempts, failed.last_error, failed.next_attempt) == \
        (alert.id, 2, "HTTP 500 again", None)
    assert ob.count_by_status(store) == {"pending": 0, "delivered": 0, "failed": 1}
    assert failed.to_json()["status"] == "failed" and failed.to_json()["summary"] == alert.payload["summary"]


def test_retry_makes_failed_deliveries_due_again_with_a_fresh_window(store: Store) -> None:
    queue(store, tier_alert(KHM, 1, T0))
    ob.ensure_deliveries(store, [ALL], T0, DAY)
    (row,) = ob.list_deliveries(store)
    late = T0 + timedelta(days=3)
    ob.mark_failed_attempt(store, row, late, "down", DAY)

    assert ob.retry_failed(store, late) == 1
    (row,) = ob.list_deliveries(store, "pending")
    assert row.is_due(late) and row.window_start == late
    # The next failure backs off again instead of giving up at once: the window restarted at the retry.
    assert ob.mark_failed_attempt(store, row, late + timedelta(minutes=5), "down", DAY) == "pending"
    assert ob.retry_failed(store, late) == 0


def test_delivered_rows_leave_the_pending_list(store: Store) -> None:
    a, b = tier_alert(KHM, 1, T0), tier_alert(THA, 1, T0)
    queue(store, a, b)
    ob.ensure_deliveries(store, [ALL], T0, DAY)
    ob.mark_delivered(store, [a.id], ALL.key, T0 + timedelta(seconds=2))
    (delivered,) = ob.list_deliveries(store, "delivered")
    assert (delivered.alert_id, delivered.delivered_at, delivered.attempts) == (a.id, T0 + timedelta(seconds=2), 1)
    assert [r.alert_id for r in ob.list_deliveries(store, "pending")] == [b.id]


def test_a_not_yet_due_alert_holds_back_later_alerts_of_its_source_only(store: Store) -> None:
    first, second = tier_alert(KHM, 1, T0), tier_alert(KHM, 2, T0 + timedelta(seconds=1))
    other = tier_alert(THA, 1, T0 + timedelta(seconds=2))
    queue(store, first, second, other)
    ob.ensure_deliveries(store, [ALL], T0, DAY)
    (row, *_) = ob.list_deliveries(store, "pending")
    ob.mark_failed_attempt(store, row, T0, "HTTP 503", DAY)

    groups = ob.pending_by_source(store, ALL.key)
    now = T0 + timedelta(seconds=30)
    assert [r.alert_id for r in groups["khm"]] == [first.id, second.id]  # detection order
    assert ob.sendable(groups["khm"], now) == []  # the second waits for the first
    assert [r.alert_id for r in ob.sendable(groups["tha"], now)] == [other.id]
    later = T0 + timedelta(minutes=1)
    assert [r.alert_id for r in ob.sendable(ob.pending_by_source(store, ALL.key)["khm"], later)] == \
        [first.id, second.id]


def test_a_new_channel_gets_recent_alerts_not_the_whole_history(store: Store) -> None:
    old, recent = tier_alert(KHM, 1, T0), tier_alert(KHM, 2, T0 + timedelta(days=5))
    queue(store, old)
    ob.ensure_deliveries(store, [ALL], T0, DAY)
    ob.mark_delivered(store, [old.id], ALL.key, T0)
    queue(store, recent)

    now = T0 + timedelta(days=5, minutes=1)
    ob.ensure_deliveries(store, [ALL, TIER_ONLY], now, DAY)
    assert [r.alert_id for r in ob.list_deliveries(store, channel=TIER_ONLY.key)] == [recent.id]


def test_an_alert_never_attempted_within_its_window_is_listed_as_failed_not_dropped(store: Store) -> None:
    # The monitor was killed before delivering and did not run again for longer than give_up_after.
    alert = tier_alert(KHM, 1, T0)
    queue(store, alert)
    ob.ensure_deliveries(store, [ALL], T0 + timedelta(days=3), DAY)
    (row,) = ob.list_deliveries(store)
    assert row.status == "failed" and "give_up_after" in (row.last_error or "")
    assert ob.retry_failed(store, T0 + timedelta(days=3)) == 1


def test_test_alerts_never_enter_the_outbox(store: Store) -> None:
    from monitor.alerts import build_test_alert

    queue(store, build_test_alert(T0))
    assert ob.ensure_deliveries(store, [ALL], T0, DAY) == 0


def test_unknown_status_is_a_clear_error(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown delivery status 'sent'"):
        ob.list_deliveries(store, "sent")


def test_one_process_delivers_at_a_time(store: Store) -> None:
    entered = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def first() -> None:
        with ob.delivery_lock(store):
            order.append("first in")
            entered.set()
            release.wait(5)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    entered.wait(5)

    def second() -> None:
        with ob.delivery_lock(store):
            order.append("second in")

    waiter = threading.Thread(target=second)
    waiter.start()
    time.sleep(0.2)
    assert order == ["first in"]  # the second waits while the first delivers
    release.set()
    thread.join(5)
    waiter.join(5)
    assert order == ["first in", "first out", "second in"]


def test_outbox_command_lists_pending_and_failed_and_retries(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from monitor.cli import main
    from monitor.config import load_config
    from monitor.notify import channel_key

    path = tmp_path / "config.yaml"
    path.write_text(f"sources:\n  - id: khm\n    url: {KHM.url}\n"
                    "notify:\n  - type: webhook\n    url: https://hooks.example.org/monitor\n")
    config = load_config(path, env={})
    ref = ob.ChannelRef(channel_key(config.notify[0]), config.notify[0].label, ("tier",))
    first, second = tier_alert(KHM, 1, T0), tier_alert(KHM, 2, T0 + timedelta(hours=1))
    with Store(config.storage) as s:
        queue(s, first, second)
        ob.ensure_deliveries(s, [ref], T0, DAY)
        rows = ob.list_deliveries(s)
        ob.mark_failed_attempt(s, rows[0], T0 + timedelta(days=2), "HTTP 404 Not Found", DAY)
        ob.mark_failed_attempt(s, rows[1], T0 + timedelta(hours=2), "no answer within 10s", DAY)

    runner = CliRunner()
    listed = runner.invoke(main, ["--config", str(path), "outbox"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].startswith(f"failed   2026-11-28T06:00:03Z  khm  {first.id}  -> webhook https://hooks.example.org")
    assert "last error: HTTP 404 Not Found" in listed.output and "khm: Tier 2 → Tier 3 (1)" in listed.output
    assert any(line.startswith("pending ") and "next try 2026-11-28T08:01:03Z" in line for line in lines)

    as_json = runner.invoke(main, ["--config", str(path), "outbox", "--json"])
    data = json.loads(as_json.output)
    assert [(d["status"], d["channel_configured"]) for d in data["deliveries"]] == [("failed", True), ("pending", True)]

    retried = runner.invoke(main, ["--config", str(path), "outbox", "--retry"])
    assert retried.exit_code == 0 and retried.output.startswith("1 failed deliveries are due again")
    assert [line.split()[0] for line in retried.output.splitlines()[1:] if not line.startswith(" ")] == \
        ["pending", "pending"]
