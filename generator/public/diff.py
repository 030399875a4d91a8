"""`traction diff`: what a change to the log does to the milestones, as a report.

Both sides go through the same pipeline (`analyse`; `tools.diff` reads them from git)
and the privacy boundary (`boundary.public_progress`); the comparison reads the two
`PublicProgress` objects only, so nothing the site would not publish can reach a diff. The
result is a `DiffReport`, frozen dataclasses that `render.diff_text` prints as
Markdown, JSON or text. Each measure carries its `kind` (count, share, money,
streak) and whether it is `hidden` (an amount, private: then it holds no
number at all). `DiffReport.as_dict()` is the JSON document, schema
`traction/diff@1`:

    {"schema": "traction/diff@1",
     "ok": true,                       # false when HEAD has validation errors
     "company": "Acme Analytics",
     "base": {"rev": "main", "commit": "<sha>", "content": "ok", "as_of": "2026-03-15",
              "latest_week": "2026-W11"},
     "head": {"rev": null, "commit": null, ...},   # rev null = the working tree
     "stage": {"before": "prototype", "after": "traction"},
     "current_goal": {"before": {"id": ..., "title": ...}, "after": null},
     "counts": {"achieved": 1, "recovered": 0, "slipped": 1, "lost": 0, "moved": 2,
                "added": 0, "removed": 0, "new_weeks": 2, "changed_weeks": 0, "errors": 0,
                "warnings": 0},
     "milestones": [{"ladder": "zero-to-one", "ladder_title": "Zero to one", "id": ...,
                     "number": 2, "title": ...,
                     "change": "achieved", "date": "2026-03-18",
                     "status": {"before": "not_started", "after": "achieved"},
                     "progress": {"before": 0.0, "after": 1.0},
                     "measures": [{"name": ..., "label": ..., "before": 0, "after": 1,
                                   "target": 1, "comparison": "at_least", "met": true,
                                   "kind": "count", "hidden": false}]}],
     "weeks": [{"week": "2026-W12", "change": "new", "numbers": {...},
                "previous": {"week": "2026-W11", ...numbers} | null, "before": null}],
     "removed_weeks": ["2026-W09"],
     "backdated": [{"what": "Customer 2: paid", "date": "2026-01-05", "was": null,
                    "days_before": 40}],
     "problems": [{"severity": "error", "file": "content/weeks/2026-W12.yaml",
                   "line": 3, "col": 5, "message": ..., "hint": ...}]}

`content` is "ok", "missing" (not in that revision: compared as an empty log)
or "invalid" (errors: the base is then compared as an empty log, HEAD is not
evaluated). `change` is achieved | recovered | slipped | lost | moved | added | removed
(`lost`: it had been reached, and with this change never was);
a week's `change` is new | changed. Week numbers are that week's sales calls,
SQLs, won and lost, and paying and hell-yes customers at its end. A measure's
`kind` is count | share (0..1) | money | streak; `hidden` is true for an amount
when revenue is private on either side, and then before, after and target are null.
`backdated` lists the entries the change adds (`was` null) or moves to another date (`was`
the old date) that are dated more than `provenance.late_after_days` before the head's as-of
date: logged late, if the change is merged now (`source.history.dated_changes`). An account
is named as on the site; a call by its type only.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, is_dataclass, replace
from typing import Any, Generic, Literal, TypeVar

from generator.model.analysis import Analysis
from generator.model.engine import Stage, Status, Transition, WeekStats, evaluate
from generator.model.metrics import Comparison, Kind
from generator.problems import Severity
from generator.public.boundary import (
    PublicMilestone,
    PublicProgress,
    entry_label,
    public_progress,
)
from generator.public.progress_doc import number
from generator.source.accounts import aliases
from generator.source.history import dated_changes

__all__ = ["BackdatedRow", "DiffReport", "MeasureChange", "MilestoneChange", "Side",
           "WeekChange", "compare"]

SCHEMA_ID = "traction/diff@1"
WEEK_NUMBERS = ("sales_calls", "sqls", "won", "lost", "paying_customers", "hell_yes_customers")
STOCKS = frozenset({"paying_customers", "hell_yes_customers"})  # totals at the week's end

ContentState = Literal["ok", "missing", "invalid"]
Change = Literal["achieved", "recovered", "slipped", "lost", "moved", "added", "removed"]
CHANGES: tuple[Change, ...] = ("achieved", "recovered", "slipped", "lost", "moved", "added",
                               "removed")
WeekChangeKind = Literal["new", "changed"]
Number = int | float  # a metric value as published (progress_doc.number)
T = TypeVar("T")


# --- the report ---------------------------------------------------------------------------


def _json(value: Any) -> Any:
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


@dataclass(frozen=True)
class Pair(Generic[T]):
    """A value on the base side and on the head side."""

    before: T
    after: T

    def as_dict(self) -> dict[str, Any]:
        return {"before": _json(self.before), "after": _json(self.after)}


@dataclass(frozen=True)
class SideInfo:
    rev: str | None  # as given; None for the working tree
    commit: str | None
    content: ContentState
    as_of: datetime.date | None
    latest_week: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"rev": self.rev, "commit": self.commit, "content": self.content,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "latest_week": self.latest_week}


@dataclass(frozen=True)
class Goal:
    id: str
    title: str


@dataclass(frozen=True)
class Counts:
    achieved: int = 0
    recovered: int = 0
    slipped: int = 0
    lost: int = 0
    moved: int = 0
    added: int = 0
    removed: int = 0
    new_weeks: int = 0
    changed_weeks: int = 0
    errors: int = 0
    warnings: int = 0

    def of(self, change: Change) -> int:
        """How many milestones changed so."""
        count: int = getattr(self, change)
        return count

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class MeasureChange:
    """One number behind a milestone, on both sides. A hidden measure (an amount, private)
    holds no number: constructing one with a value raises ValueError."""

    name: str
    label: str
    kind: Kind
    hidden: bool
    before: Number | None  # None: hidden, not defined yet, or no such measure before
    after: Number | None
    target: Number | None
    comparison: Comparison
    met: bool

    def __post_init__(self) -> None:
        if self.hidden and (self.before, self.after, self.target) != (None, None, None):
            raise ValueError(f"hidden measure {self.name!r} must not carry a number")

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "before": self.before,
                "after": self.after, "target": self.target, "comparison": self.comparison,
                "met": self.met, "kind": self.kind, "hidden": self.hidden}


@dataclass(frozen=True)
class MilestoneChange:
    ladder: str
    ladder_title: str
    id: str
    number: int
    title: str
    change: Change
    date: datetime.date | None  # when it was achieved, recovered or slipped
    status: Pair[Status | None]  # None: not on that side
    progress: Pair[float | None]
    measures: tuple[MeasureChange, ...]  # the head's; none for a removed milestone

    def as_dict(self) -> dict[str, Any]:
        return {"ladder": self.ladder, "ladder_title": self.ladder_title, "id": self.id,
                "number": self.number, "title": self.title, "change": self.change,
                "date": self.date.isoformat() if self.date else None,
                "status": self.status.as_dict(), "progress": self.progress.as_dict(),
                "measures": [m.as_dict() for m in self.measures]}


@dataclass(frozen=True)
class WeekNumbers:
    """A week's counts; paying and hell-yes customers are totals at its end."""

    week: str
    sales_calls: int
    sqls: int
    won: int
    lost: int
    paying_customers: int
    hell_yes_customers: int

    def counts(self) -> dict[str, int]:
        """The numbers by name, in WEEK_NUMBERS order (without the week)."""
        return {key: getattr(self, key) for key in WEEK_NUMBERS}


