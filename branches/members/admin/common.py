"""Shared admin pieces: the ID-number column that honours the unmasking permission and
the small forms batch actions ask first (a date, a reason); the actions themselves run
through ``orgwork.admin_actions``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from branches.models import OrgKind, PartyOrganisation
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.common import dates, secrets
from orgwork.units.scope import scope_queryset


def branches_for(user: Any) -> QuerySet[PartyOrganisation]:
    """The 党支部 of the user's jurisdiction: where a member or an applicant is entered,
    dues are generated, or a member transferred in is received."""
    return (scope_queryset(PartyOrganisation.objects.filter(kind=OrgKind.BRANCH), user)
            .select_related("unit").order_by("path"))


def branch_label(branch: PartyOrganisation) -> str:
    """A 党支部 in a drop-down of a province's branches, told apart from its namesakes in
    other townships and counties (城关镇第1村党支部 is eighty of them): by its unit and its
    组织代码, as the search picking one names it (PartyOrganisationAdmin.autocomplete_label).
    Reads ``branch.unit``."""
    return f"{branch.name}（{branch.unit}，{branch.code}）"


class PlacedBranchColumn:
    """The list column 党支部 of records that belong to a branch, the branch named with its
    place (``PartyOrganisation.placed_name``): a province's list holds many namesakes.
    Select ``branch__unit`` with the list's rows."""

    @admin.display(description="党支部", ordering="branch__path")
    def branch_shown(self, obj: Any) -> str:
        return obj.branch.placed_name


def member_label(member: Any) -> str:
    """A member named so that namesakes can be told apart, with his branch by its place and
    the ID number's tail only: 何国庆（兰州市城关区·城关镇红星村党支部，尾号016X）. Reads
    ``member.branch.unit`` (select them with the member)."""
    return f"{member.name}（{member.branch.placed_name}，尾号{member.masked_id_number[-4:]}）"


class DateForm(forms.Form):
    day = dates.DateFormField(label="日期", initial=dates.today)


def day_form(label: str, help_text: str = "") -> type[DateForm]:
    """A step's form of one date that says which date it is (上级党委审批日期), not 日期."""
    field = dates.DateFormField(label=label, initial=dates.today, help_text=help_text)
    return type("DayForm", (DateForm,), {"day": field, "__module__": __name__})


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200)


class MaskedPersonalDataMixin:
    """A member's or applicant's personal data (``orgwork.common.secrets``: the ID number
    and the birth date taken from it) masked in the list and on the page unless the user
    holds the model's right; every page that shows full numbers writes a 查看敏感信息
    audit row. Without the right the page shows the birth month (``出生年月``): the day
    beside the masked number would give the whole number back."""

    def can_unmask(self, request: HttpRequest) -> bool:
        return secrets.may_unmask(request.user, self.model)  # type: ignore[attr-defined]

    @admin.display(description="出生年月")
    def birth_month(self, obj: Any) -> str:
        return dates.format_month(obj.birth_date)

    def birth_field(self, request: HttpRequest, obj: Any) -> str:
        return "birth_date" if obj is None or self.can_unmask(request) else "birth_month"

    @admin.display(description="身份证号")
    def masked_id_number(self, obj: Any) -> str:
        return obj.masked_id_number

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        shown = list(super().get_list_display(request))  # type: ignore[misc]
        if self.can_unmask(request) and "masked_id_number" in shown:
            shown[shown.index("masked_id_number")] = "id_number"
        return shown

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if obj is not None and not self.can_unmask(request):
            fields += ["masked_id_number", "birth_month"]
        return fields

    def id_field(self, request: HttpRequest, obj: Any) -> str:
        return "id_number" if obj is None or self.can_unmask(request) else "masked_id_number"

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        if self.can_unmask(request) and hasattr(response, "context_data") and "cl" in (response.context_data or {}):
            shown = [p.pk for p in response.context_data["cl"].result_list]
            if shown:
                model = self.model  # type: ignore[attr-defined]
                record(None, action=AuditAction.VIEW_SENSITIVE, content_type=ContentType.objects.get_for_model(model),
                       message=f"在{model._meta.verbose_name_plural}中查看 {len(shown)} 人的完整身份证号",
                       changes={"ids": shown})
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        if request.method == "GET" and self.can_unmask(request) and getattr(response, "status_code", None) == 200:
            obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
            if obj is not None:
                record(obj, action=AuditAction.VIEW_SENSITIVE, message="查看完整身份证号")
        return response
