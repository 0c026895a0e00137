"""The 后备干部推荐考察 sheet through the import engine: the rules of 推荐 and 考察 hold on
it (名额 counting the sheet's own rows, 影响期, one pool per level), all or nothing; the
template downloads."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import openpyxl

from cadres.models import Rank
from cadres.reserve.models import MemberStatus, ReserveMember, ReservePool
from cadres.reserve.resources import ReserveMemberResource
from cadres.supervision.models import HandlingType
from orgwork.audit.models import AuditLog
from orgwork.imports.engine import run_import
from orgwork.imports.exporting import template_xlsx
from orgwork.imports.reader import open_sheet
from orgwork.units.models import UnitLevel, UnitType
from seeds.demo import DemoContext
from seeds.demo import cadres as demo_cadres
from seeds.demo import reserve as demo_reserve
from tests.conftest import make_unit
from tests.samples.cadres import cadre_in
from tests.samples.reserve import pool_in, recommend
from tests.supervision.helpers import handle

D = datetime.date
HEAD = ["后备干部库", "身份证号", "姓名", "推荐人（单位）", "推荐日期", "推荐理由", "考察日期", "考察结论", "考察意见"]


def row(pool_cell: str, cadre: Any, *, conclusion: str = "合格", inspected: str = "2026-04-15") -> list[str]:
    return [pool_cell, cadre.id_number, cadre.name, "城关区委组织部", "2026-03-10", "民主推荐得票靠前",
            inspected if conclusion else "", conclusion, "表现突出" if conclusion else ""]


def import_rows(tmp_path: Path, user: Any, rows: list[list[str]], *, commit: bool = True) -> Any:
    path = tmp_path / "后备干部.csv"
    path.write_text("\n".join(",".join(r) for r in [HEAD, *rows]) + "\n", encoding="utf-8")
    return run_import(ReserveMemberResource, user, open_sheet(str(path), path.name, ReserveMemberResource),
                      commit=commit)


def messages(result: Any) -> str:
    return " ".join(e.message for e in result.errors)


def test_a_sheet_recommends_and_inspects_through_the_engine(tree: Any, county_a_clerk: Any, tmp_path: Path) -> None:
    pool_in(tree["county_a"], quota=3)
    passed, waiting, failed = (cadre_in(tree["county_a"], name=n, birth=D(1988, 1, 1)) for n in ("甲", "乙", "丙"))
    result = import_rows(tmp_path, county_a_clerk, [
        row("620102/乡科级正职", passed), row("620102/乡科级正职", waiting, conclusion=""),
        row("620102/乡科级正职", failed, conclusion="不合格")])
    assert result.committed, result.errors
    status = dict(ReserveMember.objects.values_list("cadre__name", "status"))
    assert status == {"甲": MemberStatus.IN_POOL, "乙": MemberStatus.RECOMMENDED, "丙": MemberStatus.NOT_PASSED}
    member = ReserveMember.objects.get(cadre=passed)
    assert (member.level, member.entered_on) == (Rank.TOWNSHIP_CHIEF, D(2026, 4, 15))
    assert AuditLog.objects.filter(content_type__model="reservemember").count() == 3


def test_a_sheet_finds_a_pool_whose_unit_code_is_typed_in_small_letters(tree: Any, county_a_clerk: Any,
                                                                        tmp_path: Path) -> None:
    bureau = make_unit("620102ZZB", "城关区委组织部", tree["county_a"], UnitLevel.COUNTY, UnitType.PARTY_DEPARTMENT)
    pool = pool_in(bureau, quota=3)
    cadre = cadre_in(bureau, birth=D(1988, 1, 1))
    result = import_rows(tmp_path, county_a_clerk, [row("620102zzb/乡科级正职", cadre)])
    assert result.committed, result.errors
    assert ReserveMember.objects.get(cadre=cadre).pool == pool


def test_a_sheet_row_beyond_the_quota_is_refused_and_nothing_is_stored(tree: Any, county_a_clerk: Any,
                                                                      tmp_path: Path) -> None:
    pool_in(tree["county_a"], quota=2)
    cadres = [cadre_in(tree["county_a"], name=n, birth=D(1988, 1, 1)) for n in ("甲", "乙", "丙")]
    result = import_rows(tmp_path, county_a_clerk, [row("620102/乡科级正职", c) for c in cadres])
    assert not result.committed
    assert [e.row for e in result.errors] == [4] and "名额2名已满（在库2名）" in messages(result)
    assert not ReserveMember.objects.exists()


def test_a_sheet_row_for_a_cadre_inside_an_influence_period_is_refused(tree: Any, county_a_clerk: Any,
                                                                      tmp_path: Path) -> None:
    pool_in(tree["county_a"], quota=2)
    cadre = cadre_in(tree["county_a"], birth=D(1988, 1, 1))
    handle(cadre, HandlingType.ADMONISHMENT, D(2026, 1, 5))
    result = import_rows(tmp_path, county_a_clerk, [row("620102/乡科级正职", cadre, conclusion="")])
    assert not result.committed and "期间不得推荐入库" in messages(result)
    assert not ReserveMember.objects.exists()


def test_a_sheet_cannot_put_one_cadre_in_two_pools_of_one_level(tree: Any, county_a_clerk: Any,
                                                                 tmp_path: Path) -> None:
    pool_in(tree["county_a"], quota=2)
    pool_in(tree["township_a"], quota=2)
    cadre = cadre_in(tree["township_a"], birth=D(1988, 1, 1))
    result = import_rows(tmp_path, county_a_clerk, [row("620102/乡科级正职", cadre, conclusion=""),
                                                    row("620102001/乡科级正职", cadre, conclusion="")])
    assert not result.committed and "同一层次只能进入一个库" in messages(result)
    # And a stored recommendation stops the sheet as it stops the form.
    recommend(ReservePool.objects.get(unit=tree["county_a"]), cadre)
    again = import_rows(tmp_path, county_a_clerk, [row("620102001/乡科级正职", cadre, conclusion="")])
    assert not again.committed and "同一层次只能进入一个后备干部库" in messages(again)


def test_a_sheet_inspects_a_stored_recommendation_and_cannot_rewrite_a_past_inspection(
        tree: Any, county_a_clerk: Any, tmp_path: Path) -> None:
    pool = pool_in(tree["county_a"], quota=2)
    cadre = cadre_in(tree["county_a"], birth=D(1988, 1, 1))
    recommend(pool, cadre, on=D(2026, 3, 10))
    assert import_rows(tmp_path, county_a_clerk, [row("620102/乡科级正职", cadre)]).committed
    assert ReserveMember.objects.get().status == MemberStatus.IN_POOL
    result = import_rows(tmp_path, county_a_clerk, [row("620102/乡科级正职", cadre, conclusion="不合格")])
    assert not result.committed and "考察结论不能再通过表格修改" in messages(result)


def test_a_pool_outside_the_clerks_scope_is_not_found(tree: Any, county_b_clerk: Any, tmp_path: Path) -> None:
    pool_in(tree["county_a"], quota=2)
    cadre = cadre_in(tree["county_b"], birth=D(1988, 1, 1))
    result = import_rows(tmp_path, county_b_clerk, [row("620102/乡科级正职", cadre, conclusion="")], commit=False)
    assert "后备干部库「620102/乡科级正职」不存在或不在您的管辖范围内" in messages(result)


def test_the_template_downloads_with_the_chinese_headers(db: Any) -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(ReserveMemberResource)))
    headers = [c.value for c in next(book.active.iter_rows(max_row=1))]
    assert headers[:2] == ["后备干部库", "身份证号"] and "考察结论" in headers


def test_the_demo_step_fills_the_pools_through_the_services_and_adds_nothing_the_second_time(tree: Any) -> None:
    ctx = DemoContext(scale="small", stdout=io.StringIO())
    demo_cadres.build(ctx)
    demo_reserve.build(ctx)
    statuses = set(ReserveMember.objects.values_list("status", flat=True))
    assert {MemberStatus.IN_POOL, MemberStatus.EXITED} <= statuses
    assert ReserveMember.objects.filter(exit_reason="promoted").exists()
    audited = AuditLog.objects.filter(content_type__model="reservemember").count()
    assert audited >= ReserveMember.objects.count()
    counts = (ReserveMember.objects.count(), audited)
    demo_reserve.build(ctx)
    assert (ReserveMember.objects.count(), AuditLog.objects.filter(content_type__model="reservemember").count()) == counts
