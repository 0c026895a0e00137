"""任免审批表 files (.lrmx): a round trip keeps every field; a bad file writes nothing."""

from __future__ import annotations

import base64
import datetime
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cadres import lrmx
from cadres.models import Cadre, FamilyMember, Gender
from orgwork.audit.models import AuditAction, AuditLog

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)) + b"\xff\xd9"
FULL = dict(
    name="曾建华", ethnicity="回族", native_place="甘肃榆中", birthplace="甘肃兰州", political_status="中共党员",
    party_joined_on=datetime.date(1998, 7, 1), work_started_on=datetime.date(1997, 7, 1), health="健康",
    professional_title="高级经济师", expertise="财政金融", fulltime_education="大学", fulltime_degree="经济学学士",
    fulltime_education_school="兰州大学经济系经济学专业", fulltime_degree_school="兰州大学经济系",
    inservice_education="研究生", inservice_degree="管理学硕士", inservice_education_school="中央党校研究生院",
    inservice_degree_school="兰州大学管理学院", current_post="城关区发展和改革局局长", proposed_post="城关区副区长",
    proposed_removal="城关区发展和改革局局长职务", resume="1993.09--1997.07  兰州大学经济系学习\n1997.07--2005.03  城关区财政局科员\n2005.03--  城关区发展和改革局局长",
    rewards_summary="2019年记三等功", assessment_summary="2022、2023、2024年度考核均为优秀",
    appointment_reason="工作需要", reporting_unit="中共城关区委", age_reckoned_on=datetime.date(2025, 3, 1),
    form_filled_on=datetime.date(2025, 3, 5), form_filled_by="李敏",
)


@pytest.fixture
def full_cadre(make_cadre) -> Cadre:
    cadre = make_cadre(photo=JPEG, **FULL)
    for order, (relation, name, born, status, work) in enumerate([
        ("妻子", "王丽", datetime.date(1977, 2, 1), "中共党员", "城关区第一中学教师"),
        ("儿子", "曾明", datetime.date(2003, 9, 1), "共青团员", "兰州大学学生"),
    ], start=1):
        FamilyMember.objects.create(cadre=cadre, relation=relation, name=name, birth_month=born, political_status=status,
                                    work_unit_and_post=work, sort_order=order)
    return cadre


def snapshot(cadre: Cadre) -> dict:
    cadre = Cadre.objects.get(pk=cadre.pk)
    fields = [f.name for f in Cadre._meta.concrete_fields
              if f.name not in ("id", "version", "unit", "status", "is_woman", "is_minority", "is_non_party", "photo")]
    values = {f: getattr(cadre, f) for f in fields}
    values["photo"] = bytes(cadre.photo or b"")
    values["family"] = list(cadre.family.values_list("relation", "name", "birth_month", "political_status",
                                                     "work_unit_and_post"))
    return values


def test_the_file_is_utf8_xml_with_the_standard_elements(full_cadre) -> None:
    content = lrmx.export_person(full_cadre)
    assert content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = fromstring(content)
    assert root.tag == "Person"
    assert root.findtext("XingBie") == "男" and root.findtext("ChuShengNianYue") == "197506"
    assert root.findtext("JianLi").count("\n") == 2
    assert [i.findtext("ChengWei") for i in root.find("JiaTingChengYuan")] == ["妻子", "儿子"]
    assert base64.b64decode(root.findtext("ZhaoPian")) == JPEG
    assert root.findtext("ShenFenZheng") == full_cadre.id_number and root.findtext("Version") == lrmx.VERSION
    expected = [t for t, _, _ in lrmx.ELEMENTS] + ["JiaTingChengYuan"] + [t for t, _, _ in lrmx.TRAILING_ELEMENTS] + [
        "ShenFenZheng", "ZhaoPian", "Version"]
    assert [child.tag for child in root] == expected


