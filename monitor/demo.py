"""``monitor demo``: an offline end-to-end run on bundled sample pages served on 127.0.0.1.

Two sources are checked twice. Between the passes the Cambodia page moves from Tier 2 Watch List to
Tier 3 and a paragraph changes, while the Moldova page changes only its chrome (dates, navigation, a
sidebar, a session token). The analyst sees one change, one alert, and nothing for the chrome.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

from .config import load_config

SAMPLES = {"/refworld/cambodia": "refworld-khm", "/state/moldova": "state-mda"}


def sample_page(name: str, version: int) -> bytes:
    return (resources.files("monitor") / "samples" / f"{name}-{version}.html").read_bytes()


class DemoServer:
    """Serves the sample pages (switchable between versions) and receives webhook alerts."""

    def __init__(self) -> None:
        self.version = 1
        self.received: list[dict[str, Any]] = []
        demo = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                name = SAMPLES.get(self.path)
                if name is None:
                    self.send_error(404)
                    return
                body = sample_page(name, demo.version)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                demo.received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[DemoServer]:
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()


def write_demo_config(folder: Path, base: str) -> Path:
    path = folder / "config.yaml"
    path.write_text(f"""\
storage: snapshots
defaults:
  profile: tip-report
  schedule: "1d"
sources:
  - id: khm
    name: Cambodia (TIP 2002, Refworld)
    url: {base}/refworld/cambodia
  - id: mda
    name: Moldova (TIP 2024, state.gov)
    url: {base}/state/moldova
notify:
  - type: webhook
    url: {base}/hook
""", encoding="utf-8")
    return path


def run_demo(echo: Callable[[str], None] = print, keep: bool = False) -> None:
    from . import runner
    from .render import render_terminal_diff_for_source

    folder = Path(tempfile.mkdtemp(prefix="monitor-demo-"))
    try:
        with DemoServer().running() as server:
            config = load_config(write_demo_config(folder, server.base))
            echo(f"Serving two sample report pages on {server.base} (nothing leaves this machine).\n")
            echo("First check: every source gets its baseline, no alerts.")
            _print_results(echo, runner.run_pass(config).results)
            server.version = 2
            echo("\nThe pages change: Cambodia's tier and a paragraph; Moldova only its chrome "
                 "(Last Updated, navigation, sidebar, session token).")
            echo("Second check:")
            _print_results(echo, runner.run_pass(config).results)
            echo("\nWhat the analyst reviews (monitor diff khm):\n")
            echo(render_terminal_diff_for_source(config, "khm", color=False))
            echo(f"\nWebhook alerts received: {len(server.received)}")
            for alert in server.received:
                echo(json.dumps(alert, indent=2, ensure_ascii=False))
        if keep:
            echo(f"\nStorage root kept at {config.storage} (config: {folder / 'config.yaml'})")
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def _print_results(echo: Callable[[str], None], results: list[Any]) -> None:
    for r in results:
        echo(f"  {r.source_id:<6} {r.status:<10} {r.tier or '-':<18} {r.error or r.detail}")
