"""Talent work (人才工作): programmes, enrollees, funding, term reviews, service cards, liaison.

The paperwork these models mirror: the programme notice (人才计划/工程实施办法), the
enrollee roster (入选人员名册) with its individual training plans (个性化培养方案), the
yearly funding sheet (资助经费拨付表), the term review (聘期考核) with its rewards and the
exit mechanism (退出机制), the 陇原人才服务卡 and its green channel (绿色通道) requests,
and the register of leaders who liaise with experts (党委联系服务专家).

Scope: every record hangs from a unit through ``scope_field``. A person belongs to the
unit that employs them; everything about that person is scoped by that unit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from orgwork.common.display import already
from orgwork.audit.models import Audited
from orgwork.audit.presentation import choice_labels
from orgwork.common import dates, idnumber, names, phones, secrets
from orgwork.common.versioning import Versioned
from orgwork.common.files import AdminDownloadFileField
from orgwork.rectification.evidence import CheckedFile

MONEY = {"max_digits": 12, "decimal_places": 2}


def yuan(value: Decimal | int | None) -> str:
    """``3,000,000元``: how money is written on the forms."""
    if value is None:
        return "—"
    return f"{Decimal(value):,.0f}元" if Decimal(value) == Decimal(value).to_integral() else f"{Decimal(value):,.2f}元"


class ProgrammeType(models.TextChoices):
    TOP_LEADING = "top_leading", "拔尖领军人才"
    LEADING = "leading", "领军人才"
    LONGYUAN_LIGHT = "longyuan_light", "陇原之光"
    HIGH_LEVEL_RECRUIT = "high_level_recruit", "高层次人才引进"
    SELECTED_GRADUATE = "selected_graduate", "选调生"
    DOCTORAL_SERVICE = "doctoral_service", "博士服务团"
    EXPERT_SERVICE = "expert_service", "专家服务团"
    OTHER = "other", "其他"


class Programme(Audited):
    """人才计划/工程: one programme as its implementing notice defines it.

    Scope: ``scope_field = "unit"`` is the owning unit (the department that runs the
    programme). Managing a programme (its admin page) follows the owner's subtree like
    every other record. Enrolling into it does not: a programme run by the province is
    open to every unit below the province, so the enrollment form, the import sheet and
    the funding lists offer :func:`talent.selectors.programmes_open_to` — the
    programmes owned by the user's unit, by any unit above it, or by any unit below it.
    Enrollments themselves are scoped by the enrollee's unit, never by the programme's.
    """

    scope_field = "unit"

    name = models.CharField("计划名称", max_length=100, unique=True,
                            error_messages={"unique": "同名的人才计划已存在。"})
    programme_type = models.CharField("计划类别", max_length=30, choices=ProgrammeType.choices)
    unit = models.ForeignKey("units.Unit", verbose_name="主管单位", on_delete=models.PROTECT, related_name="+")
    term_months = models.PositiveSmallIntegerField(
        "聘期（月）", default=36, validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text="入选后的培养或服务期限，用于计算聘期结束日期。",
    )
    funding_min = models.DecimalField("年度资助下限（元）", null=True, blank=True, **MONEY,
                                      validators=[MinValueValidator(0)])
    funding_max = models.DecimalField("年度资助上限（元）", null=True, blank=True, **MONEY,
                                      validators=[MinValueValidator(0)],
                                      help_text="留空表示该计划不拨付年度资助。")
    excellent_reward = models.DecimalField(
        "考核优秀奖励（元）", null=True, blank=True, **MONEY, validators=[MinValueValidator(0)],
        help_text="聘期考核为优秀时一次性奖励的金额；留空表示不设奖励。",
    )
    quota_per_batch = models.PositiveIntegerField("每批名额", null=True, blank=True,
                                                  help_text="留空表示不限名额。")
    is_active = models.BooleanField("正在实施", default=True)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "人才计划"
        verbose_name_plural = "人才计划"
        ordering = ["programme_type", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(funding_min__isnull=True) | Q(funding_max__isnull=True) | Q(funding_min__lte=models.F("funding_max")),
                name="talent_programme_funding_range",
                violation_error_message="年度资助下限不能高于上限。",
            ),
        ]
        indexes = [
            models.Index(fields=["programme_type"], name="talent_prog_type_idx"),
            models.Index(fields=["is_active"], name="talent_prog_active_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.funding_min is not None and self.funding_max is not None and self.funding_min > self.funding_max:
            raise ValidationError({"funding_max": "年度资助上限不能低于下限。"})
        if errors := {**self.quota_below_batches(), **self.range_outside_grants()}:
            raise ValidationError(errors)

    def quota_below_batches(self) -> dict[str, str]:
        """The error under ``quota_per_batch`` when a 每批名额 written now is below the
        enrollees of a batch already chosen ({} when it is not): the quota counts who was
        chosen (``services.enrollment_quota_error``), so a batch never holds more than it."""
        if self._state.adding or self.quota_per_batch is None or not self.written_now("quota_per_batch"):
            return {}
        over = list(Enrollment.objects.filter(programme_id=self.pk).values("batch_year")
                    .annotate(n=models.Count("pk")).filter(n__gt=self.quota_per_batch).order_by("batch_year")
                    .values_list("batch_year", "n"))
        if not over:
            return {}
        batches = "、".join(f"{year}年批次已入选 {n} 人" for year, n in over)
        most = max(n for _, n in over)
        return {"quota_per_batch": f"「{self}」{batches}，每批名额不能少于 {most} 人。"}

    def range_outside_grants(self) -> dict[str, str]:
        """Errors under ``funding_min``/``funding_max`` when a yearly range written now would
        put grants already recorded outside it ({} when it would not): every grant lies in
        its programme's range (``Funding.clean``), and a range moved under them would have
        the unchanged funding sheet refuse its own rows. Grants are named by year and
        amount (their enrollees may lie outside the editor's jurisdiction)."""
        if self._state.adding or not (self.written_now("funding_min") or self.written_now("funding_max")):
            return {}
        grants = Funding.objects.filter(programme_id=self.pk)
        rule = "年度资助范围须覆盖已登记的资助经费；确需调整的，请先更正这些资助记录。"
        if self.funding_max is None:
            count = grants.count()
            if not count:
                return {}
            shown = self._grants_named(grants.order_by("year", "amount"), count)
            return {"funding_max": f"「{self}」已登记资助经费 {count} 笔（{shown}），年度资助上限不能留空"
                                   f"（留空表示该计划不拨付年度资助）。"}
        errors: dict[str, str] = {}
        low = self.funding_min or Decimal(0)
        if count := (below := grants.filter(amount__lt=low)).count():
            shown = self._grants_named(below.order_by("amount", "year"), count)
            errors["funding_min"] = f"年度资助下限 {yuan(low)} 高于已登记的 {count} 笔资助经费（{shown}）：{rule}"
        if count := (above := grants.filter(amount__gt=self.funding_max)).count():
            shown = self._grants_named(above.order_by("-amount", "year"), count)
            errors["funding_max"] = (f"年度资助上限 {yuan(self.funding_max)} 低于已登记的 {count} 笔资助经费"
                                     f"（{shown}）：{rule}")
        return errors

    @staticmethod
    def _grants_named(grants: models.QuerySet[Funding], count: int, shown: int = 3) -> str:
        """``2024年 700,000元、2025年 800,000元等17笔``: the first grants, then how many in all."""
        named = "、".join(f"{year}年 {yuan(amount)}" for year, amount in grants.values_list("year", "amount")[:shown])
        return f"{named}等{count}笔" if count > shown else named

    @property
    def funding_range_text(self) -> str:
        if self.funding_max is None:
            return "不拨付年度资助"
        return f"{yuan(self.funding_min or 0)}—{yuan(self.funding_max)}"

    def funding_error(self, amount: Decimal) -> str | None:
        """The message for an amount outside this programme's yearly range, else None."""
        if self.funding_max is None:
            return f"「{self}」不拨付年度资助。"
        low = self.funding_min or Decimal(0)
        if amount < low or amount > self.funding_max:
            return f"「{self}」每人每年资助 {self.funding_range_text}，{yuan(amount)} 超出范围。"
        return None


class Gender(models.TextChoices):
    MALE = idnumber.MALE, "男"
    FEMALE = idnumber.FEMALE, "女"


class Person(Audited):
    """人才 (入选人员基本信息): a person who is, was or may be in a talent programme.

    A talent may also be a cadre; the two registries are siblings and do not link by
    key. The resident ID number identifies the same person in both.
    """

    scope_field = "unit"

    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField(
        "身份证号", max_length=18, unique=True,
        error_messages={"unique": "该身份证号已登记为人才（可能属于其他单位），请勿重复登记。"},
    )
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    unit = models.ForeignKey("units.Unit", verbose_name="工作单位", on_delete=models.PROTECT, related_name="+")
    field = models.CharField("专业领域", max_length=100, blank=True)
    professional_title = models.CharField("专业技术职称", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "人才"
        verbose_name_plural = "人才信息"
        ordering = ["name", "id"]
        permissions = [("view_unmasked_id_number", "查看完整身份证号"),
                       ("import_person", "可导入人才信息"), ("export_person", "可导出人才信息")]
        indexes = [
            models.Index(fields=["name"], name="talent_person_name_idx"),
            models.Index(fields=["unit", "name"], name="talent_person_unit_idx"),
            models.Index(fields=["gender"], name="talent_person_gender_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return idnumber.mask(self.id_number)

    def clean(self) -> None:
        errors: dict[str, list[str] | str] = {**names.written_name_errors(self)}
        # A phone pasted from a masked list or export (138****5678) is no phone.
        if refused := secrets.masked_refusal(self.phone, secrets.PHONE, "联系电话"):
            errors["phone"] = [refused]
        elif self.phone and self.written_now("phone"):
            # A number written now is kept in one form (１３８ ０００１ ２２２２ → 13800012222).
            if normal := phones.normal_phone(self.phone):
                self.phone = normal
            else:
                errors["phone"] = [phones.NOT_A_PHONE]
        if self.id_number:
            try:
                self.id_number = idnumber.clean(self.id_number)
            except ValidationError as error:
                errors["id_number"] = error.messages
            else:
                found = idnumber.consistency_errors(self.id_number, birth=self.birth_date,
                                                    gender=self.gender or None, month_only=False)
                errors.update({"birth_date" if k == "birth" else k: v for k, v in found.items()})
        if errors:
            raise ValidationError(errors)


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "在册"
    COMPLETED = "completed", "期满"
    EXITED = "exited", "退出"


class ExitReason(models.TextChoices):
    FAILED_REVIEW = "failed_review", "聘期考核不合格"
    OWN_REQUEST = "own_request", "本人申请"
    TRANSFERRED = "transferred", "调离本省"
    DISCIPLINE = "discipline", "违纪违法"
    OTHER = "other", "其他"


# 聘期开始 lies in the batch's year (入选批次) or the next one: a batch chosen late in the
# year starts its terms the following January. A start decades away is a mistyped year.
TERM_START_YEARS_AFTER_BATCH = 1


def term_start_batch_error(batch_year: int, term_start: datetime.date) -> str:
    """The message for a 聘期开始 too far from its 入选批次 (one wording for every path)."""
    return (f"聘期开始 {term_start.isoformat()} 与入选批次（{batch_year}年）不符：聘期应在入选当年或次年开始"
            f"（{batch_year}年1月1日至{batch_year + TERM_START_YEARS_AFTER_BATCH}年12月31日）。")


# A batch (入选批次) is named by its year; one chosen now may be next year's batch (its
# terms start then), never one further ahead: 2031 is a mistyped year.
BATCH_YEARS_AHEAD = 1


def batch_year_ahead_error(batch_year: int) -> str:
    """The message for a 入选批次 later than next year ("" when it is not)."""
    latest = dates.today().year + BATCH_YEARS_AHEAD
    if batch_year <= latest:
        return ""
    return (f"入选批次（{batch_year}年）不能晚于{latest}年：入选批次是已经或正在遴选的批次，"
            f"至多为下一年度的批次。")


# Who and which programme an enrollment is about: its funding and reviews hang from it and
# repeat both (the sheets' natural key), so neither changes once it is registered. The
# roster keeps every enrollee (no 删除): a wrong one exits, and the right one is enrolled.
ENROLLEE_FIXED = ("入选人员的人才和人才计划登记后不能更改：资助经费和聘期考核都记在这条入选记录上。"
                  "如登记有误，请对这条记录办理退出（退出原因选「其他」，在退出说明中写明登记有误），"
                  "再为正确的人才或人才计划新增入选记录。")


# An exit is recorded once it has happened: a 退出 dated ahead would take the enrollee
# off the roster (and the funding) today.
EXIT_IN_FUTURE = "退出日期不能晚于今天。"


def completed_term_end_error(term_end: datetime.date) -> str:
    """Why a 期满 enrollee's 聘期结束 may not become ``term_end`` ("" when it may): 期满 is
    given to a term that has ended (``services.enrollment_complete_term``), so its end lies
    before today; one moved ahead would show 期满 for a term still running."""
    today = dates.today()
    if term_end < today:
        return ""
    return (f"该入选人员已期满，聘期结束 {term_end.isoformat()} 不能是今天（{today.isoformat()}）或以后的日期："
            "期满是聘期结束后办理的，聘期结束应早于今天。实际仍需继续培养的，请为其新增入选记录（新的入选批次和聘期）；"
            "聘期结束日期登记有误的，请改为实际结束的日期。")


class Enrollment(Versioned, Audited):
    """入选人员 (人才计划入选名册的一行): a person in one batch of one programme.

    Status moves only through services: 在册 → 期满 (term end, ``talent_expire_terms``)
    or 在册 → 退出 (``enrollment_exit``, e.g. after a 不合格 term review).
    """

    scope_field = "person__unit"

    person = models.ForeignKey(Person, verbose_name="人才", on_delete=models.PROTECT, related_name="enrollments")
    programme = models.ForeignKey(Programme, verbose_name="人才计划", on_delete=models.PROTECT, related_name="enrollments")
    batch_year = models.PositiveSmallIntegerField("入选批次（年度）",
                                                  validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    status = models.CharField("状态", max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE)
    term_start = models.DateField("聘期开始")
    term_end = models.DateField("聘期结束", blank=True, help_text="留空按计划的聘期自动计算。")
    exit_reason = models.CharField("退出原因", max_length=20, choices=ExitReason.choices, blank=True)
    exit_date = models.DateField("退出日期", null=True, blank=True)
    exit_note = models.TextField("退出说明", blank=True)
    training_plan = models.TextField("个性化培养方案", blank=True)

    class Meta:
        verbose_name = "入选人员"
        verbose_name_plural = "入选人员"
        permissions = [("import_enrollment", "可导入入选人员"), ("export_enrollment", "可导出入选人员")]
        ordering = ["-batch_year", "programme", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "programme", "batch_year"], name="talent_enrollment_unique",
                                    violation_error_message="该人员已入选本计划的这一批次。"),
            models.CheckConstraint(condition=Q(term_end__gte=models.F("term_start")), name="talent_enrollment_term",
                                   violation_error_message="聘期结束不能早于聘期开始。"),
            models.CheckConstraint(
                condition=(Q(status="exited", exit_date__isnull=False) & ~Q(exit_reason=""))
                | Q(~Q(status="exited"), exit_date__isnull=True, exit_reason=""),
                name="talent_enrollment_exit_fields",
                violation_error_message="退出状态必须填写退出原因和日期，其他状态不能填写。",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "term_end"], name="talent_enr_status_end_idx"),
            models.Index(fields=["programme", "batch_year", "status"], name="talent_enr_prog_batch_idx"),
            models.Index(fields=["batch_year"], name="talent_enr_batch_idx"),
        ]

    def __str__(self) -> str:
        name = self.person.name if self.person_id else "?"
        prog = self.programme.name if self.programme_id else "?"
        return f"{name}（{prog} {self.batch_year}批）"

    def default_term_end(self) -> datetime.date:
        return add_months(self.term_start, self.programme.term_months) - datetime.timedelta(days=1)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        computed = self.term_start and not self.term_end and self.programme_id
        if computed:
            self.term_end = self.default_term_end()
            if not dates.in_range(self.term_end):
                # The clerk typed the start, not this end: name what was typed and why.
                errors["term_start"] = (
                    f"聘期结束（按聘期开始 {self.term_start.isoformat()} 和{self.programme.term_months}个月的聘期"
                    f"推算为 {self.term_end.isoformat()}）超出{dates.MIN_YEAR}–{dates.MAX_YEAR}年，请核对聘期开始。")
                self.term_end = None  # not stored, and not refused again under its own name
        if (self.term_start and self.batch_year and (self.written_now("term_start") or self.written_now("batch_year"))
                and not self.batch_year <= self.term_start.year <= self.batch_year + TERM_START_YEARS_AFTER_BATCH):
            message = term_start_batch_error(self.batch_year, self.term_start)
            errors["term_start"] = [errors["term_start"], message] if "term_start" in errors else message
        if self.term_start and self.term_end and self.term_end < self.term_start:
            errors["term_end"] = "聘期结束不能早于聘期开始。"
        elif (self.term_start and self.term_end and self.programme_id and not computed
              and (self.written_now("term_start") or self.written_now("term_end"))
              and (message := self.term_beyond_programme_error())):
            errors["term_end"] = message
        if self.batch_year and self.written_now("batch_year") and (message := batch_year_ahead_error(self.batch_year)):
            errors["batch_year"] = message
        if (not self._state.adding and self.status == EnrollmentStatus.COMPLETED and self.term_end
                and "term_end" not in errors and self.written_now("term_end")
                and (message := completed_term_end_error(self.term_end))):
            errors["term_end"] = message
        loaded = getattr(self, "_audit_loaded", None) or {}
        for name in ("person", "programme"):
            if not self._state.adding and f"{name}_id" in loaded and loaded[f"{name}_id"] != getattr(self, f"{name}_id"):
                errors[name] = ENROLLEE_FIXED
        if self.status == EnrollmentStatus.EXITED:
            if not self.exit_reason:
                errors["exit_reason"] = "退出必须填写退出原因。"
            if not self.exit_date:
                errors["exit_date"] = "退出必须填写退出日期。"
            elif self.written_now("exit_date") and (message := self.exit_date_error(self.exit_date)):
                errors["exit_date"] = message
        elif self.exit_reason or self.exit_date:
            errors["exit_reason"] = "只有退出状态才填写退出原因和日期。"
        if "term_start" not in errors and "term_end" not in errors:
            for name, message in self.records_outside_term().items():
                errors[name] = message
        if errors:
            raise ValidationError(errors)

    def term_beyond_programme_error(self) -> str:
        """Why the 聘期结束 is too late for the programme's 聘期 ("" when it is not): a term
        runs at most the programme's length (``default_term_end``); a shorter one may be
        written, as long as it covers what is recorded on it (``records_outside_term``)."""
        latest = self.default_term_end()
        if self.term_end <= latest:
            return ""
        return (f"聘期结束 {self.term_end.isoformat()} 超出「{self.programme}」{self.programme.term_months}个月的聘期："
                f"聘期开始 {self.term_start.isoformat()} 的聘期至迟于 {latest.isoformat()} 结束。")

    def exit_date_error(self, exit_date: datetime.date) -> str:
        """Why ``exit_date`` may not be this enrollee's 退出日期 ("" when it may): an exit has
        taken place (not after today, as a 考核日期) and lies in the term — not before the
        聘期开始, not after the 聘期结束 (a term that has run out ends as 期满, not as 退出).
        One wording for the batch action, the record page's button and the service."""
        if self.term_start and exit_date < self.term_start:
            return "退出日期不能早于聘期开始。"
        if dates.after_today(exit_date):
            return EXIT_IN_FUTURE
        if self.term_end and exit_date > self.term_end:
            return (f"退出日期 {exit_date.isoformat()} 晚于聘期结束 {self.term_end.isoformat()}："
                    "退出日期应在聘期内；聘期已结束的，请办理「聘期期满」。")
        return ""

    def records_outside_term(self) -> dict[str, str]:
        """What is recorded on this enrollment that a changed term (聘期开始/聘期结束) would no
        longer cover, as errors under ``term_start`` and ``term_end``: every 资助年度 and
        考核年度 lies in the term's years (``EnrolleeYearRecord.year_outside_term_error``),
        no grant is paid (拨付日期) before the term starts (``Funding.granted_on_error``),
        no review is dated before the term starts (``TermReview.clean``) and the 退出日期
        lies in the term (:meth:`exit_date_error`). Asked only when the term is written now,
        so a re-uploaded roster costs no query; the page, the roster sheet and
        ``services.enrollment_update`` all clean here."""
        if (self._state.adding or self.pk is None or not self.term_start or not self.term_end
                or not (self.written_now("term_start") or self.written_now("term_end"))):
            return {}
        first, last = self.term_start.year, self.term_end.year
        before: list[str] = []
        after: list[str] = []
        grants = list(Funding.objects.filter(enrollment_id=self.pk)
                      .filter(Q(year__lt=first) | Q(year__gt=last) | Q(granted_on__lt=self.term_start))
                      .order_by("year").values_list("year", "granted_on"))
        if early := [y for y, _ in grants if y < first]:
            before.append(f"{'、'.join(f'{y}年' for y in early)}的资助经费")
        # A grant is paid once the term has begun (Funding.granted_on_error): one of a year
        # in the term paid before a start moved later would have been paid to no one.
        if paid := [(y, on) for y, on in grants if first <= y <= last and on and on < self.term_start]:
            before.append("、".join(f"{y}年的资助经费（拨付日期 {on.isoformat()}）" for y, on in paid))
        if late := [y for y, _ in grants if y > last]:
            after.append(f"{'、'.join(f'{y}年' for y in late)}的资助经费")
        reviews = (TermReview.objects.filter(enrollment_id=self.pk)
                   .filter(Q(review_year__lt=first) | Q(review_year__gt=last) | Q(reviewed_on__lt=self.term_start))
                   .order_by("review_year"))
        for review in reviews:
            named = (f"{review.review_year}年的聘期考核（{review.get_grade_display()}，"
                     f"考核日期 {review.reviewed_on.isoformat()}）")
            (after if review.review_year > last else before).append(named)
        if self.exit_date and self.exit_date < self.term_start:
            before.append(f"退出日期 {self.exit_date.isoformat()}")
        if self.exit_date and self.exit_date > self.term_end:
            after.append(f"退出日期 {self.exit_date.isoformat()}")
        rule = "聘期须覆盖这条入选记录上已登记的资助经费、聘期考核和退出日期；确需调整聘期的，请先更正这些记录。"
        errors: dict[str, str] = {}
        if before:
            errors["term_start"] = f"聘期开始 {self.term_start.isoformat()} 晚于已登记的{'，'.join(before)}：{rule}"
        if after:
            errors["term_end"] = f"聘期结束 {self.term_end.isoformat()} 早于已登记的{'，'.join(after)}：{rule}"
        return errors


def training_plan_path(instance: TrainingPlanFile, filename: str) -> str:
    return f"talent/plans/{instance.enrollment.batch_year}/{filename}"


class TrainingPlanFile(Audited):
    """培养方案附件: the signed individual training plan (and its revisions) as a file.

    Kept apart from the enrollment row so the roster stays plain columns that sheets
    import in bulk.
    """

    scope_field = "enrollment__person__unit"

    enrollment = models.ForeignKey(Enrollment, verbose_name="入选人员", on_delete=models.PROTECT,
                                   related_name="plan_files")
    # Reached only through the enrollee's page (never as media), checked by content like
    # the checklist's evidence.
    file = AdminDownloadFileField("附件", upload_to=training_plan_path, validators=[CheckedFile("培养方案附件")],
                                  download_via="enrollment",
                                  help_text="PDF、图片或 Word/Excel、WPS、OFD 文件，按内容核验，不得含宏。")
    title = models.CharField("说明", max_length=100, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "培养方案附件"
        verbose_name_plural = "培养方案附件"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.file.name.rsplit("/", 1)[-1]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole months; the 31st becomes the month's last day where needed."""
    return dates.add_months(day, months)


class EnrolleeYearRecord(Audited):
    """A yearly record about one enrollee: the grant (资助) or the review (考核).

    ``enrollment`` is the truth; ``person`` and ``programme`` repeat it so that the
    sheets' natural key — 身份证号 + 人才计划 + 年度 — is three columns of this table
    and an import matches rows without a lookup per row. :meth:`match_enrollment`
    keeps them in step: from the enrollment when it is known, otherwise it finds the
    enrollment whose term covers the year.
    """

    scope_field = "person__unit"
    year_field = "year"

    person = models.ForeignKey(Person, verbose_name="人才", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, verbose_name="人才计划", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def record_year(self) -> int | None:
        return getattr(self, self.year_field)

    def known_enrollment(self) -> Enrollment | None:
        """The enrollment, also when it is a parent form's not yet saved instance."""
        try:
            return self.enrollment
        except Enrollment.DoesNotExist:
            return None

    def year_outside_term_error(self, enrollment: Enrollment) -> str:
        """Why the record's year is refused for ``enrollment`` ("" when it lies in the 聘期):
        a grant or a review is for a year of the term. The sheets find the enrollment whose
        term covers the year (:meth:`match_enrollment`); a path that names the enrollment —
        a page, a button, a batch action, a command — is held here."""
        year = self.record_year
        if not year or not enrollment.term_start or not enrollment.term_end:
            return ""
        if enrollment.term_start.year <= year <= enrollment.term_end.year:
            return ""
        label = self._meta.get_field(self.year_field).verbose_name
        return f"{label}应在聘期内（{enrollment.term_start.year}—{enrollment.term_end.year}年）。"

    def match_enrollment(self) -> None:
        """Fill ``person``/``programme`` from ``enrollment`` or the reverse; raise a
        ``ValidationError`` naming the enrollee when no enrollment fits."""
        known = self.known_enrollment()
        if known is not None:
            self.person_id, self.programme_id = known.person_id, known.programme_id
            return
        year = self.record_year
        if self.person_id is None or self.programme_id is None or not year:
            return
        candidates = Enrollment.objects.filter(person_id=self.person_id, programme_id=self.programme_id,
                                               term_start__year__lte=year, term_end__year__gte=year)
        found = candidates.order_by("-batch_year").first()
        if found is None:
            raise ValidationError({"enrollment": f"未找到「{self.person}」在「{self.programme}」{year}年聘期内的入选记录。"})
        self.enrollment = found


class Funding(EnrolleeYearRecord):
    """资助经费: one year's grant to one enrollee, within the programme's yearly range,
    paid (拨付日期) within the term, in or after its year and not after today."""

    enrollment = models.ForeignKey(Enrollment, verbose_name="入选人员", on_delete=models.PROTECT, related_name="fundings")
    year = models.PositiveSmallIntegerField("资助年度", validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    amount = models.DecimalField("资助金额（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    granted_on = models.DateField("拨付日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "资助经费"
        verbose_name_plural = "资助经费"
        ordering = ["-year", "enrollment"]
        permissions = [("import_funding", "可导入资助经费"), ("export_funding", "可导出资助经费")]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "year"], name="talent_funding_unique_year",
                                    violation_error_message="该人员本年度的资助已登记。"),
            models.UniqueConstraint(fields=["person", "programme", "year"], name="talent_funding_natural_key",
                                    violation_error_message="该人员在本计划本年度的资助已登记。"),
        ]
        indexes = [models.Index(fields=["year"], name="talent_funding_year_idx")]

    def __str__(self) -> str:
        return f"{self.year}年 {yuan(self.amount)}"

    def clean(self) -> None:
        self.match_enrollment()
        if message := self.paid_erased_error():
            raise ValidationError({"granted_on": message})
        enrollment = self.known_enrollment()
        if enrollment is None or self.amount is None:
            return
        errors: dict[str, str] = {}
        message = enrollment.programme.funding_error(self.amount)
        if message:
            errors["amount"] = message
        if self._state.adding and enrollment.status != EnrollmentStatus.ACTIVE:
            errors["enrollment"] = f"「{enrollment}」{already(enrollment.get_status_display())}，不再拨付资助。"
        if message := self.year_outside_term_error(enrollment) or self.year_taken_error(enrollment):
            errors["year"] = message
        if self.granted_on and (self.written_now("granted_on") or self.written_now("year")):
            if message := self.granted_on_error(enrollment):
                errors["granted_on"] = message
        if errors:
            raise ValidationError(errors)

    def paid_erased_error(self) -> str:
        """Why a stored 拨付日期 may not be cleared ("" when it is not): money paid out is on
        the books and may not be deleted (``talent.services.funding_delete_refusal``); a
        blank 拨付日期 would make it look never paid, and deletable. A wrong day is corrected
        to the right one."""
        stored = (getattr(self, "_audit_loaded", None) or {}).get("granted_on")
        if self._state.adding or not stored or self.granted_on:
            return ""
        return (f"该资助已于 {stored} 拨付，计入累计资助，拨付日期不能清空（清空后就像从未拨付）；"
                "日期有误的，请改为正确的拨付日期。")

    def granted_on_error(self, enrollment: Enrollment) -> str:
        """Why the 拨付日期 is refused ("" when it is not): money is recorded as paid once it
        has been (not after today), to someone whose term has begun (not before the 聘期开始),
        and a year's grant is paid during that year or later, never before it begins."""
        if dates.after_today(self.granted_on):
            return "拨付日期不能晚于今天。"
        if enrollment.term_start and self.granted_on < enrollment.term_start:
            return f"拨付日期 {self.granted_on.isoformat()} 早于聘期开始 {enrollment.term_start.isoformat()}。"
        if self.year and self.granted_on.year < self.year:
            return (f"拨付日期 {self.granted_on.isoformat()} 早于资助年度（{self.year}年）：一个年度的资助在该年度内"
                    f"或之后拨付，拨付日期应不早于{self.year}年1月1日。")
        return ""

    def year_taken_error(self, enrollment: Enrollment) -> str:
        """Why a stored record may not move to its new 资助年度 ("" when it may): the
        enrollee's grant for that year is another record, and moving this one there would
        fund the year twice and leave the old year empty. Correct that record instead."""
        loaded = getattr(self, "_audit_loaded", None) or {}
        if self._state.adding or not self.year or loaded.get("year") in (None, self.year):
            return ""
        other = Funding.objects.filter(enrollment=enrollment, year=self.year).exclude(pk=self.pk).first()
        if other is None:
            return ""
        return (f"「{enrollment.person.name}」{self.year}年的资助已另有记录（{other}），"
                f"不能把本记录的资助年度从{loaded['year']}年改为{self.year}年；请更正{self.year}年的那条记录。")


class ReviewGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    UNQUALIFIED = "unqualified", "不合格"


def review_year_not_begun(review_year: int) -> str:
    """The message for a 考核年度 that has not begun (one wording for every path)."""
    return f"考核年度（{review_year}年）尚未开始，不能登记该年度的聘期考核：一个年度的考核在该年度内或之后进行。"


def reviewed_before_year_error(review_year: int | None, reviewed_on: datetime.date | None) -> str:
    """Why ``reviewed_on`` cannot be the 考核日期 of ``review_year`` ("" when it can): a
    year's review is held during that year or after it, never before it begins."""
    if not review_year or not reviewed_on or reviewed_on.year >= review_year:
        return ""
    return (f"考核日期 {reviewed_on.isoformat()} 早于考核年度（{review_year}年）：一个年度的考核在该年度内或之后进行，"
            f"考核日期应不早于{review_year}年1月1日。")


def review_date_fixed(review_year: int | None, recorded: datetime.date) -> str:
    """The message for a 考核日期 changed on a review already recorded (one wording for every path)."""
    return (f"{review_year}年聘期考核已于 {recorded.isoformat()} 登记，考核日期不能更改："
            "考核结果（优秀的奖励、不合格的退出）已按该日期执行。")


class TermReview(EnrolleeYearRecord):
    """聘期考核: the review at (or during) an enrollee's term. Recorded through
    ``term_review_record``: 优秀 creates the reward, 不合格 starts the exit. The review
    year lies in the term and has begun, and the review has taken place in that year or
    after it (考核日期 not before the year, not after today), on
    every path: the record button, the batch action, the sheet and commands all clean here."""

    year_field = "review_year"

    enrollment = models.ForeignKey(Enrollment, verbose_name="入选人员", on_delete=models.PROTECT, related_name="reviews")
    review_year = models.PositiveSmallIntegerField("考核年度", validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    grade = models.CharField("考核等次", max_length=20, choices=ReviewGrade.choices)
    reviewed_on = models.DateField("考核日期")
    comment = models.TextField("考核意见", blank=True)

    class Meta:
        verbose_name = "聘期考核"
        verbose_name_plural = "聘期考核"
        ordering = ["-review_year", "enrollment"]
        permissions = [("import_termreview", "可导入聘期考核"), ("export_termreview", "可导出聘期考核")]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "review_year"], name="talent_review_unique_year",
                                    violation_error_message="该人员本年度的聘期考核已登记。"),
            models.UniqueConstraint(fields=["person", "programme", "review_year"], name="talent_review_natural_key",
                                    violation_error_message="该人员在本计划本年度的聘期考核已登记。"),
        ]
        indexes = [models.Index(fields=["review_year", "grade"], name="talent_review_year_grade_idx")]

    def __str__(self) -> str:
        return f"{self.review_year}年聘期考核：{self.get_grade_display()}"

    def clean(self) -> None:
        self.match_enrollment()
        enrollment = self.known_enrollment()
        if enrollment is None:
            return
        if self._state.adding and enrollment.status == EnrollmentStatus.EXITED:
            raise ValidationError({"enrollment": f"「{enrollment}」已退出，不再进行聘期考核。"})
        errors: dict[str, str] = {}
        loaded = getattr(self, "_audit_loaded", None) or {}
        if (not self._state.adding and loaded.get("reviewed_on") is not None
                and loaded["reviewed_on"] != self.reviewed_on):
            # The reward and the exit were carried out on the date recorded: a review
            # re-dated after them would have its consequences precede it.
            raise ValidationError({"reviewed_on": review_date_fixed(self.review_year, loaded["reviewed_on"])})
        if self.written_now("review_year") and (message := self.year_outside_term_error(enrollment)):
            errors["review_year"] = message
        elif self.written_now("review_year") and self.review_year and self.review_year > dates.today().year:
            # A year not yet begun has nothing to review; a 不合格 for it would exit the enrollee now.
            errors["review_year"] = review_year_not_begun(self.review_year)
        if self.reviewed_on and self.reviewed_on < enrollment.term_start:
            errors["reviewed_on"] = "考核日期不能早于聘期开始。"
        elif self.written_now("reviewed_on") and dates.after_today(self.reviewed_on):
            # A review not yet held has no grade: a 不合格 would exit the enrollee on a future day.
            errors["reviewed_on"] = "考核日期不能晚于今天。"
        elif ("review_year" not in errors and (self.written_now("review_year") or self.written_now("reviewed_on"))
              and (message := reviewed_before_year_error(self.review_year, self.reviewed_on))):
            errors["reviewed_on"] = message
        if errors:
            raise ValidationError(errors)


class Reward(Audited):
    """考核奖励: the one-off reward for an excellent term review (领军人才: 20万元)."""

    scope_field = "enrollment__person__unit"

    enrollment = models.ForeignKey(Enrollment, verbose_name="入选人员", on_delete=models.PROTECT, related_name="rewards")
    review = models.OneToOneField(TermReview, verbose_name="聘期考核", on_delete=models.PROTECT, related_name="reward")
    amount = models.DecimalField("奖励金额（元）", **MONEY, validators=[MinValueValidator(0)])
    awarded_on = models.DateField("奖励日期")

    class Meta:
        verbose_name = "考核奖励"
        verbose_name_plural = "考核奖励"
        ordering = ["-awarded_on", "-id"]
        indexes = [models.Index(fields=["awarded_on"], name="talent_reward_date_idx")]

    def __str__(self) -> str:
        return f"考核优秀奖励 {yuan(self.amount)}"


class BenefitArea(models.TextChoices):
    """The nine areas of the 陇原人才服务卡 green channel."""

    HOUSEHOLD = "household", "户籍"
    ENTRY_EXIT = "entry_exit", "出入境和居留"
    SOCIAL_SECURITY = "social_security", "社保"
    TAX = "tax", "税收"
    MEDICAL = "medical", "就医"
    TRAVEL = "travel", "旅游"
    SETTLING = "settling", "安家补贴"
    SCHOOLING = "schooling", "子女入学"
    SPOUSE = "spouse", "配偶安置"


# Days a green-channel request may take, per area (a simple calendar-day promise).
AREA_DEADLINE_DAYS: dict[str, int] = {
    BenefitArea.HOUSEHOLD: 10,
    BenefitArea.ENTRY_EXIT: 15,
    BenefitArea.SOCIAL_SECURITY: 10,
    BenefitArea.TAX: 20,
    BenefitArea.MEDICAL: 3,
    BenefitArea.TRAVEL: 5,
    BenefitArea.SETTLING: 30,
    BenefitArea.SCHOOLING: 20,
    BenefitArea.SPOUSE: 30,
}


def standard_deadline(area: str, submitted_on: datetime.date) -> datetime.date:
    """The 办结时限 promised for a request in ``area`` submitted on ``submitted_on``: the
    default when none is typed, and the latest one that may be typed."""
    return submitted_on + datetime.timedelta(days=AREA_DEADLINE_DAYS[area])


class CardLevel(models.TextChoices):
    A = "A", "A卡"
    B = "B", "B卡"
    C = "C", "C卡"


# A 陇原人才服务卡 is issued for at most five years (renewed by a new card); an expiry
# decades ahead keeps the green channel open for someone no longer vetted.
CARD_VALID_YEARS = 5
# A card is issued to a talent at work, so no earlier than the holder's 18th birthday.
CARD_HOLDER_MIN_AGE = 18

# Whose card it is: the green-channel requests hang from the card and are the holder's,
# so a card given to someone else would carry them along (and skip the 18-years check).
CARD_HOLDER_FIXED = ("服务卡发放后持卡人不能更改：卡上的绿色通道事项都是持卡人本人提交的，改了持卡人，这些事项就随卡记到了别人名下。"
                     "如发卡有误，请注销这张卡，再为正确的持卡人发放新卡。")


class ServiceCard(Audited):
    """陇原人才服务卡: a card held by a high-level talent, opening the green channel in
    the benefit areas enabled on it, valid from issue to expiry."""

    scope_field = "holder__unit"

    card_number = models.CharField("卡号", max_length=30, unique=True, error_messages={"unique": "卡号已存在。"})
    level = models.CharField("卡级别", max_length=1, choices=CardLevel.choices)
    holder = models.ForeignKey(Person, verbose_name="持卡人", on_delete=models.PROTECT, related_name="cards")
    issued_on = models.DateField("发卡日期")
    expires_on = models.DateField("有效期至")
    areas = models.JSONField("可享受服务事项", default=list, blank=True)
    is_revoked = models.BooleanField("已注销", default=False)

    audit_shown = {"areas": choice_labels(BenefitArea)}

    class Meta:
        verbose_name = "人才服务卡"
        verbose_name_plural = "人才服务卡"
        ordering = ["card_number"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__gt=models.F("issued_on")), name="talent_card_validity",
                                   violation_error_message="有效期必须晚于发卡日期。"),
        ]
        indexes = [
            models.Index(fields=["expires_on"], name="talent_card_expiry_idx"),
            models.Index(fields=["level"], name="talent_card_level_idx"),
        ]

    def __str__(self) -> str:
        return self.card_number

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.issued_on and self.written_now("issued_on"):
            if message := self.issued_on_error():
                errors["issued_on"] = message
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            errors["expires_on"] = "有效期必须晚于发卡日期。"
        elif (self.issued_on and self.expires_on and (self.written_now("issued_on") or self.written_now("expires_on"))
              and self.expires_on > (latest := self.latest_expiry())):
            errors["expires_on"] = (f"有效期至 {self.expires_on.isoformat()} 超出服务卡{CARD_VALID_YEARS}年的有效期："
                                    f"发卡日期 {self.issued_on.isoformat()} 的服务卡至迟于 {latest.isoformat()} 到期，"
                                    "期满后换发新卡。")
        unknown = [a for a in (self.areas or []) if a not in BenefitArea.values]
        if unknown:
            errors["areas"] = f"未知的服务事项：{'、'.join(map(str, unknown))}。"
        loaded = getattr(self, "_audit_loaded", None) or {}
        if not self._state.adding and "holder_id" in loaded and loaded["holder_id"] != self.holder_id:
            errors["holder"] = CARD_HOLDER_FIXED
        for name, message in self.requests_outside_card().items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)

    def requests_outside_card(self) -> dict[str, str]:
        """What green-channel requests already submitted on this card a changed 发卡日期,
        有效期至 or 服务事项 would leave outside it, as errors under those fields ({} when
        none): a request is submitted while the card is valid and in an area it opens
        (``services.card_area_error``), and a card moved from under its requests would show
        them as never allowed. Asked only for a stored card and a field written now; the
        card's page, the record itself and the demo seeder all clean here."""
        if self._state.adding or self.pk is None:
            return {}
        written = [name for name in ("issued_on", "expires_on", "areas") if self.written_now(name)]
        if not written:
            return {}
        requests = GreenChannelRequest.objects.filter(card_id=self.pk).order_by("submitted_on", "pk")
        rule = ("服务卡的发卡日期、有效期至和可享受服务事项须覆盖卡上已提交的绿色通道事项，请核对后再改；"
                "确需停止服务或缩短有效期的，请注销这张卡，换发新卡。")
        errors: dict[str, str] = {}
        if "issued_on" in written and self.issued_on and (early := requests.filter(submitted_on__lt=self.issued_on)):
            errors["issued_on"] = (f"发卡日期 {self.issued_on.isoformat()} 晚于卡上已提交的绿色通道事项"
                                   f"{self._requests_named(early)}的提交日期：{rule}")
        if "expires_on" in written and self.expires_on and (late := requests.filter(submitted_on__gt=self.expires_on)):
            errors["expires_on"] = (f"有效期至 {self.expires_on.isoformat()} 早于卡上已提交的绿色通道事项"
                                    f"{self._requests_named(late)}的提交日期：{rule}")
        if "areas" in written and (dropped := requests.exclude(area__in=list(self.areas or []))):
            labels = dict(BenefitArea.choices)
            areas = "、".join(f"「{labels.get(a, a)}」" for a in sorted({r.area for r in dropped},
                                                                        key=BenefitArea.values.index))
            errors["areas"] = (f"卡上已提交{areas}服务事项的绿色通道事项{self._requests_named(dropped)}，"
                               f"不能取消这些服务事项：{rule}")
        return errors

    @staticmethod
    def _requests_named(requests: models.QuerySet[GreenChannelRequest], shown: int = 3) -> str:
        """``「户籍（2024-02-01）」「就医（2024-03-05）」等5件``: the first requests, then how many."""
        found = list(requests[: shown + 1])
        named = "".join(f"「{r}」" for r in found[:shown])
        return f"{named}等{requests.count()}件" if len(found) > shown else named

    def issued_on_error(self) -> str:
        """Why the 发卡日期 is refused ("" when it is not): a card is issued on a day that has
        come (one dated ahead would show 已过期 and escape the 有效 filter) and not before
        its holder turned 18."""
        if dates.after_today(self.issued_on):
            return "发卡日期不能晚于今天。"
        holder = self.holder if self.holder_id else None
        born = holder and (holder.birth_date or idnumber.birth_date_of(holder.id_number))
        if born and self.issued_on < (adult := dates.years_after(born, CARD_HOLDER_MIN_AGE)):
            return (f"发卡日期 {self.issued_on.isoformat()} 早于持卡人年满{CARD_HOLDER_MIN_AGE}周岁之日"
                    f"（{adult.isoformat()}），请核对发卡日期。")
        return ""

    def latest_expiry(self) -> datetime.date:
        """The last day a card issued on 发卡日期 may run to (``CARD_VALID_YEARS``)."""
        return dates.years_after(self.issued_on, CARD_VALID_YEARS) - datetime.timedelta(days=1)

    def is_valid_on(self, day: datetime.date) -> bool:
        return not self.is_revoked and self.issued_on <= day <= self.expires_on

    @property
    def areas_text(self) -> str:
        labels = dict(BenefitArea.choices)
        return "、".join(labels.get(a, a) for a in BenefitArea.values if a in (self.areas or []))


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待受理"
    PROCESSING = "processing", "办理中"
    DONE = "done", "已办结"
    RETURNED = "returned", "已退回"


