"""Timeline in working days, and what is shown after approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import run
from icprules.report import footer
from icprules.timeline import add_working_days
from test_cli import cli


def test_working_days_skip_holidays_and_count_make_up_days() -> None:
    # 2026-10-01..07 is the National Day holiday; Saturday 2026-10-10 is a make-up working day.
    assert add_working_days(dt.date(2026, 9, 30), 1) == (dt.date(2026, 10, 8), True)
    assert add_working_days(dt.date(2026, 10, 9), 1) == (dt.date(2026, 10, 10), True)


def test_years_the_calendar_does_not_cover_are_estimated() -> None:
    day, official = add_working_days(dt.date(2030, 1, 4), 1)  # a Friday
    assert day == dt.date(2030, 1, 7) and official is False


def test_deadlines_of_a_new_website(website: dict[str, Any]) -> None:
    deadlines = {d["id"]: d for d in run(website).deadlines}
    assert list(deadlines) == ["provider_review", "sms_verification", "authority_review", "record_number_display",
                               "public_security_filing"]
    assert deadlines["provider_review"]["due"] == "2026-11-24"
    assert deadlines["sms_verification"]["due"] == "2026-11-25T23:59"
    assert deadlines["authority_review"]["due"] == "2026-12-22"
    assert deadlines["public_security_filing"]["access"]["access_mode"] == "租赁虚拟空间"
    assert not deadlines["authority_review"]["estimated"]


def test_deadlines_start_today_without_submitted_on(website: dict[str, Any]) -> None:
    del website["submitted_on"]
    deadlines = {d["id"]: d for d in run(website, today=dt.date(2026, 9, 30)).deadlines}
    assert deadlines["provider_review"]["due"] == "2026-10-08"


def test_timeline_past_the_calendar_is_estimated_and_warned(website: dict[str, Any]) -> None:
    website["submitted_on"] = "2026-12-20"
    report = run(website)
    review = next(d for d in report.deadlines if d["id"] == "authority_review")
    assert review["estimated"] and not review["official_calendar"]
    assert [f.rule for f in report.findings if f.severity == "warning"] == ["lifecycle.calendar-estimated"]


def test_app_has_no_public_security_deadline(app: dict[str, Any]) -> None:
    assert "public_security_filing" not in {d["id"] for d in run(app).deadlines}


def test_cancellation_has_only_the_provider_review(website: dict[str, Any]) -> None:
    website["operation"] = "cancel_entity"
    website["record_number"] = "京ICP备04000001号"
    assert [d["id"] for d in run(website).deadlines] == ["provider_review"]


def test_website_footer_links_both_numbers() -> None:
    html = footer.website_html("京ICP备04000001号-1", "京公网安备 11010502030143号")
    assert '<a href="https://beian.miit.gov.cn/"' in html and ">京ICP备04000001号-1</a>" in html
    assert "code=11010502030143" in html and ">京公网安备11010502030143号</a>" in html


def test_app_notice() -> None:
    notice = footer.app_notice("京ICP备04000001号-1A")
    assert notice["zh"] == "APP备案号：京ICP备04000001号-1A" and notice["link"] == "https://beian.miit.gov.cn/"


def test_footer_command() -> None:
    code, out, _ = cli("footer", "京ICP备04000001号-1")
    assert code == 0 and out.startswith('<div class="beian">')
    code, out, _ = cli("footer", "京ICP备04000001号-1A", "--app")
    assert code == 0 and "APP record number: 京ICP备04000001号-1A" in out
    code, _, err = cli("footer", "京ICP备04000001号-1", "--police", "京ICP备04000001号-2")
    assert code == 2 and "not a public-security filing number" in err
