"""The roster sheet (班次学员考勤表) through the import engine: the rules of the service
hold on every row, and one bad row writes nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadres.training.models import ClassAttendance
from cadres.training.resources import ClassAttendanceResource
from cadres.training.services import training_class_close
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet

from .training_helpers import SYSTEM, attend, class_in, county_cadre

pytestmark = pytest.mark.django_db
HEAD = ["班次编号", "身份证号", "姓名", "日期", "出勤情况", "备注"]


def sheet_of(tmp_path: Path, rows: list[list[str]]):
    path = tmp_path / "学员考勤.csv"
    path.write_text("\n".join(",".join(r) for r in [HEAD, *rows]) + "\n", encoding="utf-8")
    return open_sheet(str(path), path.name, ClassAttendanceResource)


def row(training_class, cadre, day: str, status: str = "出勤") -> list[str]:
    return [training_class.code, cadre.id_number, cadre.name, day, status, ""]


def messages(result) -> list[str]:
    return [e.message for e in result.errors]


def test_a_roster_sheet_puts_trainees_on_the_roster_with_the_hours_of_the_days_attended(
        tree, county_a_clerk, tmp_path) -> None:
    week = class_in(tree["county_a"], days=5, hours="40")
    one, two = county_cadre(tree["county_a"], "李志强"), county_cadre(tree["county_a"], "赵文华")
    sheet = sheet_of(tmp_path, [row(week, one, "2026.3.2"), row(week, one, "2026年3月3日", "请假"),
                                row(week, two, "2026-03-02", "缺勤"), row(week, two, "2026-03-03", "出勤")])
    result = run_import(ClassAttendanceResource, county_a_clerk, sheet, commit=True)
    assert result.committed, result.errors
    got = {(a.cadre.name, a.day.day, a.status, a.credited_hours)
           for a in ClassAttendance.objects.select_related("cadre")}
    assert got == {("李志强", 2, "attended", Decimal("8")), ("李志强", 3, "leave", 0),
                   ("赵文华", 2, "absent", 0), ("赵文华", 3, "attended", Decimal("8"))}


def test_a_sheet_row_outside_the_class_dates_refuses_the_whole_sheet(tree, county_a_clerk, tmp_path) -> None:
    week = class_in(tree["county_a"], days=5)
    cadre = county_cadre(tree["county_a"])
    sheet = sheet_of(tmp_path, [row(week, cadre, "2026-03-02"), row(week, cadre, "2026-03-09")])
    result = run_import(ClassAttendanceResource, county_a_clerk, sheet, commit=True)
    assert not result.committed and not ClassAttendance.objects.exists()
    assert any("考勤日期须在培训班日期之内" in m for m in messages(result))


def test_the_same_trainee_twice_on_one_day_in_a_sheet_is_a_duplicate_row(tree, county_a_clerk, tmp_path) -> None:
    week = class_in(tree["county_a"])
    cadre = county_cadre(tree["county_a"])
    sheet = sheet_of(tmp_path, [row(week, cadre, "2026-03-02"), row(week, cadre, "2026.03.02", "请假")])
    result = run_import(ClassAttendanceResource, county_a_clerk, sheet, commit=True)
    assert not result.committed and not ClassAttendance.objects.exists()
    assert any("与第 2 行重复" in m for m in messages(result))


def test_a_sheet_cannot_name_a_cadre_outside_the_uploaders_jurisdiction(tree, county_a_clerk, tmp_path) -> None:
    week = class_in(tree["county_a"])
    outsider = county_cadre(tree["county_b"], "王海东")
    result = run_import(ClassAttendanceResource, county_a_clerk, sheet_of(tmp_path, [row(week, outsider, "2026-03-02")]),
                        commit=True)
    assert not result.committed and not ClassAttendance.objects.exists()
    assert "该身份证号的干部不存在或不在您的管辖范围内。" in messages(result)


def test_a_sheet_cannot_change_the_roster_of_a_closed_class(tree, county_a_clerk, tmp_path) -> None:
    week = class_in(tree["county_a"])
    cadre = county_cadre(tree["county_a"])
    attend(week, cadre)
    training_class_close(training_class=week, closed_on=week.ends_on, actor=SYSTEM)
    result = run_import(ClassAttendanceResource, county_a_clerk,
                        sheet_of(tmp_path, [row(week, cadre, "2026-03-03")]), commit=True)
    assert not result.committed and ClassAttendance.objects.count() == 1
    assert any("已结业" in m for m in messages(result))


def test_the_roster_template_downloads_with_its_chinese_columns_and_an_example(county_a_clerk, client_for) -> None:
    answer = client_for(county_a_clerk).get(reverse("admin:imports_importjob_template", args=["training_attendance"]))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert [c.value for c in sheet[1]] == HEAD
    assert sheet[2][0].value is None and sheet[1][0].comment.text == "示例：PX2026-001"  # beside, not under
