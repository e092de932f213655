"""Operations change only what they change.

A change of IP addresses or a cancellation goes through a portal entry that shows nothing else:
the applicant cannot fix a domain's TLD, an ID card's expiry or a name there, so rules about those
must not block it. Every shipped rule says which operations it checks; for each operation, a
document valid for it gets no error even when everything that operation does not touch is broken.
"""

from __future__ import annotations

from typing import Any

import pytest

import icprules
from conftest import base, run, set_path, unset_path

RULES = icprules.default_rules()
OPERATIONS = list(RULES.data.resolve("operations.operations"))

#: What an applicant fills in for each operation (besides the entity's basic identity).
VALID_FOR: dict[str, dict[str, Any]] = {
    "new": {},
    "change_entity": {"record_number": "京ICP备2019036842号", "services": []},
    "change_info": {"record_number": "京ICP备2019036842号"},
    "change_ip": {"record_number": "京ICP备2019036842号", "services[0].record_number": "京ICP备2019036842号-1",
                  "services[0].ips": ["52.82.10.20"]},
    "cancel_entity": {"record_number": "京ICP备2019036842号"},
    "cancel_service": {"record_number": "京ICP备2019036842号", "services[0].record_number": "京ICP备2019036842号-1"},
    "cancel_access": {"record_number": "京ICP备2019036842号", "services[0].record_number": "京ICP备2019036842号-1"},
}

#: Things broken on purpose, each with the operations that do touch it (and so must report it).
BROKEN: list[tuple[str, Any, set[str]]] = [
    ("services[0].domains", ["example.io", "256.0.0.0"], {"new", "change_info"}),
    ("services[0].name", "中国论坛", {"new", "change_info"}),
    ("services[0].languages", ["xx-nonsense"], {"new", "change_info"}),
    ("entity.principal.id.valid_until", "2020-01-01", {"new", "change_entity", "change_info"}),
    ("entity.principal.id.number", "110105194912310021", {"new", "change_entity", "change_info"}),
    ("entity.principal.phone", "12345", {"new", "change_entity", "change_info"}),
    ("entity.certificate.number", "91110105MA01C3UX2Q", {"new", "change_entity", "change_info"}),
    ("entity.attachments", None, {"new", "change_entity", "change_info"}),
]


def _document(operation: str, broken: tuple[str, Any, set[str]] | None = None) -> dict[str, Any]:
    doc = base("website")
    doc["operation"] = operation
    for path, value in VALID_FOR[operation].items():
        set_path(doc, path, value)
    if broken is not None and (operation != "change_entity" or not broken[0].startswith("services")):
        path, value, _ = broken
        if value is None:
            unset_path(doc, path)
        else:
            set_path(doc, path, value)
    return doc


def test_every_shipped_rule_and_material_says_which_operations_it_checks() -> None:
    unscoped = [r.id for r in RULES.rules if r.operations is None]
    unscoped += [m.id for m in RULES.materials if m.rule.operations is None]
    assert unscoped == []
    for rule in RULES.rules:
        assert rule.operations <= set(OPERATIONS), rule.id  # type: ignore[operator]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_document_valid_for_its_operation_has_no_error(operation: str) -> None:
    report = run(_document(operation))
    assert [(f.rule, f.path) for f in report.errors] == []


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("broken", BROKEN, ids=[b[0] for b in BROKEN])
def test_what_an_operation_does_not_touch_never_blocks_it(operation: str, broken: tuple[str, Any, set[str]]) -> None:
    report = run(_document(operation, broken))
    errors = [(f.rule, f.path) for f in report.errors]
    if operation in broken[2] and not (operation == "change_entity" and broken[0].startswith("services")):
        assert errors, f"{operation} touches {broken[0]}: breaking it must be reported"
    else:
        assert errors == [], f"{operation} does not touch {broken[0]}"
        for finding in report.errors:  # every error comes from a rule scoped to this operation
            assert operation in (RULES.rule(finding.rule).operations or set())


def test_an_absent_or_unknown_operation_is_checked_as_a_new_filing() -> None:
    doc = base("website")
    doc["services"][0]["domains"] = ["example.io"]
    for value in (None, "renew"):
        if value is None:
            doc.pop("operation", None)
        else:
            doc["operation"] = value
        rules = {f.rule for f in run(doc).errors}
        assert "service.domain-tld-approved" in rules
        assert {"document.operation-required", "document.operation-known"} & rules


def test_an_offline_app_is_said_to_need_no_filing_and_raises_no_domain_or_ip_error() -> None:
    doc = base("app")
    app = doc["services"][0]
    app["offline"] = True
    for key in ("domains", "ips", "attachments", "platforms"):
        app.pop(key, None)
    report = run(doc)
    assert [(f.rule, f.path) for f in report.errors] == []
    assert [f.path for f in report.by_rule("eligibility.offline-app")] == ["services[0].offline"]
    assert not [m for m in report.materials if m["scope"] == "services[0]" and m["required"]]
    app["offline"] = False  # the same APP online: its domains and IPs are missing
    assert {"service.domain-required", "service.ip-required"} <= {f.rule for f in run(doc).errors}
