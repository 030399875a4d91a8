"""The privacy boundary: `public_progress()` is the only way out of the engine.

Everything that leaves the process reads the milestones from a `PublicProgress`:
the site and its `progress.json`, `status --format json`, every `diff` format,
the badges and the feed. It holds no amount (unless `privacy.show_revenue`),
and no number that an amount went into: the progress of a milestone or of a
condition whose inputs include an amount is its *blind* progress, in which an
amount counts only as met or not (engine.Measure.blind_progress). Contacts,
notes and the names of accounts never reach the engine's result at all.
`traction status --private` is the one reader of the raw `Progress`: the
founder's own terminal.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, replace
from decimal import Decimal

from generator.model.engine import MilestoneStatus, Progress, Stage, Status, Transition, WeekStats
from generator.model.ladders import Ladder, Milestone
from generator.model.metrics import METRICS, Comparison, Detail, Kind, Value
from generator.model.provenance import FirstLogged, Provenance
from generator.source.history import Commit, Entry
from generator.source.schema import AccountEvent, Config, ListEvent


@dataclass(frozen=True)
class PublicMeasure:
    """One number behind a milestone, as it may be published."""

    name: str
    label: str
    kind: Kind
    value: Value  # None when hidden (or not defined yet, e.g. a rate of nothing)
    target: Decimal | None  # None when hidden
    comparison: Comparison
    met: bool
    progress: float | None  # None when hidden
    hidden: bool  # an amount, and privacy.show_revenue is off


@dataclass(frozen=True)
class PublicMilestone:
    milestone: Milestone  # the definition: public
    status: Status
    achieved_on: datetime.date | None  # the first time it was achieved
    # The latest time it became achieved (its last transition) while it is achieved now;
    # None otherwise. It differs from achieved_on once a milestone slipped and came back.
    since: datetime.date | None
    progress: float  # blind when an amount goes into it and revenue is private
    progress_hidden: bool  # a condition on an amount: its progress means nothing blind
    measures: tuple[PublicMeasure, ...]
    details: tuple[Detail, ...]
    history: tuple[Transition, ...]
    # When its achievement was first committed (model.provenance); None without history,
    # or when it was never achieved. Public: a commit and a date say nothing private.
    first_logged: FirstLogged | None = None

    @property
    def id(self) -> str:
        return self.milestone.id


@dataclass(frozen=True)
class PublicLadder:
    ladder: Ladder
    milestones: tuple[PublicMilestone, ...]


@dataclass(frozen=True)
class PublicProgress:
    """Where the company stands, as it may be published."""

    company: str
    tagline: str
    site_url: str  # where the site is published (traction.yaml site.url), ends with /
    show_revenue: bool
    as_of: datetime.date | None
    latest_week: str | None
    week_in_progress: str | None
    stage: Stage
    current_goal: PublicMilestone | None
    ladders: tuple[PublicLadder, ...]
    weeks: tuple[WeekStats, ...]  # every week, counts and shares only (the charts' series)
    commit: Commit | None = None  # the commit the content is as of, when its history was read

    def milestones(self) -> list[PublicMilestone]:
        return [m for ladder in self.ladders for m in ladder.milestones]

    @functools.cached_property  # read by progress.json and the numbers page
    def week_rows(self) -> tuple[WeekStats, ...]:
        return week_rows(self.weeks)


def _numbers(week: WeekStats) -> tuple[object, ...]:
    return (week.sales_calls, week.sqls, week.won, week.lost, week.paying_customers,
            week.hell_yes_customers, week.close_rate, week.subscribers)


def week_rows(weeks: tuple[WeekStats, ...]) -> tuple[WeekStats, ...]:
    """The weeks as rows of a table (progress.json, /numbers/, a diff): each run of two or
    more quiet weeks, with no log file and the same numbers, is one row that says `through`
    which week. So what is published grows with the weeks logged (and the changes between
    them), not with the calendar: two logs 29 years apart make three rows, not 1,462.
    Nothing is lost: a reader can expand a run."""
    rows: list[WeekStats] = []
    run: list[WeekStats] = []

    def flush() -> None:
        if len(run) > 1:
            rows.append(replace(run[0], through=run[-1].week))
        else:
            rows.extend(run)
        run.clear()

    for week in weeks:
        if week.logged or week.in_progress:
            flush()
            rows.append(week)
        elif run and _numbers(run[-1]) != _numbers(week):
            flush()
            run.append(week)
        else:
            run.append(week)
    flush()
    return tuple(rows)


def _since(status: MilestoneStatus) -> datetime.date | None:
    if status.status != "achieved":
        return None
    return next((t.date for t in reversed(status.history) if t.status == "achieved"),
                status.achieved_on)


def _milestone(status: MilestoneStatus, show_revenue: bool, first_logged: FirstLogged | None
               ) -> PublicMilestone:
    measures = []
    for measure in status.measures:
        hidden = measure.money and not show_revenue
        measures.append(PublicMeasure(
            name=measure.name, label=measure.label, kind=measure.kind,
            value=None if hidden else measure.value,
            target=None if hidden else measure.target,
            comparison=measure.comparison, met=measure.met,
            progress=None if hidden else (measure.progress if show_revenue
                                          else measure.blind_progress),
            hidden=hidden))
    # Progress toward an amount (MRR ≥ 10000), blind, is only 0 or 1: not worth showing.
    progress_hidden = not show_revenue and any(METRICS[c.metric].kind == "money"
                                               for c in status.milestone.conditions)
    return PublicMilestone(
        milestone=status.milestone, status=status.status, achieved_on=status.achieved_on,
        since=_since(status),
        progress=status.progress if show_revenue else status.blind_progress,
        progress_hidden=progress_hidden, measures=tuple(measures), details=status.details,
        history=status.history, first_logged=first_logged)


def public_progress(progress: Progress, config: Config, *, private: bool = False,
                    provenance: Provenance | None = None) -> PublicProgress:
    """The engine's result as it may leave the process (see the module's docstring).

    `private=True` is for `traction status --private` alone, the founder's own terminal:
    amounts are shown as if `show_revenue` were on. `provenance` adds the commit and when
    each achievement was first logged; of the history, nothing else leaves here."""
    show_revenue = config.privacy.show_revenue or private
    logged = provenance.milestones if provenance else {}
    ladders = tuple(PublicLadder(ls.ladder, tuple(
        _milestone(m, show_revenue, logged.get(m.milestone.id)) for m in ls.milestones))
                    for ls in progress.ladders)
    goal_id = progress.current_goal.milestone.id if progress.current_goal else None
    goal = next((m for ladder in ladders for m in ladder.milestones if m.id == goal_id), None)
    return PublicProgress(
        company=config.company.name, tagline=config.company.tagline,
        site_url=config.site.url, show_revenue=show_revenue,
        as_of=progress.as_of, latest_week=progress.latest_week,
        week_in_progress=progress.week_in_progress, stage=progress.stage, current_goal=goal,
        ladders=ladders, weeks=progress.weeks,
        commit=provenance.head if provenance else None)


# --- revisions (the git history) ----------------------------------------------------------

# What a revised field may show: a date or a choice is public; an amount only with
# show_revenue; who owns a deal is a person's name, never shown.
_SHOWN_ALWAYS = frozenset({"date", "interval", "source", "spontaneous", "type", "status"})
_AMOUNTS = frozenset({"amount", "price"})


@dataclass(frozen=True)
class PublicChange:
    field: str
    before: str | None  # None when hidden
    after: str | None


@dataclass(frozen=True)
class PublicRevision:
    """An entry whose counted fields changed after it was committed, as it may be shown."""

    what: str  # "Customer 3: paid", "list sale"
    date: datetime.date  # the entry's date now
    before: Commit
    after: Commit
    changes: tuple[PublicChange, ...]


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def entry_label(entry: Entry, names: dict[str, str]) -> str:
    """An entry as it may be named outside the process: an account by `names` (source.
    accounts.aliases), a call by its type only (who it was with is private)."""
    if isinstance(entry, AccountEvent):
        return f"{names.get(entry.id, 'A customer')}: {entry.event}"
    if isinstance(entry, ListEvent):
        return f"list {entry.type}"
    return f"a {entry.type} call"


def public_revisions(provenance: Provenance, config: Config, names: dict[str, str]
                     ) -> tuple[PublicRevision, ...]:
    """The revisions of the log as they may leave: accounts by `names` (source.accounts.
    aliases), amounts only with show_revenue, owners never; a call by its type."""
    found = []
    for entry, revision in provenance.revisions:
        changes = []
        for name in revision.fields:
            shown = name in _SHOWN_ALWAYS or (name in _AMOUNTS and config.privacy.show_revenue)
            changes.append(PublicChange(
                name, _shown(getattr(revision.old, name)) if shown else None,
                _shown(getattr(revision.new, name)) if shown else None))
        found.append(PublicRevision(entry_label(entry, names), entry.date, revision.before,
                                    revision.after, tuple(changes)))
    return tuple(found)
