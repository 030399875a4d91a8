"""Badges: the shields.io endpoint document and the self-contained SVG."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from generator.render.badges import HEX, badge_json, badge_svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(("status", "color"), [
    ("achieved", "2e7d32"), ("slipped", "c62828"), ("in_progress", "8a6d00"),
    ("not_started", "616161"), ("something-else", "616161"),
])
def test_endpoint_document_follows_the_shields_schema(status: str, color: str) -> None:
    data = badge_json("5+ sales calls", "achieved", status)
    assert data.endswith(b"\n")
    assert json.loads(data) == {"schemaVersion": 1, "label": "5+ sales calls",
                                "message": "achieved", "color": color}


def test_endpoint_document_is_utf8_json_not_ascii_escaped() -> None:
    data = badge_json('5 "hell yes" — café', "60%", "in_progress")
    assert "— café".encode() in data
    assert json.loads(data.decode("utf-8"))["label"] == '5 "hell yes" — café'


def svg_of(label: str, message: str, status: str) -> ET.Element:
    root = ET.fromstring(badge_svg(label, message, status))
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str | None]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_svg_is_well_formed_and_accessible() -> None:
    root = svg_of("weekly calls", "achieved", "achieved")
    assert root.get("role") == "img"
    assert root.get("aria-label") == "weekly calls: achieved"
    assert root.findtext(f"{SVG}title") == "weekly calls: achieved"
    assert texts(root) == ["weekly calls", "achieved"]
    assert root.get("height") == "20"


def test_svg_escapes_its_text() -> None:
    raw = badge_svg('<&> "x"', "a<b & c>d", "slipped")
    assert b"<&>" not in raw and b"a<b" not in raw
    root = ET.fromstring(raw)  # would raise on unescaped markup
    assert texts(root) == ['<&> "x"', "a<b & c>d"]
    assert root.get("aria-label") == '<&> "x": a<b & c>d'


@pytest.mark.parametrize("status", [*HEX, "unknown"])
def test_svg_colour_follows_the_status(status: str) -> None:
    root = svg_of("label", "message", status)
    rects = root.findall(f"{SVG}rect")
    assert rects[0].get("fill") == "#555"
    expected = HEX.get(status, HEX["not_started"])
    assert {r.get("fill") for r in rects[1:]} == {expected}


@pytest.mark.parametrize("status", [*HEX, "unknown"])
def test_shields_draws_the_colour_the_svg_has(status: str) -> None:
    """The endpoint asks shields.io for the SVG's own fill (bare hex, as shields reads it),
    not a named colour that shields draws lighter."""
    endpoint = json.loads(badge_json("label", "message", status))
    rects = svg_of("label", "message", status).findall(f"{SVG}rect")
    assert re.fullmatch(r"[0-9a-f]{6}", endpoint["color"])
    assert {r.get("fill") for r in rects[1:]} == {"#" + endpoint["color"]}


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("status", [*HEX])
def test_white_text_is_readable_on_every_colour(status: str) -> None:
    assert 1.05 / (_luminance(HEX[status]) + 0.05) >= 4.5


def test_svg_width_grows_with_the_text() -> None:
    def width(label: str, message: str) -> int:
        root = svg_of(label, message, "achieved")
        rects = root.findall(f"{SVG}rect")
        total = int(root.get("width") or 0)
        # The two halves add up to the whole and the message starts where the label ends.
        assert int(rects[0].get("width") or 0) + int(rects[1].get("width") or 0) == total
        assert rects[1].get("x") == rects[0].get("width")
        return total

    short = width("calls", "ok")
    assert width("calls and more calls", "ok") > short
    assert width("calls", "ok and then some") > short
    assert width("calls", "WWWW") > width("calls", "iiii")  # wide letters take more room


def test_svg_text_is_centred_in_its_half() -> None:
    root = svg_of("label", "message", "achieved")
    left = int(root.findall(f"{SVG}rect")[0].get("width") or 0)
    total = int(root.get("width") or 0)
    xs = [float(t.get("x") or 0) for t in root.iter(f"{SVG}text")]
    assert xs == [pytest.approx(left / 2), pytest.approx(left + (total - left) / 2)]
