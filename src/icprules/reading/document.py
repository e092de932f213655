"""Reading an application document from a file, text, or a Python mapping.

The result keeps two views of the same document: the validated model (for typed
access) and a plain nested ``dict`` that the rules read. The plain view is the
user's own data with only the model's lenient coercions applied (a number written
without quotes becomes text); nothing is dropped.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import paths
from ..data import DataStore, builtin
from ..errors import DocumentError, Problem
from ..safeio import read_bounded
from .lists import one_as_list, text_as_block
from .model import FORMAT_V1, Application
from .vocabulary import read_codes
from .yamlio import MAX_BYTES, MAX_DEPTH, MAX_VALUES, LoadError, Positions, decode, load_text


@dataclass(frozen=True)
class Document:
    model: Application
    data: dict[str, Any]
    base_dir: Path | None
    source: str | None
    #: Where each path stands in the file (YAML only), for locating findings.
    positions: Positions | None = None
    #: What was read where the document wrote it otherwise, by formatted path: the code of a vocabulary
    #: value written by name (``entity.nature``: ``enterprise`` for 企业, :mod:`icprules.reading.vocabulary`),
    #: the list of one of a list written as its value (:mod:`icprules.reading.lists`).
    read_as: Mapping[str, Any] = field(default_factory=dict)

    def line_of(self, path: paths.Segments) -> int | None:
        """The line of a field, or of its nearest ancestor written in the file."""
        if self.positions is None or not self.positions.where:
            return None
        return self.positions.locate(path)[0]


def _problems_from_validation(exc: ValidationError, positions: Positions) -> list[Problem]:
    problems = []
    seen = set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        msg = _friendly(err)
        key = (loc, msg)
        if key in seen:
            continue
        seen.add(key)
        problems.append(positions.problem(msg, loc))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path))


def _clean_loc(loc: tuple[Any, ...]) -> paths.Segments:
    # Pydantic inserts the union member or discriminator tag into ``loc``
    # (e.g. ("services", 0, "app", "platforms")); drop those so the path is the document's own.
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            part in ("website", "app", "mini_program", "quick_app", "Person", "str")
            or part.startswith(("literal[", "list[", "function-", "union[", "dict["))
            or part in ("date", "int", "bool")
        ):
            continue
        out.append(part)
    return tuple(out)


def _friendly(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "required section or field is missing"
    if kind == "literal_error" and err["loc"] and err["loc"][-1] == "format":
        return f"unknown format {err.get('input')!r}; expected {FORMAT_V1!r}"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"unknown service type {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "a service needs a 'type' (website, app, mini_program or quick_app)"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (key: value pairs), got {_type_name(err.get('input'))}"
    if kind == "list_type":
        got = err.get("input")
        hint = " (in YAML, each item on its own line after '- ')" if isinstance(got, Mapping) else ""
        return f"expected a list{hint}, got {_type_name(got)}"
    if kind == "string_type":
        return f"expected text, got {_type_name(err.get('input'))}"
    return str(err.get("msg", "invalid value"))


def _type_name(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


#: Bounds on what a document may hold, whatever it came from. The longest real field (an RSA-4096
#: public key in hex) is about 1,030 characters; a real application has a few hundred values.
MAX_TEXT = 4096
MAX_ITEMS = 1000


def _check_bounds(data: Any, positions: Positions) -> None:
    """Refuse documents too deep, too large, or with huge strings or lists, before any rule runs."""
    if not _within_bounds(data):  # nearly every document is: saying where is for the others
        _locate_bounds(data, positions)


def _locate_bounds(data: Any, positions: Positions) -> None:
    """Raise the located problem of a document beyond the bounds."""
    stack: list[tuple[Any, paths.Segments]] = [(data, ())]
    count = 0
    while stack:
        value, path = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise DocumentError(positions.problem(f"the document has more than {MAX_VALUES} values"))
        if len(path) > MAX_DEPTH:
            raise DocumentError(positions.problem(f"nested deeper than {MAX_DEPTH} levels", path[:MAX_DEPTH]))
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                raise DocumentError(positions.problem(
                    f"text of {len(value)} characters; no field takes more than {MAX_TEXT}", path))
        elif isinstance(value, Mapping):
            if len(value) > MAX_ITEMS:
                raise DocumentError(positions.problem(f"more than {MAX_ITEMS} keys", path))
            stack.extend((v, (*path, str(k))) for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            if len(value) > MAX_ITEMS:
                raise DocumentError(positions.problem(f"a list of {len(value)} items; at most {MAX_ITEMS}", path))
            stack.extend((v, (*path, i)) for i, v in enumerate(value))


def _within_bounds(data: Any) -> bool:
    """Whether :func:`_check_bounds` would pass ``data``: the same limits, without making each value's path.

    Level by level, without a (value, depth) pair per value: the depth is the level's."""
    level: list[Any] = [data]
    count = depth = 0
    while level:
        count += len(level)
        if count > MAX_VALUES or depth > MAX_DEPTH:
            return False
        below: list[Any] = []
        for value in level:
            if value.__class__ is str or isinstance(value, str):
                if len(value) > MAX_TEXT:
                    return False
            elif value.__class__ is dict or isinstance(value, Mapping):
                if len(value) > MAX_ITEMS:
                    return False
                below.extend(value.values())
            elif isinstance(value, (list, tuple)):
                if len(value) > MAX_ITEMS:
                    return False
                below.extend(value)
        level = below
        depth += 1
    return True


