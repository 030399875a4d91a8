"""Render the public view into the site's files, in memory: {path: bytes}.

Templates come from the theme chain (the user's `theme_dir` first, then the
default theme shipped with the package), with autoescaping on and undefined
variables as errors. Nothing here reads the clock or the content files.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator, MutableMapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from generator.problems import Pos, Problems
from generator.public.progress_doc import dumps, progress_document
from generator.render import cards, raster
from generator.render.badges import badge_json, badge_svg
from generator.render.site import SiteView

THEME = "default"
class _TemplateFailed(Exception):
    """A template failed at a place in the theme; `render_site` reports it. Never leaves
    this module."""

    def __init__(self, pos: Pos, message: str) -> None:
        super().__init__(f"{pos}: {message}")
        self.pos, self.message = pos, message


def default_theme_dir() -> Path:
    """The default theme: inside the installed package, or `themes/` in a source checkout."""
    packaged = Path(str(resources.files("generator"))) / "themes" / THEME
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes" / THEME


def theme_dirs(user_theme: Path | None) -> list[Path]:
    dirs = [default_theme_dir()]
    return [user_theme, *dirs] if user_theme is not None else dirs


def environment(dirs: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = lambda d, f="%-d %b %Y": d.strftime(f) if d else ""
    env.filters["iso"] = lambda d: d.isoformat() if d else ""
    env.filters["pct"] = lambda x: f"{float(x) * 100:.0f}%"
    env.globals["svg"] = lambda chart: markupsafe.Markup(chart.svg)
    return env


def _pages(site: SiteView) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(output path, template, context) for every HTML page."""
    yield "index.html", "index.html", {"page_url": site.url(), "title": None}
    yield "weeks/index.html", "weeks.html", {
        "page_url": site.url("weeks/"), "title": "Weekly updates"}
    for week in site.weeks:
        yield f"weeks/{week.label}/index.html", "week.html", {
            "page_url": week.url, "title": week.title, "week": week}
    yield "milestones/index.html", "milestones.html", {
        "page_url": site.url("milestones/"), "title": "Milestones"}
    for milestone in site.milestones:
        yield f"milestones/{milestone.id}/index.html", "milestone.html", {
            "page_url": milestone.url, "title": milestone.title, "milestone": milestone}
    yield "case-studies/index.html", "case_studies.html", {
        "page_url": site.url("case-studies/"), "title": "Case studies"}
    for study in site.case_studies:
        yield f"case-studies/{study.slug}/index.html", "case_study.html", {
            "page_url": study.url, "title": study.title, "study": study}
    yield "numbers/index.html", "numbers.html", {
        "page_url": site.url("numbers/"), "title": "The numbers"}
    yield "methodology/index.html", "methodology.html", {
        "page_url": site.url("methodology/"), "title": "How to read these numbers"}
    for page in site.pages:
        yield f"{page.slug}/index.html", "page.html", {
            "page_url": page.url, "title": page.title, "page": page}
    yield "404.html", "404.html", {"page_url": site.url("404.html"), "title": "Page not found"}


def _render(env: jinja2.Environment, template: str, context: dict[str, Any]) -> bytes:
    try:
        return env.get_template(template).render(**context).encode("utf-8")
    except jinja2.TemplateSyntaxError as exc:
        raise _TemplateFailed(Pos(exc.filename or exc.name or template, exc.lineno or 1),
                              exc.message or str(exc)) from None
    except jinja2.TemplateError as exc:
        raise _TemplateFailed(_template_line(exc, template), str(exc)) from None
    except Exception as exc:  # a template that divides by zero, calls a string, feeds a filter
        # the wrong type, ...: Jinja rewrote the traceback, so its frames name the template line
        raise _TemplateFailed(_template_line(exc, template),
                              f"{type(exc).__name__}: {exc}") from None


