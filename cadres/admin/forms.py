"""Forms of the cadre admin: month and date fields read by the one date parser
(``orgwork.common.dates``: 1975.06, 1975-06, 197506, 1975年6月 are the same month
everywhere), the photo upload, and the rules of ``cadres.rules`` called in ``clean`` so
their messages show on the form (the services check them again when saving)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from orgwork.audit.context import current_actor
from orgwork.codes import lookup
from orgwork.common import dates, secrets

from .. import rules
from ..models import Assessment, Cadre, CadreStatus, PositionQuota, Post

MAX_PHOTO_BYTES = 1024 * 1024


class DayField(forms.DateField):
    """A date that may be written as a month only (任职时间 2021.01 = 2021-01-01), read by
    the same parser as the sheets and ``.lrmx`` files."""

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        return dates.parse_date(value)

    def strptime(self, value: str, format: str) -> datetime.date:  # pragma: no cover - to_python decides
        return dates.parse_date(value)


def _constraint_message(model: Any, name: str) -> str:
    return next(str(c.violation_error_message) for c in model._meta.constraints if c.name == name)


def drop_error(form: forms.BaseForm, message: str) -> None:
    """Take one non-field message off a form (where a rule's own messages replace it)."""
    errors = form._errors.get(NON_FIELD_ERRORS) if form._errors else None
    if not errors:
        return
    kept = [e for e in errors if e != message]
    if kept:
        form._errors[NON_FIELD_ERRORS] = form.error_class(kept, error_class="nonfield", renderer=form.renderer)
    else:
        del form._errors[NON_FIELD_ERRORS]


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
        field_classes = {"birth_month": dates.MonthFormField, "party_joined_on": dates.MonthFormField,
                         "work_started_on": dates.MonthFormField,
                         "age_reckoned_on": DayField, "form_filled_on": DayField}
        # Taken here or in another county reads alike: the form does not tell where.
        error_messages = {"id_number": {"unique": secrets.ID_NUMBER_UNAVAILABLE}}

    # Derived from the posts (任职经历): shown, never typed.
    DERIVED = ("current_post", "rank")
    # The 管理权限 the clerk's department gives (set by CadreAdmin.get_form); None: all.
    authorities_given: frozenset[str] | None = None

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
        authority = self.fields.get("authority")
        if authority is not None and self.authorities_given is not None:
            kept = {*self.authorities_given, self.instance.authority or ""}  # a stored value stays visible
            authority.choices = [(value, label) for value, label in authority.choices if value == "" or value in kept]
            offered = "、".join(str(label) for value, label in authority.choices if value)
            authority.error_messages["invalid_choice"] = (
                f"所选管理权限不是您所在单位可以登记的（可选：{offered}）；其他管理权限由上级组织部门确定。")
        for name in self.DERIVED:
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].required = False
                self.fields[name].help_text = "随任职经历中的现任主职务自动更新。"

    def _post_clean(self) -> None:
        super()._post_clean()
        try:
            rules.check_cadre(self.instance)
        except ValidationError as exc:
            # The field messages say what the constraint's general one would.
            drop_error(self, _constraint_message(Cadre, "cadre_rank_grade_authority"))
            self._update_errors(exc)

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


class PostForm(forms.ModelForm):
    """One 任职经历 row (the 任职经历 page and each row of the cadre page's posts table)."""

    class Meta:
        model = Post
        fields = "__all__"
        field_classes = {"appointed_on": DayField, "removed_on": DayField, "publicity_start": DayField,
                         "publicity_end": DayField}

    # A new current principal post ends the previous one when saved (post_appoint): the
    # page may offer it although the one-current-principal constraint would refuse it now.
    replaces_current = False

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.replaces_current:
            drop_error(self, _constraint_message(Post, "post_one_current_principal"))
        post = self.instance
        if self.errors or (post.cadre_id is None and getattr(self, "parent_cadre", None) is None):
            return
        before = Post.objects.filter(pk=post.pk).first() if post.pk else None
        # In the posts table, a row is read beside the 免职时间 the other rows give now.
        table = getattr(self, "table", None)
        removals = table.proposed_removals() if table is not None else None
        # Both rules, so that a row breaking both is told both.
        for check in (lambda: rules.check_post_rank_given(actor=current_actor().user, post=post, before=before),
                      lambda: rules.check_post(post, before=before, held=rules.held_rank_and_grade(post.cadre_id),
                                               removals=removals)):
            try:
                check()
            except ValidationError as exc:
                self._update_errors(exc)


