"""后备干部库 admin: the pools with their figures (在库, 名额, 70后/80后/90后, 平均年龄,
使用率), the members read-only on the pool's page, the 年度动态调整 step (steps.py) and the
pool's 办理记录 with its members'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from orgwork.admin_actions import action_with_form
from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter, warning_flag
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin

from cadres.models import Rank
from orgwork.units.scope import home_unit, sees_everything

from ..models import ReserveMember, ReservePool, levels_kept_by
from ..selectors import annotate_pool_figures, mean_age, use_rate
from ..services import reserve_adjust, reserve_pool_save
from .steps import POOL_STEPS, AdjustForm


class PoolForm(forms.ModelForm):
    class Meta:
        model = ReservePool
        fields = ("unit", "level", "quota", "age_limit", "remarks")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # The service's rule, shown on the form (see reserve_pool_save).
        if self.instance.pk and "level" in self.changed_data and self.instance.members.exists():
            self.add_error("level", "库中已有干部，不能再改后备层次。")
        return cleaned


class PoolMembersInline(ScopedInline):
    """The pool's members as they stand; every change is a step on the member's own page."""

    model = ReserveMember
    fields = ("cadre", "status", "recommended_on", "inspected_on", "entered_on", "exit_reason", "exited_on")
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    verbose_name_plural = "库中干部（推荐、考察、出库在干部的后备记录页面办理）"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("cadre")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReservePool)
class ReservePoolAdmin(RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    form = PoolForm
    record_steps = POOL_STEPS
    list_display = ("unit", "level", "quota", "in_pool_shown", "quota_state", "born_70_shown", "born_80_shown",
                    "born_90_shown", "average_age", "use_rate_shown", "age_limit")
    list_filter = (UnitSubtreeFilter, "level")
    list_select_related = ("unit",)
    search_fields = ("unit__name", "unit__code")
    autocomplete_fields = ("unit",)
    inlines = (PoolMembersInline,)
    actions = ("adjust_pools",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return annotate_pool_figures(super().get_queryset(request))

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Offer only the levels the user's own unit manages (ReservePool.clean says why a
        # lower unit chosen on the form may keep fewer).
        home = home_unit(request.user)
        if db_field.name == "level" and home is not None and not sees_everything(request.user):
            kept = levels_kept_by(home.level)
            kwargs["choices"] = [("", "---------"), *((v, label) for v, label in Rank.choices if v in kept)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def timeline_records(self, record: ReservePool) -> list[Any]:
        """The pool's 办理记录 with its members' (推荐, 考察, 出库)."""
        return [record, *record.members.select_related("cadre")]

    def timeline_name(self, obj: Any) -> str:
        return obj.cadre.name if isinstance(obj, ReserveMember) else str(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("unit",) if obj is not None else ()

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a pool on the books stays; its 名额 can go to zero

    @admin.display(description="在库", ordering="in_pool")
    def in_pool_shown(self, obj: ReservePool) -> int:
        return obj.in_pool

    @admin.display(description="名额情况")
    def quota_state(self, obj: ReservePool) -> str:
        if obj.gap > 0:
            return warning_flag(True, f"缺{obj.gap}名")
        if obj.gap < 0:
            return warning_flag(True, f"超{-obj.gap}名")
        return "—"

    @admin.display(description="70后")
    def born_70_shown(self, obj: ReservePool) -> int:
        return obj.born_70

    @admin.display(description="80后")
    def born_80_shown(self, obj: ReservePool) -> int:
        return obj.born_80

    @admin.display(description="90后")
    def born_90_shown(self, obj: ReservePool) -> int:
        return obj.born_90

    @admin.display(description="平均年龄")
    def average_age(self, obj: ReservePool) -> str:
        age = mean_age(obj.mean_birth, timezone.localdate())
        return "—" if age is None else f"{age:.1f}岁"

    @admin.display(description="本年使用率")
    def use_rate_shown(self, obj: ReservePool) -> str:
        rate = use_rate(obj.promoted_year, obj.members_year)
        return "—" if rate is None else f"{rate:.1f}%（{obj.promoted_year}/{obj.members_year}）"

    def save_model(self, request: HttpRequest, obj: ReservePool, form: Any, change: bool) -> None:
        reserve_pool_save(pool=obj, actor=request.user)

    # ------------------------------------------------------------ 年度动态调整
    def has_adjust_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("reserve.change_reservemember")

    @admin.action(description="年度动态调整（所选各库）", permissions=["adjust"])
    def adjust_pools(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        return action_with_form(
            self, request, queryset, form_class=AdjustForm, title="年度动态调整", action="adjust_pools",
            service=lambda pool, d: reserve_adjust(pool=pool, actor=request.user, on=d["exited_on"],
                                                   exited_on=d["exited_on"]))
