"""Charts as inline SVG, drawn at build time: no JavaScript, no external requests.

Each chart comes with a text description for screen readers (`description`)
and a data table (`headers`, `rows`) the site shows on its numbers page.
Colours come from CSS classes so light, dark and print themes restyle them.

The week in progress (the last one, when it has not ended; `WeekStats.in_progress`) is
drawn apart: a hatched bar (`bar-partial`), a fainter last stretch of a line ending in an
open point (`partial`, `point`); its description and its data-table row say "so far".

Each chart is drawn twice: wide, for the last year, and for a phone (`svg_phone`), the
last quarter in a taller picture, so bars and labels stay readable at 390 px. CSS shows
one of them. The latest value is written at the end of each line and over the last bar,
the scale leaves headroom above the data, and the close rate starts only once it is out
of enough decided leads to mean something (`MIN_DECIDED`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from html import escape

from generator.model.engine import WeekStats

WIDTH, HEIGHT = 640, 220
PHONE_HEIGHT = 400  # the phone picture: the same width, nearly twice as tall
LEFT, RIGHT, TOP, BOTTOM = 48, 44, 12, 28  # RIGHT: room for the latest value at a line's end
GAP = 6  # between the y labels (right-aligned) and the plot, where the x labels start
# Half the width of a week label ("26-W14") at the largest tick font the theme uses (22 units
# on a phone): a label whose centre is nearer an edge of the plot is aligned to that edge, so
# x labels never reach into the y labels' column left of the plot, nor out of the picture.
HALF_LABEL = 44
MAX_LABELS = 6  # week labels at most: one every 97 units, wider than a label
MAX_WEEKS = 52  # the home page shows the last year; the numbers page has every week
PHONE_WEEKS = 13  # a quarter: 13 bars share a phone's width
HEADROOM = 1.15  # the scale reaches at least this far above the highest value
MIN_DECIDED = 5  # a close rate out of fewer decided leads is noise (1 of 1 is 100%)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    in_progress: str | None = None  # the label of the week in progress, drawn apart
    svg_phone: str = ""  # the same chart for a phone: fewer weeks, a taller picture
    description_phone: str = ""  # what the phone picture shows, when not the same weeks


def _in_progress(weeks: list[WeekStats]) -> str | None:
    """The week in progress: only ever the last week of a series."""
    return weeks[-1].week if weeks and weeks[-1].in_progress else None


def _week_cell(week: WeekStats) -> str:
    return f"{week.week} (so far)" if week.in_progress else week.week


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + span * (index + 0.5) / max(count, 1)


def _y(value: float, top: float, height: int = HEIGHT) -> float:
    span = height - TOP - BOTTOM
    return height - BOTTOM - span * (value / top if top else 0)


# Round tops for a scale whose middle tick is a whole number too (12 → 6, 30 → 15).
_NICE_TOPS = (1, 2, 4, 6, 8, *(round(k * 10 ** e) for e in range(1, 7)
                               for k in (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8)))


def _nice_top(value: float) -> float:
    """A round scale at least HEADROOM above `value`, so the highest point never touches
    the top edge."""
    value *= HEADROOM
    return next((top for top in _NICE_TOPS if value <= top), math.ceil(value))


def _end_label(x: float, y: float, text: str, css: str) -> str:
    """The latest value, written just right of the last point of a line or over a bar."""
    return (f'<text class="end-label {css}" x="{x + 9:.1f}" y="{y + 5:.1f}" '
            f'text-anchor="start">{escape(text)}</text>')


def _frame(chart_id: str, title: str, description: str, top: float, weeks: list[WeekStats],
           body: list[str], percent: bool = False, height: int = HEIGHT) -> str:
    ticks = []
    for fraction in (0, 0.5, 1):
        value = top * fraction
        y = _y(value, top, height)
        label = f"{value * 100:.0f}%" if percent else f"{value:g}"
        ticks.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/><text class="tick" x="{LEFT - GAP}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{label}</text>')
    step = max(1, math.ceil(len(weeks) / MAX_LABELS))
    for index in range(0, len(weeks), step):
        x, anchor = _week_label_x(_x(index, len(weeks)))
        ticks.append(f'<text class="tick week" x="{x:.1f}" y="{height - 8}" '
                     f'text-anchor="{anchor}">{escape(weeks[index].week[2:])}</text>')
    variant = "chart-phone" if height != HEIGHT else "chart-wide"
    return (f'<svg class="chart {variant}" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" '
            f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
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


def sales_calls(weeks: list[WeekStats], per_week: int, height: int = HEIGHT,
                suffix: str = "") -> Chart:
    counts = [w.sales_calls for w in weeks]
    top = _nice_top(max([*counts, per_week, 1]))
    bar = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1) * 0.7
    partial = _in_progress(weeks)
    chart_id = "chart-calls" + suffix
    hatch = f"{chart_id}-hatch"
    body = []
    if partial:  # stripes in the colour of "in progress", over its light background
        body.append(f'<defs><pattern id="{hatch}" width="6" height="6" '
                    'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                    '<rect class="hatch-bg" width="6" height="6"/>'
                    '<line class="hatch" x1="1.5" y1="0" x2="1.5" y2="6"/></pattern></defs>')
    for index, week in enumerate(weeks):
        x = _x(index, len(weeks)) - bar / 2
        y = _y(week.sales_calls, top, height)
        if week.in_progress:
            css, fill, so_far = "bar bar-partial", f' fill="url(#{hatch})"', " so far"
        else:
            css = "bar hit" if week.sales_calls >= per_week else "bar miss"
            fill = so_far = ""
        body.append(f'<rect class="{css}"{fill} x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                    f'height="{height - BOTTOM - y:.1f}"><title>{week.week}: '
                    f'{week.sales_calls} calls{so_far}</title></rect>')
    target_y = _y(per_week, top, height)
    body.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{target_y:.1f}" '
                f'y2="{target_y:.1f}"/>')
    if weeks:  # the latest count, over its bar
        last_x = _x(len(weeks) - 1, len(weeks))
        body.append(f'<text class="end-label" x="{last_x:.1f}" '
                    f'y="{_y(counts[-1], top, height) - 6:.1f}" text-anchor="middle">'
                    f'{counts[-1]}</text>')
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
                 _frame(chart_id, "Sales calls per week", description, top, weeks, body,
                        height=height),
                 ("Week", "Sales calls", f"{per_week}+ calls"), rows, partial)


def _so_far(weeks: list[WeekStats]) -> str:
    """How a description says that its last week has not ended."""
    partial = _in_progress(weeks)
    return f", the last of them ({partial}) still in progress" if partial else ""


def _polyline(values: list[float | None], top: float, css: str, partial: bool = False,
              height: int = HEIGHT, label: str | None = None) -> str:
    """The line through the values; with `partial`, the last value is the week in progress:
    the line reaches it fainter (`partial`) and it is marked with an open point. `label`,
    the latest value, is written at the line's end."""
    points = [f"{_x(index, len(values)):.1f},{_y(value, top, height):.1f}"
              if value is not None else None for index, value in enumerate(values)]
    ended = [p for p in (points[:-1] if partial else points) if p is not None]
    drawn = f'<polyline class="{css}" points="{" ".join(ended)}"/>' if ended else ""
    if partial and points and points[-1] is not None:
        if len(points) > 1 and points[-2] is not None:
            drawn += f'<polyline class="{css} partial" points="{points[-2]} {points[-1]}"/>'
        x, y = points[-1].split(",")
        drawn += f'<circle class="point {css.removeprefix("line ")}" cx="{x}" cy="{y}" r="5"/>'
    last = next((p for p in reversed(points) if p is not None), None)
    if label is not None and last is not None:
        end_x, end_y = (float(part) for part in last.split(","))
        drawn += _end_label(end_x, end_y, label, css.removeprefix("line "))
    return drawn


