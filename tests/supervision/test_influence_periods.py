"""影响期: calendar-month arithmetic, the rule in force kept on the record, the SQL selector."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cadres.supervision.models import HandlingType, InfluencePeriodRule
from cadres.supervision.periods import add_months, influence_end
from cadres.supervision.selectors import cadres_under_influence
from cadres.supervision.services import handling_record_save

from .helpers import handle

from orgwork.common.contract import SystemActor

SYSTEM = SystemActor("tests")

D = datetime.date


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2026, 3, 15), 6, D(2026, 9, 15)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # August has 31 days, February 28
        (D(2027, 8, 31), 6, D(2028, 2, 29)),  # a leap February
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 10, 31), 12, D(2027, 10, 31)),
        (D(2026, 12, 15), 24, D(2028, 12, 15)),
        (D(2026, 5, 31), 1, D(2026, 6, 30)),
    ],
)
def test_add_months_keeps_the_day_or_falls_back_to_the_month_end(start: D, months: int, end: D) -> None:
    assert add_months(start, months) == end


def test_a_handling_type_without_months_has_no_influence_period() -> None:
    assert influence_end(D(2026, 3, 1), 0) is None


def test_the_default_rules_come_from_the_data_migration(db: None) -> None:
    months = dict(InfluencePeriodRule.objects.values_list("handling_type", "months"))
    assert months == {
        HandlingType.ADMONISHMENT: 6, HandlingType.POST_ADJUSTMENT: 12, HandlingType.ORDERED_RESIGNATION: 12,
        HandlingType.DISMISSAL: 12, HandlingType.DEMOTION: 24,
    }


def test_an_admonishment_on_the_last_of_august_runs_to_the_end_of_february(cadre_a) -> None:
    record = handle(cadre_a, HandlingType.ADMONISHMENT, D(2025, 8, 31))
    assert (record.influence_months, record.influence_ends_on) == (6, D(2026, 2, 28))


def test_a_talk_reminder_carries_no_influence_period(cadre_a) -> None:
    record = handle(cadre_a, HandlingType.TALK_REMINDER, D(2026, 1, 5))
    assert (record.influence_months, record.influence_ends_on) == (0, None)


def test_a_later_rule_change_does_not_rewrite_an_earlier_decision(cadre_a, cadre_b) -> None:
    earlier = handle(cadre_a, HandlingType.DEMOTION, D(2025, 1, 10))
    rule = InfluencePeriodRule.objects.get(handling_type=HandlingType.DEMOTION)
    rule.months = 36
    rule.save()
    later = handle(cadre_b, HandlingType.DEMOTION, D(2025, 1, 10))
    earlier.refresh_from_db()
    assert (earlier.influence_months, earlier.influence_ends_on) == (24, D(2027, 1, 10))
    assert (later.influence_months, later.influence_ends_on) == (36, D(2028, 1, 10))
    # Correcting the decision date of the earlier record keeps its own months.
    earlier.decided_on = D(2025, 2, 10)
    handling_record_save(record=earlier, actor=SYSTEM)
    assert (earlier.influence_months, earlier.influence_ends_on) == (24, D(2027, 2, 10))


def test_changing_the_handling_type_takes_the_new_types_rule(cadre_a) -> None:
    record = handle(cadre_a, HandlingType.ADMONISHMENT, D(2025, 6, 1))
    record.handling_type = HandlingType.DEMOTION
    handling_record_save(record=record, actor=SYSTEM)
    assert (record.influence_months, record.influence_ends_on) == (24, D(2027, 6, 1))


def test_the_selector_finds_cadres_within_their_period_including_its_last_day(cadre_a, cadre_b,
                                                                               province_officer) -> None:
    handle(cadre_a, HandlingType.ADMONISHMENT, D(2025, 8, 31))
    handle(cadre_b, HandlingType.TALK_REMINDER, D(2025, 9, 1))
    assert list(cadres_under_influence(province_officer, on=D(2025, 8, 30))) == []  # not yet decided
    assert list(cadres_under_influence(province_officer, on=D(2025, 12, 1))) == [cadre_a]
    assert list(cadres_under_influence(province_officer, on=D(2026, 2, 28))) == [cadre_a]
    assert list(cadres_under_influence(province_officer, on=D(2026, 3, 1))) == []


def test_the_selector_keeps_to_the_users_jurisdiction(cadre_a, county_b_clerk, county_a_clerk) -> None:
    handle(cadre_a, HandlingType.DISMISSAL, D(2026, 1, 1))
    assert list(cadres_under_influence(county_a_clerk, on=D(2026, 6, 1))) == [cadre_a]
    assert list(cadres_under_influence(county_b_clerk, on=D(2026, 6, 1))) == []


def test_inquiry_fields_are_refused_on_other_handling_types(cadre_a) -> None:
    with pytest.raises(ValidationError) as exc:
        handle(cadre_a, HandlingType.CRITICISM, D(2026, 1, 1), inquiry_reply="已如实说明")
    assert "只有函询" in str(exc.value)
    inquiry = handle(cadre_a, HandlingType.LETTER_INQUIRY, D(2026, 1, 1), inquiry_reply="已如实说明",
                     inquiry_replied_on=D(2026, 1, 20), inquiry_accepted=True)
    assert inquiry.inquiry_accepted is True and inquiry.influence_ends_on is None
