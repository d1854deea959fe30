# ruff: noqa: E501  (the page templates are HTML, kept as pages read)
"""Site templates for the signal scenarios: one function per page family, report + chrome + markup -> HTML.

Every family is written the way its site writes pages (state.gov 2024 and 2017-2019 layouts, 2001-2005
table layouts, Refworld document pages, ecoi.net, an embassy press release on a WordPress site, plain
preformatted text, a page with a tier-system key). ``Chrome`` holds everything that is page furniture and
may change between two fetches; ``Markup`` holds rendering choices that do not change the text a reader sees.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field

from narratives import Report

NAV = ("Home", "Policy Issues", "Countries &amp; Areas", "Bureaus &amp; Offices", "About", "Travel", "Careers",
       "Press Releases", "Remarks", "Reports", "Key Topics", "Secretary of State")
FOOTER = ("Privacy Policy", "Accessibility Statement", "Copyright Information", "FOIA", "No FEAR Act", "USA.gov",
          "Office of the Inspector General", "Archives", "Contact Us")
RELATED = ("2024 Trafficking in Persons Report: Thailand", "2024 Trafficking in Persons Report: Laos",
           "Secretary Blinken at the Release of the 2024 Trafficking in Persons Report")
SIDEBAR = (("Thailand", "Tier 2"), ("Laos", "Tier 2 Watch List"), ("Vietnam", "Tier 2 Watch List"),
           ("Malaysia", "Tier 2 Watch List"), ("Philippines", "Tier 1"), ("China", "Tier 3"))


@dataclass(frozen=True)
class Chrome:
    updated: str = "Monday, 24 June 2024, 14:07 GMT"
    iso: str = "2024-06-24T14:07:00+00:00"
    accessed: str = "31 May 2016"
    token: str = "a81f3c0e9d77"
    csrf: str = "Zk3vQ9xR2mB8LwPq"
    visitors: str = "1,204,551"
    viewed: str = "1,284"
    generated: str = "0.231"
    reviewed: str = "June 24, 2024"
    nav: tuple[str, ...] = NAV
    footer: tuple[str, ...] = FOOTER
    related: tuple[str, ...] = RELATED
    sidebar: tuple[tuple[str, str], ...] = SIDEBAR
    version: str = "6.5.2"
    color: str = "#205493"
    cookie: str = "This website uses cookies to improve your experience."
    banner: str = ""                       # an ad or an alert banner, when not empty
    comment: str = "cache: HIT node-07"
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Markup:
    block: str = "p"              # "div": the narrative's paragraphs as <div>
    wrap: int = 0                 # hard-wrap the source text at this many columns
    nbsp: bool = False            # &nbsp; between a number and the next word
    entities: bool = False        # apostrophes and quotes as named/numeric entities and curly forms
    soft_hyphens: bool = False    # &shy; inside long words
    inline: bool = False          # <em>, <a>, <span> inside sentences
    bullets: str = "ul"           # "ul" | "inline" (one paragraph of "•" bullets) | "lines" (one per <br> line)
    heading: str = ""             # how the tier heading is set, family-specific default when ""
    sections: str = ""            # how section titles are set, family-specific default when ""


def text(t: str, m: Markup) -> str:
    """A narrative text as HTML source, with the markup options applied (the text a reader sees is the same)."""
    s = html.escape(t, quote=False)
    if m.entities:
        s = s.replace("'", "&rsquo;").replace("Government", "Gov&shy;ern&shy;ment" if m.soft_hyphens else "Government")
        s = re.sub(r'"([^"]*)"', r"&ldquo;\1&rdquo;", s)
    if m.soft_hyphens and not m.entities:
        s = re.sub(r"\b(traffick)(ing)\b", "\\1&shy;\\2", s)
        s = re.sub(r"\b(govern)(ment)\b", "\\1\u00ad\\2", s)
    if m.nbsp:
        s = re.sub(r"(\d) (?=[a-z])", "\\1&nbsp;", s)
    if m.inline:
        s = re.sub(r"\b(trafficking crimes)\b", r'<a href="/glossary#trafficking">\1</a>', s, count=1)
        s = re.sub(r"\b(victims)\b", r"<em>\1</em>", s, count=1)
        s = re.sub(r"^(\S+ \S+)", r'<span class="lead">\1</span>', s, count=1)
    if m.wrap:
        s = "\n".join(textwrap.wrap(s, m.wrap, break_long_words=False, break_on_hyphens=False))
    return s


def narrative_html(r: Report, m: Markup, *, section_tpl: str, indent: str = "") -> str:
    """The sections of a report: section titles through ``section_tpl`` (``{t}``), paragraphs and lists."""
    out: list[str] = []
    for section in r.sections:
        if section.title:
            out.append(indent + section_tpl.format(t=html.escape(section.title, quote=False)))
        for kind, body in section.blocks:
            if kind == "p":
                out.append(f"{indent}<{m.block}>{text(body, m)}</{m.block}>")
            elif m.bullets == "inline":
                out.append(f"{indent}<p>" + " ".join(f"• {text(i, m)}" for i in body.split("\x1f")) + "</p>")
            elif m.bullets == "lines":
                out.append(f"{indent}<p>" + "<br>\n".join(f"• {text(i, m)}" for i in body.split("\x1f")) + "</p>")
            else:
                items = "\n".join(f"{indent}  <li>{text(i, m)}</li>" for i in body.split("\x1f"))
                out.append(f"{indent}<ul>\n{items}\n{indent}</ul>")
    return "\n".join(out)


def links(items: tuple[str, ...], cls: str = "menu-item") -> str:
    return "\n".join(f'<li class="{cls}"><a href="/{re.sub(r"[^a-z]+", "-", i.lower()).strip("-")}/">{i}</a></li>'
                     for i in items)


def esc(t: str) -> str:
    return html.escape(t, quote=False)


def heading_html(tpl: str, heading: str) -> str:
    """The tier heading through its template: a "\n" in it is a <br>, a "\n\n" starts a second block."""
    return "\n".join(tpl.format(h=esc(part).replace("\n", "<br>")) for part in heading.split("\n\n"))


MEGA_MENU = "\n".join(
    f'<li class="menu-item menu-item-has-children"><a href="/{k}/">{k.title()}</a><ul class="sub-menu">'
    + "".join(f'<li><a href="/{k}/{j}/">{k.title()} topic {j}</a></li>' for j in range(1, 9)) + "</ul></li>"
    for k in ("policy", "countries", "bureaus", "about", "travel", "careers"))


# --------------------------------------------------------------------------- state.gov, 2020-2025 layout

def state2024(r: Report, c: Chrome = Chrome(), m: Markup = Markup()) -> str:
    heading = m.heading or "<p><strong>{h}</strong></p>"
    sections = m.sections or "<p><strong>{t}</strong></p>"
    sidebar = "\n".join(f'<li><a href="/reports/{r.year}-trafficking-in-persons-report/{n.lower()}/">{n} ({t})</a></li>'
                        for n, t in c.sidebar)
    related = "\n".join(f'<div class="related-card"><a href="#">{esc(x)}</a><p class="related-card__date">June 24, 2024</p></div>'
                        for x in c.related)
    banner = f'<div class="alert-banner"><p>{esc(c.banner)}</p></div>' if c.banner else ""
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{r.name} - United States Department of State</title>
<meta name="csrf-token" content="{c.csrf}">
<meta property="og:title" content="{r.year} Trafficking in Persons Report: {r.name}">
<meta property="article:modified_time" content="{c.iso}">
<link rel="stylesheet" id="state-css" href="/wp-content/themes/state/dist/main.css?ver={c.version}" media="all">
<style id="state-inline-css">.report__content a {{ color: {c.color}; }} .report__tier {{ font-weight: 700; }}</style>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"WebPage","dateModified":"{c.iso}","name":"{r.name}"}}</script>
<script>window.dataLayer = window.dataLayer || []; var sessionToken = "{c.token}"; var wpVersion = "{c.version}";</script>
</head>
<body class="report-template-default single single-report postid-{sum(map(ord, r.name))}">
<!-- {c.comment} -->
<a class="skip-link screen-reader-text" href="#main">Skip to content</a>
<div id="cookie-notice" role="dialog" aria-label="Cookie Notice"><span class="cn-text">{esc(c.cookie)}</span> <a href="#" class="cn-accept">Accept</a></div>
<section class="usa-banner" aria-label="Official government website"><p>An official website of the United States Government</p><button>Here's how you know</button></section>
{banner}
<header class="site-header" role="banner">
  <a class="site-logo" href="/"><img src="/logo.svg" alt="U.S. Department of State"></a>
  <nav class="main-nav" aria-label="Main menu"><ul class="menu">
{links(c.nav)}
{MEGA_MENU}
  </ul></nav>
  <form class="search-form" action="/" method="get"><input type="hidden" name="_token" value="{c.csrf}"><label>Search</label><input type="search" name="s"><button>Search</button></form>
</header>
<main id="main" class="site-main">
  <div class="breadcrumbs" aria-label="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/reports/">Reports</a> &rsaquo; <a href="/reports/{r.year}-trafficking-in-persons-report/">{r.year} Trafficking in Persons Report</a> &rsaquo; {r.name}</div>
  <article class="report">
    <header class="report__header">
      <p class="report__eyebrow">Office to Monitor and Combat Trafficking in Persons</p>
      <h1 class="report__title">{r.year} Trafficking in Persons Report: {r.name}</h1>
      <div class="share-tools"><span>Share</span> <a class="share-facebook" href="#">Facebook</a> <a class="share-twitter" href="#">Twitter</a> <a class="share-email" href="#">Email</a></div>
    </header>
    <div class="report__grid">
      <div class="report__toc"><p class="report__toc-title">On this page</p><ul><li><a href="#prosecution">Prosecution</a></li><li><a href="#protection">Protection</a></li><li><a href="#prevention">Prevention</a></li><li><a href="#profile">Trafficking Profile</a></li></ul></div>
      <div class="report__content">
{heading_html(heading, r.heading)}
{narrative_html(r, m, section_tpl=sections)}
        <p class="report__reviewed">Last reviewed: {c.reviewed}</p>
        <p><a class="back-to-top" href="#main">Back to Top</a></p>
      </div>
      <aside class="report__sidebar"><h3>Other {r.year} country narratives</h3><ul>
{sidebar}
      </ul></aside>
    </div>
  </article>
  <section class="related-content"><h2>Related Articles</h2>
{related}
  </section>
</main>
<footer class="site-footer">
  <div class="footer-links"><ul>
{links(c.footer, "footer-item")}
  </ul></div>
  <p class="footer-updated">Last Updated: {c.updated}</p>
  <p>This site is managed by the Bureau of Global Public Affairs within the U.S. Department of State.</p>
</footer>
<script src="/wp-content/themes/state/dist/main.js?ver={c.version}" id="state-js"></script>
</body>
</html>
"""


