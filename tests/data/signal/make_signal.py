# ruff: noqa: E501  (scenario rows read best on one line)
"""Generate the signal scenarios: pages served one fetch after another, and what ``monitor check`` must say.

Run from the repository root: ``python tests/data/signal/make_signal.py``. It writes ``pages/*.html`` (the
exact bytes served, some in legacy charsets) and ``scenarios.json``. The output is committed; the test only
reads it. Deterministic: re-running it reproduces the same bytes.

A scenario is one monitored source. Step 0 is the baseline; each later step is one more ``monitor check``
with the page the site serves then, and the exact outcome expected: the status, the tier, and - for a
change - the alert's kinds, tier change and findings (sentences added and removed, blocks moved, sections
touched). Expectations are written from the edit made, never by running the extractor.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import narratives as nv  # noqa: E402
import sites  # noqa: E402
from narratives import Names, Report  # noqa: E402
from sites import Chrome, Markup  # noqa: E402

UTF8 = "text/html; charset=utf-8"
SCENARIOS: list[dict[str, Any]] = []
PAGES: dict[str, bytes] = {}


# --------------------------------------------------------------------------- expectations

def tier(old: str, new: str, direction: str | None) -> dict[str, Any]:
    return {"old": old, "new": new, "direction": direction}


def findings(added: list[str] | tuple[str, ...] = (), removed: list[str] | tuple[str, ...] = (),
             moved: list[str] | tuple[str, ...] = (), sections: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    return {"added": list(added), "removed": list(removed), "moved": list(moved), "sections": list(sections)}


def change(country: str, t: dict[str, Any] | None = None, f: dict[str, Any] | None = None) -> dict[str, Any]:
    kinds = (["tier"] if t else []) + (["findings"] if f else [])
    return {"kinds": kinds, "tier": t, "findings": f, "fields": None, "country": country}


def step(page: str | bytes, status: str, tier_: str | None, change_: dict[str, Any] | None = None, *,
         http: int = 200, ctype: str = UTF8) -> dict[str, Any]:
    body = page.encode("utf-8") if isinstance(page, str) else page
    return {"body": body, "http": http, "content_type": ctype,
            "expect": {"status": status, "tier": tier_, "change": change_}}


def add(sid: str, category: str, what: str, *steps: dict[str, Any]) -> None:
    assert all(s["id"] != sid for s in SCENARIOS), sid
    rows = []
    for index, s in enumerate(steps):
        digest = hashlib.sha256(s["body"]).hexdigest()[:10]
        name = next((k for k, v in PAGES.items() if v == s["body"]), None) or f"{sid}-{index}-{digest}.html"
        PAGES[name] = s["body"]
        rows.append({"page": name, "http": s["http"], "content_type": s["content_type"], "expect": s["expect"]})
    SCENARIOS.append({"id": sid, "category": category, "what": what, "steps": rows})


def pair(sid: str, category: str, what: str, old: str | bytes, new: str | bytes, tier0: str | None,
         change_: dict[str, Any] | None = None, tier1: str | None = None, *, ctype0: str = UTF8,
         ctype1: str = UTF8) -> None:
    """The common two-fetch scenario: a baseline, then one edit (no change unless ``change_``)."""
    after = tier1 if tier1 is not None else (change_["tier"]["new"] if change_ and change_["tier"] else tier0)
    add(sid, category, what, step(old, "new", tier0, ctype=ctype0),
        step(new, "changed" if change_ else "unchanged", after, change_, ctype=ctype1))


DIRECTIONS = {("Tier 1", "Tier 2"), ("Tier 1", "Tier 2 Watch List"), ("Tier 1", "Tier 3"),
              ("Tier 2", "Tier 2 Watch List"), ("Tier 2", "Tier 3"), ("Tier 2 Watch List", "Tier 3")}


def direction(old: str, new: str) -> str | None:
    if (old, new) in DIRECTIONS:
        return "downgrade"
    if (new, old) in DIRECTIONS:
        return "upgrade"
    return None


# --------------------------------------------------------------------------- the reports

BURMA = nv.modern("BURMA: Tier 3", "Burma", 2024, Names("Burma", "Burmese", "Thailand"))
DPRK = nv.modern("KOREA, NORTH: Tier 3", "North Korea", 2023, Names("the DPRK", "North Korean", "China"))
CIV = nv.modern("CÔTE D’IVOIRE: Tier 2", "Côte d’Ivoire", 2024, Names("Côte d’Ivoire", "Ivoirian", "Ghana"))
GNB = nv.modern("GUINEA-BISSAU: Tier 2 Watch List", "Guinea-Bissau", 2022, Names("Guinea-Bissau", "Bissau-Guinean", "Senegal"))
CUW = nv.modern("CURAÇAO: Tier 2", "Curaçao", 2023, Names("Curaçao", "Curaçaoan", "Venezuela"))
LBY = nv.modern("LIBYA: Special Case", "Libya", 2023, Names("Libya", "Libyan", "Tunisia"))
KHM17 = nv.modern_semicolons("CAMBODIA: TIER 2 WATCH LIST", "Cambodia", 2018, Names("Cambodia", "Cambodian", "Thailand"))
COD = nv.modern_semicolons("CONGO, DEMOCRATIC REPUBLIC OF THE: TIER 2 WATCH LIST", "Democratic Republic of the Congo", 2019,
                           Names("the DRC", "Congolese", "Uganda"))
TLS = nv.modern("TIMOR-LESTE: Tier 2", "Timor-Leste", 2019, Names("Timor-Leste", "Timorese", "Indonesia"), caps=False)
SOM = nv.modern("Special Case", "Somalia", 2022, Names("Somalia", "Somali", "Kenya"))
YEM = nv.modern("SPECIAL CASE: YEMEN", "Yemen", 2019, Names("Yemen", "Yemeni", "Saudi Arabia"))
BIH = nv.modern("BOSNIA AND HERZEGOVINA: Tier 2", "Bosnia and Herzegovina", 2021, Names("Bosnia and Herzegovina", "Bosnian", "Serbia"))
GMB = nv.modern("THE GAMBIA: Tier 2 Watch List", "The Gambia", 2020, Names("The Gambia", "Gambian", "Senegal"))
VCT = nv.modern("SAINT VINCENT AND THE GRENADINES: Tier 2", "Saint Vincent and the Grenadines", 2020,
                Names("Saint Vincent and the Grenadines", "Vincentian", "Trinidad and Tobago"))
KHM24 = nv.modern("CAMBODIA: Tier 2 Watch List", "Cambodia", 2024, Names("Cambodia", "Cambodian", "Thailand"))
SEED = nv.seed()
BURMA03 = nv.early("Burma (Tier 3)", "Burma", 2003, Names("Burma", "Burmese", "Thailand"))
HND03 = nv.early("Honduras (Tier 2)", "Honduras", 2003, Names("Honduras", "Honduran", "Guatemala"))
BIH04 = nv.early("Bosnia and Herzegovina (Tier 2 Watch List)", "Bosnia and Herzegovina", 2004, Names("Bosnia and Herzegovina", "Bosnian", "Serbia and Montenegro"))
PRK05 = nv.early("Korea, North (Tier 3)", "North Korea", 2005, Names("North Korea", "North Korean", "China"))

SIDEBAR_KHM = tuple(x for x in sites.SIDEBAR if x[0] != "Cambodia")

# Texts the findings scenarios edit.
PROS2 = "Prosecutors initiated prosecutions of 126 alleged traffickers and courts convicted 88 traffickers, compared with 97 prosecutions and 61 convictions the previous year."
PROT1_LAST = "The government used standard operating procedures to identify victims and refer them to care, but implementation remained uneven across provinces."
PREV2_MID = "The labor ministry conducted 2,140 labor inspections but did not identify any cases of forced labor."
SHELTERS = "Increase funding for specialized shelters, including for male victims and victims of labor trafficking."
PROF3 = "Criminal groups operating online scam compounds force thousands of victims from across the region to conduct fraudulent schemes. Children are exploited in forced begging and street vending."
TRAINING = "The government provided training for 640 police officers, prosecutors, and judges, often with support from international organizations. Limited resources and frequent staff turnover hampered investigations in rural provinces."


def sentence_added(r: Report, after: str, new: str) -> Report:
    return nv.replace_text(r, after, f"{after} {new}")


# --------------------------------------------------------------------------- chrome-only edits

def chrome_rows() -> None:
    base = Chrome()
    dated = replace(base, updated="Thursday, 27 June 2024, 09:41 GMT", iso="2024-06-27T09:41:00+00:00",
                    accessed="12 February 2026", reviewed="June 27, 2024", generated="0.087", visitors="1,204,552")
    tokens = replace(base, token="77be01f4c2aa", csrf="Qm9Lk2Pz0aXv7TtY", version="6.5.3", color="#112e51")
    navfoot = replace(base, nav=base.nav[:-2] + ("Newsroom", "Events"), footer=base.footer + ("Site Map",))
    sidebar = replace(base, sidebar=(("Thailand", "Tier 3"), ("Laos", "Tier 2"), ("Vietnam", "Tier 3"),
                                     ("Philippines", "Tier 1"), ("Indonesia", "Tier 2")))
    related = replace(base, related=("2024 Trafficking in Persons Report: Vietnam", "Ambassador-at-Large remarks on forced labor in scam centers"))
    banners = replace(base, cookie="We use cookies. By continuing to browse you agree to our use of cookies.",
                      banner="Advertisement: Attend the anti-trafficking summit in Washington, D.C.")
    comments = replace(base, comment="cache: MISS node-03 generated 2026-02-12T06:00:01Z")
    everything = replace(dated, token=tokens.token, csrf=tokens.csrf, version=tokens.version, nav=navfoot.nav,
                         sidebar=sidebar.sidebar, related=related.related, cookie=banners.cookie, comment=comments.comment)

    families: list[tuple[str, Callable[..., str], Report, str, str]] = [
        ("state24-burma", sites.state2024, BURMA, "Tier 3", "Burma"),
        ("state24-libya", sites.state2024, LBY, "Special Case", "Libya"),
        ("state17-cambodia", sites.state2017, KHM17, "Tier 2 Watch List", "Cambodia"),
        ("state17-somalia", sites.state2017, SOM, "Special Case", "Somalia"),
        ("archive-burma", sites.archive2003, BURMA03, "Tier 3", "Burma"),
        ("refworld-seed", sites.refworld_table, SEED, "Tier 3", "Cambodia"),
        ("ecoi-bih", sites.ecoi, BIH, "Tier 2", "Bosnia and Herzegovina"),
        ("keyed-cambodia", sites.keyed, KHM24, "Tier 2 Watch List", "Cambodia"),
    ]
    edits = [("dates", dated), ("tokens", tokens), ("navfooter", navfoot), ("sidebar", sidebar),
             ("related", related), ("banners", banners), ("comments", comments), ("everything", everything)]
    for name, render, report, tier0, _ in families:
        b = base if name != "keyed-cambodia" else replace(base, sidebar=SIDEBAR_KHM)
        for edit_name, c in edits:
            if name == "keyed-cambodia" and edit_name == "sidebar":
                c = replace(c, sidebar=(("Thailand", "Tier 3"), ("Laos", "Tier 2"), ("Vietnam", "Tier 3")))
            elif name == "keyed-cambodia":
                c = replace(c, sidebar=SIDEBAR_KHM)
            old, new = render(report, b), render(report, c)
            if old == new:
                continue
            pair(f"chrome-{name}-{edit_name}", "chrome", f"{edit_name} edited on a {name} page", old, new, tier0)
    # chrome lines that live inside the article
    pair("chrome-state24-reviewed", "chrome", "the Last reviewed line inside the article changes",
         sites.state2024(BURMA), sites.state2024(BURMA, replace(base, reviewed="February 12, 2026")), "Tier 3")
    for name, render, report, tier0 in (("state24", sites.state2024, CIV, "Tier 2"), ("archive", sites.archive2003, HND03, "Tier 2")):
        old = render(report, base)
        new = old.replace("</body>", '<div class="views-counter"><p>1,285 people viewed this page</p></div></body>') \
            .replace("<body", "<body data-x=\"1\"", 1)
        old = old.replace("</body>", '<div class="views-counter"><p>1,284 people viewed this page</p></div></body>')
        pair(f"chrome-{name}-viewed-counter", "chrome", "an 'N people viewed this page' counter ticks", old, new, tier0)
    # a counter and a stamp inside the narrative's container, as some sites print them
    old = sites.archive2003(HND03)
    new = old.replace("Back to Top</a>", "Back to Top</a><br>This page has been viewed 20,418 times")
    old = old.replace("Back to Top</a>", "Back to Top</a><br>This page has been viewed 20,417 times")
    pair("chrome-archive-viewed-inline", "chrome", "a page-view counter inside the content cell", old, new, "Tier 2")
    old = sites.archive2003(BURMA03)
    pair("chrome-archive-topbar", "chrome", "the old site's top bar link changes", old,
         sites.archive2003(BURMA03, replace(base, extra={"topbar": "Search the site"})), "Tier 3")
    # attributes reordered, a session id in links, scripts and styles added
    old = sites.state2024(DPRK)
    new = old.replace('<a class="back-to-top" href="#main">', '<a href="#main" class="back-to-top">') \
        .replace('<div class="report__content">', '<div data-sid="s8f2k1" class="report__content">') \
        .replace("</head>", "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-XYZ\"></script><style>.x{display:none}</style></head>")
    pair("chrome-state24-attributes", "chrome", "attributes reordered, a data attribute, scripts and styles added", old, new, "Tier 3")
    # the seed page's other renderings: its chrome lines change
    for name, render in (("lines", sites.refworld_lines), ("br", sites.refworld_br), ("pre", sites.refworld_pre)):
        pair(f"chrome-refworld-{name}-dates", "chrome", f"seed rendered as {name}: Last Updated and accessed change",
             render(SEED), render(SEED, dated), "Tier 3")
    pair("chrome-plaintext-seed-dates", "chrome", "the seed as text/plain: Last Updated and accessed change",
         sites.plain_text(SEED), sites.plain_text(SEED, dated), "Tier 3", ctype0="text/plain; charset=utf-8",
         ctype1="text/plain; charset=utf-8")
    pair("chrome-pre-honduras", "chrome", "a preformatted page: its header line and counter change",
         sites.pre_page(HND03), sites.pre_page(HND03, replace(dated, cookie="Cookies help us deliver our services.")), "Tier 2")
    # embassy
    old = sites.embassy(EMBASSY_PARAS, EMB_R)
    new = sites.embassy(EMBASSY_PARAS, EMB_R, replace(base, related=("Thailand downgraded to Tier 3 in new report", "Laos upgraded to Tier 2"),
                                                      token="0f0f0f0f0f", reviewed="June 25, 2024"))
    pair("chrome-embassy-recent-posts", "chrome", "recent posts (with other countries' tiers), byline date and nonce change",
         old, new, "Tier 2 Watch List")
    pair("chrome-ecoi-document-id", "chrome", "ecoi.net: Document ID and 'available since' change",
         sites.ecoi(GMB), sites.ecoi(GMB, replace(base, reviewed="2 July 2020"), doc_id="2053999"), "Tier 2 Watch List")


# --------------------------------------------------------------------------- markup-only edits

def markup_rows() -> None:
    rows: list[tuple[str, Callable[..., str], Report, str, Markup]] = [
        ("state24-div", sites.state2024, BURMA, "Tier 3", Markup(block="div")),
        ("state24-wrapped", sites.state2024, GNB, "Tier 2 Watch List", Markup(wrap=70)),
        ("state24-nbsp", sites.state2024, CIV, "Tier 2", Markup(nbsp=True)),
        ("state24-entities", sites.state2024, DPRK, "Tier 3", Markup(entities=True)),
        ("state24-soft-hyphens", sites.state2024, CUW, "Tier 2", Markup(soft_hyphens=True)),
        ("state24-inline", sites.state2024, BURMA, "Tier 3", Markup(inline=True)),
        ("state24-inline-bullets", sites.state2024, LBY, "Special Case", Markup(bullets="inline")),
        ("state24-line-bullets", sites.state2024, CIV, "Tier 2", Markup(bullets="lines")),
        ("state24-h3-sections", sites.state2024, BURMA, "Tier 3", Markup(sections="<h3>{t}</h3>", heading="<h2>{h}</h2>")),
        ("state17-div", sites.state2017, COD, "Tier 2 Watch List", Markup(block="div", wrap=90)),
        ("archive-wrapped", sites.archive2003, BIH04, "Tier 2 Watch List", Markup(wrap=60, nbsp=True)),
        ("refworld-entities", sites.refworld_table, SEED, "Tier 3", Markup(entities=True, soft_hyphens=True)),
        ("ecoi-div", sites.ecoi, VCT, "Tier 2", Markup(block="div", inline=True)),
        ("keyed-wrapped", sites.keyed, KHM24, "Tier 2 Watch List", Markup(wrap=50)),
    ]
    for name, render, report, tier0, markup in rows:
        c = Chrome(sidebar=SIDEBAR_KHM) if render is sites.keyed else Chrome()
        pair(f"markup-{name}", "markup", f"same text, other markup: {markup}", render(report, c), render(report, c, markup), tier0)
    pair("markup-pre-rewrapped", "markup", "a preformatted page re-wrapped at another width",
         sites.pre_page(PRK05), sites.pre_page(PRK05, m=Markup(wrap=64)), "Tier 3")
    pair("markup-plaintext-rewrapped", "markup", "the seed as text/plain, hard-wrapped at 72 columns",
         sites.plain_text(SEED), sites.plain_text(SEED, m=Markup(wrap=72)), "Tier 3",
         ctype0="text/plain; charset=utf-8", ctype1="text/plain; charset=utf-8")
    pair("markup-seed-table-to-lines", "markup", "the seed page moved from a metadata table to one line per block",
         sites.refworld_table(SEED), sites.refworld_lines(SEED), "Tier 3")
    pair("markup-seed-lines-to-br", "markup", "the seed page moved from paragraphs to <br> lines",
         sites.refworld_lines(SEED), sites.refworld_br(SEED), "Tier 3")
    pair("markup-seed-br-to-pre", "markup", "the seed page moved from <br> lines to a <pre> block",
         sites.refworld_br(SEED), sites.refworld_pre(SEED, m=Markup(wrap=78)), "Tier 3")
    pair("markup-embassy-div", "markup", "press release paragraphs as <div> with inline links",
         sites.embassy(EMBASSY_PARAS, EMB_R), sites.embassy(EMBASSY_PARAS, EMB_R, m=Markup(block="div", inline=True, entities=True)),
         "Tier 2 Watch List")
    # the heading set another way
    for name, render, report, tier0, tpl in (
            ("state24-heading-h2", sites.state2024, BURMA, "Tier 3", "<h2 class=\"report__tier\">{h}</h2>"),
            ("archive-heading-font", sites.archive2003, HND03, "Tier 2", "<p><font size=\"3\"><b>{h}</b></font></p>"),
            ("ecoi-heading-strong", sites.ecoi, BIH, "Tier 2", "<p><strong>{h}</strong></p>")):
        pair(f"markup-{name}", "markup", f"tier heading set as {tpl}", render(report), render(report, m=Markup(heading=tpl)), tier0)


# --------------------------------------------------------------------------- tier spelling variants

def spelling_rows() -> None:
    rows: list[tuple[str, Callable[..., str], Report, str, str, str]] = [
        ("state24-caps", sites.state2024, GNB, "GUINEA-BISSAU: TIER 2 WATCH LIST", "Tier 2 Watch List", ""),
        ("state24-watchlist", sites.state2024, GNB, "GUINEA-BISSAU: Tier 2 Watchlist", "Tier 2 Watch List", ""),
        ("state24-words", sites.state2024, GNB, "GUINEA-BISSAU: Tier Two Watch List", "Tier 2 Watch List", ""),
        ("state24-roman", sites.state2024, CIV, "CÔTE D'IVOIRE: Tier II", "Tier 2", ""),
        ("state24-parens", sites.state2024, BURMA, "Burma (Tier 3)", "Tier 3", ""),
        ("state24-two-lines", sites.state2024, DPRK, "KOREA, NORTH:\nTier 3", "Tier 3", ""),
        ("state24-two-blocks", sites.state2024, DPRK, "KOREA, NORTH\n\nTier 3", "Tier 3", ""),
        ("state17-caps-to-mixed", sites.state2017, COD, "CONGO, DEMOCRATIC REPUBLIC OF THE: Tier 2 Watch List", "Tier 2 Watch List", ""),
        ("state17-two-lines", sites.state2017, COD, "CONGO, DEMOCRATIC REPUBLIC OF THE\n(Tier 2 Watch List)", "Tier 2 Watch List", ""),
        ("state17-special-reversed", sites.state2017, SOM, "SPECIAL CASE: SOMALIA", "Special Case", ""),
        ("state17-special-parens", sites.state2017, SOM, "Special Case (Somalia)", "Special Case", ""),
        ("archive-roman", sites.archive2003, BURMA03, "Burma (Tier III)", "Tier 3", ""),
        ("archive-upper", sites.archive2003, HND03, "HONDURAS (TIER 2)", "Tier 2", ""),
        ("archive-tier-two", sites.archive2003, BIH04, "Bosnia and Herzegovina (Tier 2 Watchlist)", "Tier 2 Watch List", ""),
        ("refworld-special", sites.refworld_table, YEM, "Yemen (Special Case)", "Special Case", "2019"),
        ("refworld-three", sites.refworld_table, SEED, "Cambodia (Tier Three)", "Tier 3", ""),
        ("ecoi-gambia", sites.ecoi, GMB, "GAMBIA, THE: Tier 2 Watch List", "Tier 2 Watch List", ""),
        ("ecoi-vct", sites.ecoi, VCT, "ST. VINCENT AND THE GRENADINES: TIER 2", "Tier 2", ""),
        ("ecoi-bih-ampersand", sites.ecoi, BIH, "BOSNIA & HERZEGOVINA: Tier 2", "Tier 2", ""),
    ]
    for name, render, report, heading, tier0, date in rows:
        kwargs = {"date": "26 June 2019"} if date else {}
        pair(f"spelling-{name}", "spelling", f"heading respelled as {heading!r}", render(report, **kwargs),
             render(nv.with_heading(report, heading), **kwargs), tier0)
    # the narrative's own mention of the tier respelled
    r = nv.replace_text(KHM24, "to victim services.", "to victim services. Therefore Cambodia remained on Tier 2 Watch List.")
    pair("spelling-sentence-watchlist", "spelling", "a narrative sentence's tier respelled 'TIER 2 WATCHLIST'",
         sites.state2024(r), sites.state2024(nv.replace_text(r, "remained on Tier 2 Watch List", "remained on TIER 2 WATCHLIST")),
         "Tier 2 Watch List")
    paras = [x.replace("on Tier 2 Watch List", "on Tier Two Watch List") for x in EMBASSY_PARAS]
    pair("spelling-embassy-sentence", "spelling", "press release: 'Tier Two Watch List' for 'Tier 2 Watch List'",
         sites.embassy(EMBASSY_PARAS, EMB_R), sites.embassy(paras, EMB_R), "Tier 2 Watch List")


# --------------------------------------------------------------------------- tier changes

ALL_TIERS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")


def tier_rows() -> None:
    # every transition, spread over page families and heading forms
    families: list[tuple[str, Callable[[Report], str], Report, Callable[[str], str], str]] = [
        ("state24", sites.state2024, BURMA, lambda t: f"BURMA: {t}", "Burma"),
        ("state17", sites.state2017, TLS, lambda t: f"TIMOR-LESTE: {t.upper()}", "Timor-Leste"),
        ("archive", sites.archive2003, BURMA03, lambda t: f"Burma ({t})", "Burma"),
        ("refworld", sites.refworld_table, SEED, lambda t: f"Cambodia ({t})", "Cambodia"),
        ("ecoi", sites.ecoi, CIV, lambda t: f"CÔTE D’IVOIRE: {t}", "Côte d'Ivoire"),
        ("pre", sites.pre_page, HND03, lambda t: f"Honduras ({t})", "Honduras"),
        ("keyed", lambda r: sites.keyed(r, Chrome(sidebar=SIDEBAR_KHM)), KHM24, lambda t: f"CAMBODIA: {t}", "Cambodia"),
        ("state24-2lines", sites.state2024, DPRK, lambda t: f"KOREA, NORTH:\n{t}", "Korea, North"),
    ]
    transitions = [(a, b) for a in ALL_TIERS for b in ALL_TIERS if a != b]
    for index, (old, new) in enumerate(transitions):
        for offset in (0, 3):     # each transition on two families
            name, render, report, form, country = families[(index + offset) % len(families)]
            sid = f"tier-{name}-{old}-to-{new}".lower().replace(" ", "")
            pair(sid, "tier", f"heading {form(old)!r} -> {form(new)!r}", render(nv.with_heading(report, form(old))),
                 render(nv.with_heading(report, form(new))), old, change(country, tier(old, new, direction(old, new))))
    # special-case heading forms
    for sid, r0, h1, country in (
            ("tier-state24-libya-special-to-tier3", LBY, "LIBYA: Tier 3", "Libya"),
            ("tier-state17-somalia-bare-special-to-tier3", SOM, "SOMALIA: Tier 3", "Somalia"),
            ("tier-refworld-yemen-reversed-special-to-tier2wl", YEM, "YEMEN: Tier 2 Watch List", "Yemen")):
        render = {"state24": sites.state2024, "state17": sites.state2017, "refworld": lambda r: sites.refworld_table(r, date="26 June 2019")}[sid.split("-")[1]]
        pair(sid, "tier", f"{r0.heading!r} -> {h1!r}", render(r0), render(nv.with_heading(r0, h1)), "Special Case",
             change(country, tier("Special Case", h1.split(": ")[1], None)))
        pair(sid.replace("-to-", "-back-"), "tier", f"{h1!r} -> {r0.heading!r}", render(nv.with_heading(r0, h1)), render(r0),
             h1.split(": ")[1], change(country, tier(h1.split(": ")[1], "Special Case", None)))


# --------------------------------------------------------------------------- findings edits

def findings_rows() -> None:
    NEW = "The government also extradited two suspects to Thailand."
    r = sentence_added(BURMA, PROS2, NEW)
    pair("findings-state24-sentence-added", "findings", "one sentence added in Prosecution",
         sites.state2024(BURMA), sites.state2024(r), "Tier 3", change("Burma", f=findings(added=[NEW], sections=["Prosecution"])))
    r = nv.replace_text(BURMA, " " + PROT1_LAST, "")
    pair("findings-state24-sentence-removed", "findings", "one sentence removed in Protection",
         sites.state2024(BURMA), sites.state2024(r), "Tier 3", change("Burma", f=findings(removed=[PROT1_LAST], sections=["Protection"])))
    r = nv.replace_text(BURMA, "courts convicted 88 traffickers", "courts convicted 89 traffickers")
    pair("findings-state24-number", "findings", "a number changed in Prosecution", sites.state2024(BURMA), sites.state2024(r), "Tier 3",
         change("Burma", f=findings(added=[PROS2.replace("88", "89")], removed=[PROS2], sections=["Prosecution"])))
    r = nv.replace_text(BURMA, PREV2_MID, PREV2_MID.replace("did not identify any cases", "identified two cases"))
    pair("findings-state24-sentence-edited", "findings", "one sentence reworded in Prevention", sites.state2024(BURMA), sites.state2024(r), "Tier 3",
         change("Burma", f=findings(added=[PREV2_MID.replace("did not identify any cases", "identified two cases")], removed=[PREV2_MID],
                                    sections=["Prevention"])))
    BUL = "Ban worker-paid recruitment fees and enforce the ban on labor recruiters."
    r = nv.replace_text(DPRK, SHELTERS, SHELTERS + "\x1f" + BUL)
    pair("findings-state24-bullet-added", "findings", "a recommendation bullet added", sites.state2024(DPRK), sites.state2024(r), "Tier 3",
         change("Korea, North", f=findings(added=[BUL], sections=["Recommendations"])))
    r = nv.replace_text(CIV, SHELTERS + "\x1f", "")
    pair("findings-state24-bullet-removed", "findings", "a recommendation bullet removed", sites.state2024(CIV), sites.state2024(r), "Tier 2",
         change("Côte d'Ivoire", f=findings(removed=[SHELTERS], sections=["Recommendations"])))
    pair("findings-state24-inline-bullet-edited", "findings", "an inline '•' bullet edited",
         sites.state2024(LBY, m=Markup(bullets="inline")),
         sites.state2024(nv.replace_text(LBY, "specialized shelters", "all shelters"), m=Markup(bullets="inline")), "Special Case",
         change("Libya", f=findings(added=[SHELTERS.replace("specialized shelters", "all shelters")], removed=[SHELTERS], sections=["Recommendations"])))
    r, moved = nv.move_block(GNB, "In 2021, the national police", "The government provided training for 640")
    pair("findings-state24-paragraph-moved", "findings", "a paragraph moved two places down within Prosecution",
         sites.state2024(GNB), sites.state2024(r), "Tier 2 Watch List", change("Guinea-Bissau", f=findings(moved=[moved], sections=["Prosecution"])))
    NEWP = "In a positive development, the government opened its first shelter for adult male victims in the capital."
    r = nv.insert_block(CUW, "The government operated 11 shelters", nv.p(NEWP))
    pair("findings-state24-paragraph-added", "findings", "a new paragraph in Protection", sites.state2024(CUW), sites.state2024(r), "Tier 2",
         change("Curaçao", f=findings(added=[NEWP], sections=["Protection"])))
    r, gone = nv.remove_block(CUW, "Criminal groups operating online scam")
    pair("findings-state24-paragraph-removed", "findings", "the last paragraph of Trafficking Profile removed",
         sites.state2024(CUW), sites.state2024(r), "Tier 2",
         change("Curaçao", f=findings(removed=["Criminal groups operating online scam compounds force thousands of victims from across the region to conduct fraudulent schemes.",
                                         "Children are exploited in forced begging and street vending."], sections=["Trafficking Profile"])))
    # state.gov 2017-2019 accordion pages
    r = nv.replace_text(KHM17, "expand victim services, particularly for male victims;",
                        "expand victim services, particularly for male victims; ban worker-paid recruitment fees;")
    pair("findings-state17-semicolon-added", "findings", "a clause added to the semicolon recommendations",
         sites.state2017(KHM17), sites.state2017(r), "Tier 2 Watch List",
         change("Cambodia", f=findings(added=["ban worker-paid recruitment fees"], sections=["Recommendations"])))
    r = nv.replace_text(KHM17, "Authorities identified 512 victims", "Authorities identified 498 victims")
    old_s = "Authorities identified 512 victims, including 301 women, 97 men, and 114 children, compared with 437 victims the previous year."
    pair("findings-state17-number", "findings", "a number in Protection (accordion section)", sites.state2017(KHM17), sites.state2017(r),
         "Tier 2 Watch List", change("Cambodia", f=findings(added=[old_s.replace("512", "498")], removed=[old_s], sections=["Protection"])))
    r = sentence_added(TLS, "lacked funding to implement the plan.", "The committee published its first annual report.")
    pair("findings-state17-sentence-added", "findings", "a sentence added in Prevention (title-case accordion)",
         sites.state2017(TLS), sites.state2017(r), "Tier 2",
         change("Timor-Leste", f=findings(added=["The committee published its first annual report."], sections=["Prevention"])))
    # early pages
    S1 = "Victims are trafficked from Vietnam for the purpose of sexual exploitation."
    for name, render in (("refworld-table", sites.refworld_table), ("refworld-lines", sites.refworld_lines),
                         ("refworld-br", sites.refworld_br), ("refworld-pre", sites.refworld_pre)):
        pair(f"findings-{name}-seed-sentence-removed", "findings", f"seed ({name}): one sentence removed",
             render(SEED), render(nv.replace_text(SEED, S1 + " ", "")), "Tier 3",
             change("Cambodia", f=findings(removed=[S1], sections=["Overview"])))
    S2 = "Some traffickers were convicted during 2001 and are serving time in prison."
    pair("findings-plaintext-seed-number", "findings", "the seed as text/plain: a year changed",
         sites.plain_text(SEED), sites.plain_text(nv.replace_text(SEED, "during 2001", "during 2000")), "Tier 3",
         change("Cambodia", f=findings(added=[S2.replace("2001", "2000")], removed=[S2], sections=["Overview"])),
         ctype0="text/plain; charset=utf-8", ctype1="text/plain; charset=utf-8")
    S3 = "Police conducted 37 raids on suspected trafficking operations and arrested 58 suspects."
    pair("findings-archive-number", "findings", "2003 table layout: a number changed", sites.archive2003(BURMA03),
         sites.archive2003(nv.replace_text(BURMA03, "37 raids", "39 raids")), "Tier 3",
         change("Burma", f=findings(added=[S3.replace("37", "39")], removed=[S3], sections=["Overview"])))
    NEW2 = "A second shelter opened in the north of the country."
    pair("findings-pre-sentence-added", "findings", "preformatted page: a sentence added", sites.pre_page(HND03),
         sites.pre_page(sentence_added(HND03, "operated jointly with an international organization.", NEW2)), "Tier 2",
         change("Honduras", f=findings(added=[NEW2], sections=["Overview"])))
    # ecoi, keyed, embassy
    r = nv.replace_text(BIH, TRAINING, TRAINING.replace("640", "1,040"))
    t1 = TRAINING.split(". ")[0] + "."
    pair("findings-ecoi-number", "findings", "ecoi.net: a number changed", sites.ecoi(BIH), sites.ecoi(r), "Tier 2",
         change("Bosnia and Herzegovina", f=findings(added=[t1.replace("640", "1,040")], removed=[t1], sections=["Prosecution"])))
    r = nv.replace_text(KHM24, "Train judges, prosecutors, and police", "Train judges, prosecutors, police, and labor inspectors")
    tj = "Train judges, prosecutors, and police on a victim-centered and trauma-informed approach."
    pair("findings-keyed-bullet-edited", "findings", "tier-key page: a bullet edited", sites.keyed(KHM24, Chrome(sidebar=SIDEBAR_KHM)),
         sites.keyed(r, Chrome(sidebar=SIDEBAR_KHM)), "Tier 2 Watch List",
         change("Cambodia", f=findings(added=[tj.replace("and police", "police, and labor inspectors")], removed=[tj], sections=["Recommendations"])))
    E = "Authorities did not adequately address forced criminality in online scam operations, where traffickers held thousands of victims."
    paras = [x.replace(E, E.replace("thousands", "tens of thousands")) for x in EMBASSY_PARAS]
    pair("findings-embassy-sentence-edited", "findings", "press release: a sentence edited", sites.embassy(EMBASSY_PARAS, EMB_R),
         sites.embassy(paras, EMB_R), "Tier 2 Watch List",
         change("Cambodia", f=findings(added=[E.replace("thousands", "tens of thousands")], removed=[E])))


# --------------------------------------------------------------------------- tier and findings together

def both_rows() -> None:
    old_s = "The Government of Burma does not fully meet the minimum standards for the elimination of trafficking but is making significant efforts to do so."
    new_s = "The Government of Burma does not fully meet the minimum standards for the elimination of trafficking and is not making significant efforts to do so."
    r0 = nv.with_heading(BURMA, "BURMA: Tier 2 Watch List")
    r1 = nv.replace_text(BURMA, old_s, new_s)
    pair("both-state24-downgrade", "tier+findings", "Tier 2 Watch List -> Tier 3 and the overview's assessment changes",
         sites.state2024(r0), sites.state2024(r1), "Tier 2 Watch List",
         change("Burma", tier("Tier 2 Watch List", "Tier 3", "downgrade"), findings(added=[new_s], removed=[old_s], sections=["Overview"])))
    S = "The government demonstrated overall increasing efforts compared with the previous reporting period."
    T0 = "Therefore Cambodia remained on Tier 2 Watch List for the second consecutive year."
    T1 = "Therefore Cambodia was upgraded to Tier 2."
    r0 = nv.replace_text(KHM24, S, S + " " + T0)
    r1 = nv.with_heading(nv.replace_text(KHM24, S, S + " " + T1), "CAMBODIA: Tier 2")
    pair("both-keyed-upgrade-with-sentence", "tier+findings", "heading and the narrative's placement sentence both change",
         sites.keyed(r0, Chrome(sidebar=SIDEBAR_KHM)), sites.keyed(r1, Chrome(sidebar=SIDEBAR_KHM)), "Tier 2 Watch List",
         change("Cambodia", tier("Tier 2 Watch List", "Tier 2", "upgrade"), findings(added=[T1], removed=[T0], sections=["Overview"])))
    NEW = "In 2004, the government adopted a comprehensive anti-trafficking law."
    r1 = sentence_added(nv.with_heading(SEED, "Cambodia (Tier 2 Watch List)"), "serving time in prison.", NEW)
    pair("both-refworld-seed-upgrade", "tier+findings", "seed: Tier 3 -> Tier 2 Watch List and a sentence added",
         sites.refworld_table(SEED), sites.refworld_table(r1), "Tier 3",
         change("Cambodia", tier("Tier 3", "Tier 2 Watch List", "upgrade"), findings(added=[NEW], sections=["Overview"])))
    r1 = nv.replace_text(nv.with_heading(SOM, "SOMALIA: Tier 3"), SHELTERS + "\x1f", "")
    pair("both-state17-special-to-tier3", "tier+findings", "Special Case -> Tier 3 and a recommendation dropped",
         sites.state2017(SOM), sites.state2017(r1), "Special Case",
         change("Somalia", tier("Special Case", "Tier 3", None), findings(removed=[SHELTERS], sections=["Recommendations"])))
    P0 = "The 2024 Trafficking in Persons Report, released today by Secretary of State Antony J. Blinken, placed Cambodia on Tier 2 Watch List."
    P1 = P0.replace("on Tier 2 Watch List", "on Tier 3")
    paras = [x.replace(P0, P1) for x in EMBASSY_PARAS]
    pair("both-embassy-downgrade", "tier+findings", "press release: the placement sentence now says Tier 3",
         sites.embassy(EMBASSY_PARAS, EMB_R), sites.embassy(paras, EMB_R), "Tier 2 Watch List",
         change("Cambodia", tier("Tier 2 Watch List", "Tier 3", "downgrade"), findings(added=[P1], removed=[P0])))


# --------------------------------------------------------------------------- transient pages

MAINTENANCE = """<!DOCTYPE html><html><head><title>Site Maintenance | U.S. Department of State</title></head>
<body><div class="maintenance"><h1>We&rsquo;ll be back soon!</h1><p>Sorry for the inconvenience. We&rsquo;re performing some maintenance at the moment and will be back online shortly.</p><p>&mdash; The State Department Web Team</p></div></body></html>"""
CAPTCHA = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="refresh" content="390"></head>
<body><div class="main-wrapper" role="main"><div class="main-content"><h1 class="zone-name-title h1">www.state.gov</h1><h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></noscript>
<div id="challenge-body-text" class="core-msg spacer">www.state.gov needs to review the security of your connection before proceeding.</div></div></div>
<script>(function(){window._cf_chl_opt={cvId: '2',cType: 'managed',cNounce: '81734'};}());</script></body></html>"""
ERROR_500 = """<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1>
<p>The server encountered an internal error or misconfiguration and was unable to complete your request.</p><hr><address>Apache Server at www.refworld.org Port 443</address></body></html>"""
NOT_FOUND = """<!DOCTYPE html><html><head><title>Page Not Found - United States Department of State</title></head><body>
<header class="site-header"><nav><a href="/">Home</a></nav></header><main id="main"><h1>Page Not Found</h1><p>The page you requested could not be found. Try searching state.gov.</p></main></body></html>"""
ACCESS_DENIED = """<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>You don't have permission to access "http&#58;&#47;&#47;www&#46;state&#46;gov&#47;reports&#47;" on this server.<P>Reference&#32;&#35;18&#46;5c2f1002&#46;1700000000&#46;1a2b3c</BODY></HTML>"""


