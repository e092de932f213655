"""Checking many documents: a folder of YAML/JSON files, or a JSON Lines file.

One JSON line per document goes out in input order, as soon as it is ready. A document that
cannot be read becomes an ``error`` line and the rest go on; so does a document whose worker the
operating system killed (out of memory, SIGKILL): its jobs are tried once more in a fresh pool,
one at a time, and the one that kills its worker again is reported as failed. Work is spread over
all cores; the compiled rule set is sent once to each worker (it pickles). The count of documents
not ok comes from the results themselves, never from reading the output back.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import stat
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .api import check
from .encoding import writable
from .errors import DocumentError, IcpRulesError
from .ruleset.model import RuleSet

_RULES: RuleSet | None = None


class Stream(Protocol):
    def write(self, text: str, /) -> int: ...
    def flush(self) -> None: ...
    def isatty(self) -> bool: ...


@dataclass(frozen=True)
class Job:
    label: str
    document: Any  # a path, or the text of one JSON line
    base_dir: Path | None
    today: dt.date
    reveal: bool
    #: Set when the source is no regular file (a FIFO, a device): reported, never opened.
    refused: str | None = None
    #: The day whose rules apply (None: the check date).
    as_of: dt.date | None = None


@dataclass(frozen=True)
class Result:
    ok: bool
    line: str  # one JSON line, always encodable


def sources(target: Path) -> Iterator[tuple[str, Any, Path | None, str | None]]:
    """(label, document, base_dir, refusal) for every document in a folder or a .jsonl file."""
    if target.is_dir():
        for path in sorted(p for p in target.rglob("*") if p.suffix.lower() in (".yaml", ".yml", ".json")):
            yield str(path), str(path), None, _not_regular(path)
        return
    refused = _not_regular(target)
    if refused or target.suffix.lower() in (".yaml", ".yml", ".json"):  # one document, not JSON Lines
        yield str(target), str(target), None, refused
        return
    with target.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                yield f"{target}:{number}", line, target.resolve().parent, None


def _not_regular(path: Path) -> str | None:
    """Why a path is not read (a FIFO would block, a device never ends), or None for a regular file."""
    try:
        mode = path.stat().st_mode  # follows symlinks: a link to /dev/zero is a device
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return None if stat.S_ISREG(mode) else "not a regular file (a FIFO, device or socket): not opened"


def _init(rules: RuleSet) -> None:
    global _RULES
    _RULES = rules


def _one(job: Job) -> Result:
    """Check one document in a worker; never raises (one broken document must not stop thousands)."""
    assert _RULES is not None
    try:
        if job.refused:
            raise DocumentError(job.refused)
        document = _json_line(job.document) if job.base_dir is not None else job.document
        report = check(document, base_dir=job.base_dir, today=job.today, rules=_RULES, reveal_personal=job.reveal,
                       as_of=job.as_of)
        return _result(job.label, report.ok, {"report": report.to_dict()})
    except IcpRulesError as exc:
        return _result(job.label, False, {"error": str(exc)})
    except Exception as exc:  # report it and go on
        return _result(job.label, False, {"error": f"internal error: {type(exc).__name__}: {exc}"})


def _result(label: str, ok: bool, body: dict[str, Any]) -> Result:
    return Result(ok, writable(json.dumps({"source": label, "ok": ok, **body}, ensure_ascii=False)))


def _json_line(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except (ValueError, RecursionError):
        raise DocumentError("not valid JSON") from None


def run(target: Path, rules: RuleSet, *, today: dt.date, reveal_personal: bool, out: Stream, err: Stream,
        as_of: dt.date | None = None,
        jobs: int | None = None) -> tuple[int, int]:
    """Check every document; returns (documents, documents not ok)."""
    if jobs is not None and jobs < 1:
        raise ValueError("jobs must be at least 1")
    jobs = jobs or os.cpu_count() or 1
    work = [Job(label, doc, base, today, reveal_personal, refused, as_of)
            for label, doc, base, refused in sources(target)]
    total, bad = len(work), 0
    show = err.isatty()
    results = iter(map(_inline(rules), work)) if jobs == 1 or total < 8 else _pooled(work, rules, jobs)
    for done, result in enumerate(results, start=1):
        out.write(result.line + "\n")
        bad += not result.ok
        if show:
            err.write(f"\r{done}/{total} checked, {bad} not ok")
            err.flush()
    if show:
        err.write("\n")
    return total, bad


def _inline(rules: RuleSet) -> Any:
    _init(rules)
    return _one


def _pooled(work: list[Job], rules: RuleSet, jobs: int) -> Iterator[Result]:
    """Results in input order, from a pool with a bounded window of jobs in flight."""
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    window = jobs * 4
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init, initargs=(rules,))
    pending: dict[int, Future[Result]] = {}
    submitted = 0
    try:
        for index in range(len(work)):
            while submitted < len(work) and submitted < index + window:
                pending[submitted] = _submit(pool, work[submitted])
                submitted += 1
            try:
                yield pending.pop(index).result()
            except BrokenProcessPool:
                # A worker died (SIGKILL, out of memory): every job in flight failed with it. Try those
                # again in a fresh pool, one at a time, so that only the job that kills again fails.
                pool.shutdown(wait=False, cancel_futures=True)
                retry = [index, *sorted(pending)]
                pending.clear()
                retried = {i: _alone(work[i], rules, context) for i in retry}
                yield retried[index]
                for i in retry[1:]:
                    pending[i] = _done(retried[i])
                pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init, initargs=(rules,))
                for i in range(submitted, min(len(work), index + 1 + window)):
                    pending[i] = _submit(pool, work[i])
                submitted = max(submitted, min(len(work), index + 1 + window))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, job: Job) -> Future[Result]:
    """The job's future; if a worker has already died, one that fails as the jobs in flight did.

    A worker killed while earlier results are still awaited breaks the pool, and submitting to it
    raises: the job then fails where its result is read, and is retried with the others.
    """
    try:
        return pool.submit(_one, job)
    except BrokenProcessPool as exc:
        future: Future[Result] = Future()
        future.set_exception(exc)
        return future


def _alone(job: Job, rules: RuleSet, context: Any) -> Result:
    with ProcessPoolExecutor(1, mp_context=context, initializer=_init, initargs=(rules,)) as pool:
        try:
            return pool.submit(_one, job).result()
        except BrokenProcessPool:
            return _result(job.label, False, {"error": "the worker checking this document was killed by the "
                                                       "operating system (out of memory?); it was not checked"})


def _done(result: Result) -> Future[Result]:
    future: Future[Result] = Future()
    future.set_result(result)
    return future
