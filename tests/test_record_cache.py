"""What is kept between runs in the signed `output.cache.Cache`: the records of the content's
files (generator/source/recordcache.py) and what `status` said (generator/tools/
status_cache.py). `traction status` says exactly the same with no cache, a cold one, a warm
one, one whose every entry is spoilt or forged, and after the content changed; a file's
problems come back with their places; a signed entry is what a warm run reads and
`--no-cache` reads and writes nothing; versions of files from the git history are never
kept. End to end through the real command, with the cache in the test's folder."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import Log, config, day, w
from conftest import ROOT, run_traction, write_content
from gitrepo import commit, new_repo
from sitetools import build_ok

from generator.output.cache import TAG_NAME, Cache
from generator.pipeline import analyse
from generator.problems import Pos, Problem
from generator.source import recordcache
from generator.source.loader import _read_record
from generator.source.schema import WeekLog


@pytest.fixture(autouse=True)
def nothing_remembered() -> Iterator[None]:
    """In-process reads start from an empty memory, so the store is what is tested."""
    recordcache._recent.clear()
    yield
    recordcache._recent.clear()


def log_content(root: Path) -> Path:
    log = (Log().calls(w(10), 5).paying("a", day(w(10), 2), "hell-yes")
           .calls(w(11), 6).paying("b", day(w(11), 3), "meh").calls(w(12), 4))
    return write_content(root, config=config(), weeks=log.weeks(),
                         case_studies={"initech": CASE_STUDY}, pages={"about": PAGE})


CASE_STUDY = """\
    ---
    title: How a customer cut churn
    summary: Fewer lost accounts.
    ---
    Body text.
    """
PAGE = """\
    ---
    title: About
    ---
    We build in public.
    """


def entries(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in (TAG_NAME, ".gitignore")}


def records(folder: Path) -> dict[str, bytes]:
    """The entries that are records (a build also keeps its touch icon's PNG, `status` what
    it said, as JSON)."""
    return {name: raw for name, raw in entries(folder).items()
            if not raw.split(b"\n", 1)[1].startswith((b"\x89PNG", b"{"))}


def kept_records(folder: Path) -> int:
    """How many records the entries hold: a bundle holds many (`recordcache.Bundle`)."""
    total = 0
    for raw in records(folder).values():
        data = pickle.loads(raw.split(b"\n", 1)[1])  # made by the test's own runs
        total += len(data) if isinstance(data, dict) else 1
    return total


def said(folder: Path) -> dict[str, bytes]:
    """The entries that are what `status` said."""
    return {name: raw for name, raw in entries(folder).items()
            if raw.split(b"\n", 1)[1].startswith(b"{")}


def command(name: str, root: Path, folder: Path, *args: str) -> tuple[int, str, str]:
    """`traction NAME` of `root` with its cache at `folder`: exit status, stdout, stderr."""
    result = run_traction(name, "--content", str(root), *args,
                          env={"TRACTION_CACHE_DIR": str(folder)})
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def status(root: Path, folder: Path, *args: str) -> tuple[int, str, str]:
    return command("status", root, folder, *args)


def check(root: Path, folder: Path, *args: str) -> tuple[int, str, str]:
    return command("check", root, folder, *args)


def content_files(root: Path) -> int:
    return sum(1 for folder in ("weeks", "case-studies", "pages")
               for _ in (root / folder).glob("*")) + 1  # and traction.yaml


def test_status_is_the_same_from_no_cache_a_cold_a_warm_a_spoilt_or_a_forged_one(
        tmp_path: Path) -> None:
    root = log_content(tmp_path / "content")
    folder = tmp_path / "cache"
    none = status(root, folder, "--no-cache")
    assert none[0] == 0 and "5+ sales calls every week" in none[1]
    assert not folder.exists()  # --no-cache writes nothing
    assert status(root, folder) == none  # cold
    kept = entries(folder)
    assert kept_records(folder) == content_files(root)  # one record per file read,
    assert len(records(folder)) == 1  # all in one entry
    assert len(said(folder)) == 1
    assert status(root, folder) == none  # warm
    assert entries(folder) == kept  # nothing written again
    for path in folder.rglob("*"):  # every entry spoilt
        if path.is_file() and path.name not in (TAG_NAME, ".gitignore"):
            path.write_bytes(path.read_bytes()[:-7])
    assert status(root, folder) == none
    assert set(entries(folder)) == set(kept)  # each made again, in its place
    assert status(root, folder) == none
    for path in folder.rglob("*"):  # every entry forged: a digest for a signature
        if path.is_file() and path.name not in (TAG_NAME, ".gitignore"):
            data = path.read_bytes().split(b"\n", 1)[1]
            path.write_bytes(b"traction-cache/2 " + hashlib.sha256(data).hexdigest().encode()
                             + b"\n" + data)
    assert status(root, folder) == none
    json_none = status(root, folder, "--format", "json", "--no-cache")
    assert status(root, folder, "--format", "json") == json_none


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    root = log_content(tmp_path / "content")
    folder = tmp_path / "cache"
    before = status(root, folder)
    kept = entries(folder)
    week = root / "weeks" / f"{w(12)}.yaml"
    week.write_text(week.read_text("utf-8").replace("calls:\n", "calls:\n" + "".join(
        f"- {{date: {day(w(12), 2)}, with: 'Extra {n}', type: sales, status: held}}\n"
        for n in range(3)), 1), "utf-8")
    after = status(root, folder)
    assert after != before
    assert after == status(root, folder, "--no-cache")
    # the new text's record and what status said of it; the old ones are stale
    assert len(entries(folder)) == len(kept) + 2
    assert set(kept) < set(entries(folder))


def test_a_file_with_errors_is_reported_the_same_from_the_cache(tmp_path: Path) -> None:
    root = log_content(tmp_path / "content")
    (root / "weeks" / f"{w(13)}.yaml").write_text(
        f"week: {w(13)}\nsales_calls:\n  - {{date: 2026-13-40, with: X}}\n", "utf-8")
    (root / "weeks" / f"{w(14)}.yaml").write_text(f"week: {w(14)}\ncalls: [\n", "utf-8")
    folder = tmp_path / "cache"
    none = status(root, folder, "--no-cache")
    assert none[0] == 1
    assert f"weeks/{w(13)}.yaml:" in none[2] and f"weeks/{w(14)}.yaml:" in none[2]
    assert status(root, folder) == none  # cold
    assert status(root, folder) == none  # warm: the problems, with their places
    check = run_traction("check", "--content", str(root),
                         env={"TRACTION_CACHE_DIR": str(folder)})
    check_none = run_traction("check", "--content", str(root), "--no-cache")
    assert check.returncode == check_none.returncode == 1
    assert check.stdout == check_none.stdout and check.stderr == check_none.stderr


def planted(root: Path, folder: Path, rel: str, sign: bool) -> None:
    """The record of `rel` kept with a warning it does not have: signed with this user's
    key (what only Traction itself can write), or under a bare digest (anyone can)."""
    text = (root / rel).read_text("utf-8")
    key = recordcache._key(_read_record.__name__, text, rel, WeekLog, True)
    assert key is not None
    record, found = _read_record(text, rel, WeekLog, True)
    data = pickle.dumps((record, (*found, Problem("warning", Pos(rel, 1, 1), "PLANTED"))))
    Cache(folder).put(key, data)
    if not sign:
        path = folder / key[:2] / key
        path.write_bytes(b"traction-cache/2 " + hashlib.sha256(data).hexdigest().encode()
                         + b"\n" + data)


def test_a_warm_run_reads_the_signed_entry_and_no_cache_reads_none(tmp_path: Path) -> None:
    root = log_content(tmp_path / "content")
    folder = tmp_path / "cache"
    rel = f"weeks/{w(11)}.yaml"
    planted(root, folder, rel, sign=True)
    assert "PLANTED" in check(root, folder)[1]  # a hit: the record was not read again
    assert "PLANTED" not in check(root, folder, "--no-cache")[1]
    folder = tmp_path / "other"  # (the run above kept the planted entry in its bundle)
    planted(root, folder, rel, sign=False)
    code, out, err = check(root, folder)
    assert "PLANTED" not in out  # unsigned: never unpickled, read again
    assert (code, out, err) == check(root, folder, "--no-cache")


def test_what_status_said_is_said_again_while_nothing_it_depends_on_changed(
        tmp_path: Path) -> None:
    root = log_content(tmp_path / "content")
    folder = tmp_path / "cache"
    first = status(root, folder)
    for path in records(folder):  # the records gone: a hit reads none of them
        (folder / path[:2] / path).unlink()
    assert status(root, folder) == first
    assert records(folder) == {}
    # each option it is made with is in its key: each says what no cache says
    for args, env in ((("--private",), {}), (("--as-of", "2026-03-20"), {}),
                      ((), {"COLUMNS": "50"}), ((), {"SOURCE_DATE_EPOCH": "1774000000"})):
        result = run_traction("status", "--content", str(root), *args,
                              env={"TRACTION_CACHE_DIR": str(folder), **env})
        plain = run_traction("status", "--content", str(root), "--no-cache", *args, env=env)
        assert (result.returncode, result.stdout, result.stderr) == \
            (plain.returncode, plain.stdout, plain.stderr)
        assert (result.stdout, result.stderr) != first[1:] or args == ("--private",)
    assert len(said(folder)) == 4  # not --private: amounts are kept nowhere
    # the content changed in each way the loader could see: the new status
    (root / "case-studies" / "initech.md").unlink()
    assert status(root, folder) == status(root, folder, "--no-cache")
    (root / "pages" / "notes.txt").write_text("not a page", "utf-8")
    assert status(root, folder) == status(root, folder, "--no-cache")
    assert "ignored: not a .md file" in status(root, folder)[2]
    (root / "weeks" / f"{w(13)}.yaml").symlink_to(root / "weeks" / f"{w(12)}.yaml")
    linked = status(root, folder)
    assert linked[0] == 1 and "symbolic link" in linked[2]
    assert linked == status(root, folder, "--no-cache") == status(root, folder)  # kept too


def test_a_forged_status_is_never_said(tmp_path: Path) -> None:
    root = log_content(tmp_path / "content")
    folder = tmp_path / "cache"
    first = status(root, folder)
    [name] = said(folder)
    data = b'{"code": 0, "problems": null, "text": "FORGED\\n"}'
    (folder / name[:2] / name).write_bytes(
        b"traction-cache/2 " + hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
    assert status(root, folder) == first


def test_in_process_the_records_and_their_places_are_the_same(tmp_path: Path) -> None:
    root = log_content(tmp_path / "content")
    store = Cache(tmp_path / "cache")
    plain = analyse(root)
    recordcache._recent.clear()
    cold = analyse(root, store=store)
    recordcache._recent.clear()
    warm = analyse(root, store=store)
    for other in (cold, warm):
        assert other.problems == plain.problems
        assert other.progress == plain.progress
        assert other.content == plain.content
        assert [week.places for week in other.content.weeks] == \
            [week.places for week in plain.content.weeks]
        assert other.content.case_studies[0].meta.places == \
            plain.content.case_studies[0].meta.places


def test_versions_from_the_git_history_are_not_kept(tmp_path: Path) -> None:
    """`check` reads every earlier version of the week files (provenance): each is read
    once, so none is kept; only the files as they are now. `diff` keeps what it reads. A
    build (in CI, from a fresh clone: never read again) keeps none."""
    repo = new_repo(tmp_path / "repo")
    root = log_content(repo / "content")
    week = root / "weeks" / f"{w(12)}.yaml"
    for n in range(3):
        commit(repo, f"version {n}", day(w(12), 1 + n))
        week.write_text(week.read_text("utf-8") + f"# revision {n}\n", "utf-8")
    commit(repo, "now", day(w(12), 5))
    folder = tmp_path / "cache"
    build_ok(root, tmp_path / "site", env={"TRACTION_CACHE_DIR": str(folder)})
    assert records(folder) == {}
    assert check(root, folder)[0] == 0
    # the files as they are now, not the three earlier versions of the week that provenance
    # read from git
    assert kept_records(folder) == content_files(root)
    diff = run_traction("diff", "HEAD~2", "--content", str(root), "--format", "text",
                        env={"TRACTION_CACHE_DIR": str(folder)})
    diff_none = run_traction("diff", "HEAD~2", "--content", str(root), "--format", "text",
                             "--no-cache")
    assert diff.returncode == diff_none.returncode == 0, diff.stderr
    assert diff.stdout == diff_none.stdout
    # HEAD~2's week file, in an entry of its own; the other files of HEAD~2 were found in the
    # content folder's bundle
    assert kept_records(folder) == content_files(root) + 1
    assert len(records(folder)) == 2


PROBE = """
import sys
from generator.cli import main
try:
    main(["status", "--content", sys.argv[1]])
