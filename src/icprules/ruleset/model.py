"""The loaded rule set: rules, facts, decisions, materials and canonical forms, as plain data.

Everything here is frozen records holding syntax trees (:mod:`icprules.language.syntax`),
names and data, so a rule set pickles and is shipped to worker processes as it is. How it is
read from files is :mod:`icprules.loading`; how it is applied to a document is
:mod:`icprules.evaluation`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .. import paths
from ..data import DataStore, ServicesAt, covers
from ..language.syntax import Node, Operand

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    """A compiled rule. Everything here is plain data, nodes, or names: it pickles."""

    id: str
    pack: str
    severity: str
    title: dict[str, str]
    message: dict[str, str]
    source: tuple[dict[str, Any], ...]
    assert_: Node
    when: Node | None = None
    each: tuple[tuple[paths.Segments, bool, str], ...] = ()
    path: paths.Segments = ()
    params: tuple[tuple[str, Operand], ...] = ()
    services: frozenset[str] | None = None
    operations: frozenset[str] | None = None
    providers: frozenset[str] | None = None
    deprecated: dict[str, Any] | None = None
    #: The provinces (ISO 3166-2:CN codes) whose entities the rule is for; None: every province.
    provinces: frozenset[str] | None = None
    #: In force from (inclusive) and until (exclusive); None: no limit on that side.
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    superseded_by: str | None = None
    #: Who requires it (national, communications_administration, provider, platform, observed).
    authority: str = "provider"
    #: The pack's layer (national, province, provider, platform).
    layer: str = "provider"
    spec: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    origin: str | None = None
    #: The list of services, the key of their type and the values that make a service count as
    #: another type (data/selectors.yaml): a rule scoped to service types sees only their items.
    services_at: ServicesAt = ("services", "type", ())
    #: True when every ``each`` pattern walks services (the engine then filters by service type).
    per_service: bool = field(init=False, default=False, compare=False)
    #: The segments of each ``each`` pattern.
    patterns: tuple[paths.Segments, ...] = field(init=False, default=(), compare=False, repr=False)
    #: What identifies the items this rule looks at (rules with the same key share one list per document).
    items_key: Any = field(init=False, default=None, compare=False, repr=False)

    def in_force(self, day: dt.date | None) -> bool:
        """Whether the rule is in force on ``day`` (any day when None)."""
        if day is None:
            return True
        return covers((self.effective_from, self.effective_until), day)

    @property
    def version(self) -> str:
        """The rule's id, with the day this version starts when it is one of several."""
        return f"{self.id}@{self.effective_from.isoformat()}" if self.effective_from else self.id

    def __post_init__(self) -> None:
        object.__setattr__(self, "patterns", tuple(segs for segs, _, _ in self.each))
        object.__setattr__(self, "items_key", repr((self.patterns, sorted(self.services or ()))))  # str: hash kept
        listed = self.services_at[0]
        object.__setattr__(self, "per_service", bool(self.patterns) and all(
            len(segs) >= 2 and segs[0] == listed and segs[1] is paths.ANY for segs in self.patterns))


@dataclass(frozen=True)
class Pack:
    name: str
    title: dict[str, str]
    description: dict[str, str]
    origin: str
    layer: str = "provider"


@dataclass(frozen=True)
class Normalizer:
    """A canonical form the report shows for each value a pattern matches."""

    pattern: str
    segments: paths.Segments
    operand: Operand


@dataclass(frozen=True)
class Option:
    """One outcome of a decision: chosen when ``when`` holds (or always, without one)."""

    result: str
    when: Node | None
    reason: dict[str, str]
    params: tuple[tuple[str, Operand], ...]
    source: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Fact:
    """A named value derived once per document (``province``...): an operand, or a condition's answer."""

    name: str
    operand: Operand | None = None
    condition: Node | None = None


@dataclass(frozen=True)
class Decision:
    """A named choice among ordered options (the first whose condition holds).

    It is also a fact, whose value is the chosen option's ``result``, so rules and
    materials can depend on it (``{fact: verification, equals: electronic}``).
    """

    name: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Material:
    """Something to prepare: an attachment, a paper, a pre-approval (the checklist's rows)."""

    id: str
    name: dict[str, str]
    level: str  # "required" or "info"
    rule: Rule  # where it applies and how "provided" is judged (its finding when missing)
    needed: Node | None  # when the material is needed at all
    via: Node | None  # when it comes out of the verification itself instead of being attached
    reason: dict[str, str]
    spec: str | None


@dataclass
class RuleSet:
    """Compiled rules, facts and data: build once, use for any number of documents."""

    rules: tuple[Rule, ...]
    facts: dict[str, Fact | Decision]
    fact_specs: dict[str, dict[str, Any]]
    packs: tuple[Pack, ...]
    data: DataStore
    normalizers: tuple[Normalizer, ...] = ()
    decisions: dict[str, Decision] = field(default_factory=dict)
    materials: tuple[Material, ...] = ()
    #: The pack that defines each fact and decision (for the reference).
    defined_in: dict[str, str] = field(default_factory=dict)
    #: The evaluation plans of the rules (and materials) that apply, by (operation, provider,
    #: service types): documents repeat these contexts. Plans hold closures, so they are built
    #: per process (see ``evaluation.plans``).
    applicable: dict[tuple[Any, ...], tuple[Any, ...]] = field(default_factory=dict, repr=False)
    #: The version, and the digests and dates of the packs and data files loaded (reports carry it).
    produced_by: dict[str, Any] = field(default_factory=dict, repr=False)
    #: The packs as read, to compile the rule set of another day when data entries are dated.
    raw_packs: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    #: Rule sets compiled for the data of a day, by which dated data entries are in force.
    by_day: dict[tuple[bool, ...], RuleSet] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        # Closures do not pickle; a worker process rebuilds its plans on first use.
        return {**self.__dict__, "applicable": {}, "by_day": {}}

    def rule(self, rule_id: str, as_of: dt.date | None = None) -> Rule:
        """The rule with this id: its version in force ``as_of`` when there are several (else the latest)."""
        versions = [r for r in self.rules if r.id == rule_id]
        if not versions:
            raise KeyError(rule_id)
        return next((r for r in versions if r.in_force(as_of)), versions[-1]) if as_of else versions[-1]

    def in_force(self, as_of: dt.date | None) -> tuple[Rule, ...]:
        """The rules in force on a day (every rule when None)."""
        return tuple(r for r in self.rules if r.in_force(as_of))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.id for r in self.rules))


