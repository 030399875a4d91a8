"""Golden files of the demo: `traction status` on content/, compared byte for byte.

Any change to what the demo reports (the engine, the wording, the JSON document)
shows up here as a diff. When the change is intended, regenerate the files and
review the diff of tests/golden/ before committing it:

    TRACTION_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py

or by hand, from a copy of content/ outside any git repository (so the JSON carries no
commit of this repository: see `demo_outside_git` in conftest.py):

    python -m generator status --format json --content /tmp/demo > tests/golden/demo-progress.json
    NO_COLOR=1 python -m generator status --content /tmp/demo > tests/golden/demo-status.txt

The last tests check the demo's story in the golden files themselves, so a
regeneration cannot quietly accept a different story.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_traction

GOLDEN = ROOT / "tests" / "golden"
REGENERATE = os.environ.get("TRACTION_REGENERATE_GOLDEN") == "1"

CASES = {
    "demo-progress.json": ("status", "--format", "json", "--content"),
    "demo-status.txt": ("status", "--content"),
}


def compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert path.is_file(), f"{path} is missing; see the top of {Path(__file__).name}"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"tests/golden/{name} (expected)", tofile=f"{name} (actual output)"))
        pytest.fail(f"the output differs from tests/golden/{name}:\n\n{diff or repr(actual)}\n"
                    "If the change is intended, regenerate with "
                    "TRACTION_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py",
                    pytrace=False)


@pytest.mark.parametrize("name", list(CASES))
def test_demo_status_matches_its_golden_file(name: str, demo_outside_git: Path) -> None:
    result = run_traction(*CASES[name], str(demo_outside_git))  # NO_COLOR=1
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    compare(name, result.stdout)


def test_a_mismatch_is_reported_as_a_readable_diff(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.GOLDEN", tmp_path)
    monkeypatch.setattr(f"{__name__}.REGENERATE", False)
    (tmp_path / "x.txt").write_text("one\ntwo\nthree\n", encoding="utf-8")
    compare("x.txt", "one\ntwo\nthree\n")
    with pytest.raises(pytest.fail.Exception) as failed:
        compare("x.txt", "one\n2\nthree\n")
    message = str(failed.value)
    assert "--- tests/golden/x.txt (expected)" in message
    assert "-two\n+2\n" in message
    assert "TRACTION_REGENERATE_GOLDEN=1" in message


# --- the story the golden files tell -------------------------------------------------------


@pytest.fixture(scope="module")
def golden_progress() -> dict[str, Any]:
    return json.loads((GOLDEN / "demo-progress.json").read_text(encoding="utf-8"))


def milestone(document: dict[str, Any], milestone_id: str) -> dict[str, Any]:
    found = [m for ladder in document["ladders"] for m in ladder["milestones"]
             if m["id"] == milestone_id]
    assert len(found) == 1
    return found[0]


def test_golden_json_tells_the_demo_story(golden_progress: dict[str, Any]) -> None:
    assert golden_progress["company"]["name"] == "Baywise"
    # As of the latest day the log mentions, a Thursday: week 47 is in progress.
    assert (golden_progress["as_of"], golden_progress["latest_week"],
            golden_progress["week_in_progress"]) == ("2026-11-19", "2026-W47", "2026-W47")
    assert golden_progress["current_goal"] == "five-hell-yes"
    goal = milestone(golden_progress, "five-hell-yes")
    assert goal["status"] == "in_progress"
    assert [(m["value"], m["target"]) for m in goal["measures"]] == [(3, 5)]
    calls = milestone(golden_progress, "weekly-sales-calls")
    assert calls["status"] == "achieved"
    assert [(h["status"], h["date"]) for h in calls["history"]] == [
        ("achieved", "2026-06-05"), ("slipped", "2026-08-09"), ("achieved", "2026-09-03")]
    assert calls["details"] == [{"name": "sales_calls_this_week",
                                 "label": "sales calls this week", "value": 6, "target": 5}]
    assert [w["week"] for w in golden_progress["weeks"]][-1] == "2026-W47"
    # A lead qualified in July and never decided counts as lost for the close rate.
    close = milestone(golden_progress, "close-rate")
    assert [(d["name"], d["value"]) for d in close["details"]] == [("stale_sqls", 1)]
    assert [m["value"] for m in close["measures"]] == [20, 0.45]


def test_golden_text_tells_the_demo_story() -> None:
    text = (GOLDEN / "demo-status.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "Baywise — Dock appointment scheduling for regional warehouses"
    assert "Current goal: 5 “hell yes” customers  (zero-to-one #4, in progress)" in lines
    assert "  hell-yes customers: 3 of 5" in lines
    assert ("(achieved 2026-06-05, slipped 2026-08-09, achieved 2026-09-03)"
            in next(line for line in lines if "1. 5+ sales calls every week" in line))
