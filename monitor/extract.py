"""Extraction (SPEC §5): one page's HTML in, one :class:`~monitor.models.Document` out — fields and findings.

The pipeline, cheapest first, so that the expensive HTML API only ever sees a small tree:

1. parse with lxml (comments and processing instructions dropped by the parser); a body without any
   markup (a text/plain page) is read as preformatted text;
2. remove element-level chrome (:mod:`monitor.chrome`): scripts, styles, SVG, navigation, headers outside the
   article, footers, asides, forms, buttons (but not a collapsible section's title button), lists of in-page
   links (tables of contents), short elements a browser never shows, and elements whose
   id/class/role/aria-label mark navigation, search, share widgets, breadcrumbs, cookie banners, ads,
   comments, print links, sidebars;
3. narrow to the content region: the source's ``select`` (CSS, through BeautifulSoup/soupsieve), else
   ``main``, ``[role=main]``, ``article``, ``#content``-like ids (the densest when there are several),
   else the body; for a ``tip-report`` the region is widened to take in the tier heading if it fell outside;
4. remove the source's ``strip`` selectors (CSS, through BeautifulSoup/soupsieve);
5. walk the region into blocks (headings, paragraphs, list items; the cells of a layout table are blocks,
   a data table's row is one line), normalize their text (NFC, odd spaces, quotes, dashes, soft hyphens,
   whitespace), and drop text-level chrome lines and the ``ignore`` patterns;
6. the profile: ``tip-report`` reads country, tier and year from the report's tier heading (falling back to
   the narrative's own placement sentence only when no heading states a tier), keeps the narrative from
   that heading on - up to the next country's heading, without placement listings and explanations of the
   tier system - tags sections and splits recommendations into items; ``generic`` keeps every block,
   tagged with the nearest preceding heading;
7. configured fields (regex over the region's text, or CSS).

CSS (``select``, ``strip``, ``css`` fields) has soupsieve's semantics: plain type/id/class selectors are
matched on the lxml tree directly, anything else by soupsieve on a BeautifulSoup tree built only then, and
only from the already pruned lxml tree (see :class:`_CssView`). Everything here is pure: same HTML and
source, same document.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any, NamedTuple

from lxml import etree

from monitor import chrome, tiers
from monitor.compare import split_sentences  # the same sentences the findings are reported in
from monitor.errors import ExtractError
from monitor.models import EXTRACTOR_VERSION, Block, BlockKind, Document, FieldRule, Source

logger = logging.getLogger(__name__)

__all__ = ["EXTRACTOR_VERSION", "SECTION_NAMES", "explain", "extract", "normalize_text"]


TIP_PROFILE = "tip-report"
GENERIC_PROFILE = "generic"
OVERVIEW = "Overview"
RECOMMENDATIONS = "Recommendations"

# --------------------------------------------------------------------------- text normalization

_LINE_BREAK = "\u2028"        # what <br> becomes while walking; a literal U+2028 on a page means the same
_PARAGRAPH_BREAK = "\u2029"
_ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_TRANSLATION: dict[int, str | None] = {
    **{ord(c): " " for c in _ODD_SPACES + "\t\n\r\f\v\x85"},
    **{c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)},
    **{ord(c): None for c in "\u00ad\u200b\u2060\ufeff"},             # soft hyphen, zero-width spaces, BOM
    **{ord(c): "'" for c in "‘’‚‛′＇`´"},
    **{ord(c): '"' for c in "“”„‟″〝〞＂«»"},
    **{ord(c): "-" for c in "‐‑"},                                       # hyphens stay hyphens
    ord("…"): "...",
    **{ord(c): " - " for c in "‒–—―−﹘﹣－"},                              # dashes: one spaced form
    ord(_LINE_BREAK): "\n",
    ord(_PARAGRAPH_BREAK): "\n\n",
}
_TRANSLATION[0x0A] = " "      # a newline in the source is only whitespace; line breaks come from <br>
_TRANSLATION[0x0D] = " "


def _ascii_translation() -> tuple[bytes, bytes]:
    """:data:`_TRANSLATION` for ASCII text, as a ``bytes.translate`` table and the bytes it deletes (each ASCII
    character it replaces becomes one ASCII character)."""
    table, delete = bytearray(range(256)), bytearray()
    for code, replacement in _TRANSLATION.items():
        if code < 128:
            if replacement is None:
                delete.append(code)
            else:
                table[code] = ord(replacement)
    return bytes(table), bytes(delete)


_ASCII_TABLE, _ASCII_DELETE = _ascii_translation()


def normalize_text(text: str) -> str:
    """NFC; odd spaces, quotes and dashes in one form; soft hyphens and control characters removed;
    whitespace collapsed. Line breaks (``<br>`` while walking, U+2028) become ``\\n``, kept one per line."""
    if text.isascii():
        # Most text is ASCII (already NFC, no dashes to join). str.translate rebuilds its cache of the table
        # on every call, which costs more than translating bytes does.
        text = text.encode("ascii").translate(_ASCII_TABLE, _ASCII_DELETE).decode("ascii")
    else:
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if "–" in text or "‒" in text or "−" in text:
            text = _INNER_DASH.sub("-", text)
        text = text.translate(_TRANSLATION)
    text = _SPACE_RUN.sub(" ", text)
    if "\n" in text:
        text = _AROUND_NEWLINE.sub("\n", text)
    return text.strip(" ")


_SPACE_RUN = re.compile(r"  +")
# An en dash or a minus sign between two letters or digits joins them as a hyphen does ("2024–2028"): one
# form of a range however it is typed. Spaced or em dashes stay the spaced dash of the translation above.
_INNER_DASH = re.compile(r"(?<=\w)[‒–−](?=\w)")
_AROUND_NEWLINE = re.compile(r" ?\n ?")


# --------------------------------------------------------------------------- parsing

_parsers = threading.local()   # lxml parsers must not be shared between threads


def _parser() -> etree.HTMLParser:
    # A plain etree parser, not lxml.html's: its per-element Python class lookup would cost more than the
    # whole parse on a page with thousands of elements.
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                                  default_doctype=False)
        _parsers.parser = parser
    return parser


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)


def _parse(html: str) -> Any:
    """The page as an lxml tree (its <html> element); None when there is nothing to parse."""
    data = _XML_DECLARATION.sub("", html, count=1).encode("utf-8", "replace")
    if not data.strip():
        return None
    try:
        root = etree.fromstring(data, parser=_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        logger.debug("unparseable page: %s", exc)
        return None
    return root


def _text_of(el: Any) -> str:
    return "".join(el.itertext())


# --------------------------------------------------------------------------- element-level chrome

_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})
_MARKER_ATTRIBUTES = etree.XPath(".//@id | .//@class | .//@role | .//@aria-label")
_COUNT_MARKER_ATTRIBUTES = etree.XPath("count(.//*/@id | .//*/@class | .//*/@role | .//*/@aria-label)")
_ROLES = etree.XPath(".//@role")      # far cheaper than a [@role='main'] predicate over every element
_OUTER_HEADERS = etree.XPath(".//header[not(ancestor::main or ancestor::article)]")
# A <form> that wraps real content (a whole-page ASP.NET form) is not a search box.
_FORM_CONTENT_PARAGRAPHS = 3


def _prune(root: Any, buttons: Iterable[Any] | None = None) -> None:
    """Remove page chrome from ``root``'s subtree in place (texts that follow a removed element stay).
    ``buttons``: the subtree's <button> elements, when the caller has already found them."""
    _unwrap_heading_buttons(_BUTTONS(root) if buttons is None else buttons)
    etree.strip_elements(root, *chrome.CHROME_TAGS, with_tail=False)
    keep, keep_header = _keepers(root)
    doomed = [el for el in _OUTER_HEADERS(root) if el not in keep and el not in keep_header]
    doomed += [el for el in root.iter("form")
               if el not in keep and sum(1 for _ in islice(el.iter("p"), _FORM_CONTENT_PARAGRAPHS + 1))
               <= _FORM_CONTENT_PARAGRAPHS]
    doomed += [el for el in root.iter("ul", "ol") if el not in keep and _is_jump_list(el)]
    doomed += [el for el in _maybe_invisible(root) if el not in keep and _is_invisible_snippet(el)]
    for el in doomed:
        _drop(el)
    # Attribute values, in document order: an element's own attributes come right after it, then those of
    # its descendants, so a removed element's whole subtree is skipped by counting.
    values = _MARKER_ATTRIBUTES(root)
    index = 0
    while index < len(values):
        value = values[index]
        index += 1
        marker = chrome.chrome_marker(value)
        if marker is None:
            continue
        el = value.getparent()
        if el is None or el.tag in _PROTECTED_TAGS or el in keep or (
                marker in chrome.HEADER_MARKERS and (el in keep_header or el.tag in _HEADING_TAGS)):
            # A heading marked "header" is an accordion's or a card's heading ("accordion-header"),
            # not the page's header.
            continue
        while index < len(values) and values[index].getparent() is el:
            index += 1
        index += int(_COUNT_MARKER_ATTRIBUTES(el))
        _drop(el)


