"""The site's view: everything the templates may show, and nothing else.

Templates, the feed, the JSON files and the badges receive only a `SiteView`.
Its milestones and numbers come from `boundary.public_progress` (the privacy
boundary for everything the engine computed); the rest is the public part of
the content: summaries, published case studies and pages, with the names of
accounts that are not `public: true` replaced by stable aliases ("Customer 3").
Call contacts, notes and drafts never enter it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from generator.isoweek import IsoWeek
from generator.model.analysis import Analysis
from generator.model.engine import WeekStats
from generator.model.metrics import METRICS
from generator.model.provenance import FirstLogged, Provenance
from generator.public.boundary import (
    PublicMeasure,
    PublicMilestone,
    PublicProgress,
    PublicRevision,
    public_progress,
    public_revisions,
)
from generator.public.paths import milestone_path, week_path
from generator.public.wording import STATUS_LABELS, detail_text, fmt, measure_text, percent
from generator.render.charts import Chart, charts
from generator.render.markup import prepare, to_html, to_text
from generator.source.accounts import aliases
from generator.source.history import Commit
from generator.source.loader import Document
from generator.source.schema import CaseStudyMeta, PageMeta, WeekLog

STAGE_LABELS = {"prototype": "Prototype", "traction": "Traction", "growth": "Growth"}


@dataclass(frozen=True)
class MeasureView:
    text: str  # "paying customers: 3 of 5"
    label: str  # "paying customers"
    figure: str  # "3 of 5"; a short one with no-break spaces, so it never wraps inside
    met: bool
    # Whole percent of the way to its target, floored (never 100 until met); None for an
    # amount unless `show_revenue`: progress toward a public target would reveal it.
    percent: int | None


@dataclass(frozen=True)
class EventView:
    """A milestone reached or slipped on a date."""

    date: datetime.date
    status: str  # achieved | slipped
    milestone_id: str
    milestone_title: str
    url: str
    week: str  # ISO week of the date


@dataclass(frozen=True)
class MilestoneView:
    id: str
    number: int
    ladder_id: str
    ladder_title: str
    title: str
    summary: str
    why_html: str
    definition: tuple[str, ...]
    status: str
    status_label: str
    achieved_on: datetime.date | None  # the first time
    since: datetime.date | None  # achieved now, since this day (its latest transition)
    last_change: datetime.date | None
    progress: float
    percent: int
    progress_private: bool  # progress toward an amount, kept private: `progress` is 0 or 1
    measures: tuple[MeasureView, ...]
    # Numbers that explain the measures, as text: "sales calls this week: 2 of 5 so far",
    # "stale qualified leads (open 90+ days, counted as lost): 1". Only those worth a line.
    details: tuple[str, ...]
    history: tuple[EventView, ...]
    url: str
    badge_json: str
    badge_svg: str
    chart: str | None  # the id of the home page's chart of its metric, if there is one
    # Markdown to paste into a README: the badge drawn by shields.io from badge_json, and
    # the same badge as this site's own SVG; each links to the milestone's page.
    badge_markdown: str
    badge_markdown_svg: str
    # When its achievement was first committed (model.provenance), when the history was read.
    first_logged: FirstLogged | None = None


@dataclass(frozen=True)
class LadderView:
    id: str
    title: str
    summary: str
    milestones: tuple[MilestoneView, ...]
    achieved: int


@dataclass(frozen=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True)
class WeekView:
    label: str  # 2026-W47
    title: str  # Week 47, 2026
    monday: datetime.date
    sunday: datetime.date
    summary_html: str
    summary_text: str
    stats: WeekStats  # for the week in progress: its numbers so far
    figures: tuple[Figure, ...]  # the key numbers and their change since the week before
    headline: str  # "Week 47: 8 paying customers, first rep deal" (public numbers only)
    in_progress: bool  # the as-of week, not ended yet
    events: tuple[EventView, ...]
    url: str
    previous: Link | None
    next: Link | None


@dataclass(frozen=True)
class Result:
    metric: str
    before: str
    after: str


@dataclass(frozen=True)
class CaseStudyView:
    slug: str
    title: str
    summary: str
    date: datetime.date | None
    customer: str | None  # public name, or alias
    results: tuple[Result, ...]
    tags: tuple[str, ...]
    tag_links: tuple[Link, ...]  # each tag, to its list on the case-studies page
    # The weekly updates with an event of its customer, and the milestones reached in them
    weeks: tuple[Link, ...]
    milestones: tuple[Link, ...]
    body_html: str
    url: str


@dataclass(frozen=True)
class TagView:
    label: str
    anchor: str  # the id of its list on the case-studies page
    studies: tuple[Link, ...]


def tag_anchor(tag: str) -> str:
    """`Cold email` → `tag-cold-email`: an id, the same for tags that differ in case only."""
    return "tag-" + (re.sub(r"[^\w]+", "-", tag.casefold()).strip("-") or "x")


@dataclass(frozen=True)
class PageView:
    slug: str
    title: str
    summary: str
    order: int
    body_html: str
    url: str


@dataclass(frozen=True)
class FeedEntry:
    """One entry of feed.xml: a milestone reached or slipped, a week, a case study."""

    title: str
    id: str  # absolute and stable: what a feed reader remembers an entry by
    url: str  # site-root-relative, like every URL of the view
    updated: datetime.date
    summary: str
    content_html: str  # "" when the summary says it all


@dataclass(frozen=True)
class SiteView:
    """What templates see. Built only by `public_view`."""

    title: str
    description: str
    language: str
    base_url: str  # absolute, ends with /: where the site is published
    base_path: str  # what every link starts with, ends with /: base_url's path, or the
    # path given as --base-url (a preview build, served at that path)
    company: str
    tagline: str
    stage: str
    stage_label: str
    as_of: datetime.date | None
    latest_week: str | None
    week_in_progress: str | None  # the as-of week when it has not ended
    goal: MilestoneView | None
    ladders: tuple[LadderView, ...]
    milestones: tuple[MilestoneView, ...]
    weeks: tuple[WeekView, ...]  # newest first
    events: tuple[EventView, ...]  # every milestone transition, newest first
    case_studies: tuple[CaseStudyView, ...]
    tags: tuple[TagView, ...]  # every tag of a published case study, by name
    pages: tuple[PageView, ...]
    feed: tuple[FeedEntry, ...]  # newest first
    charts: tuple[Chart, ...]
    figures: tuple[Figure, ...]  # the latest week's key numbers, for the top of the home page
    progress: PublicProgress  # what the privacy boundary let out; progress.json is made of it
    show_revenue: bool
    social_cards: bool  # draw a PNG card for every page (site.social_cards)
    commit: Commit | None = None  # the commit the content is as of, when its history was read
    revisions: tuple[PublicRevision, ...] = ()  # entries changed after they were committed
    late_after_days: int = 14  # provenance.late_after_days, for the methodology page

    def url(self, path: str = "") -> str:
        """Site-root-relative URL of `path` (works under a sub-path)."""
        return self.base_path + path.lstrip("/")

    def absolute(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def full(self, url: str) -> str:
        """Absolute form of a URL made by `url()`."""
        return self.base_url + url.removeprefix(self.base_path)

    def chart(self, chart_id: str | None) -> Chart | None:
        return next((c for c in self.charts if c.id == chart_id), None)


def _definition(status: PublicMilestone) -> tuple[str, ...]:
    lines = []
    for cond in status.milestone.conditions:
        metric = METRICS[cond.metric]
        sign = "≥" if cond.comparison == "at_least" else "≤"
        ratio = metric.kind == "share"
        target = fmt(cond.target, ratio)
        extra = []
        if cond.owners != "all":
            extra.append(f"{cond.owners} only")
        if cond.per_week is not None:
            extra.append(f"{cond.per_week}+ counted calls a week")
        if cond.window_days is not None:
            extra.append(f"won within {cond.window_days} days of qualifying")
        if cond.window_weeks is not None:
            extra.append(f"over the last {cond.window_weeks} weeks")
        if cond.min_sqls is not None:
            extra.append(f"{cond.min_sqls}+ qualified leads")
        if cond.min_wins is not None:
            extra.append(f"{cond.min_wins}+ wins, cost per win within budget")
        line = f"{metric.label} {sign} {target}"
        lines.append(line + (f" ({'; '.join(extra)})" if extra else ""))
    return tuple(lines)


def _measure(measure: PublicMeasure) -> MeasureView:
    text = measure_text(measure)
    label, _, figure = text.partition(": ")
    return MeasureView(text, label, unbroken(figure), measure.met,
                       None if measure.progress is None else percent(measure.progress))


NBSP = "\u00a0"


def unbroken(figure: str) -> str:
    """A short figure on one line: "15 (target 4)", "1 of 3", "about 45" never break; a
    longer text may."""
    return figure.replace(" ", NBSP) if len(figure) <= 16 else figure


@dataclass(frozen=True)
class Figure:
    """A big number and how it moved since the week before, as public dashboards open."""

    label: str
    value: str
    change: str | None  # "▲2", "▼5 pts", "±0"; None without a week before to compare
    direction: str  # up | down | flat, for the colour (the arrow says it too)
    change_text: str | None  # the change in words, for screen readers
    note: str | None = None  # "so far"


def _change(now: float | None, before: float | None, unit: str = "",
            scale: int = 1) -> tuple[str | None, str, str | None]:
    if now is None or before is None:
        return None, "flat", None
    delta = round((now - before) * scale)
    if delta == 0:
        return "±0", "flat", "no change since the week before"
    arrow, word = ("▲", "up") if delta > 0 else ("▼", "down")
    suffix = f" {unit}" if unit else ""
    return (f"{arrow}{abs(delta)}{suffix.replace(' ', NBSP)}", word,
            f"{word} {abs(delta)}{suffix} since the week before")


def figures(week: WeekStats, previous: WeekStats | None) -> tuple[Figure, ...]:
    """Paying and hell-yes customers, the close rate and the sales calls of `week`, each
    with its change since `previous`. A week in progress shows its calls so far, without a
    change: half a week against a whole one would read as a drop."""
    def both(name: str) -> tuple[float | None, float | None]:
        """`name` of the week and of the week before (None without one, or no value)."""
        def value(stats: WeekStats | None) -> float | None:
            found = getattr(stats, name, None)
            return None if found is None else float(found)
        return value(week), value(previous)

    rate = both("close_rate")[0]
    return (
        Figure("Paying customers", str(week.paying_customers), *_change(*both("paying_customers"))),
        Figure("Hell-yes customers", str(week.hell_yes_customers),
               *_change(*both("hell_yes_customers"))),
        Figure("Close rate", "–" if rate is None else f"{rate * 100:.0f}%",
               *_change(*both("close_rate"), "pts", 100)),
        Figure("Sales calls this week" if week.in_progress else "Sales calls",
               str(week.sales_calls),
               *((None, "flat", None) if week.in_progress else _change(*both("sales_calls"))),
               note="so far" if week.in_progress else None),
    )


def _milestone(status: PublicMilestone, ladder_title: str, site: _Urls) -> MilestoneView:
    m = status.milestone
    shown = status.progress
    page = milestone_path(m.id)
    url = site.url(page)
    history = tuple(EventView(t.date, t.status, m.id, m.title, url, _week_of(t.date))
                    for t in status.history)
    return MilestoneView(
        id=m.id, number=m.number, ladder_id=m.ladder, ladder_title=ladder_title, title=m.title,
        summary=m.summary, why_html=site.html(m.why), definition=_definition(status),
        status=status.status, status_label=STATUS_LABELS[status.status],
        achieved_on=status.achieved_on, since=status.since,
        last_change=status.history[-1].date if status.history else None,
        progress=shown, percent=percent(shown), progress_private=status.progress_hidden,
        measures=tuple(_measure(x) for x in status.measures),
        details=tuple(detail_text(d) for d in status.details if d.shown),
        history=history, url=url,
        badge_json=site.url(f"milestones/{m.id}/badge.json"),
        badge_svg=site.url(f"milestones/{m.id}/badge.svg"),
        chart=next((CHART_OF_METRIC[c.metric] for c in m.conditions
                    if c.metric in CHART_OF_METRIC and c.owners == "all"), None),
        badge_markdown=_badge_markdown(
            f"{m.title}: {STATUS_LABELS[status.status]}",
            SHIELDS_ENDPOINT + quote(site.full(f"{page}badge.json"), safe=""),
            site.full(page)),
        badge_markdown_svg=_badge_markdown(
            f"{m.title}: {STATUS_LABELS[status.status]}", site.full(f"{page}badge.svg"),
            site.full(page)),
        first_logged=status.first_logged,
    )


# The chart that shows a metric (for every owner), for the page of a milestone on it.
CHART_OF_METRIC = {
    "sales_call_streak": "chart-calls", "sales_calls_week": "chart-calls",
    "paying_customers": "chart-customers", "hell_yes_customers": "chart-customers",
    "close_rate": "chart-close-rate", "decided_sqls": "chart-close-rate",
}


SHIELDS_ENDPOINT = "https://img.shields.io/endpoint?url="


def _badge_markdown(alt: str, image: str, link: str) -> str:
    """`[![alt](image)](link)`. A title may hold brackets and the like: escaped. A site.url
    may hold parentheses, which would end a Markdown link: percent-encoded."""
    alt = re.sub(r"([\\`*_\[\]<>])", r"\\\1", alt)
    image, link = (u.replace("(", "%28").replace(")", "%29") for u in (image, link))
    return f"[![{alt}]({image})]({link})"


def _week_of(day: datetime.date) -> str:
    return IsoWeek.of(day).label


@dataclass(frozen=True)
class _Urls:
    base_path: str
    base: str  # absolute: where the site is published

    def url(self, path: str) -> str:
        return self.base_path + path

    def full(self, path: str) -> str:
        return self.base + path

    def html(self, markdown: str) -> str:
        """Content Markdown as safe HTML, root links (`/about/`) kept inside the site."""
        return to_html(markdown, self.base_path)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _lower_first(title: str) -> str:
    """"First rep deal" reads "first rep deal" inside a sentence; "MRR 10k" stays."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def _headline(number: int, stats: WeekStats, before: WeekStats | None,
              events: tuple[EventView, ...]) -> str:
    """What a week's feed entry is called: its public numbers that moved, then the
    milestones reached or slipped in it. Only counts from `PublicProgress.weeks` (the
    charts' series, in progress.json too) and public milestone titles go in."""
    parts = []
    if stats.paying_customers > (before.paying_customers if before else 0):
        parts.append(_plural(stats.paying_customers, "paying customer", "paying customers"))
    if stats.hell_yes_customers > (before.hell_yes_customers if before else 0):
        parts.append(_plural(stats.hell_yes_customers, "“hell yes” customer",
                             "“hell yes” customers"))
    if stats.sales_calls and len(parts) < 2:
        so_far = " so far" if stats.in_progress else ""
        parts.append(_plural(stats.sales_calls, "sales call", "sales calls") + so_far)
    # oldest first, as they happened: the view's events are newest first
    titles = [_lower_first(e.milestone_title) if e.status == "achieved"
              else f"slipped: {_lower_first(e.milestone_title)}" for e in reversed(events)]
    # "5 paying customers" says nothing more beside the milestone "5 paying customers, …"
    parts = [p for p in parts if not any(p in title for title in titles)]
    parts += titles
    return f"Week {number}: " + (", ".join(parts) if parts else "a quiet week")


