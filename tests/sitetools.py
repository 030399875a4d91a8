"""Helpers for the site tests: a small content tree, builds, snapshots, links in HTML."""

from __future__ import annotations

import copy
import datetime
import os
import socket
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from conftest import BASE_CONFIG, ROOT, run_traction, write_content


def small_config(**overrides: Any) -> dict[str, Any]:
    config = copy.deepcopy(BASE_CONFIG)
    config["site"]["description"] = "A small test site"
    config["accounts"] = {"initech": {"name": "Initech", "public": True}}
    config.update(overrides)
    return config


def small_weeks(*labels: str) -> dict[str, dict[str, Any]]:
    """Valid weekly logs of 2026 (`2026-W10` ... `2026-W13`): calls, a customer, a summary."""
    weeks: dict[str, dict[str, Any]] = {}
    for label in labels or ("2026-W10", "2026-W11", "2026-W12"):
        number = int(label.split("-W")[1])
        monday = datetime.date.fromisocalendar(2026, number, 1)
        days = [(monday + datetime.timedelta(days=i)).isoformat() for i in range(7)]
        weeks[label] = {
            "week": label,
            "summary": f"Week {number}: we made **{number}** calls and learned things.",
            "calls": [{"date": days[i % 5], "with": "Jane Roe", "type": "sales"}
                      for i in range(5)],
        }
    first = next(iter(weeks.values()))
    monday = first["calls"][0]["date"]
    first["accounts"] = [
        {"id": "initech", "event": "qualified", "date": monday, "source": "cold-email"},
        {"id": "initech", "event": "won", "date": monday},
        {"id": "initech", "event": "paid", "date": monday, "amount": 500, "interval": "month"},
        {"id": "globex", "event": "qualified", "date": monday, "source": "founder-network"},
    ]
    return weeks


CASE_STUDY = """\
---
title: How Initech got to hell yes
summary: Fewer calls, more dock.
date: 2026-03-06
customer: initech
---
Initech was **happy**.
"""

PAGE = """\
---
title: About us
order: 1
---
We are a small team.
"""


def small_content(root: Path, *, weeks: dict[str, Any] | None = None,
                  **config_overrides: Any) -> Path:
    return write_content(root, config=small_config(**config_overrides),
                         weeks=weeks or small_weeks(), case_studies={"initech": CASE_STUDY},
                         pages={"about": PAGE})


def build(content: Path, out: Path, *args: str, cwd: Path | None = None,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`traction build` in a subprocess; the package is importable from any working directory."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return run_traction("build", "--content", str(content), "--out", str(out), *args, cwd=cwd,
                        env={"PYTHONPATH": path, **(env or {})})


def build_ok(content: Path, out: Path, *args: str, **kwargs: Any) -> None:
    result = build(content, out, *args, **kwargs)
    assert result.returncode == 0, result.stderr


def snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every file and folder under `directory`, with the bytes of the files."""
    return {p.relative_to(directory).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(directory.rglob("*"))}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Links(HTMLParser):
    """Every URL an HTML page points at: (tag, attribute, value)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and name in ("href", "src", "action", "poster", "data"):
                self.links.append((tag, name, value))
            if value is not None and name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.links.append((tag, name, candidate.split()[0]))

    handle_startendtag = handle_starttag


def links_of(html: str) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(html)
    parser.close()
    return parser.links


def cli(*args: str) -> tuple[int, str, str]:
    """The real command line in this process (fast, for error paths): exit code, out, err."""
    from click.testing import CliRunner

    from generator.cli import main

    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    result = runner.invoke(main, list(args), env={"NO_COLOR": "1"}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr
