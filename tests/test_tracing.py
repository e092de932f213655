"""Tracing records the evaluation and changes nothing of it.

There is one evaluator (``icprules.language.compiler``); a traced condition is the same closure
wrapped by a recorder. For every rule and material condition, on every rule case and on mutated
documents, the traced closure gives the same answer and the same message parameters as the
untraced one, and it records at least one step.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import icprules
from conftest import TODAY, base
from icprules import paths
from icprules.evaluation import items, new_env
from icprules.language.compiler import compile_condition
from icprules.language.syntax import Node
from icprules.reading.document import read
from test_properties import mutated, mutations
from test_rule_cases import CASES, build

RULES = icprules.default_rules()
CONDITIONS: list[tuple[str, Any, Node]] = []
for _rule in RULES.rules:
    CONDITIONS += [(_rule.id, _rule, node) for node in (_rule.when, _rule.assert_) if node is not None]
for _material in RULES.materials:
    CONDITIONS += [(f"{_material.id} ({part})", _material.rule, node)
                   for part, node in (("needed", _material.needed), ("via", _material.via)) if node is not None]
COMPILED = [(name, rule, compile_condition(node), compile_condition(node, traced=True))
            for name, rule, node in CONDITIONS]


def disagreements(document: Any) -> list[str]:
    """Every (condition, item) where the traced and untraced closures differ, described."""
    doc = read(document, base_dir=__import__("conftest").EXAMPLES)
    plain, traced = new_env(RULES, doc, TODAY), new_env(RULES, doc, TODAY)
    out = []
    for name, rule, untraced_test, traced_test in COMPILED:
        for item_path, item in items(rule, doc.data):
            for env in (plain, traced):
                env.item_path, env.params = item_path, {}
            traced.trace, traced.depth = [], 0
            got, want = traced_test(traced, item), untraced_test(plain, item)
            if got is not want or plain.params != traced.params:
                out.append(f"{name} at {paths.format_path(item_path)}: traced {got} {traced.params}, "
                           f"untraced {want} {plain.params}")
            if not traced.trace:
                out.append(f"{name} at {paths.format_path(item_path)}: nothing was recorded")
            if traced.depth != 0:
                out.append(f"{name} at {paths.format_path(item_path)}: trace left at depth {traced.depth}")
    return out


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("files")], ids=lambda c: c["_id"])
def test_tracing_changes_no_answer_on_any_rule_case(case: dict[str, Any]) -> None:
    assert disagreements(build(case)) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["website", "app"]), st.data(), mutations)
def test_tracing_changes_no_answer_on_mutated_documents(which: str, data: st.DataObject, junk: Any) -> None:
    doc = mutated(which, data, junk)
    try:
        found = disagreements(doc)
    except icprules.DocumentError:
        return
    assert found == []


def test_the_comparison_can_fail() -> None:
    """Guard: a traced closure that answered differently would be caught."""
    name, rule, plain, traced = next(c for c in COMPILED if c[0] == "person.phone-format")
    index = COMPILED.index((name, rule, plain, traced))
    COMPILED[index] = (name, rule, plain, lambda env, item: not traced(env, item))
    try:
        assert disagreements(base("website"))
    finally:
        COMPILED[index] = (name, rule, plain, traced)


def test_untraced_evaluation_records_nothing() -> None:
    doc = read(base("website"))
    env = new_env(RULES, doc, TODAY)
    for _, rule, plain, _ in COMPILED:
        for item_path, item in items(rule, doc.data):
            env.item_path = item_path
            plain(env, item)
    assert env.trace is None and env.depth == 0
