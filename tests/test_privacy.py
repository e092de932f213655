"""Personal data is masked in every output by default, and shown only when asked."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import icprules
from conftest import EXAMPLES, TODAY, run
from icprules.identifiers import ric
from icprules.reading.document import read
from icprules.report import privacy
from test_cli import cli

ID = "11010519491231002X"
PHONE = "13800138000"


def _leaky(website: dict[str, Any]) -> dict[str, Any]:
    website["entity"]["principal"]["id"]["number"] = "110105 19491231 002x"  # findings show it back
    website["entity"]["principal"]["id"]["valid_until"] = "2020-01-01"  # expired: a finding on the person
    website["entity"]["principal"]["emergency_phone"] = "+86 138-0013-8000"
    website["entity"]["principal"]["email"] = "zhangsan.example.com"
    return website


SPELLINGS = [ID, "110105 19491231 002x", PHONE, "+86 138-0013-8000", "+8613800138000", "zhangsan.example.com"]


def test_report_masks_ids_phones_and_emails(website: dict[str, Any]) -> None:
    report = run(_leaky(website))
    text = report.to_json()
    assert report.findings and "138****8000" in text
    for spelling in SPELLINGS:
        assert spelling not in text, spelling
    assert "entity.principal.id.number" not in report.normalized  # never a masked value to submit


def test_reveal_personal_shows_them(website: dict[str, Any]) -> None:
    text = run(_leaky(website), reveal_personal=True).to_json()
    assert "+86 138-0013-8000" in text


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_cli_outputs_are_masked(tmp_path: Any, website: dict[str, Any], fmt: str) -> None:
    import yaml

    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(_leaky(website), allow_unicode=True), encoding="utf-8")
    (tmp_path / "files").symlink_to(EXAMPLES / "files")
    _, out, _ = cli("check", str(path), "--format", fmt)
    for spelling in SPELLINGS:
        assert spelling not in out, spelling
    _, out, _ = cli("explain", "person.emergency-phone-differs", str(path))
    assert PHONE not in out and "138****8000" in out
    _, out, _ = cli("check", str(path), "--format", fmt, "--show-personal")
    assert "+86 138-0013-8000" in out or "+86 138-0013-8000" in json.dumps(out)


def test_nothing_is_logged(website: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        run(_leaky(website))
        icprules.explain("person.emergency-phone-differs", _leaky(website), today="2026-11-23")
    assert not [r for r in caplog.records if r.name.startswith("icprules")]
    for spelling in SPELLINGS:
        assert spelling not in caplog.text


# --------------------------------------------------------------------------- round two: masked wherever it appears

ID, MOBILE, EMAIL = "11010519491231002X", "13912345678", "zhang.san@example.cn"


def _everywhere() -> dict[str, Any]:
    from conftest import base

    doc = base("website")
    principal = doc["entity"]["principal"]
    principal["mobile"] = MOBILE  # misspelt fields keep their value (a warning) and must be masked
    principal["id_number"] = ID
    doc["entity"]["name"] = f"北京示例科技有限公司（联系 {MOBILE}）"
    doc["entity"]["certificate"]["address"] = f"北京市朝阳区示例路1号 {EMAIL}"
    doc["services"][0]["name"] = f"示例{MOBILE}官网"
    doc["services"][0]["record_number"] = f"京ICP备2019036842号-{ID}"
    doc["attachments"] = {"confirmation_letter": f"files/{ID}.pdf"}
    doc["operation"] = MOBILE
    doc["entity"][MOBILE] = "x"  # as a key: the unknown-field finding's path says it
    doc["services"][0][EMAIL] = 1
    return doc


def test_personal_values_are_masked_wherever_they_are_written() -> None:
    from conftest import run

    report = run(_everywhere())
    text = report.to_json()
    for secret in (ID, MOBILE, EMAIL):
        assert secret not in text, secret
    assert "139****5678" in text  # where a finding quotes one, it shows masked
    revealed = run(_everywhere(), reveal_personal=True).to_json()
    assert MOBILE in revealed and ID in revealed  # only reveal_personal shows them


def test_every_output_and_error_message_masks_them(tmp_path: Path) -> None:
    import yaml

    from conftest import EXAMPLES
    from test_cli import cli

    doc = _everywhere()
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    __import__("shutil").copytree(EXAMPLES / "files", tmp_path / "files")
    for fmt in ("text", "json", "sarif"):
        _, out, _ = cli("check", str(path), "--format", fmt, "--today", "2026-11-23")
        assert MOBILE not in out and ID not in out and EMAIL not in out, fmt
    _, out, _ = cli("explain", "person.phone-format", str(path), "--today", "2026-11-23")
    assert MOBILE not in out and ID not in out
    for rule in ("document.unknown-field", "person.phone-format"):  # the items' paths hold the keys
        explained = json.dumps(icprules.explain(rule, doc, today="2026-11-23", base_dir=EXAMPLES).to_dict(),
                               ensure_ascii=False)
        assert MOBILE not in explained and EMAIL not in explained and ID not in explained, rule
    broken = tmp_path / "broken.yaml"
    broken.write_text(f"format: icprules/application/v1\nentity: [{MOBILE}, {ID}\n", encoding="utf-8")
    with pytest.raises(icprules.DocumentError) as info:
        icprules.check(broken)
    assert MOBILE not in str(info.value) and ID not in str(info.value)
    bad_key = tmp_path / "key.yaml"
    bad_key.write_text(f"format: icprules/application/v1\nentity: {{name: x}}\nservices: {ID}\n", encoding="utf-8")
    with pytest.raises(icprules.DocumentError) as shape:
        icprules.check(bad_key)
    assert ID not in str(shape.value)


def test_a_data_override_cannot_turn_masking_off(tmp_path: Path) -> None:
    from conftest import base, run
    from icprules.data import BUILTIN_DATA

    folder = tmp_path / "data"
    folder.mkdir()
    text = (Path(str(BUILTIN_DATA)) / "privacy.yaml").read_text(encoding="utf-8")
    head = text.split("personal:")[0]
    # An override that names only e-mail fields: ID numbers and phones are still recognised and masked.
    only_email = "personal:\n  - {each: entity.principal.email, kind: email}\n"
    (folder / "privacy.yaml").write_text(head + only_email + "masks:\n  id: {keep_start: 6, keep_end: 4}\n"
                                         "  phone: {keep_start: 3, keep_end: 4}\n  email: {keep_start: 1}\n",
                                         encoding="utf-8")
    doc = base("website")
    doc["entity"]["principal"]["phone"] = "1380013800"  # a wrong phone: its finding quotes it
    doc["entity"]["principal"]["id"]["number"] = "110105194912310021"  # a wrong ID: its finding quotes it
    report = run(doc, rules=icprules.load_rules(data=[folder]))
    assert ID not in report.to_json()
    good = base("website")
    good["services"][0]["name"] = f"示例{MOBILE}官网"
    assert MOBILE not in run(good, rules=icprules.load_rules(data=[folder])).to_json()


def test_a_masked_value_is_never_offered_as_the_value_to_submit() -> None:
    from conftest import base, run

    doc = base("website")
    doc["entity"]["principal"]["phone"] = "+86 138-0013-8000"
    assert run(doc, reveal_personal=True).normalized["entity.principal.phone"] == "13800138000"
    masked = run(doc)
    assert "entity.principal.phone" not in masked.normalized
    assert not any("*" in str(v) for v in masked.normalized.values())
    assert masked.withheld == ("entity.principal.phone",)  # left out, and said to be
    assert run(doc, reveal_personal=True).withheld == ()


def test_an_address_typed_with_a_chinese_input_method_is_given_half_width() -> None:
    """zhangsan＠example.com.cn (the full-width ＠ of a Chinese input method) was 'not well formed'."""
    from conftest import base, run

    doc = base("website")
    doc["entity"]["principal"]["email"] = " ｚｈａｎｇｓａｎ＠example．com.cn "
    revealed = run(doc, reveal_personal=True)
    assert not revealed.by_rule("person.email-format")
    assert revealed.normalized["entity.principal.email"] == "zhangsan@example.com.cn"
    assert run(doc).withheld == ("entity.principal.email",)  # personal: named, not shown


def test_a_value_typed_full_width_is_masked_in_its_half_width_canonical_form_too() -> None:
    """An ID number typed full-width (a Chinese input method) has its canonical form half-width: the
    masked report showed that form, the whole ID number, as it is."""
    from conftest import base, run

    doc = base("website")
    doc["entity"]["principal"]["id"]["number"] = "１１０１０５１９４９１２３１００２Ｘ"
    doc["entity"]["principal"]["phone"] = "１３８ ００１３ ８０００"
    doc["entity"]["principal"]["email"] = "ｚｈａｎｇｓａｎ＠example.com.cn"
    masked = run(doc)
    text = masked.to_json()
    for value in ("11010519491231002X", "１１０１０５１９４９１２３１００２Ｘ", "13800138000", "１３８", "zhangsan@",
                  "ｚｈａｎｇｓａｎ"):
        assert value not in text, value
    assert masked.withheld == ("entity.principal.email", "entity.principal.id.number", "entity.principal.phone")
    assert "110105********002X" in text  # masked as the half-width number is
    revealed = run(doc, reveal_personal=True)
    assert revealed.normalized["entity.principal.id.number"] == "11010519491231002X"


def test_a_canonical_form_left_out_is_named_in_every_output() -> None:
    """An APP written as one block (no "- ") with its person in it: its canonical form, the list of one,
    holds the person's ID and phone. The masked report left it out without a word."""
    from conftest import base, run
    from icprules.report import formats
    from icprules.report.privacy import Masker, mask_report

    doc = base("app")
    doc["services"] = doc["services"][0]
    doc["services"]["service_type"] = "应用"  # read as app, inside the list made
    revealed = run(doc, reveal_personal=True)
    assert list(revealed.normalized) == ["services"] and revealed.withheld == ()
    assert revealed.normalized["services"][0]["service_type"] == "app"
    masked = run(doc)
    assert masked.normalized == {} and masked.withheld == ("services",)
    assert masked.to_dict()["withheld"] == ["services"] and revealed.to_dict()["withheld"] == []
    text = formats.text(masked)
    assert "Canonical forms left out: they hold personal values" in text and "\n  services\n" in text
    assert "Canonical forms left out" not in formats.text(revealed)
    # A report made from its parts and masked afterwards says the same
    rules = icprules.default_rules()
    masker = Masker.for_document(icprules.read_document(doc).data, rules.data)
    remade = mask_report(icprules.Report(normalized=revealed.normalized), masker)
    assert remade.normalized == {} and remade.withheld == ("services",)
    # what holds nothing personal is given, not withheld
    plain = base("app")
    plain["services"][0]["service_type"] = "应用"
    assert run(plain).normalized == {"services[0].service_type": "app"} and run(plain).withheld == ()


