"""A service card (人才服务卡) covers the green-channel requests submitted on it: its 发卡日期,
有效期至 and 服务事项 are not moved from under them, and its holder is fixed once it is
issued (the requests are the holder's). Refused on the card's page and on the record
itself, naming the requests. There is no card sheet: the page and the record are the
paths that write a card (the demo seeder cleans the record too)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from talent import models, services
from talent.models import BenefitArea, GreenChannelRequest, ServiceCard
from tests.test_versioning import form_data

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date
RULE = ("服务卡的发卡日期、有效期至和可享受服务事项须覆盖卡上已提交的绿色通道事项，请核对后再改；"
        "确需停止服务或缩短有效期的，请注销这张卡，换发新卡。")
ISSUED_AFTER = f"发卡日期 2025-06-01 晚于卡上已提交的绿色通道事项「户籍（2025-02-01）」的提交日期：{RULE}"
EXPIRES_BEFORE = f"有效期至 2025-01-20 早于卡上已提交的绿色通道事项「户籍（2025-02-01）」的提交日期：{RULE}"
AREA_DROPPED = f"卡上已提交「户籍」服务事项的绿色通道事项「户籍（2025-02-01）」，不能取消这些服务事项：{RULE}"


def with_request(make_card: Any) -> tuple[ServiceCard, GreenChannelRequest]:
    """A card issued 2025-01-01, valid to 2027-12-31 for 户籍 and 就医, with a 户籍 request of 2025-02-01."""
    card = make_card(areas=[BenefitArea.HOUSEHOLD, BenefitArea.MEDICAL])
    request = services.green_request_submit(card=card, area=BenefitArea.HOUSEHOLD, content="办理户口迁移",
                                            submitted_on=D(2025, 2, 1), actor=SYSTEM)
    return ServiceCard.objects.get(pk=card.pk), request


def page(card: ServiceCard) -> str:
    return reverse("admin:talent_servicecard_change", args=[card.pk])


def post_page(client: Any, card: ServiceCard, **changes: Any) -> Any:
    return client.post(page(card), {**form_data(client.get(page(card))), **changes})


def refused(card: ServiceCard) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        card.full_clean()
    return caught.value.message_dict


def stored(card: ServiceCard) -> ServiceCard:
    return ServiceCard.objects.get(pk=card.pk)


# ---------------------------------------------------------------- 发卡日期 (D1)


def test_the_card_itself_refuses_an_issue_date_after_a_request_was_submitted(make_card) -> None:
    card, _ = with_request(make_card)
    card.issued_on = D(2025, 6, 1)
    assert refused(card) == {"issued_on": [ISSUED_AFTER]}


def test_the_card_page_refuses_an_issue_date_after_a_request_was_submitted(make_card, county_a_clerk,
                                                                          client_for) -> None:
    card, _ = with_request(make_card)
    response = post_page(client_for(county_a_clerk), card, issued_on="2025-06-01")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"issued_on": [ISSUED_AFTER]}
    assert stored(card).issued_on == D(2025, 1, 1)


def test_an_issue_date_still_before_the_requests_is_saved_on_the_card_page(make_card, county_a_clerk,
                                                                          client_for) -> None:
    card, _ = with_request(make_card)
    assert post_page(client_for(county_a_clerk), card, issued_on="2025-02-01").status_code == 302
    assert stored(card).issued_on == D(2025, 2, 1)


# ---------------------------------------------------------------- 有效期至 (D2)


def test_the_card_itself_refuses_an_expiry_before_a_request_was_submitted(make_card) -> None:
    card, _ = with_request(make_card)
    card.expires_on = D(2025, 1, 20)
    assert refused(card) == {"expires_on": [EXPIRES_BEFORE]}


def test_the_card_page_refuses_an_expiry_before_a_request_was_submitted(make_card, county_a_clerk,
                                                                       client_for) -> None:
    card, _ = with_request(make_card)
    response = post_page(client_for(county_a_clerk), card, expires_on="2025-01-20")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"expires_on": [EXPIRES_BEFORE]}
    assert stored(card).expires_on == D(2027, 12, 31)


# ---------------------------------------------------------------- 服务事项 (D3)


def test_the_card_itself_refuses_to_drop_an_area_a_request_was_made_in(make_card) -> None:
    card, _ = with_request(make_card)
    card.areas = [BenefitArea.MEDICAL]
    assert refused(card) == {"areas": [AREA_DROPPED]}


def test_the_card_page_refuses_to_drop_an_area_a_request_was_made_in(make_card, county_a_clerk, client_for) -> None:
    card, _ = with_request(make_card)
    response = post_page(client_for(county_a_clerk), card, areas=[BenefitArea.MEDICAL])
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"areas": [AREA_DROPPED]}
    assert stored(card).areas == [BenefitArea.HOUSEHOLD, BenefitArea.MEDICAL]


def test_the_card_page_drops_an_area_no_request_was_made_in(make_card, county_a_clerk, client_for) -> None:
    card, _ = with_request(make_card)
    assert post_page(client_for(county_a_clerk), card, areas=[BenefitArea.HOUSEHOLD]).status_code == 302
    assert stored(card).areas == [BenefitArea.HOUSEHOLD]


def test_the_message_names_the_first_requests_and_counts_the_rest(make_card) -> None:
    card, _ = with_request(make_card)
    for day in (2, 3, 4):
        services.green_request_submit(card=card, area=BenefitArea.HOUSEHOLD, content="办理户口迁移",
                                      submitted_on=D(2025, 2, day), actor=SYSTEM)
    card.issued_on = D(2025, 6, 1)
    assert refused(card)["issued_on"] == [
        "发卡日期 2025-06-01 晚于卡上已提交的绿色通道事项「户籍（2025-02-01）」「户籍（2025-02-02）」「户籍（2025-02-03）」"
        f"等4件的提交日期：{RULE}"]


# ---------------------------------------------------------------- 持卡人 (D4)


def test_the_holder_is_read_only_on_a_saved_cards_page_and_its_requests_stay_the_holders(
        make_card, make_person, county_a_clerk, client_for) -> None:
    card, request = with_request(make_card)
    holder, other = card.holder, make_person()
    client = client_for(county_a_clerk)
    shown = client.get(page(card))
    assert "holder" not in shown.context["adminform"].form.fields
    assert client.post(page(card), {**form_data(shown), "holder": str(other.pk)}).status_code == 302
    assert stored(card).holder == holder
    assert GreenChannelRequest.objects.get(pk=request.pk).card.holder == holder


def test_the_card_itself_refuses_another_holder_saying_what_to_do_instead(make_card, make_person) -> None:
    card, _ = with_request(make_card)
    card.holder = make_person()
    assert refused(card) == {"holder": [models.CARD_HOLDER_FIXED]}


def test_the_holder_is_chosen_on_a_new_cards_page(make_person, county_a_clerk, client_for) -> None:
    shown = client_for(county_a_clerk).get(reverse("admin:talent_servicecard_add"))
    assert "holder" in shown.context["adminform"].form.fields
