"""Provenance from git history (source.history, model.provenance), on real repositories built
in tmp dirs with commits dated by the test: a late entry, an entry on time, a revised amount
and date, a move between week files, an uncommitted entry, a shallow clone, no repository."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_traction, write_content
from gitrepo import commit, git, new_repo

from generator.isoweek import IsoWeek
from generator.problems import Problems
from generator.source import history
from generator.source.history import History, NoHistory, dated_changes, read_history
from generator.source.loader import load
from generator.source.schema import WeekLog

FIRST_PAID = datetime.date(2026, 3, 4)  # W10's Wednesday: the first paying customer


def calls(label: str, first_day: int, n: int = 5) -> list[dict[str, Any]]:
    return [{"date": f"{label}-{first_day + i:02d}", "with": "Jane Roe, Globex"}
            for i in range(n)]


def w10(amount: int = 500, paid_on: str = "2026-03-04", note: str = "") -> dict[str, Any]:
    paid: dict[str, Any] = {"id": "acme", "event": "paid", "date": paid_on, "amount": amount,
                            "interval": "month"}
    if note:
        paid["note"] = note
    return {"week": "2026-W10", "summary": "Week ten.", "calls": calls("2026-03", 2),
            "accounts": [{"id": "acme", "event": "qualified", "date": "2026-03-02"},
                         {"id": "acme", "event": "won", "date": "2026-03-03"}, paid]}


def w11() -> dict[str, Any]:
    return {"week": "2026-W11", "summary": "Week eleven.", "calls": calls("2026-03", 9)}


def repo_with(tmp_path: Path, *steps: tuple[dict[str, dict[str, Any]], datetime.date],
              **config: Any) -> Path:
    """A repository whose content/ is committed once per step: (weeks, commit date)."""
    repo = new_repo(tmp_path / "repo")
    content = repo / "content"
    for weeks, when in steps:
        write_content(content, weeks=weeks, **config)
        for stale in set(p.stem for p in (content / "weeks").glob("*.yaml")) - set(weeks):
            (content / "weeks" / f"{stale}.yaml").unlink()
        commit(repo, f"log {sorted(weeks)}", when)
    return content


def build(content: Path, out: Path) -> tuple[dict[str, Any], str]:
    result = run_traction("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return json.loads((out / "progress.json").read_text("utf-8")), result.stderr


def milestone(doc: dict[str, Any], milestone_id: str) -> dict[str, Any]:
    return next(m for ladder in doc["ladders"] for m in ladder["milestones"]
                if m["id"] == milestone_id)


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def test_an_achievement_committed_late_says_so(tmp_path: Path) -> None:
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 30)))
    doc, _ = build(content, tmp_path / "site")
    first = milestone(doc, "first-paying-customer")
    assert first["achieved_on"] == "2026-03-04"
    assert first["first_logged"] == {"date": "2026-03-30", "commit": head(content.parent),
                                     "days_after": 26, "late": True}
    assert doc["commit"] == {"id": head(content.parent), "date": "2026-03-30"}
    page = (tmp_path / "site/milestones/first-paying-customer/index.html").read_text("utf-8")
    short = head(content.parent)[:7]
    assert ("<strong>Logged late:</strong> first logged <time datetime=\"2026-03-30\">30 Mar "
            f"2026</time>, in commit <code>{short}</code>, 26 days after the fact") in page
    home = (tmp_path / "site/index.html").read_text("utf-8")
    assert f"as of commit <code>{short}</code> of <time datetime=\"2026-03-30\">" in home
    assert f"as of commit <code>{short}</code>" in page


def test_an_achievement_committed_on_time_is_not_late(tmp_path: Path) -> None:
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 8)))
    doc, _ = build(content, tmp_path / "site")
    assert milestone(doc, "first-paying-customer")["first_logged"]["late"] is False
    assert milestone(doc, "first-paying-customer")["first_logged"]["days_after"] == 4
    page = (tmp_path / "site/milestones/first-paying-customer/index.html").read_text("utf-8")
    assert "Logged late" not in page and "First logged" in page


def test_the_threshold_is_configurable(tmp_path: Path) -> None:
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 8)))
    config = (content / "traction.yaml").read_text("utf-8")
    (content / "traction.yaml").write_text(config + "provenance: {late_after_days: 3}\n",
                                           "utf-8")
    doc, _ = build(content, tmp_path / "site")
    assert milestone(doc, "first-paying-customer")["first_logged"]["late"] is True


def test_it_rests_on_the_entries_its_metrics_read_committed_last(tmp_path: Path) -> None:
    """The payment is committed late (20 Apr); a call of the same day, later still (30 May),
    is not what the first paying customer rests on."""
    early = w10()
    early["accounts"] = early["accounts"][:2]
    extra_call = w10()
    extra_call["calls"].append({"date": "2026-03-04", "with": "Sam Lee"})
    content = repo_with(tmp_path, ({"2026-W10": early}, datetime.date(2026, 3, 6)),
                        ({"2026-W10": w10()}, datetime.date(2026, 4, 20)),
                        ({"2026-W10": extra_call}, datetime.date(2026, 5, 30)))
    doc, _ = build(content, tmp_path / "site")
    assert milestone(doc, "first-paying-customer")["first_logged"]["days_after"] == 47


def test_a_revised_amount_and_date_are_listed_with_both_commits(tmp_path: Path) -> None:
    content = repo_with(
        tmp_path, ({"2026-W10": w10(amount=444444)}, datetime.date(2026, 3, 5)),
        ({"2026-W10": w10(amount=555555, paid_on="2026-03-05")}, datetime.date(2026, 3, 20)))
    repo = content.parent
    first, second = git(repo, "rev-list", "--reverse", "HEAD").split()
    doc, _ = build(content, tmp_path / "site")
    # the payment keeps its first commit: revising it does not make it new
    assert milestone(doc, "first-paying-customer")["first_logged"]["date"] == "2026-03-05"
    numbers = (tmp_path / "site/numbers/index.html").read_text("utf-8")
    assert '<h2 id="revisions">Revisions</h2>' in numbers
    assert ("Customer 1: paid, <time datetime=\"2026-03-05\">5 Mar 2026</time></span>: "
            "date changed from 2026-03-04 to 2026-03-05; amount changed (private).") in numbers
    assert f"Commit <code>{first[:7]}</code>" in numbers
    assert f"changed in <code>{second[:7]}</code>" in numbers
    for amount in ("444444", "555555"):
        assert not any(amount in p.read_text("utf-8", "replace")
                       for p in (tmp_path / "site").rglob("*") if p.is_file())


def test_a_revised_amount_is_shown_when_revenue_is_public(tmp_path: Path) -> None:
    content = repo_with(tmp_path, ({"2026-W10": w10(amount=400)}, datetime.date(2026, 3, 5)),
                        ({"2026-W10": w10(amount=900)}, datetime.date(2026, 3, 20)))
    (content / "traction.yaml").write_text(
        (content / "traction.yaml").read_text("utf-8") + "privacy: {show_revenue: true}\n",
        "utf-8")
    build(content, tmp_path / "site")
    numbers = (tmp_path / "site/numbers/index.html").read_text("utf-8")
    assert "amount changed from 400 to 900." in numbers


def test_a_note_edited_later_is_no_revision(tmp_path: Path) -> None:
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 5)),
                        ({"2026-W10": w10(note="renewal talk")}, datetime.date(2026, 3, 20)))
    build(content, tmp_path / "site")
    assert "Revisions" not in (tmp_path / "site/numbers/index.html").read_text("utf-8")


def test_an_entry_moved_to_another_week_keeps_its_first_commit(tmp_path: Path) -> None:
    """Logged in W10's file on 5 Mar, then moved to W11's (a date fixed) on 20 Mar."""
    moved = w10()
    paid = moved["accounts"].pop()
    later = w11()
    later["accounts"] = [{**paid, "date": "2026-03-10"}]
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 5)),
                        ({"2026-W10": moved, "2026-W11": later}, datetime.date(2026, 3, 20)))
    problems = Problems()
    loaded = load(content, problems)
    history = read_history(content, loaded.weeks)
    assert isinstance(history, History)
    [entry] = [e for w in loaded.weeks for e in w.accounts if e.event == "paid"]
    origin = history.origin(entry)
    assert origin is not None
    assert origin.first.day == datetime.date(2026, 3, 5)
    [revision] = origin.revisions
    assert revision.fields == ("date",)
    assert (revision.before.day, revision.after.day) == (datetime.date(2026, 3, 5),
                                                         datetime.date(2026, 3, 20))


def test_an_uncommitted_entry_has_no_origin_yet(tmp_path: Path) -> None:
    early = w10()
    early["accounts"] = early["accounts"][:2]
    content = repo_with(tmp_path, ({"2026-W10": early}, datetime.date(2026, 3, 6)))
    write_content(content, weeks={"2026-W10": w10()})  # the payment, not committed
    doc, _ = build(content, tmp_path / "site")
    logged = milestone(doc, "first-paying-customer")["first_logged"]
    assert logged == {"date": None, "commit": None, "days_after": None, "late": False}
    page = (tmp_path / "site/milestones/first-paying-customer/index.html").read_text("utf-8")
    assert "Not committed yet" in page


def test_a_version_that_does_not_read_is_passed_over(tmp_path: Path) -> None:
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 5)))
    (content / "weeks/2026-W10.yaml").write_text("week: [unclosed\n", "utf-8")
    commit(content.parent, "broken", datetime.date(2026, 3, 6))
    write_content(content, weeks={"2026-W10": w10()})
    commit(content.parent, "fixed", datetime.date(2026, 3, 7))
    doc, _ = build(content, tmp_path / "site")
    assert milestone(doc, "first-paying-customer")["first_logged"]["date"] == "2026-03-05"


def test_content_in_a_sub_folder_of_the_repository(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    content = write_content(repo / "site" / "content", weeks={"2026-W10": w10()})
    commit(repo, "log", datetime.date(2026, 3, 31))
    doc, _ = build(content, tmp_path / "site")
    assert milestone(doc, "first-paying-customer")["first_logged"]["days_after"] == 27


def test_outside_a_repository_provenance_is_absent_and_nothing_fails(tmp_path: Path) -> None:
    content = write_content(tmp_path / "content", weeks={"2026-W10": w10()})
    doc, stderr = build(content, tmp_path / "site")
    assert doc["commit"] is None
    assert milestone(doc, "first-paying-customer")["first_logged"] is None
    assert stderr.count("no provenance") == 1
    assert "not in a git repository" in stderr
    assert "as of commit" not in (tmp_path / "site/index.html").read_text("utf-8")
    check = run_traction("check", "--strict", "--content", str(content))
    assert check.returncode == 0  # a line, not a warning


def test_a_shallow_clone_has_no_provenance(tmp_path: Path) -> None:
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 5)),
                        ({"2026-W10": w10(), "2026-W11": w11()}, datetime.date(2026, 3, 20)))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{content.parent}", str(clone))
    doc, stderr = build(clone / "content", tmp_path / "site")
    assert doc["commit"] is None
    assert "no provenance: a shallow clone" in stderr and "fetch-depth: 0" in stderr


def test_the_same_history_gives_the_same_bytes(tmp_path: Path) -> None:
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 5)),
                        ({"2026-W10": w10(amount=900)}, datetime.date(2026, 3, 20)))
    build(content, tmp_path / "one")
    build(content, tmp_path / "two")
    for path in (tmp_path / "one").rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "two" / path.relative_to(
                tmp_path / "one")).read_bytes(), path


def test_status_json_carries_the_same_provenance_as_progress_json(tmp_path: Path) -> None:
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 30)))
    doc, _ = build(content, tmp_path / "site")
    status = run_traction("status", "--format", "json", "--content", str(content))
    assert json.loads(status.stdout)["commit"] == doc["commit"]
    assert (milestone(json.loads(status.stdout), "first-paying-customer")["first_logged"]
            == milestone(doc, "first-paying-customer")["first_logged"])


def test_the_methodology_page_explains_the_history(tmp_path: Path) -> None:
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 5)))
    build(content, tmp_path / "site")
    page = (tmp_path / "site/methodology/index.html").read_text("utf-8")
    for words in ("Git dates can be forged", "signed", "public host", 'id="logged-late"',
                  "more than 14 days after"):
        assert words in page


@pytest.mark.parametrize("reason", ["not a repository"])
def test_read_history_outside_git_returns_a_reason(tmp_path: Path, reason: str) -> None:
    found = read_history(tmp_path, ())
    assert isinstance(found, NoHistory) and "not in a git repository" in found.reason


def test_a_failing_assertion_in_a_repository_stops_the_build(tmp_path: Path) -> None:
    """A founder pins two paying customers where the log holds one: the build fails at the
    assertion, and the site published before stays as it was."""
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 8)))
    build(content, tmp_path / "site")
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    pinned = {**w10(), "assert": [{"date": "2026-03-06", "paying_customers": 2}]}
    write_content(content, weeks={"2026-W10": pinned})
    commit(content.parent, "pin the bank's count", datetime.date(2026, 3, 9))
    result = run_traction("build", "--content", str(content), "--out", str(tmp_path / "site"))
    assert result.returncode == 1
    assert ("weeks/2026-W10.yaml:" in result.stderr and "paying customers at the end of "
            "2026-03-06: the log adds up to 1, this assertion says 2" in result.stderr)
    assert "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before


def origins(content: Path) -> dict[tuple[str, str], Any]:
    """(kind, date) of each list event and call → its origin, from the real history."""
    loaded = load(content, Problems())
    history = read_history(content, loaded.weeks)
    assert isinstance(history, History)
    found = {}
    for week in loaded.weeks:
        for call in week.calls:
            found[("call", call.date.isoformat())] = history.origin(call)
        for event in week.list_.events if week.list_ else ():
            found[(event.type, event.date.isoformat())] = history.origin(event)
    return found


def with_questions(*days: str) -> dict[str, Any]:
    return {**w11(), "list": {"events": [{"date": d, "type": "question"} for d in days]}}


def test_a_look_alike_inserted_before_an_entry_is_the_new_one(tmp_path: Path) -> None:
    """A question of 11 Mar is committed on 12 Mar; on 30 May one of 9 Mar is written above
    it: the new one is the 9 Mar question, and nothing was revised."""
    content = repo_with(tmp_path, ({"2026-W11": with_questions("2026-03-11")},
                                   datetime.date(2026, 3, 12)),
                        ({"2026-W11": with_questions("2026-03-09", "2026-03-11")},
                         datetime.date(2026, 5, 30)))
    found = origins(content)
    assert found[("question", "2026-03-11")].first.day == datetime.date(2026, 3, 12)
    assert found[("question", "2026-03-09")].first.day == datetime.date(2026, 5, 30)
    assert all(not o.revisions for o in found.values() if o is not None)


def test_correcting_private_text_keeps_an_entry_s_first_commit(tmp_path: Path) -> None:
    fixed = w11()
    fixed["calls"][0]["with"] = "Jane Roe, Globex Corp"
    content = repo_with(tmp_path, ({"2026-W11": w11()}, datetime.date(2026, 3, 14)),
                        ({"2026-W11": fixed}, datetime.date(2026, 6, 1)))
    found = origins(content)
    assert {o.first.day for o in found.values() if o is not None} == {datetime.date(2026, 3, 14)}
    assert all(not o.revisions for o in found.values() if o is not None)


def test_entries_moved_together_are_followed_the_same_way_every_run(tmp_path: Path) -> None:
    """Two look-alike questions, committed apart, move to the next week's file in one
    commit: each keeps its own first commit, whatever Python's hash seed."""
    content = repo_with(
        tmp_path, ({"2026-W11": with_questions("2026-03-10")}, datetime.date(2026, 3, 10)),
        ({"2026-W11": with_questions("2026-03-10", "2026-03-12")}, datetime.date(2026, 3, 20)),
        ({"2026-W11": w11(), "2026-W12": {"week": "2026-W12", "list": {"events": [
            {"date": "2026-03-16", "type": "question"},
            {"date": "2026-03-18", "type": "question"}]}}}, datetime.date(2026, 3, 25)))
    outputs = set()
    for seed in ("0", "1", "2", "3"):
        result = run_traction("status", "--format", "json", "--content", str(content),
                              env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1
    found = origins(content)
    assert found[("question", "2026-03-16")].first.day == datetime.date(2026, 3, 10)
    assert found[("question", "2026-03-18")].first.day == datetime.date(2026, 3, 20)


def test_a_change_adding_a_payment_between_two_is_one_added_entry(tmp_path: Path) -> None:
    """Monthly payments of January, February and April; the change adds March: one entry
    added, none moved (source.history.dated_changes, what `traction diff` reports)."""
    def paid(*days: str) -> dict[str, dict[str, Any]]:
        weeks: dict[str, dict[str, Any]] = {}
        for d in days:
            label = IsoWeek.of(datetime.date.fromisoformat(d)).label
            weeks.setdefault(label, {"week": label, "accounts": []})["accounts"].append(
                {"id": "initech", "event": "paid", "date": d, "amount": 100})
        first = weeks[min(weeks)]
        first["accounts"][:0] = [{"id": "initech", "event": "qualified", "date": "2026-01-02"},
                                 {"id": "initech", "event": "won", "date": "2026-01-02"}]
        return weeks

    before = load(write_content(tmp_path / "a", weeks=paid("2026-01-05", "2026-02-02",
                                                           "2026-04-01")), Problems())
    after = load(write_content(tmp_path / "b", weeks=paid("2026-01-05", "2026-02-02",
                                                          "2026-03-04", "2026-04-01")), Problems())
    [change] = dated_changes(before.weeks, after.weeks)
    assert (change.entry.date, change.was) == (datetime.date(2026, 3, 4), None)


def account(account_id: str, *events: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"id": account_id, "event": event, "date": day} for event, day in events]


