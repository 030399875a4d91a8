"""Social cards (generator/render/cards.py): every page links a card that exists and is a
1200×630 PNG, the same bytes build after build, drawn from text that came through the
privacy boundary, cut to fit, escaped, with the bundled font only."""

from __future__ import annotations

import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import ROOT, write_content
from sitetools import build_ok, small_config, small_content, small_weeks
from test_privacy import (
    NUMBER_CANARIES,
    TEXT_CANARIES,
    canary_case_studies,
    canary_config,
    canary_pages,
    canary_weeks,
    leaks,
)

from generator import pipeline
from generator.problems import Problems
from generator.render import cards, raster
from generator.render.pages import card_sources, default_theme_dir
from generator.render.site import public_view

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG has first."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class _Head(HTMLParser):
    """The <meta> and <link> tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta.setdefault(a.get("property") or a["name"], []).append(a.get("content", ""))
        elif tag == "link" and "rel" in a:
            self.links[a["rel"]] = a.get("href", "")


def head(html: bytes) -> _Head:
    parser = _Head()
    parser.feed(html.decode("utf-8"))
    return parser


def render(root: Path) -> dict[str, bytes]:
    rendered = pipeline.render(root)
    assert rendered.files is not None, rendered.problems
    return rendered.files


def with_cards(root: Path, on: bool = True) -> Path:
    """The content at `root` with `site.social_cards` set."""
    config = root / "traction.yaml"
    data = yaml.safe_load(config.read_text("utf-8"))
    data["site"]["social_cards"] = on
    config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return root


def test_cards_are_on_by_default(tmp_path: Path) -> None:
    root = small_content(tmp_path / "content")
    config = root / "traction.yaml"
    data = yaml.safe_load(config.read_text("utf-8"))
    del data["site"]["social_cards"]
    config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    files = render(root)
    assert png_size(files["cards/home.png"]) == (1200, 630)
    assert "og:image" in files["index.html"].decode("utf-8")


def test_cards_can_be_turned_off(tmp_path: Path) -> None:
    """With `site.social_cards: false` no card is drawn and no page names one; the touch
    icon stays."""
    files = render(with_cards(small_content(tmp_path / "content"), on=False))
    assert not [p for p in files if p.startswith("cards/") and p != cards.ICON_PATH]
    home = files["index.html"].decode("utf-8")
    assert "og:image" not in home and "twitter:image" not in home
    assert '<meta name="twitter:card" content="summary">' in home
    assert png_size(files[cards.ICON_PATH]) == (180, 180)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return render(with_cards(small_content(tmp_path_factory.mktemp("cards") / "content")))


def test_every_page_links_a_card_that_exists(site: dict[str, bytes]) -> None:
    base = small_config()["site"]["url"].rstrip("/") + "/"
    pages = [p for p in site if p.endswith(".html")]
    assert len(pages) > 8
    seen = set()
    for page in pages:
        tags = head(site[page])
        (image,) = tags.meta["og:image"]
        assert image.startswith(base), (page, image)
        card = image.removeprefix(base)
        assert png_size(site[card]) == (1200, 630), page
        assert tags.meta["og:image:width"] == ["1200"]
        assert tags.meta["og:image:height"] == ["630"]
        assert tags.meta["og:image:alt"][0].strip(), page
        assert tags.meta["twitter:card"] == ["summary_large_image"]
        assert tags.meta["twitter:image"] == [image]
        assert tags.meta["theme-color"] == ["#f8f7f4"]
        icon = tags.links["apple-touch-icon"]
        assert png_size(site[icon.removeprefix(urlsplit(base).path)]) == (180, 180)
        seen.add(card)
    # Its own card for each week, milestone, case study and page; the home card for the rest
    assert "cards/home.png" in seen
    assert tags.meta["og:image"] == [base + "cards/home.png"]  # 404.html, the last page
    assert {"cards/weeks/2026-W10.png", "cards/case-studies/initech.png",
            "cards/pages/about.png"} <= seen
    assert any(c.startswith("cards/milestones/") for c in seen)
    assert set(head(site["weeks/index.html"]).meta["og:image"]) == {base + "cards/home.png"}


def test_every_png_parses_with_its_size(site: dict[str, bytes]) -> None:
    pngs = {path: png_size(data) for path, data in site.items() if path.endswith(".png")}
    assert pngs.pop(cards.ICON_PATH) == (180, 180)
    assert pngs and set(pngs.values()) == {(1200, 630)}
    assert all(path.startswith("cards/") for path in pngs)


def test_two_builds_give_the_same_png_bytes(site: dict[str, bytes], tmp_path: Path) -> None:
    """The real command, in another process (so nothing is cached), draws the same bytes."""
    out = tmp_path / "site"
    build_ok(with_cards(small_content(tmp_path / "content")), out)
    pngs = sorted(p for p in site if p.endswith(".png"))
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png")) == pngs
    assert {p: (out / p).read_bytes() for p in pngs} == {p: site[p] for p in pngs}


def test_descriptions_carry_the_numbers(site: dict[str, bytes]) -> None:
    (home,) = head(site["index.html"]).meta["description"]
    assert home.startswith("1 paying customer, 0 hell-yes customers, ")
    assert "goal: " in home
    (week,) = head(site["weeks/2026-W11/index.html"]).meta["og:description"]
    assert week.startswith("Week 11, 2026: 5 sales calls, 0 qualified leads, 0 won")
    (study,) = head(site["case-studies/initech/index.html"]).meta["description"]
    assert study == "Fewer calls, more dock."


def test_card_sources_hold_no_private_value(tmp_path: Path) -> None:
    """The canaries of test_privacy, looked for in the cards' SVG before it is drawn."""
    content = write_content(tmp_path / "content", config=canary_config(False),
                            weeks=canary_weeks(), case_studies=canary_case_studies(),
                            pages=canary_pages())
    analysis = pipeline.analyse(content)
    problems = Problems()
    svgs = card_sources(public_view(analysis), problems)
    assert svgs is not None and not problems.errors
    assert len(svgs) > 5
    sources = {path: svg.encode() for path, svg in svgs.items()}
    assert leaks(sources, TEXT_CANARIES, NUMBER_CANARIES) == []
    # positive control: the scanner reads these texts, which do show public values
    assert "Privacy Test Co" in svgs["cards/home.png"]
    assert leaks(sources, ["Privacy Test Co"], []) != []


