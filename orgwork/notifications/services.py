"""Reminder services: rule edits, reading one's messages, the daily pass and mail.

The daily pass (``reminders_send``, run by ``manage.py send_reminders`` and the worker)
does three steps, each safe to repeat:

1. ``notifications_create``: for every active rule and every item due, the stage the
   item has reached today (即将到期, 今日到期, 已逾期, 逾期上报) goes once to each clerk of
   the rule's roles in the responsible unit; once the item is ``escalate_after_days``
   overdue, the clerks of the unit above hear of it too. A stage reaches a person once:
   a second run, the same day or later, adds nothing.
2. ``digests_build``: one mail per person per day listing what has not been mailed yet;
   ``sms_build``: for the rules that ask for 短信, one text per person per day to the
   mobile number on the account (``orgwork.notifications.sms`` sends it).
3. ``deliveries_send``: sends what is due; a failure is recorded and tried again later
   with a doubling pause (5 minutes, 10, 20 … at most 6 hours: ``backoff``), never dropped.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from orgwork.audit.models import AuditAction
from orgwork.common.contract import is_system, require_actor, require_permission, save_audited
from orgwork.common.secrets import mask_text
from orgwork.units.models import Unit
from orgwork.units.scope import home_unit, sees_everything

from . import registry
from .models import Channel, Delivery, DeliveryStatus, Notification, ReminderRule, Stage

logger = logging.getLogger("orgwork.notifications")

RULE_FIELDS = ("name", "source", "roles", "days_before", "remind_on_day", "escalate_after_days", "send_sms",
               "is_active")
BACKOFF_MAX = datetime.timedelta(hours=6)


# ---- rules -------------------------------------------------------------------------

def keeps_reminder_rules(actor: Any) -> bool:
    """提醒规则 are the province's: changed by the province's own staff (an account of the
    root unit holding the right), or by the system; a city or county clerk reads them."""
    if is_system(actor) or sees_everything(actor):
        return True
    unit = home_unit(actor)
    return unit is not None and unit.parent_id is None


def _roles_held(actor: Any) -> set[str] | None:
    """The business roles the actor holds; None for the system and a superuser (all)."""
    if is_system(actor) or sees_everything(actor):
        return None
    return set(actor.groups.values_list("name", flat=True))


def reminder_rule_line_error(*, actor: Any, before: list[str], after: list[str]) -> str:
    """A province clerk keeps the rules of their own line of work (业务条线): a rule that
    goes to none of their roles is read only, and the receiving roles of another line are
    neither added nor taken away. "" when the change is theirs to make."""
    held = _roles_held(actor)
    if held is None:
        return ""
    if before and not set(before) & held:
        return f"该提醒规则发给{'、'.join(before)}，不属于您的业务条线，您只能查阅。"
    foreign = sorted((set(before) ^ set(after)) - held)
    if foreign:
        return f"不能增删其他业务条线的接收角色（{'、'.join(foreign)}）：由该条线的省级工作人员维护。"
    return ""


def reminder_rule_open_to(actor: Any, rule: ReminderRule) -> bool:
    """Whether the actor may change this rule (the admin shows it read-only otherwise)."""
    return keeps_reminder_rules(actor) and not reminder_rule_line_error(
        actor=actor, before=list(rule.roles or []), after=list(rule.roles or []))


def reminder_rule_save(*, rule: ReminderRule, actor: Any) -> ReminderRule:
    """Create or change a rule: permission, the province's own staff only, within their
    line of work, the rule's own checks, one audit row."""
    creating = rule._state.adding
    require_permission(actor, "notifications.add_reminderrule" if creating else "notifications.change_reminderrule",
                       "维护提醒规则")
    if not keeps_reminder_rules(actor):
        raise ValidationError("提醒规则全省统一，由省级组织部门维护；市县工作人员只能查阅。", code="province_only")
    rule.full_clean()
    with transaction.atomic():
        before: list[str] = []
        if not creating:
            stored = ReminderRule.objects.select_for_update().filter(pk=rule.pk).first()
            if stored is None:
                raise ValidationError("该提醒规则不存在。")
            before = list(stored.roles or [])
        error = reminder_rule_line_error(actor=actor, before=before, after=list(rule.roles or []))
        if error:
            raise ValidationError({"roles": error}, code="other_line")
        save_audited(rule, actor=actor, fields=None if creating else RULE_FIELDS,
                     action=AuditAction.CREATE if creating else AuditAction.UPDATE)
    return rule


