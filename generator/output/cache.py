"""A content-addressed store of derived bytes between builds: `.traction-cache/`.

Each entry is a file named by its key (a hex SHA-256 of everything it was made from) that
begins with a header naming this format and the digest of what follows. An entry is used
only when both hold, so a corrupt, foreign or truncated file is a miss, made again and
overwritten; a stale one is never asked for, because its key differs. Writing is atomic
(a temporary file renamed into place), so a killed build leaves no torn entry and builds
that share a cache at worst make the same entry twice. The cache is a convenience: when
it cannot be read or written the build goes on without it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from generator.output.writer import OutputError

FOLDER = ".traction-cache"
FORMAT = b"traction-cache/1"
# The standard mark of a cache folder (https://bford.info/cachedir/): backup tools skip it,
# and `traction clean` removes only a folder that carries it.
TAG_NAME = "CACHEDIR.TAG"
TAG = (b"Signature: 8a477f597d28d172789f06886806bc55\n"
       b"# This folder is a cache made by Traction (traction build); `traction clean`\n"
       b"# removes it and the next build makes it again.\n")
_KEY = re.compile(r"^[0-9a-f]{64}$")
_ENTRY_CAP = 64 * 1024 * 1024  # no entry is this large; a bigger file is not ours


class Cache:
    """Entries under `folder`, which is made on the first write."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.folder / key[:2] / key

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            if self.folder.is_symlink() or not path.is_file() or path.is_symlink() \
                    or path.stat().st_size > _ENTRY_CAP:
                return None
            raw = path.read_bytes()
        except OSError:
            return None
        header, _, data = raw.partition(b"\n")
        if header != FORMAT + b" " + hashlib.sha256(data).hexdigest().encode("ascii"):
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            if self.folder.is_symlink() or (self.folder.exists() and not _is_ours(self.folder)):
                return  # never write through a link, or into a folder someone else made
            path.parent.mkdir(parents=True, exist_ok=True)
            tag = self.folder / TAG_NAME
            if not tag.exists():
                tag.write_bytes(TAG)
            header = FORMAT + b" " + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n"
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
