"""Demo talent work (人才工作): the provincial programmes of DOMAIN §4, about sixty
enrollees at small scale (times the scale's ``talent_factor``, within each batch quota;
~3,000 at province size), yearly funding for the top leading talents, term reviews
with their rewards and exits, service cards with green-channel requests (some overdue)
and leaders paired with experts (some not contacted this year).

People and enrollments go in through the bulk path (checked by the models' ``clean``,
quotas kept by construction, an audit row each); everything after — funding, reviews,
expiry, cards, requests — goes through the talent services, so ranges and
consequences hold. Deterministic and idempotent: people are matched by ID number,
enrollments by person + programme + batch, cards by number.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from orgwork.common import idnumber
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit
from talent import services
from talent.models import (
    BenefitArea,
    CardLevel,
    ContactWay,
    Enrollment,
    EnrollmentStatus,
    ExpertLiaison,
    Gender,
    LiaisonContact,
    Person,
    Programme,
    ProgrammeType,
    ReviewGrade,
    ServiceCard,
    standard_deadline,
)

from . import DemoContext, bulk

PROVINCE = "620000"
SURNAMES = "王张李刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "建国华明军伟峰涛刚勇斌磊超强平辉鹏文杰宏志海东晓红丽芳娟霞燕玲静敏婷瑞祥德利永兴龙亮波卫民庆新立成荣安宁泽浩宇"
FIELDS = [("作物遗传育种", "研究员"), ("中西医结合临床", "主任医师"), ("有色金属冶金", "正高级工程师"),
          ("草地生态", "教授"), ("核物理", "研究员"), ("特色林果栽培", "推广研究员"), ("道路与桥梁工程", "正高级工程师"),
          ("肿瘤外科", "主任医师"), ("敦煌学", "教授"), ("新能源材料", "教授"), ("畜牧兽医", "高级兽医师"),
          ("水利水电工程", "正高级工程师"), ("中药材种植", "高级农艺师"), ("基础教育", "正高级教师")]
# Where talents work: the university, the health commission, a city and some counties.
HOME_UNITS = ["620000D04", "620000D04", "620000D03", "620100", "620102", "620103", "620500", "620400", "620600"]
LEADERS = [("王建华", "省委副书记"), ("李明", "副省长"), ("张志强", "省人大常委会副主任"), ("刘晓红", "省政协副主席"),
           ("陈永兴", "省委常委、组织部部长"), ("杨立成", "副省长")]

# The demo's talent records are written by the system, as seed_demo.
SYSTEM = SystemActor("seed_demo")


REVIEW_PATTERN = [ReviewGrade.QUALIFIED, ReviewGrade.EXCELLENT, ReviewGrade.QUALIFIED, ReviewGrade.UNQUALIFIED,
                  ReviewGrade.QUALIFIED, ReviewGrade.EXCELLENT, ReviewGrade.QUALIFIED, ReviewGrade.QUALIFIED]


@dataclass(frozen=True)
class ProgrammeSpec:
    name: str
    kind: str
    term_months: int
    funding: tuple[int, int] | None
    reward: int | None
    quota: int | None
    per_factor: int  # enrollees at small scale
    batches: tuple[int, ...]  # years before the current one
    description: str


PROGRAMMES = [
    ProgrammeSpec("甘肃省拔尖领军人才", ProgrammeType.TOP_LEADING, 36, (500_000, 3_000_000), None, 25, 8, (5, 2),
                  "从省领军人才中遴选，每人每年资助50—300万元，逐人制定个性化培养方案。"),
    ProgrammeSpec("甘肃省领军人才", ProgrammeType.LEADING, 60, None, 200_000, None, 16, (8, 7, 3),
                  "实行聘期考核，考核优秀的一次性奖励20万元，不合格的按退出机制办理。"),
    ProgrammeSpec("陇原之光人才培养计划", ProgrammeType.LONGYUAN_LIGHT, 12, None, None, 100, 12, (1, 0),
                  "遴选基层专业技术骨干到省属高校、科研院所、医疗机构脱产研修1年。"),
    ProgrammeSpec("高层次和急需紧缺人才引进", ProgrammeType.HIGH_LEVEL_RECRUIT, 60, None, None, None, 12, (4, 1),
                  "“引一人、增一编”，统筹1000个专项事业编制用于省属高校和科研院所引进高层次人才。"),
    ProgrammeSpec("定向选调生", ProgrammeType.SELECTED_GRADUATE, 24, None, None, 1000, 6, (2, 1),
                  "每年拿出1000个名额定向选调优秀大学生。"),
    ProgrammeSpec("博士服务团", ProgrammeType.DOCTORAL_SERVICE, 12, None, None, 30, 4, (0,),
                  "选派博士到基层挂职服务一年。"),
    ProgrammeSpec("省级专家服务团", ProgrammeType.EXPERT_SERVICE, 12, None, None, None, 2, (0,),
                  "组织副高以上专家深入脱贫县开展帮扶活动。"),
]


def _programme(spec: ProgrammeSpec, owner: Unit) -> Programme:
    programme = Programme.objects.filter(name=spec.name).first() or Programme(name=spec.name)
    programme.programme_type, programme.unit, programme.term_months = spec.kind, owner, spec.term_months
    programme.funding_min = Decimal(spec.funding[0]) if spec.funding else None
    programme.funding_max = Decimal(spec.funding[1]) if spec.funding else None
    programme.excellent_reward = Decimal(spec.reward) if spec.reward else None
    programme.quota_per_batch, programme.description = spec.quota, spec.description
    return services.programme_save(programme=programme, actor=SYSTEM)


PERSON_FIELDS = ["name", "id_number", "gender", "birth_date", "unit", "field", "professional_title", "phone"]
ENROLLMENT_FIELDS = ["person", "programme", "batch_year", "term_start", "term_end", "training_plan"]
TRAINING_PLAN = "依托所在单位重点实验室开展关键技术攻关，每年赴国内外一流机构访学不少于1个月。"


def _person(rng: random.Random, index: int, units: list[Unit]) -> Person:
    unit = units[index % len(units)]
    # Draw everything first: the same stream on every run yields the same people.
    male = rng.random() < 0.7
    birth = datetime.date(rng.randint(1962, 1990), rng.randint(1, 12), rng.randint(1, 28))
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    first17 = f"{unit.code[:6]:0<6}{birth:%Y%m%d}{(index % 499) * 2 + (1 if male else 2):03d}"
    field, title = FIELDS[index % len(FIELDS)]
    person = Person(name=name, id_number=first17 + idnumber.check_character(first17),
                    gender=Gender.MALE if male else Gender.FEMALE, birth_date=birth, unit=unit, field=field,
                    professional_title=title, phone=f"1390931{index:04d}")
    person.clean()  # the ID number's check digit, birth date and gender agree
    return person


def _enrollments(ctx: DemoContext, rng: random.Random, programmes: list[tuple[ProgrammeSpec, Programme]],
                 units: list[Unit]) -> list[Enrollment]:
    """The enrollees of every programme, within each batch quota; people and enrollments
    that are new go in through the bulk path (a province has ~3,000)."""
    factor = ctx.settings.talent_factor
    this_year = timezone.localdate().year
    planned: list[tuple[Person, Programme, int, str]] = []
    index = 0
    for spec, programme in programmes:
        for n in range(spec.per_factor * factor):
            batch = this_year - spec.batches[n % len(spec.batches)]
            if spec.quota is not None and n // len(spec.batches) >= spec.quota:
                break  # the batch is full: enrollment_create would refuse the next one
            planned.append((_person(rng, index, units), programme, batch,
                            TRAINING_PLAN if spec.kind == ProgrammeType.TOP_LEADING else ""))
            index += 1
    people: dict[str, Person] = {}
    for person, *_ in planned:  # two draws can make the same person: the first one stands
        people.setdefault(person.id_number, person)
    known = dict(Person.objects.filter(id_number__in=list(people)).values_list("id_number", "pk"))
    fresh = [p for number, p in people.items() if number not in known]
    with transaction.atomic():
        pks = bulk.insert(Person, PERSON_FIELDS,
                          [(p.name, p.id_number, p.gender, p.birth_date, p.unit.pk, p.field, p.professional_title, p.phone)
                           for p in fresh], reprs=[p.name for p in fresh], unit_paths=[p.unit.path for p in fresh])
        known.update((p.id_number, pk) for p, pk in zip(fresh, pks))
        have = set(Enrollment.objects.filter(programme__in=[p for _, p in programmes])
                   .values_list("person_id", "programme_id", "batch_year"))
        rows, reprs, paths = [], [], []
        for drawn, programme, batch, plan in planned:
            person = people[drawn.id_number]
            person_pk = known[person.id_number]
            if (person_pk, programme.pk, batch) in have:
                continue
            start = datetime.date(batch, 3, 1)
            end = Enrollment(programme=programme, term_start=start).default_term_end()
            have.add((person_pk, programme.pk, batch))
            rows.append((person_pk, programme.pk, batch, start, end, plan))
            reprs.append(f"{person.name}（{programme.name} {batch}批）")
            paths.append(person.unit.path)
        bulk.insert(Enrollment, ENROLLMENT_FIELDS, rows, reprs=reprs, unit_paths=paths)
    pairs = {(known[person.id_number], programme.pk, batch) for person, programme, batch, _ in planned}
    enrollments = Enrollment.objects.filter(programme__in=[p for _, p in programmes]).select_related("person", "programme")
    return sorted((e for e in enrollments if (e.person_id, e.programme_id, e.batch_year) in pairs), key=lambda e: e.pk)


def _funding(rng: random.Random, enrollments: list[Enrollment], today: datetime.date) -> int:
    granted = 0
    for enrollment in enrollments:
        programme = enrollment.programme
        if programme.funding_max is None or enrollment.status != EnrollmentStatus.ACTIVE:
            continue
        for year in range(enrollment.term_start.year, min(enrollment.term_end.year, today.year) + 1):
            steps = int((programme.funding_max - programme.funding_min) / 100_000)
            amount = programme.funding_min + 100_000 * rng.randint(0, steps)
            if enrollment.fundings.filter(year=year).exists():
                continue
            # Paid in April of its year; this year's, before April, is granted but not yet paid
            # (a 拨付日期 is never ahead of today).
            paid = datetime.date(year, 4, 15)
            services.funding_grant(enrollment=enrollment, year=year, amount=amount,
                                   granted_on=paid if paid <= today else None, actor=SYSTEM)
            granted += 1
    return granted


def _reviews(enrollments: list[Enrollment], today: datetime.date) -> int:
    """领军人才 whose term has ended are reviewed at its end: mostly 合格, some 优秀
    (the 20万 reward), one in eight 不合格 (the exit)."""
    reviewed = 0
    for enrollment in enrollments:
        if enrollment.programme.programme_type != ProgrammeType.LEADING or enrollment.term_end >= today:
            continue
        if enrollment.reviews.exists():
            continue
        grade = REVIEW_PATTERN[reviewed % len(REVIEW_PATTERN)]
        services.term_review_record(enrollment=enrollment, review_year=enrollment.term_end.year, grade=grade,
                                    reviewed_on=enrollment.term_end - datetime.timedelta(days=20),
                                    comment="聘期目标任务完成情况经专家评议。", actor=SYSTEM)
        reviewed += 1
    return reviewed


def _cards(ctx: DemoContext, rng: random.Random, enrollments: list[Enrollment], today: datetime.date) -> int:
    holders = [e.person for e in enrollments
               if e.programme.programme_type in (ProgrammeType.TOP_LEADING, ProgrammeType.LEADING,
                                                 ProgrammeType.HIGH_LEVEL_RECRUIT)]
    areas = list(BenefitArea.values)
    made = 0
    for n, holder in enumerate(holders[: ctx.settings.service_cards]):
        number = f"LYRC{holder.pk:07d}"
        card = ServiceCard.objects.filter(card_number=number).first()
        if card is None:
            issued = today - datetime.timedelta(days=rng.randint(200, 1400))
            # Every fifth card has lapsed: requests on it are refused.
            expires = today - datetime.timedelta(days=30) if n % 5 == 4 else issued + datetime.timedelta(days=5 * 365)
            level = CardLevel.A if n % 3 == 0 else CardLevel.B if n % 3 == 1 else CardLevel.C
            card = ServiceCard(card_number=number, level=level, holder=holder, issued_on=issued, expires_on=expires,
                               areas=areas if level == CardLevel.A else rng.sample(areas, 5))
            card.full_clean()
            card.save()
            made += 1
        if card.requests.exists() or not card.is_valid_on(today):
            continue
        _requests(rng, card, today)
    return made


def _requests(rng: random.Random, card: ServiceCard, today: datetime.date) -> None:
    for _ in range(rng.randint(1, 3)):
        area = rng.choice(card.areas)
        submitted = max(card.issued_on, today - datetime.timedelta(days=rng.randint(1, 90)))
        request = services.green_request_submit(card=card, area=area, content=f"申请办理{BenefitArea(area).label}事项",
                                                submitted_on=submitted, actor=SYSTEM)
        roll = rng.random()
        if roll < 0.5:  # settled in time
            services.green_request_accept(request=request, actor=SYSTEM)
            services.green_request_complete(request=request, result="已按政策办结。", actor=SYSTEM,
                                            on=min(today, request.deadline))
        elif roll < 0.6:
            services.green_request_return(request=request, reason="申请材料不全，请补充后重新提交。", actor=SYSTEM,
                                          on=min(today, request.deadline))
        elif roll < 0.8:
            services.green_request_accept(request=request, actor=SYSTEM)
            if roll < 0.7:  # extended once, by the area's days, before its deadline passed
                services.green_request_extend(
                    request=request, deadline=standard_deadline(area, request.deadline),
                    reason="需会同有关部门研究办理，延期办理并已告知持卡人。", actor=SYSTEM, on=min(today, request.deadline))
        # the rest wait to be accepted; those past their deadline make the overdue list


def _liaison(ctx: DemoContext, rng: random.Random, enrollments: list[Enrollment], today: datetime.date) -> int:
    experts = [e.person for e in enrollments if e.programme.programme_type in (ProgrammeType.TOP_LEADING,
                                                                                 ProgrammeType.LEADING)]
    pairs = 0
    for n, expert in enumerate(experts[: ctx.settings.liaison_pairs]):
        leader, post = LEADERS[n % len(LEADERS)]
        pair = ExpertLiaison.objects.filter(leader_name=leader, expert=expert, is_active=True).first()
        if pair is None:
            pair = ExpertLiaison(leader_name=leader, leader_post=post, expert=expert,
                                 started_on=datetime.date(today.year - 2, 3, 1))
            pair.full_clean()
            pair.save()
            pairs += 1
        # A third of the experts have had no contact this year: the list to chase.
        if n % 3 == 2 or pair.contacts.exists():
            continue
        for days_ago in sorted(rng.sample(range(1, max(3, (today - datetime.date(today.year, 1, 1)).days)), 2)):
            contact = LiaisonContact(liaison=pair, contacted_on=today - datetime.timedelta(days=days_ago),
                                     way=rng.choice(ContactWay.values), content="走访了解科研进展和生活情况。",
                                     follow_up="协调解决实验用房问题。" if rng.random() < 0.4 else "")
            contact.full_clean()
            contact.save()
    return pairs


def build(ctx: DemoContext) -> None:
    rng = random.Random(ctx.seed + 8)
    today = timezone.localdate()
    by_code = {u.code: u for u in Unit.objects.filter(code__in=set(HOME_UNITS) | {PROVINCE})}
    province = by_code[PROVINCE]
    homes = [by_code[code] for code in HOME_UNITS if code in by_code] or [province]
    programmes = [(spec, _programme(spec, province)) for spec in PROGRAMMES]
    enrollments = _enrollments(ctx, rng, programmes, homes)
    # History in order: grants while on the roster, then reviews, then the terms that ended.
    granted = _funding(rng, enrollments, today)
    reviewed = _reviews(enrollments, today)
    expired = services.enrollments_expire_terms(on=today, actor=ctx.actor)
    enrollments = list(Enrollment.objects.filter(pk__in=[e.pk for e in enrollments])
                       .select_related("person", "programme").order_by("pk"))
    cards = _cards(ctx, rng, enrollments, today)
    pairs = _liaison(ctx, rng, enrollments, today)
    ctx.say(f"人才工作：{len(programmes)} 个人才计划，{len(enrollments)} 名入选人员（新增考核 {reviewed} 条、"
            f"期满 {expired} 人），新增资助 {granted} 笔、服务卡 {cards} 张、联系专家 {pairs} 对")
