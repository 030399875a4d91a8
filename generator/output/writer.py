"""Write a rendered site atomically: all of it, or nothing, and never over a stranger's files.

The new site is written into a temporary sibling of the output directory and
swapped in with renames; on any failure the previous site stays as it was and
no temporary directory is left behind. Files not in the new site disappear.

A build replaces its output whole, so it must know the output is its own: each site holds
a marker file (`.traction-site`) listing every file Traction wrote there. A folder is taken
over only when it is empty or holds exactly what its marker lists. Builds into one folder
take a lock, and a build killed between its two renames is recovered by the next one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from generator.problems import Pos, Problems, printable

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; concurrent builds there are not guarded
    fcntl = None  # type: ignore[assignment]

MARKER = ".traction-site"
MARKER_FORMAT = "traction-site/1"
_MARKER_CAP = 16 * 1024 * 1024  # a marker lists file names; anything larger is not ours


class OutputError(Exception):
    """The output cannot be written as asked; the message says why, in one line."""


def _os_error(action: str, where: Path, exc: OSError) -> OutputError:
    """An operating-system error as one line: what failed, and why (EROFS, ENOSPC, EACCES)."""
    return OutputError(f"cannot {action} {where}: {exc.strerror or exc}")


def marker_bytes(files: Iterable[str]) -> bytes:
    """The marker of a site: its format id and every file written, sorted (deterministic)."""
    return (json.dumps({"format": MARKER_FORMAT, "files": sorted(files)}, indent=0) + "\n"
            ).encode()


def foreign_file(out: Path) -> str | None:
    """A file in `out` that Traction did not write (relative path), or None when `out` is
    empty or a previous build whose marker lists everything in it."""
    listed: set[str] = set()
    marker = out / MARKER
    if marker.is_file() and not marker.is_symlink() and marker.stat().st_size <= _MARKER_CAP:
        try:
            data = json.loads(marker.read_bytes())
        except (ValueError, UnicodeDecodeError):
            data = None
        if (isinstance(data, dict) and data.get("format") == MARKER_FORMAT
                and isinstance(data.get("files"), list)):
            listed = {name for name in data["files"] if isinstance(name, str)} | {MARKER}
    for directory, dirs, names in os.walk(out):
        base = Path(directory)
        for name in sorted(names) + sorted(d for d in dirs if (base / d).is_symlink()):
            rel = (base / name).relative_to(out).as_posix()
            if rel not in listed or (base / name).is_symlink():
                return rel
    return None


def check_paths(files: Iterable[str], problems: Problems) -> None:
    """Every path stays inside the output and no two differ only by case. The paths come
    from the content's slugs and the theme's files, so a problem is reported at
    traction.yaml, like the content's own."""
    for fault in _path_faults(files):
        problems.error(Pos("traction.yaml"), fault)


def _path_faults(files: Iterable[str]) -> Iterator[str]:
    seen: dict[str, str] = {}
    for path in files:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not path or "\\" in path:
            yield f"refusing to write '{path}': it would escape the output directory"
        key = path.casefold()
        if key in seen:
            yield (f"'{path}' and '{seen[key]}' differ only by case; they would overwrite each "
                   "other on macOS and Windows")
        seen[key] = path


def check_output_dir(out: Path, content: Path) -> None:
    """Refuse an output directory that is, contains or is inside the content or a .git,
    or that holds other files than a previous build (the build replaces it whole)."""
    out, content = out.resolve(), content.resolve()
    if out == content or content.is_relative_to(out) or out.is_relative_to(content):
        raise OutputError(f"refusing to build into {out}: it overlaps the content directory "
                          f"{content}; choose e.g. --out _site")
    if ".git" in out.parts or (out / ".git").exists():
        raise OutputError(f"refusing to build into {out}: it is or holds a git repository")
    if out.exists() and not out.is_dir():
        raise OutputError(f"refusing to build into {out}: it is a file")
    if out == Path(out.anchor) or out == Path.home():
        raise OutputError(f"refusing to build into {out}")
    if out.is_dir():
        # The build replaces the whole directory: never take over a folder of other files.
        try:
            stranger = foreign_file(out)
        except OSError as exc:
            raise _os_error("read the output directory", out, exc) from None
        if stranger is not None:
            raise OutputError(f"refusing to build into {out}: it holds files Traction did not "
                              f"write (e.g. '{_short(stranger)}'); empty it or choose another "
                              "--out")


