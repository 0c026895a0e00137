"""Admin for talent service cards (人才服务卡) and green-channel requests (绿色通道)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from orgwork.admin_actions import action_with_form, already, run_per_object
from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter, warning_flag
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin
from orgwork.common import dates

from .. import services
from ..models import (OPEN_REQUEST_STATUSES, REQUEST_DEADLINE_FIXED, BenefitArea, GreenChannelRequest,
                      RequestStatus, ServiceCard, standard_deadline)
from .forms import CompleteForm, ExtendForm, RequestReturnForm
from .steps import GREEN_REQUEST_STEPS


class ServiceCardForm(forms.ModelForm):
    areas = forms.MultipleChoiceField(label="可享受服务事项", choices=BenefitArea.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ServiceCard
        fields = ["card_number", "level", "holder", "issued_on", "expires_on", "areas", "is_revoked"]


class ValidityFilter(admin.SimpleListFilter):
    title = "有效状态"
    parameter_name = "validity"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("valid", "有效"), ("expired", "已过期"), ("revoked", "已注销")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        if self.value() == "valid":
            return queryset.filter(is_revoked=False, issued_on__lte=today, expires_on__gte=today)
        if self.value() == "expired":
            return queryset.filter(is_revoked=False, expires_on__lt=today)
        if self.value() == "revoked":
            return queryset.filter(is_revoked=True)
        return queryset


@admin.register(ServiceCard)
class ServiceCardAdmin(ScopedModelAdmin):
    form = ServiceCardForm
    list_display = ["card_number", "level", "holder", "issued_on", "expires_on", "validity", "areas_text",
                    "open_requests"]
    list_filter = [UnitSubtreeFilter, ValidityFilter, "level"]
    list_select_related = ["holder"]
    search_fields = ["=card_number", "^holder__name"]
    autocomplete_fields = ["holder"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The requests on a card are its holder's (talent.models.CARD_HOLDER_FIXED).
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["holder"] if obj is not None else readonly

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceCard]:
        return super().get_queryset(request).annotate(
            open_n=Count("requests", filter=Q(requests__status__in=OPEN_REQUEST_STATUSES))).order_by("card_number")

    @admin.display(description="有效状态")
    def validity(self, obj: ServiceCard) -> str:
        if obj.is_revoked:
            return "已注销"
        return "有效" if obj.is_valid_on(timezone.localdate()) else "已过期"

    @admin.display(description="服务事项")
    def areas_text(self, obj: ServiceCard) -> str:
        return obj.areas_text

    @admin.display(description="在办事项", ordering="open_n")
    def open_requests(self, obj: Any) -> int:
        return obj.open_n


class GreenChannelRequestForm(forms.ModelForm):
    """The add form: the card must be valid on the submission date and open the area;
    an empty deadline takes the area's promised number of days."""

    deadline = dates.DateFormField(label="办结时限", required=False,
                               help_text="留空按事项类别自动计算（如户籍10天、就医3天）。")

    class Meta:
        model = GreenChannelRequest
        fields = ["card", "area", "content", "submitted_on", "deadline", "handler"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        card, area, submitted = data.get("card"), data.get("area"), data.get("submitted_on")
        if card is not None and area and submitted:
            message = services.card_area_error(card=card, area=area, on=submitted)
            if message:
                self.add_error("card", message)
            if not data.get("deadline"):
                data["deadline"] = standard_deadline(area, submitted)
                self.instance.deadline = data["deadline"]
        return data


class GreenChannelRequestChangeForm(forms.ModelForm):
    """The change form: the 办理诉求 and the 经办人; the 办结时限 is shown, not typed over."""

    class Meta:
        model = GreenChannelRequest
        fields = ["content", "handler"]
        help_texts = {"deadline": REQUEST_DEADLINE_FIXED}


class OverdueFilter(admin.SimpleListFilter):
    title = "是否超期"
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "超期未办结")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(status__in=OPEN_REQUEST_STATUSES, deadline__lt=timezone.localdate())
        return queryset


