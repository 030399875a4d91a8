"""Run the workflows and the composite action locally, step by step, and check what they write.

tests/test_workflows.py lints the YAML; this module executes it. A small runner
reads a workflow with PyYAML, runs its jobs in `needs` order and each job's
steps in order, the way a GitHub-hosted Ubuntu runner would:

- `run:` steps go through `bash --noprofile --norc -e -o pipefail` in the job's
  workspace, with the `env:` of the workflow, the job and the step, every
  `${{ }}` evaluated by a tiny evaluator that knows exactly the expressions the
  files use and raises on anything else (so a changed workflow fails here
  loudly instead of being half-simulated); `if:` conditions likewise.
- Each `run:` step gets a fresh `GITHUB_OUTPUT` (read back into
  `steps.<id>.outputs`), the job shares one `GITHUB_STEP_SUMMARY`, and
  `RUNNER_TEMP`, `GITHUB_WORKSPACE`, `GITHUB_REPOSITORY=owner/repo` are set.
- `uses:` steps are simulated: checkout clones a throwaway git repository
  (honouring `fetch-depth`), setup-python makes `python` available,
  configure-pages answers a sub-path base URL, upload-pages-artifact keeps the
  directory it is given (which must hold index.html), deploy-pages needs that
  artifact and the Pages permissions. A composite action (this repository's
  `.github/actions/traction`) runs its own steps the same way, with `inputs.*`.
- Tools on PATH are shims: `python -m pip install X` records X (which must be
  an installable Traction) instead of installing; `traction` runs
  `python -m generator` from this checkout once something was installed; `gh`
  is a fake GitHub API that keeps the pull request's comments in a JSON file,
  checks the token's permissions and logs every call. `jq` is the real one when
  the machine has it, else a shim for the two filters the workflows use.
- A runner may be given a `clock`, the day its jobs run: `date` and Python's
  `time.time()` (so `datetime.date.today()`) in every step tell that time. A
  site built from a commit must not depend on it. Like a GitHub runner, a job
  starts without SOURCE_DATE_EPOCH even when the test process has one.

The shims are this file run as a script (`python test_workflow_steps.py gh|pip|jq ...`).
Nothing leaves the temporary directories; there is no network.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BASE_CONFIG, ROOT, run_traction, write_content
from test_diff import BASE_WEEKS, HEAD_WEEKS, MARKER, commit, day, epoch, git, new_repo, week

WORKFLOWS = ROOT / ".github" / "workflows"
ACTION_DIR = ROOT / ".github" / "actions" / "traction"
REPOSITORY = "owner/repo"
PAGES_BASE_URL = "https://example.github.io/repo"
BOT = "github-actions[bot]"
SELF = Path(__file__).resolve()
EARLY = "2026-W09"  # a week that lands on main while the pull request is open

Weeks = dict[str, dict[str, Any] | str]  # what write_content takes

END_OF_W13, END_OF_W15 = day("2026-W13", 7), day("2026-W15", 7)  # commit dates


class Unsimulated(Exception):
    """The workflow uses something this runner does not simulate: update the runner."""


# --- expressions ----------------------------------------------------------------------------

STATUS_FUNCTIONS = frozenset({"always", "success", "cancelled"})
GITHUB_PATHS = frozenset({
    "github.event.pull_request.base.sha",
    "github.event.pull_request.head.sha",
    "github.event.pull_request.number",
    "github.event.pull_request.head.repo.full_name",
    "github.repository",
    "github.token",
    "github.ref",
    "github.action_path",
    "github.actor",
})
_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(\))"
                    r"|(?P<name>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*))")
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)

Node = tuple[Any, ...]


@dataclass
class Scope:
    """What an expression can see at one point of a job."""

    github: dict[str, Any]
    runner_temp: str
    steps: dict[str, StepResult]
    inputs: dict[str, str] | None = None
    failed: bool = False  # an earlier step (or a needed job) failed: success() is false

    def lookup(self, path: str) -> Any:
        if path in GITHUB_PATHS:
            value: Any = self.github
            for part in path.split(".")[1:]:
                if not isinstance(value, dict) or part not in value:
                    raise Unsimulated(f"`{path}` has no value in this event or scope")
                value = value[part]
            return value
        if path == "runner.temp":
            return self.runner_temp
        step = re.fullmatch(r"steps\.([\w-]+)\.(outcome|outputs\.([\w-]+))", path)
        if step:
            if step[1] not in self.steps:
                raise Unsimulated(f"`{path}`: no step `{step[1]}` has run before this point")
            result = self.steps[step[1]]
            return result.outcome if step[2] == "outcome" else result.outputs.get(step[3], "")
        name = re.fullmatch(r"inputs\.([\w-]+)", path)
        if name and self.inputs is not None:
            if name[1] not in self.inputs:
                raise Unsimulated(f"`{path}`: the action declares no such input")
            return self.inputs[name[1]]
        raise Unsimulated(f"the expression `{path}` is not simulated")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while text[pos:].strip():
        match = _TOKEN.match(text, pos)
        if match is None:
            raise Unsimulated(f"expression syntax not simulated at {text[pos:]!r} in {text!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match[kind]))
        pos = match.end()
    return tokens


def parse_expression(text: str) -> Node:
    """`a || b`, `a && b`, `a == b`, `a != b`, `!a`, `'string'`, `context.path`,
    `always()`/`success()`/`cancelled()`: the grammar the workflows use, and nothing more."""
    tokens = _tokens(text)
    pos = 0

    def peek() -> tuple[str, str] | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        if pos >= len(tokens):
            raise Unsimulated(f"incomplete expression {text!r}")
        pos += 1
        return tokens[pos - 1]

    def disjunction() -> Node:
        nodes = [conjunction()]
        while peek() == ("op", "||"):
            take()
            nodes.append(conjunction())
        return nodes[0] if len(nodes) == 1 else ("or", nodes)

    def conjunction() -> Node:
        nodes = [equality()]
        while peek() == ("op", "&&"):
            take()
            nodes.append(equality())
        return nodes[0] if len(nodes) == 1 else ("and", nodes)

    def equality() -> Node:
        left = unary()
        if peek() in (("op", "=="), ("op", "!=")):
            _, op = take()
            node = ("eq", left, unary())
            return node if op == "==" else ("not", node)
        return left

    def unary() -> Node:
        if peek() == ("op", "!"):
            take()
            return ("not", unary())
        kind, value = take()
        if kind == "string":
            return ("str", value[1:-1].replace("''", "'"))
        if kind == "name":
            if peek() == ("op", "()"):
                take()
                if value not in STATUS_FUNCTIONS:
                    raise Unsimulated(f"function {value}() is not simulated")
                return ("call", value)
            return ("ctx", value)
        raise Unsimulated(f"unexpected {value!r} in {text!r}")

    node = disjunction()
    if pos != len(tokens):
        raise Unsimulated(f"expression syntax not simulated: {text!r}")
    return node


def _truthy(value: Any) -> bool:
    return value not in (None, False, 0, "")


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()  # GitHub compares strings ignoring case
    if type(left) is not type(right):
        raise Unsimulated(f"comparing {left!r} with {right!r} is not simulated")
    return bool(left == right)


def evaluate(node: Node, scope: Scope) -> Any:
    kind = node[0]
    if kind == "str":
        return node[1]
    if kind == "ctx":
        return scope.lookup(node[1])
    if kind == "call":
        return {"always": True, "success": not scope.failed, "cancelled": False}[node[1]]
    if kind == "not":
        return not _truthy(evaluate(node[1], scope))
    if kind == "eq":
        return _equal(evaluate(node[1], scope), evaluate(node[2], scope))
    value: Any = True
    for child in node[1]:  # "and": the first falsy value; "or": the first truthy one
        value = evaluate(child, scope)
        if _truthy(value) == (kind == "or"):
            return value
    return value


def _calls_status(node: Node) -> bool:
    if node[0] == "call":
        return True
    if node[0] in ("and", "or"):
        return any(_calls_status(child) for child in node[1])
    return any(isinstance(child, tuple) and _calls_status(child) for child in node[1:])


def _string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise Unsimulated(f"cannot turn {value!r} into a string")


def interpolate(value: Any, scope: Scope) -> Any:
    """Replace every `${{ }}` in a string; other YAML values stay as they are."""
    if not isinstance(value, str):
        return value
    return _EXPRESSION.sub(lambda m: _string(evaluate(parse_expression(m[1]), scope)), value)


def condition(raw: Any, scope: Scope) -> bool:
    """A step's or job's `if:`. Without a status function it means `success() && (...)`."""
    if raw is None:
        return not scope.failed
    if not isinstance(raw, str):
        raise Unsimulated(f"`if: {raw!r}` is not simulated")
    text = raw.strip()
    wrapped = re.fullmatch(r"\$\{\{(.*)\}\}", text, re.DOTALL)
    if wrapped:
        text = wrapped[1]
    if "${{" in text:
        raise Unsimulated(f"`if: {raw}` mixes text and expressions")
    node = parse_expression(text)
    if not _calls_status(node):
        node = ("and", [("call", "success"), node])
    return _truthy(evaluate(node, scope))


def parse_outputs(text: str) -> dict[str, str]:
    """The `GITHUB_OUTPUT` file: `name=value` lines and `name<<DELIMITER` blocks."""
    outputs: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals > 0 and (heredoc < 0 or equals < heredoc):
            name, value = line.split("=", 1)
            outputs[name] = value
            continue
        if heredoc <= 0:
            raise Unsimulated(f"GITHUB_OUTPUT line {line!r} is neither name=value nor name<<EOF")
        name, delimiter = line[:heredoc], line[heredoc + 2:]
        body: list[str] = []
        while index < len(lines) and lines[index] != delimiter:
            body.append(lines[index])
            index += 1
        if index == len(lines):
            raise Unsimulated(f"GITHUB_OUTPUT: {name}<<{delimiter} is never closed")
        index += 1
        outputs[name] = "\n".join(body)
    return outputs


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    name: str  # pull_request, push, workflow_dispatch
    ref: str
    sha: str
    branch: str  # the branch of the origin repository that actions/checkout fetches
    payload: dict[str, Any] = field(default_factory=dict)
    actor: str = "dana"  # who triggered the run

    @property
    def from_fork(self) -> bool:
        head = self.payload.get("pull_request", {}).get("head", {})
        return bool(head) and head["repo"]["full_name"] != REPOSITORY


@dataclass
class StepResult:
    name: str
    id: str
    kind: str  # "run", or the action a `uses:` step runs (without @ref)
    outcome: str  # success, failure or skipped
    outputs: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    steps: list[StepResult] = field(default_factory=list)  # a composite action's own steps

    def step(self, name: str) -> StepResult:
        return _find(self.steps, name)


@dataclass
class JobResult:
    id: str
    status: str  # success, failure or skipped
    workspace: Path
    runner_temp: Path
    steps: list[StepResult] = field(default_factory=list)
    summary: str = ""
    environment_url: str | None = None

    def step(self, name: str) -> StepResult:
        return _find(self.steps, name)

    def log(self) -> str:
        lines = [f"job {self.id}: {self.status}"]

        def add(steps: list[StepResult], indent: str) -> None:
            for s in steps:
                lines.append(f"{indent}- {s.name} [{s.kind}]: {s.outcome} {s.outputs or ''}")
                lines.extend(f"{indent}    | {line}"
                             for line in (s.stdout + s.stderr)[-3000:].splitlines())
                add(s.steps, indent + "    ")

        add(self.steps, "  ")
        return "\n".join(lines)


@dataclass
class RunResult:
    directory: Path
    jobs: dict[str, JobResult] = field(default_factory=dict)  # in the order they ran
    artifacts: dict[str, Path] = field(default_factory=dict)
    uploads: list[str] = field(default_factory=list)  # the `path:` of every Pages upload
    deployed: Path | None = None
    concurrency: str | None = None

    def log(self) -> str:
        return "\n".join(job.log() for job in self.jobs.values())


def _find(steps: list[StepResult], name: str) -> StepResult:
    found = [s for s in steps if name in (s.name, s.id)]
    assert len(found) == 1, f"no single step named {name!r} in {[s.name for s in steps]}"
    return found[0]


# --- the fake GitHub API (test side) -----------------------------------------------------------


@dataclass(frozen=True)
class Call:
    argv: list[str]
    method: str
    endpoint: str
    payload: Any
    token: str
    exit: int


class FakeGitHub:
    """The repository's pull-request comments and the tokens jobs may use, in a JSON file
    that the `gh` shim reads and writes; every `gh` call is logged."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.state_file = root / "state.json"
        self.log_file = root / "calls.jsonl"
        self._save({"repository": REPOSITORY, "tokens": {}, "comments": [], "next_id": 4001})

    def _load(self) -> dict[str, Any]:
        state: dict[str, Any] = json.loads(self.state_file.read_text("utf-8"))
        return state

    def _save(self, state: dict[str, Any]) -> None:
        self.state_file.write_text(json.dumps(state), "utf-8")

    def register_token(self, token: str, permissions: dict[str, str]) -> None:
        state = self._load()
        state["tokens"][token] = permissions
        self._save(state)

    def add_comment(self, issue: int, login: str, body: str) -> int:
        state = self._load()
        comment_id: int = state["next_id"]
        state["comments"].append({"id": comment_id, "issue": issue, "login": login,
                                  "body": body})
        state["next_id"] += 1
        self._save(state)
        return comment_id

    def comments(self, issue: int) -> list[dict[str, Any]]:
        return [c for c in self._load()["comments"] if c["issue"] == issue]

    def calls(self) -> list[Call]:
        if not self.log_file.exists():
            return []
        return [Call(**json.loads(line)) for line in self.log_file.read_text("utf-8").splitlines()]


