"""Badges: the shields.io endpoint document and the self-contained SVG."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from generator.render.badges import COLORS, HEX, badge_json, badge_svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(("status", "color"), [
    ("achieved", "brightgreen"), ("slipped", "red"), ("in_progress", "yellow"),
    ("not_started", "lightgrey"), ("something-else", "blue"),
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


@pytest.mark.parametrize("status", [*COLORS, "unknown"])
def test_svg_colour_follows_the_status(status: str) -> None:
    root = svg_of("label", "message", status)
    rects = root.findall(f"{SVG}rect")
    assert rects[0].get("fill") == "#555"
    expected = HEX[COLORS.get(status, "lightgrey")]
    assert {r.get("fill") for r in rects[1:]} == {expected}


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
