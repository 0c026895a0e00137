"""A row of the 后备干部推荐考察 sheet for a stored recommendation changes nothing the
record page keeps read-only: the 推荐 (推荐人（单位）, 推荐理由) in every status, the 考察 once
it has left 待考察; 登记考察 on a 待考察 record takes 考察日期, 考察结论 and 考察意见
together. A row that repeats the stored values (the exported list uploaded again) passes."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from cadres.reserve.models import ExitReason, MemberStatus, ReserveMember
from cadres.reserve.services import reserve_exit, reserve_inspect
from tests.samples.cadres import SAMPLES, cadre_in
from tests.samples.reserve import INSPECTED_ON, RECOMMENDED_ON, enter, pool_in, recommend

from .test_reserve_sheet import import_rows

D = datetime.date
POOL = "620102/乡科级正职"
FIELDS = ("recommended_by", "recommendation", "inspected_on", "inspection_conclusion", "inspection_opinion",
          "status")


def member_in(status: str, tree: Any) -> ReserveMember:
    pool = pool_in(tree["county_a"], quota=3)
    cadre = cadre_in(tree["county_a"], birth=D(1988, 1, 1))
    if status == MemberStatus.RECOMMENDED:
        return recommend(pool, cadre)
    if status == MemberStatus.NOT_PASSED:
        return reserve_inspect(member=recommend(pool, cadre), inspected_on=INSPECTED_ON, conclusion="failed",
                               opinion="群众基础较弱", actor=SAMPLES)
    member = enter(pool, cadre)
    if status == MemberStatus.EXITED:
        return reserve_exit(member=member, reason=ExitReason.OTHER, exited_on=D(2026, 5, 1), note="工作调动",
                            actor=SAMPLES)
    return member


def stored_row(member: ReserveMember, **changed: str) -> list[str]:
    """The row as the record stands, with ``changed`` cells (by header) put in."""
    conclusion = {"passed": "合格", "failed": "不合格", "": ""}[member.inspection_conclusion]
    cells = {"后备干部库": POOL, "身份证号": member.cadre.id_number, "姓名": member.cadre.name,
             "推荐人（单位）": member.recommended_by, "推荐日期": member.recommended_on.isoformat(),
             "推荐理由": member.recommendation,
             "考察日期": member.inspected_on.isoformat() if member.inspected_on else "",
             "考察结论": conclusion, "考察意见": member.inspection_opinion} | changed
    return list(cells.values())


def as_stored(member: ReserveMember) -> tuple[Any, ...]:
    return tuple(ReserveMember.objects.filter(pk=member.pk).values_list(*FIELDS).get())


ALL_STATUSES = [MemberStatus.RECOMMENDED, MemberStatus.IN_POOL, MemberStatus.NOT_PASSED, MemberStatus.EXITED]
CLOSED_STATUSES = [MemberStatus.IN_POOL, MemberStatus.NOT_PASSED, MemberStatus.EXITED]


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_a_sheet_cannot_rewrite_who_recommended_a_stored_cadre_or_why(
        status: str, tree: Any, county_a_clerk: Any, tmp_path: Path) -> None:
    member = member_in(status, tree)
    before = as_stored(member)
    result = import_rows(tmp_path, county_a_clerk, [stored_row(member, **{"推荐人（单位）": "伪造推荐单位",
                                                                          "推荐理由": "表格改写的推荐理由"})])
    assert not result.committed
    assert {(e.row, e.column) for e in result.errors} == {(2, "推荐人（单位）"), (2, "推荐理由")}
    assert "该推荐已登记，推荐理由不能通过表格修改。" in {e.message for e in result.errors}
    assert as_stored(member) == before


@pytest.mark.parametrize("status", CLOSED_STATUSES)
def test_a_sheet_cannot_rewrite_the_opinion_of_an_inspection_already_recorded(
        status: str, tree: Any, county_a_clerk: Any, tmp_path: Path) -> None:
    member = member_in(status, tree)
    before = as_stored(member)
    result = import_rows(tmp_path, county_a_clerk, [stored_row(member, 考察意见="表格改写的考察意见")])
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(2, "考察意见")]
    assert f"该干部{member.get_status_display()}，考察意见不能再通过表格修改。" == result.errors[0].message
    assert as_stored(member) == before


def test_a_sheet_cannot_give_a_waiting_recommendation_an_opinion_without_its_inspection(
        tree: Any, county_a_clerk: Any, tmp_path: Path) -> None:
    member = member_in(MemberStatus.RECOMMENDED, tree)
    result = import_rows(tmp_path, county_a_clerk, [stored_row(member, 考察意见="尚未考察先写意见")])
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [("考察意见", "考察意见随考察结论一并登记，不能单独填写或修改。")]
    assert ReserveMember.objects.get(pk=member.pk).inspection_opinion == ""
    # 登记考察 on the sheet takes the three together, as the record page's step does.
    inspected = import_rows(tmp_path, county_a_clerk, [stored_row(
        member, 考察日期="2026-04-15", 考察结论="合格", 考察意见="政治坚定")])
    assert inspected.committed, inspected.errors
    member.refresh_from_db()
    assert (member.status, member.inspection_opinion, member.entered_on) == (
        MemberStatus.IN_POOL, "政治坚定", D(2026, 4, 15))
    assert (member.recommended_by, member.recommended_on) == ("城关区委组织部", RECOMMENDED_ON)


def test_the_list_uploaded_again_as_it_stands_changes_nothing_and_passes_in_every_status(
        tree: Any, county_a_clerk: Any, tmp_path: Path) -> None:
    pool = pool_in(tree["county_a"], quota=3)
    waiting, entered, failed, left = (cadre_in(tree["county_a"], name=n, birth=D(1988, 1, 1))
                                      for n in ("甲", "乙", "丙", "丁"))
    recommend(pool, waiting)
    enter(pool, entered)
    reserve_inspect(member=recommend(pool, failed), inspected_on=INSPECTED_ON, conclusion="failed",
                    opinion="群众基础较弱", actor=SAMPLES)
    reserve_exit(member=enter(pool, left), reason=ExitReason.OTHER, exited_on=D(2026, 5, 1), note="工作调动",
                 actor=SAMPLES)
    # A changed cell is refused; the same cells as they went out are not.
    refused = import_rows(tmp_path, county_a_clerk, [stored_row(ReserveMember.objects.get(cadre=left),
                                                                推荐理由="改写")])
    assert not refused.committed
    before = list(ReserveMember.objects.order_by("pk").values_list(*FIELDS))
    again = import_rows(tmp_path, county_a_clerk, [stored_row(m) for m in ReserveMember.objects.order_by("pk")])
    assert again.committed, again.errors
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    assert list(ReserveMember.objects.order_by("pk").values_list(*FIELDS)) == before
