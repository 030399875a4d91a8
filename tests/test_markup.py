"""Markdown to safe HTML, and to plain text for descriptions and feed summaries."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from generator.render import markup
from generator.render.markup import to_html, to_text


class Tags(HTMLParser):
    """Every start tag with its attributes, and whether any comment survived."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def tags_of(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser


# --- rendering -------------------------------------------------------------------------------


def test_markdown_is_rendered() -> None:
    assert to_html("Hello **world**, *you*.") == (
        "<p>Hello <strong>world</strong>, <em>you</em>.</p>")
    assert to_html("- a\n- b\n") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert to_html("1. a\n2. b\n") == "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"
    assert to_html("> quoted") == "<blockquote>\n<p>quoted</p>\n</blockquote>"


def test_tables_and_fenced_code_are_rendered() -> None:
    table = to_html("| Week | Calls |\n|---|--:|\n| W47 | 6 |\n")
    assert [tag for tag, _ in tags_of(table).tags] == ["table", "thead", "tr", "th", "th",
                                                      "tbody", "tr", "td", "td"]
    assert "<td>6</td>" in table  # Markdown aligns with a style attribute; styles are dropped
    code = to_html("```python\nx = '<b>'\n```\n")
    assert code.startswith("<pre><code")
    assert "x = '&lt;b&gt;'" in code  # shown as text, not markup


def test_text_is_escaped() -> None:
    assert to_html("a & b < c > d") == "<p>a &amp; b &lt; c &gt; d</p>"


def test_empty_text_gives_empty_html() -> None:
    assert to_html("") == ""
    assert to_text("") == ""


# --- sanitising ------------------------------------------------------------------------------


HOSTILE = """\
Hello [safe](https://example.com/ok "a title").

<script>alert('script')</script>
<img src="x" onerror="alert('img')">
<a href="javascript:alert('link')">js</a>
<a href="JaVaScRiPt:alert(1)" onclick="alert(2)">mixed case</a>
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>
[md link](javascript:alert(3))
<!-- hidden comment -->
<p onclick="alert(4)" style="color: red" class="x" id="y">para</p>
<style>body { display: none }</style>
<iframe src="https://evil.example/"></iframe>
<object data="x.swf"></object>
<form action="https://evil.example/"><input name="x"></form>
<svg onload="alert(5)"></svg>
"""


@pytest.fixture(scope="module")
def hostile() -> str:
    return to_html(HOSTILE)


def test_dangerous_elements_are_removed_with_their_content(hostile: str) -> None:
    found = {tag for tag, _ in tags_of(hostile).tags}
    assert found <= {"p", "a"}, found
    for gone in ("alert('script')", "display: none", "evil.example", "x.swf"):
        assert gone not in hostile


def test_event_handlers_styles_and_ids_are_removed(hostile: str) -> None:
    for _, attrs in tags_of(hostile).tags:
        assert set(attrs) <= {"href", "title", "rel"}, attrs
    assert "onclick" not in hostile and "onerror" not in hostile and "style" not in hostile
    assert "<p>para</p>" in hostile


def test_comments_are_removed(hostile: str) -> None:
    assert tags_of(hostile).comments == []
    assert "hidden comment" not in hostile


def test_only_http_https_mailto_and_tel_links_keep_their_target(hostile: str) -> None:
    hrefs = [attrs.get("href") for tag, attrs in tags_of(hostile).tags if tag == "a"]
    assert hrefs == ["https://example.com/ok"]
    assert "javascript" not in hostile.lower() and "data:" not in hostile
    mail = to_html("[write](mailto:hi@example.com)")
    assert 'href="mailto:hi@example.com"' in mail
    assert to_html("[call](tel:+1-555-0100)") == (
        '<p><a href="tel:+1-555-0100" rel="noopener noreferrer">call</a></p>')


@pytest.mark.parametrize("link", [
    "[x](javascript:alert(1))", "[x](JavaScript:alert(1))", "[x](vbscript:msgbox(1))",
    "[x](data:text/html,hi)", "[x](ftp://files.example/)", "[x](file:///etc/passwd)",
    '<a href="javascript:alert(1)">x</a>', '<a name="x" title="t">x</a>', "<a>x</a>",
])
def test_a_link_without_an_allowed_target_becomes_its_text(link: str) -> None:
    # An <a> with no href is invalid HTML (the Nu checker requires href): keep the text only.
    assert to_html(f"Say {link} now") == "<p>Say x now</p>"