def customers(weeks: list[WeekStats], height: int = HEIGHT, suffix: str = "") -> Chart:
    paying = [w.paying_customers for w in weeks]
    hell_yes = [w.hell_yes_customers for w in weeks]
    top = _nice_top(max([*paying, 1]))
    partial = _in_progress(weeks)
    latest = weeks[-1] if weeks else None
    # Both latest values at the lines' ends, unless they would overlap: then only paying.
    apart = bool(weeks) and abs(_y(paying[-1], top, height)
                                - _y(hell_yes[-1], top, height)) >= 18
    body = [_polyline([float(v) for v in paying], top, "line paying", bool(partial), height,
                      str(paying[-1]) if paying else None),
            _polyline([float(v) for v in hell_yes], top, "line hell-yes", bool(partial), height,
                      str(hell_yes[-1]) if apart else None)]
    description = (
        f"Paying and hell-yes customers at the end of each of the last {len(weeks)} weeks"
        + _so_far(weeks)
        + (f": now {latest.paying_customers} paying, {latest.hell_yes_customers} of them "
           "hell yes." if latest else ".")
    )
    rows = tuple((_week_cell(w), str(w.paying_customers), str(w.hell_yes_customers))
                 for w in weeks)
    return Chart("chart-customers", "Paying and hell-yes customers", description,
                 _frame("chart-customers" + suffix, "Paying and hell-yes customers",
                        description, top, weeks, body, height=height),
                 ("Week", "Paying customers", "Hell-yes customers"), rows, partial)


