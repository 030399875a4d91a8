"""Social cards: the 1200×630 PNG a link preview shows for each page, and the touch icon.

A card is short plain text taken from the `SiteView` (so it came through the privacy
boundary), laid out by an SVG template in the theme's `cards/` folder and rasterised by
resvg with only the theme's bundled fonts, never the machine's: the same content gives
the same PNG bytes everywhere. Text that would not fit is wrapped and cut with "…" here,
before the template sees it, because SVG text does not wrap by itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from generator.render.site import CaseStudyView, MilestoneView, PageView, SiteView, WeekView

WIDTH, HEIGHT = 1200, 630
ICON = 180  # apple-touch-icon: iOS asks for 180×180
ICON_PATH = "apple-touch-icon.png"
MARGIN = 80
FONT_FAMILY = "Inter"  # the bundled font; a theme that ships another names it in its SVG
TEXT_WIDTH = WIDTH - 2 * MARGIN

# Advance widths in em, each at least the widest glyph of its group in Inter Bold or
# Regular (tests/test_cards.py checks every character of the shipped fonts): "g" 0.632,
# "4" 0.676, "Q" 0.777, "%" 1.016, "W" 1.038; "…" 1.002, "Ж" 1.068 and the rest of Latin,
# Greek and Cyrillic at most 1.2, but for the few in _OVERSIZE. Kerning only tightens, so
# a line measured with them never runs past the margin; at worst it wraps a little early.
_NARROW, _SEMI, _WIDE, _WIDEST = "ijl.,:;'|I ", "frt-/\\`!()[]{}?\"*_", "mw%@", "MW"
_OVERSIZE = "‰‱₯↔⇔ǅǆǊǱǲǳѸ"


def _em(char: str) -> float:
    if char in _NARROW:
        return 0.38
    if char in _SEMI:
        return 0.57
    if char in _WIDE:
        return 1.02
    if char in _WIDEST:
        return 1.04
    if char.isascii():
        if char.isupper():
            return 0.78
        return 0.64 if char.islower() else 0.68  # digits, & # + = < > ~ ^ and the like
    if char in _OVERSIZE:
        return 1.8
    return 1.2  # "·", "–", "→", "…", letters with accents, anything else


# Every card measures many lines (wrapping tries each word): a character's advance is
# looked up, not worked out again.
_EMS = {chr(code): _em(chr(code)) for code in range(128)}


def text_width(text: str, size: float) -> float:
    """How wide `text` may be at `size` pixels in the bundled font, never less than it is."""
    em, ems = 0.0, _EMS
    for char in text:  # added in order, not with sum(): Python 3.12 changed its rounding
        em += ems[char] if char in ems else _em(char)
    return em * size


def clip(text: str, size: float, width: float = TEXT_WIDTH) -> str:
    """`text` on one line of `width` at `size`, cut at a word with "…" when it is longer."""
    text = " ".join(text.split())
    if text_width(text, size) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:·–-") + "…"
        if text_width(candidate, size) <= width:
            return candidate
    cut = text  # one long word: cut it by characters
    while cut and text_width(cut + "…", size) > width:
        cut = cut[:-1]
    return cut + "…"


def wrap(text: str, size: float, lines: int, width: float = TEXT_WIDTH) -> tuple[str, ...]:
    """`text` in at most `lines` lines of `width`; the last one ends with "…" if cut."""
    words = " ".join(text.split()).split(" ")
    out: list[str] = []
    while words and words != [""] and len(out) < lines - 1:
        line = words.pop(0)
        while words and text_width(line + " " + words[0], size) <= width:
            line += " " + words.pop(0)
        if text_width(line, size) > width:  # a word longer than the line
            line = clip(line, size, width)
        out.append(line)
    if words and words != [""]:
        out.append(clip(" ".join(words), size, width))
    return tuple(out)


@dataclass(frozen=True)
class Figure:
    """A big number and what it counts: ("3", "paying customers")."""

    value: str
    label: str
    size: int = 88  # the value's font size, smaller for a long value


@dataclass(frozen=True)
class Card:
    """One card: what its SVG template draws, the tags that point to it."""

    path: str  # in the site: cards/home.png
    kind: str  # home | milestone | week | case_study | page
    kicker: str  # the small line above the title
    title: tuple[str, ...]  # wrapped, at most three lines
    title_size: int
    subtitle: str  # one line under the title
    badge: str  # a status for milestones ("achieved"), else ""
    status: str  # achieved | in_progress | slipped | not_started | "" (the badge's colour)
    lines: tuple[str, ...]  # smaller lines under the subtitle (a milestone's numbers)
    figures: tuple[Figure, ...]  # at most four
    percent: int | None  # a milestone's progress bar, when its progress may be shown
    footer: str  # the site's address and the as-of date
    company: str  # bottom right
    alt: str  # og:image:alt
    description: str  # the page's meta description, with numbers


def _date(day: datetime.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _company(site: SiteView) -> str:
    return clip(site.company, 24, TEXT_WIDTH / 3)


def _footer(site: SiteView, dated: bool) -> str:
    """The site's address; the as-of date only on a card that shows where things stand now,
    so a new week leaves the cards of past weeks, milestones and case studies unchanged."""
    parts = urlsplit(site.base_url)
    host = (parts.netloc + parts.path).rstrip("/")
    as_of = f"As of {_date(site.as_of)}" if site.as_of and dated else ""
    room = TEXT_WIDTH - text_width(_company(site), 24) - 40
    return clip(" · ".join(p for p in (host, as_of) if p), 24, room)


def _title(text: str) -> tuple[tuple[str, ...], int]:
    """The title at the biggest size that keeps it whole: two lines at 64 or 56 px, else
    three at 48 px, cut with "…" if even that is too short."""
    for size, lines in ((64, 2), (56, 2), (48, 3)):
        wrapped = wrap(text, size, lines)
        if not wrapped or not wrapped[-1].endswith("…"):
            return wrapped, size
    return wrap(text, 48, 3), 48


def _kicker(site: SiteView, what: str) -> str:
    return clip(f"{site.company} · {what}", 28)


def _card(site: SiteView, path: str, kind: str, kicker: str, title: str, subtitle: str,
          figures: tuple[Figure, ...], alt: str, description: str, status: str = "",
          badge: str = "", percent: int | None = None, lines: tuple[str, ...] = ()
          ) -> Card:
    title_lines, size = _title(title)
    return Card(path=path, kind=kind, kicker=kicker, title=title_lines, title_size=size,
                subtitle=clip(subtitle, 30, TEXT_WIDTH - (_badge_width(badge) if badge else 0)),
                badge=badge, status=status, lines=tuple(clip(x, 28) for x in lines[:3]),
                figures=_fit(figures), percent=percent,
                footer=_footer(site, kind == "home"), company=_company(site),
                alt=clip(alt, 12, 420 * 12), description=description)


def _badge_width(badge: str) -> float:
    return text_width(badge, 26) + 48 + 24  # its padding, and the gap before the subtitle


def _fit(figures: tuple[Figure, ...]) -> tuple[Figure, ...]:
    """At most four figures in columns: a value too wide for its column at 88 px is set
    smaller, down to 44 px, then cut."""
    column = TEXT_WIDTH / max(1, len(figures[:4])) - 24
    fitted = []
    for f in figures[:4]:
        size = next((s for s in (88, 72, 60, 52, 44) if text_width(f.value, s) <= column), 44)
        fitted.append(Figure(clip(f.value, size, column), clip(f.label, 26, column), size))
    return tuple(fitted)


def _current_figures(site: SiteView) -> tuple[Figure, ...]:
    """The three key figures now: paying and hell-yes customers, and the close rate (or,
    before there is one, the sales calls of the latest week)."""
    if not site.progress.weeks:
        return ()
    now = site.progress.weeks[-1]
    third = (Figure(f"{float(now.close_rate) * 100:.0f}%", "close rate")
             if now.close_rate is not None
             else Figure(str(now.sales_calls), "sales calls this week"))
    return (Figure(str(now.paying_customers), "paying customers"),
            Figure(str(now.hell_yes_customers), "hell-yes customers"), third)


def _goal_text(goal: MilestoneView | None) -> str:
    if goal is None:
        return "Every milestone reached"
    numbers = "; ".join(m.text for m in goal.measures[:2])
    return f"Goal: {goal.title}" + (f" ({numbers})" if numbers else "")


def _one(label: str) -> str:
    """"paying customers" for one: "paying customer"."""
    return label.replace("customers", "customer").replace("calls", "call")


def home_card(site: SiteView) -> Card:
    figures = _current_figures(site)
    numbers = ", ".join(f"{f.value} {_one(f.label) if f.value == '1' else f.label}"
                        for f in figures)
    goal = _goal_text(site.goal) if site.as_of else "No weekly logs yet"
    description = " · ".join(p for p in (numbers, goal[:1].lower() + goal[1:] if numbers
                                         else goal) if p)
    kicker = clip(" · ".join(p for p in (f"{site.stage_label} stage", site.tagline) if p), 28)
    goal_percent = site.goal.percent if site.goal and not site.goal.progress_private else None
    return _card(site, "cards/home.png", "home", kicker, site.company, goal, figures,
                 alt=f"{site.company}: {description}", description=description,
                 percent=goal_percent, status=site.goal.status if site.goal else "")


def milestone_card(site: SiteView, m: MilestoneView) -> Card:
    if m.status == "achieved":
        when = f"Reached {_date(m.achieved_on)}"
    elif m.status == "slipped":
        when = f"Slipped {_date(m.last_change)}"
    else:
        when = f"Milestone {m.number} of {m.ladder_title}"
    measures = tuple(x.text for x in m.measures)
    subtitle = when
    if m.status != "achieved" and not m.progress_private:
        subtitle = f"{m.percent}% of the way"
    status = m.status_label[:1].upper() + m.status_label[1:]
    summary = f"{m.title}: {status.lower()}" + (f" {_date(m.achieved_on)}" if m.achieved_on
                                                 else "")
    description = " · ".join(p for p in (summary, *measures[:2], m.summary) if p)
    return _card(site, f"cards/milestones/{m.id}.png", "milestone",
                 _kicker(site, f"Milestone {m.number} · {m.ladder_title}"), m.title,
                 subtitle, (), alt=f"{m.title}: {status.lower()}. {when}.", lines=measures,
                 description=description, status=m.status, badge=status,
                 percent=None if m.progress_private else m.percent)


def _week_numbers(week: WeekView) -> tuple[Figure, ...]:
    s = week.stats
    return (Figure(str(s.sales_calls), "sales calls"), Figure(str(s.sqls), "qualified leads"),
            Figure(str(s.won), "deals won"), Figure(str(s.paying_customers), "customers"))


def week_card(site: SiteView, week: WeekView) -> Card:
    figures = _week_numbers(week)
    so_far = " so far" if week.in_progress else ""
    numbers = (f"{_plural(week.stats.sales_calls, 'sales call', 'sales calls')}, "
               f"{_plural(week.stats.sqls, 'qualified lead', 'qualified leads')}, "
               f"{week.stats.won} won{so_far}; "
               f"{_plural(week.stats.paying_customers, 'paying customer', 'paying customers')}")
    reached = [e.milestone_title for e in week.events if e.status == "achieved"]
    subtitle = (f"Reached: {', '.join(reached)}" if reached
                else f"{_date(week.monday)} – {_date(week.sunday)}{so_far}")
    description = f"{week.title}: {numbers}." + (f" {week.summary_text}" if week.summary_text
                                                 else "")
    return _card(site, f"cards/weeks/{week.label}.png", "week",
                 _kicker(site, "Weekly update" + (" · in progress" if week.in_progress else "")),
                 week.title, subtitle, figures, alt=f"{week.title} at {site.company}: {numbers}",
                 description=description)


def case_study_card(site: SiteView, study: CaseStudyView) -> Card:
    figures: tuple[Figure, ...] = ()
    headline = ""
    if study.results:
        first = study.results[0]
        figures = (Figure(first.before, "before"), Figure(first.after, "after"))
        headline = f"{first.metric}: {first.before} → {first.after}"
    description = " · ".join(p for p in (headline, study.summary) if p)
    return _card(site, f"cards/case-studies/{study.slug}.png", "case_study",
                 _kicker(site, "Case study"), study.title,
                 study.results[0].metric if study.results else study.summary, figures,
                 alt=f"{study.title}. {headline}", description=description)


def page_card(site: SiteView, page: PageView) -> Card:
    return _card(site, f"cards/pages/{page.slug}.png", "page", _kicker(site, site.stage_label
                 + " stage"), page.title, page.summary or site.tagline, (),
                 alt=f"{page.title} · {site.company}",
                 description=page.summary or site.description or site.tagline)


def card_for(site: SiteView, context: dict[str, Any], home: Card) -> Card:
    """The card of a page, from what its template is given. Indexes, the numbers and the
    404 page show where the company stands: the home card."""
    if isinstance(context.get("milestone"), MilestoneView):
        return milestone_card(site, context["milestone"])
    if isinstance(context.get("week"), WeekView):
        return week_card(site, context["week"])
    if isinstance(context.get("study"), CaseStudyView):
        return case_study_card(site, context["study"])
    if isinstance(context.get("page"), PageView):
        return page_card(site, context["page"])
    return home


def icon_initials(site: SiteView) -> str:
    """One or two letters for the touch icon: "B" for Baywise, "AC" for Acme Corp."""
    words = [w for w in site.company.split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "T"


def environment(dirs: list[Path]) -> jinja2.Environment:
    """Card templates: `cards/` of each theme, the user's first. Autoescape is always on, so
    content text can never become SVG markup."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d / "cards") for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(text_width=text_width, width=WIDTH, height=HEIGHT, margin=MARGIN)
    return env


def font_files(dirs: list[Path]) -> list[Path]:
    """Every font in the themes' `cards/fonts/`: the only fonts resvg sees."""
    found = []
    for directory in dirs:
        fonts = directory / "cards" / "fonts"
        if fonts.is_dir():
            found += [p for p in sorted(fonts.iterdir())
                      if p.suffix.lower() in (".ttf", ".otf") and p.is_file()]
    return found
