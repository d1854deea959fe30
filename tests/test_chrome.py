"""The chrome preset as a table: which lines are page furniture (and by which rule), which stamps are cut out
of a line, and - just as important - which narrative lines must survive untouched."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.chrome import LINE_RULES, clean_line, is_chrome_marker, is_end_heading, matching_rule

DROPPED = [
    ("Last Updated: Monday, 30 May 2016, 14:07 GMT", "last updated"),
    ("Last updated 2024-06-24", "last updated"),
    ("Page last updated: June 24, 2024", "last updated"),
    ("Updated: 24 June 2024", "updated on"),
    ("Posted on June 24, 2024", "posted on"),
    ("Published: 5 June 2002", "posted on"),
    ("June 24, 2024", "bare date"),
    ("24 June 2024", "bare date"),
    ("By U.S. Embassy Phnom Penh | June 24, 2024 | Topics: News, Press Releases", "byline"),
    ("5 min read", "reading time"),
    ("Cite as United States Department of State, U.S. Department of State 2002 Trafficking in Persons Report - "
     "Cambodia, 5 June 2002, available at: https://www.refworld.org/docid/3ae6a5f14.html", "cite as"),
    ("Publisher United States Department of State", "document metadata"),
    ("Author Office to Monitor and Combat Trafficking in Persons", "document metadata"),
    ("Publication Date 5 June 2002", "document metadata"),
    ("Document type: Periodical Report", "labelled metadata"),
    ("Country: Cambodia", "labelled metadata"),
    ("Source: USDOS - US Department of State", "labelled metadata"),
    ("DisclaimerThis is not a UNHCR publication. UNHCR is not responsible for, nor does it necessarily "
     "endorse, its content.", "disclaimer"),
    ("This is not a UNHCR publication.", "not a UNHCR publication"),
    ("ecoi.net summary: Annual report on trafficking in persons", "ecoi.net summary"),
    ("Search Refworld", "search widget"),
    ("Search", "search widget"),
    ("Search this site", "search widget"),
    ("Share this page", "share"),
    ("Share", "share"),
    ("Facebook Twitter LinkedIn Email", "share"),
    ("Facebook | X | Email | Print", "share"),
    ("Share on Facebook", "share on"),
    ("Print", "share"),
    ("Printer-friendly version", "print"),
    ("Download PDF", "print"),
    ("Back to top", "back to top"),
    ("Skip to main content", "back to top"),
    ("Show/Hide", "show/hide toggle"),
    ("Show more", "show/hide toggle"),
    ("Read more »", "show/hide toggle"),
    ("Page generated in 0.231 seconds", "page generated"),
    ("Generated in 12 ms by node 3", "page generated"),
    ("Visitors: 1,204,551", "visitor counter"),
    ("You are visitor 88,123", "visitor counter"),
    ("1,204,551 page views", "visitor counter"),
    ("Session ID: 7f3a9c0e", "session token"),
    ("Ray ID: 83f1a2b3c4d5", "session token"),
    ("© UNHCR 2016", "copyright"),
    ("Copyright 2024 U.S. Department of State", "copyright"),
    ("U.S. Department of State. All rights reserved.", "all rights reserved"),
    ("We use cookies to improve your experience.", "cookie notice"),
    ("Please enable JavaScript to view this page.", "javascript notice"),
    ("| | |", "separators only"),
    ("External link policy", "external link notice"),
    ("External links to other Internet sites should not be construed as an endorsement of the views contained "
     "therein.", "external link notice"),
    ("Available on ecoi.net since: 2 July 2020", "labelled date"),
    ("Date added: 12/03/2024", "labelled date"),
    ("1,284 people viewed this page", "viewed by"),
    ("Viewed 20,418 times", "viewed by"),
    ("Cookies help us deliver our services.", "cookie wording"),
    ("By continuing to browse you agree to our use of cookies.", "cookie wording"),
    ("This site is managed by the Bureau of Public Affairs, U.S. Department of State.", "site managed by"),
    ("Privacy Notice | FOIA | Copyright Information | FirstGov", "link bar"),
    ("On this page", "table of contents"),
    ("Updated: July 2024", "updated on"),
    ("Updated 3 hours ago", "updated on"),
    ("Generated: 2024-06-24T14:07:00Z", "labelled date"),
    ("1.2K views", "visitor counter"),
    ("12 Comments", "visitor counter"),
    ("Content last reviewed on June 24, 2024", "last updated"),
    ("Share this page: Facebook Twitter LinkedIn Email", "share list"),
    ("Follow us: Facebook X", "share list"),
    ("Follow us for updates", "follow or subscribe"),
    ("Sign up for email updates", "follow or subscribe"),
    ("Home > Reports > Cambodia", "breadcrumb trail"),
    ("Tags: Trafficking in Persons, Cambodia", "tags line"),
    ("Previous: Cambodia 2023", "tags line"),
    ("Posted in News, Press Releases", "tags line"),
    ("Read the full report (PDF, 2.3 MB)", "report download"),
    ("Download the 2024 TIP Report", "report download"),
    ("Was this page helpful? Yes No", "feedback prompt"),
    ("Report a problem with this page", "feedback prompt"),
    ("Page 1 of 2", "pagination"),
    ("Toggle navigation", "widget label"),
    ("Advertisement", "widget label"),
    ("Loading...", "widget label"),
]

KEPT = [
    "Cambodia (Tier 3)",
    "Search and rescue operations were conducted in coastal provinces",
    "Authorities prosecuted 12 cases.",
    "Updated data show more victims were identified this year than last.",
    "Publishers of online advertisements recruited victims with false job offers.",
    "Authorities identified 421 victims.",
    "Country of origin for women trafficked to Thailand.",
    "Sources reported that officials accepted bribes.",
    "Print media campaigns reached 300,000 people.",
    "Share of victims identified by NGOs increased to 60 percent.",
    "Protection",
    "PRIORITIZED RECOMMENDATIONS:",
    "Traffickers forced children to sell cookies and sweets on the street.",
    "The government published its national action plan on 12 March 2023.",
    "The national committee, established in 2019, has met every quarter since.",
    "Observers reported that 1,284 people viewed the awareness video.",
    "Contents of the law were not published.",
    "In June 2024, the government adopted a new law.",
    "Today, traffickers increasingly use social media.",
    "Related efforts included training for police.",
    "Previous reports noted corruption.",
    "Tagged victims received services.",
    "Next, the government adopted a plan.",
    "Top officials were investigated.",
    "See the report of the special rapporteur for details.",
    "Follow-up investigations continued.",
    "Home-based workers were exploited.",
    "Menus of services for victims varied by province.",
    "The government did not report efforts to reduce the demand for commercial sex acts. "
    "All rights reserved to victims under the law were rarely respected in practice, and courts seldom "
    "awarded restitution to victims even when the law allowed it, according to several NGOs.",
]


@pytest.mark.parametrize(("line", "rule"), DROPPED)
def test_chrome_lines_are_dropped_by_their_rule(line: str, rule: str) -> None:
    assert matching_rule(line) == rule
    assert clean_line(line) == ""


@pytest.mark.parametrize("line", KEPT)
def test_narrative_lines_are_kept_untouched(line: str) -> None:
    assert matching_rule(line) is None
    assert clean_line(line) == line


@pytest.mark.parametrize(("line", "expected"), [
    ("available at: https://www.refworld.org/docid/3ae6a5f14.html [accessed 31 May 2016]",
     "available at: https://www.refworld.org/docid/3ae6a5f14.html"),
    ("See the report [accessed 1 January 2020] for details.", "See the report for details."),
    ("Data from the ministry (retrieved 3 July 2019) show an increase.", "Data from the ministry show an increase."),
    ("[accessed 31 May 2016]", ""),
    ("Cookies help us deliver our services. | 1,204,552 hits", ""),
    ("Page generated Monday, 24 June 2024, 14:07 GMT", ""),
    ("Police | prosecutors | 12 cases", "Police | prosecutors | 12 cases"),
])
def test_stamps_are_cut_out_and_the_rest_of_the_line_kept(line: str, expected: str) -> None:
    assert clean_line(line) == expected


def test_every_rule_is_named_once_and_exercised_by_the_table() -> None:
    names = [rule.name for rule in LINE_RULES]
    assert len(names) == len(set(names))
    exercised = {rule for _, rule in DROPPED} | {"accessed stamp", "retrieved stamp", "accessed on",
                                                  "generated at", "server time", "page views sentence",
                                                  "you are here"}
    assert set(names) == exercised


def test_ignore_patterns_drop_matching_lines() -> None:
    patterns = [re.compile(r"^Share this"), re.compile(r"\bsponsored\b")]
    assert clean_line("Share this story with friends", patterns) == ""
    assert clean_line("A sponsored message from our partners", patterns) == ""
    assert clean_line("Authorities identified 421 victims.", patterns) == "Authorities identified 421 victims."


@pytest.mark.parametrize(("values", "expected"), [
    (("main-nav", None), True), ((None, "site-header"), True), ((None, "report__sidebar"), True),
    ((None, "share-tools"), True), (("cookie-banner", None), True), ((None, "breadcrumbs"), True),
    ((None, "ad"), True), ((None, "ad-slot"), True), ((None, "comments-area"), True),
    ((None, "print-link"), True), ((None, "related-content"), True), ((None, "skip-link screen-reader-text"), True),
    ((None, "navigation"), True), (("mainNav", None), True), ((None, "sharedaddy sd-sharing-enabled"), True),
    ((None, "entry-content"), False), (("content", None), False), ((None, "report__content"), False),
    ((None, "shadow load heading"), False), ((None, "toggle-content"), False), ((None, "document"), False),
    ((None, "advantage"), False), ((None, "lang-en"), False), ((None, None), False),
])
def test_chrome_markers(values: tuple[str | None, str | None], expected: bool) -> None:
    assert is_chrome_marker(*values) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Related Articles", True), ("Related", True), ("Tags", True), ("Share this:", True), ("Comments", True),
    ("Recent Posts", True), ("PROSECUTION", False), ("Related efforts by the government", False),
])
def test_end_headings(text: str, expected: bool) -> None:
    assert is_end_heading(text) is expected


@pytest.mark.parametrize(("line", "rule"), [
    ("Accessed on 12 May 2024", "accessed on"),
    ("Printed on June 24, 2024", "accessed on"),
    ("Generated at 2024-06-24 14:07:12 UTC by web-3", "generated at"),
    ("Rendered by node-7 in 31ms", "generated at"),
    ("Server time: 14:07:12 GMT", "server time"),
    ("Nonce: 8f2a1c", "session token"),
    ("This page has been viewed 1,234 times.", "page views sentence"),
    ("You are here: Home > Reports > Cambodia", "you are here"),
])
def test_more_page_stamps_are_dropped(line: str, rule: str) -> None:
    assert matching_rule(line) == rule
    assert clean_line(line) == ""


def test_accessed_stamp_with_a_colon() -> None:
    assert clean_line("available at: https://example.org/x [Accessed: 12 May 2024]") == "available at: https://example.org/x"


# Rules without a "$": a longer line still matches their pattern, and only the word limit keeps it.
OPEN_ENDED = [
    ("Copyright 2024 U.S. Department of State", "copyright"),
    ("You are here: Home", "you are here"),
    ("We use cookies to improve your experience.", "cookie notice"),
    ("This site is managed by the Bureau of Public Affairs.", "site managed by"),
    ("Please enable JavaScript to view this page.", "javascript notice"),
    ("U.S. Department of State. All rights reserved.", "all rights reserved"),
    ("Cookies help us deliver our services.", "cookie wording"),
    ("External links to other Internet sites", "external link notice"),
    ("ecoi.net summary: Annual report", "ecoi.net summary"),
]


@pytest.mark.parametrize(("line", "rule"), OPEN_ENDED)
def test_a_limited_rule_drops_lines_up_to_its_word_limit_only(line: str, rule: str) -> None:
    limit = next(r.max_words for r in LINE_RULES if r.name == rule)
    at_limit = line + " narrative" * (limit - len(line.split(" ")))
    assert matching_rule(at_limit) == rule
    assert clean_line(at_limit) == ""
    # One word more and it is a sentence of the narrative that happens to open like chrome: kept whole.
    assert matching_rule(at_limit + " narrative") is None
    assert clean_line(at_limit + " narrative") == at_limit + " narrative"


# Lines from the rules' own vocabulary, of every length around the word limits.
_VOCABULARY = ("last updated on posted published June 24, 2024 12 2024-06-24 3 hours ago today by cite as "
               "publisher country: source disclaimer this is not a unhcr publication external links search share "
               "facebook email print follow us subscribe download pdf back to top show more views visitors hits "
               "session id: you are here home > tags: related previous menu copyright © all rights reserved we use "
               "cookies javascript enable site managed report the government cambodia tier victims police - :").split()
LINES = st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=70).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_lines_are_dropped_exactly_when_a_rule_drops_them(line: str) -> None:
    # clean_line matches a line against all rules at once, matching_rule one rule at a time: the same answer.
    assert (clean_line(line) == "") == (matching_rule(line) is not None)
