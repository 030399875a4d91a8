"""Hostile content: every input bounded, every output well-formed.

Pathological Markdown renders in bounded time (Python-Markdown was quadratic or worse on
runs of `[`, `[a](`, `![`, `<a `, lines of `=`), hostile text anywhere in the content
gives a site whose XML, SVG and JSON all parse, and no link target outside the allow-list
survives however it is spelled.

The pathological sizes below took from 7 s to over 30 s each before the bounds; the test
asserts what the output holds and relies on its own run time (under a second or two), with
no timing threshold to flake.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from conftest import ROOT, run_traction, write_content

from generator.render.markup import URL_SCHEMES, to_html
from generator.source.yamlsource import MAX_MARKDOWN_CHARS

# --- pathological Markdown --------------------------------------------------------------------

# (name, text, what the HTML must be or hold). Before the bounds: `[` * 8,000 took about
# 22 s, `![` * 4,000 11 s, `[a](` * 4,000 10 s, `<a ` * 10,000 20 s, `=` lines 7 s.
PATHOLOGICAL = [
    ("unclosed brackets", "[" * 8_000, "<p>" + "[" * 8_000 + "</p>"),
    ("unclosed images", "![" * 4_000, "<p>" + "![" * 4_000 + "</p>"),
    ("unclosed link targets", "[a](" * 4_000, "<p>" + "[a](" * 4_000 + "</p>"),
    ("unclosed tags", "<a " * 10_000, "<p>" + "&lt;a " * 10_000 + "</p>"),
]


@pytest.mark.parametrize(("name", "text", "expected"), PATHOLOGICAL,
                         ids=[case[0] for case in PATHOLOGICAL])
def test_pathological_markdown_renders_as_its_text(name: str, text: str, expected: str) -> None:
    assert to_html(text) == expected


def test_a_block_split_line_by_line_renders_every_line() -> None:
    """12,000 setext headings in one block: each split used to rescan the whole rest."""
    html_ = to_html("a\n=\n" * 12_000)
    assert html_.count("<h2>a</h2>") == 12_000


def test_nested_and_mixed_brackets_still_make_links() -> None:
    """The bounds keep every ordinary link: nested text, images in links, titles, parens."""
    assert to_html("[a [b] c](https://x.example/)") == (
        '<p><a href="https://x.example/" rel="noopener noreferrer">a [b] c</a></p>')
    assert to_html('[t](https://x.example/a_(b) "T")') == (
        '<p><a href="https://x.example/a_(b)" title="T" rel="noopener noreferrer">t</a></p>')
    assert to_html("[![logo](https://x.example/l.png)](https://x.example/)") == (
        '<p><a href="https://x.example/" rel="noopener noreferrer"></a></p>')  # img: dropped
    assert to_html("``a ` b``") == "<p><code>a ` b</code></p>"
    assert to_html("[r]\n\n[r]: https://x.example/r") == (
        '<p><a href="https://x.example/r" rel="noopener noreferrer">r</a></p>')


def test_very_long_link_targets_and_html_blocks_are_text() -> None:
    """Past the bounds (a 5,000-character destination) a link is text."""
    long_link = "[a](https://x.example/" + "b" * 5_000 + ")"
    assert "<a " not in to_html(long_link)
    assert to_html(long_link).startswith("<p>[a](https://x.example/bbb")
    assert to_html('<table title="' + "t" * 3_000 + '"><tr><td>x</td></tr></table>'
                   ).startswith("<p></p><table")  # inline HTML then, which nh3 cleans


def test_lists_nested_too_deep_for_the_parser_are_shown_as_text() -> None:
    """Python-Markdown recurses for each level; past Python's limit the text is shown."""
    html_ = to_html("1. " * 2_000)
    assert html_.startswith("<")
    assert html_.count("1.") + html_.count("<ol>") >= 2_000
    # the one converter every text shares is whole again for the next text
    assert to_html("after *that*, [a link](https://x.example/)") == (
        '<p>after <em>that</em>, <a href="https://x.example/" rel="noopener noreferrer">'
        "a link</a></p>")


