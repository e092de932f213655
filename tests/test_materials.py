"""The verification path and the materials checklist in the report, and `icprules materials`."""

from __future__ import annotations

import json
from typing import Any

import pytest

import icprules
from conftest import EXAMPLES, TODAY, base, run
from test_cli import cli


def _by_id(report: Any) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for m in report.materials:
        out.setdefault(m["id"], []).append(m)
    return out


def test_electronic_when_licence_and_id_cards(website: dict[str, Any]) -> None:
    report = run(website)
    assert report.verification["result"] == "electronic"
    assert "business licence" in report.verification["reason"]["en"]
    assert report.verification["source"][0]["doc"] == "nwcd-website-guide"


def test_manual_when_the_entity_certificate_is_not_a_licence(website: dict[str, Any]) -> None:
    website["entity"]["nature"] = "government"
    website["entity"]["certificate"]["type"] = "uscc_certificate"
    verification = run(website).verification
    assert verification["result"] == "manual"
    assert "uscc_certificate" in verification["reason"]["en"]


def test_manual_when_any_person_has_another_document(app: dict[str, Any]) -> None:
    app["services"][0]["principal"]["id"]["type"] = "passport"
    assert run(app).verification["result"] == "manual"


def test_checklist_of_the_website_example(website: dict[str, Any]) -> None:
    materials = _by_id(run(website))
    assert set(materials) == {"entity_certificate", "entity_principal_id", "service_principal_photo",
                              "authenticity_form", "domain_auth_screenshot", "party_building_letter",
                              "domain_certificate"}
    photo = materials["service_principal_photo"][0]
    assert photo["via_verification"] and not photo["required"] and photo["scope"] == "services[0]"
    cert = materials["entity_certificate"][0]
    assert cert == {**cert, "scope": "entity", "path": "entity.attachments.entity_certificate", "required": True,
                    "provided": True, "level": "required", "spec": "entity_certificate"}
    assert materials["party_building_letter"][0]["level"] == "info"


def test_checklist_follows_the_conditions(app: dict[str, Any]) -> None:
    ids = _by_id(run(app))
    assert {"authorization_letter", "commitment_letter", "app_icon", "service_principal_id"} <= set(ids)
    app["entity"]["province"] = "BJ"  # no commitment letter outside SH, NX, SX, GD
    app["account"]["company_name"] = "另一家公司"  # but now a confirmation letter
    ids = _by_id(run(app))
    assert "commitment_letter" not in ids
    assert ids["confirmation_letter"][0]["required"] and not ids["confirmation_letter"][0]["provided"]


def test_manual_path_requires_photo_and_form_per_service(website: dict[str, Any]) -> None:
    website["entity"]["principal"]["id"]["type"] = "passport"
    report = run(website)
    materials = _by_id(report)
    assert materials["service_principal_photo"][0]["required"]
    assert {f.path for f in report.errors} >= {"services[0].attachments.service_principal_photo",
                                               "services[0].attachments.authenticity_form"}


def test_one_pre_approval_entry_per_category_with_its_department(website: dict[str, Any]) -> None:
    website["services"][0]["categories"] = ["news", "online_games"]
    website["services"][0]["pre_approvals"] = [{"category": "news", "document": "files/authorization-letter.pdf"}]
    entries = _by_id(run(website))["pre_approval"]
    assert [(e["path"], e["provided"]) for e in entries] == [("services[0].categories[0]", True),
                                                              ("services[0].categories[1]", False)]
    assert "Cyberspace administration" in entries[0]["reason"]["en"]


def test_report_json_carries_verification_and_materials(app: dict[str, Any]) -> None:
    data = json.loads(run(app).to_json())
    assert data["verification"]["result"] == "electronic"
    assert {m["id"] for m in data["materials"]} >= {"app_icon", "commitment_letter"}


