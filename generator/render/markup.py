"""Markdown from content files to safe HTML.

Founders write summaries and case studies in Markdown; the output is cleaned
by nh3 (a Rust HTML sanitiser) so no script, event handler, `javascript:`
link, style or HTML comment reaches the site, whatever the Markdown holds.

Python-Markdown is superlinear on some input: each `[` was followed to its `]`
and each `](` to its `)` character by character to the end of the text, so
600,000 `[` took hours; html.parser did the same for `<a <a ...`, and a block
split line by line (`=` under each line) was rescanned whole for each line.
Those scans are bounded here (`_bounded`), keeping the output of ordinary text.
What is left is about linear but slow (Python-Markdown renders the worst text at
some 30 KB/s), so the loader refuses more than `MAX_MARKDOWN_CHARS` of Markdown
in a field: the worst 64 KiB we could construct renders in about 2.5 s (see
tests/test_hostile.py).
"""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures.process import BrokenProcessPool
from html import escape, unescape
from typing import Any
from xml.etree.ElementTree import Element, SubElement

import markdown
import nh3
from markdown.blockprocessors import HashHeaderProcessor, SetextHeaderProcessor
from markdown.extensions.tables import TableProcessor
from markdown.htmlparser import HTMLExtractor
from markdown.inlinepatterns import BacktickInlineProcessor, LinkInlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor

from generator.render.cores import fork_workers, forked_map
from generator.source.yamlsource import MAX_MARKDOWN_CHARS

