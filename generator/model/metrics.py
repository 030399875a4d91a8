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

from generator.model.timeline import Ledger

Value = int | Fraction | Decimal | None
Comparison = Literal["at_least", "at_most"]
# What a number is: a count, a share (0..1, shown as a percentage), an amount of money
# (private unless privacy.show_revenue) or a streak of weeks.
Kind = Literal["count", "share", "money", "streak"]


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
    stale_after_days: int | None = None
    assess_within_days: int | None = None

    @property
    def aging(self) -> list[tuple[str, int]]:
        """The ledger's aging windows this condition reads (see Ledger.stale, .unrated)."""
        return [(kind, days) for kind, days in (("stale", self.stale_after_days),
                                                ("unrated", self.assess_within_days)) if days]

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
    kind: Kind = "count"


@dataclass(frozen=True)
class Detail:
    """A number that explains a measure without being a condition of it: leads counted as
    lost because they went stale, customers counted as unrated, this week's calls so far."""

    name: str
    label: str
    value: int
    target: int | None = None  # given for a count still running: the week in progress

    @property
    def shown(self) -> bool:
        """Worth a line: a count still running, or something counted."""
        return self.target is not None or self.value > 0


@dataclass(frozen=True)
class Metric:
    name: str
    label: str  # lower-case noun phrase: "paying customers"
    compute: Callable[[Ledger, Cond], Value]
    params: frozenset[str] = frozenset()
    kind: Kind = "count"
    parts: Callable[[Ledger, Cond], list[Part]] | None = field(default=None)
    # What the value depends on (see Ledger.changed): the engine re-checks a milestone
    # on a day only if one of its metrics' inputs changed that day.
    inputs: frozenset[str] = frozenset({"accounts"})
    details: Callable[[Ledger, Cond], list[Detail]] | None = None
    # Progress toward the target when it is more than value / target (a streak counts the
    # calls of the week in progress toward its next week).
    progress: Callable[[Ledger, Cond, Value], float] | None = None
    # Parameters a condition may leave out, and their values then. The built-in ladders
    # spell them out, so they can be overridden under `milestones:`; a test keeps them equal.
    defaults: dict[str, int] = field(default_factory=dict)


def ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def _stale(ledger: Ledger, cond: Cond) -> int:
    return ledger.stale(cond.stale_after_days or 0, cond.owners)


def _decided(ledger: Ledger, cond: Cond) -> int:
    """Won and lost leads, and open leads gone stale (counted as lost)."""
    if cond.window_days is not None:
        return ledger.cohort(cond.window_days, cond.owners)[0]
    return ledger.won[cond.owners] + ledger.lost[cond.owners] + _stale(ledger, cond)


def _close_rate(ledger: Ledger, cond: Cond) -> Fraction | None:
    if cond.window_days is not None:
        size, won = ledger.cohort(cond.window_days, cond.owners)
        return ratio(won, size)
    return ratio(ledger.won[cond.owners], _decided(ledger, cond))


def _stale_details(ledger: Ledger, cond: Cond) -> list[Detail]:
    if cond.window_days is not None or not cond.stale_after_days:
        return []
    return [Detail("stale_sqls", f"stale qualified leads (open {cond.stale_after_days}+ days, "
                   "counted as lost)", _stale(ledger, cond))]


def _unrated(ledger: Ledger, cond: Cond) -> int:
    return ledger.unrated(cond.assess_within_days or 0, cond.owners)


def _assessed(ledger: Ledger, cond: Cond) -> int:
    """Customers with a sentiment, and paying customers left unrated too long."""
    return ledger.assessed[cond.owners] + _unrated(ledger, cond)


def _unrated_details(ledger: Ledger, cond: Cond) -> list[Detail]:
    if not cond.assess_within_days:
        return []
    return [Detail("unrated_customers", f"unrated customers (not rated within "
                   f"{cond.assess_within_days} days of paying, counted as not hell-yes)",
                   _unrated(ledger, cond))]


def _per_week(cond: Cond) -> int:
    assert cond.per_week is not None  # a default when left out
    return cond.per_week


def _streak_progress(ledger: Ledger, cond: Cond, value: Value) -> float:
    """The streak so far, plus the share of its next week that the week in progress has."""
    per_week = _per_week(cond)
    weeks = float(value or 0)
    calls = ledger.calls_by_week[ledger.week]
    if calls < per_week and not ledger.week_complete:
        weeks += calls / per_week
    return min(1.0, weeks / float(cond.target))


