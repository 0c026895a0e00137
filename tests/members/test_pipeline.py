"""发展党员: each step's rule through its service."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from branches.members import rules, services
from branches.members.models import Applicant, Member, MemberCategory, MemberStatus, Stage
from orgwork.audit.models import AuditLog
from orgwork.common import idnumber

from .conftest import (SYSTEM, VOTE_COUNT, activist, add_member, candidate, days_ago, make_id, new_applicant,
                       probationary)

pytestmark = pytest.mark.django_db


def test_an_application_before_eighteen_is_refused(orgs):
    with pytest.raises(ValidationError) as error:
        new_applicant(orgs["community"], applied_on=days_ago(10), born=days_ago(17 * 366))
    assert "年满18周岁" in str(error.value.message_dict["applied_on"])


def test_an_application_dated_before_the_birth_says_so_not_a_negative_age(orgs):
    with pytest.raises(ValidationError) as error:
        new_applicant(orgs["community"], applied_on=days_ago(40 * 366), born=days_ago(30 * 366))
    assert str(error.value.message_dict["applied_on"][0]).startswith("递交入党申请书日期早于出生日期")


def test_a_typed_birth_date_cannot_make_a_minor_an_adult(orgs):
    """The birth date and sex of an application are the ID number's: typed otherwise they are
    refused, as on the roster, and the age rule is not judged on the typed date."""
    minor = make_id(days_ago(17 * 366))
    with pytest.raises(ValidationError) as error:
        services.applicant_apply(applicant=Applicant(name="李晓", id_number=minor, branch=orgs["community"],
                                                     birth_date=datetime.date(1990, 1, 1), applied_on=days_ago(10)),
                                 actor=SYSTEM)
    assert error.value.message_dict["birth_date"][0].startswith("出生年月与身份证号不一致")
    with pytest.raises(ValidationError) as error:
        services.applicant_apply(applicant=Applicant(name="李晓", id_number=make_id(datetime.date(1998, 5, 1)),
                                                     branch=orgs["community"], gender=idnumber.FEMALE,
                                                     applied_on=days_ago(10)), actor=SYSTEM)
    assert error.value.message_dict["gender"][0].startswith("性别与身份证号不一致")
    assert not Applicant.objects.exists()


def test_an_application_into_a_committee_is_refused(orgs):
    with pytest.raises(ValidationError) as error:
        new_applicant(orgs["committee"], applied_on=days_ago(10))
    assert "须编入党支部" in error.value.message_dict["branch"][0]


def test_a_clerk_cannot_register_an_applicant_in_another_county(orgs, county_b_clerk):
    with pytest.raises(ValidationError) as error:
        new_applicant(orgs["community"], applied_on=days_ago(10), actor=county_b_clerk)
    assert "不在您的管辖范围内" in str(error.value)


def test_a_talk_within_a_month_is_recorded_with_one_audit_row(orgs):
    a = new_applicant(orgs["community"], applied_on=days_ago(40))
    before = AuditLog.objects.count()
    services.applicant_talk(applicant=a, talked_on=days_ago(15), actor=SYSTEM)
    assert Applicant.objects.get(pk=a.pk).talked_on == days_ago(15)
    assert AuditLog.objects.count() == before + 1


def test_a_late_talk_without_a_reason_is_refused(orgs):
    a = new_applicant(orgs["community"], applied_on=days_ago(90))
    with pytest.raises(ValidationError) as error:
        services.applicant_talk(applicant=a, talked_on=days_ago(20), actor=SYSTEM)
    assert "一个月内" in error.value.message_dict["talked_on"][0]
    assert Applicant.objects.get(pk=a.pk).talked_on is None


def test_a_late_talk_with_a_recorded_reason_is_accepted(orgs):
    a = new_applicant(orgs["community"], applied_on=days_ago(90))
    services.applicant_talk(applicant=a, talked_on=days_ago(20), late_reason="申请人外出务工", actor=SYSTEM)
    assert Applicant.objects.get(pk=a.pk).talk_late_reason == "申请人外出务工"


def test_an_activist_needs_a_full_member_as_contact(orgs, member):
    probation = add_member(orgs["community"], "赵预备", category=MemberCategory.PROBATIONARY, joined_on=days_ago(100))
    a = new_applicant(orgs["community"], applied_on=days_ago(60))
    services.applicant_talk(applicant=a, talked_on=days_ago(50), actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        services.applicant_make_activist(applicant=a, decided_on=days_ago(20), contacts=[probation], actor=SYSTEM)
    assert "正式党员" in error.value.message_dict["contact_1"][0]
    with pytest.raises(ValidationError):
        services.applicant_make_activist(applicant=a, decided_on=days_ago(20), contacts=[], actor=SYSTEM)
    services.applicant_make_activist(applicant=a, decided_on=days_ago(20), contacts=[member], actor=SYSTEM)
    assert Applicant.objects.get(pk=a.pk).stage == Stage.ACTIVIST


def test_an_activist_cannot_be_named_before_the_talk(orgs, member):
    a = new_applicant(orgs["community"], applied_on=days_ago(60))
    with pytest.raises(ValidationError) as error:
        services.applicant_make_activist(applicant=a, decided_on=days_ago(20), contacts=[member], actor=SYSTEM)
    assert "尚未谈话" in str(error.value)


def test_a_candidate_needs_a_full_year_as_activist(orgs, member):
    a = activist(orgs["community"], member, applied_days_ago=300)
    services.applicant_review(applicant=a, reviewed_on=days_ago(100), summary="积极", actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        services.applicant_make_candidate(applicant=a, decided_on=days_ago(1), actor=SYSTEM)
    assert "一年以上" in error.value.message_dict["candidate_on"][0]


def test_a_candidate_needs_a_recorded_review(orgs, member):
    a = activist(orgs["community"], member, applied_days_ago=800)
    with pytest.raises(ValidationError) as error:
        services.applicant_make_candidate(applicant=a, decided_on=days_ago(300), actor=SYSTEM)
    assert "考察记录" in error.value.message_dict["candidate_on"][0]


def test_admission_requires_political_review_training_and_publicity(orgs, member):
    a = candidate(orgs["community"], member, prepared=False)
    with pytest.raises(ValidationError) as error:
        services.applicant_admit(**VOTE_COUNT, applicant=a, vote_on=days_ago(200), actor=SYSTEM)
    assert set(error.value.message_dict) >= {"political_review_on", "training_days", "publicity_on"}


def test_twenty_four_hours_of_training_is_enough_without_three_days(orgs, member):
    a = candidate(orgs["community"], member, prepared=False)
    services.applicant_record_preparation(applicant=a, political_review_on=days_ago(350), training_hours=24,
                                          publicity_on=days_ago(340), actor=SYSTEM)
    admitted = services.applicant_admit(**VOTE_COUNT, applicant=a, vote_on=days_ago(200), actor=SYSTEM)
    assert admitted.stage == Stage.PROBATIONARY


def test_admission_enters_the_roster_as_a_probationary_member(orgs, member):
    a = candidate(orgs["community"], member)
    a = services.applicant_admit(**VOTE_COUNT, applicant=a, vote_on=days_ago(200), actor=SYSTEM)
    entered = Member.objects.get(pk=a.member_id)
    assert entered.category == MemberCategory.PROBATIONARY and entered.joined_on == days_ago(200)
    assert entered.standing_years is None


def test_approval_later_than_three_months_after_the_vote_is_refused(orgs, member):
    a = services.applicant_admit(**VOTE_COUNT, applicant=candidate(orgs["community"], member), vote_on=days_ago(200), actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        services.applicant_approve(applicant=a, approved_on=days_ago(50), actor=SYSTEM)
    assert "三个月内" in error.value.message_dict["approved_on"][0]


def test_the_oath_follows_the_approval(orgs, member):
    a = services.applicant_admit(**VOTE_COUNT, applicant=candidate(orgs["community"], member), vote_on=days_ago(200), actor=SYSTEM)
    with pytest.raises(ValidationError):
        services.applicant_oath(applicant=a, oath_on=days_ago(150), actor=SYSTEM)
    services.applicant_approve(applicant=a, approved_on=days_ago(180), actor=SYSTEM)
    assert services.applicant_oath(applicant=a, oath_on=days_ago(170), actor=SYSTEM).oath_on == days_ago(170)


def test_a_probationary_member_cannot_become_full_before_the_year_ends(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=200, oath=True)
    with pytest.raises(ValidationError) as error:
        services.applicant_make_full(**VOTE_COUNT, applicant=a, decided_on=days_ago(0), actor=SYSTEM)
    assert "期满前不能讨论转正" in error.value.message_dict["full_on"][0]


def test_becoming_full_sets_the_category_and_the_date_the_probation_ended(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=400, oath=True)
    a = services.applicant_make_full(**VOTE_COUNT, applicant=a, decided_on=days_ago(0), actor=SYSTEM)
    roster = Member.objects.get(pk=a.member_id)
    assert roster.category == MemberCategory.FULL
    assert roster.full_on == rules.add_months(days_ago(400), 12) == a.full_on
    assert roster.standing_years == 0


def test_probation_is_extended_once_by_six_to_twelve_months(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=400)
    with pytest.raises(ValidationError):
        services.applicant_extend_probation(applicant=a, months=3, decided_on=days_ago(30), actor=SYSTEM)
    a = services.applicant_extend_probation(applicant=a, months=6, decided_on=days_ago(30), actor=SYSTEM)
    assert a.probation_ends_on == rules.add_months(days_ago(400), 18)
    with pytest.raises(ValidationError) as error:
        services.applicant_extend_probation(applicant=a, months=6, decided_on=days_ago(0), actor=SYSTEM)
    assert "只能延长一次" in str(error.value)
    with pytest.raises(ValidationError):  # the extended year has not ended
        services.applicant_make_full(**VOTE_COUNT, applicant=a, decided_on=days_ago(0), actor=SYSTEM)


def test_cancelling_a_probationary_member_takes_them_off_the_roster(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=200)
    with pytest.raises(ValidationError):
        services.applicant_cancel(applicant=a, reason="  ", actor=SYSTEM)
    a = services.applicant_cancel(applicant=a, reason="不履行党员义务", decided_on=days_ago(10), actor=SYSTEM)
    assert a.stage == Stage.CANCELLED
    assert Member.objects.get(pk=a.member_id).status == MemberStatus.EXPELLED


def test_a_step_out_of_order_is_refused(orgs, member):
    a = new_applicant(orgs["community"], applied_on=days_ago(60))
    with pytest.raises(ValidationError) as error:
        services.applicant_admit(**VOTE_COUNT, applicant=a, vote_on=days_ago(1), actor=SYSTEM)
    assert "发展对象阶段办理" in str(error.value)


def test_a_view_only_auditor_cannot_take_a_step(orgs, member, view_only_auditor):
    a = new_applicant(orgs["community"], applied_on=days_ago(20))
    with pytest.raises(ValidationError) as error:
        services.applicant_talk(applicant=a, talked_on=days_ago(10), actor=view_only_auditor)
    assert "权限" in str(error.value)


def test_a_step_without_an_actor_is_refused(orgs):
    a = new_applicant(orgs["community"], applied_on=days_ago(20))
    with pytest.raises(ValidationError):
        services.applicant_talk(applicant=a, talked_on=days_ago(10), actor=None)


def test_standing_counts_from_the_full_date_not_the_join_date():
    assert rules.standing_years(datetime.date(2020, 6, 1), today=datetime.date(2026, 5, 31)) == 5
    assert rules.standing_years(None) is None


def test_the_branch_meeting_cannot_admit_before_the_political_review_is_finished(orgs, member):
    a = candidate(orgs["community"], member, prepared=False)
    a = services.applicant_record_preparation(applicant=a, political_review_on=days_ago(300), training_days=3,
                                              publicity_on=days_ago(340), actor=SYSTEM)
    with pytest.raises(ValidationError) as caught:
        services.applicant_admit(**VOTE_COUNT, applicant=a, vote_on=days_ago(330), actor=SYSTEM)
    assert caught.value.message_dict["political_review_on"] == ["政治审查须在支部大会讨论之前完成。"]
    assert Applicant.objects.get(pk=a.pk).stage == Stage.CANDIDATE


def test_a_probationary_member_is_not_made_full_before_the_oath(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=400)
    with pytest.raises(ValidationError) as caught:
        services.applicant_make_full(**VOTE_COUNT, applicant=a, decided_on=a.probation_ends_on, actor=SYSTEM)
    assert caught.value.message_dict["oath_on"] == [rules.NO_OATH]
    a = services.applicant_oath(applicant=a, oath_on=a.approved_on + datetime.timedelta(days=5), actor=SYSTEM)
    assert services.applicant_make_full(**VOTE_COUNT, applicant=a, decided_on=a.probation_ends_on, actor=SYSTEM).stage == Stage.FULL
