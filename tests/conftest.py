from __future__ import annotations

import copy
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

import icprules
from icprules import paths

# The rule-set cache (icprules/ruleset/cache.py) is off in the tests, which load hundreds of rule sets
# once each (writing each would cost a minute); tests/test_cache.py turns it on in a folder of its own.
# Never the user's own: the CLI and service processes the tests start inherit this.
os.environ["ICPRULES_CACHE_DIR"] = tempfile.mkdtemp(prefix="icprules-test-cache-")
os.environ["ICPRULES_CACHE"] = "0"

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TODAY = dt.date(2026, 11, 23)

_BASES = {
    "website": EXAMPLES / "website-application.yaml",
    "app": EXAMPLES / "app-application.yaml",
}
_CACHE: dict[str, dict[str, Any]] = {}


def base(name: str) -> dict[str, Any]:
    """A fresh, mutable copy of a bundled example as a plain dict."""
    if name not in _CACHE:
        _CACHE[name] = yaml.safe_load(_BASES[name].read_text(encoding="utf-8"))
    return copy.deepcopy(_CACHE[name])


def set_path(doc: Any, text: str, value: Any) -> None:
    """Set a value at a concrete path, creating mappings on the way; index len(list) appends."""
    segs = paths.parse(text)
    target = doc
    for i, seg in enumerate(segs[:-1]):
        nxt = segs[i + 1]
        if isinstance(seg, int):
            if seg == len(target):
                target.append({} if isinstance(nxt, str) else [])
            target = target[seg]
        else:
            if seg not in target or target[seg] is None:
                target[seg] = {} if isinstance(nxt, str) else []
            target = target[seg]
    last = segs[-1]
    if isinstance(last, int) and last == len(target):
        target.append(value)
    else:
        target[last] = value


def unset_path(doc: Any, text: str) -> None:
    segs = paths.parse(text)
    target = paths.get(doc, segs[:-1])
    if isinstance(target, dict):
        target.pop(segs[-1], None)
    elif isinstance(target, list) and isinstance(segs[-1], int) and segs[-1] < len(target):
        del target[segs[-1]]


def run(doc: Any, **kwargs: Any) -> icprules.Report:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("base_dir", EXAMPLES)
    return icprules.check(doc, **kwargs)


@pytest.fixture
def website() -> dict[str, Any]:
    return base("website")


@pytest.fixture
def app() -> dict[str, Any]:
    return base("app")
