"""Every platform's keys: the forms portals accept read as one key, normalised to one form.

The keys come from real certificates (the bundled RSA and EC signing certificates) and from keys
made here with ``cryptography``; each is written the ways people copy it (modulus in hex or
decimal, with colons or a leading 00, SPKI in Base64 or PEM, PKCS#1 PEM, an EC point).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, base, run
from icprules.identifiers import public_key as pk

RSA_CERT = x509.load_pem_x509_certificate((EXAMPLES / "files" / "app-signing-cert.pem").read_bytes())
EC_CERT = x509.load_pem_x509_certificate((EXAMPLES / "files" / "ec-signing-cert.pem").read_bytes())


def forms(key: Any) -> dict[str, str]:
    """The ways people write a key, from the key itself."""
    der = key.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)
    out = {"spki_base64": base64.b64encode(der).decode(),
           "pem": key.public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo).decode()}
    if isinstance(key, rsa.RSAPublicKey):
        n = key.public_numbers().n
        out.update({"hex": format(n, "x"), "hex_colons_00": ":".join(f"{b:02x}" for b in b"\0" + n.to_bytes(
            key.key_size // 8, "big")), "decimal": str(n), "0x": "0x" + format(n, "X"),
            "pkcs1_pem": key.public_bytes(ser.Encoding.PEM, ser.PublicFormat.PKCS1).decode()})
    elif isinstance(key, ec.EllipticCurvePublicKey):
        out["ec_point"] = key.public_bytes(ser.Encoding.X962, ser.PublicFormat.UncompressedPoint).hex()
    return out


@pytest.mark.parametrize("cert", [RSA_CERT, EC_CERT], ids=["rsa", "ec"])
def test_every_form_of_a_real_certificates_key_reads_as_one_key(cert: x509.Certificate) -> None:
    key = cert.public_key()
    canonical = {form: pk.parse(text).canonical for form, text in forms(key).items()}
    assert len(set(canonical.values())) == 1, canonical
    pem = cert.public_bytes(ser.Encoding.PEM).decode()
    assert pk.parse(pem).canonical == next(iter(canonical.values()))  # a whole certificate pasted


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([1024, 2048, 3072]), st.sampled_from(["hex", "decimal", "spki_base64", "pem", "pkcs1_pem"]))
def test_rsa_keys_of_any_size_in_use_read_in_any_form(bits: int, form: str) -> None:
    key = rsa.generate_private_key(65537, bits).public_key()
    found = pk.parse(forms(key)[form])
    assert (found.kind, found.bits, found.canonical) == ("rsa", bits, format(key.public_numbers().n, "X"))


@pytest.mark.parametrize("curve", [ec.SECP256R1(), ec.SECP384R1()])
def test_ec_keys_read_from_their_point_or_spki(curve: ec.EllipticCurve) -> None:
    key = ec.generate_private_key(curve).public_key()
    found = {pk.parse(text).canonical for text in forms(key).values()}
    assert len(found) == 1 and next(iter(found)).startswith("04")


@pytest.mark.parametrize("text", ["ABCDEF", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
                                  "-----BEGIN PUBLIC KEY-----x", "12345", "not a key",
                                  "C" * 512])  # the last is even: no modulus
def test_what_is_not_a_key_is_refused(text: str) -> None:
    assert not pk.is_valid(text)


def test_a_key_of_another_algorithm_is_named() -> None:
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    with pytest.raises(pk.InvalidComponent, match="Ed25519"):
        pk.parse(forms(key)["spki_base64"])


def _app_with(public_key: str, *, os_name: str = "android", cert: str | None = None) -> dict[str, Any]:
    doc = base("app")
    platform = next(p for p in doc["services"][0]["platforms"] if p["os"] == os_name)
    platform["public_key"] = public_key
    if cert:
        platform["certificate"] = cert
    return doc


@pytest.mark.parametrize("form", ["decimal", "spki_base64", "pem", "hex_colons_00"])
def test_a_filing_may_give_the_key_in_any_form_and_sees_the_canonical_one(form: str) -> None:
    key = RSA_CERT.public_key()
    report = run(_app_with(forms(key)[form], cert="files/app-signing-cert.pem"))
    assert not report.by_rule("app.public-key-format")
    assert not report.by_rule("app.certificate-public-key-matches")
    assert report.normalized["services[0].platforms[0].public_key"] == format(key.public_numbers().n, "X")


def test_harmonyos_files_its_ec_key_and_a_sha256_fingerprint() -> None:
    point = forms(EC_CERT.public_key())["ec_point"]
    doc = _app_with(point, os_name="harmonyos", cert="files/ec-signing-cert.pem")
    platform = doc["services"][0]["platforms"][2]
    platform["signature_md5"] = EC_CERT.fingerprint(__import__("cryptography").hazmat.primitives.hashes.SHA256()).hex()
    report = run(doc)
    rules = {f.rule for f in report.findings if f.path.startswith("services[0].platforms[2]")}
    assert not rules & {"app.public-key-format", "app.signature-md5-format", "app.certificate-readable",
                        "app.certificate-public-key-matches", "app.certificate-fingerprint-matches"}


@pytest.mark.parametrize(("os_name", "digits", "ok"), [
    ("android", 32, True), ("android", 40, False), ("ios", 40, True), ("ios", 32, True), ("ios", 64, False),
    ("harmonyos", 64, True), ("harmonyos", 32, True), ("harmonyos", 40, False)])
def test_the_fingerprint_shape_is_the_platforms_from_data(os_name: str, digits: int, ok: bool) -> None:
    doc = base("app")
    platform = next(p for p in doc["services"][0]["platforms"] if p["os"] == os_name)
    platform["signature_md5"] = "AB" * (digits // 2)
    rule = "app.ios-fingerprint-format" if os_name == "ios" else "app.signature-md5-format"
    assert (not run(doc).by_rule(rule)) is ok


def test_the_platforms_table_says_each_platforms_key_types_and_fingerprints() -> None:
    table = __import__("icprules").default_rules().data.resolve("platforms.platforms")
    assert table["harmonyos"]["key_types"][0] == "ec" and "sha256" in table["harmonyos"]["fingerprints"]
    assert table["ios"]["fingerprints"][0] == "sha1"
    assert Path(EXAMPLES / "files" / "ed25519-signing-cert.pem").is_file()


def test_a_certificate_whose_key_no_portal_takes_says_which_key_it_is(app: dict[str, Any]) -> None:
    """The certificate field is read as a certificate inside a package is (evidence.certificates.facts):
    an Ed25519 key is named with its size, and the same fingerprints come out for the keys portals take."""
    from icprules.evidence.certificates import facts
    from icprules.primitives.app import read_certificate

    app["services"][0]["platforms"][0]["certificate"] = "files/ed25519-signing-cert.pem"
    (found,) = run(app).by_rule("app.certificate-readable")
    assert "ed25519, 256 bits" in found.message["en"] and found.path == "services[0].platforms[0].certificate"

    for name in ("app-signing-cert.pem", "ec-signing-cert.pem"):
        data = (EXAMPLES / "files" / name).read_bytes()
        read, whole = read_certificate(data), facts(x509.load_pem_x509_certificate(data))
        assert (read.public_key, read.key_kind, read.md5, read.sha1, read.sha256) == (
            whole.public_key, whole.key_type, whole.md5, whole.sha1, whole.sha256)


@pytest.mark.parametrize(("fingerprint", "given"), [
    ("SHA1: 78:FA:F8:EE:38:1C:81:6C:00:58:B6:3C:6C:51:4F:AA:5A:69:26:B7", "SHA-1 (40)"),  # keytool -list -v
    ("3A5B2C9F112233445566778899AABBCCDDEEFF003A5B2C9F1122334455667788", "SHA-256 (64)"),
])
def test_an_android_fingerprint_of_another_hash_says_which_and_how_to_get_the_md5(fingerprint: str, given: str) -> None:
    """keytool prints a certificate's SHA-1 and SHA-256, not the MD5 Android's filing takes."""
    doc = base("app")
    doc["services"][0]["platforms"][0]["signature_md5"] = fingerprint
    found = [f for f in run(doc).findings if f.rule == "app.signature-md5-format"]
    assert len(found) == 1
    assert f"{given} hex digits, not the MD5 (32)" in found[0].message["en"]
    assert "keytool -exportcert" in found[0].message["en"] and "openssl md5" in found[0].message["zh"]
