"""Reading stored versions back for review: which versions a user means, and what changed between them.

``monitor diff``, ``monitor history`` and ``monitor report`` name versions by id, by a unique id prefix or
by a date; this module turns those names into stored versions (or a :class:`UsageError` that says what
exists), and loads the documents the renderer draws. Diffing itself is :mod:`monitor.compare`'s.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from rich.text import Text

from . import render
from .compare import compare, diff_blocks
from .config import Config
from .errors import UsageError
from .models import BlockDiff, Change, Document, Source, Version
from .render import ReportEntry, format_time
from .store import Store

logger = logging.getLogger(__name__)

__all__ = ["VersionPair", "diff_for_source", "load_pair", "parse_moment", "report_entries", "resolve_version",
           "select_pair", "source_versions"]

# A date, optionally with a time (and seconds, fraction, zone): what a user types for "as of then".
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
# How many candidates an "ambiguous prefix" message lists.
MAX_LISTED = 5


def parse_moment(text: str, *, end_of_day: bool) -> datetime:
    """``YYYY-MM-DD`` or an ISO time (UTC unless it says otherwise) as an aware datetime.

    A bare date means its first instant, or with ``end_of_day`` its last one - ``--to 2026-11-28`` means
    "as of that day", ``--since 2026-11-28`` means "from that day on".
    """
    text = text.strip()
    if not _MOMENT.fullmatch(text):
        raise UsageError(f"'{text}' is not a date: use YYYY-MM-DD or an ISO time such as 2026-11-28T06:00Z")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"'{text}' is not a valid date or time") from None
    if _DATE_ONLY.fullmatch(text):
        moment = datetime.combine(moment.date(), time.max if end_of_day else time.min)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def resolve_version(versions: Sequence[Version], spec: str, source_id: str) -> Version:
    """The version ``spec`` names: an exact id, a date/time (the last version at or before it), or a
    unique id prefix. Raises :class:`UsageError` naming what exists otherwise."""
    spec = spec.strip()
    if not versions:
        raise UsageError(f"no versions are stored for '{source_id}' yet")
    for v in versions:
        if v.id == spec:
            return v
    if _MOMENT.fullmatch(spec):
        moment = parse_moment(spec, end_of_day=True)
        before = [v for v in versions if v.created_at <= moment]
        if not before:
            raise UsageError(f"no version of '{source_id}' at or before {spec}; the first is "
                             f"{versions[0].id} from {format_time(versions[0].created_at)}")
        return before[-1]
    matches = [v for v in versions if spec and v.id.startswith(spec)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listed = ", ".join(v.id for v in matches[:MAX_LISTED]) + (", ..." if len(matches) > MAX_LISTED else "")
        raise UsageError(f"version '{spec}' of '{source_id}' is ambiguous: it matches {len(matches)} "
                         f"versions ({listed}); give more of the id")
    raise UsageError(f"no version '{spec}' of '{source_id}'; see 'monitor history {source_id}' "
                     f"(versions are named by id, unique id prefix, or date YYYY-MM-DD)")


def select_pair(versions: Sequence[Version], source_id: str, from_spec: str | None = None,
                to_spec: str | None = None) -> tuple[Version, Version] | None:
    """The two versions to compare: by default the last change (the latest version and the one before).

    ``--to`` alone compares a version with its predecessor; ``--from`` alone compares with the latest.
    ``None`` when only a baseline exists and nothing was asked for.
    """
    if not versions:
        raise UsageError(f"no versions are stored for '{source_id}' yet; run 'monitor check {source_id}'")
    new = resolve_version(versions, to_spec, source_id) if to_spec else versions[-1]
    if from_spec:
        return resolve_version(versions, from_spec, source_id), new
    index = versions.index(new)
    if index == 0:
        if to_spec:
            raise UsageError(f"version {new.id} is the first stored version of '{source_id}'; "
                             f"there is nothing before it to compare with")
        return None
    return versions[index - 1], new


@dataclass(frozen=True)
class VersionPair:
    """Two stored versions with their documents, the change between them and the aligned findings."""

    old: Version
    new: Version
    old_document: Document
    new_document: Document
    change: Change | None
    diffs: tuple[BlockDiff, ...]


def load_pair(store: Store, old: Version, new: Version) -> VersionPair:
    old_doc, new_doc = store.load_document(old), store.load_document(new)
    return VersionPair(old=old, new=new, old_document=old_doc, new_document=new_doc,
                       change=compare(old_doc, new_doc), diffs=tuple(diff_blocks(old_doc.blocks, new_doc.blocks)))


def report_entries(store: Store, source_ids: Iterable[str], sources: Mapping[str, Source],
                   since: datetime | None = None) -> list[ReportEntry]:
    """Every stored change (a version that is not a baseline) of the given sources since ``since``."""
    entries: list[ReportEntry] = []
    for source_id in source_ids:
        versions = store.versions(source_id)
        source = sources.get(source_id)
        for previous, version in zip(versions, versions[1:], strict=False):
            if since is not None and version.created_at < since:
                continue
            pair = load_pair(store, previous, version)
            if pair.change is None and not version.kinds:
                continue  # stored again without a change (e.g. new extraction rules): nothing to review
            entries.append(_entry(source_id, source, pair))
    logger.debug("report: %s changes from %s", len(entries), store.root)
    return entries


def _entry(source_id: str, source: Source | None, pair: VersionPair) -> ReportEntry:
    change = pair.change
    return ReportEntry(
        source_id=source_id,
        source_name=source.display_name if source else source_id,
        source_url=source.url if source else pair.new.final_url,
        detected_at=pair.new.created_at,
        old_version=pair.old.id,
        new_version=pair.new.id,
        summary=pair.new.summary or (", ".join(pair.new.kinds) or "changed"),
        tier=change.tier if change else None,
        current_tier=pair.new_document.tier,
        fields=change.fields if change else (),
        diffs=pair.diffs,
    )


def default_since(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def source_versions(store: Store, config: Config, source_id: str) -> list[Version]:
    """The stored versions of a source that is configured or has versions (a source removed from the
    configuration stays reviewable); :class:`UsageError` for an id that is neither."""
    versions = store.versions(source_id)
    if not versions and config.source(source_id) is None:
        known = sorted({s.id for s in config.sources} | set(store.source_ids()))
        raise UsageError(f"unknown source id '{source_id}'; known: {', '.join(known) or 'none'}")
    return versions


def diff_for_source(store: Store, config: Config, source_id: str, from_spec: str | None = None,
                    to_spec: str | None = None, *, unified: bool = False, color: bool = False) -> Text:
    """``monitor diff``: the heading and the word-level diff (or a unified diff) of two stored versions."""
    versions = source_versions(store, config, source_id)
    if not versions:
        return Text(f"no versions are stored for '{source_id}' yet; run 'monitor check {source_id}'\n")
    pair = select_pair(versions, source_id, from_spec, to_spec)
    if pair is None:
        return Text(f"only the baseline {versions[0].id} is stored for '{source_id}': no change yet\n")
    loaded = load_pair(store, *pair)
    if unified:
        return Text(render.render_unified(loaded.old_document.to_text(), loaded.new_document.to_text(),
                                          f"{source_id}/{loaded.old.id}", f"{source_id}/{loaded.new.id}"))
    source = config.source(source_id)
    out = Text(render.diff_heading(source_id, source.display_name if source else source_id, loaded.old,
                                   loaded.new) + "\n")
    change = loaded.change
    view = render.change_view(loaded.diffs, tier=change.tier if change else None,
                              fields=change.fields if change else (), current_tier=loaded.new_document.tier)
    out.append_text(render.render_diff(view, color=color))
    if change is None:
        out.append("\nNo differences in the tier, fields or findings.\n")
    return out
