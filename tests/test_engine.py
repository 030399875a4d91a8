"""The milestone engine (SPEC §4): every built-in milestone at and just below its threshold.

Each test builds a small log with the helpers in `builders.py`, runs the real
pipeline (load → rules → ladders → engine) on a temporary content directory
and looks at the statuses, dates, histories and measures the engine returns.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from builders import (
    Log,
    analysed,
    day,
    evaluate_log,
    history,
    measures,
    milestone,
    monday,
    spread,
    sunday,
    w,
)
from conftest import BASE_CONFIG, write_content

from generator.model.analysis import AsOfError, source_date
from generator.model.engine import Progress
from generator.pipeline import analyse

ZERO_TO_ONE = ["weekly-sales-calls", "first-paying-customer", "five-paying-customers",
               "five-hell-yes", "hell-yes-rate", "close-rate", "scalable-pipeline",
               "sales-handover"]
MICRO = ["first-subscriber-question", "first-product-sale", "first-services-inquiry",
         "predictable-demand"]
BOTH = ["zero-to-one", "micro-traction"]
ONE_DAY = datetime.timedelta(days=1)

Run = Callable[..., Progress]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """`run(log, **config_overrides)`: the progress of that log (each call in its own dir)."""
    count = 0

    def go(log: Log, **overrides: Any) -> Progress:
        nonlocal count
        count += 1
        return evaluate_log(tmp_path / f"content{count}", log, **overrides)

    return go


def weeks(first: int, last: int) -> list[str]:
    return [w(n) for n in range(first, last + 1)]


def status(progress: Progress, milestone_id: str) -> str:
    return milestone(progress, milestone_id).status


# --- ladders as shipped ------------------------------------------------------------------------


def test_builtin_ladders_in_order(run: Run) -> None:
    progress = run(Log().calls(w(10), 1), ladders=BOTH)
    assert [ls.ladder.id for ls in progress.ladders] == BOTH
    assert [m.milestone.id for m in progress.ladders[0].milestones] == ZERO_TO_ONE
    assert [m.milestone.id for m in progress.ladders[1].milestones] == MICRO
    assert [m.milestone.number for m in progress.ladders[0].milestones] == list(range(1, 9))


def test_default_ladder_is_zero_to_one(tmp_path: Path) -> None:
    analysis = analysed(tmp_path, Log().calls(w(10), 1))
    assert analysis.progress is not None
    assert [ls.ladder.id for ls in analysis.progress.ladders] == ["zero-to-one"]


def test_empty_log_starts_nothing(run: Run) -> None:
    progress = run(Log().calls(w(10), 0), ladders=BOTH)
    assert {m.status for m in progress.milestones()} == {"not_started"}
    assert all(m.progress == 0 and m.history == () and m.achieved_on is None
               for m in progress.milestones())
    assert progress.stage == "prototype"
    assert progress.current_goal is not None
    assert progress.current_goal.milestone.id == "weekly-sales-calls"


def test_a_close_rate_window_on_a_log_without_entries_starts_nothing(tmp_path: Path) -> None:
    """A cohort close rate (`window_days`) is evaluated before any day has passed when no
    entry is dated: no lead, no rate, and no crash."""
    config = {**BASE_CONFIG, "milestones": {"close-rate": {"window_days": 45}}}
    root = write_content(tmp_path / "content", config=config)
    analysis = analyse(root)
    assert analysis.ok and analysis.progress is not None
    assert status(analysis.progress, "close-rate") == "not_started"


# --- 1. weekly-sales-calls ------------------------------------------------------------------


def test_five_calls_a_week_for_four_weeks_is_achieved_on_the_fifth_call(run: Run) -> None:
    progress = run(spread(weeks(10, 13), 5))
    calls = milestone(progress, "weekly-sales-calls")
    assert calls.status == "achieved"
    # Calls go Monday..Friday: the fifth call of the fourth week, not that week's Sunday.
    assert calls.achieved_on == day(w(13), 5)
    assert history(calls) == [("achieved", day(w(13), 5))]
    assert measures(calls) == {"sales_call_streak": 4}
    assert calls.progress == 1.0


def test_four_calls_a_week_is_not_enough(run: Run) -> None:
    calls = milestone(run(spread(weeks(10, 13), 4)), "weekly-sales-calls")
    assert calls.status == "not_started"
    assert calls.history == ()
    assert measures(calls) == {"sales_call_streak": 0}


def test_three_weeks_are_not_enough(run: Run) -> None:
    calls = milestone(run(spread(weeks(10, 12), 5)), "weekly-sales-calls")
    assert calls.status == "in_progress"
    assert measures(calls) == {"sales_call_streak": 3}
    assert calls.progress == 0.75


def test_many_calls_in_one_week_do_not_make_a_streak(run: Run) -> None:
    progress = run(Log().calls(w(10), 20))
    assert measures(milestone(progress, "weekly-sales-calls")) == {"sales_call_streak": 1}


@pytest.mark.parametrize("extra", [
    {"type": "check-in"}, {"type": "onboarding"}, {"status": "no-show"},
    {"status": "cancelled"}, {"status": "scheduled"}, {"type": "demo", "status": "cancelled"},
])
def test_calls_that_do_not_count(run: Run, extra: dict[str, str]) -> None:
    log = spread(weeks(10, 13), 4)
    for label in weeks(10, 13):
        log.calls(label, 3, weekday=6, **extra)
    progress = run(log)
    assert status(progress, "weekly-sales-calls") == "not_started"
    assert [s.sales_calls for s in progress.weeks] == [4, 4, 4, 4]


@pytest.mark.parametrize("extra", [
    {}, {"type": "sales"}, {"type": "discovery"}, {"type": "demo"},
    {"type": "discovery", "status": "held"},
])
def test_calls_that_count(run: Run, extra: dict[str, str]) -> None:
    log = spread(weeks(10, 13), 4)
    for label in weeks(10, 13):
        log.calls(label, 1, weekday=6, **extra)
    progress = run(log)
    assert status(progress, "weekly-sales-calls") == "achieved"
    assert [s.sales_calls for s in progress.weeks] == [5, 5, 5, 5]


def test_a_week_in_progress_does_not_break_the_streak(run: Run) -> None:
    # Four full weeks, then a week whose five calls all happen on Friday: Monday to
    # Thursday it is short but still in progress, so the milestone never slips.
    log = spread(weeks(10, 13), 5).calls(w(14), 5, weekday=5)
    calls = milestone(run(log), "weekly-sales-calls")
    assert calls.status == "achieved"
    assert history(calls) == [("achieved", day(w(13), 5))]
    assert measures(calls) == {"sales_call_streak": 5}


def test_a_week_in_progress_counts_once_it_reaches_the_bar(run: Run) -> None:
    # Three full weeks; the fourth reaches five calls on Thursday: achieved that day.
    log = spread(weeks(10, 12), 5).calls(w(13), 5, weekday=4)
    assert milestone(run(log), "weekly-sales-calls").achieved_on == day(w(13), 4)


def test_a_short_week_slips_on_its_sunday(run: Run) -> None:
    log = spread(weeks(10, 13), 5).calls(w(14), 4)
    calls = milestone(run(log), "weekly-sales-calls")
    assert calls.status == "slipped"
    assert calls.achieved_on == day(w(13), 5)
    assert history(calls) == [("achieved", day(w(13), 5)), ("slipped", sunday(w(14)))]
    assert measures(calls) == {"sales_call_streak": 0}


def test_slip_and_recovery(run: Run) -> None:
    log = spread(weeks(10, 13), 5).calls(w(14), 0).calls(w(15), 1)
    spread(weeks(16, 19), 5, log)
    calls = milestone(run(log), "weekly-sales-calls")
    assert calls.status == "achieved"
    assert calls.achieved_on == day(w(13), 5)  # the first time, not the latest
    assert history(calls) == [
        ("achieved", day(w(13), 5)),
        ("slipped", sunday(w(14))),
        ("achieved", day(w(19), 5)),
    ]


def test_a_missing_week_counts_as_no_calls(run: Run) -> None:
    log = spread([*weeks(10, 12), *weeks(14, 16)], 5)  # no file for W13
    progress = run(log)
    calls = milestone(progress, "weekly-sales-calls")
    assert calls.status == "in_progress"
    assert measures(calls) == {"sales_call_streak": 3}
    assert [(s.week, s.sales_calls) for s in progress.weeks] == [
        (w(10), 5), (w(11), 5), (w(12), 5), (w(13), 0), (w(14), 5), (w(15), 5), (w(16), 5)]


def test_a_missing_week_slips_an_achieved_streak_on_its_sunday(run: Run) -> None:
    log = spread([*weeks(10, 13), w(15)], 5)  # no file for W14
    calls = milestone(run(log), "weekly-sales-calls")
    assert history(calls) == [("achieved", day(w(13), 5)), ("slipped", sunday(w(14)))]


def test_a_missing_week_is_a_warning_not_an_error(tmp_path: Path) -> None:
    analysis = analysed(tmp_path, spread([w(10), w(12)], 5))
    assert analysis.ok
    assert [p.message for p in analysis.problems] == ["no log for 2026-W11; counted as no activity"]


def test_calls_count_on_their_own_date_not_their_file(run: Run) -> None:
    # A late entry: written in W11's file but dated in W10.
    log = Log().calls(w(10), 4)
    log.week(w(11))["calls"] = [{"date": day(w(10), 6), "with": "Late Entry"}]
    progress = run(log)
    assert [(s.week, s.sales_calls) for s in progress.weeks] == [(w(10), 5), (w(11), 0)]


def test_streak_parameters_can_be_overridden(run: Run) -> None:
    log = spread(weeks(10, 11), 3)
    overrides = {"weekly-sales-calls": {"per_week": 3, "weeks": 2}}
    calls = milestone(run(log, milestones=overrides), "weekly-sales-calls")
    assert calls.status == "achieved"
    assert calls.achieved_on == day(w(11), 3)
    assert calls.measures[0].target == 2
    assert status(run(log), "weekly-sales-calls") == "not_started"


# --- 2. first-paying-customer ---------------------------------------------------------------


def test_first_paying_customer(run: Run) -> None:
    progress = run(Log().qualified("a", day(w(10), 1)).paying("b", day(w(10), 3)))
    first = milestone(progress, "first-paying-customer")
    assert first.status == "achieved"
    assert first.achieved_on == day(w(10), 3)
    assert measures(first) == {"paying_customers": 1}


def test_won_is_not_paying(run: Run) -> None:
    progress = run(Log().deal("a", day(w(10), 1), "won", day(w(10), 2)))
    first = milestone(progress, "first-paying-customer")
    assert first.status == "not_started"
    assert measures(first) == {"paying_customers": 0}


def test_paid_without_a_deal_counts(run: Run) -> None:
    progress = run(Log().event("self-serve", "paid", day(w(10), 2), amount=49, interval="month"))
    assert status(progress, "first-paying-customer") == "achieved"


def test_first_paying_customer_slips_on_churn_and_recovers(run: Run) -> None:
    log = (Log().paying("a", day(w(10), 2))
           .event("a", "churned", day(w(11), 4))
           .event("a", "paid", day(w(12), 1), amount=500, interval="month"))
    first = milestone(run(log), "first-paying-customer")
    assert first.status == "achieved"
    assert first.achieved_on == day(w(10), 2)
    assert history(first) == [("achieved", day(w(10), 2)), ("slipped", day(w(11), 4)),
                              ("achieved", day(w(12), 1))]


def test_paying_twice_is_one_customer(run: Run) -> None:
    log = Log().paying("a", day(w(10), 2)).event("a", "paid", day(w(11), 2), amount=600,
                                                 interval="month")
    assert measures(milestone(run(log), "first-paying-customer")) == {"paying_customers": 1}


# --- 3. five-paying-customers ---------------------------------------------------------------


def customers(log: Log, n: int, sentiment: str | None = None, prefix: str = "c",
              label: str | None = None, **qualified: Any) -> Log:
    """`n` paying customers in week `label` (default W10), one a day Monday to Friday."""
    for i in range(n):
        log.paying(f"{prefix}{i}", day(label or w(10), 1 + i % 5), sentiment, **qualified)
    return log


def test_five_paying_and_one_hell_yes(run: Run) -> None:
    log = customers(Log(), 5).event("c2", "hell-yes", day(w(11), 3))
    five = milestone(run(log), "five-paying-customers")
    assert five.status == "achieved"
    assert five.achieved_on == day(w(11), 3)
    assert measures(five) == {"paying_customers": 5, "hell_yes_customers": 1}


def test_five_paying_without_hell_yes(run: Run) -> None:
    log = customers(Log(), 5).event("c2", "meh", day(w(11), 3))
    five = milestone(run(log), "five-paying-customers")
    # Progress is the mean over the conditions: 5 of 5 paying and 0 of 1 hell-yes is half way.
    assert five.status == "in_progress"
    assert five.progress == 0.5
    assert [m.progress for m in five.measures] == [1.0, 0.0]
    assert measures(five) == {"paying_customers": 5, "hell_yes_customers": 0}


def test_four_paying_and_one_hell_yes(run: Run) -> None:
    log = customers(Log(), 4).event("c0", "hell-yes", day(w(11), 3))
    five = milestone(run(log), "five-paying-customers")
    assert five.status == "in_progress"
    assert five.progress == 0.9  # (4/5 + 1/1) / 2


def test_five_paying_slips_when_one_churns(run: Run) -> None:
    log = customers(Log(), 5).event("c0", "hell-yes", day(w(11), 1))
    log.event("c4", "churned", day(w(12), 2))
    five = milestone(run(log), "five-paying-customers")
    assert five.status == "slipped"
    assert history(five) == [("achieved", day(w(11), 1)), ("slipped", day(w(12), 2))]


# --- 4. five-hell-yes ------------------------------------------------------------------------


def test_five_hell_yes(run: Run) -> None:
    five = milestone(run(customers(Log(), 5, "hell-yes")), "five-hell-yes")
    assert five.status == "achieved"
    assert five.achieved_on == day(w(10), 5)


def test_four_hell_yes(run: Run) -> None:
    five = milestone(run(customers(Log(), 4, "hell-yes")), "five-hell-yes")
    assert five.status == "in_progress"
    assert measures(five) == {"hell_yes_customers": 4}
    assert five.progress == 0.8


def test_renewed_counts_as_hell_yes(run: Run) -> None:
    log = customers(Log(), 4, "hell-yes").paying("r", day(w(11), 2), "renewed")
    five = milestone(run(log), "five-hell-yes")
    assert five.status == "achieved"
    assert five.achieved_on == day(w(11), 2)


def test_latest_sentiment_wins(run: Run) -> None:
    log = customers(Log(), 5, "hell-yes").event("c1", "meh", day(w(12), 3))
    log.event("c1", "renewed", day(w(14), 3))
    five = milestone(run(log), "five-hell-yes")
    assert history(five) == [("achieved", day(w(10), 5)), ("slipped", day(w(12), 3)),
                             ("achieved", day(w(14), 3))]


def test_a_churned_hell_yes_customer_is_no_longer_one(run: Run) -> None:
    log = customers(Log(), 5, "hell-yes").event("c3", "churned", day(w(12), 3))
    progress = run(log)
    assert history(milestone(progress, "five-hell-yes"))[-1] == ("slipped", day(w(12), 3))
    assert measures(milestone(progress, "five-hell-yes")) == {"hell_yes_customers": 4}
    assert progress.weeks[-1].paying_customers == 4


# --- 5. hell-yes-rate -----------------------------------------------------------------------


def assessed(hell_yes: int, meh: int, sentiment: str = "hell-yes") -> Log:
    """`meh` customers in W10, then `hell_yes` customers in W11."""
    log = customers(Log(), meh, "meh", prefix="m")
    return customers(log, hell_yes, sentiment, prefix="h", label=w(11))


@pytest.mark.parametrize(("n", "expected"), [(20, "in_progress"), (21, "achieved")])
def test_hell_yes_rate_needs_more_than_20_assessed(run: Run, n: int, expected: str) -> None:
    rate = milestone(run(assessed(n, 0)), "hell-yes-rate")
    assert rate.status == expected
    assert measures(rate) == {"assessed_customers": n, "hell_yes_rate": Fraction(1)}


def test_hell_yes_rate_measures_say_how_many_more_are_needed(run: Run) -> None:
    rate = milestone(run(assessed(17, 0)), "hell-yes-rate")
    gate = rate.measures[0]
    assert (gate.name, gate.value, gate.target, gate.met) == ("assessed_customers", 17, 21, False)
    # The mean of 17 of 21 assessed and a 100% rate (met: 0 meh).
    assert rate.progress == round((17 / 21 + 1) / 2, 4)


@pytest.mark.parametrize(("hell_yes", "meh", "expected"), [
    (27, 3, "achieved"),  # 0.9 exactly
    (26, 4, "in_progress"),  # 0.8667
    (26, 3, "in_progress"),  # 0.8966
])
def test_hell_yes_rate_threshold(run: Run, hell_yes: int, meh: int, expected: str) -> None:
    rate = milestone(run(assessed(hell_yes, meh)), "hell-yes-rate")
    assert rate.status == expected
    assert measures(rate)["hell_yes_rate"] == Fraction(hell_yes, hell_yes + meh)


@pytest.mark.parametrize(("rate", "expected"), [
    (0.8999, "achieved"), (0.9, "achieved"), (0.9001, "in_progress"), (0.91, "in_progress"),
])
def test_hell_yes_rate_is_compared_exactly(run: Run, rate: float, expected: str) -> None:
    # 9 of 10 is 0.9 exactly: at or above 0.8999 and 0.90, below 0.9001.
    overrides = {"hell-yes-rate": {"min_customers": 10, "rate": rate}}
    progress = run(assessed(9, 1), milestones=overrides)
    assert status(progress, "hell-yes-rate") == expected
    assert milestone(progress, "hell-yes-rate").measures[1].target == Decimal(str(rate))


def test_churned_customers_stay_in_the_denominator(run: Run) -> None:
    log = assessed(27, 3).event("h0", "churned", day(w(13), 2))
    rate = milestone(run(log), "hell-yes-rate")
    assert rate.status == "slipped"
    assert history(rate) == [("achieved", day(w(11), 5)), ("slipped", day(w(13), 2))]
    assert measures(rate) == {"assessed_customers": 30, "hell_yes_rate": Fraction(26, 30)}


def test_a_churned_customer_paying_again_is_still_assessed_once(run: Run) -> None:
    log = assessed(21, 2).event("h0", "churned", day(w(13), 2))  # 20 of 23: 87%
    log.event("h0", "paid", day(w(14), 2), amount=500, interval="month")  # still churned
    log.event("h0", "hell-yes", day(w(15), 2))
    rate = milestone(run(log), "hell-yes-rate")
    assert measures(rate) == {"assessed_customers": 23, "hell_yes_rate": Fraction(21, 23)}
    assert history(rate) == [("achieved", day(w(11), 5)), ("slipped", day(w(13), 2)),
                             ("achieved", day(w(15), 2))]


def test_renewed_counts_as_hell_yes_in_the_rate(run: Run) -> None:
    rate = milestone(run(assessed(27, 3, sentiment="renewed")), "hell-yes-rate")
    assert rate.status == "achieved"
    assert measures(rate)["hell_yes_rate"] == Fraction(9, 10)


def test_unassessed_customers_are_not_in_the_rate(run: Run) -> None:
    log = customers(assessed(21, 0), 10, prefix="quiet", label=w(12))
    rate = milestone(run(log), "hell-yes-rate")
    assert rate.status == "achieved"
    assert measures(rate) == {"assessed_customers": 21, "hell_yes_rate": Fraction(1)}


# --- 6. close-rate ---------------------------------------------------------------------------


def deals(log: Log, won: int, lost: int, label: str | None = None, prefix: str = "d",
          **qualified: Any) -> Log:
    """`won` + `lost` qualified leads in week `label` (default W10), decided the next week."""
    label = label or w(10)
    for i in range(won + lost):
        qualified_on = day(label, 1 + i % 5)
        log.deal(f"{prefix}{i}", qualified_on, "won" if i < won else "lost",
                 qualified_on + 7 * ONE_DAY, **qualified)
    return log


@pytest.mark.parametrize(("won", "lost", "expected"), [
    (10, 21, "achieved"),  # 31 decided, 32%
    (9, 21, "in_progress"),  # 30 decided
    (9, 22, "in_progress"),  # 31 decided, 29%
    (12, 28, "achieved"),  # 0.30 exactly
    (11, 29, "in_progress"),  # 0.275
])
def test_close_rate_threshold(run: Run, won: int, lost: int, expected: str) -> None:
    close = milestone(run(deals(Log(), won, lost)), "close-rate")
    assert close.status == expected
    assert measures(close) == {"decided_sqls": won + lost,
                               "close_rate": Fraction(won, won + lost)}


def test_close_rate_of_exactly_the_target_with_the_minimum_sample(run: Run) -> None:
    overrides = {"close-rate": {"min_sqls": 30}}
    assert status(run(deals(Log(), 9, 21), milestones=overrides), "close-rate") == "achieved"
    assert status(run(deals(Log(), 9, 21)), "close-rate") == "in_progress"


def test_undecided_leads_are_not_in_the_close_rate(run: Run) -> None:
    log = deals(Log(), 10, 21)
    for i in range(20):
        log.qualified(f"open{i}", day(w(12), 2))
    close = milestone(run(log), "close-rate")
    assert close.status == "achieved"
    assert measures(close)["decided_sqls"] == 31


def test_close_rate_slips_when_losses_come_in(run: Run) -> None:
    log = deals(Log(), 10, 21)
    for i in range(3):
        log.deal(f"late{i}", day(w(13), 1), "lost", day(w(14), 2))
    close = milestone(run(log), "close-rate")
    assert close.status == "slipped"
    assert close.history[-1].date == day(w(14), 2)


WINDOW = {"close-rate": {"min_sqls": 1, "window_days": 30}}


def test_window_days_cohort_enters_window_days_after_qualifying(run: Run) -> None:
    qualified_on = day(w(10), 1)
    log = Log().deal("a", qualified_on, "won", qualified_on + ONE_DAY).calls(w(16), 1)
    assert milestone(run(log, milestones={"close-rate": {"min_sqls": 1}}),
                     "close-rate").achieved_on == qualified_on + ONE_DAY
    windowed = milestone(run(log, milestones=WINDOW), "close-rate")
    assert windowed.achieved_on == qualified_on + 30 * ONE_DAY


@pytest.mark.parametrize(("days_to_win", "expected"), [(30, "achieved"), (31, "in_progress")])
def test_window_days_counts_wins_within_the_window(run: Run, days_to_win: int,
                                                   expected: str) -> None:
    qualified_on = day(w(10), 1)
    log = Log().deal("a", qualified_on, "won", qualified_on + days_to_win * ONE_DAY)
    log.calls(w(18), 1)
    close = milestone(run(log, milestones=WINDOW), "close-rate")
    assert close.status == expected
    assert measures(close) == {"decided_sqls": 1,
                               "close_rate": Fraction(1 if days_to_win == 30 else 0)}


def test_window_days_cohort_size_counts_undecided_and_excludes_recent_leads(run: Run) -> None:
    start = day(w(10), 1)
    log = Log().deal("a", start, "won", start + 3 * ONE_DAY)
    log.qualified("open", start)  # in the cohort, never decided: counts as not won
    log.deal("b", start, "lost", start + 2 * ONE_DAY)
    as_of = sunday(w(15))
    log.deal("recent", as_of - 29 * ONE_DAY, "won", as_of - 28 * ONE_DAY)  # too recent
    log.calls(w(15), 1)
    close = milestone(run(log, milestones=WINDOW), "close-rate")
    assert measures(close) == {"decided_sqls": 3, "close_rate": Fraction(1, 3)}


# --- 7. scalable-pipeline -------------------------------------------------------------------


def pipeline(source: str = "cold-email", leads: int = 10, wins: int = 1, spend: int = 3000,
             won_in: str | None = None) -> Log:
    """`leads` qualified from `source` in W10, `wins` of them won in `won_in` (W12)."""
    log = Log()
    for i in range(leads):
        log.qualified(f"lead{i}", day(w(10), 1 + i % 5), source=source)
    for i in range(wins):
        log.event(f"lead{i}", "won", day(won_in or w(12), 3))
    if spend:
        log.spend(w(10), source, spend)
    return log


def test_scalable_pipeline(run: Run) -> None:
    scalable = milestone(run(pipeline()), "scalable-pipeline")
    assert scalable.status == "achieved"
    assert scalable.achieved_on == day(w(12), 3)
    assert measures(scalable) == {
        "cost_effective_sources": 1, "cold-email: qualified": 10, "cold-email: won": 1,
        "cold-email: cost per win": Decimal(3000)}


@pytest.mark.parametrize(("kwargs", "failing"), [
    ({"leads": 9}, ["cold-email: qualified"]),

    ({"spend": 3001}, ["cold-email: cost per win"]),
    ({"wins": 2, "spend": 6001}, ["cold-email: cost per win"]),
])
def test_scalable_pipeline_just_below(run: Run, kwargs: dict[str, int],
                                      failing: list[str]) -> None:
    scalable = milestone(run(pipeline(**kwargs)), "scalable-pipeline")
    assert scalable.status == "in_progress"
    assert [m.name for m in scalable.measures if not m.met] == ["cost_effective_sources",
                                                                 *failing]


def test_scalable_pipeline_without_a_win(run: Run) -> None:
    scalable = milestone(run(pipeline(wins=0)), "scalable-pipeline")
    # Spend but no win: no cost per win to compare; 1 of its 3 parts met (the leads).
    assert scalable.status == "in_progress"
    assert scalable.progress == 0.3333
    assert measures(scalable)["cold-email: cost per win"] is None
    assert [m.name for m in scalable.measures if not m.met] == [
        "cost_effective_sources", "cold-email: won", "cold-email: cost per win"]


def test_scalable_pipeline_cost_per_win_divides_spend_by_wins(run: Run) -> None:
    scalable = milestone(run(pipeline(wins=2, spend=6000)), "scalable-pipeline")
    assert scalable.status == "achieved"
    assert measures(scalable)["cold-email: cost per win"] == Decimal(3000)


def test_a_non_scalable_source_does_not_count(run: Run) -> None:
    scalable = milestone(run(pipeline(source="founder-network", spend=0)), "scalable-pipeline")
    assert scalable.status == "not_started"  # cold-email: nothing yet, founder-network ignored
    assert measures(scalable) == {
        "cost_effective_sources": 0, "cold-email: qualified": 0, "cold-email: won": 0,
        "cold-email: cost per win": None}


def test_a_win_without_spend_costs_nothing(run: Run) -> None:
    scalable = milestone(run(pipeline(spend=0)), "scalable-pipeline")
    assert scalable.status == "achieved"
    assert measures(scalable)["cold-email: cost per win"] == Decimal(0)


def test_without_scalable_sources_the_pipeline_cannot_scale(run: Run) -> None:
    scalable = milestone(run(pipeline(), sources={"cold-email": {}}), "scalable-pipeline")
    assert scalable.status == "not_started"
    assert measures(scalable) == {"cost_effective_sources": 0}


def test_one_of_two_scalable_sources_is_enough(run: Run) -> None:
    sources = {"ads": {"scalable": True, "max_cac": 10},
               "cold-email": {"scalable": True, "max_cac": 3000}}
    log = pipeline().spend(w(10), "ads", 500)
    scalable = milestone(run(log, sources=sources), "scalable-pipeline")
    assert scalable.status == "achieved"
    assert [m.name for m in scalable.measures] == [
        "cost_effective_sources", "cold-email: qualified", "cold-email: won",
        "cold-email: cost per win"]


def test_scalable_pipeline_is_a_trailing_window_of_12_weeks(run: Run) -> None:
    # Leads in W10, the win in W21: W10..W21 is 12 weeks. On Monday of W22, W10 leaves.
    log = pipeline(won_in=w(21)).calls(w(22), 1)
    scalable = milestone(run(log), "scalable-pipeline")
    assert history(scalable) == [("achieved", day(w(21), 3)), ("slipped", monday(w(22)))]


def test_scalable_pipeline_win_too_late_for_the_window(run: Run) -> None:
    scalable = milestone(run(pipeline(won_in=w(22))), "scalable-pipeline")
    # No qualified leads left in the window; its win within budget (no spend in the window).
    assert scalable.status == "in_progress"
    assert scalable.progress == 0.6667
    assert measures(scalable)["cold-email: qualified"] == 0
    assert measures(scalable)["cold-email: won"] == 1


def test_scalable_pipeline_window_override(run: Run) -> None:
    overrides = {"scalable-pipeline": {"window_weeks": 13, "min_sqls": 5}}
    log = pipeline(leads=5, won_in=w(22))
    assert status(run(log, milestones=overrides), "scalable-pipeline") == "achieved"


# --- 8. sales-handover -----------------------------------------------------------------------


def rep_book(owner: str, customers_n: int = 5, lost: int = 5, sentiment: str = "hell-yes") -> Log:
    log = customers(Log(), customers_n, sentiment, prefix="rc", owner=owner)
    for i in range(lost):
        log.deal(f"rl{i}", day(w(11), 1), "lost", day(w(11), 2), owner=owner)
    return log


def test_sales_handover_by_reps(run: Run) -> None:
    handover = milestone(run(rep_book("sam")), "sales-handover")
    assert handover.status == "achieved"
    assert handover.achieved_on == day(w(11), 2)
    assert [(m.name, m.value) for m in handover.measures] == [
        ("decided_sqls", 10), ("close_rate", Fraction(1, 2)), ("assessed_customers", 5),
        ("hell_yes_rate", Fraction(1))]


@pytest.mark.parametrize("owner", ["dana", "lee"])
def test_founders_deals_are_not_a_handover(run: Run, owner: str) -> None:
    handover = milestone(run(rep_book(owner)), "sales-handover")
    assert handover.status == "not_started"
    assert measures(handover)["decided_sqls"] == 0


def test_deals_without_an_owner_are_the_founders(run: Run) -> None:
    log = customers(Log(), 5, "hell-yes", prefix="rc")
    deals(log, 0, 5)
    assert measures(milestone(run(log), "sales-handover"))["decided_sqls"] == 0


def test_any_owner_not_in_founders_is_a_rep(run: Run) -> None:
    progress = run(rep_book("lee"), founders=["dana"])
    assert status(progress, "sales-handover") == "achieved"


@pytest.mark.parametrize(("book", "failing"), [
    ({"lost": 4}, "decided_sqls"),  # 9 decided
    ({"customers_n": 4, "lost": 6}, "assessed_customers"),  # 4 assessed
    ({"customers_n": 3, "lost": 7}, "assessed_customers"),
])
def test_sales_handover_just_below(run: Run, book: dict[str, Any], failing: str) -> None:
    handover = milestone(run(rep_book("sam", **book)), "sales-handover")
    assert handover.status == "in_progress"
    assert failing in [m.name for m in handover.measures if not m.met]


def test_sales_handover_needs_hell_yes_customers(run: Run) -> None:
    handover = milestone(run(rep_book("sam", sentiment="meh")), "sales-handover")
    assert handover.status == "in_progress"  # 3 of its 4 conditions met, a hell-yes rate of 0
    assert handover.progress == 0.75
    assert [m.name for m in handover.measures if not m.met] == ["hell_yes_rate"]


def test_sales_handover_close_rate_below_30_percent(run: Run) -> None:
    handover = milestone(run(rep_book("sam", customers_n=5, lost=12)), "sales-handover")
    assert handover.status == "in_progress"
    assert measures(handover)["close_rate"] == Fraction(5, 17)  # 29.4%
    assert [m.name for m in handover.measures if not m.met] == ["close_rate"]


def test_founders_customers_do_not_lift_the_reps_numbers(run: Run) -> None:
    log = rep_book("sam", customers_n=4, lost=6)
    customers(log, 5, "hell-yes", prefix="founder", label=w(12), owner="dana")
    handover = milestone(run(log), "sales-handover")
    assert measures(handover)["assessed_customers"] == 4
    assert handover.status == "in_progress"


# --- micro-traction --------------------------------------------------------------------------


def micro(run: Run, log: Log, **overrides: Any) -> Progress:
    return run(log, ladders=["micro-traction"], **overrides)


def test_first_subscriber_question(run: Run) -> None:
    progress = micro(run, Log().signal(day(w(10), 3), "question"))
    question = milestone(progress, "first-subscriber-question")
    assert question.status == "achieved"
    assert question.achieved_on == day(w(10), 3)
    assert status(progress, "first-product-sale") == "not_started"


@pytest.mark.parametrize(("price", "expected"), [
    (0.5, "not_started"), (1, "achieved"), (49, "achieved"), (99, "achieved"),
    (99.5, "not_started"), (100, "not_started"),
])
def test_first_product_sale_price_bounds(run: Run, price: float, expected: str) -> None:
    progress = micro(run, Log().signal(day(w(10), 3), "sale", price=price, product="Workbook"))
    assert status(progress, "first-product-sale") == expected


def test_product_sale_price_bounds_can_be_overridden(run: Run) -> None:
    log = Log().signal(day(w(10), 3), "sale", price=150, product="Course")
    overrides = {"first-product-sale": {"max_price": 199}}
    assert status(micro(run, log, milestones=overrides), "first-product-sale") == "achieved"


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, "achieved"), ({"spontaneous": True}, "achieved"), ({"spontaneous": False}, "not_started"),
])
def test_first_services_inquiry(run: Run, fields: dict[str, bool], expected: str) -> None:
    progress = micro(run, Log().signal(day(w(10), 2), "inquiry", **fields))
    assert status(progress, "first-services-inquiry") == expected


def signals(log: Log, labels: list[str], price: int = 49) -> Log:
    for label in labels:
        log.signal(day(label, 2), "question")
        log.signal(day(label, 3), "sale", price=price, product="Workbook")
        log.signal(day(label, 4), "inquiry")
    return log


def test_predictable_demand(run: Run) -> None:
    demand = milestone(micro(run, signals(Log(), [w(10), w(12), w(14)])), "predictable-demand")
    assert demand.status == "achieved"
    assert demand.achieved_on == day(w(14), 4)
    assert measures(demand) == {"question_weeks": 3, "sale_weeks": 3, "inquiry_weeks": 3}


def test_predictable_demand_needs_three_distinct_weeks(run: Run) -> None:
    log = signals(Log(), [w(10), w(12)])
    log.signal(day(w(12), 5), "question").signal(day(w(12), 6), "question")
    demand = milestone(micro(run, log), "predictable-demand")
    assert demand.status == "in_progress"
    assert measures(demand) == {"question_weeks": 2, "sale_weeks": 2, "inquiry_weeks": 2}


def test_predictable_demand_needs_each_signal(run: Run) -> None:
    log = signals(Log(), [w(10), w(12)])
    log.signal(day(w(14), 2), "question").signal(day(w(14), 4), "inquiry")
    log.signal(day(w(14), 3), "sale", price=100, product="Too dear")  # out of range
    log.signal(day(w(14), 5), "inquiry", spontaneous=False)
    demand = milestone(micro(run, log), "predictable-demand")
    assert demand.status == "in_progress"
    assert measures(demand) == {"question_weeks": 3, "sale_weeks": 2, "inquiry_weeks": 3}


@pytest.mark.parametrize(("last", "expected"), [(17, "achieved"), (18, "in_progress")])
def test_predictable_demand_trailing_eight_weeks(run: Run, last: int, expected: str) -> None:
    demand = milestone(micro(run, signals(Log(), [w(10), w(12), w(last)])),
                       "predictable-demand")
    assert demand.status == expected


def test_predictable_demand_slips_when_a_week_leaves_the_window(run: Run) -> None:
    log = signals(Log(), [w(10), w(12), w(14)]).calls(w(18), 1)
    demand = milestone(micro(run, log), "predictable-demand")
    assert demand.status == "slipped"
    assert history(demand) == [("achieved", day(w(14), 4)), ("slipped", monday(w(18)))]
    assert measures(demand) == {"question_weeks": 2, "sale_weeks": 2, "inquiry_weeks": 2}


def test_predictable_demand_parameters_can_be_overridden(run: Run) -> None:
    overrides = {"predictable-demand": {"min_weeks": 2}}
    log = signals(Log(), [w(10), w(12)])
    assert status(micro(run, log, milestones=overrides), "predictable-demand") == "achieved"


# --- stage and current goal ---------------------------------------------------------------


def test_stage_prototype_traction_growth(run: Run) -> None:
    assert run(Log().calls(w(10), 5)).stage == "prototype"
    assert run(Log().paying("a", day(w(10), 2))).stage == "traction"
    growth = run(deals(Log().paying("a", day(w(10), 2)), 10, 21, label=w(11)))
    assert status(growth, "close-rate") == "achieved"
    assert growth.stage == "growth"


def test_close_rate_without_a_paying_customer_is_still_prototype(run: Run) -> None:
    progress = run(deals(Log(), 10, 21))
    assert status(progress, "close-rate") == "achieved"
    assert progress.stage == "prototype"


def test_stage_is_set_even_when_zero_to_one_is_not_shown(run: Run) -> None:
    log = Log().paying("a", day(w(10), 2))
    assert micro(run, log).stage == "traction"
    overrides = {"close-rate": {"min_sqls": 1}}
    assert micro(run, log, milestones=overrides).stage == "growth"


def test_current_goal_is_the_first_milestone_not_achieved(run: Run) -> None:
    # Milestones 2-3 achieved, 1 not: the goal is 1, not 4.
    log = customers(Log(), 5, "hell-yes").calls(w(11), 5)
    progress = run(log, ladders=BOTH)
    assert progress.current_goal is not None
    assert progress.current_goal.milestone.id == "weekly-sales-calls"


def test_current_goal_scans_ladders_in_configured_order(run: Run) -> None:
    log = spread(weeks(10, 13), 5).signal(day(w(10), 2), "question")
    assert run(log, ladders=BOTH).current_goal.milestone.id == "first-paying-customer"
    micro_first = run(log, ladders=["micro-traction", "zero-to-one"])
    assert micro_first.current_goal.milestone.id == "first-product-sale"


def test_a_slipped_milestone_is_the_current_goal(run: Run) -> None:
    log = spread(weeks(10, 13), 5).paying("a", day(w(10), 2)).calls(w(14), 2)
    progress = run(log)
    assert progress.current_goal.milestone.id == "weekly-sales-calls"
    assert progress.current_goal.status == "slipped"


def test_current_goal_is_none_when_all_are_achieved(run: Run) -> None:
    custom = [{"id": "basics", "title": "Basics", "milestones": [
        {"id": "one-customer", "title": "One customer",
         "conditions": [{"metric": "paying_customers", "at_least": 1}]}]}]
    progress = run(Log().paying("a", day(w(10), 2)), custom_ladders=custom, ladders=["basics"])
    assert progress.current_goal is None
    assert [m.status for m in progress.milestones()] == ["achieved"]


# --- as-of date and weekly series ---------------------------------------------------------


@pytest.mark.parametrize("year", [2019, 2026, 2041])
def test_as_of_is_the_sunday_of_the_latest_logged_week(run: Run, year: int) -> None:
    log = Log().calls(w(10, year), 3)
    log.week(w(12, year))  # logged, but nothing happened
    progress = run(log)
    assert progress.as_of == datetime.date.fromisocalendar(year, 12, 7)
    assert progress.latest_week == w(12, year)
    assert [s.week for s in progress.weeks] == [w(10, year), w(11, year), w(12, year)]


def test_weeks_across_a_year_boundary(run: Run) -> None:
    log = spread([w(52, 2026), w(53, 2026), w(1, 2027), w(2, 2027)], 5)
    progress = run(log)
    assert [s.week for s in progress.weeks] == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert status(progress, "weekly-sales-calls") == "achieved"


def test_late_entries_before_the_first_logged_week_start_the_series(run: Run) -> None:
    log = Log()
    log.week(w(10))["calls"] = [{"date": day(w(9), 5), "with": "x"}]
    progress = run(log)
    assert [(s.week, s.sales_calls) for s in progress.weeks] == [(w(9), 1), (w(10), 0)]
    assert progress.as_of == sunday(w(10))


def test_weekly_series_numbers(run: Run) -> None:
    log = Log().calls(w(10), 3).calls(w(10), 2, type="check-in")
    log.deal("a", day(w(10), 1), "won", day(w(10), 2))
    log.deal("b", day(w(10), 1), "lost", day(w(11), 2))
    log.qualified("c", day(w(10), 3))
    log.event("a", "paid", day(w(10), 3), amount=100, interval="month")
    log.event("a", "hell-yes", day(w(11), 1))
    log.subscribers(w(10), 40)
    log.week(w(11))
    log.deal("d", day(w(12), 1), "won", day(w(12), 2)).subscribers(w(12), 55)
    log.event("d", "paid", day(w(12), 3), amount=100, interval="month")
    log.event("a", "churned", day(w(12), 4))
    rows = [(s.week, s.sales_calls, s.sqls, s.won, s.lost, s.paying_customers,
             s.hell_yes_customers, s.close_rate, s.subscribers) for s in run(log).weeks]
    assert rows == [
        (w(10), 3, 3, 1, 0, 1, 0, Fraction(1), 40),
        (w(11), 0, 0, 0, 1, 1, 1, Fraction(1, 2), 40),
        (w(12), 0, 1, 1, 0, 1, 0, Fraction(2, 3), 55),
    ]
    assert [s.monday for s in run(log).weeks] == [monday(w(n)) for n in (10, 11, 12)]


def test_weekly_series_without_decisions_has_no_close_rate(run: Run) -> None:
    progress = run(Log().calls(w(10), 1))
    assert progress.weeks[0].close_rate is None
    assert progress.weeks[0].subscribers is None


# --- custom ladders -----------------------------------------------------------------------


CUSTOM = [{
    "id": "revenue", "title": "Revenue", "summary": "Money in.",
    "milestones": [
        {"id": "ten-sqls", "title": "10 qualified leads",
         "conditions": [{"metric": "sqls", "at_least": 10}]},
        {"id": "mrr-1k", "title": "$1k MRR", "params": {"mrr": 1000},
         "conditions": [{"metric": "mrr", "at_least": "$mrr"}]},
        {"id": "list-100", "title": "100 subscribers",
         "conditions": [{"metric": "subscribers", "at_least": 100}]},
        {"id": "busy-week", "title": "3 calls this week",
         "conditions": [{"metric": "sales_calls_week", "at_least": 3}]},
        {"id": "rep-customer", "title": "A rep's customer", "conditions": [
            {"metric": "paying_customers", "owners": "reps", "at_least": 1}]},
        {"id": "steady", "title": "Two busy weeks, half the deals won", "conditions": [
            {"metric": "sales_call_streak", "per_week": 2, "at_least": 2},
            {"metric": "close_rate", "at_least": 0.5}]},
    ],
}]


def revenue_log() -> Log:
    log = spread([w(10), w(11)], 2).calls(w(12), 3)
    for i in range(9):
        log.qualified(f"q{i}", day(w(10), 1))
    log.paying("a", day(w(11), 2))  # 500 a month, owned by a founder
    log.event("a", "paid", day(w(12), 2), amount=6000, interval="year")  # still 500 a month
    log.paying("b", day(w(12), 3), owner="sam")
    return log.subscribers(w(11), 99).subscribers(w(12), 100)


def test_custom_ladder_from_the_same_metrics(run: Run) -> None:
    progress = run(revenue_log(), custom_ladders=CUSTOM, ladders=["revenue", "zero-to-one"])
    assert [ls.ladder.id for ls in progress.ladders] == ["revenue", "zero-to-one"]
    found = {m.milestone.id: (m.status, m.achieved_on) for m in progress.ladders[0].milestones}
    assert found == {
        "ten-sqls": ("achieved", day(w(11), 2)),
        "mrr-1k": ("achieved", day(w(12), 3)),
        "list-100": ("achieved", sunday(w(12))),
        "busy-week": ("achieved", day(w(12), 3)),
        "rep-customer": ("achieved", day(w(12), 3)),
        "steady": ("achieved", day(w(11), 2)),
    }
    assert measures(milestone(progress, "mrr-1k")) == {"mrr": Decimal(1000)}
    assert milestone(progress, "mrr-1k").measures[0].money


def test_custom_ladder_parameters_can_be_overridden(run: Run) -> None:
    progress = run(revenue_log(), custom_ladders=CUSTOM, ladders=["revenue"],
                   milestones={"mrr-1k": {"mrr": 1001}})
    assert status(progress, "mrr-1k") == "in_progress"
    assert milestone(progress, "mrr-1k").measures[0].target == 1001


def test_custom_sales_calls_week_slips_on_the_next_monday(run: Run) -> None:
    log = revenue_log().calls(w(13), 1)
    busy = milestone(run(log, custom_ladders=CUSTOM, ladders=["revenue"]), "busy-week")
    assert history(busy) == [("achieved", day(w(12), 3)), ("slipped", monday(w(13)))]


def test_custom_ladder_at_most(run: Run) -> None:
    custom = [{"id": "lean", "title": "Lean", "milestones": [
        {"id": "small-book", "title": "A small book", "conditions": [
            {"metric": "paying_customers", "at_least": 1},
            {"metric": "paying_customers", "at_most": 2}]}]}]
    log = Log().paying("a", day(w(10), 1)).paying("b", day(w(10), 2)).paying("c", day(w(11), 1))
    lean = milestone(run(log, custom_ladders=custom, ladders=["lean"]), "small-book")
    assert history(lean) == [("achieved", day(w(10), 1)), ("slipped", day(w(11), 1))]
    assert [m.comparison for m in lean.measures] == ["at_least", "at_most"]


def test_mrr_follows_payments_and_churn(run: Run) -> None:
    log = Log().paying("a", day(w(10), 1)).paying("b", day(w(10), 2))  # 500 a month each
    log.event("b", "paid", day(w(11), 1), amount=800, interval="month")  # upgrade: 1300
    log.event("a", "churned", day(w(11), 3))  # 800
    log.paying("c", day(w(12), 1))
    log.event("c", "paid", day(w(12), 2), amount=1200, interval="year")  # 800 + 100
    mrr = milestone(run(log, custom_ladders=CUSTOM, ladders=["revenue"]), "mrr-1k")
    assert measures(mrr) == {"mrr": Decimal(900)}
    assert history(mrr) == [("achieved", day(w(10), 2)), ("slipped", day(w(11), 3)),
                            ("achieved", day(w(12), 1)), ("slipped", day(w(12), 2))]


# --- configuration problems ---------------------------------------------------------------


def problems(tmp_path: Path, log: Log | None = None, **overrides: Any) -> list[tuple[str, str]]:
    analysis = analysed(tmp_path, log or Log().calls(w(10), 1), **overrides)
    assert analysis.progress is None  # errors stop the pipeline before the engine
    return [(p.message, p.hint or "") for p in analysis.problems if p.is_error]


def config_line(tmp_path: Path, text: str) -> int:
    lines = (tmp_path / "traction.yaml").read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_override_of_an_unknown_milestone(tmp_path: Path) -> None:
    found = problems(tmp_path, milestones={"weekly-sales-call": {"per_week": 3}})
    assert found == [("unknown milestone 'weekly-sales-call'",
                      "did you mean 'weekly-sales-calls'?")]
    analysis = analysed(tmp_path, Log(), milestones={"weekly-sales-call": {"per_week": 3}})
    pos = next(p.pos for p in analysis.problems if p.is_error)
    assert (pos.file, pos.line) == ("traction.yaml", config_line(tmp_path, "weekly-sales-call:"))


def test_override_of_an_unknown_parameter(tmp_path: Path) -> None:
    assert problems(tmp_path, milestones={"close-rate": {"min_sql": 10}}) == [
        ("milestone 'close-rate' has no parameter 'min_sql'", "did you mean 'min_sqls'?")]


def test_override_of_a_parameter_with_no_close_match(tmp_path: Path) -> None:
    assert problems(tmp_path, milestones={"five-hell-yes": {"colour": 3}}) == [
        ("milestone 'five-hell-yes' has no parameter 'colour'", "its parameters: hell_yes")]


def test_override_of_a_milestone_of_a_ladder_not_shown_is_allowed(tmp_path: Path) -> None:
    analysis = analysed(tmp_path, Log().calls(w(10), 1),
                        milestones={"predictable-demand": {"min_weeks": 2}})
    assert analysis.ok


def test_unknown_ladder(tmp_path: Path) -> None:
    assert problems(tmp_path, ladders=["zero-to-on"]) == [
        ("unknown ladder 'zero-to-on'", "did you mean 'zero-to-one'?")]
    analysis = analysed(tmp_path, Log(), ladders=["zero-to-on"])
    pos = next(p.pos for p in analysis.problems if p.is_error)
    assert (pos.file, pos.line) == ("traction.yaml", config_line(tmp_path, "zero-to-on"))


def test_unknown_ladder_without_a_close_match(tmp_path: Path) -> None:
    assert problems(tmp_path, ladders=["pirate-metrics"]) == [
        ("unknown ladder 'pirate-metrics'", "built-in ladders: zero-to-one, micro-traction")]


def test_custom_ladder_is_a_did_you_mean_candidate(tmp_path: Path) -> None:
    assert problems(tmp_path, custom_ladders=CUSTOM, ladders=["revenu"]) == [
        ("unknown ladder 'revenu'", "did you mean 'revenue'?")]


def custom_with(condition: dict[str, Any], params: dict[str, Any] | None = None
                ) -> list[dict[str, Any]]:
    milestone_def: dict[str, Any] = {"id": "m", "title": "M", "conditions": [condition]}
    if params:
        milestone_def["params"] = params
    return [{"id": "mine", "title": "Mine", "milestones": [milestone_def]}]


def test_unknown_metric(tmp_path: Path) -> None:
    found = problems(tmp_path, custom_ladders=custom_with(
        {"metric": "paying_customer", "at_least": 1}), ladders=["mine"])
    assert found == [("unknown metric 'paying_customer'", "did you mean 'paying_customers'?")]


def test_unknown_parameter_reference(tmp_path: Path) -> None:
    found = problems(tmp_path, custom_ladders=custom_with(
        {"metric": "paying_customers", "at_least": "$customer"}, {"customers": 3}),
        ladders=["mine"])
    assert found == [("'$customer' is not a parameter of milestone 'm'",
                      "did you mean 'customers'?")]


def test_metric_parameter_it_does_not_take(tmp_path: Path) -> None:
    found = problems(tmp_path, custom_ladders=custom_with(
        {"metric": "paying_customers", "at_least": 1, "per_week": 5}), ladders=["mine"])
    assert found == [("metric 'paying_customers' takes no parameter 'per_week'",
                      "it takes: owners")]


def test_condition_needs_exactly_one_comparison(tmp_path: Path) -> None:
    found = problems(tmp_path, custom_ladders=custom_with(
        {"metric": "paying_customers", "at_least": 1, "at_most": 3}), ladders=["mine"])
    assert found == [("a condition needs exactly one of at_least, at_most",
                      "e.g. {metric: paying_customers, at_least: 1}")]


def test_no_ladders_is_an_error_not_everything_achieved(tmp_path: Path) -> None:
    assert problems(tmp_path, ladders=[]) == [("expected at least one item", "")]


@pytest.mark.parametrize(("overrides", "message", "hint"), [
    ({"weekly-sales-calls": {"weeks": 2.5}},
     "milestone 'weekly-sales-calls': 'weeks' must be a whole number", "write e.g. 2"),
    ({"weekly-sales-calls": {"weeks": 0}},
     "milestone 'weekly-sales-calls': 'weeks' is 0, so the milestone is met before anything "
     "happens", "use a target of at least 1"),
    ({"weekly-sales-calls": {"per_week": 0}},
     "milestone 'weekly-sales-calls': 'per_week' is out of range (0)",
     "write a number between 1 and 10000 (calls a week)"),
    ({"close-rate": {"rate": 30}}, "milestone 'close-rate': 'rate' is out of range (30)",
     "write a number between 0 and 1 (a share: 0.30 means 30%); did you mean 0.3?"),
    ({"close-rate": {"window_days": 999999999}},
     "milestone 'close-rate': 'window_days' is out of range (999999999)",
     "write a number between 1 and 3660 (days)"),
    ({"scalable-pipeline": {"window_weeks": 100000000000}},
     "milestone 'scalable-pipeline': 'window_weeks' is out of range (100000000000)",
     "write a number between 1 and 520 (weeks)"),
])
def test_parameters_out_of_range_are_errors(tmp_path: Path, overrides: dict[str, Any],
                                            message: str, hint: str) -> None:
    """No silent truncation (2.5 calls), no shares above 1, no windows that overflow a date
    or make the engine loop for hours."""
    assert problems(tmp_path, milestones=overrides) == [(message, hint)]


def test_custom_ladder_cannot_take_a_builtin_id(tmp_path: Path) -> None:
    custom = [{**CUSTOM[0], "id": "micro-traction"}]
    assert problems(tmp_path, custom_ladders=custom) == [
        ("ladder id 'micro-traction' is already taken", "pick another id for your ladder")]


def test_milestone_ids_are_unique_across_ladders(tmp_path: Path) -> None:
    custom = custom_with({"metric": "paying_customers", "at_least": 1})
    custom[0]["milestones"][0]["id"] = "close-rate"
    found = problems(tmp_path, custom_ladders=custom, ladders=["zero-to-one", "mine"])
    assert found == [("milestone id 'close-rate' is defined in ladders 'zero-to-one' and 'mine'",
                      "milestone ids must be unique across the enabled ladders; rename this one")]


def test_custom_ladder_not_listed_is_a_warning(tmp_path: Path) -> None:
    analysis = analysed(tmp_path, Log().calls(w(10), 1), custom_ladders=CUSTOM)
    assert analysis.ok
    assert [p.message for p in analysis.problems] == [
        "custom ladder 'revenue' is not listed in `ladders`"]


# --- SPEC §4 v2: regressions, each failing before the fix ------------------------------------


def test_owner_class_is_fixed_by_the_first_event(tmp_path: Path) -> None:
    """The reported repro: founders' customers (paid, never qualified) rated meh, then
    'qualified' and won by a rep, then hell-yes. It booked counts under both classes (reps'
    hell-yes rate 120%); a 'qualified' after an account's first event is now an error."""
    log = Log()
    for name in ("a", "b"):
        log.event(name, "paid", day(w(10), 1)).event(name, "meh", day(w(10), 2))
        log.qualified(name, day(w(11), 1), owner="sam").event(name, "won", day(w(11), 2))
        log.event(name, "hell-yes", day(w(12), 1))
    found = problems(tmp_path, log)
    assert found == [
        (f"account {name}: 'qualified' after its first event ('paid' on 2026-03-02)",
         "an account's first event fixes whether founders or reps own it; move "
         "'qualified' on or before 2026-03-02, or use a new id")
        for name in ("Customer 1", "Customer 2")]


