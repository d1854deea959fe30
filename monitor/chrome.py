"""The chrome preset: what of a page is never the report, at element level and at text-line level.

Element level (used on the lxml tree before anything else): tags that never carry the narrative, and
``id``/``class``/``role``/``aria-label`` values that mark navigation, search, share widgets, breadcrumbs,
cookie banners, ads, comments, print links, sidebars and the like.

Text level (used on every line of every block): :data:`LINE_RULES`, a table of named rules. A ``drop`` rule
removes the whole line (``Last Updated: …``, ``Cite as …``, ``Search Refworld``); a ``cut`` rule removes only
the matched part and keeps the rest of the line (``[accessed 31 May 2016]``). Rules are anchored and most
are limited to short lines, so that a sentence of the narrative is never mistaken for chrome.

Changing anything here changes what extraction keeps: bump :data:`monitor.models.EXTRACTOR_VERSION`.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

logger = logging.getLogger(__name__)

__all__ = [
    "CHROME_TAGS",
    "HEADER_MARKERS",
    "chrome_marker",
    "LINE_RULES",
    "LineRule",
    "clean_line",
    "is_chrome_marker",
    "is_end_heading",
    "strip_heading_controls",
]

# Elements whose whole subtree is page furniture. <header> is handled apart: inside <main>/<article> it is
# the article's own header (title, tier heading) and is kept.
CHROME_TAGS: tuple[str, ...] = (
    "script", "style", "noscript", "template", "svg", "math", "nav", "footer", "aside", "iframe", "button",
    "object", "embed", "canvas", "video", "audio", "map", "select", "textarea", "input", "dialog", "link",
    "meta",
)

# Words that, as a whole token of an id/class/role/aria-label ("main-nav", "share_buttons", "cookieBanner"
# lower-cased to "cookiebanner" is covered by the compound list), mark an element as chrome.
_MARKER_WORDS = (
    "nav", "navbar", "navigation", "menu", "menubar", "megamenu", "submenu", "dropdown", "search", "searchbox",
    "searchform", "share", "sharing", "sharethis", "addthis", "social", "breadcrumb", "breadcrumbs", "cookie",
    "cookies", "consent", "gdpr", "banner", "ad", "ads", "advert", "adverts", "advertisement", "advertising",
    "sponsor", "sponsored", "comment", "comments", "disqus", "print", "printer", "footer", "header",
    "masthead", "sidebar", "related", "toolbar", "skip", "skiplink", "pagination", "pager", "newsletter",
    "subscribe", "signup", "login", "popup", "modal", "feedback", "backtotop", "translate", "sr-only",
    "visually-hidden", "screen-reader-text", "element-invisible", "complementary", "contentinfo", "tags",
    "tagcloud", "rating", "widget", "survey",
)
# Compounds written without separators ("mainnav", "sitesearch", "cookiebanner") or with several.
_MARKER_FRAGMENTS = (
    "breadcrumb", "cookiebanner", "cookie-banner", "cookie-consent", "navbar", "mainnav", "topnav", "subnav",
    "sidenav", "sitenav", "sitesearch", "site-search", "searchbar", "search-bar", "sharebar", "share-bar",
    "socialmedia", "social-media", "skip-link", "skip-to", "back-to-top", "backtotop", "sidebar", "side-bar",
    "megamenu", "mega-menu", "adslot", "ad-slot", "adsbygoogle", "advert", "related-", "print-link",
    "printlink", "share-tools", "sharetools", "toolbar", "language-switch", "language-select", "lang-switch",
    "langswitch",
)
_MARKER_RE = re.compile(
    r"(?:^|[\s_\-:/])(?:" + "|".join(re.escape(w) for w in sorted(_MARKER_WORDS, key=len, reverse=True))
    + r")(?=$|[\s_\-:/])"
    r"|" + "|".join(re.escape(f) for f in _MARKER_FRAGMENTS))


# Markers of a page's or an article's header: such an element may hold the report's tier heading
# ("report__header"), and is kept when it does. Comments, sidebars and the rest never are.
HEADER_MARKERS = frozenset({"header", "masthead", "banner"})


def chrome_marker(*values: str | None) -> str | None:
    """The chrome marker word found in an element's id/class/role/aria-label values, or None."""
    joined = " ".join(value for value in values if value)
    return _marker_in(joined.lower()) if joined else None


