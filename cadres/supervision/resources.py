"""Spreadsheet resources (导入模板) of 干部监督: 组织处理, 党纪政务处分 and 个人有关事项报告.

The cadre is found by 身份证号 within the uploader's scope (the registry's widget).
Handling rows need the influence period computed from the rule table: each row is
handed to ``services.handling_record_fill_period``, the function ``handling_record_save``
uses; a 党纪政务处分 row to ``services.discipline_finding_fill_period`` likewise. The rows
a sheet wrote are announced with ``signals.handling_recorded``, as the services do.
"""

from __future__ import annotations

from typing import Any

from import_export import fields
from import_export.widgets import CharWidget, IntegerWidget, Widget

from cadres.resources import CadreByIDWidget
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, DateWidget, is_blank

from .models import (
    DisciplineFinding,
    DisciplineKind,
    HandlingRecord,
    HandlingSource,
    HandlingType,
    PersonalMattersReport,
)
from .services import discipline_finding_fill_period, handling_record_fill_period
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
                   "决定日期": "2026-03-15", "文号": "城组通〔2026〕12号", "承办人": "李明", "主要事实": "……",
                   "函询回复": "已书面说明有关情况", "回复日期": "2026-03-25", "是否采信": "是"}
    column_notes = {column: "只有处理方式为“函询”的填写，其余留空。" for column in ("函询回复", "回复日期", "是否采信")}

    class Meta:
        model = HandlingRecord
        fields = ("cadre", "cadre_name", "handling_type", "source", "decided_on", "document_number", "handler",
                  "facts", "inquiry_reply", "inquiry_replied_on", "inquiry_accepted")
        import_id_fields = ("cadre", "handling_type", "decided_on")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
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


# Other spellings of the kinds seen on 处分决定书 and in reports ("给予党内警告处分", "开除").
DISCIPLINE_ALIASES = {
    **{f"{label}处分": label for _, label in DisciplineKind.choices},
    "严重警告": "党内严重警告", "警告（党纪）": "党内警告", "警告（政务）": "政务警告", "开除": "开除公职",
    "政务记过": "记过", "政务记大过": "记大过", "政务降级": "降级", "政务撤职": "撤职",
    "留党察看1年": "留党察看一年", "留党察看2年": "留党察看二年",
}


class DisciplineFindingResource(ScopedModelResource):
    slug = "discipline_findings"
    verbose_name = "党纪政务处分"

    cadre = fields.Field(attribute="cadre", column_name="身份证号", widget=CadreByIDWidget())
    cadre_name = fields.Field(attribute="cadre__name", column_name="姓名", readonly=True)
    kind = fields.Field(attribute="kind", column_name="处分种类",
                        widget=ChoiceWidget(DisciplineKind.choices, DISCIPLINE_ALIASES))
    decided_on = fields.Field(attribute="decided_on", column_name="处分决定日期", widget=DateWidget())
    document_number = fields.Field(attribute="document_number", column_name="处分决定文号", widget=CharWidget())
    deciding_organ = fields.Field(attribute="deciding_organ", column_name="作出机关", widget=CharWidget())
    summary = fields.Field(attribute="summary", column_name="处分事由", widget=CharWidget())

    masked_fields = ("cadre",)
    header_aliases = {"公民身份号码": "身份证号", "身份证号码": "身份证号", "处分类型": "处分种类", "处分": "处分种类",
                      "决定日期": "处分决定日期", "处分日期": "处分决定日期", "文号": "处分决定文号",
                      "决定文号": "处分决定文号", "处分机关": "作出机关", "决定机关": "作出机关", "事由": "处分事由",
                      "主要事实": "处分事由"}
    example_row = {"身份证号": "620102197506150011", "姓名": "张建华", "处分种类": "党内警告",
                   "处分决定日期": "2026-03-15", "处分决定文号": "城纪处〔2026〕5号",
                   "作出机关": "中共兰州市城关区纪律检查委员会", "处分事由": "违规收受礼金"}

    class Meta:
        model = DisciplineFinding
        fields = ("cadre", "cadre_name", "kind", "decided_on", "document_number", "deciding_organ", "summary")
        import_id_fields = ("cadre", "kind", "decided_on")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "cadre__unit")

    # 影响期截止日 follows the kind and the decision date: a refused date leaves nothing to check it by.
    derived_from = {"influence_ends_on": ("kind", "decided_on")}

    def prepare_instance(self, instance: DisciplineFinding, original: DisciplineFinding | None) -> None:
        if instance.decided_on is None:
            return  # the date's cell was refused (or left blank) and says so itself
        discipline_finding_fill_period(instance)

    def after_import_commit(self, records: Any) -> None:
        # The rows the sheet wrote, in the import's transaction: the same signal the service sends.
        for record in records.select_related("cadre", "cadre__unit"):
            handling_recorded.send(sender=DisciplineFinding, record=record, actor=self.user)


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
    example_row = {"身份证号": "620102197506150011", "姓名": "张建华", "报告年度": "2026", "报告日期": "2026-01-20",
                   "婚姻及配偶子女情况": "已婚，子女在兰州市就学", "房产投资收入情况": "本人与配偶共有住房一套",
                   "出入境证件及出入境情况": "因私护照一本，已交组织部门集中保管", "备注": "较上年无变化"}

    class Meta:
        model = PersonalMattersReport
        fields = ("cadre", "cadre_name", "year", "submitted_on", "marital_changes", "property_summary",
                  "travel_summary", "remarks")
        import_id_fields = ("cadre", "year")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "cadre__unit")
