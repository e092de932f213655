"""The HTTP service (#13.1): the same reports as the library, problem+json errors, bounds from data,
and no request that can make the server read one of its own files."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import icprules
from icprules import check, load_rules

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from icprules.service.app import create_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TODAY = "2026-11-23"
YAML = {"content-type": "application/yaml"}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(icprules.default_rules())) as c:
        yield c


def _attachments(document: Path) -> dict[str, bytes]:
    """Every file under the document's folder that the document names, by the name it uses."""
    text = document.read_text(encoding="utf-8")
    return {f"files/{p.name}": p.read_bytes() for p in sorted((document.parent / "files").iterdir())
            if f"files/{p.name}" in text}


def _as_json(document: Path) -> dict[str, Any]:
    """The document as a portal sends it: JSON, dates as ISO text."""
    data: dict[str, Any] = json.loads(json.dumps(yaml.safe_load(document.read_text(encoding="utf-8")), default=str))
    return data


def _problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:icprules:problem:{kind}" and body["status"] == status
    # Every kind of problem is titled in data/ui.yaml, in both languages.
    assert body["title"] == body["titles"]["en"] and body["titles"]["zh"] and body["title"] != kind
    return body


# -- the same reports as the library -------------------------------------------------------------

@pytest.mark.parametrize("name", ["website-application.yaml", "app-application.yaml", "needs-work.yaml"])
def test_multipart_check_is_the_library_check(client: TestClient, name: str) -> None:
    document = EXAMPLES / name
    files = _attachments(document)
    assert files, "the example names attachments"
    response = client.post(f"/v1/check?today={TODAY}",
                           files={"document": (name, document.read_bytes(), "application/yaml"),
                                  **{k: (Path(k).name, v) for k, v in files.items()}})
    assert response.status_code == 200, response.text
    expected = check(document, today=TODAY).to_dict()
    assert response.json() == expected


def test_json_body_without_attachments_reports_them_missing_and_reads_no_server_file(client: TestClient) -> None:
    document = EXAMPLES / "website-application.yaml"
    data = _as_json(document)
    response = client.post(f"/v1/check?today={TODAY}", json=data)
    assert response.status_code == 200
    report = response.json()
    # The examples folder is next to the server's working directory, yet nothing is read from it.
    assert not report["ok"]
    missing = [f for f in report["findings"] if f["rule"] == "attachment.file-readable"]
    assert len(missing) == 4 and all(f["value"].startswith("files/") for f in missing)
    assert report == check(data, attachments={}, today=TODAY).to_dict()


def test_yaml_body_and_sarif(client: TestClient) -> None:
    text = (EXAMPLES / "needs-work.yaml").read_bytes()
    report = client.post(f"/v1/check?today={TODAY}", content=text, headers=YAML).json()
    assert report["summary"]["error"] > 0 and report["produced_by"]["icprules"] == icprules.__version__
    sarif = client.post(f"/v1/check?today={TODAY}&format=sarif&lang=zh", content=text, headers=YAML)
    assert sarif.headers["content-type"].startswith("application/sarif+json")
    results = sarif.json()["runs"][0]["results"]
    assert len(results) == len(report["findings"])


def test_masked_unless_revealed(client: TestClient) -> None:
    text = (EXAMPLES / "needs-work.yaml").read_bytes()
    masked = client.post(f"/v1/check?today={TODAY}", content=text, headers=YAML).json()
    revealed = client.post(f"/v1/check?today={TODAY}&reveal_personal=true", content=text, headers=YAML).json()
    document = icprules.DocumentText(text.decode())
    assert masked == check(document, attachments={}, today=TODAY).to_dict()
    assert revealed == check(document, attachments={}, today=TODAY, reveal_personal=True).to_dict()
    assert "****" in json.dumps(masked) and "****" not in json.dumps(revealed)


