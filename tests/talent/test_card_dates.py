"""A service card (人才服务卡) is issued on a day that has come, once its holder is 18, and
runs at most five years: on the card's page and on the record itself. A card already
stored keeps its dates when something else on it changes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from talent.models import BenefitArea, ServiceCard

pytestmark = pytest.mark.django_db
D = datetime.date
# The fixtures' talents were born on 1978-03-09.
TOO_YOUNG = "发卡日期 1901-01-01 早于持卡人年满18周岁之日（1996-03-09），请核对发卡日期。"
TOO_LONG = "有效期至 2100-12-31 超出服务卡5年的有效期：发卡日期 2025-01-01 的服务卡至迟于 2029-12-31 到期，期满后换发新卡。"


def add(client, holder, **fields):
    return client.post(reverse("admin:talent_servicecard_add"), {
        "card_number": "LYRC900001", "level": "A", "holder": holder.pk, "issued_on": "2025-01-01",
        "expires_on": "2027-12-31", "areas": [BenefitArea.MEDICAL], **fields})


def test_the_card_page_refuses_an_issue_date_after_today(make_person, county_a_clerk, client_for) -> None:
    ahead = timezone.localdate() + datetime.timedelta(days=1)
    response = add(client_for(county_a_clerk), make_person(), issued_on=ahead.isoformat(),
                   expires_on=(ahead + datetime.timedelta(days=365)).isoformat())
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"issued_on": ["发卡日期不能晚于今天。"]}
    assert not ServiceCard.objects.exists()


def test_the_card_page_refuses_an_issue_date_before_the_holder_turned_18(make_person, county_a_clerk,
                                                                         client_for) -> None:
    response = add(client_for(county_a_clerk), make_person(), issued_on="1901-01-01", expires_on="1905-12-31")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"issued_on": [TOO_YOUNG]}
    assert not ServiceCard.objects.exists()


def test_the_card_page_refuses_an_expiry_beyond_five_years(make_person, county_a_clerk, client_for) -> None:
    response = add(client_for(county_a_clerk), make_person(), expires_on="2100-12-31")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"expires_on": [TOO_LONG]}
    assert not ServiceCard.objects.exists()


def test_a_card_running_exactly_five_years_is_saved(make_person, county_a_clerk, client_for) -> None:
    assert add(client_for(county_a_clerk), make_person(), expires_on="2029-12-31").status_code == 302
    assert ServiceCard.objects.get().expires_on == D(2029, 12, 31)


def test_the_record_itself_refuses_a_future_issue_date(make_person) -> None:
    card = ServiceCard(card_number="LYRC900002", level="A", holder=make_person(),
                       issued_on=D(2027, 6, 1), expires_on=D(2028, 6, 1))
    with pytest.raises(ValidationError) as refused:
        card.full_clean()
    assert refused.value.message_dict == {"issued_on": ["发卡日期不能晚于今天。"]}


def test_a_stored_card_of_longer_validity_keeps_its_dates_when_revoked(make_card) -> None:
    card = make_card()
    ServiceCard.objects.filter(pk=card.pk).update(expires_on=D(2040, 12, 31))  # stored before the rule
    card = ServiceCard.objects.get(pk=card.pk)
    card.is_revoked = True
    card.full_clean()
