"""Demo 教育培训 data around one county (城关区 when present): a province class (closed)
and a county class with rosters and attendance (出勤 / 请假 / 缺勤), a class of last
year, online courses of the province's online college and their completions — so that
some county-level cadres reach the yearly 110 学时 and others stay on the below-minimum list.

The migration sets no minimum for 乡科级 (no source gives one); here the province's staff
(the demo account ``province_cadre`` when the accounts step made it) enter one for 乡科级
正职 and 副职 (:data:`TOWNSHIP_MINIMUM`, marked as demo data), so the list shows township
cadres as well. A rank that already has a minimum keeps it.

Everything goes through the services as the seeder's system actor; the step is skipped
once its classes exist, so a second run adds nothing. Works on SQLite (``bin/demo``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre, CadreStatus, Rank
from cadres.training.models import (
    AttendanceStatus,
    ClassAttendance,
    OnlineCompletion,
    OnlineCourse,
    TrainingClass,
    TrainingMinimum,
    TrainingMode,
)
from cadres.training.services import (
    attendance_save,
    online_completion_save,
    online_course_save,
    training_class_close,
    training_class_save,
    training_minimum_save,
)
from orgwork.accounts.models import User
from orgwork.units.models import Unit, UnitLevel

from . import DemoContext

COURSES = [
    ("GSWX-001", "习近平新时代中国特色社会主义思想专题", "18"),
    ("GSWX-002", "党章党规党纪专题", "12"),
    ("GSWX-003", "全面从严治党与作风建设", "10"),
    ("GSWX-004", "乡村振兴战略与实践", "15"),
    ("GSWX-005", "数字政府建设与治理能力现代化", "14"),
    ("GSWX-006", "领导干部法治思维", "8"),
]


# 乡科级 yearly minimum as the province's plan might set it — the demo's figure, not a source's.
TOWNSHIP_MINIMUM = (90, "省委组织部年度干部教育培训计划（演示数据）")
TOWNSHIP_RANKS = (Rank.TOWNSHIP_CHIEF, Rank.TOWNSHIP_DEPUTY)
# The ranks whose minimum the migration sets (县处级 and above): the leaders' classes are theirs.
LEADER_RANKS = tuple(r for r in Rank.values if r not in TOWNSHIP_RANKS)


def _township_minimums(ctx: DemoContext) -> int:
    """The province's staff enter the 乡科级 minimums; a rank that has one keeps it."""
    staff = User.objects.filter(username="province_cadre", is_active=True).first() or ctx.actor
    hours, basis = TOWNSHIP_MINIMUM
    missing = [rank for rank in TOWNSHIP_RANKS if not TrainingMinimum.objects.filter(rank=rank).exists()]
    for rank in missing:
        training_minimum_save(minimum=TrainingMinimum(rank=rank, hours=hours, basis=basis), actor=staff)
    return len(missing)


def _county() -> Unit | None:
    preferred = Unit.objects.filter(code__in=("620102", "620102000")).first()
    return preferred or Unit.objects.filter(level=UnitLevel.COUNTY).order_by("code").first()


def _status(i: int, day: int) -> str:
    if (i + day) % 11 == 0:
        return AttendanceStatus.ABSENT
    if (i * 3 + day) % 7 == 0:
        return AttendanceStatus.LEAVE
    return AttendanceStatus.ATTENDED


def _class(actor, *, code: str, name: str, unit: Unit, start: datetime.date, days: int, hours: int, place: str,
           mode: str = TrainingMode.IN_PERSON) -> TrainingClass:
    return training_class_save(training_class=TrainingClass(
        code=code, name=name, unit=unit, starts_on=start, ends_on=start + datetime.timedelta(days=days - 1),
        place=place, mode=mode, hours=Decimal(hours)), actor=actor)


