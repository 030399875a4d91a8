"""The progress document: `progress.json` and `status --format json` (traction/progress@1).

Keys come out in a fixed order and numbers in a fixed form, so the same log
always gives the same bytes. It is made from `boundary.PublicProgress` only.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from generator.model.metrics import Detail, Value
from generator.public.boundary import PublicMeasure, PublicMilestone, PublicProgress

SCHEMA_ID = "traction/progress@1"
# Minor versions add keys only: 1.1 added week_in_progress; per measure its progress, kind
# and whether it is hidden; and details (stale leads, unrated customers, this week so far).
# 1.2: a run of quiet weeks (no log, the same numbers) is one row with `through`.
SCHEMA_VERSION = "1.2"


def number(value: Value | Decimal) -> int | float | None:
    """JSON form of a metric value: whole numbers as ints, others rounded to 4 places."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction | Decimal) and value == int(value):
        return int(value)
    return round(float(value), 4)


def _measure(measure: PublicMeasure) -> dict[str, Any]:
    return {
        "name": measure.name,
        "label": measure.label,
        "value": number(measure.value),
        "target": number(measure.target),
        "comparison": measure.comparison,
        "met": measure.met,
        "progress": measure.progress,
        "kind": measure.kind,
        "hidden": measure.hidden,
    }


def _detail(detail: Detail) -> dict[str, Any]:
    return {"name": detail.name, "label": detail.label, "value": detail.value,
            "target": detail.target}


def _milestone(status: PublicMilestone) -> dict[str, Any]:
    m = status.milestone
    return {
        "id": m.id,
        "number": m.number,
        "title": m.title,
        "summary": m.summary,
        "status": status.status,
        "achieved_on": status.achieved_on.isoformat() if status.achieved_on else None,
        "progress": status.progress,
        "measures": [_measure(x) for x in status.measures],
        "details": [_detail(d) for d in status.details],
        "history": [{"date": t.date.isoformat(), "status": t.status} for t in status.history],
    }


def progress_document(progress: PublicProgress) -> dict[str, Any]:
    """The document of what `public_progress` lets out, and nothing else."""
    return {
        "schema": SCHEMA_ID,
        "as_of": progress.as_of.isoformat() if progress.as_of else None,
        "latest_week": progress.latest_week,
        "week_in_progress": progress.week_in_progress,
        "company": {"name": progress.company, "tagline": progress.tagline},
        "stage": progress.stage,
        "current_goal": progress.current_goal.id if progress.current_goal else None,
        "ladders": [
            {
                "id": ls.ladder.id,
                "title": ls.ladder.title,
                "summary": ls.ladder.summary,
                "milestones": [_milestone(m) for m in ls.milestones],
            }
            for ls in progress.ladders
        ],
        "weeks": [
            {
                "week": w.week,
                **({"through": w.through} if w.through else {}),
                "sales_calls": w.sales_calls,
                "sqls": w.sqls,
                "won": w.won,
                "lost": w.lost,
                "paying_customers": w.paying_customers,
                "hell_yes_customers": w.hell_yes_customers,
                "close_rate": number(w.close_rate),
                "subscribers": w.subscribers,
            }
            for w in progress.week_rows
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