def _weeks(logs: tuple[WeekLog, ...], progress: PublicProgress, events: list[EventView],
           urls: _Urls) -> tuple[WeekView, ...]:
    stats = {w.week: w for w in progress.weeks}
    # the week before each week, logged or not, for what moved in it
    before = {w.week: progress.weeks[i - 1] if i else None
              for i, w in enumerate(progress.weeks)}
    views = []
    for index, log in enumerate(logs):
        previous = logs[index - 1] if index > 0 else None
        following = logs[index + 1] if index + 1 < len(logs) else None
        week = log.iso_week
        its_events = tuple(e for e in events if e.week == log.week)
        views.append(WeekView(
            label=log.week, title=f"Week {week.week}, {week.year}", monday=log.monday,
            sunday=log.sunday, summary_html=urls.html(log.summary),
            summary_text=to_text(log.summary), stats=stats[log.week],
            figures=figures(stats[log.week], before.get(log.week)),
            headline=_headline(week.week, stats[log.week], before[log.week], its_events),
            in_progress=log.week == progress.week_in_progress,
            events=its_events,
            url=urls.url(week_path(log.week)),
            previous=Link(urls.url(week_path(previous.week)), previous.week) if previous else None,
            next=Link(urls.url(week_path(following.week)), following.week) if following else None,
        ))
    return tuple(reversed(views))


