"""Vocabulary values written by name (企业, Website, 身份证) are read as their codes (fields.read_by_name)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import run
from icprules import load_rules, paths
from icprules.data import DataStore, builtin
from icprules.errors import DocumentError
from icprules.reading import vocabulary
from icprules.reading.document import read

#: (pattern, table reference, the service types it is read for or None for every one), one per entry
READ_BY_NAME: dict[str, tuple[str, list[str] | None]] = {
    f"{pattern} {spec if isinstance(spec, str) else spec['table']}":
        (spec, None) if isinstance(spec, str) else (spec["table"], spec.get("services"))
    for pattern, specs in builtin().files["fields"]["read_by_name"].items()
    for spec in (specs if isinstance(specs, list) else [specs])}


def _errors(report: Any) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in report.findings if f.severity == "error"]


def _codes(ref: str) -> dict[str, Any]:
    """A vocabulary table by code: a mapping, or rows with a code column (the languages)."""
    table = builtin().resolve(ref)
    if isinstance(table, list):  # rows with a code column, or the codes themselves (APP categories)
        return {row: {} if isinstance(row, str) else row for row in table} if all(isinstance(r, str) for r in table) \
            else {row["code"]: row for row in table}
    return dict(table)


@pytest.mark.parametrize(("pattern", "spec"), sorted(READ_BY_NAME.items()))
def test_every_field_read_by_name_has_a_table_of_codes(pattern: str, spec: tuple[str, list[str] | None]) -> None:
    pattern = pattern.split(" ")[0]
    ref, services = spec
    assert services is None or set(services) <= set(builtin().files["service_types"]["service_types"])
    table = _codes(ref)
    assert table and all(isinstance(code, str) for code in table)
    fields = builtin().files["fields"]
    # and each is a choice a form offers, a language of MIIT's form, the word a principal may be, yes/no, or
    # an APP category of this library's list (not a closed choice: MIIT publishes none; app.category-known warns)
    assert ref in fields["vocabularies"].values() or ref == "app_vocabularies.categories" or pattern in (
        "services[*].languages[*]", "services[*].principal", "services[*].offline")


def test_a_yes_or_no_written_as_a_word_is_read_as_the_value(app: dict[str, Any]) -> None:
    """offline: 是 made the whole document unreadable ("Input should be a valid boolean")."""
    for word, value in (("是", True), ("否", False), ("Yes", True), (" 不是 ", False)):
        app["services"][0]["offline"] = word
        report = run(app)
        assert report.normalized == {"services[0].offline": value}
        assert ("eligibility.offline-app" in {f.rule for f in report.findings}) is value
    app["services"][0]["offline"] = "有"  # answers another question: still the located error it was
    with pytest.raises(DocumentError, match=r"services\[0\]\.offline"):
        run(app)


def test_an_app_category_with_its_levels_joined_otherwise_is_read_as_miit_writes_it(app: dict[str, Any]) -> None:
    """工具／记账 (a Chinese input method's slash), 工具 / 记账 and 工具>记账 were "should read level-1/level-2"."""
    app["services"][0]["categories"] = ["工具／记账", "社交 / 即时通讯", "生活服务>外卖", "工具/记账"]
    report = run(app)
    assert not [f for f in report.findings if f.rule.startswith("app.category")]
    assert {k: v for k, v in report.normalized.items() if "categories" in k} == {
        "services[0].categories[0]": "工具/记账", "services[0].categories[1]": "社交/即时通讯",
        "services[0].categories[2]": "生活服务/外卖"}
    # the second level alone, where one category ends so, is that category (fields: last_level); one that
    # many end with (其他), or a name not on the list, stays as written
    app["services"][0]["categories"] = ["记账", "其他", "工具 / 其它"]
    report = run(app)
    assert {f.path for f in report.findings if f.rule == "app.category-form"} == {
        "services[0].categories[1]", "services[0].categories[2]"}
    assert report.normalized["services[0].categories[0]"] == "工具/记账"


def test_the_principal_s_word_reads_by_the_labels_a_form_shows() -> None:
    fields = builtin().files["fields"]
    for word, row in fields["principal_words"].items():
        assert {k: row[k] for k in ("zh", "en")} == fields["constants"][word]


def test_a_principal_written_as_its_label_is_the_word(website: dict[str, Any]) -> None:
    website["services"][0]["principal"] = "同主办单位负责人"  # made the whole document unreadable
    report = run(website)
    assert _errors(report) == [] and report.normalized == {"services[0].principal": "same_as_entity"}


def test_a_website_written_with_names_checks_as_with_codes(website: dict[str, Any]) -> None:
    written = copy.deepcopy(website)
    written["operation"] = "新增备案"
    written["entity"]["nature"] = "企业"
    written["entity"]["certificate"]["type"] = "营业执照"
    written["entity"]["principal"]["id"]["type"] = "身份证"
    written["services"][0]["type"] = "Website"  # was a DocumentError: the document could not be read
    before = copy.deepcopy(written)
    report = run(written, reveal_personal=True)
    assert written == before  # the caller's data is not changed
    assert report.findings == run(website, reveal_personal=True).findings
    assert report.normalized == {
        "entity.certificate.type": "business_license",
        "entity.nature": "enterprise",
        "entity.principal.id.type": "resident_id_card",
        "operation": "new",
        "services[0].type": "website",
    }


def test_an_app_written_with_names(app: dict[str, Any]) -> None:
    app["services"][0]["type"] = "ａｐｐ"  # full width, as a Chinese input method types it
    app["services"][0]["service_type"] = "APP应用"
    app["services"][0]["platforms"][0]["os"] = "安卓"
    app["services"][0]["platforms"][1]["os"] = "IOS"
    app["services"][0]["platforms"][2]["os"] = "鸿蒙"
    report = run(app)
    assert _errors(report) == []
    assert report.normalized == {
        "services[0].platforms[0].os": "android",
        "services[0].platforms[1].os": "ios",
        "services[0].platforms[2].os": "harmonyos",
        "services[0].service_type": "app",
        "services[0].type": "app",
    }


def test_a_name_no_entry_has_is_still_an_error_that_names_the_codes(website: dict[str, Any]) -> None:
    website["entity"]["nature"] = "家庭"  # a household: no nature of the form
    report = run(website)
    assert ("entity.nature-known", "entity.nature") in _errors(report)
    assert "entity.nature" not in report.normalized
    website["services"][0]["type"] = "网页"
    with pytest.raises(DocumentError, match="unknown service type '网页'"):
        run(website)


def test_a_name_two_entries_share_is_left_as_written() -> None:
    store = DataStore()
    store.files = {
        "fields": {"read_by_name": {"entity.nature": "natures.natures"}},
        "natures": {"natures": {"school": {"name_zh": "学校", "name_en": "school"},
                                "private_school": {"name_zh": "民办学校", "name_en": "private school",
                                                   "aliases": ["学校"]}}},
    }
    data = {"entity": {"nature": "学校"}}
    assert vocabulary.read_codes(data, store) == (data, {})
    assert vocabulary.read_codes({"entity": {"nature": "Private-School"}}, store) == (
        {"entity": {"nature": "private_school"}}, {"entity.nature": "private_school"})


def test_languages_as_miit_s_form_names_them(website: dict[str, Any]) -> None:
    """朝鲜语 and 彝文 were not languages, Miao neither, and Yi was Yiddish (not offered)."""
    website["services"][0]["languages"] = ["朝鲜语", "彝文", "Yi", "Miao", "英文", "繁體中文", "zh-CN", "中文"]
    report = run(website)
    assert [f.rule for f in report.findings if f.rule.startswith("service.language")] == []
    assert {k: v for k, v in report.normalized.items() if "languages" in k} == {
        "services[0].languages[0]": "ko", "services[0].languages[1]": "ii", "services[0].languages[2]": "ii",
        "services[0].languages[3]": "hmn", "services[0].languages[4]": "en", "services[0].languages[5]": "zh-Hant",
        "services[0].languages[6]": "zh-Hans", "services[0].languages[7]": "zh-Hans"}


def test_reading_a_document_reads_names_as_a_check_does(website: dict[str, Any]) -> None:
    website["entity"]["nature"] = "企业"
    assert read(website).data["entity"]["nature"] == "enterprise"  # the built-in data
    assert read(website).read_as == {"entity.nature": "enterprise"}
    assert read(website, store=load_rules().data).data["entity"]["nature"] == "enterprise"
    assert website["entity"]["nature"] == "企业"


TABLES = {ref: _codes(ref) for ref, _ in READ_BY_NAME.values()}
_VARIANT = st.sampled_from([str.upper, str.lower, str.title, lambda s: s.replace("_", " "),
                            lambda s: s.replace("_", "-"), lambda s: f"  {s} ",
                            lambda s: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)])


