#!/usr/bin/env python3
"""What provenance from git history costs a build (issue 13 §1), as a Markdown table.

Usage::

    python bench/provenance.py [--years 5] [--runs 5]

Writes the synthetic log (`bench/synth.py`, no case studies) into a fresh git repository,
one commit per week in order, each dated the Sunday after its week (every tenth week four
weeks later: logged late), then a last commit that edits one amount (a revision). It times
`source.history.read_history` in process (the cost itself), and the real `traction build`,
each in a fresh process, of the repository and of the same content outside any repository
(no provenance), interleaved run by run, cards off. Medians (and min) of `--runs` runs.
The target: at 5 years (260 commits), provenance adds < 0.5 s to a build.
"""

from __future__ import annotations

import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench import synth  # noqa: E402
from generator.isoweek import IsoWeek  # noqa: E402
from generator.problems import Problems  # noqa: E402
from generator.source.history import History, read_history  # noqa: E402
from generator.source.loader import load  # noqa: E402


def _git(repo: Path, *args: str, when: datetime.date | None = None) -> None:
    env = dict(os.environ)
    if when is not None:
        stamp = f"{when.isoformat()}T18:00:00+00:00"
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Bench", "-c",
                    "user.email=bench@example.com", "-c", "commit.gpgsign=false", *args],
                   check=True, env=env, capture_output=True)


def make_repository(root: Path, years: int) -> tuple[Path, int]:
    """The synthetic log committed week by week; returns the content folder and commits."""
    scratch = root / "scratch"
    synth.generate(scratch, years, 0, 1, None, cards=False)
    repo = root / "repo"
    content = repo / "content"
    content.mkdir(parents=True)
    _git(repo, "init", "-q")
    shutil.copy(scratch / "traction.yaml", content / "traction.yaml")
    shutil.copytree(scratch / "pages", content / "pages")
    (content / "weeks").mkdir()
    weeks = sorted((scratch / "weeks").glob("*.yaml"))
    for index, path in enumerate(weeks):
        shutil.copy(path, content / "weeks" / path.name)
        sunday = IsoWeek.parse(path.stem).sunday
        when = sunday + datetime.timedelta(days=28 if index % 10 == 9 else 0)
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"log {path.stem}", when=when)
    last = content / "weeks" / weeks[-1].name
    text = last.read_text("utf-8")
    if "amount: " in text:
        head, _, tail = text.partition("amount: ")
        last.write_text(head + "amount: 1" + tail, "utf-8")
        _git(repo, "commit", "-q", "-am", "fix an amount",
             when=IsoWeek.parse(weeks[-1].stem).sunday + datetime.timedelta(days=3))
    return content, len(weeks) + 1


def _build(content: Path, out: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "TRACTION_CACHE_DIR"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "build", "-q", "--no-cache",
                    "--content", str(content), "--out", str(out)], check=True, env=env,
                   stderr=subprocess.DEVNULL)  # the synthetic log's typo warnings
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    args = synth.bench_options(__doc__, case_studies=None, runs=5).parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="traction-provenance-") as tmp:
        root = Path(tmp)
        content, commits = make_repository(root, args.years)
        outside = root / "outside" / "content"
        shutil.copytree(content, outside)
        loaded = load(content, Problems())
        reads, builds, plain = [], [], []
        history = None
        for _ in range(args.runs):
            start = time.perf_counter()
            history = read_history(content, loaded.weeks)
            reads.append(time.perf_counter() - start)
            builds.append(_build(content, root / "site-git"))
            plain.append(_build(outside, root / "site-plain"))
        assert isinstance(history, History), history
        revised = sum(1 for o in history.origins.values() if o.revisions)
        print(f"# Provenance: a {args.years}-year log, {commits} commits, "
              f"{len(loaded.weeks)} week files, {len(history.origins)} entries followed "
              f"({revised} revised)\n")
        print("| | median | min |\n|---|---:|---:|")
        for label, times in (("read_history (in process)", reads),
                             ("`traction build`, in the repository", builds),
                             ("`traction build`, outside git (no provenance)", plain)):
            print(f"| {label} | {statistics.median(times):.3f} s | {min(times):.3f} s |")
        added = statistics.median(builds) - statistics.median(plain)
        verdict = "met" if added < 0.5 else "NOT MET"
        print(f"\nProvenance adds {added:+.3f} s to a build (target < 0.5 s: {verdict}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
