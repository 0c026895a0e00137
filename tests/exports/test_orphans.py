"""A file whose worker died mid-build (生成中断): it is closed 生成失败 where it is next seen
(the owner's page and its JSON, the next worker, the daily purge), the owner is told as
for any failed file, and 重新生成 builds it again for the same owner."""

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

from orgwork.audit.models import AuditAction, AuditLog, AuditSource
from orgwork.exports import services
from orgwork.exports.builders import BUILDERS
from orgwork.exports.models import ExportFile, ExportKind, ExportStatus
from orgwork.exports.services import export_build
from orgwork.notifications.models import Notification
from tests.imports.conftest import media  # noqa: F401  (fixture)

from .conftest import wait_for

pytestmark = pytest.mark.django_db
EXPORT = "admin:cadres_cadre_export"
LONG_AGO = datetime.timedelta(hours=1)


@pytest.fixture
def queued_export(small_limit: int, many_cadres: Any, media: Path, county_a_clerk: Any, client_for: Any) -> ExportFile:
    many_cadres(5)
    assert client_for(county_a_clerk).get(reverse(EXPORT)).status_code == 302
    return ExportFile.objects.get()


def left_running(export: ExportFile, *, silent_for: datetime.timedelta = LONG_AGO) -> ExportFile:
    """What a worker killed mid-build leaves: 生成中, some progress, then silence."""
    ExportFile.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, progress=40, processed=2, total=5,
                                                   heartbeat_at=timezone.now() - silent_for)
    return ExportFile.objects.get(pk=export.pk)


def fresh(export: ExportFile) -> ExportFile:
    return ExportFile.objects.get(pk=export.pk)


def test_a_file_left_running_by_a_dead_worker_fails_on_its_owners_page_and_the_owner_is_told(
        queued_export: ExportFile, county_a_clerk: Any, client_for: Any) -> None:
    left_running(queued_export)
    page = client_for(county_a_clerk).get(reverse("admin:exports")).content.decode()
    closed = fresh(queued_export)
    assert closed.status == ExportStatus.FAILED and closed.message == services.ORPHANED
    assert closed.message == "生成中断（后台任务未完成），请重新生成。" and closed.finished_at is not None
    assert "生成中断（后台任务未完成），请重新生成。" in page and "生成中" not in page.replace("生成中断", "")
    assert reverse("admin:export_retry", args=[closed.pk]) in page and "重新生成</button>" in page
    assert 'data-running="0"' in page  # the page stops polling
    notice = Notification.objects.get(recipient=county_a_clerk)
    assert notice.title == f"导出文件生成失败：{closed.title}" and notice.body == services.ORPHANED
    entry = AuditLog.objects.get(content_type__model="exportfile", object_id=str(closed.pk),
                                 action=AuditAction.TRANSITION)
    assert (entry.source, entry.actor, entry.actor_name) == (AuditSource.SYSTEM, None, "")  # the system's finding


def test_the_progress_json_closes_it_too_and_offers_the_retry(queued_export: ExportFile, county_a_clerk: Any,
                                                              client_for: Any) -> None:
    left_running(queued_export)
    (row,) = client_for(county_a_clerk).get(reverse("admin:exports_progress")).json()["files"]
    assert row["status"] == ExportStatus.FAILED and row["running"] is False and row["message"] == services.ORPHANED
    assert row["retry_url"] == reverse("admin:export_retry", args=[queued_export.pk])


def test_a_file_whose_worker_holds_its_lock_is_left_running_however_silent(
        queued_export: ExportFile, county_a_clerk: Any, client_for: Any, other_session: Any) -> None:
    left_running(queued_export, silent_for=datetime.timedelta(days=2))
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", services.EXPORT_LOCKS.key(queued_export.pk))  # alive
    assert services.exports_close_orphans() == 0
    (row,) = client_for(county_a_clerk).get(reverse("admin:exports_progress")).json()["files"]
    assert row["status"] == ExportStatus.RUNNING and row["running"] and row["retry_url"] == ""
    assert not Notification.objects.exists()
    other_session.close()  # the worker's session ends, and its lock with it
    wait_for(lambda: services.export_close_if_orphaned(export_id=queued_export.pk), seconds=10)
    assert fresh(queued_export).status == ExportStatus.FAILED


def test_another_accounts_page_leaves_the_file_and_the_daily_purge_closes_it(
        queued_export: ExportFile, county_b_clerk: Any, client_for: Any) -> None:
    left_running(queued_export)
    assert client_for(county_b_clerk).get(reverse("admin:exports")).status_code == 200
    assert fresh(queued_export).status == ExportStatus.RUNNING  # only one's own files are looked at
    call_command("purge_exports", stdout=io.StringIO())
    assert fresh(queued_export).status == ExportStatus.FAILED and fresh(queued_export).message == services.ORPHANED
    assert Notification.objects.filter(title__startswith="导出文件生成失败").count() == 1


def test_the_next_worker_closes_it_before_its_own_build(queued_export: ExportFile, county_a_clerk: Any) -> None:
    left_running(queued_export)
    other = services.export_request(owner=county_a_clerk, kind=ExportKind.CHANGELIST, title="另一个",
                                    params=queued_export.params)
    assert export_build(export_id=other.pk) == "ready"
    assert fresh(queued_export).status == ExportStatus.FAILED and fresh(other).status == ExportStatus.READY


