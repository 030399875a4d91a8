"""Load a content directory into records, collecting every problem on the way.

The only module that reads content files. It never raises on bad input: a
file that cannot be read or validated becomes problems with a place, and
loading goes on with the other files so one run reports everything.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from generator.problems import Pos, Problem, error, warning
from generator.source.declare import Record, key_names, read
from generator.source.scalars import is_null
from generator.source.schema import CaseStudyMeta, Config, PageMeta, WeekLog
from generator.source.yamlsource import (
    MAX_FILE_BYTES,
    MAX_MARKDOWN_CHARS,
    LocDict,
    YamlError,
    decode,
    parse,
    too_big,
)

R = TypeVar("R", bound=Record)

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
    problems: tuple[Problem, ...] = field(default=())
    unread_weeks: tuple[str, ...] = ()  # week files with errors, left out of `weeks`


def validate(model: type[R], data: Any, file: str) -> tuple[R | None, list[Problem]]:
    """Read parsed YAML as a record; every problem gets a file position."""
    problems: list[Problem] = []
    return read(model, data, file, problems), problems


def _read(path: Path, root: Path) -> tuple[str, str | None, list[Problem]]:
    """A file's text. A file over the size cap is refused before it is read: its size comes
    from the open file, and no more than the cap and one byte is ever read (it may grow)."""
    rel = path.relative_to(root).as_posix()
    try:
        # O_NOFOLLOW: a symlink swapped in after the listing is refused, never followed
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
    except OSError as exc:
        return rel, None, [error(Pos(rel), f"cannot read file: {exc.strerror}")]
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        return rel, None, [too_big(rel, max(size, len(data)))]
    text, problems = decode(data, rel)
    return rel, text, problems


def _markdown_problem(pos: Pos, what: str, length: int) -> Problem | None:
    if length <= MAX_MARKDOWN_CHARS:
        return None
    return error(pos, f"{what} is {length:,} characters of Markdown; the limit is "
                 f"{MAX_MARKDOWN_CHARS:,}", "shorten it, or split it into more pages")


def _config_markdown(config: Config) -> list[Problem]:
    """The `why` of every custom milestone is Markdown: together they stay under the limit,
    so no traction.yaml takes longer to render than one long text."""
    total = 0
    for ladder in config.custom_ladders:
        for milestone in ladder.milestones:
            total += len(milestone.why)
            found = _markdown_problem(milestone.at("why"), "with this `why`, traction.yaml",
                                      total)
            if found is not None:
                return [found]
    return []


def _load_yaml(path: Path, root: Path, model: type[R],
               fast: bool) -> tuple[R | None, list[Problem]]:
    rel, text, problems = _read(path, root)
    if text is None:
        return None, problems
    try:
        data = parse(text, rel, fast=fast, known_keys=key_names(model))
    except YamlError as exc:
        return None, [exc.problem]
    if data is None or is_null(data):  # nothing, or an empty document (`---`, `~`)
        return None, [error(Pos(rel), "file is empty", "see `traction schema` for the format")]
    return validate(model, data, rel)


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
                   fast: bool) -> tuple[Document | None, list[Problem]]:
    rel, text, problems = _read(path, root)
    if text is None:
        return None, problems
    if not SLUG_FILE.match(path.name):
        return None, [error(Pos(rel), "file name is not a valid slug",
                            "use letters, digits, '-' and '_', e.g. initech-onboarding.md")]
    parts = split_front_matter(text)
    if parts is None:
        if text.split("\n", 1)[0].rstrip() == "---":
            return None, [error(Pos(rel), "front matter is not closed",
                                "end the front matter with a '---' line before the body")]
        return None, [error(Pos(rel), "missing front matter",
                            "start the file with a '---' line, `title: ...`, and another '---'")]
    front, first_line, body, body_line = parts
    try:
        data = parse(front, rel, first_line=first_line, fast=fast, known_keys=key_names(model))
    except YamlError as exc:
        return None, [exc.problem]
    if data is None:
        data = LocDict(Pos(rel, first_line, 1))
    meta, problems = validate(model, data, rel)
    if meta is None:
        return None, problems
    long_body = _markdown_problem(Pos(rel, body_line, 1), "the text", len(body))
    if long_body is not None:
        return None, [long_body]
    return Document(path.stem, rel, meta, body, body_line), []


def load(root: Path, *, fast: bool = True) -> Content:
    """Read `traction.yaml`, `weeks/*.yaml`, `case-studies/*.md` and `pages/*.md`."""
    problems: list[Problem] = []
    config: Config | None = None
    config_path = root / "traction.yaml"
    if not root.is_dir():
        problems.append(error(Pos(str(root)), "content directory not found",
                              "pass --content DIR or run `traction init`"))
    elif config_path.is_symlink():
        problems.append(symlink_problem("traction.yaml"))
    elif not config_path.is_file():
        problems.append(error(Pos("traction.yaml"), "missing traction.yaml",
                              "run `traction init` to create one"))
    else:
        config, found = _load_yaml(config_path, root, Config, fast)
        problems += found
        if config is not None:
            problems += _config_markdown(config)

    weeks: list[WeekLog] = []
    unread: list[str] = []
    for path in _files(root / "weeks", problems, root, (".yaml", ".yml")):
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".yml" or not WEEK_FILE.match(path.name):
            problems.append(error(Pos(rel), "weekly log file name must be YYYY-Www.yaml",
                                  "e.g. weeks/2026-W47.yaml"))
            continue
        week, found = _load_yaml(path, root, WeekLog, fast)
        problems += found
        if week is not None and week.week != path.stem:
            problems.append(error(week.at("week"),
                                  f"week '{week.week}' does not match the file name",
                                  f"rename the file to {week.week}.yaml or fix the week"))
            week = None
        if week is not None:
            long_summary = _markdown_problem(week.at("summary"), "the summary",
                                             len(week.summary))
            if long_summary is not None:
                problems.append(long_summary)
                week = None
        if week is None:
            unread.append(rel)
            continue
        weeks.append(week)

    documents: dict[str, list[Document]] = {"case-studies": [], "pages": []}
    models: dict[str, type[CaseStudyMeta] | type[PageMeta]] = {
        "case-studies": CaseStudyMeta, "pages": PageMeta}
    for folder, model in models.items():
        for path in _files(root / folder, problems, root, (".md",)):
            doc, found = _load_document(path, root, model, fast)
            problems += found
            if doc is not None:
                documents[folder].append(doc)

    return Content(root, config, tuple(sorted(weeks, key=lambda w: w.week)),
                   tuple(documents["case-studies"]), tuple(documents["pages"]), tuple(problems),
                   tuple(unread))


def symlink_problem(rel: str) -> Problem:
    """A symlink in the content: never read, since it may point out of the content folder
    (a fork's pull request could link a case study to ~/notes.md or a theme file to
    /etc/passwd, and the build would publish it)."""
    return error(Pos(rel), "is a symbolic link; Traction reads only files inside the content "
                 "folder", "replace the link with a copy of the file")


def _files(folder: Path, problems: list[Problem], root: Path,
           suffixes: tuple[str, ...]) -> list[Path]:
    if folder.is_symlink():
        problems.append(symlink_problem(folder.relative_to(root).as_posix()))
        return []
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") and not path.is_symlink():
            continue
        if path.is_symlink():
            problems.append(symlink_problem(path.relative_to(root).as_posix()))
        elif path.is_file() and path.suffix in suffixes:
            found.append(path)
        else:
            rel = path.relative_to(root).as_posix()
            problems.append(warning(Pos(rel), "ignored: not a "
                                    + " or ".join(suffixes) + " file"))
    return found
