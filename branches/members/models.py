"""Party members and member recruitment (党员与发展党员).

The paperwork these models mirror: the branch's member roster (党员名册), the letter of
transfer of the organisational relationship (党员组织关系介绍信), the recruitment file of
one applicant (入党积极分子、发展对象、预备党员 培养考察材料 and the 支部大会 records), and
the dues ledger (党费收缴登记表).

Scope: every record hangs from the 党支部 it belongs to; ``scope_field`` goes through the
branch to its unit. A transfer is scoped by the sending branch; the receiving branch's
clerk reaches it through :func:`branches.members.selectors.transfers_incoming_to`.

Rules live in :mod:`branches.members.rules` (pure functions of dates and values) and
are applied by :mod:`branches.members.services` on every path.
"""

from __future__ import annotations

import datetime
from typing import Any
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from orgwork.audit.models import Audited
from orgwork.common import dates, idnumber, names, secrets

from . import rules

MONEY = {"max_digits": 10, "decimal_places": 2}


class Gender(models.TextChoices):
    MALE = idnumber.MALE, "男"
    FEMALE = idnumber.FEMALE, "女"


class MemberCategory(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "在册"
    TRANSFERRED_OUT = "transferred_out", "转出"
    EXPELLED = "expelled", "出党"
    SUSPENDED = "suspended", "停止党籍"
    DECEASED = "deceased", "去世"


class DuesCategory(models.TextChoices):
    EMPLOYED = "employed", "在职"
    STUDENT = "student", "学生"
    FARMER = "farmer", "农民"
    RETIRED = "retired", "离退休"
    UNEMPLOYED = "unemployed", "下岗失业或生活困难"



def fill_from_id_number(record: Any) -> dict[str, str]:
    """The ID number normalised and checked (GB 11643); birth date and gender taken from
    it where the record leaves them blank. Shared by the roster and the applicants.
    Returns the fields typed apart from the number (``birth_date``, ``gender``) with why."""
    try:
        record.id_number = idnumber.clean(record.id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    if record.birth_date is None:
        record.birth_date = idnumber.birth_date_of(record.id_number)
    if not record.gender:
        record.gender = idnumber.gender_of(record.id_number)
    found = idnumber.consistency_errors(record.id_number, birth=record.birth_date, gender=record.gender or None,
                                        month_only=False)
    return {"birth_date" if field == "birth" else field: message for field, message in found.items()}


class NamedPerson:
    """How a member or an applicant (a name, an ID number, a branch) is named in lists."""

    name: str
    id_number: str
    branch: Any

    @property
    def masked_id_number(self) -> str:
        return idnumber.mask(self.id_number)

    @property
    def name_and_tail(self) -> str:
        """The name with the ID number's last four, so that namesakes of one branch are
        told apart in a list: 周丽娟（尾号1281）."""
        return f"{self.name}（尾号{self.masked_id_number[-4:]}）"

    @property
    def batch_label(self) -> str:
        """How a batch action's result names the member (批量办理结果), the branch with its
        place (a province's batch spans its namesakes): 胡文静（尾号0749，兰州市城关区·东关镇第2村党支部）.
        Reads ``branch.unit``."""
        return f"{self.name}（尾号{self.masked_id_number[-4:]}，{self.branch.placed_name}）"


class Member(NamedPerson, Audited):
    """党员 (党员名册的一行).

    ``unpaid_months`` is the number of unpaid months in the dues ledger that have ended
    (the current month is paid within the month) and that no letter let through by its
    exception (``DuesRecord.excused_by``), kept by the dues services
    (:func:`dues_generate_month`, :func:`dues_pay`, :func:`dues_recount_ended_month`) so
    the arrears list reads one indexed column instead of aggregating a ledger of twenty
    million rows.
    """

    scope_field = "branch__unit"

    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField(
        "身份证号", max_length=18, unique=True,
        error_messages={"unique": secrets.ID_NUMBER_UNAVAILABLE},
    )
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    branch = models.ForeignKey("branches.PartyOrganisation", verbose_name="所在党支部", on_delete=models.PROTECT,
                               related_name="party_members")
    category = models.CharField("党员类别", max_length=20, choices=MemberCategory.choices, default=MemberCategory.FULL)
    joined_on = models.DateField("入党日期")
    full_on = models.DateField("转正日期", null=True, blank=True)
    is_floating = models.BooleanField("流动党员", default=False)
    is_lost = models.BooleanField("失联党员", default=False)
    status = models.CharField("党籍状态", max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    # The latest change of 党籍状态 (出党、停止党籍、去世、转出本省, or back 在册): when and on
    # what grounds; earlier changes stay in the audit trail. Set only by the services.
    status_changed_on = models.DateField("党籍状态变更日期", null=True, blank=True, editable=False)
    status_reason = models.CharField("党籍状态变更原因或依据", max_length=200, blank=True, editable=False)
    dues_category = models.CharField("党费类别", max_length=20, choices=DuesCategory.choices,
                                     default=DuesCategory.EMPLOYED)
    income_base = models.DecimalField("党费计算基数（元/月）", **MONEY, null=True, blank=True,
                                      validators=[MinValueValidator(Decimal("0"))],
                                      help_text="在职党员填月工资收入中的固定部分，离退休党员填月离退休费（须大于0，"
                                                "未填写的不生成党费）；学生、农民按固定标准，可不填。")
    unpaid_months = models.PositiveIntegerField("欠缴月数", default=0, editable=False)
    arrears_reason = models.CharField("欠缴原因", max_length=200, blank=True,
                                      help_text="有正当理由未交纳党费的，写明理由；不作自行脱党处理。")

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员名册"
        ordering = ["branch_id", "name", "id"]  # the column, not the branch's own ordering (a join and a sort)
        permissions = [("view_unmasked_id_number", "查看完整身份证号"),
                       ("import_member", "可导入党员名册"), ("export_member", "可导出党员名册")]
        indexes = [
            models.Index(fields=["branch", "name", "id"], name="members_member_branch_idx"),
            models.Index(fields=["name", "id"], name="members_member_name_idx"),
            # The search by the start of a name (LIKE '张伟%'): a collation-aware index
            # cannot serve a prefix match, this one can.
            models.Index(fields=["name"], name="members_member_name_like", opclasses=["varchar_pattern_ops"]),
            # A filtered roster page (each list filter) reads its fifty rows in the list's
            # order (branch, name, id) from one of these, instead of sorting every match;
            # the status one also serves the counts per branch (status, branch).
            models.Index(fields=["status", "branch", "name", "id"], name="members_member_status_idx"),
            models.Index(fields=["category", "branch", "name", "id"], name="members_member_category_idx"),
            models.Index(fields=["dues_category", "branch", "name", "id"], name="members_member_duescat_idx"),
            models.Index(fields=["joined_on"], name="members_member_joined_idx"),
            models.Index(fields=["branch", "name", "id"], name="members_member_floating_idx",
                         condition=Q(is_floating=True)),
            models.Index(fields=["branch", "name", "id"], name="members_member_lost_idx", condition=Q(is_lost=True)),
            # The arrears list: only the few members who owe anything.
            models.Index(fields=["-unpaid_months", "id"], name="members_member_arrears_idx",
                         condition=Q(unpaid_months__gt=0)),
            # 在职、离退休党员未填写党费计算基数: few, listed for the clerks to fill.
            models.Index(fields=["branch", "name", "id"], name="members_member_nobase_idx",
                         condition=Q(dues_category__in=rules.INCOME_BASE_REQUIRED, income_base__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category="probationary") | Q(full_on__isnull=False),
                name="members_member_full_has_date",
                violation_error_message="正式党员须填写转正日期。",
            ),
            # Rows that left before the date was kept have none: the date is required by the
            # services (rules.status_change_errors), the database holds what can be checked cheaply.
            models.CheckConstraint(
                condition=Q(status_changed_on__isnull=True) | Q(status_changed_on__gte=F("joined_on")),
                name="members_member_status_after_joining",
                violation_error_message=rules.STATUS_BEFORE_JOINING,
            ),
            models.CheckConstraint(
                condition=Q(status_reason="") | Q(status_changed_on__isnull=False),
                name="members_member_status_reason_dated",
                violation_error_message=rules.STATUS_DATE_MISSING,
            ),
            models.CheckConstraint(
                condition=~Q(dues_category__in=rules.INCOME_BASE_REQUIRED) | Q(income_base__isnull=True)
                | Q(income_base__gt=0),
                name="members_member_employed_base",
                violation_error_message=rules.INCOME_BASE_MISSING,
            ),
        ]

    # The 发展党员 file whose 支部大会 vote enters this new member on the roll
    # (services.applicant_admit); not stored.
    admitted_by: Applicant | None = None

    def __str__(self) -> str:
        return self.name

    @property
    def standing_years(self) -> int | None:
        """党龄: whole years since 转正日期 (a 预备党员 has none yet)."""
        return rules.standing_years(self.full_on)

    def has_application_file(self) -> bool:
        """Whether a 发展党员 file holds this member's 预备期 (its vote, extension and 转正):
        linked, or the file being admitted under the same ID number."""
        files = Q(id_number=self.id_number) | (Q(member_id=self.pk) if self.pk else Q(pk__in=[]))
        return Applicant.objects.filter(files).exists()

    def held_by_open_file(self) -> bool:
        """Whether a 发展党员 file not yet at its 支部大会 vote (入党申请人, 积极分子, 发展对象)
        holds this ID number, other than the file admitting this member (``admitted_by``).
        Such a person enters the roll by that file's vote only, wherever the number is typed."""
        files = Applicant.objects.filter(id_number=self.id_number, member__isnull=True, stage__in=BEFORE_VOTE)
        if self.admitted_by is not None:
            files = files.exclude(pk=self.admitted_by.pk)
        return files.exists()

    def clean(self) -> None:
        errors: dict[str, str] = names.written_name_errors(self)
        if self.id_number:
            errors.update(fill_from_id_number(self))
            if self._state.adding and "id_number" not in errors:
                if Member.objects.filter(id_number=self.id_number, status=MemberStatus.TRANSFERRED_OUT).exists():
                    errors["id_number"] = rules.TRANSFERRED_OUT_BACK
                elif self.held_by_open_file():
                    # As for a number on the roll: the message does not say where, nor that it is a file.
                    errors["id_number"] = secrets.ID_NUMBER_UNAVAILABLE
        if self.branch_id is not None:
            message = rules.branch_error(self.branch)
            if message:
                errors["branch"] = message
        if message := rules.income_base_error(category=self.dues_category, income_base=self.income_base):
            errors["income_base"] = message
        errors.update(rules.member_dates_errors(category=self.category, joined_on=self.joined_on, full_on=self.full_on,
                                                birth_date=self.birth_date, today=dates.today()))
        if (self.category == MemberCategory.PROBATIONARY and isinstance(self.joined_on, datetime.date)
                and "joined_on" not in errors
                and (message := rules.probation_overdue_error(self.joined_on, dates.today()))
                and not self.has_application_file()):
            errors["joined_on"] = message
        if (isinstance(self.joined_on, datetime.date) and self.status_changed_on is not None
                and "joined_on" not in errors and self.joined_on > self.status_changed_on):
            # Said under 入党日期, the column a clerk changed (the date of the change is shown only).
            errors["joined_on"] = f"入党日期不能晚于党籍状态变更日期（{self.status_changed_on:%Y-%m-%d}）。"
        if errors:
            raise ValidationError(errors)


# 在职、离退休党员未填写党费计算基数: no dues are generated for them until the base is filled.
MISSING_INCOME_BASE = Q(dues_category__in=rules.INCOME_BASE_REQUIRED, income_base__isnull=True)


class TransferState(models.TextChoices):
    PENDING = "pending", "待转出确认"
    IN_TRANSIT = "in_transit", "在途"
    RECEIVED = "received", "已接收"
    RETURNED = "returned", "退回"


class Transfer(Audited):
    """组织关系转接 (党员组织关系介绍信): one move of a member's relationship.

    Inside the province both branches are in the system and the receiving branch's clerk
    confirms receipt; out of the province ``destination`` names the receiving
    organisation and the sending clerk records the returned receipt (回执). A transfer into
    the province (省外转入) has no sending branch: ``origin`` names the organisation outside
    that issued the letter, and the receiving branch records it as received.
    """

    scope_field = "from_branch__unit"
    month_fields = ("dues_paid_to",)  # the trail writes 2026.09, as the page does

    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="transfers")
    from_branch = models.ForeignKey("branches.PartyOrganisation", verbose_name="转出党支部", on_delete=models.PROTECT,
                                    related_name="transfers_out", null=True, blank=True)
    origin = models.CharField("转出单位（省外）", max_length=200, blank=True)
    to_branch = models.ForeignKey("branches.PartyOrganisation", verbose_name="转入党支部", on_delete=models.PROTECT,
                                  related_name="transfers_in", null=True, blank=True)
    destination = models.CharField("转往单位（省外）", max_length=200, blank=True)
    letter_number = models.CharField("介绍信编号", max_length=50)
    state = models.CharField("状态", max_length=20, choices=TransferState.choices, default=TransferState.PENDING)
    started_on = models.DateField("申请日期")
    sent_on = models.DateField("开出介绍信日期", null=True, blank=True)
    dues_paid_to = models.DateField("党费交至", null=True, blank=True,
                                    help_text="介绍信注明的党费交到的月份（该月1日）：本省开出的按党费收缴记录注明，"
                                              "省外转入的照省外介绍信登记。")
    valid_days = models.PositiveSmallIntegerField(
        "有效期（天）", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(rules.LETTER_VALID_DAYS_MAX)])  # help on 确认转出's form
    # 确认转出 while months before the letter's month are unpaid: why (困难党员经批准减免);
    # set only by services.transfer_send, on the letter it let through.
    dues_exception = models.CharField("党费未交清例外原因", max_length=rules.DUES_EXCEPTION_MAX, blank=True,
                                      editable=False)
    received_on = models.DateField("接收日期", null=True, blank=True)
    returned_reason = models.CharField("退回原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["state", "sent_on"], name="members_transfer_state_idx"),
            models.Index(fields=["to_branch", "state"], name="members_transfer_to_idx"),
            models.Index(fields=["from_branch", "state"], name="members_transfer_from_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(state__in=["pending", "in_transit"]),
                                    name="members_transfer_one_open",
                                    violation_error_message="该党员已有未办结的组织关系转接。"),
            # A letter issued in the province is one transfer, province-wide (its number names the
            # issuer); one from outside is told apart by the issuer's name, since another
            # province numbers its own letters. A letter sent back frees its number.
            models.UniqueConstraint(fields=["letter_number"], condition=Q(from_branch__isnull=False)
                                    & ~Q(state="returned"), name="members_transfer_letter_unique",
                                    violation_error_message="该介绍信编号已被其他组织关系转接使用，请核对编号。"),
            models.UniqueConstraint(fields=["origin", "letter_number"], condition=Q(from_branch__isnull=True)
                                    & ~Q(state="returned"), name="members_transfer_in_letter_unique",
                                    violation_error_message="该省外党组织的这份介绍信已登记转入，请核对编号。"),
            # One side is in the province: the sending branch, or (省外转入) the receiving one.
            models.CheckConstraint(
                condition=Q(from_branch__isnull=False, origin="") | (Q(from_branch__isnull=True, to_branch__isnull=False)
                                                                     & ~Q(origin="")),
                name="members_transfer_sending_side",
                violation_error_message="省外转入须填写转出单位并选择转入党支部；省内转出的不填转出单位。"),
            # Empty on the letters issued before the validity was recorded.
            models.CheckConstraint(
                condition=Q(valid_days__isnull=True) | Q(valid_days__gte=1, valid_days__lte=rules.LETTER_VALID_DAYS_MAX),
                name="members_transfer_valid_days_range",
                violation_error_message=f"介绍信有效期应为1至{rules.LETTER_VALID_DAYS_MAX}天。"),
            # A letter is received (or its 回执 dated) on or after the day it was issued.
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(sent_on__isnull=True) | Q(received_on__gte=F("sent_on")),
                name="members_transfer_received_after_sent",
                violation_error_message="接收日期（回执日期）不能早于开出介绍信日期。"),
            # The exception is that of a letter issued here, with unpaid months before its month.
            models.CheckConstraint(
                condition=Q(dues_exception="") | Q(from_branch__isnull=False, sent_on__isnull=False),
                name="members_transfer_dues_exception_sent",
                violation_error_message="党费未交清例外原因只记在本省开出的介绍信上。"),
        ]

    def __str__(self) -> str:
        return f"{self.member}（{self.letter_number}）"

    @property
    def source_shown(self) -> str:
        """转出方 as lists and messages name it: the branch with its place, or 省外：the
        organisation the letter from outside names. Reads ``from_branch.unit``."""
        return self.from_branch.placed_name if self.from_branch_id else f"省外：{self.origin}"

    @property
    def destination_shown(self) -> str:
        """转入方 as lists and messages name it: the branch with its place, or 省外：the
        organisation the letter goes to. Reads ``to_branch.unit``."""
        return self.to_branch.placed_name if self.to_branch_id else f"省外：{self.destination}"

    @property
    def from_outside(self) -> bool:
        return self.from_branch_id is None

    @property
    def inside_province(self) -> bool:
        return self.to_branch_id is not None

    @property
    def valid_until(self) -> datetime.date | None:
        """有效至: the letter's last valid day (none when it states no validity)."""
        return rules.letter_valid_until(self.sent_on, self.valid_days)

    @property
    def leaves_province(self) -> bool:
        """Issued here to an organisation outside the province: its receipt is the 回执."""
        return self.to_branch_id is None and self.from_branch_id is not None

    def clean(self) -> None:
        errors = rules.transfer_errors(from_branch_id=self.from_branch_id, to_branch=self.to_branch if
                                       self.to_branch_id else None, destination=self.destination)
        if errors:
            raise ValidationError(errors)


