"""Comparison: two documents in, one :class:`~monitor.models.Change` out (SPEC §5), plus its one-line summary (§6).

Everything here is pure. The findings are aligned in three passes - blocks, then sentences, then words - so
that the cost follows the size of the edit, not the size of the document: identical documents return at
once, and a few edits in a long narrative only ever word-diff the handful of paragraphs that changed.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from typing import Literal

from monitor.models import (
    TIER_ORDER,
    Block,
    BlockDiff,
    Change,
    Document,
    FieldChange,
    FindingsChange,
    Segment,
    TierChange,
)

logger = logging.getLogger(__name__)

__all__ = ["compare", "diff_blocks", "split_sentences", "summarize", "tier_direction", "word_diff"]

Direction = Literal["upgrade", "downgrade"]

# A replaced paragraph is paired with an old one only when at least this similar (difflib ratio over words);
# below it the edit is reported as a removal plus an addition, which reads better than a word soup.
SIMILARITY_THRESHOLD = 0.5
# How many unpaired old blocks, from the last pairing on, a new block is compared with. Bounds the pairing
# of a wholesale rewrite to O(n * window) instead of O(n^2) similarity computations.
PAIRING_WINDOW = 8
# Field values come from the page: keep the summary (an email subject) short whatever a page says.
MAX_SUMMARY_VALUE = 80


# --------------------------------------------------------------------------- public entry points

def compare(old: Document, new: Document) -> Change | None:
    """What changed from ``old`` to ``new``: tier, findings and fields, or ``None`` when nothing did."""
    if old is new or (old.blocks == new.blocks and _fields_equal(old, new)):
        return None
    tier = _tier_change(old, new)
    fields = _field_changes(old, new)
    findings = _findings_change(old.blocks, new.blocks)
    if tier is None and findings is None and not fields:
        # Only block kinds or section tags differ: the same text read the same way is not a change.
        return None
    return Change(tier=tier, findings=findings, fields=fields)


def tier_direction(old: str | None, new: str | None) -> Direction | None:
    """``upgrade``/``downgrade`` by :data:`TIER_ORDER`; ``None`` when a side is Special Case, unknown or equal."""
    if old not in TIER_ORDER or new not in TIER_ORDER:
        return None
    old_rank, new_rank = TIER_ORDER.index(old), TIER_ORDER.index(new)
    if new_rank < old_rank:
        return "upgrade"
    if new_rank > old_rank:
        return "downgrade"
    return None


def diff_blocks(old: Sequence[Block], new: Sequence[Block]) -> list[BlockDiff]:
    """Align two block sequences by their text, in new-document order with deletions where they were.

    Identical text at another position is a ``move``; an edited paragraph paired with its similar
    predecessor is a ``replace`` carrying a word diff; the rest are ``insert``/``delete``/``equal``.
    Block kinds and sections are carried along but never make two texts differ.
    """
    old_texts = [b.text for b in old]
    new_texts = [b.text for b in new]
    opcodes = _block_opcodes(old_texts, new_texts)
    deleted = [i for tag, i1, i2, _, _ in opcodes if tag in ("delete", "replace") for i in range(i1, i2)]
    inserted = [j for tag, _, _, j1, j2 in opcodes if tag in ("insert", "replace") for j in range(j1, j2)]
    moves = _pair_moves(old_texts, new_texts, deleted, inserted)
    moved_old = set(moves.values())

    diffs: list[BlockDiff] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            diffs.extend(_equal(old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        free_old = [i for i in range(i1, i2) if i not in moved_old]
        free_new = [j for j in range(j1, j2) if j not in moves]
        pairs = _pair_similar(old_texts, new_texts, free_old, free_new)
        diffs.extend(_region_diffs(old, new, range(j1, j2), free_old, pairs, moves))
    return diffs


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """A word-level diff: joining the equal+delete texts gives ``old``, the equal+insert texts give ``new``.

    Words, numbers and punctuation are compared as units; whitespace between two changes is folded into
    them, and each changed run reads as one deletion followed by one insertion.
    """
    if old == new:
        return (Segment("equal", old),) if old else ()
    raw: list[tuple[str, str]] = []
    _diff_tokens(_TOKEN.findall(old), _TOKEN.findall(new), raw)
    return _tidy_segments(raw)


# difflib's matcher is quadratic on repetitive input: past this many token pairs, a region is first aligned
# by sentences, and a region still too large is shown as replaced whole. Real edits stay word-level.
_MAX_TOKEN_PAIRS = 250_000


def _diff_tokens(old: list[str], new: list[str], raw: list[tuple[str, str]]) -> None:
    if len(old) * len(new) <= _MAX_TOKEN_PAIRS:
        _match_tokens(old, new, raw)
        return
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    if head:
        raw.append(("equal", "".join(old[:head])))
    old_mid, new_mid = old[head:len(old) - tail], new[head:len(new) - tail]
    if len(old_mid) * len(new_mid) <= _MAX_TOKEN_PAIRS:
        _match_tokens(old_mid, new_mid, raw)
    else:
        _match_sentences(old_mid, new_mid, raw)
    if tail:
        raw.append(("equal", "".join(old[len(old) - tail:])))


def _match_tokens(old: list[str], new: list[str], raw: list[tuple[str, str]]) -> None:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            raw.append(("delete", "".join(old[i1:i2])))
        if j2 > j1:
            raw.append(("insert", "".join(new[j1:j2])))


def _match_sentences(old: list[str], new: list[str], raw: list[tuple[str, str]]) -> None:
    old_chunks, new_chunks = _sentence_chunks(old), _sentence_chunks(new)
    if len(old_chunks) * len(new_chunks) > _MAX_TOKEN_PAIRS:
        raw.extend((("delete", "".join(old)), ("insert", "".join(new))))
        return
    old_keys, new_keys = ["".join(c) for c in old_chunks], ["".join(c) for c in new_chunks]
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(old_keys[i1:i2])))
            continue
        old_part = [t for chunk in old_chunks[i1:i2] for t in chunk]
        new_part = [t for chunk in new_chunks[j1:j2] for t in chunk]
        if old_part and new_part and len(old_part) * len(new_part) <= _MAX_TOKEN_PAIRS:
            _match_tokens(old_part, new_part, raw)
            continue
        if old_part:
            raw.append(("delete", "".join(old_part)))
        if new_part:
            raw.append(("insert", "".join(new_part)))


def _sentence_chunks(tokens: list[str]) -> list[list[str]]:
    """Tokens grouped into runs that end with sentence punctuation and the whitespace after it."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for i, token in enumerate(tokens):
        current.append(token)
        if token.isspace() and i > 0 and tokens[i - 1] in (".", "!", "?", ";"):
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def split_sentences(text: str) -> list[str]:
    """Split narrative text into sentences, keeping abbreviations (U.S., Dr., No. 5, e.g.), decimals
    and closing quotes with the sentence they belong to. Text without a sentence end is one sentence."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if not _is_sentence_end(text, match):
            continue
        sentence = text[start:match.end(2)].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def summarize(change: Change, label: str) -> str:
    """The one-line summary of SPEC §6, e.g.
    ``Cambodia: Tier 2 Watch List → Tier 3 (downgrade); 3 sentences added, 1 removed``."""
    parts: list[str] = []
    if change.tier is not None:
        parts.append(_tier_summary(change.tier))
    if change.findings is not None:
        parts.append(_findings_summary(change.findings))
    if change.fields:
        parts.append(", ".join(_field_summary(f) for f in change.fields))
    return f"{_one_line(label)}: {'; '.join(parts) if parts else 'no change'}"


# --------------------------------------------------------------------------- tier and fields

def _fields_equal(old: Document, new: Document) -> bool:
    return not _differing_field_names(old, new)


def _differing_field_names(old: Document, new: Document) -> list[str]:
    # A field missing on one side equals a field present with no value: both mean "not found".
    names = set(old.fields) | set(new.fields)
    return sorted(n for n in names if old.fields.get(n) != new.fields.get(n))


def _tier_change(old: Document, new: Document) -> TierChange | None:
    if old.tier == new.tier:
        return None
    return TierChange(old=old.tier, new=new.tier, direction=tier_direction(old.tier, new.tier))


# The profile's own fields are not "fields" changes (SPEC §5: a *configured* field differs): the tier has its
# own kind, and the country and year describe the page (a country that changes is held as suspect).
PROFILE_FIELDS = frozenset({"tier", "country", "year"})


def _field_changes(old: Document, new: Document) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(name=n, old=old.fields.get(n), new=new.fields.get(n))
                 for n in _differing_field_names(old, new) if n not in PROFILE_FIELDS)


# --------------------------------------------------------------------------- findings: blocks

def _findings_change(old: Sequence[Block], new: Sequence[Block]) -> FindingsChange | None:
    if old == new or [b.text for b in old] == [b.text for b in new]:
        return None
    changed = [d for d in diff_blocks(old, new) if d.op != "equal"]
    if not changed:
        return None
    added: list[str] = []
    removed: list[str] = []
    for d in changed:
        plus, minus = _sentence_delta(d)
        added.extend(plus)
        removed.extend(minus)
    # A sentence taken out of one paragraph and put into another was neither added nor removed.
    added, removed = _multiset_minus(added, removed), _multiset_minus(removed, added)
    moved = tuple(d.new.text for d in changed if d.op == "move" and d.new is not None)
    sections = tuple(dict.fromkeys(d.section for d in changed if d.section is not None))
    logger.debug("findings: %s blocks changed, %s sentences added, %s removed, %s moved",
                 len(changed), len(added), len(removed), len(moved))
    return FindingsChange(added=tuple(added), removed=tuple(removed), moved=moved, sections=sections)


def _block_opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes over block texts, with the common head and tail matched up front (the usual case
    is a long document with a few edits, and this keeps the matcher to the edited middle)."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    opcodes: list[tuple[str, int, int, int, int]] = []
    if head:
        opcodes.append(("equal", 0, head, 0, head))
    matcher = SequenceMatcher(None, old[head:len(old) - tail], new[head:len(new) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        opcodes.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        opcodes.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    return opcodes


def _pair_moves(old: list[str], new: list[str], deleted: list[int], inserted: list[int]) -> dict[int, int]:
    """Pair each inserted block with a deleted block of identical text: ``{new index: old index}``."""
    pool: defaultdict[str, deque[int]] = defaultdict(deque)
    for i in deleted:
        pool[old[i]].append(i)
    moves: dict[int, int] = {}
    for j in inserted:
        candidates = pool.get(new[j])
        if candidates:
            moves[j] = candidates.popleft()
    return moves


def _pair_similar(old: list[str], new: list[str], free_old: list[int], free_new: list[int]) -> dict[int, int]:
    """Pair edited blocks of one region in order: each new block with the most similar old block among
    the next few unpaired ones, if similar enough. Returns ``{new index: old index}``."""
    pairs: dict[int, int] = {}
    if not free_old or not free_new:
        return pairs
    old_words = {i: old[i].split() for i in free_old}
    cursor = 0
    for j in free_new:
        new_words = new[j].split()
        best, best_ratio = -1, SIMILARITY_THRESHOLD
        for k in range(cursor, min(cursor + PAIRING_WINDOW, len(free_old))):
            ratio = _similarity(old_words[free_old[k]], new_words, best_ratio)
            if ratio > best_ratio:
                best, best_ratio = k, ratio
        if best >= 0:
            pairs[j] = free_old[best]
            cursor = best + 1
            if cursor >= len(free_old):
                break
    return pairs


def _similarity(a: list[str], b: list[str], floor: float) -> float:
    """difflib ratio over words, skipping the full computation when the cheap upper bounds are too low."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() <= floor or matcher.quick_ratio() <= floor:
        return 0.0
    if len(a) * len(b) > _MAX_TOKEN_PAIRS:
        return matcher.quick_ratio()  # an upper bound, linear in time: the exact ratio is quadratic here
    return matcher.ratio()


