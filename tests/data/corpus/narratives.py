"""Narrative text for the test corpus: written for these tests in the style of the TIP country narratives.

Placeholders: ``{C}`` the country as the prose names it, ``{A}`` its adjective. Nothing here is taken from
a real report except the seed (``SEED_PARAGRAPHS``), which is the 2002 Cambodia narrative given in the
project's seed file.
"""

from __future__ import annotations

import random

SEED_PARAGRAPHS = (
    "Cambodia is a source, destination and transit country and there is internal trafficking in women and "
    "children. Victims are trafficked from Vietnam for the purpose of sexual exploitation. Cambodians are "
    "trafficked to Thailand for sexual exploitation, street begging and bonded labor.",
    "The Government of Cambodia does not fully comply with minimum standards for the elimination of "
    "trafficking and is not making significant efforts to do so. Cambodia does not have a law against all "
    "forms of trafficking in persons, but traffickers have been prosecuted under related laws. Some "
    "traffickers were convicted during 2001 and are serving time in prison. Police actively investigate "
    "trafficking crimes and have cooperated with NGOs to rescue victims. However, corruption, lack of police "
    "training and poor implementation of laws facilitate trafficking of persons and similar crimes, such as "
    "baby selling. Although some Cambodian officials have worked to increase government efforts, a lack of "
    "resources has made progress difficult. In addition, reports of widespread and serious official "
    "corruption counter the efforts by reform-minded officials. For victim protection, the Ministry of the "
    "Interior, in conjunction with international organizations and NGOs, created a special unit to train "
    "police on trafficking investigations, sensitize them to victim rights and initiate court procedures. The "
    "government participates in some protection initiatives including repatriation and reintegration, and a "
    "program to identify at-risk children. International organizations and NGOs are relied upon to provide "
    "most victim assistance due to serious resource constraints. Prevention efforts include raising public "
    "awareness through a wide-spread media campaign and economic and social development programs targeted "
    "to at-risk women and children.",
)

EARLY_PARAGRAPHS = (
    "{C} is a country of origin and transit for women and children trafficked for the purposes of sexual "
    "exploitation and forced labor. Women are trafficked to neighboring countries and to the Middle East, "
    "where many are forced into domestic servitude. Children are trafficked internally for forced begging "
    "and work on plantations.",
    "The Government of {C} does not fully comply with the minimum standards for the elimination of "
    "trafficking; however, it is making significant efforts to do so. The government adopted an "
    "anti-trafficking law in 2001 and established an inter-ministerial committee to coordinate its efforts. "
    "Police conducted 14 raids on brothels and arrested 23 suspected traffickers during the year.",
    "Protection of victims remains limited. The government operates two shelters, and NGOs provide most "
    "counseling and medical care. Victims are sometimes detained and deported for immigration violations "
    "before they can testify against their traffickers.",
    "The government supports prevention programs, including a radio campaign in three languages and "
    "school programs that warn children about the methods of recruiters.",
)

INTRO = (
    "The Government of {C} does not fully meet the minimum standards for the elimination of trafficking and "
    "is not making significant efforts to do so, even considering the impact of the pandemic, if any, on "
    "its anti-trafficking capacity. Despite the lack of significant efforts, the government took some steps "
    "to address trafficking, including convicting more traffickers, adopting a new national action plan "
    "and increasing funding for victim services by 12 percent.",
    "However, the government continued to investigate and prosecute few cases involving forced labor in "
    "online scam operations, despite reports that tens of thousands of people, including {A} nationals, "
    "were exploited in compounds across the country. Official complicity in trafficking crimes remained "
    "pervasive and impeded law enforcement action, and the government did not report investigating or "
    "prosecuting any officials allegedly complicit in the operation of scam compounds.",
)

RECOMMENDATIONS = (
    "Proactively investigate, prosecute, and convict traffickers, including complicit officials and those "
    "involved in forced criminality in online scam operations.",
    "Increase efforts to screen for trafficking indicators among individuals removed from scam compounds "
    "and refer identified victims to appropriate services.",
    "Amend the anti-trafficking law to remove the requirement to prove force, fraud, or coercion in cases "
    "involving the commercial sexual exploitation of children.",
    "Expand the use of victim-centered and trauma-informed procedures, including by allowing victims to "
    "provide testimony via video or written statements.",
    "Increase funding for specialized shelters, including for male victims and victims of labor trafficking.",
    "Strengthen oversight of labor recruitment agencies and eliminate recruitment fees charged to workers.",
    "Train judges and prosecutors on the anti-trafficking law and on the use of financial investigations.",
)

