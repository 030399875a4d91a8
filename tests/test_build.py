"""`traction build` (SPEC §5, issue point 5): atomic, no stale files, reproducible, safe output
directory, slug collisions, theme overrides, and the machine-readable outputs."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import jsonschema
import pytest
from builders import day, spread
from conftest import ROOT, run_traction, write_content
from sitetools import (
    build,
    build_ok,
    cli,
    links_of,
    small_config,
    small_content,
    snapshot,
)

from generator.output import writer

SCHEMA = ROOT / "generator" / "public" / "schemas" / "progress.schema.json"
SITE_URL = "https://acme.github.io/progress/"


def temp_dirs(parent: Path) -> list[str]:
    """Leftovers of the atomic writer next to the output directory."""
    return sorted(p.name for p in parent.iterdir() if ".new-" in p.name or ".old-" in p.name)


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """(content, out) with a good build already in out."""
    content = small_content(tmp_path / "content")
    out = tmp_path / "public" / "site"
    build_ok(content, out)
    return content, out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good build, shared by the tests that only read it; the content has drafts."""
    root = tmp_path_factory.mktemp("built")
    content = small_content(root / "content")
    (content / "pages" / "secret.md").write_text("---\ntitle: S\ndraft: true\n---\nS\n", "utf-8")
    (content / "case-studies" / "hidden.md").write_text(
        "---\ntitle: H\ndraft: true\n---\nH\n", "utf-8")
    build_ok(content, root / "site")
    return root / "site"


# --- atomic builds ---------------------------------------------------------------------------


def test_a_content_error_leaves_the_previous_site_untouched(site: tuple[Path, Path]) -> None:
    content, out = site
    before = snapshot(out)
    assert "index.html" in before
    week = content / "weeks" / "2026-W12.yaml"
    week.write_text(week.read_text("utf-8") + "mood: great\n", "utf-8")
    result = build(content, out)
    assert result.returncode == 1
    assert "weeks/2026-W12.yaml:" in result.stderr
    assert snapshot(out) == before
    assert temp_dirs(out.parent) == []


def build_with_week_template(content: Path, out: Path, template: str
                             ) -> subprocess.CompletedProcess[str]:
    """Build with a theme_dir whose week.html is `template`."""
    (content / "theme" / "templates").mkdir(parents=True)
    (content / "theme" / "templates" / "week.html").write_text(template, "utf-8")
    write_content(content, config=small_config(theme_dir="theme"))
    return build(content, out)


@pytest.mark.parametrize(("template", "line"), [
    ("{% extends 'base.html' %}\n{% block content %}\n\n{% if %}{% endblock %}\n", 4),
    ("{% extends 'base.html' %}\n{% block content %}\n{{ no_such_variable }}\n"
     "{% endblock %}\n", 3),
    ("{% extends 'base.html' %}\n{% block content %}\n<p>\n\n{{ week.no_such_field.x }}"
     "</p>{% endblock %}\n", 5),
    ("\n{% include 'missing.html' %}\n", None),
], ids=["syntax", "undefined-variable", "undefined-attribute", "missing-include"])
def test_a_broken_theme_leaves_the_previous_site_untouched(site: tuple[Path, Path],
                                                           template: str, line: int | None
                                                           ) -> None:
    content, out = site
    before = snapshot(out)
    result = build_with_week_template(content, out, template)
    assert result.returncode == 1, result.stderr
    assert "theme error" in result.stderr
    if line is not None:
        assert f"theme/templates/week.html:{line}:" in result.stderr, "file:line of the template"
    assert snapshot(out) == before
    assert temp_dirs(out.parent) == []


@pytest.mark.parametrize(("template", "line", "message"), [
    ("{% extends 'base.html' %}\n{% block content %}\n\n<p>{{ 1 // 0 }}</p>\n"
     "{% endblock %}\n", 4, "ZeroDivisionError"),
    ("{% extends 'base.html' %}\n{% block content %}\n{{ site.company(1) }}\n"
     "{% endblock %}\n", 3, "not callable"),
    ("{% extends 'base.html' %}\n{% block content %}\n\n\n{{ none | pct }}\n"
     "{% endblock %}\n", 5, "TypeError"),
    ("{% extends 'base.html' %}\n{% block content %}\n{{ week.label | date }}"
     "{% endblock %}\n", 3, "AttributeError"),
], ids=["zero-division", "not-callable", "filter-type-error", "filter-attribute-error"])
def test_a_theme_raising_at_render_time_is_a_theme_error(site: tuple[Path, Path], template: str,
                                                         line: int, message: str) -> None:
    content, out = site
    before = snapshot(out)
    result = build_with_week_template(content, out, template)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"theme/templates/week.html:{line}:" in result.stderr, result.stderr
    assert "theme error" in result.stderr and message in result.stderr
    assert snapshot(out) == before
    assert temp_dirs(out.parent) == []


