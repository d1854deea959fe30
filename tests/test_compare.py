"""Comparison of documents (SPEC §5) and the alert summary line (SPEC §6)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.compare import compare, diff_blocks, split_sentences, summarize, tier_direction, word_diff
from monitor.models import (
    Block,
    Change,
    Document,
    FieldChange,
    FindingsChange,
    Segment,
    TierChange,
)

P1 = "Cambodia is a source, destination and transit country. Victims are trafficked from Vietnam."
P2 = ("The government does not fully meet the minimum standards. Authorities convicted 12 traffickers "
      "in 2023. Police cooperated with NGOs to rescue victims.")
P3 = "The government identified 40 victims. Shelters were run by NGOs."
P4 = "The government conducted awareness campaigns. It trained 300 officials."


def doc(*blocks: Block, **fields: str | None) -> Document:
    return Document(fields={"country": "Cambodia", "tier": "Tier 3", **fields}, blocks=blocks)


def para(text: str, section: str | None = None) -> Block:
    return Block("paragraph", text, section)


BASE = (
    Block("heading", "Prosecution", "Prosecution"),
    para(P2, "Prosecution"),
    Block("heading", "Protection", "Protection"),
    para(P3, "Protection"),
    Block("heading", "Prevention", "Prevention"),
    para(P4, "Prevention"),
)


def with_block(index: int, block: Block | None) -> tuple[Block, ...]:
    """BASE with the block at ``index`` replaced (or removed when ``block`` is None)."""
    blocks = list(BASE)
    if block is None:
        del blocks[index]
    else:
        blocks[index] = block
    return tuple(blocks)


# --------------------------------------------------------------------------- no change

def test_identical_documents_are_no_change() -> None:
    assert compare(doc(*BASE), doc(*BASE)) is None
    # equal but distinct objects, as after a reload from storage
    assert compare(doc(*BASE), Document.from_json(doc(*BASE).to_json())) is None


def test_same_text_in_another_block_kind_is_no_change() -> None:
    as_item = with_block(3, Block("item", P3, "Protection"))
    assert compare(doc(*BASE), doc(*as_item)) is None


def test_block_kind_change_alongside_a_tier_change_reports_only_the_tier() -> None:
    as_item = with_block(3, Block("item", P3, "Protection"))
    change = compare(doc(*BASE), doc(*as_item, tier="Tier 2"))
    assert change == Change(tier=TierChange("Tier 3", "Tier 2", "upgrade"))


def test_missing_field_equals_field_without_value() -> None:
    assert compare(doc(*BASE), doc(*BASE, year=None)) is None


# --------------------------------------------------------------------------- tier

TierCase = tuple[str | None, str | None, str | None]
ORDERED: list[TierCase] = [
    ("Tier 1", "Tier 2", "downgrade"),
    ("Tier 1", "Tier 2 Watch List", "downgrade"),
    ("Tier 1", "Tier 3", "downgrade"),
    ("Tier 2", "Tier 1", "upgrade"),
    ("Tier 2", "Tier 2 Watch List", "downgrade"),
    ("Tier 2", "Tier 3", "downgrade"),
    ("Tier 2 Watch List", "Tier 1", "upgrade"),
    ("Tier 2 Watch List", "Tier 2", "upgrade"),
    ("Tier 2 Watch List", "Tier 3", "downgrade"),
    ("Tier 3", "Tier 1", "upgrade"),
    ("Tier 3", "Tier 2", "upgrade"),
    ("Tier 3", "Tier 2 Watch List", "upgrade"),
]
# Special Case or no tier on either side: a change without a direction.
UNORDERED: list[TierCase] = [(other, odd, None) for odd in ("Special Case", None)
                             for other in ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3")]
UNORDERED += [(new, old, None) for old, new, _ in UNORDERED]
UNORDERED += [("Special Case", None, None), (None, "Special Case", None)]


@pytest.mark.parametrize(("old", "new", "direction"), ORDERED + UNORDERED)
def test_tier_transition(old: str | None, new: str | None, direction: str | None) -> None:
    change = compare(doc(*BASE, tier=old), doc(*BASE, tier=new))
    assert change == Change(tier=TierChange(old, new, direction))  # type: ignore[arg-type]
    assert change.kinds == ("tier",)
    assert tier_direction(old, new) == direction


def test_same_tier_has_no_direction() -> None:
    assert tier_direction("Tier 2", "Tier 2") is None
    assert tier_direction("Tier 9", "Tier 1") is None


# --------------------------------------------------------------------------- fields

def test_configured_field_changes_are_reported_sorted_by_name_without_the_profile_fields() -> None:
    old = doc(*BASE, year="2023", level="2", alpha="a")
    new = doc(*BASE, tier="Tier 2", year="2024", level="3", alpha="b", country="Kingdom of Cambodia")
    change = compare(old, new)
    assert change is not None
    assert change.tier == TierChange("Tier 3", "Tier 2", "upgrade")
    assert change.fields == (FieldChange("alpha", "a", "b"), FieldChange("level", "2", "3"))
    assert change.findings is None
    assert change.kinds == ("tier", "fields")


def test_configured_field_appearing_and_vanishing() -> None:
    change = compare(doc(*BASE, level="2"), doc(*BASE, badge="red"))
    assert change is not None
    assert change.fields == (FieldChange("badge", None, "red"), FieldChange("level", "2", None))


def test_country_or_year_alone_is_no_alert() -> None:
    # the report's own fields describe the page; only configured fields make a "fields" change
    assert compare(doc(*BASE, year="2023"), doc(*BASE, year="2024")) is None
    assert compare(doc(*BASE), doc(*BASE, country="Kingdom of Cambodia")) is None


# --------------------------------------------------------------------------- findings

FINDINGS_CASES = [
    pytest.param(
        with_block(1, para(P2 + " The government opened 3 new investigations.", "Prosecution")),
        FindingsChange(added=("The government opened 3 new investigations.",), sections=("Prosecution",)),
        id="sentence-added",
    ),
    pytest.param(
        with_block(3, para("The government identified 40 victims.", "Protection")),
        FindingsChange(removed=("Shelters were run by NGOs.",), sections=("Protection",)),
        id="sentence-removed",
    ),
    pytest.param(
        with_block(3, para("The government identified 40 victims. Shelters were run by the state.", "Protection")),
        FindingsChange(added=("Shelters were run by the state.",), removed=("Shelters were run by NGOs.",),
                       sections=("Protection",)),
        id="sentence-edited",
    ),
    pytest.param(
        with_block(1, para(P2.replace("12 traffickers", "15 traffickers"), "Prosecution")),
        FindingsChange(added=("Authorities convicted 15 traffickers in 2023.",),
                       removed=("Authorities convicted 12 traffickers in 2023.",), sections=("Prosecution",)),
        id="number-changed",
    ),
    pytest.param(
        (*BASE, Block("item", "Increase funding for shelters.", "Prevention")),
        FindingsChange(added=("Increase funding for shelters.",), sections=("Prevention",)),
        id="bullet-added",
    ),
    pytest.param(
        with_block(3, None),
        FindingsChange(removed=("The government identified 40 victims.", "Shelters were run by NGOs."),
                       sections=("Protection",)),
        id="paragraph-deleted",
    ),
    pytest.param(
        with_block(2, Block("heading", "Protection Efforts", "Protection")),
        FindingsChange(added=("Protection Efforts",), removed=("Protection",), sections=("Protection",)),
        id="heading-renamed",
    ),
    pytest.param(
        (BASE[0], BASE[1], BASE[2], para("The government identified 40 victims.", "Protection"),
         para("Shelters were run by NGOs.", "Protection"), BASE[4], BASE[5]),
        FindingsChange(sections=("Protection",)),
        id="paragraph-split-in-two",
    ),
    pytest.param(
        (BASE[0], BASE[1], BASE[2], para("Shelters were run by NGOs. The government identified 40 victims.",
                                         "Protection"), BASE[4], BASE[5]),
        FindingsChange(sections=("Protection",)),
        id="sentences-reordered",
    ),
    pytest.param(
        (BASE[0], para(P2 + " Shelters were run by NGOs.", "Prosecution"), BASE[2],
         para("The government identified 40 victims.", "Protection"), BASE[4], BASE[5]),
        FindingsChange(sections=("Prosecution", "Protection")),
        id="sentence-moved-between-paragraphs",
    ),
    pytest.param(
        (BASE[0], BASE[1], BASE[2], BASE[3], BASE[4], para(P4, "Protection")),
        None,
        id="section-tag-only",
    ),
]


@pytest.mark.parametrize(("new_blocks", "expected"), FINDINGS_CASES)
def test_findings_change(new_blocks: tuple[Block, ...], expected: FindingsChange | None) -> None:
    change = compare(doc(*BASE), doc(*new_blocks))
    if expected is None:
        assert change is None
    else:
        assert change is not None
        assert change.findings == expected
        assert change.kinds == ("findings",)


def test_paragraph_moved_is_reported_as_moved_not_added_and_removed() -> None:
    moved = (BASE[0], BASE[1], BASE[4], BASE[5], BASE[2], BASE[3])  # Protection after Prevention
    change = compare(doc(*BASE), doc(*moved))
    assert change is not None
    assert change.findings is not None
    assert change.findings == FindingsChange(moved=("Prevention", P4), sections=("Prevention",))
    assert summarize(change, "Cambodia") == "Cambodia: 2 paragraphs moved"


def test_moved_paragraph_steps_in_diff_blocks() -> None:
    old = [para("A."), para("B."), para("C."), para("D."), para("E.")]
    new = [para("A."), para("D."), para("B."), para("C."), para("E.")]
    diffs = diff_blocks(old, new)
    assert [(d.op, d.new.text if d.new else None) for d in diffs] == [
        ("equal", "A."), ("move", "D."), ("equal", "B."), ("equal", "C."), ("equal", "E.")]
    assert diffs[1].old == para("D.")


def test_sections_touched_in_document_order_and_none_skipped() -> None:
    old = (para("Intro sentence."), *BASE)
    new = (para("Intro sentence changed entirely here."),
           BASE[0], para(P2.replace("2023", "2024"), "Prosecution"), BASE[2],
           BASE[3], BASE[4], para(P4 + " It also funded hotlines.", "Prevention"))
    change = compare(doc(*old), doc(*new))
    assert change is not None and change.findings is not None
    assert change.findings.sections == ("Prosecution", "Prevention")
    assert change.findings.added == ("Intro sentence changed entirely here.",
                                     "Authorities convicted 12 traffickers in 2024.", "It also funded hotlines.")
    assert change.findings.removed == ("Intro sentence.", "Authorities convicted 12 traffickers in 2023.")


def test_diff_blocks_pairs_an_edited_paragraph_and_places_deletions_where_they_were() -> None:
    old = [para("Keep."), para("Gone entirely from the text.", "S1"),
           para("Authorities convicted 12 traffickers in 2023.", "S1"), para("Tail.")]
    new = [para("Keep."), para("Authorities convicted 15 traffickers in 2023.", "S2"),
           Block("item", "A brand new recommendation.", "S2"), para("Tail.")]
    diffs = diff_blocks(old, new)
    assert [d.op for d in diffs] == ["equal", "delete", "replace", "insert", "equal"]
    deleted, replaced, inserted = diffs[1], diffs[2], diffs[3]
    assert deleted.section == "S1" and deleted.new is None
    assert deleted.segments == (Segment("delete", "Gone entirely from the text."),)
    assert replaced.section == "S2"
    assert replaced.segments == (
        Segment("equal", "Authorities convicted "), Segment("delete", "12"), Segment("insert", "15"),
        Segment("equal", " traffickers in 2023."))
    assert inserted.old is None and inserted.segments == (Segment("insert", "A brand new recommendation."),)


def test_dissimilar_rewrite_is_a_deletion_and_an_insertion() -> None:
    diffs = diff_blocks([para("Officials denied every allegation.")],
                        [para("Shelters for male victims opened in two provinces.")])
    assert [d.op for d in diffs] == ["delete", "insert"]


def test_heading_change_is_a_findings_change() -> None:
    change = compare(doc(Block("heading", "Prosecution")), doc(Block("heading", "Law Enforcement")))
    assert change is not None and change.findings is not None
    assert change.findings.added == ("Law Enforcement",)


# --------------------------------------------------------------------------- words

@pytest.mark.parametrize(("old", "new", "segments"), [
    ("convicted 12 traffickers", "convicted 15 traffickers",
     [("equal", "convicted "), ("delete", "12"), ("insert", "15"), ("equal", " traffickers")]),
    ("victims were identified.", "victims were not identified.",
     [("equal", "victims were "), ("insert", "not "), ("equal", "identified.")]),
    ("It opened two shelters.", "It opened shelters.",
     [("equal", "It opened "), ("delete", "two "), ("equal", "shelters.")]),
    ("the cat sat", "a dog ran", [("delete", "the cat sat"), ("insert", "a dog ran")]),
    ("Tier 2 Watch List", "Tier 2 Watch List", [("equal", "Tier 2 Watch List")]),
    ("", "New text.", [("insert", "New text.")]),
    ("Old text.", "", [("delete", "Old text.")]),
    ("", "", []),
    ("$1.5 million in 2023", "$2.5 million in 2023",
     [("equal", "$"), ("delete", "1.5"), ("insert", "2.5"), ("equal", " million in 2023")]),
])
def test_word_diff(old: str, new: str, segments: list[tuple[str, str]]) -> None:
    assert word_diff(old, new) == tuple(Segment(op, text) for op, text in segments)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- sentences

@pytest.mark.parametrize(("text", "sentences"), [
    ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
    ("The U.S. Department of State funded it. NGOs agreed.",
     ["The U.S. Department of State funded it.", "NGOs agreed."]),
    ("Victims were sent to the U.S. The government did nothing.",
     ["Victims were sent to the U.S.", "The government did nothing."]),
    ("Dr. Sok and Mr. Chan met. Law No. 5 of Jan. 2008 applies.",
     ["Dr. Sok and Mr. Chan met.", "Law No. 5 of Jan. 2008 applies."]),
    ("Forms of abuse, e.g. Forced labor, rose. Others, i.e. Begging, fell.",
     ["Forms of abuse, e.g. Forced labor, rose.", "Others, i.e. Begging, fell."]),
    ("It spent $1.5 million. 25 victims were found.", ["It spent $1.5 million.", "25 victims were found."]),
    ('An official said "we will act." Nothing followed.', ['An official said "we will act."', "Nothing followed."]),
    ("Officials (including police.) Were absent.", ["Officials (including police.)", "Were absent."]),
    ("Judge J. Smith ruled. Appeals followed.", ["Judge J. Smith ruled.", "Appeals followed."]),
    ("The answer was no. then it continued.", ["The answer was no. then it continued."]),
    ("Cambodia (Tier 3)", ["Cambodia (Tier 3)"]),
    ("", []),
])
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


# --------------------------------------------------------------------------- summary

@pytest.mark.parametrize(("change", "summary"), [
    (Change(tier=TierChange("Tier 2 Watch List", "Tier 3", "downgrade"),
            findings=FindingsChange(added=("a", "b", "c"), removed=("d",))),
     "Cambodia: Tier 2 Watch List → Tier 3 (downgrade); 3 sentences added, 1 removed"),
    (Change(tier=TierChange("Tier 3", "Tier 2", "upgrade")), "Cambodia: Tier 3 → Tier 2 (upgrade)"),
    (Change(tier=TierChange("Tier 3", "Special Case", None)), "Cambodia: Tier 3 → Special Case"),
    (Change(tier=TierChange(None, "Tier 1", None)), "Cambodia: no tier → Tier 1"),
    (Change(tier=TierChange("Tier 1", None, None)), "Cambodia: Tier 1 → no tier"),
    (Change(findings=FindingsChange(added=("a",))), "Cambodia: 1 sentence added"),
    (Change(findings=FindingsChange(removed=("a",))), "Cambodia: 1 sentence removed"),
    (Change(findings=FindingsChange(removed=("a", "b"))), "Cambodia: 2 sentences removed"),
    (Change(findings=FindingsChange(added=("a",), removed=("b", "c"))), "Cambodia: 1 sentence added, 2 removed"),
    (Change(findings=FindingsChange(moved=("p",))), "Cambodia: 1 paragraph moved"),
    (Change(findings=FindingsChange(moved=("p", "q"))), "Cambodia: 2 paragraphs moved"),
    (Change(findings=FindingsChange(added=("a", "b"), moved=("p",))), "Cambodia: 2 sentences added, 1 paragraph moved"),
    (Change(findings=FindingsChange(sections=("Protection",))), "Cambodia: sentences rearranged"),
    (Change(fields=(FieldChange("level", "2", "3"),)), "Cambodia: level 2 → 3"),
    (Change(fields=(FieldChange("level", "2", "3"), FieldChange("year", None, "2024"))),
     "Cambodia: level 2 → 3, year (none) → 2024"),
    (Change(tier=TierChange("Tier 2", "Tier 1", "upgrade"), findings=FindingsChange(removed=("x",)),
            fields=(FieldChange("year", "2023", "2024"),)),
     "Cambodia: Tier 2 → Tier 1 (upgrade); 1 sentence removed; year 2023 → 2024"),
])
def test_summary(change: Change, summary: str) -> None:
    assert summarize(change, "Cambodia") == summary


def test_summary_of_a_real_comparison() -> None:
    new = with_block(1, para(P2.replace("12 traffickers", "15 traffickers") + " Courts were slow.", "Prosecution"))
    change = compare(doc(*BASE, tier="Tier 2 Watch List"), doc(*new))
    assert change is not None
    assert summarize(change, "Cambodia") == (
        "Cambodia: Tier 2 Watch List → Tier 3 (downgrade); 2 sentences added, 1 removed")


def test_summary_stays_one_line_whatever_the_page_says() -> None:
    change = Change(fields=(FieldChange("level", "2\r\nBcc: victim@example.org", "x" * 500),))
    summary = summarize(change, "Cam\nbodia")
    assert "\n" not in summary and "\r" not in summary
    assert summary.startswith("Cam bodia: level 2 Bcc: victim@example.org → xxx")
    assert len(summary) < 200


# --------------------------------------------------------------------------- performance

def long_document(paragraphs: int = 300) -> Document:
    blocks = tuple(para(f"Paragraph {i} reports that officials in province {i} identified {i * 3} victims "
                        f"and referred them to shelters. Courts convicted {i} traffickers in case {i}.",
                        f"Section {i // 30}") for i in range(paragraphs))
    return doc(*blocks)


def test_identical_long_documents_compare_almost_for_free() -> None:
    old, new = long_document(), long_document()
    started = time.perf_counter()
    for _ in range(100):
        assert compare(old, new) is None
    assert (time.perf_counter() - started) / 100 < 0.005


def test_a_few_edits_in_a_long_document_stay_cheap() -> None:
    old = long_document()
    blocks = list(old.blocks)
    blocks[10] = para(blocks[10].text.replace("victims", "adult victims"), blocks[10].section)
    blocks[150:152] = [blocks[151], blocks[150]]
    del blocks[200]
    blocks.insert(250, para("A new recommendation.", "Section 8"))
    new = doc(*blocks)
    started = time.perf_counter()
    for _ in range(10):
        change = compare(old, new)
    elapsed = (time.perf_counter() - started) / 10
    assert change is not None and change.findings is not None
    assert len(change.findings.moved) == 1
    assert "A new recommendation." in change.findings.added
    assert elapsed < 0.05, f"{elapsed * 1000:.1f} ms per comparison"


def test_a_wholesale_rewrite_does_not_explode() -> None:
    old = long_document()
    new = doc(*(para(f"Rewritten {i}: " + b.text[::-1], b.section) for i, b in enumerate(old.blocks)))
    started = time.perf_counter()
    change = compare(old, new)
    assert change is not None and change.findings is not None
    assert time.perf_counter() - started < 2.0


# --------------------------------------------------------------------------- properties

WORDS = st.sampled_from(["The", "government", "convicted", "12", "victims", "U.S.", "Dr.", "NGOs",
                         "Tier", "2", "in", "2023", "shelters", "and", "e.g.", "1.5"])
SENTENCE = st.builds(lambda words, end: " ".join(words) + end,
                     st.lists(WORDS, min_size=1, max_size=8), st.sampled_from([".", "?", "!", ""]))
TEXT = st.builds(" ".join, st.lists(SENTENCE, min_size=1, max_size=4))
BLOCK = st.builds(Block, st.sampled_from(["heading", "paragraph", "item"]), TEXT,
                  st.sampled_from([None, "Prosecution", "Protection"]))
DOCUMENT = st.builds(Document, st.fixed_dictionaries({"tier": st.sampled_from([None, "Tier 1", "Tier 3"])}),
                     st.lists(BLOCK, max_size=12).map(tuple))


@settings(max_examples=150, deadline=None)
@given(DOCUMENT)
def test_a_document_never_differs_from_itself(document: Document) -> None:
    assert compare(document, document) is None
    assert compare(document, Document.from_json(document.to_json())) is None
    assert all(d.op == "equal" for d in diff_blocks(document.blocks, document.blocks))


@settings(max_examples=150, deadline=None)
@given(DOCUMENT.filter(lambda d: bool(d.blocks)), st.data())
def test_any_single_text_edit_is_a_findings_change(document: Document, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(document.blocks) - 1))
    target = document.blocks[index]
    text = data.draw(TEXT.filter(lambda t: t != target.text))
    blocks = list(document.blocks)
    blocks[index] = Block(target.kind, text, target.section)
    change = compare(document, Document(document.fields, tuple(blocks)))
    assert change is not None and change.findings is not None


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT)
def test_word_diff_rebuilds_both_texts(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
    assert all(a.op != b.op for a, b in zip(segments, segments[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_sentences_rebuild_the_text(text: str) -> None:
    assert " ".join(split_sentences(text)) == text


def _long_paragraph(n_sentences: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    vocab = ["the", "government", "victims", "of", "trafficking", "and", "law", "to", "in", "officials"]
    return [" ".join(rng.choice(vocab) for _ in range(20)).capitalize() + "." for _ in range(n_sentences)]


def test_word_diff_of_a_long_paragraph_stays_word_level_at_both_ends() -> None:
    # 200 sentences of a small vocabulary: too large for a token-by-token match, aligned by sentences first
    sentences = _long_paragraph(200, seed=7)
    old = " ".join(sentences)
    edited = list(sentences)
    edited[3] = edited[3].replace(".", " in 2024.")
    edited[190] = "Authorities identified 1,450 victims."
    new = " ".join(edited)
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
    inserted = [s.text for s in segments if s.op == "insert"]
    assert any("2024" in t for t in inserted) and any("1,450" in t for t in inserted)
    assert sum(len(t) for t in inserted) < 400  # the edits, not the whole paragraph


def test_word_diff_of_pathological_repetition_is_complete_and_correct() -> None:
    old, new = " ".join(["word"] * 40000), " ".join(["word"] * 20000 + ["other"] + ["word"] * 19990)
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
