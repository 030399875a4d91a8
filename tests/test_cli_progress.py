"""A long build says what it is doing on a terminal, and only there (or with -v): through
the real command on a pseudo-terminal, and `cli.Stages` with the terminal forced."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from conftest import DEMO, run_in_terminal, run_traction

from generator.cli import Stages, Ui

CLEAR = "\r\x1b[K"


def build_in_terminal(out: Path, cache: Path, hidden: Path) -> tuple[int, str]:
    """`traction build` with stderr on a pseudo-terminal and an empty card cache, so the
    cards are drawn, by resvg-py (svg2png-py, the `fast` extra, made unimportable from
    `hidden`): a build of well over a second, most of it drawing."""
    hidden.mkdir()
    (hidden / "svg2png_py.py").write_text("raise ImportError('hidden by the test')\n")
    env = {**os.environ, "NO_COLOR": "1", "TRACTION_CACHE_DIR": str(cache),
           "PYTHONPATH": str(hidden)}
    return run_in_terminal("build", "--content", str(DEMO), "--out", str(out), env=env,
                           stdout=False, timeout=300)


def test_a_long_build_shows_its_stages_on_a_terminal(tmp_path: Path) -> None:
    code, err = build_in_terminal(tmp_path / "site", tmp_path / "cache", tmp_path / "hidden")
    assert code == 0, err
    drawing = re.search(rf"{re.escape(CLEAR)}drawing (\d+) social cards…", err)
    assert drawing and int(drawing[1]) > 40, err  # every card of the demo, and its icon
    # The stage line is cleared before the result, which stays.
    assert err.endswith(f"{CLEAR}✓ built {err.split('✓ built ')[1]}")
    assert err.split("✓ built ")[0].endswith(CLEAR)


def test_pipes_and_ci_logs_get_no_progress_unless_verbose(tmp_path: Path) -> None:
    env = {"TRACTION_CACHE_DIR": str(tmp_path / "cache")}
    quiet = run_traction("build", "--content", str(DEMO), "--out", str(tmp_path / "a"), env=env)
    assert quiet.returncode == 0
    assert "drawing" not in quiet.stderr and "\x1b" not in quiet.stderr
    verbose = run_traction("build", "--content", str(DEMO), "--out", str(tmp_path / "b"),
                           "-v", env={"TRACTION_CACHE_DIR": str(tmp_path / "cold")})
    built = verbose.stderr.split("✓ built ")[1].split()[0]
    assert verbose.stderr.splitlines()[:4] == [
        f"checking {DEMO}", "rendering the pages",
        f"drawing {len(list((tmp_path / 'b').rglob('*.png')))} social cards…",
        f"writing {built} files into {tmp_path / 'b'}"]


def test_a_quick_command_shows_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    with Stages(Ui(0), terminal=True, delay=5) as stages:
        stages("checking content")
    assert capfd.readouterr().err == ""


def test_after_the_delay_each_stage_replaces_the_last(capfd: pytest.CaptureFixture[str]
                                                      ) -> None:
    with Stages(Ui(0), terminal=True, delay=0.01) as stages:
        stages("checking content")
        time.sleep(0.5)
        stages("drawing 3 social cards…")
    assert capfd.readouterr().err == (f"{CLEAR}checking content{CLEAR}drawing 3 social cards…"
                                      f"{CLEAR}")


@pytest.mark.parametrize(("verbosity", "terminal"), [(0, False), (-1, True)])
def test_no_progress_off_a_terminal_or_with_quiet(capfd: pytest.CaptureFixture[str],
                                                  verbosity: int, terminal: bool) -> None:
    with Stages(Ui(verbosity), terminal=terminal, delay=0) as stages:
        time.sleep(0.1)
        stages("drawing 3 social cards…")
    assert capfd.readouterr().err == ""


def test_the_delay_runs_no_thread(capfd: pytest.CaptureFixture[str]) -> None:
    """A render forks only from a process with one thread (render.cores): the progress
    line's delay is an alarm, not a timer thread."""
    import threading

    with Stages(Ui(0), terminal=True, delay=0.05) as stages:
        stages("rendering the pages")
        assert threading.active_count() == 1
        time.sleep(0.3)
        stages("drawing 3 social cards…")
    assert capfd.readouterr().err == (f"{CLEAR}rendering the pages{CLEAR}drawing 3 social "
                                      f"cards…{CLEAR}")
