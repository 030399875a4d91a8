"""Add an item to a list, or a paragraph to a text, in YAML text without re-dumping it.

Every comment, blank line, quote and key order of the file stays as it was: the new
entry is inserted as text, in the style of the list it joins (a block list gets a
`- ` line at the same indentation, written as a block or `{...}` mapping like its last
item; a flow list `[...]` gets `, {...}` before its `]`). A missing key is added at the
end of its mapping (at the end of the file for a top-level key); an empty value
(`calls:`, `calls: []`, `calls: ~`) becomes a block list.

Where a value's text ends is read from PyYAML's event marks (the parser
`source.yamlsource` uses as its reference). The strict reading and the check that an
edit changed nothing else are `tools.logentry`'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

# A string YAML 1.1 reads as itself when written plain, in block and flow context alike:
# a word of lower-case letters, digits and hyphens that is not a number, date, boolean
# or null (those are left quoted, and the field's check says what it expected).
_SAFE_PLAIN = re.compile(r"^[a-z][a-z0-9-]*$")
_RESOLVED_WORDS = re.compile(r"^(?:y|yes|n|no|on|off|true|false|null)$")
_PLAIN_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")
# Characters a YAML file may not hold raw (yamlsource refuses them) or that YAML reads as a
# line break inside quotes: written as escapes, so the text stays one line.
_ESCAPED = re.compile("[^\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")

Fields = Sequence[tuple[str, str]]  # key, and its value as YAML text (see `quote`, `word`)


def quote(value: str) -> str:
    """Any string as a YAML double-quoted scalar that reads back as exactly that string.
    (JSON's string syntax is YAML's double-quoted one; only YAML's extra line breaks and the
    characters a file may not hold raw are escaped on top.)"""
    quoted = json.dumps(value, ensure_ascii=False)
    return _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)  # all in the BMP


def word(value: str) -> str:
    """An id, date or number: plain when YAML reads it back as written, else quoted (and the
    schema then says what it expected)."""
    if ((_SAFE_PLAIN.match(value) and not _RESOLVED_WORDS.match(value))
            or _PLAIN_DATE.match(value) or NUMBER.match(value)):
        return value
    return quote(value)


def flow_item(fields: Fields) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in fields) + "}"


@dataclass
class _Node:
    """Where a value sits in the text: [start, end) holds it (for a block container, up to
    the end of its last child), and what is inside it."""

    kind: str  # "map", "seq" or "scalar"
    start: int
    end: int = 0
    flow: bool = False
    block_scalar: bool = False  # `|` or `>`
    value: str = ""
    items: list[_Node] = field(default_factory=list)
    keys: dict[str, tuple[_Node, _Node]] = field(default_factory=dict)


def _tree(text: str) -> _Node | None:
    """The document's values with their places; None for an empty document."""
    root: _Node | None = None
    stack: list[tuple[_Node, list[_Node]]] = []  # container, its children so far

    def attach(node: _Node) -> None:
        nonlocal root
        if not stack:
            root = node
        else:
            stack[-1][1].append(node)

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.ScalarEvent):
            start, end = _index(event.start_mark), _index(event.end_mark)
            block = event.style in ("|", ">")
            if block:  # the mark is past the trailing line breaks; the text ends before them
                end = start + len(text[start:end].rstrip())
            attach(_Node("scalar", start, end, block_scalar=block, value=event.value))
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
            stack.append((_Node(kind, _index(event.start_mark), flow=bool(event.flow_style)), []))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            node, children = stack.pop()
            if node.kind == "map":
                pairs = zip(children[::2], children[1::2], strict=True)
                node.keys = {key.value: (key, value) for key, value in pairs}
            else:
                node.items = children
            node.end = (_index(event.end_mark) if node.flow
                        else max((child.end for child in children), default=node.start))
            attach(node)
    return root


def _index(mark: Any) -> int:
    assert mark is not None  # the parser marks every event
    return int(mark.index)