# An undated case study has no day of its own: it takes this fixed one, so it sorts last
# and never looks new again to a feed reader. Give it a `date` to place it.
UNDATED = datetime.date(1970, 1, 1)


def _feed(events: list[EventView], weeks: tuple[WeekView, ...],
          case_studies: list[CaseStudyView], company: str, urls: _Urls, base: str,
          as_of: datetime.date | None) -> tuple[FeedEntry, ...]:
    """Every entry of feed.xml, newest first: milestones reached or slipped, weeks and
    published case studies. The ids are the ones feed readers already know."""
    def full(url: str) -> str:
        return base + url.removeprefix(urls.base_path)

    entries = []
    for e in events:
        reached = e.status == "achieved"
        entries.append((e.date, 2, FeedEntry(
            title=f"{'Milestone reached' if reached else 'Milestone slipped'}: "
                  f"{e.milestone_title}",
            id=f"{full(e.url)}#{e.status}-{e.date.isoformat()}", url=e.url, updated=e.date,
            summary=f"{company} {'reached' if reached else 'slipped on'} "
                    f"“{e.milestone_title}” on {e.date.isoformat()}.",
            content_html="")))
    for week in weeks:
        # the week in progress is as of the as-of day, not of a Sunday still to come
        day = min(week.sunday, as_of) if as_of else week.sunday
        entries.append((day, 1, FeedEntry(
            title=week.headline, id=full(week.url), url=week.url, updated=day,
            summary=week.summary_text, content_html=week.summary_html)))
    for study in case_studies:
        day = study.date or UNDATED
        entries.append((day, 0, FeedEntry(
            title=f"Case study: {study.title}", id=full(study.url), url=study.url,
            updated=day, summary=study.summary, content_html=study.body_html)))
    # On one day a milestone comes before its week, and the week before a case study.
    entries.sort(key=lambda item: (item[0], item[1], item[2].id), reverse=True)
    return tuple(entry for _, _, entry in entries)


