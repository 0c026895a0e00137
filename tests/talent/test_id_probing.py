"""A talent sheet or add form that tries out a talent's whole ID number (身份证号试探):
without the right to whole numbers, a new number of the same masked form as a talent of
the jurisdiction is refused — the sheet whole, naming no row — and the try is audited on
the talent it resembles (``orgwork.imports.probing``)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports.engine import ImportResult
from orgwork.imports.probing import NEAR_MISS_FORM_MESSAGE, NEAR_MISS_MESSAGE
from orgwork.imports.reader import FileError
from talent.models import Person
from talent.resources import PersonResource

from ..imports.sheets import run_example_sheet
from ..probing import resembling
from .conftest import grant

pytestmark = pytest.mark.django_db


def run_sheet(tmp_path: Path, user: Any, *numbers: str) -> ImportResult:
    return run_example_sheet(tmp_path, PersonResource, user, [
        {"姓名": "王建华", "身份证号": number, "出生日期": f"{number[6:10]}-{number[10:12]}-{number[12:14]}"}
        for number in numbers])


def add_form(number: str, unit: Any) -> dict[str, Any]:
    return {"name": "王建华", "id_number": number, "unit": unit.pk}


def probe_audited(person: Person, user: Any) -> bool:
    entry = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE, success=False, object_id=str(person.pk))
    return entry.actor == user and "疑似试探完整身份证号" in entry.message and person.id_number not in entry.message


def test_a_talent_sheet_trying_numbers_of_a_talents_masked_form_is_refused_whole_and_audited(
        tmp_path, make_person, county_a_clerk) -> None:
    person = make_person()
    with pytest.raises(FileError) as refused:
        run_sheet(tmp_path, county_a_clerk, resembling(person.id_number), person.id_number)
    assert refused.value.message == NEAR_MISS_MESSAGE
    assert Person.objects.count() == 1 and probe_audited(person, county_a_clerk)


def test_the_talent_add_form_refuses_a_number_of_a_talents_masked_form_and_audits_it(
        tree, make_person, client_for, county_a_clerk) -> None:
    person = make_person()
    response = client_for(county_a_clerk).post(reverse("admin:talent_person_add"),
                                               add_form(resembling(person.id_number), tree["county_a"]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"] == [NEAR_MISS_FORM_MESSAGE]
    assert Person.objects.count() == 1 and probe_audited(person, county_a_clerk)


def test_a_holder_of_the_right_registers_a_talent_of_another_talents_masked_form(
        tmp_path, tree, make_person, client_for, county_a_clerk) -> None:
    first, second = make_person(), make_person()
    clerk = grant(county_a_clerk, "talent.view_unmasked_id_number")
    assert run_sheet(tmp_path, clerk, resembling(first.id_number)).committed
    response = client_for(clerk).post(reverse("admin:talent_person_add"),
                                      add_form(resembling(second.id_number), tree["county_a"]))
    assert response.status_code == 302
    assert Person.objects.count() == 4
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False).exists()


def test_a_talent_of_the_same_masked_form_in_another_county_is_no_reason_to_refuse(
        tmp_path, make_person, county_a_clerk) -> None:
    person = make_person(unit="county_b")
    result = run_sheet(tmp_path, county_a_clerk, resembling(person.id_number))
    assert result.committed and result.new == 1
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False).exists()


@pytest.mark.parametrize("other_error", [False, True])
def test_the_talent_add_form_answers_a_talents_own_number_as_it_answers_the_others_of_its_form(
        tree, make_person, client_for, county_a_clerk, other_error) -> None:
    person = make_person()
    for number in (person.id_number, resembling(person.id_number)):
        form = {**add_form(number, tree["county_a"]), **({"name": ""} if other_error else {})}
        response = client_for(county_a_clerk).post(reverse("admin:talent_person_add"), form)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert errors["id_number"] == [NEAR_MISS_FORM_MESSAGE] and (len(errors) > 1) == other_error
    tries = AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False, object_id=str(person.pk))
    assert tries.count() == 2 and all(t.actor == county_a_clerk for t in tries)
    assert Person.objects.count() == 1
