"""Fuzzing extraction and comparison with hypothesis: no input makes them raise, and extraction is a fixed point.

Complements the property tests next to each module (tests/test_scenarios.py: random chrome around a real
page, idempotence of the generic profile on text-and-tag soup; tests/test_compare.py: documents built from
a small report vocabulary). Here the inputs are hostile:

- whole random pages from an HTML grammar: chrome elements and chrome-marked wrappers, tables, lists,
  comments, entities (valid, invalid and out of range), tier headings in every form, arbitrary Unicode,
  under random ``select``/``strip``/``ignore``/``fields`` rules, for both profiles;
- random ``Document``s with arbitrary Unicode text, empty and duplicate blocks and odd fields, as a
  tampered or hand-edited snapshot on disk could hold;
- the tip-report profile's output rendered back to plain HTML (tier heading, section headings,
  paragraphs, list items) and extracted again: the same fields and the same blocks.

Examples are kept modest so that the file runs in seconds; a failure prints the shrunk input to replay.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from monitor.compare import compare, diff_blocks, split_sentences, summarize, word_diff
from monitor.errors import ExtractError
from monitor.extract import extract
from monitor.models import CANONICAL_TIERS, Block, Change, Document, FieldRule, Source

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- a grammar of hostile pages

COUNTRY = st.sampled_from(["Cambodia", "CAMBODIA", "Korea, North", "CONGO, DEMOCRATIC REPUBLIC OF THE",
                           "Côte d'Ivoire", "Yemen", "Libya", "Atlantis", ""])
TIER = st.sampled_from(["Tier 1", "Tier 2", "Tier 2 Watch List", "TIER 2 WATCH LIST", "Tier 2 Watchlist",
                        "Tier Two Watch List", "Tier II", "Tier 3", "TIER 3", "Special Case", "Tier 4", "tier"])
TIER_HEADING = st.builds(lambda c, t, form: form.format(c=c, t=t), COUNTRY, TIER,
                         st.sampled_from(["{c} ({t})", "{c}: {t}", "{t}: {c}", "{t} ({c})", "{t}", "{c}<br>({t})",
                                          "{c}"]))
UNICODE_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
WORDS = st.lists(st.sampled_from(["The", "government", "convicted", "12", "traffickers.", "Tier", "3", "U.S.",
                                  "Last", "Updated:", "June", "5,", "2024", "[accessed", "31 May 2016]", "Share",
                                  "Search", "•", "-", ";", "Prosecution:", "therefore", "downgraded", "to"]),
                 max_size=25).map(" ".join)
TEXT = st.one_of(WORDS, UNICODE_TEXT, st.builds(html.escape, UNICODE_TEXT))
ENTITY = st.sampled_from(["&amp;", "&nbsp;", "&#0;", "&#xD800;", "&#x110000;", "&#65;", "&bogus;", "&", "&#",
                          "&lt;p&gt;", "&#x2028;", "&shy;", "&#8203;"])
MARKER = st.sampled_from(["", " class='main-nav'", " class='share-tools'", " id='sidebar'", " role='main'",
                          " id='content'", " class='report-body'", " aria-label='Breadcrumb'", " class='cookie'",
                          " hidden", " style='display:none'", " class=\"\"", " id='x' id='y'"])
CONTAINERS = ["div", "main", "article", "section", "nav", "aside", "header", "footer", "form", "table", "tr", "td",
              "ul", "ol", "li", "p", "span", "b", "pre", "blockquote", "h1", "h2", "h3", "h4", "figure", "details",
              "button", "svg", "noscript", "template", "select"]
RAW = st.sampled_from(["<script>var t='<h2>X (Tier 1)</h2>';</script>", "<style>p{}</style>", "<br>", "<hr>",
                       "<!-- <h2>Cambodia (Tier 1)</h2> -->", "<![CDATA[ Tier 3 ]]>", "<?php echo 1 ?>",
                       "<!DOCTYPE html>", "</div>", "</p></li></ul>", "<p", "<img src=x onerror=alert(1)>",
                       "<input value='Tier 3'>", "\x00", "\ufeff", "<meta charset='utf-16'>", "<base href='x'>"])


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda tag, marker, inner, close: f"<{tag}{marker}>{inner}" + (f"</{tag}>" if close else ""),
                     st.sampled_from(CONTAINERS), MARKER, children, st.booleans())


FRAGMENT = st.recursive(
    st.one_of(TEXT, ENTITY, RAW, TIER_HEADING.map(lambda h: f"<h2>{h}</h2>")),
    lambda children: st.one_of(_element(st.lists(children, max_size=5).map("".join)),
                               st.lists(children, min_size=2, max_size=5).map("".join)),
    max_leaves=30)
PAGE = st.builds(lambda title, body, wrap: (f"<html><head><title>{title}</title></head><body>{body}</body></html>"
                                            if wrap else body), TEXT, FRAGMENT, st.booleans())
SOURCE = st.builds(
    lambda profile, select, strip, ignore, fields: Source(id="fuzz", url="https://example.org/", profile=profile,
                                                          select=select, strip=strip, ignore=ignore, fields=fields),
    st.sampled_from(["tip-report", "generic"]),
    st.sampled_from([None, None, "main", "article, .report-body", "#content > *", "p:nth-of-type(2)", "td"]),
    st.lists(st.sampled_from(["nav", ".share-tools", "table", "h2 + p", "li:first-child"]), max_size=2).map(tuple),
    st.lists(st.sampled_from(["^Share", r"\d{4}", "(?i)tier", "^$", "."]), max_size=2).map(tuple),
    st.lists(st.sampled_from([FieldRule("level", regex=r"Level (\d)"), FieldRule("when", regex=r"\d{4}"),
                              FieldRule("head", css="h1"), FieldRule("none", css="blink")]),
             max_size=2, unique_by=lambda f: f.name).map(tuple))


def assert_well_formed(document: Document) -> None:
    assert all(b.kind in ("heading", "paragraph", "item") for b in document.blocks)
    assert all(b.text and b.text == b.text.strip() for b in document.blocks)
    assert document.tier is None or document.tier in CANONICAL_TIERS
    assert Document.from_json(document.to_json()) == document
    assert document.content_hash == Document.from_json(document.to_json()).content_hash
    document.to_text()
    assert compare(document, document) is None


@FUZZ
@given(PAGE, SOURCE)
def test_extraction_never_raises_on_hostile_pages(page: str, source: Source) -> None:
    try:
        document = extract(page, source)
    except ExtractError as exc:     # the one error extraction may raise: clear, for the user
        assert str(exc)
        return
    assert_well_formed(document)
    assert extract(page, source) == document   # a pure function of page and rules


# --------------------------------------------------------------------------- the tip-report profile is a fixed point

TIP = Source(id="fuzz", url="https://example.org/")
SECTION_HEADING = st.sampled_from(["PRIORITIZED RECOMMENDATIONS:", "Recommendations for Cambodia:", "PROSECUTION",
                                   "Protection", "PREVENTION:", "TRAFFICKING PROFILE", "Overview", "Other notes"])
SENTENCE = st.builds(lambda words, end: " ".join(words) + end,
                     st.lists(st.sampled_from(["The", "government", "identified", "245", "victims", "and",
                                               "convicted", "41", "traffickers", "in", "2023", "U.S.", "NGOs",
                                               "shelters", "Côte", "d'Ivoire", "“quoted”", "–", "e.g.", "(see",
                                               "annex)", "Prosecution:", "therefore", "remained", "on",
                                               "Tier", "2", "a;", "b;"]), min_size=1, max_size=14),
                     st.sampled_from([".", ".", "?", "", ";"]))
REPORT_PART = st.one_of(
    st.lists(SENTENCE, min_size=1, max_size=3).map(lambda s: f"<p>{html.escape(' '.join(s))}</p>"),
    SECTION_HEADING.map(lambda h: f"<h3>{html.escape(h)}</h3>"),
    st.lists(SENTENCE, min_size=1, max_size=4).map(
        lambda items: "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"),
)
REPORT = st.builds(
    lambda country, tier, parts: (f"<html><head><title>2024 Trafficking in Persons Report: {country}</title></head>"
                                  f"<body><main><h2>{country} ({tier})</h2>{''.join(parts)}</main></body></html>"),
    st.sampled_from(["Cambodia", "Moldova", "Honduras", "Korea, North", "Côte d'Ivoire"]),
    st.sampled_from(["Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case"]),
    st.lists(REPORT_PART, min_size=1, max_size=10))


def render_report(document: Document) -> str:
    """A tip-report document as the plainest page: its tier heading, then one element per block."""
    parts = []
    for block in document.blocks:
        text = html.escape(block.text)
        parts.append({"heading": f"<h3>{text}</h3>", "item": f"<ul><li>{text}</li></ul>"}.get(block.kind,
                                                                                            f"<p>{text}</p>"))
    heading = html.escape(f"{document.country} ({document.tier})")
    return f"<html><body><main><h2>{heading}</h2>{''.join(parts)}</main></body></html>"


@FUZZ
@given(REPORT)
def test_tip_report_extraction_is_idempotent_on_its_own_output(page: str) -> None:
    first = extract(page, TIP)
    assume(first.tier is not None and first.country and first.blocks)
    again = extract(render_report(first), TIP)
    assert (again.country, again.tier) == (first.country, first.tier)
    assert [(b.kind, b.text, b.section) for b in again.blocks] == [(b.kind, b.text, b.section) for b in first.blocks]


# --------------------------------------------------------------------------- comparison on arbitrary documents

ANY_BLOCK = st.builds(Block, st.sampled_from(["heading", "paragraph", "item"]),
                      st.one_of(UNICODE_TEXT, SENTENCE, st.just("")), st.one_of(st.none(), UNICODE_TEXT))
# Field values as extraction makes them: one line (it joins whitespace); anything else inside a line.
ONE_LINE = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60)
ANY_FIELDS = st.dictionaries(st.sampled_from(["tier", "country", "year", "level", ""]),
                             st.one_of(st.none(), TIER, ONE_LINE), max_size=4)
ANY_DOCUMENT = st.builds(Document, ANY_FIELDS, st.lists(ANY_BLOCK, max_size=15).map(tuple))


def _multiset(blocks: Iterable[Block]) -> Counter[Block]:
    return Counter(blocks)


@settings(max_examples=200, deadline=None)
@given(ANY_DOCUMENT, ANY_DOCUMENT)
def test_comparison_never_raises_on_arbitrary_documents(old: Document, new: Document) -> None:
    change = compare(old, new)
    assert change is None or isinstance(change, Change)
    if old == new:
        assert change is None
    if change is not None:
        assert change.kinds and set(change.kinds) <= {"tier", "findings", "fields"}
        summary = summarize(change, "Cambodia")
        assert summary and "\n" not in summary
    diffs = diff_blocks(old.blocks, new.blocks)
    # every block of both sides appears in the alignment exactly once
    assert _multiset(d.old for d in diffs if d.old is not None) == _multiset(old.blocks)
    assert _multiset(d.new for d in diffs if d.new is not None) == _multiset(new.blocks)


@settings(max_examples=200, deadline=None)
@given(UNICODE_TEXT, UNICODE_TEXT)
def test_word_diff_and_sentences_hold_for_any_text(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
    sentences = split_sentences(old)
    assert all(s and s == s.strip() for s in sentences)
