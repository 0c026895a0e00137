"""Each branch rule on each path that can carry it: the service, the admin form and its
inlines, the admin actions, the sheet, the demo seeder."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils import timezone

from branches.models import (
    AssessmentItemScore,
    AssessmentState,
    BranchAssessment,
    Domain,
    Meeting,
    MeetingKind,
    ModelBranchQuota,
    OrgKind,
    PartyOrganisation,
    Secretary,
    StandardStatus,
    WeakBranchCase,
    WeakCaseState,
    WeakCategory,
)
from branches.resources import MeetingResource, PartyOrganisationResource
from branches.services import (
    assessment_nominate_model,
    assessment_open,
    assessment_review,
    assessment_submit_self,
    meeting_record,
    party_org_save,
    weak_case_close,
    weak_case_open,
    weak_case_record_survey,
)
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common.contract import SystemActor
from orgwork.imports.engine import run_import
from orgwork.rectification.models import ItemState, RectificationItem

from .conftest import TEST_ACTOR, make_org, scores_for
from .test_imports import errors_of, sheet_of

MEETING_HEADER = ["组织代码", "会议类型", "召开日期", "主题", "应到人数", "实到人数", "补录原因"]


def audit_rows_of(obj: Any) -> list[AuditLog]:
    return list(AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk))
                .order_by("pk"))


def late_day() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=60)


# ---------------------------------------------------------------------------
# 补录: the sheet reads the reason column and applies the form's rule
# ---------------------------------------------------------------------------


class TestBackEntryOnTheSheet:
    def test_a_supervisor_imports_a_late_meeting_with_the_reason_in_its_row(self, tmp_path: Path, orgs: Any,
                                                                          supervisor: Any) -> None:
        sheet = sheet_of(tmp_path, MeetingResource, [
            MEETING_HEADER, ["A-SQ", "党员大会", late_day().isoformat(), "补录的党员大会", 30, 28, "会议记录本遗失后补登"]])
        result = run_import(MeetingResource, supervisor, sheet, commit=True)
        assert result.ok and result.new == 1, errors_of(result)
        meeting = Meeting.objects.get()
        assert meeting.backentry_reason == "会议记录本遗失后补登"
        (entry,) = audit_rows_of(meeting)
        assert entry.changes["backentry_reason"] == [None, "会议记录本遗失后补登"] and entry.actor == supervisor

    def test_a_late_meeting_row_without_a_reason_is_reported_under_the_reason_column(self, tmp_path: Path, orgs: Any,
                                                                                   supervisor: Any) -> None:
        sheet = sheet_of(tmp_path, MeetingResource, [
            MEETING_HEADER, ["A-SQ", "党员大会", late_day().isoformat(), "补录的党员大会", 30, 28, "  "]])
        result = run_import(MeetingResource, supervisor, sheet, commit=True)
        assert [(row, column) for row, column, _ in errors_of(result)] == [(2, "补录原因")]
        assert "补录须填写原因" in errors_of(result)[0][2]
        assert not Meeting.objects.exists()

    def test_a_clerk_without_the_back_entry_permission_cannot_import_a_late_meeting_even_with_a_reason(
            self, tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
        sheet = sheet_of(tmp_path, MeetingResource, [
            MEETING_HEADER, ["A-SQ", "党员大会", late_day().isoformat(), "补录的党员大会", 30, 28, "忘记录入"]])
        result = run_import(MeetingResource, county_a_clerk, sheet, commit=True)
        assert [(row, column) for row, column, _ in errors_of(result)] == [(2, "召开日期")]
        assert not Meeting.objects.exists()

    def test_a_late_meeting_sent_again_without_its_reason_keeps_the_reason(self, tmp_path: Path, orgs: Any,
                                                                          supervisor: Any) -> None:
        row = ["A-SQ", "党员大会", late_day().isoformat(), "补录的党员大会", 30, 28]
        first = sheet_of(tmp_path, MeetingResource, [MEETING_HEADER, [*row, "原纸质台账补录"]])
        assert run_import(MeetingResource, supervisor, first, commit=True).ok
        again = sheet_of(tmp_path, MeetingResource, [MEETING_HEADER, [*row[:5], 29, ""]])
        result = run_import(MeetingResource, supervisor, again, commit=True)
        assert result.ok and result.updated == 1, errors_of(result)
        meeting = Meeting.objects.get()
        assert (meeting.present, meeting.backentry_reason) == (29, "原纸质台账补录")

    def test_the_meeting_form_asks_for_the_reason_in_the_same_field_as_the_sheet(self, orgs: Any, supervisor: Any,
                                                                               client_for: Any) -> None:
        page = client_for(supervisor).get(reverse("admin:branches_meeting_add")).content.decode()
        assert 'name="backentry_reason"' in page and "补录原因" in page

    def test_a_reason_on_a_meeting_inside_the_window_is_not_kept(self, tmp_path: Path, orgs: Any,
                                                                county_a_clerk: Any) -> None:
        recent = timezone.localdate() - datetime.timedelta(days=2)
        sheet = sheet_of(tmp_path, MeetingResource, [MEETING_HEADER, ["A-SQ", "支委会", recent.isoformat(), "研究工作", 7, 7,
                                                            "原纸质台账补录"]])
        assert run_import(MeetingResource, county_a_clerk, sheet, commit=True).ok
        assert Meeting.objects.get().backentry_reason == ""


# ---------------------------------------------------------------------------
# 应到人数 at least one: a meeting nobody was expected at is not one held
# ---------------------------------------------------------------------------

NOBODY = "应到人数至少为1"


class TestSomeoneExpected:
    def test_the_service_refuses_a_meeting_with_nobody_expected(self, orgs: Any, county_a_clerk: Any) -> None:
        with pytest.raises(ValidationError) as refused:
            meeting_record(organisation=orgs["village"], kind=MeetingKind.THEME_DAY, held_on=timezone.localdate(),
                           topic="主题党日", expected=0, present=0, actor=county_a_clerk)
        assert NOBODY in refused.value.message_dict["expected"][0]
        assert not Meeting.objects.exists()

    def test_the_meeting_form_refuses_nobody_expected_under_the_field(self, orgs: Any, county_a_clerk: Any,
                                                                      client_for: Any) -> None:
        response = client_for(county_a_clerk).post(reverse("admin:branches_meeting_add"), {
            "organisation": orgs["village"].pk, "kind": MeetingKind.THEME_DAY,
            "held_on": timezone.localdate().isoformat(), "topic": "主题党日", "expected": 0, "present": 0,
            "backentry_reason": ""})
        assert response.status_code == 200
        assert NOBODY in response.context["adminform"].form.errors["expected"][0]
        assert not Meeting.objects.exists()

    def test_a_meetings_sheet_refuses_a_theme_day_with_nobody_expected_or_more_present(
            self, tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
        today = timezone.localdate().isoformat()
        sheet = sheet_of(tmp_path, MeetingResource, [
            MEETING_HEADER, ["A-SQ", "主题党日", today, "主题党日", 0, 0, ""],
            ["A-SQ", "支委会", today, "研究工作", 7, 8, ""]])
        result = run_import(MeetingResource, county_a_clerk, sheet, commit=True)
        errors = errors_of(result)
        assert (2, "应到人数") in [(row, column) for row, column, _ in errors]
        assert any(row == 2 and NOBODY in message for row, _, message in errors)
        assert any(row == 3 and "实到人数不能多于应到人数" in message for row, _, message in errors)
        assert not Meeting.objects.exists()

    def test_the_database_refuses_a_bulk_loaded_meeting_with_nobody_expected(self, orgs: Any) -> None:
        from django.db import IntegrityError, transaction

        from branches.services import meetings_bulk_load

        rows = [(orgs["village"], MeetingKind.THEME_DAY, datetime.date(2025, 5, 1), "主题党日", 0, 0)]
        with pytest.raises(IntegrityError), transaction.atomic():
            meetings_bulk_load(rows=rows, actor=TEST_ACTOR)
        assert not Meeting.objects.exists()


# ---------------------------------------------------------------------------
# 软弱涣散销号 settles the checklist item
# ---------------------------------------------------------------------------


@pytest.fixture
def case(orgs: Any, county_a_clerk: Any) -> WeakBranchCase:
    return weak_case_open(
        organisation=orgs["village"], year=2025, categories=[WeakCategory.ORGANISATIONAL_LIFE],
        problems="三会一课不经常", plan="一支部一方案：按月督导", contact_leader="王副书记",
        deadline=datetime.date(2025, 12, 31), actor=county_a_clerk)


class TestWeakCaseClosure:
    def test_closing_a_weak_case_strikes_off_its_checklist_item(self, case: WeakBranchCase, county_a_clerk: Any,
                                                              city_officer: Any) -> None:
        weak_case_record_survey(case=case, awareness="92", satisfaction="90", surveyed_on=datetime.date(2025, 11, 1),
                                actor=county_a_clerk)
        item = RectificationItem.objects.get(pk=case.rectification_item_id)
        assert item.state == ItemState.CLOSURE_REQUESTED and "知情度 92.0%" in item.account
        weak_case_close(case=case, actor=city_officer)
        item.refresh_from_db()
        assert item.state == ItemState.CLOSED and item.reviewed_by == city_officer
        case.refresh_from_db()
        assert case.state == WeakCaseState.CLOSED

    def test_a_weak_case_is_not_closed_by_the_one_who_put_its_item_up_for_closure(self, case: WeakBranchCase,
                                                                                   county_a_clerk: Any) -> None:
        weak_case_record_survey(case=case, awareness="92", satisfaction="90", surveyed_on=datetime.date(2025, 11, 1),
                                actor=county_a_clerk)
        with pytest.raises(ValidationError) as raised:
            weak_case_close(case=case, actor=county_a_clerk)
        assert "审核人不能是销号申请人本人" in str(raised.value)
        case.refresh_from_db()
        assert case.state == WeakCaseState.RECTIFYING  # the case and its item stand or fall together
        assert RectificationItem.objects.get(pk=case.rectification_item_id).state == ItemState.CLOSURE_REQUESTED

    def test_the_close_action_in_the_admin_strikes_off_the_checklist_item(self, case: WeakBranchCase, county_a_clerk: Any,
                                                                          city_officer: Any, client_for: Any) -> None:
        weak_case_record_survey(case=case, awareness="85", satisfaction="88", surveyed_on=datetime.date(2025, 11, 1),
                                actor=county_a_clerk)
        client_for(city_officer).post(reverse("admin:branches_weakbranchcase_changelist"),
                                      {"action": "close", "_selected_action": [case.pk]})
        case.refresh_from_db()
        assert case.state == WeakCaseState.CLOSED
        assert RectificationItem.objects.get(pk=case.rectification_item_id).state == ItemState.CLOSED
        again = client_for(city_officer).post(reverse("admin:branches_weakbranchcase_changelist"),
                                              {"action": "close", "_selected_action": [case.pk]})
        (message,) = [strip_tags(str(m)) for m in get_messages(again.wsgi_request)]
        assert message.startswith("销号：已办理 0 条，未办理 1 条。") and "已销号，无需再办理" in message

    def test_a_passing_survey_typed_on_the_admin_form_puts_the_checklist_item_up_for_closure(
            self, case: WeakBranchCase, county_a_clerk: Any, client_for: Any) -> None:
        data = {"organisation": case.organisation_id, "year": 2025, "categories": [WeakCategory.ORGANISATIONAL_LIFE],
                "problems": case.problems, "plan": case.plan, "contact_leader": case.contact_leader,
                "deadline": "2025-12-31", "awareness_rate": "90", "satisfaction_rate": "91", "surveyed_on": "2025-11-02"}
        response = client_for(county_a_clerk).post(reverse("admin:branches_weakbranchcase_change", args=[case.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert RectificationItem.objects.get(pk=case.rectification_item_id).state == ItemState.CLOSURE_REQUESTED
        assert len(audit_rows_of(case)) == 2  # opened, surveyed: one row each

    def test_the_admin_form_wants_both_rates_and_the_date_of_a_survey(self, case: WeakBranchCase, county_a_clerk: Any,
                                                                     client_for: Any) -> None:
        data = {"organisation": case.organisation_id, "year": 2025, "categories": [WeakCategory.ORGANISATIONAL_LIFE],
                "problems": case.problems, "plan": case.plan, "contact_leader": case.contact_leader,
                "deadline": "2025-12-31", "awareness_rate": "90", "satisfaction_rate": "", "surveyed_on": ""}
        response = client_for(county_a_clerk).post(reverse("admin:branches_weakbranchcase_change", args=[case.pk]), data)
        assert response.status_code == 200 and "测评结果须同时填写" in response.content.decode()


# ---------------------------------------------------------------------------
# 标准化: item by item, with 一票否决
# ---------------------------------------------------------------------------


class TestItemScoring:
    def test_the_reviewed_total_is_the_sum_of_the_item_scores(self, orgs: Any, rural_standard: Any,
                                                              county_a_clerk: Any) -> None:
        opened = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
        assessment_submit_self(assessment=opened, actor=TEST_ACTOR, scores=scores_for(opened, 90))
        reviewed = assessment_review(assessment=opened, actor=county_a_clerk, scores=scores_for(opened, "83.5"))
        assert reviewed.reviewed_score == Decimal("83.5")
        assert sum(s.reviewed_score for s in AssessmentItemScore.objects.filter(assessment=opened)) == Decimal("83.5")
        assert reviewed.status == StandardStatus.PASSED

    def test_a_veto_item_short_of_its_points_fails_the_branch_whatever_the_total(self, orgs: Any, rural_standard: Any,
                                                                                  county_a_clerk: Any) -> None:
        opened = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
        assessment_submit_self(assessment=opened, actor=TEST_ACTOR, scores=scores_for(opened, 98))
        reviewed = assessment_review(assessment=opened, actor=county_a_clerk, scores=scores_for(opened, 97, veto_met=False))
        assert reviewed.reviewed_score == Decimal("97")
        assert (reviewed.status, reviewed.star_level) == (StandardStatus.BELOW, None)
        assert "一票否决" in audit_rows_of(reviewed)[-1].message

    def test_a_review_needs_every_item_scored(self, orgs: Any, rural_standard: Any, county_a_clerk: Any) -> None:
        opened = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
        assessment_submit_self(assessment=opened, actor=TEST_ACTOR, scores=scores_for(opened, 90))
        partial = dict(list(scores_for(opened, 90).items())[:2])
        AssessmentItemScore.objects.filter(assessment=opened).update(reviewed_score=None)
        with pytest.raises(ValidationError) as raised:
            assessment_review(assessment=opened, actor=county_a_clerk, scores=partial)
        assert "须逐项评分" in str(raised.value)
        assert BranchAssessment.objects.get(pk=opened.pk).state == AssessmentState.SELF_ASSESSED

    def test_item_scores_typed_in_the_admin_inline_are_checked_against_each_items_points(
            self, orgs: Any, rural_standard: Any, county_a_clerk: Any, client_for: Any) -> None:
        opened = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
        lines = list(AssessmentItemScore.objects.filter(assessment=opened).order_by("item__seq"))
        url = reverse("admin:branches_branchassessment_change", args=[opened.pk])

        def post(first_score: str) -> Any:
            data = {"self_note": "逐项自评", "review_note": "", "item_scores-TOTAL_FORMS": len(lines),
                    "item_scores-INITIAL_FORMS": len(lines), "item_scores-MIN_NUM_FORMS": 0, "item_scores-MAX_NUM_FORMS": 1000}
            for n, line in enumerate(lines):
                data.update({f"item_scores-{n}-id": line.pk, f"item_scores-{n}-assessment": opened.pk,
                             f"item_scores-{n}-self_score": first_score if n == 0 else str(line.item.points),
                             f"item_scores-{n}-reviewed_score": ""})
            return client_for(county_a_clerk).post(url, data)

        response = post("25")
        assert response.status_code == 200 and "不能超过该项分值 20.0 分" in response.content.decode()
        assert not AssessmentItemScore.objects.filter(assessment=opened, self_score__isnull=False).exists()
        response = post("18")
        assert response.status_code == 302
        assert sorted(AssessmentItemScore.objects.filter(assessment=opened).values_list("self_score", flat=True)) == [
            Decimal("18"), Decimal("20"), Decimal("30"), Decimal("30")]
        updates = [e for e in audit_rows_of(opened) if e.action == AuditAction.UPDATE]
        assert len(updates) == 1 and "第1项自评得分" in updates[0].changes  # notes and scores: one row

    def test_a_branchs_own_level_cannot_type_reviewed_scores_in_the_inline(self, orgs: Any, rural_standard: Any, tree: Any,
                                                                          make_staff: Any, client_for: Any) -> None:
        from orgwork.accounts import roles

        township_clerk = make_staff("township_clerk", tree["township_a"], roles.PARTY_BUILDING)
        opened = assessment_open(organisation=orgs["village"], year=2025, actor=township_clerk)
        lines = list(AssessmentItemScore.objects.filter(assessment=opened).order_by("item__seq"))
        data = {"self_note": "", "review_note": "", "item_scores-TOTAL_FORMS": len(lines),
                "item_scores-INITIAL_FORMS": len(lines), "item_scores-MIN_NUM_FORMS": 0, "item_scores-MAX_NUM_FORMS": 1000}
        for n, line in enumerate(lines):
            data.update({f"item_scores-{n}-id": line.pk, f"item_scores-{n}-assessment": opened.pk,
                         f"item_scores-{n}-self_score": "", f"item_scores-{n}-reviewed_score": str(line.item.points)})
        response = client_for(township_clerk).post(reverse("admin:branches_branchassessment_change", args=[opened.pk]), data)
        assert response.status_code == 200 and "审核得分须由「兰州市城关区·城关镇」的上级单位填写" in response.content.decode()
        assert not AssessmentItemScore.objects.filter(assessment=opened, reviewed_score__isnull=False).exists()

    def test_the_assessment_page_shows_the_checklist_to_score(self, orgs: Any, rural_standard: Any, county_a_clerk: Any,
                                                              client_for: Any) -> None:
        opened = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
        page = client_for(county_a_clerk).get(reverse("admin:branches_branchassessment_change", args=[opened.pk]))
        text = page.content.decode()
        assert page.status_code == 200 and "逐项评分" in text and "组织设置规范，班子健全" in text

    def test_the_demo_seeder_scores_assessments_item_by_item(self, orgs: Any, rural_standard: Any) -> None:
        from seeds.demo.branches import SEED_ACTOR, ensure_assessments

        branches = [orgs["village"], orgs["county_b"]]
        ModelBranchQuota.objects.create(unit=orgs["county_b"].unit.parent.parent, year=timezone.localdate().year - 1, quota=5)
        assert ensure_assessments(branches, {orgs["county_b"].pk}, SEED_ACTOR, random.Random(3), 2) == 2
        for assessment in BranchAssessment.objects.filter(organisation__in=branches):
            lines = AssessmentItemScore.objects.filter(assessment=assessment)
            assert assessment.state == AssessmentState.REVIEWED
            assert assessment.reviewed_score == sum(line.reviewed_score for line in lines)
            assert AuditLog.objects.filter(object_id=str(assessment.pk), actor_name="system:seed_demo").exists()


# ---------------------------------------------------------------------------
# 示范名额: a default share when no quota is set, on every path that names 示范
# ---------------------------------------------------------------------------


def reviewed(org: Any, score: Any, actor: Any, *, veto_met: bool = True) -> BranchAssessment:
    opened = assessment_open(organisation=org, year=2025, actor=actor)
    assessment_submit_self(assessment=opened, actor=TEST_ACTOR, scores=scores_for(opened, score))  # for the branch
    return assessment_review(assessment=opened, actor=actor, scores=scores_for(opened, score, veto_met=veto_met))


class TestModelBranchQuota:
    def test_without_any_quota_the_default_share_limits_model_branches(self, orgs: Any, rural_standard: Any,
                                                                       city_officer: Any) -> None:
        # Three branches in the province: 1.3 % of them, rounded up, is one.
        first = assessment_nominate_model(assessment=reviewed(orgs["village"], 97, city_officer), actor=city_officer)
        assert first.status == StandardStatus.MODEL
        with pytest.raises(ValidationError) as raised:
            assessment_nominate_model(assessment=reviewed(orgs["county_b"], 99, city_officer), actor=city_officer)
        assert "「甘肃省」2025年示范党支部未设定名额，按党支部数的 1.3% 计为 1 个，已评定 1 个，名额已满" in str(raised.value)

    def test_the_default_share_is_a_setting(self, orgs: Any, rural_standard: Any, city_officer: Any, settings: Any) -> None:
        settings.BRANCH_MODEL_BRANCH_SHARE = "0.5"
        for org in (orgs["village"], orgs["county_b"]):
            assert assessment_nominate_model(assessment=reviewed(org, 97, city_officer), actor=city_officer).status == "model"

    def test_a_vetoed_branch_cannot_be_named_a_model_branch(self, orgs: Any, rural_standard: Any, city_officer: Any) -> None:
        with pytest.raises(ValidationError) as raised:
            assessment_nominate_model(assessment=reviewed(orgs["village"], 98, city_officer, veto_met=False),
                                      actor=city_officer)
        assert "未达标" in str(raised.value)

    def test_the_nominate_action_in_the_admin_holds_to_the_default_share(self, orgs: Any, rural_standard: Any,
                                                                         city_officer: Any, client_for: Any) -> None:
        first, second = reviewed(orgs["village"], 97, city_officer), reviewed(orgs["county_b"], 99, city_officer)
        response = client_for(city_officer).post(reverse("admin:branches_branchassessment_changelist"),
                                                 {"action": "nominate_model", "_selected_action": [first.pk, second.pk]},
                                                 follow=True)
        assert "名额已满" in response.content.decode()
        assert BranchAssessment.objects.filter(status=StandardStatus.MODEL).count() == 1

    def test_a_quota_cannot_be_set_below_the_model_branches_already_named(self, tree: Any, orgs: Any, rural_standard: Any,
                                                                          city_officer: Any, province_officer: Any,
                                                                          client_for: Any) -> None:
        quota = ModelBranchQuota.objects.create(unit=tree["city"], year=2025, quota=2)
        for org in (orgs["village"], orgs["county_b"]):
            ModelBranchQuota.objects.get_or_create(unit=tree["province"], year=2025, defaults={"quota": 10})
            assessment_nominate_model(assessment=reviewed(org, 97, city_officer), actor=city_officer)
        url = reverse("admin:branches_modelbranchquota_change", args=[quota.pk])
        response = client_for(province_officer).post(url, {"unit": tree["city"].pk, "year": 2025, "quota": 1})
        assert response.status_code == 200 and "名额不能少于 2 个" in response.content.decode()
        response = client_for(province_officer).post(url, {"unit": tree["city"].pk, "year": 2025, "quota": 3})
        assert response.status_code == 302
        quota.refresh_from_db()
        assert quota.quota == 3 and len(audit_rows_of(quota)) == 2


# ---------------------------------------------------------------------------
# Moving an organisation audits every path it rewrites
# ---------------------------------------------------------------------------


class TestPathMoveAudit:
    def test_moving_a_general_branch_audits_each_descendants_new_path(self, tree: Any, orgs: Any) -> None:
        other = make_org("A-DW3", "城关区委第二党委", tree["county_a"], OrgKind.COMMITTEE, domain=Domain.ORGAN)
        general = PartyOrganisation.objects.get(pk=orgs["general"].pk)
        general.parent = other
        party_org_save(organisation=general, actor=TEST_ACTOR)
        (entry,) = [e for e in audit_rows_of(orgs["village"]) if e.action == AuditAction.UPDATE]
        assert entry.changes == {"path": ["A-DW/A-ZZ/A-CUN/", "A-DW3/A-ZZ/A-CUN/"]}
        assert entry.actor_name == "system:tests" and entry.unit_path == orgs["village"].unit.path

    def test_moving_an_organisation_in_the_admin_audits_each_descendant(self, tree: Any, orgs: Any, county_a_clerk: Any,
                                                                       client_for: Any) -> None:
        other = make_org("A-DW3", "城关区委第二党委", tree["county_a"], OrgKind.COMMITTEE, domain=Domain.ORGAN)
        general = PartyOrganisation.objects.get(pk=orgs["general"].pk)
        data = {"code": "A-ZZ", "name": general.name, "kind": general.kind, "parent": other.pk, "unit": general.unit_id,
                "domain": general.domain, "venue_area": "",
                "seen_version": general.version, "secretary-TOTAL_FORMS": 0, "secretary-INITIAL_FORMS": 0,
                "secretary-MIN_NUM_FORMS": 0, "secretary-MAX_NUM_FORMS": 1}
        response = client_for(county_a_clerk).post(reverse("admin:branches_partyorganisation_change", args=[general.pk]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        moved = [e for e in audit_rows_of(orgs["village"]) if e.action == AuditAction.UPDATE]
        assert [e.changes["path"][1] for e in moved] == ["A-DW3/A-ZZ/A-CUN/"] and moved[0].actor == county_a_clerk
        assert len([e for e in audit_rows_of(general) if e.action == AuditAction.UPDATE]) == 1

    def test_moving_an_organisation_by_sheet_audits_each_descendant(self, tmp_path: Path, tree: Any, orgs: Any,
                                                                   county_a_clerk: Any) -> None:
        make_org("A-DW2", "城关区直机关工委", tree["county_a"], OrgKind.COMMITTEE, domain=Domain.ORGAN)
        sheet = sheet_of(tmp_path, PartyOrganisationResource, [
            ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域"],
            ["A-ZZ", "城关镇党总支", "党总支", "A-DW2", "620102001", "农村"],
        ])
        assert run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True).ok
        moved = [e for e in audit_rows_of(orgs["village"]) if e.action == AuditAction.UPDATE]
        assert len(moved) == 1 and moved[0].changes["path"] == ["A-DW/A-ZZ/A-CUN/", "A-DW2/A-ZZ/A-CUN/"]
        assert moved[0].actor == county_a_clerk


# ---------------------------------------------------------------------------
# The write contract: actor, permission, scope, one audit row
# ---------------------------------------------------------------------------


class TestContract:
    @pytest.mark.parametrize("call", ["organisation", "meeting", "assessment", "weak_case", "close"])
    def test_branch_services_refuse_to_act_without_an_actor(self, call: str, orgs: Any, rural_standard: Any,
                                                            case: WeakBranchCase) -> None:
        calls = {
            "organisation": lambda: party_org_save(organisation=PartyOrganisation(
                code="A-NEW", name="新党支部", unit=orgs["community"].unit, parent=orgs["committee"], domain=Domain.ORGAN),
                actor=None),
            "meeting": lambda: meeting_record(organisation=orgs["community"], kind=MeetingKind.THEME_DAY,
                                              held_on=timezone.localdate(), topic="主题党日", expected=5, present=5, actor=None),
            "assessment": lambda: assessment_open(organisation=orgs["village"], year=2025, actor=None),
            "weak_case": lambda: weak_case_open(organisation=orgs["community"], year=2025, categories=["rules"],
                                                problems="x", plan="y", contact_leader="z",
                                                deadline=datetime.date(2025, 12, 31), actor=None),
            "close": lambda: weak_case_close(case=case, actor=None),
        }
        with pytest.raises(ValidationError) as raised:
            calls[call]()
        assert raised.value.code == "no_actor"

    def test_a_clerk_cannot_change_an_organisation_of_another_county(self, orgs: Any, county_b_clerk: Any) -> None:
        village = PartyOrganisation.objects.get(pk=orgs["village"].pk)
        village.name = "改名"
        with pytest.raises(ValidationError) as raised:
            party_org_save(organisation=village, actor=county_b_clerk)
        assert raised.value.code == "scope"
        assert PartyOrganisation.objects.get(pk=village.pk).name == "城关镇红星村党支部"

    def test_a_view_only_auditor_cannot_record_a_meeting(self, orgs: Any, view_only_auditor: Any) -> None:
        with pytest.raises(ValidationError) as raised:
            meeting_record(organisation=orgs["community"], kind=MeetingKind.THEME_DAY, held_on=timezone.localdate(),
                           topic="主题党日", expected=5, present=5, actor=view_only_auditor)
        assert raised.value.code == "permission"
        assert not Meeting.objects.exists()

    def test_a_clerk_cannot_record_a_meeting_for_another_countys_branch(self, orgs: Any, county_b_clerk: Any) -> None:
        with pytest.raises(ValidationError) as raised:
            meeting_record(organisation=orgs["community"], kind=MeetingKind.THEME_DAY, held_on=timezone.localdate(),
                           topic="主题党日", expected=5, present=5, actor=county_b_clerk)
        assert "不存在或不在您的管辖范围内" in str(raised.value)

    def test_each_service_change_writes_exactly_one_audit_row(self, orgs: Any, case: WeakBranchCase,
                                                             county_a_clerk: Any) -> None:
        assert len(audit_rows_of(case)) == 1  # opened and linked to the checklist: one row
        assert audit_rows_of(case)[0].changes["rectification_item_id"] == [None, case.rectification_item_id]
        community = PartyOrganisation.objects.get(pk=orgs["community"].pk)
        before = len(audit_rows_of(community))
        community.venue_area = Decimal("330.0")
        party_org_save(organisation=community, actor=county_a_clerk)
        rows = audit_rows_of(community)
        assert len(rows) == before + 1 and rows[-1].changes == {"venue_area": ["210.0", "330.0"]}, rows[-1].changes
        meeting = meeting_record(organisation=community, kind=MeetingKind.THEME_DAY, held_on=timezone.localdate(),
                                 topic="主题党日", expected=5, present=5, actor=county_a_clerk)
        assert len(audit_rows_of(meeting)) == 1

    def test_the_secretary_inline_saves_through_the_service_with_one_audit_row(self, orgs: Any, county_a_clerk: Any,
                                                                               client_for: Any) -> None:
        community = PartyOrganisation.objects.get(pk=orgs["community"].pk)
        data = {"code": community.code, "name": community.name, "kind": community.kind, "parent": community.parent_id,
                "unit": community.unit_id, "domain": community.domain,
                "venue_area": "210.0", "seen_version": community.version,
                "secretary-TOTAL_FORMS": 1, "secretary-INITIAL_FORMS": 0, "secretary-MIN_NUM_FORMS": 0,
                "secretary-MAX_NUM_FORMS": 1, "secretary-0-name": "李书记", "secretary-0-education": "bachelor",
                "secretary-0-birth_month": "1985-03-01", "secretary-0-is_full_time": "on",
                "secretary-0-organisation": community.pk}
        response = client_for(county_a_clerk).post(
            reverse("admin:branches_partyorganisation_change", args=[community.pk]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        secretary = Secretary.objects.get(organisation=community)
        (entry,) = audit_rows_of(secretary)
        assert entry.action == AuditAction.CREATE and entry.actor == county_a_clerk

    def test_the_system_actor_of_a_command_is_named_in_the_trail(self, orgs: Any) -> None:
        meeting = meeting_record(organisation=orgs["community"], kind=MeetingKind.THEME_DAY, held_on=timezone.localdate(),
                                 topic="主题党日", expected=5, present=5, actor=SystemActor("nightly"))
        (entry,) = audit_rows_of(meeting)
        assert entry.actor is None and entry.actor_name == "system:nightly"


class TestDatabaseConstraints:
    def test_the_database_refuses_a_struck_off_case_without_a_survey(self, case: WeakBranchCase) -> None:
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            WeakBranchCase.objects.filter(pk=case.pk).update(state=WeakCaseState.CLOSED, closed_on=datetime.date(2025, 12, 1))

    def test_the_database_refuses_a_result_before_the_review(self, orgs: Any, rural_standard: Any) -> None:
        from django.db import IntegrityError, transaction

        opened = assessment_open(organisation=orgs["village"], year=2025, actor=TEST_ACTOR)
        with pytest.raises(IntegrityError), transaction.atomic():
            BranchAssessment.objects.filter(pk=opened.pk).update(status=StandardStatus.MODEL)
