"""Extraction: pages in, documents out - exactly.

Table-driven over the corpus in ``tests/data/corpus/`` (realistic, chrome-heavy pages in four site styles
and both report eras, each with the document it must give), plus the hard cases of SPEC §5: every form of
tier heading, tier-like text that must never set the tier, recommendations in every layout, markup that
renders the same text, the source's select/strip/ignore/fields rules, and hostile input.
"""

from __future__ import annotations

import html
import json
import threading
from pathlib import Path

import pytest

from monitor.errors import ExtractError
from monitor.extract import EXTRACTOR_VERSION, _CssView, _parse, _prune, extract, normalize_text
from monitor.models import Block, Document, FieldRule, Source

CORPUS = Path(__file__).parent / "data" / "corpus"
CORPUS_PAGES = sorted(p.stem for p in CORPUS.glob("*.html"))
EARLY_ERA = {"refworld-2002-cambodia", "refworld-2003-honduras", "ecoi-2009-cote-divoire"}
P = "<p>The government made significant efforts to prosecute traffickers during the reporting period.</p>"
P_TEXT = "The government made significant efforts to prosecute traffickers during the reporting period."


def source(**kwargs: object) -> Source:
    return Source(id="src", url="https://example.org/report", **kwargs)  # type: ignore[arg-type]


def corpus_page(name: str) -> str:
    return (CORPUS / f"{name}.html").read_text(encoding="utf-8")


def corpus_expected(name: str) -> tuple[str, Document]:
    data = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    return data["profile"], Document.from_json(data["document"])


def fields_of(page: str, **kwargs: object) -> tuple[str | None, str | None]:
    doc = extract(page, source(**kwargs))
    return doc.country, doc.tier


# --------------------------------------------------------------------------- the corpus

def test_corpus_covers_four_site_styles_both_eras_and_real_page_sizes() -> None:
    styles = {name.split("-")[0] for name in CORPUS_PAGES}
    assert {"refworld", "state", "ecoi", "embassy"} <= styles
    assert EARLY_ERA <= set(CORPUS_PAGES) and set(CORPUS_PAGES) - EARLY_ERA
    for name in CORPUS_PAGES:
        size = (CORPUS / f"{name}.html").stat().st_size
        assert 30_000 <= size <= 200_000, (name, size)


@pytest.mark.parametrize("name", CORPUS_PAGES)
def test_corpus_page_gives_exactly_its_document(name: str) -> None:
    profile, expected = corpus_expected(name)
    doc = extract(corpus_page(name), source(profile=profile))
    assert dict(doc.fields) == dict(expected.fields)
    assert [(b.kind, b.section, b.text) for b in doc.blocks] == [(b.kind, b.section, b.text)
                                                                  for b in expected.blocks]


def test_modern_pages_have_sections_and_recommendation_items() -> None:
    for name in CORPUS_PAGES:
        if name in EARLY_ERA or name.startswith("embassy"):
            continue
        doc = extract(corpus_page(name), source())
        sections = {b.section for b in doc.blocks}
        assert {"Overview", "Recommendations", "Prosecution", "Protection", "Prevention"} <= sections, name
        assert any(b.kind == "item" and b.section == "Recommendations" for b in doc.blocks), name


# --------------------------------------------------------------------------- the seed page

SEED = (CORPUS / "seed-refworld-2002-tip-cambodia.txt").read_text(encoding="utf-8")
SEED_PARAGRAPHS = [block.strip() for block in SEED.split("\n\n") if block.strip().startswith(("Cambodia is",
                                                                                              "The Government"))]


def seed_as_paragraphs() -> str:
    lines = "\n".join(f"<p>{html.escape(line)}</p>" for line in SEED.splitlines() if line.strip())
    return f"<html><head><title>Refworld</title></head><body><div id='content'>{lines}</div></body></html>"


def seed_as_line_breaks() -> str:
    body = html.escape(SEED).replace("\n", "<br>\n")
    return f"<html><body><div class='document'>{body}</div></body></html>"


def seed_as_preformatted() -> str:
    return f"<html><body><pre>{html.escape(SEED)}</pre></body></html>"


@pytest.mark.parametrize("render", [seed_as_paragraphs, seed_as_line_breaks, seed_as_preformatted])
def test_seed_page_is_exactly_cambodia_tier_3_and_its_two_paragraphs(render) -> None:  # type: ignore[no-untyped-def]
    doc = extract(render(), source())
    assert doc.country == "Cambodia"
    assert doc.tier == "Tier 3"
    assert doc.fields["year"] == "2002"
    assert [b.text for b in doc.blocks] == SEED_PARAGRAPHS
    assert len(SEED_PARAGRAPHS) == 2
    assert all(b.kind == "paragraph" for b in doc.blocks)


