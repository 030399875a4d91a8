"""How many cores this process may use, and when work may go to forked processes: the
card drawing and the Markdown share it."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # a container or `taskset` may allow fewer
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def fork_workers(items: int, minimum: int) -> int:
    """How many forked processes to share `items` among: 0 (do it here) below `minimum`
    items, on one core, or where forking is not safe. A fork starts in a millisecond and
    already holds what the parent built, where a fresh interpreter spends a fifth of a
    second importing; but it copies only the forking thread, so it is used only from a
    process that runs no other (`traction serve` does), and only on Linux (macOS's system
    libraries do not survive a fork)."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 0
    return workers_for(items, minimum)


def workers_for(items: int, minimum: int) -> int:
    """How many processes to share `items` among, at least `minimum // 2` each: 0 (do it
    here) below `minimum` items or on one core."""
    workers = min(usable_cores(), items // max(1, minimum // 2)) if items >= minimum else 0
    return workers if workers >= 2 else 0


def forked_map(function: Callable[[T], R], items: Sequence[T], workers: int,
               chunksize: int = 1) -> Iterator[R]:
    """`map(function, items)` in `workers` forked processes, in order, each result as soon as
    it and those before it are done. A process that dies (the kernel's out-of-memory
    killer) raises BrokenProcessPool instead of hanging the build. Ctrl+C is the parent's
    alone: it stops the work, and no process prints a traceback of its own."""
    pool = ProcessPoolExecutor(workers, mp_context=fork_context(), initializer=_no_interrupt)
    try:
        yield from pool.map(function, items, chunksize=chunksize)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _no_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def fork_context() -> BaseContext:
    # The processes are all started before the pool's own thread is (ProcessPoolExecutor
    # does so for "fork"), so no thread is copied half-way.
    return multiprocessing.get_context("fork")
