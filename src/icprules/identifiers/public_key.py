"""An APP's signing public key (公钥) in any of the forms filing portals accept.

Providers differ on what "公钥" means (beyond-the-seeds.md, APP signing evidence): the RSA
modulus in hex (Aliyun, jadx) or in decimal (older jadx, Tencent accepts both), the key's
SubjectPublicKeyInfo in Base64 with or without the PEM armour (openssl -pubkey), and for
HarmonyOS, whose apps are signed with ECDSA, an EC key. All are read here with
``cryptography`` and normalised to one canonical form:

- an RSA key: its modulus in upper-case hex (no leading zeros);
- an EC key: its uncompressed point in upper-case hex (``04`` + X + Y).

>>> modulus = 'C' + 'F' * 510 + '5'  # an odd 2048-bit number
>>> parse(modulus).bits, parse(modulus).kind
(2048, 'rsa')
>>> parse(str(int(modulus, 16))).canonical == modulus  # the same modulus in decimal
True
>>> parse('hello').kind
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidFormat: The number has an invalid format.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

#: RSA key sizes in use; a modulus of another size is more likely a typo than a key.
RSA_BITS = frozenset({1024, 2048, 3072, 4096, 8192})
#: Uncompressed EC points by hex length: P-256, P-384, P-521.
_EC_POINT_HEX = {130: "secp256r1", 194: "secp384r1", 266: "secp521r1"}
_SEPARATORS = re.compile(r"[\s:\-]")
_HEX = re.compile(r"^[0-9A-Fa-f]+$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
MAX_TEXT = 64 * 1024
#: What the tools that print a key or a fingerprint write before it, and people paste with it:
#: ``openssl x509 -modulus -noout`` ("Modulus=…"), ``keytool -printcert`` and Gradle's
#: signingReport ("MD5: C6:F1:…", "SHA1: …", "SHA-256: …"). The guides point to those tools.
_TOOL_LABEL = re.compile(r"^\s*(?:modulus|md5|sha-?1|sha-?256)\s*[=:]\s*", re.IGNORECASE)


def without_label(text: str) -> str:
    """``text`` without the label a tool printed before the key or fingerprint (``Modulus=``, ``MD5:``)."""
    return _TOOL_LABEL.sub("", text, count=1)


@dataclass(frozen=True)
class PublicKey:
    kind: str  # "rsa" or "ec"
    bits: int
    canonical: str
    #: How it was written: modulus_hex, modulus_decimal, spki_base64, pem, ec_point, certificate.
    form: str


def from_key(key: Any, form: str) -> PublicKey:
    """The canonical form of a ``cryptography`` public key; ``InvalidComponent`` for other algorithms."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if isinstance(key, rsa.RSAPublicKey):
        return PublicKey("rsa", key.key_size, format(key.public_numbers().n, "X"), form)
    if isinstance(key, ec.EllipticCurvePublicKey):
        point = key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return PublicKey("ec", key.curve.key_size, point.hex().upper(), form)
    raise InvalidComponent(f"a {type(key).__name__.removeprefix('_')} key: not RSA or EC")


def parse(text: str) -> PublicKey:
    """Read a public key written in any accepted form; raises stdnum's typed errors."""
    if not isinstance(text, str):
        raise InvalidFormat()
    if len(text) > MAX_TEXT:
        raise InvalidLength()
    return _parse(text)


@lru_cache(maxsize=256)
def _parse(text: str) -> PublicKey:
    """:func:`parse` of a text, kept: a check reads a filed key two or three times (its format, its
    canonical form, the package's key), each a conversion of a thousand digits. Errors are not kept."""
    raw = without_label(text).strip()
    if "-----BEGIN" in raw:
        return _pem(raw)
    compact = _SEPARATORS.sub("", raw)
    if compact[:2] in ("0x", "0X"):
        compact = compact[2:]
    if compact.isdigit():
        found = _modulus(compact, decimal=True) or _modulus(compact, decimal=False)
        if found is not None:
            return found
    if _HEX.match(compact):
        found = _ec_point(compact) or _modulus(compact, decimal=False)
        if found is not None:
            return found
        raise InvalidLength()  # hex, but no key size we know
    if _BASE64.match(compact):
        return _der(compact)
    raise InvalidFormat()


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except ValidationError:
        return False
    return True


def canonical(text: str) -> str:
    """The canonical form of a key written in any accepted form."""
    return parse(text).canonical


def _modulus(digits: str, *, decimal: bool) -> PublicKey | None:
    """An RSA modulus, when these digits read in this base give an odd number of a key size in use."""
    try:
        n = int(digits, 10 if decimal else 16)
    except ValueError:
        return None
    if n % 2 == 0 or n.bit_length() not in RSA_BITS:
        return None
    return PublicKey("rsa", n.bit_length(), format(n, "X"), "modulus_decimal" if decimal else "modulus_hex")


def _ec_point(digits: str) -> PublicKey | None:
    curve = _EC_POINT_HEX.get(len(digits))
    if curve is None or not digits.startswith("04"):
        return None
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(getattr(ec, curve.upper())(), bytes.fromhex(digits))
    except ValueError:
        return None  # not a point of that curve: perhaps a modulus
    return from_key(key, "ec_point")


def _pem(text: str) -> PublicKey:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    data = text.encode("utf-8", "replace")
    certificate = b"CERTIFICATE-----" in data
    try:
        key = x509.load_pem_x509_certificate(data).public_key() if certificate else load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise InvalidFormat(str(exc)[:80]) from None
    except Exception as exc:  # cryptography.exceptions.UnsupportedAlgorithm
        raise InvalidComponent(str(exc)[:80]) from None
    return from_key(key, "certificate" if certificate else "pem")


def _der(text: str) -> PublicKey:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidFormat() from None
    key, form = None, "spki_base64"
    try:
        key = load_der_public_key(data)
    except (ValueError, TypeError):
        pass
    except Exception as exc:  # cryptography.exceptions.UnsupportedAlgorithm
        raise InvalidComponent(str(exc)[:80]) from None
    if key is None:
        form = "certificate"
        try:
            key = x509.load_der_x509_certificate(data).public_key()
        except (ValueError, TypeError):
            raise InvalidFormat() from None
        except Exception as exc:
            raise InvalidComponent(str(exc)[:80]) from None
    return from_key(key, form)  # outside the try: stdnum's errors are ValueErrors too


__all__ = ["InvalidComponent", "InvalidFormat", "InvalidLength", "PublicKey", "ValidationError", "canonical",
           "from_key", "is_valid", "parse"]
