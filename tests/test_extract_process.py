"""Extraction in a process of its own: the same documents and errors as in the thread, pages that are too
slow or kill the process fail alone, and no process outlives its parent."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from monitor import cpus, extract_process
from monitor.errors import ExtractError
from monitor.extract import extract
from monitor.extract_process import ExtractProcess, worth_a_process
from monitor.models import FieldRule, Source

from .conftest import needs_two_cpus

CORPUS = Path(__file__).parent / "data" / "corpus"
PAGES = sorted(CORPUS.glob("*.html"))
SOURCE = Source(id="khm", url="https://example.org/khm")


def page(name: str = "ecoi-2019-congo") -> str:
    return (CORPUS / f"{name}.html").read_text(encoding="utf-8")


@pytest.fixture
def extractor() -> Iterator[ExtractProcess]:
    with ExtractProcess() as running:
        yield running


def running(extractor: ExtractProcess) -> subprocess.Popen[bytes]:
    assert extractor._child is not None
    return extractor._child.process


def gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_every_corpus_page_gives_the_document_extracted_in_the_thread(extractor: ExtractProcess) -> None:
    assert len(PAGES) >= 10
    for path in PAGES:
        html = path.read_text(encoding="utf-8")
        assert extractor.extract(html, SOURCE) == extract(html, SOURCE), path.name
    assert extractor.started == 1   # one process served them all


def test_pages_sent_by_many_threads_at_once_each_get_their_own_document(extractor: ExtractProcess) -> None:
    pages = [path.read_text(encoding="utf-8") for path in PAGES] * 4
    expected = [extract(html, SOURCE) for html in pages]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda html: extractor.extract(html, SOURCE), pages)) == expected
    assert extractor.started == 1


def test_big_pages_with_big_documents_from_many_threads_never_wait_on_each_other() -> None:
    # Pages and answers each larger than a pipe holds: a thread writing a page while the process waits for
    # its answers to be read must not keep them from being read.
    extractor = ExtractProcess(timeout=10)
    pages = [slow_page(800 + n) for n in range(24)]
    expected = [extract(html, SOURCE) for html in pages]
    got: dict[int, object] = {}

    def work(indices: range) -> None:
        for i in indices:
            got[i] = extractor.extract(pages[i], SOURCE)

    threads = [threading.Thread(target=work, args=(range(n, 24, 8),), daemon=True) for n in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = any(thread.is_alive() for thread in threads)
    if stuck and extractor._child is not None:
        extractor._child.process.kill()   # frees a writer stuck on the process, for close() to return
    extractor.close()
    assert not stuck, "threads left waiting on the extraction process"
    assert [got[i] for i in range(24)] == expected


def test_pages_queued_behind_one_the_process_died_on_are_read_by_a_new_one(extractor: ExtractProcess) -> None:
    pages = [slow_page(300 + n) for n in range(24)]   # a few milliseconds each: a queue forms
    extractor.extract(pages[0], SOURCE)   # started
    child = extractor._child
    assert child is not None

    def outcome(html: str) -> object:
        try:
            return extractor.extract(html, SOURCE)
        except ExtractError as exc:
            return str(exc)

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(outcome, html) for html in pages]
        deadline = time.monotonic() + 10
        while len(child.pending) < 4 and time.monotonic() < deadline:
            time.sleep(0.0005)
        assert len(child.pending) >= 4
        os.kill(child.process.pid, signal.SIGKILL)
        outcomes = [f.result() for f in futures]
    failed = [o for o in outcomes if isinstance(o, str)]
    assert len(failed) <= 1   # the page being read when the process died, if it died during one
    assert all(o.startswith("the extraction process ended while reading this page (killed by SIGKILL)")
               for o in failed)
    assert sum(o == extract(html, SOURCE) for o, html in zip(outcomes, pages, strict=True)) == len(pages) - len(failed)
    assert extractor.started == 2


def test_the_source_rules_travel_with_the_page(extractor: ExtractProcess) -> None:
    source = Source(id="s", url="https://example.org/s", profile="generic", select="main",
                    fields=(FieldRule(name="year", regex=r"(20\d\d) Trafficking"),))
    html = ("<html><body><nav>menu</nav><main><h1>2024 Trafficking in Persons Report</h1>"
            "<p>Findings of the year.</p></main></body></html>")
    assert extractor.extract(html, source) == extract(html, source)
    assert extractor.extract(html, source).fields["year"] == "2024"


def test_an_extraction_error_is_the_same_error(extractor: ExtractProcess) -> None:
    source = Source(id="s", url="https://example.org/s", select="main")
    with pytest.raises(ExtractError, match="the selector 'main' matched nothing"):
        extract(page(), source)
    with pytest.raises(ExtractError, match="the selector 'main' matched nothing"):
        extractor.extract(page(), source)
    assert extractor.extract(page(), SOURCE).tier is not None   # the process goes on serving


def test_what_extraction_logs_reaches_the_parent_log(extractor: ExtractProcess,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    source = Source(id="khm", url="https://example.org/khm", fields=(FieldRule(name="tier", regex="(Tier 2)"),))
    with caplog.at_level(logging.WARNING, logger="monitor"):
        extractor.extract(page(), source)
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("monitor.extract", logging.WARNING, "khm: field 'tier' shadows a built-in field and is ignored")]


def test_a_page_that_takes_too_long_fails_alone_and_the_next_page_gets_a_new_process() -> None:
    with ExtractProcess(timeout=0.000001) as extractor:
        with pytest.raises(ExtractError, match="extraction took longer than 1e-06 s and was given up"):
            extractor.extract(page(), SOURCE)
        assert extractor.started == 1
        extractor.timeout = 60
        assert extractor.extract(page(), SOURCE) == extract(page(), SOURCE)
        assert extractor.started == 2


def slow_page(paragraphs: int = 20_000) -> str:
    body = "".join(f"<div><p>Finding number {n} of the report, with enough words to read.</p></div>"
                   for n in range(paragraphs))
    return f"<html><body><h1>Burma (Tier 3)</h1>{body}</body></html>"


def test_a_page_during_which_the_process_dies_fails_alone(extractor: ExtractProcess) -> None:
    extractor.extract(page(), SOURCE)
    process = running(extractor)
    with ThreadPoolExecutor(1) as pool:
        reading = pool.submit(extractor.extract, slow_page(), SOURCE)
        time.sleep(0.1)   # the page is being read (it takes seconds)
        os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(ExtractError, match=r"^the extraction process ended while reading this page \(killed "
                                               r"by SIGKILL\); a new one reads the next page$"):
            reading.result()
    assert extractor.extract(page(), SOURCE) == extract(page(), SOURCE)
    assert extractor.started == 2


def test_a_process_that_died_between_pages_costs_no_page(extractor: ExtractProcess) -> None:
    extractor.extract(page(), SOURCE)
    process = running(extractor)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert extractor.extract(page(), SOURCE) == extract(page(), SOURCE)
    assert extractor.started == 2


def test_ctrl_c_is_left_to_the_parent(extractor: ExtractProcess) -> None:
    extractor.extract(page(), SOURCE)
    os.kill(running(extractor).pid, signal.SIGINT)   # what a terminal sends the whole process group
    assert extractor.extract(page(), SOURCE) == extract(page(), SOURCE)
    assert extractor.started == 1


def test_close_ends_the_process() -> None:
    extractor = ExtractProcess()
    extractor.extract(page(), SOURCE)
    process = running(extractor)
    extractor.close()
    assert process.returncode == 0
    extractor.close()   # twice is harmless


def test_the_process_ends_with_a_killed_parent(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        "from monitor.extract_process import ExtractProcess\n"
        "from monitor.models import Source\n"
        "e = ExtractProcess()\n"
        f"e.extract(open({str(CORPUS / 'ecoi-2019-congo.html')!r}).read(), Source(id='s', url='https://e.org'))\n"
        "print(e._child.process.pid, flush=True)\n"
        "time.sleep(60)\n", encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        parent.kill()
        parent.wait()
        assert gone(child), "the extraction process outlived its killed parent"
    finally:
        parent.kill()


def test_without_a_process_pages_are_extracted_in_the_thread(monkeypatch: pytest.MonkeyPatch,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    def cannot_start(*args: object, **kwargs: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(subprocess, "Popen", cannot_start)
    with caplog.at_level(logging.WARNING, logger="monitor"), ExtractProcess() as extractor:
        assert extractor.extract(page(), SOURCE) == extract(page(), SOURCE)
        assert extractor.extract(page(), SOURCE) == extract(page(), SOURCE)
    assert extractor.started == 0
    assert [r.getMessage() for r in caplog.records] == [
        "cannot start the extraction process ([Errno 11] Resource temporarily unavailable); "
        "extracting in this process instead"]


def test_a_process_that_cannot_run_here_leaves_the_pages_to_the_thread(monkeypatch: pytest.MonkeyPatch,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    # e.g. a frozen build, whose executable is not a Python that can run "-m monitor.extract_process"
    monkeypatch.setattr(extract_process.sys, "executable", "/bin/false")
    with caplog.at_level(logging.WARNING, logger="monitor"), ExtractProcess() as extractor:
        with ThreadPoolExecutor(4) as pool:
            documents = list(pool.map(lambda _: extractor.extract(page(), SOURCE), range(8)))
        assert documents == [extract(page(), SOURCE)] * 8
        assert extractor.extract(page(), SOURCE) == extract(page(), SOURCE)
    assert extractor.started == 1   # tried once, not once a page
    assert [r.getMessage() for r in caplog.records] == [
        "the extraction process ended before its first answer (exit status 1); extracting in this process "
        "instead"]


def test_only_a_pass_over_many_sources_on_several_cpus_is_worth_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cpus, "usable", lambda: 2)
    assert worth_a_process(extract_process.MIN_SOURCES)
    assert not worth_a_process(extract_process.MIN_SOURCES - 1)
    monkeypatch.setattr(cpus, "usable", lambda: 1)
    assert not worth_a_process(1000)


@needs_two_cpus
def test_a_pass_allowed_one_cpu_extracts_in_its_threads() -> None:
    # Under `taskset -c 0`, or in a container given one CPU of many: a second process could only share it.
    answers: list[bool] = []

    def confined_to_one() -> None:
        cpus.confine({min(cpus.allowed_cpus())})
        answers.append(worth_a_process(1000))

    thread = threading.Thread(target=confined_to_one)
    thread.start()
    thread.join()
    assert answers == [False]
    assert worth_a_process(1000)   # this thread may still use every CPU


def test_the_extraction_process_loads_the_extractor_alone() -> None:
    # Its memory is added to the pass's: importing the extractor must not load the configuration's parser.
    code = "import sys, monitor.extract; print(sorted(m for m in ('yaml', 'requests', 'sqlite3') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
    import monitor
    from monitor import config, errors, models
    assert (monitor.Config, monitor.load_config, monitor.StoreError, monitor.Document) == (
        config.Config, config.load_config, errors.StoreError, models.Document)
    with pytest.raises(AttributeError, match="module 'monitor' has no attribute 'Nowhere'"):
        monitor.Nowhere  # noqa: B018
