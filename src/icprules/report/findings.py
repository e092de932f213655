"""Findings and the report: small, frozen, deterministic, JSON-ready."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..encoding import jsonable, writable
from ..paths import sort_key_text

REPORT_FORMAT = "icprules/report/v1"
SEVERITY_ORDER = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    path: str
    message: Mapping[str, str]
    source: tuple[Mapping[str, Any], ...]
    value: Any = None
    #: Line in the document file the path points at (its nearest written ancestor), when known.
    line: int | None = None
    #: Set when the rule could not be checked: the unexpected error, for whoever reports it to icprules.
    could_not_check: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (SEVERITY_ORDER.index(self.severity), sort_key_text(self.path), self.rule)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "message": dict(self.message),
            "source": [dict(s) for s in self.source],
        }
        if self.value is not None:
            out["value"] = jsonable(self.value)
        if self.line is not None:
            out["line"] = self.line
        if self.could_not_check is not None:
            out["could_not_check"] = self.could_not_check
        return out


@dataclass(frozen=True)
class Report:
    """The result of checking one application."""

    findings: tuple[Finding, ...]
    operation: str | None = None
    provider: str | None = None
    today: dt.date | None = None
    #: The day whose rules were applied (rules, province requirements and materials in force then).
    as_of: dt.date | None = None
    #: Canonical forms (E.164 phones, A-label domains, hex fingerprints...) by field path,
    #: for the values whose canonical form differs from what was written.
    normalized: Mapping[str, Any] = field(default_factory=dict)
    #: ``{"result": "electronic"|"manual", "reason": {zh, en}, "source": [...]}``
    verification: Mapping[str, Any] | None = None
    #: The checklist: every material needed, where it goes, and whether it is provided.
    materials: tuple[Mapping[str, Any], ...] = ()
    #: Deadlines from the submission date: provider review, SMS window, authority review...
    deadlines: tuple[Mapping[str, Any], ...] = ()
    #: What produced the report: the icprules version, a digest of the rules and data loaded, the
    #: packs and data overlays, and the dates of the data snapshots.
    produced_by: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no finding is an error (warnings and infos do not block)."""
        return not any(f.severity == "error" for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    def by_rule(self, rule_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule == rule_id)

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITY_ORDER, 0)
        for f in self.findings:
            counts[f.severity] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": REPORT_FORMAT,
            "ok": self.ok,
            "operation": self.operation,
            "provider": self.provider,
            "today": self.today.isoformat() if self.today else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "summary": self.summary(),
            "findings": [f.to_dict() for f in self.findings],
            "verification": jsonable(self.verification),
            "materials": jsonable(list(self.materials)),
            "deadlines": jsonable(list(self.deadlines)),
            "normalized": jsonable(self.normalized),
            "produced_by": jsonable(self.produced_by),
        }
        return out

    def to_json(self, **kwargs: Any) -> str:
        """The report as JSON; always encodable (a lone surrogate is written as its JSON escape)."""
        kwargs.setdefault("ensure_ascii", False)
        kwargs.setdefault("indent", 2)
        return writable(json.dumps(self.to_dict(), **kwargs))
