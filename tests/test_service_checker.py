"""The service's check thread: results and errors reach their request, the loop is not blocked, and
results that end together wake the loop once."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from icprules.service.checker import CheckThread, _Inbox


def test_results_and_errors_reach_their_callers_in_order() -> None:
    checks = CheckThread()

    def fail() -> None:
        raise ValueError("bad document")

    def stop_iteration() -> None:
        raise StopIteration

    async def main() -> list[Any]:
        results = await asyncio.gather(*(checks.run(pow, i, 2) for i in range(50)))
        with pytest.raises(ValueError, match="bad document"):
            await checks.run(fail)
        # StopIteration cannot be a future's exception: it arrives as a RuntimeError, not a hang
        with pytest.raises(RuntimeError, match="StopIteration"):
            await checks.run(stop_iteration)
        return list(results)

    assert asyncio.run(main()) == [i * i for i in range(50)]
    checks.stop()


def test_one_thread_runs_every_job_and_the_loop_goes_on_meanwhile() -> None:
    checks = CheckThread(name="icprules-check-test")
    threads: set[str] = set()
    ticks: list[float] = []

    def slow() -> str:
        threads.add(threading.current_thread().name)
        time.sleep(0.2)
        return "checked"

    async def ticker() -> None:
        for _ in range(5):
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def main() -> str:
        began = time.monotonic()
        result, _ = await asyncio.gather(checks.run(slow), ticker())
        # the loop ran its ticker while the check slept in the other thread
        assert ticks[-1] - began < 0.15
        return str(result)

    assert asyncio.run(main()) == "checked"
    assert threads == {"icprules-check-test"}
    checks.stop()


def test_it_starts_again_after_stop_and_serves_another_loop() -> None:
    checks = CheckThread()
    assert asyncio.run(checks.run(len, "abc")) == 3
    checks.stop()
    assert asyncio.run(checks.run(len, "abcd")) == 4  # a new loop, a new thread
    checks.stop()


def test_a_cancelled_request_is_skipped_and_the_next_answered() -> None:
    checks = CheckThread()
    started = threading.Event()
    release = threading.Event()
    ran: list[str] = []

    def block() -> None:
        started.set()
        release.wait(5)

    def record(name: str) -> str:
        ran.append(name)
        return name

    async def main() -> str:
        first = asyncio.ensure_future(checks.run(block))
        await asyncio.sleep(0)
        while not started.is_set():
            await asyncio.sleep(0.001)
        gone = asyncio.ensure_future(checks.run(record, "gone"))
        await asyncio.sleep(0)
        gone.cancel()  # the client went away while its check waited
        kept = checks.run(record, "kept")
        release.set()
        await first
        return str(await kept)

    assert asyncio.run(main()) == "kept"
    assert ran == ["kept"]
    checks.stop()


class _CountingLoop:
    """Stands for an event loop: counts the wake-ups asked for and runs them on demand."""

    def __init__(self) -> None:
        self.wakes: list[Any] = []

    def call_soon_threadsafe(self, callback: Any) -> None:
        self.wakes.append(callback)


def test_results_that_end_together_wake_the_loop_once() -> None:
    loop = _CountingLoop()
    inbox = _Inbox(loop)  # type: ignore[arg-type]
    real = asyncio.new_event_loop()
    try:
        futures = [real.create_future() for _ in range(5)]
        for i, future in enumerate(futures):
            inbox.deliver(future, True, i)
        assert len(loop.wakes) == 1  # four results arrived while the first wake-up was pending
        loop.wakes.pop()()
        assert [f.result() for f in futures] == [0, 1, 2, 3, 4]
        later = real.create_future()
        inbox.deliver(later, False, ValueError("x"))
        assert len(loop.wakes) == 1  # drained: the next result wakes the loop again
        loop.wakes.pop()()
        assert isinstance(later.exception(), ValueError)
    finally:
        real.close()
