"""Personal data (个人敏感信息): declared once, shown through one door.

``SENSITIVE`` declares, per model label, which fields hold personal data and of what
kind (身份证号, 联系电话, 住址), and the one permission that shows them in full. Every
output — lists, forms, read-only pages, print, ``.lrmx``, history, the audit trail,
import job pages, error workbooks, exports — asks this module:

- ``mask(value, kind)`` / ``mask_text(text)``: the masked form (``620102********0033``,
  ``138****5678``), the latter for free text such as a row's error message;
- ``may_unmask(user, model)``: whether the user holds the model's right;
- ``present(value, kind, user, instance=…)``: the full value for a user who holds the
  right, with a 查看敏感信息 audit row, the masked value for everyone else;
- ``audit_value(value, kind)`` / ``audit_json``: what the audit trail keeps instead of
  the value — the masked form and a keyed hash (HMAC-SHA256 under a key derived from
  ``SECRET_KEY``), so that "did it change?" can still be answered without the value.

The declaration names models by label, so this kernel module imports no domain app.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.safestring import SafeString, mark_safe

from . import idnumber
from .phones import normal_phone

ID_NUMBER = "id_number"
PHONE = "phone"
ADDRESS = "address"
# A birth date taken from the ID number: beside the masked number (whose hidden digits
# are exactly the birth date) it would give the whole number back; shown as its month.
BIRTH_DATE = "birth_date"
KIND_LABELS = {ID_NUMBER: "身份证号", PHONE: "联系电话", ADDRESS: "住址", BIRTH_DATE: "出生日期"}

# Any cause to refuse an ID number that names no record, no person and no unit (查无此人
# and 属于其他单位 read alike, so a number cannot be probed across jurisdictions).
def unavailable_message(label: str = "身份证号") -> str:
    return f"该{label}已被使用，请联系上级组织部门核实。"


ID_NUMBER_UNAVAILABLE = unavailable_message()


@dataclass(frozen=True)
class Declaration:
    """The personal-data fields of one model (field name → kind) and the permission
    (``app_label.codename``) that shows them in full, granted person by person."""

    fields: Mapping[str, str]
    unmask_permission: str
    # Column headers of this model's sheets that carry the same data under other names.
    headers: tuple[str, ...] = field(default=())
    # Other models whose ID numbers this one's checks refuse (an applicant's number held by
    # a member on the roll): a number tried on this model's sheets and forms tells about
    # their people too (身份证号试探, ``orgwork.imports.probing``).
    numbers_answer_for: tuple[str, ...] = field(default=())


# The one declaration. Family members (A36) hold no ID number, phone or address today;
# a model that gains one (family contacts) is added here and nowhere else. A cadre keeps
# only the month of birth; a party member, an applicant and a talent keep the day, taken
# from the number, and declare it.
_MEMBER_DATA = {"id_number": ID_NUMBER, "birth_date": BIRTH_DATE}
SENSITIVE: dict[str, Declaration] = {
    "cadres.cadre": Declaration({"id_number": ID_NUMBER}, "cadres.view_unmasked_id_number"),
    "talent.person": Declaration({"id_number": ID_NUMBER, "birth_date": BIRTH_DATE, "phone": PHONE},
                                 "talent.view_unmasked_id_number"),
    "accounts.user": Declaration({"mobile": PHONE}, "accounts.view_unmasked_mobile"),
    # Each refuses the other's numbers (an applicant's before the 支部大会 vote on the roster, a
    # member's on a 发展党员 file), so a number tried on either tells of both.
    "members.member": Declaration(_MEMBER_DATA, "members.view_unmasked_id_number",
                                  numbers_answer_for=("members.applicant",)),
    "members.applicant": Declaration(_MEMBER_DATA, "members.view_unmasked_id_number",
                                     numbers_answer_for=("members.member",)),
}

# Sheet headers under which personal data arrives, whatever the model (an assessments
# sheet names its cadre by 身份证号): masked in error workbooks.
SENSITIVE_HEADERS: dict[str, str] = {
    "身份证号": ID_NUMBER, "身份证号码": ID_NUMBER, "公民身份号码": ID_NUMBER, "证件号码": ID_NUMBER,
    "联系电话": PHONE, "电话": PHONE, "手机": PHONE, "手机号": PHONE, "手机号码": PHONE,
    "住址": ADDRESS, "家庭住址": ADDRESS, "现住址": ADDRESS, "通讯地址": ADDRESS,
}


def declaration(model: type[models.Model] | models.Model | str) -> Declaration | None:
    label = model if isinstance(model, str) else model._meta.label_lower
    return SENSITIVE.get(label.lower())


def sensitive_fields(model: type[models.Model] | models.Model | str) -> Mapping[str, str]:
    """``{field name: kind}`` of the model's personal data; empty when it has none."""
    found = declaration(model)
    return found.fields if found is not None else {}


