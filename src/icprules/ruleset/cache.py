"""A loaded rule set kept on disk between runs, as Python keeps compiled modules in ``.pyc`` files.

Loading the rule packs and data (some 220 kB of YAML read, validated and compiled, and the rule set
of the day compiled from the dated data) is about a sixth of a command-line check's cold start; a
pickle of the result loads in a few milliseconds. The tables built from the libraries' data
(:mod:`icprules.tables`: the public suffix list, stdnum's divisions) are kept with it.

It is kept in ``$ICPRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/icprules``, else ``~/.cache/icprules``,
under a digest of everything the rule set is made from:

- the bytes of every pack and data file loaded, and whether the built-in packs were;
- the icprules code (each module's size and modification time, as ``.pyc`` files are checked);
- the Python version and the libraries whose data the rules prepare (each one's module file, likewise).

A pickle runs code when read, so one is read only as Python reads a ``.pyc``: from a folder and a
file that belong to the user and that no one else may write, through no symbolic link; anything else,
or anything odd in the file, and the rule set is loaded from its files as if there were no cache.
``ICPRULES_CACHE=0`` turns the cache off; so does a system without POSIX owners.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..reading.yamlio import MAX_BYTES as MAX_FILE_BYTES
from ..safeio import read_bounded
from .model import RuleSet

#: The cache's own format: bump when what is pickled changes shape.
FORMAT = "icprules-ruleset-cache/2"
#: Libraries whose data or behaviour enter a loaded rule set (parsing, validation, prepared tables).
LIBRARIES = ("yaml", "jsonschema", "pydantic", "idna", "publicsuffixlist", "stdnum", "phonenumbers", "babel",
             "opencc", "confusable_homoglyphs", "email_validator", "chinese_calendar", "PIL", "cryptography")
#: Cache files kept: one per combination of code, packs and data (a developer's edits add new ones).
KEEP = 8
#: A cache file larger than this is not read (the built-in rule set pickles to about 0.5 MB).
MAX_BYTES = 32 * 1024 * 1024


def folder() -> Path | None:
    """Where the cache lives, or None when it is off."""
    if os.environ.get("ICPRULES_CACHE", "1").strip().lower() in ("0", "no", "off", "false"):
        return None
    if not hasattr(os, "getuid"):
        return None  # no POSIX owner to check: no cache
    chosen = os.environ.get("ICPRULES_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path("~").expanduser() / ".cache") / "icprules"


def key(files: Iterable[Path], builtin: bool) -> str:
    """The digest of everything a rule set loaded from ``files`` (packs then data) is made from."""
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\n{sys.version}\n{pickle.HIGHEST_PROTOCOL}\nbuiltin={builtin}\n".encode())
    for path in files:
        digest.update(f"{path}\n".encode())
        # Bounded as the loader reads it: a file too large (or not a regular file) raises TooLarge, an
        # OSError, and the rule set is loaded without the cache, which reports the file.
        digest.update(hashlib.sha256(read_bounded(path, MAX_FILE_BYTES)).digest())
    package = Path(__file__).resolve().parents[1]
    for module in sorted(package.rglob("*.py")):
        info = module.stat()
        digest.update(f"{module.relative_to(package)} {info.st_size} {info.st_mtime_ns}\n".encode())
    for name in LIBRARIES:
        digest.update(f"{name} {_module_stamp(name)}\n".encode())
    return digest.hexdigest()


def _module_stamp(name: str) -> str:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return "absent"
    origin = spec.origin if spec is not None else None
    if not origin:
        return "absent"
    try:
        info = Path(origin).stat()
    except OSError:
        return "absent"
    return f"{origin} {info.st_size} {info.st_mtime_ns}"


def _private(info: os.stat_result) -> bool:
    """Owned by this user, and writable by no one else."""
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read(where: Path, digest: str) -> tuple[RuleSet, dict[Any, RuleSet], dict[str, Any]] | None:
    """The rule set cached under ``digest``, with its rule sets by day and the :mod:`icprules.tables` built
    when it was written, or None (absent, or not to be trusted)."""
    try:
        info = os.lstat(where)
        if not stat.S_ISDIR(info.st_mode) or not _private(info):
            return None
        fd = os.open(where / f"{digest}.pickle", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or not _private(info) or info.st_size > MAX_BYTES:
            return None
        try:
            found = pickle.load(fh)  # the user's own file, checked as a .pyc would be
        except Exception:  # a truncated or foreign file: load from the files instead
            return None
    if not (isinstance(found, tuple) and len(found) == 4 and found[0] == FORMAT and isinstance(found[1], RuleSet)
            and isinstance(found[2], dict) and isinstance(found[3], dict)):
        return None
    return found[1], found[2], found[3]


def write(where: Path, digest: str, ruleset: RuleSet, by_day: dict[Any, RuleSet], tables: dict[str, Any]) -> None:
    """Keep a rule set under ``digest`` (best effort: a folder that cannot be written is no error)."""
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(where)
        if not stat.S_ISDIR(info.st_mode) or not _private(info):
            return
        payload = pickle.dumps((FORMAT, ruleset, by_day, tables), protocol=pickle.HIGHEST_PROTOCOL)
        fd, temporary = tempfile.mkstemp(dir=where, prefix=".writing-", suffix=".pickle")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
            Path(temporary).replace(where / f"{digest}.pickle")
        finally:
            Path(temporary).unlink(missing_ok=True)
        _prune(where)


def _prune(where: Path) -> None:
    """Remove all but the newest :data:`KEEP` cache files."""
    entries = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
