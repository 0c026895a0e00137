"""介绍信有效期: the letter states how many days it is valid (1 to 90, 30 offered) when it is
issued; a letter received in the province after it ran out is refused, to be sent back and
issued again, on every path that receives it; the page, the trail and the list show it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Member, Transfer, TransferState

from .conftest import SYSTEM, add_member, days_ago

pytestmark = pytest.mark.django_db

OUTSIDE = "四川省成都市锦江区某社区党支部"
EXPIRED = "介绍信已过有效期（有效至{d.year}年{d.month}月{d.day}日）：请退回介绍信，由转出党组织重新开具。"


def started(member: Member, *, to_branch: Any = None, destination: str = "", letter: str = "城组转〔2026〕61号",
            days: int = 45) -> Transfer:
    return services.transfer_start(member=member, to_branch=to_branch, destination=destination, letter_number=letter,
                                   started_on=days_ago(days), actor=SYSTEM)


def sent(member: Member, *, valid_days: int | None = 30, sent_days_ago: int = 40, **kwargs: Any) -> Transfer:
    """A letter issued ``sent_days_ago`` days ago, valid ``valid_days`` days; with none, a
    letter issued before the validity was recorded (migration members.0021 left it empty)."""
    t = services.transfer_send(transfer=started(member, days=sent_days_ago + 5, **kwargs),
                               sent_on=days_ago(sent_days_ago), valid_days=valid_days or 30, actor=SYSTEM)
    if valid_days is None:
        Transfer.objects.filter(pk=t.pk).update(valid_days=None)
        t.refresh_from_db()
    return t


def step_url(t: Transfer, path: str) -> str:
    return f"/admin/members/transfer/{t.pk}/{path}/"


def page(client: Any, t: Transfer) -> str:
    response = client.get(reverse("admin:members_transfer_change", args=[t.pk]))
    assert response.status_code == 200
    return response.content.decode()


def batch(client: Any, action: str, pks: list[Any], **data: Any) -> str:
    """The one message a batch action on the transfers list left."""
    done = client.post(reverse("admin:members_transfer_changelist"),
                       {"action": action, "_selected_action": pks, "apply": "1", **data}, follow=True)
    assert done.status_code == 200
    [message] = [str(m) for m in done.context["messages"]]
    return message


# ---------------------------------------------------------------- issued with its validity


def test_a_letter_is_issued_with_its_validity_and_runs_to_that_many_days_after_it(orgs, member):
    t = sent(member, to_branch=orgs["county_b"], valid_days=15, sent_days_ago=20)
    t.refresh_from_db()
    assert (t.valid_days, t.valid_until) == (15, days_ago(5))


def test_a_letter_without_its_validity_is_refused_by_the_service_in_chinese(orgs, member):
    t = started(member, to_branch=orgs["county_b"])
    with pytest.raises(ValidationError) as refused:
        services.transfer_send(transfer=t, sent_on=days_ago(40), valid_days=None, actor=SYSTEM)
    assert refused.value.message_dict["valid_days"] == [
        "请填写介绍信有效期（天）：开出的介绍信须注明有效期，一般为10至30天，最长不超过90天。"]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_the_send_step_refuses_a_letter_without_its_validity_under_its_field(orgs, member, client_for,
                                                                           county_a_clerk):
    t = started(member, to_branch=orgs["county_b"])
    refused = client_for(county_a_clerk).post(step_url(t, "send"), {"day": days_ago(40).isoformat(),
                                                                     "valid_days": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["valid_days"]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_the_lists_send_without_a_validity_issues_no_letter(orgs, member, client_for, county_a_clerk):
    t = started(member, to_branch=orgs["county_b"])
    asked = client_for(county_a_clerk).post(reverse("admin:members_transfer_changelist"), {
        "action": "send", "_selected_action": [t.pk], "apply": "1", "day": days_ago(40).isoformat(),
        "valid_days": ""})
    assert asked.status_code == 200 and asked.context["form"].errors["valid_days"]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


@pytest.mark.parametrize("days", [0, 91, 365, -5, True])
def test_a_validity_outside_one_to_ninety_days_is_refused_by_the_service(orgs, member, days):
    t = started(member, to_branch=orgs["county_b"])
    with pytest.raises(ValidationError) as refused:
        services.transfer_send(transfer=t, sent_on=days_ago(40), valid_days=days, actor=SYSTEM)
    assert refused.value.message_dict["valid_days"] == [rules.letter_valid_days_error(days)]
    assert "1至90天" in refused.value.message_dict["valid_days"][0]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_the_database_refuses_a_validity_beyond_three_months_whatever_the_path(orgs, member):
    t = sent(member, to_branch=orgs["county_b"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.filter(pk=t.pk).update(valid_days=91)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.filter(pk=t.pk).update(valid_days=0)


def test_the_send_step_offers_thirty_days_and_refuses_a_validity_past_ninety_under_its_field(orgs, member,
                                                                                           client_for,
                                                                                           county_a_clerk):
    client = client_for(county_a_clerk)
    t = started(member, to_branch=orgs["county_b"])
    form = client.get(step_url(t, "send")).content.decode()
    assert "有效期（天）" in form and re.search(r'name="valid_days"[^>]*value="30"|value="30"[^>]*name="valid_days"', form)
    refused = client.post(step_url(t, "send"), {"day": days_ago(40).isoformat(), "valid_days": "120"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["valid_days"] == [rules.letter_valid_days_error(120)]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING
    done = client.post(step_url(t, "send"), {"day": days_ago(40).isoformat(), "valid_days": "20"})
    assert done.status_code == 302
    assert Transfer.objects.get(pk=t.pk).valid_days == 20


def test_the_lists_send_asks_for_the_validity_and_records_it_on_every_letter(orgs, member, client_for,
                                                                            county_a_clerk):
    client = client_for(county_a_clerk)
    first = started(member, to_branch=orgs["county_b"])
    second = started(add_member(orgs["community"], "李红梅"), destination=OUTSIDE, letter="城组转〔2026〕62号")
    form = client.post(reverse("admin:members_transfer_changelist"),
                       {"action": "send", "_selected_action": [first.pk, second.pk]}).content.decode()
    assert "有效期（天）" in form
    refused = client.post(reverse("admin:members_transfer_changelist"),
                          {"action": "send", "_selected_action": [first.pk, second.pk], "apply": "1",
                           "day": days_ago(40).isoformat(), "valid_days": "91"})
    assert rules.letter_valid_days_error(91) in refused.content.decode()
    assert Transfer.objects.filter(state=TransferState.PENDING).count() == 2
    batch(client, "send", [first.pk, second.pk], day=days_ago(40).isoformat(), valid_days="25")
    assert set(Transfer.objects.values_list("state", "valid_days")) == {(TransferState.IN_TRANSIT, 25)}


# ---------------------------------------------------------------- received within it, or sent back


def test_a_letter_received_after_its_validity_is_refused_with_the_day_it_ran_to(orgs, member, county_b_clerk):
    t = sent(member, to_branch=orgs["county_b"])  # issued 40 days ago, valid 30: ran to ten days ago
    with pytest.raises(ValidationError) as refused:
        services.transfer_receive(transfer=t, received_on=days_ago(9), actor=county_b_clerk)
    assert refused.value.message_dict["received_on"] == [EXPIRED.format(d=days_ago(10))]
    assert (Transfer.objects.get(pk=t.pk).state, Member.objects.get(pk=member.pk).branch_id) == (
        TransferState.IN_TRANSIT, orgs["community"].pk)


def test_a_letter_received_on_its_last_valid_day_is_received(orgs, member, county_b_clerk):
    t = sent(member, to_branch=orgs["county_b"])
    services.transfer_receive(transfer=t, received_on=days_ago(10), actor=county_b_clerk)
    assert Member.objects.get(pk=member.pk).branch_id == orgs["county_b"].pk


def test_a_letter_past_its_validity_is_still_sent_back(orgs, member, county_b_clerk):
    t = sent(member, to_branch=orgs["county_b"])
    services.transfer_return(transfer=t, reason="介绍信已过有效期", actor=county_b_clerk)
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RETURNED


def test_a_letter_issued_before_the_validity_was_recorded_is_not_checked(orgs, member, county_b_clerk):
    t = sent(member, to_branch=orgs["county_b"], valid_days=None, sent_days_ago=100)
    services.transfer_receive(transfer=t, received_on=days_ago(1), actor=county_b_clerk)
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RECEIVED


# ---------------------------------------------------------------- the 回执 of a letter out of the province

RECEIPT_EXPIRED = ("回执日期（{r.year}年{r.month}月{r.day}日）晚于介绍信有效期，介绍信已于{d.year}年{d.month}月{d.day}日到期："
                   "不能登记回执。请登记「介绍信被退回」，再为该党员重新开具介绍信。")


def test_a_receipt_dated_after_the_letter_ran_out_is_refused_by_the_service(orgs, member, county_a_clerk):
    t = sent(member, destination=OUTSIDE)  # issued 40 days ago, valid 30: ran to ten days ago
    with pytest.raises(ValidationError) as refused:
        services.transfer_receive(transfer=t, received_on=days_ago(9), actor=county_a_clerk)
    assert refused.value.message_dict["received_on"] == [RECEIPT_EXPIRED.format(r=days_ago(9), d=days_ago(10))]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT
    assert Member.objects.get(pk=member.pk).status == "active"


def test_a_receipt_dated_on_the_letters_last_valid_day_is_recorded(orgs, member, county_a_clerk):
    t = sent(member, destination=OUTSIDE)
    services.transfer_receive(transfer=t, received_on=days_ago(10), actor=county_a_clerk)
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RECEIVED


def test_a_receipt_dated_before_the_letter_was_issued_is_refused_by_the_service(orgs, member, county_a_clerk):
    t = sent(member, destination=OUTSIDE)
    with pytest.raises(ValidationError) as refused:
        services.transfer_receive(transfer=t, received_on=days_ago(41), actor=county_a_clerk)
    assert refused.value.message_dict["received_on"] == [f"回执日期不能早于开出介绍信日期（{days_ago(40):%Y-%m-%d}）。"]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT


def test_the_database_refuses_a_receipt_dated_before_the_letter_whatever_the_path(orgs, member):
    t = sent(member, destination=OUTSIDE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.filter(pk=t.pk).update(state=TransferState.RECEIVED, received_on=days_ago(41))


def test_the_migration_names_a_transfer_received_before_its_letter_instead_of_failing_on_the_constraint(orgs, member):
    """Dates recorded out of order before the database held them: the migration says which
    letter, in Chinese, and stops."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("branches.members.migrations.0022_transfer_received_after_sent")
    constraint = next(c for c in Transfer._meta.constraints if c.name == "members_transfer_received_after_sent")
    with connection.schema_editor() as editor:  # the table as it was before the migration
        editor.remove_constraint(Transfer, constraint)
    t = sent(member, destination=OUTSIDE)
    migration.refuse_receipts_before_letters(apps, None)  # nothing out of order: nothing said
    Transfer.objects.filter(pk=t.pk).update(state=TransferState.RECEIVED, received_on=days_ago(41))
    with pytest.raises(RuntimeError) as stopped:
        migration.refuse_receipts_before_letters(apps, None)
    assert str(stopped.value) == ("以下组织关系转接的接收日期（回执日期）早于开出介绍信日期，须先更正日期再迁移："
                                  f"{t.letter_number}（开出{days_ago(40):%Y-%m-%d}，接收{days_ago(41):%Y-%m-%d}）")


