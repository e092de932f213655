"""icprules benchmark: rates and ratios, printed; not a test.

    python bench/run.py            # N = 2000 applications
    python bench/run.py --n 300    # quicker
    python bench/run.py --against HEAD~1   # this tree and another commit, side by side

Builds N varied applications (websites and APPs, valid and invalid), then measures in
one run, on one core:

- applications checked per second by the full rule set, without attachments;
- the same with attachments (image and PDF files on disk);
- the rule set's load time, and the CLI's cold start;
- engine overhead: the engine against a direct replay of exactly the primitive checks
  and transforms it called on the same documents (recorded during a warm-up run);
- the engine against jsonschema validating the same documents with the published
  input schema.

The targets of issue #7 are printed beside each figure.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import importlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from stdnum.cn import ric as stdnum_ric

import icprules
from icprules import registry
from icprules.identifiers import uscc

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TODAY = dt.date(2026, 11, 23)

PROVINCES = ["BJ", "上海", "Guangdong", "浙江省", "SC", "NX", "XZ", "Atlantis"]
NAMES = ["示例科技官网", "示例商城", "中国示例论坛", "Example", "示例", "星辰数据平台"]
# Domains, IPs, numbers and names are made unique per document, as real filings are; the
# memo caches of the primitives are emptied before each timed pass (see clear_memos).
SUFFIXES = [".com.cn", ".cn", ".com", ".中国", ".top", ".io", ".net.cn"]
BROKEN_DOMAINS = ["https://x.cn", "a.b.c.d.example.cn", "example", "*.example.cn", "exa_mple.cn"]
BROKEN_IPS = ["10.0.0.1", "52.83.10.300", "192.168.1.1"]
LANGS = ["zh-Hans", "en", "zh_hant", "de", "xx"]


def _divisions() -> list[str]:
    """Every county-level division code in python-stdnum's own table (cn/loc.dat): the whole country,
    current and former codes alike, as real ID numbers carry them."""
    import stdnum

    out = []
    province = ""
    lines = (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text(encoding="utf-8").splitlines()
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        code = line.split()[0]
        if not line.startswith(" "):
            province = code
        elif len(code) == 4 and not code.endswith("00"):
            out.append(province + code)
    return out


DIVISIONS = _divisions()


def _id_number(rnd: random.Random) -> str:
    body = f"{rnd.choice(DIVISIONS)}{rnd.randint(1950, 2005)}" \
           f"{rnd.randint(1, 12):02}{rnd.randint(1, 28):02}{rnd.randint(0, 999):03}"
    return body + str(stdnum_ric.calc_check_digit(body + "0"))


def _uscc(rnd: random.Random) -> str:
    body = "91" + rnd.choice(DIVISIONS) + "".join(
        rnd.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    code = body + uscc.calc_check_digit(body)
    return code if rnd.random() > 0.1 else code[:-1] + "0"


def _phone(rnd: random.Random) -> str:
    return rnd.choice(["13", "15", "18"]) + "".join(rnd.choice("0123456789") for _ in range(9))


def _domain(rnd: random.Random, i: int) -> str:
    if rnd.random() < 0.1:
        return rnd.choice(BROKEN_DOMAINS)
    label = rnd.choice(["shop", "示例", "www.site", "api.data", "m"]) + f"{i}x{rnd.randint(0, 99999)}"
    return label + rnd.choice(SUFFIXES)


def _ip(rnd: random.Random) -> str:
    if rnd.random() < 0.1:
        return rnd.choice(BROKEN_IPS)
    if rnd.random() < 0.2:
        return f"2400:7fc0:{rnd.randint(0, 65535):x}::{rnd.randint(1, 65535):x}"
    return f"52.{rnd.randint(80, 83)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"


def make_documents(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    bases = {name: yaml.safe_load((EXAMPLES / f"{name}-application.yaml").read_text(encoding="utf-8"))
             for name in ("website", "app")}
    docs = []
    for i in range(n):
        doc = copy.deepcopy(bases["app" if i % 3 == 0 else "website"])
        entity = doc["entity"]
        entity["province"] = rnd.choice(PROVINCES)
        entity["certificate"]["number"] = _uscc(rnd)
        entity["name"] = f"北京示例{rnd.randint(1, 999)}科技有限公司"
        person = entity["principal"]
        person["id"]["number"] = _id_number(rnd)
        person["phone"] = _phone(rnd)
        person["emergency_phone"] = _phone(rnd) if rnd.random() > 0.1 else person["phone"]
        person["email"] = f"user{i}@example.com.cn" if rnd.random() > 0.05 else "broken.example"
        for service in doc["services"]:
            service["name"] = rnd.choice(NAMES) if service["type"] == "website" else f"示例应用{i}"
            service["domains"] = [_domain(rnd, i) for _ in range(rnd.randint(1, 3))]
            service["ips"] = [_ip(rnd) for _ in range(rnd.randint(1, 2))]
            service["languages"] = rnd.sample(LANGS, rnd.randint(1, 2))
        docs.append(doc)
    return docs


def strip_attachments(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc.pop("attachments", None)
    doc["entity"].pop("attachments", None)
    for service in doc["services"]:
        service.pop("attachments", None)
    return doc


def clear_memos() -> None:
    """Empty every functools memo of values in icprules, so a pass sees its values for the first time.

    Tables loaded once per process (the public suffix list, OpenCC, the confusables, data) are
    memoised too, with a small or no maxsize: those stay loaded, as in any real process.
    """
    import functools
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(icprules.__path__, "icprules."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if isinstance(obj, functools._lru_cache_wrapper):
                maxsize = obj.cache_info().maxsize
                if maxsize is not None and maxsize > 8:
                    obj.cache_clear()


def rate(func: Any, docs: list[Any], repeat: int = 3) -> float:
    """Documents per second: the best of ``repeat`` passes over all documents, memos emptied first."""
    best = float("inf")
    for _ in range(repeat):
        clear_memos()
        start = time.perf_counter()
        for doc in docs:
            func(doc)
        best = min(best, time.perf_counter() - start)
    return len(docs) / best


def evaluate_rules(rules: icprules.RuleSet, doc: Any) -> list[Any]:
    """The rule engine alone: read the document, run every rule, render the findings."""
    from icprules import evaluation  # not at the top: --against imports this file under older trees

    return evaluation.evaluate(rules, icprules.read_document(doc, base_dir=EXAMPLES), today=TODAY)


def record_primitive_calls(rules: icprules.RuleSet, docs: list[Any], run: Any) -> list[list[tuple[Any, ...]]]:
    """Run ``run(doc)`` once per document with every primitive wrapped, recording each call."""
    calls: list[tuple[Any, ...]] = []
    originals = {}
    for table in (registry.CHECKS, registry.TRANSFORMS):
        for name, spec in list(table.items()):
            originals[(id(table), name)] = spec

            def wrapped(*args: Any, _f: Any = spec.func) -> Any:
                calls.append((_f, args))
                return _f(*args)

            table[name] = registry.Primitive(spec.name, spec.kind, wrapped, spec.params, spec.doc, spec.prepare)
    # Evaluation plans bind the primitives when built: rebuild them wrapped, in the rule set and in
    # the rule sets of each day's data that check() runs (until 2026-11-24 those kept their plans,
    # and the whole check's replay recorded a fifth of its calls).
    _forget_plans(rules)
    per_doc = []
    try:
        for doc in docs:
            calls.clear()
            run(doc)
            per_doc.append(list(calls))
    finally:
        for table in (registry.CHECKS, registry.TRANSFORMS):
            for name in list(table):
                table[name] = originals[(id(table), name)]
        _forget_plans(rules)
    return per_doc


def _forget_plans(rules: icprules.RuleSet) -> None:
    for ruleset in (rules, *rules.by_day.values()):
        ruleset.applicable.clear()


def direct_sequence(recorded: list[tuple[Any, ...]], doc: Any) -> None:
    """The hand-written path: read the document, then make exactly the primitive calls the rules made."""
    icprules.read_document(doc, base_dir=EXAMPLES)
    for func, args in recorded:
        func(*args)


def cold_start(args: list[str], repeat: int = 10, tree: Path = ROOT) -> float:
    """The fastest of ``repeat`` runs of a new process, with the modules' bytecode cached as an install
    has it (a sandbox that sets PYTHONDONTWRITEBYTECODE compiles every module of icprules at every
    start: some 85 ms more); one run first writes the caches. ``tree``: whose icprules runs (its
    ``src``, in its own folder)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree / "src")
    subprocess.run(args, cwd=tree, capture_output=True, check=False, env=env)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, cwd=tree, capture_output=True, check=False, env=env)
        best = min(best, time.perf_counter() - start)
    return best


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}; {os.cpu_count()} cores; Python {platform.python_version()}; {platform.system()}"


