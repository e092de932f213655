"""Reading applications: every accepted form, and clear located errors for the rest."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import icprules
from conftest import EXAMPLES, base, run
from icprules.errors import DocumentError
from icprules.reading import document


@pytest.mark.parametrize("name", ["website-application.yaml", "app-application.yaml"])
def test_examples_accepted_as_yaml_json_and_dict(name: str, tmp_path: Path) -> None:
    path = EXAMPLES / name
    from_file = icprules.read_document(path)
    as_json = json.dumps(from_file.data, ensure_ascii=False, default=str)
    (tmp_path / "doc.json").write_text(as_json, encoding="utf-8")
    from_json = icprules.read_document(tmp_path / "doc.json")
    from_text = icprules.read_document(path.read_text(encoding="utf-8"))
    from_dict = icprules.read_document(base(name.split("-")[0]))
    assert from_file.model == from_text.model == from_dict.model
    # JSON has no date type: the same document, with dates as text.
    assert from_json.model.entity.name == from_file.model.entity.name
    assert run(tmp_path / "doc.json", base_dir=EXAMPLES).ok


def test_base_dir_defaults_to_the_documents_folder() -> None:
    doc = icprules.read_document(EXAMPLES / "website-application.yaml")
    assert doc.base_dir == EXAMPLES.resolve()


def test_nothing_the_user_wrote_is_dropped(website: dict[str, Any]) -> None:
    website["entity"]["x_portal_ref"] = "A-17"
    website["services"][0]["custom"] = {"k": [1, 2]}
    doc = icprules.read_document(website)
    assert doc.data["entity"]["x_portal_ref"] == "A-17"
    assert doc.data["services"][0]["custom"] == {"k": [1, 2]}
    assert "account" in doc.data and "submitted_on" in doc.data


def test_unquoted_numbers_are_taken_as_text(website: dict[str, Any]) -> None:
    website["entity"]["principal"]["phone"] = 13800138000
    doc = icprules.read_document(website)
    assert doc.data["entity"]["principal"]["phone"] == "13800138000"


def _error(source: Any) -> icprules.DocumentError:
    with pytest.raises(icprules.DocumentError) as info:
        icprules.read_document(source)
    return info.value


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("format: icprules/application/v1\nentity:\n  name: [unclosed\n", encoding="utf-8")
    err = _error(path)
    (problem,) = err.problems
    assert problem.file == str(path) and problem.line is not None
    assert "not valid YAML" in problem.message
    assert str(path) in str(err)


def test_malformed_json_names_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"format": "icprules/application/v1",\n "entity": }', encoding="utf-8")
    (problem,) = _error(path).problems
    assert problem.line == 2 and "not valid JSON" in problem.message


def test_missing_entity(website: dict[str, Any]) -> None:
    del website["entity"]
    (problem,) = _error(website).problems
    assert problem.path == "entity" and "missing" in problem.message


def test_list_where_a_mapping_is_due_is_located() -> None:
    text = "format: icprules/application/v1\nentity:\n  principal: [a, b]\n"
    (problem,) = _error(text).problems
    assert problem.path == "entity.principal"
    assert problem.line == 3
    assert "expected a mapping" in problem.message


def test_a_document_without_its_format_line_is_read_as_v1_and_asked_for_it(website: dict[str, Any]) -> None:
    """It was unreadable as a whole; every rule now runs, and one warning asks for the line."""
    whole = run(website)
    for unmarked in ({k: v for k, v in website.items() if k != "format"}, {**website, "format": None}):
        before = copy.deepcopy(unmarked)
        report = run(unmarked)
        assert unmarked == before
        (warning,) = [f for f in report.findings if f.rule == "document.format-stated"]
        assert warning.severity == "warning" and warning.path == "format"
        assert [f for f in report.findings if f is not warning] == list(whole.findings)
        assert report.normalized["format"] == "icprules/application/v1"
    text = "entity:\n  name: 北京示例科技有限公司\nservices: []\n"
    document = icprules.read_document(text)
    assert "format" not in document.data and document.model.format == "icprules/application/v1"


def test_a_block_where_a_list_of_blocks_goes_is_read_as_a_list_of_one() -> None:
    text = "format: icprules/application/v1\nentity: {name: x}\nservices:\n  type: website\n  name: 示例\n" \
           "  domains:\n    - example.com.cn\n"
    document = icprules.read_document(text)
    assert document.data["services"] == [{"type": "website", "name": "示例", "domains": ["example.com.cn"]}]
    assert document.read_as == {"services": document.data["services"]}  # one canonical form, not one per field
    assert document.line_of(("services", 0, "domains", 0)) == 7  # located where it is written
    assert document.line_of(("services", 0, "name")) == 5


def test_unknown_format(website: dict[str, Any]) -> None:
    website["format"] = "icprules/application/v9"
    (problem,) = _error(website).problems
    assert problem.path == "format" and "unknown format" in problem.message


def test_unknown_service_type(website: dict[str, Any]) -> None:
    website["services"][0]["type"] = "wesbite"
    (problem,) = _error(website).problems
    assert problem.path == "services[0].type" or problem.path == "services[0]"
    assert "wesbite" in problem.message


def test_duplicate_keys_are_an_error_not_a_silent_overwrite() -> None:
    text = "format: icprules/application/v1\nentity:\n  name: A\n  name: B\n"
    (problem,) = _error(text).problems
    assert "duplicate key 'name'" in problem.message and problem.line == 4


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("format: icprules/application/v1\nentity:\n  name: 北京\n".encode("gbk"))
    (problem,) = _error(path).problems
    assert "UTF-8" in problem.message


def test_missing_file_is_a_document_error() -> None:
    (problem,) = _error("no/such/application.yaml").problems
    assert "cannot read file" in problem.message


def test_not_a_mapping() -> None:
    (problem,) = _error("- just\n- a list\n").problems
    assert "mapping" in problem.message


_tree = st.recursive(
    st.one_of(st.text(max_size=7), st.integers(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=3), inner, max_size=5)),
    max_leaves=30)


@settings(max_examples=800, deadline=None)
@given(_tree)
def test_the_quick_bounds_walk_agrees_with_the_one_that_locates(value: Any) -> None:
    """Small limits, so that generated documents cross each of them; the quick walk says whether a
    document is within them, and the located walk raises exactly when it is not."""
    limits = {"MAX_TEXT": 5, "MAX_ITEMS": 3, "MAX_DEPTH": 3, "MAX_VALUES": 12}
    with pytest.MonkeyPatch.context() as patch:
        for name, limit in limits.items():
            patch.setattr(document, name, limit)
        try:
            document._locate_bounds(value, document.Positions(None))
            located = True
        except DocumentError:
            located = False
        assert document._within_bounds(value) is located


def test_an_unknown_field_says_what_it_may_have_meant() -> None:
    """A field the input does not define was 'Is the name misspelt?' whatever it was: now it names the
    field it is elsewhere, or the field beside it that it is close to."""
    from conftest import TODAY, base, run

    doc = base("website")
    doc["operation"] = "change_info"
    doc["record_number"] = "京ICP备05070872号"
    doc["entity"]["record_number"] = "京ICP备05070872号"  # a field of the application, written under entity
    doc["entity"]["certificate"]["adress"] = "北京市朝阳区"
    doc["services"][0]["domian"] = ["example.cn"]
    doc["services"][0]["colour"] = "blue"
    found = {f.path: f.message for f in run(doc, today=TODAY).by_rule("document.unknown-field")}
    assert 'That name is a field at "record_number"' in found["entity.record_number"]["en"]
    assert "这个字段名属于“record_number”" in found["entity.record_number"]["zh"]
    assert 'Did you mean "entity.certificate.address"?' in found["entity.certificate.adress"]["en"]
    assert 'Did you mean "services[0].domains"?' in found["services[0].domian"]["en"]
    assert "Is the name misspelt?" in found["services[0].colour"]["en"]
    assert "是否拼错了字段名" in found["services[0].colour"]["zh"]