@given(st.sampled_from(sorted(READ_BY_NAME.items())), st.data())
def test_any_spelling_of_a_code_or_name_is_read_as_that_code(field: tuple[str, tuple[str, list[str] | None]],
                                                              data: st.DataObject) -> None:
    entry, (ref, services) = field
    pattern = entry.split(" ")[0]
    code = data.draw(st.sampled_from(sorted(TABLES[ref])))
    row = TABLES[ref][code]
    names = (code, row.get("name_zh"), row.get("name_en"), row.get("zh"), row.get("en"), *row.get("aliases", []))
    name = data.draw(st.sampled_from([n for n in names if n]))
    spelling = data.draw(_VARIANT)(name)
    path = pattern.replace("[*]", "[0]")
    document = _nested(path, spelling)
    if services is not None:  # read only in services of those types: in one of them, and in another
        other = next(t for t in builtin().files["service_types"]["service_types"] if t not in services)
        document["services"][0]["type"] = other
        # not read by this table there (another table of that type may read it: 网络游戏 in an APP is the
        # category 游戏/网络游戏, not the website field online_games)
        assert vocabulary.read_codes(document, builtin())[1].get(path) != row.get("value", code)
        document["services"][0]["type"] = data.draw(st.sampled_from(services))
    out, read_as = vocabulary.read_codes(document, builtin())
    expected = {} if spelling == code else {path: row.get("value", code)}  # 是 is read as true
    assert read_as == expected
    assert vocabulary.read_codes(out, builtin())[1] == {}  # a code is read as itself


