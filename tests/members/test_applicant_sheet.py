"""The applicants' sheet carries the whole file — 预备党员 (支部大会, 上级审批), 入党宣誓,
转正, 延长预备期, 取消 — checked by the rules the steps' services apply; a file past the
支部大会 enters the roster after the sheet."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from branches.members import rules, services
from branches.members.models import ActivistReview, Applicant, Member, MemberCategory, MemberStatus, Stage
from branches.members.resources import ApplicantResource
from orgwork.audit.models import AuditLog
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet

from .conftest import SYSTEM, VOTE_COUNT, add_member, candidate, days_ago, make_id, probationary, today

pytestmark = pytest.mark.django_db
HEAD = ["姓名", "身份证号", "党支部代码", "递交入党申请书日期", "谈话日期", "逾期谈话原因", "确定为入党积极分子日期",
        "确定为发展对象日期", "政治审查完成日期", "集中培训天数", "集中培训学时", "公示结束日期", "支部大会讨论接收日期",
        "上级党委审批日期", "审批逾期原因", "入党宣誓日期", "延长预备期（月）", "转正日期", "取消资格或终止培养原因",
        "取消预备党员资格支部大会日期", "培养联系人一身份证号", "最近一次培养考察日期", "延长预备期支部大会日期",
        "讨论转正支部大会日期", "接收表决应到会人数", "接收表决实到会人数", "赞成接收人数", "转正表决应到会人数",
        "转正表决实到会人数", "赞成转正人数"]
# The count of a 支部大会 that carries its resolution (the branch's one 正式党员, there and for), as cells.
ADMIT_COUNT = {"接收表决应到会人数": "1", "接收表决实到会人数": "1", "赞成接收人数": "1"}
FULL_COUNT = {"转正表决应到会人数": "1", "转正表决实到会人数": "1", "赞成转正人数": "1"}


def applied_day() -> datetime.date:
    return days_ago(1200)


CONTACT_ID = make_id(datetime.date(1970, 1, 1))


@pytest.fixture(autouse=True)
def contact(orgs):
    """The 培养联系人 every file below names: a full member of the community branch."""
    return add_member(orgs["community"], "联系人", id_number=CONTACT_ID)


def vote_day() -> datetime.date:
    return applied_day() + datetime.timedelta(days=460)


def day(offset: int) -> str:
    return (applied_day() + datetime.timedelta(days=offset)).isoformat()


# A sheet carries only the latest 考察: a file with one 考察 between its 积极分子 date and its
# 发展对象 decision, six months from each (no stretch longer than six months without one).
def activist_day() -> datetime.date:
    near = applied_day() + datetime.timedelta(days=40)
    return near - datetime.timedelta(days=max(0, near.day - 28))  # not a 29th-31st


def review_day() -> datetime.date:
    return rules.add_months(activist_day(), rules.REVIEW_EVERY_MONTHS)


def candidate_day() -> datetime.date:
    return rules.add_months(activist_day(), rules.ACTIVIST_MIN_MONTHS)


def file_row(name: str = "赵明", *, number: str | None = None, **cells: Any) -> list[str]:
    """A file that went the whole way by the rules, up to 入党宣誓; ``cells`` change columns by header."""
    row = {"姓名": name, "身份证号": number or make_id(datetime.date(1990, 5, 1)), "党支部代码": "A-SQ",
           "递交入党申请书日期": day(0), "谈话日期": day(10), "逾期谈话原因": "", "确定为入党积极分子日期": activist_day().isoformat(),
           "确定为发展对象日期": candidate_day().isoformat(), "政治审查完成日期": day(440), "集中培训天数": "3", "集中培训学时": "",
           "公示结束日期": day(450), "支部大会讨论接收日期": day(460), "上级党委审批日期": day(490),
           "审批逾期原因": "", "入党宣誓日期": day(500), "延长预备期（月）": "", "转正日期": "", "取消资格或终止培养原因": "",
           "取消预备党员资格支部大会日期": "", "培养联系人一身份证号": CONTACT_ID, "最近一次培养考察日期": review_day().isoformat(),
           "延长预备期支部大会日期": "", "讨论转正支部大会日期": ""}
    row.update(cells)
    # A 转正 or an extension the row takes is decided by a 支部大会 on the day it may be, by
    # a count that carries it.
    if row["转正日期"] and "讨论转正支部大会日期" not in cells:
        row["讨论转正支部大会日期"] = row["转正日期"]
    for meeting, count in (("支部大会讨论接收日期", ADMIT_COUNT), ("讨论转正支部大会日期", FULL_COUNT)):
        for column, value in count.items():
            row.setdefault(column, value if row.get(meeting) else "")
    if row["延长预备期（月）"] and "延长预备期支部大会日期" not in cells:
        row["延长预备期支部大会日期"] = rules.add_months(vote_day(), 12).isoformat()
    return [str(row[h]) for h in HEAD]


def run(tmp_path: Path, *rows: list[str], user: Any) -> Any:
    path = tmp_path / "applicants.csv"
    path.write_text("\r\n".join(",".join(row) for row in [HEAD, *rows]) + "\r\n", encoding="utf-8")
    return run_import(ApplicantResource, user, open_sheet(str(path), path.name, ApplicantResource), commit=True)


def messages(result: Any) -> str:
    return "；".join(f"{e.row}:{e.column}:{e.message}" for e in result.errors)


def test_a_file_up_to_the_oath_enters_the_roster_as_a_probationary_member_from_the_day_of_the_vote(
        tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, file_row(), user=county_a_clerk)
    assert result.committed, messages(result)
    applicant = Applicant.objects.get(name="赵明")
    assert applicant.stage == Stage.PROBATIONARY and applicant.oath_on == applied_day() + datetime.timedelta(days=500)
    member = applicant.member
    assert (member.category, member.joined_on, member.branch_id) == (MemberCategory.PROBATIONARY, vote_day(),
                                                                    orgs["community"].pk)
    created = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Member), object_id=str(member.pk))
    assert created.count() == 1 and "支部大会接收为预备党员" in created.get().message


def test_a_file_carried_to_the_full_date_enters_the_roster_as_a_full_member(tmp_path, orgs, county_a_clerk):
    ends = rules.add_months(vote_day(), 12)
    result = run(tmp_path, file_row(**{"转正日期": ends.isoformat()}), user=county_a_clerk)
    assert result.committed, messages(result)
    applicant = Applicant.objects.get(name="赵明")
    assert applicant.stage == Stage.FULL
    assert (applicant.member.category, applicant.member.full_on) == (MemberCategory.FULL, ends)


def test_a_full_date_other_than_the_end_of_the_probation_year_is_refused(tmp_path, orgs, county_a_clerk):
    early = rules.add_months(vote_day(), 12) - datetime.timedelta(days=20)
    result = run(tmp_path, file_row(**{"转正日期": early.isoformat()}), user=county_a_clerk)
    assert not result.committed and "转正日期:转正日期为预备期满之日" in messages(result)
    assert not Member.objects.exclude(id_number=CONTACT_ID).exists()


def test_an_extension_moves_the_full_date_and_must_be_six_to_twelve_months(tmp_path, orgs, county_a_clerk):
    extended_end = rules.add_months(vote_day(), 12 + 6)
    result = run(tmp_path, file_row(**{"延长预备期（月）": "3", "转正日期": extended_end.isoformat()}),
                 user=county_a_clerk)
    assert not result.committed and "延长预备期为6至12个月" in messages(result)
    result = run(tmp_path, file_row(**{"延长预备期（月）": "6", "转正日期": rules.add_months(vote_day(), 12).isoformat()}),
                 user=county_a_clerk)
    assert not result.committed and "延长预备期后方能转正" in messages(result)
    result = run(tmp_path, file_row(**{"延长预备期（月）": "6", "转正日期": extended_end.isoformat()}),
                 user=county_a_clerk)
    assert result.committed, messages(result)
    assert Applicant.objects.get(name="赵明").member.full_on == extended_end


def test_an_approval_more_than_three_months_after_the_vote_is_refused_as_the_service_refuses_it(
        tmp_path, orgs, member, county_a_clerk):
    result = run(tmp_path, file_row(**{"上级党委审批日期": day(460 + 100), "入党宣誓日期": day(570)}),
                 user=county_a_clerk)
    assert not result.committed
    admitted = services.applicant_admit(**VOTE_COUNT, applicant=candidate(orgs["community"], member, applied_days_ago=1200),
                                        vote_on=vote_day(), actor=SYSTEM)
    with pytest.raises(ValidationError) as refused:
        services.applicant_approve(applicant=admitted, approved_on=vote_day() + datetime.timedelta(days=100), actor=SYSTEM)
    assert f"上级党委审批日期:{refused.value.message_dict['approved_on'][0]}" in messages(result)


def test_an_approval_after_three_months_is_recorded_with_its_reason_on_the_sheet_the_service_and_the_page(
        tmp_path, orgs, member, client_for, county_a_clerk):
    """A late approval did happen: it is recorded, with the reason the 细则's exception asks for."""
    reason = "上级党委换届，审批会议推迟"
    result = run(tmp_path, file_row(**{"上级党委审批日期": day(460 + 100), "入党宣誓日期": day(570)},
                                    **{"审批逾期原因": reason}), user=county_a_clerk)
    assert result.committed, messages(result)
    assert Applicant.objects.get(name="赵明").approval_late_reason == reason
    admitted = services.applicant_admit(**VOTE_COUNT, applicant=candidate(orgs["community"], member, applied_days_ago=1200),
                                        vote_on=vote_day(), actor=SYSTEM)
    late = vote_day() + datetime.timedelta(days=100)
    client = client_for(county_a_clerk)
    url = f"/admin/members/applicant/{admitted.pk}/approve/"
    refused = client.post(url, {"day": late.isoformat(), "late_reason": ""})
    assert refused.status_code == 200 and rules.APPROVAL_LATE in refused.content.decode()
    assert client.post(url, {"day": late.isoformat(), "late_reason": reason}).status_code == 302
    approved = Applicant.objects.get(pk=admitted.pk)
    assert (approved.approved_on, approved.approval_late_reason) == (late, reason)