def test_an_account_qualified_by_a_rep_is_the_reps_for_life(run: Run) -> None:
    custom = [{"id": "classes", "title": "Classes", "milestones": [
        {"id": f"{owners}-{metric}", "title": f"{owners} {metric}",
         "conditions": [{"metric": metric, "owners": owners, "at_least": 1}]}
        for owners in ("reps", "founders") for metric in ("paying_customers",
                                                          "hell_yes_customers")]}]
    log = Log().paying("r", day(w(10), 1), "meh", owner="sam")
    log.event("r", "hell-yes", day(w(11), 1)).event("f", "paid", day(w(11), 2))
    progress = run(log, custom_ladders=custom, ladders=["classes"])
    assert {m.milestone.id: measures(m)[m.milestone.conditions[0].metric]
            for m in progress.milestones()} == {
        "reps-paying_customers": 1, "reps-hell_yes_customers": 1,
        "founders-paying_customers": 1, "founders-hell_yes_customers": 0}


def test_a_condition_true_before_any_event_is_achieved_on_the_first_day(run: Run) -> None:
    custom = custom_with({"metric": "mrr", "at_most": 1000})
    log = Log().calls(w(10), 1, weekday=3).paying("a", day(w(12), 2))  # 500 a month
    m = milestone(run(log, custom_ladders=custom, ladders=["mine"]), "m")
    assert (m.status, m.achieved_on, history(m)) == ("achieved", monday(w(10)),
                                                     [("achieved", monday(w(10)))])


