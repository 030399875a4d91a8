"""`traction import stripe|calendar`, end to end: the real command on a copy of the demo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_traction, with_stripe_settings

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file()}


@pytest.fixture
def demo(demo: Path) -> Path:
    return with_stripe_settings(demo)


STRIPE = [("stripe", str(FIXTURES / "stripe-payments.csv")),
          ("stripe", str(FIXTURES / "stripe-subscriptions.csv")),
          ("calendar", str(FIXTURES / "calendar.ics"), "--title-keyword", "demo",
           "--title-keyword", "discovery", "--type-map", "demo=demo,discovery=discovery",
           "--until", "2026-12-06", "--timezone", "America/New_York")]


@pytest.mark.parametrize("args", STRIPE, ids=["payments", "subscriptions", "calendar"])
def test_a_dry_run_shows_the_diff_then_write_writes_it_once_and_the_log_checks(
        demo: Path, args: tuple[str, ...]) -> None:
    before = files(demo)
    shown = run_traction("import", *args, "--content", str(demo))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("--- ") and "\n+++ b/weeks/2026-W4" in shown.stdout
    assert "run again with --write" in shown.stderr
    assert files(demo) == before

    written = run_traction("import", *args, "--content", str(demo), "--write")
    assert written.returncode == 0, written.stderr
    assert written.stdout == shown.stdout
    assert "wrote" in written.stderr and files(demo) != before

    checked = run_traction("check", "--content", str(demo))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 errors" in checked.stderr

    after = files(demo)
    again = run_traction("import", *args, "--content", str(demo), "--write")
    assert again.returncode == 0 and again.stdout == ""
    assert "0 entries new" in again.stderr and "nothing to add" in again.stderr
    assert files(demo) == after


def test_the_private_values_are_in_the_diff_only(demo: Path) -> None:
    run = run_traction("import", "stripe", str(FIXTURES / "stripe-payments.csv"), "--content",
                       str(demo), "-v")
    assert "amount: 2200" in run.stdout  # the founder's own terminal, which asked for it
    assert "2200" not in run.stderr and "Evil" not in run.stdout + run.stderr
    assert "hostile.example" not in run.stdout + run.stderr  # never an email as an id


def test_a_site_built_after_an_import_shows_no_contact_or_amount(demo: Path,
                                                                 tmp_path: Path) -> None:
    for args in STRIPE:
        assert run_traction("import", *args, "--content", str(demo), "--write").returncode == 0
    out = tmp_path / "site"
    built = run_traction("build", "--content", str(demo), "--out", str(out))
    assert built.returncode == 0, built.stderr
    site = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    log = b"".join(p.read_bytes() for p in (demo / "weeks").iterdir())
    refs = re.findall(rb'ref: "([^"]+)"', log)
    assert len(refs) == 13
    for secret in (b"Baptiste", b"portside.example", b"O'Brien", b"O&#39;Brien", b"stripe-",
                   b"2200", b"Slydell", *refs):
        assert secret not in site, secret


def test_content_with_errors_is_not_imported_into(demo: Path) -> None:
    week = demo / "weeks" / "2026-W47.yaml"
    week.write_text(week.read_text("utf-8").replace("week: 2026-W47", "week: 2026-W47\nweek: x"),
                    "utf-8")
    before = files(demo)
    run = run_traction("import", "stripe", str(FIXTURES / "stripe-payments.csv"), "--content",
                       str(demo), "--write")
    assert run.returncode == 1
    assert "weeks/2026-W47.yaml:2:1: error: duplicate key 'week'" in run.stderr
    assert "fix the errors above first" in run.stderr and run.stdout == ""
    assert files(demo) == before


def test_an_import_that_would_break_the_log_writes_nothing(demo: Path, tmp_path: Path) -> None:
    # A churn on 2026-11-01, but the log has this account renewing on 2026-11-05.
    export = tmp_path / "subs.csv"
    export.write_text("id,Customer ID,Customer Name,Quantity,Interval,Amount,Status,"
                      "Start (UTC),Canceled At (UTC),Ended At (UTC)\n"
                      "sub_1,cus_1,\"Pine, Crest\",1,month,900,canceled,2026-05-01 10:00,"
                      "2026-11-01 10:00,2026-11-01 10:00\n", "utf-8")
    (demo / "imports" / "stripe.yaml").write_text(
        "customers:\n  cus_1: pinecrest-logistics\n", "utf-8")
    before = files(demo)
    run = run_traction("import", "stripe", str(export), "--content", str(demo), "--write")
    assert run.returncode == 1
    assert ("weeks/2026-W45.yaml:64:38: error: account 'pinecrest-logistics': 'renewed' after "
            "it churned on 2026-11-01") in run.stderr
    assert "the log would not check (above), nothing written" in run.stderr
    assert "900" not in run.stderr and "Pine, Crest" not in run.stdout + run.stderr
    assert files(demo) == before


def test_a_bad_export_is_one_line_and_a_usage_error(demo: Path, tmp_path: Path) -> None:
    export = tmp_path / "bad.csv"
    export.write_text("id,Created date (UTC),Amount,Status,Customer ID\n"
                      "ch_1,2026-11-17,12345.67x,Paid,cus_1\n", "utf-8")
    run = run_traction("import", "stripe", str(export), "--content", str(demo))
    assert run.returncode == 2  # the file it was given, not the content
    assert run.stderr == f"✗ {export}:2: column 'Amount': expected an amount of 0 or more\n"


def test_calendar_needs_a_filter_and_valid_options(demo: Path) -> None:
    ics = str(FIXTURES / "calendar.ics")
    run = run_traction("import", "calendar", ics, "--content", str(demo))
    assert run.returncode == 2 and "--title-keyword and/or --domain" in run.stderr
    run = run_traction("import", "calendar", ics, "--domain", "x.example", "--type-map",
                       "demo=party", "--content", str(demo))
    assert run.returncode == 2 and "expected KEYWORD=TYPE" in run.stderr
    run = run_traction("import", "calendar", ics, "--domain", "x.example", "--timezone",
                       "Mars/Olympus", "--content", str(demo))
    assert run.returncode == 2 and "not a time zone" in run.stderr
