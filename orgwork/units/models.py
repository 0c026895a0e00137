"""Units (单位 / 组织机构): the jurisdiction tree every record hangs from."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper

from orgwork.audit.models import Audited

PATH_SEPARATOR = "/"
PLACE_SEPARATOR = "·"
CODE_TWIN_MESSAGE = "单位代码已存在（不区分大小写），不能重复。"
code_validator = RegexValidator(r"^[0-9A-Za-z_-]{1,30}$", "单位代码只能由字母、数字、下划线或短横线组成，最长30位。")


class UnitType(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", "党委"
    # A department of a committee (县委组织部): of its committee's level and under it, where
    # a 党委 of that level would be a second division inside the first.
    PARTY_DEPARTMENT = "party_department", "党委工作部门"
    GOVERNMENT = "government", "政府部门"
    INSTITUTION = "institution", "事业单位"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    UNIVERSITY = "university", "高校"
    TOWNSHIP = "township", "乡镇"
    VILLAGE = "village", "村社区"
    OTHER = "other", "其他"


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡级"


# 行政层级 from the top: a unit never sits under one of a lower level.
LEVEL_RANK = {UnitLevel.PROVINCE: 0, UnitLevel.CITY: 1, UnitLevel.COUNTY: 2, UnitLevel.TOWNSHIP: 3}


class Unit(Audited):
    """单位. One node of the jurisdiction tree (省 → 市州 → 县区 → 乡镇, plus departments).

    ``path`` is the materialised path of codes from the root, ``"62/6201/620102/"``,
    so a subtree is one indexed prefix query. It is derived from ``parent`` and
    ``code`` by :func:`orgwork.units.services.unit_save`, which also rewrites the
    descendants when a unit moves.
    """

    scope_field = ""  # a unit is scoped by its own path

    code = models.CharField(
        "单位代码",
        max_length=30,
        unique=True,
        validators=[code_validator],
        error_messages={"unique": "单位代码已存在，不能重复。"},
    )
    name = models.CharField("单位名称", max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    unit_type = models.CharField("单位类型", max_length=20, choices=UnitType.choices, default=UnitType.GOVERNMENT)
    level = models.CharField("行政层级", max_length=10, choices=UnitLevel.choices, default=UnitLevel.COUNTY)
    path = models.CharField("层级路径", max_length=400, editable=False, db_index=True)
    # "兰州市城关区·东关镇": the name with its place, so that the 86 城关镇 of a province can
    # be told apart in every list, filter, choice, export and mail. Derived from the tree
    # by orgwork.units.services.unit_save, which rewrites it below a unit that moves or is renamed.
    full_name = models.CharField("单位全称", max_length=400, editable=False, default="")
    sort_order = models.PositiveIntegerField("排序号", default=0)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        permissions = [("import_unit", "可导入单位"), ("export_unit", "可导出单位")]
        constraints = [
            # Codes hold letters written in capitals by convention and typed in either case:
            # gs01a and GS01A are one code. Its index also serves a sheet's own-code lookup.
            models.UniqueConstraint(Upper("code"), name="unit_code_any_case_unique",
                                    violation_error_message=CODE_TWIN_MESSAGE),
        ]
        indexes = [
            # Prefix LIKE on PostgreSQL needs the pattern operator class.
            models.Index(fields=["path"], name="unit_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name"], name="unit_name_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.name

    @property
    def is_division(self) -> bool:
        """An administrative division (市州、县区 party committee), whose name is a place name."""
        return self.level in (UnitLevel.CITY, UnitLevel.COUNTY) and self.unit_type == UnitType.PARTY_COMMITTEE

    def placement_error(self, parent: Unit) -> str:
        """Why this unit cannot sit under ``parent`` ("" when it can): never under a unit
        of a lower 行政层级 (省级 → 市级 → 县级 → 乡级). Beside its own level only a unit
        that is not a place: a department, an institution (省委组织部 under 甘肃省), a
        乡镇 under a 乡级 work committee (工委). A division (市州/县区党委) under another of
        its level, or a 乡镇 under another 乡镇, would join the other's jurisdiction."""
        own, above = LEVEL_RANK.get(self.level), LEVEL_RANK.get(parent.level)
        if own is None or above is None:
            return ""  # an unknown level is the field's own error
        if own < above:
            return (f"上级单位「{parent}」是{parent.get_level_display()}单位，{self.get_level_display()}单位不能隶属于它："
                    "上级单位的行政层级不能低于本单位（省级、市级、县级、乡级依次向下）。")
        if own > above:
            return ""
        if self.is_division:
            return (f"{self.get_level_display()}党委须隶属于更高层级的单位（区县隶属于市州，市州隶属于省），"
                    f"不能隶属于同为{parent.get_level_display()}的「{parent}」。"
                    "本级党委的工作部门，请将单位类型选为「党委工作部门」。")
        if self.unit_type == UnitType.TOWNSHIP and parent.unit_type == UnitType.TOWNSHIP:
            return f"乡镇须隶属于区县、市州或乡级党委（工委），不能隶属于另一个乡镇「{parent}」。"
        return ""

    def computed_full_name(self) -> str:
        """The place-qualified name from the parent's: divisions run together
        (兰州市 + 城关区 → 兰州市城关区), anything else follows a "·" (兰州市城关区·东关镇).
        The root and the units directly below it (provincial departments) keep their name."""
        parent = self.parent if self.parent_id else None
        if parent is None or parent.parent_id is None:
            return self.name
        prefix = parent.full_name or parent.name
        if self.is_division and parent.is_division:
            return f"{prefix}{self.name}"
        return f"{prefix}{PLACE_SEPARATOR}{self.name}"

    @property
    def depth(self) -> int:
        return self.path.count(PATH_SEPARATOR)

    def computed_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}{PATH_SEPARATOR}"

    def clean(self) -> None:
        if self.parent_id is None:
            # One deployment serves one department's jurisdiction: a single root, whose
            # staff see everything (orgwork.units.scope relies on it).
            other_root = Unit.objects.filter(parent=None).exclude(pk=self.pk).first()
            if other_root is not None:
                raise ValidationError({"parent": f"已有最高层级单位「{other_root}」，请选择上级单位。"})
            self._check_children()
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "上级单位不能是本单位。"})
        if self.pk and self.path and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": f"不能把单位移到它自己的下级单位「{self.parent}」之下：会形成循环。"})
        if message := self.placement_error(self.parent):
            raise ValidationError({"parent": message})
        self._check_children()

    def _check_children(self) -> None:
        """A changed level or type keeps every unit directly below in its place."""
        if not self.pk or self.pk < 0:  # new, or a sheet's stand-in for a row not yet written
            return
        for child in Unit.objects.filter(parent_id=self.pk).order_by("path"):
            if child.placement_error(self):
                raise ValidationError({"level": f"下级单位「{child}」是{child.get_level_display()}"
                                                f"{child.get_unit_type_display()}，不能隶属于"
                                                f"{self.get_level_display()}{self.get_unit_type_display()}："
                                                "请先调整下级单位，或保持本单位的行政层级和单位类型。"})

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or lies below it."""
        return self.path.startswith(other.path)
