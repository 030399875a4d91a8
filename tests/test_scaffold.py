"""`traction init` and `traction new week` (issue point 7): a complete new content repository,
this week's log with the open qualified leads, and never an overwrite."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
import yaml
from sitetools import cli, small_content, small_weeks
from test_workflows import (
    _actionlint,
    _problems,
    checkout_problems,
    concurrency_problems,
    expression_in_run_problems,
    pages_upload_problems,
    parse,
    permission_problems,
    pin_problems,
    source_date_problems,
    trigger_problems,
)

from generator import __version__
from generator.tools import scaffold
from generator.tools.scaffold import week_text

INIT_FILES = [
    "content/traction.yaml",
    "content/case-studies/example.md",
    ".gitignore",
    ".github/workflows/publish.yml",
    ".github/workflows/pr.yml",
    ".github/actions/traction/action.yml",
    "requirements.txt",
    "traction.schema.json",
    "week.schema.json",
]


def this_week() -> str:
    year, week, _ = datetime.date.today().isocalendar()
    return f"{year}-W{week:02d}"


def init(directory: Path, *args: str) -> tuple[int, str, str, str, str]:
    """`traction init` with this week's label computed before and after (midnight races)."""
    before = this_week()
    code, out, err = cli("init", str(directory), *args)
    return code, out, err, before, this_week()


def week_file(directory: Path, before: str, after: str) -> Path:
    candidates = [directory / "content" / "weeks" / f"{w}.yaml" for w in {before, after}]
    [found] = [path for path in candidates if path.is_file()]
    return found


@pytest.fixture
def scaffolded(tmp_path: Path) -> Path:
    directory = tmp_path / "repo"
    code, _, err, _, _ = init(directory, "--company", "Initech")
    assert code == 0, err
    return directory


