"""Shared fixtures: a real threaded HTTP server on 127.0.0.1 whose answers a test sets per path."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


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
                try:
                    for chunk in chunks:
                        if chunk:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True   # the client hung up mid-body (e.g. a size cap): expected

            do_GET = do_POST = do_HEAD = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

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
