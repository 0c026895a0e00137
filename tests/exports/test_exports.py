"""Export files (导出文件): a large export is only queued by the page and built later as its
owner would see it; the owner alone downloads it, is told when it is ready, and the file
is deleted after seven days."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.exports.models import ExportFile, ExportKind, ExportStatus
from orgwork.exports.services import EXPORT_LOCKS, export_build, export_request
from orgwork.notifications.models import Notification, Stage
from orgwork.notifications.services import digests_build
from orgwork.common.contract import SystemActor
from tests.imports.conftest import media, test_resource  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
EXPORT = "admin:cadres_cadre_export"


def rows_of(response: Any) -> list[tuple[Any, ...]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@pytest.fixture
def queued_export(small_limit: int, many_cadres: Any, media: Path, county_a_clerk: Any, client_for: Any) -> ExportFile:
    many_cadres(5)
    response = client_for(county_a_clerk).get(reverse(EXPORT))
    assert response.status_code == 302 and response["Location"] == reverse("admin:exports")
    return ExportFile.objects.get()


def test_a_large_export_is_only_queued_by_the_page_and_has_no_file_yet(queued_export: ExportFile,
                                                                        county_a_clerk: Any) -> None:
    assert queued_export.owner == county_a_clerk and queued_export.kind == ExportKind.CHANGELIST
    assert queued_export.status == ExportStatus.PENDING and not queued_export.file
    assert queued_export.expires_at - queued_export.created_at == datetime.timedelta(days=7)
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()  # nothing was exported yet


def test_a_small_export_is_still_written_at_once(many_cadres: Any, county_a_clerk: Any, client_for: Any) -> None:
    many_cadres(2)
    response = client_for(county_a_clerk).get(reverse(EXPORT))
    assert response.status_code == 200 and len(rows_of(response)) == 3
    assert not ExportFile.objects.exists()


def test_an_export_link_with_a_condition_the_list_cannot_read_writes_no_file_and_says_so(
        many_cadres: Any, county_a_clerk: Any, client_for: Any) -> None:
    """The list shows its rows without a parameter it does not know (and says so); a file
    would hold the whole jurisdiction where the link meant a part of it."""
    many_cadres(2)
    client = client_for(county_a_clerk)
    response = client.get(reverse(EXPORT) + "?unit=12&is_current=1", follow=True)
    assert response.redirect_chain == [(reverse("admin:cadres_cadre_changelist") + "?unit=12&is_current=1", 302)]
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0].startswith("未导出：导出链接中有列表不能识别或不能应用的查询条件（unit、is_current）")
    assert any(m.startswith("已忽略无法识别的查询条件：unit、is_current") for m in shown)
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists() and not ExportFile.objects.exists()
    following = client.get(reverse("admin:cadres_cadre_changelist"))  # nothing left over for the next page
    assert not [str(m) for m in following.context["messages"]]


def test_an_export_of_the_lists_own_filter_is_written(many_cadres: Any, county_a_clerk: Any, client_for: Any) -> None:
    many_cadres(2)
    response = client_for(county_a_clerk).get(reverse(EXPORT) + "?status__exact=active")
    assert response.status_code == 200 and rows_of(response)[0]


def test_the_built_file_is_the_owners_view_masked_and_the_owner_is_told(
        queued_export: ExportFile, many_cadres: Any, tree: Any, county_a_clerk: Any, county_b_clerk: Any,
        client_for: Any) -> None:
    many_cadres(4, unit=tree["county_b"], start=100)  # another county's cadres stay out of the file
    assert export_build(export_id=queued_export.pk) == "ready"
    queued_export.refresh_from_db()
    assert queued_export.status == ExportStatus.READY and queued_export.progress == 100 and queued_export.total == 5
    rows = rows_of(client_for(county_a_clerk).get(reverse("admin:export_download", args=[queued_export.pk])))
    assert len(rows) == 6 and rows[0][0] == "姓名"
    ids = [r[rows[0].index("身份证号")] for r in rows[1:]]
    assert all(i[6:14] == "********" for i in ids)  # masked, as on the page
    notice = Notification.objects.get()
    assert notice.recipient == county_a_clerk and notice.stage == Stage.NOTICE and "已生成" in notice.title
    assert "（5 行）" in notice.body
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=county_a_clerk,
                                   message__startswith="下载导出文件").count() == 1


def test_another_account_gets_404_for_the_file_and_does_not_see_it_listed(
        queued_export: ExportFile, county_b_clerk: Any, province_officer: Any, client_for: Any) -> None:
    export_build(export_id=queued_export.pk)
    for other in (county_b_clerk, province_officer):  # a superior does not read a clerk's files either
        client = client_for(other)
        assert client.get(reverse("admin:export_download", args=[queued_export.pk])).status_code == 404
        assert client.get(reverse("admin:exports_progress")).json() == {"files": []}
        assert queued_export.title not in client.get(reverse("admin:exports")).content.decode()


def test_the_files_page_and_its_json_show_the_owners_progress(queued_export: ExportFile, county_a_clerk: Any,
                                                              client_for: Any, other_session: Any) -> None:
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:exports")).content.decode()
    assert queued_export.title in page and "排队中" in page and 'data-running="1"' in page
    assert "exports/progress.js" in page and "<script>" not in page  # no inline script: CSP
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", EXPORT_LOCKS.key(queued_export.pk))  # its worker
    ExportFile.objects.filter(pk=queued_export.pk).update(status=ExportStatus.RUNNING, progress=40, processed=2, total=5)
    (row,) = client.get(reverse("admin:exports_progress")).json()["files"]
    assert row["progress"] == 40 and row["running"] and row["download_url"] == ""


def test_a_file_expires_after_seven_days_and_the_daily_purge_deletes_it(
        queued_export: ExportFile, county_a_clerk: Any, client_for: Any) -> None:
    export_build(export_id=queued_export.pk)
    queued_export.refresh_from_db()
    path = Path(queued_export.file.path)
    assert path.exists()
    ExportFile.objects.filter(pk=queued_export.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client_for(county_a_clerk).get(reverse("admin:export_download", args=[queued_export.pk])).status_code == 404
    fresh = export_request(owner=county_a_clerk, kind=ExportKind.CHANGELIST, title="另一个", params={})
    out = io.StringIO()
    call_command("purge_exports", stdout=out)
    assert "1" in out.getvalue()
    assert list(ExportFile.objects.all()) == [fresh] and not path.exists()
    assert AuditLog.objects.filter(action=AuditAction.DELETE, actor_name="system:purge_exports").count() == 1


def test_a_file_whose_owner_lost_the_right_fails_and_the_owner_is_told(
        queued_export: ExportFile, county_a_clerk: Any) -> None:
    county_a_clerk.groups.clear()
    assert export_build(export_id=queued_export.pk) == "failed"
    queued_export.refresh_from_db()
    assert queued_export.status == ExportStatus.FAILED and "权限" in queued_export.message and not queued_export.file
    assert Notification.objects.get(recipient=county_a_clerk).title.startswith("导出文件生成失败")


def test_a_second_build_of_the_same_file_does_nothing(queued_export: ExportFile) -> None:
    assert export_build(export_id=queued_export.pk) == "ready"
    assert export_build(export_id=queued_export.pk) == "skipped"
    assert Notification.objects.count() == 1


def test_a_ready_file_is_not_mailed_in_the_daily_deadline_digest(queued_export: ExportFile,
                                                                 county_a_clerk: Any) -> None:
    county_a_clerk.email = "a@example.cn"
    county_a_clerk.save(update_fields=["email"])
    export_build(export_id=queued_export.pk)
    assert digests_build(actor=SystemActor("test")) == 0


def test_a_large_error_workbook_is_built_by_the_worker_masked_for_its_owner(
        small_limit: int, media: Path, test_resource: Any, county_a_clerk: Any, county_b_clerk: Any,
        client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from orgwork.imports import services as imports
    from tests.imports.conftest import HEAD, person
    from tests.imports.sheets import workbook_bytes

    rows = [person(i) for i in range(1, 6)]
    job = imports.job_create(user=county_a_clerk, resource=test_resource.slug,
                             uploaded=SimpleUploadedFile("干部.xlsx", workbook_bytes([HEAD, *rows, *rows])))
    imports.job_validate(job_id=job.pk)
    client = client_for(county_a_clerk)
    response = client.get(reverse("admin:imports_importjob_errors", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:exports")
    export = ExportFile.objects.get(kind=ExportKind.ERROR_WORKBOOK)
    assert export_build(export_id=export.pk) == "ready"
    content = rows_of(client.get(reverse("admin:export_download", args=[export.pk])))
    assert content[0][-1] == "错误说明" and any(r[-1] for r in content[1:])
    numbers = [r[HEAD.index("身份证号")] for r in rows]
    assert not any(n in str(content) for n in numbers)  # the owner may not unmask: masked
    assert client_for(county_b_clerk).get(reverse("admin:export_download", args=[export.pk])).status_code == 404


def test_the_worker_task_purges_as_the_command_does(queued_export: ExportFile) -> None:
    from orgwork.exports.tasks import purge_exports

    assert purge_exports.call() == 0  # nothing expired yet
    ExportFile.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    assert purge_exports.call() == 1 and not ExportFile.objects.exists()