# The rules the data migrations seed (0002_default_rules, 0004, 0006 and 0007 keep their own copies).
DEFAULT_RULES = (
    ("整改清单事项到期提醒", "rectification_item", ["干部监督", "基层党建", "人才工作"], 7, True, 3),
    ("软弱涣散党组织整顿时限提醒", "branches_weak_case", ["基层党建"], 7, True, 3),
    ("人才绿色通道办结时限提醒", "talent_green_request", ["人才工作"], 3, True, 1),
    # 0004_more_default_rules
    ("凡提四必审查办结时限提醒", "supervision_vetting_case", ["干部监督"], 7, True, 7),
    ("因私出入境证件交还提醒", "supervision_travel_loan", ["干部监督"], 3, True, 3),
    ("个人有关事项抽查发现问题处理提醒", "supervision_spot_check_finding", ["干部监督"], 7, True, 7),
    ("预备党员预备期满提醒", "members_probation_end", ["基层党建"], 30, True, 7),
    ("组织关系转接在途超时提醒", "members_transfer_transit", ["基层党建"], 0, True, 7),
    # 0006_approval_default_rule
    ("预备党员上级党委审批期限提醒", "members_approval_due", ["基层党建"], 15, True, 7),
    # 0007_meetings_default_rule
    ("三会一课未按期开展提醒", "branches_meetings_behind", ["基层党建"], 7, True, 15),
    # branches.0014_term_election
    ("党组织换届选举提醒", "branches_term_election", ["基层党建"], 90, True, 30),
)


def reminder_rules_ensure_defaults(*, actor: Any) -> int:
    """Create the default rule of every source that has none (the demo seeder). Returns how many."""
    made = 0
    for name, source, roles, before, on_day, escalate in DEFAULT_RULES:
        if registry.get(source) is None or ReminderRule.objects.filter(source=source).exists():
            continue
        reminder_rule_save(rule=ReminderRule(name=name, source=source, roles=roles, days_before=before,
                                             remind_on_day=on_day, escalate_after_days=escalate), actor=actor)
        made += 1
    return made


# ---- reading -----------------------------------------------------------------------

def notifications_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's own messages read (all unread ones when ``ids`` is None)."""
    require_actor(user)
    qs = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    # Reading one's messages changes no business record: no audit row.
    return qs.update(read_at=timezone.now())


def notice_send(*, recipient: Any, key: str, title: str, body: str = "", link: str = "") -> Notification | None:
    """One message to one account about something done for it (a file ready to download).
    Once per ``key``: a second call adds nothing. It stays in the inbox; the daily mail
    carries deadlines only."""
    require_actor(recipient)
    with transaction.atomic():
        made = Notification.objects.bulk_create([Notification(
            recipient=recipient, source="notice", source_key=key[:120], stage=Stage.NOTICE, title=title[:200],
            body=mask_text(body), link=link[:300], day=timezone.localdate())], ignore_conflicts=True)
    return made[0] if made and made[0].pk else None


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


# ---- step 1: notifications ---------------------------------------------------------

def stage_of(rule: ReminderRule, deadline: datetime.date, today: datetime.date) -> str | None:
    days_left = (deadline - today).days
    if days_left > 0:
        return Stage.SOON if rule.days_before and days_left <= rule.days_before else None
    if days_left == 0:
        return Stage.DUE if rule.remind_on_day else None
    return Stage.OVERDUE


