"""Throwaway git repositories for tests: commits dated by the test, never by the clock."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

# A commit date before every log here: a revision is evaluated as of its commit date
# (SOURCE_DATE_EPOCH), and one earlier than the log yields to the log's own latest day.
BEFORE_ANY_LOG = datetime.datetime(2001, 1, 1, 12, tzinfo=datetime.UTC)


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.com",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        capture_output=True, text=True, check=True, env={**os.environ, **(env or {})})
    return done.stdout


def commit(repo: Path, message: str,
           when: datetime.date | datetime.datetime = BEFORE_ANY_LOG) -> None:
    """Commit everything, dated `when` (a date: noon UTC), never the clock."""
    if not isinstance(when, datetime.datetime):
        when = datetime.datetime.combine(when, datetime.time(12), datetime.UTC)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message,
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    return path
