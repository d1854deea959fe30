# ruff: noqa: E501  (the page templates are HTML, kept as the pages read)
"""Generate the extraction corpus: realistic, chrome-heavy report pages and the document each must give.

Run from the repository root: ``python tests/data/corpus/make_corpus.py``. It writes ``<name>.html`` and
``<name>.json`` (the expected document, built from the narrative the page was made from - never by running
the extractor) for every page in :data:`PAGES`. The output is committed; tests only read it. Everything is
deterministic (seeded), so re-running it reproduces the same bytes.

Four site styles, in the two report eras:

- ``refworld``: a document page with Last Updated / Publisher / Cite as [accessed ...] / Disclaimer /
  Search Refworld chrome, a country menu and a sidebar (early era: heading and paragraphs);
- ``state``: a report page with a mega menu, breadcrumbs, share buttons, show/hide toggles, a sidebar
  listing other countries' tiers, related articles and a long footer (modern era: sections and bullets);
- ``ecoi``: a document page with its metadata list, language switch and summary (both eras);
- ``embassy``: a press release on an embassy site, whose tier comes from the narrative's own sentence.
"""

from __future__ import annotations

import html
import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import narratives as n  # noqa: E402

COUNTRIES = [
    "Afghanistan", "Albania", "Algeria", "Angola", "Argentina", "Armenia", "Australia", "Austria", "Azerbaijan",
    "The Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belarus", "Belgium", "Belize", "Benin", "Bhutan",
    "Bolivia", "Bosnia and Herzegovina", "Botswana", "Brazil", "Brunei", "Bulgaria", "Burkina Faso", "Burma",
    "Burundi", "Cabo Verde", "Cambodia", "Cameroon", "Canada", "Central African Republic", "Chad", "Chile",
    "China", "Colombia", "Comoros", "Costa Rica", "Côte d'Ivoire", "Croatia", "Cuba", "Curaçao", "Cyprus",
    "Czech Republic", "Democratic Republic of the Congo", "Denmark", "Djibouti", "Dominican Republic",
    "Ecuador", "Egypt", "El Salvador", "Equatorial Guinea", "Eritrea", "Estonia", "Eswatini", "Ethiopia",
    "Fiji", "Finland", "France", "Gabon", "The Gambia", "Georgia", "Germany", "Ghana", "Greece", "Guatemala",
    "Guinea", "Guinea-Bissau", "Guyana", "Haiti", "Honduras", "Hong Kong", "Hungary", "Iceland", "India",
    "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Jamaica", "Japan", "Jordan", "Kazakhstan",
    "Kenya", "Kiribati", "North Korea", "South Korea", "Kosovo", "Kuwait", "Kyrgyz Republic", "Laos",
    "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya", "Lithuania", "Luxembourg", "Macau", "Madagascar",
    "Malawi", "Malaysia", "Maldives", "Mali", "Malta", "Marshall Islands", "Mauritania", "Mauritius",
    "Mexico", "Micronesia", "Moldova", "Mongolia", "Montenegro", "Morocco", "Mozambique", "Namibia", "Nepal",
    "Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria", "North Macedonia", "Norway", "Oman",
    "Pakistan", "Palau", "Panama", "Papua New Guinea", "Paraguay", "Peru", "Philippines", "Poland",
    "Portugal", "Qatar", "Republic of the Congo", "Romania", "Russia", "Rwanda", "Saudi Arabia", "Senegal",
    "Serbia", "Seychelles", "Sierra Leone", "Singapore", "Slovakia", "Slovenia", "Solomon Islands",
    "Somalia", "South Africa", "South Sudan", "Spain", "Sri Lanka", "Sudan", "Suriname", "Sweden",
    "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania", "Thailand", "Timor-Leste", "Togo", "Tonga",
    "Trinidad and Tobago", "Tunisia", "Turkey", "Turkmenistan", "Uganda", "Ukraine", "United Arab Emirates",
    "United Kingdom", "United States", "Uruguay", "Uzbekistan", "Vanuatu", "Venezuela", "Vietnam", "Yemen",
    "Zambia", "Zimbabwe",
]
TIERS = ["Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3"]

# Literal chrome values the scenario tests edit (they must appear verbatim in the pages).
LAST_UPDATED = "Last Updated: Monday, 30 May 2016, 14:07 GMT"
ACCESSED = "[accessed 31 May 2016]"
SESSION_TOKEN = "a81f3c0e9d"
VISITORS = "Visitors: 1,204,551"
GENERATED = "Page generated in 0.231 seconds"


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


# --------------------------------------------------------------------------- the narrative and its blocks

