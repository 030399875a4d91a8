"""The diff report (`public.diff.DiffReport`) as Markdown for a pull-request comment,
JSON or text.

It prints what the report's types say: a measure of kind "share" as a percentage,
a hidden one (a private amount, which holds no number) as "private".

Markdown starts with the hidden marker line a bot finds its sticky comment by,
escapes every string that comes from the content (no mentions, HTML, links,
images or broken tables), and is capped at MARKDOWN_LIMIT bytes: when too long,
the longest tables lose rows from the end and say so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.public.diff import (
    BackdatedRow,
    Change,
    DiffReport,
    MeasureChange,
    MilestoneChange,
    Number,
    ProblemRow,
    SideInfo,
    WeekChange,
)
from generator.public.wording import STATUS_LABELS

MARKER = "<!-- traction-diff -->"
MARKDOWN_LIMIT = 60_000  # bytes of UTF-8; a GitHub comment holds 65,536 characters
WEEK_COLUMNS = (("sales_calls", "Sales calls"), ("sqls", "SQLs"), ("won", "Won"),
                ("lost", "Lost"), ("paying_customers", "Paying"),
                ("hell_yes_customers", "Hell yes"))
ICONS = {"achieved": "🎉", "recovered": "↩️", "slipped": "⚠️", "lost": "🔻", "moved": "📈",
         "added": "➕", "removed": "➖"}
Style = Callable[..., str]
Escape = Callable[..., str]  # (text, limit=...) -> text

# --- escaping -------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#!|~$])")
_ZWJ = "\u200d"


def plain(text: str, limit: int = 300) -> str:
    """One line of text with no control characters (terminal escapes, bidi overrides)."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def md(text: str, limit: int = 300) -> str:
    """Content as inert Markdown: literal text in a paragraph, list item or table cell."""
    text = plain(text, limit)
    # GitHub links @mentions, #123, bare URLs and e-mail addresses: break them.
    text = text.replace("@", "@" + _ZWJ).replace("#", "#" + _ZWJ).replace("://", ":" + _ZWJ + "//")
    text = re.sub(r"(?i)\b(www)\.", r"\1" + _ZWJ + ".", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_PUNCT.sub(r"\\\1", text)


# --- shared wording -------------------------------------------------------------------------


def _status(status: str | None) -> str:
    return "—" if status is None else STATUS_LABELS.get(status, status)


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _moved(before: str, after: str, bold: bool = False) -> str:
    """`before → after`, or just the value when it did not change."""
    shown = f"**{after}**" if bold else after
    return shown if before == after else f"{before} → {shown}"


def _value(value: Number | None, m: MeasureChange) -> str:
    if m.hidden:  # a private amount: the measure holds no number to print
        return "private"
    if value is None:
        return "n/a"
    if m.kind == "share":  # 0..1
        return f"{value * 100:.0f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _measure(m: MeasureChange, escape: Escape) -> str:
    after, before, target = _value(m.after, m), _value(m.before, m), _value(m.target, m)
    numbers = after if before == after else f"{before} → {after}"
    bound = "at most" if m.comparison == "at_most" else "target"
    return f"{escape(m.label)}: {numbers} ({bound} {target})"


def _measures(row: MilestoneChange, escape: Escape) -> list[str]:
    changed = [m for m in row.measures if m.before != m.after]
    return [_measure(m, escape) for m in (changed or row.measures)]


def headline(report: DiffReport, escape: Escape) -> str:
    counts, parts = report.counts, []
    if counts.errors:
        parts.append(f"❌ {counts.errors} error{'s' * (counts.errors != 1)}")
    if counts.achieved:
        n = counts.achieved
        parts.append(f"🎉 {n} milestone{'s' * (n != 1)} reached")
    kinds: tuple[Change, ...] = ("recovered", "slipped", "lost", "moved")
    for kind in kinds:
        if counts.of(kind):
            parts.append(f"{ICONS[kind]} {counts.of(kind)} {kind}")
    if not parts:
        parts.append("no milestone changes")
    stage, goal = report.stage, report.current_goal
    if report.head.content != "invalid" and stage.after is not None:
        # Nothing evaluated on a side (no content): no goal, not "all achieved".
        ids = ["—" if s is None else escape(g.id) if g else "all achieved"
               for g, s in ((goal.before, stage.before), (goal.after, stage.after))]
        parts.append(f"goal: {ids[1]}" if ids[0] == ids[1] else f"goal: {ids[0]} → {ids[1]}")
        if stage.before != stage.after:
            parts.append(f"stage: {stage.before or '—'} → {stage.after}")
    return " · ".join(parts)


def _side(side: SideInfo, escape: Escape, code: Escape) -> str:
    name = "the working tree" if side.rev is None else escape(side.rev)
    if side.commit and side.rev != side.commit:
        name += f" ({code(side.commit[:10])})"
    if side.content == "missing":
        return f"{name}: no content"
    if side.content == "invalid":
        return f"{name}: content with errors"
    return f"{name}: up to {side.latest_week or 'no weeks'}"


def _notes(report: DiffReport) -> list[str]:
    notes = []
    if report.base.content == "missing":
        notes.append("The base has no content: every milestone starts from not started.")
    if report.base.content == "invalid":
        notes.append("The base content has errors, so it is compared as an empty log.")
    if report.head.content == "missing":
        notes.append("The head has no content: it is compared as an empty log.")
    if report.head.content == "invalid":
        notes.append("Milestones were not evaluated: the head content has errors (below).")
    if report.removed_weeks:
        notes.append(f"Weeks no longer in the log: {', '.join(report.removed_weeks)}.")
    return notes


def _backdated(row: BackdatedRow) -> str:
    moved = f" (was {row.was.isoformat()})" if row.was else ""
    verb = "moved to" if row.was else "dated"
    return (f"{row.what}, {verb} {row.date.isoformat()}{moved}: {row.days_before} days "
            "before the head's date")


BACKDATED_NOTE = ("**Logged late** · entries this change adds or re-dates, dated more than "
                  "`provenance.late_after_days` before the head's date")


def _delta(now: int, previous: int | None, was: int | None) -> str:
    notes = []
    if previous is not None:
        change = now - previous
        notes.append(f"{'+' if change > 0 else '±' if change == 0 else ''}{change}")
    if was is not None and was != now:
        notes.append(f"was {was}")
    return f"{now} ({', '.join(notes)})" if notes else str(now)


def _week_cells(row: WeekChange) -> list[str]:
    """Each number with its change from the week before and, for a changed week, its old value."""
    now = row.numbers.counts()
    previous = row.previous.counts() if row.previous else {}
    before = row.before.counts() if row.before else {}
    return [_delta(now[key], previous.get(key), before.get(key)) for key, _ in WEEK_COLUMNS]


def _date(m: MilestoneChange) -> str:
    return f" ({m.date.isoformat()})" if m.date else ""


def _name(m: MilestoneChange, report: DiffReport, escape: Escape) -> str:
    """`3. Title`, after its ladder's title when the changes span ladders (numbers repeat)."""
    name = f"{m.number}. {escape(m.title, 120)}"
    if len({row.ladder for row in report.milestones}) > 1:
        name = f"{escape(m.ladder_title, 60)} · {name}"
    return name


def _problem(p: ProblemRow, escape: Escape, path: Callable[[str], str] = str) -> str:
    where = escape(f"{path(p.file)}:{p.line}:{p.col}")
    hint = f" (hint: {escape(p.hint)})" if p.hint else ""
    return f"{where}: {p.severity}: {escape(p.message, 500)}{hint}"


# --- Markdown -------------------------------------------------------------------------------


@dataclass
class _Block:
    """A part of the comment: `head` always stays, `rows` may be cut from the end."""

    head: list[str]
    rows: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    table: bool = False
    dropped: int = 0

    def lines(self) -> list[str]:
        more = []
        if self.dropped:
            note = f"… truncated: {self.dropped} more not shown (too long for a comment)"
            more = [f"| {note} |" if self.table else f"- {note}"]
        return [*self.head, *self.rows, *more, *self.tail]

    def size(self) -> int:
        return sum(len(line.encode()) + 1 for line in self.lines())


def _fit(blocks: list[_Block], limit: int) -> str:
    """Join the blocks, cutting rows from the biggest table until the text fits `limit` bytes."""
    while sum(b.size() for b in blocks) > limit:
        biggest = max(blocks, key=lambda b: sum(len(r.encode()) for r in b.rows))
        if not biggest.rows:
            break
        excess = sum(b.size() for b in blocks) - limit
        while biggest.rows and excess > 0:
            excess -= len(biggest.rows.pop().encode()) + 1
            biggest.dropped += 1
    text = "\n".join(line for b in blocks for line in b.lines()) + "\n"
    if len(text.encode()) > limit:  # only headers left and still too long: cut hard
        text = text.encode()[:limit - 40].decode("utf-8", "ignore") + "\n\n… truncated\n"
    return text


def markdown(report: DiffReport, limit: int = MARKDOWN_LIMIT) -> str:
    def code(text: str) -> str:
        return f"`{text}`"

    title = f"### Traction diff · {md(report.company, 100)}" if report.company else (
        "### Traction diff")
    sides = f"{_side(report.base, md, code)} → {_side(report.head, md, code)}"
    top = _Block([MARKER, title, f"**{headline(report, md)}**", "", f"<sub>{sides}</sub>", ""])
    top.head += [f"_{note}_" for note in _notes(report)] + ([""] if _notes(report) else [])
    blocks = [top]
    if report.milestones:
        rows = []
        for m in report.milestones:
            status = _moved(_status(m.status.before), _status(m.status.after), bold=True)
            progress = _moved(_pct(m.progress.before), _pct(m.progress.after))
            rows.append(f"| {ICONS[m.change]} | {_name(m, report, md)} | "
                        f"{status}{_date(m)} | {progress} | {'<br>'.join(_measures(m, md))} |")
        blocks.append(_Block(["| | Milestone | Status | Progress | Numbers |",
                              "|---|---|---|---|---|"], rows, [""], table=True))
    if report.weeks:
        header = " | ".join(label for _, label in WEEK_COLUMNS)
        rows = [f"| {w.week} ({w.change}) | {' | '.join(_week_cells(w))} |"
                for w in report.weeks]
        blocks.append(_Block(
            ["**Weeks** · in brackets: the change from the week before "
             "(paying and hell yes are totals at the week's end)", "",
             f"| Week | {header} |", "|---|" + "---:|" * len(WEEK_COLUMNS)], rows, [""],
            table=True))
    if report.backdated:
        blocks.append(_Block([BACKDATED_NOTE, ""],
                             [f"- {md(_backdated(b))}" for b in report.backdated], [""]))
    counts = report.counts
    if counts.errors:
        n = counts.errors
        verdict = f"❌ **{n} error{'s' * (n != 1)} block{'s' * (n == 1)} this change**"
    else:
        verdict = "✅ no errors"
    if counts.warnings:
        verdict += f" · {counts.warnings} warning{'s' * (counts.warnings != 1)}"
    icons = {"error": "❌", "warning": "⚠️"}
    blocks.append(_Block([f"**Check**: {verdict}", ""] if report.problems else
                         [f"**Check**: {verdict}"],
                         [f"- {icons[p.severity]} {_problem(p, md)}" for p in report.problems]))
    return _fit(blocks, limit)


# --- JSON and text --------------------------------------------------------------------------


def json_text(report: DiffReport) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


def text(report: DiffReport, style: Style | None = None,
         path: Callable[[str], str] = str) -> str:
    """For the terminal. `path` turns a problem's path (from the repository's root, as the
    comment and JSON give it) into the one printed: from the working directory, as `check`
    prints it, so a terminal or editor opens it."""
    def paint(s: str, **kwargs: Any) -> str:
        return style(s, **kwargs) if style else s

    def keep(s: str) -> str:
        return s

    lines = [paint(f"Traction diff: {plain(report.company)}", bold=True),
             f"{_side(report.base, plain, keep)} → {_side(report.head, plain, keep)}",
             paint(headline(report, plain), bold=True), *_notes(report)]
    if report.milestones:
        lines += ["", paint("Milestones", bold=True)]
        for m in report.milestones:
            colour = {"achieved": "green", "recovered": "green", "slipped": "red",
                      "lost": "red"}.get(m.change)
            lines.append(f"  {paint(m.change.ljust(10), fg=colour)} "
                         f"{_name(m, report, plain)}: "
                         f"{_moved(_status(m.status.before), _status(m.status.after))}"
                         f"{_date(m)}, "
                         f"{_moved(_pct(m.progress.before), _pct(m.progress.after))}")
            lines += [f"             {x}" for x in _measures(m, plain)]
    if report.weeks:
        lines += ["", paint("Weeks", bold=True) + " (in brackets: change from the week before)"]
        for w in report.weeks:
            cells = ", ".join(f"{label} {cell}" for (_, label), cell in
                              zip(WEEK_COLUMNS, _week_cells(w), strict=True))
            lines.append(f"  {w.week} {w.change:<7} {cells}")
    if report.backdated:
        lines += ["", paint("Logged late", bold=True) + " (entries added or re-dated, dated "
                  "more than provenance.late_after_days before the head's date)"]
        lines += [f"  {plain(_backdated(b))}" for b in report.backdated]
    lines += ["", paint("Check", bold=True)]
    lines += [f"  {_problem(p, plain, path)}" for p in report.problems]
    counts = report.counts
    lines.append(f"  {counts.errors} error{'s' * (counts.errors != 1)}, "
                 f"{counts.warnings} warning{'s' * (counts.warnings != 1)}")
    return "\n".join(lines) + "\n"


def render(report: DiffReport, fmt: str, style: Style | None = None,
           path: Callable[[str], str] = str) -> str:
    """The report in `fmt`; `path` applies to the text format only (see `text`)."""
    if fmt == "json":
        return json_text(report)
    if fmt == "text":
        return text(report, style, path)
    return markdown(report)
