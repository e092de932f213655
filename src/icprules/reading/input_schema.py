"""The JSON Schema (2020-12) of the v1 input, written for form builders.

Generated, so that nothing falls behind anything else:

- the shape from the pydantic models (which stay lenient: the library reads more than a form sends);
- titles and descriptions from ``data/fields.yaml``, in a ``title`` (``zh / en``) and in the schema's
  own annotation keywords ``x-title`` and ``x-description`` (``{zh, en}``);
- choices as ``oneOf`` of ``const`` with a ``title``, from the vocabularies in data;
- ``format`` and ``pattern`` from ``data/fields.yaml`` (what a form sends, in canonical form);
- website vs APP vs mini program as ``if``/``then`` on the service's ``type``;
- ``required`` from the rules themselves: every error rule that asserts a field exists (``exists:``)
  makes that field required, under ``if``/``then`` for the operations, service types and ``when``
  conditions it is scoped to. A provider pack that requires one more field adds it to the schema.

An empty field (``null``) is left out rather than allowed: a form never sends one, and the library
reads it as absent anyway. The only keywords beyond the 2020-12 vocabularies are ``x-title`` and
``x-description`` (annotations; see :data:`ANNOTATIONS`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..data import DataStore, builtin
from .model import Application

SCHEMA_ID = "https://icprules.dev/schema/application-v1.schema.json"
#: Annotation keywords of this schema that are not in JSON Schema 2020-12 (register them as a vocabulary).
ANNOTATIONS = ("x-title", "x-description")
_SERVICE_MODELS = ("Website", "App", "OtherService")
_NULL = {"type": "null"}


def _labels(entry: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"title": f"{entry['zh']} / {entry['en']}",
                           "x-title": {"zh": entry["zh"], "en": entry["en"]}}
    if entry.get("zh_desc") or entry.get("en_desc"):
        zh, en = entry.get("zh_desc", ""), entry.get("en_desc", "")
        out["description"] = f"{zh} / {en}" if zh and en else zh or en
        out["x-description"] = {"zh": zh, "en": en}
    return out


def _choice(value: str, zh: str, en: str) -> dict[str, Any]:
    return {"const": value, "title": f"{zh} / {en}", "x-title": {"zh": zh, "en": en}}


def _choices(table: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [_choice(key, row.get("name_zh", key), row.get("name_en", key)) for key, row in table.items()]


def _without_null(spec: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [X, null]`` becomes X; the labels of the property are kept."""
    spec.pop("default", None)
    options = [o for o in spec.pop("anyOf", []) if o != _NULL]
    if len(options) == 1:
        spec.update(options[0])
    elif options:
        # A date or text (dt.date | str) is text to a form; the format, if any, comes from data.
        if all(o.get("type") == "string" and set(o) <= {"type", "format"} for o in options):
            spec["type"] = "string"
        else:
            spec["oneOf"] = options
    return spec


