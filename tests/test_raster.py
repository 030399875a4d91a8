"""SVG to PNG (generator/render/raster.py): the same bytes drawn serially, in a pool or taken
from a store; a store's bad entry is drawn again; an SVG resvg refuses is a `Failed`."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.render import cards, cores, raster
from generator.render.pages import default_theme_dir

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
