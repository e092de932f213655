"""Published schemas: the input schema for portals and the report schema, and their drift."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import icprules
from conftest import run
from icprules.reading import input_schema
from icprules.report import schema as report_schema
from icprules.resources import shipped

SCHEMAS = Path(str(shipped("schema")))


def _json(value: Any) -> Any:
    """What the document is once it travels as JSON (dates become text)."""
    return json.loads(json.dumps(value, default=str))


@pytest.mark.parametrize(("name", "text"), [
    ("application-v1.schema.json", lambda: input_schema.schema_text(
        icprules.default_rules().data, [r.spec for r in icprules.default_rules().in_force(dt.date.today())])),
    ("report-v1.schema.json", report_schema.schema_text),
])
def test_committed_schemas_match_the_code(name: str, text: Any) -> None:
    assert (SCHEMAS / name).read_text(encoding="utf-8") == text(), f"regenerate with icprules schema > {name}"


def test_both_examples_validate_against_the_input_schema(website: dict[str, Any], app: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(icprules.application_schema())
    validator.validate(_json(website))
    validator.validate(_json(app))


@pytest.mark.parametrize("breakage", [
    lambda d: d.pop("entity"),
    lambda d: d.update(format="icprules/application/v2"),
    lambda d: d.update(services="示例网站"),  # a block there is read as a list of one; a text is not
    lambda d: d["entity"].update(principal=["张三"]),
    lambda d: d["services"][0].update(type="forum"),
])
def test_a_broken_document_is_rejected_by_the_schema_and_the_library(website: dict[str, Any], breakage: Any) -> None:
    breakage(website)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_json(website), icprules.application_schema(), cls=jsonschema.Draft202012Validator)
    with pytest.raises(icprules.DocumentError):
        icprules.read_document(website)


def test_every_field_has_bilingual_labels() -> None:
    schema = icprules.application_schema()
    models = {"Application": schema, **schema["$defs"]}
    for name, model in models.items():
        assert set(model["x-title"]) == {"zh", "en"}, name
        for prop, spec in model.get("properties", {}).items():
            assert spec["x-title"]["zh"] and spec["x-title"]["en"], f"{name}.{prop}: add it to data/fields.yaml"


def test_vocabularies_are_offered_as_choices() -> None:
    entity = icprules.application_schema()["$defs"]["Entity"]["properties"]
    assert {"const": "enterprise", "title": "企业 / enterprise", "x-title": {"zh": "企业", "en": "enterprise"}} \
        in entity["nature"]["oneOf"]
    assert "BJ" in [c["const"] for c in entity["province"]["oneOf"]]


def test_reports_validate_against_the_report_schema(website: dict[str, Any], app: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(report_schema.report_schema())
    validator.validate(run(app).to_dict())
    website["entity"]["province"] = "XZ"
    website["entity"]["principal"]["id"]["type"] = "passport"
    report = run(website).to_dict()
    assert report["findings"] and report["verification"]["result"] == "manual"
    validator.validate(report)
    empty = icprules.Report(findings=()).to_dict()
    validator.validate(empty)