# --- the shims (this file run as a script) ---------------------------------------------------


class _GhError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


_JQ_SELECT = re.compile(r'\.\[\] \| select\(\.user\.login == "([^"]+)" and '
                        r'\(\.body \| contains\("([^"]*)"\)\)\) \| \.id')


def _comment_body(payload: Any) -> str:
    if not isinstance(payload, dict) or set(payload) != {"body"} or not isinstance(
            payload["body"], str):
        raise _GhError(1, f"HTTP 422: Unprocessable Entity (payload {payload!r:.200})")
    if len(payload["body"]) > 65536:
        raise _GhError(1, "HTTP 422: body is too long (maximum is 65536 characters)")
    return payload["body"]


def _comment_json(comment: dict[str, Any]) -> str:
    return json.dumps({"id": comment["id"], "user": {"login": comment["login"]},
                       "body": comment["body"]}) + "\n"


def _gh_api(state: dict[str, Any], args: list[str], call: dict[str, Any]) -> str:
    if not args or args[0] != "api":
        raise _GhError(2, f"fake gh: only `gh api` is simulated, not {args!r}")
    method: str | None = None
    jq: str | None = None
    payload_text: str | None = None
    endpoint: str | None = None
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--paginate":
            continue
        if arg in ("--method", "-X"):
            method = next(rest)
        elif arg in ("--jq", "-q"):
            jq = next(rest)
        elif arg == "--input":
            source = next(rest)
            payload_text = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8")
        elif arg.startswith("-") or endpoint is not None:
            raise _GhError(2, f"fake gh: argument {arg!r} is not simulated")
        else:
            endpoint = arg
    if endpoint is None:
        raise _GhError(2, "fake gh: no endpoint")
    method = method or ("POST" if payload_text is not None else "GET")
    payload = json.loads(payload_text) if payload_text is not None else None
    call.update(method=method, endpoint=endpoint, payload=payload)

    token = os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN") or ""
    if not token:
        raise _GhError(4, "To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN "
                          "environment variable.")
    if token not in state["tokens"]:
        raise _GhError(1, "HTTP 401: Bad credentials")
    permissions = state["tokens"][token]
    if method != "GET" and "write" not in (permissions.get("pull-requests"),
                                           permissions.get("issues")):
        raise _GhError(1, "HTTP 403: Resource not accessible by integration")

    prefix = re.escape(f"repos/{state['repository']}/issues/")
    listing = re.fullmatch(rf"{prefix}(\d+)/comments", endpoint)
    single = re.fullmatch(rf"{prefix}comments/(\d+)", endpoint)
    if listing and method == "GET":
        comments = [{"id": c["id"], "user": {"login": c["login"]}, "body": c["body"]}
                    for c in state["comments"] if c["issue"] == int(listing[1])]
        if jq is None:
            return json.dumps(comments) + "\n"
        select = _JQ_SELECT.fullmatch(jq.strip())
        if select is None:
            raise _GhError(2, f"fake gh: --jq {jq!r} is not simulated")
        login, needle = select.groups()
        return "".join(f"{c['id']}\n" for c in comments
                       if c["user"]["login"] == login and needle in c["body"])
    if listing and method == "POST":
        comment = {"id": state["next_id"], "issue": int(listing[1]), "login": BOT,
                   "body": _comment_body(payload)}
        state["next_id"] += 1
        state["comments"].append(comment)
        return _comment_json(comment)
    if single and method == "PATCH":
        found = [c for c in state["comments"] if c["id"] == int(single[1])]
        if not found:
            raise _GhError(1, "HTTP 404: Not Found")
        if found[0]["login"] != BOT:
            raise _GhError(1, "HTTP 403: the token may only edit its own comments")
        found[0]["body"] = _comment_body(payload)
        return _comment_json(found[0])
    raise _GhError(1, f"HTTP 404: Not Found ({method} {endpoint})")


