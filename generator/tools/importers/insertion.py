"""Append entries to a weekly log's text: every comment, blank line and key order is kept.

The file is edited as text, never re-dumped from YAML: the entries go after the last item of
the top-level list they belong to (`calls:` or `accounts:`), in that list's indentation, or in
a new list at the end of the file. Values are written so YAML reads them back exactly.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from generator.source.scalars import NULLS
from generator.source.yamlsource import NON_PRINTABLE

_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# Plain text YAML 1.1 would read as a number, a date, a time or a boolean.
_LOOKS_TYPED = re.compile(r"^(?:[-+.0-9].*|y|n|yes|no|on|off|true|false)$", re.IGNORECASE)
# Characters a YAML 1.1 reader takes for line breaks even inside a quoted scalar.
_BREAKS = {"\u0085": "\\N", "\u2028": "\\L", "\u2029": "\\P"}

Value = str | int | Decimal | datetime.date | bool


def scalar(value: Value) -> str:
    """A value as YAML that reads back as exactly this value: dates and numbers plain, ids
    plain when they cannot be mistaken for anything else, all other text double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if (_PLAIN_SAFE.match(value) and not _LOOKS_TYPED.match(value)
            and value not in NULLS):
        return value
    # A JSON string is a YAML double-quoted scalar; YAML's own escapes cover the rest.
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(_BREAKS.get(char, char) for char in quoted)


def plain_text(text: str) -> str:
    """Text from another program as one line the strict reader takes: characters a log may
    not hold (control characters, escapes) dropped, each run of white space one space."""
    return " ".join(NON_PRINTABLE.sub("", text).split())


def flow_item(fields: Mapping[str, Value]) -> str:
    """One entry on one line: `{id: globex, event: paid, date: 2026-11-17}`."""
    return "{" + ", ".join(f"{key}: {scalar(value)}" for key, value in fields.items()) + "}"


def block_item(fields: Mapping[str, Value]) -> str:
    """One entry as a block mapping, one key a line (lines not yet indented)."""
    return "\n".join(f"{key}: {scalar(value)}" for key, value in fields.items())


def append_entries(text: str, key: str, fragments: Sequence[str]) -> str:
    """`text` with `fragments` (items of a YAML list, each without its `- `) appended to the
    top-level list `key`. Raises ValueError(line, message) when `key` holds an inline list or
    a value (`calls: [{...}]`), which cannot be extended line by line."""
    if not fragments:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = [line + "\n" for line in text.split("\n")]
    if lines[-1] == "\n":  # the text ended with a line break (or was empty)
        lines.pop()
    else:
        lines[-1] = lines[-1][:-1] + newline
    start = _key_line(lines, key)
    if start is None:
        return "".join(lines) + f"{key}:{newline}" + _items(fragments, "  ", newline)
    value = _value_after_key(lines[start], key)
    if value == "[]":
        lines[start] = lines[start].replace("[]", "", 1).replace(f"{key}: ", f"{key}:", 1)
    elif value:
        raise ValueError(start + 1, f"`{key}:` is written inline; write it as a list of "
                         "`- ` lines to import into it")
    last, indent = _block_end(lines, start)
    return ("".join(lines[:last + 1]) + _items(fragments, indent, newline)
            + "".join(lines[last + 1:]))


def _key_line(lines: list[str], key: str) -> int | None:
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*:(?:[ \t]|\r?\n|$)")
    return next((index for index, line in enumerate(lines) if pattern.match(line)), None)


def _value_after_key(line: str, key: str) -> str:
    rest = line[len(key):].lstrip(" \t")[1:]  # after the colon
    return re.sub(r"(?:^|[ \t])#.*$", "", rest.strip()).strip()


def _block_end(lines: list[str], start: int) -> tuple[int, str]:
    """The last line of the list that starts at `start` (comments and blank lines after it
    stay with what follows), and the indentation of its items."""
    last, indent = start, None
    for index in range(start + 1, len(lines)):
        line = lines[index]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line.startswith(("---", "...")) or not line.startswith((" ", "-")):
            break
        last = index
        if indent is None and stripped.startswith("-"):
            indent = line[:len(line) - len(line.lstrip(" "))]
    return last, "  " if indent is None else indent


def _items(fragments: Sequence[str], indent: str, newline: str) -> str:
    out = []
    for fragment in fragments:
        first, *rest = fragment.split("\n")
        out.append(f"{indent}- {first}{newline}")
        out += [f"{indent}  {line}{newline}" for line in rest]
    return "".join(out)
