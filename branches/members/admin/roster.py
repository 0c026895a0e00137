"""党员名册 and 组织关系转接 in the admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from branches.models import OrgKind, PartyOrganisation
from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter, warning_flag
from orgwork.admin_changelist import HonouredChangeList
from orgwork.admin_site import autocomplete_source
from orgwork.admin_steps import RecordStep, RecordStepsMixin, RecordTimelineMixin, apply_refusal
from orgwork.admin_widgets import key_holds
from orgwork.audit.presentation import ChangeRow
from orgwork.common import dates
from orgwork.common.search import IdSearchGuard, PersonSearchMixin, id_number_term
from orgwork.imports.admin import ImportExportMixin
from orgwork.imports.probing import audit_refusal
from orgwork.units.scope import in_scope, scope_queryset

from .. import rules, selectors, services
from ..models import DuesRecord, Member, MemberCategory, MemberStatus, Transfer, TransferState
from .common import MaskedPersonalDataMixin, PlacedBranchColumn, branches_for, member_label
from .filters import AgeBandFilter, StandingBandFilter, StatusFilter, TransferStateFilter
from .steps import (DESTINATION_HELP, MEMBER_STEPS, TO_BRANCH_HELP, TRANSFER_IN_STEP, TRANSFER_STEPS,
                    TransferInNewMemberForm)

# The autocomplete requests of the 确定为入党积极分子 form (the applicant's two contacts).
CONTACT_SOURCES = (("members", "applicant", "contact_1"), ("members", "applicant", "contact_2"))


# A clerk outside a departed member's jurisdiction reaches his 省外转入 only from 登记省外转入,
# having typed his ID number there: the link carries a pass signed for that clerk and that
# member, so no one walks the numbers of members who left to read their names and branches.
TRANSFER_IN_PASS = "pass"
TRANSFER_IN_PASS_SECONDS = 8 * 3600  # a working day


def _pass_salt(user: Any) -> str:
    return f"members.transfer_in:{user.pk}"


def transfer_in_url(user: Any, member: Member) -> str:
    """The 省外转入 of ``member`` (who left the province), with ``user``'s pass."""
    token = signing.dumps(str(member.pk), salt=_pass_salt(user))
    return (reverse(f"admin:members_member_{TRANSFER_IN_STEP}", args=[member.pk])
            + "?" + urlencode({TRANSFER_IN_PASS: token}))


def holds_transfer_in_pass(request: HttpRequest, key: str) -> bool:
    try:
        return signing.loads(request.GET.get(TRANSFER_IN_PASS, ""), salt=_pass_salt(request.user),
                             max_age=TRANSFER_IN_PASS_SECONDS) == key
    except signing.BadSignature:  # a pass expired, forged, of another clerk or none at all
        return False


# What a roster row shows (list_display, the masked number and 党龄 included): the page
# reads these columns and the branch's name and place, not the member's and the branch's whole rows.
ROSTER_COLUMNS = ("name", "id_number", "gender", "branch__name", "branch__unit__name", "branch__unit__full_name",
                  "category", "joined_on", "full_on", "status",
                  "is_floating", "is_lost", "unpaid_months")


# The parts of a member's page (MemberAdmin.get_fieldsets); the rest is the person.
MEMBER_PARTY_FIELDS = ("branch", "category", "joined_on", "full_on", "standing", "status", "status_changed_on",
                       "status_reason", "is_floating", "is_lost")
MEMBER_DUES_FIELDS = ("dues_category", "income_base", "unpaid_months", "dues_months", "arrears_reason")


class RosterChangeList(HonouredChangeList):
    """The page's rows with only the shown columns; everything else the changelist hands
    on (actions, exports) keeps whole records."""

    def get_results(self, request: HttpRequest) -> None:
        whole = self.queryset
        self.queryset = whole.only(*ROSTER_COLUMNS)
        try:
            super().get_results(request)
        finally:
            self.queryset = whole


