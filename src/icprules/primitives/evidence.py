"""A platform's filed values against the package itself (``package_file``: .apk, .ipa, .hap, .app)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..context import Env
from ..identifiers import public_key
from ..paths import get
from ..registry import check, why
from .app import normalise_hex
from .files import resolve_inside

if TYPE_CHECKING:
    from ..evidence import Evidence


def _evidence(value: Any, env: Env) -> Evidence | dict[str, Any]:
    """The package's evidence, read once per document and path (the reader is imported when first needed)."""
    from ..evidence import EvidenceError, app_evidence

    if not isinstance(value, str):
        return why("not_a_path")
    key = ("app_package", value)
    if key in env.cache:
        found: Evidence | dict[str, Any] = env.cache[key]
        return found
    path = resolve_inside(value, env.base_dir)
    if isinstance(path, dict):
        found = path
    else:
        try:
            found = app_evidence(path, name=value, today=env.today)
        except EvidenceError as exc:
            found = why("package_unreadable", detail=str(exc)[:160])
    env.cache[key] = found
    return found


@check("app_package", doc={"zh": "安装包可读（.apk、.ipa、.hap、.app），并从中读出包名和签名证书",
                           "en": "the package (.apk, .ipa, .hap, .app) is readable, with its package name and "
                                 "signing certificate"})
def _app_package(value: Any, _params: Any, env: Env) -> Any:
    found = _evidence(value, env)
    return (True, {}) if not isinstance(found, dict) else (False, found)


_WHAT = ("platform", "id", "public_key", "fingerprint", "name", "no_warning")


@check(
    "package_matches",
    params={"type": "object", "required": ["what"], "additionalProperties": False,
            "properties": {"what": {"enum": list(_WHAT)},
                           "platforms": {"type": "object", "description": "the platforms table (data)"},
                           "codes": {"type": "array", "items": {"type": "string"},
                                     "description": "with no_warning: the evidence warnings that fail"}}},
    doc={"zh": "平台填写的值与安装包中读出的一致（平台、包名、公钥、签名指纹、APP名称）；或安装包没有给定的问题"
               "（未签名或被改动、调试证书等）",
         "en": "the platform's filed value equals what its package holds (platform, package name, public key, "
               "fingerprint, APP name); or the package has none of the given evidence warnings (unsigned or "
               "tampered, signed for debugging...)"},
)
def _package_matches(value: Any, params: Any, env: Env) -> Any:
    if not isinstance(value, dict):
        return True
    found = _evidence(value.get("package_file"), env)
    if isinstance(found, dict):
        return True  # unreadable: app.package-file-readable says so
    what = params["what"]
    row = (params.get("platforms") or {}).get(value.get("os"), {}) if isinstance(value.get("os"), str) else {}
    cert = found.filing_certificate
    if what == "platform":
        return found.platform in (None, value.get("os")), {"found": found.platform or "", "kind": found.kind}
    if what == "id":
        field = row.get("id_field", "bundle_id" if value.get("os") == "ios" else "package")
        filed = value.get(field)
        if not isinstance(filed, str) or not filed.strip() or not found.package:
            return True
        return filed.strip() == found.package, {"found": found.package, "field": field}
    if what == "public_key":
        filed = value.get("public_key")
        keys = [c.public_key for c in found.certificates if c.public_key]
        if not keys:
            return True
        expected = {"expected": cert.public_key if cert and cert.public_key else keys[0]}
        if not isinstance(filed, str) or not filed.strip():
            return False, expected
        try:
            return public_key.canonical(filed) in keys, expected
        except public_key.ValidationError:
            return True  # the format rule's finding
    if what == "fingerprint":
        filed = value.get("signature_md5")
        kinds = row.get("fingerprints") or ["md5"]
        if cert is None:
            return True
        expected = {"expected": getattr(cert, kinds[0]), "kind": kinds[0].upper().replace("SHA", "SHA-")}
        if not isinstance(filed, str) or not filed.strip():
            return False, expected
        given = normalise_hex(filed)
        return any(given in (c.md5, c.sha1, c.sha256) for c in found.certificates), expected
    if what == "name":
        # The service the platform belongs to: the first two steps of any path inside one (services[i]),
        # as the checklist scopes a material; not "two steps up", which held only for services[i].platforms[j].
        service = get(env.root, tuple(env.item_path[:2])) if len(env.item_path) >= 2 else None
        name = service.get("name") if isinstance(service, dict) else None
        labels = [v for v in found.labels.values() if v]
        if not isinstance(name, str) or not name.strip() or not labels:
            return True
        return name.strip() in [v.strip() for v in labels], {"found": "、".join(dict.fromkeys(labels))}
    # no_warning: none of the given evidence warnings (unsigned or tampered; signed for debugging...)
    codes = set(params.get("codes") or ())
    bad = [w for w in found.warnings if w["code"] in codes]
    if not bad:
        return True
    return False, why(bad[0]["code"], **{"scheme": "", **{k: v for k, v in bad[0].items() if k != "code"}})
