"""The public entry points: :func:`check` and :func:`load_rules`."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

from . import timeline
from .evaluation import Context, checklist, decide, document_context, evaluate, new_env, normalized
from .explain import Explanation
from .explain import explain as _explain
from .primitives.identity import as_date
from .reading.model import Application
from .report.findings import Report
from .report.privacy import Masker, mask_report, read_masked
from .ruleset.loading import load_rules
from .ruleset.model import RuleSet

_DEFAULT: RuleSet | None = None


def default_rules() -> RuleSet:
    """The built-in rule set, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_rules()
    return _DEFAULT


def check(document: str | os.PathLike[str] | Mapping[str, Any] | Application, *,
          base_dir: str | os.PathLike[str] | None = None, today: dt.date | str | None = None,
          rules: RuleSet | None = None, reveal_personal: bool = False) -> Report:
    """Check an application and return its report.

    ``document`` is a path to a YAML/JSON file, YAML/JSON text, a mapping or a model.
    ``today`` is the date the check is made on (default: the system date); rules never
    read the clock themselves. ID numbers, phones and e-mail addresses are masked in the
    report (``110105********002X``) unless ``reveal_personal`` is true. Raises
    :class:`~icprules.errors.DocumentError` when the document cannot be read as an
    application; every problem with a *value* is a finding.
    """
    ruleset = rules or default_rules()
    doc = read_masked(document, base_dir=base_dir, store=ruleset.data, reveal_personal=reveal_personal)
    day = _as_date(today)
    context = document_context(ruleset, doc.data)
    env = new_env(ruleset, doc, day)  # one context for every part: facts and check answers are worked out once
    findings = evaluate(ruleset, doc, today=day, env=env, context=context)
    operation, provider, _ = context
    report = Report(tuple(findings), operation=operation, provider=provider, today=day,
                    normalized=normalized(ruleset, doc), verification=decide(ruleset, env, "verification"),
                    materials=tuple(checklist(ruleset, env, context)),
                    deadlines=tuple(_deadlines(ruleset, doc.data, day, context)), produced_by=ruleset.produced_by)
    if reveal_personal:
        return report
    return mask_report(report, Masker.for_document(doc.data, ruleset.data))


def _deadlines(ruleset: RuleSet, data: dict[str, Any], day: dt.date, context: Context) -> list[dict[str, Any]]:
    """The deadlines of data/timeline.yaml from the day its clock starts, with their provider details."""
    operation, provider, types = context
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


def explain(rule_id: str, document: str | os.PathLike[str] | Mapping[str, Any] | Application, *,
            base_dir: str | os.PathLike[str] | None = None, today: dt.date | str | None = None,
            rules: RuleSet | None = None, reveal_personal: bool = False) -> Explanation:
    """How one rule decided on a document: the values it read and each step's outcome."""
    return _explain(rule_id, document, rules=rules or default_rules(), today=_as_date(today), base_dir=base_dir,
                    reveal_personal=reveal_personal)


def _as_date(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
