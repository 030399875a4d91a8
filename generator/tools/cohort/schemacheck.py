"""A JSON Schema check for the progress document, fast enough for a thousand of them.

It interprets the subset of JSON Schema (draft 2020-12) that `progress.schema.json` uses:
type, const, enum, required, properties, additionalProperties, items, $ref to $defs,
pattern, minimum, maximum (format and the annotations are not assertions). Any other
keyword is refused when the schema is compiled, so a schema that grows a keyword this
module does not know fails loudly (tests/test_cohort.py) instead of checking less.

Why not the `jsonschema` package: it is a test dependency only, and it takes about 7 ms
per document (7 s for a thousand; this check about 0.8 ms), while `traction cohort` has 3 s
for a thousand documents in all (bench/cohort.py).
tests/test_cohort.py checks that both agree on valid and broken documents.

`tolerant=True` drops every `additionalProperties: false`: a later 1.x minor version of
the document only adds keys (SPEC §5), and the cohort must read it, using what it knows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# A check returns None when the value fits, else (path, what was expected).
Failure = tuple[str, str]
Check = Callable[[Any, str], Failure | None]

_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "format", "$defs",
                          "default", "examples", "$comment"})
_KNOWN = _ANNOTATIONS | {"type", "const", "enum", "required", "properties",
                         "additionalProperties", "items", "$ref", "pattern", "minimum",
                         "maximum"}
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    # JSON has one number type; a bool is not one (Python says it is an int)
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def compile_schema(schema: dict[str, Any], *, tolerant: bool = False) -> Check:
    """One function that checks a value against `schema`. ValueError for a schema that uses
    what this checker cannot check (a bug of Traction's, never of the input)."""
    defs = schema.get("$defs", {})
    compiled: dict[str, Check] = {}

    def ref(name: str) -> Check:
        def check(value: Any, path: str) -> Failure | None:
            return compiled[name](value, path)
        return check

    def build(node: dict[str, Any]) -> Check:
        unknown = set(node) - _KNOWN
        if unknown:
            raise ValueError(f"unsupported JSON Schema keywords: {sorted(unknown)}")
        checks: list[Check] = []
        if "$ref" in node:
            target = node["$ref"]
            if not target.startswith("#/$defs/") or target[8:] not in defs:
                raise ValueError(f"unsupported $ref {target}")
            checks.append(ref(target[8:]))
        if "type" in node:
            names = node["type"] if isinstance(node["type"], list) else [node["type"]]
            tests = [_TYPES[name] for name in names]
            wanted = " or ".join(names)
            checks.append(lambda v, p: None if any(t(v) for t in tests)
                          else (p, f"expected {wanted}"))
        if "const" in node:
            const = node["const"]
            checks.append(lambda v, p: None if v == const and type(v) is type(const)
                          else (p, f"expected {const!r}"))
        if "enum" in node:
            options = node["enum"]
            shown = ", ".join(map(str, options))
            checks.append(lambda v, p: None if any(v == o and type(v) is type(o)
                                                   for o in options)
                          else (p, f"expected one of {shown}"))
        if "pattern" in node:
            pattern = re.compile(node["pattern"])
            checks.append(lambda v, p: None if not isinstance(v, str) or pattern.search(v)
                          else (p, f"expected text matching {pattern.pattern}"))
        if "minimum" in node:
            checks.append(_bound(node["minimum"], lowest=True))
        if "maximum" in node:
            checks.append(_bound(node["maximum"], lowest=False))
        if {"required", "properties", "additionalProperties"} & set(node):
            checks.append(_object(node, build, tolerant))
        if "items" in node:
            item = build(node["items"])

            def items(value: Any, path: str) -> Failure | None:
                if isinstance(value, list):
                    for index, element in enumerate(value):
                        failed = item(element, f"{path}[{index}]")
                        if failed:
                            return failed
                return None
            checks.append(items)
        return _all(checks)

    for name, node in defs.items():
        compiled[name] = build(node)
    return build(schema)


def _object(node: dict[str, Any], build: Callable[[dict[str, Any]], Check], tolerant: bool
            ) -> Check:
    required = tuple(node.get("required", ()))
    properties = {key: build(sub) for key, sub in node.get("properties", {}).items()}
    extra = node.get("additionalProperties", True)
    if not isinstance(extra, bool):
        raise ValueError("additionalProperties must be true or false here")
    closed = extra is False and not tolerant

    def check(value: Any, path: str) -> Failure | None:
        if not isinstance(value, dict):
            return None
        for key in required:
            if key not in value:
                return (path, f"missing required key '{key}'")
        for key, item in value.items():
            sub = properties.get(key)
            if sub is not None:
                failed = sub(item, f"{path}.{key}" if path else key)
                if failed:
                    return failed
            elif closed:
                return (path, "unexpected key (not in the schema)")
        return None
    return check


def _bound(bound: float, *, lowest: bool) -> Check:
    name = "minimum" if lowest else "maximum"

    def check(value: Any, path: str) -> Failure | None:
        if not _TYPES["number"](value):
            return None
        fits = value >= bound if lowest else value <= bound
        return None if fits else (path, f"expected a {name} of {bound}")
    return check


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(value: Any, path: str) -> Failure | None:
        for one in checks:
            failed = one(value, path)
            if failed:
                return failed
        return None
    return check
