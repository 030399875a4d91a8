"""The content format as immutable records: `traction.yaml`, weekly logs, front matter.

One declaration serves three purposes: strict validation (with every problem
collected), the immutable records the rest of the pipeline reads, and the
JSON Schema that editors use (`traction schema`). Each record remembers where
it was written (`pos`) and where each of its values sits (`at(field)`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from generator.problems import Pos
from generator.scalars import (
    Bool,
    Count,
    Date,
    Id,
    Int,
    IsoWeek,
    Number,
    OptionalNumber,
    PrivateNumber,
    PrivateText,
    Text,
    Url,
    enum,
    fail,
    is_null,
    parse_number,
)
from generator.yamlsource import LocDict, LocList

_NOWHERE = Pos("<default>", 0, 0)
PLACES = "@places"  # the key positions travel under; '@' cannot start a plain YAML key


@dataclass(frozen=True, slots=True)
class Places:
    """Where a record and each of its values were written."""

    pos: Pos
    values: dict[str, Pos]  # field -> position of its value
    children: dict[str, dict[Any, Pos]]  # field -> key or list index -> position


_NO_PLACES = Places(_NOWHERE, {}, {})


@cache
def _field_names(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(info.alias or name for name, info in model.model_fields.items())


class Record(BaseModel):
    """Base of every record: frozen, unknown keys refused, positions kept."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # A plain field, not a pydantic private attribute: those cost a deep copy per record.
    places: SkipJsonSchema[Places | None] = Field(None, alias=PLACES, exclude=True, repr=False)

    @model_validator(mode="wrap")
    @classmethod
    def _locate(cls, data: Any, handler: Any) -> Any:
        if is_null(data):  # `founder-network:` with nothing after it means an empty mapping
            data = LocDict(data.pos)
        if isinstance(data, LocDict):
            if PLACES in data:
                raise PydanticCustomError("traction", f"unknown key '{PLACES}'", {"hint": ""})
            known = _field_names(cls)
            children: dict[str, dict[Any, Pos]] = {}
            for name, value in data.items():
                if isinstance(value, LocDict):
                    children[name] = value.key_pos
                elif isinstance(value, LocList):
                    children[name] = dict(enumerate(value.item_pos))
            places = Places(data.pos, data.value_pos, children)
            # an empty value of a known key means "not given"
            data = {k: v for k, v in data.items() if not (k in known and is_null(v))}
            data[PLACES] = places
        elif not isinstance(data, dict | BaseModel):
            raise PydanticCustomError("traction", "expected a mapping of key: value pairs",
                                      {"hint": ""})
        return handler(data)

    @property
    def pos(self) -> Pos:
        return (self.places or _NO_PLACES).pos

    def given(self, field: str) -> bool:
        """Whether `field` was written in the file (not a default)."""
        return field in (self.places or _NO_PLACES).values

    def at(self, field: str, child: Any = None) -> Pos:
        """Where `field` was written; with `child`, where that key or list index of it was."""
        places = self.places or _NO_PLACES
        if child is not None and child in places.children.get(field, {}):
            return places.children[field][child]
        return places.values.get(field, places.pos)


# --- traction.yaml ---------------------------------------------------------------------


class Site(Record):
    title: Text = Field(description="The site's title, shown in the header and feeds.")
    url: Url = Field(description="Absolute base URL of the published site; a sub-path works.")
    description: Text = Field("", description="One sentence for search engines and previews.")
    language: Text = Field("en", description="Language code of the site, e.g. en.")


class Company(Record):
    name: Text = Field(description="Company name.")
    tagline: Text = Field("", description="What the company does, in one line.")


class Source(Record):
    scalable: Bool = Field(False, description="Counts for the scalable-pipeline milestone.")
    max_cac: Number | None = Field(None, description="Highest acceptable spend per win.")


class AccountInfo(Record):
    name: Text | None = Field(None, description="Public name, shown only if public is true.")
    public: Bool = Field(False, description="The account agreed to be named on the site.")


class Privacy(Record):
    show_revenue: Bool = Field(False, description="Publish amounts (MRR, spend). Off by default.")


def _param_value(value: Any) -> Decimal | str:
    if isinstance(value, str) and value.startswith("$"):
        if not re.match(r"^\$[a-z_][a-z0-9_]*$", value):
            raise fail(f"'{value}' is not a parameter reference", "write $name, e.g. $rate")
        return str(value)
    return parse_number(value)


ParamValue = Annotated[
    Decimal | str,
    BeforeValidator(_param_value),
    WithJsonSchema({"oneOf": [{"type": "number"}, {"type": "string", "pattern": r"^\$[a-z_]+$"}]}),
]
Owners = enum("all", "founders", "reps")


class Condition(Record):
    """One condition of a milestone: a metric compared with a threshold."""

    metric: Id = Field(description="Metric name, e.g. paying_customers or close_rate.")
    at_least: ParamValue | None = Field(None, description="True when metric >= this.")
    at_most: ParamValue | None = Field(None, description="True when metric <= this.")
    per_week: ParamValue | None = Field(None, description="sales_call_streak: calls per week.")
    window_days: ParamValue | None = Field(None, description="close_rate: days to close.")
    window_weeks: ParamValue | None = Field(None, description="Trailing window in ISO weeks.")
    min_price: ParamValue | None = Field(None, description="product_sales: lowest price.")
    max_price: ParamValue | None = Field(None, description="product_sales: highest price.")
    min_sqls: ParamValue | None = Field(None, description="cost_effective_sources: SQLs needed.")
    min_wins: ParamValue | None = Field(None, description="cost_effective_sources: wins needed.")
    owners: Owners = Field("all", description="Count SQLs and customers of founders, reps or all.")

    PARAMS: ClassVar[tuple[str, ...]] = (
        "per_week", "window_days", "window_weeks", "min_price", "max_price", "min_sqls", "min_wins")


