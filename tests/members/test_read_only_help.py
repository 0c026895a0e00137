"""A record page the user may only read carries no help for filling its fields in: the
read-only 党员 page showed 「有正当理由未交纳党费的，写明理由…」 under 欠缴原因, a task
for a reader who can do nothing about it. The clerk's editable page keeps it."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
HELP = "有正当理由未交纳党费的，写明理由"


def test_the_read_only_member_page_carries_no_help_for_filling_in(member, client_for, view_only_auditor,
                                                                  county_a_clerk):
    url = reverse("admin:members_member_change", args=[member.pk])
    read = client_for(view_only_auditor).get(url)
    assert read.status_code == 200 and not read.context["has_change_permission"]
    assert member.name in read.content.decode() and HELP not in read.content.decode()
    edit = client_for(county_a_clerk).get(url)
    assert edit.context["has_change_permission"] and HELP in edit.content.decode()
