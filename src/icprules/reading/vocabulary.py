"""Vocabulary values written by name (企业, Enterprise, 网站, 身份证), read as their codes.

The input format takes codes (``enterprise``, ``website``), as a portal's choices send them. People
who write a document by hand write what the form shows them: the Chinese name, the English name, the
code in capitals or with a space for the underscore. Such a value was an error (and ``type: Website``
made the whole document unreadable), though its meaning is not in doubt.

Which fields are read this way, from which table (a mapping of codes, or rows with a ``code``), and
for which service types where not every one, is data (``fields.read_by_name``). A value is read as a
code when, compared case- and width-insensitively with spaces, dashes and underscores taken as one,
it is an entry's code, ``name_zh``, ``name_en`` (or ``zh``, ``en``) or one of its ``aliases``, and no
other entry's; an entry with a ``value`` is read as that value (``是`` as ``true`` in a yes-or-no
field). It is read before the document is validated, so every rule sees the code, and the report gives the
code as the value's canonical form. A name two entries share, or one no entry has, is left as
written: the rule that knows the codes then names them. The caller's own data is not changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import paths
from ..data import DataStore, services_at
from ..primitives.text import JOINERS as _JOINERS
from ..primitives.text import spelling_key

#: One field read by name: where it is, its codes, each spelling's code (None where two entries share it),
#: the service types it is read for (None: every one), the value read for each code that is not the
#: code itself (a yes-or-no field reads 是 as true), how a spelling is compared, and the words people add
#: after a name (新闻类 for 新闻), tried when the spelling itself names no entry.
_Field = tuple[paths.Segments, frozenset[str], dict[str, str | None], frozenset[str] | None, dict[str, Any],
               "re.Pattern[str]", tuple[str, ...]]



def _joiners(extra: Any) -> re.Pattern[str]:
    """Spaces, dashes and underscores, and the characters of a field's ``joiners`` (plain characters,
    not a pattern: an APP category's levels may be joined by / or > or 、, NFKC reads ／ as /)."""
    if not isinstance(extra, str) or not extra:
        return _JOINERS
    return re.compile(r"[\s_\-" + "".join(re.escape(c) for c in dict.fromkeys(extra)) + "]+")


def _index(table: Mapping[str, Any], joiners: re.Pattern[str] = _JOINERS,
           last_level: str = "") -> dict[str, str | None]:
    index: dict[str, str | None] = {}
    full: dict[str, str | None] = {}  # the spellings of whole names, which a last level never overrides
    if last_level:
        # A code of levels (工具/记账) is also named by its last level alone (记账) where no other code ends
        # so (其他 ends many): the full spellings below take precedence over these.
        for code in table:
            name = code.rsplit(last_level, 1)[-1] if last_level in code else ""
            if name.strip():
                key = spelling_key(name, joiners)
                index[key] = code if index.get(key, code) == code else None
    for code, row in table.items():
        names: list[Any] = [code]
        if isinstance(row, Mapping):
            # name_zh/name_en in the vocabularies, zh/en in the labels of a field's words (fields.yaml)
            names += [row.get("name_zh"), row.get("name_en"), row.get("zh"), row.get("en"), *(row.get("aliases") or [])]
        for name in names:
            if isinstance(name, str) and name.strip():
                key = spelling_key(name, joiners)
                full[key] = index[key] = code if full.get(key, code) == code else None
    return index


def _codes(store: DataStore, ref: Any) -> Mapping[str, Any] | None:
    """A vocabulary table by code: a mapping, or rows with a code column (the languages of MIIT's form)."""
    try:
        table = store.resolve(ref) if isinstance(ref, str) else None
    except KeyError:
        return None  # tests/test_vocabulary.py holds every shipped reference to a table
    if isinstance(table, list):  # rows with a code column, or the codes themselves (APP categories)
        table = {row: {} for row in table if isinstance(row, str)} or \
            {row["code"]: row for row in table if isinstance(row, Mapping) and isinstance(row.get("code"), str)}
    return table if isinstance(table, Mapping) else None


def _fields(store: DataStore) -> tuple[_Field, ...]:
    fields = store.files.get("fields", {}).get("read_by_name") or {}
    out: list[_Field] = []
    for pattern, specs in fields.items():
        # A table reference, or {table, services, joiners}: read only in the services of those types; or a
        # list of those, each for other service types (a website's categories are codes, an APP's names).
        for spec in specs if isinstance(specs, list) else [specs]:
            ref, services = (spec, None) if isinstance(spec, str) else (spec.get("table"), spec.get("services"))
            joiners = _joiners(None if isinstance(spec, str) else spec.get("joiners"))
            last_level = "" if isinstance(spec, str) or not isinstance(spec.get("last_level"), str) \
                else spec["last_level"]
            suffixes = () if isinstance(spec, str) else tuple(
                spelling_key(x, joiners) for x in spec.get("suffixes") or () if isinstance(x, str) and x.strip())
            table = _codes(store, ref)
            if table is not None:
                values = {code: row["value"] for code, row in table.items()
                          if isinstance(row, Mapping) and "value" in row}
                out.append((paths.parse(pattern), frozenset(table), _index(table, joiners, last_level),
                            frozenset(services) if services is not None else None, values, joiners, suffixes))
    return tuple(out)


def _service_types(store: DataStore) -> tuple[str, str, frozenset[str], dict[str, str | None]] | None:
    """Where the services are and what names their type (data.services_at), with the types' index."""
    listed, key, _ = services_at(store)
    ref = store.files.get("selectors", {}).get("rules", {}).get("services", {}).get("vocabulary")
    table = _codes(store, ref)
    return None if table is None else (listed, key, frozenset(table), _index(table))


def _type_of_service(data: Mapping[str, Any], path: paths.Segments, store: DataStore) -> str | None:
    """The type (as read: 网站 is website) of the service a path goes through, or None."""
    found = store.derived("selectors.services", _service_types)
    if found is None or len(path) < 2 or path[0] != found[0]:
        return None
    service = paths.get(data, path[:2])
    value = service.get(found[1]) if isinstance(service, Mapping) else None
    if value.__class__ is not str:
        return None
    return value if value in found[2] else found[3].get(spelling_key(value))


def read_codes(data: Mapping[str, Any], store: DataStore) -> tuple[Mapping[str, Any], dict[str, Any]]:
    """The document with its vocabulary values written by name replaced by their codes (or the value a
    table gives its code), and what was read at each such path (a formatted path). ``data`` itself is
    left as it is: what changes is copied."""
    read_as: dict[str, Any] = {}
    changes: list[tuple[paths.Segments, Any]] = []
    expanded: dict[Any, list[tuple[paths.Segments, Any]]] = {}  # the fields share their first steps (services[*])
    for segments, codes, index, services, values, joiners, suffixes in store.derived("fields.read_by_name", _fields):
        for path, value in paths.expand_once(expanded, data, segments):
            if value.__class__ is not str or value in codes:
                continue
            if services is not None and _type_of_service(data, path, store) not in services:
                continue
            key = spelling_key(value, joiners)
            code = index.get(key)
            for suffix in suffixes if code is None else ():
                if key.endswith(suffix) and len(key) > len(suffix):
                    code = index.get(key[:-len(suffix)].rstrip("_"))
                    if code is not None:
                        break
            if code is not None:
                read = values.get(code, code)
                changes.append((path, read))
                read_as[paths.format_path(path)] = read
    return paths.replaced(data, changes), read_as

