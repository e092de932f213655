"""A list written as its one value (``domains: example.com.cn``), read as a list of one.

Hand-written YAML often gives a list field a single value: ``domains: example.com.cn``,
``languages: zh-Hans``. That made the whole document unreadable ("expected a list, got text"), so
nothing else in it was checked. Which fields are read this way is data (``fields.one_as_list``:
document path patterns of lists of text); a text there is read as the list holding it, before the
document is validated, and the list is given as the field's canonical form. A text holding several
values (``52.83.10.20, 52.83.10.21``) is not split: it is one value, and the field's own rule says
what is wrong with it. The caller's data is not changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import paths
from ..data import DataStore


def _fields(store: DataStore) -> tuple[paths.Segments, ...]:
    patterns = store.files.get("fields", {}).get("one_as_list") or []
    return tuple(paths.parse(p) for p in patterns if isinstance(p, str))


def one_as_list(data: Mapping[str, Any], store: DataStore) -> tuple[Mapping[str, Any], dict[str, list[str]]]:
    """The document with each single text given to a list field as a list of one, and the list read at
    each such path (a formatted path)."""
    read_as: dict[str, list[str]] = {}
    changes: list[tuple[paths.Segments, list[str]]] = []
    for segments in store.derived("fields.one_as_list", _fields):
        for path, value in paths.expand(data, segments):
            if value.__class__ is str:
                changes.append((path, [value]))
                read_as[paths.format_path(path)] = [value]
    return paths.replaced(data, changes), read_as
