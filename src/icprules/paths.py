"""Field paths: ``services[0].platforms[1].bundle_id`` and patterns with ``[*]`` and ``*``.

A path is parsed once into a tuple of segments (``str`` keys, ``int`` indices,
:data:`ANY` for ``[*]``, every item of a list, and :data:`ANY_KEY` for ``.*``, every
value of a mapping). Lookups never raise: a missing step yields :data:`MISSING`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Final


class _Sentinel:
    """A named singleton; it unpickles to the module-level object of the same name."""

    __slots__ = ("_name", "_shown", "_truthy")

    def __init__(self, name: str, shown: str, *, truthy: bool = True) -> None:
        self._name, self._shown, self._truthy = name, shown, truthy

    def __repr__(self) -> str:
        return self._shown

    def __bool__(self) -> bool:
        return self._truthy

    def __reduce__(self) -> str:
        return self._name


#: "No value here" (distinct from an explicit ``null``).
MISSING: Final = _Sentinel("MISSING", "MISSING", truthy=False)
#: ``[*]``: every item of a list.
ANY: Final = _Sentinel("ANY", "[*]")
#: ``.*``: every value of a mapping.
ANY_KEY: Final = _Sentinel("ANY_KEY", "*")

Segment = str | int | _Sentinel
Segments = tuple[Segment, ...]

_TOKEN = re.compile(r'\[(\*|\d+)\]|\[("(?:[^"\\]|\\.)*")\]|([^.\[\]"]+)')
#: Keys written bare; any other key (empty, or holding '.', '[', ']' or '"') is written ["quoted"].
_BARE_KEY = re.compile(r'^[^.\[\]"]+$')


class PathSyntaxError(ValueError):
    pass


@lru_cache(maxsize=4096)
def parse(text: str) -> Segments:
    """Parse ``a.b[0].c`` (or ``a.b[*]``) into segments. ``""`` and ``"."`` mean "here"."""
    if text in ("", "."):
        return ()
    segments: list[Segment] = []
    pos = 0
    expect_key = True
    while pos < len(text):
        if text[pos] == "." and not expect_key:
            pos += 1
            expect_key = True
            continue
        m = _TOKEN.match(text, pos)
        if m is None or (m.group(3) is not None and not expect_key):
            raise PathSyntaxError(f"bad field path {text!r} at character {pos + 1}")
        if m.group(1) is not None or m.group(2) is not None:
            if expect_key and segments:
                raise PathSyntaxError(f"bad field path {text!r}: '.' before '['")
            if m.group(2) is not None:
                segments.append(json.loads(m.group(2)))
            else:
                segments.append(ANY if m.group(1) == "*" else int(m.group(1)))
            expect_key = False
        else:
            segments.append(ANY_KEY if m.group(3) == "*" else m.group(3))
            expect_key = False
        pos = m.end()
    if expect_key:
        raise PathSyntaxError(f"bad field path {text!r}: ends with '.'")
    return tuple(segments)


def format_path(segments: Sequence[Segment]) -> str:
    return _format_path(tuple(segments))


@lru_cache(maxsize=8192)
def _format_path(segments: Segments) -> str:
    # Memoised: the same few hundred paths are formatted for every document.
    out = ""
    for seg in segments:
        if isinstance(seg, str) and (seg == "*" or not _BARE_KEY.match(seg)):
            out += f"[{json.dumps(seg, ensure_ascii=False)}]"
        elif isinstance(seg, str):
            out = f"{out}.{seg}" if out else seg
        elif isinstance(seg, int):
            out += f"[{seg}]"
        elif seg is ANY_KEY:
            out = f"{out}.*" if out else "*"
        else:
            out += "[*]"
    return out


def has_wildcard(segments: Segments) -> bool:
    return any(s is ANY or s is ANY_KEY for s in segments)


def get(value: Any, segments: Segments) -> Any:
    """Value at a concrete path, or :data:`MISSING`."""
    for seg in segments:
        if isinstance(seg, str):
            # dict first: documents are plain dicts, and an ABC check costs ten times more
            if not isinstance(value, dict) and not isinstance(value, Mapping):
                return MISSING
            value = value.get(seg, MISSING)
            if value is MISSING:
                return MISSING
        elif isinstance(seg, int):
            if not isinstance(value, list) or seg >= len(value):
                return MISSING
            value = value[seg]
        else:
            raise PathSyntaxError("get() takes a concrete path; use expand() for [*]")
    return value


def replaced(value: Any, changes: Sequence[tuple[Segments, Any]]) -> Any:
    """A copy of ``value`` with the item at each concrete path (as :func:`expand` found them) replaced.

    Each container on the way to a change is copied once, however many changes it holds (one change at
    a time copied a list of a thousand items a thousand times); the parts no path goes through are
    shared, and ``value`` itself is left as it is.
    """
    if not changes:
        return value
    copy: Any = dict(value) if isinstance(value, Mapping) else list(value)
    below: dict[Any, list[tuple[Segments, Any]]] = {}
    for segments, new in changes:
        if not segments:
            return new
        if len(segments) == 1:
            copy[segments[0]] = new
        else:
            below.setdefault(segments[0], []).append((segments[1:], new))
    for head, rest in below.items():
        copy[head] = replaced(value[head], rest)
    return copy


def expand(value: Any, segments: Segments) -> list[tuple[Segments, Any]]:
    """Every (concrete path, value) matching a pattern, in document order.

    Missing steps and explicit nulls yield nothing. Breadth-first over a list rather than
    recursive generators: rules expand patterns for every document, and this is several
    times cheaper.
    """
    current: list[tuple[Segments, Any]] = [((), value)] if value is not None else []
    for seg in segments:
        if not current:
            break
        current = _step(current, seg)
    return current


def _step(current: list[tuple[Segments, Any]], seg: Any) -> list[tuple[Segments, Any]]:
    """The matches one segment further down from each of ``current``, nulls left out (nothing is below one).

    Paths are made as ``prefix + (seg,)``: half the cost of ``(*prefix, seg)`` in CPython 3.11, for the
    hundred-odd steps of a check."""
    found: list[tuple[Segments, Any]] = []
    if seg is ANY:
        for prefix, node in current:
            if isinstance(node, list):
                found.extend([(prefix + (i,), item) for i, item in enumerate(node) if item is not None])  # noqa: RUF005 - see above
    elif seg is ANY_KEY:
        for prefix, node in current:
            if isinstance(node, Mapping):
                found.extend([(prefix + (str(key),), item) for key, item in node.items() if item is not None])  # noqa: RUF005 - see above
    elif seg.__class__ is str:
        for prefix, node in current:
            if node.__class__ is dict or isinstance(node, Mapping):
                child = node.get(seg)
                if child is not None:
                    found.append((prefix + (seg,), child))  # noqa: RUF005 - see above
    else:  # an index
        for prefix, node in current:
            if isinstance(node, list) and seg < len(node) and node[seg] is not None:
                found.append((prefix + (seg,), node[seg]))  # noqa: RUF005 - see above
    return found


def expand_once(cache: dict[Any, list[tuple[Segments, Any]]], value: Any, segments: Segments,
                ) -> list[tuple[Segments, Any]]:
    """:func:`expand`, kept in ``cache`` by pattern: the rules, the canonical forms and the masker of
    one document share its expansions. The list may be the cache's: callers must not change it.

    A pattern is expanded one segment on from its parent's expansion, itself kept: the fifty-odd
    patterns of a check share their first steps (``services[*]``, ``services[*].domains``), which
    were walked again from the root for each (a tenth of a check).
    """
    found = cache.get(segments)
    if found is None:
        if len(segments) > 1:
            found = _step(expand_once(cache, value, segments[:-1]), segments[-1])
        else:
            found = expand(value, segments)
        cache[segments] = found
    return found


def sort_key(segments: Segments) -> tuple[tuple[int, Any], ...]:
    """Order paths as they appear in a document: keys by name, indices numerically."""
    return tuple((1, s) if isinstance(s, int) else (0, str(s)) for s in segments)


@lru_cache(maxsize=8192)
def sort_key_text(path: str) -> tuple[tuple[int, Any], ...]:
    try:
        return sort_key(parse(path))
    except PathSyntaxError:
        return ((0, path),)
