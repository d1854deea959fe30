"""Fetcher logic that needs no real socket: statuses, retries and backoff, Retry-After, validators,
content types (with ``responses``), and character decoding (``decode_body``, a pure function).

Network behaviour against real loopback servers lives in ``test_fetch_integration.py``.
"""

from __future__ import annotations

import codecs
import email.utils
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

import pytest
import requests
import responses
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.errors import FetchError
from monitor.fetch import _MAX_REMEMBERED, USER_AGENT, Fetcher, FetchSettings, _origin, _Remembered, decode_body

URL = "https://reports.example.org/tip/cambodia/"
HTML = "<html><body><h1>Cambodia (Tier 3)</h1><p>The government did not meet the standards.</p></body></html>"


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def fetcher(sleeps: list[float]) -> Iterator[Fetcher]:
    with Fetcher(FetchSettings(retries=3), sleep=sleeps.append) as f:
        yield f


def add(mocked: responses.RequestsMock, status: int = 200, body: str | bytes = HTML,
        headers: dict[str, str] | None = None, content_type: str | None = "text/html; charset=utf-8") -> None:
    mocked.add(responses.GET, URL, status=status, body=body, headers=headers or {},
               content_type=content_type)


# --------------------------------------------------------------------------- success and validators

def test_page_carries_text_type_and_validators(mocked: responses.RequestsMock, fetcher: Fetcher) -> None:
    add(mocked, headers={"ETag": '"v1"', "Last-Modified": "Tue, 25 Jun 2024 10:00:00 GMT"})
    page = fetcher.fetch(URL, timeout=5)
    assert (page.status, page.content_type, page.encoding) == (200, "text/html", "utf-8")
    assert page.text == HTML and page.body == HTML.encode()
    assert (page.etag, page.last_modified) == ('"v1"', "Tue, 25 Jun 2024 10:00:00 GMT")
    assert not page.not_modified and page.final_url == URL


def test_header_names_are_matched_whatever_their_case(mocked: responses.RequestsMock, fetcher: Fetcher) -> None:
    add(mocked, headers={"etag": '"v1"', "LAST-MODIFIED": "Tue, 25 Jun 2024 10:00:00 GMT"})
    page = fetcher.fetch(URL, timeout=5)
    assert (page.etag, page.last_modified) == ('"v1"', "Tue, 25 Jun 2024 10:00:00 GMT")


def test_user_agent_names_the_project_and_no_validators_when_none_stored(
        mocked: responses.RequestsMock, fetcher: Fetcher) -> None:
    add(mocked)
    fetcher.fetch(URL, timeout=5)
    sent = mocked.calls[0].request.headers
    assert sent["User-Agent"] == USER_AGENT and USER_AGENT.startswith("report-monitor/")
    assert "If-None-Match" not in sent and "If-Modified-Since" not in sent


def test_conditional_get_sends_stored_validators_and_304_is_unchanged(
        mocked: responses.RequestsMock, fetcher: Fetcher) -> None:
    add(mocked, status=304, body=b"", headers={"ETag": '"v1"'})
    page = fetcher.fetch(URL, timeout=5, etag='"v1"', last_modified="Tue, 25 Jun 2024 10:00:00 GMT")
    sent = mocked.calls[0].request.headers
    assert (sent["If-None-Match"], sent["If-Modified-Since"]) == ('"v1"', "Tue, 25 Jun 2024 10:00:00 GMT")
    assert page.not_modified and page.status == 304
    assert (page.body, page.text) == (b"", "")
    # A 304 that repeats no validator keeps the stored ones, so the next check is conditional too.
    assert (page.etag, page.last_modified) == ('"v1"', "Tue, 25 Jun 2024 10:00:00 GMT")


def test_304_to_an_unconditional_request_is_an_error(mocked: responses.RequestsMock, fetcher: Fetcher) -> None:
    add(mocked, status=304, body=b"")
    with pytest.raises(FetchError, match="^HTTP 304 Not Modified$") as caught:
        fetcher.fetch(URL, timeout=5)
    assert caught.value.status == 304 and not caught.value.transient


# --------------------------------------------------------------------------- HTTP errors and retries

@pytest.mark.parametrize(("status", "message", "transient"), [
    (404, "HTTP 404 Not Found", False),
    (403, "HTTP 403 Forbidden", False),
    (410, "HTTP 410 Gone", False),
    (500, "HTTP 500 Internal Server Error", True),
    (502, "HTTP 502 Bad Gateway", True),
    (503, "HTTP 503 Service Unavailable", True),
    (429, "HTTP 429 Too Many Requests", True),
    (599, "HTTP 599", True),
])
def test_http_error_status_is_one_clear_error(mocked: responses.RequestsMock, fetcher: Fetcher,
                                             sleeps: list[float], status: int, message: str,
                                             transient: bool) -> None:
    add(mocked, status=status, body="<html><body>Sorry</body></html>")
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(URL, timeout=5)
    err = caught.value
    assert (str(err), err.status, err.transient, err.url) == (message, status, transient, URL)
    # Transient statuses are retried (3 extra attempts), permanent ones are not retried at all.
    assert len(mocked.calls) == (4 if transient else 1)
    assert len(sleeps) == (3 if transient else 0)


