"""Demo 选人用人监督 data in the supervision county (城关区 when present): last year's
选人用人工作报告 and 两评议 (one newly promoted cadre's 不满意率 over the line, so on the
checklist), two 区委书记 who left (one checked, with a problem finding on the checklist;
one still waiting for a check, on the 台账), a 组织处理 of a cadre promoted two years
ago and a 政务处分 (记大过) of another, each of which opens its 带病提拔倒查 through the
same path as any other record.

Everything goes through the services, as the named system actor; the step is skipped
once the county has last year's report (the 政务处分 part once its cadre exists), so a
second run adds nothing. Plain ORM only: it
runs on SQLite (``bin/demo``) as on PostgreSQL.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cadres.models import Cadre, Gender, Post, Rank
from cadres.selection.models import EvaluationKind, SelectionEvaluation, SelectionReport
from cadres.selection.services import (
    departure_add_finding,
    departure_check_conclude,
    departure_check_open,
    evaluation_save,
    selection_report_save,
)
from cadres.services import cadre_save, post_appoint
from cadres.supervision.models import (
    DisciplineFinding,
    DisciplineKind,
    HandlingRecord,
    HandlingSource,
    HandlingType,
    VettingResult,
)
from cadres.supervision.services import (
    discipline_finding_save,
    handling_record_save,
    vetting_clear,
    vetting_open,
    vetting_record_check,
)
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit

from . import DemoContext
from .cadres import build_quotas, make_id_number
from .supervision import _county

SEED = SystemActor("seed_demo")

# (name, birth, sequence): people of this step only, with birth dates the registry's generator never draws.
PEOPLE = {
    "secretary_checked": ("高建国", datetime.date(1963, 2, 3), 901),
    "secretary_waiting": ("马振华", datetime.date(1964, 3, 4), 903),
    "promoted_fine": ("杨晓东", datetime.date(1978, 4, 5), 905),
    "promoted_doubted": ("何立新", datetime.date(1979, 5, 6), 907),
    "promoted_then_handled": ("罗永平", datetime.date(1976, 6, 7), 909),
    "promoted_then_disciplined": ("孙建业", datetime.date(1977, 8, 9), 911),
}


def _number(county: Unit, key: str) -> str:
    _, birth, sequence = PEOPLE[key]
    return make_id_number(county.code[:6], birth, sequence)


def people() -> QuerySet[Cadre]:
    """The cadres this step adds (the registry's own volume is counted without them)."""
    county = _county()
    return Cadre.objects.filter(id_number__in=[_number(county, key) for key in PEOPLE] if county else [])


def _person(county: Unit, key: str) -> Cadre:
    name, birth, _ = PEOPLE[key]
    number = _number(county, key)
    existing = Cadre.objects.filter(id_number=number).first()
    if existing is not None:
        return existing
    return cadre_save(cadre=Cadre(name=name, gender=Gender.MALE, birth_month=birth.replace(day=1), id_number=number,
                                  unit=county, current_post="干部"), actor=SEED)


def _appoint(cadre: Cadre, unit: Unit, title: str, rank: str, on: datetime.date) -> Post:
    return post_appoint(post=Post(cadre=cadre, unit=unit, title=title, rank=rank, appointed_on=on,
                                  appointment_document=f"{unit.name[:2]}委〔{on.year}〕{on.month}号"), actor=SEED)


def _vetted_promotion(cadre: Cadre, unit: Unit, before: tuple[str, str, datetime.date],
                      after: tuple[str, str, datetime.date]) -> None:
    """A career of two posts, the second a promotion cleared by 凡提四必 a month before."""
    _appoint(cadre, unit, *before)
    title, rank, on = after
    case = vetting_open(cadre=cadre, proposed_post=title, proposed_rank=rank, nominated_by=f"中共{unit.name}委员会组织部",
                        nominated_on=on - datetime.timedelta(days=30), actor=SEED)
    for check in case.checks.all():
        vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=on - datetime.timedelta(days=20),
                             handler="区委组织部干部监督室", conclusion="经核查，无影响提拔的问题。", actor=SEED)
    vetting_clear(case=case, actor=SEED)
    _appoint(cadre, unit, title, rank, on)


def _secretary_who_left(cadre: Cadre, county: Unit, left_on: datetime.date) -> Post:
    post = _appoint(cadre, county, f"中共{county.name}委员会书记", Rank.COUNTY_CHIEF, left_on.replace(year=left_on.year - 5))
    _appoint(cadre, county.parent or county, f"{(county.parent or county).name}人大常委会副主任", Rank.COUNTY_CHIEF,
             left_on)
    post.refresh_from_db()
    return post


