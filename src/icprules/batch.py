"""Checking many documents: a folder of YAML/JSON files, or a JSON Lines file.

One JSON line per document goes out in input order, as soon as it is ready. A
document that cannot be read becomes an ``error`` line and the rest go on. Work is
spread over all cores; the compiled rule set is sent once to each worker (it pickles).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .api import check
from .errors import DocumentError, IcpRulesError
from .ruleset.model import RuleSet

_RULES: RuleSet | None = None


def sources(target: Path) -> Iterator[tuple[str, Any, Path | None]]:
    """(label, document, base_dir) for every document in a folder or a .jsonl file."""
    if target.is_dir():
        for path in sorted(p for p in target.rglob("*") if p.suffix.lower() in (".yaml", ".yml", ".json")):
            yield str(path), str(path), None
        return
    with target.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                yield f"{target}:{number}", line, target.resolve().parent


def _init(rules: RuleSet) -> None:
    global _RULES
    _RULES = rules


def _one(job: tuple[str, Any, Path | None, dt.date, bool]) -> str:
    label, document, base_dir, today, reveal = job
    assert _RULES is not None
    try:
        if base_dir is not None:  # a line of a .jsonl file
            document = _json_line(document)
        report = check(document, base_dir=base_dir, today=today, rules=_RULES, reveal_personal=reveal)
        line = {"source": label, "ok": report.ok, "report": report.to_dict()}
    except IcpRulesError as exc:
        line = {"source": label, "ok": False, "error": str(exc)}
    except Exception as exc:  # one broken document must not stop thousands: report it, go on
        line = {"source": label, "ok": False, "error": f"internal error: {type(exc).__name__}: {exc}"}
    return json.dumps(line, ensure_ascii=False)


def _json_line(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except (ValueError, RecursionError):
        raise DocumentError("not valid JSON") from None


def run(target: Path, rules: RuleSet, *, today: dt.date, reveal_personal: bool, out: TextIO, err: TextIO,
        jobs: int | None = None) -> tuple[int, int]:
    """Check every document; returns (documents, documents not ok)."""
    jobs = jobs or os.cpu_count() or 1
    work = [(label, doc, base, today, reveal_personal) for label, doc, base in sources(target)]
    total, bad = len(work), 0
    show = err.isatty()
    if jobs == 1 or total < 8:
        _init(rules)
        results: Iterator[str] = map(_one, work)
        pool = None
    else:
        pool = multiprocessing.get_context("fork" if os.name == "posix" else "spawn").Pool(
            jobs, initializer=_init, initargs=(rules,))
        results = pool.imap(_one, work, chunksize=max(1, min(64, total // (jobs * 8) or 1)))
    try:
        for done, line in enumerate(results, start=1):
            out.write(line + "\n")
            if '"ok": false' in line[:400]:
                bad += 1
            if show:
                err.write(f"\r{done}/{total} checked, {bad} not ok")
                err.flush()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    if show:
        err.write("\n")
    return total, bad
