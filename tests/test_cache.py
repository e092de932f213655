"""The loaded rule set is kept on disk between runs, and read back only when it can be trusted."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

import icprules
from conftest import EXAMPLES, TODAY
from icprules.ruleset import cache, loading

PACK = """\
format: icprules/rules/v1
pack: cached-extra
rules:
  - id: extra.name-short
    title: {zh: 名称短, en: Short name}
    severity: warning
    each: "services[*]"
    assert: {field: name, length: {max: 4}}
    message: {zh: 名称过长, en: Name too long}
    source: {doc: icp-facts, section: test}
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("ICPRULES_CACHE_DIR", str(where))
    monkeypatch.delenv("ICPRULES_CACHE", raising=False)  # off for the rest of the suite (conftest)
    return where


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the rule sets compiled from their files from now on."""
    calls: list[int] = []
    real = loading._compile

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "_compile", counted)
    return calls


def _reports(rules: icprules.RuleSet) -> list[str]:
    return [icprules.check(EXAMPLES / name, today=TODAY, rules=rules).to_json()
            for name in ("website-application.yaml", "app-application.yaml", "needs-work.yaml")]


def test_a_second_load_reads_the_cache_and_checks_the_same(folder: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "extra.yaml"
    pack.write_text(PACK, encoding="utf-8")
    first = icprules.load_rules(pack)
    assert len(list(folder.glob("*.pickle"))) == 1
    compiled = _compiles(monkeypatch)
    again = icprules.load_rules(pack)
    assert compiled == [], "read from the cache"
    assert again.produced_by == first.produced_by and again.ids == first.ids
    assert _reports(again) == _reports(first)
    on_day_compiles = len(compiled)
    loading.on_day(again, dt.date.today())
    assert len(compiled) == on_day_compiles, "the rule set of the day is kept with it"


def test_the_rule_set_of_a_day_shares_what_its_dated_data_leaves_unchanged(folder: Path) -> None:
    """Before 2026 the approved TLDs differ (data/approved_tlds.yaml is dated), so two rules compile
    differently; every other rule, material and fact is the loaded rule set's own object, in memory
    and once more after the cache is read (kept once in the pickle)."""
    rules = icprules.load_rules()
    for ruleset in (rules, icprules.load_rules()):  # compiled, then read from the cache
        day = loading.on_day(ruleset, dt.date(2025, 6, 1))
        assert day is not ruleset
        own = sorted(r.id for r, base in zip(day.rules, ruleset.rules, strict=True) if r is not base)
        assert own == ["service.domain-tld-approved", "service.domain-tld-unlisted"]
        assert all(r != base for r, base in zip(day.rules, ruleset.rules, strict=True) if r is not base)
        assert all(m is base for m, base in zip(day.materials, ruleset.materials, strict=True))
        assert all(day.facts[name] is ruleset.facts[name] for name in ruleset.facts)
        today = loading.on_day(ruleset, dt.date(2026, 11, 24))
        assert all(r is base for r, base in zip(today.rules, ruleset.rules, strict=True))
    # Each day still checks by its own data: .tech was filable until 2026, and is refused since.
    doc = icprules.read_document(EXAMPLES / "website-application.yaml").data
    doc["services"][0]["domains"] = ["example.tech"]
    found = {day: {f.rule for f in icprules.check(doc, today=day, base_dir=EXAMPLES, rules=rules).findings}
             for day in (dt.date(2025, 6, 1), dt.date(2026, 11, 24))}
    assert "service.domain-tld-approved" in found[dt.date(2026, 11, 24)] - found[dt.date(2025, 6, 1)]


def test_any_change_to_a_pack_or_the_data_is_a_new_entry(folder: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "extra.yaml"
    pack.write_text(PACK, encoding="utf-8")
    icprules.load_rules(pack)
    compiled = _compiles(monkeypatch)
    pack.write_text(PACK.replace("max: 4", "max: 5"), encoding="utf-8")
    changed = icprules.load_rules(pack)
    assert compiled, "a changed pack is loaded from its file"
    assert changed.rule("extra.name-short").spec["assert"]["length"]["max"] == 5
    data = tmp_path / "data"
    data.mkdir()
    (data / "limits.yaml").write_text((Path(str(loading.BUILTIN_DATA)) / "limits.yaml").read_text(encoding="utf-8")
                                      + "\n# changed\n", encoding="utf-8")
    before = len(compiled)
    icprules.load_rules(pack, data=[data])
    assert len(compiled) > before
    assert len(list(folder.glob("*.pickle"))) == 3


@pytest.mark.parametrize("spoil", ["others_may_write", "folder_others_may_write", "symlink", "garbage", "foreign"])
def test_a_cache_that_cannot_be_trusted_is_not_read(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    spoil: str) -> None:
    rules = icprules.load_rules()
    (entry,) = folder.glob("*.pickle")
    if spoil == "others_may_write":
        entry.chmod(0o666)
    elif spoil == "folder_others_may_write":
        folder.chmod(0o777)
    elif spoil == "symlink":
        elsewhere = tmp_path / "elsewhere.pickle"
        entry.rename(elsewhere)
        entry.symlink_to(elsewhere)
    elif spoil == "garbage":
        entry.write_bytes(b"\x80\x05not a pickle")
    else:
        import pickle

        entry.write_bytes(pickle.dumps((cache.FORMAT, {"not": "a rule set"}, {}, {})))
    compiled = _compiles(monkeypatch)
    again = icprules.load_rules()
    assert compiled, "loaded from the files"
    assert again.produced_by == rules.produced_by


def test_the_cache_can_be_turned_off_and_keeps_few_entries(folder: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPRULES_CACHE", "0")
    icprules.load_rules()
    assert not folder.exists()
    monkeypatch.delenv("ICPRULES_CACHE")
    for i in range(cache.KEEP + 3):
        pack = tmp_path / f"extra{i}.yaml"
        pack.write_text(PACK.replace("max: 4", f"max: {i + 4}"), encoding="utf-8")
        icprules.load_rules(pack)
    assert len(list(folder.glob("*.pickle"))) == cache.KEEP
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in folder.glob("*.pickle"))


def test_a_folder_that_cannot_be_written_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ICPRULES_CACHE", raising=False)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("ICPRULES_CACHE_DIR", str(blocked / "cache"))
    assert icprules.load_rules().rules
    if os.getuid() != 0:  # root writes anywhere
        read_only = tmp_path / "read-only"
        read_only.mkdir(mode=0o500)
        monkeypatch.setenv("ICPRULES_CACHE_DIR", str(read_only / "cache"))
        assert icprules.load_rules().rules


def test_the_command_line_reads_the_cache_its_first_run_wrote(folder: Path) -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ICPRULES_CACHE"}
    runs = [subprocess.run([sys.executable, "-m", "icprules", "check", str(EXAMPLES / "needs-work.yaml"),
                            "--today", TODAY.isoformat(), "--format", "json"], capture_output=True, text=True, env=env)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout
    assert len(list(folder.glob("*.pickle"))) == 1


@pytest.mark.parametrize("cached", [False, True])
def test_the_built_in_data_is_read_once_per_process(folder: Path, cached: bool) -> None:
    """A rule set loaded without data overlays holds the built-in data: messages and tables that read
    the built-in data use the same store, not a second reading of the same files."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ICPRULES_CACHE"}
    if not cached:
        env["ICPRULES_CACHE"] = "0"
    script = ("import icprules\nfrom icprules import data\nfrom icprules.reading import yamlio\n"
              "rules = icprules.load_rules()\nreads = []\nreal = yamlio.load_yaml\n"
              "yamlio.load_yaml = lambda *a, **k: reads.append(1) or real(*a, **k)\n"
              "assert data.builtin() is rules.data\n"
              "icprules.check('examples/needs-work.yaml', rules=rules).to_dict()\n"
              "from icprules.report import formats\nformats.text(icprules.check('examples/needs-work.yaml'))\n"
              "print(len(reads))\n")
    for _ in range(2 if cached else 1):  # the second run reads the cache the first wrote
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                              cwd=EXAMPLES.parent, check=True)
    assert done.stdout.strip() == "2", "only the two documents are read"


