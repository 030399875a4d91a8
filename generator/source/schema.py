"""The content format as immutable records: `traction.yaml`, weekly logs, front matter.

One declaration serves three purposes: strict reading (with every problem
collected, see `declare.read`), the immutable records the rest of the
pipeline reads, and the JSON Schema that editors use (`traction schema`).
Each record remembers where it was written (`pos`) and where each of its
values sits (`at(key)`).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, ClassVar

from generator.isoweek import IsoWeek as Week
from generator.source.declare import DictOf, ListOf, Record, json_schema, spec
from generator.source.scalars import (
    Amount,
    Bool,
    Count,
    Date,
    Id,
    Int,
    IsoWeek,
    Kind,
    OptionalNumber,
    PrivateNumber,
    PrivateText,
    Share,
    Text,
    Url,
    enum,
    fail,
    parse_number,
)

# --- traction.yaml ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Site(Record):
    """The published site."""

    title: str = spec(Text, doc="The site's title, shown in the header and feeds.")
    url: str = spec(Url, doc="Absolute base URL of the published site; a sub-path works.")
    description: str = spec(Text, "", doc="One sentence for search engines and previews.")
    language: str = spec(Text, "en", doc="Language code of the site, e.g. en.")
    social_cards: bool = spec(Bool, True, doc="Draw a 1200x630 PNG card for every page, for "
                              "links shared on social sites (og:image). Each card is drawn "
                              "once and kept in .traction-cache/ for the next build.")


@dataclass(frozen=True, kw_only=True)
class Company(Record):
    """The company building in public."""

    name: str = spec(Text, doc="Company name.")
    tagline: str = spec(Text, "", doc="What the company does, in one line.")


@dataclass(frozen=True, kw_only=True)
class Source(Record):
    """A pipeline source."""

    scalable: bool = spec(Bool, False, doc="Counts for the scalable-pipeline milestone.")
    max_cac: Decimal | None = spec(Amount, None, doc="Highest acceptable spend per win.")


@dataclass(frozen=True, kw_only=True)
class AccountInfo(Record):
    """An account that may be named on the site."""

    name: str | None = spec(Text, None, doc="Public name, shown only if public is true.")
    public: bool = spec(Bool, False, doc="The account agreed to be named on the site.")


@dataclass(frozen=True, kw_only=True)
class Privacy(Record):
    """What may be published."""

    show_revenue: bool = spec(Bool, False, doc="Publish amounts (MRR, spend). Off by default.")


@dataclass(frozen=True, kw_only=True)
class ProvenanceSettings(Record):
    """What the git history of the log is read for (model.provenance)."""

    late_after_days: int = spec(Count, 14, doc="An achievement first committed more than this "
                                "many days after it happened is shown as logged late.")


def _param_value(value: Any) -> Decimal | str:
    if isinstance(value, str) and value.startswith("$"):
        if not re.match(r"^\$[a-z_][a-z0-9_]*$", value):
            raise fail(f"'{value}' is not a parameter reference", "write $name, e.g. $rate")
        return str(value)
    return parse_number(value)


ParamValue = Kind(_param_value, {"oneOf": [{"type": "number"},
                                           {"type": "string", "pattern": r"^\$[a-z_]+$"}]})


@dataclass(frozen=True, kw_only=True)
class Condition(Record):
    """One condition of a milestone: a metric compared with a threshold."""

    metric: str = spec(Id, doc="Metric name, e.g. paying_customers or close_rate.")
    at_least: Decimal | str | None = spec(ParamValue, None, doc="True when metric >= this.")
    at_most: Decimal | str | None = spec(ParamValue, None, doc="True when metric <= this.")
    per_week: Decimal | str | None = spec(ParamValue, None,
                                          doc="sales_call_streak: calls per week.")
    window_days: Decimal | str | None = spec(ParamValue, None, doc="close_rate: days to close.")
    window_weeks: Decimal | str | None = spec(ParamValue, None,
                                              doc="Trailing window in ISO weeks.")
    min_price: Decimal | str | None = spec(ParamValue, None, doc="product_sales: lowest price.")
    max_price: Decimal | str | None = spec(ParamValue, None,
                                           doc="product_sales: highest price.")
    min_sqls: Decimal | str | None = spec(ParamValue, None,
                                          doc="cost_effective_sources: SQLs needed.")
    min_wins: Decimal | str | None = spec(ParamValue, None,
                                          doc="cost_effective_sources: wins needed.")
    stale_after_days: Decimal | str | None = spec(
        ParamValue, None, doc="close_rate, decided_sqls: an SQL still open this many days after "
        "it was qualified counts as lost (0: never; default 90).")
    assess_within_days: Decimal | str | None = spec(
        ParamValue, None, doc="assessed_customers, hell_yes_rate: a paying customer not rated "
        "this many days after it first paid counts as assessed, not hell-yes (0: never; "
        "default 90).")
    owners: str = spec(enum("all", "founders", "reps"), "all",
                       doc="Count SQLs and customers of founders, reps or all.")

    PARAMS: ClassVar[tuple[str, ...]] = (
        "per_week", "window_days", "window_weeks", "min_price", "max_price", "min_sqls", "min_wins",
        "stale_after_days", "assess_within_days")


@dataclass(frozen=True, kw_only=True)
class MilestoneDef(Record):
    """A milestone: conditions that must all hold."""

    id: str = spec(Id)
    title: str = spec(Text)
    summary: str = spec(Text, "", doc="One line: what this milestone means.")
    why: str = spec(Text, "", doc="Why it matters, in a short paragraph (Markdown).")
    params: dict[str, Decimal | None] = spec(
        DictOf(OptionalNumber), factory=dict,
        doc="Named parameters, referenced as $name and overridable under `milestones:`.")
    conditions: list[Condition] = spec(ListOf(Condition, min_items=1))


@dataclass(frozen=True, kw_only=True)
class LadderDef(Record):
    """A ladder of milestones, climbed in order."""

    id: str = spec(Id)
    title: str = spec(Text)
    summary: str = spec(Text, "")
    milestones: list[MilestoneDef] = spec(ListOf(MilestoneDef, min_items=1))


@dataclass(frozen=True, kw_only=True)
class Config(Record):
    """`traction.yaml`: the site, the company, which ladders to climb, who is who."""

    site: Site = spec(Site)
    company: Company = spec(Company)
    ladders: list[str] = spec(ListOf(Id, min_items=1), factory=lambda: ["zero-to-one"],
                              doc="Ladders in display order: built-in or custom ids.")
    custom_ladders: list[LadderDef] = spec(ListOf(LadderDef), factory=list,
                                           doc="Ladders of your own, same form as the built-ins.")
    milestones: dict[str, dict[str, Decimal | None]] = spec(
        DictOf(DictOf(OptionalNumber)), factory=dict, doc="Parameter overrides by milestone id.")
    founders: list[str] = spec(ListOf(Id), factory=lambda: ["founder"],
                               doc="Owners counted as founders; others are reps.")
    sources: dict[str, Source] = spec(DictOf(Source), factory=dict, doc="Pipeline sources.")
    accounts: dict[str, AccountInfo] = spec(DictOf(AccountInfo), factory=dict,
                                            doc="Accounts that may be named.")
    privacy: Privacy = spec(Privacy, factory=Privacy, doc="What may be published.")
    provenance: ProvenanceSettings = spec(ProvenanceSettings, factory=ProvenanceSettings,
                                          doc="What the git history of the log is read for.")
    theme_dir: str | None = spec(Text, None, doc="Directory of template overrides, "
                                 "relative to the content directory.")
    max_span_years: int = spec(Count, 30, doc="Longest span of the weekly logs, in years; "
                               "a longer one is an error (a year mistyped, e.g. 2062).")


# --- weekly logs ---------------------------------------------------------------------------

CALL_TYPES = ("sales", "discovery", "demo", "check-in", "onboarding")
COUNTED_CALL_TYPES = frozenset({"sales", "discovery", "demo"})
CALL_STATUSES = ("held", "scheduled", "no-show", "cancelled")
ACCOUNT_EVENTS = ("qualified", "won", "lost", "paid", "hell-yes", "meh", "renewed", "churned")
PAID_INTERVALS = ("month", "year", "once")


@dataclass(frozen=True, kw_only=True)
class Call(Record):
    """A call with a prospect or customer."""

    date: datetime.date = spec(Date)
    with_: str | None = spec(PrivateText, None, key="with", private=True,
                             doc="PRIVATE: who the call was with.")
    account: str | None = spec(Id, None, doc="Optional account id.")
    type: str = spec(enum(*CALL_TYPES), "sales",
                     doc="sales, discovery and demo calls count; check-in and onboarding don't.")
    status: str = spec(enum(*CALL_STATUSES), "held", doc="Only held calls count.")
    notes: str | None = spec(PrivateText, None, private=True, doc="PRIVATE: call notes.")
    ref: str | None = spec(PrivateText, None, private=True,
                           doc="PRIVATE: where `traction import` took this entry from (a Stripe "
                           "charge or subscription, a calendar event), so importing again adds "
                           "nothing. Written by the importer; never published.")

    @property
    def counted(self) -> bool:
        """Counted as a sales call: held, and a sales, discovery or demo call."""
        return self.status == "held" and self.type in COUNTED_CALL_TYPES


@dataclass(frozen=True, kw_only=True)
class AccountEvent(Record):
    """A lifecycle event of an account: from qualified lead to customer."""

    id: str = spec(Id, doc="Account id.")
    event: str = spec(enum(*ACCOUNT_EVENTS))
    date: datetime.date = spec(Date)
    source: str | None = spec(Id, None, doc="qualified: pipeline source.")
    owner: str | None = spec(Id, None, doc="qualified: who owns the deal.")
    amount: Decimal | None = spec(PrivateNumber, None, private=True,
                                  doc="paid: PRIVATE amount.")
    interval: str | None = spec(enum(*PAID_INTERVALS), None,
                                doc="paid: how often the amount is paid.")
    note: str | None = spec(PrivateText, None, private=True, doc="PRIVATE note.")
    ref: str | None = spec(PrivateText, None, private=True,
                           doc="PRIVATE: where `traction import` took this entry from (a Stripe "
                           "charge or subscription, a calendar event), so importing again adds "
                           "nothing. Written by the importer; never published.")


@dataclass(frozen=True, kw_only=True)
class ListEvent(Record):
    """A signal from the email list."""

    date: datetime.date = spec(Date)
    type: str = spec(enum("question", "sale", "inquiry"))
    price: Decimal | None = spec(PrivateNumber, None, private=True, doc="sale: PRIVATE price.")
    product: str | None = spec(Text, None, doc="sale: what was sold.")
    spontaneous: bool = spec(Bool, True, doc="inquiry: unprompted by a pitch.")
    note: str | None = spec(PrivateText, None, private=True, doc="PRIVATE note.")


@dataclass(frozen=True, kw_only=True)
class ListSignals(Record):
    """The email list this week."""

    subscribers: int | None = spec(Count, None, doc="Subscribers at the end of the week.")
    events: list[ListEvent] = spec(ListOf(ListEvent), factory=list)


@dataclass(frozen=True, kw_only=True)
class Spend(Record):
    """Pipeline spend this week."""

    source: str = spec(Id)
    amount: Decimal = spec(PrivateNumber, private=True, doc="PRIVATE: spend in this week.")


@dataclass(frozen=True, kw_only=True)
class Assertion(Record):
    """What the log must add up to at the end of a day, as a ledger's balance assertion:
    `traction check` fails when it does not. Any metric a ladder can use may be asserted;
    one that takes parameters is measured as the ladders measure it (model.assertions)."""

    date: datetime.date = spec(Date, doc="The day: the numbers at its end, after its entries.")
    # One key per metric in model.metrics.METRICS (a test keeps the two lists equal).
    sales_calls_week: int | None = spec(Count, None, doc="Sales calls in that day's week.")
    sales_call_streak: int | None = spec(Count, None,
                                         doc="Weeks in a row with enough sales calls.")
    paying_customers: int | None = spec(Count, None)
    hell_yes_customers: int | None = spec(Count, None)
    assessed_customers: int | None = spec(Count, None)
    hell_yes_rate: Decimal | None = spec(Share, None, doc="0.9 or 90%.")
    sqls: int | None = spec(Count, None, doc="Qualified leads, all time.")
    decided_sqls: int | None = spec(Count, None)
    close_rate: Decimal | None = spec(Share, None, doc="0.3 or 30%.")
    mrr: Decimal | None = spec(PrivateNumber, None, private=True,
                               doc="PRIVATE: monthly recurring revenue.")
    subscribers: int | None = spec(Count, None)
    list_questions: int | None = spec(Count, None)
    product_sales: int | None = spec(Count, None)
    spontaneous_inquiries: int | None = spec(Count, None)
    question_weeks: int | None = spec(Count, None)
    sale_weeks: int | None = spec(Count, None)
    inquiry_weeks: int | None = spec(Count, None)
    cost_effective_sources: int | None = spec(Count, None)

    def asserted(self) -> list[tuple[str, int | Decimal]]:
        """The metrics this assertion gives, as (name, value), in the order declared."""
        return [(key, value) for key in ASSERTABLE
                if (value := getattr(self, key)) is not None]


ASSERTABLE = tuple(f.name for f in dataclasses.fields(Assertion)
                   if f.name not in ("places", "date"))


@dataclass(frozen=True, kw_only=True)
class WeekLog(Record):
    """`weeks/YYYY-Www.yaml`: one ISO week of the log."""

    week: str = spec(IsoWeek)
    summary: str = spec(Text, "", doc="Public Markdown update for the week.")
    calls: list[Call] = spec(ListOf(Call), factory=list)
    accounts: list[AccountEvent] = spec(ListOf(AccountEvent), factory=list)
    list_: ListSignals | None = spec(ListSignals, None, key="list")
    spend: list[Spend] = spec(ListOf(Spend), factory=list)
    assertions: list[Assertion] = spec(ListOf(Assertion), factory=list, key="assert",
                                       doc="What the log must add up to on a day.")

    # Cached (a frozen record never changes): every dated entry asks for its week's bounds.
    @cached_property
    def iso_week(self) -> Week:
        return Week.parse(self.week)

    @cached_property
    def monday(self) -> datetime.date:
        return self.iso_week.monday

    @cached_property
    def sunday(self) -> datetime.date:
        return self.iso_week.sunday


# --- front matter ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Result(Record):
    """One result of a case study."""

    metric: str = spec(Text)
    before: str = spec(Text, "")
    after: str = spec(Text, "")


@dataclass(frozen=True, kw_only=True)
class CaseStudyMeta(Record):
    """Front matter of `case-studies/<slug>.md`."""

    title: str = spec(Text)
    summary: str = spec(Text, "")
    date: datetime.date | None = spec(Date, None)
    customer: str | None = spec(Id, None, doc="Account id; named only if public.")
    results: list[Result] = spec(ListOf(Result), factory=list)
    tags: list[str] = spec(ListOf(Text), factory=list)
    draft: bool = spec(Bool, False, doc="Drafts are never published.")


@dataclass(frozen=True, kw_only=True)
class PageMeta(Record):
    """Front matter of `pages/<slug>.md`."""

    title: str = spec(Text)
    summary: str = spec(Text, "")
    order: int = spec(Int, 0)
    draft: bool = spec(Bool, False, doc="Drafts are never published.")


def json_schemas() -> dict[str, Any]:
    """JSON Schemas of `traction.yaml` and of a weekly log, for yaml-language-server."""
    return {"traction.yaml": json_schema(Config), "week": json_schema(WeekLog)}