def test_a_custom_milestone_keeps_its_own_definition_whatever_its_id(run: Run) -> None:
    """Shown alone, a custom 'close-rate' is the user's, not the zero-to-one one the stage
    is computed from."""
    custom = custom_with({"metric": "sqls", "at_least": 2})
    custom[0]["milestones"][0].update(id="close-rate", title="Two leads")
    log = Log().qualified("a", day(w(10), 1)).qualified("b", day(w(10), 2))
    mine = milestone(run(log, custom_ladders=custom, ladders=["mine"]), "close-rate")
    assert (mine.milestone.title, mine.status, measures(mine)) == ("Two leads", "achieved",
                                                                   {"sqls": 2})


def test_a_duplicate_milestone_id_is_an_error_at_the_users_definition(tmp_path: Path) -> None:
    custom = custom_with({"metric": "sqls", "at_least": 2})
    custom[0]["milestones"][0]["id"] = "close-rate"
    analysis = analysed(tmp_path, Log().calls(w(10), 1), custom_ladders=custom,
                        ladders=["mine", "zero-to-one"])
    [problem] = [p for p in analysis.problems if p.is_error]
    assert problem.pos.file == "traction.yaml"
    assert problem.pos.line == config_line(tmp_path, "id: close-rate")


@pytest.mark.parametrize(("order", "expected"), [(["meh", "hell-yes"], 1),
                                                  (["hell-yes", "meh"], 0)])
