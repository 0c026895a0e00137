"""Stored files (附件) that are reached only through their record's admin page.

Uploaded files are personnel secrets and are never served as media. A file field of
:class:`AdminDownloadFileField` links its files to a download on the admin of the record
that shows them (``orgwork.admin_files.FileDownloadMixin``): the record's own admin, or,
for a row shown inline, the admin of the record it belongs to (``download_via`` names
the foreign key). Every page that links the file — the upload widget, a read-only field,
an inline row — links there, and each download is one audit row (:func:`file_download`).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record


def download_url_name(model: type[models.Model] | models.Model) -> str:
    """The admin URL name of the downloads of ``model``'s files and of its rows' files."""
    meta = model._meta
    return f"admin:{meta.app_label}_{meta.model_name}_file"


class AdminDownloadFile(FieldFile):
    """A stored file whose address is its scoped, audited download, never a media URL."""

    @property
    def url(self) -> str:
        self._require_file()
        return self.field.download_url(self.instance)


class AdminDownloadFileField(models.FileField):
    """A file field whose files link to their download on the admin (see the module).

    ``download_via``: the foreign key to the record whose admin page shows this row
    inline (``"case"`` for a 凡提四必 check); empty when the record has its own page.
    """

    attr_class = AdminDownloadFile

    def __init__(self, *args: Any, download_via: str = "", **kwargs: Any) -> None:
        self.download_via = download_via
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        # Stored as a plain file field: the link is presentation, not schema.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.FileField", args, kwargs

    def parent_link(self) -> models.ForeignKey[Any, Any] | None:
        """The foreign key to the record whose page shows this row (None: its own page)."""
        return self.model._meta.get_field(self.download_via) if self.download_via else None  # type: ignore[return-value]

    def download_url(self, instance: models.Model) -> str:
        if instance.pk is None:
            return ""
        link = self.parent_link()
        if link is None:
            return reverse(download_url_name(instance), args=[instance.pk, self.name])
        parent_id = getattr(instance, link.attname)
        if parent_id is None:
            return ""
        relation = link.remote_field.get_accessor_name()
        return reverse(download_url_name(link.related_model), args=[parent_id, relation, instance.pk, self.name])


def file_name(stored: FieldFile) -> str:
    """The stored file's own name, without its folders."""
    return stored.name.rsplit("/", 1)[-1]


def file_download(*, obj: models.Model, field: str, user: Any, parent: models.Model | None = None) -> None:
    """Audit one download of the file in ``obj.<field>`` (the caller has checked that the
    user may open the record that shows it): who took which file of which record, as an
    export is audited."""
    name = file_name(getattr(obj, field))
    label = obj._meta.get_field(field).verbose_name
    if parent is None:
        where = f"{obj._meta.verbose_name}「{obj}」"
    else:
        where = f"{parent._meta.verbose_name}「{parent}」中{obj._meta.verbose_name}「{obj}」"
    record(obj, action=AuditAction.EXPORT, actor=user, message=f"下载{where}的{label}「{name}」",
           changes={"field": field, "file": name, **({"parent": parent.pk} if parent is not None else {})})