@dataclass(frozen=True)
class WeekChange:
    week: str
    change: WeekChangeKind
    numbers: WeekNumbers
    previous: WeekNumbers | None  # the week before it in the head's log
    before: WeekNumbers | None  # the same week in the base's log (a changed week)

    def as_dict(self) -> dict[str, Any]:
        return {"week": self.week, "change": self.change, "numbers": self.numbers.counts(),
                "previous": None if self.previous is None else {
                    "week": self.previous.week, **self.previous.counts()},
                "before": None if self.before is None else self.before.counts()}


@dataclass(frozen=True)
class ProblemRow:
    severity: Severity
    file: str
    line: int
    col: int
    message: str
    hint: str | None


@dataclass(frozen=True)
class BackdatedRow:
    what: str  # "Customer 2: paid", "a demo call", "list sale"
    date: datetime.date
    was: datetime.date | None  # the date before the change; None when it adds the entry
    days_before: int  # before the head's as-of date

    def as_dict(self) -> dict[str, Any]:
        return {"what": self.what, "date": self.date.isoformat(),
                "was": self.was.isoformat() if self.was else None,
                "days_before": self.days_before}


@dataclass(frozen=True)
class DiffReport:
    """What a change does: milestones, goal, stage, weeks and the head's problems. It holds
    only what the two sides' `PublicProgress` hold."""

    company: str
    base: SideInfo
    head: SideInfo
    stage: Pair[Stage | None]  # None: nothing evaluated on that side
    current_goal: Pair[Goal | None]  # None: all achieved, or nothing evaluated
    counts: Counts
    milestones: tuple[MilestoneChange, ...] = ()
    weeks: tuple[WeekChange, ...] = ()
    removed_weeks: tuple[str, ...] = ()
    problems: tuple[ProblemRow, ...] = ()
    backdated: tuple[BackdatedRow, ...] = ()

    @property
    def ok(self) -> bool:
        """No errors in the head's content."""
        return self.counts.errors == 0

    def as_dict(self) -> dict[str, Any]:
        """The JSON document, schema traction/diff@1 (the module's docstring)."""
        return {
            "schema": SCHEMA_ID,
            "ok": self.ok,
            "company": self.company,
            "base": self.base.as_dict(),
            "head": self.head.as_dict(),
            "stage": self.stage.as_dict(),
            "current_goal": self.current_goal.as_dict(),
            "counts": self.counts.as_dict(),
            "milestones": [m.as_dict() for m in self.milestones],
            "weeks": [w.as_dict() for w in self.weeks],
            "removed_weeks": list(self.removed_weeks),
            "backdated": [b.as_dict() for b in self.backdated],
            "problems": [asdict(p) for p in self.problems],
        }