def test_seed_corpus_page_keeps_none_of_the_chrome_lines() -> None:
    doc = extract(corpus_page("refworld-2002-cambodia"), source())
    text = doc.to_text()
    for chrome_text in ("Last Updated", "Publisher", "Cite as", "accessed", "Disclaimer", "UNHCR",
                        "Search Refworld", "Page generated", "Visitors", "Share this", "Back to top"):
        assert chrome_text not in text


# --------------------------------------------------------------------------- tier headings

HEADING_PAGES = [
    ("<h2>Cambodia (Tier 3)</h2>", "", "Cambodia", "Tier 3"),
    ("<h2>CAMBODIA: Tier 2 Watch List</h2>", "", "Cambodia", "Tier 2 Watch List"),
    ("<h3>HONDURAS (TIER 2)</h3>", "", "Honduras", "Tier 2"),
    ("<p><b>RUSSIA: TIER 3</b></p>", "", "Russia", "Tier 3"),
    ("<h2>SOMALIA (Special Case)</h2>", "", "Somalia", "Special Case"),
    ("<p><strong>SPECIAL CASE: YEMEN</strong></p>", "", "Yemen", "Special Case"),
    ("<h2>Special Case (Libya)</h2>", "", "Libya", "Special Case"),
    ("<h2>Special Case</h2>", "Libya - United States Department of State", "Libya", "Special Case"),
    ("<h2>KOREA, NORTH: Tier 3</h2>", "", "Korea, North", "Tier 3"),
    ("<h2>CONGO, DEMOCRATIC REPUBLIC OF THE (Tier 2 Watch List)</h2>", "", "Congo, Democratic Republic of the",
     "Tier 2 Watch List"),
    ("<h2>Côte d'Ivoire (Tier 2)</h2>", "", "Côte d'Ivoire", "Tier 2"),
    ("<h2>C&ocirc;te d&#8217;Ivoire (Tier 2)</h2>", "", "Côte d'Ivoire", "Tier 2"),
    ("<h2>Cambodia<br>(Tier 3)</h2>", "", "Cambodia", "Tier 3"),
    ("<h2>Cambodia</h2>\n<h3>(Tier 3)</h3>", "", "Cambodia", "Tier 3"),
    ("<p>Cambodia</p><p>Tier 3</p>", "", "Cambodia", "Tier 3"),
    ("<p>CAMBODIA<br>TIER 2 WATCH LIST</p>", "", "Cambodia", "Tier 2 Watch List"),
    ("<p>CAMBODIA: Tier 3</p>", "Cambodia - United States Department of State", "Cambodia", "Tier 3"),
    ("<h1>2024 Trafficking in Persons Report: Cambodia</h1><p><strong>Cambodia (Tier 2 Watch List)</strong></p>",
     "", "Cambodia", "Tier 2 Watch List"),
    ("<h2>Cambodia&nbsp;(Tier&nbsp;3)</h2>", "", "Cambodia", "Tier 3"),
    ("<h2>Cam<span>bodia</span> (<em>Tier 3</em>)</h2>", "", "Cambodia", "Tier 3"),
    ("<h2><span>CAMBODIA</span><span>Tier 3</span></h2>", "", "Cambodia", "Tier 3"),
    ("<h2>CAMBODIA: Tier 3 <a class='toggle' href='#'>Show/Hide</a></h2>", "", "Cambodia", "Tier 3"),
    ("<h1>Cambodia</h1><table><tr><th>Tier placement</th><td>Tier 3</td></tr></table>", "", "Cambodia", "Tier 3"),
    # The 2001-2005 pages: a layout table, a navigation column beside the report.
    ("<table><tr><td width='150'><a href='/'>Home</a><br><a href='/tip'>Reports</a></td><td><h3>Cambodia "
     "(Tier 3)</h3></td></tr></table>", "", "Cambodia", "Tier 3"),
]


@pytest.mark.parametrize(("heading", "title", "country", "tier"), HEADING_PAGES)
def test_tier_heading_in_every_form(heading: str, title: str, country: str, tier: str) -> None:
    page = f"<html><head><title>{title}</title></head><body><main>{heading}{P}</main></body></html>"
    doc = extract(page, source())
    assert (doc.country, doc.tier) == (country, tier)
    assert [b.text for b in doc.blocks] == [P_TEXT]
    assert doc.blocks[0].section == "Overview"


