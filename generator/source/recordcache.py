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
of 360 (0.3 s on this machine's file system). The bundle holds one slot per file, its
entry's key and bytes, so what it gives for a key is what that key's own entry would; an
entry is unpickled only when its file is read. The files changed since the bundle was
written have an entry of their own, until more than a few differ from it: then it is
written again, each file as it is now.

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
# are not in it as they are now: one or a few week files edited keep an entry each.
BUNDLE_SLACK = 8

Slot = tuple[str, bytes]  # a file's entry in a bundle: its key and its bytes


class Bundle:
    """The entries of one load of a content folder, kept in `store` as one entry that
    holds one slot per file (its key and its entry): a newer version of a file replaces
    the older, and a file no longer there is dropped, so it holds the folder as it is.
    For one load: `remembered` asks it, and `close` at the end keeps what is new. With
    `add` off (the load of another folder than `root`), it is only read from."""

    def __init__(self, store: Store, root: Path, fast: bool, add: bool = True) -> None:
        self.store = store
        self.add = add
        self.key = _bundle_key(root, fast)
        self.kept: dict[str, Slot] | None = None  # by file; read at the first `get`
        self.files: set[str] = set()  # every file this load read, from memory or not
        self.used: dict[str, Slot] = {}  # the entries this load read or made, by file
        self.made: dict[str, Slot] = {}
        self.outside = 0  # entries read from the store, not the bundle

    def get(self, key: str, rel: str) -> bytes | None:
        if self.kept is None:
            self.kept = _read_bundle(self.store, self.key)
        slot = self.kept.get(rel)
        data = slot[1] if slot is not None and slot[0] == key else None
        if data is None:
            data = self.store.get(key)
            self.outside += data is not None
        if data is not None:
            self.used[rel] = (key, data)
        return data

    def put(self, key: str, rel: str, data: bytes) -> None:
        self.used[rel] = self.made[rel] = (key, data)

    def close(self) -> None:
        """Keep what this load made: in the bundle, written again, when more files than
        `BUNDLE_SLACK` differ from it (or there was none); else an entry each."""
        if self.key is None or self.kept is None:
            return  # nothing was asked for: every record was in memory
        differ = len(self.made) + self.outside + len(self.kept.keys() - self.files)
        if not differ:
            return
        slots = {rel: slot for rel, slot in {**self.kept, **self.used}.items()
                 if rel in self.files}
        if self.add and (not self.kept or differ > max(BUNDLE_SLACK, len(slots) // 20)):
            self.store.put(self.key, pickle.dumps(slots, protocol=pickle.HIGHEST_PROTOCOL))
        else:
            for key, data in self.made.values():
                self.store.put(key, data)


def _read_bundle(store: Store, key: str | None) -> dict[str, Slot]:
    data = store.get(key) if key is not None else None
    if data is None:
        return {}
    try:
        kept = pickle.loads(data)  # authenticated by the store: see the module's text
    except Exception:  # ours, but unreadable now: none
        return {}
    if not (isinstance(kept, dict) and all(
            isinstance(rel, str) and isinstance(slot, tuple) and len(slot) == 2
            and isinstance(slot[0], str) and isinstance(slot[1], bytes)
            for rel, slot in kept.items())):
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
               bundle: Bundle | None) -> Found:
    """`read(text, rel, model, fast)`, unless the same was read before in this process or,
    with a `bundle` of the store, by an earlier run."""
    if bundle is not None:
        bundle.files.add(rel)
    memo = (read.__name__, text, rel, model, fast)
    found = _recent.get(memo)
    if found is not None:
        _recent.move_to_end(memo)
        return found
    key = _key(read.__name__, text, rel, model, fast) if bundle is not None else None
    found = _load(bundle, key, rel) if bundle is not None and key is not None else None
    if found is None:
        found = read(text, rel, model, fast)
        if bundle is not None and key is not None:
            bundle.put(key, rel, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    _recent[memo] = found
    if len(_recent) > _RECENT_MAX:
        _recent.popitem(last=False)
    return found


def _load(bundle: Bundle, key: str, rel: str) -> Found | None:
    data = bundle.get(key, rel)
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
