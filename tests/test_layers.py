"""Provinces, providers and time (#16): rules in force between dates, layers, profiles, diff-rules."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

import icprules
from conftest import base, run
from icprules.cli import main
from icprules.report import footer

RULES = icprules.default_rules()


class _Out(io.StringIO):
    def isatty(self) -> bool:
        return False


def _cli(*argv: str) -> tuple[int, str]:
    out = _Out()
    code = main(list(argv), stdout=out, stderr=_Out())
    return code, out.getvalue()


def _rules(report: icprules.Report) -> set[str]:
    return {f.rule for f in report.findings}


# -- time ---------------------------------------------------------------------------------------

def test_as_of_defaults_to_the_check_date_and_is_recorded() -> None:
    report = run(base("website"))
    assert report.as_of == report.today and report.to_dict()["as_of"] == "2026-11-23"
    earlier = run(base("website"), as_of="2020-01-01")
    assert earlier.to_dict()["as_of"] == "2020-01-01" and earlier.today == dt.date(2026, 11, 23)


def test_app_rules_are_in_force_from_the_regime_start() -> None:
    app = base("app")
    app["services"][0]["platforms"][0]["public_key"] = "not a key"
    assert "app.public-key-format" in _rules(run(app))
    before = run(app, as_of="2023-08-31")
    assert "app.public-key-format" not in _rules(before) and "national.app-filing-not-yet" in _rules(before)


def test_rules_as_of_and_diff_rules() -> None:
    code, today = _cli("rules", "--as-of", "2026-11-24")
    _, old = _cli("rules", "--as-of", "2023-01-01")
    assert code == 0 and "app.package-required" in today and "app.package-required" not in old
    assert "national.app-filing-not-yet" in old and "national.app-filing-not-yet" not in today
    code, text = _cli("diff-rules", "2020-01-01", "2026-11-24")
    assert code == 0 and "added    national.government-suffix-reserved" in text
    assert "changed  national.government-domain" in text and "removed  national.app-filing-not-yet" in text
    _, raw = _cli("diff-rules", "2020-01-01", "2026-11-24", "--format", "json")
    result = json.loads(raw)
    changed = next(c for c in result["changed"] if c["rule"] == "national.government-domain")
    changes = {c["path"]: (c["from"], c["to"]) for c in changed["changes"]}
    assert changes["applies_to.services"] == (["website"], ["website", "app"])
    assert changes["when.in"] == (None, ["government", "defense"])
    assert any(a["rule"] == "materials.gd-commitment-letter" for a in result["added"])
    _, none = _cli("diff-rules", "2025-01-01", "2025-06-01")
    assert "no change" in none


def test_the_footer_link_of_a_day() -> None:
    assert footer.miit_link(dt.date(2020, 6, 1)) == "http://www.miitbeian.gov.cn/"
    assert footer.miit_link(dt.date(2021, 1, 20)) == footer.miit_link() == "https://beian.miit.gov.cn/"
    assert "miitbeian" in footer.app_notice("京ICP备04000001号-1A", dt.date(2019, 1, 1))["link"]


# -- load errors: dates and authorities ----------------------------------------------------------

PACK = """format: icprules/rules/v1
pack: extra
rules:
{rules}
"""
RULE = """  - id: extra.{name}
    severity: {severity}
    {extra}
    assert: {{exists: entity.name}}
    message: {{zh: 缺少名称, en: The name is missing}}
    source: {{doc: icp-facts, section: test}}
