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

from . import paths
from .data import DataStore
from .primitives.contact import national_phone, normalise_phone
from .report import Report


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


def _base(raw: str, kind: str) -> str:
    """The spelling the mask is made from: national form for phones, compact for IDs."""
    if kind == "email":
        return raw.strip()
    if kind == "phone":
        return national_phone(raw) or re.sub(r"[\s\-()]", "", raw)
    return re.sub(r"[\s\-]", "", raw).upper()


def _spellings(raw: str, kind: str) -> set[str]:
    out = {raw, raw.strip(), raw.strip().upper(), re.sub(r"[\s\-]", "", raw), re.sub(r"[\s\-]", "", raw).upper()}
    if kind == "phone":
        for form in (national_phone(raw), normalise_phone(raw)):
            if form:
                out.add(form)
    return {s for s in out if len(s) >= 4}


class Masker:
    """Replaces every spelling of a document's personal values with its masked form."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self.table = dict(table)
        ordered = sorted(self.table, key=len, reverse=True)  # longest first: +8613800138000 before 13800138000
        self.pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

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
        if self.pattern is None:
            return value
        return self.pattern.sub(lambda m: self.table[m.group(0)], value)

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
    if masker.pattern is None:
        return report
    findings = tuple(
        dataclasses.replace(f, message={k: masker.text(v) for k, v in f.message.items()},
                            value=masker.value(f.value))
        for f in report.findings
    )
    return dataclasses.replace(report, findings=findings, normalized=masker.value(dict(report.normalized)),
                               materials=tuple(masker.value(m) for m in report.materials))
