"""Sample records of 干部监督 for the scope matrix (and the supervision tests)."""

from __future__ import annotations

import datetime

from cadres.supervision.models import (
    DisciplineFinding,
    DisciplineKind,
    FileAudit,
    HandlingRecord,
    HandlingSource,
    HandlingType,
    PersonalMattersReport,
    SpotCheck,
    SpotCheckDraw,
    TravelDocument,
    TravelDocumentLoan,
    TravelDocumentType,
    TravelViolation,
    TravelViolationKind,
    VettingCase,
)
from cadres.supervision.services import (
    discipline_finding_save,
    handling_record_save,
    spot_check_draw,
    travel_document_lend,
    vetting_open,
)
from orgwork.units.models import Unit

from . import sample_for
from .cadres import SAMPLES, cadre_in
from .names import numbered

DAY = datetime.date(2026, 3, 16)


@sample_for(HandlingRecord)
def handling_sample(unit: Unit) -> HandlingRecord:
    return handling_record_save(record=HandlingRecord(
        cadre=cadre_in(unit, name="样例处理"), handling_type=HandlingType.ADMONISHMENT,
        source=HandlingSource.INSPECTION, decided_on=DAY, document_number="样组通〔2026〕1号",
    ), actor=SAMPLES)


@sample_for(DisciplineFinding)
def discipline_sample(unit: Unit) -> DisciplineFinding:
    return discipline_finding_save(finding=DisciplineFinding(
        cadre=cadre_in(unit, name="样例处分"), kind=DisciplineKind.PUBLIC_DEMERIT, decided_on=DAY,
        document_number="样纪处〔2026〕1号", deciding_organ="样例县监察委员会",
    ), actor=SAMPLES)


@sample_for(VettingCase)
def vetting_sample(unit: Unit) -> VettingCase:
    return vetting_open(cadre=cadre_in(unit, name="样例提名"), proposed_post="局长", nominated_by="县委组织部",
                        nominated_on=DAY, actor=SAMPLES)


def report_for(cadre, year: int = 2025) -> PersonalMattersReport:
    report = PersonalMattersReport(cadre=cadre, year=year, submitted_on=datetime.date(year + 1, 1, 20))
    report.full_clean()
    report.save()
    return report


def reporting_cadres(unit: Unit, count: int, year: int = 2025, prefix: str = "县干部") -> list:
    """``count`` cadres of ``unit`` (县干部零零, 县干部零一 …), each with a report for ``year``:
    a draw's population."""
    cadres = [cadre_in(unit, name=numbered(prefix, i, 2)) for i in range(count)]
    for cadre in cadres:
        report_for(cadre, year=year)
    return cadres


@sample_for(PersonalMattersReport)
def report_sample(unit: Unit) -> PersonalMattersReport:
    return report_for(cadre_in(unit, name="样例报告"))


@sample_for(SpotCheckDraw)
def draw_sample(unit: Unit) -> SpotCheckDraw:
    drawn = SpotCheckDraw.objects.filter(unit=unit, year=2024).first()  # one draw per unit and year
    if drawn is not None:
        return drawn
    report_for(cadre_in(unit, name="样例抽查"), year=2024)
    return spot_check_draw(draw=SpotCheckDraw(unit=unit, year=2024, method="count", count=1, seed=7), actor=SAMPLES)


@sample_for(SpotCheck)
def spot_check_sample(unit: Unit) -> SpotCheck:
    return draw_sample(unit).checks.get()


@sample_for(FileAudit)
def file_audit_sample(unit: Unit) -> FileAudit:
    audit = FileAudit(cadre=cadre_in(unit, name="样例档案"), audited_on=DAY, auditor="王审核")
    audit.full_clean()
    audit.save()
    return audit


_numbers = iter(range(10_000_000, 99_999_999))


@sample_for(TravelDocument)
def travel_document_sample(unit: Unit) -> TravelDocument:
    document = TravelDocument(holder=cadre_in(unit, name="样例证件"), document_type=TravelDocumentType.PASSPORT,
                              number=f"E{next(_numbers)}", deposited_on=DAY)
    document.full_clean()
    document.save()
    return document


@sample_for(TravelDocumentLoan)
def loan_sample(unit: Unit) -> TravelDocumentLoan:
    return travel_document_lend(document=travel_document_sample(unit), lent_on=DAY,
                                due_on=DAY + datetime.timedelta(days=10), purpose="探亲（香港）", approved_by="张部长",
                                actor=SAMPLES)


@sample_for(TravelViolation)
def violation_sample(unit: Unit) -> TravelViolation:
    violation = TravelViolation(cadre=cadre_in(unit, name="样例违规"), kind=TravelViolationKind.LATE_RETURN,
                                found_on=DAY, description="逾期未交还护照")
    violation.full_clean()
    violation.save()
    return violation
