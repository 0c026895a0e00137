"""A 党费 record read by 只读查阅 shows its own fields in Chinese, not the form's
「确认自愿多交」 box as 「Confirmed」 (QA #15, item 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from branches.members import services
from branches.members.models import DuesRecord

from .conftest import SYSTEM, today

pytestmark = pytest.mark.django_db


def test_the_read_only_dues_page_shows_no_english_label_and_the_editor_keeps_the_confirm_box(
        orgs, member, client_for, view_only_auditor, county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    url = reverse("admin:members_duesrecord_change", args=[record.pk])
    read = client_for(view_only_auditor).get(url)
    html = read.content.decode()
    assert read.status_code == 200 and "Confirmed" not in html and "应交（元）" in html
    assert "确认自愿多交" in client_for(county_a_clerk).get(url).content.decode()