@dataclass
class Narrative:
    """Markup of a narrative, with the blocks the extractor must read from it, built side by side."""

    html: list[str] = field(default_factory=list)
    blocks: list[dict[str, str | None]] = field(default_factory=list)
    section: str | None = None

    def raw(self, markup: str) -> Narrative:
        self.html.append(markup)
        return self

    def tier_heading(self, markup: str) -> Narrative:
        self.html.append(markup)
        self.section = "Overview"
        return self

    def _block(self, kind: str, text: str) -> None:
        self.blocks.append({"kind": kind, "section": self.section, "text": text})

    def para(self, text: str, tag: str = "p", attrs: str = "") -> Narrative:
        self.html.append(f"<{tag}{attrs}>{esc(text)}</{tag}>")
        self._block("paragraph", text)
        return self

    def heading(self, text: str, section: str, tag: str = "h3", attrs: str = "") -> Narrative:
        if tag == "p":
            self.html.append(f"<p{attrs}><strong>{esc(text)}</strong></p>")
        else:
            self.html.append(f"<{tag}{attrs}>{esc(text)}</{tag}>")
        self.section = section
        self._block("heading", text.rstrip(": "))
        return self

    def run_in(self, lead: str, text: str, section: str) -> Narrative:
        self.html.append(f"<p><strong>{esc(lead)}:</strong> {esc(text)}</p>")
        self.section = section
        self._block("heading", lead)
        self._block("paragraph", text)
        return self

    def recs_list(self, heading: str, items: tuple[str, ...], tag: str = "h3") -> Narrative:
        self.heading(heading, "Recommendations", tag)
        self.html.append("<ul>" + "".join(f"\n  <li>{esc(i)}</li>" for i in items) + "\n</ul>")
        for item in items:
            self._block("item", item)
        return self

    def recs_semicolons(self, lead: str, items: tuple[str, ...]) -> Narrative:
        parts = [items[0].rstrip(".")] + [i[0].lower() + i[1:].rstrip(".") for i in items[1:]]
        sentence = "; ".join(parts[:-1]) + "; and " + parts[-1] + "."
        self.html.append(f"<p><strong>{esc(lead)}:</strong> {esc(sentence)}</p>")
        self.section = "Recommendations"
        self._block("heading", lead)
        for index, part in enumerate(parts):
            self._block("item", part + ("." if index == len(parts) - 1 else ""))
        return self

    def recs_inline_bullets(self, lead: str, items: tuple[str, ...]) -> Narrative:
        self.html.append(f"<p><strong>{esc(lead)}:</strong> " + " ".join(f"• {esc(i)}" for i in items) + "</p>")
        self.section = "Recommendations"
        self._block("heading", lead)
        for item in items:
            self._block("item", item)
        return self

    def recs_line_bullets(self, lead: str, items: tuple[str, ...]) -> Narrative:
        self.html.append(f"<p><strong>{esc(lead)}:</strong><br>\n" + "<br>\n".join(f"• {esc(i)}" for i in items)
                         + "</p>")
        self.section = "Recommendations"
        self._block("heading", lead)
        for item in items:
            self._block("item", item)
        return self

    def markup(self, indent: str = "") -> str:
        return "\n".join(indent + line for line in self.html)


def fill(texts: tuple[str, ...], country: str, adjective: str) -> tuple[str, ...]:
    return tuple(t.replace("{C}", country).replace("{A}", adjective) for t in texts)


# --------------------------------------------------------------------------- shared chrome

def inline_css(rng: random.Random, rules: int) -> str:
    props = ["margin", "padding", "color", "background-color", "font-size", "line-height", "border",
             "display", "flex-basis", "grid-template-columns", "letter-spacing", "z-index"]
    out = []
    for i in range(rules):
        selector = f".c-{rng.randrange(10**6):06x}__{rng.choice(['item', 'title', 'link', 'wrap', 'grid'])}"
        body = "; ".join(f"{rng.choice(props)}: {rng.randrange(1, 99)}px" for _ in range(rng.randrange(2, 7)))
        out.append(f"{selector}{{{body}}}")
        if i % 40 == 39:
            out.append(f"@media (max-width: {rng.randrange(400, 1200)}px) {{ .x-{i} {{ display: none }} }}")
    return "\n".join(out)


def js_blob(rng: random.Random, statements: int) -> str:
    names = ["init", "track", "render", "bind", "toggle", "fetchData", "menu", "share", "consent", "lazy"]
    out = []
    for i in range(statements):
        a, b = rng.choice(names), rng.choice(names)
        out.append(f"function {a}_{i}(e){{var t=document.querySelectorAll('.{b}-{i}');for(var n=0;n<t.length;"
                   f"n++){{t[n].addEventListener('click',function(){{return {b}_{max(i - 1, 0)}(e,{rng.randrange(999)})"
                   f"}})}}}}")
    return "\n".join(out)


def svg_sprite(rng: random.Random, icons: int) -> str:
    symbols = []
    for i in range(icons):
        path = " ".join(f"L{rng.randrange(24)} {rng.randrange(24)}" for _ in range(12))
        symbols.append(f'<symbol id="icon-{i}" viewBox="0 0 24 24"><path d="M0 0 {path} Z"/></symbol>')
    return '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">' + "".join(symbols) + "</svg>"


def country_menu(prefix: str) -> str:
    return "\n".join(f'<li class="menu-item"><a href="{prefix}{slug(c)}/">{esc(c)}</a></li>' for c in COUNTRIES)


def tier_sidebar(rng: random.Random, exclude: str, count: int, cls: str) -> str:
    picks = rng.sample([c for c in COUNTRIES if c != exclude], count)
    rows = "\n".join(f"<li><a href=\"/{slug(c)}/\">{esc(c)} ({rng.choice(TIERS)})</a></li>" for c in picks)
    return f'<aside class="{cls}">\n<h2>Other countries in the region</h2>\n<ul>\n{rows}\n</ul>\n</aside>'


def link_columns(rng: random.Random, columns: int, links: int, words: list[str]) -> str:
    out = []
    for c in range(columns):
        items = "".join(f'<li><a href="/{slug(w)}-{c}-{i}/">{esc(w)} {rng.choice(words)}</a></li>'
                        for i, w in enumerate(rng.choices(words, k=links)))
        out.append(f'<div class="footer-col"><h3>{esc(rng.choice(words).title())}</h3><ul>{items}</ul></div>')
    return "\n".join(out)


