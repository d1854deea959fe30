"""Real receivers on 127.0.0.1 for the delivery tests: a webhook endpoint and SMTP servers.

The webhook receiver does what a user's receiver should: it checks ``X-Monitor-Signature`` with
``hmac.compare_digest`` over the raw body before trusting anything, and deduplicates by the alert id.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A port nothing listens on right now (for a receiver that is down, then comes up)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- webhook

@dataclass(frozen=True)
class WebhookCall:
    """One POST as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    def json(self) -> Any:
        return json.loads(self.body)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gives up (timeout) or closes a kept-alive connection is normal here, not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class WebhookReceiver:
    """A webhook endpoint. ``status`` is what it answers, ``delay`` how long it waits before answering.

    With a ``secret`` it verifies each request's signature and answers 401 when it does not match, as a
    real receiver must. ``events`` holds the verified alerts once each (deduplicated by ``X-Monitor-Event``),
    ``calls`` every request.
    """

    def __init__(self, secret: str | None = None, *, port: int = 0, status: int = 200,
                 headers: dict[str, str] | None = None) -> None:
        self.secret = secret
        self.status = status
        self.reply_headers: dict[str, str] = dict(headers or {})
        self.delay = 0.0
        self.calls: list[WebhookCall] = []
        self.events: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        receiver = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - the http.server naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = receiver.receive(self.path, dict(self.headers.items()), body)
                if receiver.delay:
                    receiver._stopping.wait(receiver.delay)
                answer = b"ok" if 200 <= status < 300 else f"error {status}".encode()
                try:
                    self.send_response(status)
                    for key, value in receiver.reply_headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass  # the client gave up waiting (the timeout test)

        self.httpd = _QuietServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def verify(self, headers: dict[str, str], body: bytes) -> bool:
        """The check a user's receiver does: HMAC-SHA256 of the raw body, compared in constant time."""
        if self.secret is None:
            return True
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        given = headers.get("X-Monitor-Signature", "")
        return hmac.compare_digest(expected.encode(), given.encode())

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> int:
        verified = self.verify(headers, body)
        with self._lock:
            self.calls.append(WebhookCall(path, headers, body, verified))
            if not verified:
                return 401
            if 200 <= self.status < 300:
                event_id = headers.get("X-Monitor-Event", "")
                self.events.setdefault(event_id, json.loads(body))
        return self.status

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


# --------------------------------------------------------------------------- SMTP

@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


class MailCollector:
    """An aiosmtpd handler keeping every message, parsed with the modern email policy."""

    def __init__(self) -> None:
        self.mails: list[ReceivedMail] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        raw = envelope.original_content or envelope.content
        raw = raw if isinstance(raw, bytes) else raw.encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.mails.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message, raw))
        return "250 Message accepted for delivery"


def password_checker(accounts: dict[str, str], collector: MailCollector) -> Callable[..., AuthResult]:
    """An aiosmtpd authenticator accepting exactly ``accounts`` (an empty dict refuses every login)."""

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode()
        ok = login in accounts and hmac.compare_digest(accounts[login].encode(), auth_data.password)
        if ok:
            collector.logins.append(login)
        return AuthResult(success=ok, handled=False)

    return authenticate


class SmtpServer:
    """A real SMTP server on 127.0.0.1 (a free port) collecting what it receives.

    ``accounts``: enable AUTH and accept these logins (``{}``: refuse every login). ``tls``: a
    (cert, key) pair; with ``implicit_tls`` the server speaks TLS from the first byte (security: ssl),
    otherwise it offers STARTTLS.
    """

    def __init__(self, *, accounts: dict[str, str] | None = None, tls: tuple[Path, Path] | None = None,
                 implicit_tls: bool = False) -> None:
        self.collector = MailCollector()
        self.port = free_port()
        kwargs: dict[str, Any] = {}
        if accounts is not None:
            kwargs.update(authenticator=password_checker(accounts, self.collector), auth_require_tls=False)
        ssl_context = None
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            if implicit_tls:
                ssl_context = context
            else:
                kwargs["tls_context"] = context
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port,
                                     ssl_context=ssl_context, **kwargs)

    @property
    def mails(self) -> list[ReceivedMail]:
        return self.collector.mails

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert.pem, key.pem), made with the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=30)
    return cert, key