def rate_only(n: int) -> None:
    """Print the whole-check rate of the icprules found on the path (public API only)."""
    docs = [strip_attachments(d) for d in make_documents(n)]
    rules = icprules.default_rules()

    def check(d: Any) -> icprules.Report:
        return icprules.check(d, today=TODAY, base_dir=EXAMPLES, rules=rules)
    for d in docs[:20]:
        check(d)
    # Reports are compared without what produced them (the version and the digests of the rule and
    # data files, which any change to a data file changes); that is compared on its own.
    reports = [json.loads(check(d).to_json()) for d in docs]
    produced = {json.dumps(r.pop("produced_by", None), sort_keys=True) for r in reports}
    digest = hashlib.sha256("\n".join(json.dumps(r, sort_keys=True) for r in reports).encode()).hexdigest()[:16]
    print(json.dumps({"rate": rate(check, docs), "read": rate(lambda d: read_all(check(d)), docs), "reports": digest,
                      "produced_by": hashlib.sha256("\n".join(sorted(produced)).encode()).hexdigest()[:16]}))


def read_all(report: Any) -> None:
    """Read every part of a report (trees that work parts out when read then do all the work)."""
    for name in ("findings", "operation", "provider", "today", "as_of", "normalized", "verification",
                 "materials", "deadlines", "produced_by"):
        getattr(report, name, None)  # older trees lack some parts


