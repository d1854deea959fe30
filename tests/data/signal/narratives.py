"""Report narratives for the signal scenarios: what a country's page says, as data.

A :class:`Report` is the tier heading plus sections of paragraphs and bullet lists. Scenario edits are
functions from a report to a report (a sentence added, a number changed, a bullet removed, a paragraph
moved), so that every page of a scenario is rendered by the same site template and only the edit differs.
Texts are written for these tests; they read like the reports but are not copied from them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

Para = tuple[str, str]          # ("p", text) or ("ul", "item\x1fitem\x1f...") kept hashable


@dataclass(frozen=True)
class Section:
    title: str | None           # as printed: "PROSECUTION", "Prosecution", None for the overview
    blocks: tuple[Para, ...]


@dataclass(frozen=True)
class Report:
    heading: str                # the tier heading as printed: "BURMA: Tier 3", "Cambodia (Tier 3)"
    name: str                   # the country as the page title names it: "Burma"
    year: int
    sections: tuple[Section, ...]

    def texts(self) -> list[str]:
        out = []
        for section in self.sections:
            for kind, text in section.blocks:
                out.extend(text.split("\x1f") if kind == "ul" else [text])
        return out


def ul(*items: str) -> Para:
    return ("ul", "\x1f".join(items))


def p(text: str) -> Para:
    return ("p", " ".join(text.split()))


# --------------------------------------------------------------------------- edits

def with_heading(report: Report, heading: str) -> Report:
    return replace(report, heading=heading)


def replace_text(report: Report, old: str, new: str) -> Report:
    """``old`` replaced by ``new`` in the one block that holds it (an error if none or several do)."""
    hits = [(si, bi) for si, s in enumerate(report.sections) for bi, (_, t) in enumerate(s.blocks) if old in t]
    if len(hits) != 1:
        raise ValueError(f"{old[:50]!r} found in {len(hits)} blocks")
    si, bi = hits[0]
    kind, text = report.sections[si].blocks[bi]
    assert text.count(old) == 1, old
    return _set_block(report, si, bi, (kind, text.replace(old, new)))


def insert_block(report: Report, after: str, block: Para) -> Report:
    """A new block right after the block holding ``after``."""
    for si, section in enumerate(report.sections):
        for bi, (_, text) in enumerate(section.blocks):
            if after in text:
                blocks = section.blocks[:bi + 1] + (block,) + section.blocks[bi + 1:]
                return _set_section(report, si, replace(section, blocks=blocks))
    raise ValueError(after)


def remove_block(report: Report, starting: str) -> tuple[Report, str]:
    for si, section in enumerate(report.sections):
        for bi, (_, text) in enumerate(section.blocks):
            if text.startswith(starting):
                blocks = section.blocks[:bi] + section.blocks[bi + 1:]
                return _set_section(report, si, replace(section, blocks=blocks)), text
    raise ValueError(starting)


def move_block(report: Report, starting: str, after: str) -> tuple[Report, str]:
    report, text = remove_block(report, starting)
    return insert_block(report, after, ("p", text)), text


def _set_block(report: Report, si: int, bi: int, block: Para) -> Report:
    section = report.sections[si]
    blocks = section.blocks[:bi] + (block,) + section.blocks[bi + 1:]
    return _set_section(report, si, replace(section, blocks=blocks))


def _set_section(report: Report, si: int, section: Section) -> Report:
    return replace(report, sections=report.sections[:si] + (section,) + report.sections[si + 1:])


# --------------------------------------------------------------------------- modern narrative (2017-2025)

@dataclass(frozen=True)
class Names:
    name: str                   # in prose: "Burma", "North Korea"
    adj: str                    # "Burmese"
    neighbor: str               # "Thailand"


def modern(heading: str, title_name: str, year: int, n: Names, *, caps: bool = True,
           prioritized: bool = True, tier_sentence: str = "") -> Report:
    """A 2017-2025 narrative: overview, prioritized recommendations (bullets), prosecution, protection,
    prevention, trafficking profile."""
    def t(title: str) -> str:
        return title.upper() if caps else title.title()

    overview = (
        f"The Government of {n.name} does not fully meet the minimum standards for the elimination of "
        "trafficking but is making significant efforts to do so. The government demonstrated overall "
        "increasing efforts compared with the previous reporting period. These efforts included investigating "
        "and prosecuting more traffickers, identifying more victims, and adopting a new national action plan. "
        "However, the government did not meet the minimum standards in several key areas. Official complicity "
        "in trafficking crimes remained a concern, and the government did not allocate sufficient resources "
        f"to victim services.{(' ' + tier_sentence) if tier_sentence else ''}")
    recs_title = "PRIORITIZED RECOMMENDATIONS:" if prioritized else f"RECOMMENDATIONS FOR {n.name.upper()}:"
    if not caps:
        recs_title = "Prioritized Recommendations:" if prioritized else f"Recommendations for {n.name}:"
    return Report(heading, title_name, year, (
        Section(None, (p(overview),)),
        Section(recs_title, (ul(
            "Increase efforts to investigate and prosecute trafficking crimes, including those involving complicit "
            "officials, and seek adequate penalties for convicted traffickers, which should involve significant "
            "prison terms.",
            "Proactively screen vulnerable populations, including migrant workers and individuals in commercial "
            "sex, for trafficking indicators and refer victims to appropriate services.",
            "Increase funding for specialized shelters, including for male victims and victims of labor "
            "trafficking.",
            "Amend the anti-trafficking law to remove the requirement of force, fraud, or coercion in cases of "
            "child sex trafficking.",
            "Train judges, prosecutors, and police on a victim-centered and trauma-informed approach.",
            "Strengthen oversight of labor recruitment agencies and eliminate worker-paid recruitment fees.",
        ),)),
        Section(t("Prosecution"), (
            p("The government increased law enforcement efforts. The anti-trafficking law criminalized sex "
              "trafficking and labor trafficking and prescribed penalties of five to 15 years' imprisonment and a "
              "fine. These penalties were sufficiently stringent and, with respect to sex trafficking, "
              "commensurate with those prescribed for other grave crimes, such as rape."),
            p(f"In {year - 1}, the national police investigated 214 cases involving 388 suspects, compared with "
              f"171 cases involving 301 suspects in {year - 2}. Prosecutors initiated prosecutions of 126 alleged "
              "traffickers and courts convicted 88 traffickers, compared with 97 prosecutions and 61 convictions "
              "the previous year. Courts sentenced most convicted traffickers to prison terms ranging from three "
              "to 12 years."),
            p("Corruption and official complicity in trafficking crimes remained significant concerns, inhibiting "
              "law enforcement action. The government reported investigating four officials for alleged "
              "complicity but did not report any convictions. Observers reported that some local officials "
              "accepted bribes from brothel owners in exchange for advance notice of raids."),
            p("The government provided training for 640 police officers, prosecutors, and judges, often with "
              "support from international organizations. Limited resources and frequent staff turnover hampered "
              "investigations in rural provinces."),
        )),
        Section(t("Protection"), (
            p("The government increased efforts to protect victims. Authorities identified 512 victims, including "
              "301 women, 97 men, and 114 children, compared with 437 victims the previous year. The government "
              "used standard operating procedures to identify victims and refer them to care, but implementation "
              "remained uneven across provinces."),
            p("The government operated 11 shelters for women and child victims and funded NGOs to operate three "
              "additional shelters. There were no shelters for adult male victims, who instead received services "
              "on an ad hoc basis. The government allocated the equivalent of $1.2 million for victim services, "
              "an increase from $950,000 the previous year."),
            p("Authorities did not consistently screen for trafficking indicators among migrants returned from "
              "abroad, and some victims were penalized for unlawful acts their traffickers compelled them to "
              "commit. The law allowed victims to obtain restitution, and courts ordered restitution in 14 cases."),
        )),
        Section(t("Prevention"), (
            p(f"The government maintained efforts to prevent trafficking. The national anti-trafficking committee "
              f"met four times and adopted a national action plan for {year}-{year + 4}. Provincial committees "
              "lacked funding to implement the plan."),
            p("The government conducted awareness campaigns in schools and on social media that reached an "
              "estimated 300,000 people. The labor ministry conducted 2,140 labor inspections but did not identify "
              "any cases of forced labor. The government did not make efforts to reduce the demand for commercial "
              "sex acts."),
        )),
        Section(t("Trafficking Profile"), (
            p(f"As reported over the past five years, human traffickers exploit domestic and foreign victims in "
              f"{n.name}, and traffickers exploit victims from {n.name} abroad. Traffickers exploit men, women, "
              "and children in forced labor in agriculture, construction, fishing, and domestic work."),
            p(f"Traffickers lure women and girls from rural areas to urban centers with false promises of "
              f"employment and exploit them in sex trafficking in karaoke bars, massage parlors, and hotels. "
              f"Traffickers exploit {n.adj} migrants in forced labor and sex trafficking in {n.neighbor} and other "
              "countries in the region."),
            p("Criminal groups operating online scam compounds force thousands of victims from across the region "
              "to conduct fraudulent schemes. Children are exploited in forced begging and street vending."),
        )),
    ))


def modern_semicolons(heading: str, title_name: str, year: int, n: Names) -> Report:
    """The 2017-2019 form: recommendations as one paragraph of semicolon-separated clauses."""
    report = modern(heading, title_name, year, n, prioritized=False)
    recs = ("Vigorously investigate and prosecute trafficking offenses, including complicit officials; increase "
            "the number of labor inspectors and train them to identify forced labor; expand victim services, "
            "particularly for male victims; and allocate sufficient funding to the national anti-trafficking "
            "committee.")
    return _set_section(report, 1, replace(report.sections[1], blocks=(p(recs),)))


# --------------------------------------------------------------------------- early narrative (2001-2005)

SEED_P1 = ("Cambodia is a source, destination and transit country and there is internal trafficking in women and "
           "children. Victims are trafficked from Vietnam for the purpose of sexual exploitation. Cambodians are "
           "trafficked to Thailand for sexual exploitation, street begging and bonded labor.")
SEED_P2 = ("The Government of Cambodia does not fully comply with minimum standards for the elimination of "
           "trafficking and is not making significant efforts to do so. Cambodia does not have a law against all "
           "forms of trafficking in persons, but traffickers have been prosecuted under related laws. Some "
           "traffickers were convicted during 2001 and are serving time in prison. Police actively investigate "
           "trafficking crimes and have cooperated with NGOs to rescue victims. However, corruption, lack of "
           "police training and poor implementation of laws facilitate trafficking of persons and similar crimes, "
           "such as baby selling. Although some Cambodian officials have worked to increase government efforts, a "
           "lack of resources has made progress difficult. In addition, reports of widespread and serious official "
           "corruption counter the efforts by reform-minded officials. For victim protection, the Ministry of the "
           "Interior, in conjunction with international organizations and NGOs, created a special unit to train "
           "police on trafficking investigations, sensitize them to victim rights and initiate court procedures. "
           "The government participates in some protection initiatives including repatriation and reintegration, "
           "and a program to identify at-risk children. International organizations and NGOs are relied upon to "
           "provide most victim assistance due to serious resource constraints. Prevention efforts include raising "
           "public awareness through a wide-spread media campaign and economic and social development programs "
           "targeted to at-risk women and children.")


def seed() -> Report:
    """The seed page's narrative: exactly its heading and its two paragraphs."""
    return Report("Cambodia (Tier 3)", "Cambodia", 2002, (Section(None, (p(SEED_P1), p(SEED_P2))),))