def transient_rows() -> None:
    base = sites.state2024(BURMA)
    for name, body, status, http in (
            ("maintenance", MAINTENANCE, "suspect", 200), ("captcha", CAPTCHA, "suspect", 200),
            ("error-500-as-200", ERROR_500, "suspect", 200), ("http-503", ERROR_500, "failed", 503),
            ("http-500", ERROR_500, "failed", 500), ("http-429", "Too Many Requests", "failed", 429),
            ("empty", "", "suspect", 200), ("whitespace", "\n\n   \n", "suspect", 200),
            ("not-found-200", NOT_FOUND, "suspect", 200), ("access-denied", ACCESS_DENIED, "suspect", 200)):
        add(f"transient-state24-{name}", "transient", f"{name} answer, then the page back unchanged",
            step(base, "new", "Tier 3"), step(body, status, "Tier 3", http=http), step(base, "unchanged", "Tier 3"))
    half = base[: base.index("The government operated 11 shelters") + 30]
    add("transient-state24-truncated", "transient", "the body cut off mid-narrative, then the page back",
        step(base, "new", "Tier 3"), step(half, "suspect", "Tier 3"), step(base, "unchanged", "Tier 3"))
    seed = sites.refworld_table(SEED)
    cut = seed[: seed.index("Police actively investigate")]
    add("transient-refworld-truncated", "transient", "the seed page cut off in its long paragraph, then back",
        step(seed, "new", "Tier 3"), step(cut, "suspect", "Tier 3"), step(seed, "unchanged", "Tier 3"))
    # the heading disappears (a broken template), then comes back
    broken = base.replace("<p><strong>BURMA: Tier 3</strong></p>", "")
    add("transient-state24-heading-vanished", "transient", "the tier heading vanishes for one fetch",
        step(base, "new", "Tier 3"), step(broken, "suspect", "Tier 3"), step(base, "unchanged", "Tier 3"))
    # a maintenance page, then a real change: the alert is against the stored baseline
    NEW = "The government also extradited two suspects to Thailand."
    changed = sites.state2024(sentence_added(BURMA, PROS2, NEW))
    add("transient-state24-maintenance-then-change", "transient", "maintenance, then the page back with a new sentence",
        step(base, "new", "Tier 3"), step(MAINTENANCE, "suspect", "Tier 3"),
        step(changed, "changed", "Tier 3", change("Burma", f=findings(added=[NEW], sections=["Prosecution"]))))
    # a 503 in the middle of a tier change
    up = sites.state2024(nv.with_heading(BURMA, "BURMA: Tier 2 Watch List"))
    add("transient-state24-503-then-upgrade", "transient", "a 503, then the page back with an upgrade",
        step(base, "new", "Tier 3"), step(ERROR_500, "failed", "Tier 3", http=503),
        step(up, "changed", "Tier 2 Watch List", change("Burma", tier("Tier 3", "Tier 2 Watch List", "upgrade"))))
    # a suspect first fetch is no baseline
    add("transient-first-fetch-captcha", "transient", "the very first fetch is a captcha; the next one is the baseline",
        step(CAPTCHA, "suspect", None), step(sites.ecoi(BIH), "new", "Tier 2"), step(sites.ecoi(BIH), "unchanged", "Tier 2"))
    emb = sites.embassy(EMBASSY_PARAS, EMB_R)
    add("transient-embassy-maintenance", "transient", "press release: maintenance page, then back",
        step(emb, "new", "Tier 2 Watch List"), step(MAINTENANCE, "suspect", "Tier 2 Watch List"), step(emb, "unchanged", "Tier 2 Watch List"))
    pre = sites.pre_page(HND03)
    add("transient-pre-truncated", "transient", "a preformatted page cut short, then back",
        step(pre, "new", "Tier 2"), step(pre[: pre.index("Police conducted 37")], "suspect", "Tier 2"), step(pre, "unchanged", "Tier 2"))


