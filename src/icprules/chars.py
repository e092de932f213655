"""Characters as people paste them: invisible ones, and traditional forms, read one way everywhere.

Record numbers and banned terms both meet text copied from web pages: zero-width spaces, bidi
controls, Hangul fillers, lone surrogates, and traditional characters (京ICP備…號, 中國); ID numbers and
credit codes meet full-width digits typed by a Chinese input method. This leaf module says once what
is invisible and what is full-width, and holds the one OpenCC converter.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any


def is_invisible(ch: str) -> bool:
    """Format characters, Hangul fillers, and lone surrogates (no character at all; OpenCC refuses them)."""
    return unicodedata.category(ch) in ("Cf", "Cs") or "FILLER" in unicodedata.name(ch, "")


def visible(text: str) -> str:
    """``text`` without its invisible characters (ASCII has none: no format character, surrogate or
    filler is below U+0080, which tests/test_fast_paths.py checks against unicodedata)."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if not is_invisible(ch))


#: The two blocks (CJK Unified Ideographs and its Extension A) that hold nearly every Chinese character
#: of a name: every code point in them is named CJK UNIFIED IDEOGRAPH-... (tests/test_fast_paths.py checks
#: each one against unicodedata), so such a character is told without building its name.
CJK_BLOCKS = (("\u4e00", "\u9fff"), ("\u3400", "\u4dbf"))
(_LOW_1, _HIGH_1), (_LOW_2, _HIGH_2) = CJK_BLOCKS
#: The same blocks as a regular expression's character class (without its brackets).
CJK_CLASS = "".join(f"{low}-{high}" for low, high in CJK_BLOCKS)


def in_cjk_blocks(ch: str) -> bool:
    """Whether ``ch`` is in one of :data:`CJK_BLOCKS` (so a CJK ideograph, told without its name)."""
    return _LOW_1 <= ch <= _HIGH_1 or _LOW_2 <= ch <= _HIGH_2


#: The full-width forms of ASCII (U+FF01-FF5E) and the ideographic space: what a Chinese input method
#: in full-width mode types for digits, letters, dashes and spaces.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def half_width(text: str) -> str:
    """``text`` with its full-width digits, letters, punctuation and spaces as the half-width ones they
    stand for (１１０１０５… as 110105…). NFKC on those alone: a circled ① or a superscript ² is not a
    digit someone meant to type."""
    return _FULL_WIDTH.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text) if not text.isascii() else text


def simplified(text: str) -> str:
    """Traditional Chinese to simplified with OpenCC's own tables (備→备, 號→号, 國→国, 論→论)."""
    return str(_opencc().convert(text))


@lru_cache(maxsize=1)
def _opencc() -> Any:
    import opencc  # a few ms to load its tables: only text with Chinese characters needs it

    return opencc.OpenCC("t2s")
