"""Term reviews (聘期考核) and their consequences: 优秀 → reward, 不合格 → exit."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from talent import services

from .conftest import SYSTEM
from talent.models import EnrollmentStatus, ExitReason, ReviewGrade, Reward, TermReview

pytestmark = pytest.mark.django_db
REVIEW_DAY = datetime.date(2026, 12, 1)


def review(enrollment, grade, year=2026, on=REVIEW_DAY):
    return services.term_review_record(enrollment=enrollment, review_year=year, grade=grade, reviewed_on=on, actor=SYSTEM)


def test_an_excellent_review_creates_the_programmes_reward(leading, enroll) -> None:
    enrollment = enroll(leading)
    result = review(enrollment, ReviewGrade.EXCELLENT)
    reward = Reward.objects.get(review=result)
    assert (reward.enrollment, reward.amount, reward.awarded_on) == (enrollment, Decimal("200000"), REVIEW_DAY)


def test_recording_the_same_excellent_review_twice_rewards_once(leading, enroll) -> None:
    enrollment = enroll(leading)
    first = review(enrollment, ReviewGrade.EXCELLENT)
    again = review(enrollment, ReviewGrade.EXCELLENT)
    assert first.pk == again.pk
    assert Reward.objects.count() == 1 and TermReview.objects.count() == 1


def test_an_excellent_review_in_a_programme_without_a_reward_pays_nothing(top_leading, enroll) -> None:
    review(enroll(top_leading), ReviewGrade.EXCELLENT)
    assert not Reward.objects.exists()


def test_an_unqualified_review_starts_the_exit(leading, enroll) -> None:
    enrollment = enroll(leading)
    review(enrollment, ReviewGrade.UNQUALIFIED)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.EXITED
    assert (enrollment.exit_reason, enrollment.exit_date) == (ExitReason.FAILED_REVIEW, REVIEW_DAY)
    assert not Reward.objects.exists()


def test_a_qualified_review_changes_nothing_else(leading, enroll) -> None:
    enrollment = enroll(leading)
    review(enrollment, ReviewGrade.QUALIFIED)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE and not Reward.objects.exists()


def test_a_recorded_grade_cannot_be_changed_afterwards(leading, enroll) -> None:
    enrollment = enroll(leading)
    review(enrollment, ReviewGrade.EXCELLENT)
    with pytest.raises(ValidationError, match="已登记为「优秀」"):
        review(enrollment, ReviewGrade.UNQUALIFIED)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_an_exited_enrollee_is_not_reviewed_again(leading, enroll) -> None:
    enrollment = enroll(leading)
    review(enrollment, ReviewGrade.UNQUALIFIED, year=2025, on=datetime.date(2025, 12, 1))
    with pytest.raises(ValidationError, match="已退出，不再进行聘期考核"):
        review(enrollment, ReviewGrade.QUALIFIED, year=2026)


def test_reviews_written_in_bulk_get_their_consequences_once(leading, enroll) -> None:
    excellent, failed = enroll(leading), enroll(leading)
    for enrollment, grade in ((excellent, ReviewGrade.EXCELLENT), (failed, ReviewGrade.UNQUALIFIED)):
        TermReview.objects.create(enrollment=enrollment, person=enrollment.person, programme=leading,
                                  review_year=2026, grade=grade, reviewed_on=REVIEW_DAY)
    call_command("talent_apply_reviews", stdout=(out := StringIO()))
    assert "2 条" in out.getvalue()
    failed.refresh_from_db()
    assert failed.status == EnrollmentStatus.EXITED
    assert Reward.objects.get().enrollment == excellent
    call_command("talent_apply_reviews", stdout=(again := StringIO()))
    assert "0 条" in again.getvalue() and Reward.objects.count() == 1
