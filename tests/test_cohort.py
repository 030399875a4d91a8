"""`traction cohort`, unit by unit: reading cohort.yaml (errors with their place), reading
and checking each progress.json, and the cohort's sums (funnel, medians, slips, shared
milestones only). tests/test_cli_cohort.py runs the real command on real documents."""

from __future__ import annotations

import copy
import datetime
import json
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cohort_docs import SCHEMA, day, document, milestone, write

from generator.problems import Problems
from generator.tools.cohort.documents import (
    MAX_DOCUMENT_BYTES,
    Published,
    Skipped,
    from_bytes,
    load_all,
    progress_check,
)
from generator.tools.cohort.roster import Roster, Startup, read_roster
from generator.tools.cohort.schemacheck import compile_schema
from generator.tools.cohort.summary import Cohort, cohort_as_of, summarise

# --- cohort.yaml ----------------------------------------------------------------------------


def roster_of(tmp_path: Path, text: str) -> tuple[Roster | None, list[str]]:
    path = tmp_path / "cohort.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    problems = Problems()
    roster = read_roster(path, problems, "cohort.yaml")
    return roster, [f"{p.pos}: {p.severity}: {p.message}" + (f" ({p.hint})" if p.hint else "")
                    for p in problems.sorted()]


def test_a_cohort_file_is_read_with_its_start_and_startups(tmp_path: Path) -> None:
    roster, problems = roster_of(tmp_path, """
        title: Spring 2027
        start: 2027-03-01
        url: https://accel.example/spring
        startups:
          - {name: Acme, progress: acme/progress.json}
          - name: Bolt
            progress: https://bolt.example/progress.json
        """)
    assert problems == []
    assert roster is not None
    assert (roster.title, roster.start, roster.url) == (
        "Spring 2027", datetime.date(2027, 3, 1), "https://accel.example/spring/")
    assert [(s.name, s.progress, s.is_url) for s in roster.startups] == [
        ("Acme", "acme/progress.json", False),
        ("Bolt", "https://bolt.example/progress.json", True)]


@pytest.mark.parametrize(("text", "expected"), [
    ("titel: X\nstartups: [{name: A, progress: a.json}]\n",
     ["cohort.yaml:1:1: error: missing required key 'title' (add `title: ...` (the cohort's "
      "name, e.g. Spring 2027 batch))",
      "cohort.yaml:1:1: error: unknown key 'titel' (did you mean 'title'?)"]),
    ("title: X\nstartups:\n  - {name: A, progres: a.json}\n",
     ["cohort.yaml:3:5: error: missing required key 'progress' (add `progress: ...` (its "
      "published progress.json: a path relative to this file, or an https URL (read only "
      "with --fetch)))",
      "cohort.yaml:3:15: error: unknown key 'progres' (did you mean 'progress'?)"]),
    ("title: X\nstart: 2027-02-30\nstartups: [{name: A, progress: a.json}]\n",
     ["cohort.yaml:2:8: error: '2027-02-30' is not a real date (check the day and month)"]),
    ("title: X\nstartups: []\n", ["cohort.yaml:2:11: error: expected at least one item"]),
    ("title: X\nstartups:\n  - {name: yes, progress: a.json}\n",
     ["cohort.yaml:3:12: error: 'yes' is a boolean in YAML 1.1, expected text "
      "(put it in quotes, e.g. \"yes\")"]),
    ("title: X\nstartups:\n  - {name: A, progress: a.json}\n  - {name: A, progress: b.json}\n",
     ["cohort.yaml:4:12: error: two startups are named 'A' (the first is at line 3; names "
      "must be unique, so the page, the feed and cohort.json can tell them apart)"]),
    ("title: X\nstartups:\n  - {name: A, progress: 'http://a.example/p.json'}\n",
     ["cohort.yaml:3:25: error: only https URLs are read (use the https:// address of the "
      "published progress.json)"]),
    ("title: X\ntitle: Y\nstartups: [{name: A, progress: a.json}]\n",
     ["cohort.yaml:2:1: error: duplicate key 'title' (first at line 1) (each key may appear "
      "once in a mapping)"]),
    ("- a\n", ["cohort.yaml:1:1: error: expected a mapping of key: value pairs"]),
    ("", ["cohort.yaml:1:1: error: the cohort file is empty (write title: and startups: "
          "[{name: ..., progress: ...}])"]),
])
def test_mistakes_in_the_cohort_file_are_errors_at_their_place(tmp_path: Path, text: str,
                                                               expected: list[str]) -> None:
    roster, problems = roster_of(tmp_path, text)
    assert roster is None
    assert problems == expected


