"""The `traction` command: thin click wrappers around the pipeline.

Exit codes: 0 ok, 1 the content has errors (or a command failed on bad input),
2 usage error. Modules are imported inside commands so `traction --help` stays fast.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

EXIT_CODES = "Exit codes: 0 ok, 1 errors in the content, 2 usage error."


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


def common(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--content DIR`, `-v` and `-q`, defined once for every command."""

    @click.option("--content", "content", type=click.Path(path_type=Path, file_okay=False),
                  default=Path("content"), show_default=True,
                  help="Content directory (traction.yaml, weeks/, case-studies/, pages/).")
    @click.option("-v", "--verbose", count=True, help="Say more.")
    @click.option("-q", "--quiet", is_flag=True, help="Only print problems and results.")
    @functools.wraps(command)
    def wrapper(*args: Any, content: Path, verbose: int, quiet: bool, **kwargs: Any) -> Any:
        return command(*args, content=content, ui=Ui(-1 if quiet else verbose), **kwargs)

    return wrapper


def as_of_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--as-of YYYY-MM-DD`, else SOURCE_DATE_EPOCH, else the latest day the log mentions
    (SPEC §4): passed to the command as `as_of` (a pipeline.AsOf or None)."""

    @click.option("--as-of", "as_of_flag", type=click.DateTime(formats=["%Y-%m-%d"]),
                  help="Evaluate milestones as of this date (default: SOURCE_DATE_EPOCH if "
                       "set, else the latest day the log mentions).")
    @functools.wraps(command)
    def wrapper(*args: Any, as_of_flag: Any, **kwargs: Any) -> Any:
        from generator.model.analysis import AsOf, AsOfError, source_date

        as_of = None
        if as_of_flag is not None:
            as_of = AsOf(as_of_flag.date(), "--as-of")
        elif os.environ.get("SOURCE_DATE_EPOCH"):
            try:
                as_of = source_date(os.environ["SOURCE_DATE_EPOCH"])
            except AsOfError as exc:
                raise click.ClickException(str(exc)) from None
        return command(*args, as_of=as_of, **kwargs)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(package_name="traction-pages", prog_name="traction")
def main() -> None:
    """Turn a plain-text traction log into a build-in-public progress site."""


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _describe(analysis: Any, ui: Ui) -> None:
    """`-v`: what was read and evaluated."""
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


def _print_problems(problems: Any, ui: Ui, *, err: bool = True) -> bool:
    """Print problems; return True when there are errors."""
    from generator.problems import format_text

    if problems:
        click.echo(format_text(problems, color=ui.color), err=err)
    return any(p.is_error for p in problems)


@main.command(epilog="Exit codes: 0 the content is valid, 1 errors (or warnings with --strict), "
              "2 usage error.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text for people, json for tools, github for annotations.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@as_of_option
@common
def check(content: Path, ui: Ui, fmt: str, strict: bool, as_of: Any) -> None:
    """Validate the content, and the theme with it: every problem with file:line:col and a
    hint. The site is rendered in memory (never written), so whatever would make `build` fail
    fails here."""
    from generator.pipeline import render
    from generator.problems import format_github, format_json, promote_warnings, summary_line

    rendered = render(content, as_of=as_of)
    analysis = rendered.analysis
    _describe(analysis, ui)
    problems = list(rendered.problems)
    if strict:
        problems = promote_warnings(problems)
    failed = any(p.is_error for p in problems)
    if fmt == "json":
        click.echo(format_json(problems))
    elif fmt == "github":
        if problems:
            click.echo(format_github(problems, _repo_prefix(content)))
    else:
        _print_problems(problems, ui, err=False)
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
@common
def status(content: Path, ui: Ui, fmt: str, private: bool, as_of: Any) -> None:
    """Where the company stands on its milestone ladders, current goal first."""
    from generator.pipeline import analyse
    from generator.public.boundary import public_progress

    if private and fmt != "text":
        raise click.UsageError("--private is for the terminal only: it goes with --format text")

    analysis = analyse(content, as_of=as_of)
    _describe(analysis, ui)
    if _print_problems(analysis.problems, ui) or analysis.progress is None:
        ui.info("✗ fix the errors above first (`traction check`)")
        sys.exit(1)
    config = analysis.content.config
    assert config is not None
    shown = public_progress(analysis.progress, config, private=private)
    if fmt == "json":
        from generator.public.progress_doc import dumps, progress_document

        click.echo(dumps(progress_document(shown)), nl=False)
    else:
        from generator.render.status_text import render

        click.echo(render(shown, ui.style))


@main.command(epilog="Exit codes: 0 ok, 2 usage error.")
@click.argument("which", type=click.Choice(["all", "config", "week"]), default="all")
@common
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
@common
def build(content: Path, ui: Ui, out: Path, base_url: str | None, as_of: Any) -> None:
    """Build the static site: progress page, updates, milestones, feed, JSON and badges."""
    from generator.output.writer import OutputError
    from generator.pipeline import build as build_site
    from generator.problems import format_text

    try:
        result = build_site(content, out, base_url, as_of)
    except OutputError as exc:
        ui.info(f"✗ {exc}")
        sys.exit(1)
    _describe(result.analysis, ui)
    if result.problems:
        click.echo(format_text(list(result.problems), color=ui.color), err=True)
    if not result.ok:
        ui.info(f"✗ nothing written; {out} is unchanged")
        sys.exit(1)
    ui.info(ui.style("✓", fg="green") + f" built {result.files} files into {out}")


@main.command(epilog="Exit codes: 0 ok, 1 errors in the content at HEAD (or a git problem), "
              "2 usage error.")
@click.argument("base")
@click.argument("head", required=False)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json", "text"]),
              default="markdown", show_default=True,
              help="markdown for a pull-request comment, json for tools, text for the terminal.")
@as_of_option
@common
def diff(content: Path, ui: Ui, base: str, head: str | None, fmt: str, as_of: Any) -> None:
    """What changes between two git revisions: milestones, goal, stage, new weeks, problems.

    HEAD defaults to the working tree. Nothing in the work tree or index is touched. Each
    revision is evaluated as of its commit's date, as the publish workflow builds it (the
    working tree as of SOURCE_DATE_EPOCH or its latest day); `--as-of` sets one date for both.
    """
    from generator.render.diff_text import render
    from generator.tools.diff import GitError, diff_revisions

    try:
        report = diff_revisions(content, base, head, as_of)
    except GitError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(render(report, fmt, ui.style), nl=False)
    if not report.ok:
        ui.info(f"✗ the content at {head or 'the working tree'} has errors")
        sys.exit(1)


@main.command(epilog=EXIT_CODES)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port on 127.0.0.1.")
@common
def serve(content: Path, ui: Ui, port: int) -> None:
    """Live-reloading preview on 127.0.0.1; rebuilds on every change, shows errors in the page."""
    from generator.tools.serve import ServeError
    from generator.tools.serve import serve as run

    try:
        run(content, port, lambda message: click.echo(message, err=True))
    except ServeError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@main.command(epilog=EXIT_CODES)
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--company", default="Acme", show_default=True, help="Company name.")
@click.option("-v", "--verbose", count=True, help="Say more.")
@click.option("-q", "--quiet", is_flag=True, help="Only print problems.")
def init(directory: Path, company: str, verbose: int, quiet: bool) -> None:
    """Scaffold a content repository: content/, editor schemas, workflows, .gitignore.

    Existing files are never overwritten.
    """
    import datetime

    from generator.tools.scaffold import init as scaffold
    from generator.tools.scaffold import traction_requirement

    ui = Ui(-1 if quiet else verbose)
    written = scaffold(directory, company, datetime.date.today())
    for path in written.created:
        ui.info(f"  created {path}")
    for path in written.kept:
        ui.info(f"  kept    {path} (exists)")
    ui.info(f"  the workflows install {traction_requirement()} (requirements.txt)")
    ui.info(ui.style("✓", fg="green") + f" ready: cd {directory} && traction status")


@main.group()
def new() -> None:
    """Create content from a template."""


@new.command("week", epilog=EXIT_CODES)
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
        ui.info(f"✗ {exc}")
        sys.exit(1)
    ui.info(ui.style("✓", fg="green") + f" created {path}")


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


def _finish_import(report: Any, problems: Any, ui: Ui, found: str) -> None:
    """Print the diff (the founder's own data, on their own terminal), the problems and what
    happened; exit 1 on errors."""
    from generator.tools.importers.apply import unified_diff

    failed = _print_problems(list(problems.sorted()), ui)
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
    except ImportFileError as exc:
        ui.info(f"✗ {exc}")
        sys.exit(1)
    _finish_import(report, problems, ui, "stripe")


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
    except ImportFileError as exc:
        ui.info(f"✗ {exc}")
        sys.exit(1)
    _finish_import(report, problems, ui, "calendar")
