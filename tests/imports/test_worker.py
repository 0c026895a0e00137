"""Real ``db_worker`` processes on PostgreSQL: a job runs end to end in the background,
and two workers given the same commit twice write it once."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports import services
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.imports.tasks import commit_job
from orgwork.units.models import Unit

from .conftest import grant
from .sheets import workbook_bytes

# Transactional: the worker processes must see the rows this test commits. (pytest-django
# runs transactional tests last, so their flush does not reach the other tests; a database
# kept with --reuse-db loses rows seeded by data migrations, so use --create-db after it.)
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
HEAD = ["单位代码", "单位名称", "上级单位代码", "单位类型", "行政层级"]


def wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


def rows(n: int) -> list[list[Any]]:
    return [HEAD] + [[f"62010290{i:02d}", f"新街道{i}", "620102", "乡镇", "乡级"] for i in range(n)]


def test_a_worker_validates_and_commits_a_job(start_worker: Any, county_a_clerk: Any) -> None:
    user = grant(county_a_clerk, "units.import_unit")
    worker = start_worker()
    job = services.job_create(user=user, resource="units", uploaded=SimpleUploadedFile("u.xlsx", workbook_bytes(rows(20))))
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == JobStatus.AWAITING)
    job.refresh_from_db()
    assert (job.rows, job.new_count, job.error_count) == (20, 20, 0)
    services.job_confirm(job=job, user=user)
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status in (JobStatus.DONE, JobStatus.FAILED))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, (job.message, worker.stderr and worker.poll())
    assert Unit.objects.filter(code__startswith="62010290").count() == 20
    assert not job.file


def test_two_workers_never_commit_the_same_job_twice(start_worker: Any, county_a_clerk: Any) -> None:
    user = grant(county_a_clerk, "units.import_unit")
    job = services.job_create(user=user, resource="units", uploaded=SimpleUploadedFile("u.xlsx", workbook_bytes(rows(30))))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    services.job_confirm(job=job, user=user)  # queues one commit
    for _ in range(3):
        commit_job.enqueue(job.pk)  # and three more, as a retry storm would
    start_worker()
    start_worker()
    tasks = DBTaskResult.objects.filter(task_path__endswith="commit_job")
    # A fresh query each time: iterating a queryset caches its rows.
    wait_for(lambda: tasks.all().filter(status__in=["SUCCESSFUL", "FAILED"]).count() == 4)
    tasks = tasks.all()
    assert all(t.status == "SUCCESSFUL" for t in tasks), [t.traceback for t in tasks]
    assert sorted(t.return_value for t in tasks) == [JobStatus.DONE, "skipped", "skipped", "skipped"]
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE
    created = AuditLog.objects.filter(action=AuditAction.CREATE, content_type__model="unit",
                                      object_repr__contains="·新街道")
    assert created.count() == 30
