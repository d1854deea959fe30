"""The fetch stage (SPEC §8): one URL in, one decoded :class:`~monitor.models.Page` out, politely and within limits.

A :class:`Fetcher` owns one ``requests.Session`` for a pass. Every request carries a User-Agent naming the
project; conditional GET reuses stored validators, so an unchanged page costs a 304 and nothing else.
Connection errors, timeouts, 429 and 5xx are retried a bounded number of times with exponential backoff and
jitter (or the server's ``Retry-After``, capped). The body is streamed and counted *after* decompression, so
neither a huge page nor a gzip bomb can fill memory. Redirects are followed by hand, so that a redirect's own
body is never read and the cap on their number is ours. At most ``per_host`` requests run against one host at
a time, whatever the number of threads calling :meth:`Fetcher.fetch`.

:func:`decode_body` is a pure function of the body and the Content-Type header, so that a stored raw body is
decoded exactly the same way when it is re-extracted later.

Every failure is one :class:`~monitor.errors.FetchError` with a short message a user can act on.
"""

from __future__ import annotations

import codecs
import email.utils
import logging
import random
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import requests
import urllib3
from charset_normalizer.constant import IANA_SUPPORTED
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar
from requests.utils import check_header_validity, requote_uri

from monitor import __version__
from monitor.errors import FetchError
from monitor.models import Page

if TYPE_CHECKING:
    from requests.adapters import _HostParams, _PoolKwargs  # the typing stubs' names for requests' dicts
    from urllib3.connectionpool import ConnectionPool

logger = logging.getLogger(__name__)

USER_AGENT = f"report-monitor/{__version__} (+https://github.com/report-monitor/report-monitor)"

ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
_CHUNK = 64 * 1024          # decompressed bytes asked of urllib3 per read; bounds memory beyond the cap
_SNIFF_BYTES = 4096         # how far into the body we look for <meta charset> and HTML markers
_NETWORK_ERRORS = (OSError, urllib3.exceptions.HTTPError)   # requests' exceptions are OSErrors


@dataclass(frozen=True)
class FetchSettings:
    """Limits and politeness settings shared by every fetch of a pass."""

    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3              # extra attempts after the first
    backoff_base: float = 0.5     # seconds, doubled each attempt, with jitter
    backoff_max: float = 30.0
    retry_after_max: float = 120.0
    per_host: int = 1             # requests in flight per host at once

    def __post_init__(self) -> None:
        if self.max_bytes < 1 or self.per_host < 1:
            raise ValueError("max_bytes and per_host must be at least 1")
        if min(self.max_redirects, self.retries) < 0 or min(self.backoff_base, self.backoff_max,
                                                             self.retry_after_max) < 0:
            raise ValueError("redirect, retry and backoff settings must not be negative")


DEFAULT_SETTINGS = FetchSettings()


class _StatusError(FetchError):
    """An HTTP error status; carries the server's Retry-After hint (seconds) to the retry loop."""

    def __init__(self, message: str, *, url: str, status: int, transient: bool,
                 retry_after: float | None) -> None:
        super().__init__(message, url=url, status=status, transient=transient)
        self.retry_after = retry_after


