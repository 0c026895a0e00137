"""民主评议党员: each result's rule on the form, the sheet and the service; one result a
member a year; the 限期改正 closed by its 期满评定 on the result's page; the list of
periods ending; scope and the masked ID number on the sheet the list exports."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from branches.members import services
from branches.members.models import (Appraisal, AppraisalGrade, CorrectionResult, Disposal, LeavingOutcome, Member,
                                     MemberCategory, MemberStatus)
from branches.members.resources import AppraisalResource
from branches.members.selectors import corrections_due, disposals_pending
from orgwork import dashboard
from orgwork.accounts.models import User
from orgwork.audit.models import AuditAction, AuditLog

from tests.steps import assert_step_unavailable

from .conftest import SYSTEM, add_member, make_id, today
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db
HEAD = ["身份证号", "姓名", "评议年度", "评定等次", "支部大会评定日期", "组织处置", "限期改正期满日期"]


def last_year() -> int:
    return today().year - 1


def appraisal_meeting_day() -> datetime.date:
    """The 支部大会 of last year's appraisal: early this year, or today when this year is younger."""
    day = today()
    return min(datetime.date(day.year, 1, 10), day)


FULL_NUMBER = re.compile(r"(?<!\d)[1-9]\d{16}[\dX](?!\d)")


def result(member: Member, grade: str = AppraisalGrade.QUALIFIED, *, year: int | None = None,
           decided_on: datetime.date | None = None, disposal: str = "", correct_by: datetime.date | None = None,
           actor: Any = SYSTEM) -> Appraisal:
    """Last year's appraisal of ``member``, decided early this year, unless ``year`` and ``decided_on`` say otherwise."""
    year = last_year() if year is None else year
    decided_on = appraisal_meeting_day() if decided_on is None else decided_on
    return services.appraisal_save(appraisal=Appraisal(member=member, year=year, grade=grade, decided_on=decided_on,
                                                       disposal=disposal, correct_by=correct_by), actor=actor)


