"""The meta tags of every page of the demo site (issue 11, Proof): what a link preview on X,
LinkedIn, Slack or Discord, a search engine and a phone's home screen read from the <head>.

The demo is built by the real command, once with social cards on (`site.social_cards: true`,
set here so these tests do not depend on the default) and once with them off. Every HTML file
is parsed with html.parser. tests/test_cards.py checks the cards themselves on a small site;
this file checks each tag on every page of the demo, whose pages are of every kind.
"""

from __future__ import annotations

import shutil
import struct
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import DEMO
from sitetools import build

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SITE_URL = yaml.safe_load((DEMO / "traction.yaml").read_text("utf-8"))["site"]["url"]
# A description with numbers in it, as the issue asks, on the pages that have numbers.
NUMBERED = ("home", "week", "milestone")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG has first."""
    data = path.read_bytes()[:24]
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13, path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class Head(HTMLParser):
    """Every <meta name|property> and <link rel> of a page, each value in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            key = a.get("property") or a["name"]
            self.meta.setdefault(key, []).append(a.get("content", ""))
        elif tag == "link" and "rel" in a:
            for rel in a["rel"].split():
                self.links.setdefault(rel, []).append(a.get("href", ""))
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]


def parse(path: Path) -> Head:
    head = Head()
    head.feed(path.read_text("utf-8"))
    head.close()
    return head


def kind(page: str) -> str:
    """The kind of page at `page`, a path relative to the output folder."""
    parts = page.split("/")
    special = {"index.html": "home", "404.html": "404", "numbers/index.html": "numbers",
               "methodology/index.html": "methodology"}
    if page in special:
        return special[page]
    if len(parts) == 3 and parts[0] in ("weeks", "milestones", "case-studies"):
        return {"weeks": "week", "milestones": "milestone", "case-studies": "case study"}[
            parts[0]]
    return "index" if parts[0] in ("weeks", "milestones", "case-studies") else "page"


def demo_build(tmp: Path, *, cards: bool) -> Path:
    content = tmp / "content"
    shutil.copytree(DEMO, content)
    config = content / "traction.yaml"
    data = yaml.safe_load(config.read_text("utf-8"))
    data["site"]["social_cards"] = cards
    config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    out = tmp / "site"
    result = build(content, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_build(tmp_path_factory.mktemp("meta-cards"), cards=True)


def pages(root: Path) -> list[str]:
    found = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    assert len(found) > 40, found
    return found


def served_at(page: str) -> str:
    """The URL the page is served at, under site.url (a folder's index.html at the folder)."""
    return SITE_URL + page.removesuffix("index.html")


def local_file(root: Path, url: str) -> Path:
    """The output file an absolute or root-relative URL of the site names."""
    base_path = urlsplit(SITE_URL).path
    path = urlsplit(url).path
    assert path.startswith(base_path), url
    return root / path.removeprefix(base_path)


def test_every_kind_of_page_is_there(site: Path) -> None:
    kinds = {kind(page) for page in pages(site)}
    assert kinds == {"home", "404", "numbers", "methodology", "week", "milestone", "case study",
                     "index", "page"}, kinds
    assert {"weeks/index.html", "milestones/index.html", "case-studies/index.html",
            "numbers/index.html", "methodology/index.html", "about/index.html"} <= set(
                pages(site))


def test_every_page_has_its_description_title_and_urls(site: Path) -> None:
    problems = []
    for page in pages(site):
        head = parse(site / page)
        description = head.one("description")
        if not description.strip():
            problems.append(f"{page}: empty description")
        if kind(page) in NUMBERED and not any(c.isdigit() for c in description):
            problems.append(f"{page}: no number in its description: {description!r}")
        for key in ("og:title", "og:description", "og:type", "og:site_name"):
            if not head.one(key).strip():
                problems.append(f"{page}: empty {key}")
        assert head.one("og:type") in ("website", "article"), page
        assert head.title.strip(), f"{page}: no <title>"
        if page == "404.html":
            # Served at whatever path was missing: it has no URL of its own to name.
            assert "og:url" not in head.meta, page
            assert "canonical" not in head.links, page
        else:
            assert head.one("og:url") == served_at(page), page
            assert head.links.get("canonical") == [served_at(page)], page
    assert problems == []


def test_every_page_names_its_card_and_the_card_exists(site: Path) -> None:
    cards: dict[str, str] = {}
    for page in pages(site):
        head = parse(site / page)
        image = head.one("og:image")
        assert image.startswith(SITE_URL) and urlsplit(image).scheme == "https", (page, image)
        card = local_file(site, image)
        assert card.is_file(), f"{page}: og:image {image} is not in the output"
        assert png_size(card) == (1200, 630), page
        assert head.one("og:image:width") == "1200", page
        assert head.one("og:image:height") == "630", page
        assert head.one("og:image:alt").strip(), page
        assert head.one("twitter:card") == "summary_large_image", page
        assert head.one("twitter:image") == image, page
        cards[page] = card.relative_to(site).as_posix()
    # Each week, milestone, case study and page shows a card of its own (weeks/W/index.html
    # shows cards/weeks/W.png, about/index.html cards/pages/about.png); the rest the home card.
    own = {page: "cards/" + ("pages/" if kind(page) == "page" else "")
           + page.removesuffix("/index.html") + ".png"
           for page in cards if kind(page) in ("week", "milestone", "case study", "page")}
    assert len(own) > 40
    assert cards == {page: own.get(page, "cards/home.png") for page in cards}


def test_every_page_has_one_theme_colour_and_the_touch_icon(site: Path) -> None:
    for page in pages(site):
        head = parse(site / page)
        assert len(head.meta.get("theme-color", [])) == 1, page
        assert head.one("theme-color").startswith("#"), page
        (icon,) = head.links["apple-touch-icon"]
        assert png_size(local_file(site, icon)) == (180, 180), page


def test_without_cards_no_page_names_an_image(tmp_path: Path) -> None:
    site = demo_build(tmp_path, cards=False)
    for page in pages(site):
        head = parse(site / page)
        assert "og:image" not in head.meta and "twitter:image" not in head.meta, page
        assert head.one("twitter:card") == "summary", page
        assert head.one("description").strip() and head.one("og:title").strip(), page
        (icon,) = head.links["apple-touch-icon"]
        assert png_size(local_file(site, icon)) == (180, 180), page
    assert not (site / "cards").exists()
