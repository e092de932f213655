"""Rule packs and data files checked against their published JSON Schemas, with located errors.

Every rule pack is validated against ``schema/rule-file.schema.json`` and every data file
against ``schema/data/NAME.schema.json`` when it loads; a problem names the file, the line and
the field. Validating costs about 100 ms and the import of jsonschema, so the shipped files
whose bytes the test suite validated (``schema/validated-packs.json``, kept current by a test)
skip it; a shipped file edited in place no longer matches its digest and is validated as any
other, and so is every file a user gives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem, RuleFileError
from .reading.yamlio import MAX_BYTES, LoadError, decode, load_yaml
from .resources import shipped
from .safeio import read_bounded

if TYPE_CHECKING:
    import jsonschema

    from .reading.yamlio import Positions

#: The digests the test suite last validated ("packs" and "data", by file name).
VALIDATED = "validated-packs.json"
RULE_FILE_SCHEMA = "rule-file.schema.json"


def data_schema_name(name: str) -> str:
    return f"data/{name}.schema.json"


def known_data_files() -> tuple[str, ...]:
    """The names of the data files a schema is published for (the only names a data folder may use)."""
    folder = shipped("schema") / "data"
    return tuple(sorted(p.name.removesuffix(".schema.json") for p in folder.iterdir()
                        if p.name.endswith(".schema.json")))


def validate(value: Any, schema_name: str, positions: Positions, *, raw: bytes | None = None,
             kind: str = "packs", name: str = "") -> None:
    """Raise :class:`RuleFileError` with located problems if ``value`` breaks the schema.

    ``raw`` and ``name`` are given for a shipped file: if its bytes are the ones the test
    suite validated, validation is skipped.
    """
    if raw is not None and validated_before(kind, name, raw, schema_name):
        return
    validator = _validator(schema_name)
    errors = sorted(validator.iter_errors(_as_json(value)), key=lambda e: (len(e.absolute_path), e.message))
    if errors:
        raise RuleFileError([positions.problem(_message(err), tuple(err.absolute_path))
                             for err in _leaf_errors(errors)[:10]])


@cache
def _validator(schema_name: str) -> jsonschema.Draft202012Validator:
    """A validator for a published schema, built (and jsonschema imported) only when needed."""
    import jsonschema

    schema = json.loads((shipped("schema") / schema_name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _as_json(value: Any) -> Any:
    """The JSON view of a YAML value: dates as ISO text, as the schemas describe them."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _leaf_errors(errors: list[jsonschema.ValidationError]) -> list[jsonschema.ValidationError]:
    # if/then and oneOf branches: keep the most precise error of each.
    import jsonschema

    out: list[jsonschema.ValidationError] = []
    for err in errors:
        best = jsonschema.exceptions.best_match([err])
        out.append(best if best is not None else err)
    return out


def _message(err: jsonschema.ValidationError) -> str:
    if err.validator in ("additionalProperties", "unevaluatedProperties"):
        return str(err.message).replace("were unexpected", "are not allowed here").replace(
            "was unexpected", "is not allowed here")
    if err.validator == "propertyNames":
        return f"unknown key {err.instance!r}: {err.message}"
    return str(err.message)


# --------------------------------------------------------------------------- validated digests


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def validated_digests(packs: Iterable[Any], data: Iterable[Any]) -> dict[str, Any]:
    """What ``schema/validated-packs.json`` should hold: each shipped file's digest with its schema's."""
    folder = shipped("schema")
    rule_schema = (folder / RULE_FILE_SCHEMA).read_bytes()
    out: dict[str, Any] = {"note": "generated: icprules rule-schema --digests; see icprules.validation",
                           "packs": {p.name: _digest(rule_schema, p.read_bytes()) for p in packs}, "data": {}}
    for path in data:
        name = path.name.rsplit(".", 1)[0]
        schema = folder / data_schema_name(name)
        if schema.is_file():
            out["data"][path.name] = _digest(schema.read_bytes(), path.read_bytes())
    return out


def validated_before(kind: str, file_name: str, raw: bytes, schema_name: str) -> bool:
    """Whether these bytes of a shipped file are the ones the test suite validated."""
    expected = _validated_table().get(kind, {}).get(file_name)
    return bool(expected) and expected == _digest(_schema_bytes(schema_name), raw)


@cache
def _schema_bytes(schema_name: str) -> bytes:
    try:
        return (shipped("schema") / schema_name).read_bytes()
    except OSError:
        return b""


@cache
def _validated_table() -> dict[str, dict[str, str]]:
    try:
        table: dict[str, dict[str, str]] = json.loads((shipped("schema") / VALIDATED).read_bytes())
        return table
    except (OSError, ValueError):
        return {}


def no_such_data_file(name: str, file: str) -> RuleFileError:
    known = ", ".join(known_data_files())
    return RuleFileError(Problem(f"no data file is called {name!r}, so this file would change nothing "
                                 f"(data files: {known})", file=file))


def read_yaml_file(path: Any, *, trusted: bool) -> tuple[Any, Positions, bytes]:
    """A rule pack or data file: read bounded, parsed strictly (located :class:`RuleFileError` otherwise).

    A shipped file (a Traversable inside a wheel) is read as it is; a path is read through
    :func:`icprules.safeio.read_bounded`.
    """
    origin = str(path)
    try:
        raw = read_bounded(path, MAX_BYTES) if isinstance(path, Path) else path.read_bytes()
        value, positions = load_yaml(decode(raw, origin), origin, trusted=trusted, strict_flow=True)
    except LoadError as exc:
        raise RuleFileError(exc.problem) from None
    except OSError as exc:
        raise RuleFileError(Problem(f"cannot read: {exc}", file=origin)) from None
    return value, positions, raw
