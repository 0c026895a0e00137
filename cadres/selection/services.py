"""Every state change of 选人用人监督 happens here, through the write contract
(``orgwork.common.contract``): actor, permission, the row locked in the actor's
jurisdiction, the rule (a Chinese ``ValidationError``), ``save_audited`` — one audit row
per change — in one transaction.

Problems go on the rectification checklist through the kernel's
``rectification_open_item`` (the way ``branches.members`` puts its 自行脱党 review there):
one item per evaluation or finding, remembered on the row, so saving again adds none.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre, Post
from cadres.rules import promotions_paid, vetting_covers
from cadres.supervision.models import DisciplineFinding, HandlingRecord, VettingCase, VettingStatus
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import concrete_values
from orgwork.common import dates, freetext
from orgwork.common.contract import (delete_audited, lock_in_scope, require_actor, require_permission, save_audited,
                                     user_of)
from orgwork.rectification.services import rectification_open_item
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset

from .models import (
    CheckStatus,
    DepartureCheck,
    DepartureFinding,
    DissatisfactionLine,
    EvaluationKind,
    LookBack,
    LookBackPromotion,
    LookBackVerdict,
    SelectionEvaluation,
    SelectionReport,
)
from .selectors import five_years_before, is_principal_post, promotions_of

# 问题来源 of the items this app puts on the checklist.
CHECKLIST_SOURCE = "other"
RECTIFY_MONTHS_DAYS = 90  # 整改时限: three months from the day the problem is put on the books


def _in_scope(model: Any, pk: Any, actor: Any, field: str, what: str) -> None:
    if pk is None or not scope_queryset(model.objects.filter(pk=pk), actor).exists():
        raise ValidationError({field: f"该{what}不存在或不在您的管辖范围内。"}, code="scope")


def _lock(obj: Any, actor: Any, field: str, what: str = "记录") -> Any:
    try:
        return lock_in_scope(type(obj)._default_manager.all(), obj.pk, actor, what=what)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages[0]}, code="scope") from None


def _deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=RECTIFY_MONTHS_DAYS)


# ---------------------------------------------------------------------------
# 不满意率警戒线
# ---------------------------------------------------------------------------

def dissatisfaction_line() -> DissatisfactionLine:
    """The line in force (the migration stores 1/3; an unsaved default if it was removed)."""
    return DissatisfactionLine.objects.filter(key="default").first() or DissatisfactionLine()


@transaction.atomic
def dissatisfaction_line_change(*, line: DissatisfactionLine, actor: Any, validate: bool = True) -> DissatisfactionLine:
    """调整不满意率警戒线 (the business lead's right ``selection.change_dissatisfactionline``).
    Evaluations saved before keep the answer they had."""
    require_permission(actor, "selection.change_dissatisfactionline", "调整不满意率警戒线")
    stored = DissatisfactionLine.objects.select_for_update().filter(pk=line.pk).first() if line.pk else None
    if stored is not None and getattr(line, "_audit_loaded", None) is None:
        line._audit_loaded = concrete_values(stored)
    if validate:
        line.full_clean()
    save_audited(line, actor=actor, fields=None if stored is None else ["numerator", "denominator", "basis"])
    return line


def reaches_line(evaluation: SelectionEvaluation, line: DissatisfactionLine) -> bool:
    """不满意率 (差 / 总票数) ≥ the line, compared exactly (差 × 分母 ≥ 分子 × 总票数)."""
    return evaluation.total > 0 and evaluation.poor * line.denominator >= line.numerator * evaluation.total


# ---------------------------------------------------------------------------
# 一报告两评议
# ---------------------------------------------------------------------------

@transaction.atomic
def selection_report_save(*, report: SelectionReport, actor: Any, validate: bool = True) -> SelectionReport:
    """登记 or correct a unit's yearly 选人用人工作报告."""
    adding = report._state.adding or report.pk is None
    require_permission(actor, "selection.add_selectionreport" if adding else "selection.change_selectionreport",
                       "登记选人用人工作报告")
    _in_scope(Unit, report.unit_id, actor, "unit", "单位")
    if not adding:
        stored = _lock(report, actor, "unit")
        if getattr(report, "_audit_loaded", None) is None:
            report._audit_loaded = concrete_values(stored)
    if validate:
        report.full_clean()
    save_audited(report, actor=actor)
    return report


def evaluation_promotion(*, cadre: Cadre, year: int) -> Post:
    """The promotion that makes the cadre 新提拔 in ``year``, or the refusal."""
    found = promotions_of(cadre.pk, since=datetime.date(year, 1, 1), until=datetime.date(year, 12, 31))
    if not found:
        raise ValidationError({"cadre": f"{cadre.name}在{year}年度没有提拔任职记录（任职经历中没有职务层次提高的主职），"
                                        "不属于新提拔干部，不能参加新提拔干部评议。"})
    return found[0]


def evaluation_prepare(evaluation: SelectionEvaluation, *, line: DissatisfactionLine | None = None) -> None:
    """The rules of one evaluation row, for the form, the service and the sheet: a cadre
    evaluated must be newly promoted that year, in the unit or below it; the 不满意率 is
    compared with the line in force."""
    this_year = dates.today().year
    if evaluation.year is not None and evaluation.year < dates.MIN_YEAR:
        # 0 or 202: no year of anyone's 提拔 (the form's own range check comes after this).
        raise ValidationError({"year": f"评议年度「{evaluation.year}」无效：请填写四位数的年份。"})
    if evaluation.year and evaluation.year > this_year:
        # Said before the promotion is looked for: a year to come has none, and the clerk
        # should read that the year is wrong, not that the cadre was not promoted.
        raise ValidationError({"year": f"评议年度不能晚于今年（{this_year}年）。"})
    if evaluation.kind == EvaluationKind.CADRE and evaluation.cadre_id:
        cadre = evaluation.cadre
        unit = evaluation.unit
        if unit is not None and not cadre.unit.path.startswith(unit.path):
            raise ValidationError({"cadre": f"{cadre.name}不在{unit}或其下级单位，不能由该单位评议。"})
        evaluation.promotion = evaluation_promotion(cadre=cadre, year=evaluation.year)
    else:
        evaluation.promotion = None
    evaluation.over_line = reaches_line(evaluation, line or dissatisfaction_line())


def evaluation_put_on_checklist(*, evaluation: SelectionEvaluation, actor: Any) -> SelectionEvaluation:
    """One item on the unit's (or the cadre's) checklist for an evaluation at or over the
    line; none when it already has one or is below the line. Called inside the caller's
    transaction with the row saved."""
    if not evaluation.over_line or evaluation.rectification_item_id is not None:
        return evaluation
    rate = f"{float(evaluation.dissatisfaction):.1%}"
    if evaluation.kind == EvaluationKind.CADRE:
        cadre = evaluation.cadre
        problem = (f"{evaluation.year}年度新提拔干部{cadre.name}（{evaluation.promotion.title if evaluation.promotion else cadre.current_post}）"
                   f"民主评议不满意率{rate}，达到警戒线。")
        item = rectification_open_item(
            unit=cadre.unit, source=CHECKLIST_SOURCE, source_object=evaluation, actor=actor, problem=problem,
            responsible_person=cadre.name, deadline=_deadline(),
            measure="对该干部提拔的动议、考察、讨论决定等环节进行核查，与本人谈话提醒，视情况作出组织处理。")
    else:
        problem = f"{evaluation.unit}{evaluation.year}年度选人用人工作民主评议不满意率{rate}，达到警戒线。"
        item = rectification_open_item(
            unit=evaluation.unit, source=CHECKLIST_SOURCE, source_object=evaluation, actor=actor, problem=problem,
            deadline=_deadline(), measure="约谈单位主要负责人，查找选人用人工作存在的问题，限期整改。")
    evaluation.rectification_item = item
    save_audited(evaluation, actor=actor, fields=["rectification_item"], message="不满意率达到警戒线，列入整改清单")
    return evaluation


@transaction.atomic
def evaluation_save(*, evaluation: SelectionEvaluation, actor: Any, validate: bool = True) -> SelectionEvaluation:
    """登记 or correct a 民主评议; at or over the 不满意率 line it goes on the checklist once."""
    adding = evaluation._state.adding or evaluation.pk is None
    require_permission(actor, "selection.add_selectionevaluation" if adding else "selection.change_selectionevaluation",
                       "登记民主评议")
    _in_scope(Unit, evaluation.unit_id, actor, "unit", "单位")
    if evaluation.cadre_id is not None:
        _in_scope(Cadre, evaluation.cadre_id, actor, "cadre", "干部")
    if not adding:
        stored = _lock(evaluation, actor, "unit")
        if getattr(evaluation, "_audit_loaded", None) is None:
            evaluation._audit_loaded = concrete_values(stored)
        evaluation.rectification_item_id = stored.rectification_item_id
    if validate:
        evaluation.full_clean()
    evaluation_prepare(evaluation)
    save_audited(evaluation, actor=actor)
    return evaluation_put_on_checklist(evaluation=evaluation, actor=actor)


def evaluations_after_import(*, evaluations: Any, actor: Any) -> int:
    """The sheet's consequences, in the import's transaction: each row at or over the line
    goes on the checklist once. Returns how many are on it."""
    count = 0
    for evaluation in evaluations.select_related("unit", "cadre", "cadre__unit", "promotion"):
        evaluation_put_on_checklist(evaluation=evaluation, actor=actor)
        count += evaluation.rectification_item_id is not None
    return count


# ---------------------------------------------------------------------------
# 离任检查
# ---------------------------------------------------------------------------

def states_something(text: str | None) -> bool:
    """Whether a required account (检查情况, 追责问责情况) says something: not blank and not
    a word that stands for nothing (无, 暂无, N/A: ``freetext.gives_no_reason``), which
    would close a check or a look-back on nothing."""
    text = (text or "").strip()
    return bool(text) and not freetext.gives_no_reason(text)


def departure_post_errors(post: Post) -> dict[str, str]:
    if not is_principal_post(post):
        return {"post": f"「{post.title}」不是单位主要负责人（党委（党组）书记）的主职，不开展离任检查。"}
    if post.removed_on is None:
        return {"post": f"「{post.title}」尚未免职，离任后才开展离任检查。"}
    if post.unit_id is None:
        return {"post": f"「{post.title}」没有登记任职单位。"}
    return {}


@transaction.atomic
def departure_check_open(*, post: Post, checked_on: datetime.date, inspectors: str, summary: str = "",
                         actor: Any) -> DepartureCheck:
    """开展离任检查 of a 主要负责人 who left the post (one check per post)."""
    require_permission(actor, "selection.add_departurecheck", "开展离任检查")
    locked = Post.objects.select_for_update(of=("self",)).select_related("cadre", "unit").filter(pk=post.pk).first()
    if locked is None or not scope_queryset(Unit.objects.filter(pk=locked.unit_id), actor).exists():
        raise ValidationError({"post": "该任职经历不存在或不在您的管辖范围内。"}, code="scope")
    errors = departure_post_errors(locked)
    if errors:
        raise ValidationError(errors)
    if DepartureCheck.objects.filter(post=locked).exists():
        raise ValidationError({"post": f"{locked.cadre.name}（{locked.title}）的离任检查已登记。"}, code="duplicate")
    check = DepartureCheck(post=locked, unit=locked.unit, cadre=locked.cadre, checked_on=checked_on,
                           inspectors=inspectors.strip(), summary=summary.strip())
    check.full_clean()
    save_audited(check, actor=actor)
    return check


@transaction.atomic
def departure_check_save(*, check: DepartureCheck, actor: Any) -> DepartureCheck:
    """Correct a check's date, inspectors or summary while it is open."""
    require_permission(actor, "selection.change_departurecheck", "修改离任检查")
    locked = _lock(check, actor, "checked_on", "离任检查")
    if locked.status != CheckStatus.CHECKING:
        raise ValidationError({"status": "该离任检查已办结，不能再修改。"}, code="state")
    # The post's 免职时间 is read under its lock, as the post's writers read this date
    # (cadres.rules.check_departure_checked).
    locked.post = Post.objects.select_for_update(of=("self",)).get(pk=locked.post_id)
    fields = ["checked_on", "inspectors", "summary"]
    for name in fields:
        setattr(locked, name, getattr(check, name))
    locked.inspectors, locked.summary = locked.inspectors.strip(), locked.summary.strip()
    locked.full_clean()
    save_audited(locked, actor=actor, fields=fields)
    return locked


@transaction.atomic
def departure_add_finding(*, check: DepartureCheck, description: str, is_problem: bool,
                          actor: Any) -> DepartureFinding:
    """登记检查发现; a problem goes on the unit's checklist (one item per finding)."""
    require_permission(actor, "selection.change_departurecheck", "登记离任检查发现")
    locked = _lock(check, actor, "description", "离任检查")
    if locked.status != CheckStatus.CHECKING:
        raise ValidationError({"status": "该离任检查已办结，不能再登记检查发现。"}, code="state")
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "请填写发现情况。"})
    finding = DepartureFinding(departure_check=locked, description=description, is_problem=is_problem)
    save_audited(finding, actor=actor)
    if is_problem:
        cadre, post = locked.cadre, locked.post
        finding.rectification_item = rectification_open_item(
            unit=locked.unit, source=CHECKLIST_SOURCE, source_object=finding, actor=actor,
            problem=f"{cadre.name}任{post.title}期间履行选人用人职责离任检查发现：{description}",
            responsible_person=cadre.name, deadline=_deadline(),
            measure="对照检查发现的问题逐项整改，涉及违规选人用人的按规定纠正并追责。")
        save_audited(finding, actor=actor, fields=["rectification_item"], message="检查发现的问题列入整改清单")
    return finding