def _disciplined_after_promotion(county: Unit, today: datetime.date) -> bool:
    """A cadre promoted two years ago (凡提四必 cleared) on whom the 监委 now decides a 记大过:
    the finding opens the 带病提拔倒查. Skipped once the cadre exists."""
    if Cadre.objects.filter(id_number=_number(county, "promoted_then_disciplined")).exists():
        return False
    with transaction.atomic():
        cadre = _person(county, "promoted_then_disciplined")
        _vetted_promotion(cadre, county,
                          (f"{county.name}某局副局长", Rank.TOWNSHIP_DEPUTY, datetime.date(today.year - 6, 3, 1)),
                          (f"{county.name}某局局长", Rank.TOWNSHIP_CHIEF, datetime.date(today.year - 2, 7, 1)))
        # The 政务处分 opens the 带病提拔倒查 (cadres.supervision.signals.handling_recorded).
        discipline_finding_save(finding=DisciplineFinding(
            cadre=cadre, kind=DisciplineKind.PUBLIC_MAJOR_DEMERIT, decided_on=today - datetime.timedelta(days=30),
            document_number=f"城监处〔{today.year}〕11号", deciding_organ=f"{county.name}监察委员会",
            summary="任局长前在某局工作期间违规插手工程项目招投标"), actor=SEED)
        build_quotas([county])
    return True


def build(ctx: DemoContext) -> None:
    county = _county()
    if county is None:
        ctx.say("选人用人监督：没有县区，跳过。")
        return
    today = timezone.localdate()
    year = today.year - 1
    if SelectionReport.objects.filter(unit=county, year=year).exists():
        added = _disciplined_after_promotion(county, today)
        ctx.say(f"选人用人监督：演示数据已存在{'，补充政务处分启动的带病提拔倒查 1 件' if added else ''}。")
        return
    with transaction.atomic():
        selection_report_save(report=SelectionReport(
            unit=county, year=year, reported_on=datetime.date(year + 1, 1, 15),
            text=f"{year}年度，{county.name}委严格执行干部选拔任用条例，提拔乡科级干部……（向全委会报告）"), actor=SEED)
        evaluation_save(evaluation=SelectionEvaluation(
            unit=county, year=year, kind=EvaluationKind.WORK, evaluated_on=datetime.date(year, 12, 20),
            good=62, fairly_good=21, average=6, poor=3), actor=SEED)
        promoted_on = datetime.date(year, 4, 1)
        for key, votes in (("promoted_fine", (48, 30, 8, 4)), ("promoted_doubted", (20, 18, 14, 30))):
            cadre = _person(county, key)
            _vetted_promotion(cadre, county, (f"{county.name}某局副局长", Rank.TOWNSHIP_DEPUTY, datetime.date(year - 4, 3, 1)),
                              (f"{county.name}某局局长", Rank.TOWNSHIP_CHIEF, promoted_on))
            good, fairly_good, average, poor = votes
            evaluation_save(evaluation=SelectionEvaluation(
                unit=county, year=year, kind=EvaluationKind.CADRE, cadre=cadre, evaluated_on=datetime.date(year, 12, 20),
                good=good, fairly_good=fairly_good, average=average, poor=poor), actor=SEED)

        checked = _secretary_who_left(_person(county, "secretary_checked"), county, datetime.date(year - 1, 9, 1))
        check = departure_check_open(post=checked, checked_on=datetime.date(year - 1, 11, 10),
                                     inspectors="市委组织部离任检查组", summary="查阅干部任免材料，开展个别谈话和民主评议。",
                                     actor=SEED)
        departure_add_finding(check=check, description="干部选拔任用全程纪实材料齐全", is_problem=False, actor=SEED)
        departure_add_finding(check=check, description="离任前三个月内集中调整干部11名", is_problem=True, actor=SEED)
        departure_check_conclude(check=check, actor=SEED)
        _secretary_who_left(_person(county, "secretary_waiting"), county, datetime.date(year, 10, 8))

        handled = _person(county, "promoted_then_handled")
        _vetted_promotion(handled, county, (f"{county.name}某镇副镇长", Rank.TOWNSHIP_DEPUTY, datetime.date(year - 6, 5, 1)),
                          (f"{county.name}某镇镇长", Rank.TOWNSHIP_CHIEF, datetime.date(year - 1, 5, 1)))
        # The 组织处理 opens the 带病提拔倒查 (cadres.supervision.signals.handling_recorded).
        handling_record_save(record=HandlingRecord(
            cadre=handled, handling_type=HandlingType.ADMONISHMENT, source=HandlingSource.INSPECTION,
            decided_on=today - datetime.timedelta(days=20), document_number=f"城组通〔{today.year}〕31号",
            facts="任镇长前在某局工作期间违规发放津贴补贴"), actor=SEED)
        # 职数 for the ranks these people now hold, written the way the registry step writes them.
        build_quotas([county])
        _disciplined_after_promotion(county, today)
    ctx.say(f"选人用人监督：{county.name}{year}年度一报告两评议（1名新提拔干部不满意率达到警戒线），"
            "离任检查 1 件、待检查 1 人，带病提拔倒查 2 件（组织处理、政务处分各 1 件）。")
