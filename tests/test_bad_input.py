"""Hostile and broken input, table-driven: responses, protocol garbage, huge bodies and configurations.

Every response case runs the real pipeline (loopback server -> fetch -> extract -> compare -> store) twice
for one source: a good baseline, then the bad answer. Each case states the outcome a user must see (a
status and the words of a clear error), and every case checks that nothing was lost: the baseline is
still the latest version with its document and raw body, the database is sound, and serving the good page
again is simply "unchanged". The big cases run ``monitor check`` in a subprocess to bound its peak memory;
configuration cases run ``monitor validate`` and expect one line naming the problem.
"""

from __future__ import annotations

import json
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.config import load_config
from monitor.demo import sample_page
from monitor.fetch import Fetcher, FetchSettings
from monitor.models import CheckResult
from monitor.runner import CheckContext, check_source
from monitor.store import Store

from .conftest import LoopbackServer, RecordedRequest, Reply

REPO = Path(__file__).resolve().parent.parent

# The baseline: a modern report page, with some non-ASCII text so that charset mistakes would show.
GOOD = (sample_page("state-mda", 1)
        .replace(b"Moldova abroad.", "Moldova abroad, including to Côte d’Ivoire and Türkiye.".encode())
        .replace(b"in schools.", "in schools in Chișinău and Bălți.".encode()))
GOOD_TEXT = GOOD.decode("utf-8")
NARRATIVE = b"<h3>PROTECTION</h3>"
FAST = FetchSettings(retries=1, backoff_base=0.01, backoff_max=0.05, retry_after_max=0.05)


def insert(marker: bytes, extra: bytes, page: bytes = GOOD) -> bytes:
    assert marker in page
    return page.replace(marker, extra + marker, 1)


def drip(head: bytes, pause: float, count: int) -> Iterator[bytes]:
    """A body that never stalls long enough for a read timeout and never ends in time."""
    yield head
    for _ in range(count):
        time.sleep(pause)
        yield b"a "


def stall(seconds: float) -> Callable[[RecordedRequest], Reply]:
    def answer(request: RecordedRequest) -> Reply:
        time.sleep(seconds)
        return Reply(200, GOOD)
    return answer


