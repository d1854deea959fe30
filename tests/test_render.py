"""The renderer: the word-level diff (markers and colour), unified diff, history, alert bodies, the report."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from monitor.compare import compare, diff_blocks
from monitor.models import Block, BlockDiff, Document, FieldChange, Segment, TierChange, Version
from monitor.render import (
    MORE_NOTE,
    ReportEntry,
    change_view,
    history_json,
    history_text,
    render_alert_html,
    render_alert_text,
    render_diff,
    render_report_html,
    render_unified,
    safe_url,
)

from .review_fixtures import KHM_2_TO_3_PLAIN, XSS_NAME, XSS_PAYLOAD, khm_document

DOWNGRADE = TierChange("Tier 2 Watch List", "Tier 3", "downgrade")


def para(text: str, section: str | None = None) -> Block:
    return Block("paragraph", text, section)


def replace_step(old: str, new: str, segments: list[tuple[str, str]], section: str | None) -> BlockDiff:
    return BlockDiff("replace", section, para(old, section), para(new, section),
                     tuple(Segment(op, text) for op, text in segments))  # type: ignore[arg-type]


EDIT = replace_step(
    "Authorities convicted 12 traffickers.", "Authorities convicted 21 traffickers and 3 officials.",
    [("equal", "Authorities convicted "), ("delete", "12"), ("insert", "21"), ("equal", " traffickers"),
     ("insert", " and 3 officials"), ("equal", ".")], "Prosecution")
ADDED = BlockDiff("insert", "Protection", None, para("Shelters reopened.", "Protection"),
                  (Segment("insert", "Shelters reopened."),))
REMOVED = BlockDiff("delete", "Protection", para("Hotline closed.", "Protection"), None,
                    (Segment("delete", "Hotline closed."),))
ITEM_MOVED = BlockDiff("move", "Prevention", Block("item", "Train judges.", "Recommendations"),
                       Block("item", "Train judges.", "Prevention"), (Segment("equal", "Train judges."),))
SAME = BlockDiff("equal", "Prosecution", para("Unchanged.", "Prosecution"), para("Unchanged.", "Prosecution"),
                 (Segment("equal", "Unchanged."),))
STEPS = (SAME, EDIT, ADDED, REMOVED, ITEM_MOVED)
STEPS_PLAIN = (  # STEPS as plain text, by section (the unchanged block is not shown)
    "## Prosecution\n"
    "\n"
    "Authorities convicted [-12-]{+21+} traffickers{+ and 3 officials+}.\n"
    "\n"
    "## Protection\n"
    "\n"
    "{+Shelters reopened.+}\n"
    "\n"
    "[-Hotline closed.-]\n"
    "\n"
    "## Prevention\n"
    "\n"
    "- [moved from Recommendations] Train judges.\n"
)


# --------------------------------------------------------------------------- terminal / plain diff

def test_plain_diff_marks_words_groups_by_section_and_skips_unchanged_blocks() -> None:
    view = change_view(STEPS, tier=DOWNGRADE, fields=(FieldChange("level", "2", "3"),))
    assert render_diff(view, color=False).plain == (
        "Tier: Tier 2 Watch List → Tier 3 (downgrade)\n"
        "level: 2 → 3\n"
        "\n"
        + STEPS_PLAIN
    )


def test_plain_diff_shows_an_unchanged_tier_and_a_single_block_without_section() -> None:
    step = BlockDiff("insert", None, None, Block("heading", "Overview"), (Segment("insert", "Overview"),))
    view = change_view([step], current_tier="Tier 1")
    assert render_diff(view, color=False).plain == "Tier: Tier 1 (unchanged)\n\n## Findings\n\n# {+Overview+}\n"


def test_plain_diff_of_real_documents_with_compare() -> None:
    diffs = diff_blocks(khm_document(2).blocks, khm_document(3).blocks)
    text = render_diff(change_view(diffs, tier=DOWNGRADE), color=False).plain
    assert text == KHM_2_TO_3_PLAIN


def test_colour_diff_styles_words_instead_of_marking_them() -> None:
    text = render_diff(change_view(STEPS, tier=DOWNGRADE), color=True)
    assert "{+" not in text.plain and "[-" not in text.plain
    styled = {text.plain[span.start:span.end]: str(span.style) for span in text.spans}
    assert styled["12"] == "red strike"
    assert styled["21"] == "bold green"
    assert styled["Tier 2 Watch List → Tier 3 (downgrade)"] == "bold red"
    upgrade = render_diff(change_view([], tier=TierChange("Tier 3", "Tier 2", "upgrade")), color=True)
    assert [str(s.style) for s in upgrade.spans] == ["bold green"]


def test_long_moved_paragraph_is_named_not_reprinted() -> None:
    text = "Word " * 100
    step = BlockDiff("move", "A", para(text, "A"), para(text, "A"), (Segment("equal", text),))
    line = render_diff(change_view([step]), color=False).plain.splitlines()[-1]
    assert line.startswith("[moved] Word Word") and line.endswith("…") and len(line) < 220


def test_unified_diff_of_normalized_text() -> None:
    old = Document({"tier": "Tier 2"}, (para("One.", "S"), para("Two.", "S")))
    new = Document({"tier": "Tier 3"}, (para("One.", "S"), para("Three.", "S")))
    assert render_unified(old.to_text(), new.to_text(), "khm/a", "khm/b") == (
        "--- khm/a\n"
        "+++ khm/b\n"
        "@@ -1,7 +1,7 @@\n"
        "-tier: Tier 2\n"
        "+tier: Tier 3\n"
        " \n"
        " ## S\n"
        " \n"
        " One.\n"
        " \n"
        "-Two.\n"
        "+Three.\n"
    )
    assert render_unified("same\n", "same\n", "a", "b") == ""


# --------------------------------------------------------------------------- history

def version(vid: str, when: datetime, tier: str | None, kinds: tuple[str, ...], summary: str) -> Version:
    return Version("khm", vid, when, vid[-8:] + "0" * 56, "0" * 64, tier, kinds, summary, "utf-8", "text/html",
                   "f" * 16, "https://x.org/")


HISTORY = [
    version("20261101T060000Z-aaaaaaaa", datetime(2026, 11, 1, 6, tzinfo=UTC), "Tier 2", (), "baseline"),
    version("20261128T060003Z-bbbbbbbb", datetime(2026, 11, 28, 6, 0, 3, tzinfo=UTC), None, ("tier",),
            "Cambodia: Tier 2 → no tier"),
]


def test_history_text_is_aligned_newest_first() -> None:
    assert history_text(HISTORY) == (
        "TIME                  VERSION                    TIER    HASH          CHANGE\n"
        "2026-11-28 06:00 UTC  20261128T060003Z-bbbbbbbb  -       bbbbbbbb0000  Cambodia: Tier 2 → no tier\n"
        "2026-11-01 06:00 UTC  20261101T060000Z-aaaaaaaa  Tier 2  aaaaaaaa0000  baseline\n"
    )


def test_history_json_is_oldest_first_with_full_hashes() -> None:
    data = json.loads(history_json("khm", HISTORY))
    assert data["source"] == "khm"
    assert [v["id"] for v in data["versions"]] == [HISTORY[0].id, HISTORY[1].id]
    assert data["versions"][1] == {"id": HISTORY[1].id, "created_at": "2026-11-28T06:00:03Z", "tier": None,
                                   "content_hash": HISTORY[1].content_hash, "kinds": ["tier"],
                                   "summary": "Cambodia: Tier 2 → no tier"}


# --------------------------------------------------------------------------- alert bodies

def change_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": "abc", "type": "change",
        "source": {"id": "khm", "name": "Cambodia (TIP)", "url": "https://www.state.gov/cambodia/"},
        "kinds": ["tier", "findings"],
        "tier": {"old": "Tier 2 Watch List", "new": "Tier 3", "direction": "downgrade"},
        "findings": {"added": ["Shelters reopened."], "removed": ["Hotline closed."], "moved": [],
                     "sections": ["Protection"]},
        "fields": None,
        "summary": "Cambodia: Tier 2 Watch List → Tier 3 (downgrade); 1 sentence added, 1 removed",
        "versions": {"old": "20261101T060000Z-aaaaaaaa", "new": "20261128T060003Z-bbbbbbbb"},
        "detected_at": "2026-11-28T06:00:03Z",
    }
    payload.update(overrides)
    return payload


FOOTER = ("Source: Cambodia (TIP) <https://www.state.gov/cambodia/>\n"
          "Versions: 20261101T060000Z-aaaaaaaa → 20261128T060003Z-bbbbbbbb\n"
          "Detected: 2026-11-28 06:00 UTC\n")


def test_alert_text_with_block_diffs() -> None:
    assert render_alert_text(change_payload(), STEPS) == (
        "Cambodia: Tier 2 Watch List → Tier 3 (downgrade); 1 sentence added, 1 removed\n"
        "\n"
        "Tier: Tier 2 Watch List → Tier 3 (downgrade)\n"
        "\n"
        + STEPS_PLAIN
        + "\n" + FOOTER
    )


def test_alert_text_without_diffs_falls_back_to_the_payload_sentences() -> None:
    payload = change_payload(fields={"level": {"old": "2", "new": "3"}})
    assert render_alert_text(payload, None) == (
        "Cambodia: Tier 2 Watch List → Tier 3 (downgrade); 1 sentence added, 1 removed\n"
        "\n"
        "Tier: Tier 2 Watch List → Tier 3 (downgrade)\n"
        "level: 2 → 3\n"
        "Sections touched: Protection\n"
        "\n"
        "## Findings\n"
        "\n"
        "[-Hotline closed.-]\n"
        "\n"
        "{+Shelters reopened.+}\n"
        "\n" + FOOTER
    )


def test_alert_text_of_an_error_and_a_recovery_and_a_test() -> None:
    error: dict[str, Any] = {"id": "e", "type": "error", "source": {"id": "khm", "name": "Cambodia (TIP)",
                                                    "url": "https://www.state.gov/cambodia/"},
             "kinds": ["error"], "summary": "Cambodia (TIP): failing for 3 checks: HTTP 503",
             "error": {"message": "HTTP 503 Service Unavailable from https://www.state.gov/cambodia/",
                       "consecutive_failures": 3, "recovered": False, "failing_since": "2026-11-26T06:00:00Z"},
             "detected_at": "2026-11-28T06:00:03Z"}
    assert render_alert_text(error, None) == (
        "Cambodia (TIP): failing for 3 checks: HTTP 503\n"
        "\n"
        "Cambodia (TIP) has failed 3 checks in a row.\n"
        "\n"
        "Error: HTTP 503 Service Unavailable from https://www.state.gov/cambodia/\n"
        "Failing since: 2026-11-26 06:00 UTC\n"
        "\n"
        "Source: Cambodia (TIP) <https://www.state.gov/cambodia/>\n"
        "Detected: 2026-11-28 06:00 UTC\n"
    )
    recovered = {**error, "summary": "Cambodia (TIP): recovered after 3 failed checks",
                 "error": {**error["error"], "recovered": True}}
    assert "Cambodia (TIP) is reachable again after 3 failed checks." in render_alert_text(recovered, None)
    html = render_alert_html(error, None)
    assert "HTTP 503 Service Unavailable" in html and "failed 3 checks in a row" in html
    test = {"id": "t", "type": "test", "source": {"id": "test", "name": "report monitor", "url": ""},
            "summary": "Test alert from report monitor: this channel works", "detected_at": "2026-11-28T06:00:03Z"}
    text = render_alert_text(test, None)
    assert text.startswith("Test alert from report monitor: this channel works\n\nThis is a test alert")
    assert "this channel" in render_alert_html(test, None)


class _Tags(HTMLParser):
    """Collects the elements and attributes a browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_alert_html_highlights_inserted_and_strikes_removed_words() -> None:
    html = render_alert_html(change_payload(), STEPS)
    assert ">21</ins>" in html and ">12</del>" in html
    assert re.search(r"<del style=\"[^\"]*text-decoration:line-through", html)
    assert re.search(r"<ins style=\"[^\"]*background:#c9f2c9", html)
    assert html.index("Tier 2 Watch List → Tier 3 (downgrade)") < html.index("Prosecution") \
        < html.index("Protection") < html.index("Prevention")
    tags = parse(html).tags
    assert ("a", {"href": "https://www.state.gov/cambodia/"}) in tags