def may_unmask(user: Any, model: type[models.Model] | models.Model | str) -> bool:
    """Whether ``user`` may see the model's personal data in full (False when the model
    declares none: nothing to unmask)."""
    found = declaration(model)
    return bool(found and user is not None and getattr(user, "is_active", False)
                and user.has_perm(found.unmask_permission))


# --- masking ---------------------------------------------------------------------

def mask_phone(value: str) -> str:
    """``138****5678``: the first three and the last four digits of a mobile number;
    shorter numbers keep their last two."""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) > 4:
        return "*" * (len(value) - 2) + value[-2:]
    return "*" * len(value)


def mask_address(value: str) -> str:
    """``甘肃省兰州市****``: the first six characters (province and city), no more."""
    return value[:6] + "****" if len(value) > 6 else "****"


def mask_birth_date(value: str) -> str:
    """``1980.05``: the year and month of a date (``1980-05-17``), never the day."""
    year, month = value[:4], value[5:7]
    return f"{year}.{month}" if len(value) >= 7 and year.isdigit() and month.isdigit() else "****"


_MASKERS = {ID_NUMBER: idnumber.mask, PHONE: mask_phone, ADDRESS: mask_address, BIRTH_DATE: mask_birth_date}


def stored_form(value: Any, kind: str | None) -> Any:
    """A cell of personal data as it will be stored: an ID number or a telephone number
    typed in full-width digits or with spaces (``６２０１０２ １９７５…``) in the one form
    the register keeps, so that a page showing what an import will write shows that,
    masked or whole. A value that has no such form (an ID number Excel made a number,
    what is no telephone number) is returned as typed, for the row's error to explain."""
    if not isinstance(value, str) or not value:
        return value
    if kind == ID_NUMBER:
        try:
            return idnumber.normalise(value)
        except ValidationError:
            return value
    if kind == PHONE:
        phone = normal_phone(value)
        return value if phone is None else phone
    return value


def mask(value: Any, kind: str = ID_NUMBER) -> Any:
    """The masked form of ``value``; None and "" are returned as they are."""
    if value is None or value == "":
        return value
    return _MASKERS[kind](str(value))


_BIRTH_MONTH = re.compile(r"\d{4}\.\d{2}")


def is_masked(value: Any, kind: str | None) -> bool:
    """Whether a cell's text is what masking writes for ``kind`` (遮蔽值): a text with its
    stars (``138****5678``, ``****``), or for a birth date its month alone (``1980.05``),
    which has none. A date cell, a number or a full value is not."""
    if not isinstance(value, str):
        return False
    return "*" in value or (kind == BIRTH_DATE and _BIRTH_MONTH.fullmatch(value.strip()) is not None)


def masked_refusal(value: Any, kind: str, label: str | None = None, *, on_sheet: bool = False) -> str | None:
    """Why ``value`` cannot be stored as personal data of ``kind`` (遮蔽值): it still holds a
    mask (``138****5678``, a birth date's month ``1980.05``), copied from a list, an export
    or an error workbook whose masks could not be put back; None for any other value.
    ``label`` names the column or field (联系电话, 手机号码), by default the kind's name.
    ``on_sheet``: a cell of an uploaded sheet, told to mend the original; otherwise typed
    on a form (as ``idnumber.validate``)."""
    if not is_masked(value, kind):
        return None
    if kind == BIRTH_DATE:  # its mask, the month, is also a date not written to the day
        label = label or KIND_LABELS[kind]
        if not on_sheet:
            return f"{label}不能是遮蔽后的年月，请填写完整的{label}（年月日）。"
        return (f"{label}只有年月或以 * 代替，是列表、导出文件或错误标注表中遮盖过的{label}，或未写到日："
                f"请在原表中改正后上传，或填写完整的{label}（年月日）。")
    if kind == ID_NUMBER:
        return idnumber.MASKED_ON_SHEET if on_sheet else idnumber.MASKED_ON_FORM
    label = label or KIND_LABELS[kind]
    if not on_sheet:
        return f"{label}不能是遮蔽后的号码，请填写完整的{label}。"
    return f"这是列表、导出文件或错误标注表中遮盖过的{label}（中间以 * 代替）：请在原表中改正后上传，或填写完整的{label}。"


