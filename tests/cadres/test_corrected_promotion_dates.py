"""The 任职时间 of a current principal post that was a promotion, corrected later, is held
to what a promotion on that day must meet: no 影响期 then, not before the 免职时间 of the
principal post held before it, and not out of the year of a 新提拔干部评议 resting on it —
by the service, on the 任职经历 page and in the cadre page's posts table. (The posts sheet
finds a post by its 任职时间: a row with another date is another post, and cannot replace
the current one.)"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Cadre, Post, Rank
from cadres.selection.models import EvaluationKind, SelectionEvaluation
from cadres.selection.services import evaluation_save
from cadres.services import post_appoint
from tests.test_versioning import form_data

from .test_rules_on_every_path import SYSTEM, admonish, change_url, page_text, serving

D = datetime.date


@pytest.fixture(autouse=True)
def history_before_vetting(settings: Any) -> None:
    settings.VETTING_REQUIRED_FROM = D(2027, 1, 1)  # these promotions need no 凡提四必 case


@pytest.fixture
def promoted(make_cadre: Any) -> tuple[Cadre, Post]:
    """副镇长 since 2019, promoted 镇长 on 2025-10-01 (the 副镇长 post ended that day)."""
    cadre = serving(make_cadre)
    post = post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF,
                                  appointed_on=D(2025, 10, 1)), actor=SYSTEM)
    return cadre, Post.objects.get(pk=post.pk)


def moved(post: Post, day: D) -> list[str]:
    post.appointed_on = day
    with pytest.raises(ValidationError) as refused:
        post_appoint(post=post, actor=SYSTEM)
    return refused.value.message_dict["appointed_on"]


def admonished_in_2025(cadre: Cadre) -> None:
    """诫勉 on 2025-11-01: six months, to 2026-05-01."""
    record = admonish(cadre)
    record.decided_on = D(2025, 11, 1)
    from cadres.supervision.services import handling_record_save

    handling_record_save(record=record, actor=SYSTEM)


def evaluated_in_2025(cadre: Cadre) -> SelectionEvaluation:
    return evaluation_save(evaluation=SelectionEvaluation(
        unit=cadre.unit, year=2025, kind=EvaluationKind.CADRE, cadre=cadre, evaluated_on=D(2025, 12, 20),
        good=10, fairly_good=2, average=1, poor=0), actor=SYSTEM)


def test_the_service_refuses_to_move_a_promotion_into_an_influence_period(promoted) -> None:
    cadre, post = promoted
    admonished_in_2025(cadre)
    assert any("诫勉影响期内" in m for m in moved(post, D(2025, 12, 1)))
    assert Post.objects.get(pk=post.pk).appointed_on == D(2025, 10, 1)


def test_the_service_refuses_a_promotion_moved_before_the_previous_post_ended(promoted) -> None:
    _, post = promoted
    [message] = moved(post, D(2025, 9, 1))
    assert "早于此前所任主职务「城关镇副镇长」的免职时间 2025-10-01" in message
    post.appointed_on = D(2025, 10, 8)  # later, still within the year: corrected
    post_appoint(post=post, actor=SYSTEM)
    assert Post.objects.get(pk=post.pk).appointed_on == D(2025, 10, 8)


def test_the_service_refuses_to_move_a_promotion_out_of_the_year_of_its_evaluation(promoted) -> None:
    cadre, post = promoted
    evaluated_in_2025(cadre)
    [message] = moved(post, D(2026, 1, 5))
    assert "2025年度新提拔干部评议（评议日期 2025-12-20）以这次提拔为依据" in message
    assert Post.objects.get(pk=post.pk).appointed_on == D(2025, 10, 1)


def test_the_post_page_refuses_to_move_a_promotion_into_an_influence_period(promoted, county_a_clerk,
                                                                           client_for) -> None:
    cadre, post = promoted
    admonished_in_2025(cadre)
    client = client_for(county_a_clerk)
    url = reverse("admin:cadres_post_change", args=[post.pk])
    data = form_data(client.get(url))
    data["appointed_on"] = "2025.12.01"
    response = client.post(url, data)
    assert response.status_code == 200 and "诫勉影响期内" in page_text(response)
    assert Post.objects.get(pk=post.pk).appointed_on == D(2025, 10, 1)


def test_the_posts_table_refuses_a_promotion_moved_before_the_previous_post_ended_or_out_of_its_evaluation(
    promoted, county_a_clerk, client_for
) -> None:
    cadre, post = promoted
    evaluated_in_2025(cadre)
    client = client_for(county_a_clerk)
    for day, said in (("2025.09.01", "的免职时间 2025-10-01"), ("2026.01.05", "2025年度新提拔干部评议")):
        data = form_data(client.get(change_url(cadre)))
        index = next(k.split("-")[1] for k, v in data.items() if k.startswith("posts-") and k.endswith("-id")
                     and v == str(post.pk))
        data[f"posts-{index}-appointed_on"] = day
        response = client.post(change_url(cadre), data)
        assert response.status_code == 200 and said in page_text(response)
    assert Post.objects.get(pk=post.pk).appointed_on == D(2025, 10, 1)
