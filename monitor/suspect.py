"""Suspect pages (SPEC §5): responses that are probably not the report, and why.

:func:`suspect_reason` only *judges*; the runner decides what to do with a suspect (hold it, re-fetch,
accept it when a later fetch confirms it). The rules, in the order they are tried:

1. an HTTP error status, or an empty body;
2. a page that does not look like a report (no tier, or only a few dozen words) and reads like a
   captcha/bot check, a maintenance notice, a server error, an access-denied, a rate-limited ("too many
   requests", "try again later") or a not-found page;
3. a truncated body: the HTML is opened but not closed and the document is the previous one cut short
   (or, for a first fetch, the body stops in the middle of a tag or a sentence); a body that never opened
   ``<html>`` or ``<body>`` (a text/plain page) has no closing tag to miss;
4. a page with no findings at all;
5. next to the previous document: the tier heading vanished while the tier was known (the tier is gone,
   or only a sentence of the narrative still states it); the page names another country; the document
   shrank by more than half.

Rules 1-4 judge the page alone (``previous`` may be None); rule 5 needs the previous document.
"""

from __future__ import annotations

import html as html_lib
import logging
import re

from monitor.models import Document, Page

logger = logging.getLogger(__name__)

__all__ = ["suspect_reason"]

# A page with a tier and at least this many words, or this many words without one, is read as a report:
# words like "maintenance" or "not found" in it are the report's own.
REPORT_WORDS_WITH_TIER = 60
REPORT_WORDS = 400
# The shrink rule needs a previous document of at least this many words (tiny pages vary a lot).
SHRINK_MIN_WORDS = 40
_SCAN_CHARS = 200_000     # how much of a non-report page the text patterns look at

_CAPTCHA_TEXT = re.compile(
    r"\bcaptcha\b|verify\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human|are\s+you\s+a\s+robot|"
    r"i'?m\s+not\s+a\s+robot|checking\s+(?:if\s+the\s+site\s+connection\s+is\s+secure|your\s+browser)|"
    r"just\s+a\s+moment\.\.\.|attention\s+required|unusual\s+traffic|bot\s+(?:check|detection|protection)|"
    r"ddos\s+protection|security\s+check|pardon\s+our\s+interruption|enable\s+javascript\s+and\s+cookies\s+"
    r"to\s+continue|press\s+(?:&|and)\s+hold|human\s+verification", re.IGNORECASE)
_CAPTCHA_MARKUP = re.compile(
    r"g-recaptcha|h-captcha|hcaptcha\.com|recaptcha/api|cf-chl|cf_chl_|challenge-platform|"
    r"_incapsula_resource|px-captcha|perimeterx|distil_r_captcha|captcha-delivery|geo\.captcha", re.IGNORECASE)
_MAINTENANCE = re.compile(
    r"\b(?:under(?:going)?|down\s+for|scheduled|planned|routine|system|site)\s+maintenance\b|"
    r"\bmaintenance\s+(?:mode|window|in\s+progress)\b|\btemporarily\s+(?:unavailable|down|offline|closed)\b|"
    r"\bbe\s+back\s+(?:soon|shortly|online)\b|\b(?:performing|carrying\s+out|doing)\s+(?:some\s+)?"
    r"(?:scheduled\s+)?maintenance\b", re.IGNORECASE)
_SERVER_ERROR = re.compile(
    r"\b(?P<code>5\d\d)\b[\s:\-]*(?P<what>internal\s+server\s+error|bad\s+gateway|service\s+(?:temporarily\s+)?"
    r"unavailable|gateway\s+time-?out|server\s+error)|"
    r"(?P<bare>internal\s+server\s+error|bad\s+gateway|service\s+unavailable|gateway\s+time-?out|"
    r"error\s+establishing\s+a\s+database\s+connection|an\s+(?:unexpected\s+)?error\s+(?:has\s+)?occurred|"
    r"something\s+went\s+wrong|origin\s+(?:is\s+)?unreachable|web\s+server\s+is\s+down)", re.IGNORECASE)
_RATE_LIMITED = re.compile(
    r"\btoo\s+many\s+requests\b|\brate[\s-]+limit(?:ed|ing|s)?\b|\brequest\s+limit\s+(?:exceeded|reached)\b|"
    r"\b(?:please\s+)?try\s+again\s+(?:later|shortly|in\s+(?:a\s+)?(?:few\s+)?(?:moments?|minutes?|seconds?))\b",
    re.IGNORECASE)
_ACCESS_DENIED = re.compile(
    r"\baccess\s+denied\b|\b403\s+forbidden\b|you\s+don'?t\s+have\s+permission\s+to\s+access|"
    r"request\s+(?:blocked|unsuccessful|rejected)|the\s+requested\s+url\s+was\s+rejected", re.IGNORECASE)