def _template_line(exc: BaseException, template: str) -> Pos:
    """The template line that failed (Jinja puts template frames in tracebacks), else the
    template."""
    where = Pos(f"template {template}")
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".j2", ".svg")):
            where = Pos(filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


def _theme_error(problems: Problems, pos: Pos, message: str) -> None:
    problems.error(pos, f"theme error: {message}")


def check_theme(user_theme: Path, problems: Problems) -> None:
    """What is wrong with a user's theme before anything is rendered, each with its file:line:
    a symbolic link anywhere in it (it could publish a file from outside the content folder),
    or a template that does not even parse."""
    links = _symlinks(user_theme)
    for link in links:
        _theme_error(problems, Pos(str(link)), "a symbolic link; Traction reads only files "
                     "inside the content folder, so replace it with a copy of the file")
    if links:
        return
    env = environment([user_theme])
    templates = user_theme / "templates"
    card_templates = user_theme / "cards"
    paths = sorted(templates.rglob("*")) if templates.is_dir() else []
    paths += sorted(card_templates.glob("*.svg")) if card_templates.is_dir() else []
    for path in paths:
        if not path.is_file():
            continue
        try:
            env.parse(path.read_text("utf-8"), path.name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            _theme_error(problems, Pos(str(path), exc.lineno or 1), exc.message or str(exc))
        except (UnicodeDecodeError, OSError) as exc:
            _theme_error(problems, Pos(str(path)), f"cannot read the template ({exc})")


def _symlinks(folder: Path) -> list[Path]:
    """Every symbolic link under `folder` (not followed), and `folder` itself if it is one."""
    if folder.is_symlink():
        return [folder]
    links = []
    for directory, dirs, names in os.walk(folder):
        base = Path(directory)
        links += [base / name for name in sorted(dirs + names) if (base / name).is_symlink()]
    return links


def _static_files(static: Path) -> list[tuple[str, Path]]:
    """The theme's static files by path under assets/; symlinks are never followed."""
    found = []
    for directory, dirs, names in os.walk(static):
        base = Path(directory)
        dirs.sort()
        for name in sorted(names):
            item = base / name
            if item.is_symlink():
                raise _TemplateFailed(Pos(str(item)), "a symbolic link in the theme")
            found.append((item.relative_to(static).as_posix(), item))
    return found


def render_site(site: SiteView, problems: Problems, user_theme: Path | None = None,
                store: raster.Store | None = None, parallel: bool = True,
                progress: raster.Progress = raster.silent,
                files: MutableMapping[str, bytes] | None = None
                ) -> MutableMapping[str, bytes] | None:
    """Every output file of the site, by path relative to the output directory; None when a
    template fails (reported, at its line). Cards already drawn are taken from `store`; the
    others are drawn on every core, unless `parallel` is off (`progress` hears of it). The
    files are put into `files` (a new dict when not given) as they are rendered."""
    try:
        return _render_site(site, user_theme, store, parallel, progress,
                            {} if files is None else files)
    except _TemplateFailed as exc:
        _theme_error(problems, exc.pos, exc.message)
        return None


def card_sources(site: SiteView, problems: Problems, user_theme: Path | None = None
                 ) -> dict[str, str] | None:
    """The SVG of every card and of the touch icon, by the path of its PNG, before it is
    rasterised; None when a card template fails (reported, at its line)."""
    try:
        return _card_sources(site, theme_dirs(user_theme))
    except _TemplateFailed as exc:
        _theme_error(problems, exc.pos, exc.message)
        return None


def _card_sources(site: SiteView, dirs: list[Path],
                  found: Iterable[cards.Card] | None = None) -> dict[str, str]:
    """`found`: the pages' cards, when the pages were just rendered with them; none with
    site.social_cards off (only the touch icon is drawn)."""
    if found is None:
        home = cards.home_card(site)
        found = {cards.card_for(site, context, home) for _, _, context in _pages(site)}
    env = cards.environment(dirs)
    svgs = {card.path: _render(env, "card.svg", {"card": card}).decode("utf-8")
            for card in sorted(set(found), key=lambda c: c.path)}
    svgs[cards.ICON_PATH] = _render(env, "icon.svg", {
        "initials": cards.icon_initials(site)}).decode("utf-8")
    return svgs


def _draw_cards(svgs: dict[str, str], dirs: list[Path], store: raster.Store | None,
                parallel: bool, progress: raster.Progress) -> dict[str, bytes]:
    # The fast drawer is checked against the default theme's cards and fonts only.
    default_cards = not any((d / "cards").exists() for d in dirs if d != default_theme_dir())
    drawn = raster.draw_all(svgs, cards.font_files(dirs), store, cards.FONT_FAMILY, parallel,
                            progress, fast=default_cards)
    for path, png in drawn.items():
        if isinstance(png, raster.Failed):  # a theme's card template resvg cannot draw
            template = "icon.svg" if path == cards.ICON_PATH else "card.svg"
            raise _TemplateFailed(Pos(f"cards/{template}"),
                                  f"the card for {path} is not a drawable SVG ({png.reason})")
    return {path: png for path, png in drawn.items() if isinstance(png, bytes)}


def _site_environment(dirs: list[Path]) -> jinja2.Environment:
    """The pages' environment with its compiled templates, kept for the next render in this
    process (`traction serve`) while the theme's template files are the same: a template
    added (an override found first), removed or changed (its time or size) makes a new one.
    So Jinja need not check each template's file before each page (auto_reload off)."""
    listing = tuple(sorted((str(path), stat.st_mtime_ns, stat.st_size) for d in dirs
                           for path in (d / "templates").rglob("*") if path.is_file()
                           for stat in (path.stat(),)))
    return _environment_for(tuple(dirs), listing)


@functools.lru_cache(maxsize=4)
def _environment_for(dirs: tuple[Path, ...], listing: tuple[tuple[str, int, int], ...]
                     ) -> jinja2.Environment:
    env = environment(list(dirs))
    env.auto_reload = False
    return env


def _render_site(site: SiteView, user_theme: Path | None, store: raster.Store | None,
                 parallel: bool, progress: raster.Progress, files: MutableMapping[str, bytes]
                 ) -> MutableMapping[str, bytes]:
    dirs = theme_dirs(user_theme)
    env = _site_environment(dirs)
    html_paths = []
    page_cards: set[cards.Card] = set()
    home = cards.home_card(site)
    for path, template, context in _pages(site):
        if path in files:
            raise _TemplateFailed(Pos("traction.yaml"), f"two pages would be written to '{path}'")
        card = cards.card_for(site, context, home)
        page_cards.add(card)
        files[path] = _render(env, template, {
            "site": site, "card": card,
            "card_image": site.absolute(card.path) if site.social_cards else None,
            "touch_icon": site.url(cards.ICON_PATH), **context})
        if path != "404.html":
            html_paths.append(path)
    files.update(_draw_cards(_card_sources(
        site, dirs, page_cards if site.social_cards else ()), dirs, store,
                             parallel, progress))
    files["feed.xml"] = _render(env, "feed.xml", {"site": site})
    files["sitemap.xml"] = _render(env, "sitemap.xml", {
        "site": site, "paths": [p.removesuffix("index.html") for p in html_paths]})
    sitemap = site.absolute("sitemap.xml")
    files["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {sitemap}\n".encode()
    files["progress.json"] = dumps(progress_document(site.progress, site.base_url)).encode("utf-8")
    files["badge.json"], files["badge.svg"] = _site_badges(site)
    files["badge-small.json"], files["badge-small.svg"] = _site_badges(site, small=True)
    for milestone in site.milestones:
        label, message, color = milestone.title, milestone.status_label, milestone.status
        files[f"milestones/{milestone.id}/badge.json"] = badge_json(label, message, color)
        files[f"milestones/{milestone.id}/badge.svg"] = badge_svg(label, message, color)
    for directory in reversed(dirs):  # the user's static files win
        static = directory / "static"
        if static.is_dir():
            for rel, item in sorted(_static_files(static)):
                files[f"assets/{rel}"] = item.read_bytes()
    return files


def _site_badges(site: SiteView, small: bool = False) -> tuple[bytes, bytes]:
    """The site's badge: "traction | 3/8 milestones · next: <the current goal>". The small
    one leaves the goal out: a milestone title can be long, and a README line is short."""
    achieved = sum(m.status == "achieved" for m in site.milestones)
    message = f"{achieved}/{len(site.milestones)} milestones"
    if site.goal is not None and not small:
        message += f" · next: {site.goal.title}"
    color = "achieved" if site.goal is None else "in_progress"
    return badge_json(site.stage_label.lower(), message, color), badge_svg(
        site.stage_label.lower(), message, color)
