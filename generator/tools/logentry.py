"""`traction log`: one fact, appended to its week's file, checked before it is written.

The entry goes to the file of its date's ISO week (created from the `new week` template
when missing), as text inserted by `tools.yamledit`, so every comment, blank line and key
order stays. Before anything is written, the edit is read back (it must add the entry and
change nothing else) and the whole content folder, with the new text in place of the file,
goes through the same checks as `traction check` (`pipeline.analyse`). On any error the
file is left as it was; else it is replaced atomically.

The date is an argument: the CLI reads the clock, this module never does.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.isoweek import IsoWeek
from generator.pipeline import analyse
from generator.problems import Pos, Problem, Problems
from generator.source.declare import key_names
from generator.source.loader import load, report_symlink
from generator.source.scalars import is_null
from generator.source.schema import WeekLog
from generator.source.yamlsource import LocDict, LocList, Plain, Scalar, decode, parse
from generator.tools.scaffold import ScaffoldError, open_sqls, week_text
from generator.tools.yamledit import NUMBER, append_item, append_paragraph, flow_item, quote, word

SUMMARY = "summary"


@dataclass(frozen=True)
class Entry:
    """One fact to log: the day it happened (which picks the week), where it goes in the
    week's file and its fields as YAML text, or, for a note, the paragraph to add to the
    summary."""

    kind: str  # "call", "account event", ...: what the messages call it
    date: datetime.date
    path: tuple[str, ...] = ()  # keys from the top of the file to the list, e.g. ("calls",)
    fields: tuple[tuple[str, str], ...] = ()
    block: bool = False  # a list with no item yet gets block mappings (`- date: ...`)
    paragraph: str = ""


def _fields(*pairs: tuple[str, str | None]) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, value in pairs if value is not None)


def _text(value: str | None) -> str | None:
    return None if value is None else quote(value)


def _word(value: str | None) -> str | None:
    return None if value is None else word(value)


def _number(value: str | None, option: str) -> str | None:
    """A number as the command line gave it; never repeated in the message (an amount is
    private)."""
    if value is None or NUMBER.match(value):
        return value
    raise ScaffoldError(f"{option} must be a number such as 1200 or 49.50, without a "
                        "currency sign or thousands separators; nothing was written")


def call(day: datetime.date, *, with_: str | None = None, account: str | None = None,
         type_: str = "sales", status: str = "held", notes: str | None = None) -> Entry:
    return Entry("call", day, ("calls",), _fields(
        ("date", day.isoformat()), ("with", _text(with_)), ("account", _word(account)),
        ("type", word(type_)), ("status", word(status)), ("notes", _text(notes))), block=True)


def account_event(day: datetime.date, account: str, event: str, *, source: str | None = None,
                  owner: str | None = None, amount: str | None = None,
                  interval: str | None = None, note: str | None = None) -> Entry:
    return Entry("account event", day, ("accounts",), _fields(
        ("id", word(account)), ("event", word(event)), ("date", day.isoformat()),
        ("source", _word(source)), ("owner", _word(owner)), ("amount", _number(amount, "--amount")),
        ("interval", _word(interval)), ("note", _text(note))))


def list_event(day: datetime.date, type_: str, *, price: str | None = None,
               product: str | None = None, spontaneous: bool | None = None,
               note: str | None = None) -> Entry:
    shown = None if spontaneous is None else ("true" if spontaneous else "false")
    return Entry(type_, day, ("list", "events"), _fields(
        ("date", day.isoformat()), ("type", word(type_)), ("price", _number(price, "PRICE")),
        ("product", _text(product)), ("spontaneous", shown), ("note", _text(note))))


def spend(day: datetime.date, source: str, amount: str) -> Entry:
    return Entry("spend", day, ("spend",), _fields(("source", word(source)),
                                                   ("amount", _number(amount, "AMOUNT"))))


def note(day: datetime.date, paragraph: str) -> Entry:
    """A paragraph for the week's public summary."""
    if not paragraph.strip():
        raise ScaffoldError("the note is empty; nothing was written")
    return Entry("note", day, (SUMMARY,), paragraph=paragraph.strip())


@dataclass(frozen=True)
class Logged:
    """What `log` did. When `written` is false, `problems` holds the errors that stopped it;
    else the warnings about the week's file."""

    file: Path
    written: bool
    created: bool  # the week's file was new
    line: int  # where the entry starts in the file (would start, when refused); 0: unknown
    problems: tuple[Problem, ...]


def week_file(day: datetime.date) -> str:
    """The week file a day's entry goes to, relative to the content folder."""
    return f"weeks/{IsoWeek.of(day).label}.yaml"


def log(content_dir: Path, entry: Entry) -> Logged:
    """Add `entry` to its week's file if the content stays valid. Raises ScaffoldError when
    the file cannot be read or written."""
    if not (content_dir / "traction.yaml").is_file():
        raise ScaffoldError(f"no traction.yaml in {content_dir}; run `traction init` first")
    rel = week_file(entry.date)
    path = content_dir / rel
    problems = Problems()
    if path.is_symlink():  # as `check` says: never followed, never replaced
        report_symlink(rel, problems)
        return Logged(path, False, False, 0, problems.sorted())
    original = _read(path)
    created = original is None
    if original is None:
        old: str | None = week_text(IsoWeek.of(entry.date).label, open_sqls(content_dir))
    else:
        old = decode(original, rel, problems)
    new = None if old is None else _edit(old, entry, rel, problems)
    if new is None or old is None:
        return Logged(path, False, created, 0, problems.sorted())
    line = _first_changed_line(old, new)
    analysis = analyse(content_dir, overrides={rel: new})
    if any(p.is_error for p in analysis.problems):
        return Logged(path, False, created, line,
                      tuple(p for p in analysis.problems if p.is_error))
    _write(path, new, original)
    return Logged(path, True, created, line,
                  tuple(p for p in analysis.problems if p.pos.file == rel))


