"""Personal data through one door (orgwork.common.secrets): masked unless the user holds
the right, every full view audited, the audit trail keeping a masked value and a keyed
hash instead of the value, and no path telling whether an ID number belongs to a cadre
in another county."""

from __future__ import annotations

import datetime
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cadres import lrmx
from cadres.models import Cadre, Gender
from cadres.services import cadre_save
from orgwork.imports.probing import NEAR_MISS_FORM_MESSAGE
from orgwork.common.contract import SystemActor
from orgwork.accounts.models import User
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.codes import lookup
from orgwork.common import secrets
from seeds.reference import load_reference
from talent import services as talent_services
from talent.models import Person
from tests.samples.cadres import cadre_in
from tests.samples.talent import id_number_for

UNAVAILABLE = "该身份证号已被使用，请联系上级组织部门核实。"
rewrite = importlib.import_module("orgwork.audit.migrations.0007_personal_data_masked")


@pytest.fixture(autouse=True)
def reference(db: Any) -> Any:
    lookup.cache_clear()
    load_reference()
    yield
    lookup.cache_clear()


def granted(user: User, label: str) -> User:
    app_label, codename = label.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)


def trail(instance: Any) -> Any:
    return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(type(instance)),
                                   object_id=str(instance.pk)).order_by("id")


# --- the presenter ---------------------------------------------------------------

def test_the_presenter_masks_for_a_user_without_the_right_and_records_nothing(tree: Any, county_a_clerk: Any) -> None:
    cadre = cadre_in(tree["county_a"])
    shown = secrets.present(cadre.id_number, secrets.ID_NUMBER, county_a_clerk, instance=cadre)
    assert shown == cadre.masked_id_number != cadre.id_number
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


def test_the_presenter_shows_the_full_value_to_a_user_with_the_right_and_records_the_view(
        tree: Any, county_a_clerk: Any) -> None:
    cadre = cadre_in(tree["county_a"])
    clerk = granted(county_a_clerk, "cadres.view_unmasked_id_number")
    assert secrets.present(cadre.id_number, secrets.ID_NUMBER, clerk, instance=cadre, purpose="测试") == cadre.id_number
    view = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE)
    assert view.actor == clerk and view.object_id == str(cadre.pk) and "测试" in view.message


def test_each_kind_has_its_mask() -> None:
    assert secrets.mask("620102197506010033", secrets.ID_NUMBER) == "620102********0033"
    assert secrets.mask("13812345678", secrets.PHONE) == "138****5678"
    assert secrets.mask("甘肃省兰州市城关区某街道1号", secrets.ADDRESS) == "甘肃省兰州市****"
    assert secrets.mask_text("身份证号「620102197506010033」与 13812345678") == "身份证号「620102********0033」与 138****5678"
    assert secrets.mask_text("共 12 行，第 3 行") == "共 12 行，第 3 行"


@pytest.mark.parametrize("text, masked", [
    ("ID620102197506010033", "ID620102********0033"),
    ("Tel13812345678，身份证62010219750601003X号", "Tel138****5678，身份证620102********003X号"),
    ("联系 １３８１２３４５６７８ 转", "联系 １３８****５６７８ 转"),
    ("单号20240101123456789012", "单号20240101123456789012"),  # a longer run of digits is no number of a person
])
def test_a_number_beside_a_letter_or_in_full_width_digits_is_masked_in_text(text: str, masked: str) -> None:
    assert secrets.mask_text(text) == masked


def test_a_birth_month_reads_as_a_mask_only_in_a_birth_date_column() -> None:
    """A birth date is masked as its month, which has no star: a sheet's cell of a birth
    date column reading 1980.05 is a mask (a whole date was typed as a day), elsewhere not."""
    assert secrets.is_masked("1980.05", secrets.BIRTH_DATE) and secrets.is_masked("****", secrets.BIRTH_DATE)
    assert not secrets.is_masked("1980.05", None) and not secrets.is_masked("1980.05", secrets.ID_NUMBER)
    assert not secrets.is_masked("1980-05-17", secrets.BIRTH_DATE)
    assert not secrets.is_masked(datetime.date(1980, 5, 17), secrets.BIRTH_DATE)
    assert secrets.is_masked(secrets.mask("1980-05-17", secrets.BIRTH_DATE), secrets.BIRTH_DATE)
    refused = secrets.masked_refusal("1980.05", secrets.BIRTH_DATE, "出生日期", on_sheet=True)
    assert refused is not None and "遮盖过的出生日期" in refused and "填写完整的出生日期（年月日）" in refused
    assert secrets.masked_refusal("1980-05-17", secrets.BIRTH_DATE, on_sheet=True) is None


