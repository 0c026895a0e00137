"""省外转入: a member whose relationship left the province comes back on his own record,
by a transfer from outside the province, on every path that could otherwise take him back."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from branches.members import rules, services
from branches.members.admin.roster import transfer_in_url
from branches.members.admin.steps import OUTSIDE_JURISDICTION
from branches.members.models import Member, MemberStatus, Transfer, TransferState
from branches.members.resources import MemberResource
from orgwork.accounts import roles
from orgwork.audit.models import AuditLog
from orgwork.common.secrets import ID_NUMBER_UNAVAILABLE
from orgwork.imports.probing import NEAR_MISS_FORM_MESSAGE
from tests.steps import assert_step_unavailable

from .conftest import SYSTEM, add_member, days_ago, make_id, today, with_the_right
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages
from .test_record_steps import buttons, page, step_url

pytestmark = pytest.mark.django_db
ROSTER_HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）"]


def transferred_out(member: Member, actor, letter_number: str = "城组转〔2026〕9号") -> Member:
    t = services.transfer_start(member=member, destination="北京市海淀区某街道党工委", letter_number=letter_number,
                                started_on=days_ago(200), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(199), valid_days=30, actor=actor)
    services.transfer_receive(transfer=t, received_on=days_ago(190), actor=actor)
    member.refresh_from_db()
    assert member.status == MemberStatus.TRANSFERRED_OUT
    return member


def test_a_member_transferred_out_of_the_province_comes_back_on_the_roll_by_a_transfer_in(orgs, member,
                                                                                         county_a_clerk):
    gone = transferred_out(member, county_a_clerk)
    t = services.transfer_in_from_outside(member=gone, to_branch=orgs["village"], origin="北京市海淀区某街道党工委",
                                          letter_number="京海转〔2026〕31号", sent_on=days_ago(10),
                                          valid_days=30, received_on=days_ago(3), actor=county_a_clerk)
    back = Member.objects.get(pk=member.pk)
    assert (back.status, back.branch_id) == (MemberStatus.ACTIVE, orgs["village"].pk)
    assert (t.from_branch_id, t.origin, t.to_branch_id, t.state, t.received_on) == (
        None, "北京市海淀区某街道党工委", orgs["village"].pk, TransferState.RECEIVED, days_ago(3))
    assert AuditLog.objects.filter(message__contains="省外转入").exists()


def test_a_transfer_in_from_outside_needs_the_letter_and_a_branch_in_the_clerks_jurisdiction(orgs, member,
                                                                                           county_a_clerk):
    gone = transferred_out(member, county_a_clerk)
    with pytest.raises(ValidationError) as error:
        services.transfer_in_from_outside(member=gone, to_branch=orgs["community"], origin="", letter_number="",
                                          sent_on=days_ago(10),
                                          valid_days=30, received_on=days_ago(3), actor=county_a_clerk)
    assert {"origin", "letter_number"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.transfer_in_from_outside(member=gone, to_branch=orgs["county_b"], origin="北京市某党工委",
                                          letter_number="京转1号", sent_on=days_ago(10),
                                          valid_days=30, received_on=days_ago(3),
                                          actor=county_a_clerk)
    assert "管辖范围" in str(error.value)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED_OUT


def test_only_a_member_transferred_out_can_be_transferred_in_from_outside(orgs, member, county_a_clerk):
    with pytest.raises(ValidationError) as error:
        services.transfer_in_from_outside(member=member, to_branch=orgs["village"], origin="北京市某党工委",
                                          letter_number="京转1号", sent_on=days_ago(10),
                                          valid_days=30, received_on=days_ago(3),
                                          actor=county_a_clerk)
    assert "转出本省" in str(error.value)


def test_a_members_page_offers_the_transfer_in_to_a_member_transferred_out(orgs, member, client_for, county_a_clerk):
    gone = transferred_out(member, county_a_clerk)
    client = client_for(county_a_clerk)
    assert buttons(page(client, gone)) == ["transfer-in"]
    done = client.post(step_url(gone, "transfer-in"), {
        "to_branch": orgs["community"].pk, "origin": "北京市海淀区某街道党工委", "letter_number": "京海转〔2026〕31号",
        "sent_on": days_ago(10).isoformat(), "valid_days": "30", "received_on": days_ago(3).isoformat()})
    assert done.status_code == 302
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE
    assert Transfer.objects.filter(member=member, origin="北京市海淀区某街道党工委").exists()


def test_the_roster_form_sends_a_member_transferred_out_to_the_transfer_in(orgs, member, client_for, county_a_clerk):
    """For a holder of the right to whole numbers. A clerk without it is answered as for any
    number of the member's masked form (身份证号试探) and finds him on the roster by name."""
    gone = transferred_out(member, county_a_clerk)
    form = {"name": gone.name, "id_number": gone.id_number, "branch": orgs["community"].pk, "category": "full",
            "joined_on": "2000-07-01", "full_on": "2001-07-01", "dues_category": "employed", "income_base": "3000"}
    response = client_for(county_a_clerk).post(reverse("admin:members_member_add"), form)
    assert response.context["adminform"].form.errors["id_number"] == [NEAR_MISS_FORM_MESSAGE]
    response = client_for(with_the_right(county_a_clerk)).post(reverse("admin:members_member_add"), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"] == [rules.TRANSFERRED_OUT_BACK]


@pytest.mark.parametrize("code", ["A-SQ", "A-CUN"])
def test_a_roster_sheet_row_for_a_member_transferred_out_is_refused_not_unchanged(tmp_path, orgs, member,
                                                                                  county_a_clerk, code):
    gone = transferred_out(member, county_a_clerk)
    result = run(tmp_path, [ROSTER_HEAD, [gone.name, gone.id_number, code, "正式党员", "2000-07-01", "2001-07-01",
                                          "在职", "4000"]], MemberResource, county_a_clerk)
    assert not result.committed and "省外转入" in messages(result)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED_OUT


# --- 介绍信编号: one letter, one transfer ---------------------------------------------


def test_a_letter_number_issued_in_the_province_is_refused_a_second_time_by_the_service(orgs, member):
    services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="演示转〔2026〕2号",
                            started_on=days_ago(5), actor=SYSTEM)
    other = add_member(orgs["village"], "李四")
    with pytest.raises(ValidationError) as error:
        services.transfer_start(member=other, to_branch=orgs["county_b"], letter_number=" 演示转〔2026〕2号 ",
                                started_on=days_ago(5), actor=SYSTEM)
    assert "已被其他组织关系转接使用" in error.value.message_dict["letter_number"][0]


