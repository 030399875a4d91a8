"""`traction import stripe`: a CSV exported from Stripe's dashboard as `paid` and `churned`.

Two exports are read, told apart by their header:

- payments (Payments > Export: `id`, `Created date (UTC)`, `Amount`, `Amount Refunded`,
  `Status`, `Customer ID`, ...). A charge that failed or was refunded in full is no payment;
  a partly refunded one counts for what was kept. The export does not say how often a
  customer pays: that is `--interval` (default month).
- subscriptions (Billing > Subscriptions > Export: `id`, `Customer ID`, `Amount`,
  `Quantity`, `Interval`, `Status`, `Start (UTC)`, `Trial End (UTC)`, `Canceled At (UTC)`,
  `Ended At (UTC)`, ...). A customer pays from the start (or the end of a trial) of their
  first subscription until their last one ends.

A `paid` marks a change: a customer starts paying, pays again after churning, or pays a new
amount. A payment that repeats what the log already says is counted as present, so importing
the same file twice, or a longer export later, adds only what is new. Each entry keeps its
Stripe id in `ref`. `imports/stripe.yaml` names the account of each Stripe customer; any
other customer gets a stable alias made from its id (never from a name or an email).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from generator.problems import Problems
from generator.source.declare import DictOf, Record, spec
from generator.source.events import account_events
from generator.source.loader import Content
from generator.source.scalars import Id
from generator.tools.importers.apply import (
    Entry,
    ImportFileError,
    Outcome,
    apply,
    load_log,
    read_import_file,
    read_settings,
)
from generator.tools.importers.insertion import Value, flow_item, plain_text

SETTINGS = "imports/stripe.yaml"
_LISTED = 5  # unmapped customers a note names
INTERVALS = ("month", "year", "once")


@dataclass(frozen=True, kw_only=True)
class StripeSettings(Record):
    """`imports/stripe.yaml`: which account each Stripe customer is."""

    customers: dict[str, str] = spec(DictOf(Id), factory=dict,
                                     doc="Stripe customer id (cus_...) → account id.")


@dataclass(frozen=True)
class Report:
    outcome: Outcome
    present: int  # payments or changes the log already has
    notes: tuple[str, ...]  # what was left out, and why


@dataclass(frozen=True)
class _Change:
    """A customer starts paying, pays a new amount (`amount` set) or stops (`amount` None)."""

    date: datetime.date
    customer: str
    amount: Decimal | None
    interval: str
    ref: str


@dataclass
class _Found:
    changes: list[_Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    void: set[str] = field(default_factory=set)  # refs of charges that are no payment


def import_stripe(content_dir: Path, export: Path, settings_path: Path | None, interval: str,
                  problems: Problems, *, write: bool) -> Report | None:
    """Read `export`, add what the log lacks, and write it if `write`. None when the content
    or the settings have errors (reported); ImportFileError for an unreadable export."""
    content = load_log(content_dir, problems)
    settings_path = settings_path or content_dir / SETTINGS
    settings = read_settings(settings_path, content_dir, StripeSettings, problems)
    if content is None or problems.errors:
        return None
    found = read_export(export, interval)
    for event in account_events(content.weeks):
        if event.ref in found.void:
            problems.warning(event.at("ref"), "imported from a Stripe charge that has since "
                             "failed or been refunded in full",
                             "remove this entry if the customer did not pay")
    customers = (settings or StripeSettings()).customers
    entries, present = _new_entries(found.changes, customers, content)
    outcome = apply(content_dir, entries, problems, write=write)
    unmapped = sorted({c.customer for c in found.changes if c.customer not in customers})
    if unmapped:
        # The founder's own terminal: the customer ids are what they need to name accounts.
        shown = ", ".join(f"{alias(c)} ({plain_text(c)})" for c in unmapped[:_LISTED])
        more = f" and {len(unmapped) - _LISTED} more" if len(unmapped) > _LISTED else ""
        found.notes.append(f"{_count(len(unmapped), 'customer')} not in {SETTINGS}, named by "
                           f"alias: {shown}{more}")
    return Report(outcome, present, tuple(found.notes))


def alias(customer: str) -> str:
    """A stable account id for a customer not in imports/stripe.yaml: from its Stripe id
    alone, so it never spells a name or an email, and is the same on every import."""
    return "stripe-" + hashlib.sha256(customer.encode("utf-8")).hexdigest()[:8]


# --- the export -------------------------------------------------------------------------------

_PAYMENT_COLUMNS = ("id", "Created date (UTC)", "Amount", "Status")
_SUBSCRIPTION_COLUMNS = ("id", "Customer ID", "Status")
_START = ("Start (UTC)", "Start Date (UTC)")
_PLAN_AMOUNT = ("Amount", "Plan Amount")
_PLAN_INTERVAL = ("Interval", "Plan Interval")
_INTERVAL_COUNT = ("Interval Count", "Plan Interval Count")
_PAID = {"paid", "succeeded"}
_NEVER_PAID = {"incomplete", "incomplete_expired", "trialing"}
_MONTHS_PER = {"month": Decimal(1), "year": Decimal(12), "week": Decimal(12) / 52,
               "day": Decimal(12) / 365}


@dataclass(frozen=True)
class _Row:
    file: str
    line: int
    cells: dict[str, str]

    def get(self, *columns: str) -> str:
        return self.cells[self.column(*columns)].strip() if self.column(*columns) else ""

    def column(self, *columns: str) -> str:
        """The first of `columns` with a value in this row, else ""."""
        return next((c for c in columns if self.cells.get(c, "").strip()), "")

    def where(self, column: str) -> str:
        return f"{self.file}:{self.line}: column '{column}'"

    def number(self, *columns: str, default: str = "") -> Decimal:
        text = self.get(*columns).replace(",", "") or default
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value < 0:
            # The value itself is not repeated: it is an amount.
            raise ImportFileError(f"{self.where(self.column(*columns))}: expected an amount of "
                                  "0 or more")
        return value

    def day(self, *columns: str) -> datetime.date | None:
        text = self.get(*columns)
        if not text:
            return None
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise ImportFileError(f"{self.where(self.column(*columns))}: expected a date and "
                                  "time like 2026-11-17 09:30:00") from None
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.UTC)
        return moment.date()


def read_export(path: Path, interval: str) -> _Found:
    """The changes in a payments or subscriptions export (told apart by its header)."""
    try:
        text = read_import_file(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"{path}: not UTF-8 text; export the CSV from Stripe again"
                              ) from None
    rows = _rows(text, str(path))
    header = next(rows, None)
    columns = set() if header is None else set(header.cells)
    if all(c in columns for c in _PAYMENT_COLUMNS):
        return _from_payments(rows, interval)
    if (all(c in columns for c in _SUBSCRIPTION_COLUMNS) and columns & set(_START)
            and columns & set(_PLAN_AMOUNT) and columns & set(_PLAN_INTERVAL)):
        return _from_subscriptions(rows)
    raise ImportFileError(
        f"{path}: not a Stripe payments or subscriptions export (expected the columns "
        f"{', '.join(_PAYMENT_COLUMNS)}, or {', '.join(_SUBSCRIPTION_COLUMNS)}, Start (UTC), "
        "Amount, Interval)")


def _rows(text: str, name: str) -> Iterator[_Row]:
    """The header first (as a row of its own names), then each row with the line it
    starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    line = 1
    try:
        for cells in reader:
            if header is None:
                header = [cell.strip() for cell in cells]
                yield _Row(name, line, dict.fromkeys(header, ""))
            elif any(cell.strip() for cell in cells):
                yield _Row(name, line, dict(zip(header, cells, strict=False)))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"{name}:{reader.line_num}: not valid CSV ({exc})") from None


