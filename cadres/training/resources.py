"""The class roster sheet (班次学员考勤表) and the online-learning sheet (网络学习记录), through
the import engine.

Roster: one row per trainee per class day: 班次编号, 身份证号, 日期, 出勤情况. The cadre is
found by 身份证号 within the uploader's jurisdiction, the class by its 班次编号 among those
organised there or attended by its cadres (the widgets); a row may write only to a class
organised within the jurisdiction, as on the form, and an exported row uploaded again as
it stands is 未变 whatever its class (``as_kept``). The same trainee twice on one day of
one class is a duplicate row (the natural key); every other row is handed to
``services.attendance_check_and_credit`` — the function ``attendance_save`` uses — so a
closed class, a day outside the class dates and the credited hours are decided the same
way as in the admin. All or nothing: one bad row and nothing is written.

Online learning: one row per cadre per course completed: 课程编号, 身份证号, 完成日期. The
course is found by its 课程编号 in the province-wide catalogue (as the form offers it), the
cadre by 身份证号 within the uploader's jurisdiction; a course counts once per cadre (the
natural key: a second row for it is a duplicate, a row for a stored completion corrects
its date) and credits its 学时 through ``services.online_completion_credit``, the function
``online_completion_save`` uses.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from import_export import fields
from import_export.widgets import CharWidget

from cadres.resources import CadreByIDWidget
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, DateWidget, ScopedForeignKeyWidget
from orgwork.units.scope import scope_queryset

from .models import AttendanceStatus, ClassAttendance, OnlineCompletion, OnlineCourse, TrainingClass
from .services import attendance_check_and_credit, online_completion_credit


class TrainingClassWidget(ScopedForeignKeyWidget):
    """培训班, by its 班次编号: a class organised within the uploader's scope, or one that
    the uploader's cadres attend (a province class on the county's attendance list, which
    lists rows by the trainee's unit). Any other class reads as one that does not exist.
    Whether the row may write to the class is the resource's question
    (``ClassAttendanceResource.prepare_instance``): the roster is kept by the organiser."""

    not_found_message = "该班次编号的培训班不存在或不在您的管辖范围内。"

    def __init__(self) -> None:
        super().__init__(TrainingClass, field="code")

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
        organised = scope_queryset(TrainingClass.objects.all(), self.user).values("pk")
        # Exists, not IN: probed per class found by code (index attendance_class_cadre_idx),
        # not a list of every class any of the scope's cadres attended.
        attended = scope_queryset(ClassAttendance.objects.filter(training_class=OuterRef("pk")), self.user)
        return TrainingClass.objects.select_related("unit").filter(Q(pk__in=organised) | Exists(attended))


class ClassAttendanceResource(ScopedModelResource):
    slug = "training_attendance"
    verbose_name = "培训班学员考勤"

    training_class = fields.Field(attribute="training_class", column_name="班次编号", widget=TrainingClassWidget())
    cadre = fields.Field(attribute="cadre", column_name="身份证号", widget=CadreByIDWidget())
    cadre_name = fields.Field(attribute="cadre__name", column_name="姓名", readonly=True)
    day = fields.Field(attribute="day", column_name="日期", widget=DateWidget())
    status = fields.Field(attribute="status", column_name="出勤情况",
                          widget=ChoiceWidget(AttendanceStatus.choices, {"到": "attended", "全勤": "attended",
                                                                         "缺": "absent", "旷课": "absent",
                                                                         "假": "leave", "事假": "leave",
                                                                         "病假": "leave"}))
    remarks = fields.Field(attribute="remarks", column_name="备注", widget=CharWidget())

    masked_fields = ("cadre",)
    derived_from = {"credited_hours": ("training_class", "day")}  # credited by ``attendance_check_and_credit``
    header_aliases = {"班次": "班次编号", "培训班编号": "班次编号", "公民身份号码": "身份证号",
                      "身份证号码": "身份证号", "考勤日期": "日期", "出勤": "出勤情况", "考勤": "出勤情况"}
    example_row = {"班次编号": "PX2026-001", "身份证号": "620102197506150011", "姓名": "张建华",
                   "日期": "2026-03-02", "出勤情况": "出勤", "备注": "下午因公请假半天"}

    class Meta:
        model = ClassAttendance
        fields = ("training_class", "cadre", "cadre_name", "day", "status", "remarks")
        import_id_fields = ("training_class", "cadre", "day")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
        clean_model_instances = True
        skip_unchanged = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._organised: dict[int, bool] = {}  # class pk → organised within the uploader's scope

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "cadre__unit", "training_class")

    @staticmethod
    def as_kept(instance: ClassAttendance) -> bool:
        """A blank 出勤情况 is 出勤. An exported line uploaded again as it stands is 未变
        (``orgwork.imports.engine``), a line of a class since closed (结业) or of a class
        another unit organises too; a changed line is checked."""
        instance.status = instance.status or AttendanceStatus.ATTENDED
        return True

    def prepare_instance(self, instance: ClassAttendance, original: ClassAttendance | None) -> None:
        if instance.training_class_id is None:
            return  # the class cell's own error says it
        self.as_kept(instance)
        training_class = instance.training_class
        if not self._organised_in_scope(training_class):
            # As ``services.attendance_save``: the roster is kept by the organiser and its superiors.
            raise ValidationError({"training_class": f"「{training_class.name}」由{training_class.unit}主办，学员名单和考勤"
                                                     "由主办单位登记；您可以查看本单位学员的考勤，不能由表格修改。"})
        attendance_check_and_credit(instance)

    def _organised_in_scope(self, training_class: TrainingClass) -> bool:
        if training_class.pk not in self._organised:
            self._organised[training_class.pk] = scope_queryset(
                TrainingClass.objects.filter(pk=training_class.pk), self.user).exists()
        return self._organised[training_class.pk]


class OnlineCourseWidget(ScopedForeignKeyWidget):
    """网络课程, by its 课程编号. The catalogue is the province's online college's, shared by
    every unit: a county records its cadres' completions of any course (the form offers
    every course too), so the lookup is not narrowed to the uploader's jurisdiction."""

    not_found_message = "课程编号为「{value}」的网络课程不存在，请先在“网络课程”中登记。"

    def __init__(self) -> None:
        super().__init__(OnlineCourse, field="code")

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
        return OnlineCourse.objects.all()


