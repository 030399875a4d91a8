"""SVG to PNG with resvg: many at once, on every core, each one drawn at most once.

A card costs some 50 ms to draw with the resvg-py wheel, which is built for size, not speed,
and the demo has about fifty, so drawing is the dearest step of a build. Three things keep it
cheap:
- a drawing is looked up by a digest of everything it depends on (the SVG, the font bytes,
  the versions of Traction and resvg) in a store the pipeline passes in;
- the ones that are missing are drawn across cores when there are enough of them to pay for
  starting the workers;
- where the optional `fast` extra is installed, svg2png-py draws the default theme's cards:
  resvg (0.47, where resvg-py has 0.48) built for speed, in half the time, and only those
  it is checked to draw to resvg-py's bytes (see `FAST_VERSIONS`).
None of the three changes the output. A drawing's key names its drawer all the same, so
no cache ever hands one drawer's bytes to a build that would use the other.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from generator import __version__
from generator.render.cores import fork_workers, forked_map, workers_for

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Below this many drawings a pool costs more than it saves: starting a worker is about
# 0.1 s, a drawing about 0.07 s.
PARALLEL_FROM = 8
# Drawings of this process, newest last: `traction serve` and the tests render many times in
# one process. A card is some 10-40 kB.
_recent: OrderedDict[str, bytes] = OrderedDict()
_RECENT_MAX = 512


# What a long step says it is doing ("drawing 51 social cards"), for the terminal; the
# caller decides whether and when to show it.
Progress = Callable[[str], None]


def silent(stage: str) -> None:
    """The default `Progress`: say nothing."""


class Store(Protocol):
    """Where drawings are kept between builds (`output.cache.Cache`)."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes) -> None: ...


@dataclass(frozen=True)
class Failed:
    """resvg refused an SVG; `reason` is its one-line message."""

    reason: str


def draw_all(svgs: dict[str, str], fonts: Sequence[Path], store: Store | None = None,
             family: str = "sans-serif", parallel: bool = True, progress: Progress = silent,
             fast: bool = False) -> dict[str, bytes | Failed]:
    """The PNG of each SVG, by the same key, drawn with `fonts` only (never the machine's,
    which differ from one to the next) and `family` as the default. With `parallel` off
    everything is drawn in this process, which then never has a child. `progress` hears
    how many are drawn, when any is. `fast`: the SVGs are the default theme's, with its
    fonts, which the fast drawer is checked to draw to the same bytes."""
    font_bytes = [Path(f).read_bytes() for f in fonts]
    salt = _salt(font_bytes, family)
    font_list = [str(f) for f in fonts]
    fast = fast and _fast_drawer(tuple(font_list), family) is not None
    fast_here = {path: fast and _FAST_TEXT.fullmatch(svg) is not None
                 for path, svg in svgs.items()}
    keys = {path: hashlib.sha256(salt + (FAST_TAG if fast_here[path] else b"")
                                 + svg.encode("utf-8")).hexdigest()
            for path, svg in svgs.items()}
    found: dict[str, bytes | Failed] = {}
    missing = []
    for path in svgs:
        hit = _recent.get(keys[path])
        if hit is None and store is not None:
            hit = store.get(keys[path])
        if hit is not None and hit.startswith(PNG_SIGNATURE):
            found[path] = _remember(keys[path], hit)
        else:
            missing.append(path)
    if missing:
        progress(f"drawing {len(missing)} social card{'s' * (len(missing) != 1)}…")
    drawn = _map(_draw, [(svgs[p], font_list, family, fast_here[p]) for p in missing],
                 parallel)
    for path, result in zip(missing, drawn, strict=True):
        found[path] = result
        if isinstance(result, bytes):
            _remember(keys[path], result)
            if store is not None:
                store.put(keys[path], result)
    return {path: found[path] for path in svgs}


def _remember(key: str, png: bytes) -> bytes:
    _recent[key] = png
    _recent.move_to_end(key)
    while len(_recent) > _RECENT_MAX:
        _recent.popitem(last=False)
    return png


def _salt(font_bytes: list[bytes], family: str) -> bytes:
    """What every drawing depends on besides its SVG."""
    digest = hashlib.sha256(b"traction-raster/1\0")
    for part in (__version__, metadata.version("resvg-py"), family):
        digest.update(part.encode("utf-8") + b"\0")
    for data in font_bytes:
        digest.update(hashlib.sha256(data).digest())
    return digest.digest()


