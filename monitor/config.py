"""Configuration: ``config.yaml`` -> validated, frozen dataclasses.

Every problem is reported with the file name, the key path (``sources[3].url``) and what is wrong,
before anything is fetched. Unknown keys are errors, so that a typo never passes silently.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import yaml

from . import yamldoc
from .errors import ConfigError
from .models import CHANGE_KINDS, FieldRule, Source

DEFAULT_CONFIG = "config.yaml"
CONFIG_ENV = "MONITOR_CONFIG"
MAX_CONFIG_BYTES = 1024 * 1024
MAX_YAML_ALIASES = 100

PROFILES = ("tip-report", "generic")
SOURCE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
INTERVAL_RE = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
ENV_REF_RE = re.compile(r"\$\{([^}]*)\}")
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

BUILTIN_DEFAULTS: dict[str, Any] = {"profile": "tip-report", "schedule": "1d", "timeout": 30}


# --------------------------------------------------------------------------- the resolved configuration

@dataclass(frozen=True)
class WebhookChannel:
    """POSTs the JSON alert body of SPEC §6 (or a Slack message with ``format: slack``)."""

    url: str
    secret: str | None = field(default=None, repr=False)
    on: tuple[str, ...] = CHANGE_KINDS
    format: Literal["json", "slack"] = "json"
    timeout: float = 10.0
    type: Literal["webhook"] = "webhook"

    @property
    def label(self) -> str:
        parts = urlsplit(self.url)
        return f"webhook {parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}"


@dataclass(frozen=True)
class EmailChannel:
    """Sends a multipart text + HTML email through SMTP."""

    host: str
    from_addr: str
    to: tuple[str, ...]
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    on: tuple[str, ...] = CHANGE_KINDS
    digest: bool = False
    timeout: float = 30.0
    type: Literal["email"] = "email"

    @property
    def label(self) -> str:
        return f"email {self.host}:{self.port} -> {', '.join(self.to)}"


@dataclass(frozen=True)
class AppriseChannel:
    """Sends the rendered text through Apprise URLs (Slack, Teams, Telegram, Matrix, ...)."""

    urls: tuple[str, ...] = field(repr=False)
    on: tuple[str, ...] = CHANGE_KINDS
    type: Literal["apprise"] = "apprise"

    @property
    def label(self) -> str:
        schemes = sorted({u.split(":", 1)[0] for u in self.urls})
        return f"apprise {', '.join(schemes)}"


Channel = WebhookChannel | EmailChannel | AppriseChannel


@dataclass(frozen=True)
class FetchOptions:
    per_host: int = 1
    workers: int = 8
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 3


@dataclass(frozen=True)
class AlertOptions:
    failure_alert_after: int = 3
    give_up_after: float = 2 * 86400.0   # seconds


@dataclass(frozen=True)
class Config:
    path: Path
    storage: Path
    sources: tuple[Source, ...]
    notify: tuple[Channel, ...] = ()
    fetch: FetchOptions = FetchOptions()
    alerts: AlertOptions = AlertOptions()

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)


# --------------------------------------------------------------------------- loading

def config_path(explicit: str | os.PathLike[str] | None) -> Path:
    """The file to use: ``--config``, else ``$MONITOR_CONFIG``, else ``./config.yaml``."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> Config:
    """Read, parse and validate a configuration file. Raises ConfigError naming file, key and problem."""
    path = Path(path)
    name = str(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError("file not found (pass --config PATH or set MONITOR_CONFIG)", path=name) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path=name) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError("file is larger than 1 MB; is this really the configuration?", path=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=name) from None
    data = parse_yaml(text, name)
    return build_config(data, path=path, env=os.environ if env is None else env)


_TOO_DEEP = "YAML nested too deeply to be a configuration file"


