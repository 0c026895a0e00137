"""Reminders (到期提醒): the rules, the in-app notifications and the mail log.

- :class:`ReminderRule` 提醒规则: which list, how many days ahead, on the day, and after
  how many overdue days the unit above is told; which roles receive.
- :class:`Notification` 站内消息: one message to one account; each account reads only its own.
- :class:`Delivery` 发送记录: one digest per person, channel and day, with every attempt.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from orgwork.accounts.roles import BUSINESS_ROLES
from orgwork.audit.models import Audited

from . import registry


class ReminderRule(Audited):
    """提醒规则: a province-wide setting kept by the business roles, as data."""

    name = models.CharField("规则名称", max_length=100)
    source = models.CharField("事项来源", max_length=60)
    roles = models.JSONField("接收角色", default=list, help_text="责任单位中持有这些角色的工作人员收到提醒。")
    days_before = models.PositiveSmallIntegerField(
        "提前提醒天数", default=7, validators=[MaxValueValidator(90)], help_text="到期前多少天起提醒；0 为不提前提醒。")
    remind_on_day = models.BooleanField("到期当日提醒", default=True)
    escalate_after_days = models.PositiveSmallIntegerField(
        "逾期上报天数", null=True, blank=True, validators=[MaxValueValidator(365)],
        help_text="逾期满多少天后提醒上一级单位；空为不上报。")
    send_sms = models.BooleanField("同时发送短信", default=False,
                                   help_text="接收人在账号中登记了手机号码的，每天另发一条短信，提示登录系统查看。")
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "提醒规则"
        verbose_name_plural = "提醒规则"
        ordering = ["source", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if registry.get(self.source) is None:
            errors["source"] = "请选择已登记的事项来源。"
        roles = self.roles if isinstance(self.roles, list) else []
        if not roles or any(role not in BUSINESS_ROLES for role in roles):
            errors["roles"] = "请至少选择一个业务角色。"
        if errors:
            raise ValidationError(errors)

    @property
    def source_title(self) -> str:
        source = registry.get(self.source)
        return source.title if source else self.source


class Stage(models.TextChoices):
    SOON = "soon", "即将到期"
    DUE = "due", "今日到期"
    OVERDUE = "overdue", "已逾期"
    ESCALATED = "escalated", "逾期上报"
    NOTICE = "notice", "通知"  # not a deadline: a file ready, a job done (never in the daily mail)


class Notification(models.Model):
    """站内消息: one reminder to one account, from one item at one stage."""

    scope_field = "recipient__unit"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="notifications")
    rule = models.ForeignKey(ReminderRule, verbose_name="提醒规则", null=True, blank=True,
                             on_delete=models.SET_NULL)
    source = models.CharField("事项来源", max_length=60)
    source_key = models.CharField("事项标识", max_length=120)
    stage = models.CharField("提醒类型", max_length=12, choices=Stage.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("事项链接", max_length=300, blank=True)
    list_link = models.CharField("清单链接", max_length=300, blank=True)
    due_on = models.DateField("到期日期", null=True, blank=True)
    day = models.DateField("提醒日期", default=timezone.localdate)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    mailed = models.ForeignKey("Delivery", verbose_name="邮件", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="notifications")

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "source_key", "day"], name="notification_once_a_day"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "source_key"], name="notification_key_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    MAIL = "mail", "电子邮件"
    SMS = "sms", "短信"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    RETRYING = "retrying", "发送失败，待重试"
    SENT = "sent", "已发送"


class Delivery(models.Model):
    """发送记录: one digest to one person on one channel for one day, and its attempts.
    A failed attempt is kept and retried later with a growing pause; nothing is dropped."""

    scope_field = "recipient__unit"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="deliveries")
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices, default=Channel.MAIL)
    day = models.DateField("日期", default=timezone.localdate)
    address = models.CharField("地址", max_length=254)
    subject = models.CharField("主题", max_length=200)
    body = models.TextField("正文")
    item_count = models.PositiveIntegerField("事项数", default=0)
    status = models.CharField("状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近一次错误", blank=True)
    next_try_at = models.DateTimeField("下次尝试时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "channel", "day"], name="delivery_one_digest_a_day"),
        ]
        indexes = [models.Index(fields=["status", "next_try_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.day}"
