"""Markdown from content files to safe HTML.

Founders write summaries and case studies in Markdown; the output is cleaned
by nh3 (a Rust HTML sanitiser) so no script, event handler, `javascript:`
link, style or HTML comment reaches the site, whatever the Markdown holds.
"""

from __future__ import annotations

import re
from html import escape, unescape

import markdown
import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul", "dl", "dt", "dd", "s", "kbd", "mark",
}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
_HEADING = re.compile(r"<(/?)h([1-6])\b")
# nh3's output quotes every attribute value and escapes `"`, `<` and `>` in it, and never
# nests <a>: so an anchor's attributes end at the first `>`, and it ends at the next </a>.
_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.DOTALL)
_HREF = re.compile(r'\shref="')
_ROOT_LINK = re.compile(r'(<a\b[^>]*?\shref=")/(?!/)')  # "/about/", not "//host/"


def to_html(text: str, base_path: str = "/") -> str:
    """Render Markdown and sanitise it. The page owns <h1>: the text's headings are moved
    so that its highest one is an <h2>, keeping their order (no skipped levels added).
    A link to `/about/` means the site's own root: under a sub-path it becomes
    `{base_path}about/`, as every other link of the site does."""
    html = markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"],
                             output_format="html")
    levels = [int(m[2]) for m in _HEADING.finditer(html)]
    shift = 2 - min(levels) if levels else 0  # the top heading becomes <h2>, order kept
    html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + shift, 6)}", html)
    html = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "tel"},
                     link_rel="noopener noreferrer", strip_comments=True)
    # nh3 drops a disallowed href but keeps the <a>; without href it is invalid: keep the text
    html = _ANCHOR.sub(lambda m: m[0] if _HREF.search(m[1]) else m[2], html)
    if base_path != "/":
        prefix = escape(base_path, quote=True)  # after the sanitiser: escape it ourselves
        html = _ROOT_LINK.sub(lambda m: m[1] + prefix, html)
    return html


def to_text(text: str, limit: int = 200) -> str:
    """Plain text for meta descriptions and feed summaries."""
    plain = nh3.clean(to_html(text), tags=set())
    plain = re.sub(r"\s+", " ", plain).strip()
    plain = unescape(plain)  # one pass: `&amp;lt;` is the text "&lt;", and `&nbsp;` decodes
    if len(plain) > limit:
        plain = plain[: limit - 1].rsplit(" ", 1)[0] + "…"
    return plain
