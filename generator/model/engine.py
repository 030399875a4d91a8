"""The milestone engine: one pass over the log, day by day, to the as-of date.

Each day the ledger takes that day's facts and every milestone's conditions
are checked against the state at the end of the day (all of them on the first
day, then those whose inputs changed). Transitions into and out of "true"
become the milestone's history; the state at the as-of date (SPEC §4: given,
or the latest day the log mentions; never the clock) gives status, progress
and measures. Weekly numbers are taken at each Sunday, and for the week in
progress at the as-of date.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from generator.isoweek import IsoWeek
from generator.model.assertions import Disagreement, disagreements, measured_as
from generator.model.ladders import Ladder, Ladders, Milestone
from generator.model.metrics import (
    METRICS,
    Comparison,
    Cond,
    Detail,
    Kind,
    Part,
    Value,
    met,
    part_progress,
    parts_progress,
    progress,
)
from generator.model.timeline import Ledger
from generator.source.events import days, latest_day
from generator.source.schema import Assertion, Config, WeekLog

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
    progress: float  # 0..1 toward the target, capped
    kind: Kind  # "money": an amount, published only with privacy.show_revenue
    # The progress with every amount counted only as met or not: the same as `progress`
    # unless an amount goes into it, and what may be published when amounts are private.
    blind_progress: float

    @property
    def money(self) -> bool:
        return self.kind == "money"

    @property
    def share(self) -> bool:
        return self.kind == "share"


@dataclass(frozen=True)
class Transition:
    date: datetime.date
    status: Literal["achieved", "slipped"]


@dataclass(frozen=True)
class MilestoneStatus:
    milestone: Milestone
    status: Status
    achieved_on: datetime.date | None  # first time it became true
    progress: float  # the mean of the conditions' progress; 1.0 when achieved
    measures: tuple[Measure, ...]
    history: tuple[Transition, ...]
    details: tuple[Detail, ...] = ()  # stale leads, unrated customers, this week so far
    blind_progress: float = 0.0  # the mean of the conditions' blind progress (see Measure)


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
    close_rate: Fraction | None  # as the close-rate milestone counts it, as of the Sunday
    decided: int  # the qualified leads that close rate is out of (its N)
    subscribers: int | None
    in_progress: bool = False  # the as-of week, not ended: its numbers so far
    logged: bool = True  # False for a week with no log file (it counts as no activity)
    through: str | None = None  # a row for a run of quiet weeks: the last (public.week_rows)


@dataclass(frozen=True)
class Progress:
    """Where the company stands: the engine's whole result."""

    as_of: datetime.date | None
    latest_week: str | None  # the latest week file
    week_in_progress: str | None  # the as-of week, unless as-of is its Sunday
    stage: Stage
    current_goal: MilestoneStatus | None
    ladders: tuple[LadderStatus, ...]
    weeks: tuple[WeekStats, ...]
    # Assertions (`assert:` in a week file) the log does not add up to (model.assertions).
    disagreements: tuple[Disagreement, ...] = ()

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


def _measures(cond: Cond, ledger: Ledger) -> tuple[list[Measure], float, float]:
    """The condition's measures (its metric, then any parts) and its progress, open and
    blind (amounts counted only as met or not)."""
    metric = METRICS[cond.metric]
    value = metric.compute(ledger, cond)
    is_met = met(value, cond.comparison, cond.target)
    parts: list[Part] = metric.parts(ledger, cond) if metric.parts else []
    if is_met:
        share = blind = 1.0
    elif parts and cond.comparison == "at_least" and cond.target == 1:
        # One source is the target: how far the best one is, part by part.
        share, blind = parts_progress(parts), parts_progress(parts, blind=True)
    elif metric.kind == "money":
        share, blind = progress(value, cond.comparison, cond.target), 0.0
    elif metric.progress is not None and cond.comparison == "at_least":
        share = blind = metric.progress(ledger, cond, value)
    else:
        share = blind = progress(value, cond.comparison, cond.target)
    share, blind = min(share, 1.0), min(blind, 1.0)
    measures = [Measure(metric.name, metric.label, value, cond.target, cond.comparison,
                        is_met, round(share, 4), metric.kind, round(blind, 4))]
    measures += [Measure(p.name, p.name, p.value, p.target, p.comparison,
                         met(p.value, p.comparison, p.target),
                         round(part_progress(p), 4), p.kind, round(part_progress(p, True), 4))
                 for p in parts]
    return measures, share, blind


