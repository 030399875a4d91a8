#!/usr/bin/env python3
"""A cold build side by side with Hugo and a Markdown floor (issue 14, target (b)).

Usage::

    python bench/hugo.py [--years 5] [--case-studies 100] [--runs 9]

Writes the synthetic log (`bench/synth.py`), builds it once with Traction to count its HTML
pages, and writes a Hugo site with the same Markdown (each week's summary a page, each case
study a page) and as many HTML pages in all: a minimal theme, no taxonomies, filler pages to
match the count. Then, interleaved run by run, each a fresh process into a fresh folder:

- `traction build` (cards off, `--no-cache`: cold);
- `hugo` (the Debian package, `apt-get install hugo`; it uses every core);
- the floor: a bare Python loop that converts the same Markdown with
  `markdown.markdown()`, as many texts as Traction renders, and writes nothing.

It prints a Markdown table of medians and the ratio to Hugo. Needs `hugo` on PATH.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench import synth  # noqa: E402

LAYOUT = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }} · Synthco</title><link rel="stylesheet" href="/style.css"></head>
<body><header><a href="/">Synthco</a> <a href="/weeks/">Updates</a>
<a href="/case-studies/">Case studies</a></header><main><h1>{{ .Title }}</h1>
{{ block "main" . }}{{ end }}</main><footer>Built with Hugo</footer></body></html>
"""
SINGLE = '{{ define "main" }}{{ .Content }}{{ end }}\n'
LIST = ('{{ define "main" }}{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
        '{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}\n')


def _front(title: str, body: str) -> str:
    return f"---\ntitle: {yaml.safe_dump(title, default_flow_style=True).strip()}\n---\n{body}\n"


def hugo_site(content: Path, target: Path, pages: int) -> list[str]:
    """A Hugo site from the same texts, with `pages` HTML pages; returns the texts."""
    (target / "layouts" / "_default").mkdir(parents=True)
    (target / "layouts" / "_default" / "baseof.html").write_text(LAYOUT, "utf-8")
    (target / "layouts" / "_default" / "single.html").write_text(SINGLE, "utf-8")
    (target / "layouts" / "_default" / "list.html").write_text(LIST, "utf-8")
    (target / "static").mkdir()
    shutil.copy(REPO_ROOT / "themes" / "default" / "static" / "style.css", target / "static")
    (target / "config.yaml").write_text(
        "baseURL: https://example.github.io/synthco/\ntitle: Synthco\n"
        "disableKinds: [taxonomy, term, RSS, sitemap, robotsTXT]\n", "utf-8")
    texts = []
    made = 1  # the home page
    for folder in ("weeks", "case-studies"):
        (target / "content" / folder).mkdir(parents=True)
        (target / "content" / folder / "_index.md").write_text(_front(folder, ""), "utf-8")
        made += 1
    for path in sorted((content / "weeks").glob("*.yaml")):
        summary = yaml.safe_load(path.read_text("utf-8")).get("summary", "")
        texts.append(summary)
        (target / "content" / "weeks" / f"{path.stem}.md").write_text(
            _front(path.stem, summary), "utf-8")
        made += 1
    for path in sorted((content / "case-studies").glob("*.md")):
        _, meta, body = path.read_text("utf-8").split("---\n", 2)
        texts.append(body)
        title = yaml.safe_load(meta)["title"]
        (target / "content" / "case-studies" / path.name).write_text(_front(title, body),
                                                                     "utf-8")
        made += 1
    (target / "content" / "more").mkdir()
    (target / "content" / "more" / "_index.md").write_text(_front("more", ""), "utf-8")
    made += 1
    for index in range(max(0, pages - made)):  # milestones, indexes, numbers...: filler
        (target / "content" / "more" / f"page-{index}.md").write_text(
            _front(f"Page {index}", texts[index % len(texts)]), "utf-8")
    return texts


def _count_html(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def _time(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    return time.perf_counter() - start


FLOOR = """
import sys, pathlib, markdown
texts = pathlib.Path(sys.argv[1]).read_text("utf-8").split("\\x1e")
for _ in range(int(sys.argv[2])):
    for text in texts:
        markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists", "smarty"])
"""


def main(argv: list[str] | None = None) -> int:
    args = synth.bench_options(__doc__).parse_args(argv)
    if shutil.which("hugo") is None:
        print("hugo is not on PATH (apt-get install hugo)", file=sys.stderr)
        return 1
    env = {k: v for k, v in os.environ.items() if k != "TRACTION_CACHE_DIR"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    with tempfile.TemporaryDirectory(prefix="traction-hugo-") as tmp:
        root = Path(tmp)
        content = root / "content"
        synth.generate(content, args.years, args.case_studies, 1, None, cards=False)
        traction = [sys.executable, "-m", "generator", "build", "-q", "--no-cache",
                    "--content", str(content), "--out"]
        subprocess.run([*traction, str(root / "t0")], check=True, env=env,
                       stderr=subprocess.DEVNULL)
        pages = _count_html(root / "t0")
        hugo_dir = root / "hugo"
        texts = hugo_site(content, hugo_dir, pages)
        hugo = ["hugo", "--quiet", "--source", str(hugo_dir), "--destination"]
        subprocess.run([*hugo, str(root / "h0")], check=True, stdout=subprocess.DEVNULL)
        hugo_pages = _count_html(root / "h0")
        texts_file = root / "texts"
        texts_file.write_text("\x1e".join(texts), "utf-8")
        # Traction renders each summary and case study about twice (its page and an index,
        # the feed or a card's text): the floor converts as many texts.
        rounds = 2
        floor = [sys.executable, "-c", FLOOR, str(texts_file), str(rounds)]
        times: dict[str, list[float]] = {"traction": [], "hugo": [], "floor": []}
        for run in range(args.runs):
            times["traction"].append(_time([*traction, str(root / f"t{run + 1}")], env))
            times["hugo"].append(_time([*hugo, str(root / f"h{run + 1}")]))
            times["floor"].append(_time(floor))
        version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout
        print(f"# Cold build, {args.years}-year log + {args.case_studies} case studies: "
              f"Traction {pages} HTML pages, Hugo {hugo_pages}; {os.cpu_count()} cores, "
              f"{args.runs} runs\n\n{version.split()[1]}; the floor converts "
              f"{len(texts) * rounds} texts\n")
        hugo_median = statistics.median(times["hugo"])
        print("| | median | min | × Hugo |\n|---|---:|---:|---:|")
        for label, key in (("`traction build`", "traction"), ("`hugo`", "hugo"),
                           ("floor: Python-Markdown loop", "floor")):
            median = statistics.median(times[key])
            print(f"| {label} | {median:.3f} s | {min(times[key]):.3f} s | "
                  f"{median / hugo_median:.2f} |")
        ratio = statistics.median(times["traction"]) / hugo_median
        verdict = "met" if ratio <= 1.5 else "NOT MET"
        print(f"\nTraction is {ratio:.2f}× Hugo (target ≤ 1.5×: {verdict}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
