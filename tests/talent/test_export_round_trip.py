"""A talent list exported with masked ID and phone numbers, uploaded again by the clerk
who exported it: both come back from the records (orgwork.imports.restore), so a masked
phone is never written over the real one."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.imports import services
from talent.models import Person

pytestmark = pytest.mark.django_db


def test_a_masked_talent_export_uploaded_unchanged_keeps_the_numbers_and_phones(
        settings, tmp_path, make_person, client_for, county_a_clerk):
    settings.MEDIA_ROOT = tmp_path / "media"
    people = [make_person(phone="13812345678"), make_person(phone="13987654321")]
    answer = client_for(county_a_clerk).get(reverse("admin:talent_person_export"))
    workbook = load_workbook(io.BytesIO(answer.content))
    cells = [c for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "138****5678" in cells and "13812345678" not in cells
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = services.job_create(user=county_a_clerk, resource="talent_people",
                              uploaded=SimpleUploadedFile("人才.xlsx", buffer.getvalue()))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
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
