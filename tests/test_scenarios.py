"""Scenarios: two fetches of a page, the change the monitor must report - exactly, and nothing else.

Each row takes a corpus page (``tests/data/corpus/``), edits it the way a site would between two fetches,
and asserts ``compare(extract(old), extract(new))``: ``None`` for chrome, markup, whitespace and tier
spellings; the exact tier change for every transition; the exact sentences added and removed for findings
edits. Suspect pages (maintenance, captcha, server errors, truncation) are named by ``suspect_reason``,
while real changes never are. Non-UTF-8 bodies decoded by the fetcher give the same document as UTF-8.
Property tests (hypothesis) throw random chrome anywhere outside the narrative (never a change) and random
edits inside it (always a findings change).
"""

from __future__ import annotations

import html
import itertools
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from monitor.compare import compare
from monitor.errors import ExtractError
from monitor.extract import extract
from monitor.fetch import decode_body
from monitor.models import CANONICAL_TIERS, Change, Document, FindingsChange, Page, Source, TierChange
from monitor.suspect import suspect_reason

CORPUS = Path(__file__).parent / "data" / "corpus"
TIP = Source(id="src", url="https://example.org/report")
GENERIC = Source(id="src", url="https://example.org/report", profile="generic")


def load(name: str) -> str:
    return (CORPUS / f"{name}.html").read_text(encoding="utf-8")


REFWORLD = load("refworld-2002-cambodia")
HONDURAS = load("refworld-2003-honduras")
YEMEN = load("refworld-2017-yemen")
STATE = load("state-2024-cambodia")
SOMALIA = load("state-2022-somalia")
ECOI = load("ecoi-2019-congo")
IVOIRE = load("ecoi-2009-cote-divoire")
EMBASSY = load("embassy-2024-cambodia")


def edit(text: str, old: str, new: str, count: int = 1) -> str:
    """``text`` with ``old`` replaced - failing loudly if ``old`` is not there (no vacuous scenario)."""
    assert old in text, f"scenario anchor not found: {old[:60]!r}"
    return text.replace(old, new, count)


def sub(text: str, pattern: str, replacement: str) -> str:
    result, n = re.subn(pattern, replacement, text, flags=re.DOTALL)
    assert n, f"scenario pattern not found: {pattern!r}"
    return result


def page(text: str, status: int = 200) -> Page:
    return Page(url=TIP.url, final_url=TIP.url, status=status, content_type="text/html",
                body=text.encode("utf-8"), text=text, encoding="utf-8")


def documents(old: str, new: str, source: Source = TIP) -> tuple[Document, Document]:
    return extract(old, source), extract(new, source)


def list_to_bullets(markup: str) -> str:
    """The recommendations list written as one paragraph of "•" bullets instead."""
    def bullets(match: re.Match[str]) -> str:
        return "<p>" + "".join(f"• {item} " for item in re.findall(r"<li>(.*?)</li>", match.group(1))) + "</p>"
    result, n = re.subn(r"<ul>\s*((?:<li>.*?</li>\s*)+)</ul>", bullets, markup, flags=re.DOTALL)
    assert n
    return result


# --------------------------------------------------------------------------- never a change

