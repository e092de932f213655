"""Which rules apply is worked out once per selection, not once per day: a service runs for months.

Plans (the compiled rules of a context) are memoised by what selects them: the operation, the
provider, the service types, the province when a rule names it, and which windows of dated rules
are in force. Keyed by the day itself, a long-running service built its plans again each day, and
once the memo was full, for every check (a third of its speed after some weeks).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import icprules
from conftest import EXAMPLES, TODAY, base
from icprules import evaluation
from icprules.ruleset.loading import on_day

RULES = icprules.load_rules()
WINDOWS, NAMED = evaluation._selecting(RULES)


def _boundaries() -> list[dt.date]:
    """Every day a dated rule starts or ends, and the days either side of it."""
    days = {d for window in WINDOWS for d in window if d is not None}
    return sorted({d + dt.timedelta(days=k) for d in days for k in (-1, 0, 1)})


def _fresh(context: evaluation.Context) -> list[str]:
    """The versions of the rules that apply in a context, worked out without any memo."""
    return [r.version for r in RULES.rules
            if evaluation.applies(r, *context) and evaluation.by_profile(RULES, r, context[1])]


contexts = st.tuples(
    st.sampled_from(["new", "change_info", "change_ip", "cancel_service", "made_up", None]),
    st.sampled_from(["nwcd", "wechat", "alipay", "unknown-portal", None]),
    st.frozensets(st.sampled_from(["website", "app", "mini_program", "quick_app"]), max_size=3),
    st.sampled_from([*sorted(NAMED), "BJ", "SH", "ZJ", None]),
    st.one_of(st.none(), st.sampled_from(_boundaries()), st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31))),
)


def test_the_built_in_rules_have_dated_windows_and_provinces_to_select_by() -> None:
    # Without them the property below would say nothing.
    assert len(WINDOWS) >= 3 and {"GD", "JS"} <= NAMED


@settings(max_examples=400, deadline=None)
@given(contexts)
def test_the_memoised_plans_are_the_rules_that_apply_that_day(context: evaluation.Context) -> None:
    planned = [p.rule.version for p in evaluation.plans(RULES, context)]
    assert planned == _fresh(context)


@given(st.sampled_from([*sorted(NAMED), "BJ", None]), st.booleans())
@settings(max_examples=40, deadline=None)
def test_day_after_day_across_every_boundary_the_plans_are_those_of_the_day(province: str | None,
                                                                             backwards: bool) -> None:
    """Each day's plans are memoised in turn, in one rule set: a day that shared its neighbour's memo
    entry by mistake would get its neighbour's rules."""
    rules = icprules.load_rules()
    days = _boundaries()[::-1] if backwards else _boundaries()
    for day in days:
        for types in (frozenset({"website"}), frozenset({"website", "app"})):
            context: evaluation.Context = ("new", "nwcd", types, province, day)
            assert [p.rule.version for p in evaluation.plans(rules, context)] == _fresh(context), day


def test_each_window_of_the_selection_says_whether_its_rules_are_in_force() -> None:
    every = (*RULES.rules, *(m.rule for m in RULES.materials))
    for day in _boundaries():
        *_, signature = evaluation.selection(RULES, (None, None, frozenset(), None, day))
        for in_force, window in zip(signature, WINDOWS, strict=True):
            ruled = [r for r in every if (r.effective_from, r.effective_until) == window]
            assert ruled and all(r.in_force(day) == in_force for r in ruled), (day, window)


def test_one_rule_set_asked_for_every_province_in_turn_gives_each_its_own_rules() -> None:
    rules = icprules.load_rules()
    for province in [*sorted(NAMED), "BJ", "SH", None, *sorted(NAMED)]:
        for types in (frozenset({"website"}), frozenset({"app"})):
            context: evaluation.Context = ("new", "nwcd", types, province, TODAY)
            assert [p.rule.version for p in evaluation.plans(rules, context)] == _fresh(context), province


