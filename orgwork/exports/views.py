"""The user's export files (我的导出文件): the list with progress bars, its JSON for
polling, the download and 重新生成 — each account sees, downloads and asks again only
for its own files. The list and its JSON first close the user's files whose worker is
gone (``services.exports_close_orphans``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed,
                         HttpResponseRedirect, JsonResponse)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from . import services
from .models import ExportFile, ExportStatus

LISTED = 100


def queued(request: HttpRequest, *, kind: str, title: str, params: dict[str, Any], once: bool = False,
           fresh_after: datetime.datetime | None = None) -> HttpResponse:
    """Queue the file and go to the user's export files at once. With ``once`` (an error
    workbook), the user's same file already asked for is named instead of a second one
    (``services.export_request_once``)."""
    if not request.user.is_staff:
        raise PermissionDenied
    try:
        if once:
            export, new = services.export_request_once(owner=request.user, kind=kind, title=title, params=params,
                                                       fresh_after=fresh_after)
        else:
            export, new = services.export_request(owner=request.user, kind=kind, title=title, params=params), True
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if new:
            messages.success(request, f"「{export.title}」正在后台生成，完成后将在站内消息中通知您，可在本页查看进度并下载。")
        elif export.is_ready:
            messages.success(request, format_html(
                "「{}」已经生成，无需再次生成：<a href=\"{}\">下载</a>（{}前有效）。", export.title,
                reverse("admin:export_download", args=[export.pk]), f"{timezone.localtime(export.expires_at):%Y-%m-%d}"))
        else:
            messages.info(request, f"「{export.title}」已在后台生成中（{export.status_text}），无需再次申请："
                                   "完成后将在站内消息中通知您，可在本页查看进度并下载。")
    return HttpResponseRedirect(reverse("admin:exports"))


def _own(request: HttpRequest) -> Any:
    if not request.user.is_staff:
        raise PermissionDenied
    return services.files_of(request.user)


def _own_checked(request: HttpRequest) -> Any:
    """The user's files, after closing those of theirs whose worker is gone."""
    files = _own(request)
    services.exports_close_orphans(owner=request.user)
    return files


def _retry_url(export: ExportFile) -> str:
    if export.status != ExportStatus.FAILED or export.has_retry:
        return ""
    return reverse("admin:export_retry", args=[export.pk])


def _refusal(export: ExportFile) -> str:
    """Why the owner may no longer take a ready file (``builders.check_download``), or "":
    the list shows the reason in place of a link the download would refuse."""
    from .builders import check_download

    if not export.is_ready:
        return ""
    try:
        check_download(export)
    except ValidationError as refused:
        return "；".join(refused.messages)
    return ""


def _row(export: ExportFile) -> dict[str, Any]:
    refusal = _refusal(export)
    return {
        "id": export.pk,
        "status": export.status,
        "status_display": export.status_text,
        "progress": export.progress,
        "processed": export.processed,
        "total": export.total,
        "running": export.is_running,
        "message": export.message,
        "download_url": reverse("admin:export_download", args=[export.pk]) if export.is_ready and not refusal else "",
        "refusal": refusal,
        "retry_url": _retry_url(export),
    }


def _listed(request: HttpRequest) -> list[ExportFile]:
    files = list(_own_checked(request).select_related("retry")[:LISTED])
    for export in files:
        # Each row's owner is the requesting user: their rights (``_refusal``) are asked
        # once and cached on one object, not again for every ready file at every poll.
        export.owner = request.user
    return files


def list_view(site: AdminSite, request: HttpRequest) -> HttpResponse:
    files = _listed(request)
    context = {
        **site.each_context(request),
        "title": "我的导出文件",
        "files": [(f, _row(f)) for f in files],
        "running": any(f.is_running for f in files),
        "progress_url": reverse("admin:exports_progress"),
    }
    return TemplateResponse(request, "admin/exports/list.html", context)


def progress_view(site: AdminSite, request: HttpRequest) -> JsonResponse:
    return JsonResponse({"files": [_row(f) for f in _listed(request)]})


def download_view(site: AdminSite, request: HttpRequest, pk: int) -> HttpResponse:
    # Another account's file, an expired one or one not ready yet: not there.
    export = _own(request).filter(pk=pk, status=ExportStatus.READY, expires_at__gt=timezone.now()).first()
    if export is None or not export.file:
        raise Http404("没有这个导出文件，或文件已过期。")
    try:
        services.export_download(export=export, user=request.user)
    except ValidationError as refused:
        messages.error(request, "；".join(refused.messages))
        return HttpResponseRedirect(reverse("admin:exports"))
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename or export.file.name)


def retry_view(site: AdminSite, request: HttpRequest, pk: int) -> HttpResponse:
    """重新生成 (POST): the same file again, queued for the worker."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    export = _own(request).filter(pk=pk).first()
    if export is None:
        raise Http404("没有这个导出文件，或文件已过期。")
    try:
        again = services.export_retry(export=export, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"「{again.title}」已重新提交，正在后台生成，完成后将在站内消息中通知您。")
    return HttpResponseRedirect(reverse("admin:exports"))