def _from_payments(rows: Iterable[_Row], interval: str) -> _Found:
    found = _Found()
    no_customer = unpaid = 0
    for row in rows:
        status = row.get("Status").lower()
        captured = row.get("Captured").lower() != "false"
        kept = (row.number("Converted Amount", "Amount")
                - row.number("Converted Amount Refunded", "Amount Refunded", default="0"))
        day = row.day("Created date (UTC)")
        if status not in (*_PAID, "refunded") or not captured or kept <= 0 or day is None:
            unpaid += 1
            found.void.add(f"stripe:{plain_text(row.get('id'))}")
        elif not row.get("Customer ID"):
            no_customer += 1
        else:
            found.changes.append(_Change(day, row.get("Customer ID"), kept, interval,
                                         f"stripe:{plain_text(row.get('id'))}"))
    if unpaid:
        found.notes.append(f"{_count(unpaid, 'charge')} failed, refunded in full or not "
                           "captured: not payments")
    if no_customer:
        found.notes.append(f"{_count(no_customer, 'payment')} without a Stripe customer left "
                           "out: there is no account to book them to")
    return found


@dataclass(frozen=True)
class _Subscription:
    id: str
    customer: str
    start: datetime.date
    end: datetime.date | None
    monthly: Decimal
    amount: Decimal  # per interval, all units
    interval: str  # month or year when counted once per interval, else "" (see _plan_of)


def _from_subscriptions(rows: Iterable[_Row]) -> _Found:
    found = _Found()
    by_customer: dict[str, list[_Subscription]] = {}
    never_paid = 0
    for row in rows:
        subscription = _subscription(row)
        if subscription is None:
            never_paid += 1
        else:
            by_customer.setdefault(subscription.customer, []).append(subscription)
    for customer, subscriptions in sorted(by_customer.items()):
        found.changes += _customer_changes(customer, subscriptions)
    if never_paid:
        found.notes.append(f"{_count(never_paid, 'subscription')} never paid (incomplete, "
                           "still in trial, or ended before paying) left out")
    return found


