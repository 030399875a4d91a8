"""How many cores this process may use, and when work may go to forked processes: the
card drawing, the Markdown and the pages share it."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from multiprocessing.context import BaseContext


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
    if (items < minimum or not sys.platform.startswith("linux")
            or threading.active_count() > 1):
        return 0
    workers = min(usable_cores(), items // (minimum // 2))
    return workers if workers >= 2 else 0


def fork_context() -> BaseContext:
    return multiprocessing.get_context("fork")
