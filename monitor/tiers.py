"""Tier and country vocabulary of the TIP reports: canonical tiers, tier headings, tier sentences, country names.

Everything here is a pure function of text. The extractor decides *which* text to hand in (headings of the
narrative, the narrative's own sentences, the page title); this module only knows how the reports have
written a placement over the years:

- tiers: ``Tier 3``, ``TIER 2 WATCH LIST``, ``Tier 2 Watchlist``, ``Tier Two Watch List``, ``Tier II``,
  ``tier 2-watch list``, ``Tier 2WL``, ``Special Case``, all mapped onto :data:`monitor.models.CANONICAL_TIERS`;
- headings: ``Cambodia (Tier 3)``, ``CAMBODIA: Tier 2 Watch List``, ``RUSSIA: TIER 3``, ``SPECIAL CASE: YEMEN``,
  ``Special Case (Libya)``, ``CAMBODIA Tier 3`` (a heading broken over two lines, joined), a bare tier;
- sentences of the reporting year (``…therefore Cambodia was downgraded to Tier 3.``), as opposed to history
  (``Cambodia was placed on Tier 3 in 2019 and 2020``), hypotheticals (``would be downgraded``) and negations.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from monitor.models import SPECIAL_CASE

logger = logging.getLogger(__name__)

__all__ = [
    "TierHeading",
    "canonical_country",
    "canonical_tier",
    "country_in_text",
    "is_country_name",
    "is_tier_definition",
    "labelled_tier",
    "normalize_tier_mentions",
    "parse_tier_heading",
    "placement_listing",
    "run_in_heading",
    "tier_from_sentence",
]

# --------------------------------------------------------------------------- tiers

# One tier mention, as a regex fragment without groups of its own (so it can sit inside bigger patterns).
# Alternatives run longest first, so that "Tier III" is never read as "Tier I" and "Tier 2 Watch List"
# never as "Tier 2".
_WATCH_LIST = r"(?:\s*\(\s*watch\s*-?\s*list\s*\)|\s*[-–/,:]?\s*(?:watch\s*-?\s*list|wl))"
TIER_FRAGMENT = (
    r"(?:tier\s*[-–]?\s*(?:3|iii|three)(?![\w-])"
    r"|tier\s*[-–]?\s*(?:2|ii|two)" + _WATCH_LIST + r"(?![\w-])"
    r"|tier\s*[-–]?\s*(?:2|ii|two)(?![\w-])"
    r"|tier\s*[-–]?\s*(?:1|i|one)(?![\w-])"
    r"|special\s+cases?(?![\w-]))"
)
_TIER_RE = re.compile(TIER_FRAGMENT, re.IGNORECASE)
_WATCH_LIST_RE = re.compile(r"watch|wl\b", re.IGNORECASE)


def canonical_tier(text: str) -> str | None:
    """The canonical tier that ``text`` names (and nothing else), or None.

    ``"TIER 2 WATCH LIST"``, ``"Tier 2 Watchlist"``, ``"Tier Two Watch List"``, ``"tier 2-watch list"``,
    ``"Tier 2WL"`` -> ``"Tier 2 Watch List"``; ``"Tier II"`` -> ``"Tier 2"``; ``"(Special Case)"`` ->
    ``"Special Case"``. Surrounding spaces, brackets and punctuation are allowed; other words are not.
    """
    for candidate in (text.strip().strip(":;.,*").strip(), text.strip().strip("()[]:;.,*").strip()):
        match = _TIER_RE.fullmatch(candidate)
        if match:
            return _canonical_from_match(match.group(0))
    return None


_TIER_MENTION = re.compile(r"(?<![\w-])(?:" + TIER_FRAGMENT[3:-1] + r")", re.IGNORECASE)


def normalize_tier_mentions(text: str) -> str:
    """``text`` with every tier it mentions spelled canonically (``TIER II`` -> ``Tier 2``, ``Tier 2
    Watchlist`` -> ``Tier 2 Watch List``), so that a respelling is no change. ``Special Case(s)`` is left
    as written (its plural is grammar, not a spelling)."""
    if "tier" not in text.lower():
        return text
    return _TIER_MENTION.sub(_canonical_mention, text)


def _canonical_mention(match: re.Match[str]) -> str:
    found = match.group(0)
    return found if found[:1] in "sS" else _canonical_from_match(found)


_TIER_WORD = re.compile(r"^tier\s*[-–]?\s*")


def _canonical_from_match(found: str) -> str:
    lowered = found.lower()
    if lowered.startswith("special"):
        return SPECIAL_CASE
    number = _TIER_WORD.sub("", lowered)
    if number.startswith(("3", "iii", "three")):
        return "Tier 3"
    if number.startswith(("2", "ii", "two")):
        return "Tier 2 Watch List" if _WATCH_LIST_RE.search(number) else "Tier 2"
    return "Tier 1"


# --------------------------------------------------------------------------- countries

# The names the reports use for their country narratives, in the form we report them.
_COUNTRIES = """
Afghanistan|Albania|Algeria|Angola|Antigua and Barbuda|Argentina|Armenia|Aruba|Australia|Austria|Azerbaijan|
The Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia and Herzegovina|
Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burma|Burundi|Cabo Verde|Cambodia|Cameroon|Canada|
Central African Republic|Chad|Chile|China|Colombia|Comoros|Congo, Democratic Republic of the|
Congo, Republic of the|Costa Rica|Côte d'Ivoire|Croatia|Cuba|Curaçao|Cyprus|Czech Republic|Denmark|Djibouti|
Dominica|Dominican Republic|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|
Fiji|Finland|France|Gabon|The Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|
Guyana|Haiti|Honduras|Hong Kong|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|
Jordan|Kazakhstan|Kenya|Kiribati|Korea, North|Korea, South|Kosovo|Kuwait|Kyrgyz Republic|Laos|Latvia|Lebanon|
Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Macau|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|
Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|
Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Macedonia|Norway|Oman|Pakistan|
Palau|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Romania|Russia|Rwanda|
St. Kitts and Nevis|St. Lucia|St. Maarten|St. Vincent and the Grenadines|Samoa|San Marino|
Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|Serbia and Montenegro|Seychelles|Sierra Leone|Singapore|
Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|
Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Timor-Leste|Togo|Tonga|Trinidad and Tobago|Tunisia|
Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|United Kingdom|United States|Uruguay|
Uzbekistan|Vanuatu|Venezuela|Vietnam|Yemen|Yugoslavia|Zambia|Zimbabwe
"""

# Other spellings of the same countries (other sources, other years), mapped onto the names above.
_ALIASES = {
    "Democratic Republic of the Congo": "Congo, Democratic Republic of the",
    "Democratic Republic of Congo": "Congo, Democratic Republic of the",
    "Congo (Kinshasa)": "Congo, Democratic Republic of the",
    "DR Congo": "Congo, Democratic Republic of the",
    "Republic of the Congo": "Congo, Republic of the",
    "Republic of Congo": "Congo, Republic of the",
    "Congo (Brazzaville)": "Congo, Republic of the",
    "North Korea": "Korea, North",
    "Democratic People's Republic of Korea": "Korea, North",
    "Korea, Democratic People's Republic of": "Korea, North",
    "South Korea": "Korea, South",
    "Republic of Korea": "Korea, South",
    "Korea, Republic of": "Korea, South",
    "Ivory Coast": "Côte d'Ivoire",
    "Cape Verde": "Cabo Verde",
    "Swaziland": "Eswatini",
    "Czechia": "Czech Republic",
    "Macedonia": "North Macedonia",
    "Türkiye": "Turkey",
    "East Timor": "Timor-Leste",
    "Kyrgyzstan": "Kyrgyz Republic",
    "Lao PDR": "Laos",
    "Viet Nam": "Vietnam",
    "Brunei Darussalam": "Brunei",
    "Russian Federation": "Russia",
    "Syrian Arab Republic": "Syria",
    "Myanmar": "Burma",
    "Saint Lucia": "St. Lucia",
    "Saint Vincent and the Grenadines": "St. Vincent and the Grenadines",
    "Saint Kitts and Nevis": "St. Kitts and Nevis",
    "Sint Maarten": "St. Maarten",
    "Micronesia, Federated States of": "Micronesia",
    "Federated States of Micronesia": "Micronesia",
    "São Tomé and Príncipe": "Sao Tome and Principe",
    "United States of America": "United States",
    "Bahamas": "The Bahamas",
    "Bahamas, The": "The Bahamas",
    "Gambia": "The Gambia",
    "Gambia, The": "The Gambia",
    "Lao People's Democratic Republic": "Laos",
    "Federal Republic of Yugoslavia": "Yugoslavia",
    "Yugoslavia, Federal Republic of": "Yugoslavia",
    "Macedonia, Former Yugoslav Republic of": "North Macedonia",
    "Former Yugoslav Republic of Macedonia": "North Macedonia",
    "Tanzania, United Republic of": "Tanzania",
    "Macao": "Macau",
    "Bosnia-Herzegovina": "Bosnia and Herzegovina",
    "DRC": "Congo, Democratic Republic of the",
    "DPRK": "Korea, North",
    "PRC": "China",
    "People's Republic of China": "China",
    "ROK": "Korea, South",
    "UAE": "United Arab Emirates",
    "Burkina": "Burkina Faso",
}


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """A matching key: accents, case, apostrophe forms, '&' and a leading 'the' do not matter."""
    if text.isascii():
        plain = text    # nothing to decompose: the per-character pass below is most of a title's cost
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("’", "'").replace("‘", "'").replace("&", " and ").casefold()
    # "Saint Vincent", "St. Vincent" and "St Vincent"; "Timor-Leste" and "Timor Leste" are one name.
    plain = _SAINT.sub("st", plain).replace("-", " ")
    plain = _FOLD_SPACES.sub(" ", plain).strip(" .,:;")
    return _LEADING_THE.sub("", plain)


_SAINT = re.compile(r"\bsaint\b|\bst\b\.?")
_FOLD_SPACES = re.compile(r"[\s\u00a0]+")
_LEADING_THE = re.compile(r"^the ")


@lru_cache(maxsize=1)
def _country_table() -> dict[str, str]:
    table = {_fold(name): name for name in (n.strip() for n in _COUNTRIES.split("|")) if name}
    table.update({_fold(alias): name for alias, name in _ALIASES.items()})
    return table


@lru_cache(maxsize=1)
def _country_search() -> re.Pattern[str]:
    # Longest names first, so that "Papua New Guinea" wins over "Guinea" and "South Sudan" over "Sudan".
    keys = sorted(_country_table(), key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w'-])")


def is_country_name(text: str) -> bool:
    """Whether ``text`` is (exactly) a known country name or alias."""
    return _fold(text) in _country_table()


def canonical_country(text: str) -> str:
    """The reports' name for a country (``KOREA, NORTH`` -> ``Korea, North``); unknown names are tidied:
    an all-capitals name is title-cased, anything else is kept as written."""
    known = _country_table().get(_fold(text))
    if known:
        return known
    name = " ".join(text.split()).strip(" ,.:;")
    if name.isupper():
        name = _title_case(name)
    return name


def _title_case(name: str) -> str:
    small = {"and", "of", "the", "da", "de", "del", "du"}
    words = []
    for index, word in enumerate(name.lower().split(" ")):
        if index and word in small:
            words.append(word)
        else:
            words.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
    return " ".join(words)


def country_in_text(text: str) -> str | None:
    """The first known country a free text (a page title, a heading) names, or None.

    ``United States`` counts only when nothing else is named, since it is part of the publisher's own
    name on most pages (``United States Department of State``, ``U.S. Embassy in …``).
    """
    found = [_country_table()[m.group(0)] for m in _country_search().finditer(_fold(text))]
    for name in found:
        if name != "United States":
            return name
    return found[0] if found else None


# --------------------------------------------------------------------------- headings

@dataclass(frozen=True)
class TierHeading:
    """A heading that states a placement. ``country`` is None for a bare tier (``Special Case``)."""

    tier: str
    country: str | None


_T = r"(?P<tier>" + TIER_FRAGMENT + r")"
_C = r"(?P<country>[^\W\d_][^\d:;()\[\]|]{0,80}?)"
_SEP = r"\s*[:\-–—|/]\s*"
# The report's year after the heading: "BURMA: Tier 3 (2024)", "BURMA: Tier 3 - 2024".
_YEAR_SUFFIX = re.compile(r"\s*(?:[(\[]\s*(?:19|20)\d\d\s*[)\]]|[-–—|,]\s*(?:19|20)\d\d)$")
# A report-title prefix some pages put before the heading: "2024 Trafficking in Persons Report: ".
_TITLE_PREFIX = re.compile(
    r"^(?:the\s+)?(?:19|20)\d\d\s+(?:trafficking\s+in\s+persons|tip)\s+report\s*[:\-–—|]\s*", re.IGNORECASE)
_HEADING_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in (
        (_C + r"\s*[(\[]\s*" + _T + r"\s*[)\]]", "any"),       # Cambodia (Tier 3), SOMALIA (Special Case)
        (_C + _SEP + _T, "any"),                                  # CAMBODIA: Tier 2 Watch List, RUSSIA: TIER 3
        (_T + r"\s*[(\[]\s*" + _C + r"\s*[)\]]", "reversed"),   # Special Case (Libya)
        (_T + _SEP + _C, "reversed"),                             # SPECIAL CASE: YEMEN
        (_C + r"\s*" + _T, "known"),          # CAMBODIA Tier 3 (two lines joined; two spans glued)
        (r"(?:tier\s+(?:ranking|placement|rating|status)|ranking|placement)\s*:?\s*" + _T, "label"),
        (r"[(\[]?\s*" + _T + r"\s*[)\]]?", "bare"),               # Special Case, (Tier 3)
    ))
# Words that make a would-be country part a sentence or a label rather than a name.
_NOT_A_COUNTRY = re.compile(
    r"\b(?:tier|tiers|report|reports|countries|country|is|was|were|are|remains?|remained|placed|ranked|"
    r"downgraded|upgraded|moved|list|government|governments|minimum|standards|narratives?|placement|"
    r"ranking|page|section|table|map|watch|special|overview|introduction|summary|recommendations?|"
    r"prosecution|protection|prevention|profile|scope|efforts)\b", re.IGNORECASE)
MAX_COUNTRY_WORDS = 8


def parse_tier_heading(text: str) -> TierHeading | None:
    """The placement a heading states, or None when the whole text is not a tier heading.

    ``text`` must be only the heading: ``Cambodia (Tier 3)`` is one, ``Cambodia remained on Tier 3`` and
    ``Tier 3: Countries whose governments …`` are not. A reversed form (``SPECIAL CASE: YEMEN``) needs a
    known country unless the tier is Special Case; so does a separator-less ``CAMBODIA Tier 3``.
    """
    lowered = text.lower()
    if "tier" not in lowered and "special" not in lowered:
        return None
    return _parse_tier_heading(text)


# Remembered: extraction reads a page's tier heading several times (to keep it while pruning, to find it, to
# tell its repeats), and headings such as "Tier 2 Watch List" recur on every page; reading one costs
# microseconds of regular expressions. TierHeading is immutable, so the answers can be shared.
@lru_cache(maxsize=1024)
def _parse_tier_heading(text: str) -> TierHeading | None:
    text = _TITLE_PREFIX.sub("", " ".join(text.split())).strip(" .*")
    text = _YEAR_SUFFIX.sub("", text).strip(" .*")
    if not text or len(text) > 120:
        return None
    for pattern, kind in _HEADING_FORMS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        tier = _canonical_from_match(match.group("tier"))
        if kind in ("bare", "label"):
            return TierHeading(tier, None)
        country = match.group("country").strip(" ,.-–—")
        if not _looks_like_country(country):
            continue
        known = is_country_name(country)
        if kind == "known" and not known:
            continue
        if kind == "reversed" and not known and tier != SPECIAL_CASE:
            continue
        return TierHeading(tier, canonical_country(country))
    return None


# A line of a placements listing, once its tiers are taken out: separators, years and arrows only.
_LISTING_FILLER = re.compile(r"(?:(?:19|20)\d\d|[\s:;,.()\[\]|/→>\-–—]|\bto\b)+", re.IGNORECASE)


def placement_listing(text: str) -> str | None:
    """The country of a line that only lists a placement - a sidebar or table row such as ``Thailand
    (Tier 2)``, ``Laos: Tier 2 Watch List``, ``Thailand Tier 2 Tier 3``, ``Vietnam | 2023: Tier 2 |
    2024: Tier 3`` - or None. A narrative never has a block that is nothing but a country and its tier."""
    if len(text) > 160 or "tier" not in text.lower() and "special" not in text.lower():
        return None
    first = _TIER_MENTION.search(text)
    if first is None or _LISTING_FILLER.sub("", _TIER_MENTION.sub(" ", text[first.start():])):
        return None
    name = _LISTING_FILLER.sub(" ", text[:first.start()] + " ").strip()
    if not name:
        return None
    # The filler took the comma of "Korea, North": look the name up as written, then without commas.
    written = text[:first.start()].strip(" \t:;.([|-–—")
    for candidate in (written, name):
        if is_country_name(candidate):
            return canonical_country(candidate)
    return None


# The explanation of a tier, as pages that explain the tier system word it: "Countries whose governments
# fully meet …", "TIER 3: Countries whose governments do not …", "Governments that do not fully meet …".
_DEFINITION = re.compile(
    r"^(?:(?:the\s+)?(?:countries|governments|nations|states)\s+(?:whose|where|that|which|in\s+which|with)\b"
    r"|(?:a\s+)?countr(?:y|ies)\s+(?:is|are)\s+(?:placed|ranked|listed)\b)", re.IGNORECASE)
_LEADING_TIER = re.compile(r"^\s*(?:" + TIER_FRAGMENT + r")\s*[:\-–—.]?\s*", re.IGNORECASE)


_ABOUT_TIERS = re.compile(
    r"minimum\s+standards|\btier|special\s+case|\btvpa\b|trafficking\s+victims\s+protection\s+act", re.IGNORECASE)


def is_tier_definition(text: str) -> bool:
    """Whether ``text`` explains what a tier means (possibly after the tier's own name), rather than
    stating a country's placement: it opens like a definition and speaks of the minimum standards or the
    tiers ("Countries where Cambodian workers migrate include …" is narrative)."""
    return bool(_DEFINITION.match(_LEADING_TIER.sub("", text, count=1))) and bool(_ABOUT_TIERS.search(text))


def run_in_heading(text: str) -> tuple[TierHeading, str] | None:
    """A tier heading that opens a paragraph, run in with its first sentence (``<b>BURMA: Tier 3</b> The
    Government of Burma …``): the heading and the rest of the text, or None. Only a known country's heading
    counts, and the rest must start like a sentence."""
    if "tier" not in text[:160].lower() and "special" not in text[:160].lower():
        return None
    for match in _TIER_MENTION.finditer(text[:160]):
        end = match.end()
        while end < len(text) and text[end] in ")]":
            end += 1
        rest = text[end:].lstrip(" .:-")
        # A sentence, not the next cell of a placements row ("Thailand Tier 2 Tier 3").
        if len(rest.split()) < 4 or not (rest[0].isupper() or rest[0] in "\"'(") or _TIER_MENTION.match(rest):
            continue
        heading = parse_tier_heading(text[:end])
        if heading is not None and heading.country is not None and is_country_name(heading.country):
            return heading, rest
    return None


_LABEL_FORM = _HEADING_FORMS[5][0]


def labelled_tier(text: str) -> str | None:
    """The tier of a labelled line only (``Tier placement: Tier 3``, ``Ranking Tier 2``): the page's own
    placement in a key/value row, never another country's, since it names none."""
    match = _LABEL_FORM.fullmatch(" ".join(text.split()).strip(" .*"))
    return _canonical_from_match(match.group("tier")) if match else None


def _looks_like_country(text: str) -> bool:
    if not text or not text[0].isupper() or len(text.split()) > MAX_COUNTRY_WORDS:
        return False
    return is_country_name(text) or not _NOT_A_COUNTRY.search(text)


# --------------------------------------------------------------------------- narrative sentences

def _lazy(pattern: str) -> Callable[[], re.Pattern[str]]:
    """A case-insensitive pattern compiled on its first use. The sentence patterns serve only pages without
    a tier heading, and compiling them was a third of this module's import time."""
    return cache(lambda: re.compile(pattern, re.IGNORECASE))


# "was downgraded to", "is placed on", "remained on", "has been upgraded to" ... + a tier. Only finite
# forms that state this year's placement: "would be downgraded", "was not upgraded", "avoid a downgrade
# to" and a noun ("an otherwise required downgrade to Tier 3") never match.
_ARTICLE = r"(?:(?:the|a|an)\s+)?"
_PLACEMENT = _lazy(
    r"\b(?:(?:is|was|has\s+been|have\s+been|are|were)\s+(?:therefore\s+|again\s+|now\s+|thus\s+|hereby\s+)?"
    r"(?:downgraded|upgraded|placed|ranked|moved|kept|maintained|reclassified|assigned|listed|designated|rated|"
    r"classified)\s+(?:to|on|at|in|as)\s+" + _ARTICLE +
    r"|(?:is|was|has\s+been|are|were)\s+(?:therefore\s+|again\s+|now\s+|thus\s+|still\s+)?"
    r"(?:ranked|rated|designated|classified)\s+"          # "Cambodia is ranked Tier 2 Watch List"
    r"|(?:remains|remained|remain|stays|stayed)\s+(?:on|at|in|as)\s+" + _ARTICLE +
    # "Cambodia rose to Tier 2", "dropped back to Tier 3", "moved up to", "was elevated to Tier 1"
    r"|(?:rose|rises|fell|falls|dropped|drops|slipped|slips|climbed|climbs|improved|improves|returned|returns|"
    r"moved\s+up|moved\s+down|moves\s+up|moves\s+down)\s+(?:back\s+)?(?:to|onto)\s+" + _ARTICLE +
    r"|(?:is|was|has\s+been|have\s+been|are|were)\s+(?:therefore\s+|again\s+|now\s+|thus\s+)?"
    r"(?:elevated|promoted|demoted|lowered|raised|returned|relegated)\s+(?:back\s+)?to\s+" + _ARTICLE +
    r"|(?:places|placed|ranks|ranked|moves|moved|downgrades|downgraded|upgrades|upgraded|keeps|kept|"
    r"designates|designated|rates|rated|classifies|classified)"
    r"\s+(?P<object>[^\W\d_][\w'’.,\- ]{0,60}?)\s+(?:to|on|at|in|as)\s+" + _ARTICLE + r")"
    r"(?P<tier>" + TIER_FRAGMENT + r")")
# "Cambodia maintained its Tier 2 Watch List ranking", "Thailand retained a Tier 1 rating",
# "Cambodia is a Tier 2 Watch List country": the placement as a possession or a description.
_HOLDING = _lazy(
    r"\b(?:(?:maintained|maintains|retained|retains|kept|keeps|holds|held|earned|earns|received|receives|"
    r"achieved|achieves|regained|regains)\s+(?:its|a|an|the)\s+"
    r"(?P<tier>" + TIER_FRAGMENT + r")(?=\s+(?:ranking|rating|status|placement|designation|classification)\b)"
    r"|(?:is|remains|remained|was)\s+(?:again\s+|still\s+|now\s+)?(?:a|an)\s+"
    r"(?:(?P<tier2>" + TIER_FRAGMENT + r")(?=\s+(?:country|nation)\b)|(?P<tier3>special\s+case)\b))")
# A year, or words of the past, in the rest of the clause make the sentence history.
_HISTORY_TAIL = _lazy(
    r"\b(?:1[89]\d\d|20\d\d)\b|\b(?:previous(?:ly)?|prior|last\s+year|in\s+past|formerly|earlier)\b")
_HISTORY_HEAD = _lazy(r"\b(?:had|previously|formerly|last\s+year|prior\s+to|until)\b")
_NEAR_WORDS = 6
# "the 2024 report", "the 2024 TIP Report": the report's own year, not history.
_REPORT_YEAR = _lazy(r"\b(?:19|20)\d\d\s+(?:(?:trafficking\s+in\s+persons|tip)\s+)?report\b|"
                     r"\breport\s+(?:of\s+)?(?:19|20)\d\d\b")
_HYPOTHETICAL = _lazy(r"\b(?:would|could|should|may|might|if|unless|when|whenever|risk(?:s|ed)?|"
                      r"avoid(?:ed|s)?)\b")
# "a country is placed on Tier 3 when …", "countries are ranked …": the rule, not this country's placement.
_GENERIC_SUBJECT = _lazy(r"\b(?:a|any|each|every|which|what)\s+country\b|\bcountries\b|\bgovernments\b")


def tier_from_sentence(sentence: str, country: str | None = None) -> str | None:
    """The tier a narrative sentence assigns for the reporting year, or None.

    ``…therefore Cambodia was downgraded to Tier 3.`` -> ``Tier 3``; ``Cambodia remained on Tier 2 Watch
    List for the third consecutive year`` -> ``Tier 2 Watch List``. History (``Cambodia dropped to Tier 3 in
    2005``, ``was placed on Tier 3 in 2019 and 2020``), conditionals and negations give None. When
    ``country`` is given, a sentence that names another known country but not this one gives None.
    """
    matches = sorted((*_PLACEMENT().finditer(sentence), *_HOLDING().finditer(sentence)), key=lambda m: m.start())
    for match in matches:
        # Only the clause around the placement counts: "Although it was downgraded last year, Cambodia
        # remained on Tier 2" is about this year; "…was placed on Tier 3 in 2019" is not.
        clause_head = _REPORT_YEAR().sub("report", re.split(r"[,;:]", sentence[:match.start()])[-1])
        near_head = " ".join(clause_head.split()[-_NEAR_WORDS:])
        tail = _REPORT_YEAR().sub("report", re.split(r"[,;:.(]", sentence[match.end():], maxsplit=1)[0])
        if _HISTORY_TAIL().search(tail) or _HISTORY_TAIL().search(near_head) \
                or _HISTORY_HEAD().search(near_head) or _HYPOTHETICAL().search(near_head) \
                or _GENERIC_SUBJECT().search(near_head):
            continue
        if country and not _names_country(clause_head + " " + (match.groupdict().get("object") or ""), country):
            continue
        found = match.group("tier") or match.groupdict().get("tier2") or match.groupdict().get("tier3")
        if found:
            return _canonical_from_match(found)
    return None


def _names_country(text: str, country: str) -> bool:
    """Whether the clause is about ``country``: it names it, or names no known country at all."""
    folded = _fold(text)
    if _fold(country) in folded:
        return True
    named = country_in_text(text)
    return named is None or named == canonical_country(country)
