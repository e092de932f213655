"""The published input schema is one form builders accept as it is (#13.3).

It compiles under Ajv's strict mode (node, from the npm registry) and under jsonschema's 2020-12
meta-schema; choices are oneOf/const with titles; required fields, formats and patterns never
reject what the library accepts, and required comes from the rules themselves.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import numdb
from stdnum.cn import ric as stdnum_ric

import icprules
from conftest import EXAMPLES, TODAY, base
from icprules import paths
from icprules.identifiers import ric, uscc
from icprules.reading.input_schema import ANNOTATIONS

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "tests" / "js"
SCHEMA = icprules.application_schema()
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _errors(document: Any, schema: dict[str, Any] = SCHEMA) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_json(document)))


# -- Ajv, strict -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ajv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A function that runs Ajv on the schema and some documents (Ajv installed once per lock file)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        if os.environ.get("CI"):
            pytest.fail("node and npm are needed for the schema test (.ci/run installs them)")
        pytest.skip("node and npm are not installed")
    lock = (JS / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "icprules-tests" / \
        f"ajv-{hashlib.sha256(lock).hexdigest()[:16]}"
    if not (cache / "node_modules" / "ajv").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(JS / name, cache / name)
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=cache, check=True, timeout=600)
    shutil.copy(JS / "ajv-check.mjs", cache / "ajv-check.mjs")
    folder = tmp_path_factory.mktemp("ajv")

    def run(schema: dict[str, Any], *documents: Any) -> dict[str, Any]:
        files = []
        for i, doc in enumerate([schema, *documents]):
            files.append(folder / f"{i}.json")
            files[-1].write_text(json.dumps(_json(doc), ensure_ascii=False), encoding="utf-8")
        done = subprocess.run([node, str(cache / "ajv-check.mjs"), *map(str, files)], capture_output=True, text=True,
                              env={**os.environ, "ICPRULES_ANNOTATIONS": json.dumps(list(ANNOTATIONS))},
                              timeout=120, check=True)
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    yield run


def test_ajv_strict_compiles_the_schema_and_accepts_both_examples(ajv: Any) -> None:
    result = ajv(SCHEMA, base("website"), base("app"))
    assert result["compiled"], result.get("error")
    assert result["warnings"] == []
    assert [r["valid"] for r in result["results"]] == [True, True], result["results"]


def test_ajv_rejects_what_a_form_must_not_send(ajv: Any) -> None:
    broken = []
    for change in (
        lambda d: d["entity"].update(nature="company"),                     # not a choice
        lambda d: d["entity"].pop("name"),                                   # required for a new filing
        lambda d: d["entity"]["principal"]["id"].update(number="11010519491231002"),  # 17 characters
        lambda d: d["entity"]["principal"].update(email="zhangsan.example.cn"),
        lambda d: d["services"][0].update(ips=["52.83.10.300"]),
        lambda d: d["services"][0].update(type="forum"),
        lambda d: d["account"].update(aws_account_id="1234-5678-9012"),
    ):
        doc = base("website")
        change(doc)
        broken.append(doc)
    result = ajv(SCHEMA, *broken)
    assert [r["valid"] for r in result["results"]] == [False] * len(broken), result["results"]
    cancel = base("website")
    cancel.update(operation="cancel_entity", record_number="京ICP备04000001号")
    cancel["entity"].pop("name")
    assert ajv(SCHEMA, cancel)["results"][0]["valid"], "a cancellation does not need the entity's name"


def test_an_unknown_keyword_is_refused_by_ajv_strict(ajv: Any) -> None:
    """The strict run can fail: a keyword that is neither standard nor registered stops it."""
    bad = copy.deepcopy(SCHEMA)
    bad["properties"]["format"]["x-unknown"] = True
    result = ajv(bad)
    assert not result["compiled"] and "x-unknown" in result["error"]


# -- the 2020-12 meta-schema, and what a form builder reads ------------------------------------

def test_the_schema_is_valid_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert _errors(base("website")) == [] and _errors(base("app")) == []


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_choices_are_oneof_const_with_titles_and_no_openapi_keywords() -> None:
    choices = [n for n in _walk(SCHEMA) if "oneOf" in n and all("const" in o for o in n["oneOf"])]
    assert len(choices) >= 8
    for node in choices:
        for option in node["oneOf"]:
            assert option["title"] and set(option["x-title"]) == {"zh", "en"}, option
    keywords = {k for n in _walk(SCHEMA) for k in n if k.startswith("x-") or k in ("discriminator", "nullable")}
    assert keywords <= set(ANNOTATIONS), keywords - set(ANNOTATIONS)
    assert not [n for n in _walk(SCHEMA) if n.get("default", "") is None], "null defaults are for models, not forms"
    services = SCHEMA["properties"]["services"]["items"]
    assert {e["if"]["properties"]["type"]["const"] for e in services["allOf"] if "if" in e} == \
        {"website", "app", "mini_program", "quick_app"}


def test_formats_a_form_validates() -> None:
    person = SCHEMA["$defs"]["Person"]["properties"]
    assert person["email"]["format"] == "email"
    assert {o["format"] for o in SCHEMA["$defs"]["Website"]["properties"]["ips"]["items"]["anyOf"]} == {"ipv4", "ipv6"}
    valid_until = SCHEMA["$defs"]["PersonId"]["properties"]["valid_until"]["anyOf"]
    assert {"format": "date", "type": "string", "title": "日期 / Date"} in valid_until
    assert any(o.get("const") == "long_term" for o in valid_until)
    doc = base("website")
    doc["entity"]["principal"]["id"]["valid_until"] = "long_term"
    doc["services"][0]["ips"] = ["2400:7fc0:8000::1"]
    assert _errors(doc) == []
    doc["entity"]["principal"]["id"]["valid_until"] = "2030-02-30"
    assert _errors(doc) and "valid_until" in _errors(doc)[0]


# -- required comes from the rules, and never blocks what the library accepts -------------------

def _removals(doc: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield (*prefix, key)
            yield from _removals(value, (*prefix, key))
    elif isinstance(doc, list) and doc:
        yield from _removals(doc[0], (*prefix, 0))


@pytest.mark.parametrize("operation", ["new", "change_ip", "cancel_entity"])
@pytest.mark.parametrize("which", ["website", "app"])
def test_a_field_the_schema_requires_is_one_the_library_reports_missing(which: str, operation: str) -> None:
    original = base(which)
    original.update(operation=operation, record_number="京ICP备04000001号")
    for service in original["services"]:
        service["record_number"] = "京ICP备04000001号-1"
    required_somewhere = 0
    for path in _removals(original):
        doc = copy.deepcopy(original)
        _delete(doc, path)
        schema_says = [e for e in _errors(doc) if "required" in e or "non-empty" in e or "should be" in e]
        if not schema_says:
            continue
        required_somewhere += 1
        text = paths.format_path(path)
        try:
            report = icprules.check(doc, base_dir=EXAMPLES, today=TODAY)
        except icprules.DocumentError:
            continue  # the library cannot read it either (format, entity, a service's type)
        # A form sends the format line (the schema requires it); a document without one is read as v1
        # and the library asks for the line with a warning rather than refusing the filing.
        blocking = ("error", "warning") if text == "format" else ("error",)
        errors = [f.path for f in report.findings if f.severity in blocking]
        assert any(p == text or p.startswith((text + ".", text + "[")) for p in errors), (text, schema_says)
    assert required_somewhere >= {"new": 20, "change_ip": 5, "cancel_entity": 2}[operation]


def _delete(doc: Any, path: tuple[Any, ...]) -> None:
    target = doc
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]


def test_a_provider_pack_that_requires_a_field_makes_the_schema_require_it(tmp_path: Path) -> None:
    pack = tmp_path / "provider.yaml"
    pack.write_text("""
