"""Reading values out of a package's own metadata (plists, JSON), whatever their types turn out to be."""

from __future__ import annotations

from typing import Any


def text(value: Any) -> str | None:
    """The value when it is a string, else None (a hostile plist may put anything anywhere)."""
    return value if isinstance(value, str) else None


def mapping(value: Any) -> dict[str, Any]:
    """The value when it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}
