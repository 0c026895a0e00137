"""A queued job runs in its people's names only while they may still import its kind:
the worker checks the uploader (whose jurisdiction the rows are read in) and whoever
confirmed it again before validating or writing, since a confirmed job may wait in the
queue for up to a day. A job in a state that cannot be confirmed or abandoned says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cadres.models import Cadre
from orgwork.audit.models import AuditLog
from orgwork.imports import services
from orgwork.imports.models import JobStatus

from .conftest import HEAD, person
from .test_jobs import upload

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]


def confirmed(user: Any, rows: int = 2) -> Any:
    job = upload(user, [HEAD] + [person(i) for i in range(rows)])
    assert services.job_validate(job_id=job.pk) == JobStatus.AWAITING
    services.job_confirm(job=job, user=user)
    return job


def test_a_confirmed_job_writes_nothing_once_its_uploader_lost_the_role(media: Path, test_resource: Any,
                                                                        county_a_clerk: Any) -> None:
    job = confirmed(county_a_clerk)
    county_a_clerk.groups.clear()
    assert services.job_commit(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("上传人county_a_clerk已没有导入「") and job.message.endswith("全部未导入。")
    assert not Cadre.objects.exists()
    assert not AuditLog.objects.filter(action="view_sensitive").exists()  # no row taken for a probe


def test_a_confirmed_job_of_a_switched_off_account_says_so_rather_than_blame_its_rows(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    job = confirmed(county_a_clerk)
    type(county_a_clerk).objects.filter(pk=county_a_clerk.pk).update(is_active=False)
    assert services.job_commit(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert "已没有导入" in job.message and "有误" not in job.message
    assert not Cadre.objects.exists() and not AuditLog.objects.filter(action="view_sensitive").exists()


def test_an_upload_is_not_validated_for_an_uploader_who_lost_the_role(media: Path, test_resource: Any,
                                                                      county_a_clerk: Any) -> None:
    job = upload(county_a_clerk, [HEAD, person(1)])
    county_a_clerk.groups.clear()
    assert services.job_validate(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.message.endswith("未校验。") and job.rows == 0


def test_a_finished_job_is_not_confirmed_again_and_says_it_is_finished(media: Path, test_resource: Any,
                                                                       county_a_clerk: Any) -> None:
    job = confirmed(county_a_clerk)
    assert services.job_commit(job_id=job.pk) == JobStatus.DONE
    with pytest.raises(ValidationError) as refused:
        services.job_confirm(job=job, user=county_a_clerk)
    assert refused.value.message_dict["status"] == ["导入任务已完成，不能再次确认导入。"]


def test_a_confirmed_job_waiting_in_the_queue_says_why_it_cannot_be_abandoned(media: Path, test_resource: Any,
                                                                              county_a_clerk: Any) -> None:
    job = confirmed(county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        services.job_abandon(job=job, user=county_a_clerk)
    assert refused.value.message_dict["status"] == ["导入任务已确认，正在排队导入，不能放弃。"]
