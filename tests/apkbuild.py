"""Packages built in the tests, with cryptography: an APK (binary manifest, APK Signature Scheme v2 or
v3 with a key rotation lineage), a HAP (OpenHarmony signing block around a PKCS#7 SignedData), an
IPA (Info.plist and a PKCS#7-signed provisioning profile). Used only by the tests: icprules reads
packages, it never writes them. The formats follow the same sources as src/icprules/evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import plistlib
import struct
import zipfile
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

ANDROID_NS = "http://schemas.android.com/apk/res/android"


@dataclass
class Signer:
    key: Any
    cert: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def spki(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)


def signer(common_name: str = "Example Release", *, kind: str = "rsa", days: int = 3650,
           issuer: Signer | None = None, not_before: dt.datetime | None = None) -> Signer:
    key: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048) if kind == "rsa" \
        else ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = not_before or dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(name)
               .issuer_name(issuer.cert.subject if issuer else name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(start)
               .not_valid_after(start + dt.timedelta(days=days)))
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Signer(key, cert)


# -- Android binary XML --------------------------------------------------------------------------

def _pool(strings: list[str]) -> bytes:
    offsets, data = [], b""
    for text in strings:
        encoded = text.encode("utf-16-le")
        offsets.append(len(data))
        data += struct.pack("<H", len(text)) + encoded + b"\0\0"
    data += b"\0" * (-len(data) % 4)
    header = 28
    body = b"".join(struct.pack("<I", o) for o in offsets)
    start = header + len(body)
    return struct.pack("<HHIIIIII", 0x0001, header, start + len(data), len(strings), 0, 0, start, 0) + body + data


def manifest(package: str, label: str | None, version_name: str = "1.0", version_code: int = 1,
             label_resource: int | None = None) -> bytes:
    """A binary AndroidManifest.xml: <manifest package versionCode versionName><application label/>."""
    strings = ["versionCode", "versionName", "label", "package", "manifest", "application", ANDROID_NS,
               "android", package, version_name, label or ""]
    ids = [0x0101021B, 0x0101021C, 0x01010001]
    index = {s: i for i, s in enumerate(strings)}

    def attribute(name: str, kind: int, value: int, raw: int = 0xFFFFFFFF, ns: int | None = None) -> bytes:
        return struct.pack("<IIIHBBI", index[ANDROID_NS] if ns is None else ns, index[name], raw, 8, 0, kind, value)

    def element(name: str, attributes: list[bytes]) -> bytes:
        ext = struct.pack("<IIHHHHHH", 0xFFFFFFFF, index[name], 20, 20, len(attributes), 0, 0, 0)
        body = ext + b"".join(attributes)
        return struct.pack("<HHIII", 0x0102, 16, 16 + len(body), 1, 0xFFFFFFFF) + body

    def end(name: str) -> bytes:
        return struct.pack("<HHIIIII", 0x0103, 16, 24, 1, 0xFFFFFFFF, 0xFFFFFFFF, index[name])

    manifest_attrs = [
        attribute("versionCode", 0x10, version_code),
        attribute("versionName", 0x03, index[version_name], raw=index[version_name]),
        attribute("package", 0x03, index[package], raw=index[package], ns=0xFFFFFFFF),
    ]
    if label_resource is not None:
        app_attrs = [attribute("label", 0x01, label_resource)]
    else:
        app_attrs = [attribute("label", 0x03, index[label or ""], raw=index[label or ""])]
    resource_map = struct.pack("<HHI", 0x0180, 8, 8 + 4 * len(ids)) + b"".join(struct.pack("<I", i) for i in ids)
    body = _pool(strings) + resource_map + element("manifest", manifest_attrs) + element("application", app_attrs) \
        + end("application") + end("manifest")
    return struct.pack("<HHI", 0x0003, 8, 8 + len(body)) + body


# -- APK Signature Scheme v2/v3 ----------------------------------------------------------------------

def _prefixed(data: bytes) -> bytes:
    return struct.pack("<I", len(data)) + data


def _sequence(items: list[bytes]) -> bytes:
    return _prefixed(b"".join(_prefixed(i) for i in items))


def _sign(key: Any, data: bytes) -> tuple[int, bytes]:
    if isinstance(key, rsa.RSAPrivateKey):
        return 0x0103, key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return 0x0201, key.sign(data, ec.ECDSA(hashes.SHA256()))


def _chunked(sections: list[bytes]) -> bytes:
    chunks = [s[i:i + 1024 * 1024] for s in sections for i in range(0, len(s), 1024 * 1024)]
    top = hashlib.sha256(b"\x5a" + struct.pack("<I", len(chunks)))
    for chunk in chunks:
        top.update(hashlib.sha256(b"\xa5" + struct.pack("<I", len(chunk)) + chunk).digest())
    return top.digest()


def lineage(signers: list[Signer], *, repeat_first: bool = False) -> bytes:
    """A proof-of-rotation lineage (version 1): each node's signed data is signed by the node before."""
    nodes = []
    previous: Signer | None = None
    chain = [*signers, signers[0]] if repeat_first else signers
    for s in chain:
        algorithm = _sign(s.key, b"")[0]
        signed = _prefixed(s.der) + struct.pack("<I", _sign(previous.key, b"")[0] if previous else 0)
        signature = _sign(previous.key, signed)[1] if previous else b""
        nodes.append(_prefixed(signed) + struct.pack("<II", 3, algorithm) + _prefixed(signature))
        previous = s
    return struct.pack("<I", 1) + b"".join(_prefixed(n) for n in nodes)


