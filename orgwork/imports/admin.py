"""Admin pages of the import pipeline (数据导入) and the 导入/导出/下载模板 buttons.

``ImportJobAdmin``: upload (choose the data type and the file) → the job page with a
live progress bar (it polls ``<id>/progress/``) → the preview (counts, first errors,
the annotated error workbook) → 确认导入 → 完成. Everything is scoped: a job of another
jurisdiction is a 404 on every page and endpoint.

``ImportExportMixin``: add it to a domain ModelAdmin together with ``import_resource
= "<slug>"`` and its changelist gains the three buttons; 导出 exports exactly the
filtered, scoped changelist.
"""

from __future__ import annotations

import os
import tempfile

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django_tasks_db.models import DBTaskResult

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_changelist import QUIET, ignored_lookups, shown
from orgwork.admin_widgets import skin_file_input
from orgwork.exports.models import ExportKind
from orgwork.exports.services import too_large_for_a_request, too_many_rows
from orgwork.exports.views import queued

from . import registry, services
from .access import can_abandon, can_export, can_import, importable_resources, may_unmask_job
from .exporting import XLSX_TYPE, error_workbook, export_queryset, template_xlsx
from .filters import ImportedRowsFilter
from .models import RUNNING_STATUSES, ImportJob, JobStatus
from .preview import job_preview, shown_message, written_links
from .reader import FileError, suggest_resource

# The task table holds job arguments for every unit; staff follow their jobs on
# ImportJob pages, which are scoped. The raw table stays out of the admin.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

