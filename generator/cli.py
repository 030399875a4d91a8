"""The `traction` command: thin click wrappers around the pipeline.

Exit codes: 0 ok, 1 the content has errors, 2 a usage error: a bad option or argument, or
a command that cannot run as asked (no content folder, a file that already exists, a port
in use, an output folder or git revision Traction cannot use). Modules are imported inside
commands so `traction --help` stays fast.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

EXIT_CODES = ("Exit codes: 0 ok, 1 errors in the content, 2 usage error (a bad option, no "
              "content folder, a file that already exists, ...).")


def refuse(message: str) -> NoReturn:
    """A command that cannot run as asked: `✗ message` on stderr (even with -q: it is the
    only output), exit status 2."""
    click.echo(f"✗ {message}", err=True)
    sys.exit(2)


class Ui:
    """Output settings shared by every command: verbosity and colour."""

    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity
        self.color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")

    def style(self, text: str, **kwargs: Any) -> str:
        if not self.color or not any(kwargs.values()):
            return text
        return click.style(text, **{k: v for k, v in kwargs.items() if v})

    def info(self, message: str) -> None:
        if self.verbosity >= 0:
            click.echo(message, err=True)

    def detail(self, message: str) -> None:
        if self.verbosity > 0:
            click.echo(message, err=True)


class Stages:
    """What a long command is doing, on stderr: on a terminal, once it has taken `delay`
    seconds (a quick build shows nothing), the current stage on one line that the next
    replaces and the end clears; with -v, every stage as a line, wherever stderr goes;
    otherwise (a pipe, a CI log, -q) nothing. Use it as a context manager.

    The delay is an alarm signal where there is one (POSIX, the main thread), not a timer
    thread: a render shares its work among forked processes only while the process runs
    no other thread (render.cores)."""

    def __init__(self, ui: Ui, terminal: bool | None = None, delay: float = 1.0) -> None:
        import threading

        self.verbose = ui.verbosity > 0
        terminal = sys.stderr.isatty() if terminal is None else terminal
        self._live = terminal and ui.verbosity == 0
        self._delay = delay
        # Reentrant: the alarm's handler runs in the thread it interrupts.
        self._lock = threading.RLock()
        self._alarm = (hasattr(signal, "setitimer")
                       and threading.current_thread() is threading.main_thread())
        self._timer = None if self._alarm else threading.Timer(delay, self._show)
        self._armed = False
        self._previous: Any = None
        self._stage = ""
        self._shown = False

    def __call__(self, stage: str) -> None:
        if self.verbose:
            click.echo(stage, err=True)
            return
        with self._lock:
            self._stage = stage
            if self._shown:
                self._write(stage)

    def _show(self, *_: object) -> None:
        with self._lock:
            if not self._shown:
                self._shown = True
                self._write(self._stage)

    def _write(self, text: str) -> None:
        # Not click.echo: off a terminal it strips the escape that clears the line.
        sys.stderr.write(f"\r\x1b[K{text}")
        sys.stderr.flush()

    def __enter__(self) -> Stages:
        if not self._live:
            return self
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()
        elif self._delay <= 0:
            self._show()
        else:
            self._previous = signal.signal(signal.SIGALRM, self._show)
            self._armed = True
            signal.setitimer(signal.ITIMER_REAL, self._delay)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        elif self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            # None: a handler set outside Python, which Python cannot put back
            signal.signal(signal.SIGALRM, self._previous if self._previous is not None
                          else signal.SIG_DFL)
            self._armed = False
        with self._lock:
            if self._shown:
                self._write("")
            self._shown = False


def _options(command: Callable[..., Any], locate: Callable[[Path | None], Path]
             ) -> Callable[..., Any]:
    @click.option("--content", "content", type=click.Path(path_type=Path, file_okay=False),
                  help="Content directory (traction.yaml, weeks/, case-studies/, pages/). "
                       "Default: ./content, else the nearest folder above with a "
                       "traction.yaml or content/traction.yaml, as git finds its repository.")
    @click.option("-v", "--verbose", count=True, help="Say more.")
    @click.option("-q", "--quiet", is_flag=True, help="Only print problems and results.")
    @functools.wraps(command)
    def wrapper(*args: Any, content: Path | None, verbose: int, quiet: bool, **kwargs: Any
                ) -> Any:
        return command(*args, content=locate(content), ui=Ui(-1 if quiet else verbose),
                       **kwargs)

    return wrapper


def common(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--content DIR`, `-v` and `-q`, defined once for every command. The content folder
    must exist: the one given, else the one found from the working directory up."""
    return _options(command, _existing_content)


def common_unread(command: Callable[..., Any]) -> Callable[..., Any]:
    """The same options for a command that never reads the content folder."""
    return _options(command, lambda given: given or Path("content"))


