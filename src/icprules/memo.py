"""A bounded memo for a long-running process: past its bound the oldest entry is let go.

A memo that stopped growing at its bound kept the entries of a process's first hours for ever:
a service whose documents changed (a new day, a flood of made-up keys) lost the memo's speed.
"""

from __future__ import annotations

import contextlib
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, value: V, bound: int) -> V:
    """Store ``value`` under ``key``, letting the oldest entry go first when ``memo`` holds ``bound``."""
    if len(memo) >= bound:
        with contextlib.suppress(StopIteration, RuntimeError, KeyError):  # another thread took it first
            del memo[next(iter(memo))]
    memo[key] = value
    return value
