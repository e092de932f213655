"""Machine outputs: SARIF 2.1.0 (validated against the published schema) and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import icprules
from conftest import EXAMPLES
from icprules import encoding
from icprules.encoding import json_bytes, jsonable, writable
from icprules.report import formats
from test_cli import cli

SARIF_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, doc: dict[str, Any]) -> str:
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (tmp_path / "files").symlink_to(EXAMPLES / "files")
    return str(path)


def test_sarif_is_valid_and_has_one_result_per_finding(tmp_path: Path, website: dict[str, Any]) -> None:
    website["entity"]["province"] = "西藏"
    website["entity"]["principal"]["phone"] = "12345"
    file = _write(tmp_path, website)
    code, out, _ = cli("check", file, "--format", "sarif", "--today", "2026-11-23")
    log = json.loads(out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    code_json, out_json, _ = cli("check", file, "--format", "json", "--today", "2026-11-23")
    findings = json.loads(out_json)["findings"]
    (run,) = log["runs"]
    assert code == code_json == 1
    assert [r["ruleId"] for r in run["results"]] == [f["rule"] for f in findings]
    driver_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert driver_ids[result["ruleIndex"]] == result["ruleId"]
    province = next(r for r in run["results"] if r["ruleId"] == "eligibility.province-supported")
    assert province["level"] == "error"
    expected = 1 + Path(file).read_text(encoding="utf-8").splitlines().index("  province: 西藏")
    assert province["locations"][0]["physicalLocation"]["region"]["startLine"] == expected
    assert province["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "entity.province"


def test_sarif_of_a_clean_document_is_valid() -> None:
    code, out, _ = cli("check", str(EXAMPLES / "app-application.yaml"), "--format", "sarif", "--lang", "zh")
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(out))
    assert code == 0


def test_findings_carry_the_line_they_point_at() -> None:
    _, out, _ = cli("check", str(EXAMPLES / "website-application.yaml"), "--format", "json")
    lines = {f["path"]: f["line"] for f in json.loads(out)["findings"]}
    assert lines["services[0].domains[0]"] == 45


def test_reports_say_what_produced_them(tmp_path: Path) -> None:
    from conftest import EXAMPLES, base, run
    from icprules.data import BUILTIN_DATA

    plain = run(base("website")).to_dict()["produced_by"]
    assert plain["icprules"] and len(plain["rules_and_data_sha256"]) == 64 and plain["overlays"] == []
    assert {d["file"]: d["as_of"] for d in plain["data"]}["approved_tlds"]  # the snapshot's date
    assert plain["calendar"]["chinesecalendar"]
    folder = tmp_path / "data"
    folder.mkdir()
    text = (Path(str(BUILTIN_DATA)) / "limits.yaml").read_text(encoding="utf-8")
    (folder / "limits.yaml").write_text(text.replace("service_name_min_han: 3", "service_name_min_han: 4"),
                                        encoding="utf-8")
    overlaid = run(base("website"), rules=icprules.load_rules(data=[folder])).to_dict()["produced_by"]
    assert overlaid["overlays"] == [str(folder / "limits.yaml")]
    assert overlaid["rules_and_data_sha256"] != plain["rules_and_data_sha256"]
    report = run(base("website"))
    sarif = formats.sarif(report, icprules.default_rules())
    assert sarif["runs"][0]["properties"]["producedBy"]["rules_and_data_sha256"] == plain["rules_and_data_sha256"]
    assert EXAMPLES.is_dir()


_json_leaves = st.one_of(st.text(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70), st.floats(),
                         st.booleans(), st.none(), st.dates())
_json_values = st.recursive(_json_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), inner, max_size=4)),
    max_leaves=20)


def _no_floats(value: Any) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, dict):
        return all(_no_floats(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_floats(v) for v in value)
    return True


@settings(max_examples=1500, deadline=None)
@given(_json_values)
def test_report_json_bytes_are_the_standard_librarys(value: Any) -> None:
    """orjson (the serve extra) and the standard library write the same JSON for every value a report
    holds: lone surrogates escaped, big integers kept, NaN and infinities as null; the same bytes
    unless a float is in it (``1e16`` or ``1e+16``: the same number)."""
    plain = jsonable(value)
    standard = writable(json.dumps(plain, ensure_ascii=False, separators=(",", ":"), allow_nan=False)).encode()
    fast = json_bytes(plain)
    assert json.loads(fast) == json.loads(standard)
    if _no_floats(plain):
        assert fast == standard


def test_the_serve_extra_writes_report_json_with_orjson() -> None:
    pytest.importorskip("orjson")
    assert encoding._orjson is not None
    assert json_bytes({"a": "中国\ud800", "n": 2 ** 80}) == '{"a":"中国\\ud800","n":1208925819614629174706176}'.encode()
