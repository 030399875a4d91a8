"""Problems found in the content or theme: errors as data, each with a place.

They are collected one way: every stage that can find one takes a `Problems` and reports
to it (`problems.error(pos, message, hint)`), then goes on, so one run reports everything.
No stage returns problems, yields them or raises them to another module. The CLI prints
them all at once, sorted by file and line, in text, JSON or GitHub workflow-command form.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class Pos(NamedTuple):
    """A place in a content file: path relative to the content dir, 1-based line and column.

    A named tuple, not a dataclass: the loader makes one per YAML value, and tuples are
    the cheapest immutable, ordered, hashable records Python has.
    """

    file: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One error or warning. `message` never repeats a private value."""

    severity: Severity
    pos: Pos
    message: str
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def error(pos: Pos, message: str, hint: str | None = None) -> Problem:
    return Problem("error", pos, message, hint)


class Problems:
    """Where a run reports its problems. A stage that must stop on a bad input compares
    `errors` before and after a step, instead of threading an ok flag back up."""

    __slots__ = ("_found", "errors")

    def __init__(self, found: Iterable[Problem] = ()) -> None:
        self._found: list[Problem] = []
        self.errors = 0  # errors reported so far
        for problem in found:
            self.add(problem)

    def error(self, pos: Pos, message: str, hint: str | None = None) -> None:
        self._found.append(Problem("error", pos, message, hint))
        self.errors += 1

    def warning(self, pos: Pos, message: str, hint: str | None = None) -> None:
        self._found.append(Problem("warning", pos, message, hint))

    def add(self, problem: Problem) -> None:
        self._found.append(problem)
        self.errors += problem.is_error

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def __repr__(self) -> str:
        return f"Problems({self._found!r})"

    def sorted(self) -> tuple[Problem, ...]:
        return tuple(sort_problems(self._found))


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted by file, line, column, then errors before warnings; duplicates dropped."""
    return sorted(set(problems), key=lambda p: (p.pos, p.severity != "error", p.message))


def promote_warnings(problems: Iterable[Problem]) -> list[Problem]:
    """`--strict`: every warning becomes an error."""
    return [Problem("error", p.pos, p.message, p.hint) for p in problems]


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """One line with no control characters: a value quoted in a message cannot start a new
    line (a fake `::error` in a CI log) or send terminal escapes."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def located(file: str, base: str = "") -> str:
    """A problem's file (relative to the content folder) as a path from `base`, the content
    folder as the user named it: `content/weeks/2026-W47.yaml` from the repository's root,
    `weeks/2026-W47.yaml` from inside the folder, absolute for an absolute --content. So
    an editor or terminal opens it from where the command ran."""
    return posixpath.normpath(posixpath.join(base, file)) if base else file


def format_text(problems: list[Problem], color: bool = False, base: str = "") -> str:
    """`path:line:col: error: message` and its hint; errors first, then warnings, each
    group in file and line order. Paths start at `base` (see `located`)."""
    lines = []
    ordered = [p for p in problems if p.is_error] + [p for p in problems if not p.is_error]
    for p in ordered:
        label: str = p.severity
        if color:
            label = f"\x1b[1;31m{label}\x1b[0m" if p.is_error else f"\x1b[1;33m{label}\x1b[0m"
        where = f"{located(p.pos.file, base)}:{p.pos.line}:{p.pos.col}"
        lines.append(f"{printable(where)}: {label}: {printable(p.message)}")
        if p.hint:
            lines.append(f"  hint: {printable(p.hint)}")
    return "\n".join(lines)


def summary_line(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def format_json(problems: list[Problem], base: str = "") -> str:
    """The problems for tools; paths start at `base`, as in `format_text`."""
    items = [
        {
            "severity": p.severity,
            "file": located(p.pos.file, base),
            "line": p.pos.line,
            "col": p.pos.col,
            "message": p.message,
            "hint": p.hint,
        }
        for p in problems
    ]
    errors = sum(p.is_error for p in problems)
    doc = {"ok": errors == 0, "errors": errors, "warnings": len(problems) - errors,
           "problems": items}
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _escape_github(text: str, *, prop: bool = False) -> str:
    # Workflow-command escaping, as in @actions/core (escapeData / escapeProperty).
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problems: list[Problem], content_prefix: str = "") -> str:
    """`::error file=…,line=…,col=…::message` annotations for GitHub Actions. GitHub places
    them by paths from the repository's root, wherever the command ran: `content_prefix`
    is the content folder's path from there."""
    lines = []
    for p in problems:
        path = f"{content_prefix}{p.pos.file}"
        message = p.message + (f" (hint: {p.hint})" if p.hint else "")
        lines.append(
            f"::{p.severity} file={_escape_github(path, prop=True)},line={p.pos.line},"
            f"col={p.pos.col},title={_escape_github('traction check', prop=True)}"
            f"::{_escape_github(message)}"
        )
    return "\n".join(lines)
