"""The condition language's only evaluator: syntax trees compiled to Python closures.

Each node becomes a closure ``test(env, item) -> bool`` with its constants bound and its
common shapes specialised (a one-key field read, ``equals`` a literal, membership in a
frozen list). Compiled with ``traced=True``, every node's closure is the *same* closure
wrapped by a recorder that writes what was asked, the value seen and the answer to
``env.trace``: tracing off costs nothing, and explaining a rule is evaluating it traced.

Closures are built per process, on first use, and never pickled (the syntax tree is what a
rule set carries to worker processes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from .. import paths
from ..context import BudgetExceeded, Env
from ..paths import MISSING
from ..registry import CHECKS
from ..registry import apply_transforms as _apply
from .syntax import (
    All,
    AnyOf,
    Check,
    Compare,
    Const,
    Exists,
    FactRef,
    FieldRef,
    Node,
    Not,
    Operand,
    Quantifier,
    Transforms,
)

Test = Callable[[Env, Any], bool]
Getter = Callable[[Env, Any], Any]

_get = paths.get
_expand = paths.expand


def compile_condition(node: Node, *, traced: bool = False) -> Test:
    """A closure answering whether ``node`` holds for an item (recording each step if ``traced``)."""
    kind = type(node)
    test: Test
    if kind is All or kind is AnyOf:
        parts = tuple(compile_condition(p, traced=traced) for p in node.parts)  # type: ignore[union-attr]
        test = _all(parts) if kind is All else _any(parts)
    elif kind is Not:
        part = compile_condition(node.part, traced=traced)  # type: ignore[union-attr]
        test = lambda env, item: not part(env, item)  # noqa: E731
    elif kind is Quantifier:
        test = _quantifier(node, compile_condition(node.sub, traced=traced))  # type: ignore[arg-type, union-attr]
    elif kind is Exists:
        test = _exists(getter(node.operand))  # type: ignore[union-attr]
    elif kind is Check:
        test = _check(node)  # type: ignore[arg-type]
    elif kind is Compare:
        test = _compare(node)  # type: ignore[arg-type]
    else:
        raise TypeError(f"not a condition node: {node!r}")
    return _traced(node, test) if traced else test


def getter(operand: Operand | None) -> Getter:
    """A closure answering the value of an operand for an item (no operand: the item itself)."""
    if operand is None:
        return lambda env, item: item
    if type(operand) is Const:
        value = operand.value
        return lambda env, item: value
    if type(operand) is FactRef:
        return _fact(operand.name, operand.transforms)
    assert type(operand) is FieldRef
    if operand.transforms is None and not operand.wildcard:
        return _field(operand.segments, operand.absolute)
    return _field_slow(operand)


def is_empty(value: Any) -> bool:
    if value is MISSING or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict, tuple, frozenset, set)):
        return len(value) == 0
    return False


# --------------------------------------------------------------------------- tracing


def _traced(node: Node, test: Test) -> Test:
    """``test`` recording its step: composites open a level for their parts, leaves the value seen."""
    what = node.describe()
    if type(node) in (All, AnyOf, Not, Quantifier):
        label = {All: "all of", AnyOf: "any of", Not: "not"}.get(type(node))
        if label is None:
            label = f"{'every' if node.every else 'some'} {node.pattern}"  # type: ignore[union-attr]

        def composite(env: Env, item: Any) -> bool:
            step = env.open(label)
            return env.close(step, test(env, item))

        return composite
    shown = _shown_value(node)

    def leaf(env: Env, item: Any) -> bool:
        result = test(env, item)
        env.record(what, shown(env, item), result)
        return result

    return leaf


def _shown_value(node: Node) -> Getter:
    """What a traced leaf shows of the value it looked at (read again: getters have no effects)."""
    if type(node) is Exists or type(node) is Check:
        return getter(node.operand)
    assert type(node) is Compare
    left = getter(node.left)
    if node.op in ("equals", "gt", "ge", "lt", "le") and type(node.right) is not Const:
        right = getter(node.right)
        return lambda env, item: f"{_show(left(env, item))} vs {_show(right(env, item))}"
    return left


def _show(value: Any) -> str:
    return "(absent)" if value is MISSING or value is None else str(value)


# --------------------------------------------------------------------------- getters


def _field(segments: paths.Segments, absolute: bool) -> Getter:
    if len(segments) == 1 and segments[0].__class__ is str:
        key = segments[0]

        def one(env: Env, item: Any) -> Any:
            base = env.root if absolute else item
            if base.__class__ is dict:
                return base.get(key, MISSING)
            return _get(base, segments)

        return one
    if len(segments) == 2 and segments[0].__class__ is str and segments[1].__class__ is str:
        first, second = segments

        def two(env: Env, item: Any) -> Any:
            base = env.root if absolute else item
            if base.__class__ is dict:
                inner = base.get(first, MISSING)
                if inner.__class__ is dict:
                    return inner.get(second, MISSING)
            return _get(base, segments)

        return two
    walk = _walker(segments)
    if absolute:
        return lambda env, item: walk(env.root)
    return lambda env, item: walk(item)


def _walker(segments: paths.Segments) -> Callable[[Any], Any]:
    """``paths.get`` for one path: a path of keys walks plain dicts without asking each step's type
    (the scope conditions of many rules read $.entity.principal.id.type and the like, some forty reads
    a document); anything else on the way takes ``paths.get``."""
    if not all(seg.__class__ is str for seg in segments):
        return lambda base: _get(base, segments)

    def walk(base: Any) -> Any:
        value = base
        for key in segments:
            if value.__class__ is not dict:
                return _get(base, segments)
            value = value.get(key, MISSING)
            if value is MISSING:
                return MISSING
        return value

    return walk


def _field_slow(ref: FieldRef) -> Getter:
    """A field with transforms, or a pattern (``[*]``) that reads a list of values."""
    segments, absolute, transforms, wildcard = ref.segments, ref.absolute, ref.transforms, ref.wildcard
    steps = () if transforms is None else transforms.steps
    walk = _walker(segments)  # for a concrete path (a pattern is expanded)

    def read(env: Env, item: Any) -> Any:
        base = env.root if absolute else item
        if wildcard:
            values = [v for _, v in _expand(base, segments)]
            if transforms is None:
                return values
            return [t for t in (_apply(steps, v) for v in values) if t is not MISSING]
        value = walk(base)
        return value if transforms is None else _apply(steps, value)

    return read


def _fact(name: str, transforms: Transforms | None) -> Getter:
    steps = () if transforms is None else transforms.steps

    def fact(env: Env, item: Any) -> Any:
        values = env.fact_values
        value = values[name] if name in values else env.fact(name)
        return value if transforms is None else _apply(steps, value)

    return fact


# --------------------------------------------------------------------------- conditions


def _all(parts: tuple[Test, ...]) -> Test:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda env, item: a(env, item) and b(env, item)

    def every_part(env: Env, item: Any) -> bool:
        for part in parts:  # noqa: SIM110 - a generator costs more than the loop here
            if not part(env, item):
                return False
        return True

    return every_part


def _any(parts: tuple[Test, ...]) -> Test:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda env, item: a(env, item) or b(env, item)

    def some_part(env: Env, item: Any) -> bool:
        for part in parts:  # noqa: SIM110 - a generator costs more than the loop here
            if part(env, item):
                return True
        return False

    return some_part


def _exists(get: Getter) -> Test:
    def exists(env: Env, item: Any) -> bool:
        value = get(env, item)
        if value.__class__ is str:
            return bool(value) and not value.isspace()
        return not is_empty(value)

    return exists


def _quantifier(node: Quantifier, sub: Test) -> Test:
    segments, absolute, every = node.segments, node.absolute, node.every

    def quantifier(env: Env, item: Any) -> bool:
        for _, value in _expand(env.root if absolute else item, segments):
            env.steps += 1
            if env.steps > env.step_limit:
                raise BudgetExceeded(f"the rule looked at more than {env.step_limit:,} items (nested every/some)")
            ok = sub(env, value)
            if every and not ok:
                return False
            if ok and not every:
                return True
        return every

    return quantifier


def _check(node: Check) -> Test:
    """A primitive check: passes on an absent value; text answers are cached per document."""
    get = None if node.operand is None else getter(node.operand)  # None: the item itself, one call fewer
    func = CHECKS[node.name].func
    params, name, key_part = node.params, node.name, node.params_key
    cached = not node.positional

    def check(env: Env, item: Any) -> bool:
        value = item if get is None else get(env, item)
        if value.__class__ is str:
            if not value or value.isspace():
                return True
            if cached:
                key = (name, value, key_part)
                hit = env.cache.get(key)
                if hit is None:
                    outcome = func(value, params, env)
                    hit = env.cache[key] = outcome if outcome.__class__ is tuple else (bool(outcome), {})
                if hit[1]:
                    env.params.update(hit[1])
                return bool(hit[0])
        elif is_empty(value):
            return True
        outcome = func(value, params, env)
        if outcome.__class__ is tuple:
            if outcome[1]:
                env.params.update(outcome[1])
            return bool(outcome[0])
        return bool(outcome)

    return check


def _compare(node: Compare) -> Test:
    get = getter(node.left)
    op, right = node.op, node.right
    if op == "equals":
        if type(right) is Const:
            constant = right.value
            return lambda env, item: (value := get(env, item)) is not MISSING and bool(value == constant)
        other = getter(right)
        return lambda env, item: (value := get(env, item)) is not MISSING and bool(value == other(env, item))
    if op == "in":
        options_of = getter(right)
        fast = type(right) is Const and isinstance(right.value, (frozenset, tuple, Mapping))
        constant = right.value if fast else ()

        def member(env: Env, item: Any) -> bool:
            value = get(env, item)
            if value is MISSING:
                return False
            if fast and value.__class__ is str:
                return value in constant
            options = options_of(env, item)
            if options is MISSING or options is None:
                return False
            if isinstance(value, list):
                return all(_member(v, options) for v in value)
            return _member(value, options)

        return member
    if op == "matches":
        fullmatch = right.fullmatch
        return lambda env, item: isinstance(value := get(env, item), str) and fullmatch(value) is not None
    if op == "length":
        low, high = right

        def length(env: Env, item: Any) -> bool:
            value = get(env, item)
            if not isinstance(value, (str, list, dict)):
                return False
            n = len(value)
            return (low is None or n >= low) and (high is None or n <= high)

        return length
    if op == "is":
        return lambda env, item: (value := get(env, item)) is not MISSING and _type_of(value) == right
    return _order(get, getter(right), op)


def _order(get: Getter, other: Getter, op: str) -> Test:
    """gt / ge / lt / le between numbers or dates (text that reads as one counts as one)."""
    def order(env: Env, item: Any) -> bool:
        value = get(env, item)
        if value is MISSING:
            return False
        left = _as_number_or_date(value)
        right = _as_number_or_date(other(env, item))
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

    return order


def _member(value: Any, options: Any) -> bool:
    try:
        return value in options
    except TypeError:
        return False


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
