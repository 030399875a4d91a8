"""Records already read, kept so an unchanged file is not parsed and validated again: in
memory for a process that reads the content again (`traction serve`), and in a `Store` on
disk between runs (`output.cache.Cache`, which `pipeline` passes in: this layer writes no
file) so `status`, `check` and `build` read only the files that changed.

An entry is keyed by everything its record is made from: Traction's version and the
digest of the code that reads and defines records (so a changed parser or schema never
meets records of the old one, even at the same version number), what was read (a week
record or a document) with which model, the file's path in the content folder (it is in
every position), the parser chosen, and the file's text. The value is the pickled
`(record, problems)` pair: a file's problems are its own, and records are immutable.

Unpickling runs code named by the data, so it is done only with bytes the store has
authenticated: `output.cache.Cache` returns an entry only when its HMAC, made with a
secret key of this user's kept outside the content repository, verifies. Bytes that pass
were written by this user's own Traction, which could run any code already; a file
planted in `.traction-cache/` (a pull request) cannot be signed, so it is never
unpickled. A store that does not authenticate must not be passed here.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from generator import __version__
from generator.problems import Problem

Found = tuple[Any, tuple[Problem, ...]]  # a record (or None) and the file's problems
Read = Callable[[str, str, Any, bool], Found]  # (text, rel, model, fast) -> Found


class Store(Protocol):
    """Bytes kept between runs by key (a hex SHA-256). `get` returns only bytes that this
    user's Traction wrote (`output.cache.Cache` signs them), else None."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes) -> None: ...


# In this process: the texts of the content (and of its recent edits), as many entries as
# a 15-year log has files.
_RECENT_MAX = 1024
_recent: OrderedDict[tuple[Any, ...], Found] = OrderedDict()


def remembered(read: Read, text: str, rel: str, model: Any, fast: bool,
               store: Store | None) -> Found:
    """`read(text, rel, model, fast)`, unless the same was read before in this process or,
    with a `store`, by an earlier run."""
    memo = (read.__name__, text, rel, model, fast)
    found = _recent.get(memo)
    if found is not None:
        _recent.move_to_end(memo)
        return found
    key = _key(read.__name__, text, rel, model, fast) if store is not None else None
    found = _load(store, key) if store is not None and key is not None else None
    if found is None:
        found = read(text, rel, model, fast)
        if store is not None and key is not None:
            store.put(key, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    _recent[memo] = found
    if len(_recent) > _RECENT_MAX:
        _recent.popitem(last=False)
    return found


def _load(store: Store, key: str) -> Found | None:
    data = store.get(key)
    if data is None:
        return None
    try:
        found = pickle.loads(data)  # authenticated by the store: see the module's text
    except Exception:  # ours, but unreadable now (a class renamed): a miss
        return None
    if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], tuple)):
        return None
    return found


def _key(kind: str, text: str, rel: str, model: Any, fast: bool) -> str | None:
    code = _code_digest()
    if code is None:
        return None
    digest = hashlib.sha256()
    for part in (__version__, code, kind, f"{model.__module__}.{model.__qualname__}", rel,
                 "fast" if fast else "strict"):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _code_digest() -> str | None:
    """A digest of the modules whose code makes or defines what is kept: this layer and the
    base layer. None when they cannot be read (then nothing is kept on disk)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    try:
        for path in (*sorted((package / "source").glob("*.py")), package / "problems.py",
                     package / "isoweek.py", package / "__init__.py"):
            digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()
