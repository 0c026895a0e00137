"""干部基本信息: the ID number and the profile must tell the same story."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cadres.models import Cadre, Gender
from cadres.services import cadre_save
from seeds.demo.cadres import make_id_number

from orgwork.common.contract import SystemActor

SYSTEM = SystemActor("tests")

GOOD = make_id_number("620102", datetime.date(1975, 6, 15), 13)  # odd sequence: a man


def profile(unit, **overrides):  # type: ignore[no-untyped-def]
    values = dict(name="张建华", gender=Gender.MALE, birth_month=datetime.date(1975, 6, 1), id_number=GOOD, unit=unit)
    values.update(overrides)
    return Cadre(**values)


def errors_of(cadre: Cadre) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        cadre_save(cadre=cadre, actor=SYSTEM)
    return caught.value.message_dict


def test_a_consistent_profile_is_saved_with_its_pinyin_keys(tree) -> None:
    cadre = cadre_save(cadre=profile(tree["county_a"], name="曾建华"), actor=SYSTEM)
    assert (cadre.name_pinyin, cadre.name_initials) == ("zengjianhua", "zjh")
    assert Cadre.objects.get(pk=cadre.pk).id_number == GOOD


def test_a_wrong_check_digit_is_refused(tree) -> None:
    wrong = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")
    assert "校验位" in errors_of(profile(tree["county_a"], id_number=wrong))["id_number"][0]


def test_a_birth_month_that_differs_from_the_id_number_is_refused(tree) -> None:
    errors = errors_of(profile(tree["county_a"], birth_month=datetime.date(1975, 7, 1)))
    assert errors["birth_month"] == ["出生年月与身份证号不一致：身份证号中为 1975.06。"]


def test_a_gender_that_differs_from_the_id_number_is_refused(tree) -> None:
    errors = errors_of(profile(tree["county_a"], gender=Gender.FEMALE))
    assert "性别与身份证号不一致" in errors["gender"][0]


def test_a_fifteen_digit_number_is_refused_with_a_hint(tree) -> None:
    errors = errors_of(profile(tree["county_a"], id_number="620102750615013"))
    assert errors["id_number"] == ["这是15位旧身份证号，请填写18位身份证号。"]


def test_a_lower_case_x_is_stored_upper_case(tree) -> None:
    # Find a number for this person whose check character is X.
    number = next(n for n in (make_id_number("620102", datetime.date(1975, 6, 15), s) for s in range(1, 999, 2))
                  if n.endswith("X"))
    cadre = cadre_save(cadre=profile(tree["county_a"], id_number=number.lower()), actor=SYSTEM)
    assert cadre.id_number == number


def test_the_same_id_number_cannot_be_registered_twice(tree) -> None:
    cadre_save(cadre=profile(tree["county_a"]), actor=SYSTEM)
    assert errors_of(profile(tree["county_b"], name="李四"))["id_number"] == ["该身份证号的干部已存在。"]


def test_an_alias_becomes_the_canonical_code_name(tree) -> None:
    cadre = cadre_save(cadre=profile(tree["county_a"], ethnicity="回", fulltime_education="本科", political_status="党员"), actor=SYSTEM)
    assert (cadre.ethnicity, cadre.fulltime_education, cadre.political_status) == ("回族", "大学", "中共党员")


def test_an_unknown_ethnicity_is_refused_with_the_choices(tree) -> None:
    assert "不在代码表中" in errors_of(profile(tree["county_a"], ethnicity="火星族"))["ethnicity"][0]


def test_women_minority_and_non_party_flags_are_derived_in_the_database(tree) -> None:
    woman = make_id_number("620102", datetime.date(1980, 3, 2), 24)
    cadre = cadre_save(cadre=profile(tree["county_a"], id_number=woman, gender=Gender.FEMALE,
                                     birth_month=datetime.date(1980, 3, 1), ethnicity="藏族", political_status="群众"), actor=SYSTEM)
    stored = Cadre.objects.get(pk=cadre.pk)
    assert (stored.is_woman, stored.is_minority, stored.is_non_party) == (True, True, True)
    han_man = cadre_save(cadre=profile(tree["county_a"]), actor=SYSTEM)
    assert Cadre.objects.filter(pk=han_man.pk, is_woman=False, is_minority=False, is_non_party=False).exists()


def test_the_database_refuses_a_gender_that_is_not_a_standard_code(tree) -> None:
    cadre = cadre_save(cadre=profile(tree["county_a"]), actor=SYSTEM)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cadre.objects.filter(pk=cadre.pk).update(gender="M")


def test_saving_an_existing_cadre_moves_its_version_on(tree) -> None:
    cadre = cadre_save(cadre=profile(tree["county_a"]), actor=SYSTEM)
    cadre.current_post = "城关区发展和改革局局长"
    cadre_save(cadre=cadre, actor=SYSTEM)
    assert Cadre.objects.get(pk=cadre.pk).version == 2


# ---- 三龄: ages that cannot be a serving cadre's

def test_work_started_before_the_sixteenth_birthday_is_refused(tree) -> None:
    errors = errors_of(profile(tree["county_a"], work_started_on=datetime.date(1991, 5, 1)))
    assert errors["work_started_on"] == ["参加工作时须年满16周岁：参加工作时间与出生年月相差不足16年，请核对。"]


def test_work_started_in_the_month_of_the_sixteenth_birthday_is_accepted(tree) -> None:
    assert cadre_save(cadre=profile(tree["county_a"], work_started_on=datetime.date(1991, 6, 1)), actor=SYSTEM).pk


def test_a_serving_cadre_under_eighteen_is_refused(tree) -> None:
    born = datetime.date.today().replace(day=1, year=datetime.date.today().year - 17)
    number = make_id_number("620102", born, 13)
    errors = errors_of(profile(tree["county_a"], birth_month=born, id_number=number))
    assert errors["birth_month"] == ["在职干部须年满18周岁：按出生年月现年17岁，请核对。"]


def test_a_serving_cadre_past_seventy_is_refused_and_the_same_person_retired_is_kept(tree) -> None:
    born = datetime.date(1940, 3, 1)
    number = make_id_number("620102", datetime.date(1940, 3, 1), 13)
    errors = errors_of(profile(tree["county_a"], birth_month=born, id_number=number))
    age = Cadre(birth_month=born).age_on(datetime.date.today())
    assert errors["birth_month"] == [f"按出生年月现年{age}岁，在职干部不应超过70周岁：请核对出生年月；已离开工作岗位的，干部状态应为退休。"]
    retired = cadre_save(cadre=profile(tree["county_a"], birth_month=born, id_number=number, status="retired"),
                         actor=SYSTEM)
    assert Cadre.objects.get(pk=retired.pk).status == "retired"
