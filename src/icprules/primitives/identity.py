"""Identity numbers and document validity dates."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Any

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from ..chars import half_width
from ..context import Env
from ..identifiers import ric, uscc
from ..registry import check, transform, why
from .text import spelling_key

if TYPE_CHECKING:
    from ..data import DataStore

_REASONS = {InvalidLength: "wrong_length", InvalidFormat: "bad_characters", InvalidChecksum: "bad_checksum",
            InvalidComponent: "bad_birth_date"}


@check("uscc",
       params={"type": "object", "additionalProperties": False,
               "properties": {"pilot_regions": {
                   "description": "two-digit regions whose pre-standard pilot codes may fail the check character; "
                                  "such a code passes here when its organisation code checks (a warning rule "
                                  "reports it)",
                   "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]}}},
       doc={"zh": "统一社会信用代码（GB 32100-2015）：18位、字符集、登记机关行政区划与校验位",
            "en": "Unified Social Credit Code (GB 32100-2015): 18 characters, alphabet, registrar's division and "
                  "check character"})
def _uscc(value: Any, params: Any, _env: Env) -> Any:
    outcome = _validated(uscc.validate, value, {InvalidComponent: "uscc_no_region"})
    pilot = params.get("pilot_regions")
    if outcome is not True and pilot and outcome[1].get("why") == "bad_checksum":
        code = uscc.compact(value)
        if code[2:4] in pilot and uscc.organisation_code_valid(code):
            return True
    return outcome


@check("uscc_organisation_code", doc={"zh": "统一社会信用代码第9-17位的组织机构代码校验正确（GB 11714-1997）",
                                      "en": "the organisation code in positions 9-17 of a USCC checks "
                                            "(GB 11714-1997)"})
def _uscc_organisation_code(value: Any, _params: Any, _env: Env) -> Any:
    if not isinstance(value, str) or not uscc.is_valid(value):
        return True  # a malformed code is the checksum rule's finding
    return uscc.organisation_code_valid(value) or (False, why("orgcode_check", code=uscc.organisation_code(value)))


def _validated(validate: Any, value: Any, reasons: dict[type, str] | None = None) -> Any:
    """Run a stdnum-style ``validate``; a typed error becomes a failed check with its reason."""
    if not isinstance(value, str):
        return False, why("not_text")
    try:
        validate(value)
    except ValidationError as exc:
        return False, why((reasons or {}).get(type(exc)) or _REASONS.get(type(exc), "malformed"))
    return True


@check("uscc_registration", doc={"zh": "统一社会信用代码前两位是已知的登记管理部门和机构类别",
                                 "en": "the first two characters of a USCC are a known authority and category"})
def _uscc_registration(value: Any, _params: Any, _env: Env) -> Any:
    if not isinstance(value, str) or not uscc.is_valid(value):
        return True  # a malformed code is the checksum rule's finding, not this one's
    doubt = uscc.registration_doubt(value)
    return (True, {}) if doubt is None else (False, why(doubt[0], **doubt[1]))


@check("resident_id",
       params={"type": "object", "additionalProperties": False,
               "properties": {"provinces": {"description": "the two-digit province codes an ID number may start with",
                                            "anyOf": [{"type": "array", "items": {"type": "string"}},
                                                      {"type": "object"}]}}},
       doc={"zh": "18位居民身份证号码（含港澳台居民居住证）：校验位、出生日期（不晚于检查日）"
                  "与省级代码（GB 11643-1999）",
            "en": "18-digit resident ID number (also HK/Macau/Taiwan residence permits): check character, birth "
                  "date (not after the check date) and province code (GB 11643-1999)"})
def _resident_id(value: Any, params: Any, env: Env) -> Any:
    outcome = _validated(ric.validate, value)
    if outcome is not True:
        return outcome
    provinces = params.get("provinces")
    if provinces and ric.province_code(value) not in provinces:
        return False, why("unknown_province_code", prefix=ric.province_code(value))
    born = ric.birth_date(value)
    if born > env.today:
        return False, why("birth_after_today", born=born.isoformat())
    return True


@check("resident_id_region", doc={"zh": "身份证号码前6位是存在过、且在出生前未被撤销的行政区划"
                                        "（GB 11643 按发证时的常住地赋码）",
                                  "en": "the first six digits of an ID number are a division that existed and was "
                                        "not abolished before the birth (GB 11643 codes the residence at issue)"})
def _resident_id_region(value: Any, _params: Any, _env: Env) -> Any:
    if not isinstance(value, str) or not ric.is_valid(value):
        return True
    doubt = ric.division_doubt(value)
    return (True, {}) if doubt is None else (False, why(doubt[0], **doubt[1]))


#: A date as people write it, year first: as the ID card prints it (2036.05.10), with slashes, or with
#: 年月日 (2036年5月10日); ISO 8601 is read by the library first.
_WRITTEN_DATE = re.compile(r"(\d{4})\s*[./年-]\s*(\d{1,2})\s*[./月-]\s*(\d{1,2})\s*日?")
#: The validity period as the back of a resident ID card prints it, start and end (2016.05.10-2036.05.10,
#: 2016.05.10-长期): the end is the document's validity.
_PERIOD = re.compile(r"(\d{4}\s*[./年]\s*\d{1,2}\s*[./月]\s*\d{1,2}\s*日?|\d{4}-\d{2}-\d{2})"
                     r"\s*(?:[-–—~～至到]|\s)\s*(.+)")


def as_date(value: Any) -> dt.date | None:
    """A date, from a date or from text written year first (2036-05-10, 2036.05.10, 2036年5月10日)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = half_width(value).strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        if len(text) > 10 and text[10] in "T ":  # a date and time (a portal's timestamp): the day written
            try:
                return dt.datetime.fromisoformat(text).date()
            except ValueError:
                pass
        written = _WRITTEN_DATE.fullmatch(text)
        if written:
            try:
                return dt.date(*map(int, written.groups()))
            except ValueError:
                return None
    return None