def _region_diffs(old: Sequence[Block], new: Sequence[Block], new_range: range, free_old: list[int],
                  pairs: dict[int, int], moves: dict[int, int]) -> Iterable[BlockDiff]:
    """One edited region in new-document order. Unpaired old blocks stay where they stood: each comes
    before the next new block unless a new block paired with an earlier old block comes first, so a
    plain rewrite reads as deletions then insertions."""
    pending = deque(free_old)
    # For each position, the old index of the next pairing from there on (everything pending if none).
    next_pair: list[int] = []
    upcoming = len(old)
    for j in reversed(new_range):
        upcoming = pairs.get(j, upcoming)
        next_pair.append(upcoming)
    next_pair.reverse()
    for offset, j in enumerate(new_range):
        while pending and pending[0] < next_pair[offset]:
            yield _delete(old[pending.popleft()])
        paired = pairs.get(j)
        if paired is not None:
            pending.popleft()  # the paired block itself, which is always next
            yield _replace(old[paired], new[j])
        elif j in moves:
            yield _move(old[moves[j]], new[j])
        else:
            yield _insert(new[j])
    for i in pending:
        yield _delete(old[i])


def _equal(old: Block, new: Block) -> BlockDiff:
    return BlockDiff("equal", new.section, old, new, (Segment("equal", new.text),))