# What a worker is given: the SVG, the font files, the default family, and whether the fast
# drawer draws it.
Job = tuple[str, list[str], str, bool]


def _map(draw: Callable[[Job], bytes | Failed], jobs: list[Job], parallel: bool
         ) -> list[bytes | Failed]:
    forks = fork_workers(len(jobs), PARALLEL_FROM) if parallel else 0
    workers = workers_for(len(jobs), PARALLEL_FROM) if parallel and not forks else 0
    try:
        if forks:
            return list(forked_map(draw, jobs, forks, _chunk(len(jobs), forks)))
        if workers:
            # Where forking is not safe, "spawn": a fresh interpreter importing this module.
            with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
                return list(pool.map(draw, jobs, chunksize=_chunk(len(jobs), workers)))
    except BrokenProcessPool:  # a process was killed (out of memory): draw them here
        pass
    return [draw(job) for job in jobs]


def _chunk(jobs: int, workers: int) -> int:
    return max(1, jobs // (workers * 4))


def _draw(job: Job) -> bytes | Failed:
    svg, fonts, family, fast = job
    drawer = _fast_drawer(tuple(fonts), family) if fast else None
    if drawer is not None:
        # What it refuses, resvg-py refuses too, and says why in the words users know.
        with suppress(Exception):
            return drawer(svg)
    return draw_with_resvg_py(svg, fonts, family)


def draw_with_resvg_py(svg: str, fonts: Sequence[str], family: str) -> bytes | Failed:
    import resvg_py  # lazy: only a build draws; `traction status` never pays for it

    try:
        return bytes(resvg_py.svg_to_bytes(
            svg_string=svg, skip_system_fonts=True, font_files=list(fonts),
            font_family=family, sans_serif_family=family))
    except ValueError as exc:
        return Failed(" ".join(str(exc).split()))


# The fast drawer is used only with exactly these versions. They bundle resvg 0.47 and
# 0.48, which draw most text alike but not all of it: combining marks placed on a letter, a
# Hebrew point, text inside bidirectional overrides or isolates. So it draws only SVGs whose
# every character is in `FAST_RANGES`, which leave out the combining marks, the
# bidirectional and zero-width controls and every script but Latin, Greek and Cyrillic.
# tests/test_raster.py draws each of those characters alone, after a letter and after a
# space, and every card of the demo, both ways, and compares the bytes.
FAST_VERSIONS = {"svg2png-py": "1.1.0", "resvg-py": "0.5.0"}
FAST_RANGES = (
    (0x09, 0x0D), (0x20, 0x24F),  # Latin, with its accents and extensions
    (0x370, 0x3FF), (0x400, 0x482), (0x48A, 0x4FF),  # Greek; Cyrillic without its marks
    (0x2000, 0x200A), (0x2010, 0x2027), (0x202F, 0x205F),  # spaces and punctuation
    (0x20A0, 0x20CF), (0x2100, 0x214F),  # currency; letter-like (ℓ №)
    (0x2190, 0x22FF), (0x25A0, 0x27BF),  # arrows, mathematics; shapes, symbols, dingbats
)
_FAST_TEXT = re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in FAST_RANGES) + "]*")
FAST_TAG = f"svg2png-py {FAST_VERSIONS['svg2png-py']}\0".encode()  # in its drawings' keys


@cache
def _fast_drawer(fonts: tuple[str, ...], family: str) -> Callable[[str], bytes] | None:
    """svg2png-py's drawing with `fonts` only, where the `fast` extra is installed in the
    versions it was checked against; else None (resvg-py draws)."""
    try:
        if any(metadata.version(name) != version for name, version in FAST_VERSIONS.items()):
            return None
        import svg2png_py
    except (metadata.PackageNotFoundError, ImportError):
        return None
    fonts_db = svg2png_py.FontDatabase()
    for font in fonts:
        fonts_db.load_font_file(font)
    options = svg2png_py.RenderOptions(font_family=family)
    return lambda svg: bytes(svg2png_py.svg_to_png(svg, fonts_db, options=options))
