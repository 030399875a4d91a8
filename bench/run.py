#!/usr/bin/env python3
"""Benchmark the ``traction`` command on synthetic logs and print a Markdown report.

Usage::

    python bench/run.py [--runs 5] [--warmup 1] [--traction CMD] [--keep] [--json FILE]

Generates, with ``bench/synth.py``, a 5-year log, a 50-year log and a 5-year
log with 100 case studies in a temporary directory, then times each command
in a fresh child process (wall time: median and min of ``--runs`` runs; peak
RSS: ``ru_maxrss`` of that child, read with ``os.wait4``) and checks the
targets. The exit status is 0 even when targets fail (this is a report, not a
test); it is 1 only when a measured command itself exited non-zero or the
benchmark could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SYNTH = BENCH_DIR / "synth.py"

STATUS_5Y_MAX_S = 0.5
STATUS_50Y_MAX_RATIO = 12.0
BUILD_50Y_MAX_MIB = 150
HELP_MAX_S = 0.15
BUILD_MAX_S = 2.0
PAGE_MAX_BYTES = 60 * 1024


@dataclass
class Measurement:
    name: str
    argv: list[str]
    times: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    returncode: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def peak_rss_mib(self) -> float:
        return max(self.rss_kib) / 1024


@dataclass
class Row:
    measure: str
    value: str
    target: str
    result: str  # PASS | FAIL | SKIP | ERROR
    note: str = ""


def run_once(argv: list[str], cwd: Path) -> tuple[float, int, int, str]:
    """Run ``argv`` once; return (wall seconds, peak RSS KiB, exit code, stderr tail)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        # wait4 reports the resource usage of exactly this child (and the
        # descendants it waited for), unlike RUSAGE_CHILDREN's running max.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
        tail = ""
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
        return wall, rss, proc.returncode, tail


def measure(
    name: str,
    make_argv: Callable[[int], list[str]],
    runs: int,
    warmup: int,
) -> Measurement:
    """Time ``runs`` runs after ``warmup`` unmeasured ones; ``make_argv(i)`` is run i's argv."""
    m = Measurement(name, make_argv(0))
    for i in range(warmup + runs):
        wall, rss, rc, tail = run_once(make_argv(i), REPO_ROOT)
        if rc != 0:
            m.returncode, m.error = rc, tail
            return m
        if i >= warmup:
            m.times.append(wall)
            m.rss_kib.append(rss)
    return m


def synth(out: Path, years: int, case_studies: int, seed: int) -> str:
    # Cards off: drawing them is timed on its own (bench/cards.py), and with --no-cache every
    # build would draw them all.
    argv = [sys.executable, str(SYNTH), str(out), "--years", str(years), "--seed", str(seed),
            "--no-cards"]
    if case_studies:
        argv += ["--case-studies", str(case_studies)]
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def resolve_traction(arg: str | None) -> list[str]:
    if arg:
        return shlex.split(arg)
    exe = shutil.which("traction")
    if exe:
        return [exe]
    return [sys.executable, "-m", "generator"]


def has_command(traction: list[str], command: str) -> bool:
    done = subprocess.run(
        [*traction, command, "--help"], cwd=REPO_ROOT, capture_output=True, check=False
    )
    return done.returncode == 0


class _StylesheetLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").lower().split() and a.get("href"):
            self.hrefs.append(a["href"])


def page_weight(site: Path, base_url: str) -> tuple[int, list[str], int]:
    """Bytes of index.html plus the local CSS files it links, notes, and how many are missing."""
    index = site / "index.html"
    html = index.read_text(encoding="utf-8", errors="replace")
    total = index.stat().st_size
    notes = [f"index.html {total / 1024:.1f} KB"]
    parser = _StylesheetLinks()
    parser.feed(html)
    base = urlsplit(base_url)
    seen: set[Path] = set()
    missing = 0
    for href in parser.hrefs:
        url = urlsplit(href)
        if url.netloc and url.netloc != base.netloc:
            notes.append(f"external {href} not counted")
            continue
        path = url.path
        candidates = []
        if path.startswith(base.path) and base.path:
            candidates.append(path[len(base.path) :])
        candidates.append(path.lstrip("/"))
        if not path.startswith("/"):
            candidates.append(path)
        found = next((site / c for c in candidates if c and (site / c).is_file()), None)
        if found is None:
            notes.append(f"linked {href} is not in the output")
            missing += 1
            continue
        if found in seen:
            continue
        seen.add(found)
        size = found.stat().st_size
        total += size
        notes.append(f"{found.relative_to(site)} {size / 1024:.1f} KB")
    return total, notes, missing


