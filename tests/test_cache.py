"""The cache between builds (generator/output/cache.py): what it holds comes back only when it
is whole and signed with this user's key; anything else (a spoilt entry, one forged with a
self-consistent digest, one signed by another key) is a miss; the key is made once, 0600,
outside the content; without a usable key there is no cache and no failure; it never
writes through a link or into a stranger's folder; `clear` removes only a folder it made.
End to end: the real command keeps cards in .traction-cache/, and a build with a cold,
warm, corrupt or forged cache, or none, writes the same bytes."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from conftest import run_traction
from gitrepo import git, new_repo
from sitetools import build_ok, small_content
from test_cards import with_cards

from generator.output import cache
from generator.output.writer import OutputError

KEY = hashlib.sha256(b"a card").hexdigest()
SECRET = bytes(range(32))


def entry(folder: Path) -> Path:
    return folder / KEY[:2] / KEY


def test_what_is_put_comes_back(tmp_path: Path) -> None:
    store = cache.Cache(tmp_path / "c", SECRET)
    assert store.get(KEY) is None
    store.put(KEY, b"\x89PNG bytes")
    assert store.get(KEY) == b"\x89PNG bytes"
    assert (tmp_path / "c" / cache.TAG_NAME).read_bytes() == cache.TAG
    assert [p.name for p in entry(tmp_path / "c").parent.iterdir()] == [KEY]  # no temp file


@pytest.mark.parametrize("spoil", [
    lambda raw: raw[:-1],  # truncated
    lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),  # one bit flipped
    lambda raw: raw.replace(b"traction-cache/2", b"traction-cache/9"),  # another format
    lambda raw: raw.split(b"\n", 1)[1],  # no header
    lambda raw: b"",
])
def test_a_spoilt_entry_is_a_miss_and_is_made_again(tmp_path: Path, spoil: object) -> None:
    store = cache.Cache(tmp_path / "c", SECRET)
    store.put(KEY, b"\x89PNG bytes")
    path = entry(tmp_path / "c")
    path.write_bytes(spoil(path.read_bytes()))  # type: ignore[operator]
    assert store.get(KEY) is None
    store.put(KEY, b"\x89PNG bytes")
    assert store.get(KEY) == b"\x89PNG bytes"


def sha_header(data: bytes, version: bytes) -> bytes:
    """An entry whose header is a bare SHA-256 of its data: what anyone can write."""
    return b"traction-cache/" + version + b" " + hashlib.sha256(data).hexdigest().encode() \
        + b"\n" + data


@pytest.mark.parametrize("forge", [
    lambda data: sha_header(data, b"1"),  # the old, unsigned format
    lambda data: sha_header(data, b"2"),  # the new format's name, a digest for a signature
    lambda data: cache.Cache(Path("x"), bytes(32))._header(KEY, data) + b"\n" + data,
    lambda data: cache.Cache(Path("x"), SECRET)._header(KEY[::-1], data) + b"\n" + data,
], ids=["unsigned-v1", "sha256-v2", "another-key", "another-entry"])
def test_a_forged_entry_is_a_miss_and_is_made_again(tmp_path: Path, forge: object) -> None:
    """What a pull request could force-add to .traction-cache/: never read."""
    store = cache.Cache(tmp_path / "c", SECRET)
    store.put(KEY, b"\x89PNG bytes")
    path = entry(tmp_path / "c")
    path.write_bytes(forge(b"\x89PNG forged"))  # type: ignore[operator]
    assert store.get(KEY) is None
    store.put(KEY, b"\x89PNG bytes")
    assert store.get(KEY) == b"\x89PNG bytes"


def test_the_key_is_made_once_private_and_outside_the_content(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACTION_KEY_FILE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = cache.key_file()
    assert path == tmp_path / "xdg" / "traction" / "key"
    first = cache.user_key(path)
    assert first is not None and len(first) == cache.SECRET_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_bytes() == first
    cache.user_key.cache_clear()
    assert cache.user_key(path) == first  # read again, not made again
    assert sorted(p.name for p in path.parent.iterdir()) == ["key"]  # no temporary file left
    monkeypatch.setenv("TRACTION_KEY_FILE", str(tmp_path / "elsewhere"))
    assert cache.key_file() == tmp_path / "elsewhere"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("TRACTION_KEY_FILE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.key_file() == tmp_path / "home" / ".cache" / "traction" / "key"


def test_two_processes_making_the_key_at_once_sign_with_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key is linked into place, so the first one made stays (the loser of the race
    reads the winner's); simulated by a key that appears between the read and the link."""
    path = tmp_path / "k" / "key"
    path.parent.mkdir()
    path.write_bytes(b"w" * 32)
    os.chmod(path, 0o600)
    real_read = cache._read_key
    calls = []

    def late_read(where: Path) -> bytes | None:
        calls.append(where)
        return None if len(calls) == 1 else real_read(where)  # first read: not there yet

    monkeypatch.setattr(cache, "_read_key", late_read)
    assert cache.user_key.__wrapped__(path) == b"w" * 32
    assert sorted(p.name for p in path.parent.iterdir()) == ["key"]


