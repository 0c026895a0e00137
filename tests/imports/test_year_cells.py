"""A year cell (考核年度, 报告年度, 入选批次) as years are written: 2025年 and 2025年度 are 2025.
The engine knows a year column by its field's name (``orgwork.imports.widgets._is_year``)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from orgwork.imports.widgets import number_for

YEAR_FIELDS = [field for model in apps.get_models() for field in model._meta.get_fields()
               if isinstance(field, models.IntegerField) and str(field.verbose_name).endswith(("年度", "年份"))]


def test_the_models_have_year_fields_to_check() -> None:
    assert len(YEAR_FIELDS) >= 10


@pytest.mark.parametrize("field", YEAR_FIELDS, ids=lambda f: f"{f.model._meta.label}.{f.name}")
def test_every_year_field_takes_a_year_written_with_its_character(field: models.Field) -> None:
    """A year field named otherwise than ``year`` or ``…_year`` would refuse 2025年 as no number."""
    assert number_for(field, "2025年") == number_for(field, "２０２５年度") == 2025


def test_a_number_field_that_is_no_year_refuses_the_character() -> None:
    with pytest.raises(ValidationError):
        number_for(models.PositiveSmallIntegerField("天数", name="days"), "2025年")


def test_a_money_cell_read_as_a_float_is_kept_with_the_fields_own_decimals() -> None:
    """6000 typed in a spreadsheet arrives as the float 6000.0: the preview and any message
    name it as the ledger keeps it (6000.00), not as 6000.0."""
    field = models.DecimalField("实交（元）", name="paid", max_digits=10, decimal_places=2)
    assert str(number_for(field, 6000.0)) == "6000.00"
    assert str(number_for(field, "4500.5")) == "4500.5"  # text as it was typed
    with pytest.raises(ValidationError):
        number_for(field, 4500.555)