def _edit(old: str, entry: Entry, rel: str, problems: Problems) -> str | None:
    """The new text of the week's file, read back to prove it adds the entry and changes
    nothing else; None (reported) when the file is invalid or the entry cannot go in."""
    known = key_names(WeekLog)
    before = parse(old, rel, problems, known_keys=known)
    if problems.errors:
        return None
    if not isinstance(before, LocDict):
        problems.error(Pos(rel), "the week's file is not a mapping of keys",
                       "see `traction schema week` for the format")
        return None
    if entry.paragraph:
        new = append_paragraph(old, SUMMARY, entry.paragraph, replace=_placeholder())
    else:
        new = append_item(old, entry.path, entry.fields, block=entry.block)
    if new is None:
        key = entry.path[0]
        problems.error(before.key_pos.get(key, Pos(rel)),
                       f"cannot add the {entry.kind}: `{'.'.join(entry.path)}` is not "
                       + ("text" if entry.paragraph else "a list"),
                       "fix the file by hand; see `traction schema week` for the format")
        return None
    after = parse(new, rel, problems, known_keys=known)
    if problems.errors:
        return None
    if not _adds_only(before, after, entry):
        problems.error(Pos(rel), f"the {entry.kind} could not be added without changing "
                       "the rest of the file", "add it by hand")
        return None
    return new


def _adds_only(before: LocDict, after: Any, entry: Entry) -> bool:
    """`after` is `before` with the entry added, and nothing else changed."""
    expected = _plain(before)
    got = _plain(after)
    if not isinstance(got, dict):
        return False
    if entry.paragraph:  # the text may be rewrapped or requoted: its words must match
        old = (expected.get(SUMMARY) or ("plain", ""))[1]
        new = (got.get(SUMMARY) or ("plain", ""))[1]
        kept = "" if old.strip() == _placeholder().strip() else old
        expected[SUMMARY] = got[SUMMARY] = None
        return bool(new.split() == (kept + " " + entry.paragraph).split() and got == expected)
    item = _plain(parse(flow_item(entry.fields), "entry", Problems()))
    holder = expected
    for key in entry.path[:-1]:
        if not isinstance(holder.get(key), dict):
            holder[key] = {}
        holder = holder[key]
    target = holder.get(entry.path[-1])
    holder[entry.path[-1]] = (target if isinstance(target, list) else []) + [item]
    return bool(got == expected)


def _plain(value: Any) -> Any:
    """Parsed YAML as plain values, each scalar with whether it was quoted."""
    if isinstance(value, LocDict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, LocList):
        return [_plain(item) for item in value]
    if isinstance(value, Scalar):
        if is_null(value) or value == "":
            return None if isinstance(value, Plain) else ("quoted", "")
        return ("plain" if isinstance(value, Plain) else "quoted", str(value))
    return value


def _placeholder() -> str:
    """The summary `new week` writes: a note replaces it rather than follow it."""
    summary = yaml.safe_load(week_text("2026-W01", []))[SUMMARY]
    return str(summary)


def _first_changed_line(old: str, new: str) -> int:
    same = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
                min(len(old), len(new)))
    return old.count("\n", 0, same) + 1


def _read(path: Path) -> bytes | None:
    """The file's bytes, or None when there is none. A symbolic link is not followed."""
    if not path.exists():
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ScaffoldError(f"cannot read {path}: {exc.strerror}") from None


def _write(path: Path, text: str, original: bytes | None) -> None:
    """Replace the file atomically, unless it changed since it was read."""
    try:
        current = _read(path)
    except ScaffoldError:
        current = b""
    if current != original:
        raise ScaffoldError(f"{path} changed while the entry was checked; nothing was "
                            "written, run the command again")
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = os.stat(path).st_mode & 0o777 if original is not None else 0o666 & ~_umask()
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False) as handle:
            temp = handle.name  # a dot file: the loader never reads it
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise ScaffoldError(f"cannot write {path}: {exc.strerror}; it is unchanged") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def known_ids(content_dir: Path) -> dict[str, list[str]]:
    """Account ids, sources and owners the content folder knows (for shell completion;
    best effort: problems are `check`'s to report)."""
    content = load(content_dir, Problems())
    found: dict[str, set[str]] = {"accounts": set(), "sources": set(), "owners": set()}
    if content.config is not None:
        found["accounts"] |= set(content.config.accounts)
        found["sources"] |= set(content.config.sources)
        found["owners"] |= set(content.config.founders)
    for week in content.weeks:
        for event in week.accounts:
            found["accounts"].add(event.id)
            if event.source:
                found["sources"].add(event.source)
            if event.owner:
                found["owners"].add(event.owner)
        for call_entry in week.calls:
            if call_entry.account:
                found["accounts"].add(call_entry.account)
        for spent in week.spend:
            found["sources"].add(spent.source)
    return {kind: sorted(ids) for kind, ids in found.items()}
