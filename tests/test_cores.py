"""When work goes to forked processes (render.cores)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from concurrent.futures.process import BrokenProcessPool

import pytest

from generator.render import cores


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cores, "usable_cores", lambda: 2)
    monkeypatch.setattr(sys, "platform", "linux")


@pytest.mark.usefixtures("two_cores")
def test_enough_work_on_two_cores_is_shared() -> None:
    assert cores.fork_workers(1000, 64) == 2
    assert cores.fork_workers(64, 64) == 2


@pytest.mark.usefixtures("two_cores")
def test_too_little_work_stays_here() -> None:
    assert cores.fork_workers(63, 64) == 0
    assert cores.fork_workers(0, 64) == 0


def test_one_core_keeps_it_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cores, "usable_cores", lambda: 1)
    monkeypatch.setattr(sys, "platform", "linux")
    assert cores.fork_workers(1000, 64) == 0


@pytest.mark.usefixtures("two_cores")
@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_no_fork_where_it_is_not_safe(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    assert cores.fork_workers(1000, 64) == 0


@pytest.mark.usefixtures("two_cores")
def test_no_fork_while_another_thread_runs() -> None:
    """A fork copies only the forking thread: a lock another one holds stays locked."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert cores.fork_workers(1000, 64) == 0
    finally:
        stop.set()
        other.join()
    assert cores.fork_workers(1000, 64) == 2


def _square(number: int) -> int:
    return number * number


def _die(number: int) -> int:
    if number == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return number


def _interrupt_ignored(_: int) -> bool:
    return signal.getsignal(signal.SIGINT) is signal.SIG_IGN


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
def test_a_forked_map_gives_every_result_in_order() -> None:
    assert list(cores.forked_map(_square, list(range(50)), 2, chunksize=3)) == [
        n * n for n in range(50)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
def test_a_killed_process_stops_the_map_instead_of_hanging_it() -> None:
    with pytest.raises(BrokenProcessPool):
        list(cores.forked_map(_die, list(range(8)), 2))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
def test_ctrl_c_is_the_parents_alone() -> None:
    """The forked processes ignore SIGINT: Ctrl+C stops the build once, in the parent,
    not with a traceback from each process."""
    assert all(cores.forked_map(_interrupt_ignored, list(range(4)), 2))
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN


def test_each_process_gets_at_least_half_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cores, "usable_cores", lambda: 8)
    assert cores.workers_for(64, 64) == 2
    assert cores.workers_for(1000, 64) == 8
    assert cores.workers_for(8, 16) == 0
