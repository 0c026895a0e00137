"""A record's free text (文字栏: 备注, 原因, 工作单位及职务…): what no text field may hold,
whatever it is for, on every path that writes one.

- A number as the lists mask it (联系人 139****5678, copied from a list, an export or a
  print): stored, the record would keep the stars for good, and no one could tell what
  number was meant (:func:`secrets.holds_masked_number`).
- A whole ID number (one whose check character holds): an ID number is registered in its
  own field and shown masked to whoever lacks the right; in a 备注 it would be shown whole
  to everyone who may read the 备注, on every page, list and export.
- Nothing but characters that cannot be seen (a zero-width space, a control character, an
  ideographic space): it reads as blank on every page, yet counts as written, so a required
  reason (例外原因, 出党原因, 欠缴原因) would be given by nothing.
- Nothing but punctuation and symbols (。。。, ……, ——, /): seen, but saying nothing, it too
  would give a required reason; in an optional field it stands for a blank, which is left
  blank.
- A character that turns the direction in which the text is drawn (U+202E…): what is
  shown would differ from what is stored (「理由\u202e号3」 reads as 「理由3号」).
- In a field that records a reason (原因、理由, a name ending in ``reason``): a word that
  stands for none (无, 暂无, 不详, N/A, x). It would give a required reason (逾期谈话原因 无)
  and read as one (欠缴原因 无 kept a member off the 自行脱党 review); without a reason the
  field is left blank, and the rule that needs one says so.

Business models check the text fields written now in ``clean_fields``
(:class:`orgwork.audit.models.Audited`); the services' one write door
(:func:`orgwork.common.contract.save_audited`) checks them again for the steps that write
without a form; the import engine checks a sheet's text cells as it reads them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db import models

from . import idnumber, names, secrets

# Control and format characters (zero-width spaces, the BOM, direction marks), separators
# and spaces of every kind, and the fillers that draw nothing (Hangul fillers, the blank
# Braille pattern).
_UNSEEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs", "Cs"})
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")

# Seventeen digits and a check character standing alone (not inside a longer run of
# digits; \d takes full-width digits too), or the same written in groups (6201 0219 6610
# 0800 11, 620102-19661008-0011): a space, a hyphen or a full-width space between digits.
_SEPARATOR = "[ \\-－‐\u3000]"
_ID_WRITTEN = re.compile(rf"((?:\d{_SEPARATOR}?){{17}})([\dXxＸｘ])(?!\d)")
_DIGIT_STARTS = re.compile(r"(?<!\d)\d")
_SEPARATORS = re.compile(_SEPARATOR)
_QUICK_PATTERN = rf"[*＊]|(?:\d{_SEPARATOR}?){{17}}"

WHOLE_ID_NUMBER = ("文字中有完整的身份证号：身份证号只登记在身份证号一栏，并按权限遮盖显示；文字中需要指明某人的，"
                   "请写姓名和身份证号后四位。")
SHOWS_NOTHING = ("只有看不见的字符（如零宽空格、控制字符或特殊空格），等于没有填写：请填写实际内容；"
                 "不需要填写的请留空。")
SAYS_NOTHING = "只有标点或符号，等于没有填写：请写明实际内容；不需要填写的请留空。"


# The characters that turn the direction in which the text after them is drawn (the
# embeddings, overrides and isolates of the Unicode bidirectional algorithm, and the
# direction marks): none belongs in Chinese text, and 「理由\u202e号3」 reads as 「理由3号」.
DIRECTION_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
TURNS_DIRECTION = ("文字中有改变文字方向的控制字符（从其他文件或网页复制的文字常带有这类看不见的字符），"
                   "会使显示的文字与实际保存的不同：请删去后重新输入。")
# A cell worth a closer look: a star, seventeen digits in a row, or a direction control.
_QUICK = re.compile(_QUICK_PATTERN + "|[" + "".join(sorted(DIRECTION_CONTROLS)) + "]")


def direction_control_error(text: str) -> str | None:
    """:data:`TURNS_DIRECTION` when ``text`` holds a direction control anywhere (a text that
    is nothing else is refused by :func:`text_error` already), None otherwise. For the text
    a reader takes as written (a step's 理由 and 批准文号 in the trail)."""
    return TURNS_DIRECTION if any(char in DIRECTION_CONTROLS for char in text) else None


def shows_nothing(text: str) -> bool:
    """Whether ``text`` holds only characters that cannot be seen, some of which are not
    spaces: blank text (spaces, an ideographic space) is blank to every check that strips
    it (a required reason's), a zero-width space is not."""
    inner = text.strip()
    return bool(inner) and all(
        char.isspace() or char in _FILLERS or unicodedata.category(char) in _UNSEEN for char in inner)


def says_nothing(text: str) -> bool:
    """Whether ``text`` holds something to see but neither a letter (a Chinese character
    included) nor a digit: punctuation and symbols only (。。。, ……, ——, /, ☆)."""
    inner = text.strip()
    return bool(inner) and not any(char.isalnum() for char in inner)


# Words that give no reason, compared without case, spaces and punctuation (「N/A」, 「无。」).
NO_REASON_WORDS = frozenset({
    "无", "没有", "暂无", "无原因", "无理由", "没有原因", "没有理由", "无特殊原因", "不详", "不清楚", "略", "空", "同上",
    "见上", "其他", "其它", "测试", "na", "none", "null", "nil", "x", "xx", "xxx", "test", "0",
})


def gives_no_reason(text: str) -> bool:
    """Whether ``text``, written as a reason, is a word that stands for none
    (:data:`NO_REASON_WORDS`)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(char for char in folded if char.isalnum()) in NO_REASON_WORDS


def no_reason_message(text: str) -> str:
    return f"「{text.strip()}」不是原因：请写明实际的原因或依据；没有的请留空。"


def records_a_reason(field: models.Field) -> bool:
    """Whether a text field records a reason: named so (``…reason``) or headed so (原因、理由)."""
    heading = str(field.verbose_name)
    return field.name.endswith("reason") or "原因" in heading or "理由" in heading


def may_hold_something_refused(text: str) -> bool:
    """A quick look for a column of cells: whether :func:`text_error` could refuse
    ``text`` (a star, seventeen digits in a row, a direction control, a first character
    that cannot be seen, or one that is neither a letter nor a digit)."""
    first = text[:1]
    return (first != "" and (not first.isalnum() or first in _FILLERS)) or _QUICK.search(text) is not None


def holds_whole_id_number(text: str) -> bool:
    """Whether ``text`` holds a whole ID number (eighteen characters whose check character
    holds), full-width digits included, written in one run or in groups. Written in groups,
    its birth date must be a date too, so that numbers that merely stand side by side (a
    phone beside a 文号) are seldom taken for one. Each run of digits is tried where it
    starts, so a number before it cannot swallow its first digits."""
    for start in _DIGIT_STARTS.finditer(text):
        match = _ID_WRITTEN.match(text, start.start())
        if match is None:
            continue
        written, check = match.groups()
        digits = unicodedata.normalize("NFKC", _SEPARATORS.sub("", written))
        check = unicodedata.normalize("NFKC", check).upper()
        if not digits.isascii() or idnumber.check_character(digits) != check:
            continue
        if digits == unicodedata.normalize("NFKC", written) or idnumber.birth_date_of(digits + check) is not None:
            return True
    return False


def text_error(text: str, *, typed: bool = True) -> str | None:
    """What free text may not hold, as the message for its field or cell; None if it may
    be stored. ``typed``: the message for a form or a step (a sheet's names the sheet)."""
    if not text:
        return None
    if shows_nothing(text):
        return SHOWS_NOTHING
    if says_nothing(text):
        return SAYS_NOTHING
    if secrets.holds_masked_number(text):
        return secrets.MASKED_IN_TYPED_TEXT if typed else secrets.MASKED_IN_TEXT
    if holds_whole_id_number(text):
        return WHOLE_ID_NUMBER
    return None


def field_text_error(field: models.Field, text: str, *, typed: bool = True) -> str | None:
    """:func:`text_error` for the text of one field, with the field's own further rules:
    a direction control anywhere (a name's own check says it of a name, in a name's
    words) and, in a field that records a reason, a word that gives none."""
    if message := text_error(text, typed=typed):
        return message
    if not _checked_as_a_name(field) and (message := direction_control_error(text)):
        return message
    if records_a_reason(field) and gives_no_reason(text):
        return no_reason_message(text)
    return None


def _checked_as_a_name(field: models.Field) -> bool:
    """A person's name, which :func:`names.name_error` checks (the ``name`` field of a
    record, or a field validated as a name)."""
    return field.name == "name" or names.validate_name in field.validators


def written_text_errors(instance: models.Model, names: Iterable[str] | None = None) -> dict[str, str]:
    """The text fields of ``instance`` (those in ``names``, or all) written now
    (``written_now``: a new record, or a value changed) that hold what :func:`text_error`
    refuses or, in a field that records a reason, a word that gives none
    (:func:`gives_no_reason`), each with its message. A value on record before is left alone, so that a step
    on an older record does not fail for it. A declared sensitive field (an ID number, a
    phone) is not free text: its own check refuses its masked form
    (:func:`secrets.masked_refusal`)."""
    written_now = getattr(instance, "written_now", None)
    declared = secrets.sensitive_fields(instance)
    wanted = None if names is None else set(names)
    errors: dict[str, str] = {}
    for f in instance._meta.concrete_fields:
        if (wanted is not None and f.name not in wanted) or f.name in declared:
            continue
        if not isinstance(f, (models.CharField, models.TextField)) or f.choices:
            continue
        value = getattr(instance, f.attname)
        if not isinstance(value, str) or not (written_now is None or written_now(f.name)):
            continue
        if message := field_text_error(f, value):
            errors[f.name] = message
    return errors
