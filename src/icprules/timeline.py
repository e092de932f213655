"""Deadlines in working days, on China's official calendar.

Working days follow the State Council's holiday schedule with its make-up working
days, as the ``chinese_calendar`` package ships it. The schedule for a year is only
published late the year before, so the package covers a fixed range of years;
beyond it we count Monday to Friday and mark the result estimated, never crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import chinese_calendar


@lru_cache(maxsize=4096)
def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, from official data) — Monday to Friday when the year is not covered.

    Memoised: chinese_calendar re-validates its whole table on every call.
    """
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        return day.weekday() < 5, False


@lru_cache(maxsize=4096)
def add_working_days(start: dt.date, days: int) -> tuple[dt.date, bool]:
    """The date ``days`` working days after ``start`` (which does not count), and whether the
    official calendar covered every day counted. Memoised: most filings start on the same few days."""
    day, counted, official = start, 0, True
    while counted < days:
        day += dt.timedelta(days=1)
        work, known = is_workday(day)
        official = official and known
        if work:
            counted += 1
    return day, official


def deadlines(entries: Iterable[Mapping[str, Any]], *, start: dt.date, operation: str | None,
              service_types: frozenset[str]) -> list[dict[str, Any]]:
    """Compute the deadlines of ``data/timeline.yaml`` for one application."""
    due: dict[str, dt.datetime] = {"submitted": dt.datetime.combine(start, dt.time(0, 0))}
    out: list[dict[str, Any]] = []
    for entry in entries:
        if entry.get("operations") and operation not in entry["operations"]:
            continue
        if entry.get("services") and not (set(entry["services"]) & service_types):
            continue
        anchor = due.get(entry["after"])
        if anchor is None:
            continue
        official = True
        try:
            if "working_days" in entry:
                day, official = add_working_days(anchor.date(), int(entry["working_days"]))
                when = dt.datetime.combine(day, dt.time(23, 59))
            elif "hours" in entry:
                when = anchor + dt.timedelta(hours=int(entry["hours"]))
            else:
                when = anchor + dt.timedelta(days=int(entry.get("calendar_days", 0)))
        except OverflowError:  # a start at the end of the calendar (9999-12-31): no date to give
            continue
        due[entry["id"]] = when
        out.append({
            "id": entry["id"],
            "name": dict(entry["name"]),
            "after": entry["after"],
            "due": when.date().isoformat() if "hours" not in entry else when.isoformat(timespec="minutes"),
            "estimated": bool(entry.get("estimate")) or not official,
            "official_calendar": official,
            "note": dict(entry.get("note", {})),
            "source": [dict(s) for s in (entry["source"] if isinstance(entry["source"], list) else [entry["source"]])],
        })
    return out
