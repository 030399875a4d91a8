"""Where each entry of the log comes from: the commit that first added it, from git history.

Read once per build with two git processes, whatever the length of the history:
- `git log --first-parent` of the content folder's `weeks/` gives, oldest first, each
  commit of the main line (a merged branch counts from its merge) and the week files it
  changed, with their new object ids;
- `git cat-file --batch` streams those versions, each read as the loader reads a week
  file (the same size cap, strictly; a version that does not read is passed over).

Entries are followed from version to version by what they are, not where they are written:
an account event by its account and event, a list event by its type and product, a call by
everything that makes it count (its date, who, account, type and status; so a call whose
date is edited reads as a new call). An entry keeps its first commit when one of its
numbers is edited later, or when it moves to another week's file in the same commit: that
is a revision, kept with both commits. A note edited later is no revision: it counts for
nothing. Nothing here reads the clock: every date is a commit's.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.problems import Problems
from generator.source.git import GitError, first_line, iter_blobs, run
from generator.source.loader import WEEK_FILE, week_from_bytes
from generator.source.schema import AccountEvent, Call, ListEvent, WeekLog
from generator.source.yamlsource import MAX_FILE_BYTES

Entry = Call | AccountEvent | ListEvent
Place = tuple[str, int, int]  # file, line, column of an entry in the current content
_PURPOSE = "Traction reads when each entry was first committed"
_NULL_OID = "0" * 40

# The fields whose change is a revision: those a number is counted from. The others are
# what the entry is (its identity, below) or private text that counts for nothing.
_COUNTED: dict[type, tuple[str, ...]] = {
    AccountEvent: ("date", "source", "owner", "amount", "interval"),
    ListEvent: ("date", "price", "spontaneous"),
    Call: (),
}


@dataclass(frozen=True)
class Commit:
    id: str  # the full hash
    time: int  # committer date, seconds since 1970
    day: datetime.date  # committer date, in the committer's time zone

    @property
    def short(self) -> str:
        return self.id[:7]


@dataclass(frozen=True)
class Revision:
    """An entry's counted fields changed from one commit to a later one."""

    before: Commit  # the commit of the earlier version (its first, or its last revision)
    after: Commit
    old: Entry
    new: Entry

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for f in _COUNTED[type(self.new)]
                     if getattr(self.old, f) != getattr(self.new, f))


@dataclass(frozen=True)
class Origin:
    """Where an entry of the current content comes from."""

    first: Commit  # the commit that first added it
    revisions: tuple[Revision, ...] = ()


@dataclass(frozen=True)
class History:
    """The provenance of the current content: the commit it is as of, and each committed
    entry's origin by its place. An entry not committed yet has no origin."""

    head: Commit
    origins: dict[Place, Origin]

    def origin(self, entry: Entry) -> Origin | None:
        return self.origins.get((entry.pos.file, entry.pos.line, entry.pos.col))


@dataclass(frozen=True)
class NoHistory:
    """Why there is no provenance: one line, said once; nothing fails for it."""

    reason: str


def _identity(entry: Entry) -> tuple[object, ...]:
    if isinstance(entry, AccountEvent):
        return ("account", entry.id, entry.event)
    if isinstance(entry, ListEvent):
        return ("list", entry.type, entry.product)
    return ("call", entry.date, entry.with_, entry.account, entry.type, entry.status)


Slot = tuple[tuple[object, ...], int]  # identity, and how many of it come before in the file


def _entries(week: WeekLog) -> Iterator[Entry]:
    yield from week.calls
    yield from week.accounts
    if week.list_ is not None:
        yield from week.list_.events


def _slots(entries: Iterable[Entry]) -> dict[Slot, Entry]:
    seen: Counter[tuple[object, ...]] = Counter()
    slots = {}
    for entry in entries:
        identity = _identity(entry)
        slots[(identity, seen[identity])] = entry
        seen[identity] += 1
    return slots


def _counted(entry: Entry) -> tuple[object, ...]:
    return tuple(getattr(entry, f) for f in _COUNTED[type(entry)])


@dataclass
class _Tracked:
    first: Commit
    entry: Entry
    last: Commit  # the commit of `entry`'s version
    revisions: list[Revision] = dataclasses.field(default_factory=list)

    def change(self, entry: Entry, commit: Commit) -> None:
        if _counted(entry) != _counted(self.entry):
            self.revisions.append(Revision(self.last, commit, self.entry, entry))
            self.last = commit
        self.entry = entry


def read_history(root: Path, weeks: tuple[WeekLog, ...]) -> History | NoHistory:
    """The origin of every entry of `weeks` (the content at `root`, as loaded)."""
    try:
        return _read(root, weeks)
    except GitError as exc:
        return NoHistory(str(exc))


def _read(root: Path, weeks: tuple[WeekLog, ...]) -> History | NoHistory:
    found = run(root, "rev-parse", "--show-toplevel", "--is-shallow-repository",
                "--show-prefix", purpose=_PURPOSE)
    if found.returncode != 0:
        if b"not a git repository" in found.stderr:
            return NoHistory("the content is not in a git repository")
        return NoHistory(f"git failed: {first_line(found.stderr)}")
    lines = found.stdout.decode("utf-8", "replace").splitlines()
    top, shallow, prefix = Path(lines[0]), lines[1] == "true", lines[2] if len(lines) > 2 else ""
    if shallow:
        return NoHistory("a shallow clone holds only part of the history "
                         "(with actions/checkout, set `fetch-depth: 0`)")
    head = _commits(top, ["-1", "HEAD"])
    if not head:
        return NoHistory("the repository has no commit yet")
    tracked = _follow(top, _log(top, prefix), _by_object_id(root, weeks))
    origins: dict[Place, Origin] = {}
    for week in weeks:
        rel = f"weeks/{week.week}.yaml"
        for slot, entry in _slots(_entries(week)).items():
            state = tracked.get((rel, slot))
            if state is not None:
                origins[(entry.pos.file, entry.pos.line, entry.pos.col)] = Origin(
                    state.first, tuple(state.revisions))
    return History(head[0][0], origins)


