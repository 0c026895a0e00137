"""The talent sheets through the bulk import engine: cells, rows and the batch quota."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from talent import services
from talent.models import Enrollment, EnrollmentStatus, Funding, Person, ReviewGrade, Reward, TermReview
from talent.resources import EnrollmentResource, FundingResource, PersonResource, TermReviewResource

from ..samples.names import numbered
from ..samples.talent import id_number_for

pytestmark = pytest.mark.django_db
BORN = datetime.date(1982, 7, 1)


def run(tmp_path: Path, rows: list[list[Any]], resource: Any, user: Any, commit: bool = True) -> Any:
    path = tmp_path / "sheet.csv"
    path.write_text("\r\n".join(",".join(str(v) for v in row) for row in rows) + "\r\n", encoding="utf-8")
    return run_import(resource, user, open_sheet(str(path), path.name, resource), commit=commit)


def errors_of(result: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def people_rows(*units: str) -> list[list[Any]]:
    head = ["姓名", "身份证号", "性别", "工作单位", "专业领域", "专业技术职称"]
    return [head] + [[numbered("导入", i), id_number_for(i + 300, BORN), "男", unit, "中医药", "主任医师"]
                     for i, unit in enumerate(units)]


def test_the_talent_sheet_registers_people_in_scope(tmp_path, county_a_clerk) -> None:
    result = run(tmp_path, people_rows("620102", "620102001"), PersonResource, county_a_clerk)
    assert (result.new, result.error_count, result.committed) == (2, 0, True)
    assert set(Person.objects.values_list("unit__code", flat=True)) == {"620102", "620102001"}


def test_a_talent_in_another_county_is_a_row_error(tmp_path, county_a_clerk) -> None:
    result = run(tmp_path, people_rows("620102", "620103"), PersonResource, county_a_clerk)
    assert not result.committed and not Person.objects.exists()
    assert [(row, column) for row, column, _ in errors_of(result)] == [(3, "工作单位")]


def test_the_roster_sheet_respects_the_batch_quota_counting_rows_above(tmp_path, county_a_clerk, leading) -> None:
    run(tmp_path, people_rows("620102", "620102", "620102", "620102"), PersonResource, county_a_clerk)
    roster = [["身份证号", "人才计划", "入选批次", "聘期开始"]] + [
        [id_number_for(i + 300, BORN), "甘肃省领军人才", 2024, "2024-01-01"] for i in range(4)]
    result = run(tmp_path, roster, EnrollmentResource, county_a_clerk)
    assert not result.committed
    assert errors_of(result) == [(5, "入选批次", "「甘肃省领军人才」2024年批次名额为 3 人，已满。")]
    assert run(tmp_path, roster[:4], EnrollmentResource, county_a_clerk).new == 3
    enrollment = Enrollment.objects.order_by("pk").first()
    assert (enrollment.status, enrollment.term_end) == (EnrollmentStatus.ACTIVE, datetime.date(2028, 12, 31))


def test_the_roster_sheet_cannot_name_another_countys_talent(tmp_path, county_b_clerk, leading, make_person) -> None:
    person = make_person(unit="county_a")
    rows = [["身份证号", "人才计划", "入选批次", "聘期开始"], [person.id_number, "甘肃省领军人才", 2024, "2024-01-01"]]
    result = run(tmp_path, rows, EnrollmentResource, county_b_clerk)
    ((row, column, message),) = errors_of(result)
    assert (row, column) == (2, "身份证号") and "未登记或不在您的管辖范围内" in message
    assert person.id_number not in message


def test_the_funding_sheet_finds_the_enrollment_and_checks_the_range(tmp_path, county_a_clerk, top_leading,
                                                                      enroll) -> None:
    first, second = enroll(top_leading), enroll(top_leading)
    head = ["身份证号", "人才计划", "资助年度", "资助金额（元）"]
    bad = run(tmp_path, [head, [first.person.id_number, "甘肃省拔尖领军人才", 2025, 1000000],
                         [second.person.id_number, "甘肃省拔尖领军人才", 2025, 4000000]], FundingResource, county_a_clerk)
    assert not bad.committed and [(r, c) for r, c, _ in errors_of(bad)] == [(3, "资助金额（元）")]
    good = run(tmp_path, [head, [first.person.id_number, "甘肃省拔尖领军人才", 2025, 1000000]], FundingResource,
               county_a_clerk)
    assert good.new == 1
    funding = Funding.objects.get()
    assert (funding.enrollment, funding.amount) == (first, Decimal("1000000"))


def test_reviews_imported_in_bulk_get_their_reward_and_cannot_be_regraded(tmp_path, county_a_clerk, leading,
                                                                          enroll) -> None:
    enrollment = enroll(leading)
    head = ["身份证号", "人才计划", "考核年度", "考核等次", "考核日期"]
    row = [enrollment.person.id_number, "甘肃省领军人才", 2026, "优秀", "2026-12-01"]
    assert run(tmp_path, [head, row], TermReviewResource, county_a_clerk).new == 1
    # The engine runs the resource's after_import_commit inside the commit: no second step.
    assert Reward.objects.get().amount == Decimal("200000")
    regraded = run(tmp_path, [head, row[:3] + ["不合格", "2026-12-01"]], TermReviewResource, county_a_clerk)
    assert not regraded.committed and "已登记为「优秀」" in errors_of(regraded)[0][2]
    assert TermReview.objects.get().grade == ReviewGrade.EXCELLENT


def test_an_unqualified_review_imported_in_bulk_starts_the_exit(tmp_path, county_a_clerk, leading, enroll) -> None:
    enrollment = enroll(leading)
    head = ["身份证号", "人才计划", "考核年度", "考核等次", "考核日期"]
    result = run(tmp_path, [head, [enrollment.person.id_number, "甘肃省领军人才", 2026, "不合格", "2026-12-01"]],
                 TermReviewResource, county_a_clerk)
    assert result.new == 1
    enrollment.refresh_from_db()
    assert enrollment.status == "exited"


def test_a_sheets_unqualified_review_exits_the_enrollee_in_the_same_audited_transaction(
        tmp_path, county_a_clerk, leading, enroll) -> None:
    from orgwork.audit.models import AuditAction, AuditLog

    enrollment = enroll(leading)
    head = ["身份证号", "人才计划", "考核年度", "考核等次", "考核日期"]
    result = run(tmp_path, [head, [enrollment.person.id_number, "甘肃省领军人才", 2026, "不合格", "2026-12-01"]],
                 TermReviewResource, county_a_clerk)
    assert result.committed
    exit_row = AuditLog.objects.get(action=AuditAction.TRANSITION, object_id=str(enrollment.pk))
    assert exit_row.actor_id == county_a_clerk.pk and "聘期考核不合格" in exit_row.message


def test_an_excel_number_in_the_id_column_says_how_to_fix_it(tmp_path, county_a_clerk, leading) -> None:
    rows = [["身份证号", "人才计划", "入选批次", "聘期开始"], ["6.20102E+17", "甘肃省领军人才", 2024, "2024-01-01"]]
    ((_, column, message),) = errors_of(run(tmp_path, rows, EnrollmentResource, county_a_clerk, commit=False))
    assert column == "身份证号" and "文本" in message


def test_services_and_sheets_share_the_same_quota_rule(leading, enroll) -> None:
    for _ in range(3):
        enroll(leading)
    assert services.enrollment_quota_error(programme=leading, batch_year=2024) is not None


def test_the_roster_sheet_refuses_a_name_that_is_not_the_persons(tmp_path, county_a_clerk, leading, make_person) -> None:
    person = make_person(unit="county_a")
    head = ["身份证号", "姓名", "人才计划", "入选批次", "聘期开始"]
    wrong = run(tmp_path, [head, [person.id_number, "另一人", "甘肃省领军人才", 2024, "2024-01-01"]],
                EnrollmentResource, county_a_clerk)
    assert errors_of(wrong) == [(2, "姓名", f"姓名与系统中该身份证号的人才不一致（系统中为 {person.name[0]}*）")]
    assert not Enrollment.objects.exists()
    # The same name with a space in it (a two-character name padded in Excel) is the person's.
    spaced = person.name[0] + "  " + person.name[1:]
    right = run(tmp_path, [head, [person.id_number, spaced, "甘肃省领军人才", 2024, "2024-01-01"]],
                EnrollmentResource, county_a_clerk)
    assert right.committed, errors_of(right)


def test_a_name_check_ignores_the_dot_a_sheet_writes_inside_a_name(tmp_path, county_a_clerk, leading,
                                                                   make_person) -> None:
    person = make_person(unit="county_a")
    Person.objects.filter(pk=person.pk).update(name="阿不都热合曼")
    head = ["身份证号", "姓名", "人才计划", "入选批次", "聘期开始"]
    result = run(tmp_path, [head, [person.id_number, "阿不都·热合曼", "甘肃省领军人才", 2024, "2024-01-01"]],
                 EnrollmentResource, county_a_clerk)
    assert result.committed, errors_of(result)