def close_rate(weeks: list[WeekStats], target: float, height: int = HEIGHT,
               suffix: str = "") -> Chart:
    """The rate only where it is out of MIN_DECIDED decided leads or more: before that, one
    win of one lead would draw a spike to 100%."""
    rates = [float(w.close_rate) if w.close_rate is not None and w.decided >= MIN_DECIDED
             else None for w in weeks]
    partial = _in_progress(weeks)
    known = [(r, w) for r, w in zip(rates, weeks, strict=True) if r is not None]
    label = f"{known[-1][0] * 100:.0f}%" if known else None
    body = [_polyline(rates, 1.0, "line rate", bool(partial), height, label)]
    target_y = _y(target, 1.0, height)
    body.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{target_y:.1f}" '
                f'y2="{target_y:.1f}"/>')
    few = sum(w.close_rate is not None and w.decided < MIN_DECIDED for w in weeks)
    if known:
        now = f": now {known[-1][0] * 100:.0f}% of {known[-1][1].decided} decided leads."
    elif few:
        now = f": fewer than {MIN_DECIDED} decided leads yet."
    else:
        now = ": no decided leads yet."
    description = (
        f"Close rate of decided qualified leads (won of won, lost and gone stale, as the "
        f"close-rate milestone counts them) at the end of "
        f"each of the last {len(weeks)} weeks against a target of {target * 100:.0f}%"
        + _so_far(weeks) + now
        + (f" Weeks with fewer than {MIN_DECIDED} decided leads are not drawn."
           if known and few else "")
    )
    rows = tuple((_week_cell(w), f"{float(w.close_rate) * 100:.0f}%"
                  if w.close_rate is not None else "–", str(w.won), str(w.lost),
                  str(w.decided)) for w in weeks)
    return Chart("chart-close-rate", "Close rate", description,
                 _frame("chart-close-rate" + suffix, "Close rate", description, 1.0, weeks,
                        body, percent=True, height=height),
                 ("Week", "Close rate", "Won", "Lost", "Decided"), rows, partial)


def charts(series: tuple[WeekStats, ...], per_week: int, close_target: float
           ) -> tuple[Chart, ...]:
    weeks = list(series[-MAX_WEEKS:])
    if not weeks:
        return ()
    phone = list(series[-PHONE_WEEKS:])
    pairs = (
        (sales_calls(weeks, per_week),
         sales_calls(phone, per_week, PHONE_HEIGHT, "-phone")),
        (customers(weeks), customers(phone, PHONE_HEIGHT, "-phone")),
        (close_rate(weeks, close_target), close_rate(phone, close_target, PHONE_HEIGHT,
                                                     "-phone")),
    )
    return tuple(replace(wide, svg_phone=small.svg, description_phone=small.description
                         if small.description != wide.description else "")
                 for wide, small in pairs)