# An ID number (18 characters, or an old 15-digit one) and a mainland mobile number that
# stand alone in a text: not inside a longer run of digits. A letter beside one does not
# make it another thing (ID620102…, Tel13912345678, 电话：13912345678转); \d takes
# full-width digits as well.
_ID18_IN_TEXT = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXxＸｘ])(?!\d)")
_ID15_IN_TEXT = re.compile(r"(?<!\d)(\d{6})\d{5}(\d{4})(?!\d)")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)([1１][3-9３-９]\d)\d{4}(\d{4})(?!\d)")
# An ID number Excel turned into a number (6.20102197506010e+17): the birth date shows.
_NUMBER_IN_TEXT = re.compile(r"(?<![0-9.])(\d\.\d{5})\d+([eE]\+?\d+)")


# What mask_text leaves of a number (620102********123X, 620102*****1234, 139****5678), as
# it is copied or typed again: full-width digits or stars (１３９＊＊＊＊５６７８), a letter
# before it (TEL139****5678).
_STAR = "[*＊]"
_MASKED_IN_TEXT = re.compile(rf"(?<!\d)(?:\d{{6}}{_STAR}{{8}}\d{{3}}[\dXxＸｘ]|\d{{6}}{_STAR}{{5}}\d{{4}}"
                             rf"|[1１][3-9３-９]\d{_STAR}{{4}}\d{{4}})(?!\d)")
MASKED_IN_TEXT = ("文字中有遮盖过的身份证号或手机号码（中间以 * 代替），是从列表、导出文件或错误标注表中抄来的："
                  "请填写原来的完整内容，或在原表中改正后上传。")


# The same on a page's form, an action's reason or a command's value (orgwork.common.freetext).
MASKED_IN_TYPED_TEXT = ("文字中有遮盖过的身份证号或手机号码（中间以 * 代替），是从列表、导出文件或打印件中抄来的："
                        "请填写完整号码，或删去该号码。")


def holds_masked_number(text: str) -> bool:
    """Whether free text holds a number as :func:`mask_text` masks it: imported, the
    text would keep the stars for the number."""
    return ("*" in text or "＊" in text) and _MASKED_IN_TEXT.search(text) is not None


def mask_text(text: Any) -> Any:
    """Free text (a row's error message, an audit note) with every ID number and mobile
    number in it masked. Non-text values are returned as they are, markup as markup."""
    if not isinstance(text, str) or len(text) < 11:
        return text
    masked = _ID18_IN_TEXT.sub(r"\1********\2", text)
    masked = _ID15_IN_TEXT.sub(r"\1*****\2", masked)
    masked = _NUMBER_IN_TEXT.sub(r"\1****\2", masked)
    masked = _PHONE_IN_TEXT.sub(r"\1****\2", masked)
    # Masking digits adds no markup: a cell or a field drawn as markup stays markup.
    return mark_safe(masked) if isinstance(text, SafeString) else masked


def mask_cell(value: Any, kind: str | None) -> Any:
    """One spreadsheet cell: a declared column masked whole (an ID number Excel made a
    number included), any other cell's text scanned for numbers."""
    if value is None or value == "":
        return value
    if kind is not None:
        if isinstance(value, float):
            value = repr(value)
        return mask(value, kind)
    return mask_text(value) if isinstance(value, str) else value


# --- the audit trail's form: masked value and keyed hash ---------------------------