# Remembered: a site's pages share their class names, and a search for a hundred words at every position
# of a long class attribute costs microseconds.
@functools.lru_cache(maxsize=4096)
def _marker_in(lowered: str) -> str | None:
    match = _MARKER_RE.search(lowered)
    return match.group(0).strip(" _-:/") if match else None


def is_chrome_marker(*values: str | None) -> bool:
    """Whether any of an element's id/class/role/aria-label values marks it as page chrome."""
    return chrome_marker(*values) is not None


# --------------------------------------------------------------------------- text lines

Action = Literal["drop", "cut"]


@dataclass(frozen=True)
class LineRule:
    """One text-level chrome rule: ``source`` is its regular expression (case-insensitive). ``max_words`` limits
    a ``drop`` rule to short lines (0: any length); ``needs`` is a lower-case word a line must contain for the
    rule to be tried at all (rules that scan a line for a word are kept out of the combined patterns, which
    every line goes through)."""

    name: str
    source: str
    action: Action = "drop"
    max_words: int = 0
    needs: str = ""

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """The rule on its own. Compiled on first use: lines are matched against the combined patterns of
        :func:`_band`, so most rules are never needed alone, and compiling them all was most of this module's
        import time."""
        return re.compile(self.source, re.IGNORECASE)

    def fits(self, words: int) -> bool:
        """Whether the rule applies to a line of ``words`` words."""
        return not self.max_words or words <= self.max_words


def _rule(name: str, pattern: str, action: Action = "drop", max_words: int = 0, needs: str = "") -> LineRule:
    return LineRule(name, pattern, action, max_words, needs)


_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = (r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
         r"(?:\d{1,2}\s+" + _MONTH + r",?\s+\d{4}|" + _MONTH + r"\s+\d{1,2},?\s+\d{4}"
         r"|\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"   # ISO 8601
         r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}|" + _MONTH + r",?\s+\d{4}"                               # June 2024
         r"|\d+\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"     # 3 hours ago
         r"|yesterday|today|just\s+now)"
         r"(?:,?\s+(?:at\s+)?\d{1,2}:\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?")

