"""支部大会表决 (细则): a 支部大会 sits only when more than half of the members with a vote
it should have are there, and admits a 预备党员 (or makes one a full member) only when more
than half of them are for it. The count is kept with the meeting on the step page, the
batch action, the service, the sheet and in the database."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Applicant, Member, MemberStatus, Stage
from branches.members.resources import FILE_FIELDS, ApplicantResource

from .conftest import (SYSTEM, VOTE_COUNT, add_member, candidate, days_ago, file_sheet_row, make_id, probationary,
                       run_sheet, sheet_messages)

pytestmark = pytest.mark.django_db

QUORUM_MISSED = "到会有表决权的党员4人，未超过应到会有表决权党员9人的半数，支部大会不能开会，接收预备党员的表决无效。"
# Six of ten are there and five of them for: a majority of those present, not of the ten.
MAJORITY_MISSED = "赞成5人，未超过应到会有表决权的正式党员10人的半数，接收预备党员的决议未通过。"


@pytest.fixture(autouse=True)
def voters(orgs) -> list[Member]:
    """Eleven more 正式党员 of the community branch: with ``member`` it can hold the counts
    below (a count is never more than the branch can have had)."""
    return [add_member(orgs["community"], name, id_number=make_id(datetime.date(1980, 1, n + 1)))
            for n, name in enumerate(("赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八", "冯九", "陈十",
                                      "褚十一"))]


def admit(file: Applicant, **count: int) -> Applicant:
    return services.applicant_admit(applicant=file, vote_on=days_ago(200), actor=SYSTEM, **count)


@pytest.mark.parametrize(("count", "field", "message"), [
    ({"expected": 9, "present": 4, "in_favour": 4}, "vote_present", QUORUM_MISSED),
    ({"expected": 10, "present": 6, "in_favour": 5}, "vote_for", MAJORITY_MISSED),
    ({"expected": 9, "present": 10, "in_favour": 9}, "vote_present", "实到会有表决权的党员（10人）不能多于应到会的（9人）。"),
    ({"expected": 9, "present": 6, "in_favour": 7}, "vote_for", "赞成人数（7人）不能多于实到会有表决权的党员（6人）。"),
    ({"expected": 9, "present": 8, "in_favour": None}, "vote_for", "请填写赞成人数"),
])
def test_the_service_admits_no_one_on_a_count_that_does_not_carry_the_resolution(orgs, member, count, field,
                                                                                    message):
    file = candidate(orgs["community"], member, applied_days_ago=700)
    with pytest.raises(ValidationError) as refused:
        admit(file, **count)
    assert message in refused.value.message_dict[field][0]
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.stage, stored.vote_on, stored.member_id) == (Stage.CANDIDATE, None, None)
    assert not Member.objects.filter(id_number=file.id_number).exists()


def test_a_count_that_carries_it_is_kept_with_the_meeting(orgs, member):
    file = admit(candidate(orgs["community"], member, applied_days_ago=700), expected=10, present=6, in_favour=6)
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.stage, stored.vote_expected, stored.vote_present, stored.vote_for) == (Stage.PROBATIONARY, 10, 6, 6)


def test_the_admission_step_page_refuses_the_count_under_the_count_it_is_about(orgs, member, client_for,
                                                                              county_a_clerk):
    file = candidate(orgs["community"], member, applied_days_ago=700)
    url = reverse("admin:members_applicant_admit_step", args=[file.pk])
    client = client_for(county_a_clerk)
    page = client.post(url, {"day": days_ago(200).isoformat(), "expected": "10", "present": "6", "in_favour": "5"})
    form = page.context["form"]
    assert form.errors["in_favour"] == [MAJORITY_MISSED] and not form.non_field_errors(), form.errors
    assert Applicant.objects.get(pk=file.pk).stage == Stage.CANDIDATE
    page = client.post(url, {"day": days_ago(200).isoformat(), "expected": "10", "present": "7", "in_favour": "6"})
    assert page.status_code == 302
    assert Applicant.objects.get(pk=file.pk).vote_for == 6


TOO_MANY = ("应到会有表决权的党员40人，多于该党支部当时可能有的正式党员（至多{bound}人：现在册的正式党员，加上{day}以后离开"
            "本支部的）：请核对人数，预备党员没有表决权。")


def test_a_count_of_more_members_with_a_vote_than_the_branch_can_have_had_is_refused_on_every_path(
        tmp_path, orgs, member, client_for, county_a_clerk):
    file = candidate(orgs["community"], member, applied_days_ago=700)
    day = days_ago(200)
    said = TOO_MANY.format(bound=12, day=f"{day:%Y-%m-%d}")
    with pytest.raises(ValidationError) as refused:
        admit(file, expected=40, present=40, in_favour=40)
    assert refused.value.message_dict["vote_expected"] == [said]
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_admit_step", args=[file.pk]),
                                           {"day": day.isoformat(), "expected": "40", "present": "40",
                                            "in_favour": "40"})
    assert page.context["form"].errors["expected"] == [said]
    head = sheet_head(file)
    counted = {"接收表决应到会人数": "40", "接收表决实到会人数": "40", "赞成接收人数": "40"}
    result = run_sheet(tmp_path, [head, admitted_row(file, head, **counted)], ApplicantResource, county_a_clerk)
    assert not result.committed and f"接收表决应到会人数:{said}" in sheet_messages(result)
    assert Applicant.objects.get(pk=file.pk).stage == Stage.CANDIDATE


def test_a_member_who_left_the_branch_after_the_meeting_had_a_vote_at_it(orgs, member, voters):
    file = candidate(orgs["community"], member, applied_days_ago=700)
    # Two of the twelve were expelled after the meeting and one went before it.
    Member.objects.filter(pk__in=[voters[0].pk, voters[1].pk]).update(
        status=MemberStatus.EXPELLED, status_changed_on=days_ago(100), status_reason="支部决定")
    Member.objects.filter(pk=voters[2].pk).update(status=MemberStatus.EXPELLED, status_changed_on=days_ago(300),
                                                   status_reason="支部决定")
    with pytest.raises(ValidationError, match="至多11人"):
        admit(file, expected=12, present=12, in_favour=12)
    assert admit(file, expected=11, present=10, in_favour=10).vote_expected == 11


def test_one_batch_admits_the_files_of_one_branch_only(orgs, member, client_for, county_a_clerk):
    here = candidate(orgs["community"], member, applied_days_ago=700)
    contact = add_member(orgs["village"], "何明", id_number=make_id(datetime.date(1979, 2, 2)))
    there = candidate(orgs["village"], contact, applied_days_ago=700)
    page = client_for(county_a_clerk).post(
        reverse("admin:members_applicant_changelist"),
        {"action": "admit", "_selected_action": [here.pk, there.pk], "apply": "1", "day": days_ago(200).isoformat(),
         **{k: str(v) for k, v in VOTE_COUNT.items()}}, follow=True)
    assert "所选的2人分属2个党支部" in page.content.decode()
    assert {a.stage for a in Applicant.objects.filter(pk__in=[here.pk, there.pk])} == {Stage.CANDIDATE}


def test_the_batch_admission_gives_the_services_reason(orgs, member, client_for, county_a_clerk):
    file = candidate(orgs["community"], member, applied_days_ago=700)
    page = client_for(county_a_clerk).post(
        reverse("admin:members_applicant_changelist"),
        {"action": "admit", "_selected_action": [file.pk], "apply": "1", "day": days_ago(200).isoformat(),
         "expected": "9", "present": "4", "in_favour": "4"}, follow=True)
    assert QUORUM_MISSED in page.content.decode()
    assert Applicant.objects.get(pk=file.pk).stage == Stage.CANDIDATE


def test_a_full_membership_needs_its_own_count(orgs, member, client_for, county_a_clerk):
    file = probationary(orgs["community"], member, vote_days_ago=400, oath=True)
    ends = file.probation_ends_on
    with pytest.raises(ValidationError) as refused:
        services.applicant_make_full(applicant=file, decided_on=ends, expected=12, present=7, in_favour=6,
                                     actor=SYSTEM)
    assert refused.value.message_dict["full_vote_for"] == [
        "赞成6人，未超过应到会有表决权的正式党员12人的半数，同意转正的决议未通过。"]
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_make_full_step", args=[file.pk]),
                                           {"day": ends.isoformat(), "expected": "12", "present": "6",
                                            "in_favour": "6"})
    assert "未超过应到会有表决权党员12人的半数" in page.context["form"].errors["present"][0]
    done = services.applicant_make_full(applicant=file, decided_on=ends, actor=SYSTEM, **VOTE_COUNT)
    assert (done.stage, done.full_vote_expected, done.full_vote_present, done.full_vote_for) == (Stage.FULL, 1, 1, 1)


def test_the_database_keeps_no_part_of_a_count_nor_a_count_without_a_majority(orgs, member):
    file = admit(candidate(orgs["community"], member, applied_days_ago=700), **VOTE_COUNT)
    for broken in ({"vote_for": None}, {"vote_for": 4}, {"vote_present": 4, "vote_for": 4}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Applicant.objects.filter(pk=file.pk).update(**broken)
    # a file voted on before counts were kept has none at all, which stands
    Applicant.objects.filter(pk=file.pk).update(vote_expected=None, vote_present=None, vote_for=None)


# --- the sheet ---------------------------------------------------------------------------

def sheet_head(file: Applicant) -> list[str]:
    """The sheet's key columns and every date and count of a file (as the export has them)."""
    return ["姓名", "身份证号", "党支部代码", *(str(Applicant._meta.get_field(name).verbose_name)
                                         for name in FILE_FIELDS if name != "reviewed_on")]