format: icprules/rules/v1
pack: example-provider
title: {zh: 示例接入商, en: Example provider}
rules:
  - id: example.account-company-required
    title: {zh: 须填写账号所属公司, en: The account's company is given}
    severity: error
    applies_to: {operations: [new]}
    assert: {exists: account.company_name}
    path: account.company_name
    message: {zh: 未填写账号所属公司。, en: The account's company is missing.}
    source: {doc: icp-facts, section: example}
""", encoding="utf-8")
    rules = icprules.load_rules(pack)
    schema = icprules.application_schema(rules)
    doc = base("website")
    del doc["account"]["company_name"]
    assert _errors(doc) == []
    assert any("company_name" in e for e in _errors(doc, schema))
    assert not any(f.rule == "example.account-company-required"
                   for f in icprules.check(base("website"), base_dir=EXAMPLES, today=TODAY, rules=rules).findings)


# -- patterns accept every valid number the library accepts -------------------------------------

def _division_codes() -> list[str]:
    """Real county-level division codes, from stdnum's own table (the whole country)."""
    table = numdb.get("cn/loc")
    codes = []
    for province in range(11, 66):
        for rest in ("0101", "0102", "0105", "0115", "0203", "0302", "0402", "0502", "0602", "2301", "2501", "2801"):
            code = f"{province}{rest}"
            parts = table.info(code)
            if len(parts) == 2 and parts[1][1].get("county"):
                codes.append(code)
    return codes


DIVISIONS = _division_codes()


@settings(max_examples=200, deadline=None)
@given(division=st.sampled_from(DIVISIONS), born=st.dates(min_value=TODAY.replace(year=1930),
                                                          max_value=TODAY.replace(year=2008)),
       serial=st.integers(0, 999))
def test_the_id_pattern_matches_every_valid_resident_id(division: str, born: Any, serial: int) -> None:
    body = f"{division}{born:%Y%m%d}{serial:03}"
    number = body + str(stdnum_ric.calc_check_digit(body + "0"))
    assert ric.is_valid(number)  # icprules' reading: stdnum refuses some real divisions (see identifiers.ric)
    doc = base("website")
    doc["entity"]["principal"]["id"]["number"] = number
    assert _errors(doc) == []


@settings(max_examples=200, deadline=None)
@given(division=st.sampled_from(DIVISIONS), kind=st.sampled_from(["91", "92", "93", "11", "12", "51", "52", "Y1"]),
       tail=st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9))
def test_the_uscc_pattern_matches_every_valid_code(division: str, kind: str, tail: str) -> None:
    body = kind + division + tail
    code = body + uscc.calc_check_digit(body)
    assert uscc.is_valid(code)
    doc = base("website")
    doc["entity"]["certificate"]["number"] = code
    assert _errors(doc) == []


def test_there_are_divisions_from_the_whole_country() -> None:
    assert len({d[:2] for d in DIVISIONS}) >= 30


def test_the_defaults_are_what_icprules_assumes_when_a_field_is_absent() -> None:
    """The operation and provider a form prefills are the ones a document without them is checked as
    (data/selectors.yaml), and follow the data."""
    props = SCHEMA["properties"]
    assert props["operation"]["default"] == "new" and props["provider"]["default"] == "nwcd"
    assert [n for n in _walk(SCHEMA) if "default" in n] == [props["operation"], props["provider"]]
    doc = base("website")
    del doc["operation"], doc["provider"]
    report = icprules.check(doc, today=TODAY, base_dir=EXAMPLES)
    assert (report.operation, report.provider) == (props["operation"]["default"], props["provider"]["default"])


def test_a_forms_first_guesses_are_examples_from_data_each_valid_for_its_field(tmp_path: Path) -> None:
    """The page starts a new document from the schema's examples (data/fields.yaml), which a form may
    prefill; each is a value its field accepts, and a data change changes them."""
    defs = SCHEMA["$defs"]
    assert defs["Entity"]["properties"]["nature"]["examples"] == ["enterprise"]
    assert defs["Website"]["properties"]["languages"]["examples"] == [["zh-Hans"]]
    found = [(name, prop, spec["examples"]) for name, model in defs.items()
             for prop, spec in model.get("properties", {}).items() if "examples" in spec]
    assert len(found) >= 8
    for name, prop, examples in found:
        field_schema = {"$schema": SCHEMA["$schema"], "$defs": defs, **defs[name]["properties"][prop]}
        for value in examples:
            jsonschema.validate(value, field_schema)
    # A document made of the first guesses has no finding about those fields' values.
    doc = base("website")
    doc["entity"]["nature"] = defs["Entity"]["properties"]["nature"]["examples"][0]
    doc["services"][0]["languages"] = defs["Website"]["properties"]["languages"]["examples"][0]
    report = icprules.check(doc, today=TODAY, base_dir=EXAMPLES)
    assert not [f for f in report.findings if f.path in ("entity.nature", "services[0].languages")]
    # Data, not code: an override of the data file changes the guess.
    overlay = tmp_path / "fields.yaml"
    shipped = (Path(__file__).parents[1] / "data" / "fields.yaml").read_text(encoding="utf-8")
    overlay.write_text(shipped.replace("Entity.nature: enterprise", "Entity.nature: individual"), encoding="utf-8")
    changed = icprules.application_schema(icprules.load_rules(data=[str(tmp_path)]))
    assert changed["$defs"]["Entity"]["properties"]["nature"]["examples"] == ["individual"]
