"""The small forms of talent work's steps, shared by the list's batch actions and the
buttons on the record's page: a review, an exit, a request's result, extension or return
reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from orgwork.common import dates
from orgwork.common.numbers import PlainIntegerField

from ..models import EXIT_IN_FUTURE, ExitReason, ReviewGrade


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label="退出原因", choices=ExitReason.choices)
    exit_date = dates.DateFormField(label="退出日期", initial=timezone.localdate)
    note = forms.CharField(label="退出说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_exit_date(self) -> Any:
        # Refused for the whole batch at once; the term's bounds are each enrollee's and
        # are held by services.enrollment_exit (Enrollment.exit_date_error).
        exit_date = self.cleaned_data.get("exit_date")
        if dates.after_today(exit_date):
            raise forms.ValidationError(EXIT_IN_FUTURE)
        return exit_date


class ReviewForm(forms.Form):
    review_year = PlainIntegerField(label="考核年度", min_value=1990, max_value=2100,
                                     initial=lambda: timezone.localdate().year)
    grade = forms.ChoiceField(label="考核等次", choices=ReviewGrade.choices)
    reviewed_on = dates.DateFormField(label="考核日期", initial=timezone.localdate)
    comment = forms.CharField(label="考核意见", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequestReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 3}))


class CompleteForm(forms.Form):
    result = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ExtendForm(forms.Form):
    """延期: the later 办结时限 and why (each request's own bounds are held by
    ``services.green_request_extend``)."""

    deadline = dates.DateFormField(label="延期后的办结时限",
                                   help_text="每件事项只能延期一次，须在原办结时限之前（含当天）办理，"
                                             "延长的天数不超过该事项类别的办结承诺（如户籍10天、就医3天）。")
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))
