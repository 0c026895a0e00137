"""后备干部 台账 and dashboard: the members list with its filters and xlsx export (masked,
scoped), the pools below or over their 名额, the cards and charts whose figures equal
the lists they link to."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadres.models import Rank
from cadres.reserve.models import ExitReason
from cadres.reserve.services import reserve_exit, reserve_pool_save
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common import idnumber
from tests.samples.cadres import SAMPLES, cadre_in
from tests.samples.reserve import enter, pool_in, recommend

D = datetime.date


def members_url() -> str:
    return reverse("admin:worklist", args=["reserve_members"])


@pytest.fixture
def pools(tree: dict[str, Any]) -> dict[str, Any]:
    chief = pool_in(tree["county_a"], level=Rank.TOWNSHIP_CHIEF, quota=3)
    deputy = pool_in(tree["county_a"], level=Rank.TOWNSHIP_DEPUTY, quota=1)
    other = pool_in(tree["county_b"], level=Rank.TOWNSHIP_CHIEF, quota=1)
    enter(chief, cadre_in(tree["county_a"], name="八二年生", birth=D(1982, 2, 1)))
    enter(chief, cadre_in(tree["county_a"], name="九一年生", birth=D(1991, 2, 1)))
    enter(deputy, cadre_in(tree["township_a"], name="八九年生", birth=D(1989, 2, 1)))
    recommend(deputy, cadre_in(tree["township_a"], name="待考察", birth=D(1993, 2, 1)))
    enter(other, cadre_in(tree["county_b"], name="七里河", birth=D(1990, 2, 1)))
    return {"chief": chief, "deputy": deputy, "other": other}


def names(client: Any, **params: Any) -> set[str]:
    response = client.get(members_url(), params)
    assert response.status_code == 200
    return {row["cells"][0] for row in response.context["table"]}


def test_the_members_list_filters_by_pool_level_generation_and_status(pools: Any, county_a_clerk: Any,
                                                                      client_for: Any) -> None:
    client = client_for(county_a_clerk)
    assert names(client) == {"八二年生", "九一年生", "八九年生", "待考察"}  # county B's pool stays out
    assert names(client, pool=pools["deputy"].pk) == {"八九年生", "待考察"}
    assert names(client, level=Rank.TOWNSHIP_CHIEF) == {"八二年生", "九一年生"}
    assert names(client, generation="80") == {"八二年生", "八九年生"}
    assert names(client, status="in_pool", generation="90") == {"九一年生"}
    # A pool of another county is not a choice: the form refuses it, the list is empty.
    assert names(client, pool=pools["other"].pk) == set()


def test_the_members_list_exports_xlsx_with_id_numbers_masked(pools: Any, county_a_clerk: Any,
                                                              client_for: Any) -> None:
    response = client_for(county_a_clerk).get(members_url(), {"_export": "xlsx", "status": "in_pool"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "身份证号", "单位") and len(rows) == 4
    cadres = {m.cadre.name: m.cadre.id_number for pool in pools.values() for m in pool.members.all()}
    assert {(r[0], r[1]) for r in rows[1:]} == {(name, idnumber.mask(cadres[name]))
                                                 for name in ("八二年生", "九一年生", "八九年生")}


def test_the_quota_list_shows_pools_below_and_over_their_quota(pools: Any, tree: Any, province_officer: Any,
                                                               client_for: Any) -> None:
    # Lowering the 名额 under the members in the pool is allowed; the pool then shows as 超出.
    pools["chief"].quota = 1
    reserve_pool_save(pool=pools["chief"], actor=SAMPLES)
    pool_in(tree["city"], level=Rank.COUNTY_DEPUTY, quota=2)
    client = client_for(province_officer)
    response = client.get(reverse("admin:worklist", args=["reserve_pools_off_quota"]))
    table = {(row["cells"][0], row["cells"][1]): row["cells"][4] for row in response.context["table"]}
    assert table == {("兰州市城关区", "乡科级正职"): "超1名", ("兰州市", "县处级副职"): "缺2名"}
    below = client.get(reverse("admin:worklist", args=["reserve_pools_off_quota"]), {"state": "below"})
    assert [row["cells"][4] for row in below.context["table"]] == ["缺2名"]


def test_the_dashboard_cards_and_charts_equal_the_lists_they_link_to(pools: Any, county_a_clerk: Any,
                                                                     client_for: Any) -> None:
    member = pools["chief"].members.get(cadre__name="九一年生")
    reserve_exit(member=member, reason=ExitReason.PROMOTED, exited_on=timezone.localdate(), actor=SAMPLES)
    client = client_for(county_a_clerk)
    response = client.get(reverse("admin:index"))
    html = response.content.decode()
    assert "后备干部出生年代" in html and "后备干部使用率" in html and "在库后备干部" in html
    figures = {figure.slug: (value, link) for figure, value, link in response.context["figures"]}
    assert (figures["reserve_in_pool"][0], figures["reserve_young"][0], figures["reserve_off_quota"][0]) == (2, 2, 1)
    for slug in ("reserve_in_pool", "reserve_young", "reserve_off_quota"):
        value, link = figures[slug]
        assert client.get(link).context["count"] == value, slug
    (_, data), = [(p, d) for p, d in response.context["panels"] if p.slug == "reserve_generations"]
    assert data.labels == ["乡科级正职", "乡科级副职"]
    for series in data.series:
        for index, count in enumerate(series.values):
            assert client.get(series.link(index)).context["count"] == count
    (_, rates), = [(p, d) for p, d in response.context["panels"] if p.slug == "reserve_use_rate"]
    assert rates.series[0].values == [50.0, 0]  # 乡科级正职: one of the year's two members promoted


def test_the_members_page_puts_each_date_beside_its_outcome_and_the_sheet_keeps_every_column(
        pools: Any, county_a_clerk: Any, client_for: Any) -> None:
    """Fifteen columns do not fit a 1440-px window: the page shows eleven, the sheet all
    fifteen, one value a cell, so that it can be sorted and filtered."""
    member = pools["chief"].members.get(cadre__name="九一年生")
    reserve_exit(member=member, reason=ExitReason.PROMOTED, exited_on=D(2026, 6, 30), actor=SAMPLES)
    client = client_for(county_a_clerk)
    response = client.get(members_url(), {"status": "exited"})
    headers = [c.header for c in response.context["worklist"].shown_columns]
    assert headers == ["姓名", "单位", "现任职务", "后备干部库", "出生年月（年龄）", "状态", "推荐人（单位）", "推荐日期",
                       "考察", "入库日期", "出库"]
    (row,) = response.context["table"]
    cells = dict(zip(headers, row["cells"]))
    assert cells["出生年月（年龄）"].startswith("1991.02（") and cells["出生年月（年龄）"].endswith("岁）")
    assert cells["考察"] == '<span class="nowrap">2026-04-20</span> 考察合格，同意入库'
    assert cells["出库"] == '<span class="nowrap">2026-06-30</span> 提拔使用'
    html = response.content.decode()
    assert '<td><span class="nowrap">2026-06-30</span> 提拔使用</td>' in html
    assert "身份证号" not in html.split('id="result_list"')[1]  # on the record page and the sheet only

    sheet = client.get(members_url(), {"status": "exited", "_export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "身份证号", "单位", "现任职务", "后备干部库", "出生年月", "年龄", "状态", "推荐人（单位）",
                       "推荐日期", "考察日期", "考察结论", "入库日期", "出库日期", "出库原因")
    sheet_row = dict(zip(rows[0], rows[1]))
    assert (sheet_row["出库日期"].date(), sheet_row["出库原因"], sheet_row["考察结论"]) == (
        D(2026, 6, 30), "提拔使用", "考察合格，同意入库")


def test_a_members_page_without_the_id_column_records_no_full_view(pools: Any, county_a_clerk: Any,
                                                                    client_for: Any) -> None:
    county_a_clerk.user_permissions.add(Permission.objects.get(codename="view_unmasked_id_number",
                                                               content_type__app_label="cadres"))
    client = client_for(type(county_a_clerk).objects.get(pk=county_a_clerk.pk))
    assert client.get(members_url()).status_code == 200
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()
    sheet = client.get(members_url(), {"_export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    full = {m.cadre.id_number for m in pools["chief"].members.all()}
    assert full <= {r[1] for r in rows[1:]}  # the sheet has them in full, and says so in its audit row
    assert AuditLog.objects.filter(action=AuditAction.EXPORT).latest("id").changes["unmasked"] is True
