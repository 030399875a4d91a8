"""`traction status` and `traction schema`, end to end through the real command in a subprocess."""

from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from builders import Log, config, day, w
from conftest import DEMO, ROOT, run_in_terminal, run_traction, write_content
from jsonschema import Draft202012Validator

from generator.model.analysis import AsOf
from generator.model.provenance import Provenance
from generator.pipeline import analyse
from generator.public.boundary import public_progress
from generator.public.progress_doc import dumps, progress_document
from generator.render.status_text import render

# --- status: text ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_text() -> str:
    result = run_traction("status", "--content", str(DEMO))
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_status_text_shows_the_current_goal_first(demo_text: str) -> None:
    lines = demo_text.splitlines()
    assert lines[0] == "Baywise — Dock appointment scheduling for regional warehouses"
    assert lines[1] == "Stage: traction · as of 2026-11-19 (2026-W47 in progress)"
    goal = lines.index("Current goal: 5 “hell yes” customers  (zero-to-one #4, in progress)")
    assert goal < lines.index("Zero to one") < lines.index("Micro-traction")
    assert lines[goal + 1] == "  hell-yes customers: 3 of 5"
    assert lines[goal + 2].endswith(" 60%")


def ladder_rows(text: str) -> list[tuple[str, str, str]]:
    """(mark, number and title, status) of every milestone line."""
    rows = re.findall(r"^  (\S) (\d\. .+?)\s{2,}(achieved|slipped|in progress|not started)",
                      text, re.MULTILINE)
    return [(mark, title.strip(), status) for mark, title, status in rows]


def test_status_text_shows_the_ladders(demo_text: str) -> None:
    rows = ladder_rows(demo_text)
    assert [(mark, status) for mark, _, status in rows] == [
        ("✓", "achieved"), ("✓", "achieved"), ("✓", "achieved"), ("▸", "in progress"),
        ("▸", "in progress"), ("▸", "in progress"), ("▸", "in progress"), ("▸", "in progress"),
        ("✓", "achieved"), ("✓", "achieved"), ("✓", "achieved"), ("▸", "in progress")]
    assert rows[0][1] == "1. 5+ sales calls every week"
    assert rows[7][1] == "8. Sales handed over to reps, metrics held"
    first = next(line for line in demo_text.splitlines() if "1. 5+ sales calls" in line)
    assert re.search(r"\(achieved \d{4}-\d\d-\d\d, slipped \d{4}-\d\d-\d\d, "
                     r"achieved \d{4}-\d\d-\d\d\)$", first)
    # Gated ratio milestones say how many they still need.
    assert "assessed customers: 7 of 21; hell-yes rate: 43% (needs 90%)" in demo_text
    assert "cost per win: met (amounts are private)" in demo_text


def test_status_text_of_a_small_log(content: Any) -> None:
    log = Log().calls(w(10), 5).paying("a", day(w(10), 2), "hell-yes")
    root = content(config=config(), weeks=log.weeks())
    result = run_traction("status", "--content", str(root))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Stage: traction · as of 2026-03-06 (2026-W10 in progress)" in text
    assert "Current goal: 5+ sales calls every week  (zero-to-one #1, in progress)" in text
    assert "weeks in a row with enough sales calls: 1 of 4" in text
    assert "✓ 2. First paying customer" in text
    assert "(achieved 2026-03-03)" in text
    assert "\x1b[" not in text  # no colour when not a terminal (and NO_COLOR is set)


def render_text(root: Path, as_of: datetime.date | None = None) -> str:
    analysis = analyse(root, as_of=AsOf(as_of, "--as-of") if as_of else None)
    cfg = analysis.content.config
    assert analysis.progress is not None and cfg is not None
    return render(public_progress(analysis.progress, cfg), lambda text, **style: text)


def test_status_text_shows_slips(content: Any) -> None:
    log = Log()
    for label in (w(10), w(11), w(12), w(13)):
        log.calls(label, 5)
    log.calls(w(14), 4)
    root = content(config=config(), weeks=log.weeks())
    text = render_text(root, day(w(14), 7))
    assert ("  ! 1. 5+ sales calls every week                      slipped  "
            "(achieved 2026-03-27, slipped 2026-04-05)") in text.splitlines()
    assert "Current goal: 5+ sales calls every week  (zero-to-one #1, slipped)" in text
    # Before that Sunday, week 14 is still in progress: its 4 calls so far break nothing.
    text = render_text(root)
    assert "Stage: prototype · as of 2026-04-02 (2026-W14 in progress)" in text
    assert ("  ✓ 1. 5+ sales calls every week                      achieved  "
            "(achieved 2026-03-27)") in text.splitlines()
    assert "       sales calls this week: 4 of 5 so far" in text.splitlines()


