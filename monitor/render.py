"""The one renderer: terminal diffs, unified diffs, the history table, the HTML report and the alert bodies.

Everything here is pure: documents, diffs, versions and alert payloads in, text or HTML out. The terminal
diff, the email body and the report all draw the same picture - the tier move on top, then the changed
findings grouped by section with the changed words marked - so an analyst reads one format everywhere.

Everything shown comes from pages and is untrusted: HTML goes through jinja2 with autoescaping (and a
Content-Security-Policy that forbids scripts), links are only ever http(s), and every body is bounded in
size so that a rewritten page cannot produce a megabyte email.
"""

from __future__ import annotations

import difflib
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import escape
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .models import Block, BlockDiff, FieldChange, Segment, TierChange, Version

if TYPE_CHECKING:
    from .config import Config

logger = logging.getLogger(__name__)

__all__ = [
    "ChangeView",
    "ReportEntry",
    "SectionGroup",
    "change_view",
    "history_json",
    "history_table",
    "history_text",
    "render_alert_html",
    "render_alert_text",
    "render_diff",
    "render_report_html",
    "render_terminal_diff_for_source",
    "render_unified",
]

# A moved paragraph is named, not reprinted: its words did not change.
MOVED_PREVIEW_CHARS = 200
# Field values and names come from pages; keep each one readable in a header line.
MAX_VALUE_CHARS = 500
# The note that replaces what a size bound cut off; its length is reserved in every budget.
MORE_NOTE = "... {n} more changes not shown"
MORE_NOTE_RESERVE = 60

TIME_FORMAT = "%Y-%m-%d %H:%M UTC"

STYLE_INSERT = "bold green"
STYLE_DELETE = "red strike"
STYLE_MOVE = "cyan"
STYLE_SECTION = "bold"
STYLE_DIRECTION = {"downgrade": "bold red", "upgrade": "bold green"}


# --------------------------------------------------------------------------- the shared picture

@dataclass(frozen=True)
class SectionGroup:
    """Consecutive changed blocks of one section (``None``: the report has no sections there)."""

    section: str | None
    diffs: tuple[BlockDiff, ...]


@dataclass(frozen=True)
class ChangeView:
    """What one change looks like, whatever the output: tier, fields, findings by section."""

    tier: TierChange | None = None
    current_tier: str | None = None          # shown as "unchanged" when the tier did not move
    fields: tuple[FieldChange, ...] = ()
    groups: tuple[SectionGroup, ...] = ()
    hidden: int = 0                          # changed blocks left out by a size bound
    sections: tuple[str, ...] = ()           # sections touched, when the blocks themselves are unknown

    @property
    def shown(self) -> int:
        return sum(len(g.diffs) for g in self.groups)

    @property
    def is_empty(self) -> bool:
        return self.tier is None and not self.fields and not self.groups and not self.hidden


def change_view(diffs: Iterable[BlockDiff], *, tier: TierChange | None = None,
                fields: Sequence[FieldChange] = (), current_tier: str | None = None) -> ChangeView:
    """Group the changed blocks of ``diffs`` (equal steps dropped) by section, in document order."""
    return ChangeView(tier=tier, current_tier=current_tier, fields=tuple(fields),
                      groups=tuple(_group_by_section(d for d in diffs if d.op != "equal")))


def _group_by_section(diffs: Iterable[BlockDiff]) -> list[SectionGroup]:
    groups: list[SectionGroup] = []
    current: list[BlockDiff] = []
    for diff in diffs:
        if current and diff.section != current[0].section:
            groups.append(SectionGroup(current[0].section, tuple(current)))
            current = []
        current.append(diff)
    if current:
        groups.append(SectionGroup(current[0].section, tuple(current)))
    return groups