@dataclass
class _Clerks:
    """Active staff of the rule's roles by home unit, and the unit tree's parent links."""

    roles: tuple[str, ...]

    def __post_init__(self) -> None:
        users = (get_user_model().objects.filter(is_active=True, is_staff=True, unit__isnull=False,
                                                 groups__name__in=self.roles).distinct())
        self.by_unit: dict[int, list[Any]] = defaultdict(list)
        for user in users:
            self.by_unit[user.unit_id].append(user)
        self.parent = dict(Unit.objects.values_list("pk", "parent_id"))
        self.names = dict(Unit.objects.values_list("pk", "full_name"))

    def nearest(self, unit_id: int | None, right: str) -> tuple[int | None, list[Any]]:
        """The clerks of ``unit_id`` who hold ``right`` (to view the records the item names),
        or of the nearest unit above it that has some. A rule naming a role without that
        right tells its holders nothing of the item."""
        while unit_id is not None:
            people = [person for person in self.by_unit.get(unit_id, ()) if person.has_perm(right)]
            if people:
                return unit_id, people
            unit_id = self.parent.get(unit_id)
        return None, []


def _notification_text(source: registry.DeadlineSource, item: registry.DueItem, stage: str,
                       today: datetime.date, unit_name: str) -> tuple[str, str]:
    what = mask_text(item.title)
    days = (item.deadline - today).days
    deadline = item.deadline.isoformat()  # one way to write a date: 2026-03-01
    if stage == Stage.SOON:
        return f"{source.title}：{days}天后到期", f"{what}（{unit_name}），{deadline}到期，还有{days}天。"
    if stage == Stage.DUE:
        return f"{source.title}：今日到期", f"{what}（{unit_name}），今天（{deadline}）到期。"
    if stage == Stage.OVERDUE:
        return f"{source.title}：已逾期{-days}天", f"{what}（{unit_name}），{deadline}到期，已逾期{-days}天，请尽快办理。"
    return (f"{source.title}：下级单位逾期{-days}天",
            f"{unit_name}的事项逾期{-days}天未办结，请督促办理：{what}，{deadline}到期。")


def notifications_create(*, actor: Any, today: datetime.date | None = None) -> int:
    """Step 1 of the daily pass. Returns how many messages were created."""
    require_permission(actor, "notifications.add_notification", "发送提醒")
    today = today or timezone.localdate()
    created = 0
    for rule in ReminderRule.objects.filter(is_active=True).order_by("pk"):
        source = registry.get(rule.source)
        if source is None or not rule.roles:
            continue
        clerks = _Clerks(tuple(rule.roles))
        list_link = source.list_url()
        wanted: list[Notification] = []
        for item in source.due(today + datetime.timedelta(days=rule.days_before)):
            stage = stage_of(rule, item.deadline, today)
            if stage is None:
                continue
            unit_name = clerks.names.get(item.unit_id, "")
            right = item.permission or source.permission
            home, people = clerks.nearest(item.unit_id, right)
            targets = [(person, stage) for person in people]
            overdue_days = (today - item.deadline).days
            if (stage == Stage.OVERDUE and rule.escalate_after_days is not None
                    and overdue_days >= rule.escalate_after_days and home is not None):
                _above, bosses = clerks.nearest(clerks.parent.get(home), right)
                targets += [(boss, Stage.ESCALATED) for boss in bosses]
            for person, person_stage in targets:
                title, body = _notification_text(source, item, person_stage, today, unit_name)
                wanted.append(Notification(
                    recipient=person, rule=rule, source=source.key, source_key=f"{source.key}:{item.pk}:{person_stage}",
                    stage=person_stage, title=title[:200], body=body, link=item.link, list_link=list_link,
                    due_on=item.deadline, day=today))
        created += _create_new(wanted)
    return created


def _create_new(wanted: list[Notification]) -> int:
    """Only the (recipient, item stage) pairs not notified before, on any day."""
    if not wanted:
        return 0
    seen = set(Notification.objects.filter(
        recipient_id__in={n.recipient_id for n in wanted}, source_key__in={n.source_key for n in wanted},
    ).values_list("recipient_id", "source_key"))
    fresh, keys = [], set()
    for n in wanted:
        key = (n.recipient_id, n.source_key)
        if key not in seen and key not in keys:
            keys.add(key)
            fresh.append(n)
    # A concurrent run the same day meets the unique constraint and adds nothing twice.
    made = Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(made)