def test_a_receipt_of_a_letter_issued_before_the_validity_was_recorded_is_not_checked(orgs, member, county_a_clerk):
    t = sent(member, destination=OUTSIDE, valid_days=None, sent_days_ago=100)
    services.transfer_receive(transfer=t, received_on=days_ago(1), actor=county_a_clerk)
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RECEIVED


def test_the_receipt_step_refuses_a_receipt_after_the_letter_ran_out_and_says_what_to_do(orgs, member, client_for,
                                                                                       county_a_clerk):
    t = sent(member, destination=OUTSIDE)
    refused = client_for(county_a_clerk).post(step_url(t, "receipt"), {"day": days_ago(2).isoformat()})
    assert refused.status_code == 200
    assert refused.context["form"].errors["day"] == [RECEIPT_EXPIRED.format(r=days_ago(2), d=days_ago(10))]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT
    early = client_for(county_a_clerk).post(step_url(t, "receipt"), {"day": days_ago(41).isoformat()})
    assert early.context["form"].errors["day"] == [f"回执日期不能早于开出介绍信日期（{days_ago(40):%Y-%m-%d}）。"]


def test_the_lists_receipt_names_each_letter_that_ran_out_and_records_the_others(orgs, member, client_for,
                                                                                county_a_clerk):
    expired = sent(member, destination=OUTSIDE)
    fresh = sent(add_member(orgs["community"], "李红梅"), destination=OUTSIDE, letter="城组转〔2026〕66号",
                 sent_days_ago=5)
    message = batch(client_for(county_a_clerk), "record_receipt", [expired.pk, fresh.pk], day=days_ago(2).isoformat())
    assert "登记回执：已办理 1 人，未办理 1 人" in message
    [line] = re.findall(r"<li>(.*?)</li>", message)
    assert line.startswith("「王建国（城组转〔2026〕61号）」：")
    assert f"介绍信已于{days_ago(10).year}年{days_ago(10).month}月{days_ago(10).day}日到期" in line
    assert "请登记「介绍信被退回」，再为该党员重新开具介绍信" in line
    assert (Transfer.objects.get(pk=expired.pk).state, Transfer.objects.get(pk=fresh.pk).state) == (
        TransferState.IN_TRANSIT, TransferState.RECEIVED)
    assert Member.objects.get(pk=member.pk).status == "active"