def refusal(**kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        result(**kwargs)
    return refused.value.message_dict


def form_post(member: Member, **values: Any) -> dict[str, Any]:
    data = {"member": member.pk, "year": last_year(), "grade": AppraisalGrade.QUALIFIED,
            "decided_on": appraisal_meeting_day().isoformat(), "disposal": "", "correct_by": "", "note": ""}
    data.update(values)
    return data


def form_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return {name: list(errors) for name, errors in response.context["adminform"].form.errors.items()}


ADD = reverse("admin:members_appraisal_add")


def test_a_member_found_unqualified_is_refused_without_a_disposal_by_the_service(member) -> None:
    assert "须作出组织处置" in refusal(member=member, grade=AppraisalGrade.UNQUALIFIED)["disposal"][0]
    assert not Appraisal.objects.exists()


def test_a_member_found_unqualified_is_refused_without_a_disposal_on_the_form(member, county_a_clerk,
                                                                             client_for) -> None:
    response = client_for(county_a_clerk).post(ADD, form_post(member, grade=AppraisalGrade.UNQUALIFIED))
    assert "须作出组织处置" in form_errors(response)["disposal"][0]
    assert not Appraisal.objects.exists()


def test_a_member_found_unqualified_is_refused_without_a_disposal_on_the_sheet(tmp_path, member,
                                                                              county_a_clerk) -> None:
    row = [member.id_number, member.name, last_year(), "不合格", appraisal_meeting_day().isoformat(), "", ""]
    outcome = run(tmp_path, [HEAD, row], AppraisalResource, county_a_clerk)
    assert not outcome.committed and "组织处置:" in messages(outcome) and "须作出组织处置" in messages(outcome)
    assert not Appraisal.objects.exists()


def test_a_disposal_is_only_for_a_member_found_unqualified(member) -> None:
    assert refusal(member=member, grade=AppraisalGrade.BASIC, disposal=Disposal.PERSUADE)["disposal"] == [
        "只有评为不合格的党员才作组织处置。"]


def test_a_correction_period_ends_within_a_year_of_the_decision_on_every_path(tmp_path, member, county_a_clerk,
                                                                              client_for) -> None:
    too_late = appraisal_meeting_day() + datetime.timedelta(days=400)
    assert "12个月以内" in refusal(member=member, grade=AppraisalGrade.UNQUALIFIED, disposal=Disposal.CORRECT,
                                   correct_by=too_late)["correct_by"][0]
    assert "须填写期满日期" in refusal(member=member, grade=AppraisalGrade.UNQUALIFIED,
                                     disposal=Disposal.CORRECT)["correct_by"][0]
    response = client_for(county_a_clerk).post(ADD, form_post(member, grade=AppraisalGrade.UNQUALIFIED,
                                                              disposal=Disposal.CORRECT,
                                                              correct_by=too_late.isoformat()))
    assert "12个月以内" in form_errors(response)["correct_by"][0]
    row = [member.id_number, member.name, last_year(), "不合格", appraisal_meeting_day().isoformat(), "限期改正", too_late.isoformat()]
    outcome = run(tmp_path, [HEAD, row], AppraisalResource, county_a_clerk)
    assert not outcome.committed and "限期改正期满日期:" in messages(outcome)
    row[6] = (appraisal_meeting_day() + datetime.timedelta(days=180)).isoformat()
    outcome = run(tmp_path, [HEAD, row], AppraisalResource, county_a_clerk)
    assert outcome.committed, messages(outcome)
    assert Appraisal.objects.get().correct_by == appraisal_meeting_day() + datetime.timedelta(days=180)


def test_a_probationary_member_found_unqualified_has_the_probation_extended_or_cancelled(orgs) -> None:
    probationary = add_member(orgs["community"], "预备", category=MemberCategory.PROBATIONARY,
                              joined_on=datetime.date(last_year(), 3, 1))
    assert "延长预备期或取消预备党员资格" in refusal(member=probationary, grade=AppraisalGrade.UNQUALIFIED,
                                                    disposal=Disposal.REMOVE)["disposal"][0]
    full = add_member(orgs["community"], "正式")
    assert "限期改正、劝其退党或除名" in refusal(member=full, grade=AppraisalGrade.UNQUALIFIED,
                                              disposal=Disposal.PROBATION)["disposal"][0]
    kept = result(probationary, AppraisalGrade.UNQUALIFIED, disposal=Disposal.PROBATION)
    assert kept.get_disposal_display() == "延长预备期或取消预备党员资格"


def test_a_year_before_the_member_joined_or_after_this_one_is_refused(orgs) -> None:
    newcomer = add_member(orgs["community"], "新党员", category=MemberCategory.PROBATIONARY,
                          joined_on=datetime.date(today().year, 1, 1))
    assert refusal(member=newcomer, year=last_year())["year"] == [f"该党员{today().year}年入党，不参加{last_year()}年度的民主评议。"]
    assert "不能晚于今年" in refusal(member=newcomer, year=today().year + 1)["year"][0]
    old = add_member(orgs["community"], "老党员")
    assert "应在" in refusal(member=old, year=last_year() - 2)["decided_on"][0]


def test_one_result_a_member_a_year_a_second_sheet_corrects_it_and_the_form_refuses_a_second(
        tmp_path, member, county_a_clerk, client_for) -> None:
    row = [member.id_number, member.name, last_year(), "合格", appraisal_meeting_day().isoformat(), "", ""]
    assert run(tmp_path, [HEAD, row], AppraisalResource, county_a_clerk).committed
    row[3] = "优秀"
    outcome = run(tmp_path, [HEAD, row], AppraisalResource, county_a_clerk)
    assert outcome.committed, messages(outcome)
    assert list(Appraisal.objects.values_list("grade", flat=True)) == [AppraisalGrade.EXCELLENT]
    response = client_for(county_a_clerk).post(ADD, form_post(member))
    assert "该党员该年度的民主评议结果已登记。" in response.content.decode()
    assert Appraisal.objects.count() == 1


def test_a_sheet_row_whose_name_is_not_the_members_is_refused(tmp_path, member, county_a_clerk) -> None:
    row = [member.id_number, "李四", last_year(), "合格", appraisal_meeting_day().isoformat(), "", ""]
    outcome = run(tmp_path, [HEAD, row], AppraisalResource, county_a_clerk)
    assert not outcome.committed and "姓名与系统中该身份证号的党员不一致" in messages(outcome)


def test_a_clerk_cannot_appraise_a_member_of_another_county_by_service_or_sheet(tmp_path, orgs, county_b_clerk,
                                                                               client_for) -> None:
    member = add_member(orgs["community"])
    assert "管辖范围" in refusal(member=member, actor=county_b_clerk)["member"][0]
    row = [member.id_number, member.name, last_year(), "合格", appraisal_meeting_day().isoformat(), "", ""]
    outcome = run(tmp_path, [HEAD, row], AppraisalResource, county_b_clerk)
    assert not outcome.committed and "不在名册中或不在您的管辖范围内" in messages(outcome)
    result(member)
    page = client_for(county_b_clerk).get(reverse("admin:members_appraisal_changelist")).content.decode()
    assert member.name not in page
    assert client_for(county_b_clerk).get(
        reverse("admin:members_appraisal_change", args=[Appraisal.objects.get().pk])).status_code in (302, 404)


def test_the_review_waits_for_the_period_to_end_and_then_closes_the_result(member) -> None:
    correct_by = today() + datetime.timedelta(days=10)
    decided_on = min(appraisal_meeting_day(), correct_by - datetime.timedelta(days=30))
    appraisal = result(member, AppraisalGrade.UNQUALIFIED, decided_on=decided_on, disposal=Disposal.CORRECT,
                       correct_by=correct_by)
    with pytest.raises(ValidationError) as early:
        services.appraisal_review(appraisal=appraisal, reviewed_on=today(), corrected=True, actor=SYSTEM)
    assert "期满后才能讨论是否改正" in early.value.message_dict["reviewed_on"][0]
    Appraisal.objects.filter(pk=appraisal.pk).update(correct_by=today() - datetime.timedelta(days=1))
    appraisal.refresh_from_db()
    reviewed = services.appraisal_review(appraisal=appraisal, reviewed_on=today(), corrected=False, actor=SYSTEM)
    assert reviewed.review_result == CorrectionResult.NOT_CORRECTED
    reviewed.grade = AppraisalGrade.QUALIFIED
    with pytest.raises(ValidationError, match="已作期满评定"):
        services.appraisal_save(appraisal=reviewed, actor=SYSTEM)
    assert Appraisal.objects.get().grade == AppraisalGrade.UNQUALIFIED


def test_the_review_step_on_the_results_page_records_it_with_one_audit_row(member, county_a_clerk,
                                                                          client_for) -> None:
    appraisal = result(member, AppraisalGrade.UNQUALIFIED, decided_on=appraisal_meeting_day() - datetime.timedelta(days=400),
                       year=last_year() - 1, disposal=Disposal.CORRECT,
                       correct_by=appraisal_meeting_day() - datetime.timedelta(days=40))
    client = client_for(county_a_clerk)
    page = reverse("admin:members_appraisal_change", args=[appraisal.pk])
    step = f"/admin/members/appraisal/{appraisal.pk}/review/"
    assert step in client.get(page).content.decode()
    future = client.post(step, {"reviewed_on": (today() + datetime.timedelta(days=1)).isoformat(), "corrected": "yes"})
    assert future.status_code == 200 and "期满评定日期不能晚于今天。" in future.content.decode()
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert client.post(step, {"reviewed_on": today().isoformat(), "corrected": "yes"}).status_code == 302
    appraisal.refresh_from_db()
    assert (appraisal.reviewed_on, appraisal.review_result) == (today(), CorrectionResult.CORRECTED)
    rows = AuditLog.objects.filter(id__gt=last).values_list("action", "object_id")
    assert list(rows) == [(AuditAction.TRANSITION, str(appraisal.pk))]
    assert_step_unavailable(client, step, post=False)  # closed: the step is no longer offered
    running = result(add_member(member.branch, "乙"), AppraisalGrade.UNQUALIFIED, disposal=Disposal.CORRECT,
                     correct_by=today() + datetime.timedelta(days=10), decided_on=today() - datetime.timedelta(days=30),
                     year=(today() - datetime.timedelta(days=30)).year - 1)
    running_page = client.get(reverse("admin:members_appraisal_change", args=[running.pk])).content.decode()
    assert f"/admin/members/appraisal/{running.pk}/review/" not in running_page  # offered once the period ends


def test_the_list_of_corrections_ending_holds_the_next_thirty_days_in_scope(orgs, county_a_clerk, county_b_clerk,
                                                                         client_for) -> None:
    decided = today() - datetime.timedelta(days=30)
    late = {"year": decided.year - 1, "decided_on": decided, "disposal": Disposal.CORRECT}
    soon = result(add_member(orgs["community"], "甲"), AppraisalGrade.UNQUALIFIED,
                  correct_by=today() + datetime.timedelta(days=20), **late)
    result(add_member(orgs["community"], "乙"), AppraisalGrade.UNQUALIFIED, correct_by=today() + datetime.timedelta(days=60),
           **late)
    result(add_member(orgs["community"], "丙"), AppraisalGrade.UNQUALIFIED, disposal=Disposal.PERSUADE)
    assert list(corrections_due(county_a_clerk)) == [soon]
    assert not corrections_due(county_b_clerk).exists()
    page = client_for(county_a_clerk).get(reverse("admin:worklist", args=["members_corrections_due"]))
    assert page.status_code == 200 and "甲" in page.content.decode() and "乙" not in page.content.decode()


def test_the_results_export_masks_the_id_number_without_the_right(member, county_a_clerk, client_for) -> None:
    result(member)
    sheet = load_workbook(io.BytesIO(client_for(county_a_clerk).get(
        reverse("admin:members_appraisal_export")).content)).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert member.masked_id_number in cells and member.name in cells
    assert not FULL_NUMBER.search(" ".join(cells))


def test_a_member_to_leave_stays_on_the_pending_list_until_the_disposal_is_carried_out(orgs, county_a_clerk,
                                                                                       client_for) -> None:
    removed = add_member(orgs["community"], "甲")
    appraisal = result(removed, AppraisalGrade.UNQUALIFIED, disposal=Disposal.REMOVE)
    result(add_member(orgs["community"], "乙"), AppraisalGrade.UNQUALIFIED, disposal=Disposal.CORRECT,
           correct_by=today() + datetime.timedelta(days=60), decided_on=today() - datetime.timedelta(days=30),
           year=(today() - datetime.timedelta(days=30)).year - 1)
    assert [a.member for a in disposals_pending(county_a_clerk)] == [removed]
    data = dashboard.get("members_work").compute(county_a_clerk)
    values = dict(zip(data.labels, data.series[0].values))
    assert values["处置待落实"] == 1 and values["限期改正期满"] == 0
    page = client_for(county_a_clerk).get(reverse("admin:worklist", args=["members_disposals_pending"]))
    assert page.status_code == 200 and "除名" in page.content.decode()
    assert "落实组织处置（出党）" in page.content.decode() and "变更党籍状态" not in page.content.decode()
    carry_out(appraisal)
    assert not disposals_pending(county_a_clerk).exists()


def test_a_member_with_a_removal_not_carried_out_cannot_be_set_to_expelled_by_the_service(orgs) -> None:
    removed = add_member(orgs["community"], "甲")
    appraisal = result(removed, AppraisalGrade.UNQUALIFIED, disposal=Disposal.REMOVE)
    with pytest.raises(ValidationError) as error:
        services.member_set_status(member=removed, status=MemberStatus.EXPELLED, changed_on=today(), reason="支部决定", actor=SYSTEM)
    assert "落实组织处置（出党）" in str(error.value)
    assert Member.objects.get(pk=removed.pk).status == MemberStatus.ACTIVE
    carry_out(appraisal)
    assert Member.objects.get(pk=removed.pk).status == MemberStatus.EXPELLED
    assert Appraisal.objects.get(pk=appraisal.pk).approved_by == "中共测试区委员会"


def test_a_member_persuaded_to_leave_cannot_be_set_to_expelled_on_the_status_page_or_by_the_batch_action(
        orgs, county_a_clerk, client_for) -> None:
    persuaded = add_member(orgs["community"], "乙")
    result(persuaded, AppraisalGrade.UNQUALIFIED, disposal=Disposal.PERSUADE)
    client = client_for(county_a_clerk)
    page = client.post(f"/admin/members/member/{persuaded.pk}/status/", {"status": "expelled", "changed_on": f"{today():%Y-%m-%d}", "reason": "支部决定"})
    assert page.status_code == 200 and "落实组织处置（出党）" in page.content.decode()
    batch = client.post(reverse("admin:members_member_changelist"),
                        {"action": "set_status", "_selected_action": [persuaded.pk], "apply": "1",
                         "status": "expelled", "changed_on": f"{today():%Y-%m-%d}", "reason": "支部决定"}, follow=True)
    assert "落实组织处置（出党）" in batch.content.decode()
    assert Member.objects.get(pk=persuaded.pk).status == MemberStatus.ACTIVE


def test_the_list_filters_by_year_without_reading_the_years_from_the_table(member, county_a_clerk,
                                                                          client_for) -> None:
    result(member)
    client = client_for(county_a_clerk)
    url = reverse("admin:members_appraisal_changelist")
    assert member.name in client.get(url, {"year": str(last_year())}).content.decode()
    assert member.name not in client.get(url, {"year": str(last_year() - 1)}).content.decode()
    page = client.get(url, {"year": "２０２５"})  # full-width digits: not a year, the whole list
    assert page.status_code == 200 and member.name in page.content.decode()


def test_the_list_tells_two_namesakes_of_one_branch_apart_by_their_id_numbers_tail(
        orgs, county_a_clerk, client_for) -> None:
    first, second = add_member(orgs["community"], "郭建国"), add_member(orgs["community"], "郭建国")
    result(first), result(second)
    page = client_for(county_a_clerk).get(reverse("admin:members_appraisal_changelist")).content.decode()
    assert first.name_and_tail != second.name_and_tail
    assert first.name_and_tail in page and second.name_and_tail in page
    assert first.id_number not in page


def test_a_new_result_starts_as_qualified_for_the_year_being_appraised(county_a_clerk, client_for) -> None:
    form = client_for(county_a_clerk).get(ADD).context["adminform"].form
    expected_year = today().year - 1 if today().month <= 6 else today().year
    assert (form.initial["grade"], form.initial["year"]) == (AppraisalGrade.QUALIFIED, expected_year)


def test_a_member_who_left_the_roll_keeps_a_correctable_result_but_no_review_or_due_date(
        orgs, county_a_clerk, client_for) -> None:
    decided = today() - datetime.timedelta(days=60)
    gone = add_member(orgs["community"], "甲")
    appraisal = result(gone, AppraisalGrade.UNQUALIFIED, year=decided.year - 1, decided_on=decided,
                       disposal=Disposal.CORRECT, correct_by=today() - datetime.timedelta(days=1))
    services.member_set_status(member=gone, status=MemberStatus.DECEASED, changed_on=today(), reason="支部决定", actor=SYSTEM)
    assert not corrections_due(county_a_clerk).exists()
    with pytest.raises(ValidationError, match="无须作期满评定"):
        services.appraisal_review(appraisal=appraisal, reviewed_on=today(), corrected=False, actor=SYSTEM)
    client = client_for(county_a_clerk)
    page = reverse("admin:members_appraisal_change", args=[appraisal.pk])
    assert f"/admin/members/appraisal/{appraisal.pk}/review/" not in client.get(page).content.decode()
    saved = client.post(page, form_post(gone, year=decided.year - 1, grade=AppraisalGrade.UNQUALIFIED,
                                        decided_on=decided.isoformat(), disposal=Disposal.CORRECT,
                                        correct_by=(today() - datetime.timedelta(days=1)).isoformat(), note="补记"))
    assert saved.status_code == 302
    assert Appraisal.objects.get(pk=appraisal.pk).note == "补记"
    with pytest.raises(ValidationError, match="只有在册党员参加民主评议"):
        result(gone, year=decided.year - 2, decided_on=decided - datetime.timedelta(days=365))


def test_a_result_is_not_decided_before_the_member_joined_and_a_bad_year_gets_one_message(orgs) -> None:
    joined = datetime.date(last_year(), 9, 25)
    newcomer = add_member(orgs["community"], "新", category=MemberCategory.PROBATIONARY, joined_on=joined)
    assert refusal(member=newcomer, year=last_year(), decided_on=datetime.date(last_year(), 1, 10))["decided_on"] == [
        f"支部大会评定日期不能早于该党员的入党日期（{joined:%Y-%m-%d}）。"]
    assert refusal(member=newcomer, year=1900) == {"year": ["评议年度不能早于1949年。"]}


def test_a_result_closed_by_its_review_is_shown_read_only(member, county_a_clerk, client_for) -> None:
    appraisal = result(member, AppraisalGrade.UNQUALIFIED, decided_on=appraisal_meeting_day() - datetime.timedelta(days=400),
                       year=last_year() - 1, disposal=Disposal.CORRECT, correct_by=appraisal_meeting_day() - datetime.timedelta(days=40))
    services.appraisal_review(appraisal=appraisal, reviewed_on=today(), corrected=True, actor=SYSTEM)
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:members_appraisal_change", args=[appraisal.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "已改正" in page.content.decode()
    refused = client.post(reverse("admin:members_appraisal_change", args=[appraisal.pk]),
                          form_post(member, grade=AppraisalGrade.QUALIFIED))
    assert refused.status_code == 403
    assert Appraisal.objects.get(pk=appraisal.pk).grade == AppraisalGrade.UNQUALIFIED


def test_a_sheet_row_repeating_a_member_and_year_names_both_columns_and_the_masked_number(
        tmp_path, member, county_a_clerk) -> None:
    row = [member.id_number, member.name, last_year(), "合格", appraisal_meeting_day().isoformat(), "", ""]
    outcome = run(tmp_path, [HEAD, row, row], AppraisalResource, county_a_clerk)
    assert not outcome.committed
    assert [(e.row, e.message) for e in outcome.errors] == [
        (3, f"与第 2 行重复（身份证号、评议年度「{member.masked_id_number}、{last_year()}」）。")]


def carry_out(appraisal: Appraisal, outcome: str = LeavingOutcome.REMOVED, approved_on: datetime.date | None = None,
              approved_by: str = "中共测试区委员会", actor: Any = SYSTEM) -> Appraisal:
    return services.appraisal_carry_out(appraisal=appraisal, outcome=outcome, approved_on=approved_on or today(),
                                        approved_by=approved_by, actor=actor)


def test_carrying_out_a_removal_records_the_approval_takes_the_member_off_the_roll_and_closes_the_result(
        orgs, county_a_clerk) -> None:
    member = add_member(orgs["community"], "甲")
    appraisal = result(member, AppraisalGrade.UNQUALIFIED, disposal=Disposal.REMOVE)
    for kwargs, field, words in [
        ({"outcome": LeavingOutcome.WITHDRAWN}, "outcome", "落实结果只能是除名"),
        ({"approved_on": appraisal_meeting_day() - datetime.timedelta(days=1)}, "approved_on", "不能早于支部大会评定日期"),
        ({"approved_on": today() + datetime.timedelta(days=1)}, "approved_on", "不能晚于今天"),
        ({"approved_by": "  "}, "approved_by", "请填写批准机关"),
    ]:
        with pytest.raises(ValidationError) as refused:
            carry_out(appraisal, **kwargs)
        assert words in refused.value.message_dict[field][0]
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    done = carry_out(appraisal)
    assert (done.outcome, done.approved_on, done.approved_by) == (LeavingOutcome.REMOVED, today(), "中共测试区委员会")
    assert Member.objects.get(pk=member.pk).status == MemberStatus.EXPELLED
    rows = AuditLog.objects.filter(id__gt=last).values_list("content_type__model", "object_id")
    assert sorted(rows) == sorted([("appraisal", str(appraisal.pk)), ("member", str(member.pk))])
    assert not disposals_pending(county_a_clerk).exists()
    with pytest.raises(ValidationError, match="已于"):
        carry_out(done)
    done.grade = AppraisalGrade.QUALIFIED
    with pytest.raises(ValidationError, match="已经上级党组织批准落实"):
        services.appraisal_save(appraisal=done, actor=SYSTEM)


def test_only_a_result_that_says_the_member_leaves_is_carried_out(member) -> None:
    correcting = result(member, AppraisalGrade.UNQUALIFIED, decided_on=appraisal_meeting_day() - datetime.timedelta(days=400),
                        year=last_year() - 1, disposal=Disposal.CORRECT, correct_by=appraisal_meeting_day() - datetime.timedelta(days=40))
    with pytest.raises(ValidationError) as refused:
        carry_out(correcting)
    assert "才落实出党" in refused.value.message_dict["disposal"][0]
    reviewed = services.appraisal_review(appraisal=correcting, reviewed_on=today(), corrected=False, actor=SYSTEM)
    with pytest.raises(ValidationError) as early:
        carry_out(reviewed, approved_on=today() - datetime.timedelta(days=1))
    assert "不能早于期满评定日期" in early.value.message_dict["approved_on"][0]
    done = carry_out(reviewed, outcome=LeavingOutcome.WITHDRAWN)  # persuaded, and agreed
    assert done.outcome == LeavingOutcome.WITHDRAWN and done.member.status == MemberStatus.EXPELLED


def test_the_carry_out_step_on_the_results_page_refuses_under_its_field_then_closes_the_result(
        orgs, county_a_clerk, client_for) -> None:
    member = add_member(orgs["community"], "甲")
    appraisal = result(member, AppraisalGrade.UNQUALIFIED, disposal=Disposal.PERSUADE)
    client = client_for(county_a_clerk)
    page = reverse("admin:members_appraisal_change", args=[appraisal.pk])
    step = f"/admin/members/appraisal/{appraisal.pk}/carry-out/"
    assert step in client.get(page).content.decode()
    early = client.post(step, {"outcome": LeavingOutcome.WITHDRAWN, "approved_on": (appraisal_meeting_day() - datetime.timedelta(
        days=1)).isoformat(), "approved_by": "中共测试区委员会"})
    assert early.status_code == 200
    assert "不能早于支部大会评定日期" in str(early.context["form"].errors["approved_on"])
    assert client.post(step, {"outcome": LeavingOutcome.WITHDRAWN, "approved_on": today().isoformat(),
                              "approved_by": "中共测试区委员会"}).status_code == 302
    assert Member.objects.get(pk=member.pk).status == MemberStatus.EXPELLED
    html = client.get(page).content.decode()
    assert "中共测试区委员会" in html and "本人同意退党" in html and 'name="_save"' not in html
    assert_step_unavailable(client, step, post=False)


def test_the_carry_out_needs_the_right_to_change_the_roster_as_well(orgs, county_a_clerk, client_for) -> None:
    member = add_member(orgs["community"], "甲")
    appraisal = result(member, AppraisalGrade.UNQUALIFIED, disposal=Disposal.REMOVE)
    county_a_clerk.groups.clear()  # the results' rights only, not the roster's
    county_a_clerk.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="members", codename__in=["view_appraisal", "change_appraisal", "view_member"]))
    clerk = User.objects.get(pk=county_a_clerk.pk)
    assert clerk.has_perm("members.change_appraisal") and not clerk.has_perm("members.change_member")
    with pytest.raises(ValidationError, match="落实组织处置"):
        carry_out(appraisal, actor=clerk)
    client = client_for(clerk)
    step = f"/admin/members/appraisal/{appraisal.pk}/carry-out/"
    assert step not in client.get(reverse("admin:members_appraisal_change", args=[appraisal.pk])).content.decode()
    assert client.post(step, {"outcome": LeavingOutcome.REMOVED, "approved_on": today().isoformat(),
                              "approved_by": "中共测试区委员会"}).status_code == 403
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


def test_a_sheet_does_not_rewrite_a_result_carried_out(tmp_path, orgs, county_a_clerk) -> None:
    member = add_member(orgs["community"], "甲")
    carry_out(result(member, AppraisalGrade.UNQUALIFIED, disposal=Disposal.REMOVE))
    row = [member.id_number, member.name, last_year(), "合格", appraisal_meeting_day().isoformat(), "", ""]
    outcome = run(tmp_path, [HEAD, row], AppraisalResource, county_a_clerk)
    assert "已经上级党组织批准落实" in messages(outcome)
    assert Appraisal.objects.get().grade == AppraisalGrade.UNQUALIFIED