PREVIEW_ERRORS = 200


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class UploadForm(forms.Form):
    resource = forms.ChoiceField(label="导入类型", required=False,
                                 help_text="留空则按表头自动识别；选定的类型与表头不符时会提示。")
    file = skin_file_input(forms.FileField(label="文件", help_text="Excel（.xlsx/.xls）或 CSV 文件；请使用下载的导入模板。"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.resources = importable_resources(user)
        self.fields["resource"].choices = [("", "根据表头自动识别"),
                                           *((slug, r.verbose_name) for slug, r in self.resources.items())]

    def clean(self) -> dict[str, Any]:
        """The kind from the sheet's headers: chosen for the clerk when left blank, and a
        choice the headers contradict is sent back before anything is stored."""
        data = super().clean()
        uploaded = data.get("file")
        if uploaded is None or not self.resources:
            return data
        chosen = data.get("resource") or ""
        # Among every kind, not only the clerk's: a 年度考核 sheet uploaded by a
        # party-building clerk is named as what it is, not taken for the nearest kind
        # the clerk may import (民主评议党员, by its 身份证号 and 姓名).
        every = registry.all_resources()
        try:
            suggested, scores = _suggest(uploaded, every)
        except FileError as exc:
            self.add_error("file", exc.message)
            return data
        if suggested is not None and suggested not in self.resources and (
                not chosen or scores[suggested] > scores.get(chosen, 0)):
            self.add_error("resource", f"文件的表头与「{every[suggested].verbose_name}」相符，您没有导入该类数据的权限。"
                                       "如果确是其他类型的数据，请选择导入类型后重新上传。")
        elif not chosen:
            if suggested is None:
                self.add_error("resource", "无法从表头识别导入类型，请选择导入类型。")
            else:
                data["resource"] = suggested
        elif suggested is not None and suggested != chosen and scores[suggested] > scores.get(chosen, 0):
            self.add_error("resource", f"文件的表头与「{every[suggested].verbose_name}」相符，"
                                       f"与所选「{self.resources[chosen].verbose_name}」不符，请核对导入类型。")
        return data


def _suggest(uploaded: Any, resources: dict[str, Any]) -> tuple[str | None, dict[str, int]]:
    if hasattr(uploaded, "temporary_file_path"):
        return suggest_resource(uploaded.temporary_file_path(), uploaded.name or "", resources)
    suffix = os.path.splitext(uploaded.name or "")[1][:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
        handle.flush()
        uploaded.seek(0)
        return suggest_resource(handle.name, uploaded.name or "", resources)


@admin.register(ImportJob)
class ImportJobAdmin(ScopedModelAdmin):
    list_display = ["original_name", "resource_title", "status_shown", "rows", "new_count", "updated_count",
                    "unchanged_count", "error_rows", "uploader", "created_at"]
    list_filter = ["status", UnitSubtreeFilter]
    list_select_related = ["uploader"]
    search_fields = ["original_name"]
    ordering = ["-created_at"]
    date_hierarchy = None

    @admin.display(description="状态", ordering="status")
    def status_shown(self, obj: ImportJob) -> str:
        return obj.status_label

    @admin.display(description="导入类型")
    def resource_title(self, obj: ImportJob) -> str:
        try:
            return str(registry.get(obj.resource).verbose_name)
        except KeyError:
            return obj.resource

    # Jobs change only through the workflow below.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(importable_resources(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Jobs are for those who import: a job is seen by whoever may import its kind
        # (and sits above its unit), never by a view-only role.
        return bool(importable_resources(request.user))

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(resource__in=list(importable_resources(request.user)))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:job_id>/progress/", wrap(self.progress_view), name="imports_importjob_progress"),
            path("<int:job_id>/errors.xlsx", wrap(self.errors_view), name="imports_importjob_errors"),
            path("<int:job_id>/confirm/", wrap(self.confirm_view), name="imports_importjob_confirm"),
            path("<int:job_id>/abandon/", wrap(self.abandon_view), name="imports_importjob_abandon"),
            path("template/<slug:slug>/", wrap(self.template_view), name="imports_importjob_template"),
            *super().get_urls(),
        ]

    def _job(self, request: HttpRequest, job_id: int) -> ImportJob:
        # Scoped: another jurisdiction's job does not exist for this user.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=job_id)

    @staticmethod
    def _checked(job: ImportJob) -> ImportJob:
        """A running job whose worker is gone is closed as soon as someone looks at it."""
        if job.status in RUNNING_STATUSES and services.job_close_if_orphaned(job_id=job.pk):
            job.refresh_from_db()
        return job

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None) -> Any:
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"resource": request.GET.get("resource", "")}
        form = UploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                job = services.job_create(user=request.user, resource=form.cleaned_data["resource"],
                                          uploaded=form.cleaned_data["file"])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "上传导入文件",
            "opts": self.opts,
            "form": form,
            "templates": importable_resources(request.user),
        }
        return TemplateResponse(request, "admin/imports/upload.html", context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> Any:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = self.get_object(request, object_id)
        if job is None:  # out of scope reads as missing, like every scoped admin page
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        job = self._checked(job)
        resource_class = registry.get(job.resource)
        context = {
            **self.admin_site.each_context(request),
            "title": f"导入任务：{job.original_name}",
            "opts": self.opts,
            "job": job,
            "resource_title": resource_class.verbose_name,
            # Row messages quote cells: never a full ID or mobile number on the page, nor a
            # long value whole (the error workbook keeps it).
            "errors": [{**e, "message": shown_message(e.get("message"))} for e in job.errors[:PREVIEW_ERRORS]],
            "job_message": shown_message(job.message),
            "more_errors": max(0, job.error_count - PREVIEW_ERRORS),
            "may_confirm": job.can_confirm and can_import(request.user, resource_class),
            "may_abandon": job.status in (JobStatus.PENDING, JobStatus.AWAITING) and job.confirmed_at is None
            and can_abandon(request.user, job),
            "progress_url": reverse("admin:imports_importjob_progress", args=[job.pk]),
            # Before 确认: the first rows as they would be imported; after: links to them.
            "preview": job_preview(job, request.user, full=request.GET.get("full") == "1")
            if job.status in (JobStatus.AWAITING, JobStatus.IMPORTING) else None,
            "may_unmask": may_unmask_job(request.user, job),
            "written_links": written_links(job),
        }
        return TemplateResponse(request, "admin/imports/job.html", context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        if not self.has_view_permission(request):  # before the lookup: no job of any kind is theirs
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def progress_view(self, request: HttpRequest, job_id: int) -> JsonResponse:
        job = self._checked(self._job(request, job_id))
        return JsonResponse({
            "status": job.status,
            "status_display": job.status_label,
            "processed": job.processed,
            "total": job.total,
            "percent": job.percent,
            "running": job.is_running,
            "message": shown_message(job.message),
        })

    def errors_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = self._job(request, job_id)
        if not job.errors or not job.file:
            raise Http404("该任务没有错误明细或文件已清理。")
        if too_many_rows(job.total or job.rows or 0):  # a large sheet: the worker annotates it
            # One file per job, user and masking: a second click names the file asked for
            # already; one built before the job's errors last changed does not count.
            written = max((t for t in (job.validated_at, job.finished_at) if t is not None), default=None)
            return queued(request, kind=ExportKind.ERROR_WORKBOOK, title=f"错误标注表：{job.original_name}",
                          params={"job": job.pk, "unmasked": may_unmask_job(request.user, job)}, once=True,
                          fresh_after=written)
        stem = job.original_name.rsplit(".", 1)[0]
        return _download(error_workbook(job, user=request.user, unmask=may_unmask_job(request.user, job)),
                         f"{stem}-错误标注.xlsx", XLSX_TYPE)

    def confirm_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405)
        job = self._job(request, job_id)
        try:
            services.job_confirm(job=job, user=request.user)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, "已确认，正在后台导入。", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[job.pk]))

    def abandon_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405)
        job = self._job(request, job_id)
        if not can_abandon(request.user, job):
            raise PermissionDenied
        try:
            services.job_abandon(job=job, user=request.user)
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, "已放弃该导入任务，上传的文件已删除。", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[job.pk]))

    def template_view(self, request: HttpRequest, slug: str) -> HttpResponse:
        try:
            resource_class = registry.get(slug)
        except KeyError:
            raise Http404 from None
        if not (can_import(request.user, resource_class) or can_export(request.user, resource_class._meta.model)):
            raise PermissionDenied
        return _download(template_xlsx(resource_class), f"{resource_class.verbose_name}导入模板.xlsx", XLSX_TYPE)


