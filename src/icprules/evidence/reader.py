"""Read an APP's evidence from the artefact itself: an .apk, .ipa, .hap or .app package, a
provisioning profile, or a certificate (.cer, .der, .pem, .crt, .p7b).

Limits (data/limits.yaml, ``evidence_*``) bound what is read and decompressed; nothing is written.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data import DataStore, builtin
from . import android_xml, apple, der, harmony
from .archive import Archive
from .certificates import Certificate, facts, read_certificates, verify
from .errors import EvidenceError
from .signing_block import (
    ALGORITHMS,
    SCHEMES,
    V2,
    V3,
    V31,
    Signer,
    content_digests,
    find_apk_block,
    find_hap_block,
    parse_signers,
)
from .values import mapping, text

_DIGESTS = {"1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384",
            "2.16.840.1.101.3.4.2.3": "sha512", "2.16.840.1.101.3.4.2.4": "sha224", "1.2.840.113549.2.5": "md5"}
_MANIFEST_DIGEST = {"sha1": "SHA1", "sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}


@dataclass
class Limits:
    """How much of a package is read (data/limits.yaml, ``evidence_*``)."""

    max_package_bytes: int
    max_entries: int
    max_entry_bytes: int
    max_resources_bytes: int
    max_signing_block_bytes: int
    max_digest_bytes: int
    max_lineage: int
    max_nested_bytes: int

    @classmethod
    def from_data(cls, store: DataStore | None = None) -> Limits:
        table = store or builtin()
        return cls(**{name: table.limit(f"evidence_{name}") for name in cls.__dataclass_fields__})


@dataclass
class Scheme:
    """What one signing scheme of a package says: its signers, and whether they verify."""

    name: str
    signers: list[dict[str, Any]]
    verified: bool | None
    digests: str  # "match", "mismatch", "not checked: ..."


@dataclass
class Evidence:
    file: str
    kind: str  # apk, ipa, mobileprovision, hap, app, certificate
    platform: str | None
    package: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    label_reference: str | None = None
    version: str | None = None
    version_code: str | None = None
    schemes: list[Scheme] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    #: The certificate a filing gives (the newest scheme's signer); None when unsigned.
    filing_certificate: Certificate | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return bool(self.certificates)

    def warn(self, code: str, **params: Any) -> None:
        entry = {"code": code, **params}
        if entry not in self.warnings:
            self.warnings.append(entry)

    def to_dict(self, store: DataStore | None = None) -> dict[str, Any]:
        store = store or builtin()
        reasons = store.resolve("reasons.reasons")
        from ..messages import render

        def worded(entry: dict[str, Any]) -> dict[str, Any]:
            params = {k: v for k, v in entry.items() if k != "code"}
            wording = reasons.get(entry["code"], {"zh": entry["code"], "en": entry["code"]})
            return {**entry, "message": {lang: render(wording[lang], params, lang) for lang in ("zh", "en")}}

        cert_index = {c.sha256: i for i, c in enumerate(self.certificates)}
        return {
            "file": self.file, "kind": self.kind, "platform": self.platform, "package": self.package,
            "name": self.labels or None, "name_reference": self.label_reference,
            "version": self.version, "version_code": self.version_code,
            "signed": self.signed,
            "schemes": [{"scheme": s.name, "verified": s.verified, "digests": s.digests, "signers": s.signers}
                        for s in self.schemes],
            "certificates": [c.to_dict() for c in self.certificates],
            "filing": self.filing(store),
            "filing_certificate": cert_index.get(self.filing_certificate.sha256) if self.filing_certificate else None,
            "profile": self.profile or None,
            "warnings": [worded(w) for w in self.warnings],
        }

    def filing(self, store: DataStore | None = None) -> dict[str, Any] | None:
        """The values the filing form takes on this platform, and which fingerprint it wants (from data)."""
        cert = self.filing_certificate
        if cert is None:
            return None
        platforms = (store or builtin()).resolve("platforms.platforms")
        row = platforms.get(self.platform or "", {})
        kinds = row.get("fingerprints") or ["md5"]
        id_field = row.get("id_field", "package")
        return {"platform": self.platform, id_field: self.package, "public_key": cert.public_key,
                "public_key_form": "rsa_modulus_hex" if cert.key_type == "rsa" else f"{cert.key_type}_point_hex",
                "signature_md5": getattr(cert, kinds[0]), "fingerprint_kind": kinds[0], "fingerprints_accepted": kinds}


def app_evidence(source: str | os.PathLike[str] | bytes, *, name: str | None = None, today: dt.date | None = None,
                 store: DataStore | None = None) -> Evidence:
    """The evidence an artefact holds; raises :class:`EvidenceError` when it cannot be read."""
    store = store or builtin()
    limits = Limits.from_data(store)
    today = today or dt.date.today()
    label = name or (os.fspath(source) if not isinstance(source, (bytes, bytearray)) else "<bytes>")
    suffix = Path(label).suffix.lower()
    head = bytes(source[:8]) if isinstance(source, (bytes, bytearray)) else _head(source)
    if not head:  # an upload that did not arrive: said as such, not as a certificate parser's complaint
        raise EvidenceError("evidence_empty", "the file is empty (0 bytes): give the package or certificate itself")
    if head.startswith(b"PK"):
        with Archive(source, max_entries=limits.max_entries, max_bytes=limits.max_package_bytes) as archive:
            evidence = _package(archive, label, suffix, limits, store)
    else:
        data = bytes(source) if isinstance(source, (bytes, bytearray)) else _small_file(source, limits)
        evidence = _loose(data, label, suffix)
    _judge(evidence, today)
    return evidence


def _head(path: str | os.PathLike[str]) -> bytes:
    try:
        with Path(path).open("rb") as fh:
            return fh.read(8)
    except OSError as exc:
        raise EvidenceError("evidence_unreadable", exc.strerror or str(exc)) from None


def _small_file(path: str | os.PathLike[str], limits: Limits) -> bytes:
    from ..safeio import TooLarge, read_bounded

    try:
        return read_bounded(os.fspath(path), limits.max_entry_bytes)
    except TooLarge as exc:
        raise EvidenceError("evidence_too_large", str(exc)) from None
    except OSError as exc:
        raise EvidenceError("evidence_unreadable", exc.strerror or str(exc)) from None


def _loose(data: bytes, label: str, suffix: str) -> Evidence:
    if suffix == ".mobileprovision" or (b"<?xml" in data and b"DeveloperCertificates" in data):
        profile = apple.profile(data)
        evidence = Evidence(label, "mobileprovision", "ios", package=apple.bundle_id(profile))
        evidence.certificates = profile.certificates
        evidence.profile = {"name": profile.name, "team": profile.team,
                            "application_identifier": profile.application_identifier,
                            "expires": (profile.expires.isoformat() if isinstance(profile.expires, dt.datetime)
                                        else None),
                            "development": profile.development}
        if profile.development:
            evidence.warn("evidence_development_profile")
        evidence.filing_certificate = profile.certificates[0] if profile.certificates else None
        return evidence
    certificates = read_certificates(data)
    evidence = Evidence(label, "certificate", None)
    evidence.certificates = certificates
    evidence.filing_certificate = _leaf(certificates)
    return evidence


def _leaf(certificates: list[Certificate]) -> Certificate | None:
    """The end-entity certificate of a chain: the one that issued no other."""
    issuers = {c.issuer for c in certificates if c.issuer != c.subject}
    for cert in certificates:
        if cert.subject not in issuers:
            return cert
    return certificates[0] if certificates else None


def _package(archive: Archive, label: str, suffix: str, limits: Limits, store: DataStore) -> Evidence:
    names = list(archive.names())
    if archive.has("AndroidManifest.xml"):
        evidence = _apk(archive, label, limits)
    elif apple.app_folder(names) is not None:
        evidence = _ipa(archive, label, names, limits)
    elif archive.has("module.json") or archive.has("config.json"):
        evidence = _hap(archive, label, limits)
    elif archive.has("pack.info"):
        evidence = _app_pack(archive, label, names, limits, store)
    else:
        raise EvidenceError("evidence_unknown_package", f"{label}: no AndroidManifest.xml, Payload/*.app, "
                            "module.json or pack.info in it")
    for odd in archive.suspicious_names():
        evidence.warn("evidence_suspicious_entry", entry=odd[:120])
    return evidence


# -- Android ------------------------------------------------------------------------------------

def _apk(archive: Archive, label: str, limits: Limits) -> Evidence:
    evidence = Evidence(label, "apk", "android")
    manifest = android_xml.manifest(archive.read("AndroidManifest.xml", limits.max_entry_bytes))
    evidence.package, evidence.version, evidence.version_code = (manifest.package, manifest.version_name,
                                                                 manifest.version_code)
    if manifest.label is not None:
        evidence.labels = {"": manifest.label}
    elif manifest.label_resource is not None:
        evidence.label_reference = f"@{manifest.label_resource:08x}"
        if archive.has("resources.arsc"):
            table = archive.read("resources.arsc", limits.max_resources_bytes)
            evidence.labels = android_xml.resource_strings(table, manifest.label_resource)
    signers_by_scheme: dict[str, list[Signer]] = {}
    found = find_apk_block(archive.fh, archive.layout, limits.max_signing_block_bytes)
    if found is not None:
        block_start, pairs = found
        digests_needed: set[str] = set()
        for scheme_id in (V2, V3, V31):
            if scheme_id in pairs:
                signers_by_scheme[SCHEMES[scheme_id]] = parse_signers(scheme_id, pairs[scheme_id],
                                                                      max_lineage=limits.max_lineage)
                for signer in signers_by_scheme[SCHEMES[scheme_id]]:
                    digests_needed |= {ALGORITHMS[a][2] for a in signer.digests if a in ALGORITHMS}
        digests_needed.discard("verity")
        computed: dict[str, bytes] | None = None
        reason = ""
        if archive.size > limits.max_digest_bytes:
            reason = f"the package is larger than {limits.max_digest_bytes // (1024 * 1024)} MiB"
        elif digests_needed:
            computed = content_digests(archive.fh, block_start, archive.layout, digests_needed)
        for scheme, signers in signers_by_scheme.items():
            evidence.schemes.append(_scheme(scheme, signers, computed, reason, evidence))
    v1 = _v1(archive, limits, evidence)
    if v1 is not None:
        evidence.schemes.insert(0, v1)
    if not evidence.schemes:
        evidence.warn("evidence_unsigned")
    newest = next((signers_by_scheme[s][0] for s in ("v3.1", "v3", "v2") if s in signers_by_scheme), None)
    evidence.filing_certificate = newest.certificate if newest else (
        evidence.certificates[0] if evidence.certificates else None)
    return evidence


def _scheme(scheme: str, signers: list[Signer], computed: dict[str, bytes] | None, reason: str,
            evidence: Evidence) -> Scheme:
    out = []
    verified: bool | None = True
    state = "match"
    for signer in signers:
        for cert in [*signer.certificates[:1], *signer.lineage]:
            _add(evidence, cert)
        digest_state = "match"
        for algorithm, value in signer.digests.items():
            kind = ALGORITHMS.get(algorithm, ("", "", "unknown"))[2]
            if kind in ("verity", "unknown"):
                continue
            if computed is None:
                digest_state = f"not checked: {reason}" if reason else "not checked"
            elif computed.get(kind) != value:
                digest_state = "mismatch"
        if digest_state == "mismatch":
            evidence.warn("evidence_digest_mismatch", scheme=scheme)
            state = "mismatch"
        elif digest_state.startswith("not checked") and state == "match":
            state = digest_state
        if signer.signature_verified is False or not signer.public_key_matches:
            evidence.warn("evidence_signature_invalid", scheme=scheme)
            verified = False
        elif signer.signature_verified is None and verified:
            verified = None
        for problem in signer.problems:
            evidence.warn(problem, scheme=scheme)
        out.append({
            "certificate": _index(evidence, signer.certificate),
            "signature_verified": signer.signature_verified,
            "algorithms": [f"0x{a:04x}" for a in signer.algorithms],
            "min_sdk": signer.min_sdk, "max_sdk": signer.max_sdk,
            "lineage": [_index(evidence, c) for c in signer.lineage],
        })
    if state == "mismatch":
        verified = False
    return Scheme(scheme, out, verified, state)


def _add(evidence: Evidence, cert: Certificate | None) -> None:
    if cert is not None and all(c.sha256 != cert.sha256 for c in evidence.certificates):
        evidence.certificates.append(cert)


def _index(evidence: Evidence, cert: Certificate | None) -> int | None:
    if cert is None:
        return None
    _add(evidence, cert)
    return next(i for i, c in enumerate(evidence.certificates) if c.sha256 == cert.sha256)


def _v1(archive: Archive, limits: Limits, evidence: Evidence) -> Scheme | None:
    """JAR signing: META-INF/*.RSA|DSA|EC (PKCS#7) over the .SF file, which digests MANIFEST.MF."""
    from cryptography.hazmat.primitives.serialization import pkcs7

    blocks = sorted(n for n in archive.names() if n.count("/") == 1 and n.upper().startswith("META-INF/")
                    and n.upper().endswith((".RSA", ".DSA", ".EC")))[:10]
    if not blocks:
        return None
    manifest = archive.read("META-INF/MANIFEST.MF", limits.max_entry_bytes) if archive.has("META-INF/MANIFEST.MF") \
        else None
    out = []
    verified: bool | None = True
    for name in blocks:
        signature_file = name.rsplit(".", 1)[0] + ".SF"
        block = archive.read(name, limits.max_entry_bytes)
        try:
            with warnings.catch_warnings():
                # Some signers (AOSP's own DSA fixtures) write BER that cryptography reads with a warning
                # meant for the signer, not for whoever checks the package.
                warnings.simplefilter("ignore", UserWarning)
                certs = pkcs7.load_der_pkcs7_certificates(block)
        except ValueError as exc:
            raise EvidenceError("evidence_certificate", f"{name}: {str(exc)[:80]}") from None
        infos = der.signer_infos(block)
        signer_cert = next((c for c in certs for i in infos if c.serial_number == i.serial
                            and _same_name(c.issuer, i.issuer)), None)
        cert = facts(signer_cert) if signer_cert is not None else None
        ok: bool | None = None
        if signer_cert is not None and archive.has(signature_file) and infos:
            sf = archive.read(signature_file, limits.max_entry_bytes)
            ok = _v1_verifies(infos[0], signer_cert, sf) and _manifest_digest_matches(sf, manifest)
        if ok is False:
            evidence.warn("evidence_signature_invalid", scheme="v1")
            verified = False
        elif ok is None and verified:
            verified = None
        out.append({"file": name, "certificate": _index(evidence, cert), "signature_verified": ok})
    return Scheme("v1", out, verified, "not checked: entry digests of JAR signing are not recomputed")


def _same_name(name: Any, encoded: bytes) -> bool:
    """A certificate's issuer against a SignerInfo's, compared by attribute (the string types may differ)."""
    ours = [(a.oid.dotted_string, str(a.value)) for rdn in name.rdns for a in rdn]
    try:
        return ours == der.name_attributes(encoded)
    except EvidenceError:
        return False


def _v1_verifies(info: der.SignerInfo, cert: Any, sf: bytes) -> bool:
    digest = _DIGESTS.get(info.digest_oid)
    if digest is None:
        return False
    if info.signed_attributes is not None:
        if info.message_digest != hashlib.new(digest, sf).digest():
            return False
        data = info.signed_attributes
    else:
        data = sf
    oid = info.signature_oid
    scheme = "rsa-pkcs1" if oid.startswith("1.2.840.113549.1.1") else "ecdsa" if oid.startswith("1.2.840.10045") \
        else "dsa" if oid.startswith(("1.2.840.10040.4", "2.16.840.1.101.3.4.3")) else "any"
    return verify(cert, info.signature, data, scheme, digest)


def _manifest_digest_matches(sf: bytes, manifest: bytes | None) -> bool:
    if manifest is None:
        return False
    header = sf.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("utf-8", "replace")
    found = False
    for line in header.replace("\r\n", "\n").split("\n"):
        key, _, value = line.partition(":")
        for digest, label in _MANIFEST_DIGEST.items():
            if key.strip().lower() == f"{label}-Digest-Manifest".lower():
                found = True
                if base64.b64encode(hashlib.new(digest, manifest).digest()).decode() != value.strip():
                    return False
    return found


# -- iOS ----------------------------------------------------------------------------------------

def _ipa(archive: Archive, label: str, names: list[str], limits: Limits) -> Evidence:
    folder = apple.app_folder(names) or ""
    info = apple.read_plist(archive.read(folder + "Info.plist", limits.max_entry_bytes), "Info.plist")
    evidence = Evidence(label, "ipa", "ios", package=text(info.get("CFBundleIdentifier")),
                        version=text(info.get("CFBundleShortVersionString")),
                        version_code=text(info.get("CFBundleVersion")))
    shown = text(info.get("CFBundleDisplayName")) or text(info.get("CFBundleName"))
    if shown:
        evidence.labels = {"": shown}
    if archive.has(folder + "embedded.mobileprovision"):
        profile = apple.profile(archive.read(folder + "embedded.mobileprovision", limits.max_entry_bytes))
        evidence.certificates = profile.certificates
        evidence.filing_certificate = profile.certificates[0] if profile.certificates else None
        evidence.profile = {"name": profile.name, "team": profile.team,
                            "application_identifier": profile.application_identifier,
                            "development": profile.development}
        if profile.development:
            evidence.warn("evidence_development_profile")
        if apple.bundle_id(profile) not in (None, "*", evidence.package) and not (apple.bundle_id(profile) or "") \
                .endswith("*"):
            evidence.warn("evidence_profile_bundle", profile=apple.bundle_id(profile), bundle=evidence.package)
    else:
        evidence.warn("evidence_no_profile")
    return evidence


# -- HarmonyOS ----------------------------------------------------------------------------------

def _hap(archive: Archive, label: str, limits: Limits) -> Evidence:
    config_name = "module.json" if archive.has("module.json") else "config.json"
    module = harmony.module_facts(harmony.read_json(archive.read(config_name, limits.max_entry_bytes), config_name))
    evidence = Evidence(label, "hap", "harmonyos", package=module["package"], version=module["version"],
                        version_code=module["version_code"])
    if module["label"]:
        if module["label"].startswith("$"):
            evidence.label_reference = module["label"]
        else:
            evidence.labels = {"": module["label"]}
    blocks = find_hap_block(archive.fh, archive.layout, limits.max_signing_block_bytes)
    if blocks is None or 0x20000000 not in blocks:
        evidence.warn("evidence_unsigned")
        return evidence
    certificates = read_certificates(blocks[0x20000000])
    evidence.certificates = certificates
    evidence.filing_certificate = _leaf(certificates)
    evidence.schemes.append(Scheme("hap", [{"certificate": _index(evidence, evidence.filing_certificate),
                                            "signature_verified": None}], None,
                                   "not checked: HAP signatures are read, not verified"))
    if 0x20000002 in blocks:
        profile = harmony.profile_facts(blocks[0x20000002])
        evidence.profile = profile
        if profile.get("type") == "debug":
            evidence.warn("evidence_debug_profile")
        if profile.get("package") and evidence.package and profile["package"] != evidence.package:
            evidence.warn("evidence_profile_bundle", profile=profile["package"], bundle=evidence.package)
    return evidence


def _app_pack(archive: Archive, label: str, names: list[str], limits: Limits, store: DataStore) -> Evidence:
    pack = harmony.read_json(archive.read("pack.info", limits.max_entry_bytes), "pack.info")
    summary = mapping(pack.get("summary"))
    app = mapping(summary.get("app"))
    version = mapping(app.get("version"))
    evidence = Evidence(label, "app", "harmonyos", package=text(app.get("bundleName")),
                        version=text(version.get("name")), version_code=str(version.get("code") or "") or None)
    haps = [n for n in names if n.lower().endswith(".hap") and "/" not in n][:16]
    for hap in haps:
        inner = app_evidence(archive.read(hap, limits.max_nested_bytes), name=f"{label}!{hap}", store=store)
        for cert in inner.certificates:
            _add(evidence, cert)
        evidence.schemes.extend(Scheme(f"{hap}: {s.name}", s.signers, s.verified, s.digests) for s in inner.schemes)
        evidence.filing_certificate = evidence.filing_certificate or inner.filing_certificate
        for warning in inner.warnings:
            evidence.warn(**warning)
        evidence.profile = evidence.profile or inner.profile
    if not haps:
        evidence.warn("evidence_unsigned")
    return evidence


# -- judgements on the certificates ---------------------------------------------------------------

def _judge(evidence: Evidence, today: dt.date) -> None:
    for cert in evidence.certificates:
        if cert.debug:
            evidence.warn("evidence_debug_certificate", subject=cert.subject)
        if cert.expired(today):
            evidence.warn("evidence_expired", subject=cert.subject, until=cert.not_after.date().isoformat())
    filed = evidence.filing_certificate
    if evidence.platform == "ios" and filed is not None and filed.self_signed:
        evidence.warn("evidence_self_signed_ios", subject=filed.subject)
    signing = {s["certificate"] for scheme in evidence.schemes for s in scheme.signers
               if s.get("certificate") is not None}
    if len(signing) > 1:
        evidence.warn("evidence_several_certificates", count=str(len(signing)))
