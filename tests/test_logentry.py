"""tools.logentry: one entry goes to its week's file, keeping every other byte, and only
when the whole content stays valid."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import generator.tools.logentry as logentry
from generator.pipeline import analyse
from generator.tools.logentry import (
    account_event,
    call,
    known_ids,
    list_event,
    log,
    note,
    spend,
    week_file,
)
from generator.tools.scaffold import ScaffoldError, week_text

MONDAY = datetime.date(2026, 11, 16)  # 2026-W47
WEEK = """\
# my own header comment
week: 2026-W47
summary: |
  Two demos.

calls:
  - date: 2026-11-16    # Monday
    with: "Ann, Initech"
    type: demo

  # --- accounts ---
accounts:
  - {id: initech, event: qualified, date: 2026-11-16, source: cold-email, owner: dana}
spend: [{source: cold-email, amount: 10}]
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def folder(content: Callable[..., Path]) -> Path:
    return content(weeks={"2026-W47": WEEK})


def only_inserted(old: str, new: str) -> str:
    start = next(i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b)
    added = len(new) - len(old)
    assert new[:start] + new[start + added:] == old
    return new[start:start + added]


def test_the_week_is_the_iso_week_of_the_date() -> None:
    assert week_file(MONDAY) == "weeks/2026-W47.yaml"
    assert week_file(datetime.date(2027, 1, 3)) == "weeks/2026-W53.yaml"
    assert week_file(datetime.date(2027, 1, 4)) == "weeks/2027-W01.yaml"


def test_a_call_is_inserted_and_every_other_byte_stays(folder: Path) -> None:
    path = folder / "weeks/2026-W47.yaml"
    logged = log(folder, call(MONDAY + datetime.timedelta(days=1), with_="Bo: CTO, #2",
                              account="initech", type_="sales", notes='said "yes"'))
    assert logged.written and not logged.created and logged.problems == ()
    new = path.read_text("utf-8")
    assert only_inserted(WEEK, new) == (
        '  - date: 2026-11-17\n    with: "Bo: CTO, #2"\n    account: initech\n'
        '    type: sales\n    status: held\n    notes: "said \\"yes\\""\n')
    assert logged.line == new.splitlines().index("  - date: 2026-11-17") + 1
    calls = analyse(folder).content.weeks[0].calls
    assert [(c.with_, c.notes) for c in calls] == [("Ann, Initech", None),
                                                   ("Bo: CTO, #2", 'said "yes"')]


def test_account_events_list_events_and_spend_keep_the_file_style(folder: Path) -> None:
    path = folder / "weeks/2026-W47.yaml"
    day = MONDAY + datetime.timedelta(days=2)
    for entry in (account_event(day, "initech", "won"),
                  account_event(day, "initech", "paid", amount="1200", interval="month"),
                  list_event(day, "sale", price="49", product="Workbook"),
                  list_event(day, "inquiry", spontaneous=False),
                  spend(day, "cold-email", "300")):
        assert log(folder, entry).written
    text = path.read_text("utf-8")
    assert "  - {id: initech, event: won, date: 2026-11-18}\n" in text
    assert ("  - {id: initech, event: paid, date: 2026-11-18, amount: 1200, interval: month}\n"
            in text)
    assert "spend: [{source: cold-email, amount: 10}, {source: cold-email, amount: 300}]" in text
    assert text.endswith('list:\n  events:\n    - {date: 2026-11-18, type: sale, price: 49, '
                         'product: "Workbook"}\n    - {date: 2026-11-18, type: inquiry, '
                         "spontaneous: false}\n")
    assert text.startswith(WEEK.split("spend:")[0].split("  # --- accounts")[0])
    week = analyse(folder).content.weeks[0]
    assert [e.event for e in week.accounts] == ["qualified", "won", "paid"]
    assert week.list_ is not None and [e.type for e in week.list_.events] == ["sale", "inquiry"]