def test_alert_html_escapes_everything_from_the_page_and_links_only_http() -> None:
    steps = (BlockDiff("insert", XSS_NAME, None, para(XSS_PAYLOAD, XSS_NAME), (Segment("insert", XSS_PAYLOAD),)),)
    payload = change_payload(source={"id": "xss", "name": XSS_NAME, "url": "javascript:alert(1)"},
                             summary=f"{XSS_NAME}: 1 sentence added",
                             fields={"<b>f</b>": {"old": None, "new": "<img src=x onerror=alert(1)>"}})
    for html in (render_alert_html(payload, steps), render_alert_html(payload, None)):
        tags = parse(html).tags
        assert not [t for t, _ in tags if t in ("script", "img", "iframe", "object")]
        assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
        assert not [attrs for t, attrs in tags if t == "a"]  # a javascript: URL is never a link
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "javascript:alert(1)" in html  # shown as text, so the reader sees what was configured


@pytest.mark.parametrize("url, expected", [
    ("https://www.state.gov/x?a=1&b=2", "https://www.state.gov/x?a=1&b=2"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
    ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None), ("data:text/html,x", None),
    ("https://x.org/\"onmouseover=alert(1)", None), ("", None), (None, None),
])
def test_safe_url(url: object, expected: str | None) -> None:
    assert safe_url(url) == expected


