"""Charts as inline SVG: well-formed, accessible, one mark per week, and the same numbers
in the text description and the data table as in the picture."""

from __future__ import annotations

import dataclasses
import datetime
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from generator.model.engine import WeekStats
from generator.render.charts import (
    HALF_LABEL,
    LEFT,
    MAX_WEEKS,
    RIGHT,
    WIDTH,
    Chart,
    charts,
    close_rate,
    customers,
    sales_calls,
)

SVG = "{http://www.w3.org/2000/svg}"


def stats(number: int, calls: int = 0, paying: int = 0, hell_yes: int = 0,
          rate: Fraction | None = None, won: int = 0, lost: int = 0, year: int = 2026,
          decided: int | None = None) -> WeekStats:
    """A week; a close rate is out of `decided` leads, by default enough to be drawn."""
    return WeekStats(week=f"{year}-W{number:02d}",
                     monday=datetime.date.fromisocalendar(year, number, 1),
                     sales_calls=calls, sqls=0, won=won, lost=lost, paying_customers=paying,
                     hell_yes_customers=hell_yes, close_rate=rate, subscribers=None,
                     decided=decided if decided is not None else (10 if rate is not None
                                                                  else 0))


CALLS = [5, 6, 2, 7, 7, 7, 0, 9]  # target 5: met, met, miss, met, met, met, miss, met
WEEKS = [stats(10 + i, calls=c, paying=i // 2, hell_yes=i // 4,
               rate=Fraction(i, 8) if i else None, won=i, lost=8 - i)
         for i, c in enumerate(CALLS)]


def parse(chart: Chart) -> ET.Element:
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    return root


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{SVG}rect")


@pytest.fixture(scope="module")
def all_charts() -> tuple[Chart, ...]:
    return charts(tuple(WEEKS), 5, 0.3)


def test_three_charts_with_distinct_ids(all_charts: tuple[Chart, ...]) -> None:
    assert [c.id for c in all_charts] == ["chart-calls", "chart-customers", "chart-close-rate"]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_each_chart_is_well_formed_accessible_svg(all_charts: tuple[Chart, ...],
                                                  index: int) -> None:
    chart = all_charts[index]
    root = parse(chart)
    assert root.get("id") == chart.id
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 640 220"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert list(root)[:2] == [title, desc]  # first, so assistive technology finds them
    assert title.text == chart.title and desc.text == chart.description
    labelled = (root.get("aria-labelledby") or "").split()
    assert labelled == [title.get("id"), desc.get("id")]
    assert len({title.get("id"), desc.get("id"), chart.id}) == 3


def test_one_bar_per_week_hit_or_miss_by_the_target() -> None:
    chart = sales_calls(WEEKS, 5)
    root = parse(chart)
    found = bars(root)
    assert len(found) == len(WEEKS)
    assert [b.get("class") for b in found] == [
        "bar hit" if c >= 5 else "bar miss" for c in CALLS]
    assert [b.findtext(f"{SVG}title") for b in found] == [
        f"{w.week}: {w.sales_calls} calls" for w in WEEKS]
    # Taller bars for more calls; bars in week order, left to right.
    heights = [float(b.get("height") or 0) for b in found]
    assert heights[CALLS.index(9)] == max(heights) and heights[CALLS.index(0)] == 0
    xs = [float(b.get("x") or 0) for b in found]
    assert xs == sorted(xs)


def test_the_target_line_sits_at_the_target() -> None:
    root = parse(sales_calls(WEEKS, 5))
    lines = root.findall(f"{SVG}line[@class='target']")
    assert len(lines) == 1
    target_y = float(lines[0].get("y1") or 0)
    assert lines[0].get("y1") == lines[0].get("y2")
    # A bar of exactly the target reaches the line.
    exact = bars(root)[0]
    assert float(exact.get("y") or 0) == pytest.approx(target_y)


def test_the_description_gives_the_numbers_of_the_picture() -> None:
    chart = sales_calls(WEEKS, 5)
    assert chart.description == (
        "Counted sales calls per week for the last 8 weeks against a target of 5 a week: the "
        "target was met in 6 weeks, the longest run was 3 weeks in a row, and the latest week "
        "had 9 calls.")


def test_the_data_rows_match_the_weeks() -> None:
    chart = sales_calls(WEEKS, 5)
    assert chart.headers == ("Week", "Sales calls", "5+ calls")
    assert chart.rows[:3] == (("2026-W10", "5", "yes"), ("2026-W11", "6", "yes"),
                              ("2026-W12", "2", "no"))
    assert len(chart.rows) == len(WEEKS)