def test_status_text_when_every_milestone_is_achieved(content: Any) -> None:
    custom = [{"id": "basics", "title": "Basics", "milestones": [
        {"id": "one-customer", "title": "One customer",
         "conditions": [{"metric": "paying_customers", "at_least": 1}]}]}]
    log = Log().paying("a", day(w(10), 2))
    text = render_text(content(config=config(custom_ladders=custom, ladders=["basics"]),
                               weeks=log.weeks()))
    lines = text.splitlines()
    assert lines[3] == "Every milestone is achieved."
    assert "Current goal" not in text
    assert "  ✓ 1. One customer" in text


def test_status_text_never_prints_bidi_or_control_characters(content: Any) -> None:
    hostile = "Ev\u202eil\u2028line\u2066x\u2069"  # (C0 controls never pass the reader)
    custom = [{"id": "basics", "title": f"Basics {hostile}", "milestones": [
        {"id": "one-customer", "title": f"One {hostile}",
         "conditions": [{"metric": "paying_customers", "at_least": 2}]}]}]
    log = Log().paying("a", day(w(10), 2))
    root = content(config=config(custom_ladders=custom, ladders=["basics"],
                                 company={"name": f"Acme {hostile}", "tagline": hostile}),
                   weeks=log.weeks())
    result = run_traction("status", "--content", str(root))
    assert result.returncode == 0, result.stderr
    for raw in ["\u202e", "\u2028", "\u2066", "\u2069"]:
        assert raw not in result.stdout, repr(raw)
    assert "Acme Ev\\u202eil\\u2028line" in result.stdout  # shown escaped, like check does
    assert result.stdout.count("\n") == len(result.stdout.splitlines())


@pytest.mark.parametrize(("show", "expected"), [
    (False, "cold-email: cost per win: met (amounts are private)"),
    (True, "cold-email: cost per win: 1500 (at most 3000)"),
])
def test_status_text_amounts_follow_show_revenue(content: Any, show: bool,
                                                 expected: str) -> None:
    log = Log().spend(w(10), "cold-email", 3000)
    for i in range(4):
        log.deal(f"lead{i}", day(w(10), 1), "won" if i < 2 else "lost", day(w(10), 2),
                 source="cold-email")
    root = content(config=config(privacy={"show_revenue": show}), weeks=log.weeks())
    text = render_text(root)
    assert expected in text
    assert ("1500" in text) is show


def test_status_with_no_weekly_logs(content: Any) -> None:
    result = run_traction("status", "--content", str(content()))
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "Acme Analytics — Churn analytics",
        "No weekly logs yet: add weeks/YYYY-Www.yaml (`traction new week`)."]


# --- status: json ---------------------------------------------------------------------------


def expected_json(root: Path) -> str:
    """The document, with the provenance of the demo in this repository's history."""
    analysis = analyse(root, history=True)
    cfg = analysis.content.config
    assert analysis.progress is not None and cfg is not None
    found = analysis.provenance
    return dumps(progress_document(public_progress(
        analysis.progress, cfg, provenance=found if isinstance(found, Provenance) else None)))


def test_status_json_is_the_progress_document() -> None:
    result = run_traction("status", "--format", "json", "--content", str(DEMO))
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected_json(DEMO)
    doc = json.loads(result.stdout)
    assert doc["schema"] == "traction/progress@1"
    assert doc["current_goal"] == "five-hell-yes"


def test_status_json_has_the_published_urls(tmp_path: Path) -> None:
    """`status` builds no site: its URLs come from site.url, the same as the published
    progress.json of a build without --base-url (or with a preview's path only)."""
    result = run_traction("status", "--format", "json", "--content", str(DEMO))
    doc = json.loads(result.stdout)
    assert doc["url"] == "https://baywise-hq.github.io/progress/"
    assert doc["ladders"][0]["milestones"][0]["url"].startswith(doc["url"] + "milestones/")
    out = tmp_path / "site"
    built = run_traction("build", "--content", str(DEMO), "--out", str(out), "--base-url", "/")
    assert built.returncode == 0, built.stderr
    assert (out / "progress.json").read_text("utf-8") == result.stdout


def test_status_json_is_stable_across_runs_and_hash_seeds() -> None:
    outputs = {run_traction("status", "--format", "json", "--content", str(DEMO),
                            env={"PYTHONHASHSEED": seed}).stdout
               for seed in ("0", "1", "4242", "random")}
    outputs.add(run_traction("status", "--format", "json", "--content", str(DEMO)).stdout)
    assert len(outputs) == 1
    assert outputs.pop().startswith("{\n")