def apk(package: str = "cn.example.ledger", label: str | None = "示例记账", *, signer_: Signer | None = None,
        scheme: str = "v2", rotation: list[Signer] | None = None, tamper: str = "",
        extra: dict[str, bytes] | None = None, label_resource: int | None = None,
        rotation_loop: bool = False) -> bytes:
    """An APK with a manifest and one signer (v2, or v3 with an optional lineage)."""
    s = signer_ or signer()
    entries = {"AndroidManifest.xml": manifest(package, label, label_resource=label_resource),
               "classes.dex": b"dex\n035\0" + b"\0" * 100, **(extra or {})}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    raw = buf.getvalue()
    eocd_at = raw.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<II", raw, eocd_at + 12)
    before, central, eocd = raw[:cd_offset], raw[cd_offset:cd_offset + cd_size], bytearray(raw[eocd_at:])

    def block_for(value_id: int, value: bytes) -> bytes:
        pair = struct.pack("<QI", 4 + len(value), value_id) + value
        size = len(pair) + 24
        return struct.pack("<Q", size) + pair + struct.pack("<Q", size) + b"APK Sig Block 42"

    # The digest covers the EOCD with the CD offset replaced by where the block starts.
    struct.pack_into("<I", eocd, 16, len(before))
    digest = bytes(32) if tamper == "digest" else _chunked([before, central, bytes(eocd)])
    attributes = [struct.pack("<I", 0x3BA06F8C) + lineage(rotation, repeat_first=rotation_loop)] if rotation else []
    signed = _sequence([struct.pack("<I", 0x0103 if isinstance(s.key, rsa.RSAPrivateKey) else 0x0201)
                        + _prefixed(digest)]) + _sequence([s.der])
    if scheme == "v3":
        signed += struct.pack("<II", 24, 0x7FFFFFFF)
    signed += _sequence(attributes)
    algorithm, signature = _sign(s.key, signed)
    if tamper == "signature":
        signature = bytes([signature[0] ^ 1]) + signature[1:]
    body = _prefixed(signed) + (struct.pack("<II", 24, 0x7FFFFFFF) if scheme == "v3" else b"") \
        + _sequence([struct.pack("<I", algorithm) + _prefixed(signature)]) + _prefixed(s.spki)
    block = block_for(0xF05368C0 if scheme == "v3" else 0x7109871A, _sequence([body]))
    struct.pack_into("<I", eocd, 16, len(before) + len(block))
    return before + block + central + bytes(eocd)


# -- HarmonyOS HAP ------------------------------------------------------------------------------

