"""Rectification checklists (整改清单, 挂账销号).

An inspection, a democratic-life meeting, an assessment, an unannounced visit or a
campaign produces a problem list (问题清单). Each problem carries its responsibility
(责任清单: unit, person, leading leader) and its rectification (整改清单: measure and
deadline). An item is put on the books (挂账) and struck off (销号) only with evidence and
a reviewer's sign-off; a look-back (回头看) can put it on the books again.

State changes happen only in :mod:`orgwork.rectification.services`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from orgwork.audit.models import Audited
from orgwork.common import dates
from orgwork.common.versioning import Versioned
from orgwork.units.models import Unit

from .evidence import check_evidence_file


def _related_or_none(instance: models.Model, name: str) -> Any:
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


class ChecklistSource(models.TextChoices):
    """问题来源: where the problems were found."""

    INSPECTION = "inspection", "巡视反馈"
    DEMOCRATIC_LIFE = "democratic_life", "专题民主生活会"
    THEME_EDUCATION = "theme_education", "主题教育"
    ANNUAL_ASSESSMENT = "annual_assessment", "年度考核"
    POLITICAL_ASSESSMENT = "political_assessment", "政治素质考核"
    UNANNOUNCED_VISIT = "unannounced_visit", "督查暗访"
    WEAK_BRANCH = "weak_branch", "软弱涣散整顿"
    SPECIAL_CAMPAIGN = "special_campaign", "专项整治"
    OTHER = "other", "其他"


class ItemState(models.TextChoices):
    """整改状态."""

    ON_BOOKS = "on_books", "挂账"
    IN_PROGRESS = "in_progress", "整改中"
    CLOSURE_REQUESTED = "closure_requested", "申请销号"
    CLOSED = "closed", "已销号"
    REOPENED = "reopened", "重新挂账"


# How much of a problem names its item in lists and choices.
SHORT_PROBLEM = 40


def short_text(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters and marked 「…」, never inside a number or
    a Latin word: 「得分 76 分，低于 80 分」 is not cut to 「低于 8…」 (which reads as 8)."""
    cut = limit
    while 0 < cut < len(text) and text[cut - 1].isascii() and text[cut - 1].isalnum() \
            and text[cut].isascii() and text[cut].isalnum():
        cut -= 1
    return text[: cut or limit].rstrip() + "…"