def test_a_vote_without_political_review_training_or_publicity_is_refused(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, file_row(**{"政治审查完成日期": "", "集中培训天数": "1", "公示结束日期": ""}),
                 user=county_a_clerk)
    text = messages(result)
    assert not result.committed
    assert "未完成政治审查" in text and "集中培训" in text and "未经公示" in text


def test_an_oath_before_the_approval_is_refused(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, file_row(**{"入党宣誓日期": day(480)}), user=county_a_clerk)
    assert not result.committed and "入党宣誓日期:入党宣誓日期不能早于上级党委审批日期" in messages(result)


def test_a_step_dated_after_today_is_refused(tmp_path, orgs, county_a_clerk):
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    result = run(tmp_path, file_row(**{"入党宣誓日期": tomorrow}), user=county_a_clerk)
    assert not result.committed and "入党宣誓日期不能晚于今天" in messages(result)


def test_a_later_step_without_the_one_before_it_is_refused(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, file_row(**{"支部大会讨论接收日期": ""}), user=county_a_clerk)
    assert not result.committed and "须先经支部大会讨论接收为预备党员" in messages(result)


def test_a_cancellation_after_the_vote_takes_the_member_off_as_expelled(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, file_row(**{"取消资格或终止培养原因": "预备期间违反党的纪律",
                                       "取消预备党员资格支部大会日期": day(600)}), user=county_a_clerk)
    assert result.committed, messages(result)
    applicant = Applicant.objects.get(name="赵明")
    assert applicant.stage == Stage.CANCELLED and applicant.member.status == MemberStatus.EXPELLED
    assert applicant.cancel_meeting_on == applied_day() + datetime.timedelta(days=600)


