"""icprules: China's ICP Recordal (ICP备案) rules as data, and a checker for filings.

>>> import icprules
>>> report = icprules.check("examples/website-application.yaml", today="2026-11-23")  # doctest: +SKIP
>>> report.ok  # doctest: +SKIP
True
"""

from __future__ import annotations

from .api import application_schema, check, default_rules, explain
from .errors import DocumentError, IcpRulesError, Problem, RuleFileError
from .evidence import Evidence, EvidenceError, app_evidence
from .reading.document import Document, DocumentText
from .reading.document import read as read_document
from .reading.model import Application
from .report.findings import Finding, Report
from .ruleset.loading import load_rules
from .ruleset.model import Rule, RuleSet

__version__ = "0.1.0"

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
