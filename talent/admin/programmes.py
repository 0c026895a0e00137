"""Admin for programmes (人才计划) and talents (人才信息)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, DecimalField, F, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.common import dates, secrets
from orgwork.common.search import IdSearchGuard
from orgwork.units.scope import scope_queryset
from orgwork.imports.admin import ImportExportMixin

from .. import services
from ..models import Enrollment, EnrollmentStatus, Funding, Person, Programme, yuan
from .common import can_unmask

MONEY_SUM = DecimalField(max_digits=14, decimal_places=2)


@admin.register(Programme)
class ProgrammeAdmin(ScopedModelAdmin):
    list_display = ["name", "programme_type", "unit", "term_months", "funding_range", "reward", "quota_per_batch",
                    "active_count", "funding_total", "is_active"]
    list_filter = [UnitSubtreeFilter, "programme_type", "is_active"]
    list_select_related = ["unit"]
    search_fields = ["^name"]
    autocomplete_fields = ["unit"]
    fieldsets = (
        (None, {"fields": ("name", "programme_type", "unit", "is_active")}),
        ("培养与支持", {"fields": ("term_months", "quota_per_batch", "funding_min", "funding_max", "excellent_reward")}),
        ("说明", {"fields": ("description",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Programme]:
        # Counts and totals cover the enrollees the user may see, one subquery each:
        # two reverse joins in one GROUP BY would multiply each other.
        enrolled = scope_queryset(Enrollment.objects.filter(programme=OuterRef("pk"), status=EnrollmentStatus.ACTIVE),
                                  request.user)
        granted = scope_queryset(Funding.objects.filter(programme=OuterRef("pk")), request.user)
        return super().get_queryset(request).annotate(
            active_n=Coalesce(Subquery(enrolled.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")),
                              Value(0)),
            funding_sum=Coalesce(
                Subquery(granted.order_by().annotate(s=Func(F("amount"), function="SUM", output_field=MONEY_SUM))
                         .values("s")),
                Value(0), output_field=MONEY_SUM),
        )

    def save_model(self, request: HttpRequest, obj: Programme, form: Any, change: bool) -> None:
        saved = services.programme_save(programme=obj, actor=request.user)
        obj.pk, obj._state.adding = saved.pk, False

    @admin.display(description="年度资助范围")
    def funding_range(self, obj: Programme) -> str:
        return obj.funding_range_text

    @admin.display(description="优秀奖励")
    def reward(self, obj: Programme) -> str:
        return yuan(obj.excellent_reward) if obj.excellent_reward else "—"

    @admin.display(description="在册人数", ordering="active_n")
    def active_count(self, obj: Any) -> int:
        return obj.active_n

    @admin.display(description="累计资助", ordering="funding_sum")
    def funding_total(self, obj: Any) -> str:
        return yuan(obj.funding_sum)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = "__all__"
        # Registered here or in another county reads alike: the form does not tell where.
        error_messages = {"id_number": {"unique": secrets.ID_NUMBER_UNAVAILABLE}}


@admin.register(Person)
class PersonAdmin(IdSearchGuard, ImportExportMixin, ScopedModelAdmin):
    """人才信息. ID numbers are masked unless the user holds the unmasking permission, and
    so is the birth date taken from them (its month is shown: the day beside the masked
    number would give the whole number back); every page that shows full numbers writes a
    查看敏感信息 audit row. A whole number is searched only with the right (IdSearchGuard)."""
    import_resource = "talent_people"
    form = PersonForm

    list_display = ["name", "masked_id_number", "gender", "unit", "field", "professional_title", "enrollment_count"]
    list_filter = [UnitSubtreeFilter, "gender"]
    list_select_related = ["unit"]
    search_fields = ["^name", "=id_number"]
    search_help_text = "输入姓名开头或完整身份证号"
    autocomplete_fields = ["unit"]

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        services.person_save(person=obj, actor=request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        # An aggregate drops Meta.ordering (GROUP BY); autocomplete pages need an order.
        return super().get_queryset(request).annotate(enrollment_n=Count("enrollments")).order_by("name", "pk")

    @admin.display(description="在列计划数", ordering="enrollment_n")
    def enrollment_count(self, obj: Any) -> int:
        return obj.enrollment_n

    @admin.display(description="身份证号")
    def masked_id_number(self, obj: Person) -> str:
        return obj.masked_id_number

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        shown = list(super().get_list_display(request))
        if can_unmask(request):
            shown[shown.index("masked_id_number")] = "id_number"
        return shown

    @admin.display(description="联系电话")
    def masked_phone(self, obj: Person) -> str:
        return secrets.mask(obj.phone, secrets.PHONE)

    @admin.display(description="出生年月")
    def birth_month(self, obj: Person) -> str:
        return dates.format_month(obj.birth_date)

    def get_fields(self, request: HttpRequest, obj: Person | None = None) -> list[str]:
        full = obj is None or can_unmask(request)
        number, birth, phone = (("id_number", "birth_date", "phone") if full
                                else ("masked_id_number", "birth_month", "masked_phone"))
        return ["name", number, "gender", birth, "unit", "field", "professional_title", phone]

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not can_unmask(request):
            fields += ["masked_id_number", "birth_month", "masked_phone"]
        return fields

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if can_unmask(request) and hasattr(response, "context_data") and "cl" in (response.context_data or {}):
            shown = [p.pk for p in response.context_data["cl"].result_list]
            if shown:
                secrets.record_full_view(user=request.user, model=Person, fields=["id_number"], ids=shown,
                                         purpose=f"人才列表（{len(shown)} 人）")
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and can_unmask(request) and getattr(response, "status_code", None) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                secrets.record_full_view(user=request.user, instance=obj, purpose="人才信息编辑页")
        return response
