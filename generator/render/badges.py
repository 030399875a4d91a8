"""Badges: a shields.io endpoint document and a self-contained flat SVG, in one colour.

The endpoint document asks shields.io for the very colour the SVG is drawn in, as hex:
shields' named colours (brightgreen #4c1, yellow #dfb317, ...) are lighter than these, and
white text on them fails WCAG contrast, so a README badge drawn by shields and the SVG this
site serves would otherwise differ. shields.io reads a bare hex colour ("2e7d32") in
`color`, as in its `?color=` parameter. The label side is #555, shields' default label
colour, so it needs no `labelColor`.
"""

from __future__ import annotations

import json
from html import escape

# By milestone status; each has 4.5:1 contrast or more with white text, as the theme's.
HEX = {"achieved": "#2e7d32", "slipped": "#c62828", "in_progress": "#8a6d00",
       "not_started": "#616161"}
UNKNOWN = "not_started"  # a status this module does not know is drawn as not started
LABEL_HEX = "#555"


def color(status: str) -> str:
    """The badge colour of a status, `#rrggbb`: the SVG's fill and the endpoint's colour."""
    return HEX.get(status, HEX[UNKNOWN])


def badge_json(label: str, message: str, status: str) -> bytes:
    """https://shields.io/badges/endpoint-badge schema, version 1."""
    document = {"schemaVersion": 1, "label": label, "message": message,
                "color": color(status).removeprefix("#")}
    return (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")


def _text_width(text: str) -> int:
    # Verdana 11px averages ~6.5px a character; wide letters a little more.
    wide = sum(ch in "MWmw@%" for ch in text)
    return int(len(text) * 6.5 + wide * 3) + 10


def badge_svg(label: str, message: str, status: str) -> bytes:
    left, right = _text_width(label), _text_width(message)
    total = left + right
    fill = color(status)
    title = escape(f"{label}: {message}")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        f'<rect width="{left}" height="20" rx="3" fill="{LABEL_HEX}"/>'
        f'<rect x="{left}" width="{right}" height="20" rx="3" fill="{fill}"/>'
        f'<rect x="{left}" width="4" height="20" fill="{fill}"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:.1f}" y="14" text-anchor="middle">{escape(label)}</text>'
        f'<text x="{left + right / 2:.1f}" y="14" text-anchor="middle">{escape(message)}</text>'
        f"</g></svg>\n"
    )
    return svg.encode("utf-8")
