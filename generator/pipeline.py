"""The whole pipeline, every stage in order: read this file first.

    source (load, validate)  →  rules (cross-checks)  →  model (ladders, engine)
      →  public (the privacy boundary)  →  render (site view, pages)  →  output (write)

`analyse` takes a content directory as far as the model: every problem, and the progress
when there is no error. `render` goes on to the files of the site, in memory, through the
privacy boundary (`render.site.public_view` reads only `public.boundary.public_progress`);
`traction check` runs it too, so whatever would make a build fail fails the check the same
way. `build` writes those files atomically: nothing is written unless every stage succeeds.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from generator.model.analysis import Analysis, AsOf, resolve_as_of
from generator.model.assertions import report
from generator.model.engine import evaluate
from generator.model.ladders import resolve
from generator.model.provenance import Provenance, provenance
from generator.problems import Problem, Problems
from generator.rules import check
from generator.source.history import NoHistory, read_history
from generator.source.loader import Overrides, load
from generator.source.recordcache import Store
from generator.source.scalars import ABSOLUTE_URL
from generator.source.schema import Config

# A path alone as --base-url: links start with it, absolute URLs stay at site.url
# (render.site.site_base). Not `//host`, which a browser reads as another site.
_BASE_PATH = re.compile(r"""^/(?!/)[^\s"'<>\\`?#]*$""")


def _silent(stage: str) -> None:
    """The default progress: say nothing (the CLI shows it on a terminal)."""


def analyse(root: Path, *, as_of: AsOf | None = None, fast_yaml: bool = True,
            overrides: Overrides | None = None, history: bool = False,
            store: Store | None = None, bundle_of: Path | None = None) -> Analysis:
    """Load and check the content at `root`, and evaluate it when there is no error.
    `overrides`: week files' texts to read instead of the files (see `source.loader`).
    `history`: read the provenance of the entries from git (`source.history`).
    `store`: where the records of unchanged files are kept between runs, an
    `output.cache.Cache` (`source.recordcache`); `bundle_of`: for a folder made for one run,
    the content folder it mostly shares its files with (see `source.loader.load`)."""
    problems = Problems()
    content = load(root, problems, fast=fast_yaml, overrides=overrides, store=store,
                   bundle_of=bundle_of)
    day = resolve_as_of(content, as_of, problems)
    ladders = None
    if content.config is not None:
        check(content.config, content, problems, day)
        ladders = resolve(content.config, problems)
    progress = None
    if content.config is not None and ladders is not None and not problems.errors:
        progress = evaluate(content.config, content.weeks, ladders, day, reuse=True)
        if progress.disagreements:  # an assertion the log does not add up to: an error
            report(progress.disagreements, content.config, problems)
            progress = None
    found: Provenance | NoHistory | None = None
    if history and progress is not None and content.config is not None and ladders is not None:
        log = read_history(root, content.weeks)
        found = log if isinstance(log, NoHistory) else provenance(
            progress, content.weeks, log, content.config.provenance.late_after_days,
            content.config, ladders)
    return Analysis(content, problems.sorted(), ladders, progress, found)


@dataclass(frozen=True)
class Rendered:
    """The files of a site in memory, or the problems that stop it."""

    analysis: Analysis
    problems: tuple[Problem, ...]  # the analysis's, then the theme's and the render's
    # None when there is an error. `build` gives a StagedSite: the files are on disk, in
    # a staging folder, and only their paths are in memory.
    files: Mapping[str, bytes] | None


@dataclass(frozen=True)
class BuildResult:
    analysis: Analysis
    problems: tuple[Problem, ...]  # content problems, plus theme or output problems
    files: int = 0  # files written; 0 when nothing was written

    @property
    def ok(self) -> bool:
        return self.files > 0