def test_names_differing_only_by_case_and_spaces_are_the_same_name(tmp_path: Path) -> None:
    roster, problems = roster_of(tmp_path, """
        title: X
        startups:
          - {name: Acme  Labs, progress: a.json}
          - {name: acme labs, progress: b.json}
        """)
    assert roster is None
    assert problems[0].startswith("cohort.yaml:4:")


def test_a_missing_cohort_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    problems = Problems()
    assert read_roster(tmp_path / "nope.yaml", problems, "nope.yaml") is None
    assert [(str(p.pos), p.message) for p in problems] == [
        ("nope.yaml:1:1", "cohort file not found")]


# --- the schema check -------------------------------------------------------------------------


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text("utf-8"))


def open_schema(node: Any) -> Any:
    """The schema without `additionalProperties: false`: what the tolerant check checks."""
    if isinstance(node, dict):
        return {k: open_schema(v) for k, v in node.items()
                if not (k == "additionalProperties" and v is False)}
    if isinstance(node, list):
        return [open_schema(v) for v in node]
    return node


def sample() -> dict[str, Any]:
    return document("Acme", {"zero-to-one": [
        milestone("first-paying-customer", "achieved", (("2026-06-03", "achieved"),)),
        milestone("five-paying-customers", "in_progress")]},
        stage="prototype")


def broken_samples() -> list[tuple[str, dict[str, Any]]]:
    """(what was broken, the document)."""
    cases = []

    def case(name: str, change: Any) -> None:
        doc = sample()
        change(doc)
        cases.append((name, doc))

    case("status", lambda d: d["ladders"][0]["milestones"][0].update(status="done"))
    case("missing url", lambda d: d.pop("url"))
    case("stage", lambda d: d.update(stage=3))
    case("number", lambda d: d["ladders"][0]["milestones"][0].update(number=0))
    case("progress", lambda d: d["ladders"][0]["milestones"][0].update(progress=1.5))
    case("bool number", lambda d: d["ladders"][0]["milestones"][0].update(number=True))
    case("as_of", lambda d: d.update(as_of="22 Nov 2026"))
    case("history", lambda d: d["ladders"][0]["milestones"][0]["history"].append({"date": 1}))
    case("weeks", lambda d: d["weeks"].append({"week": "2026-W47"}))
    case("company", lambda d: d.update(company=[]))
    case("url scheme", lambda d: d.update(url="javascript:alert(1)/"))
    case("schema", lambda d: d.update(schema="traction/progress@2"))
    return cases


def test_the_fast_check_agrees_with_jsonschema() -> None:
    strict = compile_schema(schema())
    tolerant = progress_check()
    validator = jsonschema.Draft202012Validator(schema())
    open_validator = jsonschema.Draft202012Validator(open_schema(schema()))
    assert strict(sample(), "") is None and validator.is_valid(sample())
    for name, doc in broken_samples():
        assert not validator.is_valid(doc), name
        assert strict(doc, "") is not None, name
        assert tolerant(doc, "") is not None, name
    extra = sample()
    extra["verified_by"] = "a key a later 1.x may add"
    extra["ladders"][0]["milestones"][0]["evidence"] = {"date": "2026-06-03"}
    assert not validator.is_valid(extra) and strict(extra, "") is not None
    assert open_validator.is_valid(extra) and tolerant(extra, "") is None


def test_the_check_says_where_and_what() -> None:
    doc = sample()
    doc["ladders"][0]["milestones"][1]["status"] = "done"
    assert progress_check()(doc, "") == (
        "ladders[0].milestones[1].status",
        "expected one of achieved, slipped, in_progress, not_started")


def test_a_keyword_the_check_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="oneOf"):
        compile_schema({"type": "object", "properties": {"a": {"oneOf": []}}})


def test_every_hand_made_document_fits_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    for doc in (sample(), *(d for _, d in [("", mixed_cohort()[0][0].document)])):
        assert validator.is_valid(doc), list(validator.iter_errors(doc))[:1]


