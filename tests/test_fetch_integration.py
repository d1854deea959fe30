"""The fetcher against real servers on 127.0.0.1: network failures, redirects, size caps and gzip bombs,
conditional GET, charsets on the wire, TLS verification and per-host concurrency.

No traffic leaves loopback: proxies from the environment are cleared and name resolution is refused for
every host but the loopback names (so the ``.invalid`` lookup never reaches a real resolver).
"""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import urllib3.util.connection

from monitor.errors import FetchError
from monitor.fetch import USER_AGENT, Fetcher, FetchSettings, decode_body
from tests.conftest import LoopbackServer, RecordedRequest, Reply

HTML = "<!DOCTYPE html><html><body><h1>Cambodia (Tier 3)</h1><p>Findings.</p></body></html>"
MB = 1024 * 1024
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
T = TypeVar("T")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse to resolve any name but loopback ones, as a resolver does for an unknown name."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    refused: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOOPBACK_NAMES:
            refused.append(name)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return refused


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make_fetcher(sleeps: list[float], **settings: Any) -> Fetcher:
    return Fetcher(FetchSettings(**settings), sleep=sleeps.append)


def fetch_error(fetcher: Fetcher, url: str, timeout: float = 5) -> FetchError:
    with fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url, timeout=timeout)
    return caught.value


# --------------------------------------------------------------------------- the happy path on the wire

def test_fetches_a_page_and_sends_user_agent_and_gzip(http_server: LoopbackServer, sleeps: list[float]) -> None:
    http_server.routes["/khm"] = Reply(body=gzip.compress(HTML.encode()),
                                       headers={"Content-Encoding": "gzip", "ETag": '"abc"'})
    with make_fetcher(sleeps) as fetcher:
        page = fetcher.fetch(http_server.url("/khm"), timeout=5)
    assert page.text == HTML and page.body == HTML.encode() and page.etag == '"abc"'
    sent = http_server.requests[0].headers
    assert sent["User-Agent"] == USER_AGENT and "gzip" in sent["Accept-Encoding"]


def test_conditional_get_answered_304_costs_no_body(http_server: LoopbackServer, sleeps: list[float]) -> None:
    def conditional(req: RecordedRequest) -> Reply:
        if req.headers.get("If-None-Match") == '"v7"':
            return Reply(304, headers={"ETag": '"v7"'})
        return Reply(body=HTML, headers={"ETag": '"v7"'})

    http_server.routes["/khm"] = conditional
    with make_fetcher(sleeps) as fetcher:
        first = fetcher.fetch(http_server.url("/khm"), timeout=5)
        second = fetcher.fetch(http_server.url("/khm"), timeout=5, etag=first.etag)
    assert not first.not_modified and first.text == HTML
    assert second.not_modified and second.body == b"" and second.etag == '"v7"'


# --------------------------------------------------------------------------- network failures

def test_connection_refused(sleeps: list[float]) -> None:
    with socket.socket() as closed:   # bound but not listening: connecting is refused, and the port stays ours
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        err = fetch_error(make_fetcher(sleeps, retries=2), f"http://127.0.0.1:{port}/")
    assert str(err) == "connection refused" and err.transient and err.status is None
    assert len(sleeps) == 2   # retried with backoff, then gave up


def test_dns_failure(sleeps: list[float], loopback_only: list[str]) -> None:
    err = fetch_error(make_fetcher(sleeps, retries=1), "https://tip-report.invalid/cambodia/")
    assert str(err) == "could not resolve host tip-report.invalid"
    assert err.transient and err.url == "https://tip-report.invalid/cambodia/"
    assert loopback_only and set(loopback_only) == {"tip-report.invalid"}


def test_dns_failure_after_a_redirect_names_the_host_that_failed(http_server: LoopbackServer,
                                                                 sleeps: list[float]) -> None:
    http_server.routes["/moved"] = Reply(301, headers={"Location": "http://new-home.invalid/khm"})
    err = fetch_error(make_fetcher(sleeps, retries=0), http_server.url("/moved"))
    assert str(err) == "could not resolve host new-home.invalid" and err.url == http_server.url("/moved")


def test_timeout_waiting_for_the_answer(http_server: LoopbackServer, sleeps: list[float]) -> None:
    release = threading.Event()

    def stall(req: RecordedRequest) -> Reply:
        release.wait(timeout=10)
        return Reply(body=HTML)

    http_server.routes["/slow"] = stall
    try:
        err = fetch_error(make_fetcher(sleeps, retries=0), http_server.url("/slow"), timeout=0.2)
    finally:
        release.set()
    assert str(err) == "timed out after 0.2s" and err.transient


