"""APP characteristic information: hex fingerprints and signing certificates (cryptography)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from ..context import Env
from ..paths import MISSING
from ..registry import check, transform, why
from .files import resolve_inside

_SEPARATORS = re.compile(r"[\s:\-]")


def normalise_hex(text: str) -> str:
    """Upper-case hex with colons, spaces and dashes removed (``c6:f1`` -> ``C6F1``). Idempotent."""
    out = _SEPARATORS.sub("", text).upper()
    return out[2:] if out.startswith("0X") else out


@transform("hex", doc={"zh": "十六进制规范形式：去掉冒号、空格和横线，转为大写",
                       "en": "canonical hex: colons, spaces and dashes removed, upper case"})
def _hex(value: Any, _params: Any) -> Any:
    return normalise_hex(value) if isinstance(value, str) else MISSING


@dataclass(frozen=True)
class SigningCertificate:
    modulus_hex: str
    md5: str
    sha1: str
    sha256: str


MAX_CERT_BYTES = 64 * 1024


class _CertificateProblem(ValueError):
    """A certificate we cannot use, with the reason code (data/reasons.yaml)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def read_certificate(data: bytes) -> SigningCertificate:
    """Parse a PEM or DER X.509 certificate; ``ValueError`` when it is neither or not RSA."""
    # Imported here: cryptography costs ~40 ms to import, and few documents carry a certificate.
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding

    if len(data) > MAX_CERT_BYTES:
        raise _CertificateProblem("certificate_too_large")
    cert = x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise _CertificateProblem("certificate_not_rsa")
    der = cert.public_bytes(Encoding.DER)
    return SigningCertificate(
        modulus_hex=format(key.public_numbers().n, "X"),
        md5=hashlib.md5(der).hexdigest().upper(),
        sha1=hashlib.sha1(der).hexdigest().upper(),
        sha256=hashlib.sha256(der).hexdigest().upper(),
    )


def _load(value: Any, env: Env) -> SigningCertificate | dict[str, Any]:
    if not isinstance(value, str):
        return why("not_a_path")
    path = resolve_inside(value, env.base_dir)
    if isinstance(path, dict):
        return path
    try:
        return read_certificate(path.read_bytes())
    except _CertificateProblem as exc:
        return why(exc.code)
    except (ValueError, OSError) as exc:
        return why("certificate_unreadable", detail=str(exc)[:120])


@check("signing_certificate", doc={"zh": "签名证书文件可读（PEM 或 DER 格式的 RSA 证书）",
                                   "en": "the signing certificate file is readable (an RSA certificate, PEM or DER)"})
def _signing_certificate(value: Any, _params: Any, env: Env) -> Any:
    found = _load(value, env)
    return (True, {}) if isinstance(found, SigningCertificate) else (False, found)


@check(
    "certificate_matches",
    params={"type": "object", "required": ["certificate"], "additionalProperties": False,
            "properties": {"certificate": {"type": "string", "description": "field path of the certificate file"},
                           "what": {"enum": ["public_key", "fingerprint"]}}},
    doc={"zh": "填写的公钥或签名MD5（iOS 也可为 SHA-1）与签名证书计算所得一致",
         "en": "the public key or signature MD5 (SHA-1 also on iOS) equals what the signing certificate gives"},
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
            return False, {"expected": found.modulus_hex}
        return normalise_hex(given).lstrip("0") == found.modulus_hex.lstrip("0"), {"expected": found.modulus_hex}
    given = value.get("signature_md5")
    computed = {"expected": found.md5, "sha1": found.sha1}
    if not isinstance(given, str) or not given.strip():
        return False, computed
    return normalise_hex(given) in (found.md5, found.sha1), computed


__all__ = ["SigningCertificate", "normalise_hex", "read_certificate"]