def common_in_git(command: Callable[..., Any]) -> Callable[..., Any]:
    """The same options for a command that reads the content from git revisions, where it
    may exist though the working tree has none."""
    return _options(command, _in_git)


def _existing_content(given: Path | None) -> Path:
    from generator.source.folder import find_content

    if given is not None:
        if not given.is_dir():
            refuse(f"content directory not found: {given} (pass --content DIR, or run "
                   "`traction init` to make one)")
        return given
    found = find_content(Path.cwd())
    if found is None:
        refuse("no content folder: no content/traction.yaml or traction.yaml here or in any "
               "folder above (up to the git repository's root); pass --content DIR, or run "
               "`traction init` to make one")
    return found


def path_base(content: Path) -> str:
    """The content folder as problems start their paths in text and JSON (see
    `problems.located`): as named on the command line or found, so from the working
    directory (or absolute); "" for the working directory itself."""
    return "" if content == Path(".") else content.as_posix()


def _cache_option(locate: Callable[[Path | None], Path]
                  ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @click.option("--no-cache", is_flag=True,
                      help="Read every file and draw every social card again; read and write "
                           "no cache (the cache is TRACTION_CACHE_DIR if set, else "
                           ".traction-cache/ in the content folder).")
        @functools.wraps(command)
        def wrapper(*args: Any, no_cache: bool, content: Path | None, **kwargs: Any) -> Any:
            content = locate(content)  # found here, before `common` sees it
            if not no_cache:
                _warn_uncached()
            return command(*args, content=content, cache=None if no_cache else
                           cache_folder(content), **kwargs)

        return wrapper

    return decorate


def _warn_uncached() -> None:
    """Say why there is no cache, when the user's signing key cannot be used: every run
    would otherwise be as slow as with --no-cache, and nothing would say why."""
    from generator.output.cache import key_trouble

    trouble = key_trouble()
    if trouble is not None:
        click.echo(f"warning: no cache: {trouble}", err=True)


def _in_git(given: Path | None) -> Path:
    from generator.source.folder import find_content

    return given or find_content(Path.cwd()) or Path("content")


# `--no-cache`: passed to the command as `cache`, the folder where the records of the
# content's files and the drawn cards are kept between runs (TRACTION_CACHE_DIR, else
# .traction-cache/ in the content folder), or None. Each needs its `common` below it, for
# `content`: `cache_option` with `common`, `cache_option_in_git` with `common_in_git`.
cache_option = _cache_option(_existing_content)
cache_option_in_git = _cache_option(_in_git)


def _store(cache: Path | None) -> Any:
    """The cache at `cache` for `pipeline.analyse`, or None (`--no-cache`)."""
    from generator.output.cache import Cache

    return Cache(cache) if cache is not None else None


def cache_folder(content: Path) -> Path:
    from generator.output.cache import FOLDER

    return Path(os.environ.get("TRACTION_CACHE_DIR") or content / FOLDER)


def as_of_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--as-of YYYY-MM-DD`, else SOURCE_DATE_EPOCH, else the latest day the log mentions
    (SPEC §4): passed to the command as `as_of` (a pipeline.AsOf or None)."""

    @click.option("--as-of", "as_of_flag", type=click.DateTime(formats=["%Y-%m-%d"]),
                  help="Evaluate milestones as of this date (default: SOURCE_DATE_EPOCH if "
                       "set, else the latest day the log mentions).")
    @functools.wraps(command)
    def wrapper(*args: Any, as_of_flag: Any, **kwargs: Any) -> Any:
        as_of = None
        if as_of_flag is not None:
            from generator.model.analysis import AsOf

            as_of = AsOf(as_of_flag.date(), "--as-of")
        elif os.environ.get("SOURCE_DATE_EPOCH"):
            # imported only here: the model costs a kept `status` most of its time
            from generator.model.analysis import AsOfError, source_date

            try:
                as_of = source_date(os.environ["SOURCE_DATE_EPOCH"])
            except AsOfError as exc:
                refuse(str(exc))
        return command(*args, as_of=as_of, **kwargs)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(package_name="traction-pages", prog_name="traction")
def main() -> None:
    """Turn a plain-text traction log into a build-in-public progress site."""


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _describe(analysis: Any, ui: Ui, *, building: bool = False) -> None:
    """`-v`: what was read and evaluated (and, `building`, a site without provenance)."""
    found = analysis.content
    weeks = found.weeks
    span = f" ({weeks[0].week} to {weeks[-1].week})" if weeks else ""
    ui.detail(f"read {found.root}: {_count(len(weeks), 'weekly log')}{span}, "
              f"{_count(len(found.case_studies), 'case study', 'case studies')}, "
              f"{_count(len(found.pages), 'page')}"
              + (f"; {_count(len(found.unread_weeks), 'week file')} with errors"
                 if found.unread_weeks else ""))
    if analysis.ladders is not None:
        ladders = ", ".join(ladder.id for ladder in analysis.ladders.shown)
        ui.detail(f"ladders: {ladders or 'none'}")
    if analysis.progress is not None:
        progress = analysis.progress
        ui.detail(f"as of {progress.as_of}" + (f" ({progress.week_in_progress} in progress)"
                                               if progress.week_in_progress else ""))
    _describe_provenance(analysis.provenance, ui, building)


def _describe_provenance(found: Any, ui: Ui, building: bool) -> None:
    """Where the history was read (`build`, `check`, `status --format json`): when there is
    none, why, in one line (a build says it unasked: its site will not say when entries were
    committed); with -v, what it says."""
    from generator.source.history import NoHistory

    if isinstance(found, NoHistory):
        (ui.info if building else ui.detail)(
            f"no provenance: {found.reason}; the site says nothing of when entries were "
            "committed")
    elif found is not None:
        late = sum(f.late for f in found.milestones.values())
        ui.detail(f"provenance: as of commit {found.head.short} ({found.head.day}); "
                  f"{_count(late, 'milestone')} logged late, "
                  f"{_count(len(found.revisions), 'revision')}")


def _print_problems(problems: Any, ui: Ui, content: Path, *, err: bool = True) -> bool:
    """Print problems, paths from the working directory; return True when there are errors."""
    from generator.problems import format_text

    if problems:
        click.echo(format_text(list(problems), color=ui.color, base=path_base(content)),
                   err=err)
    return any(p.is_error for p in problems)


@main.command(epilog="Exit codes: 0 the content is valid, 1 errors (or warnings with --strict), "
              "2 usage error.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text for people, json for tools, github for annotations.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@as_of_option
@cache_option
@common
def check(content: Path, ui: Ui, fmt: str, strict: bool, as_of: Any, cache: Path | None
          ) -> None:
    """Validate the content, and the theme with it: every problem with file:line:col and a
    hint. The site is rendered in memory (never written), so whatever would make `build` fail
    fails here."""
    from generator.pipeline import render
    from generator.problems import format_github, format_json, promote_warnings, summary_line

    with Stages(ui) as stages:
        rendered = render(content, as_of=as_of, cache=cache, progress=stages)
    analysis = rendered.analysis
    _describe(analysis, ui)
    problems = list(rendered.problems)
    if strict:
        problems = promote_warnings(problems)
    failed = any(p.is_error for p in problems)
    if fmt == "json":
        click.echo(format_json(problems, base=path_base(content)))
    elif fmt == "github":
        if problems:
            click.echo(format_github(problems, _repo_prefix(content)))
    else:
        _print_problems(problems, ui, content, err=False)
        weeks = len(analysis.content.weeks)
        if not failed:
            read = analysis.content
            ui.info(ui.style("✓", fg="green") + f" {content}: {_count(weeks, 'week')}, "
                    f"{_count(len(read.case_studies), 'case study', 'case studies')}, "
                    f"{_count(len(read.pages), 'page')}; {summary_line(problems)}")
        else:
            ui.info(f"✗ {content}: {summary_line(problems)}")
    sys.exit(1 if failed else 0)


def _repo_prefix(content: Path) -> str:
    """The content dir as a path from the root of its git repository (what annotations
    need, wherever the command runs), else from the working directory."""
    folder = content.resolve()
    base = next((p for p in (folder, *folder.parents) if (p / ".git").exists()),
                Path.cwd().resolve())
    try:
        prefix = folder.relative_to(base).as_posix()
    except ValueError:
        return ""
    return "" if prefix == "." else prefix + "/"


@main.command(epilog=EXIT_CODES)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: the ladder; json: the progress document.")
@click.option("--private", is_flag=True,
              help="Text only: show your private amounts too (never published).")
@as_of_option
@cache_option
@common
def status(content: Path, ui: Ui, fmt: str, private: bool, as_of: Any, cache: Path | None
           ) -> None:
    """Where the company stands on its milestone ladders, current goal first.

    The text wraps to the terminal's width (COLUMNS, when set); piped to a file or another
    command, each line is whole."""
    if private and fmt != "text":
        raise click.UsageError("--private is for the terminal only: it goes with --format text")
    store = _store(cache)
    kept = None
    # Kept: the text, not with -v (it says what was read) nor --private (amounts are never
    # written anywhere but the content files)
    if fmt == "text" and ui.verbosity <= 0 and not private and store is not None:
        from generator.tools import status_cache

        kept = status_cache.key(content, {
            "as_of": repr(as_of), "color": ui.color,
            "width": _text_width(), "base": path_base(content)})
        said = status_cache.recall(store, kept) if kept is not None else None
        if said is not None:  # the same content, code and options: the same words
            _say(said, ui)
            return
    said = _status(content, ui, fmt, private, as_of, store)
    if kept is not None:
        status_cache.keep(store, kept, said)
    _say(said, ui)


def _status(content: Path, ui: Ui, fmt: str, private: bool, as_of: Any, store: Any) -> Any:
    """What `status` says (a `tools.status_cache.Said`)."""
    from generator.pipeline import analyse
    from generator.problems import format_text
    from generator.public.boundary import public_progress
    from generator.source.history import NoHistory
    from generator.tools.status_cache import Said

    # The JSON is progress.json's document, with its provenance; the text has none.
    analysis = analyse(content, as_of=as_of, history=fmt == "json", store=store)
    _describe(analysis, ui)
    problems = (format_text(list(analysis.problems), color=ui.color, base=path_base(content))
                if analysis.problems else None)
    if any(p.is_error for p in analysis.problems) or analysis.progress is None:
        return Said(1, problems, None)
    config = analysis.content.config
    assert config is not None
    found = analysis.provenance if not isinstance(analysis.provenance, NoHistory) else None
    shown = public_progress(analysis.progress, config, private=private, provenance=found)
    if fmt == "json":
        from generator.public.progress_doc import dumps, progress_document

        return Said(0, problems, dumps(progress_document(shown)))
    from generator.render.status_text import render

    return Said(0, problems, render(shown, ui.style, _text_width()) + "\n")


def _say(said: Any, ui: Ui) -> None:
    """Print what `status` said, and exit with its status."""
    if said.problems:
        click.echo(said.problems, err=True)
    if said.code:
        ui.info("✗ fix the errors above first (`traction check`)")
        sys.exit(said.code)
    click.echo(said.text, nl=False)


def _text_width() -> int | None:
    """The width `status` wraps to: COLUMNS when set, else the terminal's; in a pipe
    (a file, `grep`, CI logs) none: each line whole, whatever the reader's width."""
    import shutil

    if os.environ.get("COLUMNS", "").isdigit() or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


@main.command(epilog="Exit codes: 0 ok, 2 usage error.")
@click.argument("which", type=click.Choice(["all", "config", "week"]), default="all")
@common_unread
def schema(content: Path, ui: Ui, which: str) -> None:
    """Print the JSON Schema of traction.yaml ("config") and of a weekly log ("week").

    Point yaml-language-server at them for completion and checks as you type:
    `# yaml-language-server: $schema=traction.schema.json`. The schemas are the same for
    every content directory (`--content` is accepted, like everywhere, and not read).
    """
    import json

    from generator.source.schema import json_schemas

    schemas = json_schemas()
    chosen: Any = {"all": schemas, "config": schemas["traction.yaml"],
                   "week": schemas["week"]}[which]
    click.echo(json.dumps(chosen, indent=2, sort_keys=True))


@main.command(epilog=EXIT_CODES)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("_site"),
              show_default=True, help="Output directory; replaced atomically.")
@click.option("--base-url", help="Absolute URL the site is served from (default: site.url); "
              "or a path: '--base-url /' builds a preview that works from any static "
              "server at the output folder (`python -m http.server`), with canonical URLs, "
              "feed and sitemap still at site.url.")
@as_of_option
@cache_option
@common
def build(content: Path, ui: Ui, out: Path, base_url: str | None, as_of: Any,
          cache: Path | None) -> None:
    """Build the static site: progress page, updates, milestones, feed, JSON and badges."""
    from generator.output.writer import OutputError
    from generator.pipeline import build as build_site

    try:
        with Stages(ui) as stages:
            result = build_site(content, out, base_url, as_of, cache, stages)
    except OutputError as exc:
        refuse(str(exc))
    _describe(result.analysis, ui, building=True)
    _print_problems(result.problems, ui, content)
    if not result.ok:
        ui.info(f"✗ nothing written; {out} is unchanged")
        sys.exit(1)
    ui.info(ui.style("✓", fg="green") + f" built {result.files} files into {out}")


@main.command(epilog="Exit codes: 0 built (a startup whose progress.json cannot be used is "
              "skipped, with a warning), 1 an error in the cohort file, no usable "
              "progress.json, or with --strict a skipped one: nothing written, 2 usage error "
              "(an output folder Traction cannot use).")
@click.argument("cohort_file", metavar="COHORT_YAML", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("_cohort"),
              show_default=True, help="Output directory; replaced atomically.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The cohort's date (default: the latest as_of of the startups' documents).")
@click.option("--fetch", is_flag=True,
              help="Read progress entries that are https URLs (10 s and 4 MiB each at most); "
                   "without it they are skipped.")
@click.option("--strict", is_flag=True,
              help="A progress.json that cannot be used is an error, not a warning.")
@click.option("-v", "--verbose", count=True, help="Say more.")
@click.option("-q", "--quiet", is_flag=True, help="Only print problems.")
def cohort(cohort_file: Path, out: Path, as_of: Any, fetch: bool, strict: bool, verbose: int,
           quiet: bool) -> None:
    """Build one page for a cohort of startups from the progress.json each one publishes.

    COHORT_YAML holds `title:`, an optional `start:` date and `startups:`, each a `name:`
    and a `progress:` path (relative to the file) or https URL. See docs/cohort.md.
    """
    from generator.output.writer import OutputError
    from generator.problems import format_text
    from generator.tools.cohort.build import build_cohort

    ui = Ui(-1 if quiet else verbose)
    try:
        result = build_cohort(cohort_file, out, as_of=as_of.date() if as_of else None,
                              fetch=fetch, strict=strict)
    except OutputError as exc:
        refuse(str(exc))
    if result.problems:
        click.echo(format_text(list(result.problems), color=ui.color), err=True)
    if not result.ok:
        ui.info(f"✗ nothing written; {out} is unchanged")
        sys.exit(1)
    assert result.cohort is not None
    ladders = ", ".join(group.id for group in result.cohort.funnel)
    ui.detail(f"as of {result.cohort.as_of or 'no log yet'}; ladders: {ladders or 'none'}")
    built = _count(len(result.cohort.rows), "startup")
    skipped = f" ({len(result.cohort.skipped)} skipped)" if result.cohort.skipped else ""
    ui.info(ui.style("✓", fg="green") + f" built the cohort of {built}{skipped} into {out}")


@main.command(epilog="Exit codes: 0 ok, 2 usage error (no content folder, a folder that is "
              "not Traction's cache).")
@common
def clean(content: Path, ui: Ui) -> None:
    """Remove the cache of read files and drawn social cards (TRACTION_CACHE_DIR, else
    .traction-cache/ in the content folder). The next run makes it again. The site is left
    alone."""
    from generator.output.cache import clear
    from generator.output.writer import OutputError

    folder = cache_folder(content)
    try:
        removed = clear(folder)
    except OutputError as exc:
        refuse(str(exc))
    ui.info(ui.style("✓", fg="green") + (f" removed {folder}" if removed
                                         else f" no cache at {folder}"))


@main.command(epilog="Exit codes: 0 ok, 1 errors in the content at HEAD, 2 usage error (a "
              "bad option, not a git repository, an unknown revision).")
@click.argument("base")
@click.argument("head", required=False)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json", "text"]),
              default="markdown", show_default=True,
              help="markdown for a pull-request comment, json for tools, text for the terminal.")
@as_of_option
@cache_option_in_git
@common_in_git
def diff(content: Path, ui: Ui, base: str, head: str | None, fmt: str, as_of: Any,
         cache: Path | None) -> None:
    """What changes between two git revisions: milestones, goal, stage, new weeks, problems.

    HEAD defaults to the working tree. Nothing in the work tree or index is touched. Each
    revision is evaluated as of its commit's date, as the publish workflow builds it (the
    working tree as of SOURCE_DATE_EPOCH or its latest day); `--as-of` sets one date for both.
    """
    from generator.problems import located
    from generator.render.diff_text import render
    from generator.tools.diff import GitError, diff_revisions

    try:
        # no cache folder made where the working tree has no content folder
        report = diff_revisions(content, base, head, as_of,
                                _store(cache if content.is_dir() else None))
    except GitError as exc:
        refuse(str(exc))
    in_repo = _repo_prefix(content)

    def from_here(file: str) -> str:  # the text format's paths are check's
        return located(file.removeprefix(in_repo), path_base(content))

    click.echo(render(report, fmt, ui.style, from_here), nl=False)
    if not report.ok:
        ui.info(f"✗ the content at {head or 'the working tree'} has errors")
        sys.exit(1)


@main.command(epilog="Exit codes: 0 stopped with Ctrl-C, 2 usage error (no content folder, "
              "the port in use). Errors in the content show in the page; the preview stays up.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port on 127.0.0.1.")
@cache_option
@common
def serve(content: Path, ui: Ui, port: int, cache: Path | None) -> None:
    """Live-reloading preview on 127.0.0.1; rebuilds on every change, shows errors in the page."""
    from generator.tools.serve import ServeError
    from generator.tools.serve import serve as run

    try:
        run(content, port, lambda message: click.echo(message, err=True), cache,
            path_base(content))
    except ServeError as exc:
        refuse(str(exc))


@main.command(epilog="Exit codes: 0 ok, 2 usage error.")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--company", default="Acme", show_default=True, help="Company name.")
@click.option("-v", "--verbose", count=True, help="Say more.")
@click.option("-q", "--quiet", is_flag=True, help="Only print problems.")
def init(directory: Path, company: str, verbose: int, quiet: bool) -> None:
    """Scaffold a content repository: content/, editor schemas, workflows, .gitignore.

    Existing files are never overwritten.
    """
    import datetime

    from generator.tools.scaffold import ScaffoldError
    from generator.tools.scaffold import init as scaffold

    ui = Ui(-1 if quiet else verbose)
    try:
        written = scaffold(directory, company, datetime.date.today())
    except ScaffoldError as exc:
        ui.info(f"✗ {exc}")
        sys.exit(1)
    for path in written.created:
        ui.info(f"  created {path}")
    for path in written.kept:
        ui.info(f"  kept    {path} (exists)")
    ui.info(ui.style("✓", fg="green") + " ready")
    for line in written.notes:
        ui.info(line)


@main.group()
def new() -> None:
    """Create content from a template."""


@new.command("week", epilog="Exit codes: 0 created, 2 usage error (no content folder or "
             "traction.yaml, the week's file already exists).")
@click.option("--week", "week", help="ISO week, e.g. 2026-W48 (default: this week).")
@common
def new_week(content: Path, ui: Ui, week: str | None) -> None:
    """Create weeks/YYYY-Www.yaml listing the open qualified leads; never overwrites."""
    import datetime

    from generator.isoweek import IsoWeek
    from generator.tools.scaffold import ScaffoldError
    from generator.tools.scaffold import new_week as create

    if week is None:
        week = IsoWeek.of(datetime.date.today()).label
    else:
        try:
            IsoWeek.parse(week)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--week") from None
    try:
        path = create(content, week)
    except ScaffoldError as exc:
        refuse(str(exc))
    ui.info(ui.style("✓", fg="green") + f" created {path}")


# --- traction log -----------------------------------------------------------------------------


def _complete_ids(kind: str) -> Callable[[click.Context, click.Parameter, str], list[str]]:
    """Shell completion from the ids the content folder knows (`accounts`, `sources`,
    `owners`)."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        from generator.tools.logentry import known_ids

        try:
            ids = known_ids(Path(ctx.params.get("content") or "content"))[kind]
        except Exception:
            return []
        return [found for found in ids if found.startswith(incomplete)]

    return complete


