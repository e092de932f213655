"""iOS: the bundle ID, name and version from an .ipa's Info.plist, and the developer certificates of a
provisioning profile (embedded.mobileprovision: a CMS-signed plist, read without macOS's
``security cms``: the plist is the XML between ``<?xml`` and ``</plist>``; beyond-the-seeds.md)."""

from __future__ import annotations

import plistlib
from dataclasses import dataclass, field
from typing import Any

from .certificates import Certificate, facts, load_der
from .der import signed_content
from .errors import EvidenceError
from .values import mapping, text

MAX_PLIST = 4 * 1024 * 1024


@dataclass
class Profile:
    name: str | None = None
    team: str | None = None
    application_identifier: str | None = None
    expires: Any = None
    development: bool = False
    certificates: list[Certificate] = field(default_factory=list)


def read_plist(data: bytes, what: str) -> dict[str, Any]:
    if len(data) > MAX_PLIST:
        raise EvidenceError("evidence_entry_too_large", what)
    try:
        value = plistlib.loads(data)
    except Exception as exc:  # plistlib raises InvalidFileException, ExpatError, ValueError, OverflowError...
        raise EvidenceError("evidence_plist", f"{what}: {str(exc)[:80]}") from None
    if not isinstance(value, dict):
        raise EvidenceError("evidence_plist", f"{what} is not a dictionary")
    return value


def profile(data: bytes) -> Profile:
    """The facts of a .mobileprovision file."""
    try:
        content = signed_content(data)
    except EvidenceError:
        content = None
    if content is None:  # not DER we can walk: the XML between its markers, as people's scripts do
        start, end = data.find(b"<?xml"), data.rfind(b"</plist>")
        if start < 0 or end < start:
            raise EvidenceError("evidence_plist", "no property list in the provisioning profile")
        content = data[start:end + len(b"</plist>")]
    plist = read_plist(content, "the provisioning profile")
    entitlements = mapping(plist.get("Entitlements"))
    teams = plist.get("TeamIdentifier")
    certificates = [facts(load_der(c)) for c in (plist.get("DeveloperCertificates") or [])[:16] if isinstance(c, bytes)]
    return Profile(
        name=text(plist.get("Name")),
        team=text(teams[0]) if isinstance(teams, list) and teams else None,
        application_identifier=text(entitlements.get("application-identifier")),
        expires=plist.get("ExpirationDate"),
        # A development profile lets a debugger attach (get-task-allow) and lists its test devices.
        development=bool(entitlements.get("get-task-allow")) or bool(plist.get("ProvisionedDevices")),
        certificates=certificates,
    )


def bundle_id(profile_facts: Profile) -> str | None:
    """The bundle ID a profile is for: its application identifier without the team prefix."""
    identifier = profile_facts.application_identifier
    if identifier and "." in identifier:
        return identifier.split(".", 1)[1]
    return identifier


def app_folder(names: list[str]) -> str | None:
    """The ``Payload/<name>.app/`` folder of an .ipa."""
    for name in names:
        parts = name.split("/")
        if len(parts) >= 3 and parts[0] == "Payload" and parts[1].endswith(".app") and parts[2] == "Info.plist":
            return f"Payload/{parts[1]}/"
    return None