def _move(old: Block, new: Block) -> BlockDiff:
    return BlockDiff("move", new.section, old, new, (Segment("equal", new.text),))


def _insert(new: Block) -> BlockDiff:
    return BlockDiff("insert", new.section, None, new, (Segment("insert", new.text),))


def _delete(old: Block) -> BlockDiff:
    return BlockDiff("delete", old.section, old, None, (Segment("delete", old.text),))


def _replace(old: Block, new: Block) -> BlockDiff:
    return BlockDiff("replace", new.section, old, new, word_diff(old.text, new.text))


# --------------------------------------------------------------------------- findings: sentences

def _sentence_delta(diff: BlockDiff) -> tuple[list[str], list[str]]:
    """Sentences added and removed by one non-equal block step (none for a move)."""
    if diff.op == "move":
        return [], []
    old_sentences = split_sentences(diff.old.text) if diff.old is not None else []
    new_sentences = split_sentences(diff.new.text) if diff.new is not None else []
    return _multiset_minus(new_sentences, old_sentences), _multiset_minus(old_sentences, new_sentences)


def _multiset_minus(items: list[str], other: list[str]) -> list[str]:
    """``items`` without as many occurrences of each element as ``other`` holds, order kept."""
    budget = Counter(other)
    kept: list[str] = []
    for item in items:
        if budget[item] > 0:
            budget[item] -= 1
        else:
            kept.append(item)
    return kept


