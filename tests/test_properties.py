"""Properties over open-ended input (hypothesis)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import icprules
from conftest import EXAMPLES, TODAY, base
from icprules import paths
from icprules.report import formats, privacy

RULES = icprules.default_rules()
RULE_IDS = set(RULES.ids)
SCHEMA = icprules.application_schema(RULES)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def _check(doc: Any) -> icprules.Report | None:
    try:
        return icprules.check(doc, today=TODAY, base_dir=EXAMPLES, rules=RULES)
    except icprules.DocumentError:
        return None


def _schema_nodes(node: dict[str, Any], key: str | int) -> list[dict[str, Any]]:
    """Every sub-schema that describes a key or index: through $ref, anyOf/oneOf, the models a service's
    type selects (allOf: if/then) and additionalProperties."""
    if "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    out: list[dict[str, Any]] = []
    if isinstance(key, int):
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            out.append(node["items"])
    elif key in node.get("properties", {}):
        out.append(node["properties"][key])
    elif isinstance(node.get("additionalProperties"), dict):
        out.append(node["additionalProperties"])
    selected = [e["then"] for e in node.get("allOf", []) if "then" in e]
    for alt in node.get("anyOf", []) + node.get("oneOf", []) + selected:
        out.extend(_schema_nodes(alt, key))
    return out


def _path_is_known(doc: dict[str, Any], text: str) -> bool:
    """The path exists in the document, or continues from it along the input schema."""
    segs = paths.parse(text)
    value: Any = doc
    nodes: list[dict[str, Any]] = [SCHEMA]
    for i, seg in enumerate(segs):
        nodes = [n for node in nodes for n in _schema_nodes(node, seg)]
        found = paths.get(value, (seg,))
        if found is paths.MISSING:
            # the rest must be fields the schema knows (a missing field is reported at its own path)
            for rest in segs[i + 1:]:
                nodes = [n for node in nodes for n in _schema_nodes(node, rest)]
            return bool(nodes)
        value = found
    return True


def _assert_sound(doc: Any, report: icprules.Report) -> None:
    plain = icprules.read_document(doc, store=RULES.data).data  # as check() reads it
    for finding in report.findings:
        assert finding.rule in RULE_IDS, finding.rule
        assert _path_is_known(plain, finding.path), (finding.rule, finding.path)
        assert finding.could_not_check is None, f"{finding.rule} raised: {finding.could_not_check}"
    again = _check(copy.deepcopy(doc))
    assert again is not None and again.findings == report.findings, "findings must be deterministic"
    # every output is writable, and no personal value written anywhere in the document shows in it
    shown = report.to_json()
    shown.encode("utf-8")
    formats.text(report).encode("utf-8")
    for text in privacy._strings(plain):
        for spelling, _ in privacy.recognised(text):
            assert spelling not in shown, spelling


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_value_gives_a_report_or_a_document_error(doc: Any) -> None:
    report = _check(doc)
    if report is not None:
        _assert_sound(doc, report)


def _subtree_paths(value: Any, prefix: paths.Segments = ()) -> list[paths.Segments]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _subtree_paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _subtree_paths(v, (*prefix, i))
    return out


#: Text a hostile user writes: lone surrogates, invisible and bidi characters, traditional and look-alike
#: characters, real-shaped ID numbers, mobiles and e-mail addresses.
_ODD_CHARACTERS = ["\ud800", "\udfff", "\u202e", "\u200b", "\u3164", "國", "囯", "с", "1", "中", "论", "坛"]
hostile_text = st.one_of(
    st.text(alphabet=st.one_of(st.characters(), st.sampled_from(_ODD_CHARACTERS)), max_size=30),
    st.sampled_from(["11010519491231002X", "13912345678", "zhang@example.cn", "京ICP備05000593號", "2026-02-30"]),
)

# Mostly values that pass the shape check, so that the rules, not the model, see them.
mutations = st.one_of(st.text(max_size=40), st.from_regex(r"[0-9A-Za-z.:@\- ]{0,24}", fullmatch=True),
                      st.integers(), st.none(), st.just("__delete__"), json_values, hostile_text)


def mutated(which: str, data: st.DataObject, junk: Any) -> dict[str, Any]:
    """A bundled example with one subtree, drawn from ``data``, replaced by ``junk`` (or deleted)."""
    doc = base(which)
    target = data.draw(st.sampled_from(_subtree_paths(doc)[1:]))
    parent = paths.get(doc, target[:-1])
    if junk == "__delete__":
        del parent[target[-1]]
    else:
        parent[target[-1]] = junk
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["website", "app"]), st.data(), mutations)
def test_valid_documents_with_one_subtree_replaced(which: str, data: st.DataObject, junk: Any) -> None:
    doc = mutated(which, data, junk)
    report = _check(doc)
    if report is not None:
        _assert_sound(doc, report)
        assert not any(f.rule.startswith("engine.") for f in report.findings)


def test_the_path_checker_can_fail() -> None:
    doc = base("app")
    assert _path_is_known(doc, "services[0].platforms[1].bundle_id")
    assert _path_is_known(doc, "services[0].attachments.authenticity_form")  # missing, but in the schema
    assert _path_is_known(doc, "entity.principal.id.valid_until")
    assert not _path_is_known(doc, "entity.principal.id.colour")
    assert not _path_is_known(doc, "services[0].platforms[1].bogus.deeper")


def test_mutations_mostly_reach_the_rules() -> None:
    """Guard against a property that only ever sees DocumentError."""
    doc = base("website")
    doc["services"][0]["name"] = {"not": "text"}
    assert _check(doc) is None
    doc = base("website")
    doc["entity"]["name"] = 12345
    assert _check(doc) is not None
