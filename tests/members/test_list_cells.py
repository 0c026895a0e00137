"""What two list cells say in their edge cases: a letter issued today is 在途 「今天开出」,
not 「已0天」; a 发展党员 file whose 预备期 was cut short (取消预备党员资格) shows no 预备期满
date, which would read as a 转正 still to come."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from branches.members import services

from branches.members.models import Applicant

from .conftest import SYSTEM, days_ago, probationary

pytestmark = pytest.mark.django_db


def row_of(body: str, text: str) -> str:
    [row] = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S) if text in r]
    return row


def test_a_letter_issued_today_reads_issued_today_in_the_transfer_list(orgs, member, client_for, county_a_clerk):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕31号",
                                started_on=days_ago(0), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(0), valid_days=30, actor=SYSTEM)
    body = client_for(county_a_clerk).get(reverse("admin:members_transfer_changelist")).content.decode()
    row = row_of(body, "城组转〔2026〕31号")
    assert "在途<br>今天开出" in row and "已0天" not in row


def test_a_cancelled_file_shows_no_end_of_probation_in_the_applicant_list(orgs, member, client_for, county_a_clerk):
    ongoing = probationary(orgs["community"], member, vote_days_ago=100)
    cut_short = probationary(orgs["community"], member, vote_days_ago=200)
    Applicant.objects.filter(pk=ongoing.pk).update(name="钱进步")
    Applicant.objects.filter(pk=cut_short.pk).update(name="韩雪梅")
    services.applicant_cancel(applicant=cut_short, reason="不履行党员义务", decided_on=days_ago(10), actor=SYSTEM)
    body = client_for(county_a_clerk).get(reverse("admin:members_applicant_changelist")).content.decode()
    assert f"{ongoing.probation_ends_on:%Y-%m-%d}" in row_of(body, "钱进步")
    assert f"{cut_short.probation_ends_on:%Y-%m-%d}" not in row_of(body, "韩雪梅")
