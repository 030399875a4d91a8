"""`traction status` in the terminal: the current goal first, then every ladder.

It prints a `PublicProgress` (the boundary's); `--private` only makes the boundary
show the founder's amounts."""

from __future__ import annotations

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


def render(progress: PublicProgress, style: Callable[..., str]) -> str:
    """The status as terminal text. Every text from the content goes through `printable`:
    a title cannot reorder the line (U+202E, U+2066), break it (U+2028) or send escapes."""
    return "\n".join(_lines(progress, style))


def _lines(progress: PublicProgress, style: Callable[..., str]) -> list[str]:
    clean = printable
    company, tagline = clean(progress.company), clean(progress.tagline)
    lines = [style(company, bold=True) + (f" — {tagline}" if tagline else "")]
    if progress.as_of is None:
        lines.append("No weekly logs yet: add weeks/YYYY-Www.yaml (`traction new week`).")
        return lines
    week = (f"{progress.week_in_progress} in progress" if progress.week_in_progress
            else progress.latest_week)
    lines.append(f"Stage: {progress.stage} · as of {progress.as_of} ({week})")
    lines.append("")
    goal = progress.current_goal
    if goal is None:
        lines.append(style("Every milestone is achieved.", fg="green", bold=True))
    else:
        m = goal.milestone
        lines.append(style(f"Current goal: {clean(m.title)}", bold=True)
                     + f"  ({clean(m.ladder)} #{m.number}, {STATUS_LABELS[goal.status]})")
        lines += [f"  {clean(measure_text(x))}" for x in goal.measures]
        lines += [f"  {clean(detail_text(d))}" for d in goal.details if d.shown]
        if not goal.progress_hidden:
            lines.append(f"  {_bar(goal.progress)} {_percent(goal)}")
    for ladder_status in progress.ladders:
        lines.append("")
        lines.append(style(clean(ladder_status.ladder.title), bold=True))
        for status in ladder_status.milestones:
            m = status.milestone
            mark = style(MARKS[status.status], fg=COLORS[status.status])
            label = STATUS_LABELS[status.status]
            if status.status in ("in_progress", "not_started"):
                label += f" {_percent(status)}"
            line = f"  {mark} {m.number}. {clean(m.title):<46} {label}"
            if status.history:
                line += f"  ({_dates(status)})"
            lines.append(line)
            numbers = [measure_text(x) for x in status.measures
                       if status is goal or status.status != "achieved"]
            numbers += [detail_text(d) for d in status.details if d.shown]
            if numbers:
                lines.append(f"       {clean('; '.join(numbers))}")
    return lines