def test_materials_command() -> None:
    code, out, _ = cli("materials", str(EXAMPLES / "app-application.yaml"), "--today", "2026-11-23")
    assert code == 0
    assert "Verification: electronic" in out and "[x] APP icon  (services[0]: provided)" in out
    code, out, _ = cli("materials", str(EXAMPLES / "app-application.yaml"), "--lang", "zh", "--format", "json")
    assert code == 0 and json.loads(out)["verification"]["result"] == "electronic"


def test_a_named_file_with_an_error_is_not_shown_as_ready(website: dict[str, Any], tmp_path: Any) -> None:
    """The checklist said "[x] ... provided" beside "no such file" on the same attachment."""
    ok = _by_id(run(website))
    assert all("problems" not in m for ms in ok.values() for m in ms)  # the example's files are good
    missing = run(website, base_dir=tmp_path)  # the same document, none of its files where it says
    materials = _by_id(missing)
    cert, ids = materials["entity_certificate"][0], materials["entity_principal_id"][0]
    assert cert["provided"] and cert["problems"] == ["attachment.file-readable"]
    assert ids["problems"] == ["attachment.file-readable"]  # both sides of the card, one rule
    assert "problems" not in materials["party_building_letter"][0]  # not named: nothing to be wrong
    small = _memory_attachments(base("website"))
    small[website["entity"]["attachments"]["entity_certificate"]] = b"not an image"
    kinds = _by_id(run(website, attachments=small))
    assert "attachment.file-kind" in kinds["entity_certificate"][0]["problems"]
    assert "problems" not in kinds["entity_principal_id"][0]
    (tmp_path / "doc.yaml").write_text(json.dumps(website, ensure_ascii=False, default=str), encoding="utf-8")
    code, out, _ = cli("materials", str(tmp_path / "doc.yaml"), "--today", "2026-11-23")
    assert code == 0  # a checklist, not a check: it lists, whatever the findings
    assert "[!] Entity's certificate  (entity: named, but with errors: attachment.file-readable)" in out
    code, out, _ = cli("materials", str(EXAMPLES / "website-application.yaml"), "--today", "2026-11-23")
    assert code == 0 and "[!]" not in out and "[x] Entity's certificate  (entity: provided)" in out


def test_attachment_keys_in_data_match_the_materials_pack() -> None:
    import icprules

    rules = icprules.default_rules()
    keys = set(rules.data.resolve("attachment_specs.attachment_keys"))
    # a material's key is the last part of where it goes (Guangdong's letter goes where the commitment letter does)
    def key(material: Any) -> str:
        last = material.rule.path[-1] if material.rule.path else None
        return last if isinstance(last, str) and last else str(material.id)

    assert keys == {key(m) for m in rules.materials} | {"national_document"}


# --------------------------------------------------------------------------- attachments from memory (#13.2)


def _memory_attachments(doc: dict[str, Any]) -> dict[str, Any]:
    """Every attachment path of the document, read from the bundled files into bytes."""
    out: dict[str, Any] = {}
    names: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "attachments" and isinstance(v, dict):
                    for item in v.values():
                        names.update([item] if isinstance(item, str) else item)
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(doc)
    for name in names:
        out[name] = (EXAMPLES / name).read_bytes()
    return out


def test_attachments_from_memory_give_the_same_report_as_files_on_disk() -> None:
    import io

    from conftest import base

    for which in ("website", "app"):
        doc = base(which)
        files = _memory_attachments(doc)
        on_disk = run(doc).to_dict()
        from_bytes = run(doc, attachments=files).to_dict()
        as_objects = run(doc, attachments={k: io.BytesIO(v) for k, v in files.items()}).to_dict()
        assert from_bytes["findings"] == on_disk["findings"] == as_objects["findings"]
        assert from_bytes["materials"] == on_disk["materials"]


def test_an_attachment_from_memory_is_checked_like_a_file() -> None:
    from conftest import base

    doc = base("website")
    files = _memory_attachments(doc)
    files[doc["entity"]["attachments"]["entity_certificate"]] = b"not an image"
    assert run(doc, attachments=files).by_rule("attachment.file-kind")


