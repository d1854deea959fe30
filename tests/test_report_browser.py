"""The HTML report and the email body in a real browser: headless Chromium loads them from file://.

What a reader sees must be the text of the pages, never their markup: a source named
``<script>alert(1)</script>`` and findings that would rewrite the page if they ran must show as text, and
nothing may execute - even with the Content-Security-Policy taken out, so the escaping itself is tested.
A control page proves that this browser does run scripts, so "nothing ran" means something.

Chromium is required in CI (``.ci/run`` installs Debian's ``chromium``): there a missing browser fails.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.render import render_alert_html, render_report_html
from monitor.review import report_entries
from monitor.store import Store

from .review_fixtures import KHM_URL, XSS_NAME, XSS_PAYLOAD, build_review_store

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# No network, no sync, no updates: the browser only ever reads the file it is given.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio")
TIMEOUT = 90


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser() -> str:
    path = find_browser()
    if path is None:
        message = f"headless Chromium is needed for this test and none of {', '.join(BROWSERS)} is installed"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(message + " (CI installs Debian's 'chromium' package; it must be there)")
        pytest.skip(message + " (apt-get install chromium)")
    return path


class Chromium:
    def __init__(self, executable: str, profile: Path) -> None:
        self.executable = executable
        self.profile = profile

    def run(self, page: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
        command = [self.executable, *FLAGS, f"--user-data-dir={self.profile}", *extra, page.resolve().as_uri()]
        result = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False,
                                env={**os.environ, "HOME": str(self.profile)})
        assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
        return result

    def dom(self, page: Path) -> str:
        """The document as the browser holds it after loading (and after any script would have run)."""
        return self.run(page, "--dump-dom").stdout.decode("utf-8")

    def screenshot(self, page: Path, target: Path, width: int = 1100, height: int = 1400) -> None:
        self.run(page, f"--screenshot={target}", f"--window-size={width},{height}", "--hide-scrollbars")


@pytest.fixture(scope="module")
def chromium(browser: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    yield Chromium(browser, tmp_path_factory.mktemp("chromium-profile"))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    review = build_review_store(folder)
    sources = {s.id: s for s in load_config(review.config).sources}
    with Store(review.root) as store:
        entries = report_entries(store, ["khm", "mda", "xss"], sources, since=None)
    page = folder / "report.html"
    page.write_text(render_report_html(entries, datetime(2026, 11, 29, 7, tzinfo=UTC)), encoding="utf-8")
    return page


def without_csp(html: str) -> str:
    stripped = re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", html)
    assert stripped != html
    return stripped


def title(dom: str) -> str:
    match = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert match, dom[:500]
    return match.group(1)


def test_control_page_shows_that_this_browser_runs_scripts(chromium: Chromium, tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text("<!DOCTYPE html><title>before</title><script>document.title='EXECUTED'</script>")
    assert title(chromium.dom(page)) == "EXECUTED"


def test_report_in_a_browser_shows_the_changes_and_runs_nothing(chromium: Chromium, report: Path,
                                                                 tmp_path: Path) -> None:
    with_policy = report
    no_policy = tmp_path / "report-no-csp.html"
    no_policy.write_text(without_csp(report.read_text(encoding="utf-8")), encoding="utf-8")
    for page in (with_policy, no_policy):
        dom = chromium.dom(page)
        assert title(dom) == "Report monitor: changes"
        # The page's text arrives as text ...
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
        assert "&lt;script&gt;document.title='PWNED'" in dom
        # ... and nothing it says became an element or ran.
        assert "PWNED" not in title(dom)
        assert 'id="pwned"' not in dom and "<script" not in dom and "<img" not in dom
        assert "onerror=" not in re.sub(r"&lt;.*?&gt;", "", dom)
        # What the analyst came for: the tier move, the changed words, each change in the index.
        assert "Tier 2 Watch List → Tier 3" in dom and "downgrade" in dom
        assert re.search(r"<ins[^>]*>1,450</ins>", dom) and re.search(r"<del[^>]*>1,012</del>", dom)
        assert f'<a href="{KHM_URL}">Cambodia (TIP)</a>' in dom
        assert dom.count('<article class="change"') == 4
        assert len(re.findall(r'<a href="#(?!top)[^"]+">', dom)) == 4


def test_report_screenshot_is_a_real_rendering(chromium: Chromium, report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    chromium.screenshot(report, shot, width=1000, height=1300)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 1300)
    assert len(data) > 20_000  # a page of text and colour, not a blank canvas


def test_alert_email_in_a_browser_runs_nothing(chromium: Chromium, tmp_path: Path) -> None:
    payload = {
        "id": "x", "type": "change", "source": {"id": "xss", "name": XSS_NAME, "url": "javascript:alert(1)"},
        "kinds": ["findings"], "tier": None,
        "findings": {"added": [XSS_PAYLOAD], "removed": [], "moved": [], "sections": [XSS_NAME]},
        "fields": None, "summary": f"{XSS_NAME}: 1 sentence added",
        "versions": {"old": "a", "new": "b"}, "detected_at": "2026-11-28T06:00:03Z",
    }
    page = tmp_path / "alert.html"
    page.write_text(without_csp(render_alert_html(payload, None)), encoding="utf-8")
    dom = chromium.dom(page)
    assert title(dom) == "&lt;script&gt;alert(1)&lt;/script&gt;: 1 sentence added"
    assert "<script" not in dom and "<img" not in dom and 'id="pwned"' not in dom
    assert "<a " not in dom  # a javascript: URL is shown, never linked