def _complete_words(name: str) -> Callable[[click.Context, click.Parameter, str], list[str]]:
    """Shell completion from one of the format's word lists in `source.schema` (read when
    completing, so `traction --help` does not load the schema); check validates the word."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        from generator.source import schema

        words: tuple[str, ...] = getattr(schema, name)
        return [word for word in words if word.startswith(incomplete)]

    return complete


def log_date(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--date YYYY-MM-DD`, else today: passed on as `day`. Besides `init` and `new week`, the
    one place that reads the clock; the entry's week is the date's ISO week."""

    @click.option("--date", "date_flag", type=click.DateTime(formats=["%Y-%m-%d"]),
                  help="When it happened (default: today); the entry goes to that ISO week.")
    @functools.wraps(command)
    def wrapper(*args: Any, date_flag: Any, **kwargs: Any) -> Any:
        import datetime

        day = date_flag.date() if date_flag is not None else datetime.date.today()
        return command(*args, day=day, **kwargs)

    return wrapper


def _log(content: Path, ui: Ui, make_entry: Callable[[], Any]) -> None:
    """Make the entry (a value that cannot be one is refused there) and log it."""
    from generator.tools.logentry import log as append
    from generator.tools.scaffold import ScaffoldError

    try:
        entry = make_entry()
        logged = append(content, entry)
    except ScaffoldError as exc:  # a value that cannot be an entry: a usage error
        refuse(str(exc))
    _print_problems(logged.problems, ui, content)
    if not logged.written:
        ui.info(f"✗ not logged: {logged.file} is unchanged" + (
            f" (the line numbers above count the {entry.kind} as added)" if logged.line else ""))
        sys.exit(1)
    ui.info(ui.style("✓", fg="green") + f" logged the {entry.kind} of {entry.date} at "
            f"{logged.file}:{logged.line}" + (" (a new week file)" if logged.created else ""))


