"""The parts of the OpenAPI document FastAPI cannot see: the application and report schemas.

The check endpoints read their body themselves (JSON, YAML or multipart with attachments), so
their request and response shapes are the library's published JSON Schemas, placed under
``components/schemas`` with their ``$defs`` renamed there (``Application.Person``...).
"""

from __future__ import annotations

from typing import Any

from ..report.schema import report_schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def application_body() -> dict[str, Any]:
    """The request body of the endpoints that take an application."""
    return {
        "required": True,
        "description": ("The application: JSON, YAML, or multipart/form-data with the document in the part "
                        "'document' and each attachment as a file part named by its path in the document "
                        "(files/licence.jpg)."),
        "content": {
            "application/json": {"schema": _ref("Application")},
            "application/yaml": {"schema": {"type": "string"}},
            "multipart/form-data": {"schema": {
                "type": "object",
                "required": ["document"],
                "properties": {"document": {"type": "string", "format": "binary",
                                            "description": "The application, YAML or JSON"}},
                "additionalProperties": {"type": "string", "format": "binary",
                                         "description": "An attachment, named by its path in the document"},
            }},
        },
    }


def document_responses() -> dict[int | str, dict[str, Any]]:
    return {200: {"description": "The report (JSON) or a SARIF 2.1.0 log (?format=sarif)", "content": {
        "application/json": {"schema": _ref("Report")},
        "application/sarif+json": {"schema": {"type": "object"}},
    }}}


def complete(document: dict[str, Any], application: dict[str, Any]) -> dict[str, Any]:
    """Add the application and report schemas to an OpenAPI document FastAPI generated."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for root_name, schema in {"Application": application, "Report": report_schema()}.items():
        defs = schema.pop("$defs", {})
        for key in ("$schema", "$id"):  # an $id would change the base that the refs resolve against
            schema.pop(key, None)
        renames = {f"#/$defs/{name}": f"#/components/schemas/{root_name}.{name}" for name in defs}
        schemas[root_name] = _rewrite(schema, renames)
        for name, spec in defs.items():
            schemas[f"{root_name}.{name}"] = _rewrite(spec, renames)
    return document


def _rewrite(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: renames.get(v, v) if k == "$ref" and isinstance(v, str) else _rewrite(v, renames)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, renames) for v in value]
    return value