def test_a_number_typed_in_full_width_digits_or_with_spaces_takes_its_stored_form_before_it_is_masked() -> None:
    assert secrets.stored_form("６２０１０２ １９７５０６０１\u3000００３x", secrets.ID_NUMBER) == "62010219750601003X"
    assert secrets.stored_form("１３８ ０００１ ２２２２", secrets.PHONE) == "13800012222"
    # What has no stored form stays as typed, for its row's error to explain.
    assert secrets.stored_form("6.20102E+17", secrets.ID_NUMBER) == "6.20102E+17"
    assert secrets.stored_form("不详", secrets.PHONE) == "不详"
    assert secrets.stored_form("甘肃省 兰州市", secrets.ADDRESS) == "甘肃省 兰州市"


def test_the_right_of_each_declared_model_is_a_real_permission() -> None:
    for label, declared in secrets.SENSITIVE.items():
        apps.get_model(label)
        app_label, codename = declared.unmask_permission.split(".")
        assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), label


def test_the_unmask_rights_are_granted_to_no_role(role_groups: dict[str, Any]) -> None:
    for declared in secrets.SENSITIVE.values():
        app_label, codename = declared.unmask_permission.split(".")
        for name, group in role_groups.items():
            assert not group.permissions.filter(content_type__app_label=app_label, codename=codename).exists(), name


# --- the audit trail ---------------------------------------------------------------

def test_a_saved_cadre_keeps_its_id_number_masked_with_a_keyed_hash_in_the_trail(tree: Any) -> None:
    cadre = cadre_in(tree["county_a"])
    created = trail(cadre).get(action=AuditAction.CREATE)
    kept = created.changes["id_number"][1]
    assert kept == {"masked": cadre.masked_id_number, "hmac": secrets.keyed_hash(cadre.id_number)}
    assert cadre.id_number not in str(created.changes)


def test_a_changed_id_number_shows_as_changed_without_either_value(tree: Any) -> None:
    cadre = cadre_in(tree["county_a"])
    old = cadre.id_number
    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.id_number = old[:14] + ("003" if old[14:17] != "003" else "005")
    cadre.id_number = cadre.id_number[:17]
    from orgwork.common import idnumber

    cadre.id_number += idnumber.check_character(cadre.id_number)
    cadre.gender = idnumber.gender_of(cadre.id_number)
    cadre_save(cadre=cadre, actor=SystemActor("fixture"))
    update = trail(cadre).get(action=AuditAction.UPDATE)
    before, after = update.changes["id_number"]
    assert before["hmac"] != after["hmac"] and before["hmac"] == secrets.keyed_hash(old)
    assert old not in str(update.changes) and cadre.id_number not in str(update.changes)


def test_a_deleted_cadre_leaves_its_id_number_masked_in_the_trail(tree: Any) -> None:
    cadre = cadre_in(tree["county_a"])
    number, pk = cadre.id_number, cadre.pk
    cadre.delete()
    deleted = AuditLog.objects.get(action=AuditAction.DELETE, object_id=str(pk))
    assert deleted.changes["id_number"][0]["masked"] == secrets.mask(number) and number not in str(deleted.changes)


def test_a_talents_id_number_and_phone_are_kept_masked_and_hashed(tree: Any) -> None:
    person = talent_services.person_save(person=Person(
        name="李四", id_number=id_number_for(7, datetime.date(1980, 5, 17)), unit=tree["county_a"],
        phone="13812345678"), actor=SystemActor("fixture"))
    created = trail(person).get(action=AuditAction.CREATE)
    assert created.changes["phone"][1] == {"masked": "138****5678", "hmac": secrets.keyed_hash("13812345678")}
    assert created.changes["id_number"][1]["hmac"] == secrets.keyed_hash(person.id_number)
    assert "13812345678" not in str(created.changes) and person.id_number not in str(created.changes)


