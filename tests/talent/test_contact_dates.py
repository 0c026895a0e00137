"""A contact with an expert (联系服务记录) is logged once it has taken place: one dated after
today would count as this year's contact and drop the expert off the 本年度未联系 list.
Refused on the contact's own page, in the contacts table of the liaison's page and by the
record itself; a contact stored before the rule keeps its date when its text is edited."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from talent.models import ExpertLiaison, LiaisonContact
from tests.test_versioning import form_data

pytestmark = pytest.mark.django_db
AHEAD = "联系日期不能晚于今天。"


def ahead() -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=2)  # past Beijing's midnight, whatever the host's zone


def liaison(make_person: Any) -> ExpertLiaison:
    return ExpertLiaison.objects.create(leader_name="王副省长", leader_post="副省长", expert=make_person(),
                                        started_on=datetime.date(2024, 1, 1))


def test_the_record_itself_refuses_a_contact_dated_after_today(make_person) -> None:
    contact = LiaisonContact(liaison=liaison(make_person), contacted_on=ahead(), way="visit", content="走访")
    with pytest.raises(ValidationError) as refused:
        contact.full_clean()
    assert refused.value.message_dict == {"contacted_on": [AHEAD]}


def test_the_contact_page_refuses_a_contact_dated_after_today(make_person, county_a_clerk, client_for) -> None:
    pairing = liaison(make_person)
    response = client_for(county_a_clerk).post(reverse("admin:talent_liaisoncontact_add"), {
        "liaison": pairing.pk, "contacted_on": ahead().isoformat(), "way": "visit", "content": "走访"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"contacted_on": [AHEAD]}
    assert not LiaisonContact.objects.exists()


def test_the_liaison_pages_contacts_table_refuses_a_contact_dated_after_today(make_person, county_a_clerk,
                                                                            client_for) -> None:
    pairing = liaison(make_person)
    url = reverse("admin:talent_expertliaison_change", args=[pairing.pk])
    client = client_for(county_a_clerk)
    data = {**form_data(client.get(url)), "contacts-TOTAL_FORMS": "1", "contacts-0-contacted_on": ahead().isoformat(),
            "contacts-0-way": "visit", "contacts-0-content": "走访"}
    response = client.post(url, data)
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.formset.errors == [{"contacted_on": [AHEAD]}]
    assert not LiaisonContact.objects.exists()


def test_a_contact_stored_ahead_before_the_rule_keeps_its_date_when_its_text_is_edited(make_person) -> None:
    contact = LiaisonContact.objects.create(liaison=liaison(make_person), contacted_on=ahead(), way="visit",
                                            content="走访")
    contact = LiaisonContact.objects.get(pk=contact.pk)
    contact.follow_up = "协调解决实验用房问题。"
    contact.full_clean()
