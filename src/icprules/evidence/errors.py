"""The one error of this package: an artefact that cannot be read as what it claims to be."""

from __future__ import annotations

from typing import Any

from ..errors import IcpRulesError


class EvidenceError(IcpRulesError, ValueError):
    """A package or certificate that cannot be read; ``code`` is a reason of data/reasons.yaml."""

    def __init__(self, code: str, detail: str = "", **params: Any) -> None:
        self.code = code
        self.detail = detail
        self.params = {"detail": detail, **params}
        super().__init__(f"{code.replace('evidence_', '').replace('_', ' ')}: {detail}" if detail else code)
