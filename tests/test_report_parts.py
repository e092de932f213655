"""A report's parts are worked out when first read, and read the same as a report made whole."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import threading
from typing import Any

import pytest

import icprules
from conftest import EXAMPLES, TODAY, run
from icprules import evaluation, report_parts
from icprules.messages import Message
from icprules.report.findings import PARTS, Report
from icprules.report.privacy import Masker, mask_report


def _whole(doc: dict[str, Any], reveal_personal: bool = False) -> Report:
    """The same report made the eager way: every part worked out at once, then masked by mask_report."""
    rules = icprules.default_rules()
    read = icprules.read_document(doc, base_dir=EXAMPLES)
    env = evaluation.new_env(rules, read, TODAY)
    context = evaluation.document_context(rules, read.data, TODAY, env)
    findings = evaluation.evaluate(rules, read, today=TODAY, env=env, context=context)
    whole = Report(tuple(findings), operation=context[0], provider=context[1], today=TODAY, as_of=TODAY,
                   normalized=evaluation.normalized(rules, read),
                   verification=evaluation.decide(rules, env, "verification"),
                   materials=tuple(evaluation.checklist(rules, env, context)),
                   deadlines=tuple(report_parts.deadlines(rules, read.data, TODAY, context)),
                   produced_by=rules.produced_by)
    return whole if reveal_personal else mask_report(whole, Masker.for_document(read.data, rules.data))


@pytest.mark.parametrize("name", ["website", "app"])
def test_a_deferred_report_reads_as_one_made_whole(name: str, request: pytest.FixtureRequest) -> None:
    doc = request.getfixturevalue(name)
    doc["entity"]["principal"]["phone"] = "138 0013 8000"  # a personal value quoted by findings
    doc["services"][0]["domains"].append("https://bad.example.cn")
    deferred = run(doc)
    whole = _whole(doc)
    assert deferred.to_dict() == whole.to_dict()
    assert deferred == whole
    assert "138 0013 8000" not in deferred.to_json() and "13800138000" not in deferred.to_json()


def test_reading_ok_and_the_findings_works_out_no_other_part(website: dict[str, Any],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    for name in ("checklist", "decide", "normalized", "deadlines"):
        real = getattr(report_parts, name)
        def counted(*args: Any, _name: str = name, _real: Any = real, **kwargs: Any) -> Any:
            asked.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(report_parts, name, counted)
    website["services"][0]["domains"] = ["x"]
    report = run(website)
    assert not report.ok and report.summary()["error"] >= 1
    assert report.findings and asked == []
    assert report.materials and asked == ["checklist"]
    report.to_dict()
    assert sorted(asked) == ["checklist", "deadlines", "decide", "normalized"]
    report.to_dict()
    assert len(asked) == 4, "each part is worked out once"


def test_changing_the_document_after_the_check_changes_nothing_in_the_report(website: dict[str, Any]) -> None:
    expected = run(copy.deepcopy(website)).to_dict()
    report = run(website)
    website["entity"]["name"] = "张三"
    website["services"].clear()
    assert report.to_dict() == expected


def test_parts_read_from_many_threads_at_once_are_the_same_objects(app: dict[str, Any]) -> None:
    report = run(app)
    seen: list[tuple[Any, ...]] = []
    start = threading.Barrier(8)

    def read() -> None:
        start.wait()
        seen.append(tuple(getattr(report, name) for name in reversed(PARTS)))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8
    assert all(all(a is b for a, b in zip(parts, seen[0], strict=True)) for parts in seen)
    assert report.to_dict() == _whole(app).to_dict()


def test_a_report_cannot_be_changed_and_copies_carry_its_parts(website: dict[str, Any]) -> None:
    report = run(website)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.findings = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        del report.materials
    for copied in (pickle.loads(pickle.dumps(report)), copy.deepcopy(report), copy.copy(report)):
        assert copied == report and copied.to_dict() == report.to_dict()
        assert copied._source is None  # made whole: nothing of the document is kept behind
    assert repr(report).startswith("<Report ok")


def test_a_report_made_from_its_parts_is_the_same_as_before(website: dict[str, Any]) -> None:
    report = Report(findings=(), operation="new", today=TODAY)
    assert report.ok and report.summary() == {"error": 0, "warning": 0, "info": 0}
    assert report.materials == () and report.normalized == {} and report.produced_by == {}
    assert report.to_dict()["operation"] == "new"
    assert Report() != report and Report(operation="new", today=TODAY) == report


def test_revealed_reports_defer_too(website: dict[str, Any]) -> None:
    website["entity"]["principal"]["phone"] = "138 0013 8000"
    report = icprules.check(website, today=TODAY, base_dir=EXAMPLES, reveal_personal=True)
    assert report.to_dict() == _whole(website, reveal_personal=True).to_dict()
    assert report.normalized["entity.principal.phone"] == "13800138000"
    assert "entity.principal.phone" not in run(website).normalized  # masked: left out


def test_a_findings_message_is_rendered_when_first_read(website: dict[str, Any]) -> None:
    website["services"][0]["domains"] = ["https://example.cn"]
    report = icprules.check(website, today=TODAY, base_dir=EXAMPLES, reveal_personal=True)
    (found,) = report.by_rule("service.domain-format")
    assert isinstance(found.message, Message) and found.message._text is None
    assert found.message["en"].startswith("Domain") and "https://example.cn" in found.message["en"]
    assert dict(found.message) == {"zh": found.message["zh"], "en": found.message["en"]}
    assert pickle.loads(pickle.dumps(found.message)) == found.message
    assert found == pickle.loads(pickle.dumps(found))


def test_a_message_that_cannot_be_rendered_keeps_its_template_rather_than_fail_the_report() -> None:
    """Rendering happens when a message is read, outside the rule's own guard: a parameter that cannot
    be written leaves the template's placeholders as written, and the report still serialises."""

    class Unwritable:
        def __str__(self) -> str:
            raise RuntimeError("cannot be written")

    message = Message({"zh": "值“{value}”无效", "en": 'The value "{value}" is not valid'}, {"value": Unwritable()})
    assert dict(message) == {"zh": "值“{value}”无效", "en": 'The value "{value}" is not valid'}
    assert Message({"en": "{why}"}, {"why": "x", "n": Unwritable()}, {"en": "bad {n}"})["en"] == "{why}"


