"""The JSON Schema (2020-12) of the v1 input, for portals that build forms from it.

Generated from the pydantic models (the shape) and ``data/fields.yaml`` (bilingual
titles and descriptions, and which fields take their values from a vocabulary), so
neither can fall behind the other: a test fails when a property has no labels.
"""

from __future__ import annotations

import json
from typing import Any

from ..data import DataStore
from .model import Application

SCHEMA_ID = "https://icprules.dev/schema/application-v1.schema.json"
_SERVICE_MODELS = ("Website", "App", "OtherService")


def _labels(entry: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"title": f"{entry['zh']} / {entry['en']}",
                           "x-title": {"zh": entry["zh"], "en": entry["en"]}}
    if entry.get("zh_desc") or entry.get("en_desc"):
        zh, en = entry.get("zh_desc", ""), entry.get("en_desc", "")
        out["description"] = f"{zh} / {en}" if zh and en else zh or en
        out["x-description"] = {"zh": zh, "en": en}
    return out


def _choices(ref: str, data: DataStore) -> dict[str, Any]:
    """Suggested values with their labels (not an enum: an unknown value is a finding, not a shape error)."""
    table = data.resolve(ref)
    return {"examples": list(table),
            "x-choices": [{"value": key, "zh": row.get("name_zh", key), "en": row.get("name_en", key)}
                          for key, row in table.items()]}


def input_schema(data: DataStore | None = None) -> dict[str, Any]:
    data = data or DataStore.load()
    fields = data.resolve("fields")
    schema: dict[str, Any] = Application.model_json_schema(mode="validation")
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    models = {"Application": schema, **defs}
    for model_name, model in models.items():
        if model_name in fields["models"]:
            labels = _labels(fields["models"][model_name])
            model.update(labels)
        for prop, spec in model.get("properties", {}).items():
            key = f"{model_name}.{prop}"
            if key not in fields["fields"] and model_name in _SERVICE_MODELS:
                key = f"Service.{prop}"
            entry = fields["fields"].get(key)
            if entry is not None:
                spec.pop("description", None)
                spec.update(_labels(entry))
            vocabulary = fields["vocabularies"].get(key)
            if vocabulary:
                spec.update(_choices(vocabulary, data))
    provinces = data.resolve("provinces.provinces")
    schema["$defs"]["Entity"]["properties"]["province"].update({
        "examples": [p["code"] for p in provinces],
        "x-choices": [{"value": p["code"], "zh": p["name_zh"], "en": p["name_en"]} for p in provinces],
    })
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID}
    out.update(schema)
    return out


def schema_text(data: DataStore | None = None) -> str:
    return json.dumps(input_schema(data), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
