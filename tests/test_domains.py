"""The ASCII fast path of parse_domain gives exactly what idna gives (the library stays the reference)."""

from __future__ import annotations

import idna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icprules.primitives import network


def _by_idna(host: str) -> tuple[str, str] | str:
    try:
        ascii_form = idna.encode(host, uts46=True).decode("ascii")
        return ascii_form.lower(), (idna.decode(ascii_form) if "xn--" in ascii_form else ascii_form.lower())
    except (idna.IDNAError, UnicodeError):
        return "error"


def _by_icprules(host: str) -> tuple[str, str] | str:
    network.parse_domain.cache_clear()
    try:
        return network.parse_domain(host)
    except network.DomainError as exc:
        return "error" if exc.code == "domain_invalid" else f"refused:{exc.code}"


labels = st.from_regex(r"[A-Za-z0-9-]{1,8}|xn--[a-z0-9]{2,6}|[a-z]{2}--[a-z]{1,3}|-[a-z]+|[a-z]+-|a{60,66}",
                       fullmatch=True)
hosts = st.lists(labels, min_size=2, max_size=5).map(".".join)


@settings(max_examples=1500, deadline=None)
@given(hosts)
def test_the_fast_path_agrees_with_idna(host: str) -> None:
    mine = _by_icprules(host)
    if isinstance(mine, str) and mine.startswith("refused:"):
        return  # refused before idna (an IP, a numeric name, a bare suffix...): both paths share it
    assert mine == _by_idna(host), host


@pytest.mark.parametrize("host", ["Example.COM.cn", "a-b.example.cn", "xn--fsqu00a.xn--fiqs8s", "ab--c.example.cn",
                                  "-a.example.cn", "a-.example.cn", "a" * 64 + ".cn", "a" * 63 + ".cn", "ex_ample.cn"])
def test_the_fast_path_agrees_with_idna_on_edges(host: str) -> None:
    assert _by_icprules(host) == _by_idna(host)


def test_the_fast_path_is_taken_for_plain_names() -> None:
    assert network._LDH.match("www.site1.example.com.cn")
    assert not network._LDH.match("xn--fsqu00a.cn") and not network._LDH.match("例子.cn")


# Internationalised names: what people write (CJK, accented Latin, full-width letters, upper case,
# A-labels, mixed) and what trips IDNA (ß and ZWJ/ZWNJ, combining marks, RTL digits, symbols).
_IDN_CHARS = "示例中国公司网络商城测试ａｂＣéÉüßſ\u200d\u200c\u0301ΣσΑабв٣۳ー・〇①Ⅻ"
idn_labels = st.one_of(
    st.text(alphabet=_IDN_CHARS + "abcXYZ019-", min_size=1, max_size=8),
    st.sampled_from(["xn--fsqu00a", "xn--fiqs8s", "XN--55QX5D", "xn--zfr164b", "xn--ls8h", "xn--a-ecp.ru"]),
    labels,
)
idn_hosts = st.lists(idn_labels, min_size=2, max_size=4).map(".".join)


@settings(max_examples=2000, deadline=None)
@given(idn_hosts)
def test_mapping_once_agrees_with_encode_then_decode(host: str) -> None:
    mine = _by_icprules(host)
    if isinstance(mine, str) and mine.startswith("refused:"):
        return
    assert mine == _by_idna(host), host


@pytest.mark.parametrize("host", ["示例.中国", "示例公司.公司", "ＥＸＡＭＰＬＥ.ｃｎ", "Bücher.de", "faß.de",
                                  "xn--fsqu00a.中国", "例子。中国", "a\u200db.cn",
                                  "é.cn", "e\u0301.cn", "١٢.cn", "ΣΑΣ.gr", "①.cn"])
def test_mapping_once_agrees_on_known_names(host: str) -> None:
    assert _by_icprules(host) == _by_idna(host)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(max_size=20), st.text("0123456789.", max_size=20),
                 st.text("0123456789.٠١٢٣٤٥٦٧٨٩xX ", max_size=20)))
def test_only_ascii_digits_and_dots_can_be_an_ip_address_here(text: str) -> None:
    """parse_domain asks ipaddress only about ASCII digits and dots (":" is refused before): nothing else
    is an address to it."""
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return
    assert ":" in text or network._DIGITS_AND_DOTS.fullmatch(text), text
