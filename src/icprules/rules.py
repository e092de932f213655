"""Rule packs: loading, validation against the published schema, layering, compiling.

Loading happens in stages, and fails closed with a located error at the first
broken stage: read and parse the YAML (duplicate keys rejected) → validate against
the rule-file JSON Schema → merge the packs (a later rule with the same id replaces
the earlier one; ``disable:`` removes rules) → resolve references (data, facts,
checks, citation documents) and compile the conditions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .conditions import CompileError, Compiler, Fact, Node, Operand
from .data import DataStore
from .errors import Problem, RuleFileError
from .registry import load_builtins
from .rule_schema import rule_file_schema
from .yamlio import LoadError, Positions, decode, load_yaml

if TYPE_CHECKING:
    import jsonschema

BUILTIN_RULES = files("icprules") / "rules"
#: Digests of the shipped packs as the test suite last validated them, with the rule-file schema.
VALIDATED = files("icprules") / "schema" / "validated-packs.json"
RULE_FILE_SCHEMA = files("icprules") / "schema" / "rule-file.schema.json"
SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {name: i for i, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Rule:
    """A compiled rule. Everything here is plain data, nodes, or names: it pickles."""

    id: str
    pack: str
    severity: str
    title: dict[str, str]
    message: dict[str, str]
    source: tuple[dict[str, Any], ...]
    assert_: Node
    when: Node | None = None
    each: tuple[tuple[paths.Segments, bool, str], ...] = ()
    path: paths.Segments = ()
    params: tuple[tuple[str, Operand], ...] = ()
    services: frozenset[str] | None = None
    operations: frozenset[str] | None = None
    providers: frozenset[str] | None = None
    deprecated: dict[str, Any] | None = None
    spec: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    origin: str | None = None
    #: True when every ``each`` pattern walks services (the engine then filters by service type).
    per_service: bool = field(init=False, default=False, compare=False)
    #: The segments of each ``each`` pattern.
    patterns: tuple[paths.Segments, ...] = field(init=False, default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "patterns", tuple(segs for segs, _, _ in self.each))
        object.__setattr__(self, "per_service", bool(self.patterns) and all(
            len(segs) >= 2 and segs[0] == "services" and segs[1] is paths.ANY for segs in self.patterns))


@dataclass(frozen=True)
class Pack:
    name: str
    title: dict[str, str]
    description: dict[str, str]
    origin: str


@dataclass(frozen=True)
class Normalizer:
    """A canonical form the report shows for each value a pattern matches."""

    pattern: str
    segments: paths.Segments
    operand: Operand


@dataclass(frozen=True)
class Option:
    """One outcome of a decision: chosen when ``when`` holds (or always, without one)."""

    result: str
    when: Node | None
    reason: dict[str, str]
    params: tuple[tuple[str, Operand], ...]
    source: tuple[dict[str, Any], ...]


class Decision(Fact):
    """A named choice among ordered options (the first whose condition holds).

    It is also a fact, whose value is the chosen option's ``result``, so rules and
    materials can depend on it (``{fact: verification, equals: electronic}``).
    """

    __slots__ = ("options",)

    def __init__(self, name: str, options: tuple[Option, ...]) -> None:
        super().__init__(name, None, None)
        self.options = options

    def choose(self, env: Any) -> Option | None:
        for option in self.options:
            if option.when is None or option.when.test(env, env.root):
                return option
        return None

    def evaluate(self, env: Any) -> Any:
        chosen = self.choose(env)
        return None if chosen is None else chosen.result


@dataclass(frozen=True)
class Material:
    """Something to prepare: an attachment, a paper, a pre-approval (the checklist's rows)."""

    id: str
    name: dict[str, str]
    level: str  # "required" or "info"
    rule: Rule  # where it applies and how "provided" is judged (its finding when missing)
    needed: Node | None  # when the material is needed at all
    via: Node | None  # when it comes out of the verification itself instead of being attached
    reason: dict[str, str]
    spec: str | None


@dataclass
class RuleSet:
    """Compiled rules, facts and data: build once, use for any number of documents."""

    rules: tuple[Rule, ...]
    facts: dict[str, Fact]
    fact_specs: dict[str, dict[str, Any]]
    packs: tuple[Pack, ...]
    data: DataStore
    normalizers: tuple[Normalizer, ...] = ()
    decisions: dict[str, Decision] = field(default_factory=dict)
    materials: tuple[Material, ...] = ()
    #: The pack that defines each fact and decision (for the reference).
    defined_in: dict[str, str] = field(default_factory=dict)
    #: The evaluation plans of the rules (and materials) that apply, by (operation, provider,
    #: service types): documents repeat these contexts. Plans hold closures, so they are built
    #: per process (see ``engine.plans``).
    applicable: dict[tuple[Any, ...], tuple[Any, ...]] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # Closures do not pickle; a worker process rebuilds its plans on first use.
        return {**self.__dict__, "applicable": {}}

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)


