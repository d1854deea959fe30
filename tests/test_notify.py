"""Alert delivery through real channels on 127.0.0.1: a webhook receiver that verifies the signature as a
user's would, and aiosmtpd SMTP servers; faults (down, 5xx, 404, timeouts, refused logins, untrusted TLS)
and hostile page text."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from monitor import notify
from monitor import outbox as ob
from monitor.alerts import build_change_alert, build_error_alert
from monitor.compare import compare, summarize
from monitor.config import AlertOptions, AppriseChannel, Channel, Config, EmailChannel, WebhookChannel, load_config
from monitor.models import Alert, Block, Document, Source, Version
from monitor.store import NewVersion, SourceState, Store, make_version_id
from tests.receivers import SmtpServer, WebhookReceiver, free_port

T0 = datetime(2026, 11, 28, 6, 0, 3, tzinfo=UTC)
SECRET = "whsec-3f9a7c2e-never-log-me"
PASSWORD = "smtp-pa55word-never-log-me"

KHM = Source(id="khm", url="https://www.state.gov/reports/2024-trafficking-in-persons-report/cambodia/",
             name="Cambodia (TIP)")
THA = Source(id="tha", url="https://www.state.gov/reports/2024-trafficking-in-persons-report/thailand/",
             name="Thailand (TIP)")

OLD_DOC = Document(
    fields={"country": "Cambodia", "tier": "Tier 2 Watch List"},
    blocks=(Block("heading", "Cambodia (Tier 2 Watch List)"),
            Block("paragraph", "The government convicted 12 traffickers.", "Prosecution"),
            Block("paragraph", "Officials referred victims to shelters.", "Protection")))
NEW_DOC = Document(
    fields={"country": "Cambodia", "tier": "Tier 3"},
    blocks=(Block("heading", "Cambodia (Tier 3)"),
            Block("paragraph", "The government convicted 3 traffickers.", "Prosecution"),
            Block("paragraph", "Officials referred victims to shelters.", "Protection"),
            Block("paragraph", "Complicity by officials remained a concern.", "Protection")))


# --------------------------------------------------------------------------- helpers

@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "snapshots") as s:
        yield s


def make_config(tmp_path: Path, *channels: Channel, give_up_after: float = 2 * 86400) -> Config:
    return Config(path=tmp_path / "config.yaml", storage=tmp_path / "snapshots", sources=(KHM, THA),
                  notify=channels, alerts=AlertOptions(give_up_after=give_up_after))


def commit(store: Store, source: Source, doc: Document, at: datetime, alert_for: Version | None = None,
           old_doc: Document | None = None) -> tuple[Version, Alert | None]:
    """Store ``doc`` as a new version, with the change alert against ``alert_for`` as the runner does."""
    vid = store.unique_version_id(source.id, make_version_id(at, doc.content_hash))
    alert = None
    kinds: tuple[str, ...] = ()
    summary = "baseline"
    if alert_for is not None and old_doc is not None:
        change = compare(old_doc, doc)
        assert change is not None
        summary = summarize(change, doc.country or source.display_name)
        kinds = change.kinds
        alert = build_change_alert(source, change, summary, alert_for.id, vid, at)
    version = Version(source_id=source.id, id=vid, created_at=at, content_hash=doc.content_hash,
                      body_hash="b" * 64, tier=doc.tier, kinds=kinds, summary=summary, encoding="utf-8",
                      content_type="text/html", rules_fingerprint="f" * 16, final_url=source.url)
    store.commit_version(NewVersion(version, doc, b"<html>raw</html>"), SourceState(source.id), [alert])
    return version, alert


def queue_change(store: Store, source: Source = KHM, at: datetime = T0, old: Document = OLD_DOC,
                 new: Document = NEW_DOC) -> Alert:
    base, _ = commit(store, source, old, at - timedelta(days=1))
    _, alert = commit(store, source, new, at, alert_for=base, old_doc=old)
    assert alert is not None
    return alert


def statuses(store: Store) -> list[tuple[str, str, int]]:
    return [(r.alert_id, r.status, r.attempts) for r in ob.list_deliveries(store)]


def webhook(receiver: WebhookReceiver, **kwargs: Any) -> WebhookChannel:
    return WebhookChannel(url=receiver.url(), **kwargs)


def mail_channel(server: SmtpServer, **kwargs: Any) -> EmailChannel:
    values: dict[str, Any] = {"host": "127.0.0.1", "port": server.port, "security": "none",
                              "from_addr": "monitor@example.org", "to": ("analyst@example.org",),
                              "timeout": 5.0}
    values.update(kwargs)
    return EmailChannel(**values)


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


# --------------------------------------------------------------------------- webhook

def test_webhook_gets_the_stored_body_signed_and_exactly_once(tmp_path: Path, store: Store,
                                                              start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook(SECRET)
    config = make_config(tmp_path, webhook(receiver, secret=SECRET))
    alert = queue_change(store)

    report = notify.deliver_pending(store, config, T0 + timedelta(seconds=1))

    assert (report.delivered, report.failed, report.pending, report.failures) == (1, 0, 0, ())
    (call,) = receiver.calls
    assert call.verified  # the receiver's own hmac.compare_digest check passed
    (stored,) = store.alerts()
    assert call.json() == stored.payload == alert.payload  # the SPEC §6 body, as stored
    body = call.json()
    assert body["type"] == "change" and body["kinds"] == ["tier", "findings"]
    assert body["tier"] == {"old": "Tier 2 Watch List", "new": "Tier 3", "direction": "downgrade"}
    assert body["source"] == {"id": "khm", "name": "Cambodia (TIP)", "url": KHM.url}
    assert call.headers["Content-Type"] == "application/json"
    assert call.headers["X-Monitor-Event"] == alert.id == body["id"]
    assert call.headers["User-Agent"].startswith("report-monitor/")
    assert statuses(store) == [(alert.id, "delivered", 1)]

    again = notify.deliver_pending(store, config, T0 + timedelta(hours=1))
    assert (again.delivered, again.pending, len(receiver.calls)) == (0, 0, 1)


def test_webhook_without_secret_sends_no_signature(tmp_path: Path, store: Store,
                                                   start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook()
    queue_change(store)
    notify.deliver_pending(store, make_config(tmp_path, webhook(receiver)), T0)
    (call,) = receiver.calls
    assert "X-Monitor-Signature" not in call.headers


def test_a_wrong_secret_is_rejected_by_the_receiver_and_never_counts_as_delivered(
        tmp_path: Path, store: Store, start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook(SECRET)
    alert = queue_change(store)
    report = notify.deliver_pending(store, make_config(tmp_path, webhook(receiver, secret="not-the-secret")), T0)
    assert receiver.events == {} and report.failures[0].error.startswith("HTTP 401")
    assert statuses(store) == [(alert.id, "pending", 1)]


def test_receiver_down_then_up_gets_the_alert_once_later_with_the_same_id(
        tmp_path: Path, store: Store, start_webhook: Callable[..., WebhookReceiver]) -> None:
    port = free_port()
    config = make_config(tmp_path, WebhookChannel(url=f"http://127.0.0.1:{port}/hook", secret=SECRET))
    alert = queue_change(store)

    down = notify.deliver_pending(store, config, T0)
    assert (down.delivered, down.pending) == (0, 1)
    (failure,) = down.failures
    assert failure.alert_id == alert.id and failure.channel == f"webhook http://127.0.0.1:{port}"
    assert "cannot connect" in failure.error and "Connection refused" in failure.error

    # Still backing off: nothing is attempted before the minute is up.
    assert notify.deliver_pending(store, config, T0 + timedelta(seconds=30)).failures == ()

    receiver = start_webhook(SECRET, port=port)
    up = notify.deliver_pending(store, config, T0 + timedelta(minutes=1))
    assert (up.delivered, up.pending, up.failures) == (1, 0, ())
    assert list(receiver.events) == [alert.id] and len(receiver.calls) == 1
    assert statuses(store) == [(alert.id, "delivered", 2)]


@pytest.mark.parametrize("status", [500, 404, 302])
def test_an_error_answer_is_retried_and_never_marked_delivered(
        status: int, tmp_path: Path, store: Store, start_webhook: Callable[..., WebhookReceiver]) -> None:
    target = start_webhook()
    receiver = start_webhook(SECRET, status=status, headers={"Location": target.url("/elsewhere?token=x")})
    config = make_config(tmp_path, webhook(receiver, secret=SECRET))
    alert = queue_change(store)

    first = notify.deliver_pending(store, config, T0)
    second = notify.deliver_pending(store, config, T0 + timedelta(minutes=1))
    third = notify.deliver_pending(store, config, T0 + timedelta(minutes=2))  # backing off: 2 min now

    assert [r.delivered for r in (first, second, third)] == [0, 0, 0]
    assert len(receiver.calls) == 2 and all(c.verified for c in receiver.calls)
    assert first.failures[0].error.startswith(f"HTTP {status}")
    assert statuses(store) == [(alert.id, "pending", 2)]
    (row,) = ob.list_deliveries(store)
    assert row.next_attempt == T0 + timedelta(minutes=1) + timedelta(minutes=2)
    assert target.calls == []  # a redirect is not followed
    if status == 302:
        assert "redirects are not followed" in first.failures[0].error and "token" not in first.failures[0].error


def test_no_answer_within_the_timeout_is_a_failed_attempt(tmp_path: Path, store: Store,
                                                          start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook()
    receiver.delay = 3.0
    alert = queue_change(store)
    report = notify.deliver_pending(store, make_config(tmp_path, webhook(receiver, timeout=0.3)), T0)
    assert report.delivered == 0 and report.failures[0].error == "no answer within 0.3s"
    assert statuses(store) == [(alert.id, "pending", 1)]


def test_retry_after_from_the_receiver_is_honoured(tmp_path: Path, store: Store,
                                                   start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook(status=429, headers={"Retry-After": "600"})
    queue_change(store)
    notify.deliver_pending(store, make_config(tmp_path, webhook(receiver)), T0)
    (row,) = ob.list_deliveries(store)
    assert row.next_attempt == T0 + timedelta(minutes=10)


def test_after_give_up_age_the_delivery_is_failed_visible_and_retryable(
        tmp_path: Path, store: Store, start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook(status=503)
    config = make_config(tmp_path, webhook(receiver), give_up_after=3600)
    alert = queue_change(store)

    assert notify.deliver_pending(store, config, T0).failed == 0
    late = notify.deliver_pending(store, config, T0 + timedelta(hours=1))
    assert (late.failed, late.pending) == (1, 0)
    (row,) = ob.list_deliveries(store, "failed")
    assert row.alert_id == alert.id and row.last_error and row.last_error.startswith("HTTP 503")
    assert notify.deliver_pending(store, config, T0 + timedelta(hours=2)).failures == ()  # given up: no attempt

    receiver.status = 200
    assert ob.retry_failed(store, T0 + timedelta(hours=3)) == 1
    retried = notify.deliver_pending(store, config, T0 + timedelta(hours=3))
    assert retried.delivered == 1 and list(receiver.events) == [alert.id]


def test_order_per_source_is_kept_and_other_sources_are_not_held_back(
        tmp_path: Path, store: Store, start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook(status=500)
    config = make_config(tmp_path, webhook(receiver))
    first = queue_change(store, KHM, T0)
    third_doc = replace(NEW_DOC, fields={"country": "Cambodia", "tier": "Tier 2 Watch List"})
    latest = store.latest_version("khm")
    assert latest is not None
    _, second = commit(store, KHM, third_doc, T0 + timedelta(seconds=5), alert_for=latest, old_doc=NEW_DOC)
    assert second is not None
    other = queue_change(store, THA, T0 + timedelta(seconds=6))

    down = notify.deliver_pending(store, config, T0 + timedelta(seconds=10))
    # khm's second alert waits behind its first; tha is still tried.
    assert sorted(c.headers["X-Monitor-Event"] for c in receiver.calls) == sorted([first.id, other.id])
    assert {f.alert_id for f in down.failures} == {first.id, other.id}

    receiver.status = 200
    up = notify.deliver_pending(store, config, T0 + timedelta(minutes=2))
    assert up.delivered == 3
    khm_order = [c.headers["X-Monitor-Event"] for c in receiver.calls[2:]
                 if c.json()["source"]["id"] == "khm"]
    assert khm_order == [first.id, second.id]


def test_one_channel_failing_never_blocks_another(tmp_path: Path, store: Store,
                                                  start_webhook: Callable[..., WebhookReceiver]) -> None:
    good = start_webhook()
    dead = WebhookChannel(url=f"http://127.0.0.1:{free_port()}/hook")
    alert = queue_change(store)
    report = notify.deliver_pending(store, make_config(tmp_path, dead, webhook(good)), T0)
    assert (report.delivered, report.pending, len(report.failures)) == (1, 1, 1)
    assert list(good.events) == [alert.id]


def test_channels_get_only_the_kinds_in_their_on_list(tmp_path: Path, store: Store,
                                                      start_webhook: Callable[..., WebhookReceiver]) -> None:
    tiers, errors = start_webhook(), start_webhook()
    config = make_config(tmp_path, webhook(tiers, on=("tier",)), webhook(errors, on=("error",)))
    findings_only = replace(NEW_DOC, fields=OLD_DOC.fields)
    change = queue_change(store, KHM, T0, new=findings_only)
    error = build_error_alert(THA, "HTTP 503 Service Unavailable", 3, "2026-11-27T06:00:00Z", T0)
    store.save_state(SourceState("tha", consecutive_failures=3), error)

    notify.deliver_pending(store, config, T0)

    assert tiers.calls == []
    (call,) = errors.calls
    body = call.json()
    assert body["id"] == error.id and body["type"] == "error"
    assert body["error"]["message"] == "HTTP 503 Service Unavailable" and body["error"]["consecutive_failures"] == 3
    assert change.id not in {r.alert_id for r in ob.list_deliveries(store)}


def test_secrets_never_reach_errors_logs_or_the_database(tmp_path: Path, store: Store,
                                                         start_webhook: Callable[..., WebhookReceiver],
                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token = "T0K3N-path-part-abcdef"
    receiver = start_webhook(status=500)
    # A receiver that echoes what it got (some do) must not make the secret or the URL token leak either.
    receiver.reply_headers["X-Echo"] = token
    url = f"http://user:{PASSWORD}@127.0.0.1:{receiver.port}/services/{token}?key={SECRET}"
    dead = f"http://127.0.0.1:{free_port()}/services/{token}?key={SECRET}"
    config = make_config(tmp_path, WebhookChannel(url=url, secret=SECRET), WebhookChannel(url=dead, secret=SECRET))
    queue_change(store)

    report = notify.deliver_pending(store, config, T0)

    assert len(report.failures) == 2
    with contextlib.closing(sqlite3.connect(store.db_path)) as db:
        dump = "\n".join(db.iterdump())
    for secret in (SECRET, PASSWORD, token):
        assert secret not in repr(report) and secret not in caplog.text and secret not in dump
    assert all(r.label.startswith("webhook http://127.0.0.1:") for r in ob.list_deliveries(store))


def test_slack_format_sends_escaped_text_and_blocks(tmp_path: Path, store: Store,
                                                    start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook(SECRET)
    hostile = replace(NEW_DOC, blocks=(*NEW_DOC.blocks, Block("paragraph", "<!channel> <https://evil.example|click>",
                                                                "Protection")))
    alert = queue_change(store, new=hostile)
    notify.deliver_pending(store, make_config(tmp_path, webhook(receiver, secret=SECRET, format="slack")), T0)

    (call,) = receiver.calls
    assert call.verified and call.headers["X-Monitor-Event"] == alert.id
    message = call.json()
    assert message["text"].startswith("Cambodia: Tier 2 Watch List → Tier 3 (downgrade)")
    text = json.dumps(message["blocks"], ensure_ascii=False)
    assert "Tier 2 Watch List → Tier 3 (downgrade)" in text and "Complicity by officials" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text and "<https://evil" not in text
    assert f"<{KHM.url}|Cambodia (TIP)>" in text


# --------------------------------------------------------------------------- email

def test_email_shows_the_tier_move_and_the_findings_diff(tmp_path: Path, store: Store,
                                                         start_smtp: Callable[..., SmtpServer]) -> None:
    server = start_smtp()
    alert = queue_change(store)
    report = notify.deliver_pending(store, make_config(tmp_path, mail_channel(server)), T0)

    assert report.delivered == 1
    (mail,) = server.mails
    message = mail.message
    assert mail.mail_from == "monitor@example.org" and mail.rcpt_tos == ["analyst@example.org"]
    assert message["From"] == "monitor@example.org" and message["To"] == "analyst@example.org"
    assert message["Subject"] == f"[monitor] {alert.payload['summary']}"
    assert message["Subject"].startswith("[monitor] Cambodia: Tier 2 Watch List → Tier 3 (downgrade)")
    assert message["Message-ID"] == f"<{alert.id}@report-monitor.invalid>"
    assert message["X-Monitor-Event"] == alert.id
    assert message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    assert "Tier: Tier 2 Watch List → Tier 3 (downgrade)" in text
    assert "## Prosecution" in text and "[-12-]" in text and "{+3+}" in text
    assert KHM.url in text
    assert "Tier 2 Watch List → Tier 3 (downgrade)" in html
    assert "<del" in html and ">12</del>" in html and ">3</ins>" in html
    assert "Complicity by officials remained a concern." in html and ">Protection</h3>" in html
    assert html.index(">Prosecution</h3>") < html.index(">Protection</h3>")
    assert f'href="{KHM.url}"' in html


def test_digest_sends_one_email_for_the_pass(tmp_path: Path, store: Store,
                                            start_smtp: Callable[..., SmtpServer]) -> None:
    server = start_smtp()
    first, second = queue_change(store, KHM), queue_change(store, THA)
    report = notify.deliver_pending(store, make_config(tmp_path, mail_channel(server, digest=True)), T0)

    assert report.delivered == 2
    (mail,) = server.mails
    assert mail.message["Subject"].startswith("[monitor] 2 alerts: ")
    assert mail.message.get_all("X-Monitor-Event") == [first.id, second.id]
    text, html = parts(mail.message)
    assert KHM.url in text and THA.url in text
    assert html.count("<del") >= 2 and html.count("<!DOCTYPE") == 1 and "<script" not in html
    assert [s for _, s, _ in statuses(store)] == ["delivered", "delivered"]


def test_refused_smtp_login_is_a_clear_error_and_the_alert_stays_pending(
        tmp_path: Path, store: Store, start_smtp: Callable[..., SmtpServer]) -> None:
    server = start_smtp(accounts={})  # refuses every login
    channel = mail_channel(server, username="monitor@example.org", password=PASSWORD)
    alert = queue_change(store)
    report = notify.deliver_pending(store, make_config(tmp_path, channel), T0)

    (failure,) = report.failures
    assert failure.error.startswith(f"login as monitor@example.org refused by 127.0.0.1:{server.port} (535")
    assert "check the username and password" in failure.error and PASSWORD not in failure.error
    assert server.mails == [] and statuses(store) == [(alert.id, "pending", 1)]


def test_smtp_login_with_the_right_password_delivers(tmp_path: Path, store: Store,
                                                     start_smtp: Callable[..., SmtpServer]) -> None:
    server = start_smtp(accounts={"monitor": PASSWORD})
    queue_change(store)
    report = notify.deliver_pending(
        store, make_config(tmp_path, mail_channel(server, username="monitor", password=PASSWORD)), T0)
    assert report.delivered == 1 and server.collector.logins == ["monitor"] and len(server.mails) == 1


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_email_verifies_the_server_certificate(security: str, tmp_path: Path, store: Store,
                                                   start_smtp: Callable[..., SmtpServer],
                                                   tls_cert: tuple[Path, Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    server = start_smtp(tls=tls_cert, implicit_tls=security == "ssl", accounts={"monitor": PASSWORD})
    config = make_config(tmp_path, mail_channel(server, security=security, username="monitor", password=PASSWORD))
    alert = queue_change(store)

    untrusted = notify.deliver_pending(store, config, T0)
    assert "certificate verify failed" in untrusted.failures[0].error and server.mails == []
    assert statuses(store) == [(alert.id, "pending", 1)]

    monkeypatch.setenv("SSL_CERT_FILE", str(tls_cert[0]))  # the user's trust store now knows this server
    trusted = notify.deliver_pending(store, config, T0 + timedelta(minutes=1))
    assert trusted.delivered == 1 and len(server.mails) == 1 and server.collector.logins == ["monitor"]


def test_starttls_not_offered_is_a_clear_error(tmp_path: Path, store: Store,
                                               start_smtp: Callable[..., SmtpServer]) -> None:
    server = start_smtp()
    queue_change(store)
    report = notify.deliver_pending(store, make_config(tmp_path, mail_channel(server, security="starttls")), T0)
    assert "does not offer STARTTLS" in report.failures[0].error


def test_smtp_server_down_keeps_the_alert_pending(tmp_path: Path, store: Store) -> None:
    channel = EmailChannel(host="127.0.0.1", port=free_port(), security="none", from_addr="m@example.org",
                           to=("a@example.org",), timeout=2)
    alert = queue_change(store)
    report = notify.deliver_pending(store, make_config(tmp_path, channel), T0)
    assert report.failures[0].error.startswith("cannot connect to 127.0.0.1:")
    assert statuses(store) == [(alert.id, "pending", 1)]


def test_hostile_page_text_injects_no_header_runs_no_script_and_is_bounded(
        tmp_path: Path, store: Store, start_smtp: Callable[..., SmtpServer]) -> None:
    server = start_smtp()
    evil = "Evil\r\nBcc: victim@example.org\r\nX-Injected: 1\n<script>alert(1)</script>"
    long_line = "A" * 100_000  # one 100 kB line, no spaces to wrap at
    old = Document(fields={"country": "Cambodia", "tier": "Tier 2"},
                   blocks=tuple(Block("paragraph", f"Old paragraph {i} was here.", f"S{i % 5}") for i in range(50)))
    new = Document(fields={"country": evil, "tier": "Tier 3"},
                   blocks=(Block("paragraph", "<script>alert('x')</script><img src=x onerror=alert(2)>", evil),
                           Block("paragraph", f"x {long_line} y", "S0"),
                           *(Block("paragraph", f"Paragraph {i} was added on topic {i * 7}.", f"S{i % 5}")
                             for i in range(600))))
    base, _ = commit(store, KHM, old, T0 - timedelta(days=1))
    _, alert = commit(store, KHM, new, T0, alert_for=base, old_doc=old)
    assert alert is not None
    # Whatever the summary builder does, the payload is page-derived: make it as hostile as it can be.
    hostile = replace(alert, payload={**alert.payload, "summary": evil + " " + long_line,
                                      "source": {**alert.payload["source"], "name": evil}})
    message = notify.render_email(hostile, notify.load_diffs(store, alert))
    channel = mail_channel(server)
    notify.transport_for(channel).send_message(message)  # type: ignore[attr-defined]
    notify.deliver_pending(store, make_config(tmp_path, channel), T0)  # the stored alert too, end to end

    for mail in server.mails:
        received = mail.message
        assert received["Bcc"] is None and received["X-Injected"] is None
        assert "\n" not in received["Subject"] and "\r" not in received["Subject"]
        assert len(received["Subject"]) <= notify.MAX_SUBJECT_CHARS
        assert len(mail.raw) < 400_000  # bounded, whatever the page
        text, html = parts(received)
        assert "<script" not in html and "&lt;script&gt;" in html and "<img" not in html
        assert "more changes not shown" in text and "more changes not shown" in html
    assert len(server.mails) == 2


# --------------------------------------------------------------------------- apprise, test alerts, registry

def test_apprise_without_the_extra_is_a_clear_error_and_waits(tmp_path: Path, store: Store,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)  # import apprise -> ImportError
    alert = queue_change(store)
    channel = AppriseChannel(urls=("tgram://bot-token-secret/chat",))
    report = notify.deliver_pending(store, make_config(tmp_path, channel), T0)
    (failure,) = report.failures
    assert "pip install 'report-monitor[apprise]'" in failure.error and "bot-token-secret" not in failure.error
    (row,) = ob.list_deliveries(store)
    assert row.status == "pending" and row.next_attempt == T0 + timedelta(hours=1)
    assert row.alert_id == alert.id


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # apprise's own imports (imghdr)
def test_apprise_sends_the_rendered_text(tmp_path: Path, store: Store,
                                         start_webhook: Callable[..., WebhookReceiver]) -> None:
    pytest.importorskip("apprise")
    receiver = start_webhook()
    queue_change(store)
    channel = AppriseChannel(urls=(f"json://127.0.0.1:{receiver.port}/hook",))
    report = notify.deliver_pending(store, make_config(tmp_path, channel), T0)
    assert report.delivered == 1
    (call,) = receiver.calls
    body = call.json()
    assert body["title"].startswith("[monitor] Cambodia: Tier 2 Watch List → Tier 3")
    assert "Tier: Tier 2 Watch List → Tier 3 (downgrade)" in body["message"]


def test_notify_test_reports_each_channel(tmp_path: Path, start_webhook: Callable[..., WebhookReceiver],
                                          start_smtp: Callable[..., SmtpServer]) -> None:
    receiver, server = start_webhook(SECRET), start_smtp()
    dead = WebhookChannel(url=f"http://127.0.0.1:{free_port()}/x")
    config = make_config(tmp_path, webhook(receiver, secret=SECRET), mail_channel(server), dead)

    results = notify.send_test(config, T0)

    assert [(r.label, r.ok) for r in results] == [
        (f"webhook http://127.0.0.1:{receiver.port}", True),
        (f"email 127.0.0.1:{server.port} -> analyst@example.org", True),
        (dead.label, False)]
    assert results[0].detail == "delivered" and "Connection refused" in results[2].detail
    (call,) = receiver.calls
    assert call.verified and call.json()["type"] == "test"
    (mail,) = server.mails
    assert mail.message["Subject"] == "[monitor] Test alert from report monitor: this channel works"
    assert not (tmp_path / "snapshots").exists()  # nothing stored


def test_channels_are_registered_by_type_with_their_docstring_as_help() -> None:
    assert set(notify.TRANSPORTS) == {"webhook", "email", "apprise"}
    help_text = notify.channel_help()
    assert "X-Monitor-Signature" in help_text["webhook"] and "digest" in help_text["email"]
    assert "report-monitor[apprise]" in help_text["apprise"]


def test_channel_keys_are_stable_and_free_of_secrets() -> None:
    url = f"https://hooks.slack.com/services/T000/B000/{SECRET}"
    key = notify.channel_key(WebhookChannel(url=url, secret=PASSWORD))
    assert key.startswith("webhook:") and SECRET not in key and PASSWORD not in key
    assert key == notify.channel_key(WebhookChannel(url=url, secret="rotated", timeout=30))
    assert key != notify.channel_key(WebhookChannel(url=url + "x"))
    mail = EmailChannel(host="smtp.example.org", from_addr="m@example.org", to=("a@example.org", "b@example.org"),
                        password=PASSWORD, username="m")
    assert notify.channel_key(mail) == notify.channel_key(replace(mail, to=("b@example.org", "a@example.org")))


def test_channels_from_a_configuration_file(tmp_path: Path, store: Store,
                                            start_webhook: Callable[..., WebhookReceiver]) -> None:
    receiver = start_webhook(SECRET)
    path = tmp_path / "config.yaml"
    path.write_text(f"""
