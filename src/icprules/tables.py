"""Tables built once per process from a library's own data, which the rule-set cache can carry.

The public suffix list and python-stdnum's division table take 10-30 ms each to build from the
libraries' files, in every new process that checks a domain or an ID number: a fifth of a
command-line check's start. A table is declared here by the function that builds it; the rule-set
cache (:mod:`icprules.ruleset.cache`, keyed by the libraries' files among the rest) keeps the
tables built when it was written, and a new process takes them from there instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

#: How to build each table, by name.
BUILDERS: dict[str, Callable[[], Any]] = {}
_built: dict[str, Any] = {}
_lock = threading.Lock()


def table(name: str) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Declare a table: the decorated builder becomes the function that gives it, built once per
    process (or taken from the cache)."""
    def declare(build: Callable[[], T]) -> Callable[[], T]:
        BUILDERS[name] = build

        def get() -> T:
            found: T | None = _built.get(name)
            if found is None:
                with _lock:  # built once even when two threads ask first
                    found = _built.get(name)
                    if found is None:
                        found = _built[name] = build()
            return found

        get.__doc__ = build.__doc__
        get.__wrapped__ = build  # type: ignore[attr-defined]
        return get

    return declare


def every_table() -> dict[str, Any]:
    """Every declared table, built now where it is not yet (for the cache to keep)."""
    for name, build in BUILDERS.items():
        if name not in _built:
            with _lock:
                if name not in _built:
                    _built[name] = build()
    return dict(_built)


def adopt(tables: Mapping[str, Any]) -> None:
    """Take tables from the cache for those not built yet (a name no longer declared is ignored)."""
    with _lock:
        for name, value in tables.items():
            if name in BUILDERS and name not in _built:
                _built[name] = value


def forget() -> None:
    """Drop every built table (tests, and benchmarks that measure the first build)."""
    with _lock:
        _built.clear()
