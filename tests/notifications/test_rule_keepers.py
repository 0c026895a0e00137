"""提醒规则 are the province's: a city or county clerk reads them, the province's own staff
change the rules of their own line of work, and the administrators none (QA #5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.accounts import roles
from orgwork.accounts.models import User
from orgwork.common.contract import SystemActor
from orgwork.notifications import services
from orgwork.notifications.models import ReminderRule
from orgwork.units.models import Unit

pytestmark = pytest.mark.django_db


def form_data(rule: ReminderRule, **changes: Any) -> dict[str, Any]:
    data = {"name": rule.name, "source": rule.source, "roles": list(rule.roles), "days_before": str(rule.days_before),
            "remind_on_day": "on", "escalate_after_days": str(rule.escalate_after_days or ""), "is_active": "on"}
    data.update(changes)
    return data


def test_a_county_clerk_reads_the_rules_but_cannot_change_one_on_the_page_or_through_the_service(
        county_a_clerk: User, client_for: Callable[[User], Any]) -> None:
    rule = ReminderRule.objects.get(source="branches_weak_case")
    client = client_for(county_a_clerk)
    assert client.get(reverse("admin:notifications_reminderrule_changelist")).status_code == 200
    url = reverse("admin:notifications_reminderrule_change", args=[rule.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'name="_save"' not in html
    assert "软弱涣散党组织整顿" in html and "branches_weak_case" not in html and '["基层党建"]' not in html
    assert client.post(url, form_data(rule, days_before="1")).status_code == 403
    assert client.get(reverse("admin:notifications_reminderrule_add")).status_code == 403
    rule.days_before = 1
    with pytest.raises(ValidationError, match="由省级组织部门维护"):
        services.reminder_rule_save(rule=rule, actor=county_a_clerk)
    rule.refresh_from_db()
    assert rule.days_before == 7


def test_a_city_officer_cannot_switch_a_rule_off_for_the_whole_province(city_officer: User) -> None:
    rule = ReminderRule.objects.get(source="talent_green_request")
    rule.is_active = False
    with pytest.raises(ValidationError):
        services.reminder_rule_save(rule=rule, actor=city_officer)
    assert ReminderRule.objects.get(pk=rule.pk).is_active


def test_a_province_clerk_changes_a_rule_of_their_own_line_but_not_one_of_another_line(
        tree: dict[str, Unit], make_staff: Callable[..., User], client_for: Callable[[User], Any]) -> None:
    party = make_staff("province_party", tree["province"], roles.PARTY_BUILDING)
    own = ReminderRule.objects.get(source="branches_weak_case")
    client = client_for(party)
    response = client.post(reverse("admin:notifications_reminderrule_change", args=[own.pk]),
                           form_data(own, days_before="10"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.days_before == 10

    other = ReminderRule.objects.get(source="talent_green_request")
    assert client.post(reverse("admin:notifications_reminderrule_change", args=[other.pk]),
                       form_data(other, days_before="1")).status_code == 403
    other.days_before = 1
    with pytest.raises(ValidationError, match="不属于您的业务条线"):
        services.reminder_rule_save(rule=other, actor=party)
    assert ReminderRule.objects.get(pk=other.pk).days_before == 3


def test_a_province_clerk_may_not_add_or_take_away_another_lines_receiving_role(
        tree: dict[str, Unit], make_staff: Callable[..., User], client_for: Callable[[User], Any]) -> None:
    party = make_staff("province_party", tree["province"], roles.PARTY_BUILDING)
    shared = ReminderRule.objects.get(source="rectification_item")
    response = client_for(party).post(reverse("admin:notifications_reminderrule_change", args=[shared.pk]),
                                      form_data(shared, roles=["基层党建"]))
    assert response.status_code == 200
    assert "不能增删其他业务条线的接收角色（人才工作、干部监督）" in response.content.decode()
    assert ReminderRule.objects.get(pk=shared.pk).roles == ["干部监督", "基层党建", "人才工作"]
    shared.days_before = 5  # its own part of a shared rule: allowed
    services.reminder_rule_save(rule=shared, actor=party)
    new = ReminderRule(name="另一条", source="talent_green_request", roles=["人才工作"], days_before=3)
    with pytest.raises(ValidationError, match="人才工作"):
        services.reminder_rule_save(rule=new, actor=party)


def test_no_administrator_changes_a_rule_and_the_system_still_does(personas: dict[str, User]) -> None:
    rule = ReminderRule.objects.get(source="rectification_item")
    rule.days_before = 2
    for name in ("system_admin", "security_admin", "audit_admin", "view_only_auditor"):
        with pytest.raises(ValidationError, match="权限"):
            services.reminder_rule_save(rule=rule, actor=personas[name])
    services.reminder_rule_save(rule=rule, actor=SystemActor("seed_demo"))
    assert ReminderRule.objects.get(pk=rule.pk).days_before == 2
