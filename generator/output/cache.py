"""A content-addressed store of derived bytes between builds: `.traction-cache/`.

Each entry is a file named by its key (a hex SHA-256 of everything it was made from) that
begins with a header naming this format and an HMAC-SHA256 of the key and what follows,
made with a secret key of this user's that lives outside the content repository
(`key_file`). The cache folder lives in the founder's repository, so anyone who can get a
file into it (a pull request that force-adds one) could otherwise plant an entry whose
header checks out: a forged social card, or a record that unpickles as they please. Only
this user's own Traction can sign, so an entry is used only when its signature verifies:
a corrupt, foreign, planted or truncated file is a miss, made again and overwritten; a
stale one is never asked for, because its key differs. A fresh machine (a CI runner) has a
fresh key, so entries committed to a repository are never trusted there.

Writing is atomic (a temporary file renamed into place), so a killed build leaves no torn
entry and builds that share a cache at worst make the same entry twice. The cache is a
convenience: when it cannot be read or written, or no key can be read or made (a read-only
home), the build goes on without it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
import shutil
import stat
import tempfile
from pathlib import Path

FOLDER = ".traction-cache"
FORMAT = b"traction-cache/2"  # 1 was signed by a bare SHA-256: never read again
# The standard mark of a cache folder (https://bford.info/cachedir/): backup tools skip it,
# and `traction clean` removes only a folder that carries it.
TAG_NAME = "CACHEDIR.TAG"
TAG = (b"Signature: 8a477f597d28d172789f06886806bc55\n"
       b"# This folder is a cache made by Traction (traction build); `traction clean`\n"
       b"# removes it and the next build makes it again.\n")
# The kept records hold the log's private text: the folder keeps itself out of git even in
# a repository whose .gitignore does not name it (made before `traction init` wrote it).
GITIGNORE = b"# Made by Traction: this cache holds private text; never commit it.\n*\n"
_KEY = re.compile(r"^[0-9a-f]{64}$")
_ENTRY_CAP = 64 * 1024 * 1024  # no entry is this large; a bigger file is not ours
SECRET_BYTES = 32
KEY_FILE_ENV = "TRACTION_KEY_FILE"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def key_file() -> Path | None:
    """Where this user's signing key is kept: TRACTION_KEY_FILE, else
    $XDG_CACHE_HOME/traction/key, else ~/.cache/traction/key: outside any content folder,
    unless TRACTION_KEY_FILE puts it in one (a key committed to a repository lets anyone
    sign an entry). None when there is no home to keep it in."""
    if os.environ.get(KEY_FILE_ENV):
        return Path(os.environ[KEY_FILE_ENV])
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG spec: a relative value is to be ignored
        return Path(xdg) / "traction" / "key"
    try:
        return Path.home() / ".cache" / "traction" / "key"
    except RuntimeError:  # no HOME and no password entry
        return None


@functools.lru_cache(maxsize=8)  # read once per process (and path), not once per entry
def user_key(path: Path | None) -> bytes | None:
    """The secret at `path`, made on first use (32 random bytes, mode 0600); None when it
    can be neither read nor made, or is not a key of ours: then there is no cache."""
    if path is None:
        return None
    key = _read_key(path)
    if key is not None:
        return key
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.parent / f".key-{secrets.token_hex(8)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(SECRET_BYTES))
                handle.flush()
                os.fsync(handle.fileno())
            # A link, not a rename: when two processes make a key at once, the first one
            # stays, and both then sign with it. The key is whole before it has its name.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: the last one made stays
                os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except FileExistsError:
        pass  # another process made it first: read theirs
    except OSError:
        return None  # a read-only or full home: no cache
    return _read_key(path)


def _read_key(path: Path) -> bytes | None:
    """The key at `path` when it is a regular file of this user's, readable by nobody else,
    of the right length; else None."""
    try:
        # not blocking: a FIFO at the path would wait for a writer; checked before it is
        # read, as os.fdopen refuses a folder with an error
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not _private(info) or info.st_size != SECRET_BYTES:
            return None
        key = os.read(fd, SECRET_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return key if len(key) == SECRET_BYTES else None


def key_trouble() -> str | None:
    """Why this user's key cannot be used, so nothing is cached (for a warning), or None.
    A key file that is a link, readable by others or not one of ours is never used: it
    may have been read, or planted."""
    path = key_file()
    if path is None:
        return f"no home folder to keep its signing key in; set {KEY_FILE_ENV}"
    if user_key(path) is not None:
        return None
    try:
        info = os.lstat(path)
    except OSError:
        return f"its signing key cannot be made at {path}"
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        return f"its signing key {path} is not a file"
    if not _private(info):
        return (f"its signing key {path} is readable by other users (or not yours); delete "
                "it, and the next run makes a new one")
    return f"{path} is not a signing key of Traction's; delete it, and the next run makes one"


def _private(info: os.stat_result) -> bool:
    if os.name == "nt":  # no POSIX modes to check: the user's profile folder is their own
        return stat.S_ISREG(info.st_mode)
    return (stat.S_ISREG(info.st_mode) and info.st_mode & 0o077 == 0
            and info.st_uid == os.getuid())


class _UsersKey:
    """The default `secret` of a `Cache`: this user's key."""


