"""Spreadsheet resources (导入模板) of the cadre registry: 干部基本信息, 任职经历, 年度考核.

A resource parses cells (the widgets) and hands each row to the domain: per-row rules
are the models' ``clean()`` and the ``cadres.services.check_sheet_*`` /
``cadres.rules`` functions every other path calls (``prepare_instance``); what a written
sheet brings about (posts following the cadres sheet, profiles following the posts
sheet, follow-up items of assessments) is the services' bulk functions, called from
``after_import_commit`` inside the import's transaction. Rows are matched by natural
key: the ID number, then year or post.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields
from import_export.widgets import CharWidget, DecimalWidget, IntegerWidget, Widget

from orgwork.codes.widgets import CodeWidget
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ByIdNumberWidget, ChoiceWidget, DateWidget, IDNumberWidget, UnitWidget, is_blank

from .models import Assessment, AssessmentGrade, Authority, Cadre, Gender, Grade, Post, Rank
from orgwork.audit.context import current_actor

from . import rules
from .services import (
    SheetPrincipals,
    assessment_correction_refusal,
    assessment_item_follows,
    assessments_follow_up,
    cadre_fill_pinyin,
    cadres_reconcile_sheet_posts,
    cadres_sync_current_post,
    check_sheet_cadre,
    check_sheet_post,
    vetting_cases_spend,
)


class CadreByIDWidget(ByIdNumberWidget):
    """干部, identified by 身份证号 (normalised first), within the uploader's scope; a row
    without a number is refused (the column names the cadre the row is about)."""

    # No number in the message: an error report must not print full ID numbers back.
    not_found_message = "该身份证号的干部不存在或不在您的管辖范围内。"

    def __init__(self) -> None:
        super().__init__(Cadre)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if is_blank(value):
            raise ValidationError("身份证号不能为空。", code="required")
        return super().clean(value, row, **kwargs)


class YesNoWidget(Widget):
    TRUE, FALSE = {"是", "Y", "YES", "1", "TRUE", "√"}, {"否", "N", "NO", "0", "FALSE", ""}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        text = "" if value is None else str(value).strip().upper()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError(f"「{value}」应填写“是”或“否”。", code="invalid")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "是" if value else "否"


class CadreResource(ScopedModelResource):
    slug = "cadres"
    verbose_name = "干部基本信息"

    name = fields.Field(attribute="name", column_name="姓名", widget=CharWidget())
    gender = fields.Field(attribute="gender", column_name="性别", widget=ChoiceWidget(Gender.choices, {"男性": "男", "女性": "女"}))
    ethnicity = fields.Field(attribute="ethnicity", column_name="民族", widget=CodeWidget("ethnicity", "民族"))
    birth_month = fields.Field(attribute="birth_month", column_name="出生年月", widget=DateWidget(month_only=True))
    native_place = fields.Field(attribute="native_place", column_name="籍贯", widget=CharWidget())
    id_number = fields.Field(attribute="id_number", column_name="身份证号", widget=IDNumberWidget())
    political_status = fields.Field(attribute="political_status", column_name="政治面貌",
                                    widget=CodeWidget("political_status", "政治面貌"))
    party_joined_on = fields.Field(attribute="party_joined_on", column_name="入党时间", widget=DateWidget(month_only=True))
    work_started_on = fields.Field(attribute="work_started_on", column_name="参加工作时间", widget=DateWidget(month_only=True))
    fulltime_education = fields.Field(attribute="fulltime_education", column_name="学历", widget=CodeWidget("education", "学历"))
    fulltime_degree = fields.Field(attribute="fulltime_degree", column_name="学位", widget=CodeWidget("degree", "学位"))
    fulltime_education_school = fields.Field(attribute="fulltime_education_school", column_name="毕业院校及专业", widget=CharWidget())
    unit = fields.Field(attribute="unit", column_name="单位", widget=UnitWidget())
    current_post = fields.Field(attribute="current_post", column_name="现任职务", widget=CharWidget())
    rank = fields.Field(attribute="rank", column_name="职务层次", widget=CodeWidget("rank", "职务层次", Rank.choices))
    grade = fields.Field(attribute="grade", column_name="职级", widget=CodeWidget("grade", "职级", Grade.choices))
    authority = fields.Field(attribute="authority", column_name="管理权限", widget=CodeWidget("authority", "管理权限", Authority.choices))

    masked_fields = ("id_number",)
    header_aliases = {
        "公民身份号码": "身份证号",
        "身份证号码": "身份证号",
        "身份证": "身份证号",
        "出生日期": "出生年月",
        "出生年月日": "出生年月",
        "政治面目": "政治面貌",
        "入党日期": "入党时间",
        "参加工作日期": "参加工作时间",
        "全日制学历": "学历",
        "最高学历": "学历",
        "全日制学位": "学位",
        "毕业院校系及专业": "毕业院校及专业",
        "毕业院校": "毕业院校及专业",
        "工作单位": "单位",
        "单位名称": "单位",
        "单位代码": "单位",
        "职务": "现任职务",
        "现职务": "现任职务",
        "级别": "职务层次",
        "职务级别": "职务层次",
        "管理类别": "管理权限",
    }

    class Meta:
        model = Cadre
        fields = (
            "name", "gender", "ethnicity", "birth_month", "native_place", "id_number", "political_status", "party_joined_on",
            "work_started_on", "fulltime_education", "fulltime_degree", "fulltime_education_school", "unit",
            "current_post", "rank", "grade", "authority",
        )
        import_id_fields = ("id_number",)
        # A row whose ID number finds a cadre must carry that cadre's name (the engine refuses it otherwise).
        identity_check = ("name",)
        clean_model_instances = True
        skip_unchanged = True

    example_row = {
        "姓名": "张建华", "性别": "男", "民族": "汉族", "出生年月": "1975.06", "籍贯": "甘肃榆中",
        "身份证号": "620102197506150013", "政治面貌": "中共党员", "入党时间": "1998.07", "参加工作时间": "1997.07", "学历": "大学",
        "学位": "经济学学士", "毕业院校及专业": "兰州大学经济学专业", "单位": "620102", "现任职务": "城关区发展和改革局局长",
        "职务层次": "乡科级正职", "职级": "一级主任科员", "管理权限": "县管",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # 晋升职级 rows: the 凡提四必 case each spends, by cadre, recorded once the sheet is written.
        self._vetting_uses: dict[int, rules.VettingUse] = {}

    def prepare_instance(self, instance: Cadre, original: Cadre | None) -> None:
        """Per row, before validation: the stored pinyin keys follow the name; an update
        moves the version on; the rules of ``cadre_save`` (combination, promotion, a new
        serving cadre carries its current post, the 管理权限 the clerk's department gives)."""
        cadre_fill_pinyin(instance)
        if original is not None:
            instance.version = (original.version or 0) + 1
        use = check_sheet_cadre(instance, original, actor=current_actor().user)
        if use is not None and original is not None:
            self._vetting_uses[original.pk] = use

    def after_import_commit(self, written: Any) -> list[str]:
        """The 现任职务 and 职务层次 columns are the cadre's current principal post. The
        clerk is told of cadres whose 政治面貌 is still unknown (no column or a blank
        cell, and no 入党时间): 党外干部 does not count them until it is filled in. A
        晋升职级 row spends its 凡提四必 case, as on the cadre page (``vetting_cases_spend``)."""
        actor = current_actor().user
        if self._vetting_uses:
            ids = set(written.filter(pk__in=list(self._vetting_uses)).values_list("pk", flat=True))
            vetting_cases_spend(uses=[use for pk, use in self._vetting_uses.items() if pk in ids], actor=actor)
        cadres_reconcile_sheet_posts(cadres=written, actor=actor)
        unknown = written.filter(political_status="").count()
        if not unknown:
            return []
        return [f"有 {unknown} 名干部的政治面貌未填写（表中没有“政治面貌”列或该列为空，且未填写入党时间），"
                "统计党外干部时不计入；请在干部信息中补填，或在表中填写“政治面貌”列后重新导入。"]


class PostResource(ScopedModelResource):
    slug = "cadre_posts"
    verbose_name = "任职经历"

    cadre = fields.Field(attribute="cadre", column_name="身份证号", widget=CadreByIDWidget())
    cadre_name = fields.Field(attribute="cadre__name", column_name="姓名", readonly=True)
    title = fields.Field(attribute="title", column_name="职务名称", widget=CharWidget())
    # History, not scope (the post's scope is its cadre's unit): a post held in the city
    # stays on the county cadre's sheet as it was exported (``UnitWidget.outside_by_code``).
    unit = fields.Field(attribute="unit", column_name="任职单位", widget=UnitWidget(outside_by_code=True))
    rank = fields.Field(attribute="rank", column_name="职务层次", widget=CodeWidget("rank", "职务层次", Rank.choices))
    is_principal = fields.Field(attribute="is_principal", column_name="是否主职", widget=YesNoWidget())
    is_current = fields.Field(attribute="is_current", column_name="是否现任", widget=YesNoWidget())
    appointed_on = fields.Field(attribute="appointed_on", column_name="任职时间", widget=DateWidget())
    appointment_document = fields.Field(attribute="appointment_document", column_name="任职文号", widget=CharWidget())
    approving_body = fields.Field(attribute="approving_body", column_name="批准机关", widget=CharWidget())
    publicity_start = fields.Field(attribute="publicity_start", column_name="任前公示开始", widget=DateWidget())
    publicity_end = fields.Field(attribute="publicity_end", column_name="任前公示结束", widget=DateWidget())
    removed_on = fields.Field(attribute="removed_on", column_name="免职时间", widget=DateWidget())
    removal_document = fields.Field(attribute="removal_document", column_name="免职文号", widget=CharWidget())

    example_row = {
        "身份证号": "620102197506150013", "姓名": "张建华", "职务名称": "城关区发展和改革局局长", "任职单位": "620102",
        "职务层次": "乡科级正职", "是否主职": "是", "是否现任": "是", "任职时间": "2021.03",
        "任职文号": "城委〔2021〕15号", "批准机关": "中共兰州市城关区委员会", "任前公示开始": "2021-02-20",
        "任前公示结束": "2021-02-26", "免职时间": "2024.05", "免职文号": "城委〔2024〕8号",
    }
    column_notes = {
        "职务层次": "可填：" + "、".join(str(label) for _, label in Rank.choices) + "。",
        "是否主职": "填“是”或“否”：主职是干部的主要职务，每名干部只能有一个现任主职。",
        "是否现任": "填“是”或“否”：已免去的职务填“否”，并填写免职时间。",
        "任职时间": "可只写到月，如 2021.03；不能早于该干部年满16周岁。",
        "免职时间": "现任职务留空；不能早于任职时间。",
    }
    masked_fields = ("cadre",)
    header_aliases = {"公民身份号码": "身份证号", "身份证号码": "身份证号", "职务": "职务名称", "任职日期": "任职时间",
                      "免职日期": "免职时间", "文号": "任职文号"}

    class Meta:
        model = Post
        fields = (
            "cadre", "cadre_name", "title", "unit", "rank", "is_principal", "is_current", "appointed_on",
            "appointment_document", "approving_body", "publicity_start", "publicity_end", "removed_on", "removal_document",
        )
        import_id_fields = ("cadre", "title", "appointed_on")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "unit")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Past promotions outside promotions_of: the 凡提四必 case each spends, recorded once written.
        self._vetting_uses: list[rules.VettingUse] = []
        self._principals = SheetPrincipals()  # the 现任主职务 the rows above give, by cadre

    def prepare_instance(self, instance: Post, original: Post | None) -> None:
        stored = getattr(original, "_audit_loaded", {}) if original is not None else {}
        refusal = self.fields["unit"].widget.outside_refusal(instance.unit_id, stored.get("unit_id"))
        if refusal is not None:
            raise ValidationError({"unit": refusal})
        if (use := check_sheet_post(instance, original, sheet=self._principals, row=self.row_number)) is not None:
            self._vetting_uses.append(use)

    def after_import_commit(self, written: Any) -> None:
        """现任职务 and 职务层次 on the profiles follow the posts just written; a past
        promotion spends its 凡提四必 case, as on the 任职经历 page (``vetting_cases_spend``)."""
        actor = current_actor().user
        vetting_cases_spend(uses=self._vetting_uses, actor=actor)
        cadres_sync_current_post(cadre_ids=written.values_list("cadre_id", flat=True), actor=actor)