def _subscription(row: _Row) -> _Subscription | None:
    status = row.get("Status").lower()
    start = row.day(*_START)
    trial_end = row.day("Trial End (UTC)")
    if start is not None and trial_end is not None:
        start = max(start, trial_end)
    end = row.day("Ended At (UTC)")
    if end is None and status == "canceled":
        end = row.day("Canceled At (UTC)")
    if (status in _NEVER_PAID or start is None or not row.get("Customer ID")
            or (end is not None and end <= start)):
        return None
    unit = row.get(*_PLAN_INTERVAL).lower()
    if unit not in _MONTHS_PER:
        raise ImportFileError(f"{row.where(_PLAN_INTERVAL[0])}: expected day, week, month "
                              "or year")
    count = row.number(*_INTERVAL_COUNT, default="1")
    if count < 1:
        raise ImportFileError(f"{row.where(_INTERVAL_COUNT[0])}: expected 1 or more")
    amount = row.number(*_PLAN_AMOUNT) * row.number("Quantity", default="1")
    monthly = amount / (_MONTHS_PER[unit] * count)
    interval = unit if unit in ("month", "year") and count == 1 else ""
    return _Subscription(plain_text(row.get("id")), row.get("Customer ID"), start, end,
                         monthly, amount, interval)


def _customer_changes(customer: str, subscriptions: list[_Subscription]) -> list[_Change]:
    """Paying from the first start to the last end, at the sum of the running plans; on a day
    when one plan replaces another (an upgrade), one change, not a churn and a payment."""
    days = sorted({s.start for s in subscriptions} | {s.end for s in subscriptions if s.end})
    changes: list[_Change] = []
    before: tuple[Decimal, str] | None = None
    for day in days:
        running = [s for s in subscriptions if s.start <= day and (s.end is None or s.end > day)]
        now = _plan_of(running)
        started = sorted(s.id for s in subscriptions if s.start == day)
        ended = sorted(s.id for s in subscriptions if s.end == day)
        ref = f"stripe:{started[0]}" if started else f"stripe:{ended[0]}:ended"
        if now is None and before is not None:
            changes.append(_Change(day, customer, None, "", ref))
        elif now is not None and now != before:
            changes.append(_Change(day, customer, now[0], now[1], ref))
        before = now
    return changes


def _plan_of(running: list[_Subscription]) -> tuple[Decimal, str] | None:
    """What the customer pays: the plans' sum in their own interval when they share one,
    else the monthly sum."""
    if not running:
        return None
    intervals = {s.interval for s in running}
    if len(intervals) == 1 and "" not in intervals:
        return sum((s.amount for s in running), Decimal(0)), intervals.pop()
    monthly = sum((s.monthly for s in running), Decimal(0))
    return monthly.quantize(Decimal("0.01"), ROUND_HALF_UP), "month"


# --- against the log --------------------------------------------------------------------------


@dataclass
class _Account:
    paying: tuple[Decimal | None, str | None] | None = None  # (amount, interval) while paying


def _new_entries(changes: list[_Change], customers: dict[str, str], content: Content
                 ) -> tuple[list[Entry], int]:
    """The changes the log does not have yet, as entries, and how many it has."""
    known = account_events(content.weeks)
    refs = {e.ref for e in known if e.ref}
    accounts: dict[str, _Account] = {}
    entries: list[Entry] = []
    present = 0
    pending = iter(known)
    upcoming = next(pending, None)
    for change in sorted(changes, key=lambda c: c.date):
        while upcoming is not None and upcoming.date <= change.date:
            _follow(accounts.setdefault(upcoming.id, _Account()), upcoming.event,
                    upcoming.amount, upcoming.interval)
            upcoming = next(pending, None)
        account_id = customers.get(change.customer) or alias(change.customer)
        state = accounts.setdefault(account_id, _Account())
        wanted = None if change.amount is None else (change.amount, change.interval)
        if change.ref in refs or (wanted is None and state.paying is None) or (
                wanted is not None and state.paying == wanted):
            present += 1
            continue
        fields: dict[str, Value] = {"id": account_id,
                                    "event": "churned" if wanted is None else "paid",
                                    "date": change.date}
        if change.amount is not None:
            fields |= {"amount": change.amount.normalize(), "interval": change.interval}
        fields["ref"] = change.ref
        entries.append(Entry(change.date, "accounts", flow_item(fields)))
        _follow(state, str(fields["event"]), change.amount, change.interval)
    return entries, present


def _follow(account: _Account, event: str, amount: Decimal | None, interval: str | None
            ) -> None:
    if event == "paid":
        account.paying = (amount, interval or "month")
    elif event == "churned":
        account.paying = None


def _count(n: int, one: str) -> str:
    return f"{n} {one if n == 1 else one + 's'}"
