"""The site works under a sub-path, as GitHub project pages serve it (`https://user.github.io/repo/`).

The demo is built with `--base-url http://127.0.0.1:PORT/repo/` and served from
`/repo/` only (anything else is a 404, like a neighbouring repository). Every
internal link and asset of every page, and every link of the feed and the
sitemap, must answer 200 without a redirect.
"""

from __future__ import annotations

import http.client
import http.server
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from conftest import DEMO
from sitetools import build, build_ok, links_of

PREFIX = "/repo/"


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the directory at /repo/ and nothing else."""

    def _rewrite(self) -> bool:
        path = urlsplit(self.path).path
        if not path.startswith(PREFIX):
            self.send_error(404, "outside /repo/")
            return False
        self.path = "/" + self.path[len(PREFIX):]
        return True

    def do_GET(self) -> None:
        if self._rewrite():
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._rewrite():
            super().do_HEAD()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(base URL, site directory): the demo built for and served under /repo/."""
    out = tmp_path_factory.mktemp("subpath") / "site"
    out.mkdir()
    handler = partial(SubPathHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
        build_ok(DEMO, out, "--base-url", base)
        yield base, out
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def page_url(base: str, out: Path, path: Path) -> str:
    relative = path.relative_to(out).as_posix()
    return base + relative.removesuffix("index.html")


def test_the_server_only_serves_the_sub_path(served: tuple[str, Path]) -> None:
    base, _ = served
    assert fetch(base)[0] == 200
    root = base.removesuffix(PREFIX) + "/"
    assert fetch(root)[0] == 404
    assert fetch(root + "assets/style.css")[0] == 404
    assert fetch(base + "no-such-page/")[0] == 404


def test_every_internal_link_and_asset_resolves(served: tuple[str, Path]) -> None:
    base, out = served
    origin = base.removesuffix(PREFIX)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 30
    targets: dict[str, str] = {}  # url -> first page that links to it
    external_assets = []
    stylesheets = 0
    for path in pages:
        url = page_url(base, out, path)
        for tag, attribute, value in links_of(path.read_text("utf-8")):
            absolute = urljoin(url, value)
            if urlsplit(absolute).scheme not in ("http", "https"):
                assert urlsplit(absolute).scheme == "mailto", f"{url}: {value}"
                continue
            if not absolute.startswith(origin + "/"):
                if attribute != "href" or tag == "link":
                    external_assets.append(f"{url}: <{tag} {attribute}={value}>")
                continue
            if tag == "link" and value.endswith(".css"):
                stylesheets += 1
            targets.setdefault(urldefrag(absolute)[0], url)
    assert external_assets == [], "no third-party requests"
    assert stylesheets >= len(pages), "every page links its stylesheet"
    assert len(targets) > 30
    broken = []
    for target, source in sorted(targets.items()):
        status, _ = fetch(target)
        if status != 200:
            broken.append(f"{source} -> {target}: {status}")
        if not target.startswith(base):
            broken.append(f"{source} -> {target}: outside {PREFIX}")
    assert broken == []


def test_the_stylesheet_is_served(served: tuple[str, Path]) -> None:
    base, out = served
    [css] = [value for tag, _, value in links_of((out / "index.html").read_text("utf-8"))
             if tag == "link" and value.endswith(".css")]
    assert css.startswith(PREFIX)
    status, body = fetch(urljoin(base, css))
    assert status == 200 and body.strip()


def test_fragment_links_point_at_existing_ids(served: tuple[str, Path]) -> None:
    _, out = served
    missing = []
    for path in sorted(out.rglob("*.html")):
        text = path.read_text("utf-8")
        for _, attribute, value in links_of(text):
            fragment = attribute == "href" and value.startswith("#") and len(value) > 1
            if fragment and f'id="{value[1:]}"' not in text:
                missing.append(f"{path.relative_to(out)}: {value}")
    assert missing == []


def test_feed_and_sitemap_links_are_under_the_sub_path(served: tuple[str, Path]) -> None:
    base, out = served
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring((out / "feed.xml").read_bytes())
    links = [link.get("href") or "" for link in feed.iter(f"{atom}link")]
    ids = [element.text or "" for element in feed.iter(f"{atom}id")]
    assert len(links) > 10
    sitemap = ET.fromstring((out / "sitemap.xml").read_bytes())
    locs = [loc.text or "" for loc in sitemap.iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) > 10
    robots = (out / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {base}sitemap.xml" in robots.splitlines()
    for url in [*links, *ids, *locs]:
        assert url.startswith(base), url
    for url in sorted({urldefrag(u)[0] for u in [*links, *locs]}):
        assert fetch(url)[0] == 200, url


# `traction build --base-url /`: a preview that any static server at the output folder
# serves, as `python -m http.server` does, whatever sub-path `site.url` has.

class RootHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(origin URL ending with /, site directory): the demo built with `--base-url /` and
    served from the root by the standard library's static server."""
    out = tmp_path_factory.mktemp("preview") / "site"
    build_ok(DEMO, out, "--base-url", "/")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(RootHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", out
    finally:
        server.shutdown()
        server.server_close()


def test_a_root_preview_works_from_a_plain_static_server(preview: tuple[str, Path]) -> None:
    origin, _ = preview
    status, home = fetch(origin)
    assert status == 200
    links = links_of(home.decode("utf-8"))
    [css] = [v for tag, _, v in links if tag == "link" and v.endswith(".css")]
    milestone = next(v for tag, _, v in links if tag == "a" and "/milestones/" in v
                     and v != "/milestones/")
    week = next(v for tag, _, v in links if tag == "a" and "/weeks/20" in v)
    # site.url of the demo has a sub-path (/progress/); the preview's links do not
    assert css == "/assets/style.css"
    for link in (css, milestone, week):
        status, body = fetch(urljoin(origin, link))
        assert status == 200, link
        assert body.strip()
    # every internal link of the home page answers too
    broken = [v for tag, attribute, v in links if attribute == "href" and v.startswith("/")
              and fetch(urljoin(origin, urldefrag(v)[0]))[0] != 200]
    assert broken == []


def test_a_root_preview_keeps_the_published_urls_absolute(preview: tuple[str, Path]) -> None:
    """Canonical URLs, the feed, the sitemap and progress.json name the published site,
    not the preview: a preview never publishes 127.0.0.1, and feed ids never change."""
    _, out = preview
    published = "https://baywise-hq.github.io/progress/"
    home = (out / "index.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{published}">' in home
    feed = ET.fromstring((out / "feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    assert all((e.text or "").startswith(published) for e in feed.iter(f"{atom}id"))
    assert f"Sitemap: {published}sitemap.xml" in (out / "robots.txt").read_text("utf-8")


def test_a_base_url_that_is_neither_a_url_nor_a_path_is_refused(tmp_path: Path) -> None:
    for bad in ("repo/", "//evil.example/", "/a b/"):
        result = build(DEMO, tmp_path / "out", "--base-url", bad)
        assert result.returncode == 2  # a usage error
        assert "--base-url" in result.stderr + result.stdout
        assert not (tmp_path / "out" / "index.html").exists()


def test_the_404_page_has_no_canonical_url(served: tuple[str, Path]) -> None:
    """It is served at whatever path was missing; every other page has one (and og:url)."""
    _, out = served
    missing = (out / "404.html").read_text("utf-8")
    assert 'rel="canonical"' not in missing and "og:url" not in missing
    other = (out / "milestones" / "index.html").read_text("utf-8")
    assert 'rel="canonical"' in other and "og:url" in other