FOOTER_WORDS = ["Accessibility", "Privacy", "FOIA", "Careers", "Contact", "Archives", "Budget", "Reports",
                "Travel", "Passports", "Visas", "Policy", "Press", "Briefings", "Speeches", "Bureaus",
                "Offices", "Ambassadors", "Missions", "Treaties", "Grants", "Data", "Open", "Government",
                "Inspector", "General", "No FEAR Act", "Vulnerability", "Disclosure", "Site", "Map"]


# --------------------------------------------------------------------------- refworld-like

def refworld_page(rng: random.Random, *, title: str, country: str, narrative: Narrative, publisher: str,
                  author: str, date: str, docid: str) -> str:
    country_links = "\n".join(f'<option value="{slug(c)}">{esc(c)}</option>' for c in COUNTRIES)
    related = "\n".join(f'<li><a href="/docid/{rng.randrange(16**9):09x}.html">{esc(country)}: '
                        f"{esc(rng.choice(['Freedom in the World', 'Country Reports on Human Rights Practices', 'Amnesty International Report', 'World Report']))} "
                        f"{rng.randrange(2000, 2016)}</a></li>" for _ in range(40))
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>Refworld | {esc(title)}</title>
<meta name="description" content="{esc(title)}" />
<link rel="stylesheet" type="text/css" href="/refworld/css/refworld.css" />
<style type="text/css">
{inline_css(rng, 220)}
</style>
<script type="text/javascript">var sessionToken = "{SESSION_TOKEN}"; window.dataLayer = [{{"page": "docid/{docid}"}}];</script>
<script type="text/javascript">
{js_blob(rng, 70)}
</script>
</head>
<body class="docid">
<div id="skip"><a href="#content">Skip to main content</a></div>
<div id="header">
  <a href="/" id="logo"><img src="/refworld/images/logo.gif" alt="Refworld" /></a>
  <ul class="toplinks"><li><a href="/about.html">About Refworld</a></li><li><a href="/help.html">Help</a></li>
  <li><a href="/feeds.html">RSS</a></li><li><a href="/mydocuments.html">My Documents</a></li></ul>
  <ul class="languages"><li>English</li><li><a href="/fr/">Français</a></li><li><a href="/es/">Español</a></li></ul>
</div>
<div id="navigation">
<ul class="menu">
<li class="menu-item"><a href="/countries.html">Countries</a><ul class="submenu">
{country_menu("/country/")}
</ul></li>
<li class="menu-item"><a href="/categories.html">Categories</a></li>
<li class="menu-item"><a href="/publishers.html">Publishers</a></li>
<li class="menu-item"><a href="/policy.html">Policy Documents</a></li>
</ul>
</div>
<form class="search" id="searchForm" action="/cgi-bin/texis/vtx/rwmain">
  <label for="q">Search Refworld</label> <input type="text" id="q" name="querysi" />
  <select name="country"><option value="">All countries</option>
{country_links}
  </select>
  <input type="submit" value="Go" />
</form>
<div id="breadcrumbs"><a href="/">Home</a> &gt; <a href="/country/{slug(country)}/">{esc(country)}</a> &gt; Document</div>
<div id="content">
<div class="left-col sidebar">
<h3>Related documents</h3>
<ul>
{related}
</ul>
</div>
<div id="docMain">
<p class="last-updated">{LAST_UPDATED}</p>
<h1>{esc(title)}</h1>
<table class="doc-meta" summary="document details">
<tr><th>Publisher</th><td>{esc(publisher)}</td></tr>
<tr><th>Author</th><td>{esc(author)}</td></tr>
<tr><th>Publication Date</th><td>{esc(date)}</td></tr>
<tr><th>Cite as</th><td>{esc(publisher)}, <i>{esc(title)}</i>, {esc(date)}, available at: <a href="https://www.refworld.org/docid/{docid}.html">https://www.refworld.org/docid/{docid}.html</a> {ACCESSED}</td></tr>
</table>
<div class="disclaimer"><b>Disclaimer</b>This is not a UNHCR publication. UNHCR is not responsible for, nor does it necessarily endorse, its content. Any views expressed are solely those of the author or publisher and do not necessarily reflect those of UNHCR, the United Nations or its Member States.</div>
<div class="document">
{narrative.markup()}
</div>
<div class="share-tools">Share this: <a href="#">Facebook</a> | <a href="#">Twitter</a> | <a href="#">Email</a> | <a href="#" onclick="window.print()">Print</a></div>
<p><a href="#top">Back to top</a></p>
<p>Search Refworld</p>
</div>
</div>
<div id="footer">
<p>Search Refworld | <a href="/privacy.html">Privacy</a> | <a href="/terms.html">Terms of use</a></p>
<p>{GENERATED} | {VISITORS}</p>
<p>&copy; UNHCR 2016</p>
</div>
{svg_sprite(rng, 60)}
<script type="text/javascript">
{js_blob(rng, 60)}
</script>
</body>
</html>
"""


# --------------------------------------------------------------------------- state.gov-like

def state_page(rng: random.Random, *, title: str, h1: str, country: str, year: int, narrative: Narrative) -> str:
    bureaus = [f"Bureau of {w}" for w in ["African Affairs", "Consular Affairs", "Democracy, Human Rights, and "
               "Labor", "East Asian and Pacific Affairs", "European and Eurasian Affairs", "Global Public "
               "Affairs", "International Narcotics and Law Enforcement Affairs", "Near Eastern Affairs",
               "Population, Refugees, and Migration", "South and Central Asian Affairs", "Western Hemisphere "
               "Affairs", "Counterterrorism", "Cyberspace and Digital Policy", "Energy Resources"]]
    bureau_menu = "\n".join(f'<li class="menu-item"><a href="/bureaus/{slug(b)}/">{esc(b)}</a></li>' for b in bureaus)
    related = "\n".join(
        f'<div class="related-card"><a href="/reports/{year}-trafficking-in-persons-report/{slug(c)}/">'
        f'<h3 class="related-card__title">{esc(c)}</h3><p>{year} Trafficking in Persons Report: {esc(c)}</p></a></div>'
        for c in rng.sample(COUNTRIES, 12))
    sections_toc = "\n".join(f'<li><a href="#{slug(s)}">{esc(s)}</a></li>' for s in
                             ["Prioritized Recommendations", "Prosecution", "Protection", "Prevention",
                              "Trafficking Profile"])
    return f"""<!doctype html>
