"""干部信息 (cadre registry), in the order of the national cadre information sets:
A01 基本信息, A02 任职, A08 学历学位, A14 奖惩, A15 年度考核, A36 家庭成员; plus 职数.

Free-text code values (民族, 学历, 学位, 政治面貌, 健康状况) store the canonical Chinese
name from the reference code set (``orgwork.codes``): every form, sheet and ``.lrmx``
file writes the name, and aliases (汉 → 汉族) are resolved on the way in. Closed lists
the software reasons about (职务层次, 职级, 管理权限, 状态, 考核等次) are ``TextChoices``;
the matching code set files in ``seeds/data/reference`` mirror them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from orgwork.audit.models import Audited
from orgwork.codes import lookup as codes
from orgwork.common import dates, idnumber, names
from orgwork.common.fields import AsciiKeyField
from orgwork.common.versioning import Versioned

HAN = "汉族"
PARTY_MEMBER_STATUSES = ("中共党员", "中共预备党员")
# Fields typed as names from a code set: (field, code set, label in messages). Aliases
# typed into a form become the canonical name before the field validators run.
CADRE_CODE_FIELDS = (
    ("ethnicity", "ethnicity", "民族"),
    ("political_status", "political_status", "政治面貌"),
    ("health", "health", "健康状况"),
    ("fulltime_education", "education", "学历"),
    ("inservice_education", "education", "学历"),
    ("fulltime_degree", "degree", "学位"),
    ("inservice_degree", "degree", "学位"),
)
EDUCATION_CODE_FIELDS = (("education", "education", "学历"), ("degree", "degree", "学位"))


class Gender(models.TextChoices):
    """GB/T 2261.1 sex codes, the ones ``orgwork.common.idnumber`` returns."""

    MALE = idnumber.MALE, "男"
    FEMALE = idnumber.FEMALE, "女"


class Rank(models.TextChoices):
    """职务层次."""

    PROVINCE_CHIEF = "province_chief", "省部级正职"
    PROVINCE_DEPUTY = "province_deputy", "省部级副职"
    BUREAU_CHIEF = "bureau_chief", "厅局级正职"
    BUREAU_DEPUTY = "bureau_deputy", "厅局级副职"
    COUNTY_CHIEF = "county_chief", "县处级正职"
    COUNTY_DEPUTY = "county_deputy", "县处级副职"
    TOWNSHIP_CHIEF = "township_chief", "乡科级正职"
    TOWNSHIP_DEPUTY = "township_deputy", "乡科级副职"


class Grade(models.TextChoices):
    """职级 (公务员职务与职级并行)."""

    INSPECTOR_1 = "inspector_1", "一级巡视员"
    INSPECTOR_2 = "inspector_2", "二级巡视员"
    RESEARCHER_1 = "researcher_1", "一级调研员"
    RESEARCHER_2 = "researcher_2", "二级调研员"
    RESEARCHER_3 = "researcher_3", "三级调研员"
    RESEARCHER_4 = "researcher_4", "四级调研员"
    PRINCIPAL_CLERK_1 = "principal_clerk_1", "一级主任科员"
    PRINCIPAL_CLERK_2 = "principal_clerk_2", "二级主任科员"
    PRINCIPAL_CLERK_3 = "principal_clerk_3", "三级主任科员"
    PRINCIPAL_CLERK_4 = "principal_clerk_4", "四级主任科员"
    CLERK_1 = "clerk_1", "一级科员"
    CLERK_2 = "clerk_2", "二级科员"


class Authority(models.TextChoices):
    """管理权限."""

    PROVINCE = "province", "省管"
    CITY = "city", "市管"
    COUNTY = "county", "县管"
    OTHER = "other", "其他"


# 职务层次, higher number = higher level.
RANK_LEVEL: dict[str, int] = {
    Rank.TOWNSHIP_DEPUTY: 2, Rank.TOWNSHIP_CHIEF: 3, Rank.COUNTY_DEPUTY: 4, Rank.COUNTY_CHIEF: 5,
    Rank.BUREAU_DEPUTY: 6, Rank.BUREAU_CHIEF: 7, Rank.PROVINCE_DEPUTY: 8, Rank.PROVINCE_CHIEF: 9,
}
# 职级, on the same scale: the 职务层次 each 职级 corresponds to (公务员职务与职级并行规定:
# 一级巡视员 ≈ 厅局级正职, 二级巡视员 ≈ 厅局级副职, 一、二级调研员 ≈ 县处级正职, 三、四级调研员 ≈
# 县处级副职, 一、二级主任科员 ≈ 乡科级正职, 三、四级主任科员 ≈ 乡科级副职, 科员 below).
GRADE_LEVEL: dict[str, int] = {
    Grade.CLERK_2: 1, Grade.CLERK_1: 1,
    Grade.PRINCIPAL_CLERK_4: 2, Grade.PRINCIPAL_CLERK_3: 2,
    Grade.PRINCIPAL_CLERK_2: 3, Grade.PRINCIPAL_CLERK_1: 3,
    Grade.RESEARCHER_4: 4, Grade.RESEARCHER_3: 4,
    Grade.RESEARCHER_2: 5, Grade.RESEARCHER_1: 5,
    Grade.INSPECTOR_2: 6, Grade.INSPECTOR_1: 7,
}
# Order within the 职级 sequence (for "higher 职级"): the choices run from 一级巡视员 down.
GRADE_ORDER: dict[str, int] = {value: len(Grade.values) - i for i, value in enumerate(Grade.values)}

# 职级 a leader of each 职务层次 may hold: the band of the 职务层次 itself, one band below
# (newly appointed) and one band above (职级 promoted while in post). Province-level
# leaders hold no 职级.
GRADE_BANDS: dict[str, frozenset[str]] = {
    rank: frozenset(g for g, level in GRADE_LEVEL.items() if RANK_LEVEL[rank] - 1 <= level <= RANK_LEVEL[rank] + 1)
    for rank in RANK_LEVEL if RANK_LEVEL[rank] <= 7
} | {Rank.PROVINCE_DEPUTY: frozenset(), Rank.PROVINCE_CHIEF: frozenset()}
# 管理权限 by 职务层次: 厅局级 and above are 省管; 县处级 are 市管 or 省管 (省直 and some
# county leaders); 乡科级 are 县管 or 市管 (市直部门). 其他 (e.g. 部门管理) fits every level.
AUTHORITIES_FOR_RANK: dict[str, frozenset[str]] = {
    Rank.PROVINCE_CHIEF: frozenset({Authority.PROVINCE, Authority.OTHER}),
    Rank.PROVINCE_DEPUTY: frozenset({Authority.PROVINCE, Authority.OTHER}),
    Rank.BUREAU_CHIEF: frozenset({Authority.PROVINCE, Authority.OTHER}),
    Rank.BUREAU_DEPUTY: frozenset({Authority.PROVINCE, Authority.OTHER}),
    Rank.COUNTY_CHIEF: frozenset({Authority.PROVINCE, Authority.CITY, Authority.OTHER}),
    Rank.COUNTY_DEPUTY: frozenset({Authority.PROVINCE, Authority.CITY, Authority.OTHER}),
    Rank.TOWNSHIP_CHIEF: frozenset({Authority.CITY, Authority.COUNTY, Authority.OTHER}),
    Rank.TOWNSHIP_DEPUTY: frozenset({Authority.CITY, Authority.COUNTY, Authority.OTHER}),
}


def rank_grade_authority_q() -> Q:
    """职务层次, 职级 and 管理权限 that go together (``cadres.rules.check_combination``, as a
    database constraint): any 职务层次 left blank, or a pair from the tables."""
    allowed = Q(rank="")
    for rank, grades in GRADE_BANDS.items():
        allowed |= Q(rank=str(rank), grade__in=["", *sorted(str(g) for g in grades)],
                     authority__in=["", *sorted(str(a) for a in AUTHORITIES_FOR_RANK[rank])])
    return allowed


# 三龄 plausibility (三龄两历一身份): no work before 16 (劳动法), a serving cadre at least 18
# (公务员法) and not past 70 — beyond the latest retirement of any post, a typo in the year
# or a status left at 在职 after retirement.
WORK_MIN_AGE = 16
# 学历学位: no course starts before school age (《义务教育法》第十一条：年满六周岁的儿童入学).
SCHOOL_MIN_AGE = 6
SERVING_MIN_AGE = 18
SERVING_MAX_AGE = 70


class CadreStatus(models.TextChoices):
    ACTIVE = "active", "在职"
    RETIRED = "retired", "退休"
    TRANSFERRED = "transferred", "调出"
    REMOVED = "removed", "免职"
    DECEASED = "deceased", "去世"


class Cadre(Versioned, Audited):
    """干部基本信息 (A01), as on the 干部任免审批表.

    Derived flags are not stored twice: women (``gender``), ethnic minority
    (``ethnicity`` ≠ 汉族) and non-Party (``political_status``) are database-generated
    columns, so no path that writes a cadre (admin, service, bulk import engine) can
    leave them stale. The pinyin keys need Python and are computed by
    ``cadres.services.cadre_save`` and the import resource.
    """

    scope_field = "unit"
    # Months kept as their first day: the trail writes 1975.06, as the form and the sheet do.
    month_fields = ("birth_month", "party_joined_on", "work_started_on")
    audit_redacted_fields = ("photo",)  # the ID number is kept masked, with a keyed hash (orgwork.common.secrets)

    # A01 基本信息
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_month = models.DateField("出生年月", help_text="写到月份，如 1975.06。")
    ethnicity = models.CharField("民族", max_length=20, default=HAN)
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    birthplace = models.CharField("出生地", max_length=50, blank=True)
    # No default: a path that does not say it (a sheet without the column) must not make
    # anyone a Party member; clean() derives only what is certain (入党时间 → 中共党员).
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    party_joined_on = models.DateField("入党时间", null=True, blank=True)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    health = models.CharField("健康状况", max_length=20, blank=True)
    professional_title = models.CharField("专业技术职务", max_length=60, blank=True)
    expertise = models.CharField("熟悉专业有何专长", max_length=200, blank=True)
    # Unique through Meta.constraints: a unique=True field gets a second, pattern-operator
    # index on PostgreSQL for LIKE searches, and ID numbers are only ever looked up whole.
    id_number = models.CharField("身份证号", max_length=18, error_messages={"unique": "该身份证号的干部已存在。"})
    photo = models.BinaryField("照片", null=True, blank=True, editable=False)
    # A08 学历学位 (the summary printed on the form; the history is in Education)
    fulltime_education = models.CharField("全日制学历", max_length=20, blank=True)
    fulltime_degree = models.CharField("全日制学位", max_length=30, blank=True)
    fulltime_education_school = models.CharField("全日制学历毕业院校系及专业", max_length=200, blank=True)
    fulltime_degree_school = models.CharField("全日制学位毕业院校系及专业", max_length=200, blank=True)
    inservice_education = models.CharField("在职学历", max_length=20, blank=True)
    inservice_degree = models.CharField("在职学位", max_length=30, blank=True)
    inservice_education_school = models.CharField("在职学历毕业院校系及专业", max_length=200, blank=True)
    inservice_degree_school = models.CharField("在职学位毕业院校系及专业", max_length=200, blank=True)
    # A02 现任职务
    # No index of its own: cadre_unit_idx (unit, name_pinyin) leads with it.
    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="cadres",
                             db_index=False)
    current_post = models.CharField("现任职务", max_length=200, blank=True)
    rank = models.CharField("职务层次", max_length=20, choices=Rank.choices, blank=True)
    grade = models.CharField("职级", max_length=20, choices=Grade.choices, blank=True)
    authority = models.CharField("管理权限", max_length=10, choices=Authority.choices, blank=True)
    status = models.CharField("状态", max_length=12, choices=CadreStatus.choices, default=CadreStatus.ACTIVE)
    is_naked_official = models.BooleanField("裸官", default=False, help_text="配偶已移居国（境）外，或没有配偶、子女均已移居国（境）外。")
    # 任免审批表 (text as printed on the form)
    resume = models.TextField("简历", blank=True, help_text="每段一行，如：1993.09--1997.07  兰州大学经济系学习")
    rewards_summary = models.TextField("奖惩情况", blank=True, help_text="留空时按奖惩记录生成。")
    assessment_summary = models.TextField("年度考核结果", blank=True, help_text="留空时按年度考核记录生成。")
    proposed_post = models.CharField("拟任职务", max_length=200, blank=True)
    proposed_removal = models.CharField("拟免职务", max_length=200, blank=True)
    appointment_reason = models.TextField("任免理由", blank=True)
    reporting_unit = models.CharField("呈报单位", max_length=100, blank=True)
    age_reckoned_on = models.DateField("计算年龄时间", null=True, blank=True)
    form_filled_on = models.DateField("填表时间", null=True, blank=True)
    form_filled_by = models.CharField("填表人", max_length=50, blank=True)
    # Sort and search keys, kept by the service (see the class docstring).
    name_pinyin = AsciiKeyField("姓名拼音", max_length=200, blank=True, editable=False)
    name_initials = AsciiKeyField("姓名拼音首字母", max_length=50, blank=True, editable=False)
    # Derived in the database: never out of step with the columns they come from.
    is_woman = models.GeneratedField(
        expression=Q(gender=idnumber.FEMALE), output_field=models.BooleanField(verbose_name="女干部"), db_persist=True, verbose_name="女干部"
    )
    is_minority = models.GeneratedField(
        expression=~Q(ethnicity=HAN), output_field=models.BooleanField(verbose_name="少数民族干部"), db_persist=True, verbose_name="少数民族干部"
    )
    # Known to be outside the Party: a 政治面貌 not stated is not counted either way.
    is_non_party = models.GeneratedField(
        expression=~Q(political_status="") & ~Q(political_status__in=PARTY_MEMBER_STATUSES),
        output_field=models.BooleanField(verbose_name="党外干部"),
        db_persist=True, verbose_name="党外干部",
    )

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["name_pinyin", "id"]
        permissions = [
            ("view_unmasked_id_number", "可查看完整身份证号"),
            ("import_cadre", "可导入干部信息"),
            ("export_cadre", "可导出干部信息"),
        ]
        indexes = [
            # The changelist order and the pinyin prefix search (LIKE 'zeng%'): the keys
            # are in byte order (AsciiKeyField), so plain b-trees serve both. The name's
            # prefix search needs the pattern operator class under the database's collation.
            models.Index(fields=["name_pinyin", "id"], name="cadre_pinyin_idx"),
            models.Index(fields=["name_initials"], name="cadre_initials_idx"),
            models.Index(fields=["name"], name="cadre_name_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit", "name_pinyin"], name="cadre_unit_idx"),
            models.Index(fields=["rank", "unit"], name="cadre_rank_idx"),
            models.Index(fields=["grade"], name="cadre_grade_idx"),
            models.Index(fields=["authority"], name="cadre_authority_idx"),
            models.Index(fields=["status"], name="cadre_status_idx"),
            models.Index(fields=["birth_month"], name="cadre_birth_idx"),
            models.Index(fields=["is_woman"], name="cadre_women_idx", condition=Q(is_woman=True)),
            models.Index(fields=["is_minority"], name="cadre_minority_idx", condition=Q(is_minority=True)),
            models.Index(fields=["is_non_party"], name="cadre_nonparty_idx", condition=Q(is_non_party=True)),
            models.Index(fields=["is_naked_official"], name="cadre_naked_idx", condition=Q(is_naked_official=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=[idnumber.MALE, idnumber.FEMALE]), name="cadre_gender_code",
                                   violation_error_message="性别须为男或女。"),
            models.UniqueConstraint(fields=["id_number"], name="cadre_id_number_unique"),
            models.CheckConstraint(
                condition=rank_grade_authority_q(), name="cadre_rank_grade_authority",
                violation_error_message="职务层次、职级和管理权限不相匹配。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return idnumber.mask(self.id_number)

    @property
    def birth_month_display(self) -> str:
        return dates.format_month(self.birth_month)

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_month
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def before_working_age_error(self, day: datetime.date | None, label: str, age: int = WORK_MIN_AGE) -> str | None:
        """``day`` falls before the cadre turned ``age`` — by default ``WORK_MIN_AGE`` (年满16周岁,
        the age the 参加工作时间 itself is held to): no post, 处分, 组织处理, 奖惩, 后备推荐 or
        凡提四必 of this cadre can be dated then; a 学历 is held to ``SCHOOL_MIN_AGE``.
        Compared by the birth month, as 参加工作时间 is."""
        if day is None or self.birth_month is None:
            return None
        of_age = dates.years_after(self.birth_month.replace(day=1), age)
        if day >= of_age:
            return None
        return (f"{label}不能早于该干部年满{age}周岁（出生年月{dates.format_month(self.birth_month)}，"
                f"{of_age.year}年{of_age.month}月年满）：请核对。")

    def clean(self) -> None:
        errors: dict[str, str] = names.written_name_errors(self)
        if self.birth_month:
            self.birth_month = self.birth_month.replace(day=1)
        if self.id_number:
            try:
                self.id_number = idnumber.clean(self.id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages[0]
            else:
                mismatch = idnumber.consistency_errors(self.id_number, birth=self.birth_month, gender=self.gender)
                if "birth" in mismatch:
                    errors["birth_month"] = mismatch["birth"]
                if "gender" in mismatch:
                    errors["gender"] = mismatch["gender"]
        for field, message in codes.resolve_fields(self, CADRE_CODE_FIELDS).items():
            errors.setdefault(field, message)
        if self.party_joined_on and self.birth_month and self.party_joined_on < self.birth_month:
            errors["party_joined_on"] = "入党时间不能早于出生年月。"
        elif (self.party_joined_on and self.birth_month
              and dates.months_between(self.birth_month, self.party_joined_on) < 18 * 12):
            errors["party_joined_on"] = "入党时须年满18岁：入党时间与出生年月相差不足18年，请核对。"
        if dates.after_today(self.party_joined_on):
            errors.setdefault("party_joined_on", "入党时间不能晚于今天。")
        if dates.after_today(self.work_started_on):
            errors["work_started_on"] = "参加工作时间不能晚于今天。"
        if self.work_started_on and self.birth_month and self.work_started_on < self.birth_month:
            errors["work_started_on"] = "参加工作时间不能早于出生年月。"
        elif (self.work_started_on and self.birth_month
              and dates.months_between(self.birth_month, self.work_started_on) < WORK_MIN_AGE * 12):
            errors["work_started_on"] = (f"参加工作时须年满{WORK_MIN_AGE}周岁：参加工作时间与出生年月相差不足"
                                         f"{WORK_MIN_AGE}年，请核对。")
        if self.birth_month and self.status == CadreStatus.ACTIVE and "birth_month" not in errors:
            age = self.age_on(timezone.localdate())
            if age < SERVING_MIN_AGE:
                errors["birth_month"] = f"在职干部须年满{SERVING_MIN_AGE}周岁：按出生年月现年{age}岁，请核对。"
            elif age > SERVING_MAX_AGE:
                errors["birth_month"] = (f"按出生年月现年{age}岁，在职干部不应超过{SERVING_MAX_AGE}周岁：请核对出生年月；"
                                         f"已离开工作岗位的，干部状态应为退休。")
        if self._state.adding and self.party_joined_on and not self.political_status:
            # The one thing certain when 政治面貌 is not given. Only for a new record: a
            # sheet writes a stored record's columns it carries, and no others.
            self.political_status = PARTY_MEMBER_STATUSES[0]
        if self.party_joined_on and self.political_status and self.political_status not in PARTY_MEMBER_STATUSES:
            errors.setdefault("political_status", "填写了入党时间的干部，政治面貌应为中共党员或中共预备党员。")
        if errors:
            raise ValidationError(errors)


class CadreChild(Audited):
    """Rows that belong to one cadre and are scoped through the cadre's unit."""

    scope_field = "cadre__unit"

    class Meta:
        abstract = True


