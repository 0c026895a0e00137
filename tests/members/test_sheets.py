"""The member sheets through the bulk import engine: each rule once on the sheet path."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from branches.members import rules, services
from branches.members.models import Applicant, DuesRecord, Member, Stage
from branches.members.resources import ApplicantResource, DuesPaymentResource, MemberResource
from orgwork.rectification.models import RectificationItem

from .conftest import SYSTEM, add_member, days_ago, make_id, today
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db
ROSTER_HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）"]
APPLICANT_HEAD = ["姓名", "身份证号", "党支部代码", "递交入党申请书日期", "谈话日期", "逾期谈话原因", "确定为入党积极分子日期",
                  "确定为发展对象日期", "培养联系人一身份证号", "最近一次培养考察日期"]


def test_the_roster_sheet_registers_members_with_their_birth_dates(tmp_path, orgs, county_a_clerk):
    number = make_id(datetime.date(1980, 2, 3))
    result = run(tmp_path, [ROSTER_HEAD, ["张三", number, "A-SQ", "正式党员", "2005-07-01", "2006-07-01", "在职", "5000"]],
                 MemberResource, county_a_clerk)
    assert result.committed, messages(result)
    assert Member.objects.get(id_number=number).birth_date == datetime.date(1980, 2, 3)


def test_a_roster_sheet_cannot_place_a_member_in_another_countys_branch(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, [ROSTER_HEAD, ["张三", make_id(datetime.date(1980, 2, 3)), "B-1", "正式党员", "2005-07-01",
                                          "2006-07-01", "在职", "5000"]], MemberResource, county_a_clerk)
    assert not result.committed and "管辖范围" in messages(result)


def test_a_roster_sheet_cannot_move_a_member_to_another_branch(tmp_path, orgs, member, county_a_clerk):
    result = run(tmp_path, [ROSTER_HEAD, [member.name, member.id_number, "A-CUN", "正式党员", "2000-07-01", "2001-07-01",
                                          "在职", "4000"]], MemberResource, county_a_clerk)
    assert not result.committed and "组织关系转接" in messages(result)
    assert Member.objects.get(pk=member.pk).branch_id == orgs["community"].pk


def test_a_roster_sheet_refuses_a_full_date_within_the_probation_year(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, [ROSTER_HEAD, ["张三", make_id(datetime.date(1980, 2, 3)), "A-SQ", "正式党员", "2005-07-01",
                                          "2005-12-01", "在职", "5000"]], MemberResource, county_a_clerk)
    assert not result.committed and "满一年" in messages(result)


def test_an_applicant_sheet_refuses_an_application_under_eighteen(tmp_path, orgs, county_a_clerk):
    young = make_id(days_ago(17 * 365))
    result = run(tmp_path, [APPLICANT_HEAD, ["少年", young, "A-SQ", days_ago(5).isoformat(), "", "", "", "", "", ""]],
                 ApplicantResource, county_a_clerk)
    assert not result.committed and "年满18周岁" in messages(result)


def test_an_applicant_sheet_refuses_a_late_talk_without_a_reason(tmp_path, orgs, county_a_clerk):
    number = make_id(datetime.date(1998, 1, 1))
    row = ["李四", number, "A-SQ", "2025-01-02", "2025-04-01", "", "", "", "", ""]
    result = run(tmp_path, [APPLICANT_HEAD, row], ApplicantResource, county_a_clerk)
    assert not result.committed and "一个月内" in messages(result)
    row[5] = "申请人外出务工"
    result = run(tmp_path, [APPLICANT_HEAD, row], ApplicantResource, county_a_clerk)
    assert result.committed, messages(result)


def test_an_applicant_sheet_derives_the_stage_and_keeps_the_activist_year(tmp_path, orgs, member, county_a_clerk):
    early = ["王五", make_id(datetime.date(1998, 1, 1)), "A-SQ", "2024-01-02", "2024-01-20", "", "2024-03-01",
             "2024-09-01", member.id_number, "2024-09-01"]  # one 考察, six months from each end
    result = run(tmp_path, [APPLICANT_HEAD, early], ApplicantResource, county_a_clerk)
    assert not result.committed and "一年以上" in messages(result)
    early[7] = "2025-03-01"
    result = run(tmp_path, [APPLICANT_HEAD, early], ApplicantResource, county_a_clerk)
    assert result.committed, messages(result)
    assert Applicant.objects.get(name="王五").stage == Stage.CANDIDATE


DUES_HEAD = ["身份证号", "月份", "实交金额（元）", "交纳日期"]


def test_a_dues_sheet_refuses_a_short_payment(tmp_path, orgs, member, county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    result = run(tmp_path, [DUES_HEAD, [member.id_number, f"{today():%Y-%m}", "5", today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed and "足额" in messages(result)


def test_a_dues_sheet_cannot_pay_a_month_not_yet_generated(tmp_path, orgs, member, county_a_clerk):
    result = run(tmp_path, [DUES_HEAD, [member.id_number, f"{today():%Y-%m}", "40", today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed and "尚未生成" in messages(result)


def test_a_dues_sheet_clears_arrears_and_then_checks_for_lapses(tmp_path, orgs, member, county_a_clerk):
    other = add_member(orgs["community"], "赵六")
    for back in range(6, 0, -1):
        services.dues_generate_month(month=rules.add_months(today().replace(day=1), -back), actor=SYSTEM)
    month = rules.add_months(today().replace(day=1), -1)
    result = run(tmp_path, [DUES_HEAD, [member.id_number, f"{month:%Y-%m}", "40", today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert result.committed, messages(result)
    assert DuesRecord.objects.get(member=member, month=month).paid == Decimal("40")
    assert Member.objects.get(pk=member.pk).unpaid_months == 5
    # The member paid last month: no lapse. The other owes six months in a row: on the checklist.
    assert not RectificationItem.objects.filter(source_object_id=str(member.pk)).exists()
    assert RectificationItem.objects.filter(source_object_id=str(other.pk)).count() == 1


def test_the_member_sheets_are_offered_to_the_party_building_role_and_not_to_the_auditor(county_a_clerk,
                                                                                         view_only_auditor):
    from orgwork.imports.access import can_import

    for resource in (MemberResource, ApplicantResource, DuesPaymentResource):
        assert can_import(county_a_clerk, resource)
        assert not can_import(view_only_auditor, resource)


DUES_NAMED_HEAD = ["身份证号", "姓名", "月份", "实交金额（元）", "交纳日期"]


def test_a_dues_sheet_row_for_an_unknown_member_says_that_and_nothing_more(tmp_path, orgs, member, county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    stranger = make_id(datetime.date(1966, 6, 6))
    result = run(tmp_path, [DUES_HEAD, [stranger, f"{today():%Y-%m}", "20", today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [
        ("身份证号", "该身份证号的党员不在名册中或不在您的管辖范围内。")]


def test_a_dues_sheet_row_without_a_month_names_the_month_only(tmp_path, orgs, member, county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    result = run(tmp_path, [DUES_HEAD, [member.id_number, "", "20", today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed
    assert [e.column for e in result.errors] == ["月份"], messages(result)


def test_a_dues_sheet_refuses_a_name_that_is_not_the_members(tmp_path, orgs, member, county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    due = DuesRecord.objects.get(member=member, month=today().replace(day=1)).due
    result = run(tmp_path, [DUES_NAMED_HEAD, [member.id_number, "李四", f"{today():%Y-%m}", f"{due}", today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [("姓名", "姓名与系统中该身份证号的党员不一致（系统中为 王*）")]
    assert DuesRecord.objects.get(member=member, month=today().replace(day=1)).paid_on is None


def test_a_dues_sheet_with_the_members_name_or_none_is_taken(tmp_path, orgs, member, county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    due = DuesRecord.objects.get(member=member, month=today().replace(day=1)).due
    result = run(tmp_path, [DUES_NAMED_HEAD, [member.id_number, member.name, f"{today():%Y-%m}", f"{due}",
                                              today().isoformat()]], DuesPaymentResource, county_a_clerk)
    assert result.committed, messages(result)
    assert DuesRecord.objects.get(member=member, month=today().replace(day=1)).paid == due
    assert result.ignored_headers == []  # the name is checked: the job page does not call it ignored


def test_a_sheet_made_from_an_export_with_masked_numbers_is_told_to_fill_in_the_whole_number(
        tmp_path, orgs, member, county_a_clerk):
    head = ["身份证号", "姓名", "月份", "实交金额（元）", "交纳日期"]
    month = services.month_start(days_ago(40))
    row = [member.masked_id_number, member.name, f"{month:%Y-%m}", "20.00", days_ago(30).isoformat()]
    result = run(tmp_path, [head, row], DuesPaymentResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [
        ("身份证号", "这是列表、导出文件或错误标注表中遮盖过的身份证号（中间以 * 代替）：请在原表中改正后上传，或填写完整的18位身份证号。")]


def test_the_templates_own_view_only_column_is_named_as_such_and_a_misspelt_one_as_unknown(
        tmp_path, orgs, county_a_clerk):
    from orgwork.imports.services import ignored_note

    number = make_id(datetime.date(1980, 2, 3))
    head = ROSTER_HEAD + ["党籍状态", "党费基数"]
    row = ["张三", number, "A-SQ", "正式党员", "2005-07-01", "2006-07-01", "在职", "5000", "", "5000"]
    result = run(tmp_path, [head, row], MemberResource, county_a_clerk)
    assert result.committed, messages(result)
    assert (result.ignored_headers, result.shown_only_headers) == (["党费基数", "党籍状态"], ["党籍状态"])
    assert ignored_note(result.ignored_headers, result.shown_only_headers) == (
        "注意：表中的「党费基数」列不在导入模板中，不会导入；如果是要导入的数据，请按模板改正列名后重新上传。"
        "表中的「党籍状态」列在模板中仅供查看，不会导入。")
    assert ignored_note([], []) == ""


def test_the_roster_templates_shown_only_columns_say_so_on_the_header_and_in_its_notes(orgs, client_for,
                                                                                      county_a_clerk):
    """党籍状态 and its date and grounds are in the template (an export carries them) but an
    upload never reads them: the header's comment and 填写说明 say so, where a clerk who fills
    in 出党 would otherwise read 未变 with no word why."""
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    from orgwork.imports.exporting import SHOWN_ONLY_NOTE

    answer = client_for(county_a_clerk).get(reverse("admin:imports_importjob_template", args=["members_roster"]))
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    headers = {cell.value: cell for cell in book.worksheets[0][1]}
    shown_only = ["党籍状态", "党籍状态变更日期", "党籍状态变更原因或依据"]
    assert all(headers[h].comment.text == SHOWN_ONLY_NOTE for h in shown_only)
    assert not headers["入党日期"].comment or headers["入党日期"].comment.text != SHOWN_ONLY_NOTE
    notes = {row[0]: row[2] for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row and row[0]}
    assert [h for h, note in notes.items() if note == SHOWN_ONLY_NOTE] == shown_only


def test_a_joining_date_after_the_status_change_is_refused_under_the_joining_date_with_the_change_date(
        tmp_path, orgs, county_a_clerk):
    from branches.members.models import MemberStatus

    member = add_member(orgs["community"], "王建国", joined_on=datetime.date(2000, 7, 1))
    services.member_set_status(member=member, status=MemberStatus.SUSPENDED, changed_on=datetime.date(2005, 6, 1),
                               reason="失去联系超过六个月，经支部大会决定停止党籍", actor=SYSTEM)
    row = [member.name, member.id_number, "A-SQ", "正式党员", "2006-07-01", "2007-07-01", "在职", "4000"]
    result = run(tmp_path, [ROSTER_HEAD, row], MemberResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [
        ("入党日期", "入党日期不能晚于党籍状态变更日期（2005-06-01）。")], messages(result)
    assert Member.objects.get(pk=member.pk).joined_on == datetime.date(2000, 7, 1)
