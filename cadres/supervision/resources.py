"""Spreadsheet resources (导入模板) of 干部监督: 组织处理 and 个人有关事项报告.

The cadre is found by 身份证号 within the uploader's scope (the registry's widget).
Handling rows need the influence period computed from the rule table: each row is
handed to ``services.handling_record_fill_period``, the function ``handling_record_save``
uses.
"""

from __future__ import annotations

from typing import Any

from import_export import fields
from import_export.widgets import CharWidget, IntegerWidget, Widget

from cadres.resources import CadreByIDWidget
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, DateWidget, is_blank

from .models import HandlingRecord, HandlingSource, HandlingType, PersonalMattersReport
from .services import handling_record_fill_period
from .signals import handling_recorded


class YesNoWidget(Widget):
    """是/否 (blank = not yet decided)."""

    TRUE = {"是", "采信", "Y", "y", "1", "TRUE", "True", "true"}
    FALSE = {"否", "不采信", "N", "n", "0", "FALSE", "False", "false"}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool | None:
        if is_blank(value):
            return None
        text = str(value).strip()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"「{text}」应填写“是”或“否”。")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else ("是" if value else "否")


class HandlingRecordResource(ScopedModelResource):
    slug = "handling_records"
    verbose_name = "组织处理"

    cadre = fields.Field(attribute="cadre", column_name="身份证号", widget=CadreByIDWidget())
    cadre_name = fields.Field(attribute="cadre__name", column_name="姓名", readonly=True)
    handling_type = fields.Field(attribute="handling_type", column_name="处理方式",
                                 widget=ChoiceWidget(HandlingType.choices, {"诫勉谈话": "诫勉", "责令公开道歉": "批评教育"}))
    source = fields.Field(attribute="source", column_name="线索来源",
                          widget=ChoiceWidget(HandlingSource.choices, {"12380": "12380举报", "巡视": "巡视移交"}))
    decided_on = fields.Field(attribute="decided_on", column_name="决定日期", widget=DateWidget())
    document_number = fields.Field(attribute="document_number", column_name="文号", widget=CharWidget())
    handler = fields.Field(attribute="handler", column_name="承办人", widget=CharWidget())
    facts = fields.Field(attribute="facts", column_name="主要事实", widget=CharWidget())
    inquiry_reply = fields.Field(attribute="inquiry_reply", column_name="函询回复", widget=CharWidget())
    inquiry_replied_on = fields.Field(attribute="inquiry_replied_on", column_name="回复日期", widget=DateWidget())
    inquiry_accepted = fields.Field(attribute="inquiry_accepted", column_name="是否采信", widget=YesNoWidget())

    masked_fields = ("cadre",)
    header_aliases = {"公民身份号码": "身份证号", "身份证号码": "身份证号", "处理类型": "处理方式",
                      "问题线索来源": "线索来源", "来源": "线索来源", "处理时间": "决定日期", "决定时间": "决定日期"}
    example_row = {"身份证号": "620102197506150011", "姓名": "张建华", "处理方式": "诫勉", "线索来源": "巡视移交",
                   "决定日期": "2026-03-15", "文号": "城组通〔2026〕12号", "承办人": "李明", "主要事实": "……"}

    class Meta:
        model = HandlingRecord
        fields = ("cadre", "cadre_name", "handling_type", "source", "decided_on", "document_number", "handler",
                  "facts", "inquiry_reply", "inquiry_replied_on", "inquiry_accepted")
        import_id_fields = ("cadre", "handling_type", "decided_on")
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "cadre__unit")

    def prepare_instance(self, instance: HandlingRecord, original: HandlingRecord | None) -> None:
        # The rule in force when the record is first stored; kept when the row is re-imported.
        handling_record_fill_period(instance, None if original is None else original.handling_type)

    def after_import_commit(self, records: Any) -> None:
        # The rows the sheet wrote, in the import's transaction: the same signal the service sends.
        for record in records.select_related("cadre", "cadre__unit"):
            handling_recorded.send(sender=HandlingRecord, record=record, actor=self.user)


class PersonalMattersReportResource(ScopedModelResource):
    slug = "personal_matters_reports"
    verbose_name = "个人有关事项报告"

    cadre = fields.Field(attribute="cadre", column_name="身份证号", widget=CadreByIDWidget())
    cadre_name = fields.Field(attribute="cadre__name", column_name="姓名", readonly=True)
    year = fields.Field(attribute="year", column_name="报告年度", widget=IntegerWidget())
    submitted_on = fields.Field(attribute="submitted_on", column_name="报告日期", widget=DateWidget())
    marital_changes = fields.Field(attribute="marital_changes", column_name="婚姻及配偶子女情况", widget=CharWidget())
    property_summary = fields.Field(attribute="property_summary", column_name="房产投资收入情况", widget=CharWidget())
    travel_summary = fields.Field(attribute="travel_summary", column_name="出入境证件及出入境情况", widget=CharWidget())
    remarks = fields.Field(attribute="remarks", column_name="备注", widget=CharWidget())

    masked_fields = ("cadre",)
    header_aliases = {"公民身份号码": "身份证号", "身份证号码": "身份证号", "年度": "报告年度", "填报日期": "报告日期"}
    example_row = {"身份证号": "620102197506150011", "姓名": "张建华", "报告年度": "2026", "报告日期": "2026-01-20"}

    class Meta:
        model = PersonalMattersReport
        fields = ("cadre", "cadre_name", "year", "submitted_on", "marital_changes", "property_summary",
                  "travel_summary", "remarks")
        import_id_fields = ("cadre", "year")
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "cadre__unit")
