"""The supervision audit lists: nominations inside an influence period, unhandled 漏报瞒报,
suspected file falsification and travel documents kept past their due date."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from cadres.models import Cadre
from cadres.supervision.models import (
    FileAudit,
    FileAuditFinding,
    FileAuditItem,
    FindingResult,
    HandlingType,
    SpotCheckDraw,
    SpotCheckOutcome,
    TravelDocument,
    TravelDocumentType,
)
from cadres.supervision.services import (
    file_audit_complete,
    spot_check_draw,
    spot_check_record_outcome,
    spot_check_resolve,
    travel_document_lend,
    travel_document_return,
    vetting_open,
)
from orgwork.units.models import Unit
from tests.clock import today
from tests.samples.cadres import cadre_in
from tests.samples.supervision import report_for
from tests.supervision.helpers import handle

from .conftest import column, open_list

from orgwork.common.contract import SystemActor

SYSTEM = SystemActor("tests")

pytestmark = pytest.mark.usefixtures("reference")

D = datetime.date


def test_a_cadre_nominated_inside_an_influence_period_is_listed(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    inside = cadre_in(tree["county_a"], name="影响期内")
    handle(inside, HandlingType.ADMONISHMENT, D(2026, 1, 10))  # six months: to 2026-07-10
    vetting_open(cadre=inside, proposed_post="副局长", nominated_by="区委", nominated_on=D(2026, 5, 1), actor=SYSTEM)
    after = cadre_in(tree["county_a"], name="期满后提名")
    handle(after, HandlingType.ADMONISHMENT, D(2025, 1, 10))
    vetting_open(cadre=after, proposed_post="副局长", nominated_by="区委", nominated_on=D(2026, 5, 1), actor=SYSTEM)
    outsider = cadre_in(tree["county_b"], name="外区影响期内")
    handle(outsider, HandlingType.ADMONISHMENT, D(2026, 1, 10))
    vetting_open(cadre=outsider, proposed_post="副局长", nominated_by="区委", nominated_on=D(2026, 5, 1), actor=SYSTEM)

    response = open_list(client_for(county_a_clerk), "supervision_vetting_during_influence")

    assert column(response) == ["影响期内"]
    assert column(response, 5) == [D(2026, 7, 10)]


def test_a_discrepancy_stays_on_the_list_until_it_is_handled(
    tree: dict[str, Unit], county_a_clerk: Any, county_b_clerk: Any, client_for: Any
) -> None:
    cadres = [cadre_in(tree["county_a"], name=name) for name in ("漏报者", "一致者")]
    outsider = cadre_in(tree["county_b"], name="外区瞒报")
    for cadre in [*cadres, outsider]:
        report_for(cadre, year=2025)
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="ratio", ratio=100),
                           actor=county_a_clerk)
    omitted = draw.checks.get(cadre=cadres[0])
    spot_check_record_outcome(check=omitted, outcome=SpotCheckOutcome.OMITTED, checked_on=D(2026, 4, 1),
                              findings="漏报配偶经商", actor=county_a_clerk)
    spot_check_record_outcome(check=draw.checks.get(cadre=cadres[1]), outcome=SpotCheckOutcome.CONSISTENT,
                              checked_on=D(2026, 4, 1), actor=county_a_clerk)
    draw_b = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_b"], year=2025, method="ratio", ratio=100),
                             actor=county_b_clerk)
    spot_check_record_outcome(check=draw_b.checks.get(), outcome=SpotCheckOutcome.CONCEALED, checked_on=D(2026, 4, 1),
                              findings="瞒报房产", actor=county_b_clerk)
    client = client_for(county_a_clerk)

    before = open_list(client, "supervision_discrepancies_unhandled", {"year": "2025"})
    spot_check_resolve(check=omitted, resolved_on=D(2026, 5, 1), handling="批评教育", actor=county_a_clerk)
    after = open_list(client, "supervision_discrepancies_unhandled", {"year": "2025"})

    assert column(before) == ["漏报者"]
    assert column(before, 1)[0].count("*") == 8  # masked without the one-by-one permission
    assert column(before, 5) == ["漏报"]
    assert after.context["count"] == 0


def test_a_file_with_suspected_falsification_is_listed_with_its_items(
    tree: dict[str, Unit], county_a_clerk: Any, county_b_clerk: Any, client_for: Any
) -> None:
    def audit(cadre: Cadre, results: dict[str, str], actor: Any = county_a_clerk) -> FileAudit:
        record = FileAudit.objects.create(cadre=cadre, audited_on=D(2026, 6, 1), auditor="王审核")
        for item, result in results.items():
            FileAuditFinding.objects.create(audit=record, item=item, result=result, note="核对原始材料")
        return file_audit_complete(audit=record, actor=actor)

    audit(cadre_in(tree["county_a"], name="疑似造假"), {FileAuditItem.BIRTH: FindingResult.SUSPECTED,
                                                        FileAuditItem.PARTY: FindingResult.SUSPECTED,
                                                        FileAuditItem.EDUCATION: FindingResult.CORRECTED})
    audit(cadre_in(tree["county_a"], name="已更正"), {FileAuditItem.BIRTH: FindingResult.CORRECTED})
    audit(cadre_in(tree["county_b"], name="外区造假"), {FileAuditItem.BIRTH: FindingResult.SUSPECTED}, county_b_clerk)

    response = open_list(client_for(county_a_clerk), "supervision_files_suspected")

    assert column(response) == ["疑似造假"]
    assert column(response, -1) == ["出生日期（年龄）、入党时间（党龄）"]


def test_a_travel_document_past_its_due_date_is_overdue_until_returned(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    def lend(cadre: Cadre, number: str, due: D) -> TravelDocument:
        document = TravelDocument(holder=cadre, document_type=TravelDocumentType.PASSPORT, number=number,
                                  deposited_on=D(2025, 1, 1), expires_on=D(2035, 1, 1))
        document.full_clean()
        document.save()
        travel_document_lend(document=document, lent_on=due - datetime.timedelta(days=10), due_on=due,
                             purpose="赴香港探亲", approved_by="张部长", actor=SYSTEM)
        return document

    lend(cadre_in(tree["county_a"], name="逾期未交"), "E10000001", today() - datetime.timedelta(days=4))
    returned = lend(cadre_in(tree["county_a"], name="已交还"), "E10000002", today() - datetime.timedelta(days=4))
    travel_document_return(document=returned, returned_on=today(), actor=SYSTEM)
    lend(cadre_in(tree["county_a"], name="未到期"), "E10000003", today() + datetime.timedelta(days=4))
    lend(cadre_in(tree["county_b"], name="外区逾期"), "E10000004", today() - datetime.timedelta(days=4))

    response = open_list(client_for(county_a_clerk), "supervision_travel_overdue")

    assert column(response) == ["逾期未交"]
    assert column(response, 5) == [4]
