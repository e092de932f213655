"""Primitives: the library behaviour we wrap, and junk input to every registered primitive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from conftest import EXAMPLES
from icprules import primitives  # noqa: F401 - registers the built-in checks
from icprules.context import Env
from icprules.data import DataStore
from icprules.identifiers import ric, uscc
from icprules.primitives.names import compact, find_term
from icprules.primitives.network import level, parse_domain
from icprules.registry import CHECKS, TRANSFORMS


def test_stdnum_uscc_refuses_real_n_codes_and_our_wrapper_accepts_them() -> None:
    code = "N2110105MA01C3UX21"  # a rural collective's code: authority N, right check character
    assert not stdnum_uscc.is_valid(code), "stdnum now accepts N codes: the wrapper may be simplified"
    assert uscc.is_valid(code)


@pytest.mark.parametrize("number", ["310115199001010010", "500101199001010018", "810000199001010019"])
def test_stdnum_ric_refuses_reissued_and_permit_numbers_and_our_wrapper_accepts_them(number: str) -> None:
    assert not stdnum_ric.is_valid(number)
    assert ric.is_valid(number)


def test_stdnum_ric_compact_keeps_inner_spaces() -> None:
    assert " " in stdnum_ric.compact("110105 19491231 002x")
    assert ric.compact("110105 19491231 002x") == "11010519491231002X"


@pytest.mark.parametrize(("domain", "expected"), [
    ("example.com.cn", 2), ("example.cn", 2), ("a.example.cn", 3), ("b.a.example.com.cn", 4),
    ("c.b.a.example.com.cn", 5), ("例子.中国", 2), ("www.例子.中国", 3),
])
def test_domain_levels_count_from_the_registrable_domain(domain: str, expected: int) -> None:
    assert level(parse_domain(domain)[0]) == expected


@pytest.mark.parametrize(("name", "found"), [
    ("中国示例", "中国"), ("ＣＨＩＮＡ", "china"), ("Chi na", "china"), ("中\u200b国", "中国"), ("ILoveChina", "china"),
    ("Machina", None), ("示例科技", None), ("人民币兑换", "人民"),
])
def test_banned_term_matching(name: str, found: str | None) -> None:
    assert find_term(name, ["中国", "china", "人民"]) == found


def test_compact_marks_word_starts() -> None:
    text, starts = compact("I Love-China")
    assert text == "ilovechina"
    assert [text[i] for i, s in enumerate(starts) if s] == ["i", "l", "c"]


JUNK: list[Any] = [
    "", " ", "\x00", "\u202e", "a" * 100_000, "１２３", "::::", "-", "😀" * 10, 0, -1, 10**40, 3.5, float("nan"),
    True, [], [1, [2]], {}, {"a": {"b": None}}, dt.date(1, 1, 1), "../../../../etc/passwd", "/dev/zero",
    "files/../../x", "xn--", "xn--zzzz.xn--zzzz", "http://[::1]:80/", "a." * 200,
]


def _env() -> Env:
    return Env({"entity": {"name": "x"}, "services": [{"name": "x", "type": "app"}]}, today=dt.date(2026, 11, 23),
               base_dir=EXAMPLES)


_PARAMS: dict[str, dict[str, Any]] = {
    "domain_tld_approved": {"approved": frozenset({"cn"}), "refused": None},  # as _prepare_tlds gives them
    "no_banned_term": {"terms": ("中国", "china")},
    "related_to": {"other": ("entity", "name"), "min_common": 2, "ignore": ()},
    "unique": {"among": ("services", __import__("icprules.paths").paths.ANY), "key": ("name",), "same": ()},
    "certificate_matches": {"certificate": "certificate", "what": "public_key"},
    "phone": {"region": "CN", "kinds": ["mobile"]},
    "valid_on": {"days_after": 30},
    "lookup": {"index": {}},
    "pick": {"value": "term", "where": {"severity": "error"}},
    "keys": {},
    "lookup_prefix": {"table": {"新闻资讯": "news"}, "separator": "/"},
    "part": {"separator": "/", "index": 1},
    "calendar_covers": {"working_days": 21},
    "known_key": {"keys": ["app_icon"]},
    "record_number": {"kinds": ["filing"], "service": "any"},
}


REASONS = DataStore.load().resolve("reasons.reasons")
_prepare = CHECKS["known_field"].prepare
assert _prepare is not None
_PARAMS["known_field"] = _prepare({}, DataStore.load())


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_every_check_survives_junk(name: str) -> None:
    func = CHECKS[name].func
    for value in JUNK:
        outcome = func(value, _PARAMS.get(name, {}), _env())
        ok = outcome[0] if isinstance(outcome, tuple) else outcome
        assert isinstance(ok, bool), (name, repr(value)[:40])
        code = outcome[1].get("why") if isinstance(outcome, tuple) else None
        assert code is None or code in REASONS, f"{name} returned reason {code!r}: add it to data/reasons.yaml"


def test_reasons_reach_messages_in_each_language(website: dict[str, Any]) -> None:
    from conftest import run

    website["entity"]["attachments"]["entity_certificate"] = "../website-application.yaml"
    website["services"][0]["domains"] = ["https://example.cn"]
    report = run(website)
    (outside,) = report.by_rule("attachment.file-readable")
    assert "路径指向申请文件目录之外" in outside.message["zh"]
    assert "the path leads outside the document's folder" in outside.message["en"]
    (scheme,) = report.by_rule("service.domain-format")
    assert "不要带协议" in scheme.message["zh"] and "no scheme" in scheme.message["en"]


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_every_transform_survives_junk(name: str) -> None:
    for value in JUNK:
        TRANSFORMS[name].func(value, _PARAMS.get(name, {}))


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=60), st.integers(), st.lists(st.text(max_size=5), max_size=3)))
def test_checks_never_raise_on_arbitrary_values(value: Any) -> None:
    for name, spec in CHECKS.items():
        spec.func(value, _PARAMS.get(name, {}), _env())


def test_certificate_paths_cannot_leave_the_documents_folder(tmp_path: Path) -> None:
    from icprules.primitives.files import resolve_inside

    (tmp_path / "doc").mkdir()
    (tmp_path / "secret.pem").write_text("x")
    (tmp_path / "doc" / "link.pem").symlink_to(tmp_path / "secret.pem")
    for path in ("../secret.pem", "link.pem", str(tmp_path / "secret.pem"), "C:\\x.pem", "a\0b"):
        assert isinstance(resolve_inside(path, tmp_path / "doc"), dict), path


def test_ring_count_matches_a_pixel_by_pixel_count() -> None:
    # The ring of an image's outermost pixels is counted with histograms; corners count twice.
    import random

    from PIL import Image

    from icprules.primitives.attachments import _nonzero

    rnd = random.Random(3)
    for w, h in [(1, 1), (1, 5), (7, 1), (10, 6), (33, 17)]:
        mask = Image.new("L", (w, h))
        mask.putdata([rnd.choice((0, 255)) for _ in range(w * h)])
        ring = [(x, 0) for x in range(w)] + [(x, h - 1) for x in range(w)]
        ring += [(0, y) for y in range(h)] + [(w - 1, y) for y in range(h)]
        by_pixel = sum(1 for xy in ring if mask.getpixel(xy))
        edges = [(0, 0, w, 1), (0, h - 1, w, h), (0, 0, 1, h), (w - 1, 0, w, h)]
        assert sum(_nonzero(mask.crop(box)) for box in edges) == by_pixel


@pytest.mark.parametrize("domain", ["a.b.example.com.cn", "示例.中国", "www.示例.中国", "x.例子.公司.cn",
                                    "shop.example.公司", "m.example.网址", "example.cn", "com.cn", "中国",
                                    "myapp.herokuapp.com", "user.github.io", "foo.cn.com"])
def test_registrable_domain_agrees_with_the_list_loaded_with_punycode_rules(domain: str) -> None:
    # psl() is loaded without the punycode copies of IDN rules (3x faster); asking in the
    # Unicode form must give what the complete list gives for the A-label form.
    from publicsuffixlist import PublicSuffixList

    from icprules.primitives.network import parse_domain, registrable

    try:
        ascii_form = parse_domain(domain)[0]
    except Exception:  # a bare suffix with one label does not parse; nothing to compare
        ascii_form = domain
    assert registrable(ascii_form) == PublicSuffixList(only_icann=True).privatesuffix(ascii_form)


def test_number_doubts_are_reason_codes_worded_in_each_language(website: dict[str, Any]) -> None:
    # They were English sentences written in Python, which reached the Chinese messages as is.
    from conftest import run
    from icprules.identifiers import ric, uscc

    for doubt in (ric.division_doubt("999999199001010016"), ric.division_doubt("510221200001010016"),
                  uscc.registration_doubt("97110105MA01C3UX2Y"), uscc.registration_doubt("B1110105MA01C3UX2F")):
        assert doubt is not None and doubt[0] in REASONS
    website["entity"]["principal"]["id"]["number"] = "510221200001010016"
    (region,) = run(website).by_rule("person.id-number-region")
    assert "地址码 510221 在 1997 年后已撤销，早于出生年份 2000" in region.message["zh"]
    assert "division 510221 was abolished after 1997, before the birth year 2000" in region.message["en"]


def test_known_field_remembers_paths_up_to_a_bound() -> None:
    """Documents share their shape, so known_field remembers its answer by path; a stream of documents
    with made-up keys does not grow that memory without end, and the answers stay right."""
    import icprules
    from conftest import TODAY, base, run
    from icprules.ruleset.loading import on_day

    # The rule set the checks of that day run (the dated data of the day compiled in).
    (rule,) = [r for r in on_day(icprules.default_rules(), TODAY).rules if r.id == "document.unknown-field"]
    answers = rule.assert_.params["answers"]  # type: ignore[union-attr]
    for i in range(12):
        doc = base("website")
        doc["entity"].update({f"made_up_{i}_{k}": "x" for k in range(500)})
        assert len(run(doc).by_rule("document.unknown-field")) == 500
    assert 4000 < len(answers) <= 4096
    assert not run(base("website")).by_rule("document.unknown-field")
    # The real document after the flood is remembered again (the oldest made-up keys let go).
    assert ("entity", "name") in answers and ("entity", "made_up_0_0") not in answers


def test_an_address_with_a_zero_padded_octet_says_the_address_meant(website: dict[str, Any]) -> None:
    from conftest import run

    website["services"][0]["ips"] = ["52.83.10.021", "52.83.10.300"]
    found = {f.path: f.message["en"] for f in run(website).by_rule("service.ip-public")}
    assert "if you mean 52.83.10.21, write it so" in found["services[0].ips[0]"]
    assert "not a valid IP address" in found["services[0].ips[1]"]


def test_every_language_miits_form_offers_is_a_language_and_its_own_option() -> None:
    """Miao (hmn) had no locale data in Babel, so its code, one of the form's 17, was "not a valid code"."""
    from icprules.data import builtin
    from icprules.primitives.language import _language_option, _prepare_option, parse_language

    store = builtin()
    prepared = _prepare_option({"table": "app_vocabularies.languages", "value": "code"}, store)
    for row in store.resolve("app_vocabularies.languages"):
        found = parse_language(row["code"])
        assert found is not None, row["code"]
        assert _language_option(row["code"], prepared) == row["code"]
    assert parse_language("hmn").display_name("zh") == "苗语"  # type: ignore[union-attr]
    assert [_language_option(v, prepared) for v in ("zh-CN", "zh-HK", "en-GB", "中文", "Traditional Chinese")] == [
        "zh-Hans", "zh-Hant", "en", "zh-Hans", "zh-Hant"]


@pytest.mark.parametrize(("value", "index", "expected"), [
    ("工具/记账", 0, "工具"), ("工具/记账", 1, "记账"), ("工具/记账", -1, "记账"), (" 工具 / 记账 ", 1, "记账"),
    ("工具", 0, None), ("工具/记账", 2, None), (7, 0, None)])
def test_a_part_of_a_category_is_the_part_or_absent(value: Any, index: int, expected: str | None) -> None:
    from icprules.paths import MISSING

    found = TRANSFORMS["part"].func(value, {"separator": "/", "index": index})
    assert found == expected if expected is not None else found is MISSING
