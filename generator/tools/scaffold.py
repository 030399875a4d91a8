"""`traction init` and `traction new week`: files a founder starts from. Never overwrites.

These are the only commands that read the clock (to know "this week"), and
what they write is content, never site output.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from generator import __version__
from generator.isoweek import IsoWeek
from generator.source.events import account_events

# The generated workflows run a copy of Traction's composite action kept in the
# content repository itself (`uses: ./.github/actions/traction`), and it installs the wheel
# of this Traction that `init` vendors beside REQUIREMENTS: nothing outside the repository
# to reach, pin or trust (see generator/tools/vendor.py).
ACTION_PATH = ".github/actions/traction/action.yml"
VENDORED = ".traction"
REQUIREMENTS = f"{VENDORED}/requirements.txt"
# The `with:` line of the workflows' action step that says what it installs.
INSTALL_VENDORED = {"install": f"requirements: {REQUIREMENTS} # the wheel `traction init` "
                               "vendored, by hash"}
INSTALL_SOURCE = {"install": "cache-dependency-path: pyproject.toml # Traction's source, "
                             "installed from this repository"}


def requirements_text(wheel_name: str, sha256: str) -> str:
    """pip requirements naming the vendored wheel by its path from the repository's root (the
    workflows' working directory) and pinning its hash."""
    return ("# The Traction the workflows install: the wheel beside this file, copied by\n"
            "# `traction init` from the Traction that made this repository; pip refuses it\n"
            "# unless it matches the hash. To upgrade: install the newer Traction, delete\n"
            f"# {VENDORED}/ and run `traction init` again (it keeps every other file).\n"
            f"./{VENDORED}/{wheel_name} --hash=sha256:{sha256}\n")


class ScaffoldError(Exception):
    """A one-line reason nothing was written."""


@dataclass(frozen=True)
class Written:
    created: tuple[Path, ...]
    kept: tuple[Path, ...]  # already there, left alone
    notes: tuple[str, ...]  # what the workflows install, and what the founder does next


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
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    dates = {day: (iso.monday + datetime.timedelta(days=n)).isoformat()
             for n, day in enumerate(days)}
    return _fill(_template("week.yaml"), {"week": week, **dates, "open_sqls": listing})


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
    """Scaffold a content repository in `target`: content/ (no week yet: `traction new week`
    makes the first), schemas, .gitignore, the action, the workflows and, unless `target` is a
    copy of Traction's own repository, the vendored wheel."""
    from generator.source.schema import json_schemas
    from generator.tools.vendor import is_source_checkout, wheel

    schemas = json_schemas()
    # In a copy of Traction's own repository (the template) the action installs the source
    # beside it, at the commit being built: nothing to vendor.
    in_source = is_source_checkout(target)
    install = INSTALL_SOURCE if in_source else INSTALL_VENDORED
    quoted = company.replace("\\", "\\\\").replace('"', '\\"')  # inside "..." in YAML
    files: dict[str, str | bytes] = {
        "content/traction.yaml": _fill(_template("traction.yaml"), {"company": quoted}),
        "content/case-studies/example.md": _fill(_template("case-study.md"),
                                                 {"today": today.isoformat()}),
        "traction.schema.json": json.dumps(schemas["traction.yaml"], indent=2) + "\n",
        "week.schema.json": json.dumps(schemas["week"], indent=2) + "\n",
        ".gitignore": _template("gitignore"),
        ACTION_PATH: action_text(),
        ".github/workflows/publish.yml": _fill(_template("workflows/publish.yml"), install),
        ".github/workflows/pr.yml": _fill(_template("workflows/pr.yml"), install),
    }
    # The wheel and the requirements pinning it go together, the wheel first: a kept
    # requirements file keeps the Traction it pins, and nothing it does not name is added.
    if in_source:
        installs = ("  the workflows install Traction from its source in this repository "
                    "(pyproject.toml):\n  nothing was vendored")
    elif (target / REQUIREMENTS).exists():
        files[REQUIREMENTS] = ""  # there already: listed as kept, never written
        installs = (f"  kept {REQUIREMENTS}: the workflows install the Traction it pins.\n"
                    f"  To install this one ({__version__}) instead, delete {VENDORED}/ and run "
                    "`traction init` again.")
    else:
        vendored = wheel()
        files[f"{VENDORED}/{vendored.name}"] = vendored.data
        files[REQUIREMENTS] = requirements_text(vendored.name, vendored.sha256)
        installs = (f"  the workflows install this Traction ({__version__}) from {VENDORED}/,\n"
                    f"  the wheel pinned by its sha256 in {REQUIREMENTS}: commit that folder\n"
                    "  too; no package index needs to hold Traction.")
    created, kept = [], []
    for relative, content in files.items():
        path = target / relative
        if path.exists():
            kept.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as handle:  # "x": never overwrite, even racing
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
        created.append(path)
    here = () if target.resolve() == Path.cwd() else (f"  cd {target}",)
    steps = (installs, "Next:", *here,
             "  traction new week    # this week's log: fill it in, then `traction check`",
             "  traction serve       # preview the site on http://127.0.0.1:8000/",
             "  on GitHub: a repository for this folder, and Settings → Pages → Source:",
             "  GitHub Actions; then commit everything here and push it to main. Each push",
             "  publishes the site: set site.url in content/traction.yaml to its address.")
    return Written(tuple(created), tuple(kept), steps)