# --------------------------------------------------------------------------- state.gov, 2017-2019 layout

def state2017(r: Report, c: Chrome = Chrome(), m: Markup = Markup()) -> str:
    """Collapsible sections: an accordion whose headings are buttons (WAI-ARIA accordion pattern)."""
    heading = m.heading or '<h2 class="report__tier">{h}</h2>'
    parts: list[str] = []
    for index, section in enumerate(r.sections):
        body = narrative_html(type(r)(r.heading, r.name, r.year, (type(section)(None, section.blocks),)), m,
                              section_tpl="", indent="          ")
        if section.title is None:
            parts.append(body)
            continue
        title = esc(section.title.rstrip(":"))
        parts.append(f"""        <div class="collapsible">
          <h3 class="collapsible__heading"><button class="collapsible__trigger" type="button" aria-expanded="false" aria-controls="section-{index}">{title}</button></h3>
          <div id="section-{index}" class="collapsible__content" hidden>
{body}
          </div>
        </div>""")
    sidebar = "\n".join(f"<li>{n}: {t}</li>" for n, t in c.sidebar)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{r.name} - United States Department of State</title>
<link rel="canonical" href="https://www.state.gov/reports/{r.year}-trafficking-in-persons-report/{r.name.lower()}/">
<script>var _csrf = "{c.csrf}"; var session = "{c.token}";</script>
<style>.collapsible__content[hidden]{{display:none}} body{{color:{c.color}}}</style>
</head>
<body>
<div id="page">
<header id="masthead" class="site-header">
  <div class="site-branding"><a href="/">U.S. DEPARTMENT of STATE</a></div>
  <nav id="site-navigation" class="main-navigation"><ul>{links(c.nav)}</ul></nav>
  <div class="header-search"><form role="search"><input type="text" name="s" placeholder="Search state.gov"><input type="submit" value="Search"></form></div>