class OnlineCompletionResource(ScopedModelResource):
    slug = "training_online_completions"
    verbose_name = "网络学习记录"

    course = fields.Field(attribute="course", column_name="课程编号", widget=OnlineCourseWidget())
    course_name = fields.Field(attribute="course__name", column_name="课程名称", readonly=True)
    cadre = fields.Field(attribute="cadre", column_name="身份证号", widget=CadreByIDWidget())
    cadre_name = fields.Field(attribute="cadre__name", column_name="姓名", readonly=True)
    completed_on = fields.Field(attribute="completed_on", column_name="完成日期", widget=DateWidget())
    credited_hours = fields.Field(attribute="credited_hours", column_name="计入学时", readonly=True)

    masked_fields = ("cadre",)
    header_aliases = {"课程代码": "课程编号", "课程号": "课程编号", "公民身份号码": "身份证号", "身份证号码": "身份证号",
                      "学习完成日期": "完成日期", "完成时间": "完成日期", "课程": "课程名称", "学时": "计入学时"}
    example_row = {"课程编号": "GSWX-001", "课程名称": "习近平新时代中国特色社会主义思想专题",
                   "身份证号": "620102197506150011", "姓名": "张建华", "完成日期": "2026-03-20", "计入学时": ""}

    class Meta:
        model = OnlineCompletion
        fields = ("course", "course_name", "cadre", "cadre_name", "completed_on", "credited_hours")
        import_id_fields = ("course", "cadre")
        identity_check = ("cadre_name",)  # the 姓名 shown must be the cadre's on record
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("cadre", "cadre__unit", "course")

    def prepare_instance(self, instance: OnlineCompletion, original: OnlineCompletion | None) -> None:
        online_completion_credit(instance)
