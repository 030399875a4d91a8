"""A wheel of the running Traction, which `traction init` vendors into a content repository.

The workflows `init` writes install Traction from that file, checked against its sha256, so
their first run needs no package index to hold traction-pages and no network path to
wherever this Traction came from (a release, a clone, an editable checkout): the repository
carries the very Traction that made it, and its site builds with the same code on GitHub as
on the founder's machine.

The wheel is made from the files this Traction runs from, the same way whichever way it was
installed: an installed wheel's package folder holds the theme and the action already; a
source checkout keeps them where `pyproject.toml` maps them from (`themes/`,
`.github/actions/traction/`). Its bytes depend only on those files (sorted, fixed
timestamps), so the same Traction always gives the same wheel and the same hash. It is a
plain zip with a RECORD (PEP 427), written here because the `wheel` project's Python API
is not public and pip can only build from a source tree, which a PyPI install lacks.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tomllib
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import generator
from generator import __version__
from generator.tools.scaffold import ScaffoldError

DISTRIBUTION = "traction-pages"
TAG = "py3-none-any"  # pure Python: one wheel for every platform and Python 3.11+
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no clock in the bytes


@dataclass(frozen=True)
class Wheel:
    name: str  # the file name pip requires, e.g. traction_pages-0.1.0-py3-none-any.whl
    data: bytes
    sha256: str  # hex digest of `data`


@dataclass(frozen=True)
class Project:
    """What METADATA and entry_points.txt say: read from pyproject.toml in a source checkout,
    else from the installed distribution."""
    summary: str
    requires_python: str
    requires: tuple[str, ...]  # run-time dependencies only: never the `test` extra
    scripts: tuple[tuple[str, str], ...]  # (command, module:function)


def _package() -> Path:
    return Path(generator.__file__).resolve().parent


def is_source_checkout(root: Path) -> bool:
    """`root` holds Traction's source: its pyproject.toml names the distribution (the test the
    composite action makes too)."""
    pyproject = root / "pyproject.toml"
    return pyproject.is_file() and f'\nname = "{DISTRIBUTION}"\n' in pyproject.read_text("utf-8")


def _checkout() -> Path | None:
    """The source checkout this Traction runs from (also an editable install), if any."""
    root = _package().parent
    return root if is_source_checkout(root) else None


def _tree(folder: Path, prefix: str) -> dict[str, Path]:
    """Every file under `folder` as `prefix/relative path`, without caches or hidden files."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part == "__pycache__" or part.startswith(".")
                                      for part in relative.parts) and path.suffix != ".pyc":
            found[f"{prefix}/{relative.as_posix()}"] = path
    return found


def package_files() -> dict[str, Path]:
    """The wheel's files outside its .dist-info, by their name in the wheel."""
    files = _tree(_package(), "generator")
    root = _checkout()
    if root is not None:  # data the wheel ships inside the package, mapped by pyproject.toml
        files.update(_tree(root / "themes", "generator/themes"))
        files["generator/action/action.yml"] = root / ".github/actions/traction/action.yml"
    return dict(sorted(files.items()))


def project() -> Project:
    root = _checkout()
    if root is not None:
        table = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]
        return Project(table["description"], table["requires-python"],
                       tuple(table["dependencies"]), tuple(table["scripts"].items()))
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise ScaffoldError(f"Traction runs from {_package()}, which is neither a source checkout "
                          f"nor an installed {DISTRIBUTION}: install it with pip") from None
    if dist.version != __version__:
        raise ScaffoldError(f"the installed {DISTRIBUTION} is {dist.version}, but the Traction "
                          f"running is {__version__}: reinstall it with pip")
    info = dist.metadata
    return Project(info["Summary"] or "", info["Requires-Python"] or "",
                   tuple(r for r in dist.requires or () if "extra ==" not in r),
                   tuple((e.name, e.value) for e in dist.entry_points
                         if e.group == "console_scripts"))


def _metadata_files(about: Project, dist_info: str) -> dict[str, bytes]:
    lines = ["Metadata-Version: 2.1", f"Name: {DISTRIBUTION}", f"Version: {__version__}",
             f"Summary: {about.summary}", f"Requires-Python: {about.requires_python}",
             *(f"Requires-Dist: {requirement}" for requirement in about.requires)]
    wheel = ["Wheel-Version: 1.0", "Generator: traction init", "Root-Is-Purelib: true",
             f"Tag: {TAG}"]
    scripts = ["[console_scripts]", *(f"{name} = {target}" for name, target in about.scripts)]
    return {f"{dist_info}/{name}": ("\n".join(text) + "\n").encode()
            for name, text in (("METADATA", lines), ("WHEEL", wheel),
                               ("entry_points.txt", scripts))}


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def wheel() -> Wheel:
    """This Traction as a wheel, built in memory."""
    stem = f"{DISTRIBUTION.replace('-', '_')}-{__version__}"
    dist_info = f"{stem}.dist-info"
    contents = {name: path.read_bytes() for name, path in package_files().items()}
    contents.update(_metadata_files(project(), dist_info))
    record = "".join(_record_line(name, data) + "\n" for name, data in contents.items())
    contents[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in contents.items():  # dist-info last, RECORD at the very end
            entry = zipfile.ZipInfo(name, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data, compresslevel=9)
    data = buffer.getvalue()
    return Wheel(f"{stem}-{TAG}.whl", data, hashlib.sha256(data).hexdigest())
