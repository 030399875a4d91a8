#!/usr/bin/env python3
"""What the social cards cost a build (issue 11 §1), as a Markdown table.

Usage::

    python bench/cards.py [CONTENT_DIR] [--runs 5]

Times the real `traction build` of a copy of the content, each in a fresh process, in six
ways interleaved run by run: without cards (`site.social_cards: false`); with a cold cache
(a fresh `.traction-cache/`, so every card is drawn, across cores); cold, with svg2png-py
hidden (what a build without the `fast` extra pays); cold and serial (one core, as
`traction serve` draws); with a warm cache (nothing drawn); and with a warm cache after one
weekly log changed (the cards whose text changed are drawn). It checks that every way with
cards writes the same bytes. Medians (and min) of `--runs` runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _build(content: Path, out: Path, prefix: tuple[str, ...] = (),
           path: tuple[Path, ...] = ()) -> float:
    environment = {k: v for k, v in os.environ.items() if k != "TRACTION_CACHE_DIR"}
    environment["PYTHONPATH"] = os.pathsep.join(str(p) for p in (*path, REPO_ROOT))
    start = time.perf_counter()
    subprocess.run([*prefix, sys.executable, "-m", "generator", "build", "-q", "--content",
                    str(content), "--out", str(out)], check=True, env=environment)
    return time.perf_counter() - start


def _site(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".traction-site"}


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s ({min(values):.3f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("content", nargs="?", type=Path, default=REPO_ROOT / "content")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="traction-bench-cards-"))
    try:
        with_cards = work / "content"
        shutil.copytree(args.content, with_cards, ignore=shutil.ignore_patterns(".traction-cache"))
        config = with_cards / "traction.yaml"
        text = config.read_text("utf-8")
        without = work / "without"
        shutil.copytree(with_cards, without)
        (without / "traction.yaml").write_text(
            text.replace("site:\n", "site:\n  social_cards: false\n", 1), "utf-8")
        cache = with_cards / ".traction-cache"
        latest = sorted((with_cards / "weeks").glob("*.yaml"))[-1]
        original = latest.read_bytes()

        def cold() -> float:
            shutil.rmtree(cache, ignore_errors=True)
            return _build(with_cards, work / "cold")

        hidden = work / "hidden"  # an svg2png_py that cannot be imported: resvg-py draws
        hidden.mkdir()
        (hidden / "svg2png_py.py").write_text("raise ImportError('hidden by bench/cards.py')\n")

        def slow() -> float:
            shutil.rmtree(cache, ignore_errors=True)
            return _build(with_cards, work / "slow", path=(hidden,))

        def serial() -> float:  # one core allowed: the drawing is serial
            shutil.rmtree(cache, ignore_errors=True)
            return _build(with_cards, work / "serial", prefix=("taskset", "-c", "0"))

        def warm() -> float:
            return _build(with_cards, work / "warm")

        def one_week() -> float:
            latest.write_bytes(original + b"\n# edited\n" if latest.read_bytes() == original
                               else original)
            return _build(with_cards, work / "week")

        ways: dict[str, Callable[[], float]] = {
            "no cards": lambda: _build(without, work / "none"),
            "cards, cold cache (every card drawn, all cores)": cold,
            "cards, cold cache, without the `fast` extra (resvg-py draws)": slow,
            "cards, cold cache, one core (`taskset -c 0`)": serial,
            "cards, warm cache (none drawn)": warm,
            "cards, warm cache, a weekly log edited": one_week,
        }
        times: dict[str, list[float]] = {name: [] for name in ways}
        _build(with_cards, work / "warm-up")
        for _ in range(args.runs):
            for name, way in ways.items():
                times[name].append(way())
        latest.write_bytes(original)
        warm()
        assert (_site(work / "cold") == _site(work / "warm") == _site(work / "serial")
                == _site(work / "slow")), \
            "builds with a cold, a warm, a serial or a resvg-py card stage wrote other bytes"
        none = statistics.median(times["no cards"])
        cards = sum(1 for p in (work / "cold" / "cards").rglob("*.png"))
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
        fast = importlib.util.find_spec("svg2png_py") is not None
        print(f"{args.content}: {cards} cards, {cores} cores, {args.runs} runs, "
              f"each `traction build` in a fresh process; the `fast` extra is "
              f"{'installed' if fast else 'NOT installed'}\n")
        print("| Build | Wall time, median (min) | Cards add |")
        print("|---|---|---|")
        for name, values in times.items():
            extra = "" if name == "no cards" else f"{statistics.median(values) - none:+.3f} s"
            print(f"| {name} | {_fmt(values)} | {extra} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