_FORMAT = "%x1e%H %ct %cI"


def _commits(top: Path, args: list[str]) -> list[tuple[Commit, list[str]]]:
    """Commits `git log args` lists, each with its raw diff lines."""
    out = run(top, "-c", "core.quotePath=false", "log", f"--format={_FORMAT}", *args,
              purpose=_PURPOSE)
    if out.returncode != 0:
        if b"does not have any commits" in out.stderr or b"unknown revision" in out.stderr:
            return []
        raise GitError(f"git log failed: {first_line(out.stderr)}")
    commits = []
    for record in out.stdout.decode("utf-8", "replace").split("\x1e")[1:]:
        header, *diff = record.split("\n")
        oid, time, iso = header.split(" ")
        day = datetime.date.fromisoformat(iso[:10])
        commits.append((Commit(oid, int(time), day), [line for line in diff if line]))
    return commits


def _log(top: Path, prefix: str) -> list[tuple[Commit, list[tuple[str, str]]]]:
    """Oldest first, each commit of the main line that changed a week file, with each
    file's path in the content folder and its new object id (the null id: deleted)."""
    folder = f"{prefix}weeks"
    commits = _commits(top, ["--reverse", "--first-parent", "--diff-merges=first-parent",
                             "--raw", "--no-abbrev", "--no-renames", "HEAD", "--", folder])
    found = []
    for commit, diff in commits:
        changes = []
        for line in diff:
            meta, _, path = line.partition("\t")
            parts = meta.split()
            if not meta.startswith(":") or len(parts) < 5 or not path.startswith(prefix):
                continue
            rel = path[len(prefix):]
            if rel.startswith("weeks/") and WEEK_FILE.match(rel[len("weeks/"):]):
                changes.append((rel, parts[3]))
        if changes:
            found.append((commit, changes))
    return found


def _by_object_id(root: Path, weeks: tuple[WeekLog, ...]) -> dict[str, WeekLog]:
    """The week files as loaded, by the git object id of their bytes: a version in the
    history with the same id is the same text, so it is not read again. (Most versions are
    the current ones: a week is usually written once.)"""
    found = {}
    for week in weeks:
        try:
            data = (root / "weeks" / f"{week.week}.yaml").read_bytes()
        except OSError:  # gone since it was loaded: read from git instead
            continue
        found[hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()] = week
    return found


def _follow(top: Path, log: list[tuple[Commit, list[tuple[str, str]]]],
            known: dict[str, WeekLog]) -> dict[tuple[str, Slot], _Tracked]:
    """Every entry of every version, followed from commit to commit."""
    tracked: dict[tuple[str, Slot], _Tracked] = {}
    files: dict[str, dict[Slot, Entry]] = {}
    oids = [oid for _, changes in log for _, oid in changes
            if oid != _NULL_OID and oid not in known]
    blobs = iter_blobs(top, oids, MAX_FILE_BYTES)
    try:
        for commit, changes in log:
            moved_out: dict[tuple[object, ...], list[_Tracked]] = {}
            added: list[tuple[str, Slot, Entry]] = []
            for rel, oid in changes:
                if oid == _NULL_OID:
                    new: dict[Slot, Entry] = {}
                else:
                    if oid in known:
                        week: WeekLog | None = known[oid]
                    else:
                        data = next(blobs)
                        week = (week_from_bytes(data, rel, Problems()) if data is not None
                                else None)
                    if week is None:  # a version that does not read: as if not committed
                        continue
                    new = _slots(_entries(week))
                old = files.get(rel, {})
                for slot in old.keys() - new.keys():
                    moved_out.setdefault(slot[0], []).append(tracked.pop((rel, slot)))
                for slot, entry in new.items():
                    if slot in old:
                        tracked[(rel, slot)].change(entry, commit)
                    else:
                        added.append((rel, slot, entry))
                files[rel] = new
            for rel, slot, entry in added:  # moved from another file, or new
                left = moved_out.get(slot[0])
                if left:
                    state = left.pop(0)
                    state.change(entry, commit)
                else:
                    state = _Tracked(commit, entry, commit)
                tracked[(rel, slot)] = state
    finally:
        blobs.close()
    return tracked


@dataclass(frozen=True)
class Dated:
    """An entry a change adds to the log, or moves to another date (`traction diff`)."""

    entry: Entry
    was: datetime.date | None  # its date before the change; None: the change adds it


def dated_changes(before: tuple[WeekLog, ...], after: tuple[WeekLog, ...]) -> list[Dated]:
    """The entries of `after` that `before` lacks, or holds with another date: matched by
    what they are, as the history follows them, wherever they are written."""
    old: dict[tuple[object, ...], list[Entry]] = {}
    for week in before:
        for entry in _entries(week):
            old.setdefault(_identity(entry), []).append(entry)
    found = []
    for week in after:
        for entry in _entries(week):
            same = old.get(_identity(entry))
            if not same:
                found.append(Dated(entry, None))
            elif (was := same.pop(0)).date != entry.date:
                found.append(Dated(entry, was.date))
    return found
