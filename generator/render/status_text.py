"""`traction status` in the terminal: the current goal first, then every ladder.

It prints a `PublicProgress` (the boundary's); `--private` only makes the boundary
show the founder's amounts. Given a width, each line wraps to it, its continuation
indented under its text (a milestone's under its title); without one, lines are whole."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from generator.problems import printable
from generator.public.boundary import PublicMilestone, PublicProgress
from generator.public.wording import STATUS_LABELS, detail_text, measure_text, percent

MARKS = {"achieved": "✓", "slipped": "!", "in_progress": "▸", "not_started": "·"}
COLORS = {"achieved": "green", "slipped": "red", "in_progress": "yellow", "not_started": None}


def _bar(share: float, width: int = 20) -> str:
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled)


def _dates(status: PublicMilestone) -> str:
    return ", ".join(f"{t.status} {t.date}" for t in status.history)


def _percent(status: PublicMilestone) -> str:
    return "progress private" if status.progress_hidden else f"{percent(status.progress)}%"


MIN_WIDTH = 30  # narrower, a wrapped milestone would be a column of single words


def render(progress: PublicProgress, style: Callable[..., str], width: int | None = None
           ) -> str:
    """The status as terminal text, each line wrapped to `width` columns when given. Every
    text from the content goes through `printable`: a title cannot reorder the line
    (U+202E, U+2066), break it (U+2028) or send escapes."""
    return "\n".join(_lines(progress, style, None if width is None else max(width, MIN_WIDTH)))


def _fit(text: str, width: int | None, hang: int, style: Callable[[str], str] = str
         ) -> list[str]:
    """`text` as lines of at most `width` columns (`style` applied to each after wrapping,
    so colour codes take no room), continuations indented by `hang`."""
    if width is None or len(text) <= width:
        return [style(text)]
    indent = text[:len(text) - len(text.lstrip())]
    lines = textwrap.wrap(text.lstrip(), width, initial_indent=indent,
                          subsequent_indent=" " * hang, break_on_hyphens=False)
    return [style(line) for line in lines]


def _lines(progress: PublicProgress, style: Callable[..., str], width: int | None
           ) -> list[str]:
    clean = printable

    def bold(text: str) -> str:
        return style(text, bold=True)

    company, tagline = clean(progress.company), clean(progress.tagline)
    lines = _fit(company + (f" — {tagline}" if tagline else ""), width, 2)
    if lines[0].startswith(company):
        lines[0] = bold(company) + lines[0][len(company):]
    if progress.as_of is None:
        lines += _fit("No weekly logs yet: add weeks/YYYY-Www.yaml (`traction new week`).",
                      width, 2)
        return lines
    week = (f"{progress.week_in_progress} in progress" if progress.week_in_progress
            else progress.latest_week)
    lines += _fit(f"Stage: {progress.stage} · as of {progress.as_of} ({week})", width, 2)
    lines.append("")
    goal = progress.current_goal
    if goal is None:
        lines.append(style("Every milestone is achieved.", fg="green", bold=True))
    else:
        m = goal.milestone
        heading = f"Current goal: {clean(m.title)}"
        place = f"  ({clean(m.ladder)} #{m.number}, {STATUS_LABELS[goal.status]})"
        if width is None or len(heading + place) <= width:
            lines.append(bold(heading) + place)
        else:
            lines += [*_fit(heading, width, 14, bold), *_fit(place[:2] + place, width, 4)]
        for text in [*(measure_text(x) for x in goal.measures),
                     *(detail_text(d) for d in goal.details if d.shown)]:
            lines += _fit(f"  {clean(text)}", width, 4)
        if not goal.progress_hidden:
            lines.append(f"  {_bar(goal.progress)} {_percent(goal)}")
    for ladder_status in progress.ladders:
        lines.append("")
        lines += _fit(clean(ladder_status.ladder.title), width, 2, bold)
        for status in ladder_status.milestones:
            m = status.milestone
            mark = style(MARKS[status.status], fg=COLORS[status.status])
            label = STATUS_LABELS[status.status]
            if status.status in ("in_progress", "not_started"):
                label += f" {_percent(status)}"
            head = f"  {MARKS[status.status]} {m.number}. "
            line = f"{head}{clean(m.title):<46} {label}"
            if status.history:
                line += f"  ({_dates(status)})"
            first, *more = _fit(line, width, len(head))
            lines += [first.replace(MARKS[status.status], mark, 1), *more]
            numbers = [measure_text(x) for x in status.measures
                       if status is goal or status.status != "achieved"]
            numbers += [detail_text(d) for d in status.details if d.shown]
            if numbers:
                lines += _fit(f"       {clean('; '.join(numbers))}", width, 9)
    return lines
