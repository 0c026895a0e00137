"""The 任职经历 sheet gives a cadre at most one 现任主职务, counting its own rows: a second
row that makes another post of the same cadre current and principal is refused at
validation under 是否现任, naming the earlier row, rather than the commit failing on
``post_one_current_principal`` with no row named. Sheets go through the import engine."""

from __future__ import annotations

from cadres.models import CadreStatus, Post
from cadres.resources import PostResource
from cadres.services import cadre_save

from .test_rules_on_every_path import POSTS_HEAD, messages_of, run_sheet, serving

SECOND = "与第 2 行同为该干部的现任主职务：每名干部只能有一个现任主职务。"


def test_a_posts_sheet_cannot_give_one_cadre_two_current_principal_posts_in_two_rows(
        make_cadre, county_a_clerk, tmp_path) -> None:
    first = make_cadre(name="王红梅")  # registered without its posts yet
    other = make_cadre(name="赵志刚")
    rows = [[first.id_number, "城关镇副镇长", "乡科级副职", "是", "是", "2025-01-01", ""],
            [other.id_number, "城关镇党委副书记", "乡科级副职", "是", "是", "2025-01-01", ""],
            [first.id_number, "西川乡副乡长", "乡科级副职", "是", "否", "2020-01-01", "2024-12-31"],
            [first.id_number, "城关镇党委委员", "乡科级副职", "是", "是", "2025-02-01", ""]]
    result = run_sheet(PostResource, county_a_clerk, POSTS_HEAD, rows, tmp_path)
    assert not result.committed
    assert [(e.row, e.column, e.message) for e in result.errors] == [(5, "是否现任", SECOND)]
    assert not Post.objects.exists()
    # Without the second one the sheet goes in: another cadre's and a past post are no conflict.
    assert run_sheet(PostResource, county_a_clerk, POSTS_HEAD, rows[:3], tmp_path).committed
    assert list(Post.objects.filter(cadre=first, is_current=True, is_principal=True).values_list(
        "title", flat=True)) == ["城关镇副镇长"]


def test_a_posts_sheet_replacing_a_current_principal_post_in_one_go_is_still_refused_by_the_stored_post(
        make_cadre, county_a_clerk, tmp_path) -> None:
    # The sheet cannot end and replace a current principal post at once (the cadre's page
    # does both in one save); the refusal names the post on record, as before, not a row.
    cadre = serving(make_cadre)
    cadre.status = CadreStatus.REMOVED  # not serving: ending the post alone is allowed
    cadre_save(cadre=cadre, actor=county_a_clerk)
    rows = [[cadre.id_number, "城关镇副镇长", "乡科级副职", "是", "否", "2019-03-01", "2025-12-01"],
            [cadre.id_number, "城关镇党委副书记", "乡科级副职", "是", "是", "2025-12-01", ""]]
    result = run_sheet(PostResource, county_a_clerk, POSTS_HEAD, rows, tmp_path)
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(3, "是否现任")]
    assert "该干部已有现任主职务「城关镇副镇长」" in messages_of(result) and "行同为" not in messages_of(result)
    assert list(Post.objects.filter(cadre=cadre).values_list("title", "is_current")) == [("城关镇副镇长", True)]