@transaction.atomic
def departure_check_conclude(*, check: DepartureCheck, actor: Any) -> DepartureCheck:
    """办结离任检查: refused without a 检查情况 or a finding."""
    require_permission(actor, "selection.change_departurecheck", "办结离任检查")
    locked = _lock(check, actor, "status", "离任检查")
    if locked.status != CheckStatus.CHECKING:
        raise ValidationError({"status": "该离任检查已办结。"}, code="state")
    if not states_something(locked.summary) and not locked.findings.exists():
        if locked.summary.strip():
            raise ValidationError({"status": f"检查情况「{locked.summary.strip()}」没有写明检查了什么：请填写实际的"
                                             f"检查情况或登记检查发现，再办结离任检查。"})
        raise ValidationError({"status": "请先填写检查情况或登记检查发现，再办结离任检查。"})
    locked.status = CheckStatus.CONCLUDED
    locked.concluded_at = timezone.now()
    locked.concluded_by = user_of(actor)
    fields = ["status", "concluded_at", "concluded_by"]
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION, message="离任检查办结")
    for name in fields:
        setattr(check, name, getattr(locked, name))
    return locked


# ---------------------------------------------------------------------------
# 带病提拔倒查
# ---------------------------------------------------------------------------

def _signer(case: VettingCase | None) -> str:
    if case is None or case.status != VettingStatus.CLEARED:
        return ""
    user = case.concluded_by
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


