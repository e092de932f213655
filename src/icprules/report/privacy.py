"""Masking personal data (ID numbers, phones, e-mail addresses) in everything we output.

Which fields are personal, and how much of each stays visible, is data
(``data/privacy.yaml``). Values reach outputs in several spellings — as written, with
spaces removed, in national or E.164 form — so each personal value contributes every
spelling the rules may show, and all are replaced by one masked form.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from .. import paths
from ..data import DataStore
from ..primitives.contact import national_phone, normalise_phone
from .findings import Finding, Report


def _mask(text: str, kind: str, masks: Mapping[str, Any]) -> str:
    rule = masks.get(kind, {})
    if kind == "email" and "@" in text:
        local, _, domain = text.partition("@")
        keep = int(rule.get("keep_start", 1))
        return local[:keep] + "***@" + domain
    start, end = int(rule.get("keep_start", 0)), int(rule.get("keep_end", 0))
    if len(text) <= start + end:
        return "*" * len(text)
    return text[:start] + "*" * (len(text) - start - end) + text[len(text) - end:]


_SEPARATORS = re.compile(r"[\s\-]")
_PHONE_NOISE = re.compile(r"[\s\-()]")


def _base(raw: str, kind: str) -> str:
    """The spelling the mask is made from: national form for phones, compact for IDs."""
    if kind == "email":
        return raw.strip()
    if kind == "phone":
        return national_phone(raw) or _PHONE_NOISE.sub("", raw)
    return _SEPARATORS.sub("", raw).upper()


def _spellings(raw: str, kind: str) -> set[str]:
    compact = _SEPARATORS.sub("", raw)
    out = {raw, raw.strip(), raw.strip().upper(), compact, compact.upper()}
    if kind == "phone":
        for form in (national_phone(raw), normalise_phone(raw)):
            if form:
                out.add(form)
    return {s for s in out if len(s) >= 4}


class Masker:
    """Replaces every spelling of a document's personal values with its masked form."""

    def __init__(self, table: Mapping[str, str]) -> None:
        # Longest first, so +8613800138000 is masked whole before 13800138000 inside it.
        self.pairs = sorted(table.items(), key=lambda kv: len(kv[0]), reverse=True)

    @property
    def empty(self) -> bool:
        return not self.pairs

    @classmethod
    def for_document(cls, data: Mapping[str, Any], store: DataStore) -> Masker:
        config = store.resolve("privacy")
        table: dict[str, str] = {}
        for entry in config["personal"]:
            for _, value in paths.expand(data, paths.parse(entry["each"])):
                if isinstance(value, str) and value.strip():
                    masked = _mask(_base(value, entry["kind"]), entry["kind"], config["masks"])
                    for spelling in _spellings(value, entry["kind"]):
                        table.setdefault(spelling, masked)
        return cls(table)

    def text(self, value: str) -> str:
        for spelling, masked in self.pairs:
            if spelling in value:
                value = value.replace(spelling, masked)
        return value

    def value(self, value: Any) -> Any:
        """Mask strings anywhere inside a value (lists, mappings)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.value(v) for v in value)
        return value


def mask_report(report: Report, masker: Masker) -> Report:
    """The report with every personal value masked."""
    if masker.empty:
        return report
    findings = tuple(_mask_finding(f, masker) for f in report.findings)
    # Materials, deadlines and the verification reason are built from data and the entity's
    # name, never from personal fields, so only findings and canonical forms are masked.
    return dataclasses.replace(report, findings=findings, normalized=masker.value(dict(report.normalized)))


def _mask_finding(finding: Finding, masker: Masker) -> Finding:
    message = {lang: masker.text(text) for lang, text in finding.message.items()}
    value = masker.value(finding.value)
    if message == finding.message and value == finding.value:
        return finding  # most findings hold nothing personal: keep the object
    return Finding(finding.rule, finding.severity, finding.path, message, finding.source, value, finding.line)
