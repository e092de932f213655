"""The APK Signing Block (schemes v2, v3 and v3.1) and the HAP signing block, read and verified.

The APK format is AOSP's, as apksig writes and reads it (source.android.com "APK Signature Scheme
v2/v3"; tools/apksig ApkSigningBlockUtils, V3SchemeConstants, SigningCertificateLineage): a block
just before the ZIP central directory, ending with its size and the magic "APK Sig Block 42",
holding ID-value pairs. Each scheme's value is a sequence of signers; a signer's signed data holds
the digests of the package's contents, the certificates and (v3) the SDK range and the key
rotation lineage, and is signed with the signer's key.

The HAP format is OpenHarmony's (openharmony/developtools_hapsigner, HapSigningBlockUtils and
hap_signing_block_utils.h): a block just before the central directory, ending with a 32-byte head
(version, block count, size, magic "<hap sign block>" or "HAP Sig Block 42"), whose sub-blocks
start with a table of (type, length, offset); the signature sub-block (0x20000000) is a PKCS#7
SignedData holding the signing certificates, the profile sub-block (0x20000002) the signed profile.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .archive import Layout
from .certificates import Certificate, facts, load_der, verify
from .errors import EvidenceError

APK_MAGIC = b"APK Sig Block 42"
V2 = 0x7109871A
V3 = 0xF05368C0
V31 = 0x1B93AD61
SCHEMES = {V2: "v2", V3: "v3", V31: "v3.1"}
PROOF_OF_ROTATION = 0x3BA06F8C
#: Signature algorithm IDs: (key scheme, hash, digest kind). Verity digests (0x04xx) are a Merkle
#: tree root, not recomputed here: the others are (apksig SignatureAlgorithm).
ALGORITHMS = {
    0x0101: ("rsa-pss", "sha256", "sha256"), 0x0102: ("rsa-pss", "sha512", "sha512"),
    0x0103: ("rsa-pkcs1", "sha256", "sha256"), 0x0104: ("rsa-pkcs1", "sha512", "sha512"),
    0x0201: ("ecdsa", "sha256", "sha256"), 0x0202: ("ecdsa", "sha512", "sha512"),
    0x0301: ("dsa", "sha256", "sha256"),
    0x0421: ("rsa-pkcs1", "sha256", "verity"), 0x0423: ("ecdsa", "sha256", "verity"),
    0x0425: ("dsa", "sha256", "verity"),
}
_CHUNK = 1024 * 1024

HAP_MAGICS = {(0x676973207061683C, 0x3E6B636F6C62206E), (0x2067695320504148, 0x3234206B636F6C42)}
HAP_SIGNATURE = 0x20000000
HAP_PROFILE = 0x20000002


class _Reader:
    """Length-prefixed little-endian fields, bounds-checked: a truncated block is an EvidenceError."""

    def __init__(self, data: bytes, what: str) -> None:
        self.data, self.at, self.what = data, 0, what

    def remaining(self) -> int:
        return len(self.data) - self.at

    def u32(self) -> int:
        if self.remaining() < 4:
            raise EvidenceError("evidence_truncated", f"{self.what} ends early")
        value: int = struct.unpack_from("<I", self.data, self.at)[0]
        self.at += 4
        return value

    def prefixed(self) -> bytes:
        length = self.u32()
        if length > self.remaining():
            raise EvidenceError("evidence_truncated", f"{self.what}: a field of {length:,} bytes in "
                                                      f"{self.remaining():,}")
        out = self.data[self.at:self.at + length]
        self.at += length
        return out

    def sequence(self, limit: int = 64) -> list[bytes]:
        inner = _Reader(self.prefixed(), self.what)
        out: list[bytes] = []
        while inner.remaining():
            if len(out) >= limit:
                raise EvidenceError("evidence_too_many", f"{self.what}: more than {limit} items")
            out.append(inner.prefixed())
        return out


def find_apk_block(fh: BinaryIO, where: Layout, limit: int) -> tuple[int, dict[int, bytes]] | None:
    """The APK Signing Block's offset and its ID-value pairs, or None when the package has none."""
    if where.cd_offset < 32:
        return None
    fh.seek(where.cd_offset - 24)
    footer = fh.read(24)
    if footer[8:] != APK_MAGIC:
        return None
    size = struct.unpack_from("<Q", footer)[0]
    start = where.cd_offset - size - 8
    if size < 24 or start < 0 or size > limit:
        raise EvidenceError("evidence_signing_block", f"a block of {size:,} bytes cannot be here")
    fh.seek(start)
    block = fh.read(size + 8)
    if struct.unpack_from("<Q", block)[0] != size:
        raise EvidenceError("evidence_signing_block", "its two size fields differ")
    pairs: dict[int, bytes] = {}
    reader = _Reader(block[8:-24], "the APK Signing Block")
    while reader.remaining():
        if reader.remaining() < 8:
            raise EvidenceError("evidence_truncated", "the APK Signing Block ends inside a pair")
        length = struct.unpack_from("<Q", reader.data, reader.at)[0]
        reader.at += 8
        if length < 4 or length > reader.remaining():
            raise EvidenceError("evidence_truncated", "a pair of the APK Signing Block is longer than the block")
        key = struct.unpack_from("<I", reader.data, reader.at)[0]
        pairs.setdefault(key, reader.data[reader.at + 4:reader.at + length])
        reader.at += length
        if len(pairs) > 256:
            raise EvidenceError("evidence_too_many", "more than 256 pairs in the APK Signing Block")
    return start, pairs