@main.group(epilog=EXIT_CODES)
def log() -> None:
    """Add one fact to the log, in the week file of its date (created if missing).

    The file keeps its comments and layout. The entry is checked with the content, as
    `traction check` does, and written only if there is no error.
    """


@log.command("call", epilog=EXIT_CODES)
@click.option("--with", "with_", help="Who the call was with (private).")
@click.option("--account", shell_complete=_complete_ids("accounts"), help="Account id.")
@click.option("--type", "type_", default="sales", show_default=True,
              shell_complete=_complete_words("CALL_TYPES"),
              help="sales, discovery or demo (counted); check-in or onboarding.")
@click.option("--status", default="held", show_default=True,
              shell_complete=_complete_words("CALL_STATUSES"),
              help="held (counted), scheduled, no-show or cancelled.")
@click.option("--notes", help="Call notes (private).")
@log_date
@common
def log_call(content: Path, ui: Ui, day: Any, with_: str | None, account: str | None,
             type_: str, status: str, notes: str | None) -> None:
    """A call with a prospect or customer."""
    from generator.tools.logentry import call

    _log(content, ui, lambda: call(day, with_=with_, account=account, type_=type_,
                                   status=status, notes=notes))


@log.command("account", epilog=EXIT_CODES)
@click.argument("account", shell_complete=_complete_ids("accounts"))
@click.argument("event", shell_complete=_complete_words("ACCOUNT_EVENTS"))
@click.option("--source", shell_complete=_complete_ids("sources"),
              help="qualified: the pipeline source.")
