"""Assertions (`assert:` in a week file): what the log must add up to at the end of a day,
checked like a ledger's balance assertions (model.assertions, through the real pipeline)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from builders import Log, analysed, day, sunday, w
from conftest import run_traction, write_content

from generator.model.analysis import AsOf
from generator.model.metrics import METRICS
from generator.pipeline import analyse
from generator.problems import Problem
from generator.source.schema import ASSERTABLE, Assertion


def _log() -> Log:
    """Two paying customers by W11 (one hell-yes), one lead lost: close rate 2/3."""
    log = Log().calls(w(10), 5).calls(w(11), 5)
    log.paying("acme", day(w(10), 2), "hell-yes")
    log.paying("globex", day(w(11), 3))
    log.deal("initech", day(w(10), 1), "lost", day(w(11), 1))
    return log


def _asserting(log: Log, label: str, *assertions: dict[str, Any]) -> Log:
    log.week(label).setdefault("assert", []).extend(assertions)
    return log


def _errors(tmp_path: Path, log: Log, **config: Any) -> list[Problem]:
    analysis = analysed(tmp_path, log, **config)
    errors = [p for p in analysis.problems if p.is_error]
    if errors:
        assert analysis.progress is None  # nothing is published from a log that disagrees
    return errors


def test_every_metric_a_ladder_can_use_can_be_asserted() -> None:
    assert set(ASSERTABLE) == set(METRICS)
    fields = {f.name: f for f in dataclasses.fields(Assertion)}
    for name, metric in METRICS.items():  # an amount is private like every other amount
        assert fields[name].metadata["private"] == (metric.kind == "money"), name


def test_assertions_that_agree_pass(tmp_path: Path) -> None:
    log = _asserting(_log(), w(11), {  # W11 is not over on Wednesday: a streak of 1
        "date": day(w(11), 3), "paying_customers": 2, "hell_yes_customers": 1,
        "sqls": 3, "decided_sqls": 3, "close_rate": "67%", "sales_call_streak": 1})
    assert _errors(tmp_path, log) == []


def test_a_day_counts_to_its_end(tmp_path: Path) -> None:
    """globex pays on W11's Wednesday: an assertion that day includes it, the day before not."""
    log = _asserting(_log(), w(11), {"date": day(w(11), 2), "paying_customers": 1},
                     {"date": day(w(11), 3), "paying_customers": 2})
    assert _errors(tmp_path, log) == []


def test_a_disagreement_names_both_numbers_and_the_place(tmp_path: Path) -> None:
    log = _asserting(_log(), w(11), {"date": day(w(11), 4), "paying_customers": 3,
                                      "hell_yes_customers": 1})
    errors = _errors(tmp_path, log)
    assert len(errors) == 1
    error = errors[0]
    assert error.pos.file == f"weeks/{w(11)}.yaml"
    assert error.pos.line > 1 and error.pos.col > 1
    assert "paying customers at the end of 2026-03-12" in error.message
    assert "adds up to 2" in error.message and "says 3" in error.message
    assert "or correct the assertion" in (error.hint or "")


def test_an_earlier_day_can_be_pinned_from_a_later_week(tmp_path: Path) -> None:
    """A founder pins what the bank said last month in this week's file: no late warning."""
    log = _asserting(_log(), w(12), {"date": day(w(10), 7), "paying_customers": 1})
    log.week(w(12))
    analysis = analysed(tmp_path, log)
    assert [p for p in analysis.problems if "assertion" in p.message] == []
    assert analysis.progress is not None


def test_shares_agree_to_half_a_percentage_point(tmp_path: Path) -> None:
    ok = _asserting(_log(), w(11), {"date": day(w(11), 7), "close_rate": 0.667})
    assert _errors(tmp_path / "ok", ok) == []
    off = _asserting(_log(), w(11), {"date": day(w(11), 7), "close_rate": "60%"})
    [error] = _errors(tmp_path / "off", off)
    assert "adds up to 66.7%, this assertion says 60%" in error.message


def test_a_share_of_nothing_disagrees(tmp_path: Path) -> None:
    log = Log().calls(w(10), 5)
    _asserting(log, w(10), {"date": day(w(10), 5), "close_rate": 0})
    [error] = _errors(tmp_path, log)
    assert "nothing yet" in error.message


def test_a_metric_with_parameters_is_measured_as_the_ladders_measure_it(tmp_path: Path
                                                                         ) -> None:
    """With 3 calls a week enough, two weeks of 5 calls are a streak of 2; with 6, of 0."""
    log = _asserting(_log(), w(11), {"date": day(w(11), 7), "sales_call_streak": 2})
    assert _errors(tmp_path / "three", log,
                   milestones={"weekly-sales-calls": {"per_week": 3}}) == []
    [error] = _errors(tmp_path / "six", log, milestones={"weekly-sales-calls": {"per_week": 6}})
    assert "adds up to 0" in error.message