def test_each_page_is_on_disk_as_soon_as_it_is_rendered(
        site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A build holds the paths of its pages in memory, not their bytes (a 50-year log makes
    thousands): each goes to the staging folder when it is rendered."""
    from generator import pipeline
    from generator.render import pages

    content, out = site
    staged_before: list[int] = []
    real_render = pages._render

    def render(*args: Any, **kwargs: Any) -> bytes:
        staged_before.append(sum(len([f for f in staging.rglob("*") if f.is_file()])
                                 for staging in out.parent.glob(".site.new-*")))
        return real_render(*args, **kwargs)

    monkeypatch.setattr(pages, "_render", render)
    result = pipeline.build(content, out)
    assert result.ok
    assert staged_before[0] == 0 and staged_before[-1] >= len(staged_before) - 2
    assert staged_before == sorted(staged_before)
    assert temp_dirs(out.parent) == []


def test_a_failure_while_writing_leaves_the_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    writer.write_site({"index.html": b"old", "weeks/index.html": b"old weeks"}, out)
    before = snapshot(out)
    # "a" is written as a file, then "a/b" needs "a" to be a folder: the write fails half-way
    with pytest.raises(writer.OutputError):
        writer.write_site({"index.html": b"new", "a": b"file", "a/b": b"under a file"}, out)
    assert snapshot(out) == before
    assert temp_dirs(tmp_path) == []


def test_a_failure_while_swapping_restores_the_previous_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    writer.write_site({"index.html": b"old"}, out)
    before = snapshot(out)
    real_rename = Path.rename

    def rename(self: Path, target: Path) -> Path:  # the swap-in of the new site fails
        if ".new-" in self.name:
            raise OSError("disk full")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(writer.OutputError, match="disk full"):
        writer.write_site({"index.html": b"new"}, out)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert temp_dirs(tmp_path) == []


def test_a_good_rebuild_replaces_the_site_and_leaves_no_temp_dirs(site: tuple[Path, Path]) -> None:
    content, out = site
    build_ok(content, out)
    assert (out / "index.html").is_file()
    assert temp_dirs(out.parent) == []
    assert oct((out / "weeks").stat().st_mode & 0o777) == oct(0o755)
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)


# --- no stale files --------------------------------------------------------------------------


def test_no_stale_files(site: tuple[Path, Path]) -> None:
    content, out = site
    assert (out / "weeks" / "2026-W12" / "index.html").is_file()
    assert (out / "case-studies" / "initech" / "index.html").is_file()
    (content / "weeks" / "2026-W12.yaml").unlink()
    (content / "case-studies" / "initech.md").unlink()
    build_ok(content, out)
    assert not (out / "weeks" / "2026-W12").exists()
    assert not (out / "case-studies" / "initech").exists()
    assert "2026-W12" not in (out / "sitemap.xml").read_text("utf-8")
    assert "2026-W12" not in (out / "feed.xml").read_text("utf-8")
    assert (out / "weeks" / "2026-W11" / "index.html").is_file()


# --- reproducible ----------------------------------------------------------------------------


def test_byte_identical_whatever_the_environment(tmp_path: Path) -> None:
    """Same input, different hash seed, time zone, locale, working directory, content path,
    file order and file times: the same bytes. UTC-10 and UTC+14 are a calendar day apart at
    any moment, so an output that read today's date would differ."""
    first = small_content(tmp_path / "one" / "content")
    build_ok(first, tmp_path / "one" / "site",
             env={"PYTHONHASHSEED": "1", "TZ": "America/Adak", "LC_ALL": "C"}, cwd=ROOT)

    # a second copy, files created in the opposite order with other modification times
    second = tmp_path / "two" / "content"
    files = sorted((p for p in first.rglob("*") if p.is_file()), reverse=True)
    for index, path in enumerate(files):
        target = second / path.relative_to(first)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        os.utime(target, (1_000_000_000 + index * 86_400,) * 2)
    build_ok(Path("content"), Path("site"), cwd=tmp_path / "two",
             env={"PYTHONHASHSEED": "12345", "TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8"})

    one, two = snapshot(tmp_path / "one" / "site"), snapshot(tmp_path / "two" / "site")
    assert len(one) > 20
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []


def test_the_demo_builds_the_same_twice(tmp_path: Path) -> None:
    build_ok(ROOT / "content", tmp_path / "a", env={"PYTHONHASHSEED": "0", "TZ": "UTC"})
    build_ok(ROOT / "content", tmp_path / "b",
             env={"PYTHONHASHSEED": "99", "TZ": "America/Adak"}, cwd=tmp_path)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


# --- the output directory ----------------------------------------------------------------------


@pytest.mark.parametrize("where", [
    "content", "content/_site", "content/weeks", ".", "repo/.git", "repo/.git/site", "repo",
])
def test_refuses_an_unsafe_output_directory(tmp_path: Path, where: str) -> None:
    content = small_content(tmp_path / "content")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / ".git" / "HEAD").write_text("ref: refs/heads/main\n", "utf-8")
    before = snapshot(tmp_path)
    code, _, err = cli("build", "--content", str(content), "--out", str(tmp_path / where))
    assert code == 2, err
    message = err.strip()
    assert message.startswith("✗ refusing to build into"), message
    assert "\n" not in message, "one line"
    assert snapshot(tmp_path) == before, "nothing written"


def test_refuses_an_output_that_is_a_file(tmp_path: Path) -> None:
    content = small_content(tmp_path / "content")
    (tmp_path / "afile").write_text("a file", "utf-8")
    before = snapshot(tmp_path)
    code, _, err = cli("build", "--content", str(content), "--out", str(tmp_path / "afile"))
    assert code in (1, 2), "1: refused, or 2: a usage error"
    assert "is a file" in err
    assert snapshot(tmp_path) == before


def test_refuses_a_folder_of_other_files_but_replaces_a_previous_build(tmp_path: Path) -> None:
    content = small_content(tmp_path / "content")
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("years of work", "utf-8")
    code, _, err = cli("build", "--content", str(content), "--out", str(documents))
    assert code == 2
    assert "holds files Traction did not write" in err
    assert (documents / "thesis.txt").read_text("utf-8") == "years of work"
    site = tmp_path / "site"
    assert cli("build", "--content", str(content), "--out", str(site))[0] == 0
    assert cli("build", "--content", str(content), "--out", str(site))[0] == 0


