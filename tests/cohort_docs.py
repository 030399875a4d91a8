"""Hand-made progress documents (traction/progress@1, version 1.3) for the cohort's unit
tests: only the parts the cohort reads vary; tests/test_cohort.py checks each one made here
against the schema with jsonschema."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

from conftest import ROOT

SCHEMA = ROOT / "generator" / "public" / "schemas" / "progress.schema.json"


def milestone(mid: str, status: str = "not_started", history: tuple[tuple[str, str], ...] = (),
              number: int = 1, title: str | None = None, site: str = "https://x.example/"
              ) -> dict[str, Any]:
    """A milestone whose achieved_on and since follow from its `history` of (date, status)."""
    achieved = [d for d, s in history if s == "achieved"]
    return {
        "id": mid, "number": number, "title": title or mid.replace("-", " ").capitalize(),
        "summary": "", "url": f"{site}milestones/{mid}/", "status": status,
        "achieved_on": achieved[0] if achieved else None,
        "since": achieved[-1] if status == "achieved" and achieved else None,
        "progress": 1.0 if status == "achieved" else 0.0, "measures": [], "details": [],
        "history": [{"date": d, "status": s} for d, s in history],
    }


def document(name: str, ladders: dict[str, list[dict[str, Any]]], *,
             as_of: str | None = "2026-11-22", latest_week: str | None = "2026-W47",
             stage: str = "prototype", current_goal: str | None = None) -> dict[str, Any]:
    slug = "".join(c for c in name.lower() if c.isalnum())[:30] or "x"
    site = f"https://{slug}.example/"
    shown = []
    for ladder_id, milestones in ladders.items():
        items = copy.deepcopy(milestones)
        for number, item in enumerate(items, 1):
            item["number"] = number
            item["url"] = f"{site}milestones/{item['id']}/"
        shown.append({"id": ladder_id, "title": ladder_id.replace("-", " ").title(),
                      "summary": "", "milestones": items})
    if current_goal is None:
        current_goal = next((m["id"] for ladder in shown for m in ladder["milestones"]
                             if m["status"] != "achieved"), None)
    return {
        "schema": "traction/progress@1", "url": site, "as_of": as_of,
        "latest_week": latest_week, "week_in_progress": None,
        "company": {"name": name, "tagline": ""}, "stage": stage,
        "current_goal": current_goal, "ladders": shown, "weeks": [],
    }


def write(folder: Path, name: str, data: dict[str, Any] | str | bytes) -> str:
    """Write a document (or raw text) to folder/name; its path for cohort.yaml."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, dict):
        data = json.dumps(data)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return name


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