def _fake_gh(root: Path, args: list[str]) -> int:
    state_file = root / "state.json"
    state = json.loads(state_file.read_text("utf-8"))
    call: dict[str, Any] = {"argv": args, "method": "", "endpoint": "", "payload": None,
                            "token": os.environ.get("GH_TOKEN", "")}
    try:
        out, code = _gh_api(state, args, call), 0
    except _GhError as exc:
        out, code = "", exc.code
        print(f"gh: {exc}", file=sys.stderr)
    call["exit"] = code
    with (root / "calls.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(call) + "\n")
    state_file.write_text(json.dumps(state), "utf-8")
    sys.stdout.write(out)
    return code


def _fake_pip(state: Path, args: list[str]) -> int:
    """`python -m pip install TARGET`: check TARGET is Traction, remember it, install nothing.
    `--require-hashes --no-deps -r FILE` must name a Traction wheel and its real sha256 (this
    checkout stands in for it); `-r FILE` of its dependencies needs it installed first."""
    if args[:4] == ["--disable-pip-version-check", "--require-hashes", "--no-deps", "-r"] \
            and len(args) == 5:
        try:
            lines = Path(args[4]).read_text("utf-8").splitlines()
        except FileNotFoundError:
            print(f"ERROR: Could not open requirements file: {args[4]!r}", file=sys.stderr)
            return 1
        pins = [re.fullmatch(r"(\S+/traction_pages-[\w.]+-py3-none-any\.whl)"
                             r" --hash=sha256:([0-9a-f]{64})", line)
                for line in lines if line.strip() and not line.startswith("#")]
        if len(pins) != 1 or pins[0] is None:
            print(f"fake pip: {args[4]} does not pin one Traction wheel by hash", file=sys.stderr)
            return 1
        wheel, digest = pins[0][1], pins[0][2]
        if not Path(wheel).is_file():
            print(f"ERROR: Could not install requirement: {wheel!r} does not exist",
                  file=sys.stderr)
            return 1
        if hashlib.sha256(Path(wheel).read_bytes()).hexdigest() != digest:
            print("ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.",
                  file=sys.stderr)
            return 1
        (state / "installed").write_text(f"{ROOT} (as {wheel})", "utf-8")
        print(f"Successfully installed {Path(wheel).name} (simulated: nothing was installed)")
        return 0
    if args[:2] == ["--disable-pip-version-check", "-r"] and len(args) == 3:
        # Traction's dependencies, as its metadata names them: already here, like Traction.
        wanted = [line for line in Path(args[2]).read_text("utf-8").splitlines() if line]
        if not (state / "installed").is_file() or not wanted or any(
                re.match(r"traction[-_]pages\b", line, re.I) for line in wanted):
            print(f"fake pip: `pip install -r` of {wanted!r} is not simulated", file=sys.stderr)
            return 1
        print(f"Requirement already satisfied: {', '.join(wanted)} (simulated)")
        return 0
    flags = {arg for arg in args if arg.startswith("-")}
    targets = [arg for arg in args if not arg.startswith("-")]
    if flags - {"--disable-pip-version-check", "-q", "--quiet"} or len(targets) != 1:
        print(f"fake pip: `pip install {shlex.join(args)}` is not simulated", file=sys.stderr)
        return 2
    pyproject = Path(targets[0]) / "pyproject.toml"
    if not pyproject.is_file():
        print(f"ERROR: Directory {targets[0]!r} is not installable. Neither 'setup.py' nor "
              "'pyproject.toml' found.", file=sys.stderr)
        return 1
    scripts = tomllib.loads(pyproject.read_text("utf-8")).get("project", {}).get("scripts", {})
    if "traction" not in scripts:
        print(f"fake pip: {pyproject} does not provide the `traction` command", file=sys.stderr)
        return 1
    (state / "installed").write_text(str(pyproject.parent.resolve()), "utf-8")
    print("Successfully installed traction-pages (simulated: nothing was installed)")
    return 0


def _fake_jq(args: list[str]) -> int:
    """Only for machines without jq: the two filters the workflows use."""
    if len(args) == 5 and args[:2] == ["-n", "--rawfile"] and args[4] == f"{{body: ${args[2]}}}":
        text = Path(args[3]).read_text("utf-8")
    elif args == ["-Rs", "{body: .}"]:
        text = sys.stdin.read()
    else:
        print(f"jq shim: {shlex.join(args)} is not simulated (install jq)", file=sys.stderr)
        return 2
    print(json.dumps({"body": text}, ensure_ascii=False))
    return 0


def _shim_main(argv: list[str]) -> int:
    tool, *args = argv
    if tool == "gh":
        return _fake_gh(Path(args[0]), args[1:])
    if tool == "pip":
        return _fake_pip(Path(args[0]), args[1:])
    if tool == "jq":
        return _fake_jq(args)
    raise SystemExit(f"unknown shim {tool}")


def _clean_environ() -> dict[str, str]:
    """The test process's environment without anything a real runner (or git hook) set.
    A GitHub runner sets no SOURCE_DATE_EPOCH either: only a workflow or the action does."""
    drop = ("GITHUB_", "RUNNER_", "ACTIONS_", "INPUT_", "GH_", "GIT_")
    return {key: value for key, value in os.environ.items()
            if not key.startswith(drop) and key not in ("CI", "SOURCE_DATE_EPOCH")}


CLOCK_MODULE = """\
# The simulated clock of one job (tests/test_workflow_steps.py): time.time(), and through it
# datetime.date.today() and datetime.datetime.today(), tell {iso}.
import time

time.time = lambda: {seconds!r}
time.time_ns = lambda: {nanoseconds!r}
"""


def _write_clock(clock_dir: Path, clock: datetime.datetime) -> dict[str, str]:
    """The job's clock: a sitecustomize for Python, a `date` that tells that time unless asked
    about another one. Returns the shims to add."""
    if clock.tzinfo is None:
        raise ValueError("give the clock a time zone")
    seconds = clock.timestamp()
    clock_dir.mkdir(parents=True, exist_ok=True)
    (clock_dir / "sitecustomize.py").write_text(CLOCK_MODULE.format(
        iso=clock.isoformat(), seconds=seconds, nanoseconds=int(seconds * 1_000_000_000)),
        "utf-8")
    real_date = shutil.which("date", path=_clean_environ().get("PATH", os.defpath))
    if real_date is None:
        raise Unsimulated("no `date` on this machine to simulate the clock with")
    date = shlex.quote(real_date)
    return {"date": f"""
for arg in "$@"; do
  case "$arg" in -d*|--date*|-r*|--reference*|-f*|--file*|-s*|--set*) exec {date} "$@" ;; esac
done
exec {date} --date=@{int(seconds)} "$@"
"""}


def _write_tools(bin_dir: Path, state: Path, github: FakeGitHub,
                 clock: datetime.datetime | None = None, venv: Path | None = None) -> None:
    """The shims on the job's PATH. With `venv`, `python` is that environment's own
    interpreter (pip installs for real) and `traction` is the command installed there."""
    python, me, st = (shlex.quote(str(p)) for p in (sys.executable, SELF, state))
    root = shlex.quote(str(ROOT))
    clock_dir = state.parent / "clock"
    # With a clock, every Python the steps start imports its sitecustomize first.
    timed = f"export PYTHONPATH={shlex.quote(str(clock_dir))}${{PYTHONPATH:+:$PYTHONPATH}}\n"
    if clock is None:
        timed = ""
    set_up = f"""
if [ ! -e {st}/python ]; then
  echo "python: command not found (no actions/setup-python step has run)" >&2; exit 127
fi
"""
    tools = {
        "python": set_up + f"""{timed}if [ "${{1-}} ${{2-}} ${{3-}}" = "-m pip install" ]; then
  exec {python} {me} pip {st} "${{@:4}}"
fi
exec {python} "$@"
""",
        "traction": f"""
if [ ! -e {st}/installed ]; then echo "traction: command not found" >&2; exit 127; fi
export PYTHONPATH={root}${{PYTHONPATH:+:$PYTHONPATH}}
{timed}exec {python} -m generator "$@"
""",
        "gh": f'exec {python} {me} gh {shlex.quote(str(github.root))} "$@"\n',
    }
    if venv is not None:
        real = shlex.quote(str(venv / "bin"))
        tools["python"] = set_up + f'exec {real}/python "$@"\n'
        tools["traction"] = (f'if [ ! -x {real}/traction ]; then echo "traction: command not '
                             f'found" >&2; exit 127; fi\nexec {real}/traction "$@"\n')
    if shutil.which("jq", path=_clean_environ().get("PATH", os.defpath)) is None:
        tools["jq"] = f'exec {python} {me} jq "$@"\n'
    if clock is not None:
        tools.update(_write_clock(clock_dir, clock))
    for name, body in tools.items():
        path = bin_dir / name
        path.write_text("#!/usr/bin/env bash\n" + body.lstrip("\n"), "utf-8")
        path.chmod(0o755)


# --- the runner -------------------------------------------------------------------------------

WORKFLOW_KEYS = frozenset({"name", "on", "permissions", "concurrency", "jobs", "env"})
JOB_KEYS = frozenset({"name", "runs-on", "timeout-minutes", "permissions", "needs", "if",
                      "environment", "env", "steps"})
STEP_KEYS = frozenset({"name", "id", "if", "uses", "with", "run", "env", "shell",
                       "timeout-minutes"})
ACTION_KEYS = frozenset({"name", "description", "author", "branding", "inputs", "outputs",
                         "runs"})


def _only(mapping: Mapping[str, Any], allowed: frozenset[str] | set[str], where: str) -> None:
    extra = set(mapping) - set(allowed)
    if extra:
        raise Unsimulated(f"{where}: {sorted(extra)} not simulated")


def load_yaml(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(doc, dict), path
    if True in doc:  # YAML 1.1 reads the key `on` as True
        doc["on"] = doc.pop(True)
    return doc


def _triggered(doc: dict[str, Any], event: Event) -> bool:
    on = doc["on"]
    triggers = {on: None} if isinstance(on, str) else dict.fromkeys(on) if isinstance(
        on, list) else on
    if event.name not in triggers:
        return False
    spec = triggers[event.name] or {}
    _only(spec, {"branches"}, f"on.{event.name}")
    if "branches" not in spec:
        return True
    if event.name != "push" or any(set(b) & set("*?[!") for b in spec["branches"]):
        raise Unsimulated(f"on.{event.name}.branches {spec['branches']!r}")
    return event.ref.removeprefix("refs/heads/") in spec["branches"]


def _needs(job: dict[str, Any]) -> list[str]:
    needs = job.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


def _job_order(jobs: dict[str, Any]) -> list[str]:
    order: list[str] = []
    while len(order) < len(jobs):
        ready = [j for j in jobs if j not in order and all(n in order for n in _needs(jobs[j]))]
        if not ready:
            raise Unsimulated(f"jobs wait on each other: {jobs.keys() - set(order)}")
        order.append(ready[0])
    return order


def _permissions(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Unsimulated(f"permissions {value!r}")
    return {str(scope): str(access) for scope, access in value.items()}


@dataclass
class JobState:
    id: str
    home: Path
    event: Event
    run: RunResult
    permissions: dict[str, str]
    github: dict[str, Any]
    counter: int = 0

    def __post_init__(self) -> None:
        for name in ("workspace", "temp", "bin", "state", "files", "scripts"):
            (self.home / name).mkdir(parents=True)

    @property
    def workspace(self) -> Path:
        return self.home / "workspace"

    @property
    def temp(self) -> Path:
        return self.home / "temp"

    @property
    def state(self) -> Path:
        return self.home / "state"


Outcome = tuple[str, dict[str, str], str]  # outcome, outputs, log


class Runner:
    """Runs workflows against clones of `origin`, one fresh runner directory per job."""

    def __init__(self, origin: Path, workdir: Path, github: FakeGitHub,
                 actions: Mapping[str, Path] | None = None,
                 clock: datetime.datetime | None = None, venv: Path | None = None) -> None:
        self.origin = origin
        self.clock = clock  # the time the jobs run at; None: the machine's own clock
        # A real virtual environment for setup-python to provide, pip and all, offline: no
        # index, no pip configuration, nothing on PYTHONPATH. None: the simulated pip.
        self.venv = venv
        self.workdir = workdir
        self.github = github
        self.actions = dict(actions or {})  # `uses:` reference → a local action directory
        self.runs = 0
        self.simulated: dict[str, Callable[[dict[str, Any], JobState], Outcome]] = {
            "actions/checkout": self._checkout,
            "actions/setup-python": self._setup_python,
            "actions/configure-pages": self._configure_pages,
            "actions/upload-pages-artifact": self._upload_pages_artifact,
            "actions/deploy-pages": self._deploy_pages,
        }

    def run(self, workflow: Path, event: Event) -> RunResult:
        doc = load_yaml(workflow)
        _only(doc, WORKFLOW_KEYS, workflow.name)
        if not _triggered(doc, event):
            raise Unsimulated(f"{workflow.name} does not run on {event.name} {event.ref}")
        self.runs += 1
        run = RunResult(self.workdir / f"run-{self.runs}")
        top = Scope({"event": event.payload, "repository": REPOSITORY, "ref": event.ref}, "", {})
        concurrency = doc.get("concurrency")
        if isinstance(concurrency, dict):
            _only(concurrency, {"group", "cancel-in-progress"}, "concurrency")
            run.concurrency = interpolate(concurrency["group"], top)
        jobs = doc["jobs"]
        for job_id in _job_order(jobs):
            run.jobs[job_id] = self._job(doc, job_id, jobs[job_id], event, run)
        return run

    def _job(self, doc: dict[str, Any], job_id: str, job: dict[str, Any], event: Event,
             run: RunResult) -> JobResult:
        _only(job, JOB_KEYS, f"jobs.{job_id}")
        if job.get("runs-on") != "ubuntu-latest":
            raise Unsimulated(f"jobs.{job_id}.runs-on {job.get('runs-on')!r}")
        permissions = _permissions(job.get("permissions", doc.get("permissions")))
        if event.from_fork:  # a fork's pull request gets a read-only token
            permissions = dict.fromkeys(permissions, "read")
        token = f"ghs_fake_{self.runs}_{job_id}"
        self.github.register_token(token, permissions)
        github = {"event": event.payload, "repository": REPOSITORY, "token": token,
                  "ref": event.ref, "actor": event.actor}
        state = JobState(job_id, run.directory / job_id, event, run, permissions, github)
        result = JobResult(job_id, "skipped", state.workspace, state.temp)
        needs_failed = any(run.jobs[need].status != "success" for need in _needs(job))
        scope = Scope(github, str(state.temp), {}, failed=needs_failed)
        if not condition(job.get("if"), scope):
            return result

        summary = state.home / "files" / "step_summary.md"
        summary.touch()
        event_file = state.home / "files" / "event.json"
        event_file.write_text(json.dumps(event.payload), "utf-8")
        _write_tools(state.home / "bin", state.state, self.github, self.clock, self.venv)
        env = _clean_environ()
        if self.venv is not None:
            env = {key: value for key, value in env.items()
                   if not key.startswith("PIP_") and key not in ("PYTHONPATH", "PYTHONHOME")}
            env.update({"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull,
                        "PYTHONNOUSERSITE": "1"})
        env.update({
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_REPOSITORY_OWNER": REPOSITORY.split("/")[0], "GITHUB_JOB": job_id,
            "GITHUB_EVENT_NAME": event.name, "GITHUB_EVENT_PATH": str(event_file),
            "GITHUB_REF": event.ref, "GITHUB_SHA": event.sha,
            "GITHUB_WORKSPACE": str(state.workspace), "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_OS": "Linux", "RUNNER_TEMP": str(state.temp),
            "PATH": f"{state.home / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}",
        })
        for block in (doc.get("env"), job.get("env")):
            env.update({k: _string(interpolate(v, scope)) for k, v in (block or {}).items()})

        steps, by_id, failed = self._steps(job["steps"], state, env, github, None)
        result.steps = steps
        result.status = "failure" if failed else "success"
        result.summary = summary.read_text("utf-8")
        environment = job.get("environment")
        if isinstance(environment, dict) and "url" in environment:
            final = Scope(github, str(state.temp), by_id, failed=failed)
            result.environment_url = interpolate(environment["url"], final)
        return result

    def _steps(self, raw_steps: list[dict[str, Any]], state: JobState, env: dict[str, str],
               github: dict[str, Any], inputs: dict[str, str] | None,
               ) -> tuple[list[StepResult], dict[str, StepResult], bool]:
        results: list[StepResult] = []
        by_id: dict[str, StepResult] = {}
        failed = False
        for index, raw in enumerate(raw_steps):
            _only(raw, STEP_KEYS, f"step {index}")
            kind = "run" if "run" in raw else str(raw["uses"]).split("@")[0]
            name = str(raw.get("name") or kind)
            step_id = str(raw.get("id") or f"__{index}")
            scope = Scope(github, str(state.temp), dict(by_id), inputs, failed)
            if not condition(raw.get("if"), scope):
                result = StepResult(name, step_id, kind, "skipped")
            else:
                step_env = {**env, **{k: _string(interpolate(v, scope))
                                      for k, v in (raw.get("env") or {}).items()}}
                if "run" in raw:
                    if inputs is not None and raw.get("shell") is None:
                        raise Unsimulated(f"{name}: a composite action's run step needs shell:")
                    result = self._run_script(raw, name, step_id, state, step_env)
                else:
                    result = self._uses(raw, name, step_id, state, step_env, scope)
            results.append(result)
            by_id[step_id] = result
            failed = failed or result.outcome == "failure"
        return results, by_id, failed

    def _run_script(self, raw: dict[str, Any], name: str, step_id: str, state: JobState,
                    env: dict[str, str]) -> StepResult:
        if raw.get("shell", "bash") != "bash":
            raise Unsimulated(f"{name}: shell {raw['shell']!r}")
        state.counter += 1
        number = state.counter
        script = state.home / "scripts" / f"{number}.sh"
        script.write_text(raw["run"], "utf-8")
        files = {key: state.home / "files" / f"{key.lower()}-{number}"
                 for key in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")}
        for path in files.values():
            path.touch()
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", str(script)],
            cwd=state.workspace, env={**env, **{k: str(p) for k, p in files.items()}},
            capture_output=True, text=True, timeout=120, check=False)
        for key in ("GITHUB_ENV", "GITHUB_PATH"):
            if files[key].read_text("utf-8"):
                raise Unsimulated(f"{name}: writing {key} is not simulated")
        outputs = parse_outputs(files["GITHUB_OUTPUT"].read_text("utf-8"))
        outcome = "success" if done.returncode == 0 else "failure"
        return StepResult(name, step_id, "run", outcome, outputs, done.stdout, done.stderr)

    def _uses(self, raw: dict[str, Any], name: str, step_id: str, state: JobState,
              env: dict[str, str], scope: Scope) -> StepResult:
        ref = str(raw["uses"])
        with_ = {str(k): interpolate(v, scope) for k, v in (raw.get("with") or {}).items()}
        action_dir = self.actions.get(ref)
        if action_dir is None and ref.startswith("./"):
            action_dir = state.workspace / ref
        if action_dir is not None:
            return self._composite(action_dir, ref, name, step_id, with_, state, env)
        kind = ref.split("@")[0]
        if kind not in self.simulated:
            raise Unsimulated(f"{name}: `uses: {ref}` is not simulated")
        outcome, outputs, log = self.simulated[kind](with_, state)
        return StepResult(name, step_id, kind, outcome, outputs, stdout=log)

    def _composite(self, action_dir: Path, ref: str, name: str, step_id: str,
                   with_: dict[str, Any], state: JobState, env: dict[str, str]) -> StepResult:
        doc = load_yaml(action_dir / "action.yml")
        _only(doc, ACTION_KEYS, ref)
        runs = doc["runs"]
        if runs.get("using") != "composite":
            raise Unsimulated(f"{ref}: runs.using {runs.get('using')!r}")
        declared = doc.get("inputs") or {}
        _only(with_, set(declared), f"{name}: with")
        inputs = {key: _string(with_.get(key, spec.get("default", "")))
                  for key, spec in declared.items()}
        github = {**state.github, "action_path": str(action_dir)}
        env = {**env, "GITHUB_ACTION_PATH": str(action_dir)}
        steps, by_id, failed = self._steps(runs["steps"], state, env, github, inputs)
        scope = Scope(github, str(state.temp), by_id, inputs, failed)
        outputs = {key: _string(interpolate(spec["value"], scope))
                   for key, spec in (doc.get("outputs") or {}).items()}
        return StepResult(name, step_id, ref.split("@")[0], "failure" if failed else "success",
                          outputs, steps=steps)

    # Simulated actions: each checks its `with:` keys and what it needs from the job.

    def _checkout(self, with_: dict[str, Any], state: JobState) -> Outcome:
        _only(with_, {"fetch-depth", "persist-credentials"}, "actions/checkout with")
        depth = int(with_.get("fetch-depth", 1))
        clone = ["git", "clone", "-q", "--no-checkout"]
        if depth > 0:  # only the branch, `depth` commits deep, as actions/checkout fetches
            clone += [f"--depth={depth}", "--branch", state.event.branch]
        subprocess.run([*clone, f"file://{self.origin}", str(state.workspace)],
                       check=True, capture_output=True)
        subprocess.run(["git", "-C", str(state.workspace), "checkout", "-q", "--detach",
                        state.event.sha], check=True, capture_output=True)
        return "success", {}, f"checked out {state.event.sha} (fetch-depth {depth})"

    def _setup_python(self, with_: dict[str, Any], state: JobState) -> Outcome:
        _only(with_, {"python-version", "cache", "cache-dependency-path"},
              "actions/setup-python with")
        version = str(with_.get("python-version", ""))
        match = re.fullmatch(r"3\.(\d+)", version)
        if match is None or int(match[1]) < 11:
            return "failure", {}, f"python-version {version!r}: Traction needs 3.11 or newer"
        cache = with_.get("cache")
        if cache not in (None, "pip"):
            raise Unsimulated(f"actions/setup-python cache {cache!r}")
        if cache == "pip":
            pattern = str(with_.get("cache-dependency-path", "**/requirements.txt"))
            if not list(state.workspace.glob(pattern)):
                return "failure", {}, (f"No file in {state.workspace} matched to [{pattern}], "
                                       "make sure you have checked out the target repository")
        (state.state / "python").write_text(version, "utf-8")
        return "success", {"python-version": version}, f"Python {version} (the test's own)"

    def _configure_pages(self, with_: dict[str, Any], state: JobState) -> Outcome:
        _only(with_, set(), "actions/configure-pages with")
        if state.permissions.get("pages") not in ("read", "write"):
            return "failure", {}, "Get Pages site failed: Resource not accessible by integration"
        return "success", {"base_url": PAGES_BASE_URL, "origin": "https://example.github.io",
                           "host": "example.github.io", "base_path": "/repo"}, ""

    def _upload_pages_artifact(self, with_: dict[str, Any], state: JobState) -> Outcome:
        _only(with_, {"path", "name", "retention-days"}, "actions/upload-pages-artifact with")
        path = str(with_.get("path", "_site/"))
        site = (state.workspace / path).resolve()
        workspace = state.workspace.resolve()
        if site == workspace or not site.is_relative_to(workspace):
            return "failure", {}, f"path {path!r} is not a build directory in the workspace"
        if not (site / "index.html").is_file():
            return "failure", {}, f"path {path!r}: no index.html to publish"
        name = str(with_.get("name", "github-pages"))
        if name in state.run.artifacts:
            return "failure", {}, f"an artifact named {name!r} was already uploaded"
        target = state.run.directory / "artifacts" / name
        shutil.copytree(site, target, ignore=shutil.ignore_patterns(".git", ".github"))
        state.run.artifacts[name] = target
        state.run.uploads.append(path)
        return "success", {"artifact_id": str(len(state.run.artifacts))}, f"uploaded {path}"

    def _deploy_pages(self, with_: dict[str, Any], state: JobState) -> Outcome:
        _only(with_, {"token", "timeout", "error_count", "reporting_interval", "artifact_name",
                      "preview"}, "actions/deploy-pages with")
        missing = [s for s in ("pages", "id-token") if state.permissions.get(s) != "write"]
        if missing:
            return "failure", {}, f"the token lacks {missing}: write"
        name = str(with_.get("artifact_name", "github-pages"))
        if name not in state.run.artifacts:
            return "failure", {}, f"No uploaded artifact was found named {name!r}"
        state.run.deployed = state.run.artifacts[name]
        return "success", {"page_url": PAGES_BASE_URL + "/"}, "deployed"


# --- repositories and events ---------------------------------------------------------------


def rev(repo: Path, name: str) -> str:
    return git(repo, "rev-parse", name).strip()


def traction_checkout(path: Path) -> Path:
    """A new repository laid out like this one: pyproject.toml and the composite action."""
    repo = new_repo(path)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    shutil.copytree(ACTION_DIR, repo / ".github" / "actions" / "traction")
    return repo


def pr_origin(path: Path, head_weeks: Weeks) -> Path:
    """This repository's layout: pyproject.toml and content/. `main` has the base weeks
    and, later, a week the pull request knows nothing about; `feature` adds `head_weeks`."""
    repo = traction_checkout(path)
    write_content(repo / "content", weeks={**BASE_WEEKS})
    commit(repo, "base", END_OF_W13)
    git(repo, "branch", "feature")
    # Against main's tip this week would look removed by the pull request; against the
    # merge base (what the workflow diffs) it does not exist.
    write_content(repo / "content", weeks={EARLY: week(EARLY, 5), **BASE_WEEKS})
    commit(repo, "main moves on", END_OF_W13)
    git(repo, "checkout", "-q", "feature")
    write_content(repo / "content", weeks=head_weeks)
    commit(repo, "a pull request", END_OF_W15)  # as of then: week 15 has ended
    return repo


def pr_event(repo: Path, *, number: int = 7, fork: bool = False) -> Event:
    base, head = rev(repo, "main"), rev(repo, "feature")
    head_repo = "someone/repo" if fork else REPOSITORY
    payload = {"pull_request": {
        "number": number,
        "base": {"ref": "main", "sha": base, "repo": {"full_name": REPOSITORY}},
        "head": {"ref": "feature", "sha": head, "repo": {"full_name": head_repo}},
    }}
    return Event("pull_request", f"refs/pull/{number}/merge", head, "feature", payload)


def push_event(repo: Path, branch: str = "main", name: str = "push") -> Event:
    return Event(name, f"refs/heads/{branch}", rev(repo, branch), branch, {"ref": branch})


def broken_week() -> dict[str, Any]:
    bad = week("2026-W16", 5)
    bad["calls"][0]["type"] = "sales-call"
    bad["calls"][3]["status"] = "done"
    return bad


def make_runner(tmp_path: Path, origin: Path, github: FakeGitHub | None = None,
                clock: datetime.datetime | None = None) -> Runner:
    return Runner(origin, tmp_path / "runner", github or FakeGitHub(tmp_path / "github"),
                  clock=clock)


def outcomes(steps: list[StepResult]) -> list[tuple[str, str]]:
    return [(s.name, s.outcome) for s in steps]


def workflow_commands(text: str) -> list[str]:
    """The `::error ...` lines a step printed."""
    return [line for line in text.splitlines() if line.startswith("::")]


# --- the runner itself ---------------------------------------------------------------------


def test_expressions_evaluate_what_the_workflows_use() -> None:
    done = StepResult("install", "install", "run", "success", {"markdown-file": "/t/d.md"})
    scope = Scope({"event": {"pull_request": {"number": 7, "head": {"repo": {
        "full_name": "Owner/Repo"}}}}, "repository": REPOSITORY, "ref": "refs/heads/main"},
        "/tmp/r", {"install": done}, {"mode": "diff"}, failed=True)
    assert interpolate("pr-${{ github.event.pull_request.number }}", scope) == "pr-7"
    assert interpolate("${{ runner.temp }}/x.md", scope) == "/tmp/r/x.md"
    assert interpolate("${{ steps.install.outputs.markdown-file }}", scope) == "/t/d.md"
    assert interpolate("${{ steps.install.outputs.unset }}", scope) == ""
    assert interpolate(0, scope) == 0
    assert condition("${{ always() }}", scope)
    assert not condition(None, scope)  # an earlier step failed: success() is false
    assert condition("${{ !cancelled() && steps.install.outcome == 'success' && "
                     "github.event.pull_request.head.repo.full_name == github.repository }}",
                     scope)
    assert not condition("!cancelled() && inputs.mode == 'build'", scope)
    assert not condition("inputs.mode == 'diff'", scope)  # implicitly `success() && ...`
    scope.failed = False
    assert condition("inputs.mode == 'diff'", scope)
    assert not condition("github.ref == 'refs/heads/preview'", scope)
    assert condition("github.ref != 'refs/heads/preview'", scope)
    assert not condition("inputs.mode != 'DIFF'", scope)  # case-insensitive, as GitHub's
    assert interpolate("${{ inputs.mode || 'x' }}", scope) == "diff"
    assert interpolate("${{ steps.install.outputs.unset || inputs.mode }}", scope) == "diff"
    assert not condition("${{ !inputs.mode && !steps.install.outputs.unset }}", scope)
    # `||` binds looser than `&&`: (false && x) || 'y'
    assert interpolate("${{ steps.install.outputs.unset && 'x' || 'y' }}", scope) == "y"


@pytest.mark.parametrize("text", [
    "${{ github.event.pull_request.title }}",
    "${{ github.head_ref }}",
    "${{ env.BASE }}",
    "${{ steps.later.outputs.x }}",
    "${{ failure() }}",
    "${{ format('{0}', github.ref) }}",
    "${{ contains(github.ref, 'main') }}",
    "${{ github.ref > 'refs/heads/main' }}",
    "${{ inputs.nope }}",
    "${{ github.action_path }}",  # only inside a composite action
])
def test_unknown_expressions_fail_loudly(text: str) -> None:
    scope = Scope({"event": {}, "repository": REPOSITORY, "ref": "refs/heads/main"}, "/tmp",
                  {}, {"mode": "build"})
    with pytest.raises(Unsimulated):
        interpolate(text, scope)


def test_output_file_forms() -> None:
    text = "out=_site\nmarkdown-file=/tmp/a=b.md\nnotes<<EOF_1\nline one\nx=y\nEOF_1\nempty=\n"
    assert parse_outputs(text) == {"out": "_site", "markdown-file": "/tmp/a=b.md",
                                   "notes": "line one\nx=y", "empty": ""}
    with pytest.raises(Unsimulated):
        parse_outputs("notes<<EOF\nnever closed\n")


def test_jq_shim_knows_the_two_filters(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """What a machine without jq runs instead (the comment steps build their payload with it)."""
    body = tmp_path / "body.md"
    body.write_text(f'{MARKER}\n| a \\| "b" | ✅ |\n', "utf-8")
    assert _fake_jq(["-n", "--rawfile", "body", str(body), "{body: $body}"]) == 0
    assert json.loads(capsys.readouterr().out) == {"body": body.read_text("utf-8")}
    monkeypatch.setattr(sys, "stdin", io.StringIO("piped\n"))
    assert _fake_jq(["-Rs", "{body: .}"]) == 0
    assert json.loads(capsys.readouterr().out) == {"body": "piped\n"}
    assert _fake_jq(["-n", "{body: 1}"]) == 2


CLOCK_WORKFLOW = """\
name: clock
on: push
permissions:
  contents: read
jobs:
  now:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0
        with:
          python-version: "3.12"
      - id: now
        run: |
          echo "shell=$(date -u +%F)" >> "$GITHUB_OUTPUT"
          echo "python=$(python -c 'import datetime; print(datetime.date.today())')" \\
            >> "$GITHUB_OUTPUT"
          echo "epoch=${SOURCE_DATE_EPOCH-unset}" >> "$GITHUB_OUTPUT"
"""


def test_a_runner_s_clock_is_what_its_steps_see(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The simulated day reaches `date` and Python; the test process's SOURCE_DATE_EPOCH
    does not reach a job (a GitHub runner sets none)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    workflow = tmp_path / "clock.yml"
    workflow.write_text(CLOCK_WORKFLOW, "utf-8")
    origin = new_repo(tmp_path / "origin")
    commit(origin, "nothing yet")
    for clock in (datetime.datetime(2031, 7, 1, 0, 30, tzinfo=datetime.UTC),
                  datetime.datetime(2026, 12, 31, 23, 59, tzinfo=datetime.UTC)):
        name = clock.date().isoformat()
        runner = Runner(origin, tmp_path / name, FakeGitHub(tmp_path / name / "github"),
                        clock=clock)
        run = runner.run(workflow, push_event(origin))
        job = run.jobs["now"]
        assert job.status == "success", run.log()
        assert job.step("now").outputs == {"shell": name, "python": name, "epoch": "unset"}


# --- pr.yml -------------------------------------------------------------------------------------

ACTION_STEPS = ["Validate inputs", "Set up Python", "Set up Python (no pip cache)",
                "Install traction", "Date the content by its commit", "Check content",
                "Build site", "Milestone diff", "Post or update the sticky comment"]
COMMENT = "Post or update the sticky comment"


def action_outcomes(step: StepResult, **changed: str) -> list[tuple[str, str]]:
    """The composite action's steps: `changed` maps a step name's words (spaces as `_`)
    to its outcome; every other step succeeded."""
    return [(name, changed.get(re.sub(r"\W+", "_", name).strip("_"), "success"))
            for name in ACTION_STEPS]


DIFF_SKIPS = {"Set_up_Python_no_pip_cache": "skipped", "Build_site": "skipped"}


def test_pr_posts_the_diff_then_updates_the_same_comment(tmp_path: Path) -> None:
    origin = pr_origin(tmp_path / "origin", {**HEAD_WEEKS})
    github = FakeGitHub(tmp_path / "github")
    # A person quoting the marker: the workflow must neither edit nor reuse their comment.
    human = github.add_comment(7, "dana", f"Why does the bot write {MARKER}?")
    runner = make_runner(tmp_path, origin, github)
    event = pr_event(origin)
    run = runner.run(WORKFLOWS / "pr.yml", event)
    job = run.jobs["traction"]
    assert job.status == "success", run.log()
    assert outcomes(job.steps) == [("Check out", "success"), ("Check and diff", "success")]
    action = job.step("Check and diff")
    assert outcomes(action.steps) == action_outcomes(action, **DIFF_SKIPS)
    assert run.concurrency == "pr-7"
    assert workflow_commands(action.step("Check content").stdout) == []
    # Installed from the pull request's own checkout, the Traction source beside the action.
    assert (job.workspace.parent / "state" / "installed").read_text("utf-8") == str(
        (job.workspace).resolve())

    summary = job.summary
    assert summary.startswith(MARKER + "\n") and summary.count(MARKER) == 1
    assert "**🎉 1 milestone reached · ⚠️ 1 slipped" in summary
    assert "| 🎉 | 2. First paying customer | not started → **achieved** (2026-04-01)" in summary
    assert "| ⚠️ | 1. 5+ sales calls every week | achieved → **slipped** (2026-04-12)" in summary
    # Against the merge base (main before it moved on), not main's tip.
    merge_base = rev(origin, "main~1")
    assert f"<sub>{merge_base}: up to 2026-W13 → {event.sha}: up to 2026-W15</sub>" in summary
    assert "**Check**: ✅ no errors" in summary
    # So the week main gained meanwhile is not shown as removed ...
    assert EARLY not in summary
    # ... though it would be in a plain diff against main's tip.
    assert EARLY in run_traction("diff", "main", "feature", cwd=origin,
                                 env={"PYTHONPATH": str(ROOT)}).stdout
    diff_file = job.runner_temp / "traction-diff.md"
    assert diff_file.read_text("utf-8") == summary
    assert action.outputs["markdown-file"] == str(diff_file)

    listing, post = github.calls()
    assert (listing.method, listing.endpoint) == ("GET", "repos/owner/repo/issues/7/comments")
    assert "--paginate" in listing.argv and listing.exit == 0
    assert (post.method, post.endpoint, post.exit) == (
        "POST", "repos/owner/repo/issues/7/comments", 0)
    assert post.payload == {"body": summary}
    assert post.token == "ghs_fake_1_traction"
    assert "Posted a new comment" in action.step(COMMENT).stdout
    [human_comment, bot] = github.comments(7)
    assert human_comment["id"] == human and bot["login"] == BOT and bot["body"] == summary

    # A second push: week 15 now has five calls, so nothing slips. Same comment, new body.
    write_content(origin / "content", weeks={**HEAD_WEEKS, "2026-W15": week("2026-W15", 5)})
    commit(origin, "more calls in week 15", END_OF_W15)
    again = runner.run(WORKFLOWS / "pr.yml", pr_event(origin))
    job = again.jobs["traction"]
    assert job.status == "success", again.log()
    assert "slipped" not in job.summary and "1 milestone reached" in job.summary
    listing, patch = github.calls()[2:]
    assert listing.method == "GET"
    assert (patch.method, patch.endpoint, patch.exit) == (
        "PATCH", f"repos/owner/repo/issues/comments/{bot['id']}", 0)
    assert patch.payload == {"body": job.summary}
    assert f"Updated comment {bot['id']}" in job.step("Check and diff").step(COMMENT).stdout
    assert github.comments(7) == [human_comment, {**bot, "body": job.summary}]


@pytest.mark.parametrize("who", ["fork", "dependabot"])
def test_pr_with_a_read_only_token_writes_the_summary_but_never_calls_github(
        tmp_path: Path, who: str) -> None:
    origin = pr_origin(tmp_path / "origin", {**HEAD_WEEKS})
    github = FakeGitHub(tmp_path / "github")
    event = pr_event(origin, fork=who == "fork")
    if who == "dependabot":
        event = dataclasses.replace(event, actor="dependabot[bot]")
    run = make_runner(tmp_path, origin, github).run(WORKFLOWS / "pr.yml", event)
    job = run.jobs["traction"]
    assert job.status == "success", run.log()
    action = job.step("Check and diff")
    assert outcomes(action.steps) == action_outcomes(
        action, **DIFF_SKIPS, Post_or_update_the_sticky_comment="skipped")
    assert job.summary.startswith(MARKER) and "1 milestone reached · ⚠️ 1 slipped" in job.summary
    assert github.calls() == [] and github.comments(7) == []


def workflow_variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """One of the workflows with one setting changed, as a repository might have it."""
    text = (WORKFLOWS / name).read_text("utf-8")
    assert text.count(old) == 1, old
    variant = tmp_path / f"{Path(name).stem}-variant.yml"
    variant.write_text(text.replace(old, new), "utf-8")
    return variant


def pr_variant(tmp_path: Path, old: str, new: str) -> Path:
    """pr.yml with one setting changed, as a repository might have it."""
    return workflow_variant(tmp_path, "pr.yml", old, new)


def test_pr_comment_without_write_permission_warns_and_keeps_the_result(tmp_path: Path) -> None:
    """A repository whose workflow token is read-only: the content's verdict stands."""
    origin = pr_origin(tmp_path / "origin", {**HEAD_WEEKS})
    read_only = pr_variant(tmp_path, "pull-requests: write", "pull-requests: read")
    github = FakeGitHub(tmp_path / "github")
    run = make_runner(tmp_path, origin, github).run(read_only, pr_event(origin))
    job = run.jobs["traction"]
    assert job.status == "success", run.log()
    step = job.step("Check and diff").step(COMMENT)
    assert step.outcome == "success"
    assert workflow_commands(step.stdout) == [
        "::warning title=traction::could not write the comment (does the job have "
        "'pull-requests: write'?); the diff is in the job summary"]
    assert [c.exit for c in github.calls()] == [0, 1] and github.comments(7) == []
    assert job.summary.startswith(MARKER)


def test_pr_with_errors_fails_but_still_shows_and_posts_the_diff(tmp_path: Path) -> None:
    origin = pr_origin(tmp_path / "origin", {**HEAD_WEEKS, "2026-W16": broken_week()})
    github = FakeGitHub(tmp_path / "github")
    run = make_runner(tmp_path, origin, github).run(WORKFLOWS / "pr.yml", pr_event(origin))
    job = run.jobs["traction"]
    assert job.status == "failure"
    action = job.step("Check and diff")
    assert outcomes(action.steps) == action_outcomes(
        action, **DIFF_SKIPS, Milestone_diff="failure"), run.log()
    found = workflow_commands(action.step("Check content").stdout)
    assert len(found) == 2
    assert found[0].startswith("::error file=content/weeks/2026-W16.yaml,line=6,col=9,")
    assert found[1].startswith("::error file=content/weeks/2026-W16.yaml,line=22,col=11,")

    summary = job.summary
    assert summary.startswith(MARKER + "\n") and "**❌ 2 errors**" in summary
    assert "**Check**: ❌ **2 errors block this change**" in summary
    assert "- ❌ content/weeks/2026-W16.yaml:6:9: error: 'sales-call' is not one of" in summary
    assert "- ❌ content/weeks/2026-W16.yaml:22:11: error: 'done' is not one of" in summary
    _, post = github.calls()
    assert post.method == "POST" and post.payload == {"body": summary}


def test_pr_in_a_shallow_clone_says_to_fetch_the_history(tmp_path: Path) -> None:
    """The runner's checkout honours fetch-depth: a shallow clone lacks the base, and the
    log says what to change (`traction diff`'s own message, not git's)."""
    origin = pr_origin(tmp_path / "origin", {**HEAD_WEEKS})
    shallow = pr_variant(tmp_path, "fetch-depth: 0", "fetch-depth: 1")
    github = FakeGitHub(tmp_path / "github")
    run = make_runner(tmp_path, origin, github).run(shallow, pr_event(origin))
    job = run.jobs["traction"]
    step = job.step("Check and diff").step("Milestone diff")
    assert step.outcome == "failure"
    assert "is not in this shallow clone" in step.stderr and "fetch-depth: 0" in step.stderr
    assert "No milestone diff was produced" in job.summary
    assert github.calls() == []  # the comment step has nothing to post


# --- publish.yml -------------------------------------------------------------------------------


def publish_origin(path: Path, weeks: Weeks) -> Path:
    repo = traction_checkout(path)
    write_content(repo / "content", weeks=weeks)
    commit(repo, "the log")
    return repo


BUILD_STEPS = ["Check out", "Configure Pages", "Check and build", "Upload Pages artifact"]
BUILD_SKIPS = {"Set_up_Python_no_pip_cache": "skipped", "Milestone_diff": "skipped",
               "Post_or_update_the_sticky_comment": "skipped"}


def test_publish_checks_builds_uploads_and_deploys(tmp_path: Path) -> None:
    origin = publish_origin(tmp_path / "origin", {**HEAD_WEEKS})
    run = make_runner(tmp_path, origin).run(WORKFLOWS / "publish.yml", push_event(origin))
    assert list(run.jobs) == ["build", "deploy"]  # deploy runs after build
    build, deploy = run.jobs["build"], run.jobs["deploy"]
    assert build.status == "success", run.log()
    assert outcomes(build.steps) == [(name, "success") for name in BUILD_STEPS]
    action = build.step("Check and build")
    assert outcomes(action.steps) == action_outcomes(action, **BUILD_SKIPS)
    assert action.step("Set up Python").stdout == "Python 3.12 (the test's own)"
    assert action.outputs == {"out": "_site", "markdown-file": ""}
    assert run.concurrency == "pages"

    site = build.workspace / "_site"
    assert run.uploads == ["_site"]
    for name in ("index.html", "progress.json", "feed.xml", "badge.svg"):
        assert (site / name).is_file(), name
    index = (site / "index.html").read_text("utf-8")
    # The base URL came from configure-pages (a sub-path), not from site.url in the content.
    assert f'<link rel="canonical" href="{PAGES_BASE_URL}/">' in index
    assert BASE_CONFIG["site"]["url"] not in index
    assert json.loads((site / "progress.json").read_text("utf-8"))
    artifact = run.artifacts["github-pages"]
    assert sorted(p.relative_to(artifact) for p in artifact.rglob("*")) == sorted(
        p.relative_to(site) for p in site.rglob("*"))
    assert not (artifact / "content").exists() and not (artifact / "pyproject.toml").exists()

    assert deploy.status == "success", run.log()
    assert outcomes(deploy.steps) == [("Deploy to GitHub Pages", "success")]
    assert run.deployed == artifact
    assert deploy.environment_url == PAGES_BASE_URL + "/"


def test_publish_stops_at_a_content_error(tmp_path: Path) -> None:
    origin = publish_origin(tmp_path / "origin", {**HEAD_WEEKS, "2026-W16": broken_week()})
    run = make_runner(tmp_path, origin).run(WORKFLOWS / "publish.yml", push_event(origin))
    build = run.jobs["build"]
    assert build.status == "failure"
    assert outcomes(build.steps)[2:] == [("Check and build", "failure"),
                                         ("Upload Pages artifact", "skipped")]
    action = build.step("Check and build")
    assert outcomes(action.steps) == action_outcomes(
        action, **BUILD_SKIPS, Check_content="failure", Build_site="skipped")
    assert len(workflow_commands(action.step("Check content").stdout)) == 2
    assert run.jobs["deploy"].status == "skipped"
    assert run.artifacts == {} and run.deployed is None


def test_publish_by_hand_on_another_branch_builds_but_does_not_deploy(tmp_path: Path) -> None:
    origin = publish_origin(tmp_path / "origin", {**HEAD_WEEKS})
    git(origin, "checkout", "-q", "-b", "preview")
    runner = make_runner(tmp_path, origin)
    with pytest.raises(Unsimulated, match="does not run on push refs/heads/preview"):
        runner.run(WORKFLOWS / "publish.yml", push_event(origin, "preview"))
    run = runner.run(WORKFLOWS / "publish.yml",
                     push_event(origin, "preview", name="workflow_dispatch"))
    assert run.jobs["build"].status == "success", run.log()
    assert "github-pages" in run.artifacts
    assert run.jobs["deploy"].status == "skipped" and run.deployed is None


# --- the date a site is built as of: its commit's, never the day the job runs ----------------

LATER = datetime.datetime(2027, 2, 9, 6, 45, tzinfo=datetime.UTC)  # long after every commit
DATE_STEP = "Date the content by its commit"
STREAK = "5+ sales calls every week"


def dated_origin(path: Path, weeks: Weeks, when: datetime.date) -> Path:
    """This repository's layout with `weeks` on main, committed on `when` (noon UTC)."""
    repo = traction_checkout(path)
    write_content(repo / "content", weeks=weeks)
    commit(repo, "the log", when)
    return repo


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def published_progress(run: RunResult) -> dict[str, Any]:
    progress: dict[str, Any] = json.loads(
        (run.artifacts["github-pages"] / "progress.json").read_text("utf-8"))
    return progress


def milestone(progress: dict[str, Any], title: str) -> dict[str, Any]:
    [found] = [m for ladder in progress["ladders"] for m in ladder["milestones"]
               if m["title"] == title]
    return found


def test_publish_builds_the_same_bytes_whatever_day_it_runs(tmp_path: Path) -> None:
    """Built the evening of the commit on one runner, or months later on another: the same
    site, as of the commit's date (not the log's latest day, not the runner's clock)."""
    committed = day("2026-W16", 3)  # a Wednesday; the log's latest day is Tuesday of week 15
    origin = dated_origin(tmp_path / "origin", {**HEAD_WEEKS}, committed)
    sites = []
    for number, clock in enumerate(
            [datetime.datetime.combine(committed, datetime.time(23, 59), datetime.UTC), LATER]):
        runner = Runner(origin, tmp_path / f"runner-{number}",
                        FakeGitHub(tmp_path / f"github-{number}"), clock=clock)
        run = runner.run(WORKFLOWS / "publish.yml", push_event(origin))
        build = run.jobs["build"]
        assert build.status == "success", run.log()
        action = build.step("Check and build")
        assert outcomes(action.steps) == action_outcomes(action, **BUILD_SKIPS)
        dating = action.step(DATE_STEP)
        assert dating.outputs == {"epoch": epoch(committed)}
        assert f"SOURCE_DATE_EPOCH={epoch(committed)}, the committer date of HEAD" in (
            dating.stdout)
        assert workflow_commands(action.step("Check content").stdout) == []
        sites.append(site_files(run.artifacts["github-pages"]))
    first, second = sites
    assert "index.html" in first and sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []  # byte for byte
    progress = json.loads(first["progress.json"])
    assert progress["as_of"] == committed.isoformat() == "2026-04-15"
    assert (progress["latest_week"], progress["week_in_progress"]) == ("2026-W15", "2026-W16")


def test_publish_on_a_tuesday_shows_that_week_in_progress(tmp_path: Path) -> None:
    """Monday's two calls, committed on Tuesday: the site shows week 14 in progress and the
    weekly-calls streak standing, though the job runs the next Monday, when week 14 (two
    calls) would have broken it."""
    tuesday = day("2026-W14", 2)
    so_far = week("2026-W14", 2)
    for call in so_far["calls"]:
        call["date"] = day("2026-W14", 1)
    origin = dated_origin(tmp_path / "origin", {**BASE_WEEKS, "2026-W14": so_far}, tuesday)
    next_monday = datetime.datetime.combine(day("2026-W15", 1), datetime.time(9),
                                            datetime.UTC)
    run = make_runner(tmp_path, origin, clock=next_monday).run(WORKFLOWS / "publish.yml",
                                                                push_event(origin))
    build = run.jobs["build"]
    assert build.status == "success", run.log()
    action = build.step("Check and build")
    assert action.step(DATE_STEP).outputs == {"epoch": epoch(tuesday)}
    assert workflow_commands(action.step("Check content").stdout) == []
    progress = published_progress(run)
    assert progress["as_of"] == tuesday.isoformat()  # the log alone says Monday
    assert (progress["latest_week"], progress["week_in_progress"]) == ("2026-W14", "2026-W14")
    streak = milestone(progress, STREAK)
    assert streak["status"] == "achieved" and streak["history"] == [
        {"date": streak["achieved_on"], "status": "achieved"}]
    assert run.jobs["deploy"].status == "success"

    # The scenario matters: the same log as of that Monday has the streak slipped.
    later = run_traction("build", "--content", str(origin / "content"), "--out",
                         str(tmp_path / "monday"), env={"SOURCE_DATE_EPOCH": epoch(
                             next_monday.date())})
    assert later.returncode == 0, later.stderr
    monday = json.loads((tmp_path / "monday" / "progress.json").read_text("utf-8"))
    assert monday["week_in_progress"] == "2026-W15"
    assert milestone(monday, STREAK)["status"] == "slipped"


@pytest.mark.parametrize("where", ["job", "step"])
def test_a_source_date_epoch_the_caller_set_is_kept(tmp_path: Path, where: str) -> None:
    """A workflow that dates the build itself (`env:` of the job, or of the action's step)
    wins over the commit's date."""
    origin = dated_origin(tmp_path / "origin", {**HEAD_WEEKS}, END_OF_W15)
    chosen = day("2026-W17", 2)
    if where == "job":
        old = "    timeout-minutes: 15\n"
        new = old + f'    env:\n      SOURCE_DATE_EPOCH: "{epoch(chosen)}"\n'
    else:
        old = "      - name: Check and build\n        uses: ./.github/actions/traction\n"
        new = old + f'        env:\n          SOURCE_DATE_EPOCH: "{epoch(chosen)}"\n'
    publish = workflow_variant(tmp_path, "publish.yml", old, new)
    run = make_runner(tmp_path, origin, clock=LATER).run(publish, push_event(origin))
    build = run.jobs["build"]
    assert build.status == "success", run.log()
    action = build.step("Check and build")
    dating = action.step(DATE_STEP)
    assert dating.outputs == {"epoch": epoch(chosen)}
    assert f"SOURCE_DATE_EPOCH={epoch(chosen)}, as the caller set it" in dating.stdout
    # `traction check` saw it too: week 16 ended before that day with no log.
    [warning] = workflow_commands(action.step("Check content").stdout)
    assert warning.startswith("::warning file=content/weeks/2026-W15.yaml,")
    assert f"no log for 2026-W16 (as of {chosen})" in warning
    progress = published_progress(run)
    assert progress["as_of"] == chosen.isoformat() == "2026-04-21"
    assert progress["week_in_progress"] == "2026-W17"


NO_HISTORY = """\
name: no history
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - name: Keep the files, drop the repository
        run: rm -rf .git
      - id: traction
        uses: ./.github/actions/traction
        with:
          content: content
"""


def test_outside_a_git_checkout_the_log_dates_itself(tmp_path: Path) -> None:
    """No repository, no commit date: SOURCE_DATE_EPOCH stays unset, and the site is as of
    the latest day the log mentions (still not the clock)."""
    origin = dated_origin(tmp_path / "origin", {**HEAD_WEEKS}, END_OF_W15)
    workflow = tmp_path / "no-history.yml"
    workflow.write_text(NO_HISTORY, "utf-8")
    run = make_runner(tmp_path, origin, clock=LATER).run(workflow, push_event(origin))
    job = run.jobs["build"]
    assert job.status == "success", run.log()
    action = job.step("traction")
    assert outcomes(action.steps) == action_outcomes(  # no pip cache: nothing keys it
        action, **{**BUILD_SKIPS, "Set_up_Python": "skipped",
                   "Set_up_Python_no_pip_cache": "success"})
    dating = action.step(DATE_STEP)
    assert dating.outputs == {"epoch": ""}
    assert "Not a git checkout: SOURCE_DATE_EPOCH stays unset" in dating.stdout
    progress = json.loads((job.workspace / "_site" / "progress.json").read_text("utf-8"))
    assert progress["as_of"] == day("2026-W15", 2).isoformat()  # the last call in the log
    assert progress["week_in_progress"] == "2026-W15"


def test_pr_checks_as_of_the_head_commit_not_github_s_merge_commit(tmp_path: Path) -> None:
    """A pull_request job checks out GitHub's test merge commit, made when the job starts;
    `traction check` is dated by the pull request's head commit instead."""
    origin = pr_origin(tmp_path / "origin", {**HEAD_WEEKS})
    pushed = day("2026-W17", 3)  # week 16 ended without a log
    commit(origin, "an empty push", pushed)
    git(origin, "checkout", "-q", "-b", "pull/7/merge", "main")
    stamp = LATER.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    git(origin, "merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature",
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    event = dataclasses.replace(pr_event(origin), sha=rev(origin, "pull/7/merge"),
                                branch="pull/7/merge")
    assert event.sha != event.payload["pull_request"]["head"]["sha"]
    run = make_runner(tmp_path, origin, clock=LATER).run(WORKFLOWS / "pr.yml", event)
    job = run.jobs["traction"]
    assert job.status == "success", run.log()
    action = job.step("Check and diff")
    assert outcomes(action.steps) == action_outcomes(action, **DIFF_SKIPS)
    head = event.payload["pull_request"]["head"]["sha"]
    dating = action.step(DATE_STEP)
    assert dating.outputs == {"epoch": epoch(pushed)}
    assert f"the committer date of {head}" in dating.stdout
    [warning] = workflow_commands(action.step("Check content").stdout)
    assert f"no log for 2026-W16 (as of {pushed})" in warning


# --- the workflows `traction init` writes: the action's copy, the vendored wheel -------------


def content_repo(path: Path) -> Path:
    """A content repository as `traction init` makes it, with the scenario's base weeks."""
    from generator.tools.scaffold import init

    repo = new_repo(path)
    init(repo, "Acme Analytics", datetime.date(2026, 3, 2))
    write_content(repo / "content", weeks={**BASE_WEEKS})
    commit(repo, "traction init")
    return repo


def installed(job: JobResult) -> str:
    return (job.workspace.parent / "state" / "installed").read_text("utf-8")


def test_init_publish_workflow_builds_with_the_vendored_wheel(tmp_path: Path) -> None:
    origin = content_repo(tmp_path / "origin")
    assert not (origin / "pyproject.toml").exists()  # a content repository, no Traction source
    run = make_runner(tmp_path, origin).run(origin / ".github" / "workflows" / "publish.yml",
                                           push_event(origin))
    build = run.jobs["build"]
    assert build.status == "success", run.log()
    action = build.step("./.github/actions/traction")
    assert outcomes(action.steps) == action_outcomes(action, **BUILD_SKIPS)
    assert action.outputs == {"out": "_site", "markdown-file": ""}
    from generator import __version__
    wheel = f"./.traction/traction_pages-{__version__}-py3-none-any.whl"
    assert installed(build) == f"{ROOT} (as {wheel})"
    index = (run.artifacts["github-pages"] / "index.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{PAGES_BASE_URL}/">' in index
    assert run.jobs["deploy"].status == "success" and run.deployed is not None


def test_init_pr_workflow_checks_diffs_and_comments(tmp_path: Path) -> None:
    origin = content_repo(tmp_path / "origin")
    git(origin, "checkout", "-q", "-b", "feature")
    write_content(origin / "content", weeks={**HEAD_WEEKS, "2026-W16": broken_week()})
    commit(origin, "weeks 14 to 16")
    github = FakeGitHub(tmp_path / "github")
    run = make_runner(tmp_path, origin, github).run(
        origin / ".github" / "workflows" / "pr.yml", pr_event(origin))
    job = run.jobs["diff"]
    assert job.status == "failure"  # week 16 has errors: they block the change
    action = job.step("diff")
    assert outcomes(action.steps) == action_outcomes(action, **DIFF_SKIPS,
                                                     Milestone_diff="failure"), run.log()
    assert len(workflow_commands(action.step("Check content").stdout)) == 2  # annotations
    markdown = job.runner_temp / "traction-diff.md"
    assert action.outputs == {"out": "", "markdown-file": str(markdown)}
    text = markdown.read_text("utf-8")
    assert text.startswith(MARKER + "\n") and job.summary == text
    assert "**❌ 2 errors**" in text
    listing, post = github.calls()
    assert listing.method == "GET"
    assert (post.method, post.endpoint) == ("POST", "repos/owner/repo/issues/7/comments")
    assert post.payload == {"body": text}


def test_init_action_is_the_repository_action(tmp_path: Path) -> None:
    origin = content_repo(tmp_path / "origin")
    assert (origin / ".github" / "actions" / "traction" / "action.yml").read_bytes() == (
        ACTION_DIR / "action.yml").read_bytes()


def test_a_tampered_vendored_wheel_is_refused(tmp_path: Path) -> None:
    origin = content_repo(tmp_path / "origin")
    [wheel] = (origin / ".traction").glob("*.whl")
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    commit(origin, "a changed wheel")
    run = make_runner(tmp_path, origin).run(origin / ".github" / "workflows" / "publish.yml",
                                           push_event(origin))
    action = run.jobs["build"].step("./.github/actions/traction")
    assert run.jobs["build"].status == "failure"
    install = action.step("Install traction")
    assert install.outcome == "failure"
    assert "DO NOT MATCH THE HASHES" in install.stderr
    assert action.step("Check content").outcome == "skipped" and not run.artifacts


def runtime_distributions() -> list[str]:
    """pip and everything Traction needs at run time (pyproject.toml, then each dependency's
    own requirements), as installed in the environment running the tests."""
    from importlib import metadata

    from packaging.requirements import Requirement

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    todo = ["pip", *pyproject["project"]["dependencies"]]
    found: dict[str, str] = {}
    while todo:
        requirement = Requirement(todo.pop())
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        dist = metadata.distribution(requirement.name)
        if dist.name.lower() not in found:
            found[dist.name.lower()] = dist.name
            todo += dist.requires or []
    return sorted(found.values())


def offline_venv(root: Path) -> Path:
    """A new virtual environment that has pip and Traction's dependencies but not Traction:
    each dependency is linked from the test's environment into one folder that a .pth file
    puts on the new environment's path. The runner's jobs give its pip no index and no
    configuration, so Traction can come only from the content repository."""
    from importlib import metadata

    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   capture_output=True, timeout=120, env=_clean_environ())
    linked = root / "dependencies"
    linked.mkdir()
    for name in runtime_distributions():
        dist = metadata.distribution(name)
        assert dist.files, f"{name} lists no files: its folders cannot be linked"
        for top in {path.parts[0] for path in dist.files if path.parts[0] != ".."}:
            if not (linked / top).exists():
                (linked / top).symlink_to(dist.locate_file(top))
    site = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    (Path(site) / "traction-dependencies.pth").write_text(f"{linked}\n", "utf-8")
    return venv


def only_example_text_warnings(annotations: str) -> bool:
    """GitHub annotations that are all warnings about the template's example text (the
    example site.url, tagline and description a fresh `init` writes for the founder)."""
    lines = annotations.splitlines()
    return bool(lines) and all(
        line.startswith("::warning ") and ("example text" in line or "example address" in line)
        for line in lines)


def test_a_fresh_init_publishes_with_no_index_holding_traction(tmp_path: Path) -> None:
    """Issue 12 §1, the proof: `traction init` (the real command), committed as is, then
    publish.yml on a runner whose Python is a new virtual environment without Traction and
    whose pip has no package index: the composite action installs the vendored wheel for real,
    checks its hash, and the `traction` it installed checks and builds the Pages artifact."""
    origin = new_repo(tmp_path / "origin")
    done = run_traction("init", str(origin), "--company", "Acme Analytics",
                        env={"PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    commit(origin, "traction init")
    venv = offline_venv(tmp_path / "python")
    job_env = {"PATH": f"{venv / 'bin'}{os.pathsep}{os.defpath}", "PIP_NO_INDEX": "1",
               "PIP_CONFIG_FILE": os.devnull, "PYTHONNOUSERSITE": "1"}
    python = str(venv / "bin" / "python")
    absent = subprocess.run([python, "-c", "import generator"], capture_output=True, text=True,
                            env=job_env, cwd=tmp_path, timeout=60)
    assert "No module named 'generator'" in absent.stderr, "Traction is not in the new venv"
    present = subprocess.run([python, "-c", "import jinja2, resvg_py, yaml, pip"],
                             env=job_env, cwd=tmp_path, timeout=60)
    assert present.returncode == 0, "its dependencies are"
    nowhere = subprocess.run([python, "-m", "pip", "install", "traction-pages"],
                             capture_output=True, text=True, env=job_env, cwd=tmp_path,
                             timeout=120)
    assert nowhere.returncode != 0, "no package index holds traction-pages"
    assert "No matching distribution found for traction-pages" in nowhere.stderr

    runner = Runner(origin, tmp_path / "runner", FakeGitHub(tmp_path / "github"), venv=venv)
    run = runner.run(origin / ".github" / "workflows" / "publish.yml", push_event(origin))
    build = run.jobs["build"]
    assert build.status == "success", run.log()
    action = build.step("./.github/actions/traction")
    assert outcomes(action.steps) == action_outcomes(action, **BUILD_SKIPS), run.log()
    install = action.step("Install traction").stdout
    from generator import __version__
    assert f"Processing ./.traction/traction_pages-{__version__}-py3-none-any.whl" in install
    assert f"Successfully installed traction-pages-{__version__}" in install
    # Its dependencies, named by the wheel's metadata: all here already, none from an index.
    assert "Requirement already satisfied: resvg-py" in install
    assert "Downloading" not in install and "Collecting" not in install
    # committed as is: only the template's example text is pointed out, nothing else
    assert only_example_text_warnings(action.step("Check content").stdout)
    where = subprocess.run([python, "-c", "import generator; print(generator.__file__)"],
                           capture_output=True, text=True, env=job_env, cwd=tmp_path,
                           timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(venv), "installed in the venv"
    site = run.artifacts["github-pages"]
    index = (site / "index.html").read_text("utf-8")
    assert "Acme Analytics" in index
    assert f'<link rel="canonical" href="{PAGES_BASE_URL}/">' in index
    assert (site / "progress.json").is_file() and (site / "assets" / "style.css").is_file()
    assert run.jobs["deploy"].status == "success" and run.deployed == site


def test_a_template_copy_starts_clean_and_publishes_from_its_own_source(
        tmp_path: Path) -> None:
    """README option A: a copy of this repository without the demo company, then `traction
    init .`: a fresh content/, nothing vendored, this repository's workflows kept, and they
    install the Traction source of the copy."""
    origin = traction_checkout(tmp_path / "origin")
    shutil.copytree(WORKFLOWS, origin / ".github" / "workflows",
                    ignore=shutil.ignore_patterns("ci.yml"))
    done = run_traction("init", str(origin), "--company", "Acme Analytics",
                        env={"PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert "nothing was vendored" in done.stderr
    assert not (origin / ".traction").exists()
    for name in ("publish.yml", "pr.yml"):
        assert (origin / ".github" / "workflows" / name).read_bytes() == (
            WORKFLOWS / name).read_bytes()
    assert not (origin / "content" / "weeks").exists()
    commit(origin, "our own log")
    run = make_runner(tmp_path, origin).run(origin / ".github" / "workflows" / "publish.yml",
                                           push_event(origin))
    build = run.jobs["build"]
    assert build.status == "success", run.log()
    action = build.step("Check and build")
    assert installed(build) == str(build.workspace.resolve())  # the copy's own source
    # no warning about a missing week: only the template's example text is pointed out
    assert only_example_text_warnings(action.step("Check content").stdout)
    assert "Acme Analytics" in (run.artifacts["github-pages"] / "index.html").read_text("utf-8")


CALLER = """\
name: caller
on: pull_request
permissions:
  contents: read
jobs:
  diff:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0
          persist-credentials: false
      - id: traction
        uses: ./.github/actions/traction
        with:
{with_}
"""


def run_caller(tmp_path: Path, origin: Path, with_: dict[str, str],
               vendored: bool = False) -> JobResult:
    """Run the action from a small caller workflow: from this checkout (its install finds the
    Traction source three levels up), or `vendored`, the copy in the content repository."""
    caller = tmp_path / "caller.yml"
    caller.write_text(CALLER.format(with_="".join(
        f"          {key}: {value}\n" for key, value in with_.items())), "utf-8")
    actions = {} if vendored else {"./.github/actions/traction": ACTION_DIR}
    runner = Runner(origin, tmp_path / "runner", FakeGitHub(tmp_path / "github"), actions)
    return runner.run(caller, pr_event(origin)).jobs["diff"]


def test_action_without_requirements_or_traction_source_says_what_to_set(
        tmp_path: Path) -> None:
    origin = content_repo(tmp_path / "origin")
    git(origin, "branch", "feature")
    job = run_caller(tmp_path, origin, {"content": "content"}, vendored=True)
    action = job.step("traction")
    assert job.status == "failure"
    assert action.step("Install traction").outcome == "failure"
    assert workflow_commands(action.step("Install traction").stdout) == [
        "::error title=traction::no Traction source beside this action: set the input "
        "'requirements' to a file that pins traction-pages by hash (traction init writes "
        ".traction/requirements.txt)"]
    assert action.step("Check content").outcome == "skipped"


@pytest.mark.parametrize(("with_", "message"), [
    ({"mode": "publish"}, "::error title=traction::input 'mode' must be 'build' or 'diff', "
                          "not 'publish'"),
    ({"mode": "diff"}, "::error title=traction::input 'base' is required when mode is 'diff'"),
    ({"comment": "maybe"}, "::error title=traction::input 'comment' must be 'true' or 'false', "
                           "not 'maybe'"),
])
def test_action_rejects_bad_inputs(tmp_path: Path, with_: dict[str, str], message: str) -> None:
    origin = content_repo(tmp_path / "origin")
    git(origin, "branch", "feature")
    job = run_caller(tmp_path, origin, with_)
    action = job.step("traction")
    assert job.status == "failure"
    assert outcomes(action.steps) == [("Validate inputs", "failure")] + [
        (name, "skipped") for name in ACTION_STEPS[1:]]
    assert workflow_commands(action.steps[0].stdout) == [message]
    assert action.outputs == {"out": "", "markdown-file": ""} and job.summary == ""


if __name__ == "__main__":  # the shims: python test_workflow_steps.py {gh|pip|jq} ...
    sys.exit(_shim_main(sys.argv[1:]))