LINE_RULES: tuple[LineRule, ...] = (
    # Stamps inside a line: the rest of the line is kept.
    _rule("accessed stamp", r"\s*\[\s*accessed\b[^\]]{0,60}\]"),
    _rule("retrieved stamp", r"\s*\((?:accessed|retrieved)\s+(?:on\s+)?" + _DATE + r"\)"),
    # Dates of the page rather than of the report.
    _rule("last updated", r"^(?:(?:(?:this\s+)?(?:content|page|article|document|report)\s+)?(?:was\s+)?last\s+"
          r"(?:updated|modified|reviewed|changed)|page\s+(?:last\s+)?updated|"
          r"date\s+(?:last\s+)?modified)\b.{0,80}$", max_words=16),
    _rule("updated on", r"^(?:updated|modified)(?:\s+on)?\s*[:\-]?\s*" + _DATE + r"\W*$", max_words=12),
    _rule("posted on", r"^(?:posted|published|released|date|created)(?:\s+on)?\s*[:\-]?\s*" + _DATE
          + r"\s*(?:[|•-].{0,60})?$", max_words=20),
    _rule("bare date", r"^" + _DATE + r"$", max_words=8),
    _rule("accessed on", r"^(?:accessed|retrieved|printed|print\s+date)(?:\s+on)?\s*:?\s*" + _DATE + r"\W*$",
          max_words=12),
    _rule("generated at", r"^(?:page\s+)?(?:generated|rendered|created|cached|served|built)\s+(?:(?:at|on|by)\b"
          r".{0,80}|" + _DATE + r"\W*)$", max_words=14),
    # "Available on ecoi.net since: 2 July 2020", "Date added: 12/03/2024", "Indexed since: …"
    _rule("labelled date", r"^[^:]{0,60}?\b(?:since|updated|added|modified|reviewed|indexed|archived|uploaded|"
          r"published|posted|released|created|date|generated|rendered|cached|built|printed|retrieved|accessed|"
          r"checked|crawled|fetched|time|timestamp)\s*:\s*" + _DATE + r"\W*$", max_words=14, needs=":"),
    _rule("server time", r"^(?:current|server|local)\s+(?:date|time)\b.{0,60}$", max_words=10),
    _rule("byline", r"^(?:(?:by|posted\s+by)\s+[^|]{1,80}\|\s*)?" + _DATE + r"(?:\s*\|\s*(?:topics?|tags?|"
          r"categories|category|posted\s+in|filed\s+under)\s*:?[^|]{0,120})*$", max_words=40),
    _rule("reading time", r"^\d+\s+min(?:ute)?s?\s+read$", max_words=4),
    # Refworld-like document metadata.
    _rule("cite as", r"^cite\s+as\b"),
    _rule("document metadata", r"^(?:publisher|author|publication\s+date)\b\s*:?\s.{0,200}$", max_words=40),
    _rule("labelled metadata", r"^(?:document\s+type|doc(?:ument)?\s+id|topics?|countries|country|keywords?|"
          r"original\s+link|source(?:\s+url)?|isbn|permalink|reference|related\s+documents?|"
          r"other\s+documents?|document\s+language|languages?|published|region)\s*:\s.{0,200}$",
          max_words=40),
    _rule("disclaimer", r"^disclaimer"),
    _rule("not a UNHCR publication", r"^this\s+is\s+not\s+a\s+unhcr\s+publication"),
    _rule("external link notice", r"^(?:external\s+links?|links?\s+to\s+external\s+websites?|you\s+are\s+"
          r"(?:now\s+)?leaving|the\s+appearance\s+of\s+external\s+hyperlinks)\b", max_words=60),
    _rule("ecoi.net summary", r"^(?:ecoi\.net\s+(?:summary|description)|this\s+document\s+is\s+"
          r"(?:also\s+)?available\s+in)\b", max_words=30),
    # Widgets.
    _rule("search widget", r"^search(?:\s+(?:this\s+site|the\s+site|site|by\s+keyword|[\w.\-]+)){0,2}"
          r"\s*:?$", max_words=5),
    _rule("share", r"^(?:share(?:\s+(?:this|on|via|to))?(?:\s+(?:page|article|story|post|report))?"
          r"|(?:facebook|twitter|x|linkedin|email|e-mail|whatsapp|telegram|reddit|print|copy\s+link)"
          r"(?:\s*[|,/•·]?\s*(?:facebook|twitter|x|linkedin|email|e-mail|whatsapp|telegram|reddit|print|"
          r"copy\s+link))*)\s*:?$", max_words=16),
    _rule("share on", r"^share\s+(?:on|via|to)\s+\S+(?:\s+\S+){0,3}$", max_words=6),
    # "Share this page: Facebook Twitter Email", "Follow us: Facebook X"
    _rule("share list", r"^(?:share(?:\s+(?:this|on|via))?(?:\s+(?:page|article|story|post|report))?|follow\s+us"
          r"(?:\s+on)?)\s*:?\s*(?:(?:facebook|twitter|x|linkedin|email|e-mail|whatsapp|telegram|reddit|print|"
          r"instagram|youtube|flickr|rss|copy\s+link)[\s,|/•·]*)+$", max_words=16),
    _rule("follow or subscribe", r"^(?:follow\s+us\b.{0,60}|(?:subscribe|sign\s+up)(?:\s+(?:to|for)\b.{0,60})?|"
          r"get\s+(?:email\s+)?updates\b.{0,40})$", max_words=10),
    _rule("print", r"^(?:print(?:\s+(?:this|page|article|version|friendly|report))*|printer[\s-]friendly"
          r"(?:\s+version)?|download(?:\s+(?:pdf|report|as\s+pdf))?(?:\s*\(.{0,30}\))?|email\s+this(?:\s+page)?"
          r"|save\s+(?:as\s+)?pdf)$", max_words=10),
    _rule("back to top", r"^(?:back\s+to\s+top|top\s+of\s+page|return\s+to\s+top|to\s+top|skip\s+to\s+"
          r"(?:main\s+)?(?:content|navigation|search)|jump\s+to\s+(?:content|navigation))\W*$", max_words=6),
    _rule("show/hide toggle", r"^(?:show|hide|show\s*/\s*hide|expand|collapse|read\s+(?:more|less)|"
          r"show\s+(?:more|less|all)|hide\s+all|expand\s+all|collapse\s+all|see\s+(?:more|all)|"
          r"view\s+(?:more|all))\W*$", max_words=4),
    _rule("page generated", r"^(?:page\s+)?(?:generated|rendered|served)\s+in\s+[\d.,]+\s*(?:ms|s|sec|"
          r"secs|seconds|milliseconds)\b.{0,80}$", max_words=24),
    _rule("visitor counter", r"^(?:you\s+are\s+visitor|visitors?|visitor\s+count|page\s+views?|views?|"
          r"hits?|counter|reads?|downloads?)\b\s*(?:no\.?|number|#)?\s*:?\s*[\d,. ]+[kKmM]?\W*$|"
          r"[\d,. ]+[kKmM]?\s+(?:visitors|views|hits|page\s+views|reads|downloads|comments?|likes?|shares?)\W*$",
          max_words=8),
    _rule("session token", r"^(?:session(?:\s+id)?|request\s+id|ray\s+id|trace\s+id|token|csrf|nonce|"
          r"build|revision)\s*[:#=]\s*"
          r"\S+$", max_words=5),
    _rule("page views sentence", r"^this\s+(?:page|article|report|document|story|post)\s+(?:has\s+been\s+)?"
          r"(?:viewed|visited|read)\s+[\d,.]+\s+times\W*$"),
    # "1,284 people viewed this page", "312 readers have read this", "Viewed 1,204 times"
    _rule("viewed by", r"^[\d,. ]+[kKmM]?\s+(?:people|persons|users|visitors|readers|times?)\s+(?:have\s+|has\s+)?"
          r"(?:viewed|visited|read|seen|liked|shared|downloaded)\b.{0,40}$|^(?:viewed|read|visited|downloaded)\s+"
          r"[\d,. ]+[kKmM]?\s+times\W*$", max_words=12),
    _rule("you are here", r"^you\s+are\s+here\b", max_words=24),
    _rule("breadcrumb trail", r"^home\s*(?:[>/»›|]\s*[^>/»›|]{1,60}){1,8}$", max_words=30),
    # Blog and CMS furniture: tags, related links, previous/next, pagination, feedback prompts, widget labels.
    _rule("tags line", r"^(?:(?:tags?|tagged|categories|category|related(?:\s+(?:articles?|content|links?|stories|"
          r"reports?|posts?))?|(?:previous|next)(?:\s+(?:post|article|story|page))?)\s*:|posted\s+in|"
          r"filed\s+under\s*:?)\s.{0,160}$", max_words=24),
    _rule("report download", r"^(?:read|download|view|see|get)\s+(?:the\s+)?(?:full\s+|complete\s+|entire\s+)?"
          r"(?:(?:19|20)\d\d\s+)?(?:(?:tip|trafficking\s+in\s+persons)\s+)?(?:report|document|pdf|narrative)\b"
          r"\s*(?:\(.{0,40}\))?\W*$", max_words=14),
    _rule("feedback prompt", r"^(?:was\s+this\s+(?:page|article|information)\s+(?:helpful|useful)\b.{0,30}|"
          r"report\s+a\s+(?:problem|bug|broken\s+link|typo|mistake)\b.{0,40})$", max_words=12),
    _rule("pagination", r"^page\s+\d+\s+of\s+\d+$", max_words=5),
    _rule("widget label", r"^(?:menu|main\s+menu|toggle\s+(?:navigation|menu|search)|close(?:\s+menu)?|open\s+menu|"
          r"permalink|top|rss(?:\s+feed)?|advertisement|sponsored(?:\s+content)?|accept(?:\s+all)?|decline|"
          r"reject\s+all|previous(?:\s+(?:post|article|page))?|next(?:\s+(?:post|article|page))?|"
          r"leave\s+a\s+(?:comment|reply)|listen(?:\s+to\s+this\s+(?:page|article))?|translate(?:\s+this\s+page)?|"
          r"(?:text|font)\s+size(?:\s*:?\s*(?:a\s*)+)?|loading)\W*$", max_words=6),
    _rule("table of contents", r"^(?:on\s+this\s+page|in\s+this\s+(?:section|article|report)|(?:table\s+of\s+)?"
          r"contents|jump\s+to(?:\s+section)?|skip\s+to\s+section)\s*:?$", max_words=4),
    _rule("copyright", r"^(?:©|\(c\)|copyright\b)", max_words=40),
    _rule("all rights reserved", r"^.{0,300}?\ball\s+rights\s+reserved\b", max_words=30, needs="reserved"),
    _rule("cookie notice", r"^(?:this\s+(?:web)?site\s+uses\s+cookies|we\s+use\s+cookies)\b", max_words=60),
    # Other cookie notices: a short line about the site's cookies ("Cookies help us deliver our services.",
    # "By continuing to browse you agree to our use of cookies").
    _rule("cookie wording", r"^.{0,200}?(?:\b(?:use|uses|using|accept|allow|of)\s+(?:all\s+)?cookies\b|"
          r"\bcookies?\s+(?:help\s+us|policy|settings|preferences|consent|notice)\b)", max_words=40, needs="cookie"),
    # "This site is managed by the Bureau of Public Affairs, U.S. Department of State. External links …"
    _rule("site managed by", r"^this\s+(?:web\s*)?(?:site|page)\s+is\s+(?:managed|maintained|operated|run|"
          r"administered)\s+by\b", max_words=60),
    # A bar of links: "Privacy Notice | FOIA | Copyright Information | FirstGov" (words only: a row of
    # figures such as "Prosecutions | 126 | 97" is data).
    _rule("link bar", r"^[^|\d]{1,40}(?:\s+\|\s+[^|\d]{1,40}){2,}$", max_words=30, needs=" | "),
    _rule("javascript notice", r"^(?:(?:please\s+)?enable\s+javascript\b|javascript\s+(?:is\s+)?"
          r"(?:required|disabled)\b)", max_words=30),
    _rule("separators only", r"^[\W_]+$"),
)
_CUT_RULE_NAMES = frozenset({"accessed stamp", "retrieved stamp"})
_CUT_RULES = tuple(r for r in LINE_RULES if r.name in _CUT_RULE_NAMES)
_DROP_RULES = tuple(r for r in LINE_RULES if r.name not in _CUT_RULE_NAMES)
_KEYWORD_RULES = tuple(r for r in _DROP_RULES if r.needs)
# No keyword rule applies to a line longer than this (most narrative paragraphs are).
_KEYWORD_MAX_WORDS = 0 if any(not r.max_words for r in _KEYWORD_RULES) else max(
    (r.max_words for r in _KEYWORD_RULES), default=0)


