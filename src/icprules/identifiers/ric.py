"""Resident identity card number (居民身份证号码, GB 11643-1999), and the 18-digit
residence permits of Hong Kong, Macau and Taiwan residents, which share its layout.

>>> validate('11010519491231002X')
'11010519491231002X'
>>> validate('310115199001010010')  # Pudong (created 1993) on an ID of someone born in 1990
'310115199001010010'
>>> division_doubt('310115199001010010') is None  # the code of residence when issued: ordinary
True
>>> division_doubt('999999199001010019')
('division_unknown', {'division': '999999'})

``stdnum.cn.ric.validate`` checks the address code against the divisions that
existed in the holder's birth year, but GB 11643 assigns the code of residence when
the number is issued. Real cards issued after a district was created (Pudong 310115
for anyone born before 1993, Chongqing 500101) and the 810000/820000/830000 prefixes
of residence permits fail that check although they are right. So the checksum and
birth date decide validity here; a code that never existed, or was abolished before
the birth, is a separate doubt that rules report as a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from stdnum import numdb as _numdb
from stdnum.cn import ric as _stdnum_ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from ..chars import half_width
from ..tables import table

#: Address prefixes of the residence permits for HK, Macau and Taiwan residents.
RESIDENCE_PERMIT_PREFIXES = ("810000", "820000", "830000")


def compact(number: str) -> str:
    """Remove spaces and dashes, read full-width digits as digits, and upper-case the check character.

    ``stdnum.cn.ric.compact`` only strips the ends, but numbers are pasted as
    "110105 19491231 002x" from scans and forms, so we remove inner separators too; a Chinese
    input method in full-width mode types "１１０１０５…", the same number (rules warn of it).
    """
    return re.sub(r"[\s\-]", "", half_width(number)).upper()


def validate(number: str) -> str:
    """Check length, digits, check character and birth date; return the compact form."""
    found = _checked(number)
    if isinstance(found, type):
        raise found()
    return found


@lru_cache(maxsize=4096)
def _checked(number: str) -> str | type[ValidationError]:
    """The compact form, or the error's type: one number is checked by several rules of a document."""
    number = compact(number)
    if len(number) != 18:
        return InvalidLength
    if not number[:17].isdigit() or not number[:17].isascii():
        return InvalidFormat
    if number[-1] != _stdnum_ric.calc_check_digit(number):
        return InvalidChecksum
    try:
        birth_date(number)
    except ValidationError as exc:
        return type(exc)
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def birth_date(number: str) -> dt.date:
    """The birth date; ``InvalidComponent`` when it is not a real date."""
    value = _birth_date(number)
    if not isinstance(value, dt.date):
        raise InvalidComponent()
    return value


@lru_cache(maxsize=4096)
def _birth_date(number: str) -> dt.date | None:
    try:
        return _stdnum_ric.get_birth_date(compact(number))
    except InvalidComponent:
        return None


def division_doubt(number: str) -> tuple[str, dict[str, str]] | None:
    """Why the address code looks wrong, or ``None``: a code with its parameters.

    GB 11643 gives a number the division code of the holder's residence when it is *issued*,
    not of their birth, so a district created after the birth (Pudong 310115 on a card of
    someone born in 1990) is ordinary. A code is doubtful only when it never existed, or was
    abolished before the holder was born. The wording of each reason is in
    ``data/reasons.yaml``.
    """
    number = compact(number)
    code = number[:6]
    if number.startswith(RESIDENCE_PERMIT_PREFIXES):
        return None
    known, last_year = division_years(code)
    if not known:
        return "division_unknown", {"division": code}
    if last_year is not None and number[6:10].isdigit() and last_year < int(number[6:10]):
        return "division_abolished", {"division": code, "last_year": str(last_year), "year": number[6:10]}
    return None


@table("stdnum-cn-divisions")
def _division_index() -> dict[str, str]:
    """stdnum's own division table (``cn/loc``), as one dict from a 6-digit code to its county entry.

    NumDB.info walks the table's prefix ranges on every call (about 25 times the cost of a dict);
    this is the same data, read once (and kept by the rule-set cache, see :mod:`icprules.tables`).
    tests/test_fast_paths.py proves the answers identical.
    """
    index: dict[str, str] = {}
    for length, low, high, _props, children in _numdb.get("cn/loc").prefixes:
        if length != 2 or low != high:
            continue
        for sub_length, sub_low, sub_high, sub_props, _ in children:
            county = sub_props.get("county")
            if sub_length == 4 and sub_low == sub_high and isinstance(county, str):
                index[low + sub_low] = county
    return index


def division_years(code: str) -> tuple[bool, int | None]:
    """Whether stdnum's division table knows ``code``, and the last year it was in use (None: still is)."""
    county = _division_index().get(code) if len(code) == 6 and code.isdigit() else None
    if county is None:
        return division_years_full(code)  # not in the index: the table's own search decides
    return _years(county)


@lru_cache(maxsize=8192)
def division_years_full(code: str) -> tuple[bool, int | None]:
    """Whether stdnum's division table knows ``code``, and the last year it was in use (None: still is).

    Read from stdnum's own table (``cn/loc``) rather than through ``get_birth_place``, which
    raises ``KeyError`` for a code listed without a county name (341104) and ``InvalidComponent``
    for a district created after the birth year, which GB 11643 allows. Memoised: the table is
    searched on every call, and thousands of people share a code.
    """
    try:
        results = _numdb.get("cn/loc").info(code)
    except (KeyError, ValueError):  # pragma: no cover - a table stdnum failed to load
        return False, None
    county = next((props["county"] for _, props in results if "county" in props), None)
    if not isinstance(county, str):
        return False, None  # nothing, or only the province, matched: the code never existed
    return _years(county)


def _years(county: str) -> tuple[bool, int | None]:
    """Known, and the last year in use, from a county entry (``[1983-2000]崇文区,...``)."""
    last: list[int | None] = []
    for entry in county.split(","):
        if not entry.startswith("["):
            return True, None  # listed without dates: in use
        span = entry[1:].split("]", 1)[0]
        end = span.split("-", 1)[1] if "-" in span else ""
        last.append(int(end) if end.isdigit() else None)
    if not last or None in last:
        return True, None
    return True, max(x for x in last if x is not None)


def province_code(number: str) -> str:
    """The first two digits: the province of the division code."""
    return compact(number)[:2]


__all__ = ["InvalidChecksum", "InvalidComponent", "InvalidFormat", "InvalidLength", "birth_date", "compact",
           "division_doubt", "division_years", "division_years_full", "is_valid", "province_code", "validate"]
