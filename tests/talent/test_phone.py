"""A talent's 联系电话 on every path that writes one: a number written now is kept in one
form (``orgwork.common.phones``) — full-width digits and spaces from a sheet made plain —
and what is no telephone number is refused without repeating it; one on record from
before is left as it is."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from orgwork.common.contract import SystemActor
from orgwork.common.phones import NOT_A_PHONE
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.reader import open_sheet
from talent import services
from talent.models import Person
from talent.resources import PersonResource

from ..imports.sheets import run_example_sheet, xlsx
from ..samples.talent import id_number_for

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")
BORN = datetime.date(1982, 4, 8)


def run_sheet(tmp_path: Path, user: Any, phones: list[str]) -> ImportResult:
    return run_example_sheet(tmp_path, PersonResource, user, [
        {"姓名": f"人才{'甲乙丙丁'[i]}", "身份证号": id_number_for(700 + i, BORN), "出生日期": f"{BORN:%Y-%m-%d}",
         "联系电话": phone} for i, phone in enumerate(phones)])


def test_a_talent_sheet_keeps_full_width_and_spaced_numbers_in_one_plain_form(county_a_clerk, tmp_path) -> None:
    result = run_sheet(tmp_path, county_a_clerk, ["１３８ ０００１ ２２２２", "+86 139-0931-0001", "0931 8888888"])
    assert result.committed, [e.message for e in result.errors]
    assert sorted(Person.objects.values_list("phone", flat=True)) == ["0931-8888888", "13800012222", "13909310001"]


def test_a_talent_sheet_with_no_telephone_number_is_refused_whole_without_repeating_it(county_a_clerk,
                                                                                      tmp_path) -> None:
    result = run_sheet(tmp_path, county_a_clerk, ["13800012222", "54321"])
    assert not result.committed and not Person.objects.exists()
    assert [(e.row, e.column, e.message) for e in result.errors] == [(3, "联系电话", NOT_A_PHONE)]
    assert "54321" not in NOT_A_PHONE


def test_the_talent_add_form_refuses_no_telephone_number_and_keeps_a_plain_one(tree, county_a_clerk,
                                                                                client_for) -> None:
    client = client_for(county_a_clerk)
    data = {"name": "王建华", "id_number": id_number_for(710, BORN), "unit": tree["county_a"].pk}
    refused = client.post(reverse("admin:talent_person_add"), {**data, "phone": "电话待定"})
    assert refused.status_code == 200 and refused.context["adminform"].form.errors["phone"] == [NOT_A_PHONE]
    assert client.post(reverse("admin:talent_person_add"), {**data, "phone": "０９３１－８８８８８８８"}).status_code == 302
    assert Person.objects.get(name="王建华").phone == "0931-8888888"


def test_a_number_on_record_from_before_does_not_stop_a_change_to_another_field(make_person) -> None:
    person = make_person()
    Person.objects.filter(pk=person.pk).update(phone="内线 6021")
    person = Person.objects.get(pk=person.pk)
    person.field = "新材料"
    services.person_save(person=person, actor=SYSTEM)
    assert Person.objects.get(pk=person.pk).field == "新材料"


def test_a_phone_typed_into_a_number_cell_is_kept_as_its_digits_and_one_excel_cut_short_is_refused(
        county_a_clerk, tmp_path) -> None:
    headers = list(PersonResource.example_row)
    rows = [{**PersonResource.example_row, "姓名": f"人才{'甲乙'[i]}", "身份证号": id_number_for(720 + i, BORN),
             "出生日期": f"{BORN:%Y-%m-%d}", "联系电话": phone} for i, phone in enumerate([13912345678, 93188888881234567])]
    path = xlsx(tmp_path / "phones.xlsx", [headers, *([row[h] for h in headers] for row in rows)])
    result = run_import(PersonResource, county_a_clerk, open_sheet(str(path), path.name, PersonResource), commit=True)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "联系电话", "联系电话被 Excel 存成了数字，后几位已丢失：请把该列设为“文本”后重新填写完整内容。")]
    path = xlsx(tmp_path / "phone.xlsx", [headers, [rows[0][h] for h in headers]])
    assert run_import(PersonResource, county_a_clerk, open_sheet(str(path), path.name, PersonResource),
                      commit=True).committed
    assert Person.objects.get().phone == "13912345678"
