"""One pass of a rule set over a document: findings, decisions, materials, canonical forms.

Conditions run as the closures of :mod:`icprules.language.compiler`, built once per process
and per context (operation, provider, service types). Each rule is isolated: an unexpected
exception inside one of its checks becomes that rule's "could not be checked" finding, and
every other rule still runs. Explaining a rule is the same loop over a traced plan, with an
observer that keeps each item's steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import paths
from .context import Env, FactFunction, TraceStep
from .data import ServicesAt, covers, services_at, ui
from .language.compiler import Getter, Test, compile_condition, getter
from .memo import remember
from .messages import Message, render
from .paths import MISSING
from .reading.document import Document
from .report.findings import Finding
from .ruleset.model import Decision, Fact, Material, Option, Rule, RuleSet

T = TypeVar("T")
#: What selects the rules that apply: operation, provider, service types, the entity's province
#: (ISO 3166-2:CN code, None when unknown) and the day whose rules are in force (None: every rule).
Context = tuple[str | None, str | None, frozenset[str], str | None, dt.date | None]
#: Pattern expansions of one document, by pattern (and by (patterns, service types) once filtered).
Expansions = dict[Any, list[tuple[paths.Segments, Any]]]


# --------------------------------------------------------------------------- which rules apply


def document_context(ruleset: RuleSet, data: dict[str, Any], as_of: dt.date | None = None,
                     env: Env | None = None) -> Context:
    """The operation, provider, service types, province and day that select which rules apply.

    ``env``: the check's own, when there is one, so that the province fact is worked out once.
    """
    selectors = ruleset.data.files.get("selectors", {}).get("rules", {})
    operation = _selected(ruleset, data, selectors.get("operations", {}))
    provider = _selected(ruleset, data, selectors.get("providers", {}))
    at = services_at(ruleset.data)
    listed = data.get(at[0])
    types = frozenset(t for s in listed if (t := service_type(s, at))) if isinstance(listed, list) else frozenset()
    return operation, provider, types, _province(ruleset, data, selectors.get("provinces", {}), env), as_of


def _province(ruleset: RuleSet, data: dict[str, Any], selector: Mapping[str, Any], env: Env | None) -> str | None:
    """The document's province as the selector's fact works it out (a code from a code or a name)."""
    name = selector.get("fact")
    if not name or name not in ruleset.facts:
        return None
    if env is None:
        env = Env(data, today=dt.date.today(), facts={name: fact_functions(ruleset)[name]})
    value = env.fact(name)
    return value if isinstance(value, str) else None


def service_type(service: Any, at: ServicesAt) -> str | None:
    """A service's type as rules see it: its own, unless a value makes it count as another."""
    if not isinstance(service, dict):
        return None
    for key, value, kind in at[2]:
        if service.get(key) == value:
            return kind
    own = service.get(at[1])
    return str(own) if own else None


def _selected(ruleset: RuleSet, data: dict[str, Any], selector: Mapping[str, Any]) -> str | None:
    """The document's value of a selector; its default when absent (or, with ``unknown: default``,
    when the vocabulary does not know it).

    An unknown operation is an error of its own (document.operation-known); meanwhile the document
    is checked as if it had the default, rather than by no rule at all. An unknown provider is
    another provider's portal: the rules of ours do not apply to it.
    """
    value = data.get(selector.get("field", ""))
    unknown = selector.get("unknown") == "default" and isinstance(value, str) and \
        value not in ruleset.data.resolve(selector["vocabulary"])
    if (not value or not isinstance(value, str) or unknown) and selector.get("default"):
        value = ruleset.data.resolve(selector["default"]["data"])
    return value if isinstance(value, str) else None


