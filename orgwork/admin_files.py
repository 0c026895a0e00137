"""附件的下载: a record's files, served to who may open the record.

Uploaded files are personnel secrets and are never served as media. A file of an
``AdminDownloadFileField`` (``orgwork.common.files``) is reached only through the admin
of the record that shows it, which adds :class:`FileDownloadMixin`:

- ``…/<record>/file/<field>/``: a file of the record itself;
- ``…/<record>/file/<relation>/<row>/<field>/``: a file of a row shown inline on it.

The record is looked up through the admin's own ``get_object`` (the user's jurisdiction
and whatever else its queryset leaves out), so a user who cannot open the record's page
cannot take its files, and is answered as for a record that does not exist. The file is
sent as an attachment that the browser may not sniff and may not keep, and each
download is one audit row (``orgwork.common.files.file_download``).
"""

from __future__ import annotations

import mimetypes
import re
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import path

from orgwork.common.files import AdminDownloadFileField, file_download
from orgwork.rectification.evidence import KIND_BY_EXTENSION

NOT_FOUND = "没有找到这份附件，或者它所属的记录不在您的管辖范围内。"
# Characters no file name in a header or on a disk should carry.
UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def safe_filename(name: str, default: str = "附件") -> str:
    """The stored file's own name, without its folders or characters a header or a
    file system would take for something else."""
    shown = UNSAFE_IN_NAME.sub("_", name.rsplit("/", 1)[-1]).strip(" ._") or default
    return shown[:150]


def content_type_of(name: str) -> str:
    """The type of an accepted kind of file (``check_evidence_file``), by its checked
    extension; anything else is plain bytes."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KIND_BY_EXTENSION:
        return "application/octet-stream"
    return mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream"


def attachment_response(stored: FieldFile, *, not_found: str, default_name: str = "附件") -> FileResponse:
    """The stored file as an attachment the browser may not sniff nor cache; a file gone
    from the disk is not found. Open it before auditing: a failed download is no export."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(not_found) from None
    name = safe_filename(stored.name, default_name)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type_of(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _download_field(model: type[models.Model], name: str, via: str | None) -> AdminDownloadFileField | None:
    """``model``'s downloadable file field ``name``, when it is downloaded here: on its own
    record (``via`` None) or through the foreign key ``via``."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not isinstance(field, AdminDownloadFileField):
        return None
    return field if (field.download_via or None) == via else None


class FileDownloadMixin:
    """A ModelAdmin's downloads of its record's files and of its inline rows' files."""

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        meta = self.model._meta  # type: ignore[attr-defined]
        name = f"{meta.app_label}_{meta.model_name}_file"
        return [
            path("<int:object_id>/file/<str:field>/", wrap(self.file_download_view), name=name),
            path("<int:object_id>/file/<str:relation>/<int:row_id>/<str:field>/", wrap(self.file_download_view),
                 name=name),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def file_download_view(self, request: HttpRequest, object_id: int, field: str, relation: str = "",
                           row_id: int | None = None) -> HttpResponse:
        record = self.get_object(request, str(object_id))  # type: ignore[attr-defined]
        if record is None or not self.has_view_or_change_permission(request, record):  # type: ignore[attr-defined]
            raise Http404(NOT_FOUND)
        holder, parent = record, None
        if relation:
            holder, parent = self._row(request, record, relation, row_id, field), record
        elif _download_field(type(record), field, None) is None:
            raise Http404(NOT_FOUND)
        stored = getattr(holder, field)
        if not stored:
            raise Http404(NOT_FOUND)
        response = attachment_response(stored, not_found=NOT_FOUND)
        file_download(obj=holder, field=field, user=request.user, parent=parent)
        return response

    def _row(self, request: HttpRequest, record: models.Model, relation: str, row_id: int | None,
             field: str) -> models.Model:
        """The row ``row_id`` of ``record``'s ``relation`` whose file ``field`` is downloaded
        here, when the user may see such rows (as the inline would show them)."""
        related = next((r for r in record._meta.related_objects if r.get_accessor_name() == relation), None)
        if related is None or _download_field(related.related_model, field, related.field.name) is None:
            raise Http404(NOT_FOUND)
        meta = related.related_model._meta
        user = request.user
        if not (user.has_perm(f"{meta.app_label}.view_{meta.model_name}")
                or user.has_perm(f"{meta.app_label}.change_{meta.model_name}")):
            raise Http404(NOT_FOUND)
        row = getattr(record, relation).filter(pk=row_id).first()
        if row is None:
            raise Http404(NOT_FOUND)
        return row
