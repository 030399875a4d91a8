"""How numbers and statuses read, in the terminal and on the site alike."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from generator.engine import Measure
from generator.metrics import Value

STATUS_LABELS = {
    "achieved": "achieved",
    "slipped": "slipped",
    "in_progress": "in progress",
    "not_started": "not started",
}


def fmt(value: Value | Decimal, ratio: bool = False) -> str:
    if value is None:
        return "n/a"
    if ratio or isinstance(value, Fraction):
        return f"{float(value) * 100:.0f}%"
    if isinstance(value, int):
        return str(value)
    if value == int(value):
        return str(int(value))
    return f"{float(value):,.2f}"


def measure_text(measure: Measure, show_revenue: bool) -> str:
    """`paying customers: 3 of 5`, `assessed customers: 17, needs 21`, `close rate: 47% (≥ 30%)`."""
    if measure.money and not show_revenue:
        return f"{measure.label}: {'met' if measure.met else 'not met'} (amounts are private)"
    is_ratio = measure.ratio
    value, target = fmt(measure.value, is_ratio), fmt(measure.target, is_ratio)
    if measure.comparison == "at_most":
        return f"{measure.label}: {value} (at most {target})"
    if is_ratio:
        return f"{measure.label}: {value} (needs {target})"
    if measure.met:
        return f"{measure.label}: {value} (target {target})"
    return f"{measure.label}: {value} of {target}"
