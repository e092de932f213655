"""The icprules command: outputs and exit codes (0 ok, 1 errors, 2 unreadable)."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, base
from icprules.cli import main

WEBSITE = str(EXAMPLES / "website-application.yaml")


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _write(tmp_path: Path, doc: object, name: str = "doc.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    for f in (EXAMPLES / "files").iterdir():  # keep attachment paths resolvable
        (tmp_path / "files").mkdir(exist_ok=True)
        (tmp_path / "files" / f.name).write_bytes(f.read_bytes())
    return str(path)


def test_check_ok_text() -> None:
    code, out, err = cli("check", WEBSITE, "--today", "2026-11-23")
    assert code == 0 and err == ""
    assert out.startswith(f"{WEBSITE}: OK: no errors (0 errors")


def test_check_errors_exit_1_grouped_by_severity_with_paths(tmp_path: Path) -> None:
    doc = base("website")
    doc["entity"]["nature"] = "government"
    doc["entity"]["province"] = "西藏"
    code, out, _ = cli("check", _write(tmp_path, doc), "--today", "2026-11-23")
    assert code == 1
    assert out.index("ERROR (") < out.index("WARNING (")
    assert "entity.province  [eligibility.province-supported]" in out
    assert "source: NWCD website ICP Recordal application process, Third" in out


def test_check_json_and_chinese(tmp_path: Path) -> None:
    doc = base("website")
    doc["entity"]["nature"] = "individual"
    code, out, _ = cli("check", _write(tmp_path, doc), "--format", "json", "--today", "2026-11-23")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["format"] == "icprules/report/v1"
    assert "eligibility.no-personal-filing" in [f["rule"] for f in report["findings"]]
    assert set(report["findings"][0]["message"]) == {"zh", "en"}
    code, out, _ = cli("check", _write(tmp_path, doc), "--lang", "zh", "--today", "2026-11-23")
    assert "错误 (" in out and "西云数据暂不支持个人备案" in out


def test_unreadable_document_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: icprules/application/v1\nentity: [\n", encoding="utf-8")
    code, out, err = cli("check", str(bad))
    assert code == 2 and out == ""
    assert err.startswith("icprules: invalid application document: ") and "Traceback" not in err
    assert f"{bad}:3:1" in err
    code, _, err = cli("check", str(tmp_path / "missing.yaml"))
    assert code == 2 and "no such file" in err


def test_broken_rule_pack_exits_2(tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text("format: icprules/rules/v1\npack: p\nrules: [{id: x}]\n", encoding="utf-8")
    code, _, err = cli("check", WEBSITE, "--rules", str(pack))
    assert code == 2 and "invalid rule or data file" in err and str(pack) in err


def test_bad_today_is_a_usage_error() -> None:
    proc = subprocess.run([sys.executable, "-m", "icprules", "check", WEBSITE, "--today", "23/11/2026"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "not a date" in proc.stderr and "Traceback" not in proc.stderr


def test_stdin(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "icprules", "check", "-", "--format", "json"],
                          input="format: icprules/application/v1\nentity: 3\n",
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "line 2" in proc.stderr and "entity" in proc.stderr


def test_rules_lists_every_rule() -> None:
    code, out, _ = cli("rules")
    assert code == 0
    assert "eligibility.province-supported" in out and "The provider serves the entity's province" in out
    code, out, _ = cli("rules", "--lang", "zh")
    assert "接入商受理该省份" in out


# --------------------------------------------------------------------------- a CLI that composes (#13.5)


def test_piping_into_head_ends_quietly() -> None:
    import subprocess
    import sys

    done = subprocess.run(f"'{sys.executable}' -m icprules rules | head -1", shell=True, capture_output=True,
                          text=True, check=False)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert done.stdout.count("\n") == 1


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as info:
        cli("--version")
    assert info.value.code == 0
    assert capsys.readouterr().out == f"icprules {version('icprules')}\n"


def test_a_document_from_stdin_finds_its_attachments_with_base_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from conftest import EXAMPLES

    text = (EXAMPLES / "website-application.yaml").read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, out, _ = cli("check", "-", "--base-dir", str(EXAMPLES), "--today", "2026-11-23")
    assert code == 0 and "OK" in out


def test_json_output_of_an_unreadable_document_is_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("entity: [\n", encoding="utf-8")
    code, out, err = cli("check", str(bad), "--format", "json")
    assert code == 2 and "not valid YAML" in err
    located = json.loads(out)
    assert located["ok"] is False and located["problems"][0]["file"] == str(bad)


def test_a_folder_without_batch_says_to_use_it(tmp_path: Path) -> None:
    code, _, err = cli("check", str(tmp_path))
    assert code == 2 and "use --batch" in err


def test_batch_of_one_yaml_file_checks_that_document(tmp_path: Path) -> None:
    from conftest import EXAMPLES

    code, out, _ = cli("check", "--batch", str(EXAMPLES / "website-application.yaml"), "--today", "2026-11-23")
    (line,) = out.splitlines()
    assert code == 0 and json.loads(line)["ok"] is True


def test_batch_refuses_a_format_it_cannot_stream(tmp_path: Path) -> None:
    code, _, err = cli("check", "--batch", str(tmp_path), "--format", "sarif")
    assert code == 2 and "cannot stream --format sarif" in err


def test_every_option_has_help_text() -> None:
    from icprules.cli import _parser

    parser = _parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"{name} {action.option_strings}"
