"""`traction diff`: what a change to the log does to the milestones.

Both sides go through the same pipeline (`analyse`) and become progress
documents, the privacy-safe public view; the comparison reads those documents
only, so nothing the site would not publish can reach a diff. The result is a
plain dict (schema `traction/diff@1`, below) that `diff_render` prints as
Markdown, JSON or text.

    {"schema": "traction/diff@1",
     "ok": true,                       # false when HEAD has validation errors
     "company": "Acme Analytics",
     "base": {"rev": "main", "commit": "<sha>", "content": "ok", "as_of": "2026-03-15",
              "latest_week": "2026-W11"},
     "head": {"rev": null, "commit": null, ...},   # rev null = the working tree
     "stage": {"before": "prototype", "after": "traction"},
     "current_goal": {"before": {"id": ..., "title": ...}, "after": null},
     "counts": {"achieved": 1, "recovered": 0, "slipped": 1, "lost": 0, "moved": 2,
                "added": 0, "removed": 0, "new_weeks": 2, "changed_weeks": 0, "errors": 0,
                "warnings": 0},
     "milestones": [{"ladder": "zero-to-one", "ladder_title": "Zero to one", "id": ...,
                     "number": 2, "title": ...,
                     "change": "achieved", "date": "2026-03-18",
                     "status": {"before": "not_started", "after": "achieved"},
                     "progress": {"before": 0.0, "after": 1.0},
                     "measures": [{"name": ..., "label": ..., "before": 0, "after": 1,
                                   "target": 1, "comparison": "at_least", "met": true}]}],
     "weeks": [{"week": "2026-W12", "change": "new", "numbers": {...},
                "previous": {"week": "2026-W11", ...numbers} | null, "before": null}],
     "removed_weeks": ["2026-W09"],
     "problems": [{"severity": "error", "file": "content/weeks/2026-W12.yaml",
                   "line": 3, "col": 5, "message": ..., "hint": ...}]}

`content` is "ok", "missing" (not in that revision: compared as an empty log)
or "invalid" (errors: the base is then compared as an empty log, HEAD is not
evaluated). `change` is achieved | recovered | slipped | lost | moved | added | removed
(`lost`: it had been reached, and with this change never was);
a week's `change` is new | changed. Week numbers are that week's sales calls,
SQLs, won and lost, and paying and hell-yes customers at its end.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from generator.boundary import public_progress
from generator.engine import evaluate
from generator.gitrev import GitError, Repo, commit_time, export, open_repo, resolve
from generator.pipeline import Analysis, AsOf, AsOfError, analyse, source_date
from generator.progress_doc import progress_document

__all__ = ["GitError", "compare", "diff_revisions"]

SCHEMA_ID = "traction/diff@1"
WEEK_NUMBERS = ("sales_calls", "sqls", "won", "lost", "paying_customers", "hell_yes_customers")
CHANGES = ("achieved", "recovered", "slipped", "lost", "moved", "added", "removed")
STOCKS = frozenset({"paying_customers", "hell_yes_customers"})  # totals at the week's end

ContentState = Literal["ok", "missing", "invalid"]
Doc = dict[str, Any]


@dataclass(frozen=True)
class Side:
    """One revision's content, analysed; `analysis` is None when the content is missing."""

    rev: str | None  # as given; None for the working tree
    commit: str | None
    analysis: Analysis | None

    @property
    def state(self) -> ContentState:
        if self.analysis is None:
            return "missing"
        return "ok" if self.analysis.progress is not None else "invalid"


def diff_revisions(content: Path, base: str, head: str | None = None,
                   as_of: AsOf | None = None) -> dict[str, Any]:
    """Compare the content at `base` with `head` (default: the working tree). Raises GitError.

    A revision is evaluated as of its commit's date, as the publish workflow builds it, and
    the working tree as of `as_of` (SOURCE_DATE_EPOCH) or its own latest day; an `--as-of`
    date applies to both sides."""
    repo = open_repo(content)
    base_commit = resolve(repo, base)
    head_commit = resolve(repo, head) if head is not None else None
    with tempfile.TemporaryDirectory(prefix="traction-diff-") as tmp:
        before = Side(base, base_commit,
                      _analyse_commit(repo, base_commit, Path(tmp, "base"), as_of))
        if head_commit is not None:
            after = Side(head, head_commit,
                         _analyse_commit(repo, head_commit, Path(tmp, "head"), as_of))
        else:
            after = Side(None, None,
                         analyse(content, as_of=as_of) if content.is_dir() else None)
        return compare(before, after, repo.content)


