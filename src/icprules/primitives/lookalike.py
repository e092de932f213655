"""What a name looks like on screen, so that a banned term cannot be dodged by how it is written.

Each step uses maintained data, not lists typed here:

- invisible characters go (Unicode's format characters: zero-width spaces and joiners, bidi
  controls; and the Hangul fillers, found by their Unicode names);
- a run under a right-to-left override is read in the order it shows (``\\u202eanihc`` shows "china");
- NFKC turns full-width, Kangxi radicals (⼈) and mathematical letters into plain ones;
- traditional characters become simplified with OpenCC's own tables (中國, 論壇, 中華);
- look-alike letters of other scripts become the Latin or CJK character they imitate, from Unicode's
  confusables as packaged by confusable-homoglyphs (Cyrillic сһіnа, the radical ⺠); small capitals
  (ᴄʜɪɴᴀ) by their Unicode names;
- digits that stand for letters inside a Latin word (ch1na) are read as the letter the confusables
  pair them with (1 ~ l ~ i, 0 ~ o).

Where even these tables have a gap (囯, an old variant of 国, is in neither), data/banned_terms.yaml
lists the extra variants with their source. The result only feeds matching; nothing is shown or changed.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from importlib.resources import files

from ..chars import in_cjk_blocks, simplified, visible

_RTL_OVERRIDE, _POP = "\u202e", "\u202c"
#: Digit -> the letter the confusables pair it with, applied only inside Latin words.
_DIGIT_LETTERS = {"1": "i", "0": "o"}


@lru_cache(maxsize=8192)
def skeleton(text: str, extra: tuple[tuple[str, str], ...] = ()) -> str:
    """The name as it shows: see the module docstring. Memoised: names repeat across rules."""
    text = _visual_order(text)
    text = visible(text)
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return _digits_in_words(text)
    text = simplified(text)
    variants = dict(extra)
    text = "".join(variants.get(ch) or _prototype(ch) for ch in text)
    return _digits_in_words(unicodedata.normalize("NFKC", text))


def _visual_order(text: str) -> str:
    """Runs after a right-to-left override (up to its pop, or the end) reversed, as they display."""
    if _RTL_OVERRIDE not in text:
        return text
    out, i = [], 0
    while i < len(text):
        start = text.find(_RTL_OVERRIDE, i)
        if start < 0:
            out.append(text[i:])
            break
        end = text.find(_POP, start)
        end = len(text) if end < 0 else end
        out.append(text[i:start])
        out.append(text[start + 1:end][::-1])
        i = end + 1
    return "".join(out)


def _digits_in_words(text: str) -> str:
    """"ch1na" -> "china": a digit between Latin letters is the letter it imitates; 2026 stays 2026."""
    if not any(c in _DIGIT_LETTERS for c in text):
        return text
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in _DIGIT_LETTERS:
            before = i > 0 and chars[i - 1].isascii() and chars[i - 1].isalpha()
            after = i + 1 < len(chars) and chars[i + 1].isascii() and chars[i + 1].isalpha()
            if before and after:
                chars[i] = _DIGIT_LETTERS[ch]
    return "".join(chars)


@lru_cache(maxsize=4096)
def _prototype(ch: str) -> str:
    """The Latin or CJK character ``ch`` imitates, or ``ch`` itself."""
    if ch.isascii() or _is_cjk(ch):
        return ch
    name = unicodedata.name(ch, "")
    if name.startswith("LATIN LETTER SMALL CAPITAL ") and len(name.rsplit(" ", 1)[-1]) == 1:
        return name.rsplit(" ", 1)[-1].lower()
    seen = {ch}
    frontier = [ch]
    for _ in range(2):  # the confusables are pairs: look one step further for a Latin or CJK form
        nxt = []
        for c in frontier:
            for entry in _confusables().get(c, ()):
                target = entry.get("c", "")
                if len(target) == 1 and ((target.isascii() and target.isalnum()) or _is_cjk(target)):
                    return target.lower()
                if len(target) == 1 and target not in seen:
                    seen.add(target)
                    nxt.append(target)
        frontier = nxt
    return ch


def _is_cjk(ch: str) -> bool:
    return in_cjk_blocks(ch) or "CJK UNIFIED IDEOGRAPH" in unicodedata.name(ch, "")


@lru_cache(maxsize=1)
def _confusables() -> dict[str, list[dict[str, str]]]:
    """Unicode's confusables (confusable-homoglyphs' copy): about 50 ms, loaded for the first odd name only."""
    data: dict[str, list[dict[str, str]]] = json.loads(
        (files("confusable_homoglyphs") / "confusables.json").read_text(encoding="utf-8"))
    return data
