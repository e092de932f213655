"""Regular expressions from rule packs and data, refused at load when they can backtrack for ever.

Python's ``re`` backtracks: ``(a+)+$`` on forty ``a`` and a ``b`` takes longer than the universe
has. A pack is data from outside the code, so a pattern is analysed when it loads: an unbounded
repetition of something that itself contains an unbounded repetition is refused, unless each round
of the outer one starts with a character the inner one cannot match (``(\\.[a-z]+)+``, the shape of
package names, is safe: the dot separates the rounds). The error names the rule and the pattern.
"""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    import re._constants as _c
    import re._parser as _p
else:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p

_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT)
_UNBOUNDED = _c.MAXREPEAT


def risk(pattern: str) -> str | None:
    """Why ``pattern`` can backtrack catastrophically, or None."""
    try:
        parsed = _p.parse(pattern)
    except Exception:
        return None
    return _walk(list(parsed.data))  # the parsed items


def _walk(items: list[Any]) -> str | None:
    for op, arg in items:
        if op in _REPEATS:
            _low, high, body = arg
            body = list(body)
            if high == _UNBOUNDED and _has_unbounded(body) and not _delimited(body):
                return "a repetition inside a repetition (such as (a+)+) can take exponential time"
            found = _walk(body)
        elif op is _c.SUBPATTERN:
            found = _walk(list(arg[-1]))
        elif op is _c.BRANCH:
            found = next((r for r in (_walk(list(b)) for b in arg[1]) if r), None)
        else:
            found = None
        if found:
            return found
    return None


def _has_unbounded(items: list[Any]) -> bool:
    for op, arg in items:
        if op in _REPEATS and (arg[1] == _UNBOUNDED or _has_unbounded(list(arg[2]))):
            return True
        if op is _c.SUBPATTERN and _has_unbounded(list(arg[-1])):
            return True
        if op is _c.BRANCH and any(_has_unbounded(list(b)) for b in arg[1]):
            return True
    return False


def _delimited(body: list[Any]) -> bool:
    """Whether each round starts with a fixed character that no repetition inside can match."""
    while body and body[0][0] is _c.SUBPATTERN:
        body = list(body[0][1][-1])
    if not body or body[0][0] is not _c.LITERAL:
        return False
    first = body[0][1]
    return all(not _can_match(first, item) for item in _repeated_sets(body[1:]))


def _repeated_sets(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for op, arg in items:
        if op in _REPEATS:
            out.extend(list(arg[2]))
            out.extend(_repeated_sets(list(arg[2])))
        elif op is _c.SUBPATTERN:
            out.extend(_repeated_sets(list(arg[-1])))
    return out


def _can_match(code: int, item: Any) -> bool:
    """Whether the one-character ``item`` (a literal, a set, any) can match the character ``code``."""
    op, arg = item
    if op is _c.LITERAL:
        return bool(arg == code)
    if op is _c.ANY:
        return True
    if op is _c.IN:
        for kind, value in arg:
            if kind is _c.LITERAL and value == code:
                return True
            if kind is _c.RANGE and value[0] <= code <= value[1]:
                return True
            if kind is _c.CATEGORY or kind is _c.NEGATE:
                return True  # \w, \d, [^...]: assume it may
        return False
    return True  # anything more complex: assume it may
