"""A 20,000-row export built by a real ``db_worker`` process while the pages stay usable."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.exports.models import ExportFile, ExportStatus
from orgwork.notifications.models import Notification
from tests.imports.conftest import media, start_worker  # noqa: F401  (fixtures)

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
