"""The cache between builds (generator/output/cache.py): what it holds comes back only when it
is whole and ours; anything else is a miss; it never writes through a link or into a
stranger's folder; `clear` removes only a folder it made. End to end: the real command
keeps cards in .traction-cache/, and a build with a cold, warm or corrupt cache, or none,
writes the same bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import run_traction
from sitetools import build_ok, small_content
from test_cards import with_cards

from generator.output import cache
from generator.output.writer import OutputError

KEY = hashlib.sha256(b"a card").hexdigest()


def entry(folder: Path) -> Path:
    return folder / KEY[:2] / KEY


def test_what_is_put_comes_back(tmp_path: Path) -> None:
    store = cache.Cache(tmp_path / "c")
    assert store.get(KEY) is None
    store.put(KEY, b"\x89PNG bytes")
    assert store.get(KEY) == b"\x89PNG bytes"
    assert (tmp_path / "c" / cache.TAG_NAME).read_bytes() == cache.TAG
    assert [p.name for p in entry(tmp_path / "c").parent.iterdir()] == [KEY]  # no temp file


@pytest.mark.parametrize("spoil", [
    lambda raw: raw[:-1],  # truncated
    lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),  # one bit flipped
    lambda raw: raw.replace(b"traction-cache/1", b"traction-cache/9"),  # another format
    lambda raw: raw.split(b"\n", 1)[1],  # no header
    lambda raw: b"",
])
def test_a_spoilt_entry_is_a_miss_and_is_made_again(tmp_path: Path, spoil: object) -> None:
    store = cache.Cache(tmp_path / "c")
    store.put(KEY, b"\x89PNG bytes")
    path = entry(tmp_path / "c")
    path.write_bytes(spoil(path.read_bytes()))  # type: ignore[operator]
    assert store.get(KEY) is None
    store.put(KEY, b"\x89PNG bytes")
    assert store.get(KEY) == b"\x89PNG bytes"


def test_no_entry_is_read_or_written_through_a_link(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    cache.Cache(elsewhere).put(KEY, b"\x89PNG planted")
    (tmp_path / "c").symlink_to(elsewhere)
    store = cache.Cache(tmp_path / "c")
    assert store.get(KEY) is None
    store.put(hashlib.sha256(b"other").hexdigest(), b"x")
    assert len(list(elsewhere.rglob("*"))) == 3  # the tag, one folder, one entry: unchanged


def test_a_folder_someone_else_made_is_not_written_to(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", "utf-8")
    cache.Cache(folder).put(KEY, b"x")
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    with pytest.raises(OutputError, match="not a Traction cache"):
        cache.clear(folder)
    assert (folder / "notes.txt").exists()


def test_a_key_is_only_hex(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        cache.Cache(tmp_path).get("../../etc/passwd")


def test_clear_removes_the_cache(tmp_path: Path) -> None:
    store = cache.Cache(tmp_path / "c")
    store.put(KEY, b"x")
    assert cache.clear(tmp_path / "c") is True
    assert not (tmp_path / "c").exists()
    assert cache.clear(tmp_path / "c") is False


def site_bytes(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_the_command_keeps_cards_in_the_content_folder_and_builds_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACTION_CACHE_DIR")
    root = with_cards(small_content(tmp_path / "content"))
    folder = root / cache.FOLDER
    build_ok(root, tmp_path / "none", "--no-cache")
    assert not folder.exists()
    build_ok(root, tmp_path / "cold")
    assert (folder / cache.TAG_NAME).exists()
    entries = [p for p in folder.rglob("*") if p.is_file() and p.name != cache.TAG_NAME]
    assert len(entries) > 5
    build_ok(root, tmp_path / "warm")
    for path in entries:  # every entry corrupt: each card is drawn again, the same
        path.write_bytes(path.read_bytes()[:-3])
    build_ok(root, tmp_path / "spoilt")
    none = site_bytes(tmp_path / "none")
    assert any(p.startswith("cards/weeks/") for p in none)
    assert none == site_bytes(tmp_path / "cold") == site_bytes(tmp_path / "warm") \
        == site_bytes(tmp_path / "spoilt")

    result = run_traction("clean", "--content", str(root))
    assert result.returncode == 0, result.stderr
    assert f"removed {folder}" in result.stderr + result.stdout
    assert not folder.exists()
    result = run_traction("clean", "--content", str(root))
    assert result.returncode == 0 and "no cache" in result.stderr + result.stdout


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