# --------------------------------------------------------------------------- character sets

def charset_rows() -> None:
    r = CIV
    page = sites.state2024(r, m=Markup(entities=False))
    page = page.replace("to victim services.", "to victim services — notably in the “Abidjan” region’s shelters.")
    cp = page.replace('<meta charset="UTF-8">', '<meta charset="windows-1252">').encode("cp1252")
    cp_undeclared = page.replace('<meta charset="UTF-8">', "").encode("cp1252")
    latin = page.replace('<meta charset="UTF-8">', "").encode("iso-8859-1", errors="xmlcharrefreplace")
    u16 = page.replace('<meta charset="UTF-8">', '<meta charset="utf-16">').encode("utf-16")
    pair("charset-cp1252-header-vs-utf8", "charset", "utf-8 page, then the same page in windows-1252 (header)",
         page, cp, "Tier 2", ctype1="text/html; charset=windows-1252")
    pair("charset-cp1252-meta", "charset", "windows-1252 declared in <meta> only, then in utf-8",
         cp, page, "Tier 2", ctype0="text/html")
    pair("charset-cp1252-undeclared", "charset", "windows-1252 undeclared, then utf-8",
         cp_undeclared, page, "Tier 2", ctype0="text/html")
    pair("charset-latin1-header", "charset", "iso-8859-1 in the header with character references, then utf-8",
         latin, page, "Tier 2", ctype0="text/html; charset=ISO-8859-1")
    pair("charset-utf16-bom", "charset", "utf-16 with a BOM, then utf-8", u16, page, "Tier 2", ctype0="text/html")
    NEW = "Officials in San-Pédro opened a second shelter."
    edited = sites.state2024(sentence_added(r, PROS2, NEW), m=Markup(entities=False)).replace(
        "to victim services.", "to victim services — notably in the “Abidjan” region’s shelters.")
    pair("charset-cp1252-change", "charset", "windows-1252 page: a sentence with an accent added",
         cp, edited.replace('<meta charset="UTF-8">', '<meta charset="windows-1252">').encode("cp1252"), "Tier 2",
         change("Côte d'Ivoire", f=findings(added=[NEW], sections=["Prosecution"])),
         ctype0="text/html; charset=windows-1252", ctype1="text/html; charset=windows-1252")
    cur = sites.state2024(CUW).replace('<meta charset="UTF-8">', "")
    pair("charset-curacao-cp1252-undeclared", "charset", "CURAÇAO heading in undeclared windows-1252, then utf-8",
         cur.encode("cp1252"), cur, "Tier 2", ctype0="text/html")
    cur_up = sites.state2024(nv.with_heading(CUW, "CURAÇAO: Tier 1")).replace('<meta charset="UTF-8">', "")
    pair("charset-curacao-cp1252-upgrade", "charset", "CURAÇAO in windows-1252: Tier 2 -> Tier 1",
         cur.encode("cp1252"), cur_up.encode("cp1252"), "Tier 2", change("Curaçao", tier("Tier 2", "Tier 1", "upgrade")),
         ctype0="text/html; charset=windows-1252", ctype1="text/html; charset=windows-1252")
    old = sites.archive2003(BIH04, m=Markup(entities=True)).encode("iso-8859-1", errors="xmlcharrefreplace")
    new = sites.archive2003(BIH04).encode("iso-8859-1")
    pair("charset-archive-latin1-entities", "charset", "2004 page declared iso-8859-1: entities vs plain apostrophes",
         old, new, "Tier 2 Watch List", ctype0="text/html", ctype1="text/html")