def vetting_cases_for(cadre_id: int, promotions: list[Post], *, until: datetime.date) -> dict[int, VettingCase | None]:
    """The 凡提四必 case behind each of the cadre's ``promotions`` (up to ``until``), as
    {post id: case}: the cleared case it paid with (``cadres.rules.promotions_paid``), as
    the write chose it; for a promotion none paid for, the newest one nominated in the year
    before the appointment, a cleared one that vetted this step
    (``cadres.rules.vetting_covers``) first, then any cleared one, then any. The cadre's
    cases are read once, whatever the number of promotions: the choice the greedy
    ``promotions_paid`` made for a promotion depends on no case nominated after it."""
    if not promotions:
        return {}
    cases = list(VettingCase.objects.filter(cadre_id=cadre_id, nominated_on__lte=until)
                 .select_related("concluded_by").order_by("-nominated_on", "-id"))
    cleared = [c for c in cases if c.status == VettingStatus.CLEARED]
    paid = {post.pk: case_id for case_id, post in promotions_paid(cadre_id, cleared, until=until).items()}
    by_id = {c.pk: c for c in cases}
    found: dict[int, VettingCase | None] = {}
    for post in promotions:
        if post.pk in paid:
            found[post.pk] = by_id[paid[post.pk]]
            continue
        window = post.appointed_on - datetime.timedelta(days=365)
        near = [c for c in cases if window <= c.nominated_on <= post.appointed_on]
        near_cleared = [c for c in near if c.status == VettingStatus.CLEARED]
        covering = [c for c in near_cleared if vetting_covers(c, rank=post.rank, title=post.title)]
        found[post.pk] = next(iter(covering or near_cleared or near), None)
    return found