def _short(name: str) -> str:
    name = printable(name)
    return name if len(name) <= 60 else name[:57] + "..."


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder that holds `out`, so builds into it take turns.

    The lock is on the parent directory itself, so it leaves no lock file behind; the
    kernel drops it when the process dies, even by kill -9."""
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(parent, os.O_RDONLY)
    except OSError as exc:
        raise _os_error("lock the output folder", parent, exc) from None
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _leftovers(out: Path) -> list[Path]:
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(?:new|old)-[a-z0-9_]{{8}}")
    return sorted(p for p in out.parent.iterdir()
                  if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink())


def recover(out: Path) -> None:
    """Repair what a build killed mid-way left: when the site is missing but its retired copy
    is there (killed between the two renames), put it back; remove every staging and retired
    folder. Call it holding `output_lock(out)`."""
    out = out.resolve()
    if not out.parent.is_dir():
        return
    try:
        leftovers = _leftovers(out)
        if not out.exists():
            retired = [p for p in leftovers if ".old-" in p.name and foreign_file(p) is None
                       and (p / MARKER).is_file()]
            if retired:
                newest = max(retired, key=lambda p: p.stat().st_mtime)
                newest.rename(out)
                leftovers.remove(newest)
        for folder in leftovers:
            shutil.rmtree(folder, ignore_errors=True)
    except OSError as exc:
        raise _os_error("recover the previous site in", out.parent, exc) from None


def write_site(files: Mapping[str, bytes], out: Path) -> None:
    """Replace `out` with `files` (and the marker) atomically. Raises OutputError, in one
    line, when the operating system refuses (read-only, full, no permission): the previous
    site stays."""
    with staged_site(out) as staged:
        for path in sorted(files):
            staged[path] = files[path]
        staged.commit()


class StagedSite(MutableMapping[str, bytes]):
    """A site written file by file into a staging folder beside `out` as it is rendered, so
    a big site is never held in memory whole; `commit()` swaps it in, and anything else
    (an error, a problem in the content, an exception) leaves `out` as it was. Only the
    paths are kept; a path that would escape the output is never written (the pipeline
    reports it, from the paths, as `check_paths` does)."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self._paths: set[str] = set()
        self._folders: set[Path] = set()
        self._staging: Path | None = None
        self._committed = False

    def _folder(self) -> Path:
        if self._staging is None:
            try:
                self.out.parent.mkdir(parents=True, exist_ok=True)
                self._staging = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.new-",
                                                      dir=self.out.parent))
            except OSError as exc:
                raise _os_error("write the site to", self.out, exc) from None
        return self._staging

    def __setitem__(self, path: str, data: bytes) -> None:
        if path == MARKER:
            raise OutputError(f"refusing to write '{MARKER}': the name is Traction's own "
                              "marker")
        self._paths.add(path)
        if next(_path_faults([path]), None) is not None:
            return  # reported from the paths; the site is not committed
        target = self._folder() / path
        try:
            if target.parent not in self._folders:  # once each: most pages share a folder
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(target.parent)
            target.write_bytes(data)
        except OSError as exc:
            raise _os_error("write the site to", self.out, exc) from None

    def __getitem__(self, path: str) -> bytes:
        if path not in self._paths or self._staging is None:
            raise KeyError(path)
        try:
            return (self._staging / path).read_bytes()
        except OSError:  # committed, given up, or a path that was never written
            raise KeyError(path) from None

    def __delitem__(self, path: str) -> None:
        raise TypeError("a staged file is not taken back")

    def __contains__(self, path: object) -> bool:
        return path in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._paths))

    def __len__(self) -> int:
        return len(self._paths)

    def commit(self) -> None:
        """Swap the staged site in for `out`. Raises OutputError (the previous site stays)."""
        fault = next(_path_faults(self._paths), None)  # reported by the pipeline already
        if fault is not None:
            raise OutputError(fault)
        staging = self._folder()
        try:
            (staging / MARKER).write_bytes(marker_bytes(self._paths))
            _swap_in(staging, self.out)
        except OSError as exc:
            raise _os_error("write the site to", self.out, exc) from None
        self._committed = True

    def discard(self) -> None:
        if self._staging is not None and not self._committed:
            shutil.rmtree(self._staging, ignore_errors=True)


@contextmanager
def staged_site(out: Path) -> Iterator[StagedSite]:
    """A `StagedSite` for `out`, its staging folder removed unless it was committed."""
    staged = StagedSite(out)
    try:
        yield staged
    finally:
        staged.discard()


def _swap_in(staging: Path, out: Path) -> None:
    retired: Path | None = None
    try:
        for directory in (p for p in staging.rglob("*") if p.is_dir()):
            os.chmod(directory, 0o755)
        os.chmod(staging, 0o755)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rmdir(retired)
            out.rename(retired)
        staging.rename(out)
    except BaseException:
        if retired is not None and not out.exists():
            retired.rename(out)
            retired = None
        raise
    finally:
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
