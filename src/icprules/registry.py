"""The registry of named primitive checks and value transforms.

A primitive is a small Python function that a rule calls by name with parameters
(``{check: uscc, field: certificate.number}``). Each one registers the JSON Schema of
its parameters, which becomes part of the published rule-file schema, and a short
bilingual description for the generated reference. Everything else — which field,
which list, which threshold, which message — is in the rule packs and data files.

Contract of a check: ``func(value, params, env) -> bool | (bool, {extra message params})``.
It is only called with a present value (an absent field is the ``exists`` operator's
business, so a check passes on absence) and must not raise on any input: junk in, a
failed check out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .paths import MISSING

if TYPE_CHECKING:
    from .data import DataStore

Outcome = bool | tuple[bool, dict[str, Any]]
Prepare = Callable[[dict[str, Any], "DataStore"], Any]


@dataclass(frozen=True)
class Primitive:
    name: str
    kind: str  # "check" or "transform"
    func: Callable[..., Any]
    params: dict[str, Any]
    doc: dict[str, str]
    prepare: Prepare | None = None
    #: The answer depends on where the item is (``env.item_path``), not only on its value:
    #: results are then cached per position.
    positional: bool = False


CHECKS: dict[str, Primitive] = {}
TRANSFORMS: dict[str, Primitive] = {}

_NO_PARAMS: dict[str, Any] = {"type": "object", "additionalProperties": False}


def _register(table: dict[str, Primitive], kind: str, name: str, params: Mapping[str, Any] | None,
              doc: Mapping[str, str], prepare: Prepare | None, positional: bool = False) -> Callable[[Any], Any]:
    def deco(func: Any) -> Any:
        if name in table:
            raise ValueError(f"{kind} {name!r} registered twice")
        table[name] = Primitive(name, kind, func, dict(params or _NO_PARAMS), dict(doc), prepare,
                                positional=positional)
        return func

    return deco


def check(name: str, *, params: Mapping[str, Any] | None = None, doc: Mapping[str, str],
          prepare: Prepare | None = None, positional: bool = False) -> Callable[[Any], Any]:
    """Register a named check (see the module docstring for its contract).

    ``positional``: the answer depends on the item's place in the document, not only its value.
    """
    return _register(CHECKS, "check", name, params, doc, prepare, positional)


def transform(name: str, *, params: Mapping[str, Any] | None = None, doc: Mapping[str, str],
              prepare: Prepare | None = None) -> Callable[[Any], Any]:
    """Register a value transform: ``func(value, prepared_params) -> value`` (never raises)."""
    return _register(TRANSFORMS, "transform", name, params, doc, prepare)


def apply_transforms(steps: tuple[tuple[str, Any], ...], value: Any) -> Any:
    """``value`` through each named transform with its prepared parameters; absent stays absent."""
    for name, prepared in steps:
        if value is MISSING or value is None:
            return MISSING
        value = TRANSFORMS[name].func(value, prepared)
    return value


def why(code: str, /, **params: Any) -> dict[str, Any]:
    """A failed check's reason: a code from data/reasons.yaml and its parameters."""
    return {"why": code, **params}
