"""Dates as people write them year first, and an ID's validity as the card prints it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import icprules
from icprules.primitives.identity import as_date, validity_end

_DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31))


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


_WRITTEN = st.sampled_from([
    lambda d: d.isoformat(),
    lambda d: f"{d.year}.{d.month:02}.{d.day:02}",  # as the resident ID card prints it
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}年{d.month:02}月{d.day:02}日",
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: _full_width(f"{d.year}.{d.month:02}.{d.day:02}"),
    lambda d: f" {d.year}. {d.month:02}. {d.day:02} ",
])


@given(_DAYS, _WRITTEN)
def test_a_date_written_year_first_is_read_as_that_day(day: dt.date, write: object) -> None:
    assert as_date(write(day)) == day  # type: ignore[operator]


@given(_DAYS, _DAYS, _WRITTEN, st.sampled_from(["-", "－", "—", "~", "至", " - ", " "]))
def test_a_printed_period_is_valid_until_its_end(start: dt.date, end: dt.date, write: object, dash: str) -> None:
    printed = f"{start.year}.{start.month:02}.{start.day:02}{dash}{write(end)}"  # type: ignore[operator]
    assert validity_end(printed) == end
    assert validity_end(f"{start.year}.{start.month:02}.{start.day:02}{dash}长期") == "long_term"


@pytest.mark.parametrize("text", ["2036.02.30", "2036.13.01", "05.01.2036", "10/05/2036", "2036.05", "36.05.01",
                                  "2036年5月", "next monday", "", "2016.05.01-", "2016.05.01-forever",
                                  "长期-2036.05.01"])
def test_what_is_not_a_day_is_not_read_as_one(text: str) -> None:
    assert as_date(text) is None
    assert validity_end(text) is None


def test_a_submission_day_is_not_a_period() -> None:
    assert as_date("2016.05.01-2036.05.01") is None
    assert as_date("long_term") is None


def test_how_long_term_is_written_is_data(tmp_path: Path) -> None:
    """长期, 长期有效 and Long-term come from fields.constants.long_term: a data overlay that adds a
    spelling makes it read as long_term in the rules and in the canonical forms, with no code change."""
    from conftest import TODAY, base, run

    doc = base("website")
    doc["entity"]["principal"]["id"]["valid_until"] = "永久有效"
    assert run(doc).by_rule("person.id-valid-until-format")  # not a spelling of the shipped data
    shipped = (Path(__file__).parents[1] / "data" / "fields.yaml").read_text(encoding="utf-8")
    assert "aliases: [长期有效]" in shipped
    (tmp_path / "fields.yaml").write_text(shipped.replace("aliases: [长期有效]", "aliases: [长期有效, 永久有效]"),
                                          encoding="utf-8")
    rules = icprules.load_rules(data=[str(tmp_path)])
    report = run(doc, rules=rules, today=TODAY)
    assert not report.by_rule("person.id-valid-until-format")
    assert report.normalized["entity.principal.id.valid_until"] == "long_term"
    doc["entity"]["principal"]["id"]["valid_until"] = "2016.05.01-永久有效"  # the card's period, its end so written
    assert not run(doc, rules=rules).by_rule("person.id-valid-until-format")