def test_a_round_trip_into_an_empty_registry_keeps_every_field(full_cadre, county_a_clerk) -> None:
    before = snapshot(full_cadre)
    content = lrmx.export_person(full_cadre)
    full_cadre.family.all().delete()
    full_cadre.delete()
    outcome = lrmx.import_person(lrmx.parse(content), user=county_a_clerk, commit=True)
    assert outcome.created
    assert snapshot(outcome.cadre) == before


def test_importing_the_same_file_again_changes_nothing(full_cadre, county_a_clerk) -> None:
    content = lrmx.export_person(full_cadre)
    outcome = lrmx.import_person(lrmx.parse(content), user=county_a_clerk, commit=True)
    assert (outcome.created, outcome.changed) == (False, [])
    assert lrmx.export_person(Cadre.objects.get(pk=full_cadre.pk)) == content


def test_an_edited_file_updates_the_matched_cadre_and_replaces_the_family(full_cadre, county_a_clerk) -> None:
    content = lrmx.export_person(full_cadre).replace("城关区副区长".encode(), "城关区委常委".encode())
    content = content.replace("兰州大学学生".encode(), "兰州市城关区财政局科员".encode())
    outcome = lrmx.import_person(lrmx.parse(content), user=county_a_clerk, commit=True)
    assert outcome.changed == ["拟任职务", "家庭主要成员"]
    full_cadre.refresh_from_db()
    assert full_cadre.proposed_post == "城关区委常委" and full_cadre.version == 2
    assert full_cadre.family.get(relation="儿子").work_unit_and_post == "兰州市城关区财政局科员"


def test_a_dry_run_reports_but_writes_nothing(full_cadre, county_a_clerk) -> None:
    content = lrmx.export_person(full_cadre).replace("城关区副区长".encode(), "城关区委常委".encode())
    outcome = lrmx.import_person(lrmx.parse(content), user=county_a_clerk, commit=False)
    assert outcome.changed == ["拟任职务"] and not outcome.committed
    assert Cadre.objects.get(pk=full_cadre.pk).proposed_post == "城关区副区长"


def refused(data: bytes, user) -> list[str]:  # type: ignore[no-untyped-def]
    count, logs = Cadre.objects.count(), AuditLog.objects.count()
    with pytest.raises(ValidationError) as caught:
        lrmx.import_person(lrmx.parse(data), user=user, commit=True)
    assert (Cadre.objects.count(), AuditLog.objects.count()) == (count, logs)
    return caught.value.messages


def test_a_file_that_is_not_xml_is_refused(county_a_clerk) -> None:
    assert "不是有效的 XML" in refused(b"\xd0\xcf\x11\xe0 this is a Word file", county_a_clerk)[0]


def test_a_file_with_another_root_is_refused(county_a_clerk) -> None:
    assert refused(b"<?xml version='1.0'?><Unit><XingMing>x</XingMing></Unit>", county_a_clerk) == [
        "文件根元素是 <Unit>，不是任免审批表的 <Person>。"]


def test_entity_expansion_is_refused(county_a_clerk) -> None:
    bomb = b"<?xml version='1.0'?><!DOCTYPE p [<!ENTITY a 'aaaa'>]><Person><XingMing>&a;</XingMing></Person>"
    assert "不允许的 XML 实体" in refused(bomb, county_a_clerk)[0]


def test_a_bad_id_number_is_refused(full_cadre, county_a_clerk) -> None:
    content = lrmx.export_person(full_cadre).replace(full_cadre.id_number.encode(), b"620102197506150000")
    assert any("校验位" in m for m in refused(content, county_a_clerk))


def test_a_bad_date_is_refused_and_nothing_is_written(full_cadre, county_a_clerk) -> None:
    content = lrmx.export_person(full_cadre).replace(b"<TianBiaoShiJian>20250305", b"<TianBiaoShiJian>20251305")
    content = content.replace("城关区副区长".encode(), "城关区委常委".encode())
    assert any(m.startswith("填表时间：") for m in refused(content, county_a_clerk))
    assert Cadre.objects.get(pk=full_cadre.pk).proposed_post == "城关区副区长"