def _column(text: str, index: int) -> int:
    return index - (text.rfind("\n", 0, index) + 1)


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """The index of the line break ending the line of `index` (or the end of the text)."""
    found = text.find("\n", index)
    return len(text) if found < 0 else found


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _after_line(text: str, index: int, lines: str) -> str:
    """`lines` (each ending with a line break) inserted after the line holding `index`."""
    end = _line_end(text, index)
    if end == len(text):
        return text + (_newline(text) if text else "") + lines
    return text[:end + 1] + lines + text[end + 1:]


def _block_item(fields: Fields, dash: int, keys: int, nl: str) -> str:
    """A block mapping item: `- k: v` at column `dash`, its other keys at column `keys`."""
    (first, first_value), *rest = fields
    lines = [" " * dash + "-" + " " * (keys - dash - 1) + f"{first}: {first_value}"]
    lines += [" " * keys + f"{key}: {value}" for key, value in rest]
    return nl.join(lines) + nl


def _new_block(path: Sequence[str], column: int, fields: Fields, block: bool, nl: str) -> str:
    """Lines for keys `path` (at `column`, each nested two deeper) holding a list of one item."""
    lines = ""
    for depth, key in enumerate(path):
        lines += " " * (column + 2 * depth) + f"{key}:{nl}"
    dash = column + 2 * len(path)
    if block:
        return lines + _block_item(fields, dash, dash + 2, nl)
    return lines + " " * dash + f"- {flow_item(fields)}{nl}"


def _nested_flow(path: Sequence[str], fields: Fields) -> str:
    inner = f"[{flow_item(fields)}]"
    for key in reversed(path[1:]):
        inner = f"{{{key}: {inner}}}"
    return f"{path[0]}: {inner}"


def _is_empty(node: _Node) -> bool:
    """`calls:`, `calls: ~`, `calls: []`, `list: {}` on one line: nothing to keep but a
    comment after it."""
    if node.kind == "scalar":
        return not node.block_scalar and node.value in ("", "~", "null", "Null", "NULL")
    return node.flow and not node.items and not node.keys


def _fill_empty(text: str, key: _Node, value: _Node, path: Sequence[str], fields: Fields,
                block: bool) -> str | None:
    """Replace an empty value with a block list (under the keys `path`), keeping any comment
    after it on its line."""
    if text.count("\n", key.start, value.end):  # `calls:\n  []`: rare, left to the user
        return None
    nl = _newline(text)
    line_start = _line_start(text, key.start)
    line_end = _line_end(text, value.end)
    cut_from = key.end + 1 if value.start <= key.end else value.start  # past the key's colon
    head = text[line_start:cut_from].rstrip(" ") + text[max(cut_from, value.end):line_end]
    edited = text[:line_start] + head + text[line_end:]
    column = _column(text, key.start)
    return _after_line(edited, line_start, _new_block(path, column + 2, fields, block, nl))


def _fill_flow(text: str, value: _Node, path: Sequence[str], fields: Fields) -> str | None:
    """An empty value inside `{...}`: the list (under the keys `path`) written in flow style."""
    if value.kind == "scalar":
        if value.start == value.end:  # `{calls: }`: rare, left to the user
            return None
        written = "{" + _nested_flow(path, fields) + "}" if path else f"[{flow_item(fields)}]"
        return text[:value.start] + written + text[value.end:]
    if (value.kind == "map") != bool(path):
        return None
    inner = _nested_flow(path, fields) if path else flow_item(fields)
    return text[:value.end - 1] + inner + text[value.end - 1:]


def _append_to_list(text: str, seq: _Node, fields: Fields) -> str:
    nl = _newline(text)
    last = seq.items[-1]
    if seq.flow:
        if text.count("\n", seq.start, last.start):  # one item a line: the new one too
            return (text[:last.end] + "," + nl + " " * _column(text, last.start)
                    + flow_item(fields) + text[last.end:])
        return text[:last.end] + ", " + flow_item(fields) + text[last.end:]
    dash = _column(text, seq.start)
    if last.kind == "map" and not last.flow:
        line = _block_item(fields, dash, _column(text, last.start), nl)
    else:
        line = " " * dash + f"- {flow_item(fields)}{nl}"
    return _after_line(text, last.end, line)


