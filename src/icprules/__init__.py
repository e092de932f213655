"""icprules: China's ICP Recordal (ICP备案) rules as data, and a checker for filings.

>>> import icprules
>>> report = icprules.check("examples/website-application.yaml", today="2026-11-23")  # doctest: +SKIP
>>> report.ok  # doctest: +SKIP
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import DocumentError, IcpRulesError, Problem, RuleFileError

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import application_schema, check, default_rules, explain
    from .evidence import Evidence, EvidenceError, app_evidence
    from .reading.document import Document, DocumentText
    from .reading.document import read as read_document
    from .reading.model import Application
    from .report.findings import Finding, Report
    from .ruleset.loading import load_rules
    from .ruleset.model import Rule, RuleSet

#: Where each public name lives. They are imported when first used, so that ``import icprules``
#: costs little (pydantic's models, the rule engine and the package reader load on demand).
_LAZY = {
    "check": (".api", "check"), "default_rules": (".api", "default_rules"), "explain": (".api", "explain"),
    "application_schema": (".api", "application_schema"),
    "Document": (".reading.document", "Document"), "DocumentText": (".reading.document", "DocumentText"),
    "read_document": (".reading.document", "read"), "Application": (".reading.model", "Application"),
    "Finding": (".report.findings", "Finding"), "Report": (".report.findings", "Report"),
    "load_rules": (".ruleset.loading", "load_rules"), "Rule": (".ruleset.model", "Rule"),
    "RuleSet": (".ruleset.model", "RuleSet"),
    "Evidence": (".evidence", "Evidence"), "EvidenceError": (".evidence", "EvidenceError"),
    "app_evidence": (".evidence", "app_evidence"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module, __name__), attribute)
        globals()[name] = value  # found once
        return value
    try:  # a subpackage (icprules.identifiers, icprules.evidence...) reached as an attribute
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError:
        raise AttributeError(f"module 'icprules' has no attribute {name!r}") from None


__all__ = [
    "Application",
    "Document",
    "DocumentError",
    "DocumentText",
    "Evidence",
    "EvidenceError",
    "Finding",
    "IcpRulesError",
    "Problem",
    "Report",
    "Rule",
    "RuleFileError",
    "RuleSet",
    "__version__",
    "app_evidence",
    "application_schema",
    "check",
    "default_rules",
    "explain",
    "load_rules",
    "read_document",
]