class Checklist(Audited):
    """问题清单 (the header of one 整改清单): the source, the document that issued it
    (文号 and date), the unit concerned (被巡视/被检查单位) and the year.

    A *standing* checklist (常设清单) collects the items other modules open one by one
    (a political score below 80, a weak branch, a failed spot check): one per source,
    unit and year, created on demand by ``rectification_open_item``.
    """

    scope_field = "unit"

    source = models.CharField("问题来源", max_length=30, choices=ChecklistSource.choices)
    title = models.CharField("清单名称", max_length=200)
    document_number = models.CharField("文号", max_length=100, blank=True, help_text="如：甘巡反〔2026〕3号")
    document_date = models.DateField("印发日期", null=True, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="所涉单位", on_delete=models.PROTECT, related_name="rectification_checklists")
    year = models.PositiveSmallIntegerField("年度")
    is_standing = models.BooleanField("常设清单", default=False, editable=False,
                                      help_text="由其他业务自动挂账的问题归入按来源、单位、年度设立的常设清单。")
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "问题清单"
        verbose_name_plural = "问题清单"
        permissions = [("import_checklist", "可以导入问题清单"), ("export_checklist", "可以导出问题清单")]
        ordering = ["-year", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "unit", "year"], condition=models.Q(is_standing=True), name="rect_one_standing_checklist"
            ),
            models.UniqueConstraint(
                fields=["unit", "document_number"], condition=~models.Q(document_number=""), name="rect_checklist_docno_unique",
                violation_error_message="该单位已有相同文号的问题清单。",
            ),
            models.CheckConstraint(condition=models.Q(year__gte=1949) & models.Q(year__lte=2100), name="rect_checklist_year_range",
                                   violation_error_message="年度应在1949年至2100年之间。"),
        ]
        indexes = [
            models.Index(fields=["source", "-year"], name="rect_checklist_source_idx"),
            models.Index(fields=["unit", "-year"], name="rect_checklist_unit_idx"),
            models.Index(fields=["-year", "-created_at"], name="rect_checklist_order_idx"),
            models.Index(fields=["document_number"], name="rect_checklist_docno_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.document_number}）" if self.document_number else self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.year and self.year > dates.today().year:
            errors["year"] = f"清单年度不能晚于今年（{dates.today().year}年）。"
        if dates.after_today(self.document_date):
            errors["document_date"] = "印发日期不能晚于今天。"
        elif self.document_date and self.year and self.document_date.year > self.year + 1:
            errors["document_date"] = "印发日期与清单年度相差过大，请核对。"
        elif message := self.items_before_issue_error():
            errors["document_date"] = message
        if errors:
            raise ValidationError(errors)

    def items_before_issue_error(self) -> str:
        """A later 印发日期 may not leave an item of the checklist due before it (the item's
        own rule, :meth:`RectificationItem.clean`): its page, the sheet and the services
        all save through ``full_clean``. Asked only when the date is written now, so that
        a checklist on record is edited as it stands."""
        if self._state.adding or not isinstance(self.document_date, datetime.date) \
                or not self.written_now("document_date"):
            return ""
        first = (self.items.filter(deadline__lt=self.document_date).order_by("deadline", "pk")
                 .values_list("deadline", flat=True).first())
        if first is None:
            return ""
        return (f"印发日期 {self.document_date:%Y-%m-%d} 晚于本清单整改事项的整改时限 {first:%Y-%m-%d}："
                f"整改时限不能早于清单印发日期，请核对印发日期（整改时限只能通过整改事项的「延期」调整）。")


class RectificationItem(Versioned, Audited):
    """整改事项: one row of the three linked lists — the problem (问题清单), who is
    responsible for it (责任清单: 责任单位、责任人、牵头领导) and how and by when it is
    rectified (整改清单: 整改措施、整改时限) — with its 挂账销号 state.

    Scope follows the *responsible unit*: a county sees the items assigned to it even
    when the checklist belongs to the province, and the checklist's own unit sees them
    all because the responsible unit must lie within its subtree (see ``clean``).
    """

    scope_field = "responsible_unit"

    checklist = models.ForeignKey(Checklist, verbose_name="问题清单", on_delete=models.PROTECT, related_name="items")
    # The checklist's source, kept on the item so that lists filter it without a join and
    # spreadsheets carry it per row (问题来源); ``clean`` keeps the two equal.
    source = models.CharField("问题来源", max_length=30, choices=ChecklistSource.choices, editable=False)
    problem = models.TextField("问题描述")
    responsible_unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="rectification_items"
    )
    responsible_person = models.CharField("责任人", max_length=50, blank=True)
    lead_leader = models.CharField("牵头领导", max_length=50, blank=True)
    measure = models.TextField("整改措施", blank=True)
    deadline = models.DateField("整改时限", null=True, blank=True,
                                help_text="事项挂账后调整整改时限，请使用「延期」并说明理由。")
    # The deadline set when the item was put on the books (or first given one): 按期整改
    # is measured against it, so an extension never turns a late item into an on-time one.
    original_deadline = models.DateField("原定整改时限", null=True, blank=True, editable=False)
    state = models.CharField("整改状态", max_length=20, choices=ItemState.choices, default=ItemState.ON_BOOKS, editable=False)
    account = models.TextField("整改情况说明", blank=True, help_text="申请销号时须有佐证材料或书面整改情况说明。")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="销号申请人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    requested_at = models.DateTimeField("申请销号时间", null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True, editable=False)
    return_reason = models.TextField("退回原因", blank=True, editable=False)
    reopen_reason = models.TextField("重新挂账原因", blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField("重新挂账次数", default=0, editable=False)

    # The record in another module that raised the problem (a cadre's assessment, a branch…),
    # held generically so that the kernel never imports the domain apps.
    source_content_type = models.ForeignKey(ContentType, verbose_name="来源对象类型", null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+", editable=False)
    source_object_id = models.CharField("来源对象编号", max_length=64, blank=True, editable=False)
    source_object = GenericForeignKey("source_content_type", "source_object_id")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="挂账人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField("挂账时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    @classmethod
    def narrow_to(cls, queryset: models.QuerySet[RectificationItem], user: Any) -> models.QuerySet[RectificationItem]:
        """An item raised from a record (a party member's 自行脱党 review, a cadre's
        assessment) names that record: it is seen by those who may view that kind of
        record, in their jurisdiction (``orgwork.units.scope.scope_queryset``). Items
        put on the books by hand are seen by all in scope."""
        return queryset.filter(cls.visible_q(user))

    @staticmethod
    def visible_q(user: Any, prefix: str = "") -> models.Q:
        """The condition of :meth:`narrow_to`, for counts that reach items through a
        relation (``prefix="items__"``)."""
        viewable = []
        for permission in user.get_all_permissions() if hasattr(user, "get_all_permissions") else ():
            app_label, _, codename = permission.partition(".")
            if codename.startswith("view_"):
                try:
                    model = apps.get_model(app_label, codename[5:])
                except LookupError:  # a right named view_… that is not a model's (view_unmasked_id_number)
                    continue
                viewable.append(ContentType.objects.get_for_model(model).pk)  # cached after the first
        return (models.Q(**{f"{prefix}source_content_type__isnull": True})
                | models.Q(**{f"{prefix}source_content_type__in": viewable}))

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["deadline", "id"]
        permissions = [
            ("request_closure_rectificationitem", "可以申请销号"),
            ("approve_closure_rectificationitem", "可以审核销号（销号或退回）"),
            ("reopen_rectificationitem", "可以回头看重新挂账"),
            ("extend_deadline_rectificationitem", "可以延期（调整整改时限）"),
            ("import_rectificationitem", "可以导入整改事项"),
            ("export_rectificationitem", "可以导出整改事项"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=ItemState.values), name="rect_item_state_valid",
                                   violation_error_message="整改状态不是可选值。"),
            models.CheckConstraint(
                condition=~models.Q(state=ItemState.CLOSED) | models.Q(closed_at__isnull=False, reviewed_by__isnull=False),
                name="rect_item_closed_has_reviewer",
                violation_error_message="已销号的整改事项须有销号时间和审核人。",
            ),
            # A deadline is set with its original, and an extension only moves it later.
            models.CheckConstraint(
                condition=(models.Q(deadline__isnull=True, original_deadline__isnull=True)
                           | models.Q(deadline__isnull=False, original_deadline__isnull=False,
                                      deadline__gte=models.F("original_deadline"))),
                name="rect_item_deadline_not_before_original",
                violation_error_message="整改时限不能早于原定整改时限。",
            ),
            # One open item per source record: opening again is idempotent (see services).
            models.UniqueConstraint(
                fields=["source_content_type", "source_object_id"],
                condition=models.Q(source_content_type__isnull=False) & ~models.Q(state="closed"),
                name="rect_item_one_open_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["checklist", "state"], name="rect_item_checklist_idx"),
            models.Index(fields=["source", "state"], name="rect_item_source_idx"),
            models.Index(fields=["state", "deadline"], name="rect_item_state_deadline_idx"),
            models.Index(fields=["responsible_unit", "state"], name="rect_item_unit_idx"),
            models.Index(fields=["responsible_person"], name="rect_item_person_idx"),
            models.Index(fields=["deadline", "id"], name="rect_item_order_idx"),
            models.Index(fields=["source_content_type", "source_object_id"], name="rect_item_source_obj_idx"),
        ]

    def __str__(self) -> str:
        text = self.problem.strip().splitlines()[0] if self.problem.strip() else "（未填写问题）"
        return text if len(text) <= SHORT_PROBLEM else short_text(text, SHORT_PROBLEM)

    @property
    def is_extended(self) -> bool:
        """延期: the deadline was moved past the one set at opening."""
        original, deadline = self.original_deadline, self.deadline
        return original is not None and deadline is not None and deadline > original

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.problem or not self.problem.strip():
            errors["problem"] = "请填写问题描述。"
        # An inline form sets the parent before it is saved: read the objects, not the ids.
        checklist = _related_or_none(self, "checklist")
        unit = _related_or_none(self, "responsible_unit")
        if checklist is not None and self.source and self.source != checklist.source:
            errors["source"] = (
                f"问题来源「{self.get_source_display()}」与所属清单「{checklist}」的来源「{checklist.get_source_display()}」不一致。"
            )
        if checklist is not None and unit is not None and not unit.is_within(checklist.unit):
            errors["responsible_unit"] = (
                f"责任单位「{unit}」不在清单所涉单位「{checklist.unit}」及其下级单位范围内。"
            )
        if checklist is not None and self.deadline and checklist.document_date and self.deadline < checklist.document_date:
            errors["deadline"] = f"整改时限 {self.deadline:%Y-%m-%d} 早于清单印发日期 {checklist.document_date:%Y-%m-%d}。"
        if errors:
            raise ValidationError(errors)


class EvidenceFile(FieldFile):
    """A stored 佐证材料 file, whose address is its scoped, audited download on the item
    (uploaded files are secrets and never served as media): every page that links the file
    — the upload widget, the read-only row, a frozen item — links there."""

    @property
    def url(self) -> str:
        self._require_file()
        evidence = self.instance
        if evidence.pk is None or evidence.item_id is None:
            return ""
        return reverse("admin:rectification_rectificationitem_evidence", args=[evidence.item_id, evidence.pk])


class EvidenceFileField(models.FileField):
    """附件 of a 佐证材料: a file field whose files link to their download (``EvidenceFile``)."""

    attr_class = EvidenceFile

    def deconstruct(self) -> Any:
        # Stored as a plain file field: the link is presentation, not schema.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.FileField", args, kwargs


class Evidence(Audited):
    """佐证材料: a file (整改报告、会议记录、照片…) attached to an item as proof of rectification."""

    scope_field = "item__responsible_unit"

    item = models.ForeignKey(RectificationItem, verbose_name="整改事项", on_delete=models.CASCADE, related_name="evidence")
    file = EvidenceFileField("附件", upload_to="rectification/evidence/%Y/%m/", validators=[check_evidence_file],
                            help_text="PDF、JPG/PNG 图片或 Word/Excel/PowerPoint、WPS、OFD 文件，按内容核验，不得含宏。")
    description = models.CharField("材料说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["item", "uploaded_at"], name="rect_evidence_item_idx")]

    def __str__(self) -> str:
        return self.description or self.file.name.rsplit("/", 1)[-1]


class ItemTransition(models.Model):
    """整改流转记录: the per-item timeline (挂账、开始整改、延期、申请销号、销号、退回、回头看).

    The audit log holds the same events for the whole system; this table answers
    "what happened to this item" in one indexed query. It is itself a log, written
    only by the services and never edited, so it is not an ``Audited`` model.
    """

    scope_field = "item__responsible_unit"

    item = models.ForeignKey(RectificationItem, verbose_name="整改事项", on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField("操作", max_length=30)
    label = models.CharField("操作名称", max_length=30)
    from_state = models.CharField("原状态", max_length=20, choices=ItemState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=ItemState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "整改流转记录"
        verbose_name_plural = "整改流转记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["item", "at"], name="rect_transition_item_idx")]

    def __str__(self) -> str:
        return f"{self.label}：{self.get_from_state_display() or '—'} → {self.get_to_state_display()}"
