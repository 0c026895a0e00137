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


# ---------------------------------------------------------------- changing or deleting an old meeting


def old_meeting(org: Any) -> Meeting:
    from .conftest import add_meeting

    return add_meeting(org, MeetingKind.GROUP_MEETING, timezone.localdate() - datetime.timedelta(days=60), present=18)


def change_post(meeting: Meeting, reason: str = "", **values: Any) -> dict[str, Any]:
    data = {"organisation": meeting.organisation_id, "kind": meeting.kind, "held_on": meeting.held_on.isoformat(),
            "topic": meeting.topic, "expected": meeting.expected, "present": meeting.present, "backentry_reason": reason}
    return {**data, **values}


def test_a_clerk_cannot_change_a_meeting_older_than_the_window_on_the_form(orgs: Any, county_a_clerk: Any,
                                                                           client_for: Any) -> None:
    meeting = old_meeting(orgs["community"])
    url = reverse("admin:branches_meeting_change", args=[meeting.pk])
    response = client_for(county_a_clerk).post(url, change_post(meeting, "改错了", present=1))
    assert response.status_code == 200
    assert "早于 30 天的补录期限，普通用户不能修改" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).present == 18


def test_a_clerk_cannot_move_an_old_meeting_into_the_window(orgs: Any, county_a_clerk: Any) -> None:
    from branches.services import meeting_save

    meeting = old_meeting(orgs["community"])
    meeting.held_on = timezone.localdate() - datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as raised:
        meeting_save(meeting=meeting, actor=county_a_clerk)
    assert "普通用户不能修改" in str(raised.value)


def test_a_supervisor_changes_an_old_meeting_only_with_a_reason_which_is_audited(orgs: Any, supervisor: Any,
                                                                                 client_for: Any) -> None:
    meeting = old_meeting(orgs["community"])
    url = reverse("admin:branches_meeting_change", args=[meeting.pk])
    client = client_for(supervisor)
    response = client.post(url, change_post(meeting, present=17))
    assert response.status_code == 200 and "修改须填写补录原因" in response.content.decode()
    response = client.post(url, change_post(meeting, "签到表核对后更正实到人数", present=17))
    assert response.status_code == 302
    changed = Meeting.objects.get(pk=meeting.pk)
    assert (changed.present, changed.backentry_reason) == (17, "签到表核对后更正实到人数")
    assert AuditLog.objects.filter(object_id=str(meeting.pk), action=AuditAction.UPDATE,
                                   message="超期修改：签到表核对后更正实到人数").exists()


def test_a_clerk_still_corrects_a_recent_meeting(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    meeting = enter_today(orgs["community"], county_a_clerk, timezone.localdate() - datetime.timedelta(days=3))
    url = reverse("admin:branches_meeting_change", args=[meeting.pk])
    assert client_for(county_a_clerk).post(url, change_post(meeting, present=15)).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).present == 15


def enter_today(org: Any, actor: Any, held_on: datetime.date) -> Meeting:
    return meeting_record(organisation=org, kind=MeetingKind.THEME_DAY, held_on=held_on, topic="主题党日", expected=20,
                          present=18, actor=actor)


def test_a_clerk_cannot_delete_a_meeting_older_than_the_window(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    meeting = old_meeting(orgs["community"])
    client = client_for(county_a_clerk)
    delete_url = reverse("admin:branches_meeting_delete", args=[meeting.pk])
    page = client.get(reverse("admin:branches_meeting_change", args=[meeting.pk])).content.decode()
    assert delete_url not in page
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_an_old_meetings_refused_change_to_a_recent_date_offers_no_delete(orgs: Any, county_a_clerk: Any,
                                                                         client_for: Any) -> None:
    """The page drawn again holds the recent date the clerk typed; the stored meeting is
    still the old one, which the clerk may not delete."""
    meeting = old_meeting(orgs["community"])
    client = client_for(county_a_clerk)
    recent = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = client.post(reverse("admin:branches_meeting_change", args=[meeting.pk]),
                           change_post(meeting, held_on=recent))
    assert response.status_code == 200 and "普通用户不能修改" in response.content.decode()
    delete_url = reverse("admin:branches_meeting_delete", args=[meeting.pk])
    assert delete_url not in response.content.decode()
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).held_on == meeting.held_on


def test_the_delete_service_refuses_an_old_meeting_to_a_clerk_in_chinese(orgs: Any, county_a_clerk: Any) -> None:
    from branches.services import meeting_delete

    meeting = old_meeting(orgs["community"])
    with pytest.raises(ValidationError) as raised:
        meeting_delete(meeting=meeting, actor=county_a_clerk)
    assert "普通用户不能删除" in str(raised.value)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_clerk_deletes_a_recent_duplicate_and_a_supervisor_an_old_one_each_with_an_audit_row(
        orgs: Any, county_a_clerk: Any, supervisor: Any, client_for: Any) -> None:
    recent = enter_today(orgs["community"], county_a_clerk, timezone.localdate() - datetime.timedelta(days=3))
    old = old_meeting(orgs["community"])
    for actor, meeting in ((county_a_clerk, recent), (supervisor, old)):
        url = reverse("admin:branches_meeting_delete", args=[meeting.pk])
        assert client_for(actor).post(url, {"post": "yes"}).status_code == 302
        assert not Meeting.objects.filter(pk=meeting.pk).exists()
        assert AuditLog.objects.get(object_id=str(meeting.pk), content_type__model="meeting",
                                    action=AuditAction.DELETE).actor == actor


def test_a_meetings_sheet_cannot_change_an_old_meeting_for_a_clerk_but_may_send_it_again_unchanged(
        tmp_path: Any, orgs: Any, county_a_clerk: Any, supervisor: Any) -> None:
    from orgwork.imports.engine import run_import
    from branches.resources import MeetingResource

    from .test_imports import errors_of, sheet_of

    meeting = old_meeting(orgs["community"])
    header = ["组织代码", "会议类型", "召开日期", "主题", "应到人数", "实到人数", "补录原因"]
    row = ["A-SQ", "党小组会", meeting.held_on.isoformat(), meeting.topic, 20]
    changed = sheet_of(tmp_path, MeetingResource, [header, [*row, 1, "改错了"]])
    result = run_import(MeetingResource, county_a_clerk, changed, commit=True)
    assert any(r == 2 and "普通用户不能修改" in m for r, _, m in errors_of(result))
    assert Meeting.objects.get(pk=meeting.pk).present == 18
    same = sheet_of(tmp_path, MeetingResource, [header, [*row, 18, ""]])
    assert run_import(MeetingResource, county_a_clerk, same, commit=True).ok
    no_reason = sheet_of(tmp_path, MeetingResource, [header, [*row, 17, ""]])
    result = run_import(MeetingResource, supervisor, no_reason, commit=True)
    assert any("修改须填写补录原因" in m for _, _, m in errors_of(result))
    with_reason = sheet_of(tmp_path, MeetingResource, [header, [*row, 17, "签到表核对后更正"]])
    assert run_import(MeetingResource, supervisor, with_reason, commit=True).ok
    assert Meeting.objects.get(pk=meeting.pk).present == 17