@admin.register(Member)
class MemberAdmin(RecordStepsMixin, RecordTimelineMixin, MaskedPersonalDataMixin, PlacedBranchColumn, PersonSearchMixin,
                  ImportExportMixin, ScopedModelAdmin):
    """党员名册. The list reads one page of members with their branches' names in one
    query of the shown columns, whatever the page size; the total is estimated
    (``ScopedModelAdmin``). A member's page offers 办理组织关系转接 and 变更党籍状态; one
    who left the province, 省外转入 to whichever clerk receives him (``step_record``)."""

    record_steps = MEMBER_STEPS
    batch_unit = "人"  # a batch's result counts people (已办理 N 人，未办理 M 人)

    import_resource = "members_roster"
    list_display = ["name", "masked_id_number", "gender", "branch_shown", "category", "joined_on", "full_on",
                    "standing", "status", "floating_shown", "lost_shown", "unpaid_months"]
    list_filter = [UnitSubtreeFilter, "category", StatusFilter, "gender", AgeBandFilter, StandingBandFilter, "dues_category",
                   "is_floating", "is_lost"]
    list_select_related = ["branch__unit"]
    search_fields = ["name"]  # the search itself: PersonSearchMixin (exact ID number or name prefix)
    ordering = ["branch_id", "name", "id"]
    actions = ["set_status"]

    # A province holds tens of thousands of branches: the branch is picked by name or code.
    autocomplete_fields = ["branch"]
    # The 组织关系转接 form and the 培养联系人 pick members by name or ID number
    # (autocomplete), each shown with branch and ID number tail.
    autocomplete_select_related = ["branch__unit"]

    def autocomplete_label(self, obj: Member) -> str:
        return member_label(obj)

    # A word where the member is one, a dash where not: a check mark read as "in order"
    # against a member who lost contact, a red cross as a fault against everyone else.
    @admin.display(description="流动党员", ordering="is_floating")
    def floating_shown(self, obj: Member) -> str:
        return "流动" if obj.is_floating else "—"

    @admin.display(description="失联党员", ordering="is_lost")
    def lost_shown(self, obj: Member) -> str:
        return warning_flag(obj.is_lost, "失联")  # a member to find

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Member],
                           search_term: str) -> tuple[QuerySet[Member], bool]:
        source = autocomplete_source(request)
        if source in (("members", "transfer", "member"), ("members", "appraisal", "member")):
            queryset = queryset.filter(status=MemberStatus.ACTIVE)  # only a member on the roll moves or is appraised
        elif source in CONTACT_SOURCES:  # a 培养联系人 is a 正式党员 on the roll, as the service requires
            queryset = queryset.filter(category=MemberCategory.FULL, status=MemberStatus.ACTIVE)
        return super().get_search_results(request, queryset, search_term)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[RosterChangeList]:
        return RosterChangeList

    def get_readonly_fields(self, request: HttpRequest, obj: Member | None = None) -> list[str]:
        fields = [*super().get_readonly_fields(request, obj), "status", "status_changed_on", "status_reason",
                  "unpaid_months", "standing", "dues_months"]
        return fields + ["branch"] if obj is not None else fields  # a move is a transfer

    def get_fields(self, request: HttpRequest, obj: Member | None = None) -> list[str]:
        fields = ["name", self.id_field(request, obj), "gender", self.birth_field(request, obj), "branch", "category",
                  "joined_on", "full_on", "standing", "status", "status_changed_on", "status_reason", "is_floating",
                  "is_lost", "dues_category", "income_base", "unpaid_months", "dues_months", "arrears_reason"]
        if not self.admin_site.get_model_admin(DuesRecord).has_view_or_change_permission(request):
            fields.remove("dues_months")  # links to a ledger that would refuse the user
        if obj is None or (obj.status == MemberStatus.ACTIVE and obj.status_changed_on is None):
            fields = [f for f in fields if f not in ("status_changed_on", "status_reason")]  # nothing changed yet
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Member | None = None) -> Any:
        """The page in three parts, as a 党员信息采集表 reads: the person, the 党籍, the dues."""
        fields = [name for _, options in super().get_fieldsets(request, obj) for name in options["fields"]]
        dues = [f for f in fields if f in MEMBER_DUES_FIELDS]
        party = [f for f in fields if f in MEMBER_PARTY_FIELDS]
        person = [f for f in fields if f not in dues and f not in party]
        return [(title, {"fields": names}) for title, names in
                (("基本信息", person), ("党籍", party), ("党费", dues)) if names]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "branch":
            kwargs["queryset"] = branches_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="党龄（年）")
    def standing(self, obj: Member) -> Any:
        return obj.standing_years if obj.standing_years is not None else "预备期"

    @admin.display(description="党费记录")
    def dues_months(self, obj: Member) -> Any:
        """The member's months in the ledger, and the months in arrears each linked."""
        if obj.pk is None:
            return "—"
        ledger = reverse("admin:members_duesrecord_changelist")
        whole = format_html('<a href="{}?member={}">查看该党员各月党费</a>', ledger, obj.pk)
        if not obj.unpaid_months:  # the counter: no ledger read for a member who owes nothing
            return whole
        months = selectors.arrears_months(obj)
        links = format_html_join("、", '<a href="{}?member={}&amp;month={}">{}</a>',
                                 ((ledger, obj.pk, f"{m:%Y-%m}", f"{m:%Y.%m}") for m in months))
        return format_html("{}；欠缴月份：{}", whole, links)

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        services.member_save(member=obj, actor=request.user)

    def step_record(self, request: HttpRequest, object_id: Any, step: RecordStep) -> Member | None:
        """省外转入 is the receiving side's: one who left the province is taken back wherever
        he arrives (:func:`services.transfer_in_from_outside`), so the clerk of any
        jurisdiction reaches his 省外转入 from 登记省外转入, by the ID number on the letter
        and the pass that page gives (:func:`transfer_in_url`), though not his page. Any
        other record out of scope, or without the pass, is not found."""
        record = super().step_record(request, object_id, step)
        key = unquote(str(object_id))
        if (record is None and step.name == TRANSFER_IN_STEP and key_holds(Member._meta.pk, key)
                and holds_transfer_in_pass(request, key)):
            record = Member.objects.select_related("branch").filter(
                pk=key, status=MemberStatus.TRANSFERRED_OUT).first()
        return record

    def step_back(self, request: HttpRequest, record: Any, step: RecordStep) -> tuple[str, str]:
        """A clerk who reached a departed member's 省外转入 from 登记省外转入 goes back there:
        the member's page is not his."""
        if in_scope(record, request.user):
            return super().step_back(request, record, step)
        return reverse("admin:members_transfer_from_outside"), "返回登记省外转入"

    def step_allowed(self, request: HttpRequest, record: Any, step: RecordStep) -> bool:
        """省外转入 is offered to a clerk with a 党支部 of their own to receive into (the
        form offers only those)."""
        if not super().step_allowed(request, record, step):
            return False
        return step.name != TRANSFER_IN_STEP or branches_for(request.user).exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # members leave the roster through a status or a transfer, never by deletion

    @admin.action(description="变更党籍状态（出党、停止党籍、去世、恢复在册）", permissions=["change"])
    def set_status(self, request: HttpRequest, queryset: QuerySet[Member]) -> HttpResponse | None:
        return self.batch_step(request, queryset, "status_step", action="set_status", title="变更党籍状态")


