"""Base import/export resource: scoped to the user, Chinese headers, masked exports."""

from __future__ import annotations

from typing import Any

from django.db import models
from import_export import resources

from orgwork.common import secrets
from orgwork.units.scope import scope_queryset

from .widgets import ScopedForeignKeyWidget


class ScopedModelResource(resources.ModelResource):
    """A ModelResource that reads and writes only within ``user``'s jurisdiction.

    Subclasses declare every field with an explicit Chinese ``column_name`` and list
    the natural key in ``Meta.import_id_fields``. The model's personal data (declared
    in ``orgwork.common.secrets``) and ``masked_fields`` (columns that name a record
    by its ID number) are exported masked unless ``unmask`` is true (the user holds
    the model's right).
    ``header_aliases`` maps other spellings users put in the header row to a
    ``column_name`` (公民身份号码 → 身份证号).
    """

    masked_fields: tuple[str, ...] = ()
    header_aliases: dict[str, str] = {}
    # 导入模板的示例行: column header → example value.
    example_row: dict[str, str] = {}
    # Fields ``prepare_instance`` derives from others (an end date from a start date): when a
    # source is refused, the derived field's check constraints are not asked either.
    derived_from: dict[str, tuple[str, ...]] = {}
    # The sheet row the engine is building (its number as the sheet shows it), set before
    # ``prepare_instance``: a hook that tells of other rows names them by it.
    row_number: int | None = None

    def __init__(self, user: Any = None, unmask: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.unmask = unmask
        for field in self.fields.values():
            if isinstance(field.widget, ScopedForeignKeyWidget):
                field.widget.bind_user(user)

    def prepare_instance(self, instance: models.Model, original: models.Model | None) -> None:
        """Derive stored values before validation (the import engine calls it per row).

        Raise ``ValidationError({field: message})`` for a rule the bulk path must enforce
        that the model's ``clean()`` does not. ``original`` is the stored record or None.
        """

    def prepare_chunk(self, originals: list[models.Model]) -> None:
        """Load at once what ``prepare_instance`` or ``clean()`` would otherwise ask of each
        row's stored record one query at a time (the import engine calls it per chunk,
        once the chunk's stored records are read, under their locks on a commit)."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return scope_queryset(super().get_queryset(), self.user)

    def masked_kind(self, field: Any) -> str | None:
        """The kind of personal data an export column carries, None for the others."""
        declared = secrets.sensitive_fields(self._meta.model)
        if field.attribute in declared:
            return declared[field.attribute]
        target = getattr(field.widget, "model", None)  # a column naming a record by its ID number
        if target is not None and (kind := secrets.sensitive_fields(target).get(getattr(field.widget, "field", ""))):
            return kind
        return secrets.ID_NUMBER if field.attribute in self.masked_fields else None

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        if self.unmask:
            return value
        if (kind := self.masked_kind(field)) is not None:
            return secrets.mask(value, kind)
        # An ID or mobile number typed into free text (a 欠缴原因 naming whom to call)
        # leaves masked as the trail shows it, for whoever may not see whole numbers.
        return secrets.mask_text(value)