def test_the_database_refuses_a_letter_number_twice_whatever_the_path(orgs, member):
    services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="演示转〔2026〕2号",
                            started_on=days_ago(5), actor=SYSTEM)
    other = add_member(orgs["village"], "李四")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(member=other, from_branch=orgs["village"], to_branch=orgs["county_b"],
                                letter_number="演示转〔2026〕2号", started_on=days_ago(5))


def test_a_letter_sent_back_frees_its_number(orgs, member, county_b_clerk):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕7号",
                                started_on=days_ago(5), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(4), valid_days=30, actor=SYSTEM)
    services.transfer_return(transfer=t, reason="抬头有误", actor=county_b_clerk)
    again = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕7号",
                                    started_on=days_ago(2), actor=SYSTEM)
    assert again.state == TransferState.PENDING


def test_the_transfer_form_and_the_members_page_refuse_a_letter_number_in_use(orgs, member, client_for,
                                                                            county_a_clerk):
    services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="演示转〔2026〕2号",
                            started_on=days_ago(5), actor=SYSTEM)
    other = add_member(orgs["village"], "李四")
    client = client_for(county_a_clerk)
    form = client.post(reverse("admin:members_transfer_add"), {
        "member": other.pk, "to_branch": orgs["county_b"].pk, "destination": "", "letter_number": "演示转〔2026〕2号",
        "started_on": days_ago(1).isoformat()})
    assert form.status_code == 200 and "已被其他组织关系转接使用" in form.content.decode()
    step = client.post(step_url(other, "transfer"), {"to_branch": orgs["county_b"].pk,
                                                     "letter_number": "演示转〔2026〕2号",
                                                     "started_on": days_ago(1).isoformat()})
    assert step.status_code == 200 and "已被其他组织关系转接使用" in step.content.decode()
    assert Transfer.objects.filter(letter_number="演示转〔2026〕2号").count() == 1


