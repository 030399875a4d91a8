"""Validation rules (SPEC §2–3): small pure functions from loaded content to problems.

Each rule looks at the records only and reports problems with a place; none
raises and none repeats a private value (contacts, notes, amounts).
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Generic, TypeVar

from generator.isoweek import IsoWeek, week_index
from generator.problems import Pos, Problems
from generator.source.accounts import account_ids, is_public, shown_in_messages
from generator.source.events import account_events
from generator.source.loader import Content, Document
from generator.source.placeholders import is_example_url, is_placeholder
from generator.source.scalars import did_you_mean
from generator.source.schema import AccountEvent, CaseStudyMeta, Config, WeekLog

T = TypeVar("T")

Rule = Callable[[Config, Content, Problems], None]

_EVENT_FIELDS = {
    "source": {"qualified"},
    "owner": {"qualified"},
    "amount": {"paid"},
    "interval": {"paid"},
}
_SIGNAL_FIELDS = {"price": {"sale"}, "product": {"sale"}}
_NEEDS_PAID = {"hell-yes", "meh", "renewed", "churned"}
# Top-level folders the site itself writes; a free page (`pages/<slug>.md` → `<slug>/`) must
# not take one of these names, or it would replace e.g. the weekly updates index.
RESERVED_SLUGS = frozenset({"weeks", "milestones", "case-studies", "numbers", "methodology",
                            "assets"})
# Names Windows will not create, whatever the extension: a slug becomes a folder name.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                              *(f"lpt{i}" for i in range(1, 10))})


def event_fields(config: Config, content: Content, problems: Problems) -> None:
    """Keys that mean nothing for that kind of event are mistakes, not silent no-ops."""
    for week in content.weeks:
        for event in week.accounts:
            for name, kinds in _EVENT_FIELDS.items():
                if getattr(event, name) is not None and event.event not in kinds:
                    problems.error(event.at(name), f"'{name}' applies only to "
                                   f"{' or '.join(sorted(kinds))} events, not '{event.event}'",
                                   "move it to the matching event or remove it")
        for signal in week.list_.events if week.list_ else ():
            for name, kinds in _SIGNAL_FIELDS.items():
                if getattr(signal, name) is not None and signal.type not in kinds:
                    problems.error(signal.at(name), f"'{name}' applies only to sale signals",
                                   "remove it, or make this a `type: sale` signal")
            if signal.given("spontaneous") and signal.type != "inquiry":
                problems.error(signal.at("spontaneous"), "'spontaneous' applies only to inquiries",
                               "remove it, or make this a `type: inquiry` signal")


LATE_ENTRY_LIMIT = datetime.timedelta(days=366)


def dates_in_week(config: Config, content: Content, problems: Problems) -> None:
    """Entries after their week's Sunday are errors; before its Monday, late-entry warnings
    (up to a year: an entry years older is a typo, and would stretch the log for years)."""
    for week in content.weeks:
        dated: list[tuple[str, datetime.date, object]] = [
            *(("call", c.date, c) for c in week.calls),
            *(("event", e.date, e) for e in week.accounts),
            *(("list event", e.date, e) for e in (week.list_.events if week.list_ else ())),
            *(("assertion", a.date, a) for a in week.assertions),
        ]
        for kind, day, record in dated:
            where = record.at("date")  # type: ignore[attr-defined]
            if day > week.sunday:
                problems.error(where, f"{kind} dated {day} is after the end of {week.week} "
                               f"(Sunday {week.sunday})",
                               f"move it to weeks/{IsoWeek.of(day)}.yaml")
            elif day < week.monday - LATE_ENTRY_LIMIT:
                problems.error(where, f"{kind} dated {day} is more than a year before {week.week}",
                               "a typo in the year? Older entries belong in their own week's file")
            elif day < week.monday and kind != "assertion":  # pinning a past day is usual
                problems.warning(where, f"late entry: {kind} dated {day} is before {week.week} "
                                 f"(Monday {week.monday})",
                                 "fine if it was logged late; it counts on its own date")


def assertions_given(config: Config, content: Content, problems: Problems) -> None:
    """An assertion names at least one metric (model.assertions checks its numbers)."""
    for week in content.weeks:
        for assertion in week.assertions:
            if not assertion.asserted():
                problems.error(assertion.pos, f"assertion on {assertion.date} names no metric",
                               "add what the log must add up to, e.g. `paying_customers: 5`")


def lifecycle(config: Config, content: Content, problems: Problems) -> None:
    """An account's events must tell a possible story, in lifecycle order."""
    seen: dict[str, dict[str, AccountEvent]] = {}
    firsts: dict[str, AccountEvent] = {}
    shown = shown_in_messages(config, content.weeks)  # never the id of a non-public account
    for event in account_events(content.weeks):
        first = firsts.setdefault(event.id, event)
        history = seen.setdefault(event.id, {})
        kind, account = event.event, shown[event.id]
        churned = history.get("churned")
        where = event.at("event")
        if churned is not None and kind != "paid":
            problems.error(where, f"account {account}: '{kind}' after it churned "
                           f"on {churned.date}", "only a new 'paid' event re-activates an account")
        if kind in ("qualified", "won", "lost") and kind in history:
            problems.error(where, f"account {account} is already {kind} "
                           f"(on {history[kind].date})",
                           "an account goes through qualified, won or lost once; "
                           "use a new id for a new deal")
        if kind == "qualified" and first is not event and "qualified" not in history:
            problems.error(where, f"account {account}: 'qualified' after its first event "
                           f"('{first.event}' on {first.date})",
                           "an account's first event fixes whether founders or reps own it; "
                           f"move 'qualified' on or before {first.date}, or use a new id")
        if kind in ("won", "lost") and "qualified" not in history:
            problems.error(where, f"account {account}: '{kind}' without 'qualified' before it",
                           f"add a qualified event for this account on or before {event.date}")
        other = {"won": "lost", "lost": "won"}.get(kind)
        if other and other in history:
            problems.error(where, f"account {account} is both won and lost",
                           "keep the one that happened")
        if kind in _NEEDS_PAID and "paid" not in history:
            problems.error(where, f"account {account}: '{kind}' before it paid",
                           f"add the paid event on or before {event.date}, or fix the date")
        if kind == "paid" and churned is not None:
            del history["churned"]  # re-activated
        history[kind] = event