PROSECUTION = (
    "The government decreased overall anti-trafficking law enforcement efforts. The 2008 Law on the "
    "Suppression of Human Trafficking and Sexual Exploitation criminalized sex trafficking and labor "
    "trafficking and prescribed penalties of seven to 15 years' imprisonment, which were sufficiently "
    "stringent and, with respect to sex trafficking, commensurate with those prescribed for other serious "
    "crimes, such as rape.",
    "The government reported investigating 153 cases involving 284 suspects, compared with 218 cases "
    "involving 372 suspects in the previous reporting period. Authorities prosecuted 112 defendants and "
    "courts convicted 96 traffickers, compared with 140 prosecutions and 102 convictions the previous year. "
    "Sentences ranged from two to 20 years' imprisonment.",
    "Corruption and official complicity in trafficking crimes remained significant concerns, inhibiting law "
    "enforcement action during the year. Observers alleged some police officers accepted bribes to warn "
    "brothel owners of raids, and some officials allegedly profited from scam compounds operating near "
    "border areas. The government did not report any investigations, prosecutions, or convictions of "
    "government employees complicit in trafficking crimes.",
    "The national police anti-trafficking unit, with support from an international organization, trained "
    "480 officers on victim identification and case investigation. Limited resources, frequent turnover and "
    "a lack of interpreters continued to hamper investigations involving foreign victims.",
)

PROTECTION = (
    "The government maintained inadequate efforts to protect victims. The government reported identifying "
    "421 victims, compared with 517 victims in the previous reporting period; of these, 203 were victims of "
    "sex trafficking and 218 of labor trafficking. NGOs identified an additional 1,150 victims.",
    "The government had formal procedures for victim identification and referral to care, but officials "
    "did not consistently use them, particularly among individuals removed from scam compounds, whom "
    "authorities frequently treated as immigration violators. Authorities deported at least 2,000 foreign "
    "nationals without screening them for trafficking indicators.",
    "The government operated one temporary shelter and relied on NGOs to provide most long-term care. It "
    "allocated the equivalent of $310,000 to victim services, a modest increase over the previous year. "
    "The law allowed victims to seek restitution, but courts rarely awarded it.",
)

PREVENTION = (
    "The government maintained efforts to prevent trafficking. The national committee met four times and "
    "adopted a national action plan for 2024-2028, but provincial committees lacked funding to implement "
    "it. The government conducted awareness campaigns in schools and on social media that reached an "
    "estimated 300,000 people.",
    "The labor ministry conducted 1,200 labor inspections but did not identify any cases of forced labor. "
    "The government did not make efforts to reduce the demand for commercial sex acts or to regulate "
    "recruitment agencies that charged workers excessive fees.",
)

PROFILE = (
    "As reported over the past five years, human traffickers exploit domestic and foreign victims in {C}, "
    "and traffickers exploit victims from {C} abroad. Traffickers exploit {A} men, women, and children in "
    "forced labor in agriculture, construction, fishing, and domestic work in neighboring countries.",
    "Criminal groups operating online scam compounds lure victims from across Asia and Africa with false "
    "job offers and force them to defraud people around the world through investment and romance scams. "
    "Compound operators confiscate passports, impose fictitious debts, and subject victims to physical "
    "abuse.",
    "Children are exploited in forced begging and street vending in urban areas, and some are subjected to "
    "sex trafficking in entertainment establishments. Traffickers increasingly use social media and "
    "messaging applications to recruit victims.",
)

SCOPE = (
    "{C} is a source and destination country for men, women, and children trafficked for the purposes of "
    "commercial sexual exploitation and forced labor. Women and girls are trafficked from rural areas to "
    "cities and to neighboring countries for domestic servitude and forced prostitution. Boys are "
    "trafficked within the country for forced labor in mines and on cocoa farms.",
    "Children from neighboring countries are trafficked into {C} for forced labor in agriculture and street "
    "vending, and some are exploited in armed groups operating in the north.",
)

GOVERNMENT_EFFORTS = (
    "The Government of {C} does not fully comply with the minimum standards for the elimination of "
    "trafficking; however, it is making significant efforts to do so, despite limited resources. The "
    "government did not show evidence of increasing efforts to combat trafficking over the previous year; "
    "therefore, {C} is placed on Tier 2 Watch List.",
    "The government prosecuted nine trafficking cases and convicted six offenders, and it continued to "
    "operate a hotline for victims. However, it did not pass a comprehensive anti-trafficking law, and "
    "victim protection remained inadequate outside the capital.",
)

