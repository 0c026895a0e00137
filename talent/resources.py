"""Talent sheets (导入模板): talents, the enrollee roster, the funding sheet, the reviews.

Every column maps to one field of the sheet's model so the bulk import engine can
check cells with the widgets (ID numbers, dates, choices; talents and programmes
looked up within the importer's scope, a chunk at a time), rows with the model's
``clean()`` and cross-row rules (the batch quota) in :meth:`prepare_instance`.

A roster arrives as two sheets: 人才信息 (the people: name, ID number, unit, field,
title) and 人才计划入选人员 (ID number + programme + batch + term). Funding and review
sheets name the enrollee by ID number and programme; the year finds the enrollment.
Exports mask ID numbers unless the resource is built with ``unmask=True``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields
from import_export.widgets import DecimalWidget, IntegerWidget

from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, DateWidget, IDNumberWidget, ByIdNumberWidget, ScopedForeignKeyWidget, UnitWidget

from . import services
from .models import Enrollment, EnrollmentStatus, Funding, Gender, Person, Programme, ReviewGrade, TermReview
from .selectors import programmes_open_to

COL_NAME = "姓名"
COL_ID = "身份证号"
COL_PROGRAMME = "人才计划"
COL_BATCH = "入选批次"
ID_ALIASES = {"公民身份号码": COL_ID, "身份证号码": COL_ID, "计划名称": COL_PROGRAMME, "人才工程": COL_PROGRAMME}
EXAMPLE_ID = "62010219800517123X"


class ProgrammeWidget(ScopedForeignKeyWidget):
    """人才计划 by name, among the programmes open to the importer's unit (a provincial
    programme is open to every county)."""

    not_found_message = "人才计划「{value}」不存在或不对本单位开放。"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Programme, field="name", **kwargs)

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> models.QuerySet[Any]:
        return programmes_open_to(self.user)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value else ""


class PersonWidget(ByIdNumberWidget):
    """The talent, by ID number; the cell is normalised first (full-width digits,
    spaces, a lower-case x) and an Excel number is refused with instructions."""

    # No number in the message: an error report must not print full ID numbers back.
    not_found_message = "该身份证号的人才未登记或不在您的管辖范围内，请先导入人才信息。"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Person, **kwargs)


class TalentResource(ScopedModelResource):
    """The talent sheets. Rows are checked by :meth:`prepare_instance` and written by the
    import engine; consequences run in :meth:`after_import_commit`, in the import's
    transaction, through the same services as the admin.

    Key fields are named after their model attribute (``person``, not ``id_number``):
    the sheet reader looks the required headers up by attribute.
    """


class PersonResource(TalentResource):
    """人才信息: the people a roster is about, keyed by ID number."""

    slug = "talent_people"
    verbose_name = "人才信息"
    masked_fields = ("id_number",)
    header_aliases = {"公民身份号码": COL_ID, "身份证号码": COL_ID, "单位": "工作单位", "职称": "专业技术职称",
                      "领域": "专业领域"}
    example_row = {COL_NAME: "张明远", COL_ID: EXAMPLE_ID, "性别": "男", "出生日期": "1980-05-17",
                   "工作单位": "620102", "专业领域": "材料科学", "专业技术职称": "研究员", "联系电话": "13919312345"}

    name = fields.Field(attribute="name", column_name=COL_NAME)
    id_number = fields.Field(attribute="id_number", column_name=COL_ID, widget=IDNumberWidget())
    gender = fields.Field(attribute="gender", column_name="性别", widget=ChoiceWidget(Gender.choices))
    birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=DateWidget(need_day=True))
    unit = fields.Field(attribute="unit", column_name="工作单位", widget=UnitWidget())
    specialty = fields.Field(attribute="field", column_name="专业领域")
    professional_title = fields.Field(attribute="professional_title", column_name="专业技术职称")
    phone = fields.Field(attribute="phone", column_name="联系电话")

    class Meta:
        model = Person
        fields = ("name", "id_number", "gender", "birth_date", "unit", "specialty", "professional_title", "phone")
        import_id_fields = ("id_number",)
        skip_unchanged = True
        clean_model_instances = True


class EnrollmentResource(TalentResource):
    """人才计划入选人员名册: who is in which batch of which programme, and their term.
    New rows respect each batch's quota, counting the rows above them in the sheet."""

    slug = "talent_enrollments"
    verbose_name = "人才计划入选人员"
    masked_fields = ("person",)
    header_aliases = {**ID_ALIASES, "批次": COL_BATCH, "入选年度": COL_BATCH, "培养方案": "个性化培养方案"}
    example_row = {COL_ID: EXAMPLE_ID, COL_NAME: "张明远", COL_PROGRAMME: "甘肃省领军人才", COL_BATCH: "2024",
                   "聘期开始": "2024-01-01", "聘期结束": "2028-12-31", "个性化培养方案": "依托重点实验室开展攻关"}

    person = fields.Field(attribute="person", column_name=COL_ID, widget=PersonWidget())
    # Shown for the reader and checked against the person (the talent sheet sets it).
    name = fields.Field(attribute="person__name", column_name=COL_NAME, readonly=True)
    programme = fields.Field(attribute="programme", column_name=COL_PROGRAMME, widget=ProgrammeWidget())
    batch_year = fields.Field(attribute="batch_year", column_name=COL_BATCH, widget=IntegerWidget())
    term_start = fields.Field(attribute="term_start", column_name="聘期开始", widget=DateWidget(need_day=True))
    term_end = fields.Field(attribute="term_end", column_name="聘期结束", widget=DateWidget(need_day=True))
    training_plan = fields.Field(attribute="training_plan", column_name="个性化培养方案")
    status = fields.Field(attribute="status", column_name="状态", readonly=True,
                          widget=ChoiceWidget(EnrollmentStatus.choices))

    class Meta:
        model = Enrollment
        fields = ("person", "name", "programme", "batch_year", "term_start", "term_end", "training_plan", "status")
        import_id_fields = ("person", "programme", "batch_year")
        identity_check = ("name",)
        skip_unchanged = True
        clean_model_instances = True

    def __init__(self, user: Any = None, unmask: bool = False, **kwargs: Any) -> None:
        super().__init__(user=user, unmask=unmask, **kwargs)
        self._taken: dict[tuple[int, int], int] = {}

    def prepare_instance(self, instance: Enrollment, original: Enrollment | None) -> None:
        if original is not None or instance.programme_id is None or not instance.batch_year:
            return
        programme = instance.programme
        if not programme.is_active:
            raise ValidationError({"programme": f"「{programme}」已停止实施，不能新增入选人员。"})
        if programme.quota_per_batch is None:
            return
        key = (programme.pk, instance.batch_year)
        if key not in self._taken:
            self._taken[key] = Enrollment.objects.filter(programme=programme, batch_year=instance.batch_year).count()
        if self._taken[key] >= programme.quota_per_batch:
            raise ValidationError({"batch_year": f"「{programme}」{instance.batch_year}年批次名额为 "
                                                 f"{programme.quota_per_batch} 人，已满。"})
        self._taken[key] += 1

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().select_related("person", "programme")