def work_only(n: int, run: bool, read: bool = False) -> None:
    """The workload of ``--instructions``: set up, and check ``n`` documents only if ``run`` (reading
    every part of each report, and writing its JSON as the service does, if ``read``)."""
    docs = [strip_attachments(d) for d in make_documents(n)]
    rules = icprules.default_rules()
    for d in docs[:20]:
        report = icprules.check(d, today=TODAY, base_dir=EXAMPLES, rules=rules)
        read_all(report)
        report.to_dict()
    clear_memos()  # in both runs: it imports every module, which is not a check's work
    if run:
        for d in docs:
            report = icprules.check(d, today=TODAY, base_dir=EXAMPLES, rules=rules)
            if read:
                read_all(report)
                # The service's answer: to_json_bytes() where the tree has it, else what its service wrote.
                answer = getattr(report, "to_json_bytes", None)
                if answer is not None:
                    answer()
                else:
                    encoding = importlib.import_module("icprules.encoding")
                    old = getattr(encoding, "json_bytes", None)
                    old(report.to_dict()) if old else json.dumps(report.to_dict(), ensure_ascii=False)


def instructions(src: Path, n: int) -> tuple[int, int]:
    """Instructions per check, and per check with every part read and written as JSON, under
    callgrind: deterministic where wall time on a shared VM is not."""
    counts = []
    with tempfile.TemporaryDirectory() as no_bytecode:
        for mode in ("--setup-only", "--work-only", "--read-only"):
            # The same work in every run: without the rule-set cache (the first run would write it and
            # the others read it), and compiling every module (bytecode cached in the tree by some
            # other command between two runs once made a run 340 M instructions cheaper).
            env = {**os.environ, "PYTHONPATH": str(src), "ICPRULES_CACHE": "0", "PYTHONDONTWRITEBYTECODE": "1",
                   "PYTHONPYCACHEPREFIX": no_bytecode}
            done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                                   sys.executable, __file__, mode, "--n", str(n)],
                                  env=env, capture_output=True, text=True, check=True)
            counts.append(int(done.stderr.split("Collected : ")[1].split()[0]))
    return (counts[1] - counts[0]) // n, (counts[2] - counts[0]) // n


