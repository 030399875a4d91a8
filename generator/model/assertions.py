"""Assertions: what the log must add up to at the end of a day, as a ledger's balance
assertion (Beancount's `balance`). The engine checks each one as its fold passes that day;
`report` turns a disagreement into a problem at the assertion's `file:line:col`.

A metric that takes parameters is measured as the ladders measure it: with the first
condition, in ladder order, that uses it; a metric no ladder uses, with its defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from generator.model.ladders import Ladders
from generator.model.metrics import METRICS, Cond, Value
from generator.model.timeline import Ledger
from generator.problems import Problems
from generator.source.schema import Assertion, Config

# Shares agree to half a percentage point: the site shows whole percentages, and a founder
# copies "33%" where the log holds 1/3.
SHARE_TOLERANCE = Fraction(1, 200)


@dataclass(frozen=True)
class Disagreement:
    """One metric of an assertion that the log does not add up to."""

    assertion: Assertion
    metric: str
    asserted: int | Decimal
    actual: Value


def measured_as(ladders: Ladders) -> dict[str, Cond]:
    """How each metric is measured for an assertion."""
    conditions: dict[str, Cond] = {}
    for milestone in (*ladders.milestones(), *ladders.reference.milestones):
        for cond in milestone.conditions:
            conditions.setdefault(cond.metric, cond)
    for name, metric in METRICS.items():
        defaults: dict[str, Any] = dict(metric.defaults)
        conditions.setdefault(name, Cond(name, "at_least", Decimal(0), **defaults))
    return conditions


def agrees(actual: Value, asserted: int | Decimal, kind: str) -> bool:
    if actual is None:
        return False
    if kind == "share":
        return abs(Fraction(actual) - Fraction(asserted)) <= SHARE_TOLERANCE
    return actual == asserted


def disagreements(assertion: Assertion, ledger: Ledger, conditions: dict[str, Cond]
                  ) -> list[Disagreement]:
    """What the ledger, at the end of the assertion's day, does not agree with."""
    found = []
    for name, asserted in assertion.asserted():
        metric = METRICS[name]
        actual = metric.compute(ledger, conditions[name])
        if not agrees(actual, asserted, metric.kind):
            found.append(Disagreement(assertion, name, asserted, actual))
    return found


def _shown(value: Value | int | Decimal, kind: str) -> str:
    if value is None:
        return "nothing yet (no number to measure)"
    if kind == "share":
        percent = float(value) * 100
        return f"{percent:.1f}%".replace(".0%", "%")
    return str(value)


def report(found: tuple[Disagreement, ...], config: Config, problems: Problems) -> None:
    """Each disagreement as an error with both numbers, unless they are private amounts:
    a `check` log in CI is public, so then it names the metric and the day only."""
    for item in found:
        metric = METRICS[item.metric]
        day = item.assertion.date
        where = item.assertion.at(item.metric)
        if metric.kind == "money" and not config.privacy.show_revenue:
            problems.error(where, f"{metric.label} at the end of {day} disagrees with this "
                           "assertion (amounts are private, so neither is shown here)",
                           f"find the entry missing, extra or mistyped on or before {day}, "
                           "or correct the assertion")
            continue
        problems.error(where, f"{metric.label} at the end of {day}: the log adds up to "
                       f"{_shown(item.actual, metric.kind)}, this assertion says "
                       f"{_shown(item.asserted, metric.kind)}",
                       f"find the entry missing, extra or mistyped on or before {day}, or "
                       "correct the assertion")