def test_a_letter_from_outside_is_told_apart_by_its_issuer(orgs, member, county_a_clerk):
    gone = transferred_out(member, county_a_clerk)
    # Another province may number a letter as one of ours: its issuer tells them apart.
    services.transfer_in_from_outside(member=gone, to_branch=orgs["community"], origin="北京市海淀区某街道党工委",
                                      letter_number="城组转〔2026〕9号", sent_on=days_ago(10),
                                      valid_days=30, received_on=days_ago(3), actor=county_a_clerk)
    second = add_member(orgs["village"], "李四")
    gone_again = transferred_out_with(second, county_a_clerk, "城组转〔2026〕10号")
    with pytest.raises(ValidationError) as error:
        services.transfer_in_from_outside(member=gone_again, to_branch=orgs["community"],
                                          origin="北京市海淀区某街道党工委", letter_number="城组转〔2026〕9号",
                                          sent_on=days_ago(10),
                                          valid_days=30, received_on=days_ago(3), actor=county_a_clerk)
    assert "已登记转入" in error.value.message_dict["letter_number"][0]


def transferred_out_with(member: Member, actor, letter: str) -> Member:
    t = services.transfer_start(member=member, destination="北京市海淀区某街道党工委", letter_number=letter,
                                started_on=days_ago(200), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(199), valid_days=30, actor=actor)
    services.transfer_receive(transfer=t, received_on=days_ago(190), actor=actor)
    member.refresh_from_db()
    return member


def test_a_new_person_transferred_in_from_outside_enters_the_roster_with_the_letter(orgs, county_a_clerk):
    person = Member(name="赵六", id_number=make_id(datetime.date(1985, 4, 2)), category="full",
                    joined_on=datetime.date(2010, 7, 1), full_on=datetime.date(2011, 7, 1), income_base=Decimal("4200"))
    t = services.transfer_in_from_outside(member=person, to_branch=orgs["village"], origin="上海市徐汇区某党委",
                                          letter_number="沪徐转〔2026〕8号", sent_on=days_ago(6),
                                          valid_days=30, received_on=days_ago(1),
                                          actor=county_a_clerk)
    added = Member.objects.get(pk=t.member_id)
    assert (added.branch_id, added.status, t.state) == (orgs["village"].pk, MemberStatus.ACTIVE, TransferState.RECEIVED)


def person_new_to_the_province(orgs, actor, *, received_on: datetime.date) -> Member:
    person = Member(name="周转入", id_number=make_id(datetime.date(1986, 5, 3)), category="full",
                    joined_on=datetime.date(2010, 7, 1), full_on=datetime.date(2011, 7, 1), income_base=Decimal("4200"))
    t = services.transfer_in_from_outside(member=person, to_branch=orgs["village"], origin="上海市徐汇区某党委",
                                          letter_number="沪徐转〔2026〕18号", valid_days=30, received_on=received_on,
                                          sent_on=received_on - datetime.timedelta(days=5), actor=actor)
    return Member.objects.get(pk=t.member_id)


def test_a_person_new_to_the_province_is_recorded_on_the_roll_from_the_receipt_as_a_returning_member_is(
        orgs, county_a_clerk):
    added = person_new_to_the_province(orgs, county_a_clerk, received_on=days_ago(1))
    assert (added.status_changed_on, added.status_reason) == (
        days_ago(1), "组织关系由省外转入（上海市徐汇区某党委，介绍信 沪徐转〔2026〕18号）")


def test_a_person_new_to_the_province_owes_dues_from_the_month_of_the_receipt_not_before(orgs, county_a_clerk):
    this_month = today().replace(day=1)
    before, earlier = rules.add_months(this_month, -1), rules.add_months(this_month, -2)
    added = person_new_to_the_province(orgs, county_a_clerk, received_on=this_month)
    for month in (earlier, before, this_month):
        services.dues_generate_month(month=month, actor=SYSTEM)
    assert list(added.dues.values_list("month", flat=True)) == [this_month]
    assert Member.objects.get(pk=added.pk).unpaid_months == 0


