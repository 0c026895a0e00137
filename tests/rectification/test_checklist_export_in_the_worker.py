"""A county's 问题清单 export holds the same rows whether it is written in the request or,
being large, built by the worker: its own checklists, never one issued above it that it
only reads (which would not import back). Both read ``ChecklistAdmin.get_export_queryset``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.exports import services as export_services
from orgwork.exports.models import ExportFile, ExportStatus
from orgwork.exports.services import export_build
from orgwork.imports.models import JobStatus
from orgwork.rectification.models import Checklist, ItemState, RectificationItem
from tests.exports.conftest import wait_for
from tests.imports.conftest import manage_py, media, start_worker  # noqa: F401  (fixtures)

from .roundtrip import CHECKLISTS, exported, imported

EXPORT = reverse("admin:rectification_checklist_export")
CITY_DOCUMENT = "兰巡反〔2026〕1号"


@pytest.fixture
def county_and_city_checklists(county_items: list[RectificationItem], item_in: Any,
                               city_checklist: Checklist) -> Checklist:
    """城关区's two own checklists, and the city's checklist holding two of its items (read only)."""
    item_in(ItemState.IN_PROGRESS, problem="城关区在市清单上的问题")
    item_in(ItemState.ON_BOOKS, problem="城关区在市清单上的另一个问题")
    return city_checklist


def rows_of(content: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def queued_by_the_page(client: Any) -> ExportFile:
    """The export asked for from the list, too large for the request: only queued."""
    response = client.get(EXPORT)
    assert response.status_code == 302 and response["Location"] == reverse("admin:exports")
    return ExportFile.objects.get()


def downloaded(client: Any, export: ExportFile) -> bytes:
    return b"".join(client.get(reverse("admin:export_download", args=[export.pk])).streaming_content)


def documents(rows: list[tuple[Any, ...]]) -> list[Any]:
    return [row[rows[0].index("清单文号")] for row in rows[1:]]


@pytest.mark.django_db
def test_a_countys_checklist_export_has_the_same_rows_in_the_request_and_from_the_worker_without_the_citys_checklist(
        media: Path, county_and_city_checklists: Checklist, county_items: list[RectificationItem],
        county_a_clerk: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(county_a_clerk)
    # The county's list shows the city's checklist beside its own two.
    listed = {c.pk for c in client.get(reverse("admin:rectification_checklist_changelist")).context["cl"].result_list}
    assert county_and_city_checklists.pk in listed and len(listed) == 3
    in_request = rows_of(exported(client, "xlsx", CHECKLISTS))

    monkeypatch.setattr(export_services, "INLINE_LIMIT", 1)  # two rows are now too many for a request
    export = queued_by_the_page(client)
    assert export_build(export_id=export.pk) == "ready"
    from_worker = rows_of(downloaded(client, export))

    assert from_worker == in_request
    own = {"城巡反〔2026〕2号", f"无文号：区委常委班子民主生活会查摆问题（系统编号{county_items[1].checklist_id}）"}
    assert set(documents(from_worker)) == own  # the city's 兰巡反〔2026〕1号 is not among them
    export.refresh_from_db()
    assert export.total == 2


@pytest.mark.django_db
def test_the_countys_checklist_file_from_the_worker_imports_back_with_nothing_new_or_changed(
        media: Path, county_and_city_checklists: Checklist, county_a_clerk: Any, client_for: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(county_a_clerk)
    monkeypatch.setattr(export_services, "INLINE_LIMIT", 1)
    export = queued_by_the_page(client)
    export_build(export_id=export.pk)
    before = list(Checklist.objects.order_by("pk").values_list("pk", "title", "document_number", "unit_id"))

    job = imported(county_a_clerk, "问题清单.xlsx", downloaded(client, export), CHECKLISTS)

    assert (job.status, job.errors) == (JobStatus.DONE, [])
    assert (job.rows, job.new_count, job.updated_count, job.unchanged_count) == (2, 0, 0, 2)
    assert list(Checklist.objects.order_by("pk").values_list("pk", "title", "document_number", "unit_id")) == before


@pytest.mark.django_db
def test_the_city_still_exports_its_own_checklist_from_the_worker(
        media: Path, county_and_city_checklists: Checklist, city_officer: Any, client_for: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(city_officer)
    in_request = rows_of(exported(client, "xlsx", CHECKLISTS))
    monkeypatch.setattr(export_services, "INLINE_LIMIT", 1)
    export = queued_by_the_page(client)
    export_build(export_id=export.pk)
    from_worker = rows_of(downloaded(client, export))
    assert from_worker == in_request and CITY_DOCUMENT in documents(from_worker) and len(from_worker) == 4


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_countys_checklist_file_with_the_rows_of_the_request(
        county_and_city_checklists: Checklist, start_worker: Any, county_a_clerk: Any, client_for: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(county_a_clerk)
    in_request = rows_of(exported(client, "xlsx", CHECKLISTS))
    monkeypatch.setattr(export_services, "INLINE_LIMIT", 1)  # in this process: the page queues the file
    export = queued_by_the_page(client)

    start_worker()  # a real ``manage.py db_worker``: the file is built there
    wait_for(lambda: ExportFile.objects.get(pk=export.pk).status in (ExportStatus.READY, ExportStatus.FAILED))
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, export.message

    from_worker = rows_of(downloaded(client, export))
    assert from_worker == in_request and len(from_worker) == 3
    assert CITY_DOCUMENT not in documents(from_worker)
