"""转正 and 延长预备期 are decided by the 支部大会 when the 预备期 ends: the meeting is held
on or after the day the 预备期 ends and not after today, and its date is recorded with the
decision and shown on the file's page — in the service, on the step's form, through the
list's batch action and on the applicants' sheet."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Applicant
from branches.members.resources import ApplicantResource

from .conftest import CONTACT_ID, SYSTEM, VOTE_COUNT, days_ago, make_id, probationary, today
from .conftest import column_messages as errors
from .conftest import run_sheet

pytestmark = pytest.mark.django_db


def test_an_extension_four_days_into_the_probation_is_refused(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=40)
    with pytest.raises(ValidationError) as error:
        services.applicant_extend_probation(applicant=a, months=6, decided_on=days_ago(36), actor=SYSTEM)
    assert "期满前不能讨论延长预备期" in error.value.message_dict["extension_meeting_on"][0]
    assert Applicant.objects.get(pk=a.pk).probation_extended_months == 0


def test_an_extension_decided_when_the_year_has_ended_records_its_meeting(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=380)
    ends = rules.probation_end(days_ago(380))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.applicant_extend_probation(applicant=a, months=6, decided_on=today() + datetime.timedelta(days=1),
                                            actor=SYSTEM)
    done = services.applicant_extend_probation(applicant=a, months=6, decided_on=ends, actor=SYSTEM)
    stored = Applicant.objects.get(pk=done.pk)
    assert (stored.probation_extended_months, stored.extension_meeting_on) == (6, ends)


EXTENDS_NOTHING = "不晚于这次支部大会，延长不了预备期：支部大会应讨论转正或取消预备党员资格。"


def test_an_extension_whose_months_ended_before_its_meeting_is_refused_by_the_service(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=600)  # the year ended about eight months ago
    with pytest.raises(ValidationError) as error:
        services.applicant_extend_probation(applicant=a, months=6, decided_on=days_ago(1), actor=SYSTEM)
    extended_to = rules.probation_end(days_ago(600), 6)
    assert error.value.message_dict["extension_meeting_on"] == [
        f"延长6个月的预备期至 {extended_to:%Y-%m-%d} 期满，{EXTENDS_NOTHING}"]
    assert Applicant.objects.get(pk=a.pk).probation_extended_months == 0
    done = services.applicant_extend_probation(applicant=a, months=12, decided_on=days_ago(1), actor=SYSTEM)
    assert Applicant.objects.get(pk=done.pk).probation_ends_on > days_ago(1)  # twelve months still reach past it


def test_an_extension_ending_on_the_day_of_its_meeting_is_refused_on_the_step_form(orgs, member, client_for,
                                                                                  county_a_clerk):
    a = probationary(orgs["community"], member, vote_days_ago=600)
    meeting = rules.probation_end(days_ago(600), 6)
    response = client_for(county_a_clerk).post(f"/admin/members/applicant/{a.pk}/extend/",
                                               {"day": meeting.isoformat(), "months": "6"})
    assert response.status_code == 200 and EXTENDS_NOTHING in response.content.decode()
    assert Applicant.objects.get(pk=a.pk).probation_extended_months == 0


def test_the_full_step_records_the_meeting_date_beside_the_date_the_probation_ended(orgs, member, client_for,
                                                                                    county_a_clerk):
    a = probationary(orgs["community"], member, vote_days_ago=400, oath=True)
    services.applicant_make_full(**VOTE_COUNT, applicant=a, decided_on=days_ago(10), actor=SYSTEM)
    stored = Applicant.objects.get(pk=a.pk)
    assert (stored.full_on, stored.full_meeting_on) == (rules.probation_end(days_ago(400)), days_ago(10))
    html = client_for(county_a_clerk).get(reverse("admin:members_applicant_change", args=[a.pk])).content.decode()
    assert "讨论转正支部大会日期" in html and f"{days_ago(10):%Y-%m-%d}" in html


def test_the_extension_form_asks_for_the_meeting_and_refuses_one_before_the_year_ends(orgs, member, client_for,
                                                                                    county_a_clerk):
    a = probationary(orgs["community"], member, vote_days_ago=40)
    client = client_for(county_a_clerk)
    response = client.post(f"/admin/members/applicant/{a.pk}/extend/", {"day": days_ago(36).isoformat(), "months": "6"})
    assert response.status_code == 200 and "期满前不能讨论延长预备期" in response.content.decode()
    assert Applicant.objects.get(pk=a.pk).probation_extended_months == 0
    later = probationary(orgs["community"], member, vote_days_ago=380)
    ends = rules.probation_end(days_ago(380))
    response = client.post(f"/admin/members/applicant/{later.pk}/extend/", {"day": ends.isoformat(), "months": "6"})
    assert response.status_code == 302
    html = client.get(reverse("admin:members_applicant_change", args=[later.pk])).content.decode()
    assert "延长预备期支部大会日期" in html and f"{ends:%Y-%m-%d}" in html


def test_the_batch_extension_refuses_a_meeting_before_the_year_ends_with_the_services_reason(orgs, member, client_for,
                                                                                           county_a_clerk):
    a = probationary(orgs["community"], member, vote_days_ago=40)
    page = client_for(county_a_clerk).post(
        reverse("admin:members_applicant_changelist"),
        {"action": "extend", "_selected_action": [a.pk], "apply": "1", "day": days_ago(36).isoformat(), "months": "6"},
        follow=True)
    assert "期满前不能讨论延长预备期" in page.content.decode()
    assert Applicant.objects.get(pk=a.pk).probation_extended_months == 0


# ---- the applicants' sheet

HEAD = ["姓名", "身份证号", "党支部代码", "递交入党申请书日期", "谈话日期", "确定为入党积极分子日期", "培养联系人一身份证号",
        "最近一次培养考察日期", "确定为发展对象日期", "政治审查完成日期", "集中培训天数", "公示结束日期",
        "支部大会讨论接收日期", "上级党委审批日期", "入党宣誓日期", "延长预备期（月）", "延长预备期支部大会日期", "转正日期",
        "讨论转正支部大会日期", "接收表决应到会人数", "接收表决实到会人数", "赞成接收人数", "转正表决应到会人数",
        "转正表决实到会人数", "赞成转正人数"]


def activist_day() -> datetime.date:
    return days_ago(1400).replace(day=10)


def vote_day() -> datetime.date:
    return rules.add_months(activist_day(), 14)


def sheet(tmp_path: Path, user: Any, *, extended: str = "", extension_meeting: str = "", full_on: str = "",
          full_meeting: str = "") -> Any:
    activist_on, voted_on = activist_day(), vote_day()
    d = activist_on.isoformat
    row = ["赵明", make_id(datetime.date(1990, 5, 1)), "A-SQ", (activist_on - datetime.timedelta(days=40)).isoformat(),
           (activist_on - datetime.timedelta(days=30)).isoformat(), d(), CONTACT_ID,
           rules.add_months(activist_on, 6).isoformat(), rules.add_months(activist_on, 12).isoformat(),
           rules.add_months(activist_on, 13).isoformat(), "3", rules.add_months(activist_on, 13).isoformat(), voted_on.isoformat(),
           (voted_on + datetime.timedelta(days=30)).isoformat(), (voted_on + datetime.timedelta(days=40)).isoformat(), extended,
           extension_meeting, full_on, full_meeting, "1", "1", "1", *(("1", "1", "1") if full_meeting else ("", "", ""))]
    return run_sheet(tmp_path, [HEAD, row], ApplicantResource, user)


def test_a_sheet_extension_decided_before_the_year_ends_is_refused(tmp_path, orgs, contact, county_a_clerk):
    ends = rules.probation_end(vote_day(), 6)
    result = sheet(tmp_path, county_a_clerk, extended="6", extension_meeting=(vote_day() + datetime.timedelta(days=4)).isoformat(),
                   full_on=ends.isoformat(), full_meeting=ends.isoformat())
    assert not result.committed and "期满前不能讨论延长预备期" in errors(result), errors(result)


def test_a_sheet_full_meeting_before_the_probation_ends_is_refused(tmp_path, orgs, contact, county_a_clerk):
    ends = rules.probation_end(vote_day())
    result = sheet(tmp_path, county_a_clerk, full_on=ends.isoformat(),
                   full_meeting=(ends - datetime.timedelta(days=3)).isoformat())
    assert not result.committed and "期满前不能讨论转正" in errors(result), errors(result)


def test_a_sheet_takes_the_meeting_dates_of_an_extension_and_of_the_full_step(tmp_path, orgs, contact, county_a_clerk):
    year_end, ends = rules.probation_end(vote_day()), rules.probation_end(vote_day(), 6)
    result = sheet(tmp_path, county_a_clerk, extended="6", extension_meeting=(year_end + datetime.timedelta(days=2)).isoformat(),
                   full_on=ends.isoformat(), full_meeting=(ends + datetime.timedelta(days=5)).isoformat())
    assert result.committed, errors(result)
    stored = Applicant.objects.get(name="赵明")
    assert (stored.extension_meeting_on, stored.full_meeting_on) == (year_end + datetime.timedelta(days=2),
                                                                     ends + datetime.timedelta(days=5))


def test_a_sheet_extension_whose_months_ended_before_its_meeting_is_refused(tmp_path, orgs, contact, county_a_clerk):
    ends = rules.probation_end(vote_day(), 6)
    result = sheet(tmp_path, county_a_clerk, extended="6", extension_meeting=(ends + datetime.timedelta(days=30)).isoformat(),
                   full_on=ends.isoformat(), full_meeting=(ends + datetime.timedelta(days=30)).isoformat())
    assert not result.committed and EXTENDS_NOTHING in errors(result), errors(result)