def test_a_folder_holding_a_progress_json_is_not_taken_for_a_build(tmp_path: Path) -> None:
    # The reproducer: a progress.json beside a thesis and photos made the folder look like a
    # previous build, and `build --out` deleted the other two.
    content = small_content(tmp_path / "content")
    folder = tmp_path / "work"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "a.jpg").write_bytes(b"jpeg")
    (folder / "thesis.docx").write_bytes(b"docx")
    (folder / "progress.json").write_text("{}", "utf-8")
    before = snapshot(tmp_path)
    code, _, err = cli("build", "--content", str(content), "--out", str(folder))
    assert code == 2 and "did not write" in err and "Traceback" not in err
    assert snapshot(tmp_path) == before


def test_concurrent_builds_into_one_folder_all_succeed(tmp_path: Path) -> None:
    content = small_content(tmp_path / "content")
    out = tmp_path / "site"
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "generator", "build", "--content", str(content),
               "--out", str(out)]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(6)]
    results = [(run.wait(120), run.stderr.read() if run.stderr else "") for run in runs]
    for run in runs:
        run.communicate()
    assert all(code == 0 for code, _ in results), results
    assert not any("Traceback" in err for _, err in results)
    assert temp_dirs(tmp_path) == []
    assert (out / "index.html").is_file()


def test_a_build_killed_between_its_renames_is_recovered_by_the_next(site: tuple[Path, Path]
                                                                     ) -> None:
    content, out = site
    before = snapshot(out)
    out.rename(out.parent / f".{out.name}.old-k1ll3d_9")  # the state kill -9 leaves
    (out.parent / f".{out.name}.new-k1ll3d_8" / "weeks").mkdir(parents=True)
    (content / "weeks" / "2026-W47.yaml").write_text("week: [broken\n", "utf-8")
    assert build(content, out).returncode == 1  # even a failing build puts the site back
    assert snapshot(out) == before
    assert temp_dirs(out.parent) == []


def test_an_operating_system_error_is_one_line(tmp_path: Path) -> None:
    content = small_content(tmp_path / "content")
    (tmp_path / "afile").write_text("a file", "utf-8")
    code, _, err = cli("build", "--content", str(content), "--out",
                       str(tmp_path / "afile" / "site"))
    assert code == 2
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert "cannot lock the output folder" in err and "File exists" in err


def test_refuses_a_relative_output_that_is_the_content(tmp_path: Path) -> None:
    small_content(tmp_path / "content")
    before = snapshot(tmp_path)
    result = build(Path("content"), Path("./content/../content"), cwd=tmp_path)
    assert result.returncode == 2
    assert "refusing" in result.stderr and "content" in result.stderr
    assert snapshot(tmp_path) == before


def test_accepts_a_sibling_output_directory(tmp_path: Path) -> None:
    content = small_content(tmp_path / "content")
    build_ok(content, tmp_path / "content-site")  # a name that only starts like the content
    assert (tmp_path / "content-site" / "index.html").is_file()


# --- slugs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["pages", "case-studies"])
def test_slugs_colliding_without_case_are_errors(tmp_path: Path, folder: str) -> None:
    content = small_content(tmp_path / "content")
    (content / folder).mkdir(exist_ok=True)
    (content / folder / "Acme.md").write_text("---\ntitle: One\n---\nOne.\n", "utf-8")
    (content / folder / "acme.md").write_text("---\ntitle: Two\n---\nTwo.\n", "utf-8")
    out = tmp_path / "site"
    code, _, err = cli("build", "--content", str(content), "--out", str(out))
    assert code == 1
    assert "collides" in err
    assert f"{folder}/" in err, "the message names the file"
    assert not out.exists()


@pytest.mark.parametrize("slug", ["weeks", "Milestones", "case-studies", "numbers", "assets"])
def test_a_page_cannot_take_a_name_the_site_uses(tmp_path: Path, slug: str) -> None:
    """A page `weeks.md` would silently replace the weekly updates index."""
    content = small_content(tmp_path / "content")
    (content / "pages" / f"{slug}.md").write_text("---\ntitle: Mine\n---\nHIJACK\n", "utf-8")
    out = tmp_path / "site"
    code, _, err = cli("build", "--content", str(content), "--out", str(out))
    assert code == 1
    assert f"pages/{slug}.md:" in err
    assert not out.exists()


@pytest.mark.parametrize("path", ["../escape.html", "/etc/passwd", "a/../../b", "a\\b", ""])
def test_the_writer_refuses_paths_that_escape_the_output(tmp_path: Path, path: str) -> None:
    """The pipeline reports such paths before writing; the writer checks them again, never
    trusting its caller, and writes nothing."""
    with pytest.raises(writer.OutputError, match="escape the output directory"):
        writer.write_site({"index.html": b"", path: b""}, tmp_path / "site")
    assert not (tmp_path / "site").exists()


# --- theme overrides --------------------------------------------------------------------------


