"""下载错误标注表 on a large job queues one file per job and user: a second click while it
is being built, or once it is built, names that file instead of building another
(orgwork.exports.services.export_request_once)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from orgwork.exports import services as exports
from orgwork.exports.models import ExportFile, ExportKind, ExportStatus
from orgwork.imports.models import ImportJob

from .conftest import HEAD, person
from .sheets import validated_job, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def large_job(monkeypatch: pytest.MonkeyPatch, media: Path, test_resource: Any, county_a_clerk: Any) -> ImportJob:
    monkeypatch.setattr(exports, "INLINE_LIMIT", 3)  # the rule is the same at 5,000
    rows = [person(i) for i in range(1, 6)]
    job = validated_job(county_a_clerk, test_resource.slug, workbook_bytes([HEAD, *rows, person(6, 性别="难说")]),
                        "10k.xlsx")
    assert job.error_rows == 1
    return job


def click(client: Any, job: ImportJob) -> str:
    """下载错误标注表 once: the answer goes to 我的导出文件 and says what it did."""
    response = client.get(reverse("admin:imports_importjob_errors", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:exports")
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert client.get(response["Location"]).status_code == 200  # the page shows them: read
    return said


def test_a_second_click_while_the_workbook_is_being_built_queues_nothing(
        large_job: ImportJob, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    assert "「错误标注表：10k.xlsx」正在后台生成" in click(client, large_job)
    again = click(client, large_job)
    assert ExportFile.objects.filter(kind=ExportKind.ERROR_WORKBOOK).count() == 1
    assert "「错误标注表：10k.xlsx」已在后台生成中（排队中），无需再次申请" in again
    assert "正在后台生成，完成后" not in again


def test_a_click_once_the_workbook_is_built_links_the_built_one(
        large_job: ImportJob, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    click(client, large_job)
    built = ExportFile.objects.get()
    assert exports.export_build(export_id=built.pk) == "ready"
    page = client.get(reverse("admin:imports_importjob_errors", args=[large_job.pk]), follow=True)
    assert ExportFile.objects.count() == 1
    link = f'<a href="{reverse("admin:export_download", args=[built.pk])}">下载</a>'
    assert "已经生成，无需再次生成：" + link in page.content.decode()  # a link, not its markup as text


def test_each_user_has_a_file_of_their_own_and_a_failed_one_is_asked_for_again(
        large_job: ImportJob, county_a_clerk: Any, city_officer: Any, client_for: Any) -> None:
    click(client_for(county_a_clerk), large_job)
    click(client_for(city_officer), large_job)
    assert sorted(ExportFile.objects.values_list("owner__username", flat=True)) == sorted(
        [county_a_clerk.username, city_officer.username])
    ExportFile.objects.filter(owner=county_a_clerk).update(status=ExportStatus.FAILED)
    assert "正在后台生成" in click(client_for(county_a_clerk), large_job)
    assert ExportFile.objects.filter(owner=county_a_clerk).count() == 2


def test_a_workbook_built_before_the_jobs_errors_last_changed_is_not_offered(
        large_job: ImportJob, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    click(client, large_job)
    built = ExportFile.objects.get()
    exports.export_build(export_id=built.pk)
    ExportFile.objects.filter(pk=built.pk).update(
        created_at=large_job.validated_at - datetime.timedelta(minutes=1))
    assert "正在后台生成" in click(client, large_job)
    assert ExportFile.objects.count() == 2
