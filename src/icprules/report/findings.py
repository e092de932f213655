"""Findings and the report: small, frozen, deterministic, JSON-ready."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import FrozenInstanceError, dataclass
from typing import Any, Generic, Protocol, TypeVar, overload

from ..encoding import has_orjson, json_bytes, jsonable, orjson_bytes, produced_json, writable
from ..paths import sort_key_text

REPORT_FORMAT = "icprules/report/v1"
SEVERITY_ORDER = ("error", "warning", "info")


def _identity(value: Any) -> Any:
    return value


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

    @classmethod
    def made(cls, rule: str, severity: str, path: str, message: Mapping[str, str],
             source: tuple[Mapping[str, Any], ...], value: Any, line: int | None) -> Finding:
        """``Finding(...)`` for the engine's hot path: a frozen dataclass's ``__init__`` sets each field
        through ``object.__setattr__``, a tenth of the engine's own time on a document with findings.
        tests/test_findings.py holds the two equal."""
        finding = object.__new__(cls)
        finding.__dict__.update(rule=rule, severity=severity, path=path, message=message, source=source,
                                value=value, line=line, could_not_check=None)
        return finding

    def sort_key(self) -> tuple[Any, ...]:
        return (SEVERITY_ORDER.index(self.severity), sort_key_text(self.path), self.rule)

    def to_dict(self) -> dict[str, Any]:
        return self._as_dict(jsonable)

    def _as_dict(self, plain: Callable[[Any], Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "message": dict(self.message),
            "source": [dict(s) for s in self.source],
        }
        if self.value is not None:
            out["value"] = plain(self.value)
        if self.line is not None:
            out["line"] = self.line
        if self.could_not_check is not None:
            out["could_not_check"] = self.could_not_check
        return out


class ReportSource(Protocol):
    """Where a deferred report's parts come from (:mod:`icprules.report_parts`)."""

    def severities(self) -> tuple[str, ...]:
        """The findings' severities (what ``ok`` and ``summary`` read, without the findings themselves)."""

    def part(self, name: str) -> Any:
        """One part of the report, by name (see :data:`PARTS`); asked at most once per part."""


#: A report's parts, in the order of its dictionary.
PARTS = ("findings", "operation", "provider", "today", "as_of", "normalized", "withheld", "verification", "materials",
         "deadlines", "produced_by")
T = TypeVar("T")


class _Part(Generic[T]):
    """A report part: given to the constructor, or asked of the report's source when first read."""

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, report: None, owner: type | None = None) -> _Part[T]: ...
    @overload
    def __get__(self, report: Report, owner: type | None = None) -> T: ...

    def __get__(self, report: Report | None, owner: type | None = None) -> T | _Part[T]:
        if report is None:
            return self
        values = report.__dict__
        if self.name not in values:
            source = report._source
            assert source is not None, "a report made from its parts holds every part"
            values[self.name] = source.part(self.name)
        value: T = values[self.name]
        return value