def hap(bundle: str = "cn.example.ledger", *, signers: list[Signer] | None = None, profile_type: str = "release",
        label: str = "$string:app_name") -> bytes:
    chain = signers or [signer("Example HarmonyOS", kind="ec")]
    module = {"app": {"bundleName": bundle, "versionName": "1.0.0", "versionCode": 1000000, "label": label},
              "module": {"name": "entry", "type": "entry"}}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("module.json", json.dumps(module))
        z.writestr("ets/modules.abc", b"\0" * 64)
    raw = buf.getvalue()
    eocd_at = raw.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<II", raw, eocd_at + 12)
    before, central, eocd = raw[:cd_offset], raw[cd_offset:cd_offset + cd_size], bytearray(raw[eocd_at:])
    leaf = chain[0]
    signature = (pkcs7.PKCS7SignatureBuilder().set_data(b"hap digest").add_signer(leaf.cert, leaf.key, hashes.SHA256())
                 .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.NoCapabilities]))
    if len(chain) > 1:  # the chain's other certificates in the same SignedData
        builder = pkcs7.PKCS7SignatureBuilder().set_data(b"hap digest").add_signer(leaf.cert, leaf.key, hashes.SHA256())
        for extra in chain[1:]:
            builder = builder.add_certificate(extra.cert)
        signature = builder.sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.NoCapabilities])
    profile_json = json.dumps({"type": profile_type, "bundle-info": {"bundle-name": bundle, "developer-id": "1"}})
    profile = (pkcs7.PKCS7SignatureBuilder().set_data(profile_json.encode()).add_signer(leaf.cert, leaf.key,
                                                                                         hashes.SHA256())
               .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.NoCapabilities]))
    parts = [(0x20000002, profile), (0x20000000, signature)]
    table = 12 * len(parts)
    data = b""
    heads = b""
    for kind, payload in parts:
        heads += struct.pack("<III", kind, len(payload), table + len(data))
        data += payload
    size = table + len(data) + 32
    block = heads + data + struct.pack("<iiqqq", 3, len(parts), size, 0x676973207061683C, 0x3E6B636F6C62206E)
    struct.pack_into("<I", eocd, 16, len(before) + len(block))
    return before + block + central + bytes(eocd)


# -- iOS ------------------------------------------------------------------------------------------

def mobileprovision(bundle: str, certs: list[Signer], *, development: bool = False, team: str = "ABCDE12345") -> bytes:
    plist = plistlib.dumps({
        "Name": f"{bundle} AppStore", "TeamIdentifier": [team],
        "ExpirationDate": dt.datetime(2030, 1, 1),
        "DeveloperCertificates": [c.der for c in certs],
        "Entitlements": {"application-identifier": f"{team}.{bundle}", "get-task-allow": development},
        **({"ProvisionedDevices": ["00008030-001A"]} if development else {}),
    })
    apple = signer("Apple iPhone OS Provisioning Profile Signing")
    return (pkcs7.PKCS7SignatureBuilder().set_data(plist).add_signer(apple.cert, apple.key, hashes.SHA256())
            .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.NoCapabilities]))


def apple_certificate(common_name: str = "Apple Distribution: Example Co (ABCDE12345)") -> Signer:
    """A developer certificate issued by a stand-in for Apple's WWDR CA (Apple's are not self-signed)."""
    return signer(common_name, issuer=signer("Apple Worldwide Developer Relations Certification Authority"))


def ipa(bundle: str = "cn.example.ledger", name: str = "示例记账", *, certs: list[Signer] | None = None,
        development: bool = False, profile: bool = True) -> bytes:
    info = plistlib.dumps({"CFBundleIdentifier": bundle, "CFBundleDisplayName": name,
                           "CFBundleShortVersionString": "1.2.0", "CFBundleVersion": "120"}, fmt=plistlib.FMT_BINARY)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Payload/Ledger.app/Info.plist", info)
        if profile:
            z.writestr("Payload/Ledger.app/embedded.mobileprovision",
                       mobileprovision(bundle, certs or [apple_certificate()],
                                       development=development))
        z.writestr("Payload/Ledger.app/Ledger", b"\xcf\xfa\xed\xfe" + b"\0" * 60)
    return buf.getvalue()
