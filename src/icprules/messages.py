"""Message templates: ``{name}`` and ``{name.key}`` placeholders, nothing more.

Rule packs are data from outside the code, so their templates must not reach
Python attributes the way ``str.format`` would (``{0.__class__}``). Only mapping
keys are followed; an unknown placeholder is left as written.

A list is written as the message's language writes lists (Babel's CLDR patterns:
``西藏和青海``, ``Tibet and Qinghai``); ``{terms:or}`` joins it with "or" (``中国、中华或论坛``).
Messages that state what data holds (banned terms, limits, provinces) take it as a
parameter, so a change to the data changes every message that states it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from functools import lru_cache
from typing import Any

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)(?::(and|or))?\}")


def show(value: Any, lang: str | None = None, style: str = "and") -> str:
    """A value as a person reads it in a message (a list in ``lang``'s way, when given)."""
    if value.__class__ is str:
        return value
    if isinstance(value, (list, tuple)):
        if lang is None:
            return ", ".join(show(v) for v in value)
        items = tuple(value) if all(v.__class__ is str for v in value) else tuple(show(v, lang) for v in value)
        return _format_list(items, lang, style)
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render(template: str, params: Mapping[str, Any], lang: str | None = None) -> str:
    out: list[str] = []
    for text, keys, style in _pieces(template):
        if keys is None:
            out.append(text)
            continue
        value: Any = params
        for key in keys:
            if (value.__class__ is dict or isinstance(value, Mapping)) and key in value:
                value = value[key]
            else:
                out.append(text)  # unknown: left as written
                break
        else:
            out.append(show(value, lang, style))
    return "".join(out)


class Message(Mapping[str, str]):
    """A finding's message in each of its languages, rendered when first read.

    A check makes its findings' parameters as it goes, but a caller may read only whether the
    application passes, or only the findings' fields: the text is made from them on first read.
    ``wording``: the wording of a check's reason code in each language (the ``{why}`` parameter).
    """

    __slots__ = ("_params", "_templates", "_text", "_wording")

    def __init__(self, templates: Mapping[str, str], params: dict[str, Any],
                 wording: Mapping[str, str] | None = None) -> None:
        self._templates, self._params, self._wording = templates, params, wording
        self._text: dict[str, str] | None = None

    def _rendered(self) -> dict[str, str]:
        text = self._text
        if text is None:
            params, wording = self._params, self._wording
            text = {}
            for lang, template in self._templates.items():
                try:
                    if wording is None:
                        text[lang] = render(template, params, lang)
                    else:
                        # A reason is a code; each language gets its own wording, with the check's params.
                        why = render(wording.get(lang, str(params.get("why"))), params, lang)
                        text[lang] = render(template, {**params, "why": why}, lang)
                except Exception:  # rendered when read, outside the rule's own guard: never fail the report
                    text[lang] = render(template, {}, lang)  # its placeholders left as written
            self._text = text
        return text

    def __getitem__(self, lang: str) -> str:
        return self._rendered()[lang]

    # The rendered dict's own views and comparison: the Mapping mixins would look each language up
    # through __getitem__ (masking and writing a report read every message).
    def items(self) -> ItemsView[str, str]:
        return self._rendered().items()

    def values(self) -> ValuesView[str]:
        return self._rendered().values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            other = other._rendered()
        return isinstance(other, Mapping) and self._rendered() == dict(other.items())

    __hash__ = None  # type: ignore[assignment]  # equal to a dict, as a Mapping is

    def __iter__(self) -> Iterator[str]:
        return iter(self._templates)

    def __len__(self) -> int:
        return len(self._templates)

    def __repr__(self) -> str:
        return repr(self._rendered())

    def __reduce__(self) -> tuple[type[dict[str, str]], tuple[dict[str, str]]]:
        # A copy or a pickle carries the text, not the parameters it was made from.
        return dict, (dict(self._rendered()),)


@lru_cache(maxsize=1024)
def _format_list(items: tuple[str, ...], lang: str, style: str) -> str:
    """Lists in messages come mostly from data (banned terms, provinces): the same few, many times."""
    if len(items) < 2:
        return "".join(items)
    from babel.lists import format_list  # a few ms: only messages that list things pay it

    try:
        return str(format_list(items, style="or" if style == "or" else "standard", locale=lang))
    except (ValueError, LookupError):  # a language Babel has no data for
        return ", ".join(items)


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[tuple[str, tuple[str, ...] | None, str], ...]:
    """A template split once into literal text and placeholders (their text and key path).

    Templates come from the rule packs and data, so there are a few hundred; every finding
    renders one per language.
    """
    pieces: list[tuple[str, tuple[str, ...] | None, str]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            pieces.append((template[pos:m.start()], None, ""))
        pieces.append((m.group(0), tuple(m.group(1).split(".")), m.group(2) or "and"))
        pos = m.end()
    if pos < len(template):
        pieces.append((template[pos:], None, ""))
    return tuple(pieces)
