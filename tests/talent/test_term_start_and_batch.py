"""聘期开始 lies in the 入选批次 year or the next, and a computed 聘期结束 out of range is
named by what the clerk typed: on the service, the admin form and the roster sheet."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from talent.models import Enrollment
from talent.resources import EnrollmentResource

pytestmark = pytest.mark.django_db
D = datetime.date
INLINES = {f"{prefix}-{key}": value for prefix in ("plan_files", "fundings", "reviews")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}
FAR = "聘期开始 2096-01-01 与入选批次（2026年）不符：聘期应在入选当年或次年开始（2026年1月1日至2027年12月31日）。"


def refusal(leading: Any, enroll: Any, **fields: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        enroll(leading, **fields)
    return refused.value.message_dict


def test_a_term_starts_in_the_batch_year_or_the_next(leading: Any, enroll: Any) -> None:
    assert enroll(leading, batch_year=2026, term_start=D(2026, 3, 1)).term_start == D(2026, 3, 1)
    assert enroll(leading, batch_year=2026, term_start=D(2027, 1, 1)).term_start == D(2027, 1, 1)


def test_a_term_seventy_years_after_its_batch_is_refused(leading: Any, enroll: Any) -> None:
    assert refusal(leading, enroll, batch_year=2026, term_start=D(2096, 1, 1)) == {"term_start": [FAR]}
    assert "入选批次（2026年）不符" in refusal(leading, enroll, batch_year=2026, term_start=D(2028, 1, 1))["term_start"][0]
    assert "入选批次（2026年）不符" in refusal(leading, enroll, batch_year=2026, term_start=D(2025, 12, 31))["term_start"][0]
    assert not Enrollment.objects.exists()


def test_a_computed_term_end_out_of_range_names_the_start_and_the_rule(leading: Any, enroll: Any) -> None:
    message = refusal(leading, enroll, batch_year=2100, term_start=D(2100, 6, 1))
    assert message["term_start"] == [
        "聘期结束（按聘期开始 2100-06-01 和60个月的聘期推算为 2105-05-31）超出1900–2100年，请核对聘期开始。"]
    assert list(message) == ["term_start", "batch_year"]  # a 2100 batch is refused as well
    assert "2105-05-31」" not in str(message)


def test_the_admin_form_refuses_a_term_far_from_its_batch(leading: Any, make_person: Any, county_a_clerk: Any,
                                                           client_for: Any) -> None:
    person = make_person()
    response = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_add"), {
        "person": person.pk, "programme": leading.pk, "batch_year": 2026, "term_start": "2096-01-01",
        "term_end": "", "training_plan": "", **INLINES})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"term_start": [FAR]}
    assert not Enrollment.objects.exists()


def test_the_admin_form_names_the_typed_start_for_a_computed_end_out_of_range(
        leading: Any, make_person: Any, county_a_clerk: Any, client_for: Any) -> None:
    person = make_person()
    response = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_add"), {
        "person": person.pk, "programme": leading.pk, "batch_year": 2100, "term_start": "2100-06-01",
        "term_end": "", "training_plan": "", **INLINES})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"term_start", "batch_year"} and "推算为 2105-05-31" in errors["term_start"][0]


def test_the_roster_sheet_refuses_a_term_far_from_its_batch(tmp_path: Path, county_a_clerk: Any, leading: Any,
                                                            make_person: Any) -> None:
    person = make_person()
    path = tmp_path / "roster.csv"
    path.write_text(f"身份证号,人才计划,入选批次,聘期开始\r\n{person.id_number},甘肃省领军人才,2026,2096-01-01\r\n",
                    encoding="utf-8")
    result = run_import(EnrollmentResource, county_a_clerk, open_sheet(str(path), path.name, EnrollmentResource),
                        commit=True)
    assert not result.committed
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, "聘期开始", FAR)]
    assert not Enrollment.objects.exists()


def test_a_roster_date_cell_before_1900_is_named_as_out_of_range(tmp_path: Path, county_a_clerk: Any, leading: Any,
                                                                  make_person: Any) -> None:
    import openpyxl

    person = make_person()
    book = openpyxl.Workbook()
    book.active.append(["身份证号", "人才计划", "入选批次", "聘期开始"])
    book.active.append([person.id_number, "甘肃省领军人才", 2026, D(1899, 12, 31)])
    book.save(tmp_path / "roster.xlsx")
    path = str(tmp_path / "roster.xlsx")
    result = run_import(EnrollmentResource, county_a_clerk, open_sheet(path, "roster.xlsx", EnrollmentResource),
                        commit=True)
    ((row, column, message),) = [(e.row, e.column, e.message) for e in result.errors]
    assert (row, column) == (2, "聘期开始")
    assert message.startswith("单元格中没有日期，只有时间「00:00:00」：早于1900年的日期（如 1899-12-31）")
    assert "无法识别" not in message
