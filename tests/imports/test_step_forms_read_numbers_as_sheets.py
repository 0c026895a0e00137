"""The numbers typed on the step and action forms (集中培训天数, 应到、实到、赞成人数,
延长月数, 考核年度, 补抽人数…) are read as a sheet's number cell and a record page's
number field read them (``orgwork.common.numbers.PlainIntegerField``): ``8_8`` and
``٩٠`` are no count, ``1,234`` is one."""

from __future__ import annotations

import pytest

from branches.members.admin.steps import PreparationForm
from cadres.secondment.admin import AssessStepForm
from talent.admin.forms import ReviewForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["8_8", "٩٠", "9,2", "85.", "1e1"])
def test_a_step_forms_count_refuses_what_is_no_plain_number(typed: str) -> None:
    form = PreparationForm(data={"training_days": typed})
    form.is_valid()
    assert form.errors["training_days"] == [f"「{typed}」不是数字。"]


def test_a_step_forms_count_reads_full_width_digits_as_typed() -> None:
    form = PreparationForm(data={"training_days": "１２"})
    form.is_valid()
    assert "training_days" not in form.errors and form.cleaned_data["training_days"] == 12


@pytest.mark.parametrize(("form_class", "field"), [(AssessStepForm, "year"), (ReviewForm, "review_year")])
def test_a_year_typed_on_a_step_form_is_refused_in_another_scripts_digits(form_class: type, field: str) -> None:
    form = form_class(data={field: "٢٠٢٥"})
    form.is_valid()
    assert form.errors[field] == ["「٢٠٢٥」不是数字。"]
