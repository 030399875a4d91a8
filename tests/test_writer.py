"""Writing the site: paths stay inside the output, the output directory is a safe choice,
and the new site replaces the old one whole, or not at all."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from generator.output.writer import OutputError, check_output_dir, check_paths, write_site

SITE = {"index.html": b"<p>home</p>", "progress.json": b"{}\n",
        "weeks/2026-W47/index.html": b"<p>week</p>", "assets/site.css": b"body{}"}


def tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def leftovers(parent: Path, name: str) -> list[str]:
    """Staging or retired directories of `name` left in `parent`."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


# --- check_paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "../escape.html", "weeks/../../escape.html", "a/../..", "/etc/passwd", "/index.html",
    "weeks\\index.html", "..\\escape", "",
])
def test_paths_that_would_escape_are_refused(path: str) -> None:
    with pytest.raises(OutputError, match="escape the output directory"):
        check_paths({"index.html": b"", path: b"x"})


@pytest.mark.parametrize("path", ["index.html", "weeks/2026-W47/index.html", "a..b/c..html",
                                  ".well-known/x", "feed.xml"])
def test_ordinary_paths_pass(path: str) -> None:
    check_paths({path: b"x"})


def test_paths_that_differ_only_by_case_are_refused() -> None:
    with pytest.raises(OutputError, match=re.escape("'Weeks/x.html' and 'weeks/x.html' differ")):
        check_paths({"weeks/x.html": b"", "Weeks/x.html": b""})
    with pytest.raises(OutputError, match="differ only by case"):
        check_paths({"straße.html": b"", "STRASSE.html": b""})  # casefold, not lower
    check_paths({"weeks/a.html": b"", "weeks/b.html": b""})


def test_write_site_checks_paths_before_touching_anything(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(SITE, out)
    with pytest.raises(OutputError):
        write_site({"index.html": b"new", "../evil": b"x"}, out)
    assert tree(out) == SITE
    assert not (tmp_path / "evil").exists()
    assert leftovers(tmp_path, "_site") == []


# --- check_output_dir ------------------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "repo" / "content"
    root.mkdir(parents=True)
    (root / "traction.yaml").write_text("site: {}\n")
    return root


@pytest.mark.parametrize("out", [".", "sub", ".."])
def test_output_overlapping_the_content_is_refused(content: Path, out: str) -> None:
    with pytest.raises(OutputError, match="overlaps the content directory"):
        check_output_dir(content / out, content)


def test_output_that_is_or_holds_a_git_repository_is_refused(content: Path) -> None:
    repo = content.parent
    (repo / ".git").mkdir()
    with pytest.raises(OutputError, match="overlaps"):  # the repo holds the content
        check_output_dir(repo, content)
    with pytest.raises(OutputError, match="git repository"):
        check_output_dir(repo / ".git" / "site", content)
    other = repo.parent / "other"
    (other / ".git").mkdir(parents=True)
    with pytest.raises(OutputError, match="git repository"):
        check_output_dir(other, content)


def test_output_that_is_a_file_is_refused(content: Path) -> None:
    file = content.parent / "_site"
    file.write_text("not a directory")
    with pytest.raises(OutputError, match="it is a file"):
        check_output_dir(file, content)


def test_the_home_directory_is_refused(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = content.parent.parent / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(OutputError, match=re.escape(f"refusing to build into {home}") + "$"):
        check_output_dir(home, content)


def test_a_folder_of_other_files_is_refused(content: Path) -> None:
    out = content.parent / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="not a previous traction build"):
        check_output_dir(out, content)


def test_a_new_an_empty_or_a_previous_build_directory_is_fine(content: Path) -> None:
    new = content.parent / "_site"
    check_output_dir(new, content)  # does not exist yet
    new.mkdir()
    check_output_dir(new, content)  # empty
    (new / "progress.json").write_text("{}")
    (new / "index.html").write_text("old")
    check_output_dir(new, content)  # a previous build
    check_output_dir(content.parent.parent / "elsewhere" / "deep" / "site", content)


def test_relative_paths_are_resolved(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(content)
    with pytest.raises(OutputError, match="overlaps"):
        check_output_dir(Path("."), Path("."))
    with pytest.raises(OutputError, match="overlaps"):
        check_output_dir(Path("../content/x/.."), content)
    check_output_dir(Path("../_site"), Path("."))


# --- write_site ------------------------------------------------------------------------------


def test_write_site_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "_site"
    write_site(SITE, out)
    assert tree(out) == SITE
    assert leftovers(out.parent, "_site") == []


def test_write_site_makes_the_site_readable(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(SITE, out)
    for directory in [out, *(p for p in out.rglob("*") if p.is_dir())]:
        assert stat.S_IMODE(directory.stat().st_mode) == 0o755, directory


def test_write_site_replaces_the_old_site_and_removes_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(SITE, out)
    (out / "stray.txt").write_text("left by hand")
    new = {"index.html": b"<p>new home</p>", "progress.json": b'{"v": 2}\n'}
    write_site(new, out)
    assert tree(out) == new
    assert not (out / "weeks").exists() and not (out / "assets").exists()
    assert leftovers(tmp_path, "_site") == []


def test_write_site_replaces_the_directory_in_one_rename(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Readers see either the old site or the new one: the new one appears by renaming a
    # complete staging directory into place, never by writing into the live directory.
    out = tmp_path / "_site"
    write_site(SITE, out)
    writes: list[Path] = []
    real = Path.write_bytes

    def spy(self: Path, data: bytes) -> int:
        writes.append(self)
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", spy)
    write_site({"index.html": b"v2"}, out)
    assert writes and all(not p.is_relative_to(out) for p in writes)
    assert tree(out) == {"index.html": b"v2"}


@pytest.mark.parametrize("fail_on", [1, 3])
def test_a_failure_mid_write_leaves_the_old_site(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 fail_on: int) -> None:
    out = tmp_path / "_site"
    write_site(SITE, out)
    calls = 0
    real = Path.write_bytes

    def flaky(self: Path, data: bytes) -> int:
        nonlocal calls
        calls += 1
        if calls == fail_on:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    new = {f"page-{i}.html": b"new" for i in range(5)}
    with pytest.raises(OSError, match="No space left"):
        write_site(new, out)
    assert calls == fail_on
    assert tree(out) == SITE
    assert leftovers(tmp_path, "_site") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_a_failure_on_the_first_build_leaves_nothing(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Path, data: bytes) -> int:
        raise OSError("disk on fire")

    monkeypatch.setattr(Path, "write_bytes", broken)
    with pytest.raises(OSError, match="disk on fire"):
        write_site(SITE, tmp_path / "_site")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_swapping_puts_the_old_site_back(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "_site"
    write_site(SITE, out)
    real = Path.rename

    def rename(self: Path, target: Path) -> Path:  # the staging dir cannot move into place
        if self.name.startswith("._site.new-"):
            raise OSError("rename failed")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="rename failed"):
        write_site({"index.html": b"new"}, out)
    assert tree(out) == SITE
    assert leftovers(tmp_path, "_site") == []


def test_an_interrupt_is_cleaned_up_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "_site"
    write_site(SITE, out)

    def interrupted(self: Path, data: bytes) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_site({"index.html": b"new"}, out)
    assert tree(out) == SITE
    assert leftovers(tmp_path, "_site") == []


def test_writing_through_a_symlinked_output_replaces_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real-site"
    write_site(SITE, real)
    link = tmp_path / "_site"
    link.symlink_to(real)
    write_site({"index.html": b"new"}, link)
    assert tree(real) == {"index.html": b"new"}
    assert link.is_symlink()