NO_CHANGE: list[tuple[str, str, Callable[[str], str]]] = [
    # chrome: dates, stamps, counters, tokens
    ("last updated", REFWORLD, lambda p: edit(p, "Monday, 30 May 2016, 14:07 GMT", "Tuesday, 31 May 2016, 09:12 GMT")),
    ("accessed stamp", REFWORLD, lambda p: edit(p, "[accessed 31 May 2016]", "[accessed 12 February 2026]")),
    ("session token", REFWORLD, lambda p: edit(p, 'sessionToken = "a81f3c0e9d"', 'sessionToken = "77be01f4c2"')),
    ("counters", REFWORLD, lambda p: edit(edit(p, "Visitors: 1,204,551", "Visitors: 1,204,552"),
                                          "Page generated in 0.231 seconds", "Page generated in 0.087 seconds")),
    ("copyright year", REFWORLD, lambda p: edit(p, "&copy; UNHCR 2016", "&copy; UNHCR 2026")),
    ("disclaimer", REFWORLD, lambda p: edit(p, "This is not a UNHCR publication.",
                                            "This is not a UNHCR publication (updated notice).")),
    ("search widget", REFWORLD, lambda p: edit(p, "<p>Search Refworld</p>", "<p>Search Refworld by keyword</p>")),
    ("sidebar", REFWORLD, lambda p: sub(p, r'(<div class="left-col sidebar">.*?<ul>)', r"\1<li>New document</li>")),
    ("navigation", REFWORLD, lambda p: edit(p, '<li class="menu-item"><a href="/categories.html">Categories</a></li>',
                                            '<li class="menu-item"><a href="/topics.html">Topics A-Z</a></li>')),
    ("footer", REFWORLD, lambda p: edit(p, "<p>&copy; UNHCR 2016</p>",
                                        "<p>&copy; UNHCR 2016</p><p>New footer link</p>")),
    ("script in the narrative", REFWORLD, lambda p: edit(p, "<div class=\"document\">",
                                                         "<div class=\"document\"><script>track('x', 42);</script>")),
    ("json-ld date", STATE, lambda p: edit(p, "2024-06-24T14:07:00+00:00", "2024-07-01T08:00:00+00:00")),
    ("breadcrumbs", STATE, lambda p: edit(p, '<li><a href="/reports/">Reports</a></li>',
                                          '<li><a href="/reports/">All Reports</a></li>')),
    ("share buttons", STATE, lambda p: edit(p, '<a class="share-email" href="#">Email</a>',
                                            '<a class="share-email" href="#">Email</a> <a href="#">LinkedIn</a>')),
    ("other countries' tiers", STATE, lambda p: sub(p, r"\(Tier 1\)</a></li>", "(Tier 3)</a></li>")),
    ("related articles", STATE, lambda p: sub(p, r'(<section class="related-content">\s*<h2>Related Articles</h2>)',
                                              r'\1<div class="related-card"><h3>New article</h3></div>')),
    ("footer last updated", STATE, lambda p: edit(p, '<p class="footer-updated">Last Updated: Monday, 30 May 2016',
                                                  '<p class="footer-updated">Last Updated: Friday, 3 June 2016')),
    ("cookie banner", STATE, lambda p: edit(p, "This website uses cookies to improve your experience.",
                                            "We use cookies. By continuing you agree to our policy.")),
    ("show/hide toggles", STATE, lambda p: edit(p, ">Show/Hide</a>", ">Show more</a>", 3)),
    ("toggle all button", STATE, lambda p: edit(p, "Show all sections", "Hide all sections")),
    ("styles", STATE, lambda p: sub(p, r"(<style id=\"global-styles-inline-css\">)", r"\1.x{color:red}")),
    ("mega menu", STATE, lambda p: edit(p, '<li class="menu-item"><a href="/travel/">Travel</a></li>', "")),
    ("ecoi citation", ECOI, lambda p: edit(p, "[accessed 31 May 2016]", "[accessed 1 March 2026]")),
    ("ecoi document metadata", ECOI, lambda p: edit(p, "<dd>2011075</dd>", "<dd>2011076</dd>")),
    ("ecoi latest documents", ECOI, lambda p: sub(p, r'(<h2>Latest documents</h2>\s*<ul>)',
                                                  r'\1<li><a href="/x">Yemen: Security situation</a></li>')),
    ("embassy recent posts", EMBASSY, lambda p: edit(p, "Thailand remains on Tier 2 in new report",
                                                     "Thailand downgraded to Tier 3 in new report", 3)),
    ("embassy byline", EMBASSY, lambda p: edit(p, "Topics: News, Press Releases", "Topics: News, Press Releases, TIP")),
    ("embassy nonce", EMBASSY, lambda p: edit(p, 'wpNonce = "a81f3c0e9d"', 'wpNonce = "0f0f0f0f0f"')),
    # markup and whitespace that render the same text
    ("p to div", STATE, lambda p: re.sub(r"<p>(The government [^<]*)</p>", r"<div>\1</div>", p)),
    ("nbsp", STATE, lambda p: edit(p, "Authorities prosecuted 112 defendants",
                                   "Authorities&nbsp;prosecuted&#160;112 defendants")),
    ("rewrapped", REFWORLD, lambda p: edit(p, "Cambodia is a source, destination and transit country",
                                           "Cambodia is a source,\n      destination and\ttransit   country")),
    ("inline markup", STATE, lambda p: edit(p, "Official complicity in trafficking crimes remained pervasive",
                                            "<strong>Official complicity</strong> in <a href='#'>trafficking "
                                            "crimes</a> remained pervasive")),
    ("typography", REFWORLD, lambda p: edit(edit(p, "Cambodians are trafficked", "Cambodians are traf\u00adficked"),
                                            "wide-spread", "wide\u2011spread")),
    ("entities", STATE, lambda p: edit(p, "years' imprisonment, which", "years&#39; imprisonment, which")),
    ("list to bullets", STATE, lambda p: list_to_bullets(p)),
    ("heading tag", STATE, lambda p: edit(p, '<h3 class="report__section-title">PROSECUTION</h3>',
                                          "<p><b>PROSECUTION</b></p>")),
    ("wrapper divs", STATE, lambda p: edit(p, '<div class="report__content entry-content">',
                                           '<div class="report__content entry-content"><section><div class="inner">')
     .replace('<p><a class="back-to-top"', '</div></section><p><a class="back-to-top"')),
    # tier spellings
    ("tier capitals", STATE, lambda p: edit(p, "CAMBODIA: Tier 3", "CAMBODIA: TIER 3")),
    ("tier roman", STATE, lambda p: edit(p, "CAMBODIA: Tier 3", "Cambodia (Tier III)")),
    ("tier words", REFWORLD, lambda p: edit(p, "<h2>Cambodia (Tier 3)</h2>", "<h2>CAMBODIA: Tier Three</h2>")),
    ("tier two lines", REFWORLD, lambda p: edit(p, "<h2>Cambodia (Tier 3)</h2>", "<h2>Cambodia<br>(Tier 3)</h2>")),
    ("watch list spellings", ECOI, lambda p: edit(p, "TIER 2 WATCH LIST", "Tier 2 Watchlist")),
    ("watch list words", ECOI, lambda p: edit(p, "TIER 2 WATCH LIST", "Tier Two Watch List")),
    ("watch list hyphen", ECOI, lambda p: edit(p, "TIER 2 WATCH LIST", "tier 2-watch list")),
    ("watch list short", ECOI, lambda p: edit(p, "TIER 2 WATCH LIST", "Tier 2WL")),
    ("watch list in a sentence", IVOIRE, lambda p: edit(p, "is placed on Tier 2 Watch List",
                                                        "is placed on TIER 2 WATCHLIST")),
    ("special case forms", YEMEN, lambda p: edit(p, "<p><strong>SPECIAL CASE: YEMEN</strong></p>",
                                                 "<h2>Yemen (Special Case)</h2>")),
    ("special case bare", SOMALIA, lambda p: edit(p, '<h2 class="report__tier">SOMALIA (Special Case)</h2>',
                                                  '<h2 class="report__tier">Special Case</h2>')),
]