def admitted_row(file: Applicant, head: list[str], **cells: Any) -> list[str]:
    """``file`` (a 发展对象 in the system) as the sheet row that records its 支部大会 vote."""
    return file_sheet_row(file, head, **{"支部大会讨论接收日期": days_ago(200).isoformat(), **cells})


def test_the_sheet_records_a_vote_only_with_a_count_that_carries_it(tmp_path, orgs, member, county_a_clerk):
    file = candidate(orgs["community"], member, applied_days_ago=700)
    head = sheet_head(file)
    result = run_sheet(tmp_path, [head, admitted_row(file, head)], ApplicantResource, county_a_clerk)
    assert not result.committed and "接收表决应到会人数:请填写应到会有表决权的党员人数" in sheet_messages(result)
    counted = {"接收表决应到会人数": "10", "接收表决实到会人数": "6", "赞成接收人数": "5"}
    result = run_sheet(tmp_path, [head, admitted_row(file, head, **counted)], ApplicantResource, county_a_clerk)
    assert not result.committed and f"赞成接收人数:{MAJORITY_MISSED}" in sheet_messages(result)
    assert Applicant.objects.get(pk=file.pk).stage == Stage.CANDIDATE
    counted["赞成接收人数"] = "6"
    result = run_sheet(tmp_path, [head, admitted_row(file, head, **counted)], ApplicantResource, county_a_clerk)
    assert result.committed, sheet_messages(result)
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.stage, stored.vote_expected, stored.vote_present, stored.vote_for) == (Stage.PROBATIONARY, 10, 6, 6)
    assert Member.objects.filter(id_number=file.id_number).exists()


