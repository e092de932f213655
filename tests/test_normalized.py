"""The report's canonical forms: present only where they differ, idempotent."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from conftest import run
from icprules.primitives.app import normalise_hex
from icprules.primitives.contact import national_phone
from icprules.primitives.network import DomainError, parse_domain
from icprules.primitives.text import fold


def test_bundled_examples_need_no_normalisation(website: dict[str, Any], app: dict[str, Any]) -> None:
    assert run(website, reveal_personal=True).normalized == {}
    assert run(app).normalized == {}


def test_canonical_forms_are_reported(website: dict[str, Any], app: dict[str, Any]) -> None:
    website["entity"]["province"] = "北京市"
    website["entity"]["principal"]["phone"] = "+86 138-0013-8000"
    website["entity"]["principal"]["emergency_phone"] = "(010) 5350 3900"
    website["services"][0]["domains"] = ["例子.中国", "EXAMPLE.com.cn"]
    website["services"][0]["languages"] = ["zh_hans"]
    assert run(website, reveal_personal=True).normalized == {
        "entity.principal.emergency_phone": "010-53503900",
        "entity.principal.phone": "13800138000",
        "entity.province": "BJ",
        "services[0].domains[0]": "xn--fsqu00a.xn--fiqs8s",
        "services[0].domains[1]": "example.com.cn",
        "services[0].languages[0]": "zh-Hans",
    }
    app["services"][0]["platforms"][0]["signature_md5"] = "c6:f1:57:98:d8:00:5a:2a:6b:42:0f:0e:91:12:7a:53"
    assert run(app).normalized == {"services[0].platforms[0].signature_md5": "C6F15798D8005A2A6B420F0E91127A53"}


@given(st.text(max_size=40))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet="0123456789abcdefABCDEF: -", max_size=80))
def test_hex_normalisation_is_idempotent(text: str) -> None:
    assert normalise_hex(normalise_hex(text)) == normalise_hex(text)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True) | st.text(max_size=20))
def test_phone_normalisation_is_idempotent(text: str) -> None:
    once = national_phone(text)
    if once is not None:
        assert national_phone(once) == once


@given(st.from_regex(r"([a-z0-9]{1,10}\.){1,3}(cn|com|中国|公司)", fullmatch=True))
def test_domain_normalisation_is_idempotent(text: str) -> None:
    try:
        ascii_form, unicode_form = parse_domain(text)
    except DomainError:
        return
    assert parse_domain(ascii_form) == (ascii_form, unicode_form)
    assert parse_domain(unicode_form) == (ascii_form, unicode_form)


def test_identifiers_typed_in_full_width_have_their_half_width_form(website: dict[str, Any]) -> None:
    """A Chinese input method in full-width mode types １１０１０５…: the same number, whose canonical
    form is the half-width one the filing system's forms take (rules warn of the full-width one)."""
    website["entity"]["principal"]["id"]["number"] = "１１０１０５１９４９１２３１００２ｘ"
    website["entity"]["certificate"]["number"] = "９１１１０１０５ＭＡ０１Ｃ３ＵＸ２Ｈ"
    report = run(website, reveal_personal=True)
    assert report.normalized == {"entity.certificate.number": "91110105MA01C3UX2H",
                                 "entity.principal.id.number": "11010519491231002X"}
    assert {f.rule for f in report.findings if f.severity != "info"} == {
        "person.id-number-half-width", "entity.certificate-number-half-width"}


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_half_width_reads_only_full_width_forms_and_is_idempotent(text: str) -> None:
    from icprules.chars import half_width

    once = half_width(text)
    assert half_width(once) == once
    assert len(once) == len(text)  # one character for one: nothing else is folded
    for before, after in zip(text, once, strict=True):
        assert before == after or (0xFF01 <= ord(before) <= 0xFF5E and ord(before) - ord(after) == 0xFEE0) \
            or (before == "\u3000" and after == " ")


def test_an_address_copied_with_spaces_and_a_province_by_its_abbreviation(website: dict[str, Any]) -> None:
    website["entity"]["principal"]["email"] = " zhangsan@example.com.cn\t"
    website["entity"]["province"] = "京"
    report = run(website, reveal_personal=True)
    assert report.normalized == {"entity.principal.email": "zhangsan@example.com.cn", "entity.province": "BJ"}
    assert not [f for f in report.findings if f.severity != "info"]


def test_a_key_and_a_fingerprint_pasted_with_the_label_their_tool_prints(app: dict[str, Any]) -> None:
    """openssl x509 -modulus prints "Modulus=…", keytool -printcert "MD5:  C6:F1:…": the messages name
    those tools, and what they print is read without the label."""
    platform = app["services"][0]["platforms"][0]
    key, md5 = platform["public_key"], platform["signature_md5"]
    platform["public_key"] = f"Modulus={key.lower()}"
    platform["signature_md5"] = "MD5:  " + ":".join(md5[i:i + 2] for i in range(0, len(md5), 2))
    report = run(app)
    assert report.normalized == {"services[0].platforms[0].public_key": key,
                                 "services[0].platforms[0].signature_md5": md5}
    assert not [f for f in report.findings if f.severity != "info"]


def test_record_numbers_as_pasted_have_their_canonical_spelling(website: dict[str, Any]) -> None:
    website["operation"] = "change_info"
    website["record_number"] = "ICP备案号：京ICP備１２３４５６７８號"
    website["services"][0]["record_number"] = "京ICP备12345678号-1"
    report = run(website)
    assert report.normalized == {"record_number": "京ICP备12345678号"}
    assert not [f for f in report.findings if f.rule.startswith("lifecycle.") and f.severity == "error"]