</header>
<div class="page-header__breadcrumbs"><ul class="breadcrumbs"><li><a href="/">Home</a></li><li><a href="/reports/">Reports</a></li><li>{r.name}</li></ul></div>
<div id="content" class="site-content">
  <div class="report">
    <div class="report__header">
      <h1 class="featured-content__headline">{r.name}</h1>
      <p class="report__subtitle">{r.year} Trafficking in Persons Report</p>
      <p class="article-meta__date">{c.reviewed}</p>
    </div>
    <div class="report__content entry-content">
      <p class="toggle-all"><a href="#" class="toggle-all__expand">Expand All</a> <a href="#" class="toggle-all__collapse">Collapse All</a></p>
{heading_html(heading, r.heading)}
{"".join(parts)}
    </div>
    <div class="report__sidebar"><h4>Tier placements in the region</h4><ul>{sidebar}</ul></div>
  </div>
</div>
<footer id="colophon" class="site-footer"><ul>{links(c.footer)}</ul><p>Page last updated {c.updated}</p></footer>
</div>
<script src="/js/collapsible.js?v={c.version}"></script>
</body>
</html>
"""


# --------------------------------------------------------------------------- state.gov, 2001-2005 table layout

def archive2003(r: Report, c: Chrome = Chrome(), m: Markup = Markup()) -> str:
    """The old state.gov pages: a layout table, a left navigation cell, the report in the content cell."""
    heading = m.heading or "<p><b>{h}</b></p>"
    leftnav = "<br>\n".join(f'<a href="/g/tip/rls/tiprpt/{r.year}/{i}/">{esc(t)}</a>' for i, t in
                            enumerate(("Letter from the Secretary", "Introduction", "Tier Placements", "Country Narratives",
                                       "Africa", "East Asia and the Pacific", "Europe and Eurasia", "Near East",
                                       "South Asia", "Western Hemisphere")))
    return f"""<html>