def test_theme_dir_overrides_one_template(tmp_path: Path) -> None:
    plain = small_content(tmp_path / "plain")
    build_ok(plain, tmp_path / "plain-site")

    themed = small_content(tmp_path / "themed", theme_dir="my-theme")
    (themed / "my-theme" / "templates").mkdir(parents=True)
    (themed / "my-theme" / "templates" / "404.html").write_text(
        "{% extends 'base.html' %}{% block content %}<h1>Lost at {{ site.company }}</h1>"
        "{% endblock %}\n", "utf-8")
    (themed / "my-theme" / "static").mkdir()
    (themed / "my-theme" / "static" / "extra.css").write_text("p{color:red}\n", "utf-8")
    build_ok(themed, tmp_path / "themed-site")

    plain_files, themed_files = snapshot(tmp_path / "plain-site"), snapshot(
        tmp_path / "themed-site")
    lost = themed_files["404.html"]
    assert lost is not None and b"<h1>Lost at Acme Analytics</h1>" in lost
    assert b'rel="stylesheet"' in lost, "the override extends the default base template"
    assert themed_files["assets/extra.css"] == b"p{color:red}\n"
    changed = sorted(p for p in plain_files if plain_files[p] != themed_files.get(p))
    # (and the marker, which lists extra.css too)
    assert changed == sorted(["404.html", writer.MARKER]), "every other file is the default"
    assert set(themed_files) - set(plain_files) == {"assets/extra.css"}


def test_a_process_that_renders_again_sees_a_template_added_or_edited(tmp_path: Path
                                                                         ) -> None:
    """`traction serve` renders in one process: the kept templates never hide an edit."""
    from generator.pipeline import render

    themed = small_content(tmp_path / "themed", theme_dir="my-theme")
    templates = themed / "my-theme" / "templates"
    templates.mkdir(parents=True)
    (templates / "404.html").write_text(
        "{% extends 'base.html' %}{% block content %}<h1>Lost</h1>{% endblock %}\n", "utf-8")
    first = render(themed, parallel=False).files
    assert first is not None and b"OVERRIDE" not in first["numbers/index.html"]
    numbers = templates / "numbers.html"
    numbers.write_text("{% extends 'base.html' %}{% block content %}OVERRIDE one"
                       "{% endblock %}\n", "utf-8")
    added = render(themed, parallel=False).files
    assert added is not None and b"OVERRIDE one" in added["numbers/index.html"]
    numbers.write_text("{% extends 'base.html' %}{% block content %}OVERRIDE two, longer"
                       "{% endblock %}\n", "utf-8")
    edited = render(themed, parallel=False).files
    assert edited is not None and b"OVERRIDE two" in edited["numbers/index.html"]
    numbers.unlink()
    removed = render(themed, parallel=False).files
    assert removed is not None and removed["numbers/index.html"] == first["numbers/index.html"]


def test_a_missing_theme_dir_is_an_error(tmp_path: Path) -> None:
    content = small_content(tmp_path / "content", theme_dir="nowhere")
    code, _, err = cli("build", "--content", str(content), "--out", str(tmp_path / "site"))
    assert code == 1
    assert "traction.yaml:" in err and "nowhere" in err
    assert not (tmp_path / "site").exists()


# --- machine-readable outputs ---------------------------------------------------------------------


def test_progress_json_validates_against_the_shipped_schema(built: Path, tmp_path: Path) -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    document = json.loads((built / "progress.json").read_text("utf-8"))
    assert list(validator.iter_errors(document)) == []
    assert document["company"]["name"] == "Acme Analytics"
    assert document["latest_week"] == "2026-W12"
    build_ok(ROOT / "content", tmp_path / "demo")
    demo = json.loads((tmp_path / "demo" / "progress.json").read_text("utf-8"))
    assert list(validator.iter_errors(demo)) == []
    # and the validator does reject a broken document
    broken = {**document, "stage": "unicorn"}
    assert list(validator.iter_errors(broken)) != []


SHIELDS_KEYS = {"schemaVersion", "label", "message", "color", "labelColor", "isError",
                "namedLogo", "logoSvg", "logoColor", "logoWidth", "style", "cacheSeconds"}
SHIELDS_COLORS = {"brightgreen", "green", "yellowgreen", "yellow", "orange", "red", "blue",
                  "lightgrey", "grey", "gray", "success", "important", "critical",
                  "informational", "inactive", "blueviolet"}


def assert_shields_endpoint(path: Path) -> dict[str, object]:
    badge = json.loads(path.read_text("utf-8"))
    assert set(badge) <= SHIELDS_KEYS, path
    assert badge["schemaVersion"] == 1
    assert isinstance(badge["label"], str)
    assert isinstance(badge["message"], str) and badge["message"].strip()
    color = badge["color"]
    assert isinstance(color, str)
    assert color in SHIELDS_COLORS or color.lstrip("#").isalnum(), color
    svg = ET.fromstring(path.with_suffix(".svg").read_bytes())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    title = svg.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and badge["message"] in (title.text or "")
    return badge


def test_badges_are_shields_endpoints(built: Path) -> None:
    out = built
    assert_shields_endpoint(out / "badge.json")
    document = json.loads((out / "progress.json").read_text("utf-8"))
    milestones = [m for ladder in document["ladders"] for m in ladder["milestones"]]
    assert len(milestones) >= 8
    colors = set()
    for milestone in milestones:
        badge = assert_shields_endpoint(out / "milestones" / milestone["id"] / "badge.json")
        assert badge["label"] == milestone["title"]
        colors.add((milestone["status"], badge["color"]))
    # each status has its own colour, the same in shields' drawing and in the SVG
    assert len(colors) == len({status for status, _ in colors}) >= 2
    for name in ("badge", "badge-small", *(f"milestones/{m['id']}/badge" for m in milestones)):
        badge = assert_shields_endpoint(out / f"{name}.json")
        svg = ET.fromstring((out / f"{name}.svg").read_bytes())
        fills = {r.get("fill") for r in svg.iter("{http://www.w3.org/2000/svg}rect")}
        assert fills == {"#555", "#" + str(badge["color"])}, name


