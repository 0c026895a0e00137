"""How each kind of export file is built in the worker, as its owner would see it.

Each builder checks the owner's right again (it may have changed since the request;
the same check, ``check_right``, answers a 重新生成 at once),
rebuilds the rows from the stored parameters with the owner's scope and filters, and
writes the file through the same code as the inline download — masking and the audit
row included.

A file is kept seven days, and rights can be withdrawn meanwhile: ``check_download``
asks at each download whether the owner may still export what the file holds and, for
a file written with full personal data (``ExportFile.unmasked``), whether they still
hold the right to see it whole (``full_values_right``, the same question the build asked).
"""

from __future__ import annotations

from collections.abc import Callable
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


def _changelist_right(export: ExportFile) -> tuple[Any, Any]:
    from orgwork.imports.access import can_export

    model = apps.get_model(export.params["model"])
    if not can_export(export.owner, model):
        raise _refused()
    return model, admin.site._registry[model]


def changelist(export: ExportFile, progress: Progress) -> tuple[bytes, str]:
    from orgwork.imports.exporting import export_queryset

    params = export.params
    owner = export.owner
    model, model_admin = _changelist_right(export)
    request = owner_request(owner, params.get("path", "/"), params.get("query", ""))
    try:
        # The admin's own export rows, as its in-request download reads them.
        queryset = model_admin.get_export_queryset(request)
    except PermissionDenied:
        raise _refused() from None
    progress.start(queryset.count())
    fmt = params.get("fmt", "xlsx")
    content = export_queryset(resource_class=model_admin._resource_class(), user=owner, queryset=queryset,
                              fmt=fmt, filters=params.get("filters", {}), progress=progress.step)
    return content, f"{model._meta.verbose_name}{timezone.localtime(export.created_at):%Y%m%d%H%M}.{fmt}"


def _worklist_right(export: ExportFile) -> Any:
    from orgwork.worklists import registry

    listed = registry.get(export.params["slug"])
    if listed is None or not listed.visible_to(export.owner):
        raise _refused()
    return listed


def worklist(export: ExportFile, progress: Progress) -> tuple[bytes, str]:
    from orgwork.worklists import views

    owner = export.owner
    listed = _worklist_right(export)
    request = owner_request(owner, export.params.get("path", "/"), export.params.get("query", ""))
    filterset, rows = views.filtered(listed, request)
    if filterset is not None and filterset.is_bound and not filterset.is_valid():
        rows = rows.none()
    progress.start(min(rows.count(), views.EXPORT_LIMIT))
    content = views.export_content(listed, owner, rows, views.filter_params(request), progress=progress.step)
    return content, views.export_filename(listed)


def _dashboard_right(export: ExportFile) -> Any:
    from orgwork.dashboard import get

    panel = get(export.params["slug"])
    if panel is None or not panel.visible_to(export.owner):
        raise _refused()
    return panel


def dashboard(export: ExportFile, progress: Progress) -> tuple[bytes, str]:
    from orgwork.dashboard import panel_export_content

    panel = _dashboard_right(export)
    content, count = panel_export_content(panel, export.owner)
    progress.start(count)
    return content, f"{panel.slug}-{timezone.localdate():%Y%m%d}.xlsx"


def _error_workbook_job(export: ExportFile) -> Any:
    """The import job, if the owner may still see it (its kind and jurisdiction)."""
    from orgwork.imports.models import ImportJob

    model_admin = admin.site._registry[ImportJob]
    request = owner_request(export.owner, "/")
    if not model_admin.has_view_permission(request):
        raise _refused()
    job = model_admin.get_queryset(request).filter(pk=export.params["job"]).first()
    if job is None:
        raise _refused()
    return job


def _error_workbook_right(export: ExportFile) -> Any:
    job = _error_workbook_job(export)
    if not job.errors or not job.file:
        raise ValidationError("该导入任务没有错误明细或文件已清理。")
    return job


