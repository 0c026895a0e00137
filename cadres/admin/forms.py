"""Forms of the cadre admin: month fields written 1975.06, the photo upload, and the
one-current-principal-post rule checked across the rows of the posts inline."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from orgwork.codes import lookup
from orgwork.common import dates, secrets

from ..models import Cadre

MAX_PHOTO_BYTES = 1024 * 1024


class MonthField(forms.DateField):
    """A month typed the way forms write it (1975.06, 1975年6月, 1975-06-01…)."""

    widget = forms.TextInput(attrs={"placeholder": "如 1975.06", "size": 10})

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        return dates.parse_date(value).replace(day=1)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date):
            return dates.format_month(value)
        return value


# Text fields whose values come from a reference code set: offered as a list to pick from.
CODE_FIELDS = {
    "ethnicity": "ethnicity",
    "political_status": "political_status",
    "health": "health",
    "fulltime_education": "education",
    "inservice_education": "education",
    "fulltime_degree": "degree",
    "inservice_degree": "degree",
}


class CadreForm(forms.ModelForm):
    photo_upload = forms.FileField(label="照片", required=False, help_text="JPEG 格式，不超过 1MB。")

    class Meta:
        model = Cadre
        fields = "__all__"
        field_classes = {"birth_month": MonthField, "party_joined_on": MonthField, "work_started_on": MonthField}
        # Taken here or in another county reads alike: the form does not tell where.
        error_messages = {"id_number": {"unique": secrets.ID_NUMBER_UNAVAILABLE}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, set_name in CODE_FIELDS.items():
            field = self.fields.get(name)
            names = lookup.code_set(set_name).names
            if field is None or not names:
                continue  # code set not loaded: the plain text box stays
            current = getattr(self.instance, name, "") or ""
            extra = [(current, current)] if current and current not in names else []  # an old value stays visible
            field.widget = forms.Select(choices=[("", "---------"), *extra, *((n, n) for n in names)])

    def clean_photo_upload(self) -> bytes | None:
        upload = self.cleaned_data.get("photo_upload")
        if not upload:
            return None
        if upload.size > MAX_PHOTO_BYTES:
            raise ValidationError("照片不能超过 1MB。")
        data = upload.read()
        if not data.startswith(b"\xff\xd8"):
            raise ValidationError("照片须为 JPEG 格式。")
        return data


class PostInlineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        current = [
            f for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("is_current") and f.cleaned_data.get("is_principal")
        ]
        if len(current) > 1:
            raise ValidationError("每名干部只能有一个现任主职务：请只勾选一条“现任”且“主职”的任职经历。")