def site_url(content: Path) -> str:
    """The ``site.url`` that synth.py wrote (to resolve absolute stylesheet links)."""
    text = (content / "traction.yaml").read_text(encoding="utf-8")
    found = re.search(r'^\s+url:\s*"([^"]*)"', text, re.M)
    return found.group(1) if found else ""


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def time_cell(m: Measurement) -> str:
    return f"{m.median:.3f} s (min {m.best:.3f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per command")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs first")
    parser.add_argument(
        "--traction",
        metavar="CMD",
        help="command to benchmark (default: `traction` on PATH, else `python -m generator`)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed for bench/synth.py")
    parser.add_argument("--keep", action="store_true", help="keep the generated content")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write results as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be >= 1")

    traction = resolve_traction(args.traction)
    work = Path(tempfile.mkdtemp(prefix="traction-bench-"))
    try:
        return report(args, traction, work)
    finally:
        if args.keep:
            print(f"\nGenerated content kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(args: argparse.Namespace, traction: list[str], work: Path) -> int:
    print(
        f"# Traction benchmark\n\nCommand: `{shlex.join(traction)}` · runs: {args.runs} "
        f"(+{args.warmup} warm-up) · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs\n"
    )
    c5, c50, c5cs = work / "log-5y", work / "log-50y", work / "log-5y-cs"
    print("Synthetic content:\n")
    for out, years, cs in ((c5, 5, 0), (c50, 50, 0), (c5cs, 5, 100)):
        print(f"- {synth(out, years, cs, args.seed).replace(str(work) + os.sep, '')}")
    print()

    def fixed(*cmd: str) -> Callable[[int], list[str]]:
        return lambda _i: [*traction, *cmd]

    runs, warmup = args.runs, args.warmup
    # --no-cache: every file parsed, as these figures always were (bench/status.py times
    # status with the cache, cold and warm)
    measurements: list[Measurement] = [
        measure("status, 5-year log", fixed("status", "--no-cache", "--content", str(c5)),
                runs, warmup),
        measure("status, 50-year log", fixed("status", "--no-cache", "--content", str(c50)),
                runs, warmup),
        measure("--help", fixed("--help"), runs, warmup),
    ]
    s5, s50, hlp = measurements
    rows: list[Row] = []
    crashed = False

    def error_row(m: Measurement, target: str) -> Row:
        nonlocal crashed
        crashed = True
        last = (m.error.strip().splitlines() or ["(no stderr)"])[-1]
        return Row(m.name, f"exit {m.returncode}", target, "ERROR", last[:160])

    t = f"< {STATUS_5Y_MAX_S} s"
    rows.append(
        Row(s5.name, time_cell(s5), t, verdict(s5.median < STATUS_5Y_MAX_S))
        if s5.ok
        else error_row(s5, t)
    )
    t = f"≤ {STATUS_50Y_MAX_RATIO:g}× 5-year"
    if s50.ok and s5.ok:
        ratio = s50.median / s5.median
        rows.append(
            Row(
                s50.name,
                time_cell(s50),
                t,
                verdict(ratio <= STATUS_50Y_MAX_RATIO),
                f"{ratio:.1f}× the 5-year log",
            )
        )
    elif not s50.ok:
        rows.append(error_row(s50, t))
    else:
        rows.append(Row(s50.name, time_cell(s50), t, "SKIP", "no 5-year time to compare"))
    t = f"< {HELP_MAX_S} s"
    rows.append(
        Row(hlp.name, time_cell(hlp), t, verdict(hlp.median < HELP_MAX_S))
        if hlp.ok
        else error_row(hlp, t)
    )

    t_build, t_page = f"< {BUILD_MAX_S:g} s", f"< {PAGE_MAX_BYTES // 1024} KB"
    if has_command(traction, "build"):
        sites = work / "sites"
        sites.mkdir()

        def build_argv(i: int) -> list[str]:
            # A fresh output directory per run: every run is a cold, full build.
            return [*traction, "build", "--no-cache", "--content", str(c5cs), "--out",
                    str(sites / f"run-{i}")]

        b = measure("build, 5-year log + 100 case studies", build_argv, runs, warmup)
        measurements.append(b)
        if b.ok:
            rows.append(Row(b.name, time_cell(b), t_build, verdict(b.median < BUILD_MAX_S)))
            site = sites / f"run-{warmup + runs - 1}"
            if (site / "index.html").is_file():
                size, notes, missing = page_weight(site, site_url(c5cs))
                rows.append(
                    Row(
                        "index.html + linked CSS",
                        f"{size / 1024:.1f} KB",
                        t_page,
                        verdict(size < PAGE_MAX_BYTES and not missing),
                        "; ".join(notes),
                    )
                )
            else:
                rows.append(
                    Row("index.html + linked CSS", "—", t_page, "FAIL", "build wrote no index.html")
                )
        else:
            rows.append(error_row(b, t_build))
            rows.append(Row("index.html + linked CSS", "—", t_page, "SKIP", "build failed"))

        def build_50_argv(i: int) -> list[str]:
            return [*traction, "build", "--no-cache", "--content", str(c50), "--out",
                    str(sites / f"l50-{i}")]

        # Issue 14 (d): linear in the log's length, and its peak memory bounded.
        b50 = measure("build, 50-year log", build_50_argv, max(1, runs // 3), 0)
        measurements.append(b50)
        t = f"≤ {BUILD_50Y_MAX_MIB} MiB peak"
        if b50.ok:
            ratio = f"{b50.median / b.median:.1f}× the 5-year build" if b.ok else ""
            rows.append(Row(b50.name, time_cell(b50), t,
                            verdict(b50.peak_rss_mib <= BUILD_50Y_MAX_MIB), ratio))
        else:
            rows.append(error_row(b50, t))
    else:
        note = "`build` command not available yet"
        rows.append(Row("build, 5-year log + 100 case studies", "—", t_build, "SKIP", note))
        rows.append(Row("index.html + linked CSS", "—", t_page, "SKIP", note))

    print("| Measure | Wall time, median (min) | Peak RSS | Target | Result | Note |")
    print("|---|---|---|---|---|---|")
    by_name = {m.name: m for m in measurements}
    for r in rows:
        m = by_name.get(r.measure)
        rss = f"{m.peak_rss_mib:.0f} MiB" if m is not None and m.ok else "—"
        print(f"| {r.measure} | {r.value} | {rss} | {r.target} | **{r.result}** | {r.note} |")

    failed = [r for r in rows if r.result in ("FAIL", "ERROR")]
    print()
    if failed:
        print("Failing targets:")
        for r in failed:
            print(f"- **{r.result}** {r.measure}: {r.value} (target {r.target}) {r.note}".rstrip())
    else:
        print("All measured targets pass.")
    for m in measurements:
        if m.error:
            shown = shlex.join(m.argv).replace(str(work), "$WORK")
            print(f"\n`{shown}` exited {m.returncode}; stderr tail:\n")
            print("```\n" + m.error.rstrip() + "\n```")

    if args.json:
        payload = {
            "command": traction,
            "runs": runs,
            "warmup": warmup,
            "measurements": [asdict(m) for m in measurements],
            "rows": [asdict(r) for r in rows],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 1 if crashed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"benchmark crashed: {exc}", file=sys.stderr)
        sys.exit(1)