@dataclass
class _RawPack:
    spec: dict[str, Any]
    positions: Positions
    origin: str


def _pack_files(location: str | os.PathLike[str] | Any) -> list[Any]:
    path = Path(location) if isinstance(location, (str, os.PathLike)) else location
    if path.is_dir():
        return sorted((p for p in path.iterdir() if p.name.endswith((".yaml", ".yml")) and p.is_file()),
                      key=lambda p: p.name)
    if path.is_file():
        return [path]
    raise RuleFileError(Problem("rule pack file or folder does not exist", file=str(location)))


def _read_pack(path: Any, *, trusted: bool = False) -> _RawPack:
    origin = str(path)
    try:
        raw = path.read_bytes()
        value, positions = load_yaml(decode(raw, origin), origin, trusted=trusted)
    except LoadError as exc:
        raise RuleFileError(exc.problem) from None
    except OSError as exc:
        raise RuleFileError(Problem(f"cannot read: {exc}", file=origin)) from None
    if trusted and validated_before(path.name, raw):
        return _RawPack(value, positions, origin)
    errors = sorted(_schema_validator().iter_errors(value), key=lambda e: (len(e.absolute_path), e.message))
    if errors:
        problems = []
        for err in _leaf_errors(errors)[:10]:
            problems.append(positions.problem(_schema_message(err), tuple(err.absolute_path)))
        raise RuleFileError(problems)
    return _RawPack(value, positions, origin)


@lru_cache(maxsize=1)
def _schema_validator() -> jsonschema.Draft202012Validator:
    """The rule-file schema validator, built (and jsonschema imported) only when a pack needs it."""
    import jsonschema

    return jsonschema.Draft202012Validator(rule_file_schema())


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def validated_digests() -> dict[str, Any]:
    """What ``schema/validated-packs.json`` should hold: a digest of each shipped pack with the schema.

    ``tests/test_rules_load.py`` validates every shipped pack against the schema and keeps this
    file current, so loading the unchanged packs can skip a validation that cannot fail (about
    100 ms, and the import of jsonschema). A pack edited in place no longer matches its digest
    and is validated as any other.
    """
    schema = RULE_FILE_SCHEMA.read_bytes()
    packs = {p.name: _digest(schema, p.read_bytes()) for p in _pack_files(BUILTIN_RULES)}
    return {"note": "generated: icprules rule-schema --digests; see icprules.rules.validated_digests",
            "packs": packs}


def validated_before(name: str, raw: bytes) -> bool:
    """Whether these bytes of a shipped pack are the ones the test suite validated."""
    packs, schema = _validated_table()
    return bool(packs.get(name)) and packs.get(name) == _digest(schema, raw)


@lru_cache(maxsize=1)
def _validated_table() -> tuple[dict[str, str], bytes]:
    """The committed digests by pack name, and the schema they were made with."""
    try:
        return json.loads(VALIDATED.read_bytes()).get("packs", {}), RULE_FILE_SCHEMA.read_bytes()
    except (OSError, ValueError):
        return {}, b""


