"""SVG to PNG (generator/render/raster.py): the same bytes drawn serially, in a pool or taken
from a store; a store's bad entry is drawn again; an SVG resvg refuses is a `Failed`; the
fast drawer gives resvg-py's bytes for everything it is given, and is given only that."""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from html import escape
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from sitetools import small_content

from generator import pipeline
from generator.problems import Problems
from generator.render import cards, cores, raster
from generator.render.pages import card_sources, default_theme_dir, render_site
from generator.render.site import public_view

FONTS = cards.font_files([default_theme_dir()])


def svg(n: int) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60">'
            f'<rect width="240" height="60" fill="#f8f7f4"/><text x="10" y="40" '
            f'font-size="30">Card {n}</text></svg>')


class Shelf:
    """A store in memory that counts what it is asked."""

    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}
        self.gets = 0

    def get(self, key: str) -> bytes | None:
        self.gets += 1
        return self.entries.get(key)

    def put(self, key: str, data: bytes) -> None:
        self.entries[key] = data


@pytest.fixture(autouse=True)
def forget() -> None:
    """Each test starts with nothing drawn in this process."""
    raster._recent.clear()


def test_a_pool_draws_the_same_bytes_as_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    svgs = {f"c{n}.png": svg(n) for n in range(raster.PARALLEL_FROM * 2)}
    monkeypatch.setattr(cores, "usable_cores", lambda: 1)
    serial = raster.draw_all(svgs, FONTS, family=cards.FONT_FAMILY)
    raster._recent.clear()
    monkeypatch.setattr(cores, "usable_cores", lambda: 2)
    pooled = raster.draw_all(svgs, FONTS, family=cards.FONT_FAMILY)
    assert pooled == serial
    assert list(pooled) == list(svgs)  # in the order asked
    assert all(isinstance(png, bytes) and png.startswith(raster.PNG_SIGNATURE)
               for png in pooled.values())
    assert len(set(pooled.values())) == len(svgs)


def test_a_killed_process_leaves_the_drawing_to_this_one(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    def broken(*args: object, **kwargs: object) -> Iterator[bytes]:
        raise BrokenProcessPool("a process was killed")
        yield b""

    svgs = {f"c{n}.png": svg(n) for n in range(raster.PARALLEL_FROM)}
    monkeypatch.setattr(raster, "fork_workers", lambda items, minimum: 2)
    monkeypatch.setattr(raster, "forked_map", broken)
    drawn = raster.draw_all(svgs, FONTS, family=cards.FONT_FAMILY)
    assert drawn == {path: slow(text) for path, text in svgs.items()}


def test_a_stored_drawing_is_taken_and_a_new_one_is_stored() -> None:
    shelf = Shelf()
    first = raster.draw_all({"a.png": svg(1)}, FONTS, shelf, cards.FONT_FAMILY)
    assert list(shelf.entries.values()) == [first["a.png"]]
    raster._recent.clear()
    (key,) = shelf.entries
    shelf.entries[key] = raster.PNG_SIGNATURE + b"planted"
    again = raster.draw_all({"a.png": svg(1)}, FONTS, shelf, cards.FONT_FAMILY)
    assert again["a.png"] == raster.PNG_SIGNATURE + b"planted"  # not drawn: taken


def test_a_stored_entry_that_is_not_a_png_is_drawn_again() -> None:
    shelf = Shelf()
    good = raster.draw_all({"a.png": svg(2)}, FONTS, shelf, cards.FONT_FAMILY)["a.png"]
    raster._recent.clear()
    (key,) = shelf.entries
    shelf.entries[key] = b"<html>not a picture</html>"
    assert raster.draw_all({"a.png": svg(2)}, FONTS, shelf, cards.FONT_FAMILY)["a.png"] == good
    assert shelf.entries[key] == good


def test_the_key_changes_with_the_fonts_and_the_family(tmp_path: Path) -> None:
    shelf = Shelf()
    raster.draw_all({"a.png": svg(3)}, FONTS, shelf, cards.FONT_FAMILY)
    raster.draw_all({"a.png": svg(3)}, FONTS[:1], shelf, cards.FONT_FAMILY)
    raster.draw_all({"a.png": svg(3)}, FONTS, shelf, "serif")
    copy = tmp_path / "font.ttf"
    copy.write_bytes(FONTS[0].read_bytes() + b"\0")  # other bytes, the same font name
    raster.draw_all({"a.png": svg(3)}, [copy, *FONTS[1:]], shelf, cards.FONT_FAMILY)
    assert len(shelf.entries) == 4


def test_an_svg_resvg_cannot_draw_is_failed_and_not_stored() -> None:
    shelf = Shelf()
    drawn = raster.draw_all({"bad.png": "<svg><g></svg>", "good.png": svg(4)}, FONTS, shelf)
    assert isinstance(drawn["bad.png"], raster.Failed) and drawn["bad.png"].reason
    assert isinstance(drawn["good.png"], bytes)
    assert len(shelf.entries) == 1


# --- the fast drawer (the `fast` extra: svg2png-py) ----------------------------------------

FONT_NAMES = tuple(str(f) for f in FONTS)
# Where svg2png-py has wheels (pyproject.toml's `fast` extra); CI is one of them.
FAST_PLATFORM = (sys.platform, platform.machine()) in (
    ("linux", "x86_64"), ("darwin", "arm64"), ("win32", "AMD64"))


def fast_drawer() -> Callable[[str], bytes]:
    drawer = raster._fast_drawer(FONT_NAMES, cards.FONT_FAMILY)
    if drawer is None and not FAST_PLATFORM:
        pytest.skip("svg2png-py has no wheel for this platform")
    # The test extras install it, in raster.FAST_VERSIONS: when this fails, install them, or
    # check the new versions with the tests below and move FAST_VERSIONS.
    assert drawer is not None, f"the fast extra is not installed as {raster.FAST_VERSIONS}"
    return drawer


def slow(svg: str) -> bytes | raster.Failed:
    return raster.draw_with_resvg_py(svg, FONT_NAMES, cards.FONT_FAMILY)


def test_the_fast_drawer_draws_every_demo_card_to_resvg_pys_bytes() -> None:
    fast = fast_drawer()
    svgs = card_sources(public_view(pipeline.analyse(ROOT / "content")), Problems())
    assert svgs is not None and len(svgs) > 40
    for path, svg in svgs.items():
        assert raster._FAST_TEXT.fullmatch(svg), path
        assert fast(svg) == slow(svg), path


def lines_svg(lines: list[str], size: int, weight: int) -> str:
    rows = "".join(f'<text x="8" y="{(n + 1) * size * 1.25:.0f}" font-size="{size}" '
                   f'font-weight="{weight}">{escape(line)}</text>' for n, line in enumerate(lines))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size * 50}" '
            f'height="{(len(lines) + 1) * size * 1.25:.0f}" font-family="Inter">{rows}</svg>')