def test_same_day_sentiments_apply_in_the_order_written(run: Run, order: list[str],
                                                        expected: int) -> None:
    log = Log().paying("a", day(w(10), 1))
    for sentiment in order:
        log.event("a", sentiment, day(w(10), 3))
    five = milestone(run(log), "five-hell-yes")
    assert measures(five)["hell_yes_customers"] == expected


# --- the week in progress ------------------------------------------------------------------


def test_the_week_in_progress_never_breaks_the_streak(run: Run) -> None:
    log = spread(weeks(10, 13), 5).calls(w(14), 2)  # Monday and Tuesday of week 14
    progress = run(log, as_of=None)
    assert (progress.as_of, progress.week_in_progress) == (day(w(14), 2), w(14))
    calls = milestone(progress, "weekly-sales-calls")
    assert (calls.status, measures(calls)["sales_call_streak"]) == ("achieved", 4)
    [so_far] = calls.details
    assert (so_far.name, so_far.value, so_far.target) == ("sales_calls_this_week", 2, 5)
    assert progress.weeks[-1].week == w(14) and progress.weeks[-1].in_progress
    assert progress.weeks[-1].sales_calls == 2
    # Once the week has ended short, it breaks the streak, dated its Sunday.
    ended = milestone(run(log, as_of=sunday(w(14))), "weekly-sales-calls")
    assert ended.status == "slipped" and history(ended)[-1] == ("slipped", sunday(w(14)))
    assert ended.details == ()


def test_streak_progress_counts_the_calls_of_the_week_in_progress(run: Run) -> None:
    """Four calls a week for eleven weeks read 0%; the week in progress now counts toward
    the next week of the streak."""
    log = spread(weeks(10, 20), 4).calls(w(21), 3, weekday=2)
    calls = milestone(run(log, as_of=None), "weekly-sales-calls")
    assert calls.status == "in_progress"
    assert calls.progress == round((3 / 5) / 4, 4)
    assert milestone(run(log), "weekly-sales-calls").progress == 0.0  # as of its Sunday


def test_weeks_that_ended_without_a_log_count_as_zero_and_warn(tmp_path: Path) -> None:
    log = spread(weeks(10, 13), 5)
    analysis = analysed(tmp_path, log, as_of=day(w(15), 3))
    assert [p.message for p in analysis.problems] == [
        "no log for 2026-W14 (as of 2026-04-08); counted as no activity"]
    progress = analysis.progress
    assert progress is not None and progress.week_in_progress == w(15)
    assert [(s.week, s.sales_calls, s.in_progress) for s in progress.weeks[-2:]] == [
        (w(14), 0, False), (w(15), 0, True)]
    assert history(milestone(progress, "weekly-sales-calls"))[-1] == ("slipped", sunday(w(14)))


