"""期满 is judged on a day that has come: ``talent_expire_terms --on`` a later day, like the
service asked for one, is refused and marks no one (a term still running would leave the
roster before it ends); an --on that is no date, or one before 1900, ends in a Chinese
``CommandError``, not a traceback. ``talent_apply_reviews`` takes no date: it carries out
each review on its own 考核日期, which is never after today."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from orgwork.audit.models import AuditAction, AuditLog
from talent import services
from talent.models import Enrollment, EnrollmentStatus

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


def ahead() -> datetime.date:
    return services.today() + datetime.timedelta(days=1)


def refusal(on: datetime.date) -> str:
    return (f"期满判断日期 {on.isoformat()} 晚于今天（{services.today().isoformat()}）：聘期期满按已经到来的日期判断，"
            "聘期尚未结束的人员不能提前标记为期满。")


def nobody_completed() -> None:
    assert not Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED).exists()
    assert not AuditLog.objects.filter(action=AuditAction.TRANSITION, message="聘期期满").exists()


def test_the_expiry_command_refuses_a_day_after_today_and_marks_no_one(leading, enroll) -> None:
    enroll(leading)  # 2024-01-01 to 2028-12-31: still running
    with pytest.raises(CommandError) as refused:
        call_command("talent_expire_terms", "--on", "2099-12-31", stdout=StringIO())
    assert str(refused.value) == refusal(datetime.date(2099, 12, 31))
    nobody_completed()


def test_the_expiry_command_refuses_tomorrow(leading, enroll) -> None:
    enroll(leading)
    with pytest.raises(CommandError, match="晚于今天"):
        call_command("talent_expire_terms", "--on", ahead().isoformat(), stdout=StringIO())
    nobody_completed()


@pytest.mark.parametrize(("typed", "message"), [
    ("2026-13-01", "--on 不是有效的日期：日期「2026-13-01」的月份「13」不存在，月份应为1到12。"),
    ("1850-01-01", "--on 不是有效的日期：日期「1850-01-01」的年份超出范围。"),
    ("明天", "--on 不是有效的日期：无法识别的日期「明天」，请写成 2026-03-15 或 2026年3月15日。"),
], ids=["month-13", "before-1900", "no-date"])
def test_the_expiry_command_refuses_an_on_that_is_no_date_in_chinese(leading, enroll, typed, message) -> None:
    enroll(leading)
    with pytest.raises(CommandError) as refused:
        call_command("talent_expire_terms", "--on", typed, stdout=StringIO())
    assert str(refused.value) == message
    nobody_completed()


def test_the_expiry_service_refuses_a_day_after_today(leading, enroll) -> None:
    enroll(leading)
    with pytest.raises(ValidationError) as refused:
        services.enrollments_expire_terms(on=ahead(), actor=SYSTEM)
    assert refused.value.messages == [refusal(ahead())]
    nobody_completed()


def test_completing_one_term_on_a_day_after_today_is_refused(leading, enroll) -> None:
    enrollment = enroll(leading)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_complete_term(enrollment=enrollment, on=datetime.date(2099, 12, 31), actor=SYSTEM)
    assert refused.value.messages == [refusal(datetime.date(2099, 12, 31))]
    nobody_completed()