def _status(milestone: Milestone, track: _Track, ledger: Ledger) -> MilestoneStatus:
    measures: list[Measure] = []
    shares, blinds = [], []
    details: dict[str, Detail] = {}  # one of each: two conditions may explain the same
    for cond in milestone.conditions:
        found, share, blind = _measures(cond, ledger)
        measures += found
        shares.append(share)
        blinds.append(blind)
        metric = METRICS[cond.metric]
        for detail in metric.details(ledger, cond) if metric.details else ():
            details.setdefault(detail.name, detail)
    done = sum(shares) / len(shares) if shares else 0.0
    blind_done = sum(blinds) / len(blinds) if blinds else 0.0
    if track.true:
        status: Status = "achieved"
        done = blind_done = 1.0
    elif track.first is not None:
        status = "slipped"
    else:
        status = "in_progress" if done > 0 else "not_started"
    return MilestoneStatus(milestone, status, track.first, round(done, 4), tuple(measures),
                           tuple(track.history), tuple(details.values()), round(blind_done, 4))


def _week_stats(ledger: Ledger, cumulative: dict[str, int], close: Cond, logged: set[str],
                in_progress: bool = False) -> WeekStats:
    totals = {"sqls": ledger.sqls["all"], "won": ledger.won["all"], "lost": ledger.lost["all"]}
    week = IsoWeek.from_index(ledger.week)
    stats = WeekStats(
        week=week.label,
        monday=week.monday,
        sales_calls=ledger.calls_by_week[ledger.week],
        sqls=totals["sqls"] - cumulative["sqls"],
        won=totals["won"] - cumulative["won"],
        lost=totals["lost"] - cumulative["lost"],
        paying_customers=ledger.paying["all"],
        hell_yes_customers=ledger.hell_yes["all"],
        close_rate=METRICS["close_rate"].compute(ledger, close),  # type: ignore[arg-type]
        decided=METRICS["decided_sqls"].compute(ledger, close),  # type: ignore[arg-type]
        subscribers=ledger.subscribers,
        in_progress=in_progress,
        logged=week.label in logged,
    )
    cumulative.update(totals)
    return stats


# The last result of the pipeline's own fold, by its inputs: `traction serve` evaluates
# again on every save, and most saves change a summary or a case study, which the engine
# does not read. Unchanged files' records are the same objects (source.loader keeps them),
# so comparing is quick. Records compare without their places (positions), so a result
# that names any (a disagreement, at its assertion) is never kept.
_LAST: list[tuple[object, Progress]] = []


@dataclass(frozen=True)
class _Checkpoint:
    """The pipeline's last fold as it stood at the end of the day before `monday` (the
    Monday of its latest week file). A fold of a log that reads the same before that day
    (`traction serve`, as the latest week is edited) starts there: it moves the ledger
    through the days before without asking any milestone, then goes on as a whole fold
    does. Metrics answer from the ledger however seldom they are asked (the incremental
    fold already asks each only on the days its inputs change), so the result is the same;
    tests/test_properties.py checks it against whole folds of random logs and edits."""

    monday: datetime.date
    read: object  # all the fold read before `monday` (`_read_before`)
    first: datetime.date
    tracks: tuple[tuple[bool, datetime.date | None, tuple[Transition, ...]], ...]
    series: tuple[WeekStats, ...]
    cumulative: tuple[tuple[str, int], ...]


_CHECKPOINT: list[_Checkpoint] = []


