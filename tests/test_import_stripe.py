"""Stripe exports as paid and churned events: which rows count, and against the log."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import with_stripe_settings

from generator.problems import Problems
from generator.tools.importers.apply import ImportFileError
from generator.tools.importers.stripe_csv import alias, import_stripe, read_export

FIXTURES = Path(__file__).parent / "fixtures" / "import"
PAYMENTS = FIXTURES / "stripe-payments.csv"
SUBSCRIPTIONS = FIXTURES / "stripe-subscriptions.csv"


def changes(path: Path, interval: str = "month") -> list[tuple[str, str, str | None, str]]:
    return [(str(c.date), c.customer, None if c.amount is None else f"{c.amount:f}", c.interval)
            for c in read_export(path, interval).changes]


def test_payments_failed_fully_refunded_uncaptured_and_guest_charges_are_not_payments() -> None:
    found = read_export(PAYMENTS, "month")
    assert [c.ref for c in found.changes] == [
        "stripe:ch_3QpL8aKx1", "stripe:ch_3QpL8aKx2", "stripe:ch_3QpL8aKx6",
        "stripe:ch_3QpL8aKx7", "stripe:ch_3QpL8aKx8"]
    assert found.notes == (
        ["2 charges failed, refunded in full or not captured: not payments",
         "1 payment without a Stripe customer left out: there is no account to book them to"])


def test_a_partly_refunded_payment_counts_for_what_was_kept_in_the_account_currency() -> None:
    partial = [c for c in changes(PAYMENTS) if c[1] == "cus_R8partial"]
    assert partial == [("2026-11-24", "cus_R8partial", "2200.00", "month")]


def test_the_payments_interval_is_the_founders_to_say() -> None:
    assert {c[3] for c in changes(PAYMENTS, "year")} == {"year"}


def test_subscriptions_become_spans_of_paying_per_customer() -> None:
    assert changes(SUBSCRIPTIONS) == [
        ("2026-11-02", "cus_R8hooli", "300.00", "month"),  # quantity 2 x 150
        ("2026-11-30", "cus_R8hooli", None, ""),  # ended (not the day it was canceled)
        ("2026-11-10", "cus_R8pending", "80.00", "month"),  # cancels at period end: not yet
        ("2026-11-17", "cus_R8quarry", "700.00", "month"),
        ("2026-11-15", "cus_R8trial", "50.00", "month"),  # pays when the trial ends
        # an upgrade the day the old plan ends: one change, no churn
        ("2026-11-03", "cus_R8upgrade", "100.00", "month"),
        ("2026-11-19", "cus_R8upgrade", "2400.00", "year"),
    ]
    assert read_export(SUBSCRIPTIONS, "month").notes == [
        "2 subscriptions never paid (incomplete, still in trial, or ended before paying) "
        "left out"]


def test_plans_of_different_intervals_at_once_are_summed_per_month(tmp_path: Path) -> None:
    export = tmp_path / "subs.csv"
    export.write_text(
        "id,Customer ID,Quantity,Interval,Interval Count,Amount,Status,Start Date (UTC)\n"
        "sub_a,cus_1,1,year,1,1200,active,2026-11-02 10:00\n"
        "sub_b,cus_1,3,month,3,30,active,2026-11-02 10:00\n"
        "sub_c,cus_1,1,week,1,12,active,2026-11-09 10:00\n", "utf-8")
    assert changes(export) == [("2026-11-02", "cus_1", "130.00", "month"),
                               ("2026-11-09", "cus_1", "182.00", "month")]


@pytest.mark.parametrize(("text", "message"), [
    ("id,Name\nx,y\n", "not a Stripe payments or subscriptions export (expected the columns "
     "id, Created date (UTC), Amount, Status, or id, Customer ID, Status, Start (UTC), Amount, "
     "Interval)"),
    ("id,Created date (UTC),Amount,Status,Customer ID\nch_1,2026-11-17,12x,Paid,cus_1\n",
     ":2: column 'Amount': expected an amount of 0 or more"),
    ("id,Created date (UTC),Amount,Status,Customer ID\nch_1,2026-11-17,-5,Paid,cus_1\n",
     ":2: column 'Amount': expected an amount of 0 or more"),
    ("id,Created date (UTC),Amount,Status,Customer ID\nch_1,17/11/2026,5,Paid,cus_1\n",
     ":2: column 'Created date (UTC)': expected a date and time like 2026-11-17 09:30:00"),
    ('id,Created date (UTC),Amount,Status,Customer ID\n"ch_1,2026-11-17,5,Paid,cus_1\n',
     "not valid CSV"),
    ("", "not a Stripe payments or subscriptions export"),
])
def test_a_bad_export_is_one_line_that_never_repeats_a_value(tmp_path: Path, text: str,
                                                             message: str) -> None:
    export = tmp_path / "bad.csv"
    export.write_text(text, "utf-8")
    with pytest.raises(ImportFileError) as refused:
        read_export(export, "month")
    assert message in str(refused.value)
    said = str(refused.value).replace(str(export), "")  # the tmp path may hold "-5"
    assert "12x" not in said and "-5" not in said


def test_an_export_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    export = tmp_path / "latin1.csv"
    export.write_bytes("id,Name\nx,Müller\n".encode("latin-1"))
    with pytest.raises(ImportFileError, match="not UTF-8 text"):
        read_export(export, "month")


def test_an_alias_is_stable_and_made_from_the_customer_id_only() -> None:
    assert alias("cus_R8hostile") == alias("cus_R8hostile") != alias("cus_R8other")
    assert alias("cus_R8hostile").startswith("stripe-") and len(alias("cus_R8hostile")) == 15


@pytest.fixture
def demo(demo: Path) -> Path:
    return with_stripe_settings(demo)


def test_what_the_log_already_says_is_present_and_the_rest_is_new(demo: Path) -> None:
    problems = Problems()
    report = import_stripe(demo, PAYMENTS, None, "month", problems, write=False)
    assert report is not None and not list(problems)
    # quarry-lane-supply's 700 a month is in W47 already; so are its next month's payment
    # and the hostile customer's second payment of the same amount
    assert (report.outcome.added, report.present) == (2, 3)
    [change] = report.outcome.changes
    assert change.path == "weeks/2026-W48.yaml" and change.old is None
    assert f"{{id: {alias('cus_R8hostile')}, event: paid, date: 2026-11-24, amount: 1200, " \
        'interval: month, ref: "stripe:ch_3QpL8aKx1"}' in change.new
    assert "Evil" not in change.new and "hostile.example" not in change.new


def test_a_new_amount_after_the_log_is_a_new_paid_and_an_end_a_churned(demo: Path) -> None:
    report = import_stripe(demo, SUBSCRIPTIONS, None, "month", Problems(), write=False)
    assert report is not None
    new = "".join(change.new for change in report.outcome.changes)
    assert "{id: hooli, event: paid, date: 2026-11-02, amount: 300, interval: month" in new
    assert "{id: hooli, event: churned, date: 2026-11-30, ref: " in new
    assert f"{{id: {alias('cus_R8upgrade')}, event: paid, date: 2026-11-19, amount: 2400, " \
        "interval: year" in new
    assert (report.outcome.added, report.present) == (6, 1)


def test_a_settings_file_with_errors_stops_the_import_at_its_line(demo: Path) -> None:
    (demo / "imports" / "stripe.yaml").write_text("customers:\n  cus_1: Not An Id\n", "utf-8")
    problems = Problems()
    assert import_stripe(demo, PAYMENTS, None, "month", problems, write=False) is None
    assert [(str(p.pos), p.message) for p in problems] == [
        ("imports/stripe.yaml:2:10", "not a valid id")]


def test_the_date_is_the_utc_day_of_the_charge(tmp_path: Path) -> None:
    export = tmp_path / "p.csv"
    export.write_text("id,Created date (UTC),Amount,Status,Customer ID\n"
                      "ch_1,2026-11-22T23:30:00-02:00,5,Paid,cus_1\n", "utf-8")
    [change] = read_export(export, "month").changes
    assert change.date == datetime.date(2026, 11, 23) and change.amount == Decimal(5)


def test_an_imported_charge_refunded_since_is_a_warning_at_its_entry(demo: Path) -> None:
    week = demo / "weeks" / "2026-W47.yaml"
    week.write_text(week.read_text("utf-8").replace(
        "amount: 700, interval: month}",
        'amount: 700, interval: month, ref: "stripe:ch_3QpL8aKx3"}'), "utf-8")
    problems = Problems()
    report = import_stripe(demo, PAYMENTS, None, "month", problems, write=False)
    assert report is not None
    assert [(p.severity, str(p.pos), p.message, p.hint) for p in problems] == [
        ("warning", "weeks/2026-W47.yaml:53:96",
         "imported from a Stripe charge that has since failed or been refunded in full",
         "remove this entry if the customer did not pay")]


def test_customers_without_an_account_are_listed_with_their_alias(demo: Path) -> None:
    report = import_stripe(demo, SUBSCRIPTIONS, None, "month", Problems(), write=False)
    assert report is not None
    assert report.notes[-1] == (
        "3 customers not in imports/stripe.yaml, named by alias: "
        f"{alias('cus_R8pending')} (cus_R8pending), {alias('cus_R8trial')} (cus_R8trial), "
        f"{alias('cus_R8upgrade')} (cus_R8upgrade)")