@pytest.mark.parametrize(("name", "base", "change"), NO_CHANGE, ids=[row[0] for row in NO_CHANGE])
def test_chrome_markup_and_spelling_edits_are_never_a_change(name: str, base: str,
                                                             change: Callable[[str], str]) -> None:
    edited = change(base)
    assert edited != base
    old, new = documents(base, edited)
    assert compare(old, new) is None
    assert old == new


# --------------------------------------------------------------------------- tier transitions

TIER_SPELLING = {"Tier 1": "Tier 1", "Tier 2": "Tier 2", "Tier 2 Watch List": "Tier 2 Watch List",
                 "Tier 3": "Tier 3", "Special Case": "Special Case"}
DIRECTION = {("Tier 1", "Tier 2"): "downgrade", ("Tier 1", "Tier 2 Watch List"): "downgrade",
             ("Tier 1", "Tier 3"): "downgrade", ("Tier 2", "Tier 2 Watch List"): "downgrade",
             ("Tier 2", "Tier 3"): "downgrade", ("Tier 2 Watch List", "Tier 3"): "downgrade"}


def direction(old: str, new: str) -> str | None:
    if (old, new) in DIRECTION:
        return DIRECTION[(old, new)]
    if (new, old) in DIRECTION:
        return "upgrade"
    return None


TRANSITIONS = list(itertools.permutations(CANONICAL_TIERS, 2))