def test_the_lists_receipt_refuses_a_receipt_dated_before_the_letter(orgs, member, client_for, county_a_clerk):
    t = sent(member, destination=OUTSIDE, sent_days_ago=5)
    message = batch(client_for(county_a_clerk), "record_receipt", [t.pk], day=days_ago(6).isoformat())
    assert "登记回执：已办理 0 人，未办理 1 人" in message
    assert f"回执日期不能早于开出介绍信日期（{days_ago(5):%Y-%m-%d}）" in message
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT


def test_a_letter_out_of_the_province_that_ran_out_is_recorded_as_come_back(orgs, member, county_a_clerk):
    t = sent(member, destination=OUTSIDE)
    services.transfer_return(transfer=t, reason="介绍信已过有效期，省外党组织未接收", actor=county_a_clerk)
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RETURNED


def test_the_receive_step_refuses_an_expired_letter_under_its_date(orgs, member, client_for, county_b_clerk):
    t = sent(member, to_branch=orgs["county_b"])
    refused = client_for(county_b_clerk).post(step_url(t, "receive"), {"day": days_ago(2).isoformat()})
    assert refused.status_code == 200
    assert refused.context["form"].errors["day"] == [EXPIRED.format(d=days_ago(10))]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT


def test_the_lists_receive_names_each_expired_letter_on_a_line_of_its_own(orgs, member, client_for,
                                                                         county_b_clerk):
    expired = sent(member, to_branch=orgs["county_b"])
    fresh = sent(add_member(orgs["community"], "李红梅"), to_branch=orgs["county_b"], letter="城组转〔2026〕63号",
                 sent_days_ago=5)
    message = batch(client_for(county_b_clerk), "receive", [expired.pk, fresh.pk], day=days_ago(2).isoformat())
    assert "已办理 1 人，未办理 1 人" in message
    [line] = re.findall(r"<li>(.*?)</li>", message)
    assert "介绍信已过有效期（有效至" in line and "请退回介绍信，由转出党组织重新开具" in line
    assert (Transfer.objects.get(pk=expired.pk).state, Transfer.objects.get(pk=fresh.pk).state) == (
        TransferState.IN_TRANSIT, TransferState.RECEIVED)


