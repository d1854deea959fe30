"""Shared fixtures: a real threaded HTTP server on 127.0.0.1 whose answers a test sets per path."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from monitor.cpus import allowed_cpus

# Confining threads to CPUs needs Linux and a machine with two CPUs or more (CI's has two).
needs_two_cpus = pytest.mark.skipif(len(allowed_cpus()) < 2, reason="needs two CPUs or more (Linux)")


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Iterable[bytes] = b""   # an iterable is sent lazily, chunk by chunk (chunked encoding)
    headers: dict[str, str] = field(default_factory=dict)

    def as_bytes(self) -> bytes:
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return self.body if isinstance(self.body, bytes) else b"".join(self.body)


Handler = Callable[["RecordedRequest"], Reply]


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-answer (a timeout, a size cap) is what some tests provoke: no traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """A real HTTP server on a free loopback port. ``routes[path]`` is a Reply or a callable returning one."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Handler] = {}
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = RecordedRequest(self.command, self.path, {k: v for k, v in self.headers.items()}, body)
                with server._lock:
                    server.requests.append(req)
                route = server.routes.get(self.path.split("?", 1)[0])
                reply = Reply(404, b"not found") if route is None else (
                    route(req) if callable(route) else route)
                streamed = not isinstance(reply.body, (bytes, str))
                data = b"" if streamed else reply.as_bytes()
                self.send_response(reply.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **reply.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                if streamed:
                    self.send_header("Transfer-Encoding", "chunked")
                elif reply.status != 304 and "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD" and reply.status != 304:
                    if isinstance(reply.body, (bytes, str)):
                        self.wfile.write(data)
                    else:
                        self._write_chunks(reply.body)

            def _write_chunks(self, chunks: Iterable[bytes]) -> None:
                for chunk in chunks:
                    if chunk:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")

            do_GET = do_POST = do_HEAD = _serve

        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        # A short poll interval: stop() waits for it, and every test using the fixture pays that wait.
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    yield server
    server.stop()


# --------------------------------------------------------------------------- alert receivers (tests/receivers.py)

@pytest.fixture
def start_webhook() -> Iterator[Callable[..., Any]]:
    """Start real webhook receivers (``start_webhook(secret=..., port=...)``); all stopped at teardown."""
    from tests.receivers import WebhookReceiver

    started: list[WebhookReceiver] = []

    def start(secret: str | None = None, **kwargs: Any) -> WebhookReceiver:
        receiver = WebhookReceiver(secret, **kwargs).start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def start_smtp() -> Iterator[Callable[..., Any]]:
    """Start real SMTP servers (``start_smtp(accounts=..., tls=...)``); all stopped at teardown."""
    from tests.receivers import SmtpServer

    started: list[SmtpServer] = []

    def start(**kwargs: Any) -> SmtpServer:
        server = SmtpServer(**kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    """A self-signed (cert, key) for 127.0.0.1; trust it in a test with SSL_CERT_FILE / REQUESTS_CA_BUNDLE."""
    from tests.receivers import make_certificate

    return make_certificate(tmp_path_factory.mktemp("tls"))
