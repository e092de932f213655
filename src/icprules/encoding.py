"""Text every output can write: a lone surrogate from a document becomes a visible escape.

A document may hold a lone UTF-16 surrogate ("中国\\ud800": JSON allows it, and Python keeps it),
which no UTF-8 stream can encode: writing it raised UnicodeEncodeError and lost the whole output.
It is written as the escape ``\\ud800`` instead. Inside a JSON string that escape is exactly the
JSON for the same code unit, so JSON and SARIF stay valid and say what the document said; in text it
shows where the odd character was. Nothing else is changed.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
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
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return value if value - value == 0 else None  # NaN and infinities: JSON has no such number
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
    if isinstance(value, float):
        return float(value) if value - value == 0 else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def json_bytes(value: Any) -> bytes:
    """Compact JSON of a :func:`jsonable` value, as UTF-8, lone surrogates escaped (see :func:`writable`).

    Made by orjson when it is installed (the ``serve`` extra brings it: a report's JSON is a fifth
    of a service's answer, and orjson writes it ten times faster); it refuses what it cannot write
    the standard way (a lone surrogate, an integer beyond 64 bits), which the standard library then
    writes. The two give the same bytes for the same value, except that a float may be spelt
    differently (``1e16`` or ``1e+16``): tests/test_outputs.py compares them.
    """
    if _orjson is not None:
        try:
            out: bytes = _orjson.dumps(value)
            return out
        except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            pass
    return writable(json.dumps(value, ensure_ascii=False, separators=(",", ":"))).encode("utf-8")


def json_bytes_of(value: Any) -> bytes:
    """``json_bytes(jsonable(value))``, without making the plain copy first where orjson can write a value as it is."""
    fast = orjson_bytes(value)
    return fast if fast is not None else json_bytes(jsonable(value))


def orjson_bytes(value: Any) -> bytes | None:
    """The value's compact JSON by orjson, the same bytes as ``json_bytes(jsonable(value))``; None without orjson.

    orjson writes dicts with text keys, lists, tuples, text, numbers and None itself, and asks
    :func:`jsonable` about anything else (mappings, sets, dates, dataclasses, objects with
    ``to_dict``). What orjson refuses (a key that is not text, a lone surrogate, an integer beyond
    64 bits) is None too: the caller writes it the long way.
    """
    if _orjson is None:
        return None
    try:
        out: bytes = _orjson.dumps(value, default=jsonable, option=_PASS_TO_JSONABLE)
        return out
    except (TypeError, ValueError):
        return None


def has_orjson() -> bool:
    return _orjson is not None


def produced_json(produced_by: Any) -> Any:
    """What produced a report (the same for every report of a rule set), as JSON written once.

    An orjson fragment of ``jsonable(produced_by)``, kept for the last value seen and used only
    while the value is still equal to it (a caller may have changed the dict in its hands).
    """
    global _produced
    if _orjson is None:
        return jsonable(produced_by)
    last = _produced
    if last is not None and last[0] == produced_by:
        return last[1]
    fragment = _orjson.Fragment(json_bytes(jsonable(produced_by)))
    _produced = (copy.deepcopy(produced_by), fragment)
    return fragment


_produced: tuple[Any, Any] | None = None
_orjson: Any
try:
    _orjson = importlib.import_module("orjson")
except ImportError:  # pragma: no cover - the library's own use needs only the standard library
    _orjson = None
#: Dataclasses and dates go to jsonable(), which writes them its own way (orjson would write every
#: field of a dataclass, and a datetime in its own spelling).
_PASS_TO_JSONABLE = 0 if _orjson is None else _orjson.OPT_PASSTHROUGH_DATACLASS | _orjson.OPT_PASSTHROUGH_DATETIME