def _recognised_whole_text(text: str) -> list[tuple[str, str]]:
    """The reference: each pattern run over the whole text (what privacy.recognised did before it ran
    them only inside candidate runs)."""
    found = [(m.group(1), "id") for m in privacy._ID.finditer(text) if ric.is_valid(m.group(1))]
    found += [(m.group(0), "phone") for m in privacy._MOBILE.finditer(text)]
    return found


_pieces = st.sampled_from(["110105194912310021", "11010519491231002x", "13800138000", "138 0013 8000", "138-0013-8000",
                           "+86 138 0013 8000", "8613800138000", "1", "0", "9", "X", "x", " ", "-", "\n", "a", "Z",
                           "@", "示", "(", "110105194912310022", "2138001380001"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(_pieces, st.text("0123456789 -Xxa\n", max_size=6)), max_size=12).map("".join))
def test_scanning_candidate_runs_finds_what_scanning_the_whole_text_finds(text: str) -> None:
    found = [f for f in privacy.recognised(text) if f[1] != "email"]
    assert found == _recognised_whole_text(text), text


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.text(), st.lists(st.one_of(_pieces, st.text(max_size=4)), max_size=8).map("".join)))
def test_the_quick_look_for_a_digit_or_an_at_sign_is_the_patterns(text: str) -> None:
    assert privacy.maybe_personal(text) == bool(re.search("[0-9@]", text)), text