def test_the_small_badge_fits_a_readme_line(built: Path) -> None:
    big = json.loads((built / "badge.json").read_text("utf-8"))
    small = json.loads((built / "badge-small.json").read_text("utf-8"))
    assert "next:" in big["message"] and "next:" not in small["message"]
    assert big["message"].startswith(small["message"])
    assert re.fullmatch(r"\d+/\d+ milestones", small["message"])
    assert small["label"] == big["label"] and small["color"] == big["color"]
    width = int(ET.fromstring((built / "badge-small.svg").read_bytes()).get("width") or 0)
    assert 0 < width <= 200


def test_a_milestone_page_offers_a_badge_snippet_to_paste(demo: Path) -> None:
    """Markdown in a <pre><code>: a shields.io badge of this site's badge.json, and the
    site's own SVG, each linking to the milestone's page; no bare JSON URL."""
    import html as html_module
    from urllib.parse import parse_qs

    document = json.loads((demo / "progress.json").read_text("utf-8"))
    for milestone in (m for ladder in document["ladders"] for m in ladder["milestones"]):
        page = (demo / "milestones" / milestone["id"] / "index.html").read_text("utf-8")
        snippets = [html_module.unescape(code) for code in re.findall(
            r'<pre class="snippet"><code>(.*?)</code></pre>', page, re.S)]
        assert len(snippets) == 2, milestone["id"]
        pattern = r"\[!\[(?P<alt>(?:\\.|[^\]\\])*)\]\((?P<image>[^()\s]+)\)\]\((?P<link>[^()\s]+)\)"
        shields, own = (re.fullmatch(pattern, snippet) for snippet in snippets)
        assert shields and own, snippets
        assert shields["link"] == own["link"] == milestone["url"]
        image = urlsplit(shields["image"])
        assert (image.scheme, image.netloc, image.path) == ("https", "img.shields.io",
                                                            "/endpoint")
        endpoint = parse_qs(image.query)["url"][0]
        assert endpoint == milestone["url"] + "badge.json"
        assert own["image"] == milestone["url"] + "badge.svg"
        site_url = document["url"]
        for url in (endpoint, own["image"]):
            assert (demo / url.removeprefix(site_url)).is_file()
        assert milestone["title"] in shields["alt"].replace("\\", "")
        assert "Shields.io endpoint:" not in page


def test_sitemap_lists_only_public_pages_with_absolute_urls(built: Path) -> None:
    out = built
    tree = ET.fromstring((out / "sitemap.xml").read_bytes())
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    assert tree.tag == f"{ns}urlset"
    locs = [loc.text or "" for loc in tree.iter(f"{ns}loc")]
    assert len(locs) == len(set(locs))
    for loc in locs:
        assert loc.startswith(SITE_URL), loc
        relative = loc.removeprefix(SITE_URL)
        assert relative == "" or relative.endswith("/"), loc
        assert (out / relative / "index.html").is_file(), loc
    pages = {p.parent.relative_to(out).as_posix() for p in out.rglob("index.html")}
    listed = {loc.removeprefix(SITE_URL).rstrip("/") or "." for loc in locs}
    assert listed == pages
    assert not any(word in loc for loc in locs for word in ("secret", "hidden", "404"))
    assert f"{SITE_URL}about/" in locs and f"{SITE_URL}case-studies/initech/" in locs


