"""`traction import calendar`: meetings in an iCalendar (.ics) export as calls.

Which meetings are calls: those whose title holds one of `--title-keyword`, or with an
attendee at one of `--domain` (both given: both must hold). The call's type is the first
keyword of the type map found in the title (`--type-map demo=demo,intro=discovery`, or
`types:` in imports/calendar.yaml), else sales. `accounts:` in imports/calendar.yaml links an
attendee's email domain to an account id.

The icalendar library reads the file and recurring-ical-events expands repeating meetings
(RRULE, RDATE, EXDATE, moved or cancelled occurrences) between `--since` and `--until`.
A meeting's day is its day where it was booked (its TZID; a Google export's X-WR-TIMEZONE for
times in UTC), or in `--timezone` when given; an all-day meeting keeps its date. A cancelled
meeting becomes a call with `status: cancelled`. The guests (at `--domain` when given, else
from outside the calendar owner's domain) go into the private `with`, the title into the
private `notes`, and an id made from the event's UID and occurrence into `ref`, so importing
the same file again adds nothing. A call already logged by hand on the same day with the same
account counts as present too.
"""

from __future__ import annotations

import datetime
import hashlib
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.problems import Problems
from generator.source.declare import DictOf, Record, spec
from generator.source.loader import Content
from generator.source.scalars import Id, Text, enum
from generator.source.schema import CALL_TYPES
from generator.tools.importers.apply import (
    Entry,
    ImportFileError,
    Outcome,
    apply,
    load_log,
    read_import_file,
    read_settings,
)
from generator.tools.importers.insertion import Value, block_item, plain_text

SETTINGS = "imports/calendar.yaml"
EARLIEST = datetime.date(1970, 1, 1)  # --since by default: a recurring meeting needs a start


@dataclass(frozen=True, kw_only=True)
class CalendarSettings(Record):
    """`imports/calendar.yaml`: call types by title keyword, accounts by attendee domain."""

    types: dict[str, str] = spec(DictOf(enum(*CALL_TYPES), key=Text), factory=dict,
                                 doc="Title keyword → call type; the first found decides.")
    accounts: dict[str, str] = spec(DictOf(Id, key=Text), factory=dict,
                                    doc="Attendee email domain → account id.")


@dataclass(frozen=True)
class Choice:
    """Which meetings to import, and how to read them."""

    until: datetime.date
    since: datetime.date = EARLIEST
    title_keywords: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    types: dict[str, str] = field(default_factory=dict)  # added to (and before) the file's
    timezone: zoneinfo.ZoneInfo | None = None
    settings: Path | None = None  # default: imports/calendar.yaml in the content


@dataclass(frozen=True)
class Report:
    outcome: Outcome
    present: int  # meetings the log already has
    notes: tuple[str, ...]  # how many meetings were read and matched


@dataclass(frozen=True)
class _Meeting:
    day: datetime.date
    title: str
    attendees: tuple[tuple[str, str], ...]  # (name or "", email)
    organizer: tuple[str, str] | None  # (name or "", email)
    owner: str  # the calendar's owner (a Google export's X-WR-CALNAME), or ""
    cancelled: bool
    ref: str


def import_calendar(content_dir: Path, export: Path, choice: Choice, problems: Problems, *,
                    write: bool) -> Report | None:
    """Read `export`, add the calls the log lacks, and write them if `write`. None when the
    content or the settings have errors (reported); ImportFileError for an unreadable file."""
    content = load_log(content_dir, problems)
    settings_path = choice.settings or content_dir / SETTINGS
    settings = read_settings(settings_path, content_dir, CalendarSettings, problems)
    if content is None or problems.errors:
        return None
    settings = settings or CalendarSettings()
    types = {**{k.casefold(): v for k, v in choice.types.items()},
             **{k.casefold(): v for k, v in settings.types.items() if k not in choice.types}}
    read = read_meetings(export, choice)
    meetings = [m for m in read if _wanted(m, choice)]
    entries, present = _new_entries(meetings, choice, types, settings.accounts, content)
    outcome = apply(content_dir, entries, problems, write=write)
    return Report(outcome, present, (f"{len(read)} meetings from {choice.since} to "
                                     f"{choice.until}, {len(meetings)} of them calls",))


def read_meetings(path: Path, choice: Choice) -> list[_Meeting]:
    """Every meeting that starts between `choice.since` and `choice.until`, repeats
    expanded, in order."""
    import icalendar
    import recurring_ical_events

    data = read_import_file(path)
    # The libraries raise many kinds of exception on a malformed file; none may become a
    # traceback, and their messages may quote the file's (private) lines, so none is shown.
    try:
        calendar = icalendar.Calendar.from_ical(data)
        name = str(calendar.get("X-WR-CALNAME", "")).strip().lower()
        owner = name if "@" in name and " " not in name else ""
        end = choice.until + datetime.timedelta(days=1)
        occurrences = recurring_ical_events.of(calendar).between(choice.since, end)
        meetings = [m for event in occurrences
                    if (m := _meeting(event, choice.timezone, owner)) is not None
                    and choice.since <= m.day <= choice.until]
    except Exception:
        raise ImportFileError(f"{path}: not an iCalendar file this importer can read; export "
                              "it again as .ics from your calendar") from None
    return sorted(meetings, key=lambda m: (m.day, m.ref))