# ---- step 2: digests ---------------------------------------------------------------

def absolute(path: str) -> str:
    base = getattr(settings, "ORGWORK_BASE_URL", "").rstrip("/")
    return f"{base}{path}" if path.startswith("/") else path


def digest_text(user: Any, notifications: list[Notification], today: datetime.date) -> tuple[str, str]:
    name = user.get_full_name() or user.get_username()
    subject = f"【组织工作提醒】{today.year}年{today.month}月{today.day}日 待办提醒{len(notifications)}条"
    lines = [f"{name}：", "", f"您有{len(notifications)}条到期提醒，请登录系统办理。", ""]
    by_source: dict[str, list[Notification]] = defaultdict(list)
    for n in notifications:
        by_source[n.source].append(n)
    for key, items in by_source.items():
        source = registry.get(key)
        lines.append(f"■ {source.title if source else key}（{len(items)}条）")
        for n in items:
            lines.append(f"  · {n.body}")  # the body says the item, its deadline and the days left or overdue
        if items[0].list_link:
            lines.append(f"  查看清单：{absolute(items[0].list_link)}")
        lines.append("")
    lines += [f"站内消息：{absolute(reverse('admin:notifications_notification_changelist'))}", "",
              "本邮件由系统自动发送，请勿回复。"]
    return subject, mask_text("\n".join(lines))


