"""Plain frozen dataclasses passed between the stages of the pipeline.

config -> fetch (Page) -> extract (Document) -> compare (Change, BlockDiff) -> store (Version) -> notify (Alert)
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

TIER_ORDER: tuple[str, ...] = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3")
"""Canonical tiers, best first. ``Special Case`` is canonical too but has no place in the order."""
SPECIAL_CASE = "Special Case"
CANONICAL_TIERS: tuple[str, ...] = (*TIER_ORDER, SPECIAL_CASE)

CHANGE_KINDS: tuple[str, ...] = ("tier", "findings", "fields", "error")

EXTRACTOR_VERSION = "2"
"""Bumped whenever the extraction preset (monitor.extract, monitor.chrome) or its algorithm changes what is
kept: stored versions are then re-extracted before comparing, so that an upgrade never alerts. Kept here,
not in monitor.extract, so that a check whose pages all answer 304 need not import the extractor."""


# --------------------------------------------------------------------------- configuration

@dataclass(frozen=True)
class FieldRule:
    """An extra tracked field: exactly one of ``regex`` (first group, else whole match) or ``css``."""

    name: str
    regex: str | None = None
    css: str | None = None


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    name: str | None = None
    profile: str = "tip-report"
    schedule: str = "1d"
    timeout: float = 30.0
    select: str | None = None
    strip: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fields: tuple[FieldRule, ...] = ()

    @property
    def display_name(self) -> str:
        return self.name or self.id

    def rules_fingerprint(self, extractor_version: str) -> str:
        """A hash of everything that decides what extraction keeps (to know when to re-extract)."""
        return _rules_fingerprint(self.profile, self.select, self.strip, self.ignore, self.fields, extractor_version)


@functools.lru_cache(maxsize=16384)   # asked for every source on every check; the same few rule sets
def _rules_fingerprint(profile: str, select: str | None, strip: tuple[str, ...], ignore: tuple[str, ...],
                       fields: tuple[FieldRule, ...], extractor_version: str) -> str:
    data = {
        "v": extractor_version,
        "profile": profile,
        "select": select,
        "strip": list(strip),
        "ignore": list(ignore),
        "fields": [[f.name, f.regex, f.css] for f in fields],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- fetch

@dataclass(frozen=True)
class Page:
    """One HTTP response, decoded. ``not_modified`` is a 304 answer to a conditional GET (no body)."""

    url: str                      # the URL asked for
    final_url: str                # after redirects
    status: int
    content_type: str             # media type only, lower case, e.g. "text/html"
    body: bytes                   # decompressed bytes as received (b"" for a 304)
    text: str                     # body decoded with ``encoding``
    encoding: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    elapsed: float = 0.0

    @functools.cached_property   # asked several times per check; cached_property writes past frozen=True
    def body_hash(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


# --------------------------------------------------------------------------- extract

BlockKind = Literal["heading", "paragraph", "item"]


@dataclass(frozen=True)
class Block:
    """One unit of the narrative: a heading, a paragraph or a list item, tagged with its section."""

    kind: BlockKind
    text: str
    section: str | None = None


@dataclass(frozen=True)
class Document:
    """What a page says: tracked fields (country, tier, year, configured fields) and the ordered findings."""

    fields: Mapping[str, str | None] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()

    @property
    def tier(self) -> str | None:
        return self.fields.get("tier")

    @property
    def country(self) -> str | None:
        return self.fields.get("country")

    def to_json(self) -> dict[str, Any]:
        return {
            "fields": dict(self.fields),
            "blocks": [{"kind": b.kind, "section": b.section, "text": b.text} for b in self.blocks],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Document:
        return cls(
            fields=dict(data.get("fields") or {}),
            blocks=tuple(Block(kind=b["kind"], text=b["text"], section=b.get("section"))
                         for b in data.get("blocks") or ()),
        )

    def to_text(self) -> str:
        """A readable rendering, stable line by line, so that a plain ``diff`` of two versions means something."""
        lines = [f"{k}: {v}" for k, v in sorted(self.fields.items()) if v is not None]
        section: str | None = None
        for b in self.blocks:
            if b.section != section and b.section:
                lines.append("")
                lines.append(f"## {b.section}")
            section = b.section
            lines.append("")
            prefix = {"heading": "# ", "item": "- "}.get(b.kind, "")
            lines.append(prefix + b.text)
        return "\n".join(lines) + "\n"

    # Cached: asked several times per check, and computed by the extraction process, whose answer carries it.
    @functools.cached_property
    def content_hash(self) -> str:
        raw = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(raw).hexdigest()

    @functools.cached_property
    def word_count(self) -> int:
        return sum(len(block.text.split()) for block in self.blocks)


# --------------------------------------------------------------------------- compare

SegmentOp = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Segment:
    """A run of words in a word-level diff."""

    op: SegmentOp
    text: str


BlockOp = Literal["equal", "insert", "delete", "replace", "move"]


@dataclass(frozen=True)
class BlockDiff:
    """One step of the aligned findings: ``replace`` carries word-level ``segments``;
    ``insert``/``delete``/``move``/``equal`` carry the whole text as one segment."""

    op: BlockOp
    section: str | None
    old: Block | None
    new: Block | None
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class TierChange:
    old: str | None
    new: str | None
    direction: Literal["upgrade", "downgrade"] | None


@dataclass(frozen=True)
class FindingsChange:
    added: tuple[str, ...] = ()      # sentences
    removed: tuple[str, ...] = ()    # sentences
    moved: tuple[str, ...] = ()      # block texts
    sections: tuple[str, ...] = ()   # sections touched, in document order


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Change:
    """What differs between two documents. Built only when at least one kind changed."""

    tier: TierChange | None = None
    findings: FindingsChange | None = None
    fields: tuple[FieldChange, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        kinds = []
        if self.tier is not None:
            kinds.append("tier")
        if self.findings is not None:
            kinds.append("findings")
        if self.fields:
            kinds.append("fields")
        return tuple(kinds)


# --------------------------------------------------------------------------- store / notify

@dataclass(frozen=True)
class Version:
    """A stored version of a source's document."""

    source_id: str
    id: str                 # e.g. "20261128T060003Z-3f2a9c1b"
    created_at: datetime
    content_hash: str
    body_hash: str
    tier: str | None
    kinds: tuple[str, ...]  # what changed relative to the previous version (empty for a baseline)
    summary: str
    encoding: str
    content_type: str
    rules_fingerprint: str
    final_url: str


@dataclass(frozen=True)
class Alert:
    """An alert as queued in the outbox: a stable id, its kinds and the JSON body of SPEC §6."""

    id: str
    source_id: str
    type: Literal["change", "error", "test"]
    kinds: tuple[str, ...]
    payload: Mapping[str, Any]
    created_at: datetime


SourceStatus = Literal["new", "unchanged", "changed", "failed", "suspect", "skipped"]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking one source once."""

    source_id: str
    status: SourceStatus
    tier: str | None = None
    change: Mapping[str, Any] | None = None   # the alert body of SPEC §6, or None
    error: str | None = None
    detail: str = ""                          # a short human explanation (what changed, why suspect)
    version_id: str | None = None
    duration: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.source_id, "status": self.status, "tier": self.tier,
                "change": dict(self.change) if self.change is not None else None, "error": self.error}
