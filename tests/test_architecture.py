"""The package's dependencies point one way: no import cycle, and primitives know no evaluator.

Read from the sources (every ``import``, also inside functions; ``if TYPE_CHECKING:`` blocks
are annotations only and left out). The layers, from the bottom: leaf utilities (paths,
errors, messages, resources, context, registry, tables, data, identifiers, timeline) → primitives and
the condition language → rules loaded → documents read → evaluation → report → front doors.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in (SRC / "icprules").rglob("*.py")}


def _imports(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module for a in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("icprules"):
                out.add(target)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for m in sorted(GRAPH[n]):
            if state.get(m) == 1:
                found.append([*stack[stack.index(m):], m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(GRAPH):
        if n not in state:
            visit(n)
    return found


def _is_package_init(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def test_no_import_cycle() -> None:
    # A package's __init__ importing its own modules is how a package is made, not a cycle.
    cycles = [c for c in _cycles() if not any(_is_package_init(m) and all(x.startswith(m) for x in c) for m in c)]
    assert cycles == []


def test_primitives_depend_on_the_registry_and_context_not_on_the_evaluator() -> None:
    allowed = ("icprules.registry", "icprules.context", "icprules.paths", "icprules.identifiers",
               "icprules.timeline", "icprules.primitives", "icprules.data", "icprules.errors", "icprules.resources",
               "icprules.safeio", "icprules.chars", "icprules.evidence", "icprules.tables", "icprules.memo")
    for name, deps in GRAPH.items():
        if name.startswith("icprules.primitives"):
            assert {d for d in deps if not d.startswith(allowed)} == set(), name


def test_evidence_reads_artefacts_without_knowing_the_rules() -> None:
    """The package and certificate reader sits beside the identifiers: no rule, report or engine in it."""
    allowed = ("icprules.evidence", "icprules.identifiers", "icprules.data", "icprules.errors", "icprules.safeio",
               "icprules.messages", "icprules.resources", "icprules.validation", "icprules.paths")
    for name, deps in GRAPH.items():
        if name.startswith("icprules.evidence"):
            assert {d for d in deps if not d.startswith(allowed)} == set(), name


def test_the_language_and_the_context_know_nothing_above_them() -> None:
    above = ("icprules.evaluation", "icprules.ruleset", "icprules.reading", "icprules.report", "icprules.api",
             "icprules.cli", "icprules.explanation", "icprules.batch")
    for name, deps in GRAPH.items():
        if name.startswith(("icprules.language", "icprules.context", "icprules.registry", "icprules.primitives")):
            assert {d for d in deps if d.startswith(above)} == set(), name


def test_the_checker_finds_a_cycle() -> None:
    """Guard: the graph reader sees imports (a cycle added by hand is found)."""
    GRAPH["icprules.paths"].add("icprules.context")
    try:
        assert _cycles()
    finally:
        GRAPH["icprules.paths"].discard("icprules.context")


def test_public_names_are_what_they_say_whatever_was_imported_first() -> None:
    """``import icprules`` is cheap: its names load on first use. A submodule imported meanwhile must
    not shadow one (a module icprules.explain once did)."""
    import importlib
    import pkgutil

    import icprules

    for info in pkgutil.walk_packages(icprules.__path__, "icprules."):
        if not info.name.endswith("__main__") and not info.name.startswith("icprules.service"):
            importlib.import_module(info.name)
    for name in icprules.__all__:
        value = getattr(icprules, name)
        assert not isinstance(value, type(icprules)), f"icprules.{name} is a module, not the public {name}"
    assert callable(icprules.check) and callable(icprules.explain) and callable(icprules.app_evidence)