class AssessmentResource(ScopedModelResource):
    slug = "cadre_assessments"
    verbose_name = "年度考核"

    cadre = fields.Field(attribute="cadre", column_name="身份证号", widget=CadreByIDWidget())
    cadre_name = fields.Field(attribute="cadre__name", column_name="姓名", readonly=True)
    year = fields.Field(attribute="year", column_name="考核年度", widget=IntegerWidget())
    grade = fields.Field(attribute="grade", column_name="考核等次", widget=CodeWidget("assessment_grade", "考核等次", AssessmentGrade.choices))
    political_score = fields.Field(attribute="political_score", column_name="政治素质测评得分", widget=DecimalWidget())
    remarks = fields.Field(attribute="remarks", column_name="备注", widget=CharWidget())

    example_row = {"身份证号": "620102197506150013", "姓名": "张建华", "考核年度": "2025", "考核等次": "优秀",
                   "政治素质测评得分": "92", "备注": "年度考核述职测评第一名"}
    column_notes = {
        "考核等次": "可填：" + "、".join(str(label) for _, label in AssessmentGrade.choices) + "。",
        "政治素质测评得分": "0至100分；确定为“优秀”的须不低于90分。",
    }
    masked_fields = ("cadre",)
    header_aliases = {"公民身份号码": "身份证号", "身份证号码": "身份证号", "年度": "考核年度", "等次": "考核等次",
                      "考核结果": "考核等次", "政治素质得分": "政治素质测评得分", "测评得分": "政治素质测评得分"}

    class Meta:
        model = Assessment
        fields = ("cadre", "cadre_name", "year", "grade", "political_score", "remarks")
        import_id_fields = ("cadre", "year")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "cadre__unit")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Corrected rows: what each held before, by key, for its checklist item to follow once written.
        self._corrected: dict[int, dict[str, Any]] = {}

    def prepare_instance(self, instance: Assessment, original: Assessment | None) -> None:
        """The row's rules together, as the form gives them: the score (``clean``), the
        影响期 (``rules.check_assessment``) and, for a corrected result, its checklist item
        past 申请销号 (``assessment_correction_refusal``)."""
        stored = (getattr(original, "_audit_loaded", None) or {}) if original is not None else {}
        errors: dict[str, list[str]] = {}
        for check in (instance.clean, lambda: rules.check_assessment(instance)):
            try:
                check()
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    errors.setdefault(name, []).extend(messages)
        for name, message in assessment_correction_refusal(instance, stored).items():
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)
        if stored:
            self._corrected[original.pk] = dict(stored)

    def after_import_commit(self, written: Any) -> None:
        """A corrected result's checklist item follows, as on the page
        (``assessment_item_follows``); below 80, 基本称职, 不称职: the same follow-up item
        the form path opens."""
        actor = current_actor().user
        if self._corrected:
            for assessment in written.filter(pk__in=list(self._corrected)).select_related("cadre", "cadre__unit"):
                assessment_item_follows(assessment=assessment, stored=self._corrected[assessment.pk], actor=actor)
        assessments_follow_up(assessments=written, actor=actor)
