"""Loading rule packs: reading, validation against the published schema, layering, parsing.

Loading happens in stages, and fails closed with a located error at the first
broken stage: read and parse the YAML (duplicate keys rejected) → validate against
the rule-file JSON Schema → merge the packs (a later rule with the same id replaces
the earlier one; ``disable:`` removes rules) → resolve references (data, facts,
checks, citation documents) and compile the conditions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import primitives, tables, validation  # noqa: F401 - importing primitives registers the built-in checks
from ..data import BUILTIN_DATA, DataStore, covers, services_at, share_builtin
from ..data import builtin as builtin_data
from ..errors import Problem, RuleFileError
from ..language.syntax import CompileError, Parser, Where
from ..reading.yamlio import Positions
from ..resources import shipped
from . import cache
from .model import SEVERITIES, Decision, Fact, Material, Normalizer, Option, Pack, Rule, RuleSet

if TYPE_CHECKING:
    pass

BUILTIN_RULES = shipped("rules")
#: Digests of the shipped packs and data as the test suite last validated them, with their schemas.
VALIDATED = shipped("schema") / validation.VALIDATED
SEVERITY_RANK = {name: i for i, name in enumerate(SEVERITIES)}


@dataclass
class _RawPack:
    spec: dict[str, Any]
    positions: Positions
    origin: str
    digest: str = ""
    shipped: bool = False


def _pack_files(location: str | os.PathLike[str] | Any) -> list[Any]:
    path = Path(location) if isinstance(location, (str, os.PathLike)) else location
    if path.is_dir():
        return sorted((p for p in path.iterdir() if p.name.endswith((".yaml", ".yml")) and p.is_file()),
                      key=lambda p: p.name)
    if path.is_file():
        return [path]
    if path.exists():  # a FIFO or a device: there, but never opened
        raise RuleFileError(Problem("not a regular file (a FIFO, device or socket)", file=str(location)))
    raise RuleFileError(Problem("rule pack file or folder does not exist", file=str(location)))


def _read_pack(path: Any, *, trusted: bool = False) -> _RawPack:
    origin = str(path)
    value, positions, raw = validation.read_yaml_file(path, trusted=trusted)
    validation.validate(value, validation.RULE_FILE_SCHEMA, positions, raw=raw if trusted else None,
                        kind="packs", name=path.name)
    return _RawPack(value, positions, origin, hashlib.sha256(raw).hexdigest(), trusted)


def validated_digests() -> dict[str, Any]:
    """What ``schema/validated-packs.json`` should hold (see :mod:`icprules.validation`)."""
    from ..data import BUILTIN_DATA

    data = sorted((p for p in BUILTIN_DATA.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)
    return validation.validated_digests(_pack_files(BUILTIN_RULES), data)


def load_rules(*locations: str | os.PathLike[str], builtin: bool = True,
               data: Iterable[str | os.PathLike[str]] = ()) -> RuleSet:
    """Load the built-in rule packs, then each extra pack file or folder, in order.

    A rule in a later pack replaces the rule with the same id; a pack's ``disable``
    list removes earlier rules. ``data`` folders override built-in data files by name.
    """
    where = cache.folder()
    digest = _cache_key(locations, builtin, data) if where is not None else None
    if where is not None and digest is not None:
        found = cache.read(where, digest)
        if found is not None:
            ruleset, by_day, kept = found
            ruleset.by_day.update(by_day)
            tables.adopt(kept)
            if not data:
                share_builtin(ruleset.data)
            return ruleset
    folders = [Path(d) for d in data]
    store = DataStore.load(folders) if folders else builtin_data()  # the built-in data is read once per process
    raw: list[_RawPack] = []
    if builtin:
        raw.extend(_read_pack(p, trusted=True) for p in _pack_files(BUILTIN_RULES))
    for loc in locations:
        raw.extend(_read_pack(p) for p in _pack_files(loc))
    ruleset = _compile(raw, store)
    if where is not None and digest is not None:
        on_day(ruleset, dt.date.today())  # kept with it: the first check of the day needs it
        cache.write(where, digest, ruleset, dict(ruleset.by_day), tables.every_table())
    return ruleset


def _cache_key(locations: tuple[str | os.PathLike[str], ...], builtin: bool,
               data: Iterable[str | os.PathLike[str]]) -> str | None:
    """The cache key of the files these options load; None when they cannot be listed (loading then
    reports why, as without a cache)."""
    try:
        packs = [*(_pack_files(BUILTIN_RULES) if builtin else []), *(p for loc in locations for p in _pack_files(loc))]
        files = [Path(str(p)) for p in packs]
        for folder in (Path(str(BUILTIN_DATA)), *(Path(d) for d in data)):
            files += sorted((e for e in folder.iterdir() if e.name.endswith((".yaml", ".yml")) and e.is_file()),
                            key=lambda e: e.name)
        return cache.key(files, builtin)
    except (OSError, RuleFileError, ValueError):
        return None


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
        packs[name] = Pack(name, spec.get("title", {}), spec.get("description", {}), rp.origin,
                           spec.get("layer", "provider"))
        for fname, fspec in (spec.get("facts") or {}).items():
            fact_specs[fname] = (fspec, rp, fname)
        for k, nspec in enumerate(spec.get("normalize") or []):
            norm_specs[nspec["each"]] = (nspec, rp, k)
        for dname, options in (spec.get("decisions") or {}).items():
            decision_specs[dname] = (options, rp)
        for k, mspec in enumerate(spec.get("materials") or []):
            material_specs[mspec["id"]] = (mspec, rp, k, name)
        seen: set[str] = set()
        for i, rule in enumerate(spec.get("rules") or []):
            # One id may have several versions, each in force for its own period (effective.from):
            # a later pack replaces the version that starts on the same day; one pack may not say it twice.
            key = _version_key(rule, spec)
            if key in seen:
                raise RuleFileError(rp.positions.problem(f"rule id {rule['id']!r} is used twice in this pack",
                                                         ("rules", i, "id")))
            seen.add(key)
            merged[key] = (rule, rp, i, name)
        for j, rid in enumerate(spec.get("disable") or []):
            versions = [k for k in merged if k.split("@", 1)[0] == rid]
            if not versions:
                raise RuleFileError(rp.positions.problem(f"cannot disable unknown rule {rid!r}", ("disable", j)))
            for version in versions:
                del merged[version]

    sources = store.files.get("sources", {}).get("documents", {})
    clash = set(fact_specs) & set(decision_specs)
    if clash:
        name = sorted(clash)[0]
        raise RuleFileError(decision_specs[name][1].positions.problem(
            f"{name!r} is both a fact and a decision", ("decisions", name)))
    compiler = Parser(store, set(fact_specs) | set(decision_specs))

    # ---- facts
    facts: dict[str, Fact | Decision] = {}
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
            rules.append(_compile_rule(_with_pack_defaults(rspec, rp.spec), pack_name, compiler, sources, where,
                                       rp.origin))
        except CompileError as exc:
            raise RuleFileError(rp.positions.problem(f"rule {rid.split('@')[0]}: {exc.message}", exc.path)) from None
    _check_versions(rules, merged)
    materials: list[Material] = []
    for mid, (mspec, rp, k, pack_name) in material_specs.items():
        where = ("materials", k)
        try:
            material = _compile_material(_with_pack_defaults(mspec, rp.spec), pack_name, compiler, sources, where,
                                         rp.origin)
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
                   tuple(materials), defined_in, produced_by=_provenance(raw, store), raw_packs=tuple(raw))


def on_day(ruleset: RuleSet, day: dt.date) -> RuleSet:
    """The rule set whose data is the data in force on ``day`` (itself when no data entry is dated).

    Rules read their data when they are compiled, so a day whose dated entries differ gets its own
    compiled rule set, built once and kept (there are as many as periods between the dates).
    """
    windows = ruleset.data.dated_entries()
    if not windows or not ruleset.raw_packs:
        return ruleset
    key = tuple(covers(window, day) for window in windows)
    if all(key):
        return ruleset  # every dated entry is in force: the data as loaded
    found = ruleset.by_day.get(key)
    if found is None:
        found = _sharing(_compile(list(ruleset.raw_packs), ruleset.data.on(day)), ruleset)
        found.produced_by = ruleset.produced_by
        if len(ruleset.by_day) < 64:
            ruleset.by_day[key] = found
    return found


def _sharing(day: RuleSet, base: RuleSet) -> RuleSet:
    """``day`` holding ``base``'s own rules, materials, normalizers, facts and decisions wherever they
    are equal: dated data changes few of them (none on most days).

    Both are kept in memory and in the cache (the rule set of the day is pickled with the rule set
    loaded); shared, they are kept once, and the cache reads in about half the time.
    """
    def same(new: tuple[Any, ...], old: tuple[Any, ...]) -> tuple[Any, ...]:
        # Compiled from the same packs in the same order, the two line up by position.
        return tuple(o if i < len(old) and (o := old[i]) == n else n for i, n in enumerate(new))

    def same_by_name(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
        return {k: o if (o := old.get(k)) == n else n for k, n in new.items()}

    day.rules, day.materials = same(day.rules, base.rules), same(day.materials, base.materials)
    day.normalizers = same(day.normalizers, base.normalizers)
    day.facts, day.decisions = same_by_name(day.facts, base.facts), same_by_name(day.decisions, base.decisions)
    return day


def _provenance(raw: list[_RawPack], store: DataStore) -> dict[str, Any]:
    """What a report says produced it: the version, and a digest of every pack and data file loaded."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
            return "unknown"

    release = installed("icprules")
    packs = [{"pack": rp.spec.get("pack"), "file": "shipped" if rp.shipped else rp.origin, "sha256": rp.digest}
             for rp in raw]
    data = [{"file": name, "from": origin, "sha256": digest, "as_of": _iso(store.files[name]["meta"].get("as_of"))}
            for name, (origin, digest) in sorted(store.origins.items())]
    whole = hashlib.sha256("\n".join(p["sha256"] for p in packs + data).encode()).hexdigest()
    # The official holiday calendar is the chinesecalendar release's: its version dates the snapshot.
    return {"icprules": release, "rules_and_data_sha256": whole, "packs": packs, "data": data,
            "calendar": {"chinesecalendar": installed("chinesecalendar")},
            "overlays": [p["file"] for p in packs if p["file"] != "shipped"]
            + sorted({d["from"] for d in data if d["from"] != "shipped"})}


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _compile_material(spec: Mapping[str, Any], pack: str, compiler: Parser, sources: Mapping[str, Any],
                      where: tuple[str | int, ...], origin: str) -> Material:
    mid = spec["id"]
    scope = compiler.data.resolve("selectors.materials")[spec["scope"]]  # where this scope's attachments live
    each_default, holder = scope["each"], scope["holder"]
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
    applies = {k: spec[k] for k in ("services", "operations", "providers", "provinces") if k in spec}
    if applies:
        rule_spec["applies_to"] = applies
    for key in ("effective", "authority", "layer"):
        if key in spec:
            rule_spec[key] = spec[key]
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


