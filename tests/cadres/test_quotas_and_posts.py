"""职数 and 任职经历."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cadres.models import Cadre, CadreStatus, PositionQuota, Post, Rank
from cadres.selectors import over_quota, quotas_with_occupancy
from cadres.services import post_appoint, post_remove

from orgwork.common.contract import SystemActor
from tests.samples.names import numbered

SYSTEM = SystemActor("tests")

DEPUTY, CHIEF = Rank.TOWNSHIP_DEPUTY, Rank.TOWNSHIP_CHIEF


def quota(unit, rank: str, approved: int) -> PositionQuota:  # type: ignore[no-untyped-def]
    return PositionQuota.objects.create(unit=unit, rank=rank, approved=approved)


def test_over_quota_counts_active_cadres_of_that_rank_in_that_unit(make_cadre, tree, province_officer) -> None:
    township, county_b = tree["township_a"], tree["county_b"]
    quota(township, DEPUTY, 2)
    quota(township, CHIEF, 1)
    quota(county_b, DEPUTY, 1)
    for i in range(3):
        make_cadre(township, name=numbered("副职", i, 2), rank=DEPUTY)
    make_cadre(township, name="退休者", rank=DEPUTY, status=CadreStatus.RETIRED)  # not counted
    make_cadre(township, name="正职", rank=CHIEF)
    make_cadre(county_b, name="七里河副职", rank=DEPUTY)
    make_cadre(tree["county_a"], name="上级单位的", rank=DEPUTY)  # another unit: not counted for the township
    rows = {(q.unit.code, q.rank): (q.approved, q.actual, q.over) for q in quotas_with_occupancy(province_officer)}
    assert rows == {
        ("620102001", DEPUTY): (2, 3, 1),
        ("620102001", CHIEF): (1, 1, 0),
        ("620103", DEPUTY): (1, 1, 0),
    }
    assert [(q.unit.code, q.rank, q.over) for q in over_quota(province_officer)] == [("620102001", DEPUTY, 1)]


def test_the_over_quota_list_is_scoped(make_cadre, tree, county_b_clerk) -> None:
    quota(tree["township_a"], DEPUTY, 0)
    make_cadre(tree["township_a"], rank=DEPUTY)
    assert over_quota(county_b_clerk).count() == 0


def test_a_quota_without_cadres_shows_zero_actual(tree, province_officer) -> None:
    quota(tree["county_b"], CHIEF, 2)
    (row,) = quotas_with_occupancy(province_officer)
    assert (row.actual, row.over) == (0, -2)


def appoint(cadre: Cadre, title: str, on: datetime.date, **extra) -> Post:  # type: ignore[no-untyped-def]
    return post_appoint(post=Post(cadre=cadre, title=title, rank=DEPUTY, appointed_on=on, **extra), actor=SYSTEM)


def test_a_new_principal_post_ends_the_previous_one_and_updates_the_profile(make_cadre) -> None:
    cadre = make_cadre()
    first = appoint(cadre, "城关镇副镇长", datetime.date(2019, 3, 1))
    second = appoint(cadre, "城关镇党委副书记", datetime.date(2022, 5, 1))
    first.refresh_from_db()
    assert (first.is_current, first.removed_on) == (False, datetime.date(2022, 5, 1))
    assert list(cadre.posts.values_list("title", flat=True)) == ["城关镇党委副书记", "城关镇副镇长"]  # history ordered
    cadre.refresh_from_db()
    assert (cadre.current_post, cadre.rank) == ("城关镇党委副书记", DEPUTY)
    assert second.is_current


def test_the_database_allows_only_one_current_principal_post(make_cadre) -> None:
    cadre = make_cadre()
    appoint(cadre, "副镇长", datetime.date(2019, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(cadre=cadre, title="另一个主职", appointed_on=datetime.date(2020, 1, 1))


def test_a_concurrent_post_may_be_held_beside_the_principal_one(make_cadre) -> None:
    cadre = make_cadre()
    appoint(cadre, "副镇长", datetime.date(2019, 3, 1))
    appoint(cadre, "武装部部长（兼）", datetime.date(2020, 3, 1), is_principal=False)
    assert cadre.posts.filter(is_current=True).count() == 2


def test_publicity_must_come_before_the_appointment(make_cadre) -> None:
    with pytest.raises(ValidationError) as caught:
        appoint(make_cadre(), "副镇长", datetime.date(2021, 3, 1),
                publicity_start=datetime.date(2021, 3, 5), publicity_end=datetime.date(2021, 3, 12))
    assert caught.value.message_dict["publicity_start"] == ["任前公示应在任职之前开始。"]


def test_removal_before_appointment_is_refused(make_cadre) -> None:
    post = appoint(make_cadre(), "副镇长", datetime.date(2021, 3, 1))
    with pytest.raises(ValidationError):
        post_remove(post=post, removed_on=datetime.date(2020, 1, 1), actor=SYSTEM)


def test_an_earlier_principal_post_cannot_replace_a_later_current_one(make_cadre) -> None:
    cadre = make_cadre()
    appoint(cadre, "副镇长", datetime.date(2021, 3, 1))
    with pytest.raises(ValidationError):
        appoint(cadre, "更早的职务", datetime.date(2020, 3, 1))
