"""干部管理权限 is given by the department that manages the cadre (分级管理): a county
clerk records 县管 (or 其他), a city clerk 市管 and 县管, the province any. A 管理权限 kept
as stored is no change, so a county clerk keeps the record of a 市管 cadre of his county.
Through the cadre page, the cadres sheet (real workbooks through the import engine) and
the service every other path calls."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Authority, Cadre, Grade, Post, Rank
from cadres.services import cadre_save, post_appoint
from tests.test_versioning import form_data

from .test_rules_on_every_path import serving
from .test_sheet_post_changes import cadres_sheet, row_for
from .test_vetting_covers_one_step import SYSTEM, town_head

COUNTY_MAY_NOT_GIVE_CITY = "市管干部的管理权限由市（州）委组织部确定：您所在单位（县级）只能登记为县管或其他。"


def authority_options(page: str) -> list[str]:
    select = re.search(r'<select name="authority".*?</select>', page, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def refused(write: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        write()
    return " ".join(caught.value.message_dict.get("authority", []))


def with_authority(cadre: Cadre, authority: str) -> Cadre:
    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.authority = authority
    return cadre


def test_the_cadre_page_of_a_county_clerk_offers_only_the_authorities_his_department_gives(
        make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    page = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_change", args=[cadre.pk])).content.decode()
    assert authority_options(page) == ["", Authority.COUNTY, Authority.OTHER]


def test_the_cadre_page_keeps_a_stored_city_authority_visible_to_a_county_clerk(make_cadre, county_a_clerk,
                                                                                client_for) -> None:
    cadre = town_head(make_cadre)
    page = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_change", args=[cadre.pk])).content.decode()
    assert authority_options(page) == ["", Authority.CITY, Authority.COUNTY, Authority.OTHER]


def test_the_cadre_page_of_a_city_clerk_offers_city_and_county_but_not_province(make_cadre, city_officer,
                                                                               client_for) -> None:
    cadre = serving(make_cadre)
    page = client_for(city_officer).get(reverse("admin:cadres_cadre_change", args=[cadre.pk])).content.decode()
    assert authority_options(page) == ["", Authority.CITY, Authority.COUNTY, Authority.OTHER]


def test_a_county_clerk_cannot_take_a_city_cadre_into_county_management_on_the_cadre_page(
        make_cadre, county_a_clerk, client_for) -> None:
    cadre = town_head(make_cadre)
    url = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    client = client_for(county_a_clerk)
    data = form_data(client.get(url))
    data["authority"] = Authority.COUNTY
    response = client.post(url, data)
    assert response.status_code == 200
    assert "该干部为市管干部，管理权限由市（州）委组织部确定，您所在单位（县级）不能改动。" in response.content.decode()
    assert Cadre.objects.get(pk=cadre.pk).authority == Authority.CITY


def test_a_county_clerk_keeps_the_record_of_a_city_cadre_without_touching_its_authority(
        make_cadre, county_a_clerk, client_for) -> None:
    cadre = town_head(make_cadre)
    url = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    client = client_for(county_a_clerk)
    data = form_data(client.get(url))
    data["native_place"] = "甘肃榆中"
    response = client.post(url, data)
    assert response.status_code == 302
    saved = Cadre.objects.get(pk=cadre.pk)
    assert (saved.native_place, saved.authority) == ("甘肃榆中", Authority.CITY)


def test_a_cadres_sheet_of_a_county_clerk_cannot_register_a_city_cadre(county_a_clerk, tmp_path) -> None:
    from seeds.demo.cadres import make_id_number

    number = make_id_number("620102", datetime.date(1980, 3, 9), 41)
    row = ["王立新", "男", "1980.03", number, "620102", "城关镇镇长", "乡科级正职", "一级主任科员", "市管"]
    result = cadres_sheet(county_a_clerk, [row], tmp_path)
    assert not result.committed
    assert COUNTY_MAY_NOT_GIVE_CITY in " ".join(str(e) for e in result.errors)
    assert not Cadre.objects.filter(id_number=number).exists()


def test_a_cadres_sheet_of_a_county_clerk_cannot_move_a_city_cadre_to_county_management(
        make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = town_head(make_cadre)
    result = cadres_sheet(county_a_clerk, [row_for(cadre, "城关镇镇长", "乡科级正职", "一级主任科员", "县管")], tmp_path)
    assert not result.committed
    assert "该干部为市管干部" in " ".join(str(e) for e in result.errors)
    assert Cadre.objects.get(pk=cadre.pk).authority == Authority.CITY


def test_a_cadres_sheet_of_a_county_clerk_carries_a_city_cadre_as_stored(make_cadre, county_a_clerk,
                                                                        tmp_path) -> None:
    cadre = town_head(make_cadre)
    result = cadres_sheet(county_a_clerk, [row_for(cadre, "城关镇镇长", "乡科级正职", "一级主任科员", "市管")], tmp_path)
    assert result.committed, result.errors


def test_a_cadres_sheet_of_the_city_registers_a_city_cadre(make_cadre, city_officer, tmp_path) -> None:
    cadre = serving(make_cadre, rank=Rank.TOWNSHIP_CHIEF, grade=Grade.PRINCIPAL_CLERK_1)
    result = cadres_sheet(city_officer, [row_for(cadre, "城关镇副镇长", "乡科级正职", "一级主任科员", "市管")], tmp_path)
    assert result.committed, result.errors
    assert Cadre.objects.get(pk=cadre.pk).authority == Authority.CITY


def test_the_service_refuses_a_county_clerk_giving_city_management(make_cadre, county_a_clerk) -> None:
    cadre = serving(make_cadre)
    shown = refused(lambda: cadre_save(cadre=with_authority(cadre, Authority.CITY), actor=county_a_clerk))
    assert shown == COUNTY_MAY_NOT_GIVE_CITY
    assert Cadre.objects.get(pk=cadre.pk).authority == Authority.COUNTY


def county_deputy(make_cadre: Any) -> Cadre:
    """A 县处级副职 (四级调研员, 市管) since 2022-03-01."""
    cadre = make_cadre(name="赵立新", grade=Grade.RESEARCHER_4, authority=Authority.CITY)
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关区副区长", rank=Rank.COUNTY_DEPUTY,
                           appointed_on=datetime.date(2022, 3, 1)), actor=SYSTEM)
    return Cadre.objects.get(pk=cadre.pk)


def test_the_service_refuses_a_city_clerk_giving_province_management(make_cadre, city_officer) -> None:
    cadre = county_deputy(make_cadre)
    shown = refused(lambda: cadre_save(cadre=with_authority(cadre, Authority.PROVINCE), actor=city_officer))
    assert shown == "省管干部的管理权限由省委组织部确定：您所在单位（市级）只能登记为市管、县管或其他。"


def test_the_province_gives_any_authority(make_cadre, province_officer) -> None:
    cadre = county_deputy(make_cadre)
    saved = cadre_save(cadre=with_authority(cadre, Authority.PROVINCE), actor=province_officer)
    assert Cadre.objects.get(pk=saved.pk).authority == Authority.PROVINCE


def test_a_county_clerk_cannot_clear_the_authority_of_a_city_cadre(make_cadre, county_a_clerk) -> None:
    cadre = town_head(make_cadre)
    shown = refused(lambda: cadre_save(cadre=with_authority(cadre, ""), actor=county_a_clerk))
    assert "该干部为市管干部" in shown


def test_a_forged_authority_on_the_cadre_page_is_refused_in_words_not_codes(make_cadre, county_a_clerk,
                                                                           client_for) -> None:
    cadre = serving(make_cadre)
    url = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    client = client_for(county_a_clerk)
    data = form_data(client.get(url))
    data["authority"] = Authority.PROVINCE
    page = client.post(url, data).content.decode()
    assert "所选管理权限不是您所在单位可以登记的（可选：县管、其他）" in page and "「province」" not in page


COUNTY_RECORDS_NO_COUNTY_LEVEL = ("职务层次为「县处级副职」的干部由市（州）委组织部管理，其任职和管理权限由市（州）委组织部登记："
                                  "您所在单位（县级）只登记乡科级正职及以下的。")


def test_a_county_clerk_cannot_record_a_county_level_post(make_cadre, county_a_clerk) -> None:
    cadre = town_head(make_cadre)
    with pytest.raises(ValidationError) as caught:
        post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关区副区长", rank=Rank.COUNTY_DEPUTY,
                               appointed_on=datetime.date(2025, 6, 1)), actor=county_a_clerk)
    assert caught.value.message_dict["rank"] == [COUNTY_RECORDS_NO_COUNTY_LEVEL]
    assert not Post.objects.filter(cadre=cadre, rank=Rank.COUNTY_DEPUTY).exists()


def test_a_posts_sheet_of_a_county_clerk_cannot_record_a_county_level_post(make_cadre, county_a_clerk,
                                                                          tmp_path) -> None:
    from cadres.resources import PostResource
    from orgwork.imports.engine import run_import
    from orgwork.imports.reader import open_sheet
    from tests.imports.sheets import xlsx

    cadre = town_head(make_cadre)
    path = xlsx(tmp_path / "任职经历.xlsx", [
        ["身份证号", "职务名称", "职务层次", "是否主职", "是否现任", "任职时间", "免职时间"],
        [cadre.id_number, "城关区副区长", "县处级副职", "是", "是", "2025-06-01", ""]], text_columns=[0])
    result = run_import(PostResource, county_a_clerk, open_sheet(str(path), path.name, PostResource), commit=True)
    assert not result.committed and COUNTY_RECORDS_NO_COUNTY_LEVEL in " ".join(str(e) for e in result.errors)


def test_a_county_clerk_cannot_give_other_management_to_a_county_level_cadre(make_cadre, county_a_clerk) -> None:
    cadre = county_deputy(make_cadre)
    shown = refused(lambda: cadre_save(cadre=with_authority(cadre, Authority.OTHER), actor=county_a_clerk))
    assert shown == COUNTY_RECORDS_NO_COUNTY_LEVEL
    assert Cadre.objects.get(pk=cadre.pk).authority == Authority.CITY


def test_the_city_records_a_county_level_post(make_cadre, city_officer) -> None:
    cadre = town_head(make_cadre)
    post = post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关区副区长", rank=Rank.COUNTY_DEPUTY,
                                  appointed_on=datetime.date(2025, 6, 1)), actor=city_officer)  # before 凡提四必 was asked
    assert Cadre.objects.get(pk=cadre.pk).rank == Rank.COUNTY_DEPUTY and post.is_current


def test_a_county_clerk_cannot_record_a_past_county_level_post_either(make_cadre, county_a_clerk) -> None:
    cadre = town_head(make_cadre)
    with pytest.raises(ValidationError) as caught:
        post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关区副区长（挂职）", rank=Rank.COUNTY_DEPUTY,
                               is_current=False, appointed_on=datetime.date(2019, 3, 1),
                               removed_on=datetime.date(2020, 3, 1)), actor=county_a_clerk)
    assert caught.value.message_dict["rank"] == [COUNTY_RECORDS_NO_COUNTY_LEVEL]
    assert not Post.objects.filter(cadre=cadre, rank=Rank.COUNTY_DEPUTY).exists()
