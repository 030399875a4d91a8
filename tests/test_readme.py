"""The README's promises that CI keeps: its first two commands, and `.ci/run` running the
second one exactly."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def commands() -> list[str]:
    """The command lines of the README's fenced `sh` blocks, in order (comments dropped)."""
    blocks = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    return [line for block in blocks for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_the_readme_opens_with_the_run_and_the_test_command() -> None:
    run, test, *_ = commands()
    assert README.index(run) < README.index("## What it does")
    assert "pip install ." in run and "traction build --content content" in run
    assert "pip install -e '.[test]'" in test and test.endswith("python -m pytest -q")
    for command in (run, test):
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && ")


def test_ci_runs_the_readme_test_command_exactly() -> None:
    test = commands()[1]
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert [line for line in script.splitlines() if line == test] == [test]
    # ... as its last step, so its exit status is CI's.
    assert script.rstrip().splitlines()[-1] == test


def test_the_example_comment_is_what_traction_diff_writes(tmp_path: Path) -> None:
    """The README's pull-request comment is the real output of tests/test_diff.py's scenario
    (commit hashes aside), so it cannot drift from what users see."""
    from test_diff import diff, scenario

    quoted = re.search(r"\n((?:>.*\n)+)", README[README.index("## Review milestones"):])
    assert quoted is not None
    example = [line[2:] if line.startswith("> ") else line[1:]
               for line in quoted[1].splitlines()]
    real = diff(scenario(tmp_path / "repo"), "HEAD~1", "HEAD").stdout.splitlines()
    assert real[0] == "<!-- traction-diff -->"  # the hidden marker, not shown in the README
    hashes = re.compile(r"`[0-9a-f]{10}`")
    assert [hashes.sub("`sha`", line) for line in example] == [
        hashes.sub("`sha`", line) for line in real[1:]]