# ---------------------------------------------------------------- shown on the page, the trail and the list


def test_the_transfers_page_and_trail_show_the_validity_and_the_day_it_runs_to(orgs, member, client_for,
                                                                             county_a_clerk):
    t = sent(member, to_branch=orgs["county_b"], valid_days=15, sent_days_ago=20)
    html = page(client_for(county_a_clerk), t)
    fields, trail = html[:html.index('id="record-timeline"')], html[html.index('id="record-timeline"'):]
    until = f"{days_ago(5):%Y-%m-%d}"
    assert "有效期（天）" in fields and "有效至" in fields and until in fields
    assert "党员须在有效期内" not in fields  # the entry form's help, not the read-only page's
    assert "有效期（天）：（空） → 15" in trail and f"有效至：{until}" in trail


def test_the_page_says_a_letter_on_its_way_has_run_past_its_validity(orgs, member, client_for, county_a_clerk):
    t = sent(member, to_branch=orgs["county_b"])
    assert "已过有效期，应退回重新开具" in page(client_for(county_a_clerk), t)


def test_the_transfers_list_marks_a_letter_on_its_way_past_its_validity_and_no_other(orgs, member, client_for,
                                                                                   county_a_clerk):
    sent(member, to_branch=orgs["county_b"])  # ran out ten days ago
    sent(add_member(orgs["community"], "李红梅"), to_branch=orgs["county_b"], letter="城组转〔2026〕64号",
         sent_days_ago=5)
    sent(add_member(orgs["community"], "张志强"), to_branch=orgs["county_b"], letter="城组转〔2026〕65号",
         valid_days=None, sent_days_ago=60)
    listed = client_for(county_a_clerk).get(reverse("admin:members_transfer_changelist")).content.decode()
    assert listed.count("介绍信已过有效期") == 1
