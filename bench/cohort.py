#!/usr/bin/env python3
"""What `traction cohort` costs for a large cohort (issue 13 §3: 1,000 startups in < 3 s).

Usage::

    python bench/cohort.py [--startups 1000] [--runs 5] [--seed 1] [--keep DIR]

Writes a seeded synthetic cohort: N progress.json documents (traction/progress@1, 1.3) and
a cohort.yaml listing them, on mixed ladders (zero-to-one, micro-traction, both, or a
custom one that shares a milestone id with zero-to-one), each with 20 to 80 weeks of rows
and a history of milestones reached and slipped, about the size of a real one (the demo's
is 27 KB). The same arguments give the same files. Then it times the real command, each
run a fresh process (`python -m generator cohort`, start-up included), and prints the
median and the fastest of `--runs` runs. It checks that every document was used.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET = 3.0  # seconds for 1,000 startups

LADDERS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "zero-to-one": ("Zero to one", [
        ("weekly-sales-calls", "5+ sales calls every week"),
        ("first-paying-customer", "First paying customer"),
        ("five-paying-customers", "5 paying customers, 1 of them a “hell yes”"),
        ("five-hell-yes", "5 “hell yes” customers"),
        ("hell-yes-rate", "90% of customers say “hell yes”"),
        ("close-rate", "30% close rate on qualified leads"),
        ("scalable-pipeline", "One scalable pipeline source that pays off"),
        ("sales-handover", "Sales handed over to reps, metrics held")]),
    "micro-traction": ("Micro-traction", [
        ("first-subscriber-question", "First question from a subscriber"),
        ("first-product-sale", "First two-figure product sale"),
        ("first-services-inquiry", "First spontaneous services inquiry"),
        ("predictable-demand", "Predictable demand")]),
    "revenue": ("Revenue", [
        ("first-paying-customer", "A first customer who pays"),
        ("mrr-1k", "$1k in monthly revenue"),
        ("mrr-10k", "$10k in monthly revenue")]),
}
CHOICES = (["zero-to-one"], ["micro-traction"], ["zero-to-one", "micro-traction"],
           ["revenue"])


def week_label(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def synthetic_document(rng: random.Random, index: int, start: datetime.date) -> dict[str, Any]:
    slug = f"startup-{index:04d}"
    site = f"https://{slug}.example/progress/"
    weeks = rng.randint(20, 80)
    first = start - datetime.timedelta(weeks=rng.randint(0, 10))
    as_of = first + datetime.timedelta(weeks=weeks, days=rng.randint(0, 6))
    logged_until = as_of - datetime.timedelta(weeks=rng.choice((0, 0, 0, 1, 2, 5)))
    reach_share = rng.random()
    ladders, goal = [], None
    for ladder_id in rng.choice(CHOICES):
        title, steps = LADDERS[ladder_id]
        milestones = []
        day = first
        for number, (mid, mtitle) in enumerate(steps, 1):
            history: list[dict[str, str]] = []
            status = "not_started"
            if rng.random() < reach_share and (not milestones or
                                               milestones[-1]["achieved_on"] is not None):
                day += datetime.timedelta(days=rng.randint(3, 60))
                if day <= as_of:
                    history.append({"date": day.isoformat(), "status": "achieved"})
                    status = "achieved"
                    if rng.random() < 0.15:
                        slip = day + datetime.timedelta(days=rng.randint(7, 90))
                        if slip <= as_of:
                            history.append({"date": slip.isoformat(), "status": "slipped"})
                            status = "slipped"
            if status == "not_started" and rng.random() < 0.5:
                status = "in_progress"
            if goal is None and status != "achieved":
                goal = mid
            achieved_on = history[0]["date"] if history else None
            milestones.append({
                "id": mid, "number": number, "title": mtitle, "summary": f"{mtitle}.",
                "url": f"{site}milestones/{mid}/", "status": status,
                "achieved_on": achieved_on,
                "since": achieved_on if status == "achieved" else None,
                "progress": 1.0 if status == "achieved" else round(rng.random(), 4),
                "measures": [{"name": "paying_customers", "label": "paying customers",
                              "value": rng.randint(0, 9), "target": 5,
                              "comparison": "at_least", "met": status == "achieved",
                              "progress": 1.0 if status == "achieved" else 0.4,
                              "kind": "count", "hidden": False}],
                "details": [], "history": history})
        ladders.append({"id": ladder_id, "title": title, "summary": "", "milestones": milestones})
    rows = []
    paying = 0
    for n in range(weeks):
        day = first + datetime.timedelta(weeks=n)
        if day > logged_until:
            break
        paying += rng.randint(0, 1)
        rows.append({"week": week_label(day), "sales_calls": rng.randint(0, 12),
                     "sqls": rng.randint(0, 4), "won": rng.randint(0, 2), "lost": rng.randint(0, 2),
                     "paying_customers": paying, "hell_yes_customers": paying // 3,
                     "close_rate": round(rng.random(), 4), "subscribers": rng.randint(0, 900),
                     "url": f"{site}weeks/{week_label(day)}/"})
    stage = "prototype" if goal in (None, "first-paying-customer") else rng.choice(
        ("prototype", "traction", "growth"))
    return {"schema": "traction/progress@1", "url": site, "as_of": as_of.isoformat(),
            "latest_week": week_label(logged_until), "week_in_progress": None,
            "company": {"name": f"Startup {index}", "tagline": "Synthetic"}, "stage": stage,
            "current_goal": goal, "ladders": ladders, "weeks": rows}


def write_cohort(folder: Path, startups: int, seed: int) -> Path:
    rng = random.Random(seed)
    start = datetime.date(2026, 3, 2)
    lines = ["title: Synthetic cohort", f"start: {start.isoformat()}", "startups:"]
    for index in range(startups):
        path = folder / f"s{index:04d}" / "progress.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(synthetic_document(rng, index, start), indent=2) + "\n",
                        "utf-8")
        lines.append(f"  - {{name: Startup {index}, progress: s{index:04d}/progress.json}}")
    (folder / "cohort.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder / "cohort.yaml"


def run(cohort: Path, out: Path) -> float:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "cohort", str(cohort), "--out",
                    str(out), "-q", "--strict"], check=True, env=environment)
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--startups", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the cohort here and keep it")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="traction-bench-cohort-"))
    folder = args.keep or work / "cohort"
    try:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        cohort = write_cohort(folder, args.startups, args.seed)
        size = sum(p.stat().st_size for p in folder.rglob("progress.json"))
        run(cohort, work / "out")  # warm the disk cache and .pyc
        times = [run(cohort, work / "out") for _ in range(args.runs)]
        document = json.loads((work / "out" / "cohort.json").read_text("utf-8"))
        assert len(document["startups"]) == args.startups and not document["skipped"]
        median = statistics.median(times)
        verdict = "" if args.startups != 1000 else (
            " — PASS (< 3 s)" if median < TARGET else " — FAIL (target < 3 s)")
        print(f"traction cohort, {args.startups:,} startups ({size / 1e6:.1f} MB of "
              f"progress.json): median {median:.2f} s, fastest {min(times):.2f} s over "
              f"{args.runs} runs{verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
