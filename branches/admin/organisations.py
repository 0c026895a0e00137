"""党组织 list (a tree by path) with the secretary inline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.urls import reverse

from orgwork.admin_base import ScopedModelAdmin, ScopedStackedInline, UnitSubtreeFilter, once_per_record
from orgwork.admin_site import autocomplete_source
from orgwork.common import dates
from orgwork.imports.admin import ImportExportMixin

from ..members.selectors import RosterCount, roster_counts
from ..models import BranchAssessment, OrgKind, PartyOrganisation, Secretary, StandardStatus
from ..services import party_org_save, secretary_delete, secretary_save


# The autocomplete requests that pick a 党支部: the one a person is enrolled in, and the
# one a 三会一课 record belongs to (meeting_holder_check).
BRANCH_ONLY_SOURCES = (("members", "member", "branch"), ("members", "applicant", "branch"),
                       ("branches", "meeting", "organisation"), ("branches", "branchassessment", "organisation"))


class SecretaryForm(forms.ModelForm):
    class Meta:
        model = Secretary
        fields = "__all__"
        field_classes = {"birth_month": dates.MonthFormField}  # kept to the month, as the sheet keeps it


class SecretaryInline(ScopedStackedInline):
    model = Secretary
    form = SecretaryForm
    fields = [("name", "education", "birth_month"), ("is_full_time", "is_double_leader")]
    max_num = 1
    can_delete = True


class StandardStatusFilter(admin.SimpleListFilter):
    """标准化状态: the result of the last year's reviewed assessment (or none)."""

    title = "标准化状态（上年度）"
    parameter_name = "std_status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [*StandardStatus.choices, ("none", "未评定")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        year = timezone.localdate().year - 1
        assessed = BranchAssessment.objects.filter(year=year).exclude(status="")
        if value == "none":
            return queryset.exclude(pk__in=assessed.values("organisation_id"))
        return queryset.filter(pk__in=assessed.filter(status=value).values("organisation_id"))


class VenueFilter(admin.SimpleListFilter):
    title = "活动场所"
    parameter_name = "venue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("ok", "面积达标"), ("short", "面积不足"), ("none", "未登记面积")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        from django.db.models import Q

        from ..models import VENUE_MINIMUM_AREA

        ok = Q()
        for domain, minimum in VENUE_MINIMUM_AREA.items():
            ok |= Q(domain=domain, venue_area__gte=minimum)
        if self.value() == "ok":
            return queryset.filter(ok)
        if self.value() == "short":
            return queryset.filter(domain__in=list(VENUE_MINIMUM_AREA), venue_area__isnull=False).exclude(ok)
        if self.value() == "none":
            return queryset.filter(venue_area__isnull=True)
        return queryset


