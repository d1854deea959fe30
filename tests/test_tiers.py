"""Tier vocabulary: every spelling the reports use maps onto one canonical tier, headings are read in every
form they have taken, and only this year's placement sentence (never history) states a tier."""

from __future__ import annotations

import pytest

from monitor.models import CANONICAL_TIERS
from monitor.tiers import (
    TierHeading,
    canonical_country,
    canonical_tier,
    country_in_text,
    is_tier_definition,
    labelled_tier,
    normalize_tier_mentions,
    parse_tier_heading,
    placement_listing,
    run_in_heading,
    tier_from_sentence,
)

SPELLINGS = [
    ("Tier 1", "Tier 1"), ("TIER 1", "Tier 1"), ("Tier One", "Tier 1"), ("Tier I", "Tier 1"), ("tier one", "Tier 1"),
    ("Tier 2", "Tier 2"), ("TIER 2", "Tier 2"), ("Tier Two", "Tier 2"), ("Tier II", "Tier 2"), ("tier-2", "Tier 2"),
    ("Tier 2 Watch List", "Tier 2 Watch List"), ("TIER 2 WATCH LIST", "Tier 2 Watch List"),
    ("Tier 2 Watchlist", "Tier 2 Watch List"), ("Tier Two Watch List", "Tier 2 Watch List"),
    ("tier 2-watch list", "Tier 2 Watch List"), ("Tier 2WL", "Tier 2 Watch List"),
    ("Tier 2 WL", "Tier 2 Watch List"), ("Tier II Watch List", "Tier 2 Watch List"),
    ("Tier 2 (Watch List)", "Tier 2 Watch List"), ("Tier 2 - Watch List", "Tier 2 Watch List"),
    ("Tier 3", "Tier 3"), ("TIER 3", "Tier 3"), ("Tier Three", "Tier 3"), ("Tier III", "Tier 3"),
    ("Special Case", "Special Case"), ("SPECIAL CASE", "Special Case"), ("special case", "Special Case"),
    ("(Tier 3)", "Tier 3"), ("  Tier 3. ", "Tier 3"), ("(Special Case)", "Special Case"),
]
NOT_TIERS = ["Tier 4", "Tier", "Tier 2 Special Watch List", "Tier 3 countries", "Watch List", "tiered",
             "Tier 12", "Cambodia (Tier 3)", ""]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_every_spelling_maps_to_its_canonical_tier(text: str, expected: str) -> None:
    assert canonical_tier(text) == expected
    assert expected in CANONICAL_TIERS


@pytest.mark.parametrize("text", NOT_TIERS)
def test_other_text_is_no_tier(text: str) -> None:
    assert canonical_tier(text) is None


HEADINGS = [
    ("Cambodia (Tier 3)", "Tier 3", "Cambodia"),
    ("CAMBODIA: Tier 2 Watch List", "Tier 2 Watch List", "Cambodia"),
    ("HONDURAS (TIER 2)", "Tier 2", "Honduras"),
    ("RUSSIA: TIER 3", "Tier 3", "Russia"),
    ("SOMALIA (Special Case)", "Special Case", "Somalia"),
    ("SPECIAL CASE: YEMEN", "Special Case", "Yemen"),
    ("Special Case (Libya)", "Special Case", "Libya"),
    ("Special Case", "Special Case", None),
    ("KOREA, NORTH: Tier 3", "Tier 3", "Korea, North"),
    ("KOREA, SOUTH (Tier 1)", "Tier 1", "Korea, South"),
    ("CONGO, DEMOCRATIC REPUBLIC OF THE: Tier 2 Watch List", "Tier 2 Watch List",
     "Congo, Democratic Republic of the"),
    ("CONGO, REPUBLIC OF THE (Tier 2)", "Tier 2", "Congo, Republic of the"),
    ("Côte d'Ivoire (Tier 2)", "Tier 2", "Côte d'Ivoire"),
    ("COTE D’IVOIRE: TIER 2 WATCH LIST", "Tier 2 Watch List", "Côte d'Ivoire"),
    ("GUINEA-BISSAU: Tier 2", "Tier 2", "Guinea-Bissau"),
    ("BAHAMAS, THE: Tier 1", "Tier 1", "The Bahamas"),
    ("ST. VINCENT AND THE GRENADINES (Tier 2)", "Tier 2", "St. Vincent and the Grenadines"),
    ("CAMBODIA Tier 3", "Tier 3", "Cambodia"),                    # a heading broken over two lines, joined
    ("Cambodia – Tier 2 Watchlist", "Tier 2 Watch List", "Cambodia"),
    ("2024 Trafficking in Persons Report: Cambodia (Tier 3)", "Tier 3", "Cambodia"),
    ("Tier placement: Tier 2", "Tier 2", None),
    ("(Tier 3)", "Tier 3", None),
    ("ATLANTIS (Tier 2)", "Tier 2", "Atlantis"),                   # unknown names are still read, tidied
    ("BURMA / Tier 3", "Tier 3", "Burma"),
    ("BURMATier 3", "Tier 3", "Burma"),                             # two spans glued: a known country only
    ("BURMA: Tier 3 (2024)", "Tier 3", "Burma"),                    # the report's year after the heading
    ("BURMA: Tier 2 - 2024", "Tier 2", "Burma"),
    ("MYANMAR: TIER III", "Tier 3", "Burma"),
]


