"""Output formats of a report: small functions over the same :class:`Report`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..data import ui
from ..encoding import writable
from .findings import SEVERITY_ORDER, Report


def cite(source: Mapping[str, Any], titles: Mapping[str, Any] | None = None, lang: str = "en") -> str:
    """A citation as one line: document title, section, item."""
    doc = source.get("doc", "")
    title = doc
    if titles and doc in titles:
        title = titles[doc].get("title", {}).get(lang, doc)
    out = f"{title}, {source.get('section', '')}"
    if source.get("item") not in (None, ""):
        out += f" ({source['item']})" if lang == "en" else f"（{source['item']}）"
    return out


def text(report: Report, *, lang: str = "en", name: str | None = None,
         titles: Mapping[str, Any] | None = None) -> str:
    labels = ui("report", lang)
    counts = report.summary()
    head = labels["ok"] if report.ok else labels["not_ok"]
    sep = "，" if lang == "zh" else ", "
    tally = sep.join(f"{counts[s]} {labels[s + 's']}" for s in SEVERITY_ORDER)
    lines = [f"{name + ': ' if name else ''}{head} ({tally})"]
    if report.verification:
        result = report.verification["result"]
        lines.append(f"{labels['verification']}: {labels.get(result, result)}")
    if not report.findings:
        lines.append(labels["none"])
    for severity in SEVERITY_ORDER:
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines.append("")
        lines.append(f"{labels[severity]} ({len(group)})")
        for f in group:
            lines.append(f"  {f.path or '(document)'}  [{f.rule}]")
            lines.append(f"    {f.message.get(lang) or f.message.get('en', '')}")
            for s in f.source:
                lines.append(f"    {labels['source']}: {cite(s, titles, lang)}")
    if report.deadlines:
        lines.append("")
        lines.append(labels["deadlines"])
        for d in report.deadlines:
            mark = " ~" if d["estimated"] else ""
            lines.append(f"  {d['due']}{mark}  {d['name'].get(lang, d['id'])}")
    if report.normalized:
        lines.append("")
        lines.append(labels["normalized"])
        for path, value in report.normalized.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            lines.append(f"  {path}: {shown}")  # a list as JSON (YAML reads it too), never Python's repr
    if report.withheld:
        lines.append("")
        lines.append(labels["withheld"])
        lines.extend(f"  {path}" for path in report.withheld)
    return writable("\n".join(lines) + "\n")


def materials(report: Report, *, lang: str = "en", name: str | None = None,
              titles: Mapping[str, Any] | None = None) -> str:
    """The checklist for a person: what to prepare, where it goes, and what is still missing."""
    labels = ui("report", lang)
    lines = [f"{name + ': ' if name else ''}{labels['materials']}"]
    if report.verification:
        result = report.verification["result"]
        lines.append(f"{labels['verification']}: {labels.get(result, result)}")
        lines.append(f"  {report.verification['reason'].get(lang, '')}")
    lines.append("")
    for m in report.materials:
        if m["via_verification"]:
            state = labels["via"]
        elif m["level"] == "info":
            state = labels["optional"]
        else:
            state = labels["provided"] if m["provided"] else labels["missing"]
        problems = m.get("problems")
        if problems:  # named, but a reviewer would refuse the file as it is
            state = f"{labels['unusable']}: {', '.join(problems)}"
        mark = "[!]" if problems else "[x]" if m["provided"] or m["via_verification"] else (
            "[ ]" if m["required"] else "[-]")
        lines.append(f"{mark} {m['name'].get(lang, m['id'])}  ({m['scope']}: {state})")
        lines.append(f"    {m['reason'].get(lang, '')}")
        lines.append(f"    → {m['path']}")
    return writable("\n".join(lines) + "\n")


def json_text(report: Report) -> str:
    return report.to_json() + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif(report: Report, rules: Any, *, lang: str = "en", uri: str | None = None,
          titles: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log: one result per finding, every loaded rule in the driver.

    ``rules`` is the :class:`~icprules.rules.RuleSet` that produced the report.
    """
    from .. import __version__

    index = {rule.id: i for i, rule in enumerate(rules.rules)}
    driver_rules = []
    for rule in rules.rules:
        title = rule.title.get(lang) or rule.id
        driver_rules.append({
            "id": rule.id,
            "name": rule.id.replace(".", "/"),
            "shortDescription": {"text": title},
            "fullDescription": {"text": "; ".join(cite(s, titles, lang) for s in rule.source)},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            "properties": {"pack": rule.pack, "title": dict(rule.title),
                           "source": [dict(s) for s in rule.source]},
        })
    results = []
    for f in report.findings:
        location: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": f.path or "(document)",
                                                          "kind": "member"}]}
        if uri:
            physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
            if f.line is not None:
                physical["region"] = {"startLine": f.line}
            location["physicalLocation"] = physical
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message.get(lang) or f.message.get("en", "")},
            "locations": [location],
            "properties": {"path": f.path, "message": dict(f.message)},
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "icprules", "version": __version__,
                            "informationUri": "https://beian.miit.gov.cn/", "rules": driver_rules}},
        "results": results,
        "properties": {"ok": report.ok, "verification": report.verification, "producedBy": report.produced_by},
    }
    if uri:
        run["artifacts"] = [{"location": {"uri": uri}}]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
