"""How measures read: counts against targets, shares that never round into meeting a target,
and amounts that stay private."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from generator.engine import Measure
from generator.wording import fmt, measure_text, share_pair

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


def measure(value: object, target: str, **kwargs: object) -> Measure:
    defaults: dict[str, object] = {"name": "x", "label": "hell-yes rate", "comparison": "at_least",
                                   "met": False, "progress": 0.0}
    return Measure(value=value, target=Decimal(target), **{**defaults, **kwargs})  # type: ignore[arg-type]


def test_measure_texts() -> None:
    assert measure_text(measure(Fraction(8999, 10000), "0.90", ratio=True), False) == (
        "hell-yes rate: 89.99% (needs 90.00%)")
    assert measure_text(measure(3, "5", label="paying customers"), False) == (
        "paying customers: 3 of 5")
    assert measure_text(measure(8, "5", label="paying customers", met=True), False) == (
        "paying customers: 8 (target 5)")
    assert measure_text(measure(2, "3", label="churned", comparison="at_most", met=True),
                        False) == "churned: 2 (at most 3)"
    secret = measure(Decimal("987654"), "3000", label="cost per win", money=True, met=True)
    assert measure_text(secret, False) == "cost per win: met (amounts are private)"
    assert "987654" not in measure_text(secret, False)
    assert measure_text(secret, True) == "cost per win: 987654 (target 3000)"


def test_fmt() -> None:
    assert fmt(None) == "n/a"
    assert fmt(Decimal("2.50")) == "2.50" and fmt(Decimal("3.0")) == "3" and fmt(12) == "12"
    assert fmt(Fraction(1, 2)) == "50%" and fmt(Decimal("0.3"), ratio=True) == "30%"
