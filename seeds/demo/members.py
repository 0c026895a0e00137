"""Demo party members in the first county's branches: a roster of a few hundred (bulk,
one audit row each), twelve months of dues with some members behind (paid months in bulk,
unpaid months through ``dues_generate_month``), applicants at every stage of the pipeline
(the admitted ones with their income base filled, all but 董欣怡: the list of 在职党员
未填写党费计算基数 shows one; 韩雪 had the status cancelled by the 支部大会 during the
预备期, on a date the file records), two transfers — one received, one in transit for over a month, its
letter's 有效期 of 30 days run out — and one person transferred in from outside the province whose
letter's 党费交至 leaves him two months behind, and last year's 民主评议
of one branch (one member 限期改正, the period ending within three weeks, one 劝其退党 still
on the roll), and one member who left the Party (出党) two months ago, with the day and the
grounds of the change, his later unpaid month removed from the ledger, through the services. Every step skips what is already there (members by ID number, applicants by ID
number, dues by member and month, results by member and year).

Two sheets go to ``var/demo-sheets/`` for trying the upload by hand (as
``chengguan_party``):
- 城关区党费交纳（有错误）.xlsx, last month's payments of three members who owe it, with
  two mistakes: two members' names swapped between their rows (each row's ID number and
  amount are the member's), and one of those rows without its month. Fixed, it pays the
  three months;
- 城关区民主评议（有错误）.xlsx, last year's results of another branch's first five
  members, one 不合格 without its 组织处置. With 限期改正 and a 限期改正期满日期 within a
  year of the 支部大会, it imports the five.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from openpyxl import Workbook

from branches.members import rules, services
from branches.members.models import (Applicant, Appraisal, AppraisalGrade, Disposal, DuesRecord, Member, MemberCategory,
                                     MemberStatus, Transfer)
from branches.models import OrgKind, PartyOrganisation
from orgwork.common import dates, idnumber

from . import DemoContext, bulk

MEMBERS = 300
DUES_SHEET = "城关区党费交纳（有错误）.xlsx"
DUES_HEAD = ["身份证号", "姓名", "月份", "应交金额（元）", "实交金额（元）", "交纳日期"]
APPRAISAL_SHEET = "城关区民主评议（有错误）.xlsx"
APPRAISAL_HEAD = ["身份证号", "姓名", "评议年度", "评定等次", "支部大会评定日期", "组织处置", "限期改正期满日期", "备注"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
# Given names by the sex the ID number gives, so that a 丽娟 is not listed as 男.
GIVEN = {idnumber.MALE: ["建国", "志强", "明华", "立新", "小军", "国庆", "卫东", "永刚"],
         idnumber.FEMALE: ["海燕", "春梅", "文静", "永红", "丽娟", "淑芬", "晓梅", "秀英"]}
DUES_CATEGORIES = ["employed", "employed", "employed", "farmer", "retired", "student"]
OWING_EVERY = 25  # one member in 25 is behind with the dues; a few of them six months or more


def demo_id(serial: int, born: datetime.date) -> str:
    first = f"620102{born:%Y%m%d}{serial % 1000:03d}"
    return first + idnumber.check_character(first)


def build(ctx: DemoContext) -> None:
    branches = demo_branches()
    if not branches:
        ctx.say("党员：没有党支部，跳过")
        return
    rng = random.Random(ctx.seed + 23)
    added = ensure_members(branches, rng)
    applicants = ensure_applicants(branches, ctx.actor)  # before the dues: the admitted pay theirs too
    fill_admitted_bases(ctx.actor)
    dues = ensure_dues(ctx.actor)
    departed = ensure_departed(branches, ctx.actor)
    transfers = (ensure_transfers(branches, ctx.actor) + ensure_transfer_behind_with_dues(branches, ctx.actor)
                 + ensure_transfer_by_exception(branches, ctx.actor) + ensure_transfer_in(branches, ctx.actor))
    lapses = services.members_check_arrears(actor=ctx.actor)
    appraised = ensure_appraisals(branches, ctx.actor)
    write_dues_sheet()
    write_appraisal_sheet(branches)
    ctx.say(f"党员：新增 {added} 人，党费记录新增 {dues} 条，发展党员新增 {applicants} 人，组织关系转接新增 {transfers} 件，"
            f"连续欠缴6个月列入整改 {lapses} 人，民主评议结果新增 {appraised} 条，出党 {departed} 人")


def demo_branches() -> list[PartyOrganisation]:
    """The branches of the first county (by unit path) that has any."""
    first = (PartyOrganisation.objects.filter(kind=OrgKind.BRANCH, unit__level__in=["county", "township"])
             .select_related("unit").order_by("unit__path", "path").first())
    if first is None:
        return []
    county = first.unit if first.unit.level == "county" else first.unit.parent
    return list(PartyOrganisation.objects.filter(kind=OrgKind.BRANCH, unit__path__startswith=county.path)
                .select_related("unit").order_by("path")[:12])


def branch_index(serial: int, branches: int) -> int:
    """The demo branch of the member ``serial``. Consecutive serials share a branch: the ID
    numbers' sex digits alternate, so each branch has both men and women (serial % branches
    would give a branch one sex)."""
    return (serial // 2) % branches


def planned_roll() -> dict[int, int]:
    """How many members :func:`ensure_members` enters in each demo branch, by its key: the
    meetings, loaded in an earlier step, expect no more than that."""
    branches = demo_branches()
    sizes: dict[int, int] = {}
    for serial in range(MEMBERS if branches else 0):
        pk = branches[branch_index(serial, len(branches))].pk
        sizes[pk] = sizes.get(pk, 0) + 1
    return sizes


def ensure_members(branches: list[PartyOrganisation], rng: random.Random) -> int:
    today = dates.today()
    planned = []
    for serial in range(MEMBERS):
        born = datetime.date(1950 + serial % 50, 1 + serial % 12, 1 + serial % 28)
        planned.append((serial, demo_id(serial, born), born))
    have = set(Member.objects.filter(id_number__in=[p[1] for p in planned]).values_list("id_number", flat=True))
    rows, reprs, paths = [], [], []
    for serial, number, born in planned:
        if number in have:
            continue
        branch = branches[branch_index(serial, len(branches))]
        joined = born.replace(year=born.year + 22 + serial % 10)
        if joined > today - datetime.timedelta(days=400):
            joined = today - datetime.timedelta(days=800)
        probationary = serial % 40 == 0
        # The first 预备党员 entered on the roster alone ends the year within the month: the
        # 预备期满 list and reminders name him beside those admitted by a 发展党员 file.
        probation_days = 345 if serial == 0 else 200
        given = GIVEN[idnumber.gender_of(number)]
        name = SURNAMES[serial % len(SURNAMES)] + given[rng.randrange(len(given))]
        category = DUES_CATEGORIES[serial % len(DUES_CATEGORIES)]
        rows.append((name, number, idnumber.gender_of(number), born, branch.pk,
                     MemberCategory.PROBATIONARY if probationary else MemberCategory.FULL,
                     today - datetime.timedelta(days=probation_days) if probationary else joined,
                     None if probationary else rules.add_months(joined, 12), serial % 31 == 0, serial % 97 == 0,
                     category, Decimal(2500 + rng.randrange(0, 9000, 100)) if category in ("employed", "retired")
                     else Decimal("0")))
        reprs.append(name)
        paths.append(branch.unit.path)
    fields = ["name", "id_number", "gender", "birth_date", "branch", "category", "joined_on", "full_on", "is_floating",
              "is_lost", "dues_category", "income_base"]
    with transaction.atomic():
        bulk.insert(Member, fields, rows, reprs=reprs, unit_paths=paths, message="演示数据：党员名册")
    return len(rows)


def demo_months() -> list[datetime.date]:
    first = dates.today().replace(day=1)
    return [rules.add_months(first, -back) for back in range(12, 0, -1)]


def owed_months(member_id: int) -> int:
    """How many of the last months this member leaves unpaid (0 for most)."""
    if member_id % OWING_EVERY:
        return 0
    return 2 if member_id % (OWING_EVERY * 2) else 7


def ensure_dues(actor: Any) -> int:
    """Paid months in bulk (with their audit rows); the unpaid ones by the month's service,
    which also keeps the arrears counter."""
    members = list(Member.objects.filter(branch__in=demo_branches(), status="active")
                   .select_related("branch__unit").order_by("pk"))
    months = demo_months()
    have = set(DuesRecord.objects.filter(member__in=members, month__in=months).values_list("member_id", "month"))
    rows, reprs, paths = [], [], []
    for member in members:
        if member.dues_category in rules.INCOME_BASE_REQUIRED and member.income_base is None:
            continue  # as dues_generate_month: no 应交 0.00, the member is on the list to fill
        if member.status_changed_on is not None:
            continue  # back on the roll (the 省外转入): his months are the service's, from the letter's 党费交至
        owed = owed_months(member.pk)
        due = rules.monthly_dues(category=member.dues_category, income_base=member.income_base)
        for index, month in enumerate(months):
            if (member.pk, month) in have or month < member.joined_on.replace(day=1) or index >= len(months) - owed:
                continue
            rows.append((member.pk, member.branch_id, month, due, due, month + datetime.timedelta(days=9)))
            reprs.append(f"{member} {month:%Y-%m}")
            paths.append(member.branch.unit.path)
    with transaction.atomic():
        bulk.insert(DuesRecord, ["member", "branch", "month", "due", "paid", "paid_on"], rows, reprs=reprs, unit_paths=paths,
                    message="演示数据：党费交纳")
    generated = sum(services.dues_generate_month(month=month, actor=actor) for month in months)
    services.dues_recount(m.pk for m in members)
    return len(rows) + generated


def write_dues_sheet() -> None:
    """The dues sheet with two mistakes (see the module's docstring); none when the demo
    county has fewer than three members, by three names, owing last month."""
    month = demo_months()[-1]
    owing: list[DuesRecord] = []
    for record in (DuesRecord.objects.filter(member__branch__in=demo_branches(), month=month, paid_on__isnull=True)
                   .select_related("member").order_by("member__id_number")):
        if record.member.name not in {r.member.name for r in owing}:  # names that tell them apart
            owing.append(record)
        if len(owing) == 3:
            break
    else:
        return
    rows = [[r.member.id_number, r.member.name, f"{month:%Y-%m}", f"{r.due:.2f}", f"{r.due:.2f}",
             f"{month + datetime.timedelta(days=14):%Y-%m-%d}"] for r in owing]
    rows[1][1], rows[2][1] = rows[2][1], rows[1][1]  # two names swapped between their rows
    rows[2][2] = ""  # and one of the two rows without its month
    book = Workbook()
    sheet = book.active
    sheet.title = "党费交纳"
    sheet.append(DUES_HEAD)
    for row in rows:
        sheet.append(row)
    folder = Path(settings.VAR_DIR) / "demo-sheets"
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / DUES_SHEET)


def ago(days: int) -> datetime.date:
    return dates.today() - datetime.timedelta(days=days)


# (name, days since the application, how far the file goes). The names' surnames are not the
# roster's (SURNAMES), and each given name fits the sex its ID number gives (serial 900 on:
# even a woman, odd a man).
PIPELINE = [
    ("邓雅琴", 20, "applied"), ("冯浩然", 70, "talked_late"), ("曹思雨", 300, "activist"),
    ("彭子轩", 500, "activist_reviewed"), ("曾梦瑶", 560, "candidate"), ("田宇航", 600, "candidate_ready"),
    ("董欣怡", 700, "probationary"), ("袁博文", 820, "probation_ending"), ("潘静怡", 1300, "full"),
    # Voted in by the 支部大会 eighty days ago, the higher committee's approval still to come:
    # the three months end within the fortnight the reminder gives.
    ("蒋明轩", 550, "admitted"),
    # 取消预备党员资格 by the 支部大会 during the 预备期, the meeting's date on the file.
    ("韩雪", 750, "cancelled"),
]
# Who the demo's pipeline files are, by how far they go (the tests and README name them).
AWAITING_APPROVAL = "蒋明轩"


def ensure_applicants(branches: list[PartyOrganisation], actor: Any) -> int:
    # A 培养联系人 is a 正式党员 on the day of each file's 确定为入党积极分子, the earliest included.
    contact = (Member.objects.filter(branch__in=branches, category=MemberCategory.FULL, status="active",
                                     full_on__lte=ago(max(days for _, days, _ in PIPELINE)))
               .order_by("pk").first())
    if contact is None:
        return 0
    added = 0
    for serial, (name, days, goal) in enumerate(PIPELINE):
        number = demo_id(900 + serial, datetime.date(1996, 1 + serial, 10))
        if Applicant.objects.filter(id_number=number).exists():
            continue
        branch = contact.branch
        a = services.applicant_apply(applicant=Applicant(name=name, id_number=number, branch=branch,
                                                         applied_on=ago(days)), actor=actor)
        added += 1
        advance(a, days, goal, contact, actor)
    return added


def advance(a: Applicant, days: int, goal: str, contact: Member, actor: Any) -> None:
    if goal == "applied":
        return
    if goal == "talked_late":
        services.applicant_talk(applicant=a, talked_on=ago(days - 45), late_reason="申请人在外务工，返乡后谈话", actor=actor)
        return
    services.applicant_talk(applicant=a, talked_on=ago(days - 10), actor=actor)
    a = services.applicant_make_activist(applicant=a, decided_on=ago(days - 40), contacts=[contact], actor=actor)
    if goal == "activist":
        return
    services.applicant_review(applicant=a, reviewed_on=ago(days - 210), summary="学习认真，表现积极", actor=actor)
    if goal == "activist_reviewed":
        return
    # 每半年考察一次: no stretch of more than six months without a 考察 up to the 发展对象 decision.
    services.applicant_review(applicant=a, reviewed_on=ago(days - 380), summary="理论学习扎实，能发挥模范作用", actor=actor)
    a = services.applicant_make_candidate(applicant=a, decided_on=ago(days - 420), actor=actor)
    if goal == "candidate":
        services.applicant_record_preparation(applicant=a, training_days=2, actor=actor)
        return
    a = services.applicant_record_preparation(applicant=a, political_review_on=ago(days - 440), training_days=3,
                                              publicity_on=ago(days - 455), actor=actor)
    if goal == "candidate_ready":
        return
    vote = ago(days - 470)
    a = services.applicant_admit(**branch_vote(a), applicant=a, vote_on=vote, actor=actor)
    if goal == "admitted":
        return
    a = services.applicant_approve(applicant=a, approved_on=vote + datetime.timedelta(days=40), actor=actor)
    a = services.applicant_oath(applicant=a, oath_on=vote + datetime.timedelta(days=50), actor=actor)
    if goal in ("probationary", "probation_ending"):
        return
    if goal == "cancelled":
        services.applicant_cancel(applicant=a, reason="预备期内无正当理由连续六个月不参加党的组织生活",
                                  decided_on=vote + datetime.timedelta(days=200), actor=actor)
        return
    services.applicant_make_full(**branch_vote(a), applicant=a, decided_on=a.probation_ends_on + datetime.timedelta(days=5),
                                 actor=actor)


def branch_vote(a: Applicant) -> dict[str, int]:
    """The 支部大会's count as a branch records it: its 正式党员 on the roll have a vote, one
    or two of them away (ill, working elsewhere), all present for."""
    expected = Member.objects.filter(branch_id=a.branch_id, category=MemberCategory.FULL,
                                     status=MemberStatus.ACTIVE).count()
    present = expected - (1 + a.pk % 2 if expected > 4 else 0)
    return {"expected": expected, "present": present, "in_favour": present}


# Left without a 党费计算基数, as a member just admitted may be: on the list to fill.
BASE_NOT_YET_FILLED = "董欣怡"


def fill_admitted_bases(actor: Any) -> None:
    """The members admitted through the pipeline have their income base filled on the
    roster, as a clerk does (all but one)."""
    for member in (Member.objects.filter(application__isnull=False, income_base__isnull=True,
                                         dues_category__in=rules.INCOME_BASE_REQUIRED)
                   .exclude(name=BASE_NOT_YET_FILLED).order_by("pk")):
        member.income_base = Decimal(3500 + member.pk % 20 * 100)
        services.member_save(member=member, actor=actor)


DEPARTED_REASON = "本人要求退党，经支部大会讨论同意，报城关区委备案（演示）"


def ensure_departed(branches: list[PartyOrganisation], actor: Any) -> int:
    """One member of the first branch who is behind with his dues leaves the Party (出党)
    in the month before last, through 变更党籍状态: the page shows the day and the grounds,
    the ledger keeps his month of leaving and loses the later unpaid month."""
    if Member.objects.filter(branch__in=branches, status_reason=DEPARTED_REASON).exists():
        return 0
    day = rules.add_months(dates.today().replace(day=1), -2).replace(day=15)
    # Not one whose 党籍 changed after that day (one the demo brought back 在册 lately).
    leaving = (Member.objects.filter(Q(status_changed_on__isnull=True) | Q(status_changed_on__lte=day),
                                     branch=branches[0], category=MemberCategory.FULL, status="active",
                                     unpaid_months__gt=0, application__isnull=True).order_by("pk").first())
    if leaving is None:
        return 0
    day = max(day, leaving.joined_on)
    services.member_set_status(member=leaving, status="expelled", changed_on=day, reason=DEPARTED_REASON, actor=actor)
    return 1


def ensure_transfers(branches: list[PartyOrganisation], actor: Any) -> int:
    if len(branches) < 2 or Transfer.objects.filter(letter_number__startswith="演示转").exists():
        return 0
    movers = list(Member.objects.filter(branch=branches[0], category=MemberCategory.FULL, status="active",
                                        unpaid_months=0).order_by("-pk")[:2])
    if len(movers) < 2:
        return 0
    received = services.transfer_start(member=movers[0], to_branch=branches[1], letter_number="演示转〔2026〕1号",
                                       started_on=ago(20), actor=actor)
    services.transfer_send(transfer=received, sent_on=ago(18), valid_days=rules.LETTER_VALID_DAYS_DEFAULT, actor=actor)
    services.transfer_receive(transfer=received, received_on=ago(10), actor=actor)
    # Its 30 days' validity ran out a fortnight ago: the list marks it, 接收 refuses it, 退回 remains.
    overdue = services.transfer_start(member=movers[1], to_branch=branches[-1], letter_number="演示转〔2026〕2号",
                                      started_on=ago(50), actor=actor)
    services.transfer_send(transfer=overdue, sent_on=ago(45), valid_days=rules.LETTER_VALID_DAYS_DEFAULT, actor=actor)
    return 2


BEHIND_WITH_DUES_LETTER = "演示转〔2026〕3号"


def ensure_transfer_behind_with_dues(branches: list[PartyOrganisation], actor: Any) -> int:
    """A transfer 待转出确认 of a member of the first branch behind with his dues: its
    确认转出 is refused, naming the unpaid months, until they are paid or an exception's
    reason (例外原因) is recorded."""
    if len(branches) < 2 or Transfer.objects.filter(letter_number=BEHIND_WITH_DUES_LETTER).exists():
        return 0
    behind = (Member.objects.filter(branch=branches[0], category=MemberCategory.FULL, status="active",
                                    unpaid_months__gt=0, application__isnull=True)
              .exclude(transfers__state__in=["pending", "in_transit"]).order_by("-pk").first())
    if behind is None:
        return 0
    services.transfer_start(member=behind, to_branch=branches[1], letter_number=BEHIND_WITH_DUES_LETTER,
                            started_on=ago(3), actor=actor)
    return 1


EXCEPTED_LETTER = "演示转〔2026〕4号"
EXCEPTION_REASON = "困难党员，经城关区委批准减免"


def ensure_transfer_by_exception(branches: list[PartyOrganisation], actor: Any) -> int:
    """A letter issued a week ago for a member behind with his dues, by an exception with
    its reason (困难党员经批准减免), and received in another branch of the county: the months
    it let through stay unpaid in his old branch's ledger as 未交（按例外转出：…）, and the
    receiving branch's arrears do not count them."""
    if len(branches) < 2 or Transfer.objects.filter(letter_number=EXCEPTED_LETTER).exists():
        return 0
    behind = (Member.objects.filter(branch__in=branches[:-1], category=MemberCategory.FULL, status="active",
                                    unpaid_months__gt=0, application__isnull=True, transfers__isnull=True)
              .order_by("pk").first())
    if behind is None:
        return 0
    letter = services.transfer_start(member=behind, to_branch=branches[-1], letter_number=EXCEPTED_LETTER,
                                     started_on=ago(9), actor=actor)
    services.transfer_send(transfer=letter, sent_on=ago(8), valid_days=rules.LETTER_VALID_DAYS_DEFAULT,
                           dues_exception=EXCEPTION_REASON, actor=actor)
    services.transfer_receive(transfer=letter, received_on=ago(4), actor=actor)
    return 1


TRANSFER_IN_LETTER = ("上海市徐汇区某街道党工委", "沪徐转〔2026〕演示1号")


def ensure_transfer_in(branches: list[PartyOrganisation], actor: Any) -> int:
    """A person new to the province, registered twelve days ago with a letter whose 党费交至
    is three months before the receipt's month: the two months between follow him as
    arrears, with the months since, generated as the step's message tells the clerk."""
    origin, letter = TRANSFER_IN_LETTER
    if Transfer.objects.filter(origin=origin, letter_number=letter).exists():
        return 0
    number = demo_id(990, datetime.date(1988, 6, 15))
    if Member.objects.filter(id_number=number).exists():
        return 0
    received = ago(12)
    person = Member(name="秦" + GIVEN[idnumber.gender_of(number)][2], id_number=number, category=MemberCategory.FULL,
                    joined_on=datetime.date(2012, 7, 1), full_on=datetime.date(2013, 7, 1), dues_category="employed",
                    income_base=Decimal("4800"))
    transfer = services.transfer_in_from_outside(
        member=person, to_branch=branches[0], origin=origin, letter_number=letter, sent_on=ago(20),
        valid_days=rules.LETTER_VALID_DAYS_DEFAULT, received_on=received,
        dues_paid_to=rules.add_months(received.replace(day=1), -3), actor=actor)
    month = transfer.dues_owed_from
    while month <= dates.today():
        services.dues_generate_month(month=month, actor=actor, branch=branches[0])
        month = rules.add_months(month, 1)
    return 1


def appraisal_day() -> tuple[int, datetime.date]:
    """Last year's 民主评议 and the day of its 支部大会: mid-January, or today before then."""
    today = dates.today()
    return today.year - 1, min(datetime.date(today.year, 1, 15), today)


# The second branch's first members by id: (等次, 组织处置, 备注); the others are 合格.
DEMO_APPRAISALS = {
    0: (AppraisalGrade.EXCELLENT, "", ""), 1: (AppraisalGrade.EXCELLENT, "", ""), 2: (AppraisalGrade.BASIC, "", ""),
    3: (AppraisalGrade.UNQUALIFIED, Disposal.CORRECT, "多次无故不参加组织生活，经教育仍未改正"),
    4: (AppraisalGrade.UNQUALIFIED, Disposal.PERSUADE, "理想信念动摇，经批评教育仍无转变"),
}


def ensure_appraisals(branches: list[PartyOrganisation], actor: Any) -> int:
    """Last year's results of the second branch's full members on the roll: two 优秀, one
    基本合格, one 不合格 with 限期改正 ending within three weeks (so the 台账 of periods
    ending lists it), one 不合格 to be persuaded to leave (on the 台账 of disposals not yet
    carried out), the others 合格."""
    if len(branches) < 2:
        return 0
    year, decided = appraisal_day()
    members = list(Member.objects.filter(branch=branches[1], status="active", category=MemberCategory.FULL,
                                         joined_on__year__lte=year).order_by("pk"))
    done = set(Appraisal.objects.filter(member__in=members, year=year).values_list("member_id", flat=True))
    correct_by = min(dates.today() + datetime.timedelta(days=20), rules.add_months(decided, rules.CORRECTION_MAX_MONTHS))
    added = 0
    for index, member in enumerate(members):
        if member.pk in done:
            continue
        grade, disposal, note = DEMO_APPRAISALS.get(index, (AppraisalGrade.QUALIFIED, "", ""))
        services.appraisal_save(appraisal=Appraisal(
            member=member, year=year, grade=grade, decided_on=decided, disposal=disposal,
            correct_by=correct_by if disposal == Disposal.CORRECT else None, note=note), actor=actor)
        added += 1
    return added


def write_appraisal_sheet(branches: list[PartyOrganisation]) -> None:
    """The 民主评议 sheet with one mistake (see the module's docstring), for the first
    branch (the results on record are the second's); none when the demo county has fewer
    than two branches or the first has fewer than five members to appraise."""
    if len(branches) < 2:
        return
    year, decided = appraisal_day()
    members = list(Member.objects.filter(branch=branches[0], status="active", category=MemberCategory.FULL,
                                         joined_on__year__lte=year).order_by("pk")[:5])
    if len(members) < 5:
        return
    grades = ["优秀", "合格", "合格", "不合格", "基本合格"]
    book = Workbook()
    sheet = book.active
    sheet.title = "民主评议党员"
    sheet.append(APPRAISAL_HEAD)
    for member, grade in zip(members, grades):
        sheet.append([member.id_number, member.name, year, grade, f"{decided:%Y-%m-%d}", "", "", ""])
    folder = Path(settings.VAR_DIR) / "demo-sheets"
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / APPRAISAL_SHEET)
