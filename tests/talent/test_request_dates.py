"""A green-channel request (绿色通道事项) is dated no later than today and promised no later
than its area's days (事项类别的办结承诺): the service and the add form refuse the same
request, and write nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from talent import services
from talent.models import BenefitArea, GreenChannelRequest

from .conftest import SYSTEM
from .test_record_page_steps import audit_rows_since, last_audit_id

pytestmark = pytest.mark.django_db
D = datetime.date
IN_FUTURE = "提交日期不能晚于今天。"
# 子女入学: 20 days, so a request of 2026-03-01 is settled by 2026-03-21.
BEYOND = ("办结时限 2099-12-31 超出「子女入学」事项20天的办结承诺：提交日期 2026-03-01 的事项至迟于 2026-03-21 办结，"
          "可以另行填写更早的时限。")


def tomorrow() -> D:
    return timezone.localdate() + datetime.timedelta(days=1)


def submit(card, **kwargs) -> GreenChannelRequest:
    return services.green_request_submit(card=card, area=BenefitArea.SCHOOLING, content="子女就近入学", actor=SYSTEM,
                                         **kwargs)


def add(client, card, **fields):
    return client.post(reverse("admin:talent_greenchannelrequest_add"), {
        "card": card.pk, "area": BenefitArea.SCHOOLING, "content": "子女就近入学", "deadline": "", "handler": "",
        **fields})


def test_the_service_refuses_a_request_submitted_after_today(make_card) -> None:
    with pytest.raises(ValidationError) as refused:
        submit(make_card(), submitted_on=tomorrow())
    assert refused.value.message_dict == {"submitted_on": [IN_FUTURE]}
    assert not GreenChannelRequest.objects.exists()


def test_the_service_refuses_a_deadline_beyond_the_areas_promise(make_card) -> None:
    with pytest.raises(ValidationError) as refused:
        submit(make_card(), submitted_on=D(2026, 3, 1), deadline=D(2099, 12, 31))
    assert refused.value.message_dict == {"deadline": [BEYOND]}
    assert not GreenChannelRequest.objects.exists()


def test_a_deadline_on_the_last_promised_day_is_kept(make_card) -> None:
    assert submit(make_card(), submitted_on=D(2026, 3, 1), deadline=D(2026, 3, 21)).deadline == D(2026, 3, 21)


def test_the_add_form_refuses_a_request_submitted_after_today(make_card, county_a_clerk, client_for) -> None:
    client, card = client_for(county_a_clerk), make_card()
    last = last_audit_id()
    response = add(client, card, submitted_on=tomorrow().isoformat())
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"submitted_on": [IN_FUTURE]}
    assert audit_rows_since(last) == [] and not GreenChannelRequest.objects.exists()


def test_the_add_form_refuses_a_deadline_beyond_the_areas_promise(make_card, county_a_clerk, client_for) -> None:
    client, card = client_for(county_a_clerk), make_card()
    last = last_audit_id()
    response = add(client, card, submitted_on="2026-03-01", deadline="2099-12-31")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"deadline": [BEYOND]}
    assert audit_rows_since(last) == [] and not GreenChannelRequest.objects.exists()