def test_the_text_of_a_dropped_link_keeps_its_markup() -> None:
    html = to_html("[**bold** `code`](vbscript:x) and "
                   "<a href='https://ok.example/' title='t\" href=\"y'>ok</a>")
    assert html.startswith("<p><strong>bold</strong> <code>code</code> and <a ")
    assert [attrs["href"] for tag, attrs in tags_of(html).tags if tag == "a"] == [
        "https://ok.example/"]
    assert "vbscript" not in html
    # an href spelled inside another attribute's value is not an href
    assert to_html("<a title='x\" href=\"y' href='javascript:1'>t</a>") == "<p>t</p>"


def test_every_link_gets_rel_noopener_noreferrer() -> None:
    html = to_html('[a](https://a.example/) <a href="https://b.example/" rel="opener" '
                   'target="_blank">b</a>')
    links = [attrs for tag, attrs in tags_of(html).tags if tag == "a"]
    assert links == [{"href": "https://a.example/", "rel": "noopener noreferrer"},
                     {"href": "https://b.example/", "rel": "noopener noreferrer"}]


def test_safe_link_keeps_its_title(hostile: str) -> None:
    assert ('<a href="https://example.com/ok" title="a title" rel="noopener noreferrer">safe</a>'
            in hostile)


# --- headings --------------------------------------------------------------------------------


def headings(html: str) -> list[tuple[str, str]]:
    return re.findall(r"<(h[1-6])>(.*?)</\1>", html)


@pytest.mark.parametrize(("markdown", "expected"), [
    ("### A\n#### B", [("h2", "A"), ("h3", "B")]),
    ("# A\n## B", [("h2", "A"), ("h3", "B")]),
    ("## A\n### B", [("h2", "A"), ("h3", "B")]),
    ("#### A\n###### B\n#### C", [("h2", "A"), ("h4", "B"), ("h2", "C")]),
    ("## A\n# B\n### C", [("h3", "A"), ("h2", "B"), ("h4", "C")]),  # order kept
    ("# A\n###### F", [("h2", "A"), ("h6", "F")]),  # never deeper than h6
    ("A\n===\n\nB\n---\n", [("h2", "A"), ("h3", "B")]),  # setext headings too
])
def test_the_highest_heading_becomes_h2_and_order_is_kept(markdown: str,
                                                           expected: list[tuple[str, str]]
                                                           ) -> None:
    html = to_html(markdown)
    assert headings(html) == expected
    assert "<h1" not in html


def test_text_without_headings_is_left_alone() -> None:
    assert to_html("just text") == "<p>just text</p>"


def test_heading_like_text_in_code_is_not_moved() -> None:
    html = to_html("# Title\n\n```\n<h1>kept as text</h1>\n```\n")
    assert headings(html) == [("h2", "Title")]
    assert "&lt;h1&gt;kept as text&lt;/h1&gt;" in html


# --- plain text ------------------------------------------------------------------------------


def test_to_text_strips_markup_and_collapses_whitespace() -> None:
    assert to_text("# Week 47\n\nWe made **6** calls.\n\n- Closed [Initech](https://x.example/)"
                   "\n- Lost   one") == "Week 47 We made 6 calls. Closed Initech Lost one"


def test_to_text_decodes_entities() -> None:
    assert to_text('Ben & Jerry\'s "scoops" < 5 > 2') == "Ben & Jerry’s “scoops” < 5 > 2"
    assert to_text("caf&eacute; &copy; &#8212; AT&amp;T") == "café © — AT&T"


def test_to_text_decodes_once() -> None:
    # The code span shows the characters `&lt;b&gt;` literally; decoding twice made them <b>.
    assert to_text("Type `&lt;b&gt;` for bold") == "Type &lt;b&gt; for bold"


def test_to_text_keeps_a_non_breaking_space_as_a_character() -> None:
    # Not the entity `&nbsp;`: templates escape this text, so it would show up literally.
    assert to_text("10\u00a0000 users") == "10\u00a0000 users"


