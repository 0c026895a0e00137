"""A reason of punctuation and symbols only (。。。, ……, ——) is no reason: it let a letter
go out with a month unpaid on an 例外原因 of 。。。, and a member be expelled on one of
……. Refused on the service, the record page's step, the list's batch action, the form and
the sheet (``orgwork.common.freetext.says_nothing``), as text that shows nothing is."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Applicant, Member, MemberStatus, Stage, Transfer, TransferState
from branches.members.resources import MemberResource
from orgwork.common import freetext

from .conftest import SYSTEM, activist, days_ago
from .conftest import run_sheet
from .conftest import sheet_messages
from .test_applicant_sheet import HEAD as APPLICANT_HEAD
from .test_applicant_sheet import file_row
from .test_applicant_sheet import messages as applicant_messages
from .test_applicant_sheet import run as run_applicants
from .test_dues_before_the_letter import owing, started
from .test_names import ROSTER_HEAD, roster_row
from .test_step_wording import OUTSIDE, sent, step_url

pytestmark = pytest.mark.django_db
SAYS_NOTHING = ["。。。", "……", "——", " / ", "？！", "☆"]


@pytest.mark.parametrize("text", SAYS_NOTHING)
def test_text_of_punctuation_or_symbols_only_says_nothing(text):
    assert freetext.text_error(text) == freetext.SAYS_NOTHING


@pytest.mark.parametrize("text", ["无", "1", "不详。", "（见附件）", "……经支部研究，同意", "A"])
def test_text_with_a_letter_or_a_digit_is_taken(text):
    assert freetext.text_error(text) is None


@pytest.mark.parametrize("reason", SAYS_NOTHING[:3])
def test_a_letter_with_unpaid_months_is_not_sent_on_an_exception_of_punctuation(orgs, member, reason):
    owing()
    t = started(member, orgs)
    with pytest.raises(ValidationError) as refused:
        services.transfer_send(transfer=t, sent_on=days_ago(0), valid_days=30, dues_exception=reason, actor=SYSTEM)
    assert refused.value.message_dict["dues_exception"] == [freetext.SAYS_NOTHING]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_the_send_step_page_refuses_an_exception_of_full_stops(orgs, member, client_for, county_a_clerk):
    owing()
    t = started(member, orgs)
    response = client_for(county_a_clerk).post(f"/admin/members/transfer/{t.pk}/send/", {
        "day": f"{days_ago(0):%Y-%m-%d}", "valid_days": "30", "dues_exception": "。。。"}, follow=True)
    assert freetext.SAYS_NOTHING in response.content.decode()
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_the_record_pages_status_step_refuses_an_expulsion_on_an_ellipsis(orgs, member, client_for, county_a_clerk):
    response = client_for(county_a_clerk).post(f"/admin/members/member/{member.pk}/status/", {
        "status": "expelled", "changed_on": f"{days_ago(1):%Y-%m-%d}", "reason": "……"}, follow=True)
    assert freetext.SAYS_NOTHING in response.content.decode()
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


def test_the_roster_batch_action_refuses_an_expulsion_on_an_ellipsis(orgs, member, client_for, county_a_clerk):
    response = client_for(county_a_clerk).post(reverse("admin:members_member_changelist"), {
        "action": "set_status", "_selected_action": [member.pk], "apply": "1", "status": "expelled",
        "changed_on": f"{days_ago(1):%Y-%m-%d}", "reason": "……"}, follow=True)
    assert freetext.SAYS_NOTHING.rstrip("。") in response.content.decode()
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


def test_a_withdrawal_on_full_stops_is_refused_on_the_record_page(orgs, member, client_for, county_a_clerk):
    file = activist(orgs["community"], member, applied_days_ago=100)
    response = client_for(county_a_clerk).post(step_url(file, "withdraw"), {"reason": "。。。"}, follow=True)
    assert freetext.SAYS_NOTHING in response.content.decode()
    assert Applicant.objects.get(pk=file.pk).stage == Stage.ACTIVIST


def test_a_letter_sent_back_on_dashes_is_refused(orgs, member, client_for, county_a_clerk):
    t = sent(member, destination=OUTSIDE)
    response = client_for(county_a_clerk).post(step_url(t, "came-back"), {"reason": "——"}, follow=True)
    assert freetext.SAYS_NOTHING in response.content.decode()
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT


def test_the_roster_sheet_refuses_an_arrears_reason_of_punctuation(tmp_path, orgs, county_a_clerk):
    result = run_sheet(tmp_path, [[*ROSTER_HEAD, "欠缴原因"], [*roster_row("王建国"), "……"]], MemberResource,
                       county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [("欠缴原因", freetext.SAYS_NOTHING)], \
        sheet_messages(result)
    assert not Member.objects.exists()


def test_the_applicant_sheet_refuses_a_late_talk_reason_of_full_stops(tmp_path, orgs, county_a_clerk):
    column = "逾期谈话原因"
    assert column in APPLICANT_HEAD
    result = run_applicants(tmp_path, file_row(**{column: "。。。"}), user=county_a_clerk)
    assert not result.committed
    assert freetext.SAYS_NOTHING in applicant_messages(result)
    assert not Applicant.objects.filter(name="赵明").exists()