_NOT_FOUND = re.compile(
    r"\b404\b|page\s+not\s+found|\bnot\s+found\b|(?:page|document)\s+(?:you\s+(?:requested|are\s+looking\s+for)|"
    r"requested)\s+(?:could\s+not|cannot|can'?t)\s+be\s+found|no\s+longer\s+(?:available|exists)",
    re.IGNORECASE)

_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_INVISIBLE = re.compile(r"<(script|style|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_CLOSED = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_OPENED = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;\"')\]]$")


def suspect_reason(page: Page, doc: Document, previous: Document | None = None) -> str | None:
    """None when ``page`` looks like the report; else a short reason (see the module docstring)."""
    if page.not_modified:
        return None
    if page.status >= 400:
        return f"HTTP error {page.status}"
    if not page.body.strip() or not page.text.strip():
        return "empty body"
    words = doc.word_count
    if not _looks_like_report(doc, words):
        reason = _page_kind(page.text)
        if reason:
            return reason
    reason = _truncation(page.text, doc, words, previous)
    if reason:
        return reason
    if not doc.blocks:
        return "no findings"
    if previous is None:
        return None
    if previous.tier is not None and (doc.tier is None or (_under_heading(previous) and not _under_heading(doc))):
        return f"tier heading vanished (was {previous.tier})"
    if previous.country and doc.country and previous.country != doc.country:
        # The page now reads as another country's report: a wrong page, or another country's heading.
        return f"country changed (was {previous.country}, now {doc.country})"
    before = previous.word_count
    if before >= SHRINK_MIN_WORDS and words * 2 < before:
        return f"document shrank by more than half ({before} -> {words} words)"
    return None


def _is_cut_short(doc: Document, previous: Document) -> bool:
    """Whether ``doc``'s blocks are the previous version's first blocks, the last one possibly cut off."""
    new, old = [b.text for b in doc.blocks], [b.text for b in previous.blocks]
    if not new:
        return True
    if len(new) > len(old) or new[:-1] != old[:len(new) - 1]:
        return False
    last, there = new[-1], old[len(new) - 1]
    # The cut may fall inside a word, and the cut-off block may be followed by a stray text of the page.
    return there.startswith(last.rsplit(" ", 1)[0]) if " " in last else there.startswith(last)


def _under_heading(doc: Document) -> bool:
    """Whether the narrative sits under a tier heading: the extractor tags every block that follows one
    with a section (``Overview`` first); a tier read from a sentence instead leaves blocks untagged."""
    return bool(doc.blocks) and all(block.section is not None for block in doc.blocks)


def _looks_like_report(doc: Document, words: int) -> bool:
    return (doc.tier is not None and words >= REPORT_WORDS_WITH_TIER) or words >= REPORT_WORDS


def _page_kind(markup: str) -> str | None:
    """What a page that is not a report is: a captcha, maintenance, error, denied or not-found page."""
    head = markup[:_SCAN_CHARS]
    title_match = _TITLE.search(head)
    title = _plain(title_match.group(1)) if title_match else ""
    text = title + " " + _plain(_INVISIBLE.sub(" ", head))
    if _CAPTCHA_TEXT.search(text) or _CAPTCHA_MARKUP.search(head):
        return "captcha/bot check page"
    if _MAINTENANCE.search(text):
        return "maintenance page"
    error = _SERVER_ERROR.search(text)
    if error:
        what = " ".join((error.group("what") or error.group("bare") or "").split()).lower()
        code = error.group("code")
        return f"server error page ({code + ' ' if code else ''}{what})"
    if _ACCESS_DENIED.search(text):
        return "access denied page"
    if _RATE_LIMITED.search(text):
        return "rate-limited page"
    if _NOT_FOUND.search(title) or _NOT_FOUND.search(text[:2000]):
        return "not-found page"
    return None


def _plain(markup: str) -> str:
    return " ".join(html_lib.unescape(_TAG.sub(" ", markup)).split())


def _truncation(markup: str, doc: Document, words: int, previous: Document | None) -> str | None:
    """An HTML body that is not closed and ends early."""
    tail = markup.rstrip()[-4096:]
    if _CLOSED.search(tail):
        return None
    last = doc.blocks[-1].text if doc.blocks else ""
    if not _OPENED.search(markup[:_SCAN_CHARS]):
        # Never opened (a text/plain page, a fragment): no closing tag to miss, so only text that stops
        # mid-sentence where the previous version went on tells a cut.
        if previous is not None and words < previous.word_count and _is_cut_short(doc, previous) \
                and not _SENTENCE_END.search(last):
            return f"truncated body (ends mid-text, {previous.word_count} -> {words} words)"
        return None
    if previous is not None:
        # A body cut short, even near its end: the text is what the previous version said, up to a point.
        # (A page that never closes its HTML and had a sentence taken out of its middle is an edit.)
        before = previous.word_count
        if words < before and _is_cut_short(doc, previous):
            return f"truncated body (HTML not closed, {before} -> {words} words)"
        return None
    if not tail.endswith(">") or (last and not _SENTENCE_END.search(last)):
        return "truncated body (HTML not closed, ends mid-text)"
    return None