class _EnrolleeYearResource(TalentResource):
    """Columns shared by the sheets about an enrollee's year: 身份证号, 姓名, 人才计划."""

    masked_fields = ("person",)

    person = fields.Field(attribute="person", column_name=COL_ID, widget=PersonWidget())
    name = fields.Field(attribute="person__name", column_name=COL_NAME, readonly=True)
    programme = fields.Field(attribute="programme", column_name=COL_PROGRAMME, widget=ProgrammeWidget())

    def prepare_instance(self, instance: Any, original: Any) -> None:
        instance.match_enrollment()

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().select_related("person", "programme")


class FundingResource(_EnrolleeYearResource):
    """资助经费拨付表: one row per enrollee, programme and year; the amount must lie in
    the programme's yearly range and the year in the term (``Funding.clean``)."""

    slug = "talent_funding"
    verbose_name = "人才资助经费"
    header_aliases = {**ID_ALIASES, "年度": "资助年度", "金额": "资助金额（元）", "资助金额": "资助金额（元）"}
    example_row = {COL_ID: EXAMPLE_ID, COL_NAME: "张明远", COL_PROGRAMME: "甘肃省拔尖领军人才", "资助年度": "2025",
                   "资助金额（元）": "1500000", "拨付日期": "2025-03-31", "备注": "首期拨付"}

    year = fields.Field(attribute="year", column_name="资助年度", widget=IntegerWidget())
    amount = fields.Field(attribute="amount", column_name="资助金额（元）", widget=DecimalWidget())
    granted_on = fields.Field(attribute="granted_on", column_name="拨付日期", widget=DateWidget(need_day=True))
    note = fields.Field(attribute="note", column_name="备注")

    class Meta:
        model = Funding
        fields = ("person", "name", "programme", "year", "amount", "granted_on", "note")
        import_id_fields = ("person", "programme", "year")
        identity_check = ("name",)
        skip_unchanged = True
        clean_model_instances = True


class TermReviewResource(_EnrolleeYearResource):
    """聘期考核结果表. A grade once recorded is not changed by a sheet (its reward or
    exit has been carried out). The consequences of new reviews (reward for 优秀, exit for
    不合格) run in ``after_import_commit``, in the import's transaction, through
    ``term_review_apply_consequences`` as on the admin path."""

    slug = "talent_reviews"
    verbose_name = "人才聘期考核"
    header_aliases = {**ID_ALIASES, "年度": "考核年度", "等次": "考核等次", "考核结果": "考核等次", "意见": "考核意见"}
    example_row = {COL_ID: EXAMPLE_ID, COL_NAME: "张明远", COL_PROGRAMME: "甘肃省领军人才", "考核年度": "2025",
                   "考核等次": "优秀", "考核日期": "2025-12-15", "考核意见": "完成年度目标任务"}

    review_year = fields.Field(attribute="review_year", column_name="考核年度", widget=IntegerWidget())
    grade = fields.Field(attribute="grade", column_name="考核等次", widget=ChoiceWidget(ReviewGrade.choices))
    reviewed_on = fields.Field(attribute="reviewed_on", column_name="考核日期", widget=DateWidget(need_day=True))
    comment = fields.Field(attribute="comment", column_name="考核意见")

    class Meta:
        model = TermReview
        fields = ("person", "name", "programme", "review_year", "grade", "reviewed_on", "comment")
        import_id_fields = ("person", "programme", "review_year")
        identity_check = ("name",)
        skip_unchanged = True
        clean_model_instances = True

    def prepare_instance(self, instance: TermReview, original: TermReview | None) -> None:
        super().prepare_instance(instance, original)
        if original is not None:
            stored = getattr(original, "_audit_loaded", {}).get("grade", instance.grade)
            if stored != instance.grade:
                label = dict(ReviewGrade.choices).get(stored, stored)
                raise ValidationError({"grade": f"{instance.review_year}年聘期考核已登记为「{label}」，"
                                                "其结果已执行，不能通过导入更改。"})

    def after_import_commit(self, instances: Iterable[TermReview]) -> None:
        """Reward and exit for the reviews just written, by the importing user."""
        from orgwork.audit.context import current_actor

        services.term_reviews_apply_pending(reviews=TermReview.objects.filter(pk__in=[i.pk for i in instances]),
                                            actor=current_actor().user)