<html lang="en-US" class="no-js">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<meta property="og:title" content="{esc(h1)}">
<meta property="og:site_name" content="United States Department of State">
<link rel="canonical" href="https://www.state.gov/reports/{year}-trafficking-in-persons-report/{slug(country)}/">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"WebPage","name":"{esc(h1)}","dateModified":"2024-06-24T14:07:00+00:00","nonce":"{SESSION_TOKEN}"}}</script>
<style id="global-styles-inline-css">
{inline_css(rng, 600)}
</style>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());gtag('config','G-{SESSION_TOKEN}');</script>
<script>
{js_blob(rng, 120)}
</script>
</head>
<body class="report-template-default single single-report postid-{rng.randrange(10**6)}">
<a class="skip-link screen-reader-text" href="#main">Skip to content</a>
<div class="site-alert banner" role="region" aria-label="Official website of the United States government">
  <p>An official website of the United States Government</p> <button class="usa-banner__button" aria-expanded="false">Here's how you know</button>
</div>
<div id="cookie-notice" class="cookie-consent" role="dialog"><p>This website uses cookies to improve your experience.</p><button>Accept</button></div>
<header class="site-header" role="banner">
<div class="site-header__logo"><a href="/"><img src="/wp-content/themes/dos/images/seal.svg" alt="U.S. Department of State"></a></div>
<nav class="main-nav" aria-label="Main menu">
<ul class="menu">
<li class="menu-item menu-item-has-children"><a href="/countries-and-areas-list/">Countries &amp; Areas</a>
<ul class="sub-menu mega-menu">
{country_menu("/countries-areas/")}
</ul></li>
<li class="menu-item menu-item-has-children"><a href="/bureaus-offices/">Bureaus &amp; Offices</a>
<ul class="sub-menu">
{bureau_menu}
</ul></li>
<li class="menu-item"><a href="/about/">About</a></li>
<li class="menu-item"><a href="/policy-issues/">Policy Issues</a></li>
<li class="menu-item"><a href="/press/">News &amp; Events</a></li>
<li class="menu-item"><a href="/travel/">Travel</a></li>
</ul>
</nav>
<div class="site-search"><form role="search" action="/search/"><label>Search</label><input type="search" name="s"><button type="submit">Search</button></form></div>
</header>
<main id="main" class="site-main">
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>
<li><a href="/">Home</a></li><li><a href="/reports/">Reports</a></li>
<li><a href="/reports/{year}-trafficking-in-persons-report/">{year} Trafficking in Persons Report</a></li>
<li>{esc(country)}</li></ol></nav>
<div class="featured-content__header">
<h1 class="featured-content__headline">{esc(h1)}</h1>
<p class="featured-content__subheading">Office to Monitor and Combat Trafficking in Persons</p>
</div>
<div class="report__share share-tools">
<span>Share</span> <a class="share-facebook" href="#">Facebook</a> <a class="share-twitter" href="#">X</a> <a class="share-email" href="#">Email</a> <a class="share-print" href="#">Print</a>
</div>
<div class="report__grid">
{tier_sidebar(rng, country, 14, "report__sidebar")}
<div class="report__toc toc"><h2 class="toc__title">On this page</h2><ul>{sections_toc}</ul></div>
<div class="report__content entry-content">
<button class="report__toggle-all" aria-expanded="false">Show all sections</button>
{narrative.markup()}
<p><a class="back-to-top" href="#main">Back to top</a></p>
</div>
</div>
<section class="related-content">
<h2>Related Articles</h2>
{related}
</section>
</main>
<footer class="site-footer" role="contentinfo">
<div class="footer-links">
{link_columns(rng, 8, 16, FOOTER_WORDS)}
</div>
<div class="footer-social"><a href="#">Facebook</a> <a href="#">X</a> <a href="#">Instagram</a> <a href="#">YouTube</a> <a href="#">Flickr</a></div>
<p class="footer-updated">{LAST_UPDATED}</p>
<p>{VISITORS}</p>
</footer>
{svg_sprite(rng, 140)}
<script>
{js_blob(rng, 160)}
</script>
</body>
</html>
"""


def toggle(section: str) -> str:
    return (f'<p class="report__section-toggle"><a href="#{slug(section)}" aria-controls="{slug(section)}">'
            f"Show/Hide</a></p>")


# --------------------------------------------------------------------------- ecoi.net-like

def ecoi_page(rng: random.Random, *, title: str, h1: str, country_label: str, published: str, docid: int,
              narrative: Narrative) -> str:
    country_list = "\n".join(f'<li><a href="/en/countries/{slug(c)}/">{esc(c)}</a></li>' for c in COUNTRIES)
    latest = "\n".join(f'<li><a href="/en/document/{rng.randrange(2_000_000, 2_100_000)}.html">'
                       f"{esc(rng.choice(COUNTRIES))}: {esc(rng.choice(['Security situation', 'Freedom of expression', 'Treatment of returnees', 'Women and children']))}"
                       f"</a> <span class=\"date\">{rng.randrange(1, 28)} June {rng.randrange(2015, 2020)}</span></li>"
                       for _ in range(30))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/static/css/main.css">
<style>
{inline_css(rng, 260)}
</style>
<script>var _paq = window._paq || []; _paq.push(['setCustomVariable', 1, 'session', '{SESSION_TOKEN}']); _paq.push(['trackPageView']);</script>
</head>
<body>
<div id="page">
<header id="site-header">
<a class="logo" href="/en/">ecoi.net</a>
<div class="lang-switch"><a href="/de/">Deutsch</a> <a href="/en/" class="active">English</a></div>
<nav id="main-nav"><ul>
<li><a href="/en/countries/">Countries</a><ul class="dropdown">{country_list}</ul></li>
<li><a href="/en/topics/">Topics</a></li><li><a href="/en/sources/">Sources</a></li><li><a href="/en/about/">About ecoi.net</a></li>
</ul></nav>
<form id="search" action="/en/search/"><input name="q" placeholder="Search ecoi.net"><button>Search</button></form>
</header>
<div id="main-container">
<div id="sidebar-left" class="sidebar">
<h2>Latest documents</h2>
<ul>{latest}</ul>
</div>
<article id="document-view">
<div class="document-header">
<h1>{esc(h1)}</h1>
<dl class="document-meta">
<dt>Country:</dt><dd>{esc(country_label)}</dd>
<dt>Source:</dt><dd><a href="/en/source/11558.html">USDOS &#8211; US Department of State</a></dd>
<dt>Original link:</dt><dd><a href="https://www.state.gov/">https://www.state.gov/</a></dd>
<dt>Document type:</dt><dd>Periodical Report</dd>
<dt>Language:</dt><dd>English</dd>
<dt>Published:</dt><dd>{esc(published)}</dd>
<dt>Document ID:</dt><dd>{docid}</dd>
</dl>
</div>
<div class="document-content">
{narrative.markup()}
</div>
<div class="document-footer">
<p>ecoi.net summary: Annual report on trafficking in persons (reporting period: April {int(published[-4:]) - 1} - March {published[-4:]})</p>
<p>Cite as: USDOS &#8211; US Department of State, {esc(h1)}, {esc(published)} {ACCESSED}</p>
<p class="print"><a href="#" onclick="window.print()">Print</a></p>
</div>
</article>
</div>
<footer id="site-footer">
<p>ecoi.net is run by the Austrian Red Cross (department ACCORD) in cooperation with the Federal Office for Immigration and Asylum.</p>
<div class="footer-links">{link_columns(rng, 5, 14, FOOTER_WORDS)}</div>
<p>&copy; Austrian Red Cross 2019</p>
<p>{GENERATED}</p>
</footer>
</div>
<script>
{js_blob(rng, 110)}
</script>
</body>
</html>
"""


