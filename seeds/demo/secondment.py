"""Demo 挂职与驻村 data in one county (城关区 when present): 第一书记 and 驻村工作队员 in
villages of its townships, two 挂职 cadres, 在岗抽查 (one cadre absent twice this year, so
on the rectification checklist; one never checked for a quarter), a 轮换 with its
replacement and a 召回 with 问责处理 this year, and last year's assessments.

Everything goes through the services as the seeding system actor; the step is skipped
once the county has assignments, so a second run adds nothing. It runs on SQLite too.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre
from cadres.secondment.models import (
    AssessmentGrade,
    Assignment,
    AssignmentAssessment,
    AssignmentKind,
    AssignmentStatus,
    DutyCheck,
)
from cadres.secondment.services import assignment_assess, assignment_end, assignment_save, duty_check_record
from orgwork.units.models import Unit, UnitLevel

from . import DemoContext

VILLAGES = ["红山村", "青石村", "杏花村", "柳树湾村", "马家坪村", "王家庄村"]


def _county() -> Unit | None:
    preferred = Unit.objects.filter(code__in=("620102", "620102000")).first()
    if preferred is not None:
        return preferred
    return Unit.objects.filter(level=UnitLevel.COUNTY).order_by("code").first()


def _day(today: datetime.date, days_back: int) -> datetime.date:
    return today - datetime.timedelta(days=days_back)


def build(ctx: DemoContext) -> None:
    actor = ctx.actor
    county = _county()
    if county is None:
        ctx.say("挂职与驻村：没有县区，跳过。")
        return
    townships = list(Unit.objects.filter(parent=county, level=UnitLevel.TOWNSHIP).order_by("code")[:2])
    # The county's last cadres by registration: apart from those the supervision demo uses.
    cadres = list(Cadre.objects.filter(unit__path__startswith=county.path).select_related("unit").order_by("-id")[:12])
    if not townships or len(cadres) < 12:
        ctx.say("挂职与驻村：乡镇或干部不足，跳过。")
        return
    if Assignment.objects.filter(cadre__unit__path__startswith=county.path).exists():
        ctx.say("挂职与驻村：演示数据已存在。")
        return
    today = timezone.localdate()
    start = _day(today, 400)
    end = start.replace(year=start.year + 2)

    def post(cadre: Cadre, kind: str, **place: object) -> Assignment:
        return assignment_save(assignment=Assignment(kind=kind, cadre=cadre, sending_unit=cadre.unit, starts_on=start,
                                                     ends_on=end, **place), actor=actor)

    def visit(assignment: Assignment, days_back: int, present: bool, note: str = "") -> None:
        duty_check_record(check=DutyCheck(assignment=assignment, checked_on=_day(today, days_back),
                                          checker=f"{county.name}委组织部", present=present, note=note), actor=actor)

    with transaction.atomic():
        secretaries = [post(cadres[i], AssignmentKind.FIRST_SECRETARY, township=townships[i % len(townships)],
                            village=VILLAGES[i]) for i in range(5)]
        team = [post(cadres[5 + i], AssignmentKind.VILLAGE_TEAM, township=townships[0], village=VILLAGES[i])
                for i in range(3)]
        seconded = [post(cadres[8 + i], AssignmentKind.SECONDMENT, host_unit=townships[i % len(townships)],
                         post="党委副书记") for i in range(2)]
        for assignment in [*secretaries[:3], *team, *seconded]:
            visit(assignment, 30, True)
        # 抽查逾期: secretaries[3] has not been checked since it started.
        absent = secretaries[2]
        visit(absent, 1, False, "电话联系称在县城办事")
        if _day(today, 2).year == today.year:
            visit(absent, 2, False, "村委会未见本人")  # the second absence this year: on the checklist
        for assignment in [*secretaries, *team, *seconded]:
            assignment_assess(assessment=AssignmentAssessment(assignment=assignment, year=today.year - 1,
                                                              grade=AssessmentGrade.COMPETENT), actor=actor)
        # This year's 调整撤换: a rotation with its replacement, a recall with 问责处理.
        assignment_end(assignment=secretaries[4], status=AssignmentStatus.ROTATED, left_on=today,
                       reason="派出单位工作需要，轮换", replacement_cadre=cadres[10], actor=actor)
        assignment_end(assignment=team[2], status=AssignmentStatus.RECALLED, left_on=today,
                       reason="长期不在岗，工作不实（“大概先生”）", held_accountable=True, actor=actor)
    ctx.say(f"挂职与驻村：{county.name}第一书记 {len(secretaries)} 名、驻村工作队员 {len(team)} 名、挂职 {len(seconded)} 名，"
            "轮换 1 名、召回问责 1 名。")