# --------------------------------------------------------------------------- explanations of the tier system

def explanation_rows() -> None:
    key = ('<div class="tip-tier-box"><h4>Tier 2 Watch List</h4><p>Countries whose governments do not fully meet the '
           "minimum standards but are making significant efforts to meet them, and for which the estimated number of "
           "victims is significant or increasing.</p></div>")
    P0 = "The 2024 Trafficking in Persons Report, released today by Secretary of State Antony J. Blinken, placed Cambodia on Tier 2 Watch List."
    paras = [x.replace(P0, P0.replace("Tier 2 Watch List", "Tier 3")) for x in EMBASSY_PARAS]
    emb3 = sites.embassy(paras, EMB_R, key=key)
    add("explain-embassy-key-box", "explanation", "a press release with a one-tier explanation box: the tier comes from the sentence",
        step(emb3, "new", "Tier 3"), step(emb3.replace("victims is significant", "victims is very significant"), "unchanged", "Tier 3"))
    # a history sentence never sets the tier; the heading does
    H = "Cambodia was placed on Tier 3 in 2019 and 2020 and was upgraded to Tier 2 Watch List in 2021."
    r = nv.replace_text(KHM24, "to victim services.", "to victim services. " + H)
    add("explain-history-sentence", "explanation", "a history sentence naming older tiers; the heading says Tier 2 Watch List",
        step(sites.state2024(r), "new", "Tier 2 Watch List"),
        step(sites.state2024(nv.with_heading(r, "CAMBODIA: Tier 2")), "changed", "Tier 2",
             change("Cambodia", tier("Tier 2 Watch List", "Tier 2", "upgrade"))))


