"""The privacy boundary, tested from the outside: the canary test.

A content tree plants a unique canary in every private field (call contacts and
notes, account and list notes, amounts, the names and ids of accounts that are
not `public: true`, drafts), plus hostile Markdown. The real command builds it
and every output file is scanned raw and decoded: HTML entities, JSON escapes,
URL encoding, case-folded, digit groups joined. Nothing may leak. Positive
controls prove the scanner and the build do show what is public.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import run_traction, write_content

# --- the canaries ------------------------------------------------------------------------

CALL_WITH = "Zelda Quokkaperson, Quokkaglobex"
CALL_NOTES = "canary call notes xyzzy-one"
ACCOUNT_NOTE = "canary account note xyzzy-two"
LIST_NOTE = "canary list note xyzzy-three"
IMPORT_REF = "stripe:ch_canaryref-xyzzy-four"  # where `traction import` took an entry from
SECRET_NAME = "Canary Corp Name"
SECRET_ID = "zzsecretacct"  # an account that is not public: its id is a name too
PAID_AMOUNT = "876543.21"  # paid, interval month: also the MRR
SPEND_AMOUNT = "987654.321"  # spend of a scalable source
CAC = "493827"  # spend / 2 wins: a derived amount
LIST_PRICE = "654321.5"
DRAFT_STUDY = ("draft-quokka-study", "Draft Canary Title qq-one", "draft canary body qq-two")
DRAFT_PAGE = ("draft-quokka-page", "Draft Canary Page qq-three", "draft page body qq-four")
MARKDOWN_CANARY = "xss-comment-canary"  # inside an HTML comment

TEXT_CANARIES = [CALL_WITH, "Quokkaperson", "Quokkaglobex", CALL_NOTES, ACCOUNT_NOTE, LIST_NOTE,
                 IMPORT_REF, SECRET_NAME, SECRET_ID, MARKDOWN_CANARY, *DRAFT_STUDY, *DRAFT_PAGE]
NUMBER_CANARIES = [PAID_AMOUNT, SPEND_AMOUNT, CAC, LIST_PRICE]

PUBLIC_NAME = "Openly Named Ltd"

HOSTILE_MARKDOWN = f"""
Hello **world**, a [safe link](https://example.com/ok).

<script>alert('xss-script')</script>
<img src="x" onerror="alert('xss-onerror')">
<a href="javascript:alert('xss-link')">click</a>
<a href="JaVaScRiPt:alert(1)" onclick="alert(2)">mixed case</a>
<a href=" javascript:alert(1)">leading space</a>
<a href="jav&#x61;script:alert(1)">entity</a>
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>
[md link](javascript:alert(3))
[md link2](JAVASCRIPT:alert(4))
<!-- {MARKDOWN_CANARY} -->
<div onmouseover="alert(5)">hover</div>
<svg onload="alert(6)"><script>alert(7)</script></svg>
<iframe src="https://evil.example/"></iframe>
<style>body {{ display: none }}</style>
<form action="https://evil.example/"><input name=x></form>

```html
<script>this is code, shown escaped</script>
```
"""


def canary_config(show_revenue: bool) -> dict[str, Any]:
    return {
        "site": {"title": "Privacy Test Site", "url": "https://example.org/site/",
                 "description": "A site to test the privacy boundary"},
        "company": {"name": "Privacy Test Co", "tagline": "Testing privacy"},
        "ladders": ["zero-to-one", "micro-traction", "revenue"],
        "custom_ladders": [{"id": "revenue", "title": "Revenue", "milestones": [
            {"id": "first-revenue", "title": "First revenue",
             "conditions": [{"metric": "mrr", "at_least": 1}]}]}],
        "founders": ["dana"],
        "sources": {"cold-email": {"scalable": True, "max_cac": 5000000}},
        "accounts": {SECRET_ID: {"name": SECRET_NAME, "public": False},
                     "openco": {"name": PUBLIC_NAME, "public": True}},
        "privacy": {"show_revenue": show_revenue},
    }


def canary_weeks() -> dict[str, dict[str, Any]]:
    return {
        "2026-W10": {
            "week": "2026-W10", "summary": "First week: five calls.",
            "calls": [{"date": f"2026-03-0{d}", "with": CALL_WITH, "notes": CALL_NOTES,
                       "account": SECRET_ID, "type": "sales", "ref": f"{IMPORT_REF}-{d}"}
                      for d in range(2, 7)],
            "accounts": [
                {"id": "openco", "event": "qualified", "date": "2026-03-02",
                 "source": "cold-email", "owner": "dana", "note": ACCOUNT_NOTE},
                {"id": SECRET_ID, "event": "qualified", "date": "2026-03-03",
                 "source": "cold-email", "owner": "dana"},
            ],
        },
        "2026-W11": {
            "week": "2026-W11", "summary": HOSTILE_MARKDOWN,
            "calls": [{"date": "2026-03-09", "with": CALL_WITH, "notes": CALL_NOTES,
                       "type": "demo", "status": "no-show"}],
            "accounts": [
                {"id": "openco", "event": "won", "date": "2026-03-09"},
                {"id": "openco", "event": "paid", "date": "2026-03-09"},
                {"id": SECRET_ID, "event": "won", "date": "2026-03-10"},
                {"id": SECRET_ID, "event": "paid", "date": "2026-03-10",
                 "amount": float(PAID_AMOUNT), "interval": "month", "ref": IMPORT_REF},
                {"id": SECRET_ID, "event": "hell-yes", "date": "2026-03-11",
                 "note": ACCOUNT_NOTE},
            ],
            "list": {"subscribers": 10, "events": [
                {"date": "2026-03-09", "type": "question", "note": LIST_NOTE},
                {"date": "2026-03-10", "type": "sale", "price": float(LIST_PRICE),
                 "product": "Workbook", "note": LIST_NOTE},
                {"date": "2026-03-11", "type": "inquiry"},
            ]},
            "spend": [{"source": "cold-email", "amount": float(SPEND_AMOUNT)}],
        },
        "2026-W12": {"week": "2026-W12", "summary": "Third week, quiet.",
                     # an amount pinned by an assertion is as private as the one it pins
                     "assert": [{"date": "2026-03-15", "mrr": float(PAID_AMOUNT)}]},
    }


def canary_case_studies() -> dict[str, str]:
    slug, title, body = DRAFT_STUDY
    return {
        "secret-customer": ("---\ntitle: How an unnamed customer got to hell yes\n"
                            f"summary: A story\ncustomer: {SECRET_ID}\ndate: 2026-03-12\n"
                            "results:\n  - {metric: Wait, before: 2 h, after: 30 min}\n"
                            "---\n" + HOSTILE_MARKDOWN),
        "open-customer": ("---\ntitle: Open customer story\ncustomer: openco\n"
                          "date: 2026-03-13\n---\nBody of the open story.\n"),
        slug: f"---\ntitle: {title}\ncustomer: {SECRET_ID}\ndraft: true\n---\n{body}\n",
    }


def canary_pages() -> dict[str, str]:
    slug, title, body = DRAFT_PAGE
    return {
        slug: f"---\ntitle: {title}\ndraft: true\n---\n{body}\n",
        "about": "---\ntitle: About us\norder: 1\n---\nWe build things.\n",
    }


def build_canary_site(root: Path, show_revenue: bool = False) -> Path:
    content = write_content(root / "content", config=canary_config(show_revenue),
                            weeks=canary_weeks(), case_studies=canary_case_studies(),
                            pages=canary_pages())
    out = root / "site"
    result = run_traction("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_canary_site(tmp_path_factory.mktemp("canary"))


@pytest.fixture(scope="module")
def revenue_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_canary_site(tmp_path_factory.mktemp("revenue"), show_revenue=True)


# --- the scanner -----------------------------------------------------------------------------

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_DIGIT_GROUPING = re.compile(r"(?<=\d)[,\s'_\u00a0\u2009\u202f](?=\d)")


def decoded_forms(path: str, data: bytes) -> Iterator[str]:
    """The file's text as written and as every reader might decode it, case-folded."""
    text = data.decode("utf-8", errors="replace")  # (a binary asset is scanned as text too)
    forms = [text]
    if path.endswith(".json"):
        forms.append(json.dumps(json.loads(text), ensure_ascii=False))
    forms.append(_UNICODE_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text))
    for form in list(forms):
        unescaped = html.unescape(form)
        forms += [unescaped, html.unescape(unescaped), urllib.parse.unquote(form),
                  urllib.parse.unquote_plus(unescaped), html.unescape(urllib.parse.unquote(form))]
    for form in forms:
        folded = form.casefold()
        yield folded
        yield _DIGIT_GROUPING.sub("", folded)


