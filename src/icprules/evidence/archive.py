"""A package (APK, IPA, HAP) read as a ZIP file: bounded, in memory or from disk, never extracted.

Only the central directory and the few entries a filing needs are read, each with a cap on what
it decompresses to (a bomb stops at the cap); nothing is written anywhere. The end of central
directory is located here too, because the APK and HAP signing blocks sit just before the
central directory it points to.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .errors import EvidenceError

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"


@dataclass(frozen=True)
class Layout:
    """Where the central directory is, and the EOCD record's bytes (signing blocks need both)."""

    size: int
    cd_offset: int
    cd_size: int
    eocd_offset: int
    entries: int


def layout(fh: BinaryIO, size: int) -> Layout:
    """The ZIP's layout from its end of central directory record (the last one; its comment may be 64 KiB)."""
    tail_size = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(_EOCD)
    while at >= 0 and at + 22 + struct.unpack_from("<H", tail, at + 20)[0] != len(tail):
        at = tail.rfind(_EOCD, 0, at)  # "PK\5\6" inside the comment is not the record
    if at < 0:
        raise EvidenceError("evidence_not_zip", "no end of central directory")
    entries, cd_size, cd_offset = struct.unpack_from("<HII", tail, at + 10)
    eocd_offset = size - tail_size + at
    if (cd_offset == 0xFFFFFFFF or entries == 0xFFFF) and at >= 20 and tail[at - 20:at - 16] == _ZIP64_LOCATOR:
        record = struct.unpack_from("<Q", tail, at - 12)[0]
        if record + 56 <= size:
            fh.seek(record)
            head = fh.read(56)
            if head[:4] == _ZIP64_EOCD:
                entries, _, cd_size, cd_offset = struct.unpack_from("<QQQQ", head, 24)
    if cd_offset + cd_size > eocd_offset:
        raise EvidenceError("evidence_not_zip", "the central directory overlaps its end record")
    return Layout(size=size, cd_offset=cd_offset, cd_size=cd_size, eocd_offset=eocd_offset, entries=entries)


class Archive:
    """A ZIP package opened for reading with limits; use as a context manager."""

    def __init__(self, source: str | os.PathLike[str] | bytes, *, max_entries: int, max_bytes: int) -> None:
        self._owned: BinaryIO | None = None
        if isinstance(source, (bytes, bytearray, memoryview)):
            self.fh: BinaryIO = io.BytesIO(bytes(source))
            self.size = len(source)
        else:
            path = Path(os.fspath(source))
            try:
                info = path.stat()
            except OSError as exc:
                raise EvidenceError("evidence_unreadable", exc.strerror or str(exc)) from None
            import stat

            if not stat.S_ISREG(info.st_mode):
                raise EvidenceError("evidence_unreadable", "not a regular file")
            if info.st_size > max_bytes:
                raise EvidenceError("evidence_too_large", f"{info.st_size:,} bytes; the limit is {max_bytes:,}")
            self._owned = path.open("rb")  # closed by close()
            self.fh = self._owned
            self.size = info.st_size
        try:
            self.layout = layout(self.fh, self.size)
            if self.layout.entries > max_entries:
                raise EvidenceError("evidence_too_many_entries", f"{self.layout.entries:,} entries; "
                                    f"the limit is {max_entries:,}")
            self.fh.seek(0)
            self.zip = zipfile.ZipFile(self.fh)
        except EvidenceError:
            self.close()
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, struct.error, ValueError) as exc:
            self.close()
            raise EvidenceError("evidence_not_zip", str(exc)[:120]) from None
        self._names = {i.filename: i for i in self.zip.infolist()}

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def names(self) -> Iterator[str]:
        return iter(self._names)

    def has(self, name: str) -> bool:
        return name in self._names

    def read(self, name: str, limit: int) -> bytes:
        """An entry's bytes, decompressed up to ``limit`` (a bomb, or a lying header, stops there)."""
        info = self._names.get(name)
        if info is None:
            raise EvidenceError("evidence_missing_entry", name)
        if info.file_size > limit:
            raise EvidenceError("evidence_entry_too_large", f"{name}: {info.file_size:,} bytes; the limit is {limit:,}")
        try:
            with self.zip.open(info) as entry:
                data = entry.read(limit + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise EvidenceError("evidence_bad_entry", f"{name}: {str(exc)[:100]}") from None
        if len(data) > limit:
            raise EvidenceError("evidence_entry_too_large", f"{name}: more than {limit:,} bytes once decompressed")
        return data

    def suspicious_names(self) -> list[str]:
        """Entry names that would leave the folder if extracted, or hide (absolute, ``..``, NUL, duplicates)."""
        out = []
        seen: set[str] = set()
        for info in self.zip.infolist():
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            escapes = name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")
            if escapes or "\x00" in name or name in seen:
                out.append(name)
            seen.add(name)
        return out[:20]
