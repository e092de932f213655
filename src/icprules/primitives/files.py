"""Attachment paths: resolved inside the document's folder, never outside it."""

from __future__ import annotations

from pathlib import Path


def resolve_inside(value: str, base_dir: Path | None) -> Path | str:
    """The file a relative attachment path names, or why it cannot be used.

    The path must be relative and must stay inside ``base_dir`` once every ``..``
    and symbolic link is resolved, so a document cannot make the checker read
    ``/etc/passwd`` or a file next to the folder it was given.
    """
    if base_dir is None:
        return "no base folder to resolve attachments against (pass base_dir)"
    if not value.strip() or "\0" in value or len(value) > 1024:
        return "empty, malformed or overlong path"
    candidate = Path(value)
    if candidate.is_absolute() or value.startswith(("/", "\\")) or (len(value) > 1 and value[1] == ":"):
        return "an absolute path; give a path relative to the document's folder"
    try:
        root = base_dir.resolve()
        target = (root / candidate).resolve()
    except (OSError, RuntimeError, ValueError):
        return "the path cannot be resolved"
    if target != root and root not in target.parents:
        return "the path leads outside the document's folder"
    try:
        if not target.is_file():
            return "no such file"
    except OSError as exc:  # a name too long for the file system, a permission error...
        return f"cannot be read ({exc.strerror or 'error'})"
    return target