OPEN_REQUEST_STATUSES = (RequestStatus.PENDING, RequestStatus.PROCESSING)

# The promise made to the holder when the request came in; moving it would hide an
# overdue request from the 超期 list and the worklists. It moves only by 延期 (below).
REQUEST_DEADLINE_FIXED = ("办结时限在提交时按事项类别确定（可在提交时另行填写），提交后不能直接修改：逾期的事项如实显示为已超期，"
                          "请尽快受理、办结或退回。办理中确需延长的，在办结时限之前使用「延期」（每件事项一次，须写明理由）。")
EXTENSION_INCOMPLETE = "延期须有延期日期、原办结时限和延期理由，延期后的办结时限须晚于原办结时限，延期日期不晚于原办结时限。"


class GreenChannelRequest(Audited):
    """绿色通道事项: one request a card holder makes in one benefit area, with the date
    it must be settled by (办结时限, fixed once submitted: ``REQUEST_DEADLINE_FIXED``).
    Created, edited and moved only through the services."""

    scope_field = "card__holder__unit"

    card = models.ForeignKey(ServiceCard, verbose_name="服务卡", on_delete=models.PROTECT, related_name="requests")
    area = models.CharField("服务事项", max_length=20, choices=BenefitArea.choices)
    content = models.TextField("办理诉求")
    submitted_on = models.DateField("提交日期")
    deadline = models.DateField("办结时限")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    status = models.CharField("办理状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    closed_on = models.DateField("办结/退回日期", null=True, blank=True)
    result = models.TextField("办理结果/退回理由", blank=True)
    # 延期 (once, while 办理中, before the 办结时限 passes): the promise it replaced is kept.
    extended_on = models.DateField("延期日期", null=True, blank=True)
    original_deadline = models.DateField("原办结时限", null=True, blank=True)
    extension_reason = models.TextField("延期理由", blank=True)

    class Meta:
        verbose_name = "绿色通道事项"
        verbose_name_plural = "绿色通道事项"
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("submitted_on")), name="talent_request_deadline",
                                   violation_error_message="办结时限不能早于提交日期。"),
            models.CheckConstraint(
                condition=Q(extended_on__isnull=True, original_deadline__isnull=True, extension_reason="")
                | (Q(extended_on__isnull=False, original_deadline__gte=models.F("extended_on"),
                     deadline__gt=models.F("original_deadline")) & ~Q(extension_reason="")),
                name="talent_request_extension", violation_error_message=EXTENSION_INCOMPLETE),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="talent_req_status_dl_idx"),
            models.Index(fields=["area"], name="talent_req_area_idx"),
            models.Index(fields=["submitted_on"], name="talent_req_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}（{self.submitted_on}）"

    def clean(self) -> None:
        if not self._state.adding and self.written_now("deadline") and not self.written_now("extended_on"):
            raise ValidationError({"deadline": REQUEST_DEADLINE_FIXED})
        errors: dict[str, str] = {}
        if self.written_now("submitted_on") and dates.after_today(self.submitted_on):
            # A request dated ahead would sit outside the 超期 list until that day comes.
            errors["submitted_on"] = "提交日期不能晚于今天。"
        elif (self._state.adding and self.submitted_on and self.deadline and self.area in AREA_DEADLINE_DAYS
              and self.deadline > (latest := standard_deadline(self.area, self.submitted_on))):
            # The area's days are a promise to the holder: a later 办结时限 would keep an
            # unanswered request off the 超期 list for years.
            errors["deadline"] = (f"办结时限 {self.deadline.isoformat()} 超出「{self.get_area_display()}」事项"
                                  f"{AREA_DEADLINE_DAYS[self.area]}天的办结承诺：提交日期 {self.submitted_on.isoformat()}"
                                  f" 的事项至迟于 {latest.isoformat()} 办结，可以另行填写更早的时限。")
        if errors:
            raise ValidationError(errors)

    def is_overdue_on(self, day: datetime.date) -> bool:
        return self.status in OPEN_REQUEST_STATUSES and self.deadline < day

    def extension_errors(self, *, deadline: datetime.date | None, reason: str, on: datetime.date) -> dict[str, str]:
        """Why 延期 of this request to ``deadline`` on ``on`` is refused ({} when it is not):
        :meth:`extension_refusal`, then a reason and a later 办结时限 no further than the
        area's promise again (户籍 10 more days at most, 就医 3…)."""
        if errors := self.extension_refusal(on):
            return errors
        errors = {}
        if deadline is None:
            errors["deadline"] = "请填写延期后的办结时限。"
        elif deadline <= self.deadline:
            errors["deadline"] = f"延期后的办结时限须晚于原办结时限 {self.deadline}。"
        elif self.area in AREA_DEADLINE_DAYS and deadline > (latest := standard_deadline(self.area, self.deadline)):
            errors["deadline"] = (f"延期不能超过「{self.get_area_display()}」事项{AREA_DEADLINE_DAYS[self.area]}天的办结承诺："
                                  f"原办结时限 {self.deadline} 的事项至迟延至 {latest}。")
        if not reason.strip():
            errors["extension_reason"] = "延期必须说明理由。"
        return errors

    def extension_refusal(self, on: datetime.date) -> dict[str, str]:
        """Why this request cannot be extended at all on ``on`` ({} when it can): once,
        while 办理中, on a day from its submission to its 办结时限 and not after today. An
        overdue request stays overdue: it is answered."""
        if self.extended_on is not None:
            return {"status": f"事项「{self}」已于 {self.extended_on} 延期一次（办结时限由 {self.original_deadline} "
                              f"延至 {self.deadline}），不能再次延期。"}
        if self.status == RequestStatus.PENDING:
            return {"status": f"事项「{self}」待受理，须先受理，办理中确需延长的才能延期。"}
        if self.status != RequestStatus.PROCESSING:
            return {"status": f"事项「{self}」{self.get_status_display()}，不能延期。"}
        if dates.after_today(on):
            return {"extended_on": "延期日期不能晚于今天。"}
        if on > self.deadline:
            return {"extended_on": f"事项「{self}」已于 {self.deadline} 超过办结时限，不能再延期：超期的事项如实显示为已超期，"
                                   "请尽快办结或退回。"}
        if on < self.submitted_on:
            return {"extended_on": f"延期日期不能早于提交日期（{self.submitted_on}）。"}
        return {}


class ExpertLiaison(Audited):
    """党委联系服务专家: a leading cadre paired with an expert they keep in touch with."""

    scope_field = "expert__unit"

    leader_name = models.CharField("联系领导", max_length=50)
    leader_post = models.CharField("领导职务", max_length=100)
    expert = models.ForeignKey(Person, verbose_name="联系专家", on_delete=models.PROTECT, related_name="liaisons")
    started_on = models.DateField("建立联系日期")
    is_active = models.BooleanField("联系中", default=True)

    class Meta:
        verbose_name = "联系服务专家"
        verbose_name_plural = "联系服务专家"
        ordering = ["leader_name", "expert"]
        constraints = [
            models.UniqueConstraint(fields=["leader_name", "expert"], condition=Q(is_active=True),
                                    name="talent_liaison_unique_active",
                                    violation_error_message="该领导已在联系这位专家。"),
        ]
        indexes = [models.Index(fields=["is_active", "leader_name"], name="talent_liaison_active_idx")]

    def __str__(self) -> str:
        expert = self.expert.name if self.expert_id else "?"
        return f"{self.leader_name} — {expert}"


class ContactWay(models.TextChoices):
    VISIT = "visit", "走访看望"
    MEETING = "meeting", "座谈交流"
    PHONE = "phone", "电话联系"
    LETTER = "letter", "书信慰问"
    OTHER = "other", "其他"


class LiaisonContact(Audited):
    """联系服务记录: one contact between the leader and the expert, dated on a day that has
    come and not before the liaison began."""

    scope_field = "liaison__expert__unit"

    liaison = models.ForeignKey(ExpertLiaison, verbose_name="联系关系", on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField("联系日期")
    way = models.CharField("联系方式", max_length=10, choices=ContactWay.choices)
    content = models.TextField("联系内容")
    follow_up = models.TextField("需协调解决的事项及跟进", blank=True)

    class Meta:
        verbose_name = "联系服务记录"
        verbose_name_plural = "联系服务记录"
        ordering = ["-contacted_on", "-id"]
        indexes = [
            models.Index(fields=["liaison", "contacted_on"], name="talent_contact_date_idx"),
            models.Index(fields=["contacted_on"], name="talent_contact_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.get_way_display()}"

    def clean(self) -> None:
        if self.contacted_on and self.written_now("contacted_on") and dates.after_today(self.contacted_on):
            # A contact is logged once it has taken place: one dated ahead would count
            # as this year's contact and drop the expert off the 本年度未联系 list now.
            raise ValidationError({"contacted_on": "联系日期不能晚于今天。"})
        if self.liaison_id and self.contacted_on and self.contacted_on < self.liaison.started_on:
            raise ValidationError({"contacted_on": "联系日期不能早于建立联系日期。"})
