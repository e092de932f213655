"""Conditions: the small language rules are written in, and its compiler.

A condition is a mapping with one operator::

    {all: [c, ...]}   {any: [c, ...]}   {not: c}
    {exists: PATH}                                   present and not empty
    {every: PATTERN, satisfies: c}                   for each item (vacuously true)
    {some: PATTERN, satisfies: c}
    {check: NAME, field: PATH, with: {...}}          a named primitive check
    {field: PATH, equals|in|matches|length|gt|ge|lt|le|is: OPERAND}
    {fact: NAME, ...same operators...}

Paths are relative to the item a rule is looking at (``each:``); ``$.`` makes a path
absolute (from the document root). ``transform:`` applies named value transforms to
the left side first. An operand is a literal, ``{field: PATH}``, ``{fact: NAME}`` or
``{data: REF}`` (resolved at compile time).

Conditions compile once into a tree of small node objects that hold only plain
data, compiled regular expressions and primitive *names*, so a compiled rule set
pickles and can be shipped to worker processes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import paths
from .data import DataStore
from .paths import MISSING, Segments
from .registry import CHECKS, TRANSFORMS

COMPARISONS = ("equals", "in", "matches", "length", "gt", "ge", "lt", "le", "is")
OPERATORS = ("all", "any", "not", "exists", "every", "some", "check", "field", "fact")
TYPE_NAMES = ("text", "number", "boolean", "mapping", "list", "date")


class CompileError(Exception):
    """A condition is malformed; ``path`` is where inside the rule."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        self.message = message
        self.path = path
        super().__init__(message)


# --------------------------------------------------------------------------- runtime