def test_content_text_is_escaped_in_the_svg(tmp_path: Path) -> None:
    name = 'Evil <script>&"Co\''
    content = small_content(tmp_path / "content",
                            company={"name": name, "tagline": "<b>bold</b> & co"})
    svgs = card_sources(public_view(pipeline.analyse(content)), Problems())
    assert svgs is not None
    home = svgs["cards/home.png"]
    assert "<script>" not in home and "<b>" not in home
    assert "&lt;script&gt;&amp;" in home
    assert png_size(render(with_cards(content))["cards/home.png"]) == (1200, 630)


@pytest.mark.parametrize("text", [
    "Short",
    "A rather long milestone title that goes on and on about paying customers " * 3,
    "W" * 80,
    "Wide WWWW MMMM words " * 10,
    "één · naïve — ünïcödé text → with symbols " * 4,
])
def test_long_text_is_wrapped_and_cut_to_fit(text: str) -> None:
    for size, count in ((64, 2), (48, 3), (30, 1)):
        lines = cards.wrap(text, size, count)
        assert 1 <= len(lines) <= count
        assert all(cards.text_width(line, size) <= cards.TEXT_WIDTH for line in lines)
        whole = " ".join(" ".join(text.split()).split(" "))
        assert lines[-1].endswith("…") == (" ".join(lines) != whole)
    assert cards.text_width(cards.clip(text, 88, 300), 88) <= 300


def test_a_long_title_keeps_the_card_inside_its_margins(tmp_path: Path) -> None:
    study = ("---\ntitle: " + "Supercalifragilistic results for a warehouse " * 6
             + "\nsummary: S.\nresults:\n  - {metric: " + "M" * 200
             + ", before: " + "9" * 60 + ", after: '1'}\n---\nBody.\n")
    root = write_content(tmp_path / "content", config=small_config(), weeks=small_weeks(),
                         case_studies={"long": study})
    analysis = pipeline.analyse(root)
    view = public_view(analysis)
    card = cards.case_study_card(view, view.case_studies[0])
    assert len(card.title) <= 3 and card.title[-1].endswith("…")
    assert all(cards.text_width(t, card.title_size) <= cards.TEXT_WIDTH for t in card.title)
    column = cards.TEXT_WIDTH / len(card.figures)
    assert all(cards.text_width(f.value, f.size) <= column for f in card.figures)
    assert png_size(render(with_cards(root))["cards/case-studies/long.png"]) == (1200, 630)


def test_only_the_bundled_font_draws_text() -> None:
    """Without the theme's font, text draws nothing even though the machine may have fonts
    (so a machine's own fonts can never change a card); with it, text is drawn."""
    text = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
            '<text x="10" y="40" font-family="{}" font-size="30">Hello</text></svg>')
    blank = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"></svg>'
    fonts = cards.font_files([default_theme_dir()])
    assert [Path(f).name for f in fonts] == ["Inter-Bold.ttf", "Inter-Regular.ttf"]

    def draw(svg: str, fonts: list[Path]) -> bytes | raster.Failed:
        return raster.draw_all({"x": svg}, fonts, family=cards.FONT_FAMILY)["x"]

    for family in ("Inter", "sans-serif", "DejaVu Sans", "serif"):
        assert draw(text.format(family), []) == draw(blank, [])
    assert draw(text.format("Inter"), fonts) != draw(blank, fonts)
    licence = default_theme_dir() / "cards" / "fonts" / "LICENSE.txt"
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence.read_text("utf-8")