<head>
<title>{r.name}</title>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<link rel="stylesheet" href="/css/main.css">
<script language="JavaScript">var hit = "{c.token}";</script>
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0">
<a name="top"></a>
<table width="760" border="0" cellspacing="0" cellpadding="0">
<tr><td colspan="2"><img src="/images/dos_header.gif" width="760" height="70" alt="U.S. Department of State"></td></tr>
<tr><td colspan="2" bgcolor="#003366"><font color="#FFFFFF" size="1">&nbsp;<a href="/"><font color="#FFFFFF">Home</font></a> | <a href="/misc/19232.htm"><font color="#FFFFFF">Contact Us</font></a> | <a href="/misc/87529.htm"><font color="#FFFFFF">FOIA</font></a> | <a href="/misc/415.htm"><font color="#FFFFFF">Privacy Notice</font></a> | {esc(c.extra.get('topbar', 'Search'))}</font></td></tr>
<tr>
<td width="160" valign="top" bgcolor="#E6E6E6"><font size="1">
{leftnav}
</font></td>
<td width="600" valign="top">
<font face="Verdana, Arial" size="1"><a href="/">Home</a> &gt; <a href="/g/">Under Secretary for Global Affairs</a> &gt; <a href="/g/tip/">Office to Monitor and Combat Trafficking in Persons</a> &gt; <a href="/g/tip/rls/tiprpt/">Trafficking in Persons Report</a> &gt; {r.year}</font>
<p><font face="Verdana, Arial" size="4"><b>Trafficking in Persons Report</b></font><br>
<font size="2">Released by the Office to Monitor and Combat Trafficking in Persons<br>June 11, {r.year}</font></p>
<hr size="1" noshade>
{heading_html(heading, r.heading)}
{narrative_html(r, m, section_tpl="<p><b>{t}</b></p>")}
<hr size="1" noshade>
<p align="center"><font size="1"><a href="#top">Back to Top</a></font></p>
</td>
</tr>
</table>
<table width="760" border="0"><tr><td align="center"><font size="1">
<a href="/misc/60289.htm">Privacy Notice</a> | <a href="/misc/87529.htm">FOIA</a> | <a href="/misc/415.htm">Copyright Information</a> | <a href="http://www.firstgov.gov">FirstGov</a><br>
This site is managed by the Bureau of Public Affairs, U.S. Department of State. External links to other Internet sites should not be construed as an endorsement of the views contained therein.<br>
Page generated {c.updated}
</font></td></tr></table>
</body>
</html>
"""


# --------------------------------------------------------------------------- Refworld document pages

REFWORLD_TITLE = "U.S. Department of State {year} Trafficking in Persons Report - {name}"
DISCLAIMER = ("This is not a UNHCR publication. UNHCR is not responsible for, nor does it necessarily endorse, its "
              "content. Any views expressed are solely those of the author or publisher and do not necessarily "
              "reflect those of UNHCR, the United Nations or its Member States.")


def _refworld_cite(r: Report, c: Chrome, date: str) -> str:
    return (f"United States Department of State, {REFWORLD_TITLE.format(year=r.year, name=r.name)}, {date}, "
            f"available at: https://www.refworld.org/docid/4680d790c.html [accessed {c.accessed}]")


def _refworld_shell(r: Report, c: Chrome, body: str) -> str:
    countries = "\n".join(f'<option value="{n}">{n}</option>' for n in ("Afghanistan", "Albania", "Algeria", r.name, "Zimbabwe"))
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>Refworld | {esc(REFWORLD_TITLE.format(year=r.year, name=r.name))}</title>
<script type="text/javascript">var sessionId = '{c.token}'; var pageGenerated = '{c.generated}';</script>
</head>
<body>
<div id="wrapper">
<div id="header"><a href="/"><img src="/images/refworld-logo.gif" alt="Refworld" /></a>
<ul id="topmenu"><li><a href="/cgi-bin/texis/vtx/rwmain">Home</a></li><li><a href="/country.html">Countries</a></li><li><a href="/category.html">Categories</a></li><li><a href="/type.html">Document types</a></li>{''.join(f'<li>{x}</li>' for x in c.nav[:3])}</ul></div>
<div id="leftcol" class="left-col">
<form class="countrylist" action="/country.html"><select name="country">{countries}</select></form>
<h3>Latest documents</h3><ul>{''.join(f'<li>{esc(x)}</li>' for x in c.related)}</ul>
</div>
<div id="content">
{body}
</div>
<div id="footer"><p>&copy; UNHCR {c.reviewed[-4:]}</p><p>Visitors: {c.visitors}</p><p>Page generated in {c.generated} seconds</p></div>
</div>
</body>
</html>
"""


