"""A person's name on the roster and on an applicant's file: letters only, with the
separators names are written with; invisible characters, emoji, markup and formulas are
refused in Chinese on the form, on the sheet and by the service (``Member.clean``,
``Applicant.clean``, the one rule ``orgwork.common.names``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Applicant, Member
from branches.members.resources import ApplicantResource, MemberResource

from .conftest import SYSTEM, add_member, days_ago, make_id
from ..samples.names import BAD_NAMES, INVISIBLE
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db
ROSTER_HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）"]
APPLICANT_HEAD = ["姓名", "身份证号", "党支部代码", "递交入党申请书日期"]
# 生僻字 as registries enter them: a private-use code point, and one of an ideographic
# extension newer than the Unicode tables (U+31350, CJK extension H).
GOOD_NAMES = ["阿卜杜·热合曼", "阿卜杜•热合曼", "Anna Maria", "让-保罗·萨特", "王\ue000", "张\U00031350"]


def roster_row(name: str) -> list[str]:
    return [name, make_id(datetime.date(1980, 2, 3)), "A-SQ", "正式党员", "2005-07-01", "2006-07-01", "在职", "5000"]


def form_data(name: str, orgs) -> dict[str, object]:
    return {"name": name, "id_number": make_id(datetime.date(1980, 2, 3)), "branch": orgs["community"].pk,
            "category": "full", "joined_on": "2005-07-01", "full_on": "2006-07-01", "dues_category": "employed",
            "income_base": "3000"}


@pytest.mark.parametrize("name", list(BAD_NAMES))
def test_a_name_with_characters_a_name_cannot_hold_is_refused_on_the_roster_sheet(tmp_path, orgs, county_a_clerk,
                                                                                name):
    result = run(tmp_path, [ROSTER_HEAD, roster_row(name)], MemberResource, county_a_clerk)
    assert not result.committed
    assert [e.column for e in result.errors] == ["姓名"] and BAD_NAMES[name] in messages(result)
    assert not Member.objects.exists()


@pytest.mark.parametrize("name", ["零宽\u200b字符", "表情\U0001F600党员", "=cmd"])
def test_a_name_with_characters_a_name_cannot_hold_is_refused_on_the_roster_form(orgs, client_for, county_a_clerk,
                                                                               name):
    response = client_for(county_a_clerk).post(reverse("admin:members_member_add"), form_data(name, orgs))
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["name"]
    assert error.startswith("姓名")
    assert not Member.objects.exists()


def test_a_name_with_a_zero_width_space_is_refused_by_the_service(orgs):
    member = Member(name="零宽\u200b字符", id_number=make_id(datetime.date(1980, 2, 3)), branch=orgs["community"],
                    category="full", joined_on=datetime.date(2005, 7, 1), full_on=datetime.date(2006, 7, 1),
                    income_base=Decimal("3000"), dues_category="employed")
    with pytest.raises(ValidationError) as error:
        services.member_save(member=member, actor=SYSTEM)
    assert INVISIBLE in error.value.message_dict["name"][0]


def test_minority_and_foreign_names_with_their_separators_enter_the_roster_from_the_sheet(tmp_path, orgs,
                                                                                        county_a_clerk):
    result = run(tmp_path, [ROSTER_HEAD] + [roster_row(name) for name in GOOD_NAMES], MemberResource, county_a_clerk)
    assert result.committed, messages(result)
    assert sorted(Member.objects.values_list("name", flat=True)) == sorted(GOOD_NAMES)


def test_a_minority_name_with_its_middle_dot_is_taken_by_the_roster_form(orgs, client_for, county_a_clerk):
    response = client_for(county_a_clerk).post(reverse("admin:members_member_add"), form_data("阿卜杜·热合曼", orgs))
    assert response.status_code == 302
    assert Member.objects.filter(name="阿卜杜·热合曼").exists()


def test_a_renaming_on_the_roster_form_is_held_to_the_rule(orgs, member, client_for, county_a_clerk):
    data = form_data("王\u200b建国", orgs)
    data.update(id_number=member.id_number, joined_on="2000-07-01", full_on="2001-07-01", income_base="4000")
    response = client_for(county_a_clerk).post(reverse("admin:members_member_change", args=[member.pk]), data)
    assert response.status_code == 200 and INVISIBLE in response.context["adminform"].form.errors["name"][0]
    assert Member.objects.get(pk=member.pk).name == "王建国"


def test_a_name_on_record_from_before_the_rule_does_not_stop_a_step_on_the_member(orgs):
    member = add_member(orgs["community"], "王建国")
    Member.objects.filter(pk=member.pk).update(name="王\u200b建国")  # as a row written before the rule
    member = Member.objects.get(pk=member.pk)
    member.arrears_reason = "外出务工"
    services.member_save(member=member, actor=SYSTEM)
    assert Member.objects.get(pk=member.pk).arrears_reason == "外出务工"


def test_an_applicants_name_with_an_emoji_is_refused_on_the_applicants_sheet(tmp_path, orgs, county_a_clerk):
    result = run(tmp_path, [APPLICANT_HEAD, ["申请人\U0001F600", make_id(datetime.date(1995, 6, 1)), "A-SQ",
                                             days_ago(5).isoformat()]], ApplicantResource, county_a_clerk)
    assert not result.committed and "姓名中不能有「\U0001F600」" in messages(result)
    assert not Applicant.objects.exists()


def test_an_applicants_name_with_a_zero_width_space_is_refused_on_the_applicant_form(orgs, client_for,
                                                                                   county_a_clerk):
    number = make_id(datetime.date(1995, 6, 1))
    response = client_for(county_a_clerk).post(reverse("admin:members_applicant_add"), {
        "name": "成\u200b年", "id_number": number, "branch": orgs["community"].pk,
        "applied_on": days_ago(3).isoformat(), "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0"})
    assert response.status_code == 200 and INVISIBLE in response.context["adminform"].form.errors["name"][0]
    assert not Applicant.objects.filter(id_number=number).exists()