# --- the two sides ------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One revision's content, analysed; `analysis` is None when the content is missing."""

    rev: str | None  # as given; None for the working tree
    commit: str | None
    analysis: Analysis | None

    @property
    def state(self) -> ContentState:
        if self.analysis is None:
            return "missing"
        return "ok" if self.analysis.progress is not None else "invalid"


# --- the comparison (pure) ----------------------------------------------------------------


def compare(base: Side, head: Side, content_path: str = "") -> DiffReport:
    """The diff report of two analysed sides; `content_path` prefixes problem file names."""
    configs = [s.analysis.content.config for s in (head, base)
               if s.analysis is not None and s.analysis.content.config is not None]
    # An amount is shown only if both sides publish revenue.
    show_revenue = bool(configs) and all(c.privacy.show_revenue for c in configs)
    company = configs[0].company.name if configs else ""
    template = next((s.analysis for s in (head, base) if s.state == "ok"), None)
    before = _public(base.analysis, show_revenue) or _empty(template, show_revenue)
    after = _public(head.analysis, show_revenue)
    if after is None and head.state == "missing":
        after = _empty(template, show_revenue)
    milestones = _milestone_changes(before, after) if after is not None else ()
    weeks, removed = _week_changes(before, after) if after is not None else ((), ())
    problems = _problems(head, content_path)
    errors = sum(p.severity == "error" for p in problems)
    counts = Counts(**{change: sum(m.change == change for m in milestones) for change in CHANGES},
                    new_weeks=sum(w.change == "new" for w in weeks),
                    changed_weeks=sum(w.change == "changed" for w in weeks),
                    errors=errors, warnings=len(problems) - errors)
    return DiffReport(
        company=company,
        base=_side_info(base, before),
        head=_side_info(head, after),
        stage=Pair(before.stage if before else None, after.stage if after else None),
        current_goal=Pair(_goal(before), _goal(after)),
        counts=counts,
        milestones=milestones,
        weeks=weeks,
        removed_weeks=removed,
        problems=problems,
        backdated=_backdated(base, head) if after is not None else (),
    )


