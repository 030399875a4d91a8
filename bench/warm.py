#!/usr/bin/env python3
"""A warm rebuild after one weekly log changes, as `traction serve` does it (issue 14 (a)).

Usage::

    python bench/warm.py [--years 5] [--case-studies 100] [--runs 9]

Writes the synthetic log (`bench/synth.py`, cards off) and, in one process as `serve` keeps
it, renders the site once (cold: every file parsed, every text converted), then, for each
kind of edit (the latest weekly log's summary edited; a sales call added to it, which the
engine has to fold again), `--runs` times: edits, renders again and times it; first
outside git, then with the content committed to a repository and the edits not (as a
founder previews a week before committing it: each render reads the history). The last
warm result of each kind is compared with a cold render of the same content in a fresh
process: the same files, the same bytes. Prints the medians.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench import synth  # noqa: E402
from generator.pipeline import render  # noqa: E402

COLD = """
import hashlib, json, sys
from pathlib import Path
from generator.pipeline import render
files = render(Path(sys.argv[1]), parallel=False).files or {}
print(json.dumps({p: hashlib.sha256(b).hexdigest() for p, b in sorted(files.items())}))
"""


def _digests(files: dict[str, bytes] | None) -> dict[str, str]:
    assert files is not None, "the render failed"
    return {path: hashlib.sha256(data).hexdigest() for path, data in sorted(files.items())}


def _edit_summary(text: str, run: int) -> str:
    edited = text.replace('summary: "', f'summary: "Edit {run}. ', 1)
    assert edited != text, "the synthetic summary changed its form"
    return edited


def _add_call(text: str, run: int) -> str:
    """A sales call more, on the week's Monday: the engine has to fold the log again."""
    monday = text.split("week: ", 1)[1][:8]  # 2025-W52
    year, week = int(monday[:4]), int(monday[6:])
    day = datetime.date.fromisocalendar(year, week, 1).isoformat()
    call = f'  - {{date: {day}, with: "Edit {run}", type: sales, status: held}}\n'
    edited = text.replace("accounts:\n", f"{call}accounts:\n", 1)
    assert edited != text, "the synthetic week has no accounts: list"
    return edited


EDITS = {"its summary edited": _edit_summary, "a sales call added": _add_call}


def _commit_all(content: Path) -> None:
    """`content` as a repository with one commit: serve's rebuilds then read the history."""
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com",
                        *args], cwd=content, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "the log")


def main(argv: list[str] | None = None) -> int:
    args = synth.bench_options(__doc__).parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="traction-warm-") as tmp:
        content = Path(tmp) / "content"
        synth.generate(content, args.years, args.case_studies, 1, None, cards=False)
        latest = sorted((content / "weeks").glob("*.yaml"))[-1]
        start = time.perf_counter()
        _digests(render(content, parallel=False).files)
        cold = time.perf_counter() - start
        print(f"# Rebuild in one process, {args.years}-year log + {args.case_studies} case "
              f"studies, {args.runs} edits of the latest week\n")
        print("| | median | min |\n|---|---:|---:|")
        print(f"| first render (cold, in process, outside git) | {cold:.3f} s | |")
        medians, same = [], True
        for where in ("outside git", "in a repository, the edits not committed"):
            if where != "outside git":
                _commit_all(content)
                original = latest.read_text("utf-8")
                render(content, parallel=False)  # the history read once
            for name, edit in EDITS.items():
                warm = []
                for run in range(args.runs):
                    latest.write_text(edit(latest.read_text("utf-8"), run), "utf-8")
                    start = time.perf_counter()
                    files = render(content, parallel=False).files
                    warm.append(time.perf_counter() - start)
                fresh = subprocess.run([sys.executable, "-c", COLD, str(content)], check=True,
                                       capture_output=True, text=True, cwd=REPO_ROOT)
                same = same and json.loads(fresh.stdout) == _digests(files)
                medians.append(statistics.median(warm))
                print(f"| {where}: render after the latest week had {name} | "
                      f"{statistics.median(warm):.3f} s | {min(warm):.3f} s |")
                if where != "outside git":
                    latest.write_text(original, "utf-8")
        verdict = "met" if max(medians) <= 0.25 else "NOT MET"
        print(f"\nTarget (a) ≤ 0.25 s: {verdict}. Same bytes as a cold render in a fresh "
              f"process, after each kind of edit: {'yes' if same else 'NO'}.")
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