def _walk_properties(models: Mapping[str, dict[str, Any]]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    for model_name, model in models.items():
        for prop, spec in model.get("properties", {}).items():
            yield model_name, prop, spec


def _keys(model_name: str, prop: str) -> tuple[str, ...]:
    """The keys of data/fields.yaml that may describe a property (Service.x covers every service model)."""
    return (f"{model_name}.{prop}", f"Service.{prop}") if model_name in _SERVICE_MODELS else (f"{model_name}.{prop}",)


def _lookup(table: Mapping[str, Any], model_name: str, prop: str) -> tuple[Any, bool]:
    """The entry for a property and whether it is for its items (``Model.field[]``)."""
    for key in _keys(model_name, prop):
        if key in table:
            return table[key], False
        if f"{key}[]" in table:
            return table[f"{key}[]"], True
    return None, False


def _target(spec: dict[str, Any], items: bool) -> dict[str, Any]:
    if items:
        target: dict[str, Any] = spec.setdefault("items", {"type": "string"})
        return target
    return spec


def input_schema(data: DataStore | None = None, rules: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The schema; ``rules`` are the rule definitions (``Rule.spec``) whose ``exists`` rules become ``required``."""
    data = data or builtin()
    fields = data.resolve("fields")
    schema: dict[str, Any] = Application.model_json_schema(mode="validation")
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    models = {"Application": schema, **defs}
    constants = fields.get("constants", {})

    for model_name, model in models.items():
        if model_name in fields["models"]:
            model.update(_labels(fields["models"][model_name]))
    for model_name, prop, spec in _walk_properties(models):
        _without_null(spec)
        for option in spec.get("oneOf", []):
            if "const" in option and option["const"] in constants:
                label = constants[option["const"]]
                option.update(_choice(option["const"], label["zh"], label["en"]))
                option.pop("type", None)
        entry = next((fields["fields"][k] for k in _keys(model_name, prop) if k in fields["fields"]), None)
        if entry is not None:
            spec.pop("description", None)
            spec.update(_labels(entry))
        vocabulary = next((fields["vocabularies"][k] for k in _keys(model_name, prop)
                           if k in fields["vocabularies"]), None)
        if vocabulary:
            spec.pop("type", None)
            spec["oneOf"] = _choices(data.resolve(vocabulary))
        fmt, items = _lookup(fields.get("formats", {}), model_name, prop)
        if fmt is not None:
            target = _target(spec, items)
            formats = [fmt] if isinstance(fmt, str) else list(fmt)
            options = [{"type": "string", "format": f} for f in formats]
            also, _ = _lookup(fields.get("or_constants", {}), model_name, prop)
            for word in also or ():
                label = constants.get(word, {"zh": word, "en": word})
                options.append(_choice(word, label["zh"], label["en"]))
            if len(options) == 1:
                target.update(options[0])
            else:
                target.pop("type", None)
                for option, name in zip(options, formats, strict=False):
                    label = constants.get(name, {"zh": name, "en": name})
                    option.update(title=f"{label['zh']} / {label['en']}" if label["zh"] != label["en"] else name)
                # anyOf: to a validator without format assertions every option of text is valid
                target["anyOf"] = options
        example, _ = _lookup(fields.get("examples", {}), model_name, prop)
        if example is not None:
            spec["examples"] = [example]  # a form's first guess (data/fields.yaml), not a default
        pattern, items = _lookup(fields.get("patterns", {}), model_name, prop)
        if pattern is not None:
            text = str(data.resolve(pattern["data"]) if "data" in pattern else pattern["pattern"])
            anchored = f"^(?:{text})$"
            if "when" in pattern:
                (field, value), = pattern["when"].items()
                models[model_name].setdefault("allOf", []).append({
                    "if": {"properties": {field: {"const": value}}, "required": [field]},
                    "then": {"properties": {prop: {"pattern": anchored}}},
                })
            else:
                _target(spec, items)["pattern"] = anchored

    # What icprules assumes when a field is absent (data/selectors.yaml: the operation, the provider):
    # a form builder prefills it.
    for selector in data.files.get("selectors", {}).get("rules", {}).values():
        if isinstance(selector, dict) and "default" in selector and selector.get("field") in schema["properties"]:
            schema["properties"][selector["field"]]["default"] = data.resolve(selector["default"]["data"])

    provinces = data.resolve("provinces.provinces")
    province = defs["Entity"]["properties"]["province"]
    province.pop("type", None)
    province["oneOf"] = [_choice(p["code"], p["name_zh"], p["name_en"]) for p in provinces]
    _services_by_type(schema, data, fields)
    _require(schema, rules, data)
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID}
    out.update(schema)
    return out


def _services_by_type(schema: dict[str, Any], data: DataStore, fields: Mapping[str, Any]) -> None:
    """Website, APP or mini program by the item's ``type``: ``if``/``then``, not OpenAPI's discriminator."""
    services = schema["properties"]["services"]
    items = services["items"]
    mapping: dict[str, str] = items["discriminator"]["mapping"]
    types = data.resolve(fields["vocabularies"]["Application.services[].type"])
    labels = _labels(fields["fields"]["Service.type"])
    services["items"] = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {**labels, "oneOf": [c for c in _choices(types) if c["const"] in mapping]}},
        "allOf": [{"if": {"properties": {"type": {"const": kind}}, "required": ["type"]}, "then": {"$ref": ref}}
                  for kind, ref in mapping.items()],
    }


# -- required, from the rules ---------------------------------------------------------------------

def _segments(path: str) -> list[str]:
    """``services[*].platforms[*]`` -> ``["services", "*", "platforms", "*"]``."""
    out: list[str] = []
    for part in path.split("."):
        while "[*]" in part:
            head, _, part = part.partition("[*]")
            if head:
                out.append(head)
            out.append("*")
        if part:
            out.append(part)
    return out


def _field(spec: Mapping[str, Any], *, extra: set[str]) -> str | None:
    """The simple relative field a condition reads, when it reads one plainly (no transform, no wildcard)."""
    field = spec.get("field")
    if not isinstance(field, str) or set(spec) - {"field"} - extra or "*" in field or field.startswith("$"):
        return None
    return field


def _when(spec: Any) -> dict[str, Any] | None:
    """The ``if`` schema of a rule's ``when``, for the shapes a required-field rule uses; None otherwise."""
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        return None
    if spec.get("field") == "." and spec.get("is") == "mapping" and len(spec) == 2:
        return {"type": "object"}
    keys = set(spec) - {"field"}
    field = _field(spec, extra={"in", "equals", "length"})
    if field is None or "." in field or len(keys) != 1:
        return None
    if isinstance(spec.get("in"), list):
        test: dict[str, Any] = {"enum": list(spec["in"])}
    elif isinstance(spec.get("equals"), (str, int, bool)):
        test = {"const": spec["equals"]}
    elif isinstance(spec.get("length"), Mapping) and set(spec["length"]) == {"min"}:
        test = {"type": "array", "minItems": int(spec["length"]["min"])}
    else:
        return None
    return {"properties": {field: test}, "required": [field]}


def _assertion(spec: Any) -> dict[str, Any] | None:
    """What a rule's ``assert`` requires of the object it is evaluated on, when it is a presence test."""
    if not isinstance(spec, Mapping):
        return None
    if set(spec) == {"exists"} and isinstance(spec["exists"], str):
        target = spec["exists"]
        if "*" in target or target.startswith(("$", "/")) or target == ".":
            return None
        parts = target.split(".")
        return _nest(parts[:-1], {"required": [parts[-1]]}, None, chain=True)
    field = _field(spec, extra={"length"})
    if field is not None and isinstance(spec.get("length"), Mapping) and set(spec["length"]) == {"min"}:
        parts = field.split(".")
        leaf = {"required": [parts[-1]], "properties": {parts[-1]: {"minItems": int(spec["length"]["min"])}}}
        return _nest(parts[:-1], leaf, None, chain=True)
    if set(spec) == {"any"} and isinstance(spec["any"], list):
        options = [_assertion(option) for option in spec["any"]]
        if options and all(o is not None for o in options):
            return {"anyOf": options}
    return None


def _nest(segments: list[str], leaf: dict[str, Any], services_if: dict[str, Any] | None,
          chain: bool) -> dict[str, Any]:
    """A schema that applies ``leaf`` at ``segments``; ``chain`` also requires each object on the way."""
    if not segments:
        return leaf
    head, rest = segments[0], segments[1:]
    if rest and rest[0] == "*":
        item = _nest(rest[1:], leaf, None, chain)
        if head == "services" and services_if:
            item = {"allOf": [{"if": services_if, "then": item}]}
        return {"properties": {head: {"items": item}}}
    inner = _nest(rest, leaf, services_if, chain)
    out: dict[str, Any] = {"properties": {head: inner}}
    if chain:
        out["required"] = [head]
    return out


def _merge(a: dict[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in b.items():
        if key == "required":
            a[key] = sorted(set(a.get(key, [])) | set(value))
        elif key == "properties":
            props = a.setdefault(key, {})
            for name, sub in value.items():
                _merge(props.setdefault(name, {}), sub)
        elif key in ("items", "then"):
            _merge(a.setdefault(key, {}), value)
        elif key == "anyOf" and "anyOf" in a:  # a second alternative list: both must hold
            a["allOf"] = [*a.get("allOf", []), {"anyOf": value}]
        elif key == "allOf":
            entries = a.setdefault(key, [])
            for entry in value:
                same = next((e for e in entries if e.get("if") == entry.get("if")), None)
                if same is None:
                    entries.append(json.loads(json.dumps(entry)))
                else:
                    _merge(same, entry)
        else:
            a[key] = value
    return a


def _require(schema: dict[str, Any], rules: Iterable[Mapping[str, Any]], data: DataStore) -> None:
    operations = list(data.resolve("operations.operations"))
    by_operations: dict[tuple[str, ...], dict[str, Any]] = {}
    for rule in rules:
        scope = rule.get("applies_to") or {}
        required = _assertion(rule.get("assert"))
        when = _when(rule.get("when"))
        bases = rule.get("each")
        services = scope.get("services")
        if (rule.get("severity") != "error" or required is None or when is None or scope.get("providers")
                or scope.get("provinces") or (bases is None and services)):
            continue  # not a plain presence test, or scoped by what a schema cannot see (a province)
        services_if = {"properties": {"type": {"enum": list(services)}}, "required": ["type"]} if services else None
        at_base = {"allOf": [{"if": when, "then": required}]} if when else required
        group = by_operations.setdefault(
            tuple(o for o in operations if o in set(scope.get("operations") or operations)), {})
        for base in [""] if bases is None else [bases] if isinstance(bases, str) else bases:
            _merge(group, _nest(_segments(base), at_base, services_if, chain=False))
    for ops, then in by_operations.items():
        if list(ops) == operations:
            _merge(schema, then)
        else:
            condition = {"properties": {"operation": {"enum": list(ops)}}, "required": ["operation"]}
            schema.setdefault("allOf", []).append({"if": condition, "then": then})


def schema_text(data: DataStore | None = None, rules: Iterable[Mapping[str, Any]] = ()) -> str:
    return json.dumps(input_schema(data, rules), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
