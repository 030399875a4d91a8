"""`traction diff` plumbing: each side of the comparison read from a git revision.

The revisions are exported to a temporary directory (the work tree is never touched) and
analysed like any content directory; `public.diff.compare` makes the report.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from generator.model.analysis import Analysis, AsOf, AsOfError, source_date
from generator.pipeline import analyse
from generator.public.diff import DiffReport, Side, compare
from generator.source.recordcache import Store
from generator.tools.gitrev import GitError, Repo, commit_time, export, open_repo, resolve

__all__ = ["GitError", "diff_revisions"]


def diff_revisions(content: Path, base: str, head: str | None = None,
                   as_of: AsOf | None = None, store: Store | None = None) -> DiffReport:
    """Compare the content at `base` with `head` (default: the working tree). Raises GitError.

    A revision is evaluated as of its commit's date, as the publish workflow builds it, and
    the working tree as of `as_of` (SOURCE_DATE_EPOCH) or its own latest day; an `--as-of`
    date applies to both sides. `store` keeps the records of files between runs (see
    `pipeline.analyse`): a file unchanged since the base is read once."""
    repo = open_repo(content)
    base_commit = resolve(repo, base)
    head_commit = resolve(repo, head) if head is not None else None
    with tempfile.TemporaryDirectory(prefix="traction-diff-") as tmp:

        def at_commit(rev: str, commit: str, folder: str) -> Side:
            return Side(rev, commit, _analyse_commit(repo, commit, Path(tmp, folder), as_of,
                                                     store, content))

        if head_commit is None:
            # The working tree first: its load keeps the content folder's bundle of
            # records, which the commit's then reads (`source.recordcache.Bundle`).
            after = Side(None, None, analyse(content, as_of=as_of, store=store)
                         if content.is_dir() else None)
            before = at_commit(base, base_commit, "base")
        else:
            assert head is not None
            before = at_commit(base, base_commit, "base")
            after = at_commit(head, head_commit, "head")
        return compare(before, after, repo.content)


def _analyse_commit(repo: Repo, commit: str, dest: Path, as_of: AsOf | None,
                    store: Store | None, content: Path) -> Analysis | None:
    if as_of is None or not as_of.strict:
        try:
            as_of = AsOf(source_date(commit_time(repo, commit)).date, "commit date")
        except AsOfError as exc:  # pragma: no cover - git always prints a number
            raise GitError(str(exc)) from None
    # The folder is made anew for each run: its records are read from the content folder's
    # bundle, and the new ones kept one by one.
    return (analyse(dest, as_of=as_of, store=store, bundle_of=content)
            if export(repo, commit, dest) else None)