# Candidate sentence ends: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"([.!?…]+)([\"'”’)\]]*)(\s+)")
_OPENERS = "\"'“‘([¡¿"
# Always abbreviations, whatever follows.
_TITLES = frozenset("""mr mrs ms dr prof st mt ft rev hon gov gen lt col sgt capt cpl maj adm cmdr
    jr sr pres sen rep messrs vs cf al approx dept govt univ inc ltd corp co bros assn est""".split())
# Abbreviations only when a number follows (``No. 5``, ``Jan. 2020``, ``Art. 3``), since the same words
# also end sentences.
_BEFORE_NUMBERS = frozenset("""no nos art arts para paras sec secs ch vol p pp fig figs tel
    jan feb mar apr jun jul aug sep sept oct nov dec""".split())
# Words that start a sentence after an acronym (``…to the U.S. The government…``) as opposed to
# continuing a name (``the U.S. Department of State``).
_SENTENCE_STARTERS = frozenset("""the this that these those there they it its he she we i a an in on at
    as by for from during after before since while although though however moreover furthermore
    additionally also authorities officials observers ngos some many most several according despite""".split())
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")


def _is_sentence_end(text: str, match: re.Match[str]) -> bool:
    following = _next_word(text, match.end())
    if not following or not (following[0].isupper() or following[0].isdigit()):
        return False
    if match.group(1) != "." or match.group(2):
        return True  # "?", "!", an ellipsis, or a period inside a closing quote
    word = _word_before(text, match.start())
    lowered = word.lower()
    if lowered in _TITLES or lowered in ("e.g", "i.e", "viz"):
        return False
    if lowered in _BEFORE_NUMBERS:
        return not following[0].isdigit()
    if _DOTTED.fullmatch(word) or (len(word) == 1 and word.isupper()):
        # An acronym (U.S.) or an initial (J. Smith) ends a sentence only before a typical first word.
        return following.lower() in _SENTENCE_STARTERS
    return True


