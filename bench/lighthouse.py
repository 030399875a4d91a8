#!/usr/bin/env python3
"""Lighthouse scores of the demo site (issue 11, Proof), as a Markdown table.

Usage::

    python bench/lighthouse.py [--content DIR] [--runs 3] [--json FILE]

Builds the content (default: the demo, `content/`) with social cards on, into a temporary
folder, serves it from 127.0.0.1 and runs Lighthouse (npm `lighthouse`, installed in
.ci/node by scripts/test) with Chromium on the home page and the first case study, as a
phone (Lighthouse's default, with simulated throttling) and as a desktop (`--preset=desktop`).
Each page and form factor is run `--runs` times and the run with the median performance
score is kept, as Lighthouse's documentation advises against the variance of one run (on a
busy machine the phone's simulated CPU, 4x slower than the host, turns the host's load into
blocking time). Prints the four category scores (0-100) of that run with the range of the
performance scores, its LCP, TBT and CLS and Lighthouse's benchmark of the host's CPU (it warns
below 1,000 that a slow CPU lowers the score), then every weighted audit that kept a score below
100 from its category, and Lighthouse's warnings. tests/test_lighthouse.py runs this script
and asserts 100 everywhere.

The site is built with `--base-url http://127.0.0.1:PORT/`, the address it is served from,
so that its canonical links, og:url and robots.txt's sitemap name the page Lighthouse loads;
with `--base-url /` the canonical URL would name site.url, another origin than the one
loaded.

Exit status: 0 when every run gave a report (whatever the scores: it is a report), 1 when the
build, Chromium or Lighthouse failed.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO_ROOT / ".ci" / "node" / "node_modules" / ".bin" / "lighthouse"
HOST = "127.0.0.1"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {"LCP": "largest-contentful-paint", "TBT": "total-blocking-time",
           "CLS": "cumulative-layout-shift"}
FORM_FACTORS = {"mobile": [], "desktop": ["--preset=desktop"]}
# The flags tests/test_browser.py starts Chromium with, headless; nothing leaves the machine.
CHROMIUM_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                  "--disable-component-update --disable-sync --no-first-run")
# Debian's package first; Google Chrome is what GitHub's Ubuntu runners come with.
CHROMIUM_CANDIDATES = ("chromium", "google-chrome", "google-chrome-stable")


@dataclass(frozen=True)
class Run:
    page: str  # "home" or "case study"
    path: str  # URL path under the site's base
    form_factor: str  # "mobile" or "desktop"
    scores: dict[str, float]  # category id -> 0..1
    metrics: dict[str, str]  # "LCP" -> "1.1 s", as Lighthouse displays it
    failing: list[str]  # "category: audit-id (score): title", weighted audits below 1
    benchmark_index: float  # Lighthouse's measure of the host's CPU speed at the start
    warnings: list[str]  # Lighthouse's run warnings, e.g. that the host's CPU is too slow
    performance_range: tuple[float, float] = (0, 0)  # lowest and highest of all the runs


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def chromium_executable() -> str:
    configured = os.environ.get("TRACTION_CHROMIUM")
    if configured:
        return configured
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    sys.exit("no Chromium found: run scripts/test, or `apt-get install chromium`, "
             "or set TRACTION_CHROMIUM to a Chromium or Chrome executable")


def with_cards(content: Path, into: Path) -> Path:
    """A copy of `content` with `site.social_cards: true`, so every page names its card."""
    shutil.copytree(content, into)
    config = into / "traction.yaml"
    data = yaml.safe_load(config.read_text("utf-8"))
    data["site"]["social_cards"] = True
    config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return into


@contextmanager
def served(root: Path) -> Iterator[str]:
    """Serve the folder `root` (read per request: it may be built after this binds) on a free
    port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def build_site(content: Path, out: Path, base: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--quiet",
                             "--content", str(content), "--out", str(out), "--base-url", base],
                            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.exit(f"the build failed:\n{result.stdout}{result.stderr}")


