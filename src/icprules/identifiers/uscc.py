"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015).

>>> validate('91110000600037341L')
'91110000600037341L'
>>> validate('N2110105MA01C3UX21')  # a rural collective: stdnum rejects the leading N
'N2110105MA01C3UX21'
>>> registration_doubt('Z1110000600037341L') is not None
True
>>> organisation_code_valid('91330106673959654P')  # 67395965-4, GB 11714
True

``stdnum.cn.uscc.validate`` requires positions 1-8 to be digits, so it refuses real
codes whose registration authority is A (CMC), N (agriculture) or Y (other). We keep
its check-character computation, which is right for every code, and check the
layout ourselves; whether the first two characters form a known authority/category
pair is a separate, softer question (:func:`registration_doubt`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum.cn import uscc as _stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from ..chars import half_width
from . import orgcode

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_FORMAT = re.compile(rf"^[{ALPHABET}]{{2}}[0-9]{{6}}[{ALPHABET}]{{10}}$")

#: Registration authority (position 1) -> known entity categories (position 2), GB 32100-2015.
AUTHORITIES: dict[str, str] = {
    "1": "123459",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交
    "3": "12345",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: 集体经济组织
    "Y": "1",  # 其他
}


def compact(number: str) -> str:
    """Remove spaces and dashes, read full-width characters as half-width ones, and upper-case."""
    return re.sub(r"[\s\-]", "", half_width(number)).upper()


def calc_check_digit(number: str) -> str:
    """Check character of the first 17 characters."""
    return str(_stdnum_uscc.calc_check_digit(number[:17]))


def validate(number: str) -> str:
    """Check length, layout, region and check character; return the compact form."""
    found = _checked(number)
    if isinstance(found, type):
        raise found()
    return found


@lru_cache(maxsize=4096)
def _checked(number: str) -> str | type[ValidationError]:
    """The compact form, or the error's type: one code is checked by several rules of a document."""
    number = compact(number)
    if len(number) != 18:
        return InvalidLength
    if not _FORMAT.match(number):
        return InvalidFormat
    if number[2:8] == "000000":  # GB/T 2260 has no such division; real codes name their registrar's
        return InvalidComponent
    if number[-1] != calc_check_digit(number):
        return InvalidChecksum
    return number


def is_valid(number: str) -> bool:
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def organisation_code(number: str) -> str:
    """Positions 9-17: the organisation code (GB 11714), checked by :mod:`.orgcode`."""
    return compact(number)[8:17]


def organisation_code_valid(number: str) -> bool:
    """Whether the organisation code inside checks (GB 11714-1997)."""
    return orgcode.is_valid(organisation_code(number))


def registration_doubt(number: str) -> tuple[str, dict[str, str]] | None:
    """Why the authority/category pair looks unknown, or ``None`` when it is known.

    The reason is a code with its parameters (``("uscc_unknown_authority", {"authority": "Z"})``);
    its wording in each language is in ``data/reasons.yaml``.
    """
    number = compact(number)
    if len(number) < 2:
        return "uscc_too_short", {}
    authority, category = number[0], number[1]
    if authority not in AUTHORITIES:
        return "uscc_unknown_authority", {"authority": authority}
    if category not in AUTHORITIES[authority]:
        return "uscc_unknown_category", {"authority": authority, "category": category}
    return None
