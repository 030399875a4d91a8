"""Charts as inline SVG, drawn at build time: no JavaScript, no external requests.

Each chart comes with a text description for screen readers (`description`)
and a data table (`headers`, `rows`) the site shows on its numbers page.
Colours come from CSS classes so light, dark and print themes restyle them.

The week in progress (the last one, when it has not ended; `WeekStats.in_progress`) is
drawn apart: a hatched bar (`bar-partial`), a fainter last stretch of a line ending in an
open point (`partial`, `point`); its description and its data-table row say "so far".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from generator.model.engine import WeekStats

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28
GAP = 6  # between the y labels (right-aligned) and the plot, where the x labels start
# Half the width of a week label ("26-W14") at the largest tick font the theme uses (22 units
# on a phone): a label whose centre is nearer an edge of the plot is aligned to that edge, so
# x labels never reach into the y labels' column left of the plot, nor out of the picture.
HALF_LABEL = 44
MAX_LABELS = 6  # week labels at most: one every 97 units, wider than a label
MAX_WEEKS = 52  # the home page shows the last year; the numbers page has every week


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    in_progress: str | None = None  # the label of the week in progress, drawn apart


def _in_progress(weeks: list[WeekStats]) -> str | None:
    """The week in progress: only ever the last week of a series."""
    return weeks[-1].week if weeks and weeks[-1].in_progress else None


def _week_cell(week: WeekStats) -> str:
    return f"{week.week} (so far)" if week.in_progress else week.week


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + span * (index + 0.5) / max(count, 1)


def _y(value: float, top: float) -> float:
    span = HEIGHT - TOP - BOTTOM
    return HEIGHT - BOTTOM - span * (value / top if top else 0)


def _nice_top(value: float) -> float:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000):
        if value <= step * 4:
            return step * 4 if value > step * 2 else step * 2 if value > step else step
    return value


def _frame(chart_id: str, title: str, description: str, top: float, weeks: list[WeekStats],
           body: list[str], percent: bool = False) -> str:
    ticks = []
    for fraction in (0, 0.5, 1):
        value = top * fraction
        y = _y(value, top)
        label = f"{value * 100:.0f}%" if percent else f"{value:g}"
        ticks.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/><text class="tick" x="{LEFT - GAP}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{label}</text>')
    step = max(1, math.ceil(len(weeks) / MAX_LABELS))
    for index in range(0, len(weeks), step):
        x, anchor = _week_label_x(_x(index, len(weeks)))
        ticks.append(f'<text class="tick week" x="{x:.1f}" y="{HEIGHT - 8}" '
                     f'text-anchor="{anchor}">{escape(weeks[index].week[2:])}</text>')
    return (f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-title">{escape(title)}'
            f'</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
            + "".join(ticks) + "".join(body) + "</svg>")


def _week_label_x(centre: float) -> tuple[float, str]:
    """Where a week label goes: under its week, or aligned to the plot's edge near one."""
    if centre - HALF_LABEL < LEFT:
        return LEFT, "start"
    if centre + HALF_LABEL > WIDTH - RIGHT:
        return WIDTH - RIGHT, "end"
    return centre, "middle"


def _longest_run(flags: list[bool]) -> int:
    best = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def sales_calls(weeks: list[WeekStats], per_week: int) -> Chart:
    counts = [w.sales_calls for w in weeks]
    top = _nice_top(max([*counts, per_week, 1]))
    bar = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1) * 0.7
    partial = _in_progress(weeks)
    hatch = "chart-calls-hatch"
    body = []
    if partial:  # stripes in the colour of "in progress", over its light background
        body.append(f'<defs><pattern id="{hatch}" width="6" height="6" '
                    'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                    '<rect class="hatch-bg" width="6" height="6"/>'
                    '<line class="hatch" x1="1.5" y1="0" x2="1.5" y2="6"/></pattern></defs>')
    for index, week in enumerate(weeks):
        x = _x(index, len(weeks)) - bar / 2
        y = _y(week.sales_calls, top)
        if week.in_progress:
            css, fill, so_far = "bar bar-partial", f' fill="url(#{hatch})"', " so far"
        else:
            css = "bar hit" if week.sales_calls >= per_week else "bar miss"
            fill = so_far = ""
        body.append(f'<rect class="{css}"{fill} x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                    f'height="{HEIGHT - BOTTOM - y:.1f}"><title>{week.week}: '
                    f'{week.sales_calls} calls{so_far}</title></rect>')
    target_y = _y(per_week, top)
    body.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{target_y:.1f}" '
                f'y2="{target_y:.1f}"/>')
    hits = [c >= per_week for c in counts]
    if partial:
        latest = (f", and the week in progress ({partial}) has {counts[-1]} calls so far"
                  + (", the target already met." if hits[-1] else "."))
    else:
        latest = f", and the latest week had {counts[-1]} calls." if counts else "."
    description = (
        f"Counted sales calls per week for the last {len(weeks)} weeks against a target of "
        f"{per_week} a week: the target was met in {sum(hits)} weeks, the longest run was "
        f"{_longest_run(hits)} weeks in a row" + latest
    )
    rows = tuple((_week_cell(w), str(w.sales_calls), "yes" if w.sales_calls >= per_week
                  else "not yet" if w.in_progress else "no") for w in weeks)
    return Chart("chart-calls", "Sales calls per week", description,
                 _frame("chart-calls", "Sales calls per week", description, top, weeks, body),
                 ("Week", "Sales calls", f"{per_week}+ calls"), rows, partial)