# --- reading documents ------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "reason"), [
    (b"{bad", "not valid JSON (line 1, column 2: expecting property name enclosed in double "
              "quotes)"),
    (b'{"a": NaN}', "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8 text"),
    (b"[]", "not a progress document (a JSON object)"),
    (b'{"schema": "traction/progress@2"}',
     "not a traction/progress@1 document (its schema is 'traction/progress@2')"),
    (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
])
def test_what_is_not_a_document_says_why(data: bytes, reason: str) -> None:
    assert reason_for(data) == reason


STARTUP = Startup(name="Acme", progress="acme.json")


def reason_for(data: bytes) -> str:
    found = from_bytes(STARTUP, data)
    assert isinstance(found, Skipped)
    return found.reason


def test_a_date_that_does_not_exist_is_refused() -> None:
    doc = sample()
    doc["ladders"][0]["milestones"][0]["history"][0]["date"] = "2026-02-30"
    assert reason_for(json.dumps(doc).encode()) == (
        "ladders[0].milestones[0].history[0].date is not a real date or ISO week")


def test_a_milestone_id_twice_is_refused() -> None:
    doc = sample()
    doc["ladders"].append(copy.deepcopy(doc["ladders"][0]))
    assert reason_for(json.dumps(doc).encode()) == (
        "milestone id at ladders[1].milestones[0].id appears twice")


def test_keys_of_a_later_minor_version_are_read() -> None:
    doc = sample()
    doc["commit"] = {"id": "a" * 40, "date": "2026-11-20"}  # what 1.4 adds
    doc["ladders"][0]["milestones"][0]["first_logged"] = {
        "date": "2026-06-10", "commit": "a" * 40, "days_after": 7, "late": False}
    doc["verified_by"] = "a key a later 1.x may add"
    doc["ladders"][0]["milestones"][0]["evidence"] = "2026-06-10"
    found = from_bytes(STARTUP, json.dumps(doc).encode())
    assert isinstance(found, Published)
    assert found.document["commit"]["id"] == "a" * 40


def test_documents_are_loaded_in_order_or_skipped_with_a_reason(tmp_path: Path) -> None:
    write(tmp_path, "a.json", sample())
    write(tmp_path, "big.json", b" " * (MAX_DOCUMENT_BYTES + 1))
    roster, problems = roster_of(tmp_path, """
        title: X
        startups:
          - {name: A, progress: a.json}
          - {name: Gone, progress: gone.json}
          - {name: Big, progress: big.json}
          - {name: Far, progress: 'https://far.example/progress.json'}
          - {name: Folder, progress: .}
          - {name: Device, progress: /dev/zero}
        """)
    assert roster is not None and problems == []
    fetched: list[str] = []
    loaded = load_all(roster.startups, tmp_path, None)
    assert isinstance(loaded[0], Published)
    assert [(s.startup.name, s.reason) for s in loaded if isinstance(s, Skipped)] == [
        ("Gone", "file not found"), ("Big", "larger than 4 MiB: not a progress document"),
        ("Far", "a URL, not fetched"), ("Folder", "a folder, not a progress.json"),
        ("Device", "not a regular file")]
    loaded = load_all(roster.startups, tmp_path, lambda url: fetched.append(url) or
                      json.dumps(sample()).encode())
    assert fetched == ["https://far.example/progress.json"]
    assert isinstance(loaded[3], Published)


# --- the sums ---------------------------------------------------------------------------------

ZERO = ["weekly-sales-calls", "first-paying-customer", "five-paying-customers"]
MICRO = ["first-subscriber-question", "first-product-sale"]


def published(name: str, doc: dict[str, Any]) -> Published:
    return Published(Startup(name=name, progress=f"{name}.json"), doc)


JUNE = day("2026-06-01")