PRESS_RELEASE = (
    "Today, the U.S. Department of State released the 2024 Trafficking in Persons Report, which assesses "
    "the efforts of 188 governments to combat human trafficking. The report is the world's most "
    "comprehensive resource on governmental anti-trafficking efforts.",
    "Cambodia was placed on Tier 3 in 2019 and 2020 and remained there until this year. The report "
    "recognizes that the government increased its efforts compared with the previous reporting period, "
    "including by convicting more traffickers and identifying more victims; therefore Cambodia was upgraded "
    "to Tier 2 Watch List.",
    "The Embassy will continue to work with the Royal Government of Cambodia, civil society, and the "
    "private sector to end forced labor in online scam operations, protect victims, and hold traffickers "
    "accountable, including officials who profit from these crimes.",
    "\"No country is immune to human trafficking,\" the Ambassador said. \"We stand ready to support "
    "Cambodia as it implements the report's recommendations.\"",
)


# --------------------------------------------------------------------------- generated paragraphs

_PROVINCES = ("Battambang", "Kampot", "Koh Kong", "Preah Sihanouk", "Siem Reap", "Svay Rieng", "Takeo",
              "Kandal", "Pursat", "Kratie", "Banteay Meanchey", "Oddar Meanchey")
_PARTNERS = ("an international organization", "a foreign government", "local NGOs", "a UN agency",
             "civil society organizations", "a regional law enforcement network")
_SECTORS = ("construction", "fishing", "agriculture", "garment factories", "brick kilns", "domestic work",
            "entertainment establishments", "online scam operations")
_TEMPLATES = {
    "prosecution": (
        "Authorities in {p} province investigated {n1} cases and referred {n2} suspects to prosecutors.",
        "Courts in {p} convicted {n3} traffickers, imposing sentences ranging from {a} to {b} years' "
        "imprisonment.",
        "The anti-trafficking police unit opened {n1} investigations involving labor exploitation in {s}.",
        "Prosecutors dropped {n3} cases after victims declined to testify, citing fear of retaliation.",
        "The government cooperated with {x} on {n3} transnational investigations.",
        "Observers reported that investigations in {p} stalled when suspects paid bribes to local officials.",
    ),
    "protection": (
        "Authorities in {p} province identified {n1} victims and referred {n2} of them to shelters.",
        "NGOs in {p} reported assisting {n1} victims, most of whom had been exploited in {s}.",
        "The social affairs ministry trained {n2} officials on victim identification with support from {x}.",
        "Shelters in {p} operated at full capacity for much of the year, and {n3} victims waited for places.",
        "The government repatriated {n2} {A} victims from abroad with assistance from {x}.",
        "Victims in {p} reported that officials asked them to pay fees for replacement identity documents.",
    ),
    "prevention": (
        "The provincial committee in {p} met {n3} times and funded awareness events that reached {n1} people.",
        "Labor inspectors conducted {n1} inspections in {s} but did not refer any cases for prosecution.",
        "The government signed an agreement with {x} to strengthen safe migration programs.",
        "Radio programs in {p} warned {n2} listeners about fraudulent job offers in {s}.",
        "The government did not report efforts to reduce the demand for forced labor in {s}.",
    ),
}


def generated_paragraphs(rng: random.Random, section: str, count: int, country: str,
                         adjective: str) -> tuple[str, ...]:
    """``count`` paragraphs of four to six sentences in the narrative's style, the same for the same seed."""
    templates = _TEMPLATES[section]
    paragraphs = []
    for _ in range(count):
        sentences = []
        for template in rng.sample(templates, k=rng.randint(4, min(6, len(templates)))):
            a = rng.randint(1, 10)
            sentences.append(template.format(
                p=rng.choice(_PROVINCES), n1=rng.randint(20, 900), n2=rng.randint(5, 300),
                n3=rng.randint(2, 40), a=a, b=a + rng.randint(2, 15), s=rng.choice(_SECTORS),
                x=rng.choice(_PARTNERS), A=adjective, C=country))
        paragraphs.append(" ".join(sentences))
    return tuple(paragraphs)


def generated_sections() -> tuple[str, ...]:
    return tuple(_TEMPLATES)