class StandalonePostForm(PostForm):
    """The 任职经历 page edits one row: it may not leave a serving cadre without (or with
    two) current principal posts; a new one ends the previous one when saved."""

    replaces_current = True

    def _post_clean(self) -> None:
        super()._post_clean()
        post = self.instance
        if self.errors or post.cadre_id is None:
            return
        others = rules.current_principal_count(post.cadre, excluding=[post.pk] if post.pk else [])
        now = 1 if post.is_current and post.is_principal else 0
        try:
            # A new current principal post replaces the previous one (post_appoint ends it).
            rules.check_current_principal_count(status=post.cadre.status, current_principal=now or others)
        except ValidationError as exc:
            self._update_errors(exc)


class PostInlineFormSet(forms.BaseInlineFormSet):
    """The posts table of the cadre's page: saved as one change (``cadre_posts_save``, the
    past posts first), so each row is checked beside what the other rows give."""

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)
        form.parent_cadre = self.instance
        form.table = self
        return form

    def proposed_removals(self) -> dict[int, datetime.date | None]:
        """The 免职时间 each stored row of the submitted table gives, by key (rows whose
        key or day does not read are left to their own errors)."""
        if not self.is_bound:
            return {}
        if not hasattr(self, "_proposed_removals"):
            removals: dict[int, datetime.date | None] = {}
            day = DayField(required=False)
            for i in range(self.total_form_count()):
                prefix = self.add_prefix(i)
                key = self.data.get(f"{prefix}-id")
                if not key or self.data.get(f"{prefix}-DELETE"):
                    continue
                try:
                    removals[int(key)] = day.clean(self.data.get(f"{prefix}-removed_on"))
                except (ValueError, ValidationError):
                    continue
            self._proposed_removals = removals
        return self._proposed_removals

    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        current = [f for f in kept if f.cleaned_data.get("is_current") and f.cleaned_data.get("is_principal")]
        status = getattr(self.instance, "status", CadreStatus.ACTIVE)
        rules.check_current_principal_count(status=status, current_principal=len(current))


class AssessmentForm(forms.ModelForm):
    """年度考核 (the 年度考核 page and each row of the cadre page's assessments table)."""

    class Meta:
        model = Assessment
        fields = "__all__"

    def _post_clean(self) -> None:
        super()._post_clean()
        # The 影响期 rule beside the score rule: a row breaking both is told both.
        if self.instance.cadre_id is None or not self.instance.year or {"cadre", "year"} & set(self.errors):
            return
        try:
            rules.check_assessment(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


class PositionQuotaForm(forms.ModelForm):
    """职数: the rule of who sets it and with which 批准文号 (``rules.check_quota``) shows
    on the form. ``actor`` is set by the admin's ``get_form``."""

    actor: Any = None

    class Meta:
        model = PositionQuota
        fields = "__all__"

    def _post_clean(self) -> None:
        super()._post_clean()
        if "unit" in self.errors or self.instance.unit_id is None:
            return
        before = None
        if self.instance.pk is not None:
            before = PositionQuota.objects.select_related("unit").filter(pk=self.instance.pk).first()
        try:
            rules.check_quota(self.instance, actor=self.actor, before=before)
        except ValidationError as exc:
            self._update_errors(exc)
