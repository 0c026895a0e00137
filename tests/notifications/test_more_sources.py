"""The deadline sources of 干部监督 and 党员: 凡提四必 reviews waiting, travel documents out
past their due date, spot-check findings unhandled, 预备期 ending within 30 days and
transfers in transit over 30 days — each reaches the clerks of its own county, and
leaves the reminders once it is dealt with."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from branches.members import services as members
from cadres.supervision import services as supervision
from cadres.supervision.models import (SpotCheckDraw, SpotCheckOutcome, TravelDocument, TravelDocumentType,
                                       VettingCase)
from orgwork.accounts.models import User
from orgwork.common.contract import SystemActor
from orgwork.notifications import registry, services
from orgwork.notifications.models import Notification, ReminderRule, Stage
from tests.members.conftest import add_member, days_ago, orgs, probationary  # noqa: F401  (fixture)
from tests.samples.cadres import cadre_in
from tests.clock import today
from tests.samples.supervision import report_for
from tests.supervision.conftest import cadre_a, cadre_b  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
D = datetime.date


def keys(source: str, until: datetime.date) -> list[int]:
    return [item.pk for item in registry.get(source).due(until)]


def reminded(user: User, source: str, day: datetime.date) -> list[str]:
    services.notifications_create(actor=SystemActor("send_reminders"), today=day)
    return list(Notification.objects.filter(recipient=user, source=source).values_list("stage", flat=True))


def test_every_new_source_is_registered_with_a_default_rule() -> None:
    for key in ("supervision_vetting_case", "supervision_travel_loan", "supervision_spot_check_finding",
                "members_probation_end", "members_transfer_transit"):
        assert registry.get(key) is not None, key
        assert ReminderRule.objects.filter(source=key, is_active=True).exists(), key
    assert ReminderRule.objects.get(source="members_probation_end").days_before == 30


def test_a_vetting_review_waiting_30_days_is_due_and_leaves_once_it_is_concluded(
        cadre_a: Any, cadre_b: Any, county_a_clerk: User, county_b_clerk: User) -> None:
    case = supervision.vetting_open(cadre=cadre_a, proposed_post="副局长", nominated_by="区委",
                                    nominated_on=D(2026, 5, 1), actor=SYSTEM)
    supervision.vetting_open(cadre=cadre_b, proposed_post="科长", nominated_by="区委",
                             nominated_on=D(2026, 5, 20), actor=SYSTEM)
    assert keys("supervision_vetting_case", D(2026, 5, 30)) == []
    assert keys("supervision_vetting_case", D(2026, 5, 31)) == [case.pk]  # 30 days after the nomination
    assert reminded(county_a_clerk, "supervision_vetting_case", D(2026, 5, 31)) == [Stage.DUE]
    assert reminded(county_b_clerk, "supervision_vetting_case", D(2026, 5, 31)) == []
    supervision.vetting_terminate(case=VettingCase.objects.get(pk=case.pk), actor=SYSTEM, reason="本人放弃")
    assert case.pk not in keys("supervision_vetting_case", D(2026, 7, 1))


def test_a_travel_document_out_past_its_due_date_is_due_until_it_is_returned(
        cadre_a: Any, county_a_clerk: User, county_b_clerk: User) -> None:
    document = TravelDocument.objects.create(holder=cadre_a, document_type=TravelDocumentType.PASSPORT,
                                             number="E12345678", deposited_on=D(2025, 1, 1), expires_on=D(2030, 1, 1))
    loan = supervision.travel_document_lend(document=document, lent_on=D(2026, 2, 1), due_on=D(2026, 2, 20),
                                            purpose="赴香港探亲", approved_by="张部长", actor=SYSTEM)
    (item,) = registry.get("supervision_travel_loan").due(D(2026, 2, 25))
    assert item.pk == loan.pk and item.deadline == D(2026, 2, 20) and "护照" in item.title
    assert reminded(county_a_clerk, "supervision_travel_loan", D(2026, 2, 25)) == [Stage.OVERDUE]
    assert reminded(county_b_clerk, "supervision_travel_loan", D(2026, 2, 25)) == []
    supervision.travel_document_return(document=document, returned_on=D(2026, 2, 26), actor=SYSTEM)
    assert keys("supervision_travel_loan", D(2026, 3, 1)) == []


def test_an_unhandled_spot_check_finding_is_due_30_days_after_the_check_until_it_is_resolved(
        tree: dict[str, Any], county_a_clerk: User) -> None:
    omitted, consistent = cadre_in(tree["county_a"], name="漏报者"), cadre_in(tree["county_a"], name="一致者")
    for cadre in (omitted, consistent):
        report_for(cadre, year=2025)
    draw = supervision.spot_check_draw(
        draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="ratio", ratio=100), actor=county_a_clerk)
    finding = supervision.spot_check_record_outcome(check=draw.checks.get(cadre=omitted), outcome=SpotCheckOutcome.OMITTED,
                                                    checked_on=D(2026, 4, 1), findings="漏报配偶经商", actor=SYSTEM)
    supervision.spot_check_record_outcome(check=draw.checks.get(cadre=consistent), outcome=SpotCheckOutcome.CONSISTENT,
                                          checked_on=D(2026, 4, 1), actor=SYSTEM)
    (item,) = registry.get("supervision_spot_check_finding").due(D(2026, 5, 1))
    assert item.pk == finding.pk and item.deadline == D(2026, 5, 1) and "漏报者" in item.title
    assert reminded(county_a_clerk, "supervision_spot_check_finding", D(2026, 4, 24)) == [Stage.SOON]
    supervision.spot_check_resolve(check=finding, resolved_on=D(2026, 5, 2), handling="诫勉", actor=SYSTEM)
    assert keys("supervision_spot_check_finding", D(2026, 6, 1)) == []


def test_a_probation_ending_within_30_days_reaches_the_party_building_clerk_of_the_branch(
        orgs: dict[str, Any], county_a_clerk: User, county_b_clerk: User) -> None:
    contact = add_member(orgs["community"])
    ending = probationary(orgs["community"], contact, vote_days_ago=350)  # 预备期 ends in about 15 days
    probationary(orgs["community"], contact, vote_days_ago=200)  # half a year left
    (item,) = registry.get("members_probation_end").due(today() + datetime.timedelta(days=30))
    assert item.pk == ending.member_id and item.deadline == ending.probation_ends_on and "李晓" in item.title
    assert reminded(county_a_clerk, "members_probation_end", today()) == [Stage.SOON]
    assert reminded(county_b_clerk, "members_probation_end", today()) == []


def test_a_transfer_in_transit_over_30_days_is_due_for_the_sending_county_until_it_is_received(
        orgs: dict[str, Any], county_a_clerk: User, county_b_clerk: User) -> None:
    moving, recent = add_member(orgs["community"], "张移"), add_member(orgs["community"], "赵新")
    old = members.transfer_start(member=moving, letter_number="L-001", started_on=days_ago(40), actor=SYSTEM,
                                 to_branch=orgs["county_b"])
    old = members.transfer_send(transfer=old, sent_on=days_ago(35), valid_days=60, actor=SYSTEM)
    new = members.transfer_start(member=recent, letter_number="L-002", started_on=days_ago(12), actor=SYSTEM,
                                 to_branch=orgs["county_b"])
    members.transfer_send(transfer=new, sent_on=days_ago(10), valid_days=30, actor=SYSTEM)
    (item,) = registry.get("members_transfer_transit").due(today())
    assert item.pk == old.pk and item.deadline == days_ago(5) and "L-001" in item.title
    assert reminded(county_a_clerk, "members_transfer_transit", today()) == [Stage.OVERDUE]
    assert reminded(county_b_clerk, "members_transfer_transit", today()) == []
    members.transfer_receive(transfer=old, received_on=today(), actor=SYSTEM)
    assert keys("members_transfer_transit", today()) == []
