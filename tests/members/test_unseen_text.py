"""A reason made of characters that cannot be seen (a zero-width space, an ideographic
space) is no reason: it reads as blank on every page yet counted as written, so a letter
went out with two months unpaid on an 例外原因 of U+200B, and an 欠缴原因 of one kept a
member off the 自行脱党 review. Refused on the service, the record page's step, the list's
batch action, the form and the sheet (``orgwork.common.freetext``); masked numbers typed
with full-width digits or stars, or a letter before them, are refused as the plain ones."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Member, MemberStatus, Transfer, TransferState
from branches.members.resources import MemberResource
from orgwork.common import freetext, secrets

from .conftest import SYSTEM, days_ago
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages
from .test_dues_before_the_letter import owing, started
from .test_names import ROSTER_HEAD, roster_row

pytestmark = pytest.mark.django_db
UNSEEN = ["\u200b", "\u3000\u200b", "\ufeff", "\u2060\u00a0", "\u3164"]


@pytest.mark.parametrize("reason", UNSEEN)
def test_a_letter_with_unpaid_months_is_not_sent_on_an_exception_that_shows_nothing(orgs, member, reason):
    owing()
    t = started(member, orgs)
    with pytest.raises(ValidationError) as refused:
        services.transfer_send(transfer=t, sent_on=days_ago(0), valid_days=30, dues_exception=reason, actor=SYSTEM)
    assert refused.value.message_dict["dues_exception"] == [freetext.SHOWS_NOTHING]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_the_send_step_page_refuses_an_exception_of_a_zero_width_space(orgs, member, client_for, county_a_clerk):
    owing()
    t = started(member, orgs)
    response = client_for(county_a_clerk).post(f"/admin/members/transfer/{t.pk}/send/", {
        "day": f"{days_ago(0):%Y-%m-%d}", "valid_days": "30", "dues_exception": "\u200b"}, follow=True)
    assert freetext.SHOWS_NOTHING in response.content.decode()
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_the_roster_batch_action_refuses_an_expulsion_on_a_reason_that_shows_nothing(orgs, member, client_for,
                                                                                    county_a_clerk):
    response = client_for(county_a_clerk).post(reverse("admin:members_member_changelist"), {
        "action": "set_status", "_selected_action": [member.pk], "apply": "1", "status": "expelled",
        "changed_on": f"{days_ago(1):%Y-%m-%d}", "reason": "\u200b\u200b"}, follow=True)
    assert freetext.SHOWS_NOTHING in response.content.decode()
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


def test_the_member_form_refuses_an_arrears_reason_that_shows_nothing(orgs, member, client_for, county_a_clerk):
    from tests.test_versioning import form_data

    client = client_for(county_a_clerk)
    url = reverse("admin:members_member_change", args=[member.pk])
    data = form_data(client.get(url))
    data["arrears_reason"] = "\u200b"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["arrears_reason"] == [freetext.SHOWS_NOTHING]
    assert Member.objects.get(pk=member.pk).arrears_reason == ""


def test_the_roster_sheet_refuses_an_arrears_reason_that_shows_nothing(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, [[*ROSTER_HEAD, "欠缴原因"], [*roster_row("王建国"), "\u200b"]], MemberResource,
                 county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [("欠缴原因", freetext.SHOWS_NOTHING)], messages(result)
    assert not Member.objects.exists()


@pytest.mark.parametrize("typed", ["外出务工，联系 １３９****５６７８", "外出务工，联系 139＊＊＊＊5678", "外出务工 TEL139****5678"])
def test_masked_numbers_typed_full_width_or_after_a_letter_are_refused_on_the_form_and_the_sheet(
        tmp_path, orgs, member, client_for, county_a_clerk, typed):
    from tests.test_versioning import form_data

    client = client_for(county_a_clerk)
    url = reverse("admin:members_member_change", args=[member.pk])
    data = form_data(client.get(url))
    data["arrears_reason"] = typed
    assert client.post(url, data).context["adminform"].form.errors["arrears_reason"] == [
        secrets.MASKED_IN_TYPED_TEXT]
    result = run(tmp_path, [[*ROSTER_HEAD, "欠缴原因"], [*roster_row("王建国"), typed]], MemberResource, county_a_clerk)
    assert [(e.column, e.message) for e in result.errors] == [("欠缴原因", secrets.MASKED_IN_TEXT)]


def test_a_reason_with_a_zero_width_space_inside_words_is_taken(orgs, member):
    services.member_set_status(member=member, status="deceased", changed_on=days_ago(1), reason="家属\u200b告知",
                               actor=SYSTEM)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.DECEASED


def test_the_roster_sheet_refuses_a_whole_id_number_in_a_text_cell(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, [[*ROSTER_HEAD, "欠缴原因"], [*roster_row("王建国"), "代交人 620102197506010034"]],
                 MemberResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [("欠缴原因", freetext.WHOLE_ID_NUMBER)]
