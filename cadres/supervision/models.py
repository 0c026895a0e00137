"""干部监督 (cadre supervision): the records behind the supervision paperwork.

- 组织处理/问责: :class:`HandlingRecord`, with the 影响期 rule (:class:`InfluencePeriodRule`)
  that was in force at the decision copied onto the record.
- 党纪处分/政务处分: :class:`DisciplineFinding`, whose 影响期 follows the statutes
  (:data:`DISCIPLINE_MONTHS`).
- 凡提四必: :class:`VettingCase` with its four :class:`VettingCheck` rows.
- 个人有关事项报告: :class:`PersonalMattersReport`, the 随机抽查/重点抽查 draw
  (:class:`SpotCheckDraw`), its 补充抽取 (:class:`SupplementaryDraw`) and its
  :class:`SpotCheck` outcomes.
- 干部档案专项审核 (三龄两历一身份): :class:`FileAudit` and :class:`FileAuditFinding`.
- 因私出入境证件: :class:`TravelDocument`, :class:`TravelDocumentLoan`, :class:`TravelViolation`.

Every state change goes through ``services``; blockers and timelines are in ``selectors``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cadres.models import PARTY_MEMBER_STATUSES, Cadre, Rank, working_age_errors, working_age_year_errors
from orgwork.audit.actors import system_actor_shown
from orgwork.audit.models import Audited
from orgwork.common import dates
from orgwork.common.files import AdminDownloadFileField
from orgwork.rectification.evidence import check_evidence_file

PROBATIONARY_MEMBER = PARTY_MEMBER_STATUSES[1]  # 中共预备党员


# ---------------------------------------------------------------------------
# 组织处理/问责 and 影响期
# ---------------------------------------------------------------------------

class HandlingType(models.TextChoices):
    """组织处理方式."""

    TALK_REMINDER = "talk_reminder", "谈话提醒"
    CRITICISM = "criticism", "批评教育"
    LETTER_INQUIRY = "letter_inquiry", "函询"
    ADMONISHMENT = "admonishment", "诫勉"
    SUSPENSION = "suspension", "停职检查"
    POST_ADJUSTMENT = "post_adjustment", "调整职务"
    ORDERED_RESIGNATION = "ordered_resignation", "责令辞职"
    DISMISSAL = "dismissal", "免职"
    DEMOTION = "demotion", "降职"


class HandlingSource(models.TextChoices):
    """问题线索来源."""

    INSPECTION = "inspection", "巡视移交"
    REPORT_12380 = "report_12380", "12380举报"
    PETITION = "petition", "信访"
    AUDIT = "audit", "审计"
    ASSESSMENT = "assessment", "考核"
    UNANNOUNCED_VISIT = "unannounced_visit", "督查暗访"
    OTHER = "other", "其他"


class InfluencePeriodRule(Audited):
    """影响期规定: how many months a handling type bars promotion and 优秀 ratings.

    Configuration, not a personnel record: kept by the security administrator, read by
    everyone. Editing a rule affects decisions recorded afterwards only; each record keeps
    the months in force when it was decided.
    """

    handling_type = models.CharField("处理方式", max_length=30, choices=HandlingType.choices, unique=True)
    months = models.PositiveSmallIntegerField("影响期（月）", validators=[MaxValueValidator(120)])
    basis = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "影响期规定"
        verbose_name_plural = "影响期规定"
        ordering = ["handling_type"]

    def __str__(self) -> str:
        return f"{self.get_handling_type_display()}：{self.months}个月"


class HandlingRecord(Audited):
    """组织处理/问责决定 (the 组织处理决定书 and, for 函询, the 函询回复). The 主要事实 and
    the 函询回复 stay out of the trail's values (see :class:`PersonalMattersReport`)."""

    scope_field = "cadre__unit"
    audit_redacted_fields = ("facts", "inquiry_reply")

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="handling_records")
    handling_type = models.CharField("处理方式", max_length=30, choices=HandlingType.choices)
    source = models.CharField("问题线索来源", max_length=30, choices=HandlingSource.choices)
    decided_on = models.DateField("决定日期")
    document_number = models.CharField("文号", max_length=100, blank=True, help_text="如：城组通〔2026〕12号")
    handler = models.CharField("承办人", max_length=50, blank=True)
    facts = models.TextField("主要事实", blank=True)
    # The rule in force at the decision, copied by the service (see InfluencePeriodRule).
    influence_months = models.PositiveSmallIntegerField("影响期（月）", default=0, editable=False)
    influence_ends_on = models.DateField("影响期截止日", null=True, blank=True, editable=False,
                                         help_text="影响期持续至该日（含）。")
    # 函询 only.
    inquiry_reply = models.TextField("函询回复", blank=True)
    inquiry_replied_on = models.DateField("回复日期", null=True, blank=True)
    inquiry_accepted = models.BooleanField("回复是否采信", null=True, blank=True)
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    class Meta:
        permissions = [("import_handlingrecord", "可导入组织处理"), ("export_handlingrecord", "可导出组织处理")]
        verbose_name = "组织处理"
        verbose_name_plural = "组织处理"
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["cadre", "-decided_on"], name="handling_cadre_idx"),
            models.Index(fields=["handling_type", "-decided_on"], name="handling_type_idx"),
            models.Index(fields=["source"], name="handling_source_idx"),
            models.Index(fields=["-decided_on", "-id"], name="handling_order_idx"),
            models.Index(fields=["influence_ends_on"], name="handling_influence_idx",
                         condition=Q(influence_ends_on__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(handling_type=HandlingType.LETTER_INQUIRY)
                | Q(inquiry_reply="", inquiry_replied_on__isnull=True, inquiry_accepted__isnull=True),
                name="handling_inquiry_fields_only_for_inquiry",
                violation_error_message="只有函询才填写函询回复、回复日期和是否采信。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_handling_type_display()}（{self.decided_on:%Y-%m-%d}）"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.handling_type != HandlingType.LETTER_INQUIRY:
            if self.inquiry_reply.strip() or self.inquiry_replied_on or self.inquiry_accepted is not None:
                errors["inquiry_reply"] = "只有函询才填写函询回复、回复日期和是否采信。"
        else:
            if self.inquiry_accepted is not None and not self.inquiry_reply.strip():
                errors["inquiry_accepted"] = "尚未填写函询回复，不能认定是否采信。"
            if self.inquiry_replied_on and self.decided_on and self.inquiry_replied_on < self.decided_on:
                errors["inquiry_replied_on"] = "回复日期不能早于函询日期。"
            elif dates.after_today(self.inquiry_replied_on):
                errors["inquiry_replied_on"] = "回复日期不能晚于今天。"
        if self.decided_on and self.decided_on > timezone.localdate():
            errors["decided_on"] = "决定日期不能晚于今天。"
        for name, message in working_age_errors(self, decided_on="决定日期").items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------
# 党纪处分 / 政务处分 and their 影响期
# ---------------------------------------------------------------------------

class DisciplineKind(models.TextChoices):
    """处分种类: the five 党纪处分 (留党察看 in its two terms) and the six 政务处分."""

    PARTY_WARNING = "party_warning", "党内警告"
    PARTY_SERIOUS_WARNING = "party_serious_warning", "党内严重警告"
    PARTY_POST_REMOVAL = "party_post_removal", "撤销党内职务"
    PARTY_PROBATION_1 = "party_probation_1", "留党察看一年"
    PARTY_PROBATION_2 = "party_probation_2", "留党察看二年"
    PARTY_EXPULSION = "party_expulsion", "开除党籍"
    PUBLIC_WARNING = "public_warning", "政务警告"
    PUBLIC_DEMERIT = "public_demerit", "记过"
    PUBLIC_MAJOR_DEMERIT = "public_major_demerit", "记大过"
    PUBLIC_DEMOTION = "public_demotion", "降级"
    PUBLIC_DISMISSAL = "public_dismissal", "撤职"
    PUBLIC_EXPULSION = "public_expulsion", "开除公职"


PARTY_KINDS = frozenset(k for k in DisciplineKind.values if k.startswith("party_"))
# 入党时间 on a cadre's record is the day he became a 预备党员; the 预备期 is a year.
PROBATION_MONTHS = 12
PROBATIONARY_NO_DISCIPLINE = ("不给予党纪处分：预备党员违犯党纪，情节较轻、可以保留预备党员资格的，由党组织批评教育或者延长预备期；"
                              "情节较重的，取消预备党员资格（《中国共产党纪律处分条例》）。")


def party_discipline_conflict(cadre: Cadre) -> str | None:
    """A cadre's 政治面貌 or 入党时间 about to be written that a 党纪处分 on file contradicts
    (its decision needs a full member: not a 预备党员 now, not inside the year after 入党时间),
    in words; None when none does. The cadre's writers ask it when either field changes."""
    if cadre.pk is None:
        return None
    findings = DisciplineFinding.objects.filter(cadre_id=cadre.pk, kind__in=PARTY_KINDS).order_by("decided_on", "pk")
    joined = cadre.party_joined_on
    if cadre.political_status == PROBATIONARY_MEMBER:
        conflict = findings.first()
    elif joined:
        conflict = findings.filter(decided_on__lt=dates.add_months(joined, PROBATION_MONTHS)).first()
    else:
        return None
    if conflict is None:
        return None
    on_file = f"{conflict.get_kind_display()}，{conflict.decided_on:%Y-%m-%d}，{conflict.document_number}"
    if cadre.political_status == PROBATIONARY_MEMBER:
        return f"该干部有党纪处分记录（{on_file}），处分时须为正式党员：政治面貌不能登记为中共预备党员，请核对。"
    return (f"该干部有党纪处分记录（{on_file}），处分时须为正式党员：入党时间为 {joined:%Y.%m} 时，处分决定日期在一年预备期内"
            "或入党之前，请核对入党时间。")

# 影响期 (months from the decision) during which the cadre may not be promoted or rated 优秀.
# 《党政领导干部选拔任用工作条例》 bars from promotion whoever is inside the 影响期 of a
# 党纪政务处分; the periods are the statutes' own:
# - 《中国共产党纪律处分条例》: 警告 — one year, 严重警告 — a year and a half in which the
#   member may not be promoted in the Party; 撤销党内职务 — two years in which no post equal
#   to or above the one removed is given; 留党察看 (一年 or 二年) — the 察看 term and then two
#   years after the member's rights are restored, so 36 and 48 months. (An extension of the
#   察看 term is a new decision, entered as a new finding.)
# - 《中华人民共和国公职人员政务处分法》第八条: 警告 6 个月, 记过 12 个月, 记大过 18 个月,
#   降级、撤职 24 个月; during the 处分期 the official is not promoted.
DISCIPLINE_MONTHS: dict[str, int] = {
    DisciplineKind.PARTY_WARNING: 12,
    DisciplineKind.PARTY_SERIOUS_WARNING: 18,
    DisciplineKind.PARTY_POST_REMOVAL: 24,
    DisciplineKind.PARTY_PROBATION_1: 36,
    DisciplineKind.PARTY_PROBATION_2: 48,
    DisciplineKind.PUBLIC_WARNING: 6,
    DisciplineKind.PUBLIC_DEMERIT: 12,
    DisciplineKind.PUBLIC_MAJOR_DEMERIT: 18,
    DisciplineKind.PUBLIC_DEMOTION: 24,
    DisciplineKind.PUBLIC_DISMISSAL: 24,
}
# 开除党籍 and 开除公职 end the cadre's service (开除党籍: not readmitted for five years; 开除:
# not employed as a civil servant again). No period is reckoned: the finding refuses every
# later promotion or 优秀 of the person for good, should the record ever be reached again.
FOR_GOOD_KINDS = (DisciplineKind.PARTY_EXPULSION, DisciplineKind.PUBLIC_EXPULSION)


class DisciplineFinding(Audited):
    """党纪处分/政务处分决定 (the 处分决定书 of a 纪委 or 监委, or of the cadre's organ): the
    kind, the decision's date, number and organ. Its 影响期 (:data:`DISCIPLINE_MONTHS`) blocks
    promotions and an 优秀 grade as a 组织处理's does; recording one opens the 带病提拔倒查."""

    scope_field = "cadre__unit"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="discipline_findings")
    kind = models.CharField("处分种类", max_length=30, choices=DisciplineKind.choices)
    decided_on = models.DateField("处分决定日期")
    document_number = models.CharField("处分决定文号", max_length=100, help_text="如：城纪处〔2026〕5号")
    deciding_organ = models.CharField("作出机关", max_length=100, help_text="如：中共兰州市城关区纪律检查委员会")
    summary = models.TextField("处分事由", blank=True)
    # From the kind, by the service (DISCIPLINE_MONTHS); none for 开除, which holds for good.
    influence_months = models.PositiveSmallIntegerField("影响期（月）", default=0, editable=False)
    influence_ends_on = models.DateField("影响期截止日", null=True, blank=True, editable=False,
                                         help_text="影响期持续至该日（含）；开除党籍、开除公职的长期有效。")
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    class Meta:
        permissions = [("import_disciplinefinding", "可导入党纪政务处分"), ("export_disciplinefinding", "可导出党纪政务处分")]
        verbose_name = "党纪政务处分"
        verbose_name_plural = "党纪政务处分"
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["cadre", "-decided_on"], name="discipline_cadre_idx"),
            models.Index(fields=["kind", "-decided_on"], name="discipline_kind_idx"),
            models.Index(fields=["-decided_on", "-id"], name="discipline_order_idx"),
            models.Index(fields=["influence_ends_on"], name="discipline_influence_idx",
                         condition=Q(influence_ends_on__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "kind", "decided_on"], name="discipline_once_per_decision",
                                    violation_error_message="该干部同一日期的同种处分已登记。"),
            models.CheckConstraint(
                condition=Q(kind__in=FOR_GOOD_KINDS, influence_ends_on__isnull=True)
                | (~Q(kind__in=FOR_GOOD_KINDS) & Q(influence_ends_on__isnull=False)),
                name="discipline_period_follows_kind",
                violation_error_message="影响期截止日由处分种类和决定日期确定：开除党籍、开除公职的长期有效，其余须有截止日。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()}（{self.decided_on:%Y-%m-%d}）"

    @property
    def category_label(self) -> str:
        return "党纪处分" if self.kind in PARTY_KINDS else "政务处分"

    @property
    def for_good(self) -> bool:
        return self.kind in FOR_GOOD_KINDS

    def clean(self) -> None:
        if self.decided_on and self.decided_on > timezone.localdate():
            raise ValidationError({"decided_on": "处分决定日期不能晚于今天。"})
        if errors := working_age_errors(self, decided_on="处分决定日期"):
            raise ValidationError(errors)
        refusal = self.party_membership_refusal()
        if refusal:
            raise ValidationError({"kind": refusal})

    def party_membership_refusal(self) -> str | None:
        """党纪处分 is given to full Party members (《中国共产党纪律处分条例》); a non-member's
        wrongdoing takes a 政务处分, a 预备党员's 批评教育, 延长预备期 or 取消预备党员资格. Refused:
        a 党纪处分 for a cadre recorded as 中共预备党员; for a cadre known not to be a member
        at the decision — 政治面貌 recorded and not 中共党员/中共预备党员 (unless a 开除党籍 on
        file, on or after this decision, is why), or 入党时间 after the decision. A blank
        政治面貌 is unknown, not non-Party (as for 党外干部), and is not refused."""
        if self.kind not in PARTY_KINDS or self.cadre_id is None:
            return None
        cadre = self.cadre
        party_kind = f"党纪处分（{self.get_kind_display()}）只适用于中共党员"
        joined = cadre.party_joined_on
        if joined and self.decided_on and self.decided_on < joined:
            return (f"{party_kind}：{cadre.name}的入党时间为 {joined:%Y.%m}，晚于处分决定日期 "
                    f"{self.decided_on:%Y-%m-%d}。请核对处分决定日期和入党时间。")
        status = cadre.political_status
        if status == PROBATIONARY_MEMBER:
            return f"{cadre.name}是中共预备党员，{PROBATIONARY_NO_DISCIPLINE}已转为正式党员的，请先在干部信息中改正政治面貌。"
        if joined and self.decided_on and self.decided_on < dates.add_months(joined, PROBATION_MONTHS):
            return (f"{cadre.name}的入党时间为 {joined:%Y.%m}，处分决定日期 {self.decided_on:%Y-%m-%d} 时尚在一年预备期内，"
                    f"{PROBATIONARY_NO_DISCIPLINE}请核对处分决定日期和入党时间。")
        if not status or status in PARTY_MEMBER_STATUSES:
            return None
        expelled = DisciplineFinding.objects.filter(cadre_id=self.cadre_id, kind=DisciplineKind.PARTY_EXPULSION)
        if self.decided_on:
            expelled = expelled.filter(decided_on__gte=self.decided_on)
        if self.kind != DisciplineKind.PARTY_EXPULSION:
            expelled = expelled.exclude(pk=self.pk)  # a stored 开除党籍 saved again is itself the one on file
        if expelled.exists():
            return None  # a member then, expelled since
        return (f"{party_kind}：{cadre.name}的政治面貌为「{status}」。确是党员的，请先在干部信息中改正政治面貌；"
                "非党员的违纪违法行为适用政务处分（政务警告、记过、记大过、降级、撤职、开除公职）。")


# ---------------------------------------------------------------------------
# 凡提四必
# ---------------------------------------------------------------------------

class VettingStatus(models.TextChoices):
    REVIEWING = "reviewing", "审查中"
    CLEARED = "cleared", "已通过"
    TERMINATED = "terminated", "已终止"


class VettingCase(Audited):
    """凡提四必审查: one nomination of a cadre for promotion or an important post."""

    scope_field = "cadre__unit"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="vetting_cases")
    proposed_post = models.CharField("拟任职务", max_length=200)
    # The step vetted: a cleared case answers for one promotion to this 职务层次
    # (``cadres.rules.vetting_refusal``). Blank on cases recorded before it was asked.
    proposed_rank = models.CharField("拟任职务层次", max_length=30, choices=Rank.choices, blank=True,
                                     help_text="审查通过后只用于提拔到这一职务层次（或在这一职务层次晋升职级），且只用一次。")
    nominated_by = models.CharField("提名单位（人）", max_length=100)
    nominated_on = models.DateField("提名日期")
    status = models.CharField("状态", max_length=20, choices=VettingStatus.choices, default=VettingStatus.REVIEWING,
                              editable=False)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办结人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    termination_reason = models.TextField("终止原因", blank=True, editable=False)
    created_at = models.DateTimeField("立案时间", default=timezone.now, editable=False)
    # A 职级 raise on the profile leaves no 任职经历 row: the case records that it paid for
    # it (``cadres.services.cadre_save``, the cadres sheet), so it answers for no second step.
    used_on = models.DateField("使用日期", null=True, blank=True, editable=False)
    used_for = models.CharField("用于", max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = "凡提四必审查"
        verbose_name_plural = "凡提四必审查"
        ordering = ["-nominated_on", "-id"]
        indexes = [
            models.Index(fields=["status", "-nominated_on"], name="vetting_status_idx"),
            models.Index(fields=["cadre", "status"], name="vetting_cadre_idx"),
            models.Index(fields=["-nominated_on", "-id"], name="vetting_order_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"], condition=Q(status="reviewing"), name="vetting_one_open_case_per_cadre",
                violation_error_message="该干部已有审查中的凡提四必案件。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} 拟任{self.proposed_post}"

    def clean(self) -> None:
        if dates.after_today(self.nominated_on):
            raise ValidationError({"nominated_on": "提名日期不能晚于今天。"})
        if errors := working_age_errors(self, nominated_on="提名日期"):
            raise ValidationError(errors)


class VettingCheckKind(models.TextChoices):
    """四必."""

    FILE_AUDIT = "file_audit", "档案必审"
    PERSONAL_MATTERS = "personal_matters", "个人有关事项必核"
    DISCIPLINE_OPINION = "discipline_opinion", "纪检监察机关意见必听"
    PETITION_CLUES = "petition_clues", "线索具体的信访举报必查"


class VettingResult(models.TextChoices):
    PENDING = "pending", "待核查"
    CLEAR = "clear", "无问题"
    CONCERN = "concern", "发现问题"


class VettingCheck(Audited):
    """四必之一: its result, date, handler and evidence."""

    scope_field = "case__cadre__unit"

    case = models.ForeignKey(VettingCase, verbose_name="审查", on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField("核查事项", max_length=30, choices=VettingCheckKind.choices)
    result = models.CharField("核查结果", max_length=20, choices=VettingResult.choices, default=VettingResult.PENDING)
    checked_on = models.DateField("核查日期", null=True, blank=True)
    handler = models.CharField("经办人", max_length=50, blank=True)
    conclusion = models.TextField("核查情况", blank=True)
    # Reached only through the case's page (never as media), checked by content like the
    # checklist's evidence.
    evidence = AdminDownloadFileField("佐证材料", upload_to="supervision/vetting/%Y/%m/", blank=True,
                                      validators=[check_evidence_file], download_via="case",
                                      help_text="PDF、图片或 Word/Excel、WPS、OFD 文件，按内容核验，不得含宏。")

    class Meta:
        verbose_name = "凡提四必核查事项"
        verbose_name_plural = "凡提四必核查事项"
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="vetting_check_once_per_case",
                                    violation_error_message="每项核查在一次审查中只有一条记录。"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.get_result_display()}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.result != VettingResult.PENDING:
            if not self.checked_on:
                errors["checked_on"] = "已有核查结果的，须填写核查日期。"
            if not self.handler.strip():
                errors["handler"] = "已有核查结果的，须填写经办人。"
            if not self.conclusion.strip() and not self.evidence:
                errors["conclusion"] = "已有核查结果的，须填写核查情况或上传佐证材料。"
        if dates.after_today(self.checked_on):
            errors["checked_on"] = "核查日期不能晚于今天。"
        elif self.checked_on and self.case_id and self.checked_on < self.case.nominated_on:
            errors["checked_on"] = f"核查日期不能早于提名日期（{self.case.nominated_on:%Y-%m-%d}）。"
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------
# 个人有关事项报告 and 抽查核实
# ---------------------------------------------------------------------------

class PersonalMattersReport(Audited):
    """领导干部个人有关事项报告表 (one per cadre per year). Sensitive: each view is logged,
    and the trail keeps that a matter changed, never what it says (the audit
    administrator reads the trail and no business secret)."""

    scope_field = "cadre__unit"
    audit_redacted_fields = ("marital_changes", "property_summary", "travel_summary", "remarks")

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT,
                              related_name="personal_matters_reports")
    year = models.PositiveSmallIntegerField("报告年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    submitted_on = models.DateField("报告日期")
    marital_changes = models.TextField("婚姻变化及配偶子女移居国（境）外、从业等情况", blank=True)
    property_summary = models.TextField("房产、投资、收入等情况", blank=True)
    travel_summary = models.TextField("持有因私出入境证件及出入境情况", blank=True)
    remarks = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        permissions = [("import_personalmattersreport", "可导入个人有关事项报告"), ("export_personalmattersreport", "可导出个人有关事项报告")]
        verbose_name = "个人有关事项报告"
        verbose_name_plural = "个人有关事项报告"
        ordering = ["-year", "cadre"]
        indexes = [models.Index(fields=["year", "cadre"], name="pmr_year_idx")]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="pmr_one_per_cadre_year",
                                    violation_error_message="该干部该年度的个人有关事项报告已录入。"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year}年度个人有关事项报告"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.year and self.year > dates.today().year:
            errors["year"] = f"报告年度不能晚于今年（{dates.today().year}年）。"
        errors.update(working_age_year_errors(self, year="报告年度"))
        if dates.after_today(self.submitted_on):
            errors["submitted_on"] = "报告日期不能晚于今天。"
        elif (self.year and dates.MIN_YEAR <= self.year <= dates.MAX_YEAR  # else the field's range says it
              and self.submitted_on and self.submitted_on < datetime.date(self.year, 1, 1)):
            # A report on year N is filed during or after year N (normally early N+1).
            errors["submitted_on"] = (f"报告日期（{self.submitted_on:%Y-%m-%d}）早于报告年度{self.year}年，"
                                      f"不能早于{self.year}年1月1日；请核对报告年度或报告日期。")
        for name, message in self.spot_check_errors().items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)

    def spot_check_errors(self) -> dict[str, str]:
        """A report a 抽查 has drawn is what that check verified: it keeps its cadre and year,
        and its 报告日期 may not move past the 核查日期 of a check on it (the check would
        have verified a report not yet filed). Reports no check references change freely."""
        if self.pk is None:
            return {}
        stored = PersonalMattersReport.objects.filter(pk=self.pk).values("cadre_id", "year").first()
        if stored is None:
            return {}
        checks = list(SpotCheck.objects.filter(report_id=self.pk).select_related("draw", "draw__unit", "supplement")
                      .order_by("checked_on", "id"))
        if not checks:
            return {}

        def named(check: SpotCheck) -> str:
            return f"「{check.draw.unit} {check.draw.year}年度抽查（{check.round_label}）」"

        errors: dict[str, str] = {}
        for name, label in (("cadre_id", "干部"), ("year", "报告年度")):
            if getattr(self, name) != stored[name]:
                errors[name.removesuffix("_id")] = (
                    f"该报告已被{named(checks[0])}抽中核实，不能更改{label}：抽查核实的是这份报告。"
                    f"如登记有误，请在核查情况中说明。")
        late = next((c for c in checks if c.checked_on and self.submitted_on and self.submitted_on > c.checked_on),
                    None)
        if late is not None:
            errors["submitted_on"] = (f"报告日期 {self.submitted_on:%Y-%m-%d} 晚于{named(late)}的核查日期 "
                                      f"{late.checked_on:%Y-%m-%d}：核查的报告须在核查之前报送，请核对报告日期。")
        return errors