def error_workbook(export: ExportFile, progress: Progress) -> tuple[bytes, str]:
    from orgwork.imports.access import may_unmask_job
    from orgwork.imports.exporting import error_workbook as build

    owner = export.owner
    job = _error_workbook_right(export)
    progress.start(job.total or job.rows or 0)
    content = build(job, user=owner, unmask=may_unmask_job(owner, job), progress=progress.step)
    return content, f"{job.original_name.rsplit('.', 1)[0]}-错误标注.xlsx"


BUILDERS: dict[str, Builder] = {
    ExportKind.CHANGELIST: changelist,
    ExportKind.WORKLIST: worklist,
    ExportKind.DASHBOARD: dashboard,
    ExportKind.ERROR_WORKBOOK: error_workbook,
}
RIGHTS: dict[str, Callable[[ExportFile], Any]] = {
    ExportKind.CHANGELIST: _changelist_right,
    ExportKind.WORKLIST: _worklist_right,
    ExportKind.DASHBOARD: _dashboard_right,
    ExportKind.ERROR_WORKBOOK: _error_workbook_right,
}


def _changelist_full(export: ExportFile) -> bool | None:
    from orgwork.imports.access import can_unmask, governing_model

    _model, model_admin = _changelist_right(export)
    governing = governing_model(model_admin._resource_class())
    return None if governing is None else can_unmask(export.owner, governing)


def _worklist_full(export: ExportFile) -> bool | None:
    from orgwork.worklists.views import can_unmask

    listed = _worklist_right(export)
    return can_unmask(listed, export.owner) if listed.unmask_permission else None


def _dashboard_full(export: ExportFile) -> bool | None:
    _dashboard_right(export)
    return None  # a panel's table is counts: nothing to mask


def _error_workbook_full(export: ExportFile) -> bool | None:
    from orgwork.imports import registry
    from orgwork.imports.access import governing_model, may_unmask_job

    job = _error_workbook_job(export)
    try:
        governing = governing_model(registry.get(job.resource))
    except KeyError:
        return None
    return None if governing is None else may_unmask_job(export.owner, job)


# Per kind: the owner may still export what the file holds (ValidationError if not), and
# whether they may see its personal data whole (None: it has no right to hold).
FULL_VALUES: dict[str, Callable[[ExportFile], bool | None]] = {
    ExportKind.CHANGELIST: _changelist_full,
    ExportKind.WORKLIST: _worklist_full,
    ExportKind.DASHBOARD: _dashboard_full,
    ExportKind.ERROR_WORKBOOK: _error_workbook_full,
}
FULL_VALUES_WITHDRAWN = ("该文件含完整的身份证号等个人信息，您已没有查看完整个人信息的权限，不能再下载。"
                         "如仍需要，请回到原页面重新导出（将按您现在的权限遮蔽个人信息）。")


def full_values_right(export: ExportFile) -> bool | None:
    """Whether the owner may now see the file's personal data whole; None when it has
    none. Raises ValidationError when they may no longer export it at all."""
    try:
        return FULL_VALUES[export.kind](export)
    except (KeyError, LookupError):
        raise ValidationError("该导出文件的导出条件已失效，请回到原页面重新导出。") from None


def check_download(export: ExportFile) -> None:
    """The owner may still take this file: the right to export what it holds and, for a
    file with full personal data (or not known to be without), the right to see it whole.
    ValidationError with the reason if not."""
    if full_values_right(export) is False and export.unmasked is not False:
        raise ValidationError(FULL_VALUES_WITHDRAWN, code="unmask_withdrawn")


def check_right(export: ExportFile) -> None:
    """The owner may still ask for this file (重新生成); ValidationError if not. The
    builder checks the same again when it runs."""
    if not export.owner.is_active or not export.owner.is_staff:
        raise ValidationError("申请人的账号已停用。")
    try:
        RIGHTS[export.kind](export)
    except (KeyError, LookupError):
        raise ValidationError("该导出文件的导出条件已失效，请回到原页面重新导出。") from None