def test_to_text_drops_what_the_sanitiser_drops() -> None:
    assert to_text("Hi <script>alert(1)</script><!-- secret --> there") == "Hi there"


def test_to_text_keeps_short_text_whole() -> None:
    text = "word " * 39 + "end"  # 198 characters
    assert to_text(text) == text
    assert to_text("exactly ten", limit=11) == "exactly ten"


def test_to_text_truncates_on_a_word_boundary_with_an_ellipsis() -> None:
    text = " ".join(f"word{i}" for i in range(100))
    short = to_text(text, limit=40)
    assert short.endswith("…")
    assert len(short) <= 40
    assert short[:-1] == text[: len(short) - 1]  # a prefix of the text ...
    assert text[len(short) - 1] == " "  # ... that ends where a word ends
    assert short == "word0 word1 word2 word3 word4 word5…"
    assert len(to_text(text)) <= 200


def test_to_text_cuts_a_single_long_word_at_the_limit() -> None:
    assert to_text("x" * 50, limit=10) == "x" * 9 + "…"


@pytest.mark.parametrize(("markdown", "html"), [
    ("[about](/about/)", '<a href="/repo/about/" rel="noopener noreferrer">about</a>'),
    ("[feed](/feed.xml)", '<a href="/repo/feed.xml" rel="noopener noreferrer">feed</a>'),
    ("[other](//example.com/x)", '<a href="//example.com/x" rel="noopener noreferrer">other</a>'),
    ("[rel](weeks/)", '<a href="weeks/" rel="noopener noreferrer">rel</a>'),
    ("[abs](https://example.com/)",
     '<a href="https://example.com/" rel="noopener noreferrer">abs</a>'),
])
def test_root_links_stay_inside_a_site_under_a_sub_path(markdown: str, html: str) -> None:
    assert to_html(markdown, "/repo/") == f"<p>{html}</p>"
    assert 'href="/about/"' in to_html("[about](/about/)")  # at the domain root: unchanged


def test_the_base_path_is_escaped_where_links_are_rewritten() -> None:
    assert to_html("[x](/a/)", "/r&d/") == (
        '<p><a href="/r&amp;d/a/" rel="noopener noreferrer">x</a></p>')


def test_quotes_dashes_and_ellipses_are_typographic_outside_code() -> None:
    assert to_html('We said "hell yes" -- it\'s done... `a "b"`') == (
        "<p>We said “hell yes” – it’s done… <code>a \"b\"</code></p>")


def test_after_one_edit_only_that_text_is_converted_again(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """`traction serve` renders again after each save: however many texts the content has
    (more than the cache's usual size here), only the one edited is converted again."""
    monkeypatch.setattr(markup, "_CACHE_SIZE", 4)
    monkeypatch.setattr(markup, "_CACHE", OrderedDict())
    converted: list[str] = []
    real = markup._convert
    monkeypatch.setattr(markup, "_convert", lambda text: converted.append(text) or real(text))
    texts = [f"Week {n}: *six* texts" for n in range(6)]
    markup.prepare(texts, parallel=False)
    assert [to_html(text) for text in texts] == [real(text) for text in texts]
    assert len(converted) == 6
    converted.clear()
    edited = [*texts[:2], "Week 2, *edited*", *texts[3:]]
    markup.prepare(edited, parallel=False)
    assert [to_html(text) for text in edited] == [real(text) for text in edited]
    assert converted == ["Week 2, *edited*"]


def test_a_killed_process_leaves_the_markdown_to_this_one(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from concurrent.futures.process import BrokenProcessPool

    def broken(*args: object, **kwargs: object) -> Iterator[str]:
        raise BrokenProcessPool("a process was killed")
        yield ""

    monkeypatch.setattr(markup, "_CACHE", OrderedDict())
    monkeypatch.setattr(markup, "fork_workers", lambda items, minimum: 2)
    monkeypatch.setattr(markup, "forked_map", broken)
    texts = [f"Text *{n}*" for n in range(10)]
    markup.prepare(texts, parallel=True)
    assert list(markup._CACHE) == texts
    assert markup._CACHE["Text *3*"] == "<p>Text <em>3</em></p>"