@click.option("--owner", shell_complete=_complete_ids("owners"),
              help="qualified: who owns the deal (default: the founders).")
@click.option("--amount", help="paid: the amount (private).")
@click.option("--interval", shell_complete=_complete_words("PAID_INTERVALS"),
              help="paid: month, year or once.")
@click.option("--note", help="A note (private).")
@log_date
@common
def log_account(content: Path, ui: Ui, day: Any, account: str, event: str,
                source: str | None, owner: str | None, amount: str | None,
                interval: str | None, note: str | None) -> None:
    """An account's event: qualified, won, lost, paid, hell-yes, meh, renewed or churned."""
    from generator.tools.logentry import account_event

    _log(content, ui, lambda: account_event(day, account, event, source=source, owner=owner,
                                            amount=amount, interval=interval, note=note))


@log.command("sale", epilog=EXIT_CODES)
@click.argument("price")
@click.option("--product", help="What was sold (public).")
@click.option("--note", help="A note (private).")
@log_date
@common
def log_sale(content: Path, ui: Ui, day: Any, price: str, product: str | None,
             note: str | None) -> None:
    """A sale to the email list, at PRICE (private)."""
    from generator.tools.logentry import list_event

    _log(content, ui, lambda: list_event(day, "sale", price=price, product=product, note=note))


