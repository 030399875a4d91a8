#!/usr/bin/env python3
"""Peak memory of a cold build of the 50-year log, forked processes included (issue 14 (d)).

Usage::

    python bench/memory.py [--years 50] [--runs 3]

Writes the synthetic log (`bench/synth.py`, cards off) and runs `traction build --no-cache`
in a fresh process into a fresh folder, `--runs` times. While it runs, it samples every
20 ms the proportional set size (PSS, Linux `smaps_rollup`) of the build and of every
process it forked, and their sum: the memory the build takes from the machine, with the
pages the forks share with it counted once. It also reports the build's own peak RSS, as
`bench/run.py` does. Linux only.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench import synth  # noqa: E402

TARGET_MIB = 150  # issue 14 (d)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_pss_kib(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kib(pid)
        todo += _children(pid)
    return total


def _build(content: Path, out: Path) -> tuple[float, float, float]:
    """(seconds, peak PSS of the process tree in MiB, the build's own peak RSS in MiB)."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "-q",
                                "--no-cache", "--content", str(content), "--out", str(out)],
                               env=env, cwd=REPO_ROOT)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_pss_kib(process.pid))
        time.sleep(0.02)
    took = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"the build failed ({process.returncode})")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return took, peak / 1024, rss / 1024


def main(argv: list[str] | None = None) -> int:
    args = synth.bench_options(__doc__, years=50, case_studies=None, runs=3).parse_args(argv)
    if not Path("/proc/self/smaps_rollup").is_file():
        raise SystemExit("needs Linux's /proc/<pid>/smaps_rollup")
    with tempfile.TemporaryDirectory(prefix="traction-memory-") as tmp:
        content = Path(tmp) / "content"
        synth.generate(content, args.years, 0, 1, None, cards=False)
        runs = [_build(content, Path(tmp) / f"site-{run}") for run in range(args.runs)]
        pages = sum(1 for _ in (Path(tmp) / "site-0").rglob("index.html"))
    took = statistics.median(r[0] for r in runs)
    pss = max(r[1] for r in runs)
    rss = max(r[2] for r in runs)
    print(f"# Cold build of the {args.years}-year log ({pages} pages), {args.runs} runs\n")
    print("| | value |\n|---|---:|")
    print(f"| wall time, median | {took:.2f} s |")
    print(f"| peak PSS, the build and its forked processes together | {pss:.0f} MiB |")
    print(f"| peak RSS of the build's own process | {rss:.0f} MiB |")
    verdict = "met" if pss <= TARGET_MIB else "NOT MET"
    print(f"\nTarget (d), peak memory ≤ {TARGET_MIB} MiB, forks included: {verdict}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