@pytest.mark.parametrize("spoil", ["parent-is-a-file", "readable-by-others", "short", "link"])
def test_without_a_usable_key_there_is_no_cache(tmp_path: Path, spoil: str) -> None:
    if spoil == "parent-is-a-file":  # a read-only or odd home: the key cannot be made
        (tmp_path / "home").write_text("not a folder", "utf-8")
        path = tmp_path / "home" / "traction" / "key"
    else:
        path = tmp_path / "key"
        if spoil == "link":
            (tmp_path / "real").write_bytes(b"k" * 32)
            os.chmod(tmp_path / "real", 0o600)
            path.symlink_to(tmp_path / "real")
        else:
            path.write_bytes(b"k" * (32 if spoil == "readable-by-others" else 31))
            os.chmod(path, 0o644 if spoil == "readable-by-others" else 0o600)
    assert cache.user_key(path) is None
    store = cache.Cache(tmp_path / "c", cache.user_key(path))
    store.put(KEY, b"x")
    assert store.get(KEY) is None
    assert not (tmp_path / "c").exists()


def test_no_entry_is_read_or_written_through_a_link(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    cache.Cache(elsewhere, SECRET).put(KEY, b"\x89PNG planted")
    (tmp_path / "c").symlink_to(elsewhere)
    store = cache.Cache(tmp_path / "c", SECRET)
    assert store.get(KEY) is None
    store.put(hashlib.sha256(b"other").hexdigest(), b"x")
    assert len(list(elsewhere.rglob("*"))) == 4  # tag, .gitignore, a folder, an entry: unchanged


def test_no_entry_is_read_or_written_through_a_linked_subfolder(tmp_path: Path) -> None:
    """`.traction-cache/ab -> elsewhere`, as a pull request could commit it."""
    elsewhere = tmp_path / "elsewhere"
    store = cache.Cache(tmp_path / "c", SECRET)
    store.put(hashlib.sha256(b"other").hexdigest(), b"x")  # makes the folder, with its tag
    elsewhere.mkdir()
    (tmp_path / "c" / KEY[:2]).symlink_to(elsewhere)
    store.put(KEY, b"\x89PNG bytes")
    assert list(elsewhere.iterdir()) == []
    cache.Cache(elsewhere.parent / "other", SECRET).put(KEY, b"\x89PNG planted")
    os.replace(entry(elsewhere.parent / "other"), elsewhere / KEY)
    assert store.get(KEY) is None


def test_a_folder_someone_else_made_is_not_written_to(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", "utf-8")
    cache.Cache(folder, SECRET).put(KEY, b"x")
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    with pytest.raises(OutputError, match="not a Traction cache"):
        cache.clear(folder)
    assert (folder / "notes.txt").exists()


def test_an_entry_too_large_to_read_back_is_not_written(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_ENTRY_CAP", 4096)
    store = cache.Cache(tmp_path / "c", SECRET)
    store.put(KEY, b"x" * 3000)
    assert store.get(KEY) == b"x" * 3000
    other = hashlib.sha256(b"other").hexdigest()
    store.put(other, b"x" * 3500)  # with its header, more than `get` reads
    assert store.get(other) is None
    assert len([p for p in (tmp_path / "c").rglob("*") if p.is_file()]) == 3  # tag, ignore, one


def test_no_home_for_the_key_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "key_file", lambda: None)
    assert cache.key_trouble() == ("no home folder to keep its signing key in; set "
                                   "TRACTION_KEY_FILE")


def test_a_key_is_only_hex(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        cache.Cache(tmp_path, SECRET).get("../../etc/passwd")


def test_clear_removes_the_cache(tmp_path: Path) -> None:
    store = cache.Cache(tmp_path / "c", SECRET)
    store.put(KEY, b"x")
    assert cache.clear(tmp_path / "c") is True
    assert not (tmp_path / "c").exists()
    assert cache.clear(tmp_path / "c") is False


def site_bytes(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def forge_every_entry(folder: Path) -> int:
    """Each entry replaced by another PNG under a self-consistent SHA-256 header, as a pull
    request could force-add it; the number forged."""
    forged = 0
    for path in folder.rglob("*"):
        if path.is_file() and path.name not in (cache.TAG_NAME, ".gitignore"):
            fake = b"\x89PNG\r\n\x1a\n forged " + path.name.encode()
            path.write_bytes(sha_header(fake, b"2" if forged % 2 else b"1"))
            forged += 1
    return forged


def test_the_command_keeps_cards_in_the_content_folder_and_builds_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACTION_CACHE_DIR")
    root = with_cards(small_content(tmp_path / "content"))
    folder = root / cache.FOLDER
    build_ok(root, tmp_path / "none", "--no-cache")
    assert not folder.exists()
    build_ok(root, tmp_path / "cold")
    assert (folder / cache.TAG_NAME).exists()
    entries = [p for p in folder.rglob("*")
               if p.is_file() and p.name not in (cache.TAG_NAME, ".gitignore")]
    assert len(entries) > 5
    build_ok(root, tmp_path / "warm")
    for path in entries:  # every entry corrupt: each card is drawn again, the same
        path.write_bytes(path.read_bytes()[:-3])
    build_ok(root, tmp_path / "spoilt")
    assert forge_every_entry(folder) > 5  # forged cards: never served, drawn again
    build_ok(root, tmp_path / "forged")
    none = site_bytes(tmp_path / "none")
    assert any(p.startswith("cards/weeks/") for p in none)
    assert none == site_bytes(tmp_path / "cold") == site_bytes(tmp_path / "warm") \
        == site_bytes(tmp_path / "spoilt") == site_bytes(tmp_path / "forged")
    assert not any(b" forged " in data for data in site_bytes(tmp_path / "forged").values())

    result = run_traction("clean", "--content", str(root))
    assert result.returncode == 0, result.stderr
    assert f"removed {folder}" in result.stderr + result.stdout
    assert not folder.exists()
    result = run_traction("clean", "--content", str(root))
    assert result.returncode == 0 and "no cache" in result.stderr + result.stdout


def test_a_build_with_no_usable_key_builds_without_a_cache(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """A home where no key can be made (here its folder is a file): no cache, no failure,
    and nothing is written to the cache folder."""
    monkeypatch.delenv("TRACTION_CACHE_DIR")
    (tmp_path / "home").write_text("not a folder", "utf-8")
    root = with_cards(small_content(tmp_path / "content"))
    env = {"TRACTION_KEY_FILE": str(tmp_path / "home" / "key")}
    build_ok(root, tmp_path / "keyless", env=env)
    assert not (root / cache.FOLDER).exists()
    for command in ("status", "check"):
        result = run_traction(command, "--content", str(root), env=env)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert "warning: no cache: its signing key cannot be made at" in result.stderr
    assert not (root / cache.FOLDER).exists()
    build_ok(root, tmp_path / "none", "--no-cache")
    assert site_bytes(tmp_path / "keyless") == site_bytes(tmp_path / "none")


@pytest.mark.parametrize("spoil", ["readable-by-others", "short", "link", "folder"])
def test_a_key_that_cannot_be_used_is_named(tmp_path: Path, spoil: str) -> None:
    """Without a usable key every run is as slow as `--no-cache`: it says why, once, and
    otherwise says what `--no-cache` says. `--no-cache` itself says nothing of it."""
    root = small_content(tmp_path / "content")
    path = tmp_path / "key"
    if spoil == "link":
        (tmp_path / "real").write_bytes(b"k" * 32)
        os.chmod(tmp_path / "real", 0o600)
        path.symlink_to(tmp_path / "real")
    elif spoil == "folder":  # opened, it is not a file: `_read_key` must say None, not raise
        path.mkdir(mode=0o700)
    else:
        path.write_bytes(b"k" * (32 if spoil == "readable-by-others" else 31))
        os.chmod(path, 0o644 if spoil == "readable-by-others" else 0o600)
    env = {"TRACTION_KEY_FILE": str(path)}
    said = run_traction("status", "--content", str(root), env=env)
    plain = run_traction("status", "--content", str(root), "--no-cache", env=env)
    reason = {
        "readable-by-others": f"its signing key {path} is readable by other users (or not "
                              "yours); delete it, and the next run makes a new one",
        "short": f"{path} is not a signing key of Traction's; delete it, and the next run "
                 "makes one",
        "link": f"its signing key {path} is not a file",
        "folder": f"its signing key {path} is not a file"}[spoil]
    assert said.stderr == f"warning: no cache: {reason}\n" + plain.stderr
    assert said.stdout == plain.stdout and said.returncode == plain.returncode == 0
    assert "no cache" not in plain.stderr


def test_clean_leaves_a_folder_it_did_not_make(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACTION_CACHE_DIR")
    root = small_content(tmp_path / "content")
    (root / cache.FOLDER).mkdir()
    (root / cache.FOLDER / "precious.txt").write_text("keep", "utf-8")
    result = run_traction("clean", "--content", str(root))
    assert result.returncode == 2
    assert "not a Traction cache" in result.stderr + result.stdout
    assert (root / cache.FOLDER / "precious.txt").exists()


def test_the_cache_keeps_itself_out_of_git(tmp_path: Path) -> None:
    """Records hold the log's private text: even a repository whose .gitignore does not name
    the cache (made before `traction init` wrote it) never takes it in with `git add -A`."""
    repo = new_repo(tmp_path / "repo")
    store = cache.Cache(repo / cache.FOLDER, SECRET)
    store.put(KEY, b"a record with a private note")
    assert store.get(KEY) == b"a record with a private note"
    git(repo, "add", "-A")
    assert git(repo, "status", "--porcelain", "--ignored").splitlines() == [
        f"!! {cache.FOLDER}/"]