class TransferStartForm(forms.ModelForm):
    """The entry form of a transfer; how to fill its two sides is said here, not on the
    record's read-only page."""

    class Meta:
        model = Transfer
        fields = ["member", "to_branch", "destination", "letter_number", "started_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # On the fields, not in Meta.help_texts: the admin shows those under read-only fields too.
        super().__init__(*args, **kwargs)
        for name, help_text in (("to_branch", TO_BRANCH_HELP), ("destination", DESTINATION_HELP)):
            if name in self.fields:
                self.fields[name].help_text = help_text

    def _post_clean(self) -> None:
        super()._post_clean()
        # A receiving branch that could not be read (a key no branch has) is one mistake,
        # said under its field: not also 「请选择转入党支部」 under the destination.
        if "to_branch" in self._errors and self._errors.get("destination") == [rules.ROUTE_MISSING]:
            del self._errors["destination"]


# 登记省外转入 of a person new to the province: the rights its service requires.
TRANSFER_IN_PERMISSIONS = ("members.add_transfer", "members.add_member")


@admin.register(Transfer)
class TransferAdmin(IdSearchGuard, RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    """组织关系转接: started by the sending branch, received or returned by the receiving one
    (buttons on the transfer's page, batch actions on the list). A clerk sees the transfers
    leaving and those arriving in their jurisdiction, those 未办结 until another state is
    picked (``TransferStateFilter``). 登记省外转入 (a page of its own, from the list) enters
    a person new to the province with the letter from outside."""

    record_steps = TRANSFER_STEPS
    batch_unit = "人"  # a batch's result counts people (已办理 N 人，未办理 M 人)
    changes_only_by_steps = True
    change_list_template = "admin/members/transfer/change_list.html"

    # Fits 1440 px without a scrollbar of its own: the two sides in one column, the dates in another.
    list_display = ["member_shown", "route", "letter_number", "state_shown", "dates"]
    list_filter = [TransferStateFilter]
    list_select_related = ["member", "from_branch__unit", "to_branch__unit"]
    search_fields = ["=letter_number", "^member__name"]
    # A member's whole ID number finds his transfers for whoever may see it; anyone else
    # is told why it finds none (IdSearchGuard), as on the roster.
    person_lookup_prefix = "member__"
    search_help_text = "输入完整介绍信编号、党员姓名开头或完整身份证号"
    masked_search_help_text = "输入完整介绍信编号或党员姓名开头（按身份证号查找须有查看完整身份证号的权限）"
    actions = ["send", "receive", "record_receipt", "send_back"]
    form = TransferStartForm
    # Both picked by typing: the member by name or ID number among the clerk's own, the
    # receiving branch by name or 组织代码 among every branch of the province
    # (PartyOrganisationAdmin.get_search_results widens the search for this field).
    autocomplete_fields = ["member", "to_branch"]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Transfer],
                           search_term: str) -> tuple[QuerySet[Transfer], bool]:
        if (as_id := id_number_term(search_term)) and not self.id_search_refused(request, search_term):
            return queryset.filter(member__id_number=as_id), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="党员", ordering="member__name")
    def member_shown(self, obj: Transfer) -> str:
        return obj.member.name_and_tail  # two 周丽娟 of one branch, told apart

    @admin.display(description="转出 → 转入")
    def route(self, obj: Transfer) -> str:
        # A name from outside the province is typed as the letter gives it, sixty characters
        # unbroken at times: it wraps within the column rather than widen the table.
        return format_html('<span class="orgwork-breaks">{}</span><br>→ <span class="orgwork-breaks">{}</span>',
                           obj.source_shown, obj.destination_shown)

    @admin.display(description="状态", ordering="state")
    def state_shown(self, obj: Transfer) -> str:
        """在途 with its days since the letter was issued, in red once past the 30 days the
        overdue list counts (the list shows what to chase, not only the 台账), and a letter
        past its 有效期 marked, to be sent back."""
        if obj.state != TransferState.IN_TRANSIT or obj.sent_on is None:
            return obj.get_state_display()
        today = dates.today()
        days = (today - obj.sent_on).days
        # A letter past its 有效期 is to be sent back for re-issue, however few days it took.
        expired = (mark_safe('<br><span class="orgwork-warning">介绍信已过有效期</span>')
                   if obj.valid_until is not None and today > obj.valid_until else "")
        if days > rules.TRANSFER_OVERDUE_DAYS:
            return format_html('{}<br><span class="orgwork-warning">逾期，已{}天</span>{}', obj.get_state_display(),
                               days, expired)
        since = "今天开出" if days == 0 else f"已{days}天"
        return format_html("{}<br>{}{}", obj.get_state_display(), since, expired)

    @admin.display(description="党费交至")
    def dues_paid_to_shown(self, obj: Transfer) -> str:
        """As the letter says it (党费交到2026.10); a letter issued with no month paid says so,
        one from outside the province that names none too."""
        if obj.from_branch_id is None:
            return dates.format_month(obj.dues_paid_to) if obj.dues_paid_to else "介绍信未注明"
        if obj.sent_on is None:
            return "—"  # no letter issued yet
        return dates.format_month(obj.dues_paid_to) if obj.dues_paid_to else "无已交党费记录"

    @admin.display(description="有效至")
    def valid_until_shown(self, obj: Transfer) -> str:
        """The letter's last valid day, and whether it has passed while the letter is on its way."""
        if obj.valid_until is None:
            return "—"  # not issued yet, or issued before the validity was recorded
        if obj.state == TransferState.IN_TRANSIT and dates.today() > obj.valid_until:
            return format_html('{} <span class="orgwork-warning">已过有效期，应退回重新开具</span>',
                               f"{obj.valid_until:%Y-%m-%d}")
        return f"{obj.valid_until:%Y-%m-%d}"

    @admin.display(description="申请 / 开出介绍信 / 接收或回执日期", ordering="started_on")
    def dates(self, obj: Transfer) -> str:
        received = "接收" if obj.to_branch_id or not obj.destination else "回执"
        shown = [f"{label} {day:%Y-%m-%d}" for label, day in (("申请", obj.started_on), ("开出", obj.sent_on),
                                                              (received, obj.received_on)) if day is not None]
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in shown))

    @admin.display(description="回执日期")
    def receipt_on(self, obj: Transfer) -> Any:
        """A transfer out of the province is received by no branch here: its date is that of
        the receipt (回执) the sending clerk recorded."""
        return obj.received_on or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Transfer]:
        in_scope = scope_queryset(PartyOrganisation.objects.all(), request.user).values("pk")
        return (Transfer.objects.filter(Q(from_branch__in=in_scope) | Q(to_branch__in=in_scope))
                .select_related("member", "from_branch", "to_branch"))

    def step_allowed(self, request: HttpRequest, record: Any, step: Any) -> bool:
        """确认转出 is the sending side's, 接收 and 退回 the receiving side's (登记回执 the sending
        side's again, for a transfer out of the province): each button shows
        only to a clerk whose jurisdiction holds that side's branch (the service asks again)."""
        if not super().step_allowed(request, record, step):
            return False
        if step.name == "send_back_step" and record.leaves_province:
            return False  # its page offers 介绍信被退回 instead: no branch here sends it back
        # Out of the province the sending side records the receipt (or the letter's return).
        side = record.from_branch if step.name == "send_step" or record.to_branch_id is None else record.to_branch
        return side is not None and in_scope(side, request.user)

    def record_timeline(self, request: HttpRequest, record: Transfer) -> list[dict[str, Any]]:
        """The trail in the transfer's own words: a letter out of the province is received by
        no branch here, its date is the 回执日期; the 有效期 recorded with the letter is
        followed by the day it runs to (有效至)."""
        rows = super().record_timeline(request, record)
        received = Transfer._meta.get_field("received_on").verbose_name
        valid = Transfer._meta.get_field("valid_days").verbose_name
        for row in rows:
            changes = []
            for change in row["changes"]:
                if record.leaves_province and change.label == received:
                    change = ChangeRow("回执日期", change.old, change.new)
                changes.append(change)
                if change.label == valid and record.valid_until is not None:
                    changes.append(ChangeRow("有效至", "", f"{record.valid_until:%Y-%m-%d}"))
            row["changes"] = changes
        return rows

    def batch_step_allowed(self, request: HttpRequest, record: Transfer, step: Any) -> bool:
        # The list holds both sides' transfers. Where the page would just not offer the other
        # side's button, the batch lets the service judge the side, so a refused row says why
        # (转入党支部不在您的管辖范围内), in the words of the step's own refusal.
        return super().step_allowed(request, record, step)

    def batch_refusal(self, request: HttpRequest, record: Any, step: RecordStep, data: dict[str, Any]) -> str:
        """A transfer in transit picked for the other of 接收 and 登记回执 is told which to take."""
        if step.name in ("receive_step", "receipt_step") and record.state == TransferState.IN_TRANSIT:
            if record.to_branch_id is None and step.name == "receive_step":
                return "转往省外的组织关系没有转入党支部接收，请用「登记回执」。"
            if record.to_branch_id is not None and step.name == "receipt_step":
                return "省内转接由转入党支部「接收组织关系」，无需登记回执。"
        return super().batch_refusal(request, record, step, data)

    def get_readonly_fields(self, request: HttpRequest, obj: Transfer | None = None) -> list[str]:
        if obj is None:
            return []
        received = "received_on" if obj.to_branch_id or not obj.destination else "receipt_on"
        # A letter issued here, or one from outside registered with its 有效期 (the earlier ones have none).
        validity = ["valid_days", "valid_until_shown"] if obj.from_branch_id or obj.valid_days else []
        exception = ["dues_exception"] if obj.dues_exception else []
        return ["member", "from_branch", "origin", "to_branch", "destination", "letter_number", "state", "started_on",
                "sent_on", *validity, "dues_paid_to_shown", *exception, received, "returned_reason"]

    def get_fields(self, request: HttpRequest, obj: Transfer | None = None) -> list[str]:
        return list(TransferStartForm.Meta.fields) if obj is None else self.get_readonly_fields(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "member":
            kwargs["queryset"] = scope_queryset(Member.objects.filter(status=MemberStatus.ACTIVE), request.user)
        if db_field.name == "to_branch":  # any branch of the province may receive
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.queryset = PartyOrganisation.objects.filter(kind=OrgKind.BRANCH).order_by("path")
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Transfer, form: Any, change: bool) -> None:
        if change:  # every field is read-only: a transfer moves only through the actions
            return
        created = services.transfer_start(member=obj.member, to_branch=obj.to_branch, destination=obj.destination,
                                          letter_number=obj.letter_number, started_on=obj.started_on,
                                          actor=request.user)
        obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.transfer_in_view)
        return [path("from-outside/", view, name="members_transfer_from_outside"), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra = {"may_transfer_in": request.user.has_perms(TRANSFER_IN_PERMISSIONS),
                 "transfer_in_url": reverse("admin:members_transfer_from_outside")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def transfer_in_view(self, request: HttpRequest) -> HttpResponse:
        """登记省外转入: a person new to the province, with the letter from outside, enters
        the roster in one of the clerk's branches through :func:`services.transfer_in_from_outside`
        (the member's and the transfer's audit rows). An ID number of a member who left the
        province is refused, with his own 省外转入 to take instead."""
        if not request.user.has_perms(TRANSFER_IN_PERMISSIONS):
            raise PermissionDenied
        form = TransferInNewMemberForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                transfer = services.transfer_in_from_outside(
                    member=form.instance, to_branch=data["to_branch"], origin=data["origin"],
                    letter_number=data["letter_number"], sent_on=data["sent_on"], valid_days=data["valid_days"],
                    received_on=data["received_on"], dues_paid_to=data["dues_paid_to"], actor=request.user)
            except ValidationError as error:
                audit_refusal(error)  # a near-miss ID number's audit row, past the rollback
                apply_refusal(form, error)
            else:
                owed = services.dues_owed_note(transfer)
                self.message_user(request, f"「{transfer.member}」的组织关系已由省外转入{transfer.to_branch}，"
                                           f"已进入党员名册{'；' + owed if owed else ''}。", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:members_member_change", args=[transfer.member_id]))
        returning = form.returning_member() if form.is_bound else None
        context = {
            **self.admin_site.each_context(request), "title": "登记省外转入", "opts": self.opts, "form": form,
            "fieldsets": [(title, [form[name] for name in names]) for title, names in (
                ("组织关系介绍信", form.LETTER), ("党员信息", TransferInNewMemberForm.Meta.fields))],
            "returning_url": transfer_in_url(request.user, returning) if returning is not None else "",
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/members/transfer/from_outside.html", context)

    @admin.action(description="确认转出（开出介绍信）", permissions=["change"])
    def send(self, request: HttpRequest, queryset: QuerySet[Transfer]) -> HttpResponse | None:
        return self.batch_step(request, queryset, "send_step", action="send", title="确认转出")

    @admin.action(description="接收组织关系", permissions=["change"])
    def receive(self, request: HttpRequest, queryset: QuerySet[Transfer]) -> HttpResponse | None:
        return self.batch_step(request, queryset, "receive_step", action="receive", title="接收组织关系")

    @admin.action(description="登记回执（转往省外）", permissions=["change"])
    def record_receipt(self, request: HttpRequest, queryset: QuerySet[Transfer]) -> HttpResponse | None:
        return self.batch_step(request, queryset, "receipt_step", action="record_receipt", title="登记回执")

    @admin.action(description="退回介绍信", permissions=["change"])
    def send_back(self, request: HttpRequest, queryset: QuerySet[Transfer]) -> HttpResponse | None:
        return self.batch_step(request, queryset, "send_back_step", action="send_back", title="退回介绍信")