def test_materials_and_explain(client: TestClient) -> None:
    text = (EXAMPLES / "app-application.yaml").read_bytes()
    materials = client.post(f"/v1/materials?today={TODAY}", content=text, headers=YAML).json()
    assert materials["verification"]["result"] == "electronic" and materials["materials"]
    rule = "eligibility.province-supported"
    explained = client.post(f"/v1/rules/{rule}/explain?today={TODAY}", content=text, headers=YAML).json()
    assert explained["rule"] == rule and "condition" in explained
    _problem(client.post("/v1/rules/no.such-rule/explain", content=text, headers=YAML), 404, "http")


# -- errors are problem details, located as the CLI locates them -------------------------------

def test_unreadable_document_is_a_located_problem(client: TestClient) -> None:
    body = _problem(client.post("/v1/check", content=b"version: 1\nservices: [\n", headers=YAML), 422,
                    "invalid-document")
    assert body["problems"][0]["line"] is not None and "YAML" in body["problems"][0]["message"]
    wrong = _problem(client.post("/v1/check", json={"version": 1, "entity": {"name": ["a list"]}}), 422,
                     "invalid-document")
    assert wrong["problems"][0]["path"].startswith("entity.name")


def test_a_body_naming_a_server_file_is_text_not_a_path(client: TestClient) -> None:
    for name in [str(EXAMPLES / "website-application.yaml"), "/etc/passwd", "examples/website-application.yaml"]:
        body = _problem(client.post("/v1/check", content=name.encode(), headers={"content-type": "text/plain"}),
                        422, "invalid-document")
        assert "mapping" in body["detail"]


def test_attachment_paths_never_leave_the_request(client: TestClient, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    shutil.copy(EXAMPLES / "files" / "app-icon.png", secret)
    data = _as_json(EXAMPLES / "app-application.yaml")
    data["services"][0]["attachments"]["app_icon"] = str(secret)
    report = client.post(f"/v1/check?today={TODAY}", json=data).json()
    icon = [f for f in report["findings"] if f["path"] == "services[0].attachments.app_icon"]
    assert icon and icon[0]["severity"] == "error", icon
    relative = {**data, "services": [{**data["services"][0], "attachments": {"app_icon": "../" * 12 + str(secret)}}]}
    report = client.post(f"/v1/check?today={TODAY}", json=relative).json()
    assert [f["severity"] for f in report["findings"] if f["path"] == "services[0].attachments.app_icon"] == ["error"]
    bad = client.post("/v1/check", files={"document": ("a.yaml", b"version: 1\n"), "../escape.png": ("x", b"x")})
    _problem(bad, 422, "invalid-document")
    twice = client.post("/v1/check", files=[("document", ("a.yaml", b"version: 1\n")),
                                             ("files/a.png", ("a.png", b"1")), ("files/a.png", ("a.png", b"2"))])
    assert "twice" in _problem(twice, 422, "invalid-document")["detail"]
    text_part = client.post("/v1/check", files={"other": (None, b"x"), "document": (None, b"version: 1\n")})
    assert "only 'document'" in _problem(text_part, 422, "invalid-document")["detail"]
    _problem(client.post("/v1/check", files={"files/a.png": ("a.png", b"x")}), 422, "invalid-document")


def test_wrong_media_type_and_parameters(client: TestClient) -> None:
    _problem(client.post("/v1/check", content=b"<xml/>", headers={"content-type": "application/xml"}), 415,
             "unsupported-media-type")
    bad = _problem(client.post("/v1/check?today=yesterday", json={"version": 1}), 422, "invalid-parameter")
    assert bad["problems"][0]["path"] == "query.today"
    _problem(client.post("/v1/check?format=pdf", json={"version": 1}), 422, "invalid-parameter")
    _problem(client.get("/v1/nothing-here"), 404, "http")
    _problem(client.get("/v1/check"), 405, "http")


# -- bounds from data ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A service whose limits (data/limits.yaml, overridden by name) are tiny."""
    folder = tmp_path_factory.mktemp("limits")
    limits = yaml.safe_load((ROOT / "data" / "limits.yaml").read_text(encoding="utf-8"))
    limits.update(service_max_request_bytes=20_000, service_max_document_bytes=5_000, service_max_parts=4,
                  attachments_max_files=2, attachments_max_bytes=3_000)
    (folder / "limits.yaml").write_text(yaml.safe_dump(limits, allow_unicode=True), encoding="utf-8")
    with TestClient(create_app(load_rules(data=[folder]))) as c:
        yield c


def test_limits_come_from_data(small: TestClient) -> None:
    doc = ("document", ("a.yaml", (EXAMPLES / "needs-work.yaml").read_bytes()))
    _problem(small.post("/v1/check", content=b"#" * 30_000, headers=YAML), 413, "too-large")
    _problem(small.post("/v1/check", content=b"#" * 6_000, headers=YAML), 413, "too-large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: bounded while it streams in
        for _ in range(30):
            yield b"#" * 1_000

    _problem(small.post("/v1/check", content=chunks(), headers=YAML), 413, "too-large")
    _problem(small.post("/v1/check", files=[doc, ("files/a", ("a", b"1" * 2_000)), ("files/b", ("b", b"1" * 2_000))]),
             413, "too-large")
    _problem(small.post("/v1/check", files=[doc, *[(f"files/{i}", (str(i), b"1")) for i in range(3)]]), 413,
             "too-large")
    _problem(small.post("/v1/check", files=[doc, *[(f"files/{i}", (str(i), b"1")) for i in range(6)]]), 413,
             "too-large")
    ok = small.post("/v1/check", files=[doc, ("files/a", ("a", b"1"))])
    assert ok.status_code == 200


def test_deep_nesting_is_refused_not_a_crash(client: TestClient) -> None:
    deep = b"[" * 5_000 + b"]" * 5_000
    _problem(client.post("/v1/check", content=deep, headers={"content-type": "application/json"}), 422,
             "invalid-document")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
                      st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                                   lambda kids: st.lists(kids, max_size=4)
                                   | st.dictionaries(st.sampled_from(["version", "entity", "services", "people",
                                                                      "name", "type", "x"]), kids, max_size=4),
                                   max_leaves=20).map(lambda v: json.dumps(v).encode())),
       kind=st.sampled_from(["application/json", "application/yaml", "text/plain"]))