except SystemExit:
    pass
heavy = ("yaml", "generator.source.loader", "generator.pipeline", "generator.model.engine",
         "pickle")
print("IMPORTED", sorted(name for name in heavy if name in sys.modules))
"""


def test_a_kept_status_imports_none_of_the_parser_or_the_model(tmp_path: Path) -> None:
    """What makes a warm `status` fast (bench/status.py times it): a hit reads the files to
    digest them, and prints."""
    root = log_content(tmp_path / "content")
    folder = tmp_path / "cache"
    env = {"TRACTION_CACHE_DIR": str(folder), "NO_COLOR": "1"}
    status(root, folder)
    done = subprocess.run([sys.executable, "-c", PROBE, str(root)], cwd=ROOT, text=True,
                          capture_output=True, env={**os.environ, **env}, timeout=60)
    assert done.stdout.splitlines()[-1] == "IMPORTED []", done.stderr
    (root / "weeks" / f"{w(12)}.yaml").write_text(
        (root / "weeks" / f"{w(12)}.yaml").read_text("utf-8") + "# edited\n", "utf-8")
    done = subprocess.run([sys.executable, "-c", PROBE, str(root)], cwd=ROOT, text=True,
                          capture_output=True, env={**os.environ, **env}, timeout=60)
    assert "generator.pipeline" in done.stdout.splitlines()[-1]  # a miss: read again


class Payload:
    """A pickle that makes a file when it is loaded: what a planted entry could run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