def test_the_customers_chart() -> None:
    chart = customers(WEEKS)
    root = parse(chart)
    lines = root.findall(f"{SVG}polyline")
    assert [line.get("class") for line in lines] == ["line paying", "line hell-yes"]
    assert all(len((line.get("points") or "").split()) == len(WEEKS) for line in lines)
    assert chart.description.endswith(": now 3 paying, 1 of them hell yes.")
    assert chart.headers == ("Week", "Paying customers", "Hell-yes customers")
    assert chart.rows[-1] == ("2026-W17", "3", "1")


def test_the_close_rate_chart_skips_weeks_without_a_rate() -> None:
    chart = close_rate(WEEKS, 0.3)
    root = parse(chart)
    (line,) = root.findall(f"{SVG}polyline")
    assert len((line.get("points") or "").split()) == len(WEEKS) - 1  # the first has none
    assert len(root.findall(f"{SVG}line[@class='target']")) == 1
    assert chart.description.endswith("against a target of 30%: now 88% of 10 decided leads.")
    assert chart.rows[0] == ("2026-W10", "–", "0", "8", "0")
    assert chart.rows[4] == ("2026-W14", "50%", "4", "4", "10")
    ticks = [t.text for t in root.findall(f"{SVG}text") if t.get("class") == "tick"
             and (t.text or "").endswith("%")]
    assert ticks == ["0%", "50%", "100%"]


def test_close_rate_without_any_decided_lead() -> None:
    weeks = [stats(10), stats(11)]
    chart = close_rate(weeks, 0.3)
    root = parse(chart)
    assert root.findall(f"{SVG}polyline") == []  # nothing to draw, and no empty polyline
    assert chart.description.endswith(": no decided leads yet.")
    assert [row[1] for row in chart.rows] == ["–", "–"]