def render(content_dir: Path, base_url: str | None = None, as_of: AsOf | None = None,
           cache: Path | None = None, parallel: bool = True,
           progress: Callable[[str], None] = _silent,
           into: MutableMapping[str, bytes] | None = None, keep_records: bool = True
           ) -> Rendered:
    """Everything but the swap into the output: the files of the site, or the problems.

    `traction check` runs this too, so whatever would make a build fail (the content, the
    theme, a template that fails on this content) fails the check the same way. Cards
    drawn before, and the records of unchanged files, are taken from the `cache` folder,
    when given, and new ones kept there; the other cards are drawn, and the Markdown
    converted, on every core unless `parallel` is off (then no child process).
    `progress` hears each stage as it starts ("rendering the pages"). The files are put
    `into` the mapping given (`build`'s staging folder), else into a new dict. With
    `keep_records` off, records are read from the cache but none is written there."""
    # The render and output stages are imported here, not at the top: `status` and `diff`
    # need only `analyse`, and jinja2 and Markdown cost a third of their start-up.
    from generator.output.cache import Cache
    from generator.output.writer import check_paths
    from generator.render.pages import render_site
    from generator.render.site import public_view

    store = Cache(cache) if cache is not None else None
    progress(f"checking {content_dir}")
    with _no_cycle_collection():
        analysis = analyse(content_dir, as_of=as_of, history=True,
                           store=store if keep_records or store is None else _Unwritten(store))
        problems = Problems(analysis.problems)
        config = analysis.content.config
        theme = _theme(content_dir, config, problems)
        files = None
        if not problems.errors and analysis.progress is not None and config is not None:
            progress("rendering the pages")
            files = render_site(public_view(analysis, base_url, parallel), problems, theme,
                                store, parallel, progress, {} if into is None else into)
            if files is not None:
                check_paths(files, problems)
    return Rendered(analysis, problems.sorted(), None if problems.errors else files)


class _Unwritten:
    """A store read from, never written to."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> bytes | None:
        return self.store.get(key)

    def put(self, key: str, data: bytes) -> None:
        pass


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off for one render: the render makes many objects that live
    until it ends (and few cycles), and in a process that keeps the last render's records
    (`traction serve`) each collection walked all of them: a tenth of a warm rebuild. Freed
    by reference counting all the same; the collector runs again after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _theme(content_dir: Path, config: Config | None, problems: Problems) -> Path | None:
    """The user's theme directory, checked before anything is rendered."""
    from generator.render.pages import check_theme

    if config is None or not config.theme_dir:
        return None
    theme = content_dir / config.theme_dir
    if theme.resolve() != Path(os.path.normpath(content_dir.resolve() / config.theme_dir)):
        problems.error(config.at("theme_dir"), f"theme directory '{config.theme_dir}' is "
                       "reached through a symbolic link; Traction follows none",
                       "use the real path, relative to the content directory")
        return None
    if not any((theme / part).is_dir() for part in ("templates", "static", "cards")):
        problems.error(config.at("theme_dir"), f"theme directory '{config.theme_dir}' has no "
                       "templates/, static/ or cards/ folder",
                       "the path is relative to the content directory")
        return None
    check_theme(theme, problems)
    return theme


def build(content_dir: Path, out: Path, base_url: str | None = None,
          as_of: AsOf | None = None, cache: Path | None = None,
          progress: Callable[[str], None] = _silent) -> BuildResult:
    """Build the site into `out`, atomically; `progress` hears each stage. Raises
    OutputError for an unusable `out` or `base_url`."""
    from generator.output.writer import (
        OutputError,
        check_output_dir,
        output_lock,
        recover,
        staged_site,
    )

    if base_url is not None and not (ABSOLUTE_URL.match(base_url)
                                     or _BASE_PATH.match(base_url)):
        raise OutputError(f"--base-url '{base_url}' is neither an absolute http(s) URL "
                          "(e.g. https://user.github.io/repo/) nor a path that starts with "
                          "/ (e.g. / to preview the output folder with any static server)")
    check_output_dir(out, content_dir)  # before the lock creates any folder
    with output_lock(out):  # builds into one folder take turns
        recover(out)
        check_output_dir(out, content_dir)  # again: another build may have written it since
        # Each file goes to a staging folder as it is rendered (a 50-year log's pages are
        # not all held in memory); the folder replaces `out` only when nothing failed.
        with staged_site(out) as staged:
            # No record is written to the cache: a build in CI starts from a fresh clone
            # and never reads them again, and writing one file per week file cost it a
            # third of a second on the 5-year log. (The cards are kept: they cost more.)
            rendered = render(content_dir, base_url, as_of, cache, progress=progress,
                              into=staged, keep_records=False)
            if rendered.files is None:
                return BuildResult(rendered.analysis, rendered.problems)
            progress(f"writing {len(rendered.files)} files into {out}")
            staged.commit()
    return BuildResult(rendered.analysis, rendered.problems, len(rendered.files))