def test_any_body_gets_a_report_or_a_problem_never_a_500(client: TestClient, body: bytes, kind: str) -> None:
    response = client.post("/v1/check", content=body, headers={"content-type": kind})
    assert response.status_code in (200, 413, 422), response.text
    if response.status_code != 200:
        assert response.headers["content-type"].startswith(PROBLEM)


# -- record numbers, footers, rules, schemas -----------------------------------------------------

def test_record_numbers_and_footer(client: TestClient) -> None:
    parsed = client.get("/v1/record-number", params={"number": "京ICP備 04000001號－1"}).json()
    assert parsed["canonical"] == "京ICP备04000001号-1" and parsed["province"]["code"] == "BJ"
    assert parsed["entity_number"] == "京ICP备04000001号" and parsed["service"] == 1
    police = client.get("/v1/record-number", params={"number": "京公网安备11010502030143号"}).json()
    assert police["kind"] == "police" and police["region"] == "110105"
    wrong = _problem(client.get("/v1/record-number", params={"number": "京公网安备31010502030143号"}), 422,
                     "invalid-record-number")
    assert wrong["code"] == "record_region_mismatch" and "310105" in wrong["message"]["zh"]
    footer = client.get("/v1/footer", params={"number": "京ICP备04000001号-1"}).json()
    assert "https://beian.miit.gov.cn" in footer["html"]
    app = client.get("/v1/footer", params={"number": "京ICP备04000001号-2A", "kind": "app"}).json()
    assert app["kind"] == "app" and "京ICP备04000001号-2A" in app["zh"]


def test_rules_and_schemas(client: TestClient) -> None:
    rules = client.get("/v1/rules").json()
    assert [r["id"] for r in rules] == [r.id for r in icprules.default_rules().rules]  # every dated version
    one = client.get("/v1/rules/eligibility.province-supported").json()
    assert one["message"]["zh"] and one["source"] and "assert" in one["definition"]
    assert client.get("/v1/schema/application").json() == json.loads(
        (ROOT / "schema" / "application-v1.schema.json").read_text(encoding="utf-8"))
    assert client.get("/v1/schema/report").json() == json.loads(
        (ROOT / "schema" / "report-v1.schema.json").read_text(encoding="utf-8"))
    health = client.get("/v1/health").json()
    assert health["status"] == "ok" and health["rules"] == len(rules)


