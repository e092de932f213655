"""The fast paths answer exactly as the libraries do (#17): phones, e-mails, ID divisions, public IPv4.

Each fast path uses the library's own data (phonenumbers' CN metadata patterns, email-validator's
special-use domains) and hands anything unusual back to the library. Here hypothesis draws
numbers and addresses of the shapes the fast paths take, and near them; bench/fastpaths.py runs
the same comparison on 100,000 values of each.
"""

from __future__ import annotations

import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.exceptions import ValidationError

from icprules.identifiers import ric, uscc
from icprules.primitives.contact import (
    cn_mobile_fast,
    email_plain_valid,
    email_valid,
    email_valid_full,
    phone_facts,
    phone_facts_full,
)

eleven_digits = st.text("0123456789", min_size=10, max_size=10).map(lambda t: "1" + t)
mobile_prefixes = st.sampled_from(["130", "133", "135", "138", "145", "147", "150", "162", "166", "170", "172",
                                   "175", "180", "186", "189", "191", "197", "198", "199", "100", "106", "110"])
likely = st.tuples(mobile_prefixes, st.text("0123456789", min_size=8, max_size=8)).map("".join)


@settings(max_examples=3000, deadline=None)
@given(number=st.one_of(eleven_digits, likely))
def test_the_cn_mobile_fast_path_is_the_full_parse(number: str) -> None:
    fast = cn_mobile_fast(number)
    full = phone_facts_full(number, "CN")
    if fast is not None:
        assert fast == full, number
    assert phone_facts(number, "CN") == full


@given(text=st.text(string.digits + " +-()", max_size=16))
def test_anything_else_falls_back(text: str) -> None:
    assert phone_facts(text, "CN") == phone_facts_full(text, "CN")


def test_real_numbers_take_the_fast_path() -> None:
    for number in ("13800138000", "13600136000", "18612345678", "19912345678", "16612345678"):
        assert cn_mobile_fast(number) is not None and cn_mobile_fast(number) == phone_facts_full(number, "CN")
    for other in ("01012345678", "4001234567", "1380013800", "+8613800138000", "138 0013 8000"):
        assert cn_mobile_fast(other) is None


atom = st.text(string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-", min_size=1, max_size=12)
label = st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12)
tld = st.sampled_from(["cn", "com", "net", "org", "io", "top", "xyz", "test", "local", "onion", "arpa", "localhost",
                       "co", "museum", "c", "123"])
addresses = st.builds(lambda local, labels, end: f"{'.'.join(local)}@{'.'.join([*labels, end])}",
                      st.lists(atom, min_size=1, max_size=3), st.lists(label, min_size=1, max_size=3), tld)


@settings(max_examples=3000, deadline=None)
@given(address=st.one_of(addresses, st.text(max_size=40)))
def test_the_plain_email_fast_path_is_email_validator(address: str) -> None:
    full = email_valid_full(address)
    if email_plain_valid(address):
        assert full, address
    assert email_valid(address) == full


def test_real_addresses_take_the_fast_path() -> None:
    for address in ("zhangsan@example.cn", "li.si+icp@mail.example.com.cn", "wangwu_2024@163.com"):
        assert email_plain_valid(address) is True and email_valid_full(address)
    for address in ("user@localhost", "a@b.test", "张三@例子.中国", "a..b@example.cn", "x@xn--fiqs8s"):
        assert email_plain_valid(address) is None


# -- ID number divisions: stdnum's own table, indexed ------------------------------------------------

def test_the_division_index_is_stdnums_table() -> None:
    from icprules.identifiers import ric

    codes = sorted(ric._division_index())
    assert len(codes) > 6000 and len({c[:2] for c in codes}) >= 31
    for code in codes:
        ric.division_years_full.cache_clear()
        assert ric.division_years(code) == ric.division_years_full(code), code


@given(code=st.text("0123456789", min_size=6, max_size=6))
def test_any_code_answers_as_the_table_does(code: str) -> None:
    from icprules.identifiers import ric

    assert ric.division_years(code) == ric.division_years_full(code)


# -- public IPv4: integer ranges from ipaddress's own networks ----------------------------------------

@settings(max_examples=3000, deadline=None)
@given(number=st.integers(0, 2 ** 32 - 1))
def test_the_ipv4_ranges_are_ipaddress(number: int) -> None:
    import ipaddress

    from icprules.primitives.network import _public_full, ipv4_public

    address = ipaddress.IPv4Address(number)
    assert ipv4_public(str(address)) == _public_full(address)


def test_every_range_edge_answers_as_ipaddress() -> None:
    import ipaddress

    from icprules.primitives.network import _ipv4_public_ranges, _public_full, ipv4_public

    starts, _ = _ipv4_public_ranges()
    for start in starts:
        for number in (start - 1, start, start + 1):
            if 0 <= number < 2 ** 32:
                address = ipaddress.IPv4Address(number)
                assert ipv4_public(str(address)) == _public_full(address), address
    for odd in ("010.0.0.1", "1.2.3", "256.1.1.1", "1.2.3.4 ", "::1", "52.83.10.21/32"):
        assert ipv4_public(odd) is None


