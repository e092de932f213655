"""Rule packs: schema validation with located errors, layering, data overrides, pickling."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import icprules
from conftest import run
from icprules.data import BUILTIN_DATA
from icprules.reading.yamlio import load_yaml
from icprules.resources import shipped
from icprules.ruleset.rule_schema import schema_text

SCHEMA_FILE = Path(str(shipped("schema"))) / "rule-file.schema.json"
ROOT = Path(__file__).resolve().parents[1]

GOOD_RULE = """\
format: icprules/rules/v1
pack: extra
rules:
  - id: extra.beijing-only
    severity: error
    assert: {fact: province, equals: BJ}
    path: entity.province
    message: {zh: 仅受理北京。, en: "Beijing only, not {value}."}
    source: {doc: nwcd-website-guide, section: "Third"}
"""


def _pack(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _load_error(tmp_path: Path, text: str) -> icprules.Problem:
    path = _pack(tmp_path, text)
    with pytest.raises(icprules.RuleFileError) as info:
        icprules.load_rules(path)
    problem = info.value.problems[0]
    assert problem.file == str(path), "a rule file error names the file"
    return problem


def test_committed_schema_matches_the_registry() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate with: icprules rule-schema > schema/rule-file.schema.json"
    )


def test_every_builtin_pack_validates_against_the_published_schema() -> None:
    import jsonschema
    import yaml

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    for path in sorted(Path(str(shipped("rules"))).glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_custom_pack_adds_a_rule(tmp_path: Path, website: dict[str, Any]) -> None:
    rules = icprules.load_rules(_pack(tmp_path, GOOD_RULE))
    assert "extra.beijing-only" in rules.ids
    assert run(website, rules=rules).by_rule("extra.beijing-only") == ()
    website["entity"]["province"] = "上海"
    (finding,) = run(website, rules=rules).by_rule("extra.beijing-only")
    assert finding.path == "entity.province" and finding.message["en"] == "Beijing only, not 上海."


def test_custom_pack_replaces_a_rule_by_id(tmp_path: Path, website: dict[str, Any]) -> None:
    text = GOOD_RULE.replace("extra.beijing-only", "eligibility.province-supported").replace(
        "severity: error", "severity: warning")
    rules = icprules.load_rules(_pack(tmp_path, text))
    assert rules.ids.count("eligibility.province-supported") == 1
    assert rules.rule("eligibility.province-supported").severity == "warning"


def test_custom_pack_disables_a_rule(tmp_path: Path, website: dict[str, Any]) -> None:
    text = "format: icprules/rules/v1\npack: relax\nrules: []\ndisable: [eligibility.no-personal-filing]\n"
    rules = icprules.load_rules(_pack(tmp_path, text))
    website["entity"]["nature"] = "individual"
    assert "eligibility.no-personal-filing" not in rules.ids
    assert run(website, rules=rules).by_rule("eligibility.no-personal-filing") == ()


def test_a_data_change_changes_the_outcome_without_code(tmp_path: Path, website: dict[str, Any]) -> None:
    """The proof that rules are data: Beijing becomes unsupported by editing a copy of a data file."""
    assert run(website).ok
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    original = (BUILTIN_DATA / "providers.yaml").read_text(encoding="utf-8")
    edited = original.replace("unsupported_provinces: [XZ, QH]", "unsupported_provinces: [XZ, QH, BJ]")
    assert edited != original
    (data_dir / "providers.yaml").write_text(edited, encoding="utf-8")
    report = run(website, rules=icprules.load_rules(data=[data_dir]))
    assert [f.rule for f in report.errors] == ["eligibility.province-supported"]


def test_committed_pack_digests_are_current() -> None:
    from icprules.ruleset.loading import VALIDATED, validated_digests

    committed = json.loads(VALIDATED.read_text(encoding="utf-8"))
    assert committed == validated_digests(), (
        "the shipped packs or the rule-file schema changed; once the test above passes, regenerate with: "
        "icprules rule-schema --digests > schema/validated-packs.json"
    )


def test_a_shipped_pack_changed_in_place_is_validated_again() -> None:
    from icprules.ruleset.loading import BUILTIN_RULES
    from icprules.validation import RULE_FILE_SCHEMA, data_schema_name, validated_before

    raw = (BUILTIN_RULES / "people.yaml").read_bytes()
    assert validated_before("packs", "people.yaml", raw, RULE_FILE_SCHEMA)
    assert not validated_before("packs", "people.yaml", raw.replace(b"severity: error", b"severity: fatal", 1),
                                RULE_FILE_SCHEMA)
    assert not validated_before("packs", "new-pack.yaml", raw, RULE_FILE_SCHEMA), "only the shipped names are known"
    data = (BUILTIN_DATA / "limits.yaml").read_bytes()
    assert validated_before("data", "limits.yaml", data, data_schema_name("limits"))
    assert not validated_before("data", "limits.yaml", data + b"\n# edited\n", data_schema_name("limits"))


# --------------------------------------------------------------------------- data files and their schemas


def _data_override(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    original = (BUILTIN_DATA / f"{name}.yaml").read_text(encoding="utf-8")
    assert old in original, old
    (folder / f"{name}.yaml").write_text(original.replace(old, new, 1), encoding="utf-8")
    return folder


def test_every_data_file_has_a_published_schema_and_passes_it() -> None:
    from icprules.validation import data_schema_name, validate

    for path in sorted(Path(str(BUILTIN_DATA)).glob("*.yaml")):
        schema = Path(str(shipped("schema"))) / data_schema_name(path.stem)
        assert schema.is_file(), f"no schema for data/{path.name}"
        jsonschema.Draft202012Validator.check_schema(json.loads(schema.read_text(encoding="utf-8")))
        value, positions = load_yaml(path.read_text(encoding="utf-8"), str(path))
        validate(value, data_schema_name(path.stem), positions)  # raises with located problems


@pytest.mark.parametrize(("name", "old", "new", "expected"), [
    ("limits", "app_domain_max_level: 4", "app_domain_max_level: four", "limits.yaml:"),
    ("providers", "unsupported_provinces: [XZ, QH]", "unsupported_provinces: XZ", "unsupported_provinces"),
    ("banned_terms", "severity: error", "severity: fatal", "'fatal' is not one of"),
    ("timeline", "working_days: 20", "workingdays: 20", "workingdays"),
])
def test_a_wrong_data_value_is_a_located_load_error(tmp_path: Path, name: str, old: str, new: str,
                                                    expected: str) -> None:
    folder = _data_override(tmp_path, name, old, new)
    with pytest.raises(icprules.RuleFileError) as info:
        icprules.load_rules(data=[folder])
    text = str(info.value)
    assert f"{name}.yaml:" in text and expected in text
    assert re.search(rf"{name}\.yaml:\d+:\d+", text), "the error names the line"


def test_text_cut_at_an_unquoted_comma_is_a_load_error(tmp_path: Path) -> None:
    # {name_en: radio, film and TV programmes} read as name_en "radio" and a key "film and TV programmes".
    folder = _data_override(tmp_path, "app_vocabularies", 'name_en: "radio, film and TV programmes"',
                            "name_en: radio, film and TV programmes")
    with pytest.raises(icprules.RuleFileError, match=r"app_vocabularies.yaml:\d+:\d+.*unquoted comma"):
        icprules.load_rules(data=[folder])


def test_no_shipped_text_was_cut_at_a_comma() -> None:
    value = icprules.default_rules().data.resolve("app_vocabularies.pre_approval_categories.radio_film_tv")
    assert value["name_en"] == "radio, film and TV programmes"


def test_a_data_file_that_matches_no_data_name_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "banned_term.yaml").write_text("meta: {source: x, as_of: 2026-01-01}\n", encoding="utf-8")
    with pytest.raises(icprules.RuleFileError, match="no data file is called 'banned_term'"):
        icprules.load_rules(data=[folder])


def test_checking_with_the_builtin_rules_does_not_import_jsonschema() -> None:
    # The cold start of `icprules check` depends on it (bench/README.md).
    code = ("import sys, icprules; icprules.check('examples/website-application.yaml', today='2026-11-23'); "
            "print('jsonschema' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", done.stderr


def test_rule_set_pickles_and_gives_the_same_findings(website: dict[str, Any]) -> None:
    rules = icprules.default_rules()
    clone = pickle.loads(pickle.dumps(rules))
    website["entity"]["province"] = "XZ"
    website["entity"]["nature"] = "individual"
    assert run(website, rules=clone).findings == run(website, rules=rules).findings
    assert run(website, rules=clone).findings


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD_RULE.replace("severity: error", "severity: fatal"), 5, "'fatal' is not one of"),
        (GOOD_RULE.replace("    path: entity.province\n", "    path: entity.province\n    colour: red\n"), 4,
         "'colour'"),
        (GOOD_RULE.replace("{fact: province, equals: BJ}", "{fact: province, equal: BJ}"), 6, "'equal'"),
        (GOOD_RULE.replace("{fact: province, equals: BJ}", "{check: no_such_check}"), 6, "no_such_check"),
        (GOOD_RULE.replace("{fact: province, equals: BJ}", "{field: name, in: {data: providers.nope}}"), 6,
         "has no key 'nope'"),
        (GOOD_RULE.replace("{fact: province, equals: BJ}", "{fact: planet, equals: BJ}"), 6,
         "unknown fact 'planet'"),
        (GOOD_RULE.replace("{fact: province, equals: BJ}", "{field: name, matches: '(['}"), 6,
         "bad regular expression"),
        (GOOD_RULE.replace("doc: nwcd-website-guide", "doc: hearsay"), 9, "unknown source document 'hearsay'"),
        (GOOD_RULE.replace("    severity: error\n", "    severity: error\n    severity: info\n"), 6,
         "duplicate key 'severity'"),
        (GOOD_RULE.replace("extra.beijing-only", "Beijing Only"), 4, "does not match"),
        (GOOD_RULE.replace("path: entity.province", "path: 'entity..province'"), 7, "bad field path"),
        (GOOD_RULE + "  - id: [unclosed\n", 11, "flow sequence that starts at line 10"),
    ],
    ids=["severity", "unknown-key", "unknown-operator", "unknown-check", "unknown-data", "unknown-fact",
         "bad-regex", "unknown-source", "duplicate-key", "bad-id", "bad-path", "bad-yaml"],
)
def test_broken_rule_file_names_file_line_and_problem(tmp_path: Path, text: str, line: int, words: str) -> None:
    problem = _load_error(tmp_path, text)
    assert words in problem.message, problem.message
    assert problem.line == line, str(problem)


def test_broken_data_file_is_a_rule_file_error(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "providers.yaml").write_text("providers: {}\n", encoding="utf-8")
    with pytest.raises(icprules.RuleFileError, match="'meta' is a required property"):
        icprules.load_rules(data=[data_dir])


def test_fact_cycle_is_reported(tmp_path: Path) -> None:
    text = """\
    format: icprules/rules/v1
    pack: cyc
    facts:
      a: {value: {fact: b}}
      b: {value: {fact: a}}
    rules: []
    """
    problem = _load_error(tmp_path, text)
    assert "cycle" in problem.message


def test_rule_packs_cannot_run_code(tmp_path: Path) -> None:
    text = GOOD_RULE.replace("    path: entity.province\n", "    path: !!python/object/apply:os.system [echo hi]\n")
    problem = _load_error(tmp_path, text)
    assert "not allowed" in problem.message and problem.line == 7
    scalar = GOOD_RULE.replace("    path: entity.province\n", "    path: !!python/name:os.system ''\n")
    assert "not valid YAML" in _load_error(tmp_path, scalar).message


def test_message_placeholders_do_not_reach_python_attributes(tmp_path: Path, website: dict[str, Any]) -> None:
    text = GOOD_RULE.replace('"Beijing only, not {value}."', '"{value.__class__} {path.upper}"')
    website["entity"]["province"] = "SH"
    (finding,) = run(website, rules=icprules.load_rules(_pack(tmp_path, text))).by_rule("extra.beijing-only")
    assert finding.message["en"] == "{value.__class__} {path.upper}"


def test_folder_of_packs_loads_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    _pack(folder, GOOD_RULE, "a.yaml")
    _pack(folder, GOOD_RULE.replace("severity: error", "severity: info"), "b.yaml")
    assert icprules.load_rules(folder).rule("extra.beijing-only").severity == "info"


def test_rules_data_and_schemas_sit_at_the_top_of_the_repository() -> None:
    # The rule packs are the product: rule authors find them beside src/, not inside it.
    root = Path(__file__).resolve().parents[1]
    assert Path(str(shipped("rules"))) == root / "rules"
    assert (root / "data" / "provinces.yaml").is_file() and (root / "data" / "banned_terms.yaml").is_file()
    assert not (root / "src" / "icprules" / "rules").exists()


@pytest.mark.parametrize(("key", "typo"), [("operations", "chnage_ip"), ("services", "webiste"), ("providers", "nwdc")])
def test_a_misspelt_scope_is_a_load_error_not_a_dead_rule(tmp_path: Path, key: str, typo: str) -> None:
    text = GOOD_RULE.replace("    severity: error\n", f"    severity: error\n    applies_to: {{{key}: [{typo}]}}\n")
    assert typo in text
    with pytest.raises(icprules.RuleFileError, match=rf"applies_to.{key}: unknown value '{typo}'") as info:
        icprules.load_rules(_pack(tmp_path, text))
    assert re.search(r"\.yaml:\d+:\d+", str(info.value))


def test_a_correct_scope_loads(tmp_path: Path) -> None:
    scoped = "    severity: error\n    applies_to: {operations: [new, change_ip]}\n"
    text = GOOD_RULE.replace("    severity: error\n", scoped)
    assert icprules.load_rules(_pack(tmp_path, text)).rule("extra.beijing-only").operations == {"new", "change_ip"}


def test_a_rule_id_used_twice_in_one_pack_is_an_error(tmp_path: Path) -> None:
    rule = GOOD_RULE.split("rules:\n", 1)[1]
    with pytest.raises(icprules.RuleFileError, match=r"'extra\.beijing-only' is used twice in this pack"):
        icprules.load_rules(_pack(tmp_path, GOOD_RULE + rule))