USERS_KEY = _UsersKey()


class Cache:
    """Entries under `folder`, which is made on the first write, signed with `secret` (by
    default this user's key, `user_key(key_file())`). Without a key (None) every `get` is
    a miss and `put` keeps nothing."""

    def __init__(self, folder: Path, secret: bytes | _UsersKey | None = USERS_KEY
                 ) -> None:
        self.folder = folder
        self.secret = user_key(key_file()) if isinstance(secret, _UsersKey) else secret
        # Checked once per run, not once per entry (a run may write hundreds): the folder
        # is ours, with its tag, and these subfolders are made and are not links.
        self._ours = False
        self._made: set[Path] = set()
        self._unlinked: set[Path] = set()  # subfolders read from, neither one a link

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.folder / key[:2] / key

    def _header(self, key: str, data: bytes) -> bytes:
        assert self.secret is not None
        mac = hmac.new(self.secret, FORMAT + b"\n" + key.encode("ascii") + b"\n",
                       hashlib.sha256)
        mac.update(data)  # the entry's key is signed too: an entry moved to another is a miss
        return FORMAT + b" " + mac.hexdigest().encode("ascii")

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        if self.secret is None:
            return None
        try:
            if path.parent not in self._unlinked:
                if self.folder.is_symlink() or path.parent.is_symlink():
                    return None
                self._unlinked.add(path.parent)
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW)  # a link in its place is refused
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode) or info.st_size > _ENTRY_CAP:
                    return None
                raw = handle.read(_ENTRY_CAP + 1)
        except OSError:
            return None
        header, _, data = raw.partition(b"\n")
        if not hmac.compare_digest(header, self._header(key, data)):
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if self.secret is None or len(data) > _ENTRY_CAP - 1024:
            return  # no key; or more than `get` would read back (header included)
        try:
            if not self._ours:
                if self.folder.is_symlink() or (self.folder.exists()
                                                and not _is_ours(self.folder)):
                    return  # never write through a link, or into a folder someone else made
                self.folder.mkdir(parents=True, exist_ok=True)
                for name, text in ((TAG_NAME, TAG), (".gitignore", GITIGNORE)):
                    if not (self.folder / name).exists():
                        (self.folder / name).write_bytes(text)
                self._ours = True
            if path.parent not in self._made:
                if path.parent.is_symlink():
                    return  # a link planted in our folder: never written through
                path.parent.mkdir(exist_ok=True)
                self._made.add(path.parent)
            header = self._header(key, data) + b"\n"
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(header + data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a read-only or full disk: the build goes on, the entry is made again


def _is_ours(folder: Path) -> bool:
    """A folder this module made: it carries the cache tag, or is empty."""
    try:
        return (folder / TAG_NAME).read_bytes() == TAG or not any(folder.iterdir())
    except OSError:
        return False


def clear(folder: Path) -> bool:
    """Remove the cache at `folder`; False when there is none. Raises OutputError for a
    folder that is not a Traction cache (no tag of ours), which is never removed."""
    from generator.output.writer import OutputError  # not at the top: `status` needs none

    if not folder.exists() and not folder.is_symlink():
        return False
    if folder.is_symlink() or not folder.is_dir() or not _is_ours(folder):
        raise OutputError(f"{folder} is not a Traction cache (it has no {TAG_NAME} of ours); "
                      "left as it is")
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise OutputError(f"cannot remove {folder}: {exc.strerror or exc}") from None
    return True
