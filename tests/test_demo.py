"""``monitor demo``: the offline end-to-end demonstration a new user runs first."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import main


def test_demo_shows_one_change_one_alert_and_leaves_nothing_behind() -> None:
    before = set(Path(tempfile.gettempdir()).glob("monitor-demo-*"))
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "khm    changed    Tier 3" in out
    assert "mda    unchanged  Tier 2" in out
    assert "Tier: Tier 2 Watch List → Tier 3 (downgrade)" in out
    assert "{+However, corruption, lack of police training" in out
    assert "Webhook alerts received: 1" in out
    alert = json.loads(out[out.index("{\n"):])
    assert alert["tier"] == {"old": "Tier 2 Watch List", "new": "Tier 3", "direction": "downgrade"}
    assert alert["source"]["id"] == "khm"
    assert set(Path(tempfile.gettempdir()).glob("monitor-demo-*")) == before
