"""Safe YAML/JSON reading that remembers where every value came from.

PyYAML's ``safe_load`` neither rejects duplicate keys (the second silently wins,
which would lose what a user wrote) nor bounds alias expansion (a "billion laughs"
document expands exponentially). So we compose the node graph with ``SafeLoader``
and build the Python values ourselves, counting every value built and recording
the line and column of each path for error messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Problem
from ..paths import Segments, format_path

#: Limits on what one document may expand to. Real applications are a few hundred
#: values; rule packs a few thousand. These bound memory and time, not usefulness.
MAX_VALUES = 200_000
MAX_DEPTH = 64
MAX_BYTES = 8 * 1024 * 1024


@dataclass
class Positions:
    """Line/column (1-based) of each path in a parsed file."""

    file: str | None = None
    where: dict[Segments, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Segments) -> tuple[int | None, int | None]:
        """Position of the path, or of its nearest ancestor that has one."""
        p = tuple(path)
        while True:
            if p in self.where:
                return self.where[p]
            if not p:
                return (None, None)
            p = p[:-1]

    def as_lists_of_one(self, made: Iterable[Segments]) -> None:
        """Locate what is under each path of ``made`` (values read as a list of one, outermost first) also
        as under its item 0: the findings of ``services[0].domains`` point at the line of
        ``services.domains`` as written.

        One pass over the positions, each path rewritten at once with an item 0 after each list made on
        its way (a pass per list made took 23 s for a document of 1,000 services and 4,000 such lists).
        """
        lists = set(made)
        if not lists:
            return
        added: dict[Segments, tuple[int, int]] = {}
        for path, at in self.where.items():
            moved: list[Any] = []
            for i, segment in enumerate(path):
                moved.append(segment)
                if i < len(path) - 1 and tuple(moved) in lists:
                    moved.append(0)
            if len(moved) > len(path):
                added[tuple(moved)] = at
        for path, at in added.items():
            self.where.setdefault(path, at)

    def problem(self, message: str, path: Segments = ()) -> Problem:
        line, col = self.locate(path)
        return Problem(message, format_path(path), self.file, line, col)


class LoadError(Exception):
    """Raised with a located :class:`Problem`; callers wrap it in their own error type."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


#: libyaml's parser when PyYAML was built with it: about ten times faster, the same safe
#: constructor, but it overflows the C stack on hostile nesting (a crash, not an exception).
#: So it reads only the files shipped inside the package; everything a user supplies goes
#: through the pure-Python parser, whose RecursionError we catch.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})