def parse_yaml(text: str, name: str) -> Any:
    try:
        return yamldoc.load(text, max_aliases=MAX_YAML_ALIASES)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or str(exc)
        if "maximum nesting depth" in problem:
            raise ConfigError(_TOO_DEEP, path=name, line=line) from None
        kind = "YAML error" if isinstance(exc, yamldoc.YAMLDocError) else "YAML syntax error"
        raise ConfigError(f"{kind}: {problem}", path=name, line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"YAML error: {exc}", path=name) from None
    except RecursionError:
        raise ConfigError(_TOO_DEEP, path=name) from None


T = TypeVar("T")


class _Reader:
    """Validates one configuration document, collecting the key path for every message."""

    def __init__(self, name: str, env: Mapping[str, str]) -> None:
        self.name = name
        self.env = env

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(problem, path=self.name, key=key)

    def mapping(self, value: Any, key: str, allowed: tuple[str, ...],
                required: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a mapping, not {_type_name(value)}")
        for k in value:
            if not isinstance(k, str):
                raise self.fail(key, f"keys must be strings, not {_type_name(k)} ({k!r})")
            if k not in allowed:
                hint = _closest(k, allowed)
                raise self.fail(_join(key, k), "unknown key" + (f" (did you mean '{hint}'?)" if hint else "")
                                + f"; allowed: {', '.join(allowed)}")
        for k in required:
            if k not in value or value[k] is None:
                raise self.fail(_join(key, k), "is required")
        return value

    def string(self, value: Any, key: str, *, expand: bool = True) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(key, f"must be a string, not {_type_name(value)}")
        text = str(value)
        return self.expand(text, key) if expand else text

    def expand(self, text: str, key: str) -> str:
        def replace(match: re.Match[str]) -> str:
            var = match.group(1)
            if not ENV_NAME_RE.match(var):
                raise self.fail(key, f"'${{{var}}}' is not a valid environment variable reference")
            if var not in self.env:
                raise self.fail(key, f"environment variable {var} is not set")
            return self.env[var]
        if "${" in text and not ENV_REF_RE.search(text):
            raise self.fail(key, "unterminated '${' (write ${NAME} to read an environment variable)")
        return ENV_REF_RE.sub(replace, text)

    def optional_string(self, value: Any, key: str) -> str | None:
        return None if value is None else self.string(value, key)

    def number(self, value: Any, key: str, *, minimum: float, integer: bool = False) -> float:
        if isinstance(value, str):
            value = self.expand(value, key)
            try:
                value = float(value) if not integer else int(value)
            except ValueError:
                raise self.fail(key, f"must be a number, not '{value}'") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, not {_type_name(value)}")
        if integer and not float(value).is_integer():
            raise self.fail(key, f"must be a whole number, not {value}")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum:g}, not {value}")
        return float(value)

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {_type_name(value)}")
        return value

    def string_list(self, value: Any, key: str, *, check: Callable[[str, str], None] | None = None
                    ) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list of strings, not {_type_name(value)}")
        items = []
        for i, item in enumerate(value):
            text = self.string(item, f"{key}[{i}]")
            if check:
                check(text, f"{key}[{i}]")
            items.append(text)
        return tuple(items)

    def choice(self, value: Any, key: str, choices: tuple[str, ...]) -> str:
        text = self.string(value, key)
        if text not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)}, not '{text}'")
        return text

    def url(self, value: Any, key: str) -> str:
        text = self.string(value, key).strip()
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https"):
            raise self.fail(key, f"must be an http:// or https:// URL, not '{text}'")
        if not parts.hostname:
            raise self.fail(key, f"has no host name: '{text}'")
        return text

    def regex(self, text: str, key: str) -> None:
        try:
            re.compile(text)
        except re.error as exc:
            raise self.fail(key, f"invalid regular expression '{text}': {exc}") from None

    def css(self, text: str, key: str) -> None:
        import soupsieve  # installed with beautifulsoup4; validates the selector without a page

        try:
            soupsieve.compile(text)
        except Exception as exc:  # soupsieve raises SelectorSyntaxError (a subclass of Exception)
            raise self.fail(key, f"invalid CSS selector '{text}': {str(exc).splitlines()[0]}") from None

    def schedule(self, value: Any, key: str) -> str:
        text = self.string(value, key).strip()
        validate_schedule(text, lambda problem: self.fail(key, problem))
        return text

    def kinds(self, value: Any, key: str) -> tuple[str, ...]:
        def check(text: str, k: str) -> None:
            if text not in CHANGE_KINDS:
                raise self.fail(k, f"unknown change kind '{text}'; use {', '.join(CHANGE_KINDS)}")
        kinds = self.string_list(value, key, check=check)
        if not kinds:
            raise self.fail(key, "must name at least one change kind")
        return kinds


