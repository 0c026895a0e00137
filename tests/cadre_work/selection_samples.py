"""Builders the 选人用人监督 tests share: careers with promotions, a cleared 凡提四必 case."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadres.models import Cadre, Post, Rank
from cadres.services import post_appoint
from cadres.supervision.models import HandlingRecord, HandlingSource, VettingCase, VettingResult
from cadres.supervision.services import handling_record_save, vetting_clear, vetting_open, vetting_record_check
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit
from tests.samples.cadres import cadre_in

SYSTEM = SystemActor("tests")


def appoint(cadre: Cadre, unit: Unit, title: str, rank: str, on: datetime.date) -> Post:
    return post_appoint(post=Post(cadre=cadre, unit=unit, title=title, rank=rank, appointed_on=on), actor=SYSTEM)


def promoted_cadre(unit: Unit, *, name: str = "赵新民", promoted_on: datetime.date = datetime.date(2025, 3, 10),
                   first_on: datetime.date = datetime.date(2019, 5, 1)) -> Cadre:
    """A 乡科级副职 since ``first_on``, promoted to 乡科级正职 on ``promoted_on``."""
    cadre = cadre_in(unit, name=name)
    appoint(cadre, unit, f"{unit.name}副主任", Rank.TOWNSHIP_DEPUTY, first_on)
    appoint(cadre, unit, f"{unit.name}主任", Rank.TOWNSHIP_CHIEF, promoted_on)
    cadre.refresh_from_db()
    return cadre


def cleared_case(cadre: Cadre, nominated_on: datetime.date, actor: Any, *, post: str = "主任",
                 rank: str = Rank.TOWNSHIP_CHIEF) -> VettingCase:
    """A 凡提四必 case for ``post`` of ``rank`` with its four checks clear, cleared by
    ``actor`` (the signer)."""
    case = vetting_open(cadre=cadre, proposed_post=post, proposed_rank=rank, nominated_by="区委组织部",
                        nominated_on=nominated_on, actor=actor)
    for check in case.checks.all():
        vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=nominated_on, handler="刘明",
                             conclusion="无问题", actor=actor)
    return vetting_clear(case=case, actor=actor)


def handle(cadre: Cadre, decided_on: datetime.date, handling_type: str = "admonishment", actor: Any = SYSTEM) -> HandlingRecord:
    return handling_record_save(record=HandlingRecord(cadre=cadre, handling_type=handling_type,
                                                      source=HandlingSource.PETITION, decided_on=decided_on), actor=actor)


def queries_of(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
    return len(captured)


def queries_for_page_sizes(client: Any, url: str, model_admin: Any, sizes: tuple[int, int] = (5, 50)) -> tuple[int, int]:
    """The changelist's query count at two page sizes (the list holds more rows than the smaller)."""
    counts = []
    saved = model_admin.list_per_page
    try:
        for size in sizes:
            model_admin.list_per_page = size
            client.get(url)  # the first view fills the per-account caches; count the second
            counts.append(queries_of(client, url))
    finally:
        model_admin.list_per_page = saved
    return counts[0], counts[1]