def _so_far(weeks: list[WeekStats]) -> str:
    """How a description says that its last week has not ended."""
    partial = _in_progress(weeks)
    return f", the last of them ({partial}) still in progress" if partial else ""


def _polyline(values: list[float | None], top: float, css: str, partial: bool = False
              ) -> str:
    """The line through the values; with `partial`, the last value is the week in progress:
    the line reaches it fainter (`partial`) and it is marked with an open point."""
    points = [f"{_x(index, len(values)):.1f},{_y(value, top):.1f}" if value is not None else None
              for index, value in enumerate(values)]
    ended = [p for p in (points[:-1] if partial else points) if p is not None]
    drawn = f'<polyline class="{css}" points="{" ".join(ended)}"/>' if ended else ""
    if partial and points and points[-1] is not None:
        if len(points) > 1 and points[-2] is not None:
            drawn += f'<polyline class="{css} partial" points="{points[-2]} {points[-1]}"/>'
        x, y = points[-1].split(",")
        drawn += f'<circle class="point {css.removeprefix("line ")}" cx="{x}" cy="{y}" r="5"/>'
    return drawn


def customers(weeks: list[WeekStats]) -> Chart:
    paying = [w.paying_customers for w in weeks]
    hell_yes = [w.hell_yes_customers for w in weeks]
    top = _nice_top(max([*paying, 1]))
    partial = _in_progress(weeks)
    body = [_polyline([float(v) for v in paying], top, "line paying", bool(partial)),
            _polyline([float(v) for v in hell_yes], top, "line hell-yes", bool(partial))]
    latest = weeks[-1] if weeks else None
    description = (
        f"Paying and hell-yes customers at the end of each of the last {len(weeks)} weeks"
        + _so_far(weeks)
        + (f": now {latest.paying_customers} paying, {latest.hell_yes_customers} of them "
           "hell yes." if latest else ".")
    )
    rows = tuple((_week_cell(w), str(w.paying_customers), str(w.hell_yes_customers))
                 for w in weeks)
    return Chart("chart-customers", "Paying and hell-yes customers", description,
                 _frame("chart-customers", "Paying and hell-yes customers", description, top,
                        weeks, body),
                 ("Week", "Paying customers", "Hell-yes customers"), rows, partial)


def close_rate(weeks: list[WeekStats], target: float) -> Chart:
    rates = [float(w.close_rate) if w.close_rate is not None else None for w in weeks]
    partial = _in_progress(weeks)
    body = [_polyline(rates, 1.0, "line rate", bool(partial))]
    target_y = _y(target, 1.0)
    body.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{target_y:.1f}" '
                f'y2="{target_y:.1f}"/>')
    known = [r for r in rates if r is not None]
    description = (
        f"Close rate of decided qualified leads (won of won, lost and gone stale, as the "
        f"close-rate milestone counts them) at the end of "
        f"each of the last {len(weeks)} weeks against a target of {target * 100:.0f}%"
        + _so_far(weeks)
        + (f": now {known[-1] * 100:.0f}%." if known else ": no decided leads yet.")
    )
    rows = tuple((_week_cell(w), f"{float(w.close_rate) * 100:.0f}%"
                  if w.close_rate is not None else "–", str(w.won), str(w.lost)) for w in weeks)
    return Chart("chart-close-rate", "Close rate", description,
                 _frame("chart-close-rate", "Close rate", description, 1.0, weeks, body,
                        percent=True),
                 ("Week", "Close rate", "Won", "Lost"), rows, partial)


def charts(series: tuple[WeekStats, ...], per_week: int, close_target: float
           ) -> tuple[Chart, ...]:
    weeks = list(series[-MAX_WEEKS:])
    if not weeks:
        return ()
    return (sales_calls(weeks, per_week), customers(weeks), close_rate(weeks, close_target))
