"""Grass-roots Party organisations (基层党组织) and what is supervised about them.

- :class:`PartyOrganisation` 党组织 (党委 → 党总支 → 党支部) with its :class:`Secretary` 书记;
- :class:`Standard` / :class:`StandardVersion` / :class:`StandardItem` 党支部建设标准化 标准及细则,
  :class:`BranchAssessment` 年度达标评定, :class:`ModelBranchQuota` 示范党支部名额;
- :class:`Meeting` 三会一课 记录 (millions of rows: kept narrow, see its docstring);
- :class:`WeakBranchCase` 软弱涣散基层党组织 整顿台账.

Rules that span rows live in ``services.py``; the read side in ``selectors.py``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from orgwork.audit.models import Audited
from orgwork.audit.presentation import choice_labels
from orgwork.common import dates, names, numbers
from orgwork.common.versioning import Versioned
from orgwork.units.models import PLACE_SEPARATOR

PATH_SEPARATOR = "/"
ORG_CODE_TWIN_MESSAGE = "组织代码已存在（不区分大小写），不能重复。"
org_code_validator = RegexValidator(
    r"^[0-9A-Za-z_-]{1,30}$", "组织代码只能由字母、数字、下划线或短横线组成，最长30位。"
)


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"


# Which kinds of organisation may sit directly above each kind (党委 → 党总支 → 党支部).
ALLOWED_PARENT_KINDS: dict[str, frozenset[str]] = {
    OrgKind.COMMITTEE: frozenset({OrgKind.COMMITTEE}),
    OrgKind.GENERAL_BRANCH: frozenset({OrgKind.COMMITTEE}),
    OrgKind.BRANCH: frozenset({OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH}),
}


class Domain(models.TextChoices):
    RURAL = "rural", "农村"
    COMMUNITY = "community", "社区"
    ORGAN = "organ", "机关"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    UNIVERSITY = "university", "高校"
    HOSPITAL = "hospital", "医院"
    SCHOOL = "school", "中小学"
    RESEARCH = "research", "科研院所"
    PRIVATE_ENTERPRISE = "private_enterprise", "非公企业"
    SOCIAL_ORGANISATION = "social_organisation", "社会组织"


# 活动场所面积下限（㎡）: villages ≥ 120, communities ≥ 200.
VENUE_MINIMUM_AREA: dict[str, int] = {Domain.RURAL: 120, Domain.COMMUNITY: 200}


class Education(models.TextChoices):
    JUNIOR = "junior", "初中及以下"
    SENIOR = "senior", "高中（中专）"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "大学本科"
    POSTGRADUATE = "postgraduate", "研究生"


SENIOR_HIGH_OR_ABOVE = (Education.SENIOR, Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE)


class PartyOrganisation(Versioned, Audited):
    """党组织. One node of the Party organisation tree (党委 → 党总支 → 党支部), attached to
    a unit of the jurisdiction tree.

    ``path`` is the materialised path of organisation codes from the top organisation,
    written only by :func:`branches.services.party_org_save` (which also rewrites the
    descendants when an organisation moves), so a sub-tree is one prefix query.
    """

    scope_field = "unit"
    # A 党组织's name is no secret: a transfer's receiving 党支部 is picked among the whole
    # province's, so a record's 办理记录 names it wherever it is (as it names a unit).
    named_in_any_trail = True

    code = models.CharField(
        "组织代码", max_length=30, unique=True, validators=[org_code_validator],
        error_messages={"unique": "组织代码已存在，不能重复。"},
    )
    name = models.CharField("组织名称", max_length=100)
    kind = models.CharField("组织类别", max_length=20, choices=OrgKind.choices, default=OrgKind.BRANCH)
    parent = models.ForeignKey(
        "self", verbose_name="上级党组织", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    unit = models.ForeignKey("units.Unit", verbose_name="所在单位", on_delete=models.PROTECT, related_name="party_organisations")
    domain = models.CharField("领域", max_length=20, choices=Domain.choices)
    venue_area = models.DecimalField(
        "活动场所面积（㎡）", max_digits=8, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))], help_text="有独立活动场所的填写；没有的留空。",
    )
    # Blank for organisations entered when the system went live: they are asked for
    # 三会一课 in every period, as before the field.
    founded_on = models.DateField(
        "成立日期", null=True, blank=True,
        help_text="新成立的党组织填写成立日期；本系统启用前已有的党组织填写实际成立日期。")
    path = models.CharField("层级路径", max_length=400, editable=False, db_index=False)

    class Meta:
        permissions = [("import_partyorganisation", "可导入党组织"), ("export_partyorganisation", "可导出党组织")]
        constraints = [
            # pb620102-001 and PB620102-001 are one code (see Unit's); its index also serves
            # a sheet's own-code lookup.
            models.UniqueConstraint(Upper("code"), name="party_org_code_any_case_unique",
                                    violation_error_message=ORG_CODE_TWIN_MESSAGE),
        ]
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="party_org_path_idx", opclasses=["varchar_pattern_ops"]),
            # The list's order (path, then newest first, as the admin makes it total): the
            # pattern index above serves prefixes, not this order, and a province's list
            # otherwise sorts every organisation for its first fifty.
            models.Index(fields=["path", "-id"], name="party_org_path_order_idx"),
            models.Index(fields=["unit", "kind"], name="party_org_unit_kind_idx"),
            models.Index(fields=["domain"], name="party_org_domain_idx"),
            models.Index(fields=["kind"], name="party_org_kind_idx"),
            models.Index(fields=["name"], name="party_org_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def placed_name(self) -> str:
        """The name with its place (所在地·名称), so that namesakes in a province's lists and
        messages can be told apart: 城关镇第1村党支部 is one in each county with a 城关镇.
        The unit's full name stands before it, once: 兰州市城关区·东关镇第1村党支部 for a
        branch named after its unit, 兰州市城关区·东关镇·机关第一党支部 for one that is not.
        Reads ``self.unit`` (select it with the organisation)."""
        return placed_name(self.name, self.unit.name, str(self.unit))

    @property
    def depth(self) -> int:
        return self.path.count(PATH_SEPARATOR)

    def computed_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}{PATH_SEPARATOR}"

    @property
    def venue_minimum(self) -> int | None:
        return VENUE_MINIMUM_AREA.get(self.domain)

    @property
    def venue_compliant(self) -> bool | None:
        """达标 when the domain has a minimum and the recorded area reaches it."""
        minimum = self.venue_minimum
        if minimum is None or self.venue_area is None:
            return None
        return self.venue_area >= minimum

    def clean(self) -> None:
        if message := self.founding_date_error() or self.founding_after_meetings_error():
            raise ValidationError({"founded_on": message})
        self.clean_children()
        self.clean_branch_holdings()
        if self.parent_id is None:
            return
        parent = self.parent
        if self.pk and parent.pk == self.pk:
            raise ValidationError({"parent": "上级党组织不能是本组织。"})
        if self.pk and self.path and parent.path.startswith(self.path):
            raise ValidationError({"parent": below_itself_message(parent)})
        allowed = ALLOWED_PARENT_KINDS[self.kind]
        if parent.kind not in allowed:
            names = "或".join(OrgKind(k).label for k in sorted(allowed))
            raise ValidationError(
                {"parent": f"{self.get_kind_display()}的上级只能是{names}，「{parent}」是{parent.get_kind_display()}。"}
            )
        if self.unit_id and parent.unit_id and not self.unit.path.startswith(parent.unit.path):
            raise ValidationError(
                {"unit": f"所在单位「{self.unit}」不在上级党组织所在单位「{parent.unit}」的管辖范围内。"}
            )

    def founding_date_error(self) -> str:
        """成立日期 not after today; "" when it is not, or was not written now."""
        day = self.founded_on
        if isinstance(day, datetime.date) and dates.after_today(day) and self.written_now("founded_on"):
            return founding_after_today_message(day)
        return ""

    def founding_after_meetings_error(self) -> str:
        """成立日期 not after a 三会一课 on record: an organisation holds no meeting before
        it was founded (:func:`meeting_before_founding_error`, seen from the meeting). ""
        when no meeting of it was held before the date, or the date is not written now
        (one query when it is, unless the organisation's earliest meeting was read with
        others already — :func:`earliest_meetings`, a sheet's chunk — and is not before
        the date)."""
        day = self.founded_on
        if (self._state.adding or self.pk is None or not isinstance(day, datetime.date)
                or not self.written_now("founded_on")):
            return ""
        known = getattr(self, "_earliest_meeting", EARLIEST_UNKNOWN)
        if known is not EARLIEST_UNKNOWN and (known is None or known >= day):
            return ""
        before = self.meetings.filter(held_on__lt=day).aggregate(earliest=models.Min("held_on"),
                                                                 count=models.Count("pk"))
        if before["earliest"] is None:
            return ""
        return founding_after_meetings_message(self, day, earliest=before["earliest"], count=before["count"])

    def clean_children(self) -> None:
        """A new 组织类别 or 所在单位 of an organisation that has organisations below it holds
        for them too: each child may still have it as its parent (the child's own rule,
        :data:`ALLOWED_PARENT_KINDS`), and each child's unit stays inside the new unit's
        sub-tree. Asked only when the kind or the unit is written now (one query each)."""
        if self._state.adding or self.pk is None:
            return
        if self.kind in OrgKind.values and self.written_now("kind"):
            may_hold = [k for k, parents in ALLOWED_PARENT_KINDS.items() if self.kind in parents]
            wrong = list(self.children.exclude(kind__in=may_hold).order_by("path")[:CHILDREN_NAMED + 1])
            if wrong:
                kind = wrong[0].kind
                names = "或".join(OrgKind(k).label for k in sorted(ALLOWED_PARENT_KINDS[kind]))
                raise ValidationError({"kind": (
                    f"「{self}」下有{_named(wrong)}，{OrgKind(kind).label}的上级只能是{names}，"
                    f"不能把「{self}」改为{self.get_kind_display()}；请先调整这些下级党组织的上级党组织。")})
        if self.unit_id and self.written_now("unit_id"):
            wrong = list(self.children.exclude(unit__path__startswith=self.unit.path).select_related("unit")
                         .order_by("path")[:CHILDREN_NAMED + 1])
            if wrong:
                raise ValidationError({"unit": (
                    f"「{self}」的下级党组织{_named(wrong, with_unit=True)}不在「{self.unit}」的管辖范围内，"
                    f"不能把所在单位改为「{self.unit}」；请先调整这些下级党组织的所在单位或上级党组织。")})

    def clean_branch_holdings(self) -> None:
        """What only a 党支部 holds — its members (党员名册), 发展党员 files, 三会一课 and
        standardisation assessments (:data:`BRANCH_HOLDINGS`) — keeps it a 党支部: the
        roster, the meeting rates and the assessments count 党支部 only, so a 党支部 that
        holds any of them does not become a 党总支 or 党委. Asked only when the kind is
        written now, away from 党支部 (a query per kind of holding)."""
        if self._state.adding or self.pk is None or self.kind == OrgKind.BRANCH or not self.written_now("kind"):
            return
        loaded = (getattr(self, "_audit_loaded", None) or {}).get("kind")
        if loaded is not None and loaded != OrgKind.BRANCH:
            return
        held = [f"{label}{count}{measure}" for accessor, label, measure in BRANCH_HOLDINGS
                if (count := getattr(self, accessor).count())]
        if held:
            kind = self.get_kind_display()
            raise ValidationError({"kind": (
                f"「{self}」名下有{'、'.join(held)}，这些只属于党支部（计入党员名册、三会一课开展率和标准化评定），"
                f"不能把它改为{kind}。需要设立{kind}的，请另建{kind}，再把「{self}」调整为其下级；"
                f"确需改变类别的，请先把这些党员和记录转到其他党支部。")})


def founding_after_today_message(day: datetime.date) -> str:
    """The refusal of a 成立日期 in the future, in the words of every path."""
    return f"成立日期 {day.isoformat()} 晚于今天：只能登记已经成立的党组织。"


# An organisation whose earliest 三会一课 was not read with others (founding_after_meetings_error).
EARLIEST_UNKNOWN = object()


def earliest_meetings(pks: list[int]) -> dict[int, datetime.date | None]:
    """The date of each organisation's earliest 三会一课 on record (None: none), for many
    organisations in one query: one probe of ``meeting_org_date_idx`` each."""
    if not pks:
        return {}
    first = Meeting.objects.filter(organisation=models.OuterRef("pk")).order_by("held_on").values("held_on")[:1]
    return dict(PartyOrganisation.objects.filter(pk__in=pks).annotate(earliest=models.Subquery(first))
                .values_list("pk", "earliest"))


def founding_after_meetings_message(organisation: PartyOrganisation, day: datetime.date, *,
                                     earliest: datetime.date, count: int) -> str:
    """The refusal of a 成立日期 later than a 三会一课 on record, in the words of every path
    (the record page, the sheet, the service); it names the earliest such meeting."""
    return (f"成立日期 {day.isoformat()} 晚于「{organisation}」已登记的{count}次三会一课（最早一次召开于 "
            f"{earliest.isoformat()}）：党组织成立之前不能开展三会一课，请核对成立日期或这些会议的召开日期。")


def meeting_before_founding_error(organisation: PartyOrganisation, held_on: datetime.date) -> str:
    """Why a 三会一课 held on ``held_on`` cannot be recorded for ``organisation`` ("" when
    it can): an organisation holds no meeting before it was founded."""
    founded = organisation.founded_on
    if founded is None or not isinstance(held_on, datetime.date) or held_on >= founded:
        return ""
    return (f"召开日期 {held_on.isoformat()} 早于「{organisation}」的成立日期 {founded.isoformat()}："
            f"党组织成立之前不能开展三会一课，请核对召开日期或成立日期。")


def placed_name(name: str, unit_name: str, place: str) -> str:
    """:attr:`PartyOrganisation.placed_name` from the names alone (``place`` is the unit's
    full name), for lists read as raw rows."""
    if not place or place == name:
        return name
    if unit_name and name.startswith(unit_name) and place.endswith(unit_name):
        return place[: len(place) - len(unit_name)] + name
    return f"{place}{PLACE_SEPARATOR}{name}"


def below_itself_message(parent: PartyOrganisation) -> str:
    """The refusal of a move that would make an organisation its own ancestor (循环), in
    the words of every path: the record page, the sheet and the services."""
    return f"不能把党组织移到它自己的下级「{parent}」之下：会形成循环。"


# What a 党支部 holds that no other kind of organisation may (clean_branch_holdings):
# the reverse accessor, its Chinese name and measure word. The roster and the 发展党员
# files are the members app's (branches.members), reached through their relations.
BRANCH_HOLDINGS: tuple[tuple[str, str, str], ...] = (
    ("party_members", "党员", "名"),
    ("applicants", "发展党员", "名"),
    ("meetings", "三会一课记录", "条"),
    ("assessments", "标准化评定", "次"),
)


# How many offending children a refusal names before it says 等.
CHILDREN_NAMED = 3


def _named(children: list[PartyOrganisation], *, with_unit: bool = False) -> str:
    """「城关镇红星村党支部」、「东岗社区党支部」 (or with their units), 等 after the first few."""
    shown = [f"「{c}」（{c.unit}）" if with_unit else f"{c.get_kind_display()}「{c}」" for c in children[:CHILDREN_NAMED]]
    return "、".join(shown) + ("等" if len(children) > CHILDREN_NAMED else "")


class Secretary(Audited):
    """党组织书记 (支部书记): the current secretary of one organisation."""

    scope_field = "organisation__unit"
    month_fields = ("birth_month",)  # the trail writes 1985.03, as the sheet does

    organisation = models.OneToOneField(
        PartyOrganisation, verbose_name="党组织", on_delete=models.CASCADE, related_name="secretary"
    )
    name = models.CharField("姓名", max_length=50)
    is_full_time = models.BooleanField("专职", default=False)
    is_double_leader = models.BooleanField("双带头人", default=False, help_text="党建带头人和业务（学术）带头人。")
    birth_month = models.DateField("出生年月", help_text="只记到月，日期存为当月1日。")
    education = models.CharField("学历", max_length=20, choices=Education.choices)

    class Meta:
        permissions = [("import_secretary", "可导入书记"), ("export_secretary", "可导出书记")]
        verbose_name = "书记"
        verbose_name_plural = "书记"
        indexes = [models.Index(fields=["education"], name="secretary_education_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} 书记 {self.name}"

    def clean(self) -> None:
        errors: dict[str, str] = names.written_name_errors(self)
        if self.birth_month and self.birth_month.day != 1:
            self.birth_month = self.birth_month.replace(day=1)
        if self.birth_month and self.birth_month > timezone.localdate():
            errors["birth_month"] = "出生年月不能晚于今天。"
        elif self.birth_month and dates.months_between(self.birth_month, dates.today()) < 18 * 12:
            errors["birth_month"] = "党组织书记须是年满18岁的党员，请核对出生年月。"
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------
# 党支部建设标准化
# ---------------------------------------------------------------------------


class Standard(Audited):
    """党支部建设标准（分领域）. Issued by a unit (usually the province) for one domain;
    its content lives in dated versions."""

    scope_field = "unit"

    unit = models.ForeignKey("units.Unit", verbose_name="制定单位", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField("领域", max_length=20, choices=Domain.choices)
    name = models.CharField("标准名称", max_length=100)

    class Meta:
        verbose_name = "标准化建设标准"
        verbose_name_plural = "标准化建设标准"
        ordering = ["unit__path", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "domain"], name="standard_unit_domain_unique",
                                    violation_error_message="该单位已制定了这个领域的标准。"),
        ]
        indexes = [models.Index(fields=["domain"], name="standard_domain_idx")]

    def __str__(self) -> str:
        return self.name


class StandardVersion(Audited):
    """标准版本. From ``effective_from`` on it replaces the previous version; it carries the
    thresholds the reviewed score is graded with (达标分, 示范分, 星级分数线)."""

    scope_field = "standard__unit"

    standard = models.ForeignKey(Standard, verbose_name="标准", on_delete=models.PROTECT, related_name="versions")
    label = models.CharField("版本", max_length=50, help_text="如：2020年修订版")
    effective_from = models.DateField("施行日期")
    pass_score = models.DecimalField("达标分数线", max_digits=5, decimal_places=1)
    model_score = models.DecimalField("示范分数线", max_digits=5, decimal_places=1)
    star_1_score = models.DecimalField("一星分数线", max_digits=5, decimal_places=1, null=True, blank=True)
    star_2_score = models.DecimalField("二星分数线", max_digits=5, decimal_places=1, null=True, blank=True)
    star_3_score = models.DecimalField("三星分数线", max_digits=5, decimal_places=1, null=True, blank=True)
    star_4_score = models.DecimalField("四星分数线", max_digits=5, decimal_places=1, null=True, blank=True)
    star_5_score = models.DecimalField("五星分数线", max_digits=5, decimal_places=1, null=True, blank=True)

    STAR_FIELDS = ("star_1_score", "star_2_score", "star_3_score", "star_4_score", "star_5_score")

    class Meta:
        verbose_name = "标准版本"
        verbose_name_plural = "标准版本"
        ordering = ["standard", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "effective_from"], name="standard_version_date_unique",
                                    violation_error_message="同一标准在同一天只能有一个版本生效。"),
        ]

    def __str__(self) -> str:
        return f"{self.standard}（{self.label}）"

    def star_thresholds(self) -> list[Decimal]:
        return [getattr(self, f) for f in self.STAR_FIELDS if getattr(self, f) is not None]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.pass_score is not None and self.model_score is not None and self.model_score < self.pass_score:
            errors["model_score"] = "示范分数线不能低于达标分数线。"
        stars = [(f, getattr(self, f)) for f in self.STAR_FIELDS]
        seen_blank = False
        previous: Decimal | None = None
        for name, value in stars:
            if value is None:
                seen_blank = True
                continue
            if seen_blank:
                errors[name] = "星级分数线要从一星起连续填写。"
            elif previous is not None and value <= previous:
                errors[name] = "星级分数线要逐级升高。"
            previous = value
        if not errors and (changed := self.thresholds_changed()):
            if used := self.organisations_assessed():
                errors[changed[0]] = (f"该标准版本已有 {used} 个党组织按其评定，评定分数线不能再修改（已评定的等次和星级"
                                      "按原分数线确定）；如需调整，请新建标准版本。")
        if errors:
            raise ValidationError(errors)

    THRESHOLD_FIELDS = ("pass_score", "model_score", *STAR_FIELDS)

    def thresholds_changed(self) -> list[str]:
        """The 评定分数线 written now that differ from the stored ones (none for a new version)."""
        if self._state.adding:
            return []
        loaded = getattr(self, "_audit_loaded", None) or {}
        return [f for f in self.THRESHOLD_FIELDS if f in loaded and loaded[f] != getattr(self, f)]

    def organisations_assessed(self) -> int:
        """How many 党组织 were assessed against this version: their results stand on its
        items and its 评定分数线, which are then frozen (a change is a new version)."""
        if self.pk is None:
            return 0
        return self.assessments.order_by().values("organisation_id").distinct().count()


class StandardItem(Audited):
    """标准细则条目：一条检查内容及其分值."""

    scope_field = "version__standard__unit"

    version = models.ForeignKey(StandardVersion, verbose_name="标准版本", on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField("序号", default=1)
    title = models.CharField("检查内容", max_length=300)
    points = models.DecimalField("分值", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0"))])
    is_veto = models.BooleanField(
        "一票否决", default=False,
        help_text="一票否决项：得分不足该项分值的，无论总分多少，评定结果均为未达标。")

    class Meta:
        verbose_name = "标准细则"
        verbose_name_plural = "标准细则"
        ordering = ["version", "seq"]

    def __str__(self) -> str:
        return f"{self.seq}. {self.title}（{self.points}分）"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", "待自评"
    SELF_ASSESSED = "self_assessed", "已自评待审核"
    REVIEWED = "reviewed", "已审核"


class StandardStatus(models.TextChoices):
    BELOW = "below", "未达标"
    PASSED = "passed", "达标"
    MODEL = "model", "示范"


class BranchAssessment(Audited):
    """党支部标准化建设年度评定（达标创星）. Self-assessment by the branch, review by the
    level above, both item by item (:class:`AssessmentItemScore`); the totals are the sums
    of the item scores, and status and star level follow from the REVIEWED items (their
    sum against the thresholds of the standard version in force, and any 一票否决 item
    short of its points) — set by the services, never by ``save()``."""

    scope_field = "organisation__unit"

    organisation = models.ForeignKey(PartyOrganisation, verbose_name="党组织", on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    version = models.ForeignKey(StandardVersion, verbose_name="适用标准版本", on_delete=models.PROTECT, related_name="assessments")
    state = models.CharField("流程状态", max_length=20, choices=AssessmentState.choices, default=AssessmentState.DRAFT)
    self_score = models.DecimalField("自评得分", max_digits=5, decimal_places=1, null=True, blank=True)
    self_note = models.TextField("自评说明", blank=True)
    self_assessed_at = models.DateTimeField("自评时间", null=True, blank=True)
    # Who submitted the self-assessment (for the branch): the review is the level above's,
    # never the same account's (services.assessment_review). Empty for the system, and
    # for assessments submitted before it was kept.
    self_assessor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="自评提交人", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+", editable=False)
    reviewed_score = models.DecimalField("审核得分", max_digits=5, decimal_places=1, null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    status = models.CharField("评定结果", max_length=10, choices=StandardStatus.choices, blank=True)
    star_level = models.PositiveSmallIntegerField("星级", null=True, blank=True)

    class Meta:
        verbose_name = "标准化评定"
        verbose_name_plural = "标准化评定"
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="assessment_org_year_unique",
                                    violation_error_message="该党组织这一年度已有评定记录。"),
            # A result (and so 示范) only after the review.
            models.CheckConstraint(condition=models.Q(status="") | models.Q(state=AssessmentState.REVIEWED),
                                   name="assessment_status_after_review",
                                   violation_error_message="审核定级后才有评定结果。"),
        ]
        indexes = [
            models.Index(fields=["year", "status"], name="assessment_year_status_idx"),
            models.Index(fields=["state"], name="assessment_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}年度评定"

    def clean(self) -> None:
        # Asked when the organisation is written now: an assessment kept before the rule
        # is left to the workflow's own refusal (services._locked_assessment).
        if self.organisation_id and self.written_now("organisation_id"):
            if message := assessed_kind_error(self.organisation):
                raise ValidationError({"organisation": message}, code="not_a_branch")


# Only 党支部 are assessed for 党支部建设标准化 and named 示范党支部 (their quota counts 党支部).
ASSESSED_KINDS: frozenset[str] = frozenset({OrgKind.BRANCH})


def assessed_kind_error(organisation: PartyOrganisation) -> str:
    """Why ``organisation`` cannot be assessed for 党支部建设标准化 ("" when it can)."""
    if organisation.kind in ASSESSED_KINDS:
        return ""
    return (f"党支部建设标准化评定只评党支部，示范党支部也只从党支部中评定：「{organisation}」是"
            f"{organisation.get_kind_display()}，不能开展标准化评定，请为其下的党支部开展评定。")


class AssessmentItemScore(models.Model):
    """评定细则得分（逐项评分表）: one checklist item of the standard, as the branch scored
    it (自评) and as the level above scored it (审核). Written only by the assessment
    services, whose audit row on the assessment records the item scores."""

    scope_field = "assessment__organisation__unit"

    assessment = models.ForeignKey(BranchAssessment, verbose_name="评定", on_delete=models.CASCADE, related_name="item_scores")
    item = models.ForeignKey(StandardItem, verbose_name="细则条目", on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField("自评得分", max_digits=5, decimal_places=1, null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0"))])
    reviewed_score = models.DecimalField("审核得分", max_digits=5, decimal_places=1, null=True, blank=True,
                                         validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = "细则得分"
        verbose_name_plural = "细则得分"
        ordering = ["assessment", "item__seq"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="assessment_item_unique",
                                    violation_error_message="同一评定中每条细则只能评分一次。"),
            models.CheckConstraint(condition=models.Q(self_score__isnull=True) | models.Q(self_score__gte=0),
                                   name="assessment_item_self_score_gte_0", violation_error_message="得分不能为负数。"),
            models.CheckConstraint(condition=models.Q(reviewed_score__isnull=True) | models.Q(reviewed_score__gte=0),
                                   name="assessment_item_reviewed_score_gte_0", violation_error_message="得分不能为负数。"),
        ]

    def __str__(self) -> str:
        return f"{self.item.seq}. {self.item.title}"


class ModelBranchQuota(Audited):
    """示范党支部名额：一个单位（含下级）某年度最多评定多少个示范党支部."""

    scope_field = "unit"

    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quota = models.PositiveIntegerField("名额")

    class Meta:
        verbose_name = "示范党支部名额"
        verbose_name_plural = "示范党支部名额"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="model_quota_unit_year_unique",
                                    violation_error_message="该单位这一年度的名额已设定。"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年 示范名额 {self.quota}"


# ---------------------------------------------------------------------------
# 三会一课
# ---------------------------------------------------------------------------


class MeetingKind(models.IntegerChoices):
    MEMBERS_MEETING = 1, "党员大会"
    COMMITTEE_MEETING = 2, "支委会"
    GROUP_MEETING = 3, "党小组会"
    PARTY_LECTURE = 4, "党课"
    THEME_DAY = 5, "主题党日"


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"


# 三会一课 frequency rules: 党员大会、党课 每季度至少一次；支委会、党小组会、主题党日 每月至少一次.
CADENCE: dict[int, str] = {
    MeetingKind.MEMBERS_MEETING: Cadence.QUARTERLY,
    MeetingKind.COMMITTEE_MEETING: Cadence.MONTHLY,
    MeetingKind.GROUP_MEETING: Cadence.MONTHLY,
    MeetingKind.PARTY_LECTURE: Cadence.QUARTERLY,
    MeetingKind.THEME_DAY: Cadence.MONTHLY,
}


# Who holds 三会一课: the 党支部 (支部党员大会、支委会、党小组会、党课、主题党日). The cadence
# above is a branch's, and the 开展率 and the 缺会名单 count 党支部 only; a 党委 or 党总支
# works through the branches below it.
MEETING_HOLDER_KINDS: frozenset[str] = frozenset({OrgKind.BRANCH})


def meeting_holder_error(organisation: PartyOrganisation) -> str:
    """Why ``organisation`` cannot have 三会一课 recorded ("" when it can)."""
    if organisation.kind in MEETING_HOLDER_KINDS:
        return ""
    return (f"三会一课（党员大会、支委会、党小组会、党课、主题党日）由党支部开展，开展率和缺会名单也只统计党支部："
            f"「{organisation}」是{organisation.get_kind_display()}，不能登记三会一课，请登记到其下的党支部。")


def month_number(day: datetime.date) -> int:
    """Months since year 0 (``year * 12 + month - 1``): one small integer per calendar month."""
    return day.year * 12 + day.month - 1


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Read once per queryset, as its rows are: the admin's date hierarchy asks for
        the list's first and last date, then :meth:`dates` asks for them again."""
        read = self.__dict__.setdefault("_aggregated", {})
        key = repr((args, sorted(kwargs.items())))
        if key not in read:
            read[key] = super().aggregate(*args, **kwargs)
        return dict(read[key])

    def dates(self, field_name: str, kind: str, order: str = "ASC") -> list[datetime.date]:  # type: ignore[override]
        """The admin's date hierarchy asks for the DISTINCT years/months/days of the list,
        which scans millions of rows; the periods between the first and last date (two
        index lookups) serve it just as well."""
        bounds = self.aggregate(first=models.Min(field_name), last=models.Max(field_name))
        first, last = bounds["first"], bounds["last"]
        if first is None or last is None:
            return []
        result: list[datetime.date] = []
        if kind == "year":
            result = [datetime.date(y, 1, 1) for y in range(first.year, last.year + 1)]
        elif kind == "month":
            result = [datetime.date(n // 12, n % 12 + 1, 1) for n in range(month_number(first), month_number(last) + 1)]
        else:
            result = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
        return result if order == "ASC" else list(reversed(result))


EXPECTED_NOBODY = "应到人数至少为1：没有应到人员的会议不算开展，请填写应参加会议的人数。"


class Meeting(Audited):
    """三会一课及主题党日 记录（组织生活登记）.

    The province records ~5 million a year, so the row is narrow (small integers, one
    short text) and carries two derived copies the rate queries group on: ``unit``
    (the organisation's unit, for scope and sub-tree totals without joining the
    organisation table) and ``month_no`` (:func:`month_number` of ``held_on``). Both are
    set by :func:`branches.services.meeting_record` and the import resource and kept
    right by :func:`branches.services.party_org_save` when an organisation moves.
    """

    scope_field = "unit"

    organisation = models.ForeignKey(PartyOrganisation, verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="meetings", db_index=False)
    # A derived copy (see above): no FK constraint, checking it per row would double the cost of bulk loads.
    unit = models.ForeignKey("units.Unit", verbose_name="所在单位", on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False, db_index=False, editable=False)
    kind = models.PositiveSmallIntegerField("类型", choices=MeetingKind.choices)
    held_on = models.DateField("召开日期")
    month_no = models.PositiveSmallIntegerField("月份序号", editable=False)
    topic = models.CharField("主题", max_length=200)
    expected = models.PositiveSmallIntegerField("应到人数", validators=[MinValueValidator(1)],
                                                error_messages={"min_value": EXPECTED_NOBODY})
    present = models.PositiveSmallIntegerField("实到人数", validators=[MinValueValidator(0)],
                                               error_messages={"min_value": numbers.count_floor("实到人数")})
    # Empty for almost every row (a constant default costs nothing to add to a big table).
    backentry_reason = models.CharField(
        "补录原因", max_length=200, blank=True, default="", db_default="",
        help_text="召开日期超出补录期限时必填，只有具备补录权限的人员可以补录。")

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "三会一课记录"
        verbose_name_plural = "三会一课记录"
        ordering = ["-held_on", "-id"]
        permissions = [("import_meeting", "可导入三会一课记录"), ("export_meeting", "可导出三会一课记录"), ("backenter_meeting", "可补录超出补录期限的三会一课记录（须说明原因）")]
        constraints = [
            models.CheckConstraint(condition=models.Q(present__lte=models.F("expected")), name="meeting_present_lte_expected",
                                   violation_error_message="实到人数不能多于应到人数。"),
            # Rows before migration 0011 are not checked (NOT VALID on PostgreSQL): no
            # number of attendees can be made up for them.
            models.CheckConstraint(condition=models.Q(expected__gte=1), name="meeting_expected_someone",
                                   violation_error_message=EXPECTED_NOBODY),
        ]
        indexes = [
            # Rates and missing lists: a range of months, grouped by organisation and kind,
            # scoped by unit — answered from this index alone.
            models.Index(fields=["month_no", "organisation", "kind"], include=["unit"], name="meeting_month_org_kind_idx"),
            models.Index(fields=["organisation", "held_on"], name="meeting_org_date_idx"),
            models.Index(fields=["unit", "held_on"], name="meeting_unit_date_idx"),
            models.Index(fields=["held_on"], name="meeting_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.held_on:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        """应到人数 at least one (a meeting nobody was expected at is not one held, and
        would count toward the 开展率), 实到人数 no more than 应到人数."""
        if self.expected is not None and self.expected < 1:
            raise ValidationError({"expected": EXPECTED_NOBODY})
        if self.present is not None and self.expected is not None and self.present > self.expected:
            raise ValidationError({"present": "实到人数不能多于应到人数。"})


class MeetingYear(models.Model):
    """三会一课 年度汇总 (derived, not a business record): for one organisation and one
    year, a bit mask of which meeting kinds were held in which month — bit
    ``(month - 1) * 5 + kind - 1`` — and how many meetings. A province-year is 80,000 of
    these instead of ~5 million meetings, and any month, quarter or the year is read
    from one row per branch without grouping: that is what lets rates and missing lists
    for a whole province answer within a second.

    On PostgreSQL, statement-level triggers on the meeting table keep it exact for every
    write path (services, imports, bulk loads, COPY); see migration 0003. Elsewhere the
    selectors read the meeting table itself.
    """

    scope_field = "unit"

    organisation = models.ForeignKey(PartyOrganisation, verbose_name="党组织", on_delete=models.DO_NOTHING,
                                     related_name="+", db_constraint=False, db_index=False)
    unit = models.ForeignKey("units.Unit", verbose_name="所在单位", on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False, db_index=False)
    year = models.PositiveSmallIntegerField("年度")
    mask = models.BigIntegerField("已开展（按月按类型的位）", default=0)
    meetings = models.PositiveIntegerField("会议次数", default=0)

    class Meta:
        verbose_name = "三会一课年度汇总"
        verbose_name_plural = "三会一课年度汇总"
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="meeting_year_org_year_unique")]
        indexes = [models.Index(fields=["year", "unit"], include=["organisation", "mask"], name="meeting_year_year_unit_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}"

    def held(self, kind: int, month: int) -> bool:
        return bool(self.mask >> ((month - 1) * 5 + kind - 1) & 1)


# ---------------------------------------------------------------------------
# 软弱涣散基层党组织整顿
# ---------------------------------------------------------------------------


class WeakCategory(models.TextChoices):
    LEADERSHIP = "leadership", "班子不健全、软弱无力"
    SECRETARY = "secretary", "书记长期缺职或不胜任"
    ORGANISATIONAL_LIFE = "organisational_life", "组织生活不正常"
    SERVICE = "service", "服务群众意识不强"
    RULES = "rules", "制度不落实"
    DISCIPLINE = "discipline", "党员教育管理宽松软"
    CONFLICTS = "conflicts", "矛盾纠纷集中"
    COLLECTIVE_ECONOMY = "collective_economy", "集体经济薄弱"


class WeakCaseState(models.TextChoices):
    RECTIFYING = "rectifying", "整顿中"
    CLOSED = "closed", "已销号"


class WeakBranchCase(Audited):
    """软弱涣散基层党组织整顿台账: identified for one year, rectified under one plan
    (一支部一方案) with a contact leader and a deadline, struck off only after a
    知情度满意度测评 that reaches the threshold (setting ``BRANCH_WEAK_SURVEY_THRESHOLD``)."""

    scope_field = "organisation__unit"

    organisation = models.ForeignKey(PartyOrganisation, verbose_name="党组织", on_delete=models.PROTECT, related_name="weak_cases")
    year = models.PositiveSmallIntegerField("排查年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    categories = models.JSONField("软弱涣散类型", default=list)
    problems = models.TextField("主要问题")
    plan = models.TextField("整顿方案（一支部一方案）")
    contact_leader = models.CharField("联系领导", max_length=50)
    deadline = models.DateField("整顿时限")
    state = models.CharField("状态", max_length=20, choices=WeakCaseState.choices, default=WeakCaseState.RECTIFYING)
    awareness_rate = models.DecimalField("知情度（%）", max_digits=5, decimal_places=1, null=True, blank=True,
                                         validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    satisfaction_rate = models.DecimalField("满意度（%）", max_digits=5, decimal_places=1, null=True, blank=True,
                                            validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    surveyed_on = models.DateField("测评日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    rectification_item_id = models.BigIntegerField("整改清单条目编号", null=True, blank=True, editable=False)

    audit_shown = {"categories": choice_labels(WeakCategory)}

    class Meta:
        verbose_name = "软弱涣散党组织整顿"
        verbose_name_plural = "软弱涣散党组织整顿"
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="weak_case_org_year_unique",
                                    violation_error_message="该党组织这一年度已列入软弱涣散整顿。"),
            # A survey is recorded whole; a case is struck off only with a survey and a date.
            models.CheckConstraint(
                condition=models.Q(awareness_rate__isnull=True, satisfaction_rate__isnull=True, surveyed_on__isnull=True)
                | models.Q(awareness_rate__isnull=False, satisfaction_rate__isnull=False, surveyed_on__isnull=False),
                name="weak_case_survey_whole", violation_error_message="测评结果须同时填写知情度、满意度和测评日期。"),
            models.CheckConstraint(
                condition=~models.Q(state=WeakCaseState.CLOSED)
                | models.Q(closed_on__isnull=False, awareness_rate__isnull=False, satisfaction_rate__isnull=False),
                name="weak_case_closed_after_survey", violation_error_message="尚未开展知情度满意度测评，不能销号。"),
        ]
        indexes = [models.Index(fields=["year", "state"], name="weak_case_year_state_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}年软弱涣散整顿"

    def category_labels(self) -> str:
        labels = dict(WeakCategory.choices)
        return "、".join(labels.get(c, c) for c in self.categories or [])

    def clean(self) -> None:
        values = self.categories or []
        if not isinstance(values, list) or not values:
            raise ValidationError({"categories": "至少选择一种软弱涣散类型。"})
        unknown = [v for v in values if v not in WeakCategory.values]
        if unknown:
            raise ValidationError({"categories": f"未知的类型：{'、'.join(map(str, unknown))}。"})
        if message := self.survey_date_error():
            raise ValidationError({"surveyed_on": message})
        if message := self.deadline_error():
            raise ValidationError({"deadline": message})

    def deadline_error(self) -> str:
        """整顿时限 lies in or after the 排查年度 (a case of 2026 is not due in 2020, already
        overdue the day it is registered); "" when it does or was not written now."""
        day = self.deadline
        if not isinstance(day, datetime.date) or not self.year or not (
                self.written_now("deadline") or self.written_now("year")):
            return ""
        if day.year < self.year:
            return (f"整顿时限 {day.isoformat()} 早于排查年度（{self.year}年）：整顿时限应在列入整顿之后，"
                    f"不早于 {self.year}-01-01。")
        return ""

    def survey_date_error(self) -> str:
        """测评日期 lies between the start of the 排查年度 (the case is not registered
        before it) and today; "" when it does, or when neither was written now (a survey on
        record before the rule is left alone)."""
        day = self.surveyed_on
        if not isinstance(day, datetime.date) or not (self.written_now("surveyed_on") or self.written_now("year")):
            return ""
        if dates.after_today(day):
            return f"测评日期 {day.isoformat()} 晚于今天：只能记录已经开展的测评。"
        if self.year and day.year < self.year:
            return (f"测评日期 {day.isoformat()} 早于该党组织列入软弱涣散整顿的排查年度（{self.year}年）："
                    f"测评应在列入整顿之后开展，不早于 {self.year}-01-01。")
        return ""


# ---------------------------------------------------------------------------
# 换届选举
# ---------------------------------------------------------------------------


# 每届任期: 党的基层委员会 5 年，总支部委员会、支部委员会 3 年（《中国共产党基层组织选举工作条例》
# 2020）；党章 (2022) 为三年至五年，所以一届可定为 3 至 5 年。
TERM_YEARS_MIN, TERM_YEARS_MAX = 3, 5
DEFAULT_TERM_YEARS: dict[str, int] = {OrgKind.COMMITTEE: 5, OrgKind.GENERAL_BRANCH: 3, OrgKind.BRANCH: 3}
# Who holds 换届选举: every kind of grass-roots organisation (a 党支部 too small for a
# 支部委员会 still elects its 书记 at the 党员大会). The 无换届记录 list counts these.
ELECTION_HOLDER_KINDS: frozenset[str] = frozenset(DEFAULT_TERM_YEARS)
# 延期换届 一般不超过1年.
MAX_EXTENSION_YEARS = 1
# 即将届满: the term (or its approved extension) ends within this many months.
DUE_SOON_MONTHS = 6

TERM_YEARS_MESSAGE = f"任期年限应为{TERM_YEARS_MIN}至{TERM_YEARS_MAX}年（党章：基层委员会、总支部委员会、支部委员会每届任期三年至五年）。"
APPROVAL_WHOLE_MESSAGE = "上级批复文号和批复日期须同时填写（尚未批复的两项都留空）。"
APPROVAL_DATE_MESSAGE = "批复日期不能早于选举日期：上级党组织在选举之后批复选举结果。"
COMMITTEE_SOMEONE = "委员人数至少为1。"
EARLY_WHOLE_MESSAGE = "提前换届须填写上级党组织的批准文号和提前换届原因；不是提前换届的，这两项留空。"
EXTENSION_WHOLE_MESSAGE = "延期换届须同时填写延期至、批准文号和延期原因；未延期的，这三项都留空。"
EXTENSION_AFTER_END_MESSAGE = "延期至应晚于届满日期。"


class TermStatus(models.TextChoices):
    """The status words of a term, as of today (:meth:`TermElection.status`)."""

    SERVING = "serving", "在任"
    DUE_SOON = "due_soon", "即将届满"
    OVERDUE = "overdue", "届满未换届"
    EXTENDED = "extended", "已批准延期"
    SUCCEEDED = "succeeded", "已换届"


class TermElection(Audited):
    """换届选举情况登记: one election of a 党委、党总支 or 党支部 — its date, the term it
    opens (任期年限, 届满日期), the 书记 and the number of 委员 elected, and the higher
    organisation's 批复 of the result. A term ends on its 届满日期 unless the higher
    organisation approved holding the election early (提前换届, on the election that
    came early) or late (延期换届, on the term that runs on, at most a year).

    ``term_ends_on`` is derived (选举日期 + 任期年限) by :meth:`fill_derived`, so that the
    lists of terms due or overdue are range queries. The rules that need the
    organisation's other elections live in :func:`branches.services.term_election_check`.
    """

    scope_field = "organisation__unit"

    organisation = models.ForeignKey(PartyOrganisation, verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="elections")
    elected_on = models.DateField("选举日期")
    term_years = models.PositiveSmallIntegerField(
        "任期年限", blank=True, validators=[MinValueValidator(TERM_YEARS_MIN, TERM_YEARS_MESSAGE),
                                          MaxValueValidator(TERM_YEARS_MAX, TERM_YEARS_MESSAGE)],
        help_text="3至5年；留空按组织类别：党委5年，党总支、党支部3年。")
    # blank: derived, never typed (a sheet need not carry the column).
    term_ends_on = models.DateField("届满日期", editable=False, blank=True, help_text="选举日期加任期年限。")
    secretary_name = models.CharField("书记", max_length=50, help_text="本次选举产生的书记姓名。")
    committee_size = models.PositiveSmallIntegerField(
        "委员人数", validators=[MinValueValidator(1), MaxValueValidator(99)],
        error_messages={"min_value": COMMITTEE_SOMEONE},
        help_text="选举产生的委员会委员人数；不设委员会的党支部填1（书记）。")
    approval_number = models.CharField("上级批复文号", max_length=100, blank=True, default="")
    approved_on = models.DateField("批复日期", null=True, blank=True)
    early = models.BooleanField("提前换届", default=False, help_text="在上届届满之前选举的，须经上级党组织批准。")
    early_approval_number = models.CharField("提前换届批准文号", max_length=100, blank=True, default="")
    early_reason = models.CharField("提前换届原因", max_length=300, blank=True, default="")
    extended_until = models.DateField("延期至", null=True, blank=True,
                                      help_text="经上级党组织批准延期换届的，延期时间一般不超过1年。")
    extension_approval_number = models.CharField("延期批准文号", max_length=100, blank=True, default="")
    extension_reason = models.CharField("延期原因", max_length=300, blank=True, default="")
    note = models.CharField("备注", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "换届选举"
        verbose_name_plural = "换届选举"
        ordering = ["organisation__path", "-elected_on"]
        permissions = [("import_termelection", "可导入换届选举"), ("export_termelection", "可导出换届选举")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "elected_on"], name="term_election_org_date_unique",
                                    violation_error_message="该党组织这一天的换届选举已登记。"),
            models.CheckConstraint(condition=models.Q(term_years__gte=TERM_YEARS_MIN, term_years__lte=TERM_YEARS_MAX),
                                   name="term_election_years_3_to_5", violation_error_message=TERM_YEARS_MESSAGE),
            models.CheckConstraint(condition=models.Q(term_ends_on__gt=models.F("elected_on")),
                                   name="term_election_ends_after_election",
                                   violation_error_message="届满日期应晚于选举日期。"),
            models.CheckConstraint(condition=models.Q(committee_size__gte=1), name="term_election_committee_someone",
                                   violation_error_message=COMMITTEE_SOMEONE),
            models.CheckConstraint(
                condition=models.Q(approval_number="", approved_on__isnull=True)
                | (~models.Q(approval_number="") & models.Q(approved_on__isnull=False)),
                name="term_election_approval_whole", violation_error_message=APPROVAL_WHOLE_MESSAGE),
            models.CheckConstraint(
                condition=models.Q(approved_on__isnull=True) | models.Q(approved_on__gte=models.F("elected_on")),
                name="term_election_approved_after_election", violation_error_message=APPROVAL_DATE_MESSAGE),
            models.CheckConstraint(
                condition=models.Q(early=False, early_approval_number="", early_reason="")
                | (models.Q(early=True) & ~models.Q(early_approval_number="") & ~models.Q(early_reason="")),
                name="term_election_early_whole", violation_error_message=EARLY_WHOLE_MESSAGE),
            models.CheckConstraint(
                condition=models.Q(extended_until__isnull=True, extension_approval_number="", extension_reason="")
                | (models.Q(extended_until__isnull=False) & ~models.Q(extension_approval_number="")
                   & ~models.Q(extension_reason="")),
                name="term_election_extension_whole", violation_error_message=EXTENSION_WHOLE_MESSAGE),
            models.CheckConstraint(
                condition=models.Q(extended_until__isnull=True) | models.Q(extended_until__gt=models.F("term_ends_on")),
                name="term_election_extended_after_end", violation_error_message=EXTENSION_AFTER_END_MESSAGE),
        ]
        indexes = [
            # The lists of terms due and overdue: a range of end dates, latest term per organisation.
            models.Index(fields=["organisation", "-elected_on"], name="term_election_org_date_idx"),
            models.Index(fields=["term_ends_on"], name="term_election_ends_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.elected_on:%Y-%m-%d} 换届选举" if self.elected_on else f"{self.organisation} 换届选举"

    def fill_derived(self) -> None:
        """任期年限 by the organisation's kind when left blank, and the 届满日期 from it."""
        if self.term_years is None and self.organisation_id:
            self.term_years = DEFAULT_TERM_YEARS.get(self.organisation.kind, TERM_YEARS_MIN)
        if isinstance(self.elected_on, datetime.date) and isinstance(self.term_years, int):
            self.term_ends_on = dates.years_after(self.elected_on, self.term_years)

    @property
    def due_date(self) -> datetime.date | None:
        """When the next election is due: the approved 延期至, or the 届满日期."""
        return self.extended_until or self.term_ends_on

    def status(self, *, succeeded: bool, today: datetime.date | None = None) -> TermStatus:
        """在任 / 即将届满 / 届满未换届 / 已批准延期, or 已换届 when a later election is on record
        (``succeeded``: the caller knows it, the lists annotate it)."""
        if succeeded:
            return TermStatus.SUCCEEDED
        today = today or dates.today()
        if self.extended_until is not None and self.extended_until >= today:
            return TermStatus.EXTENDED
        due = self.due_date
        if due is None:
            return TermStatus.SERVING
        if due < today:
            return TermStatus.OVERDUE
        if due <= dates.add_months(today, DUE_SOON_MONTHS):
            return TermStatus.DUE_SOON
        return TermStatus.SERVING

    def clean(self) -> None:
        """The rules within the row: 任期 3–5 年 (blank: by the kind), 选举日期 not in the
        future, 批复 whole and after the election, 提前换届 and 延期换届 each with their
        批准文号 and 原因, 延期至 after the 届满日期 and at most a year after it."""
        self.fill_derived()
        errors: dict[str, str] = {}
        if self.secretary_name and self.written_now("secretary_name") and (
                message := names.name_error(self.secretary_name, "书记姓名")):
            errors["secretary_name"] = message  # the name rule of secretaries and members
        if isinstance(self.elected_on, datetime.date) and dates.after_today(self.elected_on) and self.written_now("elected_on"):
            errors["elected_on"] = f"选举日期 {self.elected_on.isoformat()} 晚于今天：只能登记已经举行的换届选举。"
        if isinstance(self.term_years, int) and not TERM_YEARS_MIN <= self.term_years <= TERM_YEARS_MAX:
            errors["term_years"] = TERM_YEARS_MESSAGE
        if bool((self.approval_number or "").strip()) != (self.approved_on is not None):
            errors["approval_number" if not (self.approval_number or "").strip() else "approved_on"] = APPROVAL_WHOLE_MESSAGE
        elif (isinstance(self.approved_on, datetime.date) and isinstance(self.elected_on, datetime.date)
              and self.approved_on < self.elected_on):
            errors["approved_on"] = APPROVAL_DATE_MESSAGE
        if self.early:
            if not (self.early_approval_number or "").strip():
                errors["early_approval_number"] = "提前换届须经上级党组织批准：请填写批准文号。"
            if not (self.early_reason or "").strip():
                errors["early_reason"] = "提前换届须写明原因。"
        elif (self.early_approval_number or "").strip() or (self.early_reason or "").strip():
            errors["early"] = "填写了提前换届的批准文号或原因：是提前换届的请勾选「提前换届」，不是的请把这两项留空。"
        errors.update(self.extension_errors())
        if errors:
            raise ValidationError(errors)

    def extension_errors(self) -> dict[str, str]:
        """延期换届: 延期至 with its 批准文号 and 原因, after the 届满日期, at most
        :data:`MAX_EXTENSION_YEARS` after it."""
        errors: dict[str, str] = {}
        number, reason = (self.extension_approval_number or "").strip(), (self.extension_reason or "").strip()
        if self.extended_until is None:
            if number or reason:
                errors["extended_until"] = "填写了延期批准文号或延期原因，请填写延期至的日期；未延期的请把这两项留空。"
            return errors
        if not number:
            errors["extension_approval_number"] = "延期换届须经上级党组织批准：请填写批准文号。"
        if not reason:
            errors["extension_reason"] = "延期换届须写明原因。"
        end = self.term_ends_on
        if isinstance(end, datetime.date) and isinstance(self.extended_until, datetime.date):
            if self.extended_until <= end:
                errors["extended_until"] = f"延期至 {self.extended_until.isoformat()} 应晚于届满日期 {end.isoformat()}。"
            elif self.extended_until > (latest := dates.years_after(end, MAX_EXTENSION_YEARS)):
                errors["extended_until"] = (f"延期时间一般不超过1年：届满日期为 {end.isoformat()}，"
                                            f"延期至最晚为 {latest.isoformat()}。")
        return errors
