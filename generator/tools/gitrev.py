"""Read the content directory as it was at a git revision.

It runs git through `source.git`, and never touches the work tree or the index:
files are listed with `git ls-tree` and read with `git cat-file --batch`, then
written into a directory the caller owns. (`git archive` would do too, but it
applies `export-ignore` and `export-subst` attributes, so it can drop or
rewrite files.) Every failure is a `GitError` with a one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.source.git import SHALLOW_HINT, GitError, first_line, read_blobs, run

__all__ = ["GitError", "Repo", "commit_time", "export", "open_repo", "resolve"]


@dataclass(frozen=True)
class Repo:
    top: Path  # the working tree's top directory
    content: str  # the content dir relative to `top`, POSIX form; "" when it is `top`


def open_repo(content: Path) -> Repo:
    """The repository holding `content` (which need not exist in the work tree)."""
    target = content.resolve()
    start = target
    while not start.is_dir() and start != start.parent:
        start = start.parent
    found = run(start, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        if b"not a git repository" in found.stderr:
            raise GitError(f"not a git repository: {start} (traction diff compares two git "
                           "revisions of the content)")
        raise GitError(f"git failed in {start}: {first_line(found.stderr)}")
    top = Path(found.stdout.decode("utf-8").strip()).resolve()
    try:
        relative = target.relative_to(top).as_posix()
    except ValueError:
        raise GitError(f"the content directory {content} is outside the git repository "
                       f"at {top}") from None
    return Repo(top, "" if relative == "." else relative)


def resolve(repo: Repo, rev: str) -> str:
    """The commit `rev` names, as a full hash."""
    shown = _printable(rev)
    found = None
    if rev and not rev.startswith("-"):
        found = run(repo.top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if found is not None and found.returncode == 0:
        return found.stdout.decode("ascii").strip()
    shallow = run(repo.top, "rev-parse", "--is-shallow-repository")
    if shallow.stdout.strip() == b"true":
        raise GitError(f"revision '{shown}' is not in this shallow clone: {SHALLOW_HINT}")
    raise GitError(f"unknown revision '{shown}'")


def commit_time(repo: Repo, commit: str) -> str:
    """The committer date of a commit (`resolve`d), in seconds since 1970: what the publish
    workflow sets SOURCE_DATE_EPOCH to when it builds that commit."""
    found = run(repo.top, "log", "-1", "--format=%ct", commit, "--")
    if found.returncode != 0:
        raise GitError(f"git log failed for {commit[:12]}: {first_line(found.stderr)}")
    return found.stdout.decode("ascii").strip()


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:200]


def export(repo: Repo, commit: str, dest: Path) -> bool:
    """Write the content dir as of `commit` into `dest`; False when it is not in that commit.

    Regular files only: symbolic links and submodules are left out.
    """
    args = ["ls-tree", "-r", "-z", "--full-tree", commit]
    if repo.content:
        args += ["--", repo.content]
    listed = run(repo.top, *args)
    if listed.returncode != 0:
        raise GitError(f"git ls-tree failed for {commit[:12]}: {first_line(listed.stderr)}")
    prefix = f"{repo.content}/" if repo.content else ""
    files: list[tuple[str, str]] = []  # (object id, path inside the content dir)
    for entry in listed.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid = meta.decode("ascii").split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode != "120000" and path.startswith(prefix):
            files.append((oid, path[len(prefix):]))
    if not files:
        return False
    for (_, path), data in zip(files, read_blobs(repo.top, [oid for oid, _ in files]),
                               strict=True):
        target = dest.joinpath(*_safe_parts(path))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return True


def _safe_parts(path: str) -> tuple[str, ...]:
    parts = PurePosixPath(path).parts
    if not parts or any(p in ("", ".", "..") or p.startswith("/") for p in parts):
        raise GitError(f"unexpected path in the git tree: {_printable(path)}")
    return parts
