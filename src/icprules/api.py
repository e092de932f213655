"""The public entry points: :func:`check` and :func:`load_rules`."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from .errors import DocumentError
from .evaluation import document_context, evaluate, new_env
from .explanation import Explanation
from .explanation import explain as _explain
from .reading.model import Application
from .report.findings import Report
from .report.privacy import read_masked
from .report_parts import CheckedParts
from .ruleset.loading import load_rules, on_day
from .ruleset.model import RuleSet

_DEFAULT: RuleSet | None = None


def default_rules() -> RuleSet:
    """The built-in rule set, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_rules()
    return _DEFAULT


def check(document: str | os.PathLike[str] | Mapping[str, Any] | Application, *,
          base_dir: str | os.PathLike[str] | None = None, today: dt.date | str | None = None,
          rules: RuleSet | None = None, reveal_personal: bool = False,
          attachments: Mapping[str, bytes | BinaryIO] | None = None, as_of: dt.date | str | None = None) -> Report:
    """Check an application and return its report.

    ``document`` is a path to a YAML/JSON file, YAML/JSON text, a mapping or a model.
    ``attachments`` gives the attached files from memory: the document's attachment paths
    (``files/licence.jpg``) to bytes or binary file objects. They are checked exactly as files on
    disk are (through a private temporary folder, removed afterwards); ``base_dir`` is then unused.
    ``today`` is the date the check is made on (default: the system date); rules never
    read the clock themselves. ``as_of`` is the day whose rules apply (default: ``today``): a rule,
    a province's requirement or a material in force between dates is checked only on its days.
    ID numbers, phones and e-mail addresses are masked in the report (``110105********002X``)
    unless ``reveal_personal`` is true. Raises
    :class:`~icprules.errors.DocumentError` when the document cannot be read as an
    application; every problem with a *value* is a finding.
    """
    ruleset = rules or default_rules()
    if attachments is not None:
        with attachments_folder(attachments, ruleset) as folder:
            return check(document, base_dir=folder, today=today, rules=ruleset, reveal_personal=reveal_personal,
                         as_of=as_of)
    doc = read_masked(document, base_dir=base_dir, store=ruleset.data, reveal_personal=reveal_personal)
    day = _as_date(today)
    in_force = _as_date(as_of) if as_of is not None else day
    ruleset = on_day(ruleset, in_force)  # the data entries in force that day (most days: the same)
    env = new_env(ruleset, doc, day)  # one context for every part: facts and check answers are worked out once
    context = document_context(ruleset, doc.data, in_force, env)
    findings = evaluate(ruleset, doc, today=day, env=env, context=context)
    # The checklist, deadlines, verification, canonical forms and masking are worked out when read.
    return Report.deferred(CheckedParts(ruleset, doc, env, context, today=day, as_of=in_force, findings=findings,
                                        reveal_personal=reveal_personal))


@contextlib.contextmanager
def attachments_folder(files: Mapping[str, bytes | BinaryIO], rules: RuleSet) -> Iterator[Path]:
    """A private temporary folder holding the given attachments under their names; removed on exit.

    A name must be a relative path that stays inside the folder, and the sizes are bounded by
    ``limits.attachments_max_files`` and ``limits.attachments_max_bytes`` (read with a cap, so a
    file object that never ends cannot exhaust memory).
    """
    if not files:
        # Nothing to write: an empty folder of this process's own is enough, and creating and
        # removing one per check cost a third of a check (a service checks JSON bodies this way).
        yield _empty_folder(os.getpid())
        return
    max_files = rules.data.limit("attachments_max_files")
    max_bytes = rules.data.limit("attachments_max_bytes")
    if len(files) > max_files:
        raise DocumentError(f"{len(files)} attachments; at most {max_files} are checked at once")
    with tempfile.TemporaryDirectory(prefix="icprules-") as tmp:
        root = Path(tmp).resolve()
        total = 0
        for name, content in files.items():
            target = (root / name).resolve() if isinstance(name, str) and name.strip() else root
            if target == root or root not in target.parents or Path(name).is_absolute():
                raise DocumentError(f"attachment name {str(name)[:80]!r} is not a relative path inside the folder")
            data = content if isinstance(content, bytes) else content.read(max_bytes - total + 1)
            total += len(data)
            if total > max_bytes:
                raise DocumentError(f"the attachments together are larger than {max_bytes:,} bytes")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        yield root


@functools.cache
def _empty_folder(pid: int) -> Path:
    """A private (0700) empty folder, never written to, removed when the process that made it exits.

    Keyed by process id: a forked child makes its own rather than share its parent's.
    """
    folder = Path(tempfile.mkdtemp(prefix="icprules-empty-")).resolve()

    def remove() -> None:
        if os.getpid() == pid:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    return folder


def application_schema(rules: RuleSet | None = None, as_of: dt.date | str | None = None) -> dict[str, Any]:
    """The JSON Schema of the v1 application for form builders, with ``required`` from ``rules``' own checks
    (those in force ``as_of``, default today; a province's requirements are left to the check)."""
    from .reading.input_schema import input_schema

    ruleset = rules or default_rules()
    return input_schema(ruleset.data, [r.spec for r in ruleset.in_force(_as_date(as_of))])


def explain(rule_id: str, document: str | os.PathLike[str] | Mapping[str, Any] | Application, *,
            base_dir: str | os.PathLike[str] | None = None, today: dt.date | str | None = None,
            rules: RuleSet | None = None, reveal_personal: bool = False,
            as_of: dt.date | str | None = None) -> Explanation:
    """How one rule decided on a document: the values it read and each step's outcome."""
    day = _as_date(today)
    return _explain(rule_id, document, rules=rules or default_rules(), today=day, base_dir=base_dir,
                    reveal_personal=reveal_personal, as_of=_as_date(as_of) if as_of is not None else day)


def _as_date(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
