"""Forms of the intermediate pages that the reason- and evidence-needing actions show."""

from __future__ import annotations

from django import forms


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), max_length=2000)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写原因。")
        return reason


class ClosureRequestForm(forms.Form):
    account = forms.CharField(
        label="书面整改情况说明", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text="已上传佐证材料附件的事项可不填；未上传附件的事项须填写。填写后将作为所选全部事项的整改情况说明。",
    )


class ApprovalForm(forms.Form):
    note = forms.CharField(label="审核意见", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
