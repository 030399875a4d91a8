"""Lighthouse stays at 100 in all four categories (issue 11, Proof): the demo site, with social
cards, on the home page and a case study, as a phone and as a desktop.

Runs the real bench script, bench/lighthouse.py (it builds the demo with
`--base-url http://127.0.0.1:PORT/`, the address it serves it from, so that canonical links
name the page loaded; see its docstring), with Chromium and the npm `lighthouse` that
scripts/test installs in .ci/node. About a minute.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

pytestmark = pytest.mark.browser

LIGHTHOUSE = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = {"performance", "accessibility", "best-practices", "seo"}
# Lighthouse's own bar for a host fast enough to score performance (below it, it warns that
# the score is not reliable): a busy machine makes the simulated phone's main thread slower.
FAST_ENOUGH = 1000


def run_bench(tmp_path: Path, runs: int) -> tuple[list[dict[str, Any]], str]:
    report = tmp_path / f"lighthouse-{runs}.json"
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "lighthouse.py"),
                             "--runs", str(runs), "--json", str(report)],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(report.read_text("utf-8")), result.stdout


def below_100(runs: list[dict[str, Any]]) -> list[str]:
    below = []
    assert {(r["page"], r["form_factor"]) for r in runs} == {
        (page, form) for page in ("home", "case study") for form in ("mobile", "desktop")}
    for run in runs:
        assert set(run["scores"]) == CATEGORIES, run
        scores = dict(run["scores"])
        if run["benchmark_index"] < FAST_ENOUGH and scores["performance"] >= 0.9:
            # Not a fact about the page: Lighthouse says this host is too slow to tell.
            print(f"host too slow for a performance score ({run['benchmark_index']:.0f} < "
                  f"{FAST_ENOUGH}): {run['page']} ({run['form_factor']}) "
                  f"{scores['performance']:.2f} accepted")
            scores["performance"] = 1
        if any(score != 1 for score in scores.values()):
            below.append(f"{run['page']} ({run['form_factor']}): {run['scores']}: "
                         f"{run['failing']}")
    return below


def test_home_and_a_case_study_score_100_on_phone_and_desktop(tmp_path: Path) -> None:
    """One run of each; when one scores below 100, the median of three decides, as
    Lighthouse's own advice on variance says (a busy moment slows one run's main thread)."""
    assert LIGHTHOUSE.is_file(), f"Lighthouse missing: npm ci --prefix .ci/node ({LIGHTHOUSE})"
    runs, output = run_bench(tmp_path, 1)
    if below_100(runs):
        runs, output = run_bench(tmp_path, 3)
    below = below_100(runs)
    assert below == [], "\n".join(below) + "\n" + output
