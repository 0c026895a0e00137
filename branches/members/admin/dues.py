"""党费收缴 in the admin: the ledger is generated month by month by the service; a clerk
records payments on the record's page, with an action, or with the dues sheet."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_actions import run_per_object
from orgwork.common import dates
from orgwork.common.search import PersonSearchMixin
from orgwork.imports.admin import ImportExportMixin
from orgwork.units.scope import scope_queryset

from .. import rules, services
from ..models import DUES_OWED, DuesRecord, Member
from .common import branch_label, branches_for, member_label

GENERATE_PERMISSION = "members.add_duesrecord"
EXCUSED_SHOWN_MAX = 40  # characters of an exception's reason in the ledger's 实交 cell


class PaidFilter(admin.SimpleListFilter):
    """交纳情况: 未交 is every unpaid month; the months a letter let through by its
    exception (按例外转出, not in arrears) and the others (计入欠缴) apart as well."""

    title = "交纳情况"
    parameter_name = "paid"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "未交"), ("owed", "未交（计入欠缴）"), ("excused", "未交（按例外转出）"), ("yes", "已交")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[DuesRecord]) -> QuerySet[DuesRecord]:
        if self.value() == "no":
            return queryset.filter(paid_on__isnull=True)
        if self.value() == "owed":
            return queryset.filter(DUES_OWED)
        if self.value() == "excused":
            return queryset.filter(paid_on__isnull=True, excused_by__isnull=False)
        if self.value() == "yes":
            return queryset.filter(paid_on__isnull=False)
        return queryset


class MonthFilter(admin.SimpleListFilter):
    """月份: the last two years' months (worked out, not read from a ledger of millions)."""

    title = "月份"
    parameter_name = "month"
    MONTHS = 24
    checks_own_values = True  # any month: an older one is as good as those listed

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        first = dates.today().replace(day=1)
        months = [rules.add_months(first, -back) for back in range(self.MONTHS)]
        return [(f"{m:%Y-%m}", f"{m:%Y.%m}") for m in months]

    def queryset(self, request: HttpRequest, queryset: QuerySet[DuesRecord]) -> QuerySet[DuesRecord]:
        if not self.value():
            return queryset
        # A month that is none (2026-13, abc) raises ValueError: the list is shown
        # unfiltered, with a message saying so (HonouredChangeList), not emptied in silence.
        month = datetime.datetime.strptime(self.value(), "%Y-%m").date()
        return queryset.filter(month=month)


class MemberFilter(admin.SimpleListFilter):
    """One member's months (the link on the member's page): shown only when chosen."""

    title = "党员"
    parameter_name = "member"
    checks_own_values = True  # any member's id; one outside the clerk's scope has no months here

    def chosen(self) -> int | None:
        value = self.value() or ""
        return int(value) if value.isdigit() else None

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        pk = self.chosen()
        if pk is None:
            return []
        member = scope_queryset(Member.objects.select_related("branch__unit"), request.user).filter(pk=pk).first()
        if member is not None:
            return [(str(pk), member_label(member))]
        # A member who moved away leaves the months his branch here collected (the ledger
        # is scoped by the collecting branch): named by those months, not as no member.
        row = model_admin.get_queryset(request).filter(member_id=pk).select_related("member", "branch").first()
        if row is not None:
            return [(str(pk), f"{row.member.name}（原{row.branch.name}，尾号{row.member.masked_id_number[-4:]}，"
                              "已转出本辖区）")]
        # Offered while chosen, found or not: an id of no member of the clerk's has no months.
        return [(str(pk), "无此党员（不在管辖范围内或已删除）")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[DuesRecord]) -> QuerySet[DuesRecord]:
        if self.value() is None:
            return queryset
        pk = self.chosen()
        if pk is None:
            # Not an id at all (an edited link): the whole ledger, with the message every
            # filter value that cannot be applied gives (HonouredChangeList).
            raise IncorrectLookupParameters(f"{self.title}「{self.value()}」不是党员编号")
        return queryset.filter(member_id=pk)


