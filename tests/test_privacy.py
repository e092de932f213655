"""Personal data is masked in every output by default, and shown only when asked."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

import icprules
from conftest import EXAMPLES, run
from test_cli import cli

ID = "11010519491231002X"
PHONE = "13800138000"


def _leaky(website: dict[str, Any]) -> dict[str, Any]:
    website["entity"]["principal"]["id"]["number"] = "110105 19491231 002x"  # findings show it back
    website["entity"]["principal"]["id"]["valid_until"] = "2020-01-01"  # expired: a finding on the person
    website["entity"]["principal"]["emergency_phone"] = "+86 138-0013-8000"
    website["entity"]["principal"]["email"] = "zhangsan.example.com"
    return website


SPELLINGS = [ID, "110105 19491231 002x", PHONE, "+86 138-0013-8000", "+8613800138000", "zhangsan.example.com"]


def test_report_masks_ids_phones_and_emails(website: dict[str, Any]) -> None:
    report = run(_leaky(website))
    text = report.to_json()
    assert report.findings and "138****8000" in text
    for spelling in SPELLINGS:
        assert spelling not in text, spelling
    assert "110105********002X" in text  # the masked form in the canonical-forms section


def test_reveal_personal_shows_them(website: dict[str, Any]) -> None:
    text = run(_leaky(website), reveal_personal=True).to_json()
    assert "+86 138-0013-8000" in text


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_cli_outputs_are_masked(tmp_path: Any, website: dict[str, Any], fmt: str) -> None:
    import yaml

    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(_leaky(website), allow_unicode=True), encoding="utf-8")
    (tmp_path / "files").symlink_to(EXAMPLES / "files")
    _, out, _ = cli("check", str(path), "--format", fmt)
    for spelling in SPELLINGS:
        assert spelling not in out, spelling
    _, out, _ = cli("explain", "person.emergency-phone-differs", str(path))
    assert PHONE not in out and "138****8000" in out
    _, out, _ = cli("check", str(path), "--format", fmt, "--show-personal")
    assert "+86 138-0013-8000" in out or "+86 138-0013-8000" in json.dumps(out)


def test_nothing_is_logged(website: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        run(_leaky(website))
        icprules.explain("person.emergency-phone-differs", _leaky(website), today="2026-11-23")
    assert not [r for r in caplog.records if r.name.startswith("icprules")]
    for spelling in SPELLINGS:
        assert spelling not in caplog.text