def validate_schedule(text: str, fail: Callable[[str], Exception]) -> None:
    """Accept an interval ("45s", "30m", "6h", "1d") or a 5-field cron expression."""
    if INTERVAL_RE.match(text):
        if interval_seconds(text) <= 0:
            raise fail(f"interval must be longer than zero: '{text}'")
        return
    if len(text.split()) != 5:
        raise fail(f"'{text}' is neither an interval like 30m/6h/1d nor a 5-field cron expression")
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(text, timezone="UTC")
    except ValueError as exc:
        raise fail(f"invalid cron expression '{text}': {exc}") from None


def interval_seconds(text: str) -> int:
    match = INTERVAL_RE.match(text)
    if not match:
        raise ValueError(f"not an interval: {text!r}")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def parse_duration(text: str) -> float:
    """'90s', '30m', '6h', '2d' -> seconds."""
    return float(interval_seconds(text))


SOURCE_KEYS = ("id", "url", "name", "profile", "schedule", "timeout", "select", "strip", "ignore", "fields")
DEFAULT_KEYS = ("profile", "schedule", "timeout", "select", "strip", "ignore")
TOP_KEYS = ("storage", "defaults", "sources", "notify", "fetch", "alerts")


def build_config(data: Any, *, path: Path, env: Mapping[str, str]) -> Config:
    r = _Reader(str(path), env)
    if data is None:
        raise r.fail("sources", "the file is empty; it needs at least a 'sources' list")
    top = r.mapping(data, "", TOP_KEYS, required=("sources",))
    defaults = dict(BUILTIN_DEFAULTS)
    if top.get("defaults") is not None:
        defaults.update(r.mapping(top["defaults"], "defaults", DEFAULT_KEYS))
    sources = _read_sources(r, top["sources"], defaults)
    storage_text = r.string(top.get("storage") or "snapshots", "storage")
    storage = Path(storage_text).expanduser()
    if not storage.is_absolute():
        storage = path.resolve().parent / storage
    notify = _read_channels(r, top.get("notify") or [])
    return Config(path=path, storage=storage, sources=sources, notify=notify,
                  fetch=_read_fetch(r, top.get("fetch")), alerts=_read_alerts(r, top.get("alerts")))


def _read_sources(r: _Reader, value: Any, defaults: dict[str, Any]) -> tuple[Source, ...]:
    if not isinstance(value, list):
        raise r.fail("sources", f"must be a list of sources, not {_type_name(value)}")
    if not value:
        raise r.fail("sources", "is empty; add at least one source with an id and a url")
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        key = f"sources[{i}]"
        src = r.mapping(item, key, SOURCE_KEYS, required=("id", "url"))
        merged = {**defaults, **{k: v for k, v in src.items() if v is not None}}
        source_id = r.string(src["id"], f"{key}.id", expand=False)
        if not SOURCE_ID_RE.match(source_id):
            raise r.fail(f"{key}.id", f"'{source_id}' is not a safe id: use 1-64 characters a-z, 0-9, '_' "
                         "or '-', starting with a letter or digit (it names the snapshot folder)")
        if source_id in seen:
            raise r.fail(f"{key}.id", f"duplicate id '{source_id}' (also sources[{seen[source_id]}])")
        seen[source_id] = i
        sources.append(Source(
            id=source_id,
            url=r.url(src["url"], f"{key}.url"),
            name=r.optional_string(src.get("name"), f"{key}.name"),
            profile=r.choice(merged["profile"], f"{key}.profile", PROFILES),
            schedule=r.schedule(merged["schedule"], f"{key}.schedule"),
            timeout=r.number(merged["timeout"], f"{key}.timeout", minimum=1),
            select=_css_or_none(r, merged.get("select"), f"{key}.select"),
            strip=r.string_list(merged.get("strip") or [], f"{key}.strip", check=r.css),
            ignore=r.string_list(merged.get("ignore") or [], f"{key}.ignore", check=r.regex),
            fields=_read_fields(r, src.get("fields"), f"{key}.fields"),
        ))
    return tuple(sources)