def _limit_view(view: ChangeView, cost: Callable[[BlockDiff], int], budget: int) -> ChangeView:
    """Keep the changed blocks, in order, while their cost fits ``budget``; count the rest as hidden.

    A single block bigger than the whole budget is clipped rather than dropped, so the first change is
    always visible.
    """
    kept_groups: list[SectionGroup] = []
    spent = 0
    hidden = view.hidden
    for group in view.groups:
        kept: list[BlockDiff] = []
        for diff in group.diffs:
            if hidden:
                hidden += 1
                continue
            price = cost(diff)
            if spent + price > budget:
                if spent == 0 and not kept_groups and not kept:
                    clipped = _clip_diff(diff, max(budget // 2, 200))
                    kept.append(clipped)
                    spent += cost(clipped)
                    continue
                hidden += 1
                continue
            kept.append(diff)
            spent += price
        if kept:
            kept_groups.append(SectionGroup(group.section, tuple(kept)))
    return replace(view, groups=tuple(kept_groups), hidden=hidden)


def _clip_diff(diff: BlockDiff, limit: int) -> BlockDiff:
    """The same step with its segments cut to about ``limit`` characters in total."""
    segments: list[Segment] = []
    left = limit
    for seg in diff.segments:
        if left <= 0:
            break
        if len(seg.text) > left:
            segments.append(Segment(seg.op, seg.text[:left].rstrip() + " …"))
            left = 0
        else:
            segments.append(seg)
            left -= len(seg.text)
    return replace(diff, segments=tuple(segments))


def _clip(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary when there is one nearby."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _one_line(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _kind_prefix(diff: BlockDiff) -> str:
    block: Block | None = diff.new or diff.old
    if block is None:
        return ""
    return {"heading": "# ", "item": "- "}.get(block.kind, "")


def _kind_class(diff: BlockDiff) -> str:
    block: Block | None = diff.new or diff.old
    return f"kind-{block.kind}" if block is not None else ""


def _moved_note(diff: BlockDiff) -> str:
    old_section = diff.old.section if diff.old is not None else None
    if old_section and old_section != diff.section:
        return f"moved from {old_section}"
    return "moved"


def _moved_preview(diff: BlockDiff) -> str:
    text = "".join(s.text for s in diff.segments) or (diff.new.text if diff.new else "")
    return _clip(text, MOVED_PREVIEW_CHARS)


def _tier_words(tier: TierChange) -> str:
    text = f"{tier.old or 'no tier'} → {tier.new or 'no tier'}"
    return f"{text} ({tier.direction})" if tier.direction else text


def _field_words(change: FieldChange) -> str:
    def value(v: str | None) -> str:
        return "(none)" if v is None else _clip(_one_line(v))
    return f"{_one_line(change.name)}: {value(change.old)} → {value(change.new)}"


def _section_title(section: str | None) -> str:
    return section if section else "Findings"


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def _format_iso(text: str | None) -> str:
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return _one_line(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_time(moment)


def safe_url(url: object) -> str | None:
    """``url`` when it is an http(s) URL that can be a link, else ``None`` (never a ``javascript:`` link)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if url.lower().startswith(("http://", "https://")) and not any(ch.isspace() or ch in "\"'<>`" for ch in url):
        return url
    return None


# --------------------------------------------------------------------------- terminal and plain text

def render_diff(view: ChangeView, *, color: bool) -> Text:
    """The tier line, changed fields, then the findings by section.

    With ``color`` the changed words are styled (green inserted, red struck-through deleted); without it
    they are marked ``{+added+}`` and ``[-removed-]``, so the output reads the same in a pipe or a log.
    Use ``.plain`` of the result for a string.
    """
    out = Text()
    lines = _header_lines(view, color=color)
    for line in lines:
        out.append_text(line)
        out.append("\n")
    for group in view.groups:
        if out.plain:
            out.append("\n")
        out.append(f"## {_section_title(group.section)}", style=STYLE_SECTION if color else "")
        out.append("\n")
        for diff in group.diffs:
            out.append("\n")
            out.append_text(_diff_line(diff, color=color))
            out.append("\n")
    if view.hidden:
        out.append("\n" + MORE_NOTE.format(n=view.hidden) + "\n")
    return out


def _header_lines(view: ChangeView, *, color: bool) -> list[Text]:
    lines: list[Text] = []
    if view.tier is not None:
        style = STYLE_DIRECTION.get(view.tier.direction or "", "bold") if color else ""
        lines.append(Text.assemble("Tier: ", (_tier_words(view.tier), style)))
    elif view.current_tier:
        lines.append(Text(f"Tier: {view.current_tier} (unchanged)"))
    lines.extend(Text(_field_words(f)) for f in view.fields)
    if view.sections:
        lines.append(Text("Sections touched: " + ", ".join(_one_line(s) for s in view.sections)))
    return lines


def _diff_line(diff: BlockDiff, *, color: bool) -> Text:
    line = Text(_kind_prefix(diff))
    if diff.op == "move":
        note = f"[{_moved_note(diff)}] "
        line.append(note, style=STYLE_MOVE if color else "")
        line.append(_moved_preview(diff), style="dim" if color else "")
        return line
    for seg in diff.segments:
        _append_segment(line, seg, color=color)
    return line


def _append_segment(line: Text, seg: Segment, *, color: bool) -> None:
    if seg.op == "equal":
        line.append(seg.text)
    elif color:
        line.append(seg.text, style=STYLE_INSERT if seg.op == "insert" else STYLE_DELETE)
    elif seg.op == "insert":
        line.append("{+" + seg.text + "+}")
    else:
        line.append("[-" + seg.text + "-]")


def _text_cost(diff: BlockDiff) -> int:
    return len(_diff_line(diff, color=False).plain) + 2


def render_unified(old_text: str, new_text: str, old_label: str, new_label: str, *, context: int = 3) -> str:
    """A plain unified diff of two documents' normalized text (``Document.to_text()``)."""
    lines = difflib.unified_diff(old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                 fromfile=old_label, tofile=new_label, n=context)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


# --------------------------------------------------------------------------- history

def _history_rows(versions: Sequence[Version]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for v in reversed(versions):  # newest first
        change = "baseline" if not v.kinds else (v.summary or ", ".join(v.kinds))
        rows.append((format_time(v.created_at), v.id, v.tier or "-", v.content_hash[:12], _one_line(change)))
    return rows


HISTORY_HEADERS = ("TIME", "VERSION", "TIER", "HASH", "CHANGE")


def history_text(versions: Sequence[Version]) -> str:
    """The history as aligned plain columns, newest first."""
    rows = [HISTORY_HEADERS, *_history_rows(versions)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HISTORY_HEADERS) - 1)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)), r[-1]]).rstrip()
             for r in rows]
    return "\n".join(lines) + "\n"