class Fetcher:
    """Fetches pages for one pass. Thread-safe; close it (or use ``with``) to release connections."""

    def __init__(self, settings: FetchSettings = DEFAULT_SETTINGS, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        # The Session is kept for its transport adapters (connection pools, TLS) and its cookie jar; requests
        # are sent through the adapter by _send, not through Session.request (see there).
        self._session = requests.Session()
        self._session.trust_env = False
        for prefix in ("https://", "http://"):
            self._session.mount(prefix, _Transport())
        # The environment (proxies, CA bundle, .netrc) is read once per scheme and host by _environment();
        # requests would re-read every variable on every request, which cost more CPU than parsing a page.
        self._environments: _Remembered[str, dict[str, Any]] = _Remembered()
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._hosts: _Remembered[str, str] = _Remembered()
        self._cookies_seen = False   # len() walks the whole jar; until a server sets a cookie, none is sent
        self._lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def fetch(self, url: str, *, timeout: float, etag: str | None = None,
              last_modified: str | None = None) -> Page:
        """GET ``url``; with validators, a 304 gives ``Page(not_modified=True)``. Raises FetchError."""
        host = self._host(url)
        conditional = {name: value for name, value in (("If-None-Match", etag),
                                                        ("If-Modified-Since", last_modified)) if value}
        # The slot is held across retries and their sleeps: backing off must not let another
        # request to the same host in, or the host sees no relief.
        with self._host_slot(host):
            return self._fetch_with_retries(url, timeout, conditional)

    def _host(self, url: str) -> str:
        """``url``'s host (see :func:`_host_of`), parsed once per scheme and authority."""
        return self._hosts.get(_origin(url), lambda: _host_of(url))

    def _host_slot(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            if host not in self._host_slots:
                self._host_slots[host] = threading.BoundedSemaphore(self.settings.per_host)
            return self._host_slots[host]

    def _fetch_with_retries(self, url: str, timeout: float, conditional: Mapping[str, str]) -> Page:
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                return self._attempt(url, timeout, conditional)
            except FetchError as err:
                if not err.transient or attempt == attempts - 1:
                    raise
                hint = err.retry_after if isinstance(err, _StatusError) else None
                delay = self._retry_delay(attempt, hint)
                logger.info("retrying %s in %.1fs (attempt %d of %d failed: %s)",
                            url, delay, attempt + 1, attempts, err)
                self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _retry_delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.settings.retry_after_max)
        backoff = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** attempt)
        # Jitter keeps sources that failed together (one flaky host) from retrying in lockstep.
        return backoff / 2 + random.uniform(0, backoff / 2)

    def _attempt(self, url: str, timeout: float, conditional: Mapping[str, str]) -> Page:
        started = time.monotonic()
        try:
            response = self._follow_redirects(url, timeout, conditional)
            with response:
                return self._read_page(url, response, conditional, started, timeout)
        except _NETWORK_ERRORS as exc:
            raise _network_error(exc, url, timeout) from exc

    def _environment(self, url: str) -> dict[str, Any]:
        """What requests reads from the environment for ``url``: proxies (and ``no_proxy``), the CA bundle
        (``REQUESTS_CA_BUNDLE``; verification stays on either way) and ``.netrc`` credentials."""
        return self._environments.get(_origin(url), lambda: _read_environment(url))

    def _follow_redirects(self, url: str, timeout: float,
                          conditional: Mapping[str, str]) -> requests.Response:
        current = url
        for _ in range(self.settings.max_redirects + 1):
            response = self._send(current, conditional, timeout)
            if not response.is_redirect:
                return response
            target = _redirect_target(response, current)
            response.close()   # without reading: a redirect's body is never wanted
            if urlsplit(target).scheme not in ("http", "https"):
                raise FetchError(f"redirect to an unsupported URL: {target[:200]}", url=url,
                                 status=response.status_code, transient=False)
            logger.debug("%s redirects to %s", current, target)
            current = target
        raise FetchError(f"too many redirects (>{self.settings.max_redirects})", url=url,
                         status=response.status_code, transient=False)

    def _send(self, url: str, conditional: Mapping[str, str], timeout: float) -> requests.Response:
        """One GET, streamed, without following a redirect.

        What ``Session.request`` would do, minus what a pass never needs per request: it re-merges the
        session's settings and runs requests' runtime protocol checks on every call, which cost as much
        CPU as the whole exchange with the server. The session's transport adapter (pools, TLS
        verification, proxies) and cookie jar are used as they are. Going through the adapter, never
        ``Session.send``, also means no redirect is resolved for us: ``Session.send`` would read a
        redirect's whole body first, decompressed and uncapped, before any of our limits apply.
        """
        environment = self._environment(url)
        request = requests.PreparedRequest()
        request.prepare_method("GET")
        request.prepare_url(url, None)
        request.headers = _BASE_HEADERS.copy()
        for name, value in conditional.items():   # stored validators came from a server: checked like any header
            check_header_validity((name, value))
            request.headers[name] = value
        if environment["auth"] is not None:
            request.prepare_auth(environment["auth"])
        cookies = self._session.cookies
        if self._cookies_seen and len(cookies):
            request.prepare_cookies(cookies)
        adapter = self._session.get_adapter(url)   # by scheme
        response = adapter.send(request, stream=True, timeout=(timeout, timeout), verify=environment["verify"],
                                cert=environment["cert"], proxies=environment["proxies"])
        if "Set-Cookie" in response.headers:
            # A site that sets a cookie and redirects to itself would otherwise loop until the cap.
            extract_cookies_to_jar(cookies, request, response.raw)
            self._cookies_seen = True
        return response

    def _read_page(self, url: str, response: requests.Response, conditional: Mapping[str, str],
                   started: float, timeout: float) -> Page:
        status = response.status_code
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if status == 304 and conditional:
            # Its empty body read to the end hands the connection back to the pool: closed unread, the
            # connection was dropped, and every 304 paid for a new one.
            response.raw.drain_conn()
            # A 304 need not repeat the validators; keeping ours makes the next check conditional too.
            return Page(url=url, final_url=response.url, status=status, content_type="", body=b"",
                        text="", encoding="", not_modified=True,
                        etag=etag or conditional.get("If-None-Match"),
                        last_modified=last_modified or conditional.get("If-Modified-Since"),
                        elapsed=time.monotonic() - started)
        if not 200 <= status < 300:
            raise _status_error(response, url)
        header = response.headers.get("Content-Type")
        media_type = _media_type(header)
        if media_type and media_type not in ACCEPTED_TYPES:
            raise FetchError(f"unsupported content type {media_type[:100]}", url=url, status=status,
                             transient=False)
        body = self._read_capped(response, url, started + timeout, timeout)
        if not media_type:
            if not _looks_like_html(body):
                raise FetchError("unsupported content type (none declared and the body is not HTML)",
                                 url=url, status=status, transient=False)
            media_type = "text/html"
        text, encoding = decode_body(body, header)
        return Page(url=url, final_url=response.url, status=status, content_type=media_type, body=body,
                    text=text, encoding=encoding, etag=etag, last_modified=last_modified,
                    elapsed=time.monotonic() - started)

    def _read_capped(self, response: requests.Response, url: str, deadline: float, timeout: float) -> bytes:
        """The decompressed body, refused as soon as it passes the cap or the attempt's deadline.

        urllib3 (>= 2.6) decompresses at most ``_CHUNK`` bytes per read, however small the compressed
        input, so counting its output bounds memory even for a gzip bomb. ``read1`` returns whatever one
        receive brings, so that a server dripping a byte at a time (never idle long enough for the read
        timeout) still meets the deadline: the whole attempt, connect to last byte, gets ``timeout``.
        """
        limit = self.settings.max_bytes
        body = bytearray()
        raw = response.raw
        while chunk := raw.read1(_CHUNK, decode_content=True):
            if len(body) + len(chunk) > limit:
                raise FetchError(f"body larger than {_format_size(limit)} cap", url=url,
                                 status=response.status_code, transient=False)
            body += chunk
            if time.monotonic() > deadline:
                raise FetchError(f"timed out after {timeout:g}s (the body was still arriving)", url=url,
                                 status=response.status_code)
        return bytes(body)


