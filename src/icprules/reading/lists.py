"""A list written as its one value (``domains: example.com.cn``), read as a list of one.

Hand-written YAML often gives a list field a single value: ``domains: example.com.cn``,
``languages: zh-Hans``, or the one website's fields right under ``services:`` without the "- " of a
list item. That made the whole document unreadable ("expected a list, got text"), so nothing else
in it was checked. Which fields are read this way is data: ``fields.one_as_list`` (document path
patterns of lists of text) and ``fields.one_block_as_list`` (of lists of blocks). A text, or a block,
there is read as the list holding it, before the document is validated, and the list is given as
the field's canonical form. A text holding several values (``52.83.10.20, 52.83.10.21``) is not
split: it is one value, and the field's own rule says what is wrong with it. The caller's data is
not changed.

Likewise a text where a block goes, in a list of blocks that a name identifies (``sdks: [友盟统计]``
for ``sdks: [{name: 友盟统计}]``), is read as the block holding it under that name
(``fields.text_as_block``: pattern -> key), so the block's other fields are asked for by their own
located findings instead of the document being refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import paths
from ..data import DataStore


def _fields(store: DataStore) -> tuple[tuple[tuple[paths.Segments, ...], type], ...]:
    """The patterns read as lists of one, in the order they are read, with the kind of value each takes:
    blocks first (outermost first: a service written as a block is a list before its platforms are
    looked at), then texts (which may be inside a block just made a list)."""
    fields = store.files.get("fields", {})
    return tuple((tuple(paths.parse(p) for p in fields.get(key) or [] if isinstance(p, str)), kind)
                 for key, kind in (("one_block_as_list", dict), ("one_as_list", str)))


def one_as_list(data: Mapping[str, Any], store: DataStore) -> tuple[Mapping[str, Any], dict[str, list[Any]]]:
    """The document with each single text or block given to a list field as a list of one, and the list
    read at each such path (a formatted path)."""
    read_as: dict[str, list[Any]] = {}
    expanded: dict[Any, list[tuple[paths.Segments, Any]]] = {}  # the patterns share their first steps
    for patterns, kind in store.derived("fields.one_as_list", _fields):
        for segments in patterns:  # one after another: a pattern may go through a list the one before made
            changes: list[tuple[paths.Segments, list[Any]]] = []
            for path, value in paths.expand_once(expanded, data, segments):
                if value.__class__ is kind or (kind is dict and isinstance(value, Mapping)):
                    changes.append((path, [value]))
                    read_as[paths.format_path(path)] = [value]
            if changes:
                data = paths.replaced(data, changes)
                expanded = {}  # what was found is of the document before
    return data, read_as


def _text_blocks(store: DataStore) -> tuple[tuple[paths.Segments, str], ...]:
    table = store.files.get("fields", {}).get("text_as_block") or {}
    return tuple((paths.parse(p), key) for p, key in table.items() if isinstance(p, str) and isinstance(key, str))


def text_as_block(data: Mapping[str, Any], store: DataStore) -> tuple[Mapping[str, Any], dict[str, dict[str, Any]]]:
    """The document with each text where a block goes (``fields.text_as_block``) read as the block
    ``{key: text}``, and the block read at each such path (a formatted path). Run after
    :func:`one_as_list`: a single text there is first a list of one."""
    read_as: dict[str, dict[str, Any]] = {}
    for segments, key in store.derived("fields.text_as_block", _text_blocks):
        changes: list[tuple[paths.Segments, dict[str, Any]]] = []
        for path, value in paths.expand(data, segments):
            if value.__class__ is str and value.strip():
                block = {key: value}
                changes.append((path, block))
                read_as[paths.format_path(path)] = block
        if changes:
            data = paths.replaced(data, changes)
    return data, read_as
