"""After the commit: "查看新增的 N 条" / "查看更新的 N 条" open the imported model's list
filtered to exactly the rows the job wrote, within the reader's jurisdiction; a failed
import offers none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from cadres.models import Cadre
from orgwork.imports import registry, services
from orgwork.imports.filters import ImportedRowsFilter
from orgwork.imports.models import ImportJob, ImportJobRow, JobStatus, RowAction
from orgwork.imports.preview import written_links
from tests.samples.names import numbered

from .conftest import HEAD, person
from .sheets import workbook_bytes, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]


def imported(user: Any, rows: list[list[Any]], name: str = "干部.xlsx") -> ImportJob:
    job = services.job_create(user=user, resource="test_cadres", uploaded=SimpleUploadedFile(name, workbook_bytes(rows)))
    services.job_validate(job_id=job.pk)
    services.job_confirm(job=job, user=user)
    services.job_commit(job_id=job.pk)
    job.refresh_from_db()
    return job


def listed(client: Any, url: str) -> set[str]:
    """The names on a changelist page (the test admin lists 姓名 and 单位)."""
    answer = client.get(url)
    assert answer.status_code == 200
    return {row.name for row in answer.context["cl"].result_list}


@pytest.fixture
def second_job(media: Path, test_resource: Any, county_a_clerk: Any, run_sheet: Any, tmp_path: Path) -> ImportJob:
    """Cadres 1–4 on file before; the job changes 1 and 2, leaves 3 as it is, adds 5–7."""
    assert run_sheet(xlsx(tmp_path / "before.xlsx", [HEAD, *[person(i) for i in range(1, 5)]]), county_a_clerk,
                     commit=True).new == 4
    job = imported(county_a_clerk, [HEAD, person(1, 现任职务="主任"), person(2, 现任职务="副主任"), person(3),
                                    *[person(i) for i in range(5, 8)]])
    assert job.status == JobStatus.DONE and (job.new_count, job.updated_count, job.unchanged_count) == (3, 2, 1)
    return job


def test_a_commit_records_exactly_the_rows_it_created_and_changed(second_job: ImportJob) -> None:
    by_name = dict(Cadre.objects.values_list("name", "pk"))
    rows = set(ImportJobRow.objects.filter(job=second_job).values_list("action", "object_id"))
    assert rows == {(RowAction.NEW, by_name["张五"]), (RowAction.NEW, by_name["张六"]), (RowAction.NEW, by_name["张七"]),
                    (RowAction.UPDATED, by_name["张一"]), (RowAction.UPDATED, by_name["张二"])}


def test_the_finished_job_links_to_its_new_and_changed_rows(second_job: ImportJob, county_a_clerk: Any,
                                                            client_for: Any) -> None:
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:imports_importjob_change", args=[second_job.pk])).content.decode()
    assert "查看新增的 3 条" in page and "查看更新的 2 条" in page
    new, updated = written_links(second_job)
    assert new.url in page.replace("&amp;", "&") and updated.url in page.replace("&amp;", "&")
    assert listed(client, new.url) == {"张五", "张六", "张七"}
    assert listed(client, updated.url) == {"张一", "张二"}


def test_the_filtered_list_names_the_job_in_its_filter_panel(second_job: ImportJob, county_a_clerk: Any,
                                                             client_for: Any) -> None:
    new, _ = written_links(second_job)
    text = client_for(county_a_clerk).get(new.url).content.decode()
    assert "「干部.xlsx」新增的记录" in text


def test_a_job_with_only_unchanged_rows_offers_no_links(second_job: ImportJob, county_a_clerk: Any) -> None:
    again = imported(county_a_clerk, [HEAD, person(3)], name="再次.xlsx")
    assert again.status == JobStatus.DONE and again.unchanged_count == 1
    assert written_links(again) == []


def test_a_failed_import_offers_no_links_and_records_no_rows(media: Path, test_resource: Any, county_a_clerk: Any,
                                                             client_for: Any, run_sheet: Any, tmp_path: Path) -> None:
    job = services.job_create(user=county_a_clerk, resource="test_cadres",
                              uploaded=SimpleUploadedFile("a.xlsx", workbook_bytes([HEAD, person(1), person(2)])))
    services.job_validate(job_id=job.pk)
    services.job_confirm(job=job, user=county_a_clerk)
    # Someone registers one of the cadres between the preview and the commit: all or nothing.
    run_sheet(xlsx(tmp_path / "meanwhile.xlsx", [HEAD, person(2)]), county_a_clerk, commit=True)
    assert services.job_commit(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert Cadre.objects.count() == 1
    assert not ImportJobRow.objects.filter(job=job).exists()
    assert written_links(job) == []
    page = client_for(county_a_clerk).get(reverse("admin:imports_importjob_change", args=[job.pk])).content.decode()
    assert "查看新增" not in page and "查看更新" not in page


def test_a_failed_jobs_rows_filter_lists_nothing(media: Path, test_resource: Any, county_a_clerk: Any,
                                                 client_for: Any, run_sheet: Any, tmp_path: Path) -> None:
    job = services.job_create(user=county_a_clerk, resource="test_cadres",
                              uploaded=SimpleUploadedFile("a.xlsx", workbook_bytes([HEAD, person(1)])))
    services.job_validate(job_id=job.pk)
    services.job_abandon(job=job, user=county_a_clerk)
    run_sheet(xlsx(tmp_path / "b.xlsx", [HEAD, person(1)]), county_a_clerk, commit=True)
    url = reverse("admin:cadres_cadre_changelist") + f"?import_job={job.pk}-new"
    assert listed(client_for(county_a_clerk), url) == set()


def test_the_links_list_nothing_outside_the_readers_jurisdiction(second_job: ImportJob, county_a_clerk: Any,
                                                                 county_b_clerk: Any, city_officer: Any,
                                                                 tree: dict[str, Any], client_for: Any) -> None:
    new, _ = written_links(second_job)
    # A record the job created, moved to another county since: the county's list no longer holds it.
    Cadre.objects.filter(name="张七").update(unit=tree["county_b"])
    assert listed(client_for(county_a_clerk), new.url) == {"张五", "张六"}
    # The city above both sees the job and all three.
    assert listed(client_for(city_officer), new.url) == {"张五", "张六", "张七"}
    # The other county does not see the job at all: its link lists nothing, not even 张七.
    assert listed(client_for(county_b_clerk), new.url) == set()


@pytest.mark.parametrize("value", ["", "abc", "1", "-new", "99999-new", "1-deleted", "1-new-new", "１-new",
                                   "9" * 40 + "-new", "1-updated\x00"])
def test_a_value_that_names_no_visible_job_lists_nothing_and_never_fails(second_job: ImportJob, county_a_clerk: Any,
                                                                         client_for: Any, value: str) -> None:
    url = reverse("admin:cadres_cadre_changelist")
    answer = client_for(county_a_clerk).get(url, {"import_job": value})
    assert answer.status_code == 200
    names = {row.name for row in answer.context["cl"].result_list}
    assert not names or names == {numbered("张", i) for i in range(1, 8)}  # empty, or the filter was refused whole


def test_a_job_of_another_model_lists_nothing(second_job: ImportJob, county_a_clerk: Any, client_for: Any) -> None:
    ImportJob.objects.filter(pk=second_job.pk).update(resource="units")
    url = reverse("admin:cadres_cadre_changelist") + f"?import_job={second_job.pk}-new"
    assert listed(client_for(county_a_clerk), url) == set()


def test_every_registered_import_kind_with_a_list_declares_the_filter(province_officer: Any) -> None:
    request = RequestFactory().get("/")
    request.user = province_officer
    for slug, resource_class in registry._RESOURCES.items():
        model_admin = admin.site._registry.get(resource_class._meta.model)
        if model_admin is None:  # a model without a list page of its own (支部书记)
            continue
        assert ImportedRowsFilter in model_admin.get_list_filter(request), slug
        assert model_admin.lookup_allowed("import_job", "1-new", request), slug
