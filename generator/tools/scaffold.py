"""`traction init` and `traction new week`: files a founder starts from. Never overwrites.

These are the only commands that read the clock (to know "this week"), and
what they write is content, never site output.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from generator import __version__
from generator.isoweek import IsoWeek
from generator.source.events import account_events

# The generated workflows run a copy of Traction's composite action kept in the
# content repository itself (`uses: ./.github/actions/traction`): nothing to pin
# or trust beyond the repository, and it installs the release requirements.txt names.
ACTION_PATH = ".github/actions/traction/action.yml"


def traction_requirement() -> str:
    """What the generated workflows install: the git commit this Traction was installed from
    (`pip install git+https://...`), else its release on PyPI."""
    try:
        raw = metadata.distribution("traction-pages").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        raw = None
    info = json.loads(raw) if raw else {}
    vcs = info.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and vcs.get("commit_id") and info.get("url"):
        return f"traction-pages @ git+{info['url']}@{vcs['commit_id']}"
    return f"traction-pages=={__version__}"


def requirements_text(requirement: str) -> str:
    return ("# The Traction the workflows install. To upgrade, bump the release; to run an\n"
            "# unreleased version, pin a commit instead:\n"
            "#   traction-pages @ git+https://github.com/OWNER/traction@<commit sha>\n"
            f"{requirement}\n")


class ScaffoldError(Exception):
    """A one-line reason nothing was written."""


@dataclass(frozen=True)
class Written:
    created: tuple[Path, ...]
    kept: tuple[Path, ...]  # already there, left alone


def _template(name: str) -> str:
    return resources.files("generator.tools").joinpath("scaffold", name).read_text("utf-8")


def action_text() -> str:
    """The composite action: in the wheel as generator/action/, or where GitHub finds it in a
    source checkout (`.github/actions/traction/`)."""
    packaged = Path(str(resources.files("generator"))) / "action" / "action.yml"
    if not packaged.is_file():
        packaged = Path(__file__).resolve().parents[2] / ACTION_PATH
    return packaged.read_text("utf-8")


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def week_text(week: str, open_sqls: list[str]) -> str:
    iso = IsoWeek.parse(week)
    listing = ""
    if open_sqls:
        listing = ("# Open qualified leads: log a won/lost event when they are decided.\n"
                   + "\n".join(open_sqls) + "\n")
    return _fill(_template("week.yaml"), {
        "week": week, "monday": iso.monday.isoformat(), "sunday": iso.sunday.isoformat(),
        "open_sqls": listing,
    }).rstrip("\n") + "\n"


def open_sqls(content_dir: Path) -> list[str]:
    """Comment lines for every qualified account not yet won or lost (best effort)."""
    from generator.problems import Problems
    from generator.source.loader import load

    content = load(content_dir, Problems())  # best effort: problems are `check`'s to report
    decided: set[str] = set()
    qualified: dict[str, str] = {}
    for event in account_events(content.weeks):
        if event.event == "qualified":
            source = f", {event.source}" if event.source else ""
            qualified[event.id] = f"open since {event.date}{source}"
        elif event.event in ("won", "lost"):
            decided.add(event.id)
    return [f"#  - {{id: {account}, event: won, date: ...}}   # {note}"
            for account, note in sorted(qualified.items()) if account not in decided]


def new_week(content_dir: Path, week: str) -> Path:
    if not (content_dir / "traction.yaml").is_file():
        raise ScaffoldError(f"no traction.yaml in {content_dir}; run `traction init` first")
    path = content_dir / "weeks" / f"{week}.yaml"
    if path.exists():
        raise ScaffoldError(f"{path} already exists; nothing was changed")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = week_text(week, open_sqls(content_dir))
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even racing
        handle.write(text)
    return path


def init(target: Path, company: str, today: datetime.date) -> Written:
    """Scaffold a content repository in `target`: content/, schemas, workflows, .gitignore."""
    from generator.source.schema import json_schemas

    schemas = json_schemas()
    week = IsoWeek.of(today).label
    quoted = company.replace("\\", "\\\\").replace('"', '\\"')  # inside "..." in YAML
    files = {
        "content/traction.yaml": _fill(_template("traction.yaml"), {"company": quoted}),
        f"content/weeks/{week}.yaml": week_text(week, []),
        "content/case-studies/example.md": _fill(_template("case-study.md"),
                                                 {"today": today.isoformat()}),
        "traction.schema.json": json.dumps(schemas["traction.yaml"], indent=2) + "\n",
        "week.schema.json": json.dumps(schemas["week"], indent=2) + "\n",
        ".gitignore": _template("gitignore"),
        "requirements.txt": requirements_text(traction_requirement()),
        ACTION_PATH: action_text(),
        ".github/workflows/publish.yml": _template("workflows/publish.yml"),
        ".github/workflows/pr.yml": _template("workflows/pr.yml"),
    }
    created, kept = [], []
    for relative, text in files.items():
        path = target / relative
        if path.exists():
            kept.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
        created.append(path)
    return Written(tuple(created), tuple(kept))
