"""Phone numbers (phonenumbers) and e-mail addresses (email-validator, no network)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import phonenumbers

from ..conditions import Env
from ..registry import check, transform

_KINDS = {
    "mobile": {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE},
    "fixed_line": {phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE},
}


@lru_cache(maxsize=1024)
def parse_phone(value: str, region: str = "CN") -> phonenumbers.PhoneNumber | None:
    """Parsed number, or None. Memoised: one document asks several questions of each number."""
    try:
        return phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None


def normalise_phone(value: str, region: str = "CN") -> str | None:
    """E.164 form of a number, or None when it cannot be parsed. Idempotent on its output."""
    number = parse_phone(value, region)
    if number is None:
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


@check(
    "phone",
    params={"type": "object", "additionalProperties": False,
            "properties": {"region": {"type": "string", "pattern": "^[A-Z]{2}$"},
                           "kinds": {"type": "array", "items": {"enum": sorted(_KINDS)}, "minItems": 1}}},
    doc={"zh": "电话号码有效，且属于指定地区和类型（手机或固定电话）",
         "en": "a valid phone number of the given region and kinds (mobile or fixed line)"},
)
def _phone(value: Any, params: Any, _env: Env) -> Any:
    region = params.get("region", "CN")
    if not isinstance(value, str) or len(value) > 40:
        return False
    number = parse_phone(value, region)
    if number is None:
        return False
    if not phonenumbers.is_valid_number(number):
        return False
    if phonenumbers.region_code_for_number(number) != region:
        return False
    kinds = params.get("kinds")
    if kinds:
        allowed = set().union(*(_KINDS[k] for k in kinds))
        if phonenumbers.number_type(number) not in allowed:
            return False
    return True


@transform("phone_e164", doc={"zh": "电话号码的 E.164 规范形式（按中国号码解析）",
                              "en": "the E.164 form of a phone number (parsed as a Chinese number)"})
def _phone_e164(value: Any, _params: Any) -> Any:
    if not isinstance(value, str):
        return value
    return normalise_phone(value) or value.strip()


def national_phone(value: str) -> str | None:
    """The form MIIT's form takes: 11 digits for a mobile, ``area-number`` for a fixed line."""
    number = parse_phone(value, "CN") if len(value) <= 40 else None
    if number is None:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != "CN":
        return None
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE:
        return str(phonenumbers.national_significant_number(number))
    text = str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    area, _, rest = text.partition(" ")
    return f"{area}-{rest.replace(' ', '')}" if rest else area


@transform("phone_national", doc={"zh": "中国电话号码的规范形式：手机11位，固话“区号-号码”",
                                  "en": "the canonical form of a Chinese number: 11 digits for a mobile, "
                                        "area-number for a fixed line"})
def _phone_national(value: Any, _params: Any) -> Any:
    from ..paths import MISSING

    if not isinstance(value, str):
        return MISSING
    return national_phone(value) or MISSING


@check("email", doc={"zh": "电子邮箱地址语法正确（不联网查询）", "en": "e-mail address syntax (no network look-up)"})
def _email(value: Any, _params: Any, _env: Env) -> Any:
    if not isinstance(value, str) or len(value) > 320:
        return False
    from email_validator import EmailNotValidError, validate_email  # lazily: ~16 ms to import

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