@pytest.mark.parametrize("markup", [
    "<p><strong>CAMBODIA: Tier 3</strong> " + P_TEXT + "</p>",                 # run in with the first sentence
    "<p>U.S. Department of State 2002 Trafficking in Persons Report - Cambodia<br>Cambodia (Tier 3)<br>"
    + P_TEXT + "</p>",                                                         # one <br> per line, no blank line
    "<pre>U.S. Department of State 2002 Trafficking in Persons Report - Cambodia\nCambodia (Tier 3)\n"
    + P_TEXT + "</pre>",
])
def test_a_tier_heading_among_other_lines_is_found(markup: str) -> None:
    doc = extract(f"<html><body><main>{markup}</main></body></html>", source())
    assert (doc.country, doc.tier) == ("Cambodia", "Tier 3")
    assert [b.text for b in doc.blocks] == [P_TEXT]


def test_a_2003_table_layout_page_reads_its_heading_and_narrative() -> None:
    page = ("<html><head><title>Cambodia</title></head><body><table><tr><td width='160'><a href='/'>Home</a><br>"
            "<a href='/tip'>Country Narratives</a></td><td><p><b>Cambodia (Tier 3)</b></p>" + P
            + "<p>Courts convicted 12 traffickers.</p></td></tr></table><table><tr><td>Privacy Notice | FOIA | "
            "Copyright Information<br>Page generated Monday, 24 June 2024, 14:07 GMT</td></tr></table></body></html>")
    doc = extract(page, source())
    assert (doc.country, doc.tier) == ("Cambodia", "Tier 3")
    assert [b.text for b in doc.blocks] == [P_TEXT, "Courts convicted 12 traffickers."]


def test_a_plain_text_body_is_read_by_its_lines() -> None:
    text = ("Last Updated: Monday, 30 May 2016, 14:07 GMT\n\nU.S. Department of State 2002 Trafficking in Persons "
            "Report - Cambodia\n\nPublisher United States Department of State\nCite as United States Department "
            "of State, 5 June 2002 [accessed 31 May 2016]\n\nCambodia (Tier 3)\n\n" + P_TEXT
            + "\n\nSecond paragraph of\nthe narrative, hard-wrapped.\n\nSearch Refworld\n")
    doc = extract(text, source())
    assert (doc.country, doc.tier, doc.fields["year"]) == ("Cambodia", "Tier 3", "2002")
    assert [b.text for b in doc.blocks] == [P_TEXT, "Second paragraph of the narrative, hard-wrapped."]


@pytest.mark.parametrize("widget", [
    "<h3 class='accordion-header'><button class='accordion-button' aria-expanded='false'>PROSECUTION</button></h3>",
    "<div class='acc'><button aria-expanded='true' aria-controls='s1'>Prosecution</button></div>",
    "<h3>PROSECUTION <a href='#' class='js-toggle'>Show/Hide</a></h3>",
    "<h3 id='p'>Prosecution<a class='headerlink' href='#p'>¶</a></h3>",
    "<details><summary>PROSECUTION</summary></details>",
])
def test_collapsible_section_titles_are_section_headings(widget: str) -> None:
    page = (f"<html><body><main><h2>Cambodia (Tier 3)</h2>{P}{widget}<p>Courts convicted 12 traffickers.</p>"
            "</main></body></html>")
    doc = extract(page, source())
    assert doc.blocks[-1] == Block("paragraph", "Courts convicted 12 traffickers.", "Prosecution")
    assert [b.text for b in doc.blocks if b.kind == "heading"] in (["PROSECUTION"], ["Prosecution"])


@pytest.mark.parametrize("after", [
    "<div class='col'><h4>Regional tiers</h4><p>Thailand: Tier 2</p><p>Laos: Tier 2 Watch List</p></div>",
    "<table><tr><td>Thailand</td><td>Tier 2</td><td>Tier 3</td></tr><tr><td>Laos</td><td>Tier 1</td></tr></table>",
    "<h4>Tier 2 Watch List</h4><p>Countries whose governments do not fully meet the minimum standards.</p>",
    "<ul><li><a href='#prosecution'>Prosecution</a></li><li><a href='#protection'>Protection</a></li></ul>",
    "<hr><p><b>Canada (Tier 1)</b></p><p>Canada is a destination country for victims.</p>",
    "<div style='display: none'>sid=abc123 form 77</div><p><span aria-hidden='true'>★ 4.5</span></p>",
])
def test_what_follows_the_narrative_but_is_not_this_countrys_report(after: str) -> None:
    page = (f"<html><head><title>Cambodia</title></head><body><main><h2>Cambodia (Tier 3)</h2>{P}{after}"
            "</main></body></html>")
    doc = extract(page, source())
    assert doc.tier == "Tier 3"
    assert [b.text for b in doc.blocks if b.text != "Regional tiers"] == [P_TEXT]


