"""Real ``db_worker`` processes: a 20,000-row export built while the pages stay usable,
and a worker killed in the middle of a build."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from cadres.models import Cadre
from orgwork.exports import services
from orgwork.exports.models import ExportFile, ExportStatus
from orgwork.exports.tasks import build_export
from orgwork.notifications.models import Notification
from tests.imports.conftest import manage_py, media, start_worker  # noqa: F401  (fixtures)

from .conftest import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROWS = 20_000


def test_a_20000_row_export_is_built_by_the_worker_while_the_pages_answer(
        many_cadres: Any, start_worker: Any, county_a_clerk: Any, county_b_clerk: Any, client_for: Any) -> None:
    many_cadres(ROWS)
    client = client_for(county_a_clerk)

    # The page asks for the file and answers before any worker has touched it.
    response = client.get(reverse("admin:cadres_cadre_export"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:exports")
    export = ExportFile.objects.get()
    assert export.status == ExportStatus.PENDING and not export.file

    start_worker()
    seen: set[int] = set()

    def progressed() -> bool:
        export.refresh_from_db()
        seen.add(export.progress)
        return export.status in (ExportStatus.READY, ExportStatus.FAILED)

    wait_for(lambda: ExportFile.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).exists())
    # While the worker writes, the pages are served: the files page and its progress JSON.
    assert client.get(reverse("admin:exports")).status_code == 200
    assert client.get(reverse("admin:exports_progress")).json()["files"][0]["running"] is True
    wait_for(progressed, seconds=300)
    assert export.status == ExportStatus.READY, export.message
    assert any(0 < p < 100 for p in seen) and export.progress == 100  # the bar moved on its way

    assert Notification.objects.filter(recipient=county_a_clerk, title__contains="已生成").count() == 1
    assert not Notification.objects.filter(recipient=county_b_clerk).exists()

    download = client.get(reverse("admin:export_download", args=[export.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == ROWS + 1 and "*" in rows[1][rows[0].index("身份证号")]
    assert client_for(county_b_clerk).get(reverse("admin:export_download", args=[export.pk])).status_code == 404


def worker_backend(session: Any, export_id: int) -> int | None:
    """The database session of the worker building the file: the holder of its lock."""
    row = session.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s"
        " AND objsubid = 2 AND granted"
        # Another test process holds the same keys in its own test database.
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        services.EXPORT_LOCKS.key(export_id)).fetchone()
    return row[0] if row else None


def waiting_on_a_lock(session: Any, pid: int) -> bool:
    row = session.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return bool(row and row[0] == "Lock")


def test_a_worker_killed_mid_build_leaves_a_failed_file_that_is_built_again_on_request(
        small_limit: int, many_cadres: Any, start_worker: Any, county_a_clerk: Any, client_for: Any,
        other_session: Any) -> None:
    many_cadres(10)
    client = client_for(county_a_clerk)
    assert client.get(reverse("admin:cadres_cadre_export")).status_code == 302
    export = ExportFile.objects.get()
    with other_session.transaction():
        # The cadres are locked away: the worker claims the file, then waits on the table.
        other_session.execute(f'LOCK TABLE "{Cadre._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
        worker = start_worker()
        holder: dict[str, int] = {}

        def stuck() -> bool:
            pid = worker_backend(other_session, export.pk)
            holder["pid"] = pid or 0
            return bool(pid) and waiting_on_a_lock(other_session, pid)

        wait_for(stuck)
        assert ExportFile.objects.get(pk=export.pk).status == ExportStatus.RUNNING
        worker.kill()  # SIGKILL: no handler runs
        worker.wait(timeout=10)
        # The dead worker's session ends (the server checks its client every few seconds,
        # even during a lock wait), and its lock on the file with it.
        wait_for(lambda: worker_backend(other_session, export.pk) is None, seconds=60)
    page = client.get(reverse("admin:exports")).content.decode()
    failed = ExportFile.objects.get(pk=export.pk)
    assert failed.status == ExportStatus.FAILED and failed.message == services.ORPHANED
    assert services.ORPHANED in page and reverse("admin:export_retry", args=[export.pk]) in page
    assert Notification.objects.get(recipient=county_a_clerk).title.startswith("导出文件生成失败")
    # The task queue's record of the build ends too, instead of staying RUNNING for ever.
    step = DBTaskResult.objects.get(task_path=build_export.module_path, args_kwargs__args=[export.pk])
    assert step.status == TaskResultStatus.FAILED and step.exception_class_path.endswith("WorkerLost")

    assert client.post(reverse("admin:export_retry", args=[export.pk])).status_code == 302
    again = ExportFile.objects.get(retry_of=export)
    start_worker()
    wait_for(lambda: ExportFile.objects.get(pk=again.pk).status in (ExportStatus.READY, ExportStatus.FAILED))
    again.refresh_from_db()
    assert again.status == ExportStatus.READY, again.message
    download = client.get(reverse("admin:export_download", args=[again.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 11
