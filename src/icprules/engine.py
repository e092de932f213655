"""The engine: apply a compiled rule set to one document and collect findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import closures, paths
from .conditions import Env, TraceStep
from .document import Document
from .messages import render
from .paths import MISSING
from .report import Finding
from .rules import Material, Rule, RuleSet


def document_context(ruleset: RuleSet, data: dict[str, Any]) -> tuple[str | None, str | None, frozenset[str]]:
    """The operation, provider and service types that select which rules apply."""
    operation = data.get("operation")
    provider = data.get("provider")
    if not provider:
        provider = ruleset.data.files.get("providers", {}).get("default")
    types = frozenset(
        str(s["type"]) for s in data.get("services") or [] if isinstance(s, dict) and s.get("type")
    )
    return (operation if isinstance(operation, str) else None,
            provider if isinstance(provider, str) else None, types)


def applies(rule: Rule, operation: str | None, provider: str | None, types: frozenset[str]) -> bool:
    if rule.operations is not None and operation not in rule.operations:
        return False
    if rule.providers is not None and provider not in rule.providers:
        return False
    # A rule that looks at each service filters services itself (see items()).
    return not (rule.services is not None and not rule.per_service and not (rule.services & types))


Expansions = dict[paths.Segments, list[tuple[paths.Segments, Any]]]


def items(rule: Rule, root: dict[str, Any], expanded: Expansions | None = None,
          ) -> list[tuple[paths.Segments, Any]]:
    """The (path, value) pairs a rule looks at: the root, or each match of ``each``.

    ``expanded`` caches pattern expansions for one document: many rules share a pattern.
    The list returned may be that cache: callers must not change it.
    """
    if not rule.each:
        return [((), root)]
    if expanded is None:
        expanded = {}
    if len(rule.patterns) == 1 and rule.services is None:
        segs = rule.patterns[0]
        found = expanded.get(segs)
        if found is None:
            found = expanded[segs] = paths.expand(root, segs)
        return found
    listed = root.get("services")
    services: list[Any] = listed if isinstance(listed, list) else []
    out: list[tuple[paths.Segments, Any]] = []
    for segs in rule.patterns:
        matches = expanded.get(segs)
        if matches is None:
            matches = expanded[segs] = paths.expand(root, segs)
        if rule.services is None:
            out.extend(matches)
            continue
        for path, value in matches:
            if len(path) >= 2 and path[0] == "services":
                index = path[1]
                service = services[index] if isinstance(index, int) and index < len(services) else None
                if not isinstance(service, dict) or service.get("type") not in rule.services:
                    continue
            out.append((path, value))
    return out


class Plan:
    """A rule ready to run untraced: its conditions as closures (see :mod:`icprules.closures`)."""

    __slots__ = ("rule", "test", "when")

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.when = None if rule.when is None else closures.test(rule.when)
        self.test = closures.test(rule.assert_)


def plans(ruleset: RuleSet, operation: str | None, provider: str | None, types: frozenset[str]) -> tuple[Plan, ...]:
    """The plans of the rules that apply in this context, built once per context and process."""
    selected: tuple[Plan, ...] = _per_context(ruleset, ("rules", operation, provider, types), lambda: tuple(
        Plan(r) for r in ruleset.rules if applies(r, operation, provider, types)))
    return selected


def _per_context(ruleset: RuleSet, context: tuple[Any, ...], build: Callable[[], tuple[Any, ...]]) -> Any:
    """``build()``, memoised in the rule set by context (at most 256 contexts: documents repeat a few)."""
    found = ruleset.applicable.get(context)
    if found is None:
        found = build()
        if len(ruleset.applicable) < 256:
            ruleset.applicable[context] = found
    return found


def evaluate(ruleset: RuleSet, doc: Document, *, today: dt.date,
             only: str | None = None, trace: list[TraceStep] | None = None) -> list[Finding]:
    root = doc.data
    operation, provider, types = document_context(ruleset, root)
    env = Env(root, today=today, base_dir=doc.base_dir, fact_defs=ruleset.facts, trace=trace,
              reasons=ruleset.data.files.get("reasons", {}).get("reasons", {}))
    findings: list[Finding] = []
    expanded: Expansions = {}
    selected = plans(ruleset, operation, provider, types)
    if only is not None:
        selected = tuple(p for p in selected if p.rule.id == only)
    root_item = (((), root),)
    for plan in selected:
        rule = plan.rule
        if trace is None:
            when, test = plan.when, plan.test
        else:
            when, test = (None if rule.when is None else rule.when.test), rule.assert_.test
        for item_path, item in items(rule, root, expanded) if rule.each else root_item:
            if env.params:
                env.params = {}
            env.item_path = item_path
            if (when is None or when(env, item)) and not test(env, item):
                findings.append(_finding(rule, env, item_path, item, doc.line_of((*item_path, *rule.path))))
    findings.sort(key=Finding.sort_key)
    return findings


def _params(operands: tuple[tuple[str, Any], ...], env: Env, item: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, operand in operands:
        resolved = operand.resolve(env, item)
        out[name] = "" if resolved is MISSING else resolved
    return out


def decide(ruleset: RuleSet, env: Env, name: str) -> dict[str, Any] | None:
    """The outcome of a named decision (``verification``), with its reason and source."""
    decision = ruleset.decisions.get(name)
    if decision is None:
        return None
    env.item_path = ()
    option = decision.choose(env)
    if option is None:
        return None
    params = _params(option.params, env, env.root)
    return {
        "result": option.result,
        "reason": {lang: render(text, params) for lang, text in option.reason.items()},
        "source": [dict(s) for s in option.source],
    }


class MaterialPlan:
    """A material ready to list untraced: its conditions as closures, its fixed parts prepared."""

    __slots__ = ("material", "needed", "provided", "rule", "scope", "via")

    def __init__(self, material: Material) -> None:
        self.material = material
        self.rule = rule = material.rule
        self.needed = None if material.needed is None else closures.test(material.needed)
        self.via = None if material.via is None else closures.test(material.via)
        self.provided = closures.test(rule.assert_)
        self.scope = "entity" if rule.path[:1] == ("entity",) else "application"


def checklist(ruleset: RuleSet, env: Env) -> list[dict[str, Any]]:
    """Every material the application needs, in rule-pack order, with whether it is provided."""
    root = env.root
    operation, provider, types = document_context(ruleset, root)
    selected: tuple[MaterialPlan, ...] = _per_context(ruleset, ("materials", operation, provider, types), lambda: tuple(
        MaterialPlan(m) for m in ruleset.materials if applies(m.rule, operation, provider, types)))
    out: list[dict[str, Any]] = []
    for plan in selected:
        material, rule = plan.material, plan.rule
        for item_path, item in items(rule, root):
            env.item_path = item_path
            env.params = {}
            if plan.needed is not None and not plan.needed(env, item):
                continue
            via = plan.via is not None and plan.via(env, item)
            provided = plan.provided(env, item)
            params = {"value": item if isinstance(item, str) else "", **_params(rule.params, env, item)}
            out.append({
                "id": material.id,
                "name": dict(material.name),
                "scope": paths.format_path(item_path[:2]) if item_path else plan.scope,  # services[i]
                "path": paths.format_path((*item_path, *rule.path)),
                "level": material.level,
                "required": material.level == "required" and not via,
                "provided": provided,
                "via_verification": via,
                "reason": {lang: render(text, params) for lang, text in material.reason.items()},
                "source": [dict(s) for s in rule.source],
                **({"spec": material.spec} if material.spec else {}),
            })
    return out


def normalized(ruleset: RuleSet, doc: Document) -> dict[str, Any]:
    """Canonical forms of the values that have one, where they differ from what was given."""
    env = Env(doc.data, today=dt.date.min, base_dir=doc.base_dir, fact_defs=ruleset.facts)
    out: dict[str, Any] = {}
    for norm in ruleset.normalizers:
        for path, value in paths.expand(doc.data, norm.segments):
            canonical = norm.operand.resolve(env, value)
            if canonical is not MISSING and canonical is not None and canonical != value:
                out[paths.format_path(path)] = canonical
    return dict(sorted(out.items(), key=lambda kv: paths.sort_key_text(kv[0])))


def _finding(rule: Rule, env: Env, item_path: paths.Segments, item: Any, line: int | None) -> Finding:
    value = paths.get(item, rule.path) if rule.path else item
    full_path = paths.format_path((*item_path, *rule.path))
    observed = None if value is MISSING or isinstance(value, (dict, list)) else value
    params: dict[str, Any] = {"path": full_path, "value": observed if observed is not None else ""}
    for name, operand in rule.params:
        resolved = operand.resolve(env, item)
        params[name] = "" if resolved is MISSING else resolved
    if env.params:
        params.update(env.params)
    code = params.get("why")
    wording = env.reasons.get(code) if isinstance(code, str) else None
    message = {}
    for lang, text in rule.message.items():
        if wording is None:
            message[lang] = render(text, params)
        else:
            # A check's reason is a code; each language gets its own wording, with the check's params.
            message[lang] = render(text, {**params, "why": render(wording.get(lang, str(code)), params)})
    return Finding(rule.id, rule.severity, full_path, message, rule.source, observed, line)
