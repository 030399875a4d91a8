"""What a YAML scalar means where it is used.

`yamlsource` hands over every scalar as its exact text (`Plain` or `Quoted`).
The `Kind`s at the end interpret that text strictly, per field:
text stays text exactly (`0012`, `+49 30 1234`, `12:30`), but the YAML 1.1
booleans (`yes`, `no`, `on`, `off`) are refused where text is expected, and
numbers, dates and booleans must be written unambiguously. Private fields use
variants whose messages never echo the value.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.source.yamlsource import Plain, Quoted, shared

_YAML11_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
NULLS = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_NUMBER = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$|^[-+]?\.[0-9]+$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]+(?:\.[0-9]*)?$")
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_WEEK = re.compile(r"^([0-9]{4})-W([0-9]{2})$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class ValueProblem(Exception):
    """A value that does not fit its field; `message` never repeats a private value."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def fail(message: str, hint: str = "") -> ValueProblem:
    return ValueProblem(message, hint)


def is_null(value: Any) -> bool:
    return isinstance(value, Plain) and value in NULLS


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _require_scalar(value: Any, expected: str) -> None:
    if isinstance(value, dict):
        raise fail(f"expected {expected}, got a mapping")
    if isinstance(value, list):
        raise fail(f"expected {expected}, got a list")


def _text(value: Any, echo: bool) -> str:
    _require_scalar(value, "text")
    if isinstance(value, Plain):
        if _YAML11_BOOL.match(value) or value in _TRUE or value in _FALSE:
            shown = quoted(value) if echo else "this value"
            raise fail(f"{shown} is a boolean in YAML 1.1, expected text",
                       'put it in quotes, e.g. "yes"' if echo else "put the text in quotes")
        return _shared(value)
    if isinstance(value, Quoted):
        return _shared(value)
    if isinstance(value, str):  # values built in Python (defaults, tests)
        return value
    raise fail("expected text")


def parse_text(value: Any) -> str:
    return _text(value, echo=True)


def parse_private_text(value: Any) -> str:
    return _text(value, echo=False)


MAX_SHOWN = 40  # characters of a value a message repeats, at most
MAX_DIGITS = 15  # digits before the point: counts and amounts under a quadrillion


def quoted(value: Any) -> str:
    """A value as a message shows it: quoted, and cut to MAX_SHOWN characters."""
    text = str(value)
    return f"'{text}'" if len(text) <= MAX_SHOWN else f"'{text[:MAX_SHOWN - 3]}...'"


def _number(value: Any, echo: bool, integer: bool) -> Decimal | int:
    kind = "a whole number" if integer else "a number"
    if isinstance(value, bool):
        raise fail(f"expected {kind}")
    if isinstance(value, int | Decimal) and not isinstance(value, str):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    _require_scalar(value, kind)
    shown = quoted(value) if echo else "the value"
    if isinstance(value, Quoted):
        raise fail(f"expected {kind}, got quoted text", "remove the quotes")
    text = str(value)
    if len(text.lstrip("+-").split(".")[0]) > MAX_DIGITS or len(text) > 2 * MAX_DIGITS + 2:
        raise fail(f"expected {kind} of at most {MAX_DIGITS} digits",
                   "a count or amount this large is a typo")
    if _SEXAGESIMAL.match(text):
        raise fail(f"{shown} is a base-60 number (a time?) in YAML 1.1, expected {kind}",
                   "write a plain number")
    if _LEADING_ZERO.match(text):
        raise fail(f"{shown} has a leading zero (octal in YAML 1.1), expected {kind}",
                   "drop the leading zeros")
    if integer:
        if not _INT.match(text):
            raise fail(f"expected {kind}, got {shown}" if echo else f"expected {kind}")
        return int(text)
    if not _NUMBER.match(text):
        raise fail(f"expected {kind}, got {shown}" if echo else f"expected {kind}",
                   "write digits with an optional decimal point")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise fail(f"expected {kind}") from None


def parse_int(value: Any) -> int:
    return int(_number(value, echo=True, integer=True))


def parse_count(value: Any) -> int:
    number = parse_int(value)
    if number < 0:
        raise fail(f"expected a count of 0 or more, got {number}")
    return number


def parse_number(value: Any) -> Decimal:
    return Decimal(_number(value, echo=True, integer=False))


def parse_optional_number(value: Any) -> Decimal | None:
    return None if is_null(value) else parse_number(value)


def parse_private_number(value: Any) -> Decimal:
    """An amount (paid, price, spend): private, so never echoed; never negative (a negative
    spend would let cost per win pass)."""
    number = Decimal(_number(value, echo=False, integer=False))
    if number < 0:
        raise fail("expected an amount of 0 or more")
    return number