def test_the_transfer_page_of_a_transfer_in_names_the_organisation_outside(orgs, member, client_for, county_a_clerk):
    gone = transferred_out(member, county_a_clerk)
    t = services.transfer_in_from_outside(member=gone, to_branch=orgs["village"], origin="北京市海淀区某街道党工委",
                                          letter_number="京海转〔2026〕31号", sent_on=days_ago(10),
                                          valid_days=30, received_on=days_ago(3), actor=county_a_clerk)
    client = client_for(county_a_clerk)
    assert "北京市海淀区某街道党工委" in page(client, t)
    received = client.get(reverse("admin:members_transfer_changelist") + "?state__exact=received").content.decode()
    assert "省外：北京市海淀区某街道党工委" in received


# --- 省外转入 is the receiving side's -------------------------------------------------


def audit_rows_of(record) -> list[AuditLog]:
    return list(AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(type(record)),
                                        object_id=str(record.pk)))


def test_the_receiving_clerk_of_another_county_takes_back_a_member_who_left_the_province(orgs, member, client_for,
                                                                                       county_a_clerk,
                                                                                       county_b_clerk):
    gone = transferred_out(member, county_a_clerk)
    client = client_for(county_b_clerk)
    assert client.get(reverse("admin:members_member_change", args=[gone.pk])).status_code == 302, "not his page"
    url = passed_on(client, gone)
    assert client.get(url).status_code == 200
    audited = AuditLog.objects.count()
    done = client.post(url, {
        "to_branch": orgs["county_b"].pk, "origin": "北京市海淀区某街道党工委", "letter_number": "京海转〔2026〕31号",
        "sent_on": days_ago(10).isoformat(), "valid_days": "30", "received_on": days_ago(3).isoformat()})
    assert done.status_code == 302 and done["Location"] == reverse("admin:members_member_change", args=[gone.pk])
    back = Member.objects.get(pk=gone.pk)
    assert (back.status, back.branch_id) == (MemberStatus.ACTIVE, orgs["county_b"].pk)
    assert client.get(done["Location"]).status_code == 200, "now in the receiving clerk's roster"
    t = Transfer.objects.get(member=gone, origin="北京市海淀区某街道党工委")
    assert AuditLog.objects.count() == audited + 2  # the member's return and the transfer, once each
    assert len([row for row in audit_rows_of(back) if "省外转入" in row.message]) == 1
    assert len(audit_rows_of(t)) == 1


def passed_on(client, gone: Member) -> str:
    """The link 登记省外转入 gives a clerk who typed the ID number of a member who left."""
    refused = client.post(FROM_OUTSIDE, letter(id_number=gone.id_number))
    return refused.context["returning_url"]


def test_the_transfer_in_step_refuses_a_branch_outside_the_clerks_jurisdiction(orgs, member, client_for,
                                                                               county_a_clerk, county_b_clerk):
    gone = transferred_out(member, county_a_clerk)
    refused = client_for(county_b_clerk).post(transfer_in_url(county_b_clerk, gone), {
        "to_branch": orgs["community"].pk, "origin": "北京市海淀区某街道党工委", "letter_number": "京海转〔2026〕31号",
        "sent_on": days_ago(10).isoformat(), "valid_days": "30", "received_on": days_ago(3).isoformat()})
    assert refused.status_code == 200
    assert refused.context["form"].errors["to_branch"] == [OUTSIDE_JURISDICTION]
    assert Member.objects.get(pk=gone.pk).status == MemberStatus.TRANSFERRED_OUT
    assert not Transfer.objects.filter(origin="北京市海淀区某街道党工委").exists()


def test_only_a_member_who_left_the_province_is_reached_from_another_county_and_only_by_a_clerk_with_branches(
        orgs, tree, member, make_staff, client_for, county_a_clerk, county_b_clerk):
    on_the_roll = add_member(orgs["village"], "李四")
    assert client_for(county_b_clerk).get(step_url(on_the_roll, "transfer-in")).status_code == 404
    assert client_for(county_b_clerk).get(step_url(on_the_roll, "status")).status_code == 404
    gone = transferred_out(member, county_a_clerk)
    no_branches = make_staff("tianshui_clerk", tree["other_city"], *roles.BUSINESS_ROLES)
    assert_step_unavailable(client_for(no_branches), transfer_in_url(no_branches, gone), post=False)
    assert Member.objects.get(pk=gone.pk).status == MemberStatus.TRANSFERRED_OUT


