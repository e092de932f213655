"""APP characteristic information: hex fingerprints and signing certificates (cryptography)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..context import Env
from ..identifiers import public_key
from ..paths import MISSING
from ..registry import check, transform, why
from ..safeio import TooLarge, read_bounded
from .files import resolve_inside

_SEPARATORS = re.compile(r"[\s:\-]")


def normalise_hex(text: str) -> str:
    """Upper-case hex with colons, spaces, dashes and a tool's label removed (``MD5: c6:f1`` -> ``C6F1``).
    Idempotent."""
    out = _SEPARATORS.sub("", public_key.without_label(text)).upper()
    return out[2:] if out.startswith("0X") else out


@transform("hex", doc={"zh": "十六进制规范形式：去掉冒号、空格和横线，转为大写",
                       "en": "canonical hex: colons, spaces and dashes removed, upper case"})
def _hex(value: Any, _params: Any) -> Any:
    return normalise_hex(value) if isinstance(value, str) else MISSING


@dataclass(frozen=True)
class SigningCertificate:
    #: The key's canonical form (identifiers.public_key): an RSA modulus or an EC point, in hex.
    public_key: str
    key_kind: str
    md5: str
    sha1: str
    sha256: str

    def fingerprint(self, kind: str) -> str:
        return str(getattr(self, kind))


MAX_CERT_BYTES = 64 * 1024
#: Hex digits of each fingerprint kind a platform may ask for.
FINGERPRINT_DIGITS = {"md5": 32, "sha1": 40, "sha256": 64}


class _CertificateProblem(ValueError):
    """A certificate we cannot use, with the reason code (data/reasons.yaml)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def read_certificate(data: bytes) -> SigningCertificate:
    """Parse a PEM or DER X.509 certificate with an RSA or EC key (HarmonyOS signs with ECDSA).

    What it says is read by :func:`icprules.evidence.certificates.facts`, as for a certificate inside
    a package: one reading of a certificate's key and fingerprints.
    """
    # Imported here: cryptography costs ~40 ms to import, and few documents carry a certificate.
    from cryptography import x509

    from ..evidence.certificates import facts
    from ..evidence.errors import EvidenceError

    if len(data) > MAX_CERT_BYTES:
        raise _CertificateProblem("certificate_too_large")
    cert = x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    try:
        found = facts(cert)
    except EvidenceError as exc:  # a key cryptography cannot even load
        raise _CertificateProblem("certificate_key_unsupported", detail=str(exc)[:80]) from None
    if found.public_key is None:  # DSA, Ed25519...: no portal takes them
        raise _CertificateProblem("certificate_key_unsupported", detail=f"{found.key_type}, {found.key_bits} bits")
    return SigningCertificate(public_key=found.public_key, key_kind=found.key_type, md5=found.md5,
                              sha1=found.sha1, sha256=found.sha256)


def _load(value: Any, env: Env) -> SigningCertificate | dict[str, Any]:
    if not isinstance(value, str):
        return why("not_a_path")
    path = resolve_inside(value, env.base_dir)
    if isinstance(path, dict):
        return path
    try:
        return read_certificate(read_bounded(path, MAX_CERT_BYTES))
    except _CertificateProblem as exc:
        return why(exc.code, **exc.params)
    except TooLarge as exc:
        return why("certificate_unreadable", detail=str(exc)[:120])
    except (ValueError, OSError) as exc:
        return why("certificate_unreadable", detail=str(exc)[:120])


@check("signing_certificate", doc={"zh": "签名证书文件可读（PEM 或 DER 格式，RSA 或 EC 密钥）",
                                   "en": "the signing certificate file is readable (PEM or DER, an RSA or EC key)"})
def _signing_certificate(value: Any, _params: Any, env: Env) -> Any:
    found = _load(value, env)
    return (True, {}) if isinstance(found, SigningCertificate) else (False, found)


def _platform_row(item: Any, params: Any) -> dict[str, Any]:
    os_name = item.get("os") if isinstance(item, dict) else None
    row = params.get("platforms", {}).get(os_name) if isinstance(os_name, str) else None
    return row if isinstance(row, dict) else {}


_PLATFORMS_PARAM = {"type": "object", "required": ["platforms"], "additionalProperties": False,
                    "properties": {"platforms": {"description": "the platforms table (data platforms.platforms)",
                                                 "type": "object"}}}


