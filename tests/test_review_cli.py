"""``monitor diff``, ``monitor history`` and ``monitor report`` on a real storage root with real versions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.cli import main
from monitor.errors import UsageError
from monitor.review import parse_moment, resolve_version
from monitor.store import Store

from .review_fixtures import (
    KHM_2_TO_3_PLAIN,
    KHM_URL,
    XSS_NAME,
    ReviewStore,
    build_review_store,
    commit,
    khm_document,
    mda_document,
)


@pytest.fixture
def review(tmp_path: Path) -> ReviewStore:
    return build_review_store(tmp_path)


def monitor(review: ReviewStore, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(review.config), *args], catch_exceptions=False)


def assert_usage_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    line = result.stderr.strip()
    assert line.startswith("error: ") and "\n" not in line and "Traceback" not in line
    for fragment in fragments:
        assert fragment in line


# --------------------------------------------------------------------------- diff

def test_diff_defaults_to_the_last_change(review: ReviewStore) -> None:
    result = monitor(review, "diff", "khm")
    assert result.exit_code == 0, result.output
    k2, k3 = review.khm[1].id, review.khm[2].id
    assert result.stdout == (
        "Cambodia (TIP) [khm]\n"
        f"from {k2}  2026-11-10 06:00 UTC\n"
        f"to   {k3}  2026-11-28 06:00 UTC\n"
        "\n"
        + KHM_2_TO_3_PLAIN
    )


@pytest.mark.parametrize("args", [
    ("--from", "20261101", "--to", "20261110"),                         # unique prefixes
    ("--from", "2026-11-01", "--to", "2026-11-10"),                     # dates: the last version that day
    ("--from", "2026-11-05", "--to", "2026-11-10T06:00:00Z"),           # a date between versions, an ISO time
    ("--to", "2026-11-10T06:30"),                                        # --to alone: against its predecessor
])
def test_diff_between_named_versions(review: ReviewStore, args: Sequence[str]) -> None:
    result = monitor(review, "diff", "khm", *args)
    assert result.exit_code == 0, result.output
    k1, k2 = review.khm[0].id, review.khm[1].id
    assert result.stdout == (
        "Cambodia (TIP) [khm]\n"
        f"from {k1}  2026-11-01 06:00 UTC\n"
        f"to   {k2}  2026-11-10 06:00 UTC\n"
        "\n"
        "Tier: Tier 2 Watch List (unchanged)\n"
        "\n"
        "## Prosecution\n"
        "\n"
        "The government maintained insufficient law enforcement efforts. Authorities investigated 34 cases and "
        "convicted [-12-]{+21+} traffickers in 2023, compared with 18 convictions in 2022.\n"
    )


def test_diff_from_alone_compares_with_the_latest_and_full_ids_work(review: ReviewStore) -> None:
    result = monitor(review, "diff", "khm", "--from", review.khm[0].id)
    assert result.exit_code == 0
    assert f"from {review.khm[0].id}" in result.stdout and f"to   {review.khm[2].id}" in result.stdout
    assert "[-12-]{+21+}" in result.stdout and "{+CAMBODIA: Tier 3+}" in result.stdout


def test_diff_of_a_version_with_itself_says_there_is_no_difference(review: ReviewStore) -> None:
    result = monitor(review, "diff", "khm", "--from", "20261110", "--to", "20261110")
    assert result.exit_code == 0
    assert result.stdout.endswith("Tier: Tier 2 Watch List (unchanged)\n\nNo differences in the tier, fields or "
                                  "findings.\n")


def test_diff_unified_is_a_plain_diff_of_the_stored_text(review: ReviewStore) -> None:
    result = monitor(review, "diff", "khm", "--format", "unified", "--from", "20261101", "--to", "20261110")
    assert result.exit_code == 0
    k1, k2 = review.khm[0].id, review.khm[1].id
    assert result.stdout.startswith(f"--- khm/{k1}\n+++ khm/{k2}\n@@ ")
    changed = [line for line in result.stdout.splitlines()[2:] if line[:1] in "+-"]
    assert [line[:60] for line in changed] == [
        "-The government maintained insufficient law enforcement effo",
        "+The government maintained insufficient law enforcement effo",
    ]
    # It is the same diff a user gets from the stored .txt files with diff -u.
    txt1 = (review.root / "khm" / f"{k1}.txt").read_text()
    assert all(line[1:] in txt1 for line in result.stdout.splitlines()[3:] if line.startswith((" ", "-")))


def test_diff_colour_on_request_and_markers_otherwise(review: ReviewStore) -> None:
    coloured = monitor(review, "diff", "khm", "--color")
    assert coloured.exit_code == 0
    assert "\x1b[" in coloured.stdout and "{+" not in coloured.stdout and "[-" not in coloured.stdout
    assert "\x1b[9;31m1,012" in coloured.stdout  # removed: red, struck through
    assert "\x1b[1;32m1,450" in coloured.stdout  # added: bold green
    plain = monitor(review, "diff", "khm", "--no-color")
    assert "\x1b[" not in plain.stdout and "[-1,012-]{+1,450+}" in plain.stdout


def test_diff_shows_page_text_as_it_is(review: ReviewStore) -> None:
    result = monitor(review, "diff", "xss")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{XSS_NAME} [xss]\n")
    assert "{+ <script>document.title='PWNED'" in result.stdout


def test_diff_when_there_is_nothing_to_compare(review: ReviewStore) -> None:
    result = monitor(review, "diff", "new")
    assert (result.exit_code, result.stdout) == (0, "no versions are stored for 'new' yet; run 'monitor check new'\n")
    with Store(review.root) as store:
        commit(store, "new", mda_document(1), datetime(2026, 11, 1, tzinfo=UTC), None, "New", "https://x.org/")
        baseline = store.versions("new")[0].id
    result = monitor(review, "diff", "new")
    assert result.exit_code == 0
    assert result.stdout == f"only the baseline {baseline} is stored for 'new': no change yet\n"
    assert_usage_error(monitor(review, "diff", "new", "--to", baseline), "first stored version", "nothing before it")


@pytest.mark.parametrize("args, fragments", [
    (("nope",), ("unknown source id 'nope'", "known: khm, mda, new, xss")),
    (("khm", "--from", "zzz"), ("no version 'zzz' of 'khm'", "monitor history khm")),
    (("khm", "--to", "20261128T060003Z-00000000"), ("no version '20261128T060003Z-00000000' of 'khm'",)),
    (("khm", "--from", "2026"), ("'2026' of 'khm' is ambiguous", "matches 3 versions", "20261101T060000Z-")),
    (("khm", "--from", "202611"), ("ambiguous",)),
    (("khm", "--to", "2026-10-01"), ("no version of 'khm' at or before 2026-10-01", "the first is")),
    (("khm", "--to", "2026-13-45"), ("not a valid date",)),
])
def test_diff_bad_input_is_a_clear_usage_error(review: ReviewStore, args: Sequence[str],
                                               fragments: Sequence[str]) -> None:
    assert_usage_error(monitor(review, "diff", *args), *fragments)


def test_diff_rejects_an_unknown_format(review: ReviewStore) -> None:
    result = monitor(review, "diff", "khm", "--format", "html")
    assert result.exit_code == 2 and "'html' is not one of 'words', 'unified'" in result.stderr


def test_a_missing_configuration_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.yaml"), "history", "khm"])
    assert result.exit_code == 2 and "file not found" in result.stderr


# --------------------------------------------------------------------------- history

def test_history_table_newest_first(review: ReviewStore) -> None:
    result = monitor(review, "history", "khm")
    assert result.exit_code == 0
    k1, k2, k3 = review.khm
    assert result.stdout == (
        "TIME                  VERSION                    TIER               HASH          CHANGE\n"
        f"2026-11-28 06:00 UTC  {k3.id}  Tier 3             {k3.content_hash[:12]}  {k3.summary}\n"
        f"2026-11-10 06:00 UTC  {k2.id}  Tier 2 Watch List  {k2.content_hash[:12]}  "
        "Cambodia: 1 sentence added, 1 removed\n"
        f"2026-11-01 06:00 UTC  {k1.id}  Tier 2 Watch List  {k1.content_hash[:12]}  baseline\n"
    )
    assert k3.summary.startswith("Cambodia: Tier 2 Watch List → Tier 3 (downgrade); ")


def test_history_json(review: ReviewStore) -> None:
    result = monitor(review, "history", "mda", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    m1, m2 = review.mda
    assert data == {"source": "mda", "versions": [
        {"id": m1.id, "created_at": "2026-11-01T06:00:00Z", "tier": "Tier 2 Watch List",
         "content_hash": m1.content_hash, "kinds": [], "summary": "baseline"},
        {"id": m2.id, "created_at": "2026-11-20T06:00:00Z", "tier": "Tier 2", "content_hash": m2.content_hash,
         "kinds": ["tier", "findings"], "summary": m2.summary},
    ]}


def test_history_of_a_source_without_versions_and_of_an_unknown_one(review: ReviewStore) -> None:
    result = monitor(review, "history", "new")
    assert (result.exit_code, result.stdout) == (0, "no versions are stored for 'new' yet; run 'monitor check new'\n")
    assert json.loads(monitor(review, "history", "new", "--json").stdout) == {"source": "new", "versions": []}
    assert_usage_error(monitor(review, "history", "kh"), "unknown source id 'kh'")


def test_history_and_diff_still_work_for_a_source_removed_from_the_configuration(review: ReviewStore) -> None:
    review.config.write_text(review.config.read_text().split("  - id: mda")[0], encoding="utf-8")
    assert "Tier 2 Watch List → Tier 2 (upgrade)" in monitor(review, "history", "mda").stdout
    result = monitor(review, "diff", "mda")
    assert result.exit_code == 0 and result.stdout.startswith("mda\nfrom ")


# --------------------------------------------------------------------------- report

def test_report_writes_one_html_file_of_all_changes_newest_first(review: ReviewStore, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    result = monitor(review, "report", "-o", str(out), "--since", "2026-11-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out} (4 changes since 2026-11-01 00:00 UTC)\n"
    html = out.read_text(encoding="utf-8")
    order = [html.index(f'id="{anchor}"') for anchor in
             (f"khm-{review.khm[2].id}", f"mda-{review.mda[1].id}", f"xss-{review.xss[1].id}",
              f"khm-{review.khm[1].id}")]
    assert order == sorted(order)
    assert f'<a href="{KHM_URL}">Cambodia (TIP)</a>' in html
    assert "Tier 2 Watch List → Tier 3" in html and ">1,450</ins>" in html and ">1,012</del>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert not list(out.parent.glob(".*.tmp"))  # written atomically, nothing left behind


def test_report_since_and_source_ids_select_changes(review: ReviewStore) -> None:
    result = monitor(review, "report", "-o", "-", "--since", "2026-11-11", "khm", "mda")
    assert result.exit_code == 0
    html = result.stdout
    assert html.startswith("<!DOCTYPE html>")
    assert f'id="khm-{review.khm[2].id}"' in html and f'id="mda-{review.mda[1].id}"' in html
    assert f'id="khm-{review.khm[1].id}"' not in html  # before --since
    assert "xss-" not in html  # not asked for
    assert "2 changes across 2 sources, since 2026-11-11 00:00 UTC" in html


def test_report_defaults_to_the_last_30_days(tmp_path: Path) -> None:
    review = build_review_store(tmp_path)  # all changes of November 2026
    now = datetime.now(UTC)
    with Store(review.root) as store:
        commit(store, "khm", khm_document(1), now - timedelta(days=1), khm_document(3), "Cambodia", KHM_URL)
    result = monitor(review, "report", "-o", "-")
    assert result.exit_code == 0
    recent = [v for v in (*review.khm[1:], review.mda[1], review.xss[1]) if v.created_at >= now - timedelta(30)]
    assert result.stdout.count("<article") == 1 + len(recent)
    assert "Tier 3 → Tier 2 Watch List" in result.stdout and "upgrade" in result.stdout


def test_report_with_no_changes_is_still_a_page(review: ReviewStore) -> None:
    result = monitor(review, "report", "-o", "-", "--since", "2030-01-01")
    assert result.exit_code == 0
    assert "No changes since 2030-01-01 00:00 UTC." in result.stdout and "<article" not in result.stdout


@pytest.mark.parametrize("args, fragments", [
    (("nope",), ("unknown source id 'nope'",)),
    (("--since", "last week"), ("'last week' is not a date",)),
])
def test_report_bad_input_is_a_usage_error(review: ReviewStore, args: Sequence[str],
                                           fragments: Sequence[str]) -> None:
    assert_usage_error(monitor(review, "report", "-o", "-", *args), *fragments)


def test_report_to_an_unwritable_place_fails_with_one_line(review: ReviewStore, tmp_path: Path) -> None:
    result = monitor(review, "report", "-o", str(tmp_path / "missing" / "r.html"), "--since", "2026-11-01")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write ") and result.stderr.count("\n") == 1


# --------------------------------------------------------------------------- naming versions

def test_resolve_version_prefers_an_exact_id_then_a_date_then_a_prefix(review: ReviewStore) -> None:
    with Store(review.root) as store:
        versions = store.versions("khm")
    k1, k2, k3 = versions
    assert resolve_version(versions, k2.id, "khm") == k2
    assert resolve_version(versions, "2026-11-27", "khm") == k2   # the last at or before that day
    assert resolve_version(versions, "2026-11-28", "khm") == k3   # a date includes its whole day
    assert resolve_version(versions, "2026-11-28T06:00:02Z", "khm") == k2
    assert resolve_version(versions, "2026-11-28T07:00+01:00", "khm") == k2  # 06:00 UTC, before 06:00:03
    assert resolve_version(versions, "20261101", "khm") == k1
    with pytest.raises(UsageError, match="no versions are stored"):
        resolve_version([], "x", "khm")


def test_parse_moment() -> None:
    assert parse_moment("2026-11-28", end_of_day=False) == datetime(2026, 11, 28, tzinfo=UTC)
    assert parse_moment("2026-11-28", end_of_day=True) == datetime(2026, 11, 28, 23, 59, 59, 999999, tzinfo=UTC)
    assert parse_moment("2026-11-28T06:00Z", end_of_day=True) == datetime(2026, 11, 28, 6, tzinfo=UTC)
    for bad in ("yesterday", "28/11/2026", "2026-11-28T25:00"):
        with pytest.raises(UsageError):
            parse_moment(bad, end_of_day=False)