_ALWAYS_RULES = tuple(r for r in _DROP_RULES if not r.needs)
# The drop rules as one anchored alternation per band of line lengths: a line is matched once, against the
# rules that can apply to a line of its band. Every limit its own band (a band per distinct max_words)
# matched a line against exactly its rules, but compiling fourteen alternations, each re-parsing most of the
# rules (the dated ones above all), cost 0.17 s per process; these few bands cost a fifth of that and
# match about as fast, measured on the benchmark pages. Lines longer than the longest limit meet only the
# rules without one.
_BAND_TOPS = (*sorted({8, 16, 30, max(r.max_words for r in _ALWAYS_RULES)}), 10**9)


@functools.cache
def _band(top: int) -> re.Pattern[str]:
    """The rules for lines of the band that ends at ``top`` words. Compiled on first use: a pass whose pages
    all answer 304 never needs them."""
    floor = max((t for t in _BAND_TOPS if t < top), default=0)
    rules = [r for r in _ALWAYS_RULES if not r.max_words or r.max_words > floor]
    return re.compile("|".join(_limited(r, top) for r in rules), re.IGNORECASE)


def _limited(rule: LineRule, top: int) -> str:
    """``rule`` as an alternative of a band's pattern. A rule whose limit falls inside the band also checks,
    once it has matched, that the line has at most ``max_words`` words (at most ``max_words - 1`` spaces, as
    :func:`_drops` counts them), so that the band needs no pattern per limit."""
    if not rule.max_words or rule.max_words >= top:
        return f"(?:{rule.source})"
    return f"(?=(?:{rule.source}))[^ ]*(?: [^ ]*){{0,{rule.max_words - 1}}}\\Z"