def number_needles(number: str) -> list[str]:
    """An amount as it could be printed: whole part alone is enough to leak."""
    whole, _, fraction = number.partition(".")
    needles = [whole, number]
    if fraction:
        needles.append(f"{whole}.{fraction[:2]}")
    return needles


def leaks(files: dict[str, bytes], texts: list[str], numbers: list[str]) -> list[str]:
    needles = [t.casefold() for t in texts]
    needles += [n for number in numbers for n in number_needles(number)]
    found = []
    for path, data in sorted(files.items()):
        forms = list(decoded_forms(path, data))
        found += [f"{path}: {needle!r}" for needle in needles
                  if any(needle in form for form in forms)]
    return found


def read_site(out: Path) -> dict[str, bytes]:
    files = {p.relative_to(out).as_posix(): p.read_bytes()
             for p in sorted(out.rglob("*")) if p.is_file()}
    assert files, "the build wrote nothing"
    return files


def test_the_scanner_finds_encoded_canaries() -> None:
    """A scanner that never fires would pass anything."""
    encoded = {
        "a.html": b"<p>Canary Corp&#32;Name</p>",
        "b.html": b"<p>&lt;b&gt;CANARY%20CORP%20NAME</p>",
        "c.json": b'{"x": "Canary Corp \\u004eame"}',
        "d.xml": "<x>caNary corp na\u1e3fe canary corp name</x>".encode(),
        "e.html": b"<td>876,543.21</td>",
        "f.svg": b"<text>876\xe2\x80\xaf543</text>",
        "g.json": b'{"v": 876543.2}',
        "h.html": b"<a href='/x?q=Canary+Corp+Name'>",
    }
    found = leaks(encoded, [SECRET_NAME], [PAID_AMOUNT])
    assert sorted({line.split(":")[0] for line in found}) == sorted(encoded)
    assert leaks({"ok.html": b"<p>Customer 1 pays 12,345</p>"}, [SECRET_NAME], [PAID_AMOUNT]) == []