def test_an_earlier_entry_backfilled_later_makes_an_achievement_late(tmp_path: Path) -> None:
    """With two customers needed: B pays on 6 Mar (committed 7 Mar); A paid on 25 Feb but is
    logged only on 30 Jun. Only from 30 Jun could anyone compute the milestone."""
    b = account("b", ("qualified", "2026-03-02"), ("won", "2026-03-03"), ("paid", "2026-03-06"))
    a = account("a", ("qualified", "2026-02-23"), ("won", "2026-02-24"), ("paid", "2026-02-25"))
    w09 = {"week": "2026-W09", "accounts": a}
    w10_b = {"week": "2026-W10", "accounts": b}
    content = repo_with(tmp_path, ({"2026-W10": w10_b}, datetime.date(2026, 3, 7)),
                        ({"2026-W09": w09, "2026-W10": w10_b}, datetime.date(2026, 6, 30)))
    config = (content / "traction.yaml").read_text("utf-8")
    (content / "traction.yaml").write_text(
        config + "milestones: {first-paying-customer: {customers: 2}}\n", "utf-8")
    doc, _ = build(content, tmp_path / "site")
    logged = milestone(doc, "first-paying-customer")
    assert logged["achieved_on"] == "2026-03-06"
    assert logged["first_logged"]["date"] == "2026-06-30"
    assert logged["first_logged"]["late"] is True


