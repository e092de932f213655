"""Text normalisation and table look-ups."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..chars import CJK_CLASS, half_width
from ..paths import MISSING
from ..registry import transform

if TYPE_CHECKING:
    from ..data import DataStore

#: Zero-width and joiner characters that make "中\u200b国" look like "中国" on screen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """NFKC, case-folded, invisible characters removed, outer space stripped.

    Idempotent: ``fold(fold(x)) == fold(x)``. ASCII text is its lower case, stripped: NFKC leaves ASCII as
    it is, case folding it is lowering it, and it holds no invisible character (tests/test_fast_paths.py
    holds the two equal on any ASCII text).
    """
    if text.isascii():
        return text.lower().strip()
    return _fold_unicode(text)


def _fold_unicode(text: str) -> str:
    out = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).casefold().strip()
    # casefold can produce characters that NFKC changes again (e.g. "ẞ" -> "ss" is stable,
    # but some compatibility characters are not); one more round makes it a fixed point.
    return unicodedata.normalize("NFKC", out).casefold().strip()


#: What a spelling compares as one underscore: spaces, dashes and underscores.
JOINERS = re.compile(r"[\s_\-]+")


#: Space between two Chinese characters: nothing in a Chinese name (安卓 系统 is 安卓系统).
_SPACE_IN_HAN = re.compile(f"(?<=[{CJK_CLASS}])\\s+(?=[{CJK_CLASS}])")


def spelling_key(text: str, joiners: re.Pattern[str] = JOINERS) -> str:
    """A spelling compared: NFKC, case-folded, spaces, dashes and underscores (and a field's own
    ``joiners``) as one underscore (``Long-term`` and ``long term`` are ``long_term``), and no space
    between two Chinese characters."""
    folded = fold(text)
    if not folded.isascii():
        folded = _SPACE_IN_HAN.sub("", folded)
    return joiners.sub("_", folded)


@transform("fold", doc={"zh": "Unicode NFKC 规范化、忽略大小写、去除不可见字符和首尾空白",
                        "en": "Unicode NFKC, case-folded, invisible characters and outer space removed"})
def _fold(value: Any, _params: Any) -> Any:
    return fold(value) if isinstance(value, str) else value


@transform("strip", doc={"zh": "去除首尾空白", "en": "outer white space removed"})
def _strip(value: Any, _params: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


@transform("half_width", doc={"zh": "全角字母、数字和标点转为半角（如 ＠ 转为 @），并去除首尾空白",
                              "en": "full-width letters, digits and punctuation half-width (＠ as @), outer white "
                                    "space removed"})
def _half_width(value: Any, _params: Any) -> Any:
    # A Chinese input method types ＠ and ．in an e-mail address; they stand for @ and . (chars.half_width)
    return half_width(value).strip() if isinstance(value, str) else value


@transform("compact", doc={"zh": "去掉空格和横线，全角字符转为半角，并转为大写",
                           "en": "spaces and dashes removed, full-width characters half-width, upper case"})
def _compact(value: Any, _params: Any) -> Any:
    return "".join(half_width(value).split()).replace("-", "").upper() if isinstance(value, str) else value


@transform("upper", doc={"zh": "转为大写", "en": "upper case"})
def _upper(value: Any, _params: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def table_param(params: Mapping[str, Any], data: DataStore) -> tuple[Any, Any]:
    """A transform's ``table`` parameter and the table it names: a data reference (``file.key``) is
    resolved, a table written in the rule is itself."""
    table = params["table"]
    return table, data.resolve(table) if isinstance(table, str) else table


def _prepare_lookup(params: dict[str, Any], data: DataStore) -> dict[str, Any]:
    table, rows = table_param(params, data)
    if isinstance(rows, Mapping):
        rows = [{"key": k, **v} if isinstance(v, Mapping) else {"key": k, "value": v} for k, v in rows.items()]
    if not isinstance(rows, list):
        raise ValueError(f"lookup table {table!r} is not a list or mapping")
    keys = params["keys"]
    value_key = params["value"]
    index: dict[str, Any] = {}
    for row in rows:
        if not isinstance(row, Mapping) or value_key not in row:
            raise ValueError(f"a row of {table!r} has no {value_key!r}")
        for key in keys:
            names = row.get(key)
            for name in names if isinstance(names, list) else [names]:
                if isinstance(name, (str, int)):
                    index.setdefault(fold(str(name)), row[value_key])
    return {"index": index}


def _prepare_prefix(params: dict[str, Any], data: DataStore) -> dict[str, Any]:
    table, rows = table_param(params, data)
    if not isinstance(rows, Mapping):
        raise ValueError(f"table {table!r} is not a mapping")
    return {"table": dict(rows), "separator": params.get("separator", "/")}


@transform(
    "lookup_prefix",
    params={"type": "object", "required": ["table"], "additionalProperties": False,
            "properties": {"table": {"type": "string", "description": "data reference to a mapping"},
                           "separator": {"type": "string", "minLength": 1}}},
    doc={"zh": "按完整值、再按分隔符前的上级部分查表；都查不到时保持原值（如 APP 类目“新闻资讯/综合资讯”→ news）",
         "en": "look the value up in a mapping, then its part before the separator; unchanged when neither is "
               "there (the APP category 新闻资讯/综合资讯 -> news)"},
    prepare=_prepare_prefix,
)
def _lookup_prefix(value: Any, prepared: Mapping[str, Any]) -> Any:
    if not isinstance(value, str):
        return value
    table = prepared["table"]
    found = table.get(value.strip())
    if found is None:
        found = table.get(value.strip().split(prepared["separator"], 1)[0])
    return value if found is None else found


@transform(
    "part",
    params={"type": "object", "required": ["separator", "index"], "additionalProperties": False,
            "properties": {"separator": {"type": "string", "minLength": 1},
                           "index": {"type": "integer", "description": "0 for the first part, -1 for the last"}}},
    doc={"zh": "按分隔符切分后的某一段（如 APP 类目“工具/记账”的第 2 段为“记账”）；没有该段则视为缺失",
         "en": "one part of the value split at a separator (part 1 of the APP category 工具/记账 is 记账); "
               "absent when there is no such part"},
)
def _part(value: Any, params: Mapping[str, Any]) -> Any:
    if not isinstance(value, str):
        return MISSING
    parts = value.split(params["separator"])
    index = int(params["index"])
    return parts[index].strip() if -len(parts) <= index < len(parts) and len(parts) > 1 else MISSING


@transform("keys", doc={"zh": "映射的键（如数据表中的取值）",
                        "en": "the keys of a mapping (the values a data table defines)"})
def _keys(value: Any, _params: Any) -> Any:
    return list(value) if isinstance(value, Mapping) else MISSING


@transform(
    "pick",
    params={
        "type": "object",
        "required": ["value"],
        "additionalProperties": False,
        "properties": {
            "value": {"type": "string", "description": "the key whose value is taken"},
            "where": {"type": "object", "description": "keep only rows whose keys have these values"},
        },
    },
    doc={"zh": "从一行数据中取出指定键的值（可先按条件筛选）；不符合条件则视为缺失",
         "en": "take one key's value from a row of data (optionally only from rows that match); absent otherwise"},
)
def _pick(value: Any, params: Mapping[str, Any]) -> Any:
    if not isinstance(value, Mapping) or params["value"] not in value:
        return MISSING
    for key, wanted in (params.get("where") or {}).items():
        if value.get(key) != wanted:
            return MISSING
    return value[params["value"]]


@transform(
    "lookup",
    params={
        "type": "object",
        "required": ["table", "keys", "value"],
        "additionalProperties": False,
        "properties": {
            "table": {"type": "string", "description": "data reference to a list of rows"},
            "keys": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "value": {"type": "string"},
        },
    },
    doc={"zh": "在数据表中按任一名称列查找（忽略大小写与全半角），返回指定列的值；查不到则视为缺失",
         "en": "look the value up in a data table by any of its name columns (case- and width-insensitive) "
               "and return the chosen column; absent when not found"},
    prepare=_prepare_lookup,
)
def _lookup(value: Any, prepared: Mapping[str, Any]) -> Any:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return MISSING
    return prepared["index"].get(fold(str(value)), MISSING)
