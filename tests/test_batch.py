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


# --------------------------------------------------------------------------- hostile input, round two


def test_a_lone_surrogate_never_breaks_an_output(tmp_path: Path) -> None:
    doc: Any = json.loads(json.dumps(base("website"), default=str))
    doc["entity"]["name"] = "中国\ud800示例"
    doc["services"][0]["name"] = "\udfff"
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")  # ASCII JSON: the surrogate is a \\ud800 escape
    shutil.copytree(EXAMPLES / "files", tmp_path / "files")
    for fmt in ("text", "json", "sarif"):
        code, out, _ = cli("check", str(path), "--format", fmt, "--today", "2026-11-23")
        out.encode("utf-8")  # writable
        assert code in (0, 1)
        if fmt != "text":
            parsed = json.loads(out)  # still valid JSON, saying what the document said
            assert "中国\ud800示例" in json.dumps(parsed, ensure_ascii=False)
        else:
            assert "\\ud800" in out or "\\udfff" in out
    report = icprules.check(doc, base_dir=tmp_path, today=TODAY)
    report.to_json().encode("utf-8")


def test_a_batch_with_a_broken_document_goes_on(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    doc: Any = json.loads(json.dumps(base("website"), default=str))
    doc["entity"]["name"] = "北京\ud800科技有限公司"
    (folder / "doc03.json").write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = cli("check", "--batch", str(folder), "--jobs", "2", "--today", "2026-11-23")
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 14 and code == 1
    assert any(line["source"].endswith("doc03.json") for line in lines)


def test_a_worker_killed_by_the_os_is_reported_and_the_run_finishes(tmp_path: Path) -> None:
    import os
    import signal

    from icprules.registry import CHECKS

    folder = _folder(tmp_path)
    doc = base("website")
    doc["services"][0]["name"] = "示例KILLME官网"
    (folder / "doc09.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    original = CHECKS["related_to"]

    def kill_for_one(value: Any, params: Any, env: Any) -> Any:
        if isinstance(value, str) and "KILLME" in value:
            os.kill(os.getpid(), signal.SIGKILL)
        return original.func(value, params, env)

    import dataclasses

    CHECKS["related_to"] = dataclasses.replace(original, func=kill_for_one)  # forked workers inherit it
    try:
        out = io.StringIO()
        total, bad = batch.run(folder, icprules.load_rules(), today=TODAY, reveal_personal=False, out=out,
                               err=io.StringIO(), jobs=2)
    finally:
        CHECKS["related_to"] = original
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert total == 13 and len(lines) == 13, "every document has its line, in order"
    by_name = {Path(line["source"]).name: line for line in lines}
    assert "killed" in by_name["doc09.yaml"]["error"]
    assert by_name["doc08.yaml"]["ok"] and by_name["doc10.yaml"]["ok"], "the others were checked"
    assert bad == 4


def test_a_fifo_in_a_batch_folder_is_reported_not_opened(tmp_path: Path) -> None:
    import os

    folder = _folder(tmp_path)
    os.mkfifo(folder / "doc99.yaml")
    out = io.StringIO()
    total, bad = batch.run(folder, icprules.default_rules(), today=TODAY, reveal_personal=False, out=out,
                           err=io.StringIO(), jobs=1)
    last = json.loads(out.getvalue().splitlines()[-1])
    assert last["source"].endswith("doc99.yaml") and "not a regular file" in last["error"]
    assert (total, bad) == (14, 4)


@pytest.mark.parametrize("jobs", ["-3", "0", "two"])
def test_jobs_must_be_a_positive_number(jobs: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        cli("check", "--batch", str(tmp_path), "--jobs", jobs)
    assert info.value.code == 2


def test_a_pool_that_broke_before_a_job_was_queued_retries_it_with_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed while earlier results are still awaited breaks the pool, and queueing the next
    job raises (a race the OOM-killer test met on CI): that job is retried like those in flight."""
    from concurrent.futures.process import BrokenProcessPool

    folder = _folder(tmp_path)
    real = batch.ProcessPoolExecutor
    raised: list[str] = []

    class BreaksOnce(real):  # type: ignore[misc, valid-type]
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            if args and str(getattr(args[0], "label", "")).endswith("doc03.yaml") and not raised:
                raised.append("doc03")
                raise BrokenProcessPool("a worker died")
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", BreaksOnce)
    out = io.StringIO()
    total, _ = batch.run(folder, icprules.load_rules(), today=TODAY, reveal_personal=False, out=out,
                         err=io.StringIO(), jobs=2)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert raised and total == 13 and len(lines) == 13
    by_name = {Path(line["source"]).name: line for line in lines}
    assert "error" not in by_name["doc03.yaml"] and by_name["doc03.yaml"]["ok"] is not None
    assert [Path(line["source"]).name for line in lines] == sorted(by_name), "in input order"