def test_a_press_release_with_a_tier_key_box_reads_its_own_sentence() -> None:
    page = ("<html><head><title>Release | U.S. Embassy in Cambodia</title></head><body><main><p>The report placed "
            "Cambodia on Tier 3.</p><div><h4>Tier 2 Watch List</h4><p>Countries whose governments do not fully meet "
            "the minimum standards but are making significant efforts.</p></div></main></body></html>")
    doc = extract(page, source())
    assert doc.tier == "Tier 3"
    assert [b.text for b in doc.blocks] == ["The report placed Cambodia on Tier 3."]


@pytest.mark.parametrize(("name", "page"), [
    ("title", "<html><head><title>Cambodia (Tier 3)</title></head><body>" + P + "</body></html>"),
    ("breadcrumbs", "<html><body><div class='breadcrumbs'><a>Reports</a> &gt; Cambodia (Tier 3)</div>"
                    + P + "</body></html>"),
    ("sidebar", "<html><head><title>Cambodia</title></head><body><main>" + P + "</main><div class='sidebar'>"
                "<h3>Thailand (Tier 2)</h3><p>Vietnam (Tier 2 Watch List)</p></div></body></html>"),
    ("aside", "<html><body><main>" + P + "<aside><h3>Laos (Tier 3)</h3></aside></main></body></html>"),
    ("placements table", "<html><head><title>Cambodia</title></head><body><main>" + P
                         + "<table><tr><th>Country</th><th>Tier</th></tr><tr><td>Thailand</td><td>Tier 2</td></tr>"
                         "<tr><td>Laos (Tier 3)</td></tr></table></main></body></html>"),
    ("placements list", "<html><body><main>" + P + "<ul><li>Thailand (Tier 2)</li><li>Laos (Tier 3)</li></ul>"
                        "</main></body></html>"),
    ("tier system", "<html><body><main>" + P + "<h3>Tier 1</h3><p>Countries whose governments fully meet the "
                    "minimum standards.</p><h3>Tier 2</h3><p>Countries whose governments do not.</p>"
                    "<h3>Tier 3</h3><p>Countries that make no efforts.</p></main></body></html>"),
    ("tier system 2", "<html><body><main>" + P + "<p>Tier 3: Countries whose governments do not fully meet the "
                      "minimum standards and are not making significant efforts to do so.</p></main></body></html>"),
    ("comments", "<html><body><main>" + P + "</main><div id='comments'><h3>Cambodia (Tier 1)</h3>"
                 "<p>Cambodia deserves Tier 1!</p></div></body></html>"),
    ("comment markup", "<html><body><main>" + P + "<!-- <h2>Cambodia (Tier 3)</h2> --></main></body></html>"),
    ("script", "<html><body><main>" + P + "<script>var h = '<h2>Cambodia (Tier 3)</h2>';</script></main>"
               "</body></html>"),
    ("history", "<html><head><title>Cambodia</title></head><body><p>Cambodia dropped to Tier 3 in 2005. It was "
                "placed on Tier 3 in 2019 and 2020. Cambodia had been on Tier 2 previously.</p></body></html>"),
    ("hypothetical", "<html><head><title>Cambodia</title></head><body><p>Cambodia would be downgraded to Tier 3 "
                     "if the government does not act.</p></body></html>"),
    ("another country", "<html><head><title>Cambodia</title></head><body><main><h2>Thailand (Tier 2)</h2>"
                        + P + "</main></body></html>"),
])
def test_tier_like_text_elsewhere_never_sets_the_tier(name: str, page: str) -> None:
    assert extract(page, source()).tier is None, name


@pytest.mark.parametrize("markup", [
    "<p><b>CAMBODIA: Tier 3</b><br>" + P_TEXT + "</p>",
    "<p>Cambodia<br>(Tier 3)<br>" + P_TEXT + "</p>",
    "<div><strong>Cambodia (Tier 3)</strong><br>\n" + P_TEXT + "</div>",
])
def test_a_tier_heading_on_the_first_line_of_a_paragraph(markup: str) -> None:
    doc = extract(f"<html><body><main>{markup}<p><b>Protection</b><br>Victims.</p></main></body></html>", source())
    assert (doc.country, doc.tier) == ("Cambodia", "Tier 3")
    assert list(doc.blocks) == [Block("paragraph", P_TEXT, "Overview"), Block("heading", "Protection", "Protection"),
                                Block("paragraph", "Victims.", "Protection")]


