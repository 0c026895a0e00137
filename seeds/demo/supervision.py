"""Demo 干部监督 data in one county (城关区 when present): a handling record of every type
(some within their influence period), personal-matters reports and a stratified draw
(one drawn cadre retired, replaced by a 补充抽取) with 一致 / 漏报 / 瞒报 outcomes (some 瞒报 unhandled past their 30 days), file audits (one
suspected falsification), three vetting cases (one cleared, one blocked, one still 审查中
past its 30 days), travel documents with an overdue loan, and three 党纪政务处分 (two
within their influence period, one expired).

Everything goes through the services; the step is skipped once the county has handling
records, and the findings once their cadres have one, so a second run adds nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from cadres.models import PARTY_MEMBER_STATUSES, Cadre, CadreStatus, Rank
from cadres.services import cadre_save
from cadres.supervision.models import (
    PARTY_KINDS,
    DisciplineFinding,
    DisciplineKind,
    FileAudit,
    FileAuditFinding,
    FileAuditItem,
    FindingResult,
    HandlingRecord,
    HandlingSource,
    HandlingType,
    PersonalMattersReport,
    SpotCheckDraw,
    SpotCheckOutcome,
    SpotCheckSelection,
    SupplementReason,
    TravelDocument,
    TravelDocumentType,
    TravelViolation,
    TravelViolationKind,
    UnverifiableReason,
    VettingResult,
)
from cadres.supervision.selectors import blockers_for
from cadres.supervision.services import (
    discipline_finding_save,
    file_audit_complete,
    handling_record_save,
    spot_check_draw,
    spot_check_open_rectification,
    spot_check_record_outcome,
    spot_check_resolve,
    spot_check_supplement,
    travel_document_cancel,
    travel_document_lend,
    travel_document_return,
    vetting_clear,
    vetting_open,
    vetting_record_check,
)
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit, UnitLevel

from . import DemoContext

SEED = SystemActor("seed_demo")  # the demo seeder writes through the services as a named system actor

# (type, source, days before today): recent decisions are still within their influence period.
HANDLING = [
    (HandlingType.TALK_REMINDER, HandlingSource.REPORT_12380, 40),
    (HandlingType.CRITICISM, HandlingSource.UNANNOUNCED_VISIT, 75),
    (HandlingType.LETTER_INQUIRY, HandlingSource.PETITION, 120),
    (HandlingType.ADMONISHMENT, HandlingSource.INSPECTION, 60),
    (HandlingType.SUSPENSION, HandlingSource.AUDIT, 200),
    (HandlingType.POST_ADJUSTMENT, HandlingSource.ASSESSMENT, 150),
    (HandlingType.ORDERED_RESIGNATION, HandlingSource.INSPECTION, 500),
    (HandlingType.DISMISSAL, HandlingSource.OTHER, 420),
    (HandlingType.DEMOTION, HandlingSource.REPORT_12380, 300),
]


# (kind, days before today, organ, facts): the 纪委 and 监委 of the county decide.
FINDINGS = [
    (DisciplineKind.PARTY_WARNING, 100, "中共{county}纪律检查委员会", "违规接受管理服务对象宴请"),
    (DisciplineKind.PUBLIC_DEMERIT, 200, "{county}监察委员会", "履行监管职责不力，造成国有资产损失"),
    (DisciplineKind.PARTY_SERIOUS_WARNING, 1000, "中共{county}纪律检查委员会", "违规收受礼金"),
    # Decided lately and not yet carried out in 任职经历: the 台账 处分后干部信息未变更的干部 lists it.
    (DisciplineKind.PUBLIC_DISMISSAL, 45, "{county}监察委员会", "违规决策造成重大损失"),
]


def _county() -> Unit | None:
    preferred = Unit.objects.filter(code__in=("620102", "620102000")).first()
    if preferred is not None:
        return preferred
    return Unit.objects.filter(level=UnitLevel.COUNTY).order_by("code").first()


def _handling(cadres: list[Cadre], today: datetime.date) -> None:
    for index, (kind, source, days) in enumerate(HANDLING):
        decided_on = today - datetime.timedelta(days=days)
        record = HandlingRecord(
            cadre=cadres[index], handling_type=kind, source=source, decided_on=decided_on,
            document_number=f"城组通〔{decided_on.year}〕{index + 3}号", handler="刘建军",
            facts=f"经核实，该同志存在{source.label}反映的问题，依规给予{kind.label}。",
        )
        if kind == HandlingType.LETTER_INQUIRY:
            record.inquiry_reply = "本人已就反映问题作出书面说明，所涉借款已按约归还。"
            record.inquiry_replied_on = record.decided_on + datetime.timedelta(days=14)
            record.inquiry_accepted = True
        handling_record_save(record=record, actor=SEED)


def _reports(cadres: list[Cadre], year: int) -> None:
    for i, cadre in enumerate(cadres):
        report = PersonalMattersReport(
            cadre=cadre, year=year, submitted_on=datetime.date(year + 1, 1, 10 + i % 15),
            marital_changes="无变化" if i % 5 else "子女在国（境）外留学",
            property_summary=f"本人及配偶名下住房{1 + i % 2}套",
            travel_summary="持有普通护照一本，已交组织集中保管" if i % 3 == 0 else "未持有因私出入境证件",
        )
        report.full_clean()
        report.save()


def _draw(ctx: DemoContext, county: Unit, year: int, today: datetime.date) -> SpotCheckDraw:
    draw = spot_check_draw(
        draw=SpotCheckDraw(unit=county, year=year, method="ratio", ratio=20, stratified=True, seed=ctx.seed),
        actor=SEED,
    )
    randoms = list(draw.checks.filter(selection=SpotCheckSelection.RANDOM).select_related("cadre", "draw"))
    if randoms:
        # The last one drawn has retired before the check: a 补充抽取 draws one in their
        # stead, who takes their place in the outcomes below.
        retired = randoms.pop()
        cadre = Cadre.objects.get(pk=retired.cadre_id)
        cadre.status = CadreStatus.RETIRED  # on the record first: 退休 must agree with it
        cadre_save(cadre=cadre, actor=SEED)
        supplement = spot_check_supplement(
            draw=draw, reason=SupplementReason.UNVERIFIABLE, seed=ctx.seed + 1, actor=SEED,
            replaced={retired.pk: UnverifiableReason.RETIRED},
            explanation=f"{retired.cadre.name}已于抽查前办理退休手续，无法核查，按原比例补充抽取1人。")
        randoms += list(supplement.checks.select_related("cadre", "draw"))
    for i, check in enumerate(randoms):
        # Checked 35 to 6 days ago: the first 瞒报 findings still unhandled are past or near
        # their 30 days (到期提醒「个人有关事项抽查发现问题处理」).
        checked = today - datetime.timedelta(days=35 - i % 30)
        if i % 3 == 0:
            spot_check_record_outcome(check=check, outcome=SpotCheckOutcome.CONSISTENT, checked_on=checked, actor=SEED)
        elif i % 3 == 1:
            spot_check_record_outcome(check=check, outcome=SpotCheckOutcome.OMITTED, checked_on=checked,
                                      findings="漏报配偶名下车位一个", handling="批评教育", actor=SEED)
            spot_check_resolve(check=check, resolved_on=today, handling="批评教育，责令补报", actor=SEED)
        else:
            spot_check_record_outcome(check=check, outcome=SpotCheckOutcome.CONCEALED, checked_on=checked,
                                      findings="瞒报在外地购置住房一套", handling="拟给予诫勉", actor=SEED)
            spot_check_open_rectification(check=check, actor=SEED, deadline=today + datetime.timedelta(days=60))
    return draw


def _file_audits(cadres: list[Cadre], today: datetime.date) -> None:
    plans = [
        {},  # everything consistent
        {FileAuditItem.EDUCATION: (FindingResult.CORRECTED, "在职学历记载为全日制，已按毕业证书认定为在职")},
        {FileAuditItem.BIRTH: (FindingResult.SUSPECTED, "出生日期三处记载不一致，最早记载早于现记载两年，疑似涂改")},
    ]
    for cadre, plan in zip(cadres, plans):
        audit = FileAudit(cadre=cadre, audited_on=today - datetime.timedelta(days=10), auditor="王丽")
        audit.full_clean()
        audit.save()
        for item in FileAuditItem.values:
            result, note = plan.get(item, (FindingResult.CONSISTENT, ""))
            FileAuditFinding.objects.create(audit=audit, item=item, result=result, note=note)
        file_audit_complete(audit=audit, actor=SEED)


def _vetting(cadres: list[Cadre], blocked: Cadre, today: datetime.date) -> None:
    clear = next((c for c in cadres if not blockers_for(c)), None)
    slow = next((c for c in reversed(cadres) if c is not clear), None)
    for cadre, post, days in ((clear, "区发展和改革局局长", 15), (blocked, "区财政局局长", 15),
                              (slow, "区教育局局长", 33)):
        if cadre is None:
            continue
        # A 局长 of a county-level bureau is 乡科级正职.
        case = vetting_open(cadre=cadre, proposed_post=post, proposed_rank=Rank.TOWNSHIP_CHIEF, nominated_by="区委组织部",
                            nominated_on=today - datetime.timedelta(days=days), actor=SEED)
        if cadre is slow:
            # The four checks are still open 33 days after the nomination: past the 30 days
            # (到期提醒「凡提四必审查」).
            continue
        for check in case.checks.all():
            vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=today, handler="赵明",
                                 conclusion="经核查，未发现影响提拔使用的问题。", actor=SEED)
        if cadre is clear:
            vetting_clear(case=case, actor=SEED)


def _travel(cadres: list[Cadre], today: datetime.date) -> None:
    documents = []
    for i, cadre in enumerate(cadres[:4]):
        kind = TravelDocumentType.PASSPORT if i % 2 == 0 else TravelDocumentType.HK_MACAO
        document = TravelDocument(holder=cadre, document_type=kind, number=f"{'E' if i % 2 == 0 else 'C'}{60210000 + cadre.pk}",
                                  deposited_on=today - datetime.timedelta(days=400),
                                  expires_on=today + datetime.timedelta(days=2000))
        document.full_clean()
        document.save()
        documents.append(document)
    overdue, out, returned, cancelled = documents + [None] * (4 - len(documents))
    if overdue is not None:
        travel_document_lend(document=overdue, lent_on=today - datetime.timedelta(days=40),
                             due_on=today - datetime.timedelta(days=20), purpose="赴泰国探亲", approved_by="区委书记", actor=SEED)
        TravelViolation.objects.create(cadre=overdue.holder, document=overdue, kind=TravelViolationKind.LATE_RETURN,
                                       found_on=today - datetime.timedelta(days=5),
                                       description="回国后逾期未交还护照", handling="已提醒谈话，责令限期交还")
    if out is not None:
        travel_document_lend(document=out, lent_on=today - datetime.timedelta(days=3),
                             due_on=today + datetime.timedelta(days=7), purpose="赴香港探亲", approved_by="区委书记", actor=SEED)
    if returned is not None:
        travel_document_lend(document=returned, lent_on=today - datetime.timedelta(days=90),
                             due_on=today - datetime.timedelta(days=70), purpose="赴新加坡旅游", approved_by="区委书记", actor=SEED)
        travel_document_return(document=returned, returned_on=today - datetime.timedelta(days=72), actor=SEED)
    if cancelled is not None:
        travel_document_cancel(document=cancelled, reason="持证人已退休，证件注销", actor=SEED)


def _discipline(cadres: list[Cadre], county: Unit, today: datetime.date) -> int:
    """党纪政务处分 for four of the cadres (already handled by their units for lesser matters);
    none if they have one."""
    if DisciplineFinding.objects.filter(cadre__in=cadres).exists():
        return 0
    free, written = list(cadres), 0
    # 党纪处分 first, each to a cadre who was a Party member at the decision; a finding no
    # free cadre fits is left out.
    for index, (kind, days, organ, facts) in sorted(enumerate(FINDINGS), key=lambda f: f[1][0] not in PARTY_KINDS):
        decided_on = today - datetime.timedelta(days=days)
        fits = [c for c in free if kind not in PARTY_KINDS or _member_on(c, decided_on)]
        if not fits:
            continue
        free.remove(fits[0])
        written += 1
        discipline_finding_save(finding=DisciplineFinding(
            cadre=fits[0], kind=kind, decided_on=decided_on,
            document_number=f"城{'纪' if kind in PARTY_KINDS else '监'}处〔{decided_on.year}〕{index + 2}号",
            deciding_organ=organ.format(county=county.name),
            summary=f"经查，该同志{facts}，依规依纪依法给予{kind.label}处分。",
        ), actor=SEED)
    return written


def _member_on(cadre: Cadre, day: datetime.date) -> bool:
    """A full member on ``day`` (a 预备党员 is given no 党纪处分)."""
    return cadre.political_status == PARTY_MEMBER_STATUSES[0] and (cadre.party_joined_on is None
                                                                   or cadre.party_joined_on <= day)


def build(ctx: DemoContext) -> None:
    county = _county()
    if county is None:
        ctx.say("干部监督：没有县区，跳过。")
        return
    # The cadres who report personal matters: the county's first ones, as many as the scale says.
    cadres = list(Cadre.objects.filter(unit__path__startswith=county.path).order_by("id")[: ctx.settings.personal_reports])
    if len(cadres) < 12:
        ctx.say("干部监督：干部不足，跳过。")
        return
    today = timezone.localdate()
    if HandlingRecord.objects.filter(cadre__in=cadres).exists():
        # The findings came later than the rest: a demo seeded before them gains them once.
        with transaction.atomic():
            added = _discipline(cadres[1:5], county, today)
        ctx.say(f"干部监督：演示数据已存在{f'，补充党纪政务处分 {added} 条' if added else ''}。")
        return
    year = today.year - 1
    with transaction.atomic():
        _handling(cadres, today)
        _reports(cadres, year)
        _file_audits(cadres[9:12], today)
        # The post adjustment (cadres[5]) is within its period: that nomination is blocked.
        _vetting(cadres[12:], cadres[5], today)
        draw = _draw(ctx, county, year, today)
        _travel(cadres[-4:], today)
        findings = _discipline(cadres[1:5], county, today)
    ctx.say(f"干部监督：{county.name}组织处理 {len(HANDLING)} 条，党纪政务处分 {findings} 条，"
            f"个人有关事项报告 {len(cadres)} 份，随机抽查 {draw.random_total} 人、重点抽查 {draw.targeted_total} 人，"
            f"补充抽取 {draw.supplements.count()} 次。")
