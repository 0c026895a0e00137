"""Spreadsheet resource (导入模板) of 选人用人监督: the 新提拔干部民主评议 results.

Each row is one newly promoted cadre's 好/较好/一般/差 counts. The resource only parses
cells; the rules are the service's (``services.evaluation_prepare``: the cadre must have
been promoted that year, in the unit or below it; the 不满意率 against the line in
force), and a row at or over the line goes on the checklist in the import's
transaction (``services.evaluations_after_import``), once. A 选人用人工作评议 has no cadre,
so no key a row could find it by: it is kept on its page, and the list's 导出 leaves it
out so that an exported file uploaded again is 未变 (``admin.evaluations``).
"""

from __future__ import annotations

from typing import Any

from import_export import fields
from import_export.widgets import IntegerWidget

from cadres.resources import CadreByIDWidget
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import DateWidget, UnitWidget

from .models import EvaluationKind, SelectionEvaluation
from .services import dissatisfaction_line, evaluation_prepare, evaluations_after_import


class SelectionEvaluationResource(ScopedModelResource):
    slug = "selection_evaluations"
    verbose_name = "新提拔干部民主评议"

    cadre = fields.Field(attribute="cadre", column_name="身份证号", widget=CadreByIDWidget())
    cadre_name = fields.Field(attribute="cadre__name", column_name="姓名", readonly=True)
    unit = fields.Field(attribute="unit", column_name="评议单位", widget=UnitWidget())
    year = fields.Field(attribute="year", column_name="年度", widget=IntegerWidget())
    evaluated_on = fields.Field(attribute="evaluated_on", column_name="评议日期", widget=DateWidget())
    good = fields.Field(attribute="good", column_name="好", widget=IntegerWidget())
    fairly_good = fields.Field(attribute="fairly_good", column_name="较好", widget=IntegerWidget())
    average = fields.Field(attribute="average", column_name="一般", widget=IntegerWidget())
    poor = fields.Field(attribute="poor", column_name="差", widget=IntegerWidget())

    masked_fields = ("cadre",)
    header_aliases = {"公民身份号码": "身份证号", "身份证号码": "身份证号", "单位": "评议单位", "单位代码": "评议单位",
                      "评议年度": "年度", "好票": "好", "较好票": "较好", "一般票": "一般", "差票": "差",
                      "不好": "差"}
    example_row = {"身份证号": "620102197506150011", "姓名": "张建华", "评议单位": "620102", "年度": "2026",
                   "评议日期": "2026-12-20", "好": "38", "较好": "10", "一般": "3", "差": "1"}

    class Meta:
        model = SelectionEvaluation
        fields = ("cadre", "cadre_name", "unit", "year", "evaluated_on", "good", "fairly_good", "average", "poor")
        import_id_fields = ("cadre", "year")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self) -> Any:
        return (super().get_queryset().filter(kind=EvaluationKind.CADRE)
                .select_related("cadre", "cadre__unit", "unit"))

    def prepare_instance(self, instance: SelectionEvaluation, original: SelectionEvaluation | None) -> None:
        instance.kind = EvaluationKind.CADRE
        if original is not None:
            instance.rectification_item_id = original.rectification_item_id
        if not hasattr(self, "_line"):
            self._line = dissatisfaction_line()
        if instance.cadre_id is None or instance.unit_id is None or instance.year is None:
            return  # the cell's own error says it
        evaluation_prepare(instance, line=self._line)

    def after_import_commit(self, evaluations: Any) -> None:
        evaluations_after_import(evaluations=evaluations, actor=self.user)
