"""教育培训 rules on the service path (the one every other path calls)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from cadres.models import Rank
from cadres.training.models import AttendanceStatus, ClassAttendance, ClassStatus, TrainingMinimum
from cadres.training.selectors import hours_of
from cadres.training.services import training_class_close, training_class_save, training_minimum_save
from orgwork.audit.models import AuditLog

from .training_helpers import START, SYSTEM, YEAR, attend, attend_all_days, class_in, complete, county_cadre, course_in

pytestmark = pytest.mark.django_db


def trail(obj) -> int:
    return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)),
                                   object_id=str(obj.pk)).count()


def test_only_the_days_attended_are_credited_at_the_class_hours_per_day(tree) -> None:
    cadre = county_cadre(tree["county_a"])
    week = class_in(tree["county_a"], days=5, hours="40")
    attend(week, cadre, START, AttendanceStatus.ATTENDED)
    attend(week, cadre, START + datetime.timedelta(days=1), AttendanceStatus.LEAVE)
    attend(week, cadre, START + datetime.timedelta(days=2), AttendanceStatus.ABSENT)
    attend(week, cadre, START + datetime.timedelta(days=3), AttendanceStatus.ATTENDED)
    credited = list(ClassAttendance.objects.filter(cadre=cadre).order_by("day").values_list("credited_hours", flat=True))
    assert credited == [Decimal("8"), 0, 0, Decimal("8")]
    assert hours_of(cadre, YEAR)["class_hours"] == Decimal("16")


def test_full_attendance_is_credited_exactly_the_class_hours_however_they_divide(tree) -> None:
    cadre = county_cadre(tree["county_a"])
    attend_all_days(class_in(tree["county_a"], days=3, hours="10"), cadre)
    credited = list(ClassAttendance.objects.order_by("day").values_list("credited_hours", flat=True))
    assert credited == [Decimal("3.3"), Decimal("3.4"), Decimal("3.3")]
    assert hours_of(cadre, YEAR)["class_hours"] == Decimal("10")


def test_an_attendance_outside_the_class_dates_is_refused(tree) -> None:
    week = class_in(tree["county_a"], days=5)
    with pytest.raises(ValidationError) as refused:
        attend(week, county_cadre(tree["county_a"]), START - datetime.timedelta(days=1))
    assert "考勤日期须在培训班日期之内（2026-03-02 至 2026-03-06）" in refused.value.message_dict["day"][0]
    assert not ClassAttendance.objects.exists()


def test_the_same_trainee_twice_on_one_day_of_a_class_is_refused(tree) -> None:
    cadre = county_cadre(tree["county_a"])
    week = class_in(tree["county_a"])
    attend(week, cadre)
    with pytest.raises(ValidationError) as refused:
        attend(week, cadre, status=AttendanceStatus.LEAVE)
    assert "不能重复登记" in str(refused.value)
    assert ClassAttendance.objects.count() == 1


def test_a_county_clerk_cannot_put_another_countys_cadre_on_the_roster(tree, county_a_clerk) -> None:
    week = class_in(tree["county_a"])
    with pytest.raises(ValidationError) as refused:
        attend(week, county_cadre(tree["county_b"]), actor=county_a_clerk)
    assert refused.value.message_dict["cadre"] == ["该干部不存在或不在您的管辖范围内。"]


def test_a_closed_class_keeps_its_roster_as_it_was(tree) -> None:
    cadre = county_cadre(tree["county_a"])
    week = class_in(tree["county_a"])
    attend(week, cadre)
    training_class_close(training_class=week, closed_on=week.ends_on, actor=SYSTEM)
    with pytest.raises(ValidationError) as refused:
        attend(week, cadre, START + datetime.timedelta(days=1))
    assert "已结业，学员名单和考勤不能再修改" in str(refused.value)


def test_a_class_closes_only_after_its_last_day_and_with_a_roster(tree) -> None:
    week = class_in(tree["county_a"])
    with pytest.raises(ValidationError, match="尚未登记学员考勤"):
        training_class_close(training_class=week, closed_on=week.ends_on, actor=SYSTEM)
    attend(week, county_cadre(tree["county_a"]))
    with pytest.raises(ValidationError, match="不能早于培训班结业日期"):
        training_class_close(training_class=week, closed_on=week.ends_on - datetime.timedelta(days=1), actor=SYSTEM)
    before = trail(week)
    training_class_close(training_class=week, closed_on=week.ends_on, actor=SYSTEM)
    week.refresh_from_db()
    assert (week.status, week.closed_on, trail(week)) == (ClassStatus.CLOSED, week.ends_on, before + 1)


def test_a_class_with_a_roster_keeps_its_dates_and_hours(tree) -> None:
    week = class_in(tree["county_a"])
    attend(week, county_cadre(tree["county_a"]))
    week.hours = Decimal("60")
    with pytest.raises(ValidationError) as refused:
        training_class_save(training_class=week, actor=SYSTEM)
    assert "已登记学员考勤，学时不能再修改" in refused.value.message_dict["hours"][0]
    week.hours, week.place = Decimal("40"), "市委党校"
    training_class_save(training_class=week, actor=SYSTEM)  # the place may still be corrected


def test_online_hours_are_the_courses_counted_once_and_kept_apart_from_class_hours(tree) -> None:
    cadre = county_cadre(tree["county_a"])
    attend_all_days(class_in(tree["county_a"], days=5, hours="40"), cadre)
    course = course_in(tree["county_a"], hours="12.5")
    complete(course, cadre)
    with pytest.raises(ValidationError, match="学时只计一次"):
        complete(course, cadre, START + datetime.timedelta(days=30))
    assert hours_of(cadre, YEAR) == {"class_hours": Decimal("40"), "online_hours": Decimal("12.5"),
                                     "total_hours": Decimal("52.5"), "required_hours": 110}


def test_hours_count_in_the_year_of_the_day_attended(tree) -> None:
    cadre = county_cadre(tree["county_a"])
    new_year = class_in(tree["county_a"], days=4, hours="32", start=datetime.date(2025, 12, 30))
    attend_all_days(new_year, cadre)
    assert (hours_of(cadre, 2025)["class_hours"], hours_of(cadre, 2026)["class_hours"]) == (16, 16)


def test_only_the_provinces_staff_change_the_yearly_minimum_and_each_change_is_audited(
        tree, province_officer, county_a_clerk) -> None:
    minimum = TrainingMinimum.objects.get(rank=Rank.COUNTY_CHIEF)
    assert minimum.hours == 110 and "550学时" in minimum.basis
    minimum.hours = 120
    with pytest.raises(ValidationError, match="由省级组织部门统一设定"):
        training_minimum_save(minimum=minimum, actor=county_a_clerk)
    minimum = TrainingMinimum.objects.get(rank=Rank.COUNTY_CHIEF)
    minimum.hours = 120
    training_minimum_save(minimum=minimum, actor=province_officer)
    entry = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(TrainingMinimum),
                                    object_id=str(minimum.pk)).get()
    assert entry.changes["hours"] == [110, 120] and entry.actor == province_officer


def test_a_change_without_an_actor_is_refused(tree) -> None:
    week = class_in(tree["county_a"])
    with pytest.raises(ValidationError, match="未指明操作人"):
        attend(week, county_cadre(tree["county_a"]), actor=None)