def test_a_photo_that_is_not_a_jpeg_is_refused(full_cadre, county_a_clerk) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n0000").decode()
    content = lrmx.export_person(full_cadre).replace(base64.b64encode(JPEG), png.encode())
    assert "照片（ZhaoPian）不是 JPEG 图片。" in refused(content, county_a_clerk)


def test_a_cadre_outside_the_users_scope_is_not_touched(full_cadre, county_b_clerk) -> None:
    content = lrmx.export_person(full_cadre).replace("城关区副区长".encode(), "改".encode())
    assert refused(content, county_b_clerk) == ["该身份证号已被使用，请联系上级组织部门核实。"]


def test_a_new_cadre_goes_to_the_chosen_unit_in_scope(full_cadre, county_a_clerk, tree) -> None:
    content = lrmx.export_person(full_cadre)
    full_cadre.delete()
    with pytest.raises(ValidationError):
        lrmx.import_person(lrmx.parse(content), user=county_a_clerk, unit=tree["county_b"], commit=True)
    outcome = lrmx.import_person(lrmx.parse(content), user=county_a_clerk, unit=tree["township_a"], commit=True)
    assert outcome.cadre.unit == tree["township_a"] and outcome.cadre.gender == Gender.MALE


def test_the_commands_export_and_import_within_the_users_scope(full_cadre, county_a_clerk, county_b_clerk,
                                                              tmp_path: Path) -> None:
    file = tmp_path / "person.lrmx"
    call_command("export_lrmx", full_cadre.id_number.lower(), str(file), stdout=open("/dev/null", "w"))
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_id=str(full_cadre.pk)).exists()
    file.write_bytes(file.read_bytes().replace("城关区副区长".encode(), "城关区委常委".encode()))
    with pytest.raises(CommandError, match="该身份证号已被使用"):
        call_command("import_lrmx", str(file), "--user", county_b_clerk.username, "--commit")
    call_command("import_lrmx", str(file), "--user", county_a_clerk.username, stdout=open("/dev/null", "w"))
    assert Cadre.objects.get(pk=full_cadre.pk).proposed_post == "城关区副区长"  # dry run
    call_command("import_lrmx", str(file), "--user", county_a_clerk.username, "--commit", stdout=open("/dev/null", "w"))
    assert Cadre.objects.get(pk=full_cadre.pk).proposed_post == "城关区委常委"
    log = AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(full_cadre.pk)).latest("id")
    assert (log.actor, log.source) == (county_a_clerk, "command")


def test_importing_the_same_file_of_a_cadre_with_a_current_post_changes_nothing(full_cadre, county_a_clerk) -> None:
    from cadres.models import Post, Rank
    from cadres.services import post_appoint
    from orgwork.common.contract import SystemActor

    post_appoint(post=Post(cadre=full_cadre, title="城关区发展和改革局局长", rank=Rank.COUNTY_DEPUTY,
                           appointed_on=datetime.date(2021, 3, 1)), actor=SystemActor("tests"))
    cadre = Cadre.objects.get(pk=full_cadre.pk)
    content = lrmx.export_person(cadre)
    outcome = lrmx.import_person(lrmx.parse(content), user=county_a_clerk, commit=True)
    assert (outcome.created, outcome.changed) == (False, []), outcome.summary()


def appointed(cadre: Cadre) -> Cadre:
    """The cadre with a current principal post, which its 现任职务 follows."""
    from cadres.models import Post, Rank
    from cadres.services import post_appoint
    from orgwork.common.contract import SystemActor

    post_appoint(post=Post(cadre=cadre, title="城关区发展和改革局局长", rank=Rank.COUNTY_DEPUTY,
                           appointed_on=datetime.date(2021, 3, 1)), actor=SystemActor("tests"))
    return Cadre.objects.get(pk=cadre.pk)