def test_timeout_in_the_middle_of_the_body(http_server: LoopbackServer, sleeps: list[float]) -> None:
    # Promises 1000 bytes, sends 20, then keeps the connection open.
    http_server.routes["/stalls"] = Reply(body=HTML[:20], headers={"Content-Length": "1000"})
    err = fetch_error(make_fetcher(sleeps, retries=0), http_server.url("/stalls"), timeout=0.2)
    assert str(err) == "timed out after 0.2s" and err.transient


def test_connection_closed_before_the_whole_body(http_server: LoopbackServer, sleeps: list[float]) -> None:
    http_server.routes["/cut"] = Reply(body=HTML[:20], headers={"Content-Length": "1000", "Connection": "close"})
    err = fetch_error(make_fetcher(sleeps, retries=0), http_server.url("/cut"))
    assert str(err) == "connection closed before the whole body arrived" and err.transient


def test_corrupt_gzip_is_a_clear_error(http_server: LoopbackServer, sleeps: list[float]) -> None:
    http_server.routes["/bad"] = Reply(body=b"\x1f\x8bnot really gzip", headers={"Content-Encoding": "gzip"})
    err = fetch_error(make_fetcher(sleeps), http_server.url("/bad"))
    assert str(err).startswith("could not decompress the body") and not err.transient and sleeps == []


# --------------------------------------------------------------------------- HTTP statuses on the wire

def test_404_is_not_retried(http_server: LoopbackServer, sleeps: list[float]) -> None:
    err = fetch_error(make_fetcher(sleeps), http_server.url("/missing"))
    assert (str(err), err.status, err.transient) == ("HTTP 404 Not Found", 404, False)
    assert len(http_server.requests) == 1 and sleeps == []


def test_500_is_retried_until_it_recovers(http_server: LoopbackServer, sleeps: list[float]) -> None:
    answers = iter([Reply(500, "oops"), Reply(500, "oops")])
    http_server.routes["/flaky"] = lambda req: next(answers, Reply(body=HTML))
    with make_fetcher(sleeps) as fetcher:
        page = fetcher.fetch(http_server.url("/flaky"), timeout=5)
    assert page.text == HTML and len(http_server.requests) == 3 and len(sleeps) == 2


def test_429_honours_retry_after(http_server: LoopbackServer, sleeps: list[float]) -> None:
    http_server.routes["/busy"] = Reply(429, "slow down", headers={"Retry-After": "3"})
    err = fetch_error(make_fetcher(sleeps, retries=2), http_server.url("/busy"))
    assert (str(err), err.status, err.transient) == ("HTTP 429 Too Many Requests", 429, True)
    assert sleeps == [3.0, 3.0] and len(http_server.requests) == 3


# --------------------------------------------------------------------------- redirects

def test_redirects_are_followed_and_validators_kept(http_server: LoopbackServer, sleeps: list[float]) -> None:
    http_server.routes["/old"] = Reply(301, headers={"Location": "/middle"})
    http_server.routes["/middle"] = Reply(302, headers={"Location": http_server.url("/new")})
    http_server.routes["/new"] = Reply(body=HTML)
    with make_fetcher(sleeps) as fetcher:
        page = fetcher.fetch(http_server.url("/old"), timeout=5, etag='"e"')
    assert (page.url, page.final_url, page.text) == (http_server.url("/old"), http_server.url("/new"), HTML)
    assert all(r.headers.get("If-None-Match") == '"e"' for r in http_server.requests)


def test_a_cookie_set_by_a_redirect_is_sent_on_the_next_hop(http_server: LoopbackServer,
                                                             sleeps: list[float]) -> None:
    # A consent gate: no cookie -> set one and redirect to the same page; with it -> the report.
    def gate(req: RecordedRequest) -> Reply:
        if "consent=yes" in req.headers.get("Cookie", ""):
            return Reply(body=HTML)
        return Reply(302, headers={"Location": "/khm", "Set-Cookie": "consent=yes; Path=/"})

    http_server.routes["/khm"] = gate
    with make_fetcher(sleeps) as fetcher:
        assert fetcher.fetch(http_server.url("/khm"), timeout=5).text == HTML
        assert fetcher.fetch(http_server.url("/khm"), timeout=5).text == HTML   # the jar lasts the pass
    assert [r.headers.get("Cookie") for r in http_server.requests] == [None, "consent=yes", "consent=yes"]


