"""What a filing needs from a signing certificate, read with ``cryptography``.

For each certificate: subject, issuer, validity, key type and size, the public key in the forms
filing portals accept (RSA modulus in hex and decimal, SPKI in Base64; an EC point), and the MD5,
SHA-1 and SHA-256 of its DER encoding (the "签名MD5" is the MD5 of the DER certificate: jadx and
apksigner hash ``getEncoded()``; beyond-the-seeds.md, APP signing evidence).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from ..identifiers import public_key as keys
from .errors import EvidenceError

MAX_CERTIFICATES = 64


def _debug_names() -> frozenset[str]:
    """Common names of debug signing certificates (data/platforms.yaml)."""
    from ..data import builtin

    return frozenset(builtin().files.get("platforms", {}).get("debug_certificate_names") or ())


@dataclass(frozen=True)
class Certificate:
    subject: str
    issuer: str
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_type: str
    key_bits: int
    #: The key in icprules' canonical form (identifiers.public_key): RSA modulus or EC point, hex.
    public_key: str | None
    modulus_decimal: str | None
    spki_base64: str
    md5: str
    sha1: str
    sha256: str
    self_signed: bool
    debug: bool
    der: bytes = field(repr=False, compare=False)

    def expired(self, on: dt.date) -> bool:
        return self.not_after.date() < on

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject, "issuer": self.issuer, "serial": self.serial,
            "valid_from": self.not_before.isoformat(), "valid_until": self.not_after.isoformat(),
            "key": {"type": self.key_type, "bits": self.key_bits, "canonical": self.public_key,
                    "modulus_hex": self.public_key if self.key_type == "rsa" else None,
                    "modulus_decimal": self.modulus_decimal, "spki_base64": self.spki_base64},
            "md5": self.md5, "sha1": self.sha1, "sha256": self.sha256,
            "self_signed": self.self_signed, "debug": self.debug,
        }


def facts(cert: Any) -> Certificate:
    """The facts of a ``cryptography`` X.509 certificate."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from cryptography.x509.oid import NameOID

    der = cert.public_bytes(Encoding.DER)
    try:
        key = cert.public_key()
    except Exception as exc:  # an algorithm cryptography cannot load (GOST, SM2 in some builds)
        raise EvidenceError("evidence_certificate_key", str(exc)[:80]) from None
    spki = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    # The key's filing form is identifiers.public_key's (an RSA modulus or an EC point, hex); the
    # kind and size are said for every key, also those no portal takes (DSA, Ed25519).
    try:
        canonical: str | None = keys.from_key(key, "certificate").canonical
    except keys.InvalidComponent:
        canonical = None
    if isinstance(key, rsa.RSAPublicKey):
        kind, bits = "rsa", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        kind, bits = "ec", key.curve.key_size
    elif isinstance(key, dsa.DSAPublicKey):
        kind, bits = "dsa", key.key_size
    elif isinstance(key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
        kind, bits = ("ed25519", 256) if isinstance(key, ed25519.Ed25519PublicKey) else ("ed448", 456)
    else:
        kind, bits = type(key).__name__, 0
    modulus_decimal = str(int(canonical, 16)) if kind == "rsa" and canonical else None
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = str(names[0].value) if names else ""
    return Certificate(
        subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "X"),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        key_type=kind, key_bits=bits, public_key=canonical, modulus_decimal=modulus_decimal,
        spki_base64=base64.b64encode(spki).decode("ascii"),
        md5=hashlib.md5(der).hexdigest().upper(), sha1=hashlib.sha1(der).hexdigest().upper(),
        sha256=hashlib.sha256(der).hexdigest().upper(),
        self_signed=cert.subject == cert.issuer, debug=common_name in _debug_names(), der=der,
    )


def load_der(data: bytes) -> Any:
    from cryptography import x509

    try:
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise EvidenceError("evidence_certificate", str(exc)[:120]) from None


def read_certificates(data: bytes) -> list[Certificate]:
    """Every certificate in a PEM file (one or more), a DER certificate, or a PKCS#7 bundle (.p7b)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs7

    found: list[Any]
    try:
        if b"-----BEGIN PKCS7-----" in data:
            found = pkcs7.load_pem_pkcs7_certificates(data)
        elif b"-----BEGIN" in data:
            found = x509.load_pem_x509_certificates(data)
        elif data[:1] == b"\x30" and b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02" in data[:32]:
            found = pkcs7.load_der_pkcs7_certificates(data)
        else:
            found = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise EvidenceError("evidence_certificate", str(exc)[:120]) from None
    if not found:
        raise EvidenceError("evidence_certificate", "no certificate in it")
    return [facts(c) for c in found[:MAX_CERTIFICATES]]


def verify(spki_or_cert: Any, signature: bytes, data: bytes, scheme: str, digest: str) -> bool:
    """Whether ``signature`` over ``data`` verifies with the key (RSA PKCS#1 v1.5 or PSS, ECDSA, DSA)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, padding, rsa

    algorithm: Any = {"sha1": hashes.SHA1(), "sha224": hashes.SHA224(), "sha256": hashes.SHA256(),
                      "sha384": hashes.SHA384(), "sha512": hashes.SHA512(), "md5": hashes.MD5()}[digest]
    try:
        key = (serialization.load_der_public_key(spki_or_cert) if isinstance(spki_or_cert, bytes)
               else spki_or_cert.public_key())
    except (ValueError, TypeError, Exception):
        return False
    try:
        if isinstance(key, rsa.RSAPublicKey) and scheme in ("rsa", "rsa-pkcs1"):
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        elif isinstance(key, rsa.RSAPublicKey) and scheme == "rsa-pss":
            key.verify(signature, data, padding.PSS(padding.MGF1(algorithm), algorithm.digest_size), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and scheme in ("ecdsa", "any"):
            key.verify(signature, data, ec.ECDSA(algorithm))
        elif isinstance(key, dsa.DSAPublicKey) and scheme in ("dsa", "any"):
            key.verify(signature, data, algorithm)
        elif isinstance(key, rsa.RSAPublicKey) and scheme == "any":
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
