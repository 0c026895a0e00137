"""What list cells say in their edge cases: a letter issued today is 在途 「今天开出」,
not 「已0天」; a 发展党员 file whose 预备期 was cut short (取消预备党员资格) shows no 预备期满
date, which would read as a 转正 still to come; the roster's 流动党员 and 失联党员 say so in
words, never with a tick that reads as "in order"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from branches.members import services

from branches.members.models import Applicant, Member

from .conftest import SYSTEM, add_member, days_ago, new_applicant, probationary

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
    # Under 全部: the list starts on the files in hand, and the cancelled one is closed.
    body = client_for(county_a_clerk).get(reverse("admin:members_applicant_changelist"),
                                          {"stage__exact": "all"}).content.decode()
    assert f"{ongoing.probation_ends_on:%Y-%m-%d}" in row_of(body, "钱进步")
    assert f"{cut_short.probation_ends_on:%Y-%m-%d}" not in row_of(body, "韩雪梅")


def test_the_roster_says_floating_and_lost_in_words_and_an_ordinary_member_has_a_dash(orgs, client_for,
                                                                                      county_a_clerk):
    add_member(orgs["community"], "王建国")
    Member.objects.filter(pk=add_member(orgs["community"], "李流动").pk).update(is_floating=True)
    Member.objects.filter(pk=add_member(orgs["community"], "张失联").pk).update(is_lost=True)
    url = reverse("admin:members_member_changelist")
    body = client_for(county_a_clerk).get(url).content.decode()
    cells = {name: re.findall(r'<td class="field-(?:floating|lost)_shown[^"]*">(.*?)</td>', row_of(body, name))
             for name in ("王建国", "李流动", "张失联")}
    assert cells == {"王建国": ["—", "—"], "李流动": ["流动", "—"],
                     "张失联": ["—", '<span class="orgwork-warning">失联</span>']}
    assert "icon-yes" not in body and "icon-no" not in body
    assert "流动党员" in body and "失联党员" in body  # the headers
    lost = client_for(county_a_clerk).get(url, {"is_lost__exact": "1", "o": "11"})
    assert [m.name for m in lost.context["cl"].result_list] == ["张失联"]



def test_an_empty_cell_of_the_applicant_list_reads_as_the_lists_own_dash_not_a_hyphen(orgs, client_for,
                                                                                       county_a_clerk):
    """An applicant not yet an 积极分子 has no later dates: those cells read 「—」, as the
    cancelled file's 预备期满 and the roster's 流动党员 beside them do, never Django's 「-」."""
    Applicant.objects.filter(pk=new_applicant(orgs["community"], applied_on=days_ago(20)).pk).update(name="邓雅琴")
    body = client_for(county_a_clerk).get(reverse("admin:members_applicant_changelist")).content.decode()
    cells = re.findall(r'<td class="field-(?:activist_on|candidate_on|vote_on|probation_ends_on)[^"]*">(.*?)</td>',
                       row_of(body, "邓雅琴"))
    assert cells == ["—", "—", "—", "—"]