# --------------------------------------------------------------------------- request helpers

# requests' own default headers (Accept-Encoding for what urllib3 can decode, keep-alive), then ours.
_BASE_HEADERS = requests.models.CaseInsensitiveDict(
    {**requests.utils.default_headers(), "User-Agent": USER_AGENT, "Accept": _ACCEPT})


def _origin(url: str) -> str:
    """``scheme://authority`` exactly as written in ``url``, found without parsing it.

    Everything a fetch decides per host (the environment's proxies, the connection pool's key) is a function
    of this prefix: the authority ends at the first "/", "?" or "#" after "//", so always within it.
    """
    return "/".join(url.split("/", 3)[:3])


def _read_environment(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    with requests.Session() as probe:   # trust_env on: exactly what a plain Session would use
        merged = probe.merge_environment_settings(url, {}, None, True, None)
    verify = merged["verify"] or True
    if parts.scheme == "http" and not merged["proxies"]:
        # No TLS to verify; a CA bundle's path would only make requests stat it on every request.
        verify = True
    return {"proxies": merged["proxies"], "verify": verify, "cert": merged["cert"],
            "auth": requests.utils.get_netrc_auth(url)}


_MAX_REMEMBERED = 1024
_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class _Remembered(Generic[_K, _V]):
    """Answers that depend on their key alone (a URL's scheme and authority), each worked out once.

    A service runs for months and meets the hosts of its sources and of whatever they redirect to: past
    ``_MAX_REMEMBERED`` answers, all are dropped and worked out again when asked, so memory stays flat.
    Thread-safe under the GIL: two threads may work out the same answer, and either is right.
    """

    def __init__(self) -> None:
        self._answers: dict[_K, _V] = {}

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: _K, work_out: Callable[[], _V]) -> _V:
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= _MAX_REMEMBERED:
                self._answers.clear()
            found = self._answers[key] = work_out()
        return found