def parse_share(value: Any) -> Decimal:
    """A share from 0 to 1, written as a number (0.3) or a percentage (30%)."""
    if isinstance(value, Plain | Quoted) and str(value).endswith("%"):  # "30%" too
        number = parse_number(Plain(str(value)[:-1].rstrip(), value.pos)) / 100
    else:
        number = parse_number(value)
    number = abs(number) if number == 0 else number  # -0% is 0
    if not 0 <= number <= 1:
        raise fail(f"expected a share from 0 to 1, or 0% to 100%, got {quoted(value)}",
                   "write 0.3 or 30% for thirty percent")
    return number


def parse_amount(value: Any) -> Decimal:
    """A public amount (max_cac, prices of a condition): 0 or more."""
    number = parse_number(value)
    if number < 0:
        raise fail(f"expected an amount of 0 or more, got {number}")
    return number


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    _require_scalar(value, "true or false")
    if isinstance(value, Plain):
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if _YAML11_BOOL.match(value):
            raise fail(f"{quoted(value)} is ambiguous (YAML 1.1 boolean), expected true or false",
                       "write true or false")
    raise fail("expected true or false")


def _shared(text: str) -> str:
    """A plain str of `text`; a short one (an id, a type, a status) one object however often
    the log repeats it (`yamlsource.shared`)."""
    return shared(str(text)) if len(text) <= 48 else str(text)


def parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    _require_scalar(value, "a date")
    text = str(value)
    if not _DATE.match(text):
        raise fail(f"expected a date YYYY-MM-DD, got {quoted(text)}",
                   "write dates like 2026-11-17")
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise fail(f"{quoted(text)} is not a real date", "check the day and month") from None
    _check_year(day.year, text)
    return day


# Years a log can be about: the engine walks every week from the first to the last,
# and Sunday of 9999-W52 is past the last date Python knows.
MIN_YEAR, MAX_YEAR = 1900, 9998


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise fail(f"{quoted(text)} is in the year {year}",
                   f"a typo? Traction reads years {MIN_YEAR} to {MAX_YEAR}")


def parse_week(value: Any) -> str:
    _require_scalar(value, "an ISO week")
    text = str(value)
    match = _WEEK.match(text)
    if not match:
        raise fail(f"expected an ISO week like 2026-W47, got {quoted(text)}")
    year, week = int(match[1]), int(match[2])
    try:
        datetime.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise fail(f"{quoted(text)} is not a week of {year}",
                   "ISO years have 52 or 53 weeks") from None
    _check_year(year, text)
    return text


def parse_id(value: Any) -> str:
    text = _text(value, echo=False)
    if not _ID.match(text):
        # The text is not repeated: an account's id may be a private name typed by mistake.
        raise fail("not a valid id",
                   "use letters, digits, '-' and '_', starting with a letter or digit")
    return text


# An absolute http(s) URL with nothing that would need escaping in HTML or XML: the base URL
# is part of every link of the site.
ABSOLUTE_URL = re.compile(r"""^https?://[^\s/"'<>\\`]+(/[^\s"'<>\\`]*)?$""")


def parse_url(value: Any) -> str:
    text = _text(value, echo=True)
    if not ABSOLUTE_URL.match(text):
        raise fail(f"expected an absolute http(s) URL, got {quoted(text)}",
                   "e.g. https://acme.github.io/progress/")
    return text if text.endswith("/") else text + "/"


def choice(options: Sequence[str]) -> Callable[[Any], str]:
    """A validator accepting one of `options`, with a did-you-mean hint."""

    def parse(value: Any) -> str:
        text = _text(value, echo=True)
        if text not in options:
            raise fail(f"{quoted(text)} is not one of: {', '.join(options)}",
                       did_you_mean(text, options))
        return text

    return parse


@dataclass(frozen=True)
class Kind:
    """How one kind of scalar is read (`parse`) and described to editors (`json`)."""

    parse: Callable[[Any], Any]
    json: dict[str, Any] = field(default_factory=dict)


def enum(*options: str) -> Kind:
    return Kind(choice(options), {"enum": list(options)})


Text = Kind(parse_text, {"type": "string"})
PrivateText = Kind(parse_private_text, {"type": "string"})
Id = Kind(parse_id, {"type": "string", "pattern": _ID.pattern})
Int = Kind(parse_int, {"type": "integer"})
Count = Kind(parse_count, {"type": "integer", "minimum": 0})
Number = Kind(parse_number, {"type": "number"})
OptionalNumber = Kind(parse_optional_number, {"type": ["number", "null"]})
PrivateNumber = Kind(parse_private_number, {"type": "number", "minimum": 0})
Share = Kind(parse_share, {"oneOf": [{"type": "number", "minimum": 0, "maximum": 1},
                                     {"type": "string", "pattern": r"^[0-9.]+ ?%$"}]})
Amount = Kind(parse_amount, {"type": "number", "minimum": 0})
Bool = Kind(parse_bool, {"type": "boolean"})
Date = Kind(parse_date, {"type": "string", "format": "date"})
IsoWeek = Kind(parse_week, {"type": "string", "pattern": _WEEK.pattern})
Url = Kind(parse_url, {"type": "string", "format": "uri"})
