"""Write a rendered site atomically: all of it, or nothing.

The new site is written into a temporary sibling of the output directory and
swapped in with renames; on any failure the previous site stays as it was and
no temporary directory is left behind. Files not in the new site disappear.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath


class OutputError(Exception):
    """The output cannot be written as asked; the message says why, in one line."""


def check_paths(files: dict[str, bytes]) -> None:
    """Every path stays inside the output and no two differ only by case."""
    seen: dict[str, str] = {}
    for path in files:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not path or "\\" in path:
            raise OutputError(f"refusing to write '{path}': it would escape the output directory")
        key = path.casefold()
        if key in seen:
            raise OutputError(f"'{path}' and '{seen[key]}' differ only by case; "
                              "they would overwrite each other on macOS and Windows")
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
    if out.is_dir() and any(out.iterdir()) and not (out / "progress.json").is_file():
        # The build replaces the whole directory: never take over a folder of other files.
        raise OutputError(f"refusing to build into {out}: it holds files and is not a previous "
                          "traction build; empty it or choose another --out")


def write_site(files: dict[str, bytes], out: Path) -> None:
    check_paths(files)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    retired: Path | None = None
    try:
        for path in sorted(files):
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[path])
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
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