def _meeting(event: Any, timezone: zoneinfo.ZoneInfo | None, owner: str) -> _Meeting | None:
    if event.name != "VEVENT" or "DTSTART" not in event:
        return None
    start = event["DTSTART"].dt
    if isinstance(start, datetime.datetime):
        if timezone is not None and start.tzinfo is not None:
            start = start.astimezone(timezone)
        day = start.date()
    else:
        day = start
    uid = str(event.get("UID", ""))
    occurrence = (event.get("RECURRENCE-ID") or event["DTSTART"]).dt
    if isinstance(occurrence, datetime.datetime) and occurrence.tzinfo is not None:
        occurrence = occurrence.astimezone(datetime.UTC)  # one instant, one ref
    when = occurrence.isoformat()
    key = f"{uid}|{when}" if uid else f"|{when}|{event.get('SUMMARY', '')}"
    return _Meeting(
        day=day,
        title=plain_text(str(event.get("SUMMARY", ""))),
        attendees=tuple(_addresses(event.get("ATTENDEE"))),
        organizer=next(_addresses(event.get("ORGANIZER")), None),
        owner=owner,
        cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
        ref="ics:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16],
    )


def _addresses(value: Any) -> Iterator[tuple[str, str]]:
    for address in value if isinstance(value, list) else [] if value is None else [value]:
        email = str(address)
        if email.lower().startswith("mailto:"):
            email = email[len("mailto:"):]
        name = plain_text(str(getattr(address, "params", {}).get("CN", "")))
        yield name, plain_text(email).lower()


def _domain(email: str) -> str:
    return email.rpartition("@")[2]


def _in_domain(email: str, domain: str) -> bool:
    found, domain = _domain(email), domain.lower().lstrip("@")
    return found == domain or found.endswith("." + domain)


def _wanted(meeting: _Meeting, choice: Choice) -> bool:
    title = meeting.title.casefold()
    by_title = not choice.title_keywords or any(
        keyword.casefold() in title for keyword in choice.title_keywords)
    by_domain = not choice.domains or any(
        _in_domain(email, domain) for _, email in meeting.attendees for domain in choice.domains)
    return by_title and by_domain


def _guests(meeting: _Meeting, domains: tuple[str, ...]) -> list[tuple[str, str]]:
    """Who the call was with: the people at `domains` when given, else those outside the
    domain of the calendar's owner (else of the organizer), else all but those two."""
    people = list(meeting.attendees)
    if meeting.organizer and meeting.organizer[1] not in {email for _, email in people}:
        people.append(meeting.organizer)  # a prospect's invitation may not list its sender
    if domains:
        return [a for a in people if any(_in_domain(a[1], d) for d in domains)]
    organizer = meeting.organizer[1] if meeting.organizer else ""
    home = _domain(meeting.owner or organizer)
    outside = [a for a in people if home and _domain(a[1]) != home]
    return outside or [a for a in people if a[1] not in (organizer, meeting.owner)]


def _new_entries(meetings: Iterable[_Meeting], choice: Choice, types: dict[str, str],
                 domains: dict[str, str], content: Content) -> tuple[list[Entry], int]:
    refs = {call.ref for week in content.weeks for call in week.calls if call.ref}
    logged = {(call.date, call.account) for week in content.weeks for call in week.calls
              if call.account}
    entries: list[Entry] = []
    present = 0
    for meeting in meetings:
        guests = _guests(meeting, choice.domains)
        account = next((account for _, email in guests
                        for domain, account in domains.items() if _in_domain(email, domain)),
                       None)
        if meeting.ref in refs or (account is not None and (meeting.day, account) in logged):
            present += 1
            continue
        refs.add(meeting.ref)
        fields: dict[str, Value] = {"date": meeting.day}
        if guests:
            fields["with"] = "; ".join(f"{name} <{email}>" if name else email
                                       for name, email in guests)
        if account is not None:
            fields["account"] = account
        title = meeting.title.casefold()
        fields["type"] = next((kind for keyword, kind in types.items() if keyword in title),
                              "sales")
        fields["status"] = "cancelled" if meeting.cancelled else "held"
        if meeting.title:
            fields["notes"] = meeting.title
        fields["ref"] = meeting.ref
        entries.append(Entry(meeting.day, "calls", block_item(fields)))
    return entries, present