@pytest.mark.parametrize(("text", "tier", "country"), HEADINGS)
def test_heading_forms(text: str, tier: str, country: str | None) -> None:
    assert parse_tier_heading(text) == TierHeading(tier, country)


@pytest.mark.parametrize("text", [
    "Cambodia remained on Tier 3",
    "Cambodia was downgraded to Tier 3.",
    "Tier 3: Countries whose governments do not fully meet the minimum standards",
    "Tier 1: Countries",
    "Overview (Tier 3)",
    "The government (Tier 2)",
    "Countries in Tier 2 Watch List",
    "Atlantis Tier 2",          # without a separator only a known country makes a heading
    "Tier 3: Atlantis",         # reversed order needs a known country unless it is Special Case
    "",
])
def test_non_headings(text: str) -> None:
    assert parse_tier_heading(text) is None


SENTENCES = [
    ("Therefore Cambodia was downgraded to Tier 3.", "Tier 3"),
    ("The government did not demonstrate increasing efforts; therefore Cambodia was downgraded to Tier 3.",
     "Tier 3"),
    ("Therefore Cambodia remained on Tier 2 Watch List for the third consecutive year.", "Tier 2 Watch List"),
    ("Cambodia is upgraded to Tier 2.", "Tier 2"),
    ("Therefore, Cambodia was upgraded to Tier 2.", "Tier 2"),
    ("The 2024 report places Cambodia on Tier 2 Watch List.", "Tier 2 Watch List"),
    ("Because the government has devoted sufficient resources to a written plan that, if implemented, would "
     "constitute significant efforts to meet the minimum standards, Cambodia was granted a waiver from an "
     "otherwise required downgrade to Tier 3 and remained on Tier 2 Watch List for the second consecutive "
     "year.", "Tier 2 Watch List"),
    ("Although it was downgraded last year, Cambodia remained on Tier 2.", "Tier 2"),
    # History, hypotheticals, negations and other countries never state this year's tier.
    ("Cambodia dropped to Tier 3 in 2005.", None),
    ("Cambodia was placed on Tier 3 in 2019 and 2020.", None),
    ("Cambodia was on Tier 3 from 2017 to 2019.", None),
    ("Cambodia had been placed on Tier 3 previously.", None),
    ("Cambodia would be downgraded to Tier 3 if it fails to act.", None),
    ("Cambodia could remain on Tier 2 Watch List.", None),
    ("Cambodia was not downgraded to Tier 3.", None),
    ("Thailand was downgraded to Tier 3.", None),
    ("Countries on Tier 3 may be subject to restrictions on assistance.", None),
    ("An otherwise required downgrade to Tier 3.", None),
    # How press releases word this year's placement.
    ("For the third consecutive year, Cambodia is ranked Tier 2 Watch List.", "Tier 2 Watch List"),
    ("Cambodia remains on the Tier 2 Watch List in the 2024 report.", "Tier 2 Watch List"),
    ("Cambodia maintained its Tier 3 ranking in the 2024 report.", "Tier 3"),
    ("The 2024 report designated Cambodia as a Tier 3 country.", "Tier 3"),
    ("Cambodia is a Tier 2 Watch List country.", "Tier 2 Watch List"),
    ("This year Cambodia rose to Tier 2 Watch List.", "Tier 2 Watch List"),
    ("Cambodia was upgraded from Tier 3 to Tier 2 Watch List.", "Tier 2 Watch List"),
    ("Cambodia was elevated to Tier 1.", "Tier 1"),
    ("Cambodia remains a Special Case this year.", "Special Case"),
    ("Thailand maintained its Tier 2 ranking.", None),
    ("Cambodia fell to Tier 3 last year.", None),
    ("The report warned that Cambodia could fall to Tier 3.", None),
    ("Cambodia was a Special Case in 2019.", None),
    ("Under the law, a country is placed on Tier 3 when its government does not act.", None),
    ("Countries are ranked Tier 3 if their governments fail to act.", None),
]


@pytest.mark.parametrize(("sentence", "tier"), SENTENCES)
def test_placement_sentences(sentence: str, tier: str | None) -> None:
    assert tier_from_sentence(sentence, "Cambodia") == tier


def test_a_sentence_naming_no_country_counts_for_the_page() -> None:
    assert tier_from_sentence("Therefore it was upgraded to Tier 2.", "Cambodia") == "Tier 2"
    assert tier_from_sentence("Therefore it was upgraded to Tier 2.") == "Tier 2"


