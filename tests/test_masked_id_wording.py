"""A masked ID number (620102********1234) typed back is refused everywhere, in the words
of where it came in: a form asks for the whole number, a sheet says to mend the original."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members.models import Applicant, Member
from cadres.models import Cadre
from orgwork.common import idnumber
from orgwork.imports.widgets import IDNumberWidget
from talent.models import Person

MASKED = "620102********1234"


def test_the_form_wording_asks_for_the_whole_number_and_the_sheet_wording_for_the_original() -> None:
    assert idnumber.MASKED_ON_FORM == "身份证号不能是遮蔽后的号码，请填写完整的18位身份证号。"
    assert "请在原表中改正后上传" in idnumber.MASKED_ON_SHEET
    with pytest.raises(ValidationError) as typed:
        idnumber.clean(MASKED)
    assert typed.value.messages == [idnumber.MASKED_ON_FORM] and typed.value.code == "masked"


def test_a_sheets_cell_with_a_masked_number_keeps_the_sheet_wording() -> None:
    with pytest.raises(ValidationError) as cell:
        IDNumberWidget().clean(MASKED)
    assert cell.value.messages == [idnumber.MASKED_ON_SHEET]


@pytest.mark.parametrize("record", [Member(name="赵六", id_number=MASKED), Applicant(name="赵六", id_number=MASKED),
                                    Person(name="赵六", id_number=MASKED)], ids=["member", "applicant", "talent"])
def test_every_record_a_form_saves_refuses_a_masked_number_in_the_form_wording(record) -> None:
    with pytest.raises(ValidationError) as refused:
        record.clean()
    assert refused.value.message_dict["id_number"] == [idnumber.MASKED_ON_FORM]


@pytest.mark.django_db
def test_a_cadres_form_refuses_a_masked_number_in_the_form_wording() -> None:
    with pytest.raises(ValidationError) as refused:
        Cadre(name="赵六", id_number=MASKED).clean()
    assert refused.value.message_dict["id_number"] == [idnumber.MASKED_ON_FORM]


@pytest.mark.django_db
def test_the_transfer_in_page_answers_a_masked_number_in_the_form_wording(tree, client_for, county_a_clerk) -> None:
    from tests.members.test_transfers_into_the_province import FROM_OUTSIDE, letter

    page = client_for(county_a_clerk).post(FROM_OUTSIDE, letter(id_number=MASKED)).content.decode()
    assert idnumber.MASKED_ON_FORM in page
    assert "请在原表中改正后上传" not in page


@pytest.mark.django_db
def test_the_applicant_form_answers_a_masked_number_in_the_form_wording(tree, client_for, county_a_clerk) -> None:
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_add"), {
        "name": "赵六", "id_number": MASKED, "gender": "1", "branch": "", "applied_on": "2026-01-05"}).content.decode()
    assert idnumber.MASKED_ON_FORM in page and "请在原表中改正后上传" not in page
