"""The little of Android's binary XML and resource table a filing needs: package, version, label.

Written here rather than taken from a library: androguard reads these but brings IPython, lxml and
a dozen more packages; apkInspector (no dependencies) decodes the manifest to XML text but does not
read resources.arsc, where an app's label usually is (``@string/app_name``), and its text would have
to be parsed again. The formats are AOSP's (frameworks/base ResourceTypes.h): chunks with a type,
header size and total size; a string pool; XML start elements whose attributes carry typed values;
a resource table of packages, types and entries by configuration. Every offset is checked: a
malformed file is an EvidenceError, never an IndexError.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from .errors import EvidenceError

_STRING_POOL = 0x0001
_XML = 0x0003
_XML_START = 0x0102
_XML_RESOURCE_MAP = 0x0180
_TABLE = 0x0002
_TABLE_PACKAGE = 0x0200
_TABLE_TYPE = 0x0201
_UTF8 = 0x100
TYPE_REFERENCE, TYPE_STRING, TYPE_INT_DEC, TYPE_INT_HEX, TYPE_BOOLEAN = 0x01, 0x03, 0x10, 0x11, 0x12
#: Framework attribute IDs (android.R.attr): names may be stripped from a manifest, the IDs stay.
ATTRIBUTES = {0x01010001: "label", 0x0101021B: "versionCode", 0x0101021C: "versionName"}
MAX_STRINGS = 200_000
MAX_ELEMENTS = 100_000


def _u16(data: bytes, at: int) -> int:
    if at + 2 > len(data):
        raise EvidenceError("evidence_binary_xml", "truncated")
    value: int = struct.unpack_from("<H", data, at)[0]
    return value


def _u32(data: bytes, at: int) -> int:
    if at + 4 > len(data):
        raise EvidenceError("evidence_binary_xml", "truncated")
    value: int = struct.unpack_from("<I", data, at)[0]
    return value


def _chunk(data: bytes, at: int, end: int) -> tuple[int, int, int]:
    kind, header, size = _u16(data, at), _u16(data, at + 2), _u32(data, at + 4)
    if header < 8 or size < header or at + size > end:
        raise EvidenceError("evidence_binary_xml", f"a chunk of {size} bytes at {at} does not fit")
    return kind, header, size


def string_pool(data: bytes, at: int) -> list[str]:
    _, header, size = _chunk(data, at, len(data))
    count, _styles, flags, strings_start = _u32(data, at + 8), _u32(data, at + 12), _u32(data, at + 16), \
        _u32(data, at + 20)
    if count > MAX_STRINGS or at + header + 4 * count > at + size:
        raise EvidenceError("evidence_binary_xml", f"a string pool of {count:,} strings")
    utf8 = bool(flags & _UTF8)
    base = at + strings_start
    out = []
    for i in range(count):
        offset = base + _u32(data, at + header + 4 * i)
        out.append(_string(data, offset, at + size, utf8))
    return out


def _string(data: bytes, at: int, end: int, utf8: bool) -> str:
    if at >= end:
        raise EvidenceError("evidence_binary_xml", "a string outside its pool")
    if utf8:
        at += 2 if data[at] & 0x80 else 1  # length in UTF-16 units, then in bytes
        if at >= end:
            raise EvidenceError("evidence_binary_xml", "a string outside its pool")
        length = data[at]
        if length & 0x80:
            length = ((length & 0x7F) << 8) | data[at + 1]
            at += 1
        at += 1
        raw = data[at:at + length]
        if at + length > end:
            raise EvidenceError("evidence_binary_xml", "a string longer than its pool")
        return raw.decode("utf-8", "replace")
    length = _u16(data, at)
    at += 2
    if length & 0x8000:
        length = ((length & 0x7FFF) << 16) | _u16(data, at)
        at += 2
    if at + 2 * length > end:
        raise EvidenceError("evidence_binary_xml", "a string longer than its pool")
    return data[at:at + 2 * length].decode("utf-16-le", "replace")


@dataclass
class Manifest:
    package: str | None = None
    version_code: str | None = None
    version_name: str | None = None
    #: The application's label: text, or a resource ID to look up in resources.arsc.
    label: str | None = None
    label_resource: int | None = None
    attributes: dict[str, str] = field(default_factory=dict)


def manifest(data: bytes) -> Manifest:
    """The package, versions and application label of a binary AndroidManifest.xml."""
    if len(data) < 8:
        raise EvidenceError("evidence_binary_xml", "too short")
    kind, header, size = _chunk(data, 0, len(data))
    if kind != _XML:
        raise EvidenceError("evidence_binary_xml", "not Android binary XML")
    strings: list[str] = []
    resource_ids: list[int] = []
    out = Manifest()
    at = header
    elements = 0
    while at + 8 <= size:
        kind, header, length = _chunk(data, at, size)
        if kind == _STRING_POOL:
            strings = string_pool(data, at)
        elif kind == _XML_RESOURCE_MAP:
            resource_ids = [_u32(data, at + header + 4 * i) for i in range((length - header) // 4)]
        elif kind == _XML_START:
            elements += 1
            if elements > MAX_ELEMENTS:
                raise EvidenceError("evidence_binary_xml", "too many elements")
            name = _text(strings, _u32(data, at + header + 4))
            if name in ("manifest", "application"):
                _attributes(data, at + header, strings, resource_ids, name, out)
            if name == "application":
                break
        at += length
    return out


def _text(strings: list[str], index: int) -> str | None:
    return strings[index] if index < len(strings) else None


def _attributes(data: bytes, at: int, strings: list[str], ids: list[int], element: str, out: Manifest) -> None:
    start, size, count = _u16(data, at + 8), _u16(data, at + 10), _u16(data, at + 12)
    for i in range(count):
        base = at + start + i * max(size, 20)
        name_index = _u32(data, base + 4)
        raw = _u32(data, base + 8)
        kind, value = data[base + 15] if base + 16 <= len(data) else 0, _u32(data, base + 16)
        name = ATTRIBUTES.get(ids[name_index]) if name_index < len(ids) else None
        name = name or _text(strings, name_index) or ""
        if kind == TYPE_STRING:
            text = _text(strings, value) or ""
        elif raw != 0xFFFFFFFF and _text(strings, raw) is not None:
            text = _text(strings, raw) or ""
        elif kind == TYPE_INT_DEC:
            text = str(value)
        elif kind == TYPE_INT_HEX:
            text = f"0x{value:x}"
        elif kind == TYPE_BOOLEAN:
            text = "true" if value else "false"
        elif kind == TYPE_REFERENCE:
            text = f"@{value:08x}"
        else:
            text = str(value)
        out.attributes[f"{element}.{name}"] = text
        if element == "manifest" and name == "package":
            out.package = text
        elif element == "manifest" and name == "versionCode":
            out.version_code = text
        elif element == "manifest" and name == "versionName":
            out.version_name = text
        elif element == "application" and name == "label":
            if kind == TYPE_REFERENCE:
                out.label_resource = value
            else:
                out.label = text


def resource_strings(table: bytes, resource: int, limit: int = 64) -> dict[str, str]:
    """A string resource's value in each configuration, keyed by locale ("" for the default)."""
    kind, header, size = _chunk(table, 0, len(table))
    if kind != _TABLE:
        raise EvidenceError("evidence_binary_xml", "not a resource table")
    package_id, type_id, entry_id = resource >> 24, (resource >> 16) & 0xFF, resource & 0xFFFF
    values: list[str] = []
    out: dict[str, str] = {}
    at = header
    while at + 8 <= size:
        kind, chunk_header, length = _chunk(table, at, size)
        if kind == _STRING_POOL and not values:
            values = string_pool(table, at)
        elif kind == _TABLE_PACKAGE and _u32(table, at + 8) == package_id:
            inner = at + chunk_header
            while inner + 8 <= at + length:
                sub, sub_header, sub_length = _chunk(table, inner, at + length)
                if sub == _TABLE_TYPE and table[inner + 8] == type_id:
                    found = _entry(table, inner, sub_header, entry_id, values)
                    if found is not None and len(out) < limit:
                        out.setdefault(_locale(table, inner + 20), found)
                inner += sub_length
        at += length
    return out


