"""uvicorn's HTTP/1.1 protocols (httptools, else h11), with Nagle's algorithm off on every connection.

asyncio turns TCP_NODELAY on only for sockets whose ``proto`` is IPPROTO_TCP. With ``--workers`` above
one, uvicorn hands each worker the listening socket rebuilt from its descriptor, whose ``proto`` reads
0, so the workers' connections kept Nagle on: a response written in two pieces waited for the
client's delayed ACK, and every request on a kept-alive connection took 40 ms more (measured: 48 ms
against 6 ms with one worker, bench/service.py). The class lives at module level: uvicorn passes it
to worker processes by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


def _no_delay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        _no_delay(transport)
        super().connection_made(transport)  # type: ignore[arg-type]


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is not installed: serve() uses h11
    pass
else:
    class NoDelayHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            _no_delay(transport)
            super().connection_made(transport)  # type: ignore[arg-type]