def many_steps(count: int, words: int = 30) -> list[BlockDiff]:
    return [BlockDiff("insert", f"Section {i // 10}", None, para(f"Paragraph {i}. " + "word " * words),
                      (Segment("insert", f"Paragraph {i}. " + "word " * words),)) for i in range(count)]


@pytest.mark.parametrize("render, limit", [(render_alert_text, 5000), (render_alert_html, 20000)])
def test_alert_bodies_are_bounded_and_say_how_many_changes_were_left_out(render: Any, limit: int) -> None:
    body = render(change_payload(), many_steps(400), max_chars=limit)
    assert len(body) <= limit
    shown = len(re.findall(r"Paragraph \d+\.", body))
    assert 0 < shown < 400
    assert MORE_NOTE.format(n=400 - shown) in body
    assert "Paragraph 0." in body and f"Paragraph {shown - 1}." in body  # the first changes, in order
    assert body.rstrip().endswith("</html>") if render is render_alert_html else "Detected:" in body


@pytest.mark.parametrize("render, limit", [(render_alert_text, 3000), (render_alert_html, 10000)])
def test_one_huge_paragraph_is_clipped_not_dropped(render: Any, limit: int) -> None:
    body = render(change_payload(), many_steps(1, words=20000), max_chars=limit)
    assert len(body) <= limit and "Paragraph 0." in body and "…" in body