def _css_or_none(r: _Reader, value: Any, key: str) -> str | None:
    if value is None:
        return None
    text = r.string(value, key)
    r.css(text, key)
    return text


def _read_fields(r: _Reader, value: Any, key: str) -> tuple[FieldRule, ...]:
    if value is None:
        return ()
    fields = r.mapping(value, key, tuple(value) if isinstance(value, dict) else ())
    rules = []
    reserved = ("country", "tier", "year")
    for name, spec in fields.items():
        k = _join(key, name)
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$", name):
            raise r.fail(k, "field names use letters, digits, '_' or '-'")
        if name in reserved:
            raise r.fail(k, f"'{name}' is a built-in field of the tip-report profile; choose another name")
        spec = r.mapping(spec, k, ("regex", "css"))
        if ("regex" in spec) == ("css" in spec):
            raise r.fail(k, "give exactly one of 'regex' or 'css'")
        if "regex" in spec:
            pattern = r.string(spec["regex"], f"{k}.regex")
            r.regex(pattern, f"{k}.regex")
            rules.append(FieldRule(name=name, regex=pattern))
        else:
            selector = r.string(spec["css"], f"{k}.css")
            r.css(selector, f"{k}.css")
            rules.append(FieldRule(name=name, css=selector))
    return tuple(rules)


def _read_channels(r: _Reader, value: Any) -> tuple[Channel, ...]:
    if not isinstance(value, list):
        raise r.fail("notify", f"must be a list of channels, not {_type_name(value)}")
    channels: list[Channel] = []
    for i, item in enumerate(value):
        key = f"notify[{i}]"
        if not isinstance(item, dict):
            raise r.fail(key, f"must be a mapping, not {_type_name(item)}")
        kind = r.choice(item.get("type"), f"{key}.type", ("webhook", "email", "apprise")) \
            if item.get("type") is not None else None
        if kind is None:
            raise r.fail(f"{key}.type", "is required (webhook, email or apprise)")
        channels.append(_CHANNEL_READERS[kind](r, item, key))
    return tuple(channels)


def _read_webhook(r: _Reader, item: dict[str, Any], key: str) -> WebhookChannel:
    c = r.mapping(item, key, ("type", "url", "secret", "on", "format", "timeout"), required=("url",))
    fmt = r.choice(c.get("format", "json"), f"{key}.format", ("json", "slack"))
    return WebhookChannel(
        url=r.url(c["url"], f"{key}.url"),
        secret=r.optional_string(c.get("secret"), f"{key}.secret") or None,
        on=r.kinds(c["on"], f"{key}.on") if c.get("on") is not None else CHANGE_KINDS,
        format="slack" if fmt == "slack" else "json",
        timeout=r.number(c.get("timeout", 10), f"{key}.timeout", minimum=1),
    )


