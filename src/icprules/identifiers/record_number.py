"""ICP record numbers (备案号), licences and public-security filing numbers.

The API follows python-stdnum: :func:`compact`, :func:`parse`, :func:`format`,
:func:`validate`, :func:`is_valid`, with typed errors that all derive from
:class:`RecordNumberError`.

>>> validate('京ICP备04000001号-1A')
'京ICP备04000001号-1A'
>>> parse('【京 ICP 备 04000001-1A】').service_type
'app'
>>> format(parse('蜀ICP备2026007879号-1'))
'蜀ICP备2026007879号-1'
>>> parse('浙B2-20080101-4').kind
'value_added'
>>> parse('京公网安备 11010502030143号').region
'110105'
>>> is_valid('萌ICP备20230001号')
False
>>> validate('ICP备案号：京ICP備05000593號。')  # a label, traditional characters, a full stop
'京ICP备05000593号'
>>> validate('京公网安备110105000655号')  # Beijing's older 12-digit form
'京公网安备110105000655号'
>>> is_valid('京ICP备123456789号')  # no serial of 9 digits was ever issued
False

Kinds:

- ``filing``: ``{省}ICP备{6-10 digits}号``, the entity's number, with ``-{n}`` for its n-th
  service and a suffix for the service type (none for a website, ``A`` APP, ``X`` mini
  program, ``K`` quick app). All services share one sequence under the entity.
- ``licence``: the commercial ICP licence ``{省}ICP证{6 digits}号`` (not a filing).
- ``value_added``: a licence holder's form built on its value-added telecom licence,
  ``{省}B2-{8 digits}-{n}{suffix}``.
- ``police``: the public-security filing ``{省}公网安备{14 digits}号``; its first six digits
  are the accepting police bureau's GB/T 2260 region code.

Sources: icp-facts.md §1 (real numbers observed in footers; HW-KB doc_0115 for the
shared sequence and suffixes; the NWCD APP guide, FAQ 7).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..chars import simplified, visible
from ..errors import IcpRulesError

__all__ = ["InvalidComponent", "InvalidFormat", "RecordNumber", "RecordNumberError", "compact", "format",
           "is_valid", "parse", "validate"]


class RecordNumberError(IcpRulesError, ValueError):
    """Base class of every error this module raises."""

    message = "not a valid record number"
    code = "record_format"

    def __init__(self, detail: str | None = None, *, code: str | None = None, **params: Any) -> None:
        self.detail = detail
        #: A reason code of data/reasons.yaml and its parameters, for bilingual messages.
        self.code = code or type(self).code
        self.params = params
        super().__init__(f"{self.message}: {detail}" if detail else self.message)


class InvalidFormat(RecordNumberError):
    message = "the number does not have the form of a record number"


class InvalidComponent(RecordNumberError):
    message = "a part of the number is not valid"


_SUFFIX_TYPES = {"": "website", "A": "app", "X": "mini_program", "K": "quick_app"}
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe63\uff0d]")
_NOISE = re.compile(r"[\s\u3000\[\]【】()（）「」『』<>《》\"'“”‘’]")
#: Punctuation pasted after a number (the end of a sentence or a footer separator).
_TRAILING = re.compile(r"[。．.,，、;；!！|｜/:：]+$")

# Serials are matched loosely and their length is checked against data/record_numbers.yaml, so
# that a placeholder gets a reason ("8 or 10 digits") rather than "not a record number".
_FILING = re.compile(r"^(?P<abbr>\w)ICP备(?P<serial>\d{1,14})号?(?:-(?P<service>\d{1,4})(?P<suffix>[AXK]?))?号?$")
_LICENCE = re.compile(r"^(?P<abbr>\w)ICP证(?P<serial>\d{1,14})号?(?:-(?P<service>\d{1,4})(?P<suffix>[AXK]?))?号?$")
_VALUE_ADDED = re.compile(r"^(?P<abbr>\w)B2-(?P<serial>\d{1,14})(?:-(?P<service>\d{1,5})(?P<suffix>[AXK]?))?$")
_POLICE = re.compile(r"^(?P<abbr>\w)公网安备(?P<serial>\d{1,20})号?$")
_PATTERNS = (("filing", _FILING), ("licence", _LICENCE), ("value_added", _VALUE_ADDED), ("police", _POLICE))


@dataclass(frozen=True)
class RecordNumber:
    kind: str  # filing | licence | value_added | police
    abbr: str  # the province character as written (蜀 and 川 both mean Sichuan)
    province: str  # ISO 3166-2:CN code
    serial: str
    service: int | None = None
    suffix: str = ""

    @property
    def service_type(self) -> str | None:
        """website, app, mini_program or quick_app for a service's number; None for the entity's."""
        if self.service is None or self.kind == "police":
            return None
        return _SUFFIX_TYPES[self.suffix]

    @property
    def entity_number(self) -> str:
        """The entity's number: this number without its service part."""
        return format(RecordNumber(self.kind, self.abbr, self.province, self.serial))

    @property
    def region(self) -> str | None:
        """For a public-security number, the police bureau's GB/T 2260 region code."""
        return self.serial[:6] if self.kind == "police" else None

    def __str__(self) -> str:
        return format(self)