def test_robots_txt_points_at_the_sitemap(built: Path) -> None:
    lines = (built / "robots.txt").read_text("utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {SITE_URL}sitemap.xml" in lines


def test_base_url_option_overrides_site_url(tmp_path: Path) -> None:
    content = small_content(tmp_path / "content")
    out = tmp_path / "other"
    build_ok(content, out, "--base-url", "https://example.com/sub/dir")
    robots = (out / "robots.txt").read_text("utf-8")
    assert "Sitemap: https://example.com/sub/dir/sitemap.xml" in robots
    assert 'href="/sub/dir/assets/' in (out / "index.html").read_text("utf-8")


@pytest.mark.parametrize("base_url", [
    # A path alone ("/repo/", "/") is a preview build: tests/test_subpath.py.
    "repo", "//repo/", "example.com/repo/", "ftp://x.org/y/",
    # Markup in the URL: it is part of every link, some written after the sanitiser.
    'https://x.com/a"><svg/onload=alert(1)>/', "https://x.com/a'b/", "https://x.com/<b>/",
])
def test_a_base_url_that_is_not_absolute_is_refused(tmp_path: Path, base_url: str) -> None:
    """Relative links from a relative base would break on every page below the root."""
    content = small_content(tmp_path / "content")
    code, _, err = cli("build", "--content", str(content), "--out", str(tmp_path / "site"),
                       "--base-url", base_url)
    assert code == 2
    assert "--base-url" in err and "\n" not in err.strip()
    assert not (tmp_path / "site").exists()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo content, built once for the tests that only read it."""
    out = tmp_path_factory.mktemp("demo") / "site"
    build_ok(ROOT / "content", out)
    return out


def test_the_milestone_page_says_since_from_the_since_field(demo: Path) -> None:
    """A milestone achieved, slipped and achieved again: "since" shows `since` (its latest
    transition), "first reached" shows `achieved_on`, as progress.json has them."""
    document = json.loads((demo / "progress.json").read_text("utf-8"))
    calls = next(m for ladder in document["ladders"] for m in ladder["milestones"]
                 if m["id"] == "weekly-sales-calls")
    assert calls["since"] != calls["achieved_on"]
    html = (demo / "milestones" / "weekly-sales-calls" / "index.html").read_text("utf-8")
    meta = html.split('<p class="milestone-meta">', 1)[1].split("</p>", 1)[0]
    text = re.sub(r"<[^>]+>", "", meta)
    assert re.search(rf'since <time datetime="{calls["since"]}">', meta), meta
    assert re.search(rf'first reached <time datetime="{calls["achieved_on"]}">', meta), meta
    assert text.index("since") < text.index("first reached")
    home = (demo / "index.html").read_text("utf-8")
    row = home.split('href="/progress/milestones/weekly-sales-calls/"', 1)[1][:600]
    assert f'since <time datetime="{calls["since"]}">' in row


def test_the_feed_is_newest_first_with_case_studies_but_not_drafts(built: Path, demo: Path
                                                                   ) -> None:
    for out in (built, demo):
        feed = feedparser.parse((out / "feed.xml").read_bytes())
        assert feed.bozo == 0, feed.get("bozo_exception")
        days = [e.updated_parsed for e in feed.entries]
        assert days == sorted(days, reverse=True)
        ids = [e.id for e in feed.entries]
        assert len(ids) == len(set(ids))
    studies = [e for e in feedparser.parse((built / "feed.xml").read_bytes()).entries
               if "/case-studies/" in e.link]
    assert [e.link for e in studies] == [f"{SITE_URL}case-studies/initech/"]
    assert studies[0].title == "Case study: How Initech got to hell yes"
    assert studies[0].updated.startswith("2026-03-06")
    assert "happy" in studies[0].content[0].value
    demo_feed = feedparser.parse((demo / "feed.xml").read_bytes())
    assert len([e for e in demo_feed.entries if "/case-studies/" in e.link]) == len(
        list((ROOT / "content" / "case-studies").glob("*.md")))


def test_weekly_feed_titles_say_what_happened_from_public_numbers(demo: Path) -> None:
    document = json.loads((demo / "progress.json").read_text("utf-8"))
    rows = {row["week"]: row for row in document["weeks"]}
    milestones = [m["title"] for ladder in document["ladders"] for m in ladder["milestones"]]
    feed = feedparser.parse((demo / "feed.xml").read_bytes())
    weeks = {e.link.rsplit("/", 2)[1]: e for e in feed.entries if "/weeks/" in e.link}
    assert len(weeks) == len(list((ROOT / "content" / "weeks").glob("*.yaml")))
    # the week in progress: updated as of the as-of day, not its Sunday to come
    latest = weeks[document["week_in_progress"]]
    assert latest.title == "Week 47: 8 paying customers, 6 sales calls so far"
    assert latest.updated.startswith(document["as_of"])
    assert weeks["2026-W36"].title == "Week 36: 5 sales calls, 5+ sales calls every week"
    assert weeks["2026-W32"].title.endswith("slipped: 5+ sales calls every week")
    for label, entry in weeks.items():
        number = int(label.split("-W")[1])
        assert entry.title.startswith(f"Week {number}: ")
        # every number in the title is one of the week's published numbers, or part of
        # the title of a milestone: nothing private, nothing from another week
        shown = re.sub("|".join(re.escape(t) for t in sorted(milestones, key=len,
                                                              reverse=True)),
                       "", entry.title.split(": ", 1)[1], flags=re.IGNORECASE)
        allowed = {str(v) for v in rows[label].values() if isinstance(v, int)}
        assert set(re.findall(r"\d+", shown)) <= allowed, (label, entry.title)


def test_404_page_uses_root_relative_links(built: Path) -> None:
    """404.html is served at any depth: every link must work from anywhere."""
    page = (built / "404.html").read_text("utf-8")
    links = links_of(page)
    assert any(tag == "link" and value.endswith(".css") for tag, _, value in links)
    assert len(links) >= 5
    for tag, attribute, value in links:
        parts = urlsplit(value)
        if parts.scheme:
            assert parts.scheme in ("http", "https", "mailto"), value
            continue
        assert value.startswith(("/progress/", "#")), f"<{tag} {attribute}={value!r}>"


# --- the week in progress and each condition's progress (SPEC §4, §5) ---------------------------


REVENUE_LADDER = [{"id": "revenue", "title": "Revenue", "milestones": [
    {"id": "ten-k-mrr", "title": "10k MRR",
     "conditions": [{"metric": "mrr", "at_least": 10000}]}]}]
# MRR 4321 of 10000: the progress of the amount would be 43.21%, which tells the amount.
MRR_CANARIES = re.compile(r"43(\.2\d*)?\s*%|0\.432|4321|43\.21|43,21|value=\"43\"")


def in_progress_site(root: Path, show_revenue: bool) -> Path:
    """Three full weeks of calls, then two by Tuesday of 2026-W13, the latest day of the log;
    one customer paying 4321 a month. Built by the real command, as of that Tuesday."""
    log = spread(["2026-W10", "2026-W11", "2026-W12"], 5).calls("2026-W13", 2)
    log.deal("acme", day("2026-W10", 1), "won", day("2026-W10", 2))
    log.event("acme", "paid", day("2026-W10", 2), amount=4321, interval="month")
    content = write_content(root / "content", config=small_config(
        ladders=["zero-to-one", "revenue"], custom_ladders=REVENUE_LADDER,
        privacy={"show_revenue": show_revenue}), weeks=log.weeks())
    out = root / "site"
    build_ok(content, out, env={"SOURCE_DATE_EPOCH": ""})  # the default as-of: the log's
    return out


def site_text(out: Path) -> dict[str, str]:
    """Every text file of the site (the PNG cards and the fonts are binary;
    tests/test_cards.py reads the cards' SVG sources)."""
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix not in (".png", ".woff2")}


@pytest.fixture(scope="module")
def in_progress(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return site_text(in_progress_site(tmp_path_factory.mktemp("in-progress"), False))


def test_the_built_site_marks_the_week_in_progress(in_progress: dict[str, str]) -> None:
    document = json.loads(in_progress["progress.json"])
    assert (document["as_of"], document["week_in_progress"]) == ("2026-03-24", "2026-W13")
    assert document["weeks"][-1]["week"] == "2026-W13"
    week = in_progress["weeks/2026-W13/index.html"]
    assert "Week in progress:</strong> numbers so far, as of" in week
    assert '<time datetime="2026-03-24">24 Mar 2026</time>' in week
    assert all("Week in progress" not in in_progress[f"weeks/2026-W1{n}/index.html"]
               for n in (0, 1, 2))
    home = in_progress["index.html"]
    assert "sales calls this week: 2 of 5 so far" in home  # the goal and its ladder row
    assert "(2026-W13, week in progress)" in home
    assert '<span class="status status-in_progress">in progress</span></h3>' in home
    assert 'class="bar bar-partial"' in home and "2 calls so far" in home
    assert "2 sales calls so far" in in_progress["weeks/index.html"]
    assert "2026-W13</a> (so far)</th>" in in_progress["numbers/index.html"]
    calls = in_progress["milestones/weekly-sales-calls/index.html"]
    assert "sales calls this week: 2 of 5 so far" in calls
    assert "— 85% of the way" in calls  # (3 weeks + 2/5 of the next) / 4


def as_read(html: str) -> str:
    """The text of a page as a reader sees it: no tags, no-break spaces as spaces."""
    return re.sub(r"<[^>]+>", "", html).replace("\u00a0", " ")


def test_each_condition_s_progress_is_published_except_toward_an_amount(
        in_progress: dict[str, str]) -> None:
    document = json.loads(in_progress["progress.json"])
    measures = {(m["id"], x["name"]): x for ladder in document["ladders"]
                for m in ladder["milestones"] for x in m["measures"]}
    assert measures["weekly-sales-calls", "sales_call_streak"]["progress"] == 0.85
    mrr = measures["ten-k-mrr", "mrr"]
    assert (mrr["value"], mrr["target"], mrr["progress"]) == (None, None, None)
    page = in_progress["milestones/ten-k-mrr/index.html"]
    assert "monthly recurring revenue: not met (amounts are private)" in as_read(page)
    assert "% of the way" not in page
    leaks = [(path, found.group()) for path, text in in_progress.items()
             for found in MRR_CANARIES.finditer(text)]
    assert leaks == []


def test_with_show_revenue_the_amount_s_progress_is_published(tmp_path: Path) -> None:
    """Positive control for the canary above: it does find the amount when it is shown."""
    files = site_text(in_progress_site(tmp_path, True))
    page = files["milestones/ten-k-mrr/index.html"]
    assert "monthly recurring revenue: 4321 of 10000" in as_read(page)
    assert "— 43% of the way" in page
    assert MRR_CANARIES.search(files["progress.json"])


# --- symlinks: the content folder is a boundary ---------------------------------------------

CANARY = "KANARYSYMLINKSECRET"


def _link_case_study(content: Path, secret: Path) -> str:
    (content / "case-studies" / "leak.md").symlink_to(secret)
    return "case-studies/leak.md"


def _link_week(content: Path, secret: Path) -> str:
    week = content / "weeks" / "2026-W12.yaml"
    secret.write_text(week.read_text("utf-8").replace("summary:", f"summary: {CANARY}", 1))
    week.unlink()
    week.symlink_to(secret)
    return "weeks/2026-W12.yaml"


def _link_page(content: Path, secret: Path) -> str:
    (content / "pages" / "notes.md").symlink_to(secret)
    return "pages/notes.md"


def _link_config(content: Path, secret: Path) -> str:
    config = content / "traction.yaml"
    secret.write_text(config.read_text("utf-8"), "utf-8")
    config.unlink()
    config.symlink_to(secret)
    return "traction.yaml"


def _link_folder(content: Path, secret: Path) -> str:
    elsewhere = secret.parent / "elsewhere"
    shutil.move(content / "case-studies", elsewhere)
    (elsewhere / "leak.md").write_text(secret.read_text("utf-8"), "utf-8")
    (content / "case-studies").symlink_to(elsewhere)
    return "case-studies"


def _link_theme_static(content: Path, secret: Path) -> str:
    (content / "theme" / "static").mkdir(parents=True)
    (content / "theme" / "static" / "passwd.txt").symlink_to(secret)
    return "theme/static/passwd.txt"


def _link_theme_template(content: Path, secret: Path) -> str:
    (content / "theme" / "templates").mkdir(parents=True)
    (content / "theme" / "templates" / "404.html").symlink_to(secret)
    return "theme/templates/404.html"


def _link_theme_folder(content: Path, secret: Path) -> str:
    real = secret.parent / "real-theme"
    (real / "static").mkdir(parents=True)
    (real / "static" / "passwd.txt").write_text(CANARY, "utf-8")
    (content / "theme").symlink_to(real)
    return "theme directory 'theme'"


@pytest.mark.parametrize("plant", [_link_case_study, _link_week, _link_page, _link_config,
                                   _link_folder, _link_theme_static, _link_theme_template,
                                   _link_theme_folder])
def test_a_symlink_in_the_content_is_an_error_and_never_read(tmp_path: Path, plant: Any
                                                             ) -> None:
    content = small_content(tmp_path / "content", theme_dir="theme")
    if "theme" not in plant.__name__:  # a theme of its own is made by the theme plants
        (content / "theme" / "static").mkdir(parents=True)
    secret = tmp_path / "notes.md"
    secret.write_text(f"---\ntitle: {CANARY}\n---\n{CANARY}\n", "utf-8")
    where = plant(content, secret)
    out = tmp_path / "site"
    checked = run_traction("check", "--content", str(content))
    built = build(content, out)
    for result in (checked, built):
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "symbolic link" in output and where in output
        assert CANARY not in output and "Traceback" not in output
    assert not out.exists()


# --- output grows with the weeks logged ---------------------------------------------------------


def _site_bytes(site: Path) -> int:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def test_output_grows_with_the_weeks_logged_not_the_calendar_between_them(tmp_path: Path
                                                                          ) -> None:
    """Issue 10 §4: two logs 29 years apart (inside max_span_years) once made a 1,462-row
    /numbers/ page and progress.json. The quiet weeks between them are one row now: the
    site for a 29-year gap is the size of the one for a 2-year gap (the charts show the
    last 52 weeks either way), give or take the labels."""
    start = "week: 1998-W10\nsummary: Start.\n"
    sites = {}
    for name, last in (("two-years", "2000-W10"), ("apart", "2026-W10")):
        weeks = {"1998-W10": start, last: f"week: {last}\nsummary: Now.\n"}
        build_ok(small_content(tmp_path / name, weeks=weeks), tmp_path / f"{name}-site")
        sites[name] = _site_bytes(tmp_path / f"{name}-site")
    assert abs(sites["apart"] - sites["two-years"]) < 1_000, sites
    document = json.loads((tmp_path / "apart-site" / "progress.json").read_text("utf-8"))
    assert [(row["week"], row.get("through")) for row in document["weeks"]] == [
        ("1998-W10", None), ("1998-W11", "2026-W09"), ("2026-W10", None)]
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text("utf-8")))
    assert list(validator.iter_errors(document)) == []
    numbers = (tmp_path / "apart-site" / "numbers" / "index.html").read_text("utf-8")
    assert numbers.count("<tr") == 1 + 3  # the header and three rows
    assert "1998-W11 to 2026-W09, each" in numbers


