"""`traction cohort` end to end: real progress documents made by the real pipeline from
content folders in tmp dirs (one of them by `traction build`), the real command, and every
output parsed: the page (html.parser), cohort.json (against its schema), the feed
(feedparser)."""

from __future__ import annotations

import datetime
import html.parser
import json
import shutil
from pathlib import Path
from typing import Any, ClassVar

import feedparser
import jsonschema
import pytest
import yaml
from builders import Log, analysed, day, spread, w
from conftest import ROOT, run_traction

from generator.public.boundary import public_progress
from generator.public.progress_doc import dumps, progress_document

COHORT_SCHEMA = ROOT / "generator" / "public" / "schemas" / "cohort.schema.json"
START = "2026-03-02"  # Monday of 2026-W10
BASICS = [{"id": "basics", "title": "Basics", "summary": "A custom ladder.", "milestones": [
    {"id": "first-paying-customer", "title": "A first customer who pays",
     "conditions": [{"metric": "paying_customers", "at_least": 1}]},
    {"id": "one-hell-yes", "title": "One “hell yes” customer",
     "conditions": [{"metric": "hell_yes_customers", "at_least": 1}]}]}]


def publish(root: Path, name: str, log: Log, **config: Any) -> dict[str, Any]:
    """The progress document of a content folder written under `root`, as `traction status
    --format json` and `traction build` make it (as of the Sunday of its latest week)."""
    slug = "".join(c for c in name.lower() if c.isalnum())[:20] or "x"
    analysis = analysed(root / slug, log, site={
        "title": name, "url": f"https://{slug}.example/progress/", "social_cards": False},
        company={"name": name, "tagline": "A startup"}, **config)
    assert analysis.progress is not None, analysis.problems
    assert analysis.content.config is not None
    return progress_document(public_progress(analysis.progress, analysis.content.config))


def acme() -> Log:
    """zero-to-one: five calls a week W10-W13, a paying customer in W11, then a short
    W14: weekly-sales-calls slips on Sunday 2026-04-05."""
    return spread([w(10), w(11), w(12), w(13)], 5).paying("a", day(w(11), 2)).calls(w(14), 2)


def bolt() -> Log:
    """micro-traction: a question in W10, a sale in W11; its log ends in W12."""
    log = Log().signal(day(w(10), 3), "question").signal(day(w(11), 2), "sale", price=49)
    log.week(w(12))
    return log


def crate() -> Log:
    """A custom ladder sharing first-paying-customer with zero-to-one."""
    return Log().paying("c", day(w(12), 4), "hell-yes", day(w(13), 1)).calls(w(14), 1)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("startups")
    return {
        "Acme": publish(root, "Acme", acme()),
        "Bolt": publish(root, "Bolt", bolt(), ladders=["micro-traction"]),
        "Crate": publish(root, "Crate", crate(), ladders=["basics"], custom_ladders=BASICS),
    }


def write_cohort(folder: Path, docs: dict[str, dict[str, Any]], extra: str = "",
                 start: str | None = START, title: str = "Spring 2026") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, doc in docs.items():
        slug = "".join(c for c in name.lower() if c.isalnum())[:20] or "x"
        (folder / slug).mkdir(exist_ok=True)
        (folder / slug / "progress.json").write_text(dumps(doc), "utf-8")
        entries.append({"name": name, "progress": f"{slug}/progress.json"})
    data: dict[str, Any] = {"title": title}
    if start:
        data["start"] = datetime.date.fromisoformat(start)
    data["startups"] = entries
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000) + extra
    (folder / "cohort.yaml").write_text(text, "utf-8")
    return folder / "cohort.yaml"


BROKEN = """\
- name: Broken JSON
  progress: broken/progress.json
- name: Off Schema
  progress: off/progress.json
"""


def add_broken(folder: Path, doc: dict[str, Any]) -> None:
    (folder / "broken").mkdir()
    (folder / "broken" / "progress.json").write_text('{"schema": "traction/progress@1",', "utf-8")
    off = json.loads(json.dumps(doc))
    off["ladders"][0]["milestones"][0]["status"] = "done"
    (folder / "off").mkdir()
    (folder / "off" / "progress.json").write_text(json.dumps(off), "utf-8")


