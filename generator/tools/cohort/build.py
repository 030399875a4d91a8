"""`traction cohort`, every stage in order: read cohort.yaml, read each startup's
progress.json, sum the cohort up, render it, write it atomically.

A problem with cohort.yaml is an error: nothing is written. A document that cannot be used
is a warning with the startup's name, at its entry in cohort.yaml, and the cohort is built
from the others (with `strict`, it is an error and nothing is written). The previous
output stays untouched on any failure (`output.writer`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from generator.output.writer import check_output_dir, output_lock, recover, write_site
from generator.problems import Pos, Problem, Problems, promote_warnings
from generator.tools.cohort.documents import Fetch, Published, Skipped, fetch_https, load_all
from generator.tools.cohort.roster import read_roster
from generator.tools.cohort.site import render_cohort
from generator.tools.cohort.summary import Cohort, summarise


@dataclass(frozen=True)
class CohortResult:
    problems: tuple[Problem, ...]
    cohort: Cohort | None  # None when cohort.yaml has an error
    files: int = 0  # files written; 0 when nothing was

    @property
    def ok(self) -> bool:
        return self.files > 0


def skipped_warning(skipped: Skipped, problems: Problems) -> None:
    startup = skipped.startup
    problems.warning(startup.at("progress"), f"{startup.name}: {startup.progress} is "
                     f"skipped: {skipped.reason}", skipped.hint)


def make_cohort(cohort_file: Path, problems: Problems, *, as_of: datetime.date | None = None,
                fetch: Fetch | None = None, strict: bool = False, shown: str | None = None
                ) -> Cohort | None:
    """The cohort, or None when it must not be built (reported)."""
    roster = read_roster(cohort_file, problems, shown)
    if roster is None:
        return None
    loaded = load_all(roster.startups, cohort_file.parent, fetch)
    found = Problems()
    for item in loaded:
        if isinstance(item, Skipped):
            skipped_warning(item, found)
    for problem in promote_warnings(found) if strict else found:
        problems.add(problem)
    if not any(isinstance(item, Published) for item in loaded):
        problems.error(Pos(shown or cohort_file.as_posix()),
                       "no startup's progress.json could be used; nothing to build",
                       "see the warnings above" if found else None)
    if problems.errors:
        return None
    return summarise(roster, loaded, as_of)


def build_cohort(cohort_file: Path, out: Path, *, as_of: datetime.date | None = None,
                 fetch: bool = False, strict: bool = False, shown: str | None = None,
                 fetcher: Fetch = fetch_https) -> CohortResult:
    """Build the cohort site into `out`. Raises OutputError for an output folder that
    cannot be used (it overlaps the cohort file, holds other files, ...)."""
    check_output_dir(out, cohort_file)  # before the lock creates any folder
    problems = Problems()
    with output_lock(out):
        recover(out)
        check_output_dir(out, cohort_file)
        cohort = make_cohort(cohort_file, problems, as_of=as_of,
                             fetch=fetcher if fetch else None, strict=strict, shown=shown)
        if cohort is None:
            return CohortResult(problems.sorted(), None)
        files = render_cohort(cohort)
        write_site(files, out)
    return CohortResult(problems.sorted(), cohort, len(files))