def mixed_cohort(start: datetime.date | None = JUNE,
                 as_of: datetime.date | None = None) -> tuple[list[Published], Cohort]:
    """Three startups: one on zero-to-one, one on micro-traction, one on both plus a custom
    ladder."""
    a = document("Acme", {"zero-to-one": [
        milestone(ZERO[0], "slipped", (("2026-07-01", "achieved"), ("2026-11-22", "slipped"))),
        milestone(ZERO[1], "achieved", (("2026-05-20", "achieved"),)),
        milestone(ZERO[2], "in_progress")]}, as_of="2026-11-22", latest_week="2026-W47")
    b = document("Bolt", {"micro-traction": [
        milestone(MICRO[0], "achieved", (("2026-06-15", "achieved"),)),
        milestone(MICRO[1], "not_started")]}, as_of="2026-11-08", latest_week="2026-W45")
    c = document("Crate", {
        "zero-to-one": [
            milestone(ZERO[0], "achieved", (("2026-06-29", "achieved"),)),
            milestone(ZERO[1], "achieved", (("2026-07-13", "achieved"),)),
            milestone(ZERO[2], "slipped", (("2026-08-01", "achieved"),
                                           ("2026-11-10", "slipped")))],
        "micro-traction": [
            milestone(MICRO[0], "achieved", (("2026-08-10", "achieved"),)),
            milestone(MICRO[1], "achieved", (("2026-09-01", "achieved"),))],
        "revenue": [milestone("mrr-1k", "in_progress")]},
        as_of="2026-11-20", latest_week="2026-W47")
    docs = [published("Acme", a), published("Bolt", b), published("Crate", c)]
    roster = Roster(title="Spring", start=start, url=None,
                    startups=[p.startup for p in docs])
    return docs, summarise(roster, list(docs), as_of)


def steps(cohort: Cohort) -> dict[str, tuple[int, int, int, float | None]]:
    return {s.id: (s.reached, s.tracked, s.achieved, s.median_weeks)
            for group in cohort.funnel for s in group.steps}


def test_each_milestone_counts_only_the_startups_that_track_it() -> None:
    _, cohort = mixed_cohort()
    assert [(g.id, g.tracked, [s.id for s in g.steps]) for g in cohort.funnel] == [
        ("zero-to-one", 2, ZERO), ("micro-traction", 2, MICRO), ("revenue", 1, ["mrr-1k"])]
    found = steps(cohort)
    assert {k: v[:3] for k, v in found.items()} == {
        "weekly-sales-calls": (2, 2, 1),  # both reached it; Acme slipped since
        "first-paying-customer": (2, 2, 2),
        "five-paying-customers": (1, 2, 0),
        "first-subscriber-question": (2, 2, 2),
        "first-product-sale": (1, 2, 1),
        "mrr-1k": (0, 1, 0),
    }


def test_median_weeks_from_the_start_over_those_that_reached_it() -> None:
    _, cohort = mixed_cohort(start=day("2026-06-01"))
    found = steps(cohort)
    # Acme on 1 Jul (30 days), Crate on 29 Jun (28 days): median 29 days
    assert found["weekly-sales-calls"][3] == round(29 / 7, 1)
    # Acme before the start counts as 0, Crate on 13 Jul (42 days): median 21 days
    assert found["first-paying-customer"][3] == 3.0
    assert found["five-paying-customers"][3] == round(61 / 7, 1)
    assert found["mrr-1k"][3] is None  # nobody reached it
    _, unstarted = mixed_cohort(start=None)
    assert all(v[3] is None for v in steps(unstarted).values())


def test_the_cohort_is_as_of_the_latest_document_unless_told() -> None:
    _, cohort = mixed_cohort()
    assert (cohort.as_of, cohort.week) == (day("2026-11-22"), "2026-W47")
    assert [(r.name, r.weeks_since_log) for r in cohort.rows] == [
        ("Acme", 0), ("Bolt", 2), ("Crate", 0)]
    _, later = mixed_cohort(as_of=day("2026-12-06"))
    assert later.week == "2026-W49"
    assert [r.weeks_since_log for r in later.rows] == [2, 4, 2]


def test_who_slipped_in_the_cohort_s_latest_week() -> None:
    _, cohort = mixed_cohort()
    # Acme slipped on Sunday of W47; Crate's slip on 10 Nov (W46) is last week's news
    assert [(e.startup, e.milestone.id, e.date) for e in cohort.slipped] == [
        ("Acme", "weekly-sales-calls", day("2026-11-22"))]
    _, earlier = mixed_cohort(as_of=day("2026-11-15"))
    assert [(e.startup, e.date) for e in earlier.slipped] == [("Crate", day("2026-11-10"))]


