"""The online-learning sheet (网络学习记录) through the import engine: each row credits its
course's 学时 once, as the service does; one bad row writes nothing; a cadre of another
county is refused; the course catalogue is the province's."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import Cadre
from cadres.training.models import OnlineCompletion
from cadres.training.resources import OnlineCompletionResource
from cadres.training.selectors import with_hours
from orgwork.audit.models import AuditLog
from orgwork.common import idnumber
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet

from .training_helpers import YEAR, complete, county_cadre, course_in

pytestmark = pytest.mark.django_db
HEAD = ["课程编号", "课程名称", "身份证号", "姓名", "完成日期", "计入学时"]


def sheet_of(tmp_path: Path, rows: list[list[str]]):
    path = tmp_path / "网络学习记录.csv"
    path.write_text("\n".join(",".join(r) for r in [HEAD, *rows]) + "\n", encoding="utf-8")
    return open_sheet(str(path), path.name, OnlineCompletionResource)


def row(course, cadre, day: str = "2026-03-20", hours: str = "") -> list[str]:
    return [course.code, "", cadre.id_number, cadre.name, day, hours]


def messages(result) -> list[str]:
    return [e.message for e in result.errors]


def test_an_online_sheet_records_each_completion_with_its_courses_hours(tree, county_a_clerk, tmp_path) -> None:
    big, small = course_in(tree["province"], hours="18"), course_in(tree["province"], hours="8")
    one, two = county_cadre(tree["county_a"], "李志强"), county_cadre(tree["county_a"], "赵文华")
    # 计入学时 is what the course credits, whatever the sheet says.
    sheet = sheet_of(tmp_path, [row(big, one, "2026.3.20", "99"), row(small, one, "2026年4月2日"),
                                row(big, two, "2026-05-06")])
    result = run_import(OnlineCompletionResource, county_a_clerk, sheet, commit=True)
    assert result.committed, result.errors
    got = {(c.cadre.name, c.course.code, c.completed_on.month, c.credited_hours)
           for c in OnlineCompletion.objects.select_related("cadre", "course")}
    assert got == {("李志强", big.code, 3, Decimal("18")), ("李志强", small.code, 4, Decimal("8")),
                   ("赵文华", big.code, 5, Decimal("18"))}
    hours = {c.name: c.online_hours for c in with_hours(Cadre.objects.filter(pk__in=[one.pk, two.pk]), YEAR)}
    assert hours == {"李志强": Decimal("26"), "赵文华": Decimal("18")}
    kind = ContentType.objects.get_for_model(OnlineCompletion)
    assert AuditLog.objects.filter(content_type=kind).count() == 3


def test_a_sheet_with_one_bad_row_writes_nothing_and_says_why_in_chinese(tree, county_a_clerk, tmp_path) -> None:
    course = course_in(tree["province"])
    cadre = county_cadre(tree["county_a"])
    sheet = sheet_of(tmp_path, [row(course, cadre), ["WK-无此课程", "", cadre.id_number, cadre.name, "2026-03-21", ""],
                                [course.code, "", cadre.id_number, cadre.name, "三月二十日", ""]])
    result = run_import(OnlineCompletionResource, county_a_clerk, sheet, commit=True)
    assert not result.committed and not OnlineCompletion.objects.exists()
    assert "课程编号为「WK-无此课程」的网络课程不存在，请先在“网络课程”中登记。" in messages(result)
    assert any("与第 2 行重复" in m for m in messages(result))
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages(result))


def test_the_same_course_for_the_same_cadre_is_credited_once(tree, county_a_clerk, tmp_path) -> None:
    course = course_in(tree["province"], hours="12")
    cadre = county_cadre(tree["county_a"])
    complete(course, cadre)
    sheet = sheet_of(tmp_path, [row(course, cadre, "2026-06-01")])
    result = run_import(OnlineCompletionResource, county_a_clerk, sheet, commit=True)
    assert result.committed, result.errors
    completion = OnlineCompletion.objects.get()
    assert (completion.completed_on.month, completion.credited_hours) == (6, Decimal("12"))


def test_a_sheet_cannot_name_a_cadre_outside_the_uploaders_jurisdiction(tree, county_a_clerk, tmp_path) -> None:
    course = course_in(tree["province"])
    outsider = county_cadre(tree["county_b"], "王海东")
    result = run_import(OnlineCompletionResource, county_a_clerk, sheet_of(tmp_path, [row(course, outsider)]),
                        commit=True)
    assert not result.committed and not OnlineCompletion.objects.exists()
    assert "该身份证号的干部不存在或不在您的管辖范围内。" in messages(result)


def test_a_county_records_completions_of_a_course_of_the_province_catalogue(tree, county_b_clerk, tmp_path) -> None:
    course = course_in(tree["county_a"])  # published by another county: the catalogue is shared
    cadre = county_cadre(tree["county_b"])
    result = run_import(OnlineCompletionResource, county_b_clerk, sheet_of(tmp_path, [row(course, cadre)]), commit=True)
    assert result.committed, result.errors
    assert OnlineCompletion.objects.get().cadre == cadre


def test_a_reader_without_the_import_right_is_not_offered_the_sheet(view_only_auditor, county_a_clerk) -> None:
    from orgwork.imports.access import importable_resources

    assert "training_online_completions" in importable_resources(county_a_clerk)
    assert "training_online_completions" not in importable_resources(view_only_auditor)


def test_the_online_template_downloads_with_its_chinese_columns_and_an_example(county_a_clerk, client_for) -> None:
    answer = client_for(county_a_clerk).get(reverse("admin:imports_importjob_template",
                                                    args=["training_online_completions"]))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert [c.value for c in sheet[1]] == HEAD
    assert sheet[2][0].value is None and sheet[1][0].comment.text == "示例：GSWX-001"  # beside, not under


def test_the_list_exports_the_clerks_completions_with_id_numbers_masked(tree, county_a_clerk, client_for) -> None:
    course = course_in(tree["province"], hours="10")
    mine, other = county_cadre(tree["county_a"], "李志强"), county_cadre(tree["county_b"], "王海东")
    complete(course, mine)
    complete(course, other)
    client = client_for(county_a_clerk)
    assert "training_online_completions" in client.get(
        reverse("admin:training_onlinecompletion_changelist")).content.decode()
    response = client.get(reverse("admin:training_onlinecompletion_export"), {"_export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEAD
    assert [r[:4] for r in rows[1:]] == [(course.code, course.name, idnumber.mask(mine.id_number), "李志强")]
