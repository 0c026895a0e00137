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


@pytest.mark.parametrize("other_error", [False, True])
def test_the_cadre_add_form_answers_a_cadres_own_number_as_it_answers_the_others_of_its_form(
        make_cadre, client_for, county_a_clerk, other_error) -> None:
    """「已被使用」 for the own number and another answer for the others told the number; so did
    a form with another error (no 姓名), which answered the others nothing."""
    cadre = make_cadre()
    for number in (cadre.id_number, resembling(cadre.id_number)):
        form = {**add_form(number, cadre), **({"name": ""} if other_error else {})}
        response = client_for(county_a_clerk).post(reverse("admin:cadres_cadre_add"), form)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert errors["id_number"] == [NEAR_MISS_FORM_MESSAGE] and (len(errors) > 1) == other_error
    tries = AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False, object_id=str(cadre.pk))
    assert tries.count() == 2 and all(t.actor == county_a_clerk and cadre.id_number not in t.message for t in tries)
    assert Cadre.objects.count() == 1


def elsewhere_tries(cadre: Cadre) -> Any:
    return AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False, object_id=str(cadre.pk))


def test_a_cadres_sheet_holding_the_number_of_a_cadre_in_another_county_is_refused_and_the_try_audited(
        tmp_path, make_cadre, tree, county_a_clerk) -> None:
    """A number of no one is 新增 and another county's cadre's number is refused: the two
    answers cannot read alike, so the security auditor sees each such try, on that cadre."""
    cadre = make_cadre(tree["county_b"])
    result = run_sheet(tmp_path, county_a_clerk, cadre, cadre.id_number)
    assert not result.committed and [e.message for e in result.errors] == ["该身份证号已被使用，请联系上级组织部门核实。"]
    tries = elsewhere_tries(cadre)
    assert tries.count() == 1 and tries.get().actor == county_a_clerk
    assert "不在导入人的管辖范围内" in tries.get().message and cadre.id_number not in tries.get().message
    assert Cadre.objects.count() == 1


def test_the_cadre_add_form_given_the_number_of_a_cadre_in_another_county_audits_the_try(
        make_cadre, tree, client_for, county_a_clerk) -> None:
    cadre = make_cadre(tree["county_b"])
    form = {**add_form(cadre.id_number, cadre), "unit": tree["county_a"].pk}
    response = client_for(county_a_clerk).post(reverse("admin:cadres_cadre_add"), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"] == ["该身份证号已被使用，请联系上级组织部门核实。"]
    tries = elsewhere_tries(cadre)
    assert tries.count() == 1 and tries.get().actor == county_a_clerk and "不在登记人的管辖范围内" in tries.get().message
    assert Cadre.objects.count() == 1


def test_a_holder_of_the_right_is_not_audited_for_a_number_held_in_another_county(
        tmp_path, make_cadre, tree, grant_unmask, county_a_clerk) -> None:
    cadre = make_cadre(tree["county_b"])
    result = run_sheet(tmp_path, grant_unmask(county_a_clerk), cadre, cadre.id_number)
    assert not result.committed and not elsewhere_tries(cadre).exists()