def _add_key(text: str, mapping: _Node, path: Sequence[str], fields: Fields, block: bool,
             at_end_of_file: bool) -> str:
    nl = _newline(text)
    if mapping.flow:
        close = mapping.end - 1  # the `}`
        if mapping.keys:
            last_value = list(mapping.keys.values())[-1][1]
            return (text[:last_value.end] + ", " + _nested_flow(path, fields)
                    + text[last_value.end:])
        return text[:close] + _nested_flow(path, fields) + text[close:]
    lines = _new_block(path, _column(text, mapping.start), fields, block, nl)
    if at_end_of_file:
        return text + (nl if text and not text.endswith("\n") else "") + lines
    return _after_line(text, mapping.end, lines)


def append_item(text: str, path: Sequence[str], fields: Fields, *, block: bool) -> str | None:
    """`text` with a mapping of `fields` added at the end of the list at `path` (keys from
    the top), or None when the text there is not a mapping holding a list. `block`: write
    the item as a block mapping when the list has no item to take the style from."""
    try:
        node = _tree(text)
    except yaml.YAMLError:
        return None
    if node is None or node.kind != "map" or not fields:
        return None
    for depth, key in enumerate(path):
        if node.kind != "map":
            return None
        if key not in node.keys:
            return _add_key(text, node, path[depth:], fields, block, at_end_of_file=depth == 0)
        key_node, value = node.keys[key]
        rest = path[depth + 1:]
        if _is_empty(value) and node.flow:
            return _fill_flow(text, value, rest, fields)
        if _is_empty(value):
            return _fill_empty(text, key_node, value, rest, fields, block)
        if not rest:
            return _append_to_list(text, value, fields) if value.kind == "seq" else None
        node = value
    return None


def append_paragraph(text: str, key: str, paragraph: str, *, replace: str | None = None
                     ) -> str | None:
    """`text` with `paragraph` added to the top-level text at `key`, after a blank line
    (a `|` or `>` block gets indented lines; any other scalar is rewritten quoted). When the
    text there is `replace` (a template's placeholder), the paragraph takes its place.
    None when the value is not text."""
    try:
        root = _tree(text)
    except yaml.YAMLError:
        return None
    if root is None or root.kind != "map":
        return None
    nl = _newline(text)
    lines = paragraph.split("\n")
    if key not in root.keys:
        body = "".join(("  " + line if line else "") + nl for line in lines)
        return text + (nl if text and not text.endswith("\n") else "") + f"{key}: |{nl}" + body
    key_node, value = root.keys[key]
    if value.kind != "scalar":
        return None
    old = value.value
    keep = old.strip() and old.strip() != (replace or "").strip()
    if not value.block_scalar:
        new = (old.rstrip("\n") + "\n\n" + paragraph) if keep else paragraph
        if value.start <= key_node.end or value.start == value.end:  # `summary:` with nothing
            colon = text.index(":", key_node.end) + 1
            return text[:colon] + " " + quote(new) + text[colon:]
        return text[:value.start] + quote(new) + text[value.end:]
    header_end = _line_end(text, value.start)
    content = text[header_end + 1:value.end] if value.end > header_end else ""
    first = next((line for line in content.split("\n") if line.strip()), None)
    indent = (len(first) - len(first.lstrip(" ")) if first is not None
              else _column(text, key_node.start) + 2)
    body = nl.join((" " * indent + line) if line else "" for line in lines) + nl
    if not keep:
        if value.end <= header_end:  # an empty block: nothing to replace
            return text[:header_end + 1] + body + text[header_end + 1:]
        return text[:header_end + 1] + body + text[_line_end(text, value.end) + 1:]
    # A blank line ends a paragraph; in a folded block (`>`) it takes two.
    return _after_line(text, value.end, nl * (2 if text[value.start] == ">" else 1) + body)
