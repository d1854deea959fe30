"""A real storage root with real versions of TIP country narratives, for the review commands and the report.

Cambodia (``khm``) has three versions: a baseline, a findings edit, then a downgrade to Tier 3 with a
paragraph added, one removed and a recommendation moved. Moldova (``mda``) has a baseline and an upgrade.
A third source (``xss``) is named and worded like an attack: everything it says must show as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from monitor.compare import compare, summarize
from monitor.models import Block, Document, Version
from monitor.store import NewVersion, SourceState, Store, make_version_id

KHM_URL = "https://www.state.gov/reports/2024-trafficking-in-persons-report/cambodia/"
MDA_URL = "https://www.state.gov/reports/2024-trafficking-in-persons-report/moldova/"
XSS_NAME = "<script>alert(1)</script>"
# Would change the page title and write into the page if it ever ran.
XSS_PAYLOAD = ("<script>document.title='PWNED';document.body.insertAdjacentHTML('beforeend',"
               "'<p id=pwned>PWNED</p>')</script><img src=x onerror=\"document.title='PWNED'\">")

T1 = datetime(2026, 11, 1, 6, 0, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 10, 6, 0, 0, tzinfo=UTC)
T3 = datetime(2026, 11, 28, 6, 0, 3, tzinfo=UTC)

PROSECUTION_1 = ("The government maintained insufficient law enforcement efforts. Authorities investigated "
                 "34 cases and convicted 12 traffickers in 2023, compared with 18 convictions in 2022.")
PROSECUTION_2 = ("The government maintained insufficient law enforcement efforts. Authorities investigated "
                 "34 cases and convicted 21 traffickers in 2023, compared with 18 convictions in 2022.")
PROTECTION = ("The government identified 1,012 victims, most of them Cambodian men exploited in online scam "
              "operations, and referred them to NGO shelters.")
PROTECTION_3 = ("The government identified 1,450 victims, most of them Cambodian men and boys exploited in online "
                "scam operations, and referred few of them to NGO shelters.")
PROTECTION_NEW = ("Officials continued to penalize victims of forced criminality for unlawful acts their "
                  "traffickers compelled them to commit.")
PREVENTION = "The National Committee for Counter Trafficking held 12 awareness events in border provinces."
REC_1 = "Investigate and prosecute officials complicit in trafficking crimes."
REC_2 = "Screen workers in scam compounds for trafficking indicators."


def khm_document(version: int) -> Document:
    tier = "Tier 2 Watch List" if version < 3 else "Tier 3"
    blocks = [
        Block("heading", f"CAMBODIA: {tier}"),
        Block("heading", "Recommendations", "Recommendations"),
        Block("item", REC_1, "Recommendations"),
        Block("item", REC_2, "Recommendations"),
        Block("heading", "Prosecution", "Prosecution"),
        Block("paragraph", PROSECUTION_1 if version == 1 else PROSECUTION_2, "Prosecution"),
        Block("heading", "Protection", "Protection"),
        Block("paragraph", PROTECTION_3 if version == 3 else PROTECTION, "Protection"),
        Block("heading", "Prevention", "Prevention"),
        Block("paragraph", PREVENTION, "Prevention"),
    ]
    if version == 3:
        blocks.insert(blocks.index(Block("paragraph", PROTECTION_3, "Protection")) + 1,
                      Block("paragraph", PROTECTION_NEW, "Protection"))
        blocks.remove(Block("paragraph", PREVENTION, "Prevention"))
        # The two recommendations swap places.
        blocks[2], blocks[3] = blocks[3], blocks[2]
    return Document(fields={"country": "Cambodia", "tier": tier, "year": "2024"}, blocks=tuple(blocks))


def mda_document(version: int) -> Document:
    tier = "Tier 2 Watch List" if version == 1 else "Tier 2"
    text = ("The government demonstrated overall increasing efforts compared with the previous reporting "
            "period; therefore Moldova was upgraded to Tier 2." if version == 2 else
            "The government did not demonstrate overall increasing efforts.")
    return Document(fields={"country": "Moldova", "tier": tier, "year": "2024"},
                    blocks=(Block("heading", f"MOLDOVA: {tier}"), Block("paragraph", text, "Overview")))


def xss_document(version: int) -> Document:
    text = "Nothing to see." if version == 1 else f"Nothing to see. {XSS_PAYLOAD}"
    return Document(fields={"country": XSS_NAME, "tier": "Tier 1"},
                    blocks=(Block("heading", XSS_NAME), Block("paragraph", text, XSS_NAME)))


def commit(store: Store, source_id: str, doc: Document, when: datetime, previous: Document | None,
           label: str, url: str) -> Version:
    """Store ``doc`` as the next version, with the kinds and summary the runner would record."""
    change = compare(previous, doc) if previous is not None else None
    vid = store.unique_version_id(source_id, make_version_id(when, doc.content_hash))
    version = Version(source_id=source_id, id=vid, created_at=when, content_hash=doc.content_hash,
                      body_hash="0" * 64, tier=doc.tier, kinds=change.kinds if change else (),
                      summary=summarize(change, label) if change else "baseline", encoding="utf-8",
                      content_type="text/html", rules_fingerprint="f" * 16, final_url=url)
    store.commit_version(NewVersion(version, doc, f"<html><body>{label}</body></html>".encode()),
                         SourceState(source_id))
    return version


@dataclass(frozen=True)
class ReviewStore:
    root: Path
    config: Path
    khm: tuple[Version, Version, Version]
    mda: tuple[Version, Version]
    xss: tuple[Version, Version]


CONFIG = """\
storage: snapshots
sources:
  - id: khm
    name: Cambodia (TIP)
    url: {khm}
  - id: mda
    name: Moldova (TIP)
    url: {mda}
  - id: xss
    name: "{xss}"
    url: https://example.org/xss
  - id: new
    url: https://example.org/never-checked
