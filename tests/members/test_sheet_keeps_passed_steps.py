"""The applicants' sheet takes a step only where its page would: a file that has passed the
stage of a step cannot have it taken again by a row. A 考察 is of an 入党积极分子 or a 发展对象
(never on or after the 支部大会 vote), 政审、培训、公示 of a 发展对象, a late 谈话's or a late
approval's reason goes with the step it explains, and a 考察逾期原因 recorded afterwards
explains a real stretch of more than six months. Each refusal is the step service's, under
the row's column; a row that carries what the file holds (a re-upload of the export) is
未变 whatever the file's stage."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from branches.members import rules, services
from branches.members.models import ActivistReview, Applicant, MemberStatus, Stage
from branches.members.resources import ApplicantResource

from .conftest import (SYSTEM, VOTE_COUNT, activist, admitted, candidate, days_ago, file_sheet_row, new_applicant,
                       probationary, run_sheet, with_the_right)
from .test_applicant_sheet import HEAD
from .test_export_round_trip import media, saved, uploaded  # noqa: F401 (media: a fixture)
from .test_review_gap_records import REASON, stored_with_a_gap

pytestmark = pytest.mark.django_db
SHEET_HEAD = [*HEAD, "考察逾期原因"]


@pytest.fixture
def probationer(orgs, contact) -> Applicant:
    """A 预备党员 voted in 100 days ago, approved, whose 考察 came every six months."""
    return probationary(orgs["community"], contact, vote_days_ago=100)


def sheet(tmp_path: Any, file: Applicant, user: Any, **cells: Any) -> Any:
    return run_sheet(tmp_path, [SHEET_HEAD, file_sheet_row(file, SHEET_HEAD, **cells)], ApplicantResource, user)


def errors(result: Any) -> list[tuple[str, str]]:
    return [(e.column, e.message) for e in result.errors]


def refusal(call: Any) -> str:
    """The one message a step service refuses with."""
    with pytest.raises(ValidationError) as refused:
        call()
    (messages,) = refused.value.message_dict.values()
    return messages[0]


@pytest.mark.parametrize("cell", [lambda: f"{days_ago(50):%Y-%m-%d}",
                                  lambda: f"{days_ago(60):%Y-%m-%d}、{days_ago(20):%Y-%m-%d}"],
                         ids=["one date", "a list of dates"])
def test_the_applicants_sheet_cannot_record_a_review_after_the_vote(tmp_path, probationer, county_a_clerk, cell):
    reviews = set(probationer.reviews.values_list("reviewed_on", flat=True))
    message = refusal(lambda: services.applicant_review(applicant=probationer, reviewed_on=days_ago(50),
                                                        summary="表现良好", actor=county_a_clerk))
    assert message == "「培养考察」须在入党积极分子、发展对象阶段办理，「李晓」当前为预备党员。"
    result = sheet(tmp_path, probationer, county_a_clerk, **{"最近一次培养考察日期": cell()})
    assert not result.committed and errors(result) == [("最近一次培养考察日期", message)]
    assert set(probationer.reviews.values_list("reviewed_on", flat=True)) == reviews
    assert Applicant.objects.get(pk=probationer.pk).reviewed_on == probationer.reviewed_on


def test_the_applicants_sheet_cannot_record_a_review_before_the_vote_once_the_file_has_passed_it(
        tmp_path, probationer, county_a_clerk):
    """Before the vote, but not recorded while the file was at the stage the 考察 is taken."""
    early = days_ago(130)
    assert probationer.candidate_on < early < probationer.vote_on
    result = sheet(tmp_path, probationer, county_a_clerk, **{"最近一次培养考察日期": f"{early:%Y-%m-%d}"})
    assert not result.committed
    assert errors(result) == [("最近一次培养考察日期", services.stage_error(probationer, Stage.PROBATIONARY,
                                                                       services.REVIEW_STAGES, services.REVIEW))]
    assert not probationer.reviews.filter(reviewed_on=early).exists()


def test_a_review_on_the_day_of_the_vote_the_same_row_records_is_refused_by_its_date(tmp_path, orgs, contact,
                                                                                    county_a_clerk):
    file = candidate(orgs["community"], contact)
    vote = days_ago(10)
    result = sheet(tmp_path, file, county_a_clerk, **{"支部大会讨论接收日期": f"{vote:%Y-%m-%d}",
                                                      "最近一次培养考察日期": f"{vote:%Y-%m-%d}",
                                                      "接收表决应到会人数": "1", "接收表决实到会人数": "1", "赞成接收人数": "1"})
    assert not result.committed
    assert errors(result) == [("最近一次培养考察日期", rules.review_date_error(file.activist_on, vote, vote))]
    assert Applicant.objects.get(pk=file.pk).stage == Stage.CANDIDATE


def test_the_sheets_reviews_are_refused_by_the_service_that_records_them_after_the_vote(orgs, probationer):
    """The service the sheet hands its 考察 to holds the same rule, should a row reach it."""
    with pytest.raises(ValidationError, match="考察日期须早于支部大会讨论接收日期"):
        services.applicant_reviews_from_sheet(applicant_ids=[probationer.pk], actor=SYSTEM,
                                              earlier={probationer.pk: [days_ago(20)]})
    assert not probationer.reviews.filter(reviewed_on=days_ago(20)).exists()


@pytest.mark.parametrize("column,kept", [("集中培训学时", (3, 0)), ("集中培训天数", (0, 24))])
def test_the_applicants_sheet_cannot_change_training_hours_of_a_probationary_member(
        tmp_path, orgs, contact, county_a_clerk, column, kept):
    """The column the file keeps empty (0: nothing recorded) is filled in by the row."""
    file = probationary(orgs["community"], contact, vote_days_ago=100)
    Applicant.objects.filter(pk=file.pk).update(training_days=kept[0], training_hours=kept[1])
    file.refresh_from_db()
    field = "training_hours" if column.endswith("学时") else "training_days"
    message = refusal(lambda: services.applicant_record_preparation(applicant=file, actor=county_a_clerk,
                                                                    **{field: 40}))
    assert message == "「登记政审、培训、公示」须在发展对象阶段办理，「李晓」当前为预备党员。"
    result = sheet(tmp_path, file, county_a_clerk, **{column: "40"})
    assert not result.committed and errors(result) == [(column, message)]
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.training_days, stored.training_hours) == kept


def test_the_applicants_sheet_cannot_add_a_political_review_to_a_probationary_members_file(
        tmp_path, probationer, county_a_clerk):
    Applicant.objects.filter(pk=probationer.pk).update(political_review_on=None)  # kept without one
    probationer.refresh_from_db()
    result = sheet(tmp_path, probationer, county_a_clerk, **{"政治审查完成日期": f"{days_ago(130):%Y-%m-%d}"})
    assert not result.committed
    assert errors(result) == [("政治审查完成日期", services.stage_error(
        probationer, Stage.PROBATIONARY, services.PREPARATION_STAGES, services.PREPARATION))]
    assert Applicant.objects.get(pk=probationer.pk).political_review_on is None


def test_the_applicants_sheet_cannot_fill_in_the_reason_of_a_talk_or_an_approval_on_record(tmp_path, probationer,
                                                                                            county_a_clerk):
    talk = refusal(lambda: services.applicant_talk(applicant=probationer, talked_on=days_ago(1), late_reason="补记",
                                                   actor=county_a_clerk))
    approval = refusal(lambda: services.applicant_approve(applicant=probationer, approved_on=days_ago(1),
                                                          late_reason="补记", actor=county_a_clerk))
    result = sheet(tmp_path, probationer, county_a_clerk, **{"逾期谈话原因": "申请人外出务工", "审批逾期原因": "党委会推迟"})
    assert not result.committed
    assert errors(result) == [("逾期谈话原因", talk), ("审批逾期原因", approval)]
    assert talk == "「谈话」须在入党申请人阶段办理，「李晓」当前为预备党员。" and approval == services.APPROVED
    stored = Applicant.objects.get(pk=probationer.pk)
    assert (stored.talk_late_reason, stored.approval_late_reason) == ("", "")


def test_the_applicants_sheet_cannot_record_a_review_late_reason_where_no_stretch_passed_six_months(
        tmp_path, probationer, county_a_clerk):
    message = refusal(lambda: services.applicant_explain_review_gap(applicant=probationer, reason=REASON,
                                                                    actor=county_a_clerk))
    assert message == services.REVIEW_GAP_NONE
    result = sheet(tmp_path, probationer, county_a_clerk, **{"考察逾期原因": REASON})
    assert not result.committed and errors(result) == [("考察逾期原因", message)]
    assert Applicant.objects.get(pk=probationer.pk).review_late_reason == ""


def test_the_applicants_sheet_cannot_give_a_review_late_reason_to_a_file_not_yet_a_candidate(tmp_path, orgs, contact,
                                                                                            county_a_clerk):
    file = activist(orgs["community"], contact)
    result = sheet(tmp_path, file, county_a_clerk, **{"考察逾期原因": REASON})
    assert not result.committed and errors(result) == [("考察逾期原因", "须先确定为发展对象。")]
    assert Applicant.objects.get(pk=file.pk).review_late_reason == ""


def test_the_applicants_sheet_records_a_review_late_reason_where_the_service_would(tmp_path, orgs, contact,
                                                                                  county_a_clerk):
    file = stored_with_a_gap(probationary(orgs["community"], contact, vote_days_ago=100))
    result = sheet(tmp_path, file, county_a_clerk, **{"考察逾期原因": REASON})
    assert result.committed, errors(result)
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.stage, stored.review_late_reason) == (Stage.PROBATIONARY, REASON)


def test_a_candidate_still_takes_its_training_and_its_reviews_on_the_sheet(tmp_path, orgs, contact, county_a_clerk):
    file = candidate(orgs["community"], contact, prepared=False)
    review = days_ago(100)
    result = sheet(tmp_path, file, county_a_clerk, **{"集中培训学时": "24", "最近一次培养考察日期": f"{review:%Y-%m-%d}"})
    assert result.committed, errors(result)
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.stage, stored.training_hours, stored.reviewed_on) == (Stage.CANDIDATE, 24, review)
    assert stored.reviews.filter(reviewed_on=review).exists()


def files_in_every_stage(orgs: Any, contact: Any) -> list[Applicant]:
    branch = orgs["community"]
    talked = new_applicant(branch, applied_on=days_ago(30), name="谈话人")
    services.applicant_talk(applicant=talked, talked_on=days_ago(20), actor=SYSTEM)
    older = activist(branch, contact)  # 集中培训 kept before the rule refused it of an 积极分子
    Applicant.objects.filter(pk=older.pk).update(training_days=3)
    withdrawn = activist(branch, contact)
    services.applicant_cancel(applicant=withdrawn, reason="本人申请终止", actor=SYSTEM)
    extended = probationary(branch, contact, vote_days_ago=400, oath=True)
    services.applicant_extend_probation(applicant=extended, months=6, decided_on=days_ago(30), actor=SYSTEM)
    full = probationary(branch, contact, vote_days_ago=400, oath=True)
    services.applicant_make_full(**VOTE_COUNT, applicant=full, decided_on=days_ago(30), actor=SYSTEM)
    cancelled = probationary(branch, contact, vote_days_ago=100)
    services.applicant_cancel(applicant=cancelled, reason="不履行党员义务", decided_on=days_ago(5), actor=SYSTEM)
    died = probationary(branch, contact, vote_days_ago=100)
    services.member_set_status(member=died.member, status=MemberStatus.DECEASED, changed_on=days_ago(3), reason="",
                               actor=SYSTEM)
    explained = stored_with_a_gap(probationary(branch, contact, vote_days_ago=100))
    services.applicant_explain_review_gap(applicant=explained, reason=REASON, actor=SYSTEM)
    unexplained = stored_with_a_gap(probationary(branch, contact, vote_days_ago=100, oath=True))
    Applicant.objects.filter(pk=unexplained.pk).update(training_hours=40)
    new_applicant(branch, applied_on=days_ago(10), name="申请人")
    candidate(branch, contact, prepared=False)
    candidate(branch, contact)
    admitted(orgs, contact, vote_days_ago=40, name="接收人")  # awaiting the approval
    return list(Applicant.objects.all())


@pytest.mark.parametrize("full_numbers", [True, False])
def test_an_exported_sheet_of_files_in_every_stage_uploaded_unchanged_comes_back_all_unchanged(
        orgs, contact, client_for, county_a_clerk, full_numbers):
    files = files_in_every_stage(orgs, contact)
    assert set(Stage) <= {file.stage for file in files}
    reviews = ActivistReview.objects.count()
    exporter = with_the_right(county_a_clerk) if full_numbers else county_a_clerk
    answer = client_for(exporter).get(reverse("admin:members_applicant_export") + "?stage__exact=all")
    assert answer.status_code == 200
    job = uploaded(county_a_clerk, "members_applicants", saved(load_workbook(io.BytesIO(answer.content))))
    assert (job.error_rows, job.unchanged_count, job.rows) == (0, len(files), len(files)), job.errors
    assert ActivistReview.objects.count() == reviews