def test_an_audit_note_never_keeps_a_full_id_number(tree: Any) -> None:
    from orgwork.audit.recorder import record

    entry = record(None, action=AuditAction.EXPORT, message="按 620102197506010033 查询")
    assert AuditLog.objects.get(pk=entry.pk).message == "按 620102********0033 查询"


def _legacy_rows(cadre: Cadre) -> tuple[AuditLog, AuditLog]:
    """Rows as the trail kept them before: the ID number in clear."""
    ct = ContentType.objects.get_for_model(Cadre)
    changed = AuditLog.objects.create(action=AuditAction.UPDATE, content_type=ct, object_id=str(cadre.pk),
                                      unit_path=cadre.unit.path, object_repr=cadre.name,
                                      changes={"id_number": [None, cadre.id_number], "name": ["旧名", cadre.name]})
    noted = AuditLog.objects.create(action=AuditAction.EXPORT, unit_path=cadre.unit.path,
                                    message=f"按身份证号 {cadre.id_number} 导出，联系电话 13812345678",
                                    changes={"filters": {"q": cadre.id_number}})
    return changed, noted


def test_the_migration_rewrites_clear_values_and_the_trail_stays_append_only(tree: Any) -> None:
    cadre = cadre_in(tree["county_a"])
    changed, noted = _legacy_rows(cadre)
    assert rewrite.rewrite_rows(apps, connection) >= 2
    changed.refresh_from_db()
    noted.refresh_from_db()
    assert changed.changes["id_number"] == [None, {"masked": cadre.masked_id_number,
                                                   "hmac": secrets.keyed_hash(cadre.id_number)}]
    assert changed.changes["name"] == ["旧名", cadre.name]
    assert noted.message == f"按身份证号 {cadre.masked_id_number} 导出，联系电话 138****5678"
    assert noted.changes == {"filters": {"q": cadre.masked_id_number}}
    every = "".join(str(row.changes) + row.message for row in AuditLog.objects.all())
    assert cadre.id_number not in every
    assert rewrite.rewrite_rows(apps, connection) == 0  # a second run finds nothing left in clear
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="审计日志不可修改"), transaction.atomic():
            AuditLog.objects.filter(pk=changed.pk).update(message="改")


# --- pages ---------------------------------------------------------------------------

