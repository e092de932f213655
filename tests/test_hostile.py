"""Hostile input: refused quickly with a clear error, never a traceback or a hang."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

import icprules
from conftest import run
from test_cli import cli

BILLION_LAUGHS = """\
format: icprules/application/v1
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
entity: *g
"""


def _refused(source: Any, words: str) -> None:
    start = time.perf_counter()
    with pytest.raises(icprules.DocumentError) as info:
        icprules.read_document(source)
    assert words in str(info.value)
    assert time.perf_counter() - start < 5, "refusing must be quick"


def test_yaml_bomb_is_refused() -> None:
    _refused(BILLION_LAUGHS, "expands to more than")


def test_deep_nesting_is_refused() -> None:
    _refused("format: icprules/application/v1\nentity: " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper")
    _refused('{"format": "icprules/application/v1", "entity": ' + "[" * 100000 + "]" * 100000 + "}", "nested deeper")
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(200):
        node["x"] = {}
        node = node["x"]
    _refused({"format": "icprules/application/v1", "entity": deep}, "nested deeper")


def test_huge_strings_and_lists_are_bounded(website: dict[str, Any]) -> None:
    website["services"][0]["name"] = "示例" * 50_000
    _refused(website, "characters; no field takes more than")
    website["services"][0]["name"] = "示例科技官网"
    website["services"][0]["domains"] = [f"d{i}.example.cn" for i in range(5000)]
    _refused(website, "a list of 5000 items")


def test_the_largest_acceptable_input_is_checked_quickly(website: dict[str, Any]) -> None:
    website["services"][0]["name"] = "中" * 4096
    website["entity"]["name"] = "中" * 4096
    website["services"][0]["domains"] = [f"s{i}.example.cn" for i in range(1000)]
    start = time.perf_counter()
    report = run(website)
    assert report.findings and time.perf_counter() - start < 30


def test_non_utf8_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: icprules/application/v1\nentity: {name: Caf\xe9}\n".encode("latin-1"))
    code, _, err = cli("check", str(path))
    assert code == 2 and "not UTF-8" in err and "Traceback" not in err


def test_binary_garbage_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "garbage.yaml"
    path.write_bytes(bytes(range(256)) * 8)
    code, _, err = cli("check", str(path))
    assert code == 2 and err.startswith("icprules: invalid application document")


def test_control_characters_are_a_document_error() -> None:
    _refused("\x1f", "not valid YAML")
    _refused("format: icprules/application/v1\nentity: {name: \x07}\n", "not valid YAML")


def test_a_nul_byte_is_text_not_a_path() -> None:
    # Found by hypothesis: "\x00" was taken for a file name and open() raised ValueError.
    _refused("\x00", "not valid YAML")
    _refused(Path("a\x00b.yaml"), "cannot read file")


def test_yaml_tags_cannot_build_objects() -> None:
    _refused("format: icprules/application/v1\nentity: !!python/object/apply:os.system [echo pwned]\n", "not allowed")
    _refused("format: !!python/name:os.system ''\nentity: {}\n", "not valid YAML")


# --------------------------------------------------------------------------- round two: wrong values


@pytest.mark.parametrize(("scalar", "expected"), [
    ("2026-02-30", "finding"), ("2036-13-01", "finding"), ("9999-12-31", "finding"), ("0001-01-01", "finding"),
    ("!!int abc", "error"), ("!!float nope", "error"), ("1" * 4301, "error"), ("!!timestamp 2026-02-30", "finding"),
])
def test_a_scalar_yaml_cannot_build_is_a_finding_or_a_located_error(scalar: str, expected: str) -> None:
    text = f"format: icprules/application/v1\noperation: new\nentity: {{name: 示例}}\nsubmitted_on: {scalar}\n"
    if expected == "error":
        with pytest.raises(icprules.DocumentError, match=r"line 4"):
            icprules.check(text, today="2026-11-23")
        return
    report = icprules.check(text, today="2026-11-23")
    rules = {f.rule for f in report.findings if f.path == "submitted_on"}
    assert rules & {"lifecycle.submitted-on-format", "lifecycle.submitted-on-plausible"}
    assert not [f for f in report.findings if f.could_not_check]


def test_a_date_like_value_that_is_no_date_is_kept_as_written() -> None:
    from icprules.reading.yamlio import load_yaml

    value, _ = load_yaml("a: 2026-02-30\nb: 2026-02-28\nc: 0x1F\n")
    assert value == {"a": "2026-02-30", "b": __import__("datetime").date(2026, 2, 28), "c": 31}