def test_init_creates_a_complete_content_repository(tmp_path: Path) -> None:
    directory = tmp_path / "new-repo"
    code, _, err, before, after = init(directory, "--company", "Initech")
    assert code == 0, err
    for name in INIT_FILES:
        assert (directory / name).is_file(), name
    week = week_file(directory, before, after)
    assert sorted(p.name for p in (directory / "content" / "weeks").iterdir()) == [week.name]
    assert "created" in err

    config_text = (directory / "content" / "traction.yaml").read_text("utf-8")
    comments = [line for line in config_text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 5, "traction.yaml explains itself"
    config = yaml.safe_load(config_text)
    assert config["company"]["name"] == "Initech"
    assert config["privacy"] == {"show_revenue": False}

    log = yaml.safe_load(week.read_text("utf-8"))
    assert log["week"] == week.stem
    study = (directory / "content" / "case-studies" / "example.md").read_text("utf-8")
    front = yaml.safe_load(study.split("---")[1])
    assert front["draft"] is True and front["title"]

    gitignore = (directory / ".gitignore").read_text("utf-8").splitlines()
    assert "_site/" in gitignore
    for name in ("traction.schema.json", "week.schema.json"):
        schema = json.loads((directory / name).read_text("utf-8"))
        assert schema.get("type") == "object" and schema.get("properties")


def test_the_scaffold_checks_and_builds(scaffolded: Path) -> None:
    content = scaffolded / "content"
    code, out, err = cli("check", "--content", str(content))
    assert code == 0, out + err
    assert "error" not in out.lower()
    site = scaffolded / "_site"
    code, out, err = cli("build", "--content", str(content), "--out", str(site))
    assert code == 0, out + err
    assert (site / "index.html").is_file()
    assert "Initech" in (site / "index.html").read_text("utf-8")
    assert not (site / "case-studies" / "example").exists(), "the template is a draft"


@pytest.mark.parametrize("company", ['O\'Brien & "Sons": Co\\', "Café Ünïcode — #1", "yes"])
def test_init_quotes_any_company_name(tmp_path: Path, company: str) -> None:
    code, _, err, _, _ = init(tmp_path / "repo", "--company", company)
    assert code == 0, err
    code, out, err = cli("status", "--format", "json", "--content", str(tmp_path / "repo" /
                                                                         "content"))
    assert code == 0, out + err
    assert json.loads(out)["company"]["name"] == company


def test_init_again_keeps_existing_files(scaffolded: Path) -> None:
    config = scaffolded / "content" / "traction.yaml"
    config.write_text(config.read_text("utf-8") + "# my own edit\n", "utf-8")
    workflow = scaffolded / ".github" / "workflows" / "pr.yml"
    workflow.unlink()
    before = {p: p.read_bytes() for p in scaffolded.rglob("*") if p.is_file()}
    code, _, err, _, _ = init(scaffolded, "--company", "Other Name")
    assert code == 0, err
    assert "kept" in err
    after = {p: p.read_bytes() for p in scaffolded.rglob("*") if p.is_file()}
    assert {p: after[p] for p in before} == before, "nothing existing was changed"
    assert set(after) - set(before) == {workflow}, "only the missing file is recreated"
    assert b"# my own edit" in config.read_bytes()


# --- new week ---------------------------------------------------------------------------------


def pipeline_content(root: Path) -> Path:
    weeks = small_weeks("2026-W10", "2026-W11")
    weeks["2026-W11"]["accounts"] = [
        {"id": "hooli", "event": "qualified", "date": "2026-03-09", "source": "cold-email"},
        {"id": "vandelay", "event": "qualified", "date": "2026-03-10"},
        {"id": "vandelay", "event": "lost", "date": "2026-03-11"},
        {"id": "umbrella", "event": "qualified", "date": "2026-03-12"},
    ]
    return small_content(root, weeks=weeks)


def test_new_week_lists_the_open_qualified_leads(tmp_path: Path) -> None:
    content = pipeline_content(tmp_path / "content")
    code, out, err = cli("new", "week", "--week", "2026-W49", "--content", str(content))
    assert code == 0, out + err
    path = content / "weeks" / "2026-W49.yaml"
    text = path.read_text("utf-8")
    # globex (qualified in W10, never decided), hooli and umbrella are open;
    # initech was won and vandelay lost. Compare with the template for no open leads.
    baseline = set(week_text("2026-W49", []).splitlines())
    added = [line for line in text.splitlines() if line not in baseline]
    assert added and all(line.lstrip().startswith("#") for line in added), added
    mentioned = {account for account in ("globex", "hooli", "umbrella", "initech", "vandelay")
                 if any(re.search(rf"\b{account}\b", line) for line in added)}
    assert mentioned == {"globex", "hooli", "umbrella"}
    log = yaml.safe_load(text)
    assert log["week"] == "2026-W49"
    assert "2026-11-30" in text, "the template names the week's Monday"
    code, out, err = cli("check", "--content", str(content))
    assert code == 0, out + err  # the new file is a valid log (missing weeks only warn)


def test_new_week_never_overwrites(tmp_path: Path) -> None:
    content = pipeline_content(tmp_path / "content")
    path = content / "weeks" / "2026-W11.yaml"
    before = path.read_bytes()
    code, _, err = cli("new", "week", "--week", "2026-W11", "--content", str(content))
    assert code == 2  # a usage error: nothing is wrong with the content
    assert "already exists" in err and err.strip().count("\n") == 0
    assert path.read_bytes() == before
    code, _, _ = cli("new", "week", "--week", "2026-W49", "--content", str(content))
    assert code == 0
    edited = content / "weeks" / "2026-W49.yaml"
    edited.write_text(edited.read_text("utf-8") + "# mine\n", "utf-8")
    first = edited.read_bytes()
    code, _, _ = cli("new", "week", "--week", "2026-W49", "--content", str(content))
    assert code == 2
    assert edited.read_bytes() == first


def test_new_week_defaults_to_this_week(scaffolded: Path) -> None:
    content = scaffolded / "content"
    for path in (content / "weeks").iterdir():
        path.unlink()
    before = this_week()
    code, _, err = cli("new", "week", "--content", str(content))
    assert code == 0, err
    names = {p.stem for p in (content / "weeks").iterdir()}
    assert names <= {before, this_week()} and len(names) == 1
    code, _, err = cli("new", "week", "--content", str(content))
    assert code == 2, "the same week again is refused"


@pytest.mark.parametrize("week", ["2026-W60", "2026-W00", "2026-49", "W49", "2026-w49",
                                  "2026-W4", "2025-W53", "26-W49", "2026-W49x", ""])
def test_new_week_rejects_a_bad_week(tmp_path: Path, week: str) -> None:
    content = pipeline_content(tmp_path / "content")
    before = sorted(p.name for p in (content / "weeks").iterdir())
    code, _, err = cli("new", "week", "--week", week, "--content", str(content))
    assert code == 2, err
    assert "--week" in err
    assert sorted(p.name for p in (content / "weeks").iterdir()) == before


def test_new_week_accepts_week_53_of_a_long_year(tmp_path: Path) -> None:
    content = pipeline_content(tmp_path / "content")
    code, _, err = cli("new", "week", "--week", "2026-W53", "--content", str(content))
    assert code == 0, err
    assert (content / "weeks" / "2026-W53.yaml").is_file()


def test_new_week_needs_a_content_directory(tmp_path: Path) -> None:
    code, _, err = cli("new", "week", "--week", "2026-W49", "--content", str(tmp_path / "none"))
    assert code == 2
    assert "traction init" in err
    assert not (tmp_path / "none").exists()


# --- the generated workflows ---------------------------------------------------------------------


def test_generated_workflows_pass_our_rules(scaffolded: Path) -> None:
    workflows = scaffolded / ".github" / "workflows"
    for path in sorted(workflows.glob("*.yml")):
        doc = parse(path.read_text("utf-8"))
        assert doc.get("name"), path.name
        assert expression_in_run_problems(doc) == [], path.name
        assert permission_problems(doc) == [], path.name
        assert trigger_problems(doc) == [], path.name
        assert checkout_problems(doc) == [], path.name
        assert pin_problems(path.read_text("utf-8"), doc) == [], path.name
        assert pages_upload_problems(doc) == [], path.name
        assert source_date_problems(doc) == [], path.name  # any check/build is dated
        # The action is the repository's own copy, installing the release it pins.
        [action] = [step for job in doc["jobs"].values() for step in job["steps"]
                    if "traction" in step.get("uses", "")]
        assert action["uses"] == "./.github/actions/traction", path.name
        assert action["with"]["requirements"] == "requirements.txt", path.name
    pr = parse((workflows / "pr.yml").read_text("utf-8"))
    assert pr["concurrency"]["cancel-in-progress"] is True
    [diff] = [step for step in pr["jobs"]["diff"]["steps"] if step.get("id") == "diff"]
    assert diff["with"]["mode"] == "diff" and diff["with"]["comment"] is True
    publish = parse((workflows / "publish.yml").read_text("utf-8"))
    assert concurrency_problems(publish) == []
    uploads = [step for job in publish["jobs"].values() for step in job["steps"]
               if "upload-pages-artifact" in step.get("uses", "")]
    assert [step["with"]["path"] for step in uploads] == ["_site"]
    builds = [step for job in publish["jobs"].values() for step in job["steps"]
              if (step.get("with") or {}).get("out")]
    assert [step["with"]["out"] for step in builds] == ["_site"], "uploads what it built"
    assert "{action}" not in (workflows / "publish.yml").read_text("utf-8")
    # The vendored action dates check and build by the commit (SOURCE_DATE_EPOCH).
    action_doc = parse((scaffolded / ".github" / "actions" / "traction" / "action.yml")
                       .read_text("utf-8"))
    assert source_date_problems(action_doc) == []
    dated = [step for step in action_doc["runs"]["steps"]
             if "SOURCE_DATE_EPOCH" in (step.get("env") or {})]
    assert [step["name"] for step in dated] == ["Check content", "Build site"]


def test_generated_workflows_pass_actionlint(scaffolded: Path) -> None:
    workflows = sorted((scaffolded / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 2
    problems = _problems(_actionlint(*workflows))
    report = "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]"
                       for p in problems)
    assert not problems, f"actionlint found problems:\n{report}"


class FakeDistribution:
    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


@pytest.mark.parametrize(("direct_url", "expected"), [
    (None, f"traction-pages=={__version__}"),  # from PyPI (or a wheel)
    ('{"url": "file:///home/me/traction", "dir_info": {"editable": true}}',
     f"traction-pages=={__version__}"),  # a local checkout: CI cannot install that path
    ('{"url": "https://github.com/acme/traction", "vcs_info": {"vcs": "git", '
     '"commit_id": "' + "a" * 40 + '"}}',
     "traction-pages @ git+https://github.com/acme/traction@" + "a" * 40),
])
def test_requirements_pin_what_this_traction_was_installed_from(
        monkeypatch: pytest.MonkeyPatch, direct_url: str | None, expected: str) -> None:
    monkeypatch.setattr(scaffold.metadata, "distribution",
                        lambda name: FakeDistribution(direct_url))
    assert scaffold.traction_requirement() == expected
    assert scaffold.requirements_text(expected).splitlines()[-1] == expected
