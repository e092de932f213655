"""The check thread of a service worker: checks run there, one at a time, while the event loop reads requests.

A check is CPU-bound and holds the GIL, so checks run side by side in many threads only slow each
other; one thread per worker takes them first come, first served.

asyncio's own hand-over (``run_in_executor`` on a one-thread executor) cost about a tenth of a
request's CPU under load (bench/service.py, two workers: 1.48 ms of server CPU a request against
1.37 ms here): each result went through a ``concurrent.futures`` future, its condition variable and
callbacks, then woke the event loop with one write to its self-pipe, and the loop's read of it, per
request. Here a job is a plain tuple on a ``queue.SimpleQueue``; results are handed back in a
deque, and the loop is woken only when it has no wake-up pending already: the results of checks
that end while the loop is busy are handed over together.
"""

from __future__ import annotations

import asyncio
import collections
import queue
import threading
from collections.abc import Callable
from typing import Any

_STOP = object()


class _Inbox:
    """The results waiting for one event loop, and whether it has been woken for them."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.results: collections.deque[tuple[asyncio.Future[Any], bool, Any]] = collections.deque()
        self.woken = False

    def deliver(self, future: asyncio.Future[Any], ok: bool, outcome: Any) -> None:
        """In the check thread: hand one outcome over; wake the loop unless it is already to be woken."""
        self.results.append((future, ok, outcome))
        if not self.woken:
            self.woken = True
            try:
                self.loop.call_soon_threadsafe(self.drain)
            except RuntimeError:  # the loop is closed: nobody waits for these results any more
                self.results.clear()

    def drain(self) -> None:
        """In the event loop: settle every future whose outcome has arrived."""
        # Cleared before the results are read: a result appended after this line wakes the loop again,
        # one appended before it is read below (deque operations are atomic under the GIL).
        self.woken = False
        while self.results:
            future, ok, outcome = self.results.popleft()
            if future.cancelled():  # the client went away
                continue
            if ok:
                future.set_result(outcome)
            else:
                future.set_exception(outcome)


class CheckThread:
    """One thread that runs the functions it is given, in order, and answers each to its caller's loop."""

    def __init__(self, name: str = "icprules-check") -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._inboxes: dict[asyncio.AbstractEventLoop, _Inbox] = {}
        self._lock = threading.Lock()

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` in the check thread; its result, or its exception raised here."""
        loop = asyncio.get_running_loop()
        inbox = self._inboxes.get(loop)
        if inbox is None:
            inbox = self._inboxes[loop] = _Inbox(loop)
            # A test client makes a loop of its own for each use of the application: forget closed ones.
            for old in [x for x in list(self._inboxes) if x.is_closed()]:
                self._inboxes.pop(old, None)
        self._start()
        future: asyncio.Future[Any] = loop.create_future()
        self._jobs.put((function, args, future, inbox))
        return await future

    def stop(self) -> None:
        """Let the thread end once the jobs already given are done (a later ``run`` starts it again)."""
        with self._lock:
            if self._thread is not None:
                self._jobs.put(_STOP)
                self._thread = None

    def _start(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._work, name=self.name, daemon=True)
                    self._thread.start()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            function, args, future, inbox = job
            if future.cancelled():
                continue
            try:
                outcome, ok = function(*args), True
            except BaseException as exc:  # every failure goes back to the request that caused it
                # asyncio refuses StopIteration as a future's exception (it would end the awaiting coroutine)
                outcome, ok = (RuntimeError(repr(exc)) if isinstance(exc, StopIteration) else exc), False
            inbox.deliver(future, ok, outcome)