def cadre_of(record: models.Model) -> Cadre | None:
    """The cadre a record is about, if one is set yet (an inline's row of a cadre being
    added has the unsaved cadre; a half-filled form has none)."""
    try:
        return record.cadre  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None


def working_age_year_errors(record: models.Model, **labels: str) -> dict[str, str]:
    """As :func:`working_age_errors`, for a year (``year="考核年度"``): refused when the whole
    year lies before the cadre turned 16 (a 1990 考核 of a cadre born in 1985)."""
    cadre = cadre_of(record)
    if cadre is None:
        return {}
    written_now = getattr(record, "written_now", None)
    return {name: message for name, label in labels.items()
            if (written_now is None or written_now(name)) and isinstance(year := getattr(record, name), int)
            and 1 <= year <= 9999 and (message := cadre.before_working_age_error(datetime.date(year, 12, 31), label))}


def working_age_errors(record: models.Model, *, age: int = WORK_MIN_AGE, **labels: str) -> dict[str, str]:
    """For each date field named (``appointed_on="任职时间"``) and written now, the refusal
    of a date before the record's cadre turned 16, or ``age`` (:meth:`Cadre.before_working_age_error`).
    A date on record before the rule is left alone, so that a step on it does not fail."""
    cadre = cadre_of(record)
    if cadre is None:
        return {}
    written_now = getattr(record, "written_now", None)
    return {name: message for name, label in labels.items()
            if (written_now is None or written_now(name))
            and (message := cadre.before_working_age_error(getattr(record, name), label, age))}


