"""`diff_render` from hand-built reports: it prints what the report's types say.

A measure's `kind` decides how its numbers read (a share as a percentage, whatever
its name), and `hidden` decides that it reads "private" (not the absence of a value).
A hidden measure cannot hold a number in the first place.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re

import pytest

from generator.model.metrics import Kind
from generator.public.diff import (
    Counts,
    DiffReport,
    Goal,
    MeasureChange,
    MilestoneChange,
    Pair,
    SideInfo,
)
from generator.render.diff_text import render

FORMATS = ("markdown", "text")


def measure(name: str, kind: Kind = "count", *, hidden: bool = False,
            before: float | None = None, after: float | None = None,
            target: float | None = None) -> MeasureChange:
    return MeasureChange(name=name, label=name.replace("_", " "), kind=kind, hidden=hidden,
                         before=before, after=after, target=target, comparison="at_least",
                         met=False)


def report(*measures: MeasureChange) -> DiffReport:
    """One milestone that moved, with these measures."""
    base = SideInfo(rev="main", commit="0123456789abcdef", content="ok",
                    as_of=datetime.date(2026, 3, 29), latest_week="2026-W13")
    head = dataclasses.replace(base, rev="HEAD", commit="fedcba9876543210",
                               as_of=datetime.date(2026, 4, 12), latest_week="2026-W15")
    milestone = MilestoneChange(
        ladder="zero-to-one", ladder_title="Zero to one", id="a-milestone", number=3,
        title="A milestone", change="moved", date=None,
        status=Pair("in_progress", "in_progress"), progress=Pair(0.25, 0.5),
        measures=measures)
    goal = Goal("a-milestone", "A milestone")
    return DiffReport(company="Acme", base=base, head=head,
                      stage=Pair("prototype", "prototype"), current_goal=Pair(goal, goal),
                      counts=Counts(moved=1), milestones=(milestone,))


def numbers(out: str) -> str:
    """The measure lines of a Markdown or text rendering."""
    rows = [line for line in out.splitlines() if "A milestone" in line and "|" in line]
    if rows:  # markdown: the last cell of the milestone's row
        return rows[0].rsplit("|", 2)[1].strip().replace("<br>", "\n")
    return "\n".join(line.strip() for line in out.splitlines() if line.startswith(" " * 13))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_share_reads_as_a_percentage_whatever_its_name(fmt: str) -> None:
    out = render(report(measure("win_share", "share", before=0.25, after=0.5, target=0.3)), fmt)
    assert numbers(out) == "win share: 25% → 50% (target 30%)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_count_named_rate_reads_as_a_count(fmt: str) -> None:
    out = render(report(measure("call_rate", "count", before=3, after=4, target=5)), fmt)
    assert numbers(out) == "call rate: 3 → 4 (target 5)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hidden_amount_reads_private_and_has_no_digits(fmt: str) -> None:
    out = render(report(measure("mrr", "money", hidden=True),
                        measure("paying_customers", before=0, after=1, target=1)), fmt)
    lines = numbers(out).splitlines()
    # The unchanged hidden measure is left out next to one that moved; alone, it shows.
    assert lines == ["paying customers: 0 → 1 (target 1)"]
    alone = numbers(render(report(measure("mrr", "money", hidden=True)), fmt))
    assert alone == "mrr: private (target private)"
    assert not re.search(r"\d", alone)


def test_a_hidden_amount_is_null_in_json() -> None:
    doc = json.loads(render(report(measure("mrr", "money", hidden=True)), "json"))
    [entry] = doc["milestones"][0]["measures"]
    assert entry == {"name": "mrr", "label": "mrr", "before": None, "after": None,
                     "target": None, "comparison": "at_least", "met": False,
                     "kind": "money", "hidden": True}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_published_amount_reads_as_a_number(fmt: str) -> None:
    out = render(report(measure("mrr", "money", before=0, after=4321.5, target=10000)), fmt)
    assert numbers(out) == "mrr: 0 → 4321.5 (target 10000)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_value_is_not_taken_for_a_private_one(fmt: str) -> None:
    """No value and no target: "n/a", as the measure is not hidden (the old guess said
    "private")."""
    out = render(report(measure("close_rate", "share", before=None, after=None)), fmt)
    assert numbers(out) == "close rate: n/a (target n/a)"


@pytest.mark.parametrize("field", ["before", "after", "target"])
def test_a_hidden_measure_cannot_carry_a_number(field: str) -> None:
    with pytest.raises(ValueError, match="hidden measure 'mrr'"):
        measure("mrr", "money", hidden=True, **{field: 4321})


def test_the_report_is_frozen_and_ok_follows_the_errors() -> None:
    done = report()
    with pytest.raises(dataclasses.FrozenInstanceError):
        done.company = "Other"  # type: ignore[misc]
    assert done.ok
    assert not dataclasses.replace(done, counts=Counts(errors=1)).ok


def test_json_is_the_diff_document() -> None:
    doc = json.loads(render(report(measure("sqls", before=1, after=2, target=10)), "json"))
    assert list(doc) == ["schema", "ok", "company", "base", "head", "stage", "current_goal",
                         "counts", "milestones", "weeks", "removed_weeks", "backdated",
                         "problems"]
    assert doc["schema"] == "traction/diff@1" and doc["ok"] is True
    assert doc["base"] == {"rev": "main", "commit": "0123456789abcdef", "content": "ok",
                           "as_of": "2026-03-29", "latest_week": "2026-W13"}
    assert doc["current_goal"]["after"] == {"id": "a-milestone", "title": "A milestone"}
    assert doc["milestones"][0]["status"] == {"before": "in_progress", "after": "in_progress"}
    assert doc["milestones"][0]["date"] is None
