"""Signal quality end to end: scenario pages served one fetch after another, checked by ``monitor check``.

Every scenario of ``tests/data/signal/scenarios.json`` (written by ``make_signal.py`` there, pages under
``pages/``) is a source of one configuration. The pages are served by a real loopback HTTP server; each
step is one ``monitor check --json`` subprocess over the sources that have that step; alerts go to a real
webhook receiver that checks their signature. Each scenario then asserts, step by step, the status and tier
``check`` printed, and that exactly the expected alert was POSTed - its kinds, tier change and findings
(sentences added and removed, blocks moved, sections touched) - or that nothing was: chrome, markup and
spelling edits, transient pages (maintenance, captcha, errors, truncation) and their recovery never alert.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import LoopbackServer, Reply
from .receivers import WebhookReceiver

SIGNAL = Path(__file__).parent / "data" / "signal"
SCENARIOS: list[dict[str, Any]] = json.loads((SIGNAL / "scenarios.json").read_text(encoding="utf-8"))
SECRET = "signal-test-secret"


@dataclass(frozen=True)
class StepOutcome:
    result: dict[str, Any]          # this source's object in ``monitor check --json``
    posts: list[dict[str, Any]]     # webhook bodies POSTed for this source during this check
    headers: list[dict[str, str]]
    verified: list[bool]


def write_config(path: Path, server: LoopbackServer, receiver: WebhookReceiver) -> None:
    sources = "".join(f"  - id: {s['id']}\n    url: {server.url('/' + s['id'])}\n" for s in SCENARIOS)
    path.write_text(
        "storage: store\n"
        "fetch:\n  retries: 0\n  workers: 8\n  per_host: 8\n"
        f"sources:\n{sources}"
        f"notify:\n  - type: webhook\n    url: {receiver.url()}\n    secret: ${{SIGNAL_WEBHOOK_SECRET}}\n",
        encoding="utf-8")


def monitor_check(config: Path, ids: list[str]) -> dict[str, dict[str, Any]]:
    env = {**os.environ, "SIGNAL_WEBHOOK_SECRET": SECRET, "MONITOR_CONFIG": str(config)}
    done = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "check", "--json", *ids],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return {r["id"]: r for r in json.loads(done.stdout)["sources"]}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[StepOutcome]]]:
    folder = tmp_path_factory.mktemp("signal")
    server = LoopbackServer().start()
    receiver = WebhookReceiver(SECRET).start()
    try:
        config = folder / "config.yaml"
        write_config(config, server, receiver)
        found: dict[str, list[StepOutcome]] = defaultdict(list)
        for index in range(max(len(s["steps"]) for s in SCENARIOS)):
            due = [s for s in SCENARIOS if len(s["steps"]) > index]
            for s in due:
                row = s["steps"][index]
                server.routes["/" + s["id"]] = Reply(row["http"], (SIGNAL / "pages" / row["page"]).read_bytes(),
                                                     {"Content-Type": row["content_type"]})
            seen = len(receiver.calls)
            results = monitor_check(config, [s["id"] for s in due] if len(due) < len(SCENARIOS) else [])
            posts: dict[str, list[Any]] = defaultdict(list)
            for call in receiver.calls[seen:]:
                posts[call.json()["source"]["id"]].append(call)
            for s in due:
                calls = posts.get(s["id"], [])
                found[s["id"]].append(StepOutcome(results[s["id"]], [c.json() for c in calls],
                                                  [c.headers for c in calls], [c.verified for c in calls]))
        yield found
    finally:
        receiver.stop()
        server.stop()


def expected_alert(expect: dict[str, Any]) -> dict[str, Any]:
    change = expect["change"]
    return {k: change[k] for k in ("kinds", "tier", "findings", "fields")}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_signal_scenario(outcomes: dict[str, list[StepOutcome]], scenario: dict[str, Any]) -> None:
    for index, (row, got) in enumerate(zip(scenario["steps"], outcomes[scenario["id"]], strict=True)):
        expect = row["expect"]
        where = f"{scenario['id']} step {index} ({scenario['what']}): {got.result}"
        assert (got.result["status"], got.result["tier"]) == (expect["status"], expect["tier"]), where
        if expect["change"] is None:
            assert got.result["change"] is None, where
            assert got.posts == [], where
            continue
        assert len(got.posts) == 1, where
        (payload,) = got.posts
        assert payload == got.result["change"], "the webhook body is what check --json printed"
        assert got.verified == [True] and got.headers[0]["X-Monitor-Event"] == payload["id"]
        assert payload["type"] == "change" and payload["source"]["id"] == scenario["id"]
        assert {k: payload[k] for k in ("kinds", "tier", "findings", "fields")} == expected_alert(expect), where
        assert payload["summary"].startswith(expect["change"]["country"] + ": "), payload["summary"]
        assert payload["versions"]["old"] and payload["versions"]["new"] != payload["versions"]["old"]
