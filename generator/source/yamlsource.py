"""Strict YAML reading: bytes in, position-carrying Python values out.

YAML 1.1 silently changes what founders type (`no` becomes False, `12:30`
becomes 750, `0012` becomes 10), so this module never lets PyYAML resolve a
scalar. It walks the parser's events itself and returns:

- `LocDict` / `LocList` for mappings and sequences, remembering where each
  key and item sits;
- `Plain` / `Quoted` for scalars: the exact text as written, with its place.

The schema (`source.schema`) decides what each scalar means where it is
used. Anchors, aliases, merge keys, tags, duplicate and non-string keys are
errors, as are tabs in indentation, a BOM, NUL bytes, invalid UTF-8 and
oversized files. libyaml's C parser is used when present; the pure-Python
parser gives the same values and positions.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import yaml

from generator.problems import Pos, Problem, Problems, error


@functools.lru_cache(maxsize=1 << 16)
def shared(text: str) -> str:
    """One object for every equal short text lately read: a 50-year log repeats a few key
    names, ids, types and statuses hundreds of thousands of times. Bounded, and freed with
    the rest (sys.intern's strings are never freed on Python 3.12)."""
    return text


MAX_FILE_BYTES = 2 * 1024 * 1024  # a year of daily entries is ~100 KB; this is a safety cap
MAX_DEPTH = 50  # containers inside containers; a weekly log uses four
# One Markdown text (a summary, a body, a milestone's `why`; in traction.yaml all the `why`s
# together): Python-Markdown needs about 2 s for the worst 64 KiB we could construct, and
# about 40 s for the worst 2 MiB even where it is linear (see generator/markup.py).
MAX_MARKDOWN_CHARS = 64 * 1024

try:
    _FAST_LOADER: type | None = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _FAST_LOADER = None


class Scalar(str):
    """A scalar's exact text and its place. Subclasses tell plain from quoted."""

    pos: Pos

    def __new__(cls, text: str, pos: Pos) -> Scalar:
        obj = super().__new__(cls, text)
        obj.pos = pos
        return obj


class Plain(Scalar):
    """An unquoted scalar: YAML 1.1 would guess its type, so the schema checks it."""


class Quoted(Scalar):
    """A quoted or block scalar: always text."""


class LocDict(dict):  # type: ignore[type-arg]
    """A mapping that remembers where it starts, where each key is and where each value is."""

    def __init__(self, pos: Pos, flow: bool = False) -> None:
        super().__init__()
        self.pos = pos
        self.flow = flow  # written as `{key: value, ...}`
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = {}

    # Inside a list (calls, accounts, list events, spend): an entry that may hold private
    # fields, so messages never repeat its keys (`Jane Roe: CEO` is read as a key).
    quiet = False


class LocList(list):  # type: ignore[type-arg]
    """A sequence that remembers where it starts and where each item is."""

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []

    quiet = False


class _Refused(Exception):
    """The first problem of a file stops the parse; `parse` reports it. Never leaves this
    module."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_NON_TEXT_KEY = re.compile(
    r"^(?:[-+]?[0-9][0-9_]*(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF"
    r"|y|Y|n|N|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$"
)


# Characters YAML refuses (as PyYAML's reader does): control characters other than
# tab and line breaks, surrogates, U+FFFE and U+FFFF.
NON_PRINTABLE = re.compile(
    "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def pos_of(value: Any, fallback: Pos) -> Pos:
    return getattr(value, "pos", fallback)


def too_big(file: str, size: int, problems: Problems) -> None:
    problems.error(Pos(file), f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                   "split the log: one file per ISO week")


def decode(data: bytes, file: str, problems: Problems) -> str | None:
    """A file's text, or None (reported) for what YAML would misread or we cannot show."""
    if len(data) > MAX_FILE_BYTES:
        too_big(file, len(data), problems)
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        problems.error(Pos(file), "file starts with a byte-order mark (BOM)",
                       "save the file as UTF-8 without BOM")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # Columns count characters, as everywhere else; the bytes before the bad one decode.
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8")) + 1
        problems.error(Pos(file, line, col), "invalid UTF-8 byte sequence",
                       "save the file as UTF-8")
        return None
    nul = text.find("\x00")
    if nul >= 0:
        problems.add(_at(text, nul, file, "NUL byte in file", "remove the NUL character"))
        return None
    return text


def _first_tab(text: str, file: str, first_line: int) -> Problem | None:
    if "\t" not in text:  # the common case, without a regex pass over every line
        return None
    match = re.search(r"^[ ]*\t", text, flags=re.MULTILINE)
    if match is None:
        return None
    found = _at(text, match.end() - 1, file, "tab character in indentation",
                "indent YAML with spaces only")
    return error(Pos(file, found.pos.line + first_line - 1, found.pos.col), found.message,
                 found.hint)


def _at(text: str, index: int, file: str, message: str, hint: str) -> Problem:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return error(Pos(file, line, col), message, hint)


def parse(text: str, file: str, problems: Problems, *, fast: bool = True,
          first_line: int = 1, known_keys: frozenset[str] = frozenset()) -> Any:
    """Parse one YAML document into Loc*/Scalar values (None for an empty one). The first
    problem stops it: it is reported, and None returned (`problems.errors` tells the two
    Nones apart).

    `first_line` shifts line numbers, for front matter that starts below line 1.
    `known_keys`: the format's own key names, which messages may repeat even in a list
    entry (where any other key may be private text, see `_key_problem`).
    """
    try:
        return _parse(text, file, fast, first_line, known_keys)
    except _Refused as exc:
        problems.add(exc.problem)
        return None


def _parse(text: str, file: str, fast: bool, first_line: int, known_keys: frozenset[str]
           ) -> Any:
    tab = _first_tab(text, file, first_line)
    if tab is not None:
        raise _Refused(tab)
    offset = first_line - 1
    unprintable = NON_PRINTABLE.search(text)
    if unprintable:
        found = _at(text, unprintable.start(), file,
                    f"control character U+{ord(unprintable.group()):04X} in file",
                    "remove it; YAML allows only printable characters")
        raise _Refused(error(Pos(file, found.pos.line + offset, found.pos.col),
                              found.message, found.hint))

    def at(mark: Any) -> Pos:
        return Pos(file, mark.line + 1 + offset, mark.column + 1)

    # The pure-Python parser is the reference. libyaml accepts some tabs it refuses
    # (`a: 1\t# note`) and some text PyYAML refuses (see _C_DIFFERS), and words its
    # errors differently, so it only parses text without those, and any error,
    # its own or one of ours, is reported by the reference parser.
    if (fast and _FAST_LOADER is not None and "\t" not in text
            and not _C_DIFFERS.search(text)):
        try:
            return _compose(_events(_FAST_LOADER, text), at, text, file, offset, known_keys)
        except (yaml.YAMLError, _Refused):
            pass
    try:
        return _compose(_events(yaml.SafeLoader, text), at, text, file, offset,
                        known_keys)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = at(mark) if mark is not None else Pos(file)
        detail = (exc.problem or "").strip()
        if "'\\t'" in detail:
            raise _Refused(error(pos, "tab character outside quotes",
                                  "use spaces; a tab may appear only inside quoted text")
                            ) from None
        raise _Refused(error(pos, f"invalid YAML: {detail}" if detail else "invalid YAML",
                              "check indentation and that every `key: value` pair is complete")
                        ) from None
    except yaml.YAMLError as exc:
        raise _Refused(error(Pos(file), f"invalid YAML: {exc}")) from None


def _key_problem(key: Scalar, container: LocDict, known: frozenset[str]) -> Problem | None:
    """A key YAML reads other than as written. Its text is not repeated in a flow mapping
    (`{...}`), where a "key" is often private text split at ', ' and ': ' (`{with: Jane Roe,
    Globex: CEO}`), nor in a list entry (a call, an account event), where a line such as
    `Globex: CEO` below `with:` is private text read as a key, unless it is one of the
    format's own `known` keys (`date`)."""
    if isinstance(key, Plain) and key == "<<":
        return error(key.pos, "merge keys (<<) are not allowed", "write the values out in full")
    hide = container.flow or (container.quiet and key not in known)
    shown = "" if hide else f" '{key}'"
    split = "; in {...}, quote text that contains ': ' or ', '" if container.flow else ""
    if isinstance(key, Plain) and _NON_TEXT_KEY.match(key):
        return error(key.pos, f"key{shown} is not text in YAML 1.1",
                     ("quote it" if hide else f'quote it: "{key}"') + split)
    if key in container:
        first = container.key_pos[key]
        return error(key.pos, f"duplicate key{shown} (first at line {first.line})",
                     "each key may appear once in a mapping" + split)
    return None


# Neither names the anchor or tag: `&Jane_Roe` or `!budget-5k` in a call's `with:` is
# private text, and messages never repeat private values.
ANCHOR_MESSAGE = "anchors (&name) are not allowed"
TAG_MESSAGE = "YAML tags (!tag) are not allowed"
# Text where libyaml and PyYAML disagree, so only the reference parser reads it: a block
# scalar header run into a comment (`|#`: libyaml reads `| #`). (The other case known, `?`
# in unquoted flow text, is caught while composing.)
_C_DIFFERS = re.compile(r"[|>][-+0-9]*#")
_COLON_NEXT = re.compile("[ \r\n\x85\u2028\u2029]*:")
_STR_TAGS = (None, "!", "tag:yaml.org,2002:str")


def _events(loader_class: type, text: str) -> Iterator[Any]:
    """The parser's events, pulled directly (yaml.parse adds a call per event)."""
    loader = loader_class(text)
    try:
        get = loader.get_event
        while True:
            event = get()
            if event is None or type(event) is yaml.StreamEndEvent:
                return
            yield event
    finally:
        loader.dispose()


def _compose(events: Any, at: Any, text: str, file: str, offset: int,
             known: frozenset[str]) -> Any:
    """Build values from events. A small explicit stack keeps deep files from recursing.

    The hot path is a scalar inside a mapping or a list; it is handled inline.
    """
    root: Any = None
    documents = 0
    stack: list[list[Any]] = []  # [container, pending key, start pos, start event]

    def attach(value: Any, pos: Pos, event: Any) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        container = frame[0]
        if type(container) is LocList:
            container.append(value)
            container.item_pos.append(pos)
            return
        key = frame[1]
        if key is None:  # this value is a key
            if not isinstance(value, Plain | Quoted):
                raise _Refused(error(pos, "a mapping key must be plain text",
                                      "use a simple word as the key"))
            if (container and frame[3].flow_style
                    and not _COLON_NEXT.match(text, event.end_mark.index)):
                # `{with: Roe, Globex}`: a comma cut the value short and its tail became a
                # key. Never echo that tail: the value may be private.
                # In a list entry, the previous "key" may be a tail split off before.
                previous = list(container)[-1]
                previous = (f" of '{previous}'" if not container.quiet or previous in known
                            else "")
                raise _Refused(error(pos, f"a comma in the value{previous} started a new key",
                                      f"quote the whole value{previous}, or write numbers "
                                      "without thousands separators"))
            problem = _key_problem(value, container, known)
            if problem is not None:
                raise _Refused(problem)
            frame[1] = value
            return
        if type(value) is Plain and value == "":
            # Parsers place an empty value differently; both agree on where its key is.
            value = Plain("", key.pos)
            pos = key.pos
        name = shared(str(key))  # a few key names, on every entry of a long log
        container[name] = value
        container.key_pos[name] = key.pos
        container.value_pos[name] = pos
        frame[1] = None

    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            mark = event.start_mark
            pos = Pos(file, mark.line + 1 + offset, mark.column + 1)
            tag = event.tag
            if event.anchor is not None:
                raise _Refused(error(pos, ANCHOR_MESSAGE, "write the value out in full"))
            if tag not in _STR_TAGS:
                raise _Refused(error(pos, TAG_MESSAGE, "remove the tag; quote text instead"))
            text_value = event.value
            if event.style == '"' and (bad := NON_PRINTABLE.search(text_value)):
                # An escape (`"\x01"`, `"\0"`, `"\uD800"`) for a character the file itself may
                # not hold: XML (the feed) refuses it and HTML shows it as garbage.
                raise _Refused(error(pos, f"non-printable character U+{ord(bad.group()):04X} "
                                      "written as an escape", "remove the escape; an emoji is "
                                      "written as itself or as \\U0001F600, not as two \\u"))
            if "?" in text_value and not event.style and stack and stack[-1][3].flow_style:
                # libyaml reads `{date: 2?026-10-20}` as text; PyYAML, the reference, refuses
                # it: only the C pass gets here, and this hands the file to the reference.
                raise _Refused(error(pos, "'?' in unquoted text in a flow collection",
                                      "quote the text"))
            value: Any = (Plain(text_value, pos) if event.implicit[0] and tag is None
                          else Quoted(text_value, pos))
            if stack and text_value:
                # Hot path: a non-empty scalar as the value of a pending key.
                frame = stack[-1]
                key = frame[1]
                if key is not None:
                    container = frame[0]
                    name = shared(str(key))
                    container[name] = value
                    container.key_pos[name] = key.pos
                    container.value_pos[name] = pos
                    frame[1] = None
                    continue
            attach(value, pos, event)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            pos = at(event.start_mark)
            if event.anchor is not None:
                raise _Refused(error(pos, ANCHOR_MESSAGE, "write the value out in full"))
            if event.tag is not None:
                raise _Refused(error(pos, TAG_MESSAGE, "remove the tag"))
            if len(stack) >= MAX_DEPTH:  # PyYAML's scanner slows down with depth; logs are flat
                raise _Refused(error(pos, f"nested more than {MAX_DEPTH} levels deep",
                                      "a traction log needs only a few levels"))
            container = (LocDict(pos, bool(event.flow_style)) if kind is yaml.MappingStartEvent
                         else LocList(pos))
            if stack and (type(stack[-1][0]) is LocList or stack[-1][0].quiet):
                container.quiet = True
            stack.append([container, None, pos, event])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            container, _, pos, start = stack.pop()
            attach(container, pos, start)
        elif kind is yaml.AliasEvent:
            raise _Refused(error(at(event.start_mark), "aliases (*name) are not allowed",
                                  "write the value out in full"))
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Refused(error(at(event.start_mark), "more than one YAML document in file",
                                      "remove the extra `---` line"))
    return root


def parse_file_bytes(data: bytes, file: str, problems: Problems, *, fast: bool = True,
                     known_keys: frozenset[str] = frozenset()) -> Any:
    """Decode, check and parse a whole YAML file: its value, or None (reported)."""
    text = decode(data, file, problems)
    if text is None:
        return None
    return parse(text, file, problems, fast=fast, known_keys=known_keys)
