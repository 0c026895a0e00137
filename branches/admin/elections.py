"""换届选举登记: each organisation's elections, with the term's status as of today."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.imports.admin import ImportExportMixin

from ..models import TermElection, TermStatus
from ..selectors import term_status_q, with_term_status
from ..services import term_election_check, term_election_delete, term_election_delete_refusal, term_election_save


class TermElectionForm(forms.ModelForm):
    class Meta:
        model = TermElection
        fields = ["organisation", "elected_on", "term_years", "secretary_name", "committee_size", "approval_number",
                  "approved_on", "early", "early_approval_number", "early_reason", "extended_until",
                  "extension_approval_number", "extension_reason", "note"]

    def _post_clean(self) -> None:
        super()._post_clean()  # the instance now carries the form's values
        if self.errors or not self.instance.organisation_id:
            return
        original = TermElection.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        try:  # the rules the service applies as well
            term_election_check(election=self.instance, original=original)
        except ValidationError as error:
            self._update_errors(error)


class TermStatusFilter(admin.SimpleListFilter):
    title = "任期状态"
    parameter_name = "term_status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(TermStatus.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value not in TermStatus.values:
            return queryset
        return queryset.filter(term_status_q(value, today=timezone.localdate()))


@admin.register(TermElection)
class TermElectionAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "term_elections"
    form = TermElectionForm
    list_display = ["organisation", "organisation_kind", "elected_on", "term_years", "term_ends_on", "extended_until",
                    "status_word", "secretary_name", "committee_size", "approval_number"]
    list_filter = [TermStatusFilter, "organisation__kind", "early", UnitSubtreeFilter]
    list_select_related = ["organisation__unit"]
    search_fields = ["^organisation__code", "organisation__name", "secretary_name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["term_ends_on", "status_word"]
    fieldsets = [
        (None, {"fields": ["organisation", ("elected_on", "term_years"), ("term_ends_on", "status_word"),
                           ("secretary_name", "committee_size")]}),
        ("上级党组织批复", {"fields": [("approval_number", "approved_on")],
                      "description": "选举结果报上级党组织批复；尚未批复的两项都留空。"}),
        ("提前换届", {"fields": ["early", ("early_approval_number", "early_reason")],
                  "description": "在上届届满之前选举的，须经上级党组织批准并写明原因。"}),
        ("延期换届", {"fields": ["extended_until", ("extension_approval_number", "extension_reason")],
                  "description": "任期届满需延期换届的，须经上级党组织批准，延期时间一般不超过1年。"}),
        (None, {"fields": ["note"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return with_term_status(super().get_queryset(request))

    @admin.display(description="组织类别", ordering="organisation__kind")
    def organisation_kind(self, obj: TermElection) -> str:
        return obj.organisation.get_kind_display()

    @admin.display(description="任期状态")
    def status_word(self, obj: TermElection) -> str:
        key = getattr(obj, "term_status", None)
        if key is None:  # the add page: nothing on record yet
            return "—" if obj.pk is None else obj.status(succeeded=obj.organisation.elections.filter(
                elected_on__gt=obj.elected_on).exists()).label
        return TermStatus(key).label

    def save_model(self, request: HttpRequest, obj: TermElection, form: Any, change: bool) -> None:
        term_election_save(election=obj, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only an organisation's latest election is deleted: an earlier one has no 删除 and
        # its delete URL answers 403 (term_election_delete refuses it on every other path).
        # There is no bulk delete (ScopedModelAdmin drops it).
        if obj is not None and term_election_delete_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: TermElection) -> None:
        term_election_delete(election=obj, actor=request.user)
