"""The ``icprules`` command.

Exit status: 0 no error finding, 1 error findings, 2 the document or a rule file
cannot be read (the message goes to stderr; never a traceback).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .api import check
from .data import builtin, ui
from .encoding import writable
from .errors import IcpRulesError
from .explanation import explain
from .identifiers import record_number
from .report import formats
from .report.findings import Report
from .report.locale import negotiate
from .ruleset.loading import load_rules, validated_digests
from .ruleset.model import RuleSet
from .ruleset.rule_schema import schema_text


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _lang(text: str) -> str:
    try:
        return negotiate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="icprules", description="Check China ICP Recordal (ICP备案) applications.")
    p.add_argument("--version", action=_VersionAction, help="print the version of icprules and exit")
    sub = p.add_subparsers(dest="command", required=True)

    def rule_options(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--rules", action="append", default=[], metavar="PATH",
                        help="extra rule pack file or folder (repeatable; later packs replace rules by id)")
        sp.add_argument("--data", action="append", default=[], metavar="DIR",
                        help="folder of data files overriding the built-in ones by name (repeatable)")
        sp.add_argument("--no-builtin", action="store_true", help="do not load the built-in rule packs")
        sp.add_argument("--show-personal", action="store_true",
                        help="show ID numbers, phones and e-mail addresses unmasked (masked by default)")

    def document_options(sp: argparse.ArgumentParser, formats: list[str]) -> None:
        sp.add_argument("--format", choices=formats,
                        help=f"output format: {', '.join(formats)} (default: {formats[0]}; JSON lines with --batch)")
        sp.add_argument("--lang", type=_lang, default="en", metavar="LANG",
                        help="language of messages: zh or en (or a locale such as zh_CN)")
        sp.add_argument("--today", type=_date, help="the date to check on (default: today)")
        sp.add_argument("--as-of", type=_date, dest="as_of",
                        help="apply the rules in force on this date (default: the check date)")
        sp.add_argument("--base-dir", metavar="DIR",
                        help="folder that attachment paths are relative to (default: the document's folder; "
                             "needed with '-')")
        rule_options(sp)

    c = sub.add_parser("check", help="check an application document (YAML or JSON)")
    c.add_argument("file", help="the application document; '-' reads standard input")
    document_options(c, ["text", "json", "sarif"])
    c.add_argument("--batch", action="store_true",
                   help="FILE is a folder of documents or a .jsonl file: one JSON line per document, all cores")
    c.add_argument("--jobs", type=_positive, help="worker processes for --batch (default: all cores)")

    m = sub.add_parser("materials", help="print the checklist of materials an application needs")
    m.add_argument("file", help="the application document; '-' reads standard input")
    document_options(m, ["text", "json"])

    r = sub.add_parser("rules", help="list the loaded rules")
    r.add_argument("--lang", type=_lang, default="en", metavar="LANG", help="language of the titles: zh or en")
    r.add_argument("--as-of", type=_date, dest="as_of", help="only the rules in force on this date")
    rule_options(r)

    dr = sub.add_parser("diff-rules", help="what changed in the rules between two dates (added, removed, changed)")
    dr.add_argument("start", type=_date, metavar="FROM", help="the earlier date, YYYY-MM-DD")
    dr.add_argument("end", type=_date, metavar="TO", help="the later date, YYYY-MM-DD")
    dr.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    dr.add_argument("--lang", type=_lang, default="en", metavar="LANG", help="language of the titles: zh or en")
    rule_options(dr)

    e = sub.add_parser("explain", help="show how one rule decided on a document")
    e.add_argument("rule", help="the rule id, e.g. eligibility.province-supported")
    e.add_argument("file", help="the application document")
    document_options(e, ["text", "json"])

    n = sub.add_parser("record-number", help="explain a record number (备案号)")
    n.add_argument("number", help="the record number, as written (labels, spaces and traditional characters are fine)")
    n.add_argument("--lang", type=_lang, default="en", metavar="LANG", help="language: zh or en")

    f = sub.add_parser("footer", help="print what a site or APP shows after approval")
    f.add_argument("number", help="the ICP record number, e.g. 京ICP备04000001号-1")
    f.add_argument("--police", help="the public-security filing number, e.g. 京公网安备11010502030143号")
    f.add_argument("--app", action="store_true", help="the APP's settings/about text instead of HTML")
    f.add_argument("--as-of", type=_date, dest="as_of", help="the link in use on this date (default: today)")

    d = sub.add_parser("docs", help="write the rule reference as Markdown")
    d.add_argument("--lang", type=_lang, default="en", metavar="LANG", help="language of the reference: zh or en")
    d.add_argument("--out", required=True, help="folder to write into")
    rule_options(d)

    sc = sub.add_parser("schema", help="print the JSON Schema of the v1 application (or of a report)")
    sc.add_argument("--report", action="store_true", help="the schema of a report instead")
    sc.add_argument("--as-of", type=_date, dest="as_of", help="require what the rules in force on this date require")
    rule_options(sc)

    ae = sub.add_parser("app-evidence", help="read an APP's package name, version, name and signing certificates "
                                             "from the artefact (.apk, .ipa, .hap, .app, .mobileprovision, .cer, "
                                             ".pem, .p7b)")
    ae.add_argument("file", help="the package, provisioning profile or certificate")
    ae.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    ae.add_argument("--lang", type=_lang, default="en", metavar="LANG", help="language: zh or en")
    ae.add_argument("--today", type=_date, help="the date certificates are judged on (default: today)")

    sv = sub.add_parser("serve", help="run the HTTP service (needs: pip install 'icprules[serve]')")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    sv.add_argument("--port", type=_port, default=8000, help="port to listen on (default: 8000)")
    sv.add_argument("--workers", type=_positive, default=1,
                    help="worker processes, each with its own copy of the rule set (default: 1)")
    sv.add_argument("--access-log", action="store_true", help="log every request (off by default)")
    sv.add_argument("--openapi", action="store_true", help="print the service's OpenAPI document and exit")
    rule_options(sv)

    rs = sub.add_parser("rule-schema", help="print the JSON Schema of rule pack files")
    rs.add_argument("--digests", action="store_true",
                    help="print instead the digests of the shipped packs (schema/validated-packs.json)")
    return p


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _app_evidence(args: argparse.Namespace, out: TextIO) -> int:
    from .evidence import app_evidence
    from .evidence.text import render

    path = Path(args.file)
    if not path.is_file():
        raise _NotFound(args.file)
    report = app_evidence(path, today=args.today).to_dict()
    if args.format == "json":
        out.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(render(report, args.lang))
    return 0


def _port(text: str) -> int:
    value = _positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (1-65535)")
    return value


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    try:
        from .service import main as service
    except ImportError as exc:  # the optional extra is missing
        raise _NoExtra(exc.name or str(exc)) from None
    ruleset = _load(args)  # a rule or data file error is reported here, before any worker starts
    if args.openapi:
        from .service.app import create_app

        out.write(json.dumps(create_app(ruleset).openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        return 0
    service.serve(host=args.host, port=args.port, workers=args.workers, rules=args.rules, data=args.data,
                  no_builtin=args.no_builtin, access_log=args.access_log)
    return 0


class _NoExtra(IcpRulesError):
    def __init__(self, name: str) -> None:
        super().__init__(f"the service needs {name}: pip install 'icprules[serve]'")


def _load(args: argparse.Namespace) -> RuleSet:
    return load_rules(*args.rules, builtin=not args.no_builtin, data=args.data)


class _Writable:
    """A stream that writes any text: lone surrogates from a document become escapes (see encoding)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(writable(text))

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out: Any = _Writable(stdout or sys.stdout)
    err: Any = _Writable(stderr or sys.stderr)
    args = _parser().parse_args(argv)
    if getattr(args, "format", "") is None and not getattr(args, "batch", False):
        args.format = "text"
    try:
        if args.command == "rule-schema":
            if args.digests:
                out.write(json.dumps(validated_digests(), indent=2, sort_keys=True) + "\n")
            else:
                out.write(schema_text())
            return 0
        if args.command == "schema":
            from .reading import input_schema
            from .report import schema as report_schema

            if args.report:
                out.write(report_schema.schema_text())
            else:
                ruleset = _load(args)
                in_force = ruleset.in_force(args.as_of or dt.date.today())
                out.write(input_schema.schema_text(ruleset.data, [r.spec for r in in_force]))
            return 0
        if args.command == "record-number":
            return _explain_number(args.number, args.lang, out)
        if args.command == "footer":
            from .report import footer

            if args.app:
                notice = footer.app_notice(args.number, args.as_of)
                out.write(f"{notice['zh']}\n{notice['en']}\n{notice['link']}\n")
            else:
                out.write(footer.website_html(args.number, args.police, args.as_of))
            return 0
        if args.command == "serve":
            return _serve(args, out)
        if args.command == "app-evidence":
            return _app_evidence(args, out)
        ruleset = _load(args)
        if args.command == "rules":
            return _list_rules(ruleset, args.lang, out, args.as_of)
        if args.command == "diff-rules":
            from .ruleset import history

            result = history.diff(ruleset, args.start, args.end)
            out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n" if args.format == "json"
                      else history.text(result, args.lang))
            return 0
        if args.command == "materials":
            return _materials(ruleset, args, out)
        if args.command == "explain":
            return _explain(ruleset, args, out)
        if args.command == "docs":
            from .report import docs

            written = docs.write(ruleset, args.lang, Path(args.out))
            out.write(f"wrote {len(written)} pages to {args.out}\n")
            return 0
        return _check(ruleset, args, out)
    except IcpRulesError as exc:
        if getattr(args, "format", None) == "json" and not getattr(args, "batch", False) \
                and args.command != "serve":
            # A portal reading JSON gets JSON, also when the document cannot be read.
            problems = [dataclasses.asdict(p) for p in getattr(exc, "problems", ())] or [{"message": str(exc)}]
            out.write(json.dumps({"ok": False, "error": str(exc), "problems": problems}, ensure_ascii=False,
                                 indent=2) + "\n")
        err.write(f"icprules: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as Unix tools do.
        _silence_stdout()
        return 0


def _report(ruleset: RuleSet, args: argparse.Namespace) -> Report:
    source: str | Path
    if args.file == "-":
        source = sys.stdin.read()
    else:
        source = Path(args.file)
        if source.is_dir():
            raise _IsFolder(args.file)
        if not source.is_file():
            raise _NotFound(args.file)
    return check(source, today=args.today, rules=ruleset, reveal_personal=args.show_personal,
                 base_dir=args.base_dir, as_of=args.as_of)


class _VersionAction(argparse.Action):
    """argparse's "version", asking the installed metadata only when ``--version`` is given (about 3 ms
    of every command's start otherwise)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        print(f"icprules {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("icprules")
    except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
        return "unknown"


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that Python's exit flush does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _BatchFormat(IcpRulesError):
    def __init__(self, fmt: str) -> None:
        super().__init__(f"--batch writes one JSON line per document; it cannot stream --format {fmt} "
                         "(use --format json, or check documents one by one)")


class _IsFolder(IcpRulesError):
    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is a folder: use --batch to check every document in it")


def _explain(ruleset: RuleSet, args: argparse.Namespace, out: TextIO) -> int:
    if args.rule not in ruleset.ids:
        raise _UnknownRule(args.rule)
    if not Path(args.file).is_file():
        raise _NotFound(args.file)
    result = explain(args.rule, Path(args.file), rules=ruleset, today=args.today or dt.date.today(),
                     reveal_personal=args.show_personal, as_of=args.as_of)
    if args.format == "json":
        out.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(result.to_text(args.lang))
    return 0


class _UnknownRule(IcpRulesError):
    def __init__(self, rule: str) -> None:
        super().__init__(f"no rule {rule!r} is loaded (see: icprules rules)")


def _materials(ruleset: RuleSet, args: argparse.Namespace, out: TextIO) -> int:
    report = _report(ruleset, args)
    if args.format == "json":
        out.write(json.dumps({"verification": report.verification, "materials": list(report.materials)},
                             ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(formats.materials(report, lang=args.lang, name=None if args.file == "-" else args.file))
    missing = [m for m in report.materials if m["required"] and not m["provided"]]
    return 1 if missing else 0


def _check(ruleset: RuleSet, args: argparse.Namespace, out: TextIO) -> int:
    if args.batch:
        target = Path(args.file)
        if not target.exists():
            raise _NotFound(args.file)
        if args.format not in (None, "json"):
            raise _BatchFormat(args.format)
        from . import batch

        _, bad = batch.run(target, ruleset, today=args.today or dt.date.today(),
                           reveal_personal=args.show_personal, out=out, err=_Writable(sys.stderr), jobs=args.jobs,
                           as_of=args.as_of)
        return 1 if bad else 0
    report = _report(ruleset, args)
    titles = ruleset.data.files.get("sources", {}).get("documents", {})
    if args.format == "json":
        out.write(formats.json_text(report))
    elif args.format == "sarif":
        uri = None if args.file == "-" else Path(args.file).as_posix()
        log = formats.sarif(report, ruleset, lang=args.lang, uri=uri, titles=titles)
        out.write(json.dumps(log, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(formats.text(report, lang=args.lang, name=None if args.file == "-" else args.file,
                               titles=titles))
    return 0 if report.ok else 1


class _NotFound(IcpRulesError):
    def __init__(self, name: str) -> None:
        there = Path(name).exists()  # a FIFO or a device: there, but never opened
        super().__init__(f"not a regular file (a FIFO, device or socket): {name}" if there else f"no such file: {name}")


def _explain_number(text: str, lang: str, out: TextIO) -> int:
    words = builtin().resolve("ui.record_number")
    t = ui("record_number_labels", lang)
    number = record_number.parse(text)
    row = next(p for p in builtin().resolve("provinces.provinces") if p["code"] == number.province)
    lines = [
        record_number.format(number),
        f"  {t['kind']}: {words['kinds'][number.kind][lang]}",
        f"  {t['province']}: {row['name_zh'] if lang == 'zh' else row['name_en']} ({number.abbr})",
    ]
    if number.kind == "police":
        lines.append(f"  {t['region']}: {number.region}")
    else:
        lines.append(f"  {t['entity']}: {number.entity_number}")
    if number.service is not None:
        kind = words["services"][number.service_type or "website"][lang]
        lines.append(f"  {t['service']}: {kind} #{number.service}")
    out.write("\n".join(lines) + "\n")
    return 0


def _list_rules(ruleset: RuleSet, lang: str, out: TextIO, as_of: dt.date | None = None) -> int:
    rules = ruleset.in_force(as_of)
    width = max((len(r.id) for r in rules), default=10)
    for rule in rules:
        title = rule.title.get(lang) or rule.message.get(lang, "")
        out.write(f"{rule.id:<{width}}  {rule.severity:<7}  {title}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