#: long_term is the code. How people write it (the card's 长期, 长期有效 "valid long-term", the form's
#: English label Long-term) is data: fields.constants.long_term, its labels and aliases, given to the
#: primitives that read a validity when a rule is compiled (see _with_long_term).
_CODE_ONLY = frozenset({"long_term"})


def long_term_spellings(data: DataStore) -> frozenset[str]:
    """long_term and the labels and aliases of ``fields.constants.long_term``, as spelling keys."""
    try:
        entry = data.resolve("fields.constants.long_term")
    except KeyError:  # a data overlay without it: the code alone
        return _CODE_ONLY
    words = [entry.get("zh"), entry.get("en"), *(entry.get("aliases") or ())] if isinstance(entry, dict) else []
    return _CODE_ONLY | {spelling_key(w) for w in words if isinstance(w, str) and w.strip()}


def _with_long_term(params: dict[str, Any], data: DataStore) -> dict[str, Any]:
    return {**params, "long_term": long_term_spellings(data)}


@functools.cache
def _shipped_spellings() -> frozenset[str]:
    from ..data import builtin

    return long_term_spellings(builtin())


def validity_end(value: Any, long_term: frozenset[str] | None = None) -> dt.date | str | None:
    """The last day a document is valid, or ``long_term``; None when the value is neither.

    Reads a date, ``long_term`` as people write it (``long_term``: the spelling keys of its ways of
    writing, see :func:`long_term_spellings`; by default the shipped data's), and the period as the ID
    card prints it, whose end it takes.
    """
    if long_term is None:
        long_term = _shipped_spellings()
    if isinstance(value, str):
        text = half_width(value).strip()
        if spelling_key(text) in long_term:
            return "long_term"
        period = _PERIOD.fullmatch(text)
        if period and as_date(period.group(1)) is not None:
            text = period.group(2).strip()
            if spelling_key(text) in long_term:
                return "long_term"
    else:
        text = value
    return as_date(text)


@transform("validity_end", doc={"zh": "证件有效期的规范写法：YYYY-MM-DD 日期或 long_term"
                                      "（读取证件上印的“起始-截止”期限的截止日）",
                                "en": "an ID validity in canonical form: a YYYY-MM-DD date or long_term (the end of a "
                                      "period printed as the card prints it)"},
           prepare=_with_long_term)
def _validity_end(value: Any, params: Any) -> Any:
    if not isinstance(value, str):
        return value  # a date is its own canonical form
    end = validity_end(value, params.get("long_term"))
    return value if end is None else end if isinstance(end, str) else end.isoformat()


@check(
    "date_near_today",
    params={"type": "object", "additionalProperties": False,
            "properties": {"days_before": {"type": "integer", "minimum": 0},
                           "days_after": {"type": "integer", "minimum": 0}}},
    doc={"zh": "日期在检查日前后的合理范围内", "en": "the date is within a plausible range around the check date"},
)
def _date_near_today(value: Any, params: Any, env: Env) -> Any:
    day = as_date(value)
    if day is None:
        return True  # not a date: the format rule's finding
    low = env.today - dt.timedelta(days=int(params.get("days_before", 3650)))
    high = env.today + dt.timedelta(days=int(params.get("days_after", 365)))
    return low <= day <= high, {"earliest": low.isoformat(), "latest": high.isoformat()}


@check("date", doc={"zh": "日期（YYYY-MM-DD，或年份在前的写法如 2026.11.23、2026年11月23日）",
                   "en": "a date (YYYY-MM-DD, or written year first: 2026.11.23, 2026年11月23日)"})
def _date(value: Any, _params: Any, _env: Env) -> Any:
    return as_date(value) is not None


@transform("date", doc={"zh": "日期的规范写法 YYYY-MM-DD", "en": "a date in canonical form, YYYY-MM-DD"})
def _date_canonical(value: Any, _params: Any) -> Any:
    day = as_date(value) if isinstance(value, str) else None
    return value if day is None else day.isoformat()


@check("date_or_long_term", doc={"zh": "日期（YYYY-MM-DD，或证件上的写法如 2036.05.10）或 long_term（长期）",
                                 "en": "a date (YYYY-MM-DD, or as the card prints it: 2036.05.10) or long_term"},
       prepare=_with_long_term)
def _date_or_long_term(value: Any, params: Any, _env: Env) -> Any:
    return validity_end(value, params.get("long_term")) is not None


@check(
    "valid_on",
    params={"type": "object", "additionalProperties": False,
            "properties": {"days_after": {"type": "integer", "minimum": 0,
                                          "description": "must still be valid this many days after today"}}},
    doc={"zh": "证件在检查日（加若干天）仍然有效；long_term 永远有效",
         "en": "the document is still valid on the check date (plus some days); long_term always is"},
    prepare=_with_long_term,
)
def _valid_on(value: Any, params: Any, env: Env) -> Any:
    day = validity_end(value, params.get("long_term"))
    if day is None or isinstance(day, str):
        return True  # long_term; unreadable dates are date_or_long_term's finding
    limit = env.today + dt.timedelta(days=int(params.get("days_after", 0)))
    return day >= limit, {"expires": day.isoformat(), "days_left": (day - env.today).days}
