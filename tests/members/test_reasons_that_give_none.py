"""A word that stands for no reason (无, 暂无, 不详, N/A, x) is no reason: a late 谈话 was
let through on 逾期谈话原因 无, a letter went out with months unpaid on 例外原因 无, and 欠缴原因
无 kept a member off the 自行脱党 review. Refused in every field that records a reason, on
the service, the step page and the sheet (``orgwork.common.freetext.gives_no_reason``);
without a reason the field is left blank and the rule that needs one says so."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from branches.members import rules, services
from branches.members.models import Applicant, Member, Transfer, TransferState
from branches.members.resources import MemberResource
from orgwork.common import freetext
from orgwork.rectification.models import RectificationItem

from .conftest import SYSTEM, days_ago, run_sheet, sheet_messages, today
from .test_applicant_sheet import file_row
from .test_applicant_sheet import messages as applicant_messages
from .test_applicant_sheet import run as run_applicants
from .test_dues_before_the_letter import owing, started
from .test_names import ROSTER_HEAD, roster_row
from .test_step_wording import OUTSIDE, sent, step_url

pytestmark = pytest.mark.django_db
NO_REASONS = ["无", "暂无", "不详。", "N/A", "x", "ｎｏｎｅ", " 无 "]


@pytest.mark.parametrize("text", NO_REASONS)
def test_a_word_that_stands_for_none_gives_no_reason(text):
    assert freetext.gives_no_reason(text)


@pytest.mark.parametrize("text", ["无工作单位，收入无法核定", "本人住院", "x光检查住院", "经支部研究同意"])
def test_a_reason_that_says_something_is_taken(text):
    assert not freetext.gives_no_reason(text)


def test_a_note_of_none_outside_a_reason_is_still_taken(orgs, member):
    """Only a field that records a reason is asked: 无 in any other text means what it says."""
    from branches.members.models import Applicant as Model

    field = Model._meta.get_field("name")
    assert not freetext.records_a_reason(field)
    assert freetext.records_a_reason(Member._meta.get_field("arrears_reason"))


@pytest.mark.parametrize("reason", ["无", "N/A"])
def test_a_letter_with_unpaid_months_is_not_sent_on_an_exception_of_none(orgs, member, reason):
    owing()
    t = started(member, orgs)
    with pytest.raises(ValidationError) as refused:
        services.transfer_send(transfer=t, sent_on=days_ago(0), valid_days=30, dues_exception=reason, actor=SYSTEM)
    assert "不是原因" in refused.value.message_dict["dues_exception"][0]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_the_send_step_page_refuses_an_exception_of_none(orgs, member, client_for, county_a_clerk):
    owing()
    t = started(member, orgs)
    response = client_for(county_a_clerk).post(f"/admin/members/transfer/{t.pk}/send/", {
        "day": f"{days_ago(0):%Y-%m-%d}", "valid_days": "30", "dues_exception": "无"}, follow=True)
    assert "「无」不是原因" in response.content.decode()
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_a_letter_sent_back_on_none_is_refused(orgs, member, client_for, county_a_clerk):
    t = sent(member, destination=OUTSIDE)
    response = client_for(county_a_clerk).post(step_url(t, "came-back"), {"reason": "无"}, follow=True)
    assert "「无」不是原因" in response.content.decode()
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT


def test_the_applicant_sheet_refuses_a_late_talk_reason_of_none(tmp_path, orgs, county_a_clerk):
    result = run_applicants(tmp_path, file_row(**{"逾期谈话原因": "N/A"}), user=county_a_clerk)
    assert not result.committed
    assert "「N/A」不是原因" in applicant_messages(result)
    assert not Applicant.objects.filter(name="赵明").exists()


def test_the_roster_sheet_refuses_an_arrears_reason_of_none(tmp_path, orgs, county_a_clerk):
    result = run_sheet(tmp_path, [[*ROSTER_HEAD, "欠缴原因"], [*roster_row("王建国"), "无"]], MemberResource,
                       county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [("欠缴原因", freetext.no_reason_message("无"))], \
        sheet_messages(result)


def lapsed_with_reason(member, reason, monkeypatch) -> int:
    """Six months ended unpaid with ``reason`` kept as the 欠缴原因 (as written before the
    rule); the 自行脱党 check's count."""
    for back in range(5, -1, -1):
        services.dues_generate_month(month=rules.add_months(today().replace(day=1), -back), actor=SYSTEM)
    Member.objects.filter(pk=member.pk).update(arrears_reason=reason)
    monkeypatch.setattr("orgwork.common.dates.today", lambda: rules.add_months(today().replace(day=1), 1))
    services.dues_recount([member.pk])
    return services.members_check_arrears(actor=SYSTEM)


def test_an_arrears_reason_of_none_kept_before_the_rule_does_not_keep_the_member_off_the_review(
        orgs, member, monkeypatch):
    assert lapsed_with_reason(member, "无", monkeypatch) == 1
    assert RectificationItem.objects.filter(source_object_id=str(member.pk)).count() == 1


def test_a_recorded_arrears_reason_keeps_the_member_off_the_review(orgs, member, monkeypatch):
    assert lapsed_with_reason(member, "长期住院，经支部同意缓交", monkeypatch) == 0
    assert not RectificationItem.objects.filter(source_object_id=str(member.pk)).exists()
