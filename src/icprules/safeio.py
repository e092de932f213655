"""Reading a file the user named, bounded before a byte is read.

``Path.read_bytes`` reads whatever is there: a 5 GB sparse file, ``/dev/zero`` (which never ends),
a symlink to a device, a FIFO (which blocks until someone writes). Every document, rule pack, data
file and certificate is read here instead: a regular file (after symlinks) no larger than the limit,
read with a cap even if it grows meanwhile.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class TooLarge(OSError):
    """The file is not one to read: too large, or not a regular file. ``str()`` says which."""


def read_bounded(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`TooLarge` (an OSError) otherwise."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat below refuses it anyway.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise TooLarge("not a regular file (a FIFO, device or socket)")
        if info.st_size > limit:
            raise TooLarge(f"{info.st_size:,} bytes; the limit is {limit:,}")
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:  # it grew while we read it
            raise TooLarge(f"more than {limit:,} bytes")
        return data
    finally:
        os.close(fd)
