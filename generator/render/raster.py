"""SVG to PNG with resvg: many at once, on every core, each one drawn at most once.

A card costs tens of milliseconds to draw (the resvg-py wheel is built for size, not speed)
and the demo has about fifty, so drawing is the dearest step of a build. Two things keep it
cheap: a drawing is looked up by a digest of everything it depends on (the SVG, the font
bytes, the versions of Traction and resvg) in a store the pipeline passes in, and the ones
that are missing are drawn across cores when there are enough of them to pay for starting
the workers. The same SVG always gives the same bytes, so neither changes the output.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from generator import __version__
from generator.render.cores import workers_for

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
             family: str = "sans-serif", parallel: bool = True, progress: Progress = silent
             ) -> dict[str, bytes | Failed]:
    """The PNG of each SVG, by the same key, drawn with `fonts` only (never the machine's,
    which differ from one to the next) and `family` as the default. With `parallel` off
    everything is drawn in this process, which then never has a child. `progress` hears
    how many are drawn, when any is."""
    font_bytes = [Path(f).read_bytes() for f in fonts]
    salt = _salt(font_bytes, family)
    keys = {path: hashlib.sha256(salt + svg.encode("utf-8")).hexdigest()
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
    font_list = [str(f) for f in fonts]
    if missing:
        progress(f"drawing {len(missing)} social card{'s' * (len(missing) != 1)}…")
    drawn = _map(_draw, [(svgs[p], font_list, family) for p in missing], parallel)
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


def _map(draw: Callable[[tuple[str, list[str], str]], bytes | Failed],
         jobs: list[tuple[str, list[str], str]], parallel: bool) -> list[bytes | Failed]:
    workers = workers_for(len(jobs), PARALLEL_FROM) if parallel else 0
    if not workers:
        return [draw(job) for job in jobs]
    # "spawn": a fresh interpreter that imports only this module, never a fork of a process
    # that may run threads.
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(draw, jobs, chunksize=max(1, len(jobs) // (workers * 4))))


def _draw(job: tuple[str, list[str], str]) -> bytes | Failed:
    import resvg_py  # lazy: only a build draws; `traction status` never pays for it

    svg, fonts, family = job
    try:
        return bytes(resvg_py.svg_to_bytes(
            svg_string=svg, skip_system_fonts=True, font_files=fonts,
            font_family=family, sans_serif_family=family))
    except ValueError as exc:
        return Failed(" ".join(str(exc).split()))