def test_retry_builds_the_same_file_again_for_its_owner(queued_export: ExportFile, county_a_clerk: Any,
                                                        client_for: Any) -> None:
    left_running(queued_export)
    client = client_for(county_a_clerk)
    client.get(reverse("admin:exports"))
    answer = client.post(reverse("admin:export_retry", args=[queued_export.pk]))
    assert answer.status_code == 302 and answer["Location"] == reverse("admin:exports")
    again = ExportFile.objects.get(retry_of=queued_export)
    assert (again.owner, again.kind, again.title, again.params) == (
        county_a_clerk, queued_export.kind, queued_export.title, queued_export.params)
    assert again.status == ExportStatus.PENDING
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_id=str(again.pk), actor=county_a_clerk,
                                   message__startswith="重新生成", changes__retry_of=queued_export.pk).exists()
    assert export_build(export_id=again.pk) == "ready"
    rows = list(load_workbook(io.BytesIO(b"".join(
        client.get(reverse("admin:export_download", args=[again.pk])).streaming_content))).active.iter_rows(
        values_only=True))
    assert len(rows) == 6  # the header and the five cadres
    page = client.get(reverse("admin:exports")).content.decode()
    assert reverse("admin:export_retry", args=[queued_export.pk]) not in page  # asked once: the button goes
    # A second click (another tab) adds nothing.
    answer = client.post(reverse("admin:export_retry", args=[queued_export.pk]), follow=True)
    assert "该导出文件已重新生成" in answer.content.decode()
    assert ExportFile.objects.count() == 2


def test_retry_is_only_for_the_owners_own_failed_file(queued_export: ExportFile, county_a_clerk: Any,
                                                      county_b_clerk: Any, client_for: Any) -> None:
    url = reverse("admin:export_retry", args=[queued_export.pk])
    owner = client_for(county_a_clerk)
    answer = owner.post(url, follow=True)  # still 排队中
    assert "只有生成失败的可以重新生成" in answer.content.decode()
    assert owner.get(url).status_code == 405
    left_running(queued_export)
    services.exports_close_orphans()
    assert client_for(county_b_clerk).post(url).status_code == 404  # another's file is not there
    assert ExportFile.objects.count() == 1


def test_retry_checks_the_owners_right_again(queued_export: ExportFile, county_a_clerk: Any,
                                             client_for: Any) -> None:
    left_running(queued_export)
    services.exports_close_orphans()
    county_a_clerk.groups.clear()
    answer = client_for(county_a_clerk).post(reverse("admin:export_retry", args=[queued_export.pk]), follow=True)
    assert "您已没有导出该数据的权限" in answer.content.decode()
    assert ExportFile.objects.count() == 1


def test_without_advisory_locks_a_file_silent_for_half_an_hour_is_closed(
        queued_export: ExportFile, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "on_postgres", lambda: False)  # as on SQLite
    left_running(queued_export, silent_for=datetime.timedelta(minutes=10))
    assert services.exports_close_orphans() == 0  # it wrote progress recently: alive
    left_running(queued_export, silent_for=services.RUNNING_STALE_AFTER + datetime.timedelta(minutes=1))
    assert services.exports_close_orphans() == 1
    assert fresh(queued_export).message == services.ORPHANED


def test_a_build_closed_as_abandoned_meanwhile_stays_failed(queued_export: ExportFile,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Off PostgreSQL a slow build may be taken for a dead one; when it ends after all,
    the owner who was told it failed is not told otherwise, and no file is kept."""
    monkeypatch.setattr(services, "on_postgres", lambda: False)
    build = BUILDERS[ExportKind.CHANGELIST]

    def slow(export: ExportFile, progress: Any) -> tuple[bytes, str]:
        content = build(export, progress)
        left_running(export)  # long silent …
        assert services.exports_close_orphans() == 1  # … and closed meanwhile
        return content

    monkeypatch.setitem(BUILDERS, ExportKind.CHANGELIST, slow)
    assert export_build(export_id=queued_export.pk) == "closed"
    closed = fresh(queued_export)
    assert closed.status == ExportStatus.FAILED and closed.message == services.ORPHANED and not closed.file
    assert list(Notification.objects.values_list("title", flat=True)) == [f"导出文件生成失败：{closed.title}"]
    assert not any((Path(closed.file.storage.location) / "exports").rglob("*.xlsx"))


def test_a_file_no_worker_takes_tells_its_owner_after_ten_minutes_and_a_new_one_does_not(
        queued_export: ExportFile, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:exports")).content.decode()
    assert "排队中" in page and "后台任务进程可能未运行" not in page
    ExportFile.objects.filter(pk=queued_export.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=25))
    page = client.get(reverse("admin:exports")).content.decode()
    assert "排队中（已等待 25 分钟，后台任务进程可能未运行，请联系系统管理员）" in page
    rows = client.get(reverse("admin:exports_progress")).json()["files"]
    assert rows[0]["status_display"].startswith("排队中（已等待 25 分钟") and rows[0]["running"]
    assert fresh(queued_export).status == ExportStatus.PENDING  # still queued: a worker may yet take it