class Env:
    """What one evaluation of one document sees. Never shared between documents."""

    __slots__ = ("base_dir", "cache", "depth", "fact_defs", "fact_values", "item_path", "params", "reasons", "root",
                 "today", "trace")

    def __init__(self, root: Any, *, today: dt.date, base_dir: Path | None,
                 fact_defs: Mapping[str, Fact], trace: list[TraceStep] | None = None,
                 reasons: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.root = root
        #: Wording of check failure reasons by code (data/reasons.yaml), for messages.
        self.reasons = reasons or {}
        self.today = today
        self.base_dir = base_dir
        self.fact_defs = fact_defs
        self.fact_values: dict[str, Any] = {}
        #: Primitive results keyed by (check, value, params id): several rules often
        #: ask the same question of the same value (a phone's format and its kind).
        self.cache: dict[Any, Any] = {}
        #: Extra message parameters reported by checks during the current rule.
        self.params: dict[str, Any] = {}
        #: Concrete path of the item the current rule looks at (checks may find its parents).
        self.item_path: tuple[Any, ...] = ()
        self.trace = trace
        self.depth = 0  # nesting of the trace

    def fact(self, name: str) -> Any:
        if name in self.fact_values:
            return self.fact_values[name]
        value = self.fact_defs[name].evaluate(self)
        self.fact_values[name] = value
        return value


@dataclass
class TraceStep:
    """One step of an explained evaluation: what was asked, of which value, and the answer.

    Composite steps (all, any, not, every, some) are followed by their parts at ``depth + 1``.
    """

    depth: int
    what: str
    value: Any
    result: bool


def _trace(env: Env, what: str, value: Any, result: bool) -> None:
    if env.trace is not None:
        env.trace.append(TraceStep(env.depth, what, value, result))


def _open(env: Env, what: str) -> TraceStep:
    assert env.trace is not None
    step = TraceStep(env.depth, what, MISSING, False)
    env.trace.append(step)
    env.depth += 1
    return step


def _close(env: Env, step: TraceStep | None, result: bool) -> bool:
    if step is not None:
        step.result = result
        env.depth -= 1
    return result


# --------------------------------------------------------------------------- operands


class Operand:
    __slots__ = ()

    def resolve(self, env: Env, item: Any) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


class Const(Operand):
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def resolve(self, env: Env, item: Any) -> Any:
        return self.value

    def describe(self) -> str:
        if isinstance(self.value, frozenset):
            return "[" + ", ".join(sorted(map(str, self.value))) + "]"
        return repr(self.value)


class _Transforms:
    __slots__ = ("steps",)

    def __init__(self, steps: tuple[tuple[str, Any], ...]) -> None:
        self.steps = steps

    def describe(self) -> str:
        return "".join(f"|{name}" for name, _ in self.steps)

    def apply(self, value: Any) -> Any:
        for name, prepared in self.steps:
            if value is MISSING or value is None:
                return MISSING
            value = TRANSFORMS[name].func(value, prepared)
        return value


class FieldRef(Operand):
    __slots__ = ("absolute", "segments", "text", "transforms", "wildcard")

    def __init__(self, text: str, segments: Segments, absolute: bool,
                 transforms: _Transforms | None) -> None:
        self.text = text
        self.segments = segments
        self.absolute = absolute
        self.wildcard = paths.has_wildcard(segments)
        self.transforms = transforms

    def resolve(self, env: Env, item: Any) -> Any:
        base = env.root if self.absolute else item
        if self.wildcard:
            value: Any = [v for _, v in paths.expand(base, self.segments)]
        else:
            value = paths.get(base, self.segments)
        if self.transforms is not None:
            if self.wildcard:
                return [t for t in (self.transforms.apply(v) for v in value) if t is not MISSING]
            value = self.transforms.apply(value)
        return value

    def describe(self) -> str:
        return self.text + (self.transforms.describe() if self.transforms else "")


class FactRef(Operand):
    __slots__ = ("name", "transforms")

    def __init__(self, name: str, transforms: _Transforms | None) -> None:
        self.name = name
        self.transforms = transforms

    def resolve(self, env: Env, item: Any) -> Any:
        value = env.fact(self.name)
        if self.transforms is not None:
            value = self.transforms.apply(value)
        return value

    def describe(self) -> str:
        return f"fact {self.name}" + (self.transforms.describe() if self.transforms else "")


# --------------------------------------------------------------------------- nodes


class Node:
    __slots__ = ()

    def test(self, env: Env, item: Any) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


class All(Node):
    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Node, ...]) -> None:
        self.parts = parts

    def test(self, env: Env, item: Any) -> bool:
        if env.trace is not None:
            step = _open(env, "all of")
            return _close(env, step, all(part.test(env, item) for part in self.parts))
        for part in self.parts:  # noqa: SIM110 - hot path; a generator costs more than the loop
            if not part.test(env, item):
                return False
        return True

    def describe(self) -> str:
        return "all of (" + "; ".join(p.describe() for p in self.parts) + ")"


class AnyOf(Node):
    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Node, ...]) -> None:
        self.parts = parts

    def test(self, env: Env, item: Any) -> bool:
        if env.trace is not None:
            step = _open(env, "any of")
            return _close(env, step, any(part.test(env, item) for part in self.parts))
        for part in self.parts:  # noqa: SIM110 - hot path; a generator costs more than the loop
            if part.test(env, item):
                return True
        return False

    def describe(self) -> str:
        return "any of (" + "; ".join(p.describe() for p in self.parts) + ")"


class Not(Node):
    __slots__ = ("part",)

    def __init__(self, part: Node) -> None:
        self.part = part

    def test(self, env: Env, item: Any) -> bool:
        if env.trace is not None:
            step = _open(env, "not")
            return _close(env, step, not self.part.test(env, item))
        return not self.part.test(env, item)

    def describe(self) -> str:
        return f"not ({self.part.describe()})"


def is_empty(value: Any) -> bool:
    if value is MISSING or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict, tuple, frozenset, set)):
        return len(value) == 0
    return False


