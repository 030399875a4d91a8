"""docs/ stays true: its examples pass `traction check`, its links resolve, and its reference
tables list exactly the keys, metrics and milestone parameters the code declares.

An example is a fenced block whose info string names a content file:
```yaml title="weeks/2026-W47.yaml"```. Each is checked on its own, in a content folder
with the `traction.yaml` example of docs/format.md (or its own, if it is one); blocks that
share an `example="name"` in one document are checked together.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_traction

from generator.model.ladders import builtin_definitions
from generator.model.metrics import METRICS
from generator.source import schema
from generator.source.declare import DictOf, ListOf, Record

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
FORMAT = (DOCS / "format.md").read_text("utf-8")

_FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclasses.dataclass(frozen=True)
class Example:
    doc: str
    line: int
    path: str  # relative to the content folder
    text: str
    group: str | None


def examples(page: Path) -> list[Example]:
    text = page.read_text("utf-8")
    found = []
    for match in _FENCE.finditer(text):
        attrs = dict(_ATTR.findall(match[2]))
        if "title" in attrs:
            line = text.count("\n", 0, match.start()) + 1
            found.append(Example(page.name, line, attrs["title"], match[3], attrs.get("example")))
    return found


def base_config() -> str:
    return next(e.text for e in examples(DOCS / "format.md") if e.path == "traction.yaml")


def cases() -> list[Any]:
    grouped: dict[tuple[str, str], list[Example]] = {}
    for page in PAGES:
        for example in examples(page):
            key = (page.name, example.group or f"line {example.line}")
            grouped.setdefault(key, []).append(example)
    return [pytest.param(group, id=f"{doc}:{name}") for (doc, name), group in grouped.items()]


def test_the_docs_have_examples_of_every_kind_of_content_file() -> None:
    paths = {e.path.split("/")[0] for page in PAGES for e in examples(page)}
    assert {"traction.yaml", "weeks", "case-studies", "pages"} <= paths


@pytest.mark.parametrize("group", cases())
def test_every_example_passes_traction_check(group: list[Example], tmp_path: Path) -> None:
    content = tmp_path / "content"
    files = {"traction.yaml": base_config()}
    for example in group:
        assert example.path not in files or example.path == "traction.yaml", (
            f"{example.doc}:{example.line}: {example.path} twice in one example")
        files[example.path] = example.text
    for rel, text in files.items():
        target = content / rel
        assert target.resolve().is_relative_to(content.resolve()), rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    # No SOURCE_DATE_EPOCH from the environment: each example is evaluated as of its own log.
    result = run_traction("check", "--strict", "--content", str(content),
                          env={"SOURCE_DATE_EPOCH": ""})
    where = ", ".join(f"{e.doc}:{e.line}" for e in group)
    assert result.returncode == 0, f"{where}\n{result.stdout}{result.stderr}"
    assert "0 errors, 0 warnings" in result.stderr, f"{where}\n{result.stderr}"


# --- links ---------------------------------------------------------------------------------

_LINK = re.compile(r"\]\(([^)\s]+)\)")
_CODE = re.compile(r"^```.*?^```$|`[^`\n]*`", re.DOTALL | re.MULTILINE)


def anchors(page: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"^```.*?^```$", "", page.read_text("utf-8"), flags=re.DOTALL | re.MULTILINE)
    headings = re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", [*PAGES, ROOT / "README.md"], ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    text = _CODE.sub("", page.read_text("utf-8"))
    for target in _LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("/"):
            continue  # a URL, or a link inside a published site shown as an example
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        assert resolved.exists(), f"{page.name}: link to {target}: no such file"
        if anchor:
            assert resolved.suffix == ".md", f"{page.name}: anchor on a non-Markdown {target}"
            assert anchor in anchors(resolved), f"{page.name}: link to {target}: no heading"


def test_the_readme_points_to_the_docs() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "SPEC.md" not in readme
    assert "](docs/README.md)" in readme


# --- reference tables ------------------------------------------------------------------------


def table_after(text: str, marker: str) -> list[list[str]]:
    """The rows (cells stripped) of the Markdown table right after `<!-- marker -->`."""
    heading = f"<!-- {marker} -->\n"
    start = text.index(heading) + len(heading)
    rows = []
    for line in text[start:].splitlines()[2:]:  # past the header and the --- line
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def records() -> list[type[Record]]:
    """Every record of the format, from the four kinds of file down."""
    found: list[type[Record]] = []
    todo: list[Any] = [schema.Config, schema.WeekLog, schema.CaseStudyMeta, schema.PageMeta]
    while todo:
        shape = todo.pop(0)
        if isinstance(shape, ListOf):
            todo.append(shape.item)
        elif isinstance(shape, DictOf):
            todo.append(shape.value)
        elif isinstance(shape, type) and issubclass(shape, Record) and shape not in found:
            found.append(shape)
            todo.extend(f.metadata["shape"] for f in dataclasses.fields(shape)
                        if "shape" in f.metadata)
    return found


def shown_default(value: Any) -> str:
    """A default as the tables write it: YAML in backticks, or — for nothing."""
    if value in (None, "", [], {}) or isinstance(value, Record):
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):
        return f"`[{', '.join(value)}]`"
    return f"`{value}`"


def expected_default(cls: type[Record], field: dataclasses.Field[Any]) -> str:
    if field.default is not dataclasses.MISSING:
        value = field.default
    elif field.default_factory is not dataclasses.MISSING:
        value = field.default_factory()
    else:
        return "required"
    if cls is schema.Condition and value is None:  # a metric's default, when it has one
        defaults = {m.defaults[field.name] for m in METRICS.values() if field.name in m.defaults}
        assert len(defaults) <= 1, field.name
        return shown_default(defaults.pop() if defaults else None)
    return shown_default(value)


@pytest.mark.parametrize("cls", records(), ids=lambda c: c.__name__)
def test_format_md_lists_every_key_with_its_default(cls: type[Record]) -> None:
    rows = table_after(FORMAT, f"keys: {cls.__name__}")
    documented = {row[0].strip("`"): row[2] for row in rows}
    fields = [f for f in dataclasses.fields(cls) if "shape" in f.metadata]
    declared = {f.metadata["key"] or f.name: f for f in fields}
    assert sorted(documented) == sorted(declared), cls.__name__
    for key, field in declared.items():
        assert documented[key].startswith(expected_default(cls, field)), (cls.__name__, key)


def test_format_md_lists_every_metric_with_its_parameters() -> None:
    rows = table_after(FORMAT, "metrics")
    documented = {row[0].strip("`"): set(re.findall(r"`(\w+)`", row[2])) for row in rows}
    assert documented == {name: set(m.params) for name, m in METRICS.items()}


def shown_number(value: Decimal | None) -> str:
    return "none" if value is None else format(value.normalize(), "f")


def test_milestones_md_lists_every_built_in_parameter_and_default() -> None:
    text = (DOCS / "milestones.md").read_text("utf-8")
    for ladder_id, ladder in builtin_definitions().items():
        rows = {row[0].strip("`"): row[1] for row in table_after(text, f"params: {ladder_id}")}
        assert sorted(rows) == sorted(m.id for m in ladder.milestones), ladder_id
        for milestone in ladder.milestones:
            written = dict(re.findall(r"`(\w+)` = ([\w.]+)", rows[milestone.id]))
            wanted = {name: shown_number(v) for name, v in milestone.params.items()}
            assert written == wanted, milestone.id


# --- the tutorial's outputs --------------------------------------------------------------------


def printed(page: str, command: str) -> str:
    """The output block that follows the ```sh block running `command` in docs/<page>."""
    text = (DOCS / page).read_text("utf-8")
    match = re.search(f"```sh\n{re.escape(command)}\n```\n\n```\n(.*?)```", text, re.DOTALL)
    assert match, f"{page}: no output shown for `{command}`"
    return match[1]


def test_the_first_week_prints_what_the_tutorial_shows(tmp_path: Path) -> None:
    """The tutorial run for real: `init`, its two files, then check, status and build print
    what docs/first-week.md says they print."""
    result = run_traction("init", str(tmp_path / "my-progress"), "--company", "Acme Analytics")
    assert result.returncode == 0, result.stderr
    repo = tmp_path / "my-progress"
    for old in (repo / "content" / "weeks").glob("*.yaml"):
        old.unlink()  # whatever week it is today, the tutorial logs 2026-W49
    for example in examples(DOCS / "first-week.md"):
        target = repo / "content" / example.path
        target.parent.mkdir(exist_ok=True)
        target.write_text(example.text, "utf-8")
    env = {"SOURCE_DATE_EPOCH": ""}

    def run(*args: str) -> str:
        result = run_traction(*args, cwd=repo, env=env)
        return result.stdout + result.stderr

    assert run("check") == printed("first-week.md", "traction check")
    status = printed("first-week.md", "traction status").removesuffix("...\n")
    assert run("status").startswith(status)
    assert run("build") == printed("first-week.md", "traction build")
    week = repo / "content" / "weeks" / "2026-W49.yaml"
    week.write_text(week.read_text("utf-8").replace("type: discovery", "type: dicovery", 1),
                    "utf-8")
    text = (DOCS / "first-week.md").read_text("utf-8")
    typo = re.search(r"`type: dicovery` on line 9:\n\n```\n(.*?)```", text, re.DOTALL)
    assert typo is not None and run("check") == typo[1]