class Report:
    """The result of checking one application.

    Made from its parts (``Report(findings, operation=...)``), or by :func:`icprules.check` from a
    source that works each part out when it is first read: a caller that reads ``ok`` and the
    findings does not pay for the checklist, the deadlines, the canonical forms or their masking.
    Either way a report reads, compares and serialises the same, and cannot be changed once made.
    """

    _source: ReportSource | None
    _severities: tuple[str, ...]

    findings = _Part[tuple[Finding, ...]]("The findings, ordered by severity, field path and rule id.")
    operation = _Part[str | None]("The operation the application was checked as (``new``, ``change_info``...).")
    provider = _Part[str | None]("The access provider whose rules applied.")
    today = _Part[dt.date | None]("The day the check was made on.")
    as_of = _Part[dt.date | None](
        "The day whose rules were applied (rules, province requirements and materials in force then).")
    normalized = _Part[Mapping[str, Any]](
        "Canonical forms (E.164 phones, A-label domains, hex fingerprints...) by field path, for the values "
        "whose canonical form differs from what was written.")
    withheld = _Part[tuple[str, ...]](
        "The field paths whose canonical form is left out of this report because it holds a personal value "
        "(a masked value is never offered as the value to submit); ``reveal_personal`` shows them.")
    verification = _Part[Mapping[str, Any] | None](
        '``{"result": "electronic"|"manual", "reason": {zh, en}, "source": [...]}``')
    materials = _Part[tuple[Mapping[str, Any], ...]](
        "The checklist: every material needed, where it goes, and whether it is provided.")
    deadlines = _Part[tuple[Mapping[str, Any], ...]](
        "Deadlines from the submission date: provider review, SMS window, authority review...")
    produced_by = _Part[Mapping[str, Any]](
        "What produced the report: the icprules version, a digest of the rules and data loaded, the packs "
        "and data overlays, and the dates of the data snapshots.")

    def __init__(self, findings: tuple[Finding, ...] = (), operation: str | None = None,
                 provider: str | None = None, today: dt.date | None = None, as_of: dt.date | None = None,
                 normalized: Mapping[str, Any] | None = None, withheld: tuple[str, ...] = (),
                 verification: Mapping[str, Any] | None = None,
                 materials: tuple[Mapping[str, Any], ...] = (), deadlines: tuple[Mapping[str, Any], ...] = (),
                 produced_by: Mapping[str, Any] | None = None) -> None:
        self.__dict__.update(
            findings=tuple(findings), operation=operation, provider=provider, today=today, as_of=as_of,
            normalized={} if normalized is None else normalized, withheld=tuple(withheld), verification=verification,
            materials=tuple(materials), deadlines=tuple(deadlines),
            produced_by={} if produced_by is None else produced_by, _source=None,
            _severities=tuple(f.severity for f in findings))

    @classmethod
    def deferred(cls, source: ReportSource) -> Report:
        """A report whose parts ``source`` works out when each is first read."""
        report = cls.__new__(cls)
        report.__dict__.update(_source=source, _severities=source.severities())
        return report

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}: a report cannot be changed")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}: a report cannot be changed")

    def __reduce__(self) -> tuple[type[Report], tuple[Any, ...]]:
        # A copy or a pickle carries the parts themselves (each worked out now), never the source.
        return Report, self._parts()

    def _parts(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in PARTS)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Report) and self._parts() == other._parts()

    __hash__ = None  # type: ignore[assignment]  # equal by value, and its parts are mappings

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.summary().items())
        return f"<Report {'ok' if self.ok else 'not ok'}: {shown}>"

    @property
    def ok(self) -> bool:
        """True when no finding is an error (warnings and infos do not block)."""
        return "error" not in self._severities

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    def by_rule(self, rule_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule == rule_id)

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITY_ORDER, 0)
        for severity in self._severities:
            counts[severity] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return self._as_dict(jsonable, jsonable(self.produced_by))

    def to_json_bytes(self) -> bytes:
        """The report as compact UTF-8 JSON (what the service answers): ``json_bytes(to_dict())``.

        With orjson (the ``serve`` extra) the parts are written as they are, without the plain copy
        ``to_dict`` makes (a tenth of a check), and what produced the report, the same for every
        report of a rule set, is written once per rule set. tests/test_outputs.py compares the bytes.
        """
        fast = orjson_bytes(self._as_dict(_identity, produced_json(self.produced_by))) if has_orjson() else None
        return fast if fast is not None else json_bytes(self.to_dict())

    def _as_dict(self, plain: Callable[[Any], Any], produced_by: Any) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": REPORT_FORMAT,
            "ok": self.ok,
            "operation": self.operation,
            "provider": self.provider,
            "today": self.today.isoformat() if self.today else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "summary": self.summary(),
            "findings": [f._as_dict(plain) for f in self.findings],
            "verification": plain(self.verification),
            "materials": plain(list(self.materials)),
            "deadlines": plain(list(self.deadlines)),
            "normalized": plain(self.normalized),
            "withheld": list(self.withheld),
            "produced_by": produced_by,
        }
        return out

    def to_json(self, **kwargs: Any) -> str:
        """The report as JSON; always encodable (a lone surrogate is written as its JSON escape)."""
        kwargs.setdefault("ensure_ascii", False)
        kwargs.setdefault("indent", 2)
        return writable(json.dumps(self.to_dict(), **kwargs))
