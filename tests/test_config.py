"""Configuration: valid files resolve as documented; every bad file gives one clear error naming file and key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.config import EmailChannel, WebhookChannel, load_config
from monitor.errors import ConfigError

VALID = """\
storage: snaps
defaults:
  profile: tip-report
  schedule: "0 6 * * *"
  timeout: 20
sources:
  - id: khm
    url: https://www.state.gov/reports/2024-trafficking-in-persons-report/cambodia/
    name: Cambodia (TIP)
    select: "main"
    strip: ["form.search"]
    ignore: ['^Share this']
    fields:
      level: {regex: 'Level (\\d)'}
      badge: {css: ".advisory-level"}
  - id: refworld_khm-2002
    url: http://www.refworld.org/docid/4680d7e0c.html
    schedule: 6h
    profile: generic
notify:
  - type: webhook
    url: https://hooks.example.org/monitor
    secret: ${WEBHOOK_SECRET}
    on: [tier, findings, fields, error]
  - type: email
    host: smtp.example.org
    port: 587
    security: starttls
    username: monitor@example.org
    password: ${SMTP_PASSWORD}
    from: monitor@example.org
    to: [analyst@example.org]
    on: [tier]
"""
ENV = {"WEBHOOK_SECRET": "s3cret-hook", "SMTP_PASSWORD": "pw-123"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_valid_file_resolves_defaults_paths_and_secrets(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, VALID), env=ENV)
    assert config.storage == tmp_path / "snaps"
    khm, rw = config.sources
    assert (khm.id, khm.profile, khm.schedule, khm.timeout) == ("khm", "tip-report", "0 6 * * *", 20)
    assert khm.select == "main" and khm.strip == ("form.search",) and khm.ignore == ("^Share this",)
    assert [(f.name, f.regex, f.css) for f in khm.fields] == [("level", r"Level (\d)", None),
                                                              ("badge", None, ".advisory-level")]
    assert (rw.schedule, rw.profile, rw.display_name) == ("6h", "generic", "refworld_khm-2002")
    webhook, email = config.notify
    assert isinstance(webhook, WebhookChannel) and webhook.secret == "s3cret-hook"
    assert isinstance(email, EmailChannel) and email.password == "pw-123" and email.on == ("tier",)
    # secrets never show in a repr (which is what ends up in logs and tracebacks)
    assert "s3cret-hook" not in repr(config) and "pw-123" not in repr(config)


def test_builtin_defaults_apply_when_nothing_is_said(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "sources:\n  - id: a\n    url: https://example.org/\n"), env={})
    (src,) = config.sources
    assert (src.profile, src.schedule, src.timeout) == ("tip-report", "1d", 30)
    assert config.storage == tmp_path / "snapshots"
    assert config.notify == ()


BAD = [
    ("malformed yaml", "sources:\n  - id: a\n    url: [unclosed\n", "line 4", "YAML syntax error"),
    ("tab indentation", "sources:\n\t- id: a\n", "line 2", "YAML syntax error"),
    ("empty file", "", "sources", "empty"),
    ("sources not a list", "sources: {id: a}\n", "sources", "must be a list"),
    ("empty sources", "sources: []\n", "sources", "at least one source"),
    ("unknown top key", "sources:\n  - {id: a, url: 'https://x.org'}\nstorge: s\n", "storge",
     "did you mean 'storage'"),
    ("unknown source key", "sources:\n  - {id: a, url: 'https://x.org', selct: main}\n", "sources[0].selct",
     "unknown key"),
    ("missing url", "sources:\n  - {id: a}\n", "sources[0].url", "is required"),
    ("missing id", "sources:\n  - {url: 'https://x.org'}\n", "sources[0].id", "is required"),
    ("wrong type timeout", "sources:\n  - {id: a, url: 'https://x.org', timeout: soon}\n", "sources[0].timeout",
     "must be a number"),
    ("negative timeout", "sources:\n  - {id: a, url: 'https://x.org', timeout: -1}\n", "sources[0].timeout",
     "at least 1"),
    ("strip not a list", "sources:\n  - {id: a, url: 'https://x.org', strip: {a: 1}}\n", "sources[0].strip",
     "list of strings"),
    ("duplicate id", "sources:\n  - {id: a, url: 'https://x.org'}\n  - {id: a, url: 'https://y.org'}\n",
     "sources[1].id", "duplicate id 'a'"),
    ("path traversal id", "sources:\n  - {id: '../etc', url: 'https://x.org'}\n", "sources[0].id",
     "not a safe id"),
    ("upper-case id", "sources:\n  - {id: KHM, url: 'https://x.org'}\n", "sources[0].id", "not a safe id"),
    ("id too long", "sources:\n  - {id: " + "a" * 65 + ", url: 'https://x.org'}\n", "sources[0].id",
     "not a safe id"),
    ("file url", "sources:\n  - {id: a, url: 'file:///etc/passwd'}\n", "sources[0].url", "http:// or https://"),
    ("ftp url", "sources:\n  - {id: a, url: 'ftp://x.org/a'}\n", "sources[0].url", "http:// or https://"),
    ("url without host", "sources:\n  - {id: a, url: 'https://'}\n", "sources[0].url", "no host"),
    ("bad cron", "sources:\n  - {id: a, url: 'https://x.org', schedule: '61 * * * *'}\n", "sources[0].schedule",
     "invalid cron"),
    ("bad interval", "sources:\n  - {id: a, url: 'https://x.org', schedule: '5 minutes'}\n",
     "sources[0].schedule", "neither an interval"),
    ("zero interval", "sources:\n  - {id: a, url: 'https://x.org', schedule: 0s}\n", "sources[0].schedule",
     "longer than zero"),
    ("bad profile", "sources:\n  - {id: a, url: 'https://x.org', profile: tip}\n", "sources[0].profile",
     "must be one of tip-report, generic"),
    ("bad regex", "sources:\n  - {id: a, url: 'https://x.org', ignore: ['(']}\n", "sources[0].ignore[0]",
     "invalid regular expression"),
    ("bad css", "sources:\n  - {id: a, url: 'https://x.org', select: 'div[[x'}\n", "sources[0].select",
     "invalid CSS selector"),
    ("field with both", "sources:\n  - {id: a, url: 'https://x.org', fields: {l: {regex: a, css: b}}}\n",
     "sources[0].fields.l", "exactly one"),
    ("reserved field", "sources:\n  - {id: a, url: 'https://x.org', fields: {tier: {regex: a}}}\n",
     "sources[0].fields.tier", "built-in field"),
    ("unset variable", "sources:\n  - {id: a, url: 'https://x.org'}\nnotify:\n  - {type: webhook, "
     "url: 'https://h.org', secret: '${NOPE_SECRET}'}\n", "notify[0].secret", "NOPE_SECRET is not set"),
    ("bad variable name", "sources:\n  - {id: a, url: 'https://${1X}.org'}\n", "sources[0].url",
     "not a valid environment variable"),
    ("unterminated variable", "sources:\n  - {id: a, url: 'https://${HOST.org'}\n", "sources[0].url",
     "unterminated"),
    ("unknown channel type", "sources:\n  - {id: a, url: 'https://x.org'}\nnotify:\n  - {type: sms}\n",
     "notify[0].type", "must be one of webhook, email, apprise"),
    ("unknown change kind", "sources:\n  - {id: a, url: 'https://x.org'}\nnotify:\n  - {type: webhook, "
     "url: 'https://h.org', on: [tier, tiers]}\n", "notify[0].on[1]", "unknown change kind"),
    ("email header injection", "sources:\n  - {id: a, url: 'https://x.org'}\nnotify:\n  - {type: email, "
     "host: h, from: \"a@b.org\\r\\nBcc: x@y.org\", to: [c@d.org]}\n", "notify[0].from", "plain email address"),
    ("email without recipients", "sources:\n  - {id: a, url: 'https://x.org'}\nnotify:\n  - {type: email, "
     "host: h, from: a@b.org, to: []}\n", "notify[0].to", "at least one recipient"),
    ("port out of range", "sources:\n  - {id: a, url: 'https://x.org'}\nnotify:\n  - {type: email, "
     "host: h, from: a@b.org, to: [c@d.org], port: 70000}\n", "notify[0].port", "at most 65535"),
    ("alias bomb", "a: &a [x, x, x, x, x, x, x, x, x]\n"
     + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join(f"*{chr(97 + i)}" for _ in range(9)) + "]\n"
               for i in range(12))
     + "sources:\n  - {id: a, url: 'https://x.org'}\n", "", "aliases"),
    ("top-level list", "- id: a\n", "config.yaml", "must be a mapping"),
]


@pytest.mark.parametrize(("text", "key", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_config_names_file_key_and_problem(tmp_path: Path, text: str, key: str, message: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    text_of_error = str(info.value)
    assert str(path) in text_of_error
    assert key in text_of_error
    assert message in text_of_error


def test_missing_file_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found.*--config PATH or set MONITOR_CONFIG"):
        load_config(tmp_path / "nope.yaml", env={})


def test_binary_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path, env={})


def test_validate_command_prints_sources_and_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret-hook")
    monkeypatch.setenv("SMTP_PASSWORD", "pw-123")
    path = write(tmp_path, VALID)
    result = CliRunner().invoke(main, ["--config", str(path), "validate"])
    assert result.exit_code == 0, result.output
    assert "khm" in result.output and "refworld_khm-2002" in result.output and "every 6h" in result.output
    assert "s3cret-hook" not in result.output and "pw-123" not in result.output


def test_validate_bad_file_exits_2_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - {id: a, url: 'gopher://x.org'}\n")
    result = CliRunner().invoke(main, ["--config", str(path), "validate"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {path}: sources[0].url: must be an http:// or https:// URL, not 'gopher://x.org'"]


def test_monitor_config_environment_variable_picks_the_file(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "sources:\n  - {id: envpicked, url: 'https://x.org'}\n")
    monkeypatch.setenv("MONITOR_CONFIG", str(path))
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0 and "envpicked" in result.output


def test_shipped_config_is_valid() -> None:
    config = load_config(Path(__file__).parent.parent / "config.yaml", env={})
    assert len(config.sources) >= 3
    assert all(s.url.startswith("https://") for s in config.sources)


def test_both_yaml_loaders_read_the_same_file_the_same_way(tmp_path: Path) -> None:
    # many '*' characters route the file to the pure-Python loader that counts aliases; the result must
    # be the same as libyaml's, `on:` staying a key and not becoming the boolean true
    plain = load_config(write(tmp_path, VALID), env=ENV)
    starred = VALID.replace("name: Cambodia (TIP)", "name: 'Cambodia (TIP) " + "*" * 150 + "'")
    config = load_config(write(tmp_path, starred), env=ENV)
    assert config.sources[0].name == "Cambodia (TIP) " + "*" * 150
    assert config.notify == plain.notify and config.sources[1:] == plain.sources[1:]
