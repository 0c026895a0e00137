"""后备干部 admin: the 推荐 form (the rules of entry shown on the form), the 登记考察 and
调整出库 steps on the record page (steps.py) and its 办理记录, the list with its filters,
and the cadre's pool membership read-only on the cadre's page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse

from cadres.admin.cadre import CadreAdmin
from orgwork.admin_actions import action_with_form
from orgwork.admin_base import ScopedInline, ScopedModelAdmin, StateFilter, UnitSubtreeFilter
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin
from orgwork.imports.admin import ImportExportMixin

from orgwork.units.scope import scope_queryset

from ..models import ACTIVE_STATUSES, ReserveMember, ReservePool
from ..selectors import GENERATIONS, born_in_q
from ..services import entry_refusals, reserve_exit, reserve_recommend
from .steps import MEMBER_STEPS, ExitForm


CURRENT = "current"


class StatusFilter(StateFilter):
    """状态 of a reserve cadre, 在库及待考察 until another state or 全部 is picked: the list
    is of the pools as they stand, those 在库 and those recommended and awaiting their
    考察; who failed it or was adjusted out is one pick away, and a search finds them
    without one. A pick of 出库原因 is a pick of those 已调整出库, so it starts from
    everyone."""

    default = CURRENT
    groups = {CURRENT: ("在库及待考察", tuple(s.value for s in ACTIVE_STATUSES))}
    implied_by = ("exit_reason__exact",)


class GenerationFilter(admin.SimpleListFilter):
    """出生年代: 70后 / 80后 / 90后."""

    title = "出生年代"
    parameter_name = "born"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, f"{key}后") for key in GENERATIONS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(born_in_q(self.value())) if self.value() in GENERATIONS else queryset


class PoolFilter(admin.SimpleListFilter):
    """后备干部库, among the pools in scope, named with their unit (one query, units joined)."""

    title = "后备干部库"
    parameter_name = "pool"
    checks_own_values = True  # any pool's id: the first 500 are listed

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        pools = scope_queryset(ReservePool.objects.select_related("unit"), request.user).order_by("unit__path", "level")
        return [(str(pool.pk), str(pool)) for pool in pools[:500]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value is None:
            return queryset
        if not (value.isascii() and value.isdigit() and len(value) < 10):
            raise IncorrectLookupParameters(f"{self.title}「{value}」不是后备干部库编号")
        return queryset.filter(pool_id=int(value))


class RecommendForm(forms.ModelForm):
    """推荐: the rules of entry answer on the form; the service asks them again under lock."""

    class Meta:
        model = ReserveMember
        fields = ("pool", "cadre", "recommended_by", "recommended_on", "recommendation")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        pool, cadre, day = cleaned.get("pool"), cleaned.get("cadre"), cleaned.get("recommended_on")
        if pool is not None and cadre is not None and day is not None:
            for field, messages in entry_refusals(pool=pool, cadre=cadre, on=day).items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(ReserveMember)
class ReserveMemberAdmin(RecordStepsMixin, RecordTimelineMixin, ImportExportMixin, ScopedModelAdmin):
    form = RecommendForm
    record_steps = MEMBER_STEPS
    changes_only_by_steps = True
    import_resource = "reserve_members"
    # The pool's name says its level (兰州市 县处级正职后备干部库): no column of the level beside it.
    list_display = ("cadre", "cadre_unit", "pool", "birth", "status", "recommended_on", "inspected_on",
                    "entered_on", "exit_reason", "exited_on")
    list_filter = (UnitSubtreeFilter, "level", StatusFilter, GenerationFilter, "exit_reason", PoolFilter)
    list_select_related = ("cadre", "cadre__unit", "pool", "pool__unit")
    search_fields = ("cadre__name", "cadre__name_pinyin")
    autocomplete_fields = ("pool", "cadre")
    date_hierarchy = "recommended_on"
    actions = ("exit_members",)
    readonly_fields = ("level", "status", "inspected_on", "inspection_conclusion", "inspection_opinion",
                       "entered_on", "exit_reason", "exited_on", "exit_note")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, dict[str, Any]]]:
        main = ("推荐", {"fields": ["pool", "cadre", "recommended_by", "recommended_on", "recommendation"]})
        if obj is None:
            return [main]
        return [main,
                ("考察", {"fields": ["status", "inspected_on", "inspection_conclusion", "inspection_opinion",
                                     "entered_on"]}),
                ("动态调整", {"fields": ["exit_reason", "exited_on", "exit_note"]})]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None:  # a recommendation on the books changes only through its steps
            return ("pool", "cadre", "recommended_by", "recommended_on", "recommendation", *self.readonly_fields)
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: ReserveMember) -> str:
        return obj.cadre.unit.full_name

    @admin.display(description="出生年月", ordering="cadre__birth_month")
    def birth(self, obj: ReserveMember) -> str:
        return f"{obj.cadre.birth_month:%Y.%m}"

    def save_model(self, request: HttpRequest, obj: ReserveMember, form: Any, change: bool) -> None:
        if change:
            return  # nothing on the change form is editable
        created = reserve_recommend(pool=obj.pool, cadre=obj.cadre, recommended_by=obj.recommended_by,
                                    recommended_on=obj.recommended_on, recommendation=obj.recommendation,
                                    actor=request.user)
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description="调整出库", permissions=["change"])
    def exit_members(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        return action_with_form(
            self, request, queryset.select_related("cadre", "pool", "pool__unit"), form_class=ExitForm,
            title="调整出库", action="exit_members",
            service=lambda m, d: reserve_exit(member=m, reason=d["reason"], exited_on=d["exited_on"], note=d["note"],
                                              actor=request.user))


class DisplayOnlyFormSet(BaseInlineFormSet):
    """Rows shown on another record's page and never submitted with it: the page's POST
    needs no management form for them (forms written before this table existed keep
    working), and saving the page saves nothing here."""

    def __init__(self, data: Any = None, files: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(None, None, *args, **kwargs)

    def is_valid(self) -> bool:
        return True

    def save(self, commit: bool = True) -> list[Any]:
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        return []


class ReserveMembershipInline(ScopedInline):
    """后备干部情况 on the cadre's page: read-only, one row per pool the cadre passed through."""

    model = ReserveMember
    fk_name = "cadre"
    formset = DisplayOnlyFormSet
    fields = ("pool", "status", "recommended_on", "entered_on", "exit_reason", "exited_on")
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    verbose_name_plural = "后备干部情况"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("pool", "pool__unit")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The cadre's page lists the inlines of its own records; the reserve adds its read-only
# row here rather than the registry importing the reserve.
if ReserveMembershipInline not in CadreAdmin.inlines:
    CadreAdmin.inlines = [*CadreAdmin.inlines, ReserveMembershipInline]
