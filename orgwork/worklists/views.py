"""Audit-list pages in the admin: filter form, count, table, xlsx export, saved lists."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.common import secrets
from orgwork.exports.models import ExportKind
from orgwork.exports.services import too_large_for_a_request
from orgwork.exports.views import queued
from orgwork.imports.exporting import XLSX_TYPE, escape_cell, write_xlsx
from orgwork.routers import reading_from_replica

from . import registry
from .models import SavedList

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
RESERVED = {"p", "_export"}


def filter_params(request: HttpRequest) -> dict[str, Any]:
    return {k: v for k, v in request.GET.lists() if k not in RESERVED}


def filtered(worklist: registry.WorkList, request: HttpRequest) -> tuple[Any, Any]:
    """(filter form or None, the filtered rows) for the requesting user."""
    rows = worklist.queryset(request.user)
    if worklist.filterset_class is None:
        return None, rows
    filterset = worklist.filterset_class(request.GET or None, queryset=rows, request=request)
    return filterset, filterset.qs


def cell_values(columns: tuple[registry.Column, ...], row: Any, unmask: bool) -> list[Any]:
    values = []
    for column in columns:
        value = column.read(row)
        if column.sensitive and not unmask:
            value = secrets.mask(value, secrets.ID_NUMBER)
        elif not unmask and isinstance(value, str):
            # A number typed into free text (欠缴原因: 联系人 13912345678) is masked as in the trail.
            value = secrets.mask_text(value)
        values.append(value)
    return values


def can_unmask(worklist: registry.WorkList, user: Any) -> bool:
    return bool(worklist.unmask_permission and user.has_perm(worklist.unmask_permission))


def worklist_for(request: HttpRequest, slug: str) -> registry.WorkList:
    worklist = registry.get(slug)
    if worklist is None:
        raise Http404("没有这个台账。")
    if not worklist.visible_to(request.user):
        raise PermissionDenied
    return worklist


def index_view(site: AdminSite, request: HttpRequest) -> HttpResponse:
    sections: dict[str, list[registry.WorkList]] = {}
    for worklist in registry.lists_for(request.user):
        sections.setdefault(worklist.section, []).append(worklist)
    context = {**site.each_context(request), "title": "台账", "sections": sections}
    return TemplateResponse(request, "admin/worklists/index.html", context)


def export_content(worklist: registry.WorkList, user: Any, rows: Any, filters: dict[str, Any],
                   progress: Callable[[int], None] | None = None) -> bytes:
    """The list as a workbook for ``user`` (masked unless they may unmask); the audit row
    is written here. ``progress(rows done)`` feeds the worker's progress bar."""
    unmask = can_unmask(worklist, user)
    count = [0]

    def body() -> Any:
        for row in rows[:EXPORT_LIMIT]:
            count[0] += 1
            if progress is not None:
                progress(count[0])
            yield [escape_cell(v) for v in cell_values(worklist.columns, row, unmask)]

    sensitive = {i for i, c in enumerate(worklist.columns) if c.sensitive}
    content = write_xlsx([c.header for c in worklist.columns], body(), sensitive)
    record(
        None,
        action=AuditAction.EXPORT,
        actor=user,
        message=f"导出台账「{worklist.title}」{count[0]} 条" + ("，含完整个人信息" if unmask and sensitive else ""),
        changes={"worklist": worklist.slug, "rows": count[0], "filters": filters, "unmasked": unmask},
        unit_path=getattr(getattr(user, "unit", None), "path", "") or "",
    )
    if unmask and sensitive:
        secrets.record_full_view(user=user, purpose=f"导出台账「{worklist.title}」（{count[0]} 行）")
    return content


def export_filename(worklist: registry.WorkList) -> str:
    """The list's Chinese title and the day, as the templates and error workbooks are named
    (a character no file name may hold becomes a dash)."""
    title = re.sub(r'[\\/:*?"<>|\s]+', "-", worklist.title).strip("-") or worklist.slug
    return f"{title}-{timezone.localdate():%Y%m%d}.xlsx"