# --------------------------------------------------------------------------- the press release

EMBASSY_PARAS = [
    "The U.S. Department of State today released the 2024 Trafficking in Persons (TIP) Report, the U.S. government's principal diplomatic tool to engage foreign governments on human trafficking.",
    "The 2024 Trafficking in Persons Report, released today by Secretary of State Antony J. Blinken, placed Cambodia on Tier 2 Watch List. The report recognizes that the Government of Cambodia does not fully meet the minimum standards for the elimination of trafficking but is making significant efforts to do so.",
    "The government increased investigations of trafficking crimes and identified more victims compared with the previous reporting period. However, the government did not investigate or prosecute any officials for complicity in trafficking crimes, despite continued reports of corruption. Authorities did not adequately address forced criminality in online scam operations, where traffickers held thousands of victims.",
    "Cambodia was placed on Tier 3 in 2019 and 2020 and was upgraded to Tier 2 Watch List in 2021.",
    "The United States remains committed to working with the Government of Cambodia to combat human trafficking. The full report is available on the Department of State website.",
]
EMB_R = Report("", "Cambodia", 2024, ())


# --------------------------------------------------------------------------- second batch: widgets, forms, phrasings

RATE_LIMIT = """<!DOCTYPE html><html><head><title>Too Many Requests</title></head><body><h1>Too many requests</h1>
<p>You have sent too many requests in a given amount of time. Please try again later.</p></body></html>"""
VERIFYING = """<!DOCTYPE html><html><head><title>Please wait...</title></head><body><div id="px-captcha-wrapper">
<h1>Please verify you are a human</h1><p>Access to this page has been denied because we believe you are using automation tools to browse the website.</p>
<p>Reference ID: 7f1c2e30-a1b2-11ee-8c90-0242ac120002</p></div></body></html>"""


