"""APP evidence read from the artefact itself: package name, version, label and signing certificates.

>>> from icprules.evidence import app_evidence  # doctest: +SKIP
>>> evidence = app_evidence("app-release.apk")  # doctest: +SKIP
>>> evidence.filing()["signature_md5"]  # doctest: +SKIP
'C6F15798D8005A2A6B420F0E91127A53'
"""

from __future__ import annotations

from .certificates import Certificate, read_certificates
from .errors import EvidenceError
from .reader import Evidence, Limits, app_evidence

__all__ = ["Certificate", "Evidence", "EvidenceError", "Limits", "app_evidence", "read_certificates"]
