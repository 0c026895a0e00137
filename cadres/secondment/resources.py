"""The 选派干部 sheet (导入模板): one row per assignment in post, the cadre found by
身份证号 within the uploader's scope, units by code (or a name unique in scope).

Every row passes the rules the service applies (``services.check_assignment``: shape,
the cadre's other assignments, the village's other 第一书记), and rows of the same
sheet are held against each other too, so two rows cannot give one cadre two
overlapping terms or one village two 第一书记. A row cannot rewrite an assignment that
has ended; one that gives it as it stands is 未变 (``AssignmentResource.as_kept``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields
from import_export.widgets import CharWidget, Widget

from cadres.resources import CadreByIDWidget
from cadres.models import Cadre
from orgwork.common.display import already
from orgwork.audit.context import current_actor
from orgwork.common import idnumber
from orgwork.common.contract import SystemActor
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, DateWidget, ScopedForeignKeyWidget, UnitWidget, is_blank
from orgwork.imports.probing import refuse_near_misses

from . import rules
from .models import Assignment, AssignmentKind, AssignmentStatus, DutyCheck
from .services import absence_follow_up, check_assignment


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
                   "选派开始日期": "2026-03-01", "选派期满日期": "2028-03-01", "挂职单位": "620102001",
                   "挂任职务": "城关镇党委副书记", "备注": "原单位保留职务"}
    column_notes = {"挂职单位": "选派类型为“挂职”的填写挂职单位代码和挂任职务；驻村的填写所在乡镇和驻村名称。"}

    class Meta:
        model = Assignment
        fields = ("kind", "cadre", "cadre_name", "sending_unit", "host_unit", "post", "township", "village",
                  "starts_on", "ends_on", "remarks")
        import_id_fields = ("cadre", "kind", "starts_on")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
        clean_model_instances = True
        skip_unchanged = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sheet_rows: list[Assignment] = []  # the rows read so far, held against each other

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "cadre__unit", "sending_unit", "host_unit", "township")

    @staticmethod
    def as_kept(instance: Assignment) -> bool:
        """The row's texts as the record keeps them. An exported list holds the ended
        assignments (召回、轮换、期满) too: uploaded again as it stands, such a row is 未变
        (``orgwork.imports.engine``); only a row that changes one is refused."""
        instance.village = (instance.village or "").strip()
        instance.post = (instance.post or "").strip()
        return True

    def prepare_instance(self, instance: Assignment, original: Assignment | None) -> None:
        if original is not None and original.status != AssignmentStatus.ACTIVE:
            raise ValidationError({"starts_on": f"该选派{already(original.get_status_display())}，不能再由表格修改。"})
        if instance.cadre_id is None or instance.starts_on is None or instance.ends_on is None:
            return  # the missing cell is reported by its column
        self.as_kept(instance)
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


class AssignmentByIDWidget(ScopedForeignKeyWidget):
    """The cadre's latest assignment (by start), the cadre found by 身份证号 within scope."""

    not_found_message = "该身份证号的干部没有选派记录，或不在您的管辖范围内。"

    def __init__(self) -> None:
        super().__init__(Assignment, field="cadre__id_number")

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> models.QuerySet[Any]:
        return super().get_queryset(value, row).select_related("cadre", "host_unit", "township").order_by(
            "cadre_id", "-starts_on", "-pk")

    def _latest(self, assignments: Any) -> dict[str, Assignment]:
        latest: dict[str, Assignment] = {}
        for a in assignments:
            latest.setdefault(a.cadre.id_number, a)
        return latest

    def lookup(self, value: str, row: Any) -> Any:
        found = self._latest(self.get_queryset(value, row).filter(cadre__id_number=value)[:1])
        if value not in found:
            refuse_near_misses(Cadre, self.user, [value])
            raise ValidationError(self.not_found_message, code="not_found")
        return found[value]

    def prefetch(self, values: Any) -> None:
        keys = set()
        for value in values:
            try:
                keys.add(idnumber.clean(value, on_sheet=True))
            except ValidationError:
                continue  # reported by clean() for that row
        keys -= self._cache.keys()
        if not keys:
            return
        found = self._latest(self.get_queryset(None, None).filter(cadre__id_number__in=keys))
        for key in keys:
            self._cache[key] = found[key] if key in found else self._not_found()
        refuse_near_misses(Cadre, self.user, keys - found.keys())

    def _not_found(self) -> Any:
        from orgwork.imports.widgets import _NotFound

        return _NotFound(self.not_found_message)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if is_blank(value):
            raise ValidationError("身份证号不能为空。", code="required")
        return super().clean(idnumber.clean(value, on_sheet=True), row, **kwargs)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.cadre.id_number if value else ""


