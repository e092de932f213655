"""Field names: is a key one the v1 input defines (a misspelt key is kept, but unused)?"""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING, Any

from .. import paths
from ..context import Env
from ..memo import remember
from ..registry import check, why
from ..resources import shipped

if TYPE_CHECKING:
    from ..data import DataStore


def _known_paths(schema: dict[str, Any]) -> frozenset[str]:
    """Every field path the schema defines, with list indices as [*] ("services[*].platforms[*].os")."""
    defs = schema.get("$defs", {})
    out: set[str] = set()

    def walk(node: dict[str, Any], prefix: str, depth: int) -> None:
        if depth > 12:
            return
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[1]]
        # Alternatives, and the models a service's type selects (allOf: if type ... then $ref).
        for alt in node.get("anyOf", []) + node.get("oneOf", []) + [e["then"] for e in node.get("allOf", [])
                                                                    if isinstance(e.get("then"), dict)]:
            walk(alt, prefix, depth + 1)
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            walk(node["items"], prefix + "[*]", depth + 1)
        for key, sub in node.get("properties", {}).items():
            path = f"{prefix}.{key}" if prefix else key
            out.add(path)
            walk(sub, path, depth + 1)

    walk(schema, "", 0)
    return frozenset(out)


def _prepare(params: dict[str, Any], data: DataStore) -> dict[str, Any]:
    # The published input schema (kept equal to the one generated from the model by a test).
    schema = json.loads((shipped("schema") / "application-v1.schema.json").read_text(encoding="utf-8"))
    # As segment tuples, so an item's path is looked up without formatting it as text.
    known = frozenset(paths.parse(p) for p in _known_paths(schema))
    # For a key that is not known where it is: where else it is a field, and the keys beside it.
    elsewhere: dict[str, list[str]] = {}
    siblings: dict[tuple[Any, ...], list[str]] = {}
    for segments in sorted(known, key=lambda s: (len(s), paths.format_path(s))):
        key = segments[-1]
        if isinstance(key, str):
            elsewhere.setdefault(key, []).append(paths.format_path(segments))
            siblings.setdefault(segments[:-1], []).append(key)
    return {"known": known, "elsewhere": elsewhere, "siblings": siblings, "answers": {}}


def _suggestion(path: tuple[Any, ...], shape: tuple[Any, ...], params: Any) -> Any:
    """Why an unknown field is not known, as a reason: the key is a field elsewhere (record_number under
    entity: is the application's own), or close to a key beside it (adress for address), or neither."""
    key = shape[-1] if shape else None
    if isinstance(key, str) and len(key) <= 64:  # a made-up key of any length is not compared letter by letter
        places = params["elsewhere"].get(key)
        if places:
            return why("field_elsewhere", field=places[0])
        close = difflib.get_close_matches(key, params["siblings"].get(shape[:-1], []), n=1, cutoff=0.75)
        if close:
            return why("field_misspelt", field=paths.format_path((*path[:-1], close[0])))
    return why("field_unknown")


@check("known_field", prepare=_prepare, positional=True,
       doc={"zh": "该字段是 v1 输入格式定义的字段（拼错的字段名会被保留但不会被使用）",
            "en": "the field is one the v1 input format defines (a misspelt key is kept but never used)"})
def _known_field(_value: Any, params: Any, env: Env) -> Any:
    # Documents share their shape: the answer for an item's path (services, 0, name) is remembered,
    # up to a bound (a document of made-up keys must not grow it without end); past it the oldest
    # answer is let go, so that the real documents after a flood of made-up keys are remembered again.
    answers: dict[tuple[Any, ...], Any] = params["answers"]
    found = answers.get(env.item_path)
    if found is None:
        shape = tuple([paths.ANY if s.__class__ is int else s for s in env.item_path])
        outcome = True if shape in params["known"] else (False, _suggestion(env.item_path, shape, params))
        found = remember(answers, env.item_path, outcome, 4096)
    return found


@check("known_key", positional=True,
       params={"type": "object", "required": ["keys"], "additionalProperties": False,
               "properties": {"keys": {"type": "array", "items": {"type": "string"}}}},
       doc={"zh": "该项在所属映射中的键是已知的键之一", "en": "the item's key in its mapping is one of the known keys"})
def _known_key(_value: Any, params: Any, env: Env) -> Any:
    return bool(env.item_path) and env.item_path[-1] in params["keys"]
