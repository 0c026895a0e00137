"""The cadres sheet (干部基本信息表) and a cadre's 任职经历: the sheet has no 任职时间 or 文号,
so a row that changes an existing cadre's 现任职务 or 职务层次 is refused with where to
record the appointment, and the post on file is never rewritten in place. Sheets are
real xlsx workbooks through the import engine."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from cadres.models import Authority, Cadre, Grade, Post, Rank
from cadres.resources import CadreResource
from cadres.selection.selectors import promotions_of
from cadres.services import cadre_save, post_appoint
from orgwork.audit.models import AuditLog
from orgwork.common.contract import SystemActor
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.reader import open_sheet
from tests.imports.sheets import xlsx

SYSTEM = SystemActor("tests")
HEAD = ["姓名", "性别", "出生年月", "身份证号", "单位", "现任职务", "职务层次", "职级", "管理权限"]
SINCE = datetime.date(2023, 6, 1)


def town_head(make_cadre: Any) -> Cadre:
    """A 乡科级正职, 县管, whose one post (城关镇镇长) dates from 2023-06-01."""
    cadre = make_cadre(name="李秀英", grade=Grade.PRINCIPAL_CLERK_1, authority=Authority.COUNTY)
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF,
                           appointed_on=SINCE), actor=SYSTEM)
    cadre.refresh_from_db()
    return cadre


def cadres_sheet(user: Any, rows: list[list[Any]], folder: Path) -> ImportResult:
    path = xlsx(folder / "干部.xlsx", [HEAD, *rows], text_columns=[3])
    return run_import(CadreResource, user, open_sheet(str(path), path.name, CadreResource), commit=True)


def row_for(cadre: Cadre, post: str, rank: str, grade: str, authority: str) -> list[Any]:
    return [cadre.name, "男", "1975.06", cadre.id_number, cadre.unit.code, post, rank, grade, authority]


def test_a_cadres_sheet_cannot_promote_a_cadre_by_retyping_the_current_post(make_cadre, county_a_clerk,
                                                                           tmp_path) -> None:
    cadre = town_head(make_cadre)
    row = row_for(cadre, "城关区副区长", "县处级副职", "四级调研员", "市管")
    result = cadres_sheet(county_a_clerk, [row], tmp_path)
    assert not result.committed
    shown = " ".join(str(e) for e in result.errors)
    assert "干部信息表不能改动" in shown and "城关镇镇长" in shown and "2023-06-01任职" in shown
    post = Post.objects.get(cadre=cadre)
    assert (post.title, post.rank, post.appointed_on, post.is_current) == ("城关镇镇长", Rank.TOWNSHIP_CHIEF, SINCE, True)
    stored = Cadre.objects.get(pk=cadre.pk)
    assert (stored.current_post, stored.rank, stored.grade, stored.authority) == (
        "城关镇镇长", Rank.TOWNSHIP_CHIEF, Grade.PRINCIPAL_CLERK_1, Authority.COUNTY)


def test_a_cadres_sheet_cannot_rename_the_current_post_at_the_same_rank(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = town_head(make_cadre)
    row = row_for(cadre, "城关镇党委书记", "乡科级正职", "一级主任科员", "县管")
    result = cadres_sheet(county_a_clerk, [row], tmp_path)
    assert not result.committed and "干部信息表不能改动" in " ".join(str(e) for e in result.errors)
    assert Post.objects.get(cadre=cadre).title == "城关镇镇长"
    assert not AuditLog.objects.filter(message__contains="按干部信息表").exists()


def test_a_cadres_sheet_repeating_the_current_post_changes_other_columns_and_keeps_the_history(
        make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = town_head(make_cadre)
    row = row_for(cadre, "城关镇镇长", "乡科级正职", "二级主任科员", "县管")
    assert cadres_sheet(county_a_clerk, [row], tmp_path).committed
    assert Cadre.objects.get(pk=cadre.pk).grade == Grade.PRINCIPAL_CLERK_2
    post = Post.objects.get(cadre=cadre)
    assert (post.title, post.rank, post.appointed_on) == ("城关镇镇长", Rank.TOWNSHIP_CHIEF, SINCE)


def test_blank_post_cells_on_a_cadres_sheet_keep_the_current_post_on_the_profile(make_cadre, county_a_clerk,
                                                                                 tmp_path) -> None:
    cadre = town_head(make_cadre)
    assert cadres_sheet(county_a_clerk, [row_for(cadre, "", "", "一级主任科员", "县管")], tmp_path).committed
    stored = Cadre.objects.get(pk=cadre.pk)
    assert (stored.current_post, stored.rank) == ("城关镇镇长", Rank.TOWNSHIP_CHIEF)
    assert Post.objects.filter(cadre=cadre).count() == 1


def test_a_promotion_recorded_as_a_new_post_is_seen_by_the_look_back_and_the_old_post_is_kept(make_cadre) -> None:
    cadre = town_head(make_cadre)
    cadre.authority = Authority.CITY  # a 县处级 post is 市管
    cadre_save(cadre=cadre, actor=SYSTEM)
    promoted_on = datetime.date(2025, 12, 1)  # before VETTING_REQUIRED_FROM: back-filled history
    new = post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关区副区长", rank=Rank.COUNTY_DEPUTY,
                                 appointed_on=promoted_on), actor=SYSTEM)
    assert [p.pk for p in promotions_of(cadre.pk)] == [new.pk]
    old = Post.objects.get(cadre=cadre, title="城关镇镇长")
    assert (old.appointed_on, old.removed_on, old.is_current) == (SINCE, promoted_on, False)
