"""Phone numbers (phonenumbers) and e-mail addresses (email-validator, no network)."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..chars import half_width
from ..context import Env
from ..paths import MISSING
from ..registry import check, transform
from ..tables import table

if TYPE_CHECKING:
    import phonenumbers

#: The kinds a rule may ask for, as phonenumbers' number types (their codes are in :func:`_cn_metadata`).
_KIND_TYPES = {"mobile": ("MOBILE", "FIXED_LINE_OR_MOBILE"), "fixed_line": ("FIXED_LINE", "FIXED_LINE_OR_MOBILE")}


#: An extension written the Chinese way after a complete fixed-line number: "0755-83765566-9",
#: "0755-83765566转9", "(0755)83765566 分机 9".
_EXTENSION = re.compile(r"^(?P<main>.*\d)\s*(?:-|转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6})$", re.IGNORECASE)


@lru_cache(maxsize=1024)
def parse_phone(value: str, region: str = "CN") -> phonenumbers.PhoneNumber | None:
    """Parsed number, or None. Memoised: one document asks several questions of each number.

    phonenumbers reads "ext. 9" but not the hyphen or 转 that Chinese forms write before an
    extension, and takes "0755-83765566-9" for a 12-digit number that does not exist. So when a
    number is not valid as written and its head is a valid number on its own, the tail is its
    extension.
    """
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        return number
    found = _EXTENSION.match(value.strip())
    if found:
        try:
            main = phonenumbers.parse(found["main"], region)
        except phonenumbers.NumberParseException:
            return number
        fixed = phonenumbers.number_type(main) in (phonenumbers.PhoneNumberType.FIXED_LINE,
                                                   phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
        if fixed and phonenumbers.is_valid_number(main) and not main.extension:
            main.extension = found["ext"]
            return main
    return number


@dataclass(frozen=True)
class PhoneFacts:
    """What the rules and the masker ask of one number, worked out once."""

    valid: bool
    region: str | None
    kind: int  # a phonenumbers.PhoneNumberType
    e164: str
    national: str | None  # MIIT's form; None unless a valid Chinese number


@table("phonenumbers-cn")
def _cn_metadata() -> tuple[str, str, tuple[str, ...], dict[str, int]]:
    """phonenumbers' own patterns for China (every number, mobiles, each other kind of number) and
    its number type codes. Kept with the rule-set cache (whose key holds phonenumbers' version), so
    that a filing whose phones are all bare mobiles needs no import of phonenumbers: about 20 ms of
    a command-line check."""
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    assert metadata is not None and metadata.general_desc is not None and metadata.mobile is not None

    def pattern(desc: Any) -> str | None:
        return getattr(desc, "national_number_pattern", None) if desc is not None else None

    general, mobile = pattern(metadata.general_desc), pattern(metadata.mobile)
    assert general and mobile
    others = tuple(p for p in (pattern(getattr(metadata, name, None)) for name in (
        "fixed_line", "toll_free", "premium_rate", "shared_cost", "personal_number", "voip", "pager", "uan",
        "voicemail")) if p)
    types = {name: int(getattr(phonenumbers.PhoneNumberType, name))
             for name in ("MOBILE", "FIXED_LINE", "FIXED_LINE_OR_MOBILE")}
    return general, mobile, others, types


@lru_cache(maxsize=1)
def _cn_patterns() -> tuple[re.Pattern[str], re.Pattern[str], tuple[re.Pattern[str], ...]]:
    """:func:`_cn_metadata`'s patterns, compiled."""
    general, mobile, others, _ = _cn_metadata()
    return re.compile(general), re.compile(mobile), tuple(re.compile(p) for p in others)


@lru_cache(maxsize=8)
def _kind_codes(kind: str) -> frozenset[int]:
    """The phonenumbers number types a rule's kind (mobile, fixed_line) admits."""
    types = _cn_metadata()[3]
    return frozenset(types[name] for name in _KIND_TYPES[kind])


def cn_mobile_fast(value: str) -> PhoneFacts | None:
    """The facts of a bare 11-digit Chinese mobile number from phonenumbers' own CN patterns, or None
    when the number is anything else (the full parse then decides).

    A full parse costs about 13 times as much, and most numbers in a filing are bare mobiles.
    tests/test_fast_paths.py proves the answers identical to the full parse.
    """
    if len(value) != 11 or value[0] != "1" or not value.isascii() or not value.isdigit():
        return None
    general, mobile, others = _cn_patterns()
    if general.fullmatch(value) is None or mobile.fullmatch(value) is None:
        return None
    if any(other.fullmatch(value) is not None for other in others):
        return None  # a number of two kinds (fixed line or mobile): the library's rules decide
    return PhoneFacts(True, "CN", _cn_metadata()[3]["MOBILE"], "+86" + value, value)


@lru_cache(maxsize=1024)
def phone_facts(value: str, region: str = "CN") -> PhoneFacts | None:
    """Facts of a number, or None when it does not parse.

    Memoised, and computed together: phonenumbers works out a number's type again inside
    ``is_valid_number`` and each format call, which made phones the costliest field to check.
    """
    if region == "CN":
        fast = cn_mobile_fast(value)
        if fast is not None:
            return fast
    return phone_facts_full(value, region)


def phone_facts_full(value: str, region: str = "CN") -> PhoneFacts | None:
    """:func:`phone_facts` through phonenumbers' full parse only."""
    import phonenumbers

    number = parse_phone(value, region) if len(value) <= 40 else None
    if number is None:
        return None
    kind = phonenumbers.number_type(number)
    valid = kind != phonenumbers.PhoneNumberType.UNKNOWN and phonenumbers.is_valid_number(number)
    found_region = phonenumbers.region_code_for_number(number) if valid else None
    national = None
    if valid and found_region == "CN":
        if kind == phonenumbers.PhoneNumberType.MOBILE:
            national = str(phonenumbers.national_significant_number(number))
        else:
            bare = phonenumbers.PhoneNumber(country_code=number.country_code, national_number=number.national_number,
                                            italian_leading_zero=number.italian_leading_zero)
            text = str(phonenumbers.format_number(bare, phonenumbers.PhoneNumberFormat.NATIONAL))
            area, _, rest = text.partition(" ")
            national = f"{area}-{rest.replace(' ', '')}" if rest else area
            if number.extension:
                national += f"-{number.extension}"
    e164 = str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    if number.extension:  # E.164 has no extension; RFC 3966 writes it this way
        e164 += f";ext={number.extension}"
    return PhoneFacts(valid, found_region, kind, e164, national)


def normalise_phone(value: str, region: str = "CN") -> str | None:
    """E.164 form of a number, or None when it cannot be parsed. Idempotent on its output."""
    facts = phone_facts(value, region)
    return None if facts is None else facts.e164


@check(
    "phone",
    params={"type": "object", "additionalProperties": False,
            "properties": {"region": {"type": "string", "pattern": "^[A-Z]{2}$",
                                      "description": "the region the number must be of, and how a number "
                                                     "without its country code is read (default CN)"},
                           "any_region": {"type": "boolean", "description": "a valid number of any region "
                                                                            "(+852 6123 4567) will do"},
                           "kinds": {"type": "array", "items": {"enum": sorted(_KIND_TYPES)}, "minItems": 1}}},
    doc={"zh": "电话号码有效，且属于指定地区和类型（手机或固定电话）",
         "en": "a valid phone number of the given region and kinds (mobile or fixed line)"},
)
def _phone(value: Any, params: Any, _env: Env) -> Any:
    region = params.get("region", "CN")
    if not isinstance(value, str):
        return False
    facts = phone_facts(value, region)
    if facts is None or not facts.valid:
        return False
    if facts.region != region and not params.get("any_region"):
        return False, {"region": facts.region or ""}
    kinds = params.get("kinds")
    if kinds:
        allowed = frozenset().union(*(_kind_codes(k) for k in kinds))
        if facts.kind not in allowed:
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
    facts = phone_facts(value, "CN")
    return None if facts is None else facts.national


@transform("phone_national", doc={"zh": "中国电话号码的规范形式：手机11位，固话“区号-号码”",
                                  "en": "the canonical form of a Chinese number: 11 digits for a mobile, "
                                        "area-number for a fixed line"})
def _phone_national(value: Any, _params: Any) -> Any:
    if not isinstance(value, str):
        return MISSING
    return national_phone(value) or MISSING


@transform("phone_region", doc={"zh": "手机号码段的归属省份（phonenumbers 自带的号段归属地数据，如“河北省”）",
                                "en": "the province a Chinese mobile number's prefix belongs to (phonenumbers' own "
                                      "geocoding data, such as 河北省)"})
def _phone_region(value: Any, _params: Any) -> Any:
    if not isinstance(value, str):
        return MISSING
    return phone_region(value) or MISSING


@lru_cache(maxsize=4096)
def phone_region(value: str) -> str | None:
    """The province of a mobile number's prefix in Chinese (``河北省``), from phonenumbers' geocoder.

    The geocoder names the city too (``河北省石家庄市``); the province is the part a province's full
    name (data/provinces.yaml) starts it. A ported number keeps its old prefix: a hint, not proof.
    """
    import phonenumbers
    from phonenumbers import geocoder

    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return None

    from ..data import builtin

    described = geocoder.description_for_number(number, "zh")
    for row in builtin().resolve("provinces.provinces"):
        for name in (row["name_zh"], row["name_zh_short"]):
            if described.startswith(name):
                return str(row["name_zh"])
    return described or None


#: An ASCII address of the plainest shape: dot-atom local part, LDH labels, an alphabetic TLD.
_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                          r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def email_plain_valid(value: str) -> bool | None:
    """True for an address whose validity needs no more than its shape (email-validator would say so),
    None when email-validator must decide. Uses email-validator's own list of special-use domains.

    About 13 times faster than validate_email for the common case; tests/test_fast_paths.py proves
    the answers identical on every address this says True for.
    """
    if len(value) > 254 or not value.isascii() or _PLAIN_EMAIL.fullmatch(value) is None:
        return None
    local, _, domain = value.rpartition("@")
    labels = domain.lower().split(".")
    if len(local) > 64 or any("--" in label for label in labels):
        return None  # long local parts, and xn-- or other double-hyphen labels: the library decides
    if any(domain.lower() == name or domain.lower().endswith("." + name) for name in _special_use_domains()):
        return None
    return True


def _special_use_domains() -> Sequence[str]:
    """email-validator's list of special-use domains: the library's own, live, once it is imported (a
    program may change that list); until then the copy the rule-set cache keeps, which spares a plain
    address the library's import (about 20 ms of a command-line check)."""
    module = sys.modules.get("email_validator")
    if module is not None:
        return module.SPECIAL_USE_DOMAIN_NAMES  # type: ignore[no-any-return]
    return _special_use_copy()


@table("email-validator-special-use-domains")
def _special_use_copy() -> tuple[str, ...]:
    from email_validator import SPECIAL_USE_DOMAIN_NAMES

    return tuple(SPECIAL_USE_DOMAIN_NAMES)


def email_valid(value: str) -> bool:
    """Whether email-validator accepts the address's syntax (no network), with the plain fast path."""
    if email_plain_valid(value):
        return True
    return email_valid_full(value)


def email_valid_full(value: str) -> bool:
    from email_validator import EmailNotValidError, validate_email  # lazily: ~16 ms to import

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@check("email", doc={"zh": "电子邮箱地址语法正确（不联网查询）", "en": "e-mail address syntax (no network look-up)"})
def _email(value: Any, _params: Any, _env: Env) -> Any:
    if not isinstance(value, str) or len(value) > 320:
        return False
    # Spaces around an address come with copying it, and a Chinese input method types ＠ and ．: the
    # canonical form is the address without the spaces, half-width (the transform half_width).
    return email_valid(half_width(value).strip())