def _yaml_problem(file: str | None, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "malformed YAML"
    if exc.context and exc.context_mark is not None and exc.problem_mark is not None \
            and exc.context_mark.line != exc.problem_mark.line:
        what += (f" ({exc.context} that starts at line {exc.context_mark.line + 1}, "
                 f"column {exc.context_mark.column + 1})")
    return _mark_problem(file, mark, f"not valid YAML: {what}")


class _Builder:
    def __init__(self, loader: Any, positions: Positions, strict_flow: bool = False) -> None:
        self.loader = loader
        self.positions = positions
        self.count = 0
        self.strict_flow = strict_flow

    def _bound_merges(self, node: yaml.MappingNode, path: Segments) -> None:
        """Refuse a mapping whose merge keys ("<<") would expand past the value bound, before PyYAML's
        flatten_mapping builds the expanded list (a few hundred bytes of "<<: [*a, *a, ...]" nested
        a few levels deep would otherwise allocate billions of pairs first)."""
        memo: dict[int, int] = {}

        def pairs(mapping: yaml.MappingNode, depth: int) -> int:
            if id(mapping) in memo:
                return memo[id(mapping)]
            if depth > MAX_DEPTH:
                raise LoadError(self.positions.problem(f"merge keys nested deeper than {MAX_DEPTH} levels", path))
            total = 0
            for key, value in mapping.value:
                if key.tag == _MERGE_TAG:
                    merged = value.value if isinstance(value, yaml.SequenceNode) else [value]
                    total += sum(pairs(m, depth + 1) for m in merged if isinstance(m, yaml.MappingNode))
                else:
                    total += 1
                if total + self.count > MAX_VALUES:
                    raise LoadError(self.positions.problem(
                        f"document expands to more than {MAX_VALUES} values (merge keys \"<<\" that multiply)",
                        path))
            memo[id(mapping)] = total
            return total

        if any(key.tag == _MERGE_TAG for key, _ in node.value):
            pairs(node, 0)

    def _scalar(self, node: yaml.ScalarNode, path: Segments) -> Any:
        """A scalar's value. One that looks like a date or number but is none (2026-02-30, an integer
        of more than 4,300 digits) is kept as the text written, so that a rule reports it where it
        is, instead of the whole document failing; an explicit tag that does not fit is an error."""
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # an unknown tag stays a ConstructorError: not valid YAML
            if _implicit(self.loader, node) and isinstance(node.value, str):
                return node.value
            raise LoadError(_mark_problem(self.positions.file, node.start_mark,
                                          f"{node.value[:40]!r} cannot be read as {node.tag.rsplit(':', 1)[-1]}: "
                                          f"{str(exc)[:80]}", path)) from None

    def build(self, node: yaml.Node, path: Segments, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise LoadError(
                self.positions.problem(
                    f"document expands to more than {MAX_VALUES} values "
                    "(too large, or aliases that multiply)",
                    path,
                )
            )
        if depth > MAX_DEPTH:
            raise LoadError(self.positions.problem(f"nested deeper than {MAX_DEPTH} levels", path))
        # The first occurrence wins the position: aliases do not move it.
        self.positions.where.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if node.tag not in _PLAIN_TAGS:
            # SafeLoader would refuse these when it builds them; we build collections
            # ourselves, so refuse explicitly rather than silently drop the tag.
            raise LoadError(_mark_problem(self.positions.file, node.start_mark,
                                          f"YAML tag {node.tag!r} is not allowed", path))
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            self._bound_merges(node, path)
            explicit = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
            self.loader.flatten_mapping(node)  # resolves YAML merge keys ("<<"); merged pairs come first
            out: dict[Any, Any] = {}
            merged: set[Any] = set()
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise LoadError(
                        _mark_problem(self.positions.file, key_node.start_mark, "a key must be a plain value", path)
                    )
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    key = str(key)
                if id(key_node) not in explicit:
                    # flatten_mapping lists the merged mappings last-first, so a later pair wins,
                    # which gives the first mapping of "<<: [*a, *b]" precedence, as YAML says.
                    out.pop(key, None)
                    merged.add(key)
                elif key in merged:  # a key written here overrides the one merged in (YAML merge rules)
                    merged.discard(key)
                    del out[key]
                if key in out:
                    raise LoadError(
                        _mark_problem(
                            self.positions.file, key_node.start_mark, f"duplicate key {key!r}", path
                        )
                    )
                if self.strict_flow and node.flow_style and _no_value(key_node, value_node):
                    raise LoadError(_mark_problem(
                        self.positions.file, key_node.start_mark,
                        f"{key!r} has no value inside {{...}}: is it the rest of the text before it, cut at an "
                        "unquoted comma? Put that text in quotes", path))
                out[key] = self.build(value_node, (*path, str(key) if not isinstance(key, str) else key), depth + 1)
            return out
        raise LoadError(self.positions.problem("unsupported YAML node", path))


_MERGE_TAG = "tag:yaml.org,2002:merge"
_IMPLICIT_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp",
                            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:str"})


def _implicit(loader: Any, node: yaml.ScalarNode) -> bool:
    """Whether the scalar's tag was guessed from how it looks (2026-02-30) rather than written (!!int)."""
    return bool(node.tag == loader.resolve(yaml.ScalarNode, node.value, (True, False)))


def _no_value(key: yaml.Node, value: yaml.Node) -> bool:
    """A key written without a colon, so YAML made up its null value (``{en: radio, film and TV}``)."""
    return (isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null" and value.value == ""
            and value.start_mark.index == key.end_mark.index)


def _mark_problem(file: str | None, mark: Any, message: str, path: Segments = ()) -> Problem:
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    return Problem(message, format_path(path), file, line, col)


def decode(raw: bytes, file: str | None) -> str:
    if len(raw) > MAX_BYTES:
        raise LoadError(Problem(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", file=file))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            Problem(
                f"not UTF-8 text (byte {exc.start}: {raw[exc.start:exc.start + 1]!r}); "
                "save the file as UTF-8",
                file=file,
            )
        ) from None
    return text


def load_yaml(text: str, file: str | None = None, *, trusted: bool = False,
              strict_flow: bool = False) -> tuple[Any, Positions]:
    """Parse one YAML document; duplicate keys, bombs and deep nesting are errors.

    ``trusted`` (our own shipped files only) allows the faster C parser. ``strict_flow`` (rule
    packs and data) refuses a key without a value inside ``{...}``: it is almost always text cut
    at an unquoted comma, which YAML reads silently as a second key.
    """
    positions = Positions(file)
    if len(text) > MAX_BYTES:
        raise LoadError(Problem(f"text is larger than {MAX_BYTES // (1024 * 1024)} MiB", file=file))
    try:
        # The reader checks the characters as the loader is made: control characters raise here.
        loader = _FAST_LOADER(text) if trusted else yaml.SafeLoader(text)
    except yaml.YAMLError as exc:
        raise LoadError(Problem(f"not valid YAML: {exc}", file=file)) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise LoadError(_yaml_problem(file, exc)) from None
        except yaml.YAMLError as exc:
            raise LoadError(Problem(f"not valid YAML: {exc}", file=file)) from None
        except RecursionError:
            raise LoadError(Problem(f"nested deeper than {MAX_DEPTH} levels", file=file)) from None
        if node is None:
            return None, positions
        try:
            value = _Builder(loader, positions, strict_flow).build(node, (), 0)
        except yaml.MarkedYAMLError as exc:
            raise LoadError(_yaml_problem(file, exc)) from None
        except RecursionError:
            raise LoadError(Problem(f"nested deeper than {MAX_DEPTH} levels", file=file)) from None
        return value, positions
    finally:
        loader.dispose()


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def load_json(text: str, file: str | None = None) -> tuple[Any, Positions]:
    """Parse JSON with duplicate-key rejection. Positions are not tracked (paths suffice)."""
    try:
        value = json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as exc:
        raise LoadError(Problem(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno)) from None
    except ValueError as exc:
        raise LoadError(Problem(f"not valid JSON: {exc}", file=file)) from None
    except RecursionError:
        raise LoadError(Problem(f"nested deeper than {MAX_DEPTH} levels", file=file)) from None
    # Depth, size and length bounds are checked once for every document, in document.from_data.
    return value, Positions(file)


def load_text(text: str, file: str | None = None) -> tuple[Any, Positions]:
    """JSON when the text looks like JSON (or the file is ``.json``), else YAML."""
    stripped = text.lstrip()
    if (file and file.lower().endswith(".json")) or stripped.startswith(("{", "[")):
        try:
            return load_json(text, file)
        except LoadError:
            if file and file.lower().endswith(".json"):
                raise
            # Flow-style YAML also starts with "{": give YAML its chance.
    return load_yaml(text, file)
