"""选人用人监督 (supervision of selection and appointment): the records behind its paperwork.

- 一报告两评议: the unit's yearly :class:`SelectionReport` (选人用人工作报告) and the
  民主评议 (:class:`SelectionEvaluation`) of the unit's selection work and of each cadre
  newly promoted that year, with the 不满意率 line kept as data (:class:`DissatisfactionLine`).
- 离任检查: :class:`DepartureCheck` of a unit's 主要负责人 who left the post, with its
  :class:`DepartureFinding` rows (a finding marked as a problem goes on the checklist).
- 带病提拔倒查: :class:`LookBack`, opened when a 组织处理 or a 党纪政务处分 is recorded for a
  cadre, listing the cadre's promotions of the past five years (:class:`LookBackPromotion`)
  with their 凡提四必 case and who signed it.

Every state change goes through ``services``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cadres.models import Cadre, Post
from orgwork.audit.models import Audited
from orgwork.common.files import AdminDownloadFileField
from orgwork.rectification.evidence import CheckedFile

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


# ---------------------------------------------------------------------------
# 一报告两评议
# ---------------------------------------------------------------------------

class DissatisfactionLine(Audited):
    """不满意率警戒线: a 民主评议 whose 不满意率 reaches it goes on the rectification checklist.

    Configuration, not a personnel record: one row for the province, kept as a fraction
    (default 1/3) so that "one third" is compared exactly; changed by the business lead
    through ``services.dissatisfaction_line_change`` (audited). Each evaluation records
    whether it reached the line in force when it was saved.
    """

    key = models.CharField("键", max_length=20, unique=True, default="default", editable=False)
    numerator = models.PositiveSmallIntegerField("分子", default=1, validators=[MinValueValidator(1)])
    denominator = models.PositiveSmallIntegerField("分母", default=3, validators=[MinValueValidator(1)])
    basis = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "不满意率警戒线"
        verbose_name_plural = "不满意率警戒线"
        constraints = [
            models.CheckConstraint(condition=Q(numerator__gte=1, denominator__gte=1, numerator__lte=F("denominator")),
                                   name="selection_line_is_a_proper_fraction",
                                   violation_error_message="警戒线须在0与1之间（分子不大于分母）。"),
        ]

    def __str__(self) -> str:
        return f"不满意率达到{self.numerator}/{self.denominator}（{float(self.fraction):.1%}）"

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)


class SelectionReport(Audited):
    """选人用人工作报告 (一报告): a unit's yearly report on its selection and appointment work."""

    scope_field = "unit"

    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    reported_on = models.DateField("报告日期")
    text = models.TextField("报告内容", blank=True)
    # Checked by content like the checklist's evidence (the one file check of the kernel),
    # reached only through the report's page (never as media).
    attachment = AdminDownloadFileField("报告附件", upload_to="selection/reports/%Y/", blank=True,
                                        validators=[CheckedFile("报告附件")],
                                        help_text="PDF、图片或 Word/Excel、WPS、OFD 文件，按内容核验，不得含宏。")

    class Meta:
        verbose_name = "选人用人工作报告"
        verbose_name_plural = "选人用人工作报告"
        ordering = ["-year", "unit__path", "id"]
        indexes = [models.Index(fields=["-year", "unit"], name="selection_report_year_idx")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="selection_report_once_a_year",
                                    violation_error_message="该单位该年度的选人用人工作报告已登记。"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年度选人用人工作报告"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, str] = {}
        if not self.text.strip() and not self.attachment:
            errors["text"] = "请填写报告内容或上传报告附件。"
        if self.reported_on and self.reported_on > timezone.localdate():
            errors["reported_on"] = "报告日期不能晚于今天。"
        this_year = timezone.localdate().year
        if self.year and self.year > this_year:
            errors["year"] = f"报告年度不能晚于今年（{this_year}年）。"
        elif self.reported_on and self.year and self.reported_on.year < self.year:
            errors["reported_on"] = "报告日期不能早于所报告的年度。"
        if errors:
            raise ValidationError(errors)


class EvaluationKind(models.TextChoices):
    """两评议."""

    WORK = "work", "选人用人工作评议"
    CADRE = "cadre", "新提拔干部评议"


class SelectionEvaluation(Audited):
    """民主评议 (两评议): the counts of 好/较好/一般/差 for a unit's selection work, or for a
    cadre newly promoted in the year (the promotion is found in the cadre's 任职经历).

    满意率 = (好 + 较好) / 总票数; 不满意率 = 差 / 总票数.
    """

    scope_field = "unit"

    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    kind = models.CharField("评议类型", max_length=10, choices=EvaluationKind.choices)
    cadre = models.ForeignKey(Cadre, verbose_name="新提拔干部", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="selection_evaluations")
    promotion = models.ForeignKey(Post, verbose_name="提拔任职", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", editable=False)
    evaluated_on = models.DateField("评议日期")
    good = models.PositiveIntegerField("好")
    fairly_good = models.PositiveIntegerField("较好")
    average = models.PositiveIntegerField("一般")
    poor = models.PositiveIntegerField("差")
    # Whether the 不满意率 reached the line in force when the counts were saved.
    over_line = models.BooleanField("达到不满意率警戒线", default=False, editable=False)
    rectification_item = models.ForeignKey("rectification.RectificationItem", verbose_name="整改事项",
                                           on_delete=models.PROTECT, null=True, blank=True, editable=False,
                                           related_name="+")

    class Meta:
        permissions = [("import_selectionevaluation", "可导入民主评议"), ("export_selectionevaluation", "可导出民主评议")]
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议（两评议）"
        ordering = ["-year", "unit__path", "kind", "id"]
        indexes = [
            models.Index(fields=["-year", "unit"], name="selection_eval_year_idx"),
            models.Index(fields=["over_line", "-year"], name="selection_eval_line_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="work", cadre__isnull=True) | Q(kind="cadre", cadre__isnull=False)),
                name="selection_eval_cadre_only_for_cadre_kind",
                violation_error_message="新提拔干部评议须选择干部；选人用人工作评议不选干部。"),
            models.CheckConstraint(condition=Q(good__gt=0) | Q(fairly_good__gt=0) | Q(average__gt=0) | Q(poor__gt=0),
                                   name="selection_eval_has_votes",
                                   violation_error_message="评议票数合计不能为0。"),
            models.UniqueConstraint(fields=["unit", "year"], condition=Q(kind="work"),
                                    name="selection_eval_work_once_a_year",
                                    violation_error_message="该单位该年度的选人用人工作评议已登记。"),
            models.UniqueConstraint(fields=["cadre", "year"], condition=Q(kind="cadre"),
                                    name="selection_eval_cadre_once_a_year",
                                    violation_error_message="该干部该年度的新提拔干部评议已登记。"),
        ]

    def __str__(self) -> str:
        who = self.cadre.name if self.kind == EvaluationKind.CADRE and self.cadre_id else "选人用人工作"
        return f"{self.year}年度{who}民主评议"

    @property
    def total(self) -> int:
        return (self.good or 0) + (self.fairly_good or 0) + (self.average or 0) + (self.poor or 0)

    @property
    def satisfaction(self) -> Fraction | None:
        return Fraction((self.good or 0) + (self.fairly_good or 0), self.total) if self.total else None

    @property
    def dissatisfaction(self) -> Fraction | None:
        return Fraction(self.poor or 0, self.total) if self.total else None

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, str] = {}
        if self.kind == EvaluationKind.CADRE and not self.cadre_id:
            errors["cadre"] = "新提拔干部评议须选择干部。"
        if self.kind == EvaluationKind.WORK and self.cadre_id:
            errors["cadre"] = "选人用人工作评议不选干部。"
        if self.total == 0 and None not in (self.good, self.fairly_good, self.average, self.poor):
            errors["poor"] = "评议票数合计不能为0。"
        if self.evaluated_on and self.evaluated_on > timezone.localdate():
            errors["evaluated_on"] = "评议日期不能晚于今天。"
        elif message := self.before_year_error():
            errors["evaluated_on"] = message
        if errors:
            raise ValidationError(errors)

    def before_year_error(self) -> str | None:
        """A year's 民主评议 is held during the year or after it (at its end, or early the
        next year), never before it begins nor years later: a 2026 evaluation dated 2020
        takes the cadre's one 2026 row and the real one is refused as a duplicate. Checked when the date or
        the year is written now; a row on record keeps its date (its sheet re-uploads)."""
        if not self.evaluated_on or not isinstance(self.year, int) or not 1 <= self.year <= 9999:
            return None
        if not (self.written_now("evaluated_on") or self.written_now("year")):
            return None
        if self.evaluated_on.year > self.year + 1:
            # Nor years after it: a 2019 evaluation dated 2026 takes 2019's one row as surely.
            return (f"评议日期（{self.evaluated_on:%Y-%m-%d}）晚于所评议年度的次年（{self.year + 1}年）："
                    f"{self.year}年度的民主评议在当年或次年初开展，请核对评议日期或年度。")
        if self.evaluated_on.year >= self.year:
            return None
        return (f"评议日期（{self.evaluated_on:%Y-%m-%d}）不能早于所评议的年度（{self.year}年）：{self.year}年度的"
                f"民主评议在当年或次年初开展，请核对评议日期或年度。")


# ---------------------------------------------------------------------------
# 离任检查
# ---------------------------------------------------------------------------

class CheckStatus(models.TextChoices):
    CHECKING = "checking", "检查中"
    CONCLUDED = "concluded", "已办结"


class DepartureCheck(Audited):
    """履行选人用人职责离任检查: of a unit's 主要负责人 who left the post (the ended 任职经历)."""

    scope_field = "unit"

    post = models.OneToOneField(Post, verbose_name="离任职务", on_delete=models.PROTECT, related_name="departure_check")
    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+",
                             editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name="离任干部", on_delete=models.PROTECT, related_name="+",
                              editable=False)
    checked_on = models.DateField("检查日期")
    inspectors = models.CharField("检查组", max_length=200)
    summary = models.TextField("检查情况", blank=True)
    status = models.CharField("状态", max_length=12, choices=CheckStatus.choices, default=CheckStatus.CHECKING,
                              editable=False)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办结人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        verbose_name = "离任检查"
        verbose_name_plural = "离任检查"
        ordering = ["-checked_on", "-id"]
        indexes = [models.Index(fields=["status", "-checked_on"], name="selection_departure_status_idx")]

    def __str__(self) -> str:
        return f"{self.cadre.name}（{self.post.title}）离任检查"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.checked_on and self.checked_on > timezone.localdate():
            raise ValidationError({"checked_on": "检查日期不能晚于今天。"})
        if message := self.before_departure_error():
            raise ValidationError({"checked_on": message})

    def before_departure_error(self) -> str | None:
        """离任检查 is of a principal who has left: a check is opened only for an ended post
        (``services.departure_post_errors``), so its 检查日期 is on or after the post's
        免职时间 — and thus never before the post began. Checked when the date is written
        now; a check on record keeps its date while its other fields are corrected."""
        if not self.checked_on or not self.post_id or not self.written_now("checked_on"):
            return None
        post = self.post
        if post.removed_on is not None and self.checked_on < post.removed_on:
            return (f"离任检查在离任后开展：检查日期（{self.checked_on:%Y-%m-%d}）不能早于该职务的免职时间"
                    f"（{post.removed_on:%Y-%m-%d}）。")
        if post.appointed_on and self.checked_on < post.appointed_on:
            return (f"检查日期（{self.checked_on:%Y-%m-%d}）不能早于该职务的任职时间"
                    f"（{post.appointed_on:%Y-%m-%d}）。")
        return None


