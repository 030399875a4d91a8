"""Load a content directory into records, reporting every problem on the way.

The only module that reads content files. It never raises on bad input: a
file that cannot be read or validated becomes problems with a place, and
loading goes on with the other files so one run reports everything.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from generator.problems import Pos, Problem, Problems
from generator.source.declare import Record, key_names, read
from generator.source.recordcache import Bundle, Store, remembered
from generator.source.scalars import is_null
from generator.source.schema import CaseStudyMeta, Config, PageMeta, WeekLog
from generator.source.yamlsource import (
    MAX_FILE_BYTES,
    MAX_MARKDOWN_CHARS,
    LocDict,
    decode,
    parse,
    too_big,
)

R = TypeVar("R", bound=Record)
# Texts to read instead of the files at these paths (relative to the content folder, e.g.
# "weeks/2026-W47.yaml"): a change checked before it is written (`traction log`).
Overrides = Mapping[str, str]

WEEK_FILE = re.compile(r"^[0-9]{4}-W[0-9]{2}\.yaml$")
SLUG_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*\.md$")


@dataclass(frozen=True)
class Document:
    """A Markdown file with front matter: a case study or a free page."""

    slug: str
    file: str
    meta: CaseStudyMeta | PageMeta
    body: str
    body_line: int  # line of the body's first line in the file, for messages


@dataclass(frozen=True)
class Content:
    """Everything read from a content directory. `config` is None when it could not be read."""

    root: Path
    config: Config | None
    weeks: tuple[WeekLog, ...]
    case_studies: tuple[Document, ...]
    pages: tuple[Document, ...]
    unread_weeks: tuple[str, ...] = ()  # week files with errors, left out of `weeks`


def validate(model: type[R], data: Any, file: str, problems: Problems) -> R | None:
    """Read parsed YAML as a record; every problem gets a file position."""
    return read(model, data, file, problems)


def _read(path: Path, rel: str, problems: Problems, overrides: Overrides) -> str | None:
    """A file's text, or None (reported); `rel` names it in messages. A file over the size
    cap is refused before it is read: its size comes from the open file, and no more than the
    cap and one byte is ever read (it may grow). A text in `overrides` is read instead."""
    if rel in overrides:
        return decode(overrides[rel].encode("utf-8", "surrogatepass"), rel, problems)
    try:
        # O_NOFOLLOW: a symlink swapped in after the listing is refused, never followed
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
    except OSError as exc:
        problems.error(Pos(rel), f"cannot read file: {exc.strerror}")
        return None
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        too_big(rel, max(size, len(data)), problems)
        return None
    return decode(data, rel, problems)


def _markdown_fits(pos: Pos, what: str, length: int, problems: Problems) -> bool:
    if length <= MAX_MARKDOWN_CHARS:
        return True
    problems.error(pos, f"{what} is {length:,} characters of Markdown; the limit is "
                   f"{MAX_MARKDOWN_CHARS:,}", "shorten it, or split it into more pages")
    return False


def _check_config_markdown(config: Config, problems: Problems) -> None:
    """The `why` of every custom milestone is Markdown: together they stay under the limit,
    so no traction.yaml takes longer to render than one long text."""
    total = 0
    for ladder in config.custom_ladders:
        for milestone in ladder.milestones:
            total += len(milestone.why)
            if not _markdown_fits(milestone.at("why"), "with this `why`, traction.yaml", total,
                                  problems):
                return


def _load_yaml(path: Path, root: Path, model: type[R], fast: bool, problems: Problems,
               overrides: Overrides, bundle: Bundle | None) -> R | None:
    rel = path.relative_to(root).as_posix()
    text = _read(path, rel, problems, overrides)
    if text is None:
        return None
    record, found = remembered(_read_record, text, rel, model, fast, bundle)
    for problem in found:
        problems.add(problem)
    return record  # type: ignore[no-any-return]  # kept records lose their type


def week_from_bytes(data: bytes, rel: str, problems: Problems) -> WeekLog | None:
    """A week file's bytes from elsewhere (an earlier commit, `source.history`), read as a
    file of the content folder is: under the same size cap, strictly."""
    if len(data) > MAX_FILE_BYTES:
        too_big(rel, len(data), problems)
        return None
    text = decode(data, rel, problems)
    if text is None:
        return None
    # never kept (`source.recordcache`), in memory or on disk: a long history would fill
    # them with versions each read once
    record, found = _read_record(text, rel, WeekLog, True)
    for problem in found:
        problems.add(problem)
    return record  # type: ignore[return-value]  # one function reads every model


def _read_record(text: str, rel: str, model: type[Record], fast: bool
                 ) -> tuple[Record | None, tuple[Problem, ...]]:
    problems = Problems()
    data = parse(text, rel, problems, fast=fast, known_keys=key_names(model))
    if problems.errors:
        return None, tuple(problems)
    if data is None or is_null(data):  # nothing, or an empty document (`---`, `~`)
        problems.error(Pos(rel), "file is empty", "see `traction schema` for the format")
        return None, tuple(problems)
    return validate(model, data, rel, problems), tuple(problems)


def split_front_matter(text: str) -> tuple[str, int, str, int] | None:
    """(front matter, its first line, body, body's first line) or None without front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1:])
            return front, 2, body, index + 2
    return None


def _load_document(path: Path, root: Path, model: type[CaseStudyMeta] | type[PageMeta],
                   fast: bool, problems: Problems, bundle: Bundle | None) -> Document | None:
    rel = path.relative_to(root).as_posix()
    text = _read(path, rel, problems, {})
    if text is None:
        return None
    document, found = remembered(_read_document, text, rel, model, fast, bundle)
    for problem in found:
        problems.add(problem)
    return document  # type: ignore[no-any-return]  # as in `_load_yaml`


def _read_document(text: str, rel: str, model: type[CaseStudyMeta] | type[PageMeta],
                   fast: bool) -> tuple[Document | None, tuple[Problem, ...]]:
    problems = Problems()
    name = PurePosixPath(rel).name
    if not SLUG_FILE.match(name):
        problems.error(Pos(rel), "file name is not a valid slug",
                       "use letters, digits, '-' and '_', e.g. initech-onboarding.md")
        return None, tuple(problems)
    parts = split_front_matter(text)
    if parts is None:
        if text.split("\n", 1)[0].rstrip() == "---":
            problems.error(Pos(rel), "front matter is not closed",
                           "end the front matter with a '---' line before the body")
        else:
            problems.error(Pos(rel), "missing front matter",
                           "start the file with a '---' line, `title: ...`, and another '---'")
        return None, tuple(problems)
    front, first_line, body, body_line = parts
    data = parse(front, rel, problems, first_line=first_line, fast=fast,
                 known_keys=key_names(model))
    if problems.errors:
        return None, tuple(problems)
    if data is None:
        data = LocDict(Pos(rel, first_line, 1))
    meta = validate(model, data, rel, problems)
    if meta is None or not _markdown_fits(Pos(rel, body_line, 1), "the text", len(body),
                                          problems):
        return None, tuple(problems)
    return Document(PurePosixPath(name).stem, rel, meta, body, body_line), tuple(problems)


def load(root: Path, problems: Problems, *, fast: bool = True,
         overrides: Overrides | None = None, store: Store | None = None,
         bundle_of: Path | None = None) -> Content:
    """Read `traction.yaml`, `weeks/*.yaml`, `case-studies/*.md` and `pages/*.md`; a week
    file in `overrides` is read from there (and need not exist yet). The record of a text
    read before comes from this process's memory, else from `store` when given, and a new
    one is kept there: the load's entries together, in one `recordcache.Bundle`. A folder
    made for one run (a commit `diff` exports) reads the bundle `bundle_of` another (the
    content folder), whose files it mostly shares, and keeps its new records one by one."""
    overrides = overrides or {}
    if store is None:
        return _load(root, problems, fast, overrides, None)
    kept = Bundle(store, bundle_of or root, fast, add=bundle_of is None)
    content = _load(root, problems, fast, overrides, kept)
    kept.close()
    return content


def _load(root: Path, problems: Problems, fast: bool, overrides: Overrides,
          bundle: Bundle | None) -> Content:
    config: Config | None = None
    config_path = root / "traction.yaml"
    if not root.is_dir():
        problems.error(Pos("."), "content directory not found",
                       "pass --content DIR or run `traction init`")
    elif config_path.is_symlink():
        report_symlink("traction.yaml", problems)
    elif not config_path.is_file():
        problems.error(Pos("traction.yaml"), "missing traction.yaml",
                       "run `traction init` to create one")
    else:
        config = _load_yaml(config_path, root, Config, fast, problems, {}, bundle)
        if config is not None:
            _check_config_markdown(config, problems)

    weeks: list[WeekLog] = []
    unread: list[str] = []
    week_files = _files(root / "weeks", root, (".yaml", ".yml"), problems)
    week_files += [root / rel for rel in overrides
                   if rel.startswith("weeks/") and root / rel not in week_files
                   and not (root / rel).is_symlink()]
    for path in sorted(week_files):
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".yml" or not WEEK_FILE.match(path.name):
            problems.error(Pos(rel), "weekly log file name must be YYYY-Www.yaml",
                           "e.g. weeks/2026-W47.yaml")
            continue
        week = _load_yaml(path, root, WeekLog, fast, problems, overrides, bundle)
        if week is not None and week.week != path.stem:
            problems.error(week.at("week"), f"week '{week.week}' does not match the file name",
                           f"rename the file to {week.week}.yaml or fix the week")
            week = None
        if week is not None and not _markdown_fits(week.at("summary"), "the summary",
                                                   len(week.summary), problems):
            week = None
        if week is None:
            unread.append(rel)
            continue
        weeks.append(week)

    documents: dict[str, list[Document]] = {"case-studies": [], "pages": []}
    models: dict[str, type[CaseStudyMeta] | type[PageMeta]] = {
        "case-studies": CaseStudyMeta, "pages": PageMeta}
    for folder, model in models.items():
        for path in _files(root / folder, root, (".md",), problems):
            doc = _load_document(path, root, model, fast, problems, bundle)
            if doc is not None:
                documents[folder].append(doc)

    return Content(root, config, tuple(sorted(weeks, key=lambda w: w.week)),
                   tuple(documents["case-studies"]), tuple(documents["pages"]), tuple(unread))


def report_symlink(rel: str, problems: Problems) -> None:
    """A symlink in the content: never read, since it may point out of the content folder
    (a fork's pull request could link a case study to ~/notes.md or a theme file to
    /etc/passwd, and the build would publish it)."""
    problems.error(Pos(rel), "is a symbolic link; Traction reads only files inside the "
                   "content folder", "replace the link with a copy of the file")


def _files(folder: Path, root: Path, suffixes: tuple[str, ...], problems: Problems
           ) -> list[Path]:
    if folder.is_symlink():
        report_symlink(folder.relative_to(root).as_posix(), problems)
        return []
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") and not path.is_symlink():
            continue
        if path.is_symlink():
            report_symlink(path.relative_to(root).as_posix(), problems)
        elif path.is_file() and path.suffix in suffixes:
            found.append(path)
        else:
            rel = path.relative_to(root).as_posix()
            problems.warning(Pos(rel), "ignored: not a " + " or ".join(suffixes) + " file")
    return found
