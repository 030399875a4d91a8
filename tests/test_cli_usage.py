"""How every command finds its content folder, names files and exits, through the real
command: found from any subfolder as git finds its repository; paths from the working
directory; exit 1 only for errors in the content, 2 for usage errors."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, run_traction, write_content

BROKEN_WEEK = {"2026-W47": "week: 2026-W47\ncals: []\n"}
PROBLEM = "weeks/2026-W47.yaml:2:1: error: unknown key 'cals'"


def run_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_traction(*args, cwd=folder, env={"PYTHONPATH": str(ROOT)})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with its content folder at content/, one week with an error."""
    root = tmp_path / "repo"
    write_content(root / "content", weeks=BROKEN_WEEK)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "docs" / "deep").mkdir(parents=True)
    return root


# --- finding the content folder ----------------------------------------------------------

@pytest.mark.parametrize(("where", "shown"), [
    (".", "content/"),  # ./content, the default
    ("content", ""),  # the content folder itself
    ("content/weeks", "../"),  # inside it
    ("docs/deep", "../../content/"),  # anywhere in the repository
])
def test_found_from_any_subfolder_and_named_from_there(repo: Path, where: str, shown: str
                                                       ) -> None:
    result = run_in(repo / where, "check")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == shown + PROBLEM
    doc = json.loads(run_in(repo / where, "check", "--format", "json").stdout)
    assert doc["problems"][0]["file"] == shown + "weeks/2026-W47.yaml"
    github = run_in(repo / where, "check", "--format", "github").stdout
    assert github.startswith("::error file=content/weeks/2026-W47.yaml,line=2,col=1,")


def test_the_search_stops_at_the_git_root(tmp_path: Path) -> None:
    write_content(tmp_path / "content")  # outside the repository below: never reached
    inner = tmp_path / "project"
    inner.mkdir()
    subprocess.run(["git", "init", "-q", str(inner)], check=True)
    result = run_in(inner, "status")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "✗ no content folder: no content/traction.yaml or traction.yaml here or in any "
        "folder above (up to the git repository's root); pass --content DIR, or run "
        "`traction init` to make one\n")
    assert run_in(tmp_path / "project", "check", "--content", "../content").returncode == 0


def test_an_explicit_content_folder_is_named_as_given(repo: Path) -> None:
    result = run_in(repo / "docs", "check", "--content", "../content")
    assert result.stdout.splitlines()[0] == "../content/" + PROBLEM
    absolute = run_in(repo / "docs", "check", "--content", str(repo / "content"))
    assert absolute.stdout.splitlines()[0] == f"{repo}/content/{PROBLEM}"


def test_schema_reads_no_content_folder(tmp_path: Path) -> None:
    result = run_in(tmp_path, "schema", "week")
    assert result.returncode == 0 and json.loads(result.stdout)["type"] == "object"


# --- exit codes ----------------------------------------------------------------------------

def test_content_errors_exit_1(repo: Path) -> None:
    for command in (["check"], ["status"], ["build", "--out", str(repo / "_site")]):
        assert run_in(repo, *command).returncode == 1, command


@pytest.mark.parametrize("command", [
    ["check"], ["status"], ["build"], ["serve"], ["clean"], ["new", "week"],
])
def test_a_missing_content_folder_exits_2(tmp_path: Path, command: list[str]) -> None:
    result = run_in(tmp_path, *command, "--content", "nope")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("✗ content directory not found: nope ")


def test_a_week_that_already_exists_exits_2(repo: Path) -> None:
    result = run_in(repo, "new", "week", "--week", "2026-W47")
    assert result.returncode == 2
    assert "already exists" in result.stderr


def test_a_port_in_use_exits_2(repo: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_in(repo, "serve", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr == f"✗ port {port} on 127.0.0.1 is in use; pick another with --port\n"


@pytest.mark.parametrize("args", [
    ["--out", "content"],  # inside the content folder
    ["--base-url", "ftp://x.org/"],
])
def test_an_output_traction_refuses_exits_2(repo: Path, args: list[str]) -> None:
    (repo / "content" / "weeks" / "2026-W47.yaml").write_text("week: 2026-W47\n", "utf-8")
    result = run_in(repo, "build", *args)
    assert result.returncode == 2 and result.stderr.startswith("✗ "), result.stderr


def test_a_git_problem_exits_2(repo: Path) -> None:
    result = run_in(repo, "diff", "no-such-revision")
    assert result.returncode == 2
    assert result.stderr == "✗ unknown revision 'no-such-revision'\n"


def test_a_bad_source_date_epoch_exits_2(repo: Path) -> None:
    result = run_traction("check", "--content", str(repo / "content"),
                          env={"SOURCE_DATE_EPOCH": "soon"})
    assert result.returncode == 2 and result.stderr.startswith("✗ SOURCE_DATE_EPOCH=")


def test_cleaning_a_folder_that_is_not_a_cache_exits_2(repo: Path) -> None:
    (repo / "content" / ".traction-cache").mkdir()
    result = run_traction("clean", "--content", str(repo / "content"),
                          env={"TRACTION_CACHE_DIR": ""})
    assert result.returncode == 2 and "is not a Traction cache" in result.stderr


def test_the_card_cache_is_kept_in_the_content_folder_found(repo: Path) -> None:
    (repo / "content" / "weeks" / "2026-W47.yaml").write_text("week: 2026-W47\n", "utf-8")
    result = run_traction("build", "--out", str(repo / "_site"), cwd=repo / "docs",
                          env={"PYTHONPATH": str(ROOT), "TRACTION_CACHE_DIR": ""})
    assert result.returncode == 0, result.stderr
    assert (repo / "content" / ".traction-cache" / "CACHEDIR.TAG").is_file()


@pytest.mark.parametrize(("command", "codes"), [
    ([], "0 ok, 1 errors in the content, 2 usage error"),
    (["check"], "0 the content is valid, 1 errors (or warnings with --strict), 2 usage error"),
    (["status"], "0 ok, 1 errors in the content, 2 usage error"),
    (["build"], "0 ok, 1 errors in the content, 2 usage error"),
    (["diff"], "0 ok, 1 errors in the content at HEAD, 2 usage error"),
    (["serve"], "0 stopped with Ctrl-C, 2 usage error (no content folder, the port in use)"),
    (["clean"], "0 ok, 2 usage error"),
    (["schema"], "0 ok, 2 usage error"),
    (["init"], "0 ok, 2 usage error"),
    (["new", "week"], "0 created, 2 usage error (no content folder or traction.yaml, the "
                      "week's file already exists)"),
])
def test_every_command_states_its_exit_codes(command: list[str], codes: str) -> None:
    result = run_traction(*command, "--help")
    assert result.returncode == 0
    assert f"Exit codes: {codes}" in " ".join(result.stdout.split())