def test_markdown_is_cut_at_the_limit() -> None:
    """The loader refuses longer text; the renderer never reads past the limit anyway."""
    assert to_html("a" * (MAX_MARKDOWN_CHARS + 500)) == "<p>" + "a" * MAX_MARKDOWN_CHARS + "</p>"


def _week(summary: str) -> str:
    return "week: 2026-W47\nsummary: |-\n" + "".join(
        f"  {line}\n" if line else "\n" for line in summary.split("\n"))


def test_a_summary_of_600000_brackets_fails_check_quickly(tmp_path: Path) -> None:
    """The reproducer: it made `traction build` run for hours. Now `check` refuses it at
    its place, in well under the subprocess timeout."""
    root = write_content(tmp_path / "content", weeks={"2026-W47": _week("[" * 600_000)})
    result = run_traction("check", "--content", str(root))
    assert result.returncode == 1
    assert (f"weeks/2026-W47.yaml:2:10: error: the summary is 600,000 characters of Markdown; "
            f"the limit is {MAX_MARKDOWN_CHARS:,}") in result.stdout + result.stderr


@pytest.mark.parametrize("unit", ["[", "<a x='>'"])
def test_the_worst_summary_under_the_limit_builds(tmp_path: Path, unit: str) -> None:
    """Content that passes check renders: a summary at the limit, of the worst patterns we
    found (each about 1-2 s for 64 KiB; they took hours before)."""
    summary = unit * (MAX_MARKDOWN_CHARS // len(unit))
    root = write_content(tmp_path / "content", weeks={"2026-W47": _week(summary)})
    out = tmp_path / "site"
    result = run_traction("build", "--content", str(root), "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = (out / "weeks" / "2026-W47" / "index.html").read_text("utf-8")
    shown = summary[:200].replace("'", "’")  # typographic apostrophes (smarty)
    assert html.escape(shown, quote=False) in page
    ET.fromstring((out / "feed.xml").read_bytes())


# --- hostile text everywhere: every XML, SVG and JSON output parses ---------------------------

HOSTILE = ('Q "quoted" \'single\' ]]> <![CDATA[x]]> & &amp; &#1; &#xFFFE; <b>bold</b> < > '
           "\u2028line\u2029para \u202etxet\u202c 😀 \x85nel \u00a0nbsp \\ `tick`")
HOSTILE_MARKDOWN = f"""{HOSTILE}

[the quote](https://x.example/"see (1))

[amp](https://x.example/?a=1&b=2 "t\\"i&tle") <https://x.example/?q=<>&>
*{HOSTILE}*

- {HOSTILE}

| a | b |
|---|---|
| ]]> | "&" |

    code ]]> & <
"""


def _yaml_text(text: str) -> str:
    """Hostile text as a double-quoted YAML scalar: escapes for what YAML would fold or
    refuse (backslash, quote, line breaks of every kind, NEL)."""
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\x85": "\\N", "\u2028": "\\L",
               "\u2029": "\\P"}
    return '"' + "".join(escapes.get(char, char) for char in text) + '"'


def hostile_content(root: Path) -> Path:
    text = _yaml_text(HOSTILE)
    config = f"""\
site:
  title: {text}
  url: https://example.org/site/
  description: {text}
company:
  name: {text}
  tagline: {text}
ladders: [zero-to-one, mine]
custom_ladders:
  - id: mine
    title: {text}
    summary: {text}
    milestones:
      - id: first-call
        title: {text}
        summary: {text}
        why: {_yaml_text(HOSTILE_MARKDOWN)}
        conditions: [{{metric: sales_calls_week, at_least: 1}}]
founders: [dana]
"""
    week = (f"week: 2026-W47\nsummary: {_yaml_text(HOSTILE_MARKDOWN)}\ncalls:\n"
            "  - {date: 2026-11-17, with: \"Jane ]]> & <Roe>\", notes: \"\\u2028 ]]>\"}\n")
    study = (f"---\ntitle: {text}\nsummary: {text}\ndate: 2026-11-18\n"
             f"tags: [{text}, {_yaml_text('<tag>&]]>')}]\n"
             f"results:\n  - {{metric: {text}, before: {text}, after: {text}}}\n---\n"
             f"{HOSTILE_MARKDOWN}\nraw \x01 control \x7f in the body\n")
    page = f"---\ntitle: {text}\nsummary: {text}\n---\n{HOSTILE_MARKDOWN}"
    return write_content(root, config=config, weeks={"2026-W47": week},
                         case_studies={"hostile": study}, pages={"hostile": page})


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    content = hostile_content(root / "content")
    out = root / "site"
    result = run_traction("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_every_xml_svg_and_json_output_parses(hostile_site: Path) -> None:
    files = sorted(p for p in hostile_site.rglob("*") if p.is_file())
    xml_files = [p for p in files if p.suffix in (".xml", ".svg")]
    json_files = [p for p in files if p.suffix == ".json"]
    assert {"feed.xml", "sitemap.xml", "badge.svg"} <= {p.name for p in xml_files}
    assert len(json_files) >= 2
    for path in xml_files:
        ET.fromstring(path.read_bytes())  # raises on anything not well-formed
    for path in json_files:
        json.loads(path.read_text("utf-8"))


def test_the_feed_parses_cleanly_and_holds_the_hostile_week(hostile_site: Path) -> None:
    feed = feedparser.parse((hostile_site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    week = next(e for e in feed.entries if e.link.endswith("/weeks/2026-W47/"))
    content = week.content[0].value
    assert 'href="https://x.example/&quot;see (1"' in content  # the reproducer's link
    assert "]]&gt;" in content and "\u202e" in content and "😀" in content
    assert '"quoted"' in feed.feed.title


def test_characters_xml_refuses_never_reach_an_output(hostile_site: Path) -> None:
    """`&#1;` in Markdown and raw controls in a page body: nh3 would emit them as they are."""
    forbidden = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    for path in hostile_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".svg", ".json", ".txt"):
            assert not forbidden.search(path.read_text("utf-8")), path


def test_private_text_of_the_hostile_call_is_nowhere(hostile_site: Path) -> None:
    for path in hostile_site.rglob("*"):
        if path.is_file():
            assert b"Roe" not in path.read_bytes(), path


def test_nul_and_escaped_controls_are_refused_by_the_loader(tmp_path: Path) -> None:
    root = write_content(tmp_path / "content", weeks={
        "2026-W46": 'week: 2026-W46\nsummary: "a\\0b"\n',
        "2026-W47": 'week: 2026-W47\ncalls:\n  - {date: 2026-11-17, notes: "x\\x01y"}\n'})
    (root / "weeks" / "2026-W48.yaml").write_bytes(b"week: 2026-W48\nsummary: a\x00b\n")
    result = run_traction("check", "--content", "content", cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert result.stdout.splitlines()[:6] == [
        "content/weeks/2026-W46.yaml:2:10: error: non-printable character U+0000 written as "
        "an escape",
        "  hint: remove the escape; an emoji is written as itself or as \\U0001F600, not as "
        "two \\u",
        "content/weeks/2026-W47.yaml:3:31: error: non-printable character U+0001 written as "
        "an escape",
        "  hint: remove the escape; an emoji is written as itself or as \\U0001F600, not as "
        "two \\u",
        "content/weeks/2026-W48.yaml:2:11: error: NUL byte in file",
        "  hint: remove the NUL character",
    ]


# --- hostile links: the allow-list decides ----------------------------------------------------

DISGUISED = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", " javascript:alert(1)", "\x01javascript:alert(1)",
    "jav&#x09;ascript:alert(1)", "jav&#9;ascript:alert(1)", "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)", "&#0000106;avascript:alert(1)", "javascript&colon;alert(1)",
    "javascript&#58;alert(1)", "javascript&#x3a;alert(1)", "java&Tab;script:alert(1)",
    "java&NewLine;script:alert(1)", "jav\u00adascript:alert(1)", "jav\u200bascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "DATA:text/html,x", "vbscript:msgbox(1)",
    "VBScript:msgbox(1)", "file:///etc/passwd", "blob:https://x.example/1",
    "&#x64;ata:text/html,x", "&#118;bscript:x", "java&#x0A;script:alert(1)",
]


def link_forms(url: str) -> list[str]:
    """A target written every way Markdown and raw HTML allow."""
    return [
        f"[x]({url})", f"[x](<{url}>)", f'[x]({url} "title")', f"[x][r]\n\n[r]: {url}",
        f"[x]\n\n[x]: <{url}>", f"<{url}>", f"![x]({url})", f"![x][i]\n\n[i]: {url}",
        f'<a href="{url}">x</a>', f"<a href='{url}'>x</a>", f"<a href={url}>x</a>",
        f'<img src="{url}">', f'<a title="t" href="{url}" >x</a>',
        f'<p>inline <a href="{url}">x</a> html</p>', f"*em [x]({url}) em*",
    ]


class _Targets(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.targets += [value or "" for name, value in attrs
                         if name in ("href", "src", "action", "formaction", "xlink:href")]

    handle_startendtag = handle_starttag


def bad_targets(markup: str) -> list[str]:
    """Every href or src whose scheme, read leniently, is not on the allow-list."""
    parser = _Targets()
    parser.feed(markup)
    bad = []
    for target in parser.targets:
        plain = re.sub(r"[\s\x00-\x1f\x7f]", "", html.unescape(target)).casefold()
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", plain)
        if scheme and scheme[1] not in URL_SCHEMES:
            bad.append(target)
    return bad


def test_the_target_check_fires() -> None:
    assert bad_targets('<a href="java&#9;script:x">a</a><img src=" DATA:x">') == [
        "java\tscript:x", " DATA:x"]
    assert bad_targets('<a href="https://x.example/">a</a><a href="/about/">b</a>') == []


@pytest.mark.parametrize("url", DISGUISED)
def test_no_disguised_scheme_reaches_an_href_or_src(url: str) -> None:
    for text in link_forms(url):
        markup = to_html(text)
        assert bad_targets(markup) == [], (text, markup)


def test_allowed_schemes_and_relative_links_are_kept() -> None:
    for url in ("https://x.example/a", "http://x.example/", "mailto:a@x.example",
                "tel:+4930123", "/about/", "../up/", "#top"):
        assert f'href="{url}"' in to_html(f"[x]({url})"), url


def test_text_that_reads_like_an_attribute_is_kept_as_text() -> None:
    assert to_html('write href="javascript:x" to break it') == (
        "<p>write href=”javascript:x” to break it</p>")  # smarty: a closing quote after =


def test_no_disguised_scheme_in_the_built_site(hostile_site: Path) -> None:
    for path in hostile_site.rglob("*.html"):
        assert bad_targets(path.read_text("utf-8")) == [], path


def test_the_badge_snippet_of_a_hostile_title_is_one_markdown_image_link(
        hostile_site: Path) -> None:
    """Brackets, backslashes, backticks and markup in a milestone title are escaped in the
    Markdown to paste (CommonMark escapes any ASCII punctuation), so the snippet stays one
    image inside one link, and its alt text reads as the title."""
    import html

    page = (hostile_site / "milestones" / "first-call" / "index.html").read_text("utf-8")
    snippets = [html.unescape(code) for code in re.findall(
        r'<pre class="snippet"><code>(.*?)</code></pre>', page, re.S)]
    assert len(snippets) == 2
    for snippet in snippets:
        match = re.fullmatch(r"\[!\[((?:\\.|[^\]\\])*)\]\(([^()\s]+)\)\]\(([^()\s]+)\)",
                             snippet, re.S)
        assert match, snippet
        alt = re.sub(r"\\(.)", r"\1", match[1], flags=re.S)
        assert alt == HOSTILE + ": achieved"
        assert match[3] == "https://example.org/site/milestones/first-call/"
