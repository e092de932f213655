"""RFC 9457 problem details: every error the service answers, in one shape.

A portal written in any language reads ``status``, ``title`` and ``detail``; the ``problems``
list carries the same located problems (file, line, column, path) that the CLI prints, and a
record number's refusal carries its reason code and a message in Chinese and English.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ..data import DataStore
from ..encoding import json_bytes_of, writable
from ..errors import Problem

MEDIA_TYPE = "application/problem+json"


class SafeJSONResponse(JSONResponse):
    """JSON that can always be sent: a lone surrogate from a document is written as its escape."""

    @staticmethod
    def dump(content: Any) -> bytes:
        return json_bytes_of(content)

    def render(self, content: Any) -> bytes:
        return self.dump(content)


class LocatedProblem(BaseModel):
    """One located problem, as the CLI prints it."""

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None


class ProblemDetails(BaseModel):
    """An error answer (RFC 9457)."""

    type: str = Field(description="A URN naming the kind of problem: urn:icprules:problem:<kind>")
    title: str
    status: int
    detail: str
    problems: list[LocatedProblem] = Field(default_factory=list)
    code: str | None = Field(default=None, description="A reason code of data/reasons.yaml, when there is one")
    message: dict[str, str] | None = Field(default=None, description="The reason in zh and en")
    titles: dict[str, str] = Field(default_factory=dict, description="The title in zh and en (data/ui.yaml)")


def titles(store: DataStore, kind: str, status: int) -> dict[str, str]:
    """The title of a kind of problem in each language (data/ui.yaml, section ``problems``)."""
    table = store.resolve("ui.problems")
    out = {}
    for lang, words in table.items():
        found = words.get(f"{kind}_{status}") or words.get(kind)
        if found:
            out[lang] = found
    return out


def problem(status: int, kind: str, detail: str, *, store: DataStore,
            problems: tuple[Problem, ...] | list[Problem] = (), **extra: Any) -> JSONResponse:
    named = titles(store, kind, status)
    body: dict[str, Any] = {
        "type": f"urn:icprules:problem:{kind}",
        "title": named.get("en") or kind,
        "titles": named,
        "status": status,
        "detail": writable(detail),
        "problems": [{k: writable(v) if isinstance(v, str) else v for k, v in dataclasses.asdict(p).items()}
                     for p in problems],
        **extra,
    }
    return SafeJSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


#: What every endpoint may answer besides its success, for the OpenAPI document.
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ProblemDetails, "description": text, "content": {MEDIA_TYPE: {}}}
    for code, text in {
        413: "The request, a part or the attachments are larger than the limits (data/limits.yaml)",
        415: "The body is not JSON, YAML or multipart/form-data",
        422: "The document cannot be read as an application, or a parameter is invalid",
    }.items()
}