@check("public_key", params=_PLATFORMS_PARAM,
       doc={"zh": "平台的公钥可读（RSA 模数的十六进制或十进制、Base64 或 PEM 的 SPKI、EC 点），且密钥类型为该平台所用",
            "en": "the platform's public key reads (RSA modulus in hex or decimal, SPKI in Base64 or PEM, an EC point) "
                  "and is a key type the platform uses"})
def _public_key(value: Any, params: Any, _env: Env) -> Any:
    given = value.get("public_key") if isinstance(value, dict) else None
    if not isinstance(given, str) or not given.strip():
        return True  # absence is another rule's finding
    try:
        key = public_key.parse(given)
    except public_key.InvalidComponent as exc:
        return False, why("public_key_unsupported", detail=str(exc)[:80])
    except public_key.ValidationError:
        return False, why("public_key_unreadable")
    allowed = _platform_row(value, params).get("key_types")
    if allowed and key.kind not in allowed:
        return False, why("public_key_kind", kind=key.kind.upper(), allowed=[k.upper() for k in allowed])
    return True


@transform("public_key", doc={"zh": "公钥的规范形式：RSA 模数或 EC 点的大写十六进制",
                              "en": "the canonical form of a public key: an RSA modulus or EC point in upper-case hex"})
def _public_key_canonical(value: Any, _params: Any) -> Any:
    if not isinstance(value, str):
        return MISSING
    try:
        return public_key.canonical(value)
    except public_key.ValidationError:
        return value


@check("fingerprint", params=_PLATFORMS_PARAM,
       doc={"zh": "签名指纹是该平台备案所用的哈希（如安卓 MD5、iOS SHA-1）的十六进制形式",
            "en": "the signature fingerprint is, in hex, a hash the platform's filing uses (MD5 on Android, "
                  "SHA-1 on iOS...)"})
def _fingerprint(value: Any, params: Any, _env: Env) -> Any:
    given = value.get("signature_md5") if isinstance(value, dict) else None
    if not isinstance(given, str) or not given.strip():
        return True
    kinds = _platform_row(value, params).get("fingerprints") or ["md5"]
    text = normalise_hex(given)
    if all(c in "0123456789ABCDEF" for c in text) and len(text) in {FINGERPRINT_DIGITS[k] for k in kinds}:
        return True
    shown = [_hash_name(k) for k in kinds]
    other = [k for k, digits in FINGERPRINT_DIGITS.items() if digits == len(text)]
    if other and all(c in "0123456789ABCDEF" for c in text):
        # Another hash of the certificate (keytool prints SHA-1 and SHA-256 only): say which, and how
        # to get the one the platform files.
        return False, why("fingerprint_other_hash", given=_hash_name(other[0]), kinds=shown)
    return False, why("fingerprint_shape", kinds=shown)


def _hash_name(kind: str) -> str:
    return f"{kind.upper().replace('SHA', 'SHA-')} ({FINGERPRINT_DIGITS[kind]})"


@check(
    "certificate_matches",
    params={"type": "object", "required": ["certificate"], "additionalProperties": False,
            "properties": {"certificate": {"type": "string", "description": "field path of the certificate file"},
                           "what": {"enum": ["public_key", "fingerprint"]}}},
    doc={"zh": "填写的公钥或签名指纹（MD5、SHA-1 或 SHA-256）与签名证书计算所得一致",
         "en": "the public key or signature fingerprint (MD5, SHA-1 or SHA-256) equals what the signing "
               "certificate gives"},
)
def _certificate_matches(value: Any, params: Any, env: Env) -> Any:
    if not isinstance(value, dict):
        return True
    found = _load(value.get(params["certificate"]), env) if value.get(params["certificate"]) else None
    if not isinstance(found, SigningCertificate):
        return True  # absent or unreadable: other rules say so
    if params.get("what", "public_key") == "public_key":
        given = value.get("public_key")
        if not isinstance(given, str) or not given.strip():
            return False, {"expected": found.public_key}
        try:
            return public_key.canonical(given) == found.public_key, {"expected": found.public_key}
        except public_key.ValidationError:
            return True  # an unreadable key is the format rule's finding
    given = value.get("signature_md5")
    computed = {"expected": found.md5, "sha1": found.sha1, "sha256": found.sha256}
    if not isinstance(given, str) or not given.strip():
        return False, computed
    return normalise_hex(given) in (found.md5, found.sha1, found.sha256), computed


__all__ = ["FINGERPRINT_DIGITS", "SigningCertificate", "normalise_hex", "read_certificate"]
