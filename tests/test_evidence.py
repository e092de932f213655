"""APP evidence (#15): read from real AOSP packages (their expected values in fixtures/apps/README.md,
found by androguard and openssl), and from packages built here with cryptography."""

from __future__ import annotations

import io
import json
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest

import apkbuild
import icprules
from icprules.cli import main
from icprules.evidence import EvidenceError, app_evidence

APPS = Path(__file__).resolve().parent / "fixtures" / "apps"
RSA_2048 = "E995A5ED7137307661F854E66901EE9E"
RSA_2048_2 = "186598CFDD4BCB1FC138F6C5A18369EB"
EC_P256 = "3C74060BA2335F385B080065FFF1A504"
TINY = "android.appsecurity.cts.tinyapp"


def _read(name: str) -> dict[str, Any]:
    return app_evidence(APPS / name).to_dict()


def _md5s(report: dict[str, Any], scheme: str) -> list[str]:
    found = next(s for s in report["schemes"] if s["scheme"] == scheme)
    return [report["certificates"][s["certificate"]]["md5"] for s in found["signers"]]


# -- real packages: the values an independent reader reports ----------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("golden-aligned-v1-out.apk", {"v1": [RSA_2048]}),
    ("golden-aligned-v2-out.apk", {"v2": [RSA_2048]}),
    ("golden-aligned-v1v2v3-out.apk", {"v1": [RSA_2048], "v2": [RSA_2048], "v3": [RSA_2048]}),
    ("golden-aligned-v1v2v3-lineage-out.apk", {"v1": [RSA_2048], "v2": [RSA_2048], "v3": [RSA_2048_2]}),
    ("v31-rsa-2048_2-tgt-33-1-tgt-28.apk", {"v1": [RSA_2048], "v2": [RSA_2048], "v3": [RSA_2048],
                                             "v3.1": [RSA_2048_2]}),
    ("original.apk", {"v1": [RSA_2048], "v2": [RSA_2048]}),
    ("v1-only-pkcs7-cert-bag-first-cert-not-used.apk", {"v1": [RSA_2048]}),
    ("v1-only-with-ecdsa-sha256-1.2.840.10045.4.3.2-p256.apk", {"v1": [EC_P256]}),
    ("v1-only-with-dsa-sha256-1.2.840.10040.4.1-2048.apk", {"v1": ["2D3B5A13AA9E960FF27250B04DC01130"]}),
    ("v2-only-with-ecdsa-sha256-p256.apk", {"v2": [EC_P256]}),
    ("v2-only-with-rsa-pss-sha256-2048.apk", {"v2": [RSA_2048]}),
])
def test_real_packages_give_what_androguard_and_openssl_give(name: str, expected: dict[str, list[str]]) -> None:
    report = _read(name)
    assert report["package"] == TINY and report["name"][""] == "Tiny App for CTS" and report["version"] == "1.0"
    assert [s["scheme"] for s in report["schemes"]] == list(expected)
    for scheme, md5s in expected.items():
        assert _md5s(report, scheme) == md5s, scheme
        assert next(s for s in report["schemes"] if s["scheme"] == scheme)["verified"] is True, scheme
    broken = ("evidence_signature_invalid", "evidence_digest_mismatch")
    assert not [w for w in report["warnings"] if w["code"] in broken]


def test_key_rotation_lineage_and_the_certificate_to_file() -> None:
    report = _read("golden-aligned-v1v2v3-lineage-out.apk")
    v3 = next(s for s in report["schemes"] if s["scheme"] == "v3")["signers"][0]
    assert [report["certificates"][i]["md5"] for i in v3["lineage"]] == [RSA_2048, RSA_2048_2]
    assert report["filing"]["signature_md5"] == RSA_2048_2  # the newest scheme's signer
    assert report["filing"]["fingerprint_kind"] == "md5" and report["filing"]["platform"] == "android"
    assert {w["code"] for w in report["warnings"]} == {"evidence_several_certificates"}
    v31 = _read("v31-rsa-2048_2-tgt-33-1-tgt-28.apk")
    v3_signer = next(s for s in v31["schemes"] if s["scheme"] == "v3")["signers"][0]
    v31_signer = next(s for s in v31["schemes"] if s["scheme"] == "v3.1")["signers"][0]
    # v3 covers the older SDKs and v3.1 (the rotated key) the newer, one range after the other
    assert v3_signer["max_sdk"] == v31_signer["min_sdk"] and v31_signer["max_sdk"] == 0x7FFFFFFF
    assert v31["filing"]["signature_md5"] == RSA_2048_2


