"""Forms of the item admin: the intermediate pages of the actions that need a reason, evidence
or a new deadline, and the item form that checks an edit by the domain's rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from orgwork.common import dates, freetext

from .. import rules
from ..models import RectificationItem


def _checked_text(text: str) -> str:
    """A step's free text, refused on the form as the service refuses it (only punctuation,
    unseen characters, a masked or a whole ID number, a direction control): a batch shows it
    once, on its page."""
    text = text.strip()
    if message := freetext.text_error(text) or freetext.direction_control_error(text):
        raise forms.ValidationError(message)
    return text


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), max_length=2000)

    def clean_reason(self) -> str:
        reason = _checked_text(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError("请填写原因。")
        return reason


class ClosureRequestForm(forms.Form):
    account = forms.CharField(
        label="书面整改情况说明", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text="已上传佐证材料附件的事项可不填；未上传附件的事项须填写。填写后将作为所选全部事项的整改情况说明。",
    )

    def clean_account(self) -> str:
        return _checked_text(self.cleaned_data["account"])


class ApprovalForm(forms.Form):
    note = forms.CharField(label="审核意见", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def clean_note(self) -> str:
        return _checked_text(self.cleaned_data["note"])


class ExtendForm(forms.Form):
    """延期: the new deadline and why."""

    new_deadline = dates.DateFormField(label="延期后的整改时限", widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=f"须晚于现整改时限和今天，每次最长延期{rules.MAX_EXTENSION_MONTHS}个月；"
                                             f"已延期的事项，到现整改时限前{rules.FURTHER_EXTENSION_WINDOW.days}天内"
                                             "或逾期后方可再次延期；原定整改时限保留，按期整改仍按原定时限统计。")
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), max_length=2000)
    approval = forms.CharField(label="批准单位及文号", required=False, max_length=200,
                               help_text="上级印发的问题清单中的事项，延期须经印发单位同意，请填写批准单位及文号或批复日期"
                                         "（如：省委组织部 甘组函〔2026〕12号）；本级及下级清单的事项可不填。")

    def clean_reason(self) -> str:
        reason = _checked_text(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError("请填写延期理由。")
        return reason

    def clean_approval(self) -> str:
        approval = _checked_text(self.cleaned_data["approval"])
        if approval and not rules.looks_like_approval(approval):
            raise forms.ValidationError(rules.APPROVAL_INCOMPLETE)
        return approval


class ItemForm(forms.ModelForm):
    """整改事项's form (the record page and a checklist's inline rows): the edit is checked
    by the domain's rule before anything is saved, so the refusal shows on the form."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        stored = getattr(self.instance, "_audit_loaded", None) if self.instance.pk else None
        if not stored:
            return cleaned
        proposed = {}
        for name in rules.CONTENT_FIELDS:
            if name in cleaned and name in self.fields:
                value = cleaned[name]
                field = RectificationItem._meta.get_field(name)
                proposed[field.attname] = value.pk if field.is_relation and value is not None else value
        try:
            rules.check_item_edit(stored=stored, proposed=proposed)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned
