"""Property tests (hypothesis): random valid logs never crash the pipeline, and the order
entries are written in never changes the result.

Logs are generated as facts (calls, account lifecycles, list signals, spend)
over a few ISO weeks; every fact goes into the weekly file of its date's week,
and every account follows a possible lifecycle, so each log is valid.
"""

from __future__ import annotations

import datetime
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from builders import Log, config, label_of
from conftest import write_content
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.pipeline import analyse
from generator.progress_doc import dumps, progress_document

FIRST_DAY = datetime.date(2026, 3, 2)  # Monday of 2026-W10
DAYS = 12 * 7  # twelve ISO weeks
OWNERS = [None, "dana", "lee", "sam", "kim"]
SOURCES = [None, "cold-email", "founder-network"]
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def date(offset: int) -> datetime.date:
    return FIRST_DAY + datetime.timedelta(days=offset)


@st.composite
def lifecycle(draw: st.DrawFn, account: str) -> list[dict[str, Any]]:
    """One account's events in a possible order, with dates that never go back."""
    offset = draw(st.integers(0, DAYS - 1))
    events: list[dict[str, Any]] = []

    def add(event: str, gap_min: int = 0, **fields: Any) -> bool:
        nonlocal offset
        offset += draw(st.integers(gap_min, 10))
        if offset >= DAYS:
            return False
        events.append({"id": account, "event": event, "date": date(offset), **fields})
        return True

    won = True
    if draw(st.booleans()) or draw(st.booleans()):  # mostly through the pipeline
        fields = {k: v for k, v in (("source", draw(st.sampled_from(SOURCES))),
                                    ("owner", draw(st.sampled_from(OWNERS)))) if v}
        if not add("qualified", **fields):
            return events
        outcome = draw(st.sampled_from(["won", "lost", None]))
        if outcome is not None and not add(outcome):
            return events
        won = outcome == "won"
    if not won or not draw(st.booleans()):
        return events
    for round_ in range(draw(st.integers(1, 2))):  # paying, maybe churned and back
        amount = draw(st.integers(0, 5000))
        interval = draw(st.sampled_from(["month", "year", "once"]))
        if not add("paid", 1 if round_ else 0, amount=amount, interval=interval):
            return events
        for sentiment in draw(st.lists(st.sampled_from(["hell-yes", "meh", "renewed"]),
                                       max_size=3)):
            if not add(sentiment):
                return events
        if not draw(st.booleans()) or not add("churned"):
            return events
    return events


@st.composite
def logs(draw: st.DrawFn) -> Log:
    log = Log()
    for offset, kind, status in draw(st.lists(st.tuples(
            st.integers(0, DAYS - 1),
            st.sampled_from(["sales", "discovery", "demo", "check-in", "onboarding", None, None]),
            st.sampled_from(["held", "scheduled", "no-show", "cancelled", None, None, None])),
            max_size=120)):
        fields = {k: v for k, v in (("type", kind), ("status", status)) if v}
        log.call(date(offset), **fields)
    for week, count in enumerate(draw(st.lists(st.integers(0, 3), max_size=12))):
        for _ in range(count):  # steady weeks of counted calls, so streaks start and break
            log.call(date(week * 7 + draw(st.integers(0, 6))))
    for week, kinds in enumerate(draw(st.lists(st.sets(st.sampled_from(
            ["question", "sale", "inquiry"])), max_size=12))):
        for kind in sorted(kinds):  # recurring list signals, for predictable demand
            fields = {"price": 29, "product": "Guide"} if kind == "sale" else {}
            log.signal(date(week * 7 + draw(st.integers(0, 6))), kind, **fields)
    for index in range(draw(st.integers(0, 14))):
        for event in draw(lifecycle(f"acct-{index}")):
            log.event(event.pop("id"), event.pop("event"), event.pop("date"), **event)
    for offset, kind, price, spontaneous in draw(st.lists(st.tuples(
            st.integers(0, DAYS - 1), st.sampled_from(["question", "sale", "inquiry"]),
            st.sampled_from([0.5, 1, 49, 99, 100, 250]), st.sampled_from([None, True, False])),
            max_size=40)):
        fields: dict[str, Any] = {}
        if kind == "sale":
            fields = {"price": price, "product": "Workbook"}
        elif kind == "inquiry" and spontaneous is not None:
            fields = {"spontaneous": spontaneous}
        log.signal(date(offset), kind, **fields)
    for week in draw(st.lists(st.integers(0, 11), max_size=6)):
        label = label_of(date(week * 7))
        log.subscribers(label, draw(st.integers(0, 900)))
        log.spend(label, draw(st.sampled_from(["cold-email", "founder-network"])),
                  draw(st.integers(0, 4000)))
    for week in draw(st.lists(st.integers(0, 11), max_size=3)):  # weeks logged without activity
        log.week(label_of(date(week * 7)))
    if not log.files:
        log.week(label_of(FIRST_DAY))
    return log


# Low bars, so random logs reach every status of every milestone (slips included).
CONFIG = config(
    ladders=["zero-to-one", "micro-traction"],
    sources={"cold-email": {"scalable": True, "max_cac": 2000}, "founder-network": {}},
    milestones={
        "weekly-sales-calls": {"per_week": 2, "weeks": 2},
        "five-paying-customers": {"customers": 2},
        "five-hell-yes": {"hell_yes": 2},
        "hell-yes-rate": {"min_customers": 2, "rate": 0.5},
        "close-rate": {"min_sqls": 3},
        "scalable-pipeline": {"window_weeks": 4, "min_sqls": 2},
        "sales-handover": {"min_sqls": 1, "min_customers": 1, "hell_yes_rate": 0.5},
        "predictable-demand": {"window_weeks": 4, "min_weeks": 2},
    })