def _locale(table: bytes, config: int) -> str:
    language = table[config + 8:config + 10].rstrip(b"\0").decode("ascii", "replace")
    country = table[config + 10:config + 12].rstrip(b"\0").decode("ascii", "replace")
    return f"{language}-{country}" if language and country else language


def _entry(table: bytes, at: int, header: int, entry_id: int, values: list[str]) -> str | None:
    flags = table[at + 9]
    count, entries_start = _u32(table, at + 12), _u32(table, at + 16)
    offsets = at + header
    if flags & 0x01:  # sparse: (index, offset / 4) pairs
        offset = None
        for i in range(min(count, 65536)):
            index, value = _u16(table, offsets + 4 * i), _u16(table, offsets + 4 * i + 2)
            if index == entry_id:
                offset = value * 4
                break
        if offset is None:
            return None
    elif flags & 0x02:  # 16-bit offsets (in units of 4), 0xFFFF for none
        if entry_id >= count:
            return None
        value = _u16(table, offsets + 2 * entry_id)
        if value == 0xFFFF:
            return None
        offset = value * 4
    else:
        if entry_id >= count:
            return None
        offset = _u32(table, offsets + 4 * entry_id)
        if offset == 0xFFFFFFFF:
            return None
    entry = at + entries_start + offset
    size, entry_flags = _u16(table, entry), _u16(table, entry + 2)
    if entry_flags & 0x08:  # compact entry: the value's type in the flags' high byte, data after the key
        kind, data = entry_flags >> 8, _u32(table, entry + 4)
    elif entry_flags & 0x01:  # a complex (bag) entry: not a string
        return None
    else:
        kind, data = table[entry + size + 3] if entry + size + 4 <= len(table) else 0, _u32(table, entry + size + 4)
    if kind == TYPE_STRING and data < len(values):
        return values[data]
    return None