def test_other_countries_listed_beside_the_heading_do_not_win() -> None:
    page = ("<html><head><title>Cambodia - United States Department of State</title></head><body><main>"
            "<div class='grid'><div><p>Thailand (Tier 2)</p><p>Laos (Tier 3)</p></div>"
            "<div><h2>Cambodia (Tier 2 Watch List)</h2>" + P + "</div></div></main></body></html>")
    assert fields_of(page) == ("Cambodia", "Tier 2 Watch List")


def test_a_repeated_tier_heading_is_not_a_finding() -> None:
    page = ("<html><body><main><h1>Cambodia (Tier 3)</h1><p>CAMBODIA: Tier 3</p>" + P + "</main></body></html>")
    doc = extract(page, source())
    assert doc.tier == "Tier 3"
    assert [b.text for b in doc.blocks] == [P_TEXT]


def test_text_before_the_tier_heading_is_not_narrative() -> None:
    page = ("<html><body><main><h1>2024 Trafficking in Persons Report: Cambodia</h1><p>Office to Monitor and "
            "Combat Trafficking in Persons</p><h2>Cambodia (Tier 3)</h2>" + P + "</main></body></html>")
    assert [b.text for b in extract(page, source()).blocks] == [P_TEXT]


def test_tier_heading_outside_the_heuristic_region_is_found() -> None:
    page = ("<html><head><title>Cambodia</title></head><body><div class='top'><h2>Cambodia (Tier 2)</h2></div>"
            "<article>" + P + "<p>Second paragraph of the narrative.</p></article></body></html>")
    doc = extract(page, source())
    assert doc.tier == "Tier 2"
    assert [b.text for b in doc.blocks] == [P_TEXT, "Second paragraph of the narrative."]


# --------------------------------------------------------------------------- the narrative's own sentence

def test_without_a_heading_the_narrative_sentence_gives_the_tier() -> None:
    page = ("<html><head><title>Release of the report | U.S. Embassy in Cambodia</title></head><body><main>"
            "<p>Cambodia was placed on Tier 3 in 2019 and 2020. Cambodia dropped to Tier 3 in 2005.</p>"
            "<p>The government increased efforts; therefore Cambodia was upgraded to Tier 2 Watch List.</p>"
            "</main></body></html>")
    doc = extract(page, source())
    assert (doc.country, doc.tier) == ("Cambodia", "Tier 2 Watch List")
    assert all(b.section is None for b in doc.blocks)


def test_a_heading_wins_over_the_narrative_sentence() -> None:
    page = ("<html><body><main><h2>Cambodia (Tier 3)</h2><p>The government made efforts; therefore Cambodia "
            "was upgraded to Tier 2.</p></main></body></html>")
    assert extract(page, source()).tier == "Tier 3"


# --------------------------------------------------------------------------- sections and recommendations

ITEMS = ["Increase prosecutions of traffickers.", "Amend the anti-trafficking law.", "Train judges."]


@pytest.mark.parametrize("markup", [
    "<h3>PRIORITIZED RECOMMENDATIONS:</h3><ul><li>Increase prosecutions of traffickers.</li>"
    "<li>Amend the anti-trafficking law.</li><li>Train judges.</li></ul>",
    "<p>PRIORITIZED RECOMMENDATIONS: • Increase prosecutions of traffickers. • Amend the anti-trafficking law. "
    "• Train judges.</p>",
    "<p><b>PRIORITIZED RECOMMENDATIONS:</b><br>• Increase prosecutions of traffickers.<br>• Amend the "
    "anti-trafficking law.<br>• Train judges.</p>",
    "<p><b>PRIORITIZED RECOMMENDATIONS:</b></p><p>• Increase prosecutions of traffickers.</p>"
    "<p>• Amend the anti-trafficking law.</p><p>• Train judges.</p>",
    "<p><b>PRIORITIZED RECOMMENDATIONS:</b><br>- Increase prosecutions of traffickers.<br>- Amend the "
    "anti-trafficking law.<br>- Train judges.</p>",
    "<h4>PRIORITIZED RECOMMENDATIONS</h4><p>Increase prosecutions of traffickers.</p>"
    "<p>Amend the anti-trafficking law.</p><p>Train judges.</p>",
])
def test_prioritized_recommendations_in_every_layout_become_items(markup: str) -> None:
    page = (f"<html><body><main><h2>Cambodia (Tier 3)</h2>{P}{markup}<h3>PROSECUTION</h3><p>Text.</p></main>"
            "</body></html>")
    blocks = extract(page, source()).blocks
    assert blocks[1] == Block("heading", "PRIORITIZED RECOMMENDATIONS", "Recommendations")
    assert list(blocks[2:5]) == [Block("item", text, "Recommendations") for text in ITEMS]
    assert blocks[5:] == (Block("heading", "PROSECUTION", "Prosecution"), Block("paragraph", "Text.", "Prosecution"))


