"""What a clerk types into the roster: the form, the sheet and the service read it alike."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Member
from branches.members.resources import MemberResource

from .conftest import SYSTEM, make_id
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db
ROSTER_HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）"]
NOT_YET_FULL = "预备党员尚未转正，不应填写转正日期。"


def test_a_probationary_member_with_a_full_date_is_told_it_should_not_be_there_by_the_service(orgs):
    member = Member(name="张三", id_number=make_id(datetime.date(1990, 1, 1)), branch=orgs["community"],
                    category="probationary", joined_on=datetime.date(2026, 1, 1), full_on=datetime.date(2026, 11, 1),
                    income_base=Decimal("0"))
    with pytest.raises(ValidationError) as error:
        services.member_save(member=member, actor=SYSTEM)
    assert error.value.message_dict["full_on"] == [NOT_YET_FULL]


def test_a_probationary_member_with_a_full_date_is_told_it_should_not_be_there_on_the_form(orgs, client_for,
                                                                                         county_a_clerk):
    response = client_for(county_a_clerk).post(reverse("admin:members_member_add"), {
        "name": "张三", "id_number": make_id(datetime.date(1990, 1, 1)), "branch": orgs["community"].pk,
        "category": "probationary", "joined_on": "2026-01-01", "full_on": "2026-11-01", "dues_category": "employed",
        "income_base": "3000"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["full_on"] == [NOT_YET_FULL]


def test_a_probationary_member_with_a_full_date_is_told_it_should_not_be_there_on_the_sheet(tmp_path, orgs,
                                                                                          county_a_clerk):
    result = run(tmp_path, [ROSTER_HEAD, ["张三", make_id(datetime.date(1990, 1, 1)), "A-SQ", "预备党员", "2026-01-01",
                                          "2026-11-01", "在职", "3000"]], MemberResource, county_a_clerk)
    assert not result.committed and NOT_YET_FULL in messages(result) and "满一年" not in messages(result)
def test_the_roster_form_takes_an_id_number_pasted_with_spaces_around_it(orgs, client_for, county_a_clerk):
    number = make_id(datetime.date(1980, 2, 3))
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:members_member_add")).content.decode()
    assert 'maxlength="18"' not in page.split('name="id_number"')[1].split(">")[0]
    response = client.post(reverse("admin:members_member_add"), {
        "name": "张三", "id_number": f" {number} ", "branch": orgs["community"].pk, "category": "full",
        "joined_on": "2005-07-01", "full_on": "2006-07-01", "dues_category": "employed", "income_base": "3000"})
    assert response.status_code == 302
    assert Member.objects.filter(id_number=number).exists()


def test_a_roster_sheet_finds_a_branch_code_typed_in_lower_case_with_spaces(tmp_path, orgs, county_a_clerk):
    number = make_id(datetime.date(1980, 2, 3))
    result = run(tmp_path, [ROSTER_HEAD, ["张三", number, " a-sq ", "正式党员", "2005-07-01", "2006-07-01", "在职",
                                          "5000"]], MemberResource, county_a_clerk)
    assert result.committed, messages(result)
    assert Member.objects.get(id_number=number).branch_id == orgs["community"].pk



def full_width(text: str) -> str:
    """As a Chinese input method left in full-width mode types it: ＡＢＣ－１２３ for ABC-123."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_a_roster_sheet_takes_a_branch_code_typed_in_full_width_small_letters(tmp_path, orgs, county_a_clerk):
    number = make_id(datetime.date(1988, 5, 6))
    result = run(tmp_path, [ROSTER_HEAD, ["李四", number, full_width("a-sq"), "正式党员", "2015-07-01", "2016-07-01",
                                          "在职", "3000"]], MemberResource, county_a_clerk)
    assert result.committed, messages(result)
    assert Member.objects.get(id_number=number).branch == orgs["community"]


def test_a_full_width_code_of_a_branch_outside_the_jurisdiction_is_refused_as_any_other(tmp_path, orgs,
                                                                                      county_a_clerk):
    result = run(tmp_path, [ROSTER_HEAD, ["李四", make_id(datetime.date(1988, 5, 6)), full_width("B-1"), "正式党员",
                                          "2015-07-01", "2016-07-01", "在职", "3000"]], MemberResource, county_a_clerk)
    assert not result.committed
    assert "党支部代码「B-1」不存在或不在您的管辖范围内。" in messages(result)
    assert not Member.objects.filter(name="李四").exists()