def test_5xx_then_success_returns_the_page(mocked: responses.RequestsMock, fetcher: Fetcher,
                                            sleeps: list[float]) -> None:
    add(mocked, status=503)
    add(mocked, status=502)
    add(mocked)
    page = fetcher.fetch(URL, timeout=5)
    assert page.text == HTML and len(mocked.calls) == 3
    # Exponential backoff with jitter: attempt n waits between half and all of base * 2**n.
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0


def test_backoff_never_exceeds_its_maximum(mocked: responses.RequestsMock) -> None:
    add(mocked, status=500)
    waits: list[float] = []
    with Fetcher(FetchSettings(retries=4, backoff_base=10, backoff_max=15), sleep=waits.append) as f:
        with pytest.raises(FetchError):
            f.fetch(URL, timeout=5)
    assert len(waits) == 4 and max(waits) <= 15 and waits[0] >= 5


def test_429_waits_as_long_as_retry_after_seconds_says(mocked: responses.RequestsMock, fetcher: Fetcher,
                                                       sleeps: list[float]) -> None:
    add(mocked, status=429, headers={"Retry-After": "7"})
    add(mocked)
    assert fetcher.fetch(URL, timeout=5).status == 200
    assert sleeps == [7.0]


def test_retry_after_as_http_date(mocked: responses.RequestsMock, fetcher: Fetcher, sleeps: list[float]) -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    add(mocked, status=503, headers={"Retry-After": when})
    add(mocked)
    fetcher.fetch(URL, timeout=5)
    assert len(sleeps) == 1 and 15 <= sleeps[0] <= 20


def test_retry_after_is_capped(mocked: responses.RequestsMock, sleeps: list[float]) -> None:
    add(mocked, status=429, headers={"Retry-After": "86400"})
    with Fetcher(FetchSettings(retries=1, retry_after_max=60), sleep=sleeps.append) as f:
        with pytest.raises(FetchError, match="^HTTP 429 Too Many Requests$"):
            f.fetch(URL, timeout=5)
    assert sleeps == [60.0]


@pytest.mark.parametrize("value", ["soon", "-5", "Mon, 99 Foo 2024 99:99:99 GMT", ""])
def test_unreadable_retry_after_falls_back_to_backoff(mocked: responses.RequestsMock, fetcher: Fetcher,
                                                      sleeps: list[float], value: str) -> None:
    add(mocked, status=429, headers={"Retry-After": value})
    add(mocked)
    assert fetcher.fetch(URL, timeout=5).status == 200
    assert len(sleeps) == 1 and 0.25 <= sleeps[0] <= 0.5


def test_retry_after_in_the_past_retries_at_once(mocked: responses.RequestsMock, fetcher: Fetcher,
                                                  sleeps: list[float]) -> None:
    add(mocked, status=503, headers={"Retry-After": "Tue, 25 Jun 2024 10:00:00 GMT"})
    add(mocked)
    fetcher.fetch(URL, timeout=5)
    assert sleeps == [0.0]


def test_no_retries_when_configured_so(mocked: responses.RequestsMock, sleeps: list[float]) -> None:
    add(mocked, status=503)
    with Fetcher(FetchSettings(retries=0), sleep=sleeps.append) as f:
        with pytest.raises(FetchError):
            f.fetch(URL, timeout=5)
    assert len(mocked.calls) == 1 and sleeps == []


# --------------------------------------------------------------------------- content types

@pytest.mark.parametrize(("header", "media_type"), [
    ("text/html; charset=utf-8", "text/html"),
    ("TEXT/HTML", "text/html"),
    ("application/xhtml+xml", "application/xhtml+xml"),
    ("text/plain; charset=us-ascii", "text/plain"),
])
def test_accepted_content_types(mocked: responses.RequestsMock, fetcher: Fetcher, header: str,
                                media_type: str) -> None:
    add(mocked, content_type=header)
    assert fetcher.fetch(URL, timeout=5).content_type == media_type


@pytest.mark.parametrize("header", ["application/pdf", "image/png", "application/json; charset=utf-8",
                                    "application/octet-stream"])
