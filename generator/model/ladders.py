"""Milestone ladders, built-in (package data in builtin_ladders/) or custom, as conditions.

The built-in ladders are YAML files in `generator/builtin_ladders/`, in exactly the
form a custom ladder takes under `custom_ladders:` in `traction.yaml`; both
are validated by the same schema and resolved by the same code here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from generator.model.metrics import METRICS, Comparison, Cond
from generator.problems import Pos, Problems
from generator.source.scalars import did_you_mean
from generator.source.schema import Condition, Config, LadderDef, MilestoneDef

BUILTIN_IDS = ("zero-to-one", "micro-traction")
# Stage (seed 001): prototype until a first paying customer, traction until the close rate.
STAGE_MILESTONES = ("first-paying-customer", "close-rate")


@dataclass(frozen=True)
class Milestone:
    id: str
    number: int  # 1-based position in its ladder
    ladder: str
    title: str
    summary: str
    why: str
    conditions: tuple[Cond, ...]


@dataclass(frozen=True)
class Ladder:
    id: str
    title: str
    summary: str
    milestones: tuple[Milestone, ...]


@cache
def builtin_definitions() -> dict[str, LadderDef]:
    """The built-in ladders, parsed and validated like any user file (errors are bugs)."""
    from generator.source.loader import validate
    from generator.source.yamlsource import parse

    found = {}
    for ladder_id in BUILTIN_IDS:
        name = f"{ladder_id}.yaml"
        text = (resources.files("generator.model") / "builtin_ladders" / name).read_text("utf-8")
        problems = Problems()
        ladder = validate(LadderDef, parse(text, f"<builtin>/{name}", problems), name, problems)
        if ladder is None:  # pragma: no cover - guarded by tests of the shipped files
            raise RuntimeError(f"built-in ladder {name} is invalid: {problems}")
        found[ladder_id] = ladder
    return found


# Bounds that keep the numbers meaningful and the engine's work finite:
# name -> (lowest, highest, unit, whole number only)
PARAM_BOUNDS: dict[str, tuple[Decimal, Decimal, str, bool]] = {
    "per_week": (Decimal(1), Decimal(10_000), "calls a week", True),
    "window_days": (Decimal(1), Decimal(3_660), "days", True),
    "window_weeks": (Decimal(1), Decimal(520), "weeks", True),
    "min_sqls": (Decimal(0), Decimal(1_000_000), "qualified leads", True),
    "min_wins": (Decimal(0), Decimal(1_000_000), "wins", True),
    "stale_after_days": (Decimal(0), Decimal(3_660), "days; 0 turns it off", True),
    "assess_within_days": (Decimal(0), Decimal(3_660), "days; 0 turns it off", True),
    "min_price": (Decimal(0), Decimal(10) ** 12, "", False),
    "max_price": (Decimal(0), Decimal(10) ** 12, "", False),
}
TARGET_BOUNDS: dict[str, tuple[Decimal, Decimal, str, bool]] = {
    "count": (Decimal(0), Decimal(10) ** 9, "", True),
    "streak": (Decimal(0), Decimal(520), "weeks", True),
    "share": (Decimal(0), Decimal(1), "a share: 0.30 means 30%", False),
    "money": (Decimal(0), Decimal(10) ** 12, "", False),
}


def _bound_problem(number: Decimal, bounds: tuple[Decimal, Decimal, str, bool],
                   ) -> tuple[str, str] | None:
    """Why `number` is out of bounds and what to write instead, or None when it is fine."""
    low, high, unit, whole = bounds
    if whole and number != number.to_integral_value():
        return "must be a whole number", f"write e.g. {number.to_integral_value()}"
    if not low <= number <= high:
        hint = f"between {low} and {high}" + (f" ({unit})" if unit else "")
        if unit.startswith("a share") and 1 < number <= 100:
            hint += f"; did you mean {number / 100}?"
        return f"is out of range ({number})", f"write a number {hint}"
    return None


def _resolve_condition(condition: Condition, params: dict[str, Decimal | None],
                       param_pos: dict[str, Pos], milestone: MilestoneDef,
                       problems: Problems) -> Cond | None:
    metric = METRICS.get(condition.metric)
    if metric is None:
        problems.error(condition.at("metric"), f"unknown metric '{condition.metric}'",
                       did_you_mean(condition.metric, sorted(METRICS))
                       or "see `traction schema` for the metric names")
        return None
    ok = True

    def value(name: str, bounds: tuple[Decimal, Decimal, str, bool]) -> Decimal | None:
        nonlocal ok
        raw = getattr(condition, name)
        where, label = condition.at(name), name
        if isinstance(raw, str):
            ref = raw[1:]
            if ref not in params:
                problems.error(condition.at(name),
                               f"'{raw}' is not a parameter of milestone '{milestone.id}'",
                               did_you_mean(ref, sorted(params))
                               or f"its parameters: {', '.join(sorted(params)) or 'none'}")
                ok = False
                return None
            number, where, label = params[ref], param_pos.get(ref, where), ref
        else:
            number = raw
        if number is not None:
            found = _bound_problem(number, bounds)
            if found is not None:
                problems.error(where, f"milestone '{milestone.id}': '{label}' "
                                      f"{found[0]}", found[1])
                ok = False
                return None
        return number

    takes = f"it takes: {', '.join(sorted(metric.params)) or 'none'}"
    for name in Condition.PARAMS:
        if getattr(condition, name) is not None and name not in metric.params:
            problems.error(condition.at(name),
                           f"metric '{metric.name}' takes no parameter '{name}'", takes)
    if condition.owners != "all" and "owners" not in metric.params:
        problems.error(condition.at("owners"),
                       f"metric '{metric.name}' takes no parameter 'owners'", takes)
    if (condition.at_least is None) == (condition.at_most is None):
        problems.error(condition.pos, "a condition needs exactly one of at_least, at_most",
                       "e.g. {metric: paying_customers, at_least: 1}")
        return None
    comparison: Comparison = "at_least" if condition.at_least is not None else "at_most"
    target = value(comparison, TARGET_BOUNDS[metric.kind])
    if target is None:
        return None
    if comparison == "at_least" and target == 0:
        raw = condition.at_least
        label = raw[1:] if isinstance(raw, str) else "at_least"
        where = param_pos.get(label, condition.at("at_least"))
        problems.error(where, f"milestone '{milestone.id}': '{label}' is 0, so the "
                              "milestone is met before anything happens",
                       "use a target of at least 1")
        return None

    def whole(name: str) -> int | None:
        number = value(name, PARAM_BOUNDS[name])
        if number is None:
            return metric.defaults.get(name)
        return int(number)

    cond = Cond(
        metric=metric.name, comparison=comparison, target=target, owners=condition.owners,
        per_week=whole("per_week"), window_days=whole("window_days"),
        window_weeks=whole("window_weeks"), min_sqls=whole("min_sqls"),
        min_wins=whole("min_wins"), stale_after_days=whole("stale_after_days"),
        assess_within_days=whole("assess_within_days"),
        min_price=value("min_price", PARAM_BOUNDS["min_price"]),
        max_price=value("max_price", PARAM_BOUNDS["max_price"]),
    )
    return cond if ok else None


def _resolve_ladder(ladder: LadderDef, config: Config, problems: Problems) -> Ladder:
    milestones = []
    for number, definition in enumerate(ladder.milestones, start=1):
        params = dict(definition.params)
        param_pos = {name: definition.at("params", name) for name in params}
        overrides = config.milestones.get(definition.id, {})
        for name, override in overrides.items():
            param_pos[name] = config.at("milestones", definition.id)
            if name not in params:
                problems.error(
             config.at("milestones", definition.id),
             f"milestone '{definition.id}' has no parameter '{name}'",
             did_you_mean(name, sorted(params))
             or f"its parameters: {', '.join(sorted(params)) or 'none'}")
            else:
                params[name] = override
        conditions = [_resolve_condition(c, params, param_pos, definition, problems)
                      for c in definition.conditions]
        milestones.append(Milestone(
            id=definition.id, number=number, ladder=ladder.id, title=definition.title,
            summary=definition.summary, why=definition.why,
            conditions=tuple(c for c in conditions if c is not None)))
    return Ladder(ladder.id, ladder.title, ladder.summary, tuple(milestones))


@dataclass(frozen=True)
class Ladders:
    """The ladders to show, in order, and zero-to-one as configured (shown or not): its
    milestones set the stage and its thresholds the charts' target lines."""

    shown: tuple[Ladder, ...]
    reference: Ladder  # zero-to-one, with the user's overrides

    def milestones(self) -> list[Milestone]:
        return [m for ladder in self.shown for m in ladder.milestones]

    def _condition(self, milestone_id: str, metric: str) -> Cond:
        return next(c for m in self.reference.milestones if m.id == milestone_id
                    for c in m.conditions if c.metric == metric)

    @property
    def stage(self) -> tuple[Milestone, ...]:
        """first-paying-customer and close-rate, which set the stage (seed 001)."""
        return tuple(m for m in self.reference.milestones if m.id in STAGE_MILESTONES)

    @property
    def close_rate(self) -> Cond:
        """How the close rate is counted, for the weekly numbers."""
        return self._condition("close-rate", "close_rate")

    def chart_targets(self) -> tuple[int, Decimal]:
        """Sales calls a week, and the close rate, that the charts draw as target lines."""
        per_week = self._condition("weekly-sales-calls", "sales_call_streak").per_week
        assert per_week is not None  # a default when left out
        return per_week, self.close_rate.target


