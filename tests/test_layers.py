"""The layout is the pipeline: no module imports from a layer above its own (ARCHITECTURE.md).

Every import of Traction's own modules is read from the source (at module level and inside
functions alike), so a lazy import cannot hide an arrow running back up.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"
ARCHITECTURE = ROOT / "ARCHITECTURE.md"

# Lowest first; a module may import its own layer and any below it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("generator", "generator.problems", "generator.isoweek")),
    ("source", ("generator.source",)),
    ("rules", ("generator.rules",)),
    ("model", ("generator.model",)),
    ("public", ("generator.public",)),
    ("render", ("generator.render",)),
    ("output", ("generator.output",)),
    ("pipeline", ("generator.pipeline",)),
    ("tools", ("generator.tools",)),
    ("cli", ("generator.cli", "generator.__main__")),
)


def layer_of(module: str) -> int:
    """The rank of the layer `module` is in (the longest matching prefix decides)."""
    best: tuple[int, int] | None = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or (
                module.startswith(prefix + ".") and prefix != "generator"
            )
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), rank)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and ARCHITECTURE.md")
    return best[1]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, int]]:
    """Traction's own modules that `path` imports, with the line of each import."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "generator":  # `from generator import x`: x may be a module
                found += [(f"generator.{a.name}" if (PACKAGE / a.name).exists()
                           or (PACKAGE / f"{a.name}.py").exists() else "generator", node.lineno)
                          for a in node.names]
            elif node.module.startswith("generator."):
                found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names
                      if a.name == "generator" or a.name.startswith("generator.")]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            raise AssertionError(f"{path}:{node.lineno}: use absolute imports")
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_import_runs_up_a_layer(path: Path) -> None:
    importer = module_name(path)
    rank = layer_of(importer)
    upward = [f"{path.relative_to(ROOT)}:{line}: {importer} ({LAYERS[rank][0]}) imports "
              f"{target} ({LAYERS[layer_of(target)][0]})"
              for target, line in imports(path) if layer_of(target) > rank]
    assert not upward, "\n".join(upward)


def test_the_checker_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from generator.pipeline import analyse\n")
    assert imports(bad) == [("generator.pipeline", 2)]
    assert layer_of("generator.pipeline") > layer_of("generator.model.engine")
    assert layer_of("generator.render.site") > layer_of("generator.public.boundary")
    with pytest.raises(AssertionError, match="in no layer"):
        layer_of("generator_extra.thing")


def test_every_layer_and_package_is_in_architecture_md() -> None:
    text = ARCHITECTURE.read_text("utf-8")
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            if prefix == "generator":
                continue
            path = prefix.replace(".", "/")
            shown = f"{path}/" if (ROOT / path).is_dir() else f"{path}.py"
            assert shown in text, f"ARCHITECTURE.md does not mention {shown} ({name})"
    # and every subpackage on disk is a layer
    for folder in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()):
        assert layer_of(module_name(folder / "__init__.py")) is not None


def test_the_layer_order_in_architecture_md_is_this_one() -> None:
    text = ARCHITECTURE.read_text("utf-8")
    order = re.search(r"<!-- layers -->(.*?)<!-- /layers -->", text, re.S)
    assert order, "ARCHITECTURE.md has no <!-- layers --> table"
    rows = re.findall(r"^\| *(\d+) *\| *([a-z]+) *\|", order.group(1), re.M)
    assert [(int(n), name) for n, name in rows] == [
        (rank, name) for rank, (name, _) in enumerate(LAYERS)]


# --- problems are collected one way ---------------------------------------------------------

# Exceptions that cross a module boundary. None carries a problem with the content or the
# theme: those are reported to a `Problems`. These are failures of the machine or of a
# command-line value (the CLI prints them), and ValueProblem, which a scalar parser raises
# the way int() raises ValueError, for the one reader that knows the place (declare.read).
ENVIRONMENT_ERRORS = frozenset({"OutputError", "AsOfError", "GitError", "ScaffoldError",
                                "ServeError", "ImportFileError", "ValueProblem"})


def other_ways_of_collecting(path: Path) -> list[str]:
    """Every place in `path` that hands problems on other than by reporting to a
    `Problems`: a public function returning them, a `yield` or `.append` of one, or a public
    exception class that is not an environment error."""
    found = []
    tree = ast.parse(path.read_text("utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            if (not node.name.startswith("_")
                    and re.search(r"\bProblem\b", ast.unparse(node.returns))):
                found.append(f"{path.name}:{node.lineno}: {node.name} returns problems")
        elif isinstance(node, ast.Yield | ast.YieldFrom) and _makes_problem(node.value):
            found.append(f"{path.name}:{node.lineno}: yields a problem")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("append", "extend")
              and any(_makes_problem(arg) for arg in node.args)):
            found.append(f"{path.name}:{node.lineno}: appends a problem to a list")
        elif (isinstance(node, ast.ClassDef) and not node.name.startswith("_")
              and any(ast.unparse(base).endswith(("Exception", "Error")) for base in node.bases)
              and node.name not in ENVIRONMENT_ERRORS):
            found.append(f"{path.name}:{node.lineno}: exception {node.name} may carry a problem "
                         "out of its module")
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def _makes_problem(node: ast.expr | None) -> bool:
    return any(isinstance(call, ast.Call) and ast.unparse(call.func) in ("error", "Problem")
               for call in ast.walk(node)) if node is not None else False


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != "problems.py"],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_problems_are_collected_one_way(path: Path) -> None:
    assert other_ways_of_collecting(path) == []


def test_the_one_way_checker_catches_the_other_three(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def rule(c) -> list[Problem]:\n    return []\n"
        "def gen(c):\n    yield error(pos, 'x')\n"
        "def out(c, found):\n    found.append(error(pos, 'x'))\n"
        "class ThemeError(Exception):\n    pass\n")
    assert [line.split(": ", 1)[1] for line in other_ways_of_collecting(bad)] == [
        "rule returns problems", "yields a problem", "appends a problem to a list",
        "exception ThemeError may carry a problem out of its module"]
