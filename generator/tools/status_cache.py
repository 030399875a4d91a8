"""What `traction status` printed, kept between runs: the same content, code and options
say the same again, so an unchanged log prints its status without being read, checked or
evaluated (issue 14 (c): a warm `status` in a tenth of a second).

The key is everything the text output is made from: the digest of the content folder
(`source.folder`, a superset of what the loader reads), the digest of Traction's own
files (code and built-in ladder data, so an edit to either is a miss, even at the same
version), the as-of date given (`--as-of` or SOURCE_DATE_EPOCH), and how it is shown
(colour, the width it wraps to, the path problems start with). `--format json` is never
kept: it says which git commit the content is as of, which the content does not show; nor
is `--private`: its amounts are written nowhere but the content files.
Nothing in the pipeline reads the clock or anything else, so that is all of it.

The value is JSON (the exit status, the problems' text, the status text) in the signed
`output.cache.Cache`: a planted entry is a miss, and nothing kept is ever unpickled.
Imports only what finding the key needs: a hit costs no parsing module.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.source.folder import content_digest

if TYPE_CHECKING:  # not imported on a hit: it brings pickle and the problems
    from generator.source.recordcache import Store

FORMAT = "traction-status/1"
# Traction's files that make what `status` says: code, and data such as the built-in
# ladders (not the theme's fonts and images: `status` draws nothing).
_CODE = (".py", ".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Said:
    """What a `status` run said: its exit status, stderr's problems (or None) and stdout's
    text (None when it failed)."""

    code: int
    problems: str | None
    text: str | None


def key(content: Path, options: dict[str, object]) -> str | None:
    """The key of `status` of `content` with `options` (JSON values); None when the
    content or the code cannot be read whole (then nothing is kept)."""
    found, code = content_digest(content), _code_digest()
    if found is None or code is None:
        return None
    parts = {"format": FORMAT, "version": __version__, "code": code, "content": found,
             "options": options}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def recall(store: Store, at: str) -> Said | None:
    data = store.get(at)
    if data is None:
        return None
    try:
        said = json.loads(data)
        result = Said(int(said["code"]), said["problems"], said["text"])
    except (ValueError, KeyError, TypeError):
        return None
    valid = all(v is None or isinstance(v, str) for v in (result.problems, result.text))
    return result if valid else None


def keep(store: Store, at: str, said: Said) -> None:
    store.put(at, json.dumps({"code": said.code, "problems": said.problems,
                              "text": said.text}).encode("utf-8"))


@functools.lru_cache(maxsize=1)
def _code_digest() -> str | None:
    """Traction's own files: its code and the data it reads (built-in ladders, schemas)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    try:
        for path in sorted(package.rglob("*")):
            if path.suffix not in _CODE or "__pycache__" in path.parts or not path.is_file():
                continue
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()
