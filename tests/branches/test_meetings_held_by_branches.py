"""三会一课 are held by 党支部: a meeting of a 党委 or a 党总支 is refused on the page, the
sheet, the service and the bulk load (the 开展率 and the 缺会名单 count 党支部 only), and
the page's organisation picker offers only 党支部."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.models import Meeting, MeetingKind
from branches.resources import MeetingResource
from branches.services import meeting_record, meetings_bulk_load
from orgwork.audit.models import AuditLog
from orgwork.imports.engine import run_import

from .conftest import TEST_ACTOR
from .test_imports import errors_of, sheet_of
from .test_rules_on_every_path import MEETING_HEADER

pytestmark = pytest.mark.django_db

NOT_A_BRANCH = ("三会一课（党员大会、支委会、党小组会、党课、主题党日）由党支部开展，开展率和缺会名单也只统计党支部："
                "「城关区委」是党委，不能登记三会一课，请登记到其下的党支部。")


def recently() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=2)


def meeting_audit_rows() -> int:
    return AuditLog.objects.filter(content_type__model="meeting").count()


@pytest.mark.parametrize("who", ["committee", "general"])
def test_a_committee_or_general_branch_meeting_is_refused_by_the_service(orgs: Any, county_a_clerk: Any,
                                                                          who: str) -> None:
    with pytest.raises(ValidationError) as refused:
        meeting_record(organisation=orgs[who], kind=MeetingKind.COMMITTEE_MEETING, held_on=recently(),
                       topic="研究工作", expected=7, present=7, actor=county_a_clerk)
    message = refused.value.message_dict["organisation"][0]
    if who == "committee":
        assert message == NOT_A_BRANCH
    else:
        assert "「城关镇党总支」是党总支，不能登记三会一课" in message
    assert not Meeting.objects.exists() and meeting_audit_rows() == 0


def test_a_branch_meeting_is_still_recorded_by_the_service(orgs: Any, county_a_clerk: Any) -> None:
    meeting_record(organisation=orgs["community"], kind=MeetingKind.COMMITTEE_MEETING, held_on=recently(),
                   topic="研究工作", expected=7, present=7, actor=county_a_clerk)
    assert Meeting.objects.filter(organisation=orgs["community"]).count() == 1


def test_the_meeting_page_refuses_a_committee_meeting(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:branches_meeting_add"), {
        "organisation": orgs["committee"].pk, "kind": MeetingKind.COMMITTEE_MEETING, "held_on": recently().isoformat(),
        "topic": "研究工作", "expected": 7, "present": 7, "backentry_reason": ""})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["organisation"] == [NOT_A_BRANCH]
    assert not Meeting.objects.exists() and meeting_audit_rows() == 0


def test_the_meeting_pages_organisation_picker_offers_only_branches(orgs: Any, county_a_clerk: Any,
                                                                    client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:autocomplete"), {
        "app_label": "branches", "model_name": "meeting", "field_name": "organisation", "term": "城关"})
    assert response.status_code == 200
    found = {row["id"] for row in response.json()["results"]}
    assert found == {str(orgs["village"].pk)}  # not 城关区委 (党委) nor 城关镇党总支


def test_a_meeting_sheet_cannot_record_a_committee_meeting(tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    sheet = sheet_of(tmp_path, MeetingResource, [
        MEETING_HEADER,
        ["A-SQ", "支委会", recently().isoformat(), "研究工作", 7, 7, ""],
        ["A-DW", "支委会", recently().isoformat(), "研究工作", 7, 7, ""],
    ])
    result = run_import(MeetingResource, county_a_clerk, sheet, commit=True)
    assert not result.committed
    assert errors_of(result) == [(3, "组织代码", NOT_A_BRANCH)]
    assert not Meeting.objects.exists() and meeting_audit_rows() == 0


def test_a_meeting_cannot_be_moved_onto_a_committee_on_its_page(orgs: Any, county_a_clerk: Any,
                                                                client_for: Any) -> None:
    meeting = meeting_record(organisation=orgs["community"], kind=MeetingKind.THEME_DAY, held_on=recently(),
                             topic="主题党日", expected=20, present=18, actor=county_a_clerk)
    response = client_for(county_a_clerk).post(reverse("admin:branches_meeting_change", args=[meeting.pk]), {
        "organisation": orgs["committee"].pk, "kind": MeetingKind.THEME_DAY, "held_on": recently().isoformat(),
        "topic": "主题党日", "expected": 20, "present": 18, "backentry_reason": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation"] == [NOT_A_BRANCH]
    assert Meeting.objects.get(pk=meeting.pk).organisation_id == orgs["community"].pk


def test_the_bulk_load_refuses_a_committee_meeting(orgs: Any) -> None:
    committee = orgs["committee"]
    rows = [(orgs["community"], MeetingKind.THEME_DAY, recently(), "主题党日", 20, 18),
            (committee, MeetingKind.COMMITTEE_MEETING, recently(), "研究工作", 7, 7)]
    with pytest.raises(ValidationError) as refused:
        meetings_bulk_load(rows=rows, actor=TEST_ACTOR)
    assert refused.value.message_dict["organisation"] == [NOT_A_BRANCH]
    assert not Meeting.objects.exists() and meeting_audit_rows() == 0