def history_table(versions: Sequence[Version], title: str | None = None) -> Table:
    """The history as a rich table for a terminal, newest first."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for header in HISTORY_HEADERS:
        table.add_column(header, overflow="fold", no_wrap=header in ("TIME", "VERSION", "HASH"))
    for row in _history_rows(versions):
        table.add_row(*(Text(c) for c in row))
    return table


def history_json(source_id: str, versions: Sequence[Version]) -> str:
    """The history as JSON, oldest first (the order scripts expect to replay it in)."""
    data = {
        "source": source_id,
        "versions": [
            {"id": v.id, "created_at": v.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "tier": v.tier, "content_hash": v.content_hash, "kinds": list(v.kinds), "summary": v.summary}
            for v in versions
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------- alert bodies

def _payload_view(payload: Mapping[str, Any], diffs: Sequence[BlockDiff] | None) -> ChangeView:
    """The picture of a change alert: from the block diffs when given, else from the payload's sentences."""
    tier = _payload_tier(payload.get("tier"))
    fields = _payload_fields(payload.get("fields"))
    if diffs is not None:
        return change_view(diffs, tier=tier, fields=fields)
    findings = payload.get("findings")
    if not isinstance(findings, Mapping):
        return ChangeView(tier=tier, fields=fields)
    # Without the blocks we only know sentences and the sections touched, not which sentence is where.
    steps: list[BlockDiff] = []
    for text in _strings(findings.get("removed")):
        steps.append(BlockDiff("delete", None, Block("paragraph", text), None, (Segment("delete", text),)))
    for text in _strings(findings.get("added")):
        steps.append(BlockDiff("insert", None, None, Block("paragraph", text), (Segment("insert", text),)))
    for text in _strings(findings.get("moved")):
        block = Block("paragraph", text)
        steps.append(BlockDiff("move", None, block, block, (Segment("equal", text),)))
    view = change_view(steps, tier=tier, fields=fields)
    return replace(view, sections=tuple(_strings(findings.get("sections"))))


