"""The content folder as files (generator/source/folder.py): its digest changes with every
change the loader could see, and only then; a file over the cap is not digested."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sitetools import small_content

from generator.source import folder
from generator.source.folder import content_digest, find_content


def week(root: Path) -> Path:
    return sorted((root / "weeks").glob("*.yaml"))[0]


CHANGES: dict[str, Callable[[Path], object]] = {
    "a byte of a week": lambda root: week(root).write_text(
        week(root).read_text("utf-8") + " ", "utf-8"),
    "traction.yaml": lambda root: (root / "traction.yaml").write_text(
        (root / "traction.yaml").read_text("utf-8") + "\n", "utf-8"),
    "a file added": lambda root: (root / "pages" / "new.md").write_text("---\n---\n", "utf-8"),
    "a hidden file added": lambda root: (root / "weeks" / ".draft.yaml").write_text("", "utf-8"),
    "a file removed": lambda root: (root / "case-studies" / "initech.md").unlink(),
    "a file renamed": lambda root: week(root).rename(root / "weeks" / "2030-W01.yaml"),
    "a folder added": lambda root: (root / "pages" / "sub").mkdir(),
    "a file made a link": lambda root: _link(week(root), root / "traction.yaml"),
    "pages/ removed": lambda root: shutil.rmtree(root / "pages"),
}


def _link(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_every_change_the_loader_could_see_changes_the_digest(tmp_path: Path,
                                                               change: str) -> None:
    root = small_content(tmp_path / "content")
    before = content_digest(root)
    assert before is not None and before == content_digest(root)
    CHANGES[change](root)
    assert content_digest(root) != before


def test_the_digest_is_of_the_content_not_of_where_it_is(tmp_path: Path) -> None:
    root = small_content(tmp_path / "one")
    other = Path(shutil.copytree(root, tmp_path / "two"))
    os.utime(week(other), (0, 0))  # times are not content
    (root / "imports").mkdir()  # nor is what the loader never reads
    assert content_digest(root) == content_digest(other)


def test_a_file_over_the_cap_is_not_digested(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_content(tmp_path / "content")
    monkeypatch.setattr(folder, "_CAP", 10)
    assert content_digest(root) is None


def test_find_content_finds_the_folder_as_git_finds_its_repository(tmp_path: Path) -> None:
    root = small_content(tmp_path / "repo" / "content")
    (tmp_path / "repo" / ".git").mkdir()
    assert find_content(tmp_path / "repo") == Path("content")
    assert find_content(root / "weeks") == Path("..")
    assert find_content(root) == Path(".")
    (tmp_path / "repo" / "elsewhere").mkdir()
    assert find_content(tmp_path / "repo" / "elsewhere") == Path("../content")
