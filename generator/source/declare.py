"""Records declared once, read strictly from YAML, described to editors.

A record is a frozen dataclass whose fields say how each YAML key is read:
`spec(Text, "", key="with", doc="...")`. `read()` builds a record from parsed
YAML (`yamlsource` values), collecting every problem with its place, never
raising; `json_schema()` gives the JSON Schema editors use. In the spirit of
MkDocs' declarative config: a dependency such as pydantic would cost a third of
the 0.5 s budget for `traction status` on a five-year log in imports alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar, cast

from generator.problems import Pos, Problems
from generator.source.scalars import Id, Kind, ValueProblem, did_you_mean, is_null
from generator.source.yamlsource import LocDict, LocList, pos_of

_REQUIRED: Any = dataclasses.MISSING
_NOWHERE = Pos("<default>", 0, 0)


@dataclass(frozen=True)
class ListOf:
    item: Shape
    min_items: int = 0


@dataclass(frozen=True)
class DictOf:
    value: Shape
    key: Kind = Id


Shape = Any  # Kind | type[Record] | ListOf | DictOf


@dataclass(frozen=True, slots=True)
class Places:
    """Where a record and each of its values were written."""

    pos: Pos
    values: dict[str, Pos]  # key -> position of its value
    children: dict[str, dict[Any, Pos]]  # key -> child key or list index -> position


NO_PLACES = Places(_NOWHERE, {}, {})


def spec(shape: Shape, default: Any = _REQUIRED, *, key: str | None = None, doc: str = "",
         factory: Any = None, private: bool = False) -> Any:
    """A record field: how to read it, its YAML key (default: the field name), its default."""
    metadata = {"shape": shape, "key": key, "doc": doc, "private": private}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata, repr=not private)
    return field(default=default, metadata=metadata, repr=not private)


@dataclass(frozen=True, kw_only=True)
class Record:
    """Base of every record: frozen, and it knows where it was written."""

    places: Places = field(default=NO_PLACES, compare=False, repr=False)

    @property
    def pos(self) -> Pos:
        return self.places.pos

    def given(self, key: str) -> bool:
        """Whether `key` was written in the file (not a default)."""
        return key in self.places.values

    def at(self, key: str, child: Any = None) -> Pos:
        """Where `key` was written; with `child`, where that key or list index of it was."""
        if child is not None and child in self.places.children.get(key, {}):
            return self.places.children[key][child]
        return self.places.values.get(key, self.places.pos)


R = TypeVar("R", bound=Record)
T = TypeVar("T")


@dataclass(frozen=True)
class _Field:
    key: str
    attr: str
    shape: Shape
    required: bool
    doc: str
    default: Any


def per_record_class(function: Callable[[type[Record]], T]) -> Callable[[type[Record]], T]:
    """functools.cache for a function of a record class. (Typed by hand: mypy takes a frozen
    dataclass's class for unhashable.)"""
    return cast(Callable[[type[Record]], T], cache(function))


@per_record_class
def _layout(cls: type[Record]) -> tuple[tuple[_Field, ...], frozenset[str], bool]:
    """The fields, their keys, and whether any of them is private."""
    declared = [f for f in dataclasses.fields(cls) if "shape" in f.metadata]
    fields = tuple(
        _Field(f.metadata.get("key") or f.name, f.name, f.metadata["shape"],
               f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
               f.metadata.get("doc", ""), f.default)
        for f in declared)
    private = any(f.metadata.get("private") for f in declared)
    return fields, frozenset(f.key for f in fields), private


@per_record_class
def key_names(cls: type[Record]) -> frozenset[str]:
    """Every key of `cls` and of the records inside it: the format's own words."""
    names = set(_layout(cls)[1])
    shapes = [f.shape for f in _layout(cls)[0]]
    while shapes:
        shape = shapes.pop()
        if _is_record(shape):
            names |= key_names(shape) if shape is not cls else set()
        elif isinstance(shape, ListOf):
            shapes.append(shape.item)
        elif isinstance(shape, DictOf):
            shapes.append(shape.value)
    return frozenset(names)


def _unknown_key(key: str, known: frozenset[str], hide: bool, flow: bool) -> tuple[str, str]:
    """Message and hint for a key the record does not have.

    An unknown "key" beside private fields is often private text YAML read as a key: split
    at ', ' and ': ' in a flow mapping (`{with: Jane Roe, Globex: CEO}`), or a line of its
    own in a block (`Globex: CEO` below `with: Jane Roe`). So it is not repeated there.
    """
    hint = did_you_mean(key, sorted(known)) or f"expected one of: {', '.join(sorted(known))}"
    if not hide:
        return f"unknown key '{key}'", hint
    if not hint.startswith("did you mean"):
        hint += ("; in {...}, quote text that contains ': ' or ', '" if flow
                 else "; quote text that contains ': '")
    return "unknown key (its text is not repeated: this entry holds private fields)", hint


def _is_record(shape: Shape) -> bool:
    return isinstance(shape, type) and issubclass(shape, Record)


def _required_hint(field_: _Field) -> str:
    doc = field_.doc.rstrip(".")
    return f"add `{field_.key}: ...`" + (f" ({doc[0].lower()}{doc[1:]})" if doc else "")


def read(cls: type[R], data: Any, file: str, problems: Problems) -> R | None:
    """Build a `cls` from parsed YAML; report every problem; None if there was one."""
    if is_null(data):  # `founder-network:` with nothing after it means an empty mapping
        data = LocDict(data.pos)
    if not isinstance(data, LocDict):
        problems.error(pos_of(data, Pos(file)), "expected a mapping of key: value pairs")
        return None
    errors = problems.errors
    fields, known, private = _layout(cls)
    for key in data:
        if key not in known:
            problems.error(data.key_pos[key], *_unknown_key(key, known, private, data.flow))
    values: dict[str, Any] = {}
    empty: list[str] = []
    for spec_ in fields:
        raw = data.get(spec_.key)
        if raw is None or is_null(raw):  # an empty value of a known key means "not given"
            if raw is not None:
                empty.append(spec_.key)
            if spec_.required:
                problems.error(data.pos, f"missing required key '{spec_.key}'",
                               _required_hint(spec_))
            continue
        values[spec_.attr] = _read_value(spec_.shape, raw, data.value_pos[spec_.key], file,
                                         problems)
    if problems.errors > errors:
        return None
    children: dict[str, dict[Any, Pos]] = {}
    for key, raw in data.items():
        if isinstance(raw, LocDict):
            children[key] = raw.key_pos
        elif isinstance(raw, LocList):
            children[key] = dict(enumerate(raw.item_pos))
    given = data.value_pos
    if empty:  # so `given()` says False for them, and `at()` points at the record
        given = {key: pos for key, pos in given.items() if key not in empty}
    return cls(places=Places(data.pos, given, children), **values)


def _read_value(shape: Shape, raw: Any, pos: Pos, file: str, problems: Problems) -> Any:
    """The value of `raw` as `shape`; when it reports an error, what it returns is unused."""
    if isinstance(shape, Kind):
        try:
            return shape.parse(raw)
        except ValueProblem as exc:
            problems.error(pos_of(raw, pos), exc.message, exc.hint or None)
            return None
    if _is_record(shape):
        return read(shape, raw, file, problems)
    if isinstance(shape, ListOf):
        if not isinstance(raw, LocList):
            problems.error(pos_of(raw, pos), "expected a list",
                           "start each item on its own line with '- '")
            return None
        if len(raw) < shape.min_items:
            wanted = "one item" if shape.min_items == 1 else f"{shape.min_items} items"
            problems.error(raw.pos, f"expected at least {wanted}")
            return None
        items = []  # a loop, not a comprehension: that would be a closure per list (3.11)
        for item, item_pos in zip(raw, raw.item_pos, strict=True):
            items.append(_read_value(shape.item, item, item_pos, file, problems))
        return items
    assert isinstance(shape, DictOf)
    if not isinstance(raw, LocDict):
        problems.error(pos_of(raw, pos), "expected a mapping of key: value pairs")
        return None
    mapping = {}
    for key, value in raw.items():
        try:
            name = shape.key.parse(key)
        except ValueProblem as exc:
            problems.error(raw.key_pos[key], exc.message, exc.hint or None)
            continue
        mapping[name] = _read_value(shape.value, value, raw.value_pos[key], file, problems)
    return mapping


# --- JSON Schema -----------------------------------------------------------------------------


def json_schema(cls: type[Record]) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a record, for yaml-language-server."""
    defs: dict[str, Any] = {}
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **_object(cls, defs)}
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def _object(cls: type[Record], defs: dict[str, Any]) -> dict[str, Any]:
    fields, _, _ = _layout(cls)
    properties = {}
    for spec_ in fields:
        prop = _shape(spec_.shape, defs)
        if not spec_.required:
            prop = {"anyOf": [prop, {"type": "null"}]}
            if isinstance(spec_.default, str | bool | int | float):
                prop["default"] = spec_.default
        if spec_.doc:
            prop["description"] = spec_.doc
        properties[spec_.key] = prop
    schema: dict[str, Any] = {"type": "object", "title": cls.__name__}
    if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
        schema["description"] = cls.__doc__.strip().splitlines()[0]
    schema["properties"] = properties
    required = [f.key for f in fields if f.required]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _shape(shape: Shape, defs: dict[str, Any]) -> dict[str, Any]:
    if isinstance(shape, Kind):
        return dict(shape.json)
    if _is_record(shape):
        if shape.__name__ not in defs:
            defs[shape.__name__] = {}  # placeholder first: records may nest
            defs[shape.__name__] = _object(shape, defs)
        return {"$ref": f"#/$defs/{shape.__name__}"}
    if isinstance(shape, ListOf):
        schema: dict[str, Any] = {"type": "array", "items": _shape(shape.item, defs)}
        if shape.min_items:
            schema["minItems"] = shape.min_items
        return schema
    assert isinstance(shape, DictOf)
    return {"type": "object", "propertyNames": dict(shape.key.json),
            "additionalProperties": _shape(shape.value, defs)}