def test_a_semicolon_recommendation_list_becomes_items() -> None:
    page = ("<html><body><main><h2>Cambodia (Tier 2)</h2>" + P + "<p><b>Recommendations for Cambodia:</b> "
            "Increase prosecutions; amend the law (articles 3; 5 and 7); and train judges.</p>"
            "<p><b>Prosecution</b></p><p>The government made efforts.</p></main></body></html>")
    blocks = extract(page, source()).blocks
    assert list(blocks[1:]) == [
        Block("heading", "Recommendations for Cambodia", "Recommendations"),
        Block("item", "Increase prosecutions", "Recommendations"),
        Block("item", "amend the law (articles 3; 5 and 7)", "Recommendations"),
        Block("item", "train judges.", "Recommendations"),
        Block("heading", "Prosecution", "Prosecution"),
        Block("paragraph", "The government made efforts.", "Prosecution"),
    ]


@pytest.mark.parametrize(("markup", "section", "heading"), [
    ("<h3>Scope and Magnitude</h3><p>Text.</p>", "Scope and Magnitude", "Scope and Magnitude"),
    ("<p><b>Scope and Magnitude:</b> Text.</p>", "Scope and Magnitude", "Scope and Magnitude"),
    ("<p><b>Government Efforts:</b> Text.</p>", "Government Efforts", "Government Efforts"),
    ("<h3>TRAFFICKING PROFILE</h3><p>Text.</p>", "Trafficking Profile", "TRAFFICKING PROFILE"),
    ("<p>TRAFFICKING PROFILE: Text.</p>", "Trafficking Profile", "TRAFFICKING PROFILE"),
    ("<p><b>PROTECTION</b><br>Text.</p>", "Protection", "PROTECTION"),
    ("<p>PREVENTION Text.</p>", "Prevention", "PREVENTION"),
    ("<h3>Prosecution:</h3><p>Text.</p>", "Prosecution", "Prosecution"),
    ("<h3>HUMAN TRAFFICKING PROFILE</h3><p>Text.</p>", "Trafficking Profile", "HUMAN TRAFFICKING PROFILE"),
    ("<h3>Victim Protection</h3><p>Text.</p>", "Protection", "Victim Protection"),
    ("<h3>PROSECUTION EFFORTS</h3><p>Text.</p>", "Prosecution", "PROSECUTION EFFORTS"),
])
def test_section_headings_and_run_in_leads(markup: str, section: str, heading: str) -> None:
    page = f"<html><body><main><h2>Cambodia (Tier 3)</h2>{P}{markup}</main></body></html>"
    blocks = extract(page, source()).blocks
    assert blocks[0] == Block("paragraph", P_TEXT, "Overview")
    assert list(blocks[1:]) == [Block("heading", heading, section), Block("paragraph", "Text.", section)]


def test_generic_profile_tags_blocks_with_the_nearest_heading_and_reads_no_tier() -> None:
    page = ("<html><body><nav>Menu</nav><main><p>Intro.</p><h1>Cambodia (Tier 3)</h1><p>Para one.</p><h2>Sub</h2>"
            "<ul><li>Point.</li></ul></main><footer>Footer</footer></body></html>")
    doc = extract(page, source(profile="generic"))
    assert dict(doc.fields) == {}
    assert list(doc.blocks) == [
        Block("paragraph", "Intro.", None), Block("heading", "Cambodia (Tier 3)", "Cambodia (Tier 3)"),
        Block("paragraph", "Para one.", "Cambodia (Tier 3)"), Block("heading", "Sub", "Sub"),
        Block("item", "Point.", "Sub")]


# --------------------------------------------------------------------------- same text, other markup

BASE = ("<html><head><title>Cambodia</title></head><body><main><h2>Cambodia (Tier 3)</h2>"
        "<p>The government’s efforts – modest – continued.</p><p>Victims received “care”.</p></main></body></html>")


@pytest.mark.parametrize("variant", [
    BASE.replace("<p>", "<div>").replace("</p>", "</div>"),
    BASE.replace(" ", "&nbsp;", 3).replace("efforts – modest", "efforts&nbsp;&ndash;&nbsp;modest"),
    BASE.replace("<p>The government", "<p>\n   The\n   government"),
    BASE.replace("government’s", "government's").replace("“care”", '"care"'),
    BASE.replace("efforts – modest – continued", "efforts—modest—continued"),
    BASE.replace("government", "gov\u00adern\u00adment"),
    BASE.replace("government", "gove<b>rnm</b>ent").replace("care", "<a href='#'>care</a>"),
    BASE.replace("<main>", "<main><section><div class='wrap'>").replace("</main>", "</div></section></main>"),
    BASE.replace("continued.", "continued.\u200b").replace("Victims", "\ufeffVictims"),
    BASE.replace("<h2>Cambodia (Tier 3)</h2>", "<h1>CAMBODIA: TIER III</h1>"),
    BASE.replace("care", "cafe\u0301".replace("fe\u0301", "re")),
])
def test_markup_whitespace_and_typography_that_render_the_same_give_the_same_document(variant: str) -> None:
    assert extract(variant, source()) == extract(BASE, source())