def test_a_reason_before_the_vote_ends_the_file_as_withdrawn_without_a_roster_record(tmp_path, orgs, county_a_clerk):
    row = file_row(**{**{h: "" for h in HEAD[8:HEAD.index("培养联系人一身份证号")]}, "取消资格或终止培养原因": "本人申请终止"})
    result = run(tmp_path, row, user=county_a_clerk)
    assert result.committed, messages(result)
    assert Applicant.objects.get(name="赵明").stage == Stage.WITHDRAWN and not Member.objects.exclude(id_number=CONTACT_ID).exists()


def test_a_full_member_cannot_also_be_cancelled(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, file_row(**{"转正日期": rules.add_months(vote_day(), 12).isoformat(),
                                       "取消资格或终止培养原因": "误填"}), user=county_a_clerk)
    assert not result.committed and "已转正的党员不能取消" in messages(result)


def test_the_sheet_carries_a_probationary_file_of_the_system_to_full_and_the_member_follows(
        tmp_path, orgs, member, county_a_clerk):
    file = probationary(orgs["community"], member, vote_days_ago=400)
    ends = rules.add_months(file.vote_on, 12)
    oath = file.approved_on + datetime.timedelta(days=10)
    path = tmp_path / "full.csv"  # the stored file as an export gives it, with its 宣誓 and 转正 added
    path.write_text(",".join(HEAD) + "\r\n" + ",".join(
        [file.name, file.id_number, "A-SQ", file.applied_on.isoformat(), file.talked_on.isoformat(), "",
         file.activist_on.isoformat(), file.candidate_on.isoformat(), file.political_review_on.isoformat(), "3", "",
         file.publicity_on.isoformat(), file.vote_on.isoformat(), file.approved_on.isoformat(), "", oath.isoformat(), "",
         ends.isoformat(), "", "", "", "", "", ends.isoformat(), "1", "1", "1", *FULL_COUNT.values()]) + "\r\n",
        encoding="utf-8")
    result = run_import(ApplicantResource, county_a_clerk, open_sheet(str(path), path.name, ApplicantResource),
                        commit=True)
    assert result.committed, messages(result)
    stored = Member.objects.get(pk=file.member_id)
    assert (stored.category, stored.full_on) == (MemberCategory.FULL, ends)
    assert Member.objects.filter(id_number=file.id_number).count() == 1
    assert AuditLog.objects.filter(object_id=str(stored.pk), message__contains="转正").exists()