@functools.lru_cache(maxsize=4)
def _pads(secret: str) -> tuple[Any, Any]:
    """HMAC-SHA256 (RFC 2104) with its key's inner and outer pads hashed once: each
    value then costs two short hashes (an import makes one per cell). The key is derived
    from ``SECRET_KEY``, not the key itself: a key for this one purpose."""
    key = hashlib.sha256(b"orgwork.common.secrets.audit:" + secret.encode()).digest().ljust(64, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key)))


def _hasher() -> Callable[[str], str]:
    inner, outer = _pads(settings.SECRET_KEY)

    def keyed(text: str) -> str:
        first = inner.copy()
        first.update(text.encode())
        second = outer.copy()
        second.update(first.digest())
        return second.hexdigest()[:32]

    return keyed


def keyed_hash(value: Any) -> str:
    """HMAC-SHA256 of the value under a key derived from ``SECRET_KEY`` (32 hex digits):
    equal values hash alike, so the trail shows a change without keeping the value."""
    return _hasher()(str(value))


def audit_value(value: Any, kind: str) -> Any:
    """What the audit trail keeps of a personal-data value: ``{"masked", "hmac"}``."""
    if value is None or value == "":
        return value
    if is_audit_value(value):
        return value
    return {"masked": mask(value, kind), "hmac": keyed_hash(value)}


def audit_json_maker(kind: str) -> Callable[[Any], str]:
    """``audit_value`` as JSON text, made directly: the import engine takes one maker
    per column and calls it once per cell."""
    keyed, masker = _hasher(), _MASKERS[kind]

    def make(value: Any) -> str:
        text = value if type(value) is str else str(value)
        return '{"masked": ' + encode_basestring(masker(text)) + ', "hmac": "' + keyed(text) + '"}'

    return make


def audit_json(value: Any, kind: str) -> str:
    return audit_json_maker(kind)(value)


def is_audit_value(value: Any) -> bool:
    return isinstance(value, dict) and "hmac" in value and "masked" in value


def _masked_deep(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_masked_deep(v) for v in value]
    if isinstance(value, dict) and not is_audit_value(value):
        return {k: _masked_deep(v) for k, v in value.items()}
    return value


def shown_value(value: Any) -> Any:
    """A value from the audit trail as a page shows it: the masked form of a kept
    personal-data value, any other text with its numbers masked."""
    if is_audit_value(value):
        return value["masked"]
    return _masked_deep(value)


# --- showing a value in full, audited --------------------------------------------

def record_full_view(*, user: Any, purpose: str, instance: models.Model | None = None,
                     model: type[models.Model] | None = None, fields: Iterable[str] = (),
                     ids: list[Any] | None = None) -> None:
    """查看敏感信息: who saw which personal data in full, where and when."""
    from django.contrib.contenttypes.models import ContentType

    from orgwork.audit.models import AuditAction
    from orgwork.audit.recorder import record

    model = model or (type(instance) if instance is not None else None)
    names = list(fields) or list(sensitive_fields(model) if model is not None else ())
    labels = "、".join(KIND_LABELS.get(sensitive_fields(model).get(n, ""), n) for n in names) if model else ""
    changes: dict[str, Any] = {"fields": names}
    if ids is not None:
        changes["ids"] = ids
    if instance is not None:
        record(instance, action=AuditAction.VIEW_SENSITIVE, actor=user,
               message=f"查看完整{labels or '个人信息'}：{purpose}", changes=changes)
        return
    record(None, action=AuditAction.VIEW_SENSITIVE, actor=user,
           content_type=ContentType.objects.get_for_model(model) if model is not None else None,
           unit_path=getattr(getattr(user, "unit", None), "path", "") or "",
           message=f"查看完整{labels or '个人信息'}：{purpose}", changes=changes)


def present(value: Any, kind: str, user: Any, *, instance: models.Model | None = None,
            model: type[models.Model] | None = None, purpose: str = "", field_name: str = "") -> Any:
    """The one door: the full value, recorded as a 查看敏感信息 audit row, for a user
    who holds the right of ``instance``'s (or ``model``'s) declaration; otherwise masked."""
    owner = model or (type(instance) if instance is not None else None)
    if owner is not None and may_unmask(user, owner) and value not in (None, ""):
        record_full_view(user=user, purpose=purpose or "查看", instance=instance, model=owner,
                         fields=[field_name] if field_name else ())
        return value
    return mask(value, kind)