def test_the_proxy_from_the_environment_is_used(http_server: LoopbackServer, sleeps: list[float],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # The loopback server plays the proxy: a plain-HTTP request through a proxy names the whole URL.
    monkeypatch.setenv("HTTP_PROXY", http_server.url())
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    http_server.routes["http://reports.example/khm"] = Reply(body=HTML)
    with make_fetcher(sleeps) as fetcher:
        assert fetcher.fetch("http://reports.example/khm", timeout=5).text == HTML
    assert [r.path for r in http_server.requests] == ["http://reports.example/khm"]


def test_the_request_line_is_the_path_and_query_without_the_fragment(http_server: LoopbackServer,
                                                                    sleeps: list[float]) -> None:
    http_server.routes["/khm"] = http_server.routes["/"] = Reply(body=HTML)
    with make_fetcher(sleeps) as fetcher:
        fetcher.fetch(http_server.url("/khm?year=2024#findings"), timeout=5)
        fetcher.fetch(f"http://127.0.0.1:{http_server.port}", timeout=5)
    assert [r.path for r in http_server.requests] == ["/khm?year=2024", "/"]


def test_each_page_comes_from_its_own_server_and_connections_are_reused(http_server: LoopbackServer,
                                                                        sleeps: list[float]) -> None:
    # One host, two ports, the same path: what a pass remembers per host must tell the two servers apart.
    other = LoopbackServer().start()
    connections: list[tuple[str, int]] = []
    real_create_connection = urllib3.util.connection.create_connection

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        connections.append(address)
        return real_create_connection(address, *args, **kwargs)

    try:
        http_server.routes["/khm"] = Reply(body="<p>first server</p>", headers={"ETag": '"first"'})
        other.routes["/khm"] = Reply(body="<p>second server</p>", headers={"ETag": '"second"'})
        urls = [http_server.url("/khm"), f"http://127.0.0.1:{other.port}/khm"] * 3
        with make_fetcher(sleeps) as fetcher, pytest.MonkeyPatch.context() as patch:
            patch.setattr(urllib3.util.connection, "create_connection", create_connection)
            pages = [fetcher.fetch(url, timeout=5) for url in urls]
    finally:
        other.stop()
    assert [p.etag for p in pages] == ['"first"', '"second"'] * 3
    assert len(http_server.requests) == len(other.requests) == 3
    assert sorted(port for _, port in connections) == sorted([http_server.port, other.port])


def test_redirect_loop(http_server: LoopbackServer, sleeps: list[float]) -> None:
    http_server.routes["/a"] = Reply(302, headers={"Location": "/b"})
    http_server.routes["/b"] = Reply(302, headers={"Location": "/a"})
    err = fetch_error(make_fetcher(sleeps), http_server.url("/a"))
    assert (str(err), err.transient) == ("too many redirects (>5)", False)
    assert len(http_server.requests) == 6 and sleeps == []


def test_redirect_cap_is_configurable(http_server: LoopbackServer, sleeps: list[float]) -> None:
    for hop in range(3):
        http_server.routes[f"/{hop}"] = Reply(301, headers={"Location": f"/{hop + 1}"})
    http_server.routes["/3"] = Reply(body=HTML)
    assert fetch_error(make_fetcher(sleeps, max_redirects=2), http_server.url("/0")).args[0] == \
        "too many redirects (>2)"
    with make_fetcher(sleeps, max_redirects=3) as fetcher:
        assert fetcher.fetch(http_server.url("/0"), timeout=5).text == HTML


def test_redirect_to_another_scheme_is_refused(http_server: LoopbackServer, sleeps: list[float]) -> None:
    http_server.routes["/r"] = Reply(302, headers={"Location": "file:///etc/passwd"})
    err = fetch_error(make_fetcher(sleeps), http_server.url("/r"))
    assert str(err) == "redirect to an unsupported URL: file:///etc/passwd" and not err.transient


def test_a_redirect_body_is_never_read(http_server: LoopbackServer, sleeps: list[float]) -> None:
    # A redirect carrying a gzip bomb: following it must not decompress anything.
    bomb = gzip.compress(bytes(50 * MB), compresslevel=1)
    http_server.routes["/r"] = Reply(302, bomb, headers={"Location": "/page", "Content-Encoding": "gzip"})
    http_server.routes["/page"] = Reply(body=HTML)
    with make_fetcher(sleeps, max_bytes=MB) as fetcher:
        page, peak = with_peak_memory(lambda: fetcher.fetch(http_server.url("/r"), timeout=5))
    assert page.text == HTML and peak < 4 * MB


# --------------------------------------------------------------------------- size caps and gzip bombs

def gzip_zeros(total: int, block: int = MB) -> Iterator[bytes]:
    """A single gzip stream of ``total`` zero bytes, compressed lazily as the client reads it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(block)
    for _ in range(total // block):
        yield compressor.compress(zeros)
    yield compressor.flush()


def with_peak_memory(action: Callable[[], T]) -> tuple[T, int]:
    """What ``action`` returns, and the most memory allocated at once while it ran (in any thread)."""
    tracemalloc.start()
    try:
        return action(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_body_over_the_default_cap(http_server: LoopbackServer, sleeps: list[float]) -> None:
    http_server.routes["/big"] = Reply(body=(b"<p>" + bytes(MB - 3) for _ in range(11)))
    err = fetch_error(make_fetcher(sleeps), http_server.url("/big"))
    assert (str(err), err.transient, err.status) == ("body larger than 10 MB cap", False, 200)
    assert sleeps == []


def test_body_exactly_at_the_cap_is_accepted(http_server: LoopbackServer, sleeps: list[float]) -> None:
    body = HTML.encode().ljust(4096, b" ")
    http_server.routes["/fits"] = Reply(body=body)
    http_server.routes["/over"] = Reply(body=body + b" ")
    with make_fetcher(sleeps, max_bytes=4096) as fetcher:
        assert fetcher.fetch(http_server.url("/fits"), timeout=5).body == body
    assert str(fetch_error(make_fetcher(sleeps, max_bytes=4096), http_server.url("/over"))) == \
        "body larger than 4 KB cap"


def test_gzip_bomb_is_refused_without_inflating_it(http_server: LoopbackServer, sleeps: list[float]) -> None:
    # 10 MB of zeros in 10 KB: one network read holds all of it, yet it must not be inflated at once.
    http_server.routes["/bomb"] = Reply(body=gzip.compress(bytes(10 * MB)), headers={"Content-Encoding": "gzip"})
    fetcher = make_fetcher(sleeps, max_bytes=256 * 1024)
    err, peak = with_peak_memory(lambda: fetch_error(fetcher, http_server.url("/bomb")))
    assert str(err) == "body larger than 256 KB cap" and not err.transient
    assert peak < 2 * MB


def test_one_gigabyte_gzip_bomb_streamed_lazily(http_server: LoopbackServer, sleeps: list[float]) -> None:
    http_server.routes["/gb"] = lambda req: Reply(body=gzip_zeros(1024 * MB), headers={"Content-Encoding": "gzip"})
    fetcher = make_fetcher(sleeps)
    err, peak = with_peak_memory(lambda: fetch_error(fetcher, http_server.url("/gb")))
    assert str(err) == "body larger than 10 MB cap"
    # The kept body may reach the 10 MB cap; the rest of the gigabyte never exists in memory.
    assert peak < 25 * MB


# --------------------------------------------------------------------------- charsets on the wire

NARRATIVE = ("<html><head><title>Côte d'Ivoire</title></head><body><h1>Côte d'Ivoire (Tier 2)</h1>"
             "<p>The Government of Côte d'Ivoire does not fully meet the minimum standards for the elimination "
             "of trafficking but is making significant efforts to do so. The government’s efforts included "
             "prosecuting traffickers — including in the cocoa sector — and identifying more victims.</p>"
             "</body></html>")


@pytest.mark.parametrize(("encode_as", "content_type", "encoding"), [
    ("cp1252", "text/html; charset=utf-8", "cp1252"),        # wrong: a legacy page served as UTF-8
    ("utf-8", "text/html; charset=iso-8859-1", "utf-8"),     # wrong: a UTF-8 page served as latin-1
    ("cp1252", "text/html", "cp1252"),                       # missing: detected
    ("utf-8", "text/html", "utf-8"),                         # missing
])
def test_page_text_is_decoded_right_and_reproducibly(http_server: LoopbackServer, sleeps: list[float],
                                                     encode_as: str, content_type: str, encoding: str) -> None:
    body = NARRATIVE.encode(encode_as)
    http_server.routes["/c"] = Reply(body=body, headers={"Content-Type": content_type})
    with make_fetcher(sleeps) as fetcher:
        page = fetcher.fetch(http_server.url("/c"), timeout=5)
    assert (page.text, page.encoding, page.body) == (NARRATIVE, encoding, body)
    # Re-extraction decodes the stored body with the same function and gets the same text.
    assert decode_body(page.body, content_type) == (page.text, page.encoding)


def test_undecodable_bytes_do_not_fail_the_fetch(http_server: LoopbackServer, sleeps: list[float]) -> None:
    body = NARRATIVE.encode().replace(b"cocoa", b"co\xffco\xfea")
    http_server.routes["/u"] = Reply(body=body)
    with make_fetcher(sleeps) as fetcher:
        page = fetcher.fetch(http_server.url("/u"), timeout=5)
    assert page.encoding == "utf-8" and page.text == NARRATIVE.replace("cocoa", "co\ufffdco\ufffda")


# --------------------------------------------------------------------------- TLS

def test_tls_verification_is_on(tls_cert: tuple[Path, Path], sleeps: list[float]) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_cert)
    server = LoopbackServer()
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.routes["/"] = Reply(body=HTML)
    server.start()
    try:
        err = fetch_error(make_fetcher(sleeps), f"https://127.0.0.1:{server.port}/")
    finally:
        server.stop()
    assert str(err).startswith("TLS certificate verification failed: ") and "self-signed" in str(err)
    assert not err.transient and sleeps == []


def test_the_ca_bundle_from_the_environment_is_trusted_for_https(
        tls_cert: tuple[Path, Path], http_server: LoopbackServer, sleeps: list[float],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A CA bundle named by REQUESTS_CA_BUNDLE verifies HTTPS; plain HTTP through the same fetcher is unaffected.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_cert[0]))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_cert)
    server = LoopbackServer()
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.routes["/"] = Reply(body=HTML)
    http_server.routes["/plain"] = Reply(body=HTML)
    server.start()
    try:
        with make_fetcher(sleeps) as fetcher:
            assert fetcher.fetch(f"https://127.0.0.1:{server.port}/", timeout=5).text == HTML
            assert fetcher.fetch(http_server.url("/plain"), timeout=5).text == HTML
    finally:
        server.stop()


# --------------------------------------------------------------------------- per-host concurrency

def fetch_in_threads(fetcher: Fetcher, urls: list[str]) -> list[object]:
    results: list[object] = [None] * len(urls)

    def run(i: int) -> None:
        try:
            results[i] = fetcher.fetch(urls[i], timeout=10).status
        except FetchError as err:
            results[i] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(urls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_one_request_at_a_time_per_host(http_server: LoopbackServer, sleeps: list[float]) -> None:
    lock = threading.Lock()
    in_flight, most = 0, 0

    def counted(req: RecordedRequest) -> Reply:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.1)
        with lock:
            in_flight -= 1
        return Reply(body=HTML)

    http_server.routes["/a"] = http_server.routes["/b"] = counted
    with make_fetcher(sleeps) as fetcher:
        results = fetch_in_threads(fetcher, [http_server.url("/a"), http_server.url("/b"), http_server.url("/a")])
    assert results == [200, 200, 200] and most == 1


def meet_at(barrier: threading.Barrier) -> Callable[[RecordedRequest], Reply]:
    """A handler that answers only once another request is in flight at the same moment."""
    def handler(req: RecordedRequest) -> Reply:
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            return Reply(418, "never overlapped")
        return Reply(body=HTML)
    return handler


def test_per_host_limit_is_configurable(http_server: LoopbackServer, sleeps: list[float]) -> None:
    http_server.routes["/p"] = meet_at(threading.Barrier(2))
    with make_fetcher(sleeps, per_host=2) as fetcher:
        assert fetch_in_threads(fetcher, [http_server.url("/p")] * 2) == [200, 200]


def test_different_hosts_are_fetched_at_the_same_time(http_server: LoopbackServer, sleeps: list[float]) -> None:
    barrier = threading.Barrier(2)
    other = LoopbackServer().start()
    try:
        http_server.routes["/p"] = other.routes["/p"] = meet_at(barrier)
        with make_fetcher(sleeps, per_host=1) as fetcher:
            results = fetch_in_threads(fetcher, [http_server.url("/p"), f"http://localhost:{other.port}/p"])
    finally:
        other.stop()
    assert results == [200, 200]