def test_an_unrelated_entry_of_the_same_day_logged_later_is_not_what_it_rests_on(
        tmp_path: Path) -> None:
    """The payment is committed on time; a lead of another account, of the same day, is
    added 45 days later: the first paying customer was still logged on time."""
    paid = {"week": "2026-W10", "accounts": account(
        "acme", ("qualified", "2026-03-02"), ("won", "2026-03-03"), ("paid", "2026-03-04"))}
    more = {"week": "2026-W10", "accounts": [*paid["accounts"], *account(
        "hooli", ("qualified", "2026-03-04"))]}
    content = repo_with(tmp_path, ({"2026-W10": paid}, datetime.date(2026, 3, 5)),
                        ({"2026-W10": more}, datetime.date(2026, 4, 18)))
    doc, _ = build(content, tmp_path / "site")
    logged = milestone(doc, "first-paying-customer")["first_logged"]
    assert (logged["date"], logged["late"]) == ("2026-03-05", False)


def test_a_content_path_git_quotes_is_read(tmp_path: Path) -> None:
    """A folder name with a quote and a tab: git prints the path C-quoted."""
    repo = new_repo(tmp_path / "repo")
    content = write_content(repo / 'the "log"\tfolder', weeks={"2026-W10": w10()})
    commit(repo, "log", datetime.date(2026, 3, 31))
    doc, _ = build(content, tmp_path / "site")
    assert milestone(doc, "first-paying-customer")["first_logged"]["days_after"] == 27