def test_normalization_in_one_place() -> None:
    assert normalize_text("  a\u00a0\u00a0b \u2028 c\u2028\u2028 d\u00ad e “q” ‘s’ – x\u200b\t\ny\u3000z ") == \
        "a b\nc\n\nd e \"q\" 's' - x y z"
    assert normalize_text("Caf\u0065\u0301") == "Café"
    # A range is one form however it is typed; a spaced dash stays a dash; an ellipsis is three dots.
    assert normalize_text("2024\u20132028 and 2024-2028 \u2014 five years\u2026") == \
        "2024-2028 and 2024-2028 - five years..."


# --------------------------------------------------------------------------- the source's own rules

PAGE = ("<html><body><header><h1>Site</h1></header><div id='wrap'><div class='report'>"
        "<h2>Cambodia (Tier 3)</h2>" + P + "<p class='note'>Editor's note: figures revised.</p>"
        "<p>Share this story with friends</p><p>Advisory Level 3: Reconsider travel.</p></div>"
        "<div class='other'><p>Unrelated text.</p></div></div></body></html>")


def test_select_narrows_the_region() -> None:
    doc = extract(PAGE, source(select="div.report"))
    assert "Unrelated text." not in [b.text for b in doc.blocks]
    assert doc.tier == "Tier 3"


def test_select_with_a_complex_selector_uses_soupsieve() -> None:
    doc = extract(PAGE, source(select="div#wrap > div:first-child"))
    assert [b.text for b in doc.blocks][0] == P_TEXT
    assert "Unrelated text." not in [b.text for b in doc.blocks]


def test_strip_and_ignore_remove_what_the_user_names() -> None:
    doc = extract(PAGE, source(select="div.report", strip=("p.note",), ignore=(r"^Share this",)))
    assert [b.text for b in doc.blocks] == [P_TEXT, "Advisory Level 3: Reconsider travel."]
    doc = extract(PAGE, source(select="div.report", strip=("p:nth-of-type(2)",)))
    assert "Editor's note: figures revised." not in [b.text for b in doc.blocks]


def test_select_may_name_an_element_the_preset_treats_as_chrome() -> None:
    page = ("<html><body><main><p>Main text.</p></main><div class='sidebar'><p>Sidebar report text.</p></div>"
            "</body></html>")
    doc = extract(page, source(profile="generic", select=".sidebar"))
    assert [b.text for b in doc.blocks] == ["Sidebar report text."]


def test_select_matching_nothing_is_a_clear_error() -> None:
    with pytest.raises(ExtractError, match="the selector 'main' matched nothing"):
        extract(PAGE, source(select="main"))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"select": "div[["}, "not a valid CSS selector"),
    ({"strip": ("p:nosuchthing(",)}, "not a valid CSS selector"),
    ({"ignore": ("(unclosed",)}, "not a valid regular expression"),
    ({"fields": (FieldRule("level", regex="Level ("),)}, "not a valid regular expression"),
])
def test_invalid_rules_are_clear_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        extract(PAGE, source(**kwargs))


def test_configured_fields_regex_and_css() -> None:
    rules = (FieldRule("level", regex=r"Level (\d)"), FieldRule("advisory", regex=r"Reconsider \w+"),
             FieldRule("site", css="header h1"), FieldRule("note", css="p.note"),
             FieldRule("missing", regex=r"Level (\d{3})"), FieldRule("gone", css="div.nothing"))
    doc = extract(PAGE, source(fields=rules))
    assert doc.fields["level"] == "3"
    assert doc.fields["advisory"] == "Reconsider travel"
    assert doc.fields["site"] == "Site"                 # found even though the preset removes <header>
    assert doc.fields["note"] == "Editor's note: figures revised."
    assert doc.fields["missing"] is None and doc.fields["gone"] is None
    assert list(doc.fields)[:3] == ["country", "tier", "year"]


def test_generic_profile_has_only_configured_fields() -> None:
    doc = extract(PAGE, source(profile="generic", fields=(FieldRule("level", regex=r"Level (\d)"),)))
    assert dict(doc.fields) == {"level": "3"}


