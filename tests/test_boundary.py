"""The privacy boundary (`boundary.public_progress`): nothing an amount went into leaves.

The repro of the leak it closes: a milestone `mrr at_least 10000`, one customer paying
4,321 a month, `show_revenue: false`. The site said progress 0.0, `status --format json`
said 0.4321 and the pull-request diff "0% → 43%" next to the published target: together,
the revenue. The same for spend: with `max_cac: 3000` and a spend of 7,777 for one win,
the scalable-pipeline progress was 3000/7777. Every output is checked here, end to end:
the built site, `status` as text and JSON, and `diff` in every format.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import Log, analysed, config, day, w
from conftest import run_traction, write_content
from test_diff import commit, diff, new_repo

from generator.model.engine import WeekStats
from generator.public.boundary import public_progress, week_rows

MRR_LADDER = [{"id": "revenue", "title": "Revenue", "milestones": [
    {"id": "ten-k-mrr", "title": "10k MRR",
     "conditions": [{"metric": "mrr", "at_least": 10000}]}]}]
LADDERS = ["zero-to-one", "revenue"]
# The private inputs, and every number derived from them that would tell them.
AMOUNT, SPEND = 4321, 7777
CANARIES = ["4321", "43.21", "0.4321", "43%", "7777", "0.3857", "0.3858", "38.57", "38.58",
            "0.7953", "0.7952", "79%"]


def leaky_log() -> Log:
    """One customer paying 4,321 a month; a scalable source with 10 SQLs, 1 win and a spend
    of 7,777 (over its max_cac of 3,000, so its cost per win is not met)."""
    log = Log().calls(w(10), 1)
    for i in range(10):
        log.qualified(f"lead{i}", day(w(10), 2), source="cold-email")
    log.event("lead0", "won", day(w(10), 3))
    log.event("lead0", "paid", day(w(10), 4), amount=AMOUNT, interval="month")
    return log.spend(w(10), "cold-email", SPEND)


def leaky_content(root: Path, show_revenue: bool = False) -> Path:
    return write_content(root, config=config(custom_ladders=MRR_LADDER, ladders=LADDERS,
                                             privacy={"show_revenue": show_revenue}),
                         weeks=leaky_log().weeks())


def found(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary in text]


# --- the function ---------------------------------------------------------------------------


def test_a_private_amount_and_what_it_went_into_are_hidden(tmp_path: Path) -> None:
    analysis = analysed(tmp_path, leaky_log(), custom_ladders=MRR_LADDER, ladders=LADDERS)
    assert analysis.progress is not None and analysis.content.config is not None
    raw = {m.milestone.id: m for m in analysis.progress.milestones()}
    assert raw["ten-k-mrr"].progress == 0.4321  # what the engine knows, privately
    shown = {m.id: m for m in public_progress(analysis.progress,
                                              analysis.content.config).milestones()}
    mrr = shown["ten-k-mrr"]
    [measure] = mrr.measures
    assert (measure.kind, measure.hidden, measure.value, measure.target, measure.progress) == (
        "money", True, None, None, None)
    assert (mrr.progress, mrr.progress_hidden, mrr.status) == (0.0, True, "in_progress")
    # The scalable pipeline: its public parts count, its cost per win only as met or not.
    scalable = shown["scalable-pipeline"]
    cost = next(m for m in scalable.measures if m.kind == "money")
    assert (cost.value, cost.target, cost.progress, cost.met) == (None, None, None, False)
    assert raw["scalable-pipeline"].progress == round((1 + 1 + 3000 / 7777) / 3, 4)
    assert scalable.progress == round(2 / 3, 4)
    assert not scalable.progress_hidden


def test_with_show_revenue_the_amounts_are_published(tmp_path: Path) -> None:
    analysis = analysed(tmp_path, leaky_log(), custom_ladders=MRR_LADDER, ladders=LADDERS,
                        privacy={"show_revenue": True})
    assert analysis.progress is not None and analysis.content.config is not None
    shown = {m.id: m for m in public_progress(analysis.progress,
                                              analysis.content.config).milestones()}
    [measure] = shown["ten-k-mrr"].measures
    assert (measure.value, measure.target, measure.progress, measure.hidden) == (
        Decimal(AMOUNT), Decimal(10000), 0.4321, False)
    assert shown["ten-k-mrr"].progress == 0.4321


# --- every output, end to end ---------------------------------------------------------------


def test_status_json_and_text_publish_nothing_derived_from_an_amount(tmp_path: Path) -> None:
    root = leaky_content(tmp_path / "content")
    document = run_traction("status", "--format", "json", "--content", str(root))
    assert document.returncode == 0, document.stderr
    assert found(document.stdout) == []
    mrr = next(m for ladder in json.loads(document.stdout)["ladders"]
               for m in ladder["milestones"] if m["id"] == "ten-k-mrr")
    assert mrr["progress"] == 0.0
    assert mrr["measures"][0] | {"label": ""} == {
        "name": "mrr", "label": "", "value": None, "target": None, "comparison": "at_least",
        "met": False, "progress": None, "kind": "money", "hidden": True}
    text = run_traction("status", "--content", str(root))
    assert text.returncode == 0 and found(text.stdout) == []
    assert "10k MRR" in text.stdout and "progress private" in text.stdout


def test_status_private_shows_the_founder_their_own_numbers(tmp_path: Path) -> None:
    root = leaky_content(tmp_path / "content")
    text = run_traction("status", "--private", "--content", str(root))
    assert text.returncode == 0, text.stderr
    assert "monthly recurring revenue: 4321 of 10000" in text.stdout
    assert "43%" in text.stdout
    refused = run_traction("status", "--private", "--format", "json", "--content", str(root))
    assert refused.returncode == 2 and "--private is for the terminal only" in refused.stderr


def test_the_site_publishes_nothing_derived_from_an_amount(tmp_path: Path) -> None:
    root = leaky_content(tmp_path / "content")
    out = tmp_path / "_site"
    built = run_traction("build", "--content", str(root), "--out", str(out))
    assert built.returncode == 0, built.stderr
    leaks = {str(path.relative_to(out)): found(path.read_text("utf-8", "replace"))
             for path in sorted(out.rglob("*")) if path.is_file()}
    assert {path: hits for path, hits in leaks.items() if hits} == {}


@pytest.fixture
def leaky_repo(tmp_path: Path) -> Path:
    """A repository whose base has the first week without the customer; HEAD adds it."""
    repo = new_repo(tmp_path / "repo")
    cfg: dict[str, Any] = config(custom_ladders=MRR_LADDER, ladders=LADDERS)
    write_content(repo / "content", config=cfg, weeks=Log().calls(w(9), 1).weeks())
    commit(repo, "base")
    write_content(repo / "content", config=cfg,
                  weeks={**Log().calls(w(9), 1).weeks(), **leaky_log().weeks()})
    commit(repo, "head")
    return repo


@pytest.mark.parametrize("fmt", ["markdown", "json", "text"])
def test_diff_publishes_nothing_derived_from_an_amount(leaky_repo: Path, fmt: str) -> None:
    result = diff(leaky_repo, "HEAD~1", "HEAD", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert found(result.stdout) == []
    assert "10k MRR" in result.stdout or "ten-k-mrr" in result.stdout


# --- week rows: the output grows with the weeks logged -------------------------------------


def _week(number: int, *, logged: bool = False, calls: int = 0, paying: int = 0,
          in_progress: bool = False) -> WeekStats:
    return WeekStats(week=f"2026-W{number:02d}",
                     monday=datetime.date.fromisocalendar(2026, number, 1), sales_calls=calls,
                     sqls=0, won=0, lost=0, paying_customers=paying, hell_yes_customers=0,
                     close_rate=None, decided=0, subscribers=None, in_progress=in_progress,
                     logged=logged)


def _rows(weeks: list[WeekStats]) -> list[tuple[str, str | None]]:
    return [(row.week, row.through) for row in week_rows(tuple(weeks))]


def test_a_run_of_quiet_weeks_is_one_row() -> None:
    weeks = [_week(1, logged=True), *(_week(n) for n in range(2, 30)), _week(30, logged=True)]
    assert _rows(weeks) == [("2026-W01", None), ("2026-W02", "2026-W29"), ("2026-W30", None)]


def test_a_single_quiet_week_stays_a_week() -> None:
    weeks = [_week(1, logged=True), _week(2), _week(3, logged=True)]
    assert _rows(weeks) == [("2026-W01", None), ("2026-W02", None), ("2026-W03", None)]


def test_a_run_breaks_where_a_number_changes() -> None:
    """A late entry dated inside a gap moves the numbers: the weeks after it are a new run,
    so nothing is lost."""
    weeks = [_week(1, logged=True), _week(2), _week(3), _week(4, calls=2), _week(5, paying=1),
             _week(6, paying=1), _week(7, paying=1)]
    assert _rows(weeks) == [("2026-W01", None), ("2026-W02", "2026-W03"), ("2026-W04", None),
                            ("2026-W05", "2026-W07")]


def test_logged_weeks_and_the_week_in_progress_are_never_folded() -> None:
    weeks = [_week(1, logged=True), _week(2, logged=True), _week(3), _week(4, in_progress=True)]
    assert _rows(weeks) == [("2026-W01", None), ("2026-W02", None), ("2026-W03", None),
                            ("2026-W04", None)]