def test_an_explicit_as_of_before_the_latest_entry_is_an_error(tmp_path: Path) -> None:
    log = Log().calls(w(10), 3)
    analysis = analysed(tmp_path, log, as_of=day(w(10), 2))
    assert analysis.progress is None
    assert [(p.severity, str(p.pos), p.message) for p in analysis.problems] == [
        ("error", "weeks/2026-W10.yaml:8:9",
         "--as-of 2026-03-03 is before this entry (2026-03-04), the latest the log mentions")]


def test_source_date_epoch_before_the_latest_entry_yields_to_the_log(tmp_path: Path) -> None:
    write_content(tmp_path, weeks=Log().calls(w(10), 3).weeks())
    analysis = analyse(tmp_path, as_of=source_date("86400"))  # 1970-01-02
    assert analysis.ok and analysis.progress is not None
    assert analysis.progress.as_of == day(w(10), 3)


def test_an_as_of_years_after_the_log_is_an_error(tmp_path: Path) -> None:
    analysis = analysed(tmp_path, Log().calls(w(10), 1), as_of=datetime.date(2040, 1, 1))
    assert analysis.progress is None
    assert [p.message for p in analysis.problems if p.is_error] == [
        "--as-of 2040-01-01 is more than ten years after the latest day the log mentions "
        "(2026-03-02)"]


