"""The metrics milestone conditions are made of: small pure functions of the ledger.

A ladder (built-in or custom) names a metric and compares it with a target;
`METRICS` lists every metric, the parameters it takes and how to show it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from generator.timeline import Ledger

Value = int | Fraction | Decimal | None
Comparison = Literal["at_least", "at_most"]


@dataclass(frozen=True)
class Cond:
    """A resolved condition: parameters are concrete numbers, references are gone."""

    metric: str
    comparison: Comparison
    target: Decimal
    owners: str = "all"
    per_week: int | None = None
    window_days: int | None = None
    window_weeks: int | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    min_sqls: int | None = None
    min_wins: int | None = None

    @property
    def price_range(self) -> tuple[Decimal, Decimal] | None:
        if self.min_price is None and self.max_price is None:
            return None
        return (self.min_price if self.min_price is not None else Decimal("-Infinity"),
                self.max_price if self.max_price is not None else Decimal("Infinity"))


@dataclass(frozen=True)
class Part:
    """One number behind a composite metric, shown as evidence."""

    name: str
    value: Value
    target: Decimal
    comparison: Comparison = "at_least"
    money: bool = False


@dataclass(frozen=True)
class Metric:
    name: str
    label: str  # lower-case noun phrase: "paying customers"
    compute: Callable[[Ledger, Cond], Value]
    params: frozenset[str] = frozenset()
    kind: Literal["count", "ratio", "money"] = "count"
    parts: Callable[[Ledger, Cond], list[Part]] | None = field(default=None)
    # What the value depends on (see Ledger.changed): the engine re-checks a milestone
    # on a day only if one of its metrics' inputs changed that day.
    inputs: frozenset[str] = frozenset({"accounts"})


def ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def _decided(ledger: Ledger, cond: Cond) -> int:
    if cond.window_days is not None:
        return ledger.cohort(cond.window_days, cond.owners)[0]
    return ledger.won[cond.owners] + ledger.lost[cond.owners]


def _close_rate(ledger: Ledger, cond: Cond) -> Fraction | None:
    if cond.window_days is not None:
        size, won = ledger.cohort(cond.window_days, cond.owners)
        return ratio(won, size)
    return ratio(ledger.won[cond.owners], ledger.won[cond.owners] + ledger.lost[cond.owners])


def _source_parts(ledger: Ledger, cond: Cond, name: str) -> list[Part]:
    source = ledger.scalable_sources[name]
    sqls, wins, spend = ledger.source_window(name, cond.window_weeks or 12)
    parts = [
        Part(f"{name}: qualified", sqls, Decimal(cond.min_sqls or 0)),
        Part(f"{name}: won", wins, Decimal(cond.min_wins or 0)),
    ]
    if source.max_cac is not None:
        cac = spend / wins if wins else (None if spend else Decimal(0))
        parts.append(Part(f"{name}: cost per win", cac, source.max_cac, "at_most", money=True))
    return parts


def _parts_met(parts: list[Part]) -> bool:
    return all(met(p.value, p.comparison, p.target) for p in parts)


def _cost_effective_sources(ledger: Ledger, cond: Cond) -> int:
    return sum(_parts_met(_source_parts(ledger, cond, name)) for name in ledger.scalable_sources)


def _best_source_parts(ledger: Ledger, cond: Cond) -> list[Part]:
    best: list[Part] = []
    best_score = -1.0
    for name in sorted(ledger.scalable_sources):
        parts = _source_parts(ledger, cond, name)
        score = min(progress(p.value, p.comparison, p.target) for p in parts)
        if score > best_score:
            best, best_score = parts, score
    return best


def met(value: Value, comparison: Comparison, target: Decimal) -> bool:
    if value is None:
        return False
    if comparison == "at_least":
        return value >= target
    return value <= target


def progress(value: Value, comparison: Comparison, target: Decimal) -> float:
    """0..1 toward the target."""
    if value is None:
        return 0.0
    if met(value, comparison, target):
        return 1.0
    if comparison == "at_least":
        return max(0.0, float(value) / float(target)) if target > 0 else 0.0
    return float(target) / float(value) if value > 0 else 0.0


_OWNERS = frozenset({"owners"})
_SIGNALS = frozenset({"signals"})
_SIGNAL_WINDOW = frozenset({"signals", "monday"})  # an old week leaves the window on Monday

METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("sales_calls_week", "sales calls this week",
           lambda ledger, c: ledger.calls_by_week[ledger.week],
           inputs=frozenset({"calls", "monday"})),
    Metric("sales_call_streak", "weeks in a row with enough sales calls",
           lambda ledger, c: ledger.streak(c.per_week or 5), frozenset({"per_week"}),
           inputs=frozenset({"calls", "sunday"})),  # a week that ends short breaks it
    Metric("paying_customers", "paying customers",
           lambda ledger, c: ledger.paying[c.owners], _OWNERS),
    Metric("hell_yes_customers", "hell-yes customers",
           lambda ledger, c: ledger.hell_yes[c.owners], _OWNERS),
    Metric("assessed_customers", "assessed customers",
           lambda ledger, c: ledger.assessed[c.owners], _OWNERS),
    Metric("hell_yes_rate", "hell-yes rate",
           lambda ledger, c: ratio(ledger.hell_yes[c.owners], ledger.assessed[c.owners]),
           _OWNERS, "ratio"),
    Metric("sqls", "qualified leads", lambda ledger, c: ledger.sqls[c.owners], _OWNERS),
    Metric("decided_sqls", "decided qualified leads", _decided,
           frozenset({"owners", "window_days"})),
    Metric("close_rate", "close rate", _close_rate,
           frozenset({"owners", "window_days"}), "ratio"),
    Metric("mrr", "monthly recurring revenue", lambda ledger, c: ledger.mrr, kind="money"),
    Metric("subscribers", "list subscribers", lambda ledger, c: ledger.subscribers,
           inputs=frozenset({"subscribers"})),
    Metric("list_questions", "questions from subscribers",
           lambda ledger, c: ledger.signal_count("question", None), inputs=_SIGNALS),
    Metric("product_sales", "product sales",
           lambda ledger, c: ledger.signal_count("sale", c.price_range),
           frozenset({"min_price", "max_price"}), inputs=_SIGNALS),
    Metric("spontaneous_inquiries", "spontaneous services inquiries",
           lambda ledger, c: ledger.signal_count("inquiry", None), inputs=_SIGNALS),
    Metric("question_weeks", "weeks with a subscriber question",
           lambda ledger, c: ledger.signal_weeks("question", c.window_weeks, None),
           frozenset({"window_weeks"}), inputs=_SIGNAL_WINDOW),
    Metric("sale_weeks", "weeks with a product sale",
           lambda ledger, c: ledger.signal_weeks("sale", c.window_weeks, c.price_range),
           frozenset({"window_weeks", "min_price", "max_price"}), inputs=_SIGNAL_WINDOW),
    Metric("inquiry_weeks", "weeks with a spontaneous inquiry",
           lambda ledger, c: ledger.signal_weeks("inquiry", c.window_weeks, None),
           frozenset({"window_weeks"}), inputs=_SIGNAL_WINDOW),
    Metric("cost_effective_sources", "cost-effective scalable sources",
           _cost_effective_sources, frozenset({"window_weeks", "min_sqls", "min_wins"}),
           parts=_best_source_parts, inputs=frozenset({"accounts", "monday"})),
)}
