"""Message templates: ``{name}`` and ``{name.key}`` placeholders, nothing more.

Rule packs are data from outside the code, so their templates must not reach
Python attributes the way ``str.format`` would (``{0.__class__}``). Only mapping
keys are followed; an unknown placeholder is left as written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\}")


def show(value: Any) -> str:
    """A value as a person reads it in a message."""
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
    def sub(m: re.Match[str]) -> str:
        parts = m.group(1).split(".")
        value: Any = params
        for part in parts:
            if isinstance(value, Mapping) and part in value:
                value = value[part]
            else:
                return m.group(0)
        return show(value)

    return _PLACEHOLDER.sub(sub, template)
