"""成立日期 and 三会一课 saved at the same moment: no meeting is held before its
organisation was founded even when the date and the meeting are written by two clerks at
once. The meeting reads the date under the lock a new 成立日期 is saved under, so whichever
is written second waits for the first and is checked against it — on the service, and on
the meetings sheet (whose run reads each organisation once)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from branches.models import Meeting, MeetingKind, PartyOrganisation
from branches.resources import MeetingResource
from branches.services import meeting_record, party_org_save
from orgwork.imports.engine import run_import
from tests.clock import today
from tests.threads import second_waits_for_first

from .test_imports import errors_of, sheet_of
from .test_rules_on_every_path import MEETING_HEADER

pytestmark = pytest.mark.django_db(transaction=True)


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def found_on(pk: int, day: datetime.date, actor: Any) -> None:
    organisation = PartyOrganisation.objects.get(pk=pk)
    organisation.founded_on = day
    party_org_save(organisation=organisation, actor=actor)


def record_meeting(pk: int, held_on: datetime.date, actor: Any) -> None:
    meeting_record(organisation=PartyOrganisation.objects.get(pk=pk), kind=MeetingKind.COMMITTEE_MEETING,
                   held_on=held_on, topic="研究发展党员工作", expected=5, present=5, actor=actor)


def test_a_meeting_recorded_while_a_later_founding_date_is_being_saved_waits_for_it_and_is_refused(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    community = orgs["community"]
    waited, result = second_waits_for_first(lambda: found_on(community.pk, days_ago(1), county_a_clerk),
                                            lambda: record_meeting(community.pk, days_ago(2), county_a_clerk))
    assert waited
    assert isinstance(result, ValidationError), result
    assert f"召开日期 {days_ago(2).isoformat()} 早于「东岗社区党支部」的成立日期 {days_ago(1).isoformat()}" in (
        result.message_dict["held_on"][0])
    assert not Meeting.objects.filter(organisation=community).exists()
    assert PartyOrganisation.objects.get(pk=community.pk).founded_on == days_ago(1)


def test_a_founding_date_saved_while_an_earlier_meeting_is_being_recorded_waits_for_it_and_is_refused(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    community = orgs["community"]
    waited, result = second_waits_for_first(lambda: record_meeting(community.pk, days_ago(2), county_a_clerk),
                                            lambda: found_on(community.pk, days_ago(1), county_a_clerk))
    assert waited
    assert isinstance(result, ValidationError), result
    assert result.message_dict["founded_on"][0].startswith(
        f"成立日期 {days_ago(1).isoformat()} 晚于「东岗社区党支部」已登记的1次三会一课（最早一次召开于 {days_ago(2).isoformat()}）")
    assert PartyOrganisation.objects.get(pk=community.pk).founded_on is None
    assert Meeting.objects.filter(organisation=community).count() == 1


def test_a_meetings_sheet_run_while_a_later_founding_date_is_being_saved_waits_for_it_and_refuses_the_row(
        tmp_path: Path, orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    community = orgs["community"]
    rows = [MEETING_HEADER, [community.code, "支委会", days_ago(2).isoformat(), "研究工作", 7, 7, ""],
            [community.code, "党小组会", days_ago(3).isoformat(), "学习", 7, 6, ""]]
    sheet = sheet_of(tmp_path, MeetingResource, rows)
    waited, result = second_waits_for_first(lambda: found_on(community.pk, days_ago(1), county_a_clerk),
                                            lambda: run_import(MeetingResource, county_a_clerk, sheet, commit=True))
    assert waited
    assert [(row, column) for row, column, _ in errors_of(result)] == [(2, "召开日期"), (3, "召开日期")]
    assert all("早于「东岗社区党支部」的成立日期" in message for _, _, message in errors_of(result))
    assert not result.committed and not Meeting.objects.filter(organisation=community).exists()
