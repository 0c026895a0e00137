"""奖惩情况 and 学历学位 are dated as the cadre's other records are: no day still to come,
and none before the cadre could hold it (a 奖惩 before 16, the age 参加工作时间 is held to;
a course before school age, 6). On the rows of the cadre's page, the only path that
writes them (no sheet carries them); a date on record before the rule is left alone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Cadre, Education, Post, Rank, RewardPunishment
from tests.test_versioning import form_data

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def cadre(make_cadre: Any) -> Cadre:
    """Born June 1975: 16 in June 1991, 6 in June 1981."""
    cadre = make_cadre(name="张建华", birth=D(1975, 6, 15))
    Post.objects.create(cadre=cadre, unit=cadre.unit, title="副镇长", rank=Rank.TOWNSHIP_DEPUTY,
                        is_principal=True, is_current=True, appointed_on=D(2019, 3, 1))
    return cadre


def change_url(cadre: Cadre) -> str:
    return reverse("admin:cadres_cadre_change", args=[cadre.pk])


def page_with(client: Any, cadre: Cadre, prefix: str, row: dict[str, str]) -> Any:
    data = form_data(client.get(change_url(cadre)))
    data[f"{prefix}-TOTAL_FORMS"] = str(int(data[f"{prefix}-TOTAL_FORMS"]) + 1)
    index = int(data[f"{prefix}-INITIAL_FORMS"])
    data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return client.post(change_url(cadre), data)


def row_errors(response: Any, prefix: str) -> dict[str, list[str]]:
    formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == prefix)
    return {name: list(errors) for form in formset.forms for name, errors in form.errors.items()}


# ---------------------------------------------------------------- 奖惩情况


def test_a_reward_cannot_be_approved_before_the_cadre_turned_sixteen(cadre) -> None:
    reward = RewardPunishment(cadre=cadre, kind="reward", title="嘉奖", decided_on=D(1950, 1, 1))
    with pytest.raises(ValidationError) as refused:
        reward.full_clean()
    assert refused.value.message_dict["decided_on"] == [
        "批准日期不能早于该干部年满16周岁（出生年月1975.06，1991年6月年满）：请核对。"]


def test_a_reward_cannot_be_approved_after_today(cadre) -> None:
    reward = RewardPunishment(cadre=cadre, kind="reward", title="嘉奖", decided_on=D(2099, 1, 1))
    with pytest.raises(ValidationError) as refused:
        reward.full_clean()
    assert refused.value.message_dict["decided_on"] == ["批准日期不能晚于今天。"]


def test_the_rewards_table_on_the_cadres_page_refuses_a_date_before_birth_or_to_come(
        cadre, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    for day, message in (("1950-01-01", "不能早于该干部年满16周岁"), ("2099-01-01", "批准日期不能晚于今天。")):
        response = page_with(client, cadre, "rewards", {"kind": "reward", "title": "嘉奖", "decided_on": day})
        assert response.status_code == 200
        assert message in row_errors(response, "rewards")["decided_on"][0]
    assert not RewardPunishment.objects.filter(cadre=cadre).exists()
    response = page_with(client, cadre, "rewards", {"kind": "reward", "title": "嘉奖", "decided_on": "2020-05-01"})
    assert response.status_code == 302
    assert RewardPunishment.objects.get(cadre=cadre).decided_on == D(2020, 5, 1)


def test_a_reward_dated_before_the_rule_does_not_stop_the_cadres_page_saving(cadre, county_a_clerk,
                                                                               client_for) -> None:
    stored = RewardPunishment.objects.create(cadre=cadre, kind="reward", title="嘉奖", decided_on=D(2099, 1, 1))
    client = client_for(county_a_clerk)
    data = form_data(client.get(change_url(cadre)))
    data["rewards-0-approving_body"] = "城关区委"
    response = client.post(change_url(cadre), data)
    assert response.status_code == 302
    stored.refresh_from_db()
    assert (stored.decided_on, stored.approving_body) == (D(2099, 1, 1), "城关区委")


# ---------------------------------------------------------------- 学历学位


def test_a_course_cannot_begin_before_the_cadre_was_six(cadre) -> None:
    course = Education(cadre=cadre, school="兰州大学", entered_on=D(1965, 9, 1), graduated_on=D(1969, 7, 1))
    with pytest.raises(ValidationError) as refused:
        course.full_clean()
    assert refused.value.message_dict["entered_on"] == [
        "入学时间不能早于该干部年满6周岁（出生年月1975.06，1981年6月年满）：请核对。"]


def test_a_course_cannot_begin_or_end_after_today(cadre) -> None:
    course = Education(cadre=cadre, school="兰州大学", entered_on=D(2027, 9, 1), graduated_on=D(2030, 7, 1))
    with pytest.raises(ValidationError) as refused:
        course.full_clean()
    assert refused.value.message_dict == {"entered_on": ["入学时间不能晚于今天。"],
                                          "graduated_on": ["毕业时间不能晚于今天。"]}


def test_a_course_still_cannot_end_before_it_began(cadre) -> None:
    course = Education(cadre=cadre, school="兰州大学", entered_on=D(1997, 9, 1), graduated_on=D(1995, 7, 1))
    with pytest.raises(ValidationError) as refused:
        course.full_clean()
    assert refused.value.message_dict == {"graduated_on": ["毕业时间不能早于入学时间。"]}


def test_the_education_table_on_the_cadres_page_refuses_a_course_before_birth_or_to_come(
        cadre, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    before_birth = page_with(client, cadre, "educations", {"kind": "fulltime", "school": "兰州大学",
                                                           "entered_on": "1965-09-01", "graduated_on": "1969-07-01"})
    assert before_birth.status_code == 200
    assert "不能早于该干部年满6周岁" in row_errors(before_birth, "educations")["entered_on"][0]
    to_come = page_with(client, cadre, "educations", {"kind": "fulltime", "school": "兰州大学",
                                                      "entered_on": "2027-09-01", "graduated_on": "2030-07-01"})
    assert row_errors(to_come, "educations") == {"entered_on": ["入学时间不能晚于今天。"],
                                                  "graduated_on": ["毕业时间不能晚于今天。"]}
    assert not Education.objects.filter(cadre=cadre).exists()
    fine = page_with(client, cadre, "educations", {"kind": "fulltime", "school": "兰州大学",
                                                   "entered_on": "1993-09-01", "graduated_on": "1997-07-01"})
    assert fine.status_code == 302
    assert Education.objects.get(cadre=cadre).entered_on == D(1993, 9, 1)


def test_a_course_dated_before_the_rule_does_not_stop_the_cadres_page_saving(cadre, county_a_clerk,
                                                                               client_for) -> None:
    stored = Education.objects.create(cadre=cadre, school="兰州大学", entered_on=D(1965, 9, 1),
                                      graduated_on=D(2030, 7, 1))
    client = client_for(county_a_clerk)
    data = form_data(client.get(change_url(cadre)))
    data["educations-0-major"] = "汉语言文学"
    response = client.post(change_url(cadre), data)
    assert response.status_code == 302
    stored.refresh_from_db()
    assert (stored.entered_on, stored.graduated_on, stored.major) == (D(1965, 9, 1), D(2030, 7, 1), "汉语言文学")
