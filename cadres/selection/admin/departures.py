"""离任检查 admin: the check of a principal who left, its findings, its conclusion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.urls import reverse

from cadres.models import Post
from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset

from ..models import CheckStatus, DepartureCheck, DepartureFinding
from ..selectors import principal_post_q
from ..services import departure_check_open, departure_post_errors
from .steps import DEPARTURE_CHECK_STEPS, departure_check_timeline


class DepartureCheckForm(forms.ModelForm):
    class Meta:
        model = DepartureCheck
        fields = ("post", "checked_on", "inspectors", "summary")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        post = cleaned.get("post")
        if post is not None and not self.instance.pk:
            for field, message in departure_post_errors(post).items():
                self.add_error(field, message)
        return cleaned


class FindingInline(ScopedInline):
    model = DepartureFinding
    fields = ("description", "is_problem", "item_link")
    readonly_fields = ("description", "is_problem", "item_link")
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # findings are added by the 登记检查发现 step

    @admin.display(description="整改事项")
    def item_link(self, obj: DepartureFinding) -> str:
        if obj.rectification_item_id is None:
            return "—"
        return format_html('<a href="{}">查看</a>', reverse("admin:rectification_rectificationitem_change",
                                                          args=[obj.rectification_item_id]))


@admin.register(DepartureCheck)
class DepartureCheckAdmin(RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    record_steps = DEPARTURE_CHECK_STEPS
    form = DepartureCheckForm
    list_display = ("cadre", "unit", "post_title", "removed_on", "checked_on", "inspectors", "status")
    list_filter = (UnitSubtreeFilter, "status")
    list_select_related = ("cadre", "unit", "post")
    search_fields = ("cadre__name", "inspectors")
    ordering = ("-checked_on", "-id")
    inlines = (FindingInline,)

    def get_inlines(self, request: HttpRequest, obj: Any) -> tuple[Any, ...]:
        return self.inlines if obj is not None else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["post", "checked_on", "inspectors", "summary"]
        return ["post", "unit", "cadre", "checked_on", "inspectors", "summary", "status", "concluded_at",
                "concluded_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        done = obj.status != CheckStatus.CHECKING
        return ("post", "unit", "cadre", "status", "concluded_at", "concluded_by",
                *(("checked_on", "inspectors", "summary") if done else ()))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "post":
            # Ended principal posts in the user's jurisdiction without a check yet.
            kwargs["queryset"] = (Post.objects.filter(principal_post_q(), removed_on__isnull=False,
                                                      departure_check__isnull=True,
                                                      unit__in=scope_queryset(Unit.objects.all(), request.user))
                                  .select_related("cadre").order_by("-removed_on", "-id"))
            field = super(ScopedModelAdmin, self).formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda p: f"{p.cadre.name} {p.title}（{p.removed_on:%Y-%m-%d}离任）"
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="离任职务")
    def post_title(self, obj: DepartureCheck) -> str:
        return obj.post.title

    @admin.display(description="免职时间", ordering="post__removed_on")
    def removed_on(self, obj: DepartureCheck) -> Any:
        return obj.post.removed_on

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A concluded check is read, not edited (its page keeps no save button).
        if obj is not None and obj.status != CheckStatus.CHECKING:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: DepartureCheck, form: Any, change: bool) -> None:
        if change:
            from ..services import departure_check_save

            departure_check_save(check=obj, actor=request.user)
            return
        created = departure_check_open(post=obj.post, checked_on=obj.checked_on, inspectors=obj.inspectors,
                                       summary=obj.summary, actor=request.user)
        obj.pk, obj.unit, obj.cadre = created.pk, created.unit, created.cadre
        obj._state.adding = False

    def timeline_records(self, record: DepartureCheck) -> list[Any]:
        return departure_check_timeline(record)
