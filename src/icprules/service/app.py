"""The HTTP application: versioned endpoints over the library, for portals in any language.

Every request is read with bounds from data (``limits.service_*`` and ``limits.attachments_*``),
checked in a worker thread (a check is CPU-bound; the event loop keeps answering) and answered
with the same report the library returns, or with RFC 9457 problem details. A request can never
make the service read one of its own files: the document is always text (never a file name),
and attachments are resolved only among the files uploaded with that request, in a private
temporary folder removed afterwards.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Annotated, Any, Literal

import yaml
from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import api
from ..data import DataStore
from ..encoding import jsonable, writable
from ..errors import DocumentError, IcpRulesError, Problem
from ..identifiers import record_number
from ..messages import render
from ..reading.document import DocumentText
from ..reading.yamlio import LoadError, decode, load_text
from ..report import formats
from ..report import schema as report_schema
from ..report.findings import Report
from ..ruleset.model import RuleSet
from . import page
from .checker import CheckThread
from .openapi import application_body, complete, document_responses
from .problems import MEDIA_TYPE, RESPONSES, SafeJSONResponse, problem

log = logging.getLogger("icprules.service")

_TEXT_TYPES = ("application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
               "text/plain")


Today = Annotated[dt.date | None, Query(description="The day the check is made on (default: the server's date)")]
Reveal = Annotated[bool, Query(description="Show ID numbers, phones and e-mail addresses unmasked")]
Lang = Annotated[Literal["zh", "en"], Query(description="Language of text outputs")]
RuleId = Annotated[str, Path(description="A rule id (see /v1/rules)", max_length=200)]
Number = Annotated[str, Query(description="A record number as written (京ICP备04000001号-1)", max_length=200)]


def _media_kind(content_type: str) -> str:
    """The media type of a Content-Type header, without its parameters, in lower case."""
    return content_type.split(";")[0].strip().lower()


def _is_document_kind(kind: str) -> bool:
    """A body that is the document itself (JSON or YAML), not a form of parts."""
    return kind in _TEXT_TYPES or kind.endswith("+json")


def _length_refused(length: bytes | None, limit: int) -> bool:
    """A Content-Length that is not a number, or says more than the limit."""
    return length is not None and (not length.isdigit() or int(length) > limit)


def _larger(what: str, limit: int) -> str:
    """What a 413 says: the request or the document is over its limit (one wording, whichever route)."""
    return f"the {what} is larger than {limit:,} bytes"


def _report_media_type(fmt: str) -> str:
    return "application/sarif+json" if fmt == "sarif" else "application/json"


class _TooLarge(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _Unsupported(Exception):
    pass


class _BodyLimit:
    """Refuse a body larger than the limit: at once by its Content-Length, else while it streams in."""

    def __init__(self, app: ASGIApp, limit: int, store: DataStore) -> None:
        self.app = app
        self.limit = limit
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if _length_refused(length, self.limit):
            await _too_large(_larger("request", self.limit), self.store)(scope, receive, send)
            return
        seen = 0

        async def bounded() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(_larger("request", self.limit))
            return message

        await self.app(scope, bounded, send)


class _Service(FastAPI):
    """The application, whose hot path (POST /v1/check) skips the middleware and router it does not need.

    Measured with bench/service.py: FastAPI's middleware (errors, body limits, telemetry, exceptions,
    the exit stack) and router took a few percent of a request's CPU; the direct route keeps the
    same limits and answers (create_app: check_direct)."""

    check_direct: Callable[[Scope, Receive, Send], Awaitable[None]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        direct = self.check_direct
        if direct is not None and scope["type"] == "http" and scope["path"] == "/v1/check" \
                and scope["method"] == "POST":
            await direct(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _too_large(detail: str, store: DataStore) -> JSONResponse:
    return problem(413, "too-large", detail, store=store)


def create_app(rules: RuleSet | None = None) -> FastAPI:
    """The service's application; ``rules`` defaults to the built-in rule set, loaded once per worker."""
    ruleset = rules or api.default_rules()
    store = ruleset.data
    max_request = store.limit("service_max_request_bytes")
    max_document = store.limit("service_max_document_bytes")
    max_parts = store.limit("service_max_parts")
    max_files = store.limit("attachments_max_files")
    max_attachments = store.limit("attachments_max_bytes")

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Build the evaluation plans of the common contexts before the first request is timed.
        await run(_warm, ruleset)
        # The rule set, its plans and the tables loaded so far live as long as the worker: moved out of
        # the collector's reach, a full collection no longer walks them (pauses of tens of ms under load).
        gc.freeze()
        yield
        checks.stop()

    app = _Service(
        title="icprules",
        version=str(ruleset.produced_by.get("icprules") or "unknown"),
        summary="China ICP Recordal (ICP备案) pre-checks: rules as data",
        description=("Checks an ICP filing application against the rules of the access provider's guides "
                     "and MIIT's system. Errors are RFC 9457 problem details (application/problem+json)."),
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
        docs_url=None,  # Swagger UI loads its assets from a CDN; the service works offline
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.add_middleware(_BodyLimit, limit=max_request, store=store)

    # -- errors ---------------------------------------------------------------------------------
    def error_answer(exc: Exception) -> JSONResponse:
        """The answer to an error of a check: the handlers below and the direct /v1/check route share it."""
        if isinstance(exc, DocumentError):
            return problem(422, "invalid-document", str(exc), store=store, problems=exc.problems)
        if isinstance(exc, _TooLarge):
            return _too_large(exc.detail, store)
        if isinstance(exc, IcpRulesError):
            return problem(422, "refused", str(exc), store=store)
        log.exception("unexpected error", exc_info=exc)
        return problem(500, "internal", "the service failed on this request; it has been logged", store=store)

    @app.exception_handler(DocumentError)
    async def _document_error(_: Request, exc: DocumentError) -> JSONResponse:
        return error_answer(exc)

    @app.exception_handler(record_number.RecordNumberError)
    async def _record_error(_: Request, exc: record_number.RecordNumberError) -> JSONResponse:
        wording = ruleset.data.files.get("reasons", {}).get("reasons", {}).get(exc.code, {})
        message = {lang: render(text, exc.params, lang) for lang, text in wording.items()}
        return problem(422, "invalid-record-number", str(exc), store=store, code=exc.code, message=message or None)

    @app.exception_handler(_TooLarge)
    async def _large(_: Request, exc: _TooLarge) -> JSONResponse:
        return error_answer(exc)

    @app.exception_handler(_Unsupported)
    async def _unsupported(_: Request, exc: _Unsupported) -> JSONResponse:
        return problem(415, "unsupported-media-type", str(exc), store=store)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [Problem(str(e.get("msg", "")), path=".".join(str(x) for x in e.get("loc", ())))
                    for e in exc.errors()]
        return problem(422, "invalid-parameter", "; ".join(map(str, problems)), store=store, problems=problems)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return problem(exc.status_code, "http", str(exc.detail), store=store)

    @app.exception_handler(IcpRulesError)
    async def _refused(_: Request, exc: IcpRulesError) -> JSONResponse:
        return error_answer(exc)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - a bug
        return error_answer(exc)

    # -- reading a request ------------------------------------------------------------------------
    async def read_request(request: Request) -> tuple[DocumentText, dict[str, bytes]]:
        kind = _media_kind(request.headers.get("content-type", ""))
        if kind == "multipart/form-data":
            return await _read_multipart(request)
        if _is_document_kind(kind):
            raw = bytearray()
            async for chunk in request.stream():
                raw += chunk
                if len(raw) > max_document:
                    raise _TooLarge(_larger("document", max_document))
            return _text(bytes(raw), "the request body"), {}
        raise _Unsupported(f"{kind or 'no content type'}: send the document as application/json, "
                           "application/yaml, or multipart/form-data with a 'document' part and the attachments")

    async def _read_multipart(request: Request) -> tuple[DocumentText, dict[str, bytes]]:
        try:
            form = await request.form(max_files=max_parts, max_fields=max_parts, max_part_size=max_document)
        except (MultiPartException, HTTPException) as exc:  # starlette answers a limit with 400
            detail = getattr(exc, "detail", None) or getattr(exc, "message", str(exc))
            raise _TooLarge(str(detail)) from None
        try:
            document: DocumentText | None = None
            files: dict[str, bytes] = {}
            total = 0
            for name, value in form.multi_items():
                if isinstance(value, str):
                    if name != "document":
                        raise DocumentError(f"form field {name[:80]!r}: only 'document' may be text; "
                                            "attachments are file parts named by their path in the document")
                    document = _text(value.encode("utf-8", "surrogatepass"), "the document part")
                    continue
                data = await value.read(max_attachments - total + 1)
                if name == "document":
                    document = _text(data, value.filename or "the document part")
                    continue
                total += len(data)
                if total > max_attachments:
                    raise _TooLarge(f"the attachments together are larger than {max_attachments:,} bytes")
                if name in files:
                    raise DocumentError(f"attachment {name[:80]!r} is uploaded twice")
                files[name] = data
            if document is None:
                raise DocumentError("no 'document' part: send the application as the part named 'document'")
            if len(files) > max_files:
                raise _TooLarge(f"{len(files)} attachments; at most {max_files} are checked at once")
            return document, files
        finally:
            await form.close()

    def _text(raw: bytes, where: str) -> DocumentText:
        if len(raw) > max_document:
            raise _TooLarge(_larger("document", max_document))
        try:
            return DocumentText(decode(raw, where))
        except LoadError as exc:
            raise DocumentError(exc.problem) from None

    # Checks are CPU-bound and hold the GIL: run side by side in many threads they only slow each
    # other (32 clients: 0.58x of in-process throughput, p99 107 ms). One check thread per worker
    # serves them first come, first served, while the event loop goes on reading requests
    # (icprules.service.checker: how it hands results back cheaply).
    checks = CheckThread()

    async def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            return await checks.run(functools.partial(function, *args, **kwargs))
        return await checks.run(function, *args)

    def checked(document: DocumentText, files: dict[str, bytes], today: dt.date | None,
                reveal: bool) -> Report:
        # An empty upload still gets its own empty folder: attachment paths resolve there or nowhere.
        return api.check(document, attachments=files, today=today, rules=ruleset, reveal_personal=reveal)

    def report_json(report: Report) -> bytes:
        return report.to_json_bytes()

    # -- endpoints --------------------------------------------------------------------------------
    @app.post("/v1/convert", tags=["documents"], summary="An application document as JSON or as YAML",
              openapi_extra={"requestBody": application_body()}, responses=RESPONSES)
    async def convert(request: Request, to: Annotated[Literal["json", "yaml"], Query(
            description="The format to answer in")] = "json") -> Response:
        """Read a document (YAML or JSON) as the checker reads it, bounded, with located errors, and
        write it back: the web page opens YAML files and saves YAML with it."""
        document, _ = await read_request(request)
        try:
            data, _positions = load_text(str(document))
        except LoadError as exc:
            raise DocumentError(exc.problem) from None
        plain = jsonable(data)
        if to == "yaml":
            text = yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
            return Response(writable(text).encode("utf-8"), media_type="application/yaml; charset=utf-8")
        return SafeJSONResponse(plain)

    @app.post("/v1/app-evidence", tags=["APP evidence"],
              summary="Read an APP's package name, version, name and signing certificates from the artefact",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                  "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                      "file": {"type": "string", "format": "binary",
                               "description": ".apk, .ipa, .hap, .app, .mobileprovision, .cer, .pem or .p7b"}}}}}}},
              responses=RESPONSES)
    async def evidence(request: Request, name: Annotated[str | None, Query(
            description="The file's name (its extension helps tell a profile from a certificate)",
            max_length=200)] = None) -> Response:
        from ..evidence import EvidenceError, app_evidence

        kind = _media_kind(request.headers.get("content-type", ""))
        if kind == "multipart/form-data":
            form = await request.form(max_files=1, max_fields=1, max_part_size=max_request)
            try:
                upload = form.get("file")
                if upload is None or isinstance(upload, str):
                    raise DocumentError("send the artefact as the file part named 'file'")
                data, name = await upload.read(max_request + 1), name or upload.filename
            finally:
                await form.close()
        else:
            raw = bytearray()
            async for chunk in request.stream():
                raw += chunk
            data = bytes(raw)
        try:
            found = await run(lambda: app_evidence(data, name=name or "upload").to_dict(ruleset.data))
        except EvidenceError as exc:
            wording = ruleset.data.files.get("reasons", {}).get("reasons", {}).get("package_unreadable", {})
            message = {lang: render(text, {"detail": str(exc)}, lang) for lang, text in wording.items()}
            return problem(422, "unreadable-artefact", str(exc), store=store, code=exc.code, message=message or None)
        return SafeJSONResponse(found)

    @app.get("/v1/health", tags=["service"], summary="Liveness, version and the rule set loaded",
             responses=RESPONSES)
    async def health() -> dict[str, Any]:
        produced = ruleset.produced_by
        return {"status": "ok", "version": produced.get("icprules"), "rules": len(ruleset.rules),
                "rules_and_data_sha256": produced.get("rules_and_data_sha256")}

    @app.post("/v1/check", tags=["check"], summary="Check an application and return its report",
              openapi_extra={"requestBody": application_body()}, responses={**RESPONSES, **document_responses()})
    async def check(request: Request, today: Today = None, reveal_personal: Reveal = False,
                    format: Annotated[Literal["json", "sarif"], Query(description="Report format")] = "json",
                    lang: Lang = "en") -> Response:
        document, files = await read_request(request)
        body = await run(answer, document, files, today, reveal_personal, format, lang)
        return Response(body, media_type=_report_media_type(format))

    def answer(document: DocumentText, files: dict[str, bytes], today: dt.date | None, reveal: bool,
               fmt: str, lang: str) -> bytes:
        # The whole answer is made in the check thread: a report works its parts out when they are
        # read, and reading them for the JSON is a third of the work, which the event loop must not do.
        report = checked(document, files, today, reveal)
        if fmt == "sarif":
            titles = ruleset.data.files.get("sources", {}).get("documents", {})
            return SafeJSONResponse.dump(formats.sarif(report, ruleset, lang=lang, titles=titles))
        return report_json(report)

    _BOOLS = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False, "off": False}

    async def check_fast(request: Request) -> Response:
        """/v1/check without FastAPI's parameter machinery (the route above documents it): the same
        parameters, read and validated here, the same answers. A check is the service's hot path."""
        found = check_parameters(request.query_params)
        if isinstance(found, Response):
            return found
        return await check(request, *found)  # type: ignore[arg-type]

    def check_parameters(query: Any) -> tuple[dt.date | None, bool, str, str] | Response:
        """/v1/check's query parameters, read and validated as FastAPI would, or the answer that refuses them."""
        problems = []
        today: dt.date | None = None
        if query.get("today"):
            try:
                today = dt.date.fromisoformat(query["today"][:10])
            except ValueError:
                problems.append(Problem("Input should be a valid date", path="query.today"))
        reveal = _BOOLS.get(query.get("reveal_personal", "false").lower())
        if reveal is None:
            problems.append(Problem("Input should be a valid boolean", path="query.reveal_personal"))
        fmt, lang = query.get("format", "json"), query.get("lang", "en")
        if fmt not in ("json", "sarif"):
            problems.append(Problem("Input should be 'json' or 'sarif'", path="query.format"))
        if lang not in ("zh", "en"):
            problems.append(Problem("Input should be 'zh' or 'en'", path="query.lang"))
        if problems:
            return problem(422, "invalid-parameter", "; ".join(map(str, problems)), store=store, problems=problems)
        return today, bool(reveal), fmt, lang

    async def check_direct(scope: Scope, receive: Receive, send: Send) -> None:
        """POST /v1/check with a JSON or YAML body, answered without the application's middleware and
        router: the same limits, parameters, check and answers (error_answer, check_parameters), for the
        service's hot path. Anything else (multipart, another media type) goes the whole way."""
        headers = dict(scope.get("headers") or [])
        if not _is_document_kind(_media_kind(headers.get(b"content-type", b"").decode("latin-1"))):
            await FastAPI.__call__(app, scope, receive, send)
            return
        response: Response
        try:
            if _length_refused(headers.get(b"content-length"), max_request):
                raise _TooLarge(_larger("request", max_request))
            found = check_parameters(QueryParams(scope.get("query_string", b"")))
            if isinstance(found, Response):
                response = found
            else:
                raw = bytearray()
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    raw += message.get("body", b"")
                    if len(raw) > max_document:
                        raise _TooLarge(_larger("document", max_document))
                    if not message.get("more_body"):
                        break
                document = _text(bytes(raw), "the request body")
                body = await run(answer, document, {}, *found)
                response = Response(body, media_type=_report_media_type(found[2]))
        except Exception as exc:  # every error is answered as the application answers it
            response = error_answer(exc)
        await response(scope, receive, send)

    app.check_direct = check_direct

    app.router.routes.insert(0, Route("/v1/check", check_fast, methods=["POST"], include_in_schema=False))

    @app.post("/v1/materials", tags=["check"], summary="The verification path and the checklist of materials",
              openapi_extra={"requestBody": application_body()}, responses=RESPONSES)
    async def materials(request: Request, today: Today = None) -> dict[str, Any]:
        document, files = await read_request(request)

        def parts() -> dict[str, Any]:
            report = checked(document, files, today, False)
            return {"verification": jsonable(report.verification), "materials": jsonable(list(report.materials))}

        found: dict[str, Any] = await run(parts)
        return found


    @app.post("/v1/rules/{rule_id}/explain", tags=["rules"], summary="How one rule decided on a document",
              openapi_extra={"requestBody": application_body()}, responses={**RESPONSES, 404: RESPONSES[422]})
    async def explain(rule_id: RuleId, request: Request, today: Today = None,
                      reveal_personal: Reveal = False) -> dict[str, Any]:
        _known(rule_id)
        document, files = await read_request(request)

        def run_explain() -> dict[str, Any]:
            with api.attachments_folder(files, ruleset) as folder:
                return api.explain(rule_id, document, base_dir=folder, today=today or dt.date.today(),
                                   rules=ruleset, reveal_personal=reveal_personal).to_dict()

        result: dict[str, Any] = await run(run_explain)
        return result

    @app.get("/v1/rules", tags=["rules"], summary="The rules loaded", responses=RESPONSES)
    async def rules_list() -> list[dict[str, Any]]:
        return [_rule_summary(r) for r in ruleset.rules]

    @app.get("/v1/rules/{rule_id}", tags=["rules"], summary="One rule: its scope, messages, sources and definition",
             responses={**RESPONSES, 404: RESPONSES[422]})
    async def rule_detail(rule_id: RuleId) -> dict[str, Any]:
        _known(rule_id)
        rule = ruleset.rule(rule_id, dt.date.today())
        return {**_rule_summary(rule), "message": dict(rule.message), "definition": jsonable(rule.spec)}

    def _known(rule_id: str) -> None:
        if rule_id not in ruleset.ids:
            raise HTTPException(404, f"no rule {rule_id[:80]!r} is loaded (see /v1/rules)")


    @app.get("/v1/record-number", tags=["record numbers"], summary="Parse a record number as people write it",
             responses=RESPONSES)
    async def parse_record_number(number: Number) -> dict[str, Any]:
        parsed = record_number.parse(number)
        row = next(p for p in ruleset.data.resolve("provinces.provinces") if str(p["code"]) == parsed.province)
        return {"canonical": record_number.format(parsed), "kind": parsed.kind, "abbr": parsed.abbr,
                "province": {"code": parsed.province, "name_zh": row["name_zh"], "name_en": row["name_en"]},
                "serial": parsed.serial, "entity_number": None if parsed.kind == "police" else parsed.entity_number,
                "service": parsed.service, "service_type": parsed.service_type, "region": parsed.region}

    @app.get("/v1/footer", tags=["record numbers"], summary="What a site or APP shows once its filing is approved",
             responses=RESPONSES)
    async def footer(number: Number,
                     police: Annotated[str | None, Query(description="The public-security filing number",
                                                         max_length=200)] = None,
                     kind: Annotated[Literal["website", "app"], Query()] = "website") -> dict[str, Any]:
        from ..report import footer as footers

        if kind == "app":
            return {"kind": "app", **footers.app_notice(number)}
        return {"kind": "website", "html": footers.website_html(number, police)}

    @app.get("/v1/ui/{section}", tags=["service"], summary="Interface wording of a section (data/ui.yaml), zh and en",
             responses={**RESPONSES, 404: RESPONSES[422]})
    async def wording(section: Annotated[str, Path(max_length=60, pattern=r"^[a-z_]+$")]) -> dict[str, Any]:
        table = ruleset.data.files.get("ui", {}).get(section)
        if section == "meta" or not isinstance(table, dict):
            raise HTTPException(404, f"no wording section {section!r}")
        return {lang: dict(table.get(lang) or {}) for lang in ("zh", "en")}

    @app.get("/v1/schema/application", tags=["schemas"], summary="JSON Schema of the v1 application",
             responses=RESPONSES)
    async def application_schema() -> JSONResponse:
        return JSONResponse(api.application_schema(ruleset), media_type="application/schema+json")

    @app.get("/v1/schema/report", tags=["schemas"], summary="JSON Schema of the report",
             responses=RESPONSES)
    async def report_schema_() -> JSONResponse:
        return JSONResponse(report_schema.report_schema(), media_type="application/schema+json")

    page.mount(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(get_openapi(title=app.title, version=app.version, summary=app.summary,
                                                      description=app.description, routes=app.routes),
                                          api.application_schema(ruleset))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _rule_summary(rule: Any) -> dict[str, Any]:
    def scope(values: frozenset[str] | None) -> list[str] | None:
        return sorted(values) if values is not None else None

    return {"id": rule.id, "pack": rule.pack, "severity": rule.severity, "title": dict(rule.title),
            "services": scope(rule.services), "operations": scope(rule.operations),
            "providers": scope(rule.providers), "provinces": scope(rule.provinces),
            "layer": rule.layer, "authority": rule.authority,
            "effective": {"from": rule.effective_from.isoformat() if rule.effective_from else None,
                          "until": rule.effective_until.isoformat() if rule.effective_until else None},
            "superseded_by": rule.superseded_by, "source": [dict(s) for s in rule.source],
            "deprecated": rule.deprecated}


def _warm(rules: RuleSet) -> None:
    """One check of each service type, so the first clients do not pay for building plans."""
    for kind in ("website", "app"):
        with contextlib.suppress(IcpRulesError):
            api.check({"version": 1, "services": [{"type": kind}]}, rules=rules)


__all__ = ["MEDIA_TYPE", "create_app"]
