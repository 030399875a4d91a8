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

A load keeps them in one entry, a bundle per content folder (`Bundle`): a status on the
5-year log then opens one entry instead of 360, and a first status writes one file instead
of 360 (0.3 s on this machine's file system). The bundle holds each entry's own bytes, under
its own key, so what it gives is what that key gives; an entry is unpickled only when its
file is read. The files changed since the bundle was written have an entry of their own,
until enough of them have changed to write the bundle again.

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


# A load writes its bundle again when more files than this (or a twentieth of its files)
# have no entry in it: one or a few week files edited keep an entry each.
BUNDLE_SLACK = 8


class Bundle:
    """The entries of one load of a content folder, kept in `store` as one entry: a
    `Store` for `remembered`, for one load (`close` at its end writes what is new). With
    `add` off (the load of another folder than `root`), it is only read from."""

    def __init__(self, store: Store, root: Path, fast: bool, add: bool = True) -> None:
        self.store = store
        self.add = add
        self.key = _bundle_key(root, fast)
        self.kept: dict[str, bytes] | None = None  # read at the first `get`
        self.used: dict[str, bytes] = {}  # the entries this load read or made, by key
        self.made: dict[str, bytes] = {}
        self.outside = 0  # entries read from the store, not the bundle

    def get(self, key: str) -> bytes | None:
        if self.kept is None:
            self.kept = _read_bundle(self.store, self.key)
        data = self.kept.get(key)
        if data is None:
            data = self.store.get(key)
            self.outside += data is not None
        if data is not None:
            self.used[key] = data
        return data

    def put(self, key: str, data: bytes) -> None:
        self.used[key] = data
        self.made[key] = data

    def close(self) -> None:
        """Keep what this load made: in a new bundle, with every entry it read, when many
        files are not in the old one (or there was none); else an entry each."""
        if self.key is None or self.kept is None or not (self.made or self.outside):
            return
        if self.add and (not self.kept or len(self.made) + self.outside
                         > max(BUNDLE_SLACK, len(self.used) // 20)):
            # A load that read most of the files replaces the bundle: the entries it leaves
            # out are of files since changed or removed. One that read few of them (`traction
            # serve`, which has the others in memory) adds to it.
            kept = self.used if 2 * len(self.used) >= len(self.kept) else {**self.kept,
                                                                            **self.used}
            self.store.put(self.key, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        else:
            for key, data in self.made.items():
                self.store.put(key, data)


def _read_bundle(store: Store, key: str | None) -> dict[str, bytes]:
    data = store.get(key) if key is not None else None
    if data is None:
        return {}
    try:
        kept = pickle.loads(data)  # authenticated by the store: see the module's text
    except Exception:
        return {}
    if not (isinstance(kept, dict)
            and all(isinstance(k, str) and isinstance(v, bytes) for k, v in kept.items())):
        return {}
    return kept


def _bundle_key(root: Path, fast: bool) -> str | None:
    code = _code_digest()
    if code is None:
        return None
    digest = hashlib.sha256()
    for part in (__version__, code, "bundle", str(root.resolve()), "fast" if fast else "strict"):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


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
