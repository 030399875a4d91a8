"""The progress document: `progress.json` and `status --format json` (traction/progress@1).

Keys come out in a fixed order and numbers in a fixed form, so the same log
always gives the same bytes. Amounts are left out unless `show_revenue`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from generator.engine import Measure, MilestoneStatus, Progress
from generator.metrics import Detail, Value

SCHEMA_ID = "traction/progress@1"
# Minor versions add keys only: 1.1 added week_in_progress, a progress per measure, and
# details (stale leads, unrated customers, this week's calls so far).
SCHEMA_VERSION = "1.1"


def number(value: Value | Decimal) -> int | float | None:
    """JSON form of a metric value: whole numbers as ints, others rounded to 4 places."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction | Decimal) and value == int(value):
        return int(value)
    return round(float(value), 4)


def _measure(measure: Measure, show_revenue: bool) -> dict[str, Any]:
    hidden = measure.money and not show_revenue
    return {
        "name": measure.name,
        "label": measure.label,
        "value": None if hidden else number(measure.value),
        "target": None if hidden else number(measure.target),
        "comparison": measure.comparison,
        "met": measure.met,
        "progress": None if hidden else measure.progress,
    }


def _detail(detail: Detail) -> dict[str, Any]:
    return {"name": detail.name, "label": detail.label, "value": detail.value,
            "target": detail.target}


def _milestone(status: MilestoneStatus, show_revenue: bool) -> dict[str, Any]:
    m = status.milestone
    return {
        "id": m.id,
        "number": m.number,
        "title": m.title,
        "summary": m.summary,
        "status": status.status,
        "achieved_on": status.achieved_on.isoformat() if status.achieved_on else None,
        "progress": status.progress,
        "measures": [_measure(x, show_revenue) for x in status.measures],
        "details": [_detail(d) for d in status.details],
        "history": [{"date": t.date.isoformat(), "status": t.status} for t in status.history],
    }


def progress_document(progress: Progress, company_name: str, tagline: str,
                      show_revenue: bool) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "as_of": progress.as_of.isoformat() if progress.as_of else None,
        "latest_week": progress.latest_week,
        "week_in_progress": progress.week_in_progress,
        "company": {"name": company_name, "tagline": tagline},
        "stage": progress.stage,
        "current_goal": progress.current_goal.milestone.id if progress.current_goal else None,
        "ladders": [
            {
                "id": ls.ladder.id,
                "title": ls.ladder.title,
                "summary": ls.ladder.summary,
                "milestones": [_milestone(m, show_revenue) for m in ls.milestones],
            }
            for ls in progress.ladders
        ],
        "weeks": [
            {
                "week": w.week,
                "sales_calls": w.sales_calls,
                "sqls": w.sqls,
                "won": w.won,
                "lost": w.lost,
                "paying_customers": w.paying_customers,
                "hell_yes_customers": w.hell_yes_customers,
                "close_rate": number(w.close_rate),
                "subscribers": w.subscribers,
            }
            for w in progress.weeks
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