class MilestoneDef(Record):
    id: Id
    title: Text
    summary: Text = Field("", description="One line: what this milestone means.")
    why: Text = Field("", description="Why it matters, in a short paragraph (Markdown).")
    params: dict[Id, OptionalNumber] = Field(
        default_factory=dict, description="Named parameters, referenced as $name and "
        "overridable under `milestones:`.")
    conditions: list[Condition] = Field(min_length=1)


class LadderDef(Record):
    id: Id
    title: Text
    summary: Text = ""
    milestones: list[MilestoneDef] = Field(min_length=1)


class Config(Record):
    """`traction.yaml`: the site, the company, which ladders to climb, who is who."""

    site: Site
    company: Company
    ladders: list[Id] = Field(default_factory=lambda: ["zero-to-one"],
                              description="Ladders in display order: built-in or custom ids.")
    custom_ladders: list[LadderDef] = Field(default_factory=list,
                                            description="Ladders of your own, same form as the "
                                            "built-ins.")
    milestones: dict[Id, dict[Id, OptionalNumber]] = Field(
        default_factory=dict, description="Parameter overrides by milestone id.")
    founders: list[Id] = Field(default_factory=lambda: ["founder"],
                               description="Owners counted as founders; others are reps.")
    sources: dict[Id, Source] = Field(default_factory=dict, description="Pipeline sources.")
    accounts: dict[Id, AccountInfo] = Field(default_factory=dict,
                                            description="Accounts that may be named.")
    privacy: Privacy = Field(default_factory=Privacy)
    theme_dir: Text | None = Field(None, description="Directory of template overrides, "
                                   "relative to the content directory.")


# --- weekly logs ---------------------------------------------------------------------------

CALL_TYPES = ("sales", "discovery", "demo", "check-in", "onboarding")
COUNTED_CALL_TYPES = frozenset({"sales", "discovery", "demo"})
CALL_STATUSES = ("held", "scheduled", "no-show", "cancelled")
ACCOUNT_EVENTS = ("qualified", "won", "lost", "paid", "hell-yes", "meh", "renewed", "churned")


class Call(Record):
    date: Date
    with_: PrivateText | None = Field(None, alias="with", repr=False,
                                      description="PRIVATE: who the call was with.")
    account: Id | None = Field(None, description="Optional account id.")
    type: enum(*CALL_TYPES) = "sales"  # type: ignore[valid-type]
    status: enum(*CALL_STATUSES) = "held"  # type: ignore[valid-type]
    notes: PrivateText | None = Field(None, repr=False, description="PRIVATE: call notes.")

    @property
    def counted(self) -> bool:
        """Counted as a sales call: held, and a sales, discovery or demo call."""
        return self.status == "held" and self.type in COUNTED_CALL_TYPES


class AccountEvent(Record):
    id: Id = Field(description="Account id.")
    event: enum(*ACCOUNT_EVENTS)  # type: ignore[valid-type]
    date: Date
    source: Id | None = Field(None, description="qualified: pipeline source.")
    owner: Id | None = Field(None, description="qualified: who owns the deal.")
    amount: PrivateNumber | None = Field(None, repr=False, description="paid: PRIVATE amount.")
    interval: enum("month", "year", "once") | None = None  # type: ignore[valid-type]
    note: PrivateText | None = Field(None, repr=False, description="PRIVATE note.")


class ListEvent(Record):
    date: Date
    type: enum("question", "sale", "inquiry")  # type: ignore[valid-type]
    price: PrivateNumber | None = Field(None, repr=False, description="sale: PRIVATE price.")
    product: Text | None = None
    spontaneous: Bool = Field(True, description="inquiry: unprompted by a pitch.")
    note: PrivateText | None = Field(None, repr=False, description="PRIVATE note.")


class ListSignals(Record):
    subscribers: Count | None = Field(None, description="Subscribers at the end of the week.")
    events: list[ListEvent] = Field(default_factory=list)


class Spend(Record):
    source: Id
    amount: PrivateNumber = Field(repr=False, description="PRIVATE: spend in this week.")


class WeekLog(Record):
    """`weeks/YYYY-Www.yaml`: one ISO week of the log."""

    week: IsoWeek
    summary: Text = Field("", description="Public Markdown update for the week.")
    calls: list[Call] = Field(default_factory=list)
    accounts: list[AccountEvent] = Field(default_factory=list)
    list_: ListSignals | None = Field(None, alias="list")
    spend: list[Spend] = Field(default_factory=list)

    @property
    def monday(self) -> datetime.date:
        year, week = self.week.split("-W")
        return datetime.date.fromisocalendar(int(year), int(week), 1)

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)


# --- front matter ---------------------------------------------------------------------------


class Result(Record):
    metric: Text
    before: Text = ""
    after: Text = ""


class CaseStudyMeta(Record):
    title: Text
    summary: Text = ""
    date: Date | None = None
    customer: Id | None = Field(None, description="Account id; named only if public.")
    results: list[Result] = Field(default_factory=list)
    tags: list[Text] = Field(default_factory=list)
    draft: Bool = False


class PageMeta(Record):
    title: Text
    summary: Text = ""
    order: Int = 0
    draft: Bool = False


def json_schemas() -> dict[str, Any]:
    """JSON Schemas of `traction.yaml` and of a weekly log, for yaml-language-server."""
    out = {}
    for name, model in (("traction.yaml", Config), ("week", WeekLog)):
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[name] = schema
    return out
