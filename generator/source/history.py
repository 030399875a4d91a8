"""Where each entry of the log comes from: the commit that first added it, from git history.

Read once per build with two git processes, whatever the length of the history:
- `git log --first-parent` of the content folder's `weeks/` gives, oldest first, each
  commit of the main line (a merged branch counts from its merge) and the week files it
  changed, with their new object ids;
- `git cat-file --batch` streams those versions, each read as the loader reads a week
  file (the same size cap, strictly; a version that does not read is passed over).

Entries are followed from version to version by what they are, never by private text: an
identical entry is the same entry; else an account event is its account and event, a list
event its type, a call its account, and among look-alikes the nearest date is the same
entry (`pair`). So an entry keeps its first commit when its date or an amount is edited
later, or when it moves to another week's file in the same commit: that is a revision, kept
with both commits. Editing a note or a contact is no revision: it counts for nothing. Not
followed: `list.subscribers` and `spend` (no entry of their own), and a renamed content
folder (its history starts again). Nothing here reads the clock: every date is a commit's.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime
import hashlib
from collections.abc import Callable
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
    Call: ("date", "type", "status"),
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
    """What an entry is, whatever its date or amounts: never its private text."""
    if isinstance(entry, AccountEvent):
        return ("account", entry.id, entry.event)
    if isinstance(entry, ListEvent):
        return ("list", entry.type)
    return ("call", entry.account)


def _print(entry: Entry) -> tuple[object, ...]:
    """Everything written in an entry: two entries with the same print are the same."""
    return (type(entry).__name__, *(getattr(entry, f.name) for f in dataclasses.fields(entry)
                                    if "shape" in f.metadata))


def pair(old: list[Entry], new: list[Entry]
         ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Which entries of `new` are which of `old`, by index: identical ones first, in order;
    then, among the same identity, the nearest date (then the earlier one). Returns the
    pairs, the old entries left (removed) and the new ones left (added); deterministic."""
    pairs: list[tuple[int, int]] = []
    same: dict[tuple[object, ...], list[int]] = {}
    for index, entry in enumerate(old):
        same.setdefault(_print(entry), []).append(index)
    rest: list[int] = []
    for index, entry in enumerate(new):
        found = same.get(_print(entry))
        if found:
            pairs.append((found.pop(0), index))
        else:
            rest.append(index)
    paired = {i for i, _ in pairs}
    alike: dict[tuple[object, ...], list[int]] = {}
    for index, entry in enumerate(old):
        if index not in paired:
            alike.setdefault(_identity(entry), []).append(index)
    wanted: dict[tuple[object, ...], list[int]] = {}
    for index in rest:
        wanted.setdefault(_identity(new[index]), []).append(index)
    added = []
    for identity, indexes in wanted.items():
        candidates = alike.get(identity, [])
        if len(candidates) == len(indexes):  # as many as before: in date order, one to one
            def by_date(entries: list[Entry]) -> Callable[[int], tuple[datetime.date, int]]:
                return lambda i: (entries[i].date, i)
            pairs += zip(sorted(candidates, key=by_date(old)),
                         sorted(indexes, key=by_date(new)), strict=True)
            candidates.clear()
            continue
        for index in indexes:  # some added or removed: the nearest date is the same entry
            if not candidates:
                added.append(index)
                continue
            day = new[index].date
            best = min(candidates, key=lambda i: (abs((old[i].date - day).days), i))
            candidates.remove(best)
            pairs.append((best, index))
    removed = sorted(i for left in alike.values() for i in left)
    return sorted(pairs, key=lambda p: p[1]), removed, sorted(added)


def entries(week: WeekLog) -> list[Entry]:
    """A week's dated entries: its calls, account events and list events, as written."""
    return [*week.calls, *week.accounts, *(week.list_.events if week.list_ else ())]


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
    head = _commits(top, ["-1", "HEAD", "--"])  # `--`: HEAD is a revision, not a file
    if not head:
        return NoHistory("the repository has no commit yet")
    files = _followed(top, prefix, head[0][0], root, weeks)
    origins: dict[Place, Origin] = {}
    kept: dict[str, tuple[WeekLog, list[_Tracked], dict[Place, Origin]]] = {}
    for week in weeks:
        states = files.get(f"weeks/{week.week}.yaml", [])
        last = _WEEK_ORIGINS.get(week.week)
        week_origins = (last[2] if last is not None and last[0] is week and last[1] is states
                        else _week_origins(week, states))
        kept[week.week] = (week, states, week_origins)
        origins.update(week_origins)
    _WEEK_ORIGINS.clear()
    _WEEK_ORIGINS.update(kept)
    return History(head[0][0], origins)


# Each week's origins from the last read, with the records and the history they came from:
# on `traction serve`'s next render only the file that changed is paired again (the loader
# keeps an unchanged file's records, `_followed` the history while the head is the same).
_WEEK_ORIGINS: dict[str, tuple[WeekLog, list[_Tracked], dict[Place, Origin]]] = {}


