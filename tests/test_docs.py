"""The generated reference: committed, up to date, and complete."""

from __future__ import annotations

from pathlib import Path

import pytest

import icprules
from icprules.report import docs
from icprules.report.locale import date_text, negotiate
from test_cli import cli

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "reference"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_committed_reference_is_up_to_date(lang: str) -> None:
    expected = docs.pages(icprules.default_rules(), lang)
    committed = {p.relative_to(REFERENCE / lang).as_posix(): p.read_text(encoding="utf-8")
                 for p in (REFERENCE / lang).rglob("*.md")}
    assert sorted(committed) == sorted(expected), "regenerate: icprules docs --lang LANG --out docs/reference/LANG"
    for name, text in expected.items():
        assert committed[name] == text, f"{lang}/{name} is stale: regenerate with icprules docs"


def test_every_rule_and_material_is_documented() -> None:
    rules = icprules.default_rules()
    for lang in ("zh", "en"):
        text = "".join(docs.pages(rules, lang).values())
        for rule in rules.rules:
            assert f"`{rule.id}`" in text, rule.id
        for material in rules.materials:
            assert f"`{material.id}`" in text


def test_docs_command_writes_pages(tmp_path: Path) -> None:
    code, _out, _ = cli("docs", "--lang", "zh_CN", "--out", str(tmp_path))
    assert code == 0 and (tmp_path / "index.md").read_text(encoding="utf-8").startswith("# icprules 规则参考")


@pytest.mark.parametrize(("tag", "lang"), [("zh_CN", "zh"), ("zh-Hans", "zh"), ("zh_Hant_TW", "zh"),
                                           ("en_US", "en"), ("en-GB", "en"), ("zh", "zh")])
def test_locales_negotiate(tag: str, lang: str) -> None:
    assert negotiate(tag) == lang


def test_unsupported_locales_are_refused() -> None:
    for tag in ("de_DE", "xx-not-a-locale"):
        with pytest.raises(ValueError):
            negotiate(tag)


def test_dates_in_the_readers_locale() -> None:
    import datetime as dt

    assert date_text(dt.date(2026, 11, 22), "zh") == "2026年11月22日"
    assert date_text(dt.date(2026, 11, 22), "en") == "November 22, 2026"


def test_every_data_file_has_a_page_drawn_from_its_own_metadata() -> None:
    rules = icprules.default_rules()
    pages = docs.pages(rules, "en")
    for name in rules.data.files:
        page = pages[f"data/{name}.md"]
        assert page.startswith(f"# {rules.data.meta(name)['title']['en']}\n"), name


def test_the_code_of_the_engine_and_the_reference_names_no_provider() -> None:
    # Which provider applies is data (data/selectors.yaml, data/providers.yaml), never code.
    src = Path(docs.__file__).resolve().parents[1]
    providers = icprules.default_rules().data.resolve("providers.providers")
    for module in ("report/docs.py", "evaluation.py", "api.py", "ruleset/loading.py"):
        text = (src / module).read_text(encoding="utf-8")
        assert not [p for p in providers if p in text], module