def _roster(actor, training_class: TrainingClass, cadres: list[Cadre]) -> None:
    for i, cadre in enumerate(cadres):
        for offset in range(training_class.days):
            attendance_save(attendance=ClassAttendance(
                training_class=training_class, cadre=cadre, day=training_class.starts_on + datetime.timedelta(days=offset),
                status=_status(i, offset)), actor=actor)


def build(ctx: DemoContext) -> None:
    county = _county()
    root = Unit.objects.filter(parent__isnull=True).first()
    if county is None or root is None:
        ctx.say("教育培训：没有县区，跳过。")
        return
    with transaction.atomic():
        minimums = _township_minimums(ctx)
    entered = f"省里录入乡科级年度学时要求 {minimums} 条，" if minimums else ""
    if TrainingClass.objects.filter(code__startswith="DEMO-").exists():
        ctx.say(f"教育培训：{entered}演示数据已存在。")
        return
    # The classes are for county-level leaders; the township cadres train online and in the county class.
    ranks = LEADER_RANKS
    active = Cadre.objects.filter(status=CadreStatus.ACTIVE)
    # County-level cadres of the county first, then of the county's city (a small demo has few).
    leaders = list(active.select_related("unit").filter(unit__path__startswith=county.path, rank__in=ranks).order_by("id")[:24])
    if len(leaders) < 24 and county.parent is not None:
        leaders += list(active.select_related("unit").filter(unit__path__startswith=county.parent.path, rank__in=ranks)
                        .exclude(pk__in=[c.pk for c in leaders]).order_by("id")[: 24 - len(leaders)])
    others = list(active.filter(unit__path__startswith=county.path).exclude(rank__in=ranks).order_by("id")[:16])
    if len(leaders) < 4:
        ctx.say("教育培训：县处级干部不足，跳过。")
        return
    in_county = [c for c in leaders if c.unit.path.startswith(county.path)]
    actor = ctx.actor
    today = timezone.localdate()
    with transaction.atomic():
        courses = [online_course_save(course=OnlineCourse(code=code, name=name, unit=root, platform="干部网络学院",
                                                          hours=Decimal(hours)), actor=actor)
                   for code, name, hours in COURSES]
        province = _class(actor, code=f"DEMO-{today.year}-001", name="全省县处级干部学习贯彻党的二十大精神专题培训班",
                          unit=root, start=today - datetime.timedelta(days=60), days=5, hours=40, place="省委党校")
        _roster(actor, province, leaders)
        training_class_close(training_class=province, closed_on=province.ends_on + datetime.timedelta(days=2),
                             actor=actor)
        local = _class(actor, code=f"DEMO-{today.year}-002", name=f"{county.name}干部履职能力提升培训班", unit=county,
                       start=today - datetime.timedelta(days=20), days=3, hours=24, place=f"{county.name}委党校")
        _roster(actor, local, in_county[: len(in_county) // 2 + 1] + others)
        earlier = _class(actor, code=f"DEMO-{today.year - 1}-001", name="年轻干部理想信念专题培训班（网络直播）",
                         unit=root, start=datetime.date(today.year - 1, 9, 8), days=4, hours=32,
                         place="省委党校（线上）", mode=TrainingMode.ONLINE)
        _roster(actor, earlier, leaders[::2])
        training_class_close(training_class=earlier, closed_on=earlier.ends_on, actor=actor)
        # Online courses: the first cadres take most of them (and reach the minimum), the rest fewer.
        for i, cadre in enumerate(leaders + others):
            taken = courses[: max(1, len(courses) - i % 6)] if i % 3 == 0 else courses[: 1 + i % 3]
            for j, course in enumerate(taken):
                online_completion_save(completion=OnlineCompletion(
                    course=course, cadre=cadre, completed_on=today - datetime.timedelta(days=5 + 7 * j + i % 5)),
                    actor=actor)
    ctx.say(f"教育培训：{entered}培训班 3 个、网络课程 {len(courses)} 门、学员 {len(leaders) + len(others)} 人。")