"""


def build_review_store(folder: Path) -> ReviewStore:
    config = folder / "config.yaml"
    config.write_text(CONFIG.format(khm=KHM_URL, mda=MDA_URL, xss=XSS_NAME), encoding="utf-8")
    with Store(folder / "snapshots") as store:
        k1 = commit(store, "khm", khm_document(1), T1, None, "Cambodia", KHM_URL)
        k2 = commit(store, "khm", khm_document(2), T2, khm_document(1), "Cambodia", KHM_URL)
        k3 = commit(store, "khm", khm_document(3), T3, khm_document(2), "Cambodia", KHM_URL)
        m1 = commit(store, "mda", mda_document(1), T1, None, "Moldova", MDA_URL)
        m2 = commit(store, "mda", mda_document(2), datetime(2026, 11, 20, 6, tzinfo=UTC), mda_document(1),
                    "Moldova", MDA_URL)
        x1 = commit(store, "xss", xss_document(1), T1, None, XSS_NAME, "https://example.org/xss")
        x2 = commit(store, "xss", xss_document(2), datetime(2026, 11, 15, 6, tzinfo=UTC), xss_document(1),
                    XSS_NAME, "https://example.org/xss")
    return ReviewStore(root=folder / "snapshots", config=config, khm=(k1, k2, k3), mda=(m1, m2), xss=(x1, x2))


# `monitor diff` of khm's last change (versions 2 -> 3) off a terminal, below the version header lines.
KHM_2_TO_3_PLAIN = (
    "Tier: Tier 2 Watch List → Tier 3 (downgrade)\n"
    "\n"
    "## Findings\n"
    "\n"
    "# [-CAMBODIA: Tier 2 Watch List-]\n"
    "\n"
    "# {+CAMBODIA: Tier 3+}\n"
    "\n"
    "## Recommendations\n"
    "\n"
    "- [moved] Screen workers in scam compounds for trafficking indicators.\n"
    "\n"
    "## Protection\n"
    "\n"
    "The government identified [-1,012-]{+1,450+} victims, most of them Cambodian men{+ and boys+} "
    "exploited in online scam operations, and referred {+few of +}them to NGO shelters.\n"
    "\n"
    "{+Officials continued to penalize victims of forced criminality for unlawful acts their traffickers "
    "compelled them to commit.+}\n"
    "\n"
    "## Prevention\n"
    "\n"
    "[-The National Committee for Counter Trafficking held 12 awareness events in border provinces.-]\n"
)