def test_another_countys_clerk_reaches_a_departed_members_transfer_in_only_with_the_pass_of_the_transfer_in_page(
        orgs, member, client_for, county_a_clerk, county_b_clerk):
    gone = transferred_out(member, county_a_clerk)
    other_gone = transferred_out(add_member(orgs["village"], "李四"), county_a_clerk, "城组转〔2026〕10号")
    client = client_for(county_b_clerk)
    bare = client.get(step_url(gone, "transfer-in"))
    assert bare.status_code == 404 and gone.name not in bare.content.decode()
    assert client.get(transfer_in_url(county_a_clerk, gone)).status_code == 404, "another clerk's pass"
    forged = transfer_in_url(county_b_clerk, other_gone).replace(f"/{other_gone.pk}/", f"/{gone.pk}/")
    assert client.get(forged).status_code == 404, "a pass for another member"
    opened = client.get(transfer_in_url(county_b_clerk, gone))
    assert opened.status_code == 200
    assert f'href="{reverse("admin:members_transfer_from_outside")}"' in opened.content.decode(), "back to his page"
    assert client_for(county_a_clerk).get(step_url(gone, "transfer-in")).status_code == 200, "his own county's, as ever"


# --- 登记省外转入: a person new to the province, from the transfers list --------------

FROM_OUTSIDE = reverse("admin:members_transfer_from_outside")
NEW_ID = "11010519491231002X"


def letter(**changes) -> dict[str, str]:
    """The page's fields for 赵六, arriving with a letter from 上海市徐汇区某党委."""
    return {"origin": "上海市徐汇区某党委", "letter_number": "沪徐转〔2026〕8号", "sent_on": days_ago(6).isoformat(),
            "valid_days": "30", "received_on": days_ago(1).isoformat(), "to_branch": "", "name": "赵六",
            "id_number": NEW_ID, "category": "full", "joined_on": "1975-07-01", "full_on": "1976-07-01",
            "dues_category": "employed", "income_base": "4200", **changes}


def test_a_county_clerk_registers_a_person_new_to_the_province_from_the_transfers_list(orgs, client_for,
                                                                                     county_a_clerk):
    client = client_for(county_a_clerk)
    assert f'href="{FROM_OUTSIDE}"' in client.get(reverse("admin:members_transfer_changelist")).content.decode()
    form = client.get(FROM_OUTSIDE)
    assert form.status_code == 200 and 'data-field-name="branch"' in form.content.decode()
    audited = AuditLog.objects.count()
    # The number as typed on a letter: a lower-case x and stray spaces.
    done = client.post(FROM_OUTSIDE, letter(to_branch=orgs["village"].pk, id_number=f" {NEW_ID.lower()} "))
    assert done.status_code == 302, done.content.decode()[:3000]
    added = Member.objects.get(id_number=NEW_ID)
    assert done["Location"] == reverse("admin:members_member_change", args=[added.pk])
    assert (added.name, added.branch_id, added.status, added.birth_date, added.income_base) == (
        "赵六", orgs["village"].pk, MemberStatus.ACTIVE, datetime.date(1949, 12, 31), Decimal("4200"))
    t = Transfer.objects.get(member=added)
    assert (t.from_branch_id, t.origin, t.letter_number, t.to_branch_id, t.state, t.sent_on, t.received_on) == (
        None, "上海市徐汇区某党委", "沪徐转〔2026〕8号", orgs["village"].pk, TransferState.RECEIVED, days_ago(6),
        days_ago(1))
    assert AuditLog.objects.count() == audited + 2  # the member and the transfer, once each
    assert [row.action for row in audit_rows_of(added)] == ["create"]
    assert [row.action for row in audit_rows_of(t)] == ["create"]
    page_html = client.get(done["Location"]).content.decode()
    assert added.masked_id_number in page_html and NEW_ID not in page_html


def test_the_transfer_in_page_refuses_a_branch_outside_the_clerks_jurisdiction(orgs, client_for, county_a_clerk):
    refused = client_for(county_a_clerk).post(FROM_OUTSIDE, letter(to_branch=orgs["county_b"].pk))
    assert refused.status_code == 200
    assert refused.context["form"].errors["to_branch"] == [OUTSIDE_JURISDICTION]
    assert not Member.objects.filter(id_number=NEW_ID).exists() and not Transfer.objects.exists()