def from_data(data: Any, *, positions: Positions | None = None, base_dir: Path | None = None,
              source: str | None = None, store: DataStore | None = None) -> Document:
    """Validate an already-parsed document (a dict from YAML, JSON or code).

    A list written as its one value is read as a list of one, and vocabulary values written by name
    as their codes, first (:mod:`icprules.reading.lists`, :mod:`icprules.reading.vocabulary`), by the
    data ``store`` (default: the built-in data; a check passes its rule set's).
    """
    positions = positions or Positions(source)
    if not isinstance(data, Mapping):
        raise DocumentError(positions.problem(f"an application is a mapping, got {_type_name(data)}"))
    _check_bounds(data, positions)
    store = store or builtin()
    data, lists = one_as_list(data, store)
    positions.as_lists_of_one(paths.parse(path) for path in lists)
    # A text read as a block stays where it was written: a finding inside the block is at its line.
    data, blocks = text_as_block(data, store)
    data, codes = read_codes(data, store)
    read_as = _read_as(data, {**lists, **blocks}, codes)
    # A document without its format line is read as the one format there is; the rule
    # document.format-stated asks for the line, which is given as the canonical form. The rules see the
    # document as written, without it.
    unmarked = data.get("format") is None  # absent, or "format:" with nothing after it
    try:
        model = Application.model_validate({**data, "format": FORMAT_V1} if unmarked else data)
    except ValidationError as exc:
        raise DocumentError(_problems_from_validation(exc, positions)) from None
    except RecursionError:
        raise DocumentError(positions.problem("the document is nested too deeply")) from None
    plain = model.model_dump(mode="python", exclude_unset=True)
    if unmarked:
        if "format" in data:
            plain["format"] = None
        else:
            del plain["format"]
        read_as = {"format": FORMAT_V1, **read_as}
    return Document(model=model, data=plain, base_dir=base_dir, source=source, positions=positions, read_as=read_as)


def _read_as(data: Mapping[str, Any], lists: Mapping[str, Any], codes: Mapping[str, str]) -> dict[str, Any]:
    """What was read where the document wrote it otherwise: a list written as its one value (or block) is
    the list as read, codes and all (["en"] for 英文), and stands for everything read inside it."""
    if not lists:
        return dict(codes)
    made = [paths.parse(path) for path in lists]
    made_set = set(made)

    def inside_a_list(path: str) -> bool:  # one look-up per step of the path, not one per list made
        segments = paths.parse(path)
        return any(segments[:i] in made_set for i in range(1, len(segments)))

    out: dict[str, Any] = {path: paths.get(data, segments) for path, segments in zip(lists, made, strict=True)
                           if not inside_a_list(path)}
    out.update((path, code) for path, code in codes.items() if not inside_a_list(path))
    return out


class DocumentText(str):
    """Text that is the document itself, never a file name (what a service receives from a client).

    A plain string that names an existing file is read from that file; a service must never let
    a request's body do that, so it wraps the body in this type.
    """

    __slots__ = ()


def read(source: str | os.PathLike[str] | Mapping[str, Any] | Application, *,
         base_dir: str | os.PathLike[str] | None = None, store: DataStore | None = None) -> Document:
    """Read a document from a path, a YAML/JSON string, a mapping, or a model.

    ``base_dir`` (for attachment paths) defaults to the folder holding the file.
    A string is taken as a path when such a file exists, else as the document text; a
    :class:`DocumentText` is always the text. Values written otherwise (a list as its one value, a
    choice by its name) are read by the data ``store``, as :func:`from_data` says.
    """
    bdir = Path(base_dir) if base_dir is not None else None
    if isinstance(source, Application):
        plain = source.model_dump(mode="python", exclude_unset=True)
        return Document(model=source, data=plain, base_dir=bdir, source=None)
    if isinstance(source, Mapping):
        return from_data(source, base_dir=bdir, store=store)
    if isinstance(source, os.PathLike) or (isinstance(source, str) and not isinstance(source, DocumentText)
                                           and _looks_like_path(source)):
        path = Path(source)
        try:
            raw = read_bounded(path, MAX_BYTES)
        except (OSError, ValueError) as exc:  # ValueError: a NUL in a PathLike's name
            raise DocumentError(Problem(f"cannot read file: {getattr(exc, 'strerror', None) or exc}",
                                          file=str(path))) from None
        file = str(path)
        try:
            parsed, positions = load_text(decode(raw, file), file)
        except LoadError as exc:
            raise DocumentError(exc.problem) from None
        return from_data(parsed, positions=positions, base_dir=bdir or path.resolve().parent, source=file,
                         store=store)
    if isinstance(source, str):
        try:
            parsed, positions = load_text(source, None)
        except LoadError as exc:
            raise DocumentError(exc.problem) from None
        return from_data(parsed, positions=positions, base_dir=bdir, store=store)
    raise DocumentError(f"cannot read an application from {type(source).__name__}")


def _looks_like_path(text: str) -> bool:
    """A one-line string that names a file, or that cannot be a document anyway."""
    if "\n" in text or "\x00" in text or len(text) > 4096 or not text.strip():
        return False  # a NUL cannot be in a path (open() raises ValueError), so this is text
    try:
        if Path(text).is_file():
            return True
    except (OSError, ValueError):
        return False
    # "app.yaml" that does not exist should say "cannot read file", not "not a mapping".
    return ":" not in text and "{" not in text