def digests_build(*, actor: Any, today: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """Step 2: one mail per person for today, of the messages not mailed yet. Returns
    how many digests were made."""
    require_permission(actor, "notifications.add_delivery", "发送提醒")
    today = today or timezone.localdate()
    pending = (Notification.objects.filter(mailed__isnull=True, recipient__is_active=True)
               .exclude(recipient__email="").exclude(stage=Stage.NOTICE).select_related("recipient").order_by("recipient_id", "source", "due_on", "pk"))
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in pending:
        by_user[n.recipient_id].append(n)
    made = 0
    for notifications in by_user.values():
        user = notifications[0].recipient
        with transaction.atomic():
            if Delivery.objects.filter(recipient=user, channel=Channel.MAIL, day=today).exists():
                continue  # today's digest has gone: the rest waits for tomorrow's
            subject, body = digest_text(user, notifications, today)
            delivery = Delivery.objects.create(recipient=user, channel=Channel.MAIL, day=today, address=user.email,
                                               subject=subject, body=body, item_count=len(notifications),
                                               next_try_at=now or timezone.now())
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(mailed=delivery)
            made += 1
    return made


def sms_text(user: Any, notifications: list[Notification], total: int | None = None) -> str:
    """A short text with no personal data: how many items of which lists, and where to look.
    ``notifications`` are those of the rules that ask for 短信; ``total`` is all of the day's
    reminders (the mail's count): when more, the text says so, so its number is never read
    as the day's whole."""
    by_source: dict[str, int] = defaultdict(int)
    for n in notifications:
        by_source[n.source] += 1
    parts = "、".join(f"{(registry.get(k).title if registry.get(k) else k)}{count}条" for k, count in by_source.items())
    if total is None or total <= len(notifications):
        return f"【组织工作提醒】您今天有{len(notifications)}条到期提醒（{parts}），请登录组织工作管理系统查看。"
    return (f"【组织工作提醒】您今天有{total}条到期提醒，其中需短信提醒的{len(notifications)}条（{parts}），"
            "请登录组织工作管理系统查看。")


def sms_build(*, actor: Any, today: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """Step 2 (短信): one text per person per day to the mobile number on the account, for
    today's messages of the rules that ask for 短信. Returns how many texts were made."""
    require_permission(actor, "notifications.add_delivery", "发送提醒")
    today = today or timezone.localdate()
    todays = (Notification.objects.filter(day=today, rule__send_sms=True, recipient__is_active=True)
              .exclude(recipient__mobile="").exclude(stage=Stage.NOTICE).select_related("recipient")
              .order_by("recipient_id", "source", "pk"))
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in todays:
        by_user[n.recipient_id].append(n)
    made = 0
    for notifications in by_user.values():
        user = notifications[0].recipient
        with transaction.atomic():
            if Delivery.objects.filter(recipient=user, channel=Channel.SMS, day=today).exists():
                continue  # one text a day
            total = (Notification.objects.filter(recipient=user, day=today).exclude(stage=Stage.NOTICE)
                     .count())
            text = sms_text(user, notifications, total)
            Delivery.objects.create(recipient=user, channel=Channel.SMS, day=today, address=user.mobile,
                                    subject="短信提醒", body=text, item_count=len(notifications),
                                    next_try_at=now or timezone.now())
            made += 1
    return made


# ---- step 3: sending ---------------------------------------------------------------

def backoff(attempts: int) -> datetime.timedelta:
    """The pause after the ``attempts``-th failure: the first pause (settings.
    ORGWORK_MAIL_RETRY_SECONDS, 5 minutes), doubled each time, at most 6 hours."""
    first = datetime.timedelta(seconds=getattr(settings, "ORGWORK_MAIL_RETRY_SECONDS", 300))
    return min(first * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def deliveries_send(*, actor: Any, now: datetime.datetime | None = None) -> dict[str, int]:
    """Step 3: send every digest whose time has come. Returns counts of sent and failed."""
    require_permission(actor, "notifications.change_delivery", "发送提醒")
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0}
    due = list(Delivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
                                       next_try_at__lte=now).values_list("pk", flat=True))
    for pk in due:
        with transaction.atomic():
            delivery = (Delivery.objects.select_for_update(skip_locked=True)
                        .filter(pk=pk, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]).first())
            if delivery is None:
                continue
            delivery.attempts += 1
            try:
                _send(delivery)
            except Exception as exc:  # any failure of the transport is recorded and retried
                delivery.status = DeliveryStatus.RETRYING
                delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                delivery.next_try_at = now + backoff(delivery.attempts)
                counts["failed"] += 1
                logger.warning("提醒邮件发送失败（第%s次），将于%s重试：%s", delivery.attempts,
                               f"{timezone.localtime(delivery.next_try_at):%Y-%m-%d %H:%M}", delivery.last_error)
                _retry_later(delivery.next_try_at)
            else:
                delivery.status = DeliveryStatus.SENT
                delivery.sent_at = timezone.now()
                counts["sent"] += 1
            delivery.save(update_fields=["attempts", "status", "last_error", "next_try_at", "sent_at"])
    return counts


def _retry_later(when: datetime.datetime) -> None:
    """Ask the worker to try again at ``when``; the next daily pass retries too, should no
    worker be running."""
    from .tasks import deliver_mail

    def enqueue() -> None:
        try:
            deliver_mail.using(run_after=when).enqueue()
        except Exception:  # no worker backend here: the daily pass will retry
            logger.warning("未能登记重试任务，将由下一次提醒发送重试。", exc_info=True)

    transaction.on_commit(enqueue)


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.SMS:
        from .sms import get_backend

        get_backend().send(delivery.address, delivery.body)
        return
    EmailMessage(subject=delivery.subject, body=delivery.body, to=[delivery.address]).send(fail_silently=False)


# ---- the daily pass ----------------------------------------------------------------

def reminders_send(*, actor: Any, today: datetime.date | None = None,
                   now: datetime.datetime | None = None) -> dict[str, int]:
    if actor is None:
        raise ValidationError("未指明操作人，不能发送提醒。", code="no_actor")
    created = notifications_create(actor=actor, today=today)
    digests = digests_build(actor=actor, today=today, now=now)
    texts = sms_build(actor=actor, today=today, now=now)
    sent = deliveries_send(actor=actor, now=now)
    return {"notifications": created, "digests": digests, "texts": texts, **sent}
