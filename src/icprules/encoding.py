"""Text every output can write: a lone surrogate from a document becomes a visible escape.

A document may hold a lone UTF-16 surrogate ("中国\\ud800": JSON allows it, and Python keeps it),
which no UTF-8 stream can encode: writing it raised UnicodeEncodeError and lost the whole output.
It is written as the escape ``\\ud800`` instead. Inside a JSON string that escape is exactly the
JSON for the same code unit, so JSON and SARIF stay valid and say what the document said; in text it
shows where the odd character was. Nothing else is changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def writable(text: str) -> str:
    """``text`` with each lone surrogate written as its ``\\uXXXX`` escape (unchanged otherwise)."""
    if text.isascii():
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def jsonable(value: Any) -> Any:
    """The value as JSON can hold it: dates as ISO text, sets sorted, keys as text, objects by ``to_dict``."""
    # Exact types first: reports are mostly plain dicts, lists and strings, and an isinstance test
    # against the Mapping ABC costs ten times a type comparison (a fifth of a check, measured).
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