@dataclass
class Signer:
    scheme: str
    certificates: list[Certificate]
    public_key_matches: bool
    signature_verified: bool | None  # None: no algorithm we can verify
    algorithms: list[int]
    digests: dict[int, bytes]
    min_sdk: int | None = None
    max_sdk: int | None = None
    lineage: list[Certificate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def certificate(self) -> Certificate | None:
        return self.certificates[0] if self.certificates else None


def parse_signers(scheme_id: int, value: bytes, *, max_lineage: int) -> list[Signer]:
    scheme = SCHEMES[scheme_id]
    out: list[Signer] = []
    for raw in _Reader(value, f"the {scheme} block").sequence(limit=16):
        signer = _Reader(raw, f"a {scheme} signer")
        signed_data = signer.prefixed()
        min_sdk = max_sdk = None
        if scheme_id != V2:
            min_sdk, max_sdk = signer.u32(), signer.u32()
        signatures = []
        for item in signer.sequence():
            entry = _Reader(item, "a signature")
            signatures.append((entry.u32(), entry.prefixed()))
        spki = signer.prefixed()
        data = _Reader(signed_data, f"a {scheme} signer's signed data")
        digests = {}
        for item in data.sequence():
            entry = _Reader(item, "a digest")
            algorithm = entry.u32()  # before the value: an assignment evaluates its right side first
            digests[algorithm] = entry.prefixed()
        certificates = [facts(load_der(c)) for c in data.sequence(limit=16)]
        problems: list[str] = []
        lineage: list[Certificate] = []
        if scheme_id != V2:
            data.u32(), data.u32()  # the signed copy of the SDK range
        for attribute in data.sequence() if data.remaining() else []:
            attr = _Reader(attribute, "an additional attribute")
            if attr.u32() == PROOF_OF_ROTATION and scheme_id != V2:
                lineage = _lineage(attr.data[attr.at:], max_lineage, problems)
        verified: bool | None = None
        algorithms = [a for a, _ in signatures]
        for algorithm, signature in signatures:
            if algorithm not in ALGORITHMS:
                continue
            kind, digest, _ = ALGORITHMS[algorithm]
            ok = verify(spki, signature, signed_data, kind, digest)
            verified = ok if verified is None else verified and ok
        if sorted(digests) != sorted(algorithms):
            problems.append("evidence_digests_mismatch")
        matches = bool(certificates) and _spki(certificates[0]) == spki
        if not certificates:
            problems.append("evidence_no_certificate")
        elif not matches:
            problems.append("evidence_key_mismatch")
        out.append(Signer(scheme, certificates, matches, verified, algorithms, digests, min_sdk, max_sdk,
                          lineage, problems))
    if not out:
        raise EvidenceError("evidence_signing_block", f"the {scheme} block has no signer")
    return out


def _spki(cert: Certificate) -> bytes:
    import base64

    return base64.b64decode(cert.spki_base64)


def _lineage(value: bytes, limit: int, problems: list[str]) -> list[Certificate]:
    """The proof-of-rotation lineage: oldest certificate first, each node signed by the one before."""
    reader = _Reader(value, "the key rotation lineage")
    if reader.u32() != 1:
        problems.append("evidence_lineage_version")
        return []
    out: list[Certificate] = []
    previous: Any = None
    previous_algorithm = 0
    seen: set[str] = set()
    while reader.remaining():
        if len(out) >= limit:
            problems.append("evidence_lineage_too_long")
            break
        node = _Reader(reader.prefixed(), "a lineage node")
        signed = node.prefixed()
        node.u32()  # flags (capabilities)
        algorithm = node.u32()  # what this node's key signs the next node with
        signature = node.prefixed()
        inner = _Reader(signed, "a lineage node's signed data")
        cert = load_der(inner.prefixed())
        found = facts(cert)
        if found.sha256 in seen:
            problems.append("evidence_lineage_loop")
            break
        seen.add(found.sha256)
        if previous is not None:
            # Signed by the node before, with the algorithm that node named (apksig SigningCertificateLineage).
            if previous_algorithm not in ALGORITHMS:
                problems.append("evidence_lineage_signature")
            else:
                kind, digest, _ = ALGORITHMS[previous_algorithm]
                if not verify(previous, signature, signed, kind, digest):
                    problems.append("evidence_lineage_signature")
        previous, previous_algorithm = cert, algorithm
        out.append(found)
    return out


def content_digests(fh: BinaryIO, block_start: int, where: Layout, kinds: set[str]) -> dict[str, bytes]:
    """The chunked digests (SHA-256, SHA-512) of the package's three protected sections, read 1 MiB at a time."""
    fh.seek(where.eocd_offset)
    eocd = bytearray(fh.read(where.size - where.eocd_offset))
    struct.pack_into("<I", eocd, 16, block_start)  # as signed: the CD offset is where the block starts
    sections: list[tuple[int, int] | bytes] = [(0, block_start), (where.cd_offset, where.cd_size), bytes(eocd)]
    chunks = sum(-(-(s[1] if isinstance(s, tuple) else len(s)) // _CHUNK) for s in sections)
    tops = {k: hashlib.new(k, b"\x5a" + struct.pack("<I", chunks)) for k in kinds}
    for section in sections:
        if isinstance(section, tuple):
            offset, length = section
            fh.seek(offset)
            while length > 0:
                piece = fh.read(min(_CHUNK, length))
                if not piece:
                    raise EvidenceError("evidence_truncated", "the file ends early")
                length -= len(piece)
                for kind, top in tops.items():
                    top.update(hashlib.new(kind, b"\xa5" + struct.pack("<I", len(piece)) + piece).digest())
        else:
            for at in range(0, len(section), _CHUNK):
                piece = section[at:at + _CHUNK]
                for kind, top in tops.items():
                    top.update(hashlib.new(kind, b"\xa5" + struct.pack("<I", len(piece)) + piece).digest())
    return {k: top.digest() for k, top in tops.items()}


def find_hap_block(fh: BinaryIO, where: Layout, limit: int) -> dict[int, bytes] | None:
    """The sub-blocks of a HAP signing block by type, or None when there is none."""
    if where.cd_offset < 32:
        return None
    fh.seek(where.cd_offset - 32)
    head = fh.read(32)
    _version, count, size, low, high = struct.unpack("<iiqqq", head)
    if (low & 0xFFFFFFFFFFFFFFFF, high & 0xFFFFFFFFFFFFFFFF) not in HAP_MAGICS:
        return None
    if not 0 < count <= 10 or size < 32 or size > min(limit, where.cd_offset):
        raise EvidenceError("evidence_signing_block", f"a HAP block of {size:,} bytes and {count} parts")
    start = where.cd_offset - size
    fh.seek(start)
    block = fh.read(size)
    out: dict[int, bytes] = {}
    for i in range(count):
        if 12 * (i + 1) > len(block) - 32:
            raise EvidenceError("evidence_truncated", "the HAP block's table ends early")
        kind, length, offset = struct.unpack_from("<III", block, 12 * i)
        if offset + length > len(block) - 32:
            raise EvidenceError("evidence_truncated", "a HAP sub-block is longer than the block")
        out.setdefault(kind, block[offset:offset + length])
    return out
