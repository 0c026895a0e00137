"""Demo cadres (干部) for every county and township: profiles with valid ID numbers,
current posts, three years of assessments (with some 优秀 streaks and some political
scores below 80), and position quotas (some units over quota).

Volume goes through ``bulk_create`` with audit rows written in bulk; rows that carry a
rule with side effects (a score below 80 opens a rectification item) go through the
service. Deterministic and idempotent: the same seed yields the same people, matched
by ID number, so a second run adds nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from django.db import transaction
from django.db.models import Count

from cadres.models import (
    Assessment,
    AssessmentGrade,
    Authority,
    Cadre,
    CadreStatus,
    Gender,
    Grade,
    PositionQuota,
    Post,
    Rank,
)
from cadres.services import assessment_save, cadre_fill_pinyin
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import diff, entry_for, record_many
from orgwork.common import idnumber
from orgwork.units.models import Unit, UnitLevel

from . import DemoContext

CADRES_PER_COUNTY = 15
SURNAMES = ("王张李刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
            "单翟解仇查")
GIVEN = ("建国华明军伟峰涛刚勇斌磊超强平辉鹏文杰宏志海东晓红丽芳娟霞燕玲静敏婷艳萍秀兰英慧琴云雪梅春"
         "瑞祥福德利永兴龙亮波卫民庆新立成荣安宁泽浩宇")
FEMALE_GIVEN = "丽芳娟霞燕玲静敏婷艳萍秀兰英慧琴云雪梅春"
ETHNICITIES = ["汉族"] * 40 + ["回族", "回族", "藏族", "东乡族", "裕固族", "保安族", "撒拉族", "蒙古族", "土族", "满族"]
POLITICAL = ["中共党员"] * 17 + ["民盟盟员", "无党派人士", "九三学社社员"]
EDUCATIONS = [("大学", "法学学士", "兰州大学法学专业"), ("大学", "经济学学士", "西北师范大学经济学专业"),
              ("研究生", "管理学硕士", "兰州大学行政管理专业"), ("大专", "", "甘肃农业大学农学专业"),
              ("大学", "工学学士", "兰州理工大学土木工程专业"), ("大学", "管理学学士", "兰州财经大学会计学专业")]
PLACES = ["甘肃榆中", "甘肃会宁", "甘肃通渭", "甘肃秦安", "甘肃甘谷", "甘肃临洮", "甘肃武威", "甘肃张掖", "陕西宝鸡", "甘肃天水"]
POSTS_COUNTY = [("县委办公室主任", Rank.COUNTY_DEPUTY), ("县委组织部部长", Rank.COUNTY_DEPUTY),
                ("副县长", Rank.COUNTY_DEPUTY), ("县人大常委会主任", Rank.COUNTY_CHIEF),
                ("县财政局局长", Rank.TOWNSHIP_CHIEF), ("县发展和改革局局长", Rank.TOWNSHIP_CHIEF),
                ("县教育局副局长", Rank.TOWNSHIP_DEPUTY), ("县委组织部副部长", Rank.TOWNSHIP_CHIEF),
                ("县卫生健康局局长", Rank.TOWNSHIP_CHIEF), ("县民政局副局长", Rank.TOWNSHIP_DEPUTY)]
POSTS_TOWNSHIP = [("党委书记", Rank.TOWNSHIP_CHIEF), ("镇长", Rank.TOWNSHIP_CHIEF),
                  ("党委副书记", Rank.TOWNSHIP_DEPUTY), ("副镇长", Rank.TOWNSHIP_DEPUTY),
                  ("纪委书记", Rank.TOWNSHIP_DEPUTY), ("组织委员", Rank.TOWNSHIP_DEPUTY)]
GRADE_FOR = {Rank.COUNTY_CHIEF: Grade.RESEARCHER_1, Rank.COUNTY_DEPUTY: Grade.RESEARCHER_3,
             Rank.TOWNSHIP_CHIEF: Grade.PRINCIPAL_CLERK_1, Rank.TOWNSHIP_DEPUTY: Grade.PRINCIPAL_CLERK_3}
AUTHORITY_FOR = {Rank.COUNTY_CHIEF: Authority.CITY, Rank.COUNTY_DEPUTY: Authority.CITY,
                 Rank.TOWNSHIP_CHIEF: Authority.COUNTY, Rank.TOWNSHIP_DEPUTY: Authority.COUNTY}


def make_id_number(area: str, birth: datetime.date, sequence: int) -> str:
    """A valid 18-character number: area, birth date, 3-digit sequence (odd = male), check."""
    first17 = f"{area[:6]:0<6}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + idnumber.check_character(first17)


def _person(rng: random.Random, area: str, index: int, used: set[str]) -> tuple[str, str, datetime.date, str]:
    gender = Gender.FEMALE if rng.random() < 0.3 else Gender.MALE
    surname = rng.choice(SURNAMES)
    pool = FEMALE_GIVEN if gender == Gender.FEMALE else GIVEN
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    while True:
        birth = datetime.date(rng.randint(1965, 1992), rng.randint(1, 12), rng.randint(1, 28))
        sequence = (index % 499) * 2 + (1 if gender == Gender.MALE else 2)
        number = make_id_number(area, birth, sequence)
        if number not in used:
            used.add(number)
            return surname + given, gender, birth, number


def _years() -> list[int]:
    last = timezone.localdate().year - 1
    return [last - 2, last - 1, last]


def _assessments(rng: random.Random, cadre: Cadre, streak: bool, low: bool) -> list[Assessment]:
    rows = []
    years = _years()
    for year in years:
        if streak:
            grade, score = AssessmentGrade.EXCELLENT, Decimal(rng.randint(92, 99))
        elif low and year == years[-1]:
            grade, score = AssessmentGrade.BASICALLY_COMPETENT, Decimal(rng.randint(70, 79))
        else:
            roll = rng.random()
            score = Decimal(rng.randint(82, 98))
            if roll < 0.15 and score >= 90:
                grade = AssessmentGrade.EXCELLENT
            elif roll > 0.985:
                grade, score = AssessmentGrade.INCOMPETENT, Decimal(rng.randint(80, 85))
            else:
                grade = AssessmentGrade.COMPETENT
        rows.append(Assessment(cadre=cadre, year=year, grade=grade, political_score=score))
    return rows


def _bulk(objs: list, audit: bool = True) -> list:  # type: ignore[type-arg]
    if not objs:
        return objs
    created = type(objs[0]).objects.bulk_create(objs, batch_size=2000)
    if audit:
        record_many(entry_for(o, action=AuditAction.CREATE, changes=diff(o, None), message="演示数据") for o in created)
    return created


def build_county(ctx: DemoContext, county: Unit, townships: list[Unit], per_county: int) -> int:
    rng = random.Random(f"{ctx.seed}-{county.code}")
    used: set[str] = set()
    planned: list[tuple[Cadre, str, bool, bool]] = []
    for index in range(per_county):
        name, gender, birth, number = _person(rng, county.code, index, used)
        in_township = townships and index % 3 != 0
        unit = rng.choice(townships) if in_township else county
        title, rank = rng.choice(POSTS_TOWNSHIP if in_township else POSTS_COUNTY)
        if in_township:
            title = f"{unit.name}{title}"
        elif county.name.endswith("区"):
            title = title.replace("县", "区")
        education, degree, school = rng.choice(EDUCATIONS)
        political = rng.choice(POLITICAL)
        ethnicity = rng.choice(ETHNICITIES)
        worked = datetime.date(birth.year + rng.randint(20, 24), rng.choice((7, 8, 9)), 1)
        cadre = Cadre(
            name=name, gender=gender, birth_month=birth.replace(day=1), ethnicity=ethnicity,
            native_place=rng.choice(PLACES), birthplace=rng.choice(PLACES), political_status=political,
            party_joined_on=datetime.date(worked.year + rng.randint(0, 5), rng.randint(1, 12), 1) if political == "中共党员" else None,
            work_started_on=worked, health="健康", id_number=number,
            fulltime_education=education, fulltime_degree=degree, fulltime_education_school=school,
            fulltime_degree_school=school if degree else "", unit=unit, current_post=title, rank=rank,
            grade=GRADE_FOR[rank], authority=AUTHORITY_FOR[rank], status=CadreStatus.ACTIVE,
            resume=f"{worked:%Y.%m}--{worked.year + 5}.{worked.month:02d}  {county.name}工作\n{worked.year + 5}.{worked.month:02d}--  {title}",
        )
        cadre_fill_pinyin(cadre)
        planned.append((cadre, title, rng.random() < 0.06, rng.random() < 0.03))
    existing = set(Cadre.objects.filter(id_number__in=[c.id_number for c, *_ in planned]).values_list("id_number", flat=True))
    fresh = [p for p in planned if p[0].id_number not in existing]
    if not fresh:
        return 0
    cadres = _bulk([c for c, *_ in fresh])
    posts, assessments, low = [], [], []
    for cadre, title, streak, is_low in fresh:
        appointed = datetime.date(timezone.localdate().year - rng.randint(1, 5), rng.randint(1, 12), 1)
        posts.append(Post(
            cadre=cadre, unit=cadre.unit, title=title, rank=cadre.rank, is_principal=True, is_current=True,
            appointed_on=appointed, appointment_document=f"{county.name[:2]}委发〔{appointed.year}〕{rng.randint(1, 99)}号",
            approving_body=f"中共{county.name}委员会", publicity_start=appointed - datetime.timedelta(days=14),
            publicity_end=appointed - datetime.timedelta(days=8),
        ))
        rows = _assessments(rng, cadre, streak, is_low)
        if is_low:
            low.extend(rows)
        else:
            assessments.extend(rows)
    _bulk(posts)
    _bulk(assessments)
    for row in low:  # through the service: the low score opens a rectification item
        assessment_save(assessment=row)
    return len(cadres)


def build_quotas(units: list[Unit]) -> int:
    """职数 for every unit and rank that has cadres: one more than filled, except every
    fourth unit, authorised one fewer than it has (超职数), as the over-quota list shows."""
    existing = set(PositionQuota.objects.filter(unit__in=units).values_list("unit_id", "rank"))
    filled = (
        Cadre.objects.filter(unit__in=units, status=CadreStatus.ACTIVE).exclude(rank="")
        .values_list("unit_id", "rank").annotate(n=Count("pk")).order_by("unit_id", "rank")
    )
    by_pk = {u.pk: u for u in units}
    fresh = []
    for position, (unit_id, rank, count) in enumerate(filled):
        if (unit_id, rank) in existing:
            continue
        over = position % 4 == 1 and count > 1
        fresh.append(PositionQuota(unit=by_pk[unit_id], rank=rank, approved=count - 1 if over else count + 1))
    _bulk(fresh)
    return len(fresh)


def build(ctx: DemoContext) -> None:
    per_county = CADRES_PER_COUNTY * ctx.settings["factor"]
    counties = list(Unit.objects.filter(level=UnitLevel.COUNTY).order_by("code"))
    townships: dict[int, list[Unit]] = {}
    for township in Unit.objects.filter(level=UnitLevel.TOWNSHIP, parent__in=counties).order_by("code"):
        townships.setdefault(township.parent_id, []).append(township)
    created = 0
    for county in counties:
        with transaction.atomic():
            created += build_county(ctx, county, townships.get(county.pk, []), per_county)
    quotas = build_quotas(counties + [t for group in townships.values() for t in group])
    ctx.say(f"干部：新增 {created} 名（每县区 {per_county} 名），职数新增 {quotas} 条；"
            f"共 {Cadre.objects.count()} 名干部。")