class _Transport(HTTPAdapter):
    """requests' transport adapter, minus the work that gives the same answer for every page of a host.

    Only hooks that requests documents for subclassing are overridden; ``send`` is requests' own (and so is
    what ``responses`` replaces in the unit tests). Through a proxy, requests' own code runs unchanged.
    """

    def __init__(self) -> None:
        super().__init__()
        self._pool_keys: _Remembered[tuple[str, bool | str, str | tuple[str, str] | None],
                                     tuple[_HostParams, _PoolKwargs]] = _Remembered()

    def build_connection_pool_key_attributes(self, request: requests.PreparedRequest, verify: bool | str,
                                             cert: str | tuple[str, str] | None = None
                                             ) -> tuple[_HostParams, _PoolKwargs]:
        """requests' answer, remembered per scheme and authority (it parsed the whole URL every time)."""
        work_out = super().build_connection_pool_key_attributes
        host_params, pool_kwargs = self._pool_keys.get((_origin(request.url or ""), verify, cert),
                                                       lambda: work_out(request, verify, cert))
        return host_params.copy(), pool_kwargs.copy()

    def get_connection_with_tls_context(self, request: requests.PreparedRequest, verify: bool | str | None,
                                        proxies: Mapping[str, str] | None = None,
                                        cert: tuple[str, str] | str | None = None) -> ConnectionPool:
        """requests' own code, less the proxy lookups (two URL parses) when there is no proxy."""
        if proxies or verify is None:
            return super().get_connection_with_tls_context(request, verify, proxies, cert)
        try:
            host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        except ValueError as exc:
            raise requests.exceptions.InvalidURL(exc, request=request) from exc
        return self.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)

    def request_url(self, request: requests.PreparedRequest, proxies: Mapping[str, str] | None) -> str:
        """Without a proxy, requests' answer is always the path (its proxy lookup parses the URL twice)."""
        return super().request_url(request, proxies) if proxies else request.path_url

    def build_response(self, req: requests.PreparedRequest, resp: urllib3.BaseHTTPResponse) -> requests.Response:
        """requests' Response, without what the fetcher never reads: ``cookies`` (``_send`` puts Set-Cookie in
        the session's jar) and ``encoding`` (``decode_body`` decides). The headers are urllib3's, as
        case-insensitive as the copy requests makes of them."""
        response = requests.Response()
        response.status_code = resp.status
        response.headers = resp.headers   # type: ignore[assignment]  # a case-insensitive mapping all the same
        response.raw = resp
        response.reason = resp.reason or ""
        response.url = req.url or ""
        response.request = req
        response.connection = self
        return response


