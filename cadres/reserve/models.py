"""后备干部 (reserve cadres): the pools and their members.

- :class:`ReservePool` — 后备干部库: one per unit and 职务层次, with its 名额 (quota) and the
  age limit for staying in it.
- :class:`ReserveMember` — 后备干部名册 (the 后备干部推荐考察登记表): one cadre's entry into a
  pool, from 推荐 through 考察 to 在库, and the 动态调整 that takes them out again.

Every state change goes through ``services``; the figures (age structure, 70后/80后/90后,
使用率) are computed in ``selectors``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cadres.models import Cadre, Rank, working_age_errors
from orgwork.audit.models import Audited
from orgwork.units.models import UnitLevel

# 干部管理权限: an organisation department keeps reserves only for the levels it manages.
# 省部级 are 中管 (no province keeps their pool); the province manages 厅局级, a city
# 县处级, a county 乡科级 — each also keeps the pools below its own ceiling. A township
# (or a department at county level) keeps no higher than 乡科级.
RANK_ORDER = [Rank.PROVINCE_CHIEF, Rank.PROVINCE_DEPUTY, Rank.BUREAU_CHIEF, Rank.BUREAU_DEPUTY,
              Rank.COUNTY_CHIEF, Rank.COUNTY_DEPUTY, Rank.TOWNSHIP_CHIEF, Rank.TOWNSHIP_DEPUTY]
HIGHEST_LEVEL_KEPT = {
    UnitLevel.PROVINCE: Rank.BUREAU_CHIEF,
    UnitLevel.CITY: Rank.COUNTY_CHIEF,
    UnitLevel.COUNTY: Rank.TOWNSHIP_CHIEF,
    UnitLevel.TOWNSHIP: Rank.TOWNSHIP_CHIEF,
}


def levels_kept_by(unit_level: str) -> list[str]:
    """后备层次 a unit of ``unit_level`` (行政层级) may keep a pool for, highest first."""
    ceiling = HIGHEST_LEVEL_KEPT.get(unit_level, Rank.TOWNSHIP_CHIEF)
    return RANK_ORDER[RANK_ORDER.index(ceiling):]


QUOTA_AT_LEAST_ONE = "名额至少为1名：没有名额的后备干部库不能推荐入库。"


class ReservePool(Audited):
    """后备干部库: a unit's reserve for one 职务层次 (e.g. 县处级副职), with its 名额."""

    scope_field = "unit"

    unit = models.ForeignKey("units.Unit", verbose_name="管理单位", on_delete=models.PROTECT,
                             related_name="reserve_pools")
    level = models.CharField("后备层次", max_length=20, choices=Rank.choices)
    # The floor's words on the field (error_messages): the form's own floor of 0 says them
    # too for a negative 名额 (orgwork.common.numbers.floor_message), not 「不能小于 0。」.
    quota = models.PositiveSmallIntegerField(
        "名额", validators=[MinValueValidator(1), MaxValueValidator(9999)],
        error_messages={"min_value": QUOTA_AT_LEAST_ONE})
    age_limit = models.PositiveSmallIntegerField(
        "年龄上限（岁）", default=45, validators=[MinValueValidator(25), MaxValueValidator(65)],
        help_text="超过此年龄的，不再推荐入库；在库的，年度动态调整时调整出库。")
    remarks = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "后备干部库"
        verbose_name_plural = "后备干部库"
        ordering = ["unit__path", "level"]
        indexes = [models.Index(fields=["level"], name="reserve_pool_level_idx")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "level"], name="reserve_pool_unit_level_unique",
                                    violation_error_message="该单位该层次的后备干部库已建立。"),
            models.CheckConstraint(condition=Q(quota__gte=1), name="reserve_pool_quota_positive",
                                   violation_error_message=QUOTA_AT_LEAST_ONE),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_level_display()}后备干部库"

    def clean(self) -> None:
        if not self.unit_id or not self.level:
            return
        kept = levels_kept_by(self.unit.level)
        if self.level not in kept:
            labels = dict(Rank.choices)
            raise ValidationError({"level": (
                f"{self.unit}是{self.unit.get_level_display()}单位，只能建立其管理的"
                f"{'、'.join(labels[level] for level in kept)}后备干部库；"
                f"{labels[self.level]}后备干部由上级管理，不能在本单位建库。"
            )})


class MemberStatus(models.TextChoices):
    RECOMMENDED = "recommended", "已推荐待考察"
    IN_POOL = "in_pool", "在库"
    NOT_PASSED = "not_passed", "考察未通过"
    EXITED = "exited", "已调整出库"


# A cadre holds at most one of these per level at a time.
ACTIVE_STATUSES = (MemberStatus.RECOMMENDED, MemberStatus.IN_POOL)


class InspectionConclusion(models.TextChoices):
    PASSED = "passed", "考察合格，同意入库"
    FAILED = "failed", "考察不合格"


