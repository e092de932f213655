"""icprules check --batch: many documents, one JSON line each, in order, surviving broken ones."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import icprules
from conftest import EXAMPLES, TODAY, base
from icprules import batch
from test_cli import cli


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(EXAMPLES / "files", folder / "files")
    for i in range(12):
        doc = base("website" if i % 2 else "app")
        if i == 5:
            doc["entity"]["province"] = "西藏"
        (folder / f"doc{i:02}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    (folder / "doc06.yaml").write_text("entity: [\n", encoding="utf-8")
    (folder / "doc07.json").write_text('{"format": "icprules/application/v1", "entity": 3}', encoding="utf-8")
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_folder_streams_one_line_per_document_in_order(tmp_path: Path, jobs: int) -> None:
    folder = _folder(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    total, bad = batch.run(folder, icprules.default_rules(), today=TODAY, reveal_personal=False, out=out, err=err,
                           jobs=jobs)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [Path(line["source"]).name for line in lines] == sorted(p.name for p in folder.glob("doc*"))
    assert (total, bad) == (13, 3)
    by_name = {Path(line["source"]).name: line for line in lines}
    assert "not valid YAML" in by_name["doc06.yaml"]["error"]
    assert "expected a mapping" in by_name["doc07.json"]["error"]
    assert by_name["doc05.yaml"]["report"]["summary"]["error"] == 1
    assert by_name["doc00.yaml"]["ok"] and by_name["doc00.yaml"]["report"]["format"] == "icprules/report/v1"
    assert err.getvalue() == "", "no progress bar when stderr is not a terminal"


def test_jsonl_survives_a_broken_line(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "files", tmp_path / "files")
    doc: Any = json.loads(json.dumps(base("website"), default=str))
    lines = [json.dumps(doc, ensure_ascii=False)] * 10 + ['{"format": broken'] + [json.dumps(doc)] * 3
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = cli("check", "--batch", str(tmp_path / "many.jsonl"), "--jobs", "2", "--today", "2026-11-23")
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(results) == 14
    assert results[10]["source"].endswith("many.jsonl:11") and "not valid JSON" in results[10]["error"]
    assert all(r["ok"] for i, r in enumerate(results) if i != 10)


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    batch.run(_folder(tmp_path), icprules.default_rules(), today=TODAY, reveal_personal=False, out=io.StringIO(),
              err=err, jobs=1)
    assert "\r13/13 checked, 3 not ok" in err.getvalue()
