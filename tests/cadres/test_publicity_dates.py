"""任前公示 comes before taking office: it ends on or before the 任职时间 (never in the
future for an appointment made), and an end has its start. On the 任职经历 page, the posts
sheet (a real file through the import engine) and the service; a stored row whose
publicity predates the rule is still corrected as before."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Post, Rank
from cadres.resources import PostResource
from cadres.services import post_appoint
from tests.clock import today

from .test_rules_on_every_path import SYSTEM, messages_of, page_text, run_sheet, serving


def appointed() -> datetime.date:
    return today() - datetime.timedelta(days=16)


def ends_after_message() -> str:
    return (f"任前公示应在任职之前结束：公示结束日期（{appointed() + datetime.timedelta(days=5):%Y-%m-%d}）"
            f"不能晚于任职时间（{appointed():%Y-%m-%d}）。")


IN_FUTURE = "任前公示结束日期不能晚于今天：任前公示在任职之前结束。"
NO_START = "填写了任前公示结束日期的，须同时填写任前公示开始日期。"
HEAD = ["身份证号", "职务名称", "职务层次", "是否主职", "是否现任", "任职时间", "免职时间", "任前公示开始", "任前公示结束"]


def past(cadre: Any, *, start: datetime.date | None, end: datetime.date | None) -> Post:
    return Post(cadre=cadre, title="东关镇副镇长", rank=Rank.TOWNSHIP_DEPUTY, is_current=False, appointed_on=appointed(),
                removed_on=today(), publicity_start=start, publicity_end=end)


def refused(post: Post) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        post_appoint(post=post, actor=SYSTEM)
    return caught.value.message_dict


CASES = ("ends_after", "in_future", "no_start")


def publicity_case(name: str) -> tuple[datetime.date | None, datetime.date, str, str]:
    """The 任前公示 start and end of the case ``name``, the field refused and its message."""
    return {
        "ends_after": (appointed() - datetime.timedelta(days=10), appointed() + datetime.timedelta(days=5), "publicity_end",
                       ends_after_message()),
        "in_future": (appointed() - datetime.timedelta(days=10), today() + datetime.timedelta(days=3), "publicity_end",
                      IN_FUTURE),
        "no_start": (None, appointed() - datetime.timedelta(days=3), "publicity_start", NO_START),
    }[name]


@pytest.mark.parametrize("case", CASES)
def test_the_service_refuses_a_publicity_that_does_not_end_before_taking_office(make_cadre, case) -> None:
    start, end, field, message = publicity_case(case)
    cadre = serving(make_cadre)
    assert refused(past(cadre, start=start, end=end))[field] == [message]
    assert Post.objects.filter(cadre=cadre).count() == 1


@pytest.mark.parametrize("case", CASES)
def test_the_post_page_refuses_a_publicity_that_does_not_end_before_taking_office(make_cadre, county_a_clerk,
                                                                                 client_for, case) -> None:
    start, end, field, message = publicity_case(case)
    cadre = serving(make_cadre)
    response = client_for(county_a_clerk).post(reverse("admin:cadres_post_add"), {
        "cadre": cadre.pk, "title": "东关镇副镇长", "rank": Rank.TOWNSHIP_DEPUTY, "is_principal": "on",
        "appointed_on": f"{appointed():%Y-%m-%d}", "removed_on": f"{today():%Y-%m-%d}",
        "publicity_start": f"{start:%Y-%m-%d}" if start else "", "publicity_end": f"{end:%Y-%m-%d}"})
    assert response.status_code == 200 and message in page_text(response)
    assert Post.objects.filter(cadre=cadre).count() == 1


@pytest.mark.parametrize("case", CASES)
def test_a_posts_sheet_refuses_a_publicity_that_does_not_end_before_taking_office(make_cadre, county_a_clerk,
                                                                                 tmp_path, case) -> None:
    start, end, field, message = publicity_case(case)
    cadre = serving(make_cadre)
    result = run_sheet(PostResource, county_a_clerk, HEAD, [[
        cadre.id_number, "东关镇副镇长", "乡科级副职", "是", "否", f"{appointed():%Y-%m-%d}", f"{today():%Y-%m-%d}",
        f"{start:%Y-%m-%d}" if start else "", f"{end:%Y-%m-%d}"]], tmp_path)
    assert not result.committed and message in messages_of(result)
    assert Post.objects.filter(cadre=cadre).count() == 1


def test_a_publicity_ending_on_the_appointment_day_is_accepted(make_cadre) -> None:
    cadre = serving(make_cadre)
    post = post_appoint(post=past(cadre, start=appointed() - datetime.timedelta(days=7), end=appointed()), actor=SYSTEM)
    assert post.publicity_end == appointed()


def test_a_stored_post_whose_publicity_predates_the_rule_is_still_corrected(make_cadre) -> None:
    cadre = serving(make_cadre)
    Post.objects.filter(cadre=cadre).update(publicity_end=datetime.date(2019, 3, 10))  # as an older entry left it
    post = Post.objects.get(cadre=cadre)
    post.title = "城关镇副镇长（分管农业）"
    post_appoint(post=post, actor=SYSTEM)
    assert Post.objects.get(cadre=cadre).title == "城关镇副镇长（分管农业）"