def test_alert_body_bound_holds_even_when_the_fixed_parts_are_huge() -> None:
    payload = change_payload(fields={f"f{i}": {"old": "x" * 400, "new": "y" * 400} for i in range(100)})
    assert len(render_alert_text(payload, STEPS, max_chars=2000)) <= 2000
    assert len(render_alert_html(payload, STEPS, max_chars=4000)) <= 4000


# --------------------------------------------------------------------------- report

def entry(source_id: str, name: str, when: datetime, tier: TierChange | None, diffs: tuple[BlockDiff, ...],
          url: str = "https://www.state.gov/x/") -> ReportEntry:
    return ReportEntry(source_id=source_id, source_name=name, source_url=url, detected_at=when,
                       old_version="20261101T060000Z-aaaaaaaa", new_version=f"{when:%Y%m%dT%H%M%SZ}-bbbbbbbb",
                       summary=f"{name}: changed", tier=tier, current_tier=tier.new if tier else "Tier 1",
                       diffs=diffs)


def test_report_is_newest_first_with_an_index_linking_to_each_change() -> None:
    older = entry("mda", "Moldova (TIP)", datetime(2026, 11, 20, tzinfo=UTC),
                  TierChange("Tier 2 Watch List", "Tier 2", "upgrade"), (ADDED,))
    newer = entry("khm", "Cambodia (TIP)", datetime(2026, 11, 28, tzinfo=UTC), DOWNGRADE, STEPS)
    html = render_report_html([older, newer], datetime(2026, 11, 29, tzinfo=UTC))
    tags = parse(html).tags
    index_links = [attrs["href"] for t, attrs in tags if t == "a" and (attrs.get("href") or "").startswith("#")
                   and attrs["href"] != "#top"]
    article_ids = [attrs["id"] for t, attrs in tags if t == "article"]
    assert index_links == [f"#{newer.anchor}", f"#{older.anchor}"]
    assert article_ids == [newer.anchor, older.anchor]
    assert html.index("Cambodia (TIP)</a></h2>") < html.index("Moldova (TIP)</a></h2>")
    assert 'class="badge downgrade"' in html and 'class="badge upgrade"' in html
    assert ">21</ins>" in html and ">12</del>" in html
    assert "2 changes across 2 sources" in html and "generated 2026-11-29 00:00 UTC" in html


