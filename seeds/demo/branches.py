"""Demo Party organisations: a 党委 per township and county organ, branches below them
(domains by unit type), secretaries, a standard per domain, last year's assessments,
twelve months of 三会一课 with some branches deliberately behind, and a few weak-branch
cases — one struck off after a passing survey. Volumes scale with ``factor``; every
step skips what is already there."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from branches.models import (
    BranchAssessment,
    Domain,
    Education,
    Meeting,
    MeetingKind,
    ModelBranchQuota,
    OrgKind,
    PartyOrganisation,
    Secretary,
    Standard,
    StandardItem,
    StandardVersion,
    WeakBranchCase,
    WeakCategory,
    month_number,
)
from branches.services import (
    assessment_nominate_model,
    assessment_open,
    assessment_review,
    assessment_submit_self,
    meetings_bulk_record,
    party_org_save,
    weak_case_close,
    weak_case_open,
    weak_case_record_survey,
)
from orgwork.accounts.models import User
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import entry_for, record_many
from orgwork.units.models import Unit, UnitLevel, UnitType

from . import DemoContext

DOMAIN_BY_UNIT_TYPE = {
    UnitType.UNIVERSITY: Domain.UNIVERSITY,
    UnitType.STATE_ENTERPRISE: Domain.STATE_ENTERPRISE,
    UnitType.INSTITUTION: Domain.HOSPITAL,
    UnitType.GOVERNMENT: Domain.ORGAN,
    UnitType.PARTY_COMMITTEE: Domain.ORGAN,
}
COUNTY_BRANCH_DOMAINS = [Domain.ORGAN, Domain.SCHOOL, Domain.HOSPITAL, Domain.PRIVATE_ENTERPRISE, Domain.SOCIAL_ORGANISATION,
                         Domain.RESEARCH]
STANDARD_ITEMS = [("组织设置规范，班子健全", 20), ("组织生活经常，三会一课落实", 25), ("党员教育管理严格", 20),
                  ("活动场所和经费保障到位", 15), ("发挥作用明显，群众满意", 20)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "建国志强海燕春梅明华文静永红立新小军丽娟国庆"
TOPICS = {
    MeetingKind.MEMBERS_MEETING: "支部党员大会：通报工作、讨论发展党员",
    MeetingKind.COMMITTEE_MEETING: "支委会：研究本月工作安排",
    MeetingKind.GROUP_MEETING: "党小组会：学习党章党规",
    MeetingKind.PARTY_LECTURE: "书记讲党课",
    MeetingKind.THEME_DAY: "主题党日：志愿服务进社区",
}


def build(ctx: DemoContext) -> None:
    rng = random.Random(ctx.seed + 7)
    factor = ctx.settings["factor"]
    organisations = ensure_organisations(ctx, rng, factor)
    branches = [o for o in organisations if o.kind == OrgKind.BRANCH]
    ensure_secretaries(branches, rng)
    ensure_standards()
    # Separate generators per purpose, so that a second run picks the same branches.
    behind = set(random.Random(ctx.seed + 11).sample(sorted(b.pk for b in branches), k=max(3, len(branches) // 20)))
    created = ensure_meetings(branches, behind, ctx.seed)
    reviewer = User.objects.filter(username="province_party").select_related("unit").first()
    assessed = ensure_assessments(branches, behind, reviewer, random.Random(ctx.seed + 13), factor) if reviewer else 0
    cases = ensure_weak_cases(branches, behind, reviewer, factor) if reviewer else 0
    ctx.say(f"党组织：{len(organisations)} 个（党支部 {len(branches)} 个），新增三会一课记录 {created} 条，"
            f"评定 {assessed} 个，软弱涣散整顿 {cases} 个")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))


def ensure_organisations(ctx: DemoContext, rng: random.Random, factor: int) -> list[PartyOrganisation]:
    existing = {o.code: o for o in PartyOrganisation.objects.all()}

    def ensure(code: str, name: str, unit: Unit, kind: str, domain: str, parent: PartyOrganisation | None) -> PartyOrganisation:
        org = existing.get(code)
        if org is None:
            org = party_org_save(organisation=PartyOrganisation(
                code=code, name=name, unit=unit, kind=kind, domain=domain, parent=parent,
                members_count=rng.randint(8, 60) if kind == OrgKind.BRANCH else rng.randint(60, 400),
                venue_area=venue_for(domain, rng)))
            existing[code] = org
        return org

    per_township = min(2 * factor, 50)
    per_county = min(2 * factor, 20)
    units = list(Unit.objects.filter(path__startswith="620000/").order_by("path"))
    result: list[PartyOrganisation] = []
    with transaction.atomic():
        for unit in units:
            if unit.level == UnitLevel.TOWNSHIP:
                committee = ensure(f"PC{unit.code}", f"{unit.name}党委", unit, OrgKind.COMMITTEE, Domain.RURAL, None)
                result.append(committee)
                for i in range(1, per_township + 1):
                    community = i % 5 == 0
                    domain = Domain.COMMUNITY if community else Domain.RURAL
                    label = f"第{i // 5}社区" if community else f"第{i}村"
                    result.append(ensure(f"PB{unit.code}-{i:03d}", f"{unit.name}{label}党支部", unit, OrgKind.BRANCH, domain, committee))
            elif unit.level == UnitLevel.COUNTY or (unit.level == UnitLevel.PROVINCE and unit.parent_id):
                domain = DOMAIN_BY_UNIT_TYPE.get(unit.unit_type, Domain.ORGAN)
                committee = ensure(f"PC{unit.code}", f"{unit.name}机关党委" if domain == Domain.ORGAN else f"{unit.name}党委",
                                   unit, OrgKind.COMMITTEE, domain, None)
                result.append(committee)
                count = per_county if unit.level == UnitLevel.COUNTY else 3
                for i in range(1, count + 1):
                    branch_domain = COUNTY_BRANCH_DOMAINS[i % len(COUNTY_BRANCH_DOMAINS)] if unit.level == UnitLevel.COUNTY else domain
                    result.append(ensure(f"PB{unit.code}-{i:03d}", f"{unit.name}第{i}党支部", unit, OrgKind.BRANCH, branch_domain, committee))
    return result


def venue_for(domain: str, rng: random.Random) -> Decimal | None:
    if domain == Domain.RURAL:
        return Decimal(rng.choice([90, 110, 120, 150, 180, 200, 260]))
    if domain == Domain.COMMUNITY:
        return Decimal(rng.choice([160, 200, 240, 300, 420]))
    return None


def ensure_secretaries(branches: list[PartyOrganisation], rng: random.Random) -> None:
    have = set(Secretary.objects.filter(organisation__in=branches).values_list("organisation_id", flat=True))
    educations = [Education.JUNIOR] + [Education.SENIOR] * 3 + [Education.COLLEGE] * 3 + [Education.BACHELOR] * 4 + [Education.POSTGRADUATE]
    new = [
        Secretary(organisation=b, name=person_name(rng), is_full_time=rng.random() < 0.6,
                  is_double_leader=b.domain in (Domain.UNIVERSITY, Domain.SCHOOL) and rng.random() < 0.95,
                  birth_month=datetime.date(rng.randint(1966, 1995), rng.randint(1, 12), 1), education=rng.choice(educations))
        for b in branches if b.pk not in have
    ]
    created = Secretary.objects.bulk_create(new, batch_size=2000)
    record_many(entry_for(s, action=AuditAction.CREATE, changes={"name": [None, s.name]}) for s in created)


def ensure_standards() -> None:
    province = Unit.objects.filter(code="620000").first()
    if province is None:
        return
    for domain, label in Domain.choices:
        standard, _ = Standard.objects.get_or_create(unit=province, domain=domain, defaults={"name": f"{label}党支部建设标准"})
        version, created = StandardVersion.objects.get_or_create(
            standard=standard, effective_from=datetime.date(2020, 7, 1),
            defaults={"label": "2020年修订版", "pass_score": Decimal("80"), "model_score": Decimal("95"),
                      "star_1_score": Decimal("60"), "star_2_score": Decimal("70"), "star_3_score": Decimal("80"),
                      "star_4_score": Decimal("90"), "star_5_score": Decimal("95")})
        if created:
            for seq, (title, points) in enumerate(STANDARD_ITEMS, start=1):
                StandardItem.objects.create(version=version, seq=seq, title=title, points=Decimal(points))


def demo_months() -> list[datetime.date]:
    """The twelve whole months before the current one."""
    today = timezone.localdate()
    current = month_number(today)
    return [datetime.date(n // 12, n % 12 + 1, 1) for n in range(current - 12, current)]


def ensure_meetings(branches: list[PartyOrganisation], behind: set[int], seed: int) -> int:
    months = demo_months()
    first, last = month_number(months[0]), month_number(months[-1])
    done = set(Meeting.objects.filter(organisation__in=branches, month_no__gte=first, month_no__lte=last)
               .values_list("organisation_id", "month_no").distinct())
    batch: list[Meeting] = []
    created = 0
    for branch in branches:
        lagging = branch.pk in behind
        for month in months:
            if (branch.pk, month_number(month)) in done:
                continue
            # One generator per branch-month: a month a lagging branch left empty stays empty on the next run.
            rng = random.Random(seed * 1_000_003 + branch.pk * 1009 + month_number(month))
            for kind in held_kinds(month, branch.pk, lagging, rng):
                day = month.replace(day=rng.randint(1, 28))
                expected = branch.members_count or 10
                batch.append(Meeting(organisation=branch, kind=kind, held_on=day, topic=TOPICS[kind], expected=expected,
                                     present=max(0, expected - rng.randint(0, 3))))
            if len(batch) >= 20000:
                created += meetings_bulk_record(meetings=batch)
                batch = []
    if batch:
        created += meetings_bulk_record(meetings=batch)
    return created


def held_kinds(month: datetime.date, seed: int, lagging: bool, rng: random.Random) -> list[int]:
    kinds = [MeetingKind.COMMITTEE_MEETING, MeetingKind.GROUP_MEETING, MeetingKind.THEME_DAY]
    if (month.month - 1) % 3 == seed % 3:
        kinds += [MeetingKind.MEMBERS_MEETING, MeetingKind.PARTY_LECTURE]
    miss = 0.45 if lagging else 0.01
    return [k for k in kinds if rng.random() >= miss]


def ensure_assessments(branches: list[PartyOrganisation], behind: set[int], reviewer: User, rng: random.Random,
                       factor: int) -> int:
    year = timezone.localdate().year - 1
    sample = branches[: min(len(branches), 300 * factor)]
    province = reviewer.unit
    if province is not None:
        ModelBranchQuota.objects.get_or_create(unit=province, year=year, defaults={"quota": max(3, len(sample) // 60)})
    have = set(BranchAssessment.objects.filter(year=year, organisation__in=sample).values_list("organisation_id", flat=True))
    count = 0
    for branch in sample:
        if branch.pk in have:
            continue
        try:
            assessment = assessment_open(organisation=branch, year=year, actor=reviewer)
            base = 70 if branch.pk in behind else 86
            score = Decimal(min(100, base + rng.randint(-8, 12)))
            assessment = assessment_submit_self(assessment=assessment, actor=reviewer, score=score + 2, note="对照标准逐项自评")
            assessment = assessment_review(assessment=assessment, reviewer=reviewer, score=score, note="实地查看台账")
            if assessment.reviewed_score >= assessment.version.model_score:
                try:
                    assessment_nominate_model(assessment=assessment, actor=reviewer)
                except ValidationError:
                    pass  # the quota is used up: the branch stays 达标, as in real life
            count += 1
        except ValidationError as error:
            raise ValidationError(f"{branch}：{'；'.join(error.messages)}") from error
    return count


def ensure_weak_cases(branches: list[PartyOrganisation], behind: set[int], actor: User, factor: int) -> int:
    year = timezone.localdate().year - 1
    candidates = [b for b in branches if b.pk in behind][: min(3 * factor, 50)]
    have = set(WeakBranchCase.objects.filter(year=year).values_list("organisation_id", flat=True))
    categories = [[WeakCategory.ORGANISATIONAL_LIFE, WeakCategory.RULES], [WeakCategory.LEADERSHIP],
                  [WeakCategory.SERVICE, WeakCategory.COLLECTIVE_ECONOMY]]
    for i, branch in enumerate(candidates):
        if branch.pk in have:
            continue
        case = weak_case_open(
            organisation=branch, year=year, categories=categories[i % len(categories)],
            problems="三会一课不经常，党员教育管理松散", plan="选派第一书记，建立月督导、季评估制度，规范组织生活",
            contact_leader=f"县委常委 {person_name(random.Random(branch.pk))}", deadline=datetime.date(year, 12, 31), actor=actor)
        if i == 0:
            weak_case_record_survey(case=case, awareness="91.5", satisfaction="88.0", surveyed_on=datetime.date(year, 12, 10), actor=actor)
            weak_case_close(case=case, actor=actor, closed_on=datetime.date(year, 12, 20))
        elif i == 1:
            weak_case_record_survey(case=case, awareness="76.0", satisfaction="82.0", surveyed_on=datetime.date(year, 12, 12), actor=actor)
    return len(candidates)
