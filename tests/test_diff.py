"""`traction diff BASE [HEAD]` through the real command, against throwaway git repositories.

The scenario: a base commit with four weeks of five sales calls (the streak
milestone is reached) and a qualified lead; a head commit that adds week 14
(the lead wins and pays: the first paying customer) and week 15 (two calls: the
streak slips).
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_CONFIG, ROOT, run_traction, write_content
from gitrepo import commit, git, new_repo

from generator.isoweek import IsoWeek

MARKER = "<!-- traction-diff -->"
PRIVATE = ("Jane PRIVATE-WITH-7f3a", "PRIVATE-NOTE-91bc", "987654", "PRIVATE-ACCOUNT-NOTE-c0de")
EVIL = ("@octocat <script>alert(1)</script> | ![x](https://evil.example/x.png) "
        "[a](www.evil.example) #1")


# --- building repositories ---------------------------------------------------------------


def day(label: str, weekday: int) -> datetime.date:
    year, week = label.split("-W")
    return datetime.date.fromisocalendar(int(year), int(week), weekday)


def week(label: str, calls: int, *accounts: dict[str, Any]) -> dict[str, Any]:
    return {
        "week": label,
        "summary": f"Week {label}.",
        "calls": [{"date": day(label, 1 + i % 5), "with": PRIVATE[0], "type": "discovery",
                   "status": "held", "notes": PRIVATE[1]} for i in range(calls)],
        "accounts": list(accounts),
    }


def event(kind: str, date: datetime.date, **fields: Any) -> dict[str, Any]:
    return {"id": "alpha", "event": kind, "date": date, **fields}


BASE_WEEKS = {
    "2026-W10": week("2026-W10", 5),
    "2026-W11": week("2026-W11", 5),
    "2026-W12": week("2026-W12", 5, event("qualified", day("2026-W12", 2), source="cold-email",
                                          owner="dana")),
    "2026-W13": week("2026-W13", 5),
}
HEAD_WEEKS = {
    **BASE_WEEKS,
    "2026-W14": week("2026-W14", 6, event("won", day("2026-W14", 2)),
                     event("paid", day("2026-W14", 3), amount=987654, interval="month",
                           note=PRIVATE[3])),
    "2026-W15": week("2026-W15", 2),
}


def scenario(root: Path, config: dict[str, Any] | None = None) -> Path:
    """The base and head commits of the module docstring; returns the repository."""
    repo = new_repo(root)
    write_content(repo / "content", config=config, weeks=BASE_WEEKS)
    commit(repo, "base", day("2026-W13", 7))
    write_content(repo / "content", config=config, weeks=HEAD_WEEKS)
    commit(repo, "head: weeks 14 and 15", day("2026-W15", 7))
    return repo


def diff(repo: Path, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return run_traction("diff", *args, cwd=repo, env={"PYTHONPATH": path, **(env or {})})


def epoch(day: datetime.date) -> str:
    """SOURCE_DATE_EPOCH of noon UTC on `day`."""
    return str(int(datetime.datetime.combine(day, datetime.time(12), datetime.UTC).timestamp()))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scenario(tmp_path_factory.mktemp("diff") / "repo")


def table_rows(markdown: str, first_header: str) -> list[str]:
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header}"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


# --- the scenario in every format -----------------------------------------------------------


def test_markdown(repo: Path) -> None:
    result = diff(repo, "HEAD~1", "HEAD", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    lines = out.splitlines()
    assert lines[0] == MARKER and out.count(MARKER) == 1
    assert lines[1] == "### Traction diff · Acme Analytics"
    assert lines[2] == ("**🎉 1 milestone reached · ⚠️ 1 slipped · 📈 3 moved · goal: "
                        "first-paying-customer → weekly-sales-calls · stage: prototype → "
                        "traction**")
    assert "HEAD\\~1 (`" in out and ": up to 2026-W13 → HEAD (`" in out
    rows = table_rows(out, "| Milestone")
    assert rows[0].startswith("| ⚠️ | 1. 5+ sales calls every week | achieved → **slipped** "
                              "(2026-04-12) | 100% → ")
    assert "weeks in a row with enough sales calls: 4 → 0 (target 4)" in rows[0]
    assert rows[1] == ("| 🎉 | 2. First paying customer | not started → **achieved** (2026-04-01) "
                       "| 0% → 100% | paying customers: 0 → 1 (target 1) |")
    weeks = table_rows(out, "Week")
    assert weeks == [
        "| 2026-W14 (new) | 6 (+1) | 0 (±0) | 1 (+1) | 0 (±0) | 1 (+1) | 0 (±0) |",
        "| 2026-W15 (new) | 2 (-4) | 0 (±0) | 0 (-1) | 0 (±0) | 1 (±0) | 0 (±0) |",
    ]
    assert lines[-1] == "**Check**: ✅ no errors"


def test_json(repo: Path) -> None:
    result = diff(repo, "HEAD~1", "HEAD", "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc) == ["schema", "ok", "company", "base", "head", "stage", "current_goal",
                         "counts", "milestones", "weeks", "removed_weeks", "backdated",
                         "problems"]
    assert doc["schema"] == "traction/diff@1" and doc["ok"] is True
    head_sha = git(repo, "rev-parse", "HEAD").strip()
    assert doc["head"] == {"rev": "HEAD", "commit": head_sha, "content": "ok",
                           "as_of": "2026-04-12", "latest_week": "2026-W15"}
    assert doc["base"]["latest_week"] == "2026-W13" and doc["base"]["content"] == "ok"
    assert doc["stage"] == {"before": "prototype", "after": "traction"}
    assert doc["current_goal"]["before"]["id"] == "first-paying-customer"
    assert doc["current_goal"]["after"] == {"id": "weekly-sales-calls",
                                            "title": "5+ sales calls every week"}
    assert doc["counts"] == {"achieved": 1, "recovered": 0, "slipped": 1, "lost": 0, "moved": 3,
                             "added": 0, "removed": 0, "new_weeks": 2, "changed_weeks": 0,
                             "errors": 0, "warnings": 0}
    slipped, achieved, *moved = doc["milestones"]
    assert [(m["id"], m["change"]) for m in moved] == [
        ("five-paying-customers", "moved"), ("close-rate", "moved"),
        ("scalable-pipeline", "moved")]
    assert (slipped["id"], slipped["change"], slipped["date"]) == (
        "weekly-sales-calls", "slipped", "2026-04-12")
    assert achieved == {
        "ladder": "zero-to-one", "ladder_title": "Zero to one", "id": "first-paying-customer",
        "number": 2,
        "title": "First paying customer", "change": "achieved", "date": "2026-04-01",
        "status": {"before": "not_started", "after": "achieved"},
        "progress": {"before": 0.0, "after": 1.0},
        "measures": [{"name": "paying_customers", "label": "paying customers", "before": 0,
                      "after": 1, "target": 1, "comparison": "at_least", "met": True,
                      "kind": "count", "hidden": False}],
    }
    # Every measure says what it is; a hidden one (an amount, private) holds no number.
    measures = [x for m in doc["milestones"] for x in m["measures"]]
    assert {x["kind"] for x in measures} == {"count", "share", "money", "streak"}
    hidden = [x for x in measures if x["hidden"]]  # the scalable source's cost per win
    assert hidden and all(x["kind"] == "money" and x["before"] is x["after"] is x["target"] is None
                          for x in hidden)
    w14, w15 = doc["weeks"]
    assert w14 == {
        "week": "2026-W14", "change": "new",
        "numbers": {"sales_calls": 6, "sqls": 0, "won": 1, "lost": 0, "paying_customers": 1,
                    "hell_yes_customers": 0},
        "previous": {"week": "2026-W13", "sales_calls": 5, "sqls": 0, "won": 0, "lost": 0,
                     "paying_customers": 0, "hell_yes_customers": 0},
        "before": None,
    }
    assert w15["previous"]["week"] == "2026-W14" and w15["numbers"]["sales_calls"] == 2
    assert doc["problems"] == [] and doc["removed_weeks"] == []


def test_text(repo: Path) -> None:
    result = diff(repo, "HEAD~1", "HEAD", "--format", "text")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Traction diff: Acme Analytics\n")
    assert "🎉 1 milestone reached · ⚠️ 1 slipped" in out
    assert re.search(r"slipped +1\. 5\+ sales calls every week: achieved → slipped \(2026-04-12\)",
                     out)
    assert re.search(r"achieved +2\. First paying customer: not started → achieved", out)
    assert ("2026-W14 new     Sales calls 6 (+1), SQLs 0 (±0), Won 1 (+1), Lost 0 (±0), "
            "Paying 1 (+1), Hell yes 0 (±0)") in out
    assert out.endswith("0 errors, 0 warnings\n")
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_no_changes_between_equal_revisions(repo: Path) -> None:
    result = diff(repo, "HEAD", "HEAD", "--format", "markdown")
    assert result.returncode == 0
    assert "**no milestone changes · goal: weekly-sales-calls**" in result.stdout
    assert "| Milestone" not in result.stdout and "| Week" not in result.stdout


def test_private_values_never_appear(repo: Path, tmp_path: Path) -> None:
    broken = scenario(tmp_path / "broken")
    bad = week("2026-W16", 1)
    bad["calls"][0]["status"] = "helld"  # an error on a call with private fields
    bad["accounts"] = [event("paid", day("2026-W16", 2), amount="987654 PRIVATE-NOTE-91bc")]
    write_content(broken / "content", weeks={**HEAD_WEEKS, "2026-W16": bad})
    commit(broken, "broken week")
    runs = [diff(r, "HEAD~1", "HEAD", "--format", fmt)
            for r in (repo, broken) for fmt in ("markdown", "json", "text")]
    assert [r.returncode for r in runs] == [0, 0, 0, 1, 1, 1]
    for run in runs:
        for secret in PRIVATE:
            assert secret not in run.stdout + run.stderr


# --- escaping and the length cap ------------------------------------------------------------


def test_content_is_escaped(tmp_path: Path) -> None:
    config = copy.deepcopy(BASE_CONFIG)
    config["company"]["name"] = EVIL
    config["ladders"] = ["zero-to-one", "mine"]
    config["custom_ladders"] = [{
        "id": "mine", "title": "Mine", "milestones": [{
            "id": "own_first", "title": f"{MARKER} | **x** `y` <img src=x onerror=alert(1)> "
                                        "@octocat/team a@b.example https://evil.example &lt;b&gt;",
            "conditions": [{"metric": "paying_customers", "at_least": 1}]}]}]
    repo = scenario(tmp_path / "evil", config)
    result = diff(repo, "HEAD~1", "HEAD")  # markdown is the default
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0] == MARKER and out.count(MARKER) == 1
    # The only tags are ours.
    assert set(re.findall(r"<[^>]*>", out)) <= {MARKER, "<sub>", "</sub>", "<br>"}
    assert "&lt;script&gt;" in out and "&amp;lt;b&amp;gt;" in out
    # No mentions, links, images, autolinks or issue references.
    assert not re.search(r"@[A-Za-z0-9]", out)
    assert "@\u200doctocat" in out
    for link in ("](", "![", "https://", "www.", "#1"):
        assert link not in out
    assert "\\*\\*x\\*\\* \\`y\\`" in out
    [row] = [line for line in table_rows(out, "| Milestone") if "own" in line or "img" in line]
    assert len(re.findall(r"(?<!\\)\|", row)) == 6  # five cells, however many pipes the title has
    assert row.startswith("| 🎉 | Mine · 1. &lt;\\!-- traction-diff --&gt; \\| ")


def test_markdown_is_capped(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "long")
    (repo / "README.md").write_text("no content yet\n", "utf-8")
    commit(repo, "base without content")
    # Sixteen years of weekly logs, one week missing (a warning): 829 new weeks.
    first = IsoWeek.parse("2014-W01").index
    labels = [IsoWeek.from_index(first + i).label for i in range(830) if i != 400]
    write_content(repo / "content", weeks={label: week(label, 1) for label in labels})
    commit(repo, "a long log")
    result = diff(repo, "HEAD~1", "HEAD")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert 55_000 < len(out.encode()) <= 60_000
    assert out.startswith(MARKER + "\n")
    assert re.search(r"\| … truncated: \d+ more not shown \(too long for a comment\) \|", out)
    assert "**Check**: ✅ no errors · 1 warning" in out  # the check survives the cut
    full = json.loads(diff(repo, "HEAD~1", "HEAD", "--format", "json").stdout)
    assert full["counts"]["new_weeks"] == len(full["weeks"]) == 829


def test_a_milestone_the_change_undoes_is_lost_not_moved(tmp_path: Path) -> None:
    """Rewriting the log so a reached milestone was never reached is not progress."""
    repo = new_repo(tmp_path / "undo")
    write_content(repo / "content", weeks=HEAD_WEEKS)
    commit(repo, "paying customer")
    undone = copy.deepcopy(HEAD_WEEKS)
    undone["2026-W14"]["accounts"] = []  # the won and paid events are taken back
    write_content(repo / "content", weeks=undone)
    commit(repo, "take the customer back")
    doc = json.loads(diff(repo, "HEAD~1", "HEAD", "--format", "json").stdout)
    [lost] = [m for m in doc["milestones"] if m["id"] == "first-paying-customer"]
    assert lost["change"] == "lost"
    assert lost["status"] == {"before": "achieved", "after": "not_started"}
    assert doc["counts"]["lost"] == 1 and doc["counts"]["achieved"] == 0
    out = diff(repo, "HEAD~1", "HEAD").stdout
    assert "🔻 1 lost" in out.splitlines()[2]
    assert "| 🔻 | 2. First paying customer | achieved → **not started** |" in out
    text = diff(repo, "HEAD~1", "HEAD", "--format", "text").stdout
    assert re.search(r"lost +2\. First paying customer: achieved → not started", text)


def test_changes_on_two_ladders_name_their_ladder(tmp_path: Path) -> None:
    config = copy.deepcopy(BASE_CONFIG)
    config["ladders"] = ["zero-to-one", "micro-traction"]
    repo = new_repo(tmp_path / "two")
    write_content(repo / "content", config=config, weeks=BASE_WEEKS)
    commit(repo, "base")
    weeks = copy.deepcopy(HEAD_WEEKS)
    weeks["2026-W15"]["list"] = {"events": [{"date": day("2026-W15", 2), "type": "question"}]}
    write_content(repo / "content", config=config, weeks=weeks)
    commit(repo, "head")
    out = diff(repo, "HEAD~1", "HEAD").stdout
    rows = table_rows(out, "| Milestone")
    assert any(r.startswith("| 🎉 | Zero to one · 2. First paying customer |") for r in rows)
    assert any(r.startswith("| 🎉 | Micro-traction · 1. First question from a subscriber |")
               for r in rows)


def test_no_content_on_either_side_has_no_goal(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "empty")
    (repo / "README.md").write_text("hello\n", "utf-8")
    commit(repo, "one")
    (repo / "README.md").write_text("hello again\n", "utf-8")
    commit(repo, "two")
    result = diff(repo, "HEAD~1", "HEAD")
    assert result.returncode == 0, result.stderr
    headline = result.stdout.splitlines()[2]
    assert headline == "**no milestone changes**"
    assert "all achieved" not in result.stdout


# --- sides: the working tree, missing content, errors -----------------------------------------


def test_head_defaults_to_the_working_tree(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "wt")
    write_content(repo / "content", weeks=BASE_WEEKS)
    commit(repo, "base")
    write_content(repo / "content", weeks=HEAD_WEEKS)  # not committed
    status_before = git(repo, "status", "--porcelain")
    index_before = (repo / ".git" / "index").read_bytes()

    # The working tree as of SOURCE_DATE_EPOCH, the base as of its commit date.
    result = diff(repo, "HEAD", "--format", "json",
                  env={"SOURCE_DATE_EPOCH": epoch(day("2026-W15", 7))})
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["head"]["rev"] is None and doc["head"]["commit"] is None
    assert doc["head"]["latest_week"] == "2026-W15"
    assert [m["change"] for m in doc["milestones"]] == ["slipped", "achieved", *["moved"] * 3]
    # Without --as-of the working tree is as of its latest day, Tuesday: week 15 is still in
    # progress, and 2 calls so far break no streak.
    doc = json.loads(diff(repo, "HEAD", "--format", "json").stdout)
    assert doc["head"]["as_of"] == "2026-04-07"
    assert [(m["id"], m["change"]) for m in doc["milestones"]][:2] == [
        ("first-paying-customer", "achieved"), ("five-paying-customers", "moved")]
    assert "→ the working tree: up to 2026-W15" in diff(repo, "HEAD").stdout
    # Comparing two commits sees neither the uncommitted weeks nor touches them.
    assert json.loads(diff(repo, "HEAD", "HEAD", "--format", "json").stdout)["weeks"] == []
    assert git(repo, "status", "--porcelain") == status_before
    assert (repo / ".git" / "index").read_bytes() == index_before


def test_content_missing_on_the_base_side(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "fresh")
    (repo / "README.md").write_text("hello\n", "utf-8")
    commit(repo, "no content yet")
    write_content(repo / "content", weeks=BASE_WEEKS)
    commit(repo, "first weeks")
    result = diff(repo, "HEAD~1", "HEAD", "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["base"]["content"] == "missing" and doc["base"]["latest_week"] is None
    assert doc["stage"] == {"before": "prototype", "after": "prototype"}
    [streak] = [m for m in doc["milestones"] if m["change"] == "achieved"]
    assert streak["id"] == "weekly-sales-calls"
    assert streak["status"]["before"] == "not_started"
    assert [w["week"] for w in doc["weeks"]] == list(BASE_WEEKS)
    markdown = diff(repo, "HEAD~1", "HEAD").stdout
    assert "_The base has no content: every milestone starts from not started._" in markdown
    assert "HEAD\\~1 (`" in markdown and ": no content → HEAD" in markdown


def test_head_with_errors_exits_1_and_lists_them(repo: Path, tmp_path: Path) -> None:
    broken = scenario(tmp_path / "broken")
    bad = week("2026-W16", 5)
    bad["calls"][0]["type"] = "sales-call"
    bad["calls"][3]["status"] = "done"
    write_content(broken / "content", weeks={**HEAD_WEEKS, "2026-W16": bad})
    commit(broken, "broken week")
    result = diff(broken, "HEAD~1", "HEAD")
    assert result.returncode == 1
    out = result.stdout
    assert out.startswith(MARKER + "\n")
    assert "**❌ 2 errors**" in out
    assert "**Check**: ❌ **2 errors block this change**" in out
    errors = [line for line in out.splitlines()
              if line.startswith("- ❌ content/weeks/2026-W16.yaml:")]
    assert len(errors) == 2 and all(re.match(r"- ❌ \S+:\d+:\d+: error: ", e) for e in errors)
    assert "the content at HEAD has errors" in result.stderr
    doc = json.loads(diff(broken, "HEAD~1", "HEAD", "--format", "json").stdout)
    assert doc["ok"] is False and doc["head"]["content"] == "invalid"
    assert doc["milestones"] == [] and doc["counts"]["errors"] == 2
    assert {p["file"] for p in doc["problems"]} == {"content/weeks/2026-W16.yaml"}
    text = diff(broken, "HEAD~1", "HEAD", "--format", "text")
    assert text.returncode == 1 and "content/weeks/2026-W16.yaml:" in text.stdout
    # In the terminal, paths are from the working directory, as `check` prints them; the
    # comment and the JSON keep them from the repository's root.
    inside = run_traction("diff", "HEAD~1", "HEAD", "--format", "text",
                          cwd=broken / "content" / "weeks", env={"PYTHONPATH": str(ROOT)})
    assert "\n  ../weeks/2026-W16.yaml:" in inside.stdout, inside.stdout + inside.stderr


# --- git problems: one line, exit 2 -----------------------------------------------------------


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_not_a_git_repository(tmp_path: Path) -> None:
    write_content(tmp_path / "plain" / "content", weeks=BASE_WEEKS)
    message = one_line_error(diff(tmp_path / "plain", "HEAD"))
    assert message.startswith("✗ not a git repository: ")


def test_unknown_revision(repo: Path) -> None:
    assert one_line_error(diff(repo, "no-such-branch")) == (
        "✗ unknown revision 'no-such-branch'")
    assert one_line_error(diff(repo, "HEAD", "--format=json", "--", "-rf")) == (
        "✗ unknown revision '-rf'")


def test_shallow_clone_lacking_the_base(repo: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)],
                   check=True, capture_output=True)
    message = one_line_error(diff(shallow, "HEAD~1"))
    assert "'HEAD~1' is not in this shallow clone" in message
    assert "fetch-depth: 0" in message
    # What the clone does have still works.
    assert diff(shallow, "HEAD", "HEAD").returncode == 0


def test_a_gap_the_change_opens_is_not_a_thousand_new_weeks(tmp_path: Path) -> None:
    """Issue 10 §4: a log 20 years after the last one (inside max_span_years) added every
    quiet week between them to the diff, one row each. Only weeks that are logged or did
    something are listed, both ways."""
    repo = new_repo(tmp_path / "repo")
    write_content(repo / "content", weeks=BASE_WEEKS)
    commit(repo, "base", day("2026-W13", 7))
    write_content(repo / "content", weeks={**BASE_WEEKS, "2046-W10": week("2046-W10", 5)})
    commit(repo, "twenty years on", day("2046-W10", 7))
    forward = diff(repo, "HEAD~1", "HEAD", "--format", "json")
    assert forward.returncode == 0, forward.stderr
    doc = json.loads(forward.stdout)
    assert [(w["week"], w["change"]) for w in doc["weeks"]] == [("2046-W10", "new")]
    assert doc["counts"]["new_weeks"] == 1 and doc["removed_weeks"] == []
    backward = json.loads(diff(repo, "HEAD", "HEAD~1", "--format", "json").stdout)
    assert backward["weeks"] == [] and backward["removed_weeks"] == ["2046-W10"]
    markdown = diff(repo, "HEAD~1", "HEAD").stdout
    assert len(markdown) < 6_000 and "2030-W" not in markdown


def test_entries_the_change_backdates_are_listed(tmp_path: Path) -> None:
    """The head logs W15 and, in W12's file, a loss dated 26 days before the head's date;
    it also moves the qualification a week earlier. W15's own calls are on time."""
    repo = scenario(tmp_path / "repo")
    weeks = copy.deepcopy(HEAD_WEEKS)
    weeks["2026-W12"]["accounts"] += [
        {"id": "beta", "event": "qualified", "date": day("2026-W12", 3), "source": "cold-email",
         "owner": "dana"},
        {"id": "beta", "event": "lost", "date": day("2026-W12", 4), "note": PRIVATE[3]}]
    weeks["2026-W12"]["accounts"][0]["date"] = day("2026-W12", 1)
    write_content(repo / "content", weeks=weeks)
    commit(repo, "backdate", day("2026-W15", 7))
    doc = json.loads(diff(repo, "HEAD~1", "HEAD", "--format", "json").stdout)
    assert doc["head"]["as_of"] == "2026-04-12"
    assert doc["backdated"] == [
        {"what": "Customer 1: qualified", "date": "2026-03-16", "was": "2026-03-17",
         "days_before": 27},
        {"what": "Customer 2: qualified", "date": "2026-03-18", "was": None, "days_before": 25},
        {"what": "Customer 2: lost", "date": "2026-03-19", "was": None, "days_before": 24},
    ]
    markdown = diff(repo, "HEAD~1", "HEAD").stdout
    assert "**Logged late** · entries this change adds or re-dates" in markdown
    assert ("- Customer 1: qualified, moved to 2026-03-16 \\(was 2026-03-17\\): 27 days "
            "before the head's date") in markdown
    text = diff(repo, "HEAD~1", "HEAD", "--format", "text").stdout
    assert "Customer 2: lost, dated 2026-03-19: 24 days before the head's date" in text
    for out in (markdown, text, json.dumps(doc)):
        assert "beta" not in out and PRIVATE[3] not in out
    # the scenario's own change logs nothing late
    assert json.loads(diff(repo, "HEAD~2", "HEAD~1", "--format", "json").stdout)[
        "backdated"] == []
