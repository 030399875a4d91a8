"""How numbers and statuses read, in the terminal and on the site alike."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from generator.model.metrics import Detail, Value
from generator.public.boundary import PublicMeasure

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


def share_pair(value: Value | Decimal, target: Decimal) -> tuple[str, str]:
    """A share and its target as percentages, with as many decimals (up to two) as it takes
    for a share short of its target not to read as meeting it (89.99%, not 90%)."""
    if value is None:
        return "n/a", fmt(target, True)
    v, t = Fraction(value), Fraction(target)
    for decimals in (0, 1, 2):
        shown = f"{float(v) * 100:.{decimals}f}", f"{float(t) * 100:.{decimals}f}"
        if shown[0] != shown[1] or v == t:
            break
    else:  # still equal at two decimals: cut, never round, toward the target
        scale = 10 ** 4
        cut = (v * scale).__floor__() if v < t else -((-v * scale).__floor__())
        shown = f"{cut / 100:.2f}", shown[1]
    return f"{shown[0]}%", f"{shown[1]}%"


def measure_text(measure: PublicMeasure) -> str:
    """`paying customers: 3 of 5`, `assessed customers: 17, needs 21`, `close rate: 47% (≥ 30%)`."""
    if measure.hidden or measure.target is None:
        return f"{measure.label}: {'met' if measure.met else 'not met'} (amounts are private)"
    is_ratio = measure.kind == "share"
    if is_ratio:
        value, target = share_pair(measure.value, measure.target)
    else:
        value, target = fmt(measure.value), fmt(measure.target)
    if measure.comparison == "at_most":
        return f"{measure.label}: {value} (at most {target})"
    if is_ratio:
        return f"{measure.label}: {value} (needs {target})"
    if measure.met:
        return f"{measure.label}: {value} (target {target})"
    return f"{measure.label}: {value} of {target}"


def detail_text(detail: Detail) -> str:
    """`sales calls this week: 2 of 5 so far`, `stale qualified leads (...): 2`."""
    if detail.target is not None and detail.value >= detail.target:
        return f"{detail.label}: {detail.value} so far (target {detail.target})"
    if detail.target is not None:
        return f"{detail.label}: {detail.value} of {detail.target} so far"
    return f"{detail.label}: {detail.value}"


def percent(share: float) -> int:
    """A share of the way as a whole percent, floored so that nothing short of done reads
    as 100%; a share that is a whole percent in decimal (0.29) is not floored below it."""
    return max(0, min(100, math.floor(round(share * 100, 6))))