# A link's text may hold this many brackets (`[![logo](src)](href)` holds two), and a link's
# `(destination "title")` and a code span may be this long: past that it is text, not a link.
MAX_LINK_BRACKETS = 16
MAX_LINK_TARGET = 4096
MAX_LINK_SPECIALS = 32  # `(`, `)` and quotes in a link's `(destination "title")`
MAX_CODE_SPAN = 4096
MAX_TAG = 2048  # a raw HTML start tag, `<` to `>`

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
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
_BRACKET = re.compile(r"[\[\]]")
_LINK_SPECIAL = re.compile(r"[()'\"]")
# Characters that are not allowed in XML 1.0 (the feed) or are control characters in HTML:
# C0 controls but tab and line breaks, DEL and C1 controls, lone surrogates, U+FFFE/U+FFFF.
# Markdown text may hold them raw (a page body) or as a reference (`&#1;`, kept by nh3).
# A link target's scheme as a browser might read it: entities decoded, and whitespace,
# controls and invisible format characters (which browsers drop, or which fool the eye) gone.
# (nh3 escapes `<` in text and `"` and `>` in attribute values: this stays inside a tag)
_URL_ATTRIBUTE = re.compile(r'(<[a-z][a-z0-9]*\b[^>]*?)\s(?:href|src)="([^"]*)"')
_INVISIBLE = re.compile(
    "[\\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
UNSAFE_CHARS = re.compile("[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF\uFFFE\uFFFF]")


def _get_text(data: str, index: int) -> tuple[str, int, bool]:
    """LinkInlineProcessor.getText, jumping from bracket to bracket and giving up after
    MAX_LINK_BRACKETS of them: the original walks every character to the end of the text
    for every unclosed `[`."""
    depth = 1
    for count, match in enumerate(_BRACKET.finditer(data, index)):
        if count >= MAX_LINK_BRACKETS:
            break
        if match[0] == "]":
            depth -= 1
            if depth == 0:
                return data[index:match.start()], match.end(), True
        else:
            depth += 1
    return "", index, False


def _window(data: str, index: int, limit: int) -> str:
    """At most MAX_LINK_TARGET characters of `data` from `index`, ending before the
    `limit`-th character that matters to the scan (`(`, `)` or a quote)."""
    end = index + MAX_LINK_TARGET
    for count, match in enumerate(_LINK_SPECIAL.finditer(data, index, end)):
        if count >= limit:
            end = match.start()
            break
    return data[index:end]


def _get_link(find: Any) -> Any:
    """LinkInlineProcessor.getLink (the `(destination "title")` after a link's text) on a
    window: the original walks every character to the end for every unclosed `(`."""

    def bounded(data: str, index: int) -> tuple[str, str | None, int, bool]:
        href, title, end, handled = find(_window(data, index, MAX_LINK_SPECIALS), 0)
        return href, title, end + index, handled

    return bounded


def _code_spans(find: Any) -> Any:
    """BacktickInlineProcessor.find_code_spans on a window: the original walks to the end
    of the text for every backtick run without its match."""

    def bounded(start: int, text: str) -> tuple[int, int | None]:
        begin, end = find(0, text[start:start + MAX_CODE_SPAN])
        return begin + start, None if end is None else end + start

    return bounded


class _HtmlExtractor(HTMLExtractor):
    def check_for_whole_start_tag(self, i: int) -> int:
        """html.parser follows attribute-like text (`<a <a <a ...`) to the end of the input
        for every `<` and letter; here a start tag ends within MAX_TAG characters."""
        rawdata = self.rawdata
        if len(rawdata) - i <= MAX_TAG:
            return int(super().check_for_whole_start_tag(i))
        if rawdata.find(">", i, i + MAX_TAG) < 0:
            return -1  # no tag: the `<` is text
        self.rawdata = rawdata[i:i + MAX_TAG]
        try:
            end = int(super().check_for_whole_start_tag(0))
        finally:
            self.rawdata = rawdata
        return end if end < 0 else end + i


class _HtmlBlocks(HtmlBlockPreprocessor):
    def run(self, lines: list[str]) -> list[str]:
        parser = _HtmlExtractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


def _table_test(test: Any) -> Any:
    """TableProcessor.test splits the whole block into rows to look at the first two (and
    at all of them only for a one-column table): a block split line by line (`=` or `#`
    lines) was tested again and again."""

    def bounded(parent: Any, block: str) -> bool:
        head = block.split("\n", 2)
        if len(head) > 2 and not test(parent, "\n".join(head[:2])):
            return False
        return bool(test(parent, block))

    return bounded


def _hash_header_test(regex: re.Pattern[str]) -> Any:
    """HashHeaderProcessor.test searched the whole block for a `#` line: a block split line
    by line (`=` or `-` under each line) was searched again and again. A header starts at
    the block's start or after a line break, so the search starts at the first such `#`."""

    def bounded(parent: Any, block: str) -> bool:
        start = 0 if block.startswith("#") else block.find("\n#")
        return start >= 0 and regex.search(block, start) is not None

    return bounded


def _setext_run(parent: Element, blocks: list[str]) -> None:
    """SetextHeaderProcessor.run, splitting off only the two lines it uses: the original
    split and joined the whole rest of the block for every heading in it."""
    title, underline, *rest = blocks.pop(0).split("\n", 2)
    heading = SubElement(parent, "h1" if underline.startswith("=") else "h2")
    heading.text = title.strip()
    if rest:
        blocks.insert(0, rest[0])


def _bounded(md: markdown.Markdown) -> markdown.Markdown:
    """Python-Markdown with its scans bounded (see above)."""
    for pattern in md.inlinePatterns:
        if isinstance(pattern, LinkInlineProcessor):
            pattern.getText = _get_text  # type: ignore[method-assign]
            pattern.getLink = _get_link(pattern.getLink)  # type: ignore[method-assign]
        elif isinstance(pattern, BacktickInlineProcessor):
            pattern.find_code_spans = _code_spans(  # type: ignore[method-assign]
                pattern.find_code_spans)
    md.preprocessors.register(_HtmlBlocks(md), "html_block", 20)
    for processor in md.parser.blockprocessors:
        if isinstance(processor, TableProcessor):
            processor.test = _table_test(processor.test)  # type: ignore[method-assign]
        elif isinstance(processor, HashHeaderProcessor):
            processor.test = _hash_header_test(processor.RE)  # type: ignore[method-assign]
        elif isinstance(processor, SetextHeaderProcessor):
            processor.run = _setext_run  # type: ignore[method-assign]
    return md


@functools.lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """One converter for every text, `reset()` before each: building one, with its
    extensions, costs more than converting a week's summary."""
    # smarty: typographic quotes, dashes and ellipses ("hell yes" → “hell yes”, it’s)
    return _bounded(markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists",
                                                  "smarty"], output_format="html"))


# Sanitised HTML by Markdown text, least recently used first: a week's summary is rendered
# for its page and again for the feed's text, and `traction serve` renders only the texts
# that changed since its last build. Bounded by the larger of _CACHE_SIZE and twice the
# texts of the last content given to `prepare`.
_CACHE: OrderedDict[str, str] = OrderedDict()
_CACHE_SIZE = 1024
_cache_size = _CACHE_SIZE
# Below this many texts to convert, a second process costs more than it saves.
PARALLEL_FROM = 64