def _read_email(r: _Reader, item: dict[str, Any], key: str) -> EmailChannel:
    c = r.mapping(item, key, ("type", "host", "port", "security", "username", "password", "from", "to",
                              "on", "digest", "timeout"), required=("host", "from", "to"))
    security = r.choice(c.get("security", "starttls"), f"{key}.security", ("starttls", "ssl", "none"))
    to = r.string_list(c["to"], f"{key}.to", check=lambda a, k: _check_address(r, a, k))
    if not to:
        raise r.fail(f"{key}.to", "must name at least one recipient")
    sender = r.string(c["from"], f"{key}.from")
    _check_address(r, sender, f"{key}.from")
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    port = int(r.number(c.get("port", default_port), f"{key}.port", minimum=1, integer=True))
    if port > 65535:
        raise r.fail(f"{key}.port", f"must be at most 65535, not {port}")
    username = r.optional_string(c.get("username"), f"{key}.username")
    password = r.optional_string(c.get("password"), f"{key}.password")
    if password and not username:
        raise r.fail(f"{key}.username", "is required when a password is given")
    return EmailChannel(
        host=r.string(c["host"], f"{key}.host"),
        port=port,
        security=security,  # type: ignore[arg-type]
        username=username or None,
        password=password or None,
        from_addr=sender,
        to=to,
        on=r.kinds(c["on"], f"{key}.on") if c.get("on") is not None else CHANGE_KINDS,
        digest=r.boolean(c.get("digest", False), f"{key}.digest"),
        timeout=r.number(c.get("timeout", 30), f"{key}.timeout", minimum=1),
    )


def _read_apprise(r: _Reader, item: dict[str, Any], key: str) -> AppriseChannel:
    c = r.mapping(item, key, ("type", "urls", "on"), required=("urls",))
    urls = r.string_list(c["urls"], f"{key}.urls")
    if not urls:
        raise r.fail(f"{key}.urls", "must list at least one Apprise URL")
    return AppriseChannel(urls=urls,
                          on=r.kinds(c["on"], f"{key}.on") if c.get("on") is not None else CHANGE_KINDS)


_CHANNEL_READERS: dict[str, Callable[[_Reader, dict[str, Any], str], Channel]] = {
    "webhook": _read_webhook, "email": _read_email, "apprise": _read_apprise,
}


def _check_address(r: _Reader, address: str, key: str) -> None:
    if any(ch in address for ch in "\r\n") or not re.match(r"^[^@\s<>,;]+@[^@\s<>,;]+$", address):
        raise r.fail(key, f"'{address}' is not a plain email address like name@example.org")


def _read_fetch(r: _Reader, value: Any) -> FetchOptions:
    if value is None:
        return FetchOptions()
    c = r.mapping(value, "fetch", ("per_host", "workers", "max_bytes", "retries"))
    d = FetchOptions()
    return FetchOptions(
        per_host=int(r.number(c.get("per_host", d.per_host), "fetch.per_host", minimum=1, integer=True)),
        workers=int(r.number(c.get("workers", d.workers), "fetch.workers", minimum=1, integer=True)),
        max_bytes=int(r.number(c.get("max_bytes", d.max_bytes), "fetch.max_bytes",
                               minimum=1024, integer=True)),
        retries=int(r.number(c.get("retries", d.retries), "fetch.retries", minimum=0, integer=True)),
    )


def _read_alerts(r: _Reader, value: Any) -> AlertOptions:
    if value is None:
        return AlertOptions()
    c = r.mapping(value, "alerts", ("failure_alert_after", "give_up_after"))
    d = AlertOptions()
    give_up = d.give_up_after
    if c.get("give_up_after") is not None:
        text = r.string(c["give_up_after"], "alerts.give_up_after")
        if not INTERVAL_RE.match(text) or interval_seconds(text) <= 0:
            raise r.fail("alerts.give_up_after", f"must be a duration like 12h or 2d, not '{text}'")
        give_up = parse_duration(text)
    return AlertOptions(
        failure_alert_after=int(r.number(c.get("failure_alert_after", d.failure_alert_after),
                                         "alerts.failure_alert_after", minimum=1, integer=True)),
        give_up_after=give_up,
    )


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "empty"}.get(type(value), type(value).__name__)


def _closest(key: str, allowed: tuple[str, ...]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return matches[0] if matches else None
