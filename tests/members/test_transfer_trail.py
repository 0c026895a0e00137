"""组织关系转接的办理记录: each step's audit row names the step, and the record page shows it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Member, MemberStatus, Transfer
from orgwork.audit.models import AuditLog

from .conftest import SYSTEM, days_ago, make_id

pytestmark = pytest.mark.django_db


def trail_messages(transfer: Transfer) -> list[str]:
    return list(AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Transfer),
                                        object_id=str(transfer.pk)).order_by("at", "id").values_list("message",
                                                                                                      flat=True))


def test_every_step_of_a_transfer_inside_the_province_names_itself_in_the_trail(orgs, member, county_a_clerk,
                                                                                county_b_clerk):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕41号",
                                started_on=days_ago(40), actor=county_a_clerk)
    services.transfer_send(transfer=t, sent_on=days_ago(35), valid_days=60, actor=county_a_clerk)
    services.transfer_receive(transfer=t, received_on=days_ago(1), actor=county_b_clerk)
    assert trail_messages(t) == [services.TRANSFER_STARTED, services.TRANSFER_SENT, services.TRANSFER_RECEIVED]
    assert services.TRANSFER_RECEIVED == "接收组织关系"


def test_a_letter_sent_back_names_the_return_in_the_trail(orgs, member, county_b_clerk):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕42号",
                                started_on=days_ago(40), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(35), valid_days=30, actor=SYSTEM)
    services.transfer_return(transfer=t, reason="介绍信抬头有误", actor=county_b_clerk)
    assert trail_messages(t)[-1] == "退回介绍信"


def test_a_transfer_in_from_outside_names_its_registration_in_the_trail(orgs, county_a_clerk):
    newcomer = Member(name="陈远", id_number=make_id(datetime.date(1985, 3, 4)), category="full",
                      joined_on=datetime.date(2010, 7, 1), full_on=datetime.date(2011, 7, 1),
                      income_base=Decimal("4200"))
    t = services.transfer_in_from_outside(member=newcomer, to_branch=orgs["village"], origin="北京市海淀区某街道党工委",
                                          letter_number="京海转〔2026〕77号", sent_on=days_ago(10),
                                          valid_days=30, received_on=days_ago(3), actor=county_a_clerk)
    assert trail_messages(t) == ["登记省外转入"]


def test_the_transfers_record_page_shows_the_step_of_each_row(orgs, member, client_for, county_a_clerk):
    t = services.transfer_start(member=member, destination="陕西省西安市雁塔区某街道党工委",
                                letter_number="城组转〔2026〕43号", started_on=days_ago(40), actor=county_a_clerk)
    services.transfer_send(transfer=t, sent_on=days_ago(30), valid_days=30, actor=county_a_clerk)
    services.transfer_receive(transfer=t, received_on=days_ago(2), actor=county_a_clerk)
    html = client_for(county_a_clerk).get(reverse("admin:members_transfer_change", args=[t.pk])).content.decode()
    trail = html[html.index('id="record-timeline"'):]
    for step in ("申请组织关系转接（开具介绍信）", "确认转出（开出介绍信）", "接收组织关系"):
        assert step in trail
    assert trail.index("接收组织关系") < trail.index("确认转出（开出介绍信）")  # newest first


def test_a_change_of_standing_names_itself_in_the_members_trail(orgs, member):
    services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=days_ago(2),
                               actor=SYSTEM)
    entry = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Member),
                                    object_id=str(member.pk)).latest("at", "id")
    assert entry.message == "变更党籍状态"


def test_the_trail_writes_the_letters_dues_month_as_the_page_does(orgs, member):
    from branches.members.models import DuesRecord
    from orgwork.audit.presentation import readable_changes

    services.dues_generate_month(month=days_ago(40), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    services.dues_pay(record=record, paid=record.due, paid_on=days_ago(2), actor=SYSTEM)
    transfer = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕88号",
                                       started_on=days_ago(1), actor=SYSTEM)
    services.transfer_send(transfer=transfer, sent_on=days_ago(0), valid_days=30, actor=SYSTEM)
    entry = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Transfer),
                                    object_id=str(transfer.pk)).latest("at", "id")
    rows = {row.label: row.new for row in readable_changes(Transfer, entry.changes)}
    assert rows["党费交至"] == f"{record.month:%Y.%m}"


def moved_to_county_b(orgs: Any, member: Member, *, received_days_ago: int) -> Transfer:
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕90号",
                                started_on=days_ago(received_days_ago + 6), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(received_days_ago + 5), valid_days=30, actor=SYSTEM)
    return services.transfer_receive(transfer=t, received_on=days_ago(received_days_ago), actor=SYSTEM)


def test_a_transfer_dated_before_the_member_arrived_in_the_branch_is_refused_by_the_service(orgs, member):
    moved_to_county_b(orgs, member, received_days_ago=10)
    with pytest.raises(ValidationError) as error:
        services.transfer_start(member=member, to_branch=orgs["community"], letter_number="七组转〔2026〕5号",
                                started_on=days_ago(11), actor=SYSTEM)
    assert error.value.message_dict["started_on"] == [
        f"申请日期不能早于上一次组织关系转接的接收日期（{days_ago(10):%Y-%m-%d}）。"]
    assert member.transfers.count() == 1


def test_a_transfer_dated_on_the_day_the_member_arrived_is_taken(orgs, member):
    moved_to_county_b(orgs, member, received_days_ago=10)
    t = services.transfer_start(member=member, to_branch=orgs["community"], letter_number="七组转〔2026〕6号",
                                started_on=days_ago(10), actor=SYSTEM)
    assert t.from_branch_id == orgs["county_b"].pk


def test_a_transfer_dated_before_the_member_arrived_is_refused_on_the_form(orgs, member, client_for, county_b_clerk):
    moved_to_county_b(orgs, member, received_days_ago=10)
    response = client_for(county_b_clerk).post(reverse("admin:members_transfer_add"), {
        "member": member.pk, "to_branch": orgs["community"].pk, "destination": "", "letter_number": "七组转〔2026〕7号",
        "started_on": days_ago(30).isoformat()})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "started_on": [f"申请日期不能早于上一次组织关系转接的接收日期（{days_ago(10):%Y-%m-%d}）。"]}
    assert member.transfers.count() == 1


def test_a_member_back_from_outside_the_province_cannot_be_moved_on_from_before_his_return(orgs, county_a_clerk):
    newcomer = Member(name="陈远", id_number=make_id(datetime.date(1985, 3, 4)), category="full",
                      joined_on=datetime.date(2010, 7, 1), full_on=datetime.date(2011, 7, 1),
                      income_base=Decimal("4200"))
    services.transfer_in_from_outside(member=newcomer, to_branch=orgs["village"], origin="北京市海淀区某街道党工委",
                                      letter_number="京海转〔2026〕78号", sent_on=days_ago(10), valid_days=30,
                                      received_on=days_ago(4), actor=county_a_clerk)
    with pytest.raises(ValidationError) as error:
        services.transfer_start(member=newcomer, to_branch=orgs["community"], letter_number="城组转〔2026〕91号",
                                started_on=days_ago(5), actor=county_a_clerk)
    assert list(error.value.message_dict) == ["started_on"]