def test_tip_fields_are_always_present() -> None:
    doc = extract("<html><body><p>Just a page.</p></body></html>", source())
    assert dict(doc.fields) == {"country": None, "tier": None, "year": None}


# --------------------------------------------------------------------------- CSS: fast path == soupsieve

SELECTORS = ["main", "article", "div", "p", "#content", "#main", ".entry-content", "div.document", "main p",
             "main > div", "div > p", "body div p", ".report__content > p", "*", "h1, h2, h3", "ul li",
             "#docMain .document p", "article .document-content", "div.report__section h3", "MAIN", "li.menu-item",
             "nav .menu a", "form.search", "table tr", "dl dt", "span", ".nothing", "p.x.y"]


@pytest.mark.parametrize("name", ["state-2024-cambodia", "refworld-2002-cambodia", "ecoi-2019-congo",
                                  "embassy-2024-cambodia"])
def test_simple_selectors_match_exactly_what_soupsieve_matches(name: str) -> None:
    for pruned in (False, True):
        root = _parse(corpus_page(name))
        if pruned:
            _prune(root)
        view = _CssView(root)
        for selector in SELECTORS:
            assert view.select(selector) == view.select_with_soup(selector), (name, selector)


# --------------------------------------------------------------------------- hostile and odd input

@pytest.mark.parametrize("page", [
    "", "   \n\t ", "<html></html>", "<html><body></body></html>", "<!-- only a comment -->",
    "<script>var x = 1;</script><style>p{}</style>",
])
def test_a_page_without_text_is_a_clear_error(page: str) -> None:
    with pytest.raises(ExtractError, match="the page has no text"):
        extract(page, source())


@pytest.mark.parametrize("page", [
    "<div>" * 5000 + "<p>Deep text.</p>" + "</div>" * 5000,
    "<p>unclosed <b>bold <i>italic <table><tr><td>cell",
    "\x00\x01binary\x02 junk \xff\ufffd<p>text",
    "<?xml version='1.0' encoding='ISO-8859-1'?><html><body><p>XML-declared page.</p></body></html>",
    "lone surrogate \ud800 text",
    "plain text with no markup at all",
    "<p>" + "word " * 200_000 + "</p>",
    "<html><body><p>a</p></body></html>" * 3,
    "<h2>Cambodia (Tier 3)</h2>" + "<li>" * 3000,
    "<svg><text>only svg</text></svg><p>after svg</p>",
])
def test_broken_and_hostile_markup_never_crashes(page: str) -> None:
    try:
        doc = extract(page, source())
    except ExtractError:
        return
    assert isinstance(doc, Document)
    assert all(b.text and b.text == b.text.strip() for b in doc.blocks)


def test_extraction_is_thread_safe_and_deterministic() -> None:
    names = CORPUS_PAGES
    expected = {name: extract(corpus_page(name), source(profile=corpus_expected(name)[0])) for name in names}
    failures: list[str] = []

    def work() -> None:
        for name in names:
            if extract(corpus_page(name), source(profile=corpus_expected(name)[0])) != expected[name]:
                failures.append(name)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


# --------------------------------------------------------------------------- idempotence

def render(doc: Document) -> str:
    """An HTML rendering of a document: its fields as a title and tier heading, its blocks as elements."""
    country, tier, year = doc.fields.get("country"), doc.fields.get("tier"), doc.fields.get("year")
    title = f"{year} Trafficking in Persons Report - {country}" if year else (country or "")
    parts = [f"<html><head><title>{html.escape(title)}</title></head><body><main>"]
    if tier and all(b.section is not None for b in doc.blocks):
        parts.append(f"<h2>{html.escape(country or '')} ({tier})</h2>")
    in_list = False
    for block in doc.blocks:
        if block.kind == "item" and not in_list:
            parts.append("<ul>")
        if block.kind != "item" and in_list:
            parts.append("</ul>")
        in_list = block.kind == "item"
        tag = {"heading": "h3", "paragraph": "p", "item": "li"}[block.kind]
        parts.append(f"<{tag}>{html.escape(block.text)}</{tag}>")
    parts.append("</ul>" if in_list else "")
    parts.append("</main></body></html>")
    return "\n".join(parts)


@pytest.mark.parametrize("name", CORPUS_PAGES)
def test_extracting_a_rendering_of_the_document_gives_the_same_document(name: str) -> None:
    profile = corpus_expected(name)[0]
    doc = extract(corpus_page(name), source(profile=profile))
    again = extract(render(doc), source(profile=profile))
    assert again.blocks == doc.blocks
    if profile == "tip-report":
        assert dict(again.fields) == dict(doc.fields)


def test_extractor_version_is_a_string() -> None:
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION
