"""`traction check` end to end, through the real command in a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DEMO, ROOT, run_in_terminal, run_traction

from generator.pipeline import analyse
from generator.problems import format_json, promote_warnings

Content = Callable[..., Path]

ERROR_WEEK = "week: 2026-W47\ncals: []\n"
ERROR_LINE = "weeks/2026-W47.yaml:2:1: error: unknown key 'cals'"
WARNING_WEEKS = {"2026-W45": "week: 2026-W45\n", "2026-W47": "week: 2026-W47\n"}
WARNING_LINE = "weeks/2026-W47.yaml:1:7: warning: no log for 2026-W46; counted as no activity"


def one_line(text: str) -> str:
    return " ".join(text.split())




# --- exit codes -------------------------------------------------------------------------

def test_the_demo_is_valid() -> None:
    result = run_traction("check", "--content", str(DEMO))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    weeks = len(list((DEMO / "weeks").glob("*.yaml")))
    assert re.fullmatch(rf"✓ {re.escape(str(DEMO))}: {weeks} weeks, 2 case studies, 1 page; "
                        r"0 errors, 0 warnings\n", result.stderr), result.stderr


def test_default_content_dir_is_content_in_the_working_directory() -> None:
    result = run_traction("check")  # cwd is the repository, whose content/ is the demo
    assert result.returncode == 0
    assert result.stderr.startswith("✓ content: ")


def test_errors_exit_1_and_are_printed(content: Content) -> None:
    root = content(weeks={"2026-W47": ERROR_WEEK})
    result = run_traction("check", "--content", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{root}/{ERROR_LINE}",
                                          "  hint: did you mean 'calls'?"]
    assert result.stderr == f"✗ {root}: 1 error, 0 warnings\n"


def test_a_missing_content_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = run_traction("check", "--content", str(tmp_path / "nope"))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"✗ content directory not found: {tmp_path / 'nope'} (pass "
                             "--content DIR, or run `traction init` to make one)\n")


def test_warnings_alone_exit_0_and_strict_makes_them_errors(content: Content) -> None:
    root = content(weeks=WARNING_WEEKS)
    relaxed = run_traction("check", "--content", str(root))
    assert relaxed.returncode == 0
    assert relaxed.stdout.splitlines()[0] == f"{root}/{WARNING_LINE}"
    assert relaxed.stderr.endswith("; 0 errors, 1 warning\n")

    strict = run_traction("check", "--content", str(root), "--strict")
    assert strict.returncode == 1
    assert strict.stdout.splitlines()[0] == f"{root}/{WARNING_LINE}".replace("warning:",
                                                                                "error:")
    assert strict.stderr == f"✗ {root}: 1 error, 0 warnings\n"


def test_unknown_option_is_a_usage_error() -> None:
    result = run_traction("check", "--no-such-option")
    assert result.returncode == 2
    assert "No such option" in result.stderr and "--no-such-option" in result.stderr
    assert result.stdout == ""


def test_bad_format_is_a_usage_error() -> None:
    result = run_traction("check", "--format", "xml")
    assert result.returncode == 2
    assert "'xml' is not one of 'text', 'json', 'github'" in result.stderr


# --- formats ----------------------------------------------------------------------------

@pytest.mark.parametrize("strict", [False, True])
def test_json_output_matches_the_analysis(content: Content, strict: bool) -> None:
    root = content(weeks={**WARNING_WEEKS, "2026-W48": "week: 2026-W48\ncals: []\n"})
    result = run_traction("check", "--content", str(root), "--format", "json",
                          *(["--strict"] if strict else []))
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    problems = list(analyse(root).problems)
    assert result.stdout == format_json(promote_warnings(problems) if strict else problems,
                                        base=str(root)) + "\n"
    assert (doc["ok"], doc["errors"], doc["warnings"]) == ((False, 2, 0) if strict
                                                           else (False, 1, 1))
    assert [(p["file"], p["line"], p["col"], p["severity"]) for p in doc["problems"]] == [
        (f"{root}/weeks/2026-W47.yaml", 1, 7, "error" if strict else "warning"),
        (f"{root}/weeks/2026-W48.yaml", 2, 1, "error"),
    ]
    assert result.stderr == ""


def test_json_on_the_demo_is_ok() -> None:
    result = run_traction("check", "--content", str(DEMO), "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"ok": True, "errors": 0, "warnings": 0, "problems": []}


def test_github_format_prefixes_paths_from_the_working_directory(content: Content) -> None:
    root = content(weeks={**WARNING_WEEKS, "2026-W48": "week: 2026-W48\ncals: []\n"})
    result = run_traction("check", "--content", "content", "--format", "github",
                          cwd=root.parent, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "::warning file=content/weeks/2026-W47.yaml,line=1,col=7,title=traction check"
        "::no log for 2026-W46; counted as no activity "
        "(hint: add the missing weeks with `traction new week --week ...`)",
        "::error file=content/weeks/2026-W48.yaml,line=2,col=1,title=traction check"
        "::unknown key 'cals' (hint: did you mean 'calls'?)",
    ]
    assert result.stderr == ""


def test_github_format_paths_start_at_the_git_repository_root(content: Content) -> None:
    """GitHub places annotations by the path from the repository root, wherever
    `traction check` runs from."""
    root = content(weeks={"2026-W47": "week: 2026-W47\ncals: []\n"})
    repo = root.parent
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "docs").mkdir()
    result = run_traction("check", "--content", "../content", "--format", "github",
                          cwd=repo / "docs", env={"PYTHONPATH": str(ROOT)})
    assert result.stdout.startswith("::error file=content/weeks/2026-W47.yaml,line=2,col=1,")


def test_github_format_with_strict_and_a_clean_tree(content: Content) -> None:
    root = content(weeks=WARNING_WEEKS)
    strict = run_traction("check", "--content", str(root), "--format", "github", "--strict")
    assert strict.returncode == 1
    assert strict.stdout.startswith("::error file=")
    clean = run_traction("check", "--content", str(DEMO), "--format", "github")
    assert (clean.returncode, clean.stdout) == (0, "")


# --- verbosity, colour, help ------------------------------------------------------------

def test_quiet_prints_only_problems(content: Content) -> None:
    root = content(weeks={"2026-W47": ERROR_WEEK})
    result = run_traction("check", "--content", str(root), "-q")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{root}/{ERROR_LINE}",
                                          "  hint: did you mean 'calls'?"]
    assert result.stderr == ""
    clean = run_traction("check", "--content", str(DEMO), "--quiet")
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")


def test_verbose_says_what_was_read_and_evaluated(content: Content) -> None:
    result = run_traction("check", "--content", str(DEMO), "-v")
    assert result.returncode == 0 and result.stdout == ""
    weeks = len(list((DEMO / "weeks").glob("*.yaml")))
    stages = ("checking ", "rendering ", "drawing ")  # tests/test_cli_progress.py
    assert [line for line in result.stderr.splitlines()
            if not line.startswith(stages)][:3] == [
        f"read {DEMO}: {weeks} weekly logs (2026-W14 to 2026-W47), 2 case studies, 1 page",
        "ladders: zero-to-one, micro-traction",
        "as of 2026-11-19 (2026-W47 in progress)"]
    broken = content(weeks={"2026-W47": ERROR_WEEK})
    lines = run_traction("check", "--content", str(broken), "-v").stderr.splitlines()
    assert lines[0] == f"checking {broken}"
    assert lines[1] == (f"read {broken}: 0 weekly logs, 0 case studies, 0 pages; "
                        "1 week file with errors")
    quiet = run_traction("check", "--content", str(DEMO))
    assert "ladders:" not in quiet.stderr  # only with -v


def test_colour_on_a_terminal_and_no_color_turns_it_off(content: Content) -> None:
    root = content(weeks={"2026-W47": ERROR_WEEK})
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    code, coloured = run_in_terminal("check", "--content", str(root), env=env)
    assert code == 1
    assert "\x1b[1;31merror\x1b[0m: unknown key 'cals'" in coloured

    code, plain = run_in_terminal("check", "--content", str(root), env={**env, "NO_COLOR": "1"})
    assert code == 1
    assert "\x1b[" not in plain
    assert ERROR_LINE in plain


def test_no_colour_when_output_is_not_a_terminal(content: Content) -> None:
    root = content(weeks={"2026-W47": ERROR_WEEK})
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--content", str(root)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "\x1b[" not in result.stdout + result.stderr


def test_help_lists_the_exit_codes() -> None:
    top = run_traction("--help")
    assert top.returncode == 0
    assert ("Exit codes: 0 ok, 1 errors in the content, 2 usage error (a bad option, no "
            "content folder, a file that already exists, ...).") in one_line(top.stdout)
    check = run_traction("check", "--help")
    assert check.returncode == 0
    text = one_line(check.stdout)
    assert ("Exit codes: 0 the content is valid, 1 errors (or warnings with --strict), "
            "2 usage error.") in text
    for option in ("--format [text|json|github]", "--strict", "--content DIRECTORY", "-q, --quiet",
                   "-v, --verbose"):
        assert option in text


# --- check catches whatever would make build fail ----------------------------------------------


THEME_CONFIG = """\
site: {title: Acme, url: "https://acme.github.io/progress/"}
company: {name: Acme}
founders: [dana]
theme_dir: theme
"""
ONE_WEEK = {"2026-W10": "week: 2026-W10\ncalls:\n  - {date: 2026-03-02, with: X}\n"}


def check_and_build(root: Path) -> tuple[subprocess.CompletedProcess[str],
                                          subprocess.CompletedProcess[str]]:
    out = root.parent / "_site"
    return (run_traction("check", "--content", str(root)),
            run_traction("build", "--content", str(root), "--out", str(out)))


def test_check_fails_on_a_missing_theme_dir_as_build_does(content: Content) -> None:
    root = content(config=THEME_CONFIG, weeks=ONE_WEEK)
    checked, built = check_and_build(root)
    assert checked.returncode == built.returncode == 1
    line = ("traction.yaml:4:12: error: theme directory 'theme' has no templates/, static/ "
            "or cards/ folder")
    assert line in checked.stdout and line in built.stderr


@pytest.mark.parametrize(("template", "message"), [
    ("{% if %}\n", "theme error: Expected an expression"),  # does not parse
    ("ok\n{{ site.no_such_thing }}\n", "theme error: "),  # parses, fails on this content
])
def test_check_fails_on_a_broken_theme_template_as_build_does(
        content: Content, template: str, message: str) -> None:
    root = content(config=THEME_CONFIG, weeks=ONE_WEEK)
    (root / "theme" / "templates").mkdir(parents=True)
    (root / "theme" / "templates" / "404.html").write_text(template, "utf-8")
    checked, built = check_and_build(root)
    assert checked.returncode == built.returncode == 1, checked.stdout
    [error_line] = [line for line in checked.stdout.splitlines() if ": error: " in line]
    assert message in error_line and "404.html:" in error_line
    assert error_line in built.stderr
    assert not (root.parent / "_site").exists()


def test_a_theme_error_is_reported_with_content_errors(content: Content) -> None:
    root = content(config=THEME_CONFIG, weeks={"2026-W10": "week: 2026-W10\ncalls: 3\n"})
    (root / "theme" / "templates").mkdir(parents=True)
    (root / "theme" / "templates" / "404.html").write_text("{% if %}\n", "utf-8")
    checked = run_traction("check", "--content", str(root))
    errors = [line for line in checked.stdout.splitlines() if ": error: " in line]
    assert len(errors) == 2 and any("404.html:1" in line for line in errors)