def test_each_row_has_its_goal_and_last_milestone_reached() -> None:
    _, cohort = mixed_cohort()
    acme, bolt, crate = cohort.rows
    assert acme.goal is not None and acme.goal.id == "weekly-sales-calls"
    assert acme.goal_status == "slipped"
    assert acme.last is not None
    assert (acme.last.milestone.id, acme.last.date) == ("first-paying-customer",
                                                        day("2026-05-20"))
    assert crate.last is not None
    assert (crate.last.milestone.id, crate.last.date) == ("first-product-sale",
                                                          day("2026-09-01"))
    assert bolt.url == "https://bolt.example/"
    assert (crate.tracked, crate.achieved) == (6, 4)


def test_achievements_newest_first() -> None:
    _, cohort = mixed_cohort()
    dates = [e.date for e in cohort.achievements]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == 8
    assert all(e.status == "achieved" for e in cohort.achievements)


def test_a_fetch_that_fails_skips_the_startup(tmp_path: Path) -> None:
    def refuse(url: str) -> bytes:
        raise TimeoutError("timed out")

    far = Startup(name="Far", progress="https://far.example/progress.json")
    found = load_all([far], tmp_path, refuse)[0]
    assert isinstance(found, Skipped)
    assert found.reason == "cannot be fetched (timed out)"


def test_fetch_https_refuses_any_other_scheme() -> None:
    from generator.tools.cohort.documents import fetch_https

    far = Startup(name="Far", progress="https://far.example/p.json")
    found = load_all([far], Path("."), lambda url: fetch_https("http://far.example/p.json"))
    assert isinstance(found[0], Skipped) and found[0].reason == "only https URLs are read"


def test_a_cohort_whose_startups_have_not_logged_yet() -> None:
    """No as_of anywhere: no cohort week, no slip, no 'weeks since'; the page and
    cohort.json still make sense (and fit its schema)."""
    from generator.tools.cohort.site import cohort_document, render_cohort

    fresh = document("Fresh", {"zero-to-one": [milestone(ZERO[0])]}, as_of=None,
                     latest_week=None)
    docs = [published("Fresh", fresh)]
    roster = Roster(title="New", start=None, url=None, startups=[p.startup for p in docs])
    cohort = summarise(roster, list(docs))
    assert (cohort.as_of, cohort.week, cohort.slipped) == (None, None, ())
    assert cohort.rows[0].weeks_since_log is None
    cohort_schema = json.loads((SCHEMA.parent / "cohort.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(cohort_schema).validate(cohort_document(cohort))
    page = render_cohort(cohort)["index.html"].decode()
    assert "No startup has logged a week yet" in page and "no log yet" in page


def test_characters_xml_cannot_hold_are_replaced(tmp_path: Path) -> None:
    """A control character, a lone surrogate or U+FFFF in a title (JSON carries them as
    escapes, or U+FFFF as it is) become U+FFFD: the page encodes and the feed parses."""
    from generator.tools.cohort.site import render_cohort

    doc = sample()
    doc["ladders"][0]["milestones"][0]["title"] = "A\u0001B\ud800C\uffffD é 😀"
    data = json.dumps(doc).encode()  # ensure_ascii: every one of them as an escape
    found = from_bytes(STARTUP, data)
    assert isinstance(found, Published)
    title = found.document["ladders"][0]["milestones"][0]["title"]
    assert title == "A\ufffdB\ufffdC\ufffdD é 😀"
    roster = Roster(title="X", start=None, url=None, startups=[STARTUP])
    files = render_cohort(summarise(roster, [found]))
    import feedparser

    feed = feedparser.parse(files["feed.xml"])
    assert not feed.bozo and feed.entries[0].title == f"Acme: {title}"


def test_one_document_dated_far_ahead_does_not_set_the_cohort_date() -> None:
    def published(day: str) -> Published:
        doc = sample()
        doc["as_of"] = day
        found = from_bytes(STARTUP, json.dumps(doc).encode())
        assert isinstance(found, Published)
        return found

    near = [published(d) for d in ("2026-11-20", "2026-11-22", "2026-11-27")]
    assert cohort_as_of(near, None) == datetime.date(2026, 11, 27)
    assert cohort_as_of([*near, published("9999-12-31")], None) == datetime.date(2026, 11, 27)
    assert cohort_as_of([*near, published("9999-12-31")], datetime.date(2026, 12, 1)) == (
        datetime.date(2026, 12, 1))
