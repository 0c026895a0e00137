"""A talent's name (姓名) on every path that writes one: the add form, the talent sheet and
the service hold a name written now to the one rule (``orgwork.common.names``); a name on
record from before the rule does not stop other changes."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.audit.models import AuditLog
from orgwork.common.contract import SystemActor
from orgwork.imports.engine import ImportResult
from talent import services
from talent.models import Person
from talent.resources import PersonResource

from ..imports.sheets import run_example_sheet
from ..samples.names import BAD_NAMES, INVISIBLE
from ..samples.talent import id_number_for

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")
BORN = datetime.date(1981, 3, 9)


def written() -> tuple[int, int]:
    """Talents and audit rows: a refused write leaves both as they were."""
    return Person.objects.count(), AuditLog.objects.count()


def run_sheet(tmp_path: Path, user: Any, names: list[str]) -> ImportResult:
    return run_example_sheet(tmp_path, PersonResource, user, [
        {"姓名": name, "身份证号": id_number_for(600 + i, BORN), "出生日期": f"{BORN:%Y-%m-%d}"}
        for i, name in enumerate(names)])


@pytest.mark.parametrize("name", list(BAD_NAMES))
def test_a_name_a_name_cannot_hold_is_refused_on_the_talent_add_form(tree, county_a_clerk, client_for, name) -> None:
    client = client_for(county_a_clerk)  # its login is audited
    before = written()
    response = client.post(reverse("admin:talent_person_add"), {
        "name": name, "id_number": id_number_for(601, BORN), "unit": tree["county_a"].pk})
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["name"]
    assert BAD_NAMES[name] in error
    assert written() == before


def test_a_foreign_name_with_its_hyphen_and_dot_is_taken_by_the_talent_add_form(tree, county_a_clerk,
                                                                                client_for) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:talent_person_add"), {
        "name": "让-保罗·萨特", "id_number": id_number_for(602, BORN), "unit": tree["county_a"].pk})
    assert response.status_code == 302
    assert Person.objects.filter(name="让-保罗·萨特").exists()


def test_a_talent_sheet_with_a_name_a_name_cannot_hold_is_refused_whole_in_chinese(county_a_clerk, tmp_path) -> None:
    before = written()
    result = run_sheet(tmp_path, county_a_clerk, ["李明", *BAD_NAMES])
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(3 + i, "姓名") for i in range(len(BAD_NAMES))]
    for error, expected in zip(result.errors, BAD_NAMES.values()):
        assert expected in error.message
    assert written() == before  # the good row is not written either: the sheet is taken whole or not at all


def test_a_talent_sheet_of_good_names_registers_them(county_a_clerk, tmp_path) -> None:
    result = run_sheet(tmp_path, county_a_clerk, ["阿卜杜·热合曼", "Anna Maria"])
    assert result.committed and result.new == 2, [str(e) for e in result.errors]
    assert set(Person.objects.values_list("name", flat=True)) == {"阿卜杜·热合曼", "Anna Maria"}


def test_the_service_refuses_a_talent_named_with_a_zero_width_space(tree) -> None:
    person = Person(name="零宽\u200b字符", id_number=id_number_for(603, BORN), unit=tree["county_a"])
    with pytest.raises(ValidationError) as caught:
        services.person_save(person=person, actor=SYSTEM)
    assert caught.value.message_dict["name"][0].startswith(INVISIBLE)
    assert not Person.objects.exists()


def test_a_talent_whose_name_predates_the_rule_can_still_be_changed_in_another_field(make_person) -> None:
    person = make_person(name="旧名")
    Person.objects.filter(pk=person.pk).update(name="旧名1")  # as a row written before the rule
    person = Person.objects.get(pk=person.pk)
    person.field = "中医药"
    services.person_save(person=person, actor=SYSTEM)
    assert Person.objects.filter(pk=person.pk, name="旧名1", field="中医药").exists()


def test_renaming_a_talent_whose_name_predates_the_rule_is_held_to_the_rule(make_person) -> None:
    person = make_person(name="旧名")
    Person.objects.filter(pk=person.pk).update(name="旧名1")
    person = Person.objects.get(pk=person.pk)
    person.name = "旧名2"
    with pytest.raises(ValidationError) as caught:
        services.person_save(person=person, actor=SYSTEM)
    assert caught.value.message_dict["name"][0].startswith("姓名中不能有「2」")
    assert Person.objects.get(pk=person.pk).name == "旧名1"
