"""The rule-file JSON Schema, generated from the registry of primitives.

Each registered check and transform contributes its own parameter schema, so the
schema can never fall behind the code; ``schema/rule-file.schema.json`` is the
published copy and a test fails when it drifts from what this module generates.
``if``/``then`` per operator (rather than one big ``oneOf``) keeps validation errors
pointed at the real mistake.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from .. import primitives  # noqa: F401 - importing it registers the built-in checks
from ..language.syntax import COMPARISONS, TYPE_NAMES
from ..registry import CHECKS, TRANSFORMS

SCHEMA_ID = "https://icprules.dev/schema/rule-file.schema.json"
RULE_ID_PATTERN = r"^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$"

_BILINGUAL = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {"zh": {"type": "string", "minLength": 1}, "en": {"type": "string", "minLength": 1}},
    "additionalProperties": False,
}


def _with_data_refs(params: dict[str, Any]) -> dict[str, Any]:
    """Let every parameter alternatively be ``{data: REF}``."""
    out: dict[str, Any] = json.loads(json.dumps(params))
    for name, prop in list(out.get("properties", {}).items()):
        out["properties"][name] = {"anyOf": [prop, {"$ref": "#/$defs/data_ref"}]}
    return out


def _condition_schema() -> dict[str, Any]:
    keys = sorted({"all", "any", "not", "exists", "every", "some", "satisfies", "check", "with",
                   "field", "fact", "transform", *COMPARISONS})
    branches: list[dict[str, Any]] = [
        {"if": {"required": ["all"]}, "then": {"properties": {"all": {"$ref": "#/$defs/condition_list"}}}},
        {"if": {"required": ["any"]}, "then": {"properties": {"any": {"$ref": "#/$defs/condition_list"}}}},
        {"if": {"required": ["not"]}, "then": {"properties": {"not": {"$ref": "#/$defs/condition"}}}},
        {"if": {"required": ["exists"]}, "then": {"properties": {"exists": {"$ref": "#/$defs/path"}}}},
        {"if": {"required": ["every"]}, "then": {"required": ["satisfies"], "properties": {
            "every": {"$ref": "#/$defs/path"}, "satisfies": {"$ref": "#/$defs/condition"}}}},
        {"if": {"required": ["some"]}, "then": {"required": ["satisfies"], "properties": {
            "some": {"$ref": "#/$defs/path"}, "satisfies": {"$ref": "#/$defs/condition"}}}},
        {"if": {"required": ["check"]}, "then": {"properties": {
            "check": {"enum": sorted(CHECKS)}, "field": {"$ref": "#/$defs/path"},
            "fact": {"type": "string"}, "transform": {"$ref": "#/$defs/transforms"},
            "with": {"type": "object"}}}},
        {"if": {"anyOf": [{"required": ["field"]}, {"required": ["fact"]}], "not": {"required": ["check"]}},
         "then": {"properties": {
             "field": {"$ref": "#/$defs/path"}, "fact": {"type": "string"},
             "transform": {"$ref": "#/$defs/transforms"},
             "equals": {"$ref": "#/$defs/operand"}, "in": {"$ref": "#/$defs/list_operand"},
             "matches": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/data_ref"}]},
             "length": {"type": "object", "minProperties": 1, "additionalProperties": False,
                        "properties": {"min": {"anyOf": [{"type": "integer", "minimum": 0},
                                                         {"$ref": "#/$defs/data_ref"}]},
                                       "max": {"anyOf": [{"type": "integer", "minimum": 0},
                                                         {"$ref": "#/$defs/data_ref"}]}}},
             "gt": {"$ref": "#/$defs/operand"}, "ge": {"$ref": "#/$defs/operand"},
             "lt": {"$ref": "#/$defs/operand"}, "le": {"$ref": "#/$defs/operand"},
             "is": {"enum": list(TYPE_NAMES)}}}},
    ]
    for name in sorted(CHECKS):
        branches.append({
            "if": {"required": ["check"], "properties": {"check": {"const": name}}},
            "then": {"properties": {"with": _with_data_refs(CHECKS[name].params)}},
        })
    return {
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"enum": keys},
        "allOf": branches,
    }


def _transform_schema() -> dict[str, Any]:
    names = sorted(TRANSFORMS)
    one_param = [
        {"type": "object", "minProperties": 1, "maxProperties": 1, "required": [n],
         "properties": {n: _with_data_refs(TRANSFORMS[n].params)}}
        for n in names
    ]
    single = {"anyOf": [{"enum": names}, *one_param]}
    return {"anyOf": [single, {"type": "array", "minItems": 1, "items": single}]}


def _citation() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["doc", "section"],
        "additionalProperties": False,
        "properties": {
            "doc": {"type": "string", "description": "a document id from data/sources.yaml"},
            "section": {"type": "string", "minLength": 1},
            "item": {"type": ["string", "integer"]},
            "quote": {"type": "string"},
            "note": {"type": "string"},
        },
    }


#: What a pack's rules are, from the most general layer to the most particular.
LAYERS = ("national", "province", "provider", "platform")
#: Who requires a rule. A rule of observed practice is never an error (a load error says so).
AUTHORITIES = ("national", "communications_administration", "provider", "platform", "observed")


@lru_cache(maxsize=1)
def rule_file_schema() -> dict[str, Any]:
    rule: dict[str, Any] = {
        "type": "object",
        "required": ["id", "severity", "message", "source", "assert"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": RULE_ID_PATTERN},
            "title": {"$ref": "#/$defs/bilingual"},
            "severity": {"enum": ["error", "warning", "info"]},
            "applies_to": {
                "type": "object", "additionalProperties": False,
                "properties": {k: {"type": "array", "items": {"type": "string"}, "minItems": 1}
                               for k in ("services", "operations", "providers", "provinces")},
            },
            "each": {"anyOf": [{"$ref": "#/$defs/path"},
                               {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/path"}}]},
            "when": {"$ref": "#/$defs/condition"},
            "assert": {"$ref": "#/$defs/condition"},
            "path": {"$ref": "#/$defs/path"},
            "params": {"type": "object", "additionalProperties": {"$ref": "#/$defs/operand"}},
            "message": {"$ref": "#/$defs/bilingual"},
            "source": {"anyOf": [{"$ref": "#/$defs/citation"},
                                 {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/citation"}}]},
            "deprecated": {"type": "object", "required": ["on"], "additionalProperties": False,
                           "properties": {"on": {}, "successor": {"type": "string"},
                                          "reason": {"type": "string"}}},
            "effective": {"$ref": "#/$defs/effective"},
            "superseded_by": {"type": "string", "pattern": RULE_ID_PATTERN},
            "authority": {"$ref": "#/$defs/authority"},
        },
    }
    fact = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "description": {"$ref": "#/$defs/bilingual"},
            "value": {"$ref": "#/$defs/operand"},
            "condition": {"$ref": "#/$defs/condition"},
        },
        "oneOf": [{"required": ["value"]}, {"required": ["condition"]}],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "icprules rule pack",
        "description": "A YAML rule pack for icprules (format icprules/rules/v1).",
        "type": "object",
        "required": ["format", "pack"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": "icprules/rules/v1"},
            "pack": {"type": "string", "pattern": r"^[a-z][a-z0-9_-]*$"},
            "title": {"$ref": "#/$defs/bilingual"},
            "description": {"$ref": "#/$defs/bilingual"},
            "facts": {"type": "object", "propertyNames": {"pattern": r"^[a-z][a-z0-9_]*$"},
                      "additionalProperties": {"$ref": "#/$defs/fact"}},
            "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
            "decisions": {
                "type": "object", "propertyNames": {"pattern": r"^[a-z][a-z0-9_]*$"},
                "additionalProperties": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/option"}},
            },
            "materials": {"type": "array", "items": {"$ref": "#/$defs/material"}},
            "normalize": {"type": "array", "items": {
                "type": "object", "required": ["each", "transform"], "additionalProperties": False,
                "properties": {"each": {"$ref": "#/$defs/path"}, "transform": {"$ref": "#/$defs/transforms"}},
            }},
            "disable": {"type": "array", "items": {"type": "string", "pattern": RULE_ID_PATTERN}},
            "layer": {"enum": list(LAYERS),
                      "description": "what the pack's rules are: national law, a province's, a provider's or "
                                     "a platform's"},
            "authority": {"$ref": "#/$defs/authority"},
            "effective": {"$ref": "#/$defs/effective"},
        },
        "$defs": {
            "authority": {"enum": list(AUTHORITIES),
                          "description": "who requires it: national law, a Communications Administration, the "
                                         "provider, the platform, or observed practice (never an error)"},
            "effective": {"type": "object", "minProperties": 1, "additionalProperties": False,
                          "description": "in force from this day (inclusive) until that day (exclusive)",
                          "properties": {"from": {"description": "a date, YYYY-MM-DD"},
                                         "until": {"description": "a date, YYYY-MM-DD"}}},
            "bilingual": _BILINGUAL,
            "path": {"type": "string"},
            "data_ref": {"type": "object", "required": ["data"], "additionalProperties": False,
                         "properties": {"data": {"type": "string", "minLength": 1}}},
            "data_value": {"type": "object", "required": ["data"], "additionalProperties": False,
                           "description": "data, through transforms (item by item for a list), read at load",
                           "properties": {"data": {"type": "string", "minLength": 1},
                                          "transform": {"$ref": "#/$defs/transforms"}}},
            "field_ref": {"type": "object", "required": ["field"], "additionalProperties": False,
                          "properties": {"field": {"$ref": "#/$defs/path"},
                                         "transform": {"$ref": "#/$defs/transforms"}}},
            "fact_ref": {"type": "object", "required": ["fact"], "additionalProperties": False,
                         "properties": {"fact": {"type": "string"},
                                        "transform": {"$ref": "#/$defs/transforms"}}},
            "operand": {"anyOf": [
                {"$ref": "#/$defs/field_ref"}, {"$ref": "#/$defs/fact_ref"}, {"$ref": "#/$defs/data_value"},
                {"type": ["string", "number", "boolean", "null", "array"]},
            ]},
            "list_operand": {"anyOf": [{"type": "array"}, {"$ref": "#/$defs/data_value"},
                                       {"$ref": "#/$defs/field_ref"}, {"$ref": "#/$defs/fact_ref"}]},
            "transforms": _transform_schema(),
            "condition": _condition_schema(),
            "condition_list": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}},
            "citation": _citation(),
            "fact": fact,
            "rule": rule,
            "option": {
                "type": "object", "required": ["result", "reason", "source"], "additionalProperties": False,
                "properties": {"result": {"type": "string"}, "when": {"$ref": "#/$defs/condition"},
                               "reason": {"$ref": "#/$defs/bilingual"},
                               "params": {"type": "object", "additionalProperties": {"$ref": "#/$defs/operand"}},
                               "source": rule["properties"]["source"]},
            },
            "material": {
                "type": "object", "required": ["id", "name", "scope", "reason", "source"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
                    "name": {"$ref": "#/$defs/bilingual"},
                    "scope": {"enum": ["application", "entity", "service"]},
                    "level": {"enum": ["required", "info"]},
                    "services": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "operations": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "providers": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "provinces": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "effective": {"$ref": "#/$defs/effective"},
                    "authority": {"$ref": "#/$defs/authority"},
                    "each": rule["properties"]["each"],
                    "when": {"$ref": "#/$defs/condition"},
                    "via_verification": {"$ref": "#/$defs/condition"},
                    "provided": {"$ref": "#/$defs/condition"},
                    "path": {"$ref": "#/$defs/path"},
                    "spec": {"type": "string"},
                    "params": rule["properties"]["params"],
                    "reason": {"$ref": "#/$defs/bilingual"},
                    "message": {"$ref": "#/$defs/bilingual"},
                    "source": rule["properties"]["source"],
                },
            },
        },
    }


def schema_text() -> str:
    return json.dumps(rule_file_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
