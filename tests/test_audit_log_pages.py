"""审计日志 as the audit administrator reads it: a system actor named by what it does, as on
a record's 历史 page, and one time, Beijing time, in the list, the title and the body
(QA #17, #18)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog, AuditSource
from orgwork.units.models import Unit

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 5, 3, 55, tzinfo=datetime.timezone.utc)  # 11:55 in Beijing


def entry(actor_name: str, **fields: Any) -> AuditLog:
    return AuditLog.objects.create(actor_name=actor_name, action=AuditAction.UPDATE, source=AuditSource.COMMAND,
                                   content_type=ContentType.objects.get_for_model(Unit), object_id="1",
                                   object_repr="整改清单事项到期提醒", at=AT, **fields)


def test_the_audit_log_names_a_system_actor_by_what_it_does_in_the_list_and_on_the_page(
        personas: dict[str, Any], client_for: Any) -> None:
    seeded = entry("system:seed_demo")
    blank = entry("")
    client = client_for(personas["audit_admin"])
    listing = client.get(reverse("admin:audit_auditlog_changelist")).content.decode()
    assert "系统（演示数据）" in listing and "system:seed_demo" not in listing
    page = client.get(reverse("admin:audit_auditlog_change", args=[seeded.pk])).content.decode()
    assert "系统（演示数据）" in page and "system:seed_demo" not in page
    assert "系统" in client.get(reverse("admin:audit_auditlog_change", args=[blank.pk])).content.decode()


def test_the_audit_log_page_title_shows_the_same_beijing_time_as_its_body(
        personas: dict[str, Any], client_for: Any) -> None:
    row = entry("system:seed_demo")
    assert str(row).startswith("2026-12-05 11:55 系统（演示数据） 修改")
    page = client_for(personas["audit_admin"]).get(reverse("admin:audit_auditlog_change", args=[row.pk]))
    html = page.content.decode()
    assert "2026-12-05 11:55" in html.split("</title>")[0]
    assert "03:55" not in html
