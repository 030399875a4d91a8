"""The milestone engine: one pass over the log, day by day, to the as-of date.

Each day the ledger takes that day's facts and every milestone's conditions
are checked against the state at the end of the day. Transitions into and out
of "true" become the milestone's history; the state at the as-of date (the
Sunday of the latest logged week, never the clock) gives status, progress and
measures. Weekly numbers are taken at each Sunday.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from generator.events import days, monday_of, week_index, week_label
from generator.ladders import Ladder, Ladders, Milestone
from generator.metrics import METRICS, Comparison, Cond, Part, Value, met, progress, ratio
from generator.schema import Config, WeekLog
from generator.timeline import Ledger

Status = Literal["achieved", "slipped", "in_progress", "not_started"]
Stage = Literal["prototype", "traction", "growth"]


@dataclass(frozen=True)
class Measure:
    """One number behind a milestone at the as-of date, against its target."""

    name: str
    label: str
    value: Value
    target: Decimal
    comparison: Comparison
    met: bool
    money: bool = False  # an amount: published only with privacy.show_revenue
    ratio: bool = False  # a share, shown as a percentage


@dataclass(frozen=True)
class Transition:
    date: datetime.date
    status: Literal["achieved", "slipped"]


@dataclass(frozen=True)
class MilestoneStatus:
    milestone: Milestone
    status: Status
    achieved_on: datetime.date | None  # first time it became true
    progress: float
    measures: tuple[Measure, ...]
    history: tuple[Transition, ...]


@dataclass(frozen=True)
class LadderStatus:
    ladder: Ladder
    milestones: tuple[MilestoneStatus, ...]


@dataclass(frozen=True)
class WeekStats:
    """One ISO week's numbers; customer counts are as of its Sunday."""

    week: str
    monday: datetime.date
    sales_calls: int
    sqls: int
    won: int
    lost: int
    paying_customers: int
    hell_yes_customers: int
    close_rate: Fraction | None  # all-time won / decided, as of the Sunday
    subscribers: int | None


@dataclass(frozen=True)
class Progress:
    """Where the company stands: the engine's whole result."""

    as_of: datetime.date | None
    latest_week: str | None
    stage: Stage
    current_goal: MilestoneStatus | None
    ladders: tuple[LadderStatus, ...]
    weeks: tuple[WeekStats, ...]

    def milestones(self) -> list[MilestoneStatus]:
        return [m for ladder in self.ladders for m in ladder.milestones]


@dataclass
class _Track:
    """Running truth of one milestone during the pass."""

    true: bool = False
    first: datetime.date | None = None
    history: list[Transition] = field(default_factory=list)

    def update(self, day: datetime.date, now: bool) -> None:
        if now == self.true:
            return
        self.true = now
        self.history.append(Transition(day, "achieved" if now else "slipped"))
        if now and self.first is None:
            self.first = day


def _holds(milestone: Milestone, ledger: Ledger) -> bool:
    return bool(milestone.conditions) and all(
        met(METRICS[c.metric].compute(ledger, c), c.comparison, c.target)
        for c in milestone.conditions)


def _measures(cond: Cond, ledger: Ledger) -> tuple[list[Measure], float]:
    metric = METRICS[cond.metric]
    value = metric.compute(ledger, cond)
    measures = [Measure(metric.name, metric.label, value, cond.target, cond.comparison,
                        met(value, cond.comparison, cond.target), metric.kind == "money",
                        metric.kind == "ratio")]
    parts: list[Part] = metric.parts(ledger, cond) if metric.parts else []
    measures += [Measure(p.name, p.name, p.value, p.target, p.comparison,
                         met(p.value, p.comparison, p.target), p.money) for p in parts]
    if parts:
        done = min(progress(p.value, p.comparison, p.target) for p in parts)
        share = 1.0 if measures[0].met else min(done, 0.99)
    else:
        share = progress(value, cond.comparison, cond.target)
    return measures, share