_BUTTONS = etree.XPath(".//button")
_UNRENDERED_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# A hidden element longer than this may be a collapsed section of the report (shown by a script): kept.
_HIDDEN_SNIPPET_CHARS = 200


def _maybe_invisible(root: Any) -> Iterator[Any]:
    """The descendants marked ``aria-hidden="true"`` or with "none" or "hidden" in their style, in document
    order. (A walk in Python: the XPath with these string predicates cost twice as much.)"""
    for el in root.iterdescendants(etree.Element):
        style = el.get("style")
        if el.get("aria-hidden") == "true" or (style is not None and ("none" in style or "hidden" in style)):
            yield el


def _is_invisible_snippet(el: Any) -> bool:
    """A short element a browser never shows (``aria-hidden``, ``display: none``): a session field, a
    honeypot, a decorative duplicate - never the report, unless it holds the tier heading."""
    if el.get("aria-hidden", "").strip().lower() != "true" and not _UNRENDERED_STYLE.search(el.get("style", "")):
        return False
    text = _text_of(el)
    return len(text) < _HIDDEN_SNIPPET_CHARS * 2 and _text_length(el) < _HIDDEN_SNIPPET_CHARS \
        and tiers.parse_tier_heading(" ".join(text.split())) is None


def _is_jump_list(el: Any) -> bool:
    """A list of in-page links only ("On this page: Prosecution, Protection, …"): a table of contents,
    however it is marked, never narrative."""
    items = [child for child in el if isinstance(child.tag, str)]
    if not items or any(item.tag != "li" for item in items):
        return False
    for item in items:
        links = [a for a in item.iter("a")]
        if len(links) != 1 or not (links[0].get("href") or "").startswith("#"):
            return False
        if " ".join(_text_of(item).split()) != " ".join(_text_of(links[0]).split()):
            return False
    return True


def _unwrap_heading_buttons(buttons: Iterable[Any]) -> None:
    """Turn the buttons of collapsible sections into plain text: a button inside a heading, or one that
    opens a region (``aria-expanded``/``aria-controls``) and names a report section, is the section's
    title (the WAI-ARIA accordion pattern), not a control to remove with the other buttons."""
    for button in buttons:
        in_heading = any(a.tag in _HEADING_TAGS for a in button.iterancestors())
        if in_heading or ((button.get("aria-expanded") is not None or button.get("aria-controls") is not None)
                          and section_name(" ".join(_text_of(button).split())) is not None):
            button.tag = "span"


def _keepers(root: Any) -> tuple[set[Any], set[Any]]:
    """Elements never removed as chrome, however they are marked: those holding the page's main content
    (main, article, [role=main], h1), and - among page and article headers only - those holding a tier
    heading. Each set has the anchors and all their ancestors."""
    content = [role.getparent() for role in _ROLES(root) if role.strip().lower() == "main"]
    headings = []
    for el in root.iter("main", "article", "h1", "h2", "h3", "h4", "h5", "h6"):
        if el.tag in ("main", "article", "h1"):
            content.append(el)
        elif tiers.parse_tier_heading(_text_of(el)):
            headings.append(el)
    return _with_ancestors(content), _with_ancestors(headings)


