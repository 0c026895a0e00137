"""A term review's 考核日期 is fixed once it is recorded, as its 等次 is: its reward or exit
was carried out on that date, and a review re-dated after them would have them precede
it. The review's page shows the date read only; the review sheet and the record itself
refuse a changed one, naming the date recorded."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from talent import services
from talent.models import Enrollment, ReviewGrade, Reward, TermReview
from talent.resources import TermReviewResource

from .conftest import SYSTEM
from .test_imports import errors_of, run

pytestmark = pytest.mark.django_db
D = datetime.date
FIXED = "2025年聘期考核已于 2025-12-20 登记，考核日期不能更改：考核结果（优秀的奖励、不合格的退出）已按该日期执行。"


def reviewed(enroll: Any, leading: Any, grade: str) -> TermReview:
    """A 2024 enrollee of 领军人才 reviewed for 2025 on 2025-12-20, the consequence carried out."""
    return services.term_review_record(enrollment=enroll(leading), review_year=2025, grade=grade,
                                       reviewed_on=D(2025, 12, 20), actor=SYSTEM)


def sheet(tmp_path: Path, reviews: list[TermReview], on: str, user: Any, comment: str = "更正考核日期") -> Any:
    head = ["身份证号", "人才计划", "考核年度", "考核等次", "考核日期", "考核意见"]
    rows = [[r.person.id_number, r.programme.name, r.review_year, r.get_grade_display(), on, comment] for r in reviews]
    return run(tmp_path, [head, *rows], TermReviewResource, user)


def test_the_record_itself_refuses_a_changed_review_date(leading, enroll) -> None:
    review = TermReview.objects.get(pk=reviewed(enroll, leading, ReviewGrade.QUALIFIED).pk)
    review.reviewed_on = D(2026, 3, 10)
    with pytest.raises(ValidationError) as refused:
        review.full_clean()
    assert refused.value.message_dict == {"reviewed_on": [FIXED]}


def test_the_review_sheet_refuses_to_re_date_reviews_whose_reward_and_exit_were_carried_out(
        tmp_path: Path, leading, enroll, county_a_clerk) -> None:
    excellent = reviewed(enroll, leading, ReviewGrade.EXCELLENT)
    unqualified = reviewed(enroll, leading, ReviewGrade.UNQUALIFIED)
    result = sheet(tmp_path, [excellent, unqualified], "2026-03-10", county_a_clerk)
    assert not result.committed
    assert errors_of(result) == [(2, "考核日期", FIXED), (3, "考核日期", FIXED)]
    assert set(TermReview.objects.values_list("reviewed_on", flat=True)) == {D(2025, 12, 20)}
    assert Reward.objects.get(review=excellent).awarded_on == D(2025, 12, 20)
    assert Enrollment.objects.get(pk=unqualified.enrollment_id).exit_date == D(2025, 12, 20)


def test_the_review_sheet_still_corrects_the_comment_of_a_recorded_review(tmp_path: Path, leading, enroll,
                                                                         county_a_clerk) -> None:
    review = reviewed(enroll, leading, ReviewGrade.QUALIFIED)
    result = sheet(tmp_path, [review], "2025-12-20", county_a_clerk, comment="完成年度目标任务")
    assert (result.committed, result.errors) == (True, [])
    review.refresh_from_db()
    assert (review.reviewed_on, review.comment) == (D(2025, 12, 20), "完成年度目标任务")
