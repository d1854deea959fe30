"""The command line's shared behaviour: `monitor test`, exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from monitor.cli import echo_json_list, main
from monitor.demo import sample_page

from .conftest import LoopbackServer, Reply


def test_monitor_test_prints_fields_and_blocks_and_stores_nothing(tmp_path: Path,
                                                                  http_server: LoopbackServer) -> None:
    http_server.routes["/mda"] = Reply(200, sample_page("state-mda", 1))
    config = tmp_path / "config.yaml"
    config.write_text(f"storage: store\nsources:\n  - id: mda\n    url: {http_server.url('/mda')}\n")
    result = CliRunner().invoke(main, ["--config", str(config), "test", "mda"])
    assert result.exit_code == 0, result.output
    assert "  country: Moldova" in result.output and "  tier: Tier 2" in result.output
    assert "[Recommendations] item: Fund specialized shelters for male victims." in result.output
    assert "Last Updated" not in result.output and "Share this" not in result.output
    assert not (tmp_path / "store").exists()


def test_monitor_test_takes_a_url_without_any_config(tmp_path: Path, http_server: LoopbackServer) -> None:
    http_server.routes["/khm"] = Reply(200, sample_page("refworld-khm", 2))
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.yaml"), "test", http_server.url("/khm")])
    assert result.exit_code == 0, result.output
    assert "  tier: Tier 3" in result.output and "  country: Cambodia" in result.output


def test_monitor_test_reports_a_fetch_failure_in_one_line(tmp_path: Path, http_server: LoopbackServer) -> None:
    http_server.routes["/gone"] = Reply(404, b"no")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.yaml"), "test", http_server.url("/gone")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: ") and "404" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_monitor_test_unknown_id_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("sources:\n  - id: mda\n    url: https://example.org/\n")
    result = CliRunner().invoke(main, ["--config", str(config), "test", "khm"])
    assert result.exit_code == 2 and "unknown source id 'khm'; known: mda" in result.output


def test_missing_config_file_is_exit_2_with_a_hint(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "nope.yaml"), "check"])
    assert result.exit_code == 2
    assert "file not found (pass --config PATH or set MONITOR_CONFIG)" in result.output


def test_python_dash_m_monitor_works() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "monitor", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "check" in out.stdout and "demo" in out.stdout


@pytest.mark.parametrize("items", [
    [],
    [{"id": "khm", "status": "new", "tier": "Tier 2", "change": None, "error": None}],
    [{"id": "khm", "change": {"findings": {"added": ["Côte d’Ivoire: “forced labor”\n"], "removed": []},
                              "kinds": ["findings"]}},
     {"id": "mda", "change": None, "nested": [[], {}, [1, 2.5, True, None]]}, {}],
    [{"id": f"s{n}", "detail": "x" * n} for n in range(600)],   # written in several chunks
])
def test_json_list_is_printed_one_item_at_a_time_exactly_as_json_dumps_would(items: list[dict[str, Any]]) -> None:
    printed = CliRunner().invoke(click.Command("x", callback=lambda: echo_json_list("sources", iter(items))), [])
    assert printed.exit_code == 0, printed.output
    assert printed.output == json.dumps({"sources": items}, ensure_ascii=False, indent=2) + "\n"