@pytest.mark.parametrize(("old_tier", "new_tier"), TRANSITIONS)
def test_every_tier_transition_is_exactly_a_tier_change(old_tier: str, new_tier: str) -> None:
    old_page = edit(REFWORLD, "<h2>Cambodia (Tier 3)</h2>", f"<h2>Cambodia ({old_tier})</h2>")
    new_page = edit(REFWORLD, "<h2>Cambodia (Tier 3)</h2>", f"<h2>Cambodia ({new_tier})</h2>")
    old, new = documents(old_page, new_page)
    assert compare(old, new) == Change(tier=TierChange(old_tier, new_tier, direction(old_tier, new_tier)))  # type: ignore[arg-type]
    assert suspect_reason(page(new_page), new, old) is None


@pytest.mark.parametrize(("old_heading", "new_heading", "expected"), [
    ("CAMBODIA: Tier 3", "CAMBODIA: Tier 2 Watch List", TierChange("Tier 3", "Tier 2 Watch List", "upgrade")),
    ("CAMBODIA: Tier 3", "CAMBODIA: TIER 2", TierChange("Tier 3", "Tier 2", "upgrade")),
    ("CAMBODIA: Tier 3", "SPECIAL CASE: CAMBODIA", TierChange("Tier 3", "Special Case", None)),
    ("CAMBODIA: Tier 3", "Cambodia (Tier I)", TierChange("Tier 3", "Tier 1", "upgrade")),
])
def test_tier_transitions_on_a_modern_page(old_heading: str, new_heading: str, expected: TierChange) -> None:
    new_page = edit(STATE, old_heading, new_heading)
    old, new = documents(STATE, new_page)
    assert compare(old, new) == Change(tier=expected)
    assert suspect_reason(page(new_page), new, old) is None


def test_special_case_to_a_tier_and_back() -> None:
    ranked = edit(SOMALIA, "SOMALIA (Special Case)", "SOMALIA (Tier 3)")
    special, tier3 = documents(SOMALIA, ranked)
    assert compare(special, tier3) == Change(tier=TierChange("Special Case", "Tier 3", None))
    assert compare(tier3, special) == Change(tier=TierChange("Tier 3", "Special Case", None))


def test_tier_from_the_narrative_sentence_changes_with_it() -> None:
    new_page = edit(EMBASSY, "therefore Cambodia was upgraded\nto Tier 2 Watch List".replace("\n", " "),
                    "therefore Cambodia remained on Tier 3")
    old, new = documents(EMBASSY, new_page)
    change = compare(old, new)
    assert change is not None and change.tier == TierChange("Tier 2 Watch List", "Tier 3", "downgrade")
    assert change.findings is not None
    assert change.findings.removed == (
        "The report recognizes that the government increased its efforts compared with the previous reporting "
        "period, including by convicting more traffickers and identifying more victims; therefore Cambodia was "
        "upgraded to Tier 2 Watch List.",)


# --------------------------------------------------------------------------- findings

STATE_SENTENCE = ("Authorities prosecuted 112 defendants and courts convicted 96 traffickers, compared with 140 "
                  "prosecutions and 102 convictions the previous year.")
NEW_SENTENCE = "The government also extradited two suspects to Thailand."
PREVENTION = (
    "The government maintained efforts to prevent trafficking. The national committee met four times and "
    "adopted a national action plan for 2024-2028, but provincial committees lacked funding to implement it. "
    "The government conducted awareness campaigns in schools and on social media that reached an estimated "
    "300,000 people.")
SEED_SENTENCE = "Victims are trafficked from Vietnam for the purpose of sexual exploitation."


def move_prevention_paragraph(p: str) -> str:
    paragraph = f"<p>{PREVENTION}</p>"
    p = edit(p, paragraph + "\n", "")
    return edit(p, "<p>As reported over the past five years", paragraph + "\n<p>As reported over the past five years")


