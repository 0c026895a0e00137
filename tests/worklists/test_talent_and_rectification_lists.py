"""Talent and rectification audit lists against hand-built records."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from orgwork.common.contract import SystemActor
from orgwork.rectification.models import ItemState, RectificationItem
from orgwork.rectification.services import rectification_send_back
from orgwork.units.models import Unit
from talent import services
from talent.models import BenefitArea, Enrollment, EnrollmentStatus, Programme, ReviewGrade, ServiceCard, TermReview
from tests.clock import today

from .conftest import column, open_list


SYSTEM = SystemActor("fixture")


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def review_written_in_bulk(enrollment: Enrollment, year: int = 2025) -> TermReview:
    """A 不合格 review as an import writes it: the row only, its consequences not yet applied."""
    return TermReview.objects.create(enrollment=enrollment, person=enrollment.person, programme=enrollment.programme,
                                     review_year=year, grade=ReviewGrade.UNQUALIFIED, reviewed_on=datetime.date(year, 12, 20))


def test_an_unqualified_enrollee_still_on_the_roster_is_listed_until_exited(
    leading: Programme, enroll: Callable[..., Enrollment], county_a_clerk: Any, client_for: Any
) -> None:
    pending = enroll(leading)
    review_written_in_bulk(pending)
    exited = enroll(leading)
    services.term_review_record(enrollment=exited, review_year=2025, grade=ReviewGrade.UNQUALIFIED,
                                reviewed_on=datetime.date(2025, 12, 20), actor=SYSTEM)
    review_written_in_bulk(enroll(leading, unit="county_b"))
    client = client_for(county_a_clerk)

    response = open_list(client, "talent_unqualified_not_exited")

    assert column(response) == [pending.person.name]
    assert column(response, 1) == [pending.person.id_number[:6] + "********" + pending.person.id_number[-4:]]
    assert column(response, -1) == ["在册"]
    exited.refresh_from_db()
    assert exited.status == EnrollmentStatus.EXITED

    services.term_reviews_apply_pending(actor=SYSTEM)
    assert open_list(client, "talent_unqualified_not_exited").context["count"] == 0


def test_cards_expiring_within_60_days_by_default_and_within_any_chosen_window(
    make_card: Callable[..., ServiceCard], county_a_clerk: Any, client_for: Any
) -> None:
    soon = make_card(issued_on=days(-300), expires_on=days(30))
    later = make_card(issued_on=days(-300), expires_on=days(90))
    make_card(issued_on=days(-700), expires_on=days(-5))  # already expired: not "expiring"
    make_card(unit="county_b", issued_on=days(-300), expires_on=days(20))
    revoked = make_card(issued_on=days(-300), expires_on=days(10))
    revoked.is_revoked = True
    revoked.save(update_fields=["is_revoked"])
    client = client_for(county_a_clerk)

    default = open_list(client, "talent_cards_expiring")
    wider = open_list(client, "talent_cards_expiring", {"days": "120"})

    assert column(default) == [soon.card_number]
    assert column(default, -1) == [30]
    assert column(wider) == [soon.card_number, later.card_number]


def test_an_open_green_channel_request_past_its_deadline_is_overdue(
    make_card: Callable[..., ServiceCard], county_a_clerk: Any, client_for: Any
) -> None:
    card = make_card(issued_on=days(-300))
    # Each deadline within its area's promise (就医 3 days, 税收 20, 旅游 5).
    late = services.green_request_submit(card=card, area=BenefitArea.MEDICAL, content="住院绿色通道",
                                         submitted_on=days(-6), deadline=days(-3), actor=SYSTEM)
    done = services.green_request_submit(card=card, area=BenefitArea.TAX, content="个税", submitted_on=days(-20),
                                         deadline=days(-3), actor=SYSTEM)
    services.green_request_complete(request=done, result="已办结", on=days(-4), actor=SYSTEM)
    services.green_request_submit(card=card, area=BenefitArea.TRAVEL, content="景区", submitted_on=days(-2),
                                  deadline=days(3), actor=SYSTEM)
    services.green_request_submit(card=make_card(unit="county_b", issued_on=days(-300)), area=BenefitArea.MEDICAL,
                                  content="外区", submitted_on=days(-6), deadline=days(-3), actor=SYSTEM)

    response = open_list(client_for(county_a_clerk), "talent_green_requests_overdue")

    assert column(response, 2) == ["就医"]
    assert column(response, -1) == [3]
    assert response.context["table"][0]["link"].endswith(f"/talent/greenchannelrequest/{late.pk}/change/")


def test_overdue_and_sent_back_items_are_on_the_rectification_list(
    item_in: Callable[..., RectificationItem], tree: dict[str, Unit], city_officer: Any,
    county_a_clerk: Any, client_for: Any
) -> None:
    overdue = item_in(ItemState.IN_PROGRESS, problem="逾期事项")  # deadline 2026-06-30 has passed
    returned = item_in(ItemState.CLOSURE_REQUESTED, problem="被退回事项", deadline=datetime.date(2099, 6, 30))
    rectification_send_back(item=returned, actor=city_officer, reason="佐证材料不足")
    item_in(ItemState.IN_PROGRESS, problem="按期推进事项", deadline=datetime.date(2099, 6, 30))
    item_in(ItemState.CLOSED, problem="已销号事项")
    item_in(ItemState.IN_PROGRESS, problem="七里河逾期事项", unit=tree["county_b"])
    client = client_for(county_a_clerk)

    everything = open_list(client, "rectification_overdue_or_returned")
    only_returned = open_list(client, "rectification_overdue_or_returned", {"problem_kind": "returned"})

    assert column(everything) == ["逾期事项", "被退回事项"]
    assert column(everything, -2) == ["是", "否"]
    assert column(only_returned) == ["被退回事项"]
    assert column(only_returned, -1) == ["佐证材料不足"]
    assert everything.context["table"][0]["link"].endswith(f"/rectification/rectificationitem/{overdue.pk}/change/")
