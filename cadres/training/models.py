"""教育培训: classes (培训班), online courses (网络课程), class rosters with attendance
(班次学员考勤), online completions (网络学习记录) and the yearly minimum per rank
(年度学时最低要求).

A cadre's 学时 of a year = the hours of the class days they attended that year + the hours
of the online courses they completed that year; the two are kept and shown apart. Only
days marked 出勤 are credited (``ClassAttendance.credited_hours``, set by the services).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cadres.models import Cadre, Rank, working_age_errors
from orgwork.audit.models import Audited
from orgwork.common import dates


class TrainingMinimum(Audited):
    """年度学时最低要求: the hours a cadre of one rank must complete in a year.

    Configuration, not a personnel record: one row per rank, kept by the province's
    cadre-work staff (``services.training_minimum_save``), read by everyone. A rank without
    a row has no minimum and is left off the below-minimum list.
    """

    rank = models.CharField("职务层次", max_length=20, choices=Rank.choices, unique=True)
    hours = models.PositiveSmallIntegerField("年度最低学时", validators=[MinValueValidator(1), MaxValueValidator(500)])
    basis = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度学时要求"
        verbose_name_plural = "年度学时要求"
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"{self.get_rank_display()}：每年不少于{self.hours}学时"


class TrainingMode(models.TextChoices):
    IN_PERSON = "in_person", "线下面授"
    ONLINE = "online", "线上直播"


class ClassStatus(models.TextChoices):
    OPEN = "open", "在办"
    CLOSED = "closed", "已结业"


HOURS_PER_DAY = 8  # 脱产培训每天按8学时计


class TrainingClass(Audited):
    """培训班: one class run by an organising unit, with its dates, place and the 学时 it
    credits for full attendance (spread evenly over its days)."""

    scope_field = "unit"

    code = models.CharField("班次编号", max_length=30, unique=True, help_text="如：PX2026-001")
    name = models.CharField("培训班名称", max_length=100)
    unit = models.ForeignKey("units.Unit", verbose_name="主办单位", on_delete=models.PROTECT,
                             related_name="training_classes")
    starts_on = models.DateField("开班日期")
    ends_on = models.DateField("结业日期")
    place = models.CharField("培训地点", max_length=100)
    mode = models.CharField("培训方式", max_length=20, choices=TrainingMode.choices, default=TrainingMode.IN_PERSON)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("600"))],
                                help_text="全勤学员计入的学时，按培训天数平均计入每天（精确到0.1学时）。")
    status = models.CharField("状态", max_length=20, choices=ClassStatus.choices, default=ClassStatus.OPEN,
                              editable=False)
    closed_on = models.DateField("结业办理日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "培训班"
        verbose_name_plural = "培训班"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["-starts_on", "-id"], name="training_class_order_idx"),
            models.Index(fields=["unit", "status"], name="training_class_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="training_class_dates",
                                   violation_error_message="结业日期不能早于开班日期。"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "结业日期不能早于开班日期。"})
        # 脱产培训每天按8学时计: a class cannot credit more than its days allow.
        if self.starts_on and self.ends_on and self.hours is not None and self.hours > self.days * HOURS_PER_DAY:
            raise ValidationError({"hours": f"学时不能超过培训天数 × {HOURS_PER_DAY}（{self.days} 天最多 "
                                            f"{self.days * HOURS_PER_DAY} 学时）。"})

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def hours_on(self, day: datetime.date) -> Decimal:
        """学时 credited for attending ``day``: the class's 学时 spread evenly over its days,
        to a tenth, the rounding carried from day to day so that full attendance is
        credited exactly the class's 学时 (10 over 3 days: 3.3, 3.4, 3.3)."""
        offset = (day - self.starts_on).days

        def upto(days: int) -> Decimal:
            return (Decimal(self.hours) * days / self.days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

        return upto(offset + 1) - upto(offset)

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", "出勤"
    ABSENT = "absent", "缺勤"
    LEAVE = "leave", "请假"


class ClassAttendance(Audited):
    """班次学员考勤: one cadre on a class's roster on one class day, with the attendance;
    only 出勤 days are credited."""

    scope_field = "cadre__unit"

    training_class = models.ForeignKey(TrainingClass, verbose_name="培训班", on_delete=models.PROTECT,
                                       related_name="attendances")
    cadre = models.ForeignKey(Cadre, verbose_name="学员", on_delete=models.PROTECT, related_name="class_attendances")
    day = models.DateField("日期")
    status = models.CharField("出勤情况", max_length=20, choices=AttendanceStatus.choices,
                              default=AttendanceStatus.ATTENDED)
    credited_hours = models.DecimalField("计入学时", max_digits=5, decimal_places=1, default=Decimal("0"),
                                         editable=False)
    remarks = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        permissions = [("import_classattendance", "可导入班次学员考勤"), ("export_classattendance", "可导出班次学员考勤")]
        verbose_name = "班次学员考勤"
        verbose_name_plural = "班次学员考勤"
        ordering = ["training_class", "cadre", "day"]
        indexes = [
            models.Index(fields=["cadre", "day"], name="attendance_cadre_day_idx"),
            models.Index(fields=["training_class", "cadre"], name="attendance_class_cadre_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "cadre", "day"], name="attendance_once_a_day",
                                    violation_error_message="该学员在本班当天已有考勤记录，不能重复登记。"),
            models.CheckConstraint(
                condition=Q(status=AttendanceStatus.ATTENDED) | Q(credited_hours=0),
                name="attendance_only_attended_credited",
                violation_error_message="只有出勤才计入学时。"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.day:%Y-%m-%d} {self.get_status_display()}"


class OnlineCourse(Audited):
    """网络课程: a course on an online learning platform (e.g. 干部网络学院) with its 学时."""

    scope_field = "unit"

    code = models.CharField("课程编号", max_length=30, unique=True)
    name = models.CharField("课程名称", max_length=100)
    unit = models.ForeignKey("units.Unit", verbose_name="发布单位", on_delete=models.PROTECT,
                             related_name="online_courses")
    platform = models.CharField("学习平台", max_length=100, blank=True)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("100"))])

    class Meta:
        verbose_name = "网络课程"
        verbose_name_plural = "网络课程"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.hours}学时）"


class OnlineCompletion(Audited):
    """网络学习记录: a cadre completed an online course on a day; credited the course's 学时."""

    scope_field = "cadre__unit"

    course = models.ForeignKey(OnlineCourse, verbose_name="网络课程", on_delete=models.PROTECT,
                               related_name="completions")
    cadre = models.ForeignKey(Cadre, verbose_name="学员", on_delete=models.PROTECT, related_name="online_completions")
    completed_on = models.DateField("完成日期")
    credited_hours = models.DecimalField("计入学时", max_digits=4, decimal_places=1, editable=False)

    class Meta:
        permissions = [("import_onlinecompletion", "可导入网络学习记录"), ("export_onlinecompletion", "可导出网络学习记录")]
        verbose_name = "网络学习记录"
        verbose_name_plural = "网络学习记录"
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["cadre", "completed_on"], name="online_cadre_day_idx")]
        constraints = [
            models.UniqueConstraint(fields=["course", "cadre"], name="online_once_per_course",
                                    violation_error_message="该学员已完成过这门课程，学时只计一次。"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name}：{self.course.name}"

    def clean(self) -> None:
        if dates.after_today(self.completed_on):
            raise ValidationError({"completed_on": "完成日期不能晚于今天。"})
        if errors := working_age_errors(self, completed_on="完成日期"):
            raise ValidationError(errors)
