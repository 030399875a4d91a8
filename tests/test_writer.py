"""Writing the site: paths stay inside the output, the output directory is a safe choice,
and the new site replaces the old one whole, or not at all."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest

from generator.output.writer import (
    MARKER,
    OutputError,
    check_output_dir,
    check_paths,
    output_lock,
    recover,
    staged_site,
    write_site,
)
from generator.problems import Pos, Problem, Problems

SITE = {"index.html": b"<p>home</p>", "progress.json": b"{}\n",
        "weeks/2026-W47/index.html": b"<p>week</p>", "assets/site.css": b"body{}"}


def tree(directory: Path) -> dict[str, bytes]:
    """The site's files, without Traction's marker."""
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file() and p.name != MARKER}


def leftovers(parent: Path, name: str) -> list[str]:
    """Staging or retired directories of `name` left in `parent`."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


# --- check_paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "../escape.html", "weeks/../../escape.html", "a/../..", "/etc/passwd", "/index.html",
    "weeks\\index.html", "..\\escape", "",
])
def test_paths_that_would_escape_are_refused(path: str) -> None:
    [problem] = path_problems({"index.html": b"", path: b"x"})
    assert problem.is_error and problem.pos == Pos("traction.yaml")
    assert "escape the output directory" in problem.message


@pytest.mark.parametrize("path", ["index.html", "weeks/2026-W47/index.html", "a..b/c..html",
                                  ".well-known/x", "feed.xml"])
def test_ordinary_paths_pass(path: str) -> None:
    assert path_problems({path: b"x"}) == []


def test_paths_that_differ_only_by_case_are_refused() -> None:
    [problem] = path_problems({"weeks/x.html": b"", "Weeks/x.html": b""})
    assert problem.message.startswith("'Weeks/x.html' and 'weeks/x.html' differ only by case")
    [problem] = path_problems({"straße.html": b"", "STRASSE.html": b""})  # casefold, not lower
    assert "differ only by case" in problem.message
    assert path_problems({"weeks/a.html": b"", "weeks/b.html": b""}) == []


def path_problems(files: dict[str, bytes]) -> list[Problem]:
    problems = Problems()
    check_paths(files, problems)
    return list(problems)


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
    with pytest.raises(OutputError, match="holds files Traction did not write"):
        check_output_dir(out, content)


def test_a_folder_is_not_taken_for_a_build_because_it_holds_a_progress_json(
        content: Path) -> None:
    # The reproducer: `build --out` into this folder deleted thesis.docx and photos/.
    out = content.parent / "work"
    (out / "photos").mkdir(parents=True)
    (out / "photos" / "a.jpg").write_bytes(b"jpeg")
    (out / "thesis.docx").write_bytes(b"docx")
    (out / "progress.json").write_text("{}")
    with pytest.raises(OutputError, match=r"did not write \(e\.g\. 'progress\.json'\)"):
        check_output_dir(out, content)


def test_a_previous_build_is_recognised_only_by_its_marker(content: Path) -> None:
    out = content.parent / "_site"
    write_site(SITE, out)
    assert json.loads((out / MARKER).read_text()) == {
        "format": "traction-site/1", "files": sorted(SITE)}
    check_output_dir(out, content)  # exactly what the marker lists
    (out / "thesis.docx").write_bytes(b"docx")  # a stranger's file added since
    with pytest.raises(OutputError, match=r"'thesis\.docx'"):
        check_output_dir(out, content)
    (out / "thesis.docx").unlink()
    (out / "weeks" / "mine").symlink_to(content)  # a symlink is never Traction's
    with pytest.raises(OutputError, match="'weeks/mine'"):
        check_output_dir(out, content)
    (out / "weeks" / "mine").unlink()
    for forged in ["not json", '{"format": "other/1", "files": []}', "[]"]:
        (out / MARKER).write_text(forged)
        with pytest.raises(OutputError, match="did not write"):
            check_output_dir(out, content)


def test_a_new_or_an_empty_directory_is_fine(content: Path) -> None:
    new = content.parent / "_site"
    check_output_dir(new, content)  # does not exist yet
    new.mkdir()
    check_output_dir(new, content)  # empty
    check_output_dir(content.parent.parent / "elsewhere" / "deep" / "site", content)


def test_a_site_may_not_hold_a_file_named_like_the_marker(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="marker"):
        write_site({MARKER: b"{}", "index.html": b""}, tmp_path / "_site")
    assert not (tmp_path / "_site").exists()


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
    with pytest.raises(OutputError, match=r"^cannot write the site to .*: No space left"):
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
    with pytest.raises(OutputError, match="disk on fire"):
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
    with pytest.raises(OutputError, match="rename failed"):
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


# --- OS errors, locks and recovery -----------------------------------------------------------


@pytest.mark.parametrize(("code", "reason"), [(30, "Read-only file system"),
                                               (28, "No space left on device"),
                                               (13, "Permission denied")])
def test_an_os_error_is_one_line_and_the_old_site_stays(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str) -> None:
    out = tmp_path / "_site"
    write_site(SITE, out)

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(code, reason, str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(OutputError) as caught:
        write_site({"weeks/x/index.html": b"new"}, out)
    assert "\n" not in str(caught.value) and str(caught.value).endswith(reason)
    assert tree(out) == SITE


def test_a_build_killed_between_the_two_renames_is_recovered(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(SITE, out)
    # What kill -9 after `out → .old-*` and before `.new-* → out` leaves behind:
    out.rename(tmp_path / "._site.old-abcd1234")
    write_site({"index.html": b"half"}, tmp_path / "staging")
    (tmp_path / "staging").rename(tmp_path / "._site.new-wxyz_789")
    recover(out)
    assert tree(out) == SITE
    assert leftovers(tmp_path, "_site") == []


def test_recovery_removes_leftovers_beside_a_live_site(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(SITE, out)
    (tmp_path / "._site.new-abcd1234" / "weeks").mkdir(parents=True)
    (tmp_path / "._site.old-zzzz0000").mkdir()
    (tmp_path / "._site.notes").mkdir()  # not a name Traction makes: left alone
    recover(out)
    assert tree(out) == SITE
    assert leftovers(tmp_path, "_site") == ["._site.notes"]


def test_builds_into_one_folder_take_turns(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    out = tmp_path / "_site"
    holder = (
        "import sys, time; from pathlib import Path\n"
        "from generator.output.writer import output_lock\n"
        "with output_lock(Path(sys.argv[1])):\n"
        "    print('locked', flush=True); time.sleep(1.0)\n")
    child = subprocess.Popen([sys.executable, "-c", holder, str(out)], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "locked\n"
        started = time.monotonic()
        with output_lock(out):
            waited = time.monotonic() - started
    finally:
        child.wait(10)
    assert waited > 0.3  # it waited for the other build to finish


# --- staged_site: written as rendered, swapped in at the end --------------------------------


def test_a_staged_site_is_on_disk_before_it_is_swapped_in(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"old.html": b"old"}, out)
    with staged_site(out) as staged:
        for path, data in SITE.items():
            staged[path] = data
        [staging] = leftovers(tmp_path, "_site")
        assert tree(tmp_path / staging) == SITE  # on disk, not in memory
        assert tree(out) == {"old.html": b"old"}  # the published site is untouched
        assert "index.html" in staged and sorted(staged) == sorted(SITE)
        assert staged["weeks/2026-W47/index.html"] == b"<p>week</p>"
        staged.commit()
    assert tree(out) == SITE
    assert json.loads((out / MARKER).read_bytes())["files"] == sorted(SITE)
    assert leftovers(tmp_path, "_site") == []


def test_a_staged_site_given_up_leaves_the_previous_one(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"old.html": b"old"}, out)
    with pytest.raises(RuntimeError), staged_site(out) as staged:
        staged["index.html"] = b"new"
        raise RuntimeError("a template failed half-way")
    assert tree(out) == {"old.html": b"old"}
    assert leftovers(tmp_path, "_site") == []


def test_a_staged_path_that_escapes_is_never_written(tmp_path: Path) -> None:
    out = tmp_path / "public" / "_site"
    with staged_site(out) as staged:
        staged["index.html"] = b"home"
        staged["../../evil.html"] = b"evil"
        with pytest.raises(OutputError, match="escape the output"):
            staged.commit()
        with pytest.raises(OutputError, match="marker"):
            staged[MARKER] = b"{}"
    assert not list(tmp_path.rglob("evil.html"))
    assert not out.exists() and leftovers(out.parent, "_site") == []
