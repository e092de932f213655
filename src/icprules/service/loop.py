"""The event loop of a service worker: it takes one connection, then leaves the next to the others.

With ``--workers`` above one, every worker listens on the same socket, and the kernel wakes them all
when a client connects. asyncio's loop then accepts every waiting connection in one go (up to the
listen backlog), so the first worker to run takes a burst whole: a portal's pool of 32 kept-alive
connections was split 31 to 1 and 21 to 11 between two workers (bench/service.py, counted with
``ss``), and the fuller worker's requests waited behind each other for up to twice as long. Asked to
accept one at a time, the first worker still took 28 of 32: it turned its loop again before the other
had run at all.

So a worker accepts one connection, then stops listening for a quarter of a millisecond, as nginx's
``accept_mutex_delay`` does (at 500 ms): the other workers, woken by the same clients, take theirs
meanwhile, and a worker busy with a check takes its turn later, so the idler one takes more. The pause
bounds a worker's accepts at 4,000 a second, several times the checks it can make.

Both steps are asyncio's own: its accept loop (``BaseSelectorEventLoop._accept_connection``) asked for
a batch of one, and the pause it makes itself when accept() runs out of descriptors (remove the
reader, ``_start_serving`` again later). Where those private methods are missing or have another
shape (another Python, uvloop), the loop is asyncio's as it is: the balance is lost, nothing else.
"""

from __future__ import annotations

import asyncio
import inspect
import socket
from typing import Any, cast

PAUSE = 0.00025  # seconds a worker stops listening after each accept

_PARAMETERS = ["self", "protocol_factory", "sock", "sslcontext", "server", "backlog"]
_BATCH = _PARAMETERS.index("backlog") - 1  # its place in the arguments after self


def _shaped_as_expected() -> bool:
    base = asyncio.SelectorEventLoop
    if not callable(getattr(base, "_remove_reader", None)):
        return False
    for name in ("_accept_connection", "_start_serving"):
        method = getattr(base, name, None)
        if method is None or list(inspect.signature(method).parameters)[:len(_PARAMETERS)] != _PARAMETERS:
            return False
    return True


BALANCES = _shaped_as_expected()


class TakeTurnsEventLoop(asyncio.SelectorEventLoop):
    """asyncio's selector loop, accepting one waiting connection per turn, then pausing."""

    if BALANCES:
        def _accept_connection(self, *args: Any) -> None:
            args = (*args[:_BATCH], 1, *args[_BATCH + 1:])
            base = cast(Any, super())  # asyncio's private methods are not in its type stubs
            sock: socket.socket = args[1]
            base._accept_connection(*args)
            try:
                cast(Any, self)._selector.get_key(sock.fileno())
            except (KeyError, ValueError):  # closed, or paused by asyncio itself (out of descriptors)
                return
            base._remove_reader(sock.fileno())
            self.call_later(PAUSE, self._listen_again, args)

        def _listen_again(self, args: tuple[Any, ...]) -> None:
            sock: socket.socket = args[1]
            server: asyncio.Server | None = args[3]
            if sock.fileno() >= 0 and (server is None or server.is_serving()):
                cast(Any, super())._start_serving(*args)
