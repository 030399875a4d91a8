"""Each startup's published `progress.json`: read, checked, or skipped with a reason.

A document is used whole or not at all: one that cannot be read, is too large, is not
JSON or does not fit the progress schema is skipped, and the reason is reported at the
startup's entry in cohort.yaml, with its name. Nothing of a skipped document reaches the
page. URLs are read only when the command allows it (`--fetch`): https only, with a time
limit and the same size cap, never following a redirect to another scheme.
"""

from __future__ import annotations

import datetime
import http.client
import json
import re
import stat
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from generator.isoweek import IsoWeek
from generator.tools.cohort.roster import HTTPS, Startup
from generator.tools.cohort.schemacheck import Check, compile_schema

SCHEMA_ID = "traction/progress@1"
# A five-year log's progress.json is about 100 KB; forty times that is not a progress page.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
FETCH_TIMEOUT = 10.0  # seconds per URL


@dataclass(frozen=True)
class Published:
    """A startup and the document it published, checked."""

    startup: Startup
    document: dict[str, Any]


@dataclass(frozen=True)
class Skipped:
    """A startup whose document is not used, and why (never quoting the document)."""

    startup: Startup
    reason: str
    hint: str | None = None


# A URL's body, at most MAX_DOCUMENT_BYTES + 1 bytes; OSError when it cannot be had.
Fetch = Callable[[str], bytes]


class _Unreadable(Exception):
    """A document that cannot be had: the message says why, in a few words. Never leaves
    this module: `load_one` turns it into a `Skipped`."""

    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.hint = reason, hint


@cache
def progress_check() -> Check:
    """The progress schema (generator/public/schemas), tolerant of later 1.x keys."""
    text = (resources.files("generator.public") / "schemas" / "progress.schema.json"
            ).read_text("utf-8")
    return compile_schema(json.loads(text), tolerant=True)


def load_all(startups: list[Startup], folder: Path, fetch: Fetch | None
             ) -> list[Published | Skipped]:
    """Each startup's document or the reason it is skipped, in the roster's order.
    `folder`: where paths start (the cohort file's); `fetch`: None unless URLs may be read."""
    return [load_one(startup, folder, fetch) for startup in startups]


def load_one(startup: Startup, folder: Path, fetch: Fetch | None) -> Published | Skipped:
    try:
        return from_bytes(startup, _bytes(startup, folder, fetch))
    except _Unreadable as exc:
        return Skipped(startup, exc.reason, exc.hint)


def from_bytes(startup: Startup, data: bytes) -> Published | Skipped:
    """The startup's document in `data`, or why it is skipped."""
    try:
        return Published(startup, _check_document(data))
    except _Unreadable as exc:
        return Skipped(startup, exc.reason, exc.hint)