# --------------------------------------------------------------------------- embassy press release

def embassy_page(rng: random.Random, *, title: str, h1: str, country: str, posted: str, narrative: Narrative) -> str:
    menu = ["Services", "U.S. Citizen Services", "Visas", "Business", "Education &amp; Culture",
            "Our Relationship", "News &amp; Events", "Embassy", "Alerts &amp; Messages", "Contact"]
    menu_html = "\n".join(
        f'<li class="menu-item"><a href="/{slug(m)}/">{m}</a><ul class="sub-menu">'
        + "".join(f'<li class="menu-item"><a href="/{slug(m)}/{i}/">{m} {w}</a></li>'
                  for i, w in enumerate(rng.choices(FOOTER_WORDS, k=18)))
        + "</ul></li>" for m in menu)
    recent = "\n".join(f'<li><a href="/{rng.randrange(10**6)}/">{esc(t)}</a> <span class="post-date">{rng.randrange(1, 28)} May 2024</span></li>'
                       for t in ["Thailand remains on Tier 2 in new report", "Ambassador visits Siem Reap",
                                 "Alert: Heavy rains in Phnom Penh", "Fulbright program opens applications",
                                 "Vietnam upgraded to Tier 2 Watch List", "Embassy closed for Memorial Day"] * 3)
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/wp-content/themes/embassy/style.css">
<style>
{inline_css(rng, 300)}
</style>
<script>var wpNonce = "{SESSION_TOKEN}";</script>
<script>
{js_blob(rng, 80)}
</script>
</head>
<body class="post-template-default single single-post">
<div class="usa-banner"><p>An official website of the United States government</p></div>
<div class="top-bar"><ul class="languages"><li><a href="/km/">ខ្មែរ</a></li><li>English</li></ul>
<form class="search-form" role="search"><input type="search" placeholder="Search this site"><button>Search</button></form></div>
<header id="masthead" class="site-header"><p class="site-title"><a href="/">U.S. Embassy in {esc(country)}</a></p>
<nav id="site-navigation" class="main-navigation"><ul class="menu">
{menu_html}
</ul></nav></header>
<div id="content" class="site-content">
<main id="main" class="site-main">
<article class="post type-post status-publish">
<header class="entry-header">
<h1 class="entry-title">{esc(h1)}</h1>
<div class="entry-meta"><span class="byline">By U.S. Embassy Phnom Penh</span> | <span class="posted-on">{esc(posted)}</span> | <span class="cat-links">Topics: News, Press Releases</span></div>
</header>
<div class="entry-content">
{narrative.markup()}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a href="#">Facebook</a></li><li><a href="#">X</a></li><li><a href="#">Email</a></li><li><a href="#">Print</a></li></ul></div>
</div>
<footer class="entry-footer"><span class="tags-links">Tags: <a href="/tag/tip/">TIP Report</a>, <a href="/tag/trafficking/">Trafficking</a></span></footer>
</article>
<nav class="post-navigation"><a href="/prev/">Previous: Ambassador visits Siem Reap</a> <a href="/next/">Next: Fulbright program opens applications</a></nav>
</main>
<aside id="secondary" class="widget-area">
<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>
</aside>
</div>
<footer id="colophon" class="site-footer">
<div class="footer-address"><p>U.S. Embassy Phnom Penh</p><p>#1, Street 96, Sangkat Wat Phnom, Phnom Penh</p><p>Phone: (855) 23 728 000</p></div>
<div class="footer-links">{link_columns(rng, 6, 14, FOOTER_WORDS)}</div>
<p>This is the official website of the U.S. Embassy in {esc(country)}. External links to other Internet sites should not be construed as an endorsement of the views or privacy policies contained therein.</p>
<p>{LAST_UPDATED}</p>
</footer>
{svg_sprite(rng, 80)}
<script>
{js_blob(rng, 90)}
</script>
</body>
</html>
"""


# --------------------------------------------------------------------------- the pages

@dataclass
class Built:
    html: str
    fields: dict[str, str | None]
    narrative: Narrative
    profile: str = "tip-report"


def refworld_2002_cambodia() -> Built:
    """The seed: exactly Cambodia, Tier 3 and its two narrative paragraphs."""
    rng = random.Random(2002)
    narrative = Narrative().tier_heading("<h2>Cambodia (Tier 3)</h2>")
    for paragraph in n.SEED_PARAGRAPHS:
        narrative.para(paragraph)
    title = "U.S. Department of State 2002 Trafficking in Persons Report - Cambodia"
    page = refworld_page(rng, title=title, country="Cambodia", narrative=narrative,
                         publisher="United States Department of State",
                         author="Office to Monitor and Combat Trafficking in Persons", date="5 June 2002",
                         docid="3ae6a5f14")
    return Built(page, {"country": "Cambodia", "tier": "Tier 3", "year": "2002"}, narrative)


def refworld_2003_honduras() -> Built:
    """Early era, capitals heading, tier in capitals, a paragraph wrapped in the source with &nbsp;."""
    rng = random.Random(2003)
    texts = fill(n.EARLY_PARAGRAPHS, "Honduras", "Honduran")
    narrative = Narrative().tier_heading("<h3>HONDURAS (TIER 2)</h3>")
    narrative.para(texts[0])
    narrative.raw("<p>" + esc(texts[1]).replace(" does ", "&nbsp;does ").replace(" ", "\n    ", 6) + "</p>")
    narrative.blocks.append({"kind": "paragraph", "section": "Overview", "text": texts[1]})
    narrative.para(texts[2], tag="div")
    narrative.para(texts[3])
    title = "U.S. Department of State 2003 Trafficking in Persons Report - Honduras"
    page = refworld_page(rng, title=title, country="Honduras", narrative=narrative,
                         publisher="United States Department of State",
                         author="Office to Monitor and Combat Trafficking in Persons", date="11 June 2003",
                         docid="3ed48a5e4")
    return Built(page, {"country": "Honduras", "tier": "Tier 2", "year": "2003"}, narrative)


def refworld_2017_yemen() -> Built:
    """Reversed special-case heading and the 2010s layout: a semicolon recommendation list."""
    rng = random.Random(2017)
    narrative = Narrative().tier_heading("<p><strong>SPECIAL CASE: YEMEN</strong></p>")
    narrative.para("Yemen remains a Special Case for the second consecutive year. The violent conflict that "
                   "began in 2015 continued, and the government had limited control over its territory. "
                   "Information on trafficking in Yemen has been difficult to obtain since the conflict "
                   "began.")
    narrative.recs_semicolons("RECOMMENDATIONS FOR YEMEN", n.RECOMMENDATIONS[:4])
    narrative.heading("PROSECUTION", "Prosecution", tag="p")
    narrative.para(n.PROSECUTION[0])
    narrative.heading("PROTECTION", "Protection", tag="p")
    narrative.para(n.PROTECTION[0])
    narrative.heading("PREVENTION", "Prevention", tag="p")
    narrative.para(n.PREVENTION[0])
    narrative.heading("TRAFFICKING PROFILE", "Trafficking Profile", tag="p")
    for paragraph in fill(n.PROFILE, "Yemen", "Yemeni"):
        narrative.para(paragraph)
    title = "2017 Trafficking in Persons Report - Yemen"
    page = refworld_page(rng, title=title, country="Yemen", narrative=narrative,
                         publisher="United States Department of State", author="", date="27 June 2017",
                         docid="5959ecbd13")
    return Built(page, {"country": "Yemen", "tier": "Special Case", "year": "2017"}, narrative)


def state_2024_cambodia() -> Built:
    """Modern era: the tier in a paragraph near the top, sections, list recommendations, toggles."""
    rng = random.Random(2024)
    c, a = "Cambodia", "Cambodian"
    narrative = Narrative().tier_heading("<p><strong>CAMBODIA: Tier 3</strong></p>")
    for paragraph in fill(n.INTRO, c, a):
        narrative.para(paragraph)
    narrative.raw(toggle("Prioritized Recommendations"))
    narrative.recs_list("PRIORITIZED RECOMMENDATIONS:", n.RECOMMENDATIONS)
    text_rng = random.Random(124)
    long_sections = {name: fill(paragraphs, c, a) + (n.generated_paragraphs(text_rng, name.lower(), 9, c, a)
                                                    if name.lower() in n.generated_sections() else ())
                     for name, paragraphs in (("PROSECUTION", n.PROSECUTION), ("PROTECTION", n.PROTECTION),
                                              ("PREVENTION", n.PREVENTION), ("TRAFFICKING PROFILE", n.PROFILE))}
    for name, paragraphs in long_sections.items():
        narrative.raw(toggle(name.title()))
        narrative.raw(f'<div class="report__section" id="{slug(name)}">')
        narrative.heading(name, name.title(), tag="h3", attrs=' class="report__section-title"')
        for paragraph in paragraphs:
            narrative.para(paragraph)
        narrative.raw("</div>")
    page = state_page(rng, title="Cambodia - United States Department of State",
                      h1="2024 Trafficking in Persons Report: Cambodia", country=c, year=2024, narrative=narrative)
    return Built(page, {"country": "Cambodia", "tier": "Tier 3", "year": "2024"}, narrative)


def state_2022_somalia() -> Built:
    """Modern era, special case in parentheses, inline bullet recommendations in one paragraph."""
    rng = random.Random(2022)
    c, a = "Somalia", "Somali"
    narrative = Narrative().tier_heading('<h2 class="report__tier">SOMALIA (Special Case)</h2>')
    narrative.para("Somalia remains a Special Case for the twenty-first consecutive year. The federal "
                   "government had limited control outside the capital, and the self-declared Somaliland "
                   "and Puntland administrations governed their own territories.")
    narrative.recs_inline_bullets("PRIORITIZED RECOMMENDATIONS", n.RECOMMENDATIONS[1:6])
    for name, paragraphs in (("PROSECUTION", n.PROSECUTION[:3]), ("PROTECTION", n.PROTECTION),
                             ("PREVENTION", n.PREVENTION), ("TRAFFICKING PROFILE", n.PROFILE)):
        narrative.heading(name, name.title(), tag="h3")
        for paragraph in fill(paragraphs, c, a):
            narrative.para(paragraph)
    page = state_page(rng, title="Somalia - United States Department of State",
                      h1="2022 Trafficking in Persons Report: Somalia", country=c, year=2022, narrative=narrative)
    return Built(page, {"country": "Somalia", "tier": "Special Case", "year": "2022"}, narrative)


def state_2021_korea_north() -> Built:
    """A comma-inverted country name, an h2 heading, list recommendations with semicolons kept apart."""
    rng = random.Random(2021)
    c, a = "North Korea", "North Korean"
    narrative = Narrative().tier_heading("<h2>KOREA, NORTH: Tier 3</h2>")
    for paragraph in fill(n.INTRO, c, a):
        narrative.para(paragraph)
    narrative.recs_list("PRIORITIZED RECOMMENDATIONS:", n.RECOMMENDATIONS[:5], tag="h4")
    for name, paragraphs in (("PROSECUTION", n.PROSECUTION), ("PROTECTION", n.PROTECTION[:2]),
                             ("PREVENTION", n.PREVENTION), ("TRAFFICKING PROFILE", n.PROFILE)):
        narrative.heading(name, name.title(), tag="h4")
        for paragraph in fill(paragraphs, c, a):
            narrative.para(paragraph)
    page = state_page(rng, title="North Korea - United States Department of State",
                      h1="2021 Trafficking in Persons Report: North Korea", country=c, year=2021,
                      narrative=narrative)
    return Built(page, {"country": "Korea, North", "tier": "Tier 3", "year": "2021"}, narrative)


def ecoi_2019_congo() -> Built:
    """ecoi.net, a long inverted name, the tier in capitals, one-per-line bullet recommendations."""
    rng = random.Random(2019)
    c, a = "the Democratic Republic of the Congo", "Congolese"
    narrative = Narrative().tier_heading(
        "<p><b>CONGO, DEMOCRATIC REPUBLIC OF THE: TIER 2 WATCH LIST</b></p>")
    for paragraph in fill(n.INTRO, c, a):
        narrative.para(paragraph)
    narrative.recs_line_bullets("PRIORITIZED RECOMMENDATIONS", n.RECOMMENDATIONS)
    for name, paragraphs in (("PROSECUTION", n.PROSECUTION), ("PROTECTION", n.PROTECTION),
                             ("PREVENTION", n.PREVENTION), ("TRAFFICKING PROFILE", n.PROFILE)):
        narrative.heading(name, name.title(), tag="p")
        for paragraph in fill(paragraphs, c, a):
            narrative.para(paragraph)
    page = ecoi_page(rng, title="USDOS - US Department of State: 2019 Trafficking in Persons Report: Democratic "
                     "Republic of the Congo (DRC) | ecoi.net", h1="2019 Trafficking in Persons Report: Democratic "
                     "Republic of the Congo", country_label="Congo, Democratic Republic",
                     published="20 June 2019", docid=2011075, narrative=narrative)
    return Built(page, {"country": "Congo, Democratic Republic of the", "tier": "Tier 2 Watch List",
                        "year": "2019"}, narrative)


def ecoi_2009_cote_divoire() -> Built:
    """ecoi.net, older sections (Scope and Magnitude, Government Efforts), a heading broken over two lines,
    and a name with an accent and an apostrophe."""
    rng = random.Random(2009)
    c, a = "Côte d'Ivoire", "Ivoirian"
    narrative = Narrative().tier_heading("<h2>Côte d'Ivoire<br>\n(Tier 2 Watch List)</h2>")
    narrative.run_in("Scope and Magnitude", fill(n.SCOPE, c, a)[0], "Scope and Magnitude")
    narrative.para(fill(n.SCOPE, c, a)[1])
    narrative.run_in("Government Efforts", fill(n.GOVERNMENT_EFFORTS, c, a)[0], "Government Efforts")
    narrative.para(fill(n.GOVERNMENT_EFFORTS, c, a)[1])
    narrative.recs_semicolons("Recommendations for Côte d'Ivoire", n.RECOMMENDATIONS[2:6])
    narrative.heading("Prosecution", "Prosecution", tag="h3")
    narrative.para(n.PROSECUTION[1])
    narrative.heading("Protection", "Protection", tag="h3")
    narrative.para(n.PROTECTION[2])
    narrative.heading("Prevention", "Prevention", tag="h3")
    narrative.para(n.PREVENTION[1])
    page = ecoi_page(rng, title="USDOS - US Department of State: Trafficking in Persons Report 2009 - Côte "
                     "d'Ivoire | ecoi.net", h1="Trafficking in Persons Report 2009 - Côte d'Ivoire",
                     country_label="Côte d'Ivoire", published="16 June 2009", docid=1172553, narrative=narrative)
    return Built(page, {"country": "Côte d'Ivoire", "tier": "Tier 2 Watch List", "year": "2009"}, narrative)


def embassy_2024_cambodia() -> Built:
    """A press release: no tier heading, so the tier comes from the narrative's "therefore" sentence, and
    the history sentence ("placed on Tier 3 in 2019 and 2020") never sets it."""
    rng = random.Random(2025)
    narrative = Narrative()
    narrative.blocks.append({"kind": "heading", "section": None,
                             "text": "Release of the 2024 Trafficking in Persons Report"})
    for paragraph in n.PRESS_RELEASE:
        narrative.para(paragraph)
    narrative.para("For the full report, visit the Department of State website.")
    page = embassy_page(rng, title="Release of the 2024 Trafficking in Persons Report | U.S. Embassy in Cambodia",
                        h1="Release of the 2024 Trafficking in Persons Report", country="Cambodia",
                        posted="June 24, 2024", narrative=narrative)
    return Built(page, {"country": "Cambodia", "tier": "Tier 2 Watch List", "year": "2024"}, narrative)


def embassy_generic_notice() -> Built:
    """The generic profile on an embassy page: blocks only, sections from the nearest heading."""
    rng = random.Random(7)
    narrative = Narrative()
    text = [("heading", "Release of the 2024 Trafficking in Persons Report")]
    narrative.raw("<h2>Key findings</h2>")
    text.append(("heading", "Key findings"))
    for paragraph in n.PRESS_RELEASE[:2]:
        narrative.raw(f"<p>{esc(paragraph)}</p>")
        text.append(("paragraph", paragraph))
    narrative.raw("<h2>Next steps</h2>")
    text.append(("heading", "Next steps"))
    narrative.raw(f"<p>{esc(n.PRESS_RELEASE[2])}</p>")
    text.append(("paragraph", n.PRESS_RELEASE[2]))
    section: str | None = None
    for kind, value in text:
        if kind == "heading":
            section = value
        narrative.blocks.append({"kind": kind, "section": section, "text": value})
    page = embassy_page(rng, title="Release of the 2024 Trafficking in Persons Report | U.S. Embassy in Cambodia",
                        h1="Release of the 2024 Trafficking in Persons Report", country="Cambodia",
                        posted="June 24, 2024", narrative=narrative)
    return Built(page, {}, narrative, profile="generic")


PAGES: dict[str, Callable[[], Built]] = {
    "refworld-2002-cambodia": refworld_2002_cambodia,
    "refworld-2003-honduras": refworld_2003_honduras,
    "refworld-2017-yemen": refworld_2017_yemen,
    "state-2024-cambodia": state_2024_cambodia,
    "state-2022-somalia": state_2022_somalia,
    "state-2021-korea-north": state_2021_korea_north,
    "ecoi-2019-congo": ecoi_2019_congo,
    "ecoi-2009-cote-divoire": ecoi_2009_cote_divoire,
    "embassy-2024-cambodia": embassy_2024_cambodia,
    "embassy-generic": embassy_generic_notice,
}


def main() -> None:
    for name, build in PAGES.items():
        built = build()
        (HERE / f"{name}.html").write_text(built.html, encoding="utf-8")
        expected = {
            "profile": built.profile,
            "document": {"fields": built.fields, "blocks": built.narrative.blocks},
        }
        (HERE / f"{name}.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
        print(f"{name}: {len(built.html.encode()) // 1024} KB, {len(built.narrative.blocks)} blocks")


if __name__ == "__main__":
    main()