class Page(html.parser.HTMLParser):
    """Everything html.parser sees: its text, its links, and any tag left open."""

    VOID: ClassVar[set[str]] = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self.open: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)
        self.links += [v or "" for k, v in attrs if k == "href"]

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(out: Path) -> tuple[Page, dict[str, Any], Any]:
    page = Page((out / "index.html").read_text("utf-8"))
    assert page.open == [], "every element is closed"
    document = json.loads((out / "cohort.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(json.loads(COHORT_SCHEMA.read_text("utf-8"))).validate(
        document)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return page, document, feed


def test_a_cohort_on_mixed_ladders_with_two_broken_documents(tmp_path: Path,
                                                             docs: dict[str, Any]) -> None:
    cohort_file = write_cohort(tmp_path / "batch", docs, BROKEN)
    add_broken(tmp_path / "batch", docs["Acme"])
    out = tmp_path / "_cohort"
    result = run_traction("cohort", str(cohort_file), "--out", str(out))
    assert result.returncode == 0, result.stderr
    shown = cohort_file.as_posix()
    assert result.stderr.splitlines() == [
        f"{shown}:11:13: warning: Broken JSON: broken/progress.json is skipped: not valid "
        "JSON (line 1, column 34: expecting property name enclosed in double quotes)",
        "  hint: publish the progress.json that traction build wrote",
        f"{shown}:13:13: warning: Off Schema: off/progress.json is skipped: does not fit the "
        "traction/progress@1 schema at ladders[0].milestones[0].status: expected one of "
        "achieved, slipped, in_progress, not_started",
        "  hint: rebuild it with traction build",
        f"✓ built the cohort of 3 startups (2 skipped) into {out}",
    ]
    page, document, feed = parsed(out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
                  and p.parent.name not in ("fonts",)) == [
        ".traction-site", "assets/cohort.css", "assets/favicon.svg", "assets/style.css",
        "cohort.json", "feed.xml", "index.html"]
    # the cohort is as of its latest document: Acme's and Crate's Sunday of W14
    assert (document["as_of"], document["week"]) == ("2026-04-05", "2026-W14")
    rows = {s["name"]: s for s in document["startups"]}
    assert list(rows) == ["Acme", "Bolt", "Crate"]
    assert rows["Acme"]["current_goal"]["id"] == "weekly-sales-calls"
    assert rows["Acme"]["current_goal"]["status"] == "slipped"
    assert rows["Bolt"]["weeks_since_log"] == 2
    assert rows["Crate"]["last_reached"]["id"] == "one-hell-yes"
    assert rows["Crate"]["url"] == "https://crate.example/progress/"
    # compared only on what they share: each milestone over those that track it
    funnel = {(g["ladder"], m["id"]): (m["reached"], m["tracked"], m["median_weeks"])
              for g in document["funnel"] for m in g["milestones"]}
    # Acme paid after 8 days, Crate after 17: both on their own ladder
    assert funnel[("zero-to-one", "first-paying-customer")] == (2, 2, 1.8)
    # Acme's 20th call, on Friday of W13
    assert funnel[("zero-to-one", "weekly-sales-calls")] == (1, 1, 3.6)
    assert funnel[("zero-to-one", "close-rate")] == (0, 1, None)
    assert funnel[("micro-traction", "first-product-sale")] == (1, 1, 1.1)
    assert funnel[("basics", "one-hell-yes")] == (1, 1, 3.0)
    assert ("basics", "first-paying-customer") not in funnel  # counted once, by its id
    assert [(g["ladder"], g["startups"]) for g in document["funnel"]] == [
        ("zero-to-one", 1), ("micro-traction", 1), ("basics", 1)]
    assert document["slipped"] == [{"date": "2026-04-05", "startup": "Acme", "milestone": {
        "id": "weekly-sales-calls", "title": docs["Acme"]["ladders"][0]["milestones"][0][
            "title"], "url": "https://acme.example/progress/milestones/weekly-sales-calls/"}}]
    assert [(s["name"], s["reason"].split(" (")[0]) for s in document["skipped"]] == [
        ("Broken JSON", "not valid JSON"),
        ("Off Schema", "does not fit the traction/progress@1 schema at "
                       "ladders[0].milestones[0].status: expected one of achieved, slipped, "
                       "in_progress, not_started")]
    # the page: every startup linked to its own site; the skipped ones named, nothing more
    text = " ".join(page.text)
    assert "https://acme.example/progress/" in page.links
    assert "https://crate.example/progress/milestones/one-hell-yes/" in page.links
    assert "2 of 2 that track it" in " ".join(text.split())
    assert "Broken JSON" in text and "Off Schema" in text
    assert not any("off.example" in link for link in page.links)
    # the feed: every achievement, newest first
    dates = [entry.updated for entry in feed.entries]
    assert dates == sorted(dates, reverse=True) and len(dates) == 6
    newest = feed.entries[0]
    assert newest.title == "Acme: " + docs["Acme"]["ladders"][0]["milestones"][0]["title"]
    assert newest.link == "https://acme.example/progress/milestones/weekly-sales-calls/"
    assert newest.updated.startswith("2026-03-27")


def test_a_document_from_traction_build_and_from_a_later_minor_version(
        tmp_path: Path, docs: dict[str, Any]) -> None:
    """The progress.json `traction build` publishes is read as it is; so is one with keys a
    later 1.x adds (1.4's commit and first_logged, and keys of a version to come)."""
    content = tmp_path / "dune"
    analysed(content, acme(), site={"title": "Dune", "url": "https://dune.example/",
                                    "social_cards": False})
    built = tmp_path / "dune-site"
    result = run_traction("build", "--content", str(content), "--out", str(built))
    assert result.returncode == 0, result.stderr
    newer = json.loads(json.dumps(docs["Bolt"]))
    newer["commit"] = {"id": "b" * 40, "date": "2026-03-20"}
    newer["verified_by"] = "a key a later 1.x may add"
    for ladder in newer["ladders"]:
        for m in ladder["milestones"]:
            m["first_logged"] = None
            m["evidence"] = m["achieved_on"]
    cohort_file = write_cohort(tmp_path / "batch", {"Bolt": newer}, f"""\
- name: Dune
  progress: {built / 'progress.json'}
""")
    out = tmp_path / "out"
    result = run_traction("cohort", str(cohort_file), "--out", str(out), "--strict")
    assert result.returncode == 0, result.stderr
    _, document, _ = parsed(out)
    assert [s["name"] for s in document["startups"]] == ["Bolt", "Dune"]
    assert document["startups"][1]["url"] == "https://dune.example/"


def test_strict_makes_a_broken_document_an_error_and_writes_nothing(
        tmp_path: Path, docs: dict[str, Any]) -> None:
    cohort_file = write_cohort(tmp_path / "batch", docs)
    out = tmp_path / "_cohort"
    assert run_traction("cohort", str(cohort_file), "--out", str(out)).returncode == 0
    before = snapshot(out)
    cohort_file.write_text(cohort_file.read_text("utf-8") + BROKEN, "utf-8")
    add_broken(tmp_path / "batch", docs["Acme"])
    result = run_traction("cohort", str(cohort_file), "--out", str(out), "--strict")
    assert result.returncode == 1
    assert ": error: Broken JSON: broken/progress.json is skipped: not valid JSON" in (
        result.stderr)
    assert result.stderr.endswith(f"✗ nothing written; {out} is unchanged\n")
    assert snapshot(out) == before


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def test_the_same_input_gives_the_same_bytes(tmp_path: Path, docs: dict[str, Any]) -> None:
    cohort_file = write_cohort(tmp_path / "batch", docs, BROKEN)
    add_broken(tmp_path / "batch", docs["Acme"])
    one, two = tmp_path / "one", tmp_path / "two"
    for out in (one, two):
        assert run_traction("cohort", str(cohort_file), "--out", str(out)).returncode == 0
    assert snapshot(one) == snapshot(two)
    moved = tmp_path / "moved"  # nothing depends on where the files are
    shutil.copytree(tmp_path / "batch", moved)
    assert run_traction("cohort", str(moved / "cohort.yaml"), "--out",
                        str(tmp_path / "three")).returncode == 0
    assert snapshot(tmp_path / "three") == snapshot(one)


@pytest.mark.parametrize(("text", "error"), [
    ("title: X\nstartups:\n  - {name: A, progress: a/progress.json}\n"
     "  - {name: A, progress: b/progress.json}\n",
     "cohort.yaml:4:12: error: two startups are named 'A'"),
    ("title: X\nstartup: []\n", "cohort.yaml:2:1: error: unknown key 'startup'"),
])
def test_an_error_in_the_cohort_file_writes_nothing(tmp_path: Path, docs: dict[str, Any],
                                                    text: str, error: str) -> None:
    cohort_file = write_cohort(tmp_path / "batch", docs)
    out = tmp_path / "_cohort"
    assert run_traction("cohort", str(cohort_file), "--out", str(out)).returncode == 0
    before = snapshot(out)
    cohort_file.write_text(text, "utf-8")
    result = run_traction("cohort", "cohort.yaml", "--out", str(out), cwd=tmp_path / "batch")
    assert result.returncode == 1
    assert error in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_a_missing_cohort_file_is_an_error(tmp_path: Path) -> None:
    result = run_traction("cohort", str(tmp_path / "none.yaml"), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{tmp_path / 'none.yaml'}:1:1: error: cohort file not "
                                    "found")
    assert not (tmp_path / "o").exists()


def test_urls_are_skipped_without_fetch_and_none_left_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "cohort.yaml").write_text(
        "title: X\nstartups:\n  - {name: Far, progress: 'https://far.example/p.json'}\n",
        "utf-8")
    result = run_traction("cohort", "cohort.yaml", cwd=folder)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "cohort.yaml:1:1: error: no startup's progress.json could be used; nothing to build",
        "  hint: see the warnings above",
        "cohort.yaml:3:27: warning: Far: https://far.example/p.json is skipped: a URL, not "
        "fetched",
        "  hint: run with --fetch to read https URLs",
        "✗ nothing written; _cohort is unchanged",
    ]
    assert not (folder / "_cohort").exists()