class Exists(Node):
    __slots__ = ("operand",)

    def __init__(self, operand: Operand) -> None:
        self.operand = operand

    def test(self, env: Env, item: Any) -> bool:
        value = self.operand.resolve(env, item)
        result = not is_empty(value)
        _trace(env, f"{self.operand.describe()} is present", value, result)
        return result

    def describe(self) -> str:
        return f"{self.operand.describe()} is present"


class Quantifier(Node):
    __slots__ = ("absolute", "every", "pattern", "segments", "sub")

    def __init__(self, every: bool, pattern: str, segments: Segments, absolute: bool, sub: Node) -> None:
        self.every = every
        self.pattern = pattern
        self.segments = segments
        self.absolute = absolute
        self.sub = sub

    def test(self, env: Env, item: Any) -> bool:
        step = _open(env, f"{'every' if self.every else 'some'} {self.pattern}") if env.trace is not None else None
        base = env.root if self.absolute else item
        for _, value in paths.expand(base, self.segments):
            ok = self.sub.test(env, value)
            if self.every and not ok:
                return _close(env, step, False)
            if not self.every and ok:
                return _close(env, step, True)
        return _close(env, step, self.every)

    def describe(self) -> str:
        word = "every" if self.every else "some"
        return f"{word} {self.pattern} satisfies ({self.sub.describe()})"


class Check(Node):
    __slots__ = ("name", "operand", "params", "params_key", "positional")

    def __init__(self, name: str, operand: Operand | None, params: Any, positional: bool = False) -> None:
        self.name = name
        self.operand = operand
        self.params = params
        self.params_key = repr(params) if not isinstance(params, dict) else repr(sorted(params.items(), key=str))
        self.positional = positional

    def test(self, env: Env, item: Any) -> bool:
        value = item if self.operand is None else self.operand.resolve(env, item)
        if is_empty(value):
            return True
        key: Any = None
        hit: Any = MISSING
        if not self.positional and value.__class__ is str:
            # Only text is cached: mappings and lists are not hashable, and an answer that depends
            # on the position is asked once per position anyway.
            key = (self.name, value, self.params_key)
            hit = env.cache.get(key, MISSING)
        if hit is MISSING:
            outcome = CHECKS[self.name].func(value, self.params, env)
            hit = outcome if isinstance(outcome, tuple) else (bool(outcome), {})
            if key is not None:
                env.cache[key] = hit
        ok, extra = hit
        if extra:
            env.params.update(extra)
        _trace(env, self.describe(), value, ok)
        return bool(ok)

    def describe(self) -> str:
        on = "" if self.operand is None else f" on {self.operand.describe()}"
        return f"check {self.name}{on}"


def _as_number_or_date(value: Any) -> Any:
    if isinstance(value, bool):
        return MISSING
    if isinstance(value, (int, float, dt.date)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        try:
            return float(value)
        except ValueError:
            return MISSING
    return MISSING


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dt.date):
        return "date"
    return "other"