def test_an_earlier_entry_not_committed_yet_leaves_it_uncommitted(tmp_path: Path) -> None:
    """Two customers needed; B's payment is committed, A's earlier one only written."""
    b = account("b", ("qualified", "2026-03-02"), ("won", "2026-03-03"), ("paid", "2026-03-06"))
    a = account("a", ("qualified", "2026-02-23"), ("won", "2026-02-24"), ("paid", "2026-02-25"))
    content = repo_with(tmp_path, ({"2026-W10": {"week": "2026-W10", "accounts": b}},
                                   datetime.date(2026, 3, 7)))
    write_content(content, weeks={"2026-W09": {"week": "2026-W09", "accounts": a},
                                  "2026-W10": {"week": "2026-W10", "accounts": b}})
    config = (content / "traction.yaml").read_text("utf-8")
    (content / "traction.yaml").write_text(
        config + "milestones: {first-paying-customer: {customers: 2}}\n", "utf-8")
    doc, _ = build(content, tmp_path / "site")
    assert milestone(doc, "first-paying-customer")["first_logged"] == {
        "date": None, "commit": None, "days_after": None, "late": False}


def test_a_process_that_reads_again_sees_a_new_commit_and_an_edit(tmp_path: Path) -> None:
    """`traction serve` reads the history on every save: the entries followed up to a head
    are kept while that head is, and what it says is what a first read says."""
    content = repo_with(tmp_path, ({"2026-W10": w10()}, datetime.date(2026, 3, 8)))

    def read() -> History:
        loaded = load(content, Problems())
        found = read_history(content, loaded.weeks)
        assert isinstance(found, History)
        return found

    first = read()
    write_content(content, weeks={"2026-W10": w10(), "2026-W11": w11()})  # not committed
    edited = read()
    assert edited.head == first.head and len(edited.origins) == len(first.origins)
    commit(content.parent, "log W11", datetime.date(2026, 3, 20))
    committed = read()
    assert committed.head != first.head
    assert len(committed.origins) == len(first.origins) + len(w11()["calls"])
    assert {o.first.day for o in committed.origins.values()} == {
        datetime.date(2026, 3, 8), datetime.date(2026, 3, 20)}