def _host_of(url: str) -> str:
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:   # e.g. an unbalanced IPv6 bracket
        scheme, host = "", None
    if scheme not in ("http", "https") or not host:
        raise FetchError(f"invalid URL {url[:200]!r}: expected http:// or https:// and a host",
                         url=url, transient=False)
    return host


def _redirect_target(response: requests.Response, current: str) -> str:
    location = response.headers["Location"]
    try:
        # http.client decodes header bytes as latin-1; servers that send non-ASCII mostly mean UTF-8.
        location = location.encode("latin-1").decode("utf-8")
    except UnicodeError:
        pass
    return str(requote_uri(urljoin(current, location)))


def _status_error(response: requests.Response, url: str) -> _StatusError:
    status = response.status_code
    try:
        # The standard phrase, not the server's: it is untrusted text and says nothing more.
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    transient = status in (408, 429) or status >= 500
    retry_after = _retry_after_seconds(response.headers.get("Retry-After"), time.time()) if transient else None
    return _StatusError(f"HTTP {status} {phrase}".rstrip(), url=url, status=status, transient=transient,
                        retry_after=retry_after)


def _retry_after_seconds(value: str | None, now: float) -> float | None:
    """Retry-After as seconds from ``now``: either delta-seconds or an HTTP date; None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps: requests and urllib3 nest the real cause several levels deep."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending and len(seen) < 32:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(e for e in (current.__cause__, current.__context__, getattr(current, "reason", None),
                                   *current.args) if isinstance(e, BaseException))


def _network_error(exc: BaseException, url: str, timeout: float) -> FetchError:
    causes = list(_causes(exc))

    def caused_by(*types: type[BaseException]) -> bool:
        return any(isinstance(c, types) for c in causes)

    transient = True
    if caused_by(ssl.SSLError, requests.exceptions.SSLError):
        verify = next((c for c in causes if isinstance(c, ssl.SSLCertVerificationError)), None)
        message = (f"TLS certificate verification failed: {verify.verify_message}" if verify
                   else "TLS handshake failed")
        transient = False   # a bad certificate does not fix itself within a few retries
    elif caused_by(socket.gaierror, urllib3.exceptions.NameResolutionError):
        request = getattr(exc, "request", None)   # after a redirect, the host that failed is not url's
        message = f"could not resolve host {urlsplit(request.url if request else url).hostname}"
    elif caused_by(ConnectionRefusedError):
        message = "connection refused"
    elif caused_by(ConnectionResetError):
        message = "connection reset by the server"
    # Not urllib3's TimeoutError: its NewConnectionError (refused, unreachable) is one too.
    elif caused_by(TimeoutError, requests.Timeout, urllib3.exceptions.ReadTimeoutError):
        message = f"timed out after {timeout:g}s"
    elif caused_by(urllib3.exceptions.DecodeError, requests.exceptions.ContentDecodingError):
        message = "could not decompress the body (corrupt Content-Encoding)"
        transient = False
    elif caused_by(urllib3.exceptions.ProtocolError, requests.exceptions.ChunkedEncodingError):
        message = "connection closed before the whole body arrived"
    elif caused_by(requests.exceptions.InvalidURL, urllib3.exceptions.LocationParseError):
        message = "invalid URL"
        transient = False
    else:
        message = f"network error ({type(exc).__name__})"
    return FetchError(message, url=url, transient=transient)


def _format_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


# --------------------------------------------------------------------------- content type and decoding

_HTML_MARKER = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Labels browsers decode as a superset (WHATWG Encoding Standard); pages labelled latin-1 use cp1252's
# curly quotes and dashes, so decoding them as real latin-1 would garble exactly those.
_BROWSER_SUPERSETS = {"iso8859_1": "cp1252", "ascii": "cp1252", "iso8859_9": "cp1254", "tis_620": "cp874",
                      "gb2312": "gb18030", "gbk": "gb18030"}
# Real character encodings only: Python also has codecs such as "rot13", "idna" or "unicode_escape",
# and UTF-7 is a known way to smuggle markup past filters.
_TEXT_ENCODINGS = frozenset(IANA_SUPPORTED) - {"utf_7"}


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _looks_like_html(body: bytes) -> bool:
    return _HTML_MARKER.search(body[:_SNIFF_BYTES]) is not None


def _header_charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'")
    return None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    if match is None:
        return None
    return (match.group(1) or match.group(2)).decode("ascii")


def _known_encoding(label: str | None) -> str | None:
    """Python's name for a charset label, or None for an unknown or unsafe one."""
    if not label:
        return None
    try:
        name = codecs.lookup(label).name.replace("-", "_")
    except (LookupError, ValueError):   # ValueError: a NUL or a lone surrogate in the label
        return None
    name = _BROWSER_SUPERSETS.get(name, name)
    return codecs.lookup(name).name if name in _TEXT_ENCODINGS else None


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except UnicodeError:
        return False
    return True


