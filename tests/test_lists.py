"""A list written as its one value (domains: example.com.cn) is read as a list of one (fields.one_as_list)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import run
from icprules import paths
from icprules.data import builtin
from icprules.errors import DocumentError
from icprules.reading import lists


def test_a_website_with_one_value_lists_checks_as_with_lists(website: dict[str, Any]) -> None:
    written = copy.deepcopy(website)
    service = written["services"][0]
    service["domains"], service["ips"], service["languages"] = "example.com.cn", "52.83.10.20", "zh-Hans"
    before = copy.deepcopy(written)
    report = run(written, reveal_personal=True)  # was a DocumentError: "expected a list, got text"
    assert written == before
    assert report.findings == run(website, reveal_personal=True).findings
    assert report.normalized == {"services[0].domains": ["example.com.cn"], "services[0].ips": ["52.83.10.20"],
                                 "services[0].languages": ["zh-Hans"]}


def test_several_addresses_in_one_value_are_one_located_finding(website: dict[str, Any]) -> None:
    website["services"][0]["ips"] = "52.83.10.20，52.83.10.21"
    found = [f for f in run(website).findings if f.severity == "error"]
    assert [(f.rule, f.path) for f in found] == [("service.ip-public", "services[0].ips[0]")]
    assert "2 addresses written as one; give each as its own item" in found[0].message["en"]


def test_a_block_where_a_list_of_text_goes_is_still_a_located_error(website: dict[str, Any]) -> None:
    website["services"][0]["domains"] = {"name": "example.com.cn"}
    with pytest.raises(DocumentError, match=r"services\[0\]\.domains"):
        run(website)


def test_an_app_written_as_a_block_with_its_platform_as_a_block_checks_as_the_lists(app: dict[str, Any]) -> None:
    """services: with the APP's fields under it, and platforms: with the one platform's: unreadable as a
    whole before; now read as lists of one, checked the same, with the services list as read its one
    canonical form (masked where it holds a personal value, so left out; revealed, it is there)."""
    app["services"][0]["platforms"] = app["services"][0]["platforms"][:1]
    written = copy.deepcopy(app)
    service = written["services"] = written["services"][0]
    service["platforms"], service["type"] = service["platforms"][0], "APP"
    before = copy.deepcopy(written)
    report = run(written, reveal_personal=True)
    assert written == before
    assert report.findings == run(app, reveal_personal=True).findings
    assert report.normalized == {"services": app["services"]}


def test_a_block_is_a_list_of_one_before_the_lists_inside_it_are_looked_at() -> None:
    document = {"services": {"type": "website", "domains": "example.com.cn",
                             "pre_approvals": {"category": "news", "number": "京新闻 (2026) 1号"}}}
    out, read_as = lists.one_as_list(document, builtin())
    assert out == {"services": [{"type": "website", "domains": ["example.com.cn"],
                                 "pre_approvals": [{"category": "news", "number": "京新闻 (2026) 1号"}]}]}
    assert list(read_as) == ["services", "services[0].pre_approvals", "services[0].domains"]
    assert isinstance(document["services"], dict)  # the caller's own data is left as it is


_VALUES = st.none() | st.integers() | st.text(max_size=6) | st.lists(st.text(max_size=4), max_size=2) \
    | st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2)


@given(st.lists(st.dictionaries(st.sampled_from(["domains", "ips", "languages", "categories", "name"]), _VALUES),
                max_size=3))
def test_only_text_in_a_list_field_is_read_as_a_list_and_nothing_given_is_changed(
        services: list[dict[str, Any]]) -> None:
    document = {"services": services}  # a list already: only the lists of text in its items are read
    before = copy.deepcopy(document)
    out, read_as = lists.one_as_list(document, builtin())
    assert document == before
    for path, value in read_as.items():
        written = paths.get(document, paths.parse(path))
        assert isinstance(written, str) and value == [written] == paths.get(out, paths.parse(path))
    for i, service in enumerate(services):
        for key, value in service.items():
            if key != "name" and isinstance(value, str):
                assert f"services[{i}].{key}" in read_as
            else:
                assert out["services"][i][key] == value


def test_a_one_value_list_of_a_name_is_given_as_the_list_of_its_code(website: dict[str, Any]) -> None:
    from icprules.report import formats

    website["services"][0]["languages"] = "英文"
    report = run(website)
    assert report.normalized == {"services[0].languages": ["en"]}  # not ["英文"], and no item of its own
    assert '  services[0].languages: ["en"]\n' in formats.text(report)  # JSON, not Python's ['en']


def test_an_sdk_written_by_its_name_is_read_as_its_block(app: dict[str, Any]) -> None:
    """sdks: [友盟统计] (or sdks: 友盟统计) refused the whole document ("expected a mapping"); the name is
    the SDK's block (fields.text_as_block), and what the block lacks is a located finding."""
    import yaml

    import icprules
    from conftest import EXAMPLES, TODAY

    with_blocks = copy.deepcopy(app)
    with_blocks["services"][0]["sdks"] = [{"name": "友盟统计", "provider": "友盟同欣（北京）科技有限公司"},
                                          {"name": "极光推送"}]
    app["services"][0]["sdks"] = [{"name": "友盟统计", "provider": "友盟同欣（北京）科技有限公司"}, "极光推送"]
    text = yaml.safe_dump(app, allow_unicode=True, sort_keys=False)
    before = copy.deepcopy(app)
    report = icprules.check(icprules.DocumentText(text), base_dir=EXAMPLES, today=TODAY, reveal_personal=True)
    assert app == before
    assert report.findings == icprules.check(
        icprules.DocumentText(yaml.safe_dump(with_blocks, allow_unicode=True, sort_keys=False)),
        base_dir=EXAMPLES, today=TODAY, reveal_personal=True).findings
    missing = report.by_rule("app.sdk-provider-required")
    assert [f.path for f in missing] == ["services[0].sdks[1].provider"]
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "极光推送" in row)
    assert missing[0].line == line  # where the name is written
    assert report.normalized["services[0].sdks[1]"] == {"name": "极光推送"}
    # one SDK by its name alone: a list of one, then its block
    app["services"][0]["sdks"] = "极光推送"
    alone = run(app, reveal_personal=True)
    assert alone.normalized["services[0].sdks"] == [{"name": "极光推送"}]
    assert [f.path for f in alone.by_rule("app.sdk-provider-required")] == ["services[0].sdks[0].provider"]
    # a blank or a number is no name: still a located refusal
    for junk in ("  ", 3):
        app["services"][0]["sdks"] = [junk]
        with pytest.raises(DocumentError, match=r"services\[0\]\.sdks\[0\]"):
            run(app)