def test_the_sheet_cannot_rewrite_the_vote_of_a_file_on_the_roster(tmp_path, orgs, member, county_a_clerk):
    file = probationary(orgs["community"], member, vote_days_ago=200)
    path = tmp_path / "vote.csv"
    path.write_text(",".join(HEAD[:4] + ["支部大会讨论接收日期"]) + "\r\n" + ",".join(
        [file.name, file.id_number, "A-SQ", file.applied_on.isoformat(),
         (file.vote_on - datetime.timedelta(days=5)).isoformat()]) + "\r\n",
        encoding="utf-8")
    result = run_import(ApplicantResource, county_a_clerk, open_sheet(str(path), path.name, ApplicantResource),
                        commit=True)
    assert not result.committed and "不能在表中修改" in messages(result)
    assert Member.objects.get(pk=file.member_id).joined_on == file.vote_on


def test_a_file_whose_id_number_is_already_on_the_roster_is_not_admitted_again(tmp_path, orgs, member,
                                                                               county_a_clerk):
    result = run(tmp_path, file_row(number=member.id_number), user=county_a_clerk)
    assert not result.committed and "已在党员名册中" in messages(result)
    assert Member.objects.filter(id_number=member.id_number).count() == 1


def test_a_closed_file_cannot_be_changed_by_the_sheet(tmp_path, orgs, county_a_clerk):
    number = make_id(datetime.date(1990, 5, 1))
    closed = {"取消资格或终止培养原因": "违纪", "取消预备党员资格支部大会日期": day(600)}
    assert run(tmp_path, file_row(number=number, **closed), user=county_a_clerk).committed
    result = run(tmp_path, file_row(number=number, **{**closed, "取消资格或终止培养原因": "另一原因"}),
                 user=county_a_clerk)
    assert not result.committed and "发展程序已办结" in messages(result)