def _analyse_commit(repo: Repo, commit: str, dest: Path, as_of: AsOf | None
                    ) -> Analysis | None:
    if as_of is None or not as_of.strict:
        try:
            as_of = AsOf(source_date(commit_time(repo, commit)).date, "commit date")
        except AsOfError as exc:  # pragma: no cover - git always prints a number
            raise GitError(str(exc)) from None
    return analyse(dest, as_of=as_of) if export(repo, commit, dest) else None


# --- the comparison (pure) ----------------------------------------------------------------


def compare(base: Side, head: Side, content_path: str = "") -> dict[str, Any]:
    """The diff report of two analysed sides; `content_path` prefixes problem file names."""
    configs = [s.analysis.content.config for s in (head, base)
               if s.analysis is not None and s.analysis.content.config is not None]
    # An amount is shown only if both sides publish revenue.
    show_revenue = bool(configs) and all(c.privacy.show_revenue for c in configs)
    company = configs[0].company.name if configs else ""
    template = next((s.analysis for s in (head, base) if s.state == "ok"), None)
    before = _document(base.analysis, show_revenue) or _empty_document(template, show_revenue)
    after = _document(head.analysis, show_revenue)
    if after is None and head.state == "missing":
        after = _empty_document(template, show_revenue)
    milestones = _milestone_changes(before, after) if after is not None else []
    weeks, removed = _week_changes(before, after) if after is not None else ([], [])
    problems = _problems(head, content_path)
    errors = sum(p["severity"] == "error" for p in problems)
    counts = {kind: sum(m["change"] == kind for m in milestones)
              for kind in CHANGES}
    counts |= {"new_weeks": sum(w["change"] == "new" for w in weeks),
               "changed_weeks": sum(w["change"] == "changed" for w in weeks),
               "errors": errors, "warnings": len(problems) - errors}
    return {
        "schema": SCHEMA_ID,
        "ok": errors == 0,
        "company": company,
        "base": _side_info(base, before),
        "head": _side_info(head, after),
        "stage": {"before": _get(before, "stage"), "after": _get(after, "stage")},
        "current_goal": {"before": _goal(before), "after": _goal(after)},
        "counts": counts,
        "milestones": milestones,
        "weeks": weeks,
        "removed_weeks": removed,
        "problems": problems,
    }


def _document(analysis: Analysis | None, show_revenue: bool) -> Doc | None:
    """The side's progress document, through the privacy boundary: what its site publishes
    (with amounts hidden unless both sides publish them)."""
    if analysis is None or analysis.progress is None or analysis.content.config is None:
        return None
    config = analysis.content.config
    if not show_revenue:
        config = replace(config, privacy=replace(config.privacy, show_revenue=False))
    return progress_document(public_progress(analysis.progress, config))


def _empty_document(template: Analysis | None, show_revenue: bool) -> Doc | None:
    """No weeks logged yet, on the other side's ladders: every milestone at its start."""
    if template is None or template.content.config is None or template.ladders is None:
        return None
    progress = evaluate(template.content.config, (), template.ladders)
    return _document(replace(template, progress=progress), show_revenue)


def _get(doc: Doc | None, key: str) -> Any:
    return doc[key] if doc is not None else None


def _side_info(side: Side, doc: Doc | None) -> dict[str, Any]:
    return {"rev": side.rev, "commit": side.commit, "content": side.state,
            "as_of": _get(doc, "as_of"), "latest_week": _get(doc, "latest_week")}


def _milestones(doc: Doc) -> dict[tuple[str, str], Doc]:
    return {(ladder["id"], m["id"]): m for ladder in doc["ladders"] for m in ladder["milestones"]}


def _goal(doc: Doc | None) -> dict[str, str] | None:
    if doc is None or doc["current_goal"] is None:
        return None
    goal = doc["current_goal"]
    title = next((m["title"] for (_, mid), m in _milestones(doc).items() if mid == goal), goal)
    return {"id": goal, "title": title}


