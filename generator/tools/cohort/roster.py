"""`cohort.yaml`: the cohort's title, its optional start date and its startups.

Read with the strict YAML reader and declared records of `source`, so a mistake is an
error at file:line:col with a hint, as in `traction.yaml`. Checks beyond the records: two
startups with the same name, and a `progress` that is neither a path nor an https URL.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from generator.problems import Pos, Problems
from generator.source.declare import ListOf, Record, read, spec
from generator.source.scalars import Date, Text, Url
from generator.source.yamlsource import MAX_FILE_BYTES, parse_file_bytes, too_big

HTTPS = "https://"
MAX_NAME_CHARS = 200  # a name is a table cell and a feed title; a paragraph is a mistake


@dataclass(frozen=True, kw_only=True)
class Startup(Record):
    """A startup of the cohort."""

    name: str = spec(Text, doc="The startup's name, as the cohort page shows it.")
    progress: str = spec(Text, doc="Its published progress.json: a path relative to this "
                         "file, or an https URL (read only with --fetch).")

    @property
    def is_url(self) -> bool:
        return self.progress.startswith(HTTPS)


@dataclass(frozen=True, kw_only=True)
class Roster(Record):
    """A cohort of startups (cohort.yaml)."""

    title: str = spec(Text, doc="The cohort's name, e.g. Spring 2027 batch.")
    start: datetime.date | None = spec(Date, None, doc="The day the cohort started: the "
                                       "page shows the median weeks from it to each "
                                       "milestone.")
    url: str | None = spec(Url, None, doc="Where the cohort page is published (absolute); "
                           "the feed's links and id start with it.")
    startups: list[Startup] = spec(ListOf(Startup, min_items=1), doc="The startups.")


def read_roster(path: Path, problems: Problems, shown: str | None = None) -> Roster | None:
    """The roster in `path`, or None with every problem reported (at `shown`, the path as
    the user named it)."""
    file = shown or path.as_posix()
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            too_big(file, path.stat().st_size, problems)
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        problems.error(Pos(file), "cohort file not found",
                       "pass the path of a cohort.yaml (title:, start:, startups:)")
        return None
    except IsADirectoryError:
        problems.error(Pos(file), "this is a folder, not a cohort file",
                       "pass the path of a cohort.yaml")
        return None
    except OSError as exc:
        problems.error(Pos(file), f"cannot read the cohort file ({exc.strerror or exc})")
        return None
    errors = problems.errors
    parsed = parse_file_bytes(data, file, problems)
    if problems.errors > errors:
        return None
    if parsed is None:
        problems.error(Pos(file), "the cohort file is empty",
                       "write title: and startups: [{name: ..., progress: ...}]")
        return None
    roster = read(Roster, parsed, file, problems)
    if roster is None:
        return None
    _check_startups(roster, problems)
    return None if problems.errors > errors else roster


def _check_startups(roster: Roster, problems: Problems) -> None:
    seen: dict[str, Startup] = {}
    for startup in roster.startups:
        name = startup.name.strip()
        if not name:
            problems.error(startup.at("name"), "a startup's name is empty",
                           "write the name the cohort page should show")
        elif len(name) > MAX_NAME_CHARS:
            problems.error(startup.at("name"), f"the name is {len(name):,} characters; the "
                           f"limit is {MAX_NAME_CHARS}", "a name is a table cell: shorten it")
        key = " ".join(name.casefold().split())
        if key and key in seen:
            first = seen[key].at("name")
            problems.error(startup.at("name"), f"two startups are named '{name}'",
                           f"the first is at line {first.line}; names must be unique, so "
                           "the page, the feed and cohort.json can tell them apart")
        seen.setdefault(key, startup)
        _check_source(startup, problems)


def _check_source(startup: Startup, problems: Problems) -> None:
    source = startup.progress.strip()
    if source != startup.progress or not source:
        problems.error(startup.at("progress"), "expected a path or an https URL",
                       "e.g. progress: acme/progress.json or "
                       "progress: https://acme.github.io/progress/progress.json")
    elif "://" in source and not startup.is_url:
        problems.error(startup.at("progress"), "only https URLs are read",
                       "use the https:// address of the published progress.json")
    elif startup.is_url and any(c.isspace() for c in source):
        problems.error(startup.at("progress"), "a URL cannot hold spaces",
                       "write it as its address bar shows it (%20 for a space)")