def _strings(value: object) -> list[str]:
    if not isinstance(value, list | tuple):
        return []
    return [str(v) for v in value if v is not None]


def _payload_tier(value: object) -> TierChange | None:
    if not isinstance(value, Mapping):
        return None
    direction = value.get("direction")
    return TierChange(old=_opt_str(value.get("old")), new=_opt_str(value.get("new")),
                      direction=direction if direction in ("upgrade", "downgrade") else None)


def _payload_fields(value: object) -> tuple[FieldChange, ...]:
    if not isinstance(value, Mapping):
        return ()
    changes = []
    for name, change in value.items():
        if isinstance(change, Mapping):
            changes.append(FieldChange(str(name), _opt_str(change.get("old")), _opt_str(change.get("new"))))
    return tuple(changes)


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class _AlertFacts:
    """The payload members every alert body shows, cleaned for display."""

    type: str
    summary: str
    source_name: str
    source_id: str
    source_url: str | None
    raw_url: str
    detected: str
    old_version: str
    new_version: str
    error_message: str = ""
    failures: int = 0
    recovered: bool = False
    failing_since: str = ""


def _member(payload: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = payload.get(name)
    return value if isinstance(value, Mapping) else {}


def _alert_facts(payload: Mapping[str, Any]) -> _AlertFacts:
    source, versions, error = _member(payload, "source"), _member(payload, "versions"), _member(payload, "error")
    raw_url = _one_line(str(source.get("url") or ""))
    failures = error.get("consecutive_failures")
    return _AlertFacts(
        type=str(payload.get("type") or "change"),
        summary=_clip(_one_line(str(payload.get("summary") or "")), 1000),
        source_name=_clip(_one_line(str(source.get("name") or source.get("id") or "")), 200),
        source_id=_clip(_one_line(str(source.get("id") or "")), 100),
        source_url=safe_url(raw_url),
        raw_url=_clip(raw_url, 1000),
        detected=_format_iso(payload.get("detected_at")),
        old_version=_one_line(str(versions.get("old") or "")),
        new_version=_one_line(str(versions.get("new") or "")),
        error_message=_clip(str(error.get("message") or "").strip(), 4000),
        failures=failures if isinstance(failures, int) else 0,
        recovered=bool(error.get("recovered")),
        failing_since=_format_iso(error.get("failing_since")),
    )


TEST_MESSAGE = ("This is a test alert from report monitor. If you can read it, alerts reach you "
                "through this channel. Nothing changed on any monitored page.")


def render_alert_text(payload: Mapping[str, Any], diffs: Sequence[BlockDiff] | None, *,
                      max_chars: int = 20000) -> str:
    """The plain-text email body of an alert (SPEC §6): tier move on top, then the findings diff with
    ``{+added+}``/``[-removed-]`` markers, by section; at most ``max_chars`` characters."""
    facts = _alert_facts(payload)
    head = [facts.summary, ""] if facts.summary else []
    if facts.type == "test":
        return _bounded("\n".join([*head, TEST_MESSAGE]) + "\n", max_chars)
    foot = _footer_text(facts)
    if facts.type == "error":
        return _bounded("\n".join([*head, *_error_text(facts), *foot]) + "\n", max_chars)
    view = _payload_view(payload, diffs)
    fixed = len("\n".join([*head, *foot])) + len(_header_text(view))
    view = _limit_view(view, _text_cost, max(max_chars - fixed - MORE_NOTE_RESERVE - 8, 0))
    diff_text = render_diff(view, color=False).plain.rstrip("\n")
    return _bounded("\n".join([*head, diff_text, "", *foot]) + "\n", max_chars)


def _header_text(view: ChangeView) -> str:
    return "\n".join(t.plain for t in _header_lines(view, color=False))


def _error_text(facts: _AlertFacts) -> list[str]:
    if facts.recovered:
        lines = [f"{facts.source_name} is reachable again after {facts.failures} failed checks."]
    else:
        lines = [f"{facts.source_name} has failed {facts.failures} checks in a row.", "",
                 f"Error: {facts.error_message}"]
    if facts.failing_since:
        lines.append(f"Failing since: {facts.failing_since}")
    lines.append("")
    return lines


def _footer_text(facts: _AlertFacts) -> list[str]:
    lines = []
    if facts.raw_url:
        lines.append(f"Source: {facts.source_name} <{facts.raw_url}>")
    if facts.old_version or facts.new_version:
        lines.append(f"Versions: {facts.old_version or '-'} → {facts.new_version or '-'}")
    if facts.detected:
        lines.append(f"Detected: {facts.detected}")
    return lines


def _bounded(text: str, max_chars: int) -> str:
    """A last guard on the size bound: never more than ``max_chars`` whatever the fixed parts held."""
    if len(text) <= max_chars:
        return text
    note = "\n... truncated\n"
    return text[:max(max_chars - len(note), 0)] + note


def render_alert_html(payload: Mapping[str, Any], diffs: Sequence[BlockDiff] | None, *,
                      max_chars: int = 100000) -> str:
    """The HTML email body of an alert: the same picture as the text body, with ``<ins>``/``<del>``,
    inline styles (mail clients drop style sheets), no scripts, at most ``max_chars`` characters."""
    facts = _alert_facts(payload)
    template = _environment().get_template("alert.html.j2")

    def render(view: ChangeView | None) -> str:
        return template.render(facts=facts, view=view, test_message=TEST_MESSAGE, more_note=MORE_NOTE,
                               tier_words=_tier_words, field_words=_field_words, section_title=_section_title,
                               kind_class=_kind_class, moved_note=_moved_note, moved_preview=_moved_preview)

    if facts.type != "change":
        return _bounded_html(render(None), max_chars)
    view = _payload_view(payload, diffs)
    return _render_within(view, render, max_chars)


def _html_cost(diff: BlockDiff) -> int:
    # An upper bound of what the template writes for one block: escaped text plus tags and styles.
    return sum(len(escape(s.text)) + 80 for s in diff.segments) + 200


def _render_within(view: ChangeView, render: Callable[[ChangeView], str], max_chars: int) -> str:
    """Render with as many changed blocks as fit ``max_chars``, measuring the fixed parts first."""
    fixed = len(render(replace(view, groups=(), hidden=0)))
    budget = max_chars - fixed - MORE_NOTE_RESERVE - 200
    limited = _limit_view(view, _html_cost, max(budget, 0))
    html = render(limited)
    while len(html) > max_chars and limited.groups:
        # The cost estimate was too low for this content: drop the last group and say so.
        dropped = limited.groups[-1]
        limited = replace(limited, groups=limited.groups[:-1], hidden=limited.hidden + len(dropped.diffs))
        html = render(limited)
    return _bounded_html(html, max_chars)


def _bounded_html(html: str, max_chars: int) -> str:
    if len(html) <= max_chars:
        return html
    # Only reachable when the fixed parts alone exceed the bound (a tiny max_chars): fall back to text.
    logger.warning("HTML body of %s characters exceeds the bound of %s; sending a minimal body", len(html),
                   max_chars)
    return _bounded("<!DOCTYPE html><p>This alert is too large to show; see the text part.</p>", max_chars)


# --------------------------------------------------------------------------- the HTML report

@dataclass(frozen=True)
class ReportEntry:
    """One stored change of one source, ready to render in the report."""

    source_id: str
    source_name: str
    source_url: str
    detected_at: datetime
    old_version: str | None
    new_version: str
    summary: str
    tier: TierChange | None = None
    current_tier: str | None = None
    fields: tuple[FieldChange, ...] = ()
    diffs: tuple[BlockDiff, ...] = field(default=())

    @property
    def anchor(self) -> str:
        return f"{self.source_id}-{self.new_version}"

    @property
    def view(self) -> ChangeView:
        return change_view(self.diffs, tier=self.tier, fields=self.fields, current_tier=self.current_tier)


# The report is read on screen and printed; each entry keeps at most this much diff (it can be huge when a
# page was rewritten), and says how much it left out.
REPORT_ENTRY_MAX_CHARS = 200_000


def render_report_html(entries: Sequence[ReportEntry], generated_at: datetime, *,
                       since: datetime | None = None) -> str:
    """One self-contained HTML page of ``entries``, newest first, with an index at the top.

    Inline CSS only: no scripts, no external resources (a Content-Security-Policy forbids both), and it
    prints cleanly.
    """
    ordered = sorted(entries, key=lambda e: e.detected_at, reverse=True)
    items = [{"entry": e, "view": _limit_view(e.view, _html_cost, REPORT_ENTRY_MAX_CHARS),
              "url": safe_url(e.source_url)} for e in ordered]
    template = _environment().get_template("report.html.j2")
    return template.render(
        items=items, css=_report_css(), generated=format_time(generated_at),
        since=format_time(since) if since else None, sources=sorted({e.source_id for e in ordered}),
        more_note=MORE_NOTE, tier_words=_tier_words, field_words=_field_words, section_title=_section_title,
        kind_class=_kind_class, moved_note=_moved_note, moved_preview=_moved_preview, format_time=format_time,
        direction_class=_direction_class)


def _direction_class(tier: TierChange | None) -> str:
    if tier is None:
        return "same"
    return tier.direction or "lateral"


@cache
def _environment() -> Environment:
    # autoescape=True for every template: they are all HTML, and everything they show is untrusted.
    return Environment(loader=PackageLoader("monitor", "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@cache
def _report_css() -> str:
    return resources.files("monitor").joinpath("templates", "report.css").read_text(encoding="utf-8")


def diff_heading(source_id: str, name: str, old: Version, new: Version) -> str:
    """The lines above ``monitor diff``: which source, which two versions, when."""
    title = f"{name} [{source_id}]" if name and name != source_id else source_id
    return (f"{_one_line(title)}\n"
            f"from {old.id}  {format_time(old.created_at)}\n"
            f"to   {new.id}  {format_time(new.created_at)}\n")


def render_terminal_diff_for_source(config: Config, source_id: str, *, color: bool = False,
                                    from_spec: str | None = None, to_spec: str | None = None) -> str:
    """What ``monitor diff ID`` prints (by default the last change), as a string; ANSI-coloured with
    ``color``."""
    from .review import diff_for_source  # review builds on this module
    from .store import Store

    with Store(config.storage) as store:
        text = diff_for_source(store, config, source_id, from_spec, to_spec, color=color)
    if not color:
        return text.plain
    console = Console(force_terminal=True, highlight=False, soft_wrap=True, width=120)
    with console.capture() as captured:
        console.print(text, end="")
    return captured.get()
