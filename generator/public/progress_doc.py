"""The progress document: `progress.json` and `status --format json` (traction/progress@1).

Keys come out in a fixed order and numbers in a fixed form, so the same log
always gives the same bytes. It is made from `boundary.PublicProgress` only.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from generator.model.metrics import Detail, Value
from generator.model.provenance import FirstLogged
from generator.public.boundary import PublicMeasure, PublicMilestone, PublicProgress
from generator.public.paths import absolute, milestone_path, week_path
from generator.source.history import Commit

SCHEMA_ID = "traction/progress@1"
# Minor versions add keys only: 1.1 added week_in_progress; per measure its progress, kind
# and whether it is hidden; and details (stale leads, unrated customers, this week so far).
# 1.2: a run of quiet weeks (no log, the same numbers) is one row with `through`.
# 1.3: absolute URLs so others can link: the site's `url`, each milestone's page `url`, a
# logged week's page `url`; and per milestone `since` (the latest time it became achieved,
# while it is), beside `achieved_on` (the first time).
# 1.4: provenance from the git history: the `commit` the content is as of, and per milestone
# `first_logged` (when its achievement was first committed, and whether that was late);
# both null when the build had no history to read.
SCHEMA_VERSION = "1.4"


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


def _date(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _milestone(status: PublicMilestone, base_url: str) -> dict[str, Any]:
    m = status.milestone
    return {
        "id": m.id,
        "number": m.number,
        "title": m.title,
        "summary": m.summary,
        "url": absolute(base_url, milestone_path(m.id)),
        "status": status.status,
        "achieved_on": _date(status.achieved_on),
        "since": _date(status.since),
        "progress": status.progress,
        "measures": [_measure(x) for x in status.measures],
        "details": [_detail(d) for d in status.details],
        "history": [{"date": t.date.isoformat(), "status": t.status} for t in status.history],
        "first_logged": _first_logged(status.first_logged),
    }


def _commit(commit: Commit | None) -> dict[str, Any] | None:
    return {"id": commit.id, "date": commit.day.isoformat()} if commit else None


def _first_logged(found: FirstLogged | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"date": found.commit.day.isoformat() if found.commit else None,
            "commit": found.commit.id if found.commit else None,
            "days_after": found.days_after if found.commit else None,
            "late": found.late}


def progress_document(progress: PublicProgress, base_url: str | None = None
                      ) -> dict[str, Any]:
    """The document of what `public_progress` lets out, and nothing else.

    Its URLs are absolute, under `base_url` when the build was given one (`--base-url
    https://...`), else under `site.url` from traction.yaml: so `status --format json`, which
    builds no site, names the same pages as the published `progress.json`."""
    base = base_url or progress.site_url
    return {
        "schema": SCHEMA_ID,
        "url": absolute(base, ""),
        "as_of": progress.as_of.isoformat() if progress.as_of else None,
        "commit": _commit(progress.commit),
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
                "milestones": [_milestone(m, base) for m in ls.milestones],
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
                # a page exists for each week with a log file (render.site)
                **({"url": absolute(base, week_path(w.week))} if w.logged else {}),
            }
            for w in progress.week_rows
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
