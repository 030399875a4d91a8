"""Badges: a shields.io endpoint document and a self-contained flat SVG."""

from __future__ import annotations

import json
from html import escape

# shields.io named colours by milestone status
COLORS = {"achieved": "brightgreen", "slipped": "red", "in_progress": "yellow",
          "not_started": "lightgrey"}
HEX = {"brightgreen": "#2e7d32", "red": "#c62828", "yellow": "#8a6d00", "lightgrey": "#616161"}
LABEL_HEX = "#555"


def badge_json(label: str, message: str, status: str) -> bytes:
    """https://shields.io/badges/endpoint-badge schema, version 1."""
    document = {"schemaVersion": 1, "label": label, "message": message,
                "color": COLORS.get(status, "blue")}
    return (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")


def _text_width(text: str) -> int:
    # Verdana 11px averages ~6.5px a character; wide letters a little more.
    wide = sum(ch in "MWmw@%" for ch in text)
    return int(len(text) * 6.5 + wide * 3) + 10


def badge_svg(label: str, message: str, status: str) -> bytes:
    left, right = _text_width(label), _text_width(message)
    total = left + right
    fill = HEX[COLORS.get(status, "lightgrey")]
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