@log.command("question", epilog=EXIT_CODES)
@click.option("--note", help="A note (private).")
@log_date
@common
def log_question(content: Path, ui: Ui, day: Any, note: str | None) -> None:
    """A question from a subscriber of the email list."""
    from generator.tools.logentry import list_event

    _log(content, ui, lambda: list_event(day, "question", note=note))


@log.command("inquiry", epilog=EXIT_CODES)
@click.option("--prompted", is_flag=True, help="It answered a pitch (not spontaneous).")
@click.option("--note", help="A note (private).")
@log_date
@common
def log_inquiry(content: Path, ui: Ui, day: Any, prompted: bool, note: str | None) -> None:
    """An inquiry for services from the email list."""
    from generator.tools.logentry import list_event

    _log(content, ui, lambda: list_event(day, "inquiry",
                                         spontaneous=False if prompted else None, note=note))


@log.command("spend", epilog=EXIT_CODES)
@click.argument("source", shell_complete=_complete_ids("sources"))
@click.argument("amount")
@log_date
@common
def log_spend(content: Path, ui: Ui, day: Any, source: str, amount: str) -> None:
    """Spend on a pipeline source (the AMOUNT is private), in the week of the date."""
    from generator.tools.logentry import spend

    _log(content, ui, lambda: spend(day, source, amount))