# --- the canary test ---------------------------------------------------------------------------


def test_no_private_value_in_any_output_file(site: Path) -> None:
    files = read_site(site)
    assert {"index.html", "progress.json", "feed.xml", "sitemap.xml", "badge.json", "badge.svg",
            "weeks/2026-W11/index.html", "case-studies/secret-customer/index.html"} <= set(files)
    assert leaks(files, TEXT_CANARIES, NUMBER_CANARIES) == []


def test_drafts_appear_nowhere(site: Path) -> None:
    files = read_site(site)
    for slug, _, _ in (DRAFT_STUDY, DRAFT_PAGE):
        assert not any(slug in path for path in files)
    assert leaks(files, [*DRAFT_STUDY, *DRAFT_PAGE], []) == []
    # the published ones are there, so the check above is not vacuous
    assert "case-studies/open-customer/index.html" in files
    assert "about/index.html" in files
    sitemap = files["sitemap.xml"].decode()
    assert "https://example.org/site/case-studies/open-customer/" in sitemap
    assert "https://example.org/site/about/" in sitemap


def test_non_public_account_shown_only_by_alias(site: Path) -> None:
    page = (site / "case-studies" / "secret-customer" / "index.html").read_text("utf-8")
    assert re.search(r"\bCustomer \d+\b", page), "the customer is shown by an alias"
    index = (site / "case-studies" / "index.html").read_text("utf-8")
    assert re.search(r"\bCustomer \d+\b", index)
    for text in (page, index):
        assert SECRET_ID not in text and SECRET_NAME not in text