def test_a_count_on_the_sheet_without_its_meeting_is_refused(tmp_path, orgs, member, county_a_clerk):
    file = candidate(orgs["community"], member, applied_days_ago=700)
    head = sheet_head(file)
    row = file_sheet_row(file, head, **{"接收表决应到会人数": "9", "接收表决实到会人数": "8", "赞成接收人数": "8"})
    result = run_sheet(tmp_path, [head, row], ApplicantResource, county_a_clerk)
    assert not result.committed
    assert f"接收表决应到会人数:{rules.vote_without_meeting_error('admit')}" in sheet_messages(result)


def test_a_count_on_record_is_not_rewritten_and_a_file_voted_before_counts_were_kept_comes_back_unchanged(
        tmp_path, orgs, member, county_a_clerk):
    counted = admit(candidate(orgs["community"], member, applied_days_ago=700), **VOTE_COUNT)
    older = admit(candidate(orgs["community"], member, applied_days_ago=720), **VOTE_COUNT)
    Applicant.objects.filter(pk=older.pk).update(vote_expected=None, vote_present=None, vote_for=None)
    older.refresh_from_db()
    head = sheet_head(counted)
    result = run_sheet(tmp_path, [head, file_sheet_row(counted, head, **{"接收表决应到会人数": "2"}),
                                  file_sheet_row(older, head)], ApplicantResource, county_a_clerk)
    assert not result.committed
    assert "接收表决应到会人数:档案中已记录的接收表决应到会人数（1）不能在表中清空或修改。" in sheet_messages(result)
    result = run_sheet(tmp_path, [head, file_sheet_row(counted, head), file_sheet_row(older, head)],
                       ApplicantResource, county_a_clerk)
    assert result.committed and (result.unchanged, result.updated) == (2, 0), sheet_messages(result)
