"""How measures read: counts against targets, shares that never round into meeting a target,
and amounts that stay private."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from generator.public.boundary import PublicMeasure
from generator.public.wording import fmt, measure_text, share_pair

NINETY = Decimal("0.90")


@pytest.mark.parametrize(("value", "shown"), [
    (Fraction(3, 7), ("43%", "90%")),  # far from the target: whole percent
    (Fraction(9, 10), ("90%", "90%")),  # exactly the target
    (Fraction(8999, 10000), ("89.99%", "90.00%")),  # would round up to 90%
    (Fraction(8995, 10000), ("89.95%", "90.00%")),
    (Fraction(899, 1000), ("89.9%", "90.0%")),
    (Fraction(899999, 1000000), ("89.99%", "90.00%")),  # cut, not rounded, below the target
    (Fraction(9001, 10000), ("90.01%", "90.00%")),
    (None, ("n/a", "90%")),
])
def test_a_share_short_of_its_target_never_reads_as_meeting_it(
        value: Fraction | None, shown: tuple[str, str]) -> None:
    assert share_pair(value, NINETY) == shown


def measure(value: object, target: str | None, **kwargs: object) -> PublicMeasure:
    defaults: dict[str, object] = {"name": "x", "label": "hell-yes rate", "comparison": "at_least",
                                   "met": False, "progress": 0.0, "kind": "count",
                                   "hidden": False}
    return PublicMeasure(value=value, target=None if target is None else Decimal(target),  # type: ignore[arg-type]
                         **{**defaults, **kwargs})


def test_measure_texts() -> None:
    assert measure_text(measure(Fraction(8999, 10000), "0.90", kind="share")) == (
        "hell-yes rate: 89.99% (needs 90.00%)")
    assert measure_text(measure(3, "5", label="paying customers")) == (
        "paying customers: 3 of 5")
    assert measure_text(measure(8, "5", label="paying customers", met=True)) == (
        "paying customers: 8 (target 5)")
    assert measure_text(measure(2, "3", label="churned", comparison="at_most", met=True)
                        ) == "churned: 2 (at most 3)"
    shown = measure(Decimal("987654"), "3000", label="cost per win", kind="money", met=True)
    assert measure_text(shown) == "cost per win: 987654 (target 3000)"
    # What the boundary lets out of a private amount: no value, no target, no progress.
    hidden = measure(None, None, label="cost per win", kind="money", met=True, hidden=True,
                     progress=None)
    assert measure_text(hidden) == "cost per win: met (amounts are private)"


def test_fmt() -> None:
    assert fmt(None) == "n/a"
    assert fmt(Decimal("2.50")) == "2.50" and fmt(Decimal("3.0")) == "3" and fmt(12) == "12"
    assert fmt(Fraction(1, 2)) == "50%" and fmt(Decimal("0.3"), ratio=True) == "30%"