# How alike a lone id must be to a known one to look like its typo (difflib's ratio):
# `globx` and `globex` are 0.91; `acme` and `acne`, two plausible companies, 0.75.
MISTYPED_ID_CUTOFF = 0.8


def mistyped_account_ids(config: Config, content: Content, problems: Problems) -> None:
    """An account id written once, in one event, close to another id is most likely that
    account mistyped (`globx` for `globex`): its `paid` would start a customer that never
    was and leave the real one short. A warning, an error with --strict. A new account is
    confirmed by declaring it under `accounts:`. Ids are named as everywhere: a public one
    quoted, any other not at all (its first place is given instead)."""
    events = account_events(content.weeks)
    mentions = Counter(event.id for event in events)
    mentions.update(call.account for week in content.weeks for call in week.calls
                    if call.account)
    mentions.update(doc.meta.customer for doc in content.case_studies
                    if isinstance(doc.meta, CaseStudyMeta) and doc.meta.customer)
    mentions.update(list(config.accounts))
    first: dict[str, AccountEvent] = {}
    for event in events:
        first.setdefault(event.id, event)
    order = {account: index for index, account in enumerate(first)}
    for account, event in first.items():
        if mentions[account] != 1:
            continue
        others = [other for other in first if other != account
                  # of two lone ids alike, only the later one is the suspect
                  and (mentions[other] > 1 or order[other] < order[account])]
        others += [other for other in config.accounts if other not in first]
        known = _closest(account, tuple(sorted(others)))
        if known is None:
            continue
        if is_public(config, known):
            named, guess = f"'{known}'", f"did you mean '{known}'?"
        else:
            where = first[known].at("id") if known in first else config.at("accounts", known)
            named = "another account's id (not shown: the account is not public)"
            alias = shown_in_messages(config, content.weeks)[known]
            guess = f"did you mean {alias}, first logged at {where}?"
        problems.warning(event.at("id"), f"this account id appears nowhere else and is close "
                         f"to {named}: a typo starts a new account ('{event.event}' would "
                         "not count for the one you meant)",
                         f"{guess} If it is a new account, declare it under `accounts:` in "
                         "traction.yaml")