def evaluate(config: Config, weeks: tuple[WeekLog, ...], ladders: Ladders,
             as_of: datetime.date | None = None, *, incremental: bool = True,
             reuse: bool = False) -> Progress:
    """Fold the whole log once and evaluate every milestone; pure and deterministic.

    `as_of` defaults to the latest day the log mentions and must not be earlier (the
    pipeline checks). `incremental=False` re-checks every milestone every day: the same
    result, slower; the property tests compare the two. `reuse`: give back the last result
    kept for the same inputs, or start from the last fold's checkpoint when the log reads
    the same up to it, and keep this one (the pipeline's fold; not provenance's replays,
    which would push it out).
    """
    if not reuse:
        return _evaluate(config, weeks, ladders, as_of, incremental)[0]
    key = (config, ladders, as_of, incremental, [_read(w) for w in weeks])
    if _LAST and _LAST[0][0] == key:
        return _LAST[0][1]
    # What this fold reads before its latest week, for its checkpoint; and the last one's.
    read = (_read_before(config, ladders, incremental, weeks, weeks[-1].monday)
            if weeks else None)
    resume = None
    if _CHECKPOINT:
        last = _CHECKPOINT[0]
        if last.read == (read if weeks and last.monday == weeks[-1].monday else
                         _read_before(config, ladders, incremental, weeks, last.monday)):
            resume = last
    result, checkpoint = _evaluate(config, weeks, ladders, as_of, incremental, resume, read)
    _LAST[:] = [] if result.disagreements else [(key, result)]
    if checkpoint is not None:
        _CHECKPOINT[:] = [checkpoint]
    elif resume is None:
        _CHECKPOINT.clear()
    return result


def _read_before(config: Config, ladders: Ladders, incremental: bool,
                 weeks: tuple[WeekLog, ...], monday: datetime.date) -> object:
    """Everything a fold reads before `monday`: the weeks before it whole (their entries,
    list, spend and assertions; that they were logged), and any entry or assertion of a
    later week dated before it."""
    before = [_read(w) for w in weeks if w.monday < monday]
    early = [e for w in weeks if w.monday >= monday
             for e in (*w.calls, *w.accounts, *(w.list_.events if w.list_ else ()),
                       *w.assertions) if e.date < monday]
    return (config, ladders, incremental, before, early)


def _read(week: WeekLog) -> tuple[object, ...]:
    """What the fold reads of a week (its summary it does not)."""
    return (week.week, week.calls, week.accounts, week.list_, week.spend, week.assertions)


