"""A list page costs the same number of queries for three rows as for nine: no per-row queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgwork.common.contract import SystemActor
from branches.services import weak_case_open
from cadres.models import Assessment, AssessmentGrade
from cadres.services import assessment_save
from orgwork.rectification.models import ItemState, RectificationItem
from orgwork.units.models import Unit
from talent.models import Enrollment, Programme, ReviewGrade, TermReview
from tests.branches.conftest import make_org
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered
from django.utils import timezone


SYSTEM = SystemActor("tests")

_seq = iter(range(1, 10_000))


# A rectification item is opened for a low score: the write needs a named actor.


def low_score(tree: dict[str, Unit], **_: Any) -> None:
    cadre = cadre_in(tree["county_a"], name=numbered("低分", next(_seq), 2))
    assessment_save(assessment=Assessment(cadre=cadre, year=2024, grade=AssessmentGrade.COMPETENT,
                                          political_score=Decimal("70")), actor=SYSTEM)


def overdue_item(tree: dict[str, Unit], item_in: Callable[..., RectificationItem], **_: Any) -> None:
    item_in(ItemState.IN_PROGRESS, problem=f"逾期{next(_seq)}", unit=tree["township_a"])


def weak_case(tree: dict[str, Unit], **_: Any) -> None:
    n = next(_seq)
    weak_case_open(organisation=make_org(f"W{n}", f"支部{n}", tree["township_a"]), year=2025, categories=["rules"],
                   problems="制度不落实", plan="建章立制", contact_leader="李书记",
                   deadline=timezone.localdate() - datetime.timedelta(days=2), actor=SystemActor("tests"), link_rectification=False)


def unqualified(tree: dict[str, Unit], enroll: Callable[..., Enrollment], leading: Programme, **_: Any) -> None:
    batch = 2000 + next(_seq) % 25  # a batch holds three
    enrollment = enroll(leading, batch_year=batch, term_start=datetime.date(batch, 1, 1))
    TermReview.objects.create(enrollment=enrollment, person=enrollment.person, programme=enrollment.programme,
                              review_year=2025, grade=ReviewGrade.UNQUALIFIED, reviewed_on=datetime.date(2025, 12, 1))


@pytest.mark.parametrize(("slug", "build"), [
    ("cadres_low_political_score", low_score),
    ("rectification_overdue_or_returned", overdue_item),
    ("branches_weak_overdue", weak_case),
    ("talent_unqualified_not_exited", unqualified),
])
def test_a_list_page_does_not_query_per_row(
    slug: str, build: Callable[..., None], reference: None, tree: dict[str, Unit], item_in: Any, enroll: Any,
    leading: Programme, county_a_clerk: Any, client_for: Any
) -> None:
    client = client_for(county_a_clerk)
    url = reverse("admin:worklist", args=[slug])

    def cost(rows: int) -> int:
        while len(client.get(url).context["table"]) < rows:
            build(tree=tree, item_in=item_in, enroll=enroll, leading=leading)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(url).context["table"]) == rows
        return len(queries)

    assert cost(3) == cost(9)
