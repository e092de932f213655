"""The hot path: condition trees turned into nested Python closures.

The node classes of :mod:`icprules.conditions` are the reference semantics: they pickle,
describe themselves and record an explanation step by step. Walking them costs a method
look-up, a trace test and an ``isinstance`` chain per node, which was most of the time a
document took. Here each node becomes a closure with its constants bound and its common
shapes specialised (a one-key field read, ``equals`` a literal, membership in a frozen
list), for the untraced evaluation only. ``tests/test_closures.py`` holds the two to the
same answers and the same message parameters on every rule and many documents.

Closures are built per process, on first use, and never pickled (see ``RuleSet.applicable``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import paths
from .conditions import (
    All,
    AnyOf,
    Check,
    Compare,
    Const,
    Env,
    Exists,
    FactRef,
    FieldRef,
    Node,
    Not,
    Operand,
    Quantifier,
    is_empty,
)
from .paths import MISSING
from .registry import CHECKS

Test = Callable[[Env, Any], bool]
Getter = Callable[[Env, Any], Any]

_get = paths.get
_expand = paths.expand


def test(node: Node) -> Test:
    """A closure answering ``node.test(env, item)`` for an untraced ``env``."""
    kind = type(node)
    if kind is All:
        return _all(tuple(test(p) for p in node.parts))  # type: ignore[attr-defined]
    if kind is AnyOf:
        return _any(tuple(test(p) for p in node.parts))  # type: ignore[attr-defined]
    if kind is Not:
        part = test(node.part)  # type: ignore[attr-defined]
        return lambda env, item: not part(env, item)
    if kind is Exists:
        return _exists(getter(node.operand))  # type: ignore[attr-defined]
    if kind is Quantifier:
        return _quantifier(node)  # type: ignore[arg-type]
    if kind is Check:
        return _check(node)  # type: ignore[arg-type]
    if kind is Compare:
        return _compare(node)  # type: ignore[arg-type]
    # An unknown node kind (a subclass): fall back to its own method.
    return node.test


def getter(operand: Operand | None) -> Getter | None:
    """A closure answering ``operand.resolve(env, item)``; None stands for the item itself."""
    if operand is None:
        return None
    kind = type(operand)
    if kind is Const:
        value = operand.value  # type: ignore[attr-defined]
        return lambda env, item: value
    if kind is FactRef:
        return _fact(operand)  # type: ignore[arg-type]
    if kind is FieldRef and not operand.wildcard and operand.transforms is None:  # type: ignore[attr-defined]
        return _field(operand.segments, operand.absolute)  # type: ignore[attr-defined]
    return operand.resolve


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
    if absolute:
        return lambda env, item: _get(env.root, segments)
    return lambda env, item: _get(item, segments)


def _fact(operand: FactRef) -> Getter:
    name = operand.name
    transforms = operand.transforms

    def fact(env: Env, item: Any) -> Any:
        values = env.fact_values
        value = values[name] if name in values else env.fact(name)
        return value if transforms is None else transforms.apply(value)

    return fact


# --------------------------------------------------------------------------- nodes


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


def _exists(get: Getter | None) -> Test:
    assert get is not None

    def exists(env: Env, item: Any) -> bool:
        value = get(env, item)
        if value.__class__ is str:
            return bool(value) and not value.isspace()
        return not is_empty(value)

    return exists


def _quantifier(node: Quantifier) -> Test:
    sub = test(node.sub)
    segments, absolute, every = node.segments, node.absolute, node.every

    def quantifier(env: Env, item: Any) -> bool:
        for _, value in _expand(env.root if absolute else item, segments):
            ok = sub(env, value)
            if every and not ok:
                return False
            if ok and not every:
                return True
        return every

    return quantifier


def _check(node: Check) -> Test:
    get = getter(node.operand)
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
    assert get is not None
    op, right = node.op, node.right
    if op in ("equals", "in") and type(right) is Const:
        constant = right.value
        if op == "equals":
            def equals(env: Env, item: Any) -> bool:
                value = get(env, item)
                return value is not MISSING and bool(value == constant)

            return equals
        if isinstance(constant, (frozenset, tuple, Mapping)):
            def member(env: Env, item: Any) -> bool:
                value = get(env, item)
                if value is MISSING:
                    return False
                if value.__class__ is str:
                    return value in constant
                return node._test(env, item, value)

            return member
    if op == "matches":
        fullmatch = right.fullmatch

        def matches(env: Env, item: Any) -> bool:
            value = get(env, item)
            return isinstance(value, str) and fullmatch(value) is not None

        return matches
    slow = node._test
    return lambda env, item: slow(env, item, get(env, item))
