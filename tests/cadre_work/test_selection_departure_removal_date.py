"""离任检查 is dated on or after the post's 免职时间; once a check is on record, the post's
免职时间 may not move past the check's date (nor be cleared) on any path that writes it:
the services, the 任职经历 page, the cadre page's posts table and the posts sheet."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Post
from cadres.resources import PostResource
from cadres.selection.models import DepartureCheck
from cadres.selection.services import departure_check_open
from cadres.services import cadre_posts_save, post_appoint
from tests.cadres.test_rules_on_every_path import messages_of, run_sheet
from tests.test_versioning import form_data

from .selection_samples import SYSTEM
from .test_selection_departures import secretary_who_left

pytestmark = pytest.mark.django_db

CHECKED_ON = datetime.date(2025, 9, 1)  # the secretary left on 2025-06-01
LATER = "离任检查在离任后开展：免职时间（2025-10-01）不能晚于该职务离任检查的检查日期（2025-09-01）。"
CLEARED = "该职务已开展离任检查（检查日期 2025-09-01），免职时间不能清空：离任检查只对已免职的职务开展。"


def checked_departure(tree: Any, actor: Any) -> Post:
    """The secretary post (2020-01-01 to 2025-06-01) with its departure checked on 2025-09-01."""
    post = secretary_who_left(tree["county_a"])
    departure_check_open(post=post, checked_on=CHECKED_ON, inspectors="市委组织部检查组", actor=actor)
    return Post.objects.get(pk=post.pk)


def removed_on(post: Post) -> datetime.date | None:
    return Post.objects.values_list("removed_on", flat=True).get(pk=post.pk)


def test_the_service_refuses_moving_the_removal_past_the_check_and_names_its_date(tree, county_a_clerk) -> None:
    post = checked_departure(tree, county_a_clerk)
    post.removed_on = datetime.date(2025, 10, 1)
    with pytest.raises(ValidationError) as refused:
        post_appoint(post=post, actor=SYSTEM)
    assert refused.value.message_dict["removed_on"] == [LATER]
    assert removed_on(post) == datetime.date(2025, 6, 1)


def test_the_service_refuses_clearing_the_removal_of_a_checked_post(tree, county_a_clerk) -> None:
    post = checked_departure(tree, county_a_clerk)
    post.removed_on = None
    with pytest.raises(ValidationError) as refused:
        post_appoint(post=post, actor=SYSTEM)
    assert refused.value.message_dict["removed_on"] == [CLEARED]
    assert removed_on(post) == datetime.date(2025, 6, 1)


def test_the_service_takes_a_removal_moved_up_to_the_check_day(tree, county_a_clerk) -> None:
    post = checked_departure(tree, county_a_clerk)
    post.removed_on = CHECKED_ON
    post_appoint(post=post, actor=SYSTEM)
    assert removed_on(post) == CHECKED_ON


def test_the_posts_table_service_refuses_moving_the_removal_past_the_check(tree, county_a_clerk) -> None:
    post = checked_departure(tree, county_a_clerk)
    post.removed_on = datetime.date(2025, 10, 1)
    with pytest.raises(ValidationError) as refused:
        cadre_posts_save(cadre=post.cadre, posts=[post], deleted=[], actor=SYSTEM)
    assert refused.value.message_dict["removed_on"] == [LATER]
    assert removed_on(post) == datetime.date(2025, 6, 1)


def test_a_post_whose_removal_predates_the_rule_past_its_check_is_still_corrected(tree, county_a_clerk) -> None:
    post = checked_departure(tree, county_a_clerk)
    Post.objects.filter(pk=post.pk).update(removed_on=datetime.date(2025, 10, 1))  # as an older entry left it
    post = Post.objects.get(pk=post.pk)
    post.appointment_document = "城委〔2020〕1号"
    post_appoint(post=post, actor=SYSTEM)
    assert Post.objects.get(pk=post.pk).appointment_document == "城委〔2020〕1号"


def test_the_post_page_refuses_moving_the_removal_past_the_check_under_the_field(
        tree, county_a_clerk, city_officer, client_for) -> None:
    post = checked_departure(tree, county_a_clerk)
    client = client_for(city_officer)
    page = reverse("admin:cadres_post_change", args=[post.pk])
    data = form_data(client.get(page))
    data["removed_on"] = "2025-10-01"
    response = client.post(page, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["removed_on"] == [LATER]
    assert removed_on(post) == datetime.date(2025, 6, 1)


def test_the_cadre_pages_posts_table_refuses_moving_the_removal_past_the_check(
        tree, county_a_clerk, city_officer, client_for) -> None:
    post = checked_departure(tree, county_a_clerk)
    client = client_for(city_officer)
    page = reverse("admin:cadres_cadre_change", args=[post.cadre_id])
    data = form_data(client.get(page))
    row = next(key[: -len("-id")] for key, value in data.items()
               if key.startswith("posts-") and key.endswith("-id") and value == str(post.pk))
    data[f"{row}-removed_on"] = "2025-10-01"
    response = client.post(page, data)
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Post)
    assert [form.errors.get("removed_on") for form in formset.forms if form.instance.pk == post.pk] == [[LATER]]
    assert removed_on(post) == datetime.date(2025, 6, 1)


def test_a_posts_sheet_refuses_moving_the_removal_past_the_check(tree, county_a_clerk, tmp_path) -> None:
    post = checked_departure(tree, county_a_clerk)
    head = ["身份证号", "职务名称", "职务层次", "是否主职", "是否现任", "任职时间", "免职时间"]
    row = [post.cadre.id_number, post.title, "县处级正职", "是", "否", "2020-01-01"]
    result = run_sheet(PostResource, county_a_clerk, head, [row + ["2025-10-01"]], tmp_path)
    assert not result.committed and LATER in messages_of(result), messages_of(result)
    assert [e.column for e in result.errors] == ["免职时间"]
    assert removed_on(post) == datetime.date(2025, 6, 1)
    result = run_sheet(PostResource, county_a_clerk, head, [row + ["2025-08-01"]], tmp_path)
    assert result.committed, messages_of(result)
    assert removed_on(post) == datetime.date(2025, 8, 1)
    assert DepartureCheck.objects.get(post=post).checked_on == CHECKED_ON
