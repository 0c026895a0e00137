"""A talent's birth date is personal data, as a member's is: beside the masked number,
whose hidden digits are exactly the birth date, it gave the whole number back. And a
whole ID number is searched only by a user who may see it (``IdSearchGuard``)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common.search import NO_RIGHT_ID_SEARCH
from talent.models import Person

from .conftest import grant

pytestmark = pytest.mark.django_db
UNMASK = "talent.view_unmasked_id_number"
BORN = datetime.date(1978, 3, 9)  # the fixture's ID numbers are of this day


def test_a_talents_page_and_history_without_the_right_show_the_birth_month_not_the_day(
        make_person, county_a_clerk, client_for) -> None:
    person = make_person(birth_date=BORN)
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:talent_person_change", args=[person.pk])).content.decode()
    assert person.masked_id_number in page and "1978.03" in page
    assert "1978-03-09" not in page and "19780309" not in page and 'name="birth_date"' not in page
    history = client.get(reverse("admin:talent_person_history", args=[person.pk])).content.decode()
    assert "1978.03" in history and "1978-03-09" not in history


def test_a_birth_date_a_day_off_the_id_number_is_refused_without_giving_the_numbers_day(make_person) -> None:
    """The refusal reaches a job page and an error workbook beside the masked number: it
    names the month, not the day the number holds (the masked digits are that day)."""
    person = make_person(birth_date=BORN)
    person.birth_date = BORN + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    [message] = refused.value.message_dict["birth_date"]
    assert message == "出生日期与身份证号不一致：身份证号中为 1978.03 的另一日，请核对。"
    assert "09" not in message.replace("1978.03", "")


def test_the_audit_trail_keeps_a_talents_birth_date_masked(make_person) -> None:
    person = make_person(birth_date=BORN)
    entry = AuditLog.objects.get(action=AuditAction.CREATE, object_id=str(person.pk), content_type__model="person")
    assert entry.changes["birth_date"][1]["masked"] == "1978.03"
    assert "1978-03-09" not in str(entry.changes)


def test_the_talent_export_without_the_right_gives_the_birth_month_only(make_person, county_a_clerk,
                                                                          client_for) -> None:
    person = make_person(birth_date=BORN)
    masked = client_for(county_a_clerk).get(reverse("admin:talent_person_export"))
    cells = [str(c) for row in load_workbook(io.BytesIO(masked.content)).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert person.masked_id_number in cells and "1978-03-09" not in " ".join(cells)
    assert not any(c.startswith("1978-03-09") for c in cells)


def test_a_holder_of_the_right_sees_and_corrects_a_talents_birth_date(make_person, county_a_clerk,
                                                                      client_for) -> None:
    person = make_person(birth_date=BORN)
    page = client_for(grant(county_a_clerk, UNMASK)).get(reverse("admin:talent_person_change", args=[person.pk]))
    assert 'name="birth_date"' in page.content.decode() and "1978-03-09" in page.content.decode()


@pytest.mark.parametrize("url_name", ["admin:talent_person_changelist", "admin:talent_enrollment_changelist"])
def test_a_whole_id_number_finds_no_talent_without_the_right_and_the_list_says_why(
        url_name, leading, enroll, county_a_clerk, client_for) -> None:
    person = enroll(leading).person
    refused = client_for(county_a_clerk).get(reverse(url_name), {"q": person.id_number})
    assert refused.status_code == 200 and list(refused.context["cl"].result_list) == []
    assert NO_RIGHT_ID_SEARCH in [str(m) for m in get_messages(refused.wsgi_request)]
    assert "按身份证号查找须有查看完整身份证号的权限" in refused.content.decode()
    found = client_for(grant(county_a_clerk, UNMASK)).get(reverse(url_name), {"q": person.id_number})
    assert len(found.context["cl"].result_list) == 1
    by_name = client_for(county_a_clerk).get(reverse(url_name), {"q": person.name})
    assert len(by_name.context["cl"].result_list) == 1


def test_the_talent_autocomplete_finds_no_one_by_a_whole_number_without_the_right(
        make_person, county_a_clerk, client_for) -> None:
    person: Person = make_person(birth_date=BORN)
    params = {"app_label": "talent", "model_name": "enrollment", "field_name": "person", "term": person.id_number}
    refused = client_for(county_a_clerk).get(reverse("admin:autocomplete"), params)
    assert refused.status_code == 200 and refused.json()["results"] == []
    found = client_for(grant(county_a_clerk, UNMASK)).get(reverse("admin:autocomplete"), params)
    assert [r["id"] for r in found.json()["results"]] == [str(person.pk)]
