"""Reminders reach the right clerks once, by mail through a real SMTP server and in the
inbox; overdue items climb to the unit above; nothing crosses a jurisdiction."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from orgwork.accounts.models import User
from orgwork.audit.models import AuditLog
from orgwork.common.contract import SystemActor
from orgwork.notifications import registry, services
from orgwork.notifications.models import Delivery, DeliveryStatus, Notification, ReminderRule, Stage
from orgwork.rectification.models import RectificationItem
from orgwork.units.models import Unit

DEADLINE = datetime.date(2026, 6, 30)
SYSTEM = SystemActor("send_reminders")


def run(day: datetime.date, now: datetime.datetime | None = None) -> dict[str, int]:
    return services.reminders_send(actor=SYSTEM, today=day, now=now)


def keys_of(user: User) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("stage", flat=True))


pytestmark = pytest.mark.django_db


def test_the_default_rules_cover_rectification_and_two_domain_lists() -> None:
    sources = set(ReminderRule.objects.filter(is_active=True).values_list("source", flat=True))
    assert {"rectification_item", "branches_weak_case", "talent_green_request"} <= sources
    assert all(registry.get(key) is not None for key in sources)


def test_a_digest_arrives_once_and_a_second_run_the_same_day_sends_nothing(
        smtp: Any, with_mail: dict[str, User], open_item: Callable[..., RectificationItem]) -> None:
    open_item(deadline=DEADLINE)
    first = run(DEADLINE - datetime.timedelta(days=7))
    assert first["sent"] == 1
    mails = smtp.mailbox.to("county_a_clerk@example.cn")
    assert len(mails) == 1
    text = mails[0].get_content()
    assert "还有7天" in text and "三重一大" in text
    list_url = reverse("admin:worklist", args=["rectification_overdue_or_returned"])
    assert f"查看清单：https://orgwork.example.cn{list_url}" in text
    assert str(mails[0]["Subject"]).strip().startswith("【组织工作提醒】")

    second = run(DEADLINE - datetime.timedelta(days=7))
    assert second == {"notifications": 0, "digests": 0, "texts": 0, "sent": 0, "failed": 0}
    assert len(smtp.mailbox.messages) == 1
    # The next day is within the same stage (即将到期): nothing new either.
    assert run(DEADLINE - datetime.timedelta(days=6))["notifications"] == 0


def test_a_clerk_of_another_county_receives_nothing(
        smtp: Any, with_mail: dict[str, User], open_item: Callable[..., RectificationItem]) -> None:
    open_item(deadline=DEADLINE)
    for day in (DEADLINE - datetime.timedelta(days=7), DEADLINE, DEADLINE + datetime.timedelta(days=5)):
        run(day)
    county_b = with_mail["county_b_clerk"]
    assert not Notification.objects.filter(recipient=county_b).exists()
    assert smtp.mailbox.to("county_b_clerk@example.cn") == []
    assert smtp.mailbox.to("county_a_clerk@example.cn")


def test_an_item_overdue_past_the_escalation_days_reaches_the_unit_above(
        with_mail: dict[str, User], open_item: Callable[..., RectificationItem]) -> None:
    open_item(deadline=DEADLINE)
    run(DEADLINE + datetime.timedelta(days=1))
    assert keys_of(with_mail["county_a_clerk"]) == {Stage.OVERDUE}
    assert keys_of(with_mail["city_officer"]) == set()

    run(DEADLINE + datetime.timedelta(days=3))
    escalated = Notification.objects.get(recipient=with_mail["city_officer"])
    assert escalated.stage == Stage.ESCALATED
    assert "城关区" in escalated.body and "逾期3天" in escalated.body
    # Only the unit directly above hears of it, not the province nor the other county.
    assert keys_of(with_mail["province_officer"]) == set()
    assert keys_of(with_mail["county_b_clerk"]) == set()


def test_an_item_of_a_township_without_clerks_reaches_the_nearest_unit_above_that_has_some(
        with_mail: dict[str, User], open_item: Callable[..., RectificationItem], tree: dict[str, Unit]) -> None:
    open_item(deadline=DEADLINE, unit=tree["township_a"])
    run(DEADLINE)
    assert keys_of(with_mail["county_a_clerk"]) == {Stage.DUE}
    assert keys_of(with_mail["city_officer"]) == set()


def test_a_failed_delivery_is_logged_retried_with_backoff_and_delivered_when_the_server_returns(
        smtp: Any, with_mail: dict[str, User], open_item: Callable[..., RectificationItem]) -> None:
    open_item(deadline=DEADLINE)
    smtp.stop()
    now = timezone.now()
    counts = run(DEADLINE, now=now)
    assert counts["failed"] == 1 and counts["sent"] == 0
    delivery = Delivery.objects.get(recipient=with_mail["county_a_clerk"])
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 1
    assert delivery.last_error
    assert delivery.next_try_at == now + datetime.timedelta(minutes=5)

    # Still down, and too early anyway: not tried again before its time.
    assert services.deliveries_send(actor=SYSTEM, now=now + datetime.timedelta(minutes=1)) == {"sent": 0, "failed": 0}

    # The server answers but refuses: a second failure, a longer pause.
    smtp.start()
    smtp.mailbox.refuse = True
    later = now + datetime.timedelta(minutes=6)
    assert services.deliveries_send(actor=SYSTEM, now=later)["failed"] == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and "451" in delivery.last_error
    assert delivery.next_try_at == later + datetime.timedelta(minutes=10)

    smtp.mailbox.refuse = False
    assert services.deliveries_send(actor=SYSTEM, now=later + datetime.timedelta(minutes=11))["sent"] == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 3 and delivery.sent_at
    assert len(smtp.mailbox.to("county_a_clerk@example.cn")) == 1
    # Sent once: a further pass sends nothing.
    assert services.deliveries_send(actor=SYSTEM, now=later + datetime.timedelta(hours=1))["sent"] == 0


def test_no_full_id_number_appears_in_any_mail(
        smtp: Any, with_mail: dict[str, User], open_item: Callable[..., RectificationItem]) -> None:
    open_item(problem="干部档案中身份证号620102197501011234与本人不符", deadline=DEADLINE)
    run(DEADLINE)
    assert smtp.mailbox.messages
    for message in smtp.mailbox.messages:
        text = message.get_content()
        assert "620102197501011234" not in text
        assert "620102********1234" in text
    assert not Notification.objects.filter(body__contains="620102197501011234").exists()


def test_an_account_without_an_e_mail_address_gets_messages_but_no_mail(
        smtp: Any, personas: dict[str, User], open_item: Callable[..., RectificationItem]) -> None:
    open_item(deadline=DEADLINE)
    run(DEADLINE)
    assert Notification.objects.filter(recipient=personas["county_a_clerk"]).count() == 1
    assert not Delivery.objects.exists() and smtp.mailbox.messages == []


def test_the_command_runs_the_daily_pass_as_the_system(
        smtp: Any, with_mail: dict[str, User], open_item: Callable[..., RectificationItem]) -> None:
    open_item(deadline=timezone.localdate())
    call_command("send_reminders")
    call_command("send_reminders")
    assert len(smtp.mailbox.to("county_a_clerk@example.cn")) == 1
    assert Notification.objects.get(recipient=with_mail["county_a_clerk"]).stage == Stage.DUE


def test_a_closed_weak_branch_case_is_not_reminded_and_an_open_one_reaches_the_party_building_clerk(
        with_mail: dict[str, User], tree: dict[str, Unit], make_staff: Callable[..., User]) -> None:
    from branches.models import Domain, OrgKind, PartyOrganisation, WeakBranchCase, WeakCaseState

    org = PartyOrganisation.objects.create(name="城关镇第一村党支部", code="X1", unit=tree["county_a"],
                                           kind=OrgKind.BRANCH, domain=Domain.values[0])
    WeakBranchCase.objects.create(organisation=org, year=2026, problems="组织生活不规范", plan="整顿", contact_leader="王强",
                                  deadline=DEADLINE)
    run(DEADLINE)
    notification = Notification.objects.get(recipient=with_mail["county_a_clerk"], source="branches_weak_case")
    assert "城关镇第一村党支部" in notification.title + notification.body
    WeakBranchCase.objects.update(state=WeakCaseState.CLOSED, closed_on=DEADLINE, awareness_rate=90,
                                  satisfaction_rate=90, surveyed_on=DEADLINE)
    run(DEADLINE + datetime.timedelta(days=5))
    assert Notification.objects.filter(source="branches_weak_case").count() == 1


# ---- the inbox and the bell ---------------------------------------------------------

def notify(user: User, title: str) -> Notification:
    return Notification.objects.create(recipient=user, source="rectification_item", source_key=f"x:{title}",
                                       stage=Stage.DUE, title=title, link="/admin/")


def test_the_inbox_shows_only_ones_own_messages(
        personas: dict[str, User], client_for: Callable[[User], Any]) -> None:
    notify(personas["county_a_clerk"], "甲县的提醒")
    theirs = notify(personas["county_b_clerk"], "乙县的提醒")
    page = client_for(personas["county_a_clerk"]).get(reverse("admin:notifications_notification_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "甲县的提醒" in html and "乙县的提醒" not in html
    # Another's message cannot be opened (nor marked read) by typing its id.
    client = client_for(personas["province_officer"])
    assert client.get(reverse("admin:notifications_notification_open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:notifications_notification_change", args=[theirs.pk])).status_code in (302, 404)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_bell_counts_ones_unread_messages_and_opening_one_marks_it_read(
        personas: dict[str, User], client_for: Callable[[User], Any]) -> None:
    clerk = personas["county_a_clerk"]
    first = notify(clerk, "第一条")
    notify(clerk, "第二条")
    notify(personas["county_b_clerk"], "别人的")
    client = client_for(clerk)
    assert '<span class="notification-count">2</span>' in client.get(reverse("admin:index")).content.decode()
    response = client.get(reverse("admin:notifications_notification_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert '<span class="notification-count">1</span>' in client.get(reverse("admin:index")).content.decode()
    changelist = reverse("admin:notifications_notification_changelist")
    client.post(changelist, {"action": "mark_read", "_selected_action": [n.pk for n in Notification.objects.all()]})
    assert services.unread_count(clerk) == 1  # a selection with another's message is refused whole
    client.post(changelist, {"action": "mark_read",
                             "_selected_action": [n.pk for n in Notification.objects.filter(recipient=clerk)]})
    assert services.unread_count(clerk) == 0
    assert Notification.objects.get(title="别人的").read_at is None
    assert "notification-count" not in client.get(reverse("admin:index")).content.decode()


def test_a_business_role_edits_a_rule_with_an_audit_row_and_the_read_only_role_cannot(
        personas: dict[str, User], client_for: Callable[[User], Any]) -> None:
    rule = ReminderRule.objects.get(source="rectification_item")
    url = reverse("admin:notifications_reminderrule_change", args=[rule.pk])
    data = {"name": rule.name, "source": rule.source, "roles": ["基层党建"], "days_before": "10",
            "remind_on_day": "on", "escalate_after_days": "5", "is_active": "on"}
    assert client_for(personas["view_only_auditor"]).post(url, data).status_code == 403
    response = client_for(personas["province_officer"]).post(url, data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.days_before == 10 and rule.roles == ["基层党建"] and rule.escalate_after_days == 5
    entry = AuditLog.objects.filter(object_id=str(rule.pk)).latest("pk")
    assert "days_before" in entry.changes


def test_a_rule_with_an_unknown_source_or_no_role_is_refused_on_the_form(
        personas: dict[str, User], client_for: Callable[[User], Any]) -> None:
    response = client_for(personas["province_officer"]).post(
        reverse("admin:notifications_reminderrule_add"),
        {"name": "x", "source": "nothing_here", "roles": [], "days_before": "7", "is_active": "on"})
    assert response.status_code == 200
    assert not ReminderRule.objects.filter(name="x").exists()


def test_the_delivery_log_is_read_only_for_the_system_administrator_and_shows_no_content(
        smtp: Any, with_mail: dict[str, User], open_item: Callable[..., RectificationItem],
        client_for: Callable[[User], Any]) -> None:
    open_item(deadline=DEADLINE)
    run(DEADLINE)
    delivery = Delivery.objects.get()
    client = client_for(with_mail["system_admin"])
    page = client.get(reverse("admin:notifications_delivery_changelist"))
    assert page.status_code == 200 and "county_a_clerk" in page.content.decode()
    detail = client.get(reverse("admin:notifications_delivery_change", args=[delivery.pk])).content.decode()
    assert "三重一大" not in detail
    assert client_for(with_mail["county_a_clerk"]).get(
        reverse("admin:notifications_delivery_changelist")).status_code == 403


def test_a_rule_without_escalation_days_never_reaches_the_unit_above_and_a_switched_off_rule_sends_nothing(
        with_mail: dict[str, User], open_item: Callable[..., RectificationItem]) -> None:
    open_item(deadline=DEADLINE)
    rule = ReminderRule.objects.get(source="rectification_item")
    rule.escalate_after_days = None
    services.reminder_rule_save(rule=rule, actor=with_mail["province_officer"])
    run(DEADLINE + datetime.timedelta(days=30))
    assert keys_of(with_mail["county_a_clerk"]) == {Stage.OVERDUE}
    assert keys_of(with_mail["city_officer"]) == set()

    Notification.objects.all().delete()
    rule.is_active = False
    services.reminder_rule_save(rule=rule, actor=with_mail["province_officer"])
    assert run(DEADLINE + datetime.timedelta(days=31))["notifications"] == 0


def test_a_rule_is_changed_only_by_an_actor_holding_the_right(
        with_mail: dict[str, User]) -> None:
    from django.core.exceptions import ValidationError

    rule = ReminderRule.objects.get(source="rectification_item")
    rule.days_before = 1
    with pytest.raises(ValidationError):
        services.reminder_rule_save(rule=rule, actor=with_mail["view_only_auditor"])
    with pytest.raises(ValidationError):
        services.reminder_rule_save(rule=rule, actor=None)
    rule.refresh_from_db()
    assert rule.days_before == 7
