"""挂职与驻村 (secondments and village postings): the 选派干部登记表 and what follows it.

- :class:`Assignment`: one 选派 — 挂职 in a host unit, or 驻村第一书记 / 驻村工作队员 in a
  village (a village is its name and its township :class:`~orgwork.units.models.Unit`);
  its end by 期满, 召回 or 轮换 (with the reason and the replacement's assignment).
- :class:`DutyCheck`: 在岗抽查, one visit by a checker, present or absent.
- :class:`AssignmentAssessment`: the yearly assessment of the assignment (优秀/称职/基本称职/不称职).

Rules are in ``rules``; every state change goes through ``services``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cadres.models import Cadre
from orgwork.audit.models import Audited
from orgwork.units.models import Unit


class AssignmentKind(models.TextChoices):
    """选派类型."""

    SECONDMENT = "secondment", "挂职"
    FIRST_SECRETARY = "first_secretary", "驻村第一书记"
    VILLAGE_TEAM = "village_team", "驻村工作队员"


VILLAGE_KINDS = (AssignmentKind.FIRST_SECRETARY, AssignmentKind.VILLAGE_TEAM)


class AssignmentStatus(models.TextChoices):
    """在岗状态."""

    ACTIVE = "active", "在岗"
    COMPLETED = "completed", "期满"
    RECALLED = "recalled", "召回"
    ROTATED = "rotated", "轮换"


# The ends that count as 调整撤换 (replaced before the term ended).
REPLACED = (AssignmentStatus.RECALLED, AssignmentStatus.ROTATED)


class Assignment(Audited):
    """选派干部登记: who is sent (派出单位), where (挂职单位 and 挂任职务, or 乡镇 and 村), when."""

    scope_field = "cadre__unit"

    kind = models.CharField("选派类型", max_length=20, choices=AssignmentKind.choices)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="assignments")
    sending_unit = models.ForeignKey(Unit, verbose_name="派出单位", on_delete=models.PROTECT,
                                     related_name="assignments_sent")
    host_unit = models.ForeignKey(Unit, verbose_name="挂职单位", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="assignments_hosted", help_text="挂职时填写。")
    post = models.CharField("挂任职务", max_length=100, blank=True, help_text="挂职时填写，如：县委副书记。")
    township = models.ForeignKey(Unit, verbose_name="所在乡镇", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assignments_in_villages", help_text="驻村时填写村所在的乡镇。")
    village = models.CharField("驻村名称", max_length=50, blank=True, help_text="驻村时填写，如：红山村。")
    starts_on = models.DateField("选派开始日期")
    ends_on = models.DateField("选派期满日期")
    status = models.CharField("在岗状态", max_length=12, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ACTIVE, editable=False)
    left_on = models.DateField("离岗日期", null=True, blank=True, editable=False)
    end_reason = models.TextField("召回/轮换原因", blank=True, editable=False)
    held_accountable = models.BooleanField("问责处理", default=False, editable=False,
                                           help_text="召回或轮换时对本人作出问责处理的。")
    replacement = models.OneToOneField("self", verbose_name="接替人选派", on_delete=models.PROTECT, null=True,
                                       blank=True, editable=False, related_name="replaces")
    remarks = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    class Meta:
        permissions = [("import_assignment", "可导入选派干部"), ("export_assignment", "可导出选派干部")]
        verbose_name = "选派干部"
        verbose_name_plural = "选派干部"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["-starts_on", "-id"], name="assignment_order_idx"),
            models.Index(fields=["cadre", "starts_on"], name="assignment_cadre_idx"),
            models.Index(fields=["kind", "status"], name="assignment_kind_status_idx"),
            models.Index(fields=["township", "village"], name="assignment_village_idx"),
            models.Index(fields=["left_on"], name="assignment_left_idx", condition=Q(left_on__isnull=False)),
        ]
        constraints = [
            # 一名干部同一时间只在一处在岗.
            models.UniqueConstraint(fields=["cadre"], condition=Q(status="active"),
                                    name="assignment_one_active_per_cadre",
                                    violation_error_message="该干部已有在岗的选派任务。"),
            # 一个村同一时间只有一名在岗的第一书记.
            models.UniqueConstraint(fields=["township", "village"],
                                    condition=Q(status="active", kind="first_secretary"),
                                    name="assignment_one_first_secretary_per_village",
                                    violation_error_message="该村已有在岗的驻村第一书记。"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="assignment_ends_after_start",
                                   violation_error_message="选派期满日期须晚于开始日期。"),
            models.CheckConstraint(
                condition=Q(kind="secondment", host_unit__isnull=False, township__isnull=True, village="")
                | Q(kind__in=["first_secretary", "village_team"], host_unit__isnull=True, township__isnull=False)
                & ~Q(village=""),
                name="assignment_place_matches_kind",
                violation_error_message="挂职须填写挂职单位；驻村须填写所在乡镇和村名。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.get_kind_display()}（{self.place}）"

    @property
    def is_village(self) -> bool:
        return self.kind in VILLAGE_KINDS

    @property
    def place(self) -> str:
        """挂职单位 or 乡镇·村."""
        if self.is_village:
            return f"{self.township.full_name if self.township_id else ''}{self.village}"
        return self.host_unit.full_name if self.host_unit_id else ""

    def clean(self) -> None:
        from .rules import assignment_shape_errors

        errors = assignment_shape_errors(self)
        if errors:
            raise ValidationError(errors)


class DutyCheck(Audited):
    """在岗抽查: a visit, by phone or in person, finding the cadre at post or not."""

    scope_field = "assignment__cadre__unit"

    assignment = models.ForeignKey(Assignment, verbose_name="选派干部", on_delete=models.PROTECT,
                                   related_name="duty_checks")
    checked_on = models.DateField("抽查日期")
    checker = models.CharField("抽查人", max_length=50)
    present = models.BooleanField("是否在岗", choices=[(True, "在岗"), (False, "不在岗")])
    note = models.CharField("情况说明", max_length=200, blank=True)

    class Meta:
        permissions = [("import_dutycheck", "可导入在岗抽查"), ("export_dutycheck", "可导出在岗抽查")]
        verbose_name = "在岗抽查"
        verbose_name_plural = "在岗抽查"
        ordering = ["-checked_on", "-id"]
        indexes = [
            models.Index(fields=["-checked_on", "-id"], name="dutycheck_order_idx"),
            models.Index(fields=["assignment", "checked_on"], name="dutycheck_assignment_idx"),
            models.Index(fields=["checked_on"], name="dutycheck_absent_idx", condition=Q(present=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "checked_on"], name="dutycheck_one_per_day",
                                    violation_error_message="该选派干部当日已有抽查记录。"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.cadre.name} {self.checked_on:%Y-%m-%d} {self.get_present_display()}"


class AssessmentGrade(models.TextChoices):
    """选派期间年度考核等次."""

    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"


class AssignmentAssessment(Audited):
    """选派干部年度考核 (by the host unit or the township with the sending unit)."""

    scope_field = "assignment__cadre__unit"

    assignment = models.ForeignKey(Assignment, verbose_name="选派干部", on_delete=models.PROTECT,
                                   related_name="assessments")
    year = models.PositiveSmallIntegerField("考核年度")
    grade = models.CharField("考核等次", max_length=12, choices=AssessmentGrade.choices)
    remarks = models.CharField("考核评语", max_length=200, blank=True)

    class Meta:
        verbose_name = "选派干部年度考核"
        verbose_name_plural = "选派干部年度考核"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["year", "grade"], name="assignment_assess_year_idx")]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "year"], name="assignment_assessment_once_a_year",
                                    violation_error_message="该选派干部本年度已有考核结果。"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.cadre.name} {self.year}年度 {self.get_grade_display()}"