def refworld_table(r: Report, c: Chrome = Chrome(), m: Markup = Markup(), date: str = "5 June 2002") -> str:
    """Refworld with its metadata table (Publisher / Author / Publication Date / Cite as / Disclaimer)."""
    heading = m.heading or "<h2>{h}</h2>"
    body = f"""<div id="docMain">
<p class="lastupdated">Last Updated: {c.updated}</p>
<h1 class="title">{esc(REFWORLD_TITLE.format(year=r.year, name=r.name))}</h1>
<table class="metadata" summary="document metadata">
<tr><td class="label">Publisher</td><td><a href="/publisher/USDOS.html">United States Department of State</a></td></tr>
<tr><td class="label">Author</td><td>Office to Monitor and Combat Trafficking in Persons</td></tr>
<tr><td class="label">Publication Date</td><td>{date}</td></tr>
<tr><td class="label">Cite as</td><td>{esc(_refworld_cite(r, c, date))}</td></tr>
<tr><td class="label">Disclaimer</td><td>{DISCLAIMER}</td></tr>
</table>
<div class="document-body">
{heading_html(heading, r.heading)}
{narrative_html(r, m, section_tpl="<p><strong>{t}</strong></p>")}
</div>
</div>
<div class="search-box"><h3>Search Refworld</h3><form action="/search"><input type="text" name="q" /><input type="submit" value="Go" /></form></div>"""
    return _refworld_shell(r, c, body)


def refworld_lines(r: Report, c: Chrome = Chrome(), m: Markup = Markup(), date: str = "5 June 2002") -> str:
    """The seed page's own line layout, as HTML: one block per line, metadata as plain lines."""
    paras = [text(t, m) for t in r.texts()]
    lines = "\n".join(f"<p>{x}</p>" for x in paras)
    body = f"""<div class="document">
<p>Last Updated: {c.updated}</p>
<p>{esc(REFWORLD_TITLE.format(year=r.year, name=r.name))}</p>
<p>Publisher United States Department of State</p>
<p>Author Office to Monitor and Combat Trafficking in Persons</p>
<p>Publication Date {date}</p>
<p>Cite as {esc(_refworld_cite(r, c, date))}</p>
<p><b>Disclaimer</b>{DISCLAIMER}</p>
<p><b>{esc(r.heading)}</b></p>
{lines}
<p>Search Refworld</p>
</div>"""
    return _refworld_shell(r, c, body)