def document_of(log: Log, **overrides: Any) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_content(Path(tmp) / "content", config={**CONFIG, **overrides},
                             weeks=log.weeks())
        analysis = analyse(root)
        errors = [p for p in analysis.problems if p.is_error]
        assert not errors, errors
        assert analysis.progress is not None
        return dumps(progress_document(analysis.progress, "Acme", "", False))


@SETTINGS
@given(logs())
def test_random_valid_logs_evaluate_without_errors(log: Log) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_content(Path(tmp) / "content", config=CONFIG, weeks=log.weeks())
        analysis = analyse(root)
        assert [p for p in analysis.problems if p.is_error] == []
        progress = analysis.progress
        assert progress is not None
        assert progress.as_of == max(datetime.date.fromisocalendar(
            int(label[:4]), int(label[6:]), 7) for label in log.files)
        for status in progress.milestones():
            assert 0.0 <= status.progress <= 1.0
            kinds = [t.status for t in status.history]
            assert kinds == ["achieved", "slipped"] * (len(kinds) // 2) + ["achieved"] * (
                len(kinds) % 2)  # alternating, starting with achieved
            assert [t.date for t in status.history] == sorted(t.date for t in status.history)
            expected = ("achieved" if kinds and kinds[-1] == "achieved" else
                        "slipped" if kinds else status.status)
            assert status.status == expected
            if kinds:
                assert status.achieved_on == status.history[0].date <= progress.as_of
            else:
                assert status.achieved_on is None
                assert status.status in ("in_progress", "not_started")
            assert (status.status == "in_progress") == (not kinds and status.progress > 0)
        goal = next((m for m in progress.milestones() if m.status != "achieved"), None)
        assert progress.current_goal is goal
        # The weekly series agrees with a plain count of the log.
        facts = [item for week in log.files.values() for item in week.get("calls", [])]
        counted = Counter(label_of(c["date"]) for c in facts
                          if c.get("type", "sales") in ("sales", "discovery", "demo")
                          and c.get("status", "held") == "held")
        assert {s.week: s.sales_calls for s in progress.weeks if s.sales_calls} == dict(counted)
        events = [e for week in log.files.values() for e in week.get("accounts", [])]
        kinds_count = Counter(e["event"] for e in events)
        assert sum(s.sqls for s in progress.weeks) == kinds_count["qualified"]
        assert sum(s.won for s in progress.weeks) == kinds_count["won"]
        assert sum(s.lost for s in progress.weeks) == kinds_count["lost"]
        final = _final_accounts(events)
        last = progress.weeks[-1]
        assert last.paying_customers == sum(paying for paying, _ in final.values())
        assert last.hell_yes_customers == sum(paying and sentiment == "hell-yes"
                                              for paying, sentiment in final.values())
        # The pure-Python YAML path gives the same document.
        slow = analyse(root, fast_yaml=False)
        assert slow.progress == progress


def _final_accounts(events: list[dict[str, Any]]) -> dict[str, tuple[bool, str | None]]:
    """(paying, sentiment) of every account at the end, replaying its events in date order."""
    state: dict[str, tuple[bool, str | None]] = {}
    rank = ["qualified", "won", "lost", "paid", "hell-yes", "meh", "renewed", "churned"]
    for event in sorted(events, key=lambda e: (e["date"], rank.index(e["event"]))):
        paying, sentiment = state.get(event["id"], (False, None))
        kind = event["event"]
        if kind == "paid":
            paying = True
        elif kind == "churned":
            paying, sentiment = False, "churned"
        elif kind in ("hell-yes", "renewed"):
            sentiment = "hell-yes"
        elif kind == "meh":
            sentiment = "meh"
        state[event["id"]] = (paying, sentiment)
    return state


def _shuffled(log: Log, rng: random.Random) -> Log:
    """The same log with every list inside every file in another order."""
    other = Log()
    for label, week in log.weeks().items():
        copy = other.week(label)
        copy.update(week)
        for key in ("calls", "accounts", "spend"):
            if key in week:
                copy[key] = rng.sample(week[key], len(week[key]))
        if "list" in week:
            signals = dict(week["list"])
            if "events" in signals:
                signals["events"] = rng.sample(signals["events"], len(signals["events"]))
            copy["list"] = signals
        keys = list(copy)
        rng.shuffle(keys)  # the order of keys in the file, too
        other.files[label] = {key: copy[key] for key in keys}
    return other


@SETTINGS
@given(logs(), st.randoms(use_true_random=False))
def test_reordering_entries_in_a_file_never_changes_the_document(log: Log,
                                                                   rng: random.Random) -> None:
    assert document_of(_shuffled(log, rng)) == document_of(log)


@SETTINGS
@given(logs(), st.randoms(use_true_random=False))
def test_reordering_with_window_days_never_changes_the_document(log: Log,
                                                                rng: random.Random) -> None:
    overrides = {"milestones": {**CONFIG["milestones"],
                                "close-rate": {"min_sqls": 2, "window_days": 10}}}
    assert document_of(_shuffled(log, rng), **overrides) == document_of(log, **overrides)