def test_a_theme_may_override_the_card_template(tmp_path: Path) -> None:
    root = with_cards(small_content(tmp_path / "content", theme_dir="theme"))
    (root / "theme" / "cards").mkdir(parents=True)
    (root / "theme" / "cards" / "card.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">'
        '<rect width="1200" height="630" fill="#ff0000"/></svg>\n', "utf-8")
    files = render(root)
    assert png_size(files["cards/home.png"]) == (1200, 630)
    # every page's card is now the same red rectangle, the icon still the default one
    assert files["cards/home.png"] == files["cards/weeks/2026-W10.png"]
    assert png_size(files[cards.ICON_PATH]) == (180, 180)


@pytest.mark.parametrize(("template", "message"), [
    ("<svg>{{ card.nothing_here }}</svg>\n", "nothing_here"),
    ("<svg>{% if %}</svg>\n", "card.svg:1"),
    ("<svg><g></svg>\n", "not a drawable SVG"),
])
def test_a_broken_card_template_is_a_theme_problem(tmp_path: Path, template: str,
                                                   message: str) -> None:
    root = with_cards(small_content(tmp_path / "content", theme_dir="theme"))
    (root / "theme" / "cards").mkdir(parents=True)
    (root / "theme" / "cards" / "card.svg").write_text(template, "utf-8")
    rendered = pipeline.render(root)
    assert rendered.files is None
    assert any(message in f"{p.pos} {p.message}" and "theme error" in p.message
               for p in rendered.problems), \
        rendered.problems


def test_status_does_not_import_the_rasteriser() -> None:
    code = ("import sys; from generator import cli; from generator.render import cards; "
            "print('resvg_py' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "False"


def advances(font: Path) -> dict[str, float]:
    """Each character's advance width in em, read from a TrueType file's head, hhea, hmtx
    and cmap (format 4) tables: a few lines instead of a font library the project does not
    otherwise need."""
    data = font.read_bytes()
    count = struct.unpack_from(">H", data, 4)[0]
    tables = {data[12 + 16 * i:16 + 16 * i].decode(): struct.unpack_from(">I", data, 20 + 16 * i)[0]
              for i in range(count)}
    units = struct.unpack_from(">H", data, tables["head"] + 18)[0]
    metrics = struct.unpack_from(">H", data, tables["hhea"] + 34)[0]
    widths = struct.unpack_from(f">{2 * metrics}H", data, tables["hmtx"])[::2]
    cmap = tables["cmap"]
    subtables = [struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
                 for i in range(struct.unpack_from(">H", data, cmap + 2)[0])]
    [at] = [cmap + offset for platform, encoding, offset in subtables
            if (platform, encoding) == (3, 1)]
    assert struct.unpack_from(">H", data, at)[0] == 4
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, at + 16 + 4 * segments)
    range_at = at + 16 + 6 * segments
    found = {}
    for i, (start, end, delta) in enumerate(zip(starts, ends, deltas, strict=True)):
        offset = struct.unpack_from(">H", data, range_at + 2 * i)[0]
        for code in range(start, min(end, 0xFFFE) + 1):
            if offset:
                glyph = struct.unpack_from(">H", data, range_at + 2 * i + offset
                                           + 2 * (code - start))[0]
                glyph = (glyph + delta) % 65536 if glyph else 0
            else:
                glyph = (code + delta) % 65536
            if glyph:
                found[chr(code)] = widths[min(glyph, metrics - 1)] / units
    return found


@pytest.mark.parametrize(("name", "w_units"), [("Inter-Bold.ttf", 2125),
                                               ("Inter-Regular.ttf", 2018)])
def test_text_width_is_never_less_than_the_bundled_font_draws(name: str, w_units: int) -> None:
    found = advances(default_theme_dir() / "cards" / "fonts" / name)
    assert found["W"] == w_units / 2048  # read right: Inter's own advance for "W"
    ascii_printable = [chr(code) for code in range(32, 127)]
    assert all(char in found for char in [*ascii_printable, "…", "·", "–", "→", "▲", "é", "Ж"])
    narrower = {char: (width, cards.text_width(char, 1)) for char, width in found.items()
                if cards.text_width(char, 1) < width}
    assert narrower == {}
    # and fitted to this font, not to a wider one: ASCII is never 0.3 em too wide
    assert max(cards.text_width(char, 1) - found[char] for char in ascii_printable) < 0.3
