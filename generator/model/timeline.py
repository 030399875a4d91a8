"""The company's state, folded from the log one day at a time.

`Ledger` is the single accumulator of the engine's one pass: `advance(day)`
applies that day's calls, account events and list signals; metrics then read
the state at the end of that day. Everything a metric asks is answered in
constant or logarithmic time (windowed questions keep a cursor over
append-only lists), so the whole pass is linear in the length of the log.
"""

from __future__ import annotations

import bisect
import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from generator.isoweek import week_index
from generator.source.events import WeekIndex, account_events, calls, list_events
from generator.source.schema import AccountEvent, Config, ListEvent, WeekLog

OWNER_CLASSES = ("all", "founders", "reps")


@dataclass(slots=True)
class AccountState:
    """One account's life so far."""

    id: str
    owner_class: str  # "founders" or "reps", fixed by the account's first event
    source: str | None = None
    qualified_on: datetime.date | None = None
    qualified_index: int = -1  # place in Ledger.qualified
    won_on: datetime.date | None = None
    lost_on: datetime.date | None = None
    paying: bool = False
    first_paid: datetime.date | None = None
    paid_index: int = -1  # place in Ledger.paid
    sentiment: str | None = None  # hell-yes | meh | churned
    monthly: Decimal = Decimal(0)

    @property
    def open(self) -> bool:
        """A qualified lead neither won nor lost yet."""
        return self.won_on is None and self.lost_on is None


@dataclass(slots=True)
class _Cursor:
    """Progress of a windowed question through an append-only list."""

    index: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    weeks: list[WeekIndex] = field(default_factory=list)


def monthly_amount(event: AccountEvent) -> Decimal:
    if event.amount is None or event.interval == "once":
        return Decimal(0)
    if event.interval == "year":
        return event.amount / 12
    return event.amount


