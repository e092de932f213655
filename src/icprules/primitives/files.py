"""Attachment paths: resolved inside the document's folder, never outside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..registry import why


def resolve_inside(value: str, base_dir: Path | None) -> Path | dict[str, Any]:
    """The file a relative attachment path names, or why it cannot be used (a reason dict).

    The path must be relative and must stay inside ``base_dir`` once every ``..``
    and symbolic link is resolved, so a document cannot make the checker read
    ``/etc/passwd`` or a file next to the folder it was given.
    """
    if base_dir is None:
        return why("no_base_dir")
    if not value.strip() or "\0" in value or len(value) > 1024:
        return why("bad_path")
    candidate = Path(value)
    if candidate.is_absolute() or value.startswith(("/", "\\")) or (len(value) > 1 and value[1] == ":"):
        return why("absolute_path")
    try:
        root = base_dir.resolve()
        target = (root / candidate).resolve()
    except (OSError, RuntimeError, ValueError):
        return why("unresolvable_path")
    if target != root and root not in target.parents:
        return why("outside_folder")
    try:
        if not target.is_file():
            return why("no_such_file")
    except OSError as exc:  # a name too long for the file system, a permission error...
        return why("unreadable", detail=exc.strerror or "error")
    return target