def test_a_second_read_pairs_again_only_the_week_that_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The origins kept from the last read are those a first read finds, after an entry is
    put before the others in one week (every place below it moves), not committed."""
    content = repo_with(tmp_path, ({"2026-W10": w10(), "2026-W11": w11()},
                                   datetime.date(2026, 3, 20)))
    paired: list[str] = []
    real = history._week_origins

    def counted(week: WeekLog, states: Any) -> Any:
        paired.append(week.week)
        return real(week, states)

    monkeypatch.setattr(history, "_week_origins", counted)
    read_history(content, load(content, Problems()).weeks)
    assert paired == ["2026-W10", "2026-W11"]
    week = w10()
    week["calls"] = [{"date": "2026-03-02", "with": "Early", "type": "sales",
                      "status": "held"}, *week["calls"]]
    write_content(content, weeks={"2026-W10": week, "2026-W11": w11()})
    weeks = load(content, Problems()).weeks
    again = read_history(content, weeks)
    assert paired == ["2026-W10", "2026-W11", "2026-W10"]
    history._WEEK_ORIGINS.clear()
    history._FOLLOWED.clear()
    assert again == read_history(content, weeks)
    assert isinstance(again, History) and len(again.origins) == (
        len(w10()["calls"]) + len(w10()["accounts"]) + len(w11()["calls"]))
