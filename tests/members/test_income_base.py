"""An 在职 member's dues are computed from the income base: 0 is refused, empty means not
yet filled; the month's generation passes such members over (never 应交 0.00), says how
many, and the worklist names them."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from branches.members import selectors, services
from branches.members.models import DuesRecord, Member
from branches.members.resources import MemberResource

from .conftest import SYSTEM, add_member, make_id, probationary, today
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db

ROSTER_HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）"]


def test_the_roster_service_refuses_an_employed_member_with_a_base_of_zero(orgs):
    with pytest.raises(ValidationError) as error:
        add_member(orgs["community"], income="0")
    assert "党费计算基数" in error.value.message_dict["income_base"][0]


def test_the_member_form_refuses_an_employed_member_with_a_base_of_zero(orgs, client_for, county_a_clerk):
    page = client_for(county_a_clerk).post(reverse("admin:members_member_add"), {
        "name": "零基数", "id_number": "11010519491231002X", "branch": orgs["community"].pk, "category": "full",
        "joined_on": "2000-07-01", "full_on": "2001-07-01", "dues_category": "employed", "income_base": "0"})
    assert page.status_code == 200 and "党费计算基数" in page.content.decode()
    assert not Member.objects.filter(name="零基数").exists()


def test_the_roster_sheet_refuses_an_employed_member_with_a_base_of_zero(tmp_path, orgs, county_a_clerk):
    number = make_id(datetime.date(1980, 1, 1))
    row = ["零基数", number, "A-SQ", "正式党员", "2005-07-01", "2006-07-01", "在职", "0"]
    result = run(tmp_path, [ROSTER_HEAD, row], MemberResource, county_a_clerk)
    assert not result.committed and "党费计算基数" in messages(result)


def test_the_roster_sheet_says_a_zero_base_once_although_the_model_and_the_table_both_refuse_it(tmp_path, orgs,
                                                                                              county_a_clerk):
    row = ["零基数", make_id(datetime.date(1980, 1, 1)), "A-SQ", "正式党员", "2005-07-01", "2006-07-01", "在职", "0"]
    result = run(tmp_path, [ROSTER_HEAD, row], MemberResource, county_a_clerk)
    said = [e.message for e in result.errors if "党费计算基数" in e.message]
    assert len(said) == 1, said

def test_a_student_needs_no_income_base(orgs):
    member = add_member(orgs["community"], income="0", dues_category="student")
    services.dues_generate_month(month=today(), actor=SYSTEM)
    assert DuesRecord.objects.get(member=member).due == Decimal("0.20")


def test_a_member_admitted_through_the_pipeline_has_the_base_not_yet_filled_and_is_listed(orgs, member):
    admitted = probationary(orgs["community"], member, vote_days_ago=100).member
    assert admitted.income_base is None
    assert list(selectors.missing_income_base(SYSTEM)) == [admitted]


def test_generating_a_month_passes_over_an_employed_member_without_a_base(orgs, member):
    admitted = probationary(orgs["community"], member, vote_days_ago=100).member
    assert services.dues_generate_month(month=today(), actor=SYSTEM) == 1
    assert not DuesRecord.objects.filter(member=admitted).exists()
    assert not DuesRecord.objects.filter(due=0).exists()
    assert services.dues_without_base(month=today(), actor=SYSTEM) == 1
    admitted.income_base = Decimal("4000")
    services.member_save(member=admitted, actor=SYSTEM)
    assert services.dues_generate_month(month=today(), actor=SYSTEM) == 1
    assert DuesRecord.objects.get(member=admitted).due == Decimal("40.00")
    assert list(selectors.missing_income_base(SYSTEM)) == []


def test_the_generate_page_says_how_many_were_passed_over_and_where_to_fill_the_base(orgs, member, client_for,
                                                                                   county_a_clerk):
    probationary(orgs["community"], member, vote_days_ago=100)
    page = client_for(county_a_clerk).post(reverse("admin:members_duesrecord_generate"),
                                           {"month": f"{today():%Y.%m}"}, follow=True)
    text = page.content.decode()
    assert "有 1 名在职或离退休党员未填写党费计算基数" in text and "在职、离退休党员未填写党费计算基数" in text


def test_the_generate_command_says_how_many_were_passed_over(orgs, member):
    probationary(orgs["community"], member, vote_days_ago=100)
    out, err = io.StringIO(), io.StringIO()
    call_command("members_generate_dues", stdout=out, stderr=err)
    assert "新增 1 条" in out.getvalue() and "有 1 名在职或离退休党员未填写党费计算基数" in err.getvalue()


def test_the_worklist_of_employed_members_without_a_base_opens(orgs, member, client_for, county_a_clerk):
    admitted = probationary(orgs["community"], member, vote_days_ago=100).member
    page = client_for(county_a_clerk).get(reverse("admin:worklist", args=["members_dues_no_base"]))
    assert page.status_code == 200 and admitted.name in page.content.decode()


def test_the_roster_service_refuses_a_retired_member_with_a_base_of_zero(orgs):
    with pytest.raises(ValidationError) as error:
        add_member(orgs["community"], income="0", dues_category="retired")
    assert "离退休费" in error.value.message_dict["income_base"][0]


def test_the_roster_sheet_refuses_a_retired_member_with_a_base_of_zero(tmp_path, orgs, county_a_clerk):
    row = ["零基数", make_id(datetime.date(1950, 1, 1)), "A-SQ", "正式党员", "1975-07-01", "1976-07-01", "离退休", "0"]
    result = run(tmp_path, [ROSTER_HEAD, row], MemberResource, county_a_clerk)
    assert not result.committed and "离退休费" in messages(result)


def test_a_retired_member_without_a_base_owes_nothing_and_is_listed_instead(orgs):
    retired = add_member(orgs["community"], dues_category="retired")
    Member.objects.filter(pk=retired.pk).update(income_base=None)
    for back in range(7, 0, -1):
        services.dues_generate_month(month=services.rules.add_months(today(), -back), actor=SYSTEM)
    assert not DuesRecord.objects.filter(member=retired).exists()
    assert list(selectors.missing_income_base(SYSTEM)) == [Member.objects.get(pk=retired.pk)]
    assert Member.objects.get(pk=retired.pk).unpaid_months == 0


def test_a_month_of_nothing_due_is_not_in_arrears(orgs):
    """A category configured at 0 (or a month generated at 0.00 before the rule) owes nothing."""
    member = add_member(orgs["community"], dues_category="student")
    for back in range(7, 0, -1):
        services.dues_generate_month(month=services.rules.add_months(today(), -back), actor=SYSTEM)
    DuesRecord.objects.filter(member=member).update(due=Decimal("0.00"))
    services.dues_recount([member.pk])
    assert Member.objects.get(pk=member.pk).unpaid_months == 0
    assert services.members_check_arrears(actor=SYSTEM) == 0


def test_the_migration_makes_a_retired_zero_base_not_filled_and_recounts_months_of_nothing_due(orgs):
    import importlib

    from django.apps import apps

    step = importlib.import_module("branches.members.migrations.0027_retired_base_required")
    retired = add_member(orgs["community"], dues_category="retired")
    for back in range(3, 0, -1):
        services.dues_generate_month(month=services.rules.add_months(today(), -back), actor=SYSTEM)
    # As kept before the rule: a base of 0 and three months generated at 0.00, counted unpaid.
    DuesRecord.objects.filter(member=retired).update(due=Decimal("0.00"))
    Member.objects.filter(pk=retired.pk).update(unpaid_months=3)
    with connection.cursor() as cursor:
        # The test's rows wait on deferred foreign-key checks; a table with pending checks
        # cannot be altered, so they are run now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE members_member DROP CONSTRAINT members_member_employed_base")
        cursor.execute("UPDATE members_member SET income_base = 0 WHERE id = %s", [retired.pk])
        step.retired_zero_is_not_filled(apps, None)
    retired.refresh_from_db()
    assert retired.income_base is None and retired.unpaid_months == 0