def _backdated(base: Side, head: Side) -> tuple[BackdatedRow, ...]:
    """What the change logs late: see the module's docstring."""
    analysis = head.analysis
    if analysis is None or analysis.progress is None or analysis.progress.as_of is None:
        return ()
    config, reference = analysis.content.config, analysis.progress.as_of
    assert config is not None
    before = base.analysis.content.weeks if base.analysis is not None else ()
    names = aliases(config, analysis.content.weeks)
    rows = []
    for change in dated_changes(before, analysis.content.weeks):
        entry, days = change.entry, (reference - change.entry.date).days
        if days <= config.provenance.late_after_days:
            continue
        rows.append(BackdatedRow(entry_label(entry, names), entry.date, change.was, days))
    return tuple(sorted(rows, key=lambda r: (r.date, r.what)))


def _public(analysis: Analysis | None, show_revenue: bool) -> PublicProgress | None:
    """The side through the privacy boundary: what its site publishes (with amounts hidden
    unless both sides publish them)."""
    if analysis is None or analysis.progress is None or analysis.content.config is None:
        return None
    config = analysis.content.config
    if not show_revenue:
        config = replace(config, privacy=replace(config.privacy, show_revenue=False))
    return public_progress(analysis.progress, config)


def _empty(template: Analysis | None, show_revenue: bool) -> PublicProgress | None:
    """No weeks logged yet, on the other side's ladders: every milestone at its start."""
    if template is None or template.content.config is None or template.ladders is None:
        return None
    progress = evaluate(template.content.config, (), template.ladders)
    return _public(replace(template, progress=progress), show_revenue)


def _side_info(side: Side, progress: PublicProgress | None) -> SideInfo:
    return SideInfo(rev=side.rev, commit=side.commit, content=side.state,
                    as_of=progress.as_of if progress else None,
                    latest_week=progress.latest_week if progress else None)


def _goal(progress: PublicProgress | None) -> Goal | None:
    if progress is None or progress.current_goal is None:
        return None
    return Goal(progress.current_goal.id, progress.current_goal.milestone.title)


def _milestones(progress: PublicProgress) -> dict[tuple[str, str], PublicMilestone]:
    return {(ladder.ladder.id, m.id): m for ladder in progress.ladders
            for m in ladder.milestones}


def _change(old: PublicMilestone | None, new: PublicMilestone) -> Change | None:
    was, now = (old.status if old else None), new.status
    if now == "achieved":
        if was == "achieved":
            return None  # still achieved: its numbers moving on is not news
        return "recovered" if was == "slipped" else "achieved"
    if now == "slipped" and was != "slipped":
        return "slipped"
    if was in ("achieved", "slipped") and now in ("in_progress", "not_started"):
        # Never reached any more: the log was rewritten under it. Not progress.
        return "lost"
    if old is None:
        return "added"
    moved = (was != now or old.progress != new.progress
             or [number(x.value) for x in old.measures] != [number(x.value) for x in new.measures])
    return "moved" if moved else None


def _last(history: tuple[Transition, ...], status: str) -> datetime.date | None:
    return next((t.date for t in reversed(history) if t.status == status), None)


def _measures(old: PublicMilestone | None, new: PublicMilestone) -> tuple[MeasureChange, ...]:
    before = {(i, x.name): x for i, x in enumerate(old.measures if old else ())}
    changes = []
    for i, x in enumerate(new.measures):
        was = before.get((i, x.name))
        changes.append(MeasureChange(
            name=x.name, label=x.label, kind=x.kind, hidden=x.hidden,
            before=None if was is None or x.hidden else number(was.value),
            after=number(x.value), target=number(x.target), comparison=x.comparison,
            met=x.met))
    return tuple(changes)


