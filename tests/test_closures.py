"""The closures of the hot path give the same answers as the reference nodes.

``icprules.closures`` re-implements each condition node as a specialised closure for speed;
the nodes in ``icprules.conditions`` stay the reference (they also explain). For every rule
and material, on every item, both must agree on the outcome and on the message parameters
the checks report.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import icprules
from conftest import EXAMPLES, TODAY, base
from icprules import closures, paths
from icprules.conditions import Env, Node
from icprules.engine import items
from test_properties import mutated, mutations
from test_rule_cases import CASES, build

RULES = icprules.default_rules()
CONDITIONS: list[tuple[str, Any, Node]] = []
for _rule in RULES.rules:
    CONDITIONS += [(_rule.id, _rule, node) for node in (_rule.when, _rule.assert_) if node is not None]
for _material in RULES.materials:
    CONDITIONS += [(f"{_material.id} ({part})", _material.rule, node)
                   for part, node in (("needed", _material.needed), ("via", _material.via)) if node is not None]
COMPILED = [(name, rule, node, closures.test(node)) for name, rule, node in CONDITIONS]


def _env(root: dict[str, Any]) -> Env:
    return Env(root, today=TODAY, base_dir=EXAMPLES, fact_defs=RULES.facts)


def disagreements(document: Any) -> list[str]:
    """Every (condition, item) where a closure and its node differ, described."""
    root = icprules.read_document(document, base_dir=EXAMPLES).data
    fast, slow = _env(root), _env(root)
    out = []
    for name, rule, node, closure in COMPILED:
        for item_path, item in items(rule, root):
            for env in (fast, slow):
                env.item_path, env.params = item_path, {}
            got, want = closure(fast, item), node.test(slow, item)
            if got is not want or fast.params != slow.params:
                out.append(f"{name} at {paths.format_path(item_path)}: closure {got} {fast.params}, "
                           f"node {want} {slow.params}")
    return out


def test_every_condition_is_compiled_to_a_closure() -> None:
    # A node kind the compiler does not know falls back to its own (slow) method: none should.
    slow = [name for name, _, node, closure in COMPILED if getattr(closure, "__self__", None) is node]
    assert not slow


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("files")], ids=lambda c: c["_id"])
def test_closures_agree_on_every_rule_case(case: dict[str, Any]) -> None:
    assert disagreements(build(case)) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["website", "app"]), st.data(), mutations)
def test_closures_agree_on_mutated_documents(which: str, data: st.DataObject, junk: Any) -> None:
    doc = mutated(which, data, junk)
    try:
        found = disagreements(doc)
    except icprules.DocumentError:
        return
    assert found == []


def test_the_comparison_can_fail() -> None:
    """Guard: a closure that answers wrongly is caught."""
    name, rule, node, closure = next(c for c in COMPILED if c[0] == "person.phone-format")
    index = COMPILED.index((name, rule, node, closure))
    COMPILED[index] = (name, rule, node, lambda env, item: not closure(env, item))
    try:
        assert disagreements(base("website"))
    finally:
        COMPILED[index] = (name, rule, node, closure)
