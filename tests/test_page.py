"""The web page (#14) in a real browser: headless Chromium from Debian's packages, driven by Playwright,
against a real `icprules serve` on 127.0.0.1.

Screenshots of the main states go to a temporary folder, or to the folder named by
ICPRULES_SCREENSHOTS (``ICPRULES_SCREENSHOTS=docs/screenshots pytest tests/test_page.py`` refreshes
the ones committed under docs/).
"""

from __future__ import annotations

import io
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
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FILES = EXAMPLES / "files"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's own probe starts Chromium: the background-networking flags keep it from calling out.
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]

playwright_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    cwd = tmp_path_factory.mktemp("serve")  # not the repository: the page must need nothing from it
    proc = subprocess.Popen([sys.executable, "-m", "icprules", "serve", "--port", str(port)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/v1/health", timeout=2):
                break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is needed for the page test (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ["ICPRULES_SCREENSHOTS"]) if os.environ.get("ICPRULES_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Page:
    """The page, with waits that follow the checks it makes."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def until(self, expression: str, timeout: float = 20) -> None:
        """Wait until a JavaScript expression is true (polled: the page's CSP forbids wait_for_function's eval)."""
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(expression):
            assert time.monotonic() < deadline, f"timed out waiting for {expression}"
            self.page.wait_for_timeout(50)

    def checks(self) -> int:
        return int(self.page.get_attribute("body", "data-checked") or 0)

    def after_check(self, action: Any) -> None:
        """Do something that triggers a check, and wait until that check's report is shown."""
        before = self.checks()
        action()
        self.until(f"Number(document.body.dataset.checked || 0) > {before}")
        self.page.wait_for_timeout(450)  # a debounced check typed in two steps: let the last one land
        self.until("!document.getElementById('status').textContent.includes('…')")

    def notes(self, path: str) -> list[dict[str, str]]:
        selector = f'#form [data-path="{path}"] > .notes > li'
        return [{"rule": n.get_attribute("data-rule") or "", "class": n.get_attribute("class") or "",
                 "text": n.inner_text()} for n in self.page.query_selector_all(selector)]

    def material_notes(self, material: str) -> list[dict[str, str]]:
        selector = f'#materials li[data-material="{material}"] .notes > li'
        return [{"rule": n.get_attribute("data-rule") or "", "class": n.get_attribute("class") or "",
                 "text": n.inner_text()} for n in self.page.query_selector_all(selector)]

    def attach(self, material: str, *files: Path | dict[str, Any]) -> None:
        selector = f'#materials li[data-material="{material}"] input[type=file]'
        self.after_check(lambda: self.page.set_input_files(selector, list(files)))

    def summary(self) -> str:
        return str(self.page.inner_text("#summary .counts"))


def _open(browser: Any, base: str, width: int = 1280, height: int = 800) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                  locale="en-US")
    page = Page(context.new_page(), base)
    response = page.page.goto(base + "/")
    assert response is not None and response.ok
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.page.wait_for_selector("body[data-checked]")
    return page


def _load_example(page: Page, name: str) -> None:
    page.after_check(lambda: page.page.set_input_files("#open-file", str(EXAMPLES / name)))


def _small_jpeg() -> dict[str, Any]:
    """A licence photo far below 1500x1100 and 100K."""
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 180, 150)).save(out, "JPEG", quality=90)
    return {"name": "licence-small.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def test_fill_break_fix_upload_and_switch_language(browser: Any, server: str, shots: Path) -> None:
    page = _open(browser, server)
    p = page.page
    _load_example(page, "website-application.yaml")
    assert p.input_value('[data-input="entity.name"]') == "北京示例科技有限公司"
    # The example names its files, but none is uploaded yet: each material says so.
    assert any(n["rule"] == "attachment.file-readable" for n in page.material_notes("entity_certificate"))
    # named, but not a usable file: not "provided" in green beside the error
    state = '#materials [data-material="entity_certificate"] .state'
    assert p.text_content(state) == "has errors" and "unusable" in (p.get_attribute(state, "class") or "")
    p.screenshot(path=str(shots / "page-opened.png"))

    page.attach("entity_certificate", FILES / "business-license.jpg")
    page.attach("entity_principal_id", FILES / "zhangsan-id-front.jpg", FILES / "zhangsan-id-back.jpg")
    page.attach("domain_auth_screenshot", FILES / "domain-real-name.png")
    assert page.material_notes("entity_certificate") == []
    assert p.text_content(state) == "provided"
    assert "0 errors" in page.summary(), page.summary()

    # Break a field: the finding appears at that field, in the page's language, with its citation.
    page.after_check(lambda: p.fill('[data-input="entity.name"]', ""))
    notes = page.notes("entity.name")
    assert [n["rule"] for n in notes] == ["entity.name-required"]
    assert "error" in notes[0]["class"] and "missing" in notes[0]["text"] and "nwcd-website-guide" in notes[0]["text"]
    assert "1 error" in page.summary() and "1 errors" not in page.summary()
    assert p.get_attribute('#form [data-path="entity.name"]', "class") == "field has-error"
    p.screenshot(path=str(shots / "page-finding.png"))

    # Fix it: the finding goes.
    page.after_check(lambda: p.fill('[data-input="entity.name"]', "北京示例科技有限公司"))
    assert page.notes("entity.name") == []
    assert "0 errors" in page.summary()

    # A picture too small for a licence: checked by the same rules as a file on disk.
    page.attach("entity_certificate", _small_jpeg())
    rules = {n["rule"] for n in page.material_notes("entity_certificate") if "error" in n["class"]}
    assert {"attachment.entity-certificate-resolution", "attachment.entity-certificate-size"} <= rules, rules
    p.locator('#materials li[data-material="entity_certificate"]').scroll_into_view_if_needed()
    p.screenshot(path=str(shots / "page-small-image.png"))

    # Switch language: labels and messages follow.
    assert p.inner_text('#form [data-path="entity"] > legend') == "Entity"
    p.click("#lang")
    page.until("document.documentElement.lang === 'zh-Hans'")
    assert p.inner_text('#form [data-path="entity"] > legend') == "主办单位"
    texts = [n["text"] for n in page.material_notes("entity_certificate")]
    assert any("分辨率" in x for x in texts), texts
    assert p.inner_text("#title") == "ICP备案预检"
    p.screenshot(path=str(shots / "page-zh.png"))
    assert page.errors == []


def test_save_as_json_and_yaml_keeps_everything(browser: Any, server: str, tmp_path: Path) -> None:
    page = _open(browser, server)
    p = page.page
    _load_example(page, "app-application.yaml")
    page.after_check(lambda: p.fill('[data-input="services[0].name"]', "示例记账本"))
    with p.expect_download() as saved:
        p.click("#save-json")
    data = json.loads(Path(saved.value.path()).read_text(encoding="utf-8"))
    original = json.loads(json.dumps(yaml.safe_load((EXAMPLES / "app-application.yaml").read_text(encoding="utf-8")),
                                     default=str))
    original["services"][0]["name"] = "示例记账本"
    assert data == original
    with p.expect_download() as saved_yaml:
        p.click("#save-yaml")
    assert json.loads(json.dumps(yaml.safe_load(Path(saved_yaml.value.path()).read_text(encoding="utf-8")),
                                 default=str)) == original


def test_a_file_that_is_not_an_application_says_where(browser: Any, server: str, tmp_path: Path) -> None:
    page = _open(browser, server)
    bad = tmp_path / "broken.yaml"
    bad.write_text("format: icprules/application/v1\nentity: [\n", encoding="utf-8")
    page.page.set_input_files("#open-file", str(bad))
    page.page.wait_for_selector("#banner:not([hidden])")
    assert "3:" in page.page.inner_text("#banner") or "line" in page.page.inner_text("#banner").lower()


def test_new_app_filing_has_platforms_timeline_and_labels(browser: Any, server: str) -> None:
    page = _open(browser, server)
    p = page.page
    page.after_check(lambda: p.click("#new-app"))
    assert p.query_selector('#form [data-path="services[0].platforms[0]"]') is not None
    # A new document starts from the schema's examples (data/fields.yaml).
    assert p.input_value('[data-input="services[0].platforms[0].os"]') == "android"
    assert p.input_value('[data-input="entity.nature"]') == "enterprise"
    assert p.input_value('[data-input="entity.certificate.type"]') == "business_license"
    page.after_check(lambda: p.select_option('[data-input="services[0].platforms[0].os"]', "ios"))
    assert any(n["rule"] == "app.bundle-id-required" for n in page.notes("services[0].platforms[0].bundle_id"))
    assert p.query_selector_all("#deadlines li"), "the timeline in working days"
    assert p.query_selector_all("#materials li.material"), "the checklist"
    unlabelled = p.evaluate("""[...document.querySelectorAll('input, select, textarea')]
        .filter(e => !e.hidden && e.type !== 'hidden')
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
        .map(e => e.id || e.outerHTML.slice(0, 80))""")
    assert unlabelled == []
    # Several services: add a website beside the APP.
    page.after_check(lambda: p.get_by_role("button", name="Add a website").click())
    assert p.query_selector('#form [data-path="services[1]"]') is not None
    assert all(url.startswith(server) or url.startswith(("data:", "blob:")) for url in page.requests), page.requests


def test_usable_on_a_phone_width(browser: Any, server: str, shots: Path) -> None:
    page = _open(browser, server, width=390, height=844)
    p = page.page
    _load_example(page, "website-application.yaml")
    width, inner = p.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, "no sideways scrolling"
    field = p.locator('[data-input="entity.name"]')
    field.scroll_into_view_if_needed()
    assert field.is_visible() and field.bounding_box()["width"] > 250
    p.screenshot(path=str(shots / "page-phone.png"))


def test_values_written_otherwise_are_kept_and_their_canonical_form_offered(browser: Any, server: str,
                                                                             tmp_path: Path, shots: Path) -> None:
    """A choice by its name (企业) and an ID validity as the card prints it are shown as written, not
    emptied by a date box, and each field offers its canonical form with a button that puts it there."""
    document = yaml.safe_load((EXAMPLES / "website-application.yaml").read_text(encoding="utf-8"))
    document["entity"]["nature"] = "企业"
    document["entity"]["principal"]["id"]["valid_until"] = "2016.05.01-2036.05.01"
    document["services"][0]["principal"] = "同主办单位负责人"  # the option's label
    document["entity"]["principal"]["phone"] = "+86 138-0013-8000"  # personal: its canonical form is not shown
    named = tmp_path / "named.yaml"
    named.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    page = _open(browser, server, height=1400)
    page.after_check(lambda: page.page.set_input_files("#open-file", str(named)))
    until = '#form [data-path="entity.principal.id.valid_until"]'
    assert page.page.input_value(f"{until} input[type=text]") == "2016.05.01-2036.05.01"
    assert [n["text"].split("\n")[0] for n in page.notes("entity.principal.id.valid_until")] == \
        ["Canonical form: 2036-05-01"]
    assert [n["text"].split("\n")[0] for n in page.notes("entity.nature")] == ["Canonical form: enterprise"]
    assert not any(n["class"].endswith("error") for n in page.notes("entity.nature"))
    principal = '#form [data-path="services[0].principal"]'
    assert page.page.input_value(f"{principal} > select") == "same"  # shown as the word, not an empty person
    assert [n["text"].split("\n")[0] for n in page.notes("services[0].principal")] == \
        ["Canonical form: same_as_entity"]
    assert [n["text"] for n in page.notes("entity.principal.phone")] == [
        "Written otherwise than the filing system spells it; its canonical form holds a personal value and is "
        "not shown here"]
    page.page.locator('#form [data-path="entity.principal.phone"]').scroll_into_view_if_needed()
    page.page.screenshot(path=str(shots / "page-withheld.png"))
    page.page.evaluate("window.scrollTo(0, 0)")
    page.page.screenshot(path=str(shots / "page-canonical.png"))
    page.after_check(lambda: page.page.click(f"{until} .note.canonical button"))
    assert page.page.input_value(f"{until} input[type=date]") == "2036-05-01"
    assert page.notes("entity.principal.id.valid_until") == []
    page.after_check(lambda: page.page.click('#form [data-path="entity.nature"] .note.canonical button'))
    assert page.page.input_value('#form [data-path="entity.nature"] select') == "enterprise"
    assert page.errors == []


def test_a_list_written_as_its_one_value_shows_that_value_and_keeps_it(browser: Any, server: str,
                                                                        tmp_path: Path) -> None:
    """domains: example.com.cn showed as an empty list, and adding a domain dropped the one written."""
    document = yaml.safe_load((EXAMPLES / "website-application.yaml").read_text(encoding="utf-8"))
    document["services"][0]["domains"] = "example.com.cn"
    one = tmp_path / "one.yaml"
    one.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    page = _open(browser, server)
    page.after_check(lambda: page.page.set_input_files("#open-file", str(one)))
    domains = '#form fieldset[data-path="services[0].domains"]'
    assert page.page.input_value(f'{domains} [data-input="services[0].domains[0]"]') == "example.com.cn"
    page.page.click(f"{domains} > button")  # add one
    page.after_check(lambda: page.page.fill('[data-input="services[0].domains[1]"]', "example.cn"))
    with page.page.expect_download() as download:
        page.page.click("#save-json")
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert saved["services"][0]["domains"] == ["example.com.cn", "example.cn"]
    assert page.errors == []



def test_a_service_written_as_a_block_and_a_yes_written_as_a_word_are_shown(browser: Any, server: str,
                                                                             tmp_path: Path, shots: Path) -> None:
    """services: with the one APP's fields under it (no "- "), its platforms the same way, and offline: 是:
    the service and its platform are shown, to edit and to save as the list of one they are read as;
    是 is shown as written (a checkbox would say "no"), with its canonical form offered under it."""
    document = yaml.safe_load((EXAMPLES / "app-application.yaml").read_text(encoding="utf-8"))
    app = document["services"][0]
    app["platforms"], app["offline"] = app["platforms"][0], "是"
    document["services"] = app
    block = tmp_path / "block.yaml"
    block.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    page = _open(browser, server, height=1400)
    page.after_check(lambda: page.page.set_input_files("#open-file", str(block)))
    assert page.page.input_value('[data-input="services[0].name"]') == app["name"]
    assert page.page.input_value('[data-input="services[0].platforms[0].package"]') == app["platforms"]["package"]
    offline = '#form [data-path="services[0].offline"]'
    assert page.page.input_value(f"{offline} input[type=text]") == "是"
    notes = [n["text"].split("\n")[0] for n in page.notes("services[0].offline")]
    assert "Canonical form: true" in notes and any("stand-alone" in n for n in notes)  # read as yes: the APP is offline
    page.page.locator(offline).scroll_into_view_if_needed()
    page.page.screenshot(path=str(shots / "page-yes-as-a-word.png"))
    page.after_check(lambda: page.page.click(f"{offline} .note.canonical button"))
    assert page.page.is_checked(f"{offline} input[type=checkbox]")
    with page.page.expect_download() as download:
        page.page.click("#save-json")
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert isinstance(saved["services"], list) and saved["services"][0]["name"] == app["name"]
    assert saved["services"][0]["platforms"] == [app["platforms"]] and saved["services"][0]["offline"] is True
    assert page.errors == []


def test_an_sdk_written_by_its_name_is_shown_as_its_block(browser: Any, server: str, tmp_path: Path,
                                                          shots: Path) -> None:
    """sdks: [..., 极光推送]: the checker reads the name as the SDK's block; the page takes that shape, shows
    the name in the SDK's name field, and the provider's finding at its own field; it saves the block."""
    document = yaml.safe_load((EXAMPLES / "app-application.yaml").read_text(encoding="utf-8"))
    document["services"][0]["sdks"].append("极光推送")
    named = tmp_path / "sdk.yaml"
    named.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    page = _open(browser, server, height=1400)
    page.after_check(lambda: page.page.set_input_files("#open-file", str(named)))
    page.until("document.querySelector('[data-input=\"services[0].sdks[1].name\"]') !== null")
    page.until("document.querySelector('#form [data-path=\"services[0].sdks[1].provider\"] > .notes > li') !== null")
    assert page.page.input_value('[data-input="services[0].sdks[1].name"]') == "极光推送"
    assert [n["rule"] for n in page.notes("services[0].sdks[1].provider")] == ["app.sdk-provider-required"]
    page.page.locator('#form [data-path="services[0].sdks[1].provider"]').scroll_into_view_if_needed()
    page.page.screenshot(path=str(shots / "page-sdk-by-name.png"))
    with page.page.expect_download() as download:
        page.page.click("#save-json")
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert saved["services"][0]["sdks"][1] == {"name": "极光推送"}
    assert page.errors == []