def _leaf_errors(errors: list[jsonschema.ValidationError]) -> list[jsonschema.ValidationError]:
    # if/then branches make errors precise already; keep the deepest of each branch.
    import jsonschema

    out: list[jsonschema.ValidationError] = []
    for err in errors:
        best = jsonschema.exceptions.best_match([err])
        out.append(best if best is not None else err)
    return out


def _schema_message(err: jsonschema.ValidationError) -> str:
    if err.validator == "additionalProperties" or err.validator == "unevaluatedProperties":
        return str(err.message).replace("were unexpected", "are not allowed here").replace(
            "was unexpected", "is not allowed here")
    if err.validator == "propertyNames":
        return f"unknown key {err.instance!r}: {err.message}"
    return str(err.message)


def load_rules(*locations: str | os.PathLike[str], builtin: bool = True,
               data: Iterable[str | os.PathLike[str]] = ()) -> RuleSet:
    """Load the built-in rule packs, then each extra pack file or folder, in order.

    A rule in a later pack replaces the rule with the same id; a pack's ``disable``
    list removes earlier rules. ``data`` folders override built-in data files by name.
    """
    load_builtins()
    store = DataStore.load([Path(d) for d in data])
    raw: list[_RawPack] = []
    if builtin:
        raw.extend(_read_pack(p, trusted=True) for p in _pack_files(BUILTIN_RULES))
    for loc in locations:
        raw.extend(_read_pack(p) for p in _pack_files(loc))
    return _compile(raw, store)