# Headings after which a page holds no more narrative ("Related Articles", "Tags").
_END_HEADING = re.compile(
    r"^(?:related(?:\s+(?:articles?|content|reports?|links?|stories|documents?|resources|pages?|tags?))?|"
    r"more\s+(?:from|on|in)\b.{0,40}|see\s+also|tags?|topics?|share(?:\s+this)?|you\s+may\s+also\s+like|"
    r"comments?|leave\s+a\s+(?:reply|comment)|recent\s+posts|latest\s+news|other\s+country\s+reports)$",
    re.IGNORECASE)


def clean_line(line: str, extra: Iterable[re.Pattern[str]] = ()) -> str:
    """A normalized text line without its chrome: ``""`` when the whole line is chrome (or matches one of
    the source's ``ignore`` patterns), else the line with its stamps cut out."""
    lowered = line.lower()
    if "accessed" in lowered or "retrieved" in lowered:
        for rule in _CUT_RULES:
            line = rule.pattern.sub("", line).strip()
        if not line:
            return ""
        lowered = line.lower()
    if _drops(line, lowered):
        return ""
    for extra_pattern in extra:
        if extra_pattern.search(line):
            return ""
    if " | " in line and all(_drops(part.strip()) for part in line.split(" | ")):
        return ""   # "© 2024 ACCORD | 1,204,552 hits": every part of the line is chrome
    return line