def refworld_br(r: Report, c: Chrome = Chrome(), m: Markup = Markup(), date: str = "5 June 2002") -> str:
    """Everything in one container, lines separated by <br> and paragraphs by blank lines (<br><br>)."""
    paras = "<br><br>\n".join(text(t, m) for t in r.texts())
    body = f"""<div class="doc-text">
Last Updated: {c.updated}<br><br>
{esc(REFWORLD_TITLE.format(year=r.year, name=r.name))}<br><br>
Publisher United States Department of State<br>
Author Office to Monitor and Combat Trafficking in Persons<br>
Publication Date {date}<br>
Cite as {esc(_refworld_cite(r, c, date))}<br>
Disclaimer{DISCLAIMER}<br><br>
{esc(r.heading)}<br><br>
{paras}<br><br>
Search Refworld
</div>"""
    return _refworld_shell(r, c, body)


def refworld_pre(r: Report, c: Chrome = Chrome(), m: Markup = Markup(), date: str = "5 June 2002") -> str:
    """The seed text verbatim in a <pre>, wrapped at ``m.wrap`` columns (0: one line per paragraph)."""
    return _refworld_shell(r, c, f"<pre>{html.escape(plain_text(r, c, m, date), quote=False)}</pre>")


def plain_text(r: Report, c: Chrome = Chrome(), m: Markup = Markup(), date: str = "5 June 2002") -> str:
    """The page as the seed file has it: plain text lines."""
    def wrap(t: str) -> str:
        return "\n".join(textwrap.wrap(t, m.wrap, break_on_hyphens=False)) if m.wrap else t
    paras = "\n\n".join(wrap(t) for t in r.texts())
    return (f"Last Updated: {c.updated}\n\n{REFWORLD_TITLE.format(year=r.year, name=r.name)}\n\n"
            f"Publisher United States Department of State\nAuthor Office to Monitor and Combat Trafficking in Persons\n"
            f"Publication Date {date}\nCite as {_refworld_cite(r, c, date)}\nDisclaimer{DISCLAIMER}\n\n"
            f"{r.heading}\n\n{paras}\n\nSearch Refworld\n")


# --------------------------------------------------------------------------- ecoi.net

def ecoi(r: Report, c: Chrome = Chrome(), m: Markup = Markup(), doc_id: str = "2053891") -> str:
    heading = m.heading or "<h2>{h}</h2>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>USDOS &ndash; US Department of State: &ldquo;{r.year} Trafficking in Persons Report: {esc(r.name)}&rdquo;, Document #{doc_id} - ecoi.net</title>