storage: snapshots
sources:
  - id: khm
    url: {KHM.url}
notify:
  - type: webhook
    url: {receiver.url()}
    secret: ${{WEBHOOK_SECRET}}
    on: [tier]
""")
    config = load_config(path, env={"WEBHOOK_SECRET": SECRET})
    alert = queue_change(store)
    assert notify.deliver_pending(store, config, T0).delivered == 1
    assert list(receiver.events) == [alert.id] and receiver.calls[0].verified


def test_notify_test_command_prints_a_line_per_channel_and_fails_when_one_does(
        tmp_path: Path, start_webhook: Callable[..., WebhookReceiver]) -> None:
    from click.testing import CliRunner

    from monitor.cli import main

    receiver = start_webhook(SECRET)
    dead_port = free_port()
    path = tmp_path / "config.yaml"
    path.write_text(f"""
sources:
  - id: khm
    url: {KHM.url}
notify:
  - type: webhook
    url: {receiver.url()}
    secret: ${{WEBHOOK_SECRET}}
  - type: webhook
    url: http://127.0.0.1:{dead_port}/hook
""")
    runner = CliRunner(env={"WEBHOOK_SECRET": SECRET})
    result = runner.invoke(main, ["--config", str(path), "notify-test"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"webhook http://127.0.0.1:{receiver.port}: delivered",
        f"webhook http://127.0.0.1:{dead_port}: NOT delivered: cannot connect: Connection refused"]
    assert receiver.calls[0].verified and SECRET not in result.output

    path.write_text(path.read_text().split(f"  - type: webhook\n    url: http://127.0.0.1:{dead_port}")[0])
    only_good = runner.invoke(main, ["--config", str(path), "notify-test"])
    assert only_good.exit_code == 0, only_good.output


def test_a_long_digest_backlog_goes_out_in_bounded_emails_in_order(tmp_path: Path, store: Store,
                                                                   start_smtp: Callable[..., SmtpServer]) -> None:
    server = start_smtp()
    alerts = []
    for i in range(notify.MAX_DIGEST_ALERTS + 2):
        source = replace(KHM, id=f"s{i:02d}", name=f"Source {i}")
        alerts.append(queue_change(store, source, T0 + timedelta(seconds=i)))
    report = notify.deliver_pending(store, make_config(tmp_path, mail_channel(server, digest=True)),
                                    T0 + timedelta(minutes=1))
    assert report.delivered == len(alerts) and len(server.mails) == 2
    sent = [i for m in server.mails for i in m.message.get_all("X-Monitor-Event")]
    assert sent == [a.id for a in alerts]


def test_an_unexpected_error_in_a_channel_stays_local_and_keeps_the_alert(
        tmp_path: Path, store: Store, start_webhook: Callable[..., WebhookReceiver],
        monkeypatch: pytest.MonkeyPatch) -> None:
    good = start_webhook()
    alert = queue_change(store)

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr("monitor.render.render_alert_text", broken)  # only the Slack channel renders text
    slack = WebhookChannel(url=good.url("/slack"), format="slack")
    report = notify.deliver_pending(store, make_config(tmp_path, slack, webhook(good)), T0)
    assert report.delivered == 1 and report.failures[0].error == "internal error: RuntimeError: renderer bug"
    assert [c.path for c in good.calls] == ["/hook"]
    assert sorted(s for _, s, _ in statuses(store)) == ["delivered", "pending"] and good.events[alert.id]