def _evaluate(config: Config, weeks: tuple[WeekLog, ...], ladders: Ladders,
              as_of: datetime.date | None, incremental: bool,
              resume: _Checkpoint | None = None, read: object = None
              ) -> tuple[Progress, _Checkpoint | None]:
    """The fold, from `resume` when given (see `_Checkpoint`); given what it `read` before
    its latest week's Monday, also its checkpoint there (None when it does not reach it or
    has found a disagreement by then)."""
    # Milestones are tracked by what they are, not by id: a stage milestone is the shown one
    # when zero-to-one is shown, and apart from a custom milestone that shares its id.
    tracked = list(dict.fromkeys((*ladders.milestones(), *ladders.stage)))
    tracks = [_Track() for _ in tracked]  # by position in `tracked`: hashing one is slow
    conditions = [c for m in tracked for c in m.conditions]
    ledger = Ledger(config, weeks, aging=[window for c in conditions for window in c.aging])
    latest = latest_day(weeks)
    if latest is None:
        statuses = {m: _status(m, track, ledger) for m, track in zip(tracked, tracks, strict=True)}
        return _result(ladders, statuses, None, None, None, ()), None

    as_of = max(as_of or latest[0], latest[0])
    checks: dict[datetime.date, list[Assertion]] = {}
    for assertion in sorted((a for week in weeks for a in week.assertions),
                            key=lambda a: (a.date, a.pos.file, a.pos.line, a.pos.col)):
        checks.setdefault(assertion.date, []).append(assertion)
    asserted_as = measured_as(ladders) if checks else {}
    found: list[Disagreement] = []
    first = min(filter(None, (ledger.first_day(), weeks[0].monday)))
    first = IsoWeek.of(first).monday  # from that week's Monday
    # An assertion changes nothing the log shows: one dated before the log is checked
    # against an empty ledger, one after the as-of date once the rest is done (below).
    for day in sorted(d for d in checks if d < first):
        empty = Ledger(config, (), aging=[w for c in conditions for w in c.aging])
        empty.advance(day)
        for assertion in checks[day]:
            found += disagreements(assertion, empty, asserted_as)
    # A milestone is re-checked on a day when one of its inputs changed; a window over days
    # (close-rate cohorts) can change on any day.
    daily = [any(c.window_days is not None for c in m.conditions) for m in tracked]
    inputs = [frozenset().union(*(METRICS[c.metric].inputs for c in m.conditions))
              for m in tracked]
    close = ladders.close_rate
    series: list[WeekStats] = []
    cumulative = {"sqls": 0, "won": 0, "lost": 0}
    logged = {week.week for week in weeks}
    skip_until = first
    if resume is not None and resume.first == first and not found and as_of >= resume.monday:
        skip_until = resume.monday
        for track, (true, first_day, history) in zip(tracks, resume.tracks, strict=True):
            track.true, track.first, track.history = true, first_day, list(history)
        series, cumulative = list(resume.series), dict(resume.cumulative)
    keep_at = weeks[-1].monday - datetime.timedelta(days=1) if read is not None else None
    checkpoint = None
    for day in days(first, as_of):
        ledger.advance(day)
        if day < skip_until:  # folded before, to the same state: the checkpoint's
            continue
        changed = ledger.changed
        for index, milestone in enumerate(tracked):
            if (not incremental or day == first or daily[index]
                    or changed & inputs[index]):
                tracks[index].update(day, _holds(milestone, ledger))
        if day in checks:
            for assertion in checks[day]:
                found += disagreements(assertion, ledger, asserted_as)
        if "sunday" in changed:
            series.append(_week_stats(ledger, cumulative, close, logged))
        if day == keep_at and not found:
            checkpoint = _Checkpoint(
                weeks[-1].monday, read, first,
                tuple((t.true, t.first, tuple(t.history)) for t in tracks), tuple(series),
                tuple(cumulative.items()))
    in_progress = None
    if as_of.isoweekday() != 7:
        series.append(_week_stats(ledger, cumulative, close, logged, in_progress=True))
        in_progress = series[-1].week
    statuses = {m: _status(m, track, ledger) for m, track in zip(tracked, tracks, strict=True)}
    later = [d for d in checks if d > as_of]
    for day in days(as_of + datetime.timedelta(days=1), max(later)) if later else ():
        ledger.advance(day)
        for assertion in checks.get(day, ()):
            found += disagreements(assertion, ledger, asserted_as)
    result = _result(ladders, statuses, as_of, weeks[-1].week, in_progress, tuple(series))
    if found:
        return dataclasses.replace(result, disagreements=tuple(found)), None
    return result, checkpoint


def _result(ladders: Ladders, statuses: dict[Milestone, MilestoneStatus],
            as_of: datetime.date | None, latest_week: str | None, week_in_progress: str | None,
            series: tuple[WeekStats, ...]) -> Progress:
    ladder_statuses = tuple(
        LadderStatus(ladder, tuple(statuses[m] for m in ladder.milestones))
        for ladder in ladders.shown)
    first_paying, close_rate = (statuses[m] for m in ladders.stage)
    stage: Stage = "prototype"
    if first_paying.status == "achieved":
        stage = "growth" if close_rate.status == "achieved" else "traction"
    goal = next((m for ls in ladder_statuses for m in ls.milestones if m.status != "achieved"),
                None)
    return Progress(as_of, latest_week, week_in_progress, stage, goal, ladder_statuses, series)