@pytest.mark.parametrize("at", ["record", "bundle"])
@pytest.mark.parametrize("header", [b"traction-cache/1", b"traction-cache/2"])
def test_a_planted_pickle_is_never_loaded(tmp_path: Path, header: bytes, at: str) -> None:
    """A pull request that force-adds an entry (a pickle that runs code when loaded, under
    a self-consistent digest) at the key of a week file, or of the folder's bundle: the
    build reads the files again, and the pickle is never loaded."""
    root = log_content(tmp_path / "content")
    folder = tmp_path / "cache"
    marker = tmp_path / "ran"
    rel = f"weeks/{w(11)}.yaml"
    key = (recordcache._key(_read_record.__name__, (root / rel).read_text("utf-8"), rel,
                            WeekLog, True) if at == "record"
           else recordcache._bundle_key(root, True))
    assert key is not None
    data = pickle.dumps(Payload(marker))
    (folder / key[:2]).mkdir(parents=True)
    (folder / key[:2] / key).write_bytes(
        header + b" " + hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
    assert check(root, folder) == check(root, folder, "--no-cache")
    assert status(root, folder) == status(root, folder, "--no-cache")
    assert not marker.exists()
    pickle.loads(data).close()  # the payload was live: loaded, it runs
    assert marker.exists()


class Entries(dict[str, bytes]):
    """A store in memory that counts what is written."""

    def __init__(self) -> None:
        super().__init__()
        self.puts: list[str] = []

    def put(self, key: str, data: bytes) -> None:
        self[key] = data
        self.puts.append(key)


WEEKS = {f"weeks/2026-W{n:02}.yaml": f"week {n}" for n in range(1, 41)}


def one_load(store: Entries, root: Path, texts: dict[str, str], add: bool = True,
             in_memory: frozenset[str] = frozenset()) -> recordcache.Bundle:
    """What a load does with its bundle: each file's entry asked for, and made when
    missing; but those `in_memory` (`traction serve` has them), only seen."""
    bundle = recordcache.Bundle(store, root, True, add=add)
    for rel, text in texts.items():
        bundle.files.add(rel)
        if rel in in_memory:
            continue
        key = recordcache._key("read", text, rel, WeekLog, True)
        assert key is not None
        if bundle.get(key, rel) is None:
            bundle.put(key, rel, pickle.dumps((text, ())))
    bundle.close()
    return bundle


def bundled(store: Entries, bundle: recordcache.Bundle) -> dict[str, str]:
    """Each file in the bundle, and the text its record was read from."""
    return {rel: pickle.loads(data)[0]
            for rel, (_, data) in recordcache._read_bundle(store, bundle.key).items()}


def test_a_bundle_is_written_once_and_again_only_when_many_files_changed(
        tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    store = Entries()
    texts = dict(WEEKS)
    bundle = one_load(store, root, texts)
    assert store.puts == [bundle.key]  # the first load: one entry, every file's in it
    assert bundled(store, bundle) == texts
    kept = store[bundle.key]
    store.puts.clear()
    one_load(store, root, texts)
    assert store.puts == []  # nothing new
    texts["weeks/2026-W40.yaml"] += " edited"
    one_load(store, root, texts)
    assert len(store.puts) == 1 and store.puts[0] != bundle.key  # an entry of its own
    assert store[bundle.key] == kept
    store.puts.clear()
    one_load(store, root, texts)
    assert store.puts == []  # read from its own entry, the bundle left as it was
    for n in range(1, recordcache.BUNDLE_SLACK + 1):
        texts[f"weeks/2026-W{n:02}.yaml"] += " edited"
    one_load(store, root, texts)  # 8 changed here, and one earlier: written again
    assert store.puts == [bundle.key]
    assert bundled(store, bundle) == texts  # the files as they are now; no old version
    store.puts.clear()
    one_load(store, root, texts)
    assert store.puts == []
    # files removed: dropped from it, once more than a few are
    for n in range(1, 11):
        del texts[f"weeks/2026-W{n:02}.yaml"]
    one_load(store, root, texts)
    assert store.puts == [bundle.key] and bundled(store, bundle) == texts


def test_a_bundle_read_by_another_folder_or_spoilt(tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    store = Entries()
    texts = dict(WEEKS)
    bundle = one_load(store, root, texts)
    store.puts.clear()
    # a commit exported by `diff`: it reads the content folder's bundle, keeps one by one
    changed = {rel: text + " at HEAD~2" for rel, text in list(texts.items())[:10]}
    export = one_load(store, root, {**texts, **changed}, add=False)
    assert export.outside == 0 and len(store.puts) == 10 and bundle.key not in store.puts
    # a bundle that is not one (ours, signed, but of another format or not a pickle at
    # all): read as none, and made again
    for spoilt in (pickle.dumps(["not", "a", "bundle"]), pickle.dumps({"a": ("b", "c")}),
                   b"\x80\x05 not a pickle"):
        store[bundle.key] = spoilt
        store.puts.clear()
        again = one_load(store, root, texts)
        assert again.kept == {} and store.puts == [bundle.key]
        assert bundled(store, bundle) == texts
    # another folder sharing the cache has a bundle of its own
    other = tmp_path / "other"
    other.mkdir()
    assert one_load(store, other, texts).key != bundle.key


def test_serve_keeps_the_files_it_has_in_memory_in_the_bundle(tmp_path: Path) -> None:
    """`traction serve` asks the store only for the files not in its memory: a rebuild
    after many files changed (a branch switched) writes the bundle with every file, the
    new versions in place of the old."""
    root = tmp_path / "content"
    root.mkdir()
    store = Entries()
    texts = dict(WEEKS)
    bundle = one_load(store, root, texts)
    changed = {rel: text + " on the branch" for rel, text in list(texts.items())[:20]}
    texts.update(changed)
    one_load(store, root, texts, in_memory=frozenset(texts.keys() - changed.keys()))
    assert bundled(store, bundle) == texts
    assert one_load(store, root, texts).made == {}  # the next `status`: every file kept


def test_a_bundle_does_not_grow_with_old_versions(tmp_path: Path) -> None:
    """A serve session with a few bulk edits, then ordinary days: the bundle holds each
    file once, as it is now, never every version ever read."""
    root = tmp_path / "content"
    root.mkdir()
    store = Entries()
    texts = dict(WEEKS)
    bundle = one_load(store, root, texts)
    for edit in range(5):  # serve: 10 files at a time (a search and replace, a rebase)
        changed = {rel: text + f" edit {edit}"
                   for rel, text in list(texts.items())[10 * (edit % 4):10 * (edit % 4) + 10]}
        texts.update(changed)
        one_load(store, root, texts, in_memory=frozenset(texts.keys() - changed.keys()))
        assert bundled(store, bundle) == texts
    for n in range(6):  # a status each day, after 9 week files changed
        texts.update({rel: text + f" day {n}" for rel, text in list(texts.items())[:9]})
        one_load(store, root, texts)
        assert bundled(store, bundle) == texts
