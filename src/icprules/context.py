"""What one evaluation of one document sees: the runtime context of rules and checks.

Primitive checks receive it as ``env``. It knows nothing of the condition language or of
rule sets: facts arrive as ready-made functions, so this module imports nothing of the
package but the path sentinels, and every other module may depend on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .paths import MISSING

#: Items one rule's quantifiers may visit in one document (a few seconds of work at most).
STEP_LIMIT = 2_000_000


class BudgetExceeded(RuntimeError):
    """A rule looked at more items than :data:`STEP_LIMIT`: it becomes that rule's "could not check"."""


#: A fact's value for a document, worked out from the context (``province``, ``verification``...).
FactFunction = Callable[["Env"], Any]


@dataclass
class TraceStep:
    """One step of a traced evaluation: what was asked, of which value, and the answer.

    Composite steps (all, any, not, every, some) are followed by their parts at ``depth + 1``.
    """

    depth: int
    what: str
    value: Any
    result: bool


class Env:
    """What one evaluation of one document sees. Never shared between documents."""

    __slots__ = ("base_dir", "cache", "depth", "expansions", "fact_values", "facts", "item_path", "params",
                 "reasons", "root", "step_limit", "steps", "today", "trace")

    def __init__(self, root: Any, *, today: dt.date, base_dir: Path | None = None,
                 facts: Mapping[str, FactFunction] | None = None,
                 reasons: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.root = root
        self.today = today
        self.base_dir = base_dir
        #: How to work out each named fact; each is worked out once per document.
        self.facts: Mapping[str, FactFunction] = facts or {}
        self.fact_values: dict[str, Any] = {}
        #: Wording of check failure reasons by code (data/reasons.yaml), for messages.
        self.reasons = reasons or {}
        #: Primitive results keyed by (check, value, params): several rules often ask the
        #: same question of the same value (a phone's format and its kind).
        self.cache: dict[Any, Any] = {}
        #: The document's pattern expansions, by pattern: the rules, the checklist and the canonical
        #: forms look at the same lists of items (see ``evaluation.items``).
        self.expansions: dict[Any, Any] = {}
        #: Extra message parameters reported by checks during the current rule.
        self.params: dict[str, Any] = {}
        #: Concrete path of the item the current rule looks at (checks may find its parents).
        self.item_path: tuple[Any, ...] = ()
        #: Where a traced evaluation records its steps (None: not traced), and its nesting.
        self.trace: list[TraceStep] | None = None
        self.depth = 0
        #: Items the quantifiers (every/some) of the current rule have looked at, and the most they
        #: may: a rule pack nesting `every` over every pair of a large document is stopped, not waited on.
        self.steps = 0
        self.step_limit = STEP_LIMIT

    def fact(self, name: str) -> Any:
        values = self.fact_values
        if name in values:
            return values[name]
        value = values[name] = self.facts[name](self)
        return value

    def record(self, what: str, value: Any, result: bool) -> None:
        """Add a leaf step to the trace."""
        if self.trace is not None:
            self.trace.append(TraceStep(self.depth, what, value, result))

    def open(self, what: str) -> TraceStep | None:
        """Start a composite step; its parts are recorded one level deeper until :meth:`close`."""
        if self.trace is None:
            return None
        step = TraceStep(self.depth, what, MISSING, False)
        self.trace.append(step)
        self.depth += 1
        return step

    def close(self, step: TraceStep | None, result: bool) -> bool:
        if step is not None:
            step.result = result
            self.depth -= 1
        return result