"""


def _pack(tmp_path: Path, *rules: str) -> Path:
    path = tmp_path / "extra.yaml"
    path.write_text(PACK.format(rules="".join(rules)), encoding="utf-8")
    return path


def test_observed_practice_is_never_an_error(tmp_path: Path) -> None:
    path = _pack(tmp_path, RULE.format(name="seen", severity="error", extra="authority: observed"))
    with pytest.raises(icprules.RuleFileError) as caught:
        icprules.load_rules(path)
    assert "extra.yaml:" in str(caught.value) and "observed" in str(caught.value)
    icprules.load_rules(_pack(tmp_path, RULE.format(name="seen", severity="warning", extra="authority: observed")))


def test_versions_of_a_rule_may_not_overlap(tmp_path: Path) -> None:
    overlapping = _pack(tmp_path, RULE.format(name="v", severity="error", extra="effective: {from: 2020-01-01}"),
                        RULE.format(name="v", severity="warning", extra="effective: {from: 2022-01-01}"))
    with pytest.raises(icprules.RuleFileError) as caught:
        icprules.load_rules(overlapping)
    assert "two versions are in force at once" in str(caught.value) and "extra.yaml:" in str(caught.value)
    ordered = _pack(tmp_path, RULE.format(name="v", severity="error",
                                          extra="effective: {from: 2020-01-01, until: 2022-01-01}"),
                    RULE.format(name="v", severity="warning", extra="effective: {from: 2022-01-01}"))
    rules = icprules.load_rules(ordered)
    assert rules.rule("extra.v", dt.date(2021, 1, 1)).severity == "error"
    assert rules.rule("extra.v", dt.date(2023, 1, 1)).severity == "warning"
    backwards = "effective: {from: 2022-01-01, until: 2021-01-01}"
    bad = _pack(tmp_path, RULE.format(name="w", severity="error", extra=backwards))
    with pytest.raises(icprules.RuleFileError):
        icprules.load_rules(bad)


# -- provider profiles -----------------------------------------------------------------------------

def test_the_miit_profile_keeps_national_rules_only() -> None:
    doc = base("website")
    doc["entity"]["nature"] = "individual"
    del doc["account"]
    nwcd = _rules(run(doc))
    assert {"eligibility.no-personal-filing", "account.aws-account-id-required"} <= nwcd
    doc["provider"] = "miit"
    miit = run(doc)
    assert not {"eligibility.no-personal-filing", "account.aws-account-id-required"} & _rules(miit)
    assert all(RULES.rule(f.rule).authority in ("national", "communications_administration", "observed")
               for f in miit.findings if not f.rule.startswith("materials."))
    broken = base("website")
    broken["provider"] = "miit"
    broken["entity"]["principal"]["id"]["number"] = "110105194912310021"
    assert "person.id-number-checksum" in _rules(run(broken))  # national rules still apply


def test_mini_programs_are_refused_by_nwcd_and_checked_by_their_platform() -> None:
    doc = base("website")
    doc["services"] = [{"type": "mini_program", "name": "示例记账小程序", "categories": ["工具"]}]
    assert "eligibility.mini-program-own-platform" in _rules(run(doc))
    doc["provider"] = "wechat"
    report = run(doc)
    assert "eligibility.mini-program-own-platform" not in _rules(report)
    assert not [f for f in report.findings if f.rule.startswith("platform.") and f.severity == "error"]
    doc["services"][0]["categories"] = list("abcdef")
    assert "platform.service-content-types" in _rules(run(doc))


def test_a_province_rule_overridden_by_a_provider_pack(tmp_path: Path) -> None:
    """The README's example: a provider that knows Shanxi now takes 5 domains replaces the rule."""
    pack = tmp_path / "acme.yaml"
    pack.write_text("""format: icprules/rules/v1
pack: acme
layer: provider
authority: provider
rules:
  - id: province.sx-domains-per-order
    title: {zh: 山西每次最多新增5个域名, en: Shanxi takes at most 5 new domains per filing}
    severity: error
    applies_to: {provinces: [SX], operations: [new, change_info]}
    assert: {field: "services[*].domains[*]", length: {max: 5}}
    path: services
    message: {zh: 山西省每次备案最多新增5个域名。, en: Shanxi takes at most 5 new domains per filing.}
    source: {doc: icp-facts, section: "ACME's reading of the Shanxi bureau, 2026"}
""", encoding="utf-8")
    doc = base("website")
    doc["entity"]["province"] = "SX"
    doc["services"][0]["domains"] = ["a.com.cn", "b.com.cn", "c.com.cn", "d.com.cn"]
    assert "province.sx-domains-per-order" in _rules(run(doc))
    overridden = icprules.load_rules(pack)
    rule = overridden.rule("province.sx-domains-per-order")
    assert rule.pack == "acme" and rule.layer == "provider"
    assert "province.sx-domains-per-order" not in _rules(run(doc, rules=overridden))


def test_every_province_has_a_reference_page() -> None:
    from icprules.report import docs

    pages = docs.pages(RULES, "en")
    codes = [p["code"] for p in RULES.data.resolve("provinces.provinces")]
    assert all(f"provinces/{code}.md" in pages for code in codes)
    assert "2021-06-21" in pages["provinces/GD.md"] and "Communications Administration" in pages["provinces/GD.md"]


def test_explain_says_why_a_province_rule_does_not_apply(tmp_path: Path) -> None:
    result = icprules.explain("province.sx-domains-per-order", base("website"), base_dir=str(tmp_path),
                              today="2026-11-23")
    assert not result.applicable and "province 'BJ'" in (result.why_not or "")


@pytest.mark.parametrize("as_of", ["2021-06-20", "2021-06-21"])
def test_the_checklist_follows_the_day(as_of: str) -> None:
    doc: dict[str, Any] = base("website")
    doc["entity"]["province"] = "GD"
    ids = {m["id"] for m in run(doc, as_of=as_of).materials}
    assert ("gd_commitment_letter" in ids) == (as_of == "2021-06-21")


def test_dated_data_entries_follow_the_day() -> None:
    doc = base("website")
    doc["services"][0]["domains"] = ["example.tech"]
    before, after = run(doc, as_of="2025-12-31"), run(doc, as_of="2026-01-01")
    assert "service.domain-tld-approved" not in _rules(before) and "service.domain-tld-unlisted" in _rules(before)
    assert "service.domain-tld-approved" in _rules(after)
    assert RULES.data.on(dt.date(2025, 1, 1)).resolve("approved_tlds.not_approved").get("tech") is None
    assert "tech" in RULES.data.resolve("approved_tlds.not_approved")  # the data as loaded is untouched
    _, text = _cli("diff-rules", "2025-06-01", "2026-06-01")
    assert "data     approved_tlds.not_approved.tech: None ->" in text
    _, raw = _cli("diff-rules", "2025-06-01", "2026-06-01", "--format", "json")
    assert json.loads(raw)["data"][0]["path"] == "approved_tlds.not_approved.tech"


def test_personal_filing_data_names_real_provinces_and_its_authority() -> None:
    table = RULES.data.resolve("provinces.personal_filings")
    codes = {p["code"] for p in RULES.data.resolve("provinces.provinces")}
    assert set(table) <= codes and len(table) >= 20
    assert {row["authority"] for row in table.values()} <= {"communications_administration", "observed"}
    assert all(row["source"] for row in table.values())