class DepartureFinding(Audited):
    """离任检查发现的情况; a problem (问题) goes on the unit's rectification checklist."""

    scope_field = "departure_check__unit"

    departure_check = models.ForeignKey(DepartureCheck, verbose_name="离任检查", on_delete=models.CASCADE, related_name="findings")
    description = models.TextField("发现情况")
    is_problem = models.BooleanField("属于问题", default=False, help_text="属于问题的，列入整改清单。")
    rectification_item = models.ForeignKey("rectification.RectificationItem", verbose_name="整改事项",
                                           on_delete=models.PROTECT, null=True, blank=True, editable=False,
                                           related_name="+")

    class Meta:
        verbose_name = "离任检查发现"
        verbose_name_plural = "离任检查发现"
        ordering = ["departure_check", "id"]

    def __str__(self) -> str:
        return self.description[:40]


# ---------------------------------------------------------------------------
# 带病提拔倒查
# ---------------------------------------------------------------------------

class LookBackVerdict(models.TextChoices):
    NOT_FOUND = "not_found", "不属于带病提拔"
    FOUND = "found", "属于带病提拔"


class LookBack(Audited):
    """带病提拔倒查: opened when a 组织处理 or a 党纪政务处分 is recorded for a cadre promoted in
    the five years before it — one per record, which is either the one or the other; the
    clerk records the conclusion and any 追责问责 (一案双查)."""

    scope_field = "cadre__unit"

    handling_record = models.OneToOneField("supervision.HandlingRecord", verbose_name="组织处理",
                                           on_delete=models.PROTECT, related_name="look_back", null=True, blank=True)
    discipline_finding = models.OneToOneField("supervision.DisciplineFinding", verbose_name="党纪政务处分",
                                              on_delete=models.PROTECT, related_name="look_back", null=True,
                                              blank=True)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="look_backs")
    opened_on = models.DateField("启动日期")
    window_start = models.DateField("倒查起始日", help_text="处理决定前五年。")
    status = models.CharField("状态", max_length=12, choices=CheckStatus.choices, default=CheckStatus.CHECKING,
                              editable=False)
    verdict = models.CharField("倒查结论", max_length=12, choices=LookBackVerdict.choices, blank=True, editable=False)
    conclusion = models.TextField("倒查情况", blank=True, editable=False)
    accountability = models.TextField("追责问责情况", blank=True, editable=False)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办结人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        verbose_name = "带病提拔倒查"
        verbose_name_plural = "带病提拔倒查"
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["status", "-opened_on"], name="selection_lookback_status_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(verdict="found") | ~Q(accountability=""),
                                   name="selection_lookback_found_needs_accountability",
                                   violation_error_message="属于带病提拔的，须填写追责问责情况。"),
            models.CheckConstraint(
                condition=Q(handling_record__isnull=False, discipline_finding__isnull=True)
                | Q(handling_record__isnull=True, discipline_finding__isnull=False),
                name="selection_lookback_one_source",
                violation_error_message="带病提拔倒查由一条组织处理或一条党纪政务处分启动。"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name}带病提拔倒查（{self.opened_on:%Y-%m-%d}）"

    @property
    def source(self) -> Any:
        """The 组织处理 or the 党纪政务处分 that opened it."""
        return self.handling_record if self.handling_record_id else self.discipline_finding

    @property
    def source_label(self) -> str:
        """启动事由: "组织处理：诫勉（2026-06-01）" or "党纪处分：党内警告（2026-06-01）"."""
        if self.handling_record_id:
            record = self.handling_record
            return f"组织处理：{record.get_handling_type_display()}（{record.decided_on:%Y-%m-%d}）"
        finding = self.discipline_finding
        return f"{finding.category_label}：{finding.get_kind_display()}（{finding.decided_on:%Y-%m-%d}）"


class LookBackPromotion(Audited):
    """One promotion under look-back, as it stood when the look-back was opened."""

    scope_field = "look_back__cadre__unit"

    look_back = models.ForeignKey(LookBack, verbose_name="倒查", on_delete=models.CASCADE, related_name="promotions")
    post = models.ForeignKey(Post, verbose_name="提拔任职", on_delete=models.PROTECT, related_name="+")
    appointed_on = models.DateField("任职时间")
    title = models.CharField("职务名称", max_length=200)
    rank_label = models.CharField("职务层次", max_length=20, blank=True)
    vetting_case = models.ForeignKey("supervision.VettingCase", verbose_name="凡提四必审查", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    vetting_status = models.CharField("审查状态", max_length=20, blank=True)
    signed_by = models.CharField("审查通过人", max_length=150, blank=True)

    class Meta:
        verbose_name = "倒查的提拔任职"
        verbose_name_plural = "倒查的提拔任职"
        ordering = ["look_back", "-appointed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["look_back", "post"], name="selection_lookback_post_once"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.appointed_on:%Y-%m-%d}）"