FINDINGS: list[tuple[str, str, Callable[[str], str], FindingsChange]] = [
    ("a sentence added", STATE, lambda p: edit(p, STATE_SENTENCE, STATE_SENTENCE + " " + NEW_SENTENCE),
     FindingsChange(added=(NEW_SENTENCE,), sections=("Prosecution",))),
    ("a number changed", STATE, lambda p: edit(p, "convicted 96 traffickers", "convicted 97 traffickers"),
     FindingsChange(added=(STATE_SENTENCE.replace("96", "97"),), removed=(STATE_SENTENCE,), sections=("Prosecution",))),
    ("a sentence removed", REFWORLD, lambda p: edit(p, SEED_SENTENCE + " ", ""),
     FindingsChange(removed=(SEED_SENTENCE,), sections=("Overview",))),
    ("a bullet added", STATE, lambda p: edit(p, "<li>Train judges",
                                             "<li>Ban recruitment fees.</li>\n  <li>Train judges"),
     FindingsChange(added=("Ban recruitment fees.",), sections=("Recommendations",))),
    ("a bullet removed", STATE, lambda p: sub(p, r"\s*<li>Increase funding for specialized shelters[^<]*</li>", ""),
     FindingsChange(removed=("Increase funding for specialized shelters, including for male victims and victims "
                             "of labor trafficking.",), sections=("Recommendations",))),
    ("an inline bullet edited", SOMALIA, lambda p: edit(p, "• Increase funding for specialized shelters",
                                                       "• Increase funding for all shelters"),
     FindingsChange(added=("Increase funding for all shelters, including for male victims and victims of labor "
                           "trafficking.",),
                    removed=("Increase funding for specialized shelters, including for male victims and victims of "
                             "labor trafficking.",), sections=("Recommendations",))),
    ("a semicolon recommendation added", YEMEN,
     lambda p: edit(p, "; and expand the use", "; ban recruitment fees; and expand the use"),
     FindingsChange(added=("ban recruitment fees",), sections=("Recommendations",))),
    ("a paragraph moved", STATE, move_prevention_paragraph,
     FindingsChange(moved=(PREVENTION,), sections=("Trafficking Profile",))),
    ("a one-line bullet added", ECOI,
     lambda p: edit(p, "<br>\n• Train judges", "<br>\n• Fund shelters.<br>\n• Train judges"),
     FindingsChange(added=("Fund shelters.",), sections=("Recommendations",))),
]


@pytest.mark.parametrize(("name", "base", "change", "expected"), FINDINGS, ids=[row[0] for row in FINDINGS])
def test_findings_edits_report_exactly_the_sentences(name: str, base: str, change: Callable[[str], str],
                                                     expected: FindingsChange) -> None:
    edited = change(base)
    old, new = documents(base, edited)
    assert compare(old, new) == Change(findings=expected)
    assert suspect_reason(page(edited), new, old) is None


def test_tier_and_findings_together() -> None:
    old_sentence = ("The Government of Cambodia does not fully meet the minimum standards for the elimination of "
                    "trafficking and is not making significant efforts to do so, even considering the impact of the "
                    "pandemic, if any, on its anti-trafficking capacity.")
    new_sentence = old_sentence.replace("and is not making", "but is making")
    edited = edit(edit(STATE, "CAMBODIA: Tier 3", "CAMBODIA: Tier 2 Watch List"), old_sentence, new_sentence)
    old, new = documents(STATE, edited)
    assert compare(old, new) == Change(
        tier=TierChange("Tier 3", "Tier 2 Watch List", "upgrade"),
        findings=FindingsChange(added=(new_sentence,), removed=(old_sentence,), sections=("Overview",)))
    assert suspect_reason(page(edited), new, old) is None


# --------------------------------------------------------------------------- suspect pages

MAINTENANCE = ("<html><head><title>Maintenance</title></head><body><h1>We'll be back soon</h1><p>state.gov is "
               "undergoing scheduled maintenance.</p></body></html>")
CAPTCHA = ("<html><head><title>Just a moment...</title></head><body><div id='challenge'><p>Checking your browser "
           "before accessing the site.</p></div><script src='/cdn-cgi/challenge-platform/orchestrate'></script>"
           "</body></html>")
ERROR_200 = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"


@pytest.mark.parametrize(("name", "body", "status", "reason"), [
    ("maintenance", MAINTENANCE, 200, "maintenance page"),
    ("captcha", CAPTCHA, 200, "captcha/bot check page"),
    ("5xx served with 200", ERROR_200, 200, "server error page (502 bad gateway)"),
    ("5xx status", ERROR_200, 502, "HTTP error 502"),
    ("truncated", STATE[: STATE.index("The government had formal procedures") + 40], 200, None),
    ("truncated early", REFWORLD[: REFWORLD.index("Police actively investigate")], 200, None),
])
def test_transient_pages_are_held_as_suspect(name: str, body: str, status: int, reason: str | None) -> None:
    base = REFWORLD if name == "truncated early" else STATE
    old = extract(base, TIP)
    try:
        new = extract(body, TIP)
    except ExtractError:
        new = Document()
    found = suspect_reason(page(body, status), new, old)
    assert found is not None
    if reason is not None:
        assert found == reason
    else:
        assert found.startswith("truncated body")
    # And the page coming back as it was is no change at all.
    assert compare(old, extract(base, TIP)) is None