class ExitReason(models.TextChoices):
    """动态调整出库原因."""

    PROMOTED = "promoted", "提拔使用"
    OVER_AGE = "over_age", "年龄超限"
    INCOMPETENT = "incompetent", "考核不称职"
    DISCIPLINED = "disciplined", "受处分"
    OTHER = "other", "其他"


class ReserveMember(Audited):
    """后备干部: one cadre's passage through one pool — 推荐, 考察, 在库, 出库."""

    scope_field = "pool__unit"

    pool = models.ForeignKey(ReservePool, verbose_name="后备干部库", on_delete=models.PROTECT, related_name="members")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT,
                              related_name="reserve_memberships")
    # The pool's level, copied by the service: the one-pool-per-level constraint needs it on the row.
    level = models.CharField("后备层次", max_length=20, choices=Rank.choices, editable=False)
    recommended_by = models.CharField("推荐人（单位）", max_length=100)
    recommended_on = models.DateField("推荐日期")
    recommendation = models.TextField("推荐理由", blank=True)
    status = models.CharField("状态", max_length=20, choices=MemberStatus.choices, default=MemberStatus.RECOMMENDED,
                              editable=False)
    inspected_on = models.DateField("考察日期", null=True, blank=True, editable=False)
    inspection_conclusion = models.CharField("考察结论", max_length=10, choices=InspectionConclusion.choices,
                                             blank=True, editable=False)
    inspection_opinion = models.TextField("考察意见", blank=True, editable=False)
    entered_on = models.DateField("入库日期", null=True, blank=True, editable=False)
    exit_reason = models.CharField("出库原因", max_length=20, choices=ExitReason.choices, blank=True, editable=False)
    exited_on = models.DateField("出库日期", null=True, blank=True, editable=False)
    exit_note = models.TextField("调整说明", blank=True, editable=False)
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    class Meta:
        permissions = [("import_reservemember", "可导入后备干部"), ("export_reservemember", "可导出后备干部")]
        verbose_name = "后备干部"
        verbose_name_plural = "后备干部"
        ordering = ["pool", "-recommended_on", "id"]
        indexes = [
            models.Index(fields=["pool", "status"], name="reserve_member_pool_idx"),
            models.Index(fields=["status", "level"], name="reserve_member_status_idx"),
            models.Index(fields=["cadre", "status"], name="reserve_member_cadre_idx"),
            models.Index(fields=["exit_reason", "exited_on"], name="reserve_member_exit_idx",
                         condition=Q(status="exited")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "level"], condition=Q(status__in=["recommended", "in_pool"]),
                name="reserve_one_pool_per_level",
                violation_error_message="该干部已在同一层次的后备干部库中（或待考察），不能同时进入两个库。",
            ),
            models.UniqueConstraint(fields=["pool", "cadre", "recommended_on"], name="reserve_member_natural_key",
                                    violation_error_message="该干部在该库同一日期的推荐已登记。"),
            models.CheckConstraint(
                condition=Q(inspected_on__isnull=True) | Q(inspected_on__gte=models.F("recommended_on")),
                name="reserve_inspected_after_recommended",
                violation_error_message="考察日期不能早于推荐日期。",
            ),
            models.CheckConstraint(
                condition=Q(status="in_pool", entered_on__isnull=False, exited_on__isnull=True)
                | Q(status="exited", entered_on__isnull=False, exited_on__isnull=False)
                | Q(status__in=["recommended", "not_passed"], entered_on__isnull=True, exited_on__isnull=True),
                name="reserve_status_dates",
                violation_error_message="状态与入库、出库日期不一致。",
            ),
            models.CheckConstraint(
                condition=Q(status="exited", exit_reason__gt="") | (~Q(status="exited") & Q(exit_reason="")),
                name="reserve_exit_reason_when_exited",
                violation_error_message="出库须写明原因；未出库的不填出库原因。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre}（{self.pool}）"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.recommended_on and self.recommended_on > timezone.localdate():
            errors["recommended_on"] = "推荐日期不能晚于今天。"
        for name, message in working_age_errors(self, recommended_on="推荐日期").items():
            errors.setdefault(name, message)
        if self.inspected_on and self.recommended_on and self.inspected_on < self.recommended_on:
            errors["inspected_on"] = "考察日期不能早于推荐日期。"
        if self.inspection_conclusion and not self.inspected_on:
            errors["inspected_on"] = "填写了考察结论的，须填写考察日期。"
        if self.inspected_on and not self.inspection_conclusion:
            errors["inspection_conclusion"] = "填写了考察日期的，须填写考察结论。"
        if self.exited_on and self.entered_on and self.exited_on < self.entered_on:
            errors["exited_on"] = "出库日期不能早于入库日期。"
        if errors:
            raise ValidationError(errors)