class Ledger:
    """State at the end of `self.day`. Only `advance` changes it, one day forward at a time."""

    def __init__(self, config: Config, weeks: tuple[WeekLog, ...],
                 aging: Iterable[tuple[str, int]] = ()) -> None:
        self.founders = frozenset(config.founders)
        self.scalable_sources = {name: s for name, s in config.sources.items() if s.scalable}
        self.day: datetime.date | None = None
        self.week: WeekIndex = 0
        self.accounts: dict[str, AccountState] = {}
        self.qualified: list[AccountState] = []  # in qualification order
        self.paid: list[AccountState] = []  # in order of first payment
        self.calls_by_week: Counter[WeekIndex] = Counter()
        self.sqls: Counter[str] = Counter()
        self.won: Counter[str] = Counter()
        self.lost: Counter[str] = Counter()
        self.paying: Counter[str] = Counter()
        self.hell_yes: Counter[str] = Counter()
        self.assessed: Counter[str] = Counter()
        self.mrr = Decimal(0)
        self.signals: dict[str, list[ListEvent]] = defaultdict(list)
        self.subscribers: int | None = None
        # per source and week: qualified and won counts; spend per source and week
        self.source_sqls: dict[str, Counter[WeekIndex]] = defaultdict(Counter)
        self.source_wins: dict[str, Counter[WeekIndex]] = defaultdict(Counter)
        self.spend: defaultdict[str, defaultdict[WeekIndex, Decimal]] = defaultdict(
            lambda: defaultdict(Decimal))
        self._subscribers_by_sunday: dict[datetime.date, int] = {}
        for week in weeks:
            index = week_index(week.monday)
            for item in week.spend:
                self.spend[item.source][index] += item.amount
            if week.list_ is not None and week.list_.subscribers is not None:
                self._subscribers_by_sunday[week.sunday] = week.list_.subscribers
        self._calls = calls(weeks)
        self._accounts = account_events(weeks)
        self._signals = list_events(weeks)
        self._next = [0, 0, 0]
        self._streaks: dict[int, tuple[WeekIndex, int]] = {}
        self._cursors: dict[tuple[object, ...], _Cursor] = {}
        # ("stale" | "unrated", days) -> accounts aged past `days` and still undecided. The
        # windows given up front are aged every day, so "aging" in `changed` says when one
        # of their counts may have moved without an event.
        self._aging: dict[tuple[str, int], _Cursor] = {
            key: _Cursor() for key in sorted(set(aging)) if key[1] > 0}
        # What the last day changed: "calls", "accounts", "signals", "subscribers", "aging"
        # (a lead went stale or a customer unrated), and the calendar ("monday": a new week
        # began, "sunday": a week ended).
        self.changed: frozenset[str] = frozenset()

    # --- folding ---------------------------------------------------------------------------

    def first_day(self) -> datetime.date | None:
        dates = [items[0].date for items in (self._calls, self._accounts, self._signals) if items]
        return min(dates) if dates else None

    def advance(self, day: datetime.date) -> None:
        """Apply every fact dated `day`; days must come in order, one at a time."""
        self.day, self.week = day, week_index(day)
        before = self._next.copy()
        while self._next[0] < len(self._calls) and self._calls[self._next[0]].date == day:
            if self._calls[self._next[0]].counted:
                self.calls_by_week[self.week] += 1
            self._next[0] += 1
        while self._next[1] < len(self._accounts) and self._accounts[self._next[1]].date == day:
            self._apply(self._accounts[self._next[1]])
            self._next[1] += 1
        while self._next[2] < len(self._signals) and self._signals[self._next[2]].date == day:
            signal = self._signals[self._next[2]]
            self.signals[signal.type].append(signal)
            self._next[2] += 1
        subscribers = self._subscribers_by_sunday.get(day)
        if subscribers is not None:
            self.subscribers = subscribers
        aged = [self._age(kind, days, cursor) for (kind, days), cursor in self._aging.items()]
        self.changed = frozenset(name for name, moved in (
            ("calls", before[0] != self._next[0]), ("accounts", before[1] != self._next[1]),
            ("aging", any(aged)),
            ("signals", before[2] != self._next[2]), ("subscribers", subscribers is not None),
            ("monday", day.isoweekday() == 1), ("sunday", day.isoweekday() == 7),
        ) if moved)

    def _count(self, counter: Counter[str], account: AccountState, delta: int = 1) -> None:
        counter["all"] += delta
        counter[account.owner_class] += delta

    def _apply(self, event: AccountEvent) -> None:
        kind = event.event
        account = self.accounts.get(event.id)
        if account is None:
            # The class is the first event's, so every count of an account is booked under
            # one class (a `qualified` after the first event is an error, rules.py).
            owner = event.owner if kind == "qualified" else None
            owner_class = "reps" if owner and owner not in self.founders else "founders"
            account = self.accounts[event.id] = AccountState(event.id, owner_class)
        if kind == "qualified":
            account.qualified_on, account.source = event.date, event.source
            account.qualified_index = len(self.qualified)
            self.qualified.append(account)
            self._count(self.sqls, account)
            if event.source:
                self.source_sqls[event.source][self.week] += 1
        elif kind == "won":
            self._settle(account, "stale")
            account.won_on = event.date
            self._count(self.won, account)
            if account.source:
                self.source_wins[account.source][self.week] += 1
        elif kind == "lost":
            self._settle(account, "stale")
            account.lost_on = event.date
            self._count(self.lost, account)
        elif kind == "paid":
            if account.first_paid is None:
                account.first_paid, account.paid_index = event.date, len(self.paid)
                self.paid.append(account)
            if not account.paying:
                account.paying = True
                self._count(self.paying, account)
                if account.sentiment == "hell-yes":
                    self._count(self.hell_yes, account)
            self.mrr += monthly_amount(event) - account.monthly
            account.monthly = monthly_amount(event)
        elif kind == "churned":
            # The sentiment first: a hell-yes customer who churns leaves the hell-yes count,
            # which only counts paying customers.
            self._set_sentiment(account, "churned")
            if account.paying:
                account.paying = False
                self._count(self.paying, account, -1)
                self.mrr -= account.monthly
                account.monthly = Decimal(0)
        else:  # hell-yes, meh, renewed
            self._set_sentiment(account, "meh" if kind == "meh" else "hell-yes")

    def _set_sentiment(self, account: AccountState, sentiment: str) -> None:
        old = account.sentiment
        if old is None:
            self._settle(account, "unrated")
            self._count(self.assessed, account)
        if old == "hell-yes" and account.paying:
            self._count(self.hell_yes, account, -1)
        if sentiment == "hell-yes" and account.paying:
            self._count(self.hell_yes, account)
        account.sentiment = sentiment

    def _settle(self, account: AccountState, kind: str) -> None:
        """`account` is no longer undecided (a lead won or lost, a customer rated): it leaves
        the count of every window it had aged past."""
        place = account.qualified_index if kind == "stale" else account.paid_index
        for (aging, _days), cursor in self._aging.items():
            if aging == kind and 0 <= place < cursor.index:
                self._count(cursor.counts, account, -1)

    def _age(self, kind: str, days: int, cursor: _Cursor) -> bool:
        """Count the accounts that reached `days` past their start (qualified for "stale",
        first paid for "unrated") still undecided; True if any reached it."""
        assert self.day is not None
        items = self.qualified if kind == "stale" else self.paid
        limit = self.day - datetime.timedelta(days=days)
        moved = False
        while cursor.index < len(items):
            account = items[cursor.index]
            start = account.qualified_on if kind == "stale" else account.first_paid
            assert start is not None
            if start > limit:
                break
            undecided = account.open if kind == "stale" else account.sentiment is None
            if undecided:
                self._count(cursor.counts, account)
                moved = True
            cursor.index += 1
        return moved

    def _aged(self, kind: str, days: int, owners: str) -> int:
        """Accounts `days` or more past their start and still undecided; 0 days: off."""
        if days <= 0 or self.day is None:
            return 0
        cursor = self._aging.get((kind, days))
        if cursor is None:  # a window not given up front: aged when asked
            cursor = self._aging[kind, days] = _Cursor()
        self._age(kind, days, cursor)
        return cursor.counts[owners]

    # --- questions metrics ask ---------------------------------------------------------------

    def stale(self, days: int, owners: str) -> int:
        """Qualified leads still open `days` after they were qualified (they count as lost)."""
        return self._aged("stale", days, owners)

    def unrated(self, days: int, owners: str) -> int:
        """Customers without a sentiment `days` after they first paid (assessed, not
        hell-yes)."""
        return self._aged("unrated", days, owners)

    @property
    def week_complete(self) -> bool:
        """True on a Sunday: the day's week has ended."""
        return self.day is not None and self.day.isoweekday() == 7

    def streak(self, per_week: int) -> int:
        """Consecutive weeks with >= per_week counted calls, up to now.

        The current week joins the streak once it reaches per_week; while it is in
        progress and short, it does not break the streak; a short week that has ended does.
        """
        last_week, last_streak = self._streaks.get(per_week, (self._first_week() - 1, 0))
        while last_week < self.week - 1:
            last_week += 1
            last_streak = last_streak + 1 if self.calls_by_week[last_week] >= per_week else 0
        self._streaks[per_week] = (last_week, last_streak)
        if self.calls_by_week[self.week] >= per_week:
            return last_streak + 1
        return 0 if self.week_complete else last_streak

    def _first_week(self) -> WeekIndex:
        first = self.first_day()
        return week_index(first) if first else self.week

    def cohort(self, window_days: int, owners: str) -> tuple[int, int]:
        """(SQLs qualified at least window_days ago, of those won within window_days)."""
        if self.day is None:  # a log with no dated entry: no lead yet
            return 0, 0
        cursor = self._cursors.setdefault(("cohort", window_days), _Cursor())
        window = datetime.timedelta(days=window_days)
        while cursor.index < len(self.qualified):
            account = self.qualified[cursor.index]
            assert account.qualified_on is not None
            deadline = account.qualified_on + window
            if deadline > self.day:
                break
            cursor.counts["n:all"] += 1
            cursor.counts["n:" + account.owner_class] += 1
            if account.won_on is not None and account.won_on <= deadline:
                cursor.counts["won:all"] += 1
                cursor.counts["won:" + account.owner_class] += 1
            cursor.index += 1
        return cursor.counts["n:" + owners], cursor.counts["won:" + owners]

    def signal_weeks(self, kind: str, window_weeks: int | None,
                     price_range: tuple[Decimal, Decimal] | None) -> int:
        """Distinct weeks with a matching list signal (in the trailing window, if given)."""
        cursor = self._cursors.setdefault(("signal", kind, price_range), _Cursor())
        items = self.signals[kind]
        while cursor.index < len(items):
            item = items[cursor.index]
            cursor.index += 1
            if not _signal_counts(item, price_range):
                continue
            cursor.counts["events"] += 1
            index = week_index(item.date)
            if not cursor.weeks or cursor.weeks[-1] != index:
                cursor.weeks.append(index)
        if window_weeks is None:
            return len(cursor.weeks)
        return len(cursor.weeks) - bisect.bisect_left(cursor.weeks, self.week - window_weeks + 1)

    def signal_count(self, kind: str, price_range: tuple[Decimal, Decimal] | None) -> int:
        self.signal_weeks(kind, None, price_range)
        return self._cursors[("signal", kind, price_range)].counts["events"]

    def source_window(self, source: str, window_weeks: int) -> tuple[int, int, Decimal]:
        """(qualified, won, spend) of a source over the trailing window_weeks weeks."""
        weeks = range(self.week - window_weeks + 1, self.week + 1)
        sqls, wins, spend = self.source_sqls[source], self.source_wins[source], self.spend[source]
        return (sum(sqls[w] for w in weeks), sum(wins[w] for w in weeks),
                sum((spend[w] for w in weeks), Decimal(0)))


def _signal_counts(item: ListEvent, price_range: tuple[Decimal, Decimal] | None) -> bool:
    if item.type == "inquiry":
        return item.spontaneous
    if item.type == "sale" and price_range is not None:
        return item.price is not None and price_range[0] <= item.price <= price_range[1]
    return True
