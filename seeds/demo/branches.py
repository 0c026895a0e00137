"""Demo Party organisations: a 党委 per township and county organ, branches below them
(domains by unit type), secretaries, a standard per domain, last year's assessments,
twelve months of 三会一课 with some branches deliberately behind, and a few weak-branch
cases — one struck off after a passing survey (recorded by the county, signed off by the
province, as the checklist's 销号 wants two people) — and 换届选举 records: every
organisation of 城关区 and a sample of the rest, a few terms overdue, one extended, a few
due within six months (the others are left for the 无换届记录 list). Volumes come from the scale; the
organisations, secretaries and meetings go in through the bulk paths (a province has
~77,000 organisations and ~5 million meetings a year), the workflows through the
services. Every step skips what is already there."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from branches.members.selectors import roll_histories
from branches.models import (
    DEFAULT_TERM_YEARS,
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
    TermElection,
    WeakBranchCase,
    WeakCategory,
    month_number,
)
from branches.services import (
    assessment_nominate_model,
    assessment_open,
    assessment_review,
    assessment_submit_self,
    MeetingRow,
    meetings_bulk_load,
    model_quota_save,
    term_election_record,
    term_extension_grant,
    weak_case_close,
    weak_case_open,
    weak_case_record_survey,
)
from orgwork.accounts.models import User
from orgwork.common.contract import SystemActor
from orgwork.common.dates import years_before
from orgwork.units.models import Unit, UnitLevel, UnitType

from . import DemoContext, bulk, parallel
from . import members as demo_members

DOMAIN_BY_UNIT_TYPE = {
    UnitType.UNIVERSITY: Domain.UNIVERSITY,
    UnitType.STATE_ENTERPRISE: Domain.STATE_ENTERPRISE,
    UnitType.INSTITUTION: Domain.HOSPITAL,
    UnitType.GOVERNMENT: Domain.ORGAN,
    UnitType.PARTY_COMMITTEE: Domain.ORGAN,
}
COUNTY_BRANCH_DOMAINS = [Domain.ORGAN, Domain.SCHOOL, Domain.HOSPITAL, Domain.PRIVATE_ENTERPRISE, Domain.SOCIAL_ORGANISATION,
                         Domain.RESEARCH]
# (检查内容, 分值, 一票否决)
STANDARD_ITEMS = [("组织设置规范，班子健全", 20, True), ("组织生活经常，三会一课落实", 25, False), ("党员教育管理严格", 20, False),
                  ("活动场所和经费保障到位", 15, False), ("发挥作用明显，群众满意", 20, False)]
SEED_ACTOR = SystemActor("seed_demo")
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
    scale = ctx.settings
    organisations = ensure_organisations(rng, scale.branches_per_township, scale.branches_per_county)
    branches = [o for o in organisations if o.kind == OrgKind.BRANCH]
    ensure_secretaries(branches, rng)
    ensure_standards()
    # Separate generators per purpose, so that a second run picks the same branches.
    behind = set(random.Random(ctx.seed + 11).sample(sorted(b.pk for b in branches), k=max(3, len(branches) // 20)))
    created = ensure_meetings(branches, behind, ctx.seed, scale.workers)
    assessed = ensure_assessments(branches, behind, SEED_ACTOR, random.Random(ctx.seed + 13), scale.assessed_branches)
    reviewer = User.objects.filter(username="province_party").select_related("unit").first()
    cases = ensure_weak_cases(branches, behind, reviewer, scale.weak_cases) if reviewer else 0
    elections = ensure_term_elections(organisations, random.Random(ctx.seed + 17), scale.assessed_branches)
    ctx.say(f"党组织：{len(organisations)} 个（党支部 {len(branches)} 个），新增三会一课记录 {created} 条，"
            f"评定 {assessed} 个，软弱涣散整顿 {cases} 个，新增换届选举登记 {elections} 条")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))


ORG_FIELDS = ["code", "name", "unit", "kind", "domain", "parent", "venue_area", "path"]


def planned_organisations(per_township: int, per_county: int) -> list[tuple]:  # type: ignore[type-arg]
    """Every demo organisation as (code, name, unit, kind, domain, parent code), 党委 before
    their 党支部: a 党委 per township with village and community branches, a 机关党委 per
    county and provincial department with branches of the county's domains."""
    plan = []
    for unit in Unit.objects.filter(path__startswith="620000/").order_by("path"):
        if unit.level == UnitLevel.TOWNSHIP:
            committee = f"PC{unit.code}"
            plan.append((committee, f"{unit.name}党委", unit, OrgKind.COMMITTEE, Domain.RURAL, None))
            for i in range(1, per_township + 1):
                community = i % 5 == 0
                label = f"第{i // 5}社区" if community else f"第{i}村"
                plan.append((f"PB{unit.code}-{i:03d}", f"{unit.name}{label}党支部", unit, OrgKind.BRANCH,
                             Domain.COMMUNITY if community else Domain.RURAL, committee))
        elif unit.level == UnitLevel.COUNTY or (unit.level == UnitLevel.PROVINCE and unit.parent_id):
            domain = DOMAIN_BY_UNIT_TYPE.get(unit.unit_type, Domain.ORGAN)
            committee = f"PC{unit.code}"
            plan.append((committee, f"{unit.name}机关党委" if domain == Domain.ORGAN else f"{unit.name}党委", unit,
                         OrgKind.COMMITTEE, domain, None))
            count = per_county if unit.level == UnitLevel.COUNTY else 3
            for i in range(1, count + 1):
                branch_domain = COUNTY_BRANCH_DOMAINS[i % len(COUNTY_BRANCH_DOMAINS)] if unit.level == UnitLevel.COUNTY else domain
                plan.append((f"PB{unit.code}-{i:03d}", f"{unit.name}第{i}党支部", unit, OrgKind.BRANCH, branch_domain, committee))
    return plan