def _status(milestone: Milestone, track: _Track, ledger: Ledger) -> MilestoneStatus:
    measures: list[Measure] = []
    shares = []
    for cond in milestone.conditions:
        found, share = _measures(cond, ledger)
        measures += found
        shares.append(share)
    done = min(shares) if shares else 0.0
    if track.true:
        status: Status = "achieved"
        done = 1.0
    elif track.first is not None:
        status = "slipped"
    else:
        status = "in_progress" if done > 0 else "not_started"
    return MilestoneStatus(milestone, status, track.first, round(done, 4), tuple(measures),
                           tuple(track.history))


def _week_stats(ledger: Ledger, previous: WeekStats | None, cumulative: dict[str, int]
                ) -> WeekStats:
    totals = {"sqls": ledger.sqls["all"], "won": ledger.won["all"], "lost": ledger.lost["all"]}
    stats = WeekStats(
        week=week_label(ledger.week),
        monday=monday_of(week_label(ledger.week)),
        sales_calls=ledger.calls_by_week[ledger.week],
        sqls=totals["sqls"] - cumulative["sqls"],
        won=totals["won"] - cumulative["won"],
        lost=totals["lost"] - cumulative["lost"],
        paying_customers=ledger.paying["all"],
        hell_yes_customers=ledger.hell_yes["all"],
        close_rate=ratio(totals["won"], totals["won"] + totals["lost"]),
        subscribers=ledger.subscribers,
    )
    cumulative.update(totals)
    return stats


def evaluate(config: Config, weeks: tuple[WeekLog, ...], ladders: Ladders) -> Progress:
    """Fold the whole log once and evaluate every milestone; pure and deterministic."""
    shown = ladders.milestones()
    tracked = {m.id: m for m in (*shown, *ladders.stage)}
    tracks = {milestone_id: _Track() for milestone_id in tracked}
    ledger = Ledger(config, weeks)
    if not weeks:
        statuses = {m.id: _status(m, tracks[m.id], ledger) for m in tracked.values()}
        return _result(ladders, statuses, None, None, ())

    as_of = weeks[-1].sunday
    first = min(filter(None, (ledger.first_day(), weeks[0].monday)))
    first = datetime.date.fromordinal(week_index(first) * 7 + 1)  # from that week's Monday
    # A milestone is re-checked on a day when one of its inputs changed; windows over days
    # (close-rate cohorts) can change on any day.
    daily = {m.id for m in tracked.values() if any(c.window_days is not None
                                                    for c in m.conditions)}
    inputs = {m.id: frozenset().union(*(METRICS[c.metric].inputs for c in m.conditions))
              for m in tracked.values()}
    series: list[WeekStats] = []
    cumulative = {"sqls": 0, "won": 0, "lost": 0}
    for day in days(first, as_of):
        ledger.advance(day)
        changed = ledger.changed
        for milestone_id, milestone in tracked.items():
            if milestone_id in daily or changed & inputs[milestone_id]:
                tracks[milestone_id].update(day, _holds(milestone, ledger))
        if "sunday" in changed:
            series.append(_week_stats(ledger, series[-1] if series else None, cumulative))
    statuses = {m.id: _status(m, tracks[m.id], ledger) for m in tracked.values()}
    return _result(ladders, statuses, as_of, weeks[-1].week, tuple(series))


def _result(ladders: Ladders, statuses: dict[str, MilestoneStatus], as_of: datetime.date | None,
            latest_week: str | None, series: tuple[WeekStats, ...]) -> Progress:
    ladder_statuses = tuple(
        LadderStatus(ladder, tuple(statuses[m.id] for m in ladder.milestones))
        for ladder in ladders.shown)
    first_paying, close_rate = (statuses[m.id] for m in ladders.stage)
    stage: Stage = "prototype"
    if first_paying.status == "achieved":
        stage = "growth" if close_rate.status == "achieved" else "traction"
    goal = next((m for ls in ladder_statuses for m in ls.milestones if m.status != "achieved"),
                None)
    return Progress(as_of, latest_week, stage, goal, ladder_statuses, series)