def test_importing_the_same_files_twice_adds_no_second_roster_record(tmp_path, orgs, county_a_clerk):
    row = file_row(**{"转正日期": rules.add_months(vote_day(), 12).isoformat()})
    assert run(tmp_path, row, user=county_a_clerk).committed
    audits = AuditLog.objects.count()
    again = run(tmp_path, row, user=county_a_clerk)
    assert again.committed and again.new == again.updated == 0
    assert Member.objects.exclude(id_number=CONTACT_ID).count() == 1 and AuditLog.objects.count() == audits


# 培养联系人 and 考察 on the sheet, as the steps' services require them ---------------

def test_an_activist_designated_on_the_sheet_without_a_contact_is_refused(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, file_row(**{"培养联系人一身份证号": ""}), user=county_a_clerk)
    assert not result.committed
    assert "培养联系人一身份证号:确定为入党积极分子须指定一至两名培养联系人" in messages(result)
    assert not Applicant.objects.exists()


def test_a_probationary_member_cannot_be_a_contact_on_the_sheet_as_in_the_service(tmp_path, orgs, county_a_clerk):
    junior = add_member(orgs["community"], "预备党员甲", category=MemberCategory.PROBATIONARY,
                        joined_on=days_ago(100), id_number=make_id(datetime.date(1995, 2, 2)))
    result = run(tmp_path, file_row(**{"培养联系人一身份证号": junior.id_number}), user=county_a_clerk)
    assert not result.committed and "须是在册的正式党员" in messages(result)
    with pytest.raises(ValidationError, match="须是在册的正式党员"):
        rejected = services.applicant_apply(applicant=Applicant(
            name="钱七", id_number=make_id(datetime.date(1999, 9, 9)), branch=orgs["community"],
            applied_on=days_ago(200)), actor=SYSTEM)
        services.applicant_talk(applicant=rejected, talked_on=days_ago(190), actor=SYSTEM)
        services.applicant_make_activist(applicant=rejected, decided_on=days_ago(150), contacts=[junior], actor=SYSTEM)


def test_a_second_contact_who_is_not_a_full_member_is_refused_under_the_second_contacts_column(
        tmp_path, orgs, county_a_clerk):
    junior = add_member(orgs["community"], "预备党员乙", category=MemberCategory.PROBATIONARY,
                        joined_on=days_ago(100), id_number=make_id(datetime.date(1995, 3, 3)))
    path = tmp_path / "applicants.csv"
    rows = [HEAD + ["培养联系人二身份证号"], file_row() + [junior.id_number]]
    path.write_text("\r\n".join(",".join(row) for row in rows) + "\r\n", encoding="utf-8")
    result = run_import(ApplicantResource, county_a_clerk, open_sheet(str(path), path.name, ApplicantResource),
                        commit=True)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [
        ("培养联系人二身份证号", "培养联系人「预备党员乙」须是在册的正式党员。")]  # not under 联系人一, who is a full member


def test_a_contact_from_another_county_is_not_found_on_the_sheet(tmp_path, orgs, county_a_clerk):
    stranger = add_member(orgs["county_b"], "外区党员", id_number=make_id(datetime.date(1968, 8, 8)))
    result = run(tmp_path, file_row(**{"培养联系人一身份证号": stranger.id_number}), user=county_a_clerk)
    assert not result.committed
    assert "培养联系人一身份证号:该身份证号的党员不在名册中或不在您的管辖范围内" in messages(result)
    assert stranger.id_number not in messages(result)


def test_a_candidate_without_a_review_before_the_decision_is_refused_on_the_sheet(tmp_path, orgs, county_a_clerk):
    for cell in ("", day(430)):  # none at all; only one after the decision
        result = run(tmp_path, file_row(**{"最近一次培养考察日期": cell}), user=county_a_clerk)
        assert not result.committed and rules.NO_REVIEW in messages(result), cell
    result = run(tmp_path, file_row(**{"最近一次培养考察日期": day(30)}), user=county_a_clerk)
    assert not result.committed and "不能早于确定为入党积极分子日期" in messages(result)