def test_the_fast_drawer_draws_every_character_it_is_given_to_resvg_pys_bytes() -> None:
    """Every character of raster.FAST_RANGES in both of the theme's fonts, after a letter (a
    mark would sit on it) and alone after a space, and in runs of neighbours; and a line in
    every weight."""
    fast = fast_drawer()
    chars = [chr(c) for lo, hi in raster.FAST_RANGES for c in range(lo, hi + 1) if c >= 0x20]
    runs = ["".join(chars[i:i + 40]) for i in range(0, len(chars), 40)]
    contexts = [" ".join(f"a{c}b x {c} (y" for c in chars[i:i + 6])
                for i in range(0, len(chars), 6)]
    svgs = [lines_svg(lines[i:i + 90], 14, weight)
            for weight, lines in ((400, runs + contexts), (700, contexts))
            for i in range(0, len(lines), 90)]
    svgs += [lines_svg(["Reached 5 paying customers · 8 Sep 2026 ▲2 ✓"], 48, weight)
             for weight in range(100, 1000, 50)]
    for svg in svgs:
        assert raster._FAST_TEXT.fullmatch(svg)
        assert fast(svg) == slow(svg), svg[:300]


@pytest.mark.parametrize("text", [
    "x\u05b0y",  # a Hebrew point on a Latin letter
    "u\u0332n\u0332d\u0332e\u0332r\u0332",  # underlined with a combining mark
    "Team \u200f\u2265 5 x",  # a right-to-left mark before ≥
    "\u202eab \u2265 cd\u202c",  # ≥ inside a right-to-left override
])
def test_text_the_two_draw_differently_goes_to_resvg_py(text: str) -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60" '
           f'font-family="Inter"><text x="10" y="40" font-size="30">{text}</text></svg>')
    assert fast_drawer()(svg) != slow(svg)  # why it must not draw them
    assert not raster._FAST_TEXT.fullmatch(svg)
    drawn = raster.draw_all({"c.png": svg}, FONTS, family=cards.FONT_FAMILY, fast=True)
    assert drawn["c.png"] == slow(svg)


def test_a_drawings_key_names_its_drawer() -> None:
    """A cache filled by one drawer is never read by a build that uses the other, so no
    build's bytes depend on which drew first (the fast drawer's range is checked, not
    proven)."""
    fast_drawer()
    shelf = Shelf()
    raster.draw_all({"a.png": svg(5)}, FONTS, shelf, cards.FONT_FAMILY, fast=True)
    raster._recent.clear()
    raster.draw_all({"a.png": svg(5)}, FONTS, shelf, cards.FONT_FAMILY, fast=False)
    assert len(shelf.entries) == 2


def test_an_svg_the_fast_drawer_refuses_fails_in_resvg_pys_words() -> None:
    drawn = raster.draw_all({"bad.png": "<svg><g></svg>"}, FONTS, fast=True)
    assert drawn["bad.png"] == slow("<svg><g></svg>")
    assert isinstance(drawn["bad.png"], raster.Failed)


def test_only_the_default_themes_cards_may_go_to_the_fast_drawer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[bool] = []
    real = raster.draw_all

    def spy(*args: Any, **kwargs: Any) -> dict[str, bytes | raster.Failed]:
        asked.append(kwargs["fast"])
        return real(*args, **kwargs)

    monkeypatch.setattr(raster, "draw_all", spy)
    site = public_view(pipeline.analyse(small_content(tmp_path / "content")))
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    assert render_site(site, Problems(), theme, parallel=False) is not None
    (theme / "cards").mkdir()
    (theme / "cards" / "icon.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="180" height="180"/>', "utf-8")
    raster._recent.clear()
    assert render_site(site, Problems(), theme, parallel=False) is not None
    assert asked == [True, False]
