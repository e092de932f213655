"""No crash, ever, from a value: every check survives real-shaped identifiers, and a rule that
fails all the same becomes that rule's "could not be checked" finding, not a traceback.

Real-shaped means what real applicants type: ID numbers with a valid check character over any
division code and any date (real districts that python-stdnum does not list, dates that do not
exist), credit codes with a valid check character, phones, domains and record numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric

import icprules
from conftest import TODAY, base, run
from icprules.context import Env
from icprules.identifiers import uscc
from icprules.language.syntax import All, AnyOf, Check, Not, Quantifier
from icprules.registry import CHECKS

RULES = icprules.default_rules()


def _checks(node: Any) -> list[Check]:
    if isinstance(node, Check):
        return [node]
    if isinstance(node, (All, AnyOf)):
        return [c for part in node.parts for c in _checks(part)]
    if isinstance(node, Not):
        return _checks(node.part)
    if isinstance(node, Quantifier):
        return _checks(node.sub)
    return []


#: Every check as the shipped rules call it: (name, prepared parameters).
CALLS = sorted({(c.name, c.params_key): c for r in RULES.rules for n in (r.when, r.assert_) if n is not None
                for c in _checks(n)}.values(), key=lambda c: (c.name, c.params_key))


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    division = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    date = draw(st.one_of(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)).map(lambda d: d.strftime("%Y%m%d")),
                          st.from_regex(r"(19|20)[0-9]{2}(0[0-9]|1[0-3])[0-3][0-9]", fullmatch=True)))
    body = division + date + draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return body + stdnum_ric.calc_check_digit(body + "0")


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    body = draw(st.from_regex(rf"[{uscc.ALPHABET}]{{2}}[0-9]{{6}}[{uscc.ALPHABET}]{{9}}", fullmatch=True))
    return body + uscc.calc_check_digit(body)


phones = st.one_of(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
                   st.from_regex(r"0[1-9][0-9]{1,2}-[2-8][0-9]{6,7}(-[0-9]{1,4})?", fullmatch=True),
                   st.from_regex(r"\+86 ?1[3-9][0-9]{9}", fullmatch=True))
domains = st.from_regex(r"([a-z0-9-]{1,12}\.){1,4}(cn|com|com\.cn|net|中国|top|io|xyz)", fullmatch=True)
record_numbers = st.from_regex(r"[京沪粤浙苏][ ]?ICP[备證证][0-9]{6,10}号?(-[0-9]{1,3}[AXK]?)?", fullmatch=True)
values = st.one_of(resident_ids(), credit_codes(), phones, domains, record_numbers,
                   st.text(max_size=40), st.dates().map(str))


def _env() -> Env:
    return Env(base("website"), today=TODAY)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CALLS), values)
def test_every_check_survives_real_shaped_values(call: Check, value: str) -> None:
    outcome = CHECKS[call.name].func(value, call.params, _env())
    assert isinstance(outcome, (bool, tuple))


@settings(max_examples=300, deadline=None)
@given(resident_ids())
def test_any_real_shaped_id_number_is_checked_without_a_crash(number: str) -> None:
    doc = base("website")
    doc["entity"]["principal"]["id"]["number"] = number
    report = run(doc)
    assert [f.could_not_check for f in report.findings if f.could_not_check] == []


def test_a_district_stdnum_does_not_list_is_no_crash() -> None:
    # 341104 is listed by stdnum without a county name: get_birth_place raised KeyError('county').
    doc = base("website")
    doc["entity"]["principal"]["id"]["number"] = "341104199001010018"
    report = run(doc)
    assert not [f for f in report.findings if f.could_not_check]
    assert [f.severity for f in report.by_rule("person.id-number-region")] == ["warning"]


def test_one_rule_failing_never_takes_the_report_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(value: Any, _params: Any, _env: Env) -> Any:
        raise KeyError("county")

    monkeypatch.setitem(CHECKS, "uscc", dataclasses.replace(CHECKS["uscc"], func=explode))
    doc = base("website")
    doc["entity"]["province"] = "XZ"  # another rule's error, to see the report is whole
    report = run(doc, rules=icprules.load_rules())  # plans are built from the registry as it is now
    (broken,) = report.by_rule("entity.certificate-uscc")
    assert broken.severity == "warning", "a check the library cannot run never blocks a filing"
    assert broken.path == "entity.certificate.number" and broken.could_not_check == "KeyError: 'county'"
    assert "could not check" in broken.message["en"] and "未能检查" in broken.message["zh"]
    assert broken.to_dict()["could_not_check"] == "KeyError: 'county'"
    assert report.by_rule("eligibility.province-supported"), "the other rules still ran"
    assert report.materials and report.deadlines


def test_each_province_s_division_is_stdnum_s_province() -> None:
    """data/provinces.yaml's six-digit division (read as the province: 440000 is Guangdong) is its two
    GB/T 2260 digits with 0000, a province of python-stdnum's own division table, named as it is there."""
    from stdnum import numdb

    from icprules.data import builtin

    table = numdb.get("cn/loc")
    for row in builtin().files["provinces"]["provinces"]:
        assert row["division"] == row["gb2260"] + "0000"
        assert table.info(row["division"])[0] == (row["gb2260"], {"province": row["name_zh"]}), row


def test_an_individual_business_files_as_an_enterprise_with_its_licence() -> None:
    """个体工商户 (a business licence whose credit code starts 92) was 'not a known nature': MIIT files it
    under 企业, the nature of the 营业执照（个人或企业） certificate type (WeChat queryIcpCertificateTypes)."""
    from stdnum.cn import uscc as stdnum_uscc

    from conftest import base, run

    code = "92110105MA01C3UX2"
    doc = base("website")
    doc["entity"].update(nature="个体工商户", name="北京市朝阳区示例餐饮店")
    doc["entity"]["certificate"]["number"] = code + stdnum_uscc.calc_check_digit(code)
    doc["account"]["company_name"] = "北京市朝阳区示例餐饮店"
    doc["services"][0]["name"] = "示例餐饮店官网"
    report = run(doc)
    assert [f.rule for f in report.findings if f.severity != "info"] == []
    assert report.normalized == {"entity.nature": "enterprise"}
