"""At-least-once delivery across a SIGKILL: ``monitor check`` as a real subprocess against a loopback page
and a loopback webhook receiver that verifies signatures and deduplicates by alert id."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor import outbox
from monitor.demo import sample_page
from monitor.store import Store
from tests.conftest import LoopbackServer, Reply
from tests.receivers import WebhookReceiver

pytestmark = pytest.mark.slow

SECRET = "crash-test-secret-9d1e"
KHM1, KHM2 = sample_page("refworld-khm", 1), sample_page("refworld-khm", 2)


def setup(tmp_path: Path, http_server: LoopbackServer, receiver: WebhookReceiver) -> list[str]:
    http_server.routes["/khm"] = Reply(200, KHM1)
    config = tmp_path / "config.yaml"
    config.write_text(f"""storage: store
sources:
  - id: khm
    url: {http_server.url('/khm')}
notify:
  - type: webhook
    url: {receiver.url()}
    secret: ${{WEBHOOK_SECRET}}
""", encoding="utf-8")
    return [sys.executable, "-m", "monitor", "--config", str(config), "check"]


def run(command: list[str], crash_at: str | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "WEBHOOK_SECRET": SECRET}
    env.pop("MONITOR_TEST_CRASH_AT", None)
    if crash_at:
        env["MONITOR_TEST_CRASH_AT"] = crash_at
    return subprocess.run(command, capture_output=True, timeout=60, env=env)


def deliveries(tmp_path: Path) -> list[tuple[str, str]]:
    with Store(tmp_path / "store") as store:
        return [(r.alert_id, r.status) for r in outbox.list_deliveries(store)]


def test_killed_after_the_version_commit_the_next_run_delivers(
        tmp_path: Path, http_server: LoopbackServer, start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook(SECRET)
    command = setup(tmp_path, http_server, receiver)
    assert run(command).returncode == 0  # the baseline: no alert
    http_server.routes["/khm"] = Reply(200, KHM2)

    killed = run(command, crash_at="after-version-commit")

    assert killed.returncode == -9 and receiver.calls == []
    with Store(tmp_path / "store") as store:
        (alert,) = store.alerts()  # queued with the version, before the kill
    rerun = run(command)
    assert rerun.returncode == 0, rerun.stderr
    assert list(receiver.events) == [alert.id] and len(receiver.calls) == 1 and receiver.calls[0].verified
    assert deliveries(tmp_path) == [(alert.id, "delivered")]


def test_killed_after_delivery_before_marking_it_is_delivered_again_with_the_same_id(
        tmp_path: Path, http_server: LoopbackServer, start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook(SECRET)
    command = setup(tmp_path, http_server, receiver)
    assert run(command).returncode == 0
    http_server.routes["/khm"] = Reply(200, KHM2)

    killed = run(command, crash_at="after-delivery-before-mark")

    assert killed.returncode == -9
    (first,) = receiver.calls
    assert deliveries(tmp_path) == [(first.headers["X-Monitor-Event"], "pending")]
    assert run(command).returncode == 0
    assert run(command).returncode == 0  # marked now: no third copy
    assert [c.headers["X-Monitor-Event"] for c in receiver.calls] == [first.headers["X-Monitor-Event"]] * 2
    assert receiver.calls[0].body == receiver.calls[1].body  # the same alert, byte for byte
    assert len(receiver.events) == 1  # the receiver deduplicates by id, as documented
    assert deliveries(tmp_path) == [(first.headers["X-Monitor-Event"], "delivered")]
