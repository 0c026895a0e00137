"""A 台账 export too large for the request is built by the worker for the period the page
showed: a list that opens on a default period (last year, last month) stores that period
with the file, so a file built after the year turned — or asked for again — has the rows
of the page, not of the new year."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadres.models import Assessment, AssessmentGrade
from cadres.services import assessment_save
from orgwork.common.contract import SystemActor
from orgwork.exports import services as export_services
from orgwork.exports.models import ExportFile
from orgwork.exports.services import export_build
from tests.imports.conftest import media  # noqa: F401  (fixture)
from tests.samples.cadres import cadre_in
from tests.worklists.conftest import reference  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
MERIT = reverse("admin:worklist", args=["cadres_merit_candidates"])


def on_day(monkeypatch: pytest.MonkeyPatch, day: datetime.date) -> None:
    """Today is ``day`` for whatever asks for today's date."""
    real = timezone.localdate

    def localdate(value: Any = None, timezone: Any = None) -> datetime.date:
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def rows_of(content: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_worklist_file_built_after_new_year_has_the_rows_of_the_page_that_asked_for_it(
        media: Path, tree: dict[str, Any], county_a_clerk: Any, client_for: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    streak = cadre_in(tree["county_a"], name="周三优")
    for year in (2023, 2024, 2025):
        assessment_save(assessment=Assessment(cadre=streak, year=year, grade=AssessmentGrade.EXCELLENT,
                                              political_score=Decimal("92")), actor=SystemActor("test"))
    client = client_for(county_a_clerk)
    on_day(monkeypatch, datetime.date(2026, 12, 31))  # the list opens on the streak ending 2025
    in_request = rows_of(client.get(MERIT, {"_export": "xlsx"}).content)
    assert [row[0] for row in in_request[1:]] == ["周三优"]

    monkeypatch.setattr(export_services, "INLINE_LIMIT", 0)  # the same list, now for the worker
    assert client.get(MERIT, {"_export": "xlsx"}).status_code == 302
    export = ExportFile.objects.get()
    assert QueryDict(export.params["query"])["year"] == "2025"

    on_day(monkeypatch, datetime.date(2027, 1, 1))  # the worker takes it up after midnight
    assert export_build(export_id=export.pk) == "ready"
    built = rows_of(b"".join(client.get(reverse("admin:export_download", args=[export.pk])).streaming_content))
    assert built == in_request


def test_a_period_chosen_on_the_page_is_stored_as_chosen(media: Path, tree: dict[str, Any], county_a_clerk: Any,
                                                          client_for: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_services, "INLINE_LIMIT", -1)
    client_for(county_a_clerk).get(MERIT, {"_export": "xlsx", "year": "2022", "p": "2"})
    assert QueryDict(ExportFile.objects.get().params["query"]).dict() == {"year": "2022"}