def _compile(raw: list[_RawPack], store: DataStore) -> RuleSet:
    # ---- merge: later ids replace earlier ones in place; disable removes.
    merged: dict[str, tuple[dict[str, Any], _RawPack, int, str]] = {}
    fact_specs: dict[str, tuple[dict[str, Any], _RawPack, str]] = {}
    norm_specs: dict[str, tuple[dict[str, Any], _RawPack, int]] = {}
    decision_specs: dict[str, tuple[list[dict[str, Any]], _RawPack]] = {}
    material_specs: dict[str, tuple[dict[str, Any], _RawPack, int, str]] = {}
    packs: dict[str, Pack] = {}
    for rp in raw:
        spec = rp.spec
        name = spec["pack"]
        packs[name] = Pack(name, spec.get("title", {}), spec.get("description", {}), rp.origin)
        for fname, fspec in (spec.get("facts") or {}).items():
            fact_specs[fname] = (fspec, rp, fname)
        for k, nspec in enumerate(spec.get("normalize") or []):
            norm_specs[nspec["each"]] = (nspec, rp, k)
        for dname, options in (spec.get("decisions") or {}).items():
            decision_specs[dname] = (options, rp)
        for k, mspec in enumerate(spec.get("materials") or []):
            material_specs[mspec["id"]] = (mspec, rp, k, name)
        for i, rule in enumerate(spec.get("rules") or []):
            merged[rule["id"]] = (rule, rp, i, name)
        for j, rid in enumerate(spec.get("disable") or []):
            if rid not in merged:
                raise RuleFileError(rp.positions.problem(f"cannot disable unknown rule {rid!r}", ("disable", j)))
            del merged[rid]

    sources = store.files.get("sources", {}).get("documents", {})
    clash = set(fact_specs) & set(decision_specs)
    if clash:
        name = sorted(clash)[0]
        raise RuleFileError(decision_specs[name][1].positions.problem(
            f"{name!r} is both a fact and a decision", ("decisions", name)))
    compiler = Compiler(store, set(fact_specs) | set(decision_specs))

    # ---- facts
    facts: dict[str, Fact] = {}
    deps: dict[str, set[str]] = {}
    for fname, (fspec, rp, _) in fact_specs.items():
        where: tuple[str | int, ...] = ("facts", fname)
        compiler.facts_used = set()
        try:
            if "condition" in fspec:
                facts[fname] = Fact(fname, None, compiler.condition(fspec["condition"], (*where, "condition")))
            else:
                facts[fname] = Fact(fname, compiler.operand(fspec["value"], (*where, "value"), literal_ok=True), None)
        except CompileError as exc:
            raise RuleFileError(rp.positions.problem(exc.message, exc.path)) from None
        deps[fname] = set(compiler.facts_used)
    for dname, (options, rp) in decision_specs.items():
        compiled = []
        compiler.facts_used = set()
        for k, ospec in enumerate(options):
            where = ("decisions", dname, k)
            try:
                compiled.append(Option(
                    result=ospec["result"],
                    when=compiler.condition(ospec["when"], (*where, "when")) if "when" in ospec else None,
                    reason=dict(ospec["reason"]),
                    params=tuple((n, compiler.operand(v, (*where, "params", n))) for n, v in
                                 (ospec.get("params") or {}).items()),
                    source=_citations(ospec["source"], sources, where),
                ))
            except CompileError as exc:
                raise RuleFileError(rp.positions.problem(exc.message, exc.path)) from None
        facts[dname] = Decision(dname, tuple(compiled))
        deps[dname] = set(compiler.facts_used)
    cycle = _find_cycle(deps)
    if cycle:
        _, rp, _ = fact_specs[cycle[0]]
        raise RuleFileError(rp.positions.problem(f"facts refer to each other in a cycle: {' -> '.join(cycle)}",
                                                 ("facts", cycle[0])))

    # ---- rules
    rules: list[Rule] = []
    for rid, (rspec, rp, index, pack_name) in merged.items():
        where = ("rules", index)
        try:
            rules.append(_compile_rule(rspec, pack_name, compiler, sources, where, rp.origin))
        except CompileError as exc:
            raise RuleFileError(rp.positions.problem(f"rule {rid}: {exc.message}", exc.path)) from None
    materials: list[Material] = []
    for mid, (mspec, rp, k, pack_name) in material_specs.items():
        where = ("materials", k)
        try:
            material = _compile_material(mspec, pack_name, compiler, sources, where, rp.origin)
        except CompileError as exc:
            raise RuleFileError(rp.positions.problem(f"material {mid}: {exc.message}", exc.path)) from None
        materials.append(material)
        if material.level == "required":
            rules = [r for r in rules if r.id != material.rule.id] + [material.rule]
    normalizers: list[Normalizer] = []
    for pattern, (nspec, rp, k) in norm_specs.items():
        where = ("normalize", k)
        try:
            segs, _ = compiler.path(pattern, (*where, "each"))
            operand = compiler.operand({"field": ".", "transform": nspec["transform"]}, where, literal_ok=False)
        except CompileError as exc:
            raise RuleFileError(rp.positions.problem(exc.message, exc.path)) from None
        normalizers.append(Normalizer(pattern, segs, operand))
    defined_in = {name: spec[1].spec["pack"] for name, spec in fact_specs.items()}
    defined_in.update({name: spec[1].spec["pack"] for name, spec in decision_specs.items()})
    return RuleSet(tuple(rules), facts, {k: v[0] for k, v in fact_specs.items()}, tuple(packs.values()), store,
                   tuple(normalizers), {k: v for k, v in facts.items() if isinstance(v, Decision)},
                   tuple(materials), defined_in)


#: Where each material scope looks, and where its attachment key lives there.
_SCOPES = {
    "application": ((), "attachments"),
    "entity": ((), "entity.attachments"),
    "service": (("services[*]",), "attachments"),
}


