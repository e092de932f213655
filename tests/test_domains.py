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