def _nested(path: str, value: str) -> dict[str, Any]:
    """{"services": [{"type": value}]} for services[0].type, {"services": [{"languages": [value]}]} for
    services[0].languages[0]."""
    segments = paths.parse(path)

    def build(rest: paths.Segments) -> Any:
        if not rest:
            return value
        return [build(rest[1:])] if isinstance(rest[0], int) else {rest[0]: build(rest[1:])}

    built: dict[str, Any] = build(segments)
    return built


_LEAF = st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from(["企业", "Website", "Yi"])
_JSON = st.recursive(_LEAF,
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.sampled_from(["services", "entity", "type", "nature", "platforms", "os",
                                                        "principal", "id", 0, "operation", "languages"]),
                                       inner, max_size=4),
                     max_leaves=20)


@given(st.dictionaries(st.sampled_from(["services", "entity", "operation", "provider"]), _JSON))
def test_any_shape_of_document_is_read_without_error_or_change(document: dict[str, Any]) -> None:
    before = copy.deepcopy(document)
    out, read_as = vocabulary.read_codes(document, builtin())
    assert document == before
    for path, code in read_as.items():  # each value read is now its code, where it was
        assert paths.get(out, paths.parse(path)) == code != paths.get(document, paths.parse(path))


def test_what_is_read_by_name_follows_the_store_s_files() -> None:
    store = DataStore()
    store.files = {"fields": {"read_by_name": {"operation": "ops.ops"}}, "ops": {"ops": {"new": {"name_zh": "新增"}}}}
    assert vocabulary.read_codes({"operation": "新增"}, store)[1] == {"operation": "new"}
    store.files = {"fields": {"read_by_name": {"operation": "ops.ops"}}, "ops": {"ops": {"renew": {"name_zh": "新增"}}}}
    assert vocabulary.read_codes({"operation": "新增"}, store)[1] == {"operation": "renew"}