def test_an_amount_is_never_shown(tmp_path: Path) -> None:
    """MRR is 1000 (two customers at 500 a month); the asserted figure is private too."""
    log = _asserting(_log(), w(11), {"date": day(w(11), 7), "mrr": 987654})
    [error] = _errors(tmp_path / "private", log)
    assert "monthly recurring revenue" in error.message
    assert "987654" not in error.message + (error.hint or "")
    assert "1000" not in error.message + (error.hint or "")
    agree = _asserting(_log(), w(11), {"date": day(w(11), 7), "mrr": 1000})
    assert _errors(tmp_path / "agrees", agree) == []


def test_an_amount_is_shown_when_revenue_is_public(tmp_path: Path) -> None:
    log = _asserting(_log(), w(11), {"date": day(w(11), 7), "mrr": 1200})
    [error] = _errors(tmp_path, log, privacy={"show_revenue": True})
    assert "adds up to 1000, this assertion says 1200" in error.message


@pytest.mark.parametrize(("assertion", "expected"), [
    ({"date": "2026-03-12"}, "names no metric"),
    ({"date": "2026-03-20", "paying_customers": 1}, "after the end of 2026-W11"),
    ({"date": "2026-03-12", "paying_customer": 1}, "unknown key"),
    ({"date": "2026-03-12", "close_rate": "130%"}, "expected a share from 0 to 1"),
    ({"date": "2026-03-12", "paying_customers": -1}, "expected a count of 0 or more"),
    ({"paying_customers": 1}, "missing required key 'date'"),
])
def test_a_malformed_assertion_is_an_error(tmp_path: Path, assertion: dict[str, Any],
                                           expected: str) -> None:
    log = _asserting(_log(), w(11), assertion)
    errors = _errors(tmp_path, log)
    assert any(expected in e.message for e in errors), errors


def test_check_fails_on_the_command_line_with_file_line_and_column(tmp_path: Path) -> None:
    text = "\n".join([
        "week: 2026-W10",
        "accounts:",
        "  - {id: acme, event: qualified, date: 2026-03-02}",
        "  - {id: acme, event: won, date: 2026-03-03}",
        "  - {id: acme, event: paid, date: 2026-03-04}",
        "assert:",
        "  - {date: 2026-03-03, paying_customers: 0}",
        "  - {date: 2026-03-05, paying_customers: 2}",
        "",
    ])
    root = write_content(tmp_path / "content", weeks={"2026-W10": text})
    result = run_traction("check", "--content", str(root))
    assert result.returncode == 1
    assert (f"{root}/weeks/2026-W10.yaml:8:42: error: paying customers at the end of "
            "2026-03-05: the log adds up to 1, this assertion says 2") in result.stdout
    assert "Traceback" not in result.stdout
    fixed = text.replace("paying_customers: 2}", "paying_customers: 1}")
    write_content(tmp_path / "content", weeks={"2026-W10": fixed})
    assert run_traction("check", "--content", str(root)).returncode == 0


def test_an_assertion_changes_nothing_the_log_shows(tmp_path: Path) -> None:
    """Dated before the log's first entry or after its last one, an assertion is checked, but
    the as-of date, the weeks and the week in progress stay the log's own."""
    plain = analysed(tmp_path / "plain", _log(), as_of=None).progress
    log = _asserting(_log(), w(11), {"date": "2026-01-05", "paying_customers": 0},
                     {"date": day(w(11), 7), "paying_customers": 2})
    pinned = analysed(tmp_path / "pinned", log, as_of=None).progress
    assert plain is not None and pinned is not None
    assert (pinned.as_of, pinned.week_in_progress) == (plain.as_of, plain.week_in_progress)
    assert [w.week for w in pinned.weeks] == [w.week for w in plain.weeks]
    wrong = _asserting(_log(), w(11), {"date": "2026-01-05", "paying_customers": 1},
                       {"date": day(w(11), 7), "paying_customers": 3})
    errors = [p for p in analysed(tmp_path / "wrong", wrong, as_of=None).problems if p.is_error]
    assert [e.message.split(":")[0] for e in errors] == [
        "paying customers at the end of 2026-01-05", "paying customers at the end of 2026-03-15"]


def test_a_disagreement_moved_down_the_file_is_reported_where_it_now_is(
        tmp_path: Path) -> None:
    """A process that analyses again (`serve`, `diff` of two revisions) never names the
    place an assertion had before: lines added above it move the error with it."""
    log = _asserting(_log(), w(11), {"date": day(w(11), 4), "paying_customers": 3})
    [before] = _errors(tmp_path, log)
    week = tmp_path / "weeks" / f"{w(11)}.yaml"
    week.write_text("# a comment\n# and another\n" + week.read_text("utf-8"), "utf-8")
    as_of = AsOf(sunday(w(11)), "--as-of")
    [after] = [p for p in analyse(tmp_path, as_of=as_of).problems if p.is_error]
    assert after.pos == before.pos._replace(line=before.pos.line + 2)
    assert after.message == before.message
