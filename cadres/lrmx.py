"""干部任免审批表 exchange files (``.lrmx``): UTF-8 XML, root ``<Person>``.

One file holds one cadre. Dates are ``yyyyMM`` (months) or ``yyyyMMdd`` (the two form
dates); 简历 (``JianLi``) keeps its line breaks and, as on the printed form, carries the
lines the cadre domain's records add (挂职, 驻村: ``cadres.extensions``), which an import
leaves out of the stored 简历 again; ``ZhaoPian`` is a base64 JPEG.
Import matches the cadre by ID number within the importing user's scope. A file that
cannot be read, or any value in it that fails a rule, refuses the whole file: nothing
is written. 现任职务 follows the cadre's current principal post (任职经历) when there is one:
the file's is then not written, and the outcome says so.

A file exported for a user without the right to full ID numbers carries the masked
number and, in ``OrgworkDaoChu``, the signed mark of a masked export (the one a sheet
export carries: ``orgwork.imports.restore``) naming the exporting user and the cadre. The
same user importing it within seven days has the number put back from that cadre's
record, unseen; anyone else, a file too old, or a masked number the mark does not name
is refused in Chinese.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.core.exceptions import ValidationError
from django.db import transaction

from orgwork.common import dates, idnumber, secrets
from orgwork.imports import restore
from orgwork.imports.probing import audit_refusal
from orgwork.units.models import Unit
from orgwork.units.scope import home_unit, scope_queryset, units_visible_to

from .extensions import merged_resume_text, unmerge_resume
from .models import Cadre, FamilyMember, Gender
from .services import cadre_save, current_principal_post

VERSION = "1.0"
ROOT = "Person"
JPEG_MAGIC = b"\xff\xd8"
MAX_BYTES = 10 * 1024 * 1024

# Element → (model field, kind). Order is the order written.
TEXT, MONTH, DAY, GENDER = "text", "month", "day", "gender"
ELEMENTS: list[tuple[str, str, str]] = [
    ("XingMing", "name", TEXT),
    ("XingBie", "gender", GENDER),
    ("ChuShengNianYue", "birth_month", MONTH),
    ("MinZu", "ethnicity", TEXT),
    ("JiGuan", "native_place", TEXT),
    ("ChuShengDi", "birthplace", TEXT),
    ("RuDangShiJian", "party_joined_on", MONTH),
    ("CanJiaGongZuoShiJian", "work_started_on", MONTH),
    ("JianKangZhuangKuang", "health", TEXT),
    ("ZhuanYeJiShuZhiWu", "professional_title", TEXT),
    ("ShuXiZhuanYeYouHeZhuanChang", "expertise", TEXT),
    ("QuanRiZhiJiaoYu_XueLi", "fulltime_education", TEXT),
    ("QuanRiZhiJiaoYu_XueWei", "fulltime_degree", TEXT),
    ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "fulltime_education_school", TEXT),
    ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "fulltime_degree_school", TEXT),
    ("ZaiZhiJiaoYu_XueLi", "inservice_education", TEXT),
    ("ZaiZhiJiaoYu_XueWei", "inservice_degree", TEXT),
    ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "inservice_education_school", TEXT),
    ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "inservice_degree_school", TEXT),
    ("XianRenZhiWu", "current_post", TEXT),
    ("NiRenZhiWu", "proposed_post", TEXT),
    ("NiMianZhiWu", "proposed_removal", TEXT),
    ("JianLi", "resume", TEXT),
    ("JiangChengQingKuang", "rewards_summary", TEXT),
    ("NianDuKaoHeJieGuo", "assessment_summary", TEXT),
    ("RenMianLiYou", "appointment_reason", TEXT),
]
# After the family members.
TRAILING_ELEMENTS: list[tuple[str, str, str]] = [
    ("ChengBaoDanWei", "reporting_unit", TEXT),
    ("JiSuanNianLingShiJian", "age_reckoned_on", DAY),
    ("TianBiaoShiJian", "form_filled_on", DAY),
    ("TianBiaoRen", "form_filled_by", TEXT),
]
FAMILY = "JiaTingChengYuan"
FAMILY_ITEM = "Item"
FAMILY_ELEMENTS: list[tuple[str, str, str]] = [
    ("ChengWei", "relation", TEXT),
    ("XingMing", "name", TEXT),
    ("ChuShengRiQi", "birth_month", MONTH),
    ("ZhengZhiMianMao", "political_status", TEXT),
    ("GongZuoDanWeiJiZhiWu", "work_unit_and_post", TEXT),
]
LABELS = {
    "name": "姓名", "gender": "性别", "birth_month": "出生年月", "party_joined_on": "入党时间",
    "work_started_on": "参加工作时间", "age_reckoned_on": "计算年龄时间", "form_filled_on": "填表时间",
    "relation": "称谓",
}
ID_ELEMENT = "ShenFenZheng"
# The signed mark of a masked export (``restore.export_token``), the file's last element.
MARK_ELEMENT = "OrgworkDaoChu"
MARK_RESOURCE = "cadres_lrmx"  # the kind of file the mark is for: a sheet's mark does not count here
NOT_RESTORED = ("文件中被遮蔽的身份证号无法还原：该号码不是导出时这名干部的号码（文件中的号码被改动过，或干部的身份证号"
                "已更改），或该干部已不在您的管辖范围内。请重新导出后修改上传，或填写完整的18位身份证号。")
POST_NOT_WRITTEN = ("现任职务由任职经历中的现任主职务生成，文件中的现任职务未写入（现任职务仍为「{post}」；"
                    "职务变动请在任职经历中登记任免）")
GENDER_BY_TEXT = {"男": Gender.MALE, "女": Gender.FEMALE, Gender.MALE: Gender.MALE, Gender.FEMALE: Gender.FEMALE}


class LrmxError(ValidationError):
    """A file that cannot be imported; ``messages`` say why, in Chinese."""


@dataclass
class LrmxPerson:
    """What one file says about one cadre."""

    values: dict[str, Any]
    family: list[dict[str, Any]] = field(default_factory=list)
    photo: bytes | None = None
    version: str = ""
    mark: str = ""  # a masked file's signed mark: its number is put back on import (``import_person``)

    @property
    def id_number(self) -> str:
        return self.values["id_number"]

    @property
    def masked(self) -> bool:
        return "*" in self.values["id_number"]


@dataclass
class LrmxOutcome:
    cadre: Cadre
    created: bool
    changed: list[str]
    committed: bool
    notes: list[str] = field(default_factory=list)  # what the file says that was not written, and why

    @property
    def writes(self) -> bool:
        return self.created or bool(self.changed)

    def summary(self) -> str:
        who = f"干部 {self.cadre.name}（{idnumber.mask(self.cadre.id_number)}）"
        if self.writes:
            verb = "新增" if self.created else "更新"
            done = "已写入" if self.committed else "试导入（未写入）"
            what = "、".join(self.changed) if self.changed else "无"
            text = f"{done}：{verb}{who}；变更项：{what}"
        else:
            done = "未写入" if self.committed else "试导入（未写入）"
            text = f"{done}：{who}的信息与文件一致，没有需要写入的变更"
        return "；".join([text, *self.notes])


# ---------------------------------------------------------------- writing

def _month(value: datetime.date | None) -> str:
    return f"{value:%Y%m}" if value else ""


def _day(value: datetime.date | None) -> str:
    return f"{value:%Y%m%d}" if value else ""


def _text(value: Any) -> str:
    return ("" if value is None else str(value)).replace("\r\n", "\n").replace("\r", "\n")


def _render(value: Any, kind: str) -> str:
    if kind == MONTH:
        return _month(value)
    if kind == DAY:
        return _day(value)
    if kind == GENDER:
        return dict(Gender.choices).get(value, "")
    return _text(value)


def rewards_text(cadre: Cadre) -> str:
    """奖惩情况 as printed: the stored text, else one line per recorded reward or punishment."""
    if cadre.rewards_summary:
        return cadre.rewards_summary
    lines = [f"{dates.format_month(r.decided_on)} {r.approving_body}{r.title}{'（' + r.reason + '）' if r.reason else ''}"
             for r in cadre.rewards.all()]
    return "\n".join(lines)


def assessments_text(cadre: Cadre, years: int = 3) -> str:
    """年度考核结果 as printed: the stored text, else "2022年度考核称职；…" for the last three years."""
    if cadre.assessment_summary:
        return cadre.assessment_summary
    rows = sorted(cadre.assessments.all(), key=lambda a: a.year)[-years:]
    return "；".join(f"{a.year}年度考核{a.get_grade_display()}" for a in rows) + ("。" if rows else "")


def export_person(cadre: Cadre, *, mask_id: bool = False, user: Any = None) -> bytes:
    """The ``.lrmx`` bytes for one cadre. The ID number is written in full unless
    ``mask_id`` (callers decide by the viewer's permission). A masked file made for
    ``user`` carries the signed mark that lets that user import it back (see the module's
    docstring); one masked without a user cannot be imported again."""
    root = ET.Element(ROOT)
    for tag, attr, kind in ELEMENTS:
        if attr == "rewards_summary":
            value = rewards_text(cadre)
        elif attr == "resume":
            value = merged_resume_text(cadre)  # with the lines the records add (挂职, 驻村), as printed
        elif attr == "assessment_summary":
            value = assessments_text(cadre)
        else:
            value = _render(getattr(cadre, attr), kind)
        ET.SubElement(root, tag).text = value
    family = ET.SubElement(root, FAMILY)
    for member in cadre.family.all():
        item = ET.SubElement(family, FAMILY_ITEM)
        for tag, attr, kind in FAMILY_ELEMENTS:
            ET.SubElement(item, tag).text = _render(getattr(member, attr), kind)
    for tag, attr, kind in TRAILING_ELEMENTS:
        ET.SubElement(root, tag).text = _render(getattr(cadre, attr), kind)
    masked = idnumber.mask(cadre.id_number)
    ET.SubElement(root, ID_ELEMENT).text = masked if mask_id else cadre.id_number
    ET.SubElement(root, "ZhaoPian").text = base64.b64encode(bytes(cadre.photo)).decode("ascii") if cadre.photo else ""
    ET.SubElement(root, "Version").text = VERSION
    if mask_id and user is not None and cadre.id_number:
        sources = restore.ExportSources()
        sources.add(ID_ELEMENT, Cadre._meta.label_lower, "id_number", masked, cadre.pk)
        ET.SubElement(root, MARK_ELEMENT).text = restore.export_token(resource=MARK_RESOURCE, user=user,
                                                                     sources=sources)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# ---------------------------------------------------------------- reading

def _child_text(parent: Any, tag: str) -> str:
    node = parent.find(tag)
    if node is None or node.text is None:
        return ""
    return _text(node.text).strip("\n") if tag == "JianLi" else _text(node.text).strip()


def _parse_value(raw: str, kind: str, label: str, errors: list[str]) -> Any:
    if kind == TEXT:
        return raw
    if kind == GENDER:
        if not raw:
            return ""
        if raw not in GENDER_BY_TEXT:
            errors.append(f"性别「{raw}」无法识别，应为“男”或“女”。")
            return ""
        return GENDER_BY_TEXT[raw]
    if not raw:
        return None
    try:
        value = dates.parse_date(raw)
    except ValidationError as exc:
        errors.append(f"{label}：{exc.messages[0]}")
        return None
    return value.replace(day=1) if kind == MONTH else value


def parse(data: bytes) -> LrmxPerson:
    """Read a file; raise ``LrmxError`` listing every problem found."""
    if not data or not data.strip():
        raise LrmxError("文件是空的，不是任免审批表（.lrmx）文件。")
    if len(data) > MAX_BYTES:
        raise LrmxError("文件超过 10MB，不是有效的任免审批表（.lrmx）文件。")
    try:
        root = fromstring(data)
    except DefusedXmlException:
        raise LrmxError("文件含有不允许的 XML 实体或外部引用，已拒绝。") from None
    except (ParseError, ValueError) as exc:
        position = getattr(exc, "position", None)
        where = f"（第 {position[0]} 行第 {position[1]} 列）" if position else ""
        raise LrmxError(f"文件不是有效的 XML，无法读取{where}。请确认上传的是任免审批表（.lrmx）文件。") from None
    if root.tag != ROOT:
        raise LrmxError(f"文件根元素是 <{root.tag}>，不是任免审批表的 <{ROOT}>。")
    errors: list[str] = []
    values: dict[str, Any] = {}
    for tag, attr, kind in ELEMENTS + TRAILING_ELEMENTS:
        values[attr] = _parse_value(_child_text(root, tag), kind, LABELS.get(attr, tag), errors)
    raw_id = _child_text(root, ID_ELEMENT)
    mark = _child_text(root, MARK_ELEMENT)
    if "*" in raw_id and mark:
        values["id_number"] = raw_id  # a masked export's: put back, or refused, on import (``import_person``)
    else:
        try:
            values["id_number"] = idnumber.clean(raw_id, on_sheet=True) if raw_id else ""
        except ValidationError as exc:
            errors.append(f"身份证号：{exc.messages[0]}")
            values["id_number"] = ""
    if not raw_id:
        errors.append("文件中没有身份证号（ShenFenZheng），无法与干部信息对应。")
    for attr in ("name", "gender", "birth_month"):
        if not values.get(attr) and not any(e.startswith(LABELS[attr]) for e in errors):
            errors.append(f"{LABELS[attr]}不能为空。")
    family: list[dict[str, Any]] = []
    family_node = root.find(FAMILY)
    for index, item in enumerate(family_node.findall(FAMILY_ITEM) if family_node is not None else [], start=1):
        member_errors: list[str] = []
        member = {attr: _parse_value(_child_text(item, tag), kind, LABELS.get(attr, tag), member_errors)
                  for tag, attr, kind in FAMILY_ELEMENTS}
        if not member["name"]:
            member_errors.append("姓名不能为空。")
        if not member["relation"]:
            member_errors.append("称谓不能为空。")
        errors.extend(f"家庭成员第 {index} 项：{e}" for e in member_errors)
        family.append(member)
    photo: bytes | None = None
    raw_photo = "".join(_child_text(root, "ZhaoPian").split())
    if raw_photo:
        try:
            photo = base64.b64decode(raw_photo, validate=True)
        except (binascii.Error, ValueError):
            errors.append("照片（ZhaoPian）不是有效的 base64 编码。")
        else:
            if not photo.startswith(JPEG_MAGIC):
                errors.append("照片（ZhaoPian）不是 JPEG 图片。")
                photo = None
    if values.get("id_number") and "*" not in values["id_number"]:
        errors.extend(_consistency_errors(values))
    if errors:
        raise LrmxError(errors)
    return LrmxPerson(values=values, family=family, photo=photo, version=_child_text(root, "Version"),
                      mark=mark if "*" in values["id_number"] else "")


def _consistency_errors(values: dict[str, Any]) -> list[str]:
    if not (values.get("birth_month") and values.get("gender")):
        return []
    return list(idnumber.consistency_errors(values["id_number"], birth=values["birth_month"],
                                            gender=values["gender"]).values())


def _restored(person: LrmxPerson, user: Any) -> LrmxPerson:
    """A masked export's file with its ID number put back from the cadre it was exported
    from, by the sheets' rule (``restore.exported_values``): the mark is this system's,
    the importing user's own, younger than seven days, and names that masked number, whose
    cadre lies in the user's jurisdiction and still has that number. Nobody is shown it."""
    known, refused = restore.exported_values(person.mark, resource=MARK_RESOURCE, user=user)
    if known is None:
        raise LrmxError(refused or idnumber.MASKED_ON_SHEET)
    number = restore.restored_value(known.get(ID_ELEMENT, {}), person.id_number)
    if number is None:
        raise LrmxError(NOT_RESTORED)
    values = {**person.values, "id_number": number}
    mismatch = _consistency_errors(values)
    if mismatch:
        raise LrmxError(mismatch)
    return LrmxPerson(values=values, family=person.family, photo=person.photo, version=person.version)


def _field_label(name: str) -> str:
    return str(Cadre._meta.get_field(name).verbose_name)


def import_person(person: LrmxPerson, *, user: Any, unit: Unit | None = None, commit: bool = False) -> LrmxOutcome:
    """Write one file's cadre: update the cadre with that ID number in ``user``'s scope,
    or create one in ``unit`` (default: the user's home unit). Family members are
    replaced by the file's. Without ``commit`` everything runs, then rolls back. A masked
    export's file has its number put back first, or is refused (``_restored``). A new
    cadre's number that resembles another's is refused and audited (``cadre_save``)."""
    try:
        return _import_person(person, user=user, unit=unit, commit=commit)
    except LrmxError as error:
        audit_refusal(error.__cause__)  # past the rollback, so that the row stays
        raise


def _import_person(person: LrmxPerson, *, user: Any, unit: Unit | None, commit: bool) -> LrmxOutcome:
    if person.masked:
        person = _restored(person, user)
    with transaction.atomic():
        existing = Cadre.objects.filter(id_number=person.id_number).first()
        if existing is not None and not scope_queryset(Cadre.objects.filter(pk=existing.pk), user).exists():
            raise LrmxError(secrets.ID_NUMBER_UNAVAILABLE)  # not "elsewhere": a file cannot probe other counties
        if existing is None:
            target = unit or home_unit(user)
            if target is None or not units_visible_to(user).filter(pk=target.pk).exists():
                raise LrmxError("请选择您管辖范围内的单位，作为新干部的所在单位。")
            cadre = Cadre(unit=target, id_number=person.id_number,
                          political_status="中共党员" if person.values.get("party_joined_on") else "")
        else:
            cadre = Cadre.objects.select_for_update().get(pk=existing.pk)
        changed: list[str] = []
        notes: list[str] = []
        principal = current_principal_post(cadre) if existing is not None else None
        for attr, value in person.values.items():
            if attr == "id_number":
                continue
            if attr == "current_post" and principal is not None:
                # 现任职务 follows the current principal post (任职经历), as on the form: the
                # file's is not written, and the clerk is told so rather than shown a change.
                if value != principal.title:
                    notes.append(POST_NOT_WRITTEN.format(post=principal.title))
                continue
            if attr == "resume" and existing is not None:
                value = unmerge_resume(value, cadre)  # the lines export added come from the records
            if attr in ("rewards_summary", "assessment_summary") and existing is not None:
                current = rewards_text(cadre) if attr == "rewards_summary" else assessments_text(cadre)
                if value == current and not getattr(cadre, attr):
                    continue  # the file repeats what the records already say
            if getattr(cadre, attr) != value:
                setattr(cadre, attr, value)
                changed.append(_field_label(attr))
        if person.photo is not None and bytes(cadre.photo or b"") != person.photo:
            cadre.photo = person.photo
            changed.append("照片")
        try:
            if changed or existing is None:
                cadre_save(cadre=cadre, actor=user)
            old_family = [
                {attr: getattr(m, attr) for _, attr, _ in FAMILY_ELEMENTS} for m in cadre.family.all()
            ] if existing is not None else []
            if old_family != person.family:
                cadre.family.all().delete()  # per-row deletes: each one is audited
                for order, member in enumerate(person.family, start=1):
                    row = FamilyMember(cadre=cadre, sort_order=order, **member)
                    row.full_clean()
                    row.save()
                changed.append("家庭主要成员")
        except ValidationError as exc:
            raise LrmxError(_messages(exc)) from exc
        if not commit:
            transaction.set_rollback(True)
    return LrmxOutcome(cadre=cadre, created=existing is None, changed=changed, committed=commit, notes=notes)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        out = []
        for name, errs in exc.message_dict.items():
            try:
                label = _field_label(name)
            except Exception:
                label = ""
            out.extend(f"{label}：{m}" if label else m for m in errs)
        return out
    return list(exc.messages)
