"""Corrections of a 换届选举 that would change what the organisation's other elections are:
moved to another organisation out of the middle of a history (as deleting it would), or
re-dated so that the next election, approved as a 提前换届, is held after the corrected
term's end. On the service and the page's form. The election sheet names a row by
党组织 and 选举日期, so it moves neither; its 任期年限 is three to five years, so it can
only lengthen a term (:mod:`tests.branches.test_term_election_sheet`)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import TermElection
from branches.services import term_election_save

from .test_term_elections import form_data, history

pytestmark = pytest.mark.django_db

MOVED_FROM_THE_MIDDLE = (
    "本次换届选举原登记在「城关镇红星村党支部」，该党组织在本次之后还有 2022-05-10 的换届选举："
    "改登记到其他党组织会改变下一次换届的上一届任期（是否属于提前换届），只有该党组织最近一次换届选举可以改登记。"
    "录错的内容请在原记录上更正。")
NO_LONGER_EARLY = (
    "按此更正，本届任期至 2019-05-10 届满，下一次换届选举 2019-05-10 已不在届满之前，而它登记为经批准的提前换届："
    "届满之后的换届不是提前换届。请核对本次的选举日期和任期年限；确属录错的，须先删除之后的换届登记（从最近一次删起），"
    "更正本次后再依次重新登记。")


def stored(election: TermElection) -> TermElection:
    return TermElection.objects.select_related("organisation").get(pk=election.pk)


def test_an_election_from_the_middle_of_a_history_is_not_moved_to_another_organisation(
        orgs: Any, county_a_clerk: Any) -> None:
    first, middle, latest = history(orgs["village"], county_a_clerk)
    moved = stored(middle)
    moved.organisation = orgs["community"]
    with pytest.raises(ValidationError) as refused:
        term_election_save(election=moved, actor=county_a_clerk)
    assert refused.value.message_dict["organisation"] == [MOVED_FROM_THE_MIDDLE]
    assert stored(middle).organisation == orgs["village"]


def test_the_latest_election_may_still_be_moved_to_the_organisation_it_belongs_to(
        orgs: Any, county_a_clerk: Any) -> None:
    first, middle, latest = history(orgs["village"], county_a_clerk)
    moved = stored(latest)
    moved.organisation = orgs["community"]
    term_election_save(election=moved, actor=county_a_clerk)
    assert stored(latest).organisation == orgs["community"]
    assert list(TermElection.objects.filter(organisation=orgs["village"]).order_by("elected_on")) == [first, middle]


def test_the_election_form_refuses_the_move_under_the_organisation(orgs: Any, county_a_clerk: Any,
                                                                   client_for: Any) -> None:
    first, middle, latest = history(orgs["village"], county_a_clerk)
    data = form_data(orgs["community"], elected_on="2019-05-10", term_years="3", early="on",
                     early_approval_number="城关组字〔2019〕12号", early_reason="村党支部书记调任，班子需调整")
    response = client_for(county_a_clerk).post(reverse("admin:branches_termelection_change", args=[middle.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation"] == [MOVED_FROM_THE_MIDDLE]
    assert stored(middle).organisation == orgs["village"]


def test_a_corrected_date_that_leaves_the_next_approved_early_election_after_the_term_is_refused(
        orgs: Any, county_a_clerk: Any) -> None:
    first, middle, latest = history(orgs["village"], county_a_clerk)
    corrected = stored(first)
    corrected.elected_on = datetime.date(2014, 5, 10)  # five years: to 2019-05-10, the day of the next
    with pytest.raises(ValidationError) as refused:
        term_election_save(election=corrected, actor=county_a_clerk)
    assert refused.value.message_dict["elected_on"] == [NO_LONGER_EARLY]
    assert stored(first).elected_on == datetime.date(2018, 5, 10)


def test_a_correction_that_keeps_the_next_election_early_is_saved(orgs: Any, county_a_clerk: Any) -> None:
    first, middle, latest = history(orgs["village"], county_a_clerk)
    corrected = stored(first)
    corrected.elected_on = datetime.date(2015, 5, 10)  # to 2020-05-10: the 2019 election is still early
    term_election_save(election=corrected, actor=county_a_clerk)
    assert stored(first).term_ends_on == datetime.date(2020, 5, 10)


def test_the_election_form_refuses_that_date_under_the_election_date(orgs: Any, county_a_clerk: Any,
                                                                     client_for: Any) -> None:
    first, middle, latest = history(orgs["village"], county_a_clerk)
    data = form_data(orgs["village"], elected_on="2014-05-10", term_years="5")
    response = client_for(county_a_clerk).post(reverse("admin:branches_termelection_change", args=[first.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["elected_on"] == [NO_LONGER_EARLY]
    assert stored(first).elected_on == datetime.date(2018, 5, 10)
