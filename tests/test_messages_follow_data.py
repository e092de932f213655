"""Messages that state a fact of the data take it from the data: change the data, the messages follow.

Each case edits one data value in a copy of its file (a data override, as a portal would), checks a
document that trips the rule, and looks for the new value in the Chinese and English messages, and
for the old one to be gone where it was a whole word of the message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import icprules
from conftest import base, run, set_path
from icprules.data import BUILTIN_DATA


def _override(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    text = (Path(str(BUILTIN_DATA)) / f"{name}.yaml").read_text(encoding="utf-8")
    assert old in text, old
    (folder / f"{name}.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _messages(report: icprules.Report, rule: str) -> tuple[str, str]:
    found = report.by_rule(rule)
    assert found, f"{rule} did not fire"
    return found[0].message["zh"], found[0].message["en"]


def _materials_reason(report: icprules.Report, material: str) -> tuple[str, str]:
    (row,) = [m for m in report.materials if m["id"] == material][:1]
    return row["reason"]["zh"], row["reason"]["en"]


def test_a_new_banned_term_is_listed_in_the_banned_term_message(tmp_path: Path) -> None:
    doc = base("website")
    doc["services"][0]["name"] = "中国示例平台"
    zh, en = _messages(run(doc), "website.name-banned-term")
    assert "寰宇" not in zh and "寰宇" not in en
    folder = _override(tmp_path, "banned_terms", "  - {term: 论坛, severity: error, source: nwcd-website-guide}\n",
                       "  - {term: 论坛, severity: error, source: nwcd-website-guide}\n"
                       "  - {term: 寰宇, severity: error, source: nwcd-website-guide}\n")
    doc["services"][0]["name"] = "寰宇示例平台"
    zh, en = _messages(run(doc, rules=icprules.load_rules(data=[folder])), "website.name-banned-term")
    assert "寰宇" in zh and "论坛或寰宇" in zh
    assert "论坛, or 寰宇" in en


def test_the_minimum_of_chinese_characters_follows_the_limit(tmp_path: Path) -> None:
    doc = base("website")
    doc["services"][0]["name"] = "示例官网"  # 4 Han characters
    assert not run(doc).by_rule("website.name-han-count")
    folder = _override(tmp_path, "limits", "service_name_min_han: 3", "service_name_min_han: 5")
    zh, en = _messages(run(doc, rules=icprules.load_rules(data=[folder])), "website.name-han-count")
    assert "少于5个汉字" in zh and "5个汉字以上" in zh
    assert "fewer than 5 Chinese characters" in en and "3" not in en


def test_the_app_domain_level_follows_the_limit(tmp_path: Path) -> None:
    doc = base("app")
    doc["services"][0]["domains"] = ["api.ledger.example.cn"]  # level 3
    assert not run(doc).by_rule("app.domain-level")
    folder = _override(tmp_path, "limits", "app_domain_max_level: 4", "app_domain_max_level: 2")
    zh, en = _messages(run(doc, rules=icprules.load_rules(data=[folder])), "app.domain-level")
    assert "最多支持到2级域名" in zh and "四级" not in zh
    assert "up to level 2" in en and "fourth" not in en


def test_the_unsupported_provinces_follow_the_provider_data(tmp_path: Path) -> None:
    doc = base("website")
    doc["entity"]["province"] = "XZ"
    zh, en = _messages(run(doc), "eligibility.province-supported")
    assert "除西藏自治区和青海省以外" in zh and "except Tibet and Qinghai" in en
    folder = _override(tmp_path, "providers", "unsupported_provinces: [XZ, QH]", "unsupported_provinces: [XZ, QH, HI]")
    zh, en = _messages(run(doc, rules=icprules.load_rules(data=[folder])), "eligibility.province-supported")
    assert "除西藏自治区、青海省和海南省以外" in zh
    assert "except Tibet, Qinghai, and Hainan" in en


@pytest.mark.parametrize("material", ["entity_certificate", "entity_principal_id"])
def test_attachment_limits_in_the_checklist_follow_the_specs(tmp_path: Path, material: str) -> None:
    doc = base("website")
    zh, en = _materials_reason(run(doc), material)
    assert "100K至200K" in zh and "100K to 200K" in en
    spec = "entity_certificate" if material == "entity_certificate" else "id_document"
    old = f"  {spec}: {{min_kb: 100, max_kb: 200,"
    folder = _override(tmp_path, "attachment_specs", old, f"  {spec}: {{min_kb: 50, max_kb: 300,")
    zh, en = _materials_reason(run(doc, rules=icprules.load_rules(data=[folder])), material)
    assert "50K至300K" in zh and "50K to 300K" in en


def test_the_offered_languages_follow_the_vocabulary(tmp_path: Path) -> None:
    doc: dict[str, Any] = base("app")
    set_path(doc, "services[0].languages", ["de"])
    zh, en = _messages(run(doc), "service.language-offered")
    assert "阿拉伯语" in zh and "Arabic" in en
    arabic = "  - {code: ar, name_zh: 阿拉伯语, name_en: Arabic, aliases: [阿拉伯文]}\n"
    folder = _override(tmp_path, "app_vocabularies", arabic, "")
    zh, en = _messages(run(doc, rules=icprules.load_rules(data=[folder])), "service.language-offered")
    assert "阿拉伯语" not in zh and "Arabic" not in en and "Spanish" in en
