"""Language codes (Babel / CLDR)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError

from ..context import Env
from ..paths import MISSING
from ..registry import check, transform


@lru_cache(maxsize=512)
def parse_language(code: str) -> Locale | None:
    """A CLDR locale for a BCP 47 / CLDR tag (``zh-Hans``, ``zh_Hans``, ``en``), or None."""
    text = code.strip()
    if not text or len(text) > 35:
        return None
    try:
        return Locale.parse(text.replace("-", "_"))
    except (ValueError, UnknownLocaleError, TypeError):
        return None


def tag(locale: Locale) -> str:
    """The canonical tag, with '-' (``zh-Hans``)."""
    return "-".join(p for p in (locale.language, locale.script, locale.territory) if p)


@check("language", doc={"zh": "CLDR 中存在的语言代码（如 zh-Hans、en、ug）",
                        "en": "a language code that CLDR knows (such as zh-Hans, en, ug)"})
def _language(value: Any, _params: Any, _env: Env) -> Any:
    return isinstance(value, str) and parse_language(value) is not None


@transform("language_tag", doc={"zh": "规范的语言标记（如 zh_hans 变为 zh-Hans）",
                                "en": "the canonical language tag (zh_hans becomes zh-Hans)"})
def _language_tag(value: Any, _params: Any) -> Any:
    if not isinstance(value, str):
        return MISSING
    locale = parse_language(value)
    return MISSING if locale is None else tag(locale)


@transform("language_name_zh", doc={"zh": "语言的中文名称（CLDR）", "en": "the language's Chinese name (CLDR)"})
def _language_name_zh(value: Any, _params: Any) -> Any:
    locale = parse_language(value) if isinstance(value, str) else None
    return MISSING if locale is None else locale.get_display_name("zh")


@transform("language_name_en", doc={"zh": "语言的英文名称（CLDR）", "en": "the language's English name (CLDR)"})
def _language_name_en(value: Any, _params: Any) -> Any:
    locale = parse_language(value) if isinstance(value, str) else None
    return MISSING if locale is None else locale.get_display_name("en")
