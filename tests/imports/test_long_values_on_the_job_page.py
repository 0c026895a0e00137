"""A long value quoted in a row's message is cut short on the job page (the first 50
characters and …（共N字）), in the error list and in the preview alike; the error workbook
keeps the whole cell for the clerk to correct."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.imports.models import ImportJob
from orgwork.imports.preview import shown_message

from .conftest import HEAD, person
from .test_preview import upload

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]

LONG = "x" * 5000
SHORT = "「" + "x" * 50 + "…（共5000字）」"


@pytest.fixture
def long_value_job(media: Path, test_resource: Any, county_a_clerk: Any) -> ImportJob:
    """A sheet whose second row has 5,000 characters for 性别."""
    job = upload(county_a_clerk, [HEAD, person(1), person(2, 性别=LONG)])
    assert LONG in job.errors[0]["message"]  # the job keeps the message as the engine wrote it
    return job


def test_a_long_invalid_value_is_quoted_shortened_on_the_job_page(long_value_job: ImportJob, county_a_clerk: Any,
                                                                  client_for: Any) -> None:
    page = client_for(county_a_clerk).get(reverse("admin:imports_importjob_change", args=[long_value_job.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "x" * 51 not in text
    assert text.count(SHORT) == 2  # in the preview's row and in 错误明细
    assert page.context["errors"][0]["message"].startswith(SHORT)
    assert 'class="orgwork-wide import-errors"' in text  # its cells wrap (orgwork.css)


def test_the_error_workbook_keeps_the_whole_long_value(long_value_job: ImportJob, county_a_clerk: Any,
                                                       client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:imports_importjob_errors", args=[long_value_job.pk]))

    assert response.status_code == 200
    values = [cell for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
              for cell in row]
    assert LONG in values


def test_a_short_quoted_value_is_shown_whole_and_a_full_number_masked() -> None:
    assert shown_message("「男性」不是可选值，可选：「男」「女」。") == "「男性」不是可选值，可选：「男」「女」。"
    assert shown_message("「" + "y" * 50 + "」不是数字。") == "「" + "y" * 50 + "」不是数字。"
    assert shown_message("「" + "y" * 51 + "」不是数字。") == "「" + "y" * 50 + "…（共51字）」不是数字。"
    assert shown_message("与第 2 行重复（身份证号「620102197506010033」）。") == "与第 2 行重复（身份证号「620102********0033」）。"


def test_a_long_message_without_quotes_is_cut_short_too() -> None:
    shown = shown_message("问题" * 400)
    assert shown.endswith("…（共800字）") and len(shown) < 520
