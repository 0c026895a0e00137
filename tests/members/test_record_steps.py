"""The steps of a 党员, a 发展党员 file and a 组织关系转接 on the record's own page: each
button shows at the stage (or on the side) where it applies, calls the same service as the list's batch
action, and a refusal comes back on its form in Chinese with nothing written."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from branches.members import services
from branches.members.models import Applicant, Member, MemberCategory, Stage, Transfer, TransferState
from orgwork.audit.models import AuditLog
from tests.steps import assert_step_unavailable

from .conftest import SYSTEM, VOTE_COUNT, activist, add_member, candidate, days_ago, new_applicant, probationary, today

pytestmark = pytest.mark.django_db

BUTTON = re.compile(r'href="/admin/members/(?:applicant|transfer|member)/\d+/([a-z-]+)/"')


def page(client, record) -> str:
    kind = record._meta.model_name
    response = client.get(reverse(f"admin:members_{kind}_change", args=[record.pk]))
    assert response.status_code == 200
    return response.content.decode()


def buttons(html: str) -> list[str]:
    return [path for path in BUTTON.findall(html) if path not in ("history", "change")]


def step_url(record, path: str) -> str:
    return f"/admin/members/{record._meta.model_name}/{record.pk}/{path}/"


def test_an_applicants_page_offers_the_steps_of_its_stage_and_no_save_button(orgs, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    contact = add_member(orgs["community"], "张志强")
    applied = new_applicant(orgs["community"], applied_on=days_ago(20), name="申请人")
    talked = new_applicant(orgs["community"], applied_on=days_ago(20), name="已谈话")
    services.applicant_talk(applicant=talked, talked_on=days_ago(10), actor=SYSTEM)
    waiting = probationary(orgs["community"], contact, vote_days_ago=40)
    Applicant.objects.filter(pk=waiting.pk).update(approved_on=None)  # the higher committee has not yet approved
    waiting = Applicant.objects.get(pk=waiting.pk)
    expected = {
        applied: ["talk", "withdraw"],
        talked: ["make-activist", "withdraw"],
        activist(orgs["community"], contact): ["review", "make-candidate", "withdraw"],
        candidate(orgs["community"], contact): ["review", "record-preparation", "admit", "withdraw"],
        waiting: ["approve", "disqualify"],
        probationary(orgs["community"], contact, vote_days_ago=100): ["oath", "make-full", "extend", "disqualify"],
    }
    for applicant, steps in expected.items():
        html = page(client, applicant)
        assert buttons(html) == steps, (applicant.get_stage_display(), buttons(html))
        assert 'name="_save"' not in html and 'name="_continue"' not in html
    full = Applicant.objects.get(pk=probationary(orgs["community"], contact, vote_days_ago=400).pk)
    services.applicant_oath(applicant=full, oath_on=days_ago(300), actor=SYSTEM)
    services.applicant_make_full(**VOTE_COUNT, applicant=full, decided_on=today(), actor=SYSTEM)
    assert buttons(page(client, full)) == []


def test_a_late_talk_on_the_applicants_page_without_a_reason_is_refused_on_its_form(orgs, client_for,
                                                                                    county_a_clerk):
    a = new_applicant(orgs["community"], applied_on=days_ago(90))
    client = client_for(county_a_clerk)  # its login is audited
    audited = AuditLog.objects.count()
    response = client.post(step_url(a, "talk"), {"day": days_ago(5).isoformat(), "late_reason": ""})
    assert response.status_code == 200 and "一个月内" in response.content.decode()
    assert Applicant.objects.get(pk=a.pk).talked_on is None and AuditLog.objects.count() == audited
    done = client.post(step_url(a, "talk"), {"day": days_ago(5).isoformat(), "late_reason": "申请人外出务工"})
    assert done.status_code == 302 and done["Location"] == reverse("admin:members_applicant_change", args=[a.pk])
    assert Applicant.objects.get(pk=a.pk).talk_late_reason == "申请人外出务工"
    assert AuditLog.objects.count() == audited + 1


def test_the_admit_button_puts_a_prepared_candidate_on_the_roll_as_probationary(orgs, client_for, county_a_clerk):
    contact = add_member(orgs["community"], "张志强")
    c = candidate(orgs["community"], contact)
    response = client_for(county_a_clerk).post(step_url(c, "admit"), {"day": days_ago(3).isoformat(), "expected": "1", "present": "1", "in_favour": "1"})
    assert response.status_code == 302
    c = Applicant.objects.get(pk=c.pk)
    assert c.stage == Stage.PROBATIONARY and c.vote_on == days_ago(3)
    assert Member.objects.get(pk=c.member_id).category == MemberCategory.PROBATIONARY


def test_a_steps_one_date_says_which_date_it_is(orgs, client_for, county_a_clerk):
    contact = add_member(orgs["community"], "张志强")
    form = client_for(county_a_clerk).get(step_url(candidate(orgs["community"], contact), "admit")).context["form"]
    assert form.fields["day"].label == "支部大会讨论接收日期"


def test_the_admit_button_refuses_a_candidate_whose_checks_are_missing_on_its_form(orgs, client_for,
                                                                                   county_a_clerk):
    contact = add_member(orgs["community"], "张志强")
    c = candidate(orgs["community"], contact, prepared=False)
    response = client_for(county_a_clerk).post(step_url(c, "admit"), {"day": days_ago(3).isoformat(), "expected": "1", "present": "1", "in_favour": "1"})
    assert response.status_code == 200 and "政治审查" in response.content.decode()
    assert Applicant.objects.get(pk=c.pk).stage == Stage.CANDIDATE


def test_a_step_of_another_stage_or_of_another_county_is_refused(orgs, client_for, county_a_clerk, county_b_clerk):
    a = new_applicant(orgs["community"], applied_on=days_ago(20))
    assert_step_unavailable(client_for(county_a_clerk), step_url(a, "approve"), post=False)
    assert client_for(county_b_clerk).get(step_url(a, "talk")).status_code == 404
    assert Applicant.objects.get(pk=a.pk).talked_on is None


def test_the_transfer_page_gives_the_sending_side_its_button_and_the_receiving_side_theirs(
        orgs, member, client_for, county_a_clerk, county_b_clerk):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="甘转9号",
                                started_on=days_ago(9), actor=SYSTEM)
    sending, receiving = client_for(county_a_clerk), client_for(county_b_clerk)
    html = page(sending, t)
    assert buttons(html) == ["send"] and 'name="_save"' not in html
    assert buttons(page(receiving, t)) == []
    assert sending.post(step_url(t, "send"), {"day": days_ago(8).isoformat(), "valid_days": "30"}).status_code == 302
    assert buttons(page(sending, t)) == []
    assert buttons(page(receiving, t)) == ["receive", "send-back"]
    assert_step_unavailable(sending, step_url(t, "receive"), post=False)  # the receiving side's step
    early = receiving.post(step_url(t, "receive"), {"day": days_ago(9).isoformat()})
    assert early.status_code == 200 and "不能早于开出介绍信日期" in early.content.decode()
    assert receiving.post(step_url(t, "receive"), {"day": days_ago(1).isoformat()}).status_code == 302
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RECEIVED
    assert Member.objects.get(pk=member.pk).branch_id == orgs["county_b"].pk


def test_a_members_page_starts_a_transfer_once_and_then_offers_it_no_more(orgs, member, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert buttons(page(client, member)) == ["transfer", "status"]
    missing = client.post(step_url(member, "transfer"), {"to_branch": orgs["county_b"].pk, "letter_number": "",
                                                         "started_on": days_ago(1).isoformat()})
    assert missing.status_code == 200 and not Transfer.objects.filter(member=member).exists()
    done = client.post(step_url(member, "transfer"), {"to_branch": orgs["county_b"].pk,
                                                      "letter_number": "城关转〔2026〕5号",
                                                      "started_on": days_ago(1).isoformat()})
    assert done.status_code == 302
    t = Transfer.objects.get(member=member)
    assert (t.from_branch_id, t.to_branch_id, t.state) == (orgs["community"].pk, orgs["county_b"].pk,
                                                           TransferState.PENDING)
    assert buttons(page(client, member)) == ["status"]
    assert_step_unavailable(client, step_url(member, "transfer"), post=False)


def test_a_members_page_changes_the_status_through_the_service_but_never_to_transferred_out(
        orgs, member, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    refused = client.post(step_url(member, "status"), {"status": "transferred_out"})
    assert refused.status_code == 200 and Member.objects.get(pk=member.pk).status == "active"
    assert client.post(step_url(member, "status"), {"status": "deceased", "changed_on": f"{today():%Y-%m-%d}", "reason": "支部决定"}).status_code == 302
    assert Member.objects.get(pk=member.pk).status == "deceased"
    assert buttons(page(client, member)) == ["status"]  # no transfer for a member off the roll


def test_the_lists_batch_actions_take_the_same_steps_as_the_record_pages(orgs, member, client_for, county_a_clerk):
    """The batch actions run the record page's steps: 取消预备党员资格 on a 预备党员 and
    终止培养 on an applicant, 确认转出 on a transfer, 变更党籍状态 on a member."""
    client = client_for(county_a_clerk)
    contact = add_member(orgs["community"], "张志强")
    vetted = probationary(orgs["community"], contact, vote_days_ago=100)
    applied = new_applicant(orgs["community"], applied_on=days_ago(20), name="申请人")
    client.post(reverse("admin:members_applicant_changelist"),
                {"action": "disqualify", "_selected_action": [vetted.pk], "apply": "1", "reason": "本人申请",
                 "day": days_ago(3).isoformat()})
    client.post(reverse("admin:members_applicant_changelist"),
                {"action": "withdraw", "_selected_action": [applied.pk], "apply": "1", "reason": "本人申请"})
    assert Applicant.objects.get(pk=vetted.pk).stage == Stage.CANCELLED
    assert Applicant.objects.get(pk=applied.pk).stage == Stage.WITHDRAWN
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="甘转11号",
                                started_on=days_ago(9), actor=SYSTEM)
    client.post(reverse("admin:members_transfer_changelist"),
                {"action": "send", "_selected_action": [t.pk], "apply": "1", "day": days_ago(8).isoformat(),
                 "valid_days": "30"})
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT
    client.post(reverse("admin:members_member_changelist"),
                {"action": "set_status", "_selected_action": [contact.pk], "apply": "1", "status": "suspended", "changed_on": f"{today():%Y-%m-%d}", "reason": "支部决定"})
    assert Member.objects.get(pk=contact.pk).status == "suspended"


@pytest.mark.parametrize("value", ["abc", "99999999999999999999"])
def test_a_step_form_that_picks_by_typing_refuses_a_value_that_is_not_a_key_under_its_field(
        orgs, member, client_for, county_a_clerk, value):
    client = client_for(county_a_clerk)
    response = client.post(step_url(member, "transfer"), {"to_branch": value, "letter_number": "城组转〔2026〕9号",
                                                          "started_on": today().isoformat()})
    assert response.status_code == 200 and response.context["form"].errors["to_branch"]
    applicant = services.applicant_talk(applicant=new_applicant(orgs["community"], applied_on=days_ago(40)),
                                        talked_on=days_ago(30), actor=SYSTEM)
    response = client.post(step_url(applicant, "make-activist"), {"day": today().isoformat(), "contact_1": value})
    assert response.status_code == 200 and response.context["form"].errors["contact_1"]
    assert not Transfer.objects.exists()
    assert Applicant.objects.get(pk=applicant.pk).stage == Stage.APPLIED


def test_an_admitted_applicants_timeline_names_the_roster_record_and_the_system_in_chinese(
        orgs, member, client_for, county_a_clerk):
    file = probationary(orgs["community"], member, vote_days_ago=100)
    admitted = Member.objects.get(pk=file.member_id)
    client = client_for(county_a_clerk)
    for url in (f"/admin/members/applicant/{file.pk}/change/", f"/admin/members/applicant/{file.pk}/history/"):
        html = client.get(url).content.decode()
        assert f"党员名册记录：（空） → {admitted.name}" in html, url
        assert f"→ {admitted.pk}<" not in html and "system:" not in html
    written = AuditLog.objects.filter(object_id=str(file.pk)).exclude(actor_name="").first()
    assert written.actor_name == "system:test" and written.actor_shown == "系统"
