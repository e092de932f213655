"""The JSON Schema of a report (``icprules/report/v1``), as ``Report.to_dict()`` writes it."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_ID = "https://icprules.dev/schema/report-v1.schema.json"

_BILINGUAL = {"type": "object", "required": ["zh", "en"],
              "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
_CITATION = {"type": "object", "required": ["doc", "section"],
             "properties": {"doc": {"type": "string"}, "section": {"type": "string"},
                            "item": {"type": ["string", "integer"]}, "quote": {"type": "string"},
                            "note": {"type": "string"}}}
_SOURCES = {"type": "array", "items": {"$ref": "#/$defs/citation"}}


def report_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "icprules report / 检查报告",
        "type": "object",
        "required": ["format", "ok", "operation", "provider", "today", "summary", "findings", "verification",
                     "materials", "deadlines", "normalized"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": "icprules/report/v1"},
            "ok": {"type": "boolean", "description": "no finding is an error / 没有错误"},
            "operation": {"type": ["string", "null"]},
            "provider": {"type": ["string", "null"]},
            "today": {"type": ["string", "null"], "format": "date"},
            "as_of": {"type": ["string", "null"], "format": "date",
                      "description": "the day whose rules were applied"},
            "summary": {"type": "object", "required": ["error", "warning", "info"],
                        "additionalProperties": False,
                        "properties": {k: {"type": "integer", "minimum": 0} for k in ("error", "warning", "info")}},
            "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
            "verification": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/verification"}]},
            "materials": {"type": "array", "items": {"$ref": "#/$defs/material"}},
            "deadlines": {"type": "array", "items": {"$ref": "#/$defs/deadline"}},
            "normalized": {"type": "object", "description": "canonical form by field path / 规范形式",
                           "additionalProperties": True},
            "withheld": {"type": "array", "items": {"type": "string"}, "description": (
                "field paths whose canonical form this report leaves out because it holds a personal value "
                "(reveal_personal shows it) / 因含个人信息而未列出规范形式的字段")},
            "produced_by": {
                "type": "object", "description": "what produced the report / 生成报告的版本与规则、数据",
                "properties": {
                    "icprules": {"type": "string", "description": "the icprules version"},
                    "rules_and_data_sha256": {"type": "string", "description": "digest of every pack and data file"},
                    "packs": {"type": "array", "items": {"type": "object"}},
                    "data": {"type": "array", "items": {"type": "object"},
                             "description": "each data file, where it came from and its as_of date"},
                    "calendar": {"type": "object", "description": "the holiday calendar's release"},
                    "overlays": {"type": "array", "items": {"type": "string"},
                                 "description": "packs and data files given beside the shipped ones"},
                },
            },
        },
        "$defs": {
            "bilingual": _BILINGUAL,
            "citation": _CITATION,
            "finding": {
                "type": "object", "required": ["rule", "severity", "path", "message", "source"],
                "additionalProperties": False,
                "properties": {"rule": {"type": "string"}, "severity": {"enum": ["error", "warning", "info"]},
                               "path": {"type": "string"}, "message": {"$ref": "#/$defs/bilingual"},
                               "source": _SOURCES, "value": {}, "line": {"type": "integer", "minimum": 1},
                               "could_not_check": {"type": "string",
                                                   "description": "the rule could not be checked: the error"}},
            },
            "verification": {
                "type": "object", "required": ["result", "reason", "source"], "additionalProperties": False,
                "properties": {"result": {"enum": ["electronic", "manual"]}, "reason": {"$ref": "#/$defs/bilingual"},
                               "source": _SOURCES,
                               "could_not_check": {"type": "string", "description": (
                                   "Set when the condition of an earlier outcome raised: the unexpected error. "
                                   "That outcome was passed over; see to it by hand.")}},
            },
            "material": {
                "type": "object",
                "required": ["id", "name", "scope", "path", "level", "required", "provided", "via_verification",
                             "reason", "source"],
                "additionalProperties": False,
                "properties": {"id": {"type": "string"}, "name": {"$ref": "#/$defs/bilingual"},
                               "scope": {"type": "string"}, "path": {"type": "string"},
                               "level": {"enum": ["required", "info"]}, "required": {"type": "boolean"},
                               "provided": {"type": "boolean"}, "via_verification": {"type": "boolean"},
                               "reason": {"$ref": "#/$defs/bilingual"}, "source": _SOURCES,
                               "spec": {"type": "string"},
                               "problems": {"type": "array", "items": {"type": "string"}, "description": (
                                   "The rules with an error on the material's files: it is named (provided) "
                                   "but cannot be used as it is / 已填写但有错误的规则")},
                               "could_not_check": {"type": "string", "description": (
                                   "Set when the material's conditions raised: the unexpected error. The "
                                   "material is then listed as to be provided.")}},
            },
            "deadline": {
                "type": "object",
                "required": ["id", "name", "after", "due", "estimated", "official_calendar", "note", "source"],
                "additionalProperties": False,
                "properties": {"id": {"type": "string"}, "name": {"$ref": "#/$defs/bilingual"},
                               "after": {"type": "string"}, "due": {"type": "string"},
                               "estimated": {"type": "boolean"}, "official_calendar": {"type": "boolean"},
                               "note": {"type": "object"}, "source": _SOURCES,
                               "access": {"type": "object", "additionalProperties": {"type": "string"}}},
            },
        },
    }


def schema_text() -> str:
    return json.dumps(report_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