def _clean(text: str) -> str:
    """Markdown to sanitised HTML, before links are placed under the site's base path."""
    html = _CACHE.get(text)
    if html is None:
        html = _remember(text, _convert(text))
    else:
        _CACHE.move_to_end(text)
    return html


def _remember(text: str, html: str) -> str:
    _CACHE[text] = html
    while len(_CACHE) > _cache_size:
        _CACHE.popitem(last=False)
    return html


def _convert(text: str) -> str:
    text = UNSAFE_CHARS.sub("\uFFFD", text[:MAX_MARKDOWN_CHARS])
    md = _converter()
    try:
        html = md.reset().convert(text)
    except RecursionError:  # lists or quotes nested hundreds deep: show the text as written
        _converter.cache_clear()  # its parser stopped halfway: reset() does not undo that
        html = "<p>" + escape(text, quote=False) + "</p>"
    levels = [int(m[2]) for m in _HEADING.finditer(html)]
    shift = 2 - min(levels) if levels else 0  # the top heading becomes <h2>, order kept
    html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + shift, 6)}", html)
    html = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=set(URL_SCHEMES),
                     link_rel="noopener noreferrer", strip_comments=True)
    # nh3 reads the scheme as a URL parser does; a second look, as a person or a lenient
    # browser might read it: `java    script:` (Markdown turned a tab into spaces) is dropped
    html = _URL_ATTRIBUTE.sub(lambda m: m[0] if allowed_url(m[2]) else m[1], html)
    # nh3 drops a disallowed href but keeps the <a>; without href it is invalid: keep the text
    html = _ANCHOR.sub(lambda m: m[0] if _HREF.search(m[1]) else m[2], html)
    # nh3 turns `&#1;` into the character itself: not allowed in XML, a control in HTML
    return UNSAFE_CHARS.sub("\uFFFD", html)


def prepare(texts: Iterable[str], parallel: bool = True) -> None:
    """Convert every text not converted yet, so that rendering finds them all: on two cores
    or more when there are enough (see `cores.fork_workers`), else here. Markdown is most
    of a cold build's time."""
    global _cache_size
    wanted = list(dict.fromkeys(texts))
    # Room for this content and an edit of all of it: what it keeps is used again first.
    _cache_size = max(_CACHE_SIZE, 2 * len(wanted))
    missing = []
    for text in wanted:
        if text in _CACHE:
            _CACHE.move_to_end(text)
        else:
            missing.append(text)
    workers = fork_workers(len(missing), PARALLEL_FROM) if parallel else 0
    if not workers:
        converted = [_convert(text) for text in missing]
    else:
        # The longest texts first, spread evenly (a case study is worth many summaries).
        order = sorted(range(len(missing)), key=lambda i: -len(missing[i]))
        longest_first = [missing[i] for i in order]
        try:
            done = list(forked_map(_convert, longest_first, workers, chunksize=8))
        except BrokenProcessPool:  # a process was killed: do it here
            done = [_convert(text) for text in longest_first]
        converted = [""] * len(missing)
        for index, html in zip(order, done, strict=True):
            converted[index] = html
    for text, html in zip(missing, converted, strict=True):
        _remember(text, html)


def allowed_url(value: str) -> bool:
    """Whether an href or src value (as written in HTML) has no scheme or an allowed one."""
    scheme = _SCHEME.match(_INVISIBLE.sub("", unescape(value)).lower())
    return scheme is None or scheme[1] in URL_SCHEMES


def to_html(text: str, base_path: str = "/") -> str:
    """Render Markdown and sanitise it. The page owns <h1>: the text's headings are moved
    so that its highest one is an <h2>, keeping their order (no skipped levels added).
    A link to `/about/` means the site's own root: under a sub-path it becomes
    `{base_path}about/`, as every other link of the site does."""
    html = _clean(text)
    if base_path != "/":
        prefix = escape(base_path, quote=True)  # after the sanitiser: escape it ourselves
        html = _ROOT_LINK.sub(lambda m: m[1] + prefix, html)
    return html


def to_text(text: str, limit: int = 200) -> str:
    """Plain text for meta descriptions and feed summaries."""
    plain = nh3.clean(_clean(text), tags=set())
    plain = re.sub(r"\s+", " ", plain).strip()
    plain = UNSAFE_CHARS.sub("\uFFFD", unescape(plain))  # one pass: `&amp;lt;` is "&lt;"
    if len(plain) > limit:
        plain = plain[: limit - 1].rsplit(" ", 1)[0] + "…"
    return plain