class ImportExportMixin:
    """导入 / 导出 / 下载模板 on a domain changelist. Set ``import_resource`` to the slug.

    The buttons are drawn by the project's ``admin/change_list.html``, which every
    changelist template extends, from the context this mixin adds."""

    import_resource: str = ""
    export_param = "_export"

    def _resource_class(self) -> type[Any]:
        return registry.get(self.import_resource)

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        # 导入任务: a finished job's links to the rows it wrote (see ``filters``).
        return [*super().get_list_filter(request), ImportedRowsFilter]  # type: ignore[misc]

    def get_urls(self) -> list[Any]:
        opts = self.model._meta  # type: ignore[attr-defined]
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("export/", wrap(self.export_view), name=f"{opts.app_label}_{opts.model_name}_export"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        opts = self.model._meta  # type: ignore[attr-defined]
        resource_class = self._resource_class()
        query = request.GET.urlencode()
        extra = {
            "may_import": can_import(request.user, resource_class),
            "may_export": can_export(request.user, self.model),  # type: ignore[attr-defined]
            "import_url": reverse("admin:imports_importjob_add") + "?" + urlencode({"resource": resource_class.slug}),
            "template_url": reverse("admin:imports_importjob_template", args=[resource_class.slug]),
            "export_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_export") + ("?" + query if query else ""),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)  # type: ignore[misc]

    def get_export_queryset(self, request: HttpRequest) -> Any:
        """The rows 导出 writes for ``request`` (its user, the list's filters and search in
        its GET): the changelist's rows, less any an admin leaves out of a file by
        overriding this. The download written at once and the file the worker builds
        (``orgwork.exports.builders``) both read it, so the two are the same rows."""
        return self.get_changelist_instance(request).get_queryset(request)  # type: ignore[attr-defined]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The changelist as the user sees it — scoped, filtered, searched — as a file."""
        if not can_export(request.user, self.model):  # type: ignore[attr-defined]
            raise PermissionDenied
        params = request.GET.copy()
        fmt = params.pop(self.export_param, ["xlsx"])[-1]
        fmt = "csv" if fmt == "csv" else "xlsx"
        request.GET = params
        setattr(request, QUIET, True)
        queryset = self.get_export_queryset(request)
        opts = self.model._meta  # type: ignore[attr-defined]
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if ignored := ignored_lookups(request):
            # The list would show its rows without these; a file of them is not what the
            # link asked for, and it would hold records the clerk did not mean to take out.
            messages.error(request, f"未导出：导出链接中有列表不能识别或不能应用的查询条件（{shown(ignored)}），导出的记录会多于您要的。"
                                    "请在列表页面上设置筛选条件后再点「导出」。")
            return HttpResponseRedirect(changelist + ("?" + params.urlencode() if params else ""))
        filters = {k: params.getlist(k) if len(params.getlist(k)) > 1 else params[k] for k in params}
        if too_large_for_a_request(queryset):  # the worker writes it (orgwork.exports)
            return queued(request, kind=ExportKind.CHANGELIST, title=f"{opts.verbose_name}列表（{fmt}）",
                          params={"model": opts.label_lower, "fmt": fmt, "filters": filters,
                                  "path": changelist, "query": params.urlencode()})
        content = export_queryset(resource_class=self._resource_class(), user=request.user,
                                  queryset=queryset, fmt=fmt, filters=filters)
        name = f"{opts.verbose_name}{timezone.localtime():%Y%m%d%H%M}.{fmt}"
        return _download(content, name, XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8")
