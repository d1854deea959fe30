"""Suspect pages: responses that are not the report are named as such (and real reports never are)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import ExtractError
from monitor.extract import extract
from monitor.models import Document, Page, Source
from monitor.suspect import suspect_reason

CORPUS = Path(__file__).parent / "data" / "corpus"
SOURCE = Source(id="khm", url="https://example.org/cambodia")


def page(text: str, status: int = 200) -> Page:
    body = text.encode("utf-8")
    return Page(url=SOURCE.url, final_url=SOURCE.url, status=status, content_type="text/html", body=body,
                text=text, encoding="utf-8")


def corpus(name: str) -> str:
    return (CORPUS / f"{name}.html").read_text(encoding="utf-8")


def judge(text: str, previous: Document | None = None, status: int = 200) -> str | None:
    try:
        doc = extract(text, SOURCE)
    except ExtractError:
        doc = Document()
    return suspect_reason(page(text, status), doc, previous)


REPORT = corpus("state-2024-cambodia")
EARLY_REPORT = corpus("refworld-2002-cambodia")
PREVIOUS = extract(REPORT, SOURCE)


@pytest.mark.parametrize("name", sorted(p.stem for p in CORPUS.glob("*.html")))
def test_real_report_pages_are_not_suspect(name: str) -> None:
    text = corpus(name)
    doc = extract(text, SOURCE)
    assert suspect_reason(page(text), doc, None) is None
    assert suspect_reason(page(text), doc, doc) is None


NOT_REPORTS = [
    ("maintenance", "<html><head><title>Scheduled maintenance</title></head><body><h1>We'll be back soon</h1>"
                    "<p>The site is undergoing scheduled maintenance. Please try again later.</p></body></html>",
     "maintenance page"),
    ("maintenance 2", "<html><body><div class='banner'><p>state.gov is temporarily unavailable.</p></div>"
                      "</body></html>", "maintenance page"),
    ("cloudflare", "<html><head><title>Just a moment...</title></head><body><noscript>Enable JavaScript and "
                   "cookies to continue</noscript><script src='/cdn-cgi/challenge-platform/h/b/orchestrate/"
                   "chl_page/v1'></script></body></html>", "captcha/bot check page"),
    ("recaptcha", "<html><body><form><div class='g-recaptcha' data-sitekey='x'></div><p>Please verify you are "
                  "human.</p></form></body></html>", "captcha/bot check page"),
    ("robot", "<html><body><h1>Are you a robot?</h1><p>We have detected unusual traffic from your network."
              "</p></body></html>", "captcha/bot check page"),
    ("502", "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
            "<hr><center>nginx</center></body></html>", "server error page (502 bad gateway)"),
    ("500", "<html><body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p>"
            "</body></html>", "server error page (internal server error)"),
    ("503", "<html><body><h1>503 Service Unavailable</h1><p>No server is available to handle this request.</p>"
            "</body></html>", "server error page (503 service unavailable)"),
    ("504", "<html><body><p>Error 504: Gateway Timeout</p></body></html>", "server error page (504 gateway timeout)"),
    ("db", "<html><body><h1>Error establishing a database connection</h1></body></html>",
     "server error page (error establishing a database connection)"),
    ("denied", "<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1><p>You don't have "
               "permission to access this resource on this server.</p></body></html>", "access denied page"),
    ("soft 404", "<html><head><title>Page Not Found | U.S. Department of State</title></head><body><main><h1>"
                 "Page not found</h1><p>The page you requested could not be found.</p></main></body></html>",
     "not-found page"),
]


@pytest.mark.parametrize(("name", "text", "reason"), NOT_REPORTS)
def test_pages_that_are_not_the_report_are_named(name: str, text: str, reason: str) -> None:
    assert judge(text) == reason, name
    assert judge(text, PREVIOUS) == reason, name


def test_an_http_error_status_is_suspect() -> None:
    assert judge(REPORT, PREVIOUS, status=503) == "HTTP error 503"


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_body_is_suspect(text: str) -> None:
    assert suspect_reason(page(text), Document(), PREVIOUS) == "empty body"


def test_a_not_modified_answer_is_never_suspect() -> None:
    empty = Page(url=SOURCE.url, final_url=SOURCE.url, status=304, content_type="text/html", body=b"", text="",
                 encoding="utf-8", not_modified=True)
    assert suspect_reason(empty, Document(), PREVIOUS) is None


def test_a_truncated_body_is_suspect() -> None:
    cut = REPORT[: int(len(REPORT) * 0.45)]
    reason = judge(cut, PREVIOUS)
    assert reason is not None and reason.startswith("truncated body (HTML not closed")
    # Without a previous version the body still visibly stops in the middle of the text.
    assert judge(cut) is not None
    assert judge(cut).startswith("truncated body")  # type: ignore[union-attr]


def test_a_page_that_never_closes_its_html_but_is_complete_is_not_suspect() -> None:
    unclosed = REPORT.replace("</body>", "").replace("</html>", "")
    assert judge(unclosed, PREVIOUS) is None


def test_tier_heading_vanished_while_the_tier_was_known() -> None:
    without = REPORT.replace("<p><strong>CAMBODIA: Tier 3</strong></p>", "")
    assert without != REPORT
    assert judge(without, PREVIOUS) == "tier heading vanished (was Tier 3)"


def test_tier_heading_vanished_even_when_a_sentence_still_states_the_tier() -> None:
    without = REPORT.replace("<p><strong>CAMBODIA: Tier 3</strong></p>",
                             "<p>Therefore Cambodia remained on Tier 3.</p>")
    doc = extract(without, SOURCE)
    assert doc.tier == "Tier 3"
    assert suspect_reason(page(without), doc, PREVIOUS) == "tier heading vanished (was Tier 3)"


def test_a_document_that_shrank_by_more_than_half_is_suspect() -> None:
    start = REPORT.index("<h3 class=\"report__section-title\">PROTECTION")
    end = REPORT.index("<p><a class=\"back-to-top\"")
    shrunk = REPORT[:start] + REPORT[end:]
    reason = judge(shrunk, PREVIOUS)
    assert reason is not None and reason.startswith("document shrank by more than half (")
    before = sum(len(b.text.split()) for b in PREVIOUS.blocks)
    assert f"({before} -> " in reason


def test_a_page_without_findings_is_suspect() -> None:
    text = ("<html><head><title>Cambodia</title></head><body><nav><a href='/'>Home</a></nav><main>"
            "<p>Last Updated: June 24, 2024</p></main><footer>Footer</footer></body></html>")
    assert judge(text) == "no findings"


def test_report_words_like_maintenance_or_not_found_do_not_make_a_report_suspect() -> None:
    text = EARLY_REPORT.replace("Prevention efforts include",
                                "Shelters were temporarily unavailable during maintenance. Victims were not "
                                "found in official records. Access denied to NGOs was reported. Prevention "
                                "efforts include")
    assert judge(text) is None
    assert judge(text, extract(EARLY_REPORT, SOURCE)) is None


def test_a_small_change_is_not_suspect() -> None:
    edited = REPORT.replace("convicted 96 traffickers", "convicted 97 traffickers")
    assert judge(edited, PREVIOUS) is None


def test_a_body_cut_near_its_end_is_suspect() -> None:
    cut = REPORT[: REPORT.index("Traffickers increasingly use social media")]
    reason = judge(cut, PREVIOUS)
    assert reason is not None and reason.startswith("truncated body (HTML not closed")


def test_a_rate_limited_page_is_named_and_never_accepted() -> None:
    text = ("<html><head><title>Too Many Requests</title></head><body><h1>Too many requests</h1><p>You have sent "
            "too many requests in a given amount of time. Please try again later.</p></body></html>")
    assert judge(text, PREVIOUS) == "rate-limited page"
    assert judge(text) == "rate-limited page"     # suspect on its own: a second identical fetch confirms nothing


def test_an_unclosed_page_with_a_sentence_taken_out_of_its_middle_is_an_edit() -> None:
    unclosed = REPORT.replace("</body>", "").replace("</html>", "")
    edited = unclosed.replace("convicted 96 traffickers", "convicted 97 traffickers")
    sentence_out = unclosed.replace("The government had formal procedures", "The government had procedures", 1)
    assert judge(edited, PREVIOUS) is None
    assert judge(sentence_out, PREVIOUS) is None


PLAIN = ("Cambodia (Tier 3)\n\nCambodia is a source, destination and transit country. Victims are trafficked "
         "from Vietnam.\n\nThe government made some efforts. Police investigated trafficking crimes and "
         "cooperated with NGOs to rescue victims. Prevention efforts include awareness campaigns.\n")


def test_a_plain_text_page_is_judged_by_its_text_not_by_closing_tags() -> None:
    previous = extract(PLAIN, SOURCE)
    assert judge(PLAIN) is None and judge(PLAIN, previous) is None
    assert judge(PLAIN.replace(" Victims are trafficked from Vietnam.", ""), previous) is None
    cut = judge(PLAIN[: PLAIN.index("cooperated with")], previous)
    assert cut is not None and cut.startswith("truncated body (ends mid-text")


def test_a_page_reading_as_another_country_is_suspect() -> None:
    other = REPORT.replace("CAMBODIA: Tier 3", "THAILAND: Tier 3").replace(
        "<title>Cambodia - United States Department of State", "<title>Thailand - United States Department of State")
    assert judge(other, PREVIOUS) == "country changed (was Cambodia, now Thailand)"