def extra_rows() -> None:
    base = Chrome()
    # collapsible-section widgets: chrome-only state changes, and a findings edit landing in its section
    NEW = "The government also extradited two suspects to Thailand."
    for style in ("bootstrap", "details", "toggle-link", "permalink"):
        opened = replace(base, extra={"expanded": "true", "toggle": "Hide"}, updated="Friday, 28 June 2024, 10:00 GMT")
        pair(f"widget-{style}-toggled", "chrome", f"{style} sections opened/closed and the date changed",
             sites.accordion(BURMA, style=style), sites.accordion(BURMA, opened, style=style), "Tier 3")
        pair(f"widget-{style}-sentence-added", "findings", f"{style} sections: a sentence added in Prosecution",
             sites.accordion(BURMA, style=style), sites.accordion(sentence_added(BURMA, PROS2, NEW), style=style), "Tier 3",
             change("Burma", f=findings(added=[NEW], sections=["Prosecution"])))
    pair("widget-bootstrap-downgrade", "tier", "bootstrap accordion page: Tier 2 -> Tier 3",
         sites.accordion(nv.with_heading(BURMA, "BURMA: Tier 2"), style="bootstrap"), sites.accordion(BURMA, style="bootstrap"),
         "Tier 2", change("Burma", tier("Tier 2", "Tier 3", "downgrade")))

    # heading forms: labels, badges, spans, entities, wrapped source
    forms = [
        ("label", "<h1>Burma</h1>\n<p class=\"tier-ranking\">Tier Ranking: {t}</p>", "Tier 3"),
        ("badge", "<h2>Burma <span class=\"badge badge-tier\">{t}</span></h2>", "Tier 3"),
        ("spans", "<h2 class=\"report__tier\"><span class=\"report__country\">BURMA</span><span class=\"report__tier-label\">{t}</span></h2>", "Tier 3"),
        ("div-below-h2", "<h2>BURMA</h2>\n<div class=\"report__tier\">{t}</div>", "Tier 3"),
        ("entities", "<p><strong>B&#85;RMA:&nbsp;{t}</strong></p>", "Tier 3"),
        ("wrapped-source", "<p><strong>BURMA:\n      {t}</strong></p>", "Tier 3"),
        ("no-colon-two-lines", "<p><strong>BURMA</strong><br><strong>{t}</strong></p>", "Tier 3"),
        ("year-prefix", "<h2>2024 Trafficking in Persons Report: Burma ({t})</h2>", "Tier 3"),
    ]
    for name, tpl, t0 in forms:
        def form_page(tier_: str, chrome: Chrome = base, report: Report = BURMA, tpl: str = tpl) -> str:
            return sites.state2024(report, chrome, Markup(heading=tpl.replace("{t}", tier_.replace("{", "{{").replace("}", "}}")).replace("{h}", "")))
        pair(f"form-{name}-chrome", "chrome", f"heading as {name}: chrome edits", form_page(t0),
             form_page(t0, replace(base, updated="Friday, 28 June 2024, 10:00 GMT", token="zz99", sidebar=base.sidebar[:3])), t0)
        pair(f"form-{name}-upgrade", "tier", f"heading as {name}: Tier 3 -> Tier 2 Watch List", form_page(t0),
             form_page("Tier 2 Watch List"), t0, change("Burma", tier(t0, "Tier 2 Watch List", "upgrade")))
        pair(f"form-{name}-spelling", "spelling", f"heading as {name}: tier respelled", form_page("Tier 2 Watch List"),
             form_page("TIER 2 WATCHLIST"), "Tier 2 Watch List")

    # press releases: how embassies word the placement
    phrasings = [
        ("ranked", "For the third consecutive year, Cambodia is ranked {t} in the report.", "{t}"),
        ("remains-on-the", "Cambodia remains on the {t} in the 2024 report.", "{t}"),
        ("maintained", "Cambodia maintained its {t} ranking in the 2024 report.", "{t}"),
        ("upgraded", "The report upgraded Cambodia to {t}, recognizing its increased efforts.", "{t}"),
        ("downgraded", "The Department of State downgraded Cambodia to {t} in this year's report.", "{t}"),
        ("designated", "The 2024 report designated Cambodia as a {t} country.", "{t}"),
    ]
    for name, sentence, _ in phrasings:
        for old_t, new_t in (("Tier 2 Watch List", "Tier 3"),):
            s0, s1 = sentence.format(t=old_t), sentence.format(t=new_t)
            paras0 = [EMBASSY_PARAS[0], s0 + " The report recognizes that the government increased investigations of trafficking crimes.", *EMBASSY_PARAS[2:]]
            paras1 = [EMBASSY_PARAS[0], s1 + " The report recognizes that the government increased investigations of trafficking crimes.", *EMBASSY_PARAS[2:]]
            pair(f"press-{name}-chrome", "chrome", f"press release ({name}): recent posts and byline change",
                 sites.embassy(paras0, EMB_R), sites.embassy(paras0, EMB_R, replace(base, reviewed="July 1, 2024", related=("Laos upgraded to Tier 2",))), old_t)
            pair(f"press-{name}-change", "tier+findings", f"press release ({name}): {old_t} -> {new_t}",
                 sites.embassy(paras0, EMB_R), sites.embassy(paras1, EMB_R), old_t,
                 change("Cambodia", tier(old_t, new_t, direction(old_t, new_t)), findings(added=[s1], removed=[s0])))

    # the seed in more renderings: one <br> per line (no blank lines), <pre> one line per paragraph, CRLF text
    seed_lines = sites.plain_text(SEED).replace("\n\n", "\n").strip("\n").split("\n")
    def br_page(lines: list[str]) -> str:
        return sites._refworld_shell(SEED, base, "<p>" + "<br>\n".join(sites.esc(x) for x in lines) + "</p>")
    dated = [x.replace("Monday, 24 June 2024, 14:07 GMT", "Tuesday, 25 June 2024, 08:00 GMT").replace("[accessed 31 May 2016]", "[accessed 1 March 2026]") for x in seed_lines]
    pair("seed-br-per-line-dates", "chrome", "seed, one <br> per line and no blank lines: dates change", br_page(seed_lines), br_page(dated), "Tier 3")
    S1 = "Victims are trafficked from Vietnam for the purpose of sexual exploitation."
    pair("seed-br-per-line-sentence", "findings", "seed, one <br> per line: a sentence removed", br_page(seed_lines),
         br_page([x.replace(S1 + " ", "") for x in seed_lines]), "Tier 3", change("Cambodia", f=findings(removed=[S1], sections=["Overview"])))
    pair("seed-br-per-line-tier", "tier", "seed, one <br> per line: Tier 3 -> Tier 2 Watch List", br_page(seed_lines),
         br_page([x.replace("Cambodia (Tier 3)", "Cambodia (Tier 2 Watch List)") for x in seed_lines]), "Tier 3",
         change("Cambodia", tier("Tier 3", "Tier 2 Watch List", "upgrade")))
    def pre_lines(lines: list[str]) -> str:
        return sites._refworld_shell(SEED, base, "<pre>" + sites.esc("\n".join(lines)) + "</pre>")
    pair("seed-pre-per-line-dates", "chrome", "seed in <pre>, one line per paragraph, no blank lines: dates change",
         pre_lines(seed_lines), pre_lines(dated), "Tier 3")
    pair("seed-pre-per-line-tier", "tier", "seed in <pre>, no blank lines: Tier 3 -> Special Case", pre_lines(seed_lines),
         pre_lines([x.replace("Cambodia (Tier 3)", "Cambodia (Special Case)") for x in seed_lines]), "Tier 3",
         change("Cambodia", tier("Tier 3", "Special Case", None)))
    crlf = sites.plain_text(SEED).replace("\n", "\r\n")
    pair("seed-plaintext-crlf", "chrome", "the seed as text/plain with CRLF line ends: dates change", crlf,
         sites.plain_text(SEED, replace(base, updated="Tuesday, 25 June 2024, 08:00 GMT", accessed="1 March 2026")).replace("\n", "\r\n"),
         "Tier 3", ctype0="text/plain", ctype1="text/plain")
    pair("seed-plaintext-lf-to-crlf", "markup", "the seed as text/plain: LF line ends, then CRLF", sites.plain_text(SEED), crlf, "Tier 3",
         ctype0="text/plain; charset=utf-8", ctype1="text/plain")
    pair("seed-plaintext-cp1252", "charset", "the seed as text/plain in windows-1252, undeclared, then utf-8",
         sites.plain_text(nv.replace_text(SEED, "at-risk women", "“at-risk” women")).encode("cp1252"),
         sites.plain_text(nv.replace_text(SEED, "at-risk women", "“at-risk” women")), "Tier 3",
         ctype0="text/plain", ctype1="text/plain; charset=utf-8")

    # pages whose <title> changes (the site's name, a suffix): never a change
    old = sites.state2024(BURMA)
    pair("title-suffix-changed", "chrome", "the <title> gets another site suffix", old,
         old.replace("<title>Burma - United States Department of State</title>", "<title>Burma | state.gov</title>"), "Tier 3")
    emb = sites.embassy(EMBASSY_PARAS, EMB_R)
    pair("title-press-changed", "chrome", "press release <title> reworded", emb,
         emb.replace("<title>Release of the 2024 Trafficking in Persons Report | U.S. Embassy in Cambodia</title>",
                     "<title>Press Release: TIP Report | U.S. Embassy in Cambodia</title>"), "Tier 2 Watch List")

    # unmarked sidebars and keys inside the content area, after the narrative
    side0 = '<div class="col-md-4"><h4>Regional tiers</h4><p>Thailand: Tier 2</p><p>Laos: Tier 2 Watch List</p><p>Vietnam: Tier 2 Watch List</p></div>'
    side1 = '<div class="col-md-4"><h4>Regional tiers</h4><p>Thailand: Tier 3</p><p>Laos: Tier 2</p><p>Malaysia: Tier 2 Watch List</p></div>'
    old = sites.state2024(BURMA).replace('<p class="report__reviewed">', side0 + '\n<p class="report__reviewed">')
    pair("unmarked-sidebar-paragraphs", "chrome", "an unmarked regional-tiers box after the narrative changes", old,
         old.replace(side0, side1), "Tier 3")
    key = "\n".join(f"<h4>{t}</h4><p>{d}</p>" for t, d in sites.TIER_KEY)
    old = sites.state2024(CIV).replace('<p class="report__reviewed">', f'<div class="report__key"><h3>About the tiers</h3>{key}</div>\n<p class="report__reviewed">')
    pair("unmarked-key-after-narrative", "chrome", "an unmarked tier key after the narrative is reworded", old,
         old.replace("fully meet the Trafficking Victims Protection Act's minimum standards", "fully meet the TVPA's minimum standards"), "Tier 2")
    pair("unmarked-key-then-downgrade", "tier", "a page with a tier key after the narrative: Tier 2 -> Tier 2 Watch List", old,
         old.replace("CÔTE D’IVOIRE: Tier 2<", "CÔTE D’IVOIRE: Tier 2 Watch List<"), "Tier 2",
         change("Côte d'Ivoire", tier("Tier 2", "Tier 2 Watch List", "downgrade")))
    table0 = "<table class=\"tbl\"><tr><th>Country</th><th>Tier</th></tr><tr><td>Thailand</td><td>Tier 2</td></tr><tr><td>Laos</td><td>Tier 2 Watch List</td></tr></table>"
    old = sites.state2024(GNB).replace('<p class="report__reviewed">', table0 + '\n<p class="report__reviewed">')
    pair("unmarked-table-after-narrative", "chrome", "an unmarked placements table after the narrative changes", old,
         old.replace("<td>Laos</td><td>Tier 2 Watch List</td>", "<td>Laos</td><td>Tier 3</td></tr><tr><td>Burma</td><td>Tier 3</td>"),
         "Tier 2 Watch List")

    # a regional page of several narratives: the source follows the country its title names
    KHM03 = nv.early("Cambodia (Tier 2)", "Cambodia", 2003, Names("Cambodia", "Cambodian", "Thailand"))
    CAN03 = nv.early("Canada (Tier 1)", "Canada", 2003, Names("Canada", "Canadian", "the United States"))
    old = sites.multi([KHM03, CAN03], "Cambodia - Country Narratives, East Asia and the Pacific")
    pair("multi-other-country-edited", "chrome", "regional page: the next country's narrative changes", old,
         sites.multi([KHM03, nv.with_heading(nv.replace_text(CAN03, "37 raids", "41 raids"), "Canada (Tier 2)")],
                     "Cambodia - Country Narratives, East Asia and the Pacific"), "Tier 2")
    S3 = "Police conducted 37 raids on suspected trafficking operations and arrested 58 suspects."
    pair("multi-own-country-edited", "findings", "regional page: this country's narrative changes", old,
         sites.multi([nv.replace_text(KHM03, "37 raids", "38 raids"), CAN03], "Cambodia - Country Narratives, East Asia and the Pacific"),
         "Tier 2", change("Cambodia", f=findings(added=[S3.replace("37", "38")], removed=[S3], sections=["Overview"])))

    # transient pages that repeat, and pages of kinds not yet seen
    page0 = sites.state2024(GNB)
    add("transient-rate-limit-twice", "transient", "a 200 'too many requests' page twice, then the page back",
        step(page0, "new", "Tier 2 Watch List"), step(RATE_LIMIT, "suspect", "Tier 2 Watch List"),
        step(RATE_LIMIT, "suspect", "Tier 2 Watch List"), step(page0, "unchanged", "Tier 2 Watch List"))
    add("transient-maintenance-twice", "transient", "the maintenance page twice in a row, then the page back",
        step(page0, "new", "Tier 2 Watch List"), step(MAINTENANCE, "suspect", "Tier 2 Watch List"),
        step(MAINTENANCE, "suspect", "Tier 2 Watch List"), step(page0, "unchanged", "Tier 2 Watch List"))
    add("transient-human-verification", "transient", "a bot-check page, then the page back",
        step(page0, "new", "Tier 2 Watch List"), step(VERIFYING, "suspect", "Tier 2 Watch List"), step(page0, "unchanged", "Tier 2 Watch List"))
    add("transient-empty-twice", "transient", "an empty 200 twice, then the page back",
        step(page0, "new", "Tier 2 Watch List"), step("", "suspect", "Tier 2 Watch List"), step("", "suspect", "Tier 2 Watch List"),
        step(page0, "unchanged", "Tier 2 Watch List"))
    add("transient-http-404", "transient", "a 404, then the page back",
        step(page0, "new", "Tier 2 Watch List"), step(NOT_FOUND, "failed", "Tier 2 Watch List", http=404), step(page0, "unchanged", "Tier 2 Watch List"))
    cut = page0[: page0.index("The government conducted awareness campaigns")]
    add("transient-truncated-at-tag", "transient", "the body cut off right before a paragraph tag, then the page back",
        step(page0, "new", "Tier 2 Watch List"), step(cut[: cut.rindex("<")], "suspect", "Tier 2 Watch List"), step(page0, "unchanged", "Tier 2 Watch List"))
    plain = sites.plain_text(SEED)
    add("transient-plaintext-truncated", "transient", "the seed as text/plain cut off mid-paragraph, then back",
        step(plain, "new", "Tier 3", ctype="text/plain"), step(plain[: plain.index("Police actively")], "suspect", "Tier 3", ctype="text/plain"),
        step(plain, "unchanged", "Tier 3", ctype="text/plain"))

    # charsets not yet seen
    page = sites.state2024(CIV).replace('<meta charset="UTF-8">', "")
    pair("charset-utf16le-header", "charset", "utf-16le declared in the header, no BOM, then utf-8",
         page.encode("utf-16-le"), page, "Tier 2", ctype0="text/html; charset=utf-16le")
    pair("charset-mislabelled-utf8", "charset", "utf-8 bytes labelled iso-8859-1, then labelled right",
         page.encode("utf-8"), page, "Tier 2", ctype0="text/html; charset=iso-8859-1")
    http_equiv = sites.archive2003(BIH04, m=Markup(entities=True)).replace("charset=iso-8859-1", "charset=windows-1252")
    pair("charset-http-equiv-cp1252", "charset", "old page with http-equiv windows-1252 and curly quotes, then utf-8",
         http_equiv.encode("cp1252", errors="xmlcharrefreplace"), sites.archive2003(BIH04, m=Markup(entities=True)), "Tier 2 Watch List",
         ctype0="text/html")

    # findings edits of other shapes, with chrome noise around them
    noisy = replace(base, updated="Saturday, 29 June 2024, 11:11 GMT", token="noise1", related=("Something else",))
    B = "Proactively screen vulnerable populations, including migrant workers and individuals in commercial sex, for trafficking indicators and refer victims to appropriate services."
    r = nv.replace_text(DPRK, B, B + " Ensure victims are not penalized for crimes their traffickers compelled them to commit.")
    pair("findings-bullet-sentence-with-noise", "findings", "a second sentence in a bullet, with chrome noise", sites.state2024(DPRK),
         sites.state2024(r, noisy), "Tier 3",
         change("Korea, North", f=findings(added=["Ensure victims are not penalized for crimes their traffickers compelled them to commit."], sections=["Recommendations"])))
    O1 = "The government increased law enforcement efforts."
    O2 = "The government maintained efforts to prevent trafficking."
    r = nv.replace_text(nv.replace_text(BURMA, O1, "The government decreased law enforcement efforts."), O2, "The government decreased efforts to prevent trafficking.")
    pair("findings-two-sections", "findings", "one sentence edited in Prosecution and one in Prevention", sites.state2024(BURMA), sites.state2024(r), "Tier 3",
         change("Burma", f=findings(added=["The government decreased law enforcement efforts.", "The government decreased efforts to prevent trafficking."],
                                    removed=[O1, O2], sections=["Prosecution", "Prevention"])))
    FIRST = "In a new development, the government established a specialized anti-trafficking court."
    r = nv.replace_text(CIV, "Corruption and official complicity in trafficking crimes remained significant concerns",
                        FIRST + " Corruption and official complicity in trafficking crimes remained significant concerns")
    pair("findings-sentence-at-start", "findings", "a sentence added at the start of a paragraph", sites.ecoi(CIV), sites.ecoi(r), "Tier 2",
         change("Côte d'Ivoire", f=findings(added=[FIRST], sections=["Prosecution"])))
    US = "The U.S. government funded an international organization to train 200 labor inspectors."
    r = sentence_added(TLS, "lacked funding to implement the plan.", US)
    pair("findings-us-abbreviation", "findings", "a sentence with 'U.S.' in it added", sites.state2017(TLS), sites.state2017(r), "Tier 2",
         change("Timor-Leste", f=findings(added=[US], sections=["Prevention"])))
    r = nv.replace_text(BURMA, PROS2, PROS2 + "\n")
    old = sites.state2024(BURMA)
    pair("markup-br-inside-paragraph", "markup", "a <br> line break inside a paragraph", old,
         old.replace("compared with 97 prosecutions", "compared with<br>\n97 prosecutions"), "Tier 3")
    pair("markup-paragraphs-to-br", "markup", "two paragraphs become one <p> with <br><br> between them", old,
         old.replace("</p>\n<p>In 2023, the national police", "<br><br>\nIn 2023, the national police"), "Tier 3")