class PaymentForm(forms.ModelForm):
    """The payment's rule shows on the form (:func:`services.dues_payment_error`). A
    payment on record may be corrected here (and only here); an amount far above the
    amount due needs 确认自愿多交."""

    confirmed = forms.BooleanField(
        label="确认自愿多交", required=False,
        help_text=f"实交金额超过应交金额{rules.DUES_CONFIRM_MULTIPLE}倍的，须确认系党员自愿多交党费。")

    class Meta:
        model = DuesRecord
        fields = ["paid", "paid_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_error("paid") or self.has_error("paid_on"):
            return data  # the field's own message (小数位数, 不是数字) says it; the rule would misread it as blank
        errors = services.dues_payment_error(due=self.instance.due, paid=data.get("paid"), paid_on=data.get("paid_on"),
                                             month=self.instance.month, paid_before=self.instance.paid_on,
                                             confirmed=bool(data.get("confirmed")), read_on="page")
        if errors:
            raise ValidationError(errors)
        return data


class GenerateDuesForm(forms.Form):
    """生成某月党费: the month, and the whole jurisdiction or one branch of it."""

    month = forms.CharField(label="月份", max_length=20, help_text="如 2026.03；只能生成本月及以前的月份。")
    branch = forms.ModelChoiceField(label="党支部", queryset=None, required=False,
                                    empty_label="管辖范围内的全部党支部",
                                    help_text="留空则为您管辖范围内全部在册党员生成。")

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_for(request.user)
        self.fields["branch"].label_from_instance = branch_label
        self.fields["month"].initial = dates.format_month(dates.today())

    def clean_month(self) -> Any:
        month = services.month_start(dates.parse_date(self.cleaned_data["month"]))
        message = rules.dues_month_error(month, dates.today())  # the service's rule, shown on the form
        if message:
            raise ValidationError(message)
        return month


@admin.register(DuesRecord)
class DuesRecordAdmin(PersonSearchMixin, ImportExportMixin, ScopedModelAdmin):
    """党费收缴. The ledger's rows come from 生成某月党费 (a page of its own, through
    :func:`services.dues_generate_month`); payments are recorded on them."""

    import_resource = "members_dues"
    change_list_template = "admin/members/duesrecord/change_list.html"
    # Namesakes told apart by branch and the masked ID number (never the whole number).
    list_display = ["member", "branch_name", "masked_id_number", "month_shown", "due", "paid_shown", "paid_on"]
    list_filter = [UnitSubtreeFilter, MonthFilter, PaidFilter, MemberFilter]
    list_select_related = ["member__branch__unit", "branch__unit", "excused_by"]
    search_fields = ["member__name"]  # the search itself: PersonSearchMixin on the member
    person_lookup_prefix = "member__"
    ordering = ["-month", "member_id"]
    form = PaymentForm
    fields = ["member", "month_shown", "due", "excused_shown", "paid", "paid_on", "confirmed"]
    readonly_fields = ["member", "month_shown", "due", "excused_shown"]
    actions = ["pay_in_full"]

    @admin.display(description="月份", ordering="month")
    def month_shown(self, obj: DuesRecord) -> str:
        return obj.month_display  # 2026.11, as every month is written

    @admin.display(description="实交（元）", ordering="paid")
    def paid_shown(self, obj: DuesRecord) -> Any:
        """The amount paid; a month a letter let through unpaid by its exception says so,
        with the reason, so that the sending clerk tells it from a month in arrears. A
        reason longer than a few lines is cut in the list (whole on hover and on the page)."""
        if obj.paid is None and obj.excused_by is not None:
            reason = obj.excused_by.dues_exception
            shown = reason if len(reason) <= EXCUSED_SHOWN_MAX else reason[:EXCUSED_SHOWN_MAX - 1] + "…"
            return format_html('<span title="{}">未交（按例外转出：{}）</span>', reason, shown)
        return obj.paid if obj.paid is not None else self.get_empty_value_display()

    @admin.display(description="按例外开出介绍信")
    def excused_shown(self, obj: DuesRecord) -> str:
        transfer = obj.excused_by
        assert transfer is not None  # shown only then (get_fields)
        return (f"介绍信 {transfer.letter_number}（{transfer.sent_on:%Y-%m-%d} 开出），"
                f"例外原因：{transfer.dues_exception}")

    def get_fields(self, request: HttpRequest, obj: DuesRecord | None = None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        if obj is None or obj.excused_by_id is None:
            fields.remove("excused_shown")
        return fields

    @admin.display(description="收缴党支部")
    def branch_name(self, obj: DuesRecord) -> str:
        return obj.branch.placed_name

    @admin.display(description="身份证号")
    def masked_id_number(self, obj: DuesRecord) -> str:
        return obj.member.masked_id_number

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # generated by dues_generate_month

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DuesRecord, form: Any, change: bool) -> None:
        services.dues_pay(record=obj, paid=obj.paid, paid_on=obj.paid_on, actor=request.user,
                          confirmed=bool(form.cleaned_data.get("confirmed")))

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.generate_view)
        return [path("generate/", view, name="members_duesrecord_generate"), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra = {"may_generate": request.user.has_perm(GENERATE_PERMISSION),
                 "generate_url": reverse("admin:members_duesrecord_generate")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def generate_view(self, request: HttpRequest) -> HttpResponse:
        """生成某月党费: one run of the service for the chosen month and scope; a month
        already generated adds nothing and says so."""
        if not request.user.has_perm(GENERATE_PERMISSION):
            raise PermissionDenied
        form = GenerateDuesForm(request.POST or None, request=request)
        if request.method == "POST" and form.is_valid():
            month, branch = form.cleaned_data["month"], form.cleaned_data["branch"]
            try:
                added = services.dues_generate_month(month=month, branch=branch, actor=request.user)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                where = f"「{branch.placed_name}」" if branch else "管辖范围内"
                if skipped := services.dues_without_base(month=month, branch=branch, actor=request.user):
                    self.message_user(request, f"{where}有 {skipped} 名在职或离退休党员未填写党费计算基数，未生成其{month:%Y.%m}党费。"
                                      + services.DUES_BASE_WHERE, messages.WARNING)
                if added:
                    self.message_user(request, f"已生成{where}{month:%Y.%m}应交党费 {added} 条。", messages.SUCCESS)
                else:
                    self.message_user(request, f"{where}{month:%Y.%m}的应交党费此前已全部生成，本次未新增。",
                                      messages.INFO)
                return HttpResponseRedirect(reverse("admin:members_duesrecord_changelist"))
        context = {**self.admin_site.each_context(request), "title": "生成某月党费", "opts": self.opts,
                   "form": form}
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/members/duesrecord/generate.html", context)

    @admin.action(description="登记为今日足额交纳", permissions=["change"])
    def pay_in_full(self, request: HttpRequest, queryset: QuerySet[DuesRecord]) -> None:
        today = dates.today()
        run_per_object(self, request, queryset.select_related("member__branch"), "登记足额交纳",
                       lambda r: services.dues_pay_in_full(record=r, paid_on=today, actor=request.user))
