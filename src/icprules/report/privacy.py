"""Masking personal data (ID numbers, phones, e-mail addresses) in everything we output.

Which fields are personal, and how much of each stays visible, is data
(``data/privacy.yaml``). Values reach outputs in several spellings — as written, with
spaces removed, in national or E.164 form — so each personal value contributes every
spelling the rules may show, and all are replaced by one masked form.

Personal values are also *recognised* wherever they are written — in a misspelt field
(``mobile``, ``id_number``), a name, an address, a path, an error message: an 18-digit ID
number whose check character is right, a Chinese mobile number, an e-mail address. That
recognition is not data, so a data override can add fields to mask but cannot turn masking
off; only ``reveal_personal`` (``--show-personal``) shows them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from .. import paths
from ..chars import half_width
from ..data import DataStore
from ..errors import DocumentError
from ..identifiers import ric
from ..primitives.contact import national_phone, normalise_phone
from ..reading.document import Document, read
from .findings import PARTS, Finding, Report


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
    """The spelling the mask is made from: national form for phones, compact for IDs (half-width)."""
    raw = half_width(raw)
    if kind == "email":
        return raw.strip()
    if kind == "phone":
        return national_phone(raw) or _PHONE_NOISE.sub("", raw)
    return _SEPARATORS.sub("", raw).upper()


def _spellings(raw: str, kind: str) -> set[str]:
    # A value typed full-width (１１０１０５…, ＠) is also written half-width where the report gives its
    # canonical form: both spellings are masked (the half-width one was shown as it is).
    out: set[str] = set()
    for text in {raw, half_width(raw)}:
        compact = _SEPARATORS.sub("", text)
        out |= {text, text.strip(), text.strip().upper(), compact, compact.upper()}
    if kind == "phone":
        for form in (national_phone(raw), normalise_phone(raw)):
            if form:
                out.add(form)
    return {s for s in out if len(s) >= 4}


#: An 18-character ID number (checked by its MOD 11-2 character before it is masked).
_ID = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{16}[0-9Xx])(?![0-9A-Za-z])")
#: A Chinese mobile number, with separators or without (its +86 and other spellings are masked with it).
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9](?:[\s-]?[0-9]{4}){2}(?![0-9])")
_DIGITS = re.compile(r"[0-9]{3}")


def maybe_personal(text: str) -> bool:
    """Whether the text holds a digit or an @ (tests/test_privacy.py holds it equal to ``[0-9@]``).

    Asked of every text a report writes, most of which hold neither: eleven substring searches
    take a third of the time of the pattern's scan over a long bilingual message.
    """
    return ("0" in text or "1" in text or "2" in text or "3" in text or "4" in text or "5" in text
            or "6" in text or "7" in text or "8" in text or "9" in text or "@" in text)
#: The two sides of an e-mail address, matched around each "@" (a pattern scanning the whole text
#: for "local@" backtracks over every long run of letters, such as a public key: milliseconds).
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9._%+-]{1,64}$")
_EMAIL_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


#: Where an ID number or a mobile can be: a run of 11 or more digits, X and separators. Each pattern
#: above starts with a look-behind, which Python's engine tries at every character of the text;
#: it is run only inside these runs (and the character after, for its look-ahead), which finds the
#: same matches three times faster (tests/test_privacy.py compares the two on generated text).
_CANDIDATE_RUN = re.compile(r"[0-9][0-9Xx\s-]{10,}")


def recognised(text: str) -> list[tuple[str, str]]:
    """(spelling, kind) of every personal value written in ``text``."""
    found: list[tuple[str, str]] = []
    if _DIGITS.search(text):
        ids: list[tuple[str, str]] = []
        phones: list[tuple[str, str]] = []
        for run in _CANDIDATE_RUN.finditer(text):
            start, end = run.start(), run.end() + 1  # the look-behinds see before start, not after endpos
            ids += [(m.group(1), "id") for m in _ID.finditer(text, start, end) if ric.is_valid(m.group(1))]
            phones += [(m.group(0), "phone") for m in _MOBILE.finditer(text, start, end)]
        found += ids + phones
    at = text.find("@")
    while at > 0:
        local = _EMAIL_LOCAL.search(text, max(0, at - 64), at)
        domain = _EMAIL_DOMAIN.match(text, at + 1, at + 256)
        if local and domain:
            found.append((text[local.start():domain.end()], "email"))
        at = text.find("@", at + 1)
    return found


def _strings(value: Any, depth: int = 0, out: list[str] | None = None) -> list[str]:
    """Every text in a value, keys included, in document order."""
    if out is None:
        out = []
    if value.__class__ is str or isinstance(value, str):
        out.append(value)
    elif depth > 64:
        pass
    elif value.__class__ is dict or isinstance(value, Mapping):  # dict first: an ABC check costs ten times more
        for k, v in value.items():
            if k.__class__ is str:
                out.append(k)
            else:
                _strings(k, depth + 1, out)
            if v.__class__ is str:
                out.append(v)
            else:
                _strings(v, depth + 1, out)
    elif value.__class__ is list or isinstance(value, (list, tuple)):
        for v in value:
            if v.__class__ is str:
                out.append(v)
            else:
                _strings(v, depth + 1, out)
    return out


class Masker:
    """Replaces every spelling of a document's personal values with its masked form."""

    def __init__(self, table: Mapping[str, str]) -> None:
        # Longest first, so +8613800138000 is masked whole before 13800138000 inside it.
        self.pairs = sorted(table.items(), key=lambda kv: len(kv[0]), reverse=True)
        self.has_any = bool(self.pairs)
        #: Whether every spelling holds a digit or an @ (then a text with neither needs no look; most
        #: do not hold any). A configured field may hold anything (a malformed e-mail without @).
        self.quick = all(maybe_personal(s) for s, _ in self.pairs)
        #: The spellings a path's keys are masked by: those with a digit or an @ (see :meth:`path`).
        self.key_pairs = [(s, m) for s, m in self.pairs if maybe_personal(s)]

    @property
    def empty(self) -> bool:
        return not self.pairs

    @classmethod
    def for_document(cls, data: Mapping[str, Any], store: DataStore,
                     expansions: dict[Any, list[tuple[paths.Segments, Any]]] | None = None) -> Masker:
        """``expansions``: the document's pattern expansions from its check, when there was one."""
        config = store.resolve("privacy")
        masks = config.get("masks", {})
        table: dict[str, str] = {}
        added: set[tuple[str, str]] = set()

        def add(value: str, kind: str) -> None:
            if (value, kind) in added:  # a configured value is recognised again in the text
                return
            added.add((value, kind))
            masked = _mask(_base(value, kind), kind, masks)
            for spelling in _spellings(value, kind):
                table.setdefault(spelling, masked)

        expanded = {} if expansions is None else expansions
        for entry in config.get("personal", []):
            for _, value in paths.expand_once(expanded, data, paths.parse(entry["each"])):
                if isinstance(value, str) and value.strip():
                    add(value, entry["kind"])
        # Wherever else one is written (recognised, not configured): one pass over all the text.
        for spelling, kind in recognised("\n".join(_strings(data))):
            add(spelling, kind)
        return cls(table)

    @classmethod
    def for_text(cls, text: str, store: DataStore) -> Masker:
        """A masker of the personal values written in a text (an error message about a document)."""
        masks = store.resolve("privacy").get("masks", {})
        table: dict[str, str] = {}
        for spelling, kind in recognised(text):
            masked = _mask(_base(spelling, kind), kind, masks)
            for form in _spellings(spelling, kind):
                table.setdefault(form, masked)
        return cls(table)

    def text(self, value: str) -> str:
        if not self.has_any or (self.quick and not maybe_personal(value)):
            return value
        for spelling, masked in self.pairs:
            if spelling in value:
                value = value.replace(spelling, masked)
        return value

    def path(self, text: str) -> str:
        """A path with the personal values written as its keys masked, key by key.

        Only spellings with a digit or an @ are masked there, as every real ID number, phone and
        e-mail address has: masked as text, a junk value in a personal field ("serv" or "domains" as
        an ID number) cut or hid the names of the format's own keys, and the path no longer located
        anything ("****ices[0].domains[0]").
        """
        if not self.key_pairs or not maybe_personal(text):
            return text
        try:
            segments = paths.parse(text)
        except paths.PathSyntaxError:
            return self.text(text)
        masked = tuple(self._key(s) if s.__class__ is str else s for s in segments)
        return text if masked == segments else paths.format_path(masked)

    def _key(self, key: str) -> str:
        for spelling, masked in self.key_pairs:
            if spelling in key:
                key = key.replace(spelling, masked)
        return key

    def value(self, value: Any) -> Any:
        """Mask strings anywhere inside a value (lists, mappings)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):  # keys too: a personal value may be written as a key
            return {self.text(k) if k.__class__ is str else k: self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.value(v) for v in value)
        return value


def mask_report(report: Report, masker: Masker) -> Report:
    """The report with every personal value masked."""
    if masker.empty:
        return report
    parts = {name: mask_part(name, getattr(report, name), masker) for name in PARTS}
    parts["withheld"] = (*report.withheld, *withheld(report.normalized, masker))
    return Report(**parts)


def withheld(canonical: Mapping[str, Any], masker: Masker) -> tuple[str, ...]:
    """The paths of the canonical forms that hold a personal value: a masked report leaves them out
    (see :func:`mask_part`) and says so, rather than lose them without a word."""
    if masker.empty:
        return ()
    return tuple(path for path, value in canonical.items() if masker.value(value) != value)


#: The parts of a report that may hold a personal value (the others come from data and dates alone).
MASKED_PARTS = frozenset({"findings", "normalized", "materials", "operation", "provider", "verification"})


def mask_part(name: str, value: Any, masker: Masker) -> Any:
    """One part of a report (see :data:`~icprules.report.findings.PARTS`) with its personal values masked."""
    if masker.empty or value is None or name not in MASKED_PARTS:
        return value  # dates, deadlines (from data alone) and what produced the report
    if name == "findings":
        return tuple(_mask_finding(f, masker) for f in value)
    if name == "normalized":
        # A canonical form is the value to submit: a masked one would mislead, so it is left out
        # (reveal_personal shows it).
        return {path: v for path, v in value.items() if masker.value(v) == v}
    if name == "materials":
        # Materials quote the entity's name or a path in their reason, where a personal value can hide.
        # So can the error of a material whose conditions raised (a library's message may quote a value).
        return tuple(_mask_material(m, masker) for m in value)
    return masker.value(value)  # operation, provider, verification


def _masked_texts(texts: Mapping[str, str], masker: Masker) -> dict[str, str] | None:
    """A text in each language, masked; None when none of them holds a personal value."""
    masked = {lang: masker.text(text) for lang, text in texts.items()}
    # Masker.text gives back the very string it was given when it holds nothing personal.
    return None if all(masked[lang] is text for lang, text in texts.items()) else masked


def _mask_material(material: dict[str, Any], masker: Masker) -> dict[str, Any]:
    reason = _masked_texts(material["reason"], masker)
    problem = material.get("could_not_check")
    masked_problem = None if problem is None else masker.text(problem)
    if reason is None and masked_problem is problem:
        return material
    out = {**material, "reason": material["reason"] if reason is None else reason}
    if problem is not None:
        out["could_not_check"] = masked_problem
    return out


def _mask_finding(finding: Finding, masker: Masker) -> Finding:
    message = _masked_texts(finding.message, masker)
    value = finding.value
    masked_value = masker.text(value) if value.__class__ is str else masker.value(value)
    # A rule that could not check a value says why; a library's error message may quote the value.
    problem = finding.could_not_check
    masked_problem = None if problem is None else masker.text(problem)
    # A path holds the document's own keys, and a personal value written as a key is one of them
    # (the line still locates the finding).
    path = masker.path(finding.path)
    if message is None and masked_problem is problem and path is finding.path and \
            (masked_value is value or masked_value == value):
        return finding  # most findings hold nothing personal: keep the object
    return dataclasses.replace(finding, message=finding.message if message is None else message,
                               value=masked_value, could_not_check=masked_problem, path=path)


def read_masked(document: Any, *, base_dir: Any, store: DataStore, reveal_personal: bool) -> Document:
    """Read a document; a DocumentError's messages (which may quote a value) are masked unless revealed."""
    try:
        return read(document, base_dir=base_dir, store=store)
    except DocumentError as exc:
        if reveal_personal:
            raise
        masked = [dataclasses.replace(p, message=_mask_any(p.message, store), path=_mask_any(p.path, store),
                                      file=_mask_any(p.file, store) if p.file else None) for p in exc.problems]
        if masked == list(exc.problems):
            raise
        raise DocumentError(masked) from None


def _mask_any(text: str, store: DataStore) -> str:
    return Masker.for_text(text, store).text(text)
