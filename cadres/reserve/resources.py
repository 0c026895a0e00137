"""The 后备干部推荐考察 sheet (导入模板): one row per cadre recommended to a pool, with the
考察 when it has taken place.

The pool is named by its unit code and level (``620102/县处级副职``); the cadre by 身份证号,
both within the uploader's scope. Each row goes through ``services.member_sheet_prepare``
— the rules of the record page's 推荐 and 考察: age limit, 影响期, one pool per level,
名额 (counting the rows above it in the same sheet). One bad row and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields
from import_export.widgets import CharWidget

from cadres.models import Rank
from cadres.resources import CadreByIDWidget
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, DateWidget, ScopedForeignKeyWidget, any_case_first

from .models import InspectionConclusion, ReserveMember, ReservePool
from .services import SheetState, member_sheet_prepare

LEVEL_BY_LABEL = {label: value for value, label in Rank.choices} | {value: value for value, _ in Rank.choices}


class PoolWidget(ScopedForeignKeyWidget):
    """后备干部库: ``单位代码/后备层次`` (620102/县处级副职), among the pools in scope."""

    not_found_message = "后备干部库「{value}」不存在或不在您的管辖范围内（请按“单位代码/后备层次”填写）。"

    def __init__(self) -> None:
        super().__init__(ReservePool, field="pk")

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get_queryset(value, row).select_related("unit")

    def prefetch(self, values: Any) -> None:
        """A sheet names a handful of pools: each distinct cell is looked up once (``clean``)."""

    def lookup(self, value: str, row: Any) -> ReservePool:
        code, _, level = value.replace("／", "/").partition("/")
        pool = None
        if level.strip() in LEVEL_BY_LABEL:
            pool = any_case_first(self.get_queryset(value, row).filter(level=LEVEL_BY_LABEL[level.strip()]),
                                  "unit__code", code.strip())
        if pool is None:
            raise ValidationError(self.not_found_message.format(value=value), code="not_found")
        return pool

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return f"{value.unit.code}/{value.get_level_display()}" if value else ""


class CadreWithUnitWidget(CadreByIDWidget):
    """The cadre with its unit (the rules read the unit's path)."""

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get_queryset(value, row).select_related("unit")


class ReserveMemberResource(ScopedModelResource):
    slug = "reserve_members"
    verbose_name = "后备干部推荐考察"

    pool = fields.Field(attribute="pool", column_name="后备干部库", widget=PoolWidget())
    cadre = fields.Field(attribute="cadre", column_name="身份证号", widget=CadreWithUnitWidget())
    cadre_name = fields.Field(attribute="cadre__name", column_name="姓名", readonly=True)
    recommended_by = fields.Field(attribute="recommended_by", column_name="推荐人（单位）", widget=CharWidget())
    recommended_on = fields.Field(attribute="recommended_on", column_name="推荐日期", widget=DateWidget())
    recommendation = fields.Field(attribute="recommendation", column_name="推荐理由", widget=CharWidget())
    inspected_on = fields.Field(attribute="inspected_on", column_name="考察日期", widget=DateWidget())
    inspection_conclusion = fields.Field(
        attribute="inspection_conclusion", column_name="考察结论",
        widget=ChoiceWidget(InspectionConclusion.choices, {"合格": InspectionConclusion.PASSED.label,
                                                           "不合格": InspectionConclusion.FAILED.label}))
    inspection_opinion = fields.Field(attribute="inspection_opinion", column_name="考察意见", widget=CharWidget())

    masked_fields = ("cadre",)
    header_aliases = {"公民身份号码": "身份证号", "身份证号码": "身份证号", "推荐人": "推荐人（单位）",
                      "推荐单位": "推荐人（单位）", "后备库": "后备干部库", "考察时间": "考察日期", "推荐时间": "推荐日期"}
    example_row = {"后备干部库": "620102/乡科级正职", "身份证号": "620102198506150011", "姓名": "张建华",
                   "推荐人（单位）": "城关区委组织部", "推荐日期": "2026-03-10", "推荐理由": "民主推荐得票靠前",
                   "考察日期": "2026-04-15", "考察结论": "合格", "考察意见": "政治坚定，实绩突出"}

    class Meta:
        model = ReserveMember
        fields = ("pool", "cadre", "cadre_name", "recommended_by", "recommended_on", "recommendation",
                  "inspected_on", "inspection_conclusion", "inspection_opinion")
        import_id_fields = ("pool", "cadre", "recommended_on")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
        clean_model_instances = True
        skip_unchanged = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheet_state = SheetState()

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "cadre__unit", "pool", "pool__unit")

    def prepare_instance(self, instance: ReserveMember, original: ReserveMember | None) -> None:
        member_sheet_prepare(instance, original, self.sheet_state)