# `traction serve` checks the same ids again on every save; difflib is the slow part.
# Each key holds the ids of the log: a few hundred keys at most.
@functools.lru_cache(maxsize=256)
def _closest(account: str, others: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(account, others, n=1, cutoff=MISTYPED_ID_CUTOFF)
    return close[0] if close else None


def placeholders_left(config: Config, content: Content, problems: Problems) -> None:
    """Text a template wrote for the founder to replace, about to be published as is, and a
    site URL that is an example's (SPEC: `site.url` is where the site is published)."""
    if is_example_url(config.site.url):
        problems.warning(config.site.at("url"), "site.url is still the example address; "
                         "canonical links, the feed and the sitemap would point there",
                         "set it to where the site is published, e.g. "
                         "https://<owner>.github.io/<repository>/")
    texts = [(config.site.at("description"), config.site.description),
             (config.company.at("tagline"), config.company.tagline),
             *_public_texts(config, content, bodies=False)]
    found = [pos for pos, text in texts if text and is_placeholder(text)]
    for doc in _published(content):
        lines = _PLACEHOLDER_LINES.get(doc, None, lambda d: tuple(
            offset for offset, line in enumerate(d.body.split("\n"))
            if line and is_placeholder(line)))
        found += [Pos(doc.file, doc.body_line + offset) for offset in lines]
    _PLACEHOLDER_LINES.done()
    for pos in found:
        problems.warning(pos, "this is the template's example text; it would be published as "
                         "is", "write your own, or remove the line")


def sources_declared(config: Config, content: Content, problems: Problems) -> None:
    declared = sorted(config.sources)
    for week in content.weeks:
        used = [(e.at("source"), e.source) for e in week.accounts if e.source]
        used += [(s.at("source"), s.source) for s in week.spend]
        for where, source in used:
            if source not in config.sources:
                problems.warning(where, f"source '{source}' is not declared in traction.yaml",
                                 did_you_mean(source, declared)
                                 or f"add `{source}: {{}}` under `sources:`")


def scalable_sources_priced(config: Config, content: Content, problems: Problems) -> None:
    for name, source in config.sources.items():
        if source.scalable and source.max_cac is None:
            problems.error(config.at("sources", name), f"scalable source '{name}' has no max_cac",
                           "a scalable source must pay off: add the highest spend per win you "
                           f"accept, e.g. {name}: {{scalable: true, max_cac: 3000}}")


def log_span(config: Config, content: Content, problems: Problems) -> None:
    """The weekly logs span at most `max_span_years`: two files decades apart (a year
    mistyped) would otherwise make a build, its pages and progress.json grow with the
    calendar between them."""
    if len(content.weeks) < 2:
        return
    first, last = content.weeks[0], content.weeks[-1]
    years = (last.monday - first.monday).days / 365.25
    if years > config.max_span_years:
        problems.error(last.at("week"), f"the weekly logs span {years:.0f} years ({first.week} to "
                       f"{last.week}); the limit is {config.max_span_years}",
                       "check the year in the file name, or raise max_span_years in traction.yaml")


def missing_weeks(config: Config, content: Content, problems: Problems) -> None:
    unread = set()  # a week file with errors is there, just unread: not missing
    for rel in content.unread_weeks:
        with contextlib.suppress(ValueError):  # a name like 2026-W99: its own error says so
            unread.add(IsoWeek.parse(Path(rel).stem).index)
    previous: WeekLog | None = None
    for week in content.weeks:
        if previous is not None:
            start, end = week_index(previous.monday) + 1, week_index(week.monday) - 1
            gaps = _runs([i for i in range(start, end + 1) if i not in unread])
            for first, last in gaps:
                span = _span(first, last)
                problems.warning(week.at("week"), f"no log for {span}; counted as no activity",
                                 "add the missing weeks with `traction new week --week ...`")
        previous = week


def weeks_after_log(content: Content, as_of: datetime.date, problems: Problems) -> None:
    """Weeks that ended between the latest week file and the as-of date have no log: they
    count as no activity, like a gap between files."""
    if not content.weeks:
        return
    last = content.weeks[-1]
    start, end = week_index(last.monday) + 1, week_index(as_of) - (as_of.isoweekday() != 7)
    if start <= end:
        span = _span(start, end)
        problems.warning(last.at("week"), f"no log for {span} (as of {as_of}); counted as "
                         "no activity", "add the missing weeks with `traction new week --week ...`")


def _span(first: int, last: int) -> str:
    """`2026-W14`, or `2026-W14 to 2026-W16`, of week indexes."""
    if first == last:
        return IsoWeek.from_index(first).label
    return f"{IsoWeek.from_index(first)} to {IsoWeek.from_index(last)}"


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted numbers, as (first, last)."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def founders_listed(config: Config, content: Content, problems: Problems) -> None:
    if not config.founders:
        problems.error(config.at("founders"), "`founders` is empty",
                       "list at least one founder id, e.g. founders: [dana]")


def documents(config: Config, content: Content, problems: Problems) -> None:
    known_accounts = account_ids(config, content.weeks)
    for folder in (content.case_studies, content.pages):
        slugs: dict[str, str] = {}
        for doc in folder:
            key = doc.slug.lower()
            if key in slugs:
                problems.error(doc.meta.pos, f"slug '{doc.slug}' collides with '{slugs[key]}'",
                               "slugs are compared without case; rename one of the files")
            slugs[key] = doc.slug
    for doc in (*content.case_studies, *content.pages):
        if doc.slug.casefold() in WINDOWS_RESERVED:
            problems.error(Pos(doc.file), f"'{doc.slug}' is a reserved file name on Windows",
                           "repositories are cloned on Windows too; rename the file")
    for doc in content.pages:
        if doc.slug.casefold() in RESERVED_SLUGS:
            problems.error(Pos(doc.file), f"page slug '{doc.slug}' is taken by the site's "
                           f"own /{doc.slug.casefold()}/ pages",
                           "rename the file, e.g. pages/about.md")
    for doc in content.case_studies:
        customer = getattr(doc.meta, "customer", None)
        if customer and customer not in known_accounts:
            # Neither the text typed nor a suggested id is repeated unless it is public: the
            # text may be a private name, the nearest id that of an account not public.
            close = did_you_mean(customer, sorted(known_accounts))
            suggestion = close.split("'")[1] if close else None
            if suggestion is not None and not is_public(config, suggestion):
                where = next((e.at("id") for e in account_events(content.weeks)
                              if e.id == suggestion), config.at("accounts", suggestion))
                close = (f"did you mean the account at {where}? (it is not public, so its id "
                         "is not repeated)")
            problems.warning(doc.meta.at("customer"), "customer is not a known account",
                             close or "use the id of an account in the weekly logs")


def private_names_in_public_fields(config: Config, content: Content, problems: Problems) -> None:
    """The id or name of an account that is not public, typed into a field that is published
    (a summary, a case study's title, slug, tags, results or text, a page, a custom ladder or
    milestone, a source name), is a warning (an error with --strict). The message does not
    repeat the name it found."""
    secrets = {account for account in account_ids(config, content.weeks)
               if not is_public(config, account)}
    secrets |= {info.name for account, info in config.accounts.items()
                if info.name and not info.public}
    # Compared word by word ('-' and '_' separate words, so `acme` is found in a source
    # `acme-referrals`): linear in the text, whatever the number of accounts.
    wanted = {tuple(_WORD.findall(secret.lower())) for secret in secrets if len(secret) >= 3}
    wanted.discard(())
    sizes = sorted({len(words) for words in wanted})
    firsts = frozenset(words[0] for words in wanted)

    def names_one(text: str) -> bool:
        words = _WORD.findall(text.lower())
        if firsts.isdisjoint(words):  # most texts: no word that starts a name
            return False
        return any(words[i] in firsts and tuple(words[i:i + n]) in wanted
                   for i in range(len(words)) for n in sizes)

    found = [pos for pos, text in _public_texts(config, content, bodies=False)
             if names_one(text)]
    for doc in _published(content):
        if _MAY_NAME.get(doc, firsts, lambda d: not firsts.isdisjoint(
                _WORD.findall(d.body.lower()))):  # else no line of it can name one
            found += [Pos(doc.file, doc.body_line + offset)
                      for offset, line in enumerate(doc.body.split("\n")) if names_one(line)]
    _MAY_NAME.done()
    for pos in found:
        problems.warning(pos, "names an account that is not public (the name is not repeated "
                         "here); it would be published",
                         "write its alias (e.g. 'a customer'), or mark the account "
                         "`public: true` in traction.yaml if it agreed")


class _PerDocument(Generic[T]):
    """An answer about each published document, from the last check while the document is
    the same object and asked with the same `key`: `traction serve` checks on every save,
    and the loader keeps an unchanged file's document. Only the documents of the last
    check are kept (`done`)."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[Document, object, T]] = {}
        self._now: dict[str, tuple[Document, object, T]] = {}

    def get(self, doc: Document, key: object, answer: Callable[[Document], T]) -> T:
        last = self._last.get(doc.file)
        value = (last[2] if last is not None and last[0] is doc and last[1] == key
                 else answer(doc))
        self._now[doc.file] = (doc, key, value)
        return value

    def done(self) -> None:
        self._last, self._now = self._now, {}


# Whether a word of a document starts a private name (by those first words); which of its
# lines are template text.
_MAY_NAME: _PerDocument[bool] = _PerDocument()
_PLACEHOLDER_LINES: _PerDocument[tuple[int, ...]] = _PerDocument()


_WORD = re.compile(r"[^\W_]+")


def _public_texts(config: Config, content: Content, bodies: bool = True
                  ) -> Iterator[tuple[Pos, str]]:
    """Every text that is published, where it is written: each line of a document's body
    too, unless `bodies` is off."""
    for source in config.sources:
        yield config.at("sources", source), source
    for ladder in config.custom_ladders:
        yield ladder.at("title"), ladder.title
        yield ladder.at("summary"), ladder.summary
        for milestone in ladder.milestones:
            for key in ("id", "title", "summary", "why"):
                yield milestone.at(key), getattr(milestone, key)
    for week in content.weeks:
        yield week.at("summary"), week.summary
    for doc in _published(content):
        yield Pos(doc.file), doc.slug
        yield doc.meta.at("title"), doc.meta.title
        yield doc.meta.at("summary"), doc.meta.summary
        if isinstance(doc.meta, CaseStudyMeta):
            for index, tag in enumerate(doc.meta.tags):
                yield doc.meta.at("tags", index), tag
            for result in doc.meta.results:
                for key in ("metric", "before", "after"):
                    yield result.at(key), getattr(result, key)
        if bodies:
            for offset, line in enumerate(doc.body.split("\n")):
                yield Pos(doc.file, doc.body_line + offset), line


def _published(content: Content) -> Iterator[Document]:
    return (doc for doc in (*content.case_studies, *content.pages) if not doc.meta.draft)


RULES: tuple[Rule, ...] = (
    founders_listed, event_fields, dates_in_week, assertions_given, lifecycle, sources_declared,
    scalable_sources_priced, log_span, missing_weeks, documents,
    private_names_in_public_fields, mistyped_account_ids, placeholders_left,
)
# Rules over the whole history of an account: with a week file unread they would report
# the gap it leaves (a `paid` event missing) as errors of other files.
HISTORY_RULES = frozenset({lifecycle, mistyped_account_ids})


def check(config: Config, content: Content, problems: Problems,
          as_of: datetime.date | None = None) -> None:
    for rule in RULES:
        if not (content.unread_weeks and rule in HISTORY_RULES):
            rule(config, content, problems)
    if as_of is not None:
        weeks_after_log(content, as_of, problems)