def test_the_transfer_in_page_refuses_an_id_number_on_the_roster_without_saying_where(orgs, client_for,
                                                                                     county_a_clerk):
    add_member(orgs["county_b"], "赵六", id_number=NEW_ID)  # another county's member
    refused = client_for(county_a_clerk).post(FROM_OUTSIDE, letter(to_branch=orgs["village"].pk))
    assert refused.status_code == 200
    assert refused.context["form"].errors["id_number"] == [ID_NUMBER_UNAVAILABLE]
    assert "七里河" not in refused.content.decode()
    assert Member.objects.filter(id_number=NEW_ID).count() == 1 and not Transfer.objects.exists()


def test_the_transfer_in_page_sends_a_member_who_left_the_province_to_his_own_transfer_in(orgs, member, client_for,
                                                                                         county_a_clerk,
                                                                                         county_b_clerk):
    gone = transferred_out(member, county_a_clerk)
    client = client_for(county_b_clerk)
    refused = client.post(FROM_OUTSIDE, letter(to_branch=orgs["county_b"].pk, id_number=gone.id_number))
    assert refused.status_code == 200
    assert refused.context["form"].errors["id_number"] == [rules.TRANSFERRED_OUT_BACK]
    url = refused.context["returning_url"]
    assert url.startswith(step_url(gone, "transfer-in") + "?pass=")
    assert f'href="{escape(url)}"' in refused.content.decode()
    assert client.get(url).status_code == 200
    assert Member.objects.filter(id_number=gone.id_number).count() == 1
    assert Member.objects.get(pk=gone.pk).status == MemberStatus.TRANSFERRED_OUT


def test_the_transfer_in_page_refuses_a_letter_already_registered_from_the_same_issuer(orgs, client_for,
                                                                                      county_a_clerk):
    client = client_for(county_a_clerk)
    assert client.post(FROM_OUTSIDE, letter(to_branch=orgs["village"].pk)).status_code == 302
    second = make_id(datetime.date(1950, 2, 3))
    refused = client.post(FROM_OUTSIDE, letter(to_branch=orgs["community"].pk, name="钱七", id_number=second))
    assert refused.status_code == 200 and "已登记转入" in refused.context["form"].errors["letter_number"][0]
    assert not Member.objects.filter(id_number=second).exists()
    # Another issuer numbers its own letters: the same number from it is another letter.
    other = client.post(FROM_OUTSIDE, letter(to_branch=orgs["community"].pk, name="钱七", id_number=second,
                                             origin="北京市海淀区某街道党工委"))
    assert other.status_code == 302
    assert Transfer.objects.filter(letter_number="沪徐转〔2026〕8号").count() == 2


def test_the_transfer_in_page_refuses_a_letter_issued_before_the_person_joined(orgs, client_for, county_a_clerk):
    refused = client_for(county_a_clerk).post(FROM_OUTSIDE, letter(
        to_branch=orgs["village"].pk, category="probationary", joined_on=days_ago(3).isoformat(), full_on=""))
    assert refused.status_code == 200 and "不能早于入党日期" in refused.context["form"].errors["sent_on"][0]
    assert not Member.objects.filter(id_number=NEW_ID).exists()


def test_a_user_without_the_rights_to_enter_members_cannot_reach_the_transfer_in_page(orgs, tree, make_staff,
                                                                                    client_for, view_only_auditor):
    reader = make_staff("county_a_reader", tree["county_a"], roles.READ_ONLY)
    for user in (reader, view_only_auditor):
        client = client_for(user)
        assert client.get(reverse("admin:members_transfer_changelist")).status_code == 200
        assert FROM_OUTSIDE not in client.get(reverse("admin:members_transfer_changelist")).content.decode()
        assert client.get(FROM_OUTSIDE).status_code == 403
        assert client.post(FROM_OUTSIDE, letter(to_branch=orgs["village"].pk)).status_code == 403
    assert not Member.objects.filter(id_number=NEW_ID).exists() and not Transfer.objects.exists()


def test_the_transfer_in_page_refuses_a_dues_base_in_scientific_notation(orgs, client_for, county_a_clerk):
    refused = client_for(county_a_clerk).post(FROM_OUTSIDE, letter(to_branch=orgs["community"].pk, income_base="1e4"))
    assert refused.status_code == 200
    assert refused.context["form"].errors["income_base"] == ["「1e4」不是数字。"]
    assert not Member.objects.filter(id_number=NEW_ID).exists()