def _week_so_far(ledger: Ledger, cond: Cond) -> list[Detail]:
    if ledger.week_complete:
        return []
    return [Detail("sales_calls_this_week", "sales calls this week",
                   ledger.calls_by_week[ledger.week], _per_week(cond))]


def _source_parts(ledger: Ledger, cond: Cond, name: str) -> list[Part]:
    source = ledger.scalable_sources[name]
    assert cond.window_weeks is not None and cond.min_sqls is not None  # defaults resolved
    assert cond.min_wins is not None
    sqls, wins, spend = ledger.source_window(name, cond.window_weeks)
    parts = [
        Part(f"{name}: qualified", sqls, Decimal(cond.min_sqls)),
        Part(f"{name}: won", wins, Decimal(cond.min_wins)),
    ]
    assert source.max_cac is not None  # a scalable source must declare it (rules.py)
    cac = spend / wins if wins else None  # no win yet: no cost per win to meet the budget
    parts.append(Part(f"{name}: cost per win", cac, source.max_cac, "at_most", "money"))
    return parts


def parts_progress(parts: list[Part], blind: bool = False) -> float:
    """The mean of the parts' progress, short of 1 until every part is met. `blind`: an
    amount counts only as met or not (see engine.Measure.blind_progress)."""
    done = sum(part_progress(p, blind) for p in parts) / len(parts)
    return 1.0 if _parts_met(parts) else min(done, 0.99)


def part_progress(part: Part, blind: bool = False) -> float:
    if blind and part.kind == "money":
        return 1.0 if met(part.value, part.comparison, part.target) else 0.0
    return progress(part.value, part.comparison, part.target)


def _parts_met(parts: list[Part]) -> bool:
    return all(met(p.value, p.comparison, p.target) for p in parts)


def _cost_effective_sources(ledger: Ledger, cond: Cond) -> int:
    return sum(_parts_met(_source_parts(ledger, cond, name)) for name in ledger.scalable_sources)


def _best_source_parts(ledger: Ledger, cond: Cond) -> list[Part]:
    best: list[Part] = []
    best_score = -1.0
    for name in sorted(ledger.scalable_sources):
        parts = _source_parts(ledger, cond, name)
        score = parts_progress(parts)
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
_ASSESSED = frozenset({"owners", "assess_within_days"})
_DECIDED = frozenset({"owners", "window_days", "stale_after_days"})
_AGING = frozenset({"accounts", "aging"})  # events, and accounts aging past a window
_ASSESS_DEFAULT = {"assess_within_days": 90}
_STALE_DEFAULT = {"stale_after_days": 90}
_SIGNALS = frozenset({"signals"})
_SIGNAL_WINDOW = frozenset({"signals", "monday"})  # an old week leaves the window on Monday

METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("sales_calls_week", "sales calls this week",
           lambda ledger, c: ledger.calls_by_week[ledger.week],
           inputs=frozenset({"calls", "monday"})),
    Metric("sales_call_streak", "weeks in a row with enough sales calls",
           lambda ledger, c: ledger.streak(_per_week(c)), frozenset({"per_week"}), "streak",
           inputs=frozenset({"calls", "sunday"}),  # a week that ends short breaks it
           details=_week_so_far, progress=_streak_progress, defaults={"per_week": 5}),
    Metric("paying_customers", "paying customers",
           lambda ledger, c: ledger.paying[c.owners], _OWNERS),
    Metric("hell_yes_customers", "hell-yes customers",
           lambda ledger, c: ledger.hell_yes[c.owners], _OWNERS),
    Metric("assessed_customers", "assessed customers", _assessed, _ASSESSED, inputs=_AGING,
           details=_unrated_details, defaults=_ASSESS_DEFAULT),
    Metric("hell_yes_rate", "hell-yes rate",
           lambda ledger, c: ratio(ledger.hell_yes[c.owners], _assessed(ledger, c)),
           _ASSESSED, "share", inputs=_AGING, details=_unrated_details,
           defaults=_ASSESS_DEFAULT),
    Metric("sqls", "qualified leads", lambda ledger, c: ledger.sqls[c.owners], _OWNERS),
    Metric("decided_sqls", "decided qualified leads", _decided, _DECIDED, inputs=_AGING,
           details=_stale_details, defaults=_STALE_DEFAULT),
    Metric("close_rate", "close rate", _close_rate, _DECIDED, "share", inputs=_AGING,
           details=_stale_details, defaults=_STALE_DEFAULT),
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
           parts=_best_source_parts, inputs=frozenset({"accounts", "monday"}),
           defaults={"window_weeks": 12, "min_sqls": 10, "min_wins": 1}),
)}
