"""When work goes to forked processes (render.cores)."""

from __future__ import annotations

import sys
import threading

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
