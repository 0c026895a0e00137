"""Admin for leaders' liaison with experts (党委联系服务专家) and the contact log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter

from ..models import ExpertLiaison, LiaisonContact


class ContactInline(ScopedInline):
    model = LiaisonContact
    fields = ["contacted_on", "way", "content", "follow_up"]


class ContactedThisYearFilter(admin.SimpleListFilter):
    title = "本年度联系情况"
    parameter_name = "contacted"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("no", "本年度未联系"), ("yes", "本年度已联系")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        contacted = Exists(LiaisonContact.objects.filter(liaison=OuterRef("pk"),
                                                         contacted_on__year=timezone.localdate().year))
        if self.value() == "no":
            return queryset.filter(~contacted)
        if self.value() == "yes":
            return queryset.filter(contacted)
        return queryset


@admin.register(ExpertLiaison)
class ExpertLiaisonAdmin(ScopedModelAdmin):
    list_display = ["leader_name", "leader_post", "expert", "started_on", "is_active", "last_contact",
                    "contacts_this_year"]
    list_filter = [UnitSubtreeFilter, ContactedThisYearFilter, "is_active"]
    list_select_related = ["expert"]
    search_fields = ["^leader_name", "^expert__name"]
    autocomplete_fields = ["expert"]
    inlines = [ContactInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExpertLiaison]:
        year = timezone.localdate().year
        return super().get_queryset(request).annotate(
            last_contact_on=Max("contacts__contacted_on"),
            year_n=Count("contacts", filter=Q(contacts__contacted_on__year=year)),
        ).order_by("leader_name", "pk")

    @admin.display(description="最近联系", ordering="last_contact_on")
    def last_contact(self, obj: Any) -> Any:
        return obj.last_contact_on or "—"

    @admin.display(description="本年度联系次数", ordering="year_n")
    def contacts_this_year(self, obj: Any) -> int:
        return obj.year_n


@admin.register(LiaisonContact)
class LiaisonContactAdmin(ScopedModelAdmin):
    list_display = ["contacted_on", "liaison", "way", "content"]
    list_filter = [UnitSubtreeFilter, "way"]
    list_select_related = ["liaison__expert"]
    autocomplete_fields = ["liaison"]
    date_hierarchy = "contacted_on"