# --------------------------------------------------------------------------- character sets

@pytest.mark.parametrize(("name", "base", "encoding", "header", "meta"), [
    ("declared in header", IVOIRE, "windows-1252", "text/html; charset=windows-1252", None),
    ("declared in meta", IVOIRE, "windows-1252", "text/html", '<meta charset="windows-1252">'),
    ("undeclared cp1252", IVOIRE, "windows-1252", "text/html", ""),
    ("undeclared latin-1", REFWORLD, "iso-8859-1", "text/html", ""),
    ("header iso-8859-1", EMBASSY, "iso-8859-1", "text/html; charset=ISO-8859-1", None),
    ("utf-16 with BOM", STATE, "utf-16", "text/html", None),
    ("utf-8 with BOM", SOMALIA, "utf-8-sig", "text/html", None),
])
def test_non_utf8_bodies_give_the_same_document(name: str, base: str, encoding: str, header: str,
                                                meta: str | None) -> None:
    markup = base
    if meta is not None:
        markup = re.sub(r'<meta charset="utf-8">', meta, markup, flags=re.IGNORECASE)
    body = markup.encode(encoding, errors="xmlcharrefreplace")
    text, _ = decode_body(body, header)
    assert extract(text, TIP) == extract(base, TIP)


# --------------------------------------------------------------------------- properties

@dataclass(frozen=True)
class Chrome:
    kind: str
    text: str
    number: int


WORDS = st.text(alphabet=string.ascii_letters + string.digits + " .,:;!?()'\"&<>-/|•©", max_size=60)
DATES = st.builds(lambda d, m, y, h: f"{d} {m} {y}, {h:02d}:07 GMT", st.integers(1, 28),
                  st.sampled_from(["January", "May", "June", "December"]), st.integers(1999, 2030), st.integers(0, 23))
CHROME = st.builds(Chrome, st.sampled_from(["nav", "footer", "script", "style", "last updated", "share", "visitors",
                                            "comments", "aside tiers", "breadcrumbs", "button", "cookie", "comment",
                                            "noscript", "iframe", "svg", "form"]), WORDS, st.integers(0, 10**7))


def render_chrome(chrome: Chrome, date: str) -> str:
    t = html.escape(chrome.text)
    raw = chrome.text.replace("</", "<\\/").replace("-->", "")
    return {
        "nav": f"<nav><ul><li><a href='/{chrome.number}'>{t}</a></li></ul></nav>",
        "footer": f"<footer><p>{t}</p><p>© {chrome.number}</p></footer>",
        "script": f"<script>var token = '{raw}'; var n = {chrome.number};</script>",
        "style": f"<style>.x{chrome.number} {{ content: '{raw}' }}</style>",
        "last updated": f"<p class='meta'>Last updated: {date}</p>",
        "share": f"<div class='share-tools'><span>Share</span> <a href='#'>{t}</a></div>",
        "visitors": f"<p>Visitors: {chrome.number:,}</p>",
        "comments": f"<div id='comments'><h3>Cambodia (Tier 1)</h3><p>{t}</p></div>",
        "aside tiers": f"<aside><h3>{t}</h3><ul><li>Thailand (Tier {chrome.number % 3 + 1})</li></ul></aside>",
        "breadcrumbs": f"<div class='breadcrumbs'><a href='/'>Home</a> &gt; {t}</div>",
        "button": f"<button>{t}</button>",
        "cookie": f"<div class='cookie-banner'><p>{t}</p></div>",
        "comment": f"<!-- {raw} -->",
        "noscript": f"<noscript><p>{t}</p></noscript>",
        "iframe": f"<iframe src='/ad/{chrome.number}'>{t}</iframe>",
        "svg": f"<svg><text>{t}</text></svg>",
        "form": f"<form class='search'><input name='q'><label>{t}</label></form>",
    }[chrome.kind]


