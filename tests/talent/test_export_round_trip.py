"""A talent list exported with masked ID and phone numbers and birth dates shown as their
month, uploaded again by the clerk who exported it: they come back from the records
(orgwork.imports.restore), so a masked phone is never written over the real one and a
birth date never refuses its row."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.imports import services
from talent import services as talent_services
from talent.models import Person

from ..samples.names import numbered
from ..samples.talent import id_number_for
from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


def uploaded(user, workbook):
    """The workbook saved as Excel saves it, uploaded as a talent sheet and checked."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = services.job_create(user=user, resource="talent_people",
                              uploaded=SimpleUploadedFile("人才.xlsx", buffer.getvalue()))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_a_masked_talent_export_uploaded_unchanged_keeps_the_numbers_and_phones(
        settings, tmp_path, make_person, client_for, county_a_clerk):
    settings.MEDIA_ROOT = tmp_path / "media"
    people = [make_person(phone="13812345678"), make_person(phone="13987654321")]
    answer = client_for(county_a_clerk).get(reverse("admin:talent_person_export"))
    workbook = load_workbook(io.BytesIO(answer.content))
    cells = [c for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "138****5678" in cells and "13812345678" not in cells
    job = uploaded(county_a_clerk, workbook)
    assert "已按导出文件还原 4 个被遮蔽的号码" in job.message
    assert (job.error_rows, job.unchanged_count) == (0, 2), job.errors
    services.job_confirm(job=job, user=county_a_clerk)
    services.job_commit(job_id=job.pk)
    assert sorted(Person.objects.values_list("phone", flat=True)) == sorted(p.phone for p in people)


def test_a_phone_changed_since_the_export_keeps_its_whole_row_masked(
        settings, tmp_path, make_person, client_for, county_a_clerk):
    settings.MEDIA_ROOT = tmp_path / "media"
    changed, kept = make_person(phone="13812345678"), make_person(phone="13987654321")
    answer = client_for(county_a_clerk).get(reverse("admin:talent_person_export"))
    Person.objects.filter(pk=changed.pk).update(phone="13500001111")
    job = services.job_create(user=county_a_clerk, resource="talent_people",
                              uploaded=SimpleUploadedFile("人才.xlsx", answer.content))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert "已按导出文件还原 2 个被遮蔽的号码" in job.message
    assert "「联系电话」的号码无法还原" in job.message and "所在行的号码均未还原" in job.message
    assert job.error_rows == 1 and "遮盖过的身份证号" in str(job.errors)
    assert Person.objects.get(pk=changed.pk).phone == "13500001111"
    assert Person.objects.get(pk=kept.pk).phone == "13987654321"


def test_a_row_with_its_id_number_typed_in_full_and_a_phone_that_cannot_come_back_is_refused_under_the_phone(
        settings, tmp_path, make_person, client_for, county_a_clerk):
    """The row's masks stay (one cannot come back), but its ID number is typed in full:
    the masked phone refuses it, and nothing of the sheet is written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    changed, kept = make_person(phone="13812345678"), make_person(phone="13987654321")
    answer = client_for(county_a_clerk).get(reverse("admin:talent_person_export"))
    Person.objects.filter(pk=changed.pk).update(phone="13500001111")
    workbook = load_workbook(io.BytesIO(answer.content))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    id_column, phone_column = headers.index("身份证号") + 1, headers.index("联系电话") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, phone_column).value == "138****5678")
    sheet.cell(row, id_column).value = changed.id_number  # typed in full by the clerk
    for other in range(2, sheet.max_row + 1):
        if other != row:
            sheet.cell(other, headers.index("专业领域") + 1).value = "改过的领域"
    job = uploaded(county_a_clerk, workbook)
    assert "「联系电话」的号码无法还原" in job.message
    assert [(e["row"], e["column"]) for e in job.errors] == [(row, "联系电话")], job.errors
    assert "遮盖过的联系电话" in job.errors[0]["message"] and "填写完整的联系电话" in job.errors[0]["message"]
    assert job.error_rows == 1
    with pytest.raises(ValidationError):
        services.job_confirm(job=job, user=county_a_clerk)
    assert dict(Person.objects.values_list("pk", "phone")) == {changed.pk: "13500001111", kept.pk: "13987654321"}
    assert set(Person.objects.values_list("field", flat=True)) != {"改过的领域"}


def test_a_talent_sheet_without_a_mark_refuses_a_masked_phone_under_its_column(
        tmp_path, make_person, county_a_clerk):
    from orgwork.imports.engine import run_import
    from orgwork.imports.reader import open_sheet
    from talent.resources import PersonResource

    person = make_person(phone="13812345678")
    path = tmp_path / "人才.csv"
    path.write_text("姓名,身份证号,工作单位,联系电话\r\n"
                    f"{person.name},{person.id_number},{person.unit.code},139****4321\r\n", encoding="utf-8")
    result = run_import(PersonResource, county_a_clerk, open_sheet(str(path), path.name, PersonResource), commit=True)
    assert [(e.row, e.column) for e in result.errors] == [(2, "联系电话")]
    assert "请在原表中改正后上传" in result.errors[0].message  # a sheet's words
    assert not result.committed and Person.objects.get().phone == "13812345678"


def test_the_talent_form_path_refuses_a_masked_phone(make_person):
    person = make_person(phone="13812345678")
    person.phone = "138****5678"
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert error.value.message_dict["phone"] == ["联系电话不能是遮蔽后的号码，请填写完整的联系电话。"]  # a form's words


def born_talent(tree, seq, born, phone):
    """A talent whose birth date, from the number, is ``born``."""
    return talent_services.person_save(person=Person(
        name=numbered("人才", seq, 3), id_number=id_number_for(seq, born), birth_date=born, unit=tree["county_a"],
        field="作物育种", professional_title="研究员", phone=phone), actor=SYSTEM)


def test_a_masked_talent_export_uploaded_unchanged_keeps_the_birth_dates(
        settings, tmp_path, tree, client_for, county_a_clerk):
    settings.MEDIA_ROOT = tmp_path / "media"
    people = [born_talent(tree, 501, datetime.date(1975, 3, 9), "13812345678"),
              born_talent(tree, 502, datetime.date(1986, 11, 2), "13987654321")]
    answer = client_for(county_a_clerk).get(reverse("admin:talent_person_export"))
    workbook = load_workbook(io.BytesIO(answer.content))
    cells = [c for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "1975.03" in cells and "1986.11" in cells and not any("1975-03-09" in str(c) for c in cells)
    job = uploaded(county_a_clerk, workbook)
    assert "已按导出文件还原 6 个被遮蔽的号码和日期" in job.message
    assert (job.error_rows, job.unchanged_count) == (0, 2), job.errors
    services.job_confirm(job=job, user=county_a_clerk)
    services.job_commit(job_id=job.pk)
    assert sorted(Person.objects.values_list("birth_date", flat=True)) == sorted(p.birth_date for p in people)


def test_an_exported_birth_month_two_talents_share_comes_back_from_each_rows_id_number(
        settings, tmp_path, tree, client_for, county_a_clerk):
    settings.MEDIA_ROOT = tmp_path / "media"
    born_talent(tree, 511, datetime.date(1980, 5, 17), "13812345678")
    born_talent(tree, 512, datetime.date(1980, 5, 3), "13987654321")
    answer = client_for(county_a_clerk).get(reverse("admin:talent_person_export"))
    job = uploaded(county_a_clerk, load_workbook(io.BytesIO(answer.content)))
    assert "已按导出文件还原 6 个被遮蔽的号码和日期" in job.message and "无法还原" not in job.message
    assert (job.error_rows, job.unchanged_count) == (0, 2), job.errors
    assert "1980-05-17" not in str(job.errors) + job.message
    assert sorted(Person.objects.values_list("birth_date", flat=True)) == [datetime.date(1980, 5, 3),
                                                                           datetime.date(1980, 5, 17)]