def test_a_finding_or_material_with_nothing_personal_is_kept_as_it_is() -> None:
    """Masking copies only what it changes (and a changed message is wholly masked)."""
    report = icprules.check(EXAMPLES / "needs-work.yaml", today=TODAY, reveal_personal=True)
    data = read(EXAMPLES / "needs-work.yaml", base_dir=None).data
    masker = privacy.Masker.for_document(data, icprules.default_rules().data)
    masked = privacy.mask_part("findings", report.findings, masker)
    kept = [m is f for m, f in zip(masked, report.findings, strict=True)]
    assert any(kept) and not all(kept)
    for m, f in zip(masked, report.findings, strict=True):
        if m is not f:
            assert m.message != f.message or m.value != f.value
            assert all(masker.text(text) == text for text in m.message.values())
    materials = privacy.mask_part("materials", report.materials, masker)
    assert all(m is r or m["reason"] != r["reason"] for m, r in zip(materials, report.materials, strict=True))


def test_an_unexpected_error_quoting_a_personal_value_is_masked_wherever_the_report_says_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A library's error message may quote the value it choked on: a rule's, a material's and the
    verification path's could_not_check are masked like the rest of the report."""
    from conftest import base
    from icprules import evaluation, registry

    doc = base("website")
    phone = "13812345678"
    doc["entity"]["principal"]["phone"] = phone
    doc["services"][0]["categories"] = ["新闻资讯/综合资讯"]  # needs a pre-approval (a material)

    def quoting(value: Any, *_args: Any) -> Any:
        raise ValueError(f"cannot read {phone} here")

    for name in ("phone", "listed_in_parent"):
        real = registry.CHECKS[name]
        monkeypatch.setitem(registry.CHECKS, name, registry.Primitive(real.name, real.kind, quoting, real.params,
                                                                      real.doc, real.prepare))
    rules = icprules.load_rules()
    report = icprules.check(doc, today=TODAY, base_dir=EXAMPLES, rules=rules)
    real_compile = evaluation.compile_condition
    calls: list[Any] = []

    def first_one_quoting(condition: Any, **kwargs: Any) -> Any:
        calls.append(condition)
        if len(calls) > 1:
            return real_compile(condition, **kwargs)
        return lambda *_args: quoting(None)

    from icprules.ruleset.loading import on_day
    for ruleset in (rules, on_day(rules, TODAY)):
        ruleset.applicable.pop(("decision", "verification"), None)
    monkeypatch.setattr(evaluation, "compile_condition", first_one_quoting)
    text = report.to_json()
    assert any(f.could_not_check for f in report.findings)
    assert any(m.get("could_not_check") for m in report.materials)
    assert report.verification and report.verification.get("could_not_check")
    assert phone not in text and "138****5678" in text
    assert phone not in report.to_json_bytes().decode()
    revealed = icprules.check(doc, today=TODAY, base_dir=EXAMPLES, rules=rules, reveal_personal=True)
    assert any(phone in (f.could_not_check or "") for f in revealed.findings)


@pytest.mark.parametrize("junk", ["serv", "ices", "domains", "entity"])
def test_a_short_junk_value_in_a_personal_field_does_not_cut_the_paths(junk: str) -> None:
    """Found by hypothesis: "serv" as an ID number was masked inside every path, so
    services[0].domains[0] read ****ices[0].domains[0] and located nothing. A path's keys are
    masked only where they are personal; the personal keys of the 'everywhere' document still are."""
    from conftest import base, run

    doc = base("website")
    doc["entity"]["principal"]["id"]["number"] = junk
    report = run(doc)
    known = {f.path for f in run(base("website")).findings}
    assert known <= {f.path for f in report.findings}
    assert all("*" not in f.path for f in report.findings)
    masked = {f.path for f in run(_everywhere()).findings if f.rule == "document.unknown-field"}
    assert masked and not any(MOBILE in p or EMAIL in p for p in masked)
    assert any("139****5678" in p for p in masked)
