"""Explaining one decision: the trace, and that tracing never changes a finding."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import icprules
from conftest import EXAMPLES, TODAY, run
from icprules.explanation import explain
from test_cli import cli


def _broken(website: dict[str, Any]) -> dict[str, Any]:
    website["entity"]["province"] = "Atlantis"
    website["entity"]["principal"]["emergency_phone"] = "+86 13800138000"
    website["services"][0]["domains"] = ["https://x.io", "a.b.c.d.example.cn"]
    website["services"][0]["name"] = "中国论坛"
    return website


@pytest.mark.parametrize("which", ["website", "app", "broken"])
def test_traced_and_untraced_runs_give_the_same_findings(which: str, website: dict[str, Any],
                                                         app: dict[str, Any]) -> None:
    doc = _broken(website) if which == "broken" else {"website": website, "app": app}[which]
    rules = icprules.default_rules()
    report = run(doc, reveal_personal=True)
    traced = []
    for rule in rules.rules:
        traced.extend(explain(rule.id, doc, rules=rules, today=TODAY, base_dir=EXAMPLES).findings)
    key = lambda f: (f.rule, f.path)  # noqa: E731
    assert sorted(traced, key=key) == sorted(report.findings, key=key)


def test_explanation_shows_values_and_outcomes(website: dict[str, Any]) -> None:
    website["entity"]["principal"]["emergency_phone"] = "+86 13800138000"
    result = explain("person.emergency-phone-differs", website, rules=icprules.default_rules(), today=TODAY,
                     base_dir=EXAMPLES)
    item, other = result.items
    assert item.path == "entity.principal" and item.applies and item.passed is False
    assert other.path == "services[0].principal" and not other.applies  # same_as_entity: nothing to check
    text = result.to_text()
    assert "emergency_phone|phone_e164 equals phone|phone_e164 → true   [+8613800138000 vs +8613800138000]" in text
    assert "⇒ error entity.principal.emergency_phone" in text
    assert result.to_dict()["items"][0]["assert"][0]["what"] == "not"


def test_explain_says_why_a_rule_does_not_apply(website: dict[str, Any]) -> None:
    result = explain("lifecycle.cancel-entity-consequence", website, rules=icprules.default_rules(),
                     today=dt.date(2026, 11, 23))
    assert not result.applicable and "cancel_entity" in (result.why_not or "")


def test_explain_command() -> None:
    code, out, _ = cli("explain", "eligibility.province-supported", str(EXAMPLES / "website-application.yaml"))
    assert code == 0 and "fact province in [QH, XZ] → false   [BJ]" in out and "⇒ passes" in out
    code, _, err = cli("explain", "no.such-rule", str(EXAMPLES / "website-application.yaml"))
    assert code == 2 and "no rule 'no.such-rule'" in err
