"""Text every output can write: a lone surrogate from a document becomes a visible escape.

A document may hold a lone UTF-16 surrogate ("中国\\ud800": JSON allows it, and Python keeps it),
which no UTF-8 stream can encode: writing it raised UnicodeEncodeError and lost the whole output.
It is written as the escape ``\\ud800`` instead. Inside a JSON string that escape is exactly the
JSON for the same code unit, so JSON and SARIF stay valid and say what the document said; in text it
shows where the odd character was. Nothing else is changed.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def writable(text: str) -> str:
    """``text`` with each lone surrogate written as its ``\\uXXXX`` escape (unchanged otherwise)."""
    if text.isascii():
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)

