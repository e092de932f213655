"""The README's examples run, and the output it shows is the real output."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from test_cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_set_up_commands() -> None:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block is not None
    lines = block.group(1).strip().splitlines()
    assert lines == ["pip install -e . && icprules check examples/website-application.yaml",
                     "pip install -e '.[test]' && python -m pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install" in ci and "'.[test]'" in ci and "python -m pytest" in ci


def test_cli_output_shown_in_the_readme_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    found = re.search(r"<!-- readme-output: (.*?) -->\n```text\n(.*?)```", README, re.S)
    assert found is not None
    command, shown = shlex.split(found.group(1)), found.group(2)
    assert command[0] == "icprules"
    monkeypatch.chdir(ROOT)
    _, out, _ = cli(*command[1:])
    assert out == shown


def test_python_example_in_the_readme_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    found = re.search(r"<!-- readme-python -->\n```python\n(.*?)```", README, re.S)
    assert found is not None
    monkeypatch.chdir(ROOT)
    exec(compile(found.group(1), "README.md", "exec"), {})  # the README's own example, nothing from outside
    assert "electronic" in capsys.readouterr().out