# --------------------------------------------------------------------------- third batch: typography, dates, cuts

def third_rows() -> None:
    page = sites.state2024(BURMA)
    def after_content(html: str, extra: str) -> str:
        return html.replace('<p><a class="back-to-top"', extra + '\n<p><a class="back-to-top"')
    # headings run in with the first sentence, other separators, country aliases
    runin = page.replace("<p><strong>BURMA: Tier 3</strong></p>\n<p>The Government", "<p><strong>BURMA: Tier 3</strong> The Government")
    pair("form-run-in-chrome", "chrome", "tier heading run in with the first paragraph: chrome edits", runin,
         runin.replace("Last reviewed: June 24, 2024", "Last reviewed: July 2, 2024"), "Tier 3")
    pair("form-run-in-downgrade", "tier", "run-in tier heading: Tier 3 -> Special Case", runin,
         runin.replace("BURMA: Tier 3</strong> The", "BURMA: Special Case</strong> The"), "Tier 3",
         change("Burma", tier("Tier 3", "Special Case", None)))
    pair("spelling-slash-separator", "spelling", "'BURMA: Tier 3' written 'BURMA / Tier 3'", page, page.replace("BURMA: Tier 3", "BURMA / Tier 3"), "Tier 3")
    pair("spelling-myanmar-alias", "spelling", "'BURMA: Tier 3' written 'MYANMAR: TIER III'", page, page.replace("BURMA: Tier 3", "MYANMAR: TIER III"), "Tier 3")
    vct = sites.ecoi(VCT)
    pair("spelling-st-vincent", "spelling", "'SAINT VINCENT AND THE GRENADINES' written 'ST VINCENT & THE GRENADINES'", vct,
         vct.replace("SAINT VINCENT AND THE GRENADINES: Tier 2", "ST VINCENT &amp; THE GRENADINES: Tier 2"), "Tier 2")
    tls = sites.state2017(TLS)
    pair("spelling-timor-leste-no-hyphen", "spelling", "'TIMOR-LESTE' written 'TIMOR LESTE'", tls, tls.replace("TIMOR-LESTE: Tier 2", "TIMOR LESTE: Tier 2"), "Tier 2")
    # a table of contents after the heading, edited
    toc0 = '<p>On this page</p><ul class="jump-nav"><li><a href="#prosecution">Prosecution</a></li><li><a href="#protection">Protection</a></li></ul>'
    toc1 = '<p>Contents</p><ul class="jump-nav"><li><a href="#prosecution">Prosecution</a></li><li><a href="#protection">Protection</a></li><li><a href="#prevention">Prevention</a></li></ul>'
    old = page.replace("<p><strong>PRIORITIZED", toc0 + "\n<p><strong>PRIORITIZED")
    pair("chrome-toc-after-heading", "chrome", "an in-page table of contents after the heading gains a link", old, old.replace(toc0, toc1), "Tier 3")
    # typography
    pair("markup-en-dash-range", "markup", "'2024-2028' typed with an en dash", page, page.replace("2024-2028", "2024&ndash;2028"), "Tier 3")
    pair("markup-ellipsis", "markup", "'...' typed as an ellipsis character",
         sites.state2024(nv.replace_text(BURMA, "in rural provinces.", "in rural provinces, among others...")),
         sites.state2024(nv.replace_text(BURMA, "in rural provinces.", "in rural provinces, among others…")), "Tier 3")
    # stamps and counters in other wordings, inside the content area
    for name, a, b in (("month-year", "<p>Updated: June 2024</p>", "<p>Updated: July 2024</p>"),
                       ("relative", "<p>Updated 3 hours ago</p>", "<p>Updated 2 days ago</p>"),
                       ("iso", "<p>Generated: 2024-06-24T14:07:00Z</p>", "<p>Generated: 2024-06-25T09:00:03Z</p>"),
                       ("k-views", "<p>1.2K views</p>", "<p>1.3K views</p>"),
                       ("people-read", "<p>312 people have read this report</p>", "<p>318 people have read this report</p>"),
                       ("footer-pipes", "<p>© 2024 | 1,204,551 visits</p>", "<p>© 2024 | 1,204,552 visits</p>")):
        pair(f"chrome-inline-{name}", "chrome", f"a stamp or counter inside the content ({name}) changes",
             after_content(page, a), after_content(page, b), "Tier 3")
    # pages that never close their HTML: an edit is an edit, a cut is a cut
    open_page = page.replace("</body>\n</html>\n", "")
    S = PROT1_LAST
    pair("unclosed-sentence-removed", "findings", "a page without </body></html>: one sentence removed", open_page,
         sites.state2024(nv.replace_text(BURMA, " " + S, "")).replace("</body>\n</html>\n", ""), "Tier 3",
         change("Burma", f=findings(removed=[S], sections=["Protection"])))
    add("unclosed-truncated", "transient", "a page without </body></html>, cut off in Prevention, then back",
        step(open_page, "new", "Tier 3"), step(open_page[: open_page.index("labor inspections but")], "suspect", "Tier 3"),
        step(open_page, "unchanged", "Tier 3"))
    plain = sites.plain_text(SEED)
    add("transient-plaintext-cut-late", "transient", "the seed as text/plain cut off near its end, then back",
        step(plain, "new", "Tier 3", ctype="text/plain"),
        step(plain[: plain.index("economic and social development")], "suspect", "Tier 3", ctype="text/plain"),
        step(plain, "unchanged", "Tier 3", ctype="text/plain"))
    # tier and findings together on more families
    S2 = "Courts convicted 19 traffickers, who received sentences of up to eight years in prison."
    r1 = nv.with_heading(nv.replace_text(HND03, "Courts convicted 19 traffickers", "Courts convicted 4 traffickers"), "Honduras (Tier 2 Watch List)")
    pair("both-pre-downgrade", "tier+findings", "preformatted page: Tier 2 -> Tier 2 Watch List and a number", sites.pre_page(HND03), sites.pre_page(r1), "Tier 2",
         change("Honduras", tier("Tier 2", "Tier 2 Watch List", "downgrade"), findings(added=[S2.replace("19", "4")], removed=[S2], sections=["Overview"])))
    r1 = nv.with_heading(nv.replace_text(BIH04, "Officials distributed 20,000 brochures", "Officials distributed 45,000 brochures"), "Bosnia and Herzegovina (Tier 1)")
    S3 = "Officials distributed 20,000 brochures at border crossings warning of fraudulent job offers abroad."
    pair("both-archive-upgrade", "tier+findings", "2004 table layout: Tier 2 Watch List -> Tier 1 and a number", sites.archive2003(BIH04), sites.archive2003(r1),
         "Tier 2 Watch List", change("Bosnia and Herzegovina", tier("Tier 2 Watch List", "Tier 1", "upgrade"),
                                     findings(added=[S3.replace("20,000", "45,000")], removed=[S3], sections=["Overview"])))
    NEWB = "Establish a specialized anti-trafficking unit within the national police."
    r1 = nv.with_heading(nv.replace_text(GMB, SHELTERS, SHELTERS + "\x1f" + NEWB), "THE GAMBIA: Tier 3")
    pair("both-ecoi-downgrade", "tier+findings", "ecoi.net: Tier 2 Watch List -> Tier 3 and a bullet added", sites.ecoi(GMB), sites.ecoi(r1),
         "Tier 2 Watch List", change("The Gambia", tier("Tier 2 Watch List", "Tier 3", "downgrade"), findings(added=[NEWB], sections=["Recommendations"])))
    r1 = nv.with_heading(LBY, "LIBYA: Tier 3")
    r1, gone = nv.remove_block(r1, "Criminal groups operating online scam")
    pair("both-state24-special-to-tier3-paragraph", "tier+findings", "Libya: Special Case -> Tier 3 and a paragraph removed", sites.state2024(LBY), sites.state2024(r1),
         "Special Case", change("Libya", tier("Special Case", "Tier 3", None), findings(removed=[
             "Criminal groups operating online scam compounds force thousands of victims from across the region to conduct fraudulent schemes.",
             "Children are exploited in forced begging and street vending."], sections=["Trafficking Profile"])))


