"""Organisation code (组织机构代码, GB 11714-1997), positions 9-17 of a credit code.

>>> validate('60003734-1')
'600037341'
>>> validate('67395965-4')
'673959654'
>>> calc_check_digit('60003734')
'1'

Eight body characters (digits or capital letters, A=10 ... Z=35) and a check character:
weights 3, 7, 9, 10, 5, 8, 4, 2; ``11 - sum mod 11``, where 10 is written X and 11 is 0.
python-stdnum has no module for it, so it is written here in stdnum's shape.
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_BODY = re.compile(r"^[0-9A-Z]{8}$")


def compact(number: str) -> str:
    """Remove spaces and dashes (printed as 60003734-1) and upper-case."""
    return re.sub(r"[\s\-]", "", number).upper()


def calc_check_digit(body: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body, _WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def validate(number: str) -> str:
    number = compact(number)
    if len(number) != 9:
        raise InvalidLength()
    if not _BODY.match(number[:8]) or not re.match(r"^[0-9X]$", number[8]):
        raise InvalidFormat()
    if number[8] != calc_check_digit(number[:8]):
        raise InvalidChecksum()
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValidationError:
        return False


__all__ = ["InvalidChecksum", "InvalidFormat", "InvalidLength", "calc_check_digit", "compact", "is_valid", "validate"]
