"""Message templates: ``{name}`` and ``{name.key}`` placeholders, nothing more.

Rule packs are data from outside the code, so their templates must not reach
Python attributes the way ``str.format`` would (``{0.__class__}``). Only mapping
keys are followed; an unknown placeholder is left as written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\}")


def show(value: Any) -> str:
    """A value as a person reads it in a message."""
    if value.__class__ is str:
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(show(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render(template: str, params: Mapping[str, Any]) -> str:
    out: list[str] = []
    for text, keys in _pieces(template):
        if keys is None:
            out.append(text)
            continue
        value: Any = params
        for key in keys:
            if (value.__class__ is dict or isinstance(value, Mapping)) and key in value:
                value = value[key]
            else:
                out.append(text)  # unknown: left as written
                break
        else:
            out.append(show(value))
    return "".join(out)


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """A template split once into literal text and placeholders (their text and key path).

    Templates come from the rule packs and data, so there are a few hundred; every finding
    renders one per language.
    """
    pieces: list[tuple[str, tuple[str, ...] | None]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            pieces.append((template[pos:m.start()], None))
        pieces.append((m.group(0), tuple(m.group(1).split("."))))
        pos = m.end()
    if pos < len(template):
        pieces.append((template[pos:], None))
    return tuple(pieces)