COLD_DIGESTS = """
import hashlib, json, sys
from pathlib import Path
from generator.pipeline import render
files = render(Path(sys.argv[1]), parallel=False).files or {}
print(json.dumps({p: hashlib.sha256(files[p]).hexdigest() for p in sorted(files)}))
"""


def _digests(files: Any) -> dict[str, str]:
    assert files is not None, "the render failed"
    return {path: hashlib.sha256(files[path]).hexdigest() for path in sorted(files)}


def test_the_same_bytes_serial_forked_cold_and_warm(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 (e): a cold render in a fresh process, one shared among forked processes,
    and renders again in one process (as `traction serve` does) after edits that are then
    undone give the same files, byte for byte."""
    from generator import pipeline
    from generator.render import markup

    demo = Path(shutil.copytree(ROOT / "content", tmp_path / "content",
                                ignore=shutil.ignore_patterns(".traction-cache")))
    config = demo / "traction.yaml"
    config.write_text(config.read_text("utf-8").replace(
        "  language: en\n", "  language: en\n  social_cards: false\n", 1), "utf-8")
    fresh = subprocess.run([sys.executable, "-c", COLD_DIGESTS, str(demo)], check=True,
                           capture_output=True, text=True, cwd=ROOT)
    cold = json.loads(fresh.stdout)
    assert len(cold) > 40

    forks = _count_forks(monkeypatch)
    monkeypatch.setattr(markup, "PARALLEL_FROM", 4)  # the demo is small: fork all the same
    markup._CACHE.clear()  # so this process converts its Markdown in the forks too
    assert _digests(pipeline.render(demo, parallel=True).files) == cold
    assert len(forks) == 1

    week = sorted((demo / "weeks").glob("*.yaml"))[-1]
    original = week.read_text("utf-8")
    call = f'  - {{date: {_monday(week.stem)}, with: "Ed", type: sales, status: held}}\n'
    edits = [original.replace("summary: |\n", "summary: |\n  An edit.\n", 1),
             original.replace("accounts:\n", call + "accounts:\n", 1)]
    for edited in edits:
        assert edited != original
        week.write_text(edited, "utf-8")
        changed = _digests(pipeline.render(demo, parallel=False).files)
        assert changed != cold
        week.write_text(original, "utf-8")
        assert _digests(pipeline.render(demo, parallel=False).files) == cold


def _count_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each pool of forked processes started from now on, listed."""
    from generator.render import cores

    forks: list[int] = []
    real = cores.fork_context
    monkeypatch.setattr(cores, "fork_context", lambda: forks.append(1) or real())
    return forks


def _monday(label: str) -> str:
    year, week = label.split("-W")
    return datetime.date.fromisocalendar(int(year), int(week), 1).isoformat()