@pytest.mark.parametrize("name", ["../escape.jpg", "/etc/passwd", "", "a/../../b.jpg"])
def test_an_attachment_name_cannot_leave_its_folder(name: str) -> None:
    from conftest import base

    with pytest.raises(icprules.DocumentError, match="not a relative path inside the folder"):
        run(base("website"), attachments={name: b"x"})


def test_a_material_whose_check_raises_is_listed_as_to_provide_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    """One material's unexpected error is that material's, not the checklist's (the checklist is worked
    out when first read, after check() returned): it is listed as to be provided, with the error."""
    import jsonschema

    from icprules import registry
    from icprules.report.schema import report_schema

    real = registry.CHECKS["listed_in_parent"]

    def broken(*_args: Any) -> Any:
        raise RuntimeError("a primitive's bug")

    monkeypatch.setitem(registry.CHECKS, "listed_in_parent",
                        registry.Primitive(real.name, real.kind, broken, real.params, real.doc, real.prepare))
    rules = icprules.load_rules()  # plans bind the primitives when built: a fresh rule set
    doc = base("website")
    doc["services"][0]["categories"] = ["新闻资讯/综合资讯"]  # needs a pre-approval
    report = icprules.check(doc, today=TODAY, base_dir=EXAMPLES, rules=rules)
    (entry,) = [m for m in report.materials if m["id"] == "pre_approval"]
    assert entry["provided"] is False and entry["could_not_check"] == "RuntimeError: a primitive's bug"
    others = [m for m in report.materials if m["id"] != "pre_approval"]
    assert others and all("could_not_check" not in m for m in others)
    jsonschema.validate(json.loads(report.to_json()), report_schema())


def test_a_verification_outcome_whose_condition_raises_is_passed_over_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """The verification path is worked out when first read, outside any rule's guard: an outcome whose
    condition raises is passed over, and the outcome chosen says so, rather than failing the report."""
    import jsonschema

    from icprules import evaluation
    from icprules.report.schema import report_schema
    from icprules.ruleset.loading import on_day

    rules = icprules.load_rules()
    report = icprules.check(base("website"), today=TODAY, base_dir=EXAMPLES, rules=rules)  # licence + ID card
    for ruleset in (rules, on_day(rules, TODAY)):
        ruleset.applicable.pop(("decision", "verification"), None)
    real = evaluation.compile_condition
    calls = []

    def first_one_broken(condition: Any, **kwargs: Any) -> Any:
        calls.append(condition)
        if len(calls) > 1:
            return real(condition, **kwargs)

        def broken(*_args: Any) -> Any:
            raise RuntimeError("a condition's bug")
        return broken

    monkeypatch.setattr(evaluation, "compile_condition", first_one_broken)
    verification = report.verification
    assert calls, "the decision was compiled when the part was read"
    assert verification["result"] == "electronic"
    assert verification["could_not_check"] == "manual: RuntimeError: a condition's bug"
    jsonschema.validate(json.loads(report.to_json()), report_schema())


def test_a_canonical_form_that_cannot_be_made_is_left_out_and_the_others_are_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from icprules import registry

    doc = base("website")
    doc["entity"]["principal"]["phone"] = "+86 138 0013 8000"
    doc["services"][0]["domains"] = ["EXAMPLE.cn"]
    rules = icprules.load_rules()
    before = icprules.check(doc, today=TODAY, base_dir=EXAMPLES, rules=rules, reveal_personal=True).normalized
    assert "entity.principal.phone" in before and "services[0].domains[0]" in before
    real = registry.TRANSFORMS["phone_national"]

    def broken(*_args: Any) -> Any:
        raise RuntimeError("a transform's bug")

    monkeypatch.setitem(registry.TRANSFORMS, "phone_national",
                        registry.Primitive(real.name, real.kind, broken, real.params, real.doc, real.prepare))
    after = icprules.check(doc, today=TODAY, base_dir=EXAMPLES, rules=icprules.load_rules(),
                           reveal_personal=True).normalized
    assert "entity.principal.phone" not in after
    assert after["services[0].domains[0]"] == before["services[0].domains[0]"]
