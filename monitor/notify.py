"""Alert delivery: the channels (webhook, email, Apprise) and the pass that empties the outbox.

Render, then send: the bodies come from :mod:`monitor.render` (the same renderer as the HTML report); a
transport only delivers. Delivery is at least once: an alert is marked delivered only after the channel
accepted it, so a process killed in between sends it again on the next run, with the same id
(``X-Monitor-Event`` header, ``id`` member, email ``Message-ID``) for receivers to deduplicate by.

Nothing secret leaves this module: error messages, logs and the outbox name a channel by its label
(``webhook https://host``) and never carry a webhook secret, an SMTP password, or a URL's path or query.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, ClassVar, NamedTuple
from urllib.parse import urlsplit

import requests

from . import __version__
from . import outbox as ob
from .config import AppriseChannel, Channel, Config, EmailChannel, WebhookChannel
from .errors import NotifyError, StoreError
from .models import Alert, BlockDiff
from .store import Store, crash_point

logger = logging.getLogger(__name__)

USER_AGENT = f"report-monitor/{__version__} (alert delivery)"
EVENT_HEADER = "X-Monitor-Event"
SIGNATURE_HEADER = "X-Monitor-Signature"
SUBJECT_PREFIX = "[monitor] "
MAX_SUBJECT_CHARS = 200
MAX_TEXT_CHARS = 20_000
MAX_HTML_CHARS = 100_000
# A digest bundles at most this many alerts per email; a longer backlog goes out in several emails.
MAX_DIGEST_ALERTS = 25
MAX_DIGEST_TEXT_CHARS = 60_000
MAX_DIGEST_HTML_CHARS = 300_000
# A Slack section's text is limited to 3000 characters.
MAX_SLACK_TEXT = 2800
# How much of a receiver's error answer is worth quoting (it is untrusted and may be a whole HTML page).
MAX_ANSWER_CHARS = 200
# A Retry-After longer than this is not honoured beyond the backoff's own maximum.
MAX_RETRY_AFTER = 3600.0
MESSAGE_ID_DOMAIN = "report-monitor.invalid"
APPRISE_HINT = "install the optional extra: pip install 'report-monitor[apprise]'"


# --------------------------------------------------------------------------- results

class DeliveryFailure(NamedTuple):
    """A failed attempt: the channel's label, the alert id and why (no secrets)."""

    channel: str
    alert_id: str
    error: str


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery pass did. ``failed`` counts deliveries given up in this pass (they stay listed
    in ``monitor outbox``); ``pending`` those still waiting for a retry after it."""

    delivered: int = 0
    failed: int = 0
    pending: int = 0
    failures: tuple[DeliveryFailure, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class ChannelTestResult:
    """The outcome of ``monitor notify-test`` for one channel."""

    label: str
    ok: bool
    detail: str


class DeliveryError(NotifyError):
    """One attempt failed. ``retry_after``: the receiver asked to wait this many seconds."""

    def __init__(self, message: str, *, channel: str | None = None, retryable: bool = True,
                 retry_after: float | None = None) -> None:
        super().__init__(message, channel=channel, retryable=retryable)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Outgoing:
    """An alert ready to send, with its findings diff when the channel shows one and it could be loaded."""

    alert: Alert
    diffs: tuple[BlockDiff, ...] | None = None

    @property
    def payload(self) -> Mapping[str, Any]:
        return self.alert.payload


# --------------------------------------------------------------------------- the channel registry

TRANSPORTS: dict[str, type[Transport]] = {}


class Transport:
    """Base of the channel types. A subclass registers itself under its ``type`` string (as written in the
    configuration's ``notify[].type``); its docstring is the help shown to users."""

    type: ClassVar[str]
    batches: bool = False       # True when several alerts go out as one message (email digest)
    needs_diffs: bool = False   # True when the body shows the findings diff (loaded from the store)

    def __init_subclass__(cls, *, type: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.type = type
        TRANSPORTS[type] = cls

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    @property
    def label(self) -> str:
        return self.channel.label

    @property
    def key(self) -> str:
        return channel_key(self.channel)

    @property
    def on(self) -> tuple[str, ...]:
        return self.channel.on

    def secrets(self) -> tuple[str, ...]:
        """Strings that must never appear in an error message or a log line."""
        return ()

    def send(self, items: Sequence[Outgoing]) -> None:
        """Deliver ``items`` (one, or a batch when ``batches``). Raises DeliveryError on any failure."""
        raise NotImplementedError

    def redact(self, text: str) -> str:
        for secret in sorted(self.secrets(), key=len, reverse=True):
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text


def transport_for(channel: Channel) -> Transport:
    try:
        cls = TRANSPORTS[channel.type]
    except KeyError:
        raise NotifyError(f"unknown channel type '{channel.type}'; known: {', '.join(sorted(TRANSPORTS))}",
                          retryable=False) from None
    return cls(channel)


def channel_key(channel: Channel) -> str:
    """A stable key of a channel's destination, for the outbox. A hash, because a webhook or Apprise URL may
    carry a token; the same destination keeps its key across restarts and unrelated configuration edits."""
    if isinstance(channel, WebhookChannel):
        identity = [channel.url.strip()]
    elif isinstance(channel, EmailChannel):
        identity = [channel.host.lower(), str(channel.port), *sorted(a.lower() for a in channel.to)]
    else:
        identity = sorted(channel.urls)
    digest = hashlib.sha256("\x1f".join([channel.type, *identity]).encode("utf-8")).hexdigest()[:16]
    return f"{channel.type}:{digest}"


def channel_help() -> dict[str, str]:
    """Each channel type with its one-paragraph help (the class docstring)."""
    return {name: " ".join((cls.__doc__ or "").split()) for name, cls in sorted(TRANSPORTS.items())}


# --------------------------------------------------------------------------- webhook

class _RedactingFilter(logging.Filter):
    """Hides channel secrets in third-party log lines: urllib3's debug lines quote a request's path and
    query, Apprise's may quote its URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            redacted = message
            for secret in sorted(self.secrets, key=len, reverse=True):
                redacted = redacted.replace(secret, "***")
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


_SECRETS_FILTER = _RedactingFilter()
for _name in ("urllib3.connectionpool", "apprise"):
    logging.getLogger(_name).addFilter(_SECRETS_FILTER)


class WebhookTransport(Transport, type="webhook"):
    """POSTs the alert as JSON (SPEC §6) to ``url``, with ``X-Monitor-Event: <alert id>`` and, when ``secret``
    is set, ``X-Monitor-Signature: sha256=<HMAC-SHA256 of the body>``. Only a 2xx answer counts as delivered;
    redirects are not followed. ``format: slack`` sends a Slack incoming-webhook message instead."""

    channel: WebhookChannel

    def __init__(self, channel: WebhookChannel) -> None:
        super().__init__(channel)
        _SECRETS_FILTER.secrets.update(s for s in self.secrets() if len(s) >= 4)

    @property
    def needs_diffs(self) -> bool:  # type: ignore[override]
        return self.channel.format == "slack"

    def secrets(self) -> tuple[str, ...]:
        parts = urlsplit(self.channel.url)
        # The path and query of a webhook URL are often its credential (Slack, Teams, Discord tokens).
        hidden = [self.channel.url, self.channel.secret or "", parts.password or "", parts.query]
        if len(parts.path) > 1:
            hidden.append(parts.path)
        return tuple(s for s in hidden if s)

    def send(self, items: Sequence[Outgoing]) -> None:
        for item in items:
            self._post(item)

    def body(self, item: Outgoing) -> bytes:
        if self.channel.format == "slack":
            message = slack_message(item)
        else:
            message = dict(item.payload)
        return json.dumps(message, ensure_ascii=False).encode("utf-8")

    def headers(self, item: Outgoing, body: bytes) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, EVENT_HEADER: item.alert.id}
        if self.channel.secret:
            headers[SIGNATURE_HEADER] = "sha256=" + sign(self.channel.secret, body)
        return headers

    def _post(self, item: Outgoing) -> None:
        body = self.body(item)
        timeout = self.channel.timeout
        try:
            # stream=True: only the start of an error answer is read; a receiver cannot make us download much.
            response = requests.post(self.channel.url, data=body, headers=self.headers(item, body),
                                     timeout=timeout, allow_redirects=False, stream=True, verify=True)
        except requests.Timeout:
            raise DeliveryError(f"no answer within {timeout:g}s") from None
        except requests.exceptions.SSLError as exc:
            raise DeliveryError(self.redact(f"TLS error: {_network_reason(exc)}")) from None
        except requests.ConnectionError as exc:
            raise DeliveryError(self.redact(f"cannot connect: {_network_reason(exc)}")) from None
        except requests.RequestException as exc:
            raise DeliveryError(f"request failed ({type(exc).__name__})") from None
        with response:
            status = response.status_code
            if 200 <= status < 300:
                logger.debug("alert %s delivered to %s (HTTP %s)", item.alert.id, self.label, status)
                return
            answer = self._answer_start(response)
            raise DeliveryError(self._status_message(response, answer),
                                retry_after=_retry_after(response.headers.get("Retry-After")))

    def _answer_start(self, response: requests.Response) -> str:
        try:
            raw = next(response.iter_content(MAX_ANSWER_CHARS * 4), b"")
        except (requests.RequestException, OSError):
            return ""
        return clean_line(raw.decode("utf-8", "replace"), MAX_ANSWER_CHARS)

    def _status_message(self, response: requests.Response, answer: str) -> str:
        status = response.status_code
        reason = clean_line(response.reason or "", 60)
        if 300 <= status < 400:
            target = urlsplit(response.headers.get("Location") or "")
            where = f" to {target.scheme}://{target.hostname}" if target.scheme and target.hostname else ""
            message = (f"HTTP {status} {reason}: the receiver redirects{where}; redirects are not followed, "
                       "configure the final URL")
        else:
            message = f"HTTP {status} {reason}".rstrip()
            if answer:
                message += f": {answer}"
        return self.redact(message)


def sign(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``body`` with ``secret``: what ``X-Monitor-Signature`` carries after ``sha256=``."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def slack_message(item: Outgoing) -> dict[str, Any]:
    """A Slack incoming-webhook message: the summary as ``text`` (notifications) plus blocks with the body.

    Everything is escaped for Slack's mrkdwn (``&``, ``<``, ``>``), so that page text can neither ping
    ``<!channel>`` nor forge a link.
    """
    from .render import render_alert_text, safe_url

    payload = item.payload
    summary = _slack_escape(clean_line(str(payload.get("summary") or "report monitor alert"), 500))
    source = payload.get("source") if isinstance(payload.get("source"), Mapping) else {}
    assert isinstance(source, Mapping)
    name = _slack_escape(clean_line(str(source.get("name") or source.get("id") or ""), 200))
    url = safe_url(source.get("url"))
    text = render_alert_text(payload, item.diffs, max_chars=MAX_SLACK_TEXT)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{summary}*"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(text)[:2990]}},
    ]
    context = f"alert `{_slack_escape(item.alert.id)}`"
    if url:
        link = url.replace("|", "%7C").replace(">", "%3E")
        context = f"<{link}|{name or 'source'}> · {context}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return {"text": summary, "blocks": blocks}


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- email

class EmailTransport(Transport, type="email"):
    """Sends a multipart text + HTML email through SMTP (``security``: starttls, ssl or none; optional
    ``username``/``password`` login). The subject is ``[monitor] <summary>``; the body shows the tier change
    and the findings diff by section. ``digest: true`` sends one email per pass for all its alerts."""

    channel: EmailChannel
    needs_diffs = True

    @property
    def batches(self) -> bool:  # type: ignore[override]
        return self.channel.digest

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.channel.password,) if s)

    def send(self, items: Sequence[Outgoing]) -> None:
        if self.channel.digest:
            self.send_message(render_digest(items))
        else:
            for item in items:
                self.send_message(render_email(item.alert, item.diffs))

    def send_message(self, message: EmailMessage) -> None:
        c = self.channel
        del message["From"], message["To"]
        message["From"] = c.from_addr
        message["To"] = ", ".join(c.to)
        where = f"{c.host}:{c.port}"
        try:
            with self._connect() as smtp:
                if c.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if c.username:
                    if c.security == "none":
                        logger.warning("%s: logging in without TLS (security: none) sends the password in clear",
                                       self.label)
                    smtp.login(c.username, c.password or "")
                refused = smtp.send_message(message, from_addr=c.from_addr, to_addrs=list(c.to))
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(self.redact(f"login as {c.username} refused by {where} ({_smtp_reply(exc)}); "
                                            "check the username and password")) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(self.redact(f"{where}: {_not_supported(exc, c.security)}")) from None
        except smtplib.SMTPRecipientsRefused as exc:
            refused_all = ", ".join(sorted(exc.recipients))
            raise DeliveryError(f"{where} refused every recipient ({refused_all})") from None
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError(f"{where} refused the sender {c.from_addr} ({_smtp_reply(exc)})") from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(self.redact(f"{where} answered {_smtp_reply(exc)}")) from None
        except smtplib.SMTPServerDisconnected:
            raise DeliveryError(f"{where} closed the connection") from None
        except ssl.SSLError as exc:
            raise DeliveryError(self.redact(f"TLS error with {where}: {_network_reason(exc)}")) from None
        except TimeoutError:
            raise DeliveryError(f"no answer from {where} within {c.timeout:g}s") from None
        except smtplib.SMTPException as exc:
            raise DeliveryError(self.redact(f"{where}: {clean_line(str(exc), 200)}")) from None
        except OSError as exc:
            raise DeliveryError(f"cannot connect to {where}: {_network_reason(exc)}") from None
        if refused:
            # Some recipients took it: sending again would duplicate it for them, so it counts as delivered.
            logger.warning("%s: the server refused %s of the recipients: %s", self.label, len(refused),
                           ", ".join(sorted(refused)))

    def _connect(self) -> smtplib.SMTP:
        c = self.channel
        if c.security == "ssl":
            return smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=ssl.create_default_context())
        return smtplib.SMTP(c.host, c.port, timeout=c.timeout)


def render_email(alert: Alert, diffs: Sequence[BlockDiff] | None) -> EmailMessage:
    """The email for one alert: subject, stable Message-ID, text and HTML parts. From/To are set by the
    channel (they come from the configuration only)."""
    from .render import render_alert_html, render_alert_text

    message = _new_message(email_subject(alert.payload.get("summary")), [alert])
    message.set_content(render_alert_text(alert.payload, diffs, max_chars=MAX_TEXT_CHARS))
    message.add_alternative(render_alert_html(alert.payload, diffs, max_chars=MAX_HTML_CHARS), subtype="html")
    return message


def render_digest(items: Sequence[Outgoing]) -> EmailMessage:
    """One email for several alerts: their text bodies one after another, and their HTML bodies likewise."""
    from .render import render_alert_html, render_alert_text

    if len(items) == 1:
        return render_email(items[0].alert, items[0].diffs)
    alerts = [i.alert for i in items]
    first = clean_line(str(alerts[0].payload.get("summary") or ""), MAX_SUBJECT_CHARS)
    message = _new_message(email_subject(f"{len(items)} alerts: {first}"), alerts)
    text_budget = max(MAX_DIGEST_TEXT_CHARS // len(items), 2000)
    html_budget = max(MAX_DIGEST_HTML_CHARS // len(items), 10_000)
    texts = [render_alert_text(i.payload, i.diffs, max_chars=text_budget) for i in items]
    rule = "\n" + "-" * 72 + "\n\n"
    message.set_content(f"{len(items)} alerts\n\n" + rule.join(texts))
    bodies = [_html_body(render_alert_html(i.payload, i.diffs, max_chars=html_budget)) for i in items]
    html = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            "</head>\n<body>\n" + "\n<hr style=\"border:0;border-top:3px double #999;margin:28px 0;\">\n".join(bodies)
            + "\n</body></html>\n")
    message.add_alternative(html, subtype="html")
    return message


def _html_body(document: str) -> str:
    """The content of a rendered alert's ``<body>`` (the renderer writes one whole document per alert)."""
    start = document.find("<body")
    end = document.rfind("</body>")
    if start < 0 or end < 0:
        return document
    return "<div" + document[start + len("<body"):end] + "</div>"


def _new_message(subject: str, alerts: Sequence[Alert]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    ids = [a.id for a in alerts]
    # A stable Message-ID: a re-sent alert is recognisably the same message (mail clients drop duplicates).
    token = ids[0] if len(ids) == 1 else hashlib.sha256("\x1f".join(ids).encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{token}@{MESSAGE_ID_DOMAIN}>"
    message["Date"] = format_datetime(max(a.created_at for a in alerts))
    for alert_id in ids:  # one header per alert: a receiver deduplicates by each
        message[EVENT_HEADER] = alert_id
    message["Auto-Submitted"] = "auto-generated"
    return message


def email_subject(summary: object) -> str:
    """``[monitor] <summary>``: one line, no control characters, at most MAX_SUBJECT_CHARS."""
    text = clean_line(str(summary or "alert"), MAX_SUBJECT_CHARS - len(SUBJECT_PREFIX))
    return SUBJECT_PREFIX + (text or "alert")


def clean_line(text: str, limit: int) -> str:
    """``text`` as one line: control, format and separator characters (CR, LF, NUL, bidi overrides, U+2028)
    become spaces, runs of spaces collapse, and it is cut to ``limit`` characters."""
    chars = (" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    line = " ".join("".join(chars).split())
    return line if len(line) <= limit else line[:max(limit - 1, 0)].rstrip() + "…"


def _smtp_reply(exc: smtplib.SMTPResponseException) -> str:
    message = exc.smtp_error
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{exc.smtp_code} {clean_line(text, MAX_ANSWER_CHARS)}".strip()


def _not_supported(exc: smtplib.SMTPNotSupportedError, security: str) -> str:
    text = str(exc)
    if "STARTTLS" in text.upper():
        return "the server does not offer STARTTLS; set security: ssl (port 465) or none"
    if "AUTH" in text.upper():
        return "the server does not offer login (AUTH); remove username/password or use TLS"
    return clean_line(text, 200)


# --------------------------------------------------------------------------- apprise

class AppriseTransport(Transport, type="apprise"):
    """Sends the alert's text body through Apprise ``urls`` (Slack, Teams, Telegram, Matrix, Discord and
    many more). Needs the optional extra: ``pip install 'report-monitor[apprise]'``."""

    channel: AppriseChannel
    needs_diffs = True

    def __init__(self, channel: AppriseChannel) -> None:
        super().__init__(channel)
        _SECRETS_FILTER.secrets.update(u for u in channel.urls if len(u) >= 4)

    def secrets(self) -> tuple[str, ...]:
        return tuple(self.channel.urls)

    def send(self, items: Sequence[Outgoing]) -> None:
        from .render import render_alert_text

        apprise = _import_apprise()
        notifier = apprise.Apprise()
        for i, url in enumerate(self.channel.urls):
            if not notifier.add(url):
                # Never quote the URL: it carries the service's token.
                raise DeliveryError(f"Apprise URL #{i + 1} is not valid or its service is not supported",
                                    retryable=False)
        for item in items:
            title = email_subject(item.payload.get("summary"))
            body = render_alert_text(item.payload, item.diffs, max_chars=MAX_TEXT_CHARS)
            if not notifier.notify(title=title, body=body):
                raise DeliveryError("Apprise could not deliver to at least one of its URLs "
                                    "(run with --log-level debug to see Apprise's own messages)")


def _import_apprise() -> Any:
    try:
        import apprise  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise DeliveryError(f"the apprise channel needs the Apprise library: {APPRISE_HINT}",
                            retryable=False) from None
    return apprise


# --------------------------------------------------------------------------- the delivery pass

@dataclass
class _Tally:
    delivered: int = 0
    failed: int = 0
    failures: list[DeliveryFailure] = field(default_factory=list)


def deliver_pending(store: Store, config: Config, now: datetime) -> DeliveryReport:
    """Send what waits in the outbox through every configured channel whose ``on`` matches the alert.

    Per channel and source, alerts go in the order they were detected: one not yet due (backing off) or
    failing holds back the later alerts of that source on that channel only. A failed attempt backs off
    (1 min doubling to 1 h); past ``alerts.give_up_after`` the delivery is marked failed and stays listed.
    One channel or source failing never stops the others.
    """
    transports = _transports(config.notify)
    if not transports:
        return DeliveryReport(pending=0)
    refs = [ob.ChannelRef(t.key, t.label, t.on) for t in transports]
    give_up = config.alerts.give_up_after
    tally = _Tally()
    with ob.delivery_lock(store):
        ob.ensure_deliveries(store, refs, now, give_up)
        diffs = _DiffCache(store)
        for transport in transports:
            _deliver_channel(store, transport, now, give_up, diffs, tally)
        pending = ob.count_by_status(store, [t.key for t in transports])["pending"]
    report = DeliveryReport(delivered=tally.delivered, failed=tally.failed, pending=pending,
                            failures=tuple(tally.failures))
    if report.delivered or report.failures:
        logger.info("delivery: %s delivered, %s failed attempts, %s given up, %s pending", report.delivered,
                    len(report.failures), report.failed, report.pending)
    return report


def _transports(channels: Iterable[Channel]) -> list[Transport]:
    transports: list[Transport] = []
    seen: set[str] = set()
    for channel in channels:
        transport = transport_for(channel)
        if transport.key in seen:
            logger.warning("%s is configured twice; it receives each alert once", transport.label)
            continue
        seen.add(transport.key)
        transports.append(transport)
    return transports


def _deliver_channel(store: Store, transport: Transport, now: datetime, give_up: float, diffs: _DiffCache,
                     tally: _Tally) -> None:
    groups = ob.pending_by_source(store, transport.key)
    batches: list[list[ob.DeliveryRow]]
    if transport.batches:
        # Digest: every due alert of the pass, in detection order, a bounded number per message.
        rows = sorted((r for g in groups.values() for r in ob.sendable(g, now)), key=lambda r: r.seq)
        batches = [rows[i:i + MAX_DIGEST_ALERTS] for i in range(0, len(rows), MAX_DIGEST_ALERTS)]
    else:
        # One source at a time, in order; a failure ends that source's turn (order is kept), not the channel's.
        batches = [[row] for group in groups.values() for row in ob.sendable(group, now)]
    stopped: set[str] = set()
    for batch in batches:
        if stopped and (transport.batches or batch[0].source_id in stopped):
            # Sending it would overtake an alert that just failed: a later digest, or a source's later alert.
            continue
        items = [Outgoing(r.alert, diffs.get(r.alert) if transport.needs_diffs else None) for r in batch]
        try:
            transport.send(items)
        except Exception as exc:  # one channel's failure, whatever it is, stays local
            error = _failure_text(transport, exc)
            for row in batch:
                tally.failures.append(DeliveryFailure(transport.label, row.alert_id, error))
                status = ob.mark_failed_attempt(store, row, now, error, give_up, min_delay=_min_delay(exc))
                if status == "failed":
                    tally.failed += 1
                    logger.error("%s: gave up delivering alert %s: %s", transport.label, row.alert_id, error)
                else:
                    logger.warning("%s: alert %s not delivered (will retry): %s", transport.label, row.alert_id,
                                   error)
                stopped.add(row.source_id)
            continue
        crash_point("after-delivery-before-mark")
        ob.mark_delivered(store, [r.alert_id for r in batch], transport.key, now)
        tally.delivered += len(batch)


def _failure_text(transport: Transport, exc: Exception) -> str:
    if isinstance(exc, NotifyError):
        return transport.redact(str(exc))
    # A bug, not a channel problem: a short redacted line in the outbox and the log, the traceback at debug
    # level only (an exception's own text is not guaranteed to be free of secrets).
    text = transport.redact(f"internal error: {type(exc).__name__}: {clean_line(str(exc), 200)}")
    logger.error("%s: %s", transport.label, text)
    logger.debug("%s: traceback of the internal error", transport.label, exc_info=exc)
    return text


def _min_delay(exc: Exception) -> timedelta | None:
    if isinstance(exc, DeliveryError) and exc.retry_after:
        return timedelta(seconds=min(exc.retry_after, MAX_RETRY_AFTER))
    if isinstance(exc, NotifyError) and not exc.retryable:
        # A configuration problem (a missing extra, an invalid URL): retrying every minute would not help.
        return ob.BACKOFF_MAX
    return None


class _DiffCache:
    """Findings diffs of change alerts, computed once per pass from the two stored versions."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, tuple[BlockDiff, ...] | None] = {}

    def get(self, alert: Alert) -> tuple[BlockDiff, ...] | None:
        if alert.id not in self._cache:
            self._cache[alert.id] = load_diffs(self.store, alert)
        return self._cache[alert.id]


def load_diffs(store: Store, alert: Alert) -> tuple[BlockDiff, ...] | None:
    """The block diff between the two versions a change alert names; None when it is not a change alert or a
    version is gone (the body then shows the payload's sentences)."""
    from .compare import diff_blocks

    versions = alert.payload.get("versions")
    if alert.type != "change" or not isinstance(versions, Mapping):
        return None
    old_id, new_id = versions.get("old"), versions.get("new")
    if not isinstance(old_id, str) or not isinstance(new_id, str):
        return None
    old, new = store.version(alert.source_id, old_id), store.version(alert.source_id, new_id)
    if old is None or new is None:
        return None
    try:
        old_doc, new_doc = store.load_document(old), store.load_document(new)
    except StoreError as exc:
        logger.warning("alert %s: %s; the body shows the summary only", alert.id, exc)
        return None
    return tuple(diff_blocks(old_doc.blocks, new_doc.blocks))


# --------------------------------------------------------------------------- notify-test

def send_test(config: Config, now: datetime) -> list[ChannelTestResult]:
    """Send a test alert through every configured channel; one result per channel (nothing is stored)."""
    from .alerts import build_test_alert

    alert = build_test_alert(now)
    results = []
    for channel in config.notify:
        transport = transport_for(channel)
        try:
            transport.send([Outgoing(alert)])
        except Exception as exc:  # every channel gets its line, whatever failed
            results.append(ChannelTestResult(transport.label, False, _failure_text(transport, exc)))
        else:
            results.append(ChannelTestResult(transport.label, True, "delivered"))
    return results


# --------------------------------------------------------------------------- helpers

def _network_reason(exc: BaseException) -> str:
    """The innermost readable reason of a network error (``Connection refused``, ``certificate verify
    failed: ...``), without the URL that requests and urllib3 put into their own messages."""
    current: BaseException | None = exc
    for _ in range(8):
        if current is None:
            break
        if isinstance(current, ssl.SSLCertVerificationError):
            return f"certificate verify failed: {current.verify_message}"
        if isinstance(current, OSError) and not isinstance(current, requests.RequestException) \
                and current.strerror and "://" not in current.strerror:
            return clean_line(current.strerror, 200)
        nested = getattr(current, "reason", None)
        if not isinstance(nested, BaseException):
            nested = next((a for a in current.args if isinstance(a, BaseException)), None)
        current = nested or current.__cause__ or current.__context__
    return type(exc).__name__


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(float(value.strip()), 0.0)
    except ValueError:
        return None  # an HTTP date: rare for webhooks; the backoff decides
