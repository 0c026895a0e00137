"""A cadres sheet, add form or 任免审批表 file that tries out a cadre's whole ID number
(身份证号试探): without the right to whole numbers, a new number of the same masked form as
a cadre of the jurisdiction is refused — the sheet whole, naming no row — and the try is
audited on the cadre it resembles (``orgwork.imports.probing``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from cadres import lrmx
from cadres.models import Cadre, Gender
from cadres.resources import CadreResource
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports.engine import ImportResult
from orgwork.imports.probing import NEAR_MISS_FORM_MESSAGE, NEAR_MISS_MESSAGE
from orgwork.imports.reader import FileError
from tests.imports.sheets import run_example_sheet
from tests.probing import resembling

pytestmark = pytest.mark.django_db
INLINES = {f"{prefix}-{key}": value for prefix in ("posts", "educations", "assessments", "rewards", "family")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}


def run_sheet(tmp_path: Path, user: Any, cadre: Cadre, *numbers: str) -> ImportResult:
    return run_example_sheet(tmp_path, CadreResource, user, [
        {"姓名": "赵立新", "出生年月": f"{cadre.birth_month:%Y.%m}", "身份证号": number} for number in numbers])


def add_form(number: str, cadre: Cadre) -> dict[str, Any]:
    return {"name": "赵立新", "gender": Gender.MALE, "birth_month": f"{cadre.birth_month:%Y.%m}", "ethnicity": "汉族",
            "id_number": number, "unit": cadre.unit_id, "status": "retired", "political_status": "中共党员", **INLINES}


def probe_audited(cadre: Cadre, user: Any) -> bool:
    entry = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE, success=False, object_id=str(cadre.pk))
    return entry.actor == user and "疑似试探完整身份证号" in entry.message and cadre.id_number not in entry.message


def test_a_cadres_sheet_trying_numbers_of_a_cadres_masked_form_is_refused_whole_and_audited(
        tmp_path, make_cadre, county_a_clerk) -> None:
    cadre = make_cadre()
    with pytest.raises(FileError) as refused:
        run_sheet(tmp_path, county_a_clerk, cadre, resembling(cadre.id_number), cadre.id_number)
    assert refused.value.message == NEAR_MISS_MESSAGE
    assert Cadre.objects.count() == 1 and probe_audited(cadre, county_a_clerk)


def test_the_cadre_add_form_refuses_a_number_of_a_cadres_masked_form_and_audits_it(
        make_cadre, client_for, county_a_clerk) -> None:
    cadre = make_cadre()
    response = client_for(county_a_clerk).post(reverse("admin:cadres_cadre_add"),
                                               add_form(resembling(cadre.id_number), cadre))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"] == [NEAR_MISS_FORM_MESSAGE]
    assert Cadre.objects.count() == 1 and probe_audited(cadre, county_a_clerk)


def test_a_new_cadres_lrmx_file_of_a_cadres_masked_form_is_refused_and_audited(make_cadre, county_a_clerk) -> None:
    cadre = make_cadre()
    person = lrmx.parse(lrmx.export_person(cadre))
    person.values["id_number"] = resembling(cadre.id_number)
    with pytest.raises(lrmx.LrmxError) as refused:
        lrmx.import_person(person, user=county_a_clerk, commit=True)
    assert refused.value.messages == [f"身份证号：{NEAR_MISS_FORM_MESSAGE}"]
    assert Cadre.objects.count() == 1 and probe_audited(cadre, county_a_clerk)


def test_a_holder_of_the_right_registers_a_cadre_of_another_cadres_masked_form(
        tmp_path, make_cadre, grant_unmask, client_for, county_a_clerk) -> None:
    first, second = make_cadre(), make_cadre()
    clerk = grant_unmask(county_a_clerk)
    result = run_sheet(tmp_path, clerk, first, resembling(first.id_number))
    assert result.committed, result.errors
    response = client_for(clerk).post(reverse("admin:cadres_cadre_add"), add_form(resembling(second.id_number), second))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Cadre.objects.count() == 4
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False).exists()
