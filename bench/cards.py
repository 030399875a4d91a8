#!/usr/bin/env python3
"""What the social cards cost a build (issue 11 §1), as a Markdown table.

Usage::

    python bench/cards.py [CONTENT_DIR] [--runs 7]

Renders the site in memory (`pipeline.render`, the whole build but the write) with the
cards and with the card stage replaced by nothing, interleaved run by run, and times the
card stage alone: the SVG of every card (`pages.card_sources`) and its rasterising
(`cards.rasterise`, its in-process cache emptied first, as in a fresh `traction build`).
Medians (and min) of `--runs` runs in this process, after one warm-up run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from generator import pipeline  # noqa: E402
from generator.problems import Problems  # noqa: E402
from generator.render import cards, pages  # noqa: E402
from generator.render.site import public_view  # noqa: E402


def _render(content: Path) -> float:
    cards._draw.cache_clear()
    start = time.perf_counter()
    rendered = pipeline.render(content)
    elapsed = time.perf_counter() - start
    if rendered.files is None:
        sys.exit(f"the content does not render: {rendered.problems}")
    return elapsed


def _without_cards(content: Path) -> float:
    real = pages._card_sources
    pages._card_sources = lambda site, dirs: {}  # type: ignore[assignment]
    try:
        return _render(content)
    finally:
        pages._card_sources = real  # type: ignore[assignment]


def _card_stage(content: Path) -> tuple[float, float, float, int]:
    """(SVG text, rasterising, its CPU time, number of PNGs) of one run of the card stage.
    CPU time is what the drawing costs whatever else the machine runs."""
    site = public_view(pipeline.analyse(content))
    cards._draw.cache_clear()
    start = time.perf_counter()
    svgs = pages.card_sources(site, Problems())
    assert svgs is not None
    middle, cpu = time.perf_counter(), time.process_time()
    fonts = cards.font_files(pages.theme_dirs(None))
    for svg in svgs.values():
        cards.rasterise(svg, fonts)
    return (middle - start, time.perf_counter() - middle, time.process_time() - cpu,
            len(svgs))


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s ({min(values):.3f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("content", nargs="?", type=Path, default=REPO_ROOT / "content")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--stage-only", action="store_true",
                        help="time only the card stage (for a large log)")
    args = parser.parse_args()
    if args.stage_only:
        _svg, draw, cpu, count = _card_stage(args.content)
        print(f"{args.content}: {count} PNGs, card stage once: SVG {_svg:.3f} s, "
              f"rasterising {draw:.3f} s wall, {cpu:.3f} s CPU "
              f"({cpu / count * 1000:.1f} ms a card)")
        return
    _render(args.content)  # warm-up: imports, page cache
    with_cards, without, svg_times, draw_times, cpu_times = [], [], [], [], []
    count = 0
    for _ in range(args.runs):
        with_cards.append(_render(args.content))
        without.append(_without_cards(args.content))
        svg, draw, cpu, count = _card_stage(args.content)
        svg_times.append(svg)
        draw_times.append(draw)
        cpu_times.append(cpu)
    stage = [s + d for s, d in zip(svg_times, draw_times, strict=True)]
    per_card = statistics.median(draw_times) / count
    print(f"{args.content}: {count} PNGs (cards and the touch icon), {args.runs} runs\n")
    print("| Measure | Wall time, median (min) |")
    print("|---|---|")
    print(f"| render with cards | {_fmt(with_cards)} |")
    print(f"| render without cards | {_fmt(without)} |")
    print(f"| card stage: SVG text | {_fmt(svg_times)} |")
    print(f"| card stage: rasterising | {_fmt(draw_times)} ({per_card * 1000:.1f} ms a card) |")
    print(f"| card stage: rasterising, CPU time | {_fmt(cpu_times)} "
          f"({statistics.median(cpu_times) / count * 1000:.1f} ms a card) |")
    print(f"| card stage, total | {_fmt(stage)} |")
    print(f"| difference of the medians | "
          f"{statistics.median(with_cards) - statistics.median(without):.3f} s |")


if __name__ == "__main__":
    main()