@pytest.mark.parametrize(("text", "expected"), [
    ("KOREA, NORTH", "Korea, North"), ("North Korea", "Korea, North"),
    ("Democratic Republic of the Congo", "Congo, Democratic Republic of the"),
    ("COTE D'IVOIRE", "Côte d'Ivoire"), ("Ivory Coast", "Côte d'Ivoire"), ("Myanmar", "Burma"),
    ("CAMBODIA", "Cambodia"), ("the Gambia", "The Gambia"), ("Türkiye", "Turkey"),
    ("NEW ATLANTIS", "New Atlantis"), ("Republic of Atlantis", "Republic of Atlantis"),
    ("SAINT VINCENT AND THE GRENADINES", "St. Vincent and the Grenadines"),
    ("St Vincent & the Grenadines", "St. Vincent and the Grenadines"), ("Timor Leste", "Timor-Leste"),
    ("Guinea Bissau", "Guinea-Bissau"), ("Bosnia-Herzegovina", "Bosnia and Herzegovina"), ("MACAO", "Macau"),
    ("CURAÇAO", "Curaçao"), ("THE GAMBIA", "The Gambia"),
])
def test_country_names_are_canonical(text: str, expected: str) -> None:
    assert canonical_country(text) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("Refworld | U.S. Department of State 2002 Trafficking in Persons Report - Cambodia", "Cambodia"),
    ("Cambodia - United States Department of State", "Cambodia"),
    ("Release of the 2024 Trafficking in Persons Report | U.S. Embassy in Cambodia", "Cambodia"),
    ("Papua New Guinea - United States Department of State", "Papua New Guinea"),
    ("South Sudan", "South Sudan"),
    ("Niger - report", "Niger"),
    ("United States - United States Department of State", "United States"),
    ("Trafficking in Persons Report", None),
])
def test_country_in_a_title(title: str, expected: str | None) -> None:
    assert country_in_text(title) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("therefore Cambodia remained on TIER 2 WATCH LIST.", "therefore Cambodia remained on Tier 2 Watch List."),
    ("was upgraded to Tier II in 2010 and to tier one in 2012", "was upgraded to Tier 2 in 2010 and to Tier 1 in 2012"),
    ("Tier 2 Watchlist (Tier 2WL)", "Tier 2 Watch List (Tier 2 Watch List)"),
    ("Special Cases remain Special Cases", "Special Cases remain Special Cases"),
    ("a multi-tier approach", "a multi-tier approach"),
])
def test_tier_mentions_in_text_are_spelled_one_way(text: str, expected: str) -> None:
    assert normalize_tier_mentions(text) == expected


@pytest.mark.parametrize(("text", "country"), [
    ("Thailand (Tier 2)", "Thailand"),
    ("Laos: Tier 2 Watch List", "Laos"),
    ("Thailand Tier 2 Tier 3", "Thailand"),                       # a placements table's row
    ("Vietnam | 2023: Tier 2 | 2024: Tier 3", "Vietnam"),
    ("Korea, North Tier 3 Tier 3", "Korea, North"),
    ("The Government of Burma was placed on Tier 3.", None),
    ("Tier 3", None),
    ("Thailand Tier 2 remained", None),
])
def test_placement_listings(text: str, country: str | None) -> None:
    assert placement_listing(text) == country


@pytest.mark.parametrize(("text", "expected"), [
    ("Countries whose governments fully meet the minimum standards.", True),
    ("TIER 3: Countries whose governments do not fully meet the minimum standards.", True),
    ("Countries where a lack of an effective central government prevents a tier ranking.", True),
    ("Countries where Cambodian workers migrate include Thailand and Malaysia.", False),
    ("The Government of Cambodia does not fully meet the minimum standards.", False),
])
def test_tier_definitions(text: str, expected: bool) -> None:
    assert is_tier_definition(text) is expected


def test_a_tier_heading_run_in_with_its_first_sentence() -> None:
    assert run_in_heading("BURMA: Tier 3 The Government of Burma does not fully meet the standards.") == (
        TierHeading("Tier 3", "Burma"), "The Government of Burma does not fully meet the standards.")
    assert run_in_heading("Thailand Tier 2 Tier 3") is None                # a table row, not a sentence
    assert run_in_heading("Thailand (Tier 2) and Cambodia (Tier 3) cooperated on several cases.") is None
    assert run_in_heading("ATLANTIS: Tier 3 The government of Atlantis did not act.") is None


def test_labelled_tiers_name_no_country() -> None:
    assert labelled_tier("Tier placement: Tier 3") == "Tier 3"
    assert labelled_tier("Ranking Tier 2 Watch List") == "Tier 2 Watch List"
    assert labelled_tier("Thailand Tier 2") is None