def test_the_review_on_the_sheet_becomes_a_review_record_once_with_one_audit_row(tmp_path, orgs, county_a_clerk):
    assert run(tmp_path, file_row(), user=county_a_clerk).committed
    applicant = Applicant.objects.get(name="赵明")
    review = ActivistReview.objects.get(applicant=applicant)
    assert (review.reviewed_on, applicant.reviewed_on) == (review_day(),) * 2
    assert applicant.contact_1.id_number == CONTACT_ID
    trail = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(ActivistReview),
                                    object_id=str(review.pk))
    assert trail.count() == 1 and trail.get().actor_id == county_a_clerk.pk
    assert run(tmp_path, file_row(), user=county_a_clerk).committed  # the same sheet again adds nothing
    assert ActivistReview.objects.filter(applicant=applicant).count() == 1


def test_blank_contact_and_review_cells_keep_what_the_file_holds(tmp_path, orgs, member, county_a_clerk):
    file = candidate(orgs["community"], member, prepared=False)
    reviewed = file.reviews.latest("reviewed_on").reviewed_on
    row = {"姓名": file.name, "身份证号": file.id_number, "党支部代码": "A-SQ",
           "递交入党申请书日期": file.applied_on.isoformat(), "谈话日期": file.talked_on.isoformat(), "逾期谈话原因": "",
           "确定为入党积极分子日期": file.activist_on.isoformat(), "确定为发展对象日期": file.candidate_on.isoformat(),
           "政治审查完成日期": "", "集中培训天数": "", "集中培训学时": "", "公示结束日期": "", "支部大会讨论接收日期": "",
           "上级党委审批日期": "", "审批逾期原因": "", "入党宣誓日期": "", "延长预备期（月）": "", "转正日期": "",
           "取消资格或终止培养原因": "", "取消预备党员资格支部大会日期": "", "培养联系人一身份证号": "",
           "最近一次培养考察日期": "", "延长预备期支部大会日期": "", "讨论转正支部大会日期": ""}
    result = run(tmp_path, [row.get(h, "") for h in HEAD], user=county_a_clerk)
    assert result.committed, messages(result)
    file.refresh_from_db()
    assert (file.contact_1_id, file.reviewed_on) == (member.pk, reviewed)


def test_a_review_taken_in_the_system_moves_the_latest_review_date(orgs, member):
    file = candidate(orgs["community"], member)
    first = file.reviews.latest("reviewed_on").reviewed_on
    services.applicant_review(applicant=file, reviewed_on=today() - datetime.timedelta(days=3), summary="表现良好",
                              actor=SYSTEM)
    file.refresh_from_db()
    assert first < file.reviewed_on == today() - datetime.timedelta(days=3)


def test_a_file_taken_to_full_on_the_sheet_needs_its_meeting_and_the_oath(tmp_path, orgs, county_a_clerk):
    ends = rules.add_months(vote_day(), 12).isoformat()
    result = run(tmp_path, file_row(**{"转正日期": ends, "讨论转正支部大会日期": "", "入党宣誓日期": ""}),
                 user=county_a_clerk)
    assert not result.committed
    assert f"讨论转正支部大会日期:{rules.FULL_MEETING_MISSING}" in messages(result)
    assert f"入党宣誓日期:{rules.NO_OATH}" in messages(result)
    assert not Applicant.objects.filter(name="赵明").exists()


def test_an_extension_taken_on_the_sheet_needs_its_meeting(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, file_row(**{"延长预备期（月）": "6", "延长预备期支部大会日期": ""}), user=county_a_clerk)
    assert not result.committed and f"延长预备期支部大会日期:{rules.EXTENSION_MEETING_MISSING}" in messages(result)


def test_a_vote_before_the_political_review_was_finished_is_refused(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, file_row(**{"政治审查完成日期": day(465)}), user=county_a_clerk)
    assert not result.committed and "政治审查完成日期:政治审查须在支部大会讨论之前完成。" in messages(result)

