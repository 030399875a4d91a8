"""The cohort's files in memory, {path: bytes}: the page, `cohort.json`, the Atom feed and
the theme's assets. Everything shown comes from `summary.Cohort`; the templates
(themes/default/templates/cohort/) escape all of it, since every name and title is text a
startup or the cohort file wrote.
"""

from __future__ import annotations

import datetime
import json
import os
import uuid
from pathlib import Path
from typing import Any

from generator.public.wording import STATUS_LABELS
from generator.render.pages import default_theme_dir, environment, theme_dirs
from generator.tools.cohort.summary import Cohort, Event, MilestoneRef, Reached, Step

SCHEMA_ID = "traction/cohort@1"
SCHEMA_VERSION = "1.0"
MAX_FEED_ENTRIES = 100  # the newest achievements; a feed reader wants news, not history
_FEED_NAMESPACE = uuid.UUID("6f0c5a0e-3d1b-5c7e-9a57-7c1d2b8e4f10")  # Traction's cohorts


def render_cohort(cohort: Cohort) -> dict[str, bytes]:
    """Every file of the cohort site. Raises jinja2.TemplateError only for a broken theme
    (the default theme is tested)."""
    env = environment(theme_dirs(None))
    env.globals["status_label"] = lambda status: STATUS_LABELS.get(status, status)
    feed_id = _feed_id(cohort)
    context = {"cohort": cohort, "feed_id": feed_id,
               "feed": cohort.achievements[:MAX_FEED_ENTRIES],
               "entry_id": lambda e: _entry_id(feed_id, e)}
    files = {
        "index.html": env.get_template("cohort/index.html").render(**context).encode(),
        "feed.xml": env.get_template("cohort/feed.xml").render(**context).encode(),
        "cohort.json": dumps(cohort_document(cohort)).encode(),
        "assets/cohort.css": env.get_template("cohort/cohort.css").render().encode(),
    }
    files.update(_assets(default_theme_dir() / "static"))
    return files


def _assets(static: Path) -> dict[str, bytes]:
    """The theme's static files (the stylesheet, fonts, icon) under assets/, in order;
    links are never followed."""
    found = {}
    for directory, dirs, names in os.walk(static):
        dirs.sort()
        base = Path(directory)
        for name in sorted(names):
            if not (base / name).is_symlink():
                found[f"assets/{(base / name).relative_to(static).as_posix()}"] = (
                    base / name).read_bytes()
    return found


def _feed_id(cohort: Cohort) -> str:
    return cohort.url or f"urn:uuid:{uuid.uuid5(_FEED_NAMESPACE, cohort.title)}"


def _entry_id(feed_id: str, event: Event) -> str:
    key = "\n".join((feed_id, event.startup, event.milestone.id, event.date.isoformat(),
                     event.status))
    return f"urn:uuid:{uuid.uuid5(_FEED_NAMESPACE, key)}"


# --- cohort.json (generator/public/schemas/cohort.schema.json) ------------------------------


def _date(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _ref(ref: MilestoneRef) -> dict[str, Any]:
    return {"id": ref.id, "title": ref.title, "url": ref.url}


def _reached(reached: Reached | None) -> dict[str, Any] | None:
    return None if reached is None else {**_ref(reached.milestone), "date": _date(reached.date)}


def _step(step: Step) -> dict[str, Any]:
    return {"id": step.id, "title": step.title, "number": step.number,
            "tracked": step.tracked, "reached": step.reached, "achieved": step.achieved,
            "median_weeks": step.median_weeks, "timed": step.timed}


def cohort_document(cohort: Cohort) -> dict[str, Any]:
    """The cohort as data, keys in a fixed order (the same input gives the same bytes)."""
    return {
        "schema": SCHEMA_ID,
        "title": cohort.title,
        "url": cohort.url,
        "start": _date(cohort.start),
        "as_of": _date(cohort.as_of),
        "week": cohort.week,
        "startups": [{
            "name": row.name,
            "company": row.company,
            "url": row.url,
            "as_of": _date(row.as_of),
            "stage": row.stage,
            "current_goal": None if row.goal is None else {
                **_ref(row.goal), "status": row.goal_status},
            "milestones_tracked": row.tracked,
            "milestones_achieved": row.achieved,
            "last_reached": _reached(row.last),
            "latest_week": row.latest_week,
            "weeks_since_log": row.weeks_since_log,
        } for row in cohort.rows],
        "funnel": [{"ladder": group.id, "title": group.title, "startups": group.tracked,
                    "milestones": [_step(s) for s in group.steps]} for group in cohort.funnel],
        "slipped": [{"date": _date(e.date), "startup": e.startup, "milestone": _ref(e.milestone)}
                    for e in cohort.slipped],
        "skipped": [{"name": s.startup.name, "progress": s.startup.progress, "reason": s.reason}
                    for s in cohort.skipped],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