def future_date_errors(record: Audited, **labels: str) -> dict[str, str]:
    """For each date field named (``decided_on="批准日期"``) and written now, the refusal of
    a day still to come (:func:`orgwork.common.dates.after_today`). A date on record
    before the rule is left alone, so that the cadre's page still saves."""
    return {name: f"{label}不能晚于今天。" for name, label in labels.items()
            if record.written_now(name) and dates.after_today(getattr(record, name))}


class Post(CadreChild):
    """任职经历 (A02): one appointment, with removal, 文号, 批准机关 and 任前公示."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey("units.Unit", verbose_name="任职单位", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    title = models.CharField("职务名称", max_length=200)
    rank = models.CharField("职务层次", max_length=20, choices=Rank.choices, blank=True)
    is_principal = models.BooleanField("主职", default=True)
    is_current = models.BooleanField("现任", default=True)
    appointed_on = models.DateField("任职时间")
    appointment_document = models.CharField("任职文号", max_length=100, blank=True)
    approving_body = models.CharField("批准机关", max_length=100, blank=True)
    publicity_start = models.DateField("任前公示开始", null=True, blank=True)
    publicity_end = models.DateField("任前公示结束", null=True, blank=True)
    removed_on = models.DateField("免职时间", null=True, blank=True)
    removal_document = models.CharField("免职文号", max_length=100, blank=True)

    class Meta:
        permissions = [("import_post", "可导入任职经历"), ("export_post", "可导出任职经历")]
        verbose_name = "任职经历"
        verbose_name_plural = "任职经历"
        ordering = ["cadre", "-is_current", "-appointed_on", "-id"]
        indexes = [
            models.Index(fields=["cadre", "-appointed_on"], name="post_cadre_idx"),
            models.Index(fields=["-appointed_on", "-id"], name="post_order_idx"),
            models.Index(fields=["unit", "rank"], name="post_unit_rank_idx", condition=Q(is_current=True, is_principal=True)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"],
                condition=Q(is_current=True, is_principal=True),
                name="post_one_current_principal",
                violation_error_message="每名干部只能有一个现任主职务；请先免去原主职务。",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("appointed_on")),
                name="post_removed_after_appointed",
                violation_error_message="免职时间不能早于任职时间。",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(removed_on__isnull=True),
                name="post_current_not_removed",
                violation_error_message="已填写免职时间的职务不能是现任职务。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{dates.format_month(self.appointed_on)}）"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.publicity_start and self.publicity_end and self.publicity_end < self.publicity_start:
            errors["publicity_end"] = "任前公示结束日期不能早于开始日期。"
        if self.publicity_start and self.appointed_on and self.publicity_start > self.appointed_on:
            errors["publicity_start"] = "任前公示应在任职之前开始。"
        for name, message in self.publicity_errors().items():
            errors.setdefault(name, message)
        if dates.after_today(self.appointed_on):
            errors["appointed_on"] = "任职时间不能晚于今天。"
        for name, message in working_age_errors(self, appointed_on="任职时间").items():
            errors.setdefault(name, message)
        if dates.after_today(self.removed_on):
            errors["removed_on"] = "免职时间不能晚于今天。"
        if errors:
            raise ValidationError(errors)

    def publicity_errors(self) -> dict[str, str]:
        """任前公示 comes before taking office: it ends on or before the 任职时间 (so never
        in the future for an appointment made), and an end has its start. Checked when the
        publicity or the 任职时间 is written now; dates on record are left alone."""
        if not any(self.written_now(name) for name in ("publicity_start", "publicity_end", "appointed_on")):
            return {}
        errors: dict[str, str] = {}
        if self.publicity_end and not self.publicity_start:
            errors["publicity_start"] = "填写了任前公示结束日期的，须同时填写任前公示开始日期。"
        if dates.after_today(self.publicity_end):
            errors["publicity_end"] = "任前公示结束日期不能晚于今天：任前公示在任职之前结束。"
        elif self.publicity_end and self.appointed_on and self.publicity_end > self.appointed_on:
            errors["publicity_end"] = (f"任前公示应在任职之前结束：公示结束日期（{self.publicity_end:%Y-%m-%d}）"
                                       f"不能晚于任职时间（{self.appointed_on:%Y-%m-%d}）。")
        return errors


class EducationKind(models.TextChoices):
    FULL_TIME = "fulltime", "全日制教育"
    IN_SERVICE = "inservice", "在职教育"


class Education(CadreChild):
    """学历学位 (A08): one course of study."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="educations")
    kind = models.CharField("教育类别", max_length=10, choices=EducationKind.choices, default=EducationKind.FULL_TIME)
    education = models.CharField("学历", max_length=20, blank=True)
    degree = models.CharField("学位", max_length=30, blank=True)
    school = models.CharField("毕业院校", max_length=100)
    major = models.CharField("专业", max_length=100, blank=True)
    entered_on = models.DateField("入学时间", null=True, blank=True)
    graduated_on = models.DateField("毕业时间", null=True, blank=True)

    class Meta:
        verbose_name = "学历学位"
        verbose_name_plural = "学历学位"
        ordering = ["cadre", "graduated_on", "id"]
        indexes = [models.Index(fields=["cadre", "graduated_on"], name="education_cadre_idx")]

    def __str__(self) -> str:
        return f"{self.school}{self.major}"

    def clean(self) -> None:
        errors = codes.resolve_fields(self, EDUCATION_CODE_FIELDS)
        if errors:
            raise ValidationError(errors)
        errors = future_date_errors(self, entered_on="入学时间", graduated_on="毕业时间")
        for name, message in working_age_errors(self, age=SCHOOL_MIN_AGE, entered_on="入学时间",
                                                graduated_on="毕业时间").items():
            errors.setdefault(name, message)
        if self.entered_on and self.graduated_on and self.graduated_on < self.entered_on:
            errors.setdefault("graduated_on", "毕业时间不能早于入学时间。")
        if errors:
            raise ValidationError(errors)


