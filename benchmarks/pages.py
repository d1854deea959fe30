"""Synthetic TIP report pages for the benchmarks: realistic size and chrome, both report eras.

Page ``i`` always carries the same report (country, tier, year, narrative) for a given ``revision``; its
chrome depends on ``chrome_seed``: session and CSRF tokens, "Last Updated" and "[accessed]" dates, visitor
counters, cache-busting asset URLs, the sidebar's placements of *other* countries and the news widget. So
two renderings with different chrome seeds are different bytes but the same report - exactly what must
never alert.

- early era (2001-2010, Refworld-like): a ``Cambodia (Tier 3)`` / ``HONDURAS (TIER 2)`` heading and plain
  paragraphs;
- modern era (2011-2025, state.gov-like): a ``MOLDOVA: Tier 2`` / ``RUSSIA: TIER 3`` /
  ``SPECIAL CASE: YEMEN`` heading and sections (prioritized recommendations as bullets, prosecution,
  protection, prevention, trafficking profile).

Pages are 30-200 KB (median about 55 KB), mostly chrome: a mega menu listing every country, inline styles,
inline and external scripts, an SVG icon sprite, a cookie banner, search and share widgets, a sidebar and a
long footer. Generation is cheap (large blobs are built once and sliced), so 10,000 pages take seconds.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

COUNTRIES: tuple[str, ...] = (
    "Afghanistan", "Albania", "Algeria", "Angola", "Argentina", "Armenia", "Australia", "Austria", "Azerbaijan",
    "Bahrain", "Bangladesh", "Belarus", "Belgium", "Belize", "Benin", "Bolivia", "Bosnia and Herzegovina",
    "Botswana", "Brazil", "Brunei", "Bulgaria", "Burkina Faso", "Burma", "Burundi", "Cabo Verde", "Cambodia",
    "Cameroon", "Canada", "Central African Republic", "Chad", "Chile", "China", "Colombia", "Comoros",
    "Congo, Democratic Republic of the", "Congo, Republic of the", "Costa Rica", "Côte d'Ivoire", "Croatia",
    "Cuba", "Cyprus", "Czech Republic", "Denmark", "Djibouti", "Dominican Republic", "Ecuador", "Egypt",
    "El Salvador", "Equatorial Guinea", "Eritrea", "Estonia", "Eswatini", "Ethiopia", "Fiji", "Finland",
    "France", "Gabon", "The Gambia", "Georgia", "Germany", "Ghana", "Greece", "Guatemala", "Guinea",
    "Guinea-Bissau", "Guyana", "Haiti", "Honduras", "Hong Kong", "Hungary", "Iceland", "India", "Indonesia",
    "Iran", "Iraq", "Ireland", "Israel", "Italy", "Jamaica", "Japan", "Jordan", "Kazakhstan", "Kenya",
    "Korea, North", "Korea, South", "Kosovo", "Kuwait", "Kyrgyz Republic", "Laos", "Latvia", "Lebanon",
    "Lesotho", "Liberia", "Libya", "Lithuania", "Luxembourg", "Madagascar", "Malawi", "Malaysia", "Maldives",
    "Mali", "Malta", "Mauritania", "Mauritius", "Mexico", "Moldova", "Mongolia", "Montenegro", "Morocco",
    "Mozambique", "Namibia", "Nepal", "Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria",
    "North Macedonia", "Norway", "Oman", "Pakistan", "Panama", "Papua New Guinea", "Paraguay", "Peru",
    "Philippines", "Poland", "Portugal", "Qatar", "Romania", "Russia", "Rwanda", "Saudi Arabia", "Senegal",
    "Serbia", "Seychelles", "Sierra Leone", "Singapore", "Slovakia", "Slovenia", "Somalia", "South Africa",
    "South Sudan", "Spain", "Sri Lanka", "Sudan", "Suriname", "Sweden", "Switzerland", "Syria", "Taiwan",
    "Tajikistan", "Tanzania", "Thailand", "Timor-Leste", "Togo", "Tonga", "Trinidad and Tobago", "Tunisia",
    "Turkey", "Turkmenistan", "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom", "Uruguay",
    "Uzbekistan", "Venezuela", "Vietnam", "Yemen", "Zambia", "Zimbabwe",
)
SPECIAL_CASES = ("Somalia", "Libya", "Yemen")
TIERS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3")

MIN_SIZE, MEDIAN_SIZE, MAX_SIZE = 30_000, 55_000, 200_000
CHANGED_SHARE = 10          # one page in ten changes in the "changed" variant
TIER_CHANGE_EVERY = 20      # ... and one in twenty of all pages changes its tier


@dataclass(frozen=True)
class Report:
    """What page ``index`` says; the expected extraction result."""

    index: int
    country: str
    tier: str
    year: int
    era: str               # "early" | "modern"
    heading: str           # the tier heading as printed
    body_html: str


# --------------------------------------------------------------------------- the report


def report_for(index: int, revision: int = 0) -> Report:
    """The report of page ``index``; ``revision`` 1 adds findings and, for some pages, moves the tier."""
    rng = random.Random(f"report-{index}")
    country = COUNTRIES[index % len(COUNTRIES)]
    era = "early" if rng.random() < 0.4 else "modern"
    year = rng.randint(2001, 2010) if era == "early" else rng.randint(2011, 2025)
    tier = "Special Case" if country in SPECIAL_CASES and rng.random() < 0.5 else rng.choice(TIERS)
    if revision and index % TIER_CHANGE_EVERY == 0:
        tier = _next_tier(tier)
    heading = _heading(rng, country, tier, era)
    narrative = _early_narrative if era == "early" else _modern_narrative
    body_html = narrative(rng, country, tier, year, heading, revision)
    return Report(index, country, tier, year, era, heading, body_html)


def _next_tier(tier: str) -> str:
    order = (*TIERS, "Special Case")
    return "Tier 3" if tier == "Special Case" else order[(order.index(tier) + 1) % len(TIERS)]


def _display(country: str, *, upper: bool) -> str:
    return country.upper() if upper else country


def _heading(rng: random.Random, country: str, tier: str, era: str) -> str:
    """The tier heading in one of the forms the reports have used (SPEC §5)."""
    if tier == "Special Case":
        forms = ([f"{country.upper()} (Special Case)", f"Special Case ({country})"] if era == "early"
                 else [f"SPECIAL CASE: {country.upper()}", f"{country.upper()}: Special Case"])
        return rng.choice(forms)
    if era == "early":
        return rng.choice([f"{country} ({tier})", f"{country.upper()} ({tier.upper()})", f"{country} ({tier})"])
    return rng.choice([f"{country.upper()}: {tier}", f"{country.upper()}: {tier.upper()}",
                       f"{country.upper()}: {tier}"])


_ORG = ("the Ministry of Interior", "the national police", "the Ministry of Labor", "the anti-trafficking unit",
        "the prosecutor general's office", "the Ministry of Social Affairs", "the national task force",
        "labor inspectors", "border guards", "the judiciary", "local authorities", "the immigration service")
_VICTIMS = ("women and girls", "men and boys", "children", "migrant workers", "domestic workers",
            "fishermen", "refugees and asylum-seekers", "internally displaced persons", "students",
            "agricultural workers", "construction workers", "foreign nationals")
_SECTORS = ("agriculture", "construction", "domestic work", "fishing", "mining", "textile factories",
            "commercial sex", "forced begging", "hospitality", "brick kilns", "logging", "manufacturing")

_SENTENCES = (
    "Authorities investigated {n1} cases in {y}, compared with {n2} cases in {py}, and convicted {n3} traffickers.",
    "The government prosecuted {n1} alleged traffickers, including {n3} for labor trafficking, compared"
    " with {n2} the previous year.",
    "{Org} identified {n1} victims of trafficking, including {n3} {victims}, and referred them to care.",
    "Courts sentenced convicted traffickers to terms ranging from {n3} to {n4} years' imprisonment.",
    "Observers reported that {org} lacked the resources to investigate cases involving {victims} in {sector}.",
    "The government allocated {n1} million in its national currency to victim services, an increase from"
    " {n2} million in {py}.",
    "NGOs reported that traffickers exploited {victims} in {sector} and {sector2}, often through debt bondage.",
    "{Org} trained {n1} officials on victim identification and the investigation of trafficking crimes.",
    "The government did not report any investigations, prosecutions, or convictions of officials"
    " complicit in trafficking.",
    "Corruption and official complicity in trafficking crimes remained significant concerns, inhibiting"
    " law enforcement action.",
    "The anti-trafficking law criminalized sex trafficking and labor trafficking and prescribed"
    " penalties of {n3} to {n4} years.",
    "The government maintained {n3} shelters for victims, which provided medical care, counseling and"
    " legal assistance.",
    "Victims could apply for temporary residence permits, but {org} granted only {n3} such permits during the year.",
    "The government continued to implement its national action plan and conducted awareness campaigns in"
    " {n3} provinces.",
    "Traffickers recruited {victims} with fraudulent offers of employment in {sector} abroad and"
    " confiscated their passports.",
    "Experts noted that the lack of a formal referral mechanism left many {victims} unidentified.",
    "{Org} cooperated with foreign governments on {n3} transnational investigations and extradited {n5} suspects.",
    "The government did not make efforts to reduce the demand for commercial sex acts or for forced labor in {sector}.",
    "Labor inspectors conducted {n1} inspections but lacked authority to enter private homes where {victims} worked.",
    "Some victims were penalized for unlawful acts traffickers compelled them to commit, such as"
    " immigration violations.",
    "The government funded a hotline that received {n1} calls, {n3} of which it referred to {org}.",
    "Civil society organizations provided most victim services with limited government funding.",
    "The government amended its labor code to regulate recruitment agencies and prohibit the charging of"
    " recruitment fees.",
    "Authorities reported {n3} investigations of forced labor in {sector}, none of which resulted in a conviction.",
)
_RECOMMENDATIONS = (
    "Vigorously investigate and prosecute trafficking crimes, including those involving complicit officials.",
    "Increase proactive identification of victims among {victims} and refer them to appropriate services.",
    "Fund specialized shelters and services for {victims}, including male victims.",
    "Train {org} on victim-centered, trauma-informed approaches to investigations.",
    "Amend the anti-trafficking law to remove the requirement of force, fraud, or coercion for child sex trafficking.",
    "Ensure victims are not penalized for unlawful acts traffickers compelled them to commit.",
    "Strengthen oversight of labor recruitment agencies and eliminate recruitment fees charged to workers.",
    "Increase the number of labor inspectors and authorize unannounced inspections in {sector}.",
    "Adopt and fund a new national action plan to combat trafficking.",
    "Improve data collection on anti-trafficking law enforcement and victim identification efforts.",
    "Expand awareness campaigns targeting {victims} in high-risk regions.",
    "Provide victims with access to compensation and restitution from traffickers.",
)


def _fill(rng: random.Random, template: str, year: int) -> str:
    return template.format(
        n1=rng.randint(12, 900), n2=rng.randint(10, 800), n3=rng.randint(2, 60), n4=rng.randint(8, 20),
        n5=rng.randint(1, 9), y=year - 1, py=year - 2, org=rng.choice(_ORG), Org=rng.choice(_ORG).capitalize(),
        victims=rng.choice(_VICTIMS), sector=rng.choice(_SECTORS), sector2=rng.choice(_SECTORS))


def _paragraph(rng: random.Random, year: int, sentences: int) -> str:
    return " ".join(_fill(rng, rng.choice(_SENTENCES), year) for _ in range(sentences))


def _intro(country: str, tier: str, year: int) -> str:
    if tier == "Tier 1":
        verdict = "fully meets the minimum standards for the elimination of trafficking"
    elif tier == "Tier 3":
        verdict = "does not fully meet the minimum standards for the elimination of trafficking and is not " \
                  "making significant efforts to do so"
    elif tier == "Special Case":
        return (f"{country} remains a Special Case for the {year} reporting period; the government lacked "
                f"control over much of its territory.")
    else:
        verdict = "does not fully meet the minimum standards for the elimination of trafficking but is " \
                  "making significant efforts to do so"
    return f"The Government of {country} {verdict}."


def _change_sentence(year: int) -> str:
    return (f"In a late development, the government opened {year % 7 + 2} new specialized courts for "
            "trafficking cases and reported the first convictions under the amended law.")


def _early_narrative(rng: random.Random, country: str, tier: str, year: int, heading: str, revision: int) -> str:
    paragraphs = [_intro(country, tier, year) + " " + _paragraph(rng, year, rng.randint(2, 4))]
    paragraphs += [_paragraph(rng, year, rng.randint(3, 7)) for _ in range(rng.randint(3, 8))]
    if revision:
        paragraphs[1] += " " + _change_sentence(year)
    title = heading.replace("\n", " ")
    broken = rng.random() < 0.05  # a heading broken over two lines, as some old reports print it
    head = title.replace(" (", "<br>\n(", 1) if broken and " (" in title else title
    return f"<h2>{head}</h2>\n" + "\n".join(f"<p>{p}</p>" for p in paragraphs)


def _modern_narrative(rng: random.Random, country: str, tier: str, year: int, heading: str,
                      revision: int) -> str:
    parts = [f"<h2>{heading}</h2>",
             f"<p>{_intro(country, tier, year)} {_paragraph(rng, year, rng.randint(3, 6))}</p>",
             "<h3>PRIORITIZED RECOMMENDATIONS:</h3>", "<ul>"]
    recommendations = rng.sample(_RECOMMENDATIONS, rng.randint(5, len(_RECOMMENDATIONS)))
    parts += [f"<li>{_fill(rng, r, year)}</li>" for r in recommendations]
    parts.append("</ul>")
    for section in ("PROSECUTION", "PROTECTION", "PREVENTION", "TRAFFICKING PROFILE"):
        parts.append(f"<h3>{section}</h3>")
        paragraphs = [_paragraph(rng, year, rng.randint(3, 8)) for _ in range(rng.randint(2, 5))]
        if revision and section == "PROTECTION":
            paragraphs[0] += " " + _change_sentence(year)
        parts += [f"<p>{p}</p>" for p in paragraphs]
    return "\n".join(parts)


# --------------------------------------------------------------------------- the chrome

@lru_cache(maxsize=1)
def _blobs() -> tuple[str, str, str]:
    """Large pools of CSS, JavaScript and SVG built once; pages take slices of them."""
    rng = random.Random("blobs")
    words = ["header", "nav", "menu", "item", "card", "grid", "btn", "icon", "hero", "modal", "tab", "panel",
             "list", "link", "footer", "banner", "promo", "search", "share", "media", "video", "form"]
    css_lines, js_lines, svg_lines = [], [], []
    for i in range(6000):
        a, b = rng.choice(words), rng.choice(words)
        css_lines.append(f".{a}-{b}-{i}{{margin:{rng.randint(0, 40)}px {rng.randint(0, 40)}px;"
                         f"color:#{rng.randrange(0xFFFFFF):06x};display:{rng.choice(['flex', 'block', 'grid'])}}}")
        js_lines.append(f"function {a}{b.capitalize()}{i}(e,t){{var n=e&&e.{b}||{rng.randint(0, 999)};"
                        f"return t.{a}?t.{a}(n,\"{rng.choice(words)}-{i}\"):n*{rng.randint(1, 9)}}}")
        svg_lines.append(f'<symbol id="i{i}" viewBox="0 0 24 24"><path d="M{rng.randint(0, 24)} '
                         f'{rng.randint(0, 24)}L{rng.randint(0, 24)} {rng.randint(0, 24)}'
                         f'C{rng.randint(0, 24)} {rng.randint(0, 24)} {rng.randint(0, 24)} '
                         f'{rng.randint(0, 24)} {rng.randint(0, 24)} {rng.randint(0, 24)}Z"/></symbol>')
    return "\n".join(css_lines), "\n".join(js_lines), "\n".join(svg_lines)


def _slice(blob: str, rng: random.Random, size: int) -> str:
    size = max(0, min(size, len(blob) // 2))
    start = rng.randrange(len(blob) - size) if size else 0
    start = blob.find("\n", start) + 1
    end = blob.rfind("\n", start, start + size)
    return blob[start:end] if end > start else ""


@lru_cache(maxsize=1)
def _mega_menu() -> str:
    regions = ("Africa", "East Asia and the Pacific", "Europe and Eurasia", "Near East", "South and Central Asia",
               "Western Hemisphere")
    groups = []
    for r, region in enumerate(regions):
        links = "".join(f'<li><a href="/countries/{_slug(c)}/">{c}</a></li>'
                        for c in COUNTRIES[r::len(regions)])
        groups.append(f'<li class="menu-group"><span>{region}</span><ul class="submenu">{links}</ul></li>')
    bureaus = "".join(f'<li><a href="/bureaus/{i}/">Bureau of Affairs {i}</a></li>' for i in range(40))
    return (f'<nav class="main-nav megamenu" aria-label="Main menu"><ul><li><a href="/">Home</a></li>'
            f'<li class="menu-group"><span>Countries &amp; Areas</span><ul>{"".join(groups)}</ul></li>'
            f'<li class="menu-group"><span>Bureaus &amp; Offices</span><ul>{bureaus}</ul></li>'
            f'<li><a href="/reports/">Reports</a></li><li><a href="/news/">News</a></li></ul></nav>')


@lru_cache(maxsize=1)
def _footer_links() -> str:
    return "".join(f'<li><a href="/footer/{i}">Footer link {i}</a></li>' for i in range(60))


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def _token(rng: random.Random, n: int = 16) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _date(rng: random.Random) -> str:
    return f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {rng.randint(2016, 2026)}"


def _target_size(index: int) -> int:
    rng = random.Random(f"size-{index}")
    return int(min(MAX_SIZE, max(MIN_SIZE, rng.lognormvariate(0, 0.45) * MEDIAN_SIZE)))


def _sidebar(rng: random.Random, country: str) -> str:
    others = rng.sample([c for c in COUNTRIES if c != country], 24)
    placements = "".join(f"<li><a href=\"/countries/{_slug(c)}/\">{c} ({rng.choice(TIERS)})</a></li>"
                         for c in others)
    news = "".join(f"<li><a href=\"/news/{_token(rng, 6)}\">Secretary's remarks on item {_token(rng, 4)}</a> "
                   f"<time>{_date(rng)}</time></li>" for _ in range(8))
    return (f'<aside class="sidebar related" aria-label="Related"><h3>Other country narratives</h3>'
            f"<ul>{placements}</ul><h3>Latest news</h3><ul>{news}</ul></aside>")


def render(index: int, chrome_seed: int, revision: int = 0) -> bytes:
    """The bytes of page ``index``: the report of ``revision`` inside chrome drawn from ``chrome_seed``."""
    report = report_for(index, revision)
    rng = random.Random(f"chrome-{index}-{chrome_seed}")
    layout = random.Random(f"layout-{index}")    # what the site looks like stays the same across seeds
    css, js, svg = _blobs()
    title = f"{report.year} Trafficking in Persons Report: {report.country}"
    asset = _token(rng, 10)
    refworld = report.era == "early" and layout.random() < 0.7
    citation = (f'<table class="doc-meta"><tr><td>Publisher</td><td>United States Department of State</td></tr>'
                f"<tr><td>Publication Date</td><td>{report.year}</td></tr><tr><td>Cite as</td><td>United States "
                f"Department of State, {title}, available at: [accessed {_date(rng)}]</td></tr></table>"
                if refworld else "")
    head = (f'<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="utf-8">\n<title>{title} - '
            f'United States Department of State</title>\n'
            f'<meta name="csrf-token" content="{_token(rng, 32)}">\n'
            f'<meta property="og:title" content="{title}">\n'
            f'<link rel="stylesheet" href="/assets/main.{asset}.css">\n'
            f'<script src="/assets/vendor.{asset}.js?v={_token(rng, 8)}" defer></script>\n'
            f'<script>window.__session="{_token(rng)}";window.dataLayer=[{{"page":"{index}",'
            f'"ts":{rng.randint(10**9, 2 * 10**9)}}}];</script>\n')
    top = (f'</head>\n<body>\n<a class="skip-link" href="#main">Skip to content</a>\n'
           f'<div class="cookie-banner" role="dialog"><p>This website uses cookies to improve your experience.'
           f'</p><button>Accept</button></div>\n'
           f'<header class="site-header"><a class="logo" href="/"><svg class="icon" viewBox="0 0 24 24">'
           f'<path d="M0 0L24 24"/></svg>U.S. Department of State</a>\n{_mega_menu()}\n'
           f'<form role="search" class="search-form" action="/search"><input type="hidden" name="csrf" '
           f'value="{_token(rng, 24)}"><input type="search" placeholder="Search state.gov"></form></header>\n'
           f'<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> &gt; <a href="/reports/">'
           f"Reports</a> &gt; {report.year} Trafficking in Persons Report &gt; {report.country}</nav>\n")
    article = (f'<main id="main"><article>\n<p class="last-updated">Last Updated: {_date(rng)}</p>\n'
               f"<h1>{title}</h1>\n{citation}\n"
               f'<div class="share-tools"><button>Share</button> <a href="#">Share this page on Facebook</a> '
               f'<a href="#">Print</a></div>\n<div class="report-body">\n{report.body_html}\n</div>\n'
               f"</article></main>\n")
    footer = (f'<footer class="site-footer"><ul>{_footer_links()}</ul><p>Last Updated: {_date(rng)}</p>'
              f"<p>Page views: {rng.randint(1000, 9_999_999):,}</p>"
              f"<p>Page generated in 0.{rng.randint(100, 999)} seconds</p>"
              f"<p>White House | USA.gov | Office of the Inspector General | Archives | Contact Us</p></footer>\n")
    fixed = len(head) + len(top) + len(article) + len(footer) + 2000
    padding = max(0, _target_size(index) - fixed)
    style = f"<style>\n{_slice(css, layout, padding * 3 // 10)}\n</style>\n"
    sprite = f'<svg xmlns="http://www.w3.org/2000/svg" style="display:none">{_slice(svg, layout, padding // 5)}</svg>\n'
    script = (f"<script>/* build {asset} */\n{_slice(js, layout, padding // 2)}\n</script>\n")
    html = (head + style + top + sprite + article + _sidebar(rng, report.country) + "\n" + footer + script
            + "</body>\n</html>\n")
    return html.encode("utf-8")


# --------------------------------------------------------------------------- page sets on disk

def page_name(index: int) -> str:
    return f"p{index:05d}"


def changed_indices(n: int) -> frozenset[int]:
    """The pages whose report changes in the "changed" variant: one in ten."""
    return frozenset(i for i in range(n) if i % CHANGED_SHARE == 0)


def write_pages(folder: Path, indices: Iterable[int], chrome_seed: int,
                revised: frozenset[int] = frozenset()) -> int:
    """Write ``<page name>.html`` for every index; returns the total bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in indices:
        data = render(i, chrome_seed, 1 if i in revised else 0)
        (folder / f"{page_name(i)}.html").write_bytes(data)
        total += len(data)
    return total


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]