def test_a_new_process_takes_the_librarys_tables_from_the_cache(folder: Path) -> None:
    """The public suffix list, stdnum's divisions and phonenumbers' CN patterns are built when the cache
    is written, and a later
    process takes them from it: they are there before any check asks, and answer the same."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ICPRULES_CACHE"}
    script = ("import icprules\nfrom icprules import tables\nicprules.load_rules()\n"
              "print(sorted(tables._built))\n"
              "from icprules.primitives import network\nfrom icprules.identifiers import ric\n"
              "print(network.registrable('a.b.example.com.cn'), network.platform_suffix('x.herokuapp.com'),"
              " ric.division_years('110101'), ric.division_years('110103'))\n")
    first, second = (subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                                    check=True).stdout.splitlines() for _ in range(2))
    assert first[0] == second[0] == str(sorted(["email-validator-special-use-domains", "phonenumbers-cn",
                                                "public-suffix-list", "public-suffix-list-icann",
                                                "stdnum-cn-divisions"]))
    assert first[1] == second[1] == "example.com.cn herokuapp.com (True, None) (True, 2010)"


def test_a_table_is_built_once_and_the_cache_does_not_replace_one_built() -> None:
    from icprules import tables

    calls: list[int] = []

    @tables.table("test-table")
    def build() -> list[int]:
        calls.append(1)
        return [len(calls)]

    try:
        assert build() == [1] and build() == [1] and calls == [1]
        tables.adopt({"test-table": [99], "no-longer-declared": [0]})
        assert build() == [1] and "no-longer-declared" not in tables.every_table()
        tables._built.pop("test-table")
        tables.adopt({"test-table": [99]})
        assert build() == [99] and calls == [1]
    finally:
        tables.BUILDERS.pop("test-table", None)
        tables._built.pop("test-table", None)


def test_a_plain_address_needs_no_email_validator_once_the_cache_is_written(folder: Path) -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ICPRULES_CACHE"}
    script = ("import sys, icprules\nreport = icprules.check('examples/website-application.yaml')\n"
              "print(report.by_rule('person.email-format') == (), 'email_validator' in sys.modules)\n")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True,
                           cwd=EXAMPLES.parent).stdout.strip() for _ in range(2)]
    assert runs == ["True True", "True False"]  # the first run builds the list (and writes the cache)


def test_bare_mobiles_need_no_phonenumbers_once_the_cache_is_written(folder: Path) -> None:
    """The example's phones are bare mobiles: phonenumbers' CN patterns kept in the cache decide them
    (tests/test_fast_paths.py proves the fast path equal to the library), and a landline still takes
    the library."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ICPRULES_CACHE"}
    script = ("import sys, icprules\n"
              "report = icprules.check('examples/website-application.yaml', reveal_personal=True)\n"
              "print(report.ok, report.by_rule('person.phone-format') == (), 'phonenumbers' in sys.modules)\n"
              "doc = icprules.read_document('examples/website-application.yaml').data\n"
              "doc['entity']['principal']['emergency_phone'] = '010-53503900'\n"
              "report = icprules.check(doc, base_dir='examples', reveal_personal=True)\n"
              "print(report.ok, report.normalized.get('entity.principal.emergency_phone'),\n"
              "      'phonenumbers' in sys.modules)\n")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True,
                           cwd=EXAMPLES.parent).stdout.strip() for _ in range(2)]
    # The first run builds the patterns (and writes the cache); the second takes them from it.
    assert runs == ["True True True\nTrue None True", "True True False\nTrue None True"]


def test_a_pack_too_large_to_load_is_not_read_whole_to_make_the_key(folder: Path, tmp_path: Path) -> None:
    """The cache key hashes each file as the loader reads it, bounded: a huge pack is refused by the
    loader with its located message, not read into memory first."""
    from icprules.errors import RuleFileError
    from icprules.reading.yamlio import MAX_BYTES

    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: no disk used
    with pytest.raises(RuleFileError, match="limit"):
        icprules.load_rules(huge)
    assert loading._cache_key((huge,), True, ()) is None