@transaction.atomic
def look_back_open(*, record: HandlingRecord | DisciplineFinding, actor: Any) -> LookBack | None:
    """带病提拔倒查 opened by a 组织处理 or a 党纪政务处分 (the 自启动机制): the cadre's
    promotions of the five years before the decision, each with its 凡提四必 case and who
    cleared it. One per record; none when the cadre was not promoted in those years. Like
    the checklist seam, this is a consequence of the record, not a button: the actor is
    required and named in the audit row, the right is the recording service's."""
    require_actor(actor)
    if isinstance(record, DisciplineFinding):
        source = {"discipline_finding": record}
        cause = f"{record.category_label}（{record.get_kind_display()}）"
    else:
        source = {"handling_record": record}
        cause = f"组织处理（{record.get_handling_type_display()}）"
    if LookBack.objects.filter(**{f"{field}_id": row.pk for field, row in source.items()}).exists():
        return None
    since = five_years_before(record.decided_on)
    promotions = promotions_of(record.cadre_id, since=since, until=record.decided_on)
    if not promotions:
        return None
    look_back = LookBack(cadre_id=record.cadre_id, opened_on=timezone.localdate(), window_start=since, **source)
    save_audited(look_back, actor=actor, message=f"{cause}启动带病提拔倒查")
    cases = vetting_cases_for(record.cadre_id, promotions, until=record.decided_on)
    for post in promotions:
        case = cases[post.pk]
        row = LookBackPromotion(look_back=look_back, post=post, appointed_on=post.appointed_on, title=post.title,
                                rank_label=post.get_rank_display(), vetting_case=case,
                                vetting_status=case.get_status_display() if case else "无凡提四必审查记录",
                                signed_by=_signer(case))
        save_audited(row, actor=actor)
    return look_back


