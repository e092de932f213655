"""Start the service: the settings ``icprules serve`` passes to each worker, and the server itself.

uvicorn starts several workers from an import string, so the rule options travel to them in the
environment (``ICPRULES_SERVE_*``); each worker loads the rule set once, when it starts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI

from ..ruleset.loading import load_rules
from .app import create_app

_RULES = "ICPRULES_SERVE_RULES"
_DATA = "ICPRULES_SERVE_DATA"
_NO_BUILTIN = "ICPRULES_SERVE_NO_BUILTIN"


def settings(rules: Sequence[str], data: Sequence[str], no_builtin: bool) -> dict[str, str]:
    """The environment that carries the rule options to the workers."""
    return {_RULES: json.dumps(list(rules)), _DATA: json.dumps(list(data)), _NO_BUILTIN: "1" if no_builtin else ""}


def app_from_environment() -> FastAPI:
    """The application a worker serves (uvicorn's factory)."""
    rules = json.loads(os.environ.get(_RULES) or "[]")
    data = json.loads(os.environ.get(_DATA) or "[]")
    builtin = not os.environ.get(_NO_BUILTIN)
    if not rules and not data and builtin:
        return create_app()
    return create_app(load_rules(*rules, builtin=builtin, data=data))


def serve(*, host: str, port: int, workers: int, rules: Sequence[str], data: Sequence[str], no_builtin: bool,
          access_log: bool = False) -> None:
    import uvicorn

    from . import protocol

    os.environ.update(settings(rules, data, no_builtin))
    # httptools (the serve extra installs it) parses HTTP in C: 0.17 ms less server CPU a request than
    # h11 in serial runs (2.13 against 2.30 ms, and 2.37 against 2.53); h11 when it is missing.
    http: Any = getattr(protocol, "NoDelayHttpToolsProtocol", protocol.NoDelayH11Protocol)
    # Several workers share one listening socket; asyncio's own loop let the first to wake take a whole
    # pool of connections (31 of 32), so they take turns (icprules.service.loop; uvloop would batch too).
    loop = "icprules.service.loop:TakeTurnsEventLoop" if workers > 1 else "auto"
    uvicorn.run("icprules.service.main:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level="info", access_log=access_log, server_header=False, http=http,
                loop=loop)