@lru_cache(maxsize=1)
def _provinces() -> dict[str, dict[str, Any]]:
    """Abbreviation (and the aliases real numbers use) -> province row, from data/provinces.yaml."""
    out: dict[str, dict[str, Any]] = {}
    for row in _data().resolve("provinces.provinces"):
        for abbr in [row["abbr"], *row.get("abbr_aliases", [])]:
            out[abbr] = row
    return out


@lru_cache(maxsize=1)
def _unused() -> dict[str, dict[str, Any]]:
    """Abbreviations lists give but no real number uses (云 for Yunnan) -> the province row."""
    return {abbr: row for row in _data().resolve("provinces.provinces") for abbr in row.get("abbr_unused", [])}


@lru_cache(maxsize=1)
def _writing() -> dict[str, Any]:
    """data/record_numbers.yaml: serial lengths and the labels people paste."""
    table: dict[str, Any] = _data().resolve("record_numbers")
    return table


def _data() -> Any:
    from ..data import builtin

    return builtin()


@lru_cache(maxsize=1)
def _label() -> re.Pattern[str]:
    labels = sorted((re.escape(compact_text(x)) for x in _writing()["labels"]), key=len, reverse=True)
    return re.compile(rf"^(?:{'|'.join(labels)})[:：]", re.IGNORECASE)


def compact_text(text: str) -> str:
    """Width, dashes, traditional characters, invisible characters and noise normalised; case kept."""
    text = unicodedata.normalize("NFKC", text)
    # Zero-width spaces, joiners, BOM, bidi controls, fillers and lone surrogates: no number has them.
    text = visible(text)
    if not text.isascii():
        text = simplified(text)  # 京ICP備…號 as pasted from a traditional-Chinese page
    text = _DASHES.sub("-", text)
    return _NOISE.sub("", text)


def compact(text: str) -> str:
    """Remove what people paste around a number: a label, spaces, brackets, quotes, invisible
    characters and trailing punctuation; unify dashes, width and traditional characters."""
    if not isinstance(text, str):
        raise InvalidFormat("not text")
    text = compact_text(text)
    text = _label().sub("", text, count=1)
    text = _TRAILING.sub("", text)
    return re.sub("[a-z]", lambda m: m.group(0).upper(), text)


def parse(text: str) -> RecordNumber:
    """Parse any accepted spelling into a :class:`RecordNumber`; raises :class:`RecordNumberError`."""
    number = compact(text)
    if len(number) > 40:
        raise InvalidFormat("too long")
    for kind, pattern in _PATTERNS:
        m = pattern.match(number)
        if m is None:
            continue
        abbr = m.group("abbr")
        row = _provinces().get(abbr)
        if row is None and abbr in _unused():
            right = _unused()[abbr]
            raise InvalidComponent(f"{abbr!r} is not used in record numbers; {right['name_en']}'s is {right['abbr']!r}",
                                   code="record_unused_abbr", abbr=abbr, right=right["abbr"],
                                   province_zh=right["name_zh"], province_en=right["name_en"])
        if row is None:
            raise InvalidComponent(f"{abbr!r} is not a province abbreviation", code="record_unknown_province",
                                   abbr=abbr)
        serial = m.group("serial")
        older = _writing().get(f"{kind}_older_lengths", {}).get(row["code"], [])
        lengths = [*_writing()["serial_lengths"][kind], *older]
        if len(serial) not in lengths:
            raise InvalidComponent(f"{len(serial)} digits; this kind has {' or '.join(map(str, lengths))}",
                                   code="record_serial_length", digits=str(len(serial)), lengths=lengths)
        if kind == "police" and serial[:2] != str(row["gb2260"]):
            raise InvalidComponent(f"region code {serial[:6]} is not in {row['name_en']} ({abbr})",
                                   code="record_region_mismatch", region=serial[:6], abbr=abbr,
                                   province_zh=row["name_zh"], province_en=row["name_en"])
        service_text = m.groupdict().get("service")
        service = int(service_text) if service_text else None
        if service == 0:
            raise InvalidComponent("the service index starts at 1", code="record_service_zero")
        suffix = m.groupdict().get("suffix") or ""
        return RecordNumber(kind, abbr, str(row["code"]), serial, service, suffix)
    raise InvalidFormat(f"{text!r}"[:60])


def format(number: RecordNumber | str) -> str:
    """The canonical spelling (``京ICP备04000001号-1A``)."""
    if isinstance(number, str):
        number = parse(number)
    tail = f"-{number.service}{number.suffix}" if number.service is not None else ""
    if number.kind == "filing":
        return f"{number.abbr}ICP备{number.serial}号{tail}"
    if number.kind == "licence":
        return f"{number.abbr}ICP证{number.serial}号{tail}"
    if number.kind == "value_added":
        return f"{number.abbr}B2-{number.serial}{tail}"
    return f"{number.abbr}公网安备{number.serial}号"


def validate(text: str) -> str:
    """Check the number and return its canonical spelling."""
    return format(parse(text))


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except RecordNumberError:
        return False
    return True
