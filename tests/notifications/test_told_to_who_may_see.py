"""A reminder names a record: only a clerk who may view such records hears of it, whatever
roles a rule names. An item of the 整改清单 raised from a cadre's spot check is told to
the cadre supervision clerk, not to the party-building clerk of the same county, who
can neither open it nor see the check; an item put on the books by hand reaches both."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from cadres.supervision import services as supervision
from cadres.supervision.models import SpotCheckDraw, SpotCheckOutcome
from orgwork.accounts import roles
from orgwork.common.contract import SystemActor
from orgwork.notifications import services
from orgwork.notifications.models import Notification, ReminderRule
from orgwork.rectification.models import ChecklistSource
from orgwork.rectification.services import rectification_open_item
from tests.clock import today
from tests.samples.cadres import cadre_in
from tests.samples.supervision import report_for

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


@pytest.fixture
def clerks(tree: dict[str, Any], make_staff: Any) -> dict[str, Any]:
    return {"cadre": make_staff("cadre_only", tree["county_a"], roles.CADRE_SUPERVISION),
            "party": make_staff("party_only", tree["county_a"], roles.PARTY_BUILDING)}


def told(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("body", flat=True))


def spot_check_item(tree: dict[str, Any], clerk: Any) -> Any:
    cadre = cadre_in(tree["county_a"], name="邵英")
    report_for(cadre, year=2025)
    draw = supervision.spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1),
                                       actor=clerk)
    check = supervision.spot_check_record_outcome(check=draw.checks.get(), outcome=SpotCheckOutcome.OMITTED,
                                                  checked_on=today() - datetime.timedelta(days=2),
                                                  findings="漏报配偶名下车位一个", actor=clerk)
    return supervision.spot_check_open_rectification(check=check, actor=clerk,
                                                     deadline=today() + datetime.timedelta(days=3))


def test_an_item_raised_from_a_spot_check_is_told_only_to_who_may_see_spot_checks(tree, clerks) -> None:
    ReminderRule.objects.filter(source="rectification_item").update(roles=list(roles.BUSINESS_ROLES), days_before=7)
    spot_check_item(tree, clerks["cadre"])
    services.notifications_create(actor=SYSTEM, today=today())
    assert any("邵英" in body for body in told(clerks["cadre"]))
    assert told(clerks["party"]) == []


def test_an_item_put_on_the_books_by_hand_is_told_to_every_role_the_rule_names(tree, clerks) -> None:
    ReminderRule.objects.filter(source="rectification_item").update(roles=list(roles.BUSINESS_ROLES), days_before=7)
    rectification_open_item(unit=tree["county_a"], source=ChecklistSource.INSPECTION, problem="会议记录不全",
                            actor=SYSTEM, deadline=today() + datetime.timedelta(days=3))
    services.notifications_create(actor=SYSTEM, today=today())
    assert len(told(clerks["cadre"])) == 1 and len(told(clerks["party"])) == 1


def test_a_rule_naming_a_role_without_the_right_tells_its_holders_nothing(tree, clerks, make_staff) -> None:
    """A spot check's finding rule set to the party-building role: its holders cannot view
    spot checks, so the finding goes to who can, the nearest unit's cadre clerk."""
    ReminderRule.objects.filter(source="supervision_spot_check_finding").update(
        roles=[roles.PARTY_BUILDING, roles.CADRE_SUPERVISION], days_before=60)
    spot_check_item(tree, clerks["cadre"])
    services.notifications_create(actor=SYSTEM, today=today())
    assert told(clerks["party"]) == []
    assert any("邵英" in body for body in told(clerks["cadre"]))