def _compile_material(spec: Mapping[str, Any], pack: str, compiler: Compiler, sources: Mapping[str, Any],
                      where: tuple[str | int, ...], origin: str) -> Material:
    mid = spec["id"]
    each_default, holder = _SCOPES[spec["scope"]]
    path = spec.get("path", f"{holder}.{mid}")
    provided = spec.get("provided", {"exists": path})
    conditions = [c for c in (spec.get("when"),) if c is not None]
    if "via_verification" in spec:
        conditions.append({"not": spec["via_verification"]})
    rule_spec: dict[str, Any] = {
        "id": f"materials.{mid.replace('_', '-')}",
        "title": spec["name"],
        "severity": "error",
        "assert": provided,
        "path": path,
        "message": spec.get("message") or {
            "zh": f"缺少{spec['name']['zh']}（{path}）。", "en": f"{spec['name']['en']} is missing ({path})."},
        "source": spec["source"],
    }
    each = spec.get("each", list(each_default))
    if each:
        rule_spec["each"] = each
    if conditions:
        rule_spec["when"] = conditions[0] if len(conditions) == 1 else {"all": conditions}
    applies = {k: spec[k] for k in ("services", "operations", "providers") if k in spec}
    if applies:
        rule_spec["applies_to"] = applies
    if "params" in spec:
        rule_spec["params"] = spec["params"]
    rule = _compile_rule(rule_spec, pack, compiler, sources, where, origin)
    via = compiler.condition(spec["via_verification"], (*where, "via_verification")) \
        if "via_verification" in spec else None
    needed = compiler.condition(spec["when"], (*where, "when")) if "when" in spec else None
    return Material(mid, dict(spec["name"]), spec.get("level", "required"), rule, needed, via,
                    dict(spec["reason"]), spec.get("spec"))


def _citations(spec: Any, sources: Mapping[str, Any], where: tuple[str | int, ...]) -> tuple[dict[str, Any], ...]:
    citations = spec if isinstance(spec, list) else [spec]
    for i, cite in enumerate(citations):
        if cite["doc"] not in sources:
            w = (*where, "source", i, "doc") if isinstance(spec, list) else (*where, "source", "doc")
            raise CompileError(f"unknown source document {cite['doc']!r} (see data/sources.yaml)", w)
    return tuple(dict(c) for c in citations)


def _compile_rule(spec: Mapping[str, Any], pack: str, compiler: Compiler, sources: Mapping[str, Any],
                  where: tuple[str | int, ...], origin: str) -> Rule:
    each_spec = spec.get("each")
    each_list = [each_spec] if isinstance(each_spec, str) else list(each_spec or [])
    each = []
    for i, pattern in enumerate(each_list):
        w = (*where, "each") if isinstance(each_spec, str) else (*where, "each", i)
        segs, absolute = compiler.path(pattern, w)
        each.append((segs, absolute, pattern))
    path_segs, _ = compiler.path(spec.get("path", ""), (*where, "path"))
    when = compiler.condition(spec["when"], (*where, "when")) if "when" in spec else None
    assert_ = compiler.condition(spec["assert"], (*where, "assert"))
    params = tuple(
        (name, compiler.operand(value, (*where, "params", name), literal_ok=True))
        for name, value in (spec.get("params") or {}).items()
    )
    citations = _citations(spec["source"], sources, where)
    applies = spec.get("applies_to") or {}

    def opt(key: str) -> frozenset[str] | None:
        value = applies.get(key)
        return frozenset(value) if value else None

    deprecated = spec.get("deprecated")
    if isinstance(deprecated, Mapping) and isinstance(deprecated.get("on"), dt.date):
        deprecated = {**deprecated, "on": deprecated["on"].isoformat()}
    return Rule(
        id=spec["id"], pack=pack, severity=spec["severity"], title=dict(spec.get("title") or {}),
        message=dict(spec["message"]), source=citations, assert_=assert_,
        when=when, each=tuple(each), path=path_segs, params=params, services=opt("services"),
        operations=opt("operations"), providers=opt("providers"), deprecated=deprecated,
        spec=dict(spec), origin=origin,
    )


def _find_cycle(deps: Mapping[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(deps.get(n, ())):
            if state.get(m) == 1:
                return [*stack[stack.index(m):], m]
            if state.get(m) is None:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(deps):
        if state.get(n) is None:
            found = visit(n)
            if found:
                return found
    return None
