"""Sheets that try out ID numbers (身份证号试探).

A user without the right to whole ID numbers sees a person's number masked as
620102********016X and the birth month beside it (1966.05): only the day is hidden, and
of the month's days two or three give the number's check character. A sheet that names
the person by each candidate number (a 党费 sheet, a roster sheet) answered for each:
"not in the roster" for the wrong ones, and for the right one its ordinary row — one
upload gave the whole number back, which the lists' search refuses to do.

:func:`refuse_near_misses` closes that: a number the sheet names that finds no record,
yet masks to the same form as a person of the importer's jurisdiction (the same first
twelve characters — place and birth month — and the same last four), refuses the whole
sheet with one message that names no row, so that the rows found and not found are not
told apart; and writes a failed 查看敏感信息 audit row on the person the number resembles,
for the security auditor. A holder of the right is not asked: he sees the numbers.
A typing error that keeps place, birth month, tail and check character all right is
rare; the message says what to compare against the source sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.common import secrets
from orgwork.units.scope import scope_queryset

NEAR_MISS_MESSAGE = (
    "表中有身份证号与您管辖范围内某人的身份证号遮盖后相同（前6位、出生年月和末4位都相同），却不是此人的号码。"
    "没有查看完整身份证号权限的用户，不能用表格逐个核对这样的号码：整表未导入，也不逐行列出校验结果；"
    "此次导入已记入审计日志。如系录入错误，请与来源表格逐一核对表中人员的身份证号后重新导入。"
)
PROBE_AUDIT_MESSAGE = "导入的表格中有与此人身份证号遮盖后相同、却不是其号码的身份证号（疑似试探完整身份证号），整表未导入"
SLICE = 200  # numbers per query: an OR of prefix-and-tail pairs


class ProbeRefused(Exception):
    """The sheet is refused (see the module docstring); ``audit`` writes the failed
    查看敏感信息 row on the person the number resembles. The import run calls it once
    the run's transaction, if any, is rolled back, so that the row stays, and refuses the
    file with :data:`NEAR_MISS_MESSAGE`."""

    def __init__(self, resembled: models.Model) -> None:
        super().__init__(NEAR_MISS_MESSAGE)
        self.resembled = resembled

    def audit(self) -> None:
        record(self.resembled, action=AuditAction.VIEW_SENSITIVE, success=False, message=PROBE_AUDIT_MESSAGE)


def refuse_near_misses(model: type[models.Model], user: Any, missing: Iterable[Any]) -> None:
    """Raise :class:`ProbeRefused` if one of the ``missing`` numbers — numbers a
    sheet names that found no record of ``model`` — masks to the same form as the ID
    number of a ``model`` record within ``user``'s jurisdiction, for a user who may not
    see ``model``'s whole numbers."""
    if (user is None or secrets.sensitive_fields(model).get("id_number") != secrets.ID_NUMBER
            or secrets.may_unmask(user, model)):
        return
    numbers = sorted({n for n in missing if isinstance(n, str) and len(n) == 18})
    if not numbers:
        return
    visible = scope_queryset(model._default_manager.all(), user)
    for start in range(0, len(numbers), SLICE):
        condition = Q()
        for number in numbers[start:start + SLICE]:
            condition |= Q(id_number__startswith=number[:12], id_number__endswith=number[-4:])
        resembled = visible.filter(condition).exclude(id_number__in=numbers).order_by("pk").first()
        if resembled is not None:
            raise ProbeRefused(resembled)
