"""A cadre's name (姓名) on every path that writes one: the add form, the cadres sheet,
the 任免审批表 file (.lrmx) and the service hold a name written now to the one rule
(``orgwork.common.names``): letters and the separators between them, no digits, formulas
or unseen characters. A name on record from before the rule does not stop other changes."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres import lrmx
from cadres.models import Cadre, Gender, Post, Rank
from cadres.resources import CadreResource
from cadres.services import cadre_save, post_appoint
from orgwork.audit.models import AuditLog
from orgwork.common.contract import SystemActor
from orgwork.imports.engine import ImportResult
from seeds.demo.cadres import make_id_number
from tests.imports.sheets import run_example_sheet
from tests.samples.names import BAD_NAMES, INVISIBLE
from tests.test_versioning import form_data

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")
BORN = datetime.date(1976, 4, 1)
INLINES = {f"{prefix}-{key}": value for prefix in ("posts", "educations", "assessments", "rewards", "family")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}


def number(sequence: int) -> str:
    return make_id_number("620102", BORN, sequence)


def add_form(name: str, unit: Any, sequence: int = 11) -> dict[str, Any]:
    return {"name": name, "gender": Gender.MALE, "birth_month": f"{BORN:%Y.%m}", "ethnicity": "汉族",
            "id_number": number(sequence), "unit": unit.pk, "status": "active", "political_status": "中共党员",
            **INLINES}


def run_sheet(tmp_path: Path, user: Any, rows: list[dict[str, str]]) -> ImportResult:
    return run_example_sheet(tmp_path, CadreResource, user, rows)


def sheet_row(name: str, sequence: int) -> dict[str, str]:
    return {"姓名": name, "出生年月": f"{BORN:%Y.%m}", "身份证号": number(sequence)}


def serving(make_cadre: Any, name: str) -> Cadre:
    """A serving cadre with the current principal post the cadre page asks for."""
    cadre = make_cadre(name=name)
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关镇副镇长", rank=Rank.TOWNSHIP_DEPUTY,
                           appointed_on=datetime.date(2020, 3, 1)), actor=SYSTEM)
    return Cadre.objects.get(pk=cadre.pk)


def written() -> tuple[int, int]:
    """Cadres and audit rows: a refused write leaves both as they were."""
    return Cadre.objects.count(), AuditLog.objects.count()


# ---------------------------------------------------------------- the add form

@pytest.mark.parametrize("name", list(BAD_NAMES))
def test_a_name_a_name_cannot_hold_is_refused_on_the_cadre_add_form(tree, county_a_clerk, client_for, name) -> None:
    client = client_for(county_a_clerk)  # its login is audited
    before = written()
    response = client.post(reverse("admin:cadres_cadre_add"), add_form(name, tree["county_a"]))
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["name"]
    assert BAD_NAMES[name] in error
    assert written() == before


def test_a_minority_name_with_its_middle_dot_is_taken_by_the_cadre_add_form(tree, county_a_clerk, client_for) -> None:
    data = {**add_form("阿卜杜·热合曼", tree["county_a"]), "posts-TOTAL_FORMS": "1", "posts-0-title": "城关镇副镇长",
            "posts-0-unit": tree["county_a"].pk, "posts-0-rank": Rank.TOWNSHIP_DEPUTY, "posts-0-is_principal": "on",
            "posts-0-is_current": "on", "posts-0-appointed_on": "2020.03.01"}  # a serving cadre has a current post
    response = client_for(county_a_clerk).post(reverse("admin:cadres_cadre_add"), data)
    assert response.status_code == 302, response.context["errors"]
    assert Cadre.objects.filter(name="阿卜杜·热合曼", id_number=number(11)).exists()


def test_a_renaming_on_the_cadre_page_is_held_to_the_rule(make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre, "王建国")
    client = client_for(county_a_clerk)
    url = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    data = {**form_data(client.get(url)), "name": "王建国2"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "姓名中不能有「2」" in response.context["adminform"].form.errors["name"][0]
    assert Cadre.objects.get(pk=cadre.pk).name == "王建国"


# ---------------------------------------------------------------- the cadres sheet

def test_a_cadres_sheet_with_a_name_a_name_cannot_hold_is_refused_whole_in_chinese(tree, county_a_clerk,
                                                                                   tmp_path) -> None:
    before = written()
    rows = [sheet_row("李明", 21), *(sheet_row(name, 23 + 2 * i) for i, name in enumerate(BAD_NAMES))]
    result = run_sheet(tmp_path, county_a_clerk, rows)
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(3 + i, "姓名") for i in range(len(BAD_NAMES))]
    for error, expected in zip(result.errors, BAD_NAMES.values()):
        assert expected in error.message
    assert written() == before  # the good row is not written either: the sheet is taken whole or not at all


def test_a_cadres_sheet_repeating_a_name_from_before_the_rule_still_updates_the_cadre(make_cadre, county_a_clerk,
                                                                                       tmp_path) -> None:
    cadre = make_cadre(name="旧名", birth=BORN, id_number=number(31))
    Cadre.objects.filter(pk=cadre.pk).update(name="旧名1")  # as a row written before the rule
    result = run_sheet(tmp_path, county_a_clerk, [{**sheet_row("旧名1", 31), "籍贯": "甘肃临洮"}])
    assert result.committed and result.updated == 1, [str(e) for e in result.errors]
    assert Cadre.objects.get(pk=cadre.pk).native_place == "甘肃临洮"


# ---------------------------------------------------------------- the 任免审批表 file

def lrmx_refused(content: bytes, user: Any) -> list[str]:
    before = written()
    with pytest.raises(ValidationError) as caught:
        lrmx.import_person(lrmx.parse(content), user=user, commit=True)
    assert written() == before
    return caught.value.messages


def test_an_lrmx_file_for_a_new_cadre_with_a_digit_in_the_name_is_refused_and_writes_nothing(make_cadre,
                                                                                           county_a_clerk) -> None:
    cadre = make_cadre(name="曾建华")
    content = lrmx.export_person(cadre).replace("<XingMing>曾建华".encode(), "<XingMing>曾建华2".encode())
    cadre.delete()
    [message] = lrmx_refused(content, county_a_clerk)
    assert message.startswith("姓名：姓名中不能有「2」")
    assert not Cadre.objects.filter(id_number=cadre.id_number).exists()


def test_an_lrmx_file_renaming_a_cadre_with_a_zero_width_space_is_refused(make_cadre, county_a_clerk) -> None:
    cadre = make_cadre(name="曾建华")
    content = lrmx.export_person(cadre).replace("<XingMing>曾建华".encode(), "<XingMing>曾\u200b建华".encode())
    [message] = lrmx_refused(content, county_a_clerk)
    assert message.startswith("姓名：" + INVISIBLE)
    assert Cadre.objects.get(pk=cadre.pk).name == "曾建华"


def test_the_lrmx_import_page_shows_the_name_refusal_and_writes_nothing(make_cadre, tree, county_a_clerk,
                                                                         client_for) -> None:
    from django.contrib.auth.models import Permission
    from django.core.files.uploadedfile import SimpleUploadedFile

    county_a_clerk.user_permissions.add(Permission.objects.get(codename="import_cadre", content_type__app_label="cadres"))
    cadre = make_cadre(name="曾建华")
    content = lrmx.export_person(cadre).replace("<XingMing>曾建华".encode(), "<XingMing>=曾建华".encode())
    cadre.delete()
    client = client_for(county_a_clerk)  # its login is audited
    before = written()
    response = client.post(reverse("admin:cadres_cadre_import_lrmx"), {
        "file": SimpleUploadedFile("曾建华.lrmx", content), "unit": tree["county_a"].pk, "commit": "on"})
    assert response.status_code == 200
    assert any(p.startswith("姓名：姓名中不能有「=」") for p in response.context["problems"])
    assert written() == before


# ---------------------------------------------------------------- the service, and names on record

def test_the_service_refuses_a_new_cadre_named_with_a_digit(tree) -> None:
    cadre = Cadre(name="张三1", gender=Gender.MALE, birth_month=BORN, id_number=number(41), unit=tree["county_a"])
    with pytest.raises(ValidationError) as caught:
        cadre_save(cadre=cadre, actor=SYSTEM)
    [message] = caught.value.message_dict["name"]
    assert message.startswith(BAD_NAMES["张三1"])
    assert not Cadre.objects.filter(id_number=number(41)).exists()


def test_a_cadre_whose_name_predates_the_rule_can_still_be_changed_in_another_field_by_the_service(make_cadre) -> None:
    cadre = make_cadre(name="旧名")
    Cadre.objects.filter(pk=cadre.pk).update(name="旧名1")  # as a row written before the rule
    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.native_place = "甘肃临洮"
    cadre_save(cadre=cadre, actor=SYSTEM)
    assert Cadre.objects.filter(pk=cadre.pk, name="旧名1", native_place="甘肃临洮").exists()


def test_a_cadre_whose_name_predates_the_rule_can_still_be_changed_in_another_field_on_the_cadre_page(
        make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre, "旧名")
    Cadre.objects.filter(pk=cadre.pk).update(name="旧名1")
    client = client_for(county_a_clerk)
    url = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    response = client.post(url, {**form_data(client.get(url)), "native_place": "甘肃临洮"})
    assert response.status_code == 302, response.context["errors"]
    assert Cadre.objects.filter(pk=cadre.pk, name="旧名1", native_place="甘肃临洮").exists()