def test_a_report_read_only_for_ok_lets_its_document_go_at_once(website: dict[str, Any]) -> None:
    """No reference cycle holds the document and the check's context: dropping the report frees them
    without waiting for the cyclic collector (a caller checking thousands of documents reads `ok`)."""
    import gc
    import weakref

    gc.disable()
    try:
        report = run(website)
        assert report.ok is not None
        source = weakref.ref(report._source)
        del report
        assert source() is None
    finally:
        gc.enable()


def test_reading_a_date_does_not_build_the_masker(website: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    real = Masker.for_document

    def counted(*args: Any) -> Masker:
        built.append(1)
        return real(*args)

    monkeypatch.setattr(Masker, "for_document", staticmethod(counted))
    report = run(website)
    assert report.today == TODAY and report.deadlines and report.produced_by and built == []
    assert report.findings is not None and built == [1]


def test_a_lazy_message_is_equal_to_the_dict_of_its_text_and_views_it_as_one() -> None:
    templates = {"zh": "域名“{domain}”未备案", "en": "The domain {domain} is not filed"}
    message = Message(templates, {"domain": "例子.中国"})
    text = {"zh": "域名“例子.中国”未备案", "en": "The domain 例子.中国 is not filed"}
    assert message == text and text == message and message == Message(templates, {"domain": "例子.中国"})
    assert message != {**text, "en": "other"} and message != Message(templates, {"domain": "example.cn"})
    assert message != {"zh": text["zh"]} and message != "域名“例子.中国”未备案" and message != list(text.items())
    assert dict(message.items()) == text and list(message.values()) == list(text.values()) and dict(message) == text
    with pytest.raises(TypeError):
        hash(message)


def test_a_copy_of_a_report_keeps_every_part_and_not_the_document(website: dict[str, Any]) -> None:
    """What the README tells a caller keeping many reports: keep a copy, which lets the document go."""
    import copy
    import gc
    import weakref

    gc.disable()
    try:
        report = run(website)
        source = weakref.ref(report._source)
        kept = copy.copy(report)
        expected = report.to_dict()
        del report
        assert source() is None
        assert kept.to_dict() == expected and kept.materials and kept.findings
    finally:
        gc.enable()


def test_a_finding_made_on_the_hot_path_is_the_finding_its_constructor_makes() -> None:
    """Finding.made skips the frozen dataclass's __init__; it must set every field, and no other."""
    from icprules.report.findings import Finding

    args = ("person.phone-format", "error", "entity.principal.phone", Message({"en": "bad {value}"}, {"value": "1"}),
            ({"document": "000", "section": "4"},), "1380013800", 12)
    made, built = Finding.made(*args), Finding(*args)
    assert made == built and made.could_not_check is None
    assert made.__dict__.keys() == {f.name for f in dataclasses.fields(Finding)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.rule = "other"  # type: ignore[misc]
    assert dataclasses.replace(made, line=13) == dataclasses.replace(built, line=13)