def export_response(worklist: registry.WorkList, request: HttpRequest, rows: Any) -> HttpResponse:
    """A small list is written at once; a large one is queued for the worker and the page
    goes to the user's export files (``orgwork.exports``)."""
    if too_large_for_a_request(rows):
        params = request.GET.copy()
        for reserved in RESERVED:
            params.pop(reserved, None)
        filled = getattr(worklist.filterset_class, "filled", None)
        # The period a default gave the page (this year, last month) is stored with the
        # file: the worker may build it after the day, month or year is over.
        query = (filled(params) if filled is not None else params).urlencode()
        return queued(request, kind=ExportKind.WORKLIST, title=f"台账「{worklist.title}」",
                      params={"slug": worklist.slug, "path": request.path, "query": query})
    content = export_content(worklist, request.user, rows, filter_params(request))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, export_filename(worklist))
    return response


def save_list(worklist: registry.WorkList, request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()[:60]
    query = request.POST.get("query", "")[:2000]
    target = reverse("admin:worklist", args=[worklist.slug]) + (f"?{query}" if query else "")
    if not name:
        messages.error(request, "请填写查询名称。")
        return HttpResponseRedirect(target)
    if request.user.unit_id is None:
        raise PermissionDenied
    try:
        with transaction.atomic():
            SavedList.objects.create(owner=request.user, unit_id=request.user.unit_id, worklist=worklist.slug,
                                     name=name, query=query, shared=bool(request.POST.get("shared")))
    except IntegrityError:
        messages.error(request, f"您已保存过名为「{name}」的查询，请换一个名称。")
        return HttpResponseRedirect(target)
    messages.success(request, f"已保存查询「{name}」。")
    return HttpResponseRedirect(target)


def list_view(site: AdminSite, request: HttpRequest, slug: str) -> HttpResponse:
    worklist = worklist_for(request, slug)
    if request.method == "POST":
        return save_list(worklist, request)
    with reading_from_replica():
        filterset, rows = filtered(worklist, request)
        if filterset is not None and filterset.is_bound and not filterset.is_valid():
            rows = rows.none()
        if request.GET.get("_export") == "xlsx":
            return export_response(worklist, request, rows)
        paginator = Paginator(rows, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("p"))
        unmask = can_unmask(worklist, request.user)
        table = [
            {"cells": cell_values(worklist.shown_columns, row, unmask),
             "link": worklist.row_link(row) if worklist.row_link else None}
            for row in page.object_list
        ]
        if unmask and table and any(c.sensitive for c in worklist.shown_columns):
            secrets.record_full_view(user=request.user, purpose=f"台账「{worklist.title}」（{len(table)} 行）")
        params = filter_params(request)
        query = urlencode(params, doseq=True)
        context = {
            **site.each_context(request),
            "title": worklist.title,
            "worklist": worklist,
            "filterset": filterset,
            "count": paginator.count,
            "page": page,
            "table": table,
            "query": query,
            "export_url": "?" + urlencode({**params, "_export": "xlsx"}, doseq=True),
            "saved_lists": SavedList.open_to(request.user, worklist.slug),
        }
        response = TemplateResponse(request, "admin/worklists/list.html", context)
        return response.render()


def saved_open_view(site: AdminSite, request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedList.accessible(request.user), pk=pk)
    worklist_for(request, saved.worklist)
    url = reverse("admin:worklist", args=[saved.worklist])
    return HttpResponseRedirect(f"{url}?{saved.query}" if saved.query else url)


def saved_delete_view(site: AdminSite, request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        raise PermissionDenied
    saved = get_object_or_404(SavedList, pk=pk, owner=request.user)
    slug = saved.worklist
    saved.delete()
    messages.success(request, f"已删除查询「{saved.name}」。")
    return HttpResponseRedirect(reverse("admin:worklist", args=[slug]))