def test_an_output_folder_holding_the_cohort_file_is_refused(tmp_path: Path,
                                                             docs: dict[str, Any]) -> None:
    cohort_file = write_cohort(tmp_path / "batch", docs)
    result = run_traction("cohort", str(cohort_file), "--out", str(tmp_path / "batch"))
    assert result.returncode == 2
    assert result.stderr.startswith("✗ refusing to build into")
    assert (cohort_file).is_file()


def test_as_of_sets_the_cohort_s_week(tmp_path: Path, docs: dict[str, Any]) -> None:
    cohort_file = write_cohort(tmp_path / "batch", docs)
    out = tmp_path / "out"
    result = run_traction("cohort", str(cohort_file), "--out", str(out), "--as-of",
                          "2026-04-20")
    assert result.returncode == 0, result.stderr
    _, document, _ = parsed(out)
    assert (document["as_of"], document["week"]) == ("2026-04-20", "2026-W17")
    assert document["slipped"] == []
    assert [s["weeks_since_log"] for s in document["startups"]] == [3, 5, 3]


HOSTILE = '<script>alert("x")</script>\'"><img src=x onerror=alert(1)>&amp;'


def test_hostile_names_and_titles_are_escaped_everywhere(tmp_path: Path,
                                                         docs: dict[str, Any]) -> None:
    evil = json.loads(json.dumps(docs["Crate"]))
    evil["company"]["name"] = HOSTILE * 400  # 27 KB of it
    evil["ladders"][0]["title"] = HOSTILE
    for m in evil["ladders"][0]["milestones"]:
        m["title"] = HOSTILE + "]]></title>"
    cohort_file = write_cohort(tmp_path / "batch", {HOSTILE: evil, "Acme": docs["Acme"]},
                               title=HOSTILE)
    out = tmp_path / "out"
    result = run_traction("cohort", str(cohort_file), "--out", str(out))
    assert result.returncode == 0, result.stderr
    page, document, feed = parsed(out)
    html_text = (out / "index.html").read_text("utf-8")
    assert "<script" not in html_text and "<img" not in html_text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_text
    assert set(page.tags) <= {"html", "head", "meta", "title", "link", "body", "a", "header",
                              "div", "nav", "ul", "li", "main", "p", "h1", "time", "dl",
                              "dt", "dd", "span", "section", "h2", "table", "caption",
                              "thead", "tr", "th", "tbody", "td", "h3", "ol", "meter",
                              "strong", "footer"}
    assert HOSTILE in " ".join(page.text)
    assert document["title"] == HOSTILE
    assert document["startups"][0]["name"] == HOSTILE
    assert feed.feed.title == f"{HOSTILE}: milestones reached"
    assert any(e.title.startswith(HOSTILE) for e in feed.entries)


def test_startups_built_from_their_git_repositories(tmp_path: Path, docs: dict[str, Any]
                                                    ) -> None:
    """Each startup's log is a real git repository, published by `traction build` (so its
    progress.json carries 1.4's commit and first_logged), on mixed ladders, next to a broken
    document: the broken one is skipped by name, the others compared on what they share."""
    from gitrepo import commit, new_repo

    built = {}
    for name, log, ladders in (("Acme", acme(), ["zero-to-one"]),
                               ("Bolt", bolt(), ["micro-traction"])):
        repo = new_repo(tmp_path / name.lower())
        content = repo / "content"
        analysed(content, log, ladders=ladders, site={
            "title": name, "url": f"https://{name.lower()}.example/", "social_cards": False},
            company={"name": name, "tagline": "A startup"})
        commit(repo, "the log", datetime.date(2026, 4, 20))
        out = tmp_path / f"{name.lower()}-site"
        result = run_traction("build", "--content", str(content), "--out", str(out))
        assert result.returncode == 0, result.stderr
        built[name] = json.loads((out / "progress.json").read_text("utf-8"))
        assert built[name]["commit"]["date"] == "2026-04-20"
    cohort = write_cohort(tmp_path / "batch", built, BROKEN)
    add_broken(tmp_path / "batch", docs["Acme"])
    out = tmp_path / "out"
    result = run_traction("cohort", str(cohort), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Broken JSON" in result.stderr and "Off Schema" in result.stderr
    page, document, feed = parsed(out)  # each parses
    assert [s["name"] for s in document["startups"]] == ["Acme", "Bolt"]
    assert [s["name"] for s in document["skipped"]] == ["Broken JSON", "Off Schema"]
    assert "Acme" in " ".join(page.text) and feed.entries
    tracked = {m["id"]: m["tracked"] for ladder in document["funnel"]
               for m in ladder["milestones"]}
    assert tracked["first-paying-customer"] == 1 and tracked["first-subscriber-question"] == 1
