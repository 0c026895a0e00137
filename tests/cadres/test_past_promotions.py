"""A principal post of a higher 职务层次 than the cadre held before its 任职时间 is a
promotion whether or not it is still current: entered as a past post (现任 unticked), it
passes the rules a current one does — 凡提四必 (from ``VETTING_REQUIRED_FROM``, spending
the case), no 影响期 on the appointment day — and a county records no post above its
ceiling, past or current. On the 任职经历 page, the cadre page's posts table, the posts
sheet (a real file through the import engine) and the service. Back-filled history still
passes: before the start date, at or below the level held then, demotions, 非主职 posts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Cadre, Grade, Post, Rank
from cadres.resources import PostResource
from cadres.rules import NO_VETTING
from cadres.selection.selectors import promotions_of
from cadres.services import post_appoint
from cadres.supervision.models import VettingCase
from tests.clock import today
from tests.test_versioning import form_data

from .test_authority_given_by_department import COUNTY_RECORDS_NO_COUNTY_LEVEL
from .test_rules_on_every_path import (
    POSTS_HEAD,
    SYSTEM,
    admonish,
    change_url,
    cleared_vetting,
    influence_sentence,
    messages_of,
    page_text,
    run_sheet,
    serving,
)


def appointed() -> datetime.date:
    return today() - datetime.timedelta(days=9)


def removed() -> datetime.date:
    return today() - datetime.timedelta(days=2)


ALREADY_SPENT = "已用于提拔为「东关镇镇长」"


@pytest.fixture(autouse=True)
def vetting_from_last_year(settings: Any) -> None:
    settings.VETTING_REQUIRED_FROM = today() - datetime.timedelta(days=365)


def past_post(cadre: Cadre, *, rank: str = Rank.TOWNSHIP_CHIEF, title: str = "东关镇镇长",
              appointed_on: datetime.date | None = None, removed_on: datetime.date | None = None,
              is_principal: bool = True) -> Post:
    return Post(cadre=cadre, unit=cadre.unit, title=title, rank=rank, is_principal=is_principal, is_current=False,
                appointed_on=appointed_on or appointed(), removed_on=removed_on or removed())


def refusal(call: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict["rank"]


def page_post(client: Any, cadre: Cadre, *, rank: str = Rank.TOWNSHIP_CHIEF, title: str = "东关镇镇长") -> Any:
    return client.post(reverse("admin:cadres_post_add"), {
        "cadre": cadre.pk, "title": title, "rank": rank, "is_principal": "on",
        "appointed_on": f"{appointed():%Y.%m.%d}", "removed_on": f"{removed():%Y.%m.%d}",
    })


def table_post(client: Any, cadre: Cadre, *, rank: str = Rank.TOWNSHIP_CHIEF) -> Any:
    """On the cadre page: a past principal post added to the posts table."""
    data = form_data(client.get(change_url(cadre)))
    new = int(data["posts-TOTAL_FORMS"])
    data.update({"posts-TOTAL_FORMS": str(new + 1), f"posts-{new}-title": "东关镇镇长", f"posts-{new}-rank": rank,
                 f"posts-{new}-is_principal": "on", f"posts-{new}-appointed_on": f"{appointed():%Y.%m.%d}",
                 f"posts-{new}-removed_on": f"{removed():%Y.%m.%d}"})
    return client.post(change_url(cadre), data)


def sheet_row(cadre: Cadre, rank: str = "乡科级正职") -> list[Any]:
    return [cadre.id_number, "东关镇镇长", rank, "是", "否", f"{appointed():%Y-%m-%d}", f"{removed():%Y-%m-%d}"]


def only_the_current_post(cadre: Cadre) -> bool:
    cadre.refresh_from_db()
    return list(Post.objects.filter(cadre=cadre).values_list("title", flat=True)) == ["城关镇副镇长"] and (
        cadre.rank == Rank.TOWNSHIP_DEPUTY)


# ---------------------------------------------------------------- 凡提四必

def test_a_command_cannot_enter_a_past_promotion_without_a_cleared_vetting_case(make_cadre) -> None:
    cadre = serving(make_cadre)
    assert NO_VETTING in refusal(lambda: post_appoint(post=past_post(cadre), actor=SYSTEM))
    assert only_the_current_post(cadre)


def test_the_post_page_cannot_enter_a_past_promotion_without_a_cleared_vetting_case(make_cadre, county_a_clerk,
                                                                                   client_for) -> None:
    cadre = serving(make_cadre)
    response = page_post(client_for(county_a_clerk), cadre)
    assert response.status_code == 200 and NO_VETTING in page_text(response)
    assert only_the_current_post(cadre)


def test_the_posts_table_on_the_cadre_page_cannot_enter_a_past_promotion_without_a_cleared_vetting_case(
        make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    response = table_post(client_for(county_a_clerk), cadre)
    assert response.status_code == 200 and NO_VETTING in page_text(response)
    assert only_the_current_post(cadre)


def test_a_posts_sheet_cannot_enter_a_past_promotion_without_a_cleared_vetting_case(make_cadre, county_a_clerk,
                                                                                   tmp_path) -> None:
    cadre = serving(make_cadre)
    result = run_sheet(PostResource, county_a_clerk, POSTS_HEAD, [sheet_row(cadre)], tmp_path)
    assert not result.committed and NO_VETTING in messages_of(result)
    assert only_the_current_post(cadre)


def test_a_past_promotion_with_its_cleared_case_is_entered_and_spends_the_case(make_cadre) -> None:
    cadre = serving(make_cadre)
    cleared_vetting(cadre)
    post = post_appoint(post=past_post(cadre), actor=SYSTEM)
    assert [p.pk for p in promotions_of(cadre.pk)] == [post.pk]
    shown = refusal(lambda: post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF,
                                                   appointed_on=today()), actor=SYSTEM))
    assert ALREADY_SPENT in " ".join(shown)
    cadre.refresh_from_db()
    assert cadre.rank == Rank.TOWNSHIP_DEPUTY


# ---------------------------------------------------------------- 影响期

def test_a_command_cannot_enter_a_past_promotion_inside_an_influence_period(make_cadre) -> None:
    cadre = serving(make_cadre)
    cleared_vetting(cadre)
    record = admonish(cadre)
    assert influence_sentence(record) in refusal(lambda: post_appoint(post=past_post(cadre), actor=SYSTEM))
    assert only_the_current_post(cadre)


def test_the_post_page_cannot_enter_a_past_promotion_inside_an_influence_period(make_cadre, county_a_clerk,
                                                                               client_for) -> None:
    cadre = serving(make_cadre)
    cleared_vetting(cadre)
    record = admonish(cadre)
    response = page_post(client_for(county_a_clerk), cadre)
    assert response.status_code == 200 and influence_sentence(record) in page_text(response)
    assert only_the_current_post(cadre)


def test_the_posts_table_on_the_cadre_page_cannot_enter_a_past_promotion_inside_an_influence_period(
        make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    cleared_vetting(cadre)
    record = admonish(cadre)
    response = table_post(client_for(county_a_clerk), cadre)
    assert response.status_code == 200 and influence_sentence(record) in page_text(response)
    assert only_the_current_post(cadre)


def test_a_posts_sheet_cannot_enter_a_past_promotion_inside_an_influence_period(make_cadre, county_a_clerk,
                                                                               tmp_path) -> None:
    cadre = serving(make_cadre)
    cleared_vetting(cadre)
    record = admonish(cadre)
    result = run_sheet(PostResource, county_a_clerk, POSTS_HEAD, [sheet_row(cadre)], tmp_path)
    assert not result.committed and influence_sentence(record) in messages_of(result)
    assert only_the_current_post(cadre)


# ---------------------------------------------------------------- 管理权限: the county's ceiling

def test_a_county_clerk_cannot_enter_a_past_county_level_post_by_command(make_cadre, county_a_clerk) -> None:
    cadre = serving(make_cadre)
    shown = refusal(lambda: post_appoint(post=past_post(cadre, rank=Rank.COUNTY_DEPUTY, title="城关区副区长"),
                                         actor=county_a_clerk))
    assert shown == [COUNTY_RECORDS_NO_COUNTY_LEVEL]
    assert only_the_current_post(cadre)


def test_the_post_page_of_a_county_clerk_cannot_enter_a_past_county_level_post(make_cadre, county_a_clerk,
                                                                              client_for) -> None:
    cadre = serving(make_cadre)
    response = page_post(client_for(county_a_clerk), cadre, rank=Rank.COUNTY_DEPUTY, title="城关区副区长")
    assert response.status_code == 200 and COUNTY_RECORDS_NO_COUNTY_LEVEL in page_text(response)
    assert only_the_current_post(cadre)


def test_the_posts_table_of_a_county_clerk_cannot_enter_a_past_province_level_post(make_cadre, county_a_clerk,
                                                                                  client_for) -> None:
    cadre = serving(make_cadre)
    response = table_post(client_for(county_a_clerk), cadre, rank=Rank.PROVINCE_DEPUTY)
    assert response.status_code == 200
    assert "职务层次为「省部级副职」的干部由省委组织部管理" in page_text(response)
    assert only_the_current_post(cadre)


def test_a_posts_sheet_of_a_county_clerk_cannot_enter_a_past_county_level_post(make_cadre, county_a_clerk,
                                                                              tmp_path) -> None:
    cadre = serving(make_cadre)
    result = run_sheet(PostResource, county_a_clerk, POSTS_HEAD, [sheet_row(cadre, "县处级副职")], tmp_path)
    assert not result.committed and COUNTY_RECORDS_NO_COUNTY_LEVEL in messages_of(result)
    assert only_the_current_post(cadre)


def test_the_city_enters_a_past_county_level_post_before_the_start_date(make_cadre, city_officer, settings) -> None:
    settings.VETTING_REQUIRED_FROM = datetime.date(2026, 1, 1)
    cadre = serving(make_cadre)
    post = post_appoint(post=past_post(cadre, rank=Rank.COUNTY_DEPUTY, title="城关区副区长（挂职）",
                                       appointed_on=datetime.date(2021, 3, 1), removed_on=datetime.date(2022, 3, 1)),
                        actor=city_officer)
    assert not post.is_current and Cadre.objects.get(pk=cadre.pk).rank == Rank.TOWNSHIP_DEPUTY


# ---------------------------------------------------------------- history that is no promotion

def test_a_past_post_before_the_start_date_is_history_and_needs_no_vetting(make_cadre, county_a_clerk,
                                                                          settings) -> None:
    settings.VETTING_REQUIRED_FROM = datetime.date(2026, 1, 1)
    cadre = serving(make_cadre)
    post_appoint(post=past_post(cadre, appointed_on=datetime.date(2021, 3, 1), removed_on=datetime.date(2022, 3, 1)),
                 actor=county_a_clerk)
    assert Post.objects.filter(cadre=cadre).count() == 2


def test_a_past_post_at_the_level_held_then_is_no_promotion(make_cadre, county_a_clerk) -> None:
    cadre = serving(make_cadre)
    post_appoint(post=past_post(cadre, rank=Rank.TOWNSHIP_DEPUTY, title="东关镇副镇长"), actor=county_a_clerk)
    assert Post.objects.filter(cadre=cadre).count() == 2


def test_a_past_demotion_is_no_promotion(make_cadre, county_a_clerk) -> None:
    cadre = serving(make_cadre, rank=Rank.TOWNSHIP_CHIEF, grade=Grade.PRINCIPAL_CLERK_1)
    post_appoint(post=past_post(cadre, rank=Rank.TOWNSHIP_DEPUTY, title="东关镇副镇长"), actor=county_a_clerk)
    assert Post.objects.filter(cadre=cadre).count() == 2


def test_a_past_concurrent_post_of_a_higher_level_is_no_promotion(make_cadre, county_a_clerk) -> None:
    cadre = serving(make_cadre)
    post_appoint(post=past_post(cadre, title="东关镇镇长（兼）", is_principal=False), actor=county_a_clerk)
    assert Post.objects.filter(cadre=cadre).count() == 2


def test_a_past_promotion_followed_by_another_past_post_at_that_level_is_one_promotion(make_cadre) -> None:
    cadre = serving(make_cadre)
    cleared_vetting(cadre)
    first = post_appoint(post=past_post(cadre, appointed_on=appointed(), removed_on=appointed()), actor=SYSTEM)
    post_appoint(post=past_post(cadre, title="西关镇镇长", appointed_on=appointed() + datetime.timedelta(days=1)),
                 actor=SYSTEM)
    assert [p.pk for p in promotions_of(cadre.pk)] == [first.pk]


# ---------------------------------------------------------------- a past promotion before anything on file

def a_cadre_whose_only_post_came_after(make_cadre: Any) -> Cadre:
    """A 乡科级副职 whose one post on file began after the past post is to be entered."""
    return serving(make_cadre, since=today() - datetime.timedelta(days=1))


def test_a_past_promotion_before_any_post_on_file_is_measured_against_the_profile_and_spends_its_case(
        make_cadre) -> None:
    cadre = a_cadre_whose_only_post_came_after(make_cadre)
    assert NO_VETTING in refusal(lambda: post_appoint(post=past_post(cadre), actor=SYSTEM))
    cleared_vetting(cadre)
    post_appoint(post=past_post(cadre), actor=SYSTEM)
    assert VettingCase.objects.get(cadre=cadre).used_on == appointed()
    shown = refusal(lambda: post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF,
                                                   appointed_on=today()), actor=SYSTEM))
    assert ALREADY_SPENT in " ".join(shown)


def test_a_posts_sheet_spends_the_case_of_a_past_promotion_before_any_post_on_file(make_cadre, county_a_clerk,
                                                                                 tmp_path) -> None:
    cadre = a_cadre_whose_only_post_came_after(make_cadre)
    cleared_vetting(cadre)
    result = run_sheet(PostResource, county_a_clerk, POSTS_HEAD, [sheet_row(cadre)], tmp_path)
    assert result.committed, messages_of(result)
    case = VettingCase.objects.get(cadre=cadre)
    assert (case.used_on, case.used_for) == (appointed(), f"提拔为「东关镇镇长」（{appointed():%Y-%m-%d}任职）")