def _drops(line: str, lowered: str | None = None) -> bool:
    """Whether a drop rule removes ``line`` as a whole (``lowered``: the line in lower case, if at hand)."""
    if not line:
        return True
    words = line.count(" ") + 1     # lines arrive with their whitespace collapsed
    for top in _BAND_TOPS:
        if words <= top:
            if _band(top).match(line):
                return True
            break
    if _KEYWORD_MAX_WORDS and words > _KEYWORD_MAX_WORDS:
        return False
    if lowered is None:
        lowered = line.lower()
    for rule in _KEYWORD_RULES:
        if rule.needs in lowered and rule.fits(words) and rule.pattern.match(line):
            return True
    return False


def matching_rule(line: str) -> str | None:
    """The name of the preset rule that removes or cuts ``line``, or None (for ``monitor test`` and tests)."""
    for rule in _CUT_RULES:
        if rule.pattern.search(line):
            return rule.name
    words = line.count(" ") + 1
    for rule in _DROP_RULES:
        if rule.fits(words) and rule.pattern.match(line):
            return rule.name
    return None


# Controls set inside a heading: a show/hide toggle, a permalink sign ("PROSECUTION Show/Hide", "Prosecution¶").
_HEADING_CONTROLS = re.compile(
    r"(?:\s*[|·•]?\s*(?:show\s*/\s*hide|hide\s*/\s*show|show(?:\s+(?:more|less|all|section))?|"
    r"hide(?:\s+(?:all|section))?|expand(?:\s+all)?|collapse(?:\s+all)?|toggle(?:\s+section)?|"
    r"permalink|link\s+to\s+this\s+section)(?:\s*[+\-−▾▸▼▲►]+)?|\s*[¶§#🔗▾▸▼▲►]+)+\s*$", re.IGNORECASE)


_CONTROL_WORDS = ("show", "hide", "expand", "collapse", "toggle", "permalink", "section", "more", "less", "all")
_CONTROL_SIGNS = frozenset("¶§#🔗▾▸▼▲►+-−")


def strip_heading_controls(text: str) -> str:
    """A heading's text without the controls set after it (``PROSECUTION Show/Hide`` -> ``PROSECUTION``)."""
    if len(text) > 120 or not text:
        return text
    # Most lines end in neither a control word nor a sign: skip the regular expression for them.
    last = text.rsplit(" ", 1)[-1].lower()
    if text[-1] not in _CONTROL_SIGNS and not any(word in last for word in _CONTROL_WORDS):
        return text
    return _HEADING_CONTROLS.sub("", text).strip()


def is_end_heading(text: str) -> bool:
    """Whether a heading closes the narrative (``Related Articles``, ``Tags``, ``Comments``)."""
    return bool(_END_HEADING.match(text.strip(" :")))