def applies(rule: Rule, operation: str | None, provider: str | None, types: frozenset[str],
            province: str | None = None, as_of: dt.date | None = None) -> bool:
    if rule.operations is not None and operation not in rule.operations:
        return False
    if rule.providers is not None and provider not in rule.providers:
        return False
    if rule.provinces is not None and province not in rule.provinces:
        return False
    if not rule.in_force(as_of):
        return False
    # A rule that looks at each service filters services itself (see items()).
    return not (rule.services is not None and not rule.per_service and not (rule.services & types))


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
        return paths.expand_once(expanded, root, rule.patterns[0])
    key = rule.items_key  # rules that look at the same items share the list
    shared = expanded.get(key)
    if shared is not None:
        return shared
    list_name = rule.services_at[0]
    listed = root.get(list_name)
    services: list[Any] = listed if isinstance(listed, list) else []
    out: list[tuple[paths.Segments, Any]] = []
    for segs in rule.patterns:
        matches = paths.expand_once(expanded, root, segs)
        if rule.services is None:
            out.extend(matches)
            continue
        for path, value in matches:
            if len(path) >= 2 and path[0] == list_name:
                index = path[1]
                service = services[index] if isinstance(index, int) and index < len(services) else None
                if service_type(service, rule.services_at) not in rule.services:
                    continue
            out.append((path, value))
    expanded[key] = out
    return out


# --------------------------------------------------------------------------- plans


class Plan:
    """A rule ready to run: its conditions and message parameters as closures."""

    __slots__ = ("items_key", "params", "rule", "test", "when")

    def __init__(self, rule: Rule, *, traced: bool = False) -> None:
        self.rule = rule
        #: Where :func:`items` keeps this rule's items in a document's expansions (None: the root only).
        self.items_key: Any = None if not rule.each else (
            rule.patterns[0] if len(rule.patterns) == 1 and rule.services is None else rule.items_key)
        self.when = None if rule.when is None else compile_condition(rule.when, traced=traced)
        self.test = compile_condition(rule.assert_, traced=traced)
        self.params: tuple[tuple[str, Getter], ...] = tuple((name, getter(op)) for name, op in rule.params)


def plans(ruleset: RuleSet, context: Context) -> tuple[Plan, ...]:
    """The plans of the rules that apply in this context, built once per context and process."""
    selected: tuple[Plan, ...] = _per_context(ruleset, ("rules", *selection(ruleset, context)), lambda: tuple(
        _compiled(ruleset, "plan", r, Plan) for r in ruleset.rules
        if applies(r, *context) and by_profile(ruleset, r, context[1])))
    return selected


def _compiled(ruleset: RuleSet, kind: str, source: Any, build: Callable[[Any], T]) -> T:
    """A rule's (or material's) plan, compiled once per rule set: contexts select among the same plans.

    A plan depends on its rule alone, so a new context (another province, another mix of service
    types) takes the plans already compiled instead of compiling its rules again (2-3 ms).
    """
    every: dict[int, T] = _per_context(ruleset, (kind,), dict)
    found = every.get(id(source))  # rules live as long as their rule set
    if found is None:
        found = every[id(source)] = build(source)
    return found


def selection(ruleset: RuleSet, context: Context) -> tuple[Any, ...]:
    """What in a context tells which rules apply: two contexts with the same selection select the same rules.

    The day counts only by which dated rules are in force on it, and the province only when a rule
    names it. Keyed by the day itself, a service's plans were built again every day for every
    context, and once the memo was full (after a few weeks) for every check: a third of the speed.
    """
    windows, named = _per_context(ruleset, ("selecting",), lambda: _selecting(ruleset))
    operation, provider, types, province, as_of = context
    # Rule.in_force, once per distinct window of dates rather than once per dated rule.
    day = None if as_of is None else tuple(covers(window, as_of) for window in windows)
    return operation, provider, types, province if province in named else None, day


def _selecting(ruleset: RuleSet) -> tuple[tuple[tuple[dt.date | None, dt.date | None], ...], frozenset[str]]:
    """The windows of dates that rules (materials' included) are in force between, and the provinces rules name."""
    every = (*ruleset.rules, *(m.rule for m in ruleset.materials))
    windows = {(r.effective_from, r.effective_until) for r in every
               if r.effective_from is not None or r.effective_until is not None}
    return tuple(sorted(windows, key=str)), frozenset(p for r in every for p in (r.provinces or ()))


def by_profile(ruleset: RuleSet, rule: Rule, provider: str | None) -> bool:
    """Whether the provider's profile takes rules of this authority (data/providers.yaml ``authorities``).

    A profile of national and provincial rules only takes no provider rule; a platform profile adds its own.
    """
    row = ruleset.data.files.get("providers", {}).get("providers", {}).get(provider or "")
    authorities = row.get("authorities") if isinstance(row, dict) else None
    return authorities is None or rule.authority in authorities or rule.authority == "observed"


