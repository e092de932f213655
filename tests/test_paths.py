from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icprules import paths

keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=8) | st.text(max_size=6)
segments = st.lists(st.one_of(keys, st.integers(0, 50)), max_size=6).filter(
    lambda s: not s or isinstance(s[0], str))


@given(segments)
def test_format_then_parse_is_identity(segs: list[str | int]) -> None:
    assert paths.parse(paths.format_path(segs)) == tuple(segs)


def test_parse_examples() -> None:
    assert paths.parse("services[0].platforms[1].bundle_id") == ("services", 0, "platforms", 1, "bundle_id")
    assert paths.parse("services[*].name") == ("services", paths.ANY, "name")
    assert paths.parse("entity.attachments.*[*]") == ("entity", "attachments", paths.ANY_KEY, paths.ANY)
    assert paths.format_path(paths.parse("a.*.b[*]")) == "a.*.b[*]"
    assert paths.format_path(("attachments", "", "x.y", 'q"')) == 'attachments[""]["x.y"]["q\\""]'
    assert paths.parse('attachments[""]["x.y"]') == ("attachments", "", "x.y")
    assert paths.parse(paths.format_path(("a", "*"))) == ("a", "*")
    assert paths.parse("") == () and paths.parse(".") == ()


@pytest.mark.parametrize("bad", ["a..b", "a.", "a[x]", "a.[0]", "[", "a]b"])
def test_bad_paths(bad: str) -> None:
    with pytest.raises(paths.PathSyntaxError):
        paths.parse(bad)


def test_expand_in_document_order_and_skips_missing() -> None:
    doc = {"services": [{"name": "a"}, {}, {"name": "c"}, None]}
    found = list(paths.expand(doc, paths.parse("services[*].name")))
    assert found == [(("services", 0, "name"), "a"), (("services", 2, "name"), "c")]
    assert paths.get(doc, ("services", 9)) is paths.MISSING
    assert paths.get(doc, ("services", 0, "name", "x")) is paths.MISSING


def test_expand_mapping_values() -> None:
    doc = {"attachments": {"a": "x.jpg", "b": ["f.jpg", "g.jpg"]}}
    found = [paths.format_path(p) for p, _ in paths.expand(doc, paths.parse("attachments.*[*]"))]
    assert found == ["attachments.b[0]", "attachments.b[1]"]
    found = [v for _, v in paths.expand(doc, paths.parse("attachments.*"))]
    assert found == ["x.jpg", ["f.jpg", "g.jpg"]]


def test_sort_key_orders_indices_numerically() -> None:
    texts = ["services[10].name", "services[2].name", "entity.name"]
    assert sorted(texts, key=paths.sort_key_text) == ["entity.name", "services[2].name", "services[10].name"]


_TREE = st.recursive(st.integers() | st.text(max_size=3),
                     lambda inner: st.lists(inner, min_size=1, max_size=4)
                     | st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, min_size=1, max_size=3),
                     max_leaves=25)


def _leaf_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaf_paths(v, (*prefix, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaf_paths(v, (*prefix, i))]
    return [prefix]


@given(_TREE, st.data())
def test_replacing_many_paths_at_once_is_replacing_them_one_by_one(tree: Any, data: st.DataObject) -> None:
    """paths.replaced copies each container once for all its changes (one at a time copied a list of a
    thousand items a thousand times: a second for a hostile document of 150,000 names)."""
    leaves = [p for p in _leaf_paths(tree) if p]
    chosen = data.draw(st.lists(st.sampled_from(leaves), unique=True)) if leaves else []
    changes = [(p, ("new", i)) for i, p in enumerate(chosen)]
    before = copy.deepcopy(tree)
    out = paths.replaced(tree, changes)
    expected = copy.deepcopy(tree)
    for p, new in changes:
        holder = expected
        for seg in p[:-1]:
            holder = holder[seg]
        holder[p[-1]] = new
    assert out == expected and tree == before
    if isinstance(tree, (dict, list)):  # what no change goes through is shared, not copied
        keys = tree.keys() if isinstance(tree, dict) else range(len(tree))
        for k in keys:
            if not any(p[0] == k for p, _ in changes):
                assert out[k] is tree[k]


_SEGMENT = st.sampled_from(["a", "b", "c", paths.ANY, paths.ANY_KEY, 0, 1])


@given(st.recursive(st.none() | st.integers() | st.text(max_size=2),
                    lambda inner: st.lists(inner, min_size=1, max_size=3)
                    | st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, min_size=1, max_size=3),
                    max_leaves=20),
       st.lists(st.lists(_SEGMENT, min_size=1, max_size=4).map(tuple), min_size=1, max_size=6))
def test_expanding_from_the_parents_expansion_finds_what_expand_finds(tree: Any, patterns: list[Any]) -> None:
    """expand_once walks a pattern one segment on from its parent's kept expansion (the patterns of a
    check share their first steps); in any order of patterns, nulls and all, it finds what expand finds."""
    cache: dict[Any, Any] = {}
    for pattern in patterns:
        assert paths.expand_once(cache, tree, pattern) == paths.expand(tree, pattern)
    for pattern, found in cache.items():  # the parents it kept on the way are right too
        assert found == paths.expand(tree, pattern)


def test_a_pattern_is_expanded_from_its_parents_expansion() -> None:
    doc = {"services": [{"domains": ["a.cn", None]}, {"domains": None}]}
    cache: dict[Any, Any] = {}
    found = paths.expand_once(cache, doc, paths.parse("services[*].domains[*]"))
    assert found == [(("services", 0, "domains", 0), "a.cn")]
    # Kept on the way: services[*] and services[*].domains (the null list dropped there already).
    assert cache[paths.parse("services[*].domains")] == [(("services", 0, "domains"), ["a.cn", None])]
    assert paths.parse("services[*]") in cache