def resolve(config: Config, problems: Problems) -> Ladders:
    """The ladders `config` enables, with its parameter overrides; every problem reported."""
    definitions = dict(builtin_definitions())
    for index, custom in enumerate(config.custom_ladders):
        if custom.id in definitions:
            problems.error(config.at("custom_ladders", index),
                           f"ladder id '{custom.id}' is already taken",
                           "pick another id for your ladder")
            continue
        definitions[custom.id] = custom
        if custom.id not in config.ladders:
            problems.warning(config.at("custom_ladders", index),
                             f"custom ladder '{custom.id}' is not listed in `ladders`",
                             "add its id to `ladders` to show it")
    shown: list[Ladder] = []
    seen_milestones: dict[str, tuple[str, MilestoneDef]] = {}
    for index, ladder_id in enumerate(config.ladders):
        definition = definitions.get(ladder_id)
        if definition is None:
            problems.error(config.at("ladders", index), f"unknown ladder '{ladder_id}'",
                           did_you_mean(ladder_id, sorted(definitions))
                           or f"built-in ladders: {', '.join(BUILTIN_IDS)}")
            continue
        if any(ladder.id == ladder_id for ladder in shown):
            problems.error(config.at("ladders", index),
                           f"ladder '{ladder_id}' is listed twice")
            continue
        for milestone in definition.milestones:
            seen = seen_milestones.get(milestone.id)
            if seen is not None:
                # At the second definition, or at the user's one when that is a built-in.
                where = milestone if ladder_id not in BUILTIN_IDS else seen[1]
                places = (f"twice in ladder '{ladder_id}'" if seen[0] == ladder_id
                          else f"in ladders '{seen[0]}' and '{ladder_id}'")
                problems.error(where.at("id"), f"milestone id '{milestone.id}' is "
                               f"defined {places}",
                               "milestone ids must be unique across the enabled "
                               "ladders; rename this one")
            else:
                seen_milestones[milestone.id] = (ladder_id, milestone)
        shown.append(_resolve_ladder(definition, config, problems))
    known = {m.id for d in definitions.values() for m in d.milestones}
    for milestone_id in config.milestones:
        if milestone_id not in known:
            problems.error(config.at("milestones", milestone_id),
                           f"unknown milestone '{milestone_id}'",
                           did_you_mean(milestone_id, sorted(known)))
    # The charts' targets come from zero-to-one even when it is not shown; its problems, if
    # any, are already reported above when it is.
    chart_ladder = _resolve_ladder(definitions["zero-to-one"], config, Problems())
    return Ladders(tuple(shown), chart_ladder)
