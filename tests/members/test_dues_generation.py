"""生成某月党费: the page, the command and the service share one rule (no future month),
add each member's month once, and write one audit row per new ledger row."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import DuesRecord
from orgwork.audit.models import AuditLog

from .conftest import SYSTEM, add_member, today

pytestmark = pytest.mark.django_db
GENERATE = reverse("admin:members_duesrecord_generate")


def next_month() -> datetime.date:
    return rules.add_months(today().replace(day=1), 1)


def last_month() -> datetime.date:
    return rules.add_months(today().replace(day=1), -1)


def dues_audit_rows() -> int:
    return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(DuesRecord)).count()


def test_the_generate_page_adds_the_chosen_months_dues_for_the_clerks_members_with_one_audit_row_each(
        orgs, client_for, county_a_clerk):
    mine = [add_member(orgs["community"], "甲"), add_member(orgs["village"], "乙")]
    add_member(orgs["county_b"], "丙")  # outside the clerk's county
    response = client_for(county_a_clerk).post(GENERATE, {"month": f"{last_month():%Y.%m}", "branch": ""})
    assert response.status_code == 302
    rows = DuesRecord.objects.filter(month=last_month())
    assert sorted(rows.values_list("member_id", flat=True)) == sorted(m.pk for m in mine)
    assert dues_audit_rows() == 2
    assert AuditLog.objects.filter(message__contains=f"生成{last_month():%Y年%m月}应交党费").count() == 2


def test_generating_the_same_month_twice_from_the_page_adds_nothing_the_second_time_and_says_so(
        orgs, member, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    client.post(GENERATE, {"month": f"{today():%Y.%m}", "branch": ""})
    audits = dues_audit_rows()
    response = client.post(GENERATE, {"month": f"{today():%Y.%m}", "branch": ""}, follow=True)
    assert DuesRecord.objects.filter(member=member).count() == 1 and dues_audit_rows() == audits
    assert "此前已全部生成，本次未新增" in response.content.decode()


def test_the_generate_page_for_one_branch_leaves_the_other_branches_alone(orgs, client_for, county_a_clerk):
    here, there = add_member(orgs["community"], "甲"), add_member(orgs["village"], "乙")
    client_for(county_a_clerk).post(GENERATE, {"month": f"{today():%Y.%m}", "branch": orgs["village"].pk})
    assert list(DuesRecord.objects.values_list("member_id", flat=True)) == [there.pk]
    assert not DuesRecord.objects.filter(member=here).exists()


def test_the_generate_pages_branches_are_told_apart_by_their_unit_and_code(orgs, client_for, province_officer):
    form = client_for(province_officer).get(GENERATE).context["form"]
    labels = [label for value, label in form.fields["branch"].choices if value]
    village = orgs["village"]
    assert f"{village.name}（{village.unit}，{village.code}）" in labels
    assert len(labels) == len(set(labels))


def test_the_generate_page_refuses_a_future_month_in_chinese(orgs, member, client_for, county_a_clerk):
    response = client_for(county_a_clerk).post(GENERATE, {"month": f"{next_month():%Y.%m}", "branch": ""})
    assert response.status_code == 200
    assert "尚未到来，不能提前生成党费" in response.content.decode()
    assert not DuesRecord.objects.exists()


def test_the_generate_page_does_not_offer_a_branch_outside_the_clerks_county(orgs, member, client_for,
                                                                              county_a_clerk):
    response = client_for(county_a_clerk).post(GENERATE, {"month": f"{today():%Y.%m}", "branch": orgs["county_b"].pk})
    assert response.status_code == 200 and not DuesRecord.objects.exists()
    assert orgs["county_b"] not in response.context["form"].fields["branch"].queryset


def test_the_generate_page_is_closed_to_a_view_only_auditor(orgs, member, client_for, view_only_auditor):
    assert client_for(view_only_auditor).get(GENERATE).status_code == 403
    assert client_for(view_only_auditor).post(GENERATE, {"month": f"{today():%Y.%m}"}).status_code == 403
    assert not DuesRecord.objects.exists()


def test_the_dues_list_offers_the_generate_button_to_a_clerk(orgs, client_for, county_a_clerk, view_only_auditor):
    changelist = reverse("admin:members_duesrecord_changelist")
    assert "生成某月党费" in client_for(county_a_clerk).get(changelist).content.decode()
    assert "生成某月党费" not in client_for(view_only_auditor).get(changelist).content.decode()


def test_the_service_refuses_a_future_month(orgs, member):
    with pytest.raises(ValidationError, match="不能提前生成党费"):
        services.dues_generate_month(month=next_month(), actor=SYSTEM)
    assert not DuesRecord.objects.exists()


def test_the_service_refuses_a_branch_outside_the_actors_jurisdiction(orgs, member, county_b_clerk):
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        services.dues_generate_month(month=today(), branch=orgs["community"], actor=county_b_clerk)


def test_the_command_refuses_a_future_month_in_chinese(orgs, member):
    with pytest.raises(CommandError, match="不能提前生成党费"):
        call_command("members_generate_dues", month=f"{next_month():%Y-%m}", stdout=io.StringIO())
    assert not DuesRecord.objects.exists()
