"""Characters as people paste them: invisible ones, and traditional forms, read one way everywhere.

Record numbers and banned terms both meet text copied from web pages: zero-width spaces, bidi
controls, Hangul fillers, lone surrogates, and traditional characters (京ICP備…號, 中國). This leaf
module says once what is invisible and holds the one OpenCC converter both use.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any


def is_invisible(ch: str) -> bool:
    """Format characters, Hangul fillers, and lone surrogates (no character at all; OpenCC refuses them)."""
    return unicodedata.category(ch) in ("Cf", "Cs") or "FILLER" in unicodedata.name(ch, "")


def visible(text: str) -> str:
    """``text`` without its invisible characters."""
    return "".join(ch for ch in text if not is_invisible(ch))


def simplified(text: str) -> str:
    """Traditional Chinese to simplified with OpenCC's own tables (備→备, 號→号, 國→国, 論→论)."""
    return str(_opencc().convert(text))


@lru_cache(maxsize=1)
def _opencc() -> Any:
    import opencc  # a few ms to load its tables: only text with Chinese characters needs it

    return opencc.OpenCC("t2s")