def ensure_organisations(rng: random.Random, per_township: int, per_county: int) -> list[PartyOrganisation]:
    """The demo organisations, new ones written in bulk (a province has ~77,000); returns
    them all in plan order, each with its unit loaded."""
    plan = planned_organisations(per_township, per_county)
    existing = dict(PartyOrganisation.objects.filter(code__in=[p[0] for p in plan]).values_list("code", "path"))
    with transaction.atomic():
        for kind in (OrgKind.COMMITTEE, OrgKind.BRANCH):  # 党委 first: their branches point to them
            parents = dict(PartyOrganisation.objects.filter(kind=OrgKind.COMMITTEE, code__in={p[5] for p in plan if p[5]})
                           .values_list("code", "pk"))
            rows, reprs, paths = [], [], []
            for code, name, unit, org_kind, domain, parent in plan:
                if org_kind != kind or code in existing:
                    continue
                path = f"{existing[parent]}{code}/" if parent else f"{code}/"
                rows.append((code, name, unit.pk, kind, domain, parents[parent] if parent else None,
                             venue_for(domain, rng), path))
                reprs.append(name)
                paths.append(unit.path)
                existing[code] = path
            bulk.insert(PartyOrganisation, ORG_FIELDS, rows, reprs=reprs, unit_paths=paths)
    units = {p[2].pk: p[2] for p in plan}
    by_code = {o.code: o for o in PartyOrganisation.objects.filter(code__in=[p[0] for p in plan])}
    result = []
    for code, *_ in plan:
        organisation = by_code[code]
        organisation.unit = units[organisation.unit_id]
        result.append(organisation)
    return result


def venue_for(domain: str, rng: random.Random) -> Decimal | None:
    if domain == Domain.RURAL:
        return Decimal(rng.choice([90, 110, 120, 150, 180, 200, 260]))
    if domain == Domain.COMMUNITY:
        return Decimal(rng.choice([160, 200, 240, 300, 420]))
    return None


SECRETARY_FIELDS = ["organisation", "name", "is_full_time", "is_double_leader", "birth_month", "education"]


def ensure_secretaries(branches: list[PartyOrganisation], rng: random.Random) -> None:
    have = set(Secretary.objects.filter(organisation__in=[b.pk for b in branches]).values_list("organisation_id", flat=True))
    educations = [Education.JUNIOR] + [Education.SENIOR] * 3 + [Education.COLLEGE] * 3 + [Education.BACHELOR] * 4 + [Education.POSTGRADUATE]
    rows, reprs, paths = [], [], []
    for b in branches:
        if b.pk in have:
            continue
        name = person_name(rng)
        rows.append((b.pk, name, rng.random() < 0.6,
                     b.domain in (Domain.UNIVERSITY, Domain.SCHOOL) and rng.random() < 0.95,
                     datetime.date(rng.randint(1966, 1995), rng.randint(1, 12), 1), rng.choice(educations)))
        reprs.append(f"{b} 书记 {name}")
        paths.append(b.unit.path)
    with transaction.atomic():
        bulk.insert(Secretary, SECRETARY_FIELDS, rows, reprs=reprs, unit_paths=paths)


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
            for seq, (title, points, veto) in enumerate(STANDARD_ITEMS, start=1):
                StandardItem.objects.create(version=version, seq=seq, title=title, points=Decimal(points), is_veto=veto)