@pytest.mark.parametrize(("name", "code"), [
    ("v1-only-with-signed-attrs-wrong-signature.apk", "evidence_signature_invalid"),
    ("v2-only-with-rsa-pkcs1-sha256-2048-sig-does-not-verify.apk", "evidence_signature_invalid"),
    ("v2-only-with-rsa-pkcs1-sha512-4096-digest-mismatch.apk", "evidence_digest_mismatch"),
    ("v2-only-cert-and-public-key-mismatch.apk", "evidence_key_mismatch"),
])
def test_tampered_packages_are_said_to_be(name: str, code: str) -> None:
    report = _read(name)
    assert code in {w["code"] for w in report["warnings"]}
    assert any(s["verified"] is False for s in report["schemes"])


@pytest.mark.parametrize("name", ["v2-only-apk-sig-block-size-mismatch.apk", "v2-only-truncated-cd.apk"])
def test_malformed_packages_are_clear_errors(name: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        app_evidence(APPS / name)
    assert caught.value.code.startswith("evidence_") and str(caught.value)


def test_certificate_files_give_every_form_of_the_key() -> None:
    report = _read("rsa-2048.x509.pem")
    cert = report["certificates"][0]
    assert cert["md5"] == RSA_2048 and cert["key"]["type"] == "rsa" and cert["key"]["bits"] == 2048
    assert int(cert["key"]["modulus_hex"], 16) == int(cert["key"]["modulus_decimal"])
    assert icprules.identifiers.public_key.canonical(cert["key"]["spki_base64"]) == cert["key"]["modulus_hex"]
    ec = _read("ec-p256.x509.pem")["certificates"][0]
    assert ec["key"]["type"] == "ec" and ec["key"]["canonical"].startswith("04") and ec["md5"] == EC_P256
    der = app_evidence((APPS / "rsa-2048.x509.pem").read_bytes(), name="cert.pem").to_dict()
    assert der["certificates"][0]["sha256"] == cert["sha256"]


def test_a_p7b_bundle_and_its_leaf(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

    root = apkbuild.signer("Example Root CA")
    leaf = apkbuild.signer("Example App Signing", issuer=root)
    bundle = pkcs7.serialize_certificates([root.cert, leaf.cert], Encoding.DER)
    report = app_evidence(bundle, name="chain.p7b").to_dict()
    assert len(report["certificates"]) == 2
    assert report["filing"]["signature_md5"] == next(c["md5"] for c in report["certificates"]
                                                     if c["subject"] == "CN=Example App Signing")


# -- built packages: what no public fixture holds ---------------------------------------------------

def test_a_debug_certificate_and_an_expired_one_are_warned() -> None:
    debug = app_evidence(apkbuild.apk(signer_=apkbuild.signer("Android Debug")), name="debug.apk").to_dict()
    assert "evidence_debug_certificate" in {w["code"] for w in debug["warnings"]}
    old = apkbuild.signer("Old", days=30)
    expired = app_evidence(apkbuild.apk(signer_=old), name="old.apk", today=icprules.api._as_date("2026-11-24"))
    assert "evidence_expired" in {w["code"] for w in expired.to_dict()["warnings"]}


def test_built_apks_verify_and_tampering_is_seen() -> None:
    good = app_evidence(apkbuild.apk(signer_=apkbuild.signer(kind="ec")), name="ec.apk").to_dict()
    assert good["schemes"][0]["verified"] is True and good["schemes"][0]["digests"] == "match"
    assert good["filing"]["public_key"].startswith("04") and good["name"] == {"": "示例记账"}
    for tamper, code in (("signature", "evidence_signature_invalid"), ("digest", "evidence_digest_mismatch")):
        report = app_evidence(apkbuild.apk(tamper=tamper), name=f"{tamper}.apk").to_dict()
        assert code in {w["code"] for w in report["warnings"]}
    unsigned = io.BytesIO()
    with zipfile.ZipFile(unsigned, "w") as z:
        z.writestr("AndroidManifest.xml", apkbuild.manifest("cn.example.ledger", "示例记账"))
    report = app_evidence(unsigned.getvalue(), name="unsigned.apk").to_dict()
    assert report["signed"] is False and report["filing"] is None
    assert "evidence_unsigned" in {w["code"] for w in report["warnings"]}


def test_v3_rotation_lineage_built_and_a_loop_in_it() -> None:
    old, new = apkbuild.signer("Old Key"), apkbuild.signer("New Key")
    report = app_evidence(apkbuild.apk(signer_=new, scheme="v3", rotation=[old, new]), name="r.apk").to_dict()
    signer = report["schemes"][0]["signers"][0]
    assert [report["certificates"][i]["subject"] for i in signer["lineage"]] == ["CN=Old Key", "CN=New Key"]
    looped = app_evidence(apkbuild.apk(signer_=new, scheme="v3", rotation=[old, new], rotation_loop=True),
                          name="loop.apk").to_dict()
    assert "evidence_lineage_loop" in {w["code"] for w in looped["warnings"]}


def test_ios_package_and_provisioning_profile() -> None:
    report = app_evidence(apkbuild.ipa(), name="Ledger.ipa").to_dict()
    assert (report["kind"], report["platform"], report["package"], report["name"][""]) == \
        ("ipa", "ios", "cn.example.ledger", "示例记账")
    assert report["filing"]["fingerprint_kind"] == "sha1"  # iOS files the certificate's SHA-1 (data/platforms.yaml)
    assert report["filing"]["bundle_id"] == "cn.example.ledger" and report["warnings"] == []
    development = app_evidence(apkbuild.ipa(development=True), name="dev.ipa").to_dict()
    assert "evidence_development_profile" in {w["code"] for w in development["warnings"]}
    self_signed = app_evidence(apkbuild.ipa(certs=[apkbuild.signer("iPhone Distribution: Somebody")]),
                               name="self.ipa").to_dict()
    assert "evidence_self_signed_ios" in {w["code"] for w in self_signed["warnings"]}
    profile = app_evidence(apkbuild.mobileprovision("cn.example.ledger", [apkbuild.apple_certificate()]),
                           name="x.mobileprovision").to_dict()
    assert profile["kind"] == "mobileprovision" and profile["package"] == "cn.example.ledger"
    no_profile = app_evidence(apkbuild.ipa(profile=False), name="np.ipa").to_dict()
    assert "evidence_no_profile" in {w["code"] for w in no_profile["warnings"]}


def test_harmonyos_hap_and_app_pack() -> None:
    report = app_evidence(apkbuild.hap(), name="entry.hap").to_dict()
    assert (report["kind"], report["platform"], report["package"]) == ("hap", "harmonyos", "cn.example.ledger")
    assert report["certificates"][0]["key"]["type"] == "ec" and report["profile"]["type"] == "release"
    assert report["name_reference"] == "$string:app_name"
    assert app_evidence(apkbuild.hap(profile_type="debug"), name="d.hap").to_dict()["warnings"][0]["code"] == \
        "evidence_debug_profile"
    root = apkbuild.signer("Huawei CBG Root", kind="ec")
    leaf = apkbuild.signer("Example HarmonyOS Release", kind="ec", issuer=root)
    chained = app_evidence(apkbuild.hap(signers=[leaf, root]), name="c.hap").to_dict()
    assert chained["filing"]["signature_md5"] == next(c["md5"] for c in chained["certificates"]
                                                      if "Release" in c["subject"])
    pack = io.BytesIO()
    with zipfile.ZipFile(pack, "w") as z:
        z.writestr("pack.info", json.dumps({"summary": {"app": {"bundleName": "cn.example.ledger",
                                                                  "version": {"name": "1.0.0", "code": 1}}}}))
        z.writestr("entry-default.hap", apkbuild.hap())
    app = app_evidence(pack.getvalue(), name="ledger.app").to_dict()
    assert app["kind"] == "app" and app["package"] == "cn.example.ledger" and app["filing"]["public_key"]


# -- hostile packages: bounded, clear, nothing written -------------------------------------------------

def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_a_zip_bomb_manifest_stops_at_the_cap() -> None:
    bomb = _zip({"AndroidManifest.xml": b"\0" * (64 * 1024 * 1024)})
    assert len(bomb) < 200_000
    tracemalloc.start()
    with pytest.raises(EvidenceError) as caught:
        app_evidence(bomb, name="bomb.apk")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert caught.value.code == "evidence_entry_too_large" and peak < 40 * 1024 * 1024


def test_entries_that_escape_and_duplicates_are_reported_never_written(tmp_path: Path) -> None:
    data = apkbuild.apk(extra={"../../evil.so": b"x", "/abs/path": b"y"})
    before = set(tmp_path.iterdir())
    report = app_evidence(data, name="escape.apk").to_dict()
    entries = {w["entry"] for w in report["warnings"] if w["code"] == "evidence_suspicious_entry"}
    assert {"../../evil.so", "/abs/path"} <= entries
    assert set(tmp_path.iterdir()) == before


@pytest.mark.parametrize("cut", [1, 8, 24, 100, 300])
def test_truncated_signing_blocks_are_errors_not_crashes(cut: int) -> None:
    good = apkbuild.apk()
    start = good.find(b"APK Sig Block 42")
    body_start = start - struct.unpack_from("<Q", good, start - 8)[0] + 16
    broken = bytearray(good)
    # Shrink one length field inside the block: every later read runs past its end.
    struct.pack_into("<I", broken, body_start + 4 + cut % 40, 0x7FFFFFF0)
    try:
        report = app_evidence(bytes(broken), name="t.apk").to_dict()
    except EvidenceError as exc:
        assert exc.code.startswith("evidence_")
    else:
        assert report["warnings"], "a damaged block is at least warned about"


def test_garbage_and_odd_inputs_are_clear_errors() -> None:
    for data in (b"", b"PK", b"PK\x03\x04" + b"\0" * 100, b"\x30\x82\x01", b"not a certificate",
                 _zip({"hello.txt": b"hi"}), _zip({"AndroidManifest.xml": b"\x03\x00\x08\x00\xff\xff\xff\xff"}),
                 _zip({"Payload/A.app/Info.plist": b"<plist><dict><key>a</key>"}),
                 _zip({"module.json": b"[1, 2"}), _zip({"pack.info": b"{}"})):
        try:
            app_evidence(data, name="odd.bin")
        except EvidenceError as exc:
            assert exc.code.startswith("evidence_")


def test_an_empty_upload_is_said_to_be_empty(tmp_path: Path) -> None:
    """An upload that did not arrive (0 bytes) was "certificate: error parsing asn1 value: ShortData"."""
    empty = tmp_path / "ledger.apk"
    empty.write_bytes(b"")
    for source, name in ((b"", "ledger.apk"), (empty, None), (b"", "dist.cer")):
        with pytest.raises(EvidenceError) as caught:
            app_evidence(source, name=name)
        assert caught.value.code == "evidence_empty" and "empty (0 bytes)" in str(caught.value)


def test_a_huge_package_is_read_in_parts_and_not_verified(tmp_path: Path) -> None:
    """A 3 GB sparse file that is a real signed APK: bounded time and memory, digests not recomputed."""
    good = apkbuild.apk()
    eocd = good.rfind(b"PK\x05\x06")
    cd_offset = struct.unpack_from("<I", good, eocd + 16)[0]
    block = good.find(b"APK Sig Block 42")
    block_start = block + 16 - struct.unpack_from("<Q", good, block - 8)[0] - 8
    head, tail = good[:block_start], good[block_start:]
    path = tmp_path / "huge.apk"
    with path.open("wb") as fh:  # the entries, a 3 GB hole, then the block, CD and EOCD (offsets fixed)
        fh.write(head)
        gap = 3 * 1024 ** 3
        fh.seek(len(head) + gap)
        fixed = bytearray(tail)
        new_cd = cd_offset + gap
        struct.pack_into("<I", fixed, eocd - block_start + 16, new_cd)
        fh.write(bytes(fixed))
    started = time.monotonic()
    tracemalloc.start()
    try:
        report = app_evidence(path).to_dict()
    except EvidenceError as exc:  # the zip's local offsets no longer match: refused, quickly
        report = {"error": exc.code}
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.monotonic() - started < 20 and peak < 64 * 1024 * 1024
    assert "error" not in report, report
    assert report["package"] == "cn.example.ledger"
    assert all("not checked" in s["digests"] for s in report["schemes"])


# -- the command line ------------------------------------------------------------------------------

class _Out(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_cli_text_json_and_errors(tmp_path: Path) -> None:
    out = _Out()
    assert main(["app-evidence", str(APPS / "golden-aligned-v1v2v3-lineage-out.apk"), "--lang", "zh"], stdout=out) == 0
    text = out.getvalue()
    assert "安卓安装包" in text and RSA_2048_2 in text and "签名指纹 (MD5)" in text
    out = _Out()
    assert main(["app-evidence", str(APPS / "rsa-2048.x509.pem"), "--format", "json"], stdout=out) == 0
    assert json.loads(out.getvalue())["certificates"][0]["md5"] == RSA_2048
    bad = tmp_path / "bad.apk"
    bad.write_bytes(b"PK\x03\x04 broken")
    out, err = _Out(), _Out()
    assert main(["app-evidence", str(bad), "--format", "json"], stdout=out, stderr=err) == 2
    assert json.loads(out.getvalue())["ok"] is False and "not zip" in err.getvalue()