def against(rev: str, n: int, rounds: int = 3, count: bool = False) -> None:
    """This tree and ``rev`` (checked out in a temporary worktree), alternated in one run."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "old"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            results: dict[str, list[dict[str, Any]]] = {"this tree": [], rev: []}
            colds: dict[str, list[float]] = {"this tree": [], rev: []}
            example = [sys.executable, "-m", "icprules", "check", "examples/website-application.yaml"]
            for _ in range(rounds):
                for label, root in (("this tree", ROOT), (rev, tree)):
                    env = {**os.environ, "PYTHONPATH": str(root / "src")}
                    out = subprocess.run([sys.executable, __file__, "--rate-only", "--n", str(n)], env=env,
                                         check=True, capture_output=True, text=True).stdout
                    results[label].append(json.loads(out.strip().splitlines()[-1]))
                    colds[label].append(cold_start(example, tree=root))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    rates = {label: statistics.median(r["rate"] for r in runs) for label, runs in results.items()}
    # Older trees printed no "read" rate: their check() worked every part out, so it is the same.
    reads = {label: statistics.median(r.get("read", r["rate"]) for r in runs) for label, runs in results.items()}
    digests = {label: {r["reports"] for r in runs} for label, runs in results.items()}
    for label, value in rates.items():
        print(f"{label:>12}: {value:8.0f} checks/s, {reads[label]:8.0f} with every part read (medians of "
              f"{rounds}), reports {', '.join(sorted(digests[label]))}")
    cold = {label: min(times) * 1000 for label, times in colds.items()}
    print(f"CLI cold start (check an example, with the cache, fastest of {10 * rounds}): this tree "
          f"{cold['this tree']:.0f} ms, {rev} {cold[rev]:.0f} ms (target < 350 ms)")
    produced = {label: {r.get("produced_by") for r in runs} for label, runs in results.items()}
    print(f"ratio this tree / {rev}: check() {rates['this tree'] / rates[rev]:.2f}x, every part read "
          f"{reads['this tree'] / reads[rev]:.2f}x; reports "
          f"{'identical' if digests['this tree'] == digests[rev] else 'DIFFER'}"
          f"{'' if produced['this tree'] == produced[rev] else ' (what produced them differs: a rule or data file)'}")
    if count:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "old"
            subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=ROOT, check=True,
                           capture_output=True)
            try:
                mine, theirs = instructions(ROOT / "src", n), instructions(tree / "src", n)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
        print(f"instructions per check (callgrind): this tree {mine[0]:,}, {rev} {theirs[0]:,}: "
              f"{theirs[0] / mine[0]:.3f}x as fast")
        print(f"  ... every part read and the JSON written: this tree {mine[1]:,}, {rev} {theirs[1]:,}: "
              f"{theirs[1] / mine[1]:.3f}x as fast")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--against", metavar="REV", help="also measure this git revision, side by side")
    parser.add_argument("--rounds", type=int, default=3, help="with --against: alternations of the two trees")
    parser.add_argument("--instructions", action="store_true",
                        help="with --against: also count instructions per check under valgrind (slow, exact)")
    parser.add_argument("--rate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--work-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--read-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rate_only:
        rate_only(args.n)
        return
    if args.setup_only or args.work_only or args.read_only:
        work_only(args.n, args.work_only or args.read_only, read=args.read_only)
        return
    if args.against:
        against(args.against, args.n, args.rounds, args.instructions)
        return

    print(f"machine: {machine()}")
    docs = make_documents(args.n)
    bare = [strip_attachments(d) for d in docs]
    rules = icprules.default_rules()

    def check(d: Any) -> icprules.Report:
        return icprules.check(d, today=TODAY, base_dir=EXAMPLES, rules=rules)
    for d in bare[:20]:
        check(d)  # warm caches of imports and lazy tables

    reports = [check(d) for d in bare]
    invalid = sum(not r.ok for r in reports)
    print(f"documents: {len(docs)} ({sum(d['services'][0]['type'] == 'app' for d in docs)} APPs, "
          f"{invalid} with errors)")
    del reports  # thousands of live findings would slow the collector in the timed passes

    without = rate(check, bare)
    print(f"checked per second, no attachments:   {without:8.0f}   (target >= 5000)")
    print(f"  ... with every part of the report read: {rate(lambda d: read_all(check(d)), bare):8.0f}")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(EXAMPLES / "files", folder / "files")
        with_files = rate(lambda d: icprules.check(d, today=TODAY, base_dir=folder, rules=rules), docs)
    print(f"checked per second, with attachments: {with_files:8.0f}   (image probes memoised per file)")

    # The rule-set cache (icprules/ruleset/cache.py) in a folder of this run's own: first from the
    # files (ICPRULES_CACHE=0), then from the cache the first load wrote.
    with tempfile.TemporaryDirectory() as cache_dir:
        os.environ["ICPRULES_CACHE_DIR"] = cache_dir
        loads: dict[str, list[float]] = {"0": [], "1": []}
        for setting in ("0", "1"):
            os.environ["ICPRULES_CACHE"] = setting
            icprules.load_rules()  # writes the cache when on
            for _ in range(5):
                start = time.perf_counter()
                icprules.load_rules()
                loads[setting].append(time.perf_counter() - start)
        print(f"rule set load:                        {min(loads['0']) * 1000:8.1f} ms from the files, "
              f"{min(loads['1']) * 1000:.1f} ms from the cache (target < 200 ms)")
        colds = {}
        for setting in ("0", "1"):
            os.environ["ICPRULES_CACHE"] = setting
            colds[setting] = cold_start([sys.executable, "-m", "icprules", "check",
                                         "examples/website-application.yaml"])
        imp = cold_start([sys.executable, "-c", "import icprules"])
        cli_import = cold_start([sys.executable, "-c", "import icprules.cli"])
        python = cold_start([sys.executable, "-c", "pass"])
        print(f"CLI cold start (check an example):    {colds['1'] * 1000:8.0f} ms with the cache, "
              f"{colds['0'] * 1000:.0f} ms without (target < 350 ms); Python alone {python * 1000:.0f} ms, "
              f"import icprules {imp * 1000:.0f} ms, import icprules.cli {cli_import * 1000:.0f} ms")
        del os.environ["ICPRULES_CACHE"], os.environ["ICPRULES_CACHE_DIR"]

    sample = bare[: min(len(bare), 500)]
    evaluate = lambda d: evaluate_rules(rules, d)  # noqa: E731
    for label, func in (("rule engine (read, evaluate, findings)", evaluate), ("whole check (with the report)", check)):
        recorded = record_primitive_calls(rules, sample, func)
        calls = statistics.mean(len(r) for r in recorded)
        pairs = list(zip(recorded, sample, strict=True))
        direct = rate(lambda pair: direct_sequence(*pair), pairs)
        timed = rate(func, sample)
        target = "   (target <= 1.3x, issue 17)" if label.startswith("rule engine") else ""
        print(f"overhead of the {label}: {timed:.0f}/s vs direct replay of its {calls:.0f} primitive calls "
              f"{direct:.0f}/s = {direct / timed:.2f}x{target}")
    engine_rate = rate(check, sample)

    from icprules.reading.input_schema import input_schema

    validator = jsonschema.Draft202012Validator(input_schema())
    as_json = [json.loads(json.dumps(d, default=str)) for d in sample]
    # Every error, as check() finds every finding (validate() would stop at the first, and raise).
    schema_rate = rate(lambda d: list(validator.iter_errors(d)), as_json)
    print(f"versus jsonschema: jsonschema {schema_rate:.0f}/s vs check {engine_rate:.0f}/s = "
          f"jsonschema takes {engine_rate / schema_rate:.2f}x the time of check() (it checks the shape only)")


if __name__ == "__main__":
    main()
