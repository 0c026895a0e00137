"""Demo cadres (干部) for every county and township: profiles with valid ID numbers,
current posts, three years of assessments (with some 优秀 streaks and some political
scores below 80), and position quotas (some units over quota).

Volume goes through the bulk path (``seeds.demo.bulk``: COPY on PostgreSQL, an audit
row for each new row); rows that carry a rule with side effects (a score below 80
opens a rectification item) go through the service. Deterministic and idempotent: the
same seed yields the same people, matched by ID number, so a second run adds nothing.
One county is one transaction.
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
from cadres.services import FOLLOW_UP_GRADES, assessment_save
from orgwork.common import dates, idnumber, pinyin
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit, UnitLevel

from . import SCALES, DemoContext, bulk, parallel

CADRES_PER_COUNTY = SCALES["small"].cadres_per_county
SEED = SystemActor("seed_demo")
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


def _assessments(rng: random.Random, years: list[int], streak: bool, low: bool) -> list[tuple[int, str, Decimal]]:
    rows = []
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
        rows.append((year, grade, score))
    return rows


CADRE_FIELDS = [
    "name", "gender", "birth_month", "ethnicity", "native_place", "birthplace", "political_status", "party_joined_on",
    "work_started_on", "health", "id_number", "fulltime_education", "fulltime_degree", "fulltime_education_school",
    "fulltime_degree_school", "unit", "current_post", "rank", "grade", "authority", "status", "resume", "name_pinyin",
    "name_initials",
]
POST_FIELDS = ["cadre", "unit", "title", "rank", "is_principal", "is_current", "appointed_on", "appointment_document",
               "approving_body", "publicity_start", "publicity_end"]
ID_AT, TITLE_AT, RANK_AT = (CADRE_FIELDS.index(f) for f in ("id_number", "current_post", "rank"))
ASSESSMENT_FIELDS = ["cadre", "year", "grade", "political_score"]
GRADE_LABELS = dict(AssessmentGrade.choices)


def build_county(ctx: DemoContext, county: Unit, townships: list[Unit], per_county: int, low_share: float) -> int:
    """One county's cadres (in its organs and its townships), their current posts and
    three years of assessments; returns how many cadres were new."""
    rng = random.Random(f"{ctx.seed}-{county.code}")
    used: set[str] = set()
    planned: list[tuple[tuple, Unit, bool, bool]] = []  # type: ignore[type-arg]  # (row, unit, 优秀 streak, low score)
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
        native_place, birthplace = rng.choice(PLACES), rng.choice(PLACES)
        party_joined_on = datetime.date(worked.year + rng.randint(0, 5), rng.randint(1, 12), 1) if political == "中共党员" else None
        if index % 40 == 7:
            # A few as an older sheet left them, 中共党员 without 入党时间: the 政治面貌待核实 台账.
            party_joined_on = None
        resume = f"{worked:%Y.%m}--{worked.year + 5}.{worked.month:02d}  {county.name}工作\n{worked.year + 5}.{worked.month:02d}--  {title}"
        # The pinyin keys as cadre_fill_pinyin sets them.
        row = (name, gender, birth.replace(day=1), ethnicity, native_place, birthplace, political, party_joined_on,
               worked, "健康", number, education, degree, school, school if degree else "", unit.pk, title, rank,
               GRADE_FOR[rank], AUTHORITY_FOR[rank], CadreStatus.ACTIVE, resume, pinyin.sort_key(name), pinyin.initials(name))
        planned.append((row, unit, rng.random() < 0.06, rng.random() < low_share))
    existing = set(Cadre.objects.filter(id_number__in=[p[0][ID_AT] for p in planned]).values_list("id_number", flat=True))
    fresh = [p for p in planned if p[0][ID_AT] not in existing]
    if not fresh:
        return 0
    cadre_pks = bulk.insert(Cadre, CADRE_FIELDS, [row for row, *_ in fresh], reprs=[row[0] for row, *_ in fresh],
                            unit_paths=[unit.path for _, unit, *_ in fresh])
    posts, post_paths, post_reprs = [], [], []
    assessments, assessment_paths, assessment_reprs = [], [], []
    low: list[tuple[int, tuple[int, str, Decimal]]] = []
    this_year, years = timezone.localdate().year, _years()
    for pk, (row, unit, streak, is_low) in zip(cadre_pks, fresh):
        title, rank = row[TITLE_AT], row[RANK_AT]
        appointed = datetime.date(this_year - rng.randint(1, 5), rng.randint(1, 12), 1)
        posts.append((pk, unit.pk, title, rank, True, True, appointed,
                      f"{county.name[:2]}委发〔{appointed.year}〕{rng.randint(1, 99)}号", f"中共{county.name}委员会",
                      appointed - datetime.timedelta(days=14), appointed - datetime.timedelta(days=8)))
        post_paths.append(unit.path)
        post_reprs.append(f"{title}（{dates.format_month(appointed)}）")
        results = _assessments(rng, years, streak, is_low)
        for year, grade, score in results:
            if score < 80 or grade in FOLLOW_UP_GRADES:
                low.append((pk, (year, grade, score)))
                continue
            assessments.append((pk, year, grade, score))
            assessment_paths.append(unit.path)
            assessment_reprs.append(f"{year}年 {GRADE_LABELS[grade]}")
    bulk.insert(Post, POST_FIELDS, posts, reprs=post_reprs, unit_paths=post_paths)
    bulk.insert(Assessment, ASSESSMENT_FIELDS, assessments, reprs=assessment_reprs, unit_paths=assessment_paths)
    low_cadres = Cadre.objects.select_related("unit").in_bulk([pk for pk, _ in low])
    for pk, (year, grade, score) in low:  # through the service: the follow-up goes on the books
        assessment_save(assessment=Assessment(cadre=low_cadres[pk], year=year, grade=grade, political_score=score),
                        actor=SEED)
    return len(cadre_pks)


def build_quotas(units: list[Unit]) -> int:
    """职数 for every unit and rank that has cadres: one more than filled, except every
    fourth unit, authorised one fewer than it has (超职数), as the over-quota list shows."""
    existing = set(PositionQuota.objects.filter(unit__in=units).values_list("unit_id", "rank"))
    filled = (
        Cadre.objects.filter(unit__in=units, status=CadreStatus.ACTIVE).exclude(rank="")
        .values_list("unit_id", "rank").annotate(n=Count("pk")).order_by("unit_id", "rank")
    )
    by_pk = {u.pk: u for u in units}
    fresh, reprs, paths = [], [], []
    labels = dict(Rank.choices)
    for position, (unit_id, rank, count) in enumerate(filled):
        if (unit_id, rank) in existing:
            continue
        over = position % 4 == 1 and count > 1
        approved = count - 1 if over else count + 1
        # Set by the level above, each with its approving document (cadres.rules.check_quota).
        fresh.append((unit_id, rank, approved, f"组编〔2025〕{len(fresh) + 1}号"))
        reprs.append(f"{by_pk[unit_id]} {labels[rank]} {approved}名")
        paths.append(by_pk[unit_id].path)
    bulk.insert(PositionQuota, ["unit", "rank", "approved", "approval_document"], fresh, reprs=reprs, unit_paths=paths)
    return len(fresh)


def build(ctx: DemoContext) -> None:
    per_county, low_share = ctx.settings.cadres_per_county, ctx.settings.low_score_share
    counties = list(Unit.objects.filter(level=UnitLevel.COUNTY).order_by("code"))
    townships: dict[int, list[Unit]] = {}
    for township in Unit.objects.filter(level=UnitLevel.TOWNSHIP, parent__in=counties).order_by("code"):
        townships.setdefault(township.parent_id, []).append(township)

    def build_part(part: list[Unit]) -> int:
        created = 0
        for county in part:
            with transaction.atomic():
                created += build_county(ctx, county, townships.get(county.pk, []), per_county, low_share)
        return created

    workers = ctx.settings.workers
    created = parallel.run_parts(parallel.split(counties, workers), build_part, workers)
    quotas = build_quotas(counties + [t for group in townships.values() for t in group])
    ctx.say(f"干部：新增 {created} 名（每县区 {per_county} 名），职数新增 {quotas} 条；"
            f"共 {Cadre.objects.count()} 名干部。")