def test_at_most_52_weeks_the_latest() -> None:
    series = tuple(stats(1 + i % 52, calls=i % 7, year=2025 + i // 52) for i in range(60))
    found = charts(series, 5, 0.3)
    assert MAX_WEEKS == 52
    for chart in found:
        assert len(chart.rows) == 52
        assert chart.rows[0][0] == series[8].week and chart.rows[-1][0] == series[-1].week
    assert len(bars(parse(found[0]))) == 52
    assert "for the last 52 weeks" in found[0].description


def test_the_phone_picture_has_its_own_words_when_it_shows_fewer_weeks() -> None:
    """A phone draws the last 13 weeks: the text under it says 13, not 30."""
    series = tuple(stats(1 + i, calls=i % 7, paying=i // 3) for i in range(30))
    for chart in charts(series, 5, 0.3):
        assert "last 30 weeks" in chart.description
        assert "last 13 weeks" in chart.description_phone
        assert "chart-phone" in chart.svg_phone
    few = charts(tuple(WEEKS), 5, 0.3)
    assert all(chart.description_phone == "" for chart in few)  # the same weeks: one text


def test_week_labels_on_the_axis_are_short_and_thinned() -> None:
    root = parse(sales_calls([stats(1 + i, calls=3) for i in range(24)], 5))
    labels = [t.text for t in root.findall(f"{SVG}text") if "W" in (t.text or "")]
    assert labels == ["26-W01", "26-W05", "26-W09", "26-W13", "26-W17", "26-W21"]


@pytest.mark.parametrize("count", [1, 2, 3, 6, 7, 11, 13, 24, 34, 51, 52])
def test_week_labels_stay_right_of_the_value_labels_and_inside_the_picture(count: int) -> None:
    # "0" or "0%" beside the first week label ("26-W14") overlapped it on a phone: the value
    # labels end left of the plot, week labels start inside it, whatever the font size.
    weeks = [stats(1 + i, calls=3, rate=Fraction(1, 2)) for i in range(count)]
    for chart in (sales_calls(weeks, 5), customers(weeks), close_rate(weeks, 0.3)):
        texts = parse(chart).findall(f"{SVG}text")
        values = [t for t in texts if t.get("class") == "tick"]
        labels = [t for t in texts if t.get("class") == "tick week"]
        assert len(values) == 3 and all(t.get("text-anchor") == "end" for t in values)
        assert all(float(t.get("x") or 0) < LEFT for t in values)
        assert 1 <= len(labels) <= 6
        spans = []
        for label in labels:
            x, anchor = float(label.get("x") or 0), label.get("text-anchor")
            left = {"start": x, "middle": x - HALF_LABEL, "end": x - 2 * HALF_LABEL}[anchor or ""]
            spans.append((left, left + 2 * HALF_LABEL))
        assert all(a >= LEFT and b <= WIDTH - RIGHT for a, b in spans), spans
        # a phone (largest font) hides every other label: the ones it shows never overlap
        assert all(spans[i + 2][0] >= spans[i][1] for i in range(len(spans) - 2)), spans


def test_the_scale_is_a_round_number_above_the_data_and_target() -> None:
    def top_tick(chart: Chart) -> str | None:
        ticks = [t for t in parse(chart).findall(f"{SVG}text") if t.get("class") == "tick"]
        return ticks[-1].text

    # at least 15% above the highest bar or the target, whichever is higher
    assert top_tick(sales_calls([stats(10, calls=3)], 5)) == "6"  # the target counts
    assert top_tick(sales_calls([stats(10, calls=9)], 5)) == "12"
    assert top_tick(sales_calls([stats(10, calls=10)], 5)) == "12"
    assert top_tick(sales_calls([stats(10, calls=33)], 5)) == "40"
    assert top_tick(sales_calls([stats(10, calls=0)], 1)) == "2"


def test_a_single_week_and_a_zero_target_draw() -> None:
    chart = sales_calls([stats(10, calls=0)], 0)
    assert [b.get("class") for b in bars(parse(chart))] == ["bar hit"]
    assert "the target was met in 1 week" in chart.description
    assert "and the latest week had 0 calls." in chart.description


def test_no_weeks_no_charts() -> None:
    assert charts((), 5, 0.3) == ()


# --- the week in progress ----------------------------------------------------------------------


def so_far(weeks: list[WeekStats]) -> list[WeekStats]:
    """The same weeks, the last of them still in progress."""
    return [*weeks[:-1], dataclasses.replace(weeks[-1], in_progress=True)]


PARTIAL = so_far(WEEKS)  # 2026-W17 in progress, 9 calls so far


def test_ended_weeks_only_draw_nothing_apart() -> None:
    for chart in charts(tuple(WEEKS), 5, 0.3):
        assert chart.in_progress is None
        assert "so far" not in chart.description and "in progress" not in chart.description
        assert "bar-partial" not in chart.svg and "partial" not in chart.svg
        assert "<circle" not in chart.svg and "<defs" not in chart.svg
        assert not any("so far" in cell for row in chart.rows for cell in row)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_chart_with_a_week_in_progress_is_still_well_formed_and_labelled(index: int) -> None:
    chart = charts(tuple(PARTIAL), 5, 0.3)[index]
    root = parse(chart)
    assert chart.in_progress == "2026-W17"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert list(root)[:2] == [title, desc] and desc is not None
    assert desc.text == chart.description and "2026-W17" in chart.description
    assert chart.rows[-1][0] == "2026-W17 (so far)"
    assert [row[0] for row in chart.rows[:-1]] == [w.week for w in WEEKS[:-1]]
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_the_bar_of_the_week_in_progress_is_hatched() -> None:
    chart = sales_calls(PARTIAL, 5)
    root = parse(chart)
    found = bars(root)
    assert len(found) == len(WEEKS)
    assert [b.get("class") for b in found[:-1]] == [
        "bar hit" if c >= 5 else "bar miss" for c in CALLS[:-1]]
    last = found[-1]
    assert last.get("class") == "bar bar-partial"
    assert last.findtext(f"{SVG}title") == "2026-W17: 9 calls so far"
    # It is filled with a pattern defined in the same picture (ids are unique on a page).
    pattern = root.find(f"{SVG}defs/{SVG}pattern")
    assert pattern is not None and pattern.get("id") == "chart-calls-hatch"
    assert last.get("fill") == "url(#chart-calls-hatch)"
    assert {e.get("class") for e in pattern} == {"hatch-bg", "hatch"}
    # Drawn to scale like any other bar.
    assert float(last.get("height") or 0) == max(float(b.get("height") or 0) for b in found)


def test_the_calls_description_and_table_say_so_far() -> None:
    chart = sales_calls(PARTIAL, 5)
    assert chart.description.endswith(
        "the longest run was 3 weeks in a row, and the week in progress (2026-W17) has 9 calls "
        "so far, the target already met.")
    assert chart.rows[-1] == ("2026-W17 (so far)", "9", "yes")
    short = sales_calls(so_far([*WEEKS[:-1], stats(17, calls=2)]), 5)
    assert short.description.endswith("the week in progress (2026-W17) has 2 calls so far.")
    assert short.rows[-1] == ("2026-W17 (so far)", "2", "not yet")  # not a miss: not ended
    assert "target was met in 5 weeks" in short.description


def test_lines_reach_the_week_in_progress_fainter_to_an_open_point() -> None:
    root = parse(customers(PARTIAL))
    lines = root.findall(f"{SVG}polyline")
    assert [line.get("class") for line in lines] == [
        "line paying", "line paying partial", "line hell-yes", "line hell-yes partial"]
    ended, partial = lines[0], lines[1]
    points = (ended.get("points") or "").split()
    assert len(points) == len(WEEKS) - 1
    # The faint stretch goes on from the last ended week to the week in progress.
    assert (partial.get("points") or "").split()[0] == points[-1]
    circles = root.findall(f"{SVG}circle")
    assert [c.get("class") for c in circles] == ["point paying", "point hell-yes"]
    last_x = (partial.get("points") or "").split()[1].split(",")[0]
    assert all(c.get("cx") == last_x for c in circles)
    description = customers(PARTIAL).description
    assert description == ("Paying and hell-yes customers at the end of each of the last 8 "
                           "weeks, the last of them (2026-W17) still in progress: now 3 paying, "
                           "1 of them hell yes.")


def test_a_close_rate_not_known_yet_in_the_week_in_progress_draws_no_point() -> None:
    weeks = so_far([stats(10, rate=Fraction(1, 2)), stats(11)])
    root = parse(close_rate(weeks, 0.3))
    assert [p.get("class") for p in root.findall(f"{SVG}polyline")] == ["line rate"]
    assert root.findall(f"{SVG}circle") == []
    chart = close_rate(so_far(WEEKS), 0.3)
    assert chart.description.endswith(
        "against a target of 30%, the last of them (2026-W17) still in progress: now 88% of "
        "10 decided leads.")
    assert chart.rows[-1] == ("2026-W17 (so far)", "88%", "7", "1", "10")


def test_a_first_week_still_in_progress_draws() -> None:
    weeks = so_far([stats(10, calls=2, paying=1, rate=Fraction(1, 3))])
    calls, paying, rate = charts(tuple(weeks), 5, 0.3)
    assert [b.get("class") for b in bars(parse(calls))] == ["bar bar-partial"]
    for chart in (paying, rate):
        root = parse(chart)
        assert root.findall(f"{SVG}polyline") == []  # no ended week to draw a line through
        assert len(root.findall(f"{SVG}circle")) == (2 if chart is paying else 1)


def test_a_close_rate_out_of_too_few_decided_leads_is_not_drawn() -> None:
    """One win of one decided lead is 100%: a spike that means nothing. The line starts
    once the rate is out of MIN_DECIDED leads, and the text gives the N."""
    weeks = [stats(10, rate=Fraction(1, 1), decided=1), stats(11, rate=Fraction(1, 2), decided=2),
             *(stats(12 + i, rate=Fraction(2, 5), decided=5) for i in range(3))]
    chart = close_rate(weeks, 0.3)
    (line,) = parse(chart).findall(f"{SVG}polyline")
    assert len((line.get("points") or "").split()) == 3
    assert chart.description.endswith("now 40% of 5 decided leads. Weeks with fewer than 5 "
                                      "decided leads are not drawn.")
    few = close_rate(weeks[:2], 0.3)
    assert parse(few).findall(f"{SVG}polyline") == []
    assert few.description.endswith(": fewer than 5 decided leads yet.")


def test_the_latest_value_is_written_at_the_end_of_each_line_and_over_the_last_bar() -> None:
    labels = {chart.id: [t.text for t in parse(chart).findall(f"{SVG}text")
                         if "end-label" in (t.get("class") or "")]
              for chart in (sales_calls(WEEKS, 5), customers(WEEKS), close_rate(WEEKS, 0.3))}
    assert labels == {"chart-calls": ["9"], "chart-customers": ["3", "1"],
                      "chart-close-rate": ["88%"]}


def test_each_chart_has_a_taller_phone_picture_of_the_last_quarter() -> None:
    series = tuple(stats(1 + i, calls=5, paying=i // 4, rate=Fraction(1, 3)) for i in range(30))
    for chart in charts(series, 5, 0.3):
        wide, phone = ET.fromstring(chart.svg), ET.fromstring(chart.svg_phone)
        assert wide.get("viewBox") == "0 0 640 220" and phone.get("viewBox") == "0 0 640 400"
        assert "chart-phone" in (phone.get("class") or "") and phone.get("id") != wide.get("id")
        if chart.id == "chart-calls":
            assert len(bars(wide)) == 30 and len(bars(phone)) == 13
