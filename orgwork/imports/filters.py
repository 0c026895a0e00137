"""导入任务 as a filter of the imported model's list: "查看新增的 N 条" / "查看更新的 N 条".

A finished job's page links to the changelist of the model it wrote with
``?import_job=<job id>-new`` (or ``-updated``). The filter is declared on every list with
the 导入 button (``ImportExportMixin``), so the changelist honours it like any other
(``orgwork.admin_changelist``), and it narrows a list that is already scoped: it shows
the rows the job wrote that the reader may see, never more. A job the reader may not
see (another jurisdiction's, a kind they do not import), a job of another model, or a
value that names no job gives an empty list.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .models import ImportJob, ImportJobRow, JobStatus, RowAction

PARAMETER = "import_job"
ACTIONS = {"new": RowAction.NEW, "updated": RowAction.UPDATED}
_VALUE = re.compile(r"([0-9]{1,12})-(new|updated)")  # ASCII digits: int("１") is 1


def filter_value(job: ImportJob, action: str) -> str:
    """The filter's value for a job's new (``"new"``) or changed (``"updated"``) rows."""
    return f"{job.pk}-{action}"


def visible_job(request: HttpRequest, job_id: int, site: admin.AdminSite = admin.site) -> ImportJob | None:
    """The finished job, if the reader may see it on the import pages of ``site``."""
    job_admin = site._registry.get(ImportJob)
    if job_admin is None or not job_admin.has_view_permission(request):
        return None
    return job_admin.get_queryset(request).filter(pk=job_id, status=JobStatus.DONE).first()


class ImportedRowsFilter(admin.SimpleListFilter):
    """导入任务: the records one finished import job created, or changed."""

    title = "导入任务"
    parameter_name = PARAMETER

    def _parsed(self) -> tuple[int, str] | None:
        match = _VALUE.fullmatch(self.value() or "")
        return (int(match.group(1)), match.group(2)) if match else None

    def _job(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> tuple[ImportJob, str] | None:
        if not hasattr(self, "_found"):
            from . import registry

            self._found: tuple[ImportJob, str] | None = None
            parsed = self._parsed()
            job = visible_job(request, parsed[0], model_admin.admin_site) if parsed else None
            try:
                model = registry.get(job.resource)._meta.model if job is not None else None
            except KeyError:
                model = None
            if job is not None and parsed is not None and model is model_admin.model:
                self._found = (job, parsed[1])
        return self._found

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        # Offered only while in use: the job's page links here; the list's filter panel
        # then shows which job's rows are listed, and 全部 to leave them.
        if self.value() is None:
            return []
        found = self._job(request, model_admin)
        if found is None:
            return [(self.value(), "无效的导入任务（无记录）")]
        job, action = found
        label = "新增" if action == "new" else "更新"
        return [(self.value(), f"「{job.original_name}」{label}的记录")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if self.value() is None:
            return queryset
        found = self._job(request, self.model_admin)
        if found is None:
            return queryset.none()
        job, action = found
        written = ImportJobRow.objects.filter(job=job, action=ACTIONS[action]).values("object_id")
        return queryset.filter(pk__in=written)

    def __init__(self, request: HttpRequest, params: Any, model: Any, model_admin: admin.ModelAdmin) -> None:
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)
