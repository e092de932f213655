"""Names: banned terms, Chinese character counts, relation to the entity, uniqueness."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..chars import in_cjk_blocks
from ..context import Env
from ..paths import MISSING, expand, get, parse
from ..registry import check, transform
from .lookalike import skeleton
from .text import fold

if TYPE_CHECKING:
    from ..data import DataStore


def is_han(ch: str) -> bool:
    return "CJK UNIFIED IDEOGRAPH" in unicodedata.name(ch, "") or "\u3400" <= ch <= "\u9fff"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


@lru_cache(maxsize=4096)
def compact(text: str, variants: tuple[tuple[str, str], ...] = ()) -> tuple[str, tuple[bool, ...]]:
    """The folded letters and digits of a name as it shows on screen, and where a word starts in it.

    The name is first read as it looks (:func:`lookalike.skeleton`: traditional characters,
    look-alike letters, invisible characters, right-to-left overrides). Separators (spaces,
    punctuation, symbols) are dropped so that "Chi na" reads as "china". A word starts after a
    dropped separator, at a lower-to-upper case change ("ILoveChina"), anywhere inside a run of
    capitals ("ILOVECHINA", where words cannot be told apart), or where Latin follows a non-Latin
    character, so "China" inside "Machina" is not a match.
    """
    text = skeleton(text, variants)
    out: list[str] = []
    starts: list[bool] = []
    pending = True
    prev = ""
    for ch in text:
        if not (ch.isalnum() or is_han(ch)):
            pending = True
            continue
        start = pending or (prev.islower() and ch.isupper()) or (_is_latin(ch) and not _is_latin(prev)) \
            or (prev.isupper() and ch.isupper())
        # A CJK ideograph folds to itself (tests/test_fast_paths.py: every one of the blocks): most of a
        # Chinese name, and fold's NFKC and case folding per character cost more than the rest of the loop.
        for piece in ch if in_cjk_blocks(ch) else (fold(ch) or ch):
            out.append(piece)
            starts.append(start)
            start = False
        pending = False
        prev = ch
    # Memoised (several rules read the same name), so the result is immutable.
    return "".join(out), tuple(starts)


def needles(terms: Iterable[str]) -> tuple[tuple[str, str, bool], ...]:
    """(term, its compact form, whether it is Latin) for each term: prepared once per rule."""
    out = []
    for term in terms:
        needle, _ = compact(term)
        if needle:
            out.append((term, needle, all(_is_latin(c) or c.isdigit() for c in needle)))
    return tuple(out)


def find_term(name: str, terms: Iterable[str], variants: tuple[tuple[str, str], ...] = ()) -> str | None:
    """The first banned term found in a name, or None."""
    return find_prepared(name, needles(terms), variants)


def find_prepared(name: str, prepared: tuple[tuple[str, str, bool], ...],
                  variants: tuple[tuple[str, str], ...] = ()) -> str | None:
    text, starts = compact(name, variants)
    for term, needle, latin in prepared:
        i = text.find(needle)
        while i >= 0:
            if not latin or starts[i]:
                return term
            i = text.find(needle, i + 1)
    return None


def _prepare_terms(params: dict[str, Any], _data: DataStore) -> dict[str, Any]:
    wanted = params.get("severity")
    terms = []
    for entry in params["terms"]:
        if isinstance(entry, str):
            terms.append(entry)
        elif wanted is None or entry.get("severity") == wanted:
            terms.append(str(entry["term"]))
    variants = params.get("variants") or {}
    return {"terms": needles(terms), "variants": tuple(sorted((str(k), str(v)) for k, v in variants.items()))}


@check(
    "no_banned_term",
    params={"type": "object", "required": ["terms"], "additionalProperties": False,
            "properties": {"terms": {"type": "array", "description": "terms, or rows with 'term' and 'severity'"},
                           "variants": {"type": "object", "description": "character variants the look-alike "
                                                                         "tables miss (囯: 国)"},
                           "severity": {"enum": ["error", "warning", "info"],
                                        "description": "only the rows of this severity"}}},
    doc={"zh": "名称不含所列词语（先做 NFKC 规范化、忽略大小写、去掉空格、标点和零宽字符）",
         "en": "the name contains none of the terms (after NFKC, case folding, and removing spaces, "
               "punctuation and zero-width characters)"},
    prepare=_prepare_terms,
)
def _no_banned_term(value: Any, params: Any, _env: Env) -> Any:
    if not isinstance(value, str):
        return True
    terms = params["terms"]
    found = find_prepared(value, terms if terms and isinstance(terms[0], tuple) else needles(terms),
                          params.get("variants", ()))
    return (True, {}) if found is None else (False, {"term": found})


@transform("han_count", doc={"zh": "汉字个数", "en": "the number of Chinese characters"})
def _han_count(value: Any, _params: Any) -> Any:
    return sum(1 for ch in value if is_han(ch)) if isinstance(value, str) else MISSING


#: Unicode's symbol categories: "other" (emoji, ®, ™, ☆) and "modifier" (emoji skin tones).
_SYMBOLS = frozenset({"So", "Sk"})


@transform("symbols", doc={"zh": "其中的符号字符（表情符号、®、™、☆ 等，按 Unicode 字符类别）",
                           "en": "the symbol characters in the value (emoji, ®, ™, ☆..., by Unicode category)"})
def _symbols(value: Any, _params: Any) -> Any:
    if not isinstance(value, str):
        return MISSING
    return "".join(dict.fromkeys(ch for ch in value if unicodedata.category(ch) in _SYMBOLS))


def _prepare_related(params: dict[str, Any], _data: DataStore) -> dict[str, Any]:
    noise = tuple(sorted((compact(str(n))[0] for n in params.get("ignore", [])), key=len, reverse=True))
    return {"other": parse(params["other"].lstrip("$.")), "min_common": int(params.get("min_common", 2)),
            "ignore": noise}


def _strip_noise(text: str, noise: tuple[str, ...]) -> str:
    for word in noise:
        if word:
            text = text.replace(word, "\0")
    return text


def longest_common(a: str, b: str) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            piece = a[i:j]
            if "\0" in piece or piece not in b:
                break
            best = j - i
    return best


@check(
    "related_to",
    params={"type": "object", "required": ["other"], "additionalProperties": False,
            "properties": {"other": {"type": "string", "description": "absolute field path of the other name"},
                           "min_common": {"type": "integer", "minimum": 1},
                           "ignore": {"type": "array", "items": {"type": "string"},
                                      "description": "words that do not count (company forms, place names)"}}},
    doc={"zh": "名称与另一名称（如主办单位名称）有共同的字词（忽略公司类型、地名等通用词）",
         "en": "the name shares a run of characters with another name (such as the entity's), "
               "ignoring generic words such as company forms and place names"},
    prepare=_prepare_related,
)
def _related_to(value: Any, params: Any, env: Env) -> Any:
    other = get(env.root, params["other"])
    if not isinstance(value, str) or not isinstance(other, str) or not other.strip():
        return True
    # Names are short; the cap keeps this quadratic comparison cheap on any input.
    a = _strip_noise(compact(value[:200])[0], params["ignore"])
    b = _strip_noise(compact(other[:200])[0], params["ignore"])
    return longest_common(a, b) >= params["min_common"], {"other": other}


def _prepare_unique(params: dict[str, Any], _data: DataStore) -> dict[str, Any]:
    return {"among": parse(params["among"].lstrip("$.")), "key": parse(params["key"]),
            "same": tuple(parse(s) for s in params.get("same", []))}


@check(
    "unique",
    params={"type": "object", "required": ["among", "key"], "additionalProperties": False,
            "properties": {"among": {"type": "string", "description": "absolute pattern of the items"},
                           "key": {"type": "string", "description": "the field that must be unique"},
                           "same": {"type": "array", "items": {"type": "string"},
                                    "description": "only compare with items that agree on these fields"}}},
    doc={"zh": "该项的某字段在同类各项中不重复（比较前做规范化）",
         "en": "the item's field is not repeated among the other items of its kind (compared after folding)"},
    prepare=_prepare_unique,
)
def _unique(value: Any, params: Any, env: Env) -> Any:
    if not isinstance(value, dict):
        return True
    mine = get(value, params["key"])
    if not isinstance(mine, str) or not mine.strip():
        return True
    target = compact(mine)[0]
    for _, other in expand(env.root, params["among"]):
        if other is value or not isinstance(other, dict):
            continue
        if any(get(other, s) != get(value, s) for s in params["same"]):
            continue
        theirs = get(other, params["key"])
        if isinstance(theirs, str) and compact(theirs)[0] == target:
            return False, {"name": mine}
    return True


def parent_mapping(env: Env) -> dict[str, Any] | None:
    """The nearest mapping that contains the current item (a service for one of its categories)."""
    path = tuple(env.item_path)
    while path:
        path = path[:-1]
        found = get(env.root, path)
        if isinstance(found, dict):
            return found
    return None


@check(
    "listed_in_parent", positional=True,
    params={"type": "object", "required": ["list", "key"], "additionalProperties": False,
            "properties": {"list": {"type": "string", "description": "the parent's list field, e.g. pre_approvals"},
                           "key": {"type": "string", "description": "the field of a list entry to match"},
                           "require": {"type": "string", "description": "a field the matching entry must fill"}}},
    doc={"zh": "该值在其所属对象的某个列表中有对应条目（如内容类别在 pre_approvals 中有带文件的审批）",
         "en": "the value has an entry in a list of the object holding it (a content category with a "
               "pre-approval document in pre_approvals)"},
)
def _listed_in_parent(value: Any, params: Any, env: Env) -> Any:
    parent = parent_mapping(env)
    entries = parent.get(params["list"]) if parent else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get(params["key"]) == value:
            need = params.get("require")
            if need is None or (isinstance(entry.get(need), str) and entry[need].strip()):
                return True
    return False
