"""单位导入：单位代码, 单位名称, 上级单位代码, 单位类型, 行政层级."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields

from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, UnitWidget

from .models import Unit, UnitLevel, UnitType
from .services import unit_place_names_refresh


class UnitResource(ScopedModelResource):
    slug = "units"
    verbose_name = "单位"

    code = fields.Field(attribute="code", column_name="单位代码")
    name = fields.Field(attribute="name", column_name="单位名称")
    parent = fields.Field(attribute="parent", column_name="上级单位代码", widget=UnitWidget())
    unit_type = fields.Field(attribute="unit_type", column_name="单位类型", widget=ChoiceWidget(UnitType.choices))
    level = fields.Field(attribute="level", column_name="行政层级", widget=ChoiceWidget(UnitLevel.choices))

    header_aliases = {"代码": "单位代码", "名称": "单位名称", "上级代码": "上级单位代码", "层级": "行政层级"}

    example_row = {"单位代码": "620102002", "单位名称": "某某街道", "上级单位代码": "620102",
                   "单位类型": "乡镇", "行政层级": "乡级"}

    def prepare_instance(self, instance: Any, original: Any) -> None:
        # The bulk path bypasses unit_save: it may place new units, not move existing ones
        # (a move rewrites every path below, which only unit_save does).
        if original is not None and original._audit_loaded.get("parent_id") != instance.parent_id:
            raise ValidationError({"parent": "导入不能调整已有单位的上级单位，请在单位管理页面修改。"})
        instance.path = instance.computed_path()
        instance.full_name = instance.computed_full_name()

    def after_import_commit(self, units: Any) -> None:
        # A renamed unit's name reaches the place names below it, in the import's transaction.
        from orgwork.audit.context import current_actor

        unit_place_names_refresh(actor=current_actor().user)

    class Meta:
        model = Unit
        fields = ("code", "name", "parent", "unit_type", "level")
        import_id_fields = ("code",)
        import_id_any_case = True  # gs01a finds GS01A (a UniqueConstraint on the upper case)
        skip_unchanged = True
