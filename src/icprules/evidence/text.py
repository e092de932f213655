"""An evidence report as text, in Chinese or English (labels from data/ui.yaml)."""

from __future__ import annotations

from typing import Any

from ..data import DataStore, builtin


def render(report: dict[str, Any], lang: str = "en", store: DataStore | None = None) -> str:
    """The text of ``Evidence.to_dict()``."""
    store = store or builtin()
    t = store.resolve("ui.evidence").get(lang) or store.resolve("ui.evidence")["en"]
    lines = [f"{report['file']}: {t.get('kind_' + report['kind'], report['kind'])}"]
    if report["package"]:
        lines.append(f"  {t['package']}: {report['package']}")
    if report["name"]:
        names = [f"{v} ({k})" if k else v for k, v in report["name"].items()]
        lines.append(f"  {t['name']}: {'; '.join(names[:6])}")
    elif report["name_reference"]:
        lines.append(f"  {t['name']}: {report['name_reference']}")
    if report["version"] or report["version_code"]:
        lines.append(f"  {t['version']}: {report['version'] or ''} ({report['version_code'] or ''})")
    if report["schemes"]:
        lines.append(f"  {t['schemes']}:")
        for scheme in report["schemes"]:
            state = {True: t["yes"], False: t["no"], None: t["unknown"]}[scheme["verified"]]
            certs = ", ".join(f"#{s['certificate'] + 1}" for s in scheme["signers"] if s.get("certificate") is not None)
            digests = scheme["digests"]
            if digests.startswith("not checked"):
                digests = t["not_checked"] + digests[len("not checked"):]
            digests = t.get(digests, digests)
            lines.append(f"    {scheme['scheme']}: {t['verified']} {state}; {t['digests']} {digests}; "
                         f"{t['certificate']} {certs or '-'}")
    elif report["kind"] in ("apk", "hap"):
        lines.append(f"  {t['schemes']}: {t['unsigned']}")
    for i, cert in enumerate(report["certificates"], 1):
        key = cert["key"]
        lines.append(f"  {t['certificate']} #{i}: {cert['subject']}"
                     + (f" ({t['self_signed']})" if cert["self_signed"] else ""))
        lines.append(f"    {t['issuer']}: {cert['issuer']}")
        lines.append(f"    {t['valid']}: {cert['valid_from'][:10]} - {cert['valid_until'][:10]}")
        lines.append(f"    {t['key']}: {key['type'].upper()} {key['bits']}")
        if key["type"] == "rsa":
            lines.append(f"    {t['modulus_hex']}: {key['modulus_hex']}")
            lines.append(f"    {t['modulus_decimal']}: {key['modulus_decimal']}")
        elif key["canonical"]:
            lines.append(f"    {t['ec_point']}: {key['canonical']}")
        lines.append(f"    {t['spki']}: {key['spki_base64']}")
        lines.append(f"    MD5: {cert['md5']}")
        lines.append(f"    SHA-1: {cert['sha1']}")
        lines.append(f"    SHA-256: {cert['sha256']}")
    filing = report.get("filing")
    if filing:
        id_field = "bundle_id" if "bundle_id" in filing else "package"
        kind = filing["fingerprint_kind"].upper().replace("SHA", "SHA-")
        lines.append(f"  {t['filing']} ({filing['platform'] or '-'}):")
        if filing.get(id_field):
            lines.append(f"    {t['package']}: {filing[id_field]}")
        lines.append(f"    {t['public_key']}: {filing['public_key']}")
        lines.append(f"    {t['fingerprint']} ({kind}): {filing['signature_md5']}")
    lines.append(f"  {t['warnings']}: " + (t["none"] if not report["warnings"] else ""))
    for warning in report["warnings"]:
        lines.append(f"    - {warning['message'][lang if lang in warning['message'] else 'en']}")
    return "\n".join(lines) + "\n"
