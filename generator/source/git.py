"""Run git: the one place Traction starts a git process.

Two readers use it: `source.history` (the provenance of each entry, from `git log`) and
`tools.gitrev` (the content at a revision, for `traction diff`). Both only read: git is
run with `--literal-pathspecs`, never touches the work tree or the index, and every
failure is a `GitError` with a one-line message.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Generator
from pathlib import Path

SHALLOW_HINT = ("fetch the full history (with actions/checkout, set `fetch-depth: 0`; "
                "locally, `git fetch --unshallow`)")


class GitError(Exception):
    """A git problem, said in one line for the person running the command."""


def run(top: Path, *args: str, stdin: bytes | None = None,
        purpose: str = "traction diff compares two git revisions of the content"
        ) -> subprocess.CompletedProcess[bytes]:
    """`git -C top args...`, its output captured; `purpose` says why git was wanted."""
    try:
        return subprocess.run(["git", "--literal-pathspecs", "-C", str(top), *args],
                              input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError(f"git is not installed ({purpose})") from None


def first_line(raw: bytes) -> str:
    lines = raw.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "no message"


def read_blobs(top: Path, oids: list[str]) -> list[bytes]:
    """The contents of git objects, in one `git cat-file --batch`."""
    out = run(top, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in oids).encode())
    if out.returncode != 0:
        raise GitError(f"git cat-file failed: {first_line(out.stderr)}")
    data, at, blobs = out.stdout, 0, []
    for oid in oids:
        end = data.index(b"\n", at)
        header = data[at:end].split()
        if len(header) != 3 or header[1] != b"blob":
            raise GitError(f"git object {oid[:12]} is missing (a partial or broken clone?)")
        size = int(header[2])
        blobs.append(data[end + 1:end + 1 + size])
        at = end + 1 + size + 1  # the contents are followed by a newline
    return blobs


def iter_blobs(top: Path, oids: list[str], cap: int) -> Generator[bytes | None, None, None]:
    """The contents of git objects, one at a time, from one `git cat-file --batch`; None for
    an object over `cap` bytes, which is skipped unread. So memory stays one object's, however
    long the history is."""
    try:
        process = subprocess.Popen(["git", "-C", str(top), "cat-file", "--batch"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout

    def feed() -> None:  # in a thread: git stops reading while its output is not read
        try:
            stdin.write("".join(f"{o}\n" for o in oids).encode())
            stdin.close()
        except OSError:  # git exited early; the reader reports it
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for oid in oids:
            header = stdout.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                raise GitError(f"git object {oid[:12]} is missing (a partial or broken clone?)")
            size = int(header[2])
            if size > cap:
                while size > 0:
                    size -= len(stdout.read(min(size, 1 << 16)) or b"\0" * size)
                yield None
            else:
                yield stdout.read(size)
            stdout.read(1)  # the newline after the contents
    finally:
        stdout.close()
        process.kill()
        process.wait()
        writer.join()