def _milestone_changes(before: PublicProgress | None, after: PublicProgress
                       ) -> tuple[MilestoneChange, ...]:
    old_index = _milestones(before) if before is not None else {}
    new_index = _milestones(after)
    ladder_titles = {ls.ladder.id: ls.ladder.title for ls in after.ladders}
    old_titles = {ls.ladder.id: ls.ladder.title for ls in (before.ladders if before else ())}
    changes = []
    for key, new in new_index.items():
        old = old_index.get(key)
        change = _change(old, new)
        if change is None:
            continue
        date = {"achieved": _last(new.history, "achieved"),
                "recovered": _last(new.history, "achieved"),
                "slipped": _last(new.history, "slipped")}.get(change)
        changes.append(MilestoneChange(
            ladder=key[0], ladder_title=ladder_titles[key[0]], id=new.id,
            number=new.milestone.number, title=new.milestone.title, change=change, date=date,
            status=Pair(old.status if old else None, new.status),
            progress=Pair(old.progress if old else None, new.progress),
            measures=_measures(old, new)))
    for key, old in old_index.items():
        if key not in new_index:
            changes.append(MilestoneChange(
                ladder=key[0], ladder_title=old_titles[key[0]], id=old.id,
                number=old.milestone.number, title=old.milestone.title, change="removed",
                date=None, status=Pair(old.status, None), progress=Pair(old.progress, None),
                measures=()))
    return tuple(changes)


def _numbers(week: WeekStats) -> WeekNumbers:
    return WeekNumbers(week.week, week.sales_calls, week.sqls, week.won, week.lost,
                       week.paying_customers, week.hell_yes_customers)


def _signature(week: WeekNumbers, previous: WeekNumbers | None) -> tuple[int, ...]:
    """What a week itself did: its own counts, and how the customer totals moved in it.

    A customer paying in week 20 raises the totals of every later week, but only
    week 20's signature changes, so only week 20 shows as changed.
    """
    now, was = week.counts(), previous.counts() if previous is not None else {}
    return tuple(now[k] - was.get(k, 0) if k in STOCKS else now[k] for k in WEEK_NUMBERS)


def _week_changes(before: PublicProgress | None, after: PublicProgress
                  ) -> tuple[tuple[WeekChange, ...], tuple[str, ...]]:
    """The weeks a change adds, changes or removes. A week with no log file that did nothing
    (a gap the change opens, or the calendar up to a later as-of) is not listed, so a diff
    grows with the weeks logged, not with the calendar between them."""
    old_stats = before.weeks if before is not None else ()
    old_weeks = [_numbers(w) for w in old_stats]
    new_weeks = [_numbers(w) for w in after.weeks]
    old_index = {w.week: i for i, w in enumerate(old_weeks)}
    rows = []
    for i, week in enumerate(new_weeks):
        previous = new_weeks[i - 1] if i else None
        j = old_index.get(week.week)
        change: WeekChangeKind
        if j is None:
            if not after.weeks[i].logged and not any(_signature(week, previous)):
                continue
            change = "new"
        else:
            old_previous = old_weeks[j - 1] if j else None
            if _signature(old_weeks[j], old_previous) == _signature(week, previous):
                continue
            change = "changed"
        rows.append(WeekChange(week.week, change, week, previous,
                               old_weeks[j] if j is not None else None))
    kept = {w.week for w in new_weeks}
    removed = tuple(w.week for i, w in enumerate(old_weeks) if w.week not in kept and (
        old_stats[i].logged or any(_signature(w, old_weeks[i - 1] if i else None))))
    return tuple(rows), removed


def _problems(head: Side, content_path: str) -> tuple[ProblemRow, ...]:
    if head.analysis is None:
        return ()
    prefix = f"{content_path}/" if content_path else ""
    return tuple(ProblemRow(p.severity, prefix + p.pos.file, p.pos.line, p.pos.col, p.message,
                            p.hint)
                 for p in head.analysis.problems)
