"""Calendar meetings as calls: filters, types, time zones, repeats, cancellations."""

from __future__ import annotations

import datetime
import zoneinfo
from pathlib import Path

import pytest

from generator.problems import Problems
from generator.tools.importers.apply import ImportFileError
from generator.tools.importers.calendar_ics import Choice, import_calendar, read_meetings

CALENDAR = Path(__file__).parent / "fixtures" / "import" / "calendar.ics"
UNTIL = datetime.date(2026, 12, 6)


def meetings(**choice: object) -> list[tuple[str, str, bool]]:
    found = read_meetings(CALENDAR, Choice(**{"until": UNTIL, **choice}))  # type: ignore[arg-type]
    return [(str(m.day), m.title, m.cancelled) for m in found if m.title != "Team standup"]


def test_repeats_are_expanded_without_excluded_days_and_with_cancelled_ones() -> None:
    assert meetings() == [
        ("2026-11-17", "Demo – Portside weekly rollout", False),
        ("2026-11-18", "Discovery call with Initech", False),  # 03:30 UTC is 22:30 in New York
        ("2026-11-20", "Discovery: site visit at Hooli", False),  # all day
        ("2026-11-21", 'Demo, "quoted" second line: yes & {not: flow}', False),
        # 11-24 is an EXDATE; 12-01 was cancelled; 12-08 is after --until
        ("2026-12-01", "Demo – Portside weekly rollout", True),
    ]


def test_a_time_zone_given_dates_every_timed_meeting_in_it() -> None:
    berlin = meetings(timezone=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert [day for day, title, _ in berlin if "Initech" in title] == ["2026-11-19"]
    assert [day for day, title, _ in berlin if "Hooli" in title] == ["2026-11-20"]


def test_since_and_until_bound_the_repeats() -> None:
    standups = [m for m in read_meetings(CALENDAR, Choice(until=datetime.date(2026, 11, 22),
                                                          since=datetime.date(2026, 11, 18)))
                if m.title == "Team standup"]
    assert [str(m.day) for m in standups] == ["2026-11-18", "2026-11-19", "2026-11-20"]


def test_an_occurrence_keeps_its_ref_when_the_file_is_read_again() -> None:
    first = read_meetings(CALENDAR, Choice(until=UNTIL))
    again = read_meetings(CALENDAR, Choice(until=UNTIL, since=datetime.date(2026, 11, 1)))
    assert [m.ref for m in first if m.day >= datetime.date(2026, 11, 1)] == [m.ref for m in again]
    assert len({m.ref for m in first}) == len(first)


@pytest.mark.parametrize("data", [b"", b"not a calendar", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
                                  b"\xff\xfe\x00garbage"])
def test_a_file_that_is_not_a_calendar_is_one_line(tmp_path: Path, data: bytes) -> None:
    export = tmp_path / "bad.ics"
    export.write_bytes(data)
    with pytest.raises(ImportFileError, match=r"bad.ics: not an iCalendar file this importer"):
        read_meetings(export, Choice(until=UNTIL))


def test_filters_types_accounts_and_private_fields(demo: Path) -> None:
    (demo / "imports").mkdir()
    (demo / "imports" / "calendar.yaml").write_text(
        "types: {discovery: discovery}\naccounts:\n  portside.example: portside-cold\n", "utf-8")
    problems = Problems()
    choice = Choice(until=UNTIL, title_keywords=("demo", "DISCOVERY"), types={"demo": "demo"})
    report = import_calendar(demo, CALENDAR, choice, problems, write=False)
    assert report is not None and not list(problems)
    week47, week49 = (change.new for change in report.outcome.changes)
    assert ("calls:\n  - date: 2026-12-01\n"
            '    with: "Baptiste, Andre <andre.baptiste@portside.example>"\n'
            "    account: portside-cold\n"
            "    type: demo\n"
            "    status: cancelled\n"
            '    notes: "Demo – Portside weekly rollout"\n'
            '    ref: "ics:') in week49
    assert "    type: discovery\n    status: held\n    notes: \"Discovery call" in week47
    assert "dana@baywise.example" not in week47  # the organizer is not a guest
    assert "standup" not in week47
    # the Portside demo of 2026-11-17 is in W47 already, logged by hand with its account
    assert (report.outcome.added, report.present) == (4, 1)


def test_a_domain_filter_keeps_meetings_with_someone_there(demo: Path) -> None:
    choice = Choice(until=UNTIL, domains=("initech.example",))
    report = import_calendar(demo, CALENDAR, choice, Problems(), write=False)
    assert report is not None and report.outcome.added == 1
    assert report.notes == ("20 meetings from 1970-01-01 to 2026-12-06, 1 of them calls",)


def test_a_call_logged_by_hand_with_the_same_account_that_day_is_present(demo: Path) -> None:
    (demo / "imports").mkdir()
    (demo / "imports" / "calendar.yaml").write_text(
        "accounts: {portside.example: portside-cold}\n", "utf-8")
    choice = Choice(until=datetime.date(2026, 11, 22), title_keywords=("portside",))
    report = import_calendar(demo, CALENDAR, choice, Problems(), write=False)
    # W47 has the Portside demo of 2026-11-17 already, written by hand
    assert report is not None and (report.outcome.added, report.present) == (0, 1)


INVITATION = """\
BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
X-WR-CALNAME:dana@baywise.example\r
BEGIN:VEVENT\r
UID:from-a-prospect@initech.example\r
DTSTART:20261118T150000Z\r
ORGANIZER;CN="Bill Lumbergh":mailto:bill@initech.example\r
ATTENDEE;CN=Dana:mailto:dana@baywise.example\r
ATTENDEE;CN=Tom:mailto:tom@baywise.example\r
SUMMARY:Demo\\nfor \x1b[31mInitech\x07\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_a_prospects_invitation_is_with_the_prospect_and_control_characters_go(
        demo: Path, tmp_path: Path) -> None:
    export = tmp_path / "invite.ics"
    export.write_bytes(INVITATION.encode("utf-8"))
    problems = Problems()
    report = import_calendar(demo, export, Choice(until=UNTIL, title_keywords=("demo",)),
                             problems, write=True)
    assert report is not None and not list(problems) and report.outcome.written
    text = (demo / "weeks" / "2026-W47.yaml").read_text("utf-8")
    assert ('  - date: 2026-11-18\n    with: "Bill Lumbergh <bill@initech.example>"\n'
            '    type: sales\n    status: held\n    notes: "Demo for [31mInitech"\n') in text
