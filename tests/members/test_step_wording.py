"""What the steps of a 组织关系转接, a 党员 and a 发展党员 file say to the clerk: each button
says its step once, a transfer out of the province records its 回执 in those words, the
read-only page carries no help meant for the entry form, the 变更党籍状态 form lets the
clerk choose, and an applicant's page has no empty 考察记录."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from branches.members import services
from branches.members.models import Member, Transfer, TransferState
from orgwork.admin_actions import confirm_label
from tests.steps import assert_step_unavailable

from .conftest import SYSTEM, activist, add_member, days_ago, new_applicant

pytestmark = pytest.mark.django_db

BUTTON = re.compile(r'href="/admin/members/transfer/\d+/([a-z-]+)/"')
OUTSIDE = "四川省成都市锦江区某社区党支部"


def step_url(record, path: str) -> str:
    return f"/admin/members/{record._meta.model_name}/{record.pk}/{path}/"


def page(client, record) -> str:
    response = client.get(reverse(f"admin:members_{record._meta.model_name}_change", args=[record.pk]))
    assert response.status_code == 200
    return response.content.decode()


def buttons(html: str) -> list[str]:
    return [path for path in BUTTON.findall(html) if path not in ("history", "change")]


def sent(member: Member, *, to_branch=None, destination: str = "", letter: str = "城组转〔2026〕21号") -> Transfer:
    t = services.transfer_start(member=member, to_branch=to_branch, destination=destination, letter_number=letter,
                                started_on=days_ago(9), actor=SYSTEM)
    return services.transfer_send(transfer=t, sent_on=days_ago(8), valid_days=30, actor=SYSTEM)


# ---------------------------------------------------------------- 确认 said once


def test_the_confirm_transfer_step_and_its_batch_form_say_confirm_once(orgs, member, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="甘转21号",
                                started_on=days_ago(9), actor=SYSTEM)
    step = client.get(step_url(t, "send")).content.decode()
    batch = client.post(reverse("admin:members_transfer_changelist"),
                        {"action": "send", "_selected_action": [t.pk]}).content.decode()
    for html in (step, batch):
        assert 'value="确认转出"' in html and "确认办理确认" not in html and "确认确认" not in html
    done = client.post(step_url(t, "send"), {"day": days_ago(8).isoformat(), "valid_days": "30"})
    assert [str(m) for m in get_messages(done.wsgi_request)] == [f"「{t}」已确认转出。"]


def test_a_step_not_named_for_a_confirmation_keeps_its_confirm_button(orgs, member, client_for, county_b_clerk):
    t = sent(member, to_branch=orgs["county_b"])
    assert 'value="确认办理接收组织关系"' in client_for(county_b_clerk).get(step_url(t, "receive")).content.decode()


def test_no_record_step_of_the_project_says_confirm_twice():
    steps = [step for model_admin in admin.site._registry.values()
             for step in getattr(model_admin, "record_steps", ())]
    assert len(steps) > 20
    labels = [step.submit_label for step in steps]
    assert all(label.startswith("确认") and "确认办理确认" not in label and "确认确认" not in label
               for label in labels), labels
    assert (confirm_label("确认转出"), confirm_label("办理确认转出"), confirm_label("登记回执")) == (
        "确认转出", "确认转出", "确认登记回执")


# ---------------------------------------------------------------- 回执 out of the province


def test_a_transfer_out_of_the_province_records_its_receipt_in_its_own_words(orgs, member, client_for,
                                                                            county_a_clerk):
    client = client_for(county_a_clerk)
    t = sent(member, destination=OUTSIDE)
    assert buttons(page(client, t)) == ["receipt", "came-back"]  # no branch here sends it back
    form = client.get(step_url(t, "receipt")).content.decode()
    assert "登记回执" in form and "回执日期" in form and 'value="确认办理登记回执"' in form
    assert "接收组织关系" not in form and "接收日期" not in form
    assert_step_unavailable(client, step_url(t, "receive"), post=False)
    early = client.post(step_url(t, "receipt"), {"day": days_ago(9).isoformat()})
    assert early.status_code == 200 and "回执日期不能早于开出介绍信日期" in early.content.decode()
    assert client.post(step_url(t, "receipt"), {"day": days_ago(2).isoformat()}).status_code == 302
    t.refresh_from_db()
    assert (t.state, t.received_on) == (TransferState.RECEIVED, days_ago(2))
    html = page(client, t)
    assert "回执日期" in html and "接收日期:" not in html and "接收日期</label>" not in html
    listed = client.get(reverse("admin:members_transfer_changelist") + "?state__exact=received").content.decode()
    assert f"回执 {days_ago(2):%Y-%m-%d}" in listed


def test_a_transfer_inside_the_province_is_still_received_by_the_receiving_branch(orgs, member, client_for,
                                                                               county_b_clerk):
    client = client_for(county_b_clerk)
    t = sent(member, to_branch=orgs["county_b"])
    assert buttons(page(client, t)) == ["receive", "send-back"]
    form = client.get(step_url(t, "receive")).content.decode()
    assert "接收日期" in form and "回执" not in form
    assert client.post(step_url(t, "receive"), {"day": days_ago(2).isoformat()}).status_code == 302
    html = page(client, t)
    assert "接收日期" in html and "回执日期" not in html


def test_the_lists_receive_and_receipt_actions_each_take_their_own_transfers(orgs, member, client_for,
                                                                          county_a_clerk):
    client = client_for(county_a_clerk)
    away = sent(member, destination=OUTSIDE)
    other = sent(add_member(orgs["community"], "李红梅"), to_branch=orgs["village"], letter="城组转〔2026〕22号")
    changelist = reverse("admin:members_transfer_changelist")
    wrong = client.post(changelist, {"action": "receive", "_selected_action": [away.pk], "apply": "1",
                                     "day": days_ago(1).isoformat()}, follow=True)
    assert "请用「登记回执」" in wrong.content.decode()
    assert Transfer.objects.get(pk=away.pk).state == TransferState.IN_TRANSIT
    form = client.post(changelist, {"action": "record_receipt", "_selected_action": [away.pk, other.pk]})
    assert "回执日期" in form.content.decode()
    done = client.post(changelist, {"action": "record_receipt", "_selected_action": [away.pk, other.pk],
                                    "apply": "1", "day": days_ago(1).isoformat()}, follow=True)
    assert "无需登记回执" in done.content.decode()
    assert Transfer.objects.get(pk=away.pk).state == TransferState.RECEIVED
    assert Transfer.objects.get(pk=other.pk).state == TransferState.IN_TRANSIT


# ---------------------------------------------------------------- help on the entry forms only


def test_the_transfers_read_only_page_shows_no_entry_help_but_its_entry_forms_do(orgs, member, client_for,
                                                                              county_a_clerk):
    client = client_for(county_a_clerk)
    t = sent(member, destination=OUTSIDE)
    record = page(client, t)
    assert "省外转入的留空" not in record and "省内转接选择转入党支部" not in record
    entry = client.get(reverse("admin:members_transfer_add")).content.decode()
    assert "省内转接选择转入党支部；转出本省的留空并填写去向。" in entry
    other = add_member(orgs["community"], "李红梅")
    assert "省内转接选择转入党支部" in client.get(step_url(other, "transfer")).content.decode()
    from_outside = client.get(reverse("admin:members_transfer_from_outside")).content.decode()
    assert "开出介绍信的省外党组织。" in from_outside


# ---------------------------------------------------------------- 变更党籍状态


def test_the_status_form_starts_on_choose_and_says_its_date_for_every_choice(orgs, member, client_for,
                                                                            county_a_clerk):
    client = client_for(county_a_clerk)
    form = client.get(step_url(member, "status")).content.decode()
    assert '<option value="" selected>请选择</option>' in form
    assert 'value="active" selected' not in form
    assert "出党（除名、退党）、停止党籍或恢复党籍的决定日期，或去世日期" in form
    unchosen = client.post(step_url(member, "status"), {"status": "", "changed_on": days_ago(1).isoformat(),
                                                        "reason": "支部决定"})
    assert unchosen.status_code == 200 and Member.objects.get(pk=member.pk).status == "active"


def test_the_rosters_status_action_names_restoring_to_the_roll(orgs, member, client_for, county_a_clerk):
    listed = client_for(county_a_clerk).get(reverse("admin:members_member_changelist")).content.decode()
    assert "变更党籍状态（出党、停止党籍、去世、恢复在册）" in listed


# ---------------------------------------------------------------- 考察记录


def test_an_applicants_page_has_no_review_table_until_the_file_reaches_activist(orgs, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    applied = new_applicant(orgs["community"], applied_on=days_ago(20))
    url = reverse("admin:members_applicant_change", args=[applied.pk])
    assert client.get(url).context["inline_admin_formsets"] == []
    contact = add_member(orgs["community"], "张志强")
    reached = activist(orgs["community"], contact)
    shown = client.get(reverse("admin:members_applicant_change", args=[reached.pk]))
    assert [f.opts.verbose_name for f in shown.context["inline_admin_formsets"]] == ["考察记录"]
