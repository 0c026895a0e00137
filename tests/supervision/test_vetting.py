"""凡提四必: open checks and each blocker stop clearing, with the reason; resolving lifts it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Cadre
from cadres.supervision.models import (
    FileAudit,
    FileAuditFinding,
    FileAuditItem,
    FindingResult,
    HandlingType,
    SpotCheckDraw,
    SpotCheckOutcome,
    VettingCase,
    VettingCheckKind,
    VettingResult,
    VettingStatus,
)
from cadres.supervision.admin.steps import VettingCheckStepForm
from cadres.supervision.selectors import blockers_for
from cadres.supervision.services import (
    file_audit_complete,
    file_audit_resolve,
    handling_record_save,
    spot_check_draw,
    spot_check_record_outcome,
    spot_check_resolve,
    vetting_clear,
    vetting_open,
    vetting_record_check,
    vetting_terminate,
)
from orgwork.admin_steps import apply_refusal
from tests.clock import today
from tests.samples.supervision import report_for

from .helpers import assess, handle

from orgwork.common.contract import SystemActor

SYSTEM = SystemActor("tests")


def open_case(cadre: Cadre, actor: Any) -> VettingCase:
    return vetting_open(cadre=cadre, proposed_post="县发展和改革局局长", nominated_by="县委组织部",
                        nominated_on=today(), actor=actor)


def pass_all_checks(case: VettingCase, actor: Any) -> None:
    for check in case.checks.all():
        vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=today(), handler="赵干事",
                             conclusion="经核查无问题", actor=actor)


def refusal(case: VettingCase, actor: Any) -> str:
    with pytest.raises(ValidationError) as exc:
        vetting_clear(case=case, actor=actor)
    return " ".join(exc.value.messages)


def test_opening_a_case_creates_the_four_checks_pending(cadre_a, county_a_clerk) -> None:
    case = open_case(cadre_a, county_a_clerk)
    assert sorted(case.checks.values_list("kind", "result")) == sorted(
        (kind, VettingResult.PENDING) for kind in VettingCheckKind.values
    )


def test_a_case_with_open_checks_cannot_be_cleared_and_names_them(cadre_a, county_a_clerk) -> None:
    case = open_case(cadre_a, county_a_clerk)
    check = case.checks.get(kind=VettingCheckKind.FILE_AUDIT)
    vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=today(), handler="赵干事",
                         conclusion="档案齐全", actor=county_a_clerk)
    message = refusal(case, county_a_clerk)
    assert "「个人有关事项必核」尚未完成" in message
    assert "「档案必审」" not in message
    case.refresh_from_db()
    assert case.status == VettingStatus.REVIEWING


def test_a_check_that_found_a_problem_also_stops_clearing(cadre_a, county_a_clerk) -> None:
    case = open_case(cadre_a, county_a_clerk)
    pass_all_checks(case, county_a_clerk)
    petition = case.checks.get(kind=VettingCheckKind.PETITION_CLUES)
    vetting_record_check(check=petition, result=VettingResult.CONCERN, checked_on=today(), handler="赵干事",
                         conclusion="反映违规经商问题属实", actor=county_a_clerk)
    assert "反映违规经商问题属实" in refusal(case, county_a_clerk)


def test_a_check_on_a_terminated_case_is_refused_above_the_step_form_not_under_its_result(
        cadre_a, county_a_clerk) -> None:
    case = open_case(cadre_a, county_a_clerk)
    vetting_terminate(case=case, reason="拟任人选调整", actor=county_a_clerk)
    check = case.checks.get(kind=VettingCheckKind.FILE_AUDIT)
    with pytest.raises(ValidationError) as refused:
        vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=today(), handler="赵干事",
                             conclusion="档案齐全", actor=county_a_clerk)
    assert list(refused.value.message_dict) == ["status"]
    form = VettingCheckStepForm({"check": check.pk, "result": VettingResult.CLEAR, "checked_on": today().isoformat(),
                                 "handler": "赵干事"}, case=case)
    assert form.is_valid(), form.errors
    apply_refusal(form, refused.value)
    assert form.non_field_errors() == ["该审查已终止，不能再修改核查结果。"]  # one 已
    assert not form["result"].errors
    check.refresh_from_db()
    assert check.result == VettingResult.PENDING


def test_a_case_with_every_check_done_and_no_blocker_is_cleared(cadre_a, county_a_clerk) -> None:
    case = open_case(cadre_a, county_a_clerk)
    pass_all_checks(case, county_a_clerk)
    vetting_clear(case=case, actor=county_a_clerk)
    case.refresh_from_db()
    assert case.status == VettingStatus.CLEARED and case.concluded_by == county_a_clerk


def test_a_second_open_case_for_the_same_cadre_is_refused(cadre_a, county_a_clerk) -> None:
    open_case(cadre_a, county_a_clerk)
    with pytest.raises(ValidationError, match="已有审查中"):
        open_case(cadre_a, county_a_clerk)


def test_a_county_b_clerk_cannot_clear_a_county_a_case(cadre_a, county_a_clerk, county_b_clerk) -> None:
    case = open_case(cadre_a, county_a_clerk)
    pass_all_checks(case, county_a_clerk)
    with pytest.raises(ValidationError, match="管辖范围"):
        vetting_clear(case=case, actor=county_b_clerk)


def test_terminating_needs_a_reason(cadre_a, county_a_clerk) -> None:
    case = open_case(cadre_a, county_a_clerk)
    with pytest.raises(ValidationError):
        vetting_terminate(case=case, actor=county_a_clerk, reason=" ")
    vetting_terminate(case=case, actor=county_a_clerk, reason="提名撤回")
    assert case.status == VettingStatus.TERMINATED


# Each blocker: how to put it on a cadre (returns a resolver) and words its explanation contains.

def influence_blocker(cadre: Cadre, actor: Any) -> Callable[[], None]:
    record = handle(cadre, HandlingType.ADMONISHMENT, today() - datetime.timedelta(days=30))

    def resolve() -> None:
        # The decision date is corrected to a year earlier: the six months have run out.
        record.decided_on = today() - datetime.timedelta(days=400)
        handling_record_save(record=record, actor=SYSTEM)

    return resolve


def file_blocker(cadre: Cadre, actor: Any) -> Callable[[], None]:
    audit = FileAudit.objects.create(cadre=cadre, audited_on=today(), auditor="王审核")
    FileAuditFinding.objects.create(audit=audit, item=FileAuditItem.BIRTH, result=FindingResult.SUSPECTED,
                                    note="出生日期三次涂改")
    file_audit_complete(audit=audit, actor=actor)
    return lambda: file_audit_resolve(audit=audit, resolution="经查系笔误，已认定", resolved_on=today(), actor=actor)


def spot_check_blocker(cadre: Cadre, actor: Any) -> Callable[[], None]:
    report_for(cadre, year=2025)
    draw = spot_check_draw(draw=SpotCheckDraw(unit=cadre.unit, year=2025, method="ratio", ratio=100),
                           actor=actor)
    check = draw.checks.get(cadre=cadre)
    spot_check_record_outcome(check=check, outcome=SpotCheckOutcome.CONCEALED, checked_on=today(),
                              findings="瞒报房产一套", actor=actor)
    return lambda: spot_check_resolve(check=check, resolved_on=today(), handling="诫勉，取消提拔资格一年", actor=actor)


def score_blocker(cadre: Cadre, actor: Any) -> Callable[[], None]:
    assess(cadre, 2024, "92")
    assess(cadre, 2025, "76.5")
    return lambda: assess(cadre, 2026, "86")


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (influence_blocker, "影响期6个月"),
        (file_blocker, "疑似造假"),
        (spot_check_blocker, "「瞒报」"),
        (score_blocker, "76.5 分，低于 80 分"),
    ],
    ids=["influence", "file_falsification", "spot_check", "low_political_score"],
)
def test_each_blocker_stops_clearing_and_lifts_when_resolved(make, words, cadre_a, county_a_clerk) -> None:
    resolve = make(cadre_a, county_a_clerk)
    case = open_case(cadre_a, county_a_clerk)
    pass_all_checks(case, county_a_clerk)
    message = refusal(case, county_a_clerk)
    assert words in message
    assert len(blockers_for(cadre_a)) == 1
    resolve()
    assert blockers_for(cadre_a) == []
    vetting_clear(case=case, actor=county_a_clerk)
    assert case.status == VettingStatus.CLEARED


def test_the_case_page_explains_the_blockers(cadre_a, county_a_clerk, client_for) -> None:
    assess(cadre_a, 2025, "70")
    case = open_case(cadre_a, county_a_clerk)
    page = client_for(county_a_clerk).get(reverse("admin:supervision_vettingcase_change", args=[case.pk]))
    text = page.content.decode()
    assert "「档案必审」尚未完成" in text and "70 分，低于 80 分" in text


def test_the_clear_action_reports_one_summary(cadre_a, cadre_b, county_a_clerk, city_officer, client_for) -> None:
    ready = open_case(cadre_a, county_a_clerk)
    pass_all_checks(ready, county_a_clerk)
    blocked = open_case(cadre_b, city_officer)
    response = client_for(city_officer).post(
        reverse("admin:supervision_vettingcase_changelist"),
        {"action": "clear_cases", "_selected_action": [ready.pk, blocked.pk]}, follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "审查通过：已办理 1 条，未办理 1 条。" in messages[0]
    assert messages[0].count("<li>") == 1  # the refused case on a line of its own
    ready.refresh_from_db()
    blocked.refresh_from_db()
    assert (ready.status, blocked.status) == (VettingStatus.CLEARED, VettingStatus.REVIEWING)


def test_the_supervision_steps_refuse_a_day_to_come_or_before_the_record_began(cadre_a, county_a_clerk) -> None:
    """提名, 核查, 抽查核查, 处理完毕 and 查结 on a day still to come, or before the day the
    record they close began, were saved; the worklists then emptied on a future day."""
    later = today() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError, match="提名日期不能晚于今天"):
        vetting_open(cadre=cadre_a, proposed_post="某局局长", nominated_by="组织部", nominated_on=later,
                     actor=county_a_clerk)
    case = open_case(cadre_a, county_a_clerk)
    check = case.checks.first()
    with pytest.raises(ValidationError, match="核查日期不能早于提名日期"):
        vetting_record_check(check=check, result=VettingResult.CLEAR, handler="李核查", conclusion="无问题",
                             checked_on=case.nominated_on - datetime.timedelta(days=1), actor=county_a_clerk)
    audit = FileAudit.objects.create(cadre=cadre_a, audited_on=today(), auditor="王审核")
    FileAuditFinding.objects.create(audit=audit, item=FileAuditItem.BIRTH, result=FindingResult.SUSPECTED, note="涂改")
    file_audit_complete(audit=audit, actor=county_a_clerk)
    with pytest.raises(ValidationError, match="查结日期不能早于审核日期"):
        file_audit_resolve(audit=audit, resolution="笔误", resolved_on=today() - datetime.timedelta(days=1),
                           actor=county_a_clerk)
    with pytest.raises(ValidationError, match="审核日期不能晚于今天"):
        FileAudit(cadre=cadre_a, audited_on=later, auditor="王审核").clean()
    resolve_spot_check = spot_check_blocker(cadre_a, county_a_clerk)  # checked today
    check = cadre_a.spot_checks.get()
    with pytest.raises(ValidationError, match="处理完毕日期不能晚于今天"):
        spot_check_resolve(check=check, resolved_on=later, handling="诫勉", actor=county_a_clerk)
    with pytest.raises(ValidationError, match="处理完毕日期不能早于核查日期"):
        spot_check_resolve(check=check, resolved_on=today() - datetime.timedelta(days=1), handling="诫勉",
                           actor=county_a_clerk)
    resolve_spot_check()
    check.refresh_from_db()
    assert check.resolved_on == today()