def insertion_points(markup: str) -> list[int]:
    """Offsets between elements, outside any narrative text: page level, and between narrative blocks."""
    points = [m.end() for m in re.finditer(r"<body[^>]*>|<main[^>]*>|</header>|<div class=\"report__grid\">", markup)]
    points += [m.start() for m in re.finditer(r"</body>|</main>|<footer|<p>|<h3|<ul>|<div class=\"report__section\"",
                                              markup)]
    return sorted(set(points))


STATE_POINTS = insertion_points(STATE)
REFWORLD_POINTS = insertion_points(REFWORLD)
STATE_DOC = extract(STATE, TIP)
REFWORLD_DOC = extract(REFWORLD, TIP)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(CHROME, st.integers(0, 10**6)), min_size=1, max_size=6), DATES, st.booleans())
def test_random_chrome_outside_the_narrative_is_never_a_change(insertions: list[tuple[Chrome, int]], date: str,
                                                               modern: bool) -> None:
    base, points, expected = (STATE, STATE_POINTS, STATE_DOC) if modern else (REFWORLD, REFWORLD_POINTS, REFWORLD_DOC)
    chosen = sorted(((points[i % len(points)], render_chrome(c, date)) for c, i in insertions), reverse=True)
    markup = base
    for offset, snippet in chosen:
        markup = markup[:offset] + snippet + markup[offset:]
    new = extract(markup, TIP)
    assert compare(expected, new) is None
    assert new == expected


NARRATIVE = [b.text for b in STATE_DOC.blocks if b.kind != "heading"]
WORD = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(NARRATIVE) - 1), st.sampled_from(["insert", "delete", "replace", "number"]),
       st.integers(0, 10**6), WORD)
def test_any_edit_inside_the_narrative_is_a_findings_change(block: int, kind: str, position: int, word: str) -> None:
    text = NARRATIVE[block]
    words = text.split(" ")
    at = position % len(words)
    if kind == "insert":
        words.insert(at, word)
    elif kind == "delete":
        assume(len(words) > 1)
        del words[at]
    elif kind == "replace":
        assume(words[at] != word)
        words[at] = word
    else:
        numbers = [i for i, w in enumerate(words) if re.search(r"\d", w)]
        assume(numbers)
        index = numbers[position % len(numbers)]
        words[index] = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), words[index], count=1)
    edited_text = " ".join(words)
    assume(edited_text != text)
    source_text = html.escape(text, quote=False)
    assume(STATE.count(source_text) == 1)
    markup = STATE.replace(source_text, html.escape(edited_text, quote=False))
    change = compare(STATE_DOC, extract(markup, TIP))
    assert change is not None and change.findings is not None
    assert change.tier is None


TEXT_OR_TAG = st.one_of(
    st.text(alphabet=string.ascii_letters + " .,;:'\"-•·\u00a0\u2014\u00ad0123456789", min_size=1, max_size=40),
    st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<h2>", "</h2>", "<ul><li>", "</li></ul>", "<br>", "<b>",
                     "</b>", "<span>", "</span>", "<table><tr><td>", "</td></tr></table>", "<pre>", "</pre>"]))


@settings(max_examples=80, deadline=None)
@given(st.lists(TEXT_OR_TAG, min_size=1, max_size=30), st.sampled_from(["generic", "tip-report"]))
def test_extraction_is_idempotent_on_its_own_output(parts: list[str], profile: str) -> None:
    source = GENERIC if profile == "generic" else TIP
    try:
        doc = extract("<html><body>" + "".join(parts) + "</body></html>", source)
    except ExtractError:
        return
    assume(doc.blocks)    # an empty document renders as a page without text, which is an error to extract
    again = extract(render_blocks(doc), GENERIC)
    assert [(b.kind, b.text) for b in again.blocks] == [(b.kind, b.text) for b in doc.blocks]


def render_blocks(doc: Document) -> str:
    tags = {"heading": "h2", "paragraph": "p", "item": "li"}
    body = "".join(f"<ul><li>{html.escape(b.text)}</li></ul>" if b.kind == "item"
                   else f"<{tags[b.kind]}>{html.escape(b.text)}</{tags[b.kind]}>" for b in doc.blocks)
    return f"<html><body>{body}</body></html>"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_extraction_never_fails_on_arbitrary_text_except_with_a_clear_error(text: str) -> None:
    for source in (TIP, GENERIC):
        try:
            doc = extract(text, source)
        except ExtractError as exc:
            assert str(exc)
            continue
        assert isinstance(doc, Document)
        assert compare(doc, doc) is None
