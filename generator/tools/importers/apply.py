"""What an import changes: plan the week files, check them as `traction check` would, show
the diff, and write it only when asked.

An importer hands over entries; this module appends each to the week file of its date (a new
file from the `traction new week` template where there is none), checks the whole log with
the new texts in a scratch copy, and writes every file or none: a refusal leaves the content
byte for byte as it was.
"""

from __future__ import annotations

import datetime
import difflib
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from generator.isoweek import IsoWeek
from generator.pipeline import analyse
from generator.problems import Pos, Problems
from generator.source.declare import Record, key_names, read
from generator.source.loader import Content
from generator.source.yamlsource import MAX_FILE_BYTES, parse_file_bytes
from generator.tools.importers.insertion import append_entries
from generator.tools.scaffold import week_text

R = TypeVar("R", bound=Record)

# A Stripe export of ten years of daily charges is ~30 MB; anything larger is not one.
MAX_IMPORT_BYTES = 64 * 1024 * 1024

# What `analyse` reads: the scratch copy the new texts are checked in holds these.
_CONTENT_PARTS = ("traction.yaml", "weeks", "case-studies", "pages")


class ImportFileError(Exception):
    """A file given to `traction import` that cannot be read as what it should be, or a week
    file that changed while importing. One line; it never repeats a private value."""


@dataclass(frozen=True)
class Entry:
    """One entry to add to the log."""

    date: datetime.date
    key: str  # the week file's list: "calls" or "accounts"
    fragment: str  # the list item's YAML, without its "- "


@dataclass(frozen=True)
class Change:
    """A week file before and after the import."""

    path: str  # relative to the content directory: weeks/2026-W47.yaml
    old: str | None  # None: the file is new
    new: str


@dataclass(frozen=True)
class Outcome:
    changes: tuple[Change, ...]
    added: int  # entries added (or that --write would add)
    written: bool


def read_import_file(path: Path) -> bytes:
    """The bytes of a file to import, refused past MAX_IMPORT_BYTES before it is read."""
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_IMPORT_BYTES:
                raise ImportFileError(f"{path}: larger than {MAX_IMPORT_BYTES // 2**20} MB; "
                                      "export a shorter date range")
            return handle.read()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read it: {exc.strerror}") from None


def load_log(content_dir: Path, problems: Problems) -> Content | None:
    """The content as `check` reads it, or None when it has errors (reported): an import
    starts from a log that checks."""
    analysis = analyse(content_dir)
    errors = [problem for problem in analysis.problems if problem.is_error]
    for problem in errors:
        problems.add(problem)
    return None if errors else analysis.content


def read_settings(path: Path, content_dir: Path, model: type[R], problems: Problems
                  ) -> R | None:
    """An importer's settings file (e.g. imports/stripe.yaml), read as strictly as the
    content; None when it is missing or has errors (reported, at its path from the content
    directory when it is inside it)."""
    rel = (path.relative_to(content_dir).as_posix() if path.is_relative_to(content_dir)
           else str(path))
    if not path.is_file():
        return None
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.error(Pos(rel), "file is too large for a settings file")
        return None
    errors = problems.errors
    data = parse_file_bytes(path.read_bytes(), rel, problems, known_keys=key_names(model))
    if problems.errors > errors:
        return None
    return model() if data is None else read(model, data, rel, problems)


def apply(content_dir: Path, entries: Iterable[Entry], problems: Problems, *, write: bool
          ) -> Outcome:
    """Plan the changes `entries` make, check them, and write them if `write` and they check.
    Problems of the new texts are reported (at their lines in the new files) and stop it."""
    entries = list(entries)
    errors = problems.errors
    changes = _plan(content_dir, entries, problems)
    if problems.errors > errors or not changes:
        return Outcome((), 0, False)
    _check(content_dir, changes, problems)
    if problems.errors > errors or not write:
        return Outcome(changes, len(entries), False)
    _write(content_dir, changes)
    return Outcome(changes, len(entries), True)


def _plan(content_dir: Path, entries: list[Entry], problems: Problems) -> tuple[Change, ...]:
    by_week: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.date):  # stable: same day, as found
        by_week.setdefault(IsoWeek.of(entry.date).label, []).append(entry)
    changes = []
    for week, found in sorted(by_week.items()):
        rel = f"weeks/{week}.yaml"
        old = _current_text(content_dir, rel)
        text = week_text(week, []) if old is None else old
        for key in ("calls", "accounts"):
            try:
                text = append_entries(text, key, [e.fragment for e in found if e.key == key])
            except ValueError as exc:
                line, message = exc.args
                problems.error(Pos(rel, line), message)
        changes.append(Change(rel, old, text))
    return tuple(changes)


def _current_text(content_dir: Path, rel: str) -> str | None:
    path = content_dir / rel
    if not path.exists() and not path.is_symlink():
        return None
    # The log checked (load_log), so this is a regular file of valid UTF-8 under the cap.
    return path.read_bytes().decode("utf-8")


def _check(content_dir: Path, changes: tuple[Change, ...], problems: Problems) -> None:
    """Check the log with the new texts, in a scratch copy of the content, by the rules of
    `traction check`; report its errors."""
    with tempfile.TemporaryDirectory(prefix="traction-import-") as scratch:
        copy = Path(scratch) / "content"
        copy.mkdir()
        for part in _CONTENT_PARTS:
            source = content_dir / part
            if source.is_dir() and not source.is_symlink():
                shutil.copytree(source, copy / part, symlinks=True)
            elif source.exists() or source.is_symlink():
                shutil.copy2(source, copy / part, follow_symlinks=False)
        for change in changes:
            target = copy / change.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(change.new, "utf-8", newline="")
        for problem in analyse(copy).problems:
            if problem.is_error:
                problems.add(problem)


def _write(content_dir: Path, changes: tuple[Change, ...]) -> None:
    """Every file or none: each new text goes to a hidden file beside its target (which the
    loader skips), then all are renamed into place, after checking nothing changed since."""
    staged: list[tuple[Path, Path]] = []
    try:
        for change in changes:
            target = content_dir / change.path
            if _current_text(content_dir, change.path) != change.old:
                raise ImportFileError(f"{change.path} changed while importing; nothing was "
                                      "written, run the import again")
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.import")
            with temporary.open("w", encoding="utf-8", newline="") as handle:
                handle.write(change.new)
            staged.append((temporary, target))
            if change.old is not None:
                shutil.copymode(target, temporary)
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


def unified_diff(changes: Iterable[Change]) -> str:
    """The changes as one unified diff, as `git diff` shows them (a/ and b/ paths)."""
    out: list[str] = []
    for change in changes:
        out += difflib.unified_diff(
            _lines(change.old or ""), _lines(change.new),
            "/dev/null" if change.old is None else f"a/{change.path}", f"b/{change.path}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def _lines(text: str) -> list[str]:
    """Lines split at line feeds only: a quoted value may hold other line separators."""
    if not text:
        return []
    return [line + "\n" for line in text.split("\n")][:-1] + (
        [text.rsplit("\n", 1)[-1]] if not text.endswith("\n") else [])
