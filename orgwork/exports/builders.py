"""How each kind of export file is built in the worker, as its owner would see it.

Each builder checks the owner's right again (it may have changed since the request),
rebuilds the rows from the stored parameters with the owner's scope and filters, and
writes the file through the same code as the inline download — masking and the audit
row included.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from .models import ExportFile, ExportKind
from .services import Builder, Progress


def owner_request(owner: Any, path: str, query: str = "") -> HttpRequest:
    """A GET request as the owner made it: what the admin's list code reads (user, path, GET)."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META = {"REQUEST_METHOD": "GET", "QUERY_STRING": query, "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request.user = owner
    return request


def _refused() -> ValidationError:
    return ValidationError("您已没有导出该数据的权限。")


def changelist(export: ExportFile, progress: Progress) -> tuple[bytes, str]:
    from orgwork.imports.access import can_export
    from orgwork.imports.exporting import export_queryset

    params = export.params
    model = apps.get_model(params["model"])
    model_admin = admin.site._registry[model]
    owner = export.owner
    if not can_export(owner, model):
        raise _refused()
    request = owner_request(owner, params.get("path", "/"), params.get("query", ""))
    try:
        queryset = model_admin.get_changelist_instance(request).get_queryset(request)
    except PermissionDenied:
        raise _refused() from None
    progress.start(queryset.count())
    fmt = params.get("fmt", "xlsx")
    content = export_queryset(resource_class=model_admin._resource_class(), user=owner, queryset=queryset,
                              fmt=fmt, filters=params.get("filters", {}), progress=progress.step)
    return content, f"{model._meta.verbose_name}{timezone.localtime(export.created_at):%Y%m%d%H%M}.{fmt}"


def worklist(export: ExportFile, progress: Progress) -> tuple[bytes, str]:
    from orgwork.worklists import registry, views

    owner = export.owner
    listed = registry.get(export.params["slug"])
    if listed is None or not listed.visible_to(owner):
        raise _refused()
    request = owner_request(owner, export.params.get("path", "/"), export.params.get("query", ""))
    filterset, rows = views.filtered(listed, request)
    if filterset is not None and filterset.is_bound and not filterset.is_valid():
        rows = rows.none()
    progress.start(min(rows.count(), views.EXPORT_LIMIT))
    content = views.export_content(listed, owner, rows, views.filter_params(request), progress=progress.step)
    return content, views.export_filename(listed)


def dashboard(export: ExportFile, progress: Progress) -> tuple[bytes, str]:
    from orgwork.dashboard import get, panel_export_content

    panel = get(export.params["slug"])
    if panel is None or not panel.visible_to(export.owner):
        raise _refused()
    content, count = panel_export_content(panel, export.owner)
    progress.start(count)
    return content, f"{panel.slug}-{timezone.localdate():%Y%m%d}.xlsx"


def error_workbook(export: ExportFile, progress: Progress) -> tuple[bytes, str]:
    from orgwork.imports.access import may_unmask_job
    from orgwork.imports.exporting import error_workbook as build
    from orgwork.imports.models import ImportJob

    owner = export.owner
    model_admin = admin.site._registry[ImportJob]
    request = owner_request(owner, "/")
    if not model_admin.has_view_permission(request):
        raise _refused()
    job = model_admin.get_queryset(request).filter(pk=export.params["job"]).first()
    if job is None or not job.errors or not job.file:
        raise ValidationError("该导入任务没有错误明细或文件已清理。")
    progress.start(job.total or job.rows or 0)
    content = build(job, user=owner, unmask=may_unmask_job(owner, job), progress=progress.step)
    return content, f"{job.original_name.rsplit('.', 1)[0]}-错误标注.xlsx"


BUILDERS: dict[str, Builder] = {
    ExportKind.CHANGELIST: changelist,
    ExportKind.WORKLIST: worklist,
    ExportKind.DASHBOARD: dashboard,
    ExportKind.ERROR_WORKBOOK: error_workbook,
}