def fourth_rows() -> None:
    # more press-release wordings, each changing
    for name, s0, s1, t0, t1 in (
            ("rose", "This year Cambodia remained on Tier 3.", "This year Cambodia rose to Tier 2 Watch List.", "Tier 3", "Tier 2 Watch List"),
            ("upgraded-from", "This year Cambodia remained on Tier 3.", "This year Cambodia was upgraded from Tier 3 to Tier 2 Watch List.", "Tier 3", "Tier 2 Watch List"),
            ("special-case", "Cambodia remains a Special Case this year.", "Cambodia was placed on Tier 3 this year.", "Special Case", "Tier 3")):
        tail = " The report recognizes that the government increased investigations of trafficking crimes."
        paras0 = [EMBASSY_PARAS[0], s0 + tail, *EMBASSY_PARAS[2:]]
        paras1 = [EMBASSY_PARAS[0], s1 + tail, *EMBASSY_PARAS[2:]]
        pair(f"press-{name}-change", "tier+findings", f"press release: {s0!r} -> {s1!r}", sites.embassy(paras0, EMB_R), sites.embassy(paras1, EMB_R), t0,
             change("Cambodia", tier(t0, t1, direction(t0, t1)), findings(added=[s1], removed=[s0])))
    # headings with the year after them; the tier in a key/value table; the tier under the h1
    page = sites.state2024(BURMA)
    for name, old, new, t1 in (
            ("year-suffix", "BURMA: Tier 3 (2024)", "BURMA: Tier 2 Watch List (2024)", "Tier 2 Watch List"),
            ("year-dash", "BURMA: Tier 3 - 2024", "BURMA: Tier 2 - 2024", "Tier 2")):
        p0 = page.replace("BURMA: Tier 3", old)
        pair(f"form-{name}-chrome", "chrome", f"heading {old!r}: chrome edits", p0, p0.replace("Last reviewed: June 24, 2024", "Last reviewed: June 30, 2024"), "Tier 3")
        pair(f"form-{name}-upgrade", "tier", f"heading {old!r} -> {new!r}", p0, page.replace("BURMA: Tier 3", new), "Tier 3",
             change("Burma", tier("Tier 3", t1, "upgrade")))
    h = page.replace("<p><strong>BURMA: Tier 3</strong></p>", "")
    for name, block in (("table-label", '<h1 class="report__title">Burma</h1><table class="facts"><tr><th>Tier placement</th><td>{t}</td></tr><tr><th>Region</th><td>East Asia and the Pacific</td></tr></table>'),
                        ("div-under-h1", '<h1 class="report__title">Burma</h1><div class="report__tier">{t}</div>')):
        def pg(t: str, block: str = block) -> str:
            return h.replace('<h1 class="report__title">2024 Trafficking in Persons Report: Burma</h1>', block.replace("{t}", t))
        pair(f"form-{name}-chrome", "chrome", f"tier given as {name}: chrome edits", pg("Tier 3"), pg("Tier 3").replace("Last reviewed: June 24, 2024", "Last reviewed: June 30, 2024"), "Tier 3")
        pair(f"form-{name}-downgrade", "tier", f"tier given as {name}: Tier 3 -> Special Case", pg("Tier 3"), pg("Special Case"), "Tier 3",
             change("Burma", tier("Tier 3", "Special Case", None)))
    # site furniture written inside the content area, without class names, changing between fetches
    cms0 = ("<p>Content last reviewed on June 24, 2024</p><p>Share this page: Facebook Twitter Email</p>"
            "<p>Tags: Trafficking in Persons, Burma</p><p>12 Comments</p><p>Previous: Burma 2023 report</p>"
            "<p>Was this page helpful? Yes No</p><p>Home &gt; Reports &gt; Burma</p>")
    cms1 = ("<p>Content last reviewed on July 3, 2024</p><p>Share this page: Facebook X LinkedIn Email</p>"
            "<p>Tags: Trafficking in Persons, Burma, Asia</p><p>13 Comments</p><p>Previous: Thailand 2024 report</p>"
            "<p>Was this page helpful? Yes No</p><p>Home &gt; Reports &gt; 2024 &gt; Burma</p><p>Page 1 of 2</p>")
    p0 = page.replace('<p><a class="back-to-top"', cms0 + '\n<p><a class="back-to-top"')
    pair("chrome-cms-furniture-inline", "chrome", "CMS furniture lines inside the content area change", p0, p0.replace(cms0, cms1), "Tier 3")
    e0 = sites.embassy(EMBASSY_PARAS, EMB_R, key="<p>Read the full report (PDF, 2.3 MB)</p><p>Follow us on Twitter</p><p>Posted in News</p>")
    e1 = sites.embassy(EMBASSY_PARAS, EMB_R, key="<p>Download the 2024 TIP Report</p><p>Follow us: Facebook X</p><p>Posted in News, Press Releases</p><p>Sign up for email updates</p>")
    pair("chrome-press-furniture-inline", "chrome", "press release: download links and follow prompts change", e0, e1, "Tier 2 Watch List")
    # hidden snippets a browser never shows (a session field, a rating's decorative stars)
    hid = page.replace('<p><a class="back-to-top"', '<div style="display: none">sid=abc123 form 77</div><p><span aria-hidden="true">★ 4.5</span></p>\n<p><a class="back-to-top"')
    pair("chrome-hidden-snippets", "chrome", "text in display:none / aria-hidden elements changes", hid,
         hid.replace("sid=abc123 form 77", "sid=zq81x form 78").replace("★ 4.5", "★ 4.6"), "Tier 3")
    # a section renamed: the heading's text changes, the section stays the one it was
    renamed = replace(BURMA, sections=tuple(replace(sec, title="HUMAN TRAFFICKING PROFILE") if sec.title == "TRAFFICKING PROFILE" else sec
                                           for sec in BURMA.sections))
    pair("findings-section-renamed", "findings", "'TRAFFICKING PROFILE' renamed 'HUMAN TRAFFICKING PROFILE'", page, sites.state2024(renamed), "Tier 3",
         change("Burma", f=findings(added=["HUMAN TRAFFICKING PROFILE"], removed=["TRAFFICKING PROFILE"], sections=["Trafficking Profile"])))
    # a press release explaining the tiers in a sentence of its own: the placement sentence still gives the tier
    rule = "Under the law, a country is placed on Tier 3 when its government does not make significant efforts."
    paras = [*EMBASSY_PARAS[:3], rule, *EMBASSY_PARAS[3:]]
    emb = sites.embassy(paras, EMB_R)
    pair("explain-press-rule-sentence", "explanation", "a press release states the tier rule in a sentence; a chrome edit",
         emb, sites.embassy(paras, EMB_R, replace(Chrome(), reviewed="June 30, 2024")), "Tier 2 Watch List")


def main() -> None:
    chrome_rows()
    markup_rows()
    spelling_rows()
    tier_rows()
    findings_rows()
    both_rows()
    transient_rows()
    charset_rows()
    explanation_rows()
    extra_rows()
    third_rows()
    fourth_rows()
    pages = HERE / "pages"
    pages.mkdir(exist_ok=True)
    for old in pages.glob("*.html"):
        if old.name not in PAGES:
            old.unlink()
    for name, body in PAGES.items():
        path = pages / name
        if not path.exists() or path.read_bytes() != body:
            path.write_bytes(body)
    (HERE / "scenarios.json").write_text(json.dumps(SCENARIOS, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for s in SCENARIOS:
        counts[s["category"]] = counts.get(s["category"], 0) + 1
    print(f"{len(SCENARIOS)} scenarios, {len(PAGES)} pages, {sum(map(len, PAGES.values())) // 1024} KB: {counts}")


if __name__ == "__main__":
    main()