def test_one_rule_set_checking_each_province_in_turn_lists_each_its_own_materials() -> None:
    rules = icprules.load_rules()
    doc = base("website")
    seen = set()
    for province in ("GD", "JS", "BJ", "GD", "SH", "JS"):
        doc["entity"]["province"] = province
        warm = icprules.check(doc, today=TODAY, base_dir=EXAMPLES, rules=rules).materials
        fresh = icprules.check(doc, today=TODAY, base_dir=EXAMPLES, rules=icprules.load_rules()).materials
        assert warm == fresh, province
        seen.add(frozenset(m["id"] for m in warm))
    assert len(seen) >= 3, "Guangdong, Jiangsu and the others each have their own materials"


def test_a_service_running_for_a_year_keeps_a_few_plans_and_the_same_reports() -> None:
    rules = icprules.load_rules()
    doc = base("website")
    for k in range(0, 400, 3):
        icprules.check(doc, today=TODAY + dt.timedelta(days=k), base_dir=EXAMPLES, rules=rules).to_dict()
    # check() runs the rule set of each day's data (one per period between dated data entries).
    days = {id(r): r for r in (on_day(rules, TODAY + dt.timedelta(days=k)) for k in range(0, 400, 3))}
    kept = [key for r in days.values() for key in r.applicable if key[0] == "rules"]
    assert 1 <= len(kept) <= 2 * len(days)  # one selection a rule set (two if a dated rule starts within the year)
    for day in (TODAY, TODAY + dt.timedelta(days=399)):
        again = icprules.check(doc, today=day, base_dir=EXAMPLES, rules=rules)
        fresh = icprules.check(doc, today=day, base_dir=EXAMPLES, rules=icprules.load_rules())
        assert again.to_dict() == fresh.to_dict()


def test_on_each_side_of_a_dated_rule_the_materials_are_those_of_a_fresh_rule_set() -> None:
    rules = icprules.load_rules()
    doc = base("website")
    doc["entity"]["province"] = "广东省"
    doc["entity"]["address"] = "广东省广州市天河区珠江新城华夏路10号"
    start = next(d for d, _ in WINDOWS if d is not None and d.year == 2021 and d.month == 6 and d.day == 21)
    for day in (start - dt.timedelta(days=1), start, start + dt.timedelta(days=1), start - dt.timedelta(days=2)):
        warm = icprules.check(doc, today=day, base_dir=EXAMPLES, rules=rules).materials
        fresh = icprules.check(doc, today=day, base_dir=EXAMPLES, rules=icprules.load_rules()).materials
        assert warm == fresh
    ids = {day: {m["id"] for m in icprules.check(doc, today=day, base_dir=EXAMPLES, rules=rules).materials}
           for day in (start - dt.timedelta(days=1), start)}
    assert ids[start] - ids[start - dt.timedelta(days=1)], "the dated material should start on its day"


def test_the_memo_lets_its_oldest_entry_go_when_full() -> None:
    rules = icprules.load_rules()
    built: list[Any] = []
    for k in range(evaluation._CONTEXTS + 40):
        evaluation._per_context(rules, ("test", k), lambda k=k: built.append(k) or k)
    assert len(rules.applicable) == evaluation._CONTEXTS
    assert ("test", 0) not in rules.applicable and ("test", evaluation._CONTEXTS + 39) in rules.applicable
    # The newest are still answered from the memo.
    assert evaluation._per_context(rules, ("test", evaluation._CONTEXTS + 39), lambda: "rebuilt") == \
        evaluation._CONTEXTS + 39


def test_contexts_share_the_plans_of_their_common_rules() -> None:
    """A plan depends on its rule alone: a new context takes the plans compiled for an earlier one."""
    rules = icprules.load_rules()
    website = evaluation.plans(rules, ("new", "nwcd", frozenset({"website"}), None, TODAY))
    both = evaluation.plans(rules, ("new", "nwcd", frozenset({"website", "app"}), "GD", TODAY))
    by_rule = {id(p.rule): p for p in website}
    shared = [p for p in both if id(p.rule) in by_rule]
    assert len(shared) > 100 and all(p is by_rule[id(p.rule)] for p in shared)
    assert len(both) > len(shared)  # the APP rules, compiled for this context