def early(heading: str, title_name: str, year: int, n: Names) -> Report:
    """A 2002-2005 narrative: a heading and a few paragraphs, no section titles."""
    return Report(heading, title_name, year, (Section(None, (
        p(f"{n.name} is a country of origin and transit for women and children trafficked for the purposes of "
          f"sexual exploitation and forced labor. Women are trafficked to {n.neighbor} and to Western Europe. "
          f"Children are trafficked internally from rural areas to the capital for domestic servitude and "
          "street vending."),
        p(f"The Government of {n.name} does not fully comply with the minimum standards for the elimination of "
          f"trafficking; however, it is making significant efforts to do so. The government passed an "
          f"anti-trafficking law in {year - 1} and created a national commission to coordinate its efforts. "
          "Limited resources and corruption among border officials hamper progress."),
        p("Police conducted 37 raids on suspected trafficking operations and arrested 58 suspects. Courts "
          "convicted 19 traffickers, who received sentences of up to eight years in prison. The government "
          "cooperated with neighboring countries on several investigations."),
        p("The government provided some assistance to victims through a shelter in the capital operated jointly "
          "with an international organization. Victims were not detained or fined. The government does not "
          "provide legal alternatives to removal for foreign victims."),
        p("The government conducted a public awareness campaign on television and radio with the support of "
          "NGOs. Officials distributed 20,000 brochures at border crossings warning of fraudulent job offers "
          "abroad."),
    )),))
