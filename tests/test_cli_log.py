"""`traction log`, end to end: the real command on a copy of the demo content, then `check`
and `status` on the result."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from conftest import DEMO, ROOT, run_traction

from generator.isoweek import IsoWeek

W47 = "weeks/2026-W47.yaml"


def traction(demo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_traction(*args, "--content", str(demo))


def last_week(demo: Path) -> dict[str, Any]:
    result = traction(demo, "status", "--format", "json")
    assert result.returncode == 0, result.stderr
    week: dict[str, Any] = json.loads(result.stdout)["weeks"][-1]
    assert week["week"] == "2026-W47"
    return week


def test_the_issue_examples_log_check_and_show_in_status(demo: Path) -> None:
    before = last_week(demo)
    original = (demo / W47).read_text("utf-8")
    for args in (
        ["call", "--with", "Jane Roe, Globex", "--type", "demo", "--date", "2026-11-17",
         "--account", "globex"],
        ["account", "globex", "qualified", "--source", "cold-email", "--owner", "maya",
         "--date", "2026-11-18"],
        ["account", "globex", "paid", "--amount", "1200", "--interval", "month",
         "--date", "2026-11-19"],
        ["sale", "49", "--product", "Workbook", "--date", "2026-11-19"],
        ["note", "Closed Initech after three demos", "--date", "2026-11-19"],
    ):
        result = traction(demo, "log", *args)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"{W47}:" in result.stderr and "✓ logged the" in result.stderr
        assert "1200" not in result.stderr and "Jane" not in result.stderr
    text = (demo / W47).read_text("utf-8")
    assert [line for line in original.splitlines() if line not in text.splitlines()] == []
    assert ("  - {id: globex, event: paid, date: 2026-11-19, amount: 1200, interval: month}\n"
            in text)
    assert yaml.safe_load(text)["summary"].endswith("\n\nClosed Initech after three demos\n")

    check = traction(demo, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    after = last_week(demo)
    assert after["sales_calls"] == before["sales_calls"] + 1
    assert after["sqls"] == before["sqls"] + 1
    assert after["paying_customers"] == before["paying_customers"] + 1


def test_a_refused_entry_prints_where_and_why_and_changes_nothing(demo: Path) -> None:
    digest = hashlib.sha256((demo / W47).read_bytes()).hexdigest()
    result = traction(demo, "log", "account", "hooli", "won", "--note", "Secret Canary",
                      "--date", "2026-11-18")
    assert result.returncode == 1
    assert f"{W47}:" in result.stdout + result.stderr
    assert "without" in result.stderr + result.stdout  # won without qualified
    assert "✗ not logged" in result.stderr
    assert "Canary" not in result.stdout + result.stderr and "Traceback" not in result.stderr
    assert hashlib.sha256((demo / W47).read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in (demo / "weeks").iterdir()) == sorted(
        p.name for p in (DEMO / "weeks").iterdir())


def test_a_bad_amount_is_refused_without_repeating_it(demo: Path) -> None:
    result = traction(demo, "log", "account", "globex", "paid", "--amount", "$1,999",
                      "--date", "2026-11-18")
    assert result.returncode == 2  # a value that cannot be an entry: a usage error
    assert result.stderr == ("✗ --amount must be a number such as 1200 or 49.50, without a "
                             "currency sign or thousands separators; nothing was written\n")
    result = traction(demo, "log", "note", "  ")
    assert (result.returncode, result.stderr) == (2, "✗ the note is empty; nothing was written\n")


def test_hostile_text_is_kept_exactly(demo: Path) -> None:
    hostile = 'Zoë "Z" O\'Neil: CTO, #1 - {x} [y] & *z 🚀'
    result = traction(demo, "log", "call", "--with", hostile, "--notes", "yes\nno: 12:30",
                      "--date", "2026-11-20")
    assert result.returncode == 0, result.stderr
    call = yaml.safe_load((demo / W47).read_text("utf-8"))["calls"][-1]
    assert (call["with"], call["notes"]) == (hostile, "yes\nno: 12:30")
    assert traction(demo, "check").returncode == 0


def test_the_date_defaults_to_today(demo: Path) -> None:
    result = traction(demo, "log", "question")
    assert result.returncode == 0, result.stderr
    today = datetime.date.today()
    path = demo / "weeks" / f"{IsoWeek.of(today).label}.yaml"
    events = yaml.safe_load(path.read_text("utf-8"))["list"]["events"]
    assert events[-1] == {"date": today, "type": "question"}


def complete(words: str, cwd: Path) -> list[str]:
    """What the shell completion of `traction` offers for the last of `words`."""
    env = {**os.environ, "_TRACTION_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split(" ")) - 1),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run([sys.executable, "-c",
                             "from generator.cli import main; main(prog_name='traction')"],
                            cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


def test_completion_offers_account_ids_sources_and_events(demo: Path) -> None:
    assert complete(f"traction log account --content {demo} pin", ROOT) == [
        "pinecrest-logistics"]
    assert complete("traction log call --account gan", demo.parent) == ["gannet-freight"]
    assert complete("traction log account globex qualified --source ", demo.parent) == [
        "cold-email", "founder-network", "newsletter"]
    assert complete("traction log account globex h", demo.parent) == ["hell-yes"]


def test_completion_survives_broken_or_missing_content(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "traction.yaml").write_bytes(b"\xff\xfe: [")
    assert complete("traction log account ", tmp_path) == []
    assert complete("traction log spend --content /nonexistent/x ", tmp_path) == []