class PresentWidget(Widget):
    """抽查结果: 在岗 / 不在岗."""

    TRUE = {"在岗", "是", "Y", "y", "1"}
    FALSE = {"不在岗", "缺岗", "否", "N", "n", "0"}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool | None:
        if is_blank(value):
            return None
        text = str(value).strip()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"「{text}」应填写“在岗”或“不在岗”。")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else ("在岗" if value else "不在岗")


class DutyCheckResource(ScopedModelResource):
    """在岗抽查 sheet: one row per visit, to the cadre's latest assignment. The day must lie
    in the time in post; after the commit, assignments absent ``rules.absence_limit()``
    times in a year go on the checklist, as on the form."""

    slug = "secondment_duty_checks"
    verbose_name = "在岗抽查"

    assignment = fields.Field(attribute="assignment", column_name="身份证号", widget=AssignmentByIDWidget())
    cadre_name = fields.Field(attribute="assignment__cadre__name", column_name="姓名", readonly=True)
    checked_on = fields.Field(attribute="checked_on", column_name="抽查日期", widget=DateWidget())
    checker = fields.Field(attribute="checker", column_name="抽查人", widget=CharWidget())
    present = fields.Field(attribute="present", column_name="抽查结果", widget=PresentWidget())
    note = fields.Field(attribute="note", column_name="情况说明", widget=CharWidget())

    masked_fields = ("assignment",)
    header_aliases = {"公民身份号码": "身份证号", "身份证号码": "身份证号", "日期": "抽查日期", "结果": "抽查结果",
                      "是否在岗": "抽查结果", "说明": "情况说明"}
    example_row = {"身份证号": "620102197506150011", "姓名": "张建华", "抽查日期": "2026-03-15", "抽查人": "县委组织部",
                   "抽查结果": "不在岗", "情况说明": "电话联系称在县城办事"}

    class Meta:
        model = DutyCheck
        fields = ("assignment", "cadre_name", "checked_on", "checker", "present", "note")
        import_id_fields = ("assignment", "checked_on")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("assignment", "assignment__cadre", "assignment__cadre__unit")

    def prepare_instance(self, instance: DutyCheck, original: DutyCheck | None) -> None:
        if original is not None and original.present != instance.present:
            raise ValidationError({"present": "已登记的抽查结果不能由表格改写。"})
        if instance.assignment_id is None or instance.checked_on is None:
            return
        errors = rules.duty_check_errors(instance.assignment, instance.checked_on)
        if errors:
            raise ValidationError(errors)

    def after_import_commit(self, written: models.QuerySet[DutyCheck]) -> None:
        actor = getattr(current_actor(), "user", None) or self.user or SystemActor("secondment_duty_sheet")
        pairs = set(written.filter(present=False).values_list("assignment_id", "checked_on__year"))
        assignments = Assignment.objects.select_related("cadre", "cadre__unit", "host_unit", "township",
                                                        "sending_unit").in_bulk({pk for pk, _ in pairs})
        for assignment_id, year in sorted(pairs):
            absence_follow_up(assignment=assignments[assignment_id], year=year, actor=actor)
