"""The content folder as files, before anything in it is parsed: where it is
(`find_content`), and a digest of everything `source.loader` may read from it
(`content_digest`), what a result kept between runs is keyed by (`tools.status_cache`).

The digest covers more than the loader reads, never less: `traction.yaml` and every entry
of `weeks/`, `case-studies/` and `pages/` (hidden ones and folders too), each by name and
kind, a file by its bytes, a link by its target. So any change the loader could see (a
file edited, added, removed, renamed, linked) changes the digest. Imports nothing of
Traction: finding the folder (every command does) and a result found kept cost none of
the parsing modules.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

# What `source.loader.load` reads, relative to the content folder.
READ = ("traction.yaml", "weeks", "case-studies", "pages")
_CAP = 16 * 1024 * 1024  # far above the loader's cap for a file


def find_content(start: Path) -> Path | None:
    """The content folder for a command run in `start` without --content, found as git
    finds its repository: in `start` and each folder above it, `content/traction.yaml`
    (a repository's root) or `traction.yaml` (the content folder itself), stopping after
    the root of a git repository. The path is relative to `start` (`content`, `..`,
    `../content`), so problems name files from where the command ran; None if none."""
    here = start.absolute()
    for folder in (here, *here.parents):
        for candidate in (folder / "content", folder):
            if (candidate / "traction.yaml").is_file():
                return Path(os.path.relpath(candidate, here))
        if (folder / ".git").exists():
            return None
    return None


def content_digest(root: Path) -> str | None:
    """The digest of the content at `root`; None when some of it cannot be read (then
    nothing may be kept by it)."""
    digest = hashlib.sha256()
    try:
        digest.update(b"root " + ("dir" if root.is_dir() else "none").encode() + b"\0")
        for name in READ:
            path = os.path.join(root, name)
            kind = _kind(os.lstat(path).st_mode) if os.path.lexists(path) else "none"
            _entry(digest, path, name, kind)
            if kind == "dir" and name != "traction.yaml":
                with os.scandir(path) as listing:  # the kind of each without a stat
                    children = sorted(listing, key=lambda child: child.name)
                for child in children:
                    _entry(digest, child.path, f"{name}/{child.name}", _child_kind(child))
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISREG(mode):
        return "file"
    return "dir" if stat.S_ISDIR(mode) else "other"


def _child_kind(child: os.DirEntry[str]) -> str:
    if child.is_symlink():
        return "link"
    if child.is_file(follow_symlinks=False):
        return "file"
    return "dir" if child.is_dir(follow_symlinks=False) else "other"


def _entry(digest: hashlib._Hash, path: str, rel: str, kind: str) -> None:
    data = b""
    if kind == "link":
        data = os.readlink(path).encode("utf-8", "surrogateescape")
    elif kind == "file":
        data = _read(path, rel)
    digest.update(f"{rel}\0{kind}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
    digest.update(data)


def _read(path: str, rel: str) -> bytes:
    """The whole file, read to its end; a link put in its place is refused."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        size, total = os.fstat(fd).st_size, 0
        parts: list[bytes] = []
        while True:
            chunk = os.read(fd, max(size + 1 - total, 65536))
            if not chunk:
                return b"".join(parts)
            parts.append(chunk)
            total += len(chunk)
            if total > _CAP:  # the loader refuses it anyway; not worth reading to keep
                raise ValueError(f"{rel} is too big to digest")
    finally:
        os.close(fd)
