"""Every rule has a passing and a failing example, kept as data in tests/cases/*.yaml.

A case starts from a bundled example (`base: website|app`), applies `set`/`unset`
(and may build attachment files from recipes in `files`, see tests/imaging.py), and
says either `fails: [paths]` (exactly the paths where this rule must report) or
`passes: true` (this rule reports nothing). Other rules' findings are ignored, so a
case tests its own rule only.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import icprules
from conftest import EXAMPLES, base, run, set_path, unset_path
from imaging import build as build_file

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[dict[str, Any]]:
    cases = []
    for file in sorted(CASES_DIR.glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(file.read_text(encoding="utf-8")) or []):
            case["_id"] = f"{file.stem}:{i}:{case['rule']}"
            cases.append(case)
    return cases


CASES = _load_cases()


def build(case: dict[str, Any]) -> dict[str, Any]:
    doc = base(case.get("base", "website"))
    for path in case.get("unset", []):
        unset_path(doc, path)
    for path, value in (case.get("set") or {}).items():
        set_path(doc, path, value)
    return doc


@pytest.mark.parametrize("case", CASES, ids=[c["_id"] for c in CASES])
def test_case(case: dict[str, Any], tmp_path: Path) -> None:
    kwargs: dict[str, Any] = {"today": case["today"]} if "today" in case else {}
    if "as_of" in case:  # the day whose rules apply (dated rules: a case before and after the date)
        kwargs["as_of"] = case["as_of"]
    if "files" in case:  # the example's files, plus files built for this case
        shutil.copytree(EXAMPLES / "files", tmp_path / "files")
        for name, recipe in case["files"].items():
            build_file(tmp_path / name, recipe)
        kwargs["base_dir"] = tmp_path
    report = run(build(case), **kwargs)
    broken = [f"{f.rule}: {f.could_not_check}" for f in report.findings if f.could_not_check]
    assert broken == [], "a rule could not be checked (an exception inside a check)"
    got = sorted(f.path for f in report.by_rule(case["rule"]))
    if case.get("passes"):
        assert got == [], f"{case['rule']} should pass, reported at {got}"
    else:
        assert got == sorted(case["fails"]), [f.message["en"] for f in report.by_rule(case["rule"])]
        for f in report.by_rule(case["rule"]):
            assert f.message["zh"] and f.message["en"]
            assert "{" not in f.message["en"] and "{" not in f.message["zh"], "unfilled placeholder"


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    ids = icprules.default_rules().ids
    passing = {c["rule"] for c in CASES if c.get("passes")}
    failing = {c["rule"] for c in CASES if c.get("fails")}
    assert not (set(ids) - passing), f"rules without a passing case: {sorted(set(ids) - passing)}"
    assert not (set(ids) - failing), f"rules without a failing case: {sorted(set(ids) - failing)}"
    unknown = {c["rule"] for c in CASES} - set(ids)
    assert not unknown, f"cases for rules that do not exist: {sorted(unknown)}"


def test_bundled_examples_are_clean() -> None:
    """No error or warning; the info reminders (real-name check, EIP) are expected."""
    for name in ("website", "app"):
        report = run(base(name))
        loud = [f.to_dict() for f in report.findings if f.severity != "info"]
        assert loud == []
        assert {f.rule for f in report.findings} == {"service.domain-real-name", "service.ip-eip-or-elb"}
