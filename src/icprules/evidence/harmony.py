"""HarmonyOS: the bundle name and version of a .hap (module.json, or config.json for the older FA
model), the signed profile's type (debug or release), and a .app pack's HAPs (pack.info)."""

from __future__ import annotations

import json
from typing import Any

from .der import signed_content
from .errors import EvidenceError
from .values import mapping, text

MAX_JSON = 4 * 1024 * 1024


def read_json(data: bytes, what: str) -> dict[str, Any]:
    if len(data) > MAX_JSON:
        raise EvidenceError("evidence_entry_too_large", what)
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        raise EvidenceError("evidence_json", f"{what}: {str(exc)[:80]}") from None
    if not isinstance(value, dict):
        raise EvidenceError("evidence_json", f"{what} is not an object")
    return value


def module_facts(config: dict[str, Any]) -> dict[str, Any]:
    """bundleName, versionName, versionCode and label of module.json (Stage) or config.json (FA)."""
    app = mapping(config.get("app"))
    version = mapping(app.get("version"))
    return {
        "package": text(app.get("bundleName")),
        "version": text(app.get("versionName")) or text(version.get("name")),
        "version_code": str(app.get("versionCode") or version.get("code") or "") or None,
        "label": text(app.get("label")),
    }


def profile_facts(signed: bytes) -> dict[str, Any]:
    """The JSON inside the signed profile: its type and bundle name (a PKCS#7 SignedData carries it)."""
    try:
        content = signed_content(signed)
        value = json.loads(content.decode("utf-8", "replace")) if content else None
    except (EvidenceError, ValueError, RecursionError):
        return {}
    if not isinstance(value, dict):
        return {}
    info = mapping(value.get("bundle-info"))
    return {"type": text(value.get("type")), "package": text(info.get("bundle-name")),
            "developer": text(info.get("developer-id"))}