def test_status_json_default_content_dir(tmp_path: Path) -> None:
    log = Log().calls(w(10), 2)
    write_content(tmp_path / "content", config=config(), weeks=log.weeks())
    result = run_traction("status", "--format", "json", cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT)})  # works installed or not
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected_json(tmp_path / "content")


# --- status: errors -------------------------------------------------------------------------


BAD_WEEK = """\
week: 2026-W10
accounts:
  - {id: initech, event: qualified, date: 2026-03-02}
  - {id: globex, event: won, date: 2026-03-03}
"""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_status_exits_1_with_problems_on_stderr(content: Any, fmt: str) -> None:
    root = content(weeks={"2026-W10": BAD_WEEK})
    result = run_traction("status", "--format", fmt, cwd=root.parent,
                          env={"PYTHONPATH": str(ROOT)})  # finds ./content
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "content/weeks/2026-W10.yaml:4:25: error: account Customer 2: 'won' without "
        "'qualified' before it",
        "  hint: add a qualified event for this account on or before 2026-03-03",
        "✗ fix the errors above first (`traction check`)",
    ]


def test_status_reports_every_problem_sorted(content: Any) -> None:
    bad_config = config(ladders=["zero-to-on"])
    root = content(config=bad_config, weeks={"2026-W10": BAD_WEEK})
    result = run_traction("status", "--content", str(root))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [e.split(": error: ")[0].split(":")[0] for e in errors] == [
        f"{root}/traction.yaml", f"{root}/weeks/2026-W10.yaml"]
    assert "unknown ladder 'zero-to-on'" in errors[0]
    assert "did you mean 'zero-to-one'?" in result.stderr


def test_status_on_a_missing_content_dir_is_a_usage_error(tmp_path: Path) -> None:
    result = run_traction("status", "--content", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"✗ content directory not found: {tmp_path / 'nowhere'}")


def test_warnings_do_not_stop_status(content: Any) -> None:
    log = Log().calls(w(10), 1).calls(w(12), 1)  # W11 missing: a warning
    root = content(config=config(), weeks=log.weeks())
    result = run_traction("status", "--format", "json", "--content", str(root))
    assert result.returncode == 0
    assert "warning: no log for 2026-W11" in result.stderr
    assert json.loads(result.stdout)["weeks"][1] == {
        "week": "2026-W11", "sales_calls": 0, "sqls": 0, "won": 0, "lost": 0,
        "paying_customers": 0, "hell_yes_customers": 0, "close_rate": None, "subscribers": None}


# --- schema ---------------------------------------------------------------------------------


def schema_output(which: str) -> Any:
    result = run_traction("schema", which)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    return {"config": schema_output("config"), "week": schema_output("week"),
            "all": schema_output("all")}


def plain(data: Any) -> Any:
    """YAML as JSON would carry it: dates as ISO strings."""
    if isinstance(data, dict):
        return {key: plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [plain(item) for item in data]
    if isinstance(data, datetime.date):
        return data.isoformat()
    return data


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_schemas_are_valid_json_schemas(schemas: dict[str, Any]) -> None:
    assert schemas["all"] == {"traction.yaml": schemas["config"], "week": schemas["week"]}
    for name in ("config", "week"):
        assert schemas[name]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schemas[name])


def test_demo_config_validates(schemas: dict[str, Any]) -> None:
    data = plain(yaml.safe_load((DEMO / "traction.yaml").read_text("utf-8")))
    assert list(validator(schemas["config"]).iter_errors(data)) == []


def test_demo_weeks_validate(schemas: dict[str, Any]) -> None:
    check = validator(schemas["week"])
    files = sorted((DEMO / "weeks").glob("*.yaml"))
    assert len(files) >= 30
    for path in files:
        data = plain(yaml.safe_load(path.read_text("utf-8")))
        assert [e.message for e in check.iter_errors(data)] == [], path.name


@pytest.mark.parametrize(("week", "bad"), [
    ({"week": "2026-W10", "cals": []}, "cals"),
    ({"week": "2026-W10", "accounts": [{"id": "a", "event": "signed", "date": "2026-03-02"}]},
     "signed"),
    ({"week": "2026-W10", "calls": [{"date": "2026-03-02", "status": "maybe"}]}, "maybe"),
    ({"summary": "no week"}, "week"),
])
def test_week_schema_rejects_mistakes(schemas: dict[str, Any], week: dict[str, Any],
                                      bad: str) -> None:
    errors = [e.message for e in validator(schemas["week"]).iter_errors(week)]
    assert errors
    assert any(bad in message for message in errors)


def test_config_schema_rejects_unknown_keys(schemas: dict[str, Any]) -> None:
    data = {**config(), "ladder": ["zero-to-one"]}
    errors = [e.message for e in validator(schemas["config"]).iter_errors(data)]
    assert any("'ladder'" in message for message in errors)
    assert list(validator(schemas["config"]).iter_errors(config())) == []


