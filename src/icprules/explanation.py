"""Explain one rule's decision on one document: the values it read and each step's outcome.

An explanation is the rule evaluated with a tracer (:func:`icprules.evaluation.trace_rule`):
the same closures as a check, each wrapped to record what it asked, the value it saw and its
answer. This module only selects the rule, masks personal data and formats the steps.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .context import TraceStep
from .data import ui
from .evaluation import ItemTrace, applies, by_profile, document_context, trace_rule
from .messages import show
from .paths import MISSING
from .reading.model import Application
from .report.findings import Finding, Report
from .report.privacy import Masker, mask_report, read_masked
from .ruleset.model import RuleSet


@dataclass
class Explanation:
    rule: str
    severity: str
    title: Mapping[str, str]
    condition: str
    applicable: bool
    why_not: str | None
    items: list[ItemTrace]

    @property
    def findings(self) -> list[Finding]:
        return [i.finding for i in self.items if i.finding is not None]

    def to_text(self, lang: str = "en") -> str:
        t = ui("explain", lang)
        lines = [f"{self.rule} ({self.severity}): {self.title.get(lang, '')}", f"  {self.condition}"]
        if not self.applicable:
            lines.append(f"  {t['not_applicable']}: {self.why_not}")
        elif not self.items:
            lines.append(f"  {t['no_items']}")
        for item in self.items:
            lines.append("")
            lines.append(f"{t['item']}: {item.path or '(document)'}")
            if item.when:
                lines.append(f"  when → {t[str(item.applies).lower()]}")
                lines.extend(_steps(item.when))
            if not item.applies:
                lines.append(f"  {t['does_not_apply']}")
                continue
            lines.append(f"  assert → {t[str(bool(item.passed)).lower()]}")
            lines.extend(_steps(item.assertion))
            if item.finding is not None:
                lines.append(f"  ⇒ {item.finding.severity} {item.finding.path}: {item.finding.message.get(lang, '')}")
            else:
                lines.append(f"  ⇒ {t['passes']}")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        def steps(trace: list[TraceStep]) -> list[dict[str, Any]]:
            return [{"depth": s.depth, "what": s.what, "result": s.result,
                     **({} if s.value is MISSING else {"value": show(s.value)})} for s in trace]

        return {
            "rule": self.rule, "severity": self.severity, "title": dict(self.title), "condition": self.condition,
            "applicable": self.applicable, "why_not": self.why_not,
            "items": [{"path": i.path, "applies": i.applies, "when": steps(i.when), "passed": i.passed,
                       "assert": steps(i.assertion),
                       "finding": i.finding.to_dict() if i.finding else None} for i in self.items],
        }


def _steps(trace: list[TraceStep]) -> list[str]:
    out = []
    for s in trace:
        value = "" if s.value is MISSING else f"   [{_short(s.value)}]"
        out.append(f"  {'  ' * (s.depth + 1)}{s.what} → {'true' if s.result else 'false'}{value}")
    return out


def _short(value: Any) -> str:
    text = "(absent)" if value is None else show(value)
    return text if len(text) <= 60 else text[:57] + "..."


def explain(rule_id: str, document: str | os.PathLike[str] | Mapping[str, Any] | Application, *,
            rules: RuleSet, today: dt.date, base_dir: str | os.PathLike[str] | None = None,
            reveal_personal: bool = True, as_of: dt.date | None = None) -> Explanation:
    """Evaluate one rule with tracing (its version in force ``as_of``). Raises KeyError for an unknown rule id."""
    rule = rules.rule(rule_id, as_of)
    doc = read_masked(document, base_dir=base_dir, store=rules.data, reveal_personal=reveal_personal)
    operation, provider, types, province, day = document_context(rules, doc.data, as_of or today)
    condition = (f"when {rule.when.describe()}; " if rule.when else "") + f"assert {rule.assert_.describe()}"
    if not applies(rule, operation, provider, types, province, day) or not by_profile(rules, rule, provider):
        def scope(values: frozenset[str] | None) -> str:
            return str(sorted(values)) if values else "any"

        why = (f"operation {operation!r}, provider {provider!r}, services {sorted(types)}, province {province!r}, "
               f"as of {day}; the rule applies to operations {scope(rule.operations)}, providers "
               f"{scope(rule.providers)}, services {scope(rule.services)}, provinces {scope(rule.provinces)}, "
               f"from {rule.effective_from or 'any day'} until {rule.effective_until or 'now'}")
        return Explanation(rule.id, rule.severity, rule.title, condition, False, why, [])
    traced = trace_rule(rules, rule, doc, today=today)
    if not reveal_personal:
        masker = Masker.for_document(doc.data, rules.data)
        for entry in traced:
            entry.path = masker.path(entry.path)  # a personal value written as a key is in the path
            for step in (*entry.when, *entry.assertion):
                if step.value is not MISSING and isinstance(step.value, (str, list, dict)):
                    step.value = masker.value(step.value)
            if entry.finding is not None:
                entry.finding = mask_report(Report((entry.finding,)), masker).findings[0]
    return Explanation(rule.id, rule.severity, rule.title, condition, True, None, traced)
