"""Machine outputs: SARIF 2.1.0 (validated against the published schema) and JSON."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import icprules
from conftest import EXAMPLES
from icprules import encoding
from icprules.encoding import json_bytes, json_bytes_of, jsonable, writable
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


@dataclass(frozen=True)
class _Point:
    x: int


class _WithToDict:
    def to_dict(self) -> dict[str, Any]:
        return {"kind": "with to_dict", "when": dt.date(2026, 11, 24)}


_odd_leaves = st.one_of(
    _json_leaves, st.datetimes(), st.times(), st.builds(_Point, st.integers()), st.just(_WithToDict()),
    st.frozensets(st.text(max_size=3), max_size=3), st.sets(st.integers(), max_size=3))
_odd_values = st.recursive(_odd_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner),
    st.dictionaries(st.one_of(st.text(max_size=5), st.integers(), st.dates()), inner, max_size=4),
    st.dictionaries(st.text(max_size=5), inner, max_size=3).map(MappingProxyType)), max_leaves=20)


@settings(max_examples=1500, deadline=None)
@given(_odd_values)
def test_writing_a_value_as_it_is_gives_the_bytes_of_its_plain_copy(value: Any) -> None:
    """json_bytes_of (orjson asked to write a report's parts as they are, jsonable() asked about the
    rest) writes the bytes of json_bytes(jsonable(value)): dates, dataclasses, sets, mappings,
    objects with to_dict, keys that are not text, lone surrogates and big integers included."""
    assert json_bytes_of(value) == json_bytes(jsonable(value))


def test_a_reports_json_bytes_are_those_of_its_dict(tmp_path: Path) -> None:
    pytest.importorskip("orjson")
    rules = icprules.load_rules()
    for name in ("website-application.yaml", "app-application.yaml", "needs-work.yaml"):
        for reveal in (False, True):
            report = icprules.check(EXAMPLES / name, today=dt.date(2026, 11, 24), rules=rules, reveal_personal=reveal)
            assert report.to_json_bytes() == json_bytes(report.to_dict()), (name, reveal)
    # What produced a report is written once per rule set, and never stale: a caller may change it.
    report = icprules.check(EXAMPLES / "website-application.yaml", today=dt.date(2026, 11, 24), rules=rules)
    first = json.loads(report.to_json_bytes())
    report.produced_by["icprules"] = "changed by a caller"
    again = json.loads(report.to_json_bytes())
    assert again["produced_by"]["icprules"] == "changed by a caller" != first["produced_by"]["icprules"]
    assert report.to_json_bytes() == json_bytes(report.to_dict())


def test_without_orjson_a_reports_json_bytes_are_the_standard_librarys(monkeypatch: pytest.MonkeyPatch) -> None:
    report = icprules.check(EXAMPLES / "needs-work.yaml", today=dt.date(2026, 11, 24))
    expected = json_bytes(report.to_dict())
    monkeypatch.setattr(encoding, "_orjson", None)
    assert report.to_json_bytes() == expected
    assert json.loads(expected)["format"] == "icprules/report/v1"
