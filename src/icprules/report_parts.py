"""A checked application's report parts, each worked out when it is first read.

Checking a document means reading it and running the rules; the checklist of materials, the
deadlines, the verification path, the canonical forms and the masking of personal values are a
third of the work again, and many callers (a form that shows the findings, a pipeline that reads
``ok``) never read them. :class:`CheckedParts` keeps what they need (the document, the check's
context with its facts and answers already worked out) and builds each part on first read, once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import Any

from . import timeline
from .context import Env
from .evaluation import Context, checklist, decide, normalized
from .primitives.identity import as_date
from .reading.document import Document
from .report.findings import PARTS, Finding
from .report.privacy import MASKED_PARTS, Masker, mask_part, withheld
from .ruleset.model import RuleSet


class CheckedParts:
    """The parts of one check's report (a :class:`~icprules.report.findings.ReportSource`).

    Parts are built under a lock, one at a time and once each: they share the check's context
    (its facts and cached answers), and a report may be read from several threads. Once every part
    has been read, the document and the context are let go.
    """

    def __init__(self, ruleset: RuleSet, doc: Document, env: Env, context: Context, *, today: dt.date,
                 as_of: dt.date, findings: list[Finding], reveal_personal: bool) -> None:
        self._ruleset, self._doc, self._env, self._context = ruleset, doc, env, context
        self._today, self._as_of, self._findings = today, as_of, tuple(findings)
        self._reveal = reveal_personal
        self._masker: Masker | None = None
        self._unmasked_canonical: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._built: dict[str, Any] = {}

    def severities(self) -> tuple[str, ...]:
        return tuple(f.severity for f in self._findings)

    def part(self, name: str) -> Any:
        with self._lock:
            if name in self._built:  # two threads asked at once: the second gets the first one's
                return self._built[name]
            if name == "withheld":  # what masking leaves out of the canonical forms, by path
                value = () if self._reveal else withheld(self._canonical(), self._masking())
            else:
                value = self._make(name)
                if not self._reveal and name in MASKED_PARTS:
                    value = mask_part(name, value, self._masking())
            self._built[name] = value
            if len(self._built) == len(PARTS):
                del self._doc, self._env, self._masker, self._unmasked_canonical
            return value

    def _masking(self) -> Masker:
        if self._masker is None:
            self._masker = Masker.for_document(self._doc.data, self._ruleset.data, self._env.expansions)
        return self._masker

    def _canonical(self) -> dict[str, Any]:
        """The canonical forms before masking, made once for the two parts that read them."""
        if self._unmasked_canonical is None:
            self._unmasked_canonical = normalized(self._ruleset, self._doc, self._env.expansions)
        return self._unmasked_canonical

    def _make(self, name: str) -> Any:
        # Methods, not stored closures: a closure over self would make a cycle, and the document
        # and context of a report read only for ``ok`` would wait for the cyclic collector.
        ruleset, context = self._ruleset, self._context
        if name == "findings":
            return self._findings
        if name in ("operation", "provider"):
            return context[0] if name == "operation" else context[1]
        if name in ("today", "as_of"):
            return self._today if name == "today" else self._as_of
        if name == "normalized":
            return self._canonical()
        if name == "verification":
            return decide(ruleset, self._env, "verification")
        if name == "materials":
            return tuple(with_problems(checklist(ruleset, self._env, context), self._findings))
        if name == "deadlines":
            return tuple(deadlines(ruleset, self._doc.data, self._today, context))
        if name == "produced_by":
            return ruleset.produced_by
        raise KeyError(name)


def with_problems(materials: list[dict[str, Any]], findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """The checklist, each material that is named but has an error on its files marked with those rules.

    ``provided`` says the application names the material; a file that cannot be read, or is too
    small, is still named. A checklist that said only "provided" beside an error on the same file
    told a person the material was ready when a reviewer would refuse it.
    """
    errors = [(f.path, f.rule) for f in findings if f.severity == "error"]
    if not errors:
        return materials
    for material in materials:
        if not material["provided"]:
            continue
        path = material["path"]
        rules = sorted({rule for where, rule in errors
                        if where == path or where.startswith((path + "[", path + "."))})
        if rules:
            material["problems"] = rules
    return materials


def deadlines(ruleset: RuleSet, data: dict[str, Any], day: dt.date, context: Context) -> list[dict[str, Any]]:
    """The deadlines of data/timeline.yaml from the day its clock starts, with their provider details."""
    operation, provider, types, _, _ = context
    table = ruleset.data.files.get("timeline", {})
    entries = table.get("deadlines", [])
    start = as_date(data.get(table.get("starts", {}).get("field", ""))) or day
    out = timeline.deadlines(entries, start=start, operation=operation, service_types=types)
    by_id = {e["id"]: e for e in entries}
    for entry in out:
        ref = by_id[entry["id"]].get("provider_details", {}).get("data")
        details = ruleset.data.resolve(ref).get(provider or "") if ref else None
        if details:
            entry["access"] = {k: v for k, v in details.items() if k != "source"}
    return out