# --- as of (SPEC §4) --------------------------------------------------------------------------


def week_in_progress_content(content: Any) -> Path:
    """Four weeks of five calls, then two calls on Monday and Tuesday of week 14."""
    log = Log()
    for label in (w(10), w(11), w(12), w(13)):
        log.calls(label, 5)
    return content(config=config(), weeks=log.calls(w(14), 2).weeks())


def test_status_shows_the_week_in_progress(content: Any) -> None:
    root = week_in_progress_content(content)
    result = run_traction("status", "--content", str(root))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "Stage: prototype · as of 2026-03-31 (2026-W14 in progress)"
    assert "       sales calls this week: 2 of 5 so far" in lines
    doc = json.loads(run_traction("status", "--format", "json", "--content", str(root)).stdout)
    assert (doc["as_of"], doc["week_in_progress"]) == ("2026-03-31", "2026-W14")
    assert doc["weeks"][-1]["week"] == "2026-W14" and doc["weeks"][-1]["sales_calls"] == 2


@pytest.mark.parametrize(("args", "env"), [
    (["--as-of", "2026-04-05"], {}),
    ([], {"SOURCE_DATE_EPOCH": "1775390400"}),  # 2026-04-05 12:00 UTC
])
def test_as_of_a_later_date_ends_the_week(content: Any, args: list[str],
                                          env: dict[str, str]) -> None:
    root = week_in_progress_content(content)
    result = run_traction("status", "--format", "json", "--content", str(root), *args, env=env)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["as_of"], doc["week_in_progress"]) == ("2026-04-05", None)
    calls = doc["ladders"][0]["milestones"][0]
    assert calls["status"] == "slipped" and calls["history"][-1]["date"] == "2026-04-05"


def test_as_of_before_the_latest_entry_is_one_error(content: Any) -> None:
    root = week_in_progress_content(content)
    result = run_traction("status", "--content", str(root), "--as-of", "2026-03-30")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"{root}/weeks/2026-W14.yaml:6:9: error: --as-of 2026-03-30 is before this entry "
        "(2026-03-31), the latest the log mentions")
    # build and check refuse it the same way; a failed build writes nothing.
    out = root.parent / "_site"
    assert run_traction("build", "--content", str(root), "--out", str(out),
                        "--as-of", "2026-03-30").returncode == 1
    assert not out.exists()
    assert run_traction("check", "--content", str(root), "--as-of", "2026-03-30").returncode == 1


@pytest.mark.parametrize(("args", "env", "code", "message"), [
    (["--as-of", "30/03/2026"], {}, 2, "Invalid value for '--as-of'"),
    ([], {"SOURCE_DATE_EPOCH": "last tuesday"}, 2,
     "✗ SOURCE_DATE_EPOCH='last tuesday' is not a time in seconds since 1970"),
])
def test_a_malformed_as_of_is_refused(content: Any, args: list[str], env: dict[str, str],
                                      code: int, message: str) -> None:
    root = week_in_progress_content(content)
    result = run_traction("status", "--content", str(root), *args, env=env)
    assert result.returncode == code and message in result.stderr
    assert "Traceback" not in result.stderr


# --- the width of the terminal -------------------------------------------------------------

MILESTONE_LINE = re.compile(r"  [✓!▸·] \d+\. ")


def test_status_wraps_to_columns_with_hanging_indentation() -> None:
    whole = run_traction("status", "--content", str(DEMO)).stdout
    assert max(map(len, whole.splitlines())) > 100, "piped, each line is whole"
    for columns in (40, 60, 80):
        text = run_traction("status", "--content", str(DEMO),
                            env={"COLUMNS": str(columns)}).stdout
        lines = text.splitlines()
        assert max(map(len, lines)) <= columns
        assert text.split() == whole.split(), "the same words; only the breaks move"
        ladders = lines[lines.index("Zero to one") + 1:]
        for line in ladders:  # under a milestone, every line is indented under its title
            assert (not line or line in ("Micro-traction",) or MILESTONE_LINE.match(line)
                    or line.startswith(" " * 7)), line
    narrow = run_traction("status", "--content", str(DEMO), env={"COLUMNS": "5"}).stdout
    assert max(map(len, narrow.splitlines())) <= 30  # the narrowest it wraps to


def test_status_on_a_terminal_wraps_to_its_width(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    code, shown = run_in_terminal("status", "--content", str(DEMO), env={**env, "NO_COLOR": "1"},
                                  columns=64)
    assert code == 0
    lines = shown.replace("\r\n", "\n").splitlines()
    assert 50 < max(map(len, lines)) <= 64
    assert any(line.startswith("  ✓ 1. 5+ sales calls every week") for line in lines)