def _document_sort_key(doc: Document) -> tuple[Any, ...]:
    meta = doc.meta
    if isinstance(meta, CaseStudyMeta):
        return (-(meta.date.toordinal() if meta.date else 0), doc.slug)
    assert isinstance(meta, PageMeta)
    return (meta.order, doc.slug)


def site_base(site_url: str, base_url: str | None) -> tuple[str, str]:
    """(absolute base URL, path its links start with), both ending with /.

    `base_url` overrides `site.url`. A path alone (`--base-url /`) moves only the links:
    the site then works from any static server at that path, e.g. `python -m http.server`
    in the output folder, while canonical URLs, the feed, the sitemap and progress.json
    still name the published site (`site.url`), so a preview build never publishes
    127.0.0.1 and never changes a feed id."""
    if base_url is not None and base_url.startswith("/"):
        path = base_url if base_url.endswith("/") else base_url + "/"
        base = site_url if site_url.endswith("/") else site_url + "/"
        return base, path
    base = base_url or site_url
    base = base if base.endswith("/") else base + "/"
    return base, urlsplit(base).path or "/"


def public_view(analysis: Analysis, base_url: str | None = None,
                parallel: bool = False) -> SiteView:
    """Build the only object the renderer sees. `base_url` overrides `site.url` (see
    `site_base`). With `parallel`, the Markdown is converted on every core first."""
    content, config, ladder_set = analysis.content, analysis.content.config, analysis.ladders
    assert config is not None and analysis.progress is not None and ladder_set is not None
    found = analysis.provenance if isinstance(analysis.provenance, Provenance) else None
    progress = public_progress(analysis.progress, config, provenance=found)
    # Only texts that are published go to another process: no draft, nothing private.
    prepare([*(m.milestone.why for m in progress.milestones()),
             *(doc.body for doc in (*content.case_studies, *content.pages)
               if not doc.meta.draft),
             *(log.summary for log in content.weeks)], parallel)
    show_revenue = progress.show_revenue
    base, base_path = site_base(config.site.url, base_url)
    urls = _Urls(base_path, base)

    ladders = []
    for ladder_status in progress.ladders:
        views = tuple(_milestone(s, ladder_status.ladder.title, urls)
                      for s in ladder_status.milestones)
        ladders.append(LadderView(ladder_status.ladder.id, ladder_status.ladder.title,
                                  ladder_status.ladder.summary, views,
                                  sum(v.status == "achieved" for v in views)))
    milestones = tuple(m for ladder in ladders for m in ladder.milestones)
    events = sorted((e for m in milestones for e in m.history),
                    key=lambda e: (e.date, e.milestone_id), reverse=True)
    goal = next((m for m in milestones if progress.current_goal
                 and m.id == progress.current_goal.id), None)

    names = aliases(config, content.weeks)
    logged = {log.week for log in content.weeks}
    weeks_of: dict[str, set[str]] = {}  # account id → the weeks of its events
    for week in content.weeks:
        for event in week.accounts:
            weeks_of.setdefault(event.id, set()).add(IsoWeek.of(event.date).label)
    case_studies = []
    for doc in sorted(content.case_studies, key=_document_sort_key):
        meta = doc.meta
        assert isinstance(meta, CaseStudyMeta)
        if meta.draft:
            continue
        its_weeks = sorted(weeks_of.get(meta.customer, set()) & logged
                           if meta.customer else ())
        case_studies.append(CaseStudyView(
            slug=doc.slug, title=meta.title, summary=meta.summary, date=meta.date,
            customer=names.get(meta.customer, "A customer") if meta.customer else None,
            results=tuple(Result(r.metric, unbroken(r.before), unbroken(r.after))
                          for r in meta.results),
            tags=tuple(meta.tags),
            tag_links=tuple(Link(urls.url("case-studies/") + "#" + tag_anchor(tag), tag)
                            for tag in meta.tags),
            weeks=tuple(Link(urls.url(week_path(week)), week) for week in its_weeks),
            milestones=tuple(Link(e.url, e.milestone_title) for e in reversed(events)
                             if e.status == "achieved" and e.week in its_weeks),
            body_html=urls.html(doc.body),
            url=urls.url(f"case-studies/{doc.slug}/")))
    by_tag: dict[str, list[tuple[str, Link]]] = {}
    for study in case_studies:
        for tag in study.tags:
            by_tag.setdefault(tag_anchor(tag), []).append((tag, Link(study.url, study.title)))
    tags = tuple(TagView(entries[0][0], anchor, tuple(link for _, link in entries))
                 for anchor, entries in sorted(by_tag.items()))
    pages = tuple(
        PageView(doc.slug, doc.meta.title, doc.meta.summary, doc.meta.order,  # type: ignore[union-attr]
                 urls.html(doc.body), urls.url(f"{doc.slug}/"))
        for doc in sorted(content.pages, key=_document_sort_key) if not doc.meta.draft)

    weeks = _weeks(content.weeks, progress, events, urls)
    calls_target, close_target = ladder_set.chart_targets()
    return SiteView(
        title=config.site.title, description=config.site.description,
        language=config.site.language, base_url=base, base_path=urls.base_path,
        company=config.company.name, tagline=config.company.tagline,
        stage=progress.stage, stage_label=STAGE_LABELS[progress.stage],
        as_of=progress.as_of, latest_week=progress.latest_week,
        week_in_progress=progress.week_in_progress, goal=goal,
        ladders=tuple(ladders), milestones=milestones,
        weeks=weeks, events=tuple(events),
        case_studies=tuple(case_studies), tags=tags, pages=pages,
        feed=_feed(events, weeks, case_studies, config.company.name, urls, base,
                   progress.as_of),
        charts=charts(progress.weeks, calls_target, float(close_target)),
        figures=figures(progress.weeks[-1], progress.weeks[-2] if len(progress.weeks) > 1
                        else None) if progress.weeks else (),
        progress=progress,
        show_revenue=show_revenue,
        social_cards=config.site.social_cards,
        commit=progress.commit,
        revisions=public_revisions(found, config, names) if found else (),
        late_after_days=config.provenance.late_after_days,
    )