<script>var ecoiSession="{c.token}";</script>
</head>
<body class="page-document">
<div class="top-bar"><a class="logo" href="/en/">ecoi.net</a>
<div class="language-switch"><a href="/de/">Deutsch</a> <a href="/en/">English</a></div>
<ul class="main-menu"><li><a href="/en/countries/">Countries</a></li><li><a href="/en/sources/">Sources</a></li><li><a href="/en/about/">About ecoi.net</a></li></ul></div>
<div id="main">
<div class="document-header">
<h1>{r.year} Trafficking in Persons Report: {esc(r.name)}</h1>
<p class="document-source">USDOS &ndash; US Department of State</p>
</div>
<div class="document-text">
{heading_html(heading, r.heading)}
{narrative_html(r, m, section_tpl="<h3>{t}</h3>")}
</div>
<div class="document-info">
<p><strong>ecoi.net description:</strong> Annual report on trafficking in persons (reporting period April {r.year - 1} - March {r.year})</p>
<p><strong>Country:</strong> {esc(r.name)}</p>
<p><strong>Source:</strong> USDOS &ndash; US Department of State</p>
<p><strong>Original link:</strong> https://www.state.gov/reports/{r.year}-trafficking-in-persons-report/</p>
<p><strong>Document type:</strong> Periodical Report</p>
<p><strong>Language:</strong> English</p>
<p><strong>Published:</strong> 24 June {r.year}</p>
<p><strong>Available on ecoi.net since:</strong> {c.reviewed}</p>
<p><strong>Document ID:</strong> {doc_id}</p>
</div>
<div class="document-actions"><a href="#" class="print-link">Print</a> <a href="#">Download PDF</a></div>
</div>
<div class="footer"><p>Austrian Red Cross / ACCORD &ndash; {esc(c.cookie)}</p><p>{c.visitors} visits</p></div>
</body>
</html>
"""


# --------------------------------------------------------------------------- embassy press release (WordPress)

def embassy(paragraphs: list[str], r: Report, c: Chrome = Chrome(), m: Markup = Markup(), key: str = "") -> str:
    """A press release without a tier heading: the placement is stated in a sentence."""
    recent = "\n".join(f'<li><a href="#">{esc(t)}</a></li>' for t in c.related)
    body = "\n".join(f"<{m.block}>{text(x, m)}</{m.block}>" for x in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<title>Release of the {r.year} Trafficking in Persons Report | U.S. Embassy in {r.name}</title>
<script>var wpNonce = "{c.token}"; var ajaxurl = "/wp-admin/admin-ajax.php";</script>
<style id="wp-custom-css">.entry-content p {{ color: {c.color}; }}</style>
</head>
<body class="post-template-default single single-post">
<div id="page" class="site">
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title">U.S. Embassy in {r.name}</p></div>
<nav id="site-navigation" class="main-navigation"><ul>{links(c.nav[:6])}</ul></nav></header>
<div id="content" class="site-content">
<div id="primary" class="content-area">
<main id="main" class="site-main">
<article class="post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">Release of the {r.year} Trafficking in Persons Report</h1>
<div class="entry-meta">By U.S. Embassy {r.name} | {c.reviewed} | Topics: News, Press Releases</div></header>
<div class="entry-content">
{body}
{key}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a href="#">Facebook</a></li><li><a href="#">Twitter</a></li></ul></div>
</div>
<footer class="entry-footer"><span class="tags-links">Tags: Trafficking in Persons</span></footer>
</article>
<nav class="navigation post-navigation"><a href="#" rel="prev">Previous post</a> <a href="#" rel="next">Next post</a></nav>
</main>
</div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>
{recent}
</ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><p>This is the official website of the U.S. Embassy. External links to other Internet sites should not be construed as an endorsement of the views or privacy policies contained therein.</p></footer>
</div>
</body>
</html>
"""


# --------------------------------------------------------------------------- plain preformatted pages

def pre_page(r: Report, c: Chrome = Chrome(), m: Markup = Markup()) -> str:
    def wrap(t: str) -> str:
        return "\n".join(textwrap.wrap(t, m.wrap or 72, break_on_hyphens=False))
    parts = [r.heading.upper() if m.heading == "upper" else r.heading]
    for section in r.sections:
        if section.title:
            parts.append(section.title)
        for kind, body in section.blocks:
            parts.extend(wrap("- " + i) for i in body.split("\x1f")) if kind == "ul" else parts.append(wrap(body))
    content = html.escape("\n\n".join(parts), quote=False)
    return f"""<html>
<head><title>{r.year} Trafficking in Persons Report - {esc(r.name)}</title></head>
<body>
<p><a href="/tip/">TIP Reports archive</a> | <a href="/tip/{r.year}/">{r.year}</a> | Last modified: {c.updated}</p>
<pre>
{content}
</pre>
<p><small>{esc(c.cookie)} | {c.visitors} hits</small></p>
</body>
</html>
"""


# --------------------------------------------------------------------------- a page with a tier-system key

TIER_KEY = (
    ("Tier 1", "Countries whose governments fully meet the Trafficking Victims Protection Act's minimum standards for the elimination of trafficking."),
    ("Tier 2", "Countries whose governments do not fully meet the minimum standards but are making significant efforts to bring themselves into compliance with those standards."),
    ("Tier 2 Watch List", "Countries whose governments do not fully meet the minimum standards but are making significant efforts to meet them, and for which the estimated number of victims is significant or increasing."),
    ("Tier 3", "Countries whose governments do not fully meet the minimum standards and are not making significant efforts to do so."),
    ("Special Case", "Countries where a lack of an effective central government or armed conflict prevents a tier ranking."),
)


def keyed(r: Report, c: Chrome = Chrome(), m: Markup = Markup()) -> str:
    """A report page with a tier-system explanation box before the narrative and a placements table after."""
    key = "\n".join(f'<div class="tier-def"><h4>{t}</h4><p>{d}</p></div>' for t, d in TIER_KEY)
    rows = "\n".join(f"<tr><td>{n}</td><td>{t}</td><td>{t}</td></tr>" for n, t in c.sidebar)
    heading = m.heading or "<h2>{h}</h2>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{r.year} TIP Report: {esc(r.name)} | Anti-Trafficking Resource Center</title>