def test_public_account_named(site: Path) -> None:
    """Positive control: a `public: true` account's name does reach its case study."""
    page = (site / "case-studies" / "open-customer" / "index.html").read_text("utf-8")
    assert PUBLIC_NAME in page
    assert leaks({"open.html": page.encode()}, [PUBLIC_NAME], []) != []


def test_the_aliases_are_stable(tmp_path: Path, site: Path) -> None:
    again = build_canary_site(tmp_path)
    assert read_site(again) == read_site(site)


# --- sanitised Markdown ----------------------------------------------------------------------

_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def markup_problems(text: str) -> list[str]:
    """What must never be in an HTML document built from user Markdown."""
    problems = []
    folded = text.casefold()
    for needle in ("<script", "javascript:", "<!--", "<iframe", "evil.example",
                   "body { display: none }"):
        if needle in folded:
            problems.append(f"contains {needle!r}")
    if _HANDLER.search(text):
        problems.append(f"event handler attribute: {_HANDLER.search(text)[0]!r}")
    parser = _Attributes()
    parser.feed(text)
    for tag, attrs in parser.tags:
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...>")
            cleaned = re.sub(r"[\s\x00-\x1f]", "", (value or "")).casefold()
            if name in ("href", "src", "action", "formaction", "xlink:href") and cleaned.startswith(
                    _DANGEROUS_SCHEMES):
                problems.append(f"<{tag} {name}={value!r}>")
    return problems


def test_the_markup_check_fires() -> None:
    bad = ('<p><a href=" JavaScript:alert(1)">x</a><img src=x ONERROR=alert(1)>'
           "<!-- c --><script>x</script></p>")
    problems = markup_problems(bad)
    assert len(problems) >= 5, problems
    assert markup_problems('<p><a href="https://example.com/">ok</a> once=1</p>') == []


def test_no_script_handler_or_comment_in_any_html(site: Path) -> None:
    files = read_site(site)
    pages = {path: data.decode() for path, data in files.items() if path.endswith(".html")}
    assert len(pages) > 10
    found = {path: markup_problems(text) for path, text in pages.items()}
    assert {path: p for path, p in found.items() if p} == {}


def test_the_hostile_markdown_was_rendered_not_dropped(site: Path) -> None:
    """The sanitiser keeps the harmless part: the page is not just empty."""
    for path in ("weeks/2026-W11/index.html", "case-studies/secret-customer/index.html"):
        page = (site / path).read_text("utf-8")
        assert "<strong>world</strong>" in page
        assert 'href="https://example.com/ok"' in page
        # fenced code is shown, escaped
        assert "&lt;script&gt;this is code, shown escaped&lt;/script&gt;" in page


def test_feed_html_content_is_sanitised(site: Path) -> None:
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    contents = [element.text or "" for element in feed.iterfind(".//atom:content", ns)]
    assert any("<strong>world</strong>" in c for c in contents), "the hostile week is in the feed"
    assert {element.get("type") for element in feed.iterfind(".//atom:content", ns)} == {"html"}
    for text in contents:  # (summaries are type text: shown literally by readers)
        assert markup_problems(text) == []


def test_feed_and_json_are_well_formed(site: Path) -> None:
    ET.fromstring((site / "feed.xml").read_bytes())
    ET.fromstring((site / "sitemap.xml").read_bytes())
    for path in site.rglob("*.json"):
        json.loads(path.read_text("utf-8"))
    for path in site.rglob("*.svg"):
        ET.fromstring(path.read_bytes())


