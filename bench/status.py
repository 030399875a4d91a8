#!/usr/bin/env python3
"""`traction status` on the 5-year log, as a person runs it: a new process each time
(issue 14 (c)).

Usage::

    python bench/status.py [--years 5] [--case-studies 100] [--runs 9] [--baseline DIR]

Writes the synthetic log (`bench/synth.py`, cards off) and times `python -m generator
status` in a subprocess, `--runs` rounds of one run of each kind (after one unmeasured run
that writes the `.pyc` files, as an installed Traction has them):

- with `--no-cache`: every file parsed and validated;
- with a cold cache (emptied before each run): the same, and every record kept;
- with a warm cache after the latest weekly log changed (a new line each run): one file
  read again;
- with a warm cache, nothing changed.

And two floors, each in a new process too, to show what no `status` in Python on these
libraries can go below:

- reading the weekly logs with PyYAML's fastest loader (libyaml's parser and PyYAML's
  constructor, which resolves no position and checks nothing), after starting Python;
- unpickling the records of every file, kept as one blob, after starting Python and
  importing the classes they are made of: what a `status` that reads every record pays
  at least, whichever way they are kept.

The cache and its signing key are in the benchmark's temporary folder. Each output is
compared with a `--no-cache` run's of the same content (not timed): the same text. `--baseline DIR`
also times `status` run from another checkout of Traction (e.g. one made with `git archive
main`), for the figure before. Prints the medians as a Markdown table, with the targets.
"""

from __future__ import annotations

import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench import synth  # noqa: E402
from generator.problems import Problems  # noqa: E402
from generator.source.loader import load  # noqa: E402

COLD, WARM = 0.2, 0.1  # issue 14 (c), seconds


def _env(tmp: Path, repo: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "COLUMNS", "TRACTION_CACHE_DIR")}
    return {**env, "PYTHONPATH": str(repo), "TRACTION_CACHE_DIR": str(tmp / "cache"),
            "TRACTION_KEY_FILE": str(tmp / "key"), "NO_COLOR": "1"}


def _run(content: Path, tmp: Path, repo: Path, *args: str) -> tuple[float, str]:
    """Seconds taken by one `traction status`, and what it printed."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", "status", "--content",
                           str(content), *args], cwd=repo, env=_env(tmp, repo),
                          capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"traction status failed:\n{done.stderr[-2000:]}")
    return took, done.stdout


# Floors: the least any `status` does, in a new process (see the module's text).
_YAML_FLOOR = """
import sys, pathlib, yaml
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.yaml")):
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
"""
_RECORDS_FLOOR = """
import sys, pickle, pathlib
import generator.source.schema
pickle.loads(pathlib.Path(sys.argv[1]).read_bytes())
"""


def _floor(code: str, argument: Path, tmp: Path) -> tuple[float, str]:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(argument)], cwd=REPO_ROOT, check=True,
                   env=_env(tmp, REPO_ROOT))
    return time.perf_counter() - start, ""


def _records_blob(content: Path, into: Path) -> Path:
    """Every record of the content, pickled as one blob (as a cache could keep them)."""
    problems = Problems()
    found = load(content, problems)
    if problems.errors:
        raise SystemExit("the synthetic log does not load")
    into.write_bytes(pickle.dumps((found.config, found.weeks, found.case_studies,
                                   found.pages), protocol=pickle.HIGHEST_PROTOCOL))
    return into


def main(argv: list[str] | None = None) -> int:
    parser = synth.bench_options(__doc__)
    parser.add_argument("--baseline", type=Path,
                        help="another checkout of Traction to time `status` from, too")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="traction-status-") as name:
        tmp = Path(name)
        content = tmp / "content"
        synth.generate(content, args.years, args.case_studies, 1, None, cards=False)
        latest = sorted((content / "weeks").glob("*.yaml"))[-1]
        cache = tmp / "cache"

        def status(*flags: str) -> tuple[float, str]:
            return _run(content, tmp, REPO_ROOT, *flags)

        def empty() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        edits = iter(range(1_000_000))

        def edit() -> None:
            with latest.open("a", encoding="utf-8") as handle:
                handle.write(f"# edit {next(edits)}\n")

        blob = _records_blob(content, tmp / "records.pickle")
        status("--no-cache")  # writes the .pyc files; unmeasured
        if args.baseline is not None:
            _run(content, tmp, args.baseline)
        # One run of each kind per round, so a burst of load on this shared machine falls
        # on every kind alike; each kind leaves the cache as the next one needs it.
        kinds: list[tuple[str, Callable[[], None], Callable[[], tuple[float, str]],
                          float | None]] = []
        if args.baseline is not None:
            base = args.baseline
            kinds.append((f"before: `status` of {base}", lambda: None,
                          lambda: _run(content, tmp, base), None))
        kinds += [
            ("`--no-cache`: every file parsed", lambda: None, lambda: status("--no-cache"),
             COLD),
            ("cold cache (emptied first): every record kept", empty, status, COLD),
            ("warm cache, the latest weekly log changed", edit, status, WARM),
            ("warm cache, nothing changed", lambda: None, status, WARM),
            ("floor: start Python, read the weekly logs with PyYAML's C loader, unchecked",
             lambda: None, lambda: _floor(_YAML_FLOOR, content / "weeks", tmp), None),
            ("floor: start Python, unpickle every file's record from one blob",
             lambda: None, lambda: _floor(_RECORDS_FLOOR, blob, tmp), None),
        ]
        times: dict[str, list[float]] = {label: [] for label, *_ in kinds}
        same = True
        for _ in range(args.runs):
            for label, before, run, _target in kinds:
                before()
                took, out = run()
                times[label].append(took)
                if not label.startswith(("before", "floor")):
                    same = same and out == status("--no-cache")[1]
        rows = [(label, times[label], target) for label, _, _, target in kinds]

        print(f"# `traction status`, {args.years}-year log + {args.case_studies} case "
              f"studies, a new process each run, {args.runs} runs\n")
        print("| | median | min | target (c) | |\n|---|---:|---:|---:|---|")
        for label, taken, target in rows:
            median = statistics.median(taken)
            verdict = "" if target is None else ("met" if median <= target else "NOT MET")
            goal = "" if target is None else f"≤ {target} s"
            print(f"| {label} | {median:.3f} s | {min(taken):.3f} s | {goal} | {verdict} |")
        print(f"\nThe same text as `--no-cache` in every case: {'yes' if same else 'NO'}.")
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
