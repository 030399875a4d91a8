"""`traction init` and `traction new week` (issue point 7; issue 12 §1, §2): a complete new
content repository that starts clean and carries the Traction its workflows install, this
week's log with every kind of entry and the open qualified leads, and never an overwrite."""

from __future__ import annotations

import datetime
import hashlib
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
from generator.tools.scaffold import week_text

INIT_FILES = [
    "content/traction.yaml",
    "content/case-studies/example.md",
    ".gitignore",
    ".github/workflows/publish.yml",
    ".github/workflows/pr.yml",
    ".github/actions/traction/action.yml",
    f".traction/traction_pages-{__version__}-py3-none-any.whl",
    ".traction/requirements.txt",
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
    code, _, err = cli("init", str(directory), "--company", "Initech")
    assert code == 0, err
    for name in INIT_FILES:
        assert (directory / name).is_file(), name
    assert not (directory / "content" / "weeks").exists(), "no week yet: `traction new week`"
    assert "created" in err

    config_text = (directory / "content" / "traction.yaml").read_text("utf-8")
    comments = [line for line in config_text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 5, "traction.yaml explains itself"
    config = yaml.safe_load(config_text)
    assert config["company"]["name"] == "Initech"
    assert config["privacy"] == {"show_revenue": False}

    study = (directory / "content" / "case-studies" / "example.md").read_text("utf-8")
    front = yaml.safe_load(study.split("---")[1])
    assert front["draft"] is True and front["title"]

    gitignore = (directory / ".gitignore").read_text("utf-8").splitlines()
    assert "_site/" in gitignore
    assert ".traction-cache/" in gitignore  # drawn cards, remade by any build
    assert not any(line.startswith(".traction") and line != ".traction-cache/"
                   for line in gitignore), "the wheel is committed"
    for name in ("traction.schema.json", "week.schema.json"):
        schema = json.loads((directory / name).read_text("utf-8"))
        assert schema.get("type") == "object" and schema.get("properties")


def pinned(directory: Path) -> tuple[Path, str]:
    """The wheel `.traction/requirements.txt` names, and the sha256 it pins."""
    text = (directory / ".traction" / "requirements.txt").read_text("utf-8")
    [line] = [line for line in text.splitlines() if line and not line.startswith("#")]
    match = re.fullmatch(r"\./(\.traction/[\w.-]+\.whl) --hash=sha256:([0-9a-f]{64})", line)
    assert match, line
    return directory / match[1], match[2]


def test_init_vendors_this_traction_pinned_by_its_hash(tmp_path: Path) -> None:
    code, _, err = cli("init", str(tmp_path / "one"))
    assert code == 0, err
    wheel, digest = pinned(tmp_path / "one")
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == digest
    assert f"install this Traction ({__version__}) from .traction/" in err
    assert "commit that folder" in err
    code, _, err = cli("init", str(tmp_path / "two"))
    assert code == 0, err
    assert (tmp_path / "two" / wheel.relative_to(tmp_path / "one")).read_bytes() == \
        wheel.read_bytes(), "the same Traction vendors the same bytes"


def test_init_says_what_to_do_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = cli("init", str(tmp_path / "repo"))
    assert code == 0, err
    steps = err[err.index("Next:"):]
    for step in (f"cd {tmp_path / 'repo'}", "traction new week", "traction serve",
                 "push it to main", "Pages → Source:\n  GitHub Actions", "site.url"):
        assert step in steps, step
    code, out, err = cli("init", "-q", str(tmp_path / "quiet"))
    assert code == 0 and out == err == "", "-q: only problems"
    monkeypatch.chdir(tmp_path / "quiet")
    code, out, err = cli("init")
    assert code == 0, err
    assert "  cd " not in err and "traction new week" in err, "already there"


def test_a_kept_requirements_file_keeps_the_traction_it_pins(scaffolded: Path) -> None:
    requirements = scaffolded / ".traction" / "requirements.txt"
    requirements.write_text("./.traction/old.whl --hash=sha256:" + "0" * 64 + "\n", "utf-8")
    for path in (scaffolded / ".traction").glob("traction_pages-*.whl"):
        path.unlink()
    code, _, err = cli("init", str(scaffolded))
    assert code == 0, err
    assert sorted(p.name for p in (scaffolded / ".traction").iterdir()) == ["requirements.txt"]
    assert "kept .traction/requirements.txt: the workflows install the Traction it pins" in err
    assert "delete .traction/ and run `traction init` again" in err


def fill_in(content: Path) -> None:
    """What a founder does first: replace the templates' example text (which `check` points
    out) with their own."""
    config = content / "traction.yaml"
    config.write_text(config.read_text("utf-8")
                      .replace("https://example.github.io/progress/",
                               "https://initech.github.io/progress/")
                      .replace("What you do, in one line", "Spreadsheets for warehouses")
                      .replace("Our road from first call to repeatable sales, week by week.",
                               "From first call to repeatable sales."), "utf-8")
    for week in (content / "weeks").glob("*.yaml") if (content / "weeks").is_dir() else ():
        week.write_text(week.read_text("utf-8").replace(
            "What happened, what we learned, what's next.", "Two demos, one pilot."), "utf-8")


def test_init_gives_a_clean_start_and_new_week_makes_the_first_week(tmp_path: Path) -> None:
    """Issue 12 §1: no demo weeks, no warning; `new week` right after `init` creates this
    week's log, which checks clean too."""
    directory = tmp_path / "repo"
    code, _, err, _, _ = init(directory, "--company", "Initech")
    assert code == 0, err
    content = directory / "content"
    code, out, err = cli("check", "--content", str(content))
    assert code == 0, out + err
    assert "0 weeks" in out + err and "0 errors" in out + err
    warnings = [line for line in out.splitlines() if ": warning: " in line]
    assert warnings and all("example" in line for line in warnings), out  # no missing week
    fill_in(content)
    code, out, err = cli("check", "--strict", "--content", str(content))
    assert code == 0 and "0 errors, 0 warnings" in out + err, out + err
    site = tmp_path / "site"
    code, out, err = cli("build", "--content", str(content), "--out", str(site))
    assert code == 0, out + err
    assert "Initech" in (site / "index.html").read_text("utf-8")

    before = this_week()
    code, _, err = cli("new", "week", "--content", str(content))
    assert code == 0, err
    week = week_file(directory, before, this_week())
    assert "created" in err and week.name in err
    assert yaml.safe_load(week.read_text("utf-8"))["week"] == week.stem
    fill_in(content)
    code, out, err = cli("check", "--strict", "--content", str(content))
    assert code == 0, out + err
    assert "1 week" in out + err and "0 errors, 0 warnings" in out + err


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


# An example in the weekly template: a comment whose text is a YAML list item or a lowercase
# key, below the `week:` line (above it, `# yaml-language-server: ...` is a directive).
EXAMPLE = re.compile(r"# (?=\s*(?:- |[a-z][\w-]*:(?: |$)))")


def uncomment_examples(text: str) -> tuple[str, list[str]]:
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("week:"))
    examples = [n for n, line in enumerate(lines) if n > start and EXAMPLE.match(line)]
    for n in examples:
        lines[n] = lines[n][2:]
    return "\n".join(lines) + "\n", [lines[n] for n in examples]


def test_the_weekly_template_shows_every_kind_of_entry(scaffolded: Path) -> None:
    """Issue 12 §2: every account event, the list signals and spend, as comments; the file
    as written checks clean, and with every example uncommented it still does."""
    content = scaffolded / "content"
    code, _, err = cli("new", "week", "--week", "2026-W49", "--content", str(content))
    assert code == 0, err
    path = content / "weeks" / "2026-W49.yaml"
    written = path.read_text("utf-8")
    assert yaml.safe_load(written) == {"week": "2026-W49", "calls": None, "accounts": None,
                                       "summary": "What happened, what we learned, what's next.\n"}
    fill_in(content)
    written = path.read_text("utf-8")
    code, out, err = cli("check", "--strict", "--content", str(content))
    assert code == 0, out + err

    text, examples = uncomment_examples(written)
    log = yaml.safe_load(text)
    events = {entry["event"] for entry in log["accounts"]}
    assert events == {"qualified", "won", "lost", "paid", "hell-yes", "meh", "renewed",
                      "churned"}
    assert {entry["interval"] for entry in log["accounts"] if entry["event"] == "paid"} <= {
        "month", "year", "once"}
    [call] = log["calls"]
    assert set(call) == {"date", "with", "account", "type", "status", "notes"}
    assert log["list"]["subscribers"] == 412
    assert {event["type"] for event in log["list"]["events"]} == {"question", "sale", "inquiry"}
    assert log["spend"] == [{"source": "founder-network", "amount": 300}]
    assert set(log) == {"week", "summary", "calls", "accounts", "list", "spend"}
    assert len(examples) == 6 + 10 + 6 + 2, "only example lines were uncommented"
    path.write_text(text, "utf-8")
    code, out, err = cli("check", "--strict", "--content", str(content))
    assert code == 0, out + err
    assert "0 errors, 0 warnings" in out + err


def test_uncommenting_finds_a_broken_example(scaffolded: Path) -> None:
    """The test above would catch a wrong example: one here fails `check`."""
    content = scaffolded / "content"
    text = week_text("2026-W49", []).replace("event: won,", "event: wonn,")
    (content / "weeks").mkdir()
    (content / "weeks" / "2026-W49.yaml").write_text(uncomment_examples(text)[0], "utf-8")
    code, out, err = cli("check", "--content", str(content))
    assert code == 1 and "wonn" in out + err


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
        # The action is the repository's own copy, installing the wheel vendored beside it.
        [action] = [step for job in doc["jobs"].values() for step in job["steps"]
                    if "traction" in step.get("uses", "")]
        assert action["uses"] == "./.github/actions/traction", path.name
        assert action["with"]["requirements"] == ".traction/requirements.txt", path.name
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


def test_in_a_traction_checkout_the_workflows_install_its_source(tmp_path: Path) -> None:
    """A copy of Traction's own repository (README option A) has the source the action
    installs: `init` vendors nothing, and workflows it writes install that source."""
    root = Path(__file__).resolve().parent.parent
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "pyproject.toml").write_bytes((root / "pyproject.toml").read_bytes())
    code, _, err = cli("init", str(tmp_path / "copy"))
    assert code == 0, err
    assert "the workflows install Traction from its source in this repository" in err
    assert not (tmp_path / "copy" / ".traction").exists()
    for name in ("publish.yml", "pr.yml"):
        doc = parse((tmp_path / "copy" / ".github" / "workflows" / name).read_text("utf-8"))
        [action] = [step for job in doc["jobs"].values() for step in job["steps"]
                    if step.get("uses") == "./.github/actions/traction"]
        assert "requirements" not in action["with"], name
        assert action["with"]["cache-dependency-path"] == "pyproject.toml", name


def test_generated_workflows_pass_actionlint(scaffolded: Path) -> None:
    workflows = sorted((scaffolded / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 2
    problems = _problems(_actionlint(*workflows))
    report = "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]"
                       for p in problems)
    assert not problems, f"actionlint found problems:\n{report}"