class FamilyMember(CadreChild):
    """家庭主要成员及重要社会关系 (A36)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="family")
    relation = models.CharField("称谓", max_length=20)
    name = models.CharField("姓名", max_length=50)
    birth_month = models.DateField("出生日期", null=True, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    work_unit_and_post = models.CharField("工作单位及职务", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序号", default=0)

    class Meta:
        verbose_name = "家庭主要成员"
        verbose_name_plural = "家庭主要成员"
        ordering = ["cadre", "sort_order", "id"]
        indexes = [models.Index(fields=["cadre", "sort_order"], name="family_cadre_idx")]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"


class RewardKind(models.TextChoices):
    REWARD = "reward", "奖励"
    PUNISHMENT = "punishment", "惩处"


class RewardPunishment(CadreChild):
    """奖惩情况 (A14)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="rewards")
    kind = models.CharField("类别", max_length=12, choices=RewardKind.choices, default=RewardKind.REWARD)
    title = models.CharField("奖惩名称", max_length=100, help_text="如：记三等功、嘉奖、诫勉。")
    decided_on = models.DateField("批准日期")
    approving_body = models.CharField("批准机关", max_length=100, blank=True)
    reason = models.CharField("奖惩原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "奖惩情况"
        verbose_name_plural = "奖惩情况"
        ordering = ["cadre", "decided_on", "id"]
        indexes = [models.Index(fields=["cadre", "decided_on"], name="reward_cadre_idx")]

    def __str__(self) -> str:
        return f"{dates.format_month(self.decided_on)} {self.title}"

    def clean(self) -> None:
        # Printed on the 任免审批表: a 批准日期 to come, or before the cadre could work, is a typing error.
        errors = future_date_errors(self, decided_on="批准日期")
        for name, message in working_age_errors(self, decided_on="批准日期").items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)