def _with_ancestors(anchors: list[Any]) -> set[Any]:
    found: set[Any] = set()
    for anchor in anchors:
        found.add(anchor)
        for ancestor in anchor.iterancestors():
            if ancestor in found:
                break
            found.add(ancestor)
    return found


def _drop(el: Any) -> None:
    """Remove ``el`` and its subtree, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = _settable((previous.tail or "") + tail)
        else:
            parent.text = _settable((parent.text or "") + tail)
    parent.remove(el)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _settable(text: str) -> str:
    """Text lxml accepts to set: the parser keeps control characters a page may hold, a setter does not
    (they are invisible, and normalization drops them anyway)."""
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


# --------------------------------------------------------------------------- CSS through BeautifulSoup

_MARK = "data-monitor-ix"


class _CssView:
    """CSS selection (soupsieve semantics) over an lxml subtree, answered with the lxml elements.

    Selectors made only of type, ``#id`` and ``.class`` parts joined by descendant or child combinators
    (``main``, ``div#content``, ``article .share``, ``main > div.entry``) are matched directly on the lxml
    tree, by the rules soupsieve applies to HTML (tag names without case, id and class tokens exactly);
    a test holds the two to the same answers. Any other selector goes to soupsieve: the subtree is
    serialized once, each element tagged with its index, and parsed by BeautifulSoup with the lxml
    builder; selected tags map back to lxml elements through the index. Built lazily and only from the
    pruned tree, which is a fraction of the page.
    """

    def __init__(self, root: Any) -> None:
        self._root = root
        self._elements: list[Any] = []
        self._soup: Any = None    # a BeautifulSoup, built on the first selector that needs one

    def select(self, selector: str, what: str = "selector") -> list[Any]:
        simple = _simple_selector(selector)
        if simple is not None:
            return _select_simple(self._root, simple)
        return self.select_with_soup(selector, what)

    def select_with_soup(self, selector: str, what: str = "selector") -> list[Any]:
        # Imported here: BeautifulSoup and soupsieve cost a tenth of a second at start-up, and only sources
        # with CSS rules beyond type/id/class ever need them.
        import soupsieve
        from bs4 import BeautifulSoup

        if self._soup is None:
            self._elements = list(self._root.iter(etree.Element))
            for index, el in enumerate(self._elements):
                el.set(_MARK, str(index))
            markup = etree.tostring(self._root, encoding="unicode", method="html")
            self._soup = BeautifulSoup(markup, "lxml")
        try:
            tags = self._soup.select(selector)
        except (soupsieve.SelectorSyntaxError, ValueError, TypeError) as exc:
            raise ExtractError(f"the {what} {selector!r} is not a valid CSS selector: "
                               f"{str(exc).splitlines()[0]}") from exc
        found: list[Any] = []
        for tag in tags:
            mark = tag.get(_MARK)
            if isinstance(mark, str) and mark.isdigit() and int(mark) < len(self._elements):
                found.append(self._elements[int(mark)])
        return found


class _Compound(NamedTuple):
    tag: str | None            # lower case; None for any
    ids: tuple[str, ...]
    classes: tuple[str, ...]

    def matches(self, el: Any) -> bool:
        if self.tag is not None and el.tag.lower() != self.tag:
            return False
        if self.ids and any(el.get("id", "") != i for i in self.ids):
            return False
        if self.classes:
            present = set((el.get("class") or "").split())
            return all(c in present for c in self.classes)
        return True


# A simple complex selector: compounds (type, #id, .class; plain ASCII identifiers) joined by " " or ">".
_IDENT = r"-?[_a-zA-Z][_a-zA-Z0-9-]*"
_COMPOUND = re.compile(r"(?P<tag>[a-zA-Z][a-zA-Z0-9-]*|\*)?(?P<rest>(?:[#.]" + _IDENT + r")*)")
_COMPLEX = re.compile(r"^\s*[a-zA-Z*#.][\w.#*-]*(?:(?:\s*>\s*|\s+)[a-zA-Z*#.][\w.#*-]*)*\s*$")

_Simple = tuple[tuple[tuple[_Compound, ...], tuple[str, ...]], ...]


@lru_cache(maxsize=256)
def _simple_selector(selector: str) -> _Simple | None:
    """The selector as ``((compounds, combinators), …)`` per comma-separated part, or None when it uses
    anything beyond type, id and class parts with descendant/child combinators."""
    parts = []
    for part in selector.split(","):
        if not _COMPLEX.match(part):
            return None
        tokens = re.split(r"(\s*>\s*|\s+)", part.strip())
        compounds, combinators = [], []
        for index, token in enumerate(tokens):
            if index % 2:
                combinators.append(">" if ">" in token else " ")
                continue
            match = _COMPOUND.fullmatch(token)
            if not match or not token:
                return None
            pieces = re.findall(r"([#.])(" + _IDENT + r")", match.group("rest"))
            if "".join(a + b for a, b in pieces) != match.group("rest"):
                return None
            tag = match.group("tag")
            compounds.append(_Compound(None if tag in (None, "*") else tag.lower(),
                                       tuple(v for k, v in pieces if k == "#"),
                                       tuple(v for k, v in pieces if k == ".")))
        parts.append((tuple(compounds), tuple(combinators)))
    return tuple(parts)


def _select_simple(root: Any, selector: _Simple) -> list[Any]:
    chosen: set[Any] = set()
    for compounds, combinators in selector:
        last = compounds[-1]
        candidates = root.iter(last.tag) if last.tag else root.iter(etree.Element)
        for el in candidates:
            if el not in chosen and _matches_from(el, compounds, combinators, len(compounds) - 1):
                chosen.add(el)
    return [el for el in root.iter(etree.Element) if el in chosen] if chosen else []


def _matches_from(el: Any, compounds: tuple[_Compound, ...], combinators: tuple[str, ...], index: int) -> bool:
    if not compounds[index].matches(el):
        return False
    if index == 0:
        return True
    if combinators[index - 1] == ">":
        parent = el.getparent()
        return parent is not None and _matches_from(parent, compounds, combinators, index - 1)
    return any(_matches_from(a, compounds, combinators, index - 1) for a in el.iterancestors())


def _outermost(elements: Sequence[Any]) -> list[Any]:
    """Elements in document order without those nested in another one of them."""
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


# --------------------------------------------------------------------------- the content region

_MAIN_CANDIDATES = (
    etree.XPath("//main"),
    etree.XPath("//*[@role='main']"),
    etree.XPath("//article"),
    etree.XPath("//*[@id='content' or @id='main-content' or @id='maincontent' or @id='main' or "
                "@id='primary' or @id='page-content' or @id='content-main' or @id='mainContent' or "
                "@id='docMain' or @id='document']"),
    etree.XPath("//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ') or "
                "contains(concat(' ', normalize-space(@class), ' '), ' article-body ') or "
                "contains(concat(' ', normalize-space(@class), ' '), ' post-content ') or "
                "contains(concat(' ', normalize-space(@class), ' '), ' main-content ')]"),
)


def _text_length(el: Any) -> int:
    """Characters of visible text (without whitespace) under ``el``."""
    return sum(len(text) - text.count(" ") for text in el.itertext())


def _heuristic_region(root: Any) -> Any:
    """The first kind of content container the page has (the densest, when it has several of that kind);
    else the whole body, which pruning has already rid of its marked chrome. (Narrowing further by text
    density alone would drop short narrative blocks that sit beside a long one.)"""
    for xpath in _MAIN_CANDIDATES:
        found = _outermost(xpath(root))
        if found:
            return max(found, key=_text_length) if len(found) > 1 else found[0]
    body = root.find("body")
    return body if body is not None else root


def _common_ancestor(a: Any, b: Any) -> Any:
    ancestors = {a, *a.iterancestors()}
    for el in (b, *b.iterancestors()):
        if el in ancestors:
            return el
    return a.getroottree().getroot()


# --------------------------------------------------------------------------- walking into raw blocks

_BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_CELL_TAGS = frozenset({"td", "th"})


class _Raw(NamedTuple):
    """A run of text between block boundaries, as found in the tree. (The small immutable records of this
    module are named tuples, not frozen dataclasses: every page makes a hundred of them, and a named tuple
    costs a fraction of a frozen dataclass, to make and to define at import.)"""

    kind: BlockKind
    text: str
    element: Any       # the innermost block element holding it
    nested: bool       # inside a list item or a table cell: never a tier heading


def _walk(region: Any) -> list[_Raw]:
    out: list[_Raw] = []
    buf: list[str] = []
    stack: list[Any] = []
    depth = {"heading": 0, "li": 0, "cell": 0, "pre": 0}

    def flush() -> None:
        if not buf:
            return
        text = "".join(buf)
        buf.clear()
        if text.isspace():
            return
        kind: BlockKind = "heading" if depth["heading"] else "item" if depth["li"] else "paragraph"
        out.append(_Raw(kind, text, stack[-1] if stack else region, bool(depth["li"] or depth["cell"])))

    def add(text: str | None) -> None:
        if text:
            buf.append(text.replace("\n", _LINE_BREAK) if depth["pre"] else text)

    layout: list[bool] = []   # per open table: whether it lays out the page rather than holding data
    for event, el in etree.iterwalk(region, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        counter = _DEPTH_KEY.get(tag)
        if tag == "table" and event == "start":
            layout.append(_is_layout_table(el))
        if counter == "cell" and layout[-1]:
            counter = None        # the report in a layout table's cell is no table data
        if event == "start":
            if tag in _BLOCK_TAGS:
                flush()
                stack.append(el)
                if counter:
                    depth[counter] += 1
            elif tag == "br":
                buf.append(_LINE_BREAK)
            elif tag in _CELL_TAGS and layout and layout[-1]:
                # A cell of a layout table is a column of the page: a block container of its own.
                flush()
                stack.append(el)
            elif tag in _CELL_TAGS:
                # A table row is one line: "Publisher | United States Department of State" reads as the
                # metadata line it is, and a row of a placements table stays together.
                buf.append(" ")
            add(el.text)
        else:
            if tag in _BLOCK_TAGS:
                flush()
                stack.pop()
                if counter:
                    depth[counter] -= 1
                if tag == "table":
                    layout.pop()
            elif tag in _CELL_TAGS and layout and layout[-1]:
                flush()
                stack.pop()
            elif tag in _CELL_TAGS:
                buf.append(" ")
            if el is not region:
                add(el.tail)
    flush()
    return out


_DEPTH_KEY = {**{h: "heading" for h in _HEADING_TAGS}, "li": "li", "table": "cell", "pre": "pre"}
# A table one of whose cells holds at least this much text lays out the page (the 2001-2005 state.gov pages:
# a navigation column beside the report); no cell of a data table (placements, metadata) comes near it.
_LAYOUT_CELL_CHARS = 400


def _is_layout_table(table: Any) -> bool:
    """A table whose cells hold the page's columns: a long text, or paragraphs and headings of their own
    (a data cell holds a value, at most one paragraph of it)."""
    for cell in table.iter("td", "th"):
        if next(cell.iter(*_HEADING_TAGS), None) is not None or \
                sum(1 for _ in islice(cell.iter("p", "div", "ul", "ol", "pre"), 2)) >= 2:
            return True
    if _text_length(table) < _LAYOUT_CELL_CHARS:
        return False
    return any(_text_length(cell) >= _LAYOUT_CELL_CHARS for cell in table.iter("td", "th"))


# --------------------------------------------------------------------------- raw blocks into text blocks

class _Text(NamedTuple):
    kind: BlockKind
    text: str
    element: Any
    nested: bool


class _LineCleaner:
    """:func:`chrome.clean_line` with a source's ``ignore`` patterns, for one page, remembering its answers: a
    narrative line is judged up to three times (as a line, as the block it forms, as a finding), the answer
    cannot change, and each judgement costs microseconds of regular expressions."""

    def __init__(self, ignore: tuple[re.Pattern[str], ...]) -> None:
        self._ignore = ignore
        self._answers: dict[str, str] = {}

    def __call__(self, line: str) -> str:
        cleaned = self._answers.get(line)
        if cleaned is None:
            cleaned = self._answers[line] = chrome.clean_line(line, self._ignore)
        return cleaned


_BULLETS = "•▪●◦‣∙■□➢►▸○"
_LINE_BULLET = re.compile(r"^(?:(?:[" + _BULLETS + r"·]|[-*](?=\s))\s*)+")
_ANY_BULLET = re.compile(r"[" + _BULLETS + r"]")
_INLINE_BULLET = re.compile(r"(?:^|\s)[" + _BULLETS + r"]\s*")


def _texts(raws: Iterable[_Raw], clean: _LineCleaner, field_lines: list[str],
           leads: bool = False) -> list[_Text]:
    """Raw blocks as normalized, chrome-free text blocks. With ``leads`` (the tip-report profile), a first
    line that is a tier heading or a section name (``<p><b>CAMBODIA: Tier 3</b><br>The Government …``)
    becomes a heading block of its own."""
    out: list[_Text] = []
    for raw in raws:
        for para in normalize_text(raw.text).split("\n\n"):
            lines = [line for line in para.split("\n") if line]
            field_lines.extend(lines)
            kept = [tiers.normalize_tier_mentions(cleaned)
                    for cleaned in (clean(_without_controls(line, raw.kind)) for line in lines)
                    if cleaned]
            groups = [kept] if raw.kind == "heading" else _line_groups(kept, tier_headings=leads)
            for group in groups:
                if group:
                    out.extend(_group_texts(raw, group, clean, leads))
    return out


def _group_texts(raw: _Raw, kept: list[str], clean: _LineCleaner, leads: bool) -> Iterator[_Text]:
    """The text blocks of one group of lines of a raw block."""
    if leads and raw.kind == "paragraph" and (run_in := tiers.run_in_heading(kept[0])) is not None:
        # "<b>BURMA: Tier 3</b> The Government of Burma …": the heading, then the paragraph it opens.
        yield _Text("heading", kept[0][:len(kept[0]) - len(run_in[1])].strip(), raw.element, raw.nested)
        kept = [run_in[1], *kept[1:]]
    lead = _lead_lines(kept) if leads and raw.kind == "paragraph" and len(kept) > 1 else 0
    if lead:
        yield _Text("heading", " ".join(kept[:lead]), raw.element, raw.nested)
        kept = kept[lead:]
    if len(kept) == 1 and raw.kind == "heading":
        yield _Text("heading", kept[0], raw.element, raw.nested)
        return
    parts: Iterable[tuple[BlockKind, str]] = ([("heading", " ".join(kept))] if raw.kind == "heading"
                                               else _split_bullets(raw.kind, kept))
    for kind, text in parts:
        # A block made of several lines, or a bullet without its bullet, is judged again as a
        # whole, so that the document reads the same when extracted from its own rendering.
        text = clean(text)
        if text:
            yield _Text(kind, text, raw.element, raw.nested)


def _without_controls(line: str, kind: BlockKind) -> str:
    """A heading line without the show/hide toggle or permalink sign set inside it (``PROSECUTION
    Show/Hide``, ``Prosecution¶``). Other lines lose them only when what remains is a section title or a
    tier heading: a sentence that ends in "show" keeps it."""
    head = chrome.strip_heading_controls(line)
    if head == line or not head:
        return line
    if kind == "heading" or section_name(head) or tiers.parse_tier_heading(head):
        return head
    return line


def _line_groups(lines: list[str], tier_headings: bool) -> list[list[str]]:
    """The lines of one block of text, grouped into the blocks they form. With ``tier_headings``, a tier
    heading line (and the country line just before a bare tier) is a block of its own, so that a heading
    set among other lines (the seed page with one <br> per line and no blank line) is still found. Other
    lines stay together: a <br> inside a paragraph is a line wrap, not a new paragraph."""
    if len(lines) < 2 or not tier_headings:
        return [lines]
    groups: list[list[str]] = [[]]
    for index, line in enumerate(lines):
        heading = tiers.parse_tier_heading(line) if index and len(line) <= 120 else None
        if heading is None:
            groups[-1].append(line)
            continue
        current = groups[-1]
        opening = [current.pop()] if (heading.country is None and len(current) > 1
                                       and tiers.is_country_name(current[-1])) else []
        groups.append([*opening, line])
        groups.append([])
    return [group for group in groups if group]


def _lead_lines(lines: list[str]) -> int:
    """How many first lines of a paragraph form its own heading: a tier heading (possibly broken over two
    lines) or a section name; 0 when none do."""
    if section_name(lines[0]) or tiers.parse_tier_heading(lines[0]):
        return 1
    if len(lines) > 2 and len(lines[0]) <= 60 and tiers.parse_tier_heading(f"{lines[0]} {lines[1]}"):
        return 2
    return 0


def _split_bullets(kind: BlockKind, lines: list[str]) -> Iterator[tuple[BlockKind, str]]:
    """A paragraph's lines as blocks: bullet lines ("• …", or "- …" on several lines) and inline "•"
    bullets become items; text before the first bullet stays a paragraph (often a lead such as
    ``PRIORITIZED RECOMMENDATIONS:``)."""
    # Every bullet character is non-ASCII: an ASCII line needs no search for one.
    if not any((not line.isascii() and _ANY_BULLET.search(line)) or line[:2] in ("- ", "* ") or line[:1] == "·"
               for line in lines):
        yield kind, " ".join(lines)
        return
    dashed = sum(1 for line in lines if line[:2] in ("- ", "* ")) >= 2
    groups: list[tuple[bool, list[str]]] = []
    for line in lines:
        bullet = _LINE_BULLET.match(line)
        if bullet and (dashed or line[0] not in "-*"):
            groups.append((True, [line[bullet.end():]]))
        elif groups:
            groups[-1][1].append(line)
        else:
            groups.append((False, [line]))
    for is_item, group in groups:
        text = " ".join(group)
        parts = _INLINE_BULLET.split(text)
        lead, items = parts[0].strip(), [_LINE_BULLET.sub("", p.strip()) for p in parts[1:]]
        if lead:
            yield ("item" if is_item else kind), lead
        for item in items:
            if item:
                yield "item", item


# --------------------------------------------------------------------------- sections

_SECTION_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), name) for pattern, name in (
        (r"(?:prioritized\s+|priority\s+|key\s+)?recommendations?(?:\s+for\s+[^:;.]{1,70}?)?", RECOMMENDATIONS),
        # The reports' titles, and the light variants other renderings use ("VICTIM PROTECTION",
        # "HUMAN TRAFFICKING PROFILE", "PROSECUTION EFFORTS").
        (r"(?:anti-trafficking\s+)?(?:law\s+enforcement\s+and\s+)?prosecution(?:\s+efforts)?", "Prosecution"),
        (r"(?:victim\s+)?protection(?:\s+(?:efforts|of\s+victims))?", "Protection"),
        (r"prevention(?:\s+(?:efforts|of\s+trafficking))?", "Prevention"),
        (r"(?:human\s+)?trafficking\s+profiles?", "Trafficking Profile"),
        (r"scope\s+and\s+magnitude", "Scope and Magnitude"),
        (r"government\s+efforts", "Government Efforts"),
        (r"overview", OVERVIEW),
    ))
SECTION_NAMES: tuple[str, ...] = tuple(dict.fromkeys(name for _, name in _SECTION_PATTERNS))
# A run-in section lead: "Prosecution: The government …", "RECOMMENDATIONS FOR CAMBODIA: Increase …",
# "PROSECUTION The government …" (capitals, no punctuation).
_RUN_IN = re.compile(r"^(?P<lead>[^:]{3,90}?)\s*:\s*(?P<rest>\S.*)$")
_CAPS_RUN_IN = re.compile(r"^(?P<lead>(?:PRIORITIZED\s+)?RECOMMENDATIONS|PROSECUTION|PROTECTION|PREVENTION|"
                          r"TRAFFICKING\s+PROFILE|SCOPE\s+AND\s+MAGNITUDE|GOVERNMENT\s+EFFORTS)\s+"
                          r"(?P<rest>[A-Z\"'(].*)$")


def section_name(text: str) -> str | None:
    """The canonical section a heading names (``PRIORITIZED RECOMMENDATIONS:`` -> ``Recommendations``)."""
    stripped = text.strip().rstrip(":").strip()
    for pattern, name in _SECTION_PATTERNS:
        if pattern.fullmatch(stripped):
            return name
    return None


def _run_in(text: str) -> tuple[str, str, str] | None:
    """``(section, lead, rest)`` for a paragraph that opens with its section's name."""
    # Only a lead in capitals needs no colon; most paragraphs have none, and looking for one is a lazy scan.
    for pattern in (_RUN_IN, _CAPS_RUN_IN) if ":" in text else (_CAPS_RUN_IN,):
        match = pattern.match(text)
        if match:
            name = section_name(match.group("lead"))
            if name:
                return name, match.group("lead").strip(), match.group("rest").strip()
    return None


# --------------------------------------------------------------------------- the tip-report profile

class _Found(NamedTuple):
    tier: str
    country: str | None
    start: int                 # index of the first narrative block after the heading


def _find_tier_heading(texts: Sequence[_Text], title_country: str | None) -> _Found | None:
    """The report's tier heading among the region's blocks (see :func:`tiers.parse_tier_heading`).

    Headings naming a country are preferred, the page's own country (from the title) first; a heading
    naming another country is never taken when the title names this one. A bare tier heading
    (``Special Case``) counts only when it is the only one of its kind, since several bare tiers are an
    explanation of the tier system.
    """
    named: list[_Found] = []
    bare: list[_Found] = []
    for index, block in enumerate(texts):
        if block.kind == "item" or len(block.text) > 120:
            continue
        if block.nested:
            # A table row is a placement only when it is the page's own key/value row: "Tier placement | Tier 3".
            labelled = tiers.labelled_tier(block.text)
            if labelled is not None:
                bare.append(_Found(labelled, None, index + 1))
            continue
        heading = tiers.parse_tier_heading(block.text)
        if heading is None:
            continue
        if heading.country is not None:
            named.append(_Found(heading.tier, heading.country, index + 1))
            continue
        previous = texts[index - 1] if index else None
        if previous is not None and not previous.nested and _is_country_line(previous.text, title_country):
            # A heading broken over two blocks: "Cambodia" then "(Tier 3)".
            named.append(_Found(heading.tier, tiers.canonical_country(previous.text), index + 1))
        elif not _defines_tier(texts, index):
            bare.append(_Found(heading.tier, None, index + 1))
    if title_country:
        named = [f for f in named if f.country == title_country] or (
            [] if any(tiers.is_country_name(f.country or "") for f in named) else named)
    if named:
        return named[0]
    if len({f.tier for f in bare}) == 1:
        return _Found(bare[0].tier, title_country, bare[0].start)
    return None


def _defines_tier(texts: Sequence[_Text], index: int) -> bool:
    """Whether the block at ``index`` names a tier that the next block explains (a key to the tier system:
    "Tier 2 Watch List" then "Countries whose governments …"), rather than states a placement."""
    return index + 1 < len(texts) and tiers.is_tier_definition(texts[index + 1].text)


def _narrative_of(texts: Sequence[_Text], country: str | None) -> list[_Text]:
    """The blocks that belong to this country's narrative: up to the next country's tier heading (a page of
    several narratives), without lines that only list a placement (sidebars, tables of other countries'
    tiers) and without explanations of the tier system."""
    kept: list[_Text] = []
    for index, block in enumerate(texts):
        if not block.nested and country and len(block.text) <= 120:
            heading = tiers.parse_tier_heading(block.text)
            if heading is not None and heading.country not in (None, country) \
                    and tiers.is_country_name(heading.country):
                break
        if tiers.placement_listing(block.text) is not None or tiers.is_tier_definition(block.text):
            continue
        if len(block.text) <= 120 and tiers.canonical_tier(block.text) and _defines_tier(texts, index):
            continue
        kept.append(block)
    return kept


def _repeats_heading(block: _Text, found: _Found) -> bool:
    if block.nested or len(block.text) > 120:
        return False
    heading = tiers.parse_tier_heading(block.text)
    return heading is not None and heading.country in (None, found.country)


def _is_country_line(text: str, title_country: str | None) -> bool:
    if tiers.is_country_name(text):
        return True
    return title_country is not None and tiers.canonical_country(text) == title_country


def _tier_from_narrative(texts: Sequence[_Text], country: str | None) -> str | None:
    """The narrative's own placement sentence, for pages with no tier heading. A "therefore" sentence (the
    reports' formula) wins over an earlier one."""
    found: str | None = None
    for block in texts:
        lowered = block.text.lower()
        if "tier" not in lowered and "special case" not in lowered:
            continue
        for sentence in split_sentences(block.text):
            tier = tiers.tier_from_sentence(sentence, country)
            if tier is None:
                continue
            if "therefore" in sentence.lower():
                return tier
            found = found or tier
    return found


_YEAR_PATTERNS = (
    re.compile(r"\b((?:19|20)\d\d)\s+(?:trafficking\s+in\s+persons|tip)\s+report\b", re.IGNORECASE),
    re.compile(r"\btrafficking\s+in\s+persons\s+report\s*[:,(\-]?\s*((?:19|20)\d\d)\b", re.IGNORECASE),
)


def _report_year(texts: Iterable[str]) -> str | None:
    for text in texts:
        for pattern in _YEAR_PATTERNS:
            match = pattern.search(text)
            if match:
                return match.group(1)
    return None


def _tidy_recommendation(text: str) -> str:
    text = _LEADING_AND.sub("", text.strip())
    # Only a text that ends in a separator or "and" has any to remove: skip the search through every position.
    if text.endswith((";", ",")) or text[-3:].lower() == "and":
        text = _TRAILING_SEPARATORS.sub("", text)
    return text.strip()


_LEADING_AND = re.compile(r"^(?:and\s+)+", re.IGNORECASE)
_TRAILING_SEPARATORS = re.compile(r"(?:\s*[;,]\s*(?:and)?)+$", re.IGNORECASE)


def _split_semicolons(text: str) -> list[str]:
    """Top-level ``;``-separated parts (not those inside parentheses)."""
    if ";" not in text:
        tidy = _tidy_recommendation(text)
        return [tidy] if tidy else []
    parts: list[str] = []
    depth, start = 0, 0
    for index, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [p for p in (_tidy_recommendation(p) for p in parts) if p]


def _tip_blocks(texts: Sequence[_Text], default_section: str | None,
                clean: _LineCleaner) -> list[Block]:
    """The narrative's blocks tagged with their sections; run-in section leads become headings and
    recommendations become one item each."""
    blocks: list[Block] = []
    section = default_section

    def emit(kind: BlockKind, text: str) -> None:
        # Splitting can leave a piece that is chrome on its own ("Share", "."): judge it as the block it is.
        text = clean(text)
        if text:
            blocks.append(Block(kind, text, section))

    for block in texts:
        name = section_name(block.text) if block.kind != "item" and len(block.text) <= 90 else None
        if name:
            section = name
            emit("heading", block.text.rstrip(": "))
            continue
        kind, text = block.kind, block.text
        while kind == "paragraph" and (run_in := _run_in(text)) is not None:
            section, lead, text = run_in
            emit("heading", lead)
            # What is left may itself be only a section name: a heading, as it would be on its own.
            if len(text) <= 90 and (name := section_name(text)):
                section = name
                emit("heading", text.rstrip(": "))
                text = ""
        if not text:
            continue
        if section == RECOMMENDATIONS and kind != "heading":
            for part in _split_semicolons(text):
                emit("item", part)
        else:
            emit(kind, text)
    return blocks


def _cut_at_end_heading(texts: list[_Text]) -> list[_Text]:
    for index, block in enumerate(texts):
        if (block.kind == "heading" or len(block.text) <= 40) and chrome.is_end_heading(block.text):
            return texts[:index]
    return texts


# --------------------------------------------------------------------------- configured fields

@lru_cache(maxsize=256)
def _compile(pattern: str, what: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise ExtractError(f"the {what} {pattern!r} is not a valid regular expression: {exc}") from exc


def _regex_field(rule: FieldRule, text: str) -> str | None:
    assert rule.regex is not None
    match = _compile(rule.regex, f"regex of field {rule.name!r}").search(text)
    if match is None:
        return None
    value = match.group(1) if match.re.groups and match.group(1) is not None else match.group(0)
    return " ".join(value.split()) or None


def _element_text(el: Any) -> str | None:
    text = " ".join(normalize_text(_text_of(el)).split())
    return text or None


# --------------------------------------------------------------------------- the pipeline

@dataclass
class _Page:
    """Per-call state of one extraction."""

    html: str
    source: Source
    root: Any
    title: str
    h1s: list[str]
    css: _CssView | None = None

    def css_view(self) -> _CssView:
        if self.css is None:
            self.css = _CssView(self.root)
        return self.css


def extract(html: str, source: Source) -> Document:
    """Reduce a page to its document: fields and findings (see the module docstring).

    Raises :class:`~monitor.errors.ExtractError` when the source's ``select`` matches nothing, when one of
    its selectors or patterns is invalid, or when the page has no text at all.
    """
    if _is_plain_text(html):
        html = _as_preformatted(html)
    root = _parse(html)
    if root is None:
        raise ExtractError("the page has no text")
    ignore = tuple(_compile(p, "ignore pattern") for p in source.ignore)
    titles, h1s, buttons = _landmarks(root)
    page = _Page(html, source, root, *_page_hints(titles, h1s))
    _prune(root, buttons)
    regions = _regions(page)
    if source.strip:
        _strip(page, regions)
    field_lines: list[str] = []
    tip = source.profile != GENERIC_PROFILE
    clean = _LineCleaner(ignore)
    texts = _texts((raw for region in regions for raw in _walk(region)), clean, field_lines, leads=tip)
    fields: dict[str, str | None] = {}
    if tip:
        tip_fields, blocks = _tip_document(page, regions, texts, clean, field_lines)
        fields.update(tip_fields)
    else:
        blocks = _generic_blocks(_cut_at_end_heading(texts))
    for rule in source.fields:
        if rule.name in fields and tip:
            logger.warning("%s: field %r shadows a built-in field and is ignored", source.id, rule.name)
            continue
        fields[rule.name] = _configured_field(page, rule, field_lines)
    if not blocks and not any(v for v in fields.values()) and not _has_text(html):
        raise ExtractError("the page has no text")
    return Document(fields=fields, blocks=tuple(blocks))


_MARKUP = re.compile(r"<(?:[a-zA-Z][\w:-]*(?:\s[^>]*)?/?|/[a-zA-Z][\w:-]*\s*|!--.*?--|![a-zA-Z][^>]*)>", re.DOTALL)


def _is_plain_text(text: str) -> bool:
    """A body without any markup (a text/plain page, like the seed file): its line breaks are its structure."""
    return bool(text) and not text.isspace() and _MARKUP.search(text) is None   # (strip() would copy the page)


def _as_preformatted(text: str) -> str:
    # Imported here: only plain-text pages need it, and html.entities costs milliseconds to import.
    import html

    return "<html><body><pre>" + html.escape(text, quote=False) + "</pre></body></html>"


def explain(html: str, source: Source) -> Document:
    """What ``monitor test`` prints: the document exactly as the monitor compares it."""
    return extract(html, source)


def _landmarks(root: Any) -> tuple[list[Any], list[Any], list[Any]]:
    """The <title>, <h1> and <button> elements of the whole page, each in document order: found in one
    walk, since each walk over the unpruned page (menus, sprites, footers) costs as much as the rest of
    pruning."""
    found: dict[str, list[Any]] = {"title": [], "h1": [], "button": []}
    for el in root.iter("title", "h1", "button"):
        found[el.tag].append(el)
    return found["title"], found["h1"], found["button"]


def _page_hints(titles: list[Any], h1s: list[Any]) -> tuple[str, list[str]]:
    """The title and the h1 texts, read before pruning (a page's h1 may sit in a chrome-marked banner)."""
    # The document's own <title>, not the <title> of an inline SVG icon.
    own = next((t for t in titles if not any(a.tag == "svg" for a in t.iterancestors())), None)
    title = " ".join(normalize_text(_text_of(own)).split()) if own is not None else ""
    return title, [" ".join(normalize_text(_text_of(h)).split()) for h in h1s]


def _regions(page: _Page) -> list[Any]:
    source = page.source
    if not source.select:
        return [_heuristic_region(page.root)]
    found = _outermost(page.css_view().select(source.select))
    if found:
        return found
    # The selector may name an element the chrome preset removed (a source that selects its "sidebar"):
    # select on the untouched page, then prune only inside what was selected.
    pristine = _parse(page.html)
    found = _outermost(_CssView(pristine).select(source.select)) if pristine is not None else []
    if not found:
        raise ExtractError(f"the selector {source.select!r} matched nothing")
    for region in found:
        _prune(region)
    page.root, page.css = pristine, None
    return found


def _strip(page: _Page, regions: list[Any]) -> None:
    view = page.css_view()
    inside = set(regions)
    for selector in page.source.strip:
        for el in view.select(selector, what="strip selector"):
            if el in inside or not any(a in inside for a in el.iterancestors()):
                continue   # outside the region, or the region itself: nothing to strip from the text
            _drop(el)


def _tip_document(page: _Page, regions: list[Any], texts: list[_Text], clean: _LineCleaner,
                  field_lines: list[str]) -> tuple[dict[str, str | None], list[Block]]:
    """Country, tier and year, and the narrative's blocks (see the module docstring, step 6)."""
    title_country = tiers.country_in_text(page.title) or next(
        (c for c in (tiers.country_in_text(h) for h in page.h1s) if c), None)
    found = _find_tier_heading(texts, title_country)
    if found is None and not page.source.select:
        widened = _widen_to_tier_heading(page, regions, title_country)
        if widened is not None:
            field_lines.clear()
            texts = _texts(_walk(widened), clean, field_lines, leads=True)
            found = _find_tier_heading(texts, title_country)
    year = _report_year([page.title, *page.h1s, *(t.text for t in texts if t.kind == "heading"),
                         *(t.text for t in texts if t.kind != "heading")])
    if found is not None:
        # A page may state the placement twice (a banner and the narrative's own heading): the repeat is
        # the tier again, not findings.
        country = found.country or title_country
        narrative = _cut_at_end_heading(_narrative_of(
            [t for t in texts[found.start:] if not _repeats_heading(t, found)], country))
        tier: str | None = found.tier
        default_section: str | None = OVERVIEW
    else:
        country = title_country
        narrative = _cut_at_end_heading(_narrative_of(texts, country))
        tier = _tier_from_narrative(narrative, country)
        default_section = None
    fields: dict[str, str | None] = {"country": country, "tier": tier, "year": year}
    return fields, _tip_blocks(narrative, default_section, clean)


def _widen_to_tier_heading(page: _Page, regions: list[Any], title_country: str | None) -> Any | None:
    """The smallest element holding both the heuristic region and a tier heading found outside it."""
    body = page.root.find("body")
    if body is None or regions == [body]:
        return None
    everything = _texts(_walk(body), _LineCleaner(()), [], leads=True)
    found = _find_tier_heading(everything, title_country)
    if found is None:
        return None
    heading = everything[found.start - 1].element
    return _common_ancestor(regions[0], heading)


def _generic_blocks(texts: Sequence[_Text]) -> list[Block]:
    blocks: list[Block] = []
    section: str | None = None
    for block in texts:
        if block.kind == "heading":
            section = block.text
        blocks.append(Block(block.kind, block.text, section))
    return blocks


def _configured_field(page: _Page, rule: FieldRule, field_lines: list[str]) -> str | None:
    if rule.regex is not None:
        return _regex_field(rule, "\n".join(field_lines))
    if rule.css is None:
        return None
    found = page.css_view().select(rule.css, what=f"CSS selector of field {rule.name!r}")
    if not found:
        # The value may sit in an element the chrome preset removed (a banner): look at the whole page.
        pristine = _parse(page.html)
        found = _CssView(pristine).select(rule.css) if pristine is not None else []
    return _element_text(found[0]) if found else None


def _has_text(html: str) -> bool:
    root = _parse(html)
    if root is None:
        return False
    etree.strip_elements(root, "script", "style", "template", "noscript", with_tail=False)
    return bool("".join(root.itertext()).strip())
