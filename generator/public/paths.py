"""Where each page of the site lives, relative to its base URL: one place.

The site links to these pages (`render.site`) and `progress.json` publishes them as
absolute URLs (`public.progress_doc`), so the two can never disagree.
"""

from __future__ import annotations


def milestone_path(milestone_id: str) -> str:
    return f"milestones/{milestone_id}/"


def week_path(week: str) -> str:
    """The page of a logged week (`2026-W47`); a week without a log file has none."""
    return f"weeks/{week}/"


def absolute(base_url: str, path: str) -> str:
    """`path` under `base_url`, which may lack its final slash (site.url always has one)."""
    return (base_url if base_url.endswith("/") else base_url + "/") + path