@pytest.mark.parametrize("value", ["yesterday", "1e9", "-", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_refused(value: str) -> None:
    with pytest.raises(AsOfError, match="SOURCE_DATE_EPOCH"):
        source_date(value)


# --- unrated customers and stale leads -----------------------------------------------------


def test_a_customer_left_unrated_counts_as_assessed_not_hell_yes(run: Run) -> None:
    log = customers(Log(), 9, "hell-yes", label=w(10))
    log.event("late", "qualified", day(w(10), 1)).event("late", "won", day(w(10), 1))
    log.event("late", "paid", day(w(10), 1))  # never rated
    paid = day(w(10), 1)
    early = milestone(run(log, as_of=paid + 89 * ONE_DAY), "hell-yes-rate")
    assert measures(early) == {"assessed_customers": 9, "hell_yes_rate": Fraction(1)}
    rate = milestone(run(log, as_of=paid + 90 * ONE_DAY), "hell-yes-rate")
    assert measures(rate) == {"assessed_customers": 10, "hell_yes_rate": Fraction(9, 10)}
    assert [(d.name, d.value) for d in rate.details] == [("unrated_customers", 1)]
    # Rated later, it is assessed by its rating.
    log.event("late", "hell-yes", paid + 100 * ONE_DAY)
    rated = milestone(run(log, as_of=paid + 100 * ONE_DAY), "hell-yes-rate")
    assert measures(rated) == {"assessed_customers": 10, "hell_yes_rate": Fraction(1)}
    assert [(d.name, d.value) for d in rated.details] == [("unrated_customers", 0)]
    # 0 turns the rule off.
    off = milestone(run(log, as_of=paid + 100 * ONE_DAY,
                        milestones={"hell-yes-rate": {"assess_within_days": 0}}),
                    "hell-yes-rate")
    assert measures(off)["assessed_customers"] == 10 and off.details == ()  # rated by then


def test_reps_unrated_customers_count_against_the_handover(run: Run) -> None:
    log = rep_book("sam", customers_n=5)
    log.deal("r-new", day(w(11), 1), "won", day(w(11), 1), owner="sam")
    log.event("r-new", "paid", day(w(11), 1))
    handover = milestone(run(log, as_of=day(w(11), 1) + 90 * ONE_DAY), "sales-handover")
    assert measures(handover)["assessed_customers"] == 6
    assert measures(handover)["hell_yes_rate"] == Fraction(5, 6)
    assert handover.status == "slipped"


def test_a_lead_open_too_long_counts_as_lost(run: Run) -> None:
    qualified_on = day(w(10), 1)
    log = Log().deal("a", qualified_on, "won", day(w(10), 2)).qualified("open", qualified_on)
    fresh = milestone(run(log, as_of=qualified_on + 89 * ONE_DAY), "close-rate")
    assert measures(fresh) == {"decided_sqls": 1, "close_rate": Fraction(1)}
    stale = milestone(run(log, as_of=qualified_on + 90 * ONE_DAY), "close-rate")
    assert measures(stale) == {"decided_sqls": 2, "close_rate": Fraction(1, 2)}
    assert [(d.name, d.value) for d in stale.details] == [("stale_sqls", 1)]
    # Decided at last, it is counted as what it became.
    log.event("open", "won", qualified_on + 95 * ONE_DAY)
    won = milestone(run(log), "close-rate")
    assert measures(won) == {"decided_sqls": 2, "close_rate": Fraction(1)}
    log.qualified("open-2", qualified_on)
    off = milestone(run(log, as_of=qualified_on + 95 * ONE_DAY,
                        milestones={"close-rate": {"stale_after_days": 0}}), "close-rate")
    assert measures(off) == {"decided_sqls": 2, "close_rate": Fraction(1)} and off.details == ()


def test_the_weekly_close_rate_counts_stale_leads_too(run: Run) -> None:
    qualified_on = day(w(10), 1)
    log = Log().deal("a", qualified_on, "won", day(w(10), 2)).qualified("open", qualified_on)
    progress = run(log, as_of=sunday(w(24)))
    assert [s.close_rate for s in progress.weeks if s.week in (w(21), w(22))] == [
        Fraction(1), Fraction(1, 2)]


def test_streak_at_most_and_two_cost_effective_sources_progress_honestly(run: Run) -> None:
    """Found by the property tests: a streak compared `at_most 0` divided by zero, and a
    target of two sources read as done when one was."""
    custom = [{"id": "mine", "title": "Mine", "milestones": [
        {"id": "quiet", "title": "Quiet", "conditions": [
            {"metric": "sales_call_streak", "at_most": 0, "per_week": 1}]},
        {"id": "two", "title": "Two", "conditions": [
            {"metric": "cost_effective_sources", "at_least": 2, "min_sqls": 1,
             "min_wins": 1}]}]}]
    log = Log().calls(w(10), 1).calls(w(11), 1).deal("a", day(w(10), 1), "won", day(w(10), 2),
                                                      source="cold-email")
    progress = run(log, custom_ladders=custom, ladders=["mine"])
    assert [(m.milestone.id, m.status, m.progress) for m in progress.milestones()] == [
        ("quiet", "not_started", 0.0), ("two", "in_progress", 0.5)]


def test_the_last_result_is_reused_only_while_the_engine_reads_the_same_log(
        tmp_path: Path) -> None:
    """`traction serve` evaluates again on every save: a summary edit (which the engine does
    not read) gives back the last result; a new payment, moved dates or other ladders never
    do."""
    paid = {"id": "acme", "event": "paid", "date": str(day(w(10), 2)), "amount": 100,
            "interval": "month"}
    week: dict[str, Any] = {"week": w(10), "summary": "First.",
                            "accounts": [
                                {"id": "acme", "event": "qualified", "date": str(day(w(10), 1)),
                                 "source": "founder-network", "owner": "dana"},
                                {"id": "acme", "event": "won", "date": str(day(w(10), 1))}]}
    root = write_content(tmp_path / "c", weeks={w(10): week})
    first = analyse(root).progress
    assert first is not None and first.current_goal is not None
    assert first.current_goal.milestone.id == "weekly-sales-calls"
    paying = next(m for m in first.milestones() if m.milestone.id == "first-paying-customer")
    assert paying.status != "achieved"

    write_content(root, weeks={w(10): {**week, "summary": "First, edited."}})
    assert analyse(root).progress is first

    write_content(root, weeks={w(10): {**week, "accounts": [*week["accounts"], paid]}})
    again = analyse(root).progress
    assert again is not None and again is not first
    paying = next(m for m in again.milestones() if m.milestone.id == "first-paying-customer")
    assert paying.status == "achieved" and paying.achieved_on == day(w(10), 2)

    write_content(root, config={**BASE_CONFIG, "ladders": ["micro-traction"]},
                  weeks={w(10): {**week, "accounts": [*week["accounts"], paid]}})
    other = analyse(root).progress
    assert other is not None and other is not again
    assert [ls.ladder.id for ls in other.ladders] == ["micro-traction"]


def test_a_fold_that_is_not_the_pipelines_keeps_nothing(tmp_path: Path) -> None:
    """Provenance replays the log as committed at other commits: those folds neither take
    the pipeline's kept result nor push it out."""
    from generator.model import engine

    root = write_content(tmp_path / "c", weeks={w(10): {"week": w(10), "calls": [
        {"date": str(day(w(10), 1)), "with": "Ann", "type": "sales", "status": "held"}]}})
    analysis = analyse(root)
    content, ladders = analysis.content, analysis.ladders
    assert content.config is not None and ladders is not None
    kept = engine.evaluate(content.config, content.weeks, ladders, reuse=True)
    assert engine.evaluate(content.config, content.weeks, ladders, reuse=True) is kept
    other = engine.evaluate(content.config, (), ladders)
    assert other is not kept and other.as_of is None
    assert engine.evaluate(content.config, content.weeks, ladders) is not kept  # not taken
    assert engine.evaluate(content.config, content.weeks, ladders, reuse=True) is kept


def test_a_fold_of_the_same_log_with_its_latest_week_edited_starts_at_that_week(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`traction serve` folds again on every save: when only the latest week changed, the
    milestones are asked nothing about the days before it, and the result is a whole
    fold's. A call logged late in that week's file, dated before it, folds it all again."""
    from generator.model import engine

    log = Log().calls(w(10), 5).calls(w(11), 5).calls(w(12), 5).calls(w(13), 2)
    root = write_content(tmp_path / "c", weeks=log.weeks())
    analyse(root)
    asked: list[datetime.date] = []
    real = engine._holds

    def holds(milestone: Any, ledger: Any) -> bool:
        asked.append(ledger.day)
        return real(milestone, ledger)

    monkeypatch.setattr(engine, "_holds", holds)
    log.calls(w(13), 3, weekday=4)  # the fifth call of the week: the streak holds
    write_content(root, weeks=log.weeks())
    edited = analyse(root)
    assert asked and min(asked) == day(w(13), 1)
    assert edited.content.config is not None and edited.ladders is not None
    whole = engine.evaluate(edited.content.config, edited.content.weeks, edited.ladders)
    assert edited.progress == whole
    assert status(whole, "weekly-sales-calls") == "achieved"

    asked.clear()
    late = log.weeks()
    late[w(13)]["calls"].append({"date": day(w(12), 7), "with": "Late", "type": "sales",
                                 "status": "held"})
    write_content(root, weeks=late)
    again = analyse(root)
    assert min(asked) == day(w(10), 1)
    assert again.content.config is not None and again.ladders is not None
    assert again.progress == engine.evaluate(again.content.config, again.content.weeks,
                                             again.ladders)
