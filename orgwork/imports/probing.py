"""Sheets and forms that try out ID numbers (身份证号试探).

A user without the right to whole ID numbers sees a person's number masked as
620102********016X and the birth month beside it (1966.05): only the day is hidden, and
of the month's days two or three give the number's check character. A sheet that names
the person by each candidate number answered for each: a 党费 sheet "not in the roster"
for the wrong ones and its ordinary row for the right one; a sheet that registers people
by number (党员名册, 发展党员, 人才, 干部) 「新增」 for the wrong ones and 「未变」/「更新」
for the right one — one upload gave the whole number back, which the lists' search
refuses to do. An add form (and 登记省外转入) answered alike, one number a try.

:func:`refuse_near_misses` closes that: a number the sheet names that finds no record,
yet masks to the same form as a person of the importer's jurisdiction (the same first
twelve characters — place and birth month — and the same last four), refuses the whole
sheet with one message that names no row, so that the rows found and not found are not
told apart; and writes a failed 查看敏感信息 audit row on the person the number resembles,
for the security auditor. A holder of the right is not asked: he sees the numbers.
A typing error that keeps place, birth month, tail and check character all right is
rare; the message says what to compare against the source sheet, and that a person who
is indeed another one is registered by someone who holds the right.

Sheets that look people up call it from ``ByIdNumberWidget`` with the numbers that found
no one; sheets that register people, from the import engine with the keys of the rows
that found no record (the new rows), chunk by chunk. The services that add a person one
at a time (a member, an applicant, a talent, a cadre, 省外转入) call
:func:`refuse_new_near_miss`, which raises :class:`NearMissRefused`: a
``ValidationError`` on the ID number, whose audit row is written by whoever ends the
refused transaction (the admin's add page, 登记省外转入, a new cadre's ``.lrmx``), so
that the row stays.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.common import idnumber, secrets
from orgwork.units.scope import scope_queryset

NEAR_MISS_MESSAGE = (
    "表中有身份证号与您管辖范围内某人的身份证号遮盖后相同（前6位、出生年月和末4位都相同），却不是此人的号码。"
    "没有查看完整身份证号权限的用户，不能用表格逐个核对这样的号码：整表未导入，也不逐行列出校验结果；"
    "此次导入已记入审计日志。如系录入错误，请与来源表格逐一核对表中人员的身份证号后重新导入；"
    "如核对无误确为另一人，请由有查看完整身份证号权限的人员办理。"
)
# An add form says the same for the person's own number and for the others of its form:
# two answers would tell which of the two or three candidates is the person's.
NEAR_MISS_FORM_MESSAGE = (
    "该身份证号与您管辖范围内某人的身份证号遮盖后相同（前6位、出生年月和末4位都相同），未登记；"
    "此次登记已记入审计日志。如要登记的就是此人，已有记录，请在列表中按姓名查找；如系录入错误，请与来源材料核对后重新填写；"
    "如核对无误确为另一人，请由有查看完整身份证号权限的人员办理。"
)
PROBE_AUDIT_MESSAGE = "导入的表格中有与此人身份证号遮盖后相同、却不是其号码的身份证号（疑似试探完整身份证号），整表未导入"
FORM_PROBE_AUDIT_MESSAGE = "登记时填写的身份证号与此人的身份证号遮盖后相同、却不是其号码（疑似试探完整身份证号），未登记"
ELSEWHERE_AUDIT_MESSAGE = ("导入的表格中有此人的身份证号，此人不在导入人的管辖范围内，该行未导入"
                           "（人员已调往他处，或疑似试探完整身份证号）")
FORM_ELSEWHERE_AUDIT_MESSAGE = ("登记时填写的身份证号是此人的身份证号，此人不在登记人的管辖范围内，未登记"
                                "（人员已调往他处，或疑似试探完整身份证号）")
FORM_SAME_NUMBER_AUDIT_MESSAGE = "登记时填写的身份证号就是此人的身份证号（重复登记，或疑似试探完整身份证号），未登记"
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


class NearMissRefused(ValidationError):
    """登记被拒 (身份证号试探): a person added one at a time by a number that masks to the
    same form as another's (:func:`refuse_new_near_miss`). A ``ValidationError`` on the
    ID number for the form; :meth:`audit` writes the failed 查看敏感信息 row on the person
    it resembles, called by whoever ends the refused transaction (``audit_refusal``)."""

    audit_message = FORM_PROBE_AUDIT_MESSAGE

    def __init__(self, resembled: models.Model, actor: Any, field: str = "id_number") -> None:
        super().__init__({field: NEAR_MISS_FORM_MESSAGE}, code="near_miss")
        self.resembled, self.actor, self.audited = resembled, actor, False

    def audit(self) -> None:
        if not self.audited:
            record(self.resembled, action=AuditAction.VIEW_SENSITIVE, success=False, actor=self.actor,
                   message=self.audit_message)
            self.audited = True


def audit_refusal(error: BaseException) -> None:
    """Write the audit row of a refusal caught after its transaction's rollback, if it
    carries one (:class:`NearMissRefused`)."""
    if isinstance(error, NearMissRefused):
        error.audit()


def refuse_new_near_miss(instance: models.Model, actor: Any) -> None:
    """Raise :class:`NearMissRefused` if ``instance``, a record being added one at a time
    (a service: ``.lrmx``, 省外转入, commands), carries an ID number that finds no record
    yet masks to the same form as a person of the actor's jurisdiction, for an actor
    without the right to whole numbers: the add form's check (:func:`form_probe`). A
    number that finds its record is left to the uniqueness check here; the add form
    answers that one alike too."""
    if not instance._state.adding:
        return
    try:
        number = idnumber.normalise(getattr(instance, "id_number", None))
    except ValidationError:
        return  # the model's own check says what is wrong with it
    model = type(instance)
    if model._default_manager.filter(id_number=number).exists():
        return
    refusal = form_probe(model, actor, number)
    if refusal is not None:
        raise refusal


def _people_answered_for(model: type[models.Model], user: Any, number: str) -> list[type[models.Model]]:
    """The models whose people a number typed for ``model`` answers for (``model`` and its
    ``numbers_answer_for``) whose whole numbers ``user`` may not see; none for a number
    that is not a whole one or a user who is no one."""
    if user is None or len(number or "") != 18 or secrets.sensitive_fields(model).get("id_number") != secrets.ID_NUMBER:
        return []
    declared = secrets.declaration(model)
    others = [apps.get_model(label) for label in declared.numbers_answer_for] if declared is not None else []
    return [people for people in (model, *others) if not secrets.may_unmask(user, people)]


def form_probe(model: type[models.Model], user: Any, number: str) -> NearMissRefused | None:
    """The refusal of an add form's ID number ``number`` (身份证号试探), for a user without
    the right to whole numbers: a person of his jurisdiction, of ``model`` or of the models
    its numbers answer for, whose number masks to the same form — his own number included,
    which the uniqueness check would otherwise answer apart (「已被使用」). Checked whatever
    else the form says, so a try is refused and audited alike (``audit``). None: no such
    person, or a user who sees the numbers."""
    for people in _people_answered_for(model, user, number):
        resembled = (scope_queryset(people._default_manager.all(), user)
                     .filter(id_number__startswith=number[:12], id_number__endswith=number[-4:]).order_by("pk").first())
        if resembled is not None:
            refusal = NearMissRefused(resembled, user)
            refusal.audit_message = (FORM_SAME_NUMBER_AUDIT_MESSAGE if resembled.id_number == number
                                     else FORM_PROBE_AUDIT_MESSAGE)
            return refusal
    return None


def held_elsewhere(model: type[models.Model], user: Any, number: str) -> models.Model | None:
    """The person outside ``user``'s jurisdiction, of ``model`` or of the models its numbers
    answer for, whose number ``number`` is, for a user without the right to whole numbers.
    Such a number is refused (「已被使用」) where a number of no one is taken: the answer a
    person's number gets elsewhere cannot be made alike, so each such try is audited on
    that person for the security auditor (a cadre moved to another county, or a probe)."""
    for people in _people_answered_for(model, user, number):
        found = people._default_manager.filter(id_number=number).first()
        if found is not None and not scope_queryset(people._default_manager.filter(pk=found.pk), user).exists():
            return found
    return None


def audit_elsewhere(person: models.Model, actor: Any, message: str = ELSEWHERE_AUDIT_MESSAGE) -> None:
    record(person, action=AuditAction.VIEW_SENSITIVE, success=False, actor=actor, message=message)


def refuse_near_misses(model: type[models.Model], user: Any, missing: Iterable[Any],
                       registered: Container[str] = ()) -> None:
    """Raise :class:`ProbeRefused` if one of the ``missing`` numbers — numbers a
    sheet names that found no record of ``model`` — masks to the same form as the ID
    number of a ``model`` record within ``user``'s jurisdiction, for a user who may not
    see ``model``'s whole numbers; and so of the models whose numbers ``model``'s checks
    refuse (``Declaration.numbers_answer_for``: an applicants sheet answers 「已被使用」 for
    a member's number). ``registered``: numbers the same sheet added in its earlier
    chunks, whose people are not resembled (two new people of one masked form)."""
    if user is None or secrets.sensitive_fields(model).get("id_number") != secrets.ID_NUMBER:
        return
    numbers = sorted({n for n in missing if isinstance(n, str) and len(n) == 18})
    if not numbers:
        return
    forms: dict[tuple[str, str], set[str]] = {}
    for number in numbers:
        forms.setdefault(_form(number), set()).add(number)
    declared = secrets.declaration(model)
    others = [apps.get_model(label) for label in declared.numbers_answer_for] if declared is not None else []
    for people in (model, *others):
        if secrets.may_unmask(user, people):
            continue
        visible = scope_queryset(people._default_manager.all(), user)
        for start in range(0, len(numbers), SLICE):
            condition = Q()
            for number in numbers[start:start + SLICE]:
                condition |= Q(id_number__startswith=number[:12], id_number__endswith=number[-4:])
            # Resembled by another number of its form: not by its own (a member's number on
            # an applicants sheet is refused as 「已被使用」, whatever else the sheet holds).
            resembled = next((p for p in visible.filter(condition).order_by("pk").iterator()
                              if p.id_number not in registered and forms[_form(p.id_number)] - {p.id_number}), None)
            if resembled is not None:
                raise ProbeRefused(resembled)


def _form(number: str) -> tuple[str, str]:
    """What the masked number shows: the first twelve characters and the last four."""
    return number[:12], number[-4:]
