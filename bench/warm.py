#!/usr/bin/env python3
"""A warm rebuild after one weekly log changes, as `traction serve` does it (issue 14 (a)).

Usage::

    python bench/warm.py [--years 5] [--case-studies 100] [--runs 9]

Writes the synthetic log (`bench/synth.py`, cards off) and, in one process as `serve` keeps
it, renders the site once (cold: every file parsed, every text converted), then `--runs`
times: changes the latest weekly log's summary, renders
again and times it. Each warm result is compared with a cold render of the same content
in a fresh process: the same files, the same bytes. Prints the medians.
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--case-studies", type=int, default=100)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="traction-warm-") as tmp:
        content = Path(tmp) / "content"
        synth.generate(content, args.years, args.case_studies, 1, None, cards=False)
        latest = sorted((content / "weeks").glob("*.yaml"))[-1]
        start = time.perf_counter()
        _digests(render(content, parallel=False).files)
        cold = time.perf_counter() - start
        warm = []
        for run in range(args.runs):
            text = latest.read_text("utf-8")
            text = text.replace('summary: "', f'summary: "Edit {run}. ', 1)
            assert f"Edit {run}." in text, "the synthetic summary changed its form"
            latest.write_text(text, "utf-8")
            start = time.perf_counter()
            files = render(content, parallel=False).files
            warm.append(time.perf_counter() - start)
        fresh = subprocess.run([sys.executable, "-c", COLD, str(content)], check=True,
                               capture_output=True, text=True, cwd=REPO_ROOT)
        same = json.loads(fresh.stdout) == _digests(files)
        print(f"# Rebuild in one process, {args.years}-year log + {args.case_studies} case "
              f"studies, {args.runs} edits of the latest week\n")
        print("| | median | min |\n|---|---:|---:|")
        print(f"| first render (cold, in process) | {cold:.3f} s | |")
        print(f"| render after one weekly log changed | {statistics.median(warm):.3f} s | "
              f"{min(warm):.3f} s |")
        verdict = "met" if statistics.median(warm) <= 0.25 else "NOT MET"
        print(f"\nTarget (a) ≤ 0.25 s: {verdict}. Same bytes as a cold render in a fresh "
              f"process: {'yes' if same else 'NO'}.")
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
