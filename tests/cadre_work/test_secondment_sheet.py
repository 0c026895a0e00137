"""The 选派干部 sheet through the import engine: the same rules as the form, rows held
against the database and against each other, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from cadres.secondment.models import Assignment, AssignmentStatus
from cadres.secondment.resources import AssignmentResource
from cadres.secondment.services import assignment_end
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet

from .secondment_helpers import (  # noqa: F401  (fixtures)
    SYSTEM,
    cadre_a,
    cadre_a2,
    cadre_b,
    days_ago,
    second,
    station,
    years_on,
)

pytestmark = pytest.mark.django_db
HEAD = ["选派类型", "身份证号", "姓名", "派出单位", "挂职单位", "挂任职务", "所在乡镇", "驻村名称", "选派开始日期",
        "选派期满日期"]


def row(kind: str, cadre: Any, *, host: str = "", post: str = "", township: str = "", village: str = "",
        start: Any = None, end: Any = None) -> list[Any]:
    start = start or days_ago(30)
    return [kind, cadre.id_number, cadre.name, cadre.unit.code, host, post, township, village, start.isoformat(),
            (end or years_on(start, 2)).isoformat()]


def run(tmp_path: Path, rows: list[list[Any]], user: Any) -> Any:
    path = tmp_path / "sheet.csv"
    path.write_text("\r\n".join(",".join(str(v) for v in r) for r in [HEAD, *rows]) + "\r\n", encoding="utf-8")
    return run_import(AssignmentResource, user, open_sheet(str(path), path.name, AssignmentResource), commit=True)


def messages(result: Any) -> str:
    return "；".join(f"{e.row}:{e.column}:{e.message}" for e in result.errors)


def test_the_sheet_registers_a_first_secretary_and_a_secondment(tmp_path, tree, cadre_a, cadre_a2, county_a_clerk):
    result = run(tmp_path, [row("第一书记", cadre_a, township="620102001", village="红山村"),
                            row("挂职", cadre_a2, host="620102001", post="副镇长")], county_a_clerk)
    assert result.committed, messages(result)
    village = Assignment.objects.get(cadre=cadre_a)
    assert (village.township, village.village, village.status) == (tree["township_a"], "红山村", AssignmentStatus.ACTIVE)
    assert Assignment.objects.get(cadre=cadre_a2).host_unit == tree["township_a"]


def test_the_sheet_refuses_an_assignment_overlapping_a_stored_one(tmp_path, tree, cadre_a, county_a_clerk):
    second(cadre_a, host=tree["county_b"], start=days_ago(300))
    result = run(tmp_path, [row("第一书记", cadre_a, township="620102001", village="红山村")], county_a_clerk)
    assert not result.committed and "选派期间不能重叠" in messages(result)


def test_two_rows_of_one_sheet_cannot_overlap_for_one_cadre_and_nothing_is_written(tmp_path, tree, cadre_a, cadre_a2,
                                                                                  county_a_clerk):
    result = run(tmp_path, [row("挂职", cadre_a2, host="620102001", post="副镇长"),
                            row("第一书记", cadre_a, township="620102001", village="红山村"),
                            row("驻村工作队员", cadre_a, township="620102001", village="青石村", start=days_ago(10))],
                 county_a_clerk)
    assert not result.committed and "与表中前面的行重叠" in messages(result)
    assert not Assignment.objects.exists()


def test_the_sheet_refuses_a_second_first_secretary_for_one_village(tmp_path, tree, cadre_a, cadre_a2,
                                                                     county_a_clerk):
    station(cadre_a, township=tree["township_a"], village="红山村")
    result = run(tmp_path, [row("第一书记", cadre_a2, township="620102001", village="红山村")], county_a_clerk)
    assert not result.committed and "同一时间只能有一名第一书记" in messages(result)


def test_the_sheet_refuses_a_secondment_without_its_host_unit(tmp_path, tree, cadre_a, county_a_clerk):
    result = run(tmp_path, [row("挂职", cadre_a, post="副区长")], county_a_clerk)
    assert not result.committed and "挂职须填写挂职单位" in messages(result)


def test_the_sheet_cannot_rewrite_an_assignment_that_has_ended(tmp_path, tree, cadre_a, county_a_clerk):
    a = second(cadre_a, host=tree["township_a"], post="副镇长", start=days_ago(30))
    assignment_end(assignment=a, status=AssignmentStatus.RECALLED, left_on=days_ago(1), reason="工作需要",
                   actor=SYSTEM)
    result = run(tmp_path, [row("挂职", cadre_a, host="620102001", post="副镇长", start=days_ago(30))],
                 county_a_clerk)
    assert result.committed and (result.unchanged, result.updated) == (1, 0), messages(result)  # as it stands: 未变
    result = run(tmp_path, [row("挂职", cadre_a, host="620102001", post="镇长", start=days_ago(30))],
                 county_a_clerk)
    assert not result.committed and "不能再由表格修改" in messages(result)


def test_the_sheet_cannot_send_another_countys_cadre_or_post_to_another_countys_unit(tmp_path, tree, cadre_a, cadre_b,
                                                                                     county_a_clerk):
    result = run(tmp_path, [row("挂职", cadre_b, host="620102", post="副区长")], county_a_clerk)
    assert not result.committed and "管辖范围" in messages(result)
    result = run(tmp_path, [row("挂职", cadre_a, host="620103", post="副区长")], county_a_clerk)
    assert not result.committed and "管辖范围" in messages(result)


def test_the_sheet_template_is_downloadable(county_a_clerk, client_for):
    response = client_for(county_a_clerk).get(reverse("admin:imports_importjob_template",
                                                      args=["secondment_assignments"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


CHECK_HEAD = ["身份证号", "姓名", "抽查日期", "抽查人", "抽查结果", "情况说明"]


def run_checks(tmp_path: Path, rows: list[list[Any]], user: Any) -> Any:
    from cadres.secondment.resources import DutyCheckResource

    path = tmp_path / "checks.csv"
    path.write_text("\r\n".join(",".join(str(v) for v in r) for r in [CHECK_HEAD, *rows]) + "\r\n", encoding="utf-8")
    return run_import(DutyCheckResource, user, open_sheet(str(path), path.name, DutyCheckResource), commit=True)


def test_the_check_sheet_records_absences_and_the_second_goes_on_the_checklist(tmp_path, tree, cadre_a,
                                                                                county_a_clerk):
    from cadres.secondment.models import DutyCheck
    from orgwork.rectification.models import RectificationItem

    from .secondment_helpers import same_year_days

    a = station(cadre_a, township=tree["township_a"])
    first, second_day = same_year_days(2)
    result = run_checks(tmp_path, [[cadre_a.id_number, cadre_a.name, first.isoformat(), "暗访组", "不在岗", "无人"],
                                   [cadre_a.id_number, cadre_a.name, second_day.isoformat(), "暗访组", "不在岗", ""]],
                        county_a_clerk)
    assert result.committed, messages(result)
    assert DutyCheck.objects.filter(assignment=a, present=False).count() == 2
    assert RectificationItem.objects.filter(problem__contains="不在岗2次").count() == 1


def test_the_check_sheet_refuses_a_day_outside_the_time_in_post_and_another_countys_cadre(
        tmp_path, tree, cadre_a, cadre_b, county_a_clerk):
    station(cadre_a, township=tree["township_a"], start=days_ago(20))
    station(cadre_b, township=tree["township_a"], village="青石村", start=days_ago(20))
    result = run_checks(tmp_path, [[cadre_a.id_number, cadre_a.name, days_ago(30).isoformat(), "暗访组", "在岗", ""]],
                        county_a_clerk)
    assert not result.committed and "不在该干部的在岗期间" in messages(result)
    result = run_checks(tmp_path, [[cadre_b.id_number, cadre_b.name, days_ago(3).isoformat(), "暗访组", "在岗", ""]],
                        county_a_clerk)
    assert not result.committed and "管辖范围" in messages(result)
