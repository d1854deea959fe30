"""The check progress display: plain lines for logs and pipes, a bar and a summary table on a terminal."""

from __future__ import annotations

import io
import threading

from monitor.models import CheckResult, Source
from monitor.progress import PlainProgress, TerminalProgress, make_progress, totals_line

RESULTS = [
    CheckResult("khm", "changed", tier="Tier 3", detail="Cambodia: Tier 2 Watch List → Tier 3 (downgrade)",
                duration=1.25),
    CheckResult("mda", "unchanged", tier="Tier 2", detail="no change in the report", duration=0.5),
    CheckResult("hnd", "failed", error="HTTP 503 from https://www.state.gov/honduras/", duration=3.0),
]


def source(source_id: str) -> Source:
    return Source(id=source_id, url=f"https://www.state.gov/{source_id}/")


def run(progress: PlainProgress | TerminalProgress) -> None:
    for result in RESULTS:
        progress.started(source(result.source_id))
        progress.finished(result)
    progress.close(RESULTS)


def test_plain_progress_prints_one_line_per_source_then_totals() -> None:
    out = io.StringIO()
    progress = make_progress(3, False, file=out)
    assert isinstance(progress, PlainProgress)
    run(progress)
    progress.close(RESULTS)  # closing twice prints nothing more
    assert out.getvalue() == (
        "khm          changed   Tier 3            Cambodia: Tier 2 Watch List → Tier 3 (downgrade)\n"
        "mda          unchanged Tier 2            no change in the report\n"
        "hnd          failed    -                 HTTP 503 from https://www.state.gov/honduras/\n"
        "3 sources checked: 1 changed, 1 unchanged, 1 failed\n"
    )


def test_terminal_progress_ends_with_a_summary_table() -> None:
    out = io.StringIO()
    progress = make_progress(3, True, file=out)
    assert isinstance(progress, TerminalProgress)
    progress.console.width = 140
    run(progress)
    text = out.getvalue()
    table = text[text.index("SOURCE"):]
    for result in RESULTS:
        assert result.source_id in table and result.status in table
    assert "Cambodia: Tier 2 Watch List → Tier 3 (downgrade)" in table and "1.2s" in table
    assert text.rstrip().endswith("3 sources checked: 1 changed, 1 unchanged, 1 failed")


def test_progress_hooks_are_safe_from_worker_threads() -> None:
    out = io.StringIO()
    progress = make_progress(200, False, file=out)
    results = [CheckResult(f"s{i}", "unchanged") for i in range(200)]

    def work(chunk: list[CheckResult]) -> None:
        for r in chunk:
            progress.started(source(r.source_id))
            progress.finished(r)

    threads = [threading.Thread(target=work, args=(results[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    progress.close()
    lines = out.getvalue().splitlines()
    assert sorted(line.split()[0] for line in lines[:-1]) == sorted(r.source_id for r in results)
    assert lines[-1] == "200 sources checked: 200 unchanged"


def test_nothing_checked_still_closes_cleanly() -> None:
    out = io.StringIO()
    progress = make_progress(0, True, file=out)
    progress.close([])
    assert out.getvalue().strip() == "0 sources checked"
    assert totals_line([CheckResult("a", "new")]) == "1 source checked: 1 new"