@log.command("note", epilog=EXIT_CODES)
@click.argument("text")
@log_date
@common
def log_note(content: Path, ui: Ui, day: Any, text: str) -> None:
    """A paragraph for the week's summary (public Markdown), after what is there already
    (or instead of the template's placeholder)."""
    from generator.tools.logentry import note

    _log(content, ui, lambda: note(day, text))


# --- traction import ---------------------------------------------------------------------------


@main.group("import")
def import_() -> None:
    """Add what you already have to the log: Stripe payments, calendar meetings.

    Each import prints what it would add to the week files as a diff and writes nothing
    without --write. Importing the same file again adds nothing.
    """


def _write_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--write", is_flag=True,
                        help="Write the entries (default: only show the diff).")(command)


def _finish_import(report: Any, problems: Any, ui: Ui, found: str, content: Path) -> None:
    """Print the diff (the founder's own data, on their own terminal), the problems and what
    happened; exit 1 on errors."""
    from generator.tools.importers.apply import unified_diff

    failed = _print_problems(list(problems.sorted()), ui, content)
    if report is None:
        ui.info("✗ fix the errors above first (`traction check`); nothing written")
        sys.exit(1)
    outcome = report.outcome
    click.echo(unified_diff(outcome.changes), nl=False)
    for note in report.notes:
        ui.info(f"  {note}")
    files = _count(len(outcome.changes), "week file")
    summary = (f"{found}: {_count(outcome.added, 'entry', 'entries')} new, "
               f"{report.present} already in the log")
    if failed:
        ui.info(f"✗ {summary}; the log would not check (above), nothing written")
        sys.exit(1)
    if outcome.written:
        ui.info(ui.style("✓", fg="green") + f" {summary}; wrote {files}")
    elif outcome.added:
        ui.info(f"{summary}; run again with --write to add them to {files}")
    else:
        ui.info(ui.style("✓", fg="green") + f" {summary}; nothing to add")


