"""Dates the paperwork cannot hold yet, or held before the person could: refused by the
model's own check, which the form, the sheet and the services all run."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from branches.models import Secretary
from cadres.models import Assessment, Cadre, Post
from cadres.supervision.models import HandlingRecord, HandlingType, PersonalMattersReport
from cadres.training.models import OnlineCompletion
from orgwork.rectification.models import Checklist
from tests.clock import today


def next_year() -> int:
    return today().year + 1


def later() -> datetime.date:
    return today() + datetime.timedelta(days=40)


def refusal(instance: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        instance.clean()  # type: ignore[attr-defined]
    return refused.value.message_dict


@pytest.mark.django_db  # the cadre's codes are looked up
def test_a_cadre_cannot_have_joined_the_party_or_started_work_after_today_or_joined_before_eighteen() -> None:
    cadre = Cadre(birth_month=datetime.date(1990, 5, 1), party_joined_on=datetime.date(next_year(), 1, 1),
                  work_started_on=datetime.date(next_year(), 1, 1))
    errors = refusal(cadre)
    assert errors["party_joined_on"] == ["入党时间不能晚于今天。"]
    assert errors["work_started_on"] == ["参加工作时间不能晚于今天。"]
    young = Cadre(birth_month=datetime.date(1990, 5, 1), party_joined_on=datetime.date(2008, 4, 1))
    assert "须年满18岁" in refusal(young)["party_joined_on"][0]
    young.party_joined_on = datetime.date(2008, 5, 1)  # eighteen that month
    assert "party_joined_on" not in _errors_or_none(young)


def _errors_or_none(instance: object) -> dict[str, list[str]]:
    try:
        instance.clean()  # type: ignore[attr-defined]
    except ValidationError as error:
        return error.message_dict
    return {}


def test_a_post_is_not_taken_up_or_left_after_today() -> None:
    errors = refusal(Post(appointed_on=datetime.date(next_year(), 1, 1), removed_on=datetime.date(next_year(), 2, 1)))
    assert errors == {"appointed_on": ["任职时间不能晚于今天。"], "removed_on": ["免职时间不能晚于今天。"]}


def test_an_assessment_is_not_for_a_year_after_this_one() -> None:
    assert refusal(Assessment(year=next_year(), grade="competent"))["year"] == [f"考核年度不能晚于今年（{today().year}年）。"]
    assert _errors_or_none(Assessment(year=today().year, grade="competent")) == {}


def test_a_personal_matters_report_is_not_for_a_later_year_nor_dated_after_today() -> None:
    errors = refusal(PersonalMattersReport(year=next_year(), submitted_on=later()))
    assert set(errors) == {"year", "submitted_on"}


def test_an_online_course_is_not_completed_after_today() -> None:
    assert refusal(OnlineCompletion(completed_on=later())) == {"completed_on": ["完成日期不能晚于今天。"]}


def test_a_letter_of_inquiry_is_not_answered_after_today() -> None:
    record = HandlingRecord(handling_type=HandlingType.LETTER_INQUIRY, decided_on=today(), inquiry_replied_on=later(),
                            inquiry_reply="已说明")
    assert refusal(record)["inquiry_replied_on"] == ["回复日期不能晚于今天。"]


def test_a_checklist_is_not_for_a_later_year_nor_issued_after_today() -> None:
    errors = refusal(Checklist(year=next_year(), document_date=later()))
    assert errors == {"year": [f"清单年度不能晚于今年（{today().year}年）。"], "document_date": ["印发日期不能晚于今天。"]}


def test_a_branch_secretary_is_an_adult() -> None:
    child = Secretary(birth_month=datetime.date(today().year - 11, 6, 1))
    assert "年满18岁" in refusal(child)["birth_month"][0]
    assert _errors_or_none(Secretary(birth_month=datetime.date(1975, 6, 1))) == {}