class Compare(Node):
    __slots__ = ("left", "op", "right")

    def __init__(self, left: Operand, op: str, right: Any) -> None:
        self.left = left
        self.op = op
        self.right = right  # Operand, or a compiled pattern / (min, max) / type name

    def test(self, env: Env, item: Any) -> bool:
        value = self.left.resolve(env, item)
        result = self._test(env, item, value)
        if env.trace is not None:
            shown = value
            if self.op in ("equals", "gt", "ge", "lt", "le") and not isinstance(self.right, Const):
                shown = f"{_shown(value)} vs {_shown(self.right.resolve(env, item))}"
            _trace(env, self.describe(), shown, result)
        return result

    def _test(self, env: Env, item: Any, value: Any) -> bool:
        op = self.op
        if value is MISSING:
            return False
        if op == "equals":
            return bool(value == self.right.resolve(env, item))
        if op == "in":
            options = self.right.resolve(env, item)
            if options is MISSING or options is None:
                return False
            if isinstance(value, list):
                return all(_member(v, options) for v in value)
            return _member(value, options)
        if op == "matches":
            return isinstance(value, str) and self.right.fullmatch(value) is not None
        if op == "length":
            if not isinstance(value, (str, list, dict)):
                return False
            low, high = self.right
            n = len(value)
            return bool((low is None or n >= low) and (high is None or n <= high))
        if op == "is":
            return bool(_type_of(value) == self.right)
        left = _as_number_or_date(value)
        right = _as_number_or_date(self.right.resolve(env, item))
        if left is MISSING or right is MISSING:
            return False
        try:
            if op == "gt":
                return bool(left > right)
            if op == "ge":
                return bool(left >= right)
            if op == "lt":
                return bool(left < right)
            return bool(left <= right)
        except TypeError:  # a date against a number
            return False

    def describe(self) -> str:
        if self.op == "matches":
            right = f"/{self.right.pattern}/"
        elif self.op == "length":
            right = f"[{self.right[0]}, {self.right[1]}]"
        elif self.op == "is":
            right = str(self.right)
        else:
            right = self.right.describe()
        return f"{self.left.describe()} {self.op} {right}"


def _shown(value: Any) -> str:
    return "(absent)" if value is MISSING or value is None else str(value)


def _member(value: Any, options: Any) -> bool:
    try:
        return value in options
    except TypeError:
        return False


# --------------------------------------------------------------------------- facts


class Fact:
    """A named value derived once per document (``province``, ``verification``...)."""

    __slots__ = ("condition", "name", "operand")

    def __init__(self, name: str, operand: Operand | None, condition: Node | None) -> None:
        self.name = name
        self.operand = operand
        self.condition = condition

    def evaluate(self, env: Env) -> Any:
        if self.condition is not None:
            return self.condition.test(env, env.root)
        assert self.operand is not None
        return self.operand.resolve(env, env.root)


# --------------------------------------------------------------------------- compiler