def test_openapi_is_committed_and_valid(client: TestClient) -> None:
    from openapi_spec_validator import validate

    served = client.get("/openapi.json").json()
    committed = json.loads((ROOT / "schema" / "openapi.json").read_text(encoding="utf-8"))
    assert served == committed, "regenerate: icprules serve --openapi > schema/openapi.json"
    validate(committed)
    body = committed["paths"]["/v1/check"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "application/yaml", "multipart/form-data"}
    assert "Application.Person" in committed["components"]["schemas"]


# -- a real server -------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _connections_held(parent: int, port: int) -> dict[int, int]:
    """How many established connections to ``port`` each child process of ``parent`` holds (Linux)."""
    established = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 01: ESTABLISHED
            established.add(fields[9])  # the socket's inode
    held: dict[int, int] = {}
    for child in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
        inodes = set()
        for fd in Path(f"/proc/{child}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = str(fd.readlink())
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        if inodes & established:
            held[int(child)] = len(inodes & established)
    return held


def test_a_real_server_answers_concurrent_clients(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-m", "icprules", "serve", "--port", str(port), "--workers", "2"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/v1/health", timeout=2) as r:
                    assert json.load(r)["status"] == "ok"
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        text = (EXAMPLES / "needs-work.yaml").read_bytes()
        expected = check(text.decode(), attachments={}, today=TODAY).to_dict()

        def one(_: int) -> dict[str, Any]:
            request = urllib.request.Request(f"{base}/v1/check?today={TODAY}", data=text, headers=YAML)
            with urllib.request.urlopen(request, timeout=30) as r:
                result: dict[str, Any] = json.load(r)
                return result

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(one, range(32)))
        assert all(r == expected for r in results)

        # A pool of kept-alive connections, opened at once as a portal's pool opens them, is shared
        # by the workers (one took 31 of 32 before they took turns): each holds at least a quarter.
        # Counted in Linux's /proc (CI's system).
        if not Path("/proc/net/tcp").exists():
            return
        pool_of = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
        try:
            for c in pool_of:
                c.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            for c in pool_of:
                assert c.recv(1024).startswith(b"HTTP/1.1 200")
            held = _connections_held(server.pid, port)
            assert len(held) == 2 and sum(held.values()) == 16 and min(held.values()) >= 4, held
        finally:
            for c in pool_of:
                c.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_refuses_a_bad_rule_file_before_starting(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: x\nrules: [\n", encoding="utf-8")
    from icprules.cli import main

    err: list[str] = []

    class Err:
        def write(self, text: str) -> int:
            err.append(text)
            return len(text)

        def flush(self) -> None:
            pass

        def isatty(self) -> bool:
            return False

    assert main(["serve", "--rules", str(bad), "--port", "1"], stderr=Err()) == 2  # type: ignore[arg-type]
    assert "bad.yaml" in "".join(err)


def test_a_lone_surrogate_in_a_document_is_answered(client: TestClient) -> None:
    data = _as_json(EXAMPLES / "needs-work.yaml")
    data["entity"]["name"] = "示例\ud800公司"
    body = json.dumps(data).encode()  # JSON allows the escape; the parsed text then holds a lone surrogate
    for query in ("", "&format=sarif"):
        response = client.post(f"/v1/check?today={TODAY}{query}", content=body,
                               headers={"content-type": "application/json"})
        assert response.status_code == 200 and "\\ud800" in response.text
    bad = client.post("/v1/check", content=b'{"format": "icprules/application/v1", "entity": 5, "x\\ud800": 1}',
                      headers={"content-type": "application/json"})
    assert bad.status_code == 422


def test_convert_reads_as_the_checker_reads_and_writes_yaml_or_json(client: TestClient) -> None:
    text = (EXAMPLES / "app-application.yaml").read_bytes()
    as_json = client.post("/v1/convert?to=json", content=text, headers=YAML).json()
    assert as_json == _as_json(EXAMPLES / "app-application.yaml")
    back = client.post("/v1/convert?to=yaml", json=as_json)
    assert back.headers["content-type"].startswith("application/yaml")
    assert json.loads(json.dumps(yaml.safe_load(back.text), default=str)) == as_json
    located = _problem(client.post("/v1/convert", content=b"a: 1\na: 2\n", headers=YAML), 422, "invalid-document")
    assert located["problems"][0]["line"] == 2
    _problem(client.post("/v1/convert", content=b"[" * 10_000, headers=YAML), 422, "invalid-document")


def test_the_page_is_served_with_its_assets_and_a_strict_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "http" not in policy
    for asset in ("app.js", "style.css"):
        body = client.get(f"/static/{asset}")
        assert body.status_code == 200 and "http://" not in body.text and "https://" not in body.text
    assert client.get("/static/../app.py").status_code == 404


def test_app_evidence_over_http(client: TestClient) -> None:
    apk = (Path(__file__).resolve().parent / "fixtures" / "apps" / "golden-aligned-v2-out.apk").read_bytes()
    raw = client.post("/v1/app-evidence?name=tiny.apk", content=apk,
                      headers={"content-type": "application/octet-stream"}).json()
    assert raw["package"] == "android.appsecurity.cts.tinyapp"
    assert raw["filing"]["signature_md5"] == "E995A5ED7137307661F854E66901EE9E"
    form = client.post("/v1/app-evidence", files={"file": ("tiny.apk", apk)}).json()
    assert form == raw | {"file": "tiny.apk"}
    bad = _problem(client.post("/v1/app-evidence", content=b"PK\x03\x04 nothing",
                               headers={"content-type": "application/octet-stream"}), 422, "unreadable-artefact")
    assert bad["code"].startswith("evidence_") and bad["message"]["zh"]


def test_the_page_wording_comes_from_data(client: TestClient) -> None:
    import yaml as _yaml

    wording = client.get("/v1/ui/page").json()
    data = _yaml.safe_load((ROOT / "data" / "ui.yaml").read_text(encoding="utf-8"))["page"]
    assert wording == data and wording["zh"]["title"] == "ICP备案预检"
    _problem(client.get("/v1/ui/meta"), 404, "http")
    _problem(client.get("/v1/ui/nothing"), 404, "http")


def test_the_check_route_reads_its_parameters_as_documented(client: TestClient) -> None:
    text = (EXAMPLES / "needs-work.yaml").read_bytes()
    for query, path in (("reveal_personal=perhaps", "query.reveal_personal"), ("lang=fr", "query.lang"),
                        ("today=2026-13-01", "query.today"), ("format=xml", "query.format")):
        body = _problem(client.post(f"/v1/check?{query}", content=text, headers=YAML), 422, "invalid-parameter")
        assert body["problems"][0]["path"] == path
    for value in ("true", "1", "yes", "ON"):
        revealed = client.post(f"/v1/check?today={TODAY}&reveal_personal={value}", content=text, headers=YAML).json()
        assert "****" not in json.dumps(revealed)
    committed = json.loads((ROOT / "schema" / "openapi.json").read_text(encoding="utf-8"))
    names = {p["name"] for p in committed["paths"]["/v1/check"]["post"]["parameters"]}
    assert names == {"today", "reveal_personal", "format", "lang"}  # what the plain route reads


def test_the_report_is_made_in_the_check_thread_never_on_the_event_loop(client: TestClient,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A report works its parts out when they are read (a third of a check): reading them for the
    answer must happen in the check thread too, or every other request waits behind it."""
    import asyncio

    from icprules import report_parts

    on_loop: list[bool] = []
    real = report_parts.CheckedParts.part

    def part(self: Any, name: str) -> Any:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return real(self, name)

    monkeypatch.setattr(report_parts.CheckedParts, "part", part)
    body = (EXAMPLES / "needs-work.yaml").read_bytes()
    for url in (f"/v1/check?today={TODAY}", f"/v1/check?today={TODAY}&format=sarif", f"/v1/materials?today={TODAY}"):
        assert client.post(url, content=body, headers=YAML).status_code == 200
    assert on_loop and not any(on_loop)


def test_a_worker_moves_what_it_loaded_out_of_the_collectors_reach() -> None:
    """The rule set and its tables live as long as the worker: frozen, a full collection under load
    does not walk them (p99 84-88 ms against 106-145 ms without, bench/service.py)."""
    import gc

    gc.unfreeze()
    with TestClient(create_app(icprules.default_rules())):
        assert gc.get_freeze_count() > 10_000
    gc.unfreeze()


def test_problem_titles_come_from_data(tmp_path: Path) -> None:
    """The titles of error answers are data (data/ui.yaml, section problems): an overlay changes them."""
    assert _problem(TestClient(create_app(icprules.default_rules())).get("/v1/nothing"), 404, "http")["titles"] == {
        "zh": "未找到", "en": "Not found"}
    overlay = tmp_path / "data"
    overlay.mkdir()
    text = (ROOT / "data" / "ui.yaml").read_text(encoding="utf-8")
    (overlay / "ui.yaml").write_text(text.replace("http_404: Not found", "http_404: No such page"), encoding="utf-8")
    with TestClient(create_app(load_rules(data=[overlay]))) as c:
        body = _problem(c.get("/v1/nothing"), 404, "http")
        assert body["title"] == "No such page" and body["titles"]["zh"] == "未找到"
        too_large = c.post("/v1/check", content=b"x", headers={"content-length": str(10 ** 12)})
        assert _problem(too_large, 413, "too-large")["titles"]["en"] == "Content too large"


def test_a_limits_overlay_that_names_one_limit_keeps_the_others(tmp_path: Path) -> None:
    """An overlay file replaces the whole built-in file: the limits only the code reads that it leaves
    out are the built-in file's, never numbers kept in the code."""
    from icprules.evidence.reader import Limits

    overlay = tmp_path / "data"
    overlay.mkdir()
    # The built-in file without the limits only the code reads, and with a smaller document limit.
    kept = [line for line in (ROOT / "data" / "limits.yaml").read_text(encoding="utf-8").splitlines()
            if not line.startswith(("service_max", "attachments_", "evidence_"))]
    (overlay / "limits.yaml").write_text("\n".join(kept) + "\nservice_max_document_bytes: 100\n", encoding="utf-8")
    rules = load_rules(data=[overlay])
    builtin = icprules.default_rules().data
    assert rules.data.limit("service_max_document_bytes") == 100
    assert rules.data.limit("attachments_max_files") == builtin.files["limits"]["attachments_max_files"]
    assert Limits.from_data(rules.data) == Limits.from_data(builtin)
    with TestClient(create_app(rules)) as c:
        body = json.dumps(_as_json(EXAMPLES / "website-application.yaml")).encode()
        _problem(c.post("/v1/check", content=body, headers={"content-type": "application/json"}), 413, "too-large")
        small = c.post("/v1/check", content=b"{}", headers={"content-type": "application/json"})
        assert small.status_code == 422
    with pytest.raises(KeyError):
        rules.data.limit("no_such_limit")


def test_the_server_uses_the_c_http_parser_with_nagle_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """httptools (the serve extra installs it) rather than h11, and either turns TCP_NODELAY on for a
    socket whose ``proto`` reads 0, as uvicorn's workers get them (40 ms a request otherwise)."""
    import uvicorn

    from icprules.service import main, protocol

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.setattr(os, "environ", {**os.environ})  # serve() passes its settings to workers there
    main.serve(host="127.0.0.1", port=0, workers=1, rules=[], data=[], no_builtin=False)
    assert seen["http"] is protocol.NoDelayHttpToolsProtocol
    assert seen["loop"] == "auto"  # uvloop where it is installed: one worker has no one to share with
    main.serve(host="127.0.0.1", port=0, workers=2, rules=[], data=[], no_builtin=False)
    assert seen["loop"] == "icprules.service.loop:TakeTurnsEventLoop"

    class Transport:
        def __init__(self, sock: socket.socket) -> None:
            self.sock = sock

        def get_extra_info(self, name: str) -> Any:
            return self.sock if name == "socket" else None

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0) as sock:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        protocol._no_delay(Transport(sock))  # type: ignore[arg-type]
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_a_worker_loop_accepts_one_connection_then_leaves_the_next_to_the_others(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With several workers on one socket, asyncio accepted every waiting connection at once, and the
    first worker to run took a pool of 32 whole (31 to 1). The worker loop takes one a turn, then stops
    listening for a moment (icprules.service.loop); the moment is made long here to be seen."""
    import asyncio

    from icprules.service import loop as worker_loop

    assert worker_loop.BALANCES, "this Python's asyncio changed shape: the workers no longer take turns"
    pause = 0.05
    monkeypatch.setattr(worker_loop, "PAUSE", pause)
    accepted: list[float] = []

    class Counting(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted.append(time.monotonic())

    async def scenario() -> tuple[int, int, int]:
        listener = socket.create_server(("127.0.0.1", 0))
        clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
        try:
            time.sleep(0.05)  # the three are waiting in the listen queue
            server = await asyncio.get_running_loop().create_server(Counting, sock=listener)
            for _ in range(20):  # turns of the loop, all well within the pause
                await asyncio.sleep(0)
            within_the_pause = len(accepted)
            await asyncio.sleep(pause * 6)
            after_the_pauses = len(accepted)
            server.close()  # closed while paused: the pending resume does nothing
            await asyncio.sleep(pause * 2)
            return within_the_pause, after_the_pauses, len(clients)
        finally:
            for c in clients:
                c.close()

    errors: list[dict[str, Any]] = []
    with asyncio.Runner(loop_factory=worker_loop.TakeTurnsEventLoop) as runner:
        runner.get_loop().set_exception_handler(lambda _, context: errors.append(context))
        one, every, waiting = runner.run(scenario())
    assert (one, every) == (1, waiting)
    assert all(b - a >= pause * 0.9 for a, b in itertools.pairwise(accepted))
    assert errors == []


def test_the_direct_check_route_answers_as_the_whole_application(client: TestClient) -> None:
    """POST /v1/check with a JSON or YAML body skips FastAPI's middleware and router (a few percent of a
    request's CPU): every answer, good or refused, is the one the application gives without it."""
    app = client.app
    direct = app.check_direct  # type: ignore[attr-defined]
    assert direct is not None
    text = (EXAMPLES / "needs-work.yaml").read_bytes()
    big = b'{"a": "' + b"x" * 1_100_000 + b'"}'
    app_json = json.dumps(_as_json(EXAMPLES / "app-application.yaml"), default=str).encode()
    requests: list[tuple[str, bytes, dict[str, str]]] = [
        (f"/v1/check?today={TODAY}", text, YAML),
        (f"/v1/check?today={TODAY}&format=sarif&lang=zh", text, YAML),
        (f"/v1/check?today={TODAY}&reveal_personal=yes", app_json, {"content-type": "application/json"}),
        ("/v1/check", b"a: [", YAML),  # unreadable
        ("/v1/check", b"[1, 2]", {"content-type": "application/json"}),  # not an application
        ("/v1/check?today=2026-13-45&format=xml", text, YAML),  # bad parameters
        ("/v1/check", big, {"content-type": "application/json"}),  # over the document limit
        ("/v1/check", text, {"content-type": "application/json", "content-length": "99999999999"}),
        ("/v1/check", text, {"content-type": "text/html"}),  # not taken directly: the whole way, 415
    ]
    answers = []
    for through in (direct, None):
        app.check_direct = through  # type: ignore[attr-defined]
        try:
            answers.append([(r.status_code, r.headers.get("content-type"), r.content) for r in
                            (client.post(url, content=body, headers=headers) for url, body, headers in requests)])
        finally:
            app.check_direct = direct  # type: ignore[attr-defined]
    assert [a[0] for a in answers[0]] == [200, 200, 200, 422, 422, 422, 413, 413, 415]
    assert answers[0] == answers[1]
