"""The few DER structures no library here reads for us: a PKCS#7 SignerInfo and its attributes.

``cryptography`` loads the certificates of a PKCS#7 bundle but neither says which one signed nor
verifies the signature, so the SignerInfo is walked here: a bounded tag-length-value reader
that raises :class:`EvidenceError` on anything truncated or oversized.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import EvidenceError

MAX_DEPTH = 32


@dataclass(frozen=True)
class Node:
    tag: int
    start: int  # offset of the tag byte
    body: int  # offset of the value
    end: int  # offset after the value
    data: bytes

    @property
    def value(self) -> bytes:
        return self.data[self.body:self.end]

    @property
    def encoded(self) -> bytes:
        return self.data[self.start:self.end]

    def children(self) -> list[Node]:
        out = []
        at = self.body
        while at < self.end:
            node = read(self.data, at, self.end)
            out.append(node)
            at = node.end
        return out


def read(data: bytes, at: int = 0, limit: int | None = None) -> Node:
    end_of_data = len(data) if limit is None else limit
    if at + 2 > end_of_data:
        raise EvidenceError("evidence_der", "truncated DER")
    tag = data[at]
    if tag & 0x1F == 0x1F:
        raise EvidenceError("evidence_der", "high tag numbers are not used here")
    first = data[at + 1]
    body = at + 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or body + count > end_of_data:
            raise EvidenceError("evidence_der", "bad DER length")
        length = int.from_bytes(data[body:body + count], "big")
        body += count
    end = body + length
    if end > end_of_data:
        raise EvidenceError("evidence_der", "truncated DER")
    return Node(tag, at, body, end, data)


def oid(node: Node) -> str:
    """The dotted text of an OBJECT IDENTIFIER node."""
    if node.tag != 0x06 or not node.value:
        raise EvidenceError("evidence_der", "expected an OID")
    value = node.value
    parts = [min(value[0] // 40, 2), value[0] - 40 * min(value[0] // 40, 2)]
    number = 0
    for byte in value[1:]:
        number = (number << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(number)
            number = 0
    return ".".join(map(str, parts))


def integer(node: Node) -> int:
    if node.tag != 0x02:
        raise EvidenceError("evidence_der", "expected an INTEGER")
    return int.from_bytes(node.value, "big", signed=True)


def signed_content(pkcs7: bytes) -> bytes | None:
    """The content a PKCS#7 SignedData carries (encapContentInfo's OCTET STRING), or None when detached."""
    parts = read(pkcs7).children()
    if len(parts) < 2 or oid(parts[0]) != "1.2.840.113549.1.7.2":
        raise EvidenceError("evidence_der", "not a PKCS#7 SignedData")
    fields = parts[1].children()[0].children()
    if len(fields) < 3:
        raise EvidenceError("evidence_der", "a truncated SignedData")
    content = fields[2].children()
    if len(content) < 2:
        return None
    inner = content[1].children()[0]
    if inner.tag == 0x04:
        return inner.value
    if inner.tag == 0x24:  # a constructed OCTET STRING (BER): its pieces in order
        return b"".join(piece.value for piece in inner.children())
    return None


@dataclass(frozen=True)
class SignerInfo:
    issuer: bytes  # DER of the issuer Name
    serial: int
    digest_oid: str
    signed_attributes: bytes | None  # DER of the SET OF attributes, as signed (tag 0x31)
    message_digest: bytes | None
    signature_oid: str
    signature: bytes


def signer_infos(pkcs7: bytes) -> list[SignerInfo]:
    """The SignerInfos of a DER PKCS#7 SignedData (ContentInfo)."""
    content_info = read(pkcs7)
    parts = content_info.children()
    if len(parts) < 2 or oid(parts[0]) != "1.2.840.113549.1.7.2":
        raise EvidenceError("evidence_der", "not a PKCS#7 SignedData")
    signed_data = parts[1].children()[0].children()
    infos = [n for n in signed_data if n.tag == 0x31][-1:]  # digestAlgorithms is the first SET, signerInfos the last
    if not infos or len(signed_data) < 4:
        raise EvidenceError("evidence_der", "no signer in the PKCS#7 block")
    out = []
    for info in infos[0].children():
        fields = info.children()
        if len(fields) < 5:
            raise EvidenceError("evidence_der", "a truncated SignerInfo")
        issuer_serial = fields[1].children()
        if len(issuer_serial) != 2:
            raise EvidenceError("evidence_der", "a signer identified by key id, not issuer and serial")
        at = 3
        attributes = None
        digest = None
        if fields[at].tag == 0xA0:  # [0] IMPLICIT signed attributes: signed as a SET OF (tag 0x31)
            attributes = b"\x31" + fields[at].encoded[1:]
            for attribute in fields[at].children():
                kind, values = attribute.children()[:2]
                if oid(kind) == "1.2.840.113549.1.9.4":
                    digest = values.children()[0].value
            at += 1
        if len(fields) < at + 2:
            raise EvidenceError("evidence_der", "a truncated SignerInfo")
        out.append(SignerInfo(issuer=issuer_serial[0].encoded, serial=integer(issuer_serial[1]),
                              digest_oid=oid(fields[2].children()[0]), signed_attributes=attributes,
                              message_digest=digest, signature_oid=oid(fields[at].children()[0]),
                              signature=fields[at + 1].value))
    return out


def name_attributes(name_der: bytes) -> list[tuple[str, str]]:
    """A Name's (OID, text) pairs in order: to compare names whatever string type encoded them."""
    out = []
    for rdn in read(name_der).children():
        for attribute in rdn.children():
            parts = attribute.children()
            if len(parts) == 2:
                out.append((oid(parts[0]), parts[1].value.decode("utf-8", "replace")))
    return out