def look_back_withdraw(*, record: HandlingRecord | DisciplineFinding, actor: Any, cadre_changed: bool = True) -> None:
    """A 组织处理 or 党纪政务处分 corrected to another cadre (录错干部) or another 决定日期
    takes back the 带病提拔倒查 it opened as it was: one still being checked is withdrawn
    (deleted with the promotions it listed, one audit row each), and :func:`look_back_open`
    starts one for the cadre and the five years before the corrected decision once the
    record is saved. One already concluded stands on the record: a corrected date leaves
    it as carried out, and a change of cadre is refused."""
    require_actor(actor)
    field = "discipline_finding" if isinstance(record, DisciplineFinding) else "handling_record"
    look_back = LookBack.objects.select_for_update().filter(**{f"{field}_id": record.pk}).first()
    if look_back is None:
        return
    if look_back.status != CheckStatus.CHECKING:
        if not cadre_changed:
            return
        raise ValidationError({"cadre": (
            f"该记录启动的带病提拔倒查已于 {timezone.localtime(look_back.concluded_at):%Y-%m-%d} 办结，"
            "倒查结论记在原干部名下，不能再更换干部。确系录错干部的，请联系上级组织部门处理。")}, code="look_back_concluded")
    because = ("更正干部：原干部名下的带病提拔倒查撤回，按更正后的干部重新启动" if cadre_changed
               else "更正决定日期：原带病提拔倒查撤回，按更正后的决定日期重新启动")
    for row in look_back.promotions.all():
        delete_audited(row, actor=actor, message=because)
    delete_audited(look_back, actor=actor, message=because)


@transaction.atomic
def look_back_conclude(*, look_back: LookBack, verdict: str, conclusion: str, accountability: str = "",
                       actor: Any) -> LookBack:
    """办结倒查: the verdict and what was found; 属于带病提拔 needs the 追责问责 taken (一案双查)."""
    require_permission(actor, "selection.change_lookback", "办结带病提拔倒查")
    locked = _lock(look_back, actor, "verdict", "倒查")
    if locked.status != CheckStatus.CHECKING:
        raise ValidationError({"verdict": "该倒查已办结。"}, code="state")
    errors: dict[str, str] = {}
    if verdict not in LookBackVerdict.values:
        errors["verdict"] = "请选择倒查结论。"
    if not (conclusion or "").strip():
        errors["conclusion"] = "请填写倒查情况。"
    if verdict == LookBackVerdict.FOUND and not states_something(accountability):
        written = (accountability or "").strip()
        errors["accountability"] = (
            f"「{written}」不是追责问责情况：属于带病提拔的，须写明对选人用人失察失误的追责问责情况（一案双查）。" if written
            else "属于带病提拔的，须填写对选人用人失察失误的追责问责情况（一案双查）。")
    if errors:
        raise ValidationError(errors)
    locked.verdict = verdict
    locked.conclusion = conclusion.strip()
    locked.accountability = (accountability or "").strip()
    locked.status = CheckStatus.CONCLUDED
    locked.concluded_at = timezone.now()
    locked.concluded_by = user_of(actor)
    fields = ["verdict", "conclusion", "accountability", "status", "concluded_at", "concluded_by"]
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION, message="带病提拔倒查办结")
    for name in fields:
        setattr(look_back, name, getattr(locked, name))
    return locked