@import_.command("stripe", epilog=EXIT_CODES)
@click.argument("export", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--map", "mapping",
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Stripe customer id → account id (default: CONTENT/imports/stripe.yaml).")
@click.option("--interval", type=click.Choice(["month", "year", "once"]), default="month",
              show_default=True, help="Payments export: how often a customer pays.")
@_write_option
@common
def import_stripe(content: Path, ui: Ui, export: Path, mapping: Path | None, interval: str,
                  write: bool) -> None:
    """Payments or subscriptions exported from Stripe's dashboard (CSV) as `paid` and
    `churned` events, amounts private. Unmapped customers get a stable alias (stripe-...)."""
    from generator.problems import Problems
    from generator.tools.importers.apply import ImportFileError
    from generator.tools.importers.stripe_csv import import_stripe as run

    problems = Problems()
    try:
        report = run(content, export, mapping, interval, problems, write=write)
    except ImportFileError as exc:  # a file it was given that it cannot use
        refuse(str(exc))
    _finish_import(report, problems, ui, "stripe", content)


def _type_map(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
              ) -> dict[str, str]:
    from generator.source.schema import CALL_TYPES

    types: dict[str, str] = {}
    for pair in (p for value in values for p in value.split(",") if p.strip()):
        keyword, _, kind = pair.partition("=")
        if not keyword.strip() or kind.strip() not in CALL_TYPES:
            raise click.BadParameter(f"expected KEYWORD=TYPE, TYPE one of {', '.join(CALL_TYPES)}"
                                     f", e.g. demo=demo,intro=discovery")
        types[keyword.strip()] = kind.strip()
    return types


def _zone(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    import zoneinfo

    if value is None:
        return None
    try:
        return zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"'{value}' is not a time zone, e.g. Europe/Berlin") from None


@import_.command("calendar", epilog=EXIT_CODES)
@click.argument("export", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--title-keyword", "keywords", multiple=True,
              help="Import meetings whose title holds this (repeatable; any matches).")
@click.option("--domain", "domains", multiple=True,
              help="Import meetings with an attendee at this email domain (repeatable).")
@click.option("--type-map", "types", multiple=True, callback=_type_map,
              help="Title keyword → call type, e.g. demo=demo,intro=discovery (default type: "
                   "sales; also `types:` in imports/calendar.yaml).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="First day to import (default: the first meeting).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Last day to import (default: today: a meeting to come is not a call yet).")
@click.option("--timezone", callback=_zone,
              help="Date meetings in this time zone, e.g. Europe/Berlin (default: each "
                   "meeting's own).")
@click.option("--map", "mapping",
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Types and accounts by attendee domain (default: "
                   "CONTENT/imports/calendar.yaml).")
@_write_option
@common
def import_calendar(content: Path, ui: Ui, export: Path, keywords: tuple[str, ...],
                    domains: tuple[str, ...], types: dict[str, str], since: Any, until: Any,
                    timezone: Any, mapping: Path | None, write: bool) -> None:
    """Meetings from a calendar export (.ics) as calls, contacts private. Repeating meetings
    are expanded; cancelled ones become cancelled calls."""
    import datetime

    from generator.problems import Problems
    from generator.tools.importers.apply import ImportFileError
    from generator.tools.importers.calendar_ics import EARLIEST, Choice
    from generator.tools.importers.calendar_ics import import_calendar as run

    if not keywords and not domains:
        raise click.UsageError("say which meetings are sales calls: --title-keyword and/or "
                               "--domain")
    choice = Choice(until=until.date() if until else datetime.date.today(),
                    since=since.date() if since else EARLIEST, title_keywords=keywords,
                    domains=domains, types=types, timezone=timezone, settings=mapping)
    problems = Problems()
    try:
        report = run(content, export, choice, problems, write=write)
    except ImportFileError as exc:  # a file it was given that it cannot use
        refuse(str(exc))
    _finish_import(report, problems, ui, "calendar", content)