def pages_of(root: Path) -> dict[str, str]:
    """The home page and the first case study (by name), as URL paths under the base."""
    studies = sorted(p.name for p in (root / "case-studies").iterdir()
                     if (p / "index.html").is_file())
    if not studies:
        sys.exit("the content publishes no case study")
    return {"home": "", "case study": f"case-studies/{studies[0]}/"}


def lighthouse(url: str, form_factor: str, chromium: str) -> dict[str, Any]:
    """The JSON report (a Lighthouse result object) of one run."""
    if not LIGHTHOUSE.is_file():
        sys.exit(f"Lighthouse missing: npm ci --prefix .ci/node ({LIGHTHOUSE})")
    command = [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROMIUM_FLAGS}",
               *FORM_FACTORS[form_factor]]
    # chrome-launcher, inside Lighthouse, finds the browser through CHROME_PATH.
    result = subprocess.run(command, env={**os.environ, "CHROME_PATH": chromium},
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not result.stdout.strip():
        sys.exit(f"Lighthouse failed on {url} ({form_factor}), exit {result.returncode}:\n"
                 f"{result.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(result.stdout)
    if report.get("runtimeError"):
        sys.exit(f"Lighthouse could not load {url}: {report['runtimeError']}")
    return report


def summarise(report: dict[str, Any], page: str, path: str, form_factor: str) -> Run:
    audits = report["audits"]
    scores, failing = {}, []
    for category in CATEGORIES:
        found = report["categories"][category]
        scores[category] = found["score"]
        for ref in found["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                shown = audit.get("displayValue", "")
                failing.append(f"{category}: {ref['id']} ({audit['score']}): {audit['title']}"
                               + (f" — {shown}" if shown else ""))
    metrics = {name: audits[audit_id].get("displayValue", "?")
               for name, audit_id in METRICS.items()}
    return Run(page, path, form_factor, scores, metrics, failing,
               report["environment"]["benchmarkIndex"], report.get("runWarnings", []))


def median_run(runs: list[Run]) -> Run:
    """The run with the median performance score (the lower middle one of an even number),
    with the range of all of them."""
    ordered = sorted(runs, key=lambda run: run.scores["performance"])
    low, high = ordered[0].scores["performance"], ordered[-1].scores["performance"]
    return replace(ordered[(len(ordered) - 1) // 2], performance_range=(low, high))


def measure(content: Path, chromium: str, repeat: int) -> list[Run]:
    runs = []
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        source, root = with_cards(content, Path(tmp) / "content"), Path(tmp) / "site"
        with served(root) as base:
            build_site(source, root, base)
            for page, path in pages_of(root).items():
                for form_factor in FORM_FACTORS:
                    runs.append(median_run([
                        summarise(lighthouse(base + path, form_factor, chromium),
                                  page, path, form_factor) for _ in range(repeat)]))
    return runs


def table(runs: list[Run]) -> str:
    lines = ["| Page | Form factor | Performance | Accessibility | Best practices | SEO "
             "| LCP | TBT | CLS | Host CPU |", "|---|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        scores = " | ".join(str(round(run.scores[c] * 100)) for c in CATEGORIES)
        low, high = (round(score * 100) for score in run.performance_range)
        if low != high:
            scores = scores.replace(" |", f" ({low}–{high}) |", 1)
        metrics = " | ".join(run.metrics[m] for m in METRICS)
        lines.append(f"| {run.page} (`/{run.path}`) | {run.form_factor} | {scores} | {metrics} "
                     f"| {run.benchmark_index:.0f} |")
    for run in runs:
        for failure in run.failing:
            lines.append(f"- {run.page}, {run.form_factor}: {failure}")
        for warning in run.warnings:
            lines.append(f"- {run.page}, {run.form_factor}: Lighthouse warns: {warning}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--content", type=Path, default=REPO_ROOT / "content")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of each page and form factor; the median is kept")
    parser.add_argument("--json", type=Path, help="also write every run's scores as JSON")
    args = parser.parse_args()
    chromium = chromium_executable()
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True)
    runs = measure(args.content.resolve(), chromium, args.runs)
    print(f"Lighthouse {version.stdout.strip()}, {chromium}, median of {args.runs} runs\n")
    print(table(runs))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