class AssessmentGrade(models.TextChoices):
    """年度考核等次."""

    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASICALLY_COMPETENT = "basically_competent", "基本称职"
    INCOMPETENT = "incompetent", "不称职"
    UNRATED = "unrated", "不定等次"


EXCELLENT_MIN_SCORE = Decimal("90")
REVIEW_BELOW_SCORE = Decimal("80")


class Assessment(CadreChild):
    """年度考核 (A15): the grade and the political-quality score (政治素质测评).

    优秀 needs a score of at least 90 (refused in ``clean`` and by a constraint); below 80
    the case is reviewed one by one (``needs_review``, a generated column so a bulk import
    sets it too) and ``cadres.services.assessment_follow_up`` puts it on the books.
    """

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField("考核年度", validators=[MinValueValidator(1980), MaxValueValidator(2100)])
    grade = models.CharField("考核等次", max_length=20, choices=AssessmentGrade.choices)
    political_score = models.DecimalField(
        "政治素质测评得分", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    remarks = models.CharField("备注", max_length=300, blank=True)
    needs_review = models.GeneratedField(
        expression=Q(political_score__lt=REVIEW_BELOW_SCORE),
        output_field=models.BooleanField(verbose_name="需逐一复核"),
        db_persist=True, verbose_name="需逐一复核",
    )

    class Meta:
        permissions = [("import_assessment", "可导入年度考核"), ("export_assessment", "可导出年度考核")]
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["cadre", "-year"]
        indexes = [
            models.Index(fields=["year", "grade"], name="assessment_year_grade_idx"),
            models.Index(fields=["needs_review"], name="assessment_review_idx", condition=Q(needs_review=True)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year"], name="assessment_one_per_year",
                violation_error_message="该干部该年度的考核结果已录入。",
            ),
            models.CheckConstraint(
                condition=Q(political_score__isnull=True) | Q(political_score__gte=0, political_score__lte=100),
                name="assessment_score_range",
                violation_error_message="政治素质测评得分应在0到100之间。",
            ),
            models.CheckConstraint(
                condition=~Q(grade="excellent") | Q(political_score__isnull=False, political_score__gte=EXCELLENT_MIN_SCORE),
                name="assessment_excellent_needs_score_90",
                violation_error_message="确定为“优秀”等次须有不低于 90 分的政治素质测评得分。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.get_grade_display()}"

    @property
    def is_below_review_line(self) -> bool:
        """Below 80: the same test as ``needs_review``, readable before the row is reloaded."""
        return self.political_score is not None and self.political_score < REVIEW_BELOW_SCORE

    def clean(self) -> None:
        if self.year and self.year > dates.today().year:
            raise ValidationError({"year": f"考核年度不能晚于今年（{dates.today().year}年）。"})
        if errors := working_age_year_errors(self, year="考核年度"):
            raise ValidationError(errors)
        if self.grade != AssessmentGrade.EXCELLENT:
            return
        if self.political_score is None:
            raise ValidationError({"political_score": "确定为“优秀”等次须填写政治素质测评得分（不低于 90 分）。"})
        if self.political_score < EXCELLENT_MIN_SCORE:
            raise ValidationError({
                "grade": f"政治素质测评得分为 {self.political_score:g} 分，低于 90 分，当年度不得确定为“优秀”等次。"
            })


class PositionQuota(Audited):
    """职数: the leadership positions a unit is authorised to fill at one rank (核定职数,
    set by the level above with a 批准文号)."""

    scope_field = "unit"

    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="position_quotas")
    rank = models.CharField("职务层次", max_length=20, choices=Rank.choices)
    approved = models.PositiveSmallIntegerField("核定职数")
    # 职数 are approved by the level above (编制部门/上级组织部门): the document that set the
    # current number. Required whenever 核定职数 is set or changed (cadres.rules.check_quota).
    approval_document = models.CharField("批准文号", max_length=100, blank=True)
    remarks = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "职数"
        verbose_name_plural = "职数"
        ordering = ["unit__path", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "rank"], name="quota_unit_rank_unique",
                violation_error_message="该单位该职务层次的职数已核定。",
            ),
        ]
        indexes = [models.Index(fields=["rank"], name="quota_rank_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_rank_display()} {self.approved}名"
