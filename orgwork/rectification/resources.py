"""整改问题清单导入: the sheets inspection teams send back.

Columns: 事项编号, 问题来源, 清单文号, 问题描述, 责任单位, 责任人, 牵头领导, 整改措施, 整改时限.
The checklist (问题清单) is registered first in the admin; rows name it by its document
number. A row finds its item by its checklist and problem or, in a sheet the system
exported, by its 事项编号 (read only: the export writes it, a new row leaves it blank), so
that two items with one problem on one checklist (an item opened again for the same spot
check after the first was struck off) are told apart, and an edited 问题描述 updates its
item. A checklist without one (the standing checklist that a spot check or an
assessment puts its items on, or one registered without a document) is named by its
system number instead (:func:`checklist_reference`), so that an exported list imports
back onto the same items. Cells are checked by their widgets, rows by
``RectificationItem.clean`` (the source matches the checklist, the responsible unit lies
within the checklist's unit, the deadline is not before the document) and by
:meth:`prepare_instance`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from import_export import fields
from import_export.widgets import Widget

from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import (ChoiceWidget, DateWidget, ScopedForeignKeyWidget, SystemNumber, UnitWidget,
                                     is_blank)
from orgwork.units.scope import home_unit, scope_queryset, sees_everything

from .models import Checklist, ChecklistSource, RectificationItem
from .services import rectification_item_check_row, rectification_items_log_opened

SOURCE_ALIASES = {
    "巡视": "巡视反馈", "巡察": "巡视反馈", "巡察反馈": "巡视反馈", "巡视巡察": "巡视反馈",
    "民主生活会": "专题民主生活会", "督查": "督查暗访", "暗访": "督查暗访", "考核": "年度考核",
    "软弱涣散": "软弱涣散整顿", "整顿": "软弱涣散整顿",
}


# 「无文号：城关区2026年其他问题清单（系统编号57）」: the number decides, the title is for the reader.
_SYSTEM_NUMBERED = re.compile(r"^无文号[:：].*[（(]\s*系统编号\s*(\d{1,18})\s*[)）]$", re.DOTALL)


def checklist_reference(checklist: Checklist) -> str:
    """What the 清单文号 column says for ``checklist``: its document number, or, for a
    checklist that has none, its title and system number, which an import reads back."""
    if checklist.document_number:
        return checklist.document_number
    return f"无文号：{checklist.title}（系统编号{checklist.pk}）"


def system_number(value: Any) -> int | None:
    """The system number a 清单文号 cell gives for a checklist without a document number, else None."""
    found = _SYSTEM_NUMBERED.match(str(value).strip())
    return int(found.group(1)) if found else None


class ChecklistWidget(ScopedForeignKeyWidget):
    """清单文号: the checklist with that document number among the user's checklists, or,
    for a checklist without one, the checklist with the system number the cell gives.

    The user's checklists are those of their jurisdiction and those a higher unit issued
    on which they have items (a county's items on the city's list): a row finds its item
    there and updates it; a new row there is refused (``rules.check_new_item_checklist``)."""

    # Not 请先登记: a checklist the city issued exists, and registering it again would make a
    # duplicate. Its items come in through the unit that holds it.
    not_found_message = ("文号为「{value}」的问题清单不在您管辖范围内登记的清单中：上级印发的清单，其整改事项由清单所属单位导入；"
                         "本单位的新清单，请先登记问题清单再导入。")
    numbered_not_found_message = "「{value}」所指的无文号问题清单不存在或不在您的管辖范围内。"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Checklist, field="document_number", **kwargs)

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> QuerySet[Checklist]:
        own = super().get_queryset(value, row, *args, **kwargs).select_related("unit")
        home = home_unit(self.user)
        if sees_everything(self.user) or home is None or home.parent_id is None:
            return own  # all of them, or none
        worked_on = scope_queryset(RectificationItem.objects.all(), self.user).values("checklist_id")
        return Checklist.objects.select_related("unit").filter(Q(pk__in=own.values("pk")) | Q(pk__in=worked_on))

    def prefetch(self, values: Iterable[Any]) -> None:
        values = [v for v in values if not is_blank(v)]
        numbered = {key: number for key in {str(v).strip() for v in values} - self._cache.keys()
                    if (number := system_number(key)) is not None}
        if numbered:
            # One query for the chunk; a number not found is left to ``lookup``, which says so.
            found = self.get_queryset(None, None).in_bulk(set(numbered.values()))
            self._cache.update((key, found[number]) for key, number in numbered.items() if number in found)
        values = [v for v in values if str(v).strip() not in numbered]
        super().prefetch(values)
        # Two visible checklists with one number: forget the prefetched one so that
        # ``lookup`` runs and reports the ambiguity.
        shared = (
            self.get_queryset(None, None).filter(document_number__in={str(v).strip() for v in values})
            .values("document_number").annotate(n=Count("pk")).filter(n__gt=1)
            .values_list("document_number", flat=True)
        )
        for number in shared:
            self._cache.pop(number, None)

    def lookup(self, value: str, row: Any) -> Checklist:
        number = system_number(value)
        if number is not None:
            checklist = self.get_queryset(value, row).filter(pk=number).first()
            if checklist is None:
                raise ValidationError(self.numbered_not_found_message.format(value=value), code="not_found")
            return checklist
        found = list(self.get_queryset(value, row).filter(document_number=value)[:2])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValidationError(f"文号「{value}」在您的管辖范围内对应多份问题清单，请联系清单所属单位核对文号。",
                                  code="ambiguous")
        raise ValidationError(self.not_found_message.format(value=value), code="not_found")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return checklist_reference(value) if value else ""


class DocumentNumberWidget(Widget):
    """清单文号 of the checklist sheet: the 文号, or, for a checklist without one, the
    「无文号：…（系统编号N）」 the export writes (:func:`checklist_reference`), which names
    that checklist by its number: the import finds it again, and it keeps its empty 文号."""

    gives_system_numbers = True

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str | SystemNumber:
        text = str(value).strip()
        number = system_number(text)
        return text if number is None else SystemNumber(number, text)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value or ""


class ChecklistResource(ScopedModelResource):
    """问题清单: one row per document (问题来源, 清单名称, 文号, 印发日期, 所涉单位, 年度). A
    checklist without a 文号 is named by its title and system number, as in the 整改事项
    sheet, so that an exported list imports back onto the same checklists."""

    slug = "rectification_checklists"
    verbose_name = "问题清单"

    source = fields.Field(attribute="source", column_name="问题来源",
                          widget=ChoiceWidget(ChecklistSource.choices, aliases=SOURCE_ALIASES))
    title = fields.Field(attribute="title", column_name="清单名称")
    document_number = fields.Field(attribute="document_number", column_name="清单文号", widget=DocumentNumberWidget())
    document_date = fields.Field(attribute="document_date", column_name="印发日期", widget=DateWidget(need_day=True))
    unit = fields.Field(attribute="unit", column_name="所涉单位", widget=UnitWidget())
    year = fields.Field(attribute="year", column_name="年度")

    header_aliases = {"来源": "问题来源", "名称": "清单名称", "文号": "清单文号", "发文日期": "印发日期",
                      "被巡视单位": "所涉单位", "被检查单位": "所涉单位", "单位": "所涉单位"}
    example_row = {"问题来源": "巡视反馈", "清单名称": "市委第一巡察组反馈问题清单", "清单文号": "兰巡反〔2026〕1号",
                   "印发日期": "2026.03.01", "所涉单位": "620100", "年度": "2026"}

    class Meta:
        model = Checklist
        fields = ("source", "title", "document_number", "document_date", "unit", "year")
        import_id_fields = ("unit", "document_number")
        skip_unchanged = True
        clean_model_instances = True

    def dehydrate_document_number(self, checklist: Checklist) -> str:
        return checklist_reference(checklist)

    def prepare_instance(self, instance: Checklist, original: Checklist | None) -> None:
        if original is None and not instance.document_number:
            raise ValidationError({"document_number": "请填写清单文号：整改事项按文号归入清单。"})
        if instance.year is None and instance.document_date:
            instance.year = instance.document_date.year
        if original is not None and original._audit_loaded.get("source") != instance.source and original.items.exists():
            raise ValidationError({"source": "该清单已有整改事项，不能通过导入改变问题来源。"})


class RectificationItemResource(ScopedModelResource):
    slug = "rectification_items"
    verbose_name = "整改问题清单"

    number = fields.Field(attribute="pk", column_name="事项编号", readonly=True)
    source = fields.Field(attribute="source", column_name="问题来源",
                          widget=ChoiceWidget(ChecklistSource.choices, aliases=SOURCE_ALIASES))
    checklist = fields.Field(attribute="checklist", column_name="清单文号", widget=ChecklistWidget())
    problem = fields.Field(attribute="problem", column_name="问题描述")
    responsible_unit = fields.Field(attribute="responsible_unit", column_name="责任单位", widget=UnitWidget())
    responsible_person = fields.Field(attribute="responsible_person", column_name="责任人")
    lead_leader = fields.Field(attribute="lead_leader", column_name="牵头领导")
    measure = fields.Field(attribute="measure", column_name="整改措施")
    deadline = fields.Field(attribute="deadline", column_name="整改时限", widget=DateWidget(need_day=True))

    header_aliases = {
        "来源": "问题来源", "问题类别": "问题来源", "文号": "清单文号", "清单": "清单文号", "反馈文号": "清单文号",
        "问题": "问题描述", "存在问题": "问题描述", "问题表现": "问题描述", "责任领导": "牵头领导",
        "牵头单位": "责任单位", "整改责任单位": "责任单位", "整改责任人": "责任人", "措施": "整改措施",
        "完成时限": "整改时限", "整改期限": "整改时限", "完成时间": "整改时限",
    }
    example_row = {"问题来源": "巡视反馈", "清单文号": "兰巡反〔2026〕1号", "问题描述": "“三重一大”决策程序执行不到位",
                   "责任单位": "620102", "责任人": "张明", "牵头领导": "王强", "整改措施": "修订议事规则，建立会议纪要备案制度",
                   "整改时限": "2026.06.30"}

    class Meta:
        model = RectificationItem
        fields = ("number", "source", "checklist", "problem", "responsible_unit", "responsible_person", "lead_leader",
                  "measure", "deadline")
        import_id_fields = ("checklist", "problem")
        number_field = "number"  # a 事项编号 names the row's item (see the engine's SystemNumber)
        skip_unchanged = True
        clean_model_instances = True

    def prepare_instance(self, instance: RectificationItem, original: RectificationItem | None) -> None:
        # The domain decides: a new row is put on the books; an existing one may not change
        # once closure is requested, nor move its deadline (延期 is a step of its own).
        rectification_item_check_row(item=instance, original=original, actor=self.user)

    def after_import_commit(self, items: Any) -> None:
        """The engine wrote the new items in bulk (one audit row each): give each its 挂账 timeline entry."""
        rectification_items_log_opened(items=items, actor=self.user)