<script>var t="{c.token}";</script></head>
<body>
<div class="wrapper">
<div class="topnav"><a href="/">Home</a> <a href="/reports">Reports</a> <a href="/about">About</a></div>
<div class="page-body">
<h1>{esc(r.name)}: {r.year} Trafficking in Persons Report</h1>
<div class="tier-key"><h3>How the tiers work</h3>
{key}
</div>
<div class="narrative">
{heading_html(heading, r.heading)}
{narrative_html(r, m, section_tpl="<h3>{t}</h3>")}
</div>
<div class="regional-placements"><h3>Regional placements</h3>
<table><tr><th>Country</th><th>{r.year - 1}</th><th>{r.year}</th></tr>
{rows}
</table></div>
<p class="meta">Last reviewed: {c.reviewed}</p>
</div>
<div class="bottom"><p>&copy; {c.reviewed[-4:]} Anti-Trafficking Resource Center. All rights reserved.</p></div>
</div>
</body>
</html>
"""


# --------------------------------------------------------------------------- other collapsible-section widgets

def accordion(r: Report, c: Chrome = Chrome(), m: Markup = Markup(), style: str = "bootstrap") -> str:
    """A report whose sections are collapsible widgets: a Bootstrap accordion, <details>/<summary>, a heading
    with a show/hide link in it, or a heading with a permalink anchor."""
    parts: list[str] = []
    for index, section in enumerate(r.sections):
        body = narrative_html(Report(r.heading, r.name, r.year, (type(section)(None, section.blocks),)), m, section_tpl="")
        if section.title is None:
            parts.append(body)
            continue
        title = esc(section.title.rstrip(":"))
        expanded = c.extra.get("expanded", "false")
        if style == "bootstrap":
            parts.append(f"""<div class="accordion-item">
<h2 class="accordion-header" id="heading-{index}"><button class="accordion-button{' collapsed' if expanded == 'false' else ''}" type="button" data-bs-toggle="collapse" data-bs-target="#collapse-{index}" aria-expanded="{expanded}" aria-controls="collapse-{index}">{title}</button></h2>
<div id="collapse-{index}" class="accordion-collapse collapse{' show' if expanded == 'true' else ''}" aria-labelledby="heading-{index}"><div class="accordion-body">
{body}
</div></div></div>""")
        elif style == "details":
            parts.append(f"""<details class="report-section"{' open' if expanded == 'true' else ''}><summary>{title}</summary>
{body}
</details>""")
        elif style == "toggle-link":
            parts.append(f"""<h3 class="section-title" id="s{index}">{title} <a href="#s{index}" class="toggle js-toggle">{c.extra.get('toggle', 'Show/Hide')}</a></h3>
<div class="section-body">
{body}
</div>""")
        else:
            parts.append(f"""<h3 id="s{index}">{title}<a class="headerlink" href="#s{index}" title="Permalink to this section">¶</a></h3>
{body}""")
    heading = m.heading or "<h2>{h}</h2>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{esc(r.name)} | {r.year} Trafficking in Persons Report</title>
<script>var csrf = "{c.csrf}";</script></head>
<body>
<nav class="navbar"><a href="/">Home</a> {''.join(f'<a href="#">{x}</a>' for x in c.nav[:5])}</nav>
<main class="container">
<h1>{esc(r.name)}</h1>
<div class="report">
{heading_html(heading, r.heading)}
{''.join(parts)}
</div>
</main>
<footer><p>Last Updated: {c.updated}</p></footer>
</body>
</html>
"""


def multi(reports: list[Report], title: str, c: Chrome = Chrome(), m: Markup = Markup()) -> str:
    """A 2001-2005 regional page: several country narratives one after another."""
    body = "\n<hr>\n".join(f"<p><b>{esc(r.heading)}</b></p>\n" + narrative_html(r, m, section_tpl="<p><b>{t}</b></p>")
                           for r in reports)
    return f"""<html><head><title>{esc(title)}</title></head>
<body>
<div id="content">
<h1>Trafficking in Persons Report</h1>
<p>Released by the Office to Monitor and Combat Trafficking in Persons<br>June 11, 2003</p>
<h2>{esc(title)}</h2>
{body}
<p><a href="#top">Back to Top</a> | Page generated {c.updated}</p>
</div>
</body></html>
"""
