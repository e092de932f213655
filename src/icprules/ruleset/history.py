"""What changed in the rules between two days: the rules in force on each, compared."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..encoding import jsonable
from .model import Rule, RuleSet

#: Keys of a rule's definition that date it rather than say what it requires.
_DATING = {"effective", "superseded_by", "layer"}


def in_force(ruleset: RuleSet, day: dt.date) -> dict[str, Rule]:
    return {r.id: r for r in ruleset.rules if r.in_force(day)}


def diff(ruleset: RuleSet, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Rules added, removed and changed (each changed value with its old and new form) from ``start`` to ``end``."""
    before, after = in_force(ruleset, start), in_force(ruleset, end)
    changed = []
    for rid in sorted(set(before) & set(after)):
        old, new = before[rid], after[rid]
        if old.version == new.version:
            continue
        changes = [{"path": path, "from": a, "to": b} for path, a, b in _changes(old.spec, new.spec)]
        changed.append({"rule": rid, "from_version": old.version, "to_version": new.version, "changes": changes})
    old_data, new_data = ruleset.data.on(start), ruleset.data.on(end)
    data = [{"path": f"{name}.{path}", "from": a, "to": b}
            for name in sorted(ruleset.data.files)
            for path, a, b in _changes(old_data.files[name], new_data.files[name]) if not path.startswith("meta")]
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "added": [_summary(after[rid]) for rid in sorted(set(after) - set(before))],
        "removed": [_summary(before[rid]) for rid in sorted(set(before) - set(after))],
        "changed": changed,
        "data": data,
    }


def _summary(rule: Rule) -> dict[str, Any]:
    return {"rule": rule.id, "severity": rule.severity, "title": dict(rule.title), "authority": rule.authority,
            "provinces": sorted(rule.provinces) if rule.provinces else None,
            "effective": {"from": rule.effective_from.isoformat() if rule.effective_from else None,
                          "until": rule.effective_until.isoformat() if rule.effective_until else None},
            "superseded_by": rule.superseded_by}


def _changes(old: Any, new: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            if not path and key in _DATING:
                continue
            out.extend(_changes(old.get(key), new.get(key), f"{path}.{key}" if path else str(key)))
        return out
    return [] if old == new else [(path, jsonable(old), jsonable(new))]


def text(result: dict[str, Any], lang: str = "en") -> str:
    lines = [f"{result['from']} -> {result['to']}"]
    for kind in ("added", "removed"):
        for rule in result[kind]:
            title = rule["title"].get(lang) or rule["title"].get("en", "")
            where = f" [{', '.join(rule['provinces'])}]" if rule["provinces"] else ""
            lines.append(f"  {kind:<8} {rule['rule']}{where}  {title}")
    for rule in result["changed"]:
        lines.append(f"  changed  {rule['rule']}  ({rule['from_version']} -> {rule['to_version']})")
        for change in rule["changes"]:
            lines.append(f"             {change['path']}: {change['from']!r} -> {change['to']!r}")
    for change in result.get("data", []):
        lines.append(f"  data     {change['path']}: {change['from']!r} -> {change['to']!r}")
    if len(lines) == 1:
        lines.append("  no change")
    return "\n".join(lines) + "\n"
