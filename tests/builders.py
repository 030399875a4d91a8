"""Small builders for traction logs in tests: `Log().calls(w(10), 5).paying("a", day(w(11), 3))`.

Every entry goes into the weekly file of the ISO week its date falls in, so a
built log is always valid unless a test says otherwise. Weeks are ISO weeks of
2026 (`w(10)` is "2026-W10").
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from conftest import BASE_CONFIG, write_content

from generator.model.analysis import Analysis, AsOf
from generator.model.engine import MilestoneStatus, Progress
from generator.pipeline import analyse


def w(number: int, year: int = 2026) -> str:
    """The label of ISO week `number` of `year`."""
    return f"{year}-W{number:02d}"


def monday(label: str) -> datetime.date:
    year, week = label.split("-W")
    return datetime.date.fromisocalendar(int(year), int(week), 1)


def day(label: str, weekday: int = 1) -> datetime.date:
    """The date of `weekday` (1 = Monday … 7 = Sunday) in ISO week `label`."""
    return monday(label) + datetime.timedelta(days=weekday - 1)


def sunday(label: str) -> datetime.date:
    return day(label, 7)


def label_of(date: datetime.date) -> str:
    year, week, _ = date.isocalendar()
    return w(week, year)


class Log:
    """A traction log under construction: weekly files keyed by ISO week label."""

    def __init__(self) -> None:
        self.files: dict[str, dict[str, Any]] = {}

    def week(self, label: str) -> dict[str, Any]:
        """The file of week `label` (created empty: a logged week without activity)."""
        return self.files.setdefault(label, {"week": label, "summary": f"Week {label}."})

    def _items(self, date: datetime.date, key: str) -> list[dict[str, Any]]:
        return self.week(label_of(date)).setdefault(key, [])

    # --- calls ----------------------------------------------------------------------------

    def call(self, date: datetime.date, **fields: Any) -> Log:
        self._items(date, "calls").append({"date": date, "with": "Jane Roe, Globex", **fields})
        return self

    def calls(self, label: str, n: int, weekday: int | None = None, **fields: Any) -> Log:
        """`n` calls in week `label`: on `weekday`, or spread Monday to Friday in order."""
        self.week(label)
        for i in range(n):
            self.call(day(label, weekday or 1 + i % 5), **fields)
        return self

    # --- accounts -------------------------------------------------------------------------

    def event(self, account: str, event: str, date: datetime.date, **fields: Any) -> Log:
        self._items(date, "accounts").append({"id": account, "event": event, "date": date,
                                              **fields})
        return self

    def qualified(self, account: str, date: datetime.date, **fields: Any) -> Log:
        return self.event(account, "qualified", date, **fields)

    def deal(self, account: str, qualified: datetime.date, outcome: str,
             decided: datetime.date, **fields: Any) -> Log:
        """A qualified lead that is later won or lost."""
        return self.qualified(account, qualified, **fields).event(account, outcome, decided)

    def paying(self, account: str, date: datetime.date, sentiment: str | None = None,
               judged: datetime.date | None = None, **qualified: Any) -> Log:
        """Qualified, won and paid on `date`; then `sentiment` on `judged` (default: same day)."""
        self.deal(account, date, "won", date, **qualified)
        self.event(account, "paid", date, amount=500, interval="month")
        if sentiment is not None:
            self.event(account, sentiment, judged or date)
        return self

    # --- list and spend ------------------------------------------------------------------

    def signal(self, date: datetime.date, type: str, **fields: Any) -> Log:
        week = self.week(label_of(date))
        week.setdefault("list", {}).setdefault("events", []).append(
            {"date": date, "type": type, **fields})
        return self

    def subscribers(self, label: str, count: int) -> Log:
        self.week(label).setdefault("list", {})["subscribers"] = count
        return self

    def spend(self, label: str, source: str, amount: int) -> Log:
        self.week(label).setdefault("spend", []).append({"source": source, "amount": amount})
        return self

    def weeks(self) -> dict[str, dict[str, Any]]:
        """The files, ready to dump (no shared objects, so YAML gets no anchors)."""
        return {label: _fresh(self.files[label]) for label in sorted(self.files)}


def _fresh(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _fresh(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_fresh(item) for item in data]
    if isinstance(data, datetime.date):
        return datetime.date.fromordinal(data.toordinal())
    return data


def config(**overrides: Any) -> dict[str, Any]:
    """The test config with top-level keys replaced."""
    found = copy.deepcopy(BASE_CONFIG)
    found.update(overrides)
    return found


END_OF_LOG = "end of log"  # as of the Sunday of the latest week file: every week has ended


def analysed(root: Path, log: Log, as_of: datetime.date | str | None = END_OF_LOG,
             **config_overrides: Any) -> Analysis:
    """The analysis of `log`, by default as of the Sunday of its latest week (`--as-of`);
    `as_of=None` leaves it to the pipeline (the latest day the log mentions)."""
    write_content(root, config=config(**config_overrides), weeks=log.weeks())
    if as_of == END_OF_LOG:
        as_of = sunday(max(log.files)) if log.files else None
    assert not isinstance(as_of, str)
    return analyse(root, as_of=AsOf(as_of, "--as-of") if as_of else None)


def evaluate_log(root: Path, log: Log, as_of: datetime.date | str | None = END_OF_LOG,
                 **config_overrides: Any) -> Progress:
    """Write the log, run the real pipeline, insist on no errors, return the progress."""
    analysis = analysed(root, log, as_of, **config_overrides)
    errors = [p for p in analysis.problems if p.is_error]
    assert not errors, errors
    assert analysis.progress is not None
    return analysis.progress


def milestone(progress: Progress, milestone_id: str) -> MilestoneStatus:
    found = [m for m in progress.milestones() if m.milestone.id == milestone_id]
    assert len(found) == 1, f"{milestone_id} not shown"
    return found[0]


def history(status: MilestoneStatus) -> list[tuple[str, datetime.date]]:
    return [(t.status, t.date) for t in status.history]


def measures(status: MilestoneStatus) -> dict[str, Any]:
    return {m.name: m.value for m in status.measures}


def spread(labels: Iterable[str], n: int, log: Log | None = None) -> Log:
    """`n` counted calls in each of the weeks `labels`."""
    log = log or Log()
    for label in labels:
        log.calls(label, n)
    return log
