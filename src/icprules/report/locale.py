"""Locales: every ``--lang`` negotiates to the two languages messages are written in."""

from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

LANGUAGES = ("zh", "en")
_BABEL = {"zh": "zh_Hans_CN", "en": "en"}


def negotiate(tag: str) -> str:
    """``zh_CN``, ``zh-Hans``, ``zh`` → ``zh``; ``en_US``, ``en-GB`` → ``en``. ValueError otherwise."""
    text = tag.strip().replace("-", "_")
    try:
        locale = Locale.parse(text)
    except (ValueError, UnknownLocaleError, TypeError):
        raise ValueError(f"unknown language {tag!r}; use zh or en (zh_CN, en_US... are fine too)") from None
    if locale.language not in LANGUAGES:
        raise ValueError(f"no messages in {locale.get_display_name('en')}; use zh or en")
    return locale.language


def date_text(day: dt.date, lang: str) -> str:
    """A date as a reader of that language writes it (2026年11月22日 / November 22, 2026)."""
    return str(format_date(day, format="long", locale=_BABEL[lang]))