def _word_before(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip(_OPENERS + "-–—/")


def _next_word(text: str, start: int) -> str:
    rest = text[start:start + 40].lstrip(_OPENERS)
    match = re.match(r"\w+", rest)
    return match.group(0) if match else ""


# --------------------------------------------------------------------------- findings: words

# Words (with inner apostrophes, hyphens and number separators: "don't", "12,000", "1.5", "anti-trafficking"),
# single punctuation marks, and whitespace runs as tokens of their own.
_TOKEN = re.compile(r"\s+|\w+(?:[-'’.,]\w+)*|[^\w\s]")


def _tidy_segments(raw: list[tuple[str, str]]) -> tuple[Segment, ...]:
    """Fold whitespace-only equal runs between two changes into the changes, then make each changed run
    one deletion followed by one insertion."""
    folded: list[tuple[str, str]] = []
    for index, (op, text) in enumerate(raw):
        between_changes = (0 < index < len(raw) - 1 and raw[index - 1][0] != "equal"
                           and raw[index + 1][0] != "equal")
        if op == "equal" and between_changes and text.isspace():
            folded.extend((("delete", text), ("insert", text)))
        else:
            folded.append((op, text))
    segments: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            segments.append(Segment("delete", "".join(deleted)))
        if inserted:
            segments.append(Segment("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for op, text in folded:
        if op == "delete":
            deleted.append(text)
        elif op == "insert":
            inserted.append(text)
        else:
            flush()
            if segments and segments[-1].op == "equal":
                segments[-1] = Segment("equal", segments[-1].text + text)
            else:
                segments.append(Segment("equal", text))
    flush()
    return tuple(s for s in segments if s.text)


# --------------------------------------------------------------------------- summary

def _tier_summary(tier: TierChange) -> str:
    text = f"{_one_line(tier.old or 'no tier')} → {_one_line(tier.new or 'no tier')}"
    return f"{text} ({tier.direction})" if tier.direction else text


def _findings_summary(findings: FindingsChange) -> str:
    parts: list[str] = []
    added, removed = len(findings.added), len(findings.removed)
    if added and removed:
        parts.append(f"{_count(added, 'sentence')} added, {removed} removed")
    elif added:
        parts.append(f"{_count(added, 'sentence')} added")
    elif removed:
        parts.append(f"{_count(removed, 'sentence')} removed")
    if findings.moved:
        parts.append(f"{_count(len(findings.moved), 'paragraph')} moved")
    # Blocks changed but every sentence is still there: paragraphs split or joined, sentences reordered.
    return ", ".join(parts) if parts else "sentences rearranged"


def _field_summary(change: FieldChange) -> str:
    return f"{_one_line(change.name)} {_field_value(change.old)} → {_field_value(change.new)}"


def _field_value(value: str | None) -> str:
    if value is None:
        return "(none)"
    value = _one_line(value)
    return value if len(value) <= MAX_SUMMARY_VALUE else value[:MAX_SUMMARY_VALUE - 1] + "…"


def _one_line(text: str) -> str:
    # The summary becomes an email subject and a log line: no control characters, no line breaks.
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
