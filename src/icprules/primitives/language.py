"""Language codes (Babel / CLDR)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global, parse_locale

from ..context import Env
from ..data import DataStore
from ..paths import MISSING
from ..registry import check, transform
from .text import table_param


@dataclass(frozen=True)
class Language:
    """A language as CLDR knows it: its code, script and territory, and its names."""

    language: str
    script: str | None
    territory: str | None
    #: The Babel locale, when CLDR has locale data for it; some languages MIIT's form offers have
    #: only a name (Miao, hmn), and ``Locale.parse`` refuses those although they are right.
    locale: Locale | None

    def display_name(self, lang: str) -> str:
        if self.locale is not None:
            return str(self.locale.get_display_name(lang))
        return str(Locale(lang).languages.get(self.language, self.language))


@lru_cache(maxsize=512)
def parse_language(code: str) -> Language | None:
    """The language of a BCP 47 / CLDR tag (``zh-Hans``, ``zh_Hans``, ``en``, ``hmn``), or of a
    language's CLDR name in Chinese or English as people write it in a form (``简体中文``, ``中文``,
    ``English``); None for anything else."""
    text = code.strip()
    if not text or len(text) > 35:
        return None
    found = _from_tag(text.replace("-", "_"))
    if found is None and (named := _names().get(text.casefold())) is not None:
        found = _from_tag(named)
    return found


def _from_tag(text: str) -> Language | None:
    try:
        locale = Locale.parse(text)
    except UnknownLocaleError:
        # No locale data: still a language when its code is one CLDR names (and the tag is well formed).
        try:
            language, territory, script, variant = parse_locale(text)[:4]
        except (ValueError, TypeError):
            return None
        if variant or language not in Locale("en").languages:
            return None
        return Language(language, script, territory, None)
    except (ValueError, TypeError):
        return None
    return Language(str(locale.language), locale.script, locale.territory, locale)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """CLDR's names of languages in Chinese and English (``简体中文``: zh_Hans), folded, to their codes."""
    out: dict[str, str] = {}
    for language in ("zh", "en"):
        for code, name in Locale(language).languages.items():
            out.setdefault(name.casefold(), code)
    return out


def _script(found: Language) -> str | None:
    """The language's script, or the one CLDR's likely subtags give it (zh: Hans)."""
    if found.script:
        return found.script
    likely = get_global("likely_subtags").get(found.language)
    parts = str(likely).split("_") if likely else []
    return parts[1] if len(parts) > 2 else None


def tag(found: Language) -> str:
    """The canonical tag, with '-' (``zh-Hans``)."""
    return "-".join(p for p in (found.language, found.script, found.territory) if p)


@check("language", doc={"zh": "CLDR 中存在的语言代码或名称（如 zh-Hans、en、ug、简体中文）",
                        "en": "a language code or name that CLDR knows (such as zh-Hans, en, ug, Simplified Chinese)"})
def _language(value: Any, _params: Any, _env: Env) -> Any:
    return isinstance(value, str) and parse_language(value) is not None


@transform("language_tag", doc={"zh": "规范的语言标记（如 zh_hans、简体中文 变为 zh-Hans）",
                                "en": "the canonical language tag (zh_hans or Simplified Chinese becomes zh-Hans)"})
def _language_tag(value: Any, _params: Any) -> Any:
    if not isinstance(value, str):
        return MISSING
    found = parse_language(value)
    return MISSING if found is None else tag(found)


@transform("language_name_zh", doc={"zh": "语言的中文名称（CLDR）", "en": "the language's Chinese name (CLDR)"})
def _language_name_zh(value: Any, _params: Any) -> Any:
    found = parse_language(value) if isinstance(value, str) else None
    return MISSING if found is None else found.display_name("zh")


@transform("language_name_en", doc={"zh": "语言的英文名称（CLDR）", "en": "the language's English name (CLDR)"})
def _language_name_en(value: Any, _params: Any) -> Any:
    found = parse_language(value) if isinstance(value, str) else None
    return MISSING if found is None else found.display_name("en")


def _prepare_option(params: dict[str, Any], data: DataStore) -> dict[str, Any]:
    table, rows = table_param(params, data)
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) and params["value"] in r for r in rows):
        raise ValueError(f"language options {table!r} are not a list of rows with {params['value']!r}")
    options = []
    for row in rows:
        found = parse_language(str(row[params["value"]]))
        if found is None:
            raise ValueError(f"language option {row[params['value']]!r} is not a language code")
        options.append((row[params["value"]], found.language, found.script))
    return {"options": tuple(options)}


@transform(
    "language_option",
    params={"type": "object", "required": ["table", "value"], "additionalProperties": False,
            "properties": {"table": {"type": "string", "description": "data reference to a list of rows"},
                           "value": {"type": "string", "description": "the column holding each option's code"}}},
    doc={"zh": "语言对应的选项代码：语言相同，且选项限定文字时文字也相同"
               "（zh-CN 为简体 zh-Hans，en-US 为 en）；无对应选项则视为缺失",
         "en": "the option a language is: the same language, and the same script where the option names one "
               "(zh-CN is Simplified zh-Hans, en-US is en); absent when none is"},
    prepare=_prepare_option,
)
def _language_option(value: Any, prepared: Mapping[str, Any]) -> Any:
    found = parse_language(value) if isinstance(value, str) else None
    if found is None:
        return MISSING
    own = _script(found)
    for code, language, script in prepared["options"]:
        if language == found.language and (script is None or script == own):
            return code
    return MISSING