@admin.register(GreenChannelRequest)
class GreenChannelRequestAdmin(RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    record_steps = GREEN_REQUEST_STEPS
    list_display = ["card", "holder", "area", "submitted_on", "deadline_shown", "status", "overdue", "handler"]
    list_filter = [UnitSubtreeFilter, OverdueFilter, "status", "area"]
    list_select_related = ["card__holder", "handler"]
    search_fields = ["=card__card_number", "^card__holder__name"]
    autocomplete_fields = ["card", "handler"]
    date_hierarchy = "submitted_on"
    actions = ["accept", "extend", "complete", "return_request"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = GreenChannelRequestForm if obj is None else GreenChannelRequestChangeForm
        return super().get_form(request, obj, change, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Every request here was submitted by a holder: it ends as 办结 or 退回 (with the
        # reason, also for one entered by mistake). A deleted 待受理 request would drop off
        # the 超期 list that shows it overdue until it is answered.
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"submitted_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def save_model(self, request: HttpRequest, obj: GreenChannelRequest, form: Any, change: bool) -> None:
        if change:
            services.green_request_update(request=obj, content=obj.content, handler=obj.handler, actor=request.user)
            return
        saved = services.green_request_submit(card=obj.card, area=obj.area, content=obj.content,
                                              submitted_on=obj.submitted_on, deadline=obj.deadline,
                                              handler=obj.handler, actor=request.user)
        obj.pk, obj._state.adding = saved.pk, False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["card", "area", "content", "submitted_on", "deadline", "handler"]
        extension = ["original_deadline", "extended_on", "extension_reason"] if obj.extended_on else []
        return ["card", "area", "content", "submitted_on", "deadline", *extension, "handler", "status", "closed_on",
                "result"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        # Moves through the actions (受理/延期/办结/退回) only; the 办结时限 is the promise made
        # on submission (REQUEST_DEADLINE_FIXED), and a closed request is on the books.
        fixed = ["card", "area", "submitted_on", "deadline", "original_deadline", "extended_on", "extension_reason",
                 "status", "closed_on", "result"]
        return fixed if obj.status in OPEN_REQUEST_STATUSES else ["content", "handler", *fixed]

    @admin.display(description="持卡人", ordering="card__holder__name")
    def holder(self, obj: GreenChannelRequest) -> str:
        return obj.card.holder.name

    @admin.display(description="超期")
    def overdue(self, obj: GreenChannelRequest) -> str:
        return warning_flag(obj.is_overdue_on(timezone.localdate()), "已超期")

    @admin.display(description="办结时限", ordering="deadline")
    def deadline_shown(self, obj: GreenChannelRequest) -> str:
        if obj.original_deadline is None:
            return str(obj.deadline)
        return f"{obj.deadline}（由 {obj.original_deadline} 延期）"

    @admin.action(description="受理", permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[GreenChannelRequest]) -> None:
        run_per_object(self, request, queryset, "受理",
                       lambda r: services.green_request_accept(request=r, handler=r.handler or request.user,
                                                                  actor=request.user))

    @admin.action(description="延期", permissions=["change"])
    def extend(self, request: HttpRequest, queryset: QuerySet[GreenChannelRequest]) -> HttpResponse | None:
        return action_with_form(self, request, queryset, form_class=ExtendForm, title="延期", action="extend",
                                service=lambda r, d: services.green_request_extend(request=r, deadline=d["deadline"],
                                                                                   reason=d["reason"],
                                                                                   actor=request.user))

    @admin.action(description="办结", permissions=["change"])
    def complete(self, request: HttpRequest, queryset: QuerySet[GreenChannelRequest]) -> HttpResponse | None:
        return action_with_form(self, request, queryset, form_class=CompleteForm, title="办结", action="complete",
                                service=lambda r, d: already("已办结") if r.status == RequestStatus.DONE
                                else services.green_request_complete(request=r, result=d["result"], actor=request.user))

    @admin.action(description="退回", permissions=["change"])
    def return_request(self, request: HttpRequest, queryset: QuerySet[GreenChannelRequest]) -> HttpResponse | None:
        return action_with_form(self, request, queryset, form_class=RequestReturnForm, title="退回",
                                action="return_request",
                                service=lambda r, d: services.green_request_return(request=r, reason=d["reason"],
                                                                                   actor=request.user))