class Stage(models.TextChoices):
    APPLIED = "applied", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "已转正"
    CANCELLED = "cancelled", "取消预备党员资格"
    WITHDRAWN = "withdrawn", "终止培养"
    DECEASED = "deceased", "预备期内去世"  # closed by the member's death, not a decision against him


def vote_count_fields(resolution: str) -> tuple[models.PositiveSmallIntegerField, ...]:
    """The 支部大会's count of one vote (``resolution``: 接收, 转正): 应到会 and 实到会有表决权
    的党员 and 赞成人数, kept whole or not at all (the constraints below); each refused below
    its floor in the same words on the form, the step page and the sheet."""
    return (
        models.PositiveSmallIntegerField(f"{resolution}表决应到会人数", null=True, blank=True,
                                         validators=[MinValueValidator(1)],
                                         error_messages={"min_value": rules.VOTE_EXPECTED_SOMEONE},
                                         help_text="支部大会应到会有表决权的党员（正式党员）人数。"),
        models.PositiveSmallIntegerField(f"{resolution}表决实到会人数", null=True, blank=True,
                                         validators=[MinValueValidator(0)],
                                         error_messages={"min_value": rules.VOTE_PRESENT_FLOOR},
                                         help_text="实到会有表决权的党员人数，须超过应到会人数的半数。"),
        models.PositiveSmallIntegerField(f"赞成{resolution}人数", null=True, blank=True,
                                         validators=[MinValueValidator(0)],
                                         error_messages={"min_value": rules.VOTE_FOR_FLOOR},
                                         help_text="须超过应到会有表决权的正式党员人数的半数。"),
    )


