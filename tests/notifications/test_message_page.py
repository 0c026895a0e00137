"""The 站内消息 page a clerk opens: plain Chinese, clickable links inside the system only,
and opening it marks it read (QA #16)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from orgwork.accounts.models import User
from orgwork.audit.models import AuditLog
from orgwork.notifications import services
from orgwork.notifications.models import Notification, Stage

pytestmark = pytest.mark.django_db


def message(user: User, **fields: Any) -> Notification:
    values = {"source": "members_approval_due", "source_key": "members_approval_due:10:soon", "stage": Stage.SOON,
              "title": "预备党员上级党委审批期限：11天后到期", "body": "待审批甲",
              "link": "/admin/members/applicant/10/change/", "list_link": "/admin/worklists/members_approval_pending/"}
    values.update(fields)
    return Notification.objects.create(recipient=user, **values)


def test_opening_ones_message_marks_it_read_without_an_audit_row_and_the_bell_counts_one_less(
        county_a_clerk: User, client_for: Callable[[User], Any]) -> None:
    note = message(county_a_clerk)
    client = client_for(county_a_clerk)
    audit_rows = AuditLog.objects.count()
    page = client.get(reverse("admin:notifications_notification_change", args=[note.pk]))
    assert page.status_code == 200
    note.refresh_from_db()
    assert note.read_at is not None
    assert services.unread_count(county_a_clerk) == 0
    assert "notification-count" not in page.content.decode()
    assert AuditLog.objects.count() == audit_rows


def test_the_message_page_shows_no_internal_key_and_links_to_the_item_and_its_list(
        county_a_clerk: User, client_for: Callable[[User], Any]) -> None:
    note = message(county_a_clerk)
    html = client_for(county_a_clerk).get(reverse("admin:notifications_notification_change",
                                                  args=[note.pk])).content.decode()
    assert "members_approval_due" not in html and "事项标识" not in html and "事项来源" not in html
    assert '<a href="/admin/members/applicant/10/change/"' in html and ">办理</a>" in html
    assert '<a href="/admin/worklists/members_approval_pending/"' in html and ">查看清单</a>" in html


@pytest.mark.parametrize("link", ["javascript:alert(1)", "https://evil.example/x", "//evil.example/x",
                                  "data:text/html,x", "/\\evil.example"])
def test_a_link_outside_the_system_is_never_drawn_as_a_link(
        link: str, county_a_clerk: User, client_for: Callable[[User], Any]) -> None:
    note = message(county_a_clerk, link=link, list_link=link)
    html = client_for(county_a_clerk).get(reverse("admin:notifications_notification_change",
                                                  args=[note.pk])).content.decode()
    assert f'href="{link}"' not in html
    assert ">办理</a>" not in html and ">查看清单</a>" not in html


def test_opening_someone_elses_message_by_its_number_marks_nothing(
        county_a_clerk: User, county_b_clerk: User, client_for: Callable[[User], Any]) -> None:
    theirs = message(county_b_clerk)
    response = client_for(county_a_clerk).get(reverse("admin:notifications_notification_change", args=[theirs.pk]))
    assert response.status_code in (302, 404)
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775808", "0"])
def test_a_message_number_beyond_any_record_opens_no_error_page_and_marks_nothing(
        number: str, county_a_clerk: User, client_for: Callable[[User], Any]) -> None:
    mine = message(county_a_clerk)
    response = client_for(county_a_clerk).get(f"/admin/notifications/notification/{number}/change/")
    assert response.status_code in (302, 404)
    mine.refresh_from_db()
    assert mine.read_at is None
