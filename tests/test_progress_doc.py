"""The progress document (`progress.json`, schema traction/progress@1): shape, numbers, privacy."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from builders import Log, analysed, day, evaluate_log, w
from conftest import DEMO

from generator.pipeline import analyse
from generator.public.boundary import public_progress
from generator.public.progress_doc import SCHEMA_ID, dumps, number, progress_document

TOP_KEYS = ["schema", "url", "as_of", "commit", "latest_week", "week_in_progress", "company",
            "stage", "current_goal", "ladders", "weeks"]
LADDER_KEYS = ["id", "title", "summary", "milestones"]
MILESTONE_KEYS = ["id", "number", "title", "summary", "url", "status", "achieved_on", "since",
                  "progress", "measures", "details", "history", "first_logged"]
MEASURE_KEYS = ["name", "label", "value", "target", "comparison", "met", "progress", "kind",
                "hidden"]
HISTORY_KEYS = ["date", "status"]
WEEK_KEYS = ["week", "sales_calls", "sqls", "won", "lost", "paying_customers",
             "hell_yes_customers", "close_rate", "subscribers", "url"]


def document(root: Path, log: Log, **overrides: Any) -> dict[str, Any]:
    progress = evaluate_log(root, log, **overrides)
    analysis = analyse(root)
    config = analysis.content.config
    assert config is not None
    return progress_document(public_progress(progress, config))


def text_of(root: Path) -> str:
    analysis = analyse(root)
    config = analysis.content.config
    assert analysis.progress is not None and config is not None
    return dumps(progress_document(public_progress(analysis.progress, config)))


def sample_log() -> Log:
    log = Log().calls(w(10), 5).calls(w(11), 3)
    log.deal("a", day(w(10), 1), "won", day(w(10), 2))
    log.deal("b", day(w(10), 1), "lost", day(w(10), 3))
    log.deal("c", day(w(10), 1), "lost", day(w(11), 3))
    log.event("a", "paid", day(w(10), 4), amount=1234, interval="month")
    log.event("a", "hell-yes", day(w(11), 2), note="loves it")
    log.signal(day(w(10), 2), "question").subscribers(w(11), 77)
    return log


# --- shape -----------------------------------------------------------------------------------


def test_key_order_at_every_level(tmp_path: Path) -> None:
    text = dumps(document(tmp_path, sample_log(), ladders=["zero-to-one", "micro-traction"]))
    doc = json.loads(text, object_pairs_hook=lambda pairs: pairs)  # keep the written order

    def keys(pairs: list[tuple[str, Any]]) -> list[str]:
        return [k for k, _ in pairs]

    top = dict(doc)
    assert keys(doc) == TOP_KEYS
    assert keys(top["company"]) == ["name", "tagline"]
    assert len(top["ladders"]) == 2
    for ladder in top["ladders"]:
        assert keys(ladder) == LADDER_KEYS
        for milestone in dict(ladder)["milestones"]:
            assert keys(milestone) == MILESTONE_KEYS
            for measure in dict(milestone)["measures"]:
                assert keys(measure) == MEASURE_KEYS
            for transition in dict(milestone)["history"]:
                assert keys(transition) == HISTORY_KEYS
    assert len(top["weeks"]) == 2
    for week in top["weeks"]:
        assert keys(week) == WEEK_KEYS


def test_document_values(tmp_path: Path) -> None:
    doc = document(tmp_path, sample_log())
    assert doc["schema"] == SCHEMA_ID == "traction/progress@1"
    assert doc["as_of"] == "2026-03-15"
    assert doc["latest_week"] == "2026-W11"
    assert doc["company"] == {"name": "Acme Analytics", "tagline": "Churn analytics"}
    assert doc["stage"] == "traction"
    assert doc["current_goal"] == "weekly-sales-calls"
    first = doc["ladders"][0]["milestones"][1]
    assert first == {
        "id": "first-paying-customer", "number": 2, "title": "First paying customer",
        "summary": "One customer signed and paid.",
        "url": "https://acme.github.io/progress/milestones/first-paying-customer/",
        "status": "achieved", "achieved_on": "2026-03-05", "since": "2026-03-05",
        "progress": 1.0,
        "measures": [{"name": "paying_customers", "label": "paying customers", "value": 1,
                      "target": 1, "comparison": "at_least", "met": True, "progress": 1.0,
                      "kind": "count", "hidden": False}],
        "details": [],
        "history": [{"date": "2026-03-05", "status": "achieved"}],
        "first_logged": None,  # no git history read (tests/test_provenance.py reads one)
    }
    assert doc["commit"] is None
    assert doc["weeks"] == [
        {"week": "2026-W10", "sales_calls": 5, "sqls": 3, "won": 1, "lost": 1,
         "paying_customers": 1, "hell_yes_customers": 0, "close_rate": 0.5,
         "subscribers": None, "url": "https://acme.github.io/progress/weeks/2026-W10/"},
        {"week": "2026-W11", "sales_calls": 3, "sqls": 0, "won": 0, "lost": 1,
         "paying_customers": 1, "hell_yes_customers": 1, "close_rate": 0.3333,
         "subscribers": 77, "url": "https://acme.github.io/progress/weeks/2026-W11/"},
    ]
    assert doc["url"] == "https://acme.github.io/progress/"


def test_ratios_are_rounded_to_four_places(tmp_path: Path) -> None:
    doc = document(tmp_path, sample_log())
    close = doc["ladders"][0]["milestones"][5]
    assert close["id"] == "close-rate"
    assert close["measures"] == [
        {"name": "decided_sqls", "label": "decided qualified leads", "value": 3, "target": 31,
         "comparison": "at_least", "met": False, "progress": 0.0968, "kind": "count",
             "hidden": False},
        {"name": "close_rate", "label": "close rate", "value": 0.3333, "target": 0.3,
         "comparison": "at_least", "met": True, "progress": 1.0, "kind": "share",
             "hidden": False},
    ]
    assert close["progress"] == round((3 / 31 + 1) / 2, 4) == 0.5484  # the mean
    assert close["status"] == "in_progress"
    rate = doc["ladders"][0]["milestones"][4]
    assert rate["measures"][1]["value"] == 1  # 1 of 1 assessed: a whole number, as an int
    assert isinstance(rate["measures"][1]["value"], int)
    assert rate["progress"] == round((1 / 21 + 1) / 2, 4)


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), (0, 0), (7, 7), (Fraction(2, 3), 0.6667), (Fraction(1, 3), 0.3333),
    (Fraction(4, 2), 2), (Decimal("0.90"), 0.9), (Decimal("21"), 21), (Decimal("1500.00"), 1500),
    (Decimal("0.12344"), 0.1234), (Fraction(8999, 10000), 0.8999),
])
def test_number(value: Any, expected: Any) -> None:
    found = number(value)
    assert found == expected
    assert type(found) is type(expected)


def test_empty_log_document(tmp_path: Path) -> None:
    analysis = analysed(tmp_path, Log())
    assert analysis.progress is not None
    assert analysis.content.config is not None
    doc = progress_document(public_progress(analysis.progress, analysis.content.config))
    assert doc["as_of"] is None
    assert doc["latest_week"] is None
    assert doc["weeks"] == []
    assert doc["stage"] == "prototype"
    assert doc["current_goal"] == "weekly-sales-calls"
    assert {m["status"] for m in doc["ladders"][0]["milestones"]} == {"not_started"}


def test_current_goal_is_null_when_all_are_achieved(tmp_path: Path) -> None:
    custom = [{"id": "basics", "title": "Basics", "milestones": [
        {"id": "one-customer", "title": "One customer",
         "conditions": [{"metric": "paying_customers", "at_least": 1}]}]}]
    doc = document(tmp_path, sample_log(), custom_ladders=custom, ladders=["basics"])
    assert doc["current_goal"] is None
    assert '"current_goal": null' in dumps(doc)


# --- privacy ---------------------------------------------------------------------------------


def pipeline_log() -> Log:
    log = Log()
    for i in range(10):
        log.qualified(f"lead{i}", day(w(10), 2), source="cold-email")
    log.event("lead0", "won", day(w(11), 2)).event("lead1", "won", day(w(11), 3))
    log.event("lead0", "paid", day(w(11), 4), amount=2718, interval="month")
    return log.spend(w(10), "cold-email", 4321).spend(w(11), "cold-email", 4321)


SOURCES = {"cold-email": {"scalable": True, "max_cac": 5555}}
MRR_LADDER = [{"id": "money", "title": "Money", "milestones": [
    {"id": "some-mrr", "title": "Some MRR", "conditions": [{"metric": "mrr", "at_least": 999}]}]}]


def cost_per_win(doc: dict[str, Any]) -> dict[str, Any]:
    scalable = next(m for ladder in doc["ladders"] for m in ladder["milestones"]
                    if m["id"] == "scalable-pipeline")
    return next(x for x in scalable["measures"] if x["name"] == "cold-email: cost per win")


def test_amounts_are_hidden_by_default(tmp_path: Path) -> None:
    doc = document(tmp_path, pipeline_log(), sources=SOURCES, custom_ladders=MRR_LADDER,
                   ladders=["zero-to-one", "money"])
    assert cost_per_win(doc) == {"name": "cold-email: cost per win",
                                 "label": "cold-email: cost per win", "value": None,
                                 "target": None, "comparison": "at_most", "met": True,
                                 "progress": None, "kind": "money", "hidden": True}
    mrr = doc["ladders"][1]["milestones"][0]
    assert mrr["status"] == "achieved"
    assert (mrr["measures"][0]["value"], mrr["measures"][0]["target"]) == (None, None)
    text = dumps(doc)
    for amount in ("4321", "8642", "5555", "2718", "999"):
        assert amount not in text


def test_amounts_are_shown_with_show_revenue(tmp_path: Path) -> None:
    doc = document(tmp_path, pipeline_log(), sources=SOURCES, custom_ladders=MRR_LADDER,
                   ladders=["zero-to-one", "money"], privacy={"show_revenue": True})
    assert (cost_per_win(doc)["value"], cost_per_win(doc)["target"]) == (4321, 5555)
    mrr = doc["ladders"][1]["milestones"][0]["measures"][0]
    assert (mrr["value"], mrr["target"]) == (2718, 999)


def test_private_fields_never_reach_the_document(tmp_path: Path) -> None:
    log = sample_log().call(day(w(11), 5), notes="secret pricing talk", account="a")
    text = dumps(document(tmp_path, log))
    for private in ("Jane Roe", "Globex", "secret pricing", "loves it", "1234"):
        assert private not in text


# --- bytes --------------------------------------------------------------------------------


def test_same_bytes_twice(tmp_path: Path) -> None:
    root = tmp_path / "content"
    evaluate_log(root, sample_log(), ladders=["zero-to-one", "micro-traction"])
    first = text_of(root)
    assert first == text_of(root)
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(root, copy)
    assert text_of(copy) == first


def test_dumps_form(tmp_path: Path) -> None:
    doc = document(tmp_path, sample_log(), company={"name": "Zürich Ünits", "tagline": "—"})
    text = dumps(doc)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "schema": "traction/progress@1",\n'
                           '  "url": "https://acme.github.io/progress/",\n'
                           '  "as_of": "2026-03-15",\n')
    assert '"name": "Zürich Ünits"' in text  # UTF-8, not \u escapes
    assert json.loads(text) == doc


def test_demo_document_tells_the_demo_story() -> None:
    analysis = analyse(DEMO)
    assert analysis.ok and analysis.progress is not None
    doc = json.loads(text_of(DEMO))
    assert doc["current_goal"] == "five-hell-yes"
    statuses = {m["id"]: m["status"] for ladder in doc["ladders"] for m in ladder["milestones"]}
    assert [statuses[m] for m in ("weekly-sales-calls", "first-paying-customer",
                                  "five-paying-customers", "five-hell-yes")] == [
        "achieved", "achieved", "achieved", "in_progress"]
    assert [statuses[m] for m in ("first-subscriber-question", "first-product-sale",
                                  "first-services-inquiry")] == ["achieved"] * 3
    calls = doc["ladders"][0]["milestones"][0]
    assert [t["status"] for t in calls["history"]] == ["achieved", "slipped", "achieved"]
    assert calls["achieved_on"] == calls["history"][0]["date"]
    # achieved again after a slip: `since` is the latest transition, not the first
    assert calls["since"] == calls["history"][-1]["date"] != calls["achieved_on"]
    assert calls["url"] == "https://baywise-hq.github.io/progress/milestones/weekly-sales-calls/"
    assert doc["url"] == "https://baywise-hq.github.io/progress/"
    assert len(doc["weeks"]) >= 30
    # only a week with a log file has a page, so only such a row links one
    for row in doc["weeks"]:
        if "url" in row:
            assert row["url"] == f"https://baywise-hq.github.io/progress/weeks/{row['week']}/"
    logged = {p.stem for p in (DEMO / "weeks").glob("*.yaml")}
    assert {r["week"] for r in doc["weeks"] if "url" in r} == logged
    not_achieved = [m for ladder in doc["ladders"] for m in ladder["milestones"]
                    if m["status"] != "achieved"]
    assert not_achieved and all(m["since"] is None for m in not_achieved)


def test_urls_follow_an_absolute_base_url(tmp_path: Path) -> None:
    """A build for another host (`--base-url https://...`) publishes that host's URLs."""
    evaluate_log(tmp_path, sample_log())
    analysis = analyse(tmp_path)
    assert analysis.progress is not None and analysis.content.config is not None
    doc = progress_document(public_progress(analysis.progress, analysis.content.config),
                            "https://example.org/x")
    assert doc["url"] == "https://example.org/x/"
    assert doc["weeks"][0]["url"] == "https://example.org/x/weeks/2026-W10/"
    assert doc["ladders"][0]["milestones"][0]["url"].startswith(
        "https://example.org/x/milestones/")