def _outcome(validate: Any, number: str) -> Any:
    try:
        return validate(number)
    except ValidationError as exc:
        return exc


id_numbers = st.one_of(
    st.tuples(st.sampled_from(["110105", "310115", "440305", "810000", "000000"]),
              st.text("0123456789", min_size=11, max_size=11), st.sampled_from("0123456789Xx")).map("".join),
    st.text("0123456789Xx -", min_size=0, max_size=20))
credit_codes = st.one_of(
    st.tuples(st.sampled_from(["91", "92", "12", "N2", "Y1"]), st.sampled_from(["110105", "440300", "000000"]),
              st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=10, max_size=10)).map("".join),
    st.text("0123456789ABCDEFGHJKLMNPQRTUWXYIOZSV -", min_size=0, max_size=20))


@settings(max_examples=1500, deadline=None)
@given(number=id_numbers, code=credit_codes)
def test_memoised_validation_answers_as_the_first_time(number: str, code: str) -> None:
    """ric and uscc remember each number's outcome (several rules check one number); a repeated call
    gives the same compact form, or raises a new error of the same stdnum type."""
    for module, value in ((ric, number), (uscc, code)):
        module._checked.cache_clear()
        first = _outcome(module.validate, value)
        again = _outcome(module.validate, value)
        if isinstance(first, ValidationError):
            assert type(again) is type(first) and again is not first
            assert not module.is_valid(value)
        else:
            assert again == first and module.is_valid(value)
    if isinstance(_outcome(ric.validate, number), str):
        assert ric.birth_date(number) == stdnum_ric.get_birth_date(ric.compact(number))


def test_the_special_use_list_is_email_validators_own_live_list() -> None:
    """A program may change email-validator's list of special-use domains: once the library is imported,
    the fast path reads that list itself, as the library does."""
    import email_validator

    assert "test" in email_validator.SPECIAL_USE_DOMAIN_NAMES
    assert email_plain_valid("user@example.test") is None and not email_valid("user@example.test")
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("test")
    try:
        assert email_plain_valid("user@example.test") is True and email_valid_full("user@example.test")
    finally:
        email_validator.SPECIAL_USE_DOMAIN_NAMES.append("test")


def test_no_ascii_character_is_invisible() -> None:
    """chars.visible gives ASCII text back as it is: unicodedata says no character below U+0080 is one."""
    from icprules.chars import is_invisible, visible

    assert not [c for c in map(chr, range(128)) if is_invisible(c)]
    ascii_text = "".join(map(chr, range(128)))
    assert visible(ascii_text) is ascii_text
    assert visible("示\u200b例\u3164") == "示例"  # a zero-width space and a Hangul filler


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_folding_ascii_text_is_the_unicode_fold(text: str) -> None:
    from icprules.primitives.text import _fold_unicode, fold

    assert fold(text) == _fold_unicode(text)


_KEYS = st.sampled_from(["entity", "principal", "id", "type", "services", "0", ""])
_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12)


@given(_JSONISH, st.lists(_KEYS | st.integers(min_value=0, max_value=3), max_size=5))
@settings(max_examples=500)
def test_a_compiled_field_read_is_paths_get(value: Any, segments: list[Any]) -> None:
    """The condition language's walk along a path of keys (plain dicts without asking each step's type)
    finds what paths.get finds, on any nesting, lists, nulls and keys that are not there."""
    from icprules import paths
    from icprules.language.compiler import _walker

    path = tuple(segments)
    assert _walker(path)(value) == paths.get(value, path) or (
        _walker(path)(value) is paths.MISSING and paths.get(value, path) is paths.MISSING)


def test_the_cjk_blocks_taken_without_their_names_are_all_cjk_ideographs() -> None:
    """lookalike._is_cjk answers inside its blocks without unicodedata.name: every code point there must be
    named CJK UNIFIED IDEOGRAPH (exhaustive, for this Python's Unicode), and outside them it asks the name."""
    import unicodedata

    from icprules import chars
    from icprules.primitives import lookalike
    from icprules.primitives.text import fold

    assert [(low, high) for low, high in chars.CJK_BLOCKS] == [("\u4e00", "\u9fff"), ("\u3400", "\u4dbf")]
    for low, high in chars.CJK_BLOCKS:
        for code in range(ord(low), ord(high) + 1):
            ch = chr(code)
            assert chars.in_cjk_blocks(ch)
            assert "CJK UNIFIED IDEOGRAPH" in unicodedata.name(ch, ""), hex(code)
            assert fold(ch) == ch, hex(code)  # names.compact keeps such a character as it is
    for ch in ("\U00020000", "\u3007", "a", "Ａ", "々", "\u2e80"):  # Extension B, 〇, Latin, 々, a radical
        assert lookalike._is_cjk(ch) == ("CJK UNIFIED IDEOGRAPH" in unicodedata.name(ch, ""))