class Compiler:
    """Turns condition mappings into nodes. ``facts`` are the names that may be referenced."""

    def __init__(self, data: DataStore, fact_names: set[str]) -> None:
        self.data = data
        self.fact_names = fact_names
        self.facts_used: set[str] = set()

    # paths ---------------------------------------------------------------
    def path(self, text: Any, where: tuple[str | int, ...]) -> tuple[Segments, bool]:
        if not isinstance(text, str):
            raise CompileError("a field path is text", where)
        absolute = text.startswith("$")
        body = text[1:].lstrip(".") if absolute else text
        try:
            return paths.parse(body), absolute
        except paths.PathSyntaxError as exc:
            raise CompileError(str(exc), where) from None

    def data_ref(self, ref: Any, where: tuple[str | int, ...]) -> Any:
        if not isinstance(ref, str):
            raise CompileError("a data reference is text like 'file.key'", where)
        try:
            return self.data.resolve(ref)
        except KeyError as exc:
            raise CompileError(str(exc.args[0]), where) from None

    def transforms(self, spec: Any, where: tuple[str | int, ...]) -> _Transforms | None:
        if spec is None:
            return None
        items = spec if isinstance(spec, list) else [spec]
        steps: list[tuple[str, Any]] = []
        for i, entry in enumerate(items):
            w = (*where, i) if isinstance(spec, list) else where
            params: dict[str, Any]
            if isinstance(entry, str):
                name, params = entry, {}
            elif isinstance(entry, Mapping) and len(entry) == 1:
                name, params = next(iter(entry.items()))
                params = dict(params or {})
            else:
                raise CompileError("a transform is a name, or {name: {parameters}}", w)
            if name not in TRANSFORMS:
                raise CompileError(f"unknown transform {name!r} (known: {', '.join(sorted(TRANSFORMS))})", w)
            steps.append((name, self.prepare(TRANSFORMS[name].prepare, params, w)))
        return _Transforms(tuple(steps))

    def prepare(self, prepare: Any, params: dict[str, Any], where: tuple[str | int, ...]) -> Any:
        params = self.resolve_data_params(params, where)
        if prepare is None:
            return params
        try:
            return prepare(params, self.data)
        except (KeyError, ValueError, TypeError, re.error) as exc:
            raise CompileError(f"bad parameters: {exc}", where) from None

    def resolve_data_params(self, params: dict[str, Any], where: tuple[str | int, ...]) -> dict[str, Any]:
        out = {}
        for key, value in params.items():
            if isinstance(value, Mapping) and set(value) == {"data"}:
                out[key] = self.data_ref(value["data"], (*where, key, "data"))
            else:
                out[key] = value
        return out

    def operand(self, spec: Any, where: tuple[str | int, ...], *, literal_ok: bool = True,
                freeze: bool = False) -> Operand:
        if isinstance(spec, Mapping):
            keys = set(spec)
            if "field" in keys and keys <= {"field", "transform"}:
                segs, absolute = self.path(spec["field"], (*where, "field"))
                transforms = self.transforms(spec.get("transform"), (*where, "transform"))
                return FieldRef(spec["field"], segs, absolute, transforms)
            if "fact" in keys and keys <= {"fact", "transform"}:
                name = spec["fact"]
                self.fact(name, (*where, "fact"))
                return FactRef(name, self.transforms(spec.get("transform"), (*where, "transform")))
            if keys == {"data"}:
                value = self.data_ref(spec["data"], (*where, "data"))
                return Const(_freeze(value) if freeze else value)
            raise CompileError("an operand is a value, {field: PATH}, {fact: NAME} or {data: REF}", where)
        if not literal_ok:
            raise CompileError("expected {field: PATH}, {fact: NAME} or {data: REF}", where)
        return Const(_freeze(spec) if freeze else spec)

    def fact(self, name: Any, where: tuple[str | int, ...]) -> None:
        if not isinstance(name, str) or name not in self.fact_names:
            known = ", ".join(sorted(self.fact_names)) or "none"
            raise CompileError(f"unknown fact {name!r} (known: {known})", where)
        self.facts_used.add(name)

    # conditions ----------------------------------------------------------
    def condition(self, spec: Any, where: tuple[str | int, ...] = ()) -> Node:
        if not isinstance(spec, Mapping) or not spec:
            raise CompileError("a condition is a mapping with one operator", where)
        keys = set(spec)
        ops = keys & {"all", "any", "not", "exists", "every", "some", "check"}
        if len(ops) > 1:
            raise CompileError(f"one operator per condition, found {sorted(ops)}; wrap them in 'all'", where)
        if "all" in keys or "any" in keys:
            op = "all" if "all" in keys else "any"
            self._only(spec, {op}, where)
            parts = spec[op]
            if not isinstance(parts, list) or not parts:
                raise CompileError(f"'{op}' takes a non-empty list of conditions", (*where, op))
            nodes = tuple(self.condition(p, (*where, op, i)) for i, p in enumerate(parts))
            return All(nodes) if op == "all" else AnyOf(nodes)
        if "not" in keys:
            self._only(spec, {"not"}, where)
            return Not(self.condition(spec["not"], (*where, "not")))
        if "exists" in keys:
            self._only(spec, {"exists"}, where)
            segs, absolute = self.path(spec["exists"], (*where, "exists"))
            return Exists(FieldRef(spec["exists"], segs, absolute, None))
        if "every" in keys or "some" in keys:
            op = "every" if "every" in keys else "some"
            self._only(spec, {op, "satisfies"}, where)
            if "satisfies" not in spec:
                raise CompileError(f"'{op}' needs 'satisfies'", where)
            segs, absolute = self.path(spec[op], (*where, op))
            sub = self.condition(spec["satisfies"], (*where, "satisfies"))
            return Quantifier(op == "every", spec[op], segs, absolute, sub)
        if "check" in keys:
            return self._check(spec, where)
        if "field" in keys or "fact" in keys:
            return self._compare(spec, where)
        raise CompileError(
            f"unknown operator {sorted(keys)[0]!r} (expected one of: {', '.join(OPERATORS)})", where
        )

    def _only(self, spec: Mapping[str, Any], allowed: set[str], where: tuple[str | int, ...]) -> None:
        extra = set(spec) - allowed
        if extra:
            raise CompileError(f"unexpected key {sorted(extra)[0]!r} here", where)

    def _check(self, spec: Mapping[str, Any], where: tuple[str | int, ...]) -> Node:
        self._only(spec, {"check", "field", "fact", "with", "transform"}, where)
        name = spec["check"]
        if name not in CHECKS:
            raise CompileError(f"unknown check {name!r} (known: {', '.join(sorted(CHECKS))})", (*where, "check"))
        operand: Operand | None = None
        if "field" in spec or "fact" in spec:
            sub = {k: spec[k] for k in ("field", "fact", "transform") if k in spec}
            operand = self.operand(sub, where, literal_ok=False)
        params = spec.get("with") or {}
        if not isinstance(params, Mapping):
            raise CompileError("'with' takes a mapping of parameters", (*where, "with"))
        prepared = self.prepare(CHECKS[name].prepare, dict(params), (*where, "with"))
        return Check(name, operand, prepared, CHECKS[name].positional)

    def _compare(self, spec: Mapping[str, Any], where: tuple[str | int, ...]) -> Node:
        side = "field" if "field" in spec else "fact"
        ops = [k for k in spec if k in COMPARISONS]
        if len(ops) != 1:
            raise CompileError(
                f"a {side} condition takes exactly one of: {', '.join(COMPARISONS)}", where
            )
        op = ops[0]
        self._only(spec, {side, "transform", op}, where)
        left_spec = {side: spec[side], **({"transform": spec["transform"]} if "transform" in spec else {})}
        left = self.operand(left_spec, where, literal_ok=False)
        arg = spec[op]
        w = (*where, op)
        right: Any
        if op == "matches":
            if isinstance(arg, Mapping) and set(arg) == {"data"}:
                arg = self.data_ref(arg["data"], (*w, "data"))
            if not isinstance(arg, str):
                raise CompileError("'matches' takes a regular expression (or {data: REF} naming one)", w)
            try:
                right = re.compile(arg)
            except re.error as exc:
                raise CompileError(f"bad regular expression: {exc}", w) from None
        elif op == "length":
            if not isinstance(arg, Mapping) or not set(arg) <= {"min", "max"} or not arg:
                raise CompileError("'length' takes {min: N, max: N}", w)
            bounds = []
            for key in ("min", "max"):
                bound = arg.get(key)
                if isinstance(bound, Mapping) and set(bound) == {"data"}:
                    bound = self.data_ref(bound["data"], (*w, key, "data"))
                if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool) or bound < 0):
                    raise CompileError(f"'length' {key} must be a whole number", (*w, key))
                bounds.append(bound)
            right = (bounds[0], bounds[1])
        elif op == "is":
            if arg not in TYPE_NAMES:
                raise CompileError(f"'is' takes one of: {', '.join(TYPE_NAMES)}", w)
            right = arg
        else:
            right = self.operand(arg, w, freeze=op == "in")
            if op == "in" and isinstance(right, Const) and not isinstance(right.value, (frozenset, tuple, Mapping)):
                raise CompileError("'in' takes a list (or a {data: REF} naming one)", w)
        return Compare(left, op, right)


def _freeze(value: Any) -> Any:
    """Lists become frozensets of their hashable items (fast ``in``); else unchanged."""
    if isinstance(value, list):
        try:
            return frozenset(value)
        except TypeError:
            return tuple(value)
    return value
