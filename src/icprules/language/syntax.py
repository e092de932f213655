"""The condition language's syntax: rule conditions parsed, checked and described.

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
``{data: REF}`` (resolved when the rules load).

:class:`Parser` turns condition mappings into a tree of small frozen records holding only
plain data, compiled regular expressions and primitive *names*, so a loaded rule set pickles
and can be shipped to worker processes. The tree describes rules (reference docs, explain
labels); :mod:`icprules.language.compiler` turns it into the closures that evaluate them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import paths
from ..data import DataStore
from ..paths import MISSING, Segments
from ..registry import CHECKS, TRANSFORMS, apply_transforms
from . import regex_safety

COMPARISONS = ("equals", "in", "matches", "length", "gt", "ge", "lt", "le", "is")
OPERATORS = ("all", "any", "not", "exists", "every", "some", "check", "field", "fact")
TYPE_NAMES = ("text", "number", "boolean", "mapping", "list", "date")
Where = tuple[str | int, ...]


class CompileError(Exception):
    """A condition is malformed; ``path`` is where inside the rule."""

    def __init__(self, message: str, path: Where = ()) -> None:
        self.message = message
        self.path = path
        super().__init__(message)


# --------------------------------------------------------------------------- operands


@dataclass(frozen=True)
class Transforms:
    """Named value transforms applied in order, each with its prepared parameters."""

    steps: tuple[tuple[str, Any], ...]

    def describe(self) -> str:
        return "".join(f"|{name}" for name, _ in self.steps)


@dataclass(frozen=True)
class Const:
    value: Any

    def describe(self) -> str:
        if isinstance(self.value, frozenset):
            return "[" + ", ".join(sorted(map(str, self.value))) + "]"
        return repr(self.value)


@dataclass(frozen=True)
class FieldRef:
    """A field of the item (or, written ``$.``, of the document); ``[*]`` makes it a list."""

    text: str
    segments: Segments
    absolute: bool
    transforms: Transforms | None = None

    @property
    def wildcard(self) -> bool:
        return paths.has_wildcard(self.segments)

    def describe(self) -> str:
        return self.text + (self.transforms.describe() if self.transforms else "")


@dataclass(frozen=True)
class FactRef:
    name: str
    transforms: Transforms | None = None

    def describe(self) -> str:
        return f"fact {self.name}" + (self.transforms.describe() if self.transforms else "")


Operand = Const | FieldRef | FactRef


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class All:
    parts: tuple[Node, ...]

    def describe(self) -> str:
        return "all of (" + "; ".join(p.describe() for p in self.parts) + ")"


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]

    def describe(self) -> str:
        return "any of (" + "; ".join(p.describe() for p in self.parts) + ")"


@dataclass(frozen=True)
class Not:
    part: Node

    def describe(self) -> str:
        return f"not ({self.part.describe()})"


@dataclass(frozen=True)
class Exists:
    operand: FieldRef

    def describe(self) -> str:
        return f"{self.operand.describe()} is present"


@dataclass(frozen=True)
class Quantifier:
    """``every`` (or ``some``) item a pattern matches satisfies ``sub``."""

    every: bool
    pattern: str
    segments: Segments
    absolute: bool
    sub: Node

    def describe(self) -> str:
        word = "every" if self.every else "some"
        return f"{word} {self.pattern} satisfies ({self.sub.describe()})"


@dataclass(frozen=True)
class Check:
    """A named primitive check, on an operand or (``operand`` None) on the item itself."""

    name: str
    operand: Operand | None
    params: Any
    #: The answer depends on where the item is, not only on its value (never cached by value).
    positional: bool = False

    @property
    def params_key(self) -> str:
        params = self.params
        return repr(params) if not isinstance(params, dict) else repr(sorted(params.items(), key=str))

    def describe(self) -> str:
        on = "" if self.operand is None else f" on {self.operand.describe()}"
        return f"check {self.name}{on}"


@dataclass(frozen=True)
class Compare:
    left: Operand
    op: str
    #: An operand, or for ``matches`` a compiled pattern, ``length`` (min, max), ``is`` a type name.
    right: Any

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


Node = All | AnyOf | Not | Exists | Quantifier | Check | Compare


# --------------------------------------------------------------------------- compiler


class Parser:
    """Turns condition mappings into syntax trees. ``facts`` are the names that may be referenced."""

    def __init__(self, data: DataStore, fact_names: set[str]) -> None:
        self.data = data
        self.fact_names = fact_names
        self.facts_used: set[str] = set()

    # paths ---------------------------------------------------------------
    def path(self, text: Any, where: Where) -> tuple[Segments, bool]:
        if not isinstance(text, str):
            raise CompileError("a field path is text", where)
        absolute = text.startswith("$")
        body = text[1:].lstrip(".") if absolute else text
        try:
            return paths.parse(body), absolute
        except paths.PathSyntaxError as exc:
            raise CompileError(str(exc), where) from None

    def data_ref(self, ref: Any, where: Where) -> Any:
        if not isinstance(ref, str):
            raise CompileError("a data reference is text like 'file.key'", where)
        try:
            return self.data.resolve(ref)
        except KeyError as exc:
            raise CompileError(str(exc.args[0]), where) from None

    def transforms(self, spec: Any, where: Where) -> Transforms | None:
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
        return Transforms(tuple(steps))

    def prepare(self, prepare: Any, params: dict[str, Any], where: Where) -> Any:
        params = self.resolve_data_params(params, where)
        if prepare is None:
            return params
        try:
            return prepare(params, self.data)
        except (KeyError, ValueError, TypeError, re.error) as exc:
            raise CompileError(f"bad parameters: {exc}", where) from None

    def resolve_data_params(self, params: dict[str, Any], where: Where) -> dict[str, Any]:
        out = {}
        for key, value in params.items():
            if isinstance(value, Mapping) and set(value) == {"data"}:
                out[key] = self.data_ref(value["data"], (*where, key, "data"))
            else:
                out[key] = value
        return out

    def operand(self, spec: Any, where: Where, *, literal_ok: bool = True,
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
            if "data" in keys and keys <= {"data", "transform"}:
                value = self.data_ref(spec["data"], (*where, "data"))
                transforms = self.transforms(spec.get("transform"), (*where, "transform"))
                if transforms is not None:  # folded now: data does not change during a check
                    value = _transform_data(transforms, value)
                return Const(_freeze(value) if freeze else value)
            raise CompileError("an operand is a value, {field: PATH}, {fact: NAME} or {data: REF}", where)
        if not literal_ok:
            raise CompileError("expected {field: PATH}, {fact: NAME} or {data: REF}", where)
        return Const(_freeze(spec) if freeze else spec)

    def fact(self, name: Any, where: Where) -> None:
        if not isinstance(name, str) or name not in self.fact_names:
            known = ", ".join(sorted(self.fact_names)) or "none"
            raise CompileError(f"unknown fact {name!r} (known: {known})", where)
        self.facts_used.add(name)

    # conditions ----------------------------------------------------------
    def condition(self, spec: Any, where: Where = ()) -> Node:
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

    def _only(self, spec: Mapping[str, Any], allowed: set[str], where: Where) -> None:
        extra = set(spec) - allowed
        if extra:
            raise CompileError(f"unexpected key {sorted(extra)[0]!r} here", where)

    def _check(self, spec: Mapping[str, Any], where: Where) -> Node:
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

    def _compare(self, spec: Mapping[str, Any], where: Where) -> Node:
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
            danger = regex_safety.risk(arg)
            if danger:
                raise CompileError(f"regular expression {arg[:80]!r} refused: {danger}", w)
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


def _transform_data(transforms: Transforms, value: Any) -> Any:
    """A data value through transforms; a list item by item (absent results dropped), as ``[*]`` fields are."""
    if isinstance(value, list):
        out = [apply_transforms(transforms.steps, v) for v in value]
        return [v for v in out if v is not MISSING]
    return apply_transforms(transforms.steps, value)


def _freeze(value: Any) -> Any:
    """Lists become frozensets of their hashable items (fast ``in``); else unchanged."""
    if isinstance(value, list):
        try:
            return frozenset(value)
        except TypeError:
            return tuple(value)
    return value
