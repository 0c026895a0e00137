"""A count below its floor (应到人数 and 委员人数 at least 1, 实到人数 not below 0) is refused
in the field's own words — declared once on the model field — alike on the admin form,
in the sheet (a real workbook through the import engine) and by the service: a negative
number reads as the form says it, not Django's 「不能小于 0。」."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.models import COMMITTEE_SOMEONE, EXPECTED_NOBODY, Meeting, MeetingKind, TermElection
from branches.resources import MeetingResource
from branches.services import meeting_record

from .test_imports import errors_of, sheet_of
from .test_rules_on_every_path import MEETING_HEADER
from .test_term_election_sheet import import_rows, row
from .test_term_elections import form_data

pytestmark = pytest.mark.django_db

PRESENT_FLOOR = "实到人数应为不小于0的整数。"


def meeting_form_errors(client: Any, org: Any, expected: Any, present: Any) -> dict[str, list[str]]:
    response = client.post(reverse("admin:branches_meeting_add"), {
        "organisation": org.pk, "kind": MeetingKind.THEME_DAY, "held_on": timezone.localdate().isoformat(),
        "topic": "主题党日", "expected": expected, "present": present, "backentry_reason": ""})
    assert response.status_code == 200
    return dict(response.context["adminform"].form.errors)


def meeting_sheet_errors(tmp_path: Path, user: Any, expected: Any, present: Any) -> list[tuple[int, str, str]]:
    today = timezone.localdate().isoformat()
    sheet = sheet_of(tmp_path, MeetingResource, [MEETING_HEADER, ["A-SQ", "主题党日", today, "主题党日", expected, present, ""]])
    return errors_of(run_import_committing(user, sheet))


def run_import_committing(user: Any, sheet: Any) -> Any:
    from orgwork.imports.engine import run_import

    return run_import(MeetingResource, user, sheet, commit=True)


@pytest.mark.parametrize("expected", [-1, 0])
def test_a_meeting_with_fewer_than_one_expected_reads_the_same_on_the_form_and_the_sheet(
        tmp_path: Path, orgs: Any, county_a_clerk: Any, client_for: Any, expected: int) -> None:
    assert meeting_form_errors(client_for(county_a_clerk), orgs["village"], expected, 0) == {"expected": [EXPECTED_NOBODY]}
    assert meeting_sheet_errors(tmp_path, county_a_clerk, expected, 0) == [(2, "应到人数", EXPECTED_NOBODY)]
    assert not Meeting.objects.exists()


def test_a_negative_present_count_reads_the_same_on_the_form_and_the_sheet(
        tmp_path: Path, orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    assert meeting_form_errors(client_for(county_a_clerk), orgs["village"], 7, -1) == {"present": [PRESENT_FLOOR]}
    assert meeting_sheet_errors(tmp_path, county_a_clerk, 7, -1) == [(2, "实到人数", PRESENT_FLOOR)]
    assert not Meeting.objects.exists()


def test_the_service_refuses_a_negative_count_in_the_same_words(orgs: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        meeting_record(organisation=orgs["village"], kind=MeetingKind.THEME_DAY, held_on=timezone.localdate(),
                       topic="主题党日", expected=-1, present=0, actor=county_a_clerk)
    assert refused.value.message_dict["expected"] == [EXPECTED_NOBODY]


@pytest.mark.parametrize("size", [-1, 0])
def test_a_committee_of_fewer_than_one_reads_the_same_on_the_form_and_the_sheet(
        tmp_path: Path, orgs: Any, county_a_clerk: Any, client_for: Any, size: int) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:branches_termelection_add"),
                                               form_data(orgs["village"], committee_size=str(size)))
    assert response.context["adminform"].form.errors["committee_size"] == [COMMITTEE_SOMEONE]
    result = import_rows(tmp_path, county_a_clerk, row("A-CUN", "2020-04-01", 委员人数=size))
    assert errors_of(result) == [(2, "委员人数", COMMITTEE_SOMEONE)]
    assert not TermElection.objects.exists()