def test_non_html_content_type_is_unsupported(mocked: responses.RequestsMock, fetcher: Fetcher,
                                              sleeps: list[float], header: str) -> None:
    add(mocked, body=b"%PDF-1.7 ...", content_type=header)
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(URL, timeout=5)
    assert str(caught.value) == f"unsupported content type {header.split(';')[0]}"
    assert not caught.value.transient and caught.value.status == 200 and sleeps == []


def test_missing_content_type_is_accepted_when_the_body_is_html(mocked: responses.RequestsMock,
                                                                fetcher: Fetcher) -> None:
    add(mocked, body="<!DOCTYPE html>\n<html><body><p>Côte d'Ivoire</p></body></html>".encode(),
        content_type=None)
    page = fetcher.fetch(URL, timeout=5)
    response = mocked.calls[0].response
    assert isinstance(response, requests.Response) and "Content-Type" not in response.headers
    assert page.content_type == "text/html" and "Côte d'Ivoire" in page.text


def test_missing_content_type_with_a_non_html_body_is_unsupported(mocked: responses.RequestsMock,
                                                                 fetcher: Fetcher) -> None:
    add(mocked, body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", content_type=None)
    with pytest.raises(FetchError, match="^unsupported content type \\(none declared") as caught:
        fetcher.fetch(URL, timeout=5)
    assert not caught.value.transient


# --------------------------------------------------------------------------- bad URLs and settings

@pytest.mark.parametrize("url", ["ftp://example.org/file", "reports.example.org/tip", "http://", "",
                                 "http://[::1/", "file:///etc/passwd"])
def test_invalid_url_is_refused_before_any_request(mocked: responses.RequestsMock, fetcher: Fetcher,
                                                   url: str) -> None:
    with pytest.raises(FetchError, match="^invalid URL") as caught:
        fetcher.fetch(url, timeout=5)
    assert not caught.value.transient and len(mocked.calls) == 0


def test_an_invalid_url_is_refused_every_time(mocked: responses.RequestsMock, fetcher: Fetcher) -> None:
    add(mocked)
    fetcher.fetch(URL, timeout=5)
    for _ in range(2):
        with pytest.raises(FetchError, match="^invalid URL"):
            fetcher.fetch("ftp://reports.example.org/tip", timeout=5)
    assert len(mocked.calls) == 1


URL_PIECES = st.sampled_from([*"ab1.:/?#@[]%\\ \t\n", "ü", "http://", "https://", "xn--"])


@pytest.mark.parametrize("url", ["http://a.example#@b.example/", "http://user:pw@h.example:8080/p?q=1",
                                 "https://h.example", "http://h.example?x=/y", "HTTP://H.example/"])
@settings(max_examples=500, deadline=None)
@given(generated=st.lists(URL_PIECES, max_size=20).map("".join))
def test_what_is_remembered_per_host_is_keyed_by_the_whole_scheme_and_authority(url: str, generated: str) -> None:
    # Proxies, the connection pool and the politeness slot are remembered per _origin(url). Two URLs with one
    # key must never differ in scheme or authority, or a page would be asked of the wrong server.
    for candidate in (url, generated):
        try:
            whole = urlsplit(candidate)
        except ValueError:
            continue   # refused as an invalid URL before anything is remembered
        key = urlsplit(_origin(candidate))
        assert (key.scheme, key.netloc) == (whole.scheme, whole.netloc)


def test_what_is_remembered_per_host_is_worked_out_once_and_stays_bounded() -> None:
    remembered: _Remembered[str, str] = _Remembered()
    asked: list[str] = []

    def work_out(key: str) -> str:
        asked.append(key)
        return key.upper()

    assert [remembered.get("h", partial(work_out, "h")) for _ in range(3)] == ["H"] * 3
    assert asked == ["h"]
    # A service running for months meets ever more hosts (redirect targets among them): memory stays flat.
    for n in range(3 * _MAX_REMEMBERED):
        key = f"h{n}"
        assert remembered.get(key, partial(work_out, key)) == key.upper()
    assert 0 < len(remembered) <= _MAX_REMEMBERED


@pytest.mark.parametrize("kwargs", [{"max_bytes": 0}, {"per_host": 0}, {"retries": -1},
                                    {"max_redirects": -1}, {"backoff_base": -1.0}])
def test_nonsensical_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        FetchSettings(**kwargs)  # type: ignore[arg-type]



# --------------------------------------------------------------------------- decoding

COTE = "<html><body><p>La Côte d'Ivoire a été classée au niveau 2 ; le gouvernement a renforcé ses " \
       "efforts pour protéger les victimes, à l'égard des enfants exploités.</p></body></html>"
JAPANESE = "<html><head><meta charset=\"shift_jis\"></head><body><p>人身売買報告書 カンボジア</p></body></html>"


@pytest.mark.parametrize(("body", "header", "text", "encoding"), [
    # declared and right
    (COTE.encode("utf-8"), "text/html; charset=utf-8", COTE, "utf-8"),
    (COTE.encode("cp1252"), "text/html; charset=windows-1252", COTE, "cp1252"),
    (COTE.encode("cp1252"), 'text/html; charset="ISO-8859-1"', COTE, "cp1252"),
    # latin-1 labels mean cp1252 (as in browsers): curly quotes and dashes survive
    ("<p>\u201cTier 2\u201d \u2013 upgraded</p>".encode("cp1252"), "text/html; charset=iso-8859-1",
     "<p>\u201cTier 2\u201d \u2013 upgraded</p>", "cp1252"),
    # missing charset: <meta>, the XML declaration, then detection
    (JAPANESE.encode("shift_jis"), "text/html", JAPANESE, "shift_jis"),
    (b'<?xml version="1.0" encoding="windows-1252"?><html><p>\xe9t\xe9</p></html>', None,
     '<?xml version="1.0" encoding="windows-1252"?><html><p>été</p></html>', "cp1252"),
    (COTE.encode("utf-8"), None, COTE, "utf-8"),
    (COTE.encode("cp1252"), None, COTE, "cp1252"),
    (b"<html><body>plain ASCII</body></html>", None, "<html><body>plain ASCII</body></html>", "utf-8"),
    # wrong charsets: a label must decode cleanly to be believed
    (COTE.encode("utf-8"), "text/html; charset=iso-8859-1", COTE, "utf-8"),       # UTF-8 served as latin-1
    (COTE.encode("cp1252"), "text/html; charset=utf-8", COTE, "cp1252"),          # cp1252 served as UTF-8
    (("<meta charset=windows-1252>" + COTE).encode("cp1252"), "text/html; charset=utf-8",
     "<meta charset=windows-1252>" + COTE, "cp1252"),
    (COTE.encode("utf-8"), "text/html; charset=no-such-charset", COTE, "utf-8"),
    (COTE.encode("utf-8"), "text/html; charset=utf-7", COTE, "utf-8"),          # unsafe labels ignored
    (b"<html>+ADw-script+AD4-</html>", "text/html; charset=utf-7", "<html>+ADw-script+AD4-</html>", "utf-8"),
    (b"<html>rot13</html>", "text/html; charset=rot13", "<html>rot13</html>", "utf-8"),
    (b'<meta charset="utf-16"><p>ok</p>', None, '<meta charset="utf-16"><p>ok</p>', "utf-8"),
    # byte order marks win over everything
    (codecs.BOM_UTF8 + COTE.encode("utf-8"), "text/html; charset=iso-8859-1", COTE, "utf-8-sig"),
    (codecs.BOM_UTF16_LE + COTE.encode("utf-16-le"), "text/html", COTE, "utf-16"),
    (b"", "text/html; charset=utf-8", "", "utf-8"),
    (b"<p>ok</p>", "text/html; charset=utf-8\x00", "<p>ok</p>", "utf-8"),
    (b"<p>ok</p>", "text/html; charset=\udcff", "<p>ok</p>", "utf-8"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None)
def test_decode_body(body: bytes, header: str | None, text: str, encoding: str) -> None:
    assert decode_body(body, header) == (text, encoding)


def test_undecodable_bytes_in_a_utf8_page_become_replacement_characters() -> None:
    body = COTE.encode("utf-8").replace("classée".encode(), b"class\xff\xfe\x80e")
    text, encoding = decode_body(body, "text/html; charset=utf-8")
    # Only the bad bytes are lost; every other accent stays right.
    assert encoding == "utf-8"
    assert "class\ufffd\ufffd\ufffde" in text and "Côte d'Ivoire" in text and "protéger" in text


def test_bytes_no_charset_explains_never_crash() -> None:
    body = bytes(range(256)) * 4
    text, encoding = decode_body(body, "text/html; charset=utf-8")
    assert body.decode(encoding, errors="replace") == text


HEADERS = st.one_of(
    st.sampled_from([None, "text/html", "text/html; charset=utf-8", "text/html; charset=utf-16",
                     "text/plain; charset=shift_jis", "text/html; charset=iso-8859-1", "text/html; charset="]),
    st.text(max_size=20).map(lambda label: f"text/html; charset={label}"),   # anything a server may send
)


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=300), header=HEADERS)
def test_decode_body_never_raises_and_is_a_pure_function(body: bytes, header: str | None) -> None:
    text, encoding = decode_body(body, header)
    # Re-extraction later decodes the stored body again: the answer must be the same, and reproducible
    # from the recorded encoding alone.
    assert decode_body(body, header) == (text, encoding)
    assert body.decode(encoding, errors="replace") == text