def demo_months() -> list[datetime.date]:
    """The twelve whole months before the current one."""
    today = timezone.localdate()
    current = month_number(today)
    return [datetime.date(n // 12, n % 12 + 1, 1) for n in range(current - 12, current)]


MEETINGS_PER_LOAD = 100_000  # about that many per transaction, whole branches at a time


def ensure_meetings(branches: list[PartyOrganisation], behind: set[int], seed: int, workers: int = 1) -> int:
    """Twelve months of 三会一课 for every branch, through the bulk load of the service
    (one audit row per meeting). Idempotent per branch-month."""
    months = demo_months()
    numbers = [month_number(m) for m in months]
    # order_by(): the model's ordering would make DISTINCT run over every meeting.
    done = set(Meeting.objects.filter(month_no__gte=numbers[0], month_no__lte=numbers[-1]).order_by()
               .values_list("organisation_id", "month_no").distinct())
    caps = roll_caps(branches)

    def load_part(part: list[PartyOrganisation]) -> int:
        batch: list[MeetingRow] = []
        created = 0
        for branch in part:
            if all((branch.pk, number) in done for number in numbers):
                continue  # loaded by an earlier run
            lagging = branch.pk in behind
            # One generator per branch, drawn through every month whether written or not:
            # a month a lagging branch left empty stays empty on the next run.
            rng = random.Random(seed * 1_000_003 + branch.pk)
            drawn = rng.randint(8, 40)
            groups = 1 + drawn // 10  # 党小组: each meets monthly
            # The branch's members: those a 党员大会, 党课 or 主题党日 expects (no more than its roll).
            members = min(drawn, caps.get(branch.pk, drawn))
            expected = meeting_sizes(branch.pk, members, groups)
            for month, number in zip(months, numbers):
                held = [(kind, month.replace(day=rng.randint(1, 28)), attended(expected[kind], rng.randint(0, 3)))
                        for kind in held_kinds(month, branch.pk, lagging, rng, groups)]
                if (branch.pk, number) not in done:
                    batch += [(branch, kind, day, TOPICS[kind], expected[kind], present)
                              for kind, day, present in held]
            if len(batch) >= MEETINGS_PER_LOAD:
                created += _load(batch)
                batch = []
        return created + _load(batch)

    return parallel.run_parts(parallel.split(branches, workers), load_part, workers)


def roll_caps(branches: list[PartyOrganisation]) -> dict[int, int]:
    """The most members each branch's meetings may expect (``services.meetings_roster_check``):
    what its roll holds today on a later run, or what the members step will enter in a
    demo branch (it comes after this one). Other branches have no roll and no cap."""
    today = timezone.localdate()
    planned = demo_members.planned_roll()
    rolls = roll_histories(b.pk for b in branches)
    return {**planned, **{pk: roll.at_most(today) for pk, roll in rolls.items() if roll.entered}}


def meeting_sizes(seed: int, members: int, groups: int) -> dict[int, int]:
    """应到人数 by kind of meeting in a branch of ``members`` split into ``groups`` 党小组:
    the whole branch at a 党员大会, 党课 or 主题党日; the 支部委员会 (three or five
    委员, as a branch of seven or more 正式党员 elects) at a 支委会; one group at a 党小组会."""
    whole = {kind: members for kind in MeetingKind}
    return {**whole, MeetingKind.COMMITTEE_MEETING: min((3, 5)[seed % 2], members),
            MeetingKind.GROUP_MEETING: -(-members // groups)}


def attended(expected: int, absent: int) -> int:
    """实到人数: ``expected`` less up to ``absent`` away, and at least one there."""
    return expected - min(absent, expected - 1)


def _load(rows: list[MeetingRow]) -> int:
    with transaction.atomic():
        return meetings_bulk_load(rows=rows, actor=SEED_ACTOR)


def held_kinds(month: datetime.date, seed: int, lagging: bool, rng: random.Random, groups: int = 1) -> list[int]:
    kinds = [MeetingKind.COMMITTEE_MEETING] + [MeetingKind.GROUP_MEETING] * groups + [MeetingKind.THEME_DAY]
    if (month.month - 1) % 3 == seed % 3:
        kinds += [MeetingKind.MEMBERS_MEETING, MeetingKind.PARTY_LECTURE]
    miss = 0.45 if lagging else 0.01
    return [k for k in kinds if rng.random() >= miss]


def item_scores(assessment: BranchAssessment, total: Decimal, veto_missed: bool) -> dict[int, Decimal]:
    """Scores per checklist item that add up to about ``total``: the 一票否决 items in full
    unless ``veto_missed``, the others in proportion."""
    items = list(assessment.version.items.order_by("seq"))
    full = sum((i.points for i in items), Decimal("0")) or Decimal("1")
    share = min(Decimal("1"), total / full)
    scores = {}
    for item in items:
        if item.is_veto:
            scores[item.pk] = (item.points / 2).quantize(Decimal("0.1")) if veto_missed else item.points
        else:
            scores[item.pk] = min(item.points, (item.points * share).quantize(Decimal("0.1")))
    return scores


def ensure_assessments(branches: list[PartyOrganisation], behind: set[int], actor: SystemActor, rng: random.Random,
                       limit: int) -> int:
    """Last year's standardisation for the first ``limit`` branches, through the services:
    item-by-item self-assessment, review, and 示范 nominations within the province's quota."""
    year = timezone.localdate().year - 1
    sample = branches[: min(len(branches), limit)]
    province = Unit.objects.filter(code="620000").first()
    if province is not None and not ModelBranchQuota.objects.filter(unit=province, year=year).exists():
        model_quota_save(quota=ModelBranchQuota(unit=province, year=year, quota=max(3, len(sample) // 60)), actor=actor)
    have = set(BranchAssessment.objects.filter(year=year, organisation__in=sample).values_list("organisation_id", flat=True))
    count = 0
    for branch in sample:
        if branch.pk in have:
            continue
        try:
            assessment = assessment_open(organisation=branch, year=year, actor=actor)
            base = 70 if branch.pk in behind else 86
            score = Decimal(min(100, base + rng.randint(-8, 12)))
            veto_missed = branch.pk in behind and rng.random() < 0.3
            assessment = assessment_submit_self(assessment=assessment, actor=actor,
                                                scores=item_scores(assessment, min(Decimal(100), score + 2), False),
                                                note="对照标准逐项自评")
            assessment = assessment_review(assessment=assessment, actor=actor,
                                           scores=item_scores(assessment, score, veto_missed), note="实地查看台账")
            if assessment.reviewed_score >= assessment.version.model_score and assessment.status != "below":
                try:
                    assessment_nominate_model(assessment=assessment, actor=actor)
                except ValidationError:
                    pass  # the quota is used up: the branch stays 达标, as in real life
            count += 1
        except ValidationError as error:
            raise ValidationError(f"{branch}：{'；'.join(error.messages)}") from error
    return count


def ensure_weak_cases(branches: list[PartyOrganisation], behind: set[int], actor: User, limit: int) -> int:
    """Weak-branch cases opened by the province; the first (a 城关区 branch where there is
    one) surveyed by the county and struck off by the province, the second surveyed short
    of the threshold."""
    year = timezone.localdate().year - 1
    county = User.objects.filter(username="chengguan_party").select_related("unit").first()
    candidates = [b for b in branches if b.pk in behind][:limit]
    if county is not None and county.unit is not None:
        local = next((b for b in branches if b.unit.path.startswith(county.unit.path)), None)
        if local is not None and local not in candidates:
            candidates = [local, *candidates[: max(0, limit - 1)]]
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
        if i == 0 and county is not None and county.unit is not None and branch.unit.path.startswith(county.unit.path):
            weak_case_record_survey(case=case, awareness="91.5", satisfaction="88.0", surveyed_on=datetime.date(year, 12, 10),
                                    actor=county)
            weak_case_close(case=case, actor=actor, closed_on=datetime.date(year, 12, 20))
        elif i == 1:
            weak_case_record_survey(case=case, awareness="76.0", satisfaction="82.0", surveyed_on=datetime.date(year, 12, 12), actor=actor)
    return len(candidates)


# How the demo's current terms stand, for the first organisations of 城关区 (the rest serve):
# overdue by that many days, extended (overdue, with an approved extension), due in that many days.
TERM_PLAN = [("overdue", 45), ("overdue", 200), ("overdue", 400), ("extended", 60), ("due", 20), ("due", 75),
             ("due", 150)]


def _approved(day: datetime.date, rng: random.Random, county: str) -> tuple[str, datetime.date]:
    return f"{county}组字〔{day.year}〕{rng.randint(1, 80)}号", min(day + datetime.timedelta(days=rng.randint(7, 25)),
                                                                timezone.localdate())


def ensure_term_elections(organisations: list[PartyOrganisation], rng: random.Random, limit: int) -> int:
    """换届选举 through the service: all of 城关区's organisations (the county persona's list
    shows each status: :data:`TERM_PLAN`, the rest serving) and, elsewhere, every few up to
    ``limit``, a term in ten overdue.
    Every fourth also has its previous election, held on time. Organisations with any
    election on record are left as they are."""
    today = timezone.localdate()
    county = User.objects.filter(username="chengguan_party").select_related("unit").first()
    local_path = county.unit.path if county is not None and county.unit is not None else None
    local = [o for o in organisations if local_path and o.unit.path.startswith(local_path)]
    local_pks = {o.pk for o in local}
    others = [o for o in organisations if o.pk not in local_pks]
    step = max(1, len(others) // max(1, limit - len(local)))
    chosen = local + others[::step][: max(0, limit - len(local))]
    have = set(TermElection.objects.filter(organisation__in=chosen).values_list("organisation_id", flat=True))
    # A branch's 委员人数 is the committee its 支委会 expect (meeting_sizes), so that the
    # meetings on record hold to the committee in office (services.meetings_committee_check).
    committees = dict(Meeting.objects.filter(organisation__in=chosen, kind=MeetingKind.COMMITTEE_MEETING).order_by()
                      .values_list("organisation_id").annotate(most=Max("expected")))
    secretaries = dict(Secretary.objects.filter(organisation__in=chosen).values_list("organisation_id", "name"))
    count = 0
    for i, organisation in enumerate(chosen):
        if organisation.pk in have:
            continue
        years = DEFAULT_TERM_YEARS[organisation.kind]
        if organisation.pk in local_pks:
            state, days = TERM_PLAN[i] if i < len(TERM_PLAN) else ("serving", 0)
        else:
            state, days = ("overdue", rng.randint(20, 300)) if rng.random() < 0.1 else ("serving", 0)
        if state in ("overdue", "extended"):
            elected = years_before(today - datetime.timedelta(days=days), years)
        elif state == "due":
            elected = years_before(today + datetime.timedelta(days=days), years)
        else:  # ends more than six months from now
            elected = today - datetime.timedelta(days=rng.randint(30, years * 365 - 200))
        size = {OrgKind.COMMITTEE: 7, OrgKind.GENERAL_BRANCH: 5}.get(organisation.kind, rng.choice([3, 5]))
        size = max(size, committees.get(organisation.pk, 0))
        place = organisation.unit.name[:2]
        with transaction.atomic():
            if i % 4 == 1:  # the term before, held on time (on or just after the one before it ended)
                before = years_before(elected, years) - datetime.timedelta(days=rng.randint(0, 40))
                number, approved_on = _approved(before, rng, place)
                term_election_record(organisation=organisation, elected_on=before, secretary_name=person_name(rng),
                                     committee_size=size, approval_number=number, approved_on=approved_on,
                                     actor=SEED_ACTOR)
                count += 1
            number, approved_on = _approved(elected, rng, place)
            election = term_election_record(
                organisation=organisation, elected_on=elected, committee_size=size,
                secretary_name=secretaries.get(organisation.pk) or person_name(rng),
                approval_number=number, approved_on=approved_on, actor=SEED_ACTOR)
            count += 1
            if state == "extended":
                term_extension_grant(election=election, until=election.term_ends_on + datetime.timedelta(days=270),
                                     approval_number=f"{place}组字〔{today.year}〕{rng.randint(81, 99)}号",
                                     reason="与村（社区）“两委”换届统一安排，报经上级党组织同意延期", actor=SEED_ACTOR)
    return count
