"""Planning, checking and writing an import: every file or none, checked as `check` does."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from generator.problems import Problems
from generator.tools.importers.apply import Change, Entry, apply, unified_diff

WEEK = """\
week: 2026-W47
summary: Some week.
# accounts come below
accounts:
  - {id: acme, event: qualified, date: 2026-11-16, source: cold-email, owner: dana}
"""


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file()}


def test_entries_go_to_the_week_of_their_date_and_a_missing_week_is_made(
        content: Callable[..., Path]) -> None:
    root = content(weeks={"2026-W47": WEEK})
    entries = [Entry(datetime.date(2026, 11, 24), "accounts", "{id: acme, event: won, "
                     "date: 2026-11-24}"),
               Entry(datetime.date(2026, 11, 17), "calls", "date: 2026-11-17\naccount: acme")]
    problems = Problems()
    outcome = apply(root, entries, problems, write=True)
    assert not list(problems) and outcome.written and outcome.added == 2
    assert (root / "weeks" / "2026-W47.yaml").read_text("utf-8") == WEEK + (
        "calls:\n  - date: 2026-11-17\n    account: acme\n")
    new = (root / "weeks" / "2026-W48.yaml").read_text("utf-8")
    assert new.startswith("# yaml-language-server") and "week: 2026-W48\n" in new
    assert "accounts:\n  - {id: acme, event: won, date: 2026-11-24}\n" in new
    assert not [p for p in (root / "weeks").iterdir() if p.name.startswith(".")]


def test_a_result_that_does_not_check_is_refused_and_nothing_is_written(
        content: Callable[..., Path]) -> None:
    root = content(weeks={"2026-W47": WEEK})
    before = files(root)
    entries = [Entry(datetime.date(2026, 11, 18), "accounts",
                     "{id: acme, event: won, date: 2026-11-18}"),
               Entry(datetime.date(2026, 11, 19), "accounts",
                     "{id: acme, event: lost, date: 2026-11-19}"),
               Entry(datetime.date(2026, 11, 30), "accounts",
                     "{id: acme, event: paid, date: 2026-11-30}")]
    problems = Problems()
    outcome = apply(root, entries, problems, write=True)
    assert not outcome.written
    assert [(str(p.pos), p.message) for p in problems if p.is_error] == [
        ("weeks/2026-W47.yaml:7:23", "account Customer 1 is both won and lost")]
    assert files(root) == before


def test_a_list_written_inline_is_refused_at_its_line(content: Callable[..., Path]) -> None:
    root = content(weeks={"2026-W47": "week: 2026-W47\ncalls: [{date: 2026-11-16}]\n"})
    before = files(root)
    problems = Problems()
    apply(root, [Entry(datetime.date(2026, 11, 17), "calls", "date: 2026-11-17")], problems,
          write=True)
    assert [(str(p.pos), p.message) for p in problems] == [
        ("weeks/2026-W47.yaml:2:1", "`calls:` is written inline; write it as a list of `- ` "
                                    "lines to import into it")]
    assert files(root) == before


def test_without_write_nothing_is_written(content: Callable[..., Path]) -> None:
    root = content(weeks={"2026-W47": WEEK})
    before = files(root)
    outcome = apply(root, [Entry(datetime.date(2026, 11, 24), "calls", "date: 2026-11-24")],
                    Problems(), write=False)
    assert not outcome.written and len(outcome.changes) == 1 and files(root) == before


def test_the_diff_is_a_unified_diff_with_git_paths() -> None:
    diff = unified_diff([Change("weeks/2026-W47.yaml", "a\nb\n", "a\nb\nc\n"),
                         Change("weeks/2026-W48.yaml", None, "new\u2028line\n")])
    assert diff == ("--- a/weeks/2026-W47.yaml\n+++ b/weeks/2026-W47.yaml\n@@ -1,2 +1,3 @@\n"
                    " a\n b\n+c\n"
                    "--- /dev/null\n+++ b/weeks/2026-W48.yaml\n@@ -0,0 +1 @@\n+new\u2028line\n")


def test_a_week_file_keeps_its_permissions(content: Callable[..., Path]) -> None:
    root = content(weeks={"2026-W47": WEEK})
    week = root / "weeks" / "2026-W47.yaml"
    week.chmod(0o600)
    apply(root, [Entry(datetime.date(2026, 11, 18), "calls", "date: 2026-11-18")], Problems(),
          write=True)
    assert "date: 2026-11-18" in week.read_text("utf-8") and week.stat().st_mode & 0o777 == 0o600
