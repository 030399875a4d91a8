"""The wheel ships everything the command needs at run time: theme (with its fonts and their
licence), ladders, schema, scaffold and the composite action `traction init` copies; and the
wheel `traction init` vendors into a content repository is that same wheel, whichever way
Traction was installed.

The sources are copied to a temporary folder first, so building the wheel
leaves no `build/` or `*.egg-info` behind in the repository. The wheel is then
unpacked into a temporary target and used to build a site from another
working directory: the default theme must come from inside the package.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import DEMO, ROOT

ACTION = ROOT / ".github" / "actions" / "traction"

SHIPPED = [
    "generator/themes/default/templates/index.html",
    "generator/themes/default/templates/base.html",
    "generator/themes/default/templates/404.html",
    "generator/themes/default/templates/feed.xml",
    "generator/themes/default/templates/sitemap.xml",
    "generator/themes/default/static/style.css",
    "generator/themes/default/static/fonts/inter-latin.woff2",
    "generator/themes/default/static/fonts/inter-latin-ext.woff2",
    "generator/themes/default/static/fonts/LICENSE.txt",
    "generator/themes/default/cards/card.svg",
    "generator/themes/default/cards/fonts/Inter-Regular.ttf",
    "generator/themes/default/cards/fonts/Inter-Bold.ttf",
    "generator/themes/default/cards/fonts/LICENSE.txt",
    "generator/model/builtin_ladders/zero-to-one.yaml",
    "generator/model/builtin_ladders/micro-traction.yaml",
    "generator/public/schemas/progress.schema.json",
    "generator/tools/scaffold/traction.yaml",
    "generator/tools/scaffold/week.yaml",
    "generator/tools/scaffold/case-study.md",
    "generator/tools/scaffold/gitignore",
    "generator/tools/scaffold/workflows/publish.yml",
    "generator/tools/scaffold/workflows/pr.yml",
    "generator/action/action.yml",
]


def _data_files() -> list[str]:
    """Every non-Python file of the package and the theme, as the wheel should name it."""
    found = []
    for folder in ("builtin_ladders", "schemas", "scaffold"):
        found += [p.relative_to(ROOT).as_posix() for p in (ROOT / "generator" / folder).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts]
    found += ["generator/" + p.relative_to(ROOT).as_posix() for p in (ROOT / "themes").rglob("*")
              if p.is_file()]
    found += ["generator/action/" + p.name for p in ACTION.iterdir()]
    return sorted(found)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("generator", "themes"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    shutil.copytree(ACTION, source / ACTION.relative_to(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
         "-q", "-w", str(work / "dist"), str(source)],
        capture_output=True, text=True, timeout=300, cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = sorted((work / "dist").glob("traction_pages-*.whl"))
    return built


def test_the_wheel_contains_the_theme_ladders_schema_and_scaffold(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [name for name in SHIPPED if name not in names] == []
    assert [name for name in _data_files() if name not in names] == []
    assert not any(name.startswith(("tests/", "content/", "bench/", ".github/"))
                   for name in names)


def test_the_wheel_declares_the_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        [entry_points] = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
        text = archive.read(entry_points).decode()
    assert "traction = generator.cli:main" in text


def test_the_installed_wheel_builds_a_site_with_its_own_theme(wheel: Path,
                                                              tmp_path: Path) -> None:
    target = tmp_path / "installed"
    with zipfile.ZipFile(wheel) as archive:  # a pure-Python wheel installs by unpacking
        archive.extractall(target)
        shipped_css = archive.read("generator/themes/default/static/style.css")
        shipped_font = archive.read("generator/themes/default/static/fonts/inter-latin.woff2")
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    where = subprocess.run(
        [sys.executable, "-c",
         "import generator.render.pages as r; print(r.__file__); print(r.default_theme_dir())"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert where.returncode == 0, where.stderr
    module, theme = where.stdout.split()
    assert Path(module).is_relative_to(target), "the installed package, not the checkout"
    assert Path(theme) == target / "generator" / "themes" / "default"
    out = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--content", str(DEMO), "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert build.returncode == 0, build.stderr
    assert (out / "index.html").is_file()
    assert (out / "assets" / "style.css").read_bytes() == shipped_css
    assert (out / "assets" / "fonts" / "inter-latin.woff2").read_bytes() == shipped_font


def runtime_requirements(metadata_text: str) -> set[tuple[str, str]]:
    """The Requires-Dist of a METADATA file, without extras, as (name, specifier set)."""
    from packaging.requirements import Requirement

    found = set()
    for line in metadata_text.splitlines():
        if line.startswith("Requires-Dist: "):
            requirement = Requirement(line.removeprefix("Requires-Dist: "))
            if requirement.marker is None:
                found.add((requirement.name, str(requirement.specifier)))
    return {(name, ",".join(sorted(spec.split(",")))) for name, spec in found}


def same_wheel(vendored: zipfile.ZipFile, built: zipfile.ZipFile) -> None:
    """The same files with the same bytes, and metadata pip reads the same way."""
    def files(archive: zipfile.ZipFile) -> dict[str, bytes]:
        return {name: archive.read(name) for name in archive.namelist()
                if ".dist-info/" not in name}

    assert files(vendored) == files(built)
    [meta] = [n for n in built.namelist() if n.endswith(".dist-info/METADATA")]
    [entry] = [n for n in built.namelist() if n.endswith(".dist-info/entry_points.txt")]
    assert vendored.read(entry) == built.read(entry)
    mine, theirs = vendored.read(meta).decode(), built.read(meta).decode()
    assert runtime_requirements(mine) == runtime_requirements(theirs)
    for field in ("Name", "Version", "Requires-Python"):
        assert re.search(rf"^{field}: (.*)$", mine, re.M)[1] == (  # type: ignore[index]
            re.search(rf"^{field}: (.*)$", theirs, re.M)[1])  # type: ignore[index]
    assert "extra ==" not in mine, "the test extra is not needed at run time"


def test_the_vendored_wheel_is_the_wheel_pip_builds(wheel: Path) -> None:
    """`traction init` run from a source checkout (this one) vendors what `pip wheel` makes."""
    from generator.tools.vendor import wheel as vendored

    made = vendored()
    assert made.name == wheel.name
    assert hashlib.sha256(made.data).hexdigest() == made.sha256
    assert vendored().data == made.data, "reproducible: the same bytes every time"
    with zipfile.ZipFile(io.BytesIO(made.data)) as mine, zipfile.ZipFile(wheel) as built:
        assert mine.testzip() is None
        same_wheel(mine, built)
        [record] = [n for n in mine.namelist() if n.endswith("RECORD")]
        listed = {line.split(",")[0] for line in mine.read(record).decode().splitlines()}
        assert listed == set(mine.namelist())


def test_the_installed_wheel_vendors_itself(wheel: Path, tmp_path: Path) -> None:
    """A Traction installed from its wheel (the PyPI case) vendors the same wheel into the
    repositories it makes, pinned by hash, with the action and workflows beside it."""
    target = tmp_path / "installed"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    repo = tmp_path / "repo"
    done = subprocess.run([sys.executable, "-m", "generator", "init", str(repo)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    written = repo / ".github" / "actions" / "traction" / "action.yml"
    assert written.read_bytes() == (ACTION / "action.yml").read_bytes()
    [vendored] = (repo / ".traction").glob("*.whl")
    assert vendored.name == wheel.name
    with zipfile.ZipFile(vendored) as mine, zipfile.ZipFile(wheel) as built:
        same_wheel(mine, built)
    digest = hashlib.sha256(vendored.read_bytes()).hexdigest()
    pin = f"./.traction/{wheel.name} --hash=sha256:{digest}\n"
    assert (repo / ".traction" / "requirements.txt").read_text("utf-8").endswith(pin)
