"""Changelists cost the same number of queries for three rows as for nine."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from talent import services

from .conftest import SYSTEM
from talent.models import BenefitArea, ExpertLiaison, LiaisonContact, ReviewGrade

pytestmark = pytest.mark.django_db
LISTS = ["enrollment", "person", "programme", "funding", "termreview", "reward", "servicecard",
         "greenchannelrequest", "expertliaison", "liaisoncontact"]


def add_rows(n: int, leading, enroll, make_card) -> None:
    for i in range(n):
        # 聘期开始 in the batch year or the next: batches 2023 and 2024 both start in 2024.
        enrollment = enroll(leading, batch_year=2023 + i % 2, term_start=datetime.date(2024, 1, 1))
        services.funding_grant(enrollment=enrollment, year=2024, amount=200000, actor=SYSTEM)
        services.term_review_record(enrollment=enrollment, review_year=2025, grade=ReviewGrade.EXCELLENT,
                                    reviewed_on=datetime.date(2025, 12, 1), actor=SYSTEM)
        card = make_card()
        services.green_request_submit(card=card, area=BenefitArea.TAX, content="个税", submitted_on=datetime.date(2026, 1, 2), actor=SYSTEM)
        pair = ExpertLiaison.objects.create(leader_name=f"领导{i}", leader_post="副省长", expert=enrollment.person,
                                            started_on=datetime.date(2025, 1, 1))
        LiaisonContact.objects.create(liaison=pair, contacted_on=datetime.date(2025, 2, 1), way="visit", content="走访")


def queries_per_list(client) -> dict[str, int]:
    counts = {}
    for name in LISTS:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(f"admin:talent_{name}_changelist")).status_code == 200
        counts[name] = len(captured)
    return counts


def test_changelists_do_not_query_per_row(leading, enroll, make_card, city_officer, client_for) -> None:
    leading.quota_per_batch = None
    leading.save()
    client = client_for(city_officer)
    add_rows(3, leading, enroll, make_card)
    queries_per_list(client)  # a server's pages after the first: the unit filter's choices are kept
    few = queries_per_list(client)
    add_rows(6, leading, enroll, make_card)
    assert queries_per_list(client) == few