def _week_origins(week: WeekLog, states: list[_Tracked]) -> dict[Place, Origin]:
    current = entries(week)
    pairs, _, _ = pair([state.entry for state in states], current)
    found: dict[Place, Origin] = {}
    for old, new in pairs:
        entry = current[new]
        found[(entry.pos.file, entry.pos.line, entry.pos.col)] = Origin(
            states[old].first, tuple(states[old].revisions))
    return found


# The entries followed through the history up to the last head read, by where and which
# head: `traction serve` renders again on every save, while the commits stay the same.
_FOLLOWED: list[tuple[tuple[Path, str, str], dict[str, list[_Tracked]]]] = []


def _followed(top: Path, prefix: str, head: Commit, root: Path, weeks: tuple[WeekLog, ...]
              ) -> dict[str, list[_Tracked]]:
    """`_follow` of the history up to `head`: what it finds depends on the commits only
    (the current files spare parsing a version that is the same bytes)."""
    key = (top, prefix, head.id)
    if _FOLLOWED and _FOLLOWED[0][0] == key:
        return _FOLLOWED[0][1]
    files = _follow(top, _log(top, prefix), _by_object_id(root, weeks))
    _FOLLOWED[:] = [(key, files)]
    return files


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
            path = _unquoted(path)
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


def _unquoted(path: str) -> str:
    """A path as git prints it: in C-style quotes when it holds `"`, `\\`, a tab or a
    control character (core.quotePath=false leaves other characters as they are)."""
    if len(path) < 2 or not (path.startswith('"') and path.endswith('"')):
        return path
    raw = codecs.escape_decode(path[1:-1].encode("utf-8"))[0]
    return bytes(raw).decode("utf-8", "surrogateescape")


def _follow(top: Path, log: list[tuple[Commit, list[tuple[str, str]]]],
            known: dict[str, WeekLog]) -> dict[str, list[_Tracked]]:
    """Every entry of every version, followed from commit to commit: by file, the entries
    of its latest version (in order), each with where it comes from."""
    files: dict[str, list[_Tracked]] = {}
    oids = [oid for _, changes in log for _, oid in changes
            if oid != _NULL_OID and oid not in known]
    blobs = iter_blobs(top, oids, MAX_FILE_BYTES)
    try:
        for commit, changes in log:
            removed: list[_Tracked] = []
            added: list[tuple[str, int, Entry]] = []
            versions: dict[str, list[_Tracked | None]] = {}
            for rel, oid in changes:
                if oid == _NULL_OID:
                    new: list[Entry] = []
                else:
                    if oid in known:
                        week: WeekLog | None = known[oid]
                    else:
                        data = next(blobs)
                        week = (week_from_bytes(data, rel, Problems()) if data is not None
                                else None)
                    if week is None:  # a version that does not read: as if not committed
                        continue
                    new = entries(week)
                before = files.get(rel, [])
                pairs, gone, fresh = pair([state.entry for state in before], new)
                version: list[_Tracked | None] = [None] * len(new)
                for old, index in pairs:
                    before[old].change(new[index], commit)
                    version[index] = before[old]
                removed += [before[old] for old in gone]
                added += [(rel, index, new[index]) for index in fresh]
                versions[rel] = version
            # An entry gone from one file and added to another in one commit has moved.
            pairs, _, fresh = pair([state.entry for state in removed],
                                   [entry for _, _, entry in added])
            for old, index in pairs:
                rel, at, entry = added[index]
                removed[old].change(entry, commit)
                versions[rel][at] = removed[old]
            for index in fresh:
                rel, at, entry = added[index]
                versions[rel][at] = _Tracked(commit, entry, commit)
            for rel, version in versions.items():
                files[rel] = [state for state in version if state is not None]
    finally:
        blobs.close()
    return files


@dataclass(frozen=True)
class Dated:
    """An entry a change adds to the log, or moves to another date (`traction diff`)."""

    entry: Entry
    was: datetime.date | None  # its date before the change; None: the change adds it


def dated_changes(before: tuple[WeekLog, ...], after: tuple[WeekLog, ...]) -> list[Dated]:
    """The entries of `after` that `before` lacks, or holds with another date: matched as
    the history follows them (`pair`), wherever they are written."""
    old = [entry for week in before for entry in entries(week)]
    new = [entry for week in after for entry in entries(week)]
    pairs, _, fresh = pair(old, new)
    found = [Dated(new[index], None) for index in fresh]
    found += [Dated(new[index], old[was].date) for was, index in pairs
              if old[was].date != new[index].date]
    return sorted(found, key=lambda d: (d.entry.date, d.entry.pos.file, d.entry.pos.line,
                                        d.entry.pos.col))