def test_since_is_the_latest_time_it_became_achieved(tmp_path: Path) -> None:
    """Five calls in four weeks, a slip, then back: `achieved_on` stays the first day,
    `since` is the day it came back; after a slip `since` is null."""
    log = Log()
    for week in range(10, 14):
        log.calls(w(week), 5)
    log.calls(w(15), 5)  # w14 has none: slipped; 15 and on: back after four more weeks
    for week in range(16, 19):
        log.calls(w(week), 5)
    doc = document(tmp_path, log)
    calls = next(m for ladder in doc["ladders"] for m in ladder["milestones"]
                 if m["id"] == "weekly-sales-calls")
    statuses = [t["status"] for t in calls["history"]]
    assert statuses[:2] == ["achieved", "slipped"]
    assert calls["status"] == "achieved" and statuses == ["achieved", "slipped", "achieved"]
    assert calls["since"] == calls["history"][-1]["date"] > calls["achieved_on"]
    assert calls["achieved_on"] == calls["history"][0]["date"]


def test_since_is_null_once_it_slipped(tmp_path: Path) -> None:
    log = Log()
    for week in range(10, 14):
        log.calls(w(week), 5)
    log.calls(w(15), 1)  # w14 had none: slipped, and not back yet
    doc = document(tmp_path, log)
    calls = next(m for ladder in doc["ladders"] for m in ladder["milestones"]
                 if m["id"] == "weekly-sales-calls")
    assert calls["status"] == "slipped"
    assert calls["achieved_on"] is not None and calls["since"] is None