# Before the 支部大会 vote: the person is not on the roll yet, and enters it by the file's vote.
BEFORE_VOTE = (Stage.APPLIED, Stage.ACTIVIST, Stage.CANDIDATE)


class Applicant(NamedPerson, Audited):
    """发展党员 (一名申请人的入党材料): the dated steps from 入党申请 to 转正.

    Each step is one service in :mod:`branches.members.services`; a step taken out of
    time is refused unless the rules allow an exception and its reason is recorded
    (``talk_late_reason``, ``review_late_reason``).
    """

    scope_field = "branch__unit"

    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, unique=True,
                                 error_messages={"unique": secrets.ID_NUMBER_UNAVAILABLE})
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    branch = models.ForeignKey("branches.PartyOrganisation", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="applicants")
    stage = models.CharField("发展阶段", max_length=20, choices=Stage.choices, default=Stage.APPLIED)
    applied_on = models.DateField("递交入党申请书日期")
    talked_on = models.DateField("谈话日期", null=True, blank=True)
    talk_late_reason = models.CharField("逾期谈话原因", max_length=200, blank=True)
    activist_on = models.DateField("确定为入党积极分子日期", null=True, blank=True,
                                   help_text="支部委员会（不设支委会的支部大会）研究决定的日期。")
    contact_1 = models.ForeignKey(Member, verbose_name="培养联系人一", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    contact_2 = models.ForeignKey(Member, verbose_name="培养联系人二", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    reviewed_on = models.DateField("最近一次培养考察日期", null=True, blank=True, editable=False,
                                   help_text="考察记录中最近的一次，随每次考察更新。")
    candidate_on = models.DateField("确定为发展对象日期", null=True, blank=True)
    review_late_reason = models.CharField("考察逾期原因", max_length=200, blank=True,
                                          help_text="两次考察（或确定为积极分子至首次考察、末次考察至确定为发展对象）"
                                                    "间隔超过六个月的，须写明原因。")
    political_review_on = models.DateField("政治审查完成日期", null=True, blank=True)
    training_days = models.PositiveSmallIntegerField("集中培训天数", default=0, validators=[MaxValueValidator(366)])
    training_hours = models.PositiveSmallIntegerField("集中培训学时", default=0, validators=[MaxValueValidator(3000)])
    publicity_on = models.DateField("公示结束日期", null=True, blank=True)
    vote_on = models.DateField("支部大会讨论接收日期", null=True, blank=True)
    vote_expected, vote_present, vote_for = vote_count_fields("接收")
    approved_on = models.DateField("上级党委审批日期", null=True, blank=True)
    approval_late_reason = models.CharField("审批逾期原因", max_length=200, blank=True,
                                            help_text="支部大会通过三个月后才审批的，须写明原因。")
    oath_on = models.DateField("入党宣誓日期", null=True, blank=True)
    probation_extended_months = models.PositiveSmallIntegerField("延长预备期（月）", default=0)
    extension_meeting_on = models.DateField("延长预备期支部大会日期", null=True, blank=True,
                                            help_text="预备期满后支部大会讨论决定延长预备期的日期。")
    full_on = models.DateField("转正日期", null=True, blank=True)
    full_meeting_on = models.DateField("讨论转正支部大会日期", null=True, blank=True,
                                       help_text="预备期满后支部大会讨论同意转正的日期；转正日期为预备期满之日。")
    full_vote_expected, full_vote_present, full_vote_for = vote_count_fields("转正")
    closed_reason = models.CharField("取消资格或终止培养原因", max_length=200, blank=True)
    cancel_meeting_on = models.DateField("取消预备党员资格支部大会日期", null=True, blank=True,
                                         help_text="支部大会讨论决定取消预备党员资格的日期（预备期内或期满后），"
                                                   "报上级党委审批；终止培养的不填。")
    member = models.OneToOneField(Member, verbose_name="党员名册记录", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="application", editable=False)

    class Meta:
        verbose_name = "发展党员"
        verbose_name_plural = "发展党员"
        ordering = ["branch_id", "applied_on", "id"]
        permissions = [("view_unmasked_id_number", "查看完整身份证号"),
                       ("import_applicant", "可导入发展党员信息"), ("export_applicant", "可导出发展党员信息")]
        indexes = [
            models.Index(fields=["stage", "branch"], name="members_applicant_stage_idx"),
            models.Index(fields=["branch", "applied_on"], name="members_applicant_branch_idx"),
        ]
        constraints = [
            # A 支部大会's count is kept whole or not at all (files voted on before it was
            # kept have none), and only a count that carries the resolution (rules.vote_tally_errors).
            *(models.CheckConstraint(
                condition=Q(**{f"{e}__isnull": True, f"{p}__isnull": True, f"{f}__isnull": True})
                | Q(**{f"{e}__gte": 1, f"{p}__lte": F(e), f"{f}__isnull": False, f"{f}__lte": F(p)})
                & Q(**{f"{p}__gt": F(e) / 2, f"{f}__gt": F(e) / 2}),  # integers: more than half
                name=f"members_applicant_{kind}_vote_tally",
                violation_error_message="支部大会表决人数不完整，或未超过应到会有表决权党员的半数。")
              for kind, (e, p, f) in rules.VOTE_FIELDS.items()),
            # Not NOT NULL: a file closed as 取消 without a meeting (cancelled before the
            # date was kept, or its 预备党员 died) has none; the services and the sheet
            # require it when they cancel.
            models.CheckConstraint(
                condition=Q(cancel_meeting_on__isnull=True) | Q(vote_on__lte=F("cancel_meeting_on")),
                name="members_applicant_cancel_meeting",
                violation_error_message=rules.CANCEL_MEETING_EARLY,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def probation_ends_on(self) -> datetime.date | None:
        """预备期满: one year from the 支部大会 vote, plus any extension."""
        return rules.probation_end(self.vote_on, self.probation_extended_months)

    def clean(self) -> None:
        errors: dict[str, str] = names.written_name_errors(self)
        if self.id_number:
            # As on the roster: a birth date typed apart from the number would also move the
            # age the application is judged by (at least 18).
            errors.update(fill_from_id_number(self))
        if self.branch_id is not None:
            message = rules.branch_error(self.branch)
            if message:
                errors["branch"] = message
        if self.applied_on and (message := rules.future_error(self.applied_on, "递交入党申请书日期", dates.today())):
            errors["applied_on"] = message  # as every later step's date, and the sheet's whole-file check
        elif self.applied_on and self.birth_date and "birth_date" not in errors:
            message = rules.application_age_error(self.birth_date, self.applied_on)
            if message:
                errors["applied_on"] = message
        if self.talked_on and self.applied_on:
            message = rules.talk_error(self.applied_on, self.talked_on, self.talk_late_reason)
            if message:
                errors["talked_on"] = message
        if (self.pk is None and self.id_number and "id_number" not in errors
                and Member.objects.filter(id_number=self.id_number).exists()):
            # On the roster, in any county (the message does not say where): a member on the
            # roll, or one who left it, whose file could never be admitted (admission puts a
            # new record on the roster; 重新入党 is not handled here).
            errors["id_number"] = secrets.ID_NUMBER_UNAVAILABLE
        if errors:
            raise ValidationError(errors)


class ActivistReview(Audited):
    """考察记录: the branch's half-yearly assessment of an 入党积极分子."""

    scope_field = "applicant__branch__unit"

    applicant = models.ForeignKey(Applicant, verbose_name="入党积极分子", on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("考察日期")
    summary = models.CharField("考察意见", max_length=500)

    class Meta:
        verbose_name = "考察记录"
        verbose_name_plural = "考察记录"
        ordering = ["applicant", "reviewed_on"]

    def __str__(self) -> str:
        return f"{self.applicant} {self.reviewed_on:%Y-%m-%d}"


class DuesRecord(Audited):
    """党费收缴登记 (one member, one month): what is due and what was paid.

    A month's dues are the collecting branch's (``branch``, the member's when the month
    was generated), not the member's wherever he goes: a transfer inside the province
    leaves the months collected before the letter with the branch that collected them —
    its ledger and monthly figures, and only its clerks correct them — and hands the
    months from the letter's on, still unpaid, to the receiving branch
    (:func:`services.transfer_receive`). A month before the letter's month that the letter
    let through unpaid by its exception (``excused_by``) stays unpaid here with that
    reason (例外), and is not counted in arrears."""

    scope_field = "branch__unit"
    month_fields = ("month",)  # the trail writes 2026.11, as the ledger does

    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="dues")
    branch = models.ForeignKey("branches.PartyOrganisation", verbose_name="收缴党支部", on_delete=models.PROTECT,
                               related_name="+", editable=False)
    month = models.DateField("月份", help_text="该月1日。")
    due = models.DecimalField("应交（元）", **MONEY)
    paid = models.DecimalField("实交（元）", **MONEY, null=True, blank=True)
    paid_on = models.DateField("交纳日期", null=True, blank=True)
    # 按例外开出介绍信: a month before a letter's month let through unpaid by the letter's
    # exception (党费未交清例外原因). It stays unpaid in this ledger, with a recorded reason,
    # and is not in arrears. Set by services.transfer_send, cleared by transfer_return.
    # No index of its own: the rows are read through their member, and a transfer is never
    # deleted; adding the column stays instant on a ledger of twenty million rows.
    excused_by = models.ForeignKey(Transfer, verbose_name="按例外开出介绍信", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", editable=False, db_index=False)

    class Meta:
        verbose_name = "党费记录"
        verbose_name_plural = "党费收缴"
        permissions = [("import_duesrecord", "可导入党费交纳"), ("export_duesrecord", "可导出党费记录")]
        ordering = ["-month", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="members_dues_one_per_month",
                                    violation_error_message="该党员该月的党费记录已存在。"),
        ]
        indexes = [
            models.Index(fields=["member", "month"], name="members_dues_unpaid_idx", condition=Q(paid_on__isnull=True)),
            models.Index(fields=["-month", "member"], name="members_dues_month_idx"),
            models.Index(fields=["branch", "-month", "member"], name="members_dues_branch_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m}"

    @property
    def batch_label(self) -> str:
        """How a batch action's result names the month (批量办理结果), namesakes told apart:
        王晓梅（尾号0005，兰州市城关区第1党支部） 2025-12. Reads ``member.branch.unit``."""
        return f"{self.member.batch_label} {self.month:%Y-%m}"

    @property
    def month_display(self) -> str:
        return dates.format_month(self.month)

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


# The months of a ledger in arrears once ended (欠缴): unpaid, not let through by a
# letter's exception (those are unpaid with a recorded reason, DuesRecord.excused_by), and
# owing something (a month of 应交 0.00, a category configured at 0, owes nothing).
DUES_OWED = Q(paid_on__isnull=True, excused_by__isnull=True, due__gt=0)


def dues_owed_on(day: datetime.date) -> Q:
    """:data:`DUES_OWED` as the ledger stood on ``day`` (a 介绍信's date): not paid by then,
    not let through by a letter's exception, and owing something."""
    return (Q(paid_on__isnull=True) | Q(paid_on__gt=day)) & Q(excused_by__isnull=True, due__gt=0)


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class Disposal(models.TextChoices):
    """组织处置 of a member found 不合格."""

    CORRECT = "correct", "限期改正"
    PERSUADE = "persuade", "劝其退党"
    REMOVE = "remove", "除名"
    PROBATION = "probation", "延长预备期或取消预备党员资格"


class CorrectionResult(models.TextChoices):
    CORRECTED = "corrected", "已改正"
    NOT_CORRECTED = "not_corrected", "未改正，劝其退党"


class LeavingOutcome(models.TextChoices):
    """How a member found 不合格 leaves the Party when the disposal is carried out."""

    WITHDRAWN = "withdrawn", "本人同意退党，予以退党"
    REMOVED = "removed", "予以除名"


class Appraisal(Audited):
    """民主评议党员: one member's result for one year, decided by the 支部大会, and the
    organisational disposal of one found 不合格 (with the 限期改正 period and its
    期满评定). Rules: :func:`rules.appraisal_errors`, :func:`rules.correction_review_error`."""

    scope_field = "member__branch__unit"

    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="appraisals")
    year = models.PositiveSmallIntegerField("评议年度")
    grade = models.CharField("评定等次", max_length=20, choices=AppraisalGrade.choices)
    decided_on = models.DateField("支部大会评定日期")
    disposal = models.CharField("组织处置", max_length=20, choices=Disposal.choices, blank=True,
                                help_text="仅评为不合格的党员填写。")
    correct_by = models.DateField("限期改正期满日期", null=True, blank=True,
                                  help_text="限期改正的填写，期限一般为一年。")
    reviewed_on = models.DateField("期满评定日期", null=True, blank=True, editable=False)
    review_result = models.CharField("期满评定结果", max_length=20, choices=CorrectionResult.choices, blank=True,
                                     editable=False)
    # 落实组织处置: the higher committee's approval, with which the member leaves the roll.
    outcome = models.CharField("处置落实结果", max_length=20, choices=LeavingOutcome.choices, blank=True,
                               editable=False)
    approved_on = models.DateField("上级党组织批准日期", null=True, blank=True, editable=False)
    approved_by = models.CharField("批准机关", max_length=100, blank=True, editable=False)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "民主评议结果"
        verbose_name_plural = "民主评议党员"
        ordering = ["-year", "member_id"]
        permissions = [("import_appraisal", "可导入民主评议结果"), ("export_appraisal", "可导出民主评议结果")]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="members_appraisal_one_per_year",
                                    violation_error_message="该党员该年度的民主评议结果已登记。"),
        ]
        indexes = [
            models.Index(fields=["-year", "member"], name="members_appraisal_year_idx"),
            # The 限期改正 awaiting their 期满评定: few, read by their end date.
            models.Index(fields=["correct_by"], name="members_appraisal_due_idx",
                         condition=Q(disposal="correct", reviewed_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}年度"

    def clean(self) -> None:
        member = self.member if self.member_id else None
        errors = rules.appraisal_errors(
            year=self.year, grade=self.grade, decided_on=self.decided_on, disposal=self.disposal,
            correct_by=self.correct_by, category=getattr(member, "category", None),
            joined_on=getattr(member, "joined_on", None),
            status=getattr(member, "status", None) if self._state.adding else None, today=dates.today())
        if errors:
            raise ValidationError(errors)