def test_a_current_post_edited_in_the_file_is_said_not_written_when_it_follows_the_principal_post(
        full_cadre, county_a_clerk) -> None:
    cadre = appointed(full_cadre)
    version, logs = cadre.version, AuditLog.objects.filter(object_id=str(cadre.pk)).count()
    content = lrmx.export_person(cadre).replace("<XianRenZhiWu>城关区发展和改革局局长".encode(),
                                                "<XianRenZhiWu>伪造的现任职务".encode())

    outcome = lrmx.import_person(lrmx.parse(content), user=county_a_clerk, commit=True)

    assert outcome.changed == [] and not outcome.writes
    summary = outcome.summary()
    assert "已写入" not in summary and "现任职务：" not in summary
    assert summary.startswith("未写入：干部 曾建华")
    assert "文件中的现任职务未写入（现任职务仍为「城关区发展和改革局局长」" in summary
    cadre.refresh_from_db()
    assert (cadre.current_post, cadre.version) == ("城关区发展和改革局局长", version)
    assert AuditLog.objects.filter(object_id=str(cadre.pk)).count() == logs


def test_an_edited_file_lists_only_the_fields_it_really_changes_beside_an_unwritten_current_post(
        full_cadre, county_a_clerk) -> None:
    cadre = appointed(full_cadre)
    content = lrmx.export_person(cadre).replace("<XianRenZhiWu>城关区发展和改革局局长".encode(),
                                                "<XianRenZhiWu>伪造的现任职务".encode())
    content = content.replace("城关区副区长".encode(), "城关区委常委".encode())

    trial = lrmx.import_person(lrmx.parse(content), user=county_a_clerk, commit=False)
    outcome = lrmx.import_person(lrmx.parse(content), user=county_a_clerk, commit=True)

    assert trial.summary().startswith("试导入（未写入）：更新干部 曾建华")
    assert "变更项：拟任职务；现任职务由任职经历中的现任主职务生成，文件中的现任职务未写入" in trial.summary()
    assert outcome.changed == ["拟任职务"]
    assert outcome.summary().startswith("已写入：更新干部 曾建华") and "变更项：拟任职务；" in outcome.summary()
    log = AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(cadre.pk)).latest("id")
    assert "proposed_post" in log.changes and "current_post" not in log.changes
    cadre.refresh_from_db()
    assert (cadre.proposed_post, cadre.current_post) == ("城关区委常委", "城关区发展和改革局局长")


def test_a_current_post_in_the_file_is_written_for_a_cadre_without_posts(full_cadre, county_a_clerk) -> None:
    content = lrmx.export_person(full_cadre).replace("<XianRenZhiWu>城关区发展和改革局局长".encode(),
                                                     "<XianRenZhiWu>城关区财政局局长".encode())

    outcome = lrmx.import_person(lrmx.parse(content), user=county_a_clerk, commit=True)

    assert outcome.changed == ["现任职务"] and outcome.notes == []
    assert Cadre.objects.get(pk=full_cadre.pk).current_post == "城关区财政局局长"


def test_the_import_page_says_an_edited_current_post_was_not_written(full_cadre, county_a_clerk, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    cadre = appointed(full_cadre)
    content = lrmx.export_person(cadre).replace("<XianRenZhiWu>城关区发展和改革局局长".encode(),
                                                "<XianRenZhiWu>伪造的现任职务".encode())
    client = client_for(county_a_clerk)
    url = reverse("admin:cadres_cadre_import_lrmx")

    trial = client.post(url, {"file": SimpleUploadedFile("a.lrmx", content)})
    written = client.post(url, {"file": SimpleUploadedFile("a.lrmx", content), "commit": "on"}, follow=True)

    assert "文件中的现任职务未写入" in trial.content.decode() and "变更项" not in trial.content.decode()
    shown = [str(m) for m in written.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith("未写入：干部 曾建华"), shown
    assert "文件中的现任职务未写入" in shown[0] and "已写入" not in shown[0]
    assert Cadre.objects.get(pk=cadre.pk).current_post == "城关区发展和改革局局长"