# --- amounts ---------------------------------------------------------------------------------


def _money_measures(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{m['id']}/{x['name']}": x
            for ladder in document["ladders"] for m in ladder["milestones"]
            for x in m["measures"] if x["name"] == "mrr" or "cost per win" in x["name"]}


def test_amounts_hidden_from_progress_json_and_badges(site: Path) -> None:
    files = read_site(site)
    document = json.loads(files["progress.json"])
    money = _money_measures(document)
    assert money, "the canary ladder has money measures"
    assert all(x["value"] is None and x["target"] is None for x in money.values()), money
    badges = {p: d for p, d in files.items() if "badge" in p.rsplit("/", 1)[-1]}
    assert len(badges) >= 4
    checked = {"progress.json": files["progress.json"], **badges}
    assert leaks(checked, [], NUMBER_CANARIES) == []


def test_show_revenue_publishes_amounts_and_nothing_else(revenue_site: Path) -> None:
    """Positive control for the amounts: with show_revenue they are found by the scanner."""
    files = read_site(revenue_site)
    document = json.loads(files["progress.json"])
    values = {x["value"] for x in _money_measures(document).values()}
    assert float(PAID_AMOUNT) in values
    assert leaks(files, [], [PAID_AMOUNT]) != []
    assert leaks(files, TEXT_CANARIES, []) == []


def test_progress_toward_an_amount_does_not_reveal_it(tmp_path: Path) -> None:
    """MRR ≥ 10,000,000 at 8.77% of the way is an MRR of 877k: without show_revenue a money
    milestone shows only whether it is achieved."""
    config = canary_config(show_revenue=False)
    config["custom_ladders"][0]["milestones"][0]["conditions"][0]["at_least"] = 10_000_000
    content = write_content(tmp_path / "content", config=config, weeks=canary_weeks())
    out = tmp_path / "site"
    result = run_traction("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0, result.stderr
    document = json.loads((out / "progress.json").read_text("utf-8"))
    [revenue] = [m for ladder in document["ladders"] for m in ladder["milestones"]
                 if m["id"] == "first-revenue"]
    assert revenue["status"] == "in_progress"
    assert revenue["progress"] == 0.0
    page = (out / "milestones" / "first-revenue" / "index.html").read_text("utf-8")
    assert not re.search(r"\b(8|9)%", page)
    files = read_site(out)
    assert leaks(files, ["0.0877", "0.0876"], NUMBER_CANARIES) == []


# --- messages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_private_text_read_as_a_key_is_not_in_any_check_message(tmp_path: Path, fmt: str
                                                                 ) -> None:
    """`KanaryTok Corp: CEO` on its own line under a call (block style), a duplicate and a
    non-text key there: `check` names the place in every format, never the text."""
    week = ("week: 2026-W10\ncalls:\n  - date: 2026-03-02\n    with: Zelda Quokkaperson\n"
            "    KanaryTok Corp: CEO\n")
    weeks = {"2026-W10": week,
             "2026-W11": "week: 2026-W11\nspend:\n  - source: ads\n    amount: 5\n"
                         "    KanaryTok: 1\n    KanaryTok: 2\n",
             "2026-W12": "week: 2026-W12\naccounts:\n  - id: a\n    event: qualified\n"
                         "    date: 2026-03-16\n    2026-03-16: KanaryTok\n"}
    content = write_content(tmp_path / "content", config=canary_config(False), weeks=weeks)
    result = run_traction("check", "--content", str(content), "--format", fmt)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "kanarytok" not in output.casefold() and "quokka" not in output.casefold()
    assert "2026-W10.yaml" in output and "2026-W11.yaml" in output and "2026-W12.yaml" in output
    if fmt == "text":
        assert "weeks/2026-W10.yaml:5:5: error: unknown key (its text is not repeated" in output