class DrawMethod(models.TextChoices):
    RATIO = "ratio", "按比例"
    COUNT = "count", "按人数"


def population_shown(population: list[list[int]]) -> str:
    """抽取总体 in words: the stored ``[cadre_id, unit_id]`` pairs as how many cadres of
    how many units (the list itself is on the draw's page and in its digest)."""
    if not isinstance(population, list):
        return "（无法显示）"
    units = {pair[1] for pair in population if isinstance(pair, list) and len(pair) == 2}
    return f"{len(population)} 人（分属 {len(units)} 个单位）"


class SpotCheckDraw(Audited):
    """个人有关事项随机抽查 (抽查登记): one reproducible draw.

    The population (cadres in the unit subtree with a report for the year) is stored as
    sorted ``[cadre_id, unit_id]`` pairs with its SHA-256; with the seed, the draw can be
    re-run exactly by ``cadres.supervision.sampling.draw`` (the algorithm is described there).
    """

    scope_field = "unit"
    # The trail names the system actor and counts the population, not its keys and ids; the
    # population's digest is for re-running the draw, not for reading (64 hex digits).
    audit_shown = {"drawn_by_system": system_actor_shown, "population": population_shown}
    audit_hidden_fields = ("population_hash",)

    unit = models.ForeignKey("units.Unit", verbose_name="抽查范围（单位含下级）", on_delete=models.PROTECT,
                             related_name="+")
    year = models.PositiveSmallIntegerField("报告年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    method = models.CharField("抽取方式", max_length=10, choices=DrawMethod.choices, default=DrawMethod.RATIO)
    ratio = models.DecimalField("抽取比例（%）", max_digits=5, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    count = models.PositiveIntegerField("抽取人数", null=True, blank=True)
    stratified = models.BooleanField("按单位分层抽取", default=False)
    # Generated by the system (secrets) and recorded, never typed: services._refuse_a_chosen_seed.
    seed = models.BigIntegerField("随机种子", null=True, blank=True, editable=False,
                                  help_text="由系统随机生成并记录，供复核。")
    population = models.JSONField("抽取总体", default=list, editable=False)
    population_hash = models.CharField("总体摘要（SHA-256）", max_length=64, editable=False, blank=True)
    population_size = models.PositiveIntegerField("总体人数", default=0, editable=False)
    random_total = models.PositiveIntegerField("随机抽取人数", default=0, editable=False)
    targeted_total = models.PositiveIntegerField("重点抽查人数", default=0, editable=False)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抽取人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)
    # A draw made by the system (the demo seeder, a command) has no account: its name
    # (``system:<name>``'s <name>) is kept here, shown as 系统（演示数据） (orgwork.audit.actors).
    drawn_by_system = models.CharField("系统抽取", max_length=100, blank=True, editable=False)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "个人有关事项抽查"
        verbose_name_plural = "个人有关事项抽查"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["year", "unit"], name="draw_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(method="ratio", ratio__isnull=False) | Q(method="count", count__isnull=False),
                name="draw_ratio_or_count",
                violation_error_message="按比例抽取须填写比例，按人数抽取须填写人数。",
            ),
            # One draw per unit and report year: a draw that could be repeated until the
            # sample suits would not make the sample trustworthy.
            models.UniqueConstraint(
                fields=["unit", "year"], name="draw_once_per_unit_year",
                violation_error_message=("该单位该报告年度已经抽取过，每个单位每个报告年度只能抽取一次，抽取结果不能重抽；"
                                         "所抽人员无法核查或上级要求扩大抽查的，请在该次抽查的页面办理「补充抽取」。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年度抽查（种子 {self.seed}）"

    @property
    def drawer_shown(self) -> str:
        """抽取人 as a reader sees it: the account, or the system job that drew."""
        if self.drawn_by_id:
            return str(self.drawn_by)
        return system_actor_shown(self.drawn_by_system) if self.drawn_by_system else "—"

    def clean(self) -> None:
        # Reports on year N are filed from year N on (PersonalMattersReport.clean): a year
        # still to come has no reports to draw from.
        if self.year and self.year > dates.today().year:
            raise ValidationError({"year": f"报告年度不能晚于今年（{dates.today().year}年）。"})
        if self.method == DrawMethod.RATIO and self.ratio is None:
            raise ValidationError({"ratio": "按比例抽取须填写抽取比例。"})
        # A draw of nobody would still use up the unit's one draw of the year.
        if self.method == DrawMethod.RATIO and self.ratio <= 0:
            raise ValidationError({"ratio": "抽取比例须大于0（如 5 即抽取5%）：比例为0不抽取任何人，"
                                            "而每个单位每个报告年度只能抽取一次。"})
        if self.method == DrawMethod.COUNT and not self.count:
            raise ValidationError({"count": "按人数抽取须填写抽取人数。"})


class SupplementReason(models.TextChoices):
    """补抽原因."""

    UNVERIFIABLE = "unverifiable", "所抽人员无法核查（调离、退休、去世等）"
    EXPANSION = "expansion", "上级要求扩大抽查比例"


class SupplementaryDraw(Audited):
    """补充抽取: a second, smaller draw belonging to a year's draw (:class:`SpotCheckDraw`),
    which stays the one draw of its unit and report year.

    It draws only from the year's recorded population (the draw's ``population``) less
    every cadre already drawn in it (original and earlier supplementary draws, random and
    targeted); that remaining population is stored with its SHA-256, so that
    ``sampling.draw(population, seed=seed, total=count, stratified=False)`` re-runs it.
    A 无法核查 draw replaces the named random checks, which stay in the record marked 无法核查
    (``SpotCheck.replaced_in``); an 上级要求 draw names the ordering body's 文号; replacing
    for 长期病假 or 其他 names who approved it and the 文号 or 批示.
    """

    scope_field = "draw__unit"
    # As the draw's: the trail names the system actor and counts the remaining population.
    audit_shown = SpotCheckDraw.audit_shown
    audit_hidden_fields = SpotCheckDraw.audit_hidden_fields

    draw = models.ForeignKey(SpotCheckDraw, verbose_name="所属抽查", on_delete=models.PROTECT,
                             related_name="supplements")
    sequence = models.PositiveSmallIntegerField("补充抽取次序", editable=False)
    reason = models.CharField("补抽原因", max_length=20, choices=SupplementReason.choices)
    explanation = models.TextField("说明")
    ordered_by = models.CharField("要求单位", max_length=100, blank=True,
                                  help_text="上级要求扩大抽查比例的，填写作出要求的单位。")
    order_document = models.CharField("要求文号", max_length=100, blank=True, help_text="如：甘组通〔2026〕8号")
    # 长期病假 and 其他 are not on the cadre's record: a replacement for them needs the
    # approval of a leader or body, named with its 文号 or 批示 (services.spot_check_supplement).
    approved_by = models.CharField("批准领导或机构", max_length=100, blank=True,
                                   help_text="因长期病假或其他原因无法核查的，填写批准替换的领导或机构。")
    approval_document = models.CharField("批准文号或批示", max_length=200, blank=True,
                                         help_text="如：城组函〔2026〕3号，或“同意。张明 2026.4.2”的批示。")
    count = models.PositiveIntegerField("补抽人数")
    seed = models.BigIntegerField("随机种子", editable=False, help_text="由系统随机生成并记录，供复核。")
    population = models.JSONField("抽取总体（未抽中的人员）", default=list, editable=False)
    population_hash = models.CharField("总体摘要（SHA-256）", max_length=64, editable=False, blank=True)
    population_size = models.PositiveIntegerField("总体人数", default=0, editable=False)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抽取人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)
    drawn_by_system = models.CharField("系统抽取", max_length=100, blank=True, editable=False)
    drawn_at = models.DateTimeField("抽取时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "补充抽取"
        verbose_name_plural = "补充抽取"
        ordering = ["draw", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "sequence"], name="supplement_sequence_per_draw",
                                    violation_error_message="该抽查的这一次补充抽取已登记。"),
            models.CheckConstraint(condition=Q(count__gte=1), name="supplement_draws_someone",
                                   violation_error_message="补充抽取至少抽取1人。"),
            models.CheckConstraint(
                condition=~Q(reason="expansion") | (~Q(ordered_by="") & ~Q(order_document="")),
                name="supplement_expansion_names_the_order",
                violation_error_message="上级要求扩大抽查比例的补充抽取，须填写要求单位和要求文号。",
            ),
            models.CheckConstraint(
                condition=Q(approved_by="", approval_document="") | (~Q(approved_by="") & ~Q(approval_document="")),
                name="supplement_approval_names_both",
                violation_error_message="批准替换的，须同时填写批准领导或机构和批准文号或批示。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draw.unit} {self.draw.year}年度第{self.sequence}次补充抽取"

    @property
    def drawer_shown(self) -> str:
        """抽取人 as a reader sees it (see :attr:`SpotCheckDraw.drawer_shown`)."""
        if self.drawn_by_id:
            return str(self.drawn_by)
        return system_actor_shown(self.drawn_by_system) if self.drawn_by_system else "—"


class SpotCheckSelection(models.TextChoices):
    RANDOM = "random", "随机抽查"
    TARGETED = "targeted", "重点抽查"


class SpotCheckOutcome(models.TextChoices):
    PENDING = "pending", "待核查"
    CONSISTENT = "consistent", "一致"
    OMITTED = "omitted", "漏报"
    CONCEALED = "concealed", "瞒报"
    # Set only by a 补充抽取 that replaces the check (services.spot_check_supplement).
    UNVERIFIABLE = "unverifiable", "无法核查"


class UnverifiableReason(models.TextChoices):
    """无法核查的原因 of one drawn cadre."""

    TRANSFERRED = "transferred", "调离"
    RETIRED = "retired", "退休"
    DECEASED = "deceased", "去世"
    SICK_LEAVE = "sick_leave", "长期病假"
    OTHER = "other", "其他（见补充抽取说明）"


DISCREPANCIES = (SpotCheckOutcome.OMITTED, SpotCheckOutcome.CONCEALED)


class SpotCheck(Audited):
    """抽查核实结果: one cadre in a draw, the outcome and its handling. What the check
    found and how it was handled stay out of the trail's values (see
    :class:`PersonalMattersReport`)."""

    scope_field = "cadre__unit"
    audit_redacted_fields = ("findings", "handling")

    draw = models.ForeignKey(SpotCheckDraw, verbose_name="抽查批次", on_delete=models.PROTECT, related_name="checks")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="spot_checks")
    report = models.ForeignKey(PersonalMattersReport, verbose_name="个人有关事项报告", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="spot_checks")
    selection = models.CharField("抽查类型", max_length=10, choices=SpotCheckSelection.choices)
    outcome = models.CharField("核查结果", max_length=12, choices=SpotCheckOutcome.choices,
                               default=SpotCheckOutcome.PENDING)
    checked_on = models.DateField("核查日期", null=True, blank=True)
    findings = models.TextField("核查情况", blank=True)
    handling = models.TextField("处理情况", blank=True)
    resolved_on = models.DateField("处理完毕日期", null=True, blank=True, editable=False)
    # The 补充抽取 that drew this cadre (none: the year's original draw).
    supplement = models.ForeignKey(SupplementaryDraw, verbose_name="补充抽取", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="checks", editable=False)
    # A drawn cadre who cannot be verified keeps the place, marked 无法核查, with the reason
    # and the 补充抽取 that replaced them.
    unverifiable_reason = models.CharField("无法核查原因", max_length=20, choices=UnverifiableReason.choices,
                                           blank=True, editable=False)
    replaced_in = models.ForeignKey(SupplementaryDraw, verbose_name="由补充抽取替换", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaced_checks", editable=False)

    class Meta:
        verbose_name = "抽查核实"
        verbose_name_plural = "抽查核实"
        ordering = ["draw", "cadre"]
        indexes = [
            models.Index(fields=["cadre", "outcome"], name="spotcheck_cadre_idx"),
            models.Index(fields=["outcome", "selection"], name="spotcheck_outcome_idx"),
        ]
        constraints = [
            # Across the original and every supplementary draw: nobody is drawn twice in a year.
            models.UniqueConstraint(fields=["draw", "cadre"], name="spotcheck_once_per_draw"),
            models.CheckConstraint(
                condition=(Q(outcome="unverifiable") & ~Q(unverifiable_reason="") & Q(replaced_in__isnull=False))
                | (~Q(outcome="unverifiable") & Q(unverifiable_reason="", replaced_in__isnull=True)),
                name="spotcheck_unverifiable_is_replaced",
                violation_error_message="无法核查的抽查核实须有无法核查原因和替换它的补充抽取，其他核查结果不填。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_selection_display()}：{self.get_outcome_display()}"

    @property
    def is_discrepancy(self) -> bool:
        return self.outcome in DISCREPANCIES

    @property
    def round_label(self) -> str:
        """抽取批次: 原抽取, or 第N次补充抽取."""
        return f"第{self.supplement.sequence}次补充抽取" if self.supplement_id else "原抽取"

    def clean(self) -> None:
        if dates.after_today(self.checked_on):
            raise ValidationError({"checked_on": "核查日期不能晚于今天。"})
        report = self.report if self.report_id else None
        if self.checked_on and report is not None and self.checked_on < report.submitted_on:
            raise ValidationError({"checked_on": f"核查日期不能早于所核查报告的报告日期（{report.submitted_on:%Y-%m-%d}）。"})


# ---------------------------------------------------------------------------
# 干部档案专项审核 (三龄两历一身份)
# ---------------------------------------------------------------------------

class FileAuditStatus(models.TextChoices):
    AUDITING = "auditing", "审核中"
    PASSED = "passed", "审核通过"
    CORRECTED = "corrected", "已认定更正"
    SUSPECTED = "suspected", "疑似造假（暂缓选任）"
    RESOLVED = "resolved", "已查结（解除暂缓）"


class FileAudit(Audited):
    """干部人事档案专项审核: one audit of a cadre's file."""

    scope_field = "cadre__unit"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="file_audits")
    audited_on = models.DateField("审核日期")
    auditor = models.CharField("审核人", max_length=50)
    status = models.CharField("审核状态", max_length=20, choices=FileAuditStatus.choices,
                              default=FileAuditStatus.AUDITING, editable=False)
    resolution = models.TextField("查核结论", blank=True, editable=False)
    resolved_on = models.DateField("查结日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "干部档案专项审核"
        verbose_name_plural = "干部档案专项审核"
        ordering = ["-audited_on", "-id"]
        indexes = [
            models.Index(fields=["cadre", "status"], name="fileaudit_cadre_idx"),
            models.Index(fields=["status", "-audited_on"], name="fileaudit_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} 档案审核（{self.audited_on:%Y-%m-%d}）"

    def clean(self) -> None:
        if dates.after_today(self.audited_on):
            raise ValidationError({"audited_on": "审核日期不能晚于今天。"})


class FileAuditItem(models.TextChoices):
    """三龄两历一身份."""

    BIRTH = "birth", "出生日期（年龄）"
    PARTY = "party", "入党时间（党龄）"
    WORK_START = "work_start", "参加工作时间（工龄）"
    EDUCATION = "education", "学历学位"
    WORK_HISTORY = "work_history", "工作经历"
    IDENTITY = "identity", "干部身份"


class FindingResult(models.TextChoices):
    CONSISTENT = "consistent", "一致"
    CORRECTED = "corrected", "不一致，已认定更正"
    SUSPECTED = "suspected", "疑似造假"


class FileAuditFinding(Audited):
    """审核认定: the finding on one of the six items."""

    scope_field = "audit__cadre__unit"

    audit = models.ForeignKey(FileAudit, verbose_name="档案审核", on_delete=models.CASCADE, related_name="findings")
    item = models.CharField("审核项目", max_length=20, choices=FileAuditItem.choices)
    result = models.CharField("审核结果", max_length=20, choices=FindingResult.choices,
                              default=FindingResult.CONSISTENT)
    recorded_value = models.CharField("档案记载", max_length=200, blank=True)
    determined_value = models.CharField("认定结果", max_length=200, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "审核认定"
        verbose_name_plural = "审核认定"
        ordering = ["audit", "item"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "item"], name="finding_once_per_item",
                                    violation_error_message="同一审核中每个项目只认定一次。"),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()}：{self.get_result_display()}"

    def clean(self) -> None:
        if self.result != FindingResult.CONSISTENT and not self.note.strip():
            raise ValidationError({"note": "审核结果不一致或疑似造假的，须写明说明。"})


# ---------------------------------------------------------------------------
# 因私出入境证件
# ---------------------------------------------------------------------------

class TravelDocumentType(models.TextChoices):
    PASSPORT = "passport", "护照"
    HK_MACAO = "hk_macao", "往来港澳通行证"
    TAIWAN = "taiwan", "往来台湾通行证"


class TravelDocumentStatus(models.TextChoices):
    IN_CUSTODY = "in_custody", "在库"
    LENT = "lent", "借出"
    CANCELLED = "cancelled", "已注销"


class TravelDocument(Audited):
    """因私出入境证件集中保管登记."""

    scope_field = "holder__unit"
    audit_redacted_fields = ("number",)

    holder = models.ForeignKey(Cadre, verbose_name="持证人", on_delete=models.PROTECT, related_name="travel_documents")
    document_type = models.CharField("证件类型", max_length=12, choices=TravelDocumentType.choices)
    number = models.CharField("证件号码", max_length=30)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    deposited_on = models.DateField("交存日期")
    status = models.CharField("保管状态", max_length=12, choices=TravelDocumentStatus.choices,
                              default=TravelDocumentStatus.IN_CUSTODY, editable=False)
    remarks = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "因私出入境证件"
        verbose_name_plural = "因私出入境证件"
        ordering = ["holder", "document_type"]
        indexes = [
            models.Index(fields=["status"], name="traveldoc_status_idx"),
            models.Index(fields=["document_type"], name="traveldoc_type_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["document_type", "number"], name="traveldoc_number_unique",
                                    violation_error_message="该证件已登记。"),
        ]

    def __str__(self) -> str:
        return f"{self.holder} {self.get_document_type_display()}"


class TravelDocumentLoan(Audited):
    """证件借出登记: lent with a due date, returned later."""

    scope_field = "document__holder__unit"

    document = models.ForeignKey(TravelDocument, verbose_name="证件", on_delete=models.PROTECT, related_name="loans")
    lent_on = models.DateField("借出日期")
    due_on = models.DateField("应交还日期")
    purpose = models.CharField("事由及目的地", max_length=200)
    approved_by = models.CharField("审批人", max_length=50)
    returned_on = models.DateField("交还日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "证件借出登记"
        verbose_name_plural = "证件借出登记"
        ordering = ["-lent_on", "-id"]
        indexes = [
            models.Index(fields=["due_on"], name="loan_open_due_idx", condition=Q(returned_on__isnull=True)),
            models.Index(fields=["-lent_on", "-id"], name="loan_order_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["document"], condition=Q(returned_on__isnull=True),
                                    name="loan_one_open_per_document",
                                    violation_error_message="该证件已借出，尚未交还。"),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("lent_on")), name="loan_due_after_lent",
                                   violation_error_message="应交还日期不能早于借出日期。"),
        ]

    def __str__(self) -> str:
        return f"{self.document} 借出（{self.lent_on:%Y-%m-%d}）"

    def clean(self) -> None:
        if self.lent_on and self.due_on and self.due_on < self.lent_on:
            raise ValidationError({"due_on": "应交还日期不能早于借出日期。"})


class TravelViolationKind(models.TextChoices):
    UNREPORTED_TRIP = "unreported_trip", "未经批准私自出境"
    LATE_RETURN = "late_return", "逾期未交还证件"
    UNDECLARED_DOCUMENT = "undeclared_document", "未如实报告或交存证件"
    OTHER = "other", "其他"


class TravelViolation(Audited):
    """因私出入境违规情况及处理."""

    scope_field = "cadre__unit"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="travel_violations")
    document = models.ForeignKey(TravelDocument, verbose_name="涉及证件", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="violations")
    kind = models.CharField("违规情形", max_length=30, choices=TravelViolationKind.choices)
    found_on = models.DateField("发现日期")
    description = models.TextField("具体情况")
    handling = models.TextField("处理情况", blank=True)

    class Meta:
        verbose_name = "出入境违规"
        verbose_name_plural = "出入境违规"
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["kind", "-found_on"], name="travel_violation_kind_idx")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.document_id and self.cadre_id and self.document.holder_id != self.cadre_id:
            raise ValidationError({"document": "所选证件不是该干部的证件。"})