def _per_context(ruleset: RuleSet, context: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """``build()``, memoised in the rule set by context (documents repeat a few contexts).

    At most 256 are kept; past that the oldest is let go, so that a long-running process keeps
    the contexts it sees now rather than those of its first hours.
    """
    memo = ruleset.applicable
    found = memo.get(context)
    if found is None:
        found = remember(memo, context, build(), _CONTEXTS)
    return found


_CONTEXTS = 256


def fact_functions(ruleset: RuleSet) -> dict[str, FactFunction]:
    """How to work out each fact and decision of the rule set (built once per process)."""
    built: dict[str, FactFunction] = _per_context(ruleset, ("facts",), lambda: {
        name: _fact_function(ruleset, spec) for name, spec in ruleset.facts.items()})
    return built


def _fact_function(ruleset: RuleSet, spec: Fact | Decision) -> FactFunction:
    if isinstance(spec, Decision):
        name = spec.name
        return lambda env: None if (chosen := choose(ruleset, env, name)) is None else chosen.result
    if spec.condition is not None:
        test = compile_condition(spec.condition)
        return lambda env: test(env, env.root)
    get = getter(spec.operand)
    return lambda env: get(env, env.root)


def choose(ruleset: RuleSet, env: Env, name: str) -> Option | None:
    """The first option of a decision whose condition holds."""
    for option, when in _options(ruleset, name):
        if when is None or when(env, env.root):
            return option
    return None


def _options(ruleset: RuleSet, name: str) -> tuple[tuple[Option, Test | None], ...]:
    """A decision's options with their conditions compiled (once per process)."""
    compiled: tuple[tuple[Option, Test | None], ...] = _per_context(ruleset, ("decision", name), lambda: tuple(
        (o, None if o.when is None else compile_condition(o.when)) for o in ruleset.decisions[name].options))
    return compiled


def new_env(ruleset: RuleSet, doc: Document, today: dt.date) -> Env:
    return Env(doc.data, today=today, base_dir=doc.base_dir, facts=fact_functions(ruleset),
               reasons=ruleset.data.files.get("reasons", {}).get("reasons", {}))


# --------------------------------------------------------------------------- findings


@dataclass
class ItemTrace:
    """What a traced rule did with one item: the steps of ``when`` and of the assertion."""

    path: str
    when: list[TraceStep] = field(default_factory=list)
    applies: bool = True
    assertion: list[TraceStep] = field(default_factory=list)
    passed: bool | None = None
    finding: Finding | None = None


def evaluate(ruleset: RuleSet, doc: Document, *, today: dt.date, env: Env | None = None,
             context: Context | None = None) -> list[Finding]:
    """Every finding of the rules that apply to the document, in report order."""
    findings: list[Finding] = []
    run(plans(ruleset, context or document_context(ruleset, doc.data)), env or new_env(ruleset, doc, today), doc,
        findings)
    findings.sort(key=Finding.sort_key)
    return findings


def trace_rule(ruleset: RuleSet, rule: Rule, doc: Document, *, today: dt.date) -> list[ItemTrace]:
    """Run one rule traced: each item it looked at, with the steps and the outcome."""
    traces: list[ItemTrace] = []
    run((Plan(rule, traced=True),), new_env(ruleset, doc, today), doc, [], traces)
    return traces


def run(selected: tuple[Plan, ...], env: Env, doc: Document, findings: list[Finding],
        traces: list[ItemTrace] | None = None) -> None:
    """Apply each rule to each of its items, adding findings (and, when asked, each item's trace).

    The one loop of evaluation: checking a document runs it over the plans that apply; explaining
    a rule runs it over that rule's traced plan, with ``traces`` to keep each item's steps. The
    loop is written twice, once with the trace's bookkeeping and once without: a check runs it
    for some two hundred items per document, and the untraced one is the hot path.
    """
    if traces is not None:
        _run_traced(selected, env, doc, findings, traces)
        return
    root = doc.data
    expanded: Expansions = env.expansions
    root_item = (((), root),)
    line_of = doc.line_of
    for plan in selected:
        key = plan.items_key
        found: Sequence[tuple[paths.Segments, Any]] | None
        if key is None:
            found = root_item
        else:
            # Most rules share their items with an earlier rule, and many have none (no attachments, no
            # APP): an empty list is kept too, and such a rule costs one look-up.
            found = expanded.get(key)
            if found is None:
                found = items(plan.rule, root, expanded)
            if not found:
                continue
        when, test = plan.when, plan.test
        env.steps = 0
        for item_path, item in found:
            if env.params:
                env.params = {}
            env.item_path = item_path
            try:
                if (when is None or when(env, item)) and not test(env, item):
                    findings.append(finding(plan, env, item_path, item, line_of(item_path + plan.rule.path)))
            except Exception as exc:  # one rule's failure is that rule's finding, not the report's
                findings.append(_could_not_check(plan.rule, env, item_path, doc, exc))


def _run_traced(selected: tuple[Plan, ...], env: Env, doc: Document, findings: list[Finding],
                traces: list[ItemTrace]) -> None:
    """:func:`run`, keeping each item's steps and outcome in ``traces``."""
    root = doc.data
    expanded: Expansions = {}
    root_item = (((), root),)
    for plan in selected:
        rule = plan.rule
        when, test = plan.when, plan.test
        env.steps = 0
        for item_path, item in items(rule, root, expanded) if rule.each else root_item:
            if env.params:
                env.params = {}
            env.item_path = item_path
            entry = ItemTrace(paths.format_path(item_path))
            traces.append(entry)
            env.trace, env.depth = entry.when, 0
            try:
                applicable = when is None or when(env, item)
                entry.applies = applicable
                env.trace, env.depth = entry.assertion, 0
                if applicable and not test(env, item):
                    found = finding(plan, env, item_path, item, doc.line_of((*item_path, *rule.path)))
                    findings.append(found)
                    entry.passed, entry.finding = False, found
                elif applicable:
                    entry.passed = True
            except Exception as exc:  # one rule's failure is that rule's finding, not the report's
                found = _could_not_check(rule, env, item_path, doc, exc)
                findings.append(found)
                entry.finding = found
            env.trace = None


def finding(plan: Plan, env: Env, item_path: paths.Segments, item: Any, line: int | None) -> Finding:
    rule = plan.rule
    value = paths.get(item, rule.path) if rule.path else item
    full_path = paths.format_path(item_path + rule.path)
    observed = None if value is MISSING or isinstance(value, (dict, list)) else value
    params: dict[str, Any] = {"path": full_path, "value": observed if observed is not None else ""}
    for name, get in plan.params:
        resolved = get(env, item)
        params[name] = "" if resolved is MISSING else resolved
    if env.params:
        params.update(env.params)
    code = params.get("why")
    wording = env.reasons.get(code) if isinstance(code, str) else None
    return Finding.made(rule.id, rule.severity, full_path, Message(rule.message, params, wording), rule.source,
                        observed, line)


def _could_not_check(rule: Rule, env: Env, item_path: paths.Segments, doc: Document, exc: Exception) -> Finding:
    """A rule whose check raised: a warning that says so, never a blocking error nor a crash.

    Real filings come first: a value the library cannot judge is left to the reviewer.
    """
    env.trace = None
    full_path = paths.format_path((*item_path, *rule.path))
    detail = f"{type(exc).__name__}: {exc}"
    params = {"rule": rule.id, "path": full_path, "detail": detail[:200]}
    message = {lang: render(ui("execution_error", lang)["message"], params) for lang in rule.message}
    return Finding(rule.id, "warning", full_path, message, rule.source, None,
                   doc.line_of((*item_path, *rule.path)), could_not_check=params["detail"])


# --------------------------------------------------------------------------- report parts


def decide(ruleset: RuleSet, env: Env, name: str) -> dict[str, Any] | None:
    """The outcome of a named decision (``verification``), with its reason and source."""
    if name not in ruleset.decisions:
        return None
    env.item_path = ()
    # As choose(), but an option whose condition raises is passed over and said, rather than failing
    # the report (worked out when first read, after check() returned and outside any rule's guard).
    problems: list[str] = []
    for option, when in _options(ruleset, name):
        try:
            if when is not None and not when(env, env.root):
                continue
            params = _params(tuple((n, getter(op)) for n, op in option.params), env, env.root)
        except Exception as exc:
            problems.append(f"{option.result}: {type(exc).__name__}: {exc}"[:200])
            continue
        return {
            "result": option.result,
            "reason": {lang: render(text, params, lang) for lang, text in option.reason.items()},
            "source": [dict(s) for s in option.source],
            **({"could_not_check": "; ".join(problems)} if problems else {}),
        }
    return None


def _params(getters: tuple[tuple[str, Getter], ...], env: Env, item: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, get in getters:
        resolved = get(env, item)
        out[name] = "" if resolved is MISSING else resolved
    return out


class MaterialPlan:
    """A material ready to list: its conditions as closures, its fixed parts prepared."""

    __slots__ = ("material", "needed", "plan", "provided", "scope", "via")

    def __init__(self, material: Material) -> None:
        self.material = material
        self.plan = plan = Plan(material.rule)
        self.needed = None if material.needed is None else compile_condition(material.needed)
        self.via = None if material.via is None else compile_condition(material.via)
        self.provided = plan.test
        self.scope = "entity" if material.rule.path[:1] == ("entity",) else "application"


def checklist(ruleset: RuleSet, env: Env, context: Context | None = None) -> list[dict[str, Any]]:
    """Every material the application needs, in rule-pack order, with whether it is provided."""
    root = env.root
    context = context or document_context(ruleset, root)
    key = ("materials", *selection(ruleset, context))
    selected: tuple[MaterialPlan, ...] = _per_context(ruleset, key, lambda: tuple(
        _compiled(ruleset, "material plan", m, MaterialPlan) for m in ruleset.materials if applies(m.rule, *context)
        and by_profile(ruleset, m.rule, context[1])))
    out: list[dict[str, Any]] = []
    for mplan in selected:
        material, rule = mplan.material, mplan.plan.rule
        for item_path, item in items(rule, root, env.expansions):
            env.item_path = item_path
            env.params = {}
            problem = None
            try:
                if mplan.needed is not None and not mplan.needed(env, item):
                    continue
                via = mplan.via is not None and mplan.via(env, item)
                provided = mplan.provided(env, item)
                params = {"value": item if isinstance(item, str) else "", **_params(mplan.plan.params, env, item)}
            except Exception as exc:  # one material's failure is that material's, not the checklist's
                # Listed as to be provided (what a reviewer would ask for), saying it could not be checked.
                via, provided, params = False, False, {}
                problem = f"{type(exc).__name__}: {exc}"[:200]
            out.append({
                "id": material.id,
                "name": dict(material.name),
                "scope": paths.format_path(item_path[:2]) if item_path else mplan.scope,  # services[i]
                "path": paths.format_path((*item_path, *rule.path)),
                "level": material.level,
                "required": material.level == "required" and not via,
                "provided": provided,
                "via_verification": via,
                "reason": {lang: render(text, params, lang) for lang, text in material.reason.items()},
                "source": [dict(s) for s in rule.source],
                **({"spec": material.spec} if material.spec else {}),
                **({"could_not_check": problem} if problem else {}),
            })
    return out


def normalized(ruleset: RuleSet, doc: Document, expansions: Expansions | None = None) -> dict[str, Any]:
    """Canonical forms of the values that have one, where they differ from what was given.

    ``expansions``: the document's pattern expansions from its check, when there was one.
    """
    env = Env(doc.data, today=dt.date.min, base_dir=doc.base_dir, facts=fact_functions(ruleset))
    expanded = {} if expansions is None else expansions
    out: dict[str, Any] = {}
    compiled: tuple[tuple[paths.Segments, Getter], ...] = _per_context(ruleset, ("normalizers",), lambda: tuple(
        (n.segments, getter(n.operand)) for n in ruleset.normalizers))
    for segments, get in compiled:
        for path, value in paths.expand_once(expanded, doc.data, segments):
            try:
                canonical = get(env, value)
            except Exception:  # a canonical form is advice: one that cannot be made is not offered
                continue
            if canonical is not MISSING and canonical is not None and canonical != value:
                out[paths.format_path(path)] = canonical
    out.update(doc.read_as)  # values written otherwise (a choice by name, a list as its value), as read
    return dict(sorted(out.items(), key=lambda kv: paths.sort_key_text(kv[0])))