def _compile_rule(spec: Mapping[str, Any], pack: str, compiler: Parser, sources: Mapping[str, Any],
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
    _check_scope(applies, compiler.data, (*where, "applies_to"))

    def opt(key: str) -> frozenset[str] | None:
        value = applies.get(key)
        return frozenset(value) if value else None

    deprecated = spec.get("deprecated")
    if isinstance(deprecated, Mapping) and isinstance(deprecated.get("on"), dt.date):
        deprecated = {**deprecated, "on": deprecated["on"].isoformat()}
    effective = spec.get("effective") or {}
    start, end = _day(effective.get("from"), (*where, "effective", "from")), \
        _day(effective.get("until"), (*where, "effective", "until"))
    if start and end and end <= start:
        raise CompileError(f"effective.until ({end}) is not after effective.from ({start})", (*where, "effective"))
    authority = spec.get("authority", "provider")
    if authority == "observed" and spec["severity"] == "error":
        raise CompileError("a rule of observed practice (authority: observed) is never an error: make it a warning "
                           "or info, or cite the authority that requires it", (*where, "severity"))
    return Rule(
        id=spec["id"], pack=pack, severity=spec["severity"], title=dict(spec.get("title") or {}),
        message=dict(spec["message"]), source=citations, assert_=assert_,
        when=when, each=tuple(each), path=path_segs, params=params, services=opt("services"),
        operations=opt("operations"), providers=opt("providers"), deprecated=deprecated,
        provinces=opt("provinces"), effective_from=start, effective_until=end,
        superseded_by=spec.get("superseded_by"), authority=authority, layer=spec.get("layer", "provider"),
        services_at=services_at(compiler.data),
        spec=dict(spec), origin=origin,
    )


def _day(value: Any, where: tuple[str | int, ...]) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CompileError(f"{value!r} is not a date (YYYY-MM-DD)", where) from None


def _version_key(rule: Mapping[str, Any], pack: Mapping[str, Any]) -> str:
    start = (rule.get("effective") or pack.get("effective") or {}).get("from")
    return f"{rule['id']}@{start}" if start else str(rule["id"])


def _with_pack_defaults(spec: Mapping[str, Any], pack: Mapping[str, Any]) -> dict[str, Any]:
    """A rule or material with its pack's layer, and the pack's authority and dates unless it has its own."""
    out = dict(spec)
    out["layer"] = pack.get("layer", "provider")
    for key in ("authority", "effective"):
        if key not in out and key in pack:
            out[key] = pack[key]
    return out


def _check_versions(rules: list[Rule], merged: Mapping[str, tuple[dict[str, Any], Any, int, str]]) -> None:
    """The versions of one rule id are in force one after the other, never two on the same day."""
    by_id: dict[str, list[Rule]] = {}
    for rule in rules:
        by_id.setdefault(rule.id, []).append(rule)
    for rid, versions in by_id.items():
        ordered = sorted(versions, key=lambda r: r.effective_from or dt.date.min)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.effective_until is None or later.effective_from is None or \
                    earlier.effective_until > later.effective_from:
                _, rp, index, _ = merged[later.version]
                raise RuleFileError(rp.positions.problem(
                    f"rule {rid}: two versions are in force at once (the one from "
                    f"{earlier.effective_from or 'the start'} has no effective.until before "
                    f"{later.effective_from or 'the start'})", ("rules", index, "effective")))


def _check_scope(applies: Mapping[str, Any], data: DataStore, where: Where) -> None:
    """Every value a rule is scoped to is one the data defines (``data/selectors.yaml`` says where).

    A misspelt operation or service type would otherwise make a rule that never runs.
    """
    selectors = data.files.get("selectors", {}).get("rules", {})
    for key, values in applies.items():
        ref = selectors.get(key, {}).get("vocabulary")
        if not ref or not isinstance(values, list):
            continue
        known = data.resolve(ref)
        if isinstance(known, list):  # rows: the selector names the key of each (provinces by code)
            column = selectors[key].get("key", "code")
            known = {str(row.get(column)) for row in known if isinstance(row, Mapping)}
        for i, value in enumerate(values):
            if value not in known:
                raise CompileError(f"applies_to.{key}: unknown value {value!r} (known, from data {ref}: "
                                   f"{', '.join(sorted(map(str, known)))})", (*where, key, i))


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
