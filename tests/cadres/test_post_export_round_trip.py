"""The 任职经历 list exported and uploaded again as it stands: a post a county's cadre held
in the city (任职单位 outside the county) comes back 未变. The 任职单位 is history, not
the record's scope (that is the cadre's unit): a unit outside the clerk's jurisdiction
is taken only where the post already holds it, and an unknown code is still refused."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import Post, Rank
from cadres.services import post_appoint
from orgwork.common.contract import SystemActor
from orgwork.imports import services
from orgwork.imports.models import ImportJob

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def posts(tree, make_cadre) -> list[Post]:
    """A county cadre who served in the city (市人大常委会副主任) before the county post he holds."""
    cadre = make_cadre(name="马振华")
    current = post_appoint(post=Post(cadre=cadre, unit=tree["county_a"], title="城关区政协副主席",
                                     rank=Rank.COUNTY_DEPUTY, appointed_on=datetime.date(2021, 3, 1)), actor=SYSTEM)
    past = post_appoint(post=Post(cadre=cadre, unit=tree["city"], title="兰州市人大常委会副主任",
                                  rank=Rank.COUNTY_DEPUTY, is_current=False, appointed_on=datetime.date(2016, 3, 1),
                                  removed_on=datetime.date(2021, 2, 1)), actor=SYSTEM)
    return [past, current]


def exported(client_for: Any, user: Any) -> Any:
    answer = client_for(user).get(reverse("admin:cadres_post_export"))
    assert answer.status_code == 200
    return load_workbook(io.BytesIO(answer.content))


def uploaded(user: Any, workbook: Any) -> ImportJob:
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = services.job_create(user=user, resource="cadre_posts",
                              uploaded=SimpleUploadedFile("任职经历.xlsx", buffer.getvalue()))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    return job


def city_row(workbook: Any) -> tuple[Any, int, int]:
    sheet = workbook.worksheets[0]
    unit = [c.value for c in sheet[1]].index("任职单位") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, unit).value == "6201")
    return sheet, row, unit


@pytest.mark.parametrize("persona", ["county_a_clerk", "city_officer"])
def test_an_exported_posts_list_with_a_post_held_in_the_city_uploaded_unchanged_is_unchanged(
        posts, client_for, personas, persona):
    stored = list(Post.objects.order_by("pk").values())
    workbook = exported(client_for, personas[persona])
    city_row(workbook)  # the city's code is on the sheet
    job = uploaded(personas[persona], workbook)
    rows = Post.objects.count()
    assert (job.error_rows, job.rows, job.unchanged_count) == (0, rows, rows), job.errors
    assert list(Post.objects.order_by("pk").values()) == stored


def test_a_county_clerk_cannot_move_a_post_to_another_unit_outside_the_county(posts, tree, client_for,
                                                                                county_a_clerk):
    workbook = exported(client_for, county_a_clerk)
    sheet, row, unit = city_row(workbook)
    sheet.cell(row, unit).value = tree["other_city"].code
    job = uploaded(county_a_clerk, workbook)
    assert job.error_rows == 1
    assert [(e["column"], e["message"]) for e in job.errors] == [("任职单位", "单位「6205」不存在或不在您的管辖范围内。")]


def test_an_unknown_unit_code_is_still_refused(posts, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk)
    sheet, row, unit = city_row(workbook)
    sheet.cell(row, unit).value = "629999"
    job = uploaded(county_a_clerk, workbook)
    assert [(e["column"], e["message"]) for e in job.errors] == [("任职单位", "单位「629999」不存在或不在您的管辖范围内。")]


def test_a_changed_row_of_a_post_held_in_the_city_is_still_checked(posts, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk)
    sheet, row, _ = city_row(workbook)
    removed = [c.value for c in sheet[1]].index("免职时间") + 1
    sheet.cell(row, removed).value = "2015-01-01"  # before the appointment
    job = uploaded(county_a_clerk, workbook)
    assert job.error_rows == 1 and job.unchanged_count == Post.objects.count() - 1, job.errors
    assert Post.objects.get(pk=posts[0].pk).removed_on == datetime.date(2021, 2, 1)