def _bytes(startup: Startup, folder: Path, fetch: Fetch | None) -> bytes:
    if startup.is_url:
        if fetch is None:
            raise _Unreadable("a URL, not fetched", "run with --fetch to read https URLs")
        try:
            data = fetch(startup.progress)
        except OSError as exc:
            raise _Unreadable(f"cannot be fetched ({_short(str(exc))})") from None
    else:
        path = folder / startup.progress
        try:
            found = path.stat()
            if stat.S_ISDIR(found.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(found.st_mode):  # a pipe or a device could block or not end
                raise _Unreadable("not a regular file")
            if found.st_size > MAX_DOCUMENT_BYTES:
                raise _Unreadable(_too_large(), None)
            with path.open("rb") as handle:
                data = handle.read(MAX_DOCUMENT_BYTES + 1)
        except FileNotFoundError:
            raise _Unreadable("file not found",
                             "the path is relative to the cohort file") from None
        except IsADirectoryError:
            raise _Unreadable("a folder, not a progress.json",
                             "name the file, e.g. acme/progress.json") from None
        except OSError as exc:
            raise _Unreadable(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _Unreadable(_too_large())
    return data


def _too_large() -> str:
    return f"larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB: not a progress document"


# What XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF) and HTML
# should not: JSON can carry them as \u escapes, and a lone surrogate cannot even be written
# as UTF-8. Each becomes U+FFFD, so a title with one is shown, and the feed still parses.
_UNSHOWABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A document with none of these escapes, and none of those characters as they are, needs no
# cleaning (the common case: two regular-expression scans instead of a walk).
_UNSHOWABLE_ESCAPE = re.compile(r"\\u(?:00[0-9a-fA-F]{2}|[dD][89a-fA-F]|[fF]{3}[eEfF])")


def _clean(value: Any) -> Any:
    """`value` with every unshowable character in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _UNSHOWABLE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_document(data: bytes) -> dict[str, Any]:
    """The document in `data`, or _Unreadable: not UTF-8 JSON, not progress@1, not fitting
    its schema, or holding a date or week that does not exist."""
    try:
        text = data.decode("utf-8")
        document = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise _Unreadable("not UTF-8 text", "publish the file traction build wrote") from None
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg.lower()})",
                         "publish the progress.json that traction build wrote") from None
    except (ValueError, RecursionError):
        raise _Unreadable("not valid JSON", "publish the progress.json that traction build "
                         "wrote") from None
    if not isinstance(document, dict):
        raise _Unreadable("not a progress document (a JSON object)")
    if _UNSHOWABLE_ESCAPE.search(text) or _UNSHOWABLE.search(text):
        document = dict(_clean(document))
    schema = document.get("schema")
    if schema != SCHEMA_ID:
        raise _Unreadable(f"not a {SCHEMA_ID} document" + (
            f" (its schema is '{_short(schema)}')" if isinstance(schema, str) else ""),
            "this Traction reads traction/progress@1 documents; upgrade it for newer ones")
    failed = progress_check()(document, "")
    if failed:
        path, expected = failed
        raise _Unreadable(f"does not fit the {SCHEMA_ID} schema at {path or 'the top'}: "
                         f"{expected}", "rebuild it with traction build")
    _check_meaning(document)
    return document


def _short(text: str) -> str:
    text = _UNSHOWABLE.sub("\ufffd", text)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_meaning(document: dict[str, Any]) -> None:
    """What a pattern cannot say: dates and weeks that exist, and milestone ids that are
    unique in the document (the cohort compares by id)."""
    where = "as_of"
    try:
        _day(document["as_of"])
        for where in ("latest_week", "week_in_progress"):
            if document[where] is not None:
                IsoWeek.parse(document[where])
        seen: set[str] = set()
        for li, ladder in enumerate(document["ladders"]):
            for mi, milestone in enumerate(ladder["milestones"]):
                at = f"ladders[{li}].milestones[{mi}]"
                where = f"{at}.id"
                if milestone["id"] in seen:
                    raise _Unreadable(f"milestone id at {where} appears twice",
                                     "rebuild it with traction build")
                seen.add(milestone["id"])
                for key in ("achieved_on", "since"):
                    where = f"{at}.{key}"
                    _day(milestone[key])
                for hi, change in enumerate(milestone["history"]):
                    where = f"{at}.history[{hi}].date"
                    _day(change["date"])
    except ValueError:
        raise _Unreadable(f"{where} is not a real date or ISO week",
                         "rebuild it with traction build") from None


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text is not None else None


# --- https ------------------------------------------------------------------------------


class _HttpsOnly(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Any:
        if not newurl.startswith(HTTPS):
            raise _Unreadable("redirected away from https")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_https(url: str) -> bytes:
    """The body at an https `url`, at most one byte over the cap (so it can be refused)."""
    if not url.startswith(HTTPS):
        raise _Unreadable("only https URLs are read")
    opener = urllib.request.build_opener(_HttpsOnly)
    request = urllib.request.Request(url, headers={"User-Agent": "traction-cohort",
                                                   "Accept": "application/json"})
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            return bytes(response.read(MAX_DOCUMENT_BYTES + 1))
    except urllib.error.HTTPError as exc:
        raise _Unreadable(f"HTTP {exc.code} from the server") from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        # HTTPException: a server that does not speak HTTP (a bad status line, a body cut)
        reason = getattr(exc, "reason", exc)
        raise _Unreadable(f"cannot be fetched ({_short(str(reason))})") from None