def noise(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


# --------------------------------------------------------------------------- a server for raw protocol garbage

class RawServer:
    """Answers every connection with ``response`` (raw bytes, anything at all), then closes it."""

    def __init__(self) -> None:
        self.response = b""
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/raw"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    piece = conn.recv(4096)
                    if not piece:
                        break
                    data += piece
                try:
                    conn.sendall(self.response)
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        self._sock.close()


def http_response(body: bytes, status: str = "200 OK", headers: str = "Content-Type: text/html; charset=utf-8\r\n"
                  ) -> bytes:
    return (f"HTTP/1.1 {status}\r\n{headers}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body)


# --------------------------------------------------------------------------- the cases

@dataclass(frozen=True)
class Case:
    """A bad answer and what the user must see: one of ``statuses``, with ``says`` in the error/detail."""

    name: str
    reply: Reply | Callable[[RecordedRequest], Reply] | None = None
    raw: bytes | None = None          # served by RawServer instead of the HTTP server
    statuses: tuple[str, ...] = ("failed",)
    says: tuple[str, ...] = ()        # any one of these, case-insensitive
    timeout: int = 5


def ok(body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> Reply:
    return Reply(200, body, {"Content-Type": content_type, **headers})


MAINTENANCE = (b"<html><head><title>Down for maintenance</title></head><body><h1>We'll be back soon</h1>"
               b"<p>The site is down for scheduled maintenance.</p></body></html>")
CAPTCHA = (b"<html><head><title>Just a moment...</title></head><body><h1>Checking your browser</h1>"
           b"<div class='g-recaptcha'></div><p>Please verify you are a human.</p></body></html>")
ENTITY_BOMB = (b'<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
               b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
SUSPECT = ("suspect",)
UNCHANGED = ("unchanged",)

RESPONSE_CASES = [
    # --- truncated and malformed HTML
    Case("truncated at half", ok(GOOD[: len(GOOD) // 2]), statuses=SUSPECT, says=("truncated", "shr")),
    Case("truncated inside a tag", ok(GOOD[: GOOD.index(NARRATIVE) + 6]), statuses=SUSPECT,
         says=("truncated", "shr")),
    Case("optional end tags left out", ok(GOOD.replace(b"</p>", b"").replace(b"</li>", b"")), statuses=UNCHANGED),
    Case("mis-nested inline tags", ok(GOOD.replace(b"<p>", b"<p><b><i>").replace(b"</p>", b"</b></i></p>")),
         statuses=UNCHANGED),
    Case("stray closing tags", ok(GOOD.replace(b"</h3>", b"</h3></span></font></td>")), statuses=UNCHANGED),
    Case("NUL bytes in the chrome", ok(GOOD.replace(b"window.__session", b"\x00\x00window.__session")),
         statuses=UNCHANGED),
    Case("10,000 nested divs around the report",
         ok(GOOD.replace(b"<article>", b"<article>" + b"<div>" * 10_000).replace(b"</article>",
                                                                               b"</div>" * 10_000 + b"</article>")),
         statuses=SUSPECT, says=("tier heading vanished", "no findings")),   # the parser's depth limit: held
    Case("a tier heading in a comment", ok(insert(NARRATIVE, b"<!-- <h2>MOLDOVA: Tier 3</h2> -->")),
         statuses=UNCHANGED),
    Case("an internal DTD entity bomb", ok(ENTITY_BOMB + GOOD[GOOD.index(b"<html"):]), statuses=UNCHANGED),
    Case("10,000 attributes on a chrome element",
         ok(GOOD.replace(b'<a class="skip-link"', b"<a " + b" ".join(b"a%d='x'" % i for i in range(10_000))
                         + b' class="skip-link"')), statuses=UNCHANGED),
    Case("20,000 paragraphs in the sidebar",
         ok(GOOD.replace(b"<h3>Related</h3>", b"<h3>Related</h3>" + b"<p>Ukraine (Tier 3)</p>" * 20_000)),
         statuses=UNCHANGED),
    Case("meta refresh and base href to another site",
         ok(GOOD.replace(b"<head>", b'<head><meta http-equiv="refresh" content="0;url=http://evil.invalid/">'
                                    b'<base href="http://evil.invalid/">')), statuses=UNCHANGED),
    Case("a page that is only a script", ok(b"<html><body><script>document.write('<h2>MOLDOVA: Tier 1</h2>')"
                                             b"</script></body></html>"), says=("no text",)),
    Case("a 200 KB paragraph appended to the narrative",
         ok(insert(NARRATIVE, b"<p>" + b" ".join(b"case%d" % i for i in range(25_000)) + b".</p>")),
         statuses=("changed",)),
    # --- not HTML at all
    Case("PNG bytes under text/html", ok(b"\x89PNG\r\n\x1a\n" + noise(20_000)), statuses=("failed", "suspect")),
    Case("random bytes under text/html", ok(noise(50_000)), statuses=("failed", "suspect")),
    Case("a PDF under text/html", ok(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + noise(5000)),
         statuses=("failed", "suspect")),
    Case("application/octet-stream", ok(GOOD, "application/octet-stream"), says=("unsupported content type",)),
    Case("no content type and a binary body", Reply(200, noise(3000), {"Content-Type": ""}),
         says=("unsupported content type",)),
    # --- character sets
    Case("UTF-8 labelled ISO-8859-1", ok(GOOD, "text/html; charset=iso-8859-1"), statuses=UNCHANGED),
    Case("no charset anywhere", ok(GOOD.replace(b'<meta charset="UTF-8">', b""), "text/html"), statuses=UNCHANGED),
    Case("UTF-8 under a meta shift_jis", ok(GOOD.replace(b'charset="UTF-8"', b'charset="shift_jis"'), "text/html"),
         statuses=UNCHANGED),
    Case("an unknown charset label", ok(GOOD, "text/html; charset=x-no-such-charset-42"), statuses=UNCHANGED),
    Case("a UTF-7 label (a markup smuggling trick)", ok(GOOD, "text/html; charset=utf-7"), statuses=UNCHANGED),
    Case("UTF-16 with a byte order mark", ok(GOOD_TEXT.encode("utf-16"), "text/html"), statuses=UNCHANGED),
    Case("windows-1252 bytes labelled UTF-8",
         ok(GOOD_TEXT.encode("cp1252", errors="xmlcharrefreplace")), statuses=UNCHANGED),
    Case("invalid UTF-8 in the chrome", ok(GOOD.replace(b"Last Updated", b"\xff\xfe\xc3(Last Updated")),
         statuses=UNCHANGED),
    Case("invalid UTF-8 in the narrative", ok(GOOD.replace(b"Authorities identified", b"Authorities \xff identified")),
         statuses=("changed",)),
    # --- empty answers
    Case("an empty body", ok(b""), statuses=SUSPECT, says=("empty",)),
    Case("a whitespace body", ok(b" \r\n\t \n"), statuses=SUSPECT, says=("empty",)),
    Case("an empty document", ok(b"<html><head></head><body></body></html>"), says=("no text",)),
    Case("204 No Content", Reply(204, b""), statuses=("suspect", "failed")),
    # --- redirects
    Case("a redirect loop", Reply(302, b"", {"Location": "/r"}), says=("too many redirects",)),
    Case("a redirect to ftp", Reply(301, b"", {"Location": "ftp://127.0.0.1/r"}), says=("unsupported url",)),
    Case("a redirect without a Location", Reply(302, b"moved"), says=("302",)),
    Case("a redirect to a javascript: URL", Reply(302, b"", {"Location": "javascript:alert(1)"}),
         says=("unsupported url",)),
    Case("a redirect to the same page elsewhere", Reply(301, b"", {"Location": "/elsewhere"}), statuses=UNCHANGED),
    # --- slow answers
    Case("a slow drip that never idles", lambda r: Reply(200, drip(GOOD[:500], 0.1, 300)), timeout=1,
         says=("timed out",)),
    Case("no answer before the timeout", stall(3), timeout=1, says=("timed out",)),
    # --- status codes
    Case("103 Early Hints as the final answer", Reply(103, b""), says=("103",)),
    Case("304 to a request without validators", Reply(304, b""), says=("304",)),
    Case("404", Reply(404, b"<html><body><h1>Not found</h1></body></html>"), says=("404",)),
    Case("410 Gone", Reply(410, b"gone"), says=("410",)),
    Case("429 with Retry-After", Reply(429, b"slow down", {"Retry-After": "0"}), says=("429",)),
    Case("500", Reply(500, b"<h1>Internal Server Error</h1>", {"Retry-After": "0"}), says=("500",)),
    Case("503 maintenance", Reply(503, MAINTENANCE, {"Retry-After": "0"}), says=("503",)),
    Case("a made-up status 799", Reply(799, GOOD), says=("799",)),
    Case("200 with a maintenance page", ok(MAINTENANCE), statuses=SUSPECT, says=("maintenance",)),
    Case("200 with a captcha page", ok(CAPTCHA), statuses=SUSPECT, says=("captcha",)),
    # --- raw protocol garbage
    Case("100 Continue before the answer", raw=b"HTTP/1.1 100 Continue\r\n\r\n" + http_response(GOOD),
         statuses=UNCHANGED),
    Case("a garbage status line", raw=b"HELLO THERE\r\n\r\n" + GOOD, says=("network error", "connection")),
    Case("the connection closed without an answer", raw=b"", says=("connection", "network error")),
    Case("an HTTP/0.9 answer (no status line)", raw=GOOD, says=("network error", "connection")),
    Case("a body shorter than its Content-Length",
         raw=http_response(GOOD).replace(b"Content-Length: %d" % len(GOOD), b"Content-Length: 999999"),
         says=("connection closed before the whole body",)),
    Case("a 70 KB header line", raw=http_response(GOOD, headers="X-Junk: " + "j" * 70_000 + "\r\n"),
         says=("network error", "connection")),
    Case("200 headers", raw=http_response(GOOD, headers="".join(f"X-H{i}: v\r\n" for i in range(200))),
         says=("network error", "connection")),
    Case("a corrupt gzip body", raw=http_response(b"\x1f\x8b\x08\x00garbage" * 50,
                                                  headers="Content-Type: text/html\r\nContent-Encoding: gzip\r\n"),
         says=("decompress",)),
]


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.stop()


class Clock:
    """Time passed in: each check a minute after the previous one."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def check_once(config_path: Path, store: Store, clock: Clock) -> CheckResult:
    """One check of the configuration's only source, as a pass does it (a real fetcher, store and runner)."""
    config = load_config(config_path, env={})
    with Fetcher(FAST) as fetcher:
        return check_source(config.sources[0], CheckContext(config=config, store=store, fetcher=fetcher, now=clock))


def write_config(tmp_path: Path, url: str, timeout: int = 5) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(f"storage: store\nsources:\n  - id: r\n    url: {url}\n    timeout: {timeout}\n",
                    encoding="utf-8")
    return path


def assert_sound(store: Store, tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "store" / "state.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


@pytest.mark.parametrize("case", RESPONSE_CASES, ids=[c.name for c in RESPONSE_CASES])
def test_bad_response(case: Case, tmp_path: Path, http_server: LoopbackServer, raw_server: RawServer) -> None:
    http_server.routes["/elsewhere"] = ok(GOOD)
    if case.raw is not None:
        url = raw_server.url()
        raw_server.response = http_response(GOOD)
    else:
        url = http_server.url("/r")
        http_server.routes["/r"] = ok(GOOD)
    config = write_config(tmp_path, url, case.timeout)
    clock = Clock()
    with Store(tmp_path / "store") as store:
        assert check_once(config, store, clock).status == "new"
        (baseline,) = store.versions("r")
        document = store.load_document(baseline)

        if case.raw is not None:
            raw_server.response = case.raw
        else:
            assert case.reply is not None
            http_server.routes["/r"] = case.reply
        started = time.monotonic()
        result = check_once(config, store, clock)
        elapsed = time.monotonic() - started

        assert result.status in case.statuses, (result.status, result.error, result.detail)
        message = f"{result.error or ''} {result.detail}".lower()
        if case.says:
            assert any(words in message for words in case.says), message
        assert "internal error" not in message and "traceback" not in message
        assert elapsed < 30, f"took {elapsed:.1f}s"
        versions = store.versions("r")
        assert versions[0] == baseline and store.load_document(baseline) == document
        assert store.load_raw(baseline) == GOOD
        assert len(versions) == (2 if result.status == "changed" else 1)
        assert_sound(store, tmp_path)

        # The good page again: the hostile answer left nothing behind that would alert or block.
        if case.raw is not None:
            raw_server.response = http_response(GOOD)
        else:
            http_server.routes["/r"] = ok(GOOD)
        again = check_once(config, store, clock)
        # after a change, going back is a change too (or a suspect shrink, held until confirmed)
        assert again.status in (("changed", "suspect") if result.status == "changed" else ("unchanged",)), again
        if again.status == "suspect":
            again = check_once(config, store, clock)
            assert again.status == "changed", again
        assert store.load_document(store.versions("r")[-1]) == document


# --------------------------------------------------------------------------- big inputs, memory measured

def gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)   # 31: a gzip container
    block = b"\0" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + compressor.flush()


def big_page(narrative_mb: float) -> bytes:
    paragraph = b"<p>" + b" ".join(b"word%d" % i for i in range(2000)) + b".</p>\n"
    count = int(narrative_mb * 1024 * 1024 / len(paragraph))
    return insert(NARRATIVE, paragraph * count)


@dataclass(frozen=True)
class BigCase:
    name: str
    reply: Callable[[], Reply]
    status: str
    says: str = ""
    max_mb: int = 100     # a Python process with the monitor loaded uses about 45 MB


BIG_CASES = [
    BigCase("a 50 MB page", lambda: ok(GOOD + b"<!--" + b"x" * (50 * 1024 * 1024) + b"-->"), "failed",
            "larger than 10 MB"),
    BigCase("a gzip bomb (200 MB of zeros)", lambda: Reply(200, gzip_bomb(200 * 1024 * 1024),
                                                          {"Content-Type": "text/html", "Content-Encoding": "gzip"}),
            "failed", "larger than 10 MB"),
    BigCase("100,000 nested divs", lambda: ok(GOOD.replace(b"<article>", b"<article>" + b"<div>" * 100_000)),
            "suspect"),
    BigCase("a 9 MB narrative (just under the cap)", lambda: ok(big_page(9)), "changed", max_mb=320),
]


# Spawned from a small Python process, not from the test runner: Linux carries a parent's peak resident
# memory over fork and exec into the child's, so a child of this big process would report our memory.
_SPAWN_AND_MEASURE = """
import os, sys
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], dict(os.environ))
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, file=sys.stderr)
"""


def run_measured(config: Path) -> tuple[int, str, str, float]:
    """``monitor check --json`` in a child: exit code, output, errors and its own peak memory in MB."""
    done = subprocess.run([sys.executable, "-c", _SPAWN_AND_MEASURE, sys.executable, "-m", "monitor", "--config",
                           str(config), "check", "--json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    *errors, last = done.stderr.rstrip("\n").split("\n")
    code, peak = last.split()
    return int(code), done.stdout, "\n".join(errors), float(peak)


@pytest.mark.parametrize("case", BIG_CASES, ids=[c.name for c in BIG_CASES])
def test_big_input_bounded_memory(case: BigCase, tmp_path: Path, http_server: LoopbackServer) -> None:
    http_server.routes["/r"] = ok(GOOD)
    config = write_config(tmp_path, http_server.url("/r"), timeout=60)
    with Store(tmp_path / "store") as store:
        assert check_once(config, store, Clock()).status == "new"
    http_server.routes["/r"] = case.reply()
    code, out, err, peak_mb = run_measured(config)
    assert "Traceback" not in err
    (source,) = json.loads(out)["sources"]
    assert source["status"] == case.status, source
    assert code == (1 if case.status == "failed" else 0)
    if case.says:
        assert case.says in source["error"]
    assert peak_mb < case.max_mb, f"peak resident memory {peak_mb:.0f} MB"
    with Store(tmp_path / "store") as store:
        baseline = store.versions("r")[0]
        assert store.load_raw(baseline) == GOOD


# --------------------------------------------------------------------------- configurations

SOURCE = "sources:\n  - id: khm\n    url: http://127.0.0.1:9/khm\n"


def nested(depth: int) -> str:
    return "sources: " + "[" * depth + "]" * depth + "\n"


def alias_bomb(levels: int, under: str = "x") -> str:
    """Billion laughs: each level lists the previous one ten times (10**levels strings once expanded)."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [" + ",".join(f"*l{level - 1}" for _ in range(10)) + "]")
    body = "\n".join("  " + line for line in lines)
    return f"{under}:\n{body}\nsources: *l{levels}\n" if under == "defaults" else f"{under}:\n{body}\n" + SOURCE


@dataclass(frozen=True)
class ConfigCase:
    name: str
    text: str | bytes
    says: str
    env: dict[str, str] = field(default_factory=dict)


CONFIG_CASES = [
    ConfigCase("a source id climbing out with ../", "sources:\n  - id: ../../etc\n    url: http://127.0.0.1/\n",
               "is not a safe id"),
    ConfigCase("a source id with a slash", "sources:\n  - id: a/../b\n    url: http://127.0.0.1/\n",
               "is not a safe id"),
    ConfigCase("a hidden source id", "sources:\n  - id: .lock\n    url: http://127.0.0.1/\n", "is not a safe id"),
    ConfigCase("a source id that is an absolute path", "sources:\n  - id: /etc/passwd\n    url: http://127.0.0.1/\n",
               "is not a safe id"),
    ConfigCase("an environment reference as a source id",
               "sources:\n  - id: ${EVIL}\n    url: http://127.0.0.1/\n", "is not a safe id", {"EVIL": "x"}),
    ConfigCase("a YAML alias bomb (billion laughs)", alias_bomb(11), "more than 100 aliases"),
    ConfigCase("a small alias bomb under a real key", alias_bomb(8, under="defaults"), "unknown key"),
    ConfigCase("10,000 nested lists", nested(10_000), "nested too deeply"),
    ConfigCase("a Python object tag", "sources: !!python/object/apply:os.system ['true']\n", "YAML"),
    ConfigCase("an unset environment variable", "sources:\n  - id: a\n    url: http://${NO_SUCH_HOST_VAR}/\n",
               "environment variable NO_SUCH_HOST_VAR is not set"),
    ConfigCase("an invalid environment reference", "sources:\n  - id: a\n    url: http://${1BAD}/\n",
               "not a valid environment variable reference"),
    ConfigCase("an unterminated environment reference", "sources:\n  - id: a\n    url: http://${HOST/\n",
               "unterminated"),
    ConfigCase("an environment reference as a key", "${KEY}: 1\n" + SOURCE, "unknown key", {"KEY": "storage"}),
    ConfigCase("an environment variable that is not a number", "sources:\n  - id: a\n    url: http://h/\n"
               "    timeout: ${T}\n", "must be a number", {"T": "soon"}),
    ConfigCase("an environment variable that makes the URL a file URL",
               "sources:\n  - id: a\n    url: ${U}\n", "must be an http:// or https:// URL", {"U": "file:///etc/passwd"}),
    ConfigCase("a file URL", "sources:\n  - id: a\n    url: file:///etc/passwd\n", "must be an http:// or https://"),
    ConfigCase("a URL without a host", "sources:\n  - id: a\n    url: http:///x\n", "has no host"),
    ConfigCase("a duplicate id", SOURCE + "  - id: khm\n    url: http://127.0.0.1/other\n", "duplicate id"),
    ConfigCase("an unknown key", SOURCE + "    colour: red\n", "unknown key"),
    ConfigCase("an invalid CSS selector", SOURCE + "    select: 'main >>> p['\n", "invalid CSS selector"),
    ConfigCase("an invalid regular expression", SOURCE + "    ignore: ['(unclosed']\n", "invalid regular expression"),
    ConfigCase("a tab-indented file", "sources:\n\t- id: a\n", "YAML syntax error"),
    ConfigCase("an empty file", "", "empty"),
    ConfigCase("a file that is not UTF-8", b"sources:\n  - id: caf\xe9\n", "not UTF-8"),
    ConfigCase("a 2 MB file", "# " + "x" * (2 * 1024 * 1024) + "\n" + SOURCE, "larger than 1 MB"),
    ConfigCase("sources as a string", "sources: khm\n", "must be a list"),
    ConfigCase("a negative timeout", SOURCE + "    timeout: -5\n", "must be at least"),
]


@pytest.mark.parametrize("case", CONFIG_CASES,
                         ids=[(c.values[0] if hasattr(c, "values") else c).name for c in CONFIG_CASES])
def test_bad_configuration(case: ConfigCase, tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    data = case.text.encode("utf-8") if isinstance(case.text, str) else case.text
    path.write_bytes(data)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["--config", str(path), "validate"], env=case.env)
    assert time.monotonic() - started < 10
    assert result.exit_code == 2, (result.output, result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert str(path) in lines[0]
    assert case.says.lower() in lines[0].lower(), lines[0]
    assert "Traceback" not in result.output


def test_yaml_anchors_used_sensibly_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("defaults: &d {timeout: 10}\n"
                    "sources:\n  - {id: a, url: 'http://127.0.0.1/a', <<: *d}\n  - {id: b, url: 'http://127.0.0.1/b'}\n",
                    encoding="utf-8")
    config = load_config(path, env={})
    assert [(s.id, s.timeout) for s in config.sources] == [("a", 10.0), ("b", 10.0)]


def test_storage_root_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "store").write_text("not a folder")
    path = write_config(tmp_path, "http://127.0.0.1:9/r")
    result = CliRunner().invoke(main, ["--config", str(path), "check"])
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot create storage root"), result.output