class PartyOrganisationForm(forms.ModelForm):
    """党组织: a new organisation is asked its 成立日期 (today unless told otherwise), from
    which its 三会一课 are asked; one on record may keep it blank (entered when the system
    went live, asked in every period)."""

    class Meta:
        model = PartyOrganisation
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        founded = self.fields.get("founded_on")
        if founded is None or not self.instance._state.adding:
            return
        founded.required = True
        founded.error_messages["required"] = "请填写成立日期：新成立的党组织填写成立日期，本系统启用前已有的党组织填写实际成立日期。"
        if self.initial.get("founded_on") is None:  # the blank instance's None would hide the field's initial
            self.initial["founded_on"] = dates.today()


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "party_orgs"
    # 党员人数 as counted from the roster (branches.members.selectors.roster_counts).
    list_display = ["indented_name", "code", "kind", "domain", "unit", "roster_members", "venue", "secretary_name",
                    "last_status"]
    list_filter = [UnitSubtreeFilter, "kind", "domain", StandardStatusFilter, VenueFilter]
    list_select_related = ["unit", "secretary"]
    search_fields = ["^code", "name"]
    autocomplete_fields = ["parent", "unit"]
    ordering = ["path"]
    # The tree path and the version number are the system's own bookkeeping: not shown.
    form = PartyOrganisationForm
    fields = ["code", "name", "kind", "parent", "unit", "domain", "founded_on", "roster_members", "venue_area",
              "related_records"]
    readonly_fields = ["roster_members", "related_records"]
    inlines = [SecretaryInline]

    # Autocomplete choices name the unit by its place and the code too: 第1党支部 exists in
    # many townships, and 西川乡 in more than one county.
    autocomplete_select_related = ["unit"]

    def autocomplete_label(self, obj: PartyOrganisation) -> str:
        return f"{obj.name}（{obj.unit}，{obj.code}）"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any],
                           search_term: str) -> tuple[QuerySet[Any], bool]:
        """A 组织关系转接 within the province may go to any branch of it: the receiving branch
        is searched among them all (names and codes only), for those who may start one. A
        member's or an applicant's branch is searched among the 党支部 in scope."""
        source = autocomplete_source(request)
        if source == ("members", "transfer", "to_branch") and request.user.has_perm("members.add_transfer"):
            queryset = PartyOrganisation.objects.filter(kind=OrgKind.BRANCH).order_by("path")
        elif source in BRANCH_ONLY_SOURCES:  # members, applicants, 三会一课 and assessments belong to a 党支部
            queryset = queryset.filter(kind=OrgKind.BRANCH)
        return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        last = BranchAssessment.objects.filter(organisation=OuterRef("pk")).exclude(status="").order_by("-year")
        return super().get_queryset(request).annotate(_last_status=Subquery(last.values("status")[:1]))

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """The page's organisations counted from the roster in two queries, whatever the page size."""
        cl = super().get_changelist_instance(request)
        page = list(cl.result_list)  # the page's rows, kept by the queryset for the rendering
        counts = roster_counts(page)
        for organisation in page:
            organisation._roster_count = counts[organisation.pk]
        return cl

    @admin.display(description="在册党员（名册统计）")
    @once_per_record
    def roster_members(self, obj: PartyOrganisation) -> str:
        """A branch's own members, or those of every branch below a 党委 or 党总支: the same
        count on the list as on the page."""
        if obj.pk is None:
            return "—"
        count: RosterCount | None = getattr(obj, "_roster_count", None)
        if count is None:
            count = obj._roster_count = roster_counts([obj])[obj.pk]  # the page's 登记三会一课 reads it too
        return str(count)

    @admin.display(description="相关记录")
    def related_records(self, obj: PartyOrganisation) -> str:
        """Links to the organisation's 三会一课, 标准化评定 and 换届选举, found by its code (both lists
        search an exact code through their index); for a 党支部, 登记三会一课 opens the
        meeting form with the branch chosen and 应到人数 taken from the roster (在册党员, the
        clerk corrects it for a 支委会 or 党小组会)."""
        if not obj.pk:
            return "—"
        meetings = f"{reverse('admin:branches_meeting_changelist')}?{urlencode({'q': obj.code})}"
        assessments = f"{reverse('admin:branches_branchassessment_changelist')}?{urlencode({'q': obj.code})}"
        elections = f"{reverse('admin:branches_termelection_changelist')}?{urlencode({'q': obj.code})}"
        add_election = f"{reverse('admin:branches_termelection_add')}?{urlencode({'organisation': obj.pk})}"
        links = format_html('<a href="{}">三会一课记录</a> · <a href="{}">标准化评定</a> · <a href="{}">换届选举</a>'
                            '（<a href="{}">登记换届选举</a>）', meetings, assessments, elections, add_election)
        if obj.kind != OrgKind.BRANCH:
            return links
        count: RosterCount | None = getattr(obj, "_roster_count", None) or roster_counts([obj])[obj.pk]
        add = f"{reverse('admin:branches_meeting_add')}?{urlencode({'organisation': obj.pk, 'expected': count.total})}"
        return format_html('{} · <a href="{}">登记三会一课（应到 {} 人，按名册）</a>', links, add, count.total)

    @admin.display(description="组织名称", ordering="path")
    def indented_name(self, obj: PartyOrganisation) -> str:
        return format_html("{}{}", "　" * max(0, obj.depth - 1), obj.name)

    @admin.display(description="活动场所")
    def venue(self, obj: PartyOrganisation) -> str:
        if obj.venue_area is None:
            return "—"
        compliant = obj.venue_compliant
        mark = "" if compliant is None else ("（达标）" if compliant else f"（不足{obj.venue_minimum}㎡）")
        return f"{obj.venue_area}㎡{mark}"

    @admin.display(description="书记")
    def secretary_name(self, obj: PartyOrganisation) -> str:
        secretary = getattr(obj, "secretary", None)  # the reverse one-to-one raises AttributeError when absent
        return secretary.name if secretary else "—"

    @admin.display(description="最近评定")
    def last_status(self, obj: Any) -> str:
        return dict(StandardStatus.choices).get(obj._last_status, "未评定")

    def save_model(self, request: HttpRequest, obj: PartyOrganisation, form: Any, change: bool) -> None:
        party_org_save(organisation=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The secretary inline's rows go through the service, one by one."""
        for secretary in formset.save(commit=False):
            secretary_save(secretary=secretary, actor=request.user)
        for secretary in formset.deleted_objects:
            secretary_delete(secretary=secretary, actor=request.user)
