"""干部监督的办理按钮: each step on its record's page, shown by role and state, through the
service with its audit row; a refusal re-shown on the form in Chinese; no 删除 for a
record on the books; the record's timeline on its page."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from cadres.supervision.models import (
    FileAuditStatus,
    HandlingRecord,
    SpotCheckOutcome,
    TravelDocumentStatus,
    VettingCase,
    VettingResult,
    VettingStatus,
)
from cadres.supervision.services import spot_check_record_outcome, vetting_record_check
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.rectification.models import RectificationItem
from tests.samples.supervision import (
    draw_sample,
    file_audit_sample,
    handling_sample,
    loan_sample,
    spot_check_sample,
    travel_document_sample,
    vetting_sample,
)
from tests.steps import assert_step_unavailable

from .helpers import SYSTEM

pytestmark = pytest.mark.django_db

DAY = "2026-03-20"


def page(record: models.Model) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def step_url(record: models.Model, name: str) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[record.pk])


def delete_url(record: models.Model) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[record.pk])


def last_audit_id() -> int:
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def audit_rows_since(last: int) -> list[tuple[str, str, str]]:
    return [(row.content_type.model, row.object_id, row.action)
            for row in AuditLog.objects.filter(pk__gt=last).select_related("content_type").order_by("id")]


def clear_all_checks(case: VettingCase) -> None:
    for check in case.checks.all():
        vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=datetime.date(2026, 3, 18),
                             handler="王干事", conclusion="未发现问题。", actor=SYSTEM)


# ---------------------------------------------------------------- 凡提四必


def test_a_case_under_review_offers_its_three_steps_to_the_supervision_clerk(tree, county_a_clerk,
                                                                            client_for) -> None:
    case = vetting_sample(tree["county_a"])
    html = client_for(county_a_clerk).get(page(case)).content.decode()
    for name in ("record_check_step", "clear_step", "terminate_step"):
        assert step_url(case, name) in html
    assert "登记核查结果" in html and "审查通过" in html and "终止审查" in html


def test_a_reader_sees_the_case_but_no_step_and_cannot_take_one_by_its_url(tree, view_only_auditor,
                                                                           client_for) -> None:
    case = vetting_sample(tree["county_a"])
    client = client_for(view_only_auditor)
    html = client.get(page(case)).content.decode()
    assert "拟任" in html or str(case.cadre) in html
    for name in ("record_check_step", "clear_step", "terminate_step"):
        assert step_url(case, name) not in html
    assert client.post(step_url(case, "clear_step"), {}).status_code == 403
    case.refresh_from_db()
    assert case.status == VettingStatus.REVIEWING


def test_a_check_is_recorded_from_the_cases_page_with_its_evidence_and_one_audit_row(
        tree, county_a_clerk, client_for, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = vetting_sample(tree["county_a"])
    check = case.checks.order_by("pk").first()
    client = client_for(county_a_clerk)
    form = client.get(step_url(case, "record_check_step"))
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    last = last_audit_id()
    response = client.post(step_url(case, "record_check_step"), {
        "check": check.pk, "result": VettingResult.CLEAR, "checked_on": DAY, "handler": "王干事",
        "conclusion": "档案记载与本人填报一致。",
        "evidence": SimpleUploadedFile("审核意见.pdf", b"%PDF-1.4 evidence\n%%EOF\n", content_type="application/pdf"),
    })
    assert response.status_code == 302 and response["Location"] == page(case)
    check.refresh_from_db()
    assert check.result == VettingResult.CLEAR and check.handler == "王干事" and check.evidence
    assert audit_rows_since(last) == [("vettingcheck", str(check.pk), AuditAction.UPDATE)]


def test_clearing_with_checks_still_open_is_refused_on_its_page_with_the_reasons(tree, county_a_clerk,
                                                                                client_for) -> None:
    case = vetting_sample(tree["county_a"])
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = client.post(step_url(case, "clear_step"), {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "不能通过凡提四必审查" in html and "errornote" in html
    case.refresh_from_db()
    assert case.status == VettingStatus.REVIEWING
    assert audit_rows_since(last) == []


def test_a_case_whose_four_checks_are_clear_is_cleared_from_its_page(tree, county_a_clerk, client_for) -> None:
    case = vetting_sample(tree["county_a"])
    clear_all_checks(case)
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = client.post(step_url(case, "clear_step"), {})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == VettingStatus.CLEARED and case.concluded_by == county_a_clerk
    assert audit_rows_since(last) == [("vettingcase", str(case.pk), AuditAction.TRANSITION)]
    html = client.get(page(case)).content.decode()
    for name in ("record_check_step", "clear_step", "terminate_step"):
        assert step_url(case, name) not in html
    assert_step_unavailable(client, step_url(case, "terminate_step"), {"reason": "撤回"})


def test_terminating_without_a_reason_comes_back_on_its_form(tree, county_a_clerk, client_for) -> None:
    case = vetting_sample(tree["county_a"])
    client = client_for(county_a_clerk)
    response = client.post(step_url(case, "terminate_step"), {"reason": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    case.refresh_from_db()
    assert case.status == VettingStatus.REVIEWING
    assert client.post(step_url(case, "terminate_step"), {"reason": "提名已撤回"}).status_code == 302
    case.refresh_from_db()
    assert case.status == VettingStatus.TERMINATED and case.termination_reason == "提名已撤回"


def test_a_clerk_of_another_county_cannot_open_a_step_of_the_case(tree, county_b_clerk, client_for) -> None:
    case = vetting_sample(tree["county_a"])
    assert client_for(county_b_clerk).get(step_url(case, "clear_step")).status_code in (403, 404)


def test_a_handling_record_has_no_delete_so_its_influence_period_cannot_be_deleted_away(
        tree, county_a_clerk, client_for) -> None:
    record = handling_sample(tree["county_a"])
    client = client_for(county_a_clerk)
    shown = client.get(page(record))
    assert shown.status_code == 200 and delete_url(record) not in shown.content.decode()
    assert client.get(delete_url(record)).status_code == 403
    assert client.post(delete_url(record), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:supervision_handlingrecord_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
    # Not even an account holding every right (a superuser) deletes it.
    from orgwork.accounts.models import User

    root = User.objects.create_superuser(username="root", password="Root#pass2026x", unit=tree["province"])
    assert client_for(root).post(delete_url(record), {"post": "yes"}).status_code == 403
    assert HandlingRecord.objects.filter(pk=record.pk).exists()


def test_a_case_has_no_delete_and_its_delete_url_is_refused(tree, county_a_clerk, client_for) -> None:
    case = vetting_sample(tree["county_a"])
    client = client_for(county_a_clerk)
    assert delete_url(case) not in client.get(page(case)).content.decode()
    assert client.post(delete_url(case), {"post": "yes"}).status_code == 403
    assert VettingCase.objects.filter(pk=case.pk).exists()


def test_the_case_page_shows_its_timeline_with_the_checks_in_plain_chinese(tree, county_a_clerk,
                                                                          client_for) -> None:
    case = vetting_sample(tree["county_a"])
    clear_all_checks(case)
    html = client_for(county_a_clerk).get(page(case)).content.decode()
    timeline = html.split('id="record-timeline"', 1)[1]
    assert "办理记录" in html
    assert "核查结果：待核查 → 无问题" in timeline
    assert "档案必审" in timeline
    assert "ID：" not in timeline


# ---------------------------------------------------------------- 个人有关事项抽查


def test_a_pending_spot_check_offers_only_the_outcome_step(tree, county_a_clerk, client_for) -> None:
    check = spot_check_sample(tree["county_a"])
    html = client_for(county_a_clerk).get(page(check)).content.decode()
    assert step_url(check, "record_outcome_step") in html
    assert step_url(check, "resolve_step") not in html and step_url(check, "open_rectification_step") not in html


def test_an_omission_without_findings_is_refused_on_the_outcome_form(tree, county_a_clerk, client_for) -> None:
    check = spot_check_sample(tree["county_a"])
    response = client_for(county_a_clerk).post(step_url(check, "record_outcome_step"), {
        "outcome": SpotCheckOutcome.OMITTED, "checked_on": DAY, "findings": "", "handling": ""})
    assert response.status_code == 200 and "漏报、瞒报的，须写明核查情况。" in response.content.decode()
    check.refresh_from_db()
    assert check.outcome == SpotCheckOutcome.PENDING


def test_the_outcome_is_recorded_from_the_checks_page_with_one_audit_row(tree, county_a_clerk,
                                                                        client_for) -> None:
    check = spot_check_sample(tree["county_a"])
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = client.post(step_url(check, "record_outcome_step"), {
        "outcome": SpotCheckOutcome.CONSISTENT, "checked_on": DAY, "findings": "", "handling": ""})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.outcome == SpotCheckOutcome.CONSISTENT
    assert audit_rows_since(last) == [("spotcheck", str(check.pk), AuditAction.TRANSITION)]


def test_an_omission_is_resolved_and_put_on_the_books_from_its_page(tree, county_a_clerk, client_for) -> None:
    check = spot_check_sample(tree["county_a"])
    spot_check_record_outcome(check=check, outcome=SpotCheckOutcome.OMITTED, checked_on=datetime.date(2026, 3, 18),
                              findings="漏报房产一处", actor=SYSTEM)
    client = client_for(county_a_clerk)
    html = client.get(page(check)).content.decode()
    assert step_url(check, "record_outcome_step") not in html
    assert step_url(check, "resolve_step") in html and step_url(check, "open_rectification_step") in html
    assert client.post(step_url(check, "open_rectification_step"), {"deadline": "2026-06-30"}).status_code == 302
    assert RectificationItem.objects.filter(source_object_id=check.pk).count() == 1
    last = last_audit_id()
    response = client.post(step_url(check, "resolve_step"), {"resolved_on": DAY, "handling": "批评教育"})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.resolved_on == datetime.date(2026, 3, 20) and check.handling == "批评教育"
    assert audit_rows_since(last) == [("spotcheck", str(check.pk), AuditAction.TRANSITION)]


def test_a_spot_check_and_its_draw_cannot_be_deleted(tree, county_a_clerk, client_for) -> None:
    check = spot_check_sample(tree["county_a"])
    draw = draw_sample(tree["county_a"])
    client = client_for(county_a_clerk)
    for record in (check, draw):
        assert delete_url(record) not in client.get(page(record)).content.decode()
        assert client.post(delete_url(record), {"post": "yes"}).status_code == 403


def test_the_draw_page_shows_its_timeline(tree, county_a_clerk, client_for) -> None:
    draw = draw_sample(tree["county_a"])
    html = client_for(county_a_clerk).get(page(draw)).content.decode()
    assert "办理记录" in html and "随机抽取：总体" in html


# ---------------------------------------------------------------- 干部档案专项审核


def test_completing_an_audit_without_findings_is_refused_on_its_page(tree, county_a_clerk, client_for) -> None:
    audit = file_audit_sample(tree["county_a"])
    client = client_for(county_a_clerk)
    assert step_url(audit, "complete_step") in client.get(page(audit)).content.decode()
    response = client.post(step_url(audit, "complete_step"), {})
    assert response.status_code == 200 and "请先逐项录入三龄两历一身份的审核认定。" in response.content.decode()
    audit.refresh_from_db()
    assert audit.status == FileAuditStatus.AUDITING


def test_a_suspected_audit_is_resolved_from_its_page_and_a_concluded_audit_cannot_be_deleted(
        tree, county_a_clerk, client_for) -> None:
    audit = file_audit_sample(tree["county_a"])
    audit.findings.create(item="birth", result="suspected", note="出生日期三处记载不一")
    client = client_for(county_a_clerk)
    assert client.post(step_url(audit, "complete_step"), {}).status_code == 302
    audit.refresh_from_db()
    assert audit.status == FileAuditStatus.SUSPECTED
    html = client.get(page(audit)).content.decode()
    assert step_url(audit, "complete_step") not in html and step_url(audit, "resolve_step") in html
    assert delete_url(audit) not in html
    assert client.post(delete_url(audit), {"post": "yes"}).status_code == 403
    last = last_audit_id()
    response = client.post(step_url(audit, "resolve_step"), {"resolved_on": DAY, "resolution": "经查系笔误"})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == FileAuditStatus.RESOLVED
    assert audit_rows_since(last) == [("fileaudit", str(audit.pk), AuditAction.TRANSITION)]


# ---------------------------------------------------------------- 因私出入境证件


def test_a_document_in_custody_is_lent_from_its_page(tree, county_a_clerk, client_for) -> None:
    document = travel_document_sample(tree["county_a"])
    client = client_for(county_a_clerk)
    html = client.get(page(document)).content.decode()
    assert step_url(document, "lend_step") in html and step_url(document, "cancel_step") in html
    assert step_url(document, "return_step") not in html
    response = client.post(step_url(document, "lend_step"), {
        "lent_on": DAY, "due_on": "2026-04-10", "purpose": "探亲（香港）", "approved_by": "张部长"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == TravelDocumentStatus.LENT
    loan = document.loans.get()
    assert loan.due_on == datetime.date(2026, 4, 10)
    html = client.get(page(document)).content.decode()
    assert step_url(document, "return_step") in html and step_url(document, "lend_step") not in html


def test_lending_a_document_that_expires_before_its_due_date_is_refused_on_the_form(
        tree, county_a_clerk, client_for) -> None:
    document = travel_document_sample(tree["county_a"])
    document.expires_on = datetime.date(2026, 4, 1)
    document.save(update_fields=["expires_on"])
    response = client_for(county_a_clerk).post(step_url(document, "lend_step"), {
        "lent_on": DAY, "due_on": "2026-04-10", "purpose": "探亲", "approved_by": "张部长"})
    assert response.status_code == 200 and "早于应交还日期" in response.content.decode()
    document.refresh_from_db()
    assert document.status == TravelDocumentStatus.IN_CUSTODY


def test_a_loan_is_returned_from_the_loans_page(tree, county_a_clerk, client_for) -> None:
    loan = loan_sample(tree["county_a"])
    client = client_for(county_a_clerk)
    assert step_url(loan, "return_step") in client.get(page(loan)).content.decode()
    response = client.post(step_url(loan, "return_step"), {"returned_on": "2026-03-25"})
    assert response.status_code == 302
    loan.refresh_from_db()
    loan.document.refresh_from_db()
    assert loan.returned_on == datetime.date(2026, 3, 25)
    assert loan.document.status == TravelDocumentStatus.IN_CUSTODY
    assert step_url(loan, "return_step") not in client.get(page(loan)).content.decode()


def test_a_return_before_the_lending_day_is_refused_on_the_documents_form(tree, county_a_clerk,
                                                                         client_for) -> None:
    loan = loan_sample(tree["county_a"])
    response = client_for(county_a_clerk).post(step_url(loan.document, "return_step"), {"returned_on": "2026-03-01"})
    assert response.status_code == 200 and "交还日期不能早于借出日期。" in response.content.decode()
    loan.refresh_from_db()
    assert loan.returned_on is None


def test_a_loan_and_a_lent_document_cannot_be_deleted(tree, county_a_clerk, client_for) -> None:
    loan = loan_sample(tree["county_a"])
    client = client_for(county_a_clerk)
    for record in (loan, loan.document):
        assert delete_url(record) not in client.get(page(record)).content.decode()
        assert client.post(delete_url(record), {"post": "yes"}).status_code == 403


def test_a_reader_sees_no_loan_step(tree, view_only_auditor, client_for) -> None:
    loan = loan_sample(tree["county_a"])
    client = client_for(view_only_auditor)
    assert step_url(loan, "return_step") not in client.get(page(loan)).content.decode()
    assert step_url(loan.document, "return_step") not in client.get(page(loan.document)).content.decode()
    assert client.post(step_url(loan, "return_step"), {"returned_on": DAY}).status_code == 403
