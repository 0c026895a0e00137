"""Saved lists (保存的台账查询): a filter combination under a name."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from orgwork.audit.models import Audited


class SavedList(Audited):
    """保存的查询. Opens the same filters for anyone; the rows are always computed with
    the viewer's own scope, so sharing a list never widens what a colleague sees."""

    scope_field = "unit"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="保存人", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+")
    worklist = models.CharField("台账", max_length=60)
    name = models.CharField("名称", max_length=60)
    query = models.CharField("筛选条件", max_length=2000, blank=True)
    shared = models.BooleanField("本单位共享", default=False)
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = "保存的查询"
        verbose_name_plural = "保存的查询"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "worklist", "name"], name="savedlist_unique_name_per_owner"),
        ]
        indexes = [models.Index(fields=["worklist", "unit"], name="savedlist_worklist_unit_idx")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def accessible(cls, user: Any) -> models.QuerySet[SavedList]:
        """The user's own lists, and those shared within their unit."""
        return cls.objects.filter(Q(owner=user) | Q(shared=True, unit_id=getattr(user, "unit_id", None)))

    @classmethod
    def open_to(cls, user: Any, worklist: str) -> models.QuerySet[SavedList]:
        return cls.accessible(user).filter(worklist=worklist).select_related("owner")