def test_a_missing_week_file_is_created_from_the_new_week_template(folder: Path) -> None:
    day = datetime.date(2026, 11, 24)
    logged = log(folder, call(day, with_="Cy", type_="demo"))
    assert logged.written and logged.created
    path = folder / "weeks/2026-W48.yaml"
    template = week_text("2026-W48", ["#  - {id: initech, event: won, date: ...}   "
                                      "# open since 2026-11-16, cold-email"])
    template = template.replace("calls: []", "calls:")  # an empty list becomes a block list
    assert only_inserted(template, path.read_text("utf-8")).endswith(
        '  - date: 2026-11-24\n    with: "Cy"\n    type: demo\n    status: held\n')
    assert [p.name for p in path.parent.iterdir()] == ["2026-W47.yaml", "2026-W48.yaml"]


def test_a_note_replaces_the_template_placeholder_then_follows_what_is_written(
        folder: Path) -> None:
    day = datetime.date(2026, 11, 24)
    assert log(folder, note(day, "  Closed Initech after three demos.  ")).written
    assert log(folder, note(day, "Next: onboarding.")).written
    summary = analyse(folder).content.weeks[1].summary
    assert summary == "Closed Initech after three demos.\n\nNext: onboarding.\n"
    assert log(folder, note(MONDAY, "And a third.")).written
    assert analyse(folder).content.weeks[0].summary == "Two demos.\n\nAnd a third.\n"


@pytest.mark.parametrize("summary", ["summary:\n", "summary: ''\n", "summary: Hi\n", ""])
def test_a_note_goes_into_any_form_of_summary(content: Callable[..., Path], summary: str
                                              ) -> None:
    folder = content(weeks={"2026-W47": "week: 2026-W47\n" + summary + "calls: []\n"})
    assert log(folder, note(MONDAY, "Closed: Initech.")).written
    expected = "Hi\n\nClosed: Initech." if "Hi" in summary else "Closed: Initech."
    assert analyse(folder).content.weeks[0].summary.rstrip("\n") == expected


@pytest.mark.parametrize("entry", [
    account_event(MONDAY, "hooli", "won"),  # won without qualified: a rule
    call(MONDAY, type_="demoo"),  # not a call type: the schema
    account_event(MONDAY, "initech", "paid", amount="12", interval="weekly"),
    call(MONDAY, account="Not An Id!"),
    note(MONDAY, "\x01 control character"),
], ids=["rule", "schema", "enum", "id", "control"])
def test_a_refusal_leaves_the_file_byte_for_byte(folder: Path, entry: logentry.Entry) -> None:
    path = folder / "weeks/2026-W47.yaml"
    before = digest(path)
    logged = log(folder, entry)
    assert not logged.written
    assert logged.problems and all(p.is_error for p in logged.problems)
    assert all(p.pos.file == "weeks/2026-W47.yaml" and p.pos.line for p in logged.problems)
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["2026-W47.yaml"]  # no temp file


def test_a_refused_new_week_writes_no_file(folder: Path) -> None:
    logged = log(folder, account_event(datetime.date(2026, 12, 1), "nobody", "won"))
    assert not logged.written and logged.created
    assert not (folder / "weeks/2026-W49.yaml").exists()


def test_an_error_anywhere_in_the_content_refuses(content: Callable[..., Path]) -> None:
    folder = content(weeks={"2026-W47": WEEK, "2026-W46": "week: 2026-W46\ncalls: 3\n"})
    logged = log(folder, call(MONDAY))
    assert not logged.written
    assert [p.pos.file for p in logged.problems] == ["weeks/2026-W46.yaml"]


def test_an_unreadable_week_file_is_refused_with_its_problem(content: Callable[..., Path]
                                                             ) -> None:
    folder = content(weeks={"2026-W47": "week: 2026-W47\ncalls: [\n"})
    before = digest(folder / "weeks/2026-W47.yaml")
    logged = log(folder, call(MONDAY))
    assert not logged.written and "invalid YAML" in logged.problems[0].message
    assert digest(folder / "weeks/2026-W47.yaml") == before


def test_a_list_key_holding_something_else_is_named(content: Callable[..., Path]) -> None:
    folder = content(weeks={"2026-W47": "week: 2026-W47\ncalls: {a: 1}\n"})
    logged = log(folder, call(MONDAY))
    assert not logged.written
    assert [(p.pos.line, p.message) for p in logged.problems] == [
        (2, "cannot add the call: `calls` is not a list")]


