"""站内消息 (each account's own inbox), 提醒规则 (kept by the business roles) and the
read-only 发送记录 (the system administrator's: who was mailed, when, and what failed —
not the mail's content, which is business data)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from orgwork.accounts.roles import BUSINESS_ROLES
from orgwork.admin_base import ScopedModelAdmin
from orgwork.common.secrets import mask_phone

from . import registry, services
from .models import Channel, Delivery, Notification, ReminderRule, Stage


def in_app_url(url: str) -> str:
    """``url`` if it is a path inside this site ("/admin/…"), else "": a message's link is
    drawn as a link only to a page of the system, never to another host or scheme."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=set()) else ""


class ReadFilter(admin.SimpleListFilter):
    title = "阅读状态"
    parameter_name = "read"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("unread", "未读"), ("read", "已读")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if self.value() == "unread":
            return queryset.filter(read_at__isnull=True)
        if self.value() == "read":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ScopedModelAdmin):
    """The inbox: an account's own messages and nobody else's, whatever its rights."""

    list_display = ("title_link", "body", "due_on", "day", "read_state")
    list_filter = (ReadFilter, "stage")
    search_fields = ("title", "body")
    actions = ["mark_read"]
    list_per_page = 50
    # The page a clerk opens: what the message says and where to act on it, never the
    # internal keys (事项来源, 事项标识) the daily pass files it under.
    fields = ("title", "stage", "body", "due_on", "day", "created_at", "read_at", "item_link", "worklist_link")
    readonly_fields = ("item_link", "worklist_link")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Notification]:
        # One's own, which lie in one's jurisdiction anyway: a superior does not read a clerk's inbox.
        return super().get_queryset(request).filter(recipient_id=request.user.pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [path("<int:pk>/open/", self.admin_site.admin_view(self.open_view),
                     name="notifications_notification_open"), *super().get_urls()]

    def open_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Marks the message read and goes to the item it is about."""
        if not self.has_view_permission(request):
            raise Http404
        notification = self.get_queryset(request).filter(pk=pk).first()
        if notification is None:
            raise Http404
        services.notifications_mark_read(user=request.user, ids=[notification.pk])
        target = notification.link or notification.list_link
        if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:notifications_notification_changelist")
        return HttpResponseRedirect(target)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Opening one's own message marks it read, as the list's 标记为已读 does (no audit
        row: reading one's messages changes no business record)."""
        if request.method == "GET" and (notification := self.get_object(request, unquote(object_id))) is not None:
            services.notifications_mark_read(user=request.user, ids=[notification.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="事项链接")
    def item_link(self, obj: Notification) -> str:
        url = in_app_url(obj.link)
        if not url:
            return "—"
        return format_html('<a href="{}" class="text-primary-600 underline">{}</a>', url,
                           "查看" if obj.stage == Stage.NOTICE else "办理")

    @admin.display(description="清单链接")
    def worklist_link(self, obj: Notification) -> str:
        url = in_app_url(obj.list_link)
        return format_html('<a href="{}" class="text-primary-600 underline">{}</a>', url, "查看清单") if url else "—"

    @admin.display(description="标题")
    def title_link(self, obj: Notification) -> str:
        return format_html('<a href="{}">{}</a>', reverse("admin:notifications_notification_open", args=[obj.pk]),
                           obj.title)

    @admin.display(description="阅读状态")
    def read_state(self, obj: Notification) -> str:
        return "已读" if obj.read_at else "未读"

    @admin.action(description="标记为已读", permissions=["view"])
    def mark_read(self, request: HttpRequest, queryset: models.QuerySet[Notification]) -> None:
        count = services.notifications_mark_read(user=request.user, ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"已将{count}条消息标记为已读。", messages.SUCCESS)


class ReminderRuleForm(forms.ModelForm):
    source = forms.ChoiceField(label="事项来源", choices=())
    roles = forms.MultipleChoiceField(label="接收角色", choices=[(r, r) for r in BUSINESS_ROLES],
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text="责任单位中持有这些角色的工作人员收到提醒。")

    class Meta:
        model = ReminderRule
        fields = ["name", "source", "roles", "days_before", "remind_on_day", "escalate_after_days", "send_sms",
                  "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = registry.choices()


@admin.register(ReminderRule)
class ReminderRuleAdmin(ScopedModelAdmin):
    """提醒规则: province-wide configuration, every holder of the right reads it whole; the
    province's own staff change the rules of their line of work
    (``services.keeps_reminder_rules``, ``services.reminder_rule_line_error``), a city or
    county clerk reads them."""

    form = ReminderRuleForm
    list_display = ("name", "source_title", "roles_shown", "days_before", "remind_on_day", "escalate_after_days",
                    "send_sms", "is_active")
    list_filter = ("is_active",)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[ReminderRule]:
        # A province-wide table belongs to no unit: whoever holds the permission reads it whole.
        return ReminderRule.objects.all()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return services.keeps_reminder_rules(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return services.keeps_reminder_rules(request.user)
        return services.reminder_rule_open_to(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a rule is switched off, not deleted: its messages keep pointing at it

    # Read-only (a city or county clerk), the source and roles by their names, not the
    # stored key and list (branches_weak_case, ["基层党建"]).
    READ_ONLY_SHOWN = {"source": "source_title", "roles": "roles_shown"}

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            fields = [self.READ_ONLY_SHOWN.get(name, name) for name in fields]
        return fields

    @admin.display(description="事项来源")
    def source_title(self, obj: ReminderRule) -> str:
        return obj.source_title

    @admin.display(description="接收角色")
    def roles_shown(self, obj: ReminderRule) -> str:
        return "、".join(obj.roles or [])

    def save_model(self, request: HttpRequest, obj: ReminderRule, form: Any, change: bool) -> None:
        services.reminder_rule_save(rule=obj, actor=request.user)


@admin.register(Delivery)
class DeliveryAdmin(ScopedModelAdmin):
    """发送记录, read-only: status and attempts, never the mail's content."""

    list_display = ("recipient", "channel", "day", "item_count", "status", "attempts", "next_try_at", "sent_at",
                    "last_error")
    list_filter = ("status", "channel", "day")
    fields = ("recipient", "channel", "day", "masked_address", "item_count", "status", "attempts", "last_error",
              "next_try_at", "sent_at", "created_at")
    readonly_fields = fields
    list_select_related = ("recipient",)

    @admin.display(description="地址")
    def masked_address(self, obj: Delivery) -> str:
        # A 短信's address is a mobile number: personal data, shown masked as everywhere.
        return mask_phone(obj.address) if obj.channel == Channel.SMS else obj.address

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
