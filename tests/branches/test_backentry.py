"""补录期限: meetings older than BRANCH_MEETING_BACKENTRY_DAYS are entered only by a
supervisor who gives a reason, and the reason is in the audit log."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.models import Meeting, MeetingKind
from branches.services import meeting_record
from orgwork.audit.models import AuditAction, AuditLog

TODAY = datetime.date(2025, 6, 30)


def enter(org: Any, actor: Any, held_on: datetime.date, reason: str = "") -> Meeting:
    return meeting_record(organisation=org, kind=MeetingKind.THEME_DAY, held_on=held_on, topic="主题党日", expected=20,
                          present=18, actor=actor, reason=reason, today=TODAY)


def test_a_meeting_inside_the_window_is_entered_by_any_clerk(orgs: Any, county_a_clerk: Any) -> None:
    meeting = enter(orgs["community"], county_a_clerk, TODAY - datetime.timedelta(days=30))
    assert meeting.pk and meeting.held_on == datetime.date(2025, 5, 31) and meeting.month_no == 2025 * 12 + 4


def test_an_older_meeting_is_refused_for_a_normal_clerk(orgs: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        enter(orgs["community"], county_a_clerk, TODAY - datetime.timedelta(days=31), reason="忘记录入")
    assert "30 天的补录期限" in str(raised.value)
    assert not Meeting.objects.exists()


def test_a_supervisor_must_give_a_reason(orgs: Any, supervisor: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        enter(orgs["community"], supervisor, datetime.date(2025, 1, 10), reason="  ")
    assert "补录须填写原因" in str(raised.value)


def test_a_supervisor_with_a_reason_back_enters_and_the_reason_is_audited(orgs: Any, supervisor: Any) -> None:
    meeting = enter(orgs["community"], supervisor, datetime.date(2025, 1, 10), reason="原纸质台账补录")
    assert meeting.backentry_reason == "原纸质台账补录"
    entry = AuditLog.objects.get(object_id=str(meeting.pk), content_type__model="meeting")  # one row, not two
    assert entry.action == AuditAction.CREATE
    assert entry.actor == supervisor
    assert entry.message == "超期补录：原纸质台账补录"
    assert entry.changes["backentry_reason"] == [None, "原纸质台账补录"]


def test_the_window_is_a_setting(orgs: Any, county_a_clerk: Any, settings: Any) -> None:
    settings.BRANCH_MEETING_BACKENTRY_DAYS = 90
    assert enter(orgs["community"], county_a_clerk, TODAY - datetime.timedelta(days=90)).pk


def test_meetings_in_the_future_are_refused(orgs: Any, supervisor: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        enter(orgs["community"], supervisor, TODAY + datetime.timedelta(days=1), reason="x")
    assert "不能晚于今天" in str(raised.value)


def meeting_post(org: Any, held_on: datetime.date, reason: str = "") -> dict[str, Any]:
    return {"organisation": org.pk, "kind": MeetingKind.COMMITTEE_MEETING, "held_on": held_on.isoformat(),
            "topic": "支委会", "expected": 7, "present": 7, "backentry_reason": reason}


def test_the_admin_form_refuses_a_late_entry_for_a_normal_clerk(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    old = timezone.localdate() - datetime.timedelta(days=45)
    response = client_for(county_a_clerk).post(reverse("admin:branches_meeting_add"), meeting_post(orgs["community"], old, "补"))
    assert response.status_code == 200
    assert "补录期限" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_admin_form_lets_a_supervisor_back_enter_with_a_reason(orgs: Any, supervisor: Any, client_for: Any) -> None:
    old = timezone.localdate() - datetime.timedelta(days=45)
    client = client_for(supervisor)
    response = client.post(reverse("admin:branches_meeting_add"), meeting_post(orgs["community"], old))
    assert response.status_code == 200 and "补录须填写原因" in response.content.decode()
    response = client.post(reverse("admin:branches_meeting_add"), meeting_post(orgs["community"], old, "会议记录本遗失后补登"))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.unit_id, meeting.month_no) == (orgs["community"].unit_id, old.year * 12 + old.month - 1)
    assert AuditLog.objects.filter(object_id=str(meeting.pk), message="超期补录：会议记录本遗失后补登").exists()


def test_the_admin_form_takes_a_recent_meeting_from_a_clerk(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    recent = timezone.localdate() - datetime.timedelta(days=3)
    response = client_for(county_a_clerk).post(reverse("admin:branches_meeting_add"), meeting_post(orgs["community"], recent))
    assert response.status_code == 302
    assert Meeting.objects.get().held_on == recent
