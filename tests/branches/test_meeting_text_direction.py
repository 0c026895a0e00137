"""A character that turns the text's direction (U+202E…) is refused in every free text, not
only a checklist step's: a 三会一课 topic 「学习\u202e号3」 would read otherwise than stored. On
the service, the form and the sheet (``orgwork.common.freetext.text_error``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.models import Meeting, MeetingKind
from branches.resources import MeetingResource
from branches.services import meeting_record
from orgwork.common import freetext
from orgwork.imports.engine import run_import

from .test_imports import sheet_of
from .test_rules_on_every_path import MEETING_HEADER

pytestmark = pytest.mark.django_db
TURNED = "学习第\u202e号3文件"


def test_the_meeting_service_refuses_a_topic_that_turns_its_direction(orgs: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        meeting_record(organisation=orgs["community"], kind=MeetingKind.THEME_DAY, held_on=timezone.localdate(),
                       topic=TURNED, expected=20, present=18, actor=county_a_clerk)
    assert refused.value.message_dict["topic"] == [freetext.TURNS_DIRECTION]
    assert not Meeting.objects.exists()


def test_the_meeting_form_refuses_a_topic_that_turns_its_direction(orgs: Any, county_a_clerk: Any,
                                                                  client_for: Any) -> None:
    page = client_for(county_a_clerk).post(reverse("admin:branches_meeting_add"), {
        "organisation": orgs["community"].pk, "kind": MeetingKind.THEME_DAY,
        "held_on": timezone.localdate().isoformat(), "topic": TURNED, "expected": 20, "present": 18,
        "backentry_reason": ""})
    assert page.status_code == 200 and freetext.TURNS_DIRECTION in page.content.decode()
    assert not Meeting.objects.exists()


def test_the_meetings_sheet_refuses_a_topic_that_turns_its_direction(tmp_path: Path, orgs: Any,
                                                                    county_a_clerk: Any) -> None:
    day = timezone.localdate().isoformat()
    sheet = sheet_of(tmp_path, MeetingResource, [MEETING_HEADER, ["A-SQ", "主题党日", day, TURNED, 20, 18, ""],
                                                 ["A-SQ", "支委会", day, "研究工作", 7, 7, ""]])
    result = run_import(MeetingResource, county_a_clerk, sheet, commit=True)
    assert not result.committed
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, "主题", freetext.TURNS_DIRECTION)]
    assert not Meeting.objects.exists()
