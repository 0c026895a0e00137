"""The 选派干部 sheet (导入模板): one row per assignment in post, the cadre found by
身份证号 within the uploader's scope, units by code (or a name unique in scope).

Every row passes the rules the service applies (``services.check_assignment``: shape,
the cadre's other assignments, the village's other 第一书记), and rows of the same
sheet are held against each other too, so two rows cannot give one cadre two
overlapping terms or one village two 第一书记. A row cannot rewrite an assignment that
has ended.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields
from import_export.widgets import CharWidget

from cadres.resources import CadreByIDWidget
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, DateWidget, UnitWidget

from . import rules
from .models import Assignment, AssignmentKind, AssignmentStatus
from .services import check_assignment


class AssignmentResource(ScopedModelResource):
    slug = "secondment_assignments"
    verbose_name = "选派干部（挂职、驻村）"

    kind = fields.Field(attribute="kind", column_name="选派类型", widget=ChoiceWidget(
        AssignmentKind.choices, {"第一书记": "驻村第一书记", "工作队员": "驻村工作队员", "驻村队员": "驻村工作队员",
                                 "挂职锻炼": "挂职"}))
    cadre = fields.Field(attribute="cadre", column_name="身份证号", widget=CadreByIDWidget())
    cadre_name = fields.Field(attribute="cadre__name", column_name="姓名", readonly=True)
    sending_unit = fields.Field(attribute="sending_unit", column_name="派出单位", widget=UnitWidget())
    host_unit = fields.Field(attribute="host_unit", column_name="挂职单位", widget=UnitWidget())
    post = fields.Field(attribute="post", column_name="挂任职务", widget=CharWidget())
    township = fields.Field(attribute="township", column_name="所在乡镇", widget=UnitWidget())
    village = fields.Field(attribute="village", column_name="驻村名称", widget=CharWidget())
    starts_on = fields.Field(attribute="starts_on", column_name="选派开始日期", widget=DateWidget())
    ends_on = fields.Field(attribute="ends_on", column_name="选派期满日期", widget=DateWidget())
    remarks = fields.Field(attribute="remarks", column_name="备注", widget=CharWidget())

    masked_fields = ("cadre",)
    header_aliases = {"公民身份号码": "身份证号", "身份证号码": "身份证号", "类型": "选派类型", "派出单位代码": "派出单位",
                      "挂职单位代码": "挂职单位", "挂职职务": "挂任职务", "乡镇": "所在乡镇", "村": "驻村名称",
                      "村名": "驻村名称", "开始日期": "选派开始日期", "期满日期": "选派期满日期", "结束日期": "选派期满日期"}
    example_row = {"选派类型": "驻村第一书记", "身份证号": "620102197506150011", "姓名": "张建华",
                   "派出单位": "620102", "所在乡镇": "620102001", "驻村名称": "红山村",
                   "选派开始日期": "2026-03-01", "选派期满日期": "2028-03-01"}

    class Meta:
        model = Assignment
        fields = ("kind", "cadre", "cadre_name", "sending_unit", "host_unit", "post", "township", "village",
                  "starts_on", "ends_on", "remarks")
        import_id_fields = ("cadre", "kind", "starts_on")
        clean_model_instances = True
        skip_unchanged = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sheet_rows: list[Assignment] = []  # the rows read so far, held against each other

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "cadre__unit", "sending_unit", "host_unit", "township")

    def prepare_instance(self, instance: Assignment, original: Assignment | None) -> None:
        if original is not None and original.status != AssignmentStatus.ACTIVE:
            raise ValidationError({"starts_on": f"该选派已{original.get_status_display()}，不能再由表格修改。"})
        if instance.cadre_id is None or instance.starts_on is None or instance.ends_on is None:
            return  # the missing cell is reported by its column
        instance.village = (instance.village or "").strip()
        instance.post = (instance.post or "").strip()
        check_assignment(instance)
        errors: dict[str, str] = {}
        same_cadre = [row for row in self._sheet_rows if row.cadre_id == instance.cadre_id]
        if (message := rules.cadre_overlap_error(instance, same_cadre)) is not None:
            errors["starts_on"] = "与表中前面的行重叠：" + message
        same_village = [row for row in self._sheet_rows if row.kind == AssignmentKind.FIRST_SECRETARY
                        and row.township_id == instance.township_id and row.village == instance.village]
        if (message := rules.village_first_secretary_error(instance, same_village)) is not None:
            errors["village"] = "与表中前面的行重叠：" + message
        if errors:
            raise ValidationError(errors)
        self._sheet_rows.append(instance)