def _mostly_utf8(body: bytes) -> bool:
    """Valid multi-byte UTF-8 characters outnumber invalid bytes: damaged UTF-8 rather than a legacy charset."""
    text = body.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - invalid > invalid


def _choose_encoding(body: bytes, content_type: str | None) -> str:
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return encoding
    # Non-ASCII bytes that form valid UTF-8 are UTF-8 whatever the label says: text in a legacy
    # charset almost never happens to be valid UTF-8, while UTF-8 pages served as latin-1 are common.
    if not body.isascii() and _decodes(body, "utf-8"):
        return "utf-8"
    declared = _known_encoding(_header_charset(content_type))
    meta = _known_encoding(_meta_charset(body))
    if meta and meta.startswith(("utf-16", "utf-32")):
        meta = "utf-8"   # a label read as ASCII cannot be right about UTF-16 (HTML spec rule)
    for candidate in (declared, meta):
        if candidate and _decodes(body, candidate):
            return candidate
    if body.isascii() or _mostly_utf8(body):
        return "utf-8"   # a stray bad byte in a UTF-8 page must not turn every accent into mojibake
    return _detect(body) or declared or meta or "utf-8"


def _detect(body: bytes) -> str | None:
    matches = charset_normalizer.from_bytes(body)
    best = matches.best()
    if best is None:
        return None
    # On mostly-English pages detection cannot tell the Western code pages apart (é or a curly quote
    # reads the same in several); when cp1252, the web's commonest legacy charset, explains the bytes
    # as well as the winner does, it is the likelier truth (São Tomé, not Săo Tomé).
    if any(m.chaos <= best.chaos and "cp1252" in m.could_be_from_charset for m in matches):
        return "cp1252"
    return _known_encoding(best.encoding)


def decode_body(body: bytes, content_type_header: str | None) -> tuple[str, str]:
    """Decode a page body: BOM, then the HTTP charset, then ``<meta charset>``, then detection.

    Labels are often wrong, so a label must decode the bytes cleanly to be believed, and non-ASCII bytes
    that are valid UTF-8 are taken as UTF-8 whatever the label. UTF-8 with a few bad bytes stays UTF-8
    (the bad bytes become U+FFFD); only bytes no clue explains go to detection. Never raises.
    Pure: the same body and header always give the same result, ``(text, encoding)`` with
    ``body.decode(encoding, "replace") == text``.
    """
    encoding = _choose_encoding(body, content_type_header)
    return body.decode(encoding, errors="replace"), encoding