def test_the_history_page_shows_only_masked_id_numbers(tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    cadre = cadre_in(tree["county_a"])
    _legacy_rows(cadre)
    page = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_history", args=[cadre.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and cadre.masked_id_number in text
    assert cadre.id_number not in text and "hmac" not in text


def test_the_audit_administrator_never_sees_a_full_id_number(tree: Any, personas: dict[str, Any],
                                                            client_for: Any) -> None:
    cadre = cadre_in(tree["county_a"])
    changed, noted = _legacy_rows(cadre)
    client = client_for(personas["audit_admin"])
    pages = [client.get(reverse("admin:audit_auditlog_changelist")),
             client.get(reverse("admin:audit_auditlog_change", args=[changed.pk])),
             client.get(reverse("admin:audit_auditlog_change", args=[noted.pk])),
             client.get(reverse("admin:audit_auditlog_changelist") + f"?q={cadre.pk}")]
    for page in pages:
        assert page.status_code == 200
        assert cadre.id_number not in page.content.decode()
    assert cadre.masked_id_number in pages[1].content.decode()


# --- no enumeration -------------------------------------------------------------------

def test_the_add_form_names_no_one_for_a_number_in_another_county_nor_one_at_home(
        tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    elsewhere = cadre_in(tree["county_b"], name="王五")
    at_home = cadre_in(tree["county_a"], name="赵六")
    client = client_for(county_a_clerk)
    answers = []
    for taken in (elsewhere, at_home):
        page = client.post(reverse("admin:cadres_cadre_add"), {
            "name": "新人", "gender": taken.gender, "birth_month": taken.birth_month.strftime("%Y.%m"),
            "ethnicity": "汉族", "id_number": taken.id_number, "unit": tree["county_a"].pk, "status": "active",
            "political_status": "中共党员",
            **{f"{prefix}-{key}": value for prefix in ("posts", "educations", "assessments", "rewards", "family")
               for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
        })
        assert page.status_code == 200
        errors = page.context["adminform"].form.errors.get("id_number")
        answers.append(errors)
        assert "王五" not in page.content.decode() and "七里河" not in page.content.decode()
    # Elsewhere: taken, as a number of no one is not. At home: the answer of every number of
    # the cadre's masked form, which the clerk's own list shows (身份证号试探).
    assert answers == [[UNAVAILABLE], [NEAR_MISS_FORM_MESSAGE]]


def test_an_lrmx_file_for_another_countys_cadre_reads_like_any_unusable_id_number(
        tree: Any, county_b_clerk: Any) -> None:
    cadre = cadre_in(tree["county_a"], name="曾建华", gender=Gender.MALE)
    person = lrmx.parse(lrmx.export_person(cadre))
    with pytest.raises(lrmx.LrmxError) as refused:
        lrmx.import_person(person, user=county_b_clerk)
    assert refused.value.messages == [UNAVAILABLE]


def test_a_talent_sheet_changing_a_phone_keeps_both_numbers_masked_and_hashed(
        tree: Any, county_a_clerk: Any, tmp_path: Any) -> None:
    from orgwork.imports.engine import run_import
    from orgwork.imports.reader import open_sheet
    from talent.resources import PersonResource
    from tests.imports.sheets import xlsx

    headers = list(PersonResource.example_row)
    number = id_number_for(55, datetime.date(1980, 5, 17))

    def load(phone: str, name: str) -> Any:
        row = {**PersonResource.example_row, "身份证号": number, "联系电话": phone}
        path = xlsx(tmp_path / name, [headers, [row[h] for h in headers]])
        return run_import(PersonResource, county_a_clerk, open_sheet(str(path), name, PersonResource), commit=True)

    assert load("13812345678", "a.xlsx").new == 1
    assert load("13987654321", "b.xlsx").updated == 1
    person = Person.objects.get(id_number=number)
    created, updated = trail(person).filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE])
    assert created.changes["phone"][1]["masked"] == "138****5678"
    assert updated.changes["phone"] == [secrets.audit_value("13812345678", secrets.PHONE),
                                        secrets.audit_value("13987654321", secrets.PHONE)]
    kept = str(created.changes) + str(updated.changes)
    assert "13812345678" not in kept and "13987654321" not in kept and number not in kept


def test_the_talent_add_form_answers_alike_for_a_number_in_another_county(
        tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    elsewhere = talent_services.person_save(person=Person(
        name="王五", id_number=id_number_for(77, datetime.date(1980, 5, 17)), unit=tree["county_b"]), actor=SystemActor("fixture"))
    page = client_for(county_a_clerk).post(reverse("admin:talent_person_add"), {
        "name": "新人", "id_number": elsewhere.id_number, "unit": tree["county_a"].pk})
    assert page.context["adminform"].form.errors["id_number"] == [UNAVAILABLE]
    assert "王五" not in page.content.decode() and "其他单位" not in page.content.decode()


def test_a_worklist_shown_with_full_id_numbers_is_recorded_and_masked_without_the_right(
        tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    from decimal import Decimal

    from cadres.models import Assessment, AssessmentGrade
    from cadres.services import assessment_save

    cadre = cadre_in(tree["county_a"])
    assessment_save(assessment=Assessment(cadre=cadre, year=2024, grade=AssessmentGrade.COMPETENT,
                                          political_score=Decimal("70")), actor=SystemActor("fixture"))
    url = reverse("admin:worklist", args=["cadres_low_political_score"])
    masked = client_for(county_a_clerk).get(url).content.decode()
    assert cadre.masked_id_number in masked and cadre.id_number not in masked
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()
    clerk = granted(county_a_clerk, "cadres.view_unmasked_id_number")
    assert cadre.id_number in client_for(clerk).get(url).content.decode()
    assert "政治素质测评低于80分" in AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE, actor=clerk).message


@pytest.mark.parametrize("add", ["admin:cadres_cadre_add", "admin:talent_person_add", "admin:members_member_add",
                                 "admin:members_applicant_add"])
def test_every_id_number_input_takes_a_number_pasted_with_spaces_around_it(add: str, county_a_clerk: Any,
                                                                           client_for: Any) -> None:
    page = client_for(county_a_clerk).get(reverse(add)).content.decode()
    tag = page.split('name="id_number"')[1].split(">")[0]
    assert 'maxlength="18"' not in tag and 'maxlength="40"' in tag
