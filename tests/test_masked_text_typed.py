"""A number as the lists mask it (139****5678, 620102********123X), copied into a text field
of a page's form, an inline row or a service's value, is refused on the field, as a sheet's
text cell is: stored, the record would keep the stars for good. A whole number, stars
that mask nothing, and a value already on record are left alone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Cadre, FamilyMember, Post, Rank
from cadres.services import cadre_save, post_appoint
from orgwork.common import secrets
from orgwork.common.contract import SystemActor
from tests.test_versioning import form_data

from .samples import load_all

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("tests")


@pytest.fixture
def cadre(tree: dict[str, Any]) -> Cadre:
    made = load_all()[Cadre](tree["county_a"])
    # A serving cadre's page carries its current principal post (cadres.rules).
    post_appoint(post=Post(cadre=made, title="城关区某局科长", rank=Rank.TOWNSHIP_DEPUTY,
                           appointed_on=datetime.date(2020, 3, 1)), actor=SYSTEM)
    made.refresh_from_db()
    return made


def change_page(client: Any, cadre: Cadre) -> tuple[str, dict[str, Any]]:
    url = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    return url, form_data(client.get(url))


def test_a_cadre_form_refuses_a_masked_phone_copied_into_a_text_field_and_keeps_the_entry(
        cadre: Cadre, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    url, data = change_page(client, cadre)
    data["expertise"] = "熟悉财务（联系人 139****5678）"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["expertise"] == [secrets.MASKED_IN_TYPED_TEXT]
    assert "熟悉财务（联系人 139****5678）" in response.content.decode()  # the entry stays on the form
    assert Cadre.objects.get(pk=cadre.pk).expertise == cadre.expertise


def test_a_family_inline_row_refuses_a_masked_id_number_in_its_work_unit(
        cadre: Cadre, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    url, data = change_page(client, cadre)
    prefix = next(key[:-len("-TOTAL_FORMS")] for key in data if key.endswith("-TOTAL_FORMS")
                  and "family" in key.lower())
    row = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update({f"{prefix}-TOTAL_FORMS": str(row + 1), f"{prefix}-{row}-sort_order": "9",
                 f"{prefix}-{row}-relation": "妻子", f"{prefix}-{row}-name": "王丽",
                 f"{prefix}-{row}-work_unit_and_post": "城关区某局职员（身份证 620102********123X）",
                 f"{prefix}-{row}-cadre": str(cadre.pk)})
    response = client.post(url, data)
    assert response.status_code == 200
    assert secrets.MASKED_IN_TYPED_TEXT in response.content.decode()
    assert not FamilyMember.objects.filter(cadre=cadre, name="王丽").exists()


def test_a_service_refuses_a_masked_number_whatever_path_called_it(cadre: Cadre) -> None:
    cadre.expertise = "熟悉财务（联系人 139****5678）"
    with pytest.raises(ValidationError) as refused:
        cadre_save(cadre=cadre, actor=SYSTEM)
    assert refused.value.message_dict == {"expertise": [secrets.MASKED_IN_TYPED_TEXT]}
    assert Cadre.objects.get(pk=cadre.pk).expertise != cadre.expertise


@pytest.mark.parametrize("typed", ["科员 13912345678", "五*星科员", "尾号5678的联系人"])
def test_a_whole_number_or_stars_that_mask_nothing_are_saved(cadre: Cadre, county_a_clerk: Any, client_for: Any,
                                                             typed: str) -> None:
    client = client_for(county_a_clerk)
    url, data = change_page(client, cadre)
    data["expertise"] = typed
    assert client.post(url, data).status_code == 302
    assert Cadre.objects.get(pk=cadre.pk).expertise == typed


def test_a_value_on_record_before_does_not_stop_an_edit_of_another_field(
        cadre: Cadre, county_a_clerk: Any, client_for: Any) -> None:
    Cadre.objects.filter(pk=cadre.pk).update(expertise="联系人 139****5678")  # stored before the rule
    client = client_for(county_a_clerk)
    url, data = change_page(client, cadre)
    data["native_place"] = "甘肃榆中"
    assert client.post(url, data).status_code == 302
    stored = Cadre.objects.get(pk=cadre.pk)
    assert (stored.native_place, stored.expertise) == ("甘肃榆中", "联系人 139****5678")


WHOLE = "配偶 620102197506010034 在外地"  # an ID number whose check character holds


def test_a_whole_id_number_typed_into_a_text_field_is_refused_on_the_form_and_by_the_service(
        cadre: Cadre, county_a_clerk: Any, client_for: Any) -> None:
    from orgwork.common import freetext

    client = client_for(county_a_clerk)
    url, data = change_page(client, cadre)
    data["expertise"] = WHOLE
    response = client.post(url, data)
    assert response.context["adminform"].form.errors["expertise"] == [freetext.WHOLE_ID_NUMBER]
    cadre.expertise = WHOLE.replace("620102197506010034", "６２０１０２１９７５０６０１００３４")
    with pytest.raises(ValidationError) as refused:
        cadre_save(cadre=cadre, actor=SYSTEM)
    assert refused.value.message_dict == {"expertise": [freetext.WHOLE_ID_NUMBER]}
    assert Cadre.objects.get(pk=cadre.pk).expertise != cadre.expertise


def test_eighteen_digits_that_are_no_id_number_are_saved(cadre: Cadre) -> None:
    cadre.expertise = "档案编号 620102197506010033"  # its check character does not hold
    cadre_save(cadre=cadre, actor=SYSTEM)
    assert Cadre.objects.get(pk=cadre.pk).expertise == "档案编号 620102197506010033"


@pytest.mark.parametrize("written", ["配偶 6201 0219 7506 0100 34 在外地", "配偶620102-19750601-0034", "配偶 620102 197506010034",
                                     "电话13912345678 620102197506010034", "配偶 ６２０１０２　１９７５０６０１　００３４"])
def test_a_whole_id_number_written_in_groups_is_refused_as_one_written_in_a_run(written: str) -> None:
    from orgwork.common import freetext

    assert freetext.may_hold_something_refused(written)
    assert freetext.text_error(written) == freetext.WHOLE_ID_NUMBER


@pytest.mark.parametrize("written", ["电话 0931-8888888 转 1234567", "文号 620102 19751301 0032",
                                     "档案 6201 0219 7506 0100 33", "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9"])
def test_numbers_in_groups_that_make_no_id_number_are_saved(written: str) -> None:
    from orgwork.common import freetext

    assert freetext.text_error(written) is None