def test_a_symlinked_week_file_is_never_written_through(folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(WEEK, "utf-8")
    path = folder / "weeks/2026-W47.yaml"
    path.unlink()
    path.symlink_to(outside)
    logged = log(folder, call(MONDAY))
    assert not logged.written and "symbolic link" in logged.problems[0].message
    assert path.is_symlink() and outside.read_text("utf-8") == WEEK


def test_private_values_are_never_in_a_refusal(folder: Path) -> None:
    canary = "Zed Canary-7391"
    logged = log(folder, call(MONDAY, with_=canary, notes=canary, type_="nope"))
    assert not logged.written
    logged = log(folder, account_event(MONDAY, "hooli", "won", note=canary, amount="5"))
    assert not logged.written
    with pytest.raises(ScaffoldError) as raised:
        log(folder, account_event(MONDAY, "initech", "paid", amount=f"1,200 {canary}"))
    assert "--amount must be a number" in str(raised.value)
    for text in [str(raised.value)] + [f"{p.message} {p.hint}" for p in logged.problems]:
        assert "Canary" not in text and "1,200" not in text


def test_a_file_changed_during_the_check_is_not_overwritten(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = folder / "weeks/2026-W47.yaml"
    real = logentry.analyse

    def edit_meanwhile(*args: object, **kwargs: object) -> object:
        path.write_text(WEEK + "# edited in an editor\n", "utf-8")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(logentry, "analyse", edit_meanwhile)
    with pytest.raises(ScaffoldError, match="changed while the entry was checked"):
        log(folder, call(MONDAY))
    assert path.read_text("utf-8") == WEEK + "# edited in an editor\n"


def test_a_failed_write_leaves_the_file_and_no_temporary_file(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(logentry.os, "replace", disk_full)
    with pytest.raises(ScaffoldError, match="No space left on device; it is unchanged"):
        log(folder, call(MONDAY))
    assert [p.name for p in (folder / "weeks").iterdir()] == ["2026-W47.yaml"]
    assert (folder / "weeks/2026-W47.yaml").read_text("utf-8") == WEEK


def test_the_mode_of_the_file_is_kept(folder: Path) -> None:
    path = folder / "weeks/2026-W47.yaml"
    path.chmod(0o640)
    assert log(folder, call(MONDAY)).written
    assert path.stat().st_mode & 0o777 == 0o640


def test_warnings_about_the_week_file_are_returned(folder: Path) -> None:
    logged = log(folder, account_event(MONDAY, "hooli", "qualified", source="billboards"))
    assert logged.written
    assert [(p.is_error, "billboards" in p.message) for p in logged.problems] == [(False, True)]


def test_an_empty_note_is_refused() -> None:
    with pytest.raises(ScaffoldError, match="the note is empty"):
        note(MONDAY, " \n ")


def test_no_traction_yaml_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match="run `traction init` first"):
        log(tmp_path, call(MONDAY))
    assert list(tmp_path.iterdir()) == []


def test_known_ids_come_from_the_config_and_the_log(folder: Path) -> None:
    assert known_ids(folder) == {"accounts": ["initech"], "sources": ["cold-email",
                                                                       "founder-network"],
                                 "owners": ["dana", "lee"]}


def test_known_ids_of_broken_content_are_what_could_be_read(tmp_path: Path) -> None:
    (tmp_path / "traction.yaml").write_text("site: [\n", "utf-8")
    assert known_ids(tmp_path) == {"accounts": [], "sources": [], "owners": []}
    assert known_ids(tmp_path / "missing") == {"accounts": [], "sources": [], "owners": []}


def test_every_line_the_template_wrote_is_still_there_after_many_entries(folder: Path) -> None:
    day = datetime.date(2026, 11, 25)
    for n in range(3):
        assert log(folder, call(day, with_=f"Person {n}")).written
        assert log(folder, account_event(day, f"lead-{n}", "qualified")).written
    text = (folder / "weeks/2026-W48.yaml").read_text("utf-8")
    template = week_text("2026-W48", [])
    assert all(line in text.splitlines() for line in template.splitlines()
               if line.startswith("#"))
    data = yaml.safe_load(text)
    assert [c["with"] for c in data["calls"]] == ["Person 0", "Person 1", "Person 2"]
    assert [a["id"] for a in data["accounts"]] == ["lead-0", "lead-1", "lead-2"]
