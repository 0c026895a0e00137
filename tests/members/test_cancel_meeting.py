"""取消预备党员资格 is decided by the 支部大会, during the 预备期 or after it: the meeting's
date is required, not after today and not before the vote that admitted the member, and
recorded with the decision and shown on the file's page — in the service, on the step's
form, through the list's batch action and on the applicants' sheet. 终止培养 of an
applicant not yet admitted takes no such date and closes the file as before."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Applicant, Member, MemberStatus, Stage
from branches.members.resources import ApplicantResource

from .conftest import CONTACT_ID, SYSTEM, activist, admitted, days_ago, make_id, probationary, today
from .conftest import column_messages as errors
from .conftest import run_sheet

pytestmark = pytest.mark.django_db


def test_a_probationary_member_is_cancelled_during_the_probation_with_the_meetings_date(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=100)
    done = services.applicant_cancel(applicant=a, reason="违反党的纪律", decided_on=days_ago(20), actor=SYSTEM)
    stored = Applicant.objects.get(pk=done.pk)
    assert (stored.stage, stored.cancel_meeting_on, stored.closed_reason) == (Stage.CANCELLED, days_ago(20),
                                                                              "违反党的纪律")
    assert Member.objects.get(pk=a.member_id).status == MemberStatus.EXPELLED


def test_a_cancellation_without_the_meetings_date_is_refused_and_changes_nothing(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=100)
    with pytest.raises(ValidationError) as error:
        services.applicant_cancel(applicant=a, reason="违反党的纪律", actor=SYSTEM)
    assert error.value.message_dict["cancel_meeting_on"] == [rules.CANCEL_MEETING_MISSING]
    assert Applicant.objects.get(pk=a.pk).stage == Stage.PROBATIONARY
    assert Member.objects.get(pk=a.member_id).status == MemberStatus.ACTIVE


@pytest.mark.parametrize("decided_on, message", [
    (lambda: today() + datetime.timedelta(days=1), "不能晚于今天"),
    (lambda: days_ago(101), "不能早于接收为预备党员的支部大会日期"),
])
def test_a_cancellation_meeting_after_today_or_before_the_admission_is_refused(orgs, member, decided_on, message):
    a = probationary(orgs["community"], member, vote_days_ago=100)
    with pytest.raises(ValidationError) as error:
        services.applicant_cancel(applicant=a, reason="违反党的纪律", decided_on=decided_on(), actor=SYSTEM)
    assert message in error.value.message_dict["cancel_meeting_on"][0]
    assert Applicant.objects.get(pk=a.pk).stage == Stage.PROBATIONARY


def test_a_cancellation_on_the_day_of_the_admission_is_taken(orgs, member):
    # Before the 上级党委审批: a 取消 is not dated before the steps on the file.
    a = admitted(orgs, member, vote_days_ago=100, name="赵明")
    services.applicant_cancel(applicant=a, reason="隐瞒重要情况", decided_on=days_ago(100), actor=SYSTEM)
    assert Applicant.objects.get(pk=a.pk).cancel_meeting_on == days_ago(100)


def test_an_activist_is_withdrawn_without_a_meeting_date_as_before(orgs, member):
    a = activist(orgs["community"], member)
    done = services.applicant_cancel(applicant=a, reason="本人申请", actor=SYSTEM)
    stored = Applicant.objects.get(pk=done.pk)
    assert (stored.stage, stored.closed_reason, stored.cancel_meeting_on) == (Stage.WITHDRAWN, "本人申请", None)


def test_a_meeting_date_on_an_activist_is_refused_not_taken_for_a_withdrawal(orgs, member):
    a = activist(orgs["community"], member)
    with pytest.raises(ValidationError, match="须在预备党员阶段办理"):
        services.applicant_cancel(applicant=a, reason="本人申请", decided_on=days_ago(1), actor=SYSTEM)
    assert Applicant.objects.get(pk=a.pk).stage == Stage.ACTIVIST


def test_the_database_refuses_a_cancellation_meeting_before_the_admission(orgs, member):
    from django.db import IntegrityError, transaction

    a = probationary(orgs["community"], member, vote_days_ago=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        Applicant.objects.filter(pk=a.pk).update(cancel_meeting_on=days_ago(101))


# ---- the step's form, the page and the batch action

def test_the_form_asks_for_the_meeting_refuses_one_before_the_admission_and_the_page_shows_it(
        orgs, member, client_for, county_a_clerk):
    a = probationary(orgs["community"], member, vote_days_ago=100)
    client = client_for(county_a_clerk)
    url = f"/admin/members/applicant/{a.pk}/disqualify/"
    assert "支部大会日期" in client.get(url).content.decode()
    missing = client.post(url, {"reason": "违反党的纪律"})
    assert missing.status_code == 200 and "这个字段是必填项" in missing.content.decode()
    early = client.post(url, {"reason": "违反党的纪律", "day": days_ago(120).isoformat()})
    assert early.status_code == 200 and "不能早于接收为预备党员的支部大会日期" in early.content.decode()
    assert Applicant.objects.get(pk=a.pk).stage == Stage.PROBATIONARY
    assert client.post(url, {"reason": "违反党的纪律", "day": days_ago(7).isoformat()}).status_code == 302
    html = client.get(reverse("admin:members_applicant_change", args=[a.pk])).content.decode()
    assert "取消预备党员资格支部大会日期" in html and f"{days_ago(7):%Y-%m-%d}" in html


def test_the_batch_disqualification_requires_the_meeting_and_refuses_one_before_the_admission(
        orgs, member, client_for, county_a_clerk):
    a = probationary(orgs["community"], member, vote_days_ago=100)
    client = client_for(county_a_clerk)
    changelist = reverse("admin:members_applicant_changelist")
    asked = client.post(changelist, {"action": "disqualify", "_selected_action": [a.pk], "apply": "1",
                                     "reason": "违反党的纪律"})
    assert asked.status_code == 200 and "这个字段是必填项" in asked.content.decode()
    early = client.post(changelist, {"action": "disqualify", "_selected_action": [a.pk], "apply": "1",
                                     "reason": "违反党的纪律", "day": days_ago(120).isoformat()}, follow=True)
    assert "不能早于接收为预备党员的支部大会日期" in early.content.decode()
    assert Applicant.objects.get(pk=a.pk).stage == Stage.PROBATIONARY


# ---- the applicants' sheet

HEAD = ["姓名", "身份证号", "党支部代码", "递交入党申请书日期", "谈话日期", "确定为入党积极分子日期", "培养联系人一身份证号",
        "最近一次培养考察日期", "确定为发展对象日期", "政治审查完成日期", "集中培训天数", "公示结束日期",
        "支部大会讨论接收日期", "上级党委审批日期", "取消资格或终止培养原因", "取消预备党员资格支部大会日期",
        "接收表决应到会人数", "接收表决实到会人数", "赞成接收人数"]


def activist_day() -> datetime.date:
    return days_ago(1000).replace(day=10)


def vote_day() -> datetime.date:
    return rules.add_months(activist_day(), 14)


def sheet(tmp_path: Path, user: Any, *, reason: str = "", meeting: str = "", vote: bool = True,
          number: str = "") -> Any:
    activist_on, voted_on = activist_day(), vote_day()
    d = activist_on.isoformat
    admitted = [voted_on.isoformat(), (voted_on + datetime.timedelta(days=30)).isoformat()] if vote else ["", ""]
    row = ["赵明", number or make_id(datetime.date(1990, 5, 1)), "A-SQ",
           (activist_on - datetime.timedelta(days=40)).isoformat(), (activist_on - datetime.timedelta(days=30)).isoformat(),
           d(), CONTACT_ID, rules.add_months(activist_on, 6).isoformat(), rules.add_months(activist_on, 12).isoformat(),
           rules.add_months(activist_on, 13).isoformat(), "3", rules.add_months(activist_on, 13).isoformat(), *admitted,
           reason, meeting, *(("1", "1", "1") if vote else ("", "", ""))]
    return run_sheet(tmp_path, [HEAD, row], ApplicantResource, user)


def test_a_sheet_cancellation_without_its_meeting_is_refused(tmp_path, orgs, contact, county_a_clerk):
    result = sheet(tmp_path, county_a_clerk, reason="违反党的纪律")
    assert not result.committed and rules.CANCEL_MEETING_MISSING in errors(result), errors(result)
    assert not Applicant.objects.filter(name="赵明").exists()


@pytest.mark.parametrize("meeting, message", [
    (lambda: vote_day() - datetime.timedelta(days=1), "不能早于接收为预备党员的支部大会日期"),
    (lambda: today() + datetime.timedelta(days=1), "不能晚于今天"),
])
def test_a_sheet_cancellation_meeting_before_the_admission_or_after_today_is_refused(
        tmp_path, orgs, contact, county_a_clerk, meeting, message):
    result = sheet(tmp_path, county_a_clerk, reason="违反党的纪律", meeting=meeting().isoformat())
    assert not result.committed and errors(result).count(message) == 1, errors(result)  # the constraint's too


def test_a_sheet_takes_the_cancellation_with_its_meeting_and_the_member_leaves(tmp_path, orgs, contact,
                                                                              county_a_clerk):
    meeting = vote_day() + datetime.timedelta(days=90)  # within the 预备期
    result = sheet(tmp_path, county_a_clerk, reason="违反党的纪律", meeting=meeting.isoformat())
    assert result.committed, errors(result)
    stored = Applicant.objects.select_related("member").get(name="赵明")
    assert (stored.stage, stored.cancel_meeting_on) == (Stage.CANCELLED, meeting)
    assert stored.member.status == MemberStatus.EXPELLED


def test_a_sheet_withdrawal_before_the_vote_takes_no_meeting_date(tmp_path, orgs, contact, county_a_clerk):
    refused = sheet(tmp_path, county_a_clerk, reason="本人申请", vote=False, meeting=days_ago(10).isoformat())
    assert not refused.committed and "终止培养不填写" in errors(refused), errors(refused)
    taken = sheet(tmp_path, county_a_clerk, reason="本人申请", vote=False)
    assert taken.committed, errors(taken)
    assert Applicant.objects.get(name="赵明").stage == Stage.WITHDRAWN


def test_a_sheet_meeting_date_without_a_cancellation_is_refused(tmp_path, orgs, contact, county_a_clerk):
    result = sheet(tmp_path, county_a_clerk, meeting=days_ago(10).isoformat())
    assert not result.committed and "未取消预备党员资格" in errors(result), errors(result)


def test_a_file_closed_on_the_death_of_its_member_goes_through_the_sheet_again_unchanged(
        tmp_path, orgs, contact, county_a_clerk):
    """A file closed as 取消 without a meeting (its 预备党员 died) is no 取消 the sheet
    takes: the same row again is unchanged, not refused for the missing date."""
    number = make_id(datetime.date(1990, 5, 1))
    assert sheet(tmp_path, county_a_clerk, number=number).committed
    file = Applicant.objects.get(name="赵明")
    services.member_set_status(member=Member.objects.get(pk=file.member_id), status=MemberStatus.DECEASED,
                               changed_on=today(), reason="支部决定", actor=SYSTEM)
    again = sheet(tmp_path, county_a_clerk, number=number, reason="预备党员去世")
    assert again.committed and again.unchanged == 1, errors(again)


# ---- a 预备党员 who died is recorded as 去世, not disqualified (which reads as 出党)

def test_a_cancellation_giving_a_death_as_its_reason_is_refused_and_says_where_to_record_it(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=100)
    with pytest.raises(ValidationError) as error:
        services.applicant_cancel(applicant=a, reason="因病去世", decided_on=days_ago(20), actor=SYSTEM)
    assert error.value.message_dict["closed_reason"] == [rules.DEATH_NOT_CANCEL]
    assert Applicant.objects.get(pk=a.pk).stage == Stage.PROBATIONARY
    assert Member.objects.get(pk=a.member_id).status == MemberStatus.ACTIVE
    services.member_set_status(member=Member.objects.get(pk=a.member_id), status=MemberStatus.DECEASED,
                               changed_on=days_ago(20), actor=SYSTEM)  # where it belongs
    assert Applicant.objects.get(pk=a.pk).stage == Stage.DECEASED
    assert Member.objects.get(pk=a.member_id).status == MemberStatus.DECEASED


@pytest.mark.parametrize("reason", ["因病离世", "意外身亡", "已亡故", "家属告知已过世", "辞世"])
def test_a_cancellation_giving_a_death_in_other_words_is_refused_too(orgs, member, reason):
    a = probationary(orgs["community"], member, vote_days_ago=100)
    with pytest.raises(ValidationError) as error:
        services.applicant_cancel(applicant=a, reason=reason, decided_on=days_ago(20), actor=SYSTEM)
    assert error.value.message_dict["closed_reason"] == [rules.DEATH_NOT_CANCEL]
    assert Member.objects.get(pk=a.member_id).status == MemberStatus.ACTIVE


def test_the_batch_disqualification_refuses_a_death_as_its_reason(orgs, member, client_for, county_a_clerk):
    a = probationary(orgs["community"], member, vote_days_ago=100)
    answer = client_for(county_a_clerk).post(reverse("admin:members_applicant_changelist"), {
        "action": "disqualify", "_selected_action": [a.pk], "apply": "1", "reason": "病故",
        "day": days_ago(20).isoformat()}, follow=True)
    assert "预备党员去世不按取消预备党员资格办理" in answer.content.decode()
    assert Member.objects.get(pk=a.member_id).status == MemberStatus.ACTIVE


def test_a_withdrawal_before_the_vote_may_give_a_death_as_its_reason(orgs, member):
    a = activist(orgs["community"], member)
    services.applicant_cancel(applicant=a, reason="本人因病去世", actor=SYSTEM)
    assert Applicant.objects.get(pk=a.pk).stage == Stage.WITHDRAWN  # not a member: no 出党 to mistake


def test_a_sheet_cancellation_giving_a_death_as_its_reason_is_refused(tmp_path, orgs, contact, county_a_clerk):
    result = sheet(tmp_path, county_a_clerk, reason="预备期内病逝", meeting=(vote_day() + datetime.timedelta(days=90)).isoformat())
    assert not result.committed and rules.DEATH_NOT_CANCEL in errors(result), errors(result)
    assert not Applicant.objects.filter(name="赵明").exists()

