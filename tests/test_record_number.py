"""icprules.record_number: parse, format, validate; real and noisy numbers; properties."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icprules.identifiers import record_number as rn
from test_cli import cli

ABBRS = sorted(rn._provinces())


@pytest.mark.parametrize(("text", "canonical", "kind", "province", "service_type"), [
    ("京ICP备10046444号-9", "京ICP备10046444号-9", "filing", "BJ", "website"),
    ("陕ICP备2024026116号-1A", "陕ICP备2024026116号-1A", "filing", "SN", "app"),
    ("黔ICP备2025044274号-1X", "黔ICP备2025044274号-1X", "filing", "GZ", "mini_program"),
    ("京ICP备12345678号-4K", "京ICP备12345678号-4K", "filing", "BJ", "quick_app"),
    ("蜀ICP备2026007879号-1", "蜀ICP备2026007879号-1", "filing", "SC", "website"),
    ("川ICP备10200063号-1", "川ICP备10200063号-1", "filing", "SC", "website"),
    ("贵ICP备05052049号-13", "贵ICP备05052049号-13", "filing", "GZ", "website"),
    ("京ICP备 05000593", "京ICP备05000593号", "filing", "BJ", None),
    ("滇ICP备09010050-5号", "滇ICP备09010050号-5", "filing", "YN", "website"),
    ("京 ICP 备 04000001-1A", "京ICP备04000001号-1A", "filing", "BJ", "app"),
    ("【粤ICP备12345678号－2】", "粤ICP备12345678号-2", "filing", "GD", "website"),
    ("京icp备12345678号", "京ICP备12345678号", "filing", "BJ", None),
    # as people paste them: a label, traditional characters, invisible and full-width characters, punctuation
    ("ICP备案号：京ICP備05000593號", "京ICP备05000593号", "filing", "BJ", None),
    ("备案号: 粤ICP备2021123456号-1 |", "粤ICP备2021123456号-1", "filing", "GD", "website"),
    ("网站备案号：蜀ICP备2026007879号-1。", "蜀ICP备2026007879号-1", "filing", "SC", "website"),
    ("京\u200bICP备\u200d2019036842号\ufeff", "京ICP备2019036842号", "filing", "BJ", None),
    ("京ＩＣＰ备２０１９０３６８４２号－１", "京ICP备2019036842号-1", "filing", "BJ", "website"),
    ("\u202e京ICP备2019036842号\u202c", "京ICP备2019036842号", "filing", "BJ", None),
    ("京公網安備11000002000001號", "京公网安备11000002000001号", "police", "BJ", None),
    # Beijing's older 12-digit public-security numbers
    ("京公网安备110105000655号", "京公网安备110105000655号", "police", "BJ", None),
    # a licence holder's numbers, as MIIT returns them
    ("京ICP证030173号-1", "京ICP证030173号-1", "licence", "BJ", "website"),
    ("浙B2-20080101-4", "浙B2-20080101-4", "value_added", "ZJ", "website"),
    ("粤B2-20090059-1626X", "粤B2-20090059-1626X", "value_added", "GD", "mini_program"),
    ("京ICP证030173号", "京ICP证030173号", "licence", "BJ", None),
    ("京公网安备 11010502030143号", "京公网安备11010502030143号", "police", "BJ", None),
    ("浙公网安备33010602009975号", "浙公网安备33010602009975号", "police", "ZJ", None),
])
def test_real_numbers(text: str, canonical: str, kind: str, province: str, service_type: str | None) -> None:
    number = rn.parse(text)
    assert (rn.format(number), number.kind, number.province, number.service_type) == (
        canonical, kind, province, service_type)
    assert rn.validate(text) == canonical and rn.is_valid(text)


@pytest.mark.parametrize(("text", "error"), [
    ("萌ICP备20230001号", rn.InvalidComponent),  # joke numbers
    ("京ICP备XXXXXXXX号", rn.InvalidFormat),  # placeholders
    ("浙D3-20210002", rn.InvalidFormat),  # a registrar's licence, not a filing
    ("京ICP备12345号", rn.InvalidComponent),  # serials of 5, 6, 9 or 11 digits were never issued
    ("京icp备123456号", rn.InvalidComponent),
    ("京ICP备123456789号", rn.InvalidComponent),
    ("京ICP备12345678901号", rn.InvalidComponent),
    ("沪公网安备310105000655号", rn.InvalidComponent),  # 12 digits only in Beijing
    ("云ICP备12345678号", rn.InvalidComponent),  # only placeholders write 云: Yunnan's is 滇
    ("甘ICP备12345678号", rn.InvalidComponent),
    ("京ICP证0301号", rn.InvalidComponent),
    ("京ICP备12345678号-0", rn.InvalidComponent),
    ("京公网安备31000002000001号", rn.InvalidComponent),  # a Shanghai region under Beijing
    ("", rn.InvalidFormat),
])
def test_invalid_numbers(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        rn.parse(text)
    assert not rn.is_valid(text)


def test_app_shares_the_website_sequence() -> None:
    website, app = rn.parse("京ICP备04000001号-1"), rn.parse("京ICP备04000001号-2A")
    assert website.entity_number == app.entity_number == "京ICP备04000001号"


numbers = st.builds(
    rn.RecordNumber,
    kind=st.just("filing"),
    abbr=st.sampled_from(ABBRS),
    province=st.just(""),
    serial=st.one_of(st.from_regex(r"[0-9]{8}", fullmatch=True), st.from_regex(r"[0-9]{10}", fullmatch=True)),
    service=st.one_of(st.none(), st.integers(1, 9999)),
    suffix=st.sampled_from(["", "A", "X", "K"]),
).map(lambda n: rn.RecordNumber(n.kind, n.abbr, rn._provinces()[n.abbr]["code"], n.serial, n.service,
                                n.suffix if n.service is not None else ""))


@given(numbers)
def test_format_then_parse_is_the_identity(number: rn.RecordNumber) -> None:
    assert rn.parse(rn.format(number)) == number


@given(st.text(max_size=40))
def test_parse_raises_only_its_own_errors(text: str) -> None:
    with contextlib.suppress(rn.RecordNumberError):  # any other exception fails the test
        rn.parse(text)


@given(st.text(alphabet="京沪粤ICP备证公网安号B-0123456789 【】AXK", max_size=30))
def test_parse_raises_only_its_own_errors_on_near_misses(text: str) -> None:
    try:
        number = rn.parse(text)
    except rn.RecordNumberError:
        return
    assert rn.parse(rn.format(number)) == number


def test_a_placeholder_is_refused_with_its_reason() -> None:
    with pytest.raises(rn.InvalidComponent) as info:
        rn.parse("京ICP备123456789号")
    assert info.value.code == "record_serial_length" and info.value.params["lengths"] == [8, 10]
    with pytest.raises(rn.InvalidComponent) as unused:
        rn.parse("云ICP备2020009854号")
    assert unused.value.code == "record_unused_abbr" and unused.value.params["right"] == "滇"


@given(numbers, st.sampled_from(["", "ICP备案号：", "备案号: ", "\u200b", "【"]),
       st.sampled_from(["", "。", " |", "\ufeff", "】", "."]))
def test_a_pasted_number_reads_as_the_number(number: rn.RecordNumber, before: str, after: str) -> None:
    assert rn.parse(before + rn.format(number) + after) == number


def test_record_number_command() -> None:
    code, out, _ = cli("record-number", "京ICP备04000001号-1A")
    assert code == 0 and "entity number: 京ICP备04000001号" in out and "service: APP #1" in out
    code, _, err = cli("record-number", "萌ICP备20230001号")
    assert code == 2 and "not a province abbreviation" in err