def test_report_is_self_contained_and_scriptless() -> None:
    html = render_report_html([entry("khm", XSS_NAME, datetime(2026, 11, 28, tzinfo=UTC), DOWNGRADE, STEPS,
                                     url="javascript:alert(1)")], datetime(2026, 11, 29, tzinfo=UTC))
    tags = parse(html).tags
    names = {t for t, _ in tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    assert "style" in names  # the CSS is inline
    assert not re.search(r"url\(|@import|src=", html)
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    external = [attrs["href"] for t, attrs in tags if t == "a" and not (attrs["href"] or "").startswith("#")]
    assert external == []  # the javascript: source URL is not a link
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "@media print" in html


def test_empty_report_says_so() -> None:
    html = render_report_html([], datetime(2026, 11, 29, tzinfo=UTC), since=datetime(2026, 11, 1, tzinfo=UTC))
    assert "No changes since 2026-11-01 00:00 UTC." in html and "<article" not in html


# --------------------------------------------------------------------------- the report corpus

CORPUS = Path(__file__).parent / "data" / "corpus"


def corpus_document(name: str) -> Document:
    return Document.from_json(json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))["document"])


def test_diff_of_a_corpus_narrative_a_year_later() -> None:
    """The 2024 Cambodia narrative of the corpus, edited the way a new edition edits it: an upgrade, figures
    updated, a recommendation dropped and one reworded, a paragraph moved within its section."""
    old = corpus_document("state-2024-cambodia")
    blocks = list(old.blocks)
    figures, train, dropped, children = blocks[12], blocks[9], blocks[5], blocks[52]
    blocks[12] = replace(figures, text=figures.text.replace("153 cases", "171 cases")
                         .replace("convicted 96 traffickers", "convicted 118 traffickers"))
    blocks[9] = replace(train, text=train.text.replace("Train judges", "Train police, judges,"))
    blocks.remove(dropped)
    blocks.remove(children)
    blocks.insert(blocks.index(next(b for b in blocks if b.section == "Trafficking Profile"
                                    and b.kind == "paragraph")), children)
    new = Document({**old.fields, "tier": "Tier 2 Watch List"}, tuple(blocks))
    change = compare(old, new)
    assert change is not None and change.tier == TierChange("Tier 3", "Tier 2 Watch List", "upgrade")

    text = render_diff(change_view(diff_blocks(old.blocks, new.blocks), tier=change.tier), color=False).plain

    marked_figures = (figures.text.replace("153 cases", "[-153-]{+171+} cases")
                      .replace("convicted 96 traffickers", "convicted [-96-]{+118+} traffickers"))
    assert text == (
        "Tier: Tier 3 → Tier 2 Watch List (upgrade)\n"
        "\n"
        "## Recommendations\n"
        "\n"
        f"- [-{dropped.text}-]\n"
        "\n"
        "- Train {+police, +}judges{+,+} and prosecutors on the anti-trafficking law and on the use of financial "
        "investigations.\n"
        "\n"
        "## Prosecution\n"
        "\n"
        f"{marked_figures}\n"
        "\n"
        "## Trafficking Profile\n"
        "\n"
        "[moved] Children are exploited in forced begging and street vending in urban areas, and some are "
        "subjected to sex trafficking in entertainment establishments. Traffickers increasingly use social media "
        "and…\n"
    )


def test_diff_of_two_sample_pages_through_the_real_extractor() -> None:
    """Two fetches of the bundled Refworld sample, reduced by the extractor: only the narrative shows."""
    from importlib import resources

    from monitor.extract import extract
    from monitor.models import Source

    source = Source(id="khm", url="https://www.refworld.org/docid/khm.html")
    pages = [resources.files("monitor").joinpath("samples", f"refworld-khm-{n}.html").read_text(encoding="utf-8")
             for n in (1, 2)]
    old, new = (extract(page, source) for page in pages)
    change = compare(old, new)
    assert change is not None
    text = render_diff(change_view(diff_blocks(old.blocks, new.blocks), tier=change.tier), color=False).plain
    assert text.startswith("Tier: Tier 2 Watch List → Tier 3 (downgrade)\n\n## ")
    assert "elimination of trafficking[-; however, it-]{+ and+} is{+ not+} making significant efforts" in text
    assert "{+However, corruption, lack of police training and poor implementation of laws facilitate " \
           "trafficking of persons. +}" in text
    # Page chrome never reaches the diff.
    assert "accessed" not in text and "Last Updated" not in text and "Search Refworld" not in text
