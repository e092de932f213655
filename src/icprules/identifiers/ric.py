"""Resident identity card number (居民身份证号码, GB 11643-1999), and the 18-digit
residence permits of Hong Kong, Macau and Taiwan residents, which share its layout.

>>> validate('11010519491231002X')
'11010519491231002X'
>>> validate('310115199001010010')  # Pudong (created 1993) on an ID of someone born in 1990
'310115199001010010'
>>> region_doubt('310115199001010010') is not None
True

``stdnum.cn.ric.validate`` checks the address code against the divisions that
existed in the holder's birth year. Real cards re-issued after a district was
created (Pudong 310115 for anyone born before 1993, Chongqing 500101) and the
810000/820000/830000 prefixes of residence permits fail that check although their
checksum and date are right. So the checksum and birth date decide validity here;
the region check is a separate doubt that rules report as a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from stdnum.cn import ric as _stdnum_ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

#: Address prefixes of the residence permits for HK, Macau and Taiwan residents.
RESIDENCE_PERMIT_PREFIXES = ("810000", "820000", "830000")


def compact(number: str) -> str:
    """Remove spaces and dashes and upper-case the check character.

    ``stdnum.cn.ric.compact`` only strips the ends, but numbers are pasted as
    "110105 19491231 002x" from scans and forms, so we remove inner separators too.
    """
    return re.sub(r"[\s\-]", "", number).upper()


def validate(number: str) -> str:
    """Check length, digits, check character and birth date; return the compact form."""
    number = compact(number)
    if len(number) != 18:
        raise InvalidLength()
    if not number[:17].isdigit() or not number[:17].isascii():
        raise InvalidFormat()
    if number[-1] != _stdnum_ric.calc_check_digit(number):
        raise InvalidChecksum()
    birth_date(number)
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def birth_date(number: str) -> dt.date:
    """The birth date; ``InvalidComponent`` when it is not a real date."""
    value = _stdnum_ric.get_birth_date(compact(number))
    if not isinstance(value, dt.date):  # pragma: no cover - stdnum always returns a date
        raise InvalidComponent()
    return value


def region_doubt(number: str) -> tuple[str, dict[str, str]] | None:
    """Why the address code looks unknown for the birth year, or ``None``.

    The reason is a code with its parameters; its wording in each language is in
    ``data/reasons.yaml``.
    """
    number = compact(number)
    if number.startswith(RESIDENCE_PERMIT_PREFIXES):
        return None
    if not _division_known(number[:6], number[6:10]):
        return "division_unknown_in_year", {"division": number[:6], "year": number[6:10]}
    return None


@lru_cache(maxsize=8192)
def _division_known(code: str, year: str) -> bool:
    """Whether stdnum knows the division for that birth year.

    Memoised: stdnum searches its division file on every call (~25 µs), and the answer
    depends only on the six-digit code and the year, which thousands of people share.
    """
    try:
        _stdnum_ric.get_birth_place(code + year + "0101")
    except (ValidationError, ValueError):
        return False
    return True


__all__ = ["InvalidChecksum", "InvalidComponent", "InvalidFormat", "InvalidLength", "birth_date", "compact",
           "is_valid", "region_doubt", "validate"]
