"""凡提四必 wording: one refusal sentence, the list's 现存阻却情形 explained on a passed case's
page, and the supervision batches summed up like the kernel's (处理完毕：已办理 0 条…)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from cadres.supervision.models import HandlingType, SpotCheckDraw, SpotCheckOutcome, VettingStatus
from cadres.supervision.services import spot_check_draw, spot_check_record_outcome, vetting_clear
from tests.clock import today
from tests.samples.supervision import report_for

from .helpers import handle
from .test_vetting import open_case, pass_all_checks


def test_a_refused_clearing_has_no_stray_colon_and_semicolon(cadre_a, county_a_clerk, client_for) -> None:
    case = open_case(cadre_a, county_a_clerk)
    pass_all_checks(case, county_a_clerk)
    handle(cadre_a, HandlingType.ADMONISHMENT, today() - datetime.timedelta(days=30))
    response = client_for(county_a_clerk).post(
        reverse("admin:supervision_vettingcase_changelist"),
        {"action": "clear_cases", "_selected_action": [case.pk]}, follow=True,
    )
    (message,) = [str(m) for m in response.context["messages"]]
    assert "不能通过凡提四必审查：" in message and "：；" not in message
    assert "审查通过：已办理 0 条，未办理 1 条。" in message


def test_a_passed_case_page_shows_the_blocker_the_list_flags(cadre_a, county_a_clerk, client_for) -> None:
    case = open_case(cadre_a, county_a_clerk)
    pass_all_checks(case, county_a_clerk)
    vetting_clear(case=case, actor=county_a_clerk)
    handle(cadre_a, HandlingType.ADMONISHMENT, today() - datetime.timedelta(days=10), document_number="城组通〔2026〕9号")
    client = client_for(county_a_clerk)
    listing = client.get(reverse("admin:supervision_vettingcase_changelist")).content.decode()
    assert "现存阻却情形" in listing and "存在阻却情形" not in listing
    page = client.get(reverse("admin:supervision_vettingcase_change", args=[case.pk])).content.decode()
    assert case.status == VettingStatus.CLEARED
    assert "现存阻却情形" in page and "城组通〔2026〕9号" in page and "审查结束后该干部目前存在以下阻却情形" in page


def test_the_resolve_batch_summary_reads_like_the_others(tree, cadre_a, county_a_clerk, client_for) -> None:
    report_for(cadre_a, year=2025)
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1),
                           actor=county_a_clerk)
    check = draw.checks.get()
    spot_check_record_outcome(check=check, outcome=SpotCheckOutcome.CONSISTENT, checked_on=today(),
                              actor=county_a_clerk)
    response = client_for(county_a_clerk).post(reverse("admin:supervision_spotcheck_changelist"), {
        "action": "resolve_checks", "_selected_action": [check.pk], "apply": "1",
        "day": today().isoformat(), "text": "批评教育",
    }, follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    assert "漏报瞒报处理完毕：已办理 0 条，未办理 1 条。" in message and "已办理处理完毕" not in message