def _change(old: Doc | None, new: Doc) -> str | None:
    was, now = (old or {}).get("status"), new["status"]
    if now == "achieved":
        if was == "achieved":
            return None  # still achieved: its numbers moving on is not news
        return "recovered" if was == "slipped" else "achieved"
    if now == "slipped" and was != "slipped":
        return "slipped"
    if was in ("achieved", "slipped") and now in ("in_progress", "not_started"):
        # Never reached any more: the log was rewritten under it. Not progress.
        return "lost"
    if old is None:
        return "added"
    moved = (was != now or old["progress"] != new["progress"]
             or [x["value"] for x in old["measures"]] != [x["value"] for x in new["measures"]])
    return "moved" if moved else None


def _last(history: list[Doc], status: str) -> str | None:
    return next((t["date"] for t in reversed(history) if t["status"] == status), None)


def _measures(old: Doc | None, new: Doc) -> list[Doc]:
    before = {(i, x["name"]): x for i, x in enumerate((old or {}).get("measures", []))}
    return [{"name": x["name"], "label": x["label"],
             "before": before[(i, x["name"])]["value"] if (i, x["name"]) in before else None,
             "after": x["value"], "target": x["target"], "comparison": x["comparison"],
             "met": x["met"]}
            for i, x in enumerate(new["measures"])]


def _milestone_changes(before: Doc | None, after: Doc) -> list[Doc]:
    old_index = _milestones(before) if before is not None else {}
    new_index = _milestones(after)
    ladder_titles = {ladder["id"]: ladder["title"] for ladder in after["ladders"]}
    old_titles = {ladder["id"]: ladder["title"] for ladder in (before or {}).get("ladders", [])}
    changes = []
    for key, new in new_index.items():
        old = old_index.get(key)
        change = _change(old, new)
        if change is None:
            continue
        date = {"achieved": _last(new["history"], "achieved"),
                "recovered": _last(new["history"], "achieved"),
                "slipped": _last(new["history"], "slipped")}.get(change)
        changes.append({
            "ladder": key[0], "ladder_title": ladder_titles[key[0]], "id": new["id"],
            "number": new["number"], "title": new["title"],
            "change": change, "date": date,
            "status": {"before": old["status"] if old else None, "after": new["status"]},
            "progress": {"before": old["progress"] if old else None, "after": new["progress"]},
            "measures": _measures(old, new),
        })
    for key, old in old_index.items():
        if key not in new_index:
            changes.append({
                "ladder": key[0], "ladder_title": old_titles[key[0]], "id": old["id"],
                "number": old["number"],
                "title": old["title"], "change": "removed", "date": None,
                "status": {"before": old["status"], "after": None},
                "progress": {"before": old["progress"], "after": None},
                "measures": [],
            })
    return changes


def _numbers(week: Doc | None) -> dict[str, int] | None:
    return None if week is None else {k: week[k] for k in WEEK_NUMBERS}


def _signature(week: Doc, previous: Doc | None) -> tuple[int, ...]:
    """What a week itself did: its own counts, and how the customer totals moved in it.

    A customer paying in week 20 raises the totals of every later week, but only
    week 20's signature changes, so only week 20 shows as changed.
    """
    return tuple(week[k] - (previous[k] if previous is not None else 0) if k in STOCKS
                 else week[k] for k in WEEK_NUMBERS)


def _week_changes(before: Doc | None, after: Doc) -> tuple[list[Doc], list[str]]:
    old_weeks = before["weeks"] if before is not None else []
    old_index = {w["week"]: i for i, w in enumerate(old_weeks)}
    rows = []
    for i, week in enumerate(after["weeks"]):
        previous = after["weeks"][i - 1] if i else None
        j = old_index.get(week["week"])
        if j is None:
            change = "new"
        else:
            old_previous = old_weeks[j - 1] if j else None
            if _signature(old_weeks[j], old_previous) == _signature(week, previous):
                continue
            change = "changed"
        rows.append({
            "week": week["week"], "change": change, "numbers": _numbers(week),
            "previous": None if previous is None else {"week": previous["week"],
                                                       **(_numbers(previous) or {})},
            "before": _numbers(old_weeks[j]) if j is not None else None,
        })
    kept = {w["week"] for w in after["weeks"]}
    return rows, [w["week"] for w in old_weeks if w["week"] not in kept]


def _problems(head: Side, content_path: str) -> list[Doc]:
    if head.analysis is None:
        return []
    prefix = f"{content_path}/" if content_path else ""
    return [{"severity": p.severity, "file": prefix + p.pos.file, "line": p.pos.line,
             "col": p.pos.col, "message": p.message, "hint": p.hint}
            for p in head.analysis.problems]
